/* ABC text to features: the header, field lines, inline fields and music lines of one tune.
 * Pitches are resolved here (key, accidentals through the bar, ties carrying an accidental
 * over the bar line); times are left as lengths, so abc_play can expand repeats. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abc_internal.h"

/* What parsing remembers about a voice besides its features. */
typedef struct vstate {
    abc_key key;
    int baracc[7];
    uint8_t barset[7]; /* an accidental in this bar applies to the letter in every octave */
    double unit;
    abc_meter meter;
    size_t gstart, gend; /* the last note, rest or chord: features [gstart, gend) */
    int have_group;
    double broken_next; /* factor for the next group after > or <; 0 none */
    int tup_left;
    double tup_factor;
    /* A tied note carries its pitch into the next note of the same letter and octave. */
    int carry_pitch[7], carry_oct[7];
    uint8_t carry_set[7], carry_next[7];
    int next_pitch[7], next_oct[7];
    /* Hornpipe swing (as abc2midi plays R:hornpipe): where the bar is, and the last group if
     * it was a single untied note of the swung length starting on a beat. */
    double barpos;
    double group_raw, group_pos; /* length before tuplets and broken rhythm, start in bar */
    size_t swing_prev;           /* index + 1 of that note, 0 none */
    int ornament;                /* for the next note: ORN_ROLL, ORN_TRILL or 0 */
    int transpose;               /* V: transpose=N, semitones */
} vstate;

enum { ORN_ROLL = 1, ORN_TRILL = 2 };

typedef struct ctx {
    const srnn_abc_options *opt;
    srnn_error *err;
    abc_tune *tune;
    vstate vs[ABC_MAX_VOICES];
    int cur;
    abc_key key; /* tune defaults, copied into voices made later */
    double unit;
    int unit_set;
    abc_meter meter;
    int in_header;
    int hornpipe; /* R:hornpipe in 2/4 or 4/4: pairs of eighths (sixteenths in 2/4) 2:1 */
    double swing;  /* the swung length, whole notes */
    int line;
    const char *line_start;
    size_t nfeat;
} ctx;

static int col_of(const ctx *c, const char *p)
{
    return (int)(p - c->line_start) + 1;
}

static void warn(ctx *c, const char *p, const char *fmt, ...) SRNN_PRINTF(3, 4);
static void warn(ctx *c, const char *p, const char *fmt, ...)
{
    if (!c->opt || !c->opt->warn)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->opt->warn(c->opt->warn_ud, c->line, col_of(c, p), msg);
}

static int fail(ctx *c, const char *p, const char *fmt, ...) SRNN_PRINTF(3, 4);
static int fail(ctx *c, const char *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return srnn_error_set_at(c->err, SRNN_EINPUT, c->line, col_of(c, p), "%s", msg);
}

/* A field reader's error, placed at the field. */
static int fail_field(ctx *c, const char *p, srnn_error *fe)
{
    return srnn_error_set_at(c->err, SRNN_EINPUT, c->line, col_of(c, p), "%s", fe->msg);
}

static abc_feat *feat_add(ctx *c, int kind, const char *p)
{
    abc_voice *v = &c->tune->voices[c->cur];
    if (c->nfeat >= ABC_MAX_FEATS) {
        fail(c, p, "tune too long (more than %d notes and bars)", ABC_MAX_FEATS);
        return NULL;
    }
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 256;
        abc_feat *nf = realloc(v->f, nc * sizeof *nf);
        if (!nf) {
            srnn_error_set(c->err, SRNN_ENOMEM, "out of memory");
            return NULL;
        }
        v->f = nf;
        v->cap = nc;
    }
    abc_feat *f = &v->f[v->n++];
    memset(f, 0, sizeof *f);
    f->kind = (uint8_t)kind;
    f->line = c->line;
    f->col = col_of(c, p);
    c->nfeat++;
    return f;
}

static int feat_error(ctx *c)
{
    return c->err && c->err->msg[0] && !strcmp(c->err->msg, "out of memory") ? SRNN_ENOMEM
                                                                               : SRNN_EINPUT;
}

static void voice_init(ctx *c, int i, const char *id)
{
    abc_voice *v = &c->tune->voices[i];
    memset(v, 0, sizeof *v);
    snprintf(v->id, sizeof v->id, "%s", id);
    vstate *s = &c->vs[i];
    memset(s, 0, sizeof *s);
    s->key = c->key;
    s->unit = c->unit;
    s->meter = c->meter;
}

