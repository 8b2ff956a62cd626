/* songrnn command line: the subcommands and the small helpers they share. */
#ifndef SRNN_CLI_H
#define SRNN_CLI_H

#include <stddef.h>

#include "options.h"
#include "songrnn/common.h"

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

/* Files given on the command line, folders searched recursively (sorted) for files whose
 * extension (lower-cased, without the dot) is in exts (NULL-terminated).  A file given by name
 * is kept whatever its extension.  Returns 0, or 1 after reporting a missing path. */
typedef struct cli_files {
    char **paths;
    size_t n, cap;
} cli_files;
int cli_files_gather(cli_files *out, const char *const *args, int n_args, const char *const *exts);
void cli_files_free(cli_files *f);

/* Lower-case extension of path without the dot ("" when none), in a static buffer. */
const char *cli_extension(const char *path);
/* OUT with "-N" before its extension ("out.mid", 2 -> "out-2.mid"); malloc'ed. */
char *cli_numbered_path(const char *out, int n);

/* Progress line on stderr unless quiet; a terminal gets \r updates, a pipe whole lines. */
int cli_stderr_is_tty(void);

#endif
