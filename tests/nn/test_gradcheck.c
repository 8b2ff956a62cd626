/* Gradient checks by central finite differences, in double precision (this file and the
 * library it links are built with -DSRNN_NN_DOUBLE): every layer alone, then the whole network
 * with each cell type, dropout off and on (fixed masks).
 *
 * Derivatives by the five-point central stencil with step 1e-3.
 * Relative error of a component: |analytic - numeric| / max(|analytic|, |numeric|, FLOOR),
 * FLOOR = 1e-6 so that components that are zero (a dead ReLU, an ignored target) are judged by
 * their absolute error instead of 0/0.  Every check requires the maximum below 1e-6. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "layers.h"

#ifndef SRNN_NN_DOUBLE
#error "build with -DSRNN_NN_DOUBLE"
#endif

#define EPS 1e-3
#define FLOOR 1e-6
#define TOL 1e-6

static srnn_rng rng;

static double *rnd(size_t n, double scale)
{
    double *p = malloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = (2 * srnn_rng_uniform(&rng) - 1) * scale;
    return p;
}

static double *zeros(size_t n) { return calloc(n ? n : 1, sizeof(double)); }

typedef double (*loss_fn)(void *ctx);

/* Compares analytic [n] with central differences of f with respect to param [n]. */
static double max_rel_err(double *param, const double *analytic, size_t n, loss_fn f, void *ctx)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double save = param[i], fs[4];
        static const double at[4] = {-2, -1, 1, 2};
        for (int j = 0; j < 4; j++) {
            param[i] = save + at[j] * EPS;
            fs[j] = f(ctx);
        }
        param[i] = save;
        /* five-point stencil: truncation error O(EPS^4), so EPS can be large enough that
         * rounding in the loss (~1e-16 of it) stays far below the tolerance */
        double num = (8 * (fs[2] - fs[1]) - (fs[3] - fs[0])) / (12 * EPS);
        double den = fmax(fmax(fabs(num), fabs(analytic[i])), FLOOR);
        double rel = fabs(num - analytic[i]) / den;
        if (rel > worst)
            worst = rel;
        if (getenv("GC_DEBUG") && rel > 1e-7)
            printf("  [%zu] analytic %.12g numeric %.12g rel %.3g\n", i, analytic[i], num, rel);
    }
    return worst;
}

#define EXPECT_GRAD(what, param, analytic, n, f, ctx)                                           \
    do {                                                                                        \
        double e_ = max_rel_err(param, analytic, n, f, ctx);                                     \
        printf("%-44s max rel err %.3g\n", what, e_);                                            \
        CHECK_MSG(e_ < TOL, "%s: %g", what, e_);                                                 \
    } while (0)

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* ---- recurrent layers: L = sum(h[1..T] * R), non-zero initial state -------------------- */
typedef struct {
    srnn_cell cell;
    int B, T, I, H;
    double *x, *wih, *whh, *bih, *bhh, *h0, *c0, *R;
    double *h, *c, *act, *hn, *ws;
} rnn_ctx;

static double rnn_loss(void *p)
{
    rnn_ctx *k = p;
    size_t BH = (size_t)k->B * k->H;
    memcpy(k->h, k->h0, BH * sizeof(double));
    memcpy(k->c, k->c0, BH * sizeof(double));
    rnn_layer_forward(k->cell, k->h, k->c, k->act, k->hn, k->x, k->wih, k->whh, k->bih, k->bhh,
                      k->ws, k->B, k->T, k->I, k->H);
    return dot(k->h + BH, k->R, (size_t)k->T * BH);
}

