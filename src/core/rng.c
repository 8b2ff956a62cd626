/* xoshiro256** (Blackman & Vigna): fast, small state, good statistics. */
#include <math.h>

#include "songrnn/rng.h"

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void srnn_rng_seed(srnn_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        rng->s[i] = z ^ (z >> 31);
    }
}

uint64_t srnn_rng_next(srnn_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double srnn_rng_uniform(srnn_rng *rng)
{
    return (double)(srnn_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint64_t srnn_rng_below(srnn_rng *rng, uint64_t n)
{
    if (n == 0)
        return 0;
    /* rejection keeps it unbiased */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = srnn_rng_next(rng);
    while (x >= limit);
    return x % n;
}

double srnn_rng_normal(srnn_rng *rng)
{
    double u1 = srnn_rng_uniform(rng), u2 = srnn_rng_uniform(rng);
    if (u1 < 1e-300)
        u1 = 1e-300; /* log(0) */
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
