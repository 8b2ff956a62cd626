/* Table-driven parser for the shared options of DESIGN §3.  Values are range-checked here, so
 * every subcommand gets the same messages and a usage error always exits 2. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "songrnn/mode.h"

enum kind { K_FLAG, K_INT, K_DOUBLE, K_STR, K_CHOICE, K_CONV, K_SEED };

typedef struct opt_def {
    const char *name; /* long name without -- */
    char shortname;
    enum kind kind;
    unsigned group;
    size_t offset;
    double min, max;     /* K_INT, K_DOUBLE: inclusive range */
    const char *choices; /* K_CHOICE: '|'-separated */
    const char *metavar;
    const char *help;
} opt_def;

#define OFF(f) offsetof(srnn_opts, f)
#define BIG 1e9

static const opt_def OPTS[] = {
    {"output", 'o', K_STR, OPT_G_COMMON, OFF(output), 0, 0, NULL, "FILE", "output file (- for stdout where text)"},
    {"quiet", 'q', K_FLAG, OPT_G_COMMON, OFF(quiet), 0, 0, NULL, NULL, "no progress output"},
    {"verbose", 'v', K_FLAG, OPT_G_PLAY | OPT_G_OUTPUT, OFF(verbose), 0, 0, NULL, NULL, "let FluidSynth's own messages through"},
    {"mode", 0, K_CHOICE, OPT_G_COMMON, OFF(mode), 0, 0, "notes|abc|tabla", "M", "notes, abc or tabla (default: from file extensions)"},
    {"count", 0, K_INT, OPT_G_COUNT, OFF(count), 1, 100000, NULL, "N", "number of pieces; OUT gets -1, -2, ... before its extension"},

    {"cell", 0, K_CHOICE, OPT_G_MODEL, OFF(cell), 0, 0, "lstm|gru|rnn", "C", "recurrent cell (lstm)"},
    {"layers", 0, K_INT, OPT_G_MODEL, OFF(layers), 1, 16, NULL, "N", "stacked recurrent layers (1)"},
    {"hidden", 0, K_INT, OPT_G_MODEL, OFF(hidden), 1, 8192, NULL, "N", "units per recurrent layer (notes, abc 256; tabla 128)"},
    {"embed", 0, K_INT, OPT_G_MODEL, OFF(embed), 1, 8192, NULL, "N", "embedding size (notes 128; abc, tabla 32)"},
    {"conv", 0, K_CONV, OPT_G_MODEL, 0, 0, 0, NULL, "C:K", "causal Conv1D, C channels, kernel K; 0 for none (0)"},
    {"dropout", 0, K_DOUBLE, OPT_G_MODEL, OFF(dropout), 0, 0.99, NULL, "P", "dropout between layers (notes 0; abc 0.2; tabla 0.3)"},

    {"epochs", 0, K_INT, OPT_G_TRAIN, OFF(epochs), 1, 1000000, NULL, "N", "training epochs (50)"},
    {"max-seconds", 0, K_DOUBLE, OPT_G_TRAIN, OFF(max_seconds), 0, BIG, NULL, "S", "stop training after S seconds (0: no limit)"},
    {"seq-len", 0, K_INT, OPT_G_TRAIN, OFF(seq_len), 1, 100000, NULL, "N", "window length in tokens (notes, tabla 64; abc 100)"},
    {"batch", 0, K_INT, OPT_G_TRAIN, OFF(batch), 1, 100000, NULL, "N", "windows per batch (notes, abc 32; tabla 16)"},
    {"optimizer", 0, K_CHOICE, OPT_G_TRAIN, OFF(optimizer), 0, 0, "adam|rmsprop|adagrad|sgd", "O", "optimizer (adam)"},
    {"lr", 0, K_DOUBLE, OPT_G_TRAIN, OFF(lr), 1e-12, 100, NULL, "X", "learning rate (notes, abc 3e-3; tabla 1e-3)"},
    {"clip", 0, K_DOUBLE, OPT_G_TRAIN, OFF(clip), 0, BIG, NULL, "X", "clip gradients to this global norm; 0: off (5)"},
    {"val-split", 0, K_DOUBLE, OPT_G_TRAIN, OFF(val_split), 0, 0.9, NULL, "F", "fraction of pieces held out for validation (0.1)"},
    {"patience", 0, K_INT, OPT_G_TRAIN, OFF(patience), 0, 1000000, NULL, "N", "stop after validation loss rose N times; 0: never (3)"},
    {"resume", 0, K_FLAG, OPT_G_TRAIN, OFF(resume), 0, 0, NULL, NULL, "continue training the model in -o (also from inside an epoch)"},
    {"force", 0, K_FLAG, OPT_G_TRAIN, OFF(force), 0, 0, NULL, NULL, "replace the model in -o when it exists"},
    {"lr-schedule", 0, K_CHOICE, OPT_G_TRAIN, OFF(lr_schedule), 0, 0, "constant|cosine|plateau", "S", "learning rate along the run: cosine down to --min-lr over the epochs or --max-seconds, halved per epoch without progress, or constant (notes cosine; abc, tabla constant)"},
    {"warmup", 0, K_INT, OPT_G_TRAIN, OFF(warmup), 0, 10000000, NULL, "N", "steps of linear warm-up (notes 100; abc, tabla 0)"},
    {"min-lr", 0, K_DOUBLE, OPT_G_TRAIN, OFF(min_lr), 0, 1, NULL, "F", "cosine floor, a fraction of --lr (0.05)"},
    {"weight-decay", 0, K_DOUBLE, OPT_G_TRAIN, OFF(weight_decay), 0, 10, NULL, "X", "weight decay (decoupled for Adam, as AdamW) (0)"},
    {"checkpoint-minutes", 0, K_DOUBLE, OPT_G_TRAIN, OFF(checkpoint_minutes), 0, 1e6, NULL, "N", "also save inside an epoch every N minutes; 0: at epoch ends only (10)"},
    {"history", 0, K_STR, OPT_G_TRAIN, OFF(history), 0, 0, NULL, "FILE.csv", "write the per-epoch history as CSV"},
    {"threads", 0, K_INT, OPT_G_THREADS, OFF(threads), 0, 1024, NULL, "N", "threads (0: all cores)"},

    {"length", 0, K_INT, OPT_G_SAMPLE, OFF(length), 1, 10000000, NULL, "N", "tokens or events to generate"},
    {"temperature", 0, K_DOUBLE, OPT_G_SAMPLE, OFF(temperature), 1e-6, 100, NULL, "T", "sampling temperature, > 0 (1)"},
    {"top-k", 0, K_INT, OPT_G_SAMPLE, OFF(top_k), 0, 10000000, NULL, "K", "sample among the K likeliest tokens; 0: all"},
    {"top-p", 0, K_DOUBLE, OPT_G_SAMPLE, OFF(top_p), 1e-9, 1, NULL, "P", "nucleus sampling, 0 < P <= 1 (1)"},
    {"argmax", 0, K_FLAG, OPT_G_SAMPLE, OFF(argmax), 0, 0, NULL, NULL, "always take the likeliest token"},
    {"prime", 0, K_STR, OPT_G_SAMPLE, OFF(prime), 0, 0, NULL, "FILE", "start from the opening of this file"},
    {"prime-text", 0, K_STR, OPT_G_SAMPLE, OFF(prime_text), 0, 0, NULL, "STR", "start from these characters (abc mode; \\n for newline)"},
    {"continuation-only", 0, K_FLAG, OPT_G_SAMPLE, OFF(continuation_only), 0, 0, NULL, NULL, "with --prime: write what follows the primer, not the primer too"},
    {"key-prior", 0, K_DOUBLE, OPT_G_SAMPLE | OPT_G_EVAL, OFF(key_prior), 1, 1e6, NULL, "F", "notes: each pitch outside the key so far F times less likely, while the piece is less in key than the corpus; 1: off (4)"},
    {"repeat-prior", 0, K_DOUBLE, OPT_G_SAMPLE | OPT_G_EVAL, OFF(repeat_prior), 1, 1e6, NULL, "F", "notes: in a bar that repeats (as many as in the corpus), the bar before's rhythm F times likelier at each onset; 1: off (20)"},
    {"meter", 0, K_STR, OPT_G_SAMPLE, OFF(meter), 0, 0, NULL, "N/D", "notes: every bar in this meter (one the model learned)"},
    {"seed", 0, K_SEED, OPT_G_SAMPLE | OPT_G_TRAIN, OFF(seed), 0, 0, NULL, "S", "random seed, for reproducible runs"},

    {"tempo", 0, K_DOUBLE, OPT_G_OUTPUT, OFF(tempo), 1, 1000, NULL, "BPM", "tempo of the output"},
    {"program", 0, K_INT, OPT_G_OUTPUT, OFF(program), 0, 127, NULL, "N", "General MIDI program of the output (0: piano)"},
    {"soundfont", 0, K_STR, OPT_G_OUTPUT, OFF(soundfont), 0, 0, NULL, "FILE.sf2", "soundfont for audio (default: a Debian GM font)"},

    {"synth", 0, K_CHOICE, OPT_G_PLAY, OFF(synth), 0, 0, "fluidsynth|portmidi", "S", "fluidsynth (default) or portmidi"},
    {"port", 0, K_STR, OPT_G_PLAY, OFF(port), 0, 0, NULL, "ID|NAME", "PortMidi output port"},
    {"list-ports", 0, K_FLAG, OPT_G_PLAY, OFF(list_ports), 0, 0, NULL, NULL, "list MIDI output ports and exit"},
    {"audio-driver", 0, K_STR, OPT_G_PLAY, OFF(audio_driver), 0, 0, NULL, "NAME", "FluidSynth audio driver (pulseaudio, alsa, jack, file)"},
    {"audio-file", 0, K_STR, OPT_G_PLAY, OFF(audio_file), 0, 0, NULL, "FILE.wav", "with --audio-driver file: where live playback goes"},

    {"vocab", 0, K_INT, OPT_G_TOKENS, OFF(vocab), 200, 1000000, NULL, "N", "vocabulary bound (notes mode; default 512)"},
    {"grid", 0, K_INT, OPT_G_TOKENS, OFF(grid), 1, 960, NULL, "N", "grid steps per quarter note (12)"},
    {"velocity-bins", 0, K_INT, OPT_G_TOKENS, OFF(velocity_bins), 0, 32, NULL, "N", "velocity levels (notes: 8); 0: no velocity tokens"},
    {"velocity-scale", 0, K_CHOICE, OPT_G_TOKENS, OFF(velocity_scale), 0, 0, "quantile|fixed", "S", "velocity levels: quantile (from the corpus) or fixed (equal ranges of 1..127) (quantile)"},
    {"tokens", 0, K_CHOICE, OPT_G_TOKENS, OFF(tokens), 0, 0, "metric|timeshift", "T", "notes: metric (bars and positions) or timeshift (time shifts) (metric)"},
    {"transpose", 0, K_INT, OPT_G_TOKENS, OFF(transpose), 0, 12, NULL, "N", "notes: each epoch, each piece moved by up to +-N semitones (5); 0: off"},

    {"tune", 0, K_STR, OPT_G_RENDER, OFF(tune), 0, 0, NULL, "X", "the tune of a multi-tune ABC file (X: number); without it render writes every tune to OUT-X, play plays the first"},
    {"melody-only", 0, K_FLAG, OPT_G_RENDER, OFF(melody_only), 0, 0, NULL, NULL, "leave out ABC guitar-chord accompaniment"},

    {"seconds", 0, K_DOUBLE, OPT_G_BENCH, OFF(seconds), 0.1, BIG, NULL, "S", "time bound of the benchmark"},

    {"neuron", 0, K_INT, OPT_G_PLOT, OFF(neuron), 0, 1000000, NULL, "N", "neuron to show"},
    {"layer", 0, K_INT, OPT_G_PLOT, OFF(layer), 0, 16, NULL, "N", "layer to show"},
    {"top", 0, K_INT, OPT_G_PLOT, OFF(top), 1, 10000, NULL, "N", "show the N most variable neurons"},

    {"reference", 0, K_STR, OPT_G_EVAL, OFF(reference), 0, 0, NULL, "CORPUS", "reference corpus (file or folder)"},
    {"format", 0, K_CHOICE, OPT_G_EVAL, OFF(format), 0, 0, "table|csv|json", "F", "output format (table)"},
    {"model", 0, K_STR, OPT_G_EVAL, OFF(model), 0, 0, NULL, "MODEL", "also the model's negative log-likelihood of the pieces, per token and per note"},

    {"taal", 0, K_STR, OPT_G_TABLA, OFF(taal), 0, 0, NULL, "NAME", "taal of generated tabla (teentaal)"},
    {"cycles", 0, K_INT, OPT_G_TABLA, OFF(cycles), 1, 100000, NULL, "N", "cycles of generated tabla"},
    {"tabla-map", 0, K_CHOICE, OPT_G_OUTPUT, OFF(tabla_map), 0, 0, "tabla|gm", "MAP", "tabla strokes as the tabla soundfont's keys (default) or General MIDI percussion"},
};
#define N_OPTS (sizeof OPTS / sizeof OPTS[0])

