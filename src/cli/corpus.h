/* Reading the files a command is given into pieces: MIDI now, ABC and bol as those modes land.
 * An unreadable file is reported and skipped; the rest still count. */
#ifndef SRNN_CLI_CORPUS_H
#define SRNN_CLI_CORPUS_H

#include <stddef.h>

#include "songrnn/notes.h"

typedef struct cli_corpus {
    srnn_piece **pieces; /* [n] */
    char **paths;        /* [n] the file each piece came from */
    size_t n, cap;
    size_t n_failed;     /* files reported and skipped */
} cli_corpus;

/* Extensions searched in folders for MIDI input. */
extern const char *const CLI_MIDI_EXTS[];

/* Gathers files (folders recursively) and reads every MIDI file.  Returns 0 when at least one
 * piece was read; otherwise reports why ("no MIDI files found", "no readable MIDI file") and
 * returns 1. */
int cli_corpus_load_midi(cli_corpus *c, const char *const *args, int n_args, int quiet);
void cli_corpus_free(cli_corpus *c);


#include "options.h"
#include "songrnn/vocab.h"

/* Builds the notes vocabulary of a corpus with the options' bound and grid. Returns 0 or 1
 * after reporting. */
int cli_build_notes_vocab(const cli_corpus *c, const srnn_opts *o, srnn_vocab **out,
                          srnn_coverage *cov);
/* One line on stderr: pieces, notes, events, pitch sets, vocabulary and its coverage. */
void cli_print_coverage(const srnn_coverage *cov, int vocab_size);

#endif
