/* Unit tests of src/nn in float32: layers on hand-worked tiny cases, optimizers, clipping,
 * dropout statistics, initialization, the step API against the windowed forward, and state
 * carried across windows against one long window. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "fastmath.h"
#include "layers.h"

/* ---- layers, by hand ------------------------------------------------------------------ */

static void test_layers_by_hand(void)
{
    /* causal conv, E=1 C=1 K=2, w = [1 (x[t-1]), 2 (x[t])], b = 0: x = 1 2 3 after history 0
     * gives 2, 5, 8; with b = -6: relu(-4), relu(-1), relu(2) = 0 0 2 */
    real x[3] = {1, 2, 3}, hist[1] = {0}, w[2] = {1, 2}, b = 0, out[3], xcol[6];
    conv_forward(out, xcol, x, hist, w, &b, 1, 3, 1, 1, 2);
    CHECK_NEAR(out[0], 2, 1e-6);
    CHECK_NEAR(out[1], 5, 1e-6);
    CHECK_NEAR(out[2], 8, 1e-6);
    b = -6;
    conv_forward(out, xcol, x, hist, w, &b, 1, 3, 1, 1, 2);
    CHECK(out[0] == 0 && out[1] == 0);
    CHECK_NEAR(out[2], 2, 1e-6);
    /* history 10 from a previous window: the first output sees it */
    hist[0] = 10;
    b = 0;
    conv_forward(out, xcol, x, hist, w, &b, 1, 3, 1, 1, 2);
    CHECK_NEAR(out[0], 12, 1e-6);
    conv_carry(hist, x, 1, 3, 1, 2);
    CHECK_NEAR(hist[0], 3, 0);

    /* LSTM, H = I = 1, all weights 0: gates 0.5, g = 0; c0 = 1: c1 = 0.5, h1 = 0.5 tanh(0.5) */
    real z4[4] = {0}, h[3] = {0}, c[3] = {1, 0, 0}, act[8], ws[64];
    real xi[2] = {0.7f, -0.3f};
    rnn_layer_forward(SRNN_CELL_LSTM, h, c, act, NULL, xi, z4, z4, z4, z4, ws, 1, 2, 1, 1);
    CHECK_NEAR(c[1], 0.5, 1e-7);
    CHECK_NEAR(h[1], 0.5 * tanh(0.5), 1e-7);
    CHECK_NEAR(c[2], 0.25, 1e-7);
    CHECK_NEAR(h[2], 0.5 * tanh(0.25), 1e-7);
    /* LSTM with only the input gate's... g's weight 1: g = tanh(x); c1 = 0.5 c0 + 0.5 tanh(.7) */
    real wg[4] = {0, 0, 1, 0};
    h[0] = 0;
    c[0] = 1;
    rnn_layer_forward(SRNN_CELL_LSTM, h, c, act, NULL, xi, wg, z4, z4, z4, ws, 1, 2, 1, 1);
    CHECK_NEAR(c[1], 0.5 + 0.5 * tanh(0.7), 1e-6);

    /* GRU, all weights 0: r = z = 0.5, n = 0, h' = 0.5 h */
    real z3[3] = {0}, gh[3] = {1, 0, 0}, gact[6], hn[2];
    rnn_layer_forward(SRNN_CELL_GRU, gh, NULL, gact, hn, xi, z3, z3, z3, z3, ws, 1, 2, 1, 1);
    CHECK_NEAR(gh[1], 0.5, 1e-7);
    CHECK_NEAR(gh[2], 0.25, 1e-7);
    /* GRU with b_hn = 2, r = 0.5: n = tanh(0 + 0.5 * 2) = tanh(1); h1 = 0.5 tanh(1) + 0.5 */
    real bhh[3] = {0, 0, 2};
    gh[0] = 1;
    rnn_layer_forward(SRNN_CELL_GRU, gh, NULL, gact, hn, xi, z3, z3, z3, bhh, ws, 1, 2, 1, 1);
    CHECK_NEAR(gh[1], 0.5 * tanh(1.0) + 0.5, 1e-6);

    /* tanh RNN: w_ih 1, w_hh 0.5: x = 1, 0 from h0 = 0: tanh(1), tanh(0.5 tanh(1)) */
    real one = 1, half = 0.5, zero = 0, rh[3] = {0}, rx[2] = {1, 0};
    rnn_layer_forward(SRNN_CELL_RNN, rh, NULL, NULL, NULL, rx, &one, &half, &zero, &zero, ws, 1,
                      2, 1, 1);
    CHECK_NEAR(rh[1], tanh(1.0), 1e-6);
    CHECK_NEAR(rh[2], tanh(0.5 * tanh(1.0)), 1e-6);

    /* dense: [1 2] . [[1 0] [0 1] [1 1]]^T + [0 0 1] = 1 2 4 */
    real dx[2] = {1, 2}, dw[6] = {1, 0, 0, 1, 1, 1}, db[3] = {0, 0, 1}, dout[3];
    dense_forward(dout, dx, dw, db, 1, 2, 3);
    CHECK(dout[0] == 1 && dout[1] == 2 && dout[2] == 4);

    /* cross-entropy of equal logits: ln V; one ignored row does not count */
    real lg[8] = {0}, pr[8];
    int tg[2] = {1, -1}, count;
    double loss = crossentropy_forward(pr, lg, tg, 2, 4, &count);
    CHECK(count == 1);
    CHECK_NEAR(loss, log(4.0), 1e-6);
    CHECK_NEAR(pr[0], 0.25, 1e-7);
    crossentropy_backward(pr, pr, tg, 2, 4, count);
    CHECK_NEAR(pr[1], -0.75, 1e-7);
    CHECK_NEAR(pr[0], 0.25, 1e-7);
    CHECK(pr[4] == 0 && pr[7] == 0);
    /* a very unlikely target: the loss stays exact (log-sum-exp form), no inf */
    real lg2[2] = {0, -200};
    int tg2 = 1;
    loss = crossentropy_forward(pr, lg2, &tg2, 1, 2, &count);
    CHECK_NEAR(loss, 200, 1e-3);

    /* embedding rows, time-major out from stream-major tokens */
    real ew[6] = {0, 1, 10, 11, 20, 21}, eo[8];
    int et[4] = {2, 0, 1, 1}; /* B = 2, T = 2: stream 0 = 2 0, stream 1 = 1 1 */
    embedding_forward(eo, et, ew, 2, 2, 2);
    CHECK(eo[0] == 20 && eo[2] == 10 && eo[4] == 0 && eo[6] == 10);
}

