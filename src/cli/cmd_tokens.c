/* songrnn tokens FILE... : the token strings of each piece, one piece a line.
 * The vocabulary is built from the files given (in notes mode bounded by --vocab), as
 * `songrnn train` would build it; its coverage report goes to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mode.h"
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
    const cli_mode *m = cli_mode_choose(&o);
    if (!m)
        return EXIT_USAGE;
    cli_docs docs = {0};
    if (cli_docs_load(m, o.pos, o.n_pos, &o, &docs) != 0) {
        cli_docs_free(&docs);
        return EXIT_ERROR;
    }
    srnn_vocab *v = NULL;
    if (m->build_vocab(&docs, &o, &v) != 0) {
        cli_docs_free(&docs);
        return EXIT_ERROR;
    }
    int status = docs.n_failed ? EXIT_ERROR : EXIT_OK;
    for (size_t i = 0; i < docs.n; i++) {
        int32_t *toks = NULL;
        size_t n = 0;
        char *line = NULL;
        srnn_error err = {0};
        if (m->encode(v, &docs.d[i], &toks, &n, &err) != SRNN_OK ||
            cli_tokens_to_text(v, toks, n, &line, &err) != SRNN_OK) {
            cli_report(docs.d[i].label, &err);
            status = EXIT_ERROR;
        } else {
            fputs(line, stdout);
        }
        free(line);
        free(toks);
    }
    srnn_vocab_free(v);
    cli_docs_free(&docs);
    if (fflush(stdout) != 0) {
        cli_fail("stdout", "write error");
        return EXIT_ERROR;
    }
    return status;
}
