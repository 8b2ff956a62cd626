/* songrnn — vocabularies and the notes tokenizer (src/tokens).  Tokenizers are the only code
 * that knows about tokens; the network knows only integers.
 *
 * Notes mode has two tokenizations of the same events, on a grid of G steps a quarter note
 * (default 12).  An event is the notes struck at one grid step; it is written as its velocity
 * (when it changed), then the parts of its pitch set, each with its duration.
 *
 * metric (the default; after REMI, Huang & Yang 2020):
 *   Bar               a new bar begins (every bar has one, also an empty bar)
 *   M3/4              right after Bar: the bar's meter, when it differs from the bar before
 *                     (and in the first bar); a bar cut short by a meter change, or a pickup,
 *                     is a bar of its own meter (2/4 in a 4/4 piece)
 *   P0 .. P{L-1}      position of the next event in the bar, grid steps from the bar line
 *                     (L: the longest bar of the vocabulary's meters)
 * timeshift (--tokens timeshift, the earlier form):
 *   T1 .. T{4G}       time shift: steps from the previous event's onset (longer gaps: several)
 * both:
 *   <start> <end>     frame each piece
 *   V64               velocity of the following notes (only with velocity levels): the
 *                     velocity itself, one of the vocabulary's levels
 *   N0 .. N127        a single pitch
 *   C48.52.55         a chord: ascending pitches, octaves kept; only the corpus's most
 *                     frequent pitch sets (the vocabulary bound), most frequent first (ties:
 *                     the lowest pitch where two sets differ goes with the set holding it)
 *   D1 .. D{..}       duration in grid steps of the pitch or chord token just before it
 *                     (exact up to 2 beats, coarser above)
 * A pitch set outside the vocabulary is written exactly: the largest vocabulary chord inside
 * it (most pitches; ties: the most frequent, i.e. the lowest id), then the same again on the
 * remainder, ending with single pitches (ascending).  Nothing maps to an unknown token.
 *
 * One event is written as
 *   metric:    [Bar [M..]]* P.. [V..] X1 D.. X2 D.. ...
 *   timeshift: [T..]* [V..] X1 D.. X2 D.. ...
 * (time shifts only when the event is later than the previous one; the first counts from beat
 * 0, so leading silence is kept); a velocity token when the event's level (nearest to the mean
 * velocity of its notes) differs from the last one written; then each part Xi of the
 * decomposition with the duration of its longest note: a chord token holds its notes as long
 * as the longest of them sounds, so no note is cut short and the harmony stays whole.  A
 * metric piece always opens with Bar and its meter.  A misplaced metric token misplaces one
 * event, never the rest of the piece: every event's time is its bar and its position.
 *
 * Bars come from the piece's time signatures (4/4 when it has none); a signature that falls
 * inside a bar ends that bar there when the shortened bar is a meter on the grid, else it
 * takes effect at the next bar line.  A bar whose meter is not in the vocabulary is written
 * as a vocabulary meter of the same length when there is one, else the nearest (counted in
 * srnn_coverage.bars_refit).  A bar longer than 8 beats is written as bars of at most 8 beats
 * with numerators as equal as can be (14/4 as 7/4 + 7/4, 11/4 as 6/4 + 5/4).
 *
 * Velocity levels: `velocity_bins` levels, either the medians of equal shares of the
 * corpus's event velocities (quantiles, the default: fine where the corpus plays) or the
 * middles of equal ranges of 1..127 (fixed).  Equal levels are merged, so a corpus of one
 * velocity gets one level.
 *
 * Duration table (G steps a quarter): every step 1..2G; then up to 4G by G/4 (sixteenths at
 * G=12); up to 8G by G/2; up to 16G by G (4 bars of 4/4 is the largest).  A duration between
 * entries takes the nearest (halves up); one above 16G is written as 16G (counted in
 * srnn_coverage.notes_clipped).  Ids of a built vocabulary in this order: <start> (0),
 * <end> (1), then timeshift T1.. or metric Bar, meters (most frequent first), P0..; then D..,
 * N0..N127, V.. (ascending), then chords, most frequent first. */
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

#define SRNN_VOCAB_MAX (1 << 20) /* tokens in any vocabulary */

/* A vocabulary from its token strings (ids in the given order), for every mode: each string
 * non-empty, at most 1024 bytes, all distinct; "<start>" and "<end>" must be among them.  In
 * notes mode the strings must form a notes vocabulary (T1..T{4G}, N0..N127, V1..Vn, D tokens,
 * chords "Cp.q..." ascending): grid, bins and chords are read from them. */
int srnn_vocab_new_from_tokens(srnn_mode mode, const char *const *tokens, int n,
                               srnn_vocab **out, srnn_error *err) SRNN_WARN_UNUSED;

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

