/* songrnn — datasets, batching and the training loop (src/train).
 *
 * A dataset is a list of token streams, one a piece (each framed by <start> ... <end> by its
 * tokenizer).  Training and validation are split by piece, so no window leaks.  Each epoch the
 * pieces are shuffled (the order drawn from the seed and the epoch number alone, so a resumed
 * run sees the same order), concatenated, and cut into B parallel stripes; window w of stream b
 * is stripe b's tokens w*T .. w*T+T-1, the targets one token later.  The network carries its
 * state from window to window (truncated BPTT) and starts each epoch afresh. */
#ifndef SONGRNN_TRAIN_H
#define SONGRNN_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"

typedef struct srnn_dataset srnn_dataset;

srnn_dataset *srnn_dataset_new(void);
void srnn_dataset_free(srnn_dataset *ds);
/* Adds one piece's tokens (copied). */
int srnn_dataset_add(srnn_dataset *ds, const int32_t *tokens, size_t n) SRNN_WARN_UNUSED;
/* Another version of piece i (a transposition, copied).  A shuffled epoch takes the piece or one
 * of its variants, each equally likely; validation (an unshuffled epoch) the piece itself. */
int srnn_dataset_add_variant(srnn_dataset *ds, size_t i, const int32_t *tokens, size_t n)
    SRNN_WARN_UNUSED;
size_t srnn_dataset_variants(const srnn_dataset *ds, size_t i);
size_t srnn_dataset_pieces(const srnn_dataset *ds);
size_t srnn_dataset_tokens(const srnn_dataset *ds);
const int32_t *srnn_dataset_piece(const srnn_dataset *ds, size_t i, size_t *n);

/* Splits by piece: round(frac * pieces) pieces (at least one when frac > 0 and there are two
 * pieces or more) drawn with the seed go to *val, the rest to *train. */
int srnn_dataset_split(const srnn_dataset *all, double frac, uint64_t seed, srnn_dataset **train,
                       srnn_dataset **val, srnn_error *err) SRNN_WARN_UNUSED;

/* One epoch's layout: B stripes of the shuffled concatenation. */
typedef struct srnn_epoch srnn_epoch;

/* shuffle_seed 0: pieces in their order (validation); otherwise shuffled with it. */
int srnn_epoch_new(srnn_epoch **out, const srnn_dataset *ds, int B, int T, uint64_t shuffle_seed,
                   srnn_error *err) SRNN_WARN_UNUSED;
void srnn_epoch_free(srnn_epoch *ep);
/* Windows in the epoch (0 when the data is shorter than B * (T + 1) tokens).  With variants
 * the epoch's length varies a little from epoch to epoch. */
size_t srnn_epoch_windows(const srnn_epoch *ep);
/* Fills inputs and targets, both [B][T], with window w. */
void srnn_epoch_window(const srnn_epoch *ep, size_t w, int *inputs, int *targets);
/* The largest B' <= B for which the data yields at least one window of T (0 if none). */
int srnn_epoch_fit_batch(const srnn_dataset *ds, int B, int T);

/* The seed of epoch e's shuffle, derived from the run's seed (never 0). */
uint64_t srnn_epoch_seed(uint64_t seed, int64_t epoch);

/* ---- the training loop ------------------------------------------------------------------ */

struct srnn_nn;
struct srnn_optim;

typedef enum srnn_lr_schedule {
    SRNN_LR_CONSTANT = 0,
    SRNN_LR_COSINE = 1,  /* from lr down to min_lr * lr along the run (see below) */
    SRNN_LR_PLATEAU = 2, /* halved after every epoch whose loss did not improve */
} srnn_lr_schedule;

typedef struct srnn_trainer_opts {
    int batch, seq_len;  /* B streams of windows of T tokens */
    double lr;           /* > 0: the base learning rate the schedule scales; 0: the
                            optimizer's own, unscheduled */
    srnn_lr_schedule schedule;
    int warmup;          /* steps of linear warm-up from lr / warmup (0: none) */
    double min_lr;       /* cosine: the floor, as a fraction of lr */
    double checkpoint_seconds; /* > 0: hooks->checkpoint this often inside an epoch */
    int epochs;          /* run until state->epoch reaches this */
    double max_seconds;  /* > 0: stop once this much wall time has passed */
    double clip;         /* > 0: clip gradients to this global norm */
    int patience;        /* > 0: stop when validation loss has not improved for this many epochs */
    uint64_t seed;       /* shuffles and dropout are drawn from it and the epoch number */
} srnn_trainer_opts;

/* Where training stands; saved in the model file so that --resume goes on exactly, also from
 * inside an epoch. */