static void check_rnn(srnn_cell cell)
{
    rnn_ctx k = {.cell = cell, .B = 2, .T = 4, .I = 3, .H = 5};
    int G = srnn_cell_gates(cell), GH = G * k.H;
    size_t N = (size_t)k.B * k.T, BH = (size_t)k.B * k.H;
    k.x = rnd(N * k.I, 1);
    k.wih = rnd((size_t)GH * k.I, 0.6);
    k.whh = rnd((size_t)GH * k.H, 0.6);
    k.bih = rnd(GH, 0.3);
    k.bhh = rnd(GH, 0.3);
    k.h0 = rnd(BH, 0.5);
    k.c0 = rnd(BH, 0.5);
    k.R = rnd(N * k.H, 1);
    k.h = zeros(N * k.H + BH);
    k.c = zeros(N * k.H + BH);
    k.act = zeros(N * GH);
    k.hn = zeros(N * k.H);
    k.ws = zeros(nn_rnn_ws_size(cell, k.B, k.T, k.H));
    double *dx = zeros(N * k.I), *dwih = zeros((size_t)GH * k.I), *dwhh = zeros((size_t)GH * k.H);
    double *dbih = zeros(GH), *dbhh = zeros(GH);
    rnn_loss(&k);
    rnn_layer_backward(cell, dx, dwih, dwhh, dbih, dbhh, k.R, k.h, k.c, k.act, k.hn, k.x, k.wih,
                       k.whh, k.ws, k.B, k.T, k.I, k.H);
    char name[64];
    const char *cn = srnn_cell_name(cell);
    snprintf(name, sizeof name, "%s layer: input", cn);
    EXPECT_GRAD(name, k.x, dx, N * k.I, rnn_loss, &k);
    snprintf(name, sizeof name, "%s layer: weight_ih", cn);
    EXPECT_GRAD(name, k.wih, dwih, (size_t)GH * k.I, rnn_loss, &k);
    snprintf(name, sizeof name, "%s layer: weight_hh", cn);
    EXPECT_GRAD(name, k.whh, dwhh, (size_t)GH * k.H, rnn_loss, &k);
    snprintf(name, sizeof name, "%s layer: bias_ih", cn);
    EXPECT_GRAD(name, k.bih, dbih, GH, rnn_loss, &k);
    snprintf(name, sizeof name, "%s layer: bias_hh", cn);
    EXPECT_GRAD(name, k.bhh, dbhh, GH, rnn_loss, &k);
    free(k.x), free(k.wih), free(k.whh), free(k.bih), free(k.bhh), free(k.h0), free(k.c0);
    free(k.R), free(k.h), free(k.c), free(k.act), free(k.hn), free(k.ws);
    free(dx), free(dwih), free(dwhh), free(dbih), free(dbhh);
}

/* ---- causal conv + ReLU, with a carried history ---------------------------------------- */
typedef struct {
    int B, T, E, C, K;
    double *x, *hist, *w, *b, *R, *out, *xcol;
} conv_ctx;

static double conv_loss(void *p)
{
    conv_ctx *k = p;
    conv_forward(k->out, k->xcol, k->x, k->hist, k->w, k->b, k->B, k->T, k->E, k->C, k->K);
    return dot(k->out, k->R, (size_t)k->T * k->B * k->C);
}

static void check_conv(void)
{
    conv_ctx k = {.B = 2, .T = 5, .E = 3, .C = 4, .K = 3};
    size_t N = (size_t)k.B * k.T, KE = (size_t)k.K * k.E;
    k.x = rnd(N * k.E, 1);
    k.hist = rnd((size_t)k.B * (k.K - 1) * k.E, 1);
    k.w = rnd(k.C * KE, 0.5);
    k.b = rnd(k.C, 0.2);
    k.R = rnd(N * k.C, 1);
    k.out = zeros(N * k.C);
    k.xcol = zeros(N * KE);
    double *dout = zeros(N * k.C), *dxcol = zeros(N * KE), *dx = zeros(N * k.E);
    double *dw = zeros(k.C * KE), *db = zeros(k.C);
    conv_loss(&k);
    memcpy(dout, k.R, N * k.C * sizeof(double));
    conv_backward(dx, dw, db, dout, dxcol, k.out, k.xcol, k.w, k.B, k.T, k.E, k.C, k.K);
    EXPECT_GRAD("conv layer: input", k.x, dx, N * k.E, conv_loss, &k);
    EXPECT_GRAD("conv layer: weight", k.w, dw, k.C * KE, conv_loss, &k);
    EXPECT_GRAD("conv layer: bias", k.b, db, k.C, conv_loss, &k);
    free(k.x), free(k.hist), free(k.w), free(k.b), free(k.R), free(k.out), free(k.xcol);
    free(dout), free(dxcol), free(dx), free(dw), free(db);
}

