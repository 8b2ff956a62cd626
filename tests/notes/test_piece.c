/* The note list (src/notes/piece.c): validation, sorting, filters, the tempo map in seconds. */
#include <string.h>

#include "../check.h"
#include "songrnn/notes.h"

static srnn_note mk(double onset, double dur, int pitch, int ch)
{
    return (srnn_note){.onset = onset, .duration = dur, .pitch = (uint8_t)pitch,
                       .velocity = 64, .channel = (uint8_t)ch};
}

static int not_drums(const srnn_note *n, void *ud)
{
    (void)ud;
    return n->channel != SRNN_DRUM_CHANNEL;
}

static void test_notes(void)
{
    srnn_piece *p = srnn_piece_new();
    CHECK(p != NULL);
    srnn_note bad = mk(0, 1, 60, 0);
    bad.pitch = 128;
    CHECK(srnn_piece_add_note(p, &bad) == SRNN_EARG);
    bad = mk(0, 0, 60, 0);
    CHECK(srnn_piece_add_note(p, &bad) == SRNN_EARG);
    bad = mk(-0.5, 1, 60, 0);
    CHECK(srnn_piece_add_note(p, &bad) == SRNN_EARG);
    bad = mk(0, 1, 60, 16);
    CHECK(srnn_piece_add_note(p, &bad) == SRNN_EARG);
    CHECK(srnn_piece_note_count(p) == 0);
    CHECK(srnn_piece_end_beat(p) == 0);

    /* Out of order on purpose; two notes at (1, 64) of different lengths. */
    srnn_note in[] = {mk(2, 1, 60, 0), mk(1, 0.5, 64, 0), mk(1, 2, 64, 0), mk(1, 1, 36, 9),
                      mk(0, 4.5, 48, 0)};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        CHECK(srnn_piece_add_note(p, &in[i]) == SRNN_OK);
    CHECK(srnn_piece_note_count(p) == 5);
    CHECK_NEAR(srnn_piece_end_beat(p), 4.5, 0);
    srnn_piece_sort_notes(p);
    const srnn_note *n = srnn_piece_notes(p);
    CHECK(n[0].pitch == 48 && n[0].onset == 0);
    CHECK(n[1].pitch == 36 && n[1].onset == 1);
    CHECK(n[2].pitch == 64 && n[2].duration == 2); /* longest first */
    CHECK(n[3].pitch == 64 && n[3].duration == 0.5);
    CHECK(n[4].pitch == 60 && n[4].onset == 2);
    srnn_piece_filter_notes(p, not_drums, NULL);
    CHECK(srnn_piece_note_count(p) == 4);
    n = srnn_piece_notes(p);
    CHECK(n[1].pitch == 64 && n[3].pitch == 60);
    srnn_piece_free(p);
}

static void test_tempo(void)
{
    srnn_piece *p = srnn_piece_new();
    /* No tempo: 120 BPM, half a second a beat. */
    CHECK_NEAR(srnn_piece_beat_to_seconds(p, 2), 1.0, 1e-12);
    CHECK_NEAR(srnn_piece_initial_bpm(p), 120, 1e-9);
    /* 60 BPM for 4 beats, then 120 BPM: beat 6 is 4 s + 2 x 0.5 s. */
    CHECK(srnn_piece_add_tempo(p, 4, 500000) == SRNN_OK);
    CHECK(srnn_piece_add_tempo(p, 0, 1000000) == SRNN_OK);
    CHECK(srnn_piece_tempo_count(p) == 2);
    CHECK(srnn_piece_tempos(p)[0].beat == 0); /* kept sorted */
    CHECK_NEAR(srnn_piece_beat_to_seconds(p, 0), 0, 1e-12);
    CHECK_NEAR(srnn_piece_beat_to_seconds(p, 3), 3, 1e-12);
    CHECK_NEAR(srnn_piece_beat_to_seconds(p, 6), 5, 1e-12);
    CHECK_NEAR(srnn_piece_initial_bpm(p), 60, 1e-9);
    /* A change at the same beat replaces the earlier one: 4 beats at 90 BPM = 2.6667 s. */
    CHECK(srnn_piece_add_tempo(p, 0, 60e6 / 90) == SRNN_OK);
    CHECK(srnn_piece_tempo_count(p) == 2);
    CHECK_NEAR(srnn_piece_beat_to_seconds(p, 4), 4 * 60.0 / 90, 1e-9);
    CHECK(srnn_piece_add_tempo(p, 1, 0) == SRNN_EARG);
    /* Typical tempo: the one that lasts longest in beats.  Notes to beat 20: 120 BPM wins. */
    srnn_note nt = mk(19, 1, 60, 0);
    CHECK(srnn_piece_add_note(p, &nt) == SRNN_OK);
    CHECK_NEAR(srnn_piece_typical_bpm(p), 120, 1e-9);
    srnn_piece_free(p);
}

static void test_meta(void)
{
    srnn_piece *p = srnn_piece_new();
    CHECK(srnn_piece_add_timesig(p, 0, 6, 8) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 4, 3, 6) == SRNN_EARG); /* 6 is no power of two */
    CHECK(srnn_piece_timesig_count(p) == 1 && srnn_piece_timesigs(p)[0].num == 6);
    CHECK(srnn_piece_add_keysig(p, 0, -3, 1) == SRNN_OK);
    CHECK(srnn_piece_add_keysig(p, 0, 8, 0) == SRNN_EARG);
    CHECK(srnn_piece_keysigs(p)[0].sharps == -3 && srnn_piece_keysigs(p)[0].minor == 1);
    CHECK(strcmp(srnn_piece_title(p), "") == 0);
    CHECK(srnn_piece_set_title(p, "Gymnopedie") == SRNN_OK);
    CHECK(strcmp(srnn_piece_title(p), "Gymnopedie") == 0);
    srnn_piece_set_program(p, 200); /* ignored */
    CHECK(srnn_piece_program(p) == 0);
    srnn_piece_set_program(p, 40);
    CHECK(srnn_piece_program(p) == 40);
    srnn_piece_free(p);
}

int main(void)
{
    test_notes();
    test_tempo();
    test_meta();
    return check_finish("test_piece");
}
