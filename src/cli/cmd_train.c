/* songrnn train CORPUS... -o MODEL : tokenize a corpus, train the network, save the model.
 *
 * The model file is rewritten (atomically) after every epoch with the optimizer state and the
 * history, so an interrupted run loses at most the epoch under way and `--resume` goes on from
 * the last completed epoch exactly as an uninterrupted run would. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "progress.h"
#include "songrnn/model.h"
#include "songrnn/nn.h"
#include "songrnn/rng.h"
#include "songrnn/train.h"
#include "songrnn/vocab.h"

static const char USAGE[] = "songrnn train CORPUS... -o MODEL [--mode notes|abc|tabla] [options]";

static volatile int interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The options that shape the network or the tokens cannot change on --resume. */
static const char *const FIXED_ON_RESUME[] = {"cell", "layers", "hidden", "embed", "conv",
                                              "dropout", "vocab", "grid", "velocity-bins",
                                              "optimizer", "seq-len", "batch", "seed", NULL};

typedef struct train_ctx {
    srnn_model *model;
    const char *path;
    const char *history_csv;
    cli_progress progress;
    int saved; /* epochs saved in this run */
} train_ctx;

static int write_history_csv(const srnn_model *m, const char *path, srnn_error *err)
{
    size_t n;
    const srnn_history_entry *h = srnn_model_history(m, &n);
    size_t cap = 128 + n * 160, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    len += (size_t)snprintf(buf + len, cap - len,
                            "epoch,train_loss,val_loss,train_acc,val_acc,val_perplexity,seconds,"
                            "tokens\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%zu,%.9g,%.9g,%.9g,%.9g,%.6g,%.3f,%llu\n",
                                i + 1, h[i].train_loss, h[i].val_loss, h[i].train_acc,
                                h[i].val_acc, exp_safe(h[i].val_loss), h[i].seconds,
                                (unsigned long long)h[i].tokens);
    int rc = srnn_file_write_atomic(path, buf, len, err);
    free(buf);
    return rc;
}

static void copy_state_to_model(srnn_model *m, const srnn_train_state *st)
{
    srnn_model_traincfg *tc = srnn_model_train_state(m);
    tc->epoch = st->epoch;
    tc->step = st->step;
    tc->best_val_loss = st->best_val_loss;
    tc->bad_epochs = st->bad_epochs;
}

static int save_model(train_ctx *c)
{
    srnn_error err = {0};
    if (srnn_model_save(c->model, c->path, 1, &err) != SRNN_OK) {
        cli_report(c->path, &err);
        return -1;
    }
    if (c->history_csv && write_history_csv(c->model, c->history_csv, &err) != SRNN_OK) {
        cli_report(c->history_csv, &err);
        return -1;
    }
    return 0;
}

static void on_progress(const srnn_train_progress *p, void *ud)
{
    cli_progress_update(&((train_ctx *)ud)->progress, p);
}

static int on_epoch(const srnn_epoch_stats *s, const srnn_train_state *st, void *ud)
{
    train_ctx *c = ud;
    cli_progress_epoch(&c->progress, s);
    srnn_history_entry h = {s->train_loss, s->val_loss, s->train_acc, s->val_acc, s->seconds,
                            s->tokens};
    if (srnn_model_history_add(c->model, &h) != SRNN_OK)
        return -1;
    copy_state_to_model(c->model, st);
    if (save_model(c) != 0)
        return -1;
    c->saved++;
    return 0;
}

/* Up to 32 windows of training tokens, drawn with the seed, for generation without a primer. */
static int store_primers(srnn_model *m, const srnn_dataset *ds, int seq_len, uint64_t seed)
{
    size_t len = seq_len < 64 ? (size_t)seq_len : 64;
    enum { N = 32 };
    int32_t *buf = malloc(N * len * sizeof *buf);
    if (!buf)
        return -1;
    srnn_rng rng;
    srnn_rng_seed(&rng, seed ^ 0x9121e5ULL);
    size_t got = 0;
    for (int tries = 0; got < N && tries < 4 * N; tries++) {
        size_t np = srnn_dataset_pieces(ds), n;
        if (np == 0)
            break;
        const int32_t *p = srnn_dataset_piece(ds, (size_t)srnn_rng_below(&rng, np), &n);
        if (n < len)
            continue;
        size_t at = (size_t)srnn_rng_below(&rng, n - len + 1);
        memcpy(buf + got * len, p + at, len * sizeof *buf);
        got++;
    }
    int rc = srnn_model_set_primers(m, buf, got, len);
    free(buf);
    return rc;
}

/* Entropy (nats) of the tokens' own frequencies: the loss of a model that learned only how
 * often each token occurs, the bar a sequence model must get well below. */