typedef enum srnn_notes_tokens {
    SRNN_TOKENS_METRIC = 0,    /* bars, positions (default) */
    SRNN_TOKENS_TIMESHIFT = 1, /* time shifts between events */
} srnn_notes_tokens;

typedef enum srnn_velocity_scale {
    SRNN_VELOCITY_QUANTILE = 0, /* levels from the corpus's velocities (default) */
    SRNN_VELOCITY_FIXED = 1,    /* equal ranges of 1..127 */
} srnn_velocity_scale;

typedef struct srnn_notes_opts {
    int grid;          /* grid steps per quarter note; 0: 12 */
    int max_vocab;     /* bound on the vocabulary size (0: 512) of the timeshift layout; a
                        * metric vocabulary has the same chords, with its bar, meter and
                        * position tokens in place of the time shifts (it may be larger) */
    int velocity_bins; /* velocity levels; 0: no velocity tokens; at most 32 */
    srnn_notes_tokens tokens;
    srnn_velocity_scale velocity_scale;
    int transpose;     /* builder: also count the corpus's chords shifted by -transpose ..
                          +transpose semitones (the training's augmentation), 0..12 */
} srnn_notes_opts;

/* Checks opts (0 fields take their defaults): grid 1..SRNN_GRID_MAX, velocity_bins 0..32,
 * max_vocab at least the tokens without chords and at most SRNN_VOCAB_MAX. */
int srnn_notes_opts_check(const srnn_notes_opts *opts, srnn_error *err) SRNN_WARN_UNUSED;
/* Timeshift tokens before chords: specials, shifts, durations, pitches, velocity levels. */
int srnn_notes_base_size(int grid, int velocity_bins);

/* What the vocabulary covers of the corpus it was built from. */
typedef struct srnn_coverage {
    size_t pieces, notes, events;     /* after quantization; event = notes at one grid step */
    size_t distinct_sets;             /* distinct pitch sets of the corpus */
    size_t chords_in_vocab;           /* chord tokens kept (sets of two or more pitches) */
    size_t events_covered;            /* events written as one pitch or chord token */
    size_t notes_covered;             /* notes inside such events */
    size_t tokens;                    /* tokens the corpus becomes (untransposed) */
    size_t notes_clipped;             /* notes longer than the duration table's largest */
    size_t bars;                      /* metric: bars of the corpus */
    size_t bars_refit;                /* metric: bars in a meter beyond the 64 most frequent */
    int meters;                       /* metric: meter tokens */
    int velocity_levels;              /* V tokens (0: none asked) */
    int distinct_velocities;          /* of the corpus's notes; 1: constant velocity */
    int velocity_min, velocity_max;   /* of the corpus's notes */
    int pitch_min, pitch_max;         /* of the corpus's notes (before transposition) */
} srnn_coverage;

typedef struct srnn_notes_builder srnn_notes_builder;

/* NULL only when out of memory; opts out of range are reported by finish. */
srnn_notes_builder *srnn_notes_builder_new(const srnn_notes_opts *opts);
void srnn_notes_builder_free(srnn_notes_builder *b);
int srnn_notes_builder_add(srnn_notes_builder *b, const srnn_piece *piece) SRNN_WARN_UNUSED;
/* Builds the vocabulary (every single pitch, the time or bar tokens, durations, velocity
 * levels, then the most frequent chords up to the bound) and fills cov (may be NULL). */
int srnn_notes_builder_finish(srnn_notes_builder *b, srnn_vocab **out, srnn_coverage *cov,
                              srnn_error *err) SRNN_WARN_UNUSED;

/* Music longer than this many beats is not tokenized (about 6 days at 120 BPM; real pieces
 * last thousands): readers refuse it, and encode gives SRNN_EINPUT for a piece of more than
 * 2^24 tokens. */
#define SRNN_NOTES_MAX_BEATS ((double)(1 << 20))

/* Piece -> tokens, framed by <start> and <end>.  *tokens is malloc'ed. */
int srnn_notes_encode(const srnn_vocab *vocab, const srnn_piece *piece, int32_t **tokens,
                      size_t *n, srnn_error *err) SRNN_WARN_UNUSED;
/* The same with every pitch shifted by `transpose` semitones (the caller keeps the pitches
 * inside 0..127: a pitch pushed outside is an SRNN_EARG error). */
int srnn_notes_encode_transposed(const srnn_vocab *vocab, const srnn_piece *piece,
                                 int transpose, int32_t **tokens, size_t *n,
                                 srnn_error *err) SRNN_WARN_UNUSED;

/* Tokens -> piece.  Any token sequence, also a generated one, is decoded: a leading <start>
 * is skipped, <end> ends the piece, a token out of place is skipped (a duration without a
 * pitch, a meter not right after Bar, <start>), a pitch or chord without a duration lasts one
 * beat, a pitch struck twice at one step is kept once with the longer duration; a metric
 * position past the bar's end is at the bar's last step.  Notes are on channel 0 with the
 * velocity of the last V token (80 before any, or the middle level).  Metric pieces get a time
 * signature wherever the meter changes (the vocabulary's first, most frequent meter before
 * any M token).  An id outside the vocabulary is an error. */
