/* songrnn — a small, fast, seedable random generator (src/core), the same on every machine:
 * weights, dropout, shuffles and sampling all draw from it, so a seed reproduces a run. */
#ifndef SONGRNN_RNG_H
#define SONGRNN_RNG_H

#include <stdint.h>

/* xoshiro256** (Blackman & Vigna), seeded through splitmix64. */
typedef struct srnn_rng {
    uint64_t s[4];
} srnn_rng;

void srnn_rng_seed(srnn_rng *rng, uint64_t seed);
uint64_t srnn_rng_next(srnn_rng *rng);
double srnn_rng_uniform(srnn_rng *rng); /* [0, 1) with 53 random bits */
uint64_t srnn_rng_below(srnn_rng *rng, uint64_t n); /* uniform in [0, n), n > 0 */
double srnn_rng_normal(srnn_rng *rng);             /* N(0, 1), Box-Muller */

#endif
