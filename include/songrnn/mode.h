/* songrnn — the modes (src/mode): how a file of each mode (notes: MIDI, abc: ABC tunes, tabla:
 * .bol compositions) becomes documents and tokens, and how tokens become output again.  Every
 * command of the command line goes through this layer; so can a plugin or a binding.
 *
 * The layer does not print.  A failure comes back as an srnn_mode_error: what it is about (a
 * file, "vocabulary", "generate", an option) and the srnn_error.  What is not fatal while
 * reading (a tune of an ABC file left out, a file or folder skipped) goes to the report
 * callback of srnn_mode_opts, with the same pair.  A caller printing "LABEL: MESSAGE" (with
 * ":LINE:COL" after the label when the error has them) says what songrnn says.
 *
 * A typical use, the tokens of a folder of MIDI files (error handling left out):
 *
 *     srnn_mode_opts o;
 *     srnn_mode_opts_defaults(&o);
 *     const srnn_mode_def *m = srnn_modes_get(SRNN_MODE_NOTES);
 *     const char *const dirs[] = {"corpora/piano"};
 *     srnn_docs *docs;
 *     srnn_vocab *v;
 *     srnn_mode_error e;
 *     srnn_docs_load(m, dirs, 1, &o, &docs, &e);
 *     srnn_docs_build_vocab(docs, &o, &v, NULL, &e);
 *     for (size_t i = 0; i < srnn_docs_count(docs); i++)
 *         srnn_docs_encode(docs, i, v, &toks, &n, &e.err);   (then srnn_mode_write ...)
 *     srnn_vocab_free(v);
 *     srnn_docs_free(docs);
 */
#ifndef SONGRNN_MODE_H
#define SONGRNN_MODE_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"
#include "songrnn/notes.h"
#include "songrnn/tabla.h"
#include "songrnn/vocab.h"

struct srnn_model;
struct srnn_generate_opts;

/* ---- errors and options ------------------------------------------------------------------ */

#define SRNN_MODE_LABEL_MAX 4352 /* bytes of a label, NUL included (longer ones are cut) */

typedef struct srnn_mode_error {
    char label[SRNN_MODE_LABEL_MAX]; /* the file ("path", "path X:3" for one tune), or
                                      * "vocabulary", "generate", "--prime-text", "--taal NAME" */
    srnn_error err;
    /* 1: every reason was already given to the report callback (each tune of an ABC file left
     * out); a caller that prints reports prints nothing more for this failure. */
    int reported;
} srnn_mode_error;

/* A non-fatal report: label as in srnn_mode_error. */
typedef void (*srnn_mode_report_fn)(void *ud, const char *label, const srnn_error *err);