int srnn_notes_decode(const srnn_vocab *vocab, const int32_t *tokens, size_t n,
                      srnn_piece **out, srnn_error *err) SRNN_WARN_UNUSED;

typedef struct srnn_notes_decode_opts {
    /* The first `skip` tokens only set the decoder's state (bar, meter, velocity, time):
     * their notes are left out, and the piece starts (beat 0) at the bar (metric) or the time
     * (timeshift) where token `skip` falls.  The continuation of a primer. */
    size_t skip;
    /* With skip: the piece keeps the tokens' own time (beat 0 where the tokens start), so the
     * notes fall where they go after the skipped ones. */
    int keep_time;
} srnn_notes_decode_opts;
int srnn_notes_decode_ex(const srnn_vocab *vocab, const int32_t *tokens, size_t n,
                         const srnn_notes_decode_opts *opts, srnn_piece **out,
                         srnn_error *err) SRNN_WARN_UNUSED;

int srnn_notes_grid(const srnn_vocab *vocab);          /* 0 for another mode */
int srnn_notes_velocity_bins(const srnn_vocab *vocab); /* velocity levels; 0 without */
/* The velocity of level k (0: lowest), or 0 when out of range. */
int srnn_notes_velocity_level(const srnn_vocab *vocab, int k);
/* SRNN_TOKENS_METRIC or SRNN_TOKENS_TIMESHIFT; -1 for another mode. */
int srnn_notes_tokens_kind(const srnn_vocab *vocab);
/* What a notes token says of an event: when it falls (a position or a time shift), the bar
 * (Bar and meter tokens), its velocity, its pitches (a note or chord) or its duration; other
 * tokens (<start>, <end>, another mode's) are SRNN_NOTES_PART_OTHER. */
typedef enum srnn_notes_part {
    SRNN_NOTES_PART_TIME = 0,
    SRNN_NOTES_PART_BAR,
    SRNN_NOTES_PART_VELOCITY,
    SRNN_NOTES_PART_PITCH,
    SRNN_NOTES_PART_DURATION,
    SRNN_NOTES_PART_OTHER,
    SRNN_NOTES_PARTS
} srnn_notes_part;
srnn_notes_part srnn_notes_token_part(const srnn_vocab *vocab, int id);
const char *srnn_notes_part_name(srnn_notes_part part); /* "time", "bar", ... */
/* Metric vocabularies: the meters (k: 0 the most frequent); the token id, or -1. */
int srnn_notes_meter_count(const srnn_vocab *vocab);
int srnn_notes_meter(const srnn_vocab *vocab, int k, int *num, int *den);

/* Where a window of a metric token stream may start so that it reads as a piece: at a Bar,
 * with the meter that holds there.  Writes into out (room for len tokens) Bar, the meter token
 * of that bar, then the stream's tokens after that bar's own Bar (and meter) token, len in
 * all (fewer when the stream ends first); returns the count.  `at` is the index of a Bar token
 * of tokens[0..n).  Timeshift vocabularies: a plain copy of tokens[at..]. */
size_t srnn_notes_window(const srnn_vocab *vocab, const int32_t *tokens, size_t n, size_t at,
                         int32_t *out, size_t len);

/* ---- generation grammar ----------------------------------------------------------------- */

/* Keeps sampled notes tokens well formed: metric Bar [M] (P [V] (X D)+)*, positions rising
 * inside a bar and inside its meter's length, meters only right after Bar; timeshift
 * (T* [V] (X D)+)*; the parts X of one event share no pitch and hold at most 12 pitches
 * together; pitches and chords only inside a pitch range; meters only those asked. */
typedef struct srnn_notes_grammar srnn_notes_grammar;

typedef struct srnn_notes_grammar_opts {
    int pitch_min, pitch_max; /* allowed pitch range (0 and 0: 0..127) */
    int meter_num, meter_den; /* > 0: every bar in this meter (it must be a vocabulary meter) */
    /* Priors over what the network proposes (srnn_notes_grammar_bias); 1 or 0: none. */
    double key_prior;    /* each pitch outside the piece's key so far this many times less
                          * likely ... */
    double key_share;    /* ... while fewer than this share of the notes so far were in key
                          * (the corpus's share); 0: always */
    double repeat_prior; /* metric: the next onset of the bar before (or its end) this many
                          * times likelier, in a bar that repeats ... */
    double repeat_share; /* ... which each bar does with this probability (the corpus's share
                          * of bars repeating an earlier one); 0: every bar */
    uint64_t seed;       /* of the bars' choices */
} srnn_notes_grammar_opts;

