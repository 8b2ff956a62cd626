/* The notes tokenizer (metric and timeshift): vocabulary building from a corpus, encoding with
 * the exact greedy chord fallback, a total decoder for generated sequences, and the grammar
 * that keeps sampled sequences well formed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokens_internal.h"

#define DEFAULT_VELOCITY 80
#define ENCODE_MAX_TOKENS ((size_t)1 << 24) /* a piece longer than this is refused */

/* ---- the duration table ------------------------------------------------------------------ */

/* Every step up to 2 beats, then coarser (see vocab.h).  Writes the table (when out is not
 * NULL) and returns its length. */
static int duration_table(int grid, int64_t *out)
{
    int n = 0;
    int64_t last = 0, g = grid;
    for (int64_t d = 1; d <= 2 * g; d++) {
        if (out)
            out[n] = d;
        n++;
        last = d;
    }
    const int64_t seg[3][3] = {{2 * g, 4 * g, g / 4}, {4 * g, 8 * g, g / 2}, {8 * g, 16 * g, g}};
    for (int s = 0; s < 3; s++) {
        int64_t step = seg[s][2] > 0 ? seg[s][2] : 1;
        for (int64_t d = seg[s][0] + step; d < seg[s][1] + step; d += step) {
            int64_t x = d > seg[s][1] ? seg[s][1] : d;
            if (x > last) {
                if (out)
                    out[n] = x;
                n++;
                last = x;
            }
        }
    }
    return n;
}

int srnn_notes_base_size(int grid, int velocity_bins)
{
    if (grid < 1 || grid > SRNN_GRID_MAX || velocity_bins < 0 || velocity_bins > VEL_BINS_MAX)
        return -1;
    return 2 + 4 * grid + duration_table(grid, NULL) + 128 + velocity_bins;
}

/* Tokens of a metric vocabulary before chords, with positions for bars of `bar_steps`. */
static int metric_base_size(int grid, int velocity_bins, int meters, int bar_steps)
{
    return 3 + meters + bar_steps + duration_table(grid, NULL) + 128 + velocity_bins;
}

static void opts_resolve(const srnn_notes_opts *in, srnn_notes_opts *o)
{
    *o = in ? *in : (srnn_notes_opts){0};
    if (o->grid == 0)
        o->grid = SRNN_GRID_DEFAULT;
    if (o->max_vocab == 0)
        o->max_vocab = 512;
}

int srnn_notes_opts_check(const srnn_notes_opts *opts, srnn_error *err)
{
    srnn_notes_opts o;
    opts_resolve(opts, &o);
    if (o.grid < 1 || o.grid > SRNN_GRID_MAX)
        return srnn_error_set(err, SRNN_EARG, "grid %d is outside 1..%d steps a quarter note",
                              o.grid, SRNN_GRID_MAX);
    if (o.velocity_bins < 0 || o.velocity_bins > VEL_BINS_MAX)
        return srnn_error_set(err, SRNN_EARG, "velocity bins %d are outside 0..%d",
                              o.velocity_bins, VEL_BINS_MAX);
    if ((unsigned)o.tokens > SRNN_TOKENS_TIMESHIFT)
        return srnn_error_set(err, SRNN_EARG, "unknown notes tokenization %d", (int)o.tokens);
    if ((unsigned)o.velocity_scale > SRNN_VELOCITY_FIXED)
        return srnn_error_set(err, SRNN_EARG, "unknown velocity scale %d",
                              (int)o.velocity_scale);
    if (o.transpose < 0 || o.transpose > 12)
        return srnn_error_set(err, SRNN_EARG, "transposition %d is outside 0..12 semitones",
                              o.transpose);
    /* A metric vocabulary of 4/4 alone is the smallest: bars of 4G positions. */
    int base = o.tokens == SRNN_TOKENS_METRIC
                   ? metric_base_size(o.grid, o.velocity_bins, 1, 4 * o.grid)
                   : srnn_notes_base_size(o.grid, o.velocity_bins);
    if (o.max_vocab < base || o.max_vocab > SRNN_VOCAB_MAX)
        return srnn_error_set(err, SRNN_EARG,
                              "vocabulary bound %d is outside %d..%d (grid %d needs %d tokens "
                              "before chords)",
                              o.max_vocab, base, SRNN_VOCAB_MAX, o.grid, base);
    return SRNN_OK;
}

/* ---- velocity ------------------------------------------------------------------------------ */

/* The mean velocity of an event's notes, rounded. */
static int event_velocity(const srnn_qpiece *q, const srnn_event *e)
{
    int sum = 0;
    for (uint32_t k = 0; k < e->count; k++)
        sum += q->notes[e->first + k].velocity;
    int vel = (sum + (int)e->count / 2) / (int)e->count;
    return vel < 1 ? 1 : vel > 127 ? 127 : vel;
}

/* The velocity level (index) of an event: the level nearest its mean velocity. */
static int event_level(const srnn_vocab *v, const srnn_qpiece *q, const srnn_event *e)
{
    return v->vel_nearest[event_velocity(q, e)];
}

static pset event_set(const srnn_qpiece *q, const srnn_event *e)
{
    pset s = {{0, 0}};
    for (uint32_t k = 0; k < e->count; k++) {
        int p = q->notes[e->first + k].pitch;
        s.w[p >> 6] |= 1ull << (p & 63);
    }
    return s;
}

/* A pitch set moved by t semitones (the caller keeps it inside 0..127). */
static pset pset_shift(pset s, int t)
{
    pset r = {{0, 0}};
    for (int p = 0; p < 128; p++)
        if (s.w[p >> 6] >> (p & 63) & 1) {
            int x = p + t;
            if (x >= 0 && x < 128)
                r.w[x >> 6] |= 1ull << (x & 63);
        }
    return r;
}

/* Shift tokens for a gap of steps. */
static int64_t shift_tokens(int64_t gap, int grid)
{
    return gap <= 0 ? 0 : (gap + 4 * grid - 1) / (4 * grid);
}

/* ---- bars ------------------------------------------------------------------------------------ */

typedef struct bar {
    int64_t start; /* grid steps */
    int steps;     /* length */
    int num, den;  /* its meter */
} bar;

typedef struct bar_list {
    bar *b;
    size_t n, cap;
} bar_list;

static int bars_push(bar_list *l, int64_t start, int steps, int num, int den)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        bar *nb = realloc(l->b, nc * sizeof *nb);
        if (!nb)
            return SRNN_ENOMEM;
        l->b = nb;
        l->cap = nc;
    }
    l->b[l->n++] = (bar){start, steps, num, den};
    return SRNN_OK;
}

/* A meter for a bar of `steps`, preferring the denominator of the meter around it. */
static int meter_of_length(int steps, int den_hint, int grid, int *num, int *den)
{
    const int dens[] = {den_hint, 4, 8, 16, 2, 1, 32, 64};
    for (size_t i = 0; i < sizeof dens / sizeof dens[0]; i++) {
        int64_t q = (int64_t)steps * dens[i];
        if (q % (4 * grid) == 0 && q / (4 * grid) >= 1 && q / (4 * grid) <= 64) {
            *num = (int)(q / (4 * grid));
            *den = dens[i];
            return 1;
        }
    }
    return 0;
}