static double unigram_entropy(const srnn_dataset *ds, int vocab)
{
    size_t *count = calloc((size_t)vocab, sizeof *count), total = 0;
    if (!count)
        return NAN;
    for (size_t i = 0; i < srnn_dataset_pieces(ds); i++) {
        size_t n;
        const int32_t *t = srnn_dataset_piece(ds, i, &n);
        for (size_t j = 0; j < n; j++)
            if (t[j] >= 0 && t[j] < vocab) {
                count[t[j]]++;
                total++;
            }
    }
    double h = 0;
    for (int v = 0; v < vocab; v++)
        if (count[v])
            h -= (double)count[v] / (double)total * log((double)count[v] / (double)total);
    free(count);
    return total ? h : NAN;
}

static void config_from_options(srnn_model_config *cfg, const srnn_opts *o, uint64_t seed)
{
    srnn_model_config_defaults(cfg);
    snprintf(cfg->net.cell, sizeof cfg->net.cell, "%s", o->cell);
    cfg->net.embed = o->embed;
    cfg->net.conv_channels = o->conv_channels;
    cfg->net.conv_kernel = o->conv_kernel;
    cfg->net.layers = o->layers;
    cfg->net.hidden = o->hidden;
    cfg->net.dropout = o->dropout;
    cfg->tok.grid = o->grid;
    cfg->tok.max_vocab = o->vocab ? o->vocab : 512;
    cfg->tok.velocity_bins = o->velocity_bins;
    cfg->train.seq_len = o->seq_len;
    cfg->train.batch = o->batch;
    snprintf(cfg->train.optimizer, sizeof cfg->train.optimizer, "%s", o->optimizer);
    cfg->train.lr = o->lr;
    cfg->train.clip = o->clip;
    cfg->train.val_split = o->val_split;
    cfg->train.patience = o->patience;
    cfg->train.epochs = o->epochs;
    cfg->train.max_seconds = o->max_seconds;
    cfg->train.seed = seed;
}

