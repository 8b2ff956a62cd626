/* Reading the values of ABC fields: M: L: K: Q: P: and guitar chord names. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abc_internal.h"

static const char *skip_ws(const char *s, const char *e)
{
    while (s < e && isspace((unsigned char)*s))
        s++;
    return s;
}

static const char *trim_end(const char *s, const char *e)
{
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    return e;
}

/* Reads a decimal number of at most 6 digits; -1 when there is none. */
static long read_int(const char **ps, const char *e)
{
    const char *s = *ps;
    long v = 0;
    int n = 0;
    while (s < e && isdigit((unsigned char)*s)) {
        if (n < 6)
            v = v * 10 + (*s - '0');
        n++;
        s++;
    }
    *ps = s;
    return n == 0 ? -1 : (n > 6 ? 1000000 : v);
}

static int ieq_prefix(const char *s, const char *e, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(e - s) < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

int abc_read_meter(const char *s, const char *e, abc_meter *m, srnn_error *err)
{
    s = skip_ws(s, e);
    e = trim_end(s, e);
    if (s == e || (e - s == 4 && ieq_prefix(s, e, "none"))) {
        m->num = m->den = 0;
        m->barlen = 0;
        return SRNN_OK;
    }
    if (*s == 'C') {
        const char *p = skip_ws(s + 1, e);
        if (p == e || (*p == '|' && skip_ws(p + 1, e) == e)) {
            int cut = p < e;
            m->num = cut ? 2 : 4;
            m->den = cut ? 2 : 4;
            m->barlen = 1.0;
            return SRNN_OK;
        }
    }
    /* N/D, N1+N2+.../D, (N1+N2)/D */
    const char *p = s;
    long num = 0;
    int paren = 0;
    if (p < e && *p == '(') {
        paren = 1;
        p++;
    }
    for (;;) {
        p = skip_ws(p, e);
        long v = read_int(&p, e);
        if (v <= 0)
            goto bad;
        num += v;
        if (num > 1000)
            goto bad;
        p = skip_ws(p, e);
        if (p < e && *p == '+') {
            p++;
            continue;
        }
        break;
    }
    if (paren) {
        if (p >= e || *p != ')')
            goto bad;
        p++;
    }
    p = skip_ws(p, e);
    if (p >= e || *p != '/')
        goto bad;
    p = skip_ws(p + 1, e);
    long den = read_int(&p, e);
    if (den <= 0 || den > 1024)
        goto bad;
    p = skip_ws(p, e);
    if (p != e)
        goto bad;
    m->num = (int)num;
    m->den = (int)den;
    m->barlen = (double)num / (double)den;
    return SRNN_OK;
bad:
    return srnn_error_set(err, SRNN_EINPUT, "unknown meter 'M:%.*s'", (int)(e - s > 40 ? 40 : e - s),
                          s);
}

int abc_read_length(const char *s, const char *e, double *unit, srnn_error *err)
{
    s = skip_ws(s, e);
    e = trim_end(s, e);
    const char *p = s;
    long num = read_int(&p, e);
    long den = 1;
    if (p < e && *p == '/') {
        p++;
        den = read_int(&p, e);
    }
    if (num <= 0 || den <= 0 || num > 64 || den > 1024 || skip_ws(p, e) != e)
        return srnn_error_set(err, SRNN_EINPUT, "bad unit note length 'L:%.*s'",
                              (int)(e - s > 40 ? 40 : e - s), s);
    *unit = (double)num / (double)den;
    return SRNN_OK;
}

/* Sharps of the major key on a tonic letter (C D E F G A B) without accidental. */
static const int major_sharps[7] = {0, 2, 4, -1, 1, 3, 5};
/* Order in which sharps are added to a signature: F C G D A E B (as letter indexes). */
static const int sharp_order[7] = {3, 0, 4, 1, 5, 2, 6};

static int letter_index(int c)
{
    static const char *letters = "CDEFGAB";
    const char *q = c ? strchr(letters, toupper(c)) : NULL;
    return q ? (int)(q - letters) : -1;
}

static void key_from_sharps(abc_key *k, int sharps)
{
    memset(k->acc, 0, sizeof k->acc);
    for (int i = 0; i < sharps && i < 7; i++)
        k->acc[sharp_order[i]] = 1;
    for (int i = 0; i < -sharps && i < 7; i++)
        k->acc[sharp_order[6 - i]] = -1;
    k->sharps = sharps;
}

static const char *const clef_words[] = {"treble", "bass", "alto", "tenor", "perc", "none",
                                         "baritone", "soprano", "mezzosoprano", NULL};

int abc_read_key(const char *s, const char *e, abc_key *k, srnn_error *err)
{
    s = skip_ws(s, e);
    e = trim_end(s, e);
    const char *p = s;
    int minor = 0, sharps = 0, w_attached = 0;
    if (p == e || ieq_prefix(p, e, "none")) {
        p += (p == e) ? 0 : 4;
    } else if (e - p >= 2 && p[0] == 'H' && (p[1] == 'P' || p[1] == 'p')) {
        /* Highland pipes: played with F and C sharp, G natural (K:HP writes no signature). */
        p += 2;
        sharps = 2;
    } else {
        int li = letter_index(*p);
        if (li < 0 || !isupper((unsigned char)*p))
            goto unknown;
        p++;
        sharps = major_sharps[li];
        if (p < e && *p == '#') {
            sharps += 7;
            p++;
        } else if (p < e && *p == 'b') {
            sharps -= 7;
            p++;
        }
        /* The mode: a word whose first three letters name it; "m" alone is minor. */
        const char *w = skip_ws(p, e);
        w_attached = w == p; /* "K:Dx" is an unknown key, "K:D x" an unknown mode */
        const char *we = w;
        while (we < e && isalpha((unsigned char)*we))
            we++;
        static const struct {
            const char *name;
            int shift, minor;
        } modes[] = {{"maj", 0, 0}, {"ion", 0, 0}, {"min", -3, 1}, {"aeo", -3, 1},
                     {"mix", -1, 0}, {"dor", -2, 1}, {"phr", -4, 1}, {"lyd", 1, 0},
                     {"loc", -5, 1}};
        int found = 0;
        if (we - w == 1 && (*w == 'm' || *w == 'M')) {
            sharps -= 3;
            minor = 1;
            found = 1;
        } else if (we - w >= 3) {
            for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
                if (ieq_prefix(w, we, modes[i].name)) {
                    sharps += modes[i].shift;
                    minor = modes[i].minor;
                    found = 1;
                }
            if (!found) {
                /* A clef or a parameter may follow the tonic directly ("K:D clef=bass"). */
                int ok = (we < e && *we == '=') || ieq_prefix(w, we, "exp");
                for (int i = 0; clef_words[i]; i++)
                    if ((size_t)(we - w) == strlen(clef_words[i]) && ieq_prefix(w, we, clef_words[i]))
                        ok = 1;
                if (!ok)
                    goto unknown_or_mode;
            }
        } else if (we > w) {
            goto unknown_or_mode;
        }
        if (found)
            p = we;
        if (sharps > 7 || sharps < -7)
            return srnn_error_set(err, SRNN_EINPUT, "unsupported key 'K:%.*s' (more than 7 %s)",
                                  (int)(e - s > 40 ? 40 : e - s), s, sharps > 0 ? "sharps" : "flats");
    }
    key_from_sharps(k, sharps);
    k->minor = minor;
    /* What may follow: explicit accidentals (^f _b =c), clefs, name=value parameters. */
    while ((p = skip_ws(p, e)) < e) {
        const char *w = p;
        while (p < e && !isspace((unsigned char)*p))
            p++;
        if (*w == '^' || *w == '_' || *w == '=') {
            const char *q = w;
            int acc = 0;
            while (q < p && (*q == '^' || *q == '_' || *q == '=')) {
                acc += *q == '^' ? 1 : *q == '_' ? -1 : 0;
                q++;
            }
            int li = q < p ? letter_index(*q) : -1;
            if (li < 0)
                goto unknown_mode;
            k->acc[li] = acc;
            continue;
        }
        if (memchr(w, '=', (size_t)(p - w)))
            continue; /* clef=, middle=, transpose=, octave=, stafflines= ... */
        int ok = 0;
        for (int i = 0; clef_words[i]; i++)
            if (ieq_prefix(w, p, clef_words[i]))
                ok = 1;
        if (ieq_prefix(w, p, "exp") || ((*w == '+' || *w == '-') && p - w <= 3))
            ok = 1; /* "exp" (explicit accidentals only), +8 / -8 octave clefs */
        if (!ok)
            goto unknown_mode;
    }
    return SRNN_OK;
unknown_or_mode:
    if (w_attached)
        goto unknown;
    goto unknown_mode;
unknown:
    return srnn_error_set(err, SRNN_EINPUT, "unknown key 'K:%.*s'", (int)(e - s > 40 ? 40 : e - s),
                          s);
unknown_mode:
    return srnn_error_set(err, SRNN_EINPUT, "unknown key mode or parameter in 'K:%.*s'",
                          (int)(e - s > 40 ? 40 : e - s), s);
}

/* Reads a fraction "3/8" into whole notes; 0 when there is none. */
static double read_fraction(const char **ps, const char *e)
{
    const char *p = *ps;
    long n = read_int(&p, e);
    if (n <= 0 || p >= e || *p != '/')
        return 0;
    p++;
    long d = read_int(&p, e);
    if (d <= 0)
        return 0;
    *ps = p;
    return (double)n / (double)d;
}

int abc_read_tempo(const char *s, const char *e, double unit, double *us)
{
    const char *p = s;
    double beat = 0;
    long bpm = -1;
    while (p < e) {
        p = skip_ws(p, e);
        if (p >= e)
            break;
        if (*p == '"') { /* "Allegro" */
            const char *q = memchr(p + 1, '"', (size_t)(e - p - 1));
            p = q ? q + 1 : e;
            continue;
        }
        if (*p == '=') {
            p++;
            p = skip_ws(p, e);
            bpm = read_int(&p, e);
            break;
        }
        if (*p == 'C' || *p == 'c') { /* old "C=120": the unit note length */
            beat += unit;
            p++;
            continue;
        }
        if (isdigit((unsigned char)*p)) {
            const char *q = p;
            double f = read_fraction(&q, e);
            if (f > 0) {
                beat += f;
                p = q;
                continue;
            }
            /* A bare number: beats of the unit note length a minute (ABC 1.6). */
            q = p;
            long v = read_int(&q, e);
            if (beat == 0 && skip_ws(q, e) == e) {
                beat = unit;
                bpm = v;
            }
            break;
        }
        p++;
    }
    if (bpm <= 0 || bpm > 10000 || !(beat > 0))
        return 0;
    /* bpm beats of `beat` whole notes a minute -> microseconds per quarter note. */
    double quarters_per_min = (double)bpm * beat * 4.0;
    *us = 60e6 / quarters_per_min;
    return 1;
}

static const int letter_pc[7] = {0, 2, 4, 5, 7, 9, 11};

static int mask_of(const int *iv, int n)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        m |= 1 << iv[i];
    return m;
}

