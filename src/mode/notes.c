/* Notes mode: MIDI files in, note and chord tokens, MIDI or audio out. */
#include <stdlib.h>
#include <string.h>

#include "mode_internal.h"
#include "songrnn/midi.h"

static const char *const MIDI_EXTS[] = {"mid", "midi", "smf", "kar", NULL};

static int notes_load(const char *path, const srnn_mode_opts *o, srnn_docs *docs,
                      srnn_mode_error *err)
{
    (void)o;
    srnn_piece *p = NULL;
    srnn_error e = {0};
    int rc = srnn_midi_read(path, 0, &p, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, rc, &e);
    if (srnn_mode_docs_add(docs, path, p, NULL, 0) != 0) {
        srnn_piece_free(p);
        return srnn_mode_fail(err, path, SRNN_ENOMEM, "out of memory");
    }
    return SRNN_OK;
}

static int notes_build_vocab(const srnn_docs *docs, const srnn_mode_opts *o, srnn_vocab **out,
                             srnn_docs_stats *st, srnn_mode_error *err)
{
    srnn_notes_opts nopts = {.grid = o->grid, .max_vocab = o->max_vocab,
                             .velocity_bins = o->velocity_bins};
    srnn_notes_builder *b = srnn_notes_builder_new(&nopts);
    if (!b)
        return srnn_mode_fail(err, "vocabulary", SRNN_ENOMEM, "out of memory");
    for (size_t i = 0; i < docs->n; i++) {
        if (srnn_notes_builder_add(b, docs->d[i].piece) != SRNN_OK) {
            srnn_notes_builder_free(b);
            return srnn_mode_fail(err, docs->d[i].label, SRNN_ENOMEM, "out of memory");
        }
    }
    srnn_error e = {0};
    int rc = srnn_notes_builder_finish(b, out, &st->coverage, &e);
    srnn_notes_builder_free(b);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, "vocabulary", rc, &e);
    st->tokens = st->coverage.tokens;
    return SRNN_OK;
}

static int notes_encode(const srnn_vocab *v, const srnn_doc *doc, int32_t **toks, size_t *n,
                        srnn_error *err)
{
    return srnn_notes_encode(v, doc->piece, toks, n, err);
}

static int notes_to_piece(const srnn_vocab *v, const int32_t *toks, size_t n,
                          const srnn_mode_opts *o, srnn_piece **out, srnn_error *err)
{
    (void)o;
    return srnn_notes_decode(v, toks, n, out, err);
}

static int notes_doc_piece(srnn_doc *doc, const srnn_mode_opts *o, srnn_piece **out,
                           srnn_error *err)
{
    (void)o;
    *out = doc->piece;
    doc->piece = NULL;
    return *out ? SRNN_OK : srnn_error_set(err, SRNN_EARG, "the piece was taken already");
}

static int notes_read_piece(const char *path, const srnn_mode_opts *o, srnn_piece **out,
                            srnn_mode_error *err)
{
    if (o->tune)
        srnn_mode_reportf(o, path, "--tune applies to ABC files; ignored");
    srnn_error e = {0};
    int rc = srnn_midi_read(path, 0, out, &e);
    return rc == SRNN_OK ? SRNN_OK : srnn_mode_fail_with(err, path, srnn_mode_not_usage(rc), &e);
}

static const srnn_mode_hooks NOTES_HOOKS = {
    .load = notes_load,
    .build_vocab = notes_build_vocab,
    .encode = notes_encode,
    .to_text = srnn_mode_token_strings,
    .to_piece = notes_to_piece,
    .doc_piece = notes_doc_piece,
    .read_piece = notes_read_piece,
};

const srnn_mode_def SRNN_MODE_DEF_NOTES = {
    .mode = SRNN_MODE_NOTES,
    .name = "notes",
    .in_exts = MIDI_EXTS,
    .text_ext = NULL,
    .what = "MIDI file",
    .default_length = 256,
    .has_prime_text = 0,
    .hooks = &NOTES_HOOKS,
};
