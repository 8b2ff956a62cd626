/* Robustness of srnn_midi_read: every hand-made broken file in data/ is refused with
 * SRNN_EINPUT and a message, every damaged one that a tolerant reader reads gives its note;
 * every valid file cut at every offset, and a few thousand copies
 * with random bytes changed (fixed seed), give either a piece or a clean error, never a crash,
 * a hang or a leak.  Whatever is read must also be writable again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "songrnn/midi.h"

static const char *data_path(const char *name)
{
    static char buf[4096];
    const char *root = getenv("SRNN_SOURCE_ROOT");
    snprintf(buf, sizeof buf, "%s/tests/midi/data/%s", root ? root : ".", name);
    return buf;
}

static const struct {
    const char *file, *msg; /* msg: a part of the expected message */
} BROKEN[] = {
    {"bad_empty.mid", "not a MIDI file"},
    {"bad_garbage.mid", "not a MIDI file"},
    {"bad_text.mid", "not a MIDI file"},
    {"bad_trunc_header.mid", "truncated MIDI header"},
    {"bad_header_len.mid", "expected 6"},
    {"bad_huge_meta.mid", "runs past the end of the track"},
    {"bad_huge_sysex.mid", "runs past the end of the track"},
    {"bad_vlq.mid", "no notes (track 1: bad variable-length number at byte 22)"},
    {"bad_zero_division.mid", "time division is zero"},
    {"bad_zero_tracks.mid", "no tracks"},
    {"bad_no_notes.mid", "no notes"},
    {"bad_drums_only.mid", "only drum notes (channel 10)"},
    {"bad_running_status.mid", "running status without a previous status byte"},
};

/* Damaged, but read as a tolerant reader does (data/make_data.py): the one note of each, middle
 * C at PPQ 96 (ok_smpte: 25 fps x 40 ticks, read at 120 bpm, so 500 ticks a beat). */
static const struct {
    const char *file;
    double duration;
    int velocity;
} REPAIRED[] = {
    {"ok_trunc_track.mid", 1, 100},      /* track length past the end of the file */
    {"ok_missing_tracks.mid", 1, 100},   /* 3 tracks declared, 1 present */
    {"ok_huge_chunk.mid", 1, 100},       /* track length 0xFFFFFFF0 */
    {"ok_smpte.mid", 96.0 / 500, 100},   /* SMPTE time division */
    {"ok_format2.mid", 1, 100},          /* format 2: one sequence */
    {"ok_format7.mid", 1, 100},          /* unknown format: read as format 1 */
    {"ok_missing_eot_cut.mid", 1, 100},  /* the event after the note cut short */
    {"ok_status_f8.mid", 1, 100},        /* a stray F8 timing clock */
    {"ok_data_byte.mid", 1.0 / 96, 127}, /* velocity byte 0xC0 clipped; never closed */
    {"ok_delta_only.mid", 1, 100},       /* a delta and then nothing */
};

static const char *VALID[] = {"ok_minimal.mid", "ok_missing_eot.mid", "pedal.mid", "tempo96.mid"};

/* Reads; on success the piece must be sane and writable.  Returns the read status. */
static int try_read(const unsigned char *d, size_t n, unsigned flags)
{
    srnn_piece *p = (srnn_piece *)&p;
    srnn_error err = {0};
    int rc = srnn_midi_read_memory(d, n, flags, &p, &err);
    if (rc != SRNN_OK) {
        CHECK_MSG(rc == SRNN_EINPUT && p == NULL && err.msg[0] && !strchr(err.msg, '\n'),
                  "rc %d, message '%s'", rc, err.msg);
        return rc;
    }
    CHECK(p && srnn_piece_note_count(p) > 0);
    const srnn_note *m = srnn_piece_notes(p);
    int bad = 0;
    for (size_t i = 0; i < srnn_piece_note_count(p); i++)
        bad += !(m[i].onset >= 0) || !(m[i].duration > 0) || m[i].pitch > 127 ||
               m[i].velocity < 1 || m[i].velocity > 127 || m[i].channel > 15 ||
               (m[i].channel == 9 && !(flags & SRNN_MIDI_KEEP_DRUMS));
    CHECK(bad == 0);
    unsigned char *out = NULL;
    size_t size = 0;
    int wrc = srnn_midi_write_memory(p, NULL, &out, &size, &err);
    /* Only a piece too long for 32-bit ticks may be refused, as an error of the piece. */
    CHECK_MSG(wrc == SRNN_OK || (wrc == SRNN_EINPUT && strstr(err.msg, "too long")), "%s",
              err.msg);
    free(out);
    srnn_piece_free(p);
    return rc;
}

