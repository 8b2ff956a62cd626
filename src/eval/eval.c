/* Objective statistics of music after Yang & Lerch (2018): per-piece features, intra- and
 * inter-set distances, kernel density estimates, overlap area and KL divergence.  See eval.h
 * for the definitions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/eval.h"
#include "songrnn/rng.h"

static const struct {
    const char *name, *label;
    int dim;
} FEATURES[SRNN_EVAL_N_FEATURES] = {
    {"pitch_count", "pitch count", 1},
    {"pitch_class_hist", "pitch-class histogram", 12},
    {"pitch_class_trans", "pitch-class transitions", 144},
    {"pitch_range", "pitch range", 1},
    {"pitch_interval", "avg pitch interval", 1},
    {"note_count", "note count", 1},
    {"ioi", "avg inter-onset interval", 1},
    {"note_length_hist", "note-length histogram", 12},
    {"polyphony", "polyphony", 1},
};

const char *srnn_eval_feature_name(int f)
{
    return f >= 0 && f < SRNN_EVAL_N_FEATURES ? FEATURES[f].name : NULL;
}

const char *srnn_eval_feature_label(int f)
{
    return f >= 0 && f < SRNN_EVAL_N_FEATURES ? FEATURES[f].label : NULL;
}

int srnn_eval_feature_dim(int f)
{
    return f >= 0 && f < SRNN_EVAL_N_FEATURES ? FEATURES[f].dim : 0;
}

int srnn_eval_feature_offset(int f)
{
    if (f < 0 || f >= SRNN_EVAL_N_FEATURES)
        return -1;
    int off = 0;
    for (int i = 0; i < f; i++)
        off += FEATURES[i].dim;
    return off;
}

/* ---- features of one piece ---------------------------------------------------------------- */

static int cmp_onset_pitch(const void *a, const void *b)
{
    const srnn_note *x = a, *y = b;
    if (x->onset != y->onset)
        return x->onset < y->onset ? -1 : 1;
    return (int)x->pitch - (int)y->pitch;
}

typedef struct edge {
    double t;
    int d; /* +1 note starts, -1 note ends */
} edge;

static int cmp_edge(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->d - y->d;
}

/* Note-length classes in beats (eval.h's order). */
static const double NOTE_LENGTHS[12] = {4.0,   2.0,       1.0,       0.5,      0.25,
                                        3.0,   1.5,       0.75,      0.375,    4.0 / 3.0,
                                        2.0 / 3.0, 1.0 / 3.0};

static int note_length_class(double beats)
{
    int best = 0;
    double bd = INFINITY, l = log2(beats);
    for (int k = 0; k < 12; k++) {
        double d = fabs(l - log2(NOTE_LENGTHS[k]));
        if (d < bd - 1e-12) {
            bd = d;
            best = k;
        }
    }
    return best;
}

/* Onsets closer than this are one onset (times come from ticks, so exact in practice). */
#define ONSET_EPS 1e-9