/* Everything the modes read; srnn_mode_opts_defaults gives the command line's defaults. */
typedef struct srnn_mode_opts {
    /* notes: the vocabulary (srnn_docs_build_vocab) */
    int grid;          /* grid steps a quarter note (12) */
    int max_vocab;     /* vocabulary bound; 0: 512 */
    int velocity_bins; /* velocity levels; 0: no velocity tokens */
    int tokens;        /* srnn_notes_tokens: metric (default) or timeshift */
    int velocity_scale; /* srnn_velocity_scale: levels from the corpus (default) or fixed */
    int transpose;     /* chords of the corpus counted at -transpose..+transpose semitones too
                        * (the training's augmentation) */
    /* notes: generation (srnn_mode_gen_begin) */
    int meter_num, meter_den; /* > 0: every bar in this meter (one the model learned) */
    int pitch_min, pitch_max; /* sampled pitches stay inside (0 and 0: anywhere) */
    double key_prior;         /* out-of-key pitches this many times less likely; 1: none
                               * (srnn_notes_grammar_bias; default SRNN_KEY_PRIOR_DEFAULT) */
    double key_share;         /* the corpus's share of notes in key (the model's in_key): the
                               * key prior acts only while the piece is below it; 0: always */
    double repeat_share;      /* the corpus's share of bars repeating an earlier one (the
                               * model's bar_repetition): about as many generated bars set out
                               * to repeat the one before; 0: every bar */
    double repeat_prior;      /* metric: the bar before's rhythm this many times likelier;
                               * 1: none (default SRNN_REPEAT_PRIOR_DEFAULT) */
    /* abc */
    int melody_only;   /* only each tune's first voice, chord symbols left out */
    const char *tune;  /* srnn_mode_read_piece: the X: number of the tune to read, as text
                        * ("3"); NULL: the first tune, or the one `piece` says */
    int piece;         /* srnn_mode_read_piece without tune: the piece of the file (1-based,
                        * as srnn_mode_list_pieces lists them); 0: the first */
    /* tabla */
    srnn_tabla_map tabla_map; /* strokes: the tabla soundfont's keys (default) or GM drums */
    const char *taal;         /* generation: the taal; NULL: teentaal */
    int cycles;               /* generation: cycles; 0: the model ends the composition */
    /* generation */
    int length;               /* tokens to sample; 0: the mode's default_length */
    const char *prime;        /* srnn_mode_primer: start from this file's opening */
    const char *prime_text;   /* srnn_mode_primer: or from this text (abc; "\n" escapes) */
    /* output of generated tokens (srnn_mode_to_piece, srnn_mode_write) */
    size_t context;           /* the first `context` tokens only set the state (a stored
                               * training window): what they hold is not written (notes: the
                               * output starts at the bar where the rest begins) */
    const srnn_piece *prime_piece; /* notes: the user's primer as read; the tokens are its own
                               * (context of them) and what was generated after: the output
                               * is the primer, notes, tempo, meter and key as they were, then
                               * the continuation */
    int continuation_only;    /* with prime_piece: the continuation alone, in the primer's
                               * tempo, meter and key */
    /* output */
    double tempo;             /* beats a minute for every output; 0: not given */
    double corpus_tempo;      /* output without a tempo of its own when tempo is 0: the tempo
                               * the model learned (srnn_model_get_config(model)->tempo);
                               * 0: 120 */
    int program;              /* General MIDI program; -1: the piece's or the default */
    const char *soundfont;    /* .wav output; NULL: the mode's own font, else a GM font */
    int verbose;              /* the synthesizer's own messages on stderr */
    /* reports while reading (NULL: dropped) */
    srnn_mode_report_fn report;
    void *report_ud;
} srnn_mode_opts;

/* The notes priors' defaults, chosen by measurement (docs/training.md). */
#define SRNN_KEY_PRIOR_DEFAULT 4.0
#define SRNN_REPEAT_PRIOR_DEFAULT 20.0

void srnn_mode_opts_defaults(srnn_mode_opts *o);

/* ---- the modes ------------------------------------------------------------------------- */

typedef struct srnn_mode_hooks srnn_mode_hooks; /* opaque: the mode's code */

/* One mode; the table holds one static srnn_mode_def per mode of this build. */
typedef struct srnn_mode_def {
    srnn_mode mode;
    const char *name;            /* "notes", "abc", "tabla" */
    const char *const *in_exts;  /* extensions read (folders are searched for them), lower
                                  * case, without the dot, NULL-terminated */
    const char *text_ext;        /* the mode's own notation written ("abc", "bol"), or NULL */
    const char *what;            /* "MIDI file", "ABC file", "tabla composition" */
    int default_length;          /* tokens generated without opts->length (notes: events) */
    int has_prime_text;          /* srnn_mode_prime_text reads text (abc) */
    const srnn_mode_hooks *hooks;
} srnn_mode_def;

/* The mode, or NULL when this build lacks it. */
const srnn_mode_def *srnn_modes_get(srnn_mode mode);
const srnn_mode_def *srnn_modes_by_name(const char *name);
/* The modes of this build, notes first. */
const srnn_mode_def *const *srnn_modes_all(size_t *n);
/* The mode whose in_exts hold the extension of path (case-insensitive), or NULL. */
const srnn_mode_def *srnn_modes_by_extension(const char *path);
/* The mode of a model file (its magic, then the whole model read), or NULL when path is no
 * model or one of a mode this build lacks. */
const srnn_mode_def *srnn_modes_of_model(const char *path);
/* The mode most of the inputs belong to by their extensions (folders searched recursively;
 * an unreadable folder is reported through o->report); notes when none is recognized. */
const srnn_mode_def *srnn_modes_guess(const char *const *paths, int n_paths,
                                      const srnn_mode_opts *o);

/* How many of the inputs each mode of this build reads (folders searched recursively):
 * counts[mode], for mode 0..2 (0 for a mode this build lacks).  Quietly: an unreadable
 * folder counts nothing. */
