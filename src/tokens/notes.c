/* The notes tokenizer: vocabulary building from a corpus, encoding with the exact greedy chord
 * fallback, and a total decoder for generated sequences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokens_internal.h"

#define DEFAULT_VELOCITY 80
#define ENCODE_MAX_TOKENS ((size_t)1 << 27) /* a piece longer than this is refused */

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
    int base = srnn_notes_base_size(o.grid, o.velocity_bins);
    if (o.max_vocab < base || o.max_vocab > SRNN_VOCAB_MAX)
        return srnn_error_set(err, SRNN_EARG,
                              "vocabulary bound %d is outside %d..%d (grid %d needs %d tokens "
                              "before chords)",
                              o.max_vocab, base, SRNN_VOCAB_MAX, o.grid, base);
    return SRNN_OK;
}

/* ---- velocity bins ------------------------------------------------------------------------ */

static int velocity_bin(int vel, int bins)
{
    if (vel < 1)
        vel = 1;
    if (vel > 127)
        vel = 127;
    return 1 + (vel - 1) * bins / 127;
}

/* The middle velocity of a bin, what a decoded note gets. */
static int bin_velocity(int bin, int bins)
{
    int lo = 0, hi = 0;
    for (int v = 1; v <= 127; v++) {
        if (velocity_bin(v, bins) == bin) {
            if (!lo)
                lo = v;
            hi = v;
        }
    }
    return lo ? (lo + hi) / 2 : DEFAULT_VELOCITY;
}