/* Finds or makes the voice with this id; -1 when there are too many. */
static int voice_get(ctx *c, const char *id)
{
    abc_tune *t = c->tune;
    for (int i = 0; i < t->nv; i++)
        if (!strcmp(t->voices[i].id, id))
            return i;
    /* Music before the first V: went to an unnamed voice; the first named voice takes it over
     * while it is still empty. */
    if (t->nv == 1 && t->voices[0].id[0] == 0 && t->voices[0].n == 0) {
        snprintf(t->voices[0].id, sizeof t->voices[0].id, "%s", id);
        return 0;
    }
    if (t->nv >= ABC_MAX_VOICES)
        return -1;
    voice_init(c, t->nv, id);
    return t->nv++;
}

static const char *skip_ws(const char *s, const char *e)
{
    while (s < e && isspace((unsigned char)*s))
        s++;
    return s;
}

/* --- fields --------------------------------------------------------------------------- */

static void header_done(ctx *c)
{
    if (!c->unit_set)
        c->unit = (c->meter.barlen > 0 && c->meter.barlen < 0.75) ? 1.0 / 16 : 1.0 / 8;
    c->tune->key = c->key;
    c->tune->meter = c->meter;
    if (c->hornpipe && c->meter.den == 4 && (c->meter.num == 4 || c->meter.num == 2))
        c->swing = c->meter.num == 4 ? 1.0 / 8 : 1.0 / 16;
    else
        c->hornpipe = 0;
    if (c->tune->nv == 0) {
        voice_init(c, 0, "");
        c->tune->nv = 1;
    }
    for (int i = 0; i < c->tune->nv; i++) {
        c->vs[i].key = c->key;
        c->vs[i].unit = c->unit;
        c->vs[i].meter = c->meter;
    }
    c->cur = 0;
    c->in_header = 0;
}

/* A field "X:value" in the header, on a body line or inline; pos is where it starts. */
static int field(ctx *c, char letter, const char *s, const char *e, const char *pos)
{
    srnn_error fe = {{0}, 0, 0};
    s = skip_ws(s, e);
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    vstate *vs = &c->vs[c->cur];
    switch (letter) {
    case 'R':
        if (c->in_header && e - s >= 8 && !strncasecmp(s, "hornpipe", 8))
            c->hornpipe = 1;
        return SRNN_OK;
    case 'T':
        if (c->in_header && !c->tune->title[0])
            snprintf(c->tune->title, sizeof c->tune->title, "%.*s", (int)(e - s), s);
        return SRNN_OK;
    case 'M': {
        abc_meter m;
        if (abc_read_meter(s, e, &m, &fe))
            return fail_field(c, pos, &fe);
        if (c->in_header) {
            c->meter = m;
            return SRNN_OK;
        }
        vs->meter = m;
        if (c->tune->nv <= 1)
            c->meter = m;
        abc_feat *f = feat_add(c, F_METER, pos);
        if (!f)
            return feat_error(c);
        f->a = m.num;
        f->b = m.den;
        f->x = m.barlen;
        return SRNN_OK;
    }
    case 'L': {
        double u;
        if (abc_read_length(s, e, &u, &fe))
            return fail_field(c, pos, &fe);
        if (c->in_header) {
            c->unit = u;
            c->unit_set = 1;
        } else {
            vs->unit = u;
            if (c->tune->nv <= 1)
                c->unit = u;
        }
        return SRNN_OK;
    }
    case 'K': {
        abc_key k;
        if (abc_read_key(s, e, &k, &fe))
            return fail_field(c, pos, &fe);
        if (c->in_header) {
            c->key = k;
            header_done(c);
            return SRNN_OK;
        }
        vs->key = k;
        if (c->tune->nv <= 1)
            c->key = k;
        abc_feat *f = feat_add(c, F_KEY, pos);
        if (!f)
            return feat_error(c);
        f->a = k.sharps;
        f->b = k.minor;
        return SRNN_OK;
    }
    case 'Q': {
        double us;
        if (!abc_read_tempo(s, e, c->in_header ? c->unit : vs->unit, &us)) {
            if (s < e && !memchr(s, '"', (size_t)(e - s)))
                warn(c, pos, "tempo 'Q:%.*s' not understood; ignored", (int)(e - s), s);
            return SRNN_OK;
        }
        if (c->in_header) {
            c->tune->tempo_us = us;
            return SRNN_OK;
        }
        abc_feat *f = feat_add(c, F_TEMPO, pos);
        if (!f)
            return feat_error(c);
        f->x = us;
        return SRNN_OK;
    }
    case 'P':
        if (c->in_header) {
            c->tune->nparts = abc_read_parts(s, e, c->tune->parts, ABC_MAX_PARTS);
            return SRNN_OK;
        }
        if (s < e && isalnum((unsigned char)*s)) {
            abc_feat *f = feat_add(c, F_PART, pos);
            if (!f)
                return feat_error(c);
            f->a = *s;
        }
        return SRNN_OK;
    case 'V': {
        char id[32];
        int n = 0;
        while (s < e && !isspace((unsigned char)*s) && n < (int)sizeof id - 1)
            id[n++] = *s++;
        id[n] = 0;
        if (n == 0) {
            warn(c, pos, "V: without a voice name; ignored");
            return SRNN_OK;
        }
        int vi = voice_get(c, id);
        if (vi < 0) {
            warn(c, pos, "more than %d voices; voice '%s' ignored", ABC_MAX_VOICES, id);
            return SRNN_OK;
        }
        if (!c->in_header)
            c->cur = vi;
        /* transpose=N plays the voice N semitones away (as abc2midi does). */
        for (const char *q = s; q + 10 <= e; q++)
            if (!strncmp(q, "transpose=", 10)) {
                const char *d = q + 10;
                int neg = d < e && *d == '-', t = 0;
                d += neg || (d < e && *d == '+');
                while (d < e && isdigit((unsigned char)*d) && t < 1000)
                    t = t * 10 + (*d++ - '0');
                t = neg ? -t : t;
                c->vs[vi].transpose = t < -48 ? -48 : t > 48 ? 48 : t;
            }
        return SRNN_OK;
    }
    default:
        return SRNN_OK; /* titles, words, notes, instructions, history ... */
    }
}

