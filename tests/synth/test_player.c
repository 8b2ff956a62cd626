/* The live player through FluidSynth's file driver (no sound card needed), the offline
 * renderer, and PortMidi without devices.  Skips (77) when built without FluidSynth or when no
 * General MIDI soundfont is installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../check.h"
#include "songrnn/synth.h"

static char dir[256];

typedef struct wav_info {
    int ok;
    double seconds;
    int peak;              /* largest absolute sample */
    int peak_last_100ms;   /* of the last 100 ms */
} wav_info;

/* A small independent WAV reader: walks the RIFF chunks to "data" (libsndfile's header need
 * not be 44 bytes) and looks at the 16-bit stereo samples. */
static wav_info read_wav(const char *path)
{
    wav_info w = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return w;
    unsigned char h[12];
    if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) {
        fclose(f);
        return w;
    }
    int channels = 0, bits = 0;
    long rate = 0;
    for (;;) {
        unsigned char c[8];
        if (fread(c, 1, 8, f) != 8)
            break;
        unsigned long size = c[4] | c[5] << 8 | c[6] << 16 | (unsigned long)c[7] << 24;
        if (memcmp(c, "fmt ", 4) == 0) {
            unsigned char fm[16];
            if (size < 16 || fread(fm, 1, 16, f) != 16)
                break;
            channels = fm[2] | fm[3] << 8;
            rate = fm[4] | fm[5] << 8 | fm[6] << 16 | (long)fm[7] << 24;
            bits = fm[14] | fm[15] << 8;
            fseek(f, (long)(size - 16 + (size & 1)), SEEK_CUR);
        } else if (memcmp(c, "data", 4) == 0) {
            if (channels != 2 || bits != 16 || rate != 44100)
                break;
            size_t frames = size / 4;
            int16_t *s = malloc(frames * 4 + 4);
            if (!s)
                break;
            frames = fread(s, 4, frames, f);
            w.seconds = (double)frames / rate;
            size_t last = frames > 4410 ? frames - 4410 : 0;
            for (size_t i = 0; i < frames * 2; i++) {
                int v = abs((int)s[i]);
                if (v > w.peak)
                    w.peak = v;
                if (i / 2 >= last && v > w.peak_last_100ms)
                    w.peak_last_100ms = v;
            }
            free(s);
            w.ok = 1;
            break;
        } else {
            fseek(f, (long)(size + (size & 1)), SEEK_CUR);
        }
    }
    fclose(f);
    return w;
}

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void sleep_s(double s)
{
    struct timespec t = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
    nanosleep(&t, NULL);
}

static srnn_player *open_file_player(const char *wav)
{
    srnn_player_opts o;
    srnn_player_opts_init(&o);
    o.audio_driver = "file";
    o.audio_file = wav;
    srnn_player *p = NULL;
    srnn_error err = {0};
    int rc = srnn_player_open(&o, &p, &err);
    CHECK_MSG(rc == 0, "%s", err.msg);
    return p;
}

static void push(srnn_player *p, double t, int type, int key)
{
    srnn_synth_event ev = {t, (uint8_t)type, 0, (uint8_t)key, type == SRNN_SYNTH_NOTE_ON ? 100 : 0};
    srnn_error err = {0};
    CHECK_MSG(srnn_player_push(p, &ev, &err) == 0, "%s", err.msg);
}

