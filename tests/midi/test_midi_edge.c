/* Other people's MIDI files: every edge-case file of tests/midi/edge (made byte by byte from
 * the SMF specification by tools/make_midi_edge) is read or refused as the table below says.
 * The notes of each file that is read were worked out by hand from the bytes (see each file's
 * docstring in tools/make_midi_edge); the refusals name what is wrong.  Independently of that,
 * wherever mido (clip=True) reads a file, our note count must equal mido's, from the fixture
 * tests/midi/edge/expected.txt (tools/midi_edge_expected), except for the files marked
 * "differs" both here and in the fixture, each with its reason.  Every file, and every
 * prefix of it (the file cut at every byte), is also read from an exactly sized copy: no crash,
 * no read out of bounds under the sanitizers, a piece or a one-line message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "songrnn/midi.h"

typedef struct want {
    double onset, duration;
    int pitch, velocity, channel;
} want;

/* The C major scale of quarter notes, one after another (PPQ 96): the most common content. */
static const want SCALE[] = {{0, 1, 60, 100, 0}, {1, 1, 62, 100, 0}, {2, 1, 64, 100, 0},
                             {3, 1, 65, 100, 0}, {4, 1, 67, 100, 0}, {5, 1, 69, 100, 0},
                             {6, 1, 71, 100, 0}, {7, 1, 72, 100, 0}};
/* Its first four notes. */
static const want FIRST4[] = {{0, 1, 60, 100, 0}, {1, 1, 62, 100, 0}, {2, 1, 64, 100, 0},
                              {3, 1, 65, 100, 0}};
/* Two tracks at once: 60 62 64 65 and 67 69 71 72 (sorted by onset, then pitch). */
static const want HALVES[] = {{0, 1, 60, 100, 0}, {0, 1, 67, 100, 0}, {1, 1, 62, 100, 0},
                              {1, 1, 69, 100, 0}, {2, 1, 64, 100, 0}, {2, 1, 71, 100, 0},
                              {3, 1, 65, 100, 0}, {3, 1, 72, 100, 0}};
/* The same, the second track on channel 2. */
static const want HALVES_CH2[] = {{0, 1, 60, 100, 0}, {0, 1, 67, 100, 1}, {1, 1, 62, 100, 0},
                                  {1, 1, 69, 100, 1}, {2, 1, 64, 100, 0}, {2, 1, 71, 100, 1},
                                  {3, 1, 65, 100, 0}, {3, 1, 72, 100, 1}};
/* The scale 10 ticks late (after a sysex packet at tick 10). */
#define L(k) ((10.0 + 96 * (k)) / 96)
static const want SYSEX[] = {{L(0), 1, 60, 100, 0}, {L(1), 1, 62, 100, 0},
                             {L(2), 1, 64, 100, 0}, {L(3), 1, 65, 100, 0},
                             {L(4), 1, 67, 100, 0}, {L(5), 1, 69, 100, 0},
                             {L(6), 1, 71, 100, 0}, {L(7), 1, 72, 100, 0}};
/* SMPTE 29.97 fps x 80 ticks, read at 120 bpm: 1200000 / 1001 ticks a beat, so a note of 2400
 * ticks lasts 2.002 beats. */
#define S(k) (2.002 * (k))
static const want SMPTE2997[] = {{S(0), 2.002, 60, 100, 0}, {S(1), 2.002, 62, 100, 0},
                                 {S(2), 2.002, 64, 100, 0}, {S(3), 2.002, 65, 100, 0},
                                 {S(4), 2.002, 67, 100, 0}, {S(5), 2.002, 69, 100, 0},
                                 {S(6), 2.002, 71, 100, 0}, {S(7), 2.002, 72, 100, 0}};
/* 60 held 0x0FFFFFFF ticks, then 62. */
static const want DELTA4MAX[] = {{0, 268435455.0 / 96, 60, 100, 0},
                                 {268435455.0 / 96, 1, 62, 100, 0}};
