/* songrnn — things every module shares: status codes, error reports, attributes. */
#ifndef SONGRNN_COMMON_H
#define SONGRNN_COMMON_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define SRNN_WARN_UNUSED __attribute__((warn_unused_result))
#define SRNN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SRNN_WARN_UNUSED
#define SRNN_PRINTF(a, b)
#endif

/* Status returns: 0 success, negative failure.  The reason is in an srnn_error. */
enum {
    SRNN_OK = 0,
    SRNN_EINPUT = -1,   /* the input is malformed or unsupported */
    SRNN_ENOMEM = -2,   /* out of memory */
    SRNN_EIO = -3,      /* reading or writing a file failed */
    SRNN_EARG = -4,     /* a caller passed an invalid argument */
};

/* What went wrong, in one line without the file name (the caller adds it).
 * line/col are 1-based positions in text input, 0 when not applicable. */
typedef struct srnn_error {
    char msg[256];
    int line;
    int col;
} srnn_error;

/* Sets err (when not NULL) and returns code, so that `return srnn_error_set(...)` reads well. */
int srnn_error_set(srnn_error *err, int code, const char *fmt, ...) SRNN_PRINTF(3, 4);
int srnn_error_set_at(srnn_error *err, int code, int line, int col, const char *fmt, ...)
    SRNN_PRINTF(5, 6);
void srnn_error_clear(srnn_error *err);

/* Writes size bytes to path through a temporary file in the same folder (PATH.tmp.PID) and a
 * rename, so a crash or full disk never leaves a half-written file or destroys the old one.
 * After a write, the temporary files that killed writers left are removed (below). */
int srnn_file_write_atomic(const char *path, const void *data, size_t size, srnn_error *err)
    SRNN_WARN_UNUSED;
/* Removes PATH.tmp.PID files whose PID is no longer a process (a writer killed mid-write). */
void srnn_file_sweep_stale(const char *path);
/* Reads a whole file into a malloc'ed buffer (NUL-terminated for text convenience). */
int srnn_file_read_all(const char *path, unsigned char **data, size_t *size, srnn_error *err)
    SRNN_WARN_UNUSED;

#endif