/* The bars of a piece up to the one holding step `last` (at least one bar), from its time
 * signatures (vocab.h says how a signature inside a bar is treated). */
static int bar_layout(const srnn_piece *piece, int grid, int64_t last, bar_list *out)
{
    memset(out, 0, sizeof *out);
    size_t nts = srnn_piece_timesig_count(piece);
    const srnn_timesig *ts = srnn_piece_timesigs(piece);
    /* Signatures on the grid with a bar of whole steps; the later of two at one step wins. */
    typedef struct { int64_t step; int num, den, steps; } sig;
    sig *s = malloc((nts + 1) * sizeof *s);
    if (!s)
        return SRNN_ENOMEM;
    size_t ns = 0;
    for (size_t i = 0; i < nts; i++) {
        int st = ts[i].num >= 1 && ts[i].num <= 64 && ts[i].den >= 1 && ts[i].den <= 64
                     ? meter_steps(ts[i].num, ts[i].den, grid) : 0;
        if (!st)
            continue;
        sig x = {srnn_quantize_onset(ts[i].beat, grid), ts[i].num, ts[i].den, st};
        if (ns && s[ns - 1].step == x.step)
            s[ns - 1] = x;
        else
            s[ns++] = x;
    }
    int num = 4, den = 4, steps = 4 * grid, rc = SRNN_OK;
    size_t j = 0;
    int64_t t = 0;
    while (rc == SRNN_OK && (t <= last || out->n == 0)) {
        if (out->n >= ENCODE_MAX_TOKENS) { /* hours of silence: too long to tokenize */
            rc = SRNN_EINPUT;
            break;
        }
        while (j < ns && s[j].step <= t) { /* at this bar line (or moved to it) */
            num = s[j].num;
            den = s[j].den;
            steps = s[j].steps;
            j++;
        }
        if (j < ns && s[j].step < t + steps) {
            int n2, d2;
            if (meter_of_length((int)(s[j].step - t), den, grid, &n2, &d2)) {
                /* The bar ends where the new meter begins: a bar of its own meter. */
                rc = bars_push(out, t, (int)(s[j].step - t), n2, d2);
                t = s[j].step;
                continue;
            }
            s[j].step = t + steps; /* not a meter on the grid: at the next bar line */
        }
        if (steps > 8 * grid && num > 1) {
            /* A bar longer than 8 beats (14/4) is written as bars of at most 8 beats whose
             * numerators are as equal as they can be (7/4 + 7/4, 6/4 + 5/4), so that rare
             * long meters do not each need positions of their own. */
            int parts = (steps + 8 * grid - 1) / (8 * grid);
            parts = parts > num ? num : parts;
            for (int k = 0; k < parts && rc == SRNN_OK; k++) {
                int nk = num / parts + (k < num % parts);
                int sk = meter_steps(nk, den, grid);
                rc = bars_push(out, t, sk, nk, den);
                t += sk;
            }
            continue;
        }
        rc = bars_push(out, t, steps, num, den);
        t += steps;
    }
    free(s);
    if (rc != SRNN_OK) {
        free(out->b);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* The vocabulary meter a bar is written in: its own, else one of the same length, else the
 * nearest in length.  *refit is set when it is not the bar's own. */
static int meter_index(const srnn_vocab *v, int num, int den, int steps, int *refit)
{
    *refit = 0;
    for (int m = 0; m < v->n_meters; m++)
        if (v->meter_num[m] == num && v->meter_den[m] == den)
            return m;
    *refit = 1;
    int best = 0;
    for (int m = 1; m < v->n_meters; m++)
        if (abs(v->meter_steps[m] - steps) < abs(v->meter_steps[best] - steps))
            best = m;
    return best;
}

/* ---- decomposition ------------------------------------------------------------------------- */

/* The parts of pitch set s (indices into v->sets): the set itself when it is a token, else
 * the greedy chords, then the pitches left, ascending.  Returns the count (at most 128).
 * One pass over the greedy order is the repeated greedy: the remainder only shrinks, so a
 * chord that did not fit before never fits later. */
static int decompose(const srnn_vocab *v, pset s, int32_t *parts)
{
    int k = srnn__vocab_find_set(v, s);
    if (k >= 0) {
        parts[0] = k;
        return 1;
    }
    int n = 0;
    pset r = s;
    for (int g = 0; g < v->n_chords && pset_count(r) >= 2; g++) {
        pset c = v->sets[v->greedy[g]];
        if (pset_subset(c, r)) {
            parts[n++] = v->greedy[g];
            r.w[0] &= ~c.w[0];
            r.w[1] &= ~c.w[1];
        }
    }
    for (int p = 0; p < 128; p++)
        if (r.w[p >> 6] >> (p & 63) & 1)
            parts[n++] = (int32_t)v->value[v->pitch_id[p]];
    return n;
}

/* The duration token for d steps: the nearest entry of the table, halves up. */
static int32_t duration_token(const srnn_vocab *v, int64_t d)
{
    int lo = 0, hi = v->n_dur - 1;
    if (d >= v->dur_steps[hi])
        return v->dur_id[hi];
    if (d <= v->dur_steps[0])
        return v->dur_id[0];
    while (hi - lo > 1) { /* dur_steps[lo] < d < dur_steps[hi] */
        int mid = (lo + hi) / 2;
        if (v->dur_steps[mid] == d)
            return v->dur_id[mid];
        if (v->dur_steps[mid] < d)
            lo = mid;
        else
            hi = mid;
    }
    return d - v->dur_steps[lo] < v->dur_steps[hi] - d ? v->dur_id[lo] : v->dur_id[hi];
}

/* ---- the builder ----------------------------------------------------------------------------- */

typedef struct set_count {
    pset set;
    uint64_t count;
} set_count;

typedef struct meter_count {
    int num, den;
    uint64_t count;
} meter_count;

#define METERS_SEEN_MAX 1024

struct srnn_notes_builder {
    srnn_notes_opts opts;
    int bad; /* opts out of range: finish says why */
    set_count *table; /* open addressing; count 0 is empty: sets at every transposition */
    size_t cap, used;
    set_count *table0; /* the untransposed sets, for the coverage figures */
    size_t cap0, used0;
    size_t pieces, notes, events, clipped, bars;
    uint64_t extra_tokens;     /* <start>, <end>, shifts or bars and positions */
    uint64_t event_vel[128];   /* events by mean velocity: the quantile levels */
    uint64_t note_vel[128];    /* notes by velocity */
    int pitch_min, pitch_max;
    uint8_t *ev_vel;           /* every event's mean velocity, pieces one after another */
    size_t n_ev_vel, cap_ev_vel;
    size_t *piece_events;      /* [pieces] events of each piece, to count V tokens */
    size_t cap_pieces;
    meter_count meters[METERS_SEEN_MAX];
    int n_meters;
    uint64_t meter_changes;    /* M tokens (a bar whose meter differs from the one before) */
};

srnn_notes_builder *srnn_notes_builder_new(const srnn_notes_opts *opts)
{
    srnn_notes_builder *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    opts_resolve(opts, &b->opts);
    b->bad = srnn_notes_opts_check(&b->opts, NULL) != SRNN_OK;
    b->cap = 1024;
    b->table = calloc(b->cap, sizeof *b->table);
    b->cap0 = 1024;
    b->table0 = calloc(b->cap0, sizeof *b->table0);
    b->pitch_min = 128;
    b->pitch_max = -1;
    if (!b->table || !b->table0) {
        free(b->table);
        free(b->table0);
        free(b);
        return NULL;
    }
    return b;
}

void srnn_notes_builder_free(srnn_notes_builder *b)
{
    if (!b)
        return;
    free(b->table);
    free(b->table0);
    free(b->ev_vel);
    free(b->piece_events);
    free(b);
}

static set_count *table_slot(set_count *t, size_t cap, pset s)
{
    for (size_t h = pset_hash(s) & (cap - 1);; h = (h + 1) & (cap - 1))
        if (t[h].count == 0 || pset_eq(t[h].set, s))
            return &t[h];
}

static int table_add(set_count **table, size_t *cap, size_t *used, pset s)
{
    if (2 * (*used + 1) > *cap) {
        size_t nc = *cap * 2;
        set_count *nt = calloc(nc, sizeof *nt);
        if (!nt)
            return SRNN_ENOMEM;
        for (size_t i = 0; i < *cap; i++)
            if ((*table)[i].count)
                *table_slot(nt, nc, (*table)[i].set) = (*table)[i];
        free(*table);
        *table = nt;
        *cap = nc;
    }
    set_count *e = table_slot(*table, *cap, s);
    if (e->count == 0) {
        e->set = s;
        (*used)++;
    }
    e->count++;
    return SRNN_OK;
}

static void meter_add(srnn_notes_builder *b, int num, int den)
{
    for (int i = 0; i < b->n_meters; i++)
        if (b->meters[i].num == num && b->meters[i].den == den) {
            b->meters[i].count++;
            return;
        }
    if (b->n_meters < METERS_SEEN_MAX)
        b->meters[b->n_meters++] = (meter_count){num, den, 1};
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return SRNN_OK;
    size_t nc = *cap ? *cap : 256;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * size);
    if (!np)
        return SRNN_ENOMEM;
    *p = np;
    *cap = nc;
    return SRNN_OK;
}

int srnn_notes_builder_add(srnn_notes_builder *b, const srnn_piece *piece)
{
    if (!b || !piece)
        return SRNN_EARG;
    if (b->bad)
        return SRNN_OK; /* finish reports the options */
    srnn_qpiece q;
    int rc = srnn_piece_quantize(piece, b->opts.grid, &q);
    if (rc != SRNN_OK)
        return rc;
    int down = 0, up = 0;
    srnn_piece_transpose_limits(piece, b->opts.transpose, &down, &up);
    int64_t prev = 0, longest = 16 * (int64_t)b->opts.grid;
    if ((rc = grow((void **)&b->ev_vel, &b->cap_ev_vel, b->n_ev_vel + q.n_events, 1)) != SRNN_OK ||
        (rc = grow((void **)&b->piece_events, &b->cap_pieces, b->pieces + 1,
                   sizeof *b->piece_events)) != SRNN_OK)
        goto done;
    for (size_t i = 0; i < q.n_events && rc == SRNN_OK; i++) {
        const srnn_event *e = &q.events[i];
        pset s = event_set(&q, e);
        rc = table_add(&b->table0, &b->cap0, &b->used0, s);
        for (int t = -down; t <= up && rc == SRNN_OK; t++)
            rc = table_add(&b->table, &b->cap, &b->used, t ? pset_shift(s, t) : s);
        if (b->opts.tokens == SRNN_TOKENS_TIMESHIFT)
            b->extra_tokens += (uint64_t)shift_tokens(e->onset - prev, b->opts.grid);
        else
            b->extra_tokens++; /* its position */
        prev = e->onset;
        int vel = event_velocity(&q, e);
        b->event_vel[vel]++;
        b->ev_vel[b->n_ev_vel + i] = (uint8_t)vel;
        for (uint32_t k = 0; k < e->count; k++) {
            const srnn_qnote *nt = &q.notes[e->first + k];
            b->clipped += nt->duration > longest;
            b->note_vel[nt->velocity]++;
            b->pitch_min = nt->pitch < b->pitch_min ? nt->pitch : b->pitch_min;
            b->pitch_max = nt->pitch > b->pitch_max ? nt->pitch : b->pitch_max;
        }
    }
    if (rc == SRNN_OK && b->opts.tokens == SRNN_TOKENS_METRIC) {
        bar_list bl;
        if ((rc = bar_layout(piece, b->opts.grid, q.n_events ? q.events[q.n_events - 1].onset : 0,
                             &bl)) == SRNN_OK) {
            for (size_t i = 0; i < bl.n; i++) {
                meter_add(b, bl.b[i].num, bl.b[i].den);
                b->meter_changes += i == 0 || bl.b[i].num != bl.b[i - 1].num ||
                                    bl.b[i].den != bl.b[i - 1].den;
            }
            b->bars += bl.n;
            b->extra_tokens += bl.n; /* Bar tokens */
            free(bl.b);
        }
    }
    if (rc == SRNN_OK) {
        b->piece_events[b->pieces] = q.n_events;
        b->n_ev_vel += q.n_events;
        b->pieces++;
        b->notes += q.n_notes;
        b->events += q.n_events;
        b->extra_tokens += 2;
    }
done:
    srnn_qpiece_release(&q);
    return rc;
}

/* Chords by frequency; ties: the lowest pitch where two sets differ goes with the set that
 * holds it (48.55 before 60.64.67; 48.55.60 before 48.60, where 55 decides). */
static int chord_cmp(const void *a, const void *b)
{
    const set_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    pset d = {{x->set.w[0] ^ y->set.w[0], x->set.w[1] ^ y->set.w[1]}};
    if (!d.w[0] && !d.w[1])
        return 0;
    int p = d.w[0] ? __builtin_ctzll(d.w[0]) : 64 + __builtin_ctzll(d.w[1]);
    return (x->set.w[p >> 6] >> (p & 63) & 1) ? -1 : 1;
}

/* Meters by frequency, then the smaller denominator, then the smaller numerator. */
static int meter_cmp(const void *a, const void *b)
{
    const meter_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->den != y->den)
        return x->den - y->den;
    return x->num - y->num;
}

