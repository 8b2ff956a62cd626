/* songrnn — ABC 2.1 tunes to the note list.
 *
 * Covers the notation folk tunes use: header fields X T M L K Q P V, keys with modes and
 * explicit accidentals, accidentals through the bar, octave marks, lengths, broken rhythm,
 * rests (z x Z X), ties, tuplets, chords, guitar chords played as an accompaniment (bass note
 * plus chord on the beats, with abc2midi's default patterns), repeats and endings, parts
 * (header P: order), inline fields, voices (merged, each note keeps its voice index),
 * decorations and grace notes (skipped, as `abc2midi -NGRA` does), lyrics and %% directives
 * (ignored).  Timing follows abc2midi, the reference the tests compare against: an accidental
 * holds for the same letter in every octave until the bar line, a chord lasts as long as its
 * first note, repeats and endings are expanded.
 *
 * Channels: voice v plays on channel v (9, the drums, skipped); the accompaniment's bass on the
 * next free channel and its chords on the one after; srnn_note.voice is the voice index, and
 * the number of voices for accompaniment notes.  Without Q: the tempo is 120 quarter notes a
 * minute.
 *
 * Malformed music (unterminated chord or guitar chord, bad length, unknown key or meter, a
 * stray character) fails with SRNN_EINPUT and the line and column in the srnn_error.  Smaller
 * oddities that real files have (a tie to nothing, an unmatched repeat, a bar of the wrong
 * length, an unknown chord name) are warnings: reported through the optional callback and
 * otherwise skipped, so the tune still plays. */
#ifndef SONGRNN_ABC_H
#define SONGRNN_ABC_H

#include <stddef.h>

#include "songrnn/common.h"
#include "songrnn/notes.h"

/* Flags of srnn_abc_parse. */
enum {
    SRNN_ABC_MELODY_ONLY = 1 << 0, /* leave out the guitar-chord accompaniment */
    SRNN_ABC_BY_INDEX = 1 << 1,    /* select is a 0-based tune index, not an X: number */
};

/* One tune of a file, as listed by srnn_abc_list_tunes. */
typedef struct srnn_abc_tune_info {
    int x;              /* X: reference number (-1 when missing or not a number) */
    int line;           /* 1-based line of the X: field */
    size_t offset;      /* the tune's bytes in the text: [offset, offset + length) */
    size_t length;
    char title[128];    /* first T: field, truncated; empty when none */
} srnn_abc_tune_info;

/* Called for each warning, with the 1-based line and column in the whole text. */
typedef void (*srnn_abc_warn_fn)(void *ud, int line, int col, const char *msg);

typedef struct srnn_abc_options {
    unsigned flags;         /* SRNN_ABC_* */
    srnn_abc_warn_fn warn;  /* may be NULL */
    void *warn_ud;
} srnn_abc_options;

/* Number of tunes in text (a tune starts at an X: line; a text without any X: line but with
 * a K: line is one tune). */
size_t srnn_abc_tune_count(const char *text, size_t len);

/* Lists the tunes of text in a malloc'ed array (free() it); *count may be 0. */
int srnn_abc_list_tunes(const char *text, size_t len, srnn_abc_tune_info **tunes, size_t *count,
                        srnn_error *err) SRNN_WARN_UNUSED;

/* Parses one tune of text into a new piece (*out, free with srnn_piece_free).  select is the
 * X: number of the tune (the first tune with that number), or its 0-based index with
 * SRNN_ABC_BY_INDEX; a negative select picks the first tune.  Notes are sorted by onset. */
int srnn_abc_parse(const char *text, size_t len, int select, unsigned flags, srnn_piece **out,
                   srnn_error *err) SRNN_WARN_UNUSED;

/* The same with a warning callback; opts may be NULL. */
int srnn_abc_parse_ex(const char *text, size_t len, int select, const srnn_abc_options *opts,
                      srnn_piece **out, srnn_error *err) SRNN_WARN_UNUSED;

#endif