/* --- music ------------------------------------------------------------------------------ */

/* Scales the lengths of the features [a, b) of the current voice. */
static void scale(ctx *c, size_t a, size_t b, double f)
{
    abc_feat *fs = c->tune->voices[c->cur].f;
    for (size_t i = a; i < b; i++)
        if (fs[i].kind == F_NOTE || fs[i].kind == F_REST) {
            fs[i].len *= f;
            fs[i].adv *= f;
        }
}

static int near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

/* abc2midi's hornpipe: two single notes of the swung length, the first on a beat and not
 * tied, are played 2:1 (4/3 and 2/3 of their length) whatever broken rhythm said. */
static void swing(ctx *c, double applied, int in_tuplet)
{
    vstate *vs = &c->vs[c->cur];
    abc_feat *fs = c->tune->voices[c->cur].f;
    size_t n = c->tune->voices[c->cur].n;
    int single = n == vs->gstart + 1 && fs[vs->gstart].kind == F_NOTE;
    double raw = single ? fs[vs->gstart].len / applied : 0;
    double h = c->swing, beat = 2 * c->swing;
    if (single && vs->swing_prev && near(raw, h) && !in_tuplet) {
        abc_feat *a = &fs[vs->swing_prev - 1], *b = &fs[vs->gstart];
        a->len = a->adv = h * 4 / 3;
        b->len = b->adv = h * 2 / 3;
        vs->swing_prev = 0;
        return;
    }
    double m = fmod(vs->group_pos, beat);
    vs->swing_prev =
        single && near(raw, h) && (near(m, 0) || near(m, beat)) && !in_tuplet ? vs->gstart + 1 : 0;
    vs->group_raw = raw;
}

static void group_begin(ctx *c)
{
    vstate *vs = &c->vs[c->cur];
    vs->gstart = c->tune->voices[c->cur].n;
    vs->group_pos = vs->barpos;
    /* Ties made by the previous group apply to this one only. */
    memcpy(vs->carry_set, vs->carry_next, sizeof vs->carry_set);
    memcpy(vs->carry_pitch, vs->next_pitch, sizeof vs->carry_pitch);
    memcpy(vs->carry_oct, vs->next_oct, sizeof vs->carry_oct);
    memset(vs->carry_next, 0, sizeof vs->carry_next);
}

static void group_end(ctx *c)
{
    vstate *vs = &c->vs[c->cur];
    size_t n = c->tune->voices[c->cur].n;
    double f = 1;
    int in_tuplet = vs->tup_left > 0;
    if (vs->tup_left > 0) {
        f *= vs->tup_factor;
        vs->tup_left--;
    }
    if (vs->broken_next > 0) {
        f *= vs->broken_next;
        vs->broken_next = 0;
    }
    if (f != 1)
        scale(c, vs->gstart, n, f);
    vs->gend = n;
    vs->have_group = n > vs->gstart;
    memset(vs->carry_set, 0, sizeof vs->carry_set);
    abc_feat *fs = c->tune->voices[c->cur].f;
    for (size_t i = vs->gstart; i < n; i++)
        vs->barpos += fs[i].adv;
    if (c->hornpipe)
        swing(c, f, in_tuplet);
}