void srnn_opts_defaults(srnn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->count = 1;
    o->cell = "lstm";
    o->layers = 2;
    o->hidden = 256;
    o->embed = 64;
    o->conv_channels = 128;
    o->conv_kernel = 3;
    o->dropout = 0.3;
    o->epochs = 50;
    o->seq_len = 100;
    o->batch = 64;
    o->optimizer = "adam";
    o->lr = 1e-3;
    o->clip = 5.0;
    o->val_split = 0.1;
    o->patience = 3;
    o->length = 0; /* 0: the mode's default */
    o->temperature = 1.0;
    o->top_p = 1.0;
    o->key_prior = SRNN_KEY_PRIOR_DEFAULT;
    o->repeat_prior = SRNN_REPEAT_PRIOR_DEFAULT;
    o->seed = -1;
    o->program = -1;
    o->grid = 12;
    o->velocity_bins = 8;
    o->tokens = "metric";
    o->velocity_scale = "quantile";
    o->transpose = 5;
    o->lr_schedule = "cosine";
    o->warmup = 100;
    o->min_lr = 0.05;
    o->checkpoint_minutes = 10;
    o->neuron = -1;
    o->layer = -1;
    o->format = "table";
}

static const opt_def *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strlen(OPTS[i].name) == len && strncmp(OPTS[i].name, name, len) == 0)
            return &OPTS[i];
    return NULL;
}