typedef struct srnn_train_state {
    int64_t epoch;        /* epochs completed */
    int64_t step;         /* batches taken */
    double best_val_loss; /* best validation (or training, without validation) loss; 0: none */
    int bad_epochs;       /* epochs since it improved */
    /* Inside an epoch (all 0 at an epoch boundary): */
    int64_t window;       /* windows of epoch `epoch` done */
    double loss_sum;      /* their summed losses */
    uint64_t correct;     /* their correct predictions */
    double epoch_seconds; /* the time they took */
    uint64_t dropout_rng[4]; /* the dropout generator after them; the network's carried state
                                (srnn_nn_carried_get) belongs with them */
    double lr_scale;      /* plateau schedule: the factor in force; 0 means 1 */
} srnn_train_state;

typedef struct srnn_epoch_stats {
    int64_t epoch;               /* 1-based number of the epoch just completed */
    double train_loss, val_loss; /* mean cross-entropy per token (nats); val NaN: no validation */
    double train_acc, val_acc;   /* share of next tokens predicted exactly (argmax) */
    double seconds;
    uint64_t tokens;             /* training tokens of the epoch */
    int improved;                /* the best loss so far */
    int partial;                 /* cut short by max_seconds */
} srnn_epoch_stats;

typedef struct srnn_train_progress {
    int64_t epoch, epochs;  /* the epoch running (1-based) and the target */
    size_t batch, batches;  /* batches done in this epoch, and in all */
    double loss;            /* running mean training loss of the epoch */
    double tokens_per_s;
    double eta_seconds;     /* to the end of the run (epochs or max_seconds), < 0 unknown */
} srnn_train_progress;

typedef enum srnn_train_end {
    SRNN_TRAIN_DONE = 0,        /* all epochs run */
    SRNN_TRAIN_EARLY_STOP = 1,  /* patience ran out: the best weights are back in the network */
    SRNN_TRAIN_TIME_UP = 2,     /* max_seconds reached (the last epoch may be partial) */
    SRNN_TRAIN_INTERRUPTED = 3, /* *stop was set: the checkpoint hook saved where training
                                   stood (without the hook: network and optimizer are back at
                                   the last epoch boundary); either way a resume goes on
                                   exactly */
    SRNN_TRAIN_DIVERGED = 4,    /* the loss became NaN or infinite: back at the last boundary */
} srnn_train_end;

typedef struct srnn_train_hooks {
    /* Every few batches; may be NULL. */
    void (*progress)(const srnn_train_progress *p, void *ud);
    /* After every epoch, with the network and optimizer as they are then (the moment to save a
     * checkpoint and the history).  A non-zero return stops training with an error. */
    int (*epoch_end)(const srnn_epoch_stats *s, const srnn_train_state *state, void *ud);
    /* Set asynchronously (SIGINT) to stop at the next batch.  May be NULL. */
    volatile int *stop;
    void *ud;
    /* Inside an epoch, every checkpoint_seconds and when *stop is set: the moment to save the
     * network, the optimizer, the state and the carried state (a non-zero return stops
     * training with an error).  May be NULL: then a stop goes back to the epoch's start. */
    int (*checkpoint)(const srnn_train_state *state, void *ud);
} srnn_train_hooks;

/* The learning rate at a point of the run: lr times the warm-up ramp (step + 1) / warmup,
 * times, for cosine, min_lr + (1 - min_lr) (1 + cos(pi p)) / 2 where p in [0, 1] is the share
 * of the run done (the larger of the epochs' share and, with max_seconds, the time's), or, for
 * plateau, lr_scale. */
double srnn_train_lr(const srnn_trainer_opts *opts, int64_t step, double progress,
                     double lr_scale);

/* Trains nn with opt on train, validating on val (may be empty) after every epoch.  A state
 * inside an epoch (window > 0) goes on from there: the caller has restored the network's
 * carried state.  *end says why it stopped; on SRNN_TRAIN_DIVERGED, err names the step. */
int srnn_train_run(struct srnn_nn *nn, struct srnn_optim *opt, const srnn_dataset *train,
                   const srnn_dataset *val, const srnn_trainer_opts *opts,
                   srnn_train_state *state, const srnn_train_hooks *hooks, srnn_train_end *end,
                   srnn_error *err) SRNN_WARN_UNUSED;

/* The negative log-likelihood (nats, summed) nn gives tokens[1..n-1], each predicted from the
 * ones before it, the state carried through windows of T (one stream, training mode off);
 * *count gets n - 1.  For comparing tokenizations per note rather than per token. */
int srnn_train_sequence_nll(struct srnn_nn *nn, const int32_t *tokens, size_t n, int T,
                            double *nll, size_t *count, srnn_error *err) SRNN_WARN_UNUSED;

/* Mean loss and accuracy of nn on ds (training mode off), windows of T in B' <= B streams. */
int srnn_train_evaluate(struct srnn_nn *nn, const srnn_dataset *ds, int B, int T, double *loss,
                        double *acc, srnn_error *err) SRNN_WARN_UNUSED;

#endif
