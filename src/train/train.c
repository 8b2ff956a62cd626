/* The training loop: epochs of shuffled, striped windows through truncated BPTT, validation
 * after every epoch, early stopping, a time bound, and a clean stop on SIGINT or divergence. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "songrnn/nn.h"
#include "songrnn/train.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Correct argmax predictions of the last forward: logits [T][B][V], targets [B][T]. */
static size_t count_correct(const srnn_real *logits, const int *targets, int B, int T, int V)
{
    size_t ok = 0;
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            const srnn_real *l = logits + ((size_t)t * B + b) * V;
            int best = 0;
            for (int v = 1; v < V; v++)
                if (l[v] > l[best])
                    best = v;
            ok += best == targets[b * T + t];
        }
    return ok;
}

int srnn_train_evaluate(srnn_nn *nn, const srnn_dataset *ds, int B, int T, double *loss,
                        double *acc, srnn_error *err)
{
    *loss = NAN;
    *acc = NAN;
    int b = srnn_epoch_fit_batch(ds, B, T);
    if (b == 0)
        return SRNN_OK; /* too little data for one window: nothing measured */
    srnn_epoch *ep;
    int rc = srnn_epoch_new(&ep, ds, b, T, 0, err);
    if (rc != SRNN_OK)
        return rc;
    int V = srnn_nn_get_config(nn)->vocab;
    int *in = malloc((size_t)b * T * sizeof *in), *tg = malloc((size_t)b * T * sizeof *tg);
    if (!in || !tg) {
        rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        goto done;
    }
    srnn_nn_set_training(nn, 0);
    srnn_nn_reset_state(nn);
    double sum = 0;
    size_t correct = 0, windows = srnn_epoch_windows(ep);
    for (size_t w = 0; w < windows; w++) {
        srnn_epoch_window(ep, w, in, tg);
        srnn_real l;
        if ((rc = srnn_nn_forward(nn, in, tg, b, T, &l, err)) != SRNN_OK)
            goto done;
        sum += l;
        correct += count_correct(srnn_nn_logits(nn), tg, b, T, V);
    }
    *loss = sum / (double)windows;
    *acc = (double)correct / ((double)windows * b * T);
done:
    srnn_nn_reset_state(nn);
    free(in);
    free(tg);
    srnn_epoch_free(ep);
    return rc;
}