/* A length multiplier after a note: 2, /, /2, //, 3/2 ... */
static int read_len(ctx *c, const char **pp, const char *e, double *mult)
{
    const char *p = *pp, *start = p;
    long num = 1, den = 1;
    if (p < e && isdigit((unsigned char)*p)) {
        num = 0;
        while (p < e && isdigit((unsigned char)*p)) {
            if (num > 9999)
                return fail(c, start, "bad note length (too long)");
            num = num * 10 + (*p++ - '0');
        }
        if (num == 0)
            return fail(c, start, "bad note length '0'");
    }
    while (p < e && *p == '/') {
        p++;
        long d = 2;
        if (p < e && isdigit((unsigned char)*p)) {
            d = 0;
            while (p < e && isdigit((unsigned char)*p)) {
                if (d > 9999)
                    return fail(c, start, "bad note length (divisor too large)");
                d = d * 10 + (*p++ - '0');
            }
            if (d == 0)
                return fail(c, start, "bad note length (division by zero)");
        }
        den *= d;
        if (den > (1L << 20))
            return fail(c, start, "bad note length (too short)");
    }
    *mult = (double)num / (double)den;
    *pp = p;
    return SRNN_OK;
}

static const int letter_pc[7] = {0, 2, 4, 5, 7, 9, 11};

static int letter_index(int ch)
{
    static const char *letters = "CDEFGAB";
    const char *q = strchr(letters, toupper(ch));
    return ch && q ? (int)(q - letters) : -1;
}

/* A note's pitch: accidentals, letter, octave marks.  *pitch is -1 when out of range. */
static int read_pitch(ctx *c, const char **pp, const char *e, int *pitch, int *li_out,
                      int *oct_out)
{
    vstate *vs = &c->vs[c->cur];
    const char *p = *pp, *start = p;
    int acc = 0, has_acc = 0;
    if (*p == '^' || *p == '_') {
        char a = *p;
        int n = 0;
        while (p < e && *p == a && n < 2) {
            p++;
            n++;
        }
        acc = a == '^' ? n : -n;
        has_acc = 1;
        if (p < e && (isdigit((unsigned char)*p) || *p == '/')) {
            warn(c, p, "microtone accidental played as a semitone");
            while (p < e && (isdigit((unsigned char)*p) || *p == '/'))
                p++;
        }
    } else if (*p == '=') {
        p++;
        has_acc = 1;
    }
    int li = p < e ? letter_index(*p) : -1;
    if (li < 0 || !isalpha((unsigned char)*p))
        return fail(c, start, "accidental without a note");
    int oct = islower((unsigned char)*p) ? 1 : 0;
    p++;
    while (p < e && (*p == '\'' || *p == ',')) {
        oct += *p == '\'' ? 1 : -1;
        if (oct > 12 || oct < -12)
            oct = oct > 0 ? 12 : -12;
        p++;
    }
    int a;
    if (has_acc) {
        vs->baracc[li] = acc;
        vs->barset[li] = 1;
        a = acc;
    } else if (vs->barset[li]) {
        a = vs->baracc[li];
    } else {
        a = vs->key.acc[li];
    }
    int pt = 60 + 12 * oct + letter_pc[li] + a + vs->transpose;
    if (!has_acc && vs->carry_set[li] && vs->carry_oct[li] == oct)
        pt = vs->carry_pitch[li];
    *pitch = (pt < 0 || pt > 127) ? -1 : pt;
    *li_out = li;
    *oct_out = oct;
    *pp = p;
    return SRNN_OK;
}

/* A note inside or outside a chord: adds an F_NOTE whose len is unit * its multiplier. */
/* The pitch of the scale step next to a note (dir +1 above, -1 below), with the key and the
 * accidentals of the bar. */
static int neighbour(ctx *c, int li, int oct, int dir)
{
    vstate *vs = &c->vs[c->cur];
    li += dir;
    if (li > 6) {
        li = 0;
        oct++;
    } else if (li < 0) {
        li = 6;
        oct--;
    }
    int a = vs->barset[li] ? vs->baracc[li] : vs->key.acc[li];
    int p = 60 + 12 * oct + letter_pc[li] + a + vs->transpose;
    return p < 0 ? 0 : p > 127 ? 127 : p;
}

