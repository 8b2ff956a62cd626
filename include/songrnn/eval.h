/* songrnn — objective statistics of music (src/eval), after Yang & Lerch (2018), "On the
 * evaluation of generative models in music" (Neural Computing and Applications).
 *
 * 1. Features of one piece (srnn_eval_features), on the note list, times in beats:
 *      pitch count      distinct MIDI pitches used
 *      pitch range      highest pitch - lowest pitch, semitones
 *      pitch interval   mean |p[i+1] - p[i]| over consecutive notes, notes ordered by onset
 *                       then pitch (a chord is read upwards), semitones
 *      note count       notes
 *      IOI              mean inter-onset interval: mean gap between consecutive distinct
 *                       onsets, beats (notes struck together are one onset)
 *      polyphony        notes sounding on average while at least one sounds (time-weighted)
 *      pitch-class hist 12 bins, fraction of notes on each pitch class (C = 0)
 *      pitch-class transitions  12 x 12, fraction of consecutive note pairs (same order as the
 *                       pitch interval) going from class a to class b
 *      note-length hist 12 bins, fraction of notes whose duration is nearest (in log2) to
 *                       whole, half, quarter, 8th, 16th, dotted half, dotted quarter, dotted
 *                       8th, dotted 16th, half triplet, quarter triplet, 8th triplet (beats
 *                       4, 2, 1, 1/2, 1/4, 3, 3/2, 3/4, 3/8, 4/3, 2/3, 1/3)
 *
 * 2. Comparing a set of pieces (generated) with a reference set (srnn_eval_compare), per
 *    feature: the distance between two pieces is |a - b| for a number, the Euclidean distance
 *    for a histogram or matrix.  Intra-set distances: every pair of pieces inside a set;
 *    inter-set distances: every (generated, reference) pair.  Each distance sample is smoothed
 *    into a density by a Gaussian kernel density estimate (Scott's bandwidth, sd * n^(-1/5),
 *    binned on a 1024-point grid shared by the two densities).  Reported: the overlap area
 *    (integral of min(p, q), 1 for identical densities, 0 for disjoint ones) and the
 *    Kullback-Leibler divergence KL(intra-reference || inter-set), in nats.  A generated set
 *    that sits inside the reference's own spread gives an inter-set density like the
 *    reference's intra-set one: overlap near 1, divergence near 0. */
#ifndef SONGRNN_EVAL_H
#define SONGRNN_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"
#include "songrnn/notes.h"

typedef enum srnn_eval_feature {
    SRNN_EVAL_PITCH_COUNT = 0,
    SRNN_EVAL_PITCH_CLASS_HIST,
    SRNN_EVAL_PITCH_CLASS_TRANS,
    SRNN_EVAL_PITCH_RANGE,
    SRNN_EVAL_PITCH_INTERVAL,
    SRNN_EVAL_NOTE_COUNT,
    SRNN_EVAL_IOI,
    SRNN_EVAL_NOTE_LENGTH_HIST,
    SRNN_EVAL_POLYPHONY,
    SRNN_EVAL_N_FEATURES
} srnn_eval_feature;

/* Values of every feature, laid out one after another (see srnn_eval_feature_offset). */
#define SRNN_EVAL_DIM (1 + 12 + 144 + 1 + 1 + 1 + 1 + 12 + 1)

typedef struct srnn_eval_features {
    double v[SRNN_EVAL_DIM];
} srnn_eval_features;

/* "pitch_count", "pitch_class_hist", ... (snake case, for CSV and JSON); NULL out of range. */
const char *srnn_eval_feature_name(int feature);
/* "pitch count", "pitch-class histogram", ... (for tables). */
const char *srnn_eval_feature_label(int feature);
/* Values of the feature (1 for a number, 12, 144) and where they start in v[]. */
int srnn_eval_feature_dim(int feature);
int srnn_eval_feature_offset(int feature);

/* The features of a piece.  SRNN_EINPUT for a piece without notes. */
int srnn_eval_piece_features(const srnn_piece *piece, srnn_eval_features *out,
                             srnn_error *err) SRNN_WARN_UNUSED;

/* A set of pieces, reduced to their features. */
typedef struct srnn_eval_set srnn_eval_set;

srnn_eval_set *srnn_eval_set_new(void); /* NULL only when out of memory */
void srnn_eval_set_free(srnn_eval_set *set);
/* Adds a piece's features (SRNN_EINPUT for a piece without notes: not added). */
int srnn_eval_set_add(srnn_eval_set *set, const srnn_piece *piece, srnn_error *err)
    SRNN_WARN_UNUSED;
