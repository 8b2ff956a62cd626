/* songrnn generate MODEL -o OUT [--count N] : new pieces from a trained model.
 * OUT's extension picks the format: .mid, .wav (rendered offline through FluidSynth), or - for
 * the token strings on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "songrnn/midi.h"
#include "songrnn/model.h"
#include "songrnn/nn.h"
#include "songrnn/rng.h"
#include "songrnn/sample.h"
#include "songrnn/synth.h"
#include "songrnn/vocab.h"

static const char USAGE[] = "songrnn generate MODEL -o OUT.mid|OUT.wav|- [--count N] [options]";

#define DEFAULT_EVENTS 256

/* The primer: the opening of --prime FILE (at most one window), or one of the training windows
 * stored in the model, picked by the seed.  *keep says whether the primer belongs in the
 * output (the user's own opening does; a window of someone's training data does not). */
static int make_primer(srnn_model *m, const srnn_opts *o, uint64_t seed, int32_t **out,
                       size_t *n, int *keep)
{
    const srnn_vocab *v = srnn_model_vocab(m);
    size_t window = (size_t)srnn_model_get_config(m)->train.seq_len;
    *out = NULL;
    *n = 0;
    *keep = 0;
    if (o->prime) {
        srnn_piece *p = NULL;
        srnn_error err = {0};
        int32_t *toks = NULL;
        size_t nt = 0;
        if (srnn_midi_read(o->prime, 0, &p, &err) != SRNN_OK ||
            srnn_notes_encode(v, p, &toks, &nt, &err) != SRNN_OK) {
            cli_report(o->prime, &err);
            srnn_piece_free(p);
            return -1;
        }
        srnn_piece_free(p);
        if (nt > 0 && toks[nt - 1] == srnn_vocab_end_id(v))
            nt--; /* the opening, not a finished piece */
        *n = nt < window ? nt : window;
        *out = toks;
        *keep = 1;
        return 0;
    }
    size_t count, len;
    const uint32_t *pr = srnn_model_primers(m, &count, &len);
    if (!pr || count == 0)
        return 0; /* <start> alone */
    srnn_rng rng;
    srnn_rng_seed(&rng, seed ^ 0x7072696dULL);
    size_t k = (size_t)srnn_rng_below(&rng, count);
    *out = malloc(len * sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < len; i++)
        (*out)[i] = (int32_t)pr[k * len + i];
    *n = len;
    return 0;
}

static int write_tokens(const srnn_vocab *v, const int32_t *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputs(srnn_vocab_token(v, t[i]), stdout);
        fputc(i + 1 < n ? ' ' : '\n', stdout);
    }
    return fflush(stdout) == 0 ? 0 : -1;
}

/* Writes one generated piece to path in the format its extension asks for. */
static int write_piece(const srnn_model *m, const srnn_opts *o, const char *path,
                       const int32_t *toks, size_t n)
{
    const srnn_vocab *v = srnn_model_vocab(m);
    if (strcmp(path, "-") == 0) {
        if (write_tokens(v, toks, n) != 0) {
            cli_fail("stdout", "write error");
            return -1;
        }
        return 0;
    }
    srnn_piece *p = NULL;
    srnn_error err = {0};
    if (srnn_notes_decode(v, toks, n, &p, &err) != SRNN_OK) {
        cli_report(path, &err);
        return -1;
    }
    double bpm = o->tempo > 0 ? o->tempo : srnn_model_get_config(m)->tempo;
    if (!(bpm > 0))
        bpm = 120;
    int program = o->program >= 0 ? o->program : 0;
    int rc = 0;
    const char *ext = cli_extension(path);
    if (strcmp(ext, "wav") == 0) {
        srnn_synth_events_opts eo = {.bpm = bpm, .program = program};
        srnn_synth_event *ev = NULL;
        size_t nev = 0;
        double end = 0;
        srnn_render_opts ro;
        srnn_render_opts_init(&ro);
        ro.soundfont = o->soundfont;
        if (srnn_synth_events_from_piece(p, &eo, &ev, &nev, &end, &err) != SRNN_OK ||
            srnn_synth_render_wav(ev, nev, end, &ro, path, NULL, &err) != SRNN_OK) {
            cli_report(path, &err);
            rc = -1;
        }
        free(ev);
    } else {
        srnn_midi_write_opts wo = {.program = program, .bpm = bpm, .name = "songrnn"};
        if (srnn_piece_set_title(p, "songrnn") != SRNN_OK ||
            srnn_midi_write(path, p, &wo, &err) != SRNN_OK) {
            cli_report(path, &err);
            rc = -1;
        }
    }
    srnn_piece_free(p);
    return rc;
}