static int add_note(ctx *c, const char *pos, int pitch, int li, int oct, double len)
{
    abc_feat *f = feat_add(c, F_NOTE, pos);
    if (!f)
        return feat_error(c);
    f->pitch = (uint8_t)pitch;
    f->len = f->adv = len;
    f->b = li;
    f->c = oct;
    return SRNN_OK;
}

/* Rolls and trills played as abc2midi plays them, in notes of a quarter of the unit length: a
 * roll on a note of three units is note, upper-note, lower-note; on other notes a cut (the
 * upper note, then the note); a trill alternates the upper note and the note. */
static int ornament(ctx *c, const char *pos, int orn, int pitch, int li, int oct, double len)
{
    double g = c->vs[c->cur].unit / 4;
    int up = neighbour(c, li, oct, 1), down = neighbour(c, li, oct, -1), r;
    if (!(len > g * 1.5))
        return add_note(c, pos, pitch, li, oct, len);
    if (orn == ORN_ROLL && fabs(len - 12 * g) < 1e-9) {
        if ((r = add_note(c, pos, pitch, li, oct, 4 * g)) ||
            (r = add_note(c, pos, up, li, oct, g)) || (r = add_note(c, pos, pitch, li, oct, 3 * g)) ||
            (r = add_note(c, pos, down, li, oct, g)))
            return r;
        return add_note(c, pos, pitch, li, oct, 3 * g);
    }
    if (orn == ORN_ROLL) {
        if ((r = add_note(c, pos, up, li, oct, g)))
            return r;
        return add_note(c, pos, pitch, li, oct, len - g);
    }
    long n = (long)(len / g + 1e-9);
    if (n > 256)
        n = 256;
    for (long k = 0; k < n; k++) {
        double l = k + 1 < n ? g : len - g * (double)(n - 1);
        if ((r = add_note(c, pos, k % 2 ? pitch : up, li, oct, l)))
            return r;
    }
    return SRNN_OK;
}

static int note(ctx *c, const char **pp, const char *e, double *len, int in_chord)
{
    const char *start = *pp;
    int pitch = -1, li = 0, oct = 0, r;
    if ((r = read_pitch(c, pp, e, &pitch, &li, &oct)))
        return r;
    double mult;
    if ((r = read_len(c, pp, e, &mult)))
        return r;
    *len = c->vs[c->cur].unit * mult;
    if (pitch < 0) {
        warn(c, start, "note out of the MIDI range; played as a rest");
        abc_feat *f = feat_add(c, F_REST, start);
        if (!f)
            return feat_error(c);
        f->len = f->adv = *len;
        return SRNN_OK;
    }
    int orn = in_chord ? 0 : c->vs[c->cur].ornament;
    c->vs[c->cur].ornament = 0;
    if (orn)
        return ornament(c, start, orn, pitch, li, oct, *len);
    abc_feat *f = feat_add(c, F_NOTE, start);
    if (!f)
        return feat_error(c);
    f->pitch = (uint8_t)pitch;
    f->len = f->adv = *len;
    f->b = li;
    f->c = oct;
    return SRNN_OK;
}

/* Marks the notes of features [a, b) as tied and remembers their pitches for the next group. */
static void tie(ctx *c, size_t a, size_t b)
{
    vstate *vs = &c->vs[c->cur];
    abc_feat *fs = c->tune->voices[c->cur].f;
    vs->swing_prev = 0;
    for (size_t i = a; i < b; i++)
        if (fs[i].kind == F_NOTE) {
            fs[i].tie = 1;
            vs->carry_next[fs[i].b] = 1;
            vs->next_pitch[fs[i].b] = fs[i].pitch;
            vs->next_oct[fs[i].b] = fs[i].c;
        }
}

static int is_decoration_letter(int ch)
{
    return (ch >= 'H' && ch <= 'W') || (ch >= 'h' && ch <= 'w') || ch == '~' || ch == '.';
}

