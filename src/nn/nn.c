/* songrnn nn: the network as a whole.  Embedding -> [causal Conv1D + ReLU] -> N recurrent
 * layers, inverted dropout after each -> dense -> softmax cross-entropy.  One contiguous buffer
 * each for parameters and gradients (layout in nn.h); activations time-major [T][B][X]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "blas.h"
#include "layers.h"
#include "nn_impl.h"

int srnn_cell_gates(srnn_cell cell)
{
    switch (cell) {
    case SRNN_CELL_LSTM: return 4;
    case SRNN_CELL_GRU: return 3;
    case SRNN_CELL_RNN: return 1;
    }
    return -1;
}

int srnn_cell_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "lstm") == 0)
        return SRNN_CELL_LSTM;
    if (strcmp(name, "gru") == 0)
        return SRNN_CELL_GRU;
    if (strcmp(name, "rnn") == 0)
        return SRNN_CELL_RNN;
    return -1;
}

const char *srnn_cell_name(srnn_cell cell)
{
    switch (cell) {
    case SRNN_CELL_LSTM: return "lstm";
    case SRNN_CELL_GRU: return "gru";
    case SRNN_CELL_RNN: return "rnn";
    }
    return "?";
}

static size_t add_tensor(srnn_nn *nn, size_t *off, const char *name, int rank, int d0, int d1,
                         int d2)
{
    srnn_nn_tensor_info *t = &nn->tensors[nn->n_tensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->rank = rank;
    t->shape[0] = d0;
    t->shape[1] = rank > 1 ? d1 : 0;
    t->shape[2] = rank > 2 ? d2 : 0;
    t->size = (size_t)d0 * (rank > 1 ? (size_t)d1 : 1) * (rank > 2 ? (size_t)d2 : 1);
    t->offset = *off;
    *off += t->size;
    return t->offset;
}

/* Sizes bounded so that every product below fits comfortably in int (BLAS takes int). */
#define DIM_MAX (1 << 16)