int srnn_eval_piece_features(const srnn_piece *piece, srnn_eval_features *out,
                             srnn_error *err)
{
    if (!piece || !out)
        return srnn_error_set(err, SRNN_EARG, "no piece or no output");
    memset(out, 0, sizeof *out);
    size_t n = srnn_piece_note_count(piece);
    if (n == 0)
        return srnn_error_set(err, SRNN_EINPUT, "no notes");
    srnn_note *notes = malloc(n * sizeof *notes);
    edge *edges = malloc(2 * n * sizeof *edges);
    if (!notes || !edges) {
        free(notes);
        free(edges);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    memcpy(notes, srnn_piece_notes(piece), n * sizeof *notes);
    qsort(notes, n, sizeof *notes, cmp_onset_pitch);

    double *v = out->v;
    double *pch = v + srnn_eval_feature_offset(SRNN_EVAL_PITCH_CLASS_HIST);
    double *pctm = v + srnn_eval_feature_offset(SRNN_EVAL_PITCH_CLASS_TRANS);
    double *nlh = v + srnn_eval_feature_offset(SRNN_EVAL_NOTE_LENGTH_HIST);
    unsigned char used[128] = {0};
    int lo = 127, hi = 0, distinct = 0;
    double interval = 0, ioi = 0;
    size_t onsets = 1;
    for (size_t i = 0; i < n; i++) {
        int p = notes[i].pitch & 127;
        if (!used[p]) {
            used[p] = 1;
            distinct++;
        }
        lo = p < lo ? p : lo;
        hi = p > hi ? p : hi;
        pch[p % 12] += 1.0;
        double d = notes[i].duration > 0 ? notes[i].duration : 1e-9;
        nlh[note_length_class(d)] += 1.0;
        if (i > 0) {
            int q = notes[i - 1].pitch & 127;
            interval += abs(p - q);
            pctm[(q % 12) * 12 + p % 12] += 1.0;
            /* The gaps between consecutive distinct onsets add up to last - first. */
            if (notes[i].onset - notes[i - 1].onset > ONSET_EPS)
                onsets++;
        }
        edges[2 * i] = (edge){notes[i].onset, +1};
        edges[2 * i + 1] = (edge){notes[i].onset + d, -1};
    }
    if (onsets > 1)
        ioi = (notes[n - 1].onset - notes[0].onset) / (double)(onsets - 1);
    for (int k = 0; k < 12; k++) {
        pch[k] /= (double)n;
        nlh[k] /= (double)n;
    }
    if (n > 1) {
        for (int k = 0; k < 144; k++)
            pctm[k] /= (double)(n - 1);
        interval /= (double)(n - 1);
    }

    /* Polyphony: integrate the number of sounding notes over the time something sounds. */
    qsort(edges, 2 * n, sizeof *edges, cmp_edge);
    double area = 0, busy = 0;
    long sounding = 0;
    for (size_t i = 0; i + 1 < 2 * n; i++) {
        sounding += edges[i].d;
        double dt = edges[i + 1].t - edges[i].t;
        if (sounding > 0 && dt > 0) {
            area += (double)sounding * dt;
            busy += dt;
        }
    }

    v[srnn_eval_feature_offset(SRNN_EVAL_PITCH_COUNT)] = distinct;
    v[srnn_eval_feature_offset(SRNN_EVAL_PITCH_RANGE)] = hi - lo;
    v[srnn_eval_feature_offset(SRNN_EVAL_PITCH_INTERVAL)] = interval;
    v[srnn_eval_feature_offset(SRNN_EVAL_NOTE_COUNT)] = (double)n;
    v[srnn_eval_feature_offset(SRNN_EVAL_IOI)] = ioi;
    v[srnn_eval_feature_offset(SRNN_EVAL_POLYPHONY)] = busy > 0 ? area / busy : 1.0;
    free(notes);
    free(edges);
    return SRNN_OK;
}

/* ---- sets ------------------------------------------------------------------------------- */

struct srnn_eval_set {
    srnn_eval_features *f;
    size_t n, cap;
};

srnn_eval_set *srnn_eval_set_new(void)
{
    return calloc(1, sizeof(srnn_eval_set));
}

void srnn_eval_set_free(srnn_eval_set *set)
{
    if (!set)
        return;
    free(set->f);
    free(set);
}

int srnn_eval_set_add_features(srnn_eval_set *set, const srnn_eval_features *f,
                               srnn_error *err)
{
    if (!set || !f)
        return srnn_error_set(err, SRNN_EARG, "no set or no features");
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 64;
        srnn_eval_features *nf = realloc(set->f, cap * sizeof *nf);
        if (!nf)
            return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        set->f = nf;
        set->cap = cap;
    }
    set->f[set->n++] = *f;
    return SRNN_OK;
}

int srnn_eval_set_add(srnn_eval_set *set, const srnn_piece *piece, srnn_error *err)
{
    if (!set)
        return srnn_error_set(err, SRNN_EARG, "no set");
    srnn_eval_features f;
    int rc = srnn_eval_piece_features(piece, &f, err);
    if (rc != SRNN_OK)
        return rc;
    return srnn_eval_set_add_features(set, &f, err);
}

size_t srnn_eval_set_count(const srnn_eval_set *set)
{
    return set ? set->n : 0;
}

const srnn_eval_features *srnn_eval_set_get(const srnn_eval_set *set, size_t i)
{
    return set && i < set->n ? &set->f[i] : NULL;
}

/* ---- kernel density estimates ------------------------------------------------------------- */

#define KDE_GRID 1024

static void mean_sd(const double *x, size_t n, double *mean, double *sd)
{
    double m = 0, s = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m = n ? m / (double)n : 0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(s / (double)(n - 1)) : 0;
}

/* Density of x on the grid lo + i*dx: linear binning, then a Gaussian of bandwidth h, then
 * normalized to integrate to 1 on the grid (a kernel cut at the grid's edge loses no mass). */
