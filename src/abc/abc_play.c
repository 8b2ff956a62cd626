/* Features to notes: repeats, endings and parts expanded, ties joined, guitar chords turned
 * into an accompaniment (abc2midi's default patterns), metadata written. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "abc_internal.h"

#define MELODY_VELOCITY 100
#define BASS_VELOCITY 80
#define CHORD_VELOCITY 70
#define MAX_STEPS (64L * ABC_MAX_FEATS)

typedef struct gch {
    double t;
    int root, bass, mask;
} gch;

typedef struct met {
    double t;
    abc_meter m;
} met;

typedef struct player {
    const abc_tune *tune;
    srnn_piece *piece;
    srnn_error *err;
    unsigned flags;
    int vi, channel, meta;
    double t; /* whole notes */
    long tie_idx[128];
    double tie_end[128];
    long steps;
    double *bars;
    size_t nbars, capbars;
    gch *g;
    size_t ng, capg;
    met *m;
    size_t nm, capm;
} player;

static int grow(void **a, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    void *na = realloc(*a, nc * sz);
    if (!na)
        return -1;
    *a = na;
    *cap = nc;
    return 0;
}

static int nomem(player *pl)
{
    return srnn_error_set(pl->err, SRNN_ENOMEM, "out of memory");
}

static int channel_of(int i)
{
    int ch = i < 9 ? i : i + 1; /* channel 10 is for drums */
    return ch > 15 ? 15 : ch;
}

static int add(player *pl, double onset_wn, double len_wn, int pitch, int vel, int ch, int voice,
               long *index)
{
    if (srnn_piece_note_count(pl->piece) >= ABC_MAX_NOTES)
        return srnn_error_set(pl->err, SRNN_EINPUT,
                              "tune too long after expanding repeats (more than %d notes)",
                              ABC_MAX_NOTES);
    srnn_note n = {onset_wn * 4, len_wn * 4, (uint8_t)pitch, (uint8_t)vel, (uint8_t)ch,
                   (uint8_t)voice};
    if (!(n.duration > 0))
        return SRNN_OK;
    if (index)
        *index = (long)srnn_piece_note_count(pl->piece);
    if (srnn_piece_add_note(pl->piece, &n))
        return nomem(pl);
    return SRNN_OK;
}

static int emit_note(player *pl, const abc_feat *f)
{
    int p = f->pitch;
    double on = pl->t;
    if (pl->tie_idx[p] >= 0 && fabs(pl->tie_end[p] - on) < 1e-7) {
        srnn_note *ns = srnn_piece_notes_mut(pl->piece);
        ns[pl->tie_idx[p]].duration += f->len * 4;
        pl->tie_end[p] = on + f->len;
        if (!f->tie)
            pl->tie_idx[p] = -1;
        return SRNN_OK;
    }
    long idx = -1;
    int r = add(pl, on, f->len, p, MELODY_VELOCITY, pl->channel, pl->vi, &idx);
    if (r)
        return r;
    pl->tie_idx[p] = f->tie ? idx : -1;
    pl->tie_end[p] = on + f->len;
    return SRNN_OK;
}

static int bit(int pass)
{
    return pass >= 1 && pass <= ABC_MAX_PASSES ? 1 << pass : 0;
}

void abc_fix_repeats(abc_voice *v)
{
    long rep_point = -1; /* -1: the start of the tune */
    int expect = 0, endings = 0, seen = 0;
    for (size_t j = 0; j < v->n; j++) {
        abc_feat *f = &v->f[j];
        if (f->kind != F_BAR)
            continue;
        int a = f->a;
        int need = 0;
        if (f->b) {
            need = endings == 0 && !expect;
            endings++;
        } else if ((a & BAR_REP_START) && (a & BAR_REP_END)) {
            need = !expect;
            expect = 1;
            seen = 1;
        } else if (a & BAR_REP_START) {
            if (expect)
                f->a |= BAR_REP_END; /* |: after |: is taken as :: */
            expect = 1;
            seen = 1;
        } else if (a & BAR_REP_END) {
            need = !expect && endings == 0;
            expect = 0;
            seen = 1;
        } else if ((a & BAR_DOUBLE) && seen) {
            rep_point = (long)j;
        }
        if (need) {
            if (rep_point < 0)
                v->start_repeat = 1;
            else if (!(v->f[rep_point].a & BAR_REP_START))
                v->f[rep_point].a |= BAR_REP_START;
        }
        if ((a & BAR_REP_END) && !(a & BAR_REP_START) && !f->b)
            rep_point = (long)j;
    }
}

/* Where an ending that is not for this pass ends: at the next :|, |:, ||, ending or part. */
static int ending_stop(const abc_feat *f)
{
    if (f->kind == F_PART)
        return 1;
    if (f->kind != F_BAR)
        return 0;
    int rep = f->a & (BAR_REP_START | BAR_REP_END);
    return f->b || (f->a & BAR_DOUBLE) || rep == BAR_REP_START || rep == BAR_REP_END;
}