/* ---- dense ------------------------------------------------------------------------------ */
typedef struct {
    int N, I, O;
    double *x, *w, *b, *R, *out;
} dense_ctx;

static double dense_loss(void *p)
{
    dense_ctx *k = p;
    dense_forward(k->out, k->x, k->w, k->b, k->N, k->I, k->O);
    return dot(k->out, k->R, (size_t)k->N * k->O);
}

static void check_dense(void)
{
    dense_ctx k = {.N = 6, .I = 4, .O = 5};
    k.x = rnd((size_t)k.N * k.I, 1);
    k.w = rnd((size_t)k.O * k.I, 1);
    k.b = rnd(k.O, 1);
    k.R = rnd((size_t)k.N * k.O, 1);
    k.out = zeros((size_t)k.N * k.O);
    double *dx = zeros((size_t)k.N * k.I), *dw = zeros((size_t)k.O * k.I), *db = zeros(k.O);
    dense_backward(dx, dw, db, k.R, k.x, k.w, k.N, k.I, k.O);
    EXPECT_GRAD("dense layer: input", k.x, dx, (size_t)k.N * k.I, dense_loss, &k);
    EXPECT_GRAD("dense layer: weight", k.w, dw, (size_t)k.O * k.I, dense_loss, &k);
    EXPECT_GRAD("dense layer: bias", k.b, db, k.O, dense_loss, &k);
    free(k.x), free(k.w), free(k.b), free(k.R), free(k.out), free(dx), free(dw), free(db);
}

/* ---- embedding, dropout, cross-entropy ---------------------------------------------------- */
typedef struct {
    int B, T, E, V;
    int *tok;
    double *w, *R, *out;
} emb_ctx;

static double emb_loss(void *p)
{
    emb_ctx *k = p;
    embedding_forward(k->out, k->tok, k->w, k->B, k->T, k->E);
    return dot(k->out, k->R, (size_t)k->B * k->T * k->E);
}

typedef struct {
    size_t n;
    double *x, *mask, *R, *out;
} drop_ctx;

static double drop_loss(void *p)
{
    drop_ctx *k = p;
    dropout_forward(k->out, k->x, k->mask, k->n);
    return dot(k->out, k->R, k->n);
}

typedef struct {
    int N, V;
    int *tgt;
    double *logits, *probs;
} ce_ctx;

static double ce_loss(void *p)
{
    ce_ctx *k = p;
    int count;
    return crossentropy_forward(k->probs, k->logits, k->tgt, k->N, k->V, &count);
}

static void check_small_layers(void)
{
    int tok[6] = {0, 3, 3, 1, 2, 0};
    emb_ctx e = {.B = 2, .T = 3, .E = 4, .V = 5, .tok = tok};
    e.w = rnd(20, 1);
    e.R = rnd(24, 1);
    e.out = zeros(24);
    double *dw = zeros(20);
    embedding_backward(dw, e.R, e.tok, e.B, e.T, e.E);
    EXPECT_GRAD("embedding: weight", e.w, dw, 20, emb_loss, &e);

    drop_ctx d = {.n = 50};
    d.x = rnd(50, 1);
    d.R = rnd(50, 1);
    d.out = zeros(50);
    d.mask = zeros(50);
    dropout_mask(d.mask, 50, 0.4, &rng);
    double *dx = zeros(50);
    dropout_backward(dx, d.R, d.mask, 50);
    EXPECT_GRAD("dropout: input", d.x, dx, 50, drop_loss, &d);

    int tgt[5] = {2, -1, 0, 6, 3};
    ce_ctx c = {.N = 5, .V = 7, .tgt = tgt};
    c.logits = rnd(35, 3);
    c.probs = zeros(35);
    double *dl = zeros(35);
    int count;
    crossentropy_forward(c.probs, c.logits, c.tgt, c.N, c.V, &count);
    CHECK(count == 4);
    crossentropy_backward(dl, c.probs, c.tgt, c.N, c.V, count);
    EXPECT_GRAD("softmax cross-entropy: logits", c.logits, dl, 35, ce_loss, &c);
    free(e.w), free(e.R), free(e.out), free(dw), free(d.x), free(d.R), free(d.out), free(d.mask);
    free(dx), free(c.logits), free(c.probs), free(dl);
}

