/* Inside src/tokens: the vocabulary's layout, shared by vocab.c and notes.c. */
#ifndef SRNN_TOKENS_INTERNAL_H
#define SRNN_TOKENS_INTERNAL_H

#include <stdint.h>

#include "songrnn/vocab.h"

/* A pitch set: bit p of w[p >> 6] is pitch p. */
typedef struct pset {
    uint64_t w[2];
} pset;

static inline int pset_count(pset s)
{
    return __builtin_popcountll(s.w[0]) + __builtin_popcountll(s.w[1]);
}
static inline int pset_subset(pset a, pset b) /* a inside b */
{
    return (a.w[0] & ~b.w[0]) == 0 && (a.w[1] & ~b.w[1]) == 0;
}
static inline int pset_eq(pset a, pset b)
{
    return a.w[0] == b.w[0] && a.w[1] == b.w[1];
}
static inline uint64_t pset_hash(pset s)
{
    uint64_t h = s.w[0] * 0x9E3779B97F4A7C15ull ^ (s.w[1] + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    return h ^ (h >> 29);
}

#define VEL_BINS_MAX 32
#define VEL_LEVELS_MAX 127 /* distinct velocities a vocabulary can name */
#define TOKEN_LEN_MAX 1024
#define METERS_MAX 64     /* meter tokens of a metric vocabulary */
#define BAR_STEPS_MAX 4096 /* longest bar, in grid steps (position tokens) */

struct srnn_vocab {
    srnn_mode mode;
    int n;           /* tokens */
    char **tok;      /* [n], each its own allocation */
    int32_t *slots;  /* string hash table: id + 1, 0 empty; mask + 1 entries */
    uint32_t mask;
    int start_id, end_id;

    /* notes mode only */
    int tokens;         /* SRNN_TOKENS_METRIC or SRNN_TOKENS_TIMESHIFT */
    int grid, vel_bins; /* vel_bins: velocity levels (V tokens) */
    int32_t *shift_id;  /* timeshift: [4*grid + 1]: T{k} -> id */
    int32_t *vel_id;    /* [vel_bins]: level k (ascending velocity) -> id */
    uint8_t vel_level[VEL_LEVELS_MAX]; /* [vel_bins] the velocity of level k, ascending */
    uint8_t vel_nearest[128];          /* velocity -> its nearest level (ties: the louder) */
    /* metric only */
    int32_t bar_id;
    int n_meters;       /* M tokens, in id order (the builder puts the most frequent first) */
    int meter_num[METERS_MAX], meter_den[METERS_MAX], meter_steps[METERS_MAX];
    int32_t meter_id[METERS_MAX];
    int bar_steps_max;  /* positions P0 .. P{bar_steps_max - 1} */
    int32_t *pos_id;    /* [bar_steps_max] */
    int n_dur;          /* duration tokens, ascending steps */
    int64_t *dur_steps; /* [n_dur] */
    int32_t *dur_id;    /* [n_dur] */
    int32_t pitch_id[128];
    /* per token id: what it means */
    uint8_t *kind;      /* [n] TK_* */
    int64_t *value;     /* [n] shift steps, duration steps, velocity bin; chord: index in sets */
    pset *sets;         /* [n_sets] pitch sets of the pitch and chord tokens */
    int32_t *set_id;    /* [n_sets] their token ids */
    int n_sets;
    int32_t *greedy;    /* [n_chords] indices into sets of the chords: most pitches, lowest id */
    int n_chords;
    int32_t *set_slots; /* pitch set hash table: index into sets + 1 */
    uint32_t set_mask;
};

/* The index in sets of a pitch set, or -1 (vocab.c). */
int srnn__vocab_find_set(const srnn_vocab *v, pset s);

enum { TK_OTHER, TK_START, TK_END, TK_SHIFT, TK_DUR, TK_PITCH, TK_VEL, TK_BAR, TK_METER, TK_POS };

/* Bar length in grid steps of meter num/den, or 0 when it is not a whole number of steps. */
static inline int meter_steps(int num, int den, int grid)
{
    long long s = (long long)num * 4 * grid;
    return den > 0 && s % den == 0 && s / den <= BAR_STEPS_MAX ? (int)(s / den) : 0;
}

#endif