static int meter_meta(player *pl, const abc_meter *m)
{
    if (!pl->meta || m->num <= 0 || m->num > 255 || m->den <= 0 || m->den > 256 ||
        (m->den & (m->den - 1)))
        return SRNN_OK;
    return srnn_piece_add_timesig(pl->piece, pl->t * 4, m->num, m->den) ? nomem(pl) : SRNN_OK;
}

/* Plays features [s, e) with repeats and endings expanded the way abc2midi does: a pass
 * counter, the place after the last |: to go back to, and ending numbers matched against the
 * pass (an ending played on pass n allows a pass n + 1). */
static int play_range(player *pl, const abc_voice *v, size_t s, size_t e, int start_repeat)
{
    size_t i = s, back = s;
    int pass = 1, maxpass = 2, expect = start_repeat, r;
    while (i < e) {
        if (++pl->steps > MAX_STEPS)
            return srnn_error_set(pl->err, SRNN_EINPUT, "tune too long after expanding repeats");
        const abc_feat *f = &v->f[i];
        switch (f->kind) {
        case F_NOTE:
            if ((r = emit_note(pl, f)))
                return r;
            pl->t += f->adv;
            break;
        case F_REST:
            pl->t += f->adv;
            break;
        case F_GCHORD:
            if (grow((void **)&pl->g, &pl->capg, pl->ng, sizeof *pl->g))
                return nomem(pl);
            pl->g[pl->ng++] = (gch){pl->t, f->a, f->b, f->c};
            break;
        case F_METER: {
            abc_meter m = {f->a, f->b, f->x};
            if (grow((void **)&pl->m, &pl->capm, pl->nm, sizeof *pl->m))
                return nomem(pl);
            pl->m[pl->nm++] = (met){pl->t, m};
            if ((r = meter_meta(pl, &m)))
                return r;
            break;
        }
        case F_TEMPO:
            if (srnn_piece_add_tempo(pl->piece, pl->t * 4, f->x))
                return nomem(pl);
            break;
        case F_KEY:
            if (pl->meta && srnn_piece_add_keysig(pl->piece, pl->t * 4, f->a, f->b))
                return nomem(pl);
            break;
        case F_BAR: {
            if ((f->a & BAR_LINE) && (pl->nbars == 0 || pl->bars[pl->nbars - 1] < pl->t - ABC_EPS)) {
                if (grow((void **)&pl->bars, &pl->capbars, pl->nbars, sizeof *pl->bars))
                    return nomem(pl);
                pl->bars[pl->nbars++] = pl->t;
            }
            int rep = f->a & (BAR_REP_START | BAR_REP_END);
            if (rep == (BAR_REP_START | BAR_REP_END)) { /* :: */
                if (pass > 1 || !expect) {
                    back = i + 1;
                    expect = 1;
                    pass = 1;
                    maxpass = 2;
                } else {
                    pass++;
                    i = back;
                    continue;
                }
            } else if (rep == BAR_REP_START) {
                back = i + 1;
                expect = 1;
                pass = 1;
                maxpass = 2;
            } else if (rep == BAR_REP_END) {
                if ((pass == 1 && expect) || (pass > 1 && pass < maxpass && pass < ABC_MAX_PASSES)) {
                    expect = 0;
                    pass++;
                    i = back;
                    continue;
                }
            }
            if (f->b) {
                int passnum = expect || pass > 1 ? pass : 1;
                if (!(f->b & bit(passnum))) {
                    /* Skip this ending; the bar that ends it is passed over too. */
                    size_t j = i + 1;
                    while (j < e && !ending_stop(&v->f[j]))
                        j++;
                    i = (j < e && v->f[j].kind == F_PART) ? j : j + 1;
                    continue;
                }
                if (maxpass < 4)
                    maxpass = pass + 1;
            }
            break;
        }
        default:
            break;
        }
        i++;
    }
    return SRNN_OK;
}

/* The part with label lab: from its P: to the next one. */
static int part_range(const abc_voice *v, int lab, size_t *s, size_t *e)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->f[i].kind == F_PART && v->f[i].a == lab) {
            size_t j = i + 1;
            while (j < v->n && v->f[j].kind != F_PART)
                j++;
            *s = i + 1;
            *e = j;
            return 1;
        }
    return 0;
}

static const char *pattern_of(const abc_meter *m)
{
    if (m->den == 8 && m->num % 3 == 0) {
        static const char *p[] = {"fzc", "fzcfzc", "fzcfzcfzc", "fzcfzcfzcfzc"};
        return p[m->num / 3 - 1 < 4 ? m->num / 3 - 1 : 3];
    }
    if ((m->num == 4 && m->den == 4) || (m->num == 2 && m->den == 2))
        return "fzczfzcz";
    if (m->num == 3 && (m->den == 4 || m->den == 8 || m->den == 2))
        return "fzczcz";
    if (m->num == 2)
        return "fzcz";
    return NULL;
}