int srnn_notes_grammar_new(const srnn_vocab *vocab, const srnn_notes_grammar_opts *opts,
                           srnn_notes_grammar **out, srnn_error *err) SRNN_WARN_UNUSED;
void srnn_notes_grammar_free(srnn_notes_grammar *g);
/* Advances over one token (sampled or primer). */
void srnn_notes_grammar_feed(srnn_notes_grammar *g, int32_t token);
/* After a duration: the next token starts a new event (no more parts at this onset), as when
 * generation continues a user's piece, whose last event is whole. */
void srnn_notes_grammar_close_event(srnn_notes_grammar *g);
/* Clears mask[id] for every token not allowed next (mask has vocabulary-size entries). */
void srnn_notes_grammar_mask(const srnn_notes_grammar *g, uint8_t *mask);
/* Adds the priors of the options to the logits of the allowed tokens (vocabulary-size entries).
 * Key: once 8 notes are in, the diatonic scale holding most of them (recent notes weigh more,
 * so a piece may modulate) is the key, and a pitch or chord token loses log(key_prior) per
 * pitch class outside it, while the share of notes so far that were in the key when they came
 * is below key_share (so a chromatic corpus stays as chromatic as it is).  Repetition (metric
 * tokens): where the bar before, in the same meter and not empty, had its next onset, that
 * position's token (or Bar, where it had none) gains log(repeat_prior), as a player repeats a
 * figure; with repeat_share, each bar chooses at its bar line (from seed) whether it repeats,
 * and a bar that does not is the network's own.  The network still decides: a token it finds
 * unlikely stays unlikely. */
void srnn_notes_grammar_bias(const srnn_notes_grammar *g, const uint8_t *mask, float *logits);

/* ---- abc mode (src/tokens/abc.c; owner: abcmode) ------------------------------------- */

/* ABC tunes one character at a time (the seeds' SongRNN).  A token is one character of the
 * tune's text: a UTF-8 character is its own token string ("a", "|", "\"", "é"), with these
 * printable names so that `songrnn tokens` keeps one tune a line:
 *   "<nl>"  newline          "<sp>"  space
 *   "<0xNN>" a byte that is not printable ASCII nor part of a valid UTF-8 character (NN: two
 *            upper-case hex digits; a tab is normalized to a space before it gets here)
 * and "<start>"/"<end>" framing each tune.  Ids of a built vocabulary: <start> (0), <end> (1),
 * then the characters in ascending order of their bytes. */

/* One tune's text as the abc tokenizer sees it (malloc'ed, NUL-terminated): line endings
 * CRLF/CR become LF, tabs become spaces, lines whose first non-blank character is '%'
 * (comments, %% directives) are dropped, so are the information fields that say nothing the
 * music needs (lines starting A: B: D: F: G: H: N: O: S: W: Z: — area, book, discography, file,
 * group, history, notes, origin, source, words, transcription), trailing blanks of each line
 * and blank lines (a blank line ends a tune in ABC); the text ends with one newline.  Columns
 * of the lines that stay are unchanged. */
int srnn_abc_chars_normalize(const char *text, size_t len, char **out, size_t *out_len,
                             srnn_error *err) SRNN_WARN_UNUSED;

/* The character vocabulary of n texts: <start>, <end>, and every character that occurs. */
int srnn_abc_chars_vocab(const char *const *texts, const size_t *lens, size_t n,
                         srnn_vocab **out, srnn_error *err) SRNN_WARN_UNUSED;

/* Text -> tokens, framed by <start> and <end> (*tokens malloc'ed).  A character outside the
 * vocabulary is an SRNN_EINPUT error naming it, with its line and column. */
int srnn_abc_chars_encode(const srnn_vocab *vocab, const char *text, size_t len,
                          int32_t **tokens, size_t *n, srnn_error *err) SRNN_WARN_UNUSED;

/* A primer given on the command line -> tokens, without <start> and <end>.  Escapes: "\n" is a
 * newline, "\t" a space (tabs are normalized), "\\" a backslash; any other backslash stands
 * for itself (ABC's own line continuation).  A character outside the vocabulary is an error
 * naming it, with its column in the given string (line 1). */
int srnn_abc_chars_encode_prime(const srnn_vocab *vocab, const char *str, int32_t **tokens,
                                size_t *n, srnn_error *err) SRNN_WARN_UNUSED;

/* Tokens -> text (malloc'ed, NUL-terminated): a leading <start> is skipped, <end> ends the
 * text, another <start> is skipped.  An id outside the vocabulary is an error. */
int srnn_abc_chars_decode(const srnn_vocab *vocab, const int32_t *tokens, size_t n, char **text,
                          size_t *len, srnn_error *err) SRNN_WARN_UNUSED;

#endif