int srnn_nn_create(srnn_nn **out, const srnn_nn_config *cfg, srnn_error *err)
{
    if (!out || !cfg)
        return srnn_error_set(err, SRNN_EARG, "no network or configuration");
    *out = NULL;
    if (cfg->vocab < 1 || cfg->vocab > DIM_MAX)
        return srnn_error_set(err, SRNN_EARG, "vocabulary size %d out of range", cfg->vocab);
    if (cfg->embed < 1 || cfg->embed > 8192)
        return srnn_error_set(err, SRNN_EARG, "embedding size %d out of range", cfg->embed);
    if (cfg->conv_channels < 0 || cfg->conv_channels > 8192)
        return srnn_error_set(err, SRNN_EARG, "convolution channels %d out of range",
                              cfg->conv_channels);
    if (cfg->conv_channels > 0 && (cfg->conv_kernel < 1 || cfg->conv_kernel > 64))
        return srnn_error_set(err, SRNN_EARG, "convolution kernel %d out of range",
                              cfg->conv_kernel);
    if (srnn_cell_gates(cfg->cell) < 0)
        return srnn_error_set(err, SRNN_EARG, "unknown cell type %d", (int)cfg->cell);
    if (cfg->layers < 1 || cfg->layers > MAX_LAYERS)
        return srnn_error_set(err, SRNN_EARG, "layer count %d out of range", cfg->layers);
    if (cfg->hidden < 1 || cfg->hidden > 8192)
        return srnn_error_set(err, SRNN_EARG, "hidden size %d out of range", cfg->hidden);
    if (!(cfg->dropout >= 0 && cfg->dropout < 1))
        return srnn_error_set(err, SRNN_EARG, "dropout %g not in [0, 1)", cfg->dropout);
    if (!isfinite(cfg->forget_bias))
        return srnn_error_set(err, SRNN_EARG, "forget-gate bias is not finite");

    srnn_nn *nn = calloc(1, sizeof *nn);
    if (!nn)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    nn->cfg = *cfg;
    nn->V = cfg->vocab;
    nn->E = cfg->embed;
    nn->C = cfg->conv_channels;
    nn->K = nn->C > 0 ? cfg->conv_kernel : 1;
    nn->L = cfg->layers;
    nn->H = cfg->hidden;
    nn->G = srnn_cell_gates(cfg->cell);
    int GH = nn->G * nn->H;

    size_t off = 0;
    nn->o_emb = add_tensor(nn, &off, "embed.weight", 2, nn->V, nn->E, 0);
    if (nn->C > 0) {
        nn->o_conv_w = add_tensor(nn, &off, "conv.weight", 3, nn->C, nn->K, nn->E);
        nn->o_conv_b = add_tensor(nn, &off, "conv.bias", 1, nn->C, 0, 0);
    }
    for (int l = 0; l < nn->L; l++) {
        int I = l > 0 ? nn->H : nn->C > 0 ? nn->C : nn->E;
        char name[32];
        snprintf(name, sizeof name, "rnn.l%d.weight_ih", l);
        nn->o_w_ih[l] = add_tensor(nn, &off, name, 2, GH, I, 0);
        snprintf(name, sizeof name, "rnn.l%d.weight_hh", l);
        nn->o_w_hh[l] = add_tensor(nn, &off, name, 2, GH, nn->H, 0);
        snprintf(name, sizeof name, "rnn.l%d.bias_ih", l);
        nn->o_b_ih[l] = add_tensor(nn, &off, name, 1, GH, 0, 0);
        snprintf(name, sizeof name, "rnn.l%d.bias_hh", l);
        nn->o_b_hh[l] = add_tensor(nn, &off, name, 1, GH, 0, 0);
    }
    nn->o_fc_w = add_tensor(nn, &off, "fc.weight", 2, nn->V, nn->H, 0);
    nn->o_fc_b = add_tensor(nn, &off, "fc.bias", 1, nn->V, 0, 0);
    nn->n_params = off;

    nn->params = calloc(off, sizeof(real));
    nn->grads = calloc(off, sizeof(real));
    int ok = nn->params && nn->grads;
    nn->step_stale = 1;
    ok = ok && nn_step_create(nn) == SRNN_OK;
    if (!ok) {
        srnn_nn_free(nn);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory for %zu parameters", off);
    }
    srnn_rng_seed(&nn->rng, 0);
    *out = nn;
    return SRNN_OK;
}

static void free_train_buffers(srnn_nn *nn)
{
    free(nn->tok);
    free(nn->tgt);
    free(nn->emb);
    free(nn->xcol);
    free(nn->conv);
    free(nn->logits);
    free(nn->probs);
    free(nn->d1);
    free(nn->d2);
    free(nn->ws);
    free(nn->dxcol);
    nn->tok = nn->tgt = NULL;
    nn->emb = nn->xcol = nn->conv = nn->logits = nn->probs = NULL;
    nn->d1 = nn->d2 = nn->ws = nn->dxcol = NULL;
    for (int l = 0; l < nn->L; l++) {
        layer_acts *a = &nn->la[l];
        free(a->h);
        free(a->c);
        free(a->act);
        free(a->hn);
        free(a->mask);
        free(a->own_y);
        a->h = a->c = a->act = a->hn = a->mask = a->y = a->own_y = NULL;
    }
    nn->cap_n = 0;
}

static void free_state(srnn_nn *nn)
{
    free(nn->hist);
    nn->hist = NULL;
    for (int l = 0; l < nn->L; l++) {
        free(nn->la[l].hs);
        free(nn->la[l].cs);
        nn->la[l].hs = nn->la[l].cs = NULL;
    }
    nn->state_B = 0;
}

void srnn_nn_free(srnn_nn *nn)
{
    if (!nn)
        return;
    free_train_buffers(nn);
    free_state(nn);
    nn_step_free(nn);
    free(nn->params);
    free(nn->grads);
    free(nn);
}