/* Bass note and chord on the beats of every bar, with the chord in force at each beat. */
static int accompany(player *pl)
{
    if (pl->ng == 0)
        return SRNN_OK;
    int bass_ch = channel_of(pl->tune->nv), chord_ch = channel_of(pl->tune->nv + 1);
    int voice = pl->tune->nv;
    double end = pl->t;
    size_t gi = 0;
    int have = 0;
    gch cur = {0, -1, 0, 0};
    char buf[64];
    for (size_t b = 0; b <= pl->nbars; b++) {
        double b0 = b == 0 ? 0 : pl->bars[b - 1];
        double b1 = b < pl->nbars ? pl->bars[b] : end;
        if (b1 <= b0 + ABC_EPS)
            continue;
        abc_meter m = pl->tune->meter;
        for (size_t k = 0; k < pl->nm && pl->m[k].t <= b0 + ABC_EPS; k++)
            m = pl->m[k].m;
        const char *pat = pattern_of(&m);
        double barlen = m.barlen;
        if (!pat) {
            /* Other meters: the bass on the first beat, chords on the others. */
            int n = m.num > 0 && m.num <= 31 ? m.num : 4;
            buf[0] = 0;
            for (int k = 0; k < n; k++)
                strcat(buf, k == 0 ? "fz" : "cz");
            pat = buf;
            if (!(barlen > 0))
                barlen = n / 4.0;
        }
        if (!(barlen > 0))
            barlen = 1.0;
        size_t np = strlen(pat);
        double slot = barlen / (double)np;
        /* A short first bar is a pickup: the pattern is aligned to its end. */
        double start = (b == 0 && b1 - b0 < barlen - ABC_EPS) ? b1 - barlen : b0;
        for (long k = 0;; k++) {
            double s = start + (double)k * slot;
            if (s >= b1 - ABC_EPS)
                break;
            if (s < b0 - ABC_EPS)
                continue;
            if (k > 100000)
                break;
            while (gi < pl->ng && pl->g[gi].t <= s + ABC_EPS) {
                cur = pl->g[gi++];
                have = cur.root >= 0;
            }
            char what = pat[k % (long)np];
            if (!have || what == 'z')
                continue;
            double len = fmin(slot, b1 - s);
            int r;
            if (what == 'f') {
                if ((r = add(pl, s, len, 36 + cur.bass, BASS_VELOCITY, bass_ch, voice, NULL)))
                    return r;
            } else if (what == 'c') {
                for (int iv = 0; iv < 24; iv++) {
                    if (!(cur.mask & (1 << iv)))
                        continue;
                    int p = 48 + cur.root + iv;
                    if (cur.bass != cur.root && p < 48 + cur.bass)
                        p += 12; /* inversion: the bass note at the bottom */
                    if ((r = add(pl, s, len, p, CHORD_VELOCITY, chord_ch, voice, NULL)))
                        return r;
                }
            }
        }
    }
    return SRNN_OK;
}

static int play_voice(player *pl, int vi)
{
    const abc_voice *v = &pl->tune->voices[vi];
    pl->vi = vi;
    pl->channel = channel_of(vi);
    pl->meta = vi == 0;
    pl->t = 0;
    pl->nbars = pl->ng = pl->nm = 0;
    for (int p = 0; p < 128; p++)
        pl->tie_idx[p] = -1;
    int r;
    int has_parts = 0;
    for (size_t i = 0; i < v->n && !has_parts; i++)
        has_parts = v->f[i].kind == F_PART;
    if (pl->tune->nparts > 0 && has_parts) {
        /* Parts in the header's order; what comes before the first P: is played first. */
        size_t first = 0;
        while (first < v->n && v->f[first].kind != F_PART)
            first++;
        if ((r = play_range(pl, v, 0, first, v->start_repeat)))
            return r;
        for (int k = 0; k < pl->tune->nparts; k++) {
            size_t s, e;
            if (part_range(v, pl->tune->parts[k], &s, &e) && (r = play_range(pl, v, s, e, 1)))
                return r;
        }
    } else if ((r = play_range(pl, v, 0, v->n, v->start_repeat))) {
        return r;
    }
    if (!(pl->flags & SRNN_ABC_MELODY_ONLY))
        return accompany(pl);
    return SRNN_OK;
}

int abc_play(const abc_tune *tune, unsigned flags, srnn_piece *piece, srnn_error *err)
{
    player *pl = calloc(1, sizeof *pl);
    if (!pl)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    pl->tune = tune;
    pl->piece = piece;
    pl->err = err;
    pl->flags = flags;
    int r = SRNN_OK;
    if (srnn_piece_set_title(piece, tune->title) ||
        (tune->tempo_us > 0 && srnn_piece_add_tempo(piece, 0, tune->tempo_us)) ||
        srnn_piece_add_keysig(piece, 0, tune->key.sharps, tune->key.minor))
        r = nomem(pl);
    pl->meta = 1;
    if (r == SRNN_OK)
        r = meter_meta(pl, &tune->meter);
    for (int vi = 0; vi < tune->nv && r == SRNN_OK; vi++)
        r = play_voice(pl, vi);
    if (r == SRNN_OK)
        srnn_piece_sort_notes(piece);
    free(pl->bars);
    free(pl->g);
    free(pl->m);
    free(pl);
    return r;
}