static void test_broken_files(void)
{
    for (size_t i = 0; i < sizeof BROKEN / sizeof *BROKEN; i++) {
        unsigned char *d = NULL;
        size_t n = 0;
        srnn_error err = {0};
        if (srnn_file_read_all(data_path(BROKEN[i].file), &d, &n, &err) != SRNN_OK) {
            CHECK_MSG(0, "%s: %s", BROKEN[i].file, err.msg);
            continue;
        }
        srnn_piece *p = NULL;
        int rc = srnn_midi_read_memory(d, n, 0, &p, &err);
        CHECK_MSG(rc == SRNN_EINPUT && p == NULL, "%s: rc %d", BROKEN[i].file, rc);
        CHECK_MSG(strstr(err.msg, BROKEN[i].msg) != NULL, "%s: message '%s', want '%s'",
                  BROKEN[i].file, err.msg, BROKEN[i].msg);
        srnn_piece_free(p);
        free(d);
        /* The same through the path API. */
        rc = srnn_midi_read(data_path(BROKEN[i].file), 0, &p, &err);
        CHECK_MSG(rc == SRNN_EINPUT && p == NULL, "%s: rc %d by path", BROKEN[i].file, rc);
    }
    /* A track without End-of-Track that ends cleanly is repaired. */
    srnn_piece *p = NULL;
    srnn_error err = {0};
    CHECK_MSG(srnn_midi_read(data_path("ok_missing_eot.mid"), 0, &p, &err) == SRNN_OK, "%s",
              err.msg);
    CHECK(p && srnn_piece_note_count(p) == 1 && srnn_piece_notes(p)[0].duration == 1);
    srnn_piece_free(p);
    for (size_t i = 0; i < sizeof REPAIRED / sizeof *REPAIRED; i++) {
        p = NULL;
        int rc = srnn_midi_read(data_path(REPAIRED[i].file), 0, &p, &err);
        CHECK_MSG(rc == SRNN_OK, "%s: %s", REPAIRED[i].file, err.msg);
        if (rc != SRNN_OK)
            continue;
        const srnn_note *m = srnn_piece_notes(p);
        CHECK_MSG(srnn_piece_note_count(p) == 1 && m[0].pitch == 60 && m[0].onset == 0 &&
                      fabs(m[0].duration - REPAIRED[i].duration) < 1e-12 &&
                      m[0].velocity == REPAIRED[i].velocity,
                  "%s: %zu notes, the first %d at %g for %g, velocity %d", REPAIRED[i].file,
                  srnn_piece_note_count(p), m[0].pitch, m[0].onset, m[0].duration,
                  m[0].velocity);
        srnn_piece_free(p);
    }
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

static void test_mutations(void)
{
    int ok = 0, refused = 0;
    for (size_t f = 0; f < sizeof VALID / sizeof *VALID; f++) {
        unsigned char *d = NULL;
        size_t n = 0;
        srnn_error err = {0};
        if (srnn_file_read_all(data_path(VALID[f]), &d, &n, &err) != SRNN_OK) {
            CHECK_MSG(0, "%s: %s", VALID[f], err.msg);
            continue;
        }
        CHECK_MSG(try_read(d, n, 0) == SRNN_OK, "%s", VALID[f]);
        /* Cut at every offset: the copy is exactly n bytes, so reading past it is caught by
         * the sanitizers and valgrind. */
        for (size_t cut = 0; cut < n; cut++) {
            unsigned char *c = malloc(cut ? cut : 1);
            memcpy(c, d, cut);
            *(try_read(c, cut, 0) == SRNN_OK ? &ok : &refused) += 1;
            free(c);
        }
        /* Random bytes changed: 1 to 4 of them, sometimes set to values that make lengths
         * huge or statuses odd. */
        unsigned char *c = malloc(n);
        for (int v = 0; v < 1000; v++) {
            memcpy(c, d, n);
            int k = 1 + (int)(rng() % 4);
            for (int j = 0; j < k; j++) {
                size_t at = rng() % n;
                static const unsigned char special[] = {0x00, 0x7F, 0x80, 0x81, 0xFF, 0xF0,
                                                        0xF7, 0x90, 0x2F, 0xB0};
                c[at] = (rng() & 1) ? (unsigned char)rng()
                                    : special[rng() % sizeof special];
            }
            unsigned flags = rng() % 4;
            *(try_read(c, n, flags) == SRNN_OK ? &ok : &refused) += 1;
        }
        free(c);
        free(d);
    }
    fprintf(stderr, "mutations: %d read, %d refused cleanly\n", ok, refused);
    CHECK(ok > 0 && refused > 0);
}

int main(void)
{
    test_broken_files();
    test_mutations();
    return check_finish("test_midi_robust");
}