/* Velocity 0xC0 and pitch 0xFF clipped to 127. */
static const want CLIPPED[] = {{0, 1, 60, 127, 0}, {1, 1, 127, 80, 0}};
/* Never released: each lasts to End-of-Track at tick 768. */
static const want NEVER[] = {{0, 8, 60, 100, 0}, {1, 7, 62, 100, 0}, {2, 6, 64, 100, 0},
                             {3, 5, 65, 100, 0}};
/* 60 re-struck at 48 ends there; 64 doubled in two tracks is one note. */
static const want OVERLAP[] = {{0, 0.5, 60, 100, 0}, {0, 1, 64, 100, 0}, {0.5, 0.5, 60, 100, 0}};

#define W(a) a, sizeof a / sizeof *a
#define REFUSED NULL, 0

static const char DIFF_5BYTE[] = "a variable-length number of 5 bytes is past the spec's limit "
                                 "of 4: the track ends before it (FluidSynth refuses the file), "
                                 "mido reads on";
static const char DIFF_DIV0[] = "with a time division of 0 no tick has a length: refused, mido "
                                "reads it untimed";

static const struct edge_case {
    const char *file;
    const want *w; /* the notes read, sorted by onset then pitch; NULL: refused */
    size_t n;
    const char *msg;     /* refused: a part of the message */
    const char *differs; /* why our note count is not mido's, or NULL */
} CASES[] = {
    /* running status */
    {"running_status_across_meta.mid", W(SCALE), NULL, NULL},
    {"running_status_across_sysex.mid", W(SCALE), NULL, NULL},
    {"running_status_across_sysex_f7.mid", W(SCALE), NULL, NULL},
    {"running_status_restated_after_sysex.mid", W(SCALE), NULL, NULL},
    {"running_status_across_realtime_f8.mid", W(SCALE), NULL, NULL},
    {"running_status_without_status.mid", REFUSED,
     "no notes (track 1: running status without a previous status byte at byte 23)", NULL},
    /* F1-FE, skipped with their wire data bytes */
    {"status_f1_quarter_frame.mid", W(SCALE), NULL, NULL},
    {"status_f2_song_position.mid", W(SCALE), NULL, NULL},
    {"status_f3_song_select.mid", W(SCALE), NULL, NULL},
    {"status_f4_undefined.mid", W(SCALE), NULL, NULL},
    {"status_f5_undefined.mid", W(SCALE), NULL, NULL},
    {"status_f6_tune_request.mid", W(SCALE), NULL, NULL},
    {"status_f8_timing_clock.mid", W(SCALE), NULL, NULL},
    {"status_f9_undefined.mid", W(SCALE), NULL, NULL},
    {"status_fa_start.mid", W(SCALE), NULL, NULL},
    {"status_fb_continue.mid", W(SCALE), NULL, NULL},
    {"status_fc_stop.mid", W(SCALE), NULL, NULL},
    {"status_fd_undefined.mid", W(SCALE), NULL, NULL},
    {"status_fe_active_sensing.mid", W(SCALE), NULL, NULL},
    {"status_f1_to_fe_all.mid", W(SCALE), NULL, NULL},
    /* chunks */
    {"junk_chunk_between_tracks.mid", W(HALVES), NULL, NULL},
    {"junk_chunk_before_first_track.mid", W(SCALE), NULL, NULL},
    {"header_more_tracks_than_present.mid", W(HALVES), NULL, NULL},
    {"header_fewer_tracks_than_present.mid", W(FIRST4), NULL, NULL},
    {"track_missing_last_byte.mid", W(SCALE), NULL, NULL},
    {"track_missing_last_byte_two_tracks.mid", W(HALVES), NULL, NULL},
    {"track_length_overruns_file.mid", W(SCALE), NULL, NULL},
    {"track_cut_mid_event.mid", W(SCALE), NULL, NULL},
    {"track_padding_after_eot.mid", W(SCALE), NULL, NULL},
    {"extra_bytes_after_last_track.mid", W(SCALE), NULL, NULL},
    /* time */
    {"smpte_offset_meta.mid", W(SCALE), NULL, NULL},
    {"smpte_division_25fps.mid", W(SCALE), NULL, NULL},
    {"smpte_division_2997fps.mid", W(SMPTE2997), NULL, NULL},
    {"division_zero.mid", REFUSED, "time division is zero", DIFF_DIV0},
    {"delta_4byte_max.mid", W(DELTA4MAX), NULL, NULL},
    {"delta_4byte_padded.mid", W(SCALE), NULL, NULL},
    {"delta_5byte_bad.mid", W(FIRST4), NULL, DIFF_5BYTE},
    /* header and whole file */
    {"zero_tracks.mid", REFUSED, "no notes (the header declares no tracks)", NULL},
    {"zero_tracks_then_track.mid", REFUSED, "no notes (the header declares no tracks)", NULL},
    {"header_only.mid", REFUSED, "no notes (the file has no track; its header declares 1)",
     NULL},
    {"header_longer_than_6.mid", W(SCALE), NULL, NULL},
    {"header_shorter_than_6.mid", REFUSED, "MThd header is 4 bytes long", NULL},
    {"empty.mid", REFUSED, "not a MIDI file (the file is empty)", NULL},
    {"text_renamed.mid", REFUSED, "not a MIDI file (no MThd header)", NULL},
    {"rmid_riff_wrapper.mid", W(SCALE), NULL, NULL},
    /* formats */
    {"format0_single_track.mid", W(SCALE), NULL, NULL},
    {"format0_two_tracks.mid", W(HALVES), NULL, NULL},
    {"format1_conductor_two_tracks.mid", W(HALVES_CH2), NULL, NULL},
    {"format2_two_sequences.mid", W(SCALE), NULL, NULL}, /* the second after the first */
    {"format_unknown_7.mid", W(SCALE), NULL, NULL},
    /* notes */
    {"note_on_velocity0_as_off.mid", W(SCALE), NULL, NULL},
    {"overlapping_same_pitch.mid", W(OVERLAP), NULL, NULL},
    {"notes_never_released.mid", W(NEVER), NULL, NULL},
    {"data_byte_above_127.mid", W(CLIPPED), NULL, NULL},
    {"drums_only.mid", REFUSED, "only drum notes (channel 10)", NULL},
    /* sysex and meta */
    {"sysex_f0_and_f7_packets.mid", W(SYSEX), NULL, NULL},
    {"sysex_huge_length.mid", W(SCALE), NULL, NULL},
    {"meta_zero_length.mid", W(SCALE), NULL, NULL},
    {"meta_zero_length_tempo.mid", W(SCALE), NULL, NULL},
    {"meta_huge_length.mid", W(SCALE), NULL, NULL},
    {"meta_length_past_track.mid", W(HALVES), NULL, NULL},
    {"missing_eot.mid", W(SCALE), NULL, NULL},
    {"missing_eot_two_tracks.mid", W(HALVES), NULL, NULL},
    {"eot_not_at_end.mid", W(SCALE), NULL, NULL}, /* read on after End-of-Track, as mido */
    {"non_ascii_name_\xC3\xBCn\xC3\xAF" "c\xC3\xB8" "d\xC3\xA9_\xE9\x9F\xB3\xE7\xAC\xA6.mid",
     W(SCALE), NULL, NULL},
};
#define N_CASES (sizeof CASES / sizeof *CASES)

