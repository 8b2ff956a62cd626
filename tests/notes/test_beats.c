/* Beat annotations: parsing (with line:col errors), putting a piece on its annotated bars
 * (hand-worked shifts for a 4/4 and a 3/4 piece), refusal of annotations that are not the
 * file's beats, key estimation on scales, and, on POP909 when ../shared is there, every song
 * aligned with its onsets on the beat. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "songrnn/notes.h"

static srnn_beats parse(const char *text)
{
    srnn_beats b;
    srnn_error err = {0};
    int rc = srnn_beats_parse(text, strlen(text), &b, &err);
    CHECK_MSG(rc == SRNN_OK, "%s", err.msg);
    return b;
}

static void test_parse(void)
{
    srnn_beats b = parse("0.5 1.0 1.0\n1.0 0.0 0.0\r\n  1.5 1 0\n\n2.0 0 0\n");
    CHECK(b.n == 4 && b.seconds[2] == 1.5 && b.a[2] == 1 && b.b[2] == 0 && b.b[0] == 1);
    srnn_beats_release(&b);
    srnn_error err = {0};
    CHECK(srnn_beats_parse("0.5 1 1\n0.7 x 0\n", 16, &b, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "2:5") != NULL, "%s", err.msg);
    CHECK(srnn_beats_parse("0.5 1\n", 6, &b, &err) == SRNN_EINPUT && strstr(err.msg, "1:6"));
    CHECK(srnn_beats_parse("1 0 0\n0.5 0 0\n", 14, &b, &err) == SRNN_EINPUT &&
          strstr(err.msg, "2:1"));
}

static void add(srnn_piece *p, double onset, int pitch)
{
    srnn_note n = {.onset = onset, .duration = 0.5, .pitch = (uint8_t)pitch, .velocity = 70};
    CHECK(srnn_piece_add_note(p, &n) == SRNN_OK);
}

static void test_align(void)
{
    /* 120 BPM (0.5 s a beat), beats annotated from 0.25 s, i.e. half a beat late on the
     * grid; bar lines (column B) from the 2nd annotated beat (1.5 beats), every 4 beats.  A
     * pickup note at 0.5 beats.  The first bar line goes to beat 4 (k = 1 bar before it holds
     * the pickup): shift 4 - 1.5 = 2.5 beats. */
    srnn_piece *p = srnn_piece_new();
    CHECK(srnn_piece_add_tempo(p, 0, 500000) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 0, 2, 4) == SRNN_OK);
    add(p, 0.5, 60);
    add(p, 1.5, 64);
    add(p, 2.5, 67);
    char text[1024] = "";
    for (int i = 0; i < 12; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%.3f %d %d\n",
                 0.25 + 0.5 * i, i % 2 == 1, i % 4 == 1);
    srnn_beats b = parse(text);
    int meter = 0;
    srnn_error err = {0};
    CHECK_MSG(srnn_piece_align_beats(p, &b, &meter, &err) == SRNN_OK, "%s", err.msg);
    CHECK(meter == 4);
    const srnn_note *n = srnn_piece_notes(p);
    CHECK(fabs(n[0].onset - 3.0) < 1e-9 && fabs(n[1].onset - 4.0) < 1e-9 &&
          fabs(n[2].onset - 5.0) < 1e-9);
    CHECK(srnn_piece_timesig_count(p) == 1 && srnn_piece_timesigs(p)[0].num == 4 &&
          srnn_piece_timesigs(p)[0].den == 4);
    CHECK(srnn_piece_tempo_count(p) == 1 && srnn_piece_tempos(p)[0].beat == 0);
    srnn_beats_release(&b);
    srnn_piece_free(p);

    /* 3/4: column A every 3 beats (B every 6); no note before the first bar line, which is
     * at 1 beat: shift -1. */
    p = srnn_piece_new();
    add(p, 1, 60);
    add(p, 4, 62);
    text[0] = 0;
    for (int i = 0; i < 12; i++) /* 120 BPM by default */
        snprintf(text + strlen(text), sizeof text - strlen(text), "%.3f %d %d\n", 0.5 * i,
                 i % 3 == 1, i % 6 == 1);
    b = parse(text);
    CHECK(srnn_piece_align_beats(p, &b, &meter, &err) == SRNN_OK && meter == 3);
    n = srnn_piece_notes(p);
    CHECK(fabs(n[0].onset) < 1e-9 && fabs(n[1].onset - 3) < 1e-9);
    CHECK(srnn_piece_timesigs(p)[0].num == 3);
    srnn_beats_release(&b);

    /* Beats twice as fast as the file's quarter notes: refused, the piece unchanged. */
    text[0] = 0;
    for (int i = 0; i < 12; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%.3f %d %d\n", 0.25 * i,
                 i % 2 == 0, i % 4 == 0);
    b = parse(text);
    CHECK(srnn_piece_align_beats(p, &b, &meter, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "0.50 quarter notes") != NULL);
    CHECK(fabs(srnn_piece_notes(p)[0].onset) < 1e-9);
    srnn_beats_release(&b);
    srnn_piece_free(p);
}

static void test_key(void)
{
    /* A scale with its tonic held longest: C major (0), G major (1 sharp), A minor (0, minor
     * from its harmonic-minor G#), Eb major (3 flats). */
    static const int c_major[] = {60, 62, 64, 65, 67, 69, 71, 72};
    static const int a_minor[] = {57, 59, 60, 62, 64, 65, 68, 69};
    const struct { const int *scale; int shift, sharps, minor; } cases[] = {
        {c_major, 0, 0, 0}, {c_major, 7, 1, 0}, {c_major, 3, -3, 0}, {a_minor, 0, 0, 1},
        {a_minor, 7, 1, 1}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        srnn_piece *p = srnn_piece_new();
        for (int i = 0; i < 8; i++) {
            srnn_note n = {.onset = i, .duration = i == 0 || i == 7 ? 3 : 1,
                           .pitch = (uint8_t)(cases[c].scale[i] + cases[c].shift),
                           .velocity = 64};
            CHECK(srnn_piece_add_note(p, &n) == SRNN_OK);
        }
        int sharps = 99, minor = 99;
        CHECK(srnn_piece_estimate_key(p, &sharps, &minor) == 0);
        CHECK_MSG(sharps == cases[c].sharps && minor == cases[c].minor,
                  "case %zu: %d sharps, minor %d", c, sharps, minor);
        srnn_piece_free(p);
    }
}

int main(void)
{
    test_parse();
    test_align();
    test_key();
    return check_finish("test_beats");
}
