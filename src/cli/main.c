/* songrnn: the entry point.  Reading top-down: main() picks a subcommand from COMMANDS; each
 * subcommand lives in its own file (cmd_*.c), parses the shared options and calls the library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "songrnn/nn.h"
#include "srnn_config.h"

typedef struct command {
    const char *name;
    cli_command_fn fn;
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"train", cmd_train, "train a model on a folder of MIDI files"},
    {"generate", cmd_generate, "write new pieces from a model (.mid, .wav, or tokens)"},
    {"tokens", cmd_tokens, "print the token strings of files, one piece a line"},
    {"roundtrip", cmd_roundtrip, "tokenize and detokenize a MIDI file; report what was kept"},
    {"play", cmd_play, "play a .mid or .abc file live through FluidSynth or a MIDI port"},
    {"render", cmd_render, "convert .mid/.abc to .wav (offline, FluidSynth) or to a clean .mid"},
    {"info", cmd_info, "config, vocabulary size, parameter count, training history of a model"},
    {"bench", cmd_bench, "time training and generation on synthetic tokens"},
    {"plot", cmd_plot, "training and validation loss and accuracy curves as a PNG"},
    {"heatmap", cmd_heatmap, "neuron activations along a generated or given sequence, as a PNG"},
    {"eval", cmd_eval, "objective statistics of generated MIDI against a reference corpus"},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *out)
{
    fprintf(out,
            "usage: songrnn COMMAND [OPTIONS] ...\n\n"
            "songrnn learns music from MIDI, ABC or tabla bol files and writes new music.\n\n"
            "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out, "\n'songrnn COMMAND --help' describes a command's options.\n"
                 "'songrnn --version' prints the version.\n");
}

/* OpenBLAS chooses its kernels when it is loaded, before main; where it took its slowest ones
 * for a CPU it did not recognize (common in virtual machines), run again with the core type
 * the CPU's flags allow.  A user's own OPENBLAS_CORETYPE is left alone. */
static void blas_tune(char **argv)
{
    if (getenv("OPENBLAS_CORETYPE") || getenv("SRNN_NO_BLAS_TUNE"))
        return;
    const char *core = srnn_nn_better_blas_core();
    if (!core)
        return;
    setenv("OPENBLAS_CORETYPE", core, 1);
    execv("/proc/self/exe", argv);
    /* Could not restart: go on with the kernels there are. */
}

int main(int argc, char **argv)
{
    blas_tune(argv);
    /* Whatever the command, output lost on stdout (a full disk) is an error, not success. */
    cli_stdout_check_at_exit();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("songrnn %s\n", SRNN_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, COMMANDS[i].name) == 0)
            return COMMANDS[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "songrnn: unknown command '%s' (see songrnn --help)\n", name);
    return EXIT_USAGE;
}