static int chord(ctx *c, const char **pp, const char *e)
{
    const char *open = *pp, *p = *pp + 1;
    vstate *vs = &c->vs[c->cur];
    group_begin(c);
    size_t first = c->tune->voices[c->cur].n;
    double first_len = -1;
    int r;
    for (;;) {
        if (p >= e)
            return fail(c, open, "unterminated chord '['");
        char ch = *p;
        if (ch == ']') {
            p++;
            break;
        }
        if ((ch == '(' && p + 1 < e && isdigit((unsigned char)p[1])) || ch == '%' || ch == '|') {
            return fail(c, open, "unterminated chord '['");
        } else if (ch == ' ' || ch == '\t' || ch == ')' || ch == '(' || ch == '+' ||
                   is_decoration_letter(ch)) {
            p++; /* slurs, decorations, the '+' of old +chords+ */
        } else if (ch == '!' || ch == '"') {
            const char *q = memchr(p + 1, ch, (size_t)(e - p - 1));
            if (!q)
                return fail(c, p, "unterminated '%c' inside a chord", ch);
            p = q + 1;
        } else if (ch == '-') {
            size_t n = c->tune->voices[c->cur].n;
            if (n > first)
                tie(c, n - 1, n);
            p++;
        } else if (ch == '^' || ch == '_' || ch == '=' || letter_index(ch) >= 0) {
            double len;
            if ((r = note(c, &p, e, &len, 1)))
                return r;
            if (first_len < 0)
                first_len = len;
        } else {
            return fail(c, p, "unexpected character '%c' inside a chord", ch);
        }
    }
    double mult;
    int has_mult = p < e && (isdigit((unsigned char)*p) || *p == '/');
    if ((r = read_len(c, &p, e, &mult)))
        return r;
    *pp = p;
    size_t n = c->tune->voices[c->cur].n;
    if (first_len < 0) {
        warn(c, open, "empty chord '[]' ignored");
        vs->have_group = 0;
        return SRNN_OK;
    }
    /* As abc2midi plays it: a length after the bracket is the chord's length in units (the
     * notes' own lengths are then ignored); without one, the chord lasts as its first note. */
    double clen = has_mult ? vs->unit * mult : first_len;
    abc_feat *fs = c->tune->voices[c->cur].f;
    for (size_t i = first; i < n; i++) {
        fs[i].len = clen;
        fs[i].adv = (i + 1 == n) ? clen : 0;
    }
    group_end(c);
    return SRNN_OK;
}

/* [1  [1,3  [1-3  |2 ...: the mask of ending numbers, bit n for ending n. */
static int read_ending(const char **pp, const char *e)
{
    const char *p = *pp;
    int mask = 0;
    while (p < e && isdigit((unsigned char)*p)) {
        int a = 0;
        while (p < e && isdigit((unsigned char)*p)) {
            a = a * 10 + (*p - '0');
            if (a > 99)
                a = 99;
            p++;
        }
        int b = a;
        if (p + 1 < e && *p == '-' && isdigit((unsigned char)p[1])) {
            p++;
            b = 0;
            while (p < e && isdigit((unsigned char)*p)) {
                b = b * 10 + (*p - '0');
                if (b > 99)
                    b = 99;
                p++;
            }
        }
        for (int i = a; i <= b && i <= ABC_MAX_PASSES; i++)
            if (i >= 1)
                mask |= 1 << i;
        if (p + 1 < e && *p == ',' && isdigit((unsigned char)p[1]))
            p++;
        else
            break;
    }
    *pp = p;
    return mask;
}

static int bar(ctx *c, const char *pos, int flags, int ending)
{
    vstate *vs = &c->vs[c->cur];
    if (flags & BAR_LINE) {
        memset(vs->barset, 0, sizeof vs->barset);
        vs->barpos = 0;
        vs->swing_prev = 0;
        abc_feat *f = feat_add(c, F_BAR, pos);
        if (!f)
            return feat_error(c);
        f->a = flags;
    }
    if (ending) {
        abc_feat *f = feat_add(c, F_BAR, pos);
        if (!f)
            return feat_error(c);
        f->b = ending;
    }
    return SRNN_OK;
}

