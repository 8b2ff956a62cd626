/* songrnn nn internals: exp, tanh and sigmoid over arrays, written branch-free so the compiler
 * vectorizes them (glibc's expf/tanhf are scalar calls and would dominate the LSTM's
 * element-wise pass).  float: Cephes' polynomials, within ~2 ulp of libm; double (gradient
 * checks): libm itself.  Out-of-place forms must not alias; the _ip forms work in place.
 * The loops vectorize only with -fno-trapping-math (set in src/nn/meson.build): otherwise the
 * compiler keeps the selects below as branches. */
#ifndef SRNN_NN_FASTMATH_H
#define SRNN_NN_FASTMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "songrnn/nn.h"

#ifdef SRNN_NN_DOUBLE

static inline void nn_exp_ip(double *x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = exp(x[i]);
}
static inline void nn_tanh_ip(double *x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = tanh(x[i]);
}
static inline void nn_sigmoid_ip(double *x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = 1.0 / (1.0 + exp(-x[i]));
}

#else

/* Cephes expf: 2^n * exp(r), |r| <= ln2/2, degree-6 polynomial. */
static inline float nn_expf1(float x)
{
    x = x > 88.0f ? 88.0f : x; /* keeps 2^n finite */
    x = x < -87.3365447505531f ? -87.3365447505531f : x;
    float fx = x * 1.44269504088896341f;
    /* round to nearest by adding and removing 1.5 * 2^23 (roundf is no SSE2 instruction) */
    float n = (fx + 12582912.0f) - 12582912.0f;
    int ni = (int)n;
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500E-4f;
    p = p * r + 1.3981999507E-3f;
    p = p * r + 8.3334519073E-3f;
    p = p * r + 4.1665795894E-2f;
    p = p * r + 1.6666665459E-1f;
    p = p * r + 5.0000001201E-1f;
    float y = p * r * r + r + 1.0f;
    /* n in [-126, 127] after the clamps; scale by 2^n through the exponent bits */
    int32_t bits = (int32_t)((uint32_t)(ni + 127) << 23);
    float s;
    memcpy(&s, &bits, sizeof s);
    return y * s;
}

/* Cephes tanhf: an odd polynomial below 0.625 (no cancellation near 0), 1 - 2/(e^2x + 1)
 * above; both computed and one selected, so the loop stays branch-free. */
static inline float nn_tanhf1(float x)
{
    float ax = fabsf(x);
    float z = x * x;
    float p = -5.70498872745E-3f;
    p = p * z + 2.06390887954E-2f;
    p = p * z - 5.37397155531E-2f;
    p = p * z + 1.33314422036E-1f;
    p = p * z - 3.33332819422E-1f;
    float small = p * z * x + x;
    float e = nn_expf1(2.0f * ax);
    float big = 1.0f - 2.0f / (e + 1.0f);
    big = x < 0 ? -big : big;
    return ax < 0.625f ? small : big;
}

static inline float nn_sigmoidf1(float x) { return 1.0f / (1.0f + nn_expf1(-x)); }

static inline void nn_exp_ip(float *x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = nn_expf1(x[i]);
}
static inline void nn_tanh_ip(float *x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = nn_tanhf1(x[i]);
}
static inline void nn_sigmoid_ip(float *x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = nn_sigmoidf1(x[i]);
}

#endif

/* out = f(in) for non-overlapping arrays. */
static inline void nn_tanh_to(srnn_real *restrict out, const srnn_real *restrict in, int n)
{
    memcpy(out, in, (size_t)n * sizeof *out);
    nn_tanh_ip(out, n);
}

#endif
