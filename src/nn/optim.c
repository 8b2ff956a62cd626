/* songrnn nn: optimizers with PyTorch's update rules (torch.optim, single-tensor path; weight
 * decay as AdamW's for Adam, as L2 for the others) and clip_grad_norm_.  The state is one
 * contiguous buffer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layers.h"

struct srnn_optim {
    srnn_optim_config cfg;
    size_t n;
    size_t state_size;
    real *state;
    int64_t step;
};

int srnn_optim_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "adam") == 0)
        return SRNN_OPTIM_ADAM;
    if (strcmp(name, "rmsprop") == 0)
        return SRNN_OPTIM_RMSPROP;
    if (strcmp(name, "adagrad") == 0)
        return SRNN_OPTIM_ADAGRAD;
    if (strcmp(name, "sgd") == 0)
        return SRNN_OPTIM_SGD;
    return -1;
}

void srnn_optim_defaults(srnn_optim_config *cfg, srnn_optim_kind kind)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->kind = kind;
    cfg->beta1 = 0.9;
    cfg->beta2 = 0.999;
    cfg->alpha = 0.99;
    cfg->momentum = 0;
    switch (kind) {
    case SRNN_OPTIM_ADAM: cfg->lr = 1e-3; cfg->eps = 1e-8; break;
    case SRNN_OPTIM_RMSPROP: cfg->lr = 1e-2; cfg->eps = 1e-8; break;
    case SRNN_OPTIM_ADAGRAD: cfg->lr = 1e-2; cfg->eps = 1e-10; break;
    case SRNN_OPTIM_SGD: cfg->lr = 0.1; cfg->eps = 0; break;
    }
}

int srnn_optim_create(srnn_optim **out, const srnn_optim_config *cfg, size_t n_params,
                      srnn_error *err)
{
    if (!out || !cfg)
        return srnn_error_set(err, SRNN_EARG, "no optimizer or configuration");
    *out = NULL;
    if (cfg->kind < SRNN_OPTIM_ADAM || cfg->kind > SRNN_OPTIM_SGD)
        return srnn_error_set(err, SRNN_EARG, "unknown optimizer %d", (int)cfg->kind);
    if (!(cfg->lr >= 0) || !isfinite(cfg->lr))
        return srnn_error_set(err, SRNN_EARG, "learning rate %g is not a finite number >= 0",
                              cfg->lr);
    if (cfg->kind == SRNN_OPTIM_ADAM &&
        !(cfg->beta1 >= 0 && cfg->beta1 < 1 && cfg->beta2 >= 0 && cfg->beta2 < 1))
        return srnn_error_set(err, SRNN_EARG, "Adam betas must be in [0, 1)");
    if (cfg->kind == SRNN_OPTIM_RMSPROP && !(cfg->alpha >= 0 && cfg->alpha <= 1))
        return srnn_error_set(err, SRNN_EARG, "RMSprop alpha must be in [0, 1]");
    if (!(cfg->eps >= 0) || !isfinite(cfg->eps))
        return srnn_error_set(err, SRNN_EARG, "epsilon must be a finite number >= 0");
    if (cfg->kind == SRNN_OPTIM_SGD && !(cfg->momentum >= 0 && cfg->momentum < 1e6))
        return srnn_error_set(err, SRNN_EARG, "momentum must be >= 0");
    if (!(cfg->weight_decay >= 0 && cfg->weight_decay < 1e6))
        return srnn_error_set(err, SRNN_EARG, "weight decay must be a number >= 0");
    srnn_optim *o = calloc(1, sizeof *o);
    if (!o)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    o->cfg = *cfg;
    o->n = n_params;
    switch (cfg->kind) {
    case SRNN_OPTIM_ADAM: o->state_size = 2 * n_params; break;
    case SRNN_OPTIM_SGD: o->state_size = cfg->momentum > 0 ? n_params : 0; break;
    default: o->state_size = n_params; break;
    }
    if (o->state_size) {
        o->state = calloc(o->state_size, sizeof(real));
        if (!o->state) {
            free(o);
            return srnn_error_set(err, SRNN_ENOMEM, "out of memory for the optimizer state");
        }
    }
    *out = o;
    return SRNN_OK;
}

void srnn_optim_free(srnn_optim *opt)
{
    if (!opt)
        return;
    free(opt->state);
    free(opt);
}

size_t srnn_optim_state_size(const srnn_optim *opt) { return opt ? opt->state_size : 0; }
srnn_real *srnn_optim_state(srnn_optim *opt) { return opt ? opt->state : NULL; }
int64_t srnn_optim_get_step(const srnn_optim *opt) { return opt ? opt->step : 0; }

void srnn_optim_set_step(srnn_optim *opt, int64_t step)
{
    if (opt)
        opt->step = step < 0 ? 0 : step;
}

void srnn_optim_set_lr(srnn_optim *opt, double lr)
{
    if (opt && lr >= 0 && isfinite(lr))
        opt->cfg.lr = lr;
}

double srnn_optim_get_lr(const srnn_optim *opt)
{
    return opt ? opt->cfg.lr : 0;
}

void srnn_optim_step(srnn_optim *opt, srnn_real *params, const srnn_real *grads)
{
    if (!opt || !params || !grads)
        return;
    const srnn_optim_config *c = &opt->cfg;
    size_t n = opt->n;
    opt->step++;
    /* wd: AdamW's decoupled decay for Adam; for the others L2, the gradient plus wd * param
     * (torch.optim's weight_decay), which is the gradient itself when wd is 0. */
    real lr = (real)c->lr, wd = (real)c->weight_decay;
    switch (c->kind) {
    case SRNN_OPTIM_ADAM: {
        real *m = opt->state, *v = opt->state + n;
        if (wd != 0) { /* AdamW: decoupled decay before the update */
            real keep = 1 - lr * wd;
            for (size_t i = 0; i < n; i++)
                params[i] *= keep;
        }
        real b1 = (real)c->beta1, b2 = (real)c->beta2, eps = (real)c->eps;
        double bc1 = 1 - pow(c->beta1, (double)opt->step);
        double bc2 = 1 - pow(c->beta2, (double)opt->step);
        real step_size = (real)(c->lr / bc1), bc2_sqrt = (real)sqrt(bc2);
        for (size_t i = 0; i < n; i++) {
            real g = grads[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            real denom = (real)sqrt(v[i]) / bc2_sqrt + eps;
            params[i] -= step_size * m[i] / denom;
        }
        break;
    }
    case SRNN_OPTIM_RMSPROP: {
        real *sq = opt->state, a = (real)c->alpha, eps = (real)c->eps;
        for (size_t i = 0; i < n; i++) {
            real g = grads[i] + wd * params[i];
            sq[i] = a * sq[i] + (1 - a) * g * g;
            params[i] -= lr * g / ((real)sqrt(sq[i]) + eps);
        }
        break;
    }
    case SRNN_OPTIM_ADAGRAD: {
        real *sum = opt->state, eps = (real)c->eps;
        for (size_t i = 0; i < n; i++) {
            real g = grads[i] + wd * params[i];
            sum[i] += g * g;
            params[i] -= lr * g / ((real)sqrt(sum[i]) + eps);
        }
        break;
    }
    case SRNN_OPTIM_SGD: {
        if (opt->state_size == 0) {
            for (size_t i = 0; i < n; i++)
                params[i] -= lr * (grads[i] + wd * params[i]);
            break;
        }
        real *buf = opt->state, mu = (real)c->momentum;
        /* PyTorch: the buffer starts as a copy of the first gradient */
        int first = opt->step == 1;
        for (size_t i = 0; i < n; i++) {
            real g = grads[i] + wd * params[i];
            buf[i] = first ? g : mu * buf[i] + g;
            params[i] -= lr * buf[i];
        }
        break;
    }
    }
}

double srnn_clip_grad_norm(srnn_real *grads, size_t n, double max_norm)
{
    if (!grads)
        return 0;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (double)grads[i] * grads[i];
    double norm = sqrt(ss);
    if (max_norm > 0) {
        double coef = max_norm / (norm + 1e-6);
        if (coef < 1) {
            real cf = (real)coef;
            for (size_t i = 0; i < n; i++)
                grads[i] *= cf;
        }
    }
    return norm;
}