static void test_live_on_time(void)
{
    char wav[512];
    snprintf(wav, sizeof wav, "%s/live.wav", dir);
    srnn_player *p = open_file_player(wav);
    if (!p)
        return;
    /* Pushed out of time order on purpose: the queue orders them. */
    int keys[4] = {60, 64, 67, 72};
    for (int i = 3; i >= 0; i--) {
        push(p, 0.25 * i + 0.2, SRNN_SYNTH_NOTE_OFF, keys[i]);
        push(p, 0.25 * i, SRNN_SYNTH_NOTE_ON, keys[i]);
    }
    srnn_error err = {0};
    double t0 = wall();
    CHECK(srnn_player_finish(p, &err) == 0);
    double took = wall() - t0;
    srnn_player_stats st;
    srnn_player_get_stats(p, &st);
    CHECK(srnn_player_close(p, &err) == 0);
    CHECK(st.events == 8);
    CHECK(!st.interrupted);
    /* On the synth's clock: at most a millisecond of rounding plus one 64-frame block, and
     * whatever the clock ran past the lookahead while the player thread had no CPU (a loaded
     * machine, a sanitizer): the schedule's own error is what must be near zero. */
    CHECK(st.stall_max >= 0 && st.stall_max < 1.0);
    CHECK_MSG(st.late_max >= 0 && st.late_max < 0.003 + st.stall_max, "late_max %g, stall %g",
              st.late_max, st.stall_max);
    CHECK(st.late_mean >= 0 && st.late_mean <= st.late_max);
    /* the file driver runs in real time: 0.95 s of music plus 0.1 s of tail */
    CHECK_MSG(took > 0.8 && took < 3.0, "took %g s", took);
    wav_info w = read_wav(wav);
    CHECK(w.ok);
    CHECK_MSG(w.seconds > 0.95 && w.seconds < 0.95 + 0.2, "wav %g s", w.seconds);
    CHECK_MSG(w.peak > 1000, "peak %d", w.peak);
}

static void test_live_late_producer(void)
{
    char wav[512];
    snprintf(wav, sizeof wav, "%s/late.wav", dir);
    srnn_player *p = open_file_player(wav);
    if (!p)
        return;
    push(p, 0.0, SRNN_SYNTH_NOTE_ON, 60);
    push(p, 0.3, SRNN_SYNTH_NOTE_OFF, 60);
    /* A producer that falls behind: an event for 0.35 s pushed once the clock is at 0.6 s. */
    double t0 = wall();
    while (srnn_player_clock(p) < 0.6 && wall() - t0 < 5)
        sleep_s(0.005);
    push(p, 0.35, SRNN_SYNTH_NOTE_ON, 62);
    push(p, 0.9, SRNN_SYNTH_NOTE_OFF, 62);
    srnn_error err = {0};
    CHECK(srnn_player_finish(p, &err) == 0);
    srnn_player_stats st;
    srnn_player_get_stats(p, &st);
    CHECK(srnn_player_close(p, &err) == 0);
    CHECK(st.events == 4);
    CHECK_MSG(st.late_max > 0.24 && st.late_max < 0.5 + st.stall_max, "late_max %g, stall %g",
              st.late_max, st.stall_max);
}

/* A machine too busy to run the player thread: a child stops the whole process for 0.6 s in
 * the middle of the piece.  The file driver then renders the missed audio in a burst, so notes
 * can be late; the player must say by how much its clock was outrun, and that must cover the
 * lateness (the on-time test relies on it). */
static void test_live_stalled(void)
{
    char wav[512];
    snprintf(wav, sizeof wav, "%s/stall.wav", dir);
    srnn_player *p = open_file_player(wav);
    if (!p)
        return;
    for (int i = 0; i < 8; i++) {
        push(p, 0.2 * i, SRNN_SYNTH_NOTE_ON, 60 + i);
        push(p, 0.2 * i + 0.15, SRNN_SYNTH_NOTE_OFF, 60 + i);
    }
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        sleep_s(0.45);
        kill(parent, SIGSTOP);
        sleep_s(0.6);
        kill(parent, SIGCONT);
        _exit(0);
    }
    CHECK(child > 0);
    srnn_error err = {0};
    CHECK(srnn_player_finish(p, &err) == 0);
    int status = 0;
    if (child > 0)
        waitpid(child, &status, 0);
    srnn_player_stats st;
    srnn_player_get_stats(p, &st);
    CHECK(srnn_player_close(p, &err) == 0);
    CHECK(st.events == 16);
    /* how far the clock is outrun depends on which thread runs first after the stop; what
     * must hold is that the stall covers the lateness it caused (0.17-0.33 s seen here) */
    CHECK(st.stall_max >= 0 && st.stall_max < 0.6 + 0.1);
    CHECK_MSG(st.late_max < 0.003 + st.stall_max, "late_max %g, stall %g", st.late_max,
              st.stall_max);
}

