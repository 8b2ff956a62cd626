/* songrnn — things every module shares: status codes, error reports, attributes. */
#ifndef SONGRNN_COMMON_H
#define SONGRNN_COMMON_H

#include <stddef.h>
#include <stdio.h>

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

/* ---- files (src/core/file.c) ----------------------------------------------------------- */

/* Whether paths a and b name the same file: both exist (symbolic links followed) and have the
 * same device and inode, so a hard link, a symlink or a ./ spelling of a file is the file.  A
 * path that does not exist names nothing and is the same as nothing. */
int srnn_file_same(const char *a, const char *b);

/* An output file while it is written.  A regular file or a new path is written to a temporary
 * file next to it (DEST.tmp.PID) that is renamed over DEST when complete, so a crash, a kill or
 * a full disk never leaves a half-written file or destroys the old one; DEST is the path with
 * symbolic links resolved, so a link stays a link (and /dev/stdout is never replaced).  An
 * existing file of another kind (a character or block device such as /dev/null, a FIFO) is
 * opened and written in place: renaming over it would replace the device node or the pipe
 * with a regular file.  The temporary file is in the signal registry (below) while it exists. */
typedef struct srnn_output {
    char *dest;     /* where the data ends up */
    char *tmp;      /* the temporary file; NULL: written in place */
    int fd;         /* open for writing; -1 after srnn_output_stream or with NAME_ONLY */
    FILE *f;        /* srnn_output_stream's stream, or NULL */
    int slot;       /* the temporary file's registry slot, -1 */
} srnn_output;

enum {
    /* Someone else (FluidSynth's file driver) opens srnn_output_name itself: the temporary
     * file is created and closed (so an unwritable folder is said now), a file written in
     * place is not opened (opening a FIFO would block, and closing it would end the reader's
     * input). */
    SRNN_OUTPUT_NAME_ONLY = 1,
};

int srnn_output_open(srnn_output *out, const char *path, unsigned flags, srnn_error *err)
    SRNN_WARN_UNUSED;
/* The file to write to: the temporary file, or the destination itself when in place. */
const char *srnn_output_name(const srnn_output *out);
int srnn_output_in_place(const srnn_output *out);
/* The descriptor as a buffered stream (the output owns it; NULL after a message in err). */
FILE *srnn_output_stream(srnn_output *out, srnn_error *err);
/* Flushes (the stream's errors included), syncs and closes, then renames the temporary file
 * over the destination and removes what killed writers of it left (srnn_file_sweep_stale).
 * On failure the temporary file is removed and the destination is as it was.  Frees out. */
int srnn_output_commit(srnn_output *out, srnn_error *err) SRNN_WARN_UNUSED;
/* Closes and removes the temporary file; the destination is as it was.  Frees out. */
void srnn_output_abort(srnn_output *out);

/* Writes size bytes to path through srnn_output: the temporary file and rename for a regular
 * file or a new path, in place for a device or a FIFO. */
int srnn_file_write_atomic(const char *path, const void *data, size_t size, srnn_error *err)
    SRNN_WARN_UNUSED;
/* Removes PATH.tmp.PID files whose PID is no longer a process (a writer killed mid-write). */
void srnn_file_sweep_stale(const char *path);
/* Reads a whole file into a malloc'ed buffer (NUL-terminated for text convenience). */
int srnn_file_read_all(const char *path, unsigned char **data, size_t *size, srnn_error *err)
    SRNN_WARN_UNUSED;

/* ---- temporary files removed on a signal (src/core/cleanup.c) --------------------------- *
 * The temporary files being written are registered; a program that installs
 * srnn_tmp_cleanup_on_signals has them removed when a signal ends it, so Ctrl-C during a long
 * render leaves no OUT.wav.tmp.PID behind.  The registry is a fixed table read by the signal
 * handler without locks; registering from several threads is safe. */

/* Registers path; returns its slot, or -1 when the table is full or the path too long (the
 * file is then only removed by a later srnn_file_sweep_stale).  Register before creating the
 * file, unregister after renaming or removing it: a signal in between finds nothing to remove. */
int srnn_tmp_register(const char *path);
void srnn_tmp_unregister(int slot);
/* Removes every registered file (async-signal-safe: unlink only). */
void srnn_tmp_remove_all(void);
/* For SIGINT, SIGTERM, SIGHUP, SIGPIPE and SIGXFSZ where they have their default action:
 * a handler that removes the registered files and then lets the signal end the process as it
 * would have (same status).  A signal the program ignores (nohup) or handles itself (train's
 * Ctrl-C, which saves) stays so; a handler installed later replaces this one.  Idempotent. */
void srnn_tmp_cleanup_on_signals(void);

#endif