static const opt_def *find_short(char c)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (OPTS[i].shortname && OPTS[i].shortname == c)
            return &OPTS[i];
    return NULL;
}

static int in_choices(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

static int parse_int(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

static int set_value(srnn_opts *o, const opt_def *d, const char *v, const char *cmd, FILE *err)
{
    char *base = (char *)o;
    switch (d->kind) {
    case K_FLAG:
        *(int *)(base + d->offset) = 1;
        return 0;
    case K_STR:
        *(const char **)(base + d->offset) = v;
        return 0;
    case K_CHOICE:
        if (!in_choices(d->choices, v)) {
            fprintf(err, "songrnn %s: --%s: '%s' is not one of %s\n", cmd, d->name, v, d->choices);
            return 2;
        }
        *(const char **)(base + d->offset) = v;
        return 0;
    case K_INT: {
        long long x;
        if (parse_int(v, &x) != 0) {
            fprintf(err, "songrnn %s: --%s: '%s' is not a whole number\n", cmd, d->name, v);
            return 2;
        }
        if (x < d->min || x > d->max) {
            fprintf(err, "songrnn %s: --%s: %lld is outside %.0f..%.0f\n", cmd, d->name, x, d->min,
                    d->max);
            return 2;
        }
        *(int *)(base + d->offset) = (int)x;
        return 0;
    }
    case K_SEED: {
        long long x;
        if (parse_int(v, &x) != 0 || x < 0) {
            fprintf(err, "songrnn %s: --%s: '%s' is not a whole number >= 0\n", cmd, d->name, v);
            return 2;
        }
        *(long long *)(base + d->offset) = x;
        return 0;
    }
    case K_DOUBLE: {
        char *end;
        errno = 0;
        double x = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(x)) {
            fprintf(err, "songrnn %s: --%s: '%s' is not a number\n", cmd, d->name, v);
            return 2;
        }
        if (x < d->min || x > d->max) {
            fprintf(err, "songrnn %s: --%s: %g is outside %g..%g\n", cmd, d->name, x, d->min,
                    d->max);
            return 2;
        }
        *(double *)(base + d->offset) = x;
        return 0;
    }
    case K_CONV: {
        long long c = 0, k = 3;
        const char *colon = strchr(v, ':');
        char buf[32];
        int bad = 0;
        if (colon) {
            size_t n = (size_t)(colon - v);
            if (n >= sizeof buf)
                bad = 1;
            else {
                memcpy(buf, v, n);
                buf[n] = 0;
                bad = parse_int(buf, &c) != 0 || parse_int(colon + 1, &k) != 0;
            }
        } else {
            bad = parse_int(v, &c) != 0;
        }
        if (bad || c < 0 || c > 8192 || k < 1 || k > 64 || (c > 0 && !colon && 0)) {
            fprintf(err, "songrnn %s: --conv: '%s' is not C:K (channels 0..8192, kernel 1..64)\n",
                    cmd, v);
            return 2;
        }
        o->conv_channels = (int)c;
        o->conv_kernel = (int)k;
        return 0;
    }
    }
    return 2;
}

void srnn_opts_print_help(FILE *out, unsigned groups)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt_def *d = &OPTS[i];
        if (!(d->group & groups))
            continue;
        char left[64];
        if (d->shortname)
            snprintf(left, sizeof left, "-%c, --%s%s%s", d->shortname, d->name, d->metavar ? " " : "",
                     d->metavar ? d->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", d->name, d->metavar ? " " : "",
                     d->metavar ? d->metavar : "");
        fprintf(out, "  %-28s %s\n", left, d->help);
    }
    fprintf(out, "  %-28s %s\n", "-h, --help", "this help");
}

