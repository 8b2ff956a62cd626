/* songrnn — tabla: bols, taals, the .bol text format, strokes, and the bol tokenizer
 * (src/tabla).
 *
 * A composition is a taal, a form, a tempo (matras a minute) and a sequence of beats (matras),
 * each holding one or more bol syllables (a rest "-" is a syllable too).  Beat 0 is sam.
 * The .bol format is described in docs/tabla.md. */
#ifndef SONGRNN_TABLA_H
#define SONGRNN_TABLA_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"
#include "songrnn/notes.h"
#include "songrnn/vocab.h"

/* ---- bols ------------------------------------------------------------------------------ */

#define SRNN_BOL_REST 0       /* "-": a silent syllable (also written S) */
#define SRNN_BOL_MAX_BEAT 16  /* syllables in one beat */

int srnn_bol_count(void);              /* canonical syllables, the rest included */
const char *srnn_bol_name(int id);     /* "Dha", "TiRa"... never; one syllable; NULL out of range */
/* The canonical syllable of one spelling ("dhaa", "Thun", "Kra"), case-insensitive, or -1. */
int srnn_bol_lookup(const char *s, size_t len);

/* ---- taals ----------------------------------------------------------------------------- */

typedef struct srnn_taal {
    const char *name;     /* "teentaal" */
    int beats;            /* matras a cycle */
    int n_vibhags;
    int vibhags[8];       /* beats of each vibhag */
    const char *marks[8]; /* under each vibhag's first beat: "X" sam, "0" khali, "2" tali... */
    const char *theka;    /* one cycle in .bol notation */
} srnn_taal;

int srnn_taal_count(void);
const srnn_taal *srnn_taal_at(int i);
/* By name or common spelling ("tintal", "Jhaptal", "kaharva"), case-insensitive; NULL. */
const srnn_taal *srnn_taal_find(const char *name);
/* Whether a beat position (0-based, within a cycle) ends a vibhag (the cycle's last too). */
int srnn_taal_vibhag_end(const srnn_taal *t, int beat_in_cycle);

/* ---- forms ----------------------------------------------------------------------------- */

typedef enum srnn_tabla_form {
    SRNN_FORM_THEKA = 0,
    SRNN_FORM_KAYDA,
    SRNN_FORM_PALTA,
    SRNN_FORM_RELA,
    SRNN_FORM_TUKDA,
    SRNN_FORM_TIHAI,
    SRNN_FORM_CHAKRADAR,
    SRNN_FORM_COUNT
} srnn_tabla_form;

const char *srnn_tabla_form_name(srnn_tabla_form f); /* "theka" */
int srnn_tabla_form_find(const char *name);          /* the form ("qaida" too), or -1 */
/* Tukdas, tihais and chakradars end on sam: whole cycles plus the sam beat. */
int srnn_tabla_form_ends_on_sam(srnn_tabla_form f);

/* ---- compositions ---------------------------------------------------------------------- */

typedef struct srnn_tabla srnn_tabla; /* opaque */

#define SRNN_TABLA_DEFAULT_TEMPO 80.0

/* An empty composition; NULL when out of memory. */
srnn_tabla *srnn_tabla_new(const srnn_taal *taal, srnn_tabla_form form, double tempo);
void srnn_tabla_free(srnn_tabla *t);
int srnn_tabla_add_beat(srnn_tabla *t, const uint8_t *bols, int n) SRNN_WARN_UNUSED;

const srnn_taal *srnn_tabla_taal(const srnn_tabla *t);
srnn_tabla_form srnn_tabla_form_of(const srnn_tabla *t);
double srnn_tabla_tempo(const srnn_tabla *t);
const char *srnn_tabla_title(const srnn_tabla *t); /* "" when none */
size_t srnn_tabla_beat_count(const srnn_tabla *t);
/* Syllables of beat i (*n of them), NULL when i is out of range. */
const uint8_t *srnn_tabla_beat(const srnn_tabla *t, size_t i, int *n);

/* Parses .bol text.  Errors carry line and column: an unknown bol, taal, form or header
 * field, a vibhag bar or line end off the taal's vibhags, a composition that does not end on
 * a cycle boundary (or, for forms that end on sam, on the sam beat after one). */
int srnn_tabla_parse(const char *text, size_t len, srnn_tabla **out, srnn_error *err)
    SRNN_WARN_UNUSED;
