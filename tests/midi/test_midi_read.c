/* srnn_midi_read: hand-made files (bytes here, or written by mido into data/ by
 * data/make_data.py), expected notes worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "smf_build.h"
#include "songrnn/midi.h"

static const char *data_dir(void)
{
    static char buf[4096];
    const char *root = getenv("SRNN_SOURCE_ROOT");
    snprintf(buf, sizeof buf, "%s/tests/midi/data", root ? root : ".");
    return buf;
}

static srnn_piece *read_data(const char *name, unsigned flags)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", data_dir(), name);
    srnn_piece *p = NULL;
    srnn_error err = {0};
    int rc = srnn_midi_read(path, flags, &p, &err);
    CHECK_MSG(rc == SRNN_OK, "%s: %s", name, err.msg);
    return p;
}

static srnn_piece *read_bytes(const bytes *b, unsigned flags)
{
    srnn_piece *p = NULL;
    srnn_error err = {0};
    int rc = srnn_midi_read_memory(b->b, b->n, flags, &p, &err);
    CHECK_MSG(rc == SRNN_OK, "%s", err.msg);
    return p;
}

typedef struct want {
    double onset, duration;
    int pitch, velocity, channel;
} want;

static void check_notes(const srnn_piece *p, const want *w, size_t n, const char *what)
{
    CHECK_MSG(p && srnn_piece_note_count(p) == n, "%s: %zu notes, want %zu", what,
              p ? srnn_piece_note_count(p) : 0, n);
    if (!p || srnn_piece_note_count(p) != n)
        return;
    const srnn_note *m = srnn_piece_notes(p);
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(m[i].pitch == w[i].pitch, "%s note %zu: pitch %d want %d", what, i, m[i].pitch,
                  w[i].pitch);
        CHECK_NEAR(m[i].onset, w[i].onset, 1e-12);
        CHECK_NEAR(m[i].duration, w[i].duration, 1e-12);
        CHECK_MSG(m[i].velocity == w[i].velocity, "%s note %zu: velocity %d want %d", what, i,
                  m[i].velocity, w[i].velocity);
        CHECK_MSG(m[i].channel == w[i].channel, "%s note %zu: channel %d want %d", what, i,
                  m[i].channel, w[i].channel);
    }
}

/* Velocity-0 note-off, running status, ticks to beats at PPQ 480 and 96 (same music). */
static void test_ticks_and_velocity0(void)
{
    for (int k = 0; k < 2; k++) {
        bytes b = {0};
        if (k == 0) {
            b_header(&b, 0, 1, 480);
            /* 60 for 480 ticks (off = note-on vel 0); 64 by running status for 240 ticks. */
            B_TRACK(&b, 0x00, 0x90, 60, 100, 0x83, 0x60, 0x90, 60, 0, 0x00, 64, 80, 0x81, 0x70,
                    0x80, 64, 0, EOT);
        } else {
            b_header(&b, 0, 1, 96);
            B_TRACK(&b, 0x00, 0x90, 60, 100, 0x60, 0x90, 60, 0, 0x00, 64, 80, 0x30, 0x80, 64, 0,
                    EOT);
        }
        srnn_piece *p = read_bytes(&b, 0);
        want w[] = {{0, 1, 60, 100, 0}, {1, 0.5, 64, 80, 0}};
        check_notes(p, w, 2, k == 0 ? "ppq480" : "ppq96");
        srnn_piece_free(p);
    }
}

/* Re-strike, the note-off of the replaced note on the re-strike tick, a stray note-off, a
 * voice doubled in two tracks, a note never closed, a zero-length note. PPQ 100. */