const srnn_nn_config *srnn_nn_get_config(const srnn_nn *nn) { return nn ? &nn->cfg : NULL; }
size_t srnn_nn_num_params(const srnn_nn *nn) { return nn ? nn->n_params : 0; }
srnn_real *srnn_nn_params(srnn_nn *nn)
{
    if (!nn)
        return NULL;
    nn->step_stale = 1; /* the caller may write: the step repacks before its next token */
    return nn->params;
}
srnn_real *srnn_nn_grads(srnn_nn *nn) { return nn ? nn->grads : NULL; }
int srnn_nn_num_tensors(const srnn_nn *nn) { return nn ? nn->n_tensors : 0; }

int srnn_nn_tensor(const srnn_nn *nn, int i, srnn_nn_tensor_info *info)
{
    if (!nn || !info || i < 0 || i >= nn->n_tensors)
        return -1;
    *info = nn->tensors[i];
    return 0;
}

void srnn_nn_zero_grad(srnn_nn *nn)
{
    if (nn)
        memset(nn->grads, 0, nn->n_params * sizeof(real));
}

static void fill_uniform(real *p, size_t n, double bound, srnn_rng *r)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (real)((2 * srnn_rng_uniform(r) - 1) * bound);
}

void srnn_nn_init(srnn_nn *nn, uint64_t seed)
{
    if (!nn)
        return;
    srnn_rng r;
    srnn_rng_seed(&r, seed);
    real *p = nn->params;
    nn->step_stale = 1;
    int GH = nn->G * nn->H;
    /* nn.Embedding: N(0, 1) */
    for (size_t i = 0; i < (size_t)nn->V * nn->E; i++)
        p[nn->o_emb + i] = (real)srnn_rng_normal(&r);
    /* nn.Conv1d: kaiming_uniform(a=sqrt(5)) and its bias both come to U(+-1/sqrt(fan_in)) */
    if (nn->C > 0) {
        double bound = 1.0 / sqrt((double)nn->E * nn->K);
        fill_uniform(p + nn->o_conv_w, (size_t)nn->C * nn->K * nn->E, bound, &r);
        fill_uniform(p + nn->o_conv_b, (size_t)nn->C, bound, &r);
    }
    /* nn.LSTM/GRU/RNN: every weight and bias U(+-1/sqrt(hidden)) */
    double hb = 1.0 / sqrt((double)nn->H);
    for (int l = 0; l < nn->L; l++) {
        int I = l > 0 ? nn->H : nn->C > 0 ? nn->C : nn->E;
        fill_uniform(p + nn->o_w_ih[l], (size_t)GH * I, hb, &r);
        fill_uniform(p + nn->o_w_hh[l], (size_t)GH * nn->H, hb, &r);
        fill_uniform(p + nn->o_b_ih[l], (size_t)GH, hb, &r);
        fill_uniform(p + nn->o_b_hh[l], (size_t)GH, hb, &r);
        if (nn->cfg.cell == SRNN_CELL_LSTM && nn->cfg.forget_bias != 0)
            for (int j = 0; j < nn->H; j++) {
                p[nn->o_b_ih[l] + nn->H + j] = (real)nn->cfg.forget_bias;
                p[nn->o_b_hh[l] + nn->H + j] = 0;
            }
    }
    /* nn.Linear: U(+-1/sqrt(in_features)) for weight and bias */
    double fb = 1.0 / sqrt((double)nn->H);
    fill_uniform(p + nn->o_fc_w, (size_t)nn->V * nn->H, fb, &r);
    fill_uniform(p + nn->o_fc_b, (size_t)nn->V, fb, &r);
    srnn_rng_seed(&nn->rng, seed ^ 0x5bd1e9955bd1e995ULL);
    srnn_nn_zero_grad(nn);
}

void srnn_nn_set_training(srnn_nn *nn, int on)
{
    if (nn)
        nn->training = on != 0;
}

void srnn_nn_set_dropout_fixed(srnn_nn *nn, int fixed)
{
    if (nn)
        nn->dropout_fixed = fixed != 0;
}

void srnn_nn_seed_dropout(srnn_nn *nn, uint64_t seed)
{
    if (nn)
        srnn_rng_seed(&nn->rng, seed ^ 0x5bd1e9955bd1e995ULL);
}

static int max_dim(const srnn_nn *nn)
{
    int m = nn->E;
    if (nn->C > m)
        m = nn->C;
    if (nn->H > m)
        m = nn->H;
    return m;
}