/* The velocity levels: quantile medians of the events' velocities, or the middles of equal
 * ranges of 1..127; ascending, equal ones merged.  Returns the count. */
static int velocity_levels(const srnn_notes_builder *b, int *level)
{
    int bins = b->opts.velocity_bins, n = 0;
    uint64_t total = 0;
    for (int v = 0; v < 128; v++)
        total += b->event_vel[v];
    for (int k = 0; k < bins; k++) {
        int vel;
        if (b->opts.velocity_scale == SRNN_VELOCITY_FIXED || total == 0) {
            /* Bin k + 1 of equal ranges: velocities x with 1 + (x - 1) * bins / 127 == k + 1
             * (the bins of songrnn 0.1), at its middle. */
            int lo = 0, hi = 0;
            for (int x = 1; x <= 127; x++)
                if (1 + (x - 1) * bins / 127 == k + 1) {
                    lo = lo ? lo : x;
                    hi = x;
                }
            vel = (lo + hi) / 2;
        } else {
            /* The velocity below which (k + 1/2) / bins of the events lie. */
            uint64_t want = (uint64_t)((2.0 * k + 1) / (2.0 * bins) * (double)total), seen = 0;
            vel = 127;
            for (int x = 1; x <= 127; x++) {
                seen += b->event_vel[x];
                if (seen > want) {
                    vel = x;
                    break;
                }
            }
        }
        if (vel < 1)
            vel = 1;
        if (n == 0 || level[n - 1] != vel)
            level[n++] = vel;
    }
    return n;
}

