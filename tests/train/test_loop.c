/* The training loop: the learning-rate schedule against hand-worked values, variants (a
 * shuffled epoch takes a piece or one of its transpositions, validation never does), and a
 * stop inside an epoch, checkpointed and resumed in a fresh network, giving the losses of an
 * uninterrupted run. */
#include <math.h>
#include <string.h>

#include "../check.h"
#include "songrnn/nn.h"
#include "songrnn/train.h"

static void test_schedule(void)
{
    srnn_trainer_opts o = {.lr = 0.01, .schedule = SRNN_LR_COSINE, .warmup = 4, .min_lr = 0.1};
    /* Warm-up: (step + 1) / 4 of the cosine value; cosine at p: 0.1 + 0.9 (1 + cos pi p) / 2. */
    CHECK(fabs(srnn_train_lr(&o, 0, 0, 0) - 0.0025) < 1e-15);
    CHECK(fabs(srnn_train_lr(&o, 3, 0, 0) - 0.01) < 1e-15);
    CHECK(fabs(srnn_train_lr(&o, 100, 0.5, 0) - 0.01 * 0.55) < 1e-15);
    CHECK(fabs(srnn_train_lr(&o, 100, 1, 0) - 0.001) < 1e-15);
    CHECK(fabs(srnn_train_lr(&o, 100, 7, 0) - 0.001) < 1e-15); /* past the end: the floor */
    o.schedule = SRNN_LR_PLATEAU;
    o.warmup = 0;
    CHECK(fabs(srnn_train_lr(&o, 100, 0.5, 0.25) - 0.0025) < 1e-15);
    CHECK(fabs(srnn_train_lr(&o, 100, 0.5, 0) - 0.01) < 1e-15);
    o.schedule = SRNN_LR_CONSTANT;
    CHECK(srnn_train_lr(&o, 5, 0.9, 0.5) == 0.01);
}

static void test_variants(void)
{
    /* Two pieces of 50 tokens (all 1, all 2), each with a variant (all 3, all 4). */
    srnn_dataset *ds = srnn_dataset_new();
    int32_t t[4][50];
    for (int k = 0; k < 4; k++)
        for (int j = 0; j < 50; j++)
            t[k][j] = k + 1;
    CHECK(srnn_dataset_add(ds, t[0], 50) == SRNN_OK);
    CHECK(srnn_dataset_add(ds, t[1], 50) == SRNN_OK);
    CHECK(srnn_dataset_add_variant(ds, 0, t[2], 50) == SRNN_OK);
    CHECK(srnn_dataset_add_variant(ds, 1, t[3], 50) == SRNN_OK);
    CHECK(srnn_dataset_variants(ds, 0) == 1 && srnn_dataset_variants(ds, 1) == 1);
    CHECK(srnn_dataset_add_variant(ds, 2, t[3], 50) == SRNN_EARG);
    int seen[5] = {0};
    srnn_error err = {0};
    for (uint64_t e = 1; e <= 40; e++) {
        srnn_epoch *ep;
        CHECK(srnn_epoch_new(&ep, ds, 1, 9, srnn_epoch_seed(5, (int64_t)e), &err) == SRNN_OK);
        int in[9], tg[9];
        for (size_t w = 0; w < srnn_epoch_windows(ep); w++) {
            srnn_epoch_window(ep, w, in, tg);
            for (int j = 0; j < 9; j++)
                seen[in[j]]++;
        }
        srnn_epoch_free(ep);
    }
    /* Over 40 epochs each version is taken often (each about half the time). */
    for (int k = 1; k <= 4; k++)
        CHECK_MSG(seen[k] > 300, "version %d seen %d times", k, seen[k]);
    /* An unshuffled epoch (validation) takes the pieces themselves. */
    srnn_epoch *ep;
    CHECK(srnn_epoch_new(&ep, ds, 1, 9, 0, &err) == SRNN_OK);
    int in[9], tg[9];
    for (size_t w = 0; w < srnn_epoch_windows(ep); w++) {
        srnn_epoch_window(ep, w, in, tg);
        for (int j = 0; j < 9; j++)
            CHECK(in[j] == 1 || in[j] == 2);
    }
    srnn_epoch_free(ep);
    /* The split keeps variants with training pieces only. */
    srnn_dataset *tr, *va;
    CHECK(srnn_dataset_split(ds, 0.5, 1, &tr, &va, &err) == SRNN_OK);
    CHECK(srnn_dataset_variants(tr, 0) == 1 && srnn_dataset_variants(va, 0) == 0);
    srnn_dataset_free(tr);
    srnn_dataset_free(va);
    srnn_dataset_free(ds);
}

