/* songrnn tokens FILE... [-o OUT] : the token strings of each piece, one piece a line, on
 * stdout or into OUT (written as every output is: a temporary file renamed when complete).
 * The vocabulary is built from the files given (in notes mode bounded by --vocab), as
 * `songrnn train` would build it; its coverage report goes to stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "songrnn/vocab.h"

static const char USAGE[] =
    "songrnn tokens FILE|FOLDER... [-o OUT.txt|-] [--mode notes|abc|tabla] [--vocab N] [--grid N]";

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
    if ((rc = cli_guard_outputs("tokens", &o)) != 0) /* outputs that are inputs */
        return rc;
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
    /* Opened once the input is read: a failure above leaves no temporary file. */
    int to_file = o.output && strcmp(o.output, "-") != 0;
    srnn_output file;
    srnn_error err = {0};
    FILE *out = stdout;
    if (to_file && (srnn_output_open(&file, o.output, 0, &err) != SRNN_OK ||
                    !(out = srnn_output_stream(&file, &err)))) {
        if (file.dest)
            srnn_output_abort(&file);
        cli_report(o.output, &err);
        srnn_vocab_free(v);
        srnn_docs_free(docs);
        return EXIT_ERROR;
    }
    int write_errno = 0, write_failed = 0;
    for (size_t i = 0; i < srnn_docs_count(docs) && !write_failed; i++) {
        int32_t *toks = NULL;
        size_t n = 0;
        char *line = NULL;
        if (srnn_docs_encode(docs, i, v, &toks, &n, &err) != SRNN_OK ||
            srnn_mode_token_strings(v, toks, n, &line, &err) != SRNN_OK) {
            cli_report(srnn_docs_label(docs, i), &err);
            status = EXIT_ERROR;
        } else {
            /* each write checked: on a full disk the reason is known now, and the rest of
             * the corpus is not encoded for nothing */
            errno = 0;
            if (fputs(line, out) == EOF) {
                write_errno = errno;
                write_failed = 1;
            }
        }
        free(line);
        free(toks);
    }
    srnn_vocab_free(v);
    srnn_docs_free(docs);
    if (to_file) {
        if (write_failed) {
            srnn_output_abort(&file);
            cli_fail(o.output, "cannot write: %s", strerror(write_errno ? write_errno : EIO));
            return EXIT_ERROR;
        }
        if (srnn_output_commit(&file, &err) != SRNN_OK) {
            cli_report(o.output, &err);
            return EXIT_ERROR;
        }
        if (!o.quiet)
            cli_wrote(o.output, NULL);
        return status;
    }
    if (write_failed) {
        cli_stdout_failed(write_errno);
        return EXIT_ERROR;
    }
    if (cli_stdout_flush() != 0)
        return EXIT_ERROR;
    return status;
}
