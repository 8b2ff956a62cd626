/* Golden test: src/nn in float32 against PyTorch 1.13 (fixtures tests/nn/fixtures/torch_*.bin,
 * written by tools/torch_reference.py; the format is described there).  For each cell type:
 * logits and loss of a window from a zero state, of a second window with the state carried
 * over, every gradient of the second window, and the parameters after 3 steps of each
 * optimizer with gradient clipping.
 *
 * Tolerance, per element: |ours - torch| <= 1e-5 * |torch| + 1e-6 * max|torch tensor|, i.e.
 * 1e-5 relative, with an absolute floor at a millionth of the tensor's scale for elements near
 * zero (a gradient of 1e-9 next to ones of 1e-1 is noise in both programs). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "songrnn/nn.h"

#define RTOL 1e-5
#define ATOL_SCALE 1e-6

typedef struct {
    char name[32];
    uint32_t n;
    float *v;
} record;

typedef struct {
    record r[64];
    int n;
} fixture;

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int load(const char *path, fixture *f)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    static unsigned char buf[1 << 20];
    size_t size = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    if (size < 8 || memcmp(buf, "SRNNFIX1", 8) != 0)
        return -1;
    size_t pos = 8;
    f->n = 0;
    while (pos + 4 <= size && f->n < 64) {
        uint32_t len = rd32(buf + pos);
        pos += 4;
        if (len >= 32 || pos + len + 4 > size)
            return -1;
        record *r = &f->r[f->n++];
        memcpy(r->name, buf + pos, len);
        r->name[len] = 0;
        pos += len;
        r->n = rd32(buf + pos);
        pos += 4;
        if (r->n > (size - pos) / 4)
            return -1;
        r->v = malloc((r->n ? r->n : 1) * sizeof(float));
        for (uint32_t i = 0; i < r->n; i++) {
            uint32_t u = rd32(buf + pos + 4 * i);
            memcpy(&r->v[i], &u, 4);
        }
        pos += 4 * (size_t)r->n;
    }
    return pos == size ? 0 : -1;
}

static const record *get(const fixture *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->r[i].name, name) == 0)
            return &f->r[i];
    fprintf(stderr, "fixture has no record %s\n", name);
    exit(1);
}

static double worst_seen;

/* Compares ours [n] with the reference record; prints the worst relative excess. */
static void compare(const char *what, const float *ours, size_t n, const record *ref)
{
    CHECK_MSG(ref->n == n, "%s: %zu values, fixture has %u", what, n, ref->n);
    if (ref->n != n)
        return;
    double scale = 0;
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(ref->v[i]));
    double worst = 0;
    size_t wi = 0;
    for (size_t i = 0; i < n; i++) {
        double tol = RTOL * fabs(ref->v[i]) + ATOL_SCALE * scale;
        double r = fabs((double)ours[i] - ref->v[i]) / tol; /* <= 1 passes */
        if (r > worst) {
            worst = r;
            wi = i;
        }
    }
    if (worst > worst_seen)
        worst_seen = worst;
    printf("  %-16s %5zu values, worst at %.3f of the tolerance\n", what, n, worst);
    CHECK_MSG(worst <= 1, "%s[%zu]: ours %.9g, torch %.9g", what, wi, ours[wi], ref->v[wi]);
}

static int *ints(const record *r)
{
    int *p = malloc(r->n * sizeof *p);
    for (uint32_t i = 0; i < r->n; i++)
        p[i] = (int)r->v[i];
    return p;
}

