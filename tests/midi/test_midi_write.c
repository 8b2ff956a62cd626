/* srnn_midi_write: write -> read round trip exact on the tick grid, and the layout of the file
 * (checked on the bytes by a small walker here, not by our reader). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "songrnn/midi.h"

/* ---- an independent minimal walker over the written bytes ---- */

typedef struct ev {
    long tick;
    unsigned char status, d1, d2; /* channel message, or status 0xFF and d1 = meta type */
    const unsigned char *data;    /* meta payload */
    unsigned len;
} ev;

typedef struct trk {
    ev e[4096];
    int n;
} trk;

static unsigned be(const unsigned char *p, int n)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static unsigned vlq(const unsigned char *p, size_t *i)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = p[(*i)++];
        v = v << 7 | (c & 0x7F);
        if (!(c & 0x80))
            break;
    }
    return v;
}

/* Returns the number of tracks parsed, -1 on a malformed file. */
static int walk(const unsigned char *d, size_t n, unsigned *format, unsigned *ppq, trk *t, int max)
{
    if (n < 14 || memcmp(d, "MThd", 4) || be(d + 4, 4) != 6)
        return -1;
    *format = be(d + 8, 2);
    unsigned nt = be(d + 10, 2);
    *ppq = be(d + 12, 2);
    size_t i = 14;
    int k = 0;
    for (; k < (int)nt && k < max; k++) {
        if (i + 8 > n || memcmp(d + i, "MTrk", 4))
            return -1;
        size_t len = be(d + i + 4, 4), j = i + 8, end = j + len;
        if (end > n)
            return -1;
        long tick = 0;
        unsigned char status = 0;
        t[k].n = 0;
        while (j < end && t[k].n < 4096) {
            tick += vlq(d, &j);
            ev *e = &t[k].e[t[k].n++];
            memset(e, 0, sizeof *e);
            e->tick = tick;
            if (d[j] == 0xFF) {
                e->status = 0xFF;
                e->d1 = d[j + 1];
                j += 2;
                e->len = vlq(d, &j);
                e->data = d + j;
                j += e->len;
                continue;
            }
            if (d[j] & 0x80)
                status = d[j++];
            e->status = status;
            e->d1 = d[j++];
            if ((status & 0xF0) != 0xC0 && (status & 0xF0) != 0xD0)
                e->d2 = d[j++];
        }
        if (j != end)
            return -1;
        i = end;
    }
    return k;
}

static int count_meta(const trk *t, unsigned type)
{
    int c = 0;
    for (int i = 0; i < t->n; i++)
        c += t->e[i].status == 0xFF && t->e[i].d1 == type;
    return c;
}

static const ev *find_meta(const trk *t, unsigned type, int nth)
{
    for (int i = 0; i < t->n; i++)
        if (t->e[i].status == 0xFF && t->e[i].d1 == type && nth-- == 0)
            return &t->e[i];
    return NULL;
}

static int meta_text_is(const ev *e, const char *s)
{
    return e && e->len == strlen(s) && memcmp(e->data, s, e->len) == 0;
}

static int ends_with_eot(const trk *t)
{
    return t->n > 0 && t->e[t->n - 1].status == 0xFF && t->e[t->n - 1].d1 == 0x2F &&
           t->e[t->n - 1].len == 0 && count_meta(t, 0x2F) == 1;
}

/* ---- the tests ---- */

static srnn_piece *grid_piece(void)
{
    srnn_piece *p = srnn_piece_new();
    CHECK(p != NULL);
    /* Onsets and ends on the 480 grid, including triplets (160 ticks) and odd ticks. */
    for (int i = 0; i < 200; i++) {
        long on = i * 120 + (i % 7 == 3 ? 1 : 0) + (i % 11 == 5 ? 160 : 0);
        long dur = 1 + (i * 37) % 900;
        srnn_note n = {.onset = on / 480.0, .duration = dur / 480.0,
                       .pitch = (uint8_t)(36 + (i * 5) % 60), .velocity = (uint8_t)(1 + i % 127),
                       .channel = (uint8_t)(i % 5 == 0 ? 1 : 0)};
        CHECK(srnn_piece_add_note(p, &n) == SRNN_OK);
    }
    CHECK(srnn_piece_add_tempo(p, 0, 600000) == SRNN_OK);
    CHECK(srnn_piece_add_tempo(p, 8, 450000) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 0, 4, 4) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 8, 6, 8) == SRNN_OK);
    CHECK(srnn_piece_add_keysig(p, 0, -3, 1) == SRNN_OK);
    CHECK(srnn_piece_set_title(p, "Round Trip") == SRNN_OK);
    srnn_piece_set_program(p, 40);
    return p;
}

