/* Compositions: the beat list, the .bol reader and the aligned writer. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/tabla.h"

struct srnn_tabla {
    const srnn_taal *taal;
    srnn_tabla_form form;
    double tempo;
    char title[128];
    uint8_t *bols; /* every syllable, beat after beat */
    size_t n_bols, cap_bols;
    size_t *first; /* beat i: bols[first[i] .. first[i] + count[i]) */
    uint8_t *count;
    size_t n_beats, cap_beats;
};

srnn_tabla *srnn_tabla_new(const srnn_taal *taal, srnn_tabla_form form, double tempo)
{
    srnn_tabla *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->taal = taal ? taal : srnn_taal_at(0);
    t->form = (unsigned)form < SRNN_FORM_COUNT ? form : SRNN_FORM_THEKA;
    t->tempo = tempo > 0 ? tempo : SRNN_TABLA_DEFAULT_TEMPO;
    return t;
}

void srnn_tabla_free(srnn_tabla *t)
{
    if (!t)
        return;
    free(t->bols);
    free(t->first);
    free(t->count);
    free(t);
}

int srnn_tabla_add_beat(srnn_tabla *t, const uint8_t *bols, int n)
{
    if (!t || !bols || n < 1 || n > SRNN_BOL_MAX_BEAT)
        return SRNN_EARG;
    for (int i = 0; i < n; i++)
        if (bols[i] >= srnn_bol_count())
            return SRNN_EARG;
    if (t->n_bols + (size_t)n > t->cap_bols) {
        size_t nc = t->cap_bols ? t->cap_bols * 2 : 256;
        while (nc < t->n_bols + (size_t)n)
            nc *= 2;
        uint8_t *nb = realloc(t->bols, nc);
        if (!nb)
            return SRNN_ENOMEM;
        t->bols = nb;
        t->cap_bols = nc;
    }
    if (t->n_beats == t->cap_beats) {
        size_t nc = t->cap_beats ? t->cap_beats * 2 : 64;
        size_t *nf = realloc(t->first, nc * sizeof *nf);
        if (!nf)
            return SRNN_ENOMEM;
        t->first = nf;
        uint8_t *ncount = realloc(t->count, nc);
        if (!ncount)
            return SRNN_ENOMEM;
        t->count = ncount;
        t->cap_beats = nc;
    }
    memcpy(t->bols + t->n_bols, bols, (size_t)n);
    t->first[t->n_beats] = t->n_bols;
    t->count[t->n_beats] = (uint8_t)n;
    t->n_bols += (size_t)n;
    t->n_beats++;
    return SRNN_OK;
}

const srnn_taal *srnn_tabla_taal(const srnn_tabla *t) { return t ? t->taal : NULL; }
srnn_tabla_form srnn_tabla_form_of(const srnn_tabla *t) { return t ? t->form : SRNN_FORM_THEKA; }
double srnn_tabla_tempo(const srnn_tabla *t) { return t ? t->tempo : 0; }
const char *srnn_tabla_title(const srnn_tabla *t) { return t ? t->title : ""; }
size_t srnn_tabla_beat_count(const srnn_tabla *t) { return t ? t->n_beats : 0; }