static int music(ctx *c, const char *p, const char *e)
{
    int r;
    while (p < e) {
        vstate *vs = &c->vs[c->cur];
        char ch = *p;
        const char *start = p;
        switch (ch) {
        case ' ': case '\t': case '`': case '$': case '\\': case '*': case ')':
            p++;
            continue;
        case 'y':
            p++;
            while (p < e && (isdigit((unsigned char)*p) || *p == '/'))
                p++;
            continue;
        case '%':
            return SRNN_OK;
        case '!': case '+': {
            const char *q = memchr(p + 1, ch, (size_t)(e - p - 1));
            if (!q) {
                if (ch == '!')
                    warn(c, p, "unterminated decoration '!'; ignored");
                else
                    warn(c, p, "stray '+' ignored");
                p++;
            } else {
                if (ch == '!' && q - p == 6 && !strncmp(p + 1, "trill", 5))
                    vs->ornament = ORN_TRILL;
                else if (ch == '!' && q - p == 5 && !strncmp(p + 1, "roll", 4))
                    vs->ornament = ORN_ROLL;
                p = q + 1;
            }
            continue;
        }
        case '"': {
            const char *q = memchr(p + 1, '"', (size_t)(e - p - 1));
            if (!q)
                return fail(c, p, "unterminated guitar chord or annotation '\"'");
            int root, bass, mask, unknown;
            int k = abc_read_gchord(p + 1, q, &root, &bass, &mask, &unknown);
            if (k != 0) {
                if (unknown)
                    warn(c, p, "unknown chord \"%.*s\" played as a major chord", (int)(q - p - 1),
                         p + 1);
                abc_feat *f = feat_add(c, F_GCHORD, p);
                if (!f)
                    return feat_error(c);
                f->a = k < 0 ? -1 : root;
                f->b = bass;
                f->c = mask;
            }
            p = q + 1;
            continue;
        }
        case '{': {
            /* Grace notes are skipped, as abc2midi -NGRA does. */
            const char *q = memchr(p + 1, '}', (size_t)(e - p - 1));
            if (!q)
                return fail(c, p, "unterminated grace notes '{'");
            p = q + 1;
            continue;
        }
        case '[':
            if (p + 2 < e && isalpha((unsigned char)p[1]) && p[2] == ':') {
                const char *q = memchr(p + 1, ']', (size_t)(e - p - 1));
                if (!q)
                    return fail(c, p, "unterminated inline field '[%c:'", p[1]);
                if ((r = field(c, p[1], p + 3, q, p)))
                    return r;
                p = q + 1;
            } else if (p + 1 < e && isdigit((unsigned char)p[1])) {
                p++;
                int mask = read_ending(&p, e);
                if ((r = bar(c, start, 0, mask)))
                    return r;
            } else if (p + 1 < e && p[1] == '|') {
                p += 2;
                if (p < e && *p == ':') { /* [|: */
                    while (p < e && *p == ':')
                        p++;
                    if ((r = bar(c, start, BAR_LINE | BAR_DOUBLE | BAR_REP_START, 0)))
                        return r;
                } else if ((r = bar(c, start, BAR_LINE | BAR_DOUBLE, 0))) {
                    return r;
                }
            } else if ((r = chord(c, &p, e))) {
                return r;
            }
            continue;
        case '|': case ':': {
            int flags = BAR_LINE, colons = 0;
            while (p < e && *p == ':') {
                colons++;
                p++;
            }
            if (colons)
                flags |= BAR_REP_END;
            if (p < e && *p == '|') {
                p++;
                if (p < e && (*p == '|' || *p == ']')) {
                    flags |= BAR_DOUBLE;
                    p++;
                }
            } else if (p < e && *p == ']' && colons) {
                p++; /* :] */
            } else if (colons == 1 && !(p < e && isdigit((unsigned char)*p))) {
                warn(c, start, "stray ':' ignored");
                continue;
            } else if (colons >= 2) {
                flags |= BAR_REP_START; /* :: */
            }
            if (p < e && *p == ':') {
                flags |= BAR_REP_START;
                while (p < e && *p == ':')
                    p++;
            }
            int mask = 0;
            if (p < e && isdigit((unsigned char)*p))
                mask = read_ending(&p, e);
            if ((r = bar(c, start, flags, mask)))
                return r;
            continue;
        }
        case ']':
            warn(c, p, "stray ']' ignored");
            p++;
            continue;
        case '(': {
            if (!(p + 1 < e && isdigit((unsigned char)p[1]))) {
                p++; /* a slur */
                continue;
            }
            p++;
            int n[3] = {0, 0, 0};
            for (int k = 0; k < 3; k++) {
                while (p < e && isdigit((unsigned char)*p)) {
                    n[k] = n[k] * 10 + (*p++ - '0');
                    if (n[k] > 1000)
                        n[k] = 1000;
                }
                if (k < 2 && p < e && *p == ':')
                    p++;
                else
                    break;
            }
            int np = n[0], q = n[1], rr = n[2];
            if (np < 2 || np > 64 || q > 64 || rr > 64)
                return fail(c, start, "bad tuplet '(%d' (2 to 64 notes)", np);
            if (q == 0) {
                int compound = vs->meter.num % 3 == 0 && vs->meter.num > 3;
                static const int qs[10] = {0, 0, 3, 2, 3, 0, 2, 0, 3, 0};
                q = np < 10 && qs[np] ? qs[np] : (compound ? 3 : 2);
            }
            vs->tup_factor = (double)q / np;
            vs->tup_left = rr ? rr : np;
            continue;
        }
        case '-': {
            size_t n = c->tune->voices[c->cur].n;
            if (vs->have_group && vs->gend <= n)
                tie(c, vs->gstart, vs->gend);
            else
                warn(c, p, "tie '-' without a note before it; ignored");
            p++;
            continue;
        }
        case '>': case '<': {
            int k = 0;
            while (p < e && *p == ch) {
                k++;
                p++;
            }
            if (!vs->have_group) {
                warn(c, start, "broken rhythm '%c' without a note before it; ignored", ch);
                continue;
            }
            if (k > 3) {
                warn(c, start, "more than three '%c' taken as three", ch);
                k = 3;
            }
            double small = 1.0 / (1 << k), big = 2.0 - small;
            scale(c, vs->gstart, vs->gend, ch == '>' ? big : small);
            vs->broken_next = ch == '>' ? small : big;
            continue;
        }
        case 'z': case 'x': {
            p++;
            double mult;
            if ((r = read_len(c, &p, e, &mult)))
                return r;
            group_begin(c);
            abc_feat *f = feat_add(c, F_REST, start);
            if (!f)
                return feat_error(c);
            f->len = f->adv = vs->unit * mult;
            group_end(c);
            continue;
        }
        case 'Z': case 'X': {
            p++;
            long bars = 0;
            while (p < e && isdigit((unsigned char)*p)) {
                bars = bars * 10 + (*p++ - '0');
                if (bars > 10000)
                    return fail(c, start, "multi-bar rest too long");
            }
            if (bars == 0)
                bars = 1;
            abc_feat *f = feat_add(c, F_REST, start);
            if (!f)
                return feat_error(c);
            f->len = f->adv = (double)bars * (vs->meter.barlen > 0 ? vs->meter.barlen : 1.0);
            continue;
        }
        case '&':
            return fail(c, p, "voice overlay '&' is not supported");
        default:
            break;
        }
        if (ch == '^' || ch == '_' || ch == '=' || letter_index(ch) >= 0) {
            double len;
            group_begin(c);
            if ((r = note(c, &p, e, &len, 0)))
                return r;
            group_end(c);
            continue;
        }
        if (is_decoration_letter(ch)) {
            if (ch == '~')
                vs->ornament = ORN_ROLL;
            else if (ch == 'T')
                vs->ornament = ORN_TRILL;
            p++;
            continue;
        }
        if (isprint((unsigned char)ch))
            return fail(c, p, "unexpected character '%c'", ch);
        return fail(c, p, "unexpected byte 0x%02x", (unsigned char)ch);
    }
    return SRNN_OK;
}