/* Makes room for windows of n = B*T positions (contents are lost when it grows). */
static int ensure_capacity(srnn_nn *nn, int B, int T)
{
    size_t n = (size_t)B * T;
    if (n <= nn->cap_n && B <= nn->cap_B)
        return 0;
    free_train_buffers(nn);
    size_t BH = (size_t)B * nn->H, GH = (size_t)nn->G * nn->H;
    size_t KE = (size_t)nn->K * nn->E;
    int ok = 1;
#define ALLOC(p, count) ok = ok && ((p) = calloc((count), sizeof *(p))) != NULL
    ALLOC(nn->tok, n);
    ALLOC(nn->tgt, n);
    ALLOC(nn->emb, n * nn->E);
    if (nn->C > 0) {
        ALLOC(nn->xcol, n * KE);
        ALLOC(nn->dxcol, n * KE);
        ALLOC(nn->conv, n * nn->C);
    }
    ALLOC(nn->logits, n * nn->V);
    ALLOC(nn->probs, n * nn->V);
    ALLOC(nn->d1, n * max_dim(nn));
    ALLOC(nn->d2, n * max_dim(nn));
    ALLOC(nn->ws, nn_rnn_ws_size(nn->cfg.cell, B, T, nn->H));
    for (int l = 0; l < nn->L; l++) {
        layer_acts *a = &nn->la[l];
        ALLOC(a->h, n * nn->H + BH);
        if (nn->cfg.cell == SRNN_CELL_LSTM)
            ALLOC(a->c, n * nn->H + BH);
        if (nn->cfg.cell != SRNN_CELL_RNN)
            ALLOC(a->act, n * GH);
        if (nn->cfg.cell == SRNN_CELL_GRU)
            ALLOC(a->hn, n * nn->H);
        if (nn->cfg.dropout > 0) {
            ALLOC(a->mask, n * nn->H);
            ALLOC(a->own_y, n * nn->H);
        }
    }
#undef ALLOC
    if (!ok) {
        free_train_buffers(nn);
        return -1;
    }
    nn->cap_n = n;
    nn->cap_B = B;
    return 0;
}

static int ensure_state(srnn_nn *nn, int B)
{
    if (nn->state_B == B)
        return 0;
    free_state(nn);
    size_t BH = (size_t)B * nn->H;
    int ok = 1;
    if (nn->K > 1)
        ok = (nn->hist = calloc((size_t)B * (nn->K - 1) * nn->E, sizeof(real))) != NULL;
    for (int l = 0; l < nn->L && ok; l++) {
        ok = (nn->la[l].hs = calloc(BH, sizeof(real))) != NULL;
        if (ok && nn->cfg.cell == SRNN_CELL_LSTM)
            ok = (nn->la[l].cs = calloc(BH, sizeof(real))) != NULL;
    }
    if (!ok) {
        free_state(nn);
        return -1;
    }
    nn->state_B = B;
    return 0;
}

void srnn_nn_reset_state(srnn_nn *nn)
{
    if (nn)
        free_state(nn); /* reallocated as zeros by the next forward */
}

size_t srnn_nn_carried_size(const srnn_nn *nn, int B)
{
    if (!nn || B <= 0)
        return 0;
    size_t n = nn->K > 1 ? (size_t)B * (nn->K - 1) * nn->E : 0;
    size_t per = (size_t)B * nn->H * (nn->cfg.cell == SRNN_CELL_LSTM ? 2 : 1);
    return n + (size_t)nn->L * per;
}

int srnn_nn_carried_get(const srnn_nn *nn, int B, srnn_real *out)
{
    if (!nn || !out || nn->state_B != B)
        return 0;
    size_t at = 0, hist = nn->K > 1 ? (size_t)B * (nn->K - 1) * nn->E : 0, BH = (size_t)B * nn->H;
    if (hist)
        memcpy(out, nn->hist, hist * sizeof(real)), at += hist;
    for (int l = 0; l < nn->L; l++) {
        memcpy(out + at, nn->la[l].hs, BH * sizeof(real)), at += BH;
        if (nn->la[l].cs)
            memcpy(out + at, nn->la[l].cs, BH * sizeof(real)), at += BH;
    }
    return 1;
}

