/* songrnn play FILE : plays a .mid or .abc file live through FluidSynth (or a PortMidi port),
 * event by event.  The reading side here is a producer like a generator will be: it stays about
 * a second ahead of the playback clock and pushes events one at a time; the player thread
 * sends each at its time.  Ctrl-C silences every channel and exits 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_render.h"
#include "songrnn/synth.h"

static const char USAGE[] =
    "songrnn play FILE.mid|FILE.abc [--synth fluidsynth|portmidi] [--soundfont FILE.sf2] "
    "[--audio-driver NAME] [--audio-file OUT.wav] [--port ID|NAME] [--list-ports] "
    "[--program N] [--tempo BPM] [--tune X] [-q]";

/* How far the producer runs ahead of the playback clock: more than the player's lookahead, so
 * the queue never runs dry, and little enough that a generator's output is heard soon. */
#define PRODUCER_AHEAD 1.0

static srnn_player *volatile g_player;
static volatile sig_atomic_t g_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    g_interrupted = 1;
    if (g_player)
        srnn_player_interrupt(g_player); /* only an atomic store */
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int list_ports(void)
{
    srnn_synth_port *ports = NULL;
    size_t n = 0;
    srnn_error err = {0};
    if (srnn_synth_list_ports(&ports, &n, &err) != 0) {
        cli_report("portmidi", &err);
        return EXIT_ERROR;
    }
    if (n == 0)
        printf("no MIDI output ports (play through FluidSynth: --synth fluidsynth)\n");
    for (size_t i = 0; i < n; i++)
        printf("%d\t%s\n", ports[i].id, ports[i].name);
    free(ports);
    return EXIT_OK;
}

int cmd_play(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int prc = srnn_opts_parse(&o, OPT_G_COMMON | OPT_G_OUTPUT | OPT_G_PLAY | OPT_G_RENDER,
                              argc - 1, argv + 1, "play", USAGE, stdout, stderr);
    if (prc == 1)
        return EXIT_OK;
    if (prc != 0)
        return EXIT_USAGE;
    if (o.list_ports)
        return list_ports();
    if (o.n_pos != 1) {
        fprintf(stderr, "songrnn play: give one file to play (usage: %s)\n", USAGE);
        return EXIT_USAGE;
    }
    int portmidi = o.synth && strcmp(o.synth, "portmidi") == 0;
    if (portmidi && (o.soundfont || o.audio_driver || o.audio_file)) {
        fprintf(stderr, "songrnn play: --soundfont, --audio-driver and --audio-file are for "
                        "--synth fluidsynth\n");
        return EXIT_USAGE;
    }
    if (!portmidi && o.port) {
        fprintf(stderr, "songrnn play: --port is for --synth portmidi\n");
        return EXIT_USAGE;
    }
    if (o.audio_driver && strcmp(o.audio_driver, "file") == 0 && !o.audio_file) {
        fprintf(stderr, "songrnn play: --audio-driver file needs --audio-file OUT.wav\n");
        return EXIT_USAGE;
    }
    if (o.audio_file && o.audio_driver && strcmp(o.audio_driver, "file") != 0) {
        fprintf(stderr, "songrnn play: --audio-file goes with --audio-driver file\n");
        return EXIT_USAGE;
    }
    const char *in = o.pos[0];
    const char *ext = cli_extension(in);
    if (strcmp(ext, "srnn") == 0) {
        cli_fail(in, "playing from a model needs the generator, which this build does not "
                     "have yet; play a .mid or .abc file");
        return EXIT_ERROR;
    }

    char sf[4096];
    if (!portmidi && cli_sound_soundfont(o.soundfont, sf, sizeof sf) != 0)
        return EXIT_ERROR;
    srnn_piece *piece = NULL;
    int lrc = cli_sound_load(in, &o, &piece);
    if (lrc != 0)
        return lrc == 2 ? EXIT_USAGE : EXIT_ERROR;
    srnn_synth_events_opts eo = {o.tempo, o.program};
    srnn_synth_event *ev = NULL;
    size_t n = 0;
    double end = 0;
    srnn_error err = {0};
    int rc = srnn_synth_events_from_piece(piece, &eo, &ev, &n, &end, &err);
    srnn_piece_free(piece);
    if (rc != 0) {
        cli_report(in, &err);
        return EXIT_ERROR;
    }

    srnn_player_opts po;
    srnn_player_opts_init(&po);
    po.backend = portmidi ? SRNN_SYNTH_PORTMIDI : SRNN_SYNTH_FLUIDSYNTH;
    po.soundfont = portmidi ? NULL : sf;
    po.audio_driver = o.audio_driver;
    po.audio_file = o.audio_file;
    po.port = o.port;
    srnn_player *player = NULL;
    if (srnn_player_open(&po, &player, &err) != 0) {
        cli_report(portmidi ? "portmidi" : o.audio_file ? o.audio_file : "fluidsynth", &err);
        free(ev);
        return EXIT_ERROR;
    }

    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    g_player = player;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    int status = EXIT_OK;
    srnn_error push_err = {0};
    for (size_t i = 0; i < n && !g_interrupted; i++) {
        /* Stay about a second ahead, as a generator producing in real time would. */
        while (!g_interrupted && ev[i].time > srnn_player_clock(player) + PRODUCER_AHEAD)
            sleep_ms(10);
        if (g_interrupted)
            break;
        if (srnn_player_push(player, &ev[i], &push_err) != 0) {
            status = EXIT_ERROR;
            break;
        }
    }
    /* A failing synth also fails the pushes after it: its own message says more. */
    if (srnn_player_finish(player, &err) != 0) {
        cli_report(portmidi ? "portmidi" : "fluidsynth", &err);
        status = EXIT_ERROR;
    } else if (status != EXIT_OK) {
        cli_report(in, &push_err);
    }
    srnn_player_stats st;
    srnn_player_get_stats(player, &st);
    srnn_player_close(player); /* the --audio-file WAV gets its name here */
    g_player = NULL;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    free(ev);
    if (!o.quiet && status == EXIT_OK)
        fprintf(stderr,
                "songrnn: %s: %s %zu events in %.2f s; lateness max %.2f ms, mean %.2f ms%s%s\n",
                in, st.interrupted ? "interrupted after" : "played", st.events, st.clock,
                st.late_max * 1000.0, st.late_mean * 1000.0, o.audio_file ? "; wrote " : "",
                o.audio_file ? o.audio_file : "");
    return status;
}
