/* The three modes of songrnn (notes, abc, tabla) seen from the command line: how files of the
 * mode become documents and tokens, and how tokens become output.  Every command goes through
 * this table, so a mode is one file (mode_notes.c, mode_abc.c, mode_tabla.c). */
#ifndef SRNN_CLI_MODE_H
#define SRNN_CLI_MODE_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "songrnn/notes.h"
#include "songrnn/vocab.h"

/* A document: one piece (notes mode), one tune (abc), one composition (tabla). */
typedef struct cli_doc {
    char *label;       /* for messages: the path, or "path X:3" for one tune of a file */
    srnn_piece *piece; /* notes mode (NULL otherwise) */
    char *text;        /* abc, tabla: the document's text (NUL-terminated) */
    size_t len;
} cli_doc;

typedef struct cli_docs {
    cli_doc *d; /* [n] */
    size_t n, cap;
    size_t n_failed; /* files reported and skipped */
} cli_docs;

struct srnn_model;
struct srnn_generate_opts;

typedef struct cli_mode {
    srnn_mode mode;
    const char *name;
    const char *const *in_exts; /* extensions searched for in folders, lower case */
    const char *text_ext;       /* the mode's own notation for output ("abc", "bol"), or NULL */
    const char *what;           /* "MIDI file", for messages: "no MIDI files found (.mid, ...)" */
    int default_length;         /* of generate: notes events, abc characters, tabla tokens */

    /* Reads one file into documents (appended to docs).  Reports and returns -1 when the file
     * cannot be read; a file with several documents may report some and keep the others. */
    int (*load)(const char *path, const srnn_opts *o, cli_docs *docs);
    /* The vocabulary of a corpus (coverage printed to stderr unless o->quiet).  0 or -1 after
     * reporting. */
    int (*build_vocab)(const cli_docs *docs, const srnn_opts *o, srnn_vocab **out);
    /* A document's tokens, framed by <start> and <end>. */
    int (*encode)(const srnn_vocab *v, const cli_doc *doc, int32_t **toks, size_t *n,
                  srnn_error *err);
    /* Tokens in the mode's own notation (notes: the token strings).  *text malloc'ed. */
    int (*to_text)(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                   srnn_error *err);
    /* Tokens as music, for .mid, .wav and live play.  A piece without a tempo map gets the
     * caller's tempo. */
    int (*to_piece)(const srnn_vocab *v, const int32_t *toks, size_t n, const srnn_opts *o,
                    srnn_piece **out, srnn_error *err);
    /* A document as music (eval): notes hands over the document's piece, abc and tabla parse
     * its text.  0, or -1 after reporting. */
    int (*doc_piece)(cli_doc *doc, const srnn_opts *o, srnn_piece **out);
    /* --prime-text STR as tokens (without the end token); NULL when the mode has no text. */
    int (*prime_text)(const srnn_vocab *v, const char *text, int32_t **toks, size_t *n,
                      srnn_error *err);
    /* Generation in the mode's grammar (tabla: the taal's cycle); each may be NULL.
     * gen_primer: the opening when the user gives none, kept in the output (tabla: <start>
     * taal:NAME); 0 or -1 after reporting.  gen_begin: sets go's length and constraint for one
     * output, *state freed by gen_end; 0, or 1 (input) / 2 (usage error) after reporting. */
    int (*gen_primer)(const srnn_vocab *v, const srnn_opts *o, int32_t **toks, size_t *n);
    int (*gen_begin)(const srnn_vocab *v, const srnn_opts *o, struct srnn_generate_opts *go,
                     void **state);
    void (*gen_end)(void *state);
    /* Adjusts a stored training window used as the primer (the buffer has room for 2 more
     * tokens); NULL: used as it is.  abc: the window becomes the end of a previous tune. */
    void (*frame_window)(const srnn_vocab *v, int32_t *toks, size_t *n);
    /* The soundfont for the mode's audio when --soundfont is not given; NULL: a GM font. */
    const char *(*soundfont)(const srnn_opts *o);
} cli_mode;

extern const cli_mode CLI_MODE_NOTES;

/* The mode of a model or --mode; NULL when this build lacks it. */
const cli_mode *cli_mode_get(srnn_mode mode);
const cli_mode *cli_mode_by_name(const char *name);
/* --mode when given, else the mode most of the inputs' extensions belong to (folders searched).
 * Reports and returns NULL when no input has a known extension. */
const cli_mode *cli_mode_choose(const srnn_opts *o);

/* Reads every file of the mode among args (folders recursively).  0 when at least one document
 * was read, else 1 after reporting ("no MIDI files found", "no readable ..."). */
int cli_docs_load(const cli_mode *m, const char *const *args, int n_args, const srnn_opts *o,
                  cli_docs *docs);
/* Appends a document (label and text copied; the piece is taken over). */
int cli_docs_push(cli_docs *docs, const char *label, srnn_piece *piece, const char *text,
                  size_t len);
void cli_docs_free(cli_docs *docs);

/* Writes tokens to path in the format its extension asks for: .mid/.midi, .wav (offline
 * render), the mode's own text extension, or "-" (the mode's text on stdout).  Reports and
 * returns -1 on failure. */
int cli_mode_write(const cli_mode *m, const struct srnn_model *model, const srnn_opts *o,
                   const char *path, const int32_t *toks, size_t n);
/* Whether cli_mode_write can write this path (for a usage error before any work). */
int cli_mode_can_write(const cli_mode *m, const char *path);

/* Loads a model and finds the mode it was trained in.  0, or -1 after reporting (a file that is
 * no model, or a mode this build lacks). */
int cli_model_open(const char *path, struct srnn_model **m, const cli_mode **mode);

/* The tokens generation starts from: the opening of --prime FILE or --prime-text (at most one
 * window), or one of the training windows stored in the model, picked by seed (none: <start>
 * alone).  *keep says whether they belong in the output.  0, or -1 after reporting. */
int cli_mode_primer(const cli_mode *mode, const struct srnn_model *m, const srnn_opts *o,
                    uint64_t seed, int32_t **out, size_t *n, int *keep);

/* Notes-mode helpers others use too: the coverage line, and tokens as their strings. */
void cli_print_coverage(const srnn_coverage *cov, int vocab_size);
int cli_tokens_to_text(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                       srnn_error *err);

/* The tempo output gets: --tempo, else the model's corpus tempo, else 120. */
double cli_output_bpm(const struct srnn_model *model, const srnn_opts *o);

#endif
