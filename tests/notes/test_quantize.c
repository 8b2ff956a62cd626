/* Quantization and chord grouping (src/notes/quantize.c), worked out by hand at 12 steps a
 * quarter note unless said otherwise. */
#include "../check.h"
#include "songrnn/notes.h"

static void add(srnn_piece *p, double onset, double dur, int pitch, int vel)
{
    srnn_note n = {.onset = onset, .duration = dur, .pitch = (uint8_t)pitch,
                   .velocity = (uint8_t)vel};
    CHECK(srnn_piece_add_note(p, &n) == SRNN_OK);
}

static void test_steps(void)
{
    /* Sixteenths: 0.25 beat = 3 steps; eighth triplets: 1/3 beat = 4 steps; sixteenth
     * triplets 1/6 = 2 steps. */
    CHECK(srnn_quantize_onset(0.25, 12) == 3);
    CHECK(srnn_quantize_onset(0.75, 12) == 9);
    CHECK(srnn_quantize_onset(1.0 / 3, 12) == 4);
    CHECK(srnn_quantize_onset(2.0 / 3, 12) == 8);
    CHECK(srnn_quantize_onset(1.0 / 6, 12) == 2);
    CHECK(srnn_quantize_onset(7 + 1.0 / 3, 12) == 88);
    /* Rounding: 0.1249 beat = 1.4988 steps -> 1; 0.125 (a 32nd) = 1.5 -> 2 (halves up);
     * 0.04 = 0.48 -> 0; a performed onset 1.03 beats = 12.36 -> 12. */
    CHECK(srnn_quantize_onset(0.1249, 12) == 1);
    CHECK(srnn_quantize_onset(0.125, 12) == 2);
    CHECK(srnn_quantize_onset(0.04, 12) == 0);
    CHECK(srnn_quantize_onset(1.03, 12) == 12);
    CHECK(srnn_quantize_onset(0.97, 12) == 12);
    /* At 4 steps a quarter the triplet does not survive: 1/3 beat = 1.33 -> 1. */
    CHECK(srnn_quantize_onset(1.0 / 3, 4) == 1);
    CHECK(srnn_quantize_onset(2.0 / 3, 4) == 3);
    /* Durations are at least one step. */
    CHECK(srnn_quantize_duration(0.01, 12) == 1);
    CHECK(srnn_quantize_duration(0.04, 12) == 1);
    CHECK(srnn_quantize_duration(0.5, 12) == 6);
    CHECK(srnn_quantize_duration(1.5, 12) == 18);
    /* Absurd times are clamped rather than overflowing. */
    CHECK(srnn_quantize_onset(1e300, 12) == SRNN_STEPS_MAX);
    CHECK(srnn_quantize_onset(-1, 12) == 0);
    CHECK(srnn_quantize_onset(0.0 / 0.0, 12) == 0);
}

static void test_grouping(void)
{
    srnn_piece *p = srnn_piece_new();
    /* A C major chord played a little unevenly: 0, 0.01, 0.02 beats -> all at step 0. */
    add(p, 0.02, 1.0, 67, 70);
    add(p, 0.0, 1.0, 60, 80);
    add(p, 0.01, 0.5, 64, 90);
    /* C4 struck twice within one step (0.5 and 0.53 -> step 6), 0.25 and 1 beats long, velocities
     * 100 and 50: one note, 12 steps, velocity 100. */
    add(p, 0.5, 0.25, 60, 100);
    add(p, 0.53, 1.0, 60, 50);
    /* Triplets after the chord: 1, 4/3, 5/3 -> 12, 16, 20; a staccato dot of 0.02 beats. */
    add(p, 1.0, 1.0 / 3, 72, 64);
    add(p, 4.0 / 3, 1.0 / 3, 74, 64);
    add(p, 5.0 / 3, 0.02, 76, 64);
    srnn_qpiece q;
    CHECK(srnn_piece_quantize(p, 12, &q) == SRNN_OK);
    CHECK(q.grid == 12);
    CHECK(q.n_notes == 7);
    CHECK(q.n_events == 5);
    if (q.n_events == 5 && q.n_notes == 7) {
        CHECK(q.events[0].onset == 0 && q.events[0].count == 3 && q.events[0].first == 0);
        CHECK(q.notes[0].pitch == 60 && q.notes[1].pitch == 64 && q.notes[2].pitch == 67);
        CHECK(q.notes[1].duration == 6 && q.notes[0].duration == 12);
        CHECK(q.events[1].onset == 6 && q.events[1].count == 1);
        CHECK(q.notes[3].pitch == 60 && q.notes[3].duration == 12 && q.notes[3].velocity == 100);
        CHECK(q.events[2].onset == 12 && q.events[3].onset == 16 && q.events[4].onset == 20);
        CHECK(q.notes[4].duration == 4 && q.notes[6].duration == 1);
    }
    srnn_qpiece_release(&q);
    CHECK(q.notes == NULL && q.n_events == 0);
    CHECK(srnn_piece_quantize(p, 0, &q) == SRNN_EARG);
    CHECK(srnn_piece_quantize(p, SRNN_GRID_MAX + 1, &q) == SRNN_EARG);
    CHECK(srnn_piece_quantize(NULL, 12, &q) == SRNN_EARG);
    srnn_piece_free(p);

    /* An empty piece has no events. */
    p = srnn_piece_new();
    CHECK(srnn_piece_quantize(p, 12, &q) == SRNN_OK);
    CHECK(q.n_notes == 0 && q.n_events == 0);
    srnn_qpiece_release(&q);
    srnn_piece_free(p);
}

int main(void)
{
    test_steps();
    test_grouping();
    return check_finish("test_quantize");
}
