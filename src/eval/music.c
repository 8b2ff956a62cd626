/* Musical statistics: onset phase, key, bar repetition, velocity spread, and the longest run a
 * piece copies from a training set (definitions in eval.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/eval.h"

#define GRID 12

static int64_t step_of(double beats)
{
    return (int64_t)floor(beats * GRID + 0.5);
}

typedef struct qn {
    int64_t step;
    int pitch;
} qn;

static int qn_cmp(const void *a, const void *b)
{
    const qn *x = a, *y = b;
    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    return x->pitch - y->pitch;
}

/* The notes as (step, pitch), sorted; NULL when out of memory (or no notes: *n 0). */
static qn *grid_notes(const srnn_piece *piece, size_t *n)
{
    *n = srnn_piece_note_count(piece);
    qn *q = malloc((*n ? *n : 1) * sizeof *q);
    if (!q)
        return NULL;
    const srnn_note *nt = srnn_piece_notes(piece);
    for (size_t i = 0; i < *n; i++)
        q[i] = (qn){step_of(nt[i].onset), nt[i].pitch};
    qsort(q, *n, sizeof *q, qn_cmp);
    return q;
}

/* Bar starts (steps) up to the bar holding `last`: the time signatures' bars, 4/4 before any;
 * a signature inside a bar starts a new bar at its own step.  *out malloc'ed. */
static int bar_starts(const srnn_piece *piece, int64_t last, int64_t **out, size_t *n)
{
    size_t nts = srnn_piece_timesig_count(piece), cap = 64;
    const srnn_timesig *ts = srnn_piece_timesigs(piece);
    int64_t *b = malloc(cap * sizeof *b);
    if (!b)
        return SRNN_ENOMEM;
    *n = 0;
    double len = 4; /* beats */
    double start = 0;
    size_t j = 0;
    while (j < nts && ts[j].beat <= 0) {
        if (ts[j].den > 0 && ts[j].num > 0)
            len = 4.0 * ts[j].num / ts[j].den;
        j++;
    }
    for (;;) {
        if (*n == cap) {
            cap *= 2;
            int64_t *nb = realloc(b, cap * sizeof *nb);
            if (!nb) {
                free(b);
                return SRNN_ENOMEM;
            }
            b = nb;
        }
        b[(*n)++] = step_of(start);
        double next = start + len;
        if (j < nts && ts[j].beat <= next) { /* a new meter: a new bar where it begins */
            next = ts[j].beat;
            if (ts[j].den > 0 && ts[j].num > 0)
                len = 4.0 * ts[j].num / ts[j].den;
            j++;
        }
        if (step_of(next) > last || !(len > 0))
            break;
        start = next;
    }
    *out = b;
    return SRNN_OK;
}

