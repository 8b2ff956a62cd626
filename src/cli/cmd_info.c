/* songrnn info MODEL... : what a model file holds (config, vocabulary, parameter count,
 * training history), after checking it whole. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "songrnn/model.h"
#include "songrnn/vocab.h"

static const char USAGE[] = "songrnn info MODEL...";

/* 1234567 -> "1,234,567" */
static const char *grouped(unsigned long long v, char *buf, size_t cap)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = 0;
    return buf;
}

static void upper(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
    dst[i] = 0;
}

static void print_history(const srnn_history_entry *h, size_t n)
{
    if (n == 0) {
        printf("history:      none (not trained yet)\n");
        return;
    }
    double seconds = 0;
    unsigned long long tokens = 0;
    size_t best = n;
    for (size_t i = 0; i < n; i++) {
        seconds += h[i].seconds;
        tokens += h[i].tokens;
        if (isfinite(h[i].val_loss) && (best == n || h[i].val_loss < h[best].val_loss))
            best = i;
    }
    char tb[32];
    printf("history:      %zu epoch%s, %.1f s, %s training tokens\n", n, n == 1 ? "" : "s",
           seconds, grouped(tokens, tb, sizeof tb));
    if (best < n)
        printf("best epoch:   %zu (val loss %.4f, val acc %.4f)\n", best + 1, h[best].val_loss,
               h[best].val_acc);
    /* The last epochs: enough to see the trend without flooding the terminal. */
    size_t from = n > 10 ? n - 10 : 0;
    printf("  %6s %10s %10s %9s %9s %9s %12s\n", "epoch", "train loss", "val loss", "train acc",
           "val acc", "seconds", "tokens");
    if (from > 0)
        printf("  %6s\n", "...");
    for (size_t i = from; i < n; i++)
        printf("  %6zu %10.4f %10.4f %9.4f %9.4f %9.1f %12llu\n", i + 1, h[i].train_loss,
               h[i].val_loss, h[i].train_acc, h[i].val_acc, h[i].seconds,
               (unsigned long long)h[i].tokens);
}

static int info_one(const char *path)
{
    srnn_model *m = NULL;
    srnn_error err = {0};
    if (srnn_model_load(path, &m, &err) != SRNN_OK) {
        cli_report(path, &err);
        return EXIT_ERROR;
    }
    const srnn_model_config *c = srnn_model_get_config(m);
    const srnn_model_netcfg *n = &c->net;
    const srnn_model_traincfg *t = &c->train;
    struct stat st;
    long long bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
    char b1[32], b2[32], cell[8];

    printf("model:        %s\n", path);
    printf("format:       songrnn model file, version %d, %lld bytes%s\n",
           srnn_model_file_version(m), bytes,
           srnn_model_file_version(m) < SRNN_MODELFILE_VERSION
               ? " (an earlier version: read as it is; a save writes the current one)" : "");
    printf("mode:         %s\n", srnn_mode_name((srnn_mode)c->mode));
    printf("vocabulary:   %d tokens\n", srnn_vocab_size(srnn_model_vocab(m)));
    upper(cell, n->cell, sizeof cell);
    printf("network:      embedding %d", n->embed);
    if (n->conv_channels > 0)
        printf(", conv %d:%d + ReLU", n->conv_channels, n->conv_kernel);
    printf(", %d x %s %d, dropout %g, dense %d\n", n->layers, cell, n->hidden, n->dropout,
           n->vocab_size);
    size_t np = srnn_model_num_params(m);
    printf("parameters:   %s (%.2f MB float32)\n", grouped(np, b1, sizeof b1),
           (double)np * 4.0 / 1e6);
    if (c->mode == SRNN_MODE_NOTES) {
        const srnn_vocab *v = srnn_model_vocab(m);
        int metric = srnn_notes_tokens_kind(v) == SRNN_TOKENS_METRIC;
        printf("tokenizer:    %s, grid %d steps a quarter note, vocabulary bound %d",
               metric ? "metric (bars, positions)" : "timeshift", c->tok.grid, c->tok.max_vocab);
        if (c->tok.transpose)
            printf(", transposed by up to %d semitones", c->tok.transpose);
        printf("\n");
        int levels = srnn_notes_velocity_bins(v);
        printf("velocity:     ");
        if (levels == 0)
            printf("none (every note at 80)\n");
        for (int k = 0; k < levels; k++)
            printf("%s%d%s", k ? " " : "", srnn_notes_velocity_level(v, k),
                   k + 1 == levels ? "" : "");
        if (levels)
            printf(" (%d level%s%s)\n", levels, levels == 1 ? "" : "s",
                   levels == 1 ? ": the corpus plays at one velocity" : "");
        if (metric) {
            printf("meters:       ");
            int num, den;
            for (int k = 0; srnn_notes_meter(v, k, &num, &den) >= 0; k++)
                printf("%s%d/%d", k ? " " : "", num, den);
            printf(" (most frequent first)\n");
        }
        if (c->tok.pitch_max > 0)
            printf("pitches:      %d..%d (sampling stays inside)\n", c->tok.pitch_min,
                   c->tok.pitch_max);
    }
    if (c->tempo > 0)
        printf("tempo:        %g BPM\n", c->tempo);
    if (c->in_key > 0)
        printf("in key:       %.1f%% of the corpus's notes (sampling keeps to it)\n",
               100 * c->in_key);
    if (c->bar_repetition > 0)
        printf("repetition:   %.1f%% of the corpus's bars repeat an earlier bar's rhythm (as "
               "many generated bars repeat the one before)\n", 100 * c->bar_repetition);
    static const char *const SCHED[] = {"constant", "cosine", "plateau"};
    printf("training:     %s lr %g (%s, warm-up %d steps), weight decay %g, clip %g, seq-len %d, "
           "batch %d, val-split %g, patience %d, seed %llu\n",
           t->optimizer[0] ? t->optimizer : "-", t->lr,
           t->lr_schedule >= 0 && t->lr_schedule <= 2 ? SCHED[t->lr_schedule] : "?", t->warmup,
           t->weight_decay, t->clip, t->seq_len, t->batch, t->val_split, t->patience,
           (unsigned long long)t->seed);
    printf("progress:     %s epochs, %s steps", grouped((unsigned long long)t->epoch, b1,
           sizeof b1), grouped((unsigned long long)t->step, b2, sizeof b2));
    if (t->window > 0)
        printf(", and %lld batches into epoch %lld", (long long)t->window,
               (long long)t->epoch + 1);
    printf("; %s\n", srnn_model_optim(m) ? "optimizer state saved (--resume continues exactly)"
                                         : "no optimizer state (--resume restarts the optimizer)");
    size_t nh;
    const srnn_history_entry *h = srnn_model_history(m, &nh);
    print_history(h, nh);
    srnn_model_free(m);
    return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, 0, argc - 1, argv + 1, "info", USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if ((rc = cli_guard_outputs("info", &o)) != 0) /* outputs that are inputs */
        return rc;
    if (o.n_pos == 0) {
        fprintf(stderr, "songrnn info: no model file\nusage: %s\n", USAGE);
        return EXIT_USAGE;
    }
    int status = EXIT_OK;
    for (int i = 0; i < o.n_pos; i++) {
        if (i > 0)
            printf("\n");
        if (info_one(o.pos[i]) != EXIT_OK)
            status = EXIT_ERROR;
    }
    return status;
}
