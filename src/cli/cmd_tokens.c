/* songrnn tokens FILE... : the token strings of each piece, one piece a line.
 * The vocabulary is built from the files given (in notes mode bounded by --vocab), as
 * `songrnn train` would build it; its coverage report goes to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "songrnn/vocab.h"

static const char USAGE[] = "songrnn tokens FILE|FOLDER... [--mode notes|abc|tabla] [--vocab N] [--grid N]";

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
    srnn_mode_opts mo;
    cli_mode_opts(&o, &mo);
    const srnn_mode_def *m = cli_mode_choose(&o, &mo);
    if (!m)
        return EXIT_USAGE;
    srnn_docs *docs = NULL;
    srnn_mode_error merr;
    if (srnn_docs_load(m, o.pos, o.n_pos, &mo, &docs, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        return EXIT_ERROR;
    }
    srnn_vocab *v = NULL;
    srnn_docs_stats st;
    if (srnn_docs_build_vocab(docs, &mo, &v, &st, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        srnn_docs_free(docs);
        return EXIT_ERROR;
    }
    if (!o.quiet)
        cli_print_vocab_stats(&st);
    int status = srnn_docs_failed(docs) ? EXIT_ERROR : EXIT_OK;
    for (size_t i = 0; i < srnn_docs_count(docs); i++) {
        int32_t *toks = NULL;
        size_t n = 0;
        char *line = NULL;
        srnn_error err = {0};
        if (srnn_docs_encode(docs, i, v, &toks, &n, &err) != SRNN_OK ||
            srnn_mode_token_strings(v, toks, n, &line, &err) != SRNN_OK) {
            cli_report(srnn_docs_label(docs, i), &err);
            status = EXIT_ERROR;
        } else {
            fputs(line, stdout);
        }
        free(line);
        free(toks);
    }
    srnn_vocab_free(v);
    srnn_docs_free(docs);
    if (fflush(stdout) != 0) {
        cli_fail("stdout", "write error");
        return EXIT_ERROR;
    }
    return status;
}