/* ---- fast math against libm ------------------------------------------------------------ */

static void test_fastmath(void)
{
    double worst_exp = 0, worst_tanh = 0, worst_sig = 0;
    for (int i = -20000; i <= 20000; i++) {
        float x = i * 0.0043f;
        float v[3] = {x, x, x};
        nn_exp_ip(v, 1);
        nn_tanh_ip(v + 1, 1);
        nn_sigmoid_ip(v + 2, 1);
        worst_exp = fmax(worst_exp, fabs(v[0] - exp(x)) / exp(x));
        double t = tanh(x);
        worst_tanh = fmax(worst_tanh, fabs(v[1] - t) / fmax(fabs(t), 1e-30));
        double s = 1 / (1 + exp(-x));
        worst_sig = fmax(worst_sig, fabs(v[2] - s) / s);
    }
    printf("fast math max rel err: exp %.3g tanh %.3g sigmoid %.3g\n", worst_exp, worst_tanh,
           worst_sig);
    CHECK(worst_exp < 5e-7);
    CHECK(worst_tanh < 5e-7);
    CHECK(worst_sig < 5e-7);
    float big[4] = {1000, -1000, 89, -100};
    nn_exp_ip(big, 4);
    CHECK(isfinite(big[0]) && big[1] >= 0 && isfinite(big[2]) && big[3] >= 0);
    float tb[2] = {50, -50};
    nn_tanh_ip(tb, 2);
    CHECK(tb[0] == 1 && tb[1] == -1);
}

