/* A minimal test harness shared by the C tests: CHECK(cond) records a failure with its
 * location and goes on; CHECK_NEAR for floating point; main returns check_finish(). */
#ifndef SRNN_TESTS_CHECK_H
#define SRNN_TESTS_CHECK_H

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- scratch folders ---- */

/* Makes /tmp/srnn-NAME-XXXXXX into dir.  0, or -1 (reported on stderr). */
static inline int check_scratch_make(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "/tmp/srnn-%s-XXXXXX", name);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return -1;
    }
    return 0;
}

/* Removes path and, for a folder, everything in it. */
static inline void check_scratch_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            size_t len = strlen(path) + strlen(e->d_name) + 2;
            char *sub = malloc(len);
            if (!sub)
                break;
            snprintf(sub, len, "%s/%s", path, e->d_name);
            check_scratch_remove(sub);
            free(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Entries of folder dir whose names start with prefix ("": all but the dot files); -1 when it
 * cannot be read. */
static inline int check_count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += *prefix ? strncmp(e->d_name, prefix, strlen(prefix)) == 0 : e->d_name[0] != '.';
    closedir(d);
    return n;
}

static inline int check_finish(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count_, check_failures_);
    return check_failures_ ? 1 : 0;
}

#endif
