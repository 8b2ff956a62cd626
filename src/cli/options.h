/* songrnn command line: the shared options of DESIGN §3, parsed once for every subcommand. */
#ifndef SRNN_CLI_OPTIONS_H
#define SRNN_CLI_OPTIONS_H

#include <stdio.h>

/* Groups of options; each subcommand accepts some groups. */
enum {
    OPT_G_COMMON = 1 << 0, /* -o, -q, --mode, --help */
    OPT_G_MODEL = 1 << 1,  /* --cell --layers --hidden --embed --conv --dropout */
    OPT_G_TRAIN = 1 << 2,  /* --epochs ... --history */
    OPT_G_SAMPLE = 1 << 3, /* --length --temperature ... --seed */
    OPT_G_OUTPUT = 1 << 4, /* --tempo --program --soundfont */
    OPT_G_PLAY = 1 << 5,   /* --synth --port --list-ports --audio-driver --audio-file */
    OPT_G_TOKENS = 1 << 6, /* --vocab --grid --velocity-bins */
    OPT_G_RENDER = 1 << 7, /* --tune --melody-only */
    OPT_G_COUNT = 1 << 8,  /* --count */
    OPT_G_BENCH = 1 << 9,  /* --seconds */
    OPT_G_PLOT = 1 << 10,  /* --neuron --layer --top */
    OPT_G_EVAL = 1 << 11,  /* --reference --format */
    OPT_G_TABLA = 1 << 12, /* --taal --cycles */
    OPT_G_THREADS = 1 << 13, /* --threads */
};

#define OPT_MAX_POSITIONAL 4096

typedef struct srnn_opts {
    /* common */
    const char *output;  /* -o */
    const char *mode;    /* notes|abc|tabla, NULL: guess */
    int quiet;           /* -q */
    int verbose;         /* -v: the synthesizer's own messages too */
    int count;           /* --count, 1 */
    /* model */
    const char *cell;    /* lstm|gru|rnn */
    int layers, hidden, embed;
    int conv_channels, conv_kernel; /* --conv C:K, 0 channels: none */
    double dropout;
    /* training */
    int epochs;
    double max_seconds;
    int seq_len, batch;
    const char *optimizer;
    double lr, clip, val_split;
    int patience;
    int threads;
    int resume;
    int force;                 /* --force: replace an existing model */
    const char *history;
    const char *lr_schedule;   /* constant|cosine|plateau */
    int warmup;                /* steps */
    double min_lr;             /* cosine floor, a fraction of --lr */
    double weight_decay;
    double checkpoint_minutes; /* 0: only at epoch ends */
    /* sampling */
    int length;
    double temperature;
    int top_k;
    double top_p;
    int argmax;
    const char *prime, *prime_text;
    int continuation_only;     /* --continuation-only: write what follows the primer alone */
    const char *meter;         /* --meter N/D */
    double key_prior;          /* --key-prior F (notes) */
    double repeat_prior;       /* --repeat-prior F (notes, metric) */
    long long seed; /* -1: not given */
    /* output */
    double tempo; /* 0: from the model or corpus */
    int program;  /* -1: not given */
    const char *soundfont;
    /* play */
    const char *synth, *port, *audio_driver, *audio_file;
    int list_ports;
    /* tokens */
    int vocab;         /* vocabulary bound, 0: default */
    int grid;          /* steps per quarter note */
    int velocity_bins; /* 0: off */
    const char *tokens;         /* metric|timeshift */
    const char *velocity_scale; /* quantile|fixed */
    int transpose;              /* augmentation, +-semitones */
    /* render */
    const char *tune;
    int melody_only;
    /* bench */
    double seconds;
    /* heatmap */
    int neuron, layer, top;
    /* eval */
    const char *reference, *format;
    const char *model;          /* eval --model: negative log-likelihood of the pieces */
    /* tabla */
    const char *taal;
    int cycles;
    const char *tabla_map; /* tabla|gm, NULL: tabla */

    /* which options were given explicitly, by table index (for --resume and model defaults) */
    unsigned char given[128];

    int n_pos;
    const char *pos[OPT_MAX_POSITIONAL];
} srnn_opts;

/* Fills opts with defaults. */
void srnn_opts_defaults(srnn_opts *opts);

/* Parses argv (after the subcommand name).  Returns 0 on success, 1 when --help was asked
 * (usage printed to out), 2 on a usage error (message printed to err). */
int srnn_opts_parse(srnn_opts *opts, unsigned groups, int argc, char **argv, const char *cmd,
                    const char *usage, FILE *out, FILE *err);

/* Whether the option with this long name was given on the command line. */
int srnn_opts_given(const srnn_opts *opts, const char *name);

/* Prints the help of the accepted groups' options. */
void srnn_opts_print_help(FILE *out, unsigned groups);

#endif