/* Same-pitch notes that overlap on one channel cannot both live in MIDI: the writer cuts the
 * earlier one; drop those from the expectation of the round trip. */
static int no_overlap(const srnn_note *n, void *ud)
{
    const srnn_piece *p = ud;
    const srnn_note *all = srnn_piece_notes(p);
    for (size_t i = 0; i < srnn_piece_note_count(p); i++) {
        const srnn_note *m = &all[i];
        if (m != n && m->pitch == n->pitch && m->channel == n->channel &&
            m->onset < n->onset + n->duration && n->onset < m->onset + m->duration)
            return 0;
    }
    return 1;
}

static void test_round_trip(void)
{
    srnn_piece *p = grid_piece();
    srnn_piece_filter_notes(p, no_overlap, p);
    srnn_piece_sort_notes(p);
    CHECK(srnn_piece_note_count(p) > 150);
    unsigned char *data = NULL;
    size_t size = 0;
    srnn_error err = {0};
    srnn_midi_write_opts o = {.program = -1};
    CHECK_MSG(srnn_midi_write_memory(p, &o, &data, &size, &err) == SRNN_OK, "%s", err.msg);
    srnn_piece *q = NULL;
    CHECK_MSG(srnn_midi_read_memory(data, size, 0, &q, &err) == SRNN_OK, "%s", err.msg);
    if (q) {
        CHECK(srnn_piece_note_count(q) == srnn_piece_note_count(p));
        size_t n = srnn_piece_note_count(q) < srnn_piece_note_count(p) ? srnn_piece_note_count(q)
                                                                       : srnn_piece_note_count(p);
        const srnn_note *a = srnn_piece_notes(p), *b = srnn_piece_notes(q);
        int bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += a[i].onset != b[i].onset || a[i].duration != b[i].duration ||
                   a[i].pitch != b[i].pitch || a[i].velocity != b[i].velocity ||
                   a[i].channel != b[i].channel;
        CHECK_MSG(bad == 0, "%d notes differ after the round trip", bad);
        CHECK(strcmp(srnn_piece_title(q), "Round Trip") == 0);
        CHECK(srnn_piece_program(q) == 40);
        CHECK(srnn_piece_tempo_count(q) == 2 && srnn_piece_tempos(q)[1].beat == 8 &&
              srnn_piece_tempos(q)[1].us_per_quarter == 450000);
        CHECK(srnn_piece_timesig_count(q) == 2 && srnn_piece_timesigs(q)[1].num == 6 &&
              srnn_piece_timesigs(q)[1].den == 8);
        CHECK(srnn_piece_keysig_count(q) == 1 && srnn_piece_keysigs(q)[0].sharps == -3 &&
              srnn_piece_keysigs(q)[0].minor == 1);
    }
    srnn_piece_free(q);

    /* The layout, on the bytes. */
    unsigned format = 0, ppq = 0;
    static trk t[4];
    int nt = walk(data, size, &format, &ppq, t, 4);
    CHECK(nt == 3 && format == 1 && ppq == 480);
    if (nt == 3) {
        /* Conductor: name, two tempos, two time signatures, one key, no channel message. */
        CHECK(meta_text_is(find_meta(&t[0], 0x03, 0), "Round Trip"));
        CHECK(count_meta(&t[0], 0x51) == 2 && count_meta(&t[0], 0x58) == 2 &&
              count_meta(&t[0], 0x59) == 1);
        const ev *tempo = find_meta(&t[0], 0x51, 0);
        CHECK(tempo && tempo->len == 3 && be(tempo->data, 3) == 600000 && tempo->tick == 0);
        const ev *ts = find_meta(&t[0], 0x58, 1);
        CHECK(ts && ts->tick == 8 * 480 && ts->len == 4 && ts->data[0] == 6 && ts->data[1] == 3);
        int channel_msgs = 0;
        for (int i = 0; i < t[0].n; i++)
            channel_msgs += t[0].e[i].status < 0xF0;
        CHECK(channel_msgs == 0);
        for (int k = 0; k < 3; k++)
            CHECK_MSG(ends_with_eot(&t[k]), "track %d", k + 1);
        /* Note tracks: named, program change first at tick 0, on their own channel. */
        for (int k = 1; k < 3; k++) {
            CHECK(meta_text_is(find_meta(&t[k], 0x03, 0), "Round Trip"));
            int first = 0;
            while (first < t[k].n && t[k].e[first].status == 0xFF)
                first++;
            CHECK(first < t[k].n && t[k].e[first].status == (0xC0 | (k - 1)) &&
                  t[k].e[first].d1 == 40 && t[k].e[first].tick == 0);
            /* the EOT of every track sits at the same tick: the end of the music */
            CHECK(t[k].e[t[k].n - 1].tick == t[0].e[t[0].n - 1].tick);
        }
    }
    free(data);
    srnn_piece_free(p);
}