/* ---- optimizers and clipping, by hand ------------------------------------------------------ */

static float opt_run(srnn_optim_kind kind, double lr, double momentum, const float *g, int steps)
{
    srnn_optim_config c;
    srnn_optim_defaults(&c, kind);
    c.lr = lr;
    c.momentum = momentum;
    srnn_optim *o = NULL;
    srnn_error err;
    CHECK(srnn_optim_create(&o, &c, 1, &err) == 0);
    float p = 0;
    for (int i = 0; i < steps; i++)
        srnn_optim_step(o, &p, &g[i]);
    CHECK(srnn_optim_get_step(o) == steps);
    srnn_optim_free(o);
    return p;
}

static void test_optimizers(void)
{
    float g[3] = {0.5f, 0.5f, -1.0f};
    /* Adam step 1: m = .05, v = .00025, step_size = lr / .1, denom = sqrt(.00025/.001) = .5:
     * p = -lr * .05 / .1 / .5 = -lr */
    CHECK_NEAR(opt_run(SRNN_OPTIM_ADAM, 0.1, 0, g, 1), -0.1, 1e-6);
    /* step 2 with the same gradient: m = .095, v = .0004998 ... still -lr: p = -0.2 */
    CHECK_NEAR(opt_run(SRNN_OPTIM_ADAM, 0.1, 0, g, 2), -0.2, 1e-5);
    /* RMSprop: sq = .01 g^2, p -= lr g / (.1 |g|) = 10 lr */
    CHECK_NEAR(opt_run(SRNN_OPTIM_RMSPROP, 0.01, 0, g, 1), -0.1, 1e-6);
    /* Adagrad: sum = .25 -> p = -lr; then sum = .5 -> p -= lr .5 / sqrt(.5) */
    CHECK_NEAR(opt_run(SRNN_OPTIM_ADAGRAD, 0.1, 0, g, 2), -0.1 - 0.1 * 0.5 / sqrt(0.5), 1e-6);
    /* SGD momentum .9: buf = .5 -> -.05; buf = .95 -> -.145; buf = -.145 -> p = -.0 ... */
    CHECK_NEAR(opt_run(SRNN_OPTIM_SGD, 0.1, 0.9, g, 2), -0.145, 1e-6);
    CHECK_NEAR(opt_run(SRNN_OPTIM_SGD, 0.1, 0.9, g, 3), -0.145 - 0.1 * (0.9 * 0.95 - 1), 1e-6);
    CHECK_NEAR(opt_run(SRNN_OPTIM_SGD, 0.1, 0, g, 3), 0, 1e-6);

    float cg[2] = {3, 4};
    CHECK_NEAR(srnn_clip_grad_norm(cg, 2, 10), 5, 1e-6);
    CHECK(cg[0] == 3 && cg[1] == 4);
    CHECK_NEAR(srnn_clip_grad_norm(cg, 2, 1), 5, 1e-6);
    CHECK_NEAR(cg[0], 0.6, 1e-6);
    CHECK_NEAR(cg[1], 0.8, 1e-6);
    CHECK_NEAR(srnn_clip_grad_norm(cg, 2, 0), 1, 1e-6);

    CHECK(srnn_optim_parse("adagrad") == SRNN_OPTIM_ADAGRAD && srnn_optim_parse("x") < 0);
    srnn_optim_config bad;
    srnn_optim_defaults(&bad, SRNN_OPTIM_ADAM);
    bad.lr = NAN;
    srnn_optim *o = NULL;
    srnn_error err;
    CHECK(srnn_optim_create(&o, &bad, 10, &err) == SRNN_EARG && o == NULL);
    srnn_optim_defaults(&bad, SRNN_OPTIM_ADAM);
    CHECK(srnn_optim_create(&o, &bad, 10, &err) == 0);
    CHECK(srnn_optim_state_size(o) == 20);
    srnn_optim_free(o);
}

/* ---- dropout --------------------------------------------------------------------------------- */

