/* songrnn play MODEL|FILE : plays live through FluidSynth (or a PortMidi port), event by event.
 * With a model, music is generated as it plays: the sampler runs about a second ahead of the
 * playback clock and pushes each note as soon as it is certain; with a file, the reading side
 * is the same kind of producer.  The player thread sends each event at its time.  Ctrl-C
 * silences every channel and exits 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_render.h"
#include "songrnn/model.h"
#include "songrnn/nn.h"
#include "songrnn/sample.h"
#include "songrnn/synth.h"

static const char USAGE[] =
    "songrnn play MODEL.srnn|FILE.mid|FILE.abc [sampling options] [--synth fluidsynth|portmidi] [--soundfont FILE.sf2] "
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

/* Generation as the producer: every sampled token, the tokens so far are decoded, and the
 * events before the latest onset are pushed (nothing generated later can change them). */
typedef struct live_gen {
    const srnn_mode_def *mode;
    const srnn_model *model;
    const srnn_mode_opts *o;
    srnn_player *player;
    int32_t *toks;
    size_t n, cap;
    size_t pushed; /* events already pushed, in time order */
    int failed;
    srnn_error err;
} live_gen;

/* Pushes the events of toks[0..n) whose time is before `until` (all of them when until < 0). */
static int live_push(live_gen *g, double until)
{
    srnn_piece *p = NULL;
    srnn_error err = {0};
    if (srnn_mode_to_piece(g->mode, srnn_model_vocab(g->model), g->toks, g->n, g->o, &p, &err) !=
        SRNN_OK) {
        if (until < 0) { /* the end: what was generated must play */
            g->err = err;
            g->failed = 1;
            return -1;
        }
        return 0; /* text modes: an unfinished tune may not parse yet */
    }
    double bpm = g->o->tempo > 0 || srnn_piece_tempo_count(p) == 0
                     ? srnn_mode_output_bpm(g->o) : 0;
    srnn_synth_events_opts eo = {bpm, g->o->program};
    srnn_synth_event *ev = NULL;
    size_t nev = 0;
    double end = 0;
    double cut = -1;
    if (until >= 0) {
        /* The latest onset, in seconds: events before it are final. */
        const srnn_note *notes = srnn_piece_notes(p);
        double last = 0;
        for (size_t i = 0; i < srnn_piece_note_count(p); i++)
            if (notes[i].onset > last)
                last = notes[i].onset;
        cut = bpm > 0 ? last * 60.0 / bpm : srnn_piece_beat_to_seconds(p, last);
    }
    int rc = srnn_synth_events_from_piece(p, &eo, &ev, &nev, &end, &err);
    srnn_piece_free(p);
    if (rc != 0) {
        g->err = err;
        g->failed = 1;
        return -1;
    }
    for (size_t i = g->pushed; i < nev && !g_interrupted; i++) {
        if (cut >= 0 && ev[i].time >= cut)
            break;
        while (!g_interrupted && ev[i].time > srnn_player_clock(g->player) + PRODUCER_AHEAD)
            sleep_ms(10);
        if (srnn_player_push(g->player, &ev[i], &g->err) != 0) {
            g->failed = 1;
            free(ev);
            return -1;
        }
        g->pushed = i + 1;
    }
    free(ev);
    return 0;
}

static int live_on_token(int token, void *ud)
{
    live_gen *g = ud;
    if (g->n == g->cap) {
        size_t nc = g->cap ? 2 * g->cap : 1024;
        int32_t *nt = realloc(g->toks, nc * sizeof *nt);
        if (!nt) {
            g->failed = 1;
            return 1;
        }
        g->toks = nt;
        g->cap = nc;
    }
    g->toks[g->n++] = token;
    if (live_push(g, 0) != 0)
        return 1;
    return g_interrupted ? 1 : 0;
}