static void kde_grid(const double *x, size_t n, double h, double lo, double dx, double *p,
                     double *w)
{
    memset(w, 0, KDE_GRID * sizeof *w);
    for (size_t i = 0; i < n; i++) {
        double g = (x[i] - lo) / dx;
        int k = (int)floor(g);
        if (k < 0) {
            w[0] += 1;
            continue;
        }
        if (k >= KDE_GRID - 1) {
            w[KDE_GRID - 1] += 1;
            continue;
        }
        double f = g - k;
        w[k] += 1 - f;
        w[k + 1] += f;
    }
    int half = (int)ceil(5.0 * h / dx);
    if (half > KDE_GRID - 1)
        half = KDE_GRID - 1;
    double kern[KDE_GRID];
    for (int j = 0; j <= half; j++) {
        double u = j * dx / h;
        kern[j] = exp(-0.5 * u * u);
    }
    double total = 0;
    for (int i = 0; i < KDE_GRID; i++) {
        double s = 0;
        int a = i - half < 0 ? 0 : i - half, b = i + half >= KDE_GRID ? KDE_GRID - 1 : i + half;
        for (int j = a; j <= b; j++)
            if (w[j] != 0)
                s += w[j] * kern[abs(i - j)];
        p[i] = s;
        total += s;
    }
    for (int i = 0; i < KDE_GRID; i++)
        p[i] = total > 0 ? p[i] / (total * dx) : 0;
}

int srnn_eval_kde_compare(const double *a, size_t na, const double *b, size_t nb, double *kld,
                          double *overlap, srnn_error *err)
{
    if (!a || !b || na == 0 || nb == 0 || !kld || !overlap)
        return srnn_error_set(err, SRNN_EARG, "empty sample");
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < na; i++) {
        if (!isfinite(a[i]))
            return srnn_error_set(err, SRNN_EARG, "sample value not finite");
        lo = fmin(lo, a[i]);
        hi = fmax(hi, a[i]);
    }
    for (size_t i = 0; i < nb; i++) {
        if (!isfinite(b[i]))
            return srnn_error_set(err, SRNN_EARG, "sample value not finite");
        lo = fmin(lo, b[i]);
        hi = fmax(hi, b[i]);
    }
    double ma, sa, mb, sb;
    mean_sd(a, na, &ma, &sa);
    mean_sd(b, nb, &mb, &sb);
    double span = hi - lo;
    if (span <= 1e-12 * fmax(1.0, fabs(hi))) {
        /* Both samples are one and the same value. */
        *kld = 0;
        *overlap = 1;
        return SRNN_OK;
    }
    /* Scott's rule; a sample without spread gets a narrow kernel rather than none. */
    double ha = sa * pow((double)na, -0.2), hb = sb * pow((double)nb, -0.2);
    double hmax = fmax(ha, hb);
    if (hmax <= 0)
        hmax = span * 0.01;
    double glo = lo - 4 * hmax, ghi = hi + 4 * hmax;
    double dx = (ghi - glo) / (KDE_GRID - 1);
    ha = fmax(ha, 2 * dx);
    hb = fmax(hb, 2 * dx);
    double *buf = malloc(3 * KDE_GRID * sizeof *buf);
    if (!buf)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    double *p = buf, *q = buf + KDE_GRID, *w = buf + 2 * KDE_GRID;
    kde_grid(a, na, ha, glo, dx, p, w);
    kde_grid(b, nb, hb, glo, dx, q, w);
    /* A floor on the densities keeps the divergence finite where q's kernels underflow. */
    double floor_ = 1e-10 / (ghi - glo), oa = 0, kl = 0;
    for (int i = 0; i < KDE_GRID; i++) {
        oa += fmin(p[i], q[i]) * dx;
        double pi = fmax(p[i], floor_), qi = fmax(q[i], floor_);
        kl += pi * log(pi / qi) * dx;
    }
    free(buf);
    *overlap = fmin(1.0, fmax(0.0, oa));
    *kld = fmax(0.0, kl);
    return SRNN_OK;
}

/* ---- comparing sets ---------------------------------------------------------------------- */

/* Beyond this many pairs a set's intra distances are a fixed random sample of pairs, so a
 * large reference costs seconds, not minutes. */
#define MAX_PAIRS 2000000

static double feature_dist(const srnn_eval_features *x, const srnn_eval_features *y, int off,
                           int dim)
{
    if (dim == 1)
        return fabs(x->v[off] - y->v[off]);
    double s = 0;
    for (int k = 0; k < dim; k++) {
        double d = x->v[off + k] - y->v[off + k];
        s += d * d;
    }
    return sqrt(s);
}

