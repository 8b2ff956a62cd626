/* Inside src/mode: the hooks each mode file fills, the documents, and helpers they share. */
#ifndef SRNN_MODE_INTERNAL_H
#define SRNN_MODE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/mode.h"

/* One document: a piece (notes) or a text (abc tune, tabla composition). */
typedef struct srnn_doc {
    char *label;
    srnn_piece *piece;
    char *text; /* NUL-terminated */
    size_t len;
} srnn_doc;

struct srnn_docs {
    const srnn_mode_def *mode;
    srnn_doc *d; /* [n] */
    size_t n, cap;
    size_t n_failed;
};

struct srnn_mode_hooks {
    /* Reads one file into documents (appended).  A file with several documents may report
     * some (left out) and keep the others; none kept is an error. */
    int (*load)(const char *path, const srnn_mode_opts *o, srnn_docs *docs,
                srnn_mode_error *err);
    /* The vocabulary of the documents, and what the corpus became. */
    int (*build_vocab)(const srnn_docs *docs, const srnn_mode_opts *o, srnn_vocab **out,
                       srnn_docs_stats *st, srnn_mode_error *err);
    int (*encode)(const srnn_vocab *v, const srnn_doc *doc, int32_t **toks, size_t *n,
                  srnn_error *err);
    int (*to_text)(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                   srnn_error *err);
    int (*to_piece)(const srnn_vocab *v, const int32_t *toks, size_t n, const srnn_mode_opts *o,
                    srnn_piece **out, srnn_error *err);
    int (*doc_piece)(srnn_doc *doc, const srnn_mode_opts *o, srnn_piece **out, srnn_error *err);
    /* A file as music for render and play (srnn_mode_read_piece). */
    int (*read_piece)(const char *path, const srnn_mode_opts *o, srnn_piece **out,
                      srnn_mode_error *err);
    /* Each of these may be NULL. */
    /* The pieces of a file that holds several (srnn_mode_list_pieces); NULL: one. */
    int (*list_pieces)(const char *path, const srnn_mode_opts *o, srnn_mode_piece_info **out,
                       size_t *n, srnn_mode_error *err);
    int (*prime_text)(const srnn_vocab *v, const char *text, int32_t **toks, size_t *n,
                      srnn_error *err);
    /* The opening when the user gives none, kept in the output (tabla: <start> taal:NAME). */
    int (*gen_primer)(const srnn_vocab *v, const srnn_mode_opts *o, int32_t **toks, size_t *n,
                      srnn_mode_error *err);
    int (*gen_begin)(const srnn_vocab *v, const srnn_mode_opts *o,
                     struct srnn_generate_opts *go, void **state, srnn_mode_error *err);
    void (*gen_end)(void *state);
    /* Adjusts a stored training window used as the primer (room for 2 more tokens). */
    void (*frame_window)(const srnn_vocab *v, int32_t *toks, size_t *n);
    const char *(*soundfont)(const srnn_mode_opts *o);
};

extern const srnn_mode_def SRNN_MODE_DEF_NOTES;
#if SRNN_MODE_HAVE_ABC
extern const srnn_mode_def SRNN_MODE_DEF_ABC;
#endif
#if SRNN_MODE_HAVE_TABLA
extern const srnn_mode_def SRNN_MODE_DEF_TABLA;
#endif

/* Appends a document (label and text copied, piece taken over on success).  0 or -1 (out of
 * memory). */
int srnn_mode_docs_add(srnn_docs *docs, const char *label, srnn_piece *piece, const char *text,
                       size_t len);

/* err = {label, message}; returns code. */
int srnn_mode_fail(srnn_mode_error *err, const char *label, int code, const char *fmt, ...)
    SRNN_PRINTF(4, 5);
/* err = {label, e}; returns code. */
int srnn_mode_fail_with(srnn_mode_error *err, const char *label, int code, const srnn_error *e);
/* Hands a non-fatal report to o->report. */
void srnn_mode_report(const srnn_mode_opts *o, const char *label, const srnn_error *e);
void srnn_mode_reportf(const srnn_mode_opts *o, const char *label, const char *fmt, ...)
    SRNN_PRINTF(3, 4);

/* A failure that is not the caller's usage: SRNN_EARG of a lower layer becomes SRNN_EINPUT, so
 * that SRNN_EARG from read_piece and gen_begin always means options out of range. */
static inline int srnn_mode_not_usage(int rc) { return rc == SRNN_EARG ? SRNN_EINPUT : rc; }

/* Lower-case extension of path without the dot ("" when none) into ext[16]. */
const char *srnn_mode_extension(const char *path, char ext[16]);
int srnn_mode_ext_in(const char *ext, const char *const *exts);

/* Files of the given paths (folders searched recursively, sorted) whose extension is in exts;
 * a file given by name is kept whatever its extension.  Each real folder is searched once and
 * each real file found once (by device and inode), so symlink loops end and links add no
 * duplicates; only regular files are taken from folders.  A folder that cannot be opened is
 * reported and skipped (counted in failed); a missing path or a device is an error. */
typedef struct srnn_mode_files {
    char **paths;
    size_t n, cap;
    size_t failed; /* folders that could not be opened */
} srnn_mode_files;
int srnn_mode_files_gather(srnn_mode_files *out, const char *const *args, int n_args,
                           const char *const *exts, const srnn_mode_opts *o,
                           srnn_mode_error *err);
void srnn_mode_files_free(srnn_mode_files *f);

#endif
