/* Sampling: hand-worked probabilities, checked by sweeping u over [0, 1) on a fine grid, so
 * the frequencies are exact up to the grid's resolution (no randomness in the test). */
#include <math.h>
#include <stdint.h>

#include "../check.h"
#include "songrnn/sample.h"

#define GRID 100000

/* Share of u in [0,1) for which token `tok` is picked. */
static double share(const float *logits, int n, srnn_sample_opts o, const uint8_t *mask, int tok)
{
    float scratch[3 * 16];
    int hits = 0;
    for (int i = 0; i < GRID; i++)
        hits += srnn_sample_token(logits, n, &o, (i + 0.5) / GRID, mask, scratch) == tok;
    return (double)hits / GRID;
}

int main(void)
{
    srnn_sample_opts o = {.temperature = 1, .top_k = 0, .top_p = 1, .argmax = 0};
    float scratch[3 * 16];

    /* logits 0 and ln 2: probabilities 1/3 and 2/3 */
    float two[2] = {0.0f, (float)log(2.0)};
    CHECK_NEAR(share(two, 2, o, NULL, 1), 2.0 / 3, 1e-4);
    /* temperature 0.5 squares the ratio: 4 : 1 */
    o.temperature = 0.5;
    CHECK_NEAR(share(two, 2, o, NULL, 1), 0.8, 1e-4);
    /* temperature 2 takes the square root: sqrt 2 : 1 */
    o.temperature = 2;
    CHECK_NEAR(share(two, 2, o, NULL, 1), sqrt(2.0) / (1 + sqrt(2.0)), 1e-4);
    o.temperature = 1;

    /* logits log(0.5, 0.3, 0.2) */
    float three[3] = {(float)log(0.5), (float)log(0.3), (float)log(0.2)};
    CHECK_NEAR(share(three, 3, o, NULL, 0), 0.5, 1e-4);
    CHECK_NEAR(share(three, 3, o, NULL, 2), 0.2, 1e-4);
    /* top-p 0.7 keeps 0.5 and 0.3 -> 0.625 and 0.375 */
    o.top_p = 0.7;
    CHECK_NEAR(share(three, 3, o, NULL, 0), 0.625, 1e-4);
    CHECK_NEAR(share(three, 3, o, NULL, 2), 0.0, 0);
    /* top-p 0.4 keeps only the first */
    o.top_p = 0.4;
    CHECK_NEAR(share(three, 3, o, NULL, 0), 1.0, 0);
    o.top_p = 1;
    /* top-k 2 keeps the same two */
    o.top_k = 2;
    CHECK_NEAR(share(three, 3, o, NULL, 1), 0.375, 1e-4);
    o.top_k = 0;
    /* a mask removes a token and renormalizes the rest: 0.5/0.7 */
    uint8_t mask[3] = {1, 0, 1};
    CHECK_NEAR(share(three, 3, o, mask, 0), 0.5 / 0.7, 1e-4);
    CHECK_NEAR(share(three, 3, o, mask, 1), 0.0, 0);

    /* argmax, also with a mask, and with everything masked */
    o.argmax = 1;
    CHECK(srnn_sample_token(three, 3, &o, 0.99, NULL, scratch) == 0);
    uint8_t mask0[3] = {0, 1, 1};
    CHECK(srnn_sample_token(three, 3, &o, 0.99, mask0, scratch) == 1);
    uint8_t none[3] = {0, 0, 0};
    CHECK(srnn_sample_token(three, 3, &o, 0.5, none, scratch) == 0);
    o.argmax = 0;
    /* u at the very top never runs off the end */
    CHECK(srnn_sample_token(three, 3, &o, 0.9999999999, NULL, scratch) == 2);

    /* option checks */
    srnn_error err;
    srnn_sample_opts bad = o;
    bad.temperature = -1;
    CHECK(srnn_sample_opts_check(&bad, &err) != SRNN_OK);
    bad = o;
    bad.top_p = 1.5;
    CHECK(srnn_sample_opts_check(&bad, &err) != SRNN_OK);
    bad = o;
    bad.top_p = 0;
    CHECK(srnn_sample_opts_check(&bad, &err) != SRNN_OK);
    CHECK(srnn_sample_opts_check(&o, &err) == SRNN_OK);

    /* the generator: reproducible, in range, roughly uniform */
    srnn_rng a, b;
    srnn_rng_seed(&a, 42);
    srnn_rng_seed(&b, 42);
    int same = 1, counts[10] = {0};
    double lo = 1, hi = 0;
    for (int i = 0; i < 100000; i++) {
        double x = srnn_rng_uniform(&a);
        same &= x == srnn_rng_uniform(&b);
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        counts[srnn_rng_below(&a, 10)]++;
        (void)srnn_rng_below(&b, 10);
    }
    CHECK(same);
    CHECK(lo >= 0 && hi < 1 && lo < 0.001 && hi > 0.999);
    for (int i = 0; i < 10; i++)
        CHECK_MSG(counts[i] > 9500 && counts[i] < 10500, "bucket %d: %d", i, counts[i]);
    srnn_rng_seed(&b, 43);
    srnn_rng_seed(&a, 42);
    CHECK(srnn_rng_next(&a) != srnn_rng_next(&b));

    return check_finish("test_sample");
}