static void test_overlaps(void)
{
    bytes b = {0};
    b_header(&b, 1, 3, 100);
    B_TRACK(&b, 0x00, 0x90, 60, 100,            /* t 0: 60 on */
            0x64, 0x90, 60, 90,                 /* t 100: 60 again: first ends here */
            0x00, 0x80, 60, 0,                  /* t 100: the first one's off: skipped */
            0x81, 0x48, 0x80, 60, 0,            /* t 300: ends the second */
            0x00, 0x80, 60, 0,                  /* t 300: stray */
            0x84, 0x58, 0x90, 67, 40,           /* t 900: 67 on ... */
            0x00, 0x80, 67, 0,                  /* ... and off at once: one tick */
            EOT);
    B_TRACK(&b, 0x83, 0x10, 0x90, 62, 50,       /* t 400: 62 (doubled) */
            0x64, 0x80, 62, 0,                  /* t 500 */
            EOT);
    B_TRACK(&b, 0x83, 0x10, 0x90, 62, 70,       /* t 400: 62 again, louder */
            0x81, 0x48, 0x80, 62, 0,            /* t 600: the last off of the doubled note */
            0x64, 0x90, 65, 30,                 /* t 700: never closed */
            0x64, 0xFF, 0x2F, 0x00);            /* t 800: track end */
    srnn_piece *p = read_bytes(&b, 0);
    want w[] = {{0, 1, 60, 100, 0}, {1, 2, 60, 90, 0}, {4, 2, 62, 70, 0}, {7, 1, 65, 30, 0},
                {9, 0.01, 67, 40, 0}};
    check_notes(p, w, 5, "overlaps");
    srnn_piece_free(p);
}

/* Sustain pedal: data/pedal.mid (mido), spans and expected ends worked out in make_data.py. */
static void test_pedal(void)
{
    srnn_piece *p = read_data("pedal.mid", 0);
    want w[] = {{0, 2, 60, 80, 0},   /* released at 480 under the pedal; re-struck at 960 */
                {1, 2, 64, 70, 0},   /* released at 960, pedal up at 1440 */
                {2, 1, 60, 90, 0},   /* released at 1200, pedal up at 1440 */
                {3, 2, 67, 60, 0},   /* pedal down again at 1440 (after the strike), up 2400 */
                {4, 1, 72, 50, 0},   /* released 2160, up 2400 */
                {5, 0.5, 48, 40, 0}, /* pedal pressed on the release tick: not caught */
                {6, 1.5, 50, 30, 0}}; /* pedal never released: to the end of the file (3600) */
    check_notes(p, w, 7, "pedal");
    srnn_piece_free(p);
    p = read_data("pedal.mid", SRNN_MIDI_NO_PEDAL);
    want w2[] = {{0, 1, 60, 80, 0}, {1, 1, 64, 70, 0}, {2, 0.5, 60, 90, 0}, {3, 1, 67, 60, 0},
                 {4, 0.5, 72, 50, 0}, {5, 0.5, 48, 40, 0}, {6, 0.5, 50, 30, 0}};
    check_notes(p, w2, 7, "no pedal");
    CHECK(p && srnn_piece_timesig_count(p) == 1 && srnn_piece_timesigs(p)[0].num == 3);
    srnn_piece_free(p);
}

/* data/tempo96.mid (mido, PPQ 96): tempo map, time and key signatures, title, program, drums. */
static void test_meta(void)
{
    srnn_piece *p = read_data("tempo96.mid", 0);
    if (!p)
        return;
    want w[] = {{0, 1, 62, 100, 0}, {1.5, 0.5, 66, 90, 0}, {400.0 / 96, 10.0 / 96, 69, 80, 0}};
    check_notes(p, w, 3, "tempo96");
    CHECK(strcmp(srnn_piece_title(p), "Tempo Test") == 0);
    CHECK(srnn_piece_program(p) == 5);
    CHECK(srnn_piece_tempo_count(p) == 2);
    if (srnn_piece_tempo_count(p) == 2) {
        CHECK_NEAR(srnn_piece_tempos(p)[0].beat, 0, 0);
        CHECK_NEAR(srnn_piece_tempos(p)[0].us_per_quarter, 500000, 0);
        CHECK_NEAR(srnn_piece_tempos(p)[1].beat, 2, 0);
        CHECK_NEAR(srnn_piece_tempos(p)[1].us_per_quarter, 400000, 0);
        /* 2 beats at 0.5 s + 2 beats at 0.4 s */
        CHECK_NEAR(srnn_piece_beat_to_seconds(p, 4), 1.8, 1e-12);
    }
    CHECK(srnn_piece_timesig_count(p) == 2);
    if (srnn_piece_timesig_count(p) == 2) {
        const srnn_timesig *t = srnn_piece_timesigs(p);
        CHECK(t[0].beat == 0 && t[0].num == 4 && t[0].den == 4);
        CHECK(t[1].beat == 4 && t[1].num == 3 && t[1].den == 4);
    }
    CHECK(srnn_piece_keysig_count(p) == 2);
    if (srnn_piece_keysig_count(p) == 2) {
        const srnn_keysig *k = srnn_piece_keysigs(p);
        CHECK(k[0].beat == 0 && k[0].sharps == 2 && k[0].minor == 0);
        CHECK(k[1].beat == 4 && k[1].sharps == 0 && k[1].minor == 1);
    }
    srnn_piece_free(p);

    p = read_data("tempo96.mid", SRNN_MIDI_KEEP_DRUMS);
    want wd[] = {{0, 10.0 / 96, 36, 110, 9}, {0, 1, 62, 100, 0}, {1.5, 0.5, 66, 90, 0},
                 {400.0 / 96, 10.0 / 96, 69, 80, 0}};
    check_notes(p, wd, 4, "keep drums");
    srnn_piece_free(p);
}