int srnn_nn_carried_set(srnn_nn *nn, int B, const srnn_real *in)
{
    if (!nn || !in || B <= 0)
        return SRNN_EARG;
    if (ensure_state(nn, B) != 0)
        return SRNN_ENOMEM;
    size_t at = 0, hist = nn->K > 1 ? (size_t)B * (nn->K - 1) * nn->E : 0, BH = (size_t)B * nn->H;
    if (hist)
        memcpy(nn->hist, in, hist * sizeof(real)), at += hist;
    for (int l = 0; l < nn->L; l++) {
        memcpy(nn->la[l].hs, in + at, BH * sizeof(real)), at += BH;
        if (nn->la[l].cs)
            memcpy(nn->la[l].cs, in + at, BH * sizeof(real)), at += BH;
    }
    return SRNN_OK;
}

void srnn_nn_dropout_rng_get(const srnn_nn *nn, uint64_t state[4])
{
    if (nn)
        memcpy(state, nn->rng.s, sizeof nn->rng.s);
}

void srnn_nn_dropout_rng_set(srnn_nn *nn, const uint64_t state[4])
{
    if (nn)
        memcpy(nn->rng.s, state, sizeof nn->rng.s);
}

void srnn_nn_reset_stream(srnn_nn *nn, int b)
{
    if (!nn || b < 0 || b >= nn->state_B)
        return;
    size_t H = (size_t)nn->H;
    if (nn->hist)
        memset(nn->hist + (size_t)b * (nn->K - 1) * nn->E, 0,
               (size_t)(nn->K - 1) * nn->E * sizeof(real));
    for (int l = 0; l < nn->L; l++) {
        memset(nn->la[l].hs + b * H, 0, H * sizeof(real));
        if (nn->la[l].cs)
            memset(nn->la[l].cs + b * H, 0, H * sizeof(real));
    }
}

srnn_real *srnn_nn_dropout_mask(srnn_nn *nn, int layer, int B, int T)
{
    if (!nn || layer < 0 || layer >= nn->L || B < 1 || T < 1 || nn->cfg.dropout <= 0)
        return NULL;
    if ((size_t)B * T > (size_t)1 << 30 || ensure_capacity(nn, B, T) < 0)
        return NULL;
    return nn->la[layer].mask;
}

