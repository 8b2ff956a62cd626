/* Notes mode on the command line: MIDI files in, note and chord tokens, MIDI or audio out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mode.h"
#include "songrnn/midi.h"

static const char *const MIDI_EXTS[] = {"mid", "midi", "smf", "kar", NULL};

static int notes_load(const char *path, const srnn_opts *o, cli_docs *docs)
{
    (void)o;
    srnn_piece *p = NULL;
    srnn_error err = {0};
    if (srnn_midi_read(path, 0, &p, &err) != SRNN_OK) {
        cli_report(path, &err);
        return -1;
    }
    if (cli_docs_push(docs, path, p, NULL, 0) != 0) {
        srnn_piece_free(p);
        cli_fail(path, "out of memory");
        return -1;
    }
    return 0;
}

static int notes_doc_piece(cli_doc *doc, const srnn_opts *o, srnn_piece **out)
{
    (void)o;
    *out = doc->piece;
    doc->piece = NULL;
    return *out ? 0 : -1;
}

void cli_print_coverage(const srnn_coverage *cov, int vocab_size)
{
    double ev = cov->events ? 100.0 * (double)cov->events_covered / (double)cov->events : 0;
    double nt = cov->notes ? 100.0 * (double)cov->notes_covered / (double)cov->notes : 0;
    fprintf(stderr,
            "songrnn: %zu pieces, %zu notes, %zu events, %zu distinct pitch sets; vocabulary %d "
            "tokens with %zu chords; one token covers %.1f%% of events, %.1f%% of notes; "
            "%zu tokens\n",
            cov->pieces, cov->notes, cov->events, cov->distinct_sets, vocab_size,
            cov->chords_in_vocab, ev, nt, cov->tokens);
}

static int notes_build_vocab(const cli_docs *docs, const srnn_opts *o, srnn_vocab **out)
{
    srnn_notes_opts nopts = {.grid = o->grid, .max_vocab = o->vocab,
                             .velocity_bins = o->velocity_bins};
    srnn_notes_builder *b = srnn_notes_builder_new(&nopts);
    if (!b) {
        cli_fail("vocabulary", "out of memory");
        return -1;
    }
    for (size_t i = 0; i < docs->n; i++) {
        if (srnn_notes_builder_add(b, docs->d[i].piece) != SRNN_OK) {
            cli_fail(docs->d[i].label, "out of memory");
            srnn_notes_builder_free(b);
            return -1;
        }
    }
    srnn_error err = {0};
    srnn_coverage cov;
    int rc = srnn_notes_builder_finish(b, out, &cov, &err);
    srnn_notes_builder_free(b);
    if (rc != SRNN_OK) {
        cli_report("vocabulary", &err);
        return -1;
    }
    if (!o->quiet)
        cli_print_coverage(&cov, srnn_vocab_size(*out));
    return 0;
}

static int notes_encode(const srnn_vocab *v, const cli_doc *doc, int32_t **toks, size_t *n,
                        srnn_error *err)
{
    return srnn_notes_encode(v, doc->piece, toks, n, err);
}

/* The token strings, space-separated, one line. */
int cli_tokens_to_text(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                       srnn_error *err)
{
    size_t len = 2;
    for (size_t i = 0; i < n; i++) {
        const char *s = srnn_vocab_token(v, toks[i]);
        len += (s ? strlen(s) : 0) + 1;
    }
    char *buf = malloc(len), *p = buf;
    if (!buf)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *s = srnn_vocab_token(v, toks[i]);
        size_t l = s ? strlen(s) : 0;
        memcpy(p, s, l);
        p += l;
        if (i + 1 < n)
            *p++ = ' ';
    }
    *p++ = '\n';
    *p = 0;
    *text = buf;
    return SRNN_OK;
}

static int notes_to_piece(const srnn_vocab *v, const int32_t *toks, size_t n, const srnn_opts *o,
                          srnn_piece **out, srnn_error *err)
{
    (void)o;
    return srnn_notes_decode(v, toks, n, out, err);
}

const cli_mode CLI_MODE_NOTES = {
    .mode = SRNN_MODE_NOTES,
    .name = "notes",
    .in_exts = MIDI_EXTS,
    .text_ext = NULL,
    .what = "MIDI file",
    .default_length = 256,
    .load = notes_load,
    .build_vocab = notes_build_vocab,
    .encode = notes_encode,
    .to_text = cli_tokens_to_text,
    .to_piece = notes_to_piece,
    .doc_piece = notes_doc_piece,
    .prime_text = NULL,
};