int srnn_music_stats_add(srnn_music_stats *s, const srnn_piece *piece)
{
    size_t n;
    qn *q = grid_notes(piece, &n);
    if (!q)
        return SRNN_ENOMEM;
    if (n == 0) {
        free(q);
        return SRNN_OK;
    }
    s->pieces++;
    s->notes += n;
    uint64_t pc[12] = {0};
    for (size_t i = 0; i < n; i++) {
        s->onset_hist[((q[i].step % GRID) + GRID) % GRID]++;
        pc[q[i].pitch % 12]++;
    }
    const srnn_note *nt = srnn_piece_notes(piece);
    for (size_t i = 0; i < n; i++) {
        s->velocity_sum += nt[i].velocity;
        s->velocity_sq += (double)nt[i].velocity * nt[i].velocity;
    }
    static const int MAJOR[7] = {0, 2, 4, 5, 7, 9, 11};
    uint64_t best = 0;
    for (int r = 0; r < 12; r++) {
        uint64_t in = 0;
        for (int k = 0; k < 7; k++)
            in += pc[(r + MAJOR[k]) % 12];
        best = in > best ? in : best;
    }
    s->in_key += best;

    /* Bars: the rhythm of each as its sorted distinct positions; a repeat is an earlier bar
     * with the same list.  Lists are compared through a hash, then exactly. */
    int64_t *bs = NULL;
    size_t nb = 0;
    int rc = bar_starts(piece, q[n - 1].step, &bs, &nb);
    if (rc != SRNN_OK) {
        free(q);
        return rc;
    }
    typedef struct { uint64_t hash; size_t first, count; } rhythm;
    rhythm *rh = malloc((nb ? nb : 1) * sizeof *rh);
    int64_t *pos = malloc(n * sizeof *pos);
    if (!rh || !pos) {
        free(rh);
        free(pos);
        free(bs);
        free(q);
        return SRNN_ENOMEM;
    }
    size_t nr = 0, np = 0, i = 0;
    for (size_t k = 0; k < nb; k++) {
        int64_t end = k + 1 < nb ? bs[k + 1] : INT64_MAX;
        size_t first = np;
        uint64_t h = 1469598103934665603ull;
        for (; i < n && q[i].step < end; i++) {
            int64_t p = q[i].step - bs[k];
            if (np > first && pos[np - 1] == p)
                continue; /* positions are distinct */
            pos[np++] = p;
            h = (h ^ (uint64_t)p) * 1099511628211ull;
        }
        if (np == first)
            continue; /* no notes */
        int seen = 0;
        for (size_t r = 0; r < nr && !seen; r++)
            seen = rh[r].hash == h && rh[r].count == np - first &&
                   memcmp(pos + rh[r].first, pos + first, (np - first) * sizeof *pos) == 0;
        s->bars++;
        s->bars_repeated += seen;
        rh[nr++] = (rhythm){h, first, np - first};
    }
    free(rh);
    free(pos);
    free(bs);
    free(q);
    return SRNN_OK;
}

double srnn_music_onset_kl(const srnn_music_stats *ref, const srnn_music_stats *s)
{
    double kl = 0;
    for (int b = 0; b < 12; b++) {
        double p = ((double)ref->onset_hist[b] + 1) / ((double)ref->notes + 12);
        double q = ((double)s->onset_hist[b] + 1) / ((double)s->notes + 12);
        kl += p * log(p / q);
    }
    return kl;
}

double srnn_music_in_key(const srnn_music_stats *s)
{
    return s->notes ? (double)s->in_key / (double)s->notes : NAN;
}

double srnn_music_bar_repetition(const srnn_music_stats *s)
{
    return s->bars ? (double)s->bars_repeated / (double)s->bars : NAN;
}

double srnn_music_velocity_sd(const srnn_music_stats *s)
{
    if (!s->notes)
        return NAN;
    double m = s->velocity_sum / (double)s->notes;
    double v = s->velocity_sq / (double)s->notes - m * m;
    return v > 0 ? sqrt(v) : 0;
}

/* ---- the longest copy ------------------------------------------------------------------------ */

/* A pair (interval, onset gap) as one number. */
static uint64_t pair_code(const qn *a, const qn *b)
{
    return (uint64_t)(uint32_t)(b->pitch - a->pitch + 128) << 40 ^
           (uint64_t)(b->step - a->step) * 0x9E3779B97F4A7C15ull;
}

typedef struct seq {
    uint64_t *code; /* [n] pair codes */
    size_t n;
} seq;

struct srnn_copy_index {
    seq *s;
    size_t n, cap;
};

srnn_copy_index *srnn_copy_index_new(void)
{
    return calloc(1, sizeof(srnn_copy_index));
}

void srnn_copy_index_free(srnn_copy_index *idx)
{
    if (!idx)
        return;
    for (size_t i = 0; i < idx->n; i++)
        free(idx->s[i].code);
    free(idx->s);
    free(idx);
}