void srnn_modes_count(const char *const *paths, int n_paths, size_t counts[3]);

/* ---- documents ------------------------------------------------------------------------- */

/* Documents of one mode: a piece (notes), a tune (abc), a composition (tabla), each with a
 * label for messages: its path, or "path X:3" for one tune of an ABC file.  Each ABC tune is
 * normalized (srnn_abc_chars_normalize) and parses; a tune that does not is reported with its
 * line and column in the file, and left out. */
typedef struct srnn_docs srnn_docs; /* opaque */

/* Empty documents of mode m (NULL: out of memory, or m NULL). */
srnn_docs *srnn_docs_new(const srnn_mode_def *m);
void srnn_docs_free(srnn_docs *docs);
/* Reads every file of the mode among paths (a file given by name whatever its extension,
 * folders searched recursively, sorted).  A file that cannot be read is reported and skipped
 * (counted by srnn_docs_failed).  SRNN_OK when at least one document was read; otherwise an
 * error ("no MIDI files found (.mid, ...)", "no readable MIDI file", a missing path) and
 * *out NULL. */
int srnn_docs_load(const srnn_mode_def *m, const char *const *paths, int n_paths,
                   const srnn_mode_opts *o, srnn_docs **out, srnn_mode_error *err)
    SRNN_WARN_UNUSED;
/* One file through the mode's reader, into new documents (an ABC file: its tunes). */
int srnn_docs_load_file(const srnn_mode_def *m, const char *path, const srnn_mode_opts *o,
                        srnn_docs **out, srnn_mode_error *err) SRNN_WARN_UNUSED;
/* Appends a document made elsewhere: label and text copied, piece taken over (also on
 * failure).  notes: piece, text NULL; abc, tabla: text (a tune or a .bol), piece NULL. */
int srnn_docs_push(srnn_docs *docs, const char *label, srnn_piece *piece, const char *text,
                   size_t len, srnn_error *err) SRNN_WARN_UNUSED;

const srnn_mode_def *srnn_docs_mode(const srnn_docs *docs);
size_t srnn_docs_count(const srnn_docs *docs);
size_t srnn_docs_failed(const srnn_docs *docs); /* files skipped by srnn_docs_load */
const char *srnn_docs_label(const srnn_docs *docs, size_t i);
/* The document's piece (notes mode; NULL for the text modes or after srnn_docs_take_piece). */
const srnn_piece *srnn_docs_piece(const srnn_docs *docs, size_t i);
/* The document's text (abc, tabla; NUL-terminated), or NULL. */
const char *srnn_docs_text(const srnn_docs *docs, size_t i, size_t *len);
/* The median of the pieces' typical tempos (srnn_piece_typical_bpm), held to 1..1000 BPM; 0
 * for the text modes, whose outputs bring their own tempo. */
double srnn_docs_tempo(const srnn_docs *docs);

/* What a corpus became: the numbers the command line prints after building a vocabulary. */
typedef struct srnn_docs_stats {
    srnn_mode mode;
    int vocab_size;
    size_t docs;              /* pieces, tunes, compositions */
    srnn_coverage coverage;   /* notes: what the chord vocabulary covers */
    size_t chars;             /* abc: characters of the tunes */
    size_t cycles, beats, bols; /* tabla: whole cycles, beats and bols of the compositions */
    size_t tokens;            /* notes, tabla: tokens the corpus becomes */
} srnn_docs_stats;

/* The vocabulary of the documents (notes: bounded by o->max_vocab, the most frequent chords;
 * abc: every character; tabla: the fixed bol vocabulary).  stats may be NULL. */
int srnn_docs_build_vocab(const srnn_docs *docs, const srnn_mode_opts *o, srnn_vocab **out,
                          srnn_docs_stats *stats, srnn_mode_error *err) SRNN_WARN_UNUSED;
/* Document i as tokens, framed by <start> and <end> (*toks malloc'ed).  The error is about
 * the document (srnn_docs_label). */
int srnn_docs_encode(const srnn_docs *docs, size_t i, const srnn_vocab *v, int32_t **toks,
                     size_t *n, srnn_error *err) SRNN_WARN_UNUSED;
/* Notes: document i with every pitch moved by transpose semitones (the training's
 * augmentation), and the shifts that keep it on the piano (srnn_piece_transpose_limits; 0 and
 * 0 for the text modes). */
