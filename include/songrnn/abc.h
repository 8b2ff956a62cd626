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
#include <stdint.h>

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

/* Parses the tune `info` of text (one entry of srnn_abc_list_tunes on the same text) without
 * listing the tunes again, so that going through a file of many tunes stays linear; lines and
 * columns in messages are those of the whole text. */
int srnn_abc_parse_tune(const char *text, size_t len, const srnn_abc_tune_info *info,
                        const srnn_abc_options *opts, srnn_piece **out,
                        srnn_error *err) SRNN_WARN_UNUSED;

/* ---- grammar-aware sampling (src/abc/abc_grammar.c) ------------------------------------- *
 * An incremental well-formedness tracker for one tune written one character at a time (the
 * abc tokenizer's text): after each step it knows which next characters keep the text parsable
 * by srnn_abc_parse, so a sampler can forbid the others.  The header is field lines (X: first
 * if at all, then fields A: to Z:, K: last) whose M: L: K: Q: X: values follow their
 * syntax (M:6/8 C C| none; L:1/8; K:G, Ador, F#m, D ^c; Q:1/4=120 or 120); no blank line
 * (it would end the tune); in the music, guitar chords "..", chords [..], grace notes {..},
 * decorations !..! and inline fields [K:..] closed on their line, chords before a bar line,
 * lengths of the forms 3, 3/2, /2, /, //, no digit or '/' where no length can be, tuplets (2 to
 * (64, endings |1 [2 |1,3 [1-3, and no character the parser refuses (a stray ':' or ']', '&', '#').
 * Stricter than the parser where it only warns, so that abc2midi reads the result too.
 *
 * A tracker fed something it refuses (a user's primer outside this grammar) is "lost": it
 * allows everything until reset, so it never blocks generation. */
typedef struct srnn_abc_grammar srnn_abc_grammar;

int srnn_abc_grammar_new(srnn_abc_grammar **out, srnn_error *err) SRNN_WARN_UNUSED;
void srnn_abc_grammar_free(srnn_abc_grammar *g);
/* Back to the start of a tune (before its first character). */
void srnn_abc_grammar_reset(srnn_abc_grammar *g);
/* Feeds the bytes s[0, n) (one token's text).  SRNN_EINPUT when they break the grammar: the
 * tracker is then lost (see above); SRNN_EARG on NULL. */
int srnn_abc_grammar_step(srnn_abc_grammar *g, const char *s, size_t n);
/* 1 when s[0, n) may come next, 0 when it would break the tune. */
int srnn_abc_grammar_allows(const srnn_abc_grammar *g, const char *s, size_t n);
/* 1 when the tune may end here: after a complete line of music (with a note somewhere in the
 * body) and every bracket and field closed. */
int srnn_abc_grammar_can_end(const srnn_abc_grammar *g);
/* How many more characters, at least, before the tune can end (an estimate from above:
 * closing what is open, a newline, the K: line and a note when they are still missing). */
int srnn_abc_grammar_pending(const srnn_abc_grammar *g);
int srnn_abc_grammar_lost(const srnn_abc_grammar *g);
/* Narrows mask[n] (a sampler's mask of allowed token ids; only entries set to 0 change) to the
 * tokens that may come next.  tokens[i] are the bytes of token i (lens[i] of them; NULL for
 * tokens that are no text, such as <start>), end_token the id of <end> (allowed when the tune
 * can end; -1 none).  budget > 0: tokens that may still be sampled, this one included; a token
 * after which the tune could not be finished in the rest is forbidden as well.  Never leaves
 * the mask empty: when nothing fits the budget the budget is dropped, and when nothing fits at
 * all (or the tracker is lost) the mask is left as it was.  Returns how many tokens are
 * allowed. */
int srnn_abc_grammar_mask(const srnn_abc_grammar *g, const char *const *tokens,
                          const size_t *lens, int n, int end_token, long budget, uint8_t *mask);

#endif