static void test_live_interrupt(void)
{
    char wav[512];
    snprintf(wav, sizeof wav, "%s/int.wav", dir);
    srnn_player *p = open_file_player(wav);
    if (!p)
        return;
    push(p, 0.0, SRNN_SYNTH_NOTE_ON, 60);
    push(p, 20.0, SRNN_SYNTH_NOTE_OFF, 60);
    double t0 = wall();
    while (srnn_player_clock(p) < 0.3 && wall() - t0 < 5)
        sleep_s(0.005);
    srnn_player_interrupt(p);
    srnn_error err = {0};
    double t1 = wall();
    CHECK(srnn_player_finish(p, &err) == 0);
    CHECK_MSG(wall() - t1 < 0.5, "finish took %g s after the interrupt", wall() - t1);
    srnn_player_stats st;
    srnn_player_get_stats(p, &st);
    CHECK(srnn_player_close(p, &err) == 0);
    CHECK(st.interrupted);
    CHECK(st.events == 1); /* the note-off at 20 s was dropped */
    wav_info w = read_wav(wav);
    CHECK(w.ok);
    CHECK_MSG(w.seconds > 0.25 && w.seconds < 1.5, "wav %g s", w.seconds);
    CHECK(w.peak > 1000);
    /* pushing after the end is refused */
}

/* A failed playback leaves no recording, not even its temporary file; a recording that cannot
 * take its name (here: a folder has it) is an error, and the temporary file goes too. */
static void test_live_discard(void)
{
    char wav[512];
    snprintf(wav, sizeof wav, "%s/gone.wav", dir);
    srnn_player *p = open_file_player(wav);
    if (!p)
        return;
    push(p, 0.0, SRNN_SYNTH_NOTE_ON, 60);
    push(p, 0.1, SRNN_SYNTH_NOTE_OFF, 60);
    srnn_error err = {0};
    CHECK(srnn_player_finish(p, &err) == 0);
    CHECK(check_count_entries(dir, "gone.wav") == 1); /* the temporary file, while it plays */
    srnn_player_discard(p);
    CHECK(check_count_entries(dir, "gone.wav") == 0);

    /* A folder under the name is refused when the player opens, before anything plays. */
    snprintf(wav, sizeof wav, "%s/taken.wav", dir);
    CHECK(mkdir(wav, 0700) == 0);
    srnn_player_opts o;
    srnn_player_opts_init(&o);
    o.audio_driver = "file";
    o.audio_file = wav;
    p = NULL;
    CHECK(srnn_player_open(&o, &p, &err) == SRNN_EIO && p == NULL);
    CHECK_MSG(strstr(err.msg, "taken.wav") && strstr(err.msg, "folder"), "%s", err.msg);
    CHECK(check_count_entries(dir, "taken.wav") == 1); /* the folder alone */

    /* One that appears while it plays: the rename fails, the folder stays, no file is left. */
    rmdir(wav);
    p = open_file_player(wav);
    if (!p)
        return;
    push(p, 0.0, SRNN_SYNTH_NOTE_ON, 60);
    push(p, 0.1, SRNN_SYNTH_NOTE_OFF, 60);
    CHECK(srnn_player_finish(p, &err) == 0);
    CHECK(mkdir(wav, 0700) == 0);
    CHECK(srnn_player_close(p, &err) == SRNN_EIO);
    CHECK_MSG(strstr(err.msg, "taken.wav") && strstr(err.msg, "cannot write"), "%s", err.msg);
    CHECK(check_count_entries(dir, "taken.wav") == 1);
    rmdir(wav);
}