static char dir[4096];

static const char *path_of(const char *name)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* ---- the fixture: mido's verdict per file ---- */

typedef struct mido_line {
    char file[256];
    int notes; /* -1: mido refused the file */
    int differs;
} mido_line;

static mido_line mido[256];
static size_t n_mido;

static void load_fixture(void)
{
    FILE *f = fopen(path_of("expected.txt"), "r");
    CHECK_MSG(f != NULL, "no %s", path_of("expected.txt"));
    if (!f)
        return;
    char line[2048];
    while (fgets(line, sizeof line, f) && n_mido < sizeof mido / sizeof *mido) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        CHECK_MSG(tab && (size_t)(tab - line) < sizeof mido[0].file, "bad fixture line: %s",
                  line);
        if (!tab || (size_t)(tab - line) >= sizeof mido[0].file)
            continue;
        mido_line *m = &mido[n_mido++];
        memcpy(m->file, line, (size_t)(tab - line));
        m->file[tab - line] = 0;
        m->notes = strncmp(tab + 1, "refused", 7) ? atoi(tab + 1) : -1;
        m->differs = strstr(tab, "\tdiffers: ") != NULL;
    }
    fclose(f);
}

static const mido_line *mido_of(const char *file)
{
    for (size_t i = 0; i < n_mido; i++)
        if (!strcmp(mido[i].file, file))
            return &mido[i];
    return NULL;
}