const uint8_t *srnn_tabla_beat(const srnn_tabla *t, size_t i, int *n)
{
    if (!t || i >= t->n_beats) {
        if (n)
            *n = 0;
        return NULL;
    }
    if (n)
        *n = t->count[i];
    return t->bols + t->first[i];
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct reader {
    srnn_tabla *t;
    srnn_error *err;
    int line;
    int have_taal;
    size_t last_beat_line; /* line of the last beat read */
    int pending_line, pending_col; /* a line that ended off a vibhag boundary */
    size_t pending_beats;
} reader;

/* The syllables of one piece of a word (letters only, no rests): by capital letters when the
 * word mixes cases, else (or when that fails) the fewest syllables that spell it. */
static int segment(const char *s, size_t len, int mixed, uint8_t *out, int *n)
{
    if (mixed) {
        int k = 0;
        size_t i = 0;
        int ok = 1;
        while (i < len && ok) {
            size_t j = i + 1;
            while (j < len && !isupper((unsigned char)s[j]))
                j++;
            int b = srnn_bol_lookup(s + i, j - i);
            if (b >= 0 && k >= SRNN_BOL_MAX_BEAT)
                return -2;
            if (b < 0)
                ok = 0;
            else
                out[k++] = (uint8_t)b;
            i = j;
        }
        if (ok) {
            *n = k;
            return 0;
        }
    }
    enum { MAXL = 96 };
    if (len > MAXL)
        return -1;
    int best[MAXL + 1], from[MAXL + 1], bol[MAXL + 1];
    best[0] = 0;
    for (size_t i = 1; i <= len; i++) {
        best[i] = 1 << 20;
        for (size_t l = 1; l <= 5 && l <= i; l++) {
            if (best[i - l] >= 1 << 20)
                continue;
            int b = srnn_bol_lookup(s + i - l, l);
            if (b >= 0 && best[i - l] + 1 < best[i]) {
                best[i] = best[i - l] + 1;
                from[i] = (int)(i - l);
                bol[i] = b;
            }
        }
    }
    if (best[len] >= 1 << 20)
        return -1;
    if (best[len] > SRNN_BOL_MAX_BEAT)
        return -2;
    int k = best[len];
    *n = k;
    for (size_t i = len; i > 0; i = (size_t)from[i])
        out[--k] = (uint8_t)bol[i];
    return 0;
}

/* One word (or a parenthesized group's word) appended to beat[*n]. */
static int read_word(reader *r, const char *w, size_t len, int col, uint8_t *beat, int *n)
{
    char buf[128];
    size_t bl = 0;
    int upper = 0, lower = 0;
    /* Fold to ASCII: ā ī ū as doubled vowels, the avagraha ऽ as a rest. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        const char *add = NULL;
        char one[2] = {0, 0};
        if (isalpha(c) || c == '-') {
            one[0] = (char)c;
            add = one;
            upper += isupper(c) != 0;
            lower += islower(c) != 0;
        } else if (c == 0xC4 && i + 1 < len && (unsigned char)w[i + 1] == 0x81) {
            add = "aa", i++;
        } else if (c == 0xC4 && i + 1 < len && (unsigned char)w[i + 1] == 0xAB) {
            add = "ii", i++;
        } else if (c == 0xC5 && i + 1 < len && (unsigned char)w[i + 1] == 0xAB) {
            add = "uu", i++;
        } else if (c == 0xE0 && i + 2 < len && (unsigned char)w[i + 1] == 0xA4 &&
                   (unsigned char)w[i + 2] == 0xBD) {
            add = "-", i += 2;
        } else {
            return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col,
                                     "unknown bol '%.*s' (unexpected character)",
                                     (int)(len > 40 ? 40 : len), w);
        }
        size_t al = strlen(add);
        if (bl + al >= sizeof buf)
            return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col,
                                     "a beat of more than %d bols", SRNN_BOL_MAX_BEAT);
        memcpy(buf + bl, add, al);
        bl += al;
    }
    int mixed = upper > 0 && lower > 0;
    size_t i = 0;
    while (i < bl) {
        if (buf[i] == '-') {
            if (*n >= SRNN_BOL_MAX_BEAT)
                goto too_many;
            beat[(*n)++] = SRNN_BOL_REST;
            i++;
            continue;
        }
        size_t j = i;
        while (j < bl && buf[j] != '-')
            j++;
        uint8_t part[SRNN_BOL_MAX_BEAT];
        int k = 0;
        int sr = segment(buf + i, j - i, mixed, part, &k);
        if (sr == -2)
            goto too_many;
        if (sr != 0) {
            return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col, "unknown bol '%.*s'",
                                     (int)(len > 40 ? 40 : len), w);
        }
        if (*n + k > SRNN_BOL_MAX_BEAT)
            goto too_many;
        memcpy(beat + *n, part, (size_t)k);
        *n += k;
        i = j;
    }
    return SRNN_OK;
too_many:
    return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col, "a beat of more than %d bols",
                             SRNN_BOL_MAX_BEAT);
}

static int at_boundary(const srnn_taal *t, size_t beats)
{
    return beats % (size_t)t->beats == 0 || srnn_taal_vibhag_end(t, (int)(beats % (size_t)t->beats) - 1);
}

static void vibhag_list(const srnn_taal *t, char *buf, size_t size)
{
    size_t l = 0;
    buf[0] = 0;
    for (int v = 0; v < t->n_vibhags && l + 8 < size; v++)
        l += (size_t)snprintf(buf + l, size - l, "%s%d", v ? "+" : "", t->vibhags[v]);
}

static int off_boundary(reader *r, int col, size_t beats, const char *what)
{
    const srnn_taal *t = r->t->taal;
    char vl[64];
    vibhag_list(t, vl, sizeof vl);
    return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col,
                             "%s after beat %zu of %s's %d-beat cycle, not at a vibhag's end "
                             "(%s)", what, beats % (size_t)t->beats, t->name, t->beats, vl);
}

static int header_field(reader *r, const char *key, size_t klen, const char *val, int vcol)
{
    char k[32], v[128];
    if (klen >= sizeof k)
        klen = sizeof k - 1;
    for (size_t i = 0; i < klen; i++)
        k[i] = (char)tolower((unsigned char)key[i]);
    k[klen] = 0;
    size_t vl = strlen(val);
    while (vl && isspace((unsigned char)val[vl - 1]))
        vl--;
    if (vl >= sizeof v)
        vl = sizeof v - 1;
    memcpy(v, val, vl);
    v[vl] = 0;
    if (strcmp(k, "taal") == 0 || strcmp(k, "tal") == 0 || strcmp(k, "tala") == 0) {
        const srnn_taal *t = srnn_taal_find(v);
        if (!t)
            return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, vcol,
                                     "unknown taal '%s' (teentaal, jhaptaal, ektaal, rupak, "
                                     "keherwa, dadra, jhoomra, dhamar)", v);
        r->t->taal = t;
        r->have_taal = 1;
    } else if (strcmp(k, "form") == 0) {
        int f = srnn_tabla_form_find(v);
        if (f < 0)
            return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, vcol,
                                     "unknown form '%s' (theka, kayda, palta, rela, tukda, "
                                     "tihai, chakradar)", v);
        r->t->form = (srnn_tabla_form)f;
    } else if (strcmp(k, "tempo") == 0) {
        char *end = NULL;
        double bpm = strtod(v, &end);
        while (end && isspace((unsigned char)*end))
            end++;
        if (end == v || (end && *end && strcasecmp(end, "bpm") != 0) || !(bpm >= 10) ||
            bpm > 600)
            return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, vcol,
                                     "tempo '%s' is not a number of beats a minute in 10..600",
                                     v);
        r->t->tempo = bpm;
    } else if (strcmp(k, "title") == 0) {
        snprintf(r->t->title, sizeof r->t->title, "%s", v);
    } else if (strcmp(k, "source") != 0 && strcmp(k, "gharana") != 0 &&
               strcmp(k, "composer") != 0 && strcmp(k, "note") != 0) {
        return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, 1,
                                 "unknown header field '%s' (taal, form, tempo, title, source, "
                                 "gharana, composer, note)", k);
    }
    return SRNN_OK;
}

/* A line of marks under the beats (X 2 0 3, + for sam in some books) is skipped. */
static int marks_line(const char *s, size_t len)
{
    int any = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == 'X' || c == 'x' || c == '+' || (c >= '0' && c <= '9')) {
            any = 1;
        } else if (c != ' ' && c != '\t' && c != '|' && c != '\r') {
            return 0;
        }
    }
    return any;
}

