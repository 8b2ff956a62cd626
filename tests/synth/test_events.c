/* Pieces to timed events and events to PortMidi (timestamp, message) pairs: pure functions,
 * checked against hand-worked values (MIDI 1.0 status bytes, Pm_Message's byte layout:
 * status | data1 << 8 | data2 << 16). */
#include <string.h>

#include "../check.h"
#include "songrnn/synth.h"
#include "synth_internal.h"

static srnn_piece *piece_of(const srnn_note *notes, size_t n)
{
    srnn_piece *p = srnn_piece_new();
    for (size_t i = 0; i < n; i++)
        if (srnn_piece_add_note(p, &notes[i]) != 0)
            CHECK(!"add_note");
    return p;
}

static void test_simple(void)
{
    /* No tempo entry: 120 BPM, a beat is 0.5 s. */
    srnn_note notes[] = {
        {1.0, 1.0, 64, 80, 0, 0},
        {0.0, 0.5, 60, 100, 0, 0},
        {0.0, 2.0, 67, 0, 2, 0}, /* velocity 0 in a note list is not a note-off: played at 64 */
    };
    srnn_piece *p = piece_of(notes, 3);
    srnn_synth_event *ev = NULL;
    size_t n = 0;
    double end = -1;
    srnn_error err = {0};
    CHECK(srnn_synth_events_from_piece(p, NULL, &ev, &n, &end, &err) == 0);
    /* programs for channels 0 and 2, then 3 ons and 3 offs */
    CHECK(n == 8);
    CHECK_NEAR(end, 1.0, 1e-12);
    if (n == 8) {
        CHECK(ev[0].type == SRNN_SYNTH_PROGRAM && ev[0].channel == 0 && ev[0].value == 0);
        CHECK(ev[1].type == SRNN_SYNTH_PROGRAM && ev[1].channel == 2);
        CHECK(ev[2].type == SRNN_SYNTH_NOTE_ON && ev[2].key == 60 && ev[2].value == 100);
        CHECK(ev[3].type == SRNN_SYNTH_NOTE_ON && ev[3].key == 67 && ev[3].value == 64 &&
              ev[3].channel == 2);
        CHECK_NEAR(ev[4].time, 0.25, 1e-12);
        CHECK(ev[4].type == SRNN_SYNTH_NOTE_OFF && ev[4].key == 60);
        CHECK_NEAR(ev[5].time, 0.5, 1e-12);
        CHECK(ev[5].type == SRNN_SYNTH_NOTE_ON && ev[5].key == 64 && ev[5].value == 80);
        CHECK_NEAR(ev[6].time, 1.0, 1e-12);
        CHECK_NEAR(ev[7].time, 1.0, 1e-12);
        CHECK(ev[6].type == SRNN_SYNTH_NOTE_OFF && ev[7].type == SRNN_SYNTH_NOTE_OFF);
        for (size_t i = 1; i < n; i++)
            CHECK(ev[i].time >= ev[i - 1].time);
    }
    free(ev);

    /* --tempo 60: a beat is 1 s; --program 40 on every channel. */
    srnn_synth_events_opts o = {60.0, 40};
    CHECK(srnn_synth_events_from_piece(p, &o, &ev, &n, &end, &err) == 0);
    CHECK_NEAR(end, 2.0, 1e-12);
    CHECK(n == 8);
    if (n == 8) {
        CHECK(ev[0].value == 40 && ev[1].value == 40);
        CHECK_NEAR(ev[5].time, 1.0, 1e-12);
    }
    free(ev);
    srnn_piece_free(p);
}

static void test_tempo_map(void)
{
    /* 120 BPM for 2 beats (1 s), then 60 BPM: beat 3 is at 1 + 1 = 2 s. */
    srnn_note notes[] = {{2.0, 1.0, 60, 90, 0, 0}};
    srnn_piece *p = piece_of(notes, 1);
    CHECK(srnn_piece_add_tempo(p, 2.0, 1000000.0) == 0);
    srnn_synth_event *ev = NULL;
    size_t n = 0;
    double end = 0;
    CHECK(srnn_synth_events_from_piece(p, NULL, &ev, &n, &end, NULL) == 0);
    CHECK(n == 3);
    if (n == 3) {
        CHECK_NEAR(ev[1].time, 1.0, 1e-9);
        CHECK_NEAR(ev[2].time, 2.0, 1e-9);
    }
    CHECK_NEAR(end, 2.0, 1e-9);
    free(ev);
    srnn_piece_free(p);
}

static void test_overlap(void)
{
    /* The same key struck twice while the first is still down: one off, at the later end.
     * And a key struck again exactly when it ends: off before the new on. */
    srnn_note notes[] = {
        {0.0, 4.0, 60, 90, 0, 0}, /* 0..2 s */
        {1.0, 1.0, 60, 90, 0, 0}, /* 0.5..1 s: must not release the first */
        {0.0, 1.0, 62, 90, 0, 0}, /* 0..0.5 s */
        {1.0, 1.0, 62, 90, 0, 0}, /* 0.5..1 s */
    };
    srnn_piece *p = piece_of(notes, 4);
    srnn_synth_event *ev = NULL;
    size_t n = 0;
    CHECK(srnn_synth_events_from_piece(p, NULL, &ev, &n, NULL, NULL) == 0);
    int offs60 = 0, ons60 = 0;
    double off60 = -1;
    int saw62 = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].key == 60 && ev[i].type == SRNN_SYNTH_NOTE_OFF) {
            offs60++;
            off60 = ev[i].time;
        }
        if (ev[i].key == 60 && ev[i].type == SRNN_SYNTH_NOTE_ON)
            ons60++;
        /* at 0.5 s key 62: the off comes first, then the on */
        if (ev[i].key == 62 && ev[i].time == 0.5) {
            CHECK(saw62 == 0 ? ev[i].type == SRNN_SYNTH_NOTE_OFF
                             : ev[i].type == SRNN_SYNTH_NOTE_ON);
            saw62++;
        }
    }
    CHECK(ons60 == 2);
    CHECK(offs60 == 1);
    CHECK_NEAR(off60, 2.0, 1e-12);
    CHECK(saw62 == 2);
    free(ev);
    srnn_piece_free(p);
}