/* ---- checks ---- */

static void check_notes(const srnn_piece *p, const struct edge_case *c)
{
    size_t n = srnn_piece_note_count(p);
    CHECK_MSG(n == c->n, "%s: %zu notes, want %zu", c->file, n, c->n);
    if (n != c->n)
        return;
    const srnn_note *m = srnn_piece_notes(p);
    for (size_t i = 0; i < n; i++) {
        const want *w = &c->w[i];
        CHECK_MSG(m[i].pitch == w->pitch && m[i].velocity == w->velocity &&
                      m[i].channel == w->channel && fabs(m[i].onset - w->onset) < 1e-9 &&
                      fabs(m[i].duration - w->duration) < 1e-9,
                  "%s note %zu: onset %.9g duration %.9g pitch %d velocity %d channel %d, want "
                  "%.9g %.9g %d %d %d", c->file, i, m[i].onset, m[i].duration, m[i].pitch,
                  m[i].velocity, m[i].channel, w->onset, w->duration, w->pitch, w->velocity,
                  w->channel);
    }
}

/* Reads an exactly sized copy of d[0..n): a piece with sane notes, or SRNN_EINPUT with a
 * one-line message and no piece.  Returns the status. */
static int read_copy(const unsigned char *d, size_t n, const char *what, size_t cut)
{
    unsigned char *c = malloc(n ? n : 1);
    if (!c)
        return SRNN_ENOMEM;
    memcpy(c, d, n);
    srnn_piece *p = (srnn_piece *)&p;
    srnn_error err = {0};
    int rc = srnn_midi_read_memory(c, n, 0, &p, &err);
    if (rc != SRNN_OK) {
        CHECK_MSG(rc == SRNN_EINPUT && p == NULL && err.msg[0] && !strchr(err.msg, '\n'),
                  "%s cut at %zu: rc %d, message '%s'", what, cut, rc, err.msg);
    } else {
        const srnn_note *m = srnn_piece_notes(p);
        int bad = srnn_piece_note_count(p) == 0;
        for (size_t i = 0; i < srnn_piece_note_count(p); i++)
            bad += !(m[i].onset >= 0) || !(m[i].duration > 0) || m[i].pitch > 127 ||
                   m[i].velocity < 1 || m[i].velocity > 127 || m[i].channel == 9;
        CHECK_MSG(!bad, "%s cut at %zu: insane notes", what, cut);
        srnn_piece_free(p);
    }
    free(c);
    return rc;
}

static void check_case(const struct edge_case *c)
{
    srnn_piece *p = (srnn_piece *)&p;
    srnn_error err = {0};
    int rc = srnn_midi_read(path_of(c->file), 0, &p, &err);
    if (c->w) {
        CHECK_MSG(rc == SRNN_OK && p, "%s: refused: %s", c->file, err.msg);
        if (rc == SRNN_OK)
            check_notes(p, c);
    } else {
        CHECK_MSG(rc == SRNN_EINPUT && p == NULL, "%s: rc %d, want refused", c->file, rc);
        CHECK_MSG(strstr(err.msg, c->msg) && !strchr(err.msg, '\n'),
                  "%s: message '%s', want '%s'", c->file, err.msg, c->msg);
    }
    if (rc == SRNN_OK)
        srnn_piece_free(p);

    /* mido's note count, where mido reads the file ("no notes" is a count of 0 for us). */
    const mido_line *m = mido_of(c->file);
    CHECK_MSG(m != NULL, "%s: not in expected.txt (run tools/midi_edge_expected)", c->file);
    if (m) {
        CHECK_MSG(!m->differs == !c->differs, "%s: 'differs' in the fixture and the table "
                  "disagree", c->file);
        int ours = c->w ? (int)c->n : 0;
        if (m->notes >= 0 && !c->differs)
            CHECK_MSG(ours == m->notes, "%s: %d notes, mido reads %d", c->file, ours, m->notes);
        if (m->notes >= 0 && c->differs) /* a stale reason would hide a real difference */
            CHECK_MSG(ours != m->notes, "%s: marked as differing but both read %d notes",
                      c->file, ours);
    }

    /* From memory, whole and cut at every byte, each an exactly sized copy. */
    unsigned char *d = NULL;
    size_t n = 0;
    if (srnn_file_read_all(path_of(c->file), &d, &n, &err) != SRNN_OK) {
        CHECK_MSG(0, "%s: %s", c->file, err.msg);
        return;
    }
    CHECK_MSG((read_copy(d, n, c->file, n) == SRNN_OK) == (c->w != NULL),
              "%s: read from memory and from the path differ", c->file);
    for (size_t cut = 0; cut < n; cut++)
        read_copy(d, cut, c->file, cut);
    free(d);
}