static int pairs_of(const srnn_piece *piece, seq *out)
{
    size_t n;
    qn *q = grid_notes(piece, &n);
    if (!q)
        return SRNN_ENOMEM;
    out->n = n > 1 ? n - 1 : 0;
    out->code = malloc((out->n ? out->n : 1) * sizeof *out->code);
    if (!out->code) {
        free(q);
        return SRNN_ENOMEM;
    }
    for (size_t i = 0; i < out->n; i++)
        out->code[i] = pair_code(&q[i], &q[i + 1]);
    free(q);
    return SRNN_OK;
}

int srnn_copy_index_add(srnn_copy_index *idx, const srnn_piece *piece)
{
    if (!idx || !piece)
        return SRNN_EARG;
    if (idx->n == idx->cap) {
        size_t nc = idx->cap ? 2 * idx->cap : 64;
        seq *ns = realloc(idx->s, nc * sizeof *ns);
        if (!ns)
            return SRNN_ENOMEM;
        idx->s = ns;
        idx->cap = nc;
    }
    int rc = pairs_of(piece, &idx->s[idx->n]);
    if (rc == SRNN_OK)
        idx->n++;
    return rc;
}

/* Rolling hashes of every window of L codes of s (mod 2^64), written to out. */
#define HBASE 0xD6E8FEB86659FD93ull
static size_t window_hashes(const seq *s, size_t L, uint64_t pw, uint64_t *out)
{
    if (s->n < L)
        return 0;
    uint64_t h = 0;
    for (size_t i = 0; i < L; i++)
        h = h * HBASE + s->code[i];
    size_t k = 0;
    out[k++] = h;
    for (size_t i = L; i < s->n; i++) {
        h = (h - s->code[i - L] * pw) * HBASE + s->code[i];
        out[k++] = h;
    }
    return k;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Whether a window of L pairs of g occurs in a training piece (64-bit hashes; a collision
 * is about 2^-40 likely over a corpus of millions of windows). */
static int has_common(const srnn_copy_index *idx, const seq *g, size_t L, uint64_t *buf,
                      uint64_t *gbuf)
{
    uint64_t pw = 1;
    for (size_t i = 1; i < L; i++)
        pw *= HBASE;
    size_t nh = 0;
    for (size_t i = 0; i < idx->n; i++)
        nh += window_hashes(&idx->s[i], L, pw, buf + nh);
    if (nh == 0)
        return 0;
    qsort(buf, nh, sizeof *buf, cmp_u64);
    size_t ng = window_hashes(g, L, pw, gbuf);
    for (size_t i = 0; i < ng; i++)
        if (bsearch(&gbuf[i], buf, nh, sizeof *buf, cmp_u64))
            return 1;
    return 0;
}

int srnn_copy_index_longest(const srnn_copy_index *idx, const srnn_piece *piece, size_t *notes,
                            srnn_error *err)
{
    *notes = 0;
    if (!idx || !piece)
        return srnn_error_set(err, SRNN_EARG, "no index or no piece");
    seq g;
    if (pairs_of(piece, &g) != SRNN_OK)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    size_t total = 0, longest_train = 0;
    for (size_t i = 0; i < idx->n; i++) {
        total += idx->s[i].n;
        longest_train = idx->s[i].n > longest_train ? idx->s[i].n : longest_train;
    }
    uint64_t *buf = malloc((total + 1) * sizeof *buf), *gbuf = malloc((g.n + 1) * sizeof *gbuf);
    if (!buf || !gbuf) {
        free(buf);
        free(gbuf);
        free(g.code);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    /* Binary search on the run length: a run of L implies one of every shorter length. */
    size_t lo = 0, hi = g.n < longest_train ? g.n : longest_train;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (has_common(idx, &g, mid, buf, gbuf))
            lo = mid;
        else
            hi = mid - 1;
    }
    *notes = srnn_piece_note_count(piece) ? lo + 1 : 0;
    free(buf);
    free(gbuf);
    free(g.code);
    return SRNN_OK;
}