static int play_model(const char *path, const srnn_opts *o, srnn_player *player)
{
    srnn_error err = {0};
    srnn_mode_error merr;
    srnn_mode_opts mo;
    cli_mode_opts(o, &mo);
    srnn_model *m = NULL;
    const srnn_mode_def *mode = NULL;
    if (srnn_mode_model_open(path, &m, &mode, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        return EXIT_ERROR;
    }
    int status = cli_mode_opts_for_model(o, mode, m, &mo, "play");
    if (status != 0) {
        srnn_model_free(m);
        return status;
    }
    uint64_t seed = o->seed >= 0 ? (uint64_t)o->seed : (uint64_t)time(NULL);
    int32_t *primer = NULL, *toks = NULL;
    size_t n_primer = 0, n = 0;
    int keep = 0;
    if (srnn_mode_primer(mode, m, &mo, seed, &primer, &n_primer, &keep, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        srnn_model_free(m);
        return EXIT_ERROR;
    }
    live_gen g = {.mode = mode, .model = m, .o = &mo, .player = player};
    /* The user's own opening is heard too; a training window only starts the model (notes:
     * its tokens set the decoder's state, bar and meter, and are not heard). */
    for (size_t i = 0; keep && i < n_primer; i++)
        if (live_on_token(primer[i], &g) != 0)
            break;
    if (!keep && mode->mode == SRNN_MODE_NOTES && n_primer > 0) {
        g.toks = malloc(n_primer * sizeof *g.toks);
        if (g.toks) {
            memcpy(g.toks, primer, n_primer * sizeof *g.toks);
            g.n = g.cap = n_primer;
            mo.context = n_primer;
        }
    }
    srnn_generate_opts go = {
        .sample = {.temperature = o->temperature, .top_k = o->top_k, .top_p = o->top_p,
                   .argmax = o->argmax},
        .length = o->length > 0 ? o->length : mode->default_length,
        .prime = primer, .n_prime = n_primer, .seed = seed,
        .on_token = live_on_token, .ud = &g,
    };
    srnn_mode_gen *gen = NULL;
    int grc = srnn_mode_gen_begin(mode, srnn_model_vocab(m), &mo, &go, &gen, &merr);
    if (grc != SRNN_OK) {
        cli_mode_report(&merr);
        status = grc == SRNN_EARG ? EXIT_USAGE : EXIT_ERROR;
    } else if (!g.failed && srnn_generate(srnn_model_net(m), srnn_model_vocab(m), &go, &toks,
                                          &n, &err) != SRNN_OK) {
        cli_report(path, &err);
        status = EXIT_ERROR;
    }
    srnn_mode_gen_end(gen);
    if (status == EXIT_OK && !g.failed && !g_interrupted)
        live_push(&g, -1);
    if (g.failed) {
        cli_report(path, &g.err);
        status = EXIT_ERROR;
    }
    free(toks);
    free(primer);
    free(g.toks);
    srnn_model_free(m);
    return status;
}

int cmd_play(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int prc = srnn_opts_parse(&o, OPT_G_COMMON | OPT_G_OUTPUT | OPT_G_PLAY | OPT_G_RENDER |
                                  OPT_G_SAMPLE | OPT_G_TABLA,
                              argc - 1, argv + 1, "play", USAGE, stdout, stderr);
    if (prc == 1)
        return EXIT_OK;
    if (prc != 0)
        return EXIT_USAGE;
    if ((prc = cli_guard_outputs("play", &o)) != 0) /* outputs that are inputs */
        return prc;
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
    /* A model file is recognized by its magic, whatever its name. */
    int from_model = strcmp(cli_extension(in), "srnn") == 0;
    if (!from_model) {
        FILE *f = fopen(in, "rb");
        unsigned char magic[8] = {0};
        if (f) {
            from_model = fread(magic, 1, 8, f) == 8 && memcmp(magic, "\x89songrnn", 8) == 0;
            fclose(f);
        }
    }

    char sf[4096];
    if (!portmidi && cli_sound_soundfont(cli_sound_soundfont_for(in, &o), sf, sizeof sf) != 0)
        return EXIT_ERROR;
    srnn_synth_event *ev = NULL;
    size_t n = 0;
    srnn_error err = {0};
    if (!from_model) {
        srnn_piece *piece = NULL;
        int lrc = cli_sound_load(in, &o, &piece);
        if (lrc != 0)
            return lrc == 2 ? EXIT_USAGE : EXIT_ERROR;
        srnn_synth_events_opts eo = {o.tempo, o.program};
        double end = 0;
        int rc = srnn_synth_events_from_piece(piece, &eo, &ev, &n, &end, &err);
        srnn_piece_free(piece);
        if (rc != 0) {
            cli_report(in, &err);
            return EXIT_ERROR;
        }
    }

    srnn_player_opts po;
    srnn_player_opts_init(&po);
    po.backend = portmidi ? SRNN_SYNTH_PORTMIDI : SRNN_SYNTH_FLUIDSYNTH;
    po.soundfont = portmidi ? NULL : sf;
    po.audio_driver = o.audio_driver;
    po.audio_file = o.audio_file;
    po.port = o.port;
    po.verbose = o.verbose;
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
    if (from_model)
        status = play_model(in, &o, player);
    for (size_t i = 0; !from_model && i < n && !g_interrupted; i++) {
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
    } else if (status != EXIT_OK && !from_model) {
        cli_report(in, &push_err);
    }
    srnn_player_stats st;
    srnn_player_get_stats(player, &st);
    /* the --audio-file WAV gets its name here, or is removed after a failure */
    if (status != EXIT_OK) {
        srnn_player_discard(player);
    } else if (srnn_player_close(player, &err) != 0) {
        cli_report(o.audio_file ? o.audio_file : "fluidsynth", &err);
        status = EXIT_ERROR;
    }
    g_player = NULL;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    free(ev);
    if (!o.quiet && status == EXIT_OK)
        fprintf(stderr,
                "songrnn: %s: %s %zu events in %.2f s; lateness max %.2f ms, mean %.2f ms%s%s%s\n",
                in, st.interrupted ? "interrupted after" : "played", st.events, st.clock,
                st.late_max * 1000.0, st.late_mean * 1000.0,
                st.stall_max > 0.001 ? " (the machine was busy: the player fell behind)" : "",
                o.audio_file ? "; wrote " : "", o.audio_file ? o.audio_file : "");
    return status;
}
