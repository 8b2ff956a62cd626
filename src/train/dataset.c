/* Token streams per piece, the split by piece, and the striped layout of an epoch. */
#include <stdlib.h>
#include <string.h>

#include "songrnn/rng.h"
#include "songrnn/train.h"

/* A piece's other versions (transpositions), one of which an epoch may take instead. */
typedef struct variants {
    int32_t **t; /* [n] */
    size_t *len; /* [n] */
    size_t n;
} variants;

struct srnn_dataset {
    int32_t **pieces; /* [n] */
    size_t *lens;     /* [n] */
    variants *var;    /* [n] (NULL until a variant is added) */
    size_t n, cap, total;
};

srnn_dataset *srnn_dataset_new(void)
{
    return calloc(1, sizeof(srnn_dataset));
}

void srnn_dataset_free(srnn_dataset *ds)
{
    if (!ds)
        return;
    for (size_t i = 0; i < ds->n; i++) {
        free(ds->pieces[i]);
        for (size_t k = 0; ds->var && k < ds->var[i].n; k++)
            free(ds->var[i].t[k]);
        if (ds->var) {
            free(ds->var[i].t);
            free(ds->var[i].len);
        }
    }
    free(ds->pieces);
    free(ds->lens);
    free(ds->var);
    free(ds);
}

int srnn_dataset_add(srnn_dataset *ds, const int32_t *tokens, size_t n)
{
    if (!ds || (!tokens && n))
        return SRNN_EARG;
    if (ds->n == ds->cap) {
        size_t nc = ds->cap ? ds->cap * 2 : 64;
        int32_t **np = realloc(ds->pieces, nc * sizeof *np);
        if (!np)
            return SRNN_ENOMEM;
        ds->pieces = np;
        size_t *nl = realloc(ds->lens, nc * sizeof *nl);
        if (!nl)
            return SRNN_ENOMEM;
        ds->lens = nl;
        if (ds->var) {
            variants *nv = realloc(ds->var, nc * sizeof *nv);
            if (!nv)
                return SRNN_ENOMEM;
            memset(nv + ds->cap, 0, (nc - ds->cap) * sizeof *nv);
            ds->var = nv;
        }
        ds->cap = nc;
    }
    int32_t *copy = malloc((n ? n : 1) * sizeof *copy);
    if (!copy)
        return SRNN_ENOMEM;
    if (n)
        memcpy(copy, tokens, n * sizeof *copy);
    ds->pieces[ds->n] = copy;
    ds->lens[ds->n] = n;
    ds->n++;
    ds->total += n;
    return SRNN_OK;
}

int srnn_dataset_add_variant(srnn_dataset *ds, size_t i, const int32_t *tokens, size_t n)
{
    if (!ds || i >= ds->n || (!tokens && n))
        return SRNN_EARG;
    if (!ds->var && !(ds->var = calloc(ds->cap, sizeof *ds->var)))
        return SRNN_ENOMEM;
    variants *v = &ds->var[i];
    int32_t **nt = realloc(v->t, (v->n + 1) * sizeof *nt);
    if (!nt)
        return SRNN_ENOMEM;
    v->t = nt;
    size_t *nl = realloc(v->len, (v->n + 1) * sizeof *nl);
    if (!nl)
        return SRNN_ENOMEM;
    v->len = nl;
    int32_t *copy = malloc((n ? n : 1) * sizeof *copy);
    if (!copy)
        return SRNN_ENOMEM;
    if (n)
        memcpy(copy, tokens, n * sizeof *copy);
    v->t[v->n] = copy;
    v->len[v->n] = n;
    v->n++;
    return SRNN_OK;
}

size_t srnn_dataset_variants(const srnn_dataset *ds, size_t i)
{
    return ds && i < ds->n && ds->var ? ds->var[i].n : 0;
}

size_t srnn_dataset_pieces(const srnn_dataset *ds)
{
    return ds ? ds->n : 0;
}

size_t srnn_dataset_tokens(const srnn_dataset *ds)
{
    return ds ? ds->total : 0;
}

const int32_t *srnn_dataset_piece(const srnn_dataset *ds, size_t i, size_t *n)
{
    if (!ds || i >= ds->n)
        return NULL;
    if (n)
        *n = ds->lens[i];
    return ds->pieces[i];
}