/* Pairs (i, j), i < j, of a set of n: every pair, or MAX_PAIRS of them drawn at random. */
static size_t intra_pairs(size_t n, uint32_t **pi, uint32_t **pj)
{
    size_t all = n * (n - 1) / 2, m = all < MAX_PAIRS ? all : MAX_PAIRS;
    *pi = malloc((m ? m : 1) * sizeof **pi);
    *pj = malloc((m ? m : 1) * sizeof **pj);
    if (!*pi || !*pj)
        return (size_t)-1;
    size_t k = 0;
    if (m == all) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                (*pi)[k] = (uint32_t)i;
                (*pj)[k] = (uint32_t)j;
                k++;
            }
    } else {
        srnn_rng rng;
        srnn_rng_seed(&rng, 0x6576616cULL);
        while (k < m) {
            uint32_t i = (uint32_t)srnn_rng_below(&rng, n), j = (uint32_t)srnn_rng_below(&rng, n);
            if (i == j)
                continue;
            (*pi)[k] = i;
            (*pj)[k] = j;
            k++;
        }
    }
    return m;
}

int srnn_eval_compare(const srnn_eval_set *gen, const srnn_eval_set *ref, srnn_eval_result *res,
                      srnn_error *err)
{
    if (!gen || !ref || !res)
        return srnn_error_set(err, SRNN_EARG, "no set or no result");
    size_t ng = gen->n, nr = ref->n;
    if (ng < 1)
        return srnn_error_set(err, SRNN_EINPUT, "no generated pieces to evaluate");
    if (nr < 2)
        return srnn_error_set(err, SRNN_EINPUT,
                              "the reference needs at least 2 pieces (it has %zu)", nr);
    if (nr > UINT32_MAX || ng > UINT32_MAX)
        return srnn_error_set(err, SRNN_EINPUT, "too many pieces");
    int rc = SRNN_OK;
    uint32_t *ri = NULL, *rj = NULL, *gi = NULL, *gj = NULL;
    size_t nrp = intra_pairs(nr, &ri, &rj);
    size_t ngp = intra_pairs(ng, &gi, &gj);
    /* Inter-set pairs: every one while they fit, else a sample of generated x reference. */
    size_t nip = ng * nr > MAX_PAIRS ? MAX_PAIRS : ng * nr;
    double *dr = malloc((nrp ? nrp : 1) * sizeof *dr);
    double *dg = malloc((ngp ? ngp : 1) * sizeof *dg);
    double *di = malloc(nip * sizeof *di);
    double *vals = malloc((ng > nr ? ng : nr) * sizeof *vals);
    if (nrp == (size_t)-1 || ngp == (size_t)-1 || !dr || !dg || !di || !vals) {
        rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        goto out;
    }
    for (int f = 0; f < SRNN_EVAL_N_FEATURES; f++) {
        int off = srnn_eval_feature_offset(f), dim = srnn_eval_feature_dim(f);
        srnn_eval_result *r = &res[f];
        double sd_unused;
        for (size_t k = 0; k < nrp; k++)
            dr[k] = feature_dist(&ref->f[ri[k]], &ref->f[rj[k]], off, dim);
        for (size_t k = 0; k < ngp; k++)
            dg[k] = feature_dist(&gen->f[gi[k]], &gen->f[gj[k]], off, dim);
        if (nip == ng * nr) {
            size_t k = 0;
            for (size_t i = 0; i < ng; i++)
                for (size_t j = 0; j < nr; j++)
                    di[k++] = feature_dist(&gen->f[i], &ref->f[j], off, dim);
        } else {
            srnn_rng rng;
            srnn_rng_seed(&rng, 0x696e746572ULL);
            for (size_t k = 0; k < nip; k++)
                di[k] = feature_dist(&gen->f[srnn_rng_below(&rng, ng)],
                                     &ref->f[srnn_rng_below(&rng, nr)], off, dim);
        }
        mean_sd(dr, nrp, &r->intra_ref, &sd_unused);
        mean_sd(dg, ngp, &r->intra_gen, &sd_unused);
        if (ngp == 0)
            r->intra_gen = NAN;
        mean_sd(di, nip, &r->inter, &sd_unused);
        if (dim == 1) {
            for (size_t i = 0; i < ng; i++)
                vals[i] = gen->f[i].v[off];
            mean_sd(vals, ng, &r->gen_mean, &r->gen_sd);
            for (size_t i = 0; i < nr; i++)
                vals[i] = ref->f[i].v[off];
            mean_sd(vals, nr, &r->ref_mean, &r->ref_sd);
        } else {
            r->gen_mean = r->gen_sd = r->ref_mean = r->ref_sd = NAN;
        }
        rc = srnn_eval_kde_compare(dr, nrp, di, nip, &r->kld, &r->overlap, err);
        if (rc != SRNN_OK)
            goto out;
    }
out:
    free(ri);
    free(rj);
    free(gi);
    free(gj);
    free(dr);
    free(dg);
    free(di);
    free(vals);
    return rc;
}