/* ---- the whole network -------------------------------------------------------------------- */
typedef struct {
    srnn_nn *nn;
    int B, T;
    int *in, *tgt;
} net_ctx;

static double net_loss(void *p)
{
    net_ctx *k = p;
    srnn_real loss = 0;
    srnn_nn_reset_state(k->nn);
    int rc = srnn_nn_forward(k->nn, k->in, k->tgt, k->B, k->T, &loss, NULL);
    CHECK(rc == 0);
    return loss;
}

static void check_net(srnn_cell cell, int conv, double dropout)
{
    srnn_nn_config cfg = {.vocab = 6, .embed = 4, .conv_channels = conv ? 5 : 0,
                          .conv_kernel = 3, .cell = cell, .layers = 2, .hidden = 4,
                          .dropout = dropout, .forget_bias = 0};
    srnn_nn *nn = NULL;
    srnn_error err;
    CHECK(srnn_nn_create(&nn, &cfg, &err) == 0);
    if (!nn)
        return;
    srnn_nn_init(nn, 1234 + cell);
    /* larger weights than the default init, so every gate works away from its linear range */
    double *p = srnn_nn_params(nn);
    size_t np = srnn_nn_num_params(nn);
    for (size_t i = 0; i < np; i++)
        p[i] *= 1.5;
    int in[2 * 5] = {1, 5, 2, 2, 0, 4, 3, 1, 0, 5};
    int tgt[2 * 5] = {5, 2, 2, 0, -1, 3, 1, 0, 5, 4};
    net_ctx k = {.nn = nn, .B = 2, .T = 5, .in = in, .tgt = tgt};
    if (dropout > 0) {
        srnn_nn_set_training(nn, 1);
        srnn_nn_set_dropout_fixed(nn, 1);
        for (int l = 0; l < cfg.layers; l++) {
            double *m = srnn_nn_dropout_mask(nn, l, k.B, k.T);
            CHECK(m != NULL);
            if (m)
                dropout_mask(m, (size_t)k.B * k.T * cfg.hidden, dropout, &rng);
        }
    }
    net_loss(&k);
    srnn_nn_zero_grad(nn);
    CHECK(srnn_nn_backward(nn, &err) == 0);
    double *g = malloc(np * sizeof *g);
    memcpy(g, srnn_nn_grads(nn), np * sizeof *g);
    char name[64];
    snprintf(name, sizeof name, "network %s conv %s dropout %.1f", srnn_cell_name(cell),
             conv ? "on" : "off", dropout);
    EXPECT_GRAD(name, p, g, np, net_loss, &k);
    free(g);
    srnn_nn_free(nn);
}

int main(void)
{
    srnn_rng_seed(&rng, 42);
    check_small_layers();
    check_dense();
    check_conv();
    for (int c = 0; c < 3; c++)
        check_rnn((srnn_cell)c);
    for (int c = 0; c < 3; c++) {
        check_net((srnn_cell)c, 1, 0);
        check_net((srnn_cell)c, 1, 0.3);
    }
    check_net(SRNN_CELL_LSTM, 0, 0.5);
    return check_finish("test_gradcheck");
}
