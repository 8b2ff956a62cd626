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

/* Prints "songrnn: FILE: message" (with ":LINE:COL" when err has a line) on stderr.  FILE and
 * message go through cli_escape, so the message is always one line. */
void cli_report(const char *file, const srnn_error *err);
/* Prints "songrnn: FILE: formatted message" on stderr (escaped as cli_report). */
void cli_fail(const char *file, const char *fmt, ...) SRNN_PRINTF(2, 3);
/* "songrnn: wrote PATH" and the formatted rest (may be NULL), on stderr: the progress line of
 * a file written, its name escaped as cli_report's. */
void cli_wrote(const char *path, const char *fmt, ...) SRNN_PRINTF(2, 3);
/* s with control characters as C escapes (a newline as \n, others as \xHH), into buf: a file
 * name printed in a message keeps the message on one line.  Returns buf. */
#define CLI_NAME_MAX 8192
const char *cli_escape(const char *s, char *buf, size_t cap);

/* stdout.  main registers cli_stdout_check_at_exit: at exit, a write to stdout that failed (a
 * full disk, /dev/full) or a final flush that fails is "songrnn: stdout: write error (REASON)"
 * and exit status 1, for every command.  A command that sees the failure itself says it with
 * cli_stdout_failed (once: the exit check stays quiet after it) and returns 1. */
void cli_stdout_check_at_exit(void);
void cli_stdout_failed(int errnum);
/* Flushes stdout; -1 after the message when a write failed. */
int cli_stdout_flush(void);

/* ---- outputs that are inputs ----
 * Right after option parsing every command calls cli_guard_outputs.  It refuses, with one line
 * "songrnn CMD: OUT: is one of the inputs (IN); choose another output" and exit status 2,
 * an output (-o, the files -o makes: --count's OUT-N, roundtrip's FOLDER/NAME; --history,
 * --audio-file) that is the same file (device and inode, symlinks followed) as an input:
 * the positional files and the files the command reads in positional folders, --prime,
 * --reference, --soundfont.  Only outputs that exist are compared, so the usual run (a new
 * output) walks no folder.  (train --resume reads and rewrites its -o: not an input here.)
 * It refuses -o for info, bench and play, which would ignore it.  From then on a signal
 * removes the temporary files of the outputs in progress (srnn_tmp_cleanup_on_signals).
 * Returns 0 to go on, else the exit status. */
int cli_guard_outputs(const char *cmd, const srnn_opts *o);
/* The message of a refusal, for outputs a command only knows later (render's OUT-X). */
void cli_refuse_input(const char *cmd, const char *out, const char *input);
/* The set of inputs itself: files by device and inode, folders walked for the extensions of
 * o->mode (every mode's without it). */
typedef struct cli_inputs cli_inputs;
cli_inputs *cli_inputs_new(const srnn_opts *o);
void cli_inputs_add(cli_inputs *in, const char *path, int walk_folders);
/* The input path is the same file as (as it was added), or NULL. */
const char *cli_inputs_find(cli_inputs *in, const char *path);
void cli_inputs_free(cli_inputs *in);

/* modeopts.c: the mode layer (songrnn/mode.h) from the command line. */
/* The options the modes read, from the command line's; reports go to cli_report. */
void cli_mode_opts(const srnn_opts *o, srnn_mode_opts *mo);
struct srnn_model;
/* What generation from a model takes from it and from the sampling options: the corpus tempo,
 * the pitch range, --meter (checked: a usage error says why).  0, or EXIT_USAGE after a
 * message. */
int cli_mode_opts_for_model(const srnn_opts *o, const srnn_mode_def *mode,
                            const struct srnn_model *m, srnn_mode_opts *mo, const char *cmd);
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