/* .bol text aligned to the taal: a header, then one cycle a line with vibhags separated by
 * "|" and beats in columns, and under each line the marks (X 2 0 3) of its vibhags. */
int srnn_tabla_write(const srnn_tabla *t, char **text, srnn_error *err) SRNN_WARN_UNUSED;

/* ---- strokes --------------------------------------------------------------------------- */

typedef enum srnn_tabla_map {
    SRNN_TABLA_MAP_TABLA = 0, /* keys of soundfonts/tabla.sf2 (docs/tabla.md) */
    SRNN_TABLA_MAP_GM = 1,    /* General MIDI percussion (bongos, congas, toms) */
} srnn_tabla_map;

/* Tabla soundfont keys (bank 128, preset 0, channel 10). */
enum {
    SRNN_STROKE_GE = 48,  /* bayan open, pitch glide */
    SRNN_STROKE_GA = 49,  /* bayan open, steady */
    SRNN_STROKE_KE = 50,  /* bayan closed slap */
    SRNN_STROKE_NA = 60,  /* dayan rim (kinar), ringing */
    SRNN_STROKE_TIN = 61, /* dayan sur, open */
    SRNN_STROKE_TUN = 62, /* dayan centre, open, sustained */
    SRNN_STROKE_TE = 63,  /* dayan centre closed, middle fingers */
    SRNN_STROKE_RE = 64,  /* dayan closed, index finger */
};

/* The strokes of a syllable (0, 1 or 2 keys of the tabla map) into keys[2]; the count. */
int srnn_bol_strokes(int bol, srnn_tabla_map map, uint8_t keys[2]);

/* The composition as strokes on channel 10: beat i at beat i, a beat's syllables evenly
 * spaced; a tempo map from the composition's tempo; accents on sam and beat starts. */
int srnn_tabla_to_piece(const srnn_tabla *t, srnn_tabla_map map, srnn_piece **out,
                        srnn_error *err) SRNN_WARN_UNUSED;

/* ---- tokens (DESIGN §4) ---------------------------------------------------------------- */

/* Tokens: <start> <end>, the beat ends "/" "|" (also a vibhag's) "||" (also the cycle's),
 * "taal:NAME", "form:NAME", "bpm:N" (20..400 by 10), then the syllables.  A composition is
 * <start> taal:.. form:.. bpm:.. then each beat's syllables followed by its end, then <end>. */
int srnn_tabla_vocab_new(srnn_vocab **out, srnn_error *err) SRNN_WARN_UNUSED;
int srnn_tabla_encode(const srnn_vocab *v, const srnn_tabla *t, int32_t **toks, size_t *n,
                      srnn_error *err) SRNN_WARN_UNUSED;
/* Any token sequence becomes a composition: header tokens out of place and empty beats are
 * skipped, the beat-end kinds are recomputed from the taal, a missing taal is teentaal. */
int srnn_tabla_decode(const srnn_vocab *v, const int32_t *toks, size_t n, srnn_tabla **out,
                      srnn_error *err) SRNN_WARN_UNUSED;

/* ---- constrained generation -------------------------------------------------------------- */

/* A grammar for sampling: the header in order, beats of 1..8 syllables, each beat's end the
 * kind its position asks for, and <end> only after whole cycles (plus the sam beat for forms
 * that end on sam); with cycles > 0 exactly that many, else at most max_cycles; the token
 * budget (what may still be sampled) is kept so the last cycle always completes. */
typedef struct srnn_tabla_gen srnn_tabla_gen;

/* taal NULL: the model picks.  budget: tokens the generator may sample after the primer. */
int srnn_tabla_gen_new(const srnn_vocab *v, const srnn_taal *taal, int cycles, int max_cycles,
                       size_t budget, srnn_tabla_gen **out, srnn_error *err) SRNN_WARN_UNUSED;
void srnn_tabla_gen_free(srnn_tabla_gen *g);
/* Narrows mask (vocabulary size entries, 1: allowed) for the next token after seq[0..len). */
int srnn_tabla_gen_mask(srnn_tabla_gen *g, const int32_t *seq, size_t len, uint8_t *mask);
/* Tokens a composition of `cycles` cycles of taal may take at most (for the budget). */
size_t srnn_tabla_gen_budget(const srnn_taal *taal, int cycles);

#endif