static int event_bin(const srnn_qpiece *q, const srnn_event *e, int bins)
{
    int sum = 0;
    for (uint32_t k = 0; k < e->count; k++)
        sum += q->notes[e->first + k].velocity;
    return velocity_bin((sum + (int)e->count / 2) / (int)e->count, bins);
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

/* Shift tokens for a gap of steps. */
static int64_t shift_tokens(int64_t gap, int grid)
{
    return gap <= 0 ? 0 : (gap + 4 * grid - 1) / (4 * grid);
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

struct srnn_notes_builder {
    srnn_notes_opts opts;
    int bad; /* opts out of range: finish says why */
    set_count *table; /* open addressing; count 0 is empty */
    size_t cap, used;
    size_t pieces, notes, events, clipped;
    uint64_t extra_tokens; /* <start>, <end>, shifts and velocity tokens */
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
    if (!b->table) {
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
    free(b);
}

static set_count *table_slot(set_count *t, size_t cap, pset s)
{
    for (size_t h = pset_hash(s) & (cap - 1);; h = (h + 1) & (cap - 1))
        if (t[h].count == 0 || pset_eq(t[h].set, s))
            return &t[h];
}

static int table_add(srnn_notes_builder *b, pset s)
{
    if (2 * (b->used + 1) > b->cap) {
        size_t nc = b->cap * 2;
        set_count *nt = calloc(nc, sizeof *nt);
        if (!nt)
            return SRNN_ENOMEM;
        for (size_t i = 0; i < b->cap; i++)
            if (b->table[i].count)
                *table_slot(nt, nc, b->table[i].set) = b->table[i];
        free(b->table);
        b->table = nt;
        b->cap = nc;
    }
    set_count *e = table_slot(b->table, b->cap, s);
    if (e->count == 0) {
        e->set = s;
        b->used++;
    }
    e->count++;
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
    int64_t prev = 0, longest = 16 * (int64_t)b->opts.grid;
    int bin = 0;
    for (size_t i = 0; i < q.n_events; i++) {
        const srnn_event *e = &q.events[i];
        if ((rc = table_add(b, event_set(&q, e))) != SRNN_OK)
            break;
        b->extra_tokens += (uint64_t)shift_tokens(e->onset - prev, b->opts.grid);
        prev = e->onset;
        if (b->opts.velocity_bins) {
            int eb = event_bin(&q, e, b->opts.velocity_bins);
            b->extra_tokens += eb != bin;
            bin = eb;
        }
        for (uint32_t k = 0; k < e->count; k++)
            b->clipped += q.notes[e->first + k].duration > longest;
    }
    if (rc == SRNN_OK) {
        b->pieces++;
        b->notes += q.n_notes;
        b->events += q.n_events;
        b->extra_tokens += 2;
    }
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
    int n_dur = duration_table(o->grid, NULL);
    int base = srnn_notes_base_size(o->grid, o->velocity_bins);

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
    size_t keep = nc < (size_t)(o->max_vocab - base) ? nc : (size_t)(o->max_vocab - base);
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
    for (int k = 1; k <= 4 * o->grid; k++)
        ADD("T%d", k);
    for (int k = 0; k < n_dur; k++)
        ADD("D%lld", (long long)durs[k]);
    for (int k = 0; k < 128; k++)
        ADD("N%d", k);
    for (int k = 1; k <= o->velocity_bins; k++)
        ADD("V%d", k);
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
        cov->distinct_sets = b->used;
        cov->chords_in_vocab = keep;
        cov->notes_clipped = b->clipped;
        uint64_t tokens = b->extra_tokens;
        int32_t parts[128];
        for (size_t i = 0; i < b->cap; i++) {
            const set_count *e = &b->table[i];
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

int srnn_notes_encode(const srnn_vocab *v, const srnn_piece *piece, int32_t **tokens, size_t *n,
                      srnn_error *err)
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
    srnn_qpiece q;
    int rc = srnn_piece_quantize(piece, v->grid, &q);
    if (rc != SRNN_OK)
        return srnn_error_set(err, rc, "out of memory");
    tokbuf b = {0};
    int64_t prev = 0, span = 4 * (int64_t)v->grid;
    int bin = 0;
    int32_t parts[128];
    rc = tokbuf_push(&b, v->start_id);
    for (size_t i = 0; i < q.n_events && rc == SRNN_OK; i++) {
        const srnn_event *e = &q.events[i];
        int64_t gap = e->onset - prev;
        prev = e->onset;
        if ((size_t)shift_tokens(gap, v->grid) > ENCODE_MAX_TOKENS - b.n) {
            srnn_qpiece_release(&q);
            free(b.t);
            return srnn_error_set(err, SRNN_EINPUT, "the piece is too long to tokenize "
                                                    "(more than %zu tokens)",
                                  ENCODE_MAX_TOKENS);
        }
        for (; gap > span && rc == SRNN_OK; gap -= span)
            rc = tokbuf_push(&b, v->shift_id[span]);
        if (gap > 0 && rc == SRNN_OK)
            rc = tokbuf_push(&b, v->shift_id[gap]);
        if (v->vel_bins && rc == SRNN_OK) {
            int eb = event_bin(&q, e, v->vel_bins);
            if (eb != bin)
                rc = tokbuf_push(&b, v->vel_id[eb]);
            bin = eb;
        }
        int np = decompose(v, event_set(&q, e), parts);
        for (int k = 0; k < np && rc == SRNN_OK; k++) {
            pset s = v->sets[parts[k]];
            int64_t d = 0;
            for (uint32_t j = 0; j < e->count; j++) {
                const srnn_qnote *nt = &q.notes[e->first + j];
                if ((s.w[nt->pitch >> 6] >> (nt->pitch & 63) & 1) && nt->duration > d)
                    d = nt->duration;
            }
            rc = tokbuf_push(&b, v->set_id[parts[k]]);
            if (rc == SRNN_OK)
                rc = tokbuf_push(&b, duration_token(v, d));
        }
    }
    if (rc == SRNN_OK)
        rc = tokbuf_push(&b, v->end_id);
    srnn_qpiece_release(&q);
    if (rc != SRNN_OK) {
        free(b.t);
        return srnn_error_set(err, rc, "out of memory");
    }
    *tokens = b.t;
    *n = b.n;
    return SRNN_OK;
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

int srnn_notes_decode(const srnn_vocab *v, const int32_t *tokens, size_t n, srnn_piece **out,
                      srnn_error *err)
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
    notebuf nb = {0};
    int64_t t = 0;
    int vel = DEFAULT_VELOCITY, pending_vel = vel, pending = 0, rc = SRNN_OK;
    pset pset_pending = {{0, 0}};
    for (size_t i = 0; i < n && rc == SRNN_OK; i++) {
        int id = tokens[i], kind = v->kind[id];
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
        case TK_VEL:
            vel = bin_velocity((int)v->value[id], v->vel_bins);
            break;
        case TK_PITCH:
            pending = 1;
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
    }
    if (pending && rc == SRNN_OK)
        rc = notebuf_add_set(&nb, pset_pending, t, v->grid, pending_vel);
    srnn_piece *p = rc == SRNN_OK ? srnn_piece_new() : NULL;
    if (!p) {
        free(nb.a);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    if (nb.n > 1)
        qsort(nb.a, nb.n, sizeof *nb.a, decoded_cmp);
    for (size_t i = 0; i < nb.n && rc == SRNN_OK; i++) {
        const srnn_qnote *q = &nb.a[i];
        if (i > 0 && q->onset == nb.a[i - 1].onset && q->pitch == nb.a[i - 1].pitch)
            continue; /* struck twice at one step: the longer one came first */
        srnn_note note = {.onset = (double)q->onset / v->grid,
                          .duration = (double)q->duration / v->grid,
                          .pitch = q->pitch,
                          .velocity = q->velocity};
        rc = srnn_piece_add_note(p, &note);
    }
    free(nb.a);
    if (rc != SRNN_OK) {
        srnn_piece_free(p);
        return srnn_error_set(err, rc, "out of memory");
    }
    *out = p;
    return SRNN_OK;
}