int srnn_nn_forward(srnn_nn *nn, const int *inputs, const int *targets, int B, int T,
                    srnn_real *loss, srnn_error *err)
{
    if (!nn || !inputs)
        return srnn_error_set(err, SRNN_EARG, "no network or no inputs");
    if (B < 1 || T < 1 || (size_t)B * T > (size_t)1 << 30 ||
        (size_t)B * T * (size_t)max_dim(nn) > (size_t)1 << 31 ||
        (size_t)B * T * (size_t)nn->V > (size_t)1 << 31)
        return srnn_error_set(err, SRNN_EARG, "window of %d x %d positions out of range", B, T);
    size_t n = (size_t)B * T;
    for (size_t i = 0; i < n; i++) {
        if (inputs[i] < 0 || inputs[i] >= nn->V)
            return srnn_error_set(err, SRNN_EARG, "input token %d outside the vocabulary of %d",
                                  inputs[i], nn->V);
        if (targets && targets[i] >= nn->V)
            return srnn_error_set(err, SRNN_EARG,
                                  "target token %d outside the vocabulary of %d", targets[i],
                                  nn->V);
    }
    if (ensure_capacity(nn, B, T) < 0 || ensure_state(nn, B) < 0)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory for a window of %d x %d", B, T);
    nn->B = B;
    nn->T = T;
    memcpy(nn->tok, inputs, n * sizeof(int));
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            nn->tgt[(size_t)t * B + b] = targets ? targets[(size_t)b * T + t] : -1;
    nn->have_targets = targets != NULL;

    const real *p = nn->params;
    int H = nn->H;
    size_t BH = (size_t)B * H;
    embedding_forward(nn->emb, nn->tok, p + nn->o_emb, B, T, nn->E); /* [T][B][E] */
    const real *x = nn->emb;
    int I = nn->E;
    if (nn->C > 0) {
        conv_forward(nn->conv, nn->xcol, nn->emb, nn->hist, p + nn->o_conv_w, p + nn->o_conv_b,
                     B, T, nn->E, nn->C, nn->K); /* [T][B][C] */
        if (nn->K > 1)
            conv_carry(nn->hist, nn->emb, B, T, nn->E, nn->K);
        x = nn->conv;
        I = nn->C;
    }
    int drop = nn->training && nn->cfg.dropout > 0;
    nn->dropped = drop;
    for (int l = 0; l < nn->L; l++) {
        layer_acts *a = &nn->la[l];
        memcpy(a->h, a->hs, BH * sizeof(real));
        if (a->c)
            memcpy(a->c, a->cs, BH * sizeof(real));
        rnn_layer_forward(nn->cfg.cell, a->h, a->c, a->act, a->hn, x, p + nn->o_w_ih[l],
                          p + nn->o_w_hh[l], p + nn->o_b_ih[l], p + nn->o_b_hh[l], nn->ws, B, T,
                          I, H); /* h [T+1][B][H] */
        memcpy(a->hs, a->h + (size_t)T * BH, BH * sizeof(real));
        if (a->c)
            memcpy(a->cs, a->c + (size_t)T * BH, BH * sizeof(real));
        if (drop) {
            if (!nn->dropout_fixed)
                dropout_mask(a->mask, n * H, nn->cfg.dropout, &nn->rng);
            dropout_forward(a->own_y, a->h + BH, a->mask, n * H);
            a->y = a->own_y;
        } else {
            a->y = a->h + BH;
        }
        x = a->y;
        I = H;
    }
    dense_forward(nn->logits, x, p + nn->o_fc_w, p + nn->o_fc_b, (int)n, H, nn->V);
    double l = crossentropy_forward(nn->probs, nn->logits, nn->tgt, (int)n, nn->V, &nn->count);
    nn->loss = (real)l;
    if (loss)
        *loss = (real)l;
    return SRNN_OK;
}

int srnn_nn_backward(srnn_nn *nn, srnn_error *err)
{
    if (!nn)
        return srnn_error_set(err, SRNN_EARG, "no network");
    if (!nn->have_targets || nn->B == 0)
        return srnn_error_set(err, SRNN_EARG, "backward without a forward with targets");
    int B = nn->B, T = nn->T, H = nn->H;
    size_t n = (size_t)B * T;
    const real *p = nn->params;
    real *g = nn->grads;
    int drop = nn->dropped;

    real *dlogits = nn->probs; /* [T][B][V] */
    crossentropy_backward(dlogits, nn->probs, nn->tgt, (int)n, nn->V, nn->count);
    real *dy = nn->d1, *dother = nn->d2; /* [T][B][H] */
    dense_backward(dy, g + nn->o_fc_w, g + nn->o_fc_b, dlogits, nn->la[nn->L - 1].y,
                   p + nn->o_fc_w, (int)n, H, nn->V);
    for (int l = nn->L - 1; l >= 0; l--) {
        layer_acts *a = &nn->la[l];
        if (drop)
            dropout_backward(dy, dy, a->mask, n * H);
        const real *x = l > 0 ? nn->la[l - 1].y : nn->C > 0 ? nn->conv : nn->emb;
        int I = l > 0 ? H : nn->C > 0 ? nn->C : nn->E;
        rnn_layer_backward(nn->cfg.cell, dother, g + nn->o_w_ih[l], g + nn->o_w_hh[l],
                           g + nn->o_b_ih[l], g + nn->o_b_hh[l], dy, a->h, a->c, a->act, a->hn,
                           x, p + nn->o_w_ih[l], p + nn->o_w_hh[l], nn->ws, B, T, I, H);
        real *t = dy;
        dy = dother;
        dother = t;
    }
    if (nn->C > 0) {
        conv_backward(dother, g + nn->o_conv_w, g + nn->o_conv_b, dy, nn->dxcol, nn->conv,
                      nn->xcol, p + nn->o_conv_w, B, T, nn->E, nn->C, nn->K);
        dy = dother;
    }
    embedding_backward(g + nn->o_emb, dy, nn->tok, B, T, nn->E);
    nn->have_targets = 0; /* the probabilities became gradients: one backward per forward */
    return SRNN_OK;
}