static void test_options(void)
{
    srnn_piece *p = srnn_piece_new();
    srnn_note a = {.onset = 0, .duration = 1, .pitch = 60, .velocity = 0, .channel = 0};
    srnn_note d = {.onset = 0.5, .duration = 0.25, .pitch = 38, .velocity = 127, .channel = 9};
    /* Same pitch overlapping: [1,3) and [2,4) -> [1,2) and [2,4). */
    srnn_note o1 = {.onset = 1, .duration = 2, .pitch = 64, .velocity = 50, .channel = 0};
    srnn_note o2 = {.onset = 2, .duration = 2, .pitch = 64, .velocity = 60, .channel = 0};
    /* Off the grid: 1/3 beat is 32 ticks at PPQ 96; 0.001 beat rounds to 0 -> one tick. */
    srnn_note g = {.onset = 1.0 / 3, .duration = 0.001, .pitch = 72, .velocity = 90,
                   .channel = 0};
    CHECK(srnn_piece_add_note(p, &a) == SRNN_OK && srnn_piece_add_note(p, &d) == SRNN_OK &&
          srnn_piece_add_note(p, &o1) == SRNN_OK && srnn_piece_add_note(p, &o2) == SRNN_OK &&
          srnn_piece_add_note(p, &g) == SRNN_OK);
    CHECK(srnn_piece_add_tempo(p, 0, 400000) == SRNN_OK);
    CHECK(srnn_piece_add_tempo(p, 2, 300000) == SRNN_OK);
    srnn_midi_write_opts o = {.ppq = 96, .program = 5, .bpm = 90, .name = "Opts"};
    unsigned char *data = NULL;
    size_t size = 0;
    srnn_error err = {0};
    CHECK_MSG(srnn_midi_write_memory(p, &o, &data, &size, &err) == SRNN_OK, "%s", err.msg);
    unsigned format = 0, ppq = 0;
    static trk t[4];
    int nt = walk(data, size, &format, &ppq, t, 4);
    CHECK(nt == 3 && format == 1 && ppq == 96);
    if (nt == 3) {
        CHECK(count_meta(&t[0], 0x51) == 1);
        const ev *tempo = find_meta(&t[0], 0x51, 0);
        CHECK(tempo && be(tempo->data, 3) == 666667); /* 60e6 / 90 rounded */
        CHECK(meta_text_is(find_meta(&t[0], 0x03, 0), "Opts"));
        CHECK(count_meta(&t[0], 0x58) == 1); /* 4/4 written when the piece has none */
        int programs = 0;
        for (int i = 0; i < t[2].n; i++)
            programs += (t[2].e[i].status & 0xF0) == 0xC0;
        CHECK(programs == 0); /* the drum track: no program change */
        for (int i = 0; i < t[1].n; i++)
            if ((t[1].e[i].status & 0xF0) == 0xC0)
                CHECK(t[1].e[i].d1 == 5);
    }
    srnn_piece *q = NULL;
    CHECK_MSG(srnn_midi_read_memory(data, size, SRNN_MIDI_KEEP_DRUMS, &q, &err) == SRNN_OK, "%s",
              err.msg);
    if (q) {
        CHECK(srnn_piece_note_count(q) == 5);
        const srnn_note *n = srnn_piece_notes(q);
        if (srnn_piece_note_count(q) == 5) {
            CHECK(n[0].pitch == 60 && n[0].velocity == 1 && n[0].duration == 1);
            CHECK(n[1].pitch == 72 && n[1].onset == 32.0 / 96 && n[1].duration == 1.0 / 96);
            CHECK(n[2].pitch == 38 && n[2].channel == 9 && n[2].onset == 0.5);
            CHECK(n[3].pitch == 64 && n[3].onset == 1 && n[3].duration == 1 &&
                  n[3].velocity == 50);
            CHECK(n[4].pitch == 64 && n[4].onset == 2 && n[4].duration == 2 &&
                  n[4].velocity == 60);
        }
        CHECK(strcmp(srnn_piece_title(q), "Opts") == 0);
        CHECK(srnn_piece_program(q) == 5);
    }
    srnn_piece_free(q);
    free(data);

    /* Bad options are refused. */
    srnn_midi_write_opts bad = {.ppq = 40000, .program = -1};
    CHECK(srnn_midi_write_memory(p, &bad, &data, &size, &err) == SRNN_EARG);
    bad = (srnn_midi_write_opts){.program = 128};
    CHECK(srnn_midi_write_memory(p, &bad, &data, &size, &err) == SRNN_EARG);
    CHECK(srnn_midi_write_memory(NULL, NULL, &data, &size, &err) == SRNN_EARG);
    srnn_piece_free(p);
}