int srnn_opts_parse(srnn_opts *o, unsigned groups, int argc, char **argv, const char *cmd,
                    const char *usage, FILE *out, FILE *err)
{
    groups |= OPT_G_COMMON;
    int only_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->n_pos >= OPT_MAX_POSITIONAL) {
                fprintf(err, "songrnn %s: too many arguments\n", cmd);
                return 2;
            }
            o->pos[o->n_pos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fprintf(out, "usage: %s\n\noptions:\n", usage);
            srnn_opts_print_help(out, groups);
            return 1;
        }
        const opt_def *d = NULL;
        const char *inline_val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            d = find_long(name, eq ? (size_t)(eq - name) : strlen(name));
            if (eq)
                inline_val = eq + 1;
        } else if (a[2] == 0) {
            d = find_short(a[1]);
        } else {
            /* -oFILE */
            d = find_short(a[1]);
            if (d && d->kind != K_FLAG)
                inline_val = a + 2;
            else
                d = NULL;
        }
        if (!d || !(d->group & groups)) {
            fprintf(err, "songrnn %s: unknown option '%s' (see songrnn %s --help)\n", cmd, a, cmd);
            return 2;
        }
        const char *v = NULL;
        if (d->kind == K_FLAG) {
            if (inline_val) {
                fprintf(err, "songrnn %s: --%s takes no value\n", cmd, d->name);
                return 2;
            }
        } else if (inline_val) {
            v = inline_val;
        } else {
            if (i + 1 >= argc) {
                fprintf(err, "songrnn %s: --%s needs a value\n", cmd, d->name);
                return 2;
            }
            v = argv[++i];
        }
        int rc = set_value(o, d, v, cmd, err);
        if (rc)
            return rc;
        o->given[d - OPTS] = 1;
    }
    return 0;
}

int srnn_opts_given(const srnn_opts *o, const char *name)
{
    const opt_def *d = find_long(name, strlen(name));
    return d ? o->given[d - OPTS] : 0;
}