/* Fisher-Yates with our generator, so the order is the same on every machine. */
static void shuffle(size_t *idx, size_t n, uint64_t seed)
{
    srnn_rng rng;
    srnn_rng_seed(&rng, seed);
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)srnn_rng_below(&rng, i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

int srnn_dataset_split(const srnn_dataset *all, double frac, uint64_t seed, srnn_dataset **train,
                       srnn_dataset **val, srnn_error *err)
{
    *train = *val = NULL;
    if (!all || !(frac >= 0 && frac < 1))
        return srnn_error_set(err, SRNN_EARG, "validation split must be in [0, 1)");
    size_t n = all->n;
    size_t n_val = (size_t)(frac * (double)n + 0.5);
    if (frac > 0 && n_val == 0 && n >= 2)
        n_val = 1;
    if (n_val >= n)
        n_val = n > 0 ? n - 1 : 0;
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    uint8_t *is_val = calloc(n ? n : 1, 1);
    srnn_dataset *tr = srnn_dataset_new(), *va = srnn_dataset_new();
    if (!idx || !is_val || !tr || !va)
        goto oom;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    shuffle(idx, n, seed ^ 0x5eed5011ULL);
    for (size_t i = 0; i < n_val; i++)
        is_val[idx[i]] = 1;
    /* Both keep the corpus order, so the split alone depends on the seed. */
    for (size_t i = 0; i < n; i++) {
        srnn_dataset *to = is_val[i] ? va : tr;
        if (srnn_dataset_add(to, all->pieces[i], all->lens[i]) != SRNN_OK)
            goto oom;
        /* Validation measures the pieces as they are: no variants there. */
        for (size_t k = 0; !is_val[i] && k < srnn_dataset_variants(all, i); k++)
            if (srnn_dataset_add_variant(to, to->n - 1, all->var[i].t[k], all->var[i].len[k]) !=
                SRNN_OK)
                goto oom;
    }
    free(idx);
    free(is_val);
    *train = tr;
    *val = va;
    return SRNN_OK;
oom:
    free(idx);
    free(is_val);
    srnn_dataset_free(tr);
    srnn_dataset_free(va);
    return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
}

struct srnn_epoch {
    int32_t *stream; /* [len] the shuffled concatenation */
    size_t len;
    int B, T;
    size_t stripe;   /* tokens per stripe */
    size_t windows;
};

uint64_t srnn_epoch_seed(uint64_t seed, int64_t epoch)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ULL + (uint64_t)epoch * 0xd1b54a32d192ed03ULL + 1;
    return s ? s : 1;
}

int srnn_epoch_fit_batch(const srnn_dataset *ds, int B, int T)
{
    if (!ds || B <= 0 || T <= 0)
        return 0;
    for (int b = B; b >= 1; b--)
        if (ds->total / (size_t)b >= (size_t)T + 1)
            return b;
    return 0;
}

int srnn_epoch_new(srnn_epoch **out, const srnn_dataset *ds, int B, int T, uint64_t shuffle_seed,
                   srnn_error *err)
{
    *out = NULL;
    if (!ds || B <= 0 || T <= 0)
        return srnn_error_set(err, SRNN_EARG, "bad batch or window size");
    srnn_epoch *ep = calloc(1, sizeof *ep);
    size_t *idx = malloc((ds->n ? ds->n : 1) * sizeof *idx);
    const int32_t **src = malloc((ds->n ? ds->n : 1) * sizeof *src);
    size_t *len = malloc((ds->n ? ds->n : 1) * sizeof *len), total = 0;
    if (!ep || !idx || !src || !len) {
        free(idx);
        free(src);
        free(len);
        srnn_epoch_free(ep);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    /* Each piece as it is or, in a shuffled epoch, one of its variants, all equally likely:
     * drawn from the epoch's seed alone, so a resumed run sees the same choice. */
    srnn_rng pick;
    srnn_rng_seed(&pick, shuffle_seed ^ 0x7a2b6c1d3e4f5061ULL);
    for (size_t i = 0; i < ds->n; i++) {
        size_t k = shuffle_seed && srnn_dataset_variants(ds, i)
                       ? (size_t)srnn_rng_below(&pick, 1 + ds->var[i].n) : 0;
        src[i] = k ? ds->var[i].t[k - 1] : ds->pieces[i];
        len[i] = k ? ds->var[i].len[k - 1] : ds->lens[i];
        total += len[i];
    }
    ep->stream = malloc((total ? total : 1) * sizeof(int32_t));
    if (!ep->stream) {
        free(idx);
        free(src);
        free(len);
        srnn_epoch_free(ep);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < ds->n; i++)
        idx[i] = i;
    if (shuffle_seed)
        shuffle(idx, ds->n, shuffle_seed);
    for (size_t i = 0; i < ds->n; i++) {
        memcpy(ep->stream + ep->len, src[idx[i]], len[idx[i]] * sizeof(int32_t));
        ep->len += len[idx[i]];
    }
    free(idx);
    free(src);
    free(len);
    ep->B = B;
    ep->T = T;
    ep->stripe = ep->len / (size_t)B;
    /* A window needs T inputs and, one later, T targets. */
    ep->windows = ep->stripe > 0 ? (ep->stripe - 1) / (size_t)T : 0;
    *out = ep;
    return SRNN_OK;
}

void srnn_epoch_free(srnn_epoch *ep)
{
    if (!ep)
        return;
    free(ep->stream);
    free(ep);
}

size_t srnn_epoch_windows(const srnn_epoch *ep)
{
    return ep ? ep->windows : 0;
}

void srnn_epoch_window(const srnn_epoch *ep, size_t w, int *inputs, int *targets)
{
    for (int b = 0; b < ep->B; b++) {
        const int32_t *s = ep->stream + (size_t)b * ep->stripe + w * (size_t)ep->T;
        for (int t = 0; t < ep->T; t++) {
            inputs[b * ep->T + t] = s[t];
            targets[b * ep->T + t] = s[t + 1];
        }
    }
}