int srnn_notes_builder_finish(srnn_notes_builder *b, srnn_vocab **out, srnn_coverage *cov,
                              srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "no output vocabulary");
    *out = NULL;
    if (!b)
        return srnn_error_set(err, SRNN_EARG, "no vocabulary builder");
    int rc = srnn_notes_opts_check(&b->opts, err);
    if (rc != SRNN_OK)
        return rc;
    const srnn_notes_opts *o = &b->opts;
    int metric = o->tokens == SRNN_TOKENS_METRIC;
    int n_dur = duration_table(o->grid, NULL);
    int levels[VEL_BINS_MAX];
    int n_levels = velocity_levels(b, levels);

    /* Meters: the most frequent first, at most METERS_MAX, 4/4 when the corpus has no bars. */
    meter_count meters[METERS_SEEN_MAX];
    int n_meters = metric ? b->n_meters : 0;
    memcpy(meters, b->meters, (size_t)n_meters * sizeof *meters);
    qsort(meters, (size_t)n_meters, sizeof *meters, meter_cmp);
    if (metric && n_meters == 0)
        meters[n_meters++] = (meter_count){4, 4, 0};
    if (n_meters > METERS_MAX)
        n_meters = METERS_MAX;
    int bar_steps = 0;
    for (int m = 0; m < n_meters; m++) {
        int st = meter_steps(meters[m].num, meters[m].den, o->grid);
        bar_steps = st > bar_steps ? st : bar_steps;
    }
    /* The bound is the timeshift layout's: both layouts get the same chords, and a metric
     * vocabulary has its bar, meter and position tokens in place of the time shifts, however
     * many the corpus's meters need.  Both then split the same pitch sets into the same
     * parts, and their likelihoods per note differ only by how they say time. */
    int ts_base = srnn_notes_base_size(o->grid, n_levels);
    int base = metric ? metric_base_size(o->grid, n_levels, n_meters, bar_steps) : ts_base;
    if (ts_base > o->max_vocab)
        return srnn_error_set(err, SRNN_EARG,
                              "vocabulary bound %d is below the %d tokens needed before "
                              "chords (raise --vocab)", o->max_vocab, ts_base);

    set_count *chords = malloc((b->used + 1) * sizeof *chords);
    int64_t *durs = malloc((size_t)n_dur * sizeof *durs);
    if (!chords || !durs) {
        free(chords);
        free(durs);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    size_t nc = 0;
    for (size_t i = 0; i < b->cap; i++)
        if (b->table[i].count && pset_count(b->table[i].set) >= 2)
            chords[nc++] = b->table[i];
    qsort(chords, nc, sizeof *chords, chord_cmp);
    size_t keep = nc < (size_t)(o->max_vocab - ts_base) ? nc : (size_t)(o->max_vocab - ts_base);
    duration_table(o->grid, durs);

    int n = base + (int)keep;
    char **toks = calloc((size_t)n, sizeof *toks);
    /* One arena for the strings: a chord is at most "C" + 128 x "127." */
    size_t arena_size = (size_t)base * 16 + keep * 8;
    for (size_t i = 0; i < keep; i++)
        arena_size += 4 * (size_t)pset_count(chords[i].set) + 2;
    char *arena = malloc(arena_size), *at = arena;
    if (!toks || !arena) {
        rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        goto done;
    }
    int t = 0;
#define ADD(...) (toks[t++] = at, at += sprintf(at, __VA_ARGS__) + 1)
    ADD("<start>");
    ADD("<end>");
    if (metric) {
        ADD("Bar");
        for (int m = 0; m < n_meters; m++)
            ADD("M%d/%d", meters[m].num, meters[m].den);
        for (int k = 0; k < bar_steps; k++)
            ADD("P%d", k);
    } else {
        for (int k = 1; k <= 4 * o->grid; k++)
            ADD("T%d", k);
    }
    for (int k = 0; k < n_dur; k++)
        ADD("D%lld", (long long)durs[k]);
    for (int k = 0; k < 128; k++)
        ADD("N%d", k);
    for (int k = 0; k < n_levels; k++)
        ADD("V%d", levels[k]);
    for (size_t i = 0; i < keep; i++) {
        toks[t++] = at;
        char sep = 'C';
        for (int p = 0; p < 128; p++) {
            if (chords[i].set.w[p >> 6] >> (p & 63) & 1) {
                at += sprintf(at, "%c%d", sep, p);
                sep = '.';
            }
        }
        *at++ = 0;
    }
#undef ADD
    srnn_vocab *v = NULL;
    rc = srnn_vocab_new_from_tokens(SRNN_MODE_NOTES, (const char *const *)toks, n, &v, err);
    if (rc != SRNN_OK)
        goto done;
    if (cov) {
        memset(cov, 0, sizeof *cov);
        cov->pieces = b->pieces;
        cov->notes = b->notes;
        cov->events = b->events;
        cov->distinct_sets = b->used0;
        cov->chords_in_vocab = keep;
        cov->notes_clipped = b->clipped;
        cov->bars = b->bars;
        for (int m = n_meters; m < b->n_meters; m++)
            cov->bars_refit += meters[m].count;
        cov->meters = n_meters;
        cov->velocity_levels = n_levels;
        cov->velocity_min = cov->velocity_max = 0;
        for (int x = 1; x < 128; x++)
            if (b->note_vel[x]) {
                cov->distinct_velocities++;
                cov->velocity_min = cov->velocity_min ? cov->velocity_min : x;
                cov->velocity_max = x;
            }
        cov->pitch_min = b->pitch_max >= 0 ? b->pitch_min : -1;
        cov->pitch_max = b->pitch_max;
        uint64_t tokens = b->extra_tokens + (metric ? b->meter_changes : 0);
        if (n_levels) { /* a V token wherever the level changes */
            size_t at_ev = 0;
            for (size_t p = 0; p < b->pieces; p++) {
                int last = -1;
                for (size_t e = 0; e < b->piece_events[p]; e++) {
                    int lv = v->vel_nearest[b->ev_vel[at_ev + e]];
                    tokens += lv != last;
                    last = lv;
                }
                at_ev += b->piece_events[p];
            }
        }
        /* The corpus as it is (untransposed): a pitch and a duration token per part. */
        int32_t parts[128];
        for (size_t i = 0; i < b->cap0; i++) {
            const set_count *e = &b->table0[i];
            if (!e->count)
                continue;
            int np = decompose(v, e->set, parts);
            if (np == 1) {
                cov->events_covered += e->count;
                cov->notes_covered += e->count * (uint64_t)pset_count(e->set);
            }
            tokens += e->count * 2 * (uint64_t)np;
        }
        cov->tokens = tokens;
    }
    *out = v;
done:
    free(toks);
    free(arena);
    free(chords);
    free(durs);
    return rc;
}