static void test_dropout_stats(void)
{
    size_t n = 1000000;
    real *m = malloc(n * sizeof *m);
    srnn_rng r;
    srnn_rng_seed(&r, 7);
    for (int k = 0; k < 2; k++) {
        double p = k ? 0.5 : 0.3;
        dropout_mask(m, n, p, &r);
        size_t zeros = 0, other = 0;
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            zeros += m[i] == 0;
            other += m[i] != 0 && fabsf(m[i] - (real)(1 / (1 - p))) > 1e-6f;
            sum += m[i];
        }
        /* 6 standard deviations of a binomial share */
        double sd = sqrt(p * (1 - p) / n);
        printf("dropout p=%.1f: dropped %.5f, mean mask %.5f\n", p, (double)zeros / n, sum / n);
        CHECK(fabs((double)zeros / n - p) < 6 * sd);
        CHECK(other == 0);
        CHECK(fabs(sum / n - 1) < 6 * sd / (1 - p));
    }
    free(m);
}

/* ---- the network ----------------------------------------------------------------------------- */

static srnn_nn *make_net(srnn_cell cell, int conv, double dropout, uint64_t seed)
{
    srnn_nn_config cfg = {.vocab = 11, .embed = 6, .conv_channels = conv ? 7 : 0,
                          .conv_kernel = 3, .cell = cell, .layers = 2, .hidden = 9,
                          .dropout = dropout, .forget_bias = 0};
    srnn_nn *nn = NULL;
    srnn_error err;
    CHECK(srnn_nn_create(&nn, &cfg, &err) == 0);
    if (nn)
        srnn_nn_init(nn, seed);
    return nn;
}

static double max_diff(const float *a, const float *b, size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++)
        d = fmax(d, fabs((double)a[i] - b[i]));
    return d;
}

static void test_init(void)
{
    srnn_nn *a = make_net(SRNN_CELL_LSTM, 1, 0, 5), *b = make_net(SRNN_CELL_LSTM, 1, 0, 5);
    srnn_nn *c = make_net(SRNN_CELL_LSTM, 1, 0, 6);
    size_t np = srnn_nn_num_params(a);
    CHECK(memcmp(srnn_nn_params(a), srnn_nn_params(b), np * sizeof(float)) == 0);
    CHECK(memcmp(srnn_nn_params(a), srnn_nn_params(c), np * sizeof(float)) != 0);
    /* layout: tensors tile the buffer in order */
    size_t off = 0;
    int nt = srnn_nn_num_tensors(a);
    CHECK(nt == 3 + 4 * 2 + 2);
    for (int i = 0; i < nt; i++) {
        srnn_nn_tensor_info t;
        CHECK(srnn_nn_tensor(a, i, &t) == 0);
        CHECK(t.offset == off);
        off += t.size;
        const float *p = srnn_nn_params(a) + t.offset;
        if (strncmp(t.name, "rnn.", 4) == 0 || strncmp(t.name, "fc.", 3) == 0)
            for (size_t k = 0; k < t.size; k++)
                CHECK_MSG(fabsf(p[k]) <= 1 / sqrtf(9) + 1e-6f, "%s", t.name);
        if (strncmp(t.name, "conv.", 5) == 0)
            for (size_t k = 0; k < t.size; k++)
                CHECK(fabsf(p[k]) <= 1 / sqrtf(18) + 1e-6f);
    }
    CHECK(off == np);
    srnn_nn_tensor_info t;
    CHECK(srnn_nn_tensor(a, nt, &t) == -1);
    /* parameter count as PyTorch's modules: 11*6 + 7*3*6+7 + (36*7+36*9+72) + (36*9*2+72)
     * + 11*9+11 */
    CHECK(np == 66 + 133 + 648 + 720 + 110);
    srnn_nn_free(a), srnn_nn_free(b), srnn_nn_free(c);

    /* embedding N(0,1) over a large table */
    srnn_nn_config cfg = {.vocab = 1000, .embed = 100, .cell = SRNN_CELL_GRU, .layers = 1,
                          .hidden = 4};
    srnn_nn *e = NULL;
    srnn_error err;
    CHECK(srnn_nn_create(&e, &cfg, &err) == 0);
    srnn_nn_init(e, 3);
    double s = 0, s2 = 0;
    for (int i = 0; i < 100000; i++) {
        s += srnn_nn_params(e)[i];
        s2 += (double)srnn_nn_params(e)[i] * srnn_nn_params(e)[i];
    }
    CHECK(fabs(s / 1e5) < 0.02 && fabs(s2 / 1e5 - 1) < 0.02);
    srnn_nn_free(e);

    /* forget bias option */
    srnn_nn_config fc = {.vocab = 5, .embed = 3, .cell = SRNN_CELL_LSTM, .layers = 1,
                         .hidden = 4, .forget_bias = 1};
    CHECK(srnn_nn_create(&e, &fc, &err) == 0);
    srnn_nn_init(e, 3);
    CHECK(srnn_nn_tensor(e, 3, &t) == 0 && strcmp(t.name, "rnn.l0.bias_ih") == 0);
    CHECK(srnn_nn_params(e)[t.offset + 4] == 1 && srnn_nn_params(e)[t.offset + 7] == 1);
    CHECK(srnn_nn_params(e)[t.offset + 3] != 1);
    srnn_nn_free(e);
}