int cmd_generate(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_SAMPLE | OPT_G_OUTPUT | OPT_G_COUNT | OPT_G_THREADS,
                             argc - 1, argv + 1, "generate", USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if (o.n_pos != 1 || !o.output) {
        fprintf(stderr, "songrnn generate: %s\nusage: %s\n",
                o.n_pos == 0 ? "no model given" : o.n_pos > 1 ? "one model at a time"
                                                               : "no output (-o OUT)", USAGE);
        return EXIT_USAGE;
    }
    const char *ext = cli_extension(o.output);
    if (strcmp(o.output, "-") != 0 && strcmp(ext, "mid") != 0 && strcmp(ext, "midi") != 0 &&
        strcmp(ext, "wav") != 0) {
        fprintf(stderr, "songrnn generate: %s: a notes model writes .mid, .wav or - (tokens on "
                "stdout)\n", o.output);
        return EXIT_USAGE;
    }
    if (o.prime_text) {
        fprintf(stderr, "songrnn generate: --prime-text is for abc models; use --prime FILE.mid\n");
        return EXIT_USAGE;
    }
    srnn_nn_set_threads(o.threads ? o.threads : 1);

    srnn_error err = {0};
    srnn_model *m = NULL;
    if (srnn_model_load(o.pos[0], &m, &err) != SRNN_OK) {
        cli_report(o.pos[0], &err);
        return EXIT_ERROR;
    }
    if (srnn_model_mode(m) != SRNN_MODE_NOTES) {
        cli_fail(o.pos[0], "a model of mode %s: this version generates notes models only",
                 srnn_mode_name((srnn_mode)srnn_model_mode(m)));
        srnn_model_free(m);
        return EXIT_ERROR;
    }
    uint64_t seed = o.seed >= 0 ? (uint64_t)o.seed : (uint64_t)time(NULL);
    int status = EXIT_OK;
    for (int i = 1; i <= o.count; i++) {
        uint64_t s = seed + (uint64_t)(i - 1);
        int32_t *primer = NULL, *toks = NULL;
        size_t n_primer = 0, n = 0;
        int keep = 0;
        char *path = o.count > 1 && strcmp(o.output, "-") != 0 ? cli_numbered_path(o.output, i)
                                                                : strdup(o.output);
        if (!path || make_primer(m, &o, s, &primer, &n_primer, &keep) != 0) {
            free(path);
            status = EXIT_ERROR;
            break;
        }
        srnn_generate_opts go = {
            .sample = {.temperature = o.temperature, .top_k = o.top_k, .top_p = o.top_p,
                       .argmax = o.argmax},
            .length = o.length > 0 ? o.length : DEFAULT_EVENTS,
            .prime = primer, .n_prime = n_primer, .seed = s,
        };
        if (srnn_generate(srnn_model_net(m), srnn_model_vocab(m), &go, &toks, &n, &err) !=
            SRNN_OK) {
            cli_report(o.pos[0], &err);
            status = EXIT_ERROR;
        } else {
            /* toks = <start>, primer, continuation: keep what belongs to the output. */
            size_t skip = keep ? 0 : 1 + n_primer;
            if (write_piece(m, &o, path, toks + skip, n - skip) != 0)
                status = EXIT_ERROR;
            else if (!o.quiet && strcmp(path, "-") != 0)
                fprintf(stderr, "songrnn: wrote %s\n", path);
        }
        free(toks);
        free(primer);
        free(path);
        if (status != EXIT_OK)
            break;
    }
    srnn_model_free(m);
    return status;
}