/* ---- encode ----------------------------------------------------------------------------------- */

typedef struct tokbuf {
    int32_t *t;
    size_t n, cap;
} tokbuf;

static int tokbuf_push(tokbuf *b, int32_t id)
{
    if (b->n == b->cap) {
        if (b->cap >= ENCODE_MAX_TOKENS)
            return SRNN_EINPUT;
        size_t nc = b->cap ? b->cap * 2 : 1024;
        int32_t *nt = realloc(b->t, nc * sizeof *nt);
        if (!nt)
            return SRNN_ENOMEM;
        b->t = nt;
        b->cap = nc;
    }
    b->t[b->n++] = id;
    return SRNN_OK;
}

/* An event's velocity (when it changed) and its parts with their durations. */
static int push_event(const srnn_vocab *v, const srnn_qpiece *q, const srnn_event *e,
                      int transpose, int *level, tokbuf *b)
{
    int rc = SRNN_OK;
    if (v->vel_bins) {
        int lv = event_level(v, q, e);
        if (lv != *level)
            rc = tokbuf_push(b, v->vel_id[lv]);
        *level = lv;
    }
    int32_t parts[128];
    pset es = event_set(q, e);
    int np = decompose(v, transpose ? pset_shift(es, transpose) : es, parts);
    for (int k = 0; k < np && rc == SRNN_OK; k++) {
        pset s = v->sets[parts[k]];
        int64_t d = 0;
        for (uint32_t j = 0; j < e->count; j++) {
            const srnn_qnote *nt = &q->notes[e->first + j];
            int p = nt->pitch + transpose;
            if ((s.w[p >> 6] >> (p & 63) & 1) && nt->duration > d)
                d = nt->duration;
        }
        rc = tokbuf_push(b, v->set_id[parts[k]]);
        if (rc == SRNN_OK)
            rc = tokbuf_push(b, duration_token(v, d));
    }
    return rc;
}

static int encode_timeshift(const srnn_vocab *v, const srnn_qpiece *q, int transpose,
                            tokbuf *b)
{
    int64_t prev = 0, span = 4 * (int64_t)v->grid;
    int level = -1, rc = SRNN_OK;
    for (size_t i = 0; i < q->n_events && rc == SRNN_OK; i++) {
        const srnn_event *e = &q->events[i];
        int64_t gap = e->onset - prev;
        prev = e->onset;
        if ((size_t)shift_tokens(gap, v->grid) > ENCODE_MAX_TOKENS - b->n)
            return SRNN_EINPUT;
        for (; gap > span && rc == SRNN_OK; gap -= span)
            rc = tokbuf_push(b, v->shift_id[span]);
        if (gap > 0 && rc == SRNN_OK)
            rc = tokbuf_push(b, v->shift_id[gap]);
        if (rc == SRNN_OK)
            rc = push_event(v, q, e, transpose, &level, b);
    }
    return rc;
}

static int encode_metric(const srnn_vocab *v, const srnn_piece *piece, const srnn_qpiece *q,
                         int transpose, tokbuf *b)
{
    bar_list bl;
    int64_t last = q->n_events ? q->events[q->n_events - 1].onset : 0;
    int rc = bar_layout(piece, v->grid, last, &bl);
    if (rc != SRNN_OK)
        return rc;
    if (bl.n > ENCODE_MAX_TOKENS - b->n) {
        free(bl.b);
        return SRNN_EINPUT;
    }
    int level = -1, meter = -1;
    size_t ev = 0;
    for (size_t k = 0; k < bl.n && rc == SRNN_OK; k++) {
        const bar *br = &bl.b[k];
        int refit, m = meter_index(v, br->num, br->den, br->steps, &refit);
        rc = tokbuf_push(b, v->bar_id);
        if (rc == SRNN_OK && m != meter)
            rc = tokbuf_push(b, v->meter_id[m]);
        meter = m;
        int64_t end = k + 1 < bl.n ? bl.b[k + 1].start : INT64_MAX;
        for (; ev < q->n_events && q->events[ev].onset < end && rc == SRNN_OK; ev++) {
            const srnn_event *e = &q->events[ev];
            int64_t pos = e->onset - br->start;
            if (pos >= v->meter_steps[m]) /* a refitted, shorter bar: its last step */
                pos = v->meter_steps[m] - 1;
            rc = tokbuf_push(b, v->pos_id[pos]);
            if (rc == SRNN_OK)
                rc = push_event(v, q, e, transpose, &level, b);
        }
    }
    free(bl.b);
    return rc;
}

int srnn_notes_encode_transposed(const srnn_vocab *v, const srnn_piece *piece, int transpose,
                                 int32_t **tokens, size_t *n, srnn_error *err)
{
    if (!tokens || !n)
        return srnn_error_set(err, SRNN_EARG, "no output for the tokens");
    *tokens = NULL;
    *n = 0;
    if (!v || !piece)
        return srnn_error_set(err, SRNN_EARG, "no vocabulary or no piece");
    if (v->mode != SRNN_MODE_NOTES)
        return srnn_error_set(err, SRNN_EARG, "the vocabulary is for %s mode, not notes",
                              srnn_mode_name(v->mode));
    int lo, hi;
    if (transpose && srnn_piece_pitch_range(piece, &lo, &hi) == 0 &&
        (lo + transpose < 0 || hi + transpose > 127))
        return srnn_error_set(err, SRNN_EARG, "transposing by %d semitones leaves 0..127",
                              transpose);
    srnn_qpiece q;
    int rc = srnn_piece_quantize(piece, v->grid, &q);
    if (rc != SRNN_OK)
        return srnn_error_set(err, rc, "out of memory");
    tokbuf b = {0};
    rc = tokbuf_push(&b, v->start_id);
    if (rc == SRNN_OK)
        rc = v->tokens == SRNN_TOKENS_METRIC ? encode_metric(v, piece, &q, transpose, &b)
                                             : encode_timeshift(v, &q, transpose, &b);
    if (rc == SRNN_OK)
        rc = tokbuf_push(&b, v->end_id);
    srnn_qpiece_release(&q);
    if (rc != SRNN_OK) {
        free(b.t);
        if (rc == SRNN_EINPUT)
            return srnn_error_set(err, SRNN_EINPUT, "the piece is too long to tokenize (more "
                                                    "than %zu tokens)",
                                  ENCODE_MAX_TOKENS);
        return srnn_error_set(err, rc, "out of memory");
    }
    *tokens = b.t;
    *n = b.n;
    return SRNN_OK;
}

int srnn_notes_encode(const srnn_vocab *v, const srnn_piece *piece, int32_t **tokens, size_t *n,
                      srnn_error *err)
{
    return srnn_notes_encode_transposed(v, piece, 0, tokens, n, err);
}

