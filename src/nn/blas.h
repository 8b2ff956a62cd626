/* songrnn nn internals: cblas in the precision of `real` (the only header that includes it). */
#ifndef SRNN_NN_BLAS_H
#define SRNN_NN_BLAS_H

#include <cblas.h>

/* openblas_config.h pulls in <complex.h>, whose macro I would clash with our sizes */
#undef I

#ifdef SRNN_NN_DOUBLE
#define GEMM cblas_dgemm
#define GEMV cblas_dgemv
#define EXP exp
#define TANH tanh
#define SQRT sqrt
#define LOG log
#else
#define GEMM cblas_sgemm
#define GEMV cblas_sgemv
#define EXP expf
#define TANH tanhf
#define SQRT sqrtf
#define LOG logf
#endif

/* Row-major shorthands: C[M][N] = alpha * op(A) . op(B) + beta * C. */
#define GEMM_NN(M, N, K, A, lda, B, ldb, beta, C, ldc)                                         \
    GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, A, lda, B, ldb, beta, C, ldc)
#define GEMM_NT(M, N, K, A, lda, B, ldb, beta, C, ldc)                                         \
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1, A, lda, B, ldb, beta, C, ldc)
#define GEMM_TN(M, N, K, A, lda, B, ldb, beta, C, ldc)                                         \
    GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, K, 1, A, lda, B, ldb, beta, C, ldc)

#endif
