/* songrnn command line: the subcommands and the small helpers they share. */
#ifndef SRNN_CLI_H
#define SRNN_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "songrnn/common.h"
#include "songrnn/mode.h"

/* Exit statuses of DESIGN §3. */
enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2 };

/* One subcommand: argv[0] is the subcommand name.  Returns an exit status. */
typedef int (*cli_command_fn)(int argc, char **argv);

int cmd_tokens(int argc, char **argv);
int cmd_roundtrip(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_play(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_heatmap(int argc, char **argv);
int cmd_eval(int argc, char **argv);

/* Prints "songrnn: FILE: message" (with ":LINE:COL" when err has a line) on stderr. */
void cli_report(const char *file, const srnn_error *err);
/* Prints "songrnn: FILE: formatted message" on stderr. */
void cli_fail(const char *file, const char *fmt, ...) SRNN_PRINTF(2, 3);

/* modeopts.c: the mode layer (songrnn/mode.h) from the command line. */
/* The options the modes read, from the command line's; reports go to cli_report. */
void cli_mode_opts(const srnn_opts *o, srnn_mode_opts *mo);
/* Prints an error of the mode layer (nothing when its reasons were reported already). */
void cli_mode_report(const srnn_mode_error *err);
/* --mode when given (NULL after a message when this build lacks it), else the mode most of
 * the inputs' extensions belong to. */
const srnn_mode_def *cli_mode_choose(const srnn_opts *o, const srnn_mode_opts *mo);
/* The line on stderr after a vocabulary is built: coverage (notes), tunes (abc), cycles
 * (tabla). */
void cli_print_vocab_stats(const srnn_docs_stats *st);
/* srnn_mode_can_write and srnn_mode_write, and "-": the mode's text on stdout.  Writing
 * reports and returns -1 on failure. */
int cli_mode_can_write(const srnn_mode_def *m, const char *path);
int cli_mode_write(const srnn_mode_def *m, const srnn_vocab *v, const srnn_mode_opts *mo,
                   const char *path, const int32_t *toks, size_t n);

/* Lower-case extension of path without the dot ("" when none), in a static buffer. */
const char *cli_extension(const char *path);
/* OUT with "-N" before its extension ("out.mid", 2 -> "out-2.mid"); malloc'ed. */
char *cli_numbered_path(const char *out, int n);

/* Progress line on stderr unless quiet; a terminal gets \r updates, a pipe whole lines. */
int cli_stderr_is_tty(void);

#endif