size_t srnn_notes_window(const srnn_vocab *v, const int32_t *toks, size_t n, size_t at,
                         int32_t *out, size_t len)
{
    if (!v || !toks || !out || at >= n || len == 0)
        return 0;
    size_t k = 0;
    if (v->tokens == SRNN_TOKENS_METRIC && toks[at] == v->bar_id) {
        /* The meter that holds at this bar: its own, else the last one before it. */
        int32_t meter = v->meter_id[0];
        if (at + 1 < n && toks[at + 1] >= 0 && toks[at + 1] < v->n &&
            v->kind[toks[at + 1]] == TK_METER) {
            meter = toks[at + 1];
        } else {
            for (size_t i = at; i-- > 0;)
                if (toks[i] >= 0 && toks[i] < v->n && v->kind[toks[i]] == TK_METER) {
                    meter = toks[i];
                    break;
                }
        }
        out[k++] = v->bar_id;
        if (k < len)
            out[k++] = meter;
        at++;
        if (at < n && toks[at] >= 0 && toks[at] < v->n && v->kind[toks[at]] == TK_METER)
            at++;
    }
    for (; k < len && at < n; k++, at++)
        out[k] = toks[at];
    return k;
}

/* ---- decode ------------------------------------------------------------------------------------ */

typedef struct notebuf {
    srnn_qnote *a;
    size_t n, cap;
} notebuf;

static int notebuf_add_set(notebuf *b, pset s, int64_t t, int64_t d, int vel)
{
    for (int p = 0; p < 128; p++) {
        if (!(s.w[p >> 6] >> (p & 63) & 1))
            continue;
        if (b->n == b->cap) {
            size_t nc = b->cap ? b->cap * 2 : 256;
            srnn_qnote *na = realloc(b->a, nc * sizeof *na);
            if (!na)
                return SRNN_ENOMEM;
            b->a = na;
            b->cap = nc;
        }
        b->a[b->n++] = (srnn_qnote){.onset = t, .duration = d, .pitch = (uint8_t)p,
                                    .velocity = (uint8_t)vel};
    }
    return SRNN_OK;
}

static int decoded_cmp(const void *a, const void *b)
{
    const srnn_qnote *x = a, *y = b;
    if (x->onset != y->onset)
        return x->onset < y->onset ? -1 : 1;
    if (x->pitch != y->pitch)
        return x->pitch < y->pitch ? -1 : 1;
    return x->duration > y->duration ? -1 : x->duration < y->duration;
}

typedef struct meter_at {
    int64_t step;
    int meter;
} meter_at;

int srnn_notes_decode_ex(const srnn_vocab *v, const int32_t *tokens, size_t n,
                         const srnn_notes_decode_opts *opts, srnn_piece **out, srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "no output piece");
    *out = NULL;
    if (!v || (!tokens && n))
        return srnn_error_set(err, SRNN_EARG, "no vocabulary or no tokens");
    if (v->mode != SRNN_MODE_NOTES)
        return srnn_error_set(err, SRNN_EARG, "the vocabulary is for %s mode, not notes",
                              srnn_mode_name(v->mode));
    for (size_t i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= v->n)
            return srnn_error_set(err, SRNN_EINPUT, "token %zu has id %d outside the vocabulary "
                                                    "of %d",
                                  i, (int)tokens[i], v->n);
    size_t skip = opts ? opts->skip : 0;
    int metric = v->tokens == SRNN_TOKENS_METRIC;
    notebuf nb = {0};
    meter_at *ma = NULL;
    size_t n_ma = 0, cap_ma = 0;
    /* A whole piece keeps its opening rests; a continuation starts at its bar (or time). */
    int64_t t = 0, bar_start = 0, origin = skip && !(opts && opts->keep_time) ? -1 : 0;
    int meter = 0, bars_seen = 0, prev_kind = TK_START, origin_meter = -1;
    int vel = v->vel_bins ? v->vel_level[v->vel_nearest[DEFAULT_VELOCITY]] : DEFAULT_VELOCITY;
    int pending_vel = vel, pending = 0, rc = SRNN_OK;
    pset pset_pending = {{0, 0}};
    for (size_t i = 0; i < n && rc == SRNN_OK; i++) {
        int id = tokens[i], kind = v->kind[id];
        int keep = i >= skip;
        if (pending && kind != TK_DUR) {
            /* A pitch without a duration: one beat. */
            rc = notebuf_add_set(&nb, pset_pending, t, v->grid, pending_vel);
            pending = 0;
            if (rc != SRNN_OK)
                break;
        }
        if (kind == TK_END)
            break;
        switch (kind) {
        case TK_SHIFT:
            t += v->value[id];
            break;
        case TK_BAR:
            if (bars_seen++)
                bar_start += v->meter_steps[meter];
            t = bar_start;
            if (keep && origin < 0)
                origin = bar_start;
            break;
        case TK_METER:
            if (prev_kind == TK_BAR)
                meter = (int)v->value[id];
            break;
        case TK_POS: {
            int64_t pos = v->value[id];
            if (pos >= v->meter_steps[meter])
                pos = v->meter_steps[meter] - 1;
            t = bar_start + pos;
            if (keep && origin < 0)
                origin = bar_start;
            break;
        }
        case TK_VEL:
            vel = v->vel_level[v->value[id]];
            break;
        case TK_PITCH:
            if (keep && origin < 0)
                origin = metric ? bar_start : t;
            pending = keep;
            pset_pending = v->sets[v->value[id]];
            pending_vel = vel;
            break;
        case TK_DUR:
            if (pending)
                rc = notebuf_add_set(&nb, pset_pending, t, v->value[id], pending_vel);
            pending = 0;
            break;
        default: /* <start> anywhere, or a token of no meaning here: skipped */
            break;
        }
        if (origin >= 0 && origin_meter < 0)
            origin_meter = meter; /* the meter that holds where the output starts */
        /* A meter that holds from a kept bar on: a time signature there. */
        if (metric && (keep || origin == 0) && rc == SRNN_OK &&
            (kind == TK_BAR || kind == TK_METER) &&
            origin >= 0 && (n_ma == 0 || ma[n_ma - 1].meter != meter ||
                            ma[n_ma - 1].step == bar_start)) {
            if (n_ma && ma[n_ma - 1].step == bar_start) {
                ma[n_ma - 1].meter = meter;
            } else if ((rc = grow((void **)&ma, &cap_ma, n_ma + 1, sizeof *ma)) == SRNN_OK) {
                ma[n_ma++] = (meter_at){bar_start, meter};
            }
        }
        prev_kind = kind;
    }
    if (pending && rc == SRNN_OK)
        rc = notebuf_add_set(&nb, pset_pending, t, v->grid, pending_vel);
    if (origin < 0)
        origin = metric ? bar_start : t;
    /* The output opens with the meter that holds where it starts. */
    if (metric && rc == SRNN_OK && (n_ma == 0 || ma[0].step != origin) &&
        (rc = grow((void **)&ma, &cap_ma, n_ma + 1, sizeof *ma)) == SRNN_OK) {
        memmove(ma + 1, ma, n_ma * sizeof *ma);
        ma[0] = (meter_at){origin, origin_meter >= 0 ? origin_meter : meter};
        n_ma++;
    }
    srnn_piece *p = rc == SRNN_OK ? srnn_piece_new() : NULL;
    if (!p) {
        free(nb.a);
        free(ma);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    size_t unsorted = 0; /* notes come in time order but for chords: sort only if need be */
    for (size_t i = 1; i < nb.n && !unsorted; i++)
        unsorted = decoded_cmp(&nb.a[i - 1], &nb.a[i]) > 0;
    if (unsorted)
        qsort(nb.a, nb.n, sizeof *nb.a, decoded_cmp);
    rc = srnn_piece_reserve_notes(p, nb.n);
    for (size_t i = 0; i < nb.n && rc == SRNN_OK; i++) {
        const srnn_qnote *q = &nb.a[i];
        if (i > 0 && q->onset == nb.a[i - 1].onset && q->pitch == nb.a[i - 1].pitch)
            continue; /* struck twice at one step: the longer one came first */
        srnn_note note = {.onset = (double)(q->onset - origin) / v->grid,
                          .duration = (double)q->duration / v->grid,
                          .pitch = q->pitch,
                          .velocity = q->velocity};
        rc = srnn_piece_add_note(p, &note);
    }
    /* Meters: the one holding at the origin, then each change. */
    for (size_t i = 0; i < n_ma && rc == SRNN_OK; i++) {
        if (i > 0 && ma[i].meter == ma[i - 1].meter)
            continue;
        int64_t at = ma[i].step - origin;
        rc = srnn_piece_add_timesig(p, at > 0 ? (double)at / v->grid : 0,
                                    v->meter_num[ma[i].meter], v->meter_den[ma[i].meter]);
    }
    free(nb.a);
    free(ma);
    if (rc != SRNN_OK) {
        srnn_piece_free(p);
        return srnn_error_set(err, rc, "out of memory");
    }
    *out = p;
    return SRNN_OK;
}

