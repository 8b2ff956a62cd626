/* songrnn heatmap MODEL -o FILE.png : what single neurons do along a sequence (the seeds'
 * feature evaluation).  The sequence is generated (--length, --seed, sampling options) or given
 * (--prime FILE, --prime-text STR); the network reads it token by token and each token's cell
 * is coloured by the neuron's hidden output after reading it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "songrnn/model.h"
#include "songrnn/nn.h"
#include "songrnn/plot.h"
#include "songrnn/sample.h"
#include "songrnn/vocab.h"

static const char USAGE[] =
    "songrnn heatmap MODEL -o FILE.png [--top N | --neuron N] [--layer L] "
    "[--prime FILE | --prime-text STR] [--length N] [--seed S]";

#define DEFAULT_TOP 6
#define MAX_TOKENS 4000

/* Default length: notes events (about 2.5 tokens each), abc characters, tabla tokens. */
static int default_length(srnn_mode mode)
{
    return mode == SRNN_MODE_NOTES ? 120 : mode == SRNN_MODE_ABC ? 600 : 300;
}

/* The sequence to show: <start> then the given or generated tokens. */
static int make_sequence(const srnn_mode_def *mode, srnn_model *m, const srnn_opts *o,
                         const srnn_mode_opts *mo, int32_t **out, size_t *n, char *what,
                         size_t what_cap)
{
    const srnn_vocab *v = srnn_model_vocab(m);
    srnn_error err = {0};
    int length = o->length > 0 ? o->length : default_length(mode->mode);
    if (length > MAX_TOKENS)
        length = MAX_TOKENS; /* a picture, not a piece: bounded work */
    *out = NULL;
    *n = 0;
    if (o->prime || o->prime_text) {
        int32_t *toks = NULL;
        size_t nt = 0;
        if (o->prime_text) {
            if (srnn_mode_prime_text(mode, v, o->prime_text, &toks, &nt, &err) != SRNN_OK) {
                cli_report("--prime-text", &err);
                return -1;
            }
            snprintf(what, what_cap, "the given text");
        } else {
            srnn_docs *docs = NULL;
            srnn_mode_error merr;
            if (srnn_docs_load_file(mode, o->prime, mo, &docs, &merr) != SRNN_OK) {
                cli_mode_report(&merr);
                return -1;
            }
            int rc = srnn_docs_encode(docs, 0, v, &toks, &nt, &err);
            const char *lab = srnn_docs_label(docs, 0), *slash = strrchr(lab, '/');
            snprintf(what, what_cap, "%s", slash ? slash + 1 : lab);
            srnn_docs_free(docs);
            if (rc != SRNN_OK) {
                cli_report(o->prime, &err);
                return -1;
            }
        }
        /* Tokens shown: --length of them when given (every one, start token included). */
        size_t cap = o->length > 0 ? (size_t)o->length : MAX_TOKENS;
        int start = srnn_vocab_start_id(v);
        int32_t *seq = malloc((nt + 1) * sizeof *seq);
        if (!seq) {
            free(toks);
            cli_fail(o->prime ? o->prime : "--prime-text", "out of memory");
            return -1;
        }
        size_t k = 0;
        if (nt == 0 || toks[0] != start)
            seq[k++] = start;
        for (size_t i = 0; i < nt; i++)
            seq[k++] = toks[i];
        free(toks);
        if (k > cap)
            k = cap;
        *out = seq;
        *n = k;
        return 0;
    }
    uint64_t seed = o->seed >= 0 ? (uint64_t)o->seed : (uint64_t)time(NULL);
    srnn_generate_opts go = {
        .sample = {.temperature = o->temperature, .top_k = o->top_k, .top_p = o->top_p,
                   .argmax = o->argmax},
        .length = length,
        .seed = seed,
    };
    if (srnn_generate(srnn_model_net(m), v, &go, out, n, &err) != SRNN_OK) {
        cli_report(o->pos[0], &err);
        return -1;
    }
    if (*n > MAX_TOKENS)
        *n = MAX_TOKENS;
    snprintf(what, what_cap, "generated, seed %llu", (unsigned long long)seed);
    return 0;
}