/* srnn_midi_write puts the same bytes in place and leaves no temporary file behind. */
static void test_write_file(void)
{
    char dir[] = "/tmp/srnn-midi-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/out.mid", dir);
    srnn_piece *p = grid_piece();
    srnn_error err = {0};
    CHECK_MSG(srnn_midi_write(path, p, NULL, &err) == SRNN_OK, "%s", err.msg);
    unsigned char *mem = NULL, *file = NULL;
    size_t nm = 0, nf = 0;
    CHECK(srnn_midi_write_memory(p, NULL, &mem, &nm, &err) == SRNN_OK);
    CHECK(srnn_file_read_all(path, &file, &nf, &err) == SRNN_OK);
    CHECK(mem && file && nm == nf && memcmp(mem, file, nm) == 0);
    CHECK(check_count_entries(dir, "") == 1);
    /* A folder that does not exist: an error, nothing written. */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/out.mid", dir);
    CHECK(srnn_midi_write(bad, p, NULL, &err) == SRNN_EIO && err.msg[0]);
    CHECK(check_count_entries(dir, "") == 1);
    /* A piece without notes still makes a valid (conductor-only) file. */
    srnn_piece *empty = srnn_piece_new();
    free(mem);
    CHECK(srnn_midi_write_memory(empty, NULL, &mem, &nm, &err) == SRNN_OK);
    srnn_piece *q = NULL;
    CHECK(srnn_midi_read_memory(mem, nm, 0, &q, &err) == SRNN_EINPUT &&
          strcmp(err.msg, "no notes") == 0);
    srnn_piece_free(empty);
    free(mem);
    free(file);
    unlink(path);
    rmdir(dir);
    srnn_piece_free(p);
}

/* Names go out as Latin-1 when they can (older tools read that), else as UTF-8; both read
 * back as the same UTF-8 title. */
static void test_names(void)
{
    static const struct {
        const char *title, *bytes; /* bytes: the track name as written */
    } cases[] = {
        {"Etude", "Etude"},
        {"Et\xC3\xBC" "de", "Et\xFC" "de"},              /* U+00FC: Latin-1 */
        {"\xCE\xA9 \xC3\xBC", "\xCE\xA9 \xC3\xBC"}, /* U+03A9 has no Latin-1 byte */
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        srnn_piece *p = srnn_piece_new();
        srnn_note a = {.onset = 0, .duration = 1, .pitch = 60, .velocity = 64};
        CHECK(srnn_piece_add_note(p, &a) == SRNN_OK);
        CHECK(srnn_piece_set_title(p, cases[c].title) == SRNN_OK);
        unsigned char *data = NULL;
        size_t size = 0;
        srnn_error err = {0};
        CHECK(srnn_midi_write_memory(p, NULL, &data, &size, &err) == SRNN_OK);
        unsigned format, ppq;
        static trk t[4];
        CHECK(walk(data, size, &format, &ppq, t, 4) == 2);
        CHECK_MSG(meta_text_is(find_meta(&t[0], 0x03, 0), cases[c].bytes), "case %zu", c);
        srnn_piece *q = NULL;
        CHECK(srnn_midi_read_memory(data, size, 0, &q, &err) == SRNN_OK);
        CHECK_MSG(q && strcmp(srnn_piece_title(q), cases[c].title) == 0, "case %zu: '%s'", c,
                  q ? srnn_piece_title(q) : "");
        srnn_piece_free(q);
        srnn_piece_free(p);
        free(data);
    }
}

int main(void)
{
    test_names();
    test_round_trip();
    test_options();
    test_write_file();
    return check_finish("test_midi_write");
}