int srnn_notes_decode(const srnn_vocab *v, const int32_t *tokens, size_t n, srnn_piece **out,
                      srnn_error *err)
{
    return srnn_notes_decode_ex(v, tokens, n, NULL, out, err);
}

/* ---- the generation grammar ------------------------------------------------------------------ */

enum { G_START, G_BAR, G_METER, G_POS, G_VEL, G_PITCH, G_DUR, G_SHIFT, G_CLOSED };

#define EVENT_PITCHES_MAX 12 /* pitches one event may hold (two hands, octaves doubled) */

struct srnn_notes_grammar {
    const srnn_vocab *v;
    int phase;        /* what the last token was */
    pset event;       /* the pitches of the event under way */
    int meter;        /* metric: the meter of the bar under way */
    int64_t pos;      /* metric: the last position in this bar, -1 before any */
    int want_meter;   /* index of the asked meter, -1: any */
    uint8_t *allowed; /* [n] pitch and chord tokens inside the pitch range */
    /* the priors (srnn_notes_grammar_bias) */
    float key_bias, repeat_bias; /* log of the priors; 0: none */
    uint16_t *pcs;               /* [n] pitch classes of each pitch or chord token */
    double pc[12];               /* pitch classes of the notes so far, decayed per note */
    int notes;                   /* notes so far */
    uint16_t key;                /* pitch classes of the key so far (after 8 notes) */
    int judged, in_key;          /* notes that came after 8, those in the key of then */
    double key_share;            /* the prior acts below this share of in_key / judged */
    uint8_t *onsets[2]; /* metric: [bar_steps_max] onsets of the bar before, of this bar */
    int prev_meter;     /* meter of the bar before; -1: none yet */
    int bars;           /* Bar tokens seen */
    double repeat_share; /* a bar repeats with this probability; 0: always */
    int repeating;       /* this bar repeats the one before */
    uint64_t rng;        /* the bars' choices (splitmix64) */
};

/* The major scale's pitch classes from C; its 12 rotations are the diatonic keys (a minor
 * key shares its relative major's). */
#define DIATONIC_C 0xAB5u /* C D E F G A B */

static uint16_t scale_rotate(int tonic)
{
    uint32_t m = DIATONIC_C << tonic;
    return (uint16_t)((m | m >> 12) & 0xFFFu);
}

/* The diatonic scale holding the most weight of pc (ties: the lowest tonic from C). */
static uint16_t best_scale(const double pc[12])
{
    uint16_t best = 0;
    double best_w = -1;
    for (int t = 0; t < 12; t++) {
        uint16_t sc = scale_rotate(t);
        double w = 0;
        for (int c = 0; c < 12; c++)
            w += sc >> c & 1 ? pc[c] : 0;
        if (w > best_w) {
            best_w = w;
            best = sc;
        }
    }
    return best;
}

