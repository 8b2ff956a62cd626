/* songrnn tokens FILE... : the token strings of each piece, one piece a line.
 * In notes mode the vocabulary is built from the files given (bounded by --vocab), as
 * `songrnn train` would build it; the coverage report goes to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "corpus.h"
#include "songrnn/vocab.h"

static const char USAGE[] = "songrnn tokens FILE|FOLDER... [--mode notes] [--vocab N] [--grid N]";

int cmd_tokens(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_TOKENS, argc - 1, argv + 1, "tokens", USAGE, stdout,
                             stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if (o.n_pos == 0) {
        fprintf(stderr, "songrnn tokens: no input files\nusage: %s\n", USAGE);
        return EXIT_USAGE;
    }
    if (o.mode && strcmp(o.mode, "notes") != 0) {
        fprintf(stderr, "songrnn tokens: --mode %s is not available yet\n", o.mode);
        return EXIT_USAGE;
    }

    cli_corpus c = {0};
    if (cli_corpus_load_midi(&c, o.pos, o.n_pos, o.quiet) != 0)
        return EXIT_ERROR;
    srnn_vocab *v = NULL;
    srnn_coverage cov;
    if (cli_build_notes_vocab(&c, &o, &v, &cov) != 0) {
        cli_corpus_free(&c);
        return EXIT_ERROR;
    }
    if (!o.quiet)
        cli_print_coverage(&cov, srnn_vocab_size(v));

    int status = c.n_failed ? EXIT_ERROR : EXIT_OK;
    for (size_t i = 0; i < c.n; i++) {
        int32_t *toks = NULL;
        size_t n = 0;
        srnn_error err = {0};
        if (srnn_notes_encode(v, c.pieces[i], &toks, &n, &err) != SRNN_OK) {
            cli_report(c.paths[i], &err);
            status = EXIT_ERROR;
            continue;
        }
        for (size_t t = 0; t < n; t++) {
            fputs(srnn_vocab_token(v, toks[t]), stdout);
            fputc(t + 1 < n ? ' ' : '\n', stdout);
        }
        free(toks);
    }
    srnn_vocab_free(v);
    cli_corpus_free(&c);
    if (fflush(stdout) != 0) {
        cli_fail("stdout", "write error");
        return EXIT_ERROR;
    }
    return status;
}
