/* songrnn nn internals: row dot products, the one hand-vectorized kernel (generation step).
 *
 *   y[r] = bias[r] + w[r * ld .. r * ld + d) . x[0 .. d)      for r in [0, n)
 *
 * bias may be NULL (0).  In float on x86-64, AVX-512 or AVX2+FMA code chosen at run time by
 * the CPU's flags (the build does not assume a CPU); elsewhere, and in double, cblas_?gemv. */
#ifndef SRNN_NN_ROWDOT_H
#define SRNN_NN_ROWDOT_H

#include <stddef.h>

#include "songrnn/nn.h"

void nn_rowdot(srnn_real *y, const srnn_real *bias, const srnn_real *w, size_t ld,
               const srnn_real *x, int n, int d);

/* The kernel in use: "avx512", "avx2" or "blas" (for the benchmark's report). */
const char *nn_rowdot_kernel(void);

#endif