int srnn_eval_set_add_features(srnn_eval_set *set, const srnn_eval_features *f,
                               srnn_error *err) SRNN_WARN_UNUSED;
size_t srnn_eval_set_count(const srnn_eval_set *set);
const srnn_eval_features *srnn_eval_set_get(const srnn_eval_set *set, size_t i);

/* What srnn_eval_compare finds for one feature. */
typedef struct srnn_eval_result {
    /* Numeric features: mean and standard deviation over each set's pieces (NaN for a
     * histogram or matrix). */
    double gen_mean, gen_sd, ref_mean, ref_sd;
    /* Mean distances: between generated pieces, between reference pieces, across the sets. */
    double intra_gen, intra_ref, inter;
    double kld;     /* KL(intra-reference || inter-set), nats, >= 0 */
    double overlap; /* overlap area of the two densities, in [0, 1] */
} srnn_eval_result;

/* Compares gen with ref, feature by feature.  gen needs at least 1 piece, ref at least 2 (an
 * intra-set distance needs a pair).  res has SRNN_EVAL_N_FEATURES entries. */
int srnn_eval_compare(const srnn_eval_set *gen, const srnn_eval_set *ref,
                      srnn_eval_result *res, srnn_error *err) SRNN_WARN_UNUSED;

/* The two measures on two samples of numbers, as srnn_eval_compare uses them on distances:
 * kld = KL(p || q) and the overlap area of the kernel density estimates p of a and q of b. */
int srnn_eval_kde_compare(const double *a, size_t na, const double *b, size_t nb,
                          double *kld, double *overlap, srnn_error *err) SRNN_WARN_UNUSED;

/* ---- musical statistics (src/eval/music.c) --------------------------------------------------
 *
 * What a musician hears first: does it keep a beat, a key, does it repeat, does it breathe.
 * Times on a grid of 12 steps a quarter note, step(t) = floor(12 t + 1/2).  Of a set of pieces:
 *   onset phase        histogram of step(onset) mod 12 over all notes; compared with a
 *                      reference set as KL(p_ref || p_set), p = (count + 1) / (notes + 12)
 *   in key             per piece the notes inside its best-fitting major diatonic scale (of
 *                      the 12); the sum over pieces / the notes
 *   bar repetition     bars from the time signatures (4/4 before the first; a signature inside
 *                      a bar starts a new bar there), bounds on the grid; a bar's rhythm is the
 *                      set of its notes' positions; the share of bars with notes whose rhythm
 *                      an earlier bar of the piece has exactly
 *   velocity spread    population standard deviation of all note velocities
 *   longest copy       notes in (onset step, pitch) order become the pairs (pitch interval,
 *                      onset steps between) of consecutive notes; the longest run of pairs a
 *                      piece shares with one piece of a training set, L pairs = L + 1 notes
 * tools/music_stats computes the same from the MIDI files with mido, independently; see
 * docs/music-stats.md. */

typedef struct srnn_music_stats {
    size_t pieces, notes;
    uint64_t onset_hist[12];
    uint64_t in_key;            /* notes inside their piece's best scale */
    uint64_t bars, bars_repeated;
    double velocity_sum, velocity_sq;
} srnn_music_stats;

/* Adds a piece's notes to s (zero it first). */
int srnn_music_stats_add(srnn_music_stats *s, const srnn_piece *piece) SRNN_WARN_UNUSED;
double srnn_music_onset_kl(const srnn_music_stats *ref, const srnn_music_stats *s);
double srnn_music_in_key(const srnn_music_stats *s);          /* share, 0..1 */
double srnn_music_bar_repetition(const srnn_music_stats *s);  /* share, 0..1 */
double srnn_music_velocity_sd(const srnn_music_stats *s);

/* The training pieces a generated piece may have copied from. */
typedef struct srnn_copy_index srnn_copy_index;

srnn_copy_index *srnn_copy_index_new(void); /* NULL only when out of memory */
void srnn_copy_index_free(srnn_copy_index *idx);
int srnn_copy_index_add(srnn_copy_index *idx, const srnn_piece *piece) SRNN_WARN_UNUSED;
/* The longest run of consecutive notes of piece (in notes; 1 when no pair matches, 0 for a
 * piece of no notes) that one training piece has too. */
int srnn_copy_index_longest(const srnn_copy_index *idx, const srnn_piece *piece,
                            size_t *notes, srnn_error *err) SRNN_WARN_UNUSED;

#endif