static int read_body_line(reader *r, const char *s, size_t len)
{
    srnn_tabla *t = r->t;
    size_t beats_before = t->n_beats;
    if (r->pending_line) {
        r->line = r->pending_line;
        return off_boundary(r, r->pending_col, r->pending_beats, "the line ends");
    }
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        int col = (int)i + 1;
        if (isspace((unsigned char)c)) {
            i++;
        } else if (c == '|') {
            int bars = 0;
            while (i < len && s[i] == '|')
                bars++, i++;
            if (bars > 2)
                return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col, "'%.*s' is not a "
                                         "bar (| between vibhags, || at a cycle's end)", bars,
                                         s + col - 1);
            if (!at_boundary(t->taal, t->n_beats))
                return off_boundary(r, col, t->n_beats, "a vibhag bar");
            if (bars == 2 && t->n_beats % (size_t)t->taal->beats != 0)
                return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col,
                                         "'||' after beat %zu of %s's %d-beat cycle, not at "
                                         "the cycle's end", t->n_beats % (size_t)t->taal->beats,
                                         t->taal->name, t->taal->beats);
        } else {
            uint8_t beat[SRNN_BOL_MAX_BEAT];
            int n = 0, rc;
            if (c == '(') {
                const char *close = memchr(s + i, ')', len - i);
                if (!close)
                    return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col,
                                             "'(' without ')' on its line");
                i++;
                while (s + i < close) {
                    while (s + i < close && isspace((unsigned char)s[i]))
                        i++;
                    size_t j = i;
                    while (s + j < close && !isspace((unsigned char)s[j]))
                        j++;
                    if (j > i && (rc = read_word(r, s + i, j - i, (int)i + 1, beat, &n)) != 0)
                        return rc;
                    i = j;
                }
                i++;
                if (n == 0)
                    return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col,
                                             "an empty beat '()'");
            } else {
                size_t j = i;
                while (j < len && !isspace((unsigned char)s[j]) && s[j] != '|' && s[j] != '(')
                    j++;
                if ((rc = read_word(r, s + i, j - i, col, beat, &n)) != 0)
                    return rc;
                i = j;
            }
            if (t->n_beats >= (size_t)1 << 24)
                return srnn_error_set_at(r->err, SRNN_EINPUT, r->line, col, "too many beats");
            if ((rc = srnn_tabla_add_beat(t, beat, n)) != SRNN_OK)
                return srnn_error_set_at(r->err, rc, r->line, col, "out of memory");
        }
    }
    if (t->n_beats > beats_before) {
        r->last_beat_line = (size_t)r->line;
        if (!at_boundary(t->taal, t->n_beats)) {
            /* Only the last line may stop there (the sam beat ending a tihai): decided later. */
            r->pending_line = r->line;
            r->pending_col = (int)len + 1;
            r->pending_beats = t->n_beats;
        }
    }
    return SRNN_OK;
}