static void test_bad_input(void)
{
    srnn_nn_config cfg = {.vocab = 0, .embed = 3, .cell = SRNN_CELL_LSTM, .layers = 1,
                          .hidden = 4};
    srnn_nn *nn = NULL;
    srnn_error err;
    CHECK(srnn_nn_create(&nn, &cfg, &err) == SRNN_EARG && nn == NULL);
    cfg.vocab = 5;
    cfg.dropout = 1;
    CHECK(srnn_nn_create(&nn, &cfg, &err) == SRNN_EARG);
    cfg.dropout = 0;
    cfg.cell = (srnn_cell)7;
    CHECK(srnn_nn_create(&nn, &cfg, &err) == SRNN_EARG);
    cfg.cell = SRNN_CELL_LSTM;
    CHECK(srnn_nn_create(&nn, &cfg, &err) == 0);
    int in[3] = {0, 5, 1}, tg[3] = {1, 2, 3};
    float loss;
    CHECK(srnn_nn_backward(nn, &err) == SRNN_EARG);
    CHECK(srnn_nn_forward(nn, in, tg, 1, 3, &loss, &err) == SRNN_EARG);
    CHECK(strstr(err.msg, "outside") != NULL);
    CHECK(srnn_nn_forward(nn, in, tg, 0, 3, &loss, &err) == SRNN_EARG);
    CHECK(srnn_nn_step(nn, -1, NULL, &err) == SRNN_EARG);
    in[1] = 4;
    CHECK(srnn_nn_forward(nn, in, NULL, 1, 3, &loss, &err) == 0);
    CHECK(srnn_nn_backward(nn, &err) == SRNN_EARG); /* no targets */
    CHECK(srnn_nn_step_hidden(nn, 1, NULL) == NULL && srnn_nn_step_hidden(nn, -1, NULL) == NULL);
    srnn_nn_free(nn);
}

/* The step API gives the same logits as the windowed forward, for every stream of a batch,
 * with its weights split over `threads` threads (1: not split). */