/* The cell text of a token.  abc: the character itself (newline as a return arrow that ends
 * the line, space as an empty cell); notes and tabla: the token string. */
static const char *cell_label(const srnn_vocab *v, int id, int *newline)
{
    const char *t = srnn_vocab_token(v, id);
    *newline = 0;
    if (!t)
        return "?";
    if (srnn_vocab_mode(v) != SRNN_MODE_ABC)
        return t;
    if (strcmp(t, "<nl>") == 0) {
        *newline = 1;
        return "\xe2\x86\xb5"; /* U+21B5 */
    }
    if (strcmp(t, "<sp>") == 0 || strcmp(t, "<start>") == 0)
        return "";
    if (strcmp(t, "<end>") == 0)
        return "\xe2\x96\xa0"; /* U+25A0, a black square */
    if (t[0] == '<' && t[1])
        return "?"; /* a byte that is no character */
    return t;
}

int cmd_heatmap(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_PLOT | OPT_G_SAMPLE | OPT_G_THREADS, argc - 1, argv + 1,
                             "heatmap", USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if ((rc = cli_guard_outputs("heatmap", &o)) != 0) /* outputs that are inputs */
        return rc;
    if (o.n_pos != 1 || !o.output) {
        fprintf(stderr, "songrnn heatmap: %s\nusage: %s\n",
                o.n_pos == 0 ? "no model given" : o.n_pos > 1 ? "one model at a time"
                                                               : "no output (-o FILE.png)", USAGE);
        return EXIT_USAGE;
    }
    if (strcmp(cli_extension(o.output), "png") != 0) {
        char a[CLI_NAME_MAX];
        fprintf(stderr, "songrnn heatmap: %s: the picture is a PNG (-o FILE.png)\n",
                cli_escape(o.output, a, sizeof a));
        return EXIT_USAGE;
    }
    if (o.prime && o.prime_text) {
        fprintf(stderr, "songrnn heatmap: --prime and --prime-text exclude each other\n");
        return EXIT_USAGE;
    }
    if (o.neuron >= 0 && o.top > 0) {
        fprintf(stderr, "songrnn heatmap: --neuron and --top exclude each other\n");
        return EXIT_USAGE;
    }
    if (!srnn_plot_available()) {
        cli_fail(o.output, "built without cairo: no PNG output");
        return EXIT_ERROR;
    }

    srnn_error err = {0};
    srnn_model *m = NULL;
    srnn_mode_opts mo;
    cli_mode_opts(&o, &mo);
    srnn_mode_error merr;
    const srnn_mode_def *mode = NULL;
    if (srnn_mode_model_open(o.pos[0], &m, &mode, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        return EXIT_ERROR;
    }
    srnn_nn_set_step_threads(srnn_model_net(m), o.threads); /* 0: as many as help */
    int status = EXIT_ERROR;
    int32_t *seq = NULL;
    float *acts = NULL, *values = NULL;
    const char **labels = NULL, **titles = NULL;
    char *title_buf = NULL;
    unsigned char *breaks = NULL;
    int *idx = NULL, n_rows = 0;
    size_t n = 0;
    const srnn_model_config *cfg = srnn_model_get_config(m);
    const srnn_vocab *v = srnn_model_vocab(m);
    if (o.prime_text && !mode->has_prime_text) {
        fprintf(stderr, "songrnn heatmap: --prime-text is for text modes (abc); use --prime "
                "FILE\n");
        status = EXIT_USAGE;
        goto out;
    }
    int layer = o.layer >= 0 ? o.layer : cfg->net.layers - 1;
    if (layer >= cfg->net.layers) {
        fprintf(stderr, "songrnn heatmap: --layer %d: the model has %d recurrent layer%s "
                "(0..%d)\n", layer, cfg->net.layers, cfg->net.layers == 1 ? "" : "s",
                cfg->net.layers - 1);
        status = EXIT_USAGE;
        goto out;
    }
    if (o.neuron >= cfg->net.hidden) {
        fprintf(stderr, "songrnn heatmap: --neuron %d: layer %d has %d neurons (0..%d)\n",
                o.neuron, layer, cfg->net.hidden, cfg->net.hidden - 1);
        status = EXIT_USAGE;
        goto out;
    }
    char what[256];
    if (make_sequence(mode, m, &o, &mo, &seq, &n, what, sizeof what) != 0)
        goto out;
    int H = 0;
    if (srnn_activations_collect(srnn_model_net(m), seq, n, layer, &acts, &H, &err) != SRNN_OK) {
        cli_report(o.pos[0], &err);
        goto out;
    }
    int want = o.neuron >= 0 ? 1 : o.top > 0 ? o.top : DEFAULT_TOP;
    idx = malloc((size_t)want * sizeof *idx);
    if (!idx)
        goto oom;
    if (o.neuron >= 0) {
        idx[0] = o.neuron;
        n_rows = 1;
    } else {
        n_rows = srnn_activations_top_variable(acts, n, H, want, idx);
    }
    /* The first cell is <start>, which carries no character; it stays in abc mode (blank)
     * so that the picture shows the state the network starts from. */
    values = malloc((size_t)n_rows * n * sizeof *values);
    labels = malloc(n * sizeof *labels);
    breaks = calloc(n, 1);
    titles = calloc((size_t)n_rows, sizeof *titles);
    title_buf = malloc((size_t)n_rows * 128 + 1024);
    if (!values || !labels || !breaks || !titles || !title_buf)
        goto oom;
    for (size_t t = 0; t < n; t++) {
        int nl = 0;
        labels[t] = cell_label(v, seq[t], &nl);
        breaks[t] = (unsigned char)nl;
    }
    for (int r = 0; r < n_rows; r++) {
        double mn = INFINITY, mx = -INFINITY, mean = 0, var = 0;
        for (size_t t = 0; t < n; t++) {
            float a = acts[t * (size_t)H + (size_t)idx[r]];
            values[(size_t)r * n + t] = a;
            mn = fmin(mn, a);
            mx = fmax(mx, a);
            mean += a;
        }
        mean /= (double)n;
        for (size_t t = 0; t < n; t++) {
            double d = values[(size_t)r * n + t] - mean;
            var += d * d;
        }
        char *tb = title_buf + 1024 + (size_t)r * 128;
        snprintf(tb, 128, "neuron %d   (mean %+.2f, sd %.2f, min %+.2f, max %+.2f)", idx[r],
                 mean, sqrt(var / (double)n), mn, mx);
        titles[r] = tb;
    }
    char cell_name[8];
    snprintf(cell_name, sizeof cell_name, "%s", cfg->net.cell);
    for (char *c = cell_name; *c; c++)
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    const char *base = strrchr(o.pos[0], '/') ? strrchr(o.pos[0], '/') + 1 : o.pos[0];
    snprintf(title_buf, 1024, "%s: %s layer %d (from 0, of %d; %d units), %s%s; %zu tokens (%s)", base,
             cell_name, layer, cfg->net.layers, cfg->net.hidden,
             o.neuron >= 0 ? "one neuron" : "the most variable neurons",
             mode->mode == SRNN_MODE_ABC ? ", one character a cell" : "", n, what);
    srnn_heatmap hm = {
        .labels = labels, .breaks = breaks, .n_tokens = n, .values = values,
        .row_titles = titles, .n_rows = n_rows, .vmin = -1, .vmax = 1, .title = title_buf,
        .scale_label = "hidden state h after reading the token: -1 blue, 0 white, +1 red",
        .monospace = mode->mode == SRNN_MODE_ABC, .width = 1200,
    };
    if (srnn_plot_heatmap(o.output, &hm, &err) != SRNN_OK) {
        cli_report(o.output, &err);
        goto out;
    }
    if (!o.quiet)
        cli_wrote(o.output, " (%d neuron%s, %zu tokens)", n_rows,
                  n_rows == 1 ? "" : "s", n);
    status = EXIT_OK;
    goto out;
oom:
    cli_fail(o.output, "out of memory");
out:
    free(seq);
    free(acts);
    free(values);
    free(labels);
    free(breaks);
    free(titles);
    free(title_buf);
    free(idx);
    srnn_model_free(m);
    return status;
}