int cmd_train(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_MODEL | OPT_G_TRAIN | OPT_G_THREADS | OPT_G_TOKENS,
                             argc - 1, argv + 1, "train", USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if ((rc = cli_guard_outputs("train", &o)) != 0) /* outputs that are inputs */
        return rc;
    if (o.n_pos == 0 || !o.output) {
        fprintf(stderr, "songrnn train: %s\nusage: %s\n",
                o.n_pos == 0 ? "no corpus given" : "no model file (-o MODEL)", USAGE);
        return EXIT_USAGE;
    }
    srnn_mode_opts mo;
    cli_mode_opts(&o, &mo);
    const srnn_mode_def *mode = cli_mode_choose(&o, &mo);
    if (!mode)
        return EXIT_USAGE;
    if (o.resume)
        for (const char *const *f = FIXED_ON_RESUME; *f; f++)
            if (srnn_opts_given(&o, *f)) {
                fprintf(stderr, "songrnn train: --%s cannot change when resuming: the model "
                        "keeps the settings it was created with\n", *f);
                return EXIT_USAGE;
            }
    srnn_nn_set_threads(o.threads);

    srnn_error err = {0};
    srnn_model *model = NULL;
    srnn_vocab *vocab = NULL;
    srnn_dataset *all = NULL, *tr = NULL, *va = NULL;
    srnn_docs *corpus = NULL;
    srnn_mode_error merr;
    int status = EXIT_ERROR;

    if (o.resume) {
        if (srnn_model_load(o.output, &model, &err) != SRNN_OK) {
            cli_report(o.output, &err);
            return EXIT_ERROR;
        }
        if (srnn_model_mode(model) != (int)mode->mode) {
            cli_fail(o.output, "a model of mode %s cannot train on %s input",
                     srnn_mode_name((srnn_mode)srnn_model_mode(model)), mode->name);
            goto out;
        }
        srnn_model_traincfg *tc = srnn_model_train_state(model);
        if (srnn_opts_given(&o, "epochs"))
            tc->epochs = o.epochs;
        if (srnn_opts_given(&o, "max-seconds"))
            tc->max_seconds = o.max_seconds;
        if (srnn_opts_given(&o, "patience"))
            tc->patience = o.patience;
        if (srnn_opts_given(&o, "lr"))
            tc->lr = o.lr;
        if (srnn_opts_given(&o, "clip"))
            tc->clip = o.clip;
    }

    if (srnn_docs_load(mode, o.pos, o.n_pos, &mo, &corpus, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        goto out;
    }
    const srnn_vocab *v;
    srnn_model_config cfg;
    uint64_t seed = o.seed >= 0 ? (uint64_t)o.seed : (uint64_t)time(NULL);
    if (!model) {
        srnn_docs_stats st;
        if (srnn_docs_build_vocab(corpus, &mo, &vocab, &st, &merr) != SRNN_OK) {
            cli_mode_report(&merr);
            goto out;
        }
        if (!o.quiet)
            cli_print_vocab_stats(&st);
        config_from_options(&cfg, &o, seed);
        cfg.tempo = srnn_docs_tempo(corpus);
        if (srnn_model_new(&model, &cfg, vocab, &err) != SRNN_OK) {
            cli_report(o.output, &err);
            goto out;
        }
    }
    v = srnn_model_vocab(model);
    cfg = *srnn_model_get_config(model);

    all = srnn_dataset_new();
    if (!all)
        goto oom;
    for (size_t i = 0; i < srnn_docs_count(corpus); i++) {
        int32_t *toks;
        size_t n;
        if (srnn_docs_encode(corpus, i, v, &toks, &n, &err) != SRNN_OK) {
            cli_report(srnn_docs_label(corpus, i), &err);
            continue;
        }
        rc = srnn_dataset_add(all, toks, n);
        free(toks);
        if (rc != SRNN_OK)
            goto oom;
    }
    if (srnn_dataset_split(all, cfg.train.val_split, cfg.train.seed, &tr, &va, &err) != SRNN_OK) {
        cli_report(o.output, &err);
        goto out;
    }
    if (srnn_epoch_fit_batch(tr, 1, cfg.train.seq_len) == 0) {
        cli_fail(o.pos[0], "too little music to train on: %zu tokens, a window needs %d "
                 "(lower --seq-len)", srnn_dataset_tokens(tr), cfg.train.seq_len + 1);
        goto out;
    }
    if (!o.resume && store_primers(model, tr, cfg.train.seq_len, cfg.train.seed) != 0)
        goto oom;

    srnn_optim *opt;
    if (srnn_model_optim_create(model, &opt, &err) != SRNN_OK) {
        cli_report(o.output, &err);
        goto out;
    }
    if (!o.quiet)
        fprintf(stderr,
                "songrnn: training on %zu pieces (%zu tokens), validating on %zu pieces (%zu "
                "tokens, unigram entropy %.4f nats); %zu parameters; seed %llu\n",
                srnn_dataset_pieces(tr), srnn_dataset_tokens(tr), srnn_dataset_pieces(va),
                srnn_dataset_tokens(va), unigram_entropy(va, srnn_vocab_size(v)),
                srnn_model_num_params(model), (unsigned long long)cfg.train.seed);

    train_ctx ctx = {.model = model, .path = o.output, .history_csv = o.history};
    cli_progress_init(&ctx.progress, o.quiet, cli_stderr_is_tty());
    srnn_trainer_opts topts = {
        .batch = cfg.train.batch, .seq_len = cfg.train.seq_len, .epochs = cfg.train.epochs,
        .max_seconds = cfg.train.max_seconds, .clip = cfg.train.clip,
        .patience = cfg.train.patience, .seed = cfg.train.seed,
    };
    srnn_train_state st = {cfg.train.epoch, cfg.train.step, cfg.train.best_val_loss,
                           cfg.train.bad_epochs};
    srnn_train_hooks hooks = {on_progress, on_epoch, &interrupted, &ctx};
    struct sigaction sa = {0}, old;
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old);
    srnn_train_end end;
    rc = srnn_train_run(srnn_model_net(model), opt, tr, va, &topts, &st, &hooks, &end, &err);
    sigaction(SIGINT, &old, NULL);
    if (rc != SRNN_OK) {
        cli_report(o.output, &err);
        goto out;
    }
    copy_state_to_model(model, &st);
    switch (end) {
    case SRNN_TRAIN_DIVERGED:
        /* The network is back at the last epoch boundary: that is the last good model. */
        if (save_model(&ctx) == 0)
            fprintf(stderr, "songrnn: %s: %s; the last good model (epoch %lld) is saved\n",
                    o.output, err.msg, (long long)st.epoch);
        goto out;
    case SRNN_TRAIN_INTERRUPTED:
        if (save_model(&ctx) != 0)
            goto out;
        if (!o.quiet)
            fprintf(stderr, "\nsongrnn: interrupted; %s holds epoch %lld (continue with "
                    "--resume)\n", o.output, (long long)st.epoch);
        break;
    default:
        if (save_model(&ctx) != 0)
            goto out;
        if (!o.quiet)
            fprintf(stderr, "songrnn: %s after %lld epochs; best %s loss %.4f; saved %s\n",
                    end == SRNN_TRAIN_EARLY_STOP ? "stopped early (--patience)"
                    : end == SRNN_TRAIN_TIME_UP  ? "time is up (--max-seconds)"
                                                 : "done",
                    (long long)st.epoch, srnn_dataset_pieces(va) ? "validation" : "training",
                    st.best_val_loss, o.output);
    }
    status = EXIT_OK;
    goto out;
oom:
    cli_fail(o.output, "out of memory");
out:
    srnn_dataset_free(all);
    srnn_dataset_free(tr);
    srnn_dataset_free(va);
    srnn_vocab_free(vocab);
    srnn_model_free(model);
    srnn_docs_free(corpus);
    return status;
}