int srnn_tabla_parse(const char *text, size_t len, srnn_tabla **out, srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "nowhere to put the composition");
    *out = NULL;
    if (!text && len)
        return srnn_error_set(err, SRNN_EARG, "no text");
    reader r = {0};
    r.err = err;
    r.t = srnn_tabla_new(NULL, SRNN_FORM_THEKA, SRNN_TABLA_DEFAULT_TEMPO);
    if (!r.t)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    int rc = SRNN_OK;
    size_t pos = 0;
    while (pos < len && rc == SRNN_OK) {
        size_t eol = pos;
        while (eol < len && text[eol] != '\n')
            eol++;
        r.line++;
        const char *s = text + pos;
        size_t l = eol - pos;
        pos = eol + 1;
        if (memchr(s, 0, l)) {
            rc = srnn_error_set_at(err, SRNN_EINPUT, r.line, 1, "a NUL byte: not a text file");
            break;
        }
        const char *hash = memchr(s, '#', l);
        if (hash)
            l = (size_t)(hash - s);
        size_t b = 0;
        while (b < l && isspace((unsigned char)s[b]))
            b++;
        if (b == l)
            continue;
        /* A header line: a word, a colon. */
        size_t k = b;
        while (k < l && (isalpha((unsigned char)s[k]) || s[k] == '_'))
            k++;
        size_t kend = k;
        while (k < l && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (kend > b && k < l && s[k] == ':') {
            if (r.t->n_beats > 0) {
                rc = srnn_error_set_at(err, SRNN_EINPUT, r.line, (int)b + 1,
                                       "header field '%.*s' after the bols began", (int)(kend - b),
                                       s + b);
                break;
            }
            char val[256];
            size_t v0 = k + 1;
            while (v0 < l && isspace((unsigned char)s[v0]))
                v0++;
            size_t vl = l - v0 < sizeof val - 1 ? l - v0 : sizeof val - 1;
            memcpy(val, s + v0, vl);
            val[vl] = 0;
            rc = header_field(&r, s + b, kend - b, val, (int)v0 + 1);
            continue;
        }
        if (marks_line(s, l))
            continue;
        if (!r.have_taal) {
            rc = srnn_error_set_at(err, SRNN_EINPUT, r.line, (int)b + 1,
                                   "bols before the header's 'taal:' line");
            break;
        }
        rc = read_body_line(&r, s, l);
    }
    srnn_tabla *t = r.t;
    if (rc == SRNN_OK && !r.have_taal)
        rc = srnn_error_set_at(err, SRNN_EINPUT, r.line ? r.line : 1, 1,
                               "no 'taal:' header line");
    if (rc == SRNN_OK && t->n_beats == 0)
        rc = srnn_error_set_at(err, SRNN_EINPUT, r.line ? r.line : 1, 1, "no bols");
    if (rc == SRNN_OK) {
        size_t C = (size_t)t->taal->beats, n = t->n_beats;
        int line = (int)r.last_beat_line;
        if (srnn_tabla_form_ends_on_sam(t->form)) {
            if (n % C != 1 || n < C + 1)
                rc = srnn_error_set_at(err, SRNN_EINPUT, line, 1,
                                       "a %s ends on sam (whole %d-beat cycles, then the sam "
                                       "beat), but this one ends after %zu cycles and %zu beats",
                                       srnn_tabla_form_name(t->form), t->taal->beats, n / C,
                                       n % C);
        } else if (r.pending_line) {
            r.line = r.pending_line;
            rc = off_boundary(&r, r.pending_col, r.pending_beats, "the line ends");
        } else if (n % C != 0) {
            rc = srnn_error_set_at(err, SRNN_EINPUT, line, 1,
                                   "a %s is whole cycles, but this one ends after beat %zu of "
                                   "%s's %d-beat cycle", srnn_tabla_form_name(t->form), n % C,
                                   t->taal->name, t->taal->beats);
        }
    }
    if (rc != SRNN_OK) {
        srnn_tabla_free(t);
        return rc;
    }
    *out = t;
    return SRNN_OK;
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        while (nc < b->len + n + 1)
            nc *= 2;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_pad(sbuf *b, size_t n)
{
    while (n--)
        sb_add(b, " ", 1);
}

static size_t beat_width(const srnn_tabla *t, size_t i)
{
    int n;
    const uint8_t *b = srnn_tabla_beat(t, i, &n);
    size_t w = 0;
    for (int k = 0; k < n; k++)
        w += strlen(srnn_bol_name(b[k]));
    return w;
}

int srnn_tabla_write(const srnn_tabla *t, char **text, srnn_error *err)
{
    if (!t || !text)
        return srnn_error_set(err, SRNN_EARG, "nothing to write");
    *text = NULL;
    const srnn_taal *tl = t->taal;
    size_t C = (size_t)tl->beats;
    size_t width[64] = {0};
    for (size_t i = 0; i < t->n_beats; i++) {
        size_t w = beat_width(t, i);
        if (w > width[i % C])
            width[i % C] = w;
    }
    sbuf b = {0};
    char line[256];
    if (t->title[0]) {
        snprintf(line, sizeof line, "title: %s\n", t->title);
        sb_str(&b, line);
    }
    snprintf(line, sizeof line, "taal: %s\nform: %s\ntempo: %g\n\n", tl->name,
             srnn_tabla_form_name(t->form), t->tempo);
    sb_str(&b, line);
    sbuf marks = {0};
    for (size_t c0 = 0; c0 < t->n_beats; c0 += C) {
        marks.len = 0;
        sb_str(&marks, "");
        size_t end = c0 + C < t->n_beats ? c0 + C : t->n_beats;
        int v = 0;
        size_t vstart = 0; /* beat in the cycle where vibhag v starts */
        for (size_t i = c0; i < end; i++) {
            size_t p = i - c0;
            if (p == vstart + (size_t)tl->vibhags[v] && v + 1 < tl->n_vibhags) {
                vstart += (size_t)tl->vibhags[v];
                v++;
            }
            if (p > 0) {
                const char *sep = p == vstart ? " | " : " ";
                sb_str(&b, sep);
                sb_str(&marks, p == vstart ? "   " : " ");
            }
            int n;
            const uint8_t *beat = srnn_tabla_beat(t, i, &n);
            for (int k = 0; k < n; k++)
                sb_str(&b, srnn_bol_name(beat[k]));
            size_t w = beat_width(t, i);
            if (p == vstart) {
                sb_str(&marks, tl->marks[v]);
                sb_pad(&marks, width[p] - strlen(tl->marks[v]) * (width[p] >= strlen(tl->marks[v])));
            } else {
                sb_pad(&marks, width[p]);
            }
            if (i + 1 < end)
                sb_pad(&b, width[p] - w);
        }
        sb_str(&b, "\n");
        while (marks.len && marks.s[marks.len - 1] == ' ')
            marks.s[--marks.len] = 0;
        sb_str(&marks, "\n");
        if (!marks.oom)
            sb_str(&b, marks.s);
    }
    free(marks.s);
    if (b.oom || marks.oom) {
        free(b.s);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    *text = b.s;
    return SRNN_OK;
}
