/* songrnn generate MODEL -o OUT [--count N] : new pieces from a trained model.
 * OUT's extension picks the format: .mid, .wav (rendered offline through FluidSynth), the
 * mode's own notation (.abc, .bol), or - for text on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "songrnn/model.h"
#include "songrnn/nn.h"
#include "songrnn/sample.h"
#include "songrnn/vocab.h"

static const char USAGE[] =
    "songrnn generate MODEL -o OUT.mid|OUT.wav|OUT.abc|OUT.bol|- [--count N] [options]";

/* toks = <start>, primer, continuation.  What is written: text modes and the tabla opening
 * keep the primer when it belongs to the output (keep) and drop it otherwise; notes decode the
 * continuation with the primer as its context (a stored training window: only the state; the
 * user's primer: written back as it was, unless --continuation-only). */
static int write_output(const srnn_mode_def *mode, srnn_model *m, srnn_mode_opts *mo,
                        const char *path, const int32_t *toks, size_t n, size_t n_primer,
                        int keep, const srnn_piece *prime_piece, const int32_t *prime_all,
                        size_t n_prime_all)
{
    const srnn_vocab *v = srnn_model_vocab(m);
    size_t skip = keep ? 0 : 1 + n_primer;
    int text = !srnn_mode_can_write(mode, path) || (mode->text_ext && strstr(path, ".") &&
                                                    strcmp(strrchr(path, '.') + 1,
                                                           mode->text_ext) == 0);
    if (mode->mode != SRNN_MODE_NOTES)
        return cli_mode_write(mode, v, mo, path, toks + skip, n - skip);
    size_t cont = 1 + n_primer; /* where the continuation starts */
    if (!prime_piece) {
        /* A stored window: it sets the decoder's state, nothing of it is written. */
        if (text)
            return cli_mode_write(mode, v, mo, path, toks + cont, n - cont);
        mo->context = n_primer;
        int rc = cli_mode_write(mode, v, mo, path, toks + 1, n - 1);
        mo->context = 0;
        return rc;
    }
    /* The user's primer: all its tokens, then the continuation. */
    int32_t *all = malloc((n_prime_all + n - cont + 1) * sizeof *all);
    if (!all) {
        cli_fail(path, "out of memory");
        return -1;
    }
    memcpy(all, prime_all, n_prime_all * sizeof *all);
    memcpy(all + n_prime_all, toks + cont, (n - cont) * sizeof *all);
    size_t n_all = n_prime_all + n - cont;
    int rc;
    if (text) {
        size_t from = mo->continuation_only ? n_prime_all : 0;
        rc = cli_mode_write(mode, v, mo, path, all + from, n_all - from);
    } else {
        mo->context = n_prime_all;
        mo->prime_piece = prime_piece;
        rc = cli_mode_write(mode, v, mo, path, all, n_all);
        mo->context = 0;
        mo->prime_piece = NULL;
    }
    free(all);
    return rc;
}

