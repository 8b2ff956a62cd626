/* Shared by the harnesses: what every reader's output must satisfy, and the path a piece from
 * the wild takes through the program (tokenizer, MIDI writer), so that odd but accepted input
 * also reaches the code after the reader. */
#ifndef SRNN_FUZZ_COMMON_H
#define SRNN_FUZZ_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/midi.h"
#include "songrnn/notes.h"
#include "songrnn/vocab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set by a harness to 1 when its parser accepted the input, 0 when it refused it; read by
 * tests/harden/test_readers.c, which links every harness into one program (weak: one copy). */
__attribute__((weak)) int srnn_fuzz_accepted;
/* Tunes of one ABC text the ABC harness parses (the readers test parses them all). */
__attribute__((weak)) size_t srnn_fuzz_abc_max_tunes = 4;

/* A finding: libFuzzer (and the replay driver) report the trap with the stack. */
#define FUZZ_ASSERT(cond)                                                                      \
    do {                                                                                       \
        if (!(cond))                                                                           \
            __builtin_trap();                                                                  \
    } while (0)

/* A failed call leaves *out NULL and says why in one line. */
static inline void fuzz_check_failure(const void *out, const srnn_error *err)
{
    FUZZ_ASSERT(out == NULL);
    FUZZ_ASSERT(err->msg[0] != 0 && memchr(err->msg, 0, sizeof err->msg) != NULL);
    FUZZ_ASSERT(strchr(err->msg, '\n') == NULL);
}

/* The note list's promises (notes.h). */
static inline void fuzz_check_piece(const srnn_piece *piece)
{
    size_t n = srnn_piece_note_count(piece);
    const srnn_note *notes = srnn_piece_notes(piece);
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(isfinite(notes[i].onset) && notes[i].onset >= 0);
        FUZZ_ASSERT(isfinite(notes[i].duration) && notes[i].duration > 0);
        FUZZ_ASSERT(notes[i].pitch <= 127 && notes[i].channel <= 15);
    }
    FUZZ_ASSERT(srnn_piece_title(piece) != NULL);
    double bpm = srnn_piece_initial_bpm(piece);
    FUZZ_ASSERT(isfinite(bpm) && bpm > 0);
}

/* Tokenize with a vocabulary built from the piece itself and decode. */
static inline void fuzz_tokenize(const srnn_piece *piece)
{
    srnn_notes_opts no = {0};
    srnn_notes_builder *b = srnn_notes_builder_new(&no);
    if (!b)
        return;
    srnn_vocab *vocab = NULL;
    srnn_error err;
    if (srnn_notes_builder_add(b, piece) == SRNN_OK &&
        srnn_notes_builder_finish(b, &vocab, NULL, &err) == SRNN_OK) {
        int32_t *tokens = NULL;
        size_t nt = 0;
        if (srnn_notes_encode(vocab, piece, &tokens, &nt, &err) == SRNN_OK) {
            srnn_piece *back = NULL;
            if (srnn_notes_decode(vocab, tokens, nt, &back, &err) == SRNN_OK) {
                fuzz_check_piece(back);
                srnn_piece_free(back);
            }
            free(tokens);
        }
        srnn_vocab_free(vocab);
    }
    srnn_notes_builder_free(b);
}

/* Write as MIDI and read back. */
static inline void fuzz_write(const srnn_piece *piece)
{
    srnn_error err;
    unsigned char *bytes = NULL;
    size_t nbytes = 0;
    srnn_midi_write_opts wo = {0};
    wo.program = -1;
    if (srnn_midi_write_memory(piece, &wo, &bytes, &nbytes, &err) == SRNN_OK) {
        /* What we write, we read back. */
        srnn_piece *again = NULL;
        if (srnn_midi_read_memory(bytes, nbytes, SRNN_MIDI_KEEP_DRUMS, &again, &err) == SRNN_OK)
            srnn_piece_free(again);
        free(bytes);
    }
}

/* Tokenize with a vocabulary built from the piece itself, decode, and write as MIDI: what
 * `songrnn train`, `tokens` and `roundtrip` do with a file that was read. */
static inline void fuzz_downstream(const srnn_piece *piece)
{
    if (srnn_piece_note_count(piece) > 4000)
        return; /* keep executions fast; size is not what we are after here */
    /* A legal file can hold days of silence (a 4-byte delta at 1 tick a beat is 2^28 beats),
     * which the tokenizer encodes in time linear in its length (bar and shift tokens, up to
     * its cap of 2^27 tokens): seconds under ASan for one input, and no new path.  Such pieces
     * skip the tokenizer; the writer still gets them. */
    double end = 0;
    for (size_t i = 0; i < srnn_piece_note_count(piece); i++) {
        const srnn_note *m = &srnn_piece_notes(piece)[i];
        if (m->onset + m->duration > end)
            end = m->onset + m->duration;
    }
    if (end <= 65536.0)
        fuzz_tokenize(piece);
    fuzz_write(piece);
}

#endif
