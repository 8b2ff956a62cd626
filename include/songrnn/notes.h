/* songrnn — the note list: the one representation between file formats and tokenizers.
 *
 * Times are in beats (quarter notes) from the start of the piece, never in seconds or ticks,
 * so expressive tempo maps do not smear the grid.  The tempo map converts to seconds. */
#ifndef SONGRNN_NOTES_H
#define SONGRNN_NOTES_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"

#define SRNN_DRUM_CHANNEL 9 /* MIDI channel 10, zero-based */

typedef struct srnn_note {
    double onset;     /* beats from the start, >= 0 */
    double duration;  /* beats, > 0 */
    uint8_t pitch;    /* MIDI key 0..127 */
    uint8_t velocity; /* 1..127 */
    uint8_t channel;  /* 0..15 */
    uint8_t voice;    /* source track or voice index, for writers that keep parts apart */
} srnn_note;

typedef struct srnn_tempo {
    double beat;
    double us_per_quarter; /* microseconds per quarter note, as in MIDI */
} srnn_tempo;

typedef struct srnn_timesig {
    double beat;
    int num, den; /* 6/8: num 6, den 8 */
} srnn_timesig;

typedef struct srnn_keysig {
    double beat;
    int sharps; /* -7..7, flats negative */
    int minor;  /* 0 major, 1 minor */
} srnn_keysig;

/* A piece: its notes plus metadata.  Opaque; notes are reached through the accessors. */
typedef struct srnn_piece srnn_piece;

srnn_piece *srnn_piece_new(void);
void srnn_piece_free(srnn_piece *piece);
/* A copy of everything in piece (NULL when out of memory). */
srnn_piece *srnn_piece_copy(const srnn_piece *piece);

int srnn_piece_add_note(srnn_piece *piece, const srnn_note *note) SRNN_WARN_UNUSED;
/* Room for n notes in all, exactly (a reader that knows how many are coming wastes none). */
int srnn_piece_reserve_notes(srnn_piece *piece, size_t n) SRNN_WARN_UNUSED;
size_t srnn_piece_note_count(const srnn_piece *piece);
const srnn_note *srnn_piece_notes(const srnn_piece *piece);
srnn_note *srnn_piece_notes_mut(srnn_piece *piece);
/* Removes every note for which keep() returns 0. */
void srnn_piece_filter_notes(srnn_piece *piece, int (*keep)(const srnn_note *, void *), void *ud);
/* Sorts notes by onset, then pitch (then duration, longest first). */
void srnn_piece_sort_notes(srnn_piece *piece);
/* Beat where the last note ends (0 for an empty piece). */
double srnn_piece_end_beat(const srnn_piece *piece);

/* Tempo map: kept sorted by beat; a change at the same beat replaces the earlier one.
 * Without any entry the tempo is 120 BPM. */
int srnn_piece_add_tempo(srnn_piece *piece, double beat, double us_per_quarter) SRNN_WARN_UNUSED;
size_t srnn_piece_tempo_count(const srnn_piece *piece);
const srnn_tempo *srnn_piece_tempos(const srnn_piece *piece);
/* Seconds from the start to the given beat, integrating the tempo map. */
double srnn_piece_beat_to_seconds(const srnn_piece *piece, double beat);
/* Beats per minute at the start of the piece, and the tempo that lasts longest. */
double srnn_piece_initial_bpm(const srnn_piece *piece);
double srnn_piece_typical_bpm(const srnn_piece *piece);

int srnn_piece_add_timesig(srnn_piece *piece, double beat, int num, int den) SRNN_WARN_UNUSED;
size_t srnn_piece_timesig_count(const srnn_piece *piece);
const srnn_timesig *srnn_piece_timesigs(const srnn_piece *piece);

int srnn_piece_add_keysig(srnn_piece *piece, double beat, int sharps, int minor) SRNN_WARN_UNUSED;
size_t srnn_piece_keysig_count(const srnn_piece *piece);
const srnn_keysig *srnn_piece_keysigs(const srnn_piece *piece);

/* Lowest and highest pitch of the notes; -1 when the piece has none. */
int srnn_piece_pitch_range(const srnn_piece *piece, int *lo, int *hi);

/* The transpositions -max..+max semitones that keep a piece on the piano: every pitch inside
 * 21..108 (A0..C8), or inside the piece's own range where it already goes beyond.  *down and
 * *up (both >= 0) bound the shift: -*down .. +*up.  0 and 0 for a piece without notes. */
void srnn_piece_transpose_limits(const srnn_piece *piece, int max, int *down, int *up);