static void test_errors(void)
{
    srnn_synth_event *ev = (srnn_synth_event *)1;
    size_t n = 7;
    srnn_error err = {0};
    CHECK(srnn_synth_events_from_piece(NULL, NULL, &ev, &n, NULL, &err) == SRNN_EARG);
    srnn_piece *p = srnn_piece_new();
    srnn_synth_events_opts o = {-5, -1};
    CHECK(srnn_synth_events_from_piece(p, &o, &ev, &n, NULL, &err) == SRNN_EARG);
    CHECK(ev == NULL && n == 0);
    CHECK(strlen(err.msg) > 0);
    /* an empty piece is no events, not an error */
    CHECK(srnn_synth_events_from_piece(p, NULL, &ev, &n, NULL, &err) == 0);
    CHECK(n == 0);
    free(ev);
    srnn_piece_free(p);
}

static void test_pm_encode(void)
{
    srnn_pm_msg m[SRNN_PM_MAX_MSGS];
    /* note on, channel 3, key 60 (0x3C), velocity 100 (0x64) at 1.2345 s after origin 1000 ms:
     * 1000 + round(1234.5) = 2235 */
    srnn_synth_event on = {1.2345, SRNN_SYNTH_NOTE_ON, 3, 60, 100};
    CHECK(srnn_pm_encode(&on, 1000, m) == 1);
    CHECK(m[0].timestamp == 2235);
    CHECK(m[0].message == 0x643C93u);
    /* velocity 0 would be a note-off: sent as 1 */
    on.value = 0;
    CHECK(srnn_pm_encode(&on, 0, m) == 1 && m[0].message == 0x013C93u);
    srnn_synth_event off = {2.0, SRNN_SYNTH_NOTE_OFF, 15, 127, 0};
    CHECK(srnn_pm_encode(&off, -500, m) == 1);
    CHECK(m[0].timestamp == 1500);
    CHECK(m[0].message == 0x007F8Fu);
    srnn_synth_event prog = {0.0, SRNN_SYNTH_PROGRAM, 1, 0, 41};
    CHECK(srnn_pm_encode(&prog, 7, m) == 1);
    CHECK(m[0].timestamp == 7 && m[0].message == 0x29C1u);
    /* all notes off: controller 123 (0x7B) on each of the 16 channels */
    srnn_synth_event all = {0.5, SRNN_SYNTH_ALL_NOTES_OFF, SRNN_SYNTH_ALL_CHANNELS, 0, 0};
    CHECK(srnn_pm_encode(&all, 0, m) == 16);
    for (int c = 0; c < 16; c++) {
        CHECK(m[c].message == (0x7BB0u | (uint32_t)c));
        CHECK(m[c].timestamp == 500);
    }
    srnn_synth_event one = {0.5, SRNN_SYNTH_ALL_NOTES_OFF, 9, 0, 0};
    CHECK(srnn_pm_encode(&one, 0, m) == 1 && m[0].message == 0x7BB9u);
    /* invalid: channel 16, key 128, negative time, unknown type */
    srnn_synth_event bad = {0.0, SRNN_SYNTH_NOTE_ON, 16, 60, 1};
    CHECK(srnn_pm_encode(&bad, 0, m) == 0);
    bad.channel = 0;
    bad.key = 128;
    CHECK(srnn_pm_encode(&bad, 0, m) == 0);
    bad.key = 60;
    bad.time = -0.1;
    CHECK(srnn_pm_encode(&bad, 0, m) == 0);
    bad.time = 0;
    bad.type = 99;
    CHECK(srnn_pm_encode(&bad, 0, m) == 0);
}

static void test_pm_stream(void)
{
    /* The stream a piece becomes: timestamps at origin + the note times in ms, in order.
     * Quarter notes at 120 BPM: 0, 500, 1000 ms; each lasts 250 ms (an eighth). */
    srnn_note notes[] = {
        {0.0, 0.5, 60, 90, 0, 0},
        {1.0, 0.5, 62, 90, 0, 0},
        {2.0, 0.5, 64, 90, 0, 0},
    };
    srnn_piece *p = piece_of(notes, 3);
    srnn_synth_event *ev = NULL;
    size_t n = 0;
    CHECK(srnn_synth_events_from_piece(p, NULL, &ev, &n, NULL, NULL) == 0);
    const int32_t want_ts[] = {100, 100, 350, 600, 850, 1100, 1350};
    const uint32_t want_msg[] = {0xC0, 0x5A3C90, 0x3C80, 0x5A3E90, 0x3E80, 0x5A4090, 0x4080};
    CHECK(n == 7);
    for (size_t i = 0; i < n && i < 7; i++) {
        srnn_pm_msg m[SRNN_PM_MAX_MSGS];
        CHECK(srnn_pm_encode(&ev[i], 100, m) == 1);
        CHECK_MSG(m[0].timestamp == want_ts[i], "event %zu: %d", i, (int)m[0].timestamp);
        CHECK_MSG(m[0].message == want_msg[i], "event %zu: %#x", i, (unsigned)m[0].message);
    }
    free(ev);
    srnn_piece_free(p);
}

int main(void)
{
    test_simple();
    test_tempo_map();
    test_overlap();
    test_errors();
    test_pm_encode();
    test_pm_stream();
    return check_finish("test_synth_events");
}