/* Details the note lists do not show. */
static void check_meta(void)
{
    srnn_piece *p = NULL;
    srnn_error err = {0};
    /* SMPTE: the piece is at 120 bpm whatever the file's tempo event (100 bpm) says. */
    if (srnn_midi_read(path_of("smpte_division_25fps.mid"), 0, &p, &err) == SRNN_OK) {
        CHECK(srnn_piece_tempo_count(p) == 1 &&
              srnn_piece_tempos(p)[0].us_per_quarter == 500000 &&
              srnn_piece_tempos(p)[0].beat == 0);
        CHECK_NEAR(srnn_piece_beat_to_seconds(p, 7), 3.5, 1e-12); /* onset of the 8th note */
        srnn_piece_free(p);
    }
    /* A tempo event of length 0 is no tempo. */
    if (srnn_midi_read(path_of("meta_zero_length_tempo.mid"), 0, &p, &err) == SRNN_OK) {
        CHECK(srnn_piece_tempo_count(p) == 0);
        srnn_piece_free(p);
    }
    if (srnn_midi_read(path_of("format1_conductor_two_tracks.mid"), 0, &p, &err) == SRNN_OK) {
        CHECK(strcmp(srnn_piece_title(p), "Edge") == 0);
        CHECK(srnn_piece_timesig_count(p) == 1 && srnn_piece_timesigs(p)[0].num == 3 &&
              srnn_piece_timesigs(p)[0].den == 4);
        srnn_piece_free(p);
    }
    const char *utf8 = CASES[N_CASES - 1].file;
    if (srnn_midi_read(path_of(utf8), 0, &p, &err) == SRNN_OK) {
        CHECK(strcmp(srnn_piece_title(p), "Gamme de do \xE2\x80\x94 \xE9\x9F\xB3\xE9\x9A\x8E") ==
              0);
        srnn_piece_free(p);
    } else {
        CHECK_MSG(0, "%s: %s", utf8, err.msg);
    }
}

/* Every .mid of the folder is in the table, and the other way round. */
static void check_folder(void)
{
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot list %s", dir);
    if (!d)
        return;
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".mid"))
            continue;
        files++;
        size_t k = 0;
        while (k < N_CASES && strcmp(CASES[k].file, e->d_name))
            k++;
        CHECK_MSG(k < N_CASES, "%s: a file the table does not know", e->d_name);
    }
    closedir(d);
    CHECK_MSG(files == N_CASES, "%zu files in %s, %zu in the table", files, dir, N_CASES);
    CHECK_MSG(n_mido == files, "%zu lines in expected.txt, %zu files", n_mido, files);
    CHECK(files >= 30);
}

int main(void)
{
    const char *root = getenv("SRNN_SOURCE_ROOT");
    snprintf(dir, sizeof dir, "%s/tests/midi/edge", root ? root : ".");
    load_fixture();
    check_folder();
    int read = 0;
    for (size_t i = 0; i < N_CASES; i++) {
        check_case(&CASES[i]);
        read += CASES[i].w != NULL;
    }
    check_meta();
    fprintf(stderr, "test_midi_edge: %zu files, %d read, %zu refused\n", N_CASES, read,
            N_CASES - (size_t)read);
    return check_finish("test_midi_edge");
}