/* Parses the tune text[0, len) whose first line is line first_line of the file. */
int abc_parse_tune(const char *text, size_t len, int first_line, const srnn_abc_options *opt,
                   abc_tune *tune, srnn_error *err)
{
    ctx *c = calloc(1, sizeof *c);
    if (!c)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    memset(tune, 0, sizeof *tune);
    c->opt = opt;
    c->err = err;
    c->tune = tune;
    c->in_header = 1;
    c->unit = 1.0 / 8;
    c->meter.num = c->meter.den = 0;
    c->meter.barlen = 0;
    c->line = first_line - 1;
    int r = SRNN_OK;
    const char *p = text, *end = text + len;
    while (p < end && r == SRNN_OK) {
        const char *ls = p;
        const char *le = memchr(p, '\n', (size_t)(end - p));
        if (!le)
            le = end;
        p = le < end ? le + 1 : end;
        c->line++;
        c->line_start = ls;
        while (le > ls && (le[-1] == '\r'))
            le--;
        if (ls == le || *ls == '%')
            continue;
        int is_field = le - ls >= 2 && isalpha((unsigned char)ls[0]) && ls[1] == ':' &&
                       !(le - ls >= 3 && (ls[2] == '|' || ls[2] == ':'));
        if (le - ls >= 2 && ls[0] == '+' && ls[1] == ':')
            continue; /* continuation of the previous field */
        if (is_field) {
            /* The value ends at a comment. */
            const char *ve = ls + 2;
            while (ve < le && !(*ve == '%' && ve[-1] != '\\'))
                ve++;
            r = field(c, ls[0], ls + 2, ve, ls);
            continue;
        }
        if (c->in_header) {
            if (ls[0] == 'X' || !isspace((unsigned char)ls[0]))
                warn(c, ls, "music before the K: field ignored");
            continue;
        }
        r = music(c, ls, le);
    }
    for (int i = 0; r == SRNN_OK && i < tune->nv; i++)
        abc_fix_repeats(&tune->voices[i]);
    if (r == SRNN_OK && c->in_header) {
        c->line_start = text;
        c->line = first_line;
        r = srnn_error_set_at(err, SRNN_EINPUT, first_line, 1, "tune has no K: field");
    }
    free(c);
    return r;
}
