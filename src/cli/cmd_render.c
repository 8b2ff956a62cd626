/* songrnn render IN -o OUT : a .mid, .abc or .bol file to a clean .mid or to a .wav rendered
 * offline through FluidSynth, much faster than real time.  An ABC file of several tunes without
 * --tune becomes one file per tune, OUT-X.  Also holds the input loader that play shares
 * (cli_sound_load, through srnn_mode_read_piece). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_render.h"
#include "songrnn/midi.h"
#include "songrnn/synth.h"

static const char USAGE[] =
    "songrnn render IN.mid|IN.abc|IN.bol -o OUT.wav|OUT.mid [--soundfont FILE.sf2] [--program N] "
    "[--tempo BPM] [--tune X]";

static const char HELP_TUNES[] =
    "An ABC file of several tunes, without --tune, renders every tune to its own file: OUT-X\n"
    "before the extension, X the tune's X: number (by position 1, 2... when X: numbers are\n"
    "missing or repeated), one line each on stderr.  --tune X renders that tune to OUT.\n"
    "OUT that is a device (/dev/null) gets every tune in turn; a FIFO needs --tune X.\n";

int cli_sound_load_piece(const char *path, const srnn_opts *o, int piece, srnn_piece **out)
{
    srnn_mode_opts mo;
    cli_mode_opts(o, &mo);
    mo.piece = piece;
    srnn_mode_error err;
    int rc = srnn_mode_read_piece(path, &mo, out, &err);
    if (rc != SRNN_OK) {
        cli_mode_report(&err);
        return rc == SRNN_EARG ? 2 : 1;
    }
    return 0;
}

int cli_sound_load(const char *path, const srnn_opts *o, srnn_piece **out)
{
    return cli_sound_load_piece(path, o, 0, out);
}

const char *cli_sound_soundfont_for(const char *path, const srnn_opts *o)
{
    srnn_mode_opts mo;
    cli_mode_opts(o, &mo);
    return srnn_mode_soundfont_for(path, &mo);
}

int cli_sound_soundfont(const char *given, char *buf, size_t size)
{
    srnn_error err = {0};
    if (!srnn_synth_have_fluidsynth()) {
        cli_fail("fluidsynth", "built without FluidSynth (install libfluidsynth-dev and "
                               "rebuild)");
        return 1;
    }
    if (!given) {
        if (srnn_synth_find_soundfont(buf, size, &err) != 0) {
            cli_report("soundfont", &err);
            return 1;
        }
    } else {
        snprintf(buf, size, "%s", given);
    }
    if (srnn_synth_check_soundfont(buf, &err) != 0) {
        cli_report(buf, &err);
        return 1;
    }
    return 0;
}

/* One piece into out (.mid or .wav).  An error of the piece itself (too long for a MIDI file
 * or to render) is about the input, label; one of writing is about out.  Returns an exit
 * status. */
static int render_piece(srnn_piece *piece, const char *label, const char *out, int to_wav,
                        const char *sf, const srnn_opts *o, const char *what)
{
    srnn_error err = {0};
    if (!to_wav) {
        srnn_midi_write_opts w = {0};
        w.program = o->program;
        w.bpm = o->tempo;
        int rc = srnn_midi_write(out, piece, &w, &err);
        if (rc != 0) {
            cli_report(rc == SRNN_EINPUT ? label : out, &err);
            return EXIT_ERROR;
        }
        if (!o->quiet)
            cli_wrote(out, " (%s%zu notes)", what, srnn_piece_note_count(piece));
        return EXIT_OK;
    }
    srnn_synth_events_opts eo = {o->tempo, o->program};
    srnn_synth_event *ev = NULL;
    size_t n = 0;
    double end = 0;
    if (srnn_synth_events_from_piece(piece, &eo, &ev, &n, &end, &err) != 0) {
        cli_report(label, &err);
        return EXIT_ERROR;
    }
    srnn_render_opts ro;
    srnn_render_opts_init(&ro);
    ro.soundfont = sf;
    ro.verbose = o->verbose;
    srnn_render_stats st;
    int rc = srnn_synth_render_wav(ev, n, end, &ro, out, &st, &err);
    free(ev);
    if (rc != 0) {
        cli_report(rc == SRNN_EINPUT ? label : out, &err);
        return EXIT_ERROR;
    }
    if (!o->quiet) {
        double speed = st.render_seconds > 0 ? st.audio_seconds / st.render_seconds : 0;
        cli_wrote(out, ": %s%.2f s of audio in %.2f s (%.0fx real time), peak %.1f dBFS", what,
                  st.audio_seconds, st.render_seconds, speed,
                  st.peak > 0 ? 20.0 * log10(st.peak) : -120.0);
    }
    return EXIT_OK;
}