int srnn_docs_encode_transposed(const srnn_docs *docs, size_t i, const srnn_vocab *v,
                                int transpose, int32_t **toks, size_t *n, srnn_error *err)
    SRNN_WARN_UNUSED;
void srnn_docs_transpose_limits(const srnn_docs *docs, size_t i, int max, int *down, int *up);

/* Document i as music, a piece the caller frees: notes hands over the document's own piece
 * (the document has none after), abc and tabla parse the text (o: melody_only, tabla_map). */
int srnn_docs_take_piece(srnn_docs *docs, size_t i, const srnn_mode_opts *o, srnn_piece **out,
                         srnn_error *err) SRNN_WARN_UNUSED;

/* ---- tokens to output ------------------------------------------------------------------ */

/* Tokens in the mode's own notation (*text malloc'ed, NUL-terminated): notes the token
 * strings on one line, abc the tune (with an X: line when the tokens lack one), tabla the
 * .bol text aligned to the taal. */
int srnn_mode_to_text(const srnn_mode_def *m, const srnn_vocab *v, const int32_t *toks,
                      size_t n, char **text, srnn_error *err) SRNN_WARN_UNUSED;
/* Tokens as music, for MIDI, audio and live play (o: melody_only, tabla_map; may be NULL).  A
 * piece without a tempo map is to be played at srnn_mode_output_bpm, one with a tempo map (an
 * ABC Q: field) at its own unless o->tempo is given. */
int srnn_mode_to_piece(const srnn_mode_def *m, const srnn_vocab *v, const int32_t *toks,
                       size_t n, const srnn_mode_opts *o, srnn_piece **out, srnn_error *err)
    SRNN_WARN_UNUSED;
/* Token strings, space-separated, one line ending in a newline (any mode; *text malloc'ed). */
int srnn_mode_token_strings(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                            srnn_error *err) SRNN_WARN_UNUSED;

/* Whether srnn_mode_write writes this path: .mid/.midi, .wav, or the mode's text_ext. */
int srnn_mode_can_write(const srnn_mode_def *m, const char *path);
/* Writes tokens of vocabulary v to path in the format its extension asks for: MIDI (format 1,
 * title "songrnn" when the piece has none, o->program), WAV (rendered offline through
 * FluidSynth with o->soundfont, else srnn_mode_soundfont, else a GM font found without
 * flags), or the mode's text.  A piece that brings its tempo (an ABC Q: field) keeps it unless
 * o->tempo is given; others get srnn_mode_output_bpm.  A piece the format cannot hold (too
 * long for a MIDI file or a WAV) is SRNN_EINPUT labelled "generate", not path: the output
 * file is not at fault. */
int srnn_mode_write(const srnn_mode_def *m, const srnn_vocab *v, const srnn_mode_opts *o,
                    const char *path, const int32_t *toks, size_t n, srnn_mode_error *err)
    SRNN_WARN_UNUSED;
/* The tempo output gets: o->tempo, else o->corpus_tempo, else 120. */
double srnn_mode_output_bpm(const srnn_mode_opts *o);

/* ---- models and generation ----------------------------------------------------------------- */

/* The network, tokens and training settings that work for the mode (srnn_model_config_defaults
 * with the mode's own), for a new model whose options the user did not give:
 *   notes  1 x LSTM 256 (forget-gate bias 1), embed 128, no convolution, no dropout; metric
 *          tokens, 8 velocity levels from the corpus, transposition by up to 5 semitones;
 *          windows of 64, batches of 32, Adam 3e-3, cosine schedule with 100 warm-up steps
 *   abc    1 x LSTM 256, embed 32, no convolution, dropout 0.2; windows of 100, batches of 32,
 *          Adam 3e-3, constant rate
 *   tabla  1 x LSTM 128, embed 32, no convolution; windows of 64, batches of 16
 * (docs/training.md: how they were chosen). */
struct srnn_model_config;
void srnn_mode_model_defaults(const srnn_mode_def *m, struct srnn_model_config *cfg);

/* Loads a model and finds its mode (an error for a file that is no model, or a model of a mode
 * this build lacks). */
int srnn_mode_model_open(const char *path, struct srnn_model **model, const srnn_mode_def **m,
                         srnn_mode_error *err) SRNN_WARN_UNUSED;

/* Text as primer tokens, without <start> and <end> (abc: srnn_abc_chars_encode_prime); an
 * error for a mode without has_prime_text. */