int abc_read_gchord(const char *s, const char *e, int *root, int *bass, int *mask, int *unknown)
{
    *unknown = 0;
    s = skip_ws(s, e);
    while (s < e && *s == '(')
        s++;
    if (s >= e)
        return 0;
    if (e - s >= 3 && (ieq_prefix(s, e, "n.c") || ieq_prefix(s, e, "nc")))
        return -1;
    int li = letter_index(*s);
    if (li < 0 || !isupper((unsigned char)*s))
        return 0;
    int pc = letter_pc[li];
    const char *p = s + 1;
    if (p < e && (*p == '#' || *p == 'b')) {
        pc += *p == '#' ? 1 : -1;
        p++;
    }
    const char *t = p;
    while (p < e && *p != '/' && *p != ' ' && *p != '(' && *p != ')' && *p != ';')
        p++;
    static const struct {
        const char *name;
        int iv[6], n;
    } types[] = {
        {"", {0, 4, 7}, 3},          {"maj", {0, 4, 7}, 3},         {"M", {0, 4, 7}, 3},
        {"m", {0, 3, 7}, 3},         {"min", {0, 3, 7}, 3},         {"mi", {0, 3, 7}, 3},
        {"-", {0, 3, 7}, 3},         {"7", {0, 4, 7, 10}, 4},       {"m7", {0, 3, 7, 10}, 4},
        {"min7", {0, 3, 7, 10}, 4},  {"-7", {0, 3, 7, 10}, 4},      {"maj7", {0, 4, 7, 11}, 4},
        {"M7", {0, 4, 7, 11}, 4},    {"dim", {0, 3, 6}, 3},         {"o", {0, 3, 6}, 3},
        {"dim7", {0, 3, 6, 9}, 4},   {"o7", {0, 3, 6, 9}, 4},       {"aug", {0, 4, 8}, 3},
        {"+", {0, 4, 8}, 3},         {"aug7", {0, 4, 8, 10}, 4},    {"+7", {0, 4, 8, 10}, 4},
        {"7+", {0, 4, 8, 10}, 4},    {"sus", {0, 5, 7}, 3},         {"sus4", {0, 5, 7}, 3},
        {"sus2", {0, 2, 7}, 3},      {"7sus", {0, 5, 7, 10}, 4},    {"7sus4", {0, 5, 7, 10}, 4},
        {"6", {0, 4, 7, 9}, 4},      {"m6", {0, 3, 7, 9}, 4},       {"9", {0, 4, 7, 10, 14}, 5},
        {"m9", {0, 3, 7, 10, 14}, 5}, {"maj9", {0, 4, 7, 11, 14}, 5}, {"add9", {0, 4, 7, 14}, 4},
        {"11", {0, 4, 7, 10, 14, 17}, 6}, {"13", {0, 4, 7, 10, 14, 21}, 6},
        {"m7b5", {0, 3, 6, 10}, 4},  {"5", {0, 7}, 2},              {"mmaj7", {0, 3, 7, 11}, 4},
    };
    int found = 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if ((size_t)(p - t) == strlen(types[i].name) && !memcmp(t, types[i].name, (size_t)(p - t))) {
            *mask = mask_of(types[i].iv, types[i].n);
            found = 1;
            break;
        }
    if (!found) {
        *mask = mask_of((const int[]){0, 4, 7}, 3);
        *unknown = 1;
    }
    *root = (pc + 12) % 12;
    *bass = *root;
    if (p < e && *p == '/' && p + 1 < e) {
        int bl = letter_index(p[1]);
        if (bl >= 0) {
            int b = letter_pc[bl];
            const char *q = p + 2;
            if (q < e && (*q == '#' || *q == '+'))
                b++;
            else if (q < e && (*q == 'b' || *q == '-'))
                b--;
            *bass = (b + 12) % 12;
        }
    }
    return 1;
}

/* P: grammar: labels (letters), groups in parentheses, repeat counts after either. */
static int parts_expand(const char **ps, const char *e, char *out, int n, int cap, int depth)
{
    const char *p = *ps;
    while (p < e && *p != ')') {
        int start = n;
        if (*p == '(' && depth < 8) {
            p++;
            n = parts_expand(&p, e, out, n, cap, depth + 1);
            if (p < e && *p == ')')
                p++;
        } else if (isalpha((unsigned char)*p)) {
            if (n < cap)
                out[n++] = *p;
            p++;
        } else {
            p++; /* '.', spaces and other punctuation separate labels */
            continue;
        }
        long times = p < e && isdigit((unsigned char)*p) ? read_int(&p, e) : 1;
        int len = n - start;
        for (long t = 1; t < times && len > 0; t++)
            for (int i = 0; i < len && n < cap; i++)
                out[n++] = out[start + i];
    }
    *ps = p;
    return n;
}

int abc_read_parts(const char *s, const char *e, char *out, int cap)
{
    int n = 0;
    const char *p = s;
    while (p < e) {
        n = parts_expand(&p, e, out, n, cap, 0);
        if (p < e)
            p++; /* an unmatched ')' */
    }
    return n;
}