/* The output of each piece of a multi-tune file: OUT-X by X: number, as --count names its
 * files, when every tune has its own; else OUT-1, OUT-2... by position (*by_x 0).  OUT that
 * is a device gets every tune in turn (*by_x -1): /dev/null-3.mid would be a new file in
 * /dev.  NULL: out of memory. */
static char **tune_paths(const char *out, const srnn_mode_piece_info *p, size_t n, int *by_x)
{
    struct stat st;
    if (stat(out, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        char **same = calloc(n, sizeof *same);
        for (size_t i = 0; same && i < n; i++)
            if (!(same[i] = strdup(out))) {
                for (size_t j = 0; j < i; j++)
                    free(same[j]);
                free(same);
                return NULL;
            }
        *by_x = -1;
        return same;
    }
    *by_x = 1;
    for (size_t i = 0; i < n && *by_x; i++) {
        if (p[i].x < 0)
            *by_x = 0;
        for (size_t j = 0; j < i && *by_x; j++)
            if (p[j].x == p[i].x)
                *by_x = 0;
    }
    char **paths = calloc(n, sizeof *paths);
    for (size_t i = 0; paths && i < n; i++) {
        if (!(paths[i] = cli_numbered_path(out, *by_x ? p[i].x : (int)i + 1))) {
            for (size_t j = 0; j < i; j++)
                free(paths[j]);
            free(paths);
            return NULL;
        }
    }
    return paths;
}

/* Every tune of in, each to its own file; the names are checked against the inputs before
 * anything is written. */
static int render_tunes(const char *in, const char *out, int to_wav, const char *sf,
                        const srnn_opts *o, const srnn_mode_piece_info *tunes, size_t n)
{
    struct stat st;
    if (stat(out, &st) == 0 && S_ISFIFO(st.st_mode)) {
        /* each tune would open the FIFO anew, after its reader saw the end of the first */
        char a[CLI_NAME_MAX], b[CLI_NAME_MAX];
        fprintf(stderr, "songrnn render: %s: a FIFO takes one tune (--tune X); %s holds %zu\n",
                cli_escape(out, a, sizeof a), cli_escape(in, b, sizeof b), n);
        return EXIT_USAGE;
    }
    int by_x;
    char **paths = tune_paths(out, tunes, n, &by_x);
    if (!paths) {
        cli_fail(in, "out of memory");
        return EXIT_ERROR;
    }
    int status = EXIT_OK;
    cli_inputs *inputs = cli_inputs_new(o);
    cli_inputs_add(inputs, in, 0);
    cli_inputs_add(inputs, sf, 0);
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        const char *hit = cli_inputs_find(inputs, paths[i]);
        if (hit) {
            cli_refuse_input("render", paths[i], hit);
            status = EXIT_USAGE;
        }
    }
    cli_inputs_free(inputs);
    if (status == EXIT_OK && !o->quiet) {
        char a[CLI_NAME_MAX], b[CLI_NAME_MAX];
        if (by_x < 0)
            fprintf(stderr, "songrnn: %s: %zu tunes, each in turn to %s (not a regular file)\n",
                    cli_escape(in, a, sizeof a), n, cli_escape(out, b, sizeof b));
        else
            fprintf(stderr, "songrnn: %s: %zu tunes, one file each, named by %s (--tune X "
                    "renders one tune to %s)\n", cli_escape(in, a, sizeof a), n,
                    by_x ? "X: number" : "position (X: numbers missing or repeated)",
                    cli_escape(out, b, sizeof b));
    }
    for (size_t i = 0; i < n && status != EXIT_USAGE; i++) {
        /* "X:3" (or "tune 3"), as the ABC reader labels a tune in its messages */
        char tune[32], label[CLI_NAME_MAX], what[200];
        if (tunes[i].x >= 0)
            snprintf(tune, sizeof tune, "X:%d", tunes[i].x);
        else
            snprintf(tune, sizeof tune, "tune %zu", i + 1);
        snprintf(label, sizeof label, "%s %s", in, tune);
        snprintf(what, sizeof what, "%s%s%.128s, ", tune, tunes[i].title[0] ? " " : "",
                 tunes[i].title);
        srnn_piece *piece = NULL;
        int lrc = cli_sound_load_piece(in, o, (int)i + 1, &piece);
        if (lrc != 0) {
            status = EXIT_ERROR; /* reported; the other tunes still get their files */
            continue;
        }
        if (render_piece(piece, label, paths[i], to_wav, sf, o, what) != EXIT_OK)
            status = EXIT_ERROR;
        srnn_piece_free(piece);
    }
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return status;
}

