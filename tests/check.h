/* A minimal test harness shared by the C tests: CHECK(cond) records a failure with its
 * location and goes on; CHECK_NEAR for floating point; main returns check_finish(). */
#ifndef SRNN_TESTS_CHECK_H
#define SRNN_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures_;
static int check_count_;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        check_count_++;                                                                        \
        if (!(cond)) {                                                                         \
            check_failures_++;                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);           \
        }                                                                                      \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                   \
    do {                                                                                       \
        check_count_++;                                                                        \
        if (!(cond)) {                                                                         \
            check_failures_++;                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fputc('\n', stderr);                                                               \
        }                                                                                      \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                  \
    do {                                                                                       \
        double a_ = (double)(a), b_ = (double)(b);                                             \
        check_count_++;                                                                        \
        if (!(fabs(a_ - b_) <= (tol))) {                                                       \
            check_failures_++;                                                                 \
            fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %.9g, %s = %.9g (tol %g)\n",       \
                    __FILE__, __LINE__, #a, a_, #b, b_, (double)(tol));                        \
        }                                                                                      \
    } while (0)

/* Test programs exit 77 to tell meson a test was skipped (e.g. ../shared absent). */
#define CHECK_SKIP 77

static inline int check_finish(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count_, check_failures_);
    return check_failures_ ? 1 : 0;
}

#endif