static void run(const char *dir, const char *cell)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/nn/fixtures/torch_%s.bin", dir, cell);
    fixture f;
    CHECK_MSG(load(path, &f) == 0, "cannot load %s", path);
    if (f.n == 0)
        return;
    printf("%s\n", cell);
    const float *c = get(&f, "config")->v;
    srnn_nn_config cfg = {.vocab = (int)c[0], .embed = (int)c[1], .conv_channels = (int)c[2],
                          .conv_kernel = (int)c[3], .layers = (int)c[4], .hidden = (int)c[5],
                          .cell = (srnn_cell)(int)c[8], .dropout = c[9], .forget_bias = 0};
    int B = (int)c[6], T = (int)c[7];
    double clip = c[10];
    srnn_nn *nn = NULL;
    srnn_error err;
    CHECK(srnn_nn_create(&nn, &cfg, &err) == 0);
    if (!nn)
        return;
    size_t np = srnn_nn_num_params(nn);
    const record *p0 = get(&f, "params");
    CHECK(p0->n == np);
    if (p0->n != np)
        return;
    float *params = srnn_nn_params(nn);
    memcpy(params, p0->v, np * sizeof(float));
    srnn_nn_set_training(nn, 1);
    srnn_nn_set_dropout_fixed(nn, 1);
    for (int l = 0; l < cfg.layers; l++) {
        char name[16];
        snprintf(name, sizeof name, "mask%d", l);
        float *m = srnn_nn_dropout_mask(nn, l, B, T);
        const record *mr = get(&f, name);
        CHECK(m && mr->n == (uint32_t)(B * T * cfg.hidden));
        if (m)
            memcpy(m, mr->v, mr->n * sizeof(float));
    }
    int *in1 = ints(get(&f, "in1")), *tg1 = ints(get(&f, "tg1"));
    int *in2 = ints(get(&f, "in2")), *tg2 = ints(get(&f, "tg2"));
    size_t nl = (size_t)B * T * cfg.vocab;

    float loss;
    CHECK(srnn_nn_forward(nn, in1, tg1, B, T, &loss, &err) == 0);
    compare("loss1", &loss, 1, get(&f, "loss1"));
    compare("logits1", srnn_nn_logits(nn), nl, get(&f, "logits1"));
    CHECK(srnn_nn_forward(nn, in2, tg2, B, T, &loss, &err) == 0);
    compare("loss2 (carried)", &loss, 1, get(&f, "loss2"));
    compare("logits2", srnn_nn_logits(nn), nl, get(&f, "logits2"));
    srnn_nn_zero_grad(nn);
    CHECK(srnn_nn_backward(nn, &err) == 0);
    compare("grads2", srnn_nn_grads(nn), np, get(&f, "grads2"));

    /* The settings of tools/torch_reference.py's OPTIMIZERS, in its order. */
    static const struct {
        const char *name;
        srnn_optim_kind kind;
        double lr, momentum, weight_decay;
    } opts[] = {
        {"adam", SRNN_OPTIM_ADAM, 0.01, 0, 0},
        {"rmsprop", SRNN_OPTIM_RMSPROP, 0.01, 0, 0},
        {"adagrad", SRNN_OPTIM_ADAGRAD, 0.05, 0, 0},
        {"sgd", SRNN_OPTIM_SGD, 0.1, 0.9, 0},
        {"adamw", SRNN_OPTIM_ADAM, 0.01, 0, 0.1},
        {"sgd_wd", SRNN_OPTIM_SGD, 0.1, 0.9, 0.05},
        {"rmsprop_wd", SRNN_OPTIM_RMSPROP, 0.01, 0, 0.05},
    };
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
        srnn_optim_config oc;
        srnn_optim_defaults(&oc, opts[k].kind);
        oc.lr = opts[k].lr;
        oc.momentum = opts[k].momentum;
        oc.weight_decay = opts[k].weight_decay;
        srnn_optim *opt = NULL;
        CHECK(srnn_optim_create(&opt, &oc, np, &err) == 0);
        if (!opt)
            continue;
        memcpy(params, p0->v, np * sizeof(float));
        float norms[3];
        for (int s = 0; s < 3; s++) {
            srnn_nn_reset_state(nn);
            srnn_nn_zero_grad(nn);
            CHECK(srnn_nn_forward(nn, in1, tg1, B, T, &loss, &err) == 0);
            CHECK(srnn_nn_backward(nn, &err) == 0);
            norms[s] = (float)srnn_clip_grad_norm(srnn_nn_grads(nn), np, clip);
            srnn_optim_step(opt, params, srnn_nn_grads(nn));
        }
        char name[32];
        snprintf(name, sizeof name, "norms_%s", opts[k].name);
        compare(name, norms, 3, get(&f, name));
        compare(opts[k].name, params, np, get(&f, opts[k].name));
        srnn_optim_free(opt);
    }
    free(in1), free(tg1), free(in2), free(tg2);
    for (int i = 0; i < f.n; i++)
        free(f.r[i].v);
    srnn_nn_free(nn);
}

int main(void)
{
    const char *dir = getenv("SRNN_SOURCE_ROOT");
    if (!dir)
        dir = ".";
    srnn_nn_set_threads(1);
    run(dir, "lstm");
    run(dir, "gru");
    run(dir, "rnn");
    printf("worst element overall: %.3f of the tolerance\n", worst_seen);
    return check_finish("test_nn_golden");
}