/* The key of the notes (Krumhansl-Schmuckler: the major or minor key profile that correlates
 * best with the duration-weighted pitch-class histogram), as a key signature: sharps -7..7
 * (flats negative; of the 12 tonics the spelling with fewer accidentals, F# major as 6) and
 * minor 0/1.  -1 when the piece has no notes. */
int srnn_piece_estimate_key(const srnn_piece *piece, int *sharps, int *minor);

/* Moves every note, tempo, time and key signature by delta beats.  Nothing moves before beat
 * 0: SRNN_EARG when a note would; a tempo or signature that would is kept at beat 0 (the last
 * of them, which is the one in force there).  Moved later, what is at beat 0 stays there. */
int srnn_piece_shift(srnn_piece *piece, double delta) SRNN_WARN_UNUSED;
void srnn_piece_clear_timesigs(srnn_piece *piece);
/* The beat at which `seconds` have passed, through the tempo map (the inverse of
 * srnn_piece_beat_to_seconds). */
double srnn_piece_seconds_to_beat(const srnn_piece *piece, double seconds);

/* ---- beat annotations (src/notes/beats.c) ------------------------------------------------ */

/* A piece's beats as an annotator found them: POP909's beat_midi.txt, one beat a line,
 * "SECONDS A B" where A is 1 on the first beat of each group of 2 (3 in triple time) beats and
 * B on the first of each group of 4 (6): the bar lines. */
typedef struct srnn_beats {
    double *seconds; /* [n] ascending */
    uint8_t *a, *b;  /* [n] the two downbeat columns */
    size_t n;
} srnn_beats;

/* Parses the text; an error names line:col in err (SRNN_EINPUT). */
int srnn_beats_parse(const char *text, size_t len, srnn_beats *out, srnn_error *err)
    SRNN_WARN_UNUSED;
void srnn_beats_release(srnn_beats *b);

/* Puts the piece on its annotated beats and bars: bars of 4 beats (4/4) where column B marks
 * every 4th beat, of 3 (3/4) where column A marks every 3rd; the piece is shifted so that the
 * first annotated bar line falls on a bar line of the grid (the notes before it, a pickup, in
 * the bar before), and that meter replaces its time signatures.  Refused (SRNN_EINPUT, the
 * piece unchanged) when the annotated beats are not the MIDI file's quarter notes (their
 * spacing, through the tempo map, is not 1 beat within 10%) or mark no bar line.  *meter gets
 * the beats of a bar. */
int srnn_piece_align_beats(srnn_piece *piece, const srnn_beats *beats, int *meter,
                           srnn_error *err) SRNN_WARN_UNUSED;

/* Title (track name or ABC T:), may be empty, never NULL. */
const char *srnn_piece_title(const srnn_piece *piece);
int srnn_piece_set_title(srnn_piece *piece, const char *title) SRNN_WARN_UNUSED;

/* General MIDI program (0..127) the piece asks for; 0 (piano) by default. */
int srnn_piece_program(const srnn_piece *piece);
void srnn_piece_set_program(srnn_piece *piece, int program);

/* ---- quantization and chord grouping (src/notes/quantize.c) ---------------------------- */

#define SRNN_GRID_DEFAULT 12 /* steps a quarter note: sixteenths and eighth triplets survive */
#define SRNN_GRID_MAX 960
#define SRNN_STEPS_MAX ((int64_t)1 << 40) /* times beyond this many steps are clamped */

/* Beats to grid steps, rounded to the nearest step (halves up), clamped to 0..SRNN_STEPS_MAX. */
int64_t srnn_quantize_onset(double beats, int grid);
/* The same for a duration, which is at least one step. */
int64_t srnn_quantize_duration(double beats, int grid);

/* A note on the grid. */
typedef struct srnn_qnote {
    int64_t onset;    /* grid steps */
    int64_t duration; /* grid steps, >= 1 */
    uint8_t pitch, velocity, channel, voice;
} srnn_qnote;

/* Notes struck at one grid step: notes[first .. first+count-1], pitches ascending. */
typedef struct srnn_event {
    int64_t onset;
    size_t first;
    uint32_t count;
} srnn_event;

/* A piece on the grid, grouped into events.  Notes are sorted by onset then pitch, and a
 * pitch appears once per event (the longest of its duplicates, the loudest velocity). */
typedef struct srnn_qpiece {
    int grid;
    srnn_qnote *notes;
    size_t n_notes;
    srnn_event *events;
    size_t n_events;
} srnn_qpiece;

/* Quantizes and groups piece into out (which it overwrites; release it after use).
 * grid: steps a quarter note, 1..SRNN_GRID_MAX. */
int srnn_piece_quantize(const srnn_piece *piece, int grid, srnn_qpiece *out) SRNN_WARN_UNUSED;
void srnn_qpiece_release(srnn_qpiece *q);

#endif