int cmd_render(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int prc = srnn_opts_parse(&o, OPT_G_COMMON | OPT_G_OUTPUT | OPT_G_RENDER, argc - 1, argv + 1,
                              "render", USAGE, stdout, stderr);
    if (prc == 1) {
        printf("\n%s", HELP_TUNES);
        return EXIT_OK;
    }
    if (prc != 0)
        return EXIT_USAGE;
    if ((prc = cli_guard_outputs("render", &o)) != 0) /* outputs that are inputs */
        return prc;
    if (o.n_pos != 1 || !o.output) {
        fprintf(stderr, "songrnn render: give one input file and -o OUT (usage: %s)\n", USAGE);
        return EXIT_USAGE;
    }
    const char *in = o.pos[0];
    const char *out = o.output;
    const char *oext = cli_extension(out);
    int to_wav = strcmp(oext, "wav") == 0;
    int to_mid = strcmp(oext, "mid") == 0 || strcmp(oext, "midi") == 0;
    if (!to_wav && !to_mid) {
        char a[CLI_NAME_MAX];
        fprintf(stderr, "songrnn render: %s: the output must be a .wav or a .mid file\n",
                cli_escape(out, a, sizeof a));
        return EXIT_USAGE;
    }

    char sf[4096];
    if (to_wav && cli_sound_soundfont(cli_sound_soundfont_for(in, &o), sf, sizeof sf) != 0)
        return EXIT_ERROR;
    /* Without --tune, a file of several tunes renders them all (one file each), never the
     * first alone without a word about the others. */
    if (!o.tune) {
        srnn_mode_opts mo;
        cli_mode_opts(&o, &mo);
        srnn_mode_piece_info *tunes = NULL;
        size_t n = 0;
        srnn_mode_error merr;
        if (srnn_mode_list_pieces(in, &mo, &tunes, &n, &merr) != SRNN_OK) {
            cli_mode_report(&merr);
            return EXIT_ERROR;
        }
        int status = n > 1 ? render_tunes(in, out, to_wav, sf, &o, tunes, n) : -1;
        free(tunes);
        if (status >= 0)
            return status;
    }
    srnn_piece *piece = NULL;
    int lrc = cli_sound_load(in, &o, &piece);
    if (lrc != 0)
        return lrc == 2 ? EXIT_USAGE : EXIT_ERROR;
    int status = render_piece(piece, in, out, to_wav, sf, &o, "");
    srnn_piece_free(piece);
    return status;
}