int srnn_mode_prime_text(const srnn_mode_def *m, const srnn_vocab *v, const char *text,
                         int32_t **toks, size_t *n, srnn_error *err) SRNN_WARN_UNUSED;
/* The tokens generation starts from (after <start>): the opening of o->prime (its first
 * document, at most one training window, without <end>) or o->prime_text; else the mode's own
 * opening (tabla: taal:NAME of o->taal); else one of the training windows stored in the
 * model, picked by seed (abc: made the end of a previous tune); else none (*toks NULL).
 * Notes: o->prime as a whole up to the model's window, else its last window (from a bar line).
 * *keep: whether they belong in the output (the user's and the mode's openings do, someone's
 * training data does not). */
int srnn_mode_primer(const srnn_mode_def *m, const struct srnn_model *model,
                     const srnn_mode_opts *o, uint64_t seed, int32_t **toks, size_t *n,
                     int *keep, srnn_mode_error *err) SRNN_WARN_UNUSED;

/* Notes: the primer o->prime as read (beat annotations applied, as training reads files) and
 * all its tokens (after <start>, without <end>), for writing the primer and its continuation
 * (o->prime_piece, o->context).  srnn_mode_primer gives what the network is fed: the whole
 * primer up to the model's window, else its last window (metric: from a bar line, with the
 * meter that holds there). */
int srnn_mode_primer_piece(const srnn_mode_def *m, const srnn_vocab *v, const srnn_mode_opts *o,
                           srnn_piece **piece, int32_t **toks, size_t *n, srnn_mode_error *err)
    SRNN_WARN_UNUSED;

/* Generation in the mode's grammar: sets go->constrain (notes: well-formed bars and events,
 * o->pitch_min..pitch_max, o->meter_num/den; abc: tunes that parse; tabla: the
 * taal's cycle, o->cycles, o->taal unless o->prime) and, for tabla, go->length, for one
 * output; go->length must be set before.  *gen (NULL for a mode without a grammar) lives until
 * srnn_mode_gen_end, after srnn_generate.  SRNN_EARG for options out of range (an unknown
 * --taal: a usage error on the command line). */
typedef struct srnn_mode_gen srnn_mode_gen; /* opaque */
int srnn_mode_gen_begin(const srnn_mode_def *m, const srnn_vocab *v, const srnn_mode_opts *o,
                        struct srnn_generate_opts *go, srnn_mode_gen **gen,
                        srnn_mode_error *err) SRNN_WARN_UNUSED;
void srnn_mode_gen_end(srnn_mode_gen *gen);

/* ---- sound ------------------------------------------------------------------------------- */

/* A .mid/.midi/.smf/.kar, .abc (o->tune, o->melody_only) or .bol (o->tabla_map) file as a
 * new piece, for rendering and playing.  SRNN_EARG for an o->tune that is no X: number; o->tune
 * with a MIDI file is reported (ignored). */
int srnn_mode_read_piece(const char *path, const srnn_mode_opts *o, srnn_piece **out,
                         srnn_mode_error *err) SRNN_WARN_UNUSED;
/* One of the pieces a file holds (a tune of an ABC file). */
typedef struct srnn_mode_piece_info {
    int x;           /* the tune's X: number; -1 when it has none */
    char title[128]; /* its first T: field, cut; "" when none */
} srnn_mode_piece_info;
/* The pieces srnn_mode_read_piece can read from path (o->piece 1..*n): an ABC file's tunes in
 * file order; a file of another mode holds one (x -1, no title).  *out malloc'ed. */
int srnn_mode_list_pieces(const char *path, const srnn_mode_opts *o, srnn_mode_piece_info **out,
                          size_t *n, srnn_mode_error *err) SRNN_WARN_UNUSED;
/* The soundfont for the mode's audio when o->soundfont is not given: tabla's own font
 * (soundfonts/tabla.sf2 next to the binary, under ../share/songrnn, or in the source tree of
 * the build) unless o->tabla_map is GM; NULL: a General MIDI font.  o->soundfont when given. */
const char *srnn_mode_soundfont(const srnn_mode_def *m, const srnn_mode_opts *o);
/* The same for an input file: the mode of its extension, else of the model it holds. */
const char *srnn_mode_soundfont_for(const char *path, const srnn_mode_opts *o);

#endif