int srnn_train_sequence_nll(srnn_nn *nn, const int32_t *tokens, size_t n, int T, double *nll,
                            size_t *count, srnn_error *err)
{
    *nll = 0;
    *count = 0;
    if (!nn || (!tokens && n) || T <= 0)
        return srnn_error_set(err, SRNN_EARG, "nothing to score");
    int *in = malloc((size_t)T * sizeof *in), *tg = malloc((size_t)T * sizeof *tg);
    if (!in || !tg) {
        free(in);
        free(tg);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    srnn_nn_set_training(nn, 0);
    srnn_nn_reset_state(nn);
    int rc = SRNN_OK;
    for (size_t at = 0; at + 1 < n && rc == SRNN_OK; at += (size_t)T) {
        int k = 0;
        for (; k < T; k++) {
            /* positions past the end: any input, no target (they come after the last one) */
            in[k] = at + k < n ? tokens[at + k] : 0;
            tg[k] = at + k + 1 < n ? tokens[at + k + 1] : -1;
        }
        size_t counted = 0;
        for (k = 0; k < T; k++)
            counted += tg[k] >= 0;
        srnn_real loss;
        if ((rc = srnn_nn_forward(nn, in, tg, 1, T, &loss, err)) == SRNN_OK) {
            *nll += (double)loss * (double)counted;
            *count += counted;
        }
    }
    srnn_nn_reset_state(nn);
    free(in);
    free(tg);
    return rc;
}

/* A copy of the weights, the optimizer's and the training's state (epoch boundary, best
 * epoch, a checkpoint), to go back to. */
typedef struct snapshot {
    srnn_real *params, *opt_state, *carried;
    int64_t opt_step;
    int has_carried;
    srnn_train_state state;
    int valid;
} snapshot;

static void snapshot_take(snapshot *s, srnn_nn *nn, srnn_optim *opt, const srnn_train_state *st,
                          int B)
{
    memcpy(s->params, srnn_nn_params(nn), srnn_nn_num_params(nn) * sizeof(srnn_real));
    if (srnn_optim_state_size(opt)) /* SGD without momentum has none (NULL: memcpy UB) */
        memcpy(s->opt_state, srnn_optim_state(opt),
               srnn_optim_state_size(opt) * sizeof(srnn_real));
    s->opt_step = srnn_optim_get_step(opt);
    s->has_carried = st->window > 0 && srnn_nn_carried_get(nn, B, s->carried);
    s->state = *st;
    s->valid = 1;
}

static void snapshot_restore(const snapshot *s, srnn_nn *nn, srnn_optim *opt,
                             srnn_train_state *st, int B)
{
    memcpy(srnn_nn_params(nn), s->params, srnn_nn_num_params(nn) * sizeof(srnn_real));
    if (srnn_optim_state_size(opt))
        memcpy(srnn_optim_state(opt), s->opt_state,
               srnn_optim_state_size(opt) * sizeof(srnn_real));
    srnn_optim_set_step(opt, s->opt_step);
    *st = s->state;
    srnn_nn_reset_state(nn);
    if (s->has_carried && srnn_nn_carried_set(nn, B, s->carried) != SRNN_OK)
        st->window = 0; /* no room for the carried state: back to the epoch's start */
}

static int snapshot_alloc(snapshot *s, srnn_nn *nn, srnn_optim *opt, int B)
{
    memset(s, 0, sizeof *s);
    s->params = malloc((srnn_nn_num_params(nn) + 1) * sizeof(srnn_real));
    s->opt_state = malloc((srnn_optim_state_size(opt) + 1) * sizeof(srnn_real));
    s->carried = malloc((srnn_nn_carried_size(nn, B) + 1) * sizeof(srnn_real));
    return s->params && s->opt_state && s->carried ? 0 : -1;
}

static void snapshot_free(snapshot *s)
{
    free(s->params);
    free(s->opt_state);
    free(s->carried);
}

double srnn_train_lr(const srnn_trainer_opts *o, int64_t step, double progress, double lr_scale)
{
    double lr = o->lr;
    if (o->warmup > 0 && step < o->warmup)
        lr *= (double)(step + 1) / o->warmup;
    if (o->schedule == SRNN_LR_COSINE) {
        double p = progress < 0 ? 0 : progress > 1 ? 1 : progress;
        lr *= o->min_lr + (1 - o->min_lr) * 0.5 * (1 + cos(M_PI * p));
    } else if (o->schedule == SRNN_LR_PLATEAU) {
        lr *= lr_scale > 0 ? lr_scale : 1;
    }
    return lr;
}

/* Fails training with a divergence message (the caller restores the last good state). */
static void diverged(srnn_error *err, const char *what, double x, int64_t step, int64_t epoch,
                     size_t w)
{
    srnn_error_set(err, SRNN_EINPUT,
                   "the %s became %s at step %lld (epoch %lld, batch %zu): try a lower --lr "
                   "or --clip",
                   what, isnan(x) ? "NaN" : "infinite", (long long)step + 1,
                   (long long)epoch + 1, w + 1);
}

int srnn_train_run(srnn_nn *nn, srnn_optim *opt, const srnn_dataset *train,
                   const srnn_dataset *val, const srnn_trainer_opts *o, srnn_train_state *state,
                   const srnn_train_hooks *hooks, srnn_train_end *end, srnn_error *err)
{
    if (!nn || !opt || !train || !o || !state || !end)
        return srnn_error_set(err, SRNN_EARG, "nothing to train");
    *end = SRNN_TRAIN_DONE;
    srnn_train_hooks nohooks = {0};
    if (!hooks)
        hooks = &nohooks;
    int T = o->seq_len;
    int B = srnn_epoch_fit_batch(train, o->batch, T);
    if (B == 0)
        return srnn_error_set(err, SRNN_EINPUT,
                              "too little training data: %zu tokens, a window needs %d",
                              srnn_dataset_tokens(train), T + 1);
    int V = srnn_nn_get_config(nn)->vocab;
    int *in = malloc((size_t)B * T * sizeof *in), *tg = malloc((size_t)B * T * sizeof *tg);
    snapshot boundary = {0}, best = {0};
    int rc = SRNN_OK;
    if (!in || !tg || snapshot_alloc(&boundary, nn, opt, B) ||
        snapshot_alloc(&best, nn, opt, B)) {
        rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        goto done;
    }

    double t_start = now_seconds();
    while (state->epoch < o->epochs) {
        int64_t e = state->epoch; /* 0-based number of the epoch running */
        int resumed = state->window > 0;
        srnn_epoch *ep;
        if ((rc = srnn_epoch_new(&ep, train, B, T, srnn_epoch_seed(o->seed, e), err)) != SRNN_OK)
            goto done;
        size_t windows = srnn_epoch_windows(ep);
        srnn_nn_set_training(nn, 1);
        if (resumed && (size_t)state->window <= windows) {
            /* Inside the epoch: its dropout stream and the carried state go on. */
            srnn_nn_dropout_rng_set(nn, state->dropout_rng);
        } else {
            state->window = 0;
            state->loss_sum = 0;
            state->correct = 0;
            state->epoch_seconds = 0;
            srnn_nn_seed_dropout(nn, srnn_epoch_seed(o->seed ^ 0xd20b07ULL, e));
            srnn_nn_reset_state(nn);
        }
        snapshot_take(&boundary, nn, opt, state, B);
        double t_epoch = now_seconds() - state->epoch_seconds, t_check = now_seconds();
        int stop_now = 0;
        for (size_t w = (size_t)state->window; w < windows; w++) {
            if (hooks->stop && *hooks->stop) {
                srnn_nn_dropout_rng_get(nn, state->dropout_rng);
                state->epoch_seconds = now_seconds() - t_epoch;
                if (hooks->checkpoint) {
                    if (hooks->checkpoint(state, hooks->ud) != 0) {
                        rc = srnn_error_set(err, SRNN_EIO, "could not save the checkpoint");
                        srnn_epoch_free(ep);
                        goto done;
                    }
                } else {
                    snapshot_restore(&boundary, nn, opt, state, B);
                }
                *end = SRNN_TRAIN_INTERRUPTED;
                srnn_epoch_free(ep);
                goto done;
            }
            double now = now_seconds();
            if (o->lr > 0) {
                double p = o->epochs > 0 ? ((double)e + (double)w / (double)windows) / o->epochs
                                         : 0;
                if (o->max_seconds > 0 && (now - t_start) / o->max_seconds > p)
                    p = (now - t_start) / o->max_seconds;
                srnn_optim_set_lr(opt, srnn_train_lr(o, state->step, p, state->lr_scale));
            }
            srnn_epoch_window(ep, w, in, tg);
            srnn_real loss;
            srnn_nn_zero_grad(nn);
            if ((rc = srnn_nn_forward(nn, in, tg, B, T, &loss, err)) != SRNN_OK ||
                (rc = srnn_nn_backward(nn, err)) != SRNN_OK) {
                srnn_epoch_free(ep);
                goto done;
            }
            double norm = isfinite(loss) ? srnn_clip_grad_norm(srnn_nn_grads(nn),
                                                               srnn_nn_num_params(nn),
                                                               o->clip > 0 ? o->clip : 0)
                                         : 0;
            if (!isfinite(loss) || !isfinite(norm)) {
                diverged(err, isfinite(loss) ? "gradient" : "loss", isfinite(loss) ? norm : loss,
                         state->step, e, w);
                snapshot_restore(&boundary, nn, opt, state, B);
                *end = SRNN_TRAIN_DIVERGED;
                srnn_epoch_free(ep);
                goto done;
            }
            srnn_optim_step(opt, srnn_nn_params(nn), srnn_nn_grads(nn));
            state->step++;
            state->loss_sum += loss;
            state->correct += count_correct(srnn_nn_logits(nn), tg, B, T, V);
            state->window = (int64_t)w + 1;
            size_t done_w = w + 1;

            now = now_seconds();
            if (hooks->progress) {
                double el = now - t_epoch;
                srnn_train_progress p = {
                    .epoch = e + 1, .epochs = o->epochs, .batch = done_w, .batches = windows,
                    .loss = state->loss_sum / (double)done_w,
                    .tokens_per_s = el > 0 ? (double)done_w * B * T / el : 0,
                };
                double per_batch = el / (double)done_w;
                double eta = per_batch * (double)((windows - done_w) +
                                                  (size_t)(o->epochs - e - 1) * windows);
                if (o->max_seconds > 0 && eta > o->max_seconds - (now - t_start))
                    eta = o->max_seconds - (now - t_start);
                p.eta_seconds = eta;
                hooks->progress(&p, hooks->ud);
            }
            if (o->max_seconds > 0 && now - t_start >= o->max_seconds) {
                stop_now = 1;
                break;
            }
            if (hooks->checkpoint && o->checkpoint_seconds > 0 && done_w < windows &&
                now - t_check >= o->checkpoint_seconds) {
                srnn_nn_dropout_rng_get(nn, state->dropout_rng);
                state->epoch_seconds = now - t_epoch;
                if (hooks->checkpoint(state, hooks->ud) != 0) {
                    rc = srnn_error_set(err, SRNN_EIO, "could not save the checkpoint after "
                                                       "batch %zu of epoch %lld",
                                        done_w, (long long)e + 1);
                    srnn_epoch_free(ep);
                    goto done;
                }
                /* A later divergence goes back here, not to the epoch's start. */
                snapshot_take(&boundary, nn, opt, state, B);
                t_check = now_seconds();
            }
        }
        srnn_epoch_free(ep);

        size_t done_w = (size_t)state->window;
        srnn_epoch_stats s = {.epoch = e + 1};
        s.train_loss = done_w ? state->loss_sum / (double)done_w : NAN;
        s.train_acc = done_w ? (double)state->correct / ((double)done_w * B * T) : NAN;
        s.tokens = (uint64_t)done_w * (uint64_t)B * (uint64_t)T;
        s.partial = stop_now && done_w < windows;
        if ((rc = srnn_train_evaluate(nn, val, B, T, &s.val_loss, &s.val_acc, err)) != SRNN_OK)
            goto done;
        s.seconds = now_seconds() - t_epoch;
        state->epoch = e + 1;
        state->window = 0;
        state->loss_sum = 0;
        state->correct = 0;
        state->epoch_seconds = 0;
        double judged = isnan(s.val_loss) ? s.train_loss : s.val_loss;
        if (state->best_val_loss == 0 || judged < state->best_val_loss) {
            state->best_val_loss = judged;
            state->bad_epochs = 0;
            s.improved = 1;
            snapshot_take(&best, nn, opt, state, B);
        } else {
            state->bad_epochs++;
            if (o->schedule == SRNN_LR_PLATEAU)
                state->lr_scale = 0.5 * (state->lr_scale > 0 ? state->lr_scale : 1);
        }
        int patience_out = o->patience > 0 && state->bad_epochs >= o->patience;
        if (patience_out && best.valid) {
            /* Keep the best model: its weights, with the counters of now. */
            srnn_train_state keep = *state;
            snapshot_restore(&best, nn, opt, state, B);
            *state = keep;
        }
        if (hooks->epoch_end && hooks->epoch_end(&s, state, hooks->ud) != 0) {
            rc = srnn_error_set(err, SRNN_EIO, "could not save after epoch %lld",
                                (long long)s.epoch);
            goto done;
        }
        if (patience_out) {
            *end = SRNN_TRAIN_EARLY_STOP;
            break;
        }
        if (stop_now) {
            *end = SRNN_TRAIN_TIME_UP;
            break;
        }
    }
done:
    srnn_nn_set_training(nn, 0);
    free(in);
    free(tg);
    snapshot_free(&boundary);
    snapshot_free(&best);
    return rc;
}