static void test_live_errors(void)
{
    srnn_player_opts o;
    srnn_player_opts_init(&o);
    srnn_player *p = NULL;
    srnn_error err = {0};
    o.audio_driver = "file"; /* without a file */
    CHECK(srnn_player_open(&o, &p, &err) != 0 && p == NULL);
    o.audio_driver = "no-such-driver";
    CHECK(srnn_player_open(&o, &p, &err) != 0 && p == NULL);
    CHECK(strstr(err.msg, "no-such-driver") != NULL);
    char txt[512];
    snprintf(txt, sizeof txt, "%s/fake.sf2", dir);
    FILE *f = fopen(txt, "w");
    if (f) {
        fputs("not a soundfont at all\n", f);
        fclose(f);
    }
    srnn_player_opts_init(&o);
    o.soundfont = txt;
    o.audio_file = txt; /* never reached */
    CHECK(srnn_player_open(&o, &p, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "not a soundfont") != NULL);
    /* A RIFF sfbk header with nothing behind it: refused before FluidSynth sees it (its DLS
     * fallback would print glib warnings), and no WAV is started. */
    f = fopen(txt, "wb");
    if (f) {
        fwrite("RIFF\x28\0\0\0sfbkLIST\4\0\0\0INFOLIST\4\0\0\0sdtaLIST\4\0\0\0pdta", 1, 48,
               f);
        fclose(f);
    }
    char wav[512];
    snprintf(wav, sizeof wav, "%s/never.wav", dir);
    o.audio_driver = "file";
    o.audio_file = wav;
    CHECK(srnn_player_open(&o, &p, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "pdta") != NULL, "%s", err.msg);
    CHECK(access(wav, F_OK) != 0);

    /* PortMidi without devices: the message names --list-ports and FluidSynth. */
    srnn_synth_port *ports = NULL;
    size_t n = 0;
    if (srnn_synth_have_portmidi() && srnn_synth_list_ports(&ports, &n, &err) == 0 && n == 0) {
        srnn_player_opts_init(&o);
        o.backend = SRNN_SYNTH_PORTMIDI;
        CHECK(srnn_player_open(&o, &p, &err) == SRNN_EINPUT);
        CHECK(strstr(err.msg, "--list-ports") != NULL);
        CHECK(strstr(err.msg, "fluidsynth") != NULL);
    }
    free(ports);
}

static void test_render(void)
{
    char wav[512];
    snprintf(wav, sizeof wav, "%s/render.wav", dir);
    srnn_synth_event ev[] = {
        {0.0, SRNN_SYNTH_PROGRAM, 0, 0, 0},
        {0.0, SRNN_SYNTH_NOTE_ON, 0, 60, 100},
        {0.5, SRNN_SYNTH_NOTE_ON, 0, 67, 100},
        {1.0, SRNN_SYNTH_NOTE_OFF, 0, 60, 0},
        {1.0, SRNN_SYNTH_NOTE_OFF, 0, 67, 0},
    };
    srnn_render_opts o;
    srnn_render_opts_init(&o);
    srnn_render_stats st;
    srnn_error err = {0};
    CHECK_MSG(srnn_synth_render_wav(ev, 5, 1.0, &o, wav, &st, &err) == 0, "%s", err.msg);
    /* one second of music, then up to 2 s of release */
    CHECK_MSG(st.audio_seconds > 1.0 && st.audio_seconds <= 3.0 + 1e-9, "%g", st.audio_seconds);
    CHECK(st.render_seconds > 0 && st.render_seconds < st.audio_seconds);
    CHECK(st.peak > 0.03 && st.peak <= 1.0);
    wav_info w = read_wav(wav);
    CHECK(w.ok);
    CHECK_NEAR(w.seconds, st.audio_seconds, 1.0 / 44100);
    CHECK(w.peak > 1000);

    /* a tail of 0: the file ends with the music */
    o.tail = 0;
    CHECK(srnn_synth_render_wav(ev, 5, 1.0, &o, wav, &st, &err) == 0);
    CHECK_NEAR(st.audio_seconds, 1.0, 1e-9);

    /* a bad soundfont: nothing written */
    char bad[512], out2[512];
    snprintf(bad, sizeof bad, "%s/bad.sf2", dir);
    snprintf(out2, sizeof out2, "%s/render2.wav", dir);
    FILE *f = fopen(bad, "w");
    if (f) {
        fputs("no", f);
        fclose(f);
    }
    o.soundfont = bad;
    CHECK(srnn_synth_render_wav(ev, 5, 1.0, &o, out2, &st, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "not a soundfont") != NULL);
    CHECK(access(out2, F_OK) != 0);
}

int main(void)
{
    if (!srnn_synth_have_fluidsynth()) {
        fprintf(stderr, "built without FluidSynth: skipped\n");
        return CHECK_SKIP;
    }
    char sf[1024];
    if (srnn_synth_find_soundfont(sf, sizeof sf, NULL) != 0) {
        fprintf(stderr, "no General MIDI soundfont installed: skipped\n");
        return CHECK_SKIP;
    }
    if (check_scratch_make(dir, sizeof dir, "player-test") != 0)
        return 1;
    test_live_on_time();
    test_live_late_producer();
    test_live_stalled();
    test_live_interrupt();
    test_live_discard();
    test_live_errors();
    test_render();
    check_scratch_remove(dir);
    return check_finish("test_synth_player");
}