static void test_step_equals_forward(srnn_cell cell, int conv, int threads)
{
    srnn_nn *nn = make_net(cell, conv, 0.3, 11);
    if (!nn)
        return;
    srnn_nn_set_step_threads(nn, threads);
    /* at most one thread per channel (7), hidden unit (9) and logit (11) */
    int want = threads < (conv ? 7 : 9) ? threads : (conv ? 7 : 9);
    CHECK(srnn_nn_step_threads(nn) == want);
    enum { B = 3, T = 17, V = 11 };
    int in[B * T];
    for (int i = 0; i < B * T; i++)
        in[i] = (i * 7 + i / 5) % V;
    float loss, logits[V];
    srnn_error err;
    CHECK(srnn_nn_forward(nn, in, NULL, B, T, &loss, &err) == 0); /* eval: no dropout */
    const float *all = srnn_nn_logits(nn);
    double worst = 0;
    for (int b = 0; b < B; b++) {
        srnn_nn_step_reset(nn);
        for (int t = 0; t < T; t++) {
            CHECK(srnn_nn_step(nn, in[b * T + t], logits, &err) == 0);
            worst = fmax(worst, max_diff(logits, all + ((size_t)t * B + b) * V, V));
        }
    }
    printf("step vs forward (%s, conv %d, %d threads): max abs diff %.3g\n",
           srnn_cell_name(cell), conv, want, worst);
    CHECK(worst < 1e-5);
    int size = 0;
    CHECK(srnn_nn_step_hidden(nn, 1, &size) != NULL && size == 9);
    CHECK((srnn_nn_step_hidden(nn, -1, &size) != NULL) == (conv != 0));
    srnn_nn_free(nn);
}

/* Parameters written after steps reach the step's packed copy: fc.bias + 1 raises every logit
 * by exactly 1.  Also: a network of 256 kB or more splits over the cores by default, a smaller
 * one does not, and the split one matches the forward too. */
static void test_step_repack_and_auto(void)
{
    srnn_nn *nn = make_net(SRNN_CELL_LSTM, 1, 0, 12);
    if (!nn)
        return;
    srnn_nn_set_step_threads(nn, 2);
    enum { V = 11, T = 6 };
    float before[T][V], after[V];
    srnn_error err;
    srnn_nn_step_reset(nn);
    for (int t = 0; t < T; t++)
        CHECK(srnn_nn_step(nn, t, before[t], &err) == 0);
    srnn_nn_tensor_info fb;
    CHECK(srnn_nn_tensor(nn, srnn_nn_num_tensors(nn) - 1, &fb) == 0 &&
          strcmp(fb.name, "fc.bias") == 0);
    float *p = srnn_nn_params(nn);
    for (int v = 0; v < V; v++)
        p[fb.offset + v] += 1;
    srnn_nn_step_reset(nn);
    double worst = 0;
    for (int t = 0; t < T; t++) {
        CHECK(srnn_nn_step(nn, t, after, &err) == 0);
        for (int v = 0; v < V; v++)
            worst = fmax(worst, fabs(after[v] - (before[t][v] + 1.0)));
    }
    CHECK(worst < 1e-5);
    srnn_nn_set_step_threads(nn, 0);
    CHECK(srnn_nn_step_threads(nn) == 1); /* 1.4 kB of weights */
    srnn_nn_free(nn);

    /* 0.9 MB of weights */
    srnn_nn_config cfg = {.vocab = 50, .embed = 16, .conv_channels = 32, .conv_kernel = 3,
                          .cell = SRNN_CELL_LSTM, .layers = 2, .hidden = 128};
    CHECK(srnn_nn_create(&nn, &cfg, &err) == 0);
    if (!nn)
        return;
    srnn_nn_init(nn, 13);
    /* the cores this process may run on (taskset, a container's cpuset), at most 4 */
    cpu_set_t set;
    long cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                              : sysconf(_SC_NPROCESSORS_ONLN);
    int want = cpus < 1 ? 1 : cpus > 4 ? 4 : (int)cpus;
    CHECK(srnn_nn_step_threads(nn) == want);
    enum { B2 = 1, T2 = 40, V2 = 50 };
    int in[T2];
    for (int t = 0; t < T2; t++)
        in[t] = (t * 13 + 5) % V2;
    float loss, logits[V2];
    CHECK(srnn_nn_forward(nn, in, NULL, B2, T2, &loss, &err) == 0);
    const float *all = srnn_nn_logits(nn);
    worst = 0;
    srnn_nn_step_reset(nn);
    for (int t = 0; t < T2; t++) {
        CHECK(srnn_nn_step(nn, in[t], logits, &err) == 0);
        worst = fmax(worst, max_diff(logits, all + (size_t)t * V2, V2));
    }
    printf("step vs forward (lstm 2 x 128, %d threads): max abs diff %.3g\n", want, worst);
    CHECK(worst < 1e-5);
    srnn_nn_free(nn);
}