/* ---- stop inside an epoch, resume in a fresh network ---- */

typedef struct saved {
    float *params, *opt_state, *carried;
    int64_t opt_step;
    srnn_train_state state;
    int have;
    srnn_nn *nn;
    srnn_optim *opt;
    int B;
    double losses[8];
    int n_losses;
} saved;

static int on_checkpoint(const srnn_train_state *st, void *ud)
{
    saved *s = ud;
    memcpy(s->params, srnn_nn_params(s->nn), srnn_nn_num_params(s->nn) * sizeof(float));
    memcpy(s->opt_state, srnn_optim_state(s->opt), srnn_optim_state_size(s->opt) * sizeof(float));
    s->opt_step = srnn_optim_get_step(s->opt);
    CHECK(srnn_nn_carried_get(s->nn, s->B, s->carried) == 1);
    s->state = *st;
    s->have = 1;
    return 0;
}

static volatile int stop_flag;
static int stop_after = -1;
static void on_progress(const srnn_train_progress *p, void *ud)
{
    (void)ud;
    if (stop_after >= 0 && p->epoch == 2 && (int)p->batch == stop_after)
        stop_flag = 1;
}

static int on_epoch(const srnn_epoch_stats *st, const srnn_train_state *state, void *ud)
{
    (void)state;
    saved *s = ud;
    if (s->n_losses < 8)
        s->losses[s->n_losses++] = st->train_loss;
    return 0;
}

static srnn_nn *make_net(void)
{
    srnn_nn_config c = {.cell = SRNN_CELL_LSTM, .vocab = 12, .embed = 8, .conv_channels = 6,
                        .conv_kernel = 3, .layers = 2, .hidden = 10, .dropout = 0.3};
    srnn_nn *nn = NULL;
    srnn_error err = {0};
    CHECK(srnn_nn_create(&nn, &c, &err) == SRNN_OK);
    srnn_nn_init(nn, 42);
    return nn;
}

