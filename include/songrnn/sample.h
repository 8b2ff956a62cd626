/* songrnn — choosing the next token from the network's logits (src/gen). */
#ifndef SONGRNN_SAMPLE_H
#define SONGRNN_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"
#include "songrnn/rng.h"

typedef struct srnn_sample_opts {
    double temperature; /* > 0; 1 leaves the distribution as it is */
    int top_k;          /* keep the k likeliest tokens; 0: all */
    double top_p;       /* keep the smallest set of likeliest tokens whose mass reaches p; 1: all */
    int argmax;         /* always the likeliest token (ignores the rest) */
} srnn_sample_opts;

/* Checks the options: temperature > 0, top_k >= 0, 0 < top_p <= 1. */
int srnn_sample_opts_check(const srnn_sample_opts *opts, srnn_error *err) SRNN_WARN_UNUSED;

/* Picks a token from logits[n] with u, a uniform number in [0, 1) from the caller's generator.
 * scratch must hold 3 * n floats.  Tokens whose mask entry is 0 are never picked (mask may be
 * NULL); if the mask leaves nothing, the likeliest unmasked-or-not token is returned. */
int srnn_sample_token(const float *logits, int n, const srnn_sample_opts *opts, double u,
                      const uint8_t *mask, float *scratch);

/* ---- generation: the network run one token at a time -------------------------------------- */

struct srnn_nn;
struct srnn_vocab;

typedef struct srnn_generate_opts {
    srnn_sample_opts sample;
    int length;           /* notes: events (the notes struck at one onset); abc, tabla: tokens */
    const int32_t *prime; /* tokens fed before sampling (may be NULL: <start> alone) */
    size_t n_prime;
    uint64_t seed;
    /* Called with every sampled token as soon as it is chosen (live playback); a non-zero
     * return stops generation.  May be NULL. */
    int (*on_token)(int token, void *ud);
    void *ud;
    /* Called before each token is sampled with the sequence so far (<start>, primer, sampled
     * tokens) and the mask of allowed tokens (vocabulary-size entries, 1: allowed) to narrow:
     * a grammar that keeps generated sequences well formed (tabla: the taal's cycle).  A
     * non-zero return stops generation.  May be NULL. */
    int (*constrain)(const int32_t *seq, size_t len, uint8_t *mask, void *ud);
    /* Called after constrain, with its ud, on the network's logits (vocabulary-size entries)
     * to add a prior to (notes: staying in key, repeating the bar before).  May be NULL. */
    void (*reweight)(float *logits, const uint8_t *mask, void *ud);
    void *constrain_ud;
} srnn_generate_opts;

/* Runs the network from a fresh state over the primer, then samples until `length` is reached
 * or, in abc and tabla mode, the end token is sampled (notes mode never ends early: <end> and
 * <start> are never sampled there; the last event gets its duration token).  In notes mode at
 * most 32 tokens an event are sampled, so a model stuck on time shifts still ends.  *out gets
 * <start>, the primer, then the sampled tokens (malloc'ed); *n their count. */
int srnn_generate(struct srnn_nn *nn, const struct srnn_vocab *vocab,
                  const srnn_generate_opts *opts, int32_t **out, size_t *n,
                  srnn_error *err) SRNN_WARN_UNUSED;

/* The negative log-likelihood (nats, summed; *count the tokens scored) of tokens[1..n) after
 * tokens[0] (<start>) under the distribution srnn_generate samples from at o->sample's
 * temperature (without top-k, top-p): the network's, narrowed by o->constrain and shaped by
 * o->reweight, renormalized.  A token the grammar would never sample (in notes mode <end>, a
 * pitch outside the range) is scored by the network alone; *outside counts them. */
int srnn_generate_score(struct srnn_nn *nn, const struct srnn_vocab *vocab,
                        const srnn_generate_opts *opts, const int32_t *tokens, size_t n,
                        double *nll, size_t *count, size_t *outside,
                        srnn_error *err) SRNN_WARN_UNUSED;

/* The same token by token: net[i] (the network alone, at the temperature) and sampled[i] (as
 * srnn_generate_score scores it) are the NLL of tokens[i + 1], i in [0, n - 1); either may be
 * NULL. */
int srnn_generate_score_each(struct srnn_nn *nn, const struct srnn_vocab *vocab,
                             const srnn_generate_opts *opts, const int32_t *tokens, size_t n,
                             double *net, double *sampled, size_t *outside,
                             srnn_error *err) SRNN_WARN_UNUSED;

#endif