/* Three windows of 6 with the state carried == one window of 18; reset forgets. */
static void test_carry(srnn_cell cell)
{
    srnn_nn *nn = make_net(cell, 1, 0, 21);
    if (!nn)
        return;
    enum { B = 2, T = 18, W = 6, V = 11 };
    int in[B * T], tg[B * T], win[B * W], wtg[B * W];
    for (int i = 0; i < B * T; i++) {
        in[i] = (i * 5 + 3) % V;
        tg[i] = (i * 3 + 1) % V;
    }
    float loss, ref[T * B * V];
    srnn_error err;
    CHECK(srnn_nn_forward(nn, in, tg, B, T, &loss, &err) == 0);
    memcpy(ref, srnn_nn_logits(nn), sizeof ref);
    srnn_nn_reset_state(nn);
    double worst = 0;
    for (int w = 0; w < T / W; w++) {
        for (int b = 0; b < B; b++)
            for (int t = 0; t < W; t++) {
                win[b * W + t] = in[b * T + w * W + t];
                wtg[b * W + t] = tg[b * T + w * W + t];
            }
        CHECK(srnn_nn_forward(nn, win, wtg, B, W, &loss, &err) == 0);
        worst = fmax(worst, max_diff(srnn_nn_logits(nn), ref + (size_t)w * W * B * V,
                                     (size_t)W * B * V));
    }
    printf("carried windows vs one window (%s): max abs diff %.3g\n", srnn_cell_name(cell),
           worst);
    CHECK(worst < 1e-5);
    /* after a reset, the first window is the long window's start again */
    srnn_nn_reset_state(nn);
    for (int b = 0; b < B; b++)
        memcpy(win + b * W, in + b * T, W * sizeof(int));
    CHECK(srnn_nn_forward(nn, win, NULL, B, W, &loss, &err) == 0);
    CHECK(max_diff(srnn_nn_logits(nn), ref, (size_t)W * B * V) < 1e-5);
    /* resetting stream 1 only: stream 0 continues, stream 1 starts over */
    srnn_nn_reset_stream(nn, 1);
    for (int b = 0; b < B; b++)
        memcpy(win + b * W, in + b * T + (b == 0 ? W : 0), W * sizeof(int));
    CHECK(srnn_nn_forward(nn, win, NULL, B, W, &loss, &err) == 0);
    const float *l = srnn_nn_logits(nn);
    double d0 = 0, d1 = 0;
    for (int t = 0; t < W; t++) {
        d0 = fmax(d0, max_diff(l + ((size_t)t * B) * V, ref + ((size_t)(W + t) * B) * V, V));
        d1 = fmax(d1, max_diff(l + ((size_t)t * B + 1) * V, ref + ((size_t)t * B + 1) * V, V));
    }
    CHECK(d0 < 1e-5 && d1 < 1e-5);
    srnn_nn_free(nn);
}