const srnn_real *srnn_nn_logits(const srnn_nn *nn) { return nn ? nn->logits : NULL; }

double srnn_nn_flops_per_token(const srnn_nn *nn)
{
    if (!nn)
        return 0;
    double m = 0;
    int I = nn->E;
    if (nn->C > 0) {
        m += (double)nn->C * nn->K * nn->E;
        I = nn->C;
    }
    for (int l = 0; l < nn->L; l++) {
        m += (double)nn->G * nn->H * (I + nn->H);
        I = nn->H;
    }
    m += (double)nn->V * nn->H;
    return m;
}

const char *srnn_nn_better_blas_core(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    const char *core = openblas_get_corename();
    if (!core)
        return NULL;
    /* Only the fallbacks are second-guessed: a core OpenBLAS recognized is its own choice. */
    if (strcasecmp(core, "Prescott") != 0 && strcasecmp(core, "Core2") != 0 &&
        strcasecmp(core, "Nehalem") != 0 && strcasecmp(core, "Sandybridge") != 0)
        return NULL;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        strcasecmp(core, "Haswell") != 0)
        return "Haswell";
#endif
    return NULL;
}

void srnn_nn_set_threads(int n)
{
    if (n <= 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (int)c : 1;
    }
    openblas_set_num_threads(n);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double srnn_nn_gemm_gflops(int m, double seconds)
{
    if (m < 1 || m > 8192)
        return 0;
    size_t n = (size_t)m * m;
    real *a = malloc(n * sizeof(real)), *b = malloc(n * sizeof(real)), *c = calloc(n, sizeof(real));
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        a[i] = (real)((i * 7 % 13) * 0.01);
        b[i] = (real)((i * 5 % 11) * 0.01);
    }
    GEMM_NN(m, m, m, a, m, b, m, 0, c, m); /* warm-up: threads started, pages touched */
    int reps = 0;
    double t0 = now_s(), t;
    do {
        GEMM_NN(m, m, m, a, m, b, m, 0, c, m);
        reps++;
        t = now_s() - t0;
    } while (t < seconds);
    free(a), free(b), free(c);
    return 2.0 * m * (double)m * m * reps / t / 1e9;
}

double srnn_nn_gemv_tokens_per_s(const srnn_nn *nn, double seconds)
{
    if (!nn)
        return 0;
    const real *p = nn->params;
    int H = nn->H, GH = nn->G * nn->H, big = nn->V > GH ? nn->V : GH;
    real *x = calloc((size_t)(nn->K * nn->E + 2 * H + nn->C), sizeof(real));
    real *y = calloc((size_t)big, sizeof(real));
    if (!x || !y) {
        free(x), free(y);
        return 0;
    }
    int reps = -1; /* the first round warms up */
    double t0 = 0, t = 0;
    do {
        if (nn->C > 0)
            GEMV(CblasRowMajor, CblasNoTrans, nn->C, nn->K * nn->E, 1, p + nn->o_conv_w,
                 nn->K * nn->E, x, 1, 0, y, 1);
        for (int l = 0; l < nn->L; l++) {
            int I = l > 0 ? H : nn->C > 0 ? nn->C : nn->E;
            GEMV(CblasRowMajor, CblasNoTrans, GH, I, 1, p + nn->o_w_ih[l], I, x, 1, 0, y, 1);
            GEMV(CblasRowMajor, CblasNoTrans, GH, H, 1, p + nn->o_w_hh[l], H, x, 1, 1, y, 1);
        }
        GEMV(CblasRowMajor, CblasNoTrans, nn->V, H, 1, p + nn->o_fc_w, H, x, 1, 0, y, 1);
        if (++reps == 0)
            t0 = now_s();
        t = now_s() - t0;
    } while (reps < 100 || t < seconds);
    free(x), free(y);
    return reps / t;
}
