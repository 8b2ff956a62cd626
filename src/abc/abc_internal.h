/* Shared inside src/abc: the tune's features (what the text says, in order, per voice) and
 * the helpers that read field values.  Parsing (abc_parse.c) turns text into features;
 * playing (abc_play.c) expands repeats and parts and turns features into notes. */
#ifndef SRNN_ABC_INTERNAL_H
#define SRNN_ABC_INTERNAL_H

#include <stdint.h>

#include "songrnn/abc.h"

#define ABC_MAX_VOICES 16
#define ABC_MAX_FEATS 2000000   /* per tune, all voices */
#define ABC_MAX_NOTES 2000000   /* after repeat expansion */
#define ABC_MAX_PASSES 16       /* endings [1 .. [16 */
#define ABC_MAX_PARTS 256       /* header P: after expansion */
#define ABC_EPS 1e-9

enum abc_feat_kind { F_NOTE, F_REST, F_BAR, F_GCHORD, F_METER, F_TEMPO, F_KEY, F_PART };

enum abc_bar_flags {
    BAR_LINE = 1,      /* a real bar line (an ending mark alone is not one) */
    BAR_REP_START = 2, /* |:  :: */
    BAR_REP_END = 4,   /* :|  :: */
    BAR_DOUBLE = 8,    /* ||  |]  [| */
};

typedef struct abc_feat {
    uint8_t kind;
    uint8_t tie;   /* F_NOTE: tied to the next note of the same pitch */
    uint8_t pitch; /* F_NOTE */
    int line, col;
    double len, adv; /* whole notes: how long it sounds, how far time moves after it */
    int a, b, c;     /* BAR: flags, ending mask; GCHORD: root (-1 none), bass, interval mask;
                        METER: num, den; KEY: sharps, minor; PART: label */
    double x;        /* METER: bar length (0 free); TEMPO: microseconds a quarter note */
} abc_feat;

typedef struct abc_meter {
    int num, den;  /* 0/0 for free meter */
    double barlen; /* whole notes, 0 when free */
} abc_meter;

typedef struct abc_key {
    int acc[7]; /* semitones added to C D E F G A B */
    int sharps, minor;
} abc_key;

/* One voice's features, in the order of the text. */
typedef struct abc_voice {
    char id[32];
    abc_feat *f;
    size_t n, cap;
    int start_repeat; /* a :| without |: repeats from the start (abc_fix_repeats) */
} abc_voice;

/* A parsed tune: what playing needs. */
typedef struct abc_tune {
    abc_voice voices[ABC_MAX_VOICES];
    int nv;
    abc_meter meter; /* from the header */
    abc_key key;
    double tempo_us; /* 0 when the header has no Q: */
    char parts[ABC_MAX_PARTS];
    int nparts;      /* header P: order, 0 when none */
    char title[128];
} abc_tune;

/* Parses the tune text[0, len), whose first line is line first_line of the file. */
int abc_parse_tune(const char *text, size_t len, int first_line, const srnn_abc_options *opt,
                   abc_tune *tune, srnn_error *err);
void abc_tune_clear(abc_tune *tune);

/* Adds the |: that a :| or an ending lacks, where abc2midi assumes it: after the last || or
 * :| before it, else at the start. */
void abc_fix_repeats(abc_voice *v);

/* Expands repeats and parts and writes the notes and metadata into piece. */
int abc_play(const abc_tune *tune, unsigned flags, srnn_piece *piece, srnn_error *err);

/* Field value readers; each returns 0 or SRNN_EINPUT with a message in err (no position:
 * the caller adds it). */
int abc_read_meter(const char *s, const char *e, abc_meter *m, srnn_error *err);
int abc_read_length(const char *s, const char *e, double *unit, srnn_error *err);
int abc_read_key(const char *s, const char *e, abc_key *k, srnn_error *err);
/* Returns 1 and *us when Q: gives a tempo, 0 when it gives none (text only). */
int abc_read_tempo(const char *s, const char *e, double unit, double *us);
/* A guitar chord's name: 1 and root/bass pitch classes and interval mask, 0 not a chord
 * (annotation), -1 "N.C." (stop the accompaniment).  *unknown is set for an unknown type. */
int abc_read_gchord(const char *s, const char *e, int *root, int *bass, int *mask, int *unknown);
/* Expands a header P: order ("(AB)2C") into labels; returns their number (0 when none). */
int abc_read_parts(const char *s, const char *e, char *out, int cap);

#endif