/* Dropout acts in training only, and draws new masks at each forward unless fixed. */
static void test_dropout_net(void)
{
    srnn_nn *nn = make_net(SRNN_CELL_LSTM, 1, 0.5, 4);
    if (!nn)
        return;
    enum { B = 2, T = 5, V = 11 };
    int in[B * T] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    float loss, a[B * T * V], b[B * T * V];
    srnn_error err;
    CHECK(srnn_nn_forward(nn, in, NULL, B, T, &loss, &err) == 0);
    memcpy(a, srnn_nn_logits(nn), sizeof a);
    srnn_nn_reset_state(nn);
    CHECK(srnn_nn_forward(nn, in, NULL, B, T, &loss, &err) == 0);
    CHECK(max_diff(a, srnn_nn_logits(nn), B * T * V) == 0);
    srnn_nn_set_training(nn, 1);
    srnn_nn_reset_state(nn);
    CHECK(srnn_nn_forward(nn, in, NULL, B, T, &loss, &err) == 0);
    memcpy(b, srnn_nn_logits(nn), sizeof b);
    CHECK(max_diff(a, b, B * T * V) > 1e-3);
    srnn_nn_reset_state(nn);
    CHECK(srnn_nn_forward(nn, in, NULL, B, T, &loss, &err) == 0);
    CHECK(max_diff(b, srnn_nn_logits(nn), B * T * V) > 1e-3);
    /* reseeding reproduces the masks */
    float c[B * T * V];
    srnn_nn_seed_dropout(nn, 99);
    srnn_nn_reset_state(nn);
    CHECK(srnn_nn_forward(nn, in, NULL, B, T, &loss, &err) == 0);
    memcpy(c, srnn_nn_logits(nn), sizeof c);
    srnn_nn_seed_dropout(nn, 99);
    srnn_nn_reset_state(nn);
    CHECK(srnn_nn_forward(nn, in, NULL, B, T, &loss, &err) == 0);
    CHECK(max_diff(c, srnn_nn_logits(nn), B * T * V) == 0);
    /* fixed all-ones masks scaled by 1: the eval output again */
    srnn_nn_set_dropout_fixed(nn, 1);
    for (int l = 0; l < 2; l++) {
        float *m = srnn_nn_dropout_mask(nn, l, B, T);
        CHECK(m != NULL);
        for (int i = 0; m && i < B * T * 9; i++)
            m[i] = 1;
    }
    srnn_nn_reset_state(nn);
    CHECK(srnn_nn_forward(nn, in, NULL, B, T, &loss, &err) == 0);
    CHECK(max_diff(a, srnn_nn_logits(nn), B * T * V) < 1e-6);
    srnn_nn_free(nn);
}

/* A few hundred Adam steps on a fixed sequence drive the loss far down (learning works). */
static void test_learns(void)
{
    srnn_nn *nn = make_net(SRNN_CELL_LSTM, 1, 0, 9);
    if (!nn)
        return;
    srnn_optim_config oc;
    srnn_optim_defaults(&oc, SRNN_OPTIM_ADAM);
    oc.lr = 0.02;
    srnn_optim *o = NULL;
    srnn_error err;
    CHECK(srnn_optim_create(&o, &oc, srnn_nn_num_params(nn), &err) == 0);
    enum { T = 24 };
    int in[T], tg[T];
    for (int t = 0; t < T; t++) {
        in[t] = (t * t) % 11;
        tg[t] = ((t + 1) * (t + 1)) % 11;
    }
    float first = 0, loss = 0;
    for (int s = 0; s < 200; s++) {
        srnn_nn_reset_state(nn);
        srnn_nn_zero_grad(nn);
        CHECK(srnn_nn_forward(nn, in, tg, 1, T, &loss, &err) == 0);
        CHECK(srnn_nn_backward(nn, &err) == 0);
        srnn_clip_grad_norm(srnn_nn_grads(nn), srnn_nn_num_params(nn), 5);
        srnn_optim_step(o, srnn_nn_params(nn), srnn_nn_grads(nn));
        if (s == 0)
            first = loss;
    }
    printf("learning a fixed sequence: loss %.3f -> %.3f\n", first, loss);
    CHECK(first > 2 && loss < 0.1);
    srnn_optim_free(o);
    srnn_nn_free(nn);
}

int main(void)
{
    srnn_nn_set_threads(1);
    test_layers_by_hand();
    test_fastmath();
    test_optimizers();
    test_dropout_stats();
    test_init();
    test_bad_input();
    for (int c = 0; c < 3; c++) {
        for (int threads = 1; threads <= 8; threads *= 2)
            test_step_equals_forward((srnn_cell)c, 1, threads == 4 ? 3 : threads);
        test_carry((srnn_cell)c);
    }
    test_step_equals_forward(SRNN_CELL_LSTM, 0, 1);
    test_step_equals_forward(SRNN_CELL_GRU, 0, 8);
    test_step_repack_and_auto();
    test_dropout_net();
    test_learns();
    return check_finish("test_nn");
}