int cmd_generate(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_SAMPLE | OPT_G_OUTPUT | OPT_G_COUNT | OPT_G_THREADS |
                             OPT_G_RENDER | OPT_G_TABLA,
                             argc - 1, argv + 1, "generate", USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if ((rc = cli_guard_outputs("generate", &o)) != 0) /* outputs that are inputs */
        return rc;
    if (o.n_pos != 1 || !o.output) {
        fprintf(stderr, "songrnn generate: %s\nusage: %s\n",
                o.n_pos == 0 ? "no model given" : o.n_pos > 1 ? "one model at a time"
                                                               : "no output (-o OUT)", USAGE);
        return EXIT_USAGE;
    }
    if (o.prime && o.prime_text) {
        fprintf(stderr, "songrnn generate: --prime and --prime-text exclude each other\n");
        return EXIT_USAGE;
    }

    srnn_error err = {0};
    srnn_mode_error merr;
    srnn_mode_opts mo;
    cli_mode_opts(&o, &mo);
    srnn_model *m = NULL;
    const srnn_mode_def *mode = NULL;
    if (srnn_mode_model_open(o.pos[0], &m, &mode, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        return EXIT_ERROR;
    }
    mo.continuation_only = o.continuation_only;
    srnn_piece *prime_piece = NULL;
    int32_t *prime_all = NULL;
    size_t n_prime_all = 0;
    srnn_nn_set_step_threads(srnn_model_net(m), o.threads); /* 0: as many as help */
    int status = EXIT_OK;
    if (!cli_mode_can_write(mode, o.output)) {
        fprintf(stderr, "songrnn generate: %s: a %s model writes .mid, .wav%s%s or - (text on "
                "stdout)\n", o.output, mode->name, mode->text_ext ? ", ." : "",
                mode->text_ext ? mode->text_ext : "");
        status = EXIT_USAGE;
        goto out;
    }
    if ((status = cli_mode_opts_for_model(&o, mode, m, &mo, "generate")) != 0)
        goto out;
    if (o.continuation_only && !o.prime) {
        fprintf(stderr, "songrnn generate: --continuation-only goes with --prime FILE\n");
        status = EXIT_USAGE;
        goto out;
    }
    /* A notes primer is written back as it was, then its continuation. */
    if (o.prime && mode->mode == SRNN_MODE_NOTES &&
        srnn_mode_primer_piece(mode, srnn_model_vocab(m), &mo, &prime_piece, &prime_all,
                               &n_prime_all, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        status = EXIT_ERROR;
        goto out;
    }
    if (o.prime_text && !mode->has_prime_text) {
        fprintf(stderr, "songrnn generate: --prime-text is for text modes (abc); use --prime "
                "FILE\n");
        status = EXIT_USAGE;
        goto out;
    }
    uint64_t seed = o.seed >= 0 ? (uint64_t)o.seed : (uint64_t)time(NULL);
    for (int i = 1; i <= o.count && status == EXIT_OK; i++) {
        uint64_t s = seed + (uint64_t)(i - 1);
        int32_t *primer = NULL, *toks = NULL;
        size_t n_primer = 0, n = 0;
        int keep = 0;
        char *path = o.count > 1 && strcmp(o.output, "-") != 0 ? cli_numbered_path(o.output, i)
                                                                : strdup(o.output);
        if (!path) {
            status = EXIT_ERROR;
            break;
        }
        if (srnn_mode_primer(mode, m, &mo, s, &primer, &n_primer, &keep, &merr) != SRNN_OK) {
            cli_mode_report(&merr);
            free(path);
            status = EXIT_ERROR;
            break;
        }
        srnn_generate_opts go = {
            .sample = {.temperature = o.temperature, .top_k = o.top_k, .top_p = o.top_p,
                       .argmax = o.argmax},
            .length = o.length > 0 ? o.length : mode->default_length,
            .prime = primer, .n_prime = n_primer, .seed = s,
        };
        srnn_mode_gen *gen = NULL;
        int grc = srnn_mode_gen_begin(mode, srnn_model_vocab(m), &mo, &go, &gen, &merr);
        if (grc != SRNN_OK) {
            cli_mode_report(&merr);
            status = grc == SRNN_EARG ? EXIT_USAGE : EXIT_ERROR;
        } else if (srnn_generate(srnn_model_net(m), srnn_model_vocab(m), &go, &toks, &n, &err) !=
                   SRNN_OK) {
            cli_report(o.pos[0], &err);
            status = EXIT_ERROR;
        } else if (write_output(mode, m, &mo, path, toks, n, n_primer, keep, prime_piece,
                                prime_all, n_prime_all) != 0) {
            status = EXIT_ERROR;
        } else if (!o.quiet && strcmp(path, "-") != 0) {
            fprintf(stderr, "songrnn: wrote %s\n", path);
        }
        srnn_mode_gen_end(gen);
        free(toks);
        free(primer);
        free(path);
    }
out:
    srnn_piece_free(prime_piece);
    free(prime_all);
    srnn_model_free(m);
    return status;
}
