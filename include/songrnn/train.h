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
/* Windows in the epoch (0 when the data is shorter than B * (T + 1) tokens). */
size_t srnn_epoch_windows(const srnn_epoch *ep);
/* Fills inputs and targets, both [B][T], with window w. */
void srnn_epoch_window(const srnn_epoch *ep, size_t w, int *inputs, int *targets);
/* The largest B' <= B for which the data yields at least one window of T (0 if none). */
int srnn_epoch_fit_batch(const srnn_dataset *ds, int B, int T);

/* The seed of epoch e's shuffle, derived from the run's seed (never 0). */
uint64_t srnn_epoch_seed(uint64_t seed, int64_t epoch);

#endif
