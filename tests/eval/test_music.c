/* Musical statistics on hand-worked pieces: onset phase, in-key share, bar repetition (4/4,
 * 3/4, a signature inside a bar), velocity spread, and the longest copied run. */
#include <math.h>
#include <string.h>

#include "../check.h"
#include "songrnn/eval.h"

static void add(srnn_piece *p, double onset, int pitch, int vel)
{
    srnn_note n = {.onset = onset, .duration = 0.25, .pitch = (uint8_t)pitch,
                   .velocity = (uint8_t)vel};
    CHECK(srnn_piece_add_note(p, &n) == SRNN_OK);
}

static srnn_music_stats stats_of(const srnn_piece *p)
{
    srnn_music_stats s;
    memset(&s, 0, sizeof s);
    CHECK(srnn_music_stats_add(&s, p) == SRNN_OK);
    return s;
}

static void test_phase_key_velocity(void)
{
    /* A C-major scale on the beats, velocities 60 and 80 alternating. */
    static const int scale[] = {60, 62, 64, 65, 67, 69, 71, 72};
    srnn_piece *p = srnn_piece_new();
    for (int i = 0; i < 8; i++)
        add(p, i, scale[i], i % 2 ? 80 : 60);
    srnn_music_stats s = stats_of(p);
    CHECK(s.notes == 8 && s.onset_hist[0] == 8);
    CHECK(srnn_music_in_key(&s) == 1.0);
    CHECK(fabs(srnn_music_velocity_sd(&s) - 10.0) < 1e-12);
    /* Against itself: KL 0. Against a set all on the "and" (bin 6): by hand,
     * p = (9/20, 1/20 x 11), q = (1/20 x 6, 9/20, 1/20 x 5):
     * KL = 9/20 ln 9 + 1/20 ln (1/9) = (8/20) ln 9. */
    CHECK(fabs(srnn_music_onset_kl(&s, &s)) < 1e-15);
    srnn_piece *off = srnn_piece_new();
    for (int i = 0; i < 8; i++)
        add(off, i + 0.5, 61, 64); /* C#: one pitch class, 100% in some scale */
    srnn_music_stats t = stats_of(off);
    CHECK(t.onset_hist[6] == 8);
    CHECK(fabs(srnn_music_onset_kl(&s, &t) - 0.4 * log(9)) < 1e-12);
    CHECK(srnn_music_in_key(&t) == 1.0 && srnn_music_velocity_sd(&t) == 0);
    /* A chromatic octave: the best scale holds 7 of 12. */
    srnn_piece *chrom = srnn_piece_new();
    for (int i = 0; i < 12; i++)
        add(chrom, i, 60 + i, 64);
    srnn_music_stats c = stats_of(chrom);
    CHECK(fabs(srnn_music_in_key(&c) - 7.0 / 12) < 1e-12);
    /* Rounding to the grid: 0.04 beats is step 0, 0.05 is step 1 (0.6 rounds up). */
    srnn_piece *r = srnn_piece_new();
    add(r, 0.04, 60, 64);
    add(r, 0.05, 60, 64);
    srnn_music_stats rs = stats_of(r);
    CHECK(rs.onset_hist[0] == 1 && rs.onset_hist[1] == 1);
    srnn_piece_free(p);
    srnn_piece_free(off);
    srnn_piece_free(chrom);
    srnn_piece_free(r);
}

static void test_bars(void)
{
    /* Four bars of 4/4 with one rhythm (beats 1, 2, 2-and), then a bar of another, then an
     * empty bar, then the first rhythm again: 6 bars with notes, 4 repeat. */
    srnn_piece *p = srnn_piece_new();
    for (int b = 0; b < 4; b++) {
        add(p, 4 * b, 60, 64);
        add(p, 4 * b + 1, 64, 64);
        add(p, 4 * b + 1.5, 67, 64);
    }
    add(p, 16, 60, 64);
    add(p, 24, 60, 64), add(p, 25, 62, 64), add(p, 25.5, 64, 64);
    srnn_music_stats s = stats_of(p);
    CHECK(s.bars == 6 && s.bars_repeated == 4);
    CHECK(fabs(srnn_music_bar_repetition(&s) - 4.0 / 6) < 1e-12);
    srnn_piece_free(p);

    /* 3/4: notes every 3 beats are one rhythm (3 repeats of 4 bars); in 4/4 the same notes
     * make bars of beats {0, 3}, {2}, {1}: no repeat. */
    p = srnn_piece_new();
    CHECK(srnn_piece_add_timesig(p, 0, 3, 4) == SRNN_OK);
    for (int b = 0; b < 4; b++)
        add(p, 3 * b, 60, 64);
    s = stats_of(p);
    CHECK(s.bars == 4 && s.bars_repeated == 3);
    srnn_piece_free(p);
    p = srnn_piece_new();
    for (int b = 0; b < 4; b++)
        add(p, 3 * b, 60, 64);
    s = stats_of(p);
    CHECK(s.bars == 3 && s.bars_repeated == 0);
    srnn_piece_free(p);

    /* A signature inside a bar starts a bar there: 4/4 at 0, 2/4 at beat 2; notes at 0 and
     * 2, 3 (bars start 0, 2, 4): rhythms {0}, {0, 12}: no repeat; a note at 4 -> {0}:
     * repeat. */
    p = srnn_piece_new();
    CHECK(srnn_piece_add_timesig(p, 0, 4, 4) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 2, 2, 4) == SRNN_OK);
    add(p, 0, 60, 64), add(p, 2, 60, 64), add(p, 3, 60, 64), add(p, 4, 60, 64);
    s = stats_of(p);
    CHECK(s.bars == 3 && s.bars_repeated == 1);
    srnn_piece_free(p);
}

static void test_copy(void)
{
    /* Training: a 30-note line.  A piece that copies its notes 5..14 (10 notes) transposed,
     * between notes of its own, shares a run of 10 notes (9 pairs). */
    srnn_piece *train = srnn_piece_new();
    for (int i = 0; i < 30; i++)
        add(train, 0.5 * i, 50 + (i * 7) % 19, 64);
    srnn_copy_index *idx = srnn_copy_index_new();
    CHECK(srnn_copy_index_add(idx, train) == SRNN_OK);
    srnn_piece *g = srnn_piece_new();
    add(g, 0, 90, 64), add(g, 1, 30, 64), add(g, 7, 91, 64);
    for (int i = 5; i < 15; i++)
        add(g, 10 + 0.5 * (i - 5), 52 + (i * 7) % 19, 64);
    add(g, 20, 20, 64), add(g, 23, 100, 64);
    size_t longest = 0;
    srnn_error err = {0};
    CHECK(srnn_copy_index_longest(idx, g, &longest, &err) == SRNN_OK);
    CHECK_MSG(longest == 10, "longest %zu", longest);
    /* The training piece itself: all 30. */
    CHECK(srnn_copy_index_longest(idx, train, &longest, &err) == SRNN_OK && longest == 30);
    /* Nothing in common: 1 note (no pair). */
    srnn_piece *h = srnn_piece_new();
    add(h, 0, 60, 64), add(h, 0.25, 61, 64), add(h, 10, 62, 64);
    CHECK(srnn_copy_index_longest(idx, h, &longest, &err) == SRNN_OK && longest == 1);
    srnn_piece_free(train);
    srnn_piece_free(g);
    srnn_piece_free(h);
    srnn_copy_index_free(idx);
}

int main(void)
{
    test_phase_key_velocity();
    test_bars();
    test_copy();
    return check_finish("test_music");
}