static void test_resume_inside_epoch(void)
{
    srnn_dataset *ds = srnn_dataset_new();
    uint64_t r = 3;
    for (int i = 0; i < 6; i++) {
        int32_t t[300];
        for (int j = 0; j < 300; j++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            t[j] = (int32_t)((r >> 33) % 12);
        }
        CHECK(srnn_dataset_add(ds, t, 300) == SRNN_OK);
    }
    srnn_trainer_opts o = {.batch = 4, .seq_len = 10, .epochs = 3, .clip = 1, .seed = 9,
                           .lr = 3e-3, .schedule = SRNN_LR_COSINE, .warmup = 5, .min_lr = 0.1};
    srnn_optim_config oc;
    srnn_optim_defaults(&oc, SRNN_OPTIM_ADAM);
    oc.weight_decay = 0.01;
    srnn_error err = {0};

    /* The whole run. */
    saved full = {0};
    full.nn = make_net();
    CHECK(srnn_optim_create(&full.opt, &oc, srnn_nn_num_params(full.nn), &err) == SRNN_OK);
    srnn_train_state st = {0};
    srnn_train_end end;
    srnn_train_hooks h = {.epoch_end = on_epoch, .ud = &full};
    CHECK(srnn_train_run(full.nn, full.opt, ds, NULL, &o, &st, &h, &end, &err) == SRNN_OK);
    CHECK(end == SRNN_TRAIN_DONE && full.n_losses == 3);

    /* Stopped at batch 11 of epoch 2, checkpointed, then resumed in a new network. */
    saved part = {0};
    part.nn = make_net();
    part.B = 4;
    CHECK(srnn_optim_create(&part.opt, &oc, srnn_nn_num_params(part.nn), &err) == SRNN_OK);
    part.params = malloc(srnn_nn_num_params(part.nn) * sizeof(float));
    part.opt_state = malloc(srnn_optim_state_size(part.opt) * sizeof(float));
    part.carried = malloc(srnn_nn_carried_size(part.nn, 4) * sizeof(float));
    srnn_train_state st2 = {0};
    stop_after = 11;
    stop_flag = 0;
    srnn_train_hooks h2 = {.epoch_end = on_epoch, .progress = on_progress, .stop = &stop_flag,
                           .checkpoint = on_checkpoint, .ud = &part};
    CHECK(srnn_train_run(part.nn, part.opt, ds, NULL, &o, &st2, &h2, &end, &err) == SRNN_OK);
    CHECK(end == SRNN_TRAIN_INTERRUPTED && part.have && part.state.window == 11 &&
          part.state.epoch == 1 && part.n_losses == 1);
    stop_after = -1;
    stop_flag = 0;

    saved again = {0};
    again.nn = make_net();
    srnn_nn_init(again.nn, 77); /* other weights: the checkpoint must bring all of them */
    again.B = 4;
    CHECK(srnn_optim_create(&again.opt, &oc, srnn_nn_num_params(again.nn), &err) == SRNN_OK);
    memcpy(srnn_nn_params(again.nn), part.params, srnn_nn_num_params(again.nn) * sizeof(float));
    memcpy(srnn_optim_state(again.opt), part.opt_state,
           srnn_optim_state_size(again.opt) * sizeof(float));
    srnn_optim_set_step(again.opt, part.opt_step);
    CHECK(srnn_nn_carried_set(again.nn, 4, part.carried) == SRNN_OK);
    again.losses[0] = part.losses[0];
    again.n_losses = 1;
    srnn_train_state st3 = part.state;
    srnn_train_hooks h3 = {.epoch_end = on_epoch, .ud = &again};
    CHECK(srnn_train_run(again.nn, again.opt, ds, NULL, &o, &st3, &h3, &end, &err) == SRNN_OK);
    CHECK(end == SRNN_TRAIN_DONE && again.n_losses == 3);
    for (int e = 0; e < 3; e++)
        CHECK_MSG(fabs(again.losses[e] - full.losses[e]) <= 1e-6,
                  "epoch %d: %.9f resumed, %.9f whole", e + 1, again.losses[e], full.losses[e]);
    CHECK(st3.step == st.step);
    int same = 1;
    for (size_t i = 0; i < srnn_nn_num_params(full.nn); i++)
        same &= srnn_nn_params(full.nn)[i] == srnn_nn_params(again.nn)[i];
    CHECK(same);

    /* Without a checkpoint hook a stop goes back to the epoch's start. */
    saved plain = {0};
    plain.nn = make_net();
    CHECK(srnn_optim_create(&plain.opt, &oc, srnn_nn_num_params(plain.nn), &err) == SRNN_OK);
    srnn_train_state st4 = {0};
    stop_after = 5;
    srnn_train_hooks h4 = {.epoch_end = on_epoch, .progress = on_progress, .stop = &stop_flag,
                           .ud = &plain};
    CHECK(srnn_train_run(plain.nn, plain.opt, ds, NULL, &o, &st4, &h4, &end, &err) == SRNN_OK);
    CHECK(end == SRNN_TRAIN_INTERRUPTED && st4.epoch == 1 && st4.window == 0);
    stop_after = -1;

    saved *all[] = {&full, &part, &again, &plain};
    for (int i = 0; i < 4; i++) {
        srnn_nn_free(all[i]->nn);
        srnn_optim_free(all[i]->opt);
        free(all[i]->params);
        free(all[i]->opt_state);
        free(all[i]->carried);
    }
    srnn_dataset_free(ds);
}

int main(void)
{
    srnn_nn_set_threads(1);
    test_schedule();
    test_variants();
    test_resume_inside_epoch();
    return check_finish("test_loop");
}