int srnn_notes_grammar_new(const srnn_vocab *v, const srnn_notes_grammar_opts *o,
                           srnn_notes_grammar **out, srnn_error *err)
{
    *out = NULL;
    if (!v || v->mode != SRNN_MODE_NOTES)
        return srnn_error_set(err, SRNN_EARG, "the notes grammar needs a notes vocabulary");
    srnn_notes_grammar *g = calloc(1, sizeof *g);
    if (!g || !(g->allowed = malloc((size_t)v->n))) {
        free(g);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    g->v = v;
    g->phase = G_START;
    g->pos = -1;
    g->want_meter = -1;
    int lo = o ? o->pitch_min : 0, hi = o ? o->pitch_max : 0;
    if (lo == 0 && hi == 0)
        hi = 127;
    if (o && o->meter_num > 0) {
        for (int m = 0; m < v->n_meters; m++)
            if (v->meter_num[m] == o->meter_num && v->meter_den[m] == o->meter_den)
                g->want_meter = m;
        if (g->want_meter < 0) {
            srnn_notes_grammar_free(g);
            return srnn_error_set(err, SRNN_EARG, "meter %d/%d is not one the model learned",
                                  o->meter_num, o->meter_den);
        }
    }
    g->pcs = calloc((size_t)v->n, sizeof *g->pcs);
    size_t steps = v->tokens == SRNN_TOKENS_METRIC && v->bar_steps_max > 0
                       ? (size_t)v->bar_steps_max : 1;
    g->onsets[0] = calloc(2 * steps, 1);
    g->onsets[1] = g->onsets[0] ? g->onsets[0] + steps : NULL;
    if (!g->pcs || !g->onsets[0]) {
        srnn_notes_grammar_free(g);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    g->key_bias = o && o->key_prior > 1 ? (float)log(o->key_prior) : 0;
    g->repeat_bias = o && o->repeat_prior > 1 ? (float)log(o->repeat_prior) : 0;
    g->key_share = o && o->key_share > 0 && o->key_share <= 1 ? o->key_share : 0;
    g->repeat_share = o && o->repeat_share > 0 && o->repeat_share <= 1 ? o->repeat_share : 0;
    g->rng = o ? o->seed : 0;
    g->repeating = 1;
    g->prev_meter = -1;
    for (int i = 0; i < v->n; i++) {
        g->allowed[i] = 1;
        if (v->kind[i] != TK_PITCH)
            continue;
        pset s = v->sets[v->value[i]];
        for (int p = 0; p < 128; p++)
            if (s.w[p >> 6] >> (p & 63) & 1) {
                g->pcs[i] |= (uint16_t)(1u << (p % 12));
                if (p < lo || p > hi)
                    g->allowed[i] = 0;
            }
    }
    *out = g;
    return SRNN_OK;
}

void srnn_notes_grammar_free(srnn_notes_grammar *g)
{
    if (!g)
        return;
    free(g->allowed);
    free(g->pcs);
    free(g->onsets[0]);
    free(g);
}

void srnn_notes_grammar_feed(srnn_notes_grammar *g, int32_t tok)
{
    if (!g || tok < 0 || tok >= g->v->n)
        return;
    const srnn_vocab *v = g->v;
    switch (v->kind[tok]) {
    case TK_START:
        g->phase = G_START;
        g->pos = -1;
        g->event = (pset){{0, 0}};
        break;
    case TK_BAR:
        if (v->tokens == SRNN_TOKENS_METRIC) {
            if (g->bars++) { /* the bar under way is now the bar before */
                memcpy(g->onsets[0], g->onsets[1], (size_t)v->bar_steps_max);
                g->prev_meter = g->meter;
            }
            memset(g->onsets[1], 0, (size_t)v->bar_steps_max);
            if (g->repeat_share > 0) { /* splitmix64: the bar's choice */
                uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
                z ^= z >> 31;
                g->repeating = (double)(z >> 11) * 0x1.0p-53 < g->repeat_share;
            }
        }
        g->phase = G_BAR;
        g->pos = -1;
        g->event = (pset){{0, 0}};
        break;
    case TK_METER:
        if (g->phase == G_BAR)
            g->meter = (int)v->value[tok];
        g->phase = G_METER;
        break;
    case TK_POS:
        g->pos = v->value[tok];
        if (g->pos >= 0 && g->pos < v->bar_steps_max)
            g->onsets[1][g->pos] = 1;
        g->phase = G_POS;
        g->event = (pset){{0, 0}};
        break;
    case TK_SHIFT:
        g->phase = G_SHIFT;
        g->event = (pset){{0, 0}};
        break;
    case TK_VEL:
        g->phase = G_VEL;
        break;
    case TK_PITCH: {
        pset p = v->sets[v->value[tok]];
        g->event.w[0] |= p.w[0];
        g->event.w[1] |= p.w[1];
        g->phase = G_PITCH;
        for (int k = 0; k < 128; k++)
            if (p.w[k >> 6] >> (k & 63) & 1) {
                if (g->notes >= 8) {
                    g->judged++;
                    g->in_key += g->key >> (k % 12) & 1;
                }
                /* a half-life of about 70 notes: the key of the last few bars counts most */
                for (int c = 0; c < 12; c++)
                    g->pc[c] *= 0.99;
                g->pc[k % 12] += 1;
                g->notes++;
            }
        if (g->notes >= 8)
            g->key = best_scale(g->pc);
        break;
    }
    case TK_DUR:
        g->phase = G_DUR;
        break;
    default:
        break;
    }
}

void srnn_notes_grammar_close_event(srnn_notes_grammar *g)
{
    if (g && g->phase == G_DUR)
        g->phase = G_CLOSED;
}

void srnn_notes_grammar_mask(const srnn_notes_grammar *g, uint8_t *mask)
{
    if (!g || !mask)
        return;
    const srnn_vocab *v = g->v;
    int metric = v->tokens == SRNN_TOKENS_METRIC, ph = g->phase;
    /* What may follow, by kind. */
    int bar = 0, met = 0, pos = 0, shift = 0, vel = 0, pitch = 0, dur = 0;
    if (metric) {
        int must_meter = ph == G_BAR && g->want_meter >= 0 && g->meter != g->want_meter;
        bar = (ph == G_START || ph == G_BAR || ph == G_METER || ph == G_DUR ||
               ph == G_CLOSED) && !must_meter;
        met = ph == G_BAR;
        pos = (ph == G_BAR || ph == G_METER || ph == G_DUR || ph == G_CLOSED) && !must_meter;
        vel = ph == G_POS;
        pitch = ph == G_POS || ph == G_VEL || ph == G_DUR;
        dur = ph == G_PITCH;
        if (ph == G_START)
            pitch = 0;
    } else {
        shift = ph == G_START || ph == G_SHIFT || ph == G_DUR || ph == G_CLOSED;
        vel = ph == G_START || ph == G_SHIFT || ph == G_DUR;
        pitch = ph != G_PITCH && ph != G_CLOSED;
        dur = ph == G_PITCH;
    }
    int bar_len = metric ? v->meter_steps[g->meter] : 0;
    for (int i = 0; i < v->n; i++) {
        if (!mask[i])
            continue;
        int ok;
        switch (v->kind[i]) {
        case TK_BAR: ok = bar; break;
        case TK_METER:
            ok = met && (g->want_meter < 0 ? 1 : (int)v->value[i] == g->want_meter);
            break;
        case TK_POS: ok = pos && v->value[i] > g->pos && v->value[i] < bar_len; break;
        case TK_SHIFT: ok = shift; break;
        case TK_VEL: ok = vel; break;
        case TK_PITCH: {
            /* A part adds pitches the event does not hold yet, up to EVENT_PITCHES_MAX. */
            pset p = v->sets[v->value[i]];
            ok = pitch && g->allowed[i] && !(p.w[0] & g->event.w[0]) &&
                 !(p.w[1] & g->event.w[1]) &&
                 pset_count(g->event) + pset_count(p) <= EVENT_PITCHES_MAX;
            break;
        }
        case TK_DUR: ok = dur; break;
        default: ok = 0; break; /* <start>, <end>: the generator's own business */
        }
        if (!ok)
            mask[i] = 0;
    }
}

void srnn_notes_grammar_bias(const srnn_notes_grammar *g, const uint8_t *mask, float *logits)
{
    if (!g || !logits)
        return;
    const srnn_vocab *v = g->v;
    int below = g->key_share <= 0 ||
                (g->judged > 0 && (double)g->in_key < g->key_share * (double)g->judged);
    if (g->key_bias > 0 && g->notes >= 8 && below) {
        uint16_t out = (uint16_t)(~g->key & 0xFFFu);
        for (int i = 0; i < v->n; i++)
            if ((!mask || mask[i]) && (g->pcs[i] & out))
                logits[i] -= g->key_bias * (float)__builtin_popcount(g->pcs[i] & out);
    }
    int at_onset = g->phase == G_BAR || g->phase == G_METER || g->phase == G_DUR ||
                   g->phase == G_CLOSED;
    if (g->repeat_bias > 0 && g->repeating && v->tokens == SRNN_TOKENS_METRIC && at_onset &&
        g->prev_meter == g->meter && g->bars >= 2) {
        int len = v->meter_steps[g->meter] < v->bar_steps_max ? v->meter_steps[g->meter]
                                                               : v->bar_steps_max;
        int any = 0, next = -1;
        for (int k = 0; k < len; k++) {
            any |= g->onsets[0][k];
            if (next < 0 && k > g->pos && g->onsets[0][k])
                next = k;
        }
        int id = !any ? -1 : next >= 0 ? v->pos_id[next] : v->bar_id;
        if (id >= 0 && (!mask || mask[id]))
            logits[id] += g->repeat_bias;
    }
}
