/* songrnn render IN -o OUT : a .mid or .abc file to a clean .mid or to a .wav rendered offline
 * through FluidSynth, much faster than real time.  Also holds the input loader that play
 * shares (cli_sound_load, through srnn_mode_read_piece). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_render.h"
#include "songrnn/midi.h"
#include "songrnn/synth.h"

static const char USAGE[] =
    "songrnn render IN.mid|IN.abc -o OUT.wav|OUT.mid [--soundfont FILE.sf2] [--program N] "
    "[--tempo BPM] [--tune X]";

int cli_sound_load(const char *path, const srnn_opts *o, srnn_piece **out)
{
    srnn_mode_opts mo;
    cli_mode_opts(o, &mo);
    srnn_mode_error err;
    int rc = srnn_mode_read_piece(path, &mo, out, &err);
    if (rc != SRNN_OK) {
        cli_mode_report(&err);
        return rc == SRNN_EARG ? 2 : 1;
    }
    return 0;
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

int cmd_render(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int prc = srnn_opts_parse(&o, OPT_G_COMMON | OPT_G_OUTPUT | OPT_G_RENDER, argc - 1, argv + 1,
                              "render", USAGE, stdout, stderr);
    if (prc == 1)
        return EXIT_OK;
    if (prc != 0)
        return EXIT_USAGE;
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
        fprintf(stderr, "songrnn render: %s: the output must be a .wav or a .mid file\n", out);
        return EXIT_USAGE;
    }

    char sf[4096];
    if (to_wav && cli_sound_soundfont(cli_sound_soundfont_for(in, &o), sf, sizeof sf) != 0)
        return EXIT_ERROR;
    srnn_piece *piece = NULL;
    int lrc = cli_sound_load(in, &o, &piece);
    if (lrc != 0)
        return lrc == 2 ? EXIT_USAGE : EXIT_ERROR;

    srnn_error err = {0};
    int status = EXIT_OK;
    if (to_mid) {
        srnn_midi_write_opts w = {0};
        w.program = o.program;
        w.bpm = o.tempo;
        if (srnn_midi_write(out, piece, &w, &err) != 0) {
            cli_report(out, &err);
            status = EXIT_ERROR;
        } else if (!o.quiet) {
            fprintf(stderr, "songrnn: wrote %s (%zu notes)\n", out, srnn_piece_note_count(piece));
        }
        srnn_piece_free(piece);
        return status;
    }

    srnn_synth_events_opts eo = {o.tempo, o.program};
    srnn_synth_event *ev = NULL;
    size_t n = 0;
    double end = 0;
    if (srnn_synth_events_from_piece(piece, &eo, &ev, &n, &end, &err) != 0) {
        cli_report(in, &err);
        srnn_piece_free(piece);
        return EXIT_ERROR;
    }
    srnn_piece_free(piece);
    srnn_render_opts ro;
    srnn_render_opts_init(&ro);
    ro.soundfont = sf;
    ro.verbose = o.verbose;
    srnn_render_stats st;
    if (srnn_synth_render_wav(ev, n, end, &ro, out, &st, &err) != 0) {
        cli_report(out, &err);
        status = EXIT_ERROR;
    } else if (!o.quiet) {
        double speed = st.render_seconds > 0 ? st.audio_seconds / st.render_seconds : 0;
        fprintf(stderr,
                "songrnn: wrote %s: %.2f s of audio in %.2f s (%.0fx real time), peak %.1f dBFS\n",
                out, st.audio_seconds, st.render_seconds, speed,
                st.peak > 0 ? 20.0 * log10(st.peak) : -120.0);
    }
    free(ev);
    return status;
}
