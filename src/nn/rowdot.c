/* songrnn nn: row dot products for the generation step (see rowdot.h).
 *
 * Why not cblas_sgemv: for batch 1 the step is bound by how fast weights reach the core, and
 * four rows at a time with one shared x load get more of that rate than OpenBLAS's sgemv does
 * on the same rows: the reference model's matrix-vector products alone ran at 26k tokens/s
 * with this kernel split over 2 threads, 20k with sgemv on the same split (7.1k vs 6.5k on one
 * core).  Four rows keep four independent FMA chains in flight; the columns' tail is masked
 * (AVX-512) or scalar (AVX2).  Each row's sum runs in the same order whatever the split, so the
 * step's results do not depend on the thread count. */
#include <string.h>

#include "blas.h"
#include "rowdot.h"

#if !defined(SRNN_NN_DOUBLE) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ROWDOT_X86 1
#include <immintrin.h>
#include <pthread.h>
#endif

/* Portable: y = bias; y += W x. */
static void rowdot_blas(srnn_real *y, const srnn_real *bias, const srnn_real *w, size_t ld,
                        const srnn_real *x, int n, int d)
{
    if (bias)
        memcpy(y, bias, (size_t)n * sizeof *y);
    else
        memset(y, 0, (size_t)n * sizeof *y);
    GEMV(CblasRowMajor, CblasNoTrans, n, d, 1, w, (int)ld, x, 1, 1, y, 1);
}

#ifdef ROWDOT_X86

__attribute__((target("avx512f"))) static void rowdot_avx512(float *y, const float *bias,
                                                              const float *w, size_t ld,
                                                              const float *x, int n, int d)
{
    int d16 = d & ~15;
    __mmask16 tail = (__mmask16)((1u << (d - d16)) - 1);
    int r = 0;
    for (; r + 4 <= n; r += 4) {
        const float *w0 = w + (size_t)r * ld, *w1 = w0 + ld, *w2 = w1 + ld, *w3 = w2 + ld;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < d16; k += 16) {
            __m512 xv = _mm512_loadu_ps(x + k);
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + k), xv, a0);
            a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + k), xv, a1);
            a2 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + k), xv, a2);
            a3 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + k), xv, a3);
        }
        if (tail) {
            __m512 xv = _mm512_maskz_loadu_ps(tail, x + d16);
            a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w0 + d16), xv, a0);
            a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w1 + d16), xv, a1);
            a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w2 + d16), xv, a2);
            a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w3 + d16), xv, a3);
        }
        y[r] = _mm512_reduce_add_ps(a0) + (bias ? bias[r] : 0);
        y[r + 1] = _mm512_reduce_add_ps(a1) + (bias ? bias[r + 1] : 0);
        y[r + 2] = _mm512_reduce_add_ps(a2) + (bias ? bias[r + 2] : 0);
        y[r + 3] = _mm512_reduce_add_ps(a3) + (bias ? bias[r + 3] : 0);
    }
    for (; r < n; r++) {
        const float *w0 = w + (size_t)r * ld;
        __m512 a0 = _mm512_setzero_ps();
        for (int k = 0; k < d16; k += 16)
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + k), _mm512_loadu_ps(x + k), a0);
        if (tail)
            a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w0 + d16),
                                 _mm512_maskz_loadu_ps(tail, x + d16), a0);
        y[r] = _mm512_reduce_add_ps(a0) + (bias ? bias[r] : 0);
    }
}

__attribute__((target("avx2,fma"))) static float hsum256(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) static void rowdot_avx2(float *y, const float *bias,
                                                             const float *w, size_t ld,
                                                             const float *x, int n, int d)
{
    int d8 = d & ~7;
    int r = 0;
    for (; r + 4 <= n; r += 4) {
        const float *w0 = w + (size_t)r * ld, *w1 = w0 + ld, *w2 = w1 + ld, *w3 = w2 + ld;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < d8; k += 8) {
            __m256 xv = _mm256_loadu_ps(x + k);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + k), xv, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + k), xv, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + k), xv, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + k), xv, a3);
        }
        float s0 = hsum256(a0), s1 = hsum256(a1), s2 = hsum256(a2), s3 = hsum256(a3);
        for (int k = d8; k < d; k++) {
            s0 += w0[k] * x[k];
            s1 += w1[k] * x[k];
            s2 += w2[k] * x[k];
            s3 += w3[k] * x[k];
        }
        y[r] = s0 + (bias ? bias[r] : 0);
        y[r + 1] = s1 + (bias ? bias[r + 1] : 0);
        y[r + 2] = s2 + (bias ? bias[r + 2] : 0);
        y[r + 3] = s3 + (bias ? bias[r + 3] : 0);
    }
    for (; r < n; r++) {
        const float *w0 = w + (size_t)r * ld;
        __m256 a0 = _mm256_setzero_ps();
        for (int k = 0; k < d8; k += 8)
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + k), _mm256_loadu_ps(x + k), a0);
        float s0 = hsum256(a0);
        for (int k = d8; k < d; k++)
            s0 += w0[k] * x[k];
        y[r] = s0 + (bias ? bias[r] : 0);
    }
}

typedef void rowdot_fn(float *, const float *, const float *, size_t, const float *, int, int);

static rowdot_fn *fn;
static const char *fn_name;

static void pick(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        fn = rowdot_avx512, fn_name = "avx512";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        fn = rowdot_avx2, fn_name = "avx2";
    } else {
        fn = rowdot_blas, fn_name = "blas";
    }
}

static rowdot_fn *kernel(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, pick);
    return fn;
}

void nn_rowdot(float *y, const float *bias, const float *w, size_t ld, const float *x, int n,
               int d)
{
    if (n > 0)
        kernel()(y, bias, w, ld, x, n, d);
}

const char *nn_rowdot_kernel(void)
{
    kernel();
    return fn_name;
}

#else

void nn_rowdot(srnn_real *y, const srnn_real *bias, const srnn_real *w, size_t ld,
               const srnn_real *x, int n, int d)
{
    if (n > 0)
        rowdot_blas(y, bias, w, ld, x, n, d);
}

const char *nn_rowdot_kernel(void) { return "blas"; }

#endif