/* Title from the first track name, Latin-1 made UTF-8, blanks trimmed; CC 123 ends notes;
 * the first program change of a non-drum channel wins. */
static void test_title_program_alloff(void)
{
    bytes b = {0};
    b_header(&b, 0, 1, 4);
    B_TRACK(&b, 0x00, 0xFF, 0x03, 0x06, ' ', 'C', 'a', 'f', 0xE9, ' ', /* "Café" in Latin-1 */
            0x00, 0xFF, 0x03, 0x03, 'T', 'w', 'o',                    /* second name: ignored */
            0x00, 0xC9, 0x10,                                         /* drums: not the program */
            0x00, 0xC1, 0x2A,                                         /* channel 2: cello */
            0x00, 0xC0, 0x00,
            0x00, 0x91, 48, 64, 0x00, 0x91, 52, 64,
            0x08, 0xB1, 123, 0,                                       /* t 8: all notes off */
            0x04, 0x81, 48, 0,                                        /* stray */
            EOT);
    srnn_piece *p = read_bytes(&b, 0);
    want w[] = {{0, 2, 48, 64, 1}, {0, 2, 52, 64, 1}};
    check_notes(p, w, 2, "title");
    CHECK(p && strcmp(srnn_piece_title(p), "Caf\xC3\xA9") == 0);
    CHECK(p && srnn_piece_program(p) == 42);
    srnn_piece_free(p);
}

/* A RIFF RMID wrapper around the SMF. */
static void test_rmid(void)
{
    bytes smf = {0};
    b_header(&smf, 0, 1, 96);
    B_TRACK(&smf, 0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0, EOT);
    bytes b = {0};
    unsigned n = (unsigned)smf.n;
    unsigned char le[4] = {(unsigned char)(n + 12), (unsigned char)((n + 12) >> 8), 0, 0};
    b_put(&b, (const unsigned char *)"RIFF", 4);
    b_put(&b, le, 4);
    b_put(&b, (const unsigned char *)"RMIDdata", 8);
    unsigned char ln[4] = {(unsigned char)n, (unsigned char)(n >> 8), 0, 0};
    b_put(&b, ln, 4);
    b_put(&b, smf.b, smf.n);
    srnn_piece *p = read_bytes(&b, 0);
    want w[] = {{0, 1, 60, 100, 0}};
    check_notes(p, w, 1, "rmid");
    srnn_piece_free(p);
}

/* Arguments and limits. */
static void test_limits(void)
{
    srnn_piece *p = (srnn_piece *)1;
    srnn_error err = {0};
    CHECK(srnn_midi_read("/nonexistent/x.mid", 0, &p, &err) == SRNN_EIO && p == NULL);
    CHECK(err.msg[0] != 0);
    CHECK(srnn_midi_read(NULL, 0, &p, &err) == SRNN_EARG);
    CHECK(srnn_midi_read_memory(NULL, 0, 0, &p, &err) == SRNN_EINPUT);
    size_t big = ((size_t)16 << 20) + 1;
    unsigned char *buf = calloc(big, 1);
    if (buf) {
        memcpy(buf, "MThd", 4);
        CHECK(srnn_midi_read_memory(buf, big, 0, &p, &err) == SRNN_EINPUT);
        CHECK(strstr(err.msg, "too large") != NULL);
        free(buf);
    }
}

int main(void)
{
    test_ticks_and_velocity0();
    test_overlaps();
    test_pedal();
    test_meta();
    test_title_program_alloff();
    test_rmid();
    test_limits();
    return check_finish("test_midi_read");
}
