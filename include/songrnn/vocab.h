/* songrnn — vocabularies and the notes tokenizer (src/tokens).  Tokenizers are the only code
 * that knows about tokens; the network knows only integers.
 *
 * Notes tokens (DESIGN §4), with G grid steps a quarter note (default 12):
 *   <start> <end>     frame each piece
 *   T1 .. T{4G}       time shift: grid steps from the previous event's onset to this one
 *                     (longer gaps: several tokens); no shift token between notes of one onset
 *   N0 .. N127        a single pitch
 *   C48.52.55         a chord: ascending pitches, octaves kept; only the corpus's most
 *                     frequent pitch sets (the vocabulary bound)
 *   D1 .. D{..}       duration in grid steps of the pitch or chord token just before it
 *                     (exact up to 2 beats, coarser above)
 *   V1 .. V{n}        velocity bin of the following notes (only with velocity bins)
 * A pitch set outside the vocabulary is written exactly: the largest vocabulary chord inside
 * it, then single pitches for the rest.  Nothing maps to an unknown token. */
#ifndef SONGRNN_VOCAB_H
#define SONGRNN_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"
#include "songrnn/notes.h"

typedef enum srnn_mode { SRNN_MODE_NOTES = 0, SRNN_MODE_ABC = 1, SRNN_MODE_TABLA = 2 } srnn_mode;

const char *srnn_mode_name(srnn_mode mode); /* "notes", "abc", "tabla" */
int srnn_mode_from_name(const char *name);  /* the mode, or -1 */

typedef struct srnn_vocab srnn_vocab; /* opaque */

void srnn_vocab_free(srnn_vocab *vocab);
srnn_mode srnn_vocab_mode(const srnn_vocab *vocab);
int srnn_vocab_size(const srnn_vocab *vocab);
/* The token's string ("N60", "C48.52.55", "<start>"), or NULL when id is out of range. */
const char *srnn_vocab_token(const srnn_vocab *vocab, int id);
/* The id of a token string, or -1. */
int srnn_vocab_lookup(const srnn_vocab *vocab, const char *token);
int srnn_vocab_start_id(const srnn_vocab *vocab);
int srnn_vocab_end_id(const srnn_vocab *vocab);

/* Serialization for the model file: a self-describing, versioned byte blob. */
int srnn_vocab_save(const srnn_vocab *vocab, unsigned char **blob, size_t *size,
                    srnn_error *err) SRNN_WARN_UNUSED;
int srnn_vocab_load(const unsigned char *blob, size_t size, srnn_vocab **out,
                    srnn_error *err) SRNN_WARN_UNUSED;

/* ---- notes mode ---------------------------------------------------------------------- */

typedef struct srnn_notes_opts {
    int grid;          /* grid steps per quarter note; 0: 12 */
    int max_vocab;     /* bound on the vocabulary size; 0: 512 */
    int velocity_bins; /* 0: no velocity tokens */
} srnn_notes_opts;

/* What the chord vocabulary covers of the corpus it was built from. */
typedef struct srnn_coverage {
    size_t pieces, notes, events;     /* after quantization; event = notes at one grid step */
    size_t distinct_sets;             /* distinct pitch sets of the corpus */
    size_t chords_in_vocab;           /* chord tokens kept (sets of two or more pitches) */
    size_t events_covered;            /* events written as one pitch or chord token */
    size_t notes_covered;             /* notes inside such events */
    size_t tokens;                    /* tokens the corpus becomes */
} srnn_coverage;

typedef struct srnn_notes_builder srnn_notes_builder;

srnn_notes_builder *srnn_notes_builder_new(const srnn_notes_opts *opts);
void srnn_notes_builder_free(srnn_notes_builder *b);
int srnn_notes_builder_add(srnn_notes_builder *b, const srnn_piece *piece) SRNN_WARN_UNUSED;
/* Builds the vocabulary (every single pitch, the shift/duration tokens, then the most frequent
 * chords up to the bound) and fills cov (may be NULL). */
int srnn_notes_builder_finish(srnn_notes_builder *b, srnn_vocab **out, srnn_coverage *cov,
                              srnn_error *err) SRNN_WARN_UNUSED;

/* Piece -> tokens, framed by <start> and <end>.  *tokens is malloc'ed. */
int srnn_notes_encode(const srnn_vocab *vocab, const srnn_piece *piece, int32_t **tokens,
                      size_t *n, srnn_error *err) SRNN_WARN_UNUSED;
/* Tokens -> piece (any token sequence, also a generated one: tokens out of place are skipped,
 * a pitch without a duration gets one grid step... never an error for valid ids). */
int srnn_notes_decode(const srnn_vocab *vocab, const int32_t *tokens, size_t n,
                      srnn_piece **out, srnn_error *err) SRNN_WARN_UNUSED;
int srnn_notes_grid(const srnn_vocab *vocab);

#endif
