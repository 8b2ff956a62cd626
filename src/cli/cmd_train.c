/* songrnn train CORPUS... -o MODEL : tokenize a corpus, train the network, save the model.
 *
 * The model file is rewritten (atomically) after every epoch, and inside an epoch every
 * --checkpoint-minutes and on Ctrl-C, with the optimizer state, the history, the position in
 * the epoch and the network's carried state, so `--resume` goes on exactly as an uninterrupted
 * run would.  An existing MODEL is replaced only with --force. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "songrnn/eval.h"
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
                                              "velocity-scale", "tokens", "transpose",
                                              "optimizer", "seq-len", "batch", "seed", NULL};

typedef struct train_ctx {
    srnn_model *model;
    const char *path;
    const char *history_csv;
    cli_progress progress;
    int saved; /* epochs saved in this run */
    int B;     /* the streams training runs (for the carried state of a checkpoint) */
    float *carried;
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
    tc->window = st->window;
    tc->loss_sum = st->loss_sum;
    tc->correct = st->correct;
    tc->epoch_seconds = st->epoch_seconds;
    memcpy(tc->dropout_rng, st->dropout_rng, sizeof tc->dropout_rng);
    tc->lr_scale = st->lr_scale;
}

static srnn_train_state state_of_model(const srnn_model *m)
{
    const srnn_model_traincfg *tc = &srnn_model_get_config(m)->train;
    srnn_train_state st = {.epoch = tc->epoch, .step = tc->step,
                           .best_val_loss = tc->best_val_loss, .bad_epochs = tc->bad_epochs,
                           .window = tc->window, .loss_sum = tc->loss_sum,
                           .correct = tc->correct, .epoch_seconds = tc->epoch_seconds,
                           .lr_scale = tc->lr_scale};
    memcpy(st.dropout_rng, tc->dropout_rng, sizeof st.dropout_rng);
    return st;
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

/* Inside an epoch: the model with where the epoch stands and the network's carried state. */
static int on_checkpoint(const srnn_train_state *st, void *ud)
{
    train_ctx *c = ud;
    srnn_nn *nn = srnn_model_net(c->model);
    size_t n = srnn_nn_carried_size(nn, c->B);
    copy_state_to_model(c->model, st);
    if (!srnn_nn_carried_get(nn, c->B, c->carried))
        memset(c->carried, 0, n * sizeof *c->carried); /* nothing carried yet: zeros */
    if (srnn_model_set_carried(c->model, c->carried, n, c->B) != SRNN_OK)
        return -1;
    return save_model(c);
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

/* Up to 32 windows of training tokens, drawn with the seed, for generation without a primer;
 * metric windows start at a bar line, with its meter, so they read as the start of a piece. */
static int store_primers(srnn_model *m, const srnn_dataset *ds, int seq_len, uint64_t seed)
{
    size_t len = seq_len < 64 ? (size_t)seq_len : 64;
    enum { N = 32 };
    int32_t *buf = malloc(N * len * sizeof *buf);
    if (!buf)
        return -1;
    const srnn_vocab *v = srnn_model_vocab(m);
    int bar = srnn_notes_tokens_kind(v) == SRNN_TOKENS_METRIC ? srnn_vocab_lookup(v, "Bar") : -1;
    srnn_rng rng;
    srnn_rng_seed(&rng, seed ^ 0x9121e5ULL);
    size_t got = 0;
    for (int tries = 0; got < N && tries < 8 * N; tries++) {
        size_t np = srnn_dataset_pieces(ds), n;
        if (np == 0)
            break;
        const int32_t *p = srnn_dataset_piece(ds, (size_t)srnn_rng_below(&rng, np), &n);
        if (n < len)
            continue;
        size_t at = (size_t)srnn_rng_below(&rng, n - len + 1);
        if (bar >= 0) {
            while (at < n && p[at] != bar)
                at++;
            if (srnn_notes_window(v, p, n, at, buf + got * len, len) < len)
                continue; /* the piece ends first */
        } else {
            memcpy(buf + got * len, p + at, len * sizeof *buf);
        }
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

/* The model's settings: the mode's defaults (srnn_mode_model_defaults), then the options the
 * user gave. */
static void config_from_options(srnn_model_config *cfg, const srnn_mode_def *mode,
                                const srnn_opts *o, const srnn_mode_opts *mo, uint64_t seed)
{
    srnn_mode_model_defaults(mode, cfg);
#define GIVEN(name) srnn_opts_given(o, name)
    if (GIVEN("cell"))
        snprintf(cfg->net.cell, sizeof cfg->net.cell, "%s", o->cell);
    if (GIVEN("embed"))
        cfg->net.embed = o->embed;
    if (GIVEN("conv")) {
        cfg->net.conv_channels = o->conv_channels;
        cfg->net.conv_kernel = o->conv_kernel;
    }
    if (GIVEN("layers"))
        cfg->net.layers = o->layers;
    if (GIVEN("hidden"))
        cfg->net.hidden = o->hidden;
    if (GIVEN("dropout"))
        cfg->net.dropout = o->dropout;
    if (GIVEN("grid"))
        cfg->tok.grid = o->grid;
    if (GIVEN("vocab"))
        cfg->tok.max_vocab = o->vocab;
    if (GIVEN("velocity-bins"))
        cfg->tok.velocity_bins = o->velocity_bins;
    if (GIVEN("velocity-scale"))
        cfg->tok.velocity_scale = mo->velocity_scale; /* parsed by cli_mode_opts */
    if (GIVEN("tokens"))
        cfg->tok.tokens = mo->tokens;
    if (GIVEN("transpose"))
        cfg->tok.transpose = o->transpose;
    if (GIVEN("seq-len"))
        cfg->train.seq_len = o->seq_len;
    if (GIVEN("batch"))
        cfg->train.batch = o->batch;
    if (GIVEN("optimizer"))
        snprintf(cfg->train.optimizer, sizeof cfg->train.optimizer, "%s", o->optimizer);
    if (GIVEN("lr"))
        cfg->train.lr = o->lr;
    if (GIVEN("clip"))
        cfg->train.clip = o->clip;
    if (GIVEN("val-split"))
        cfg->train.val_split = o->val_split;
    if (GIVEN("patience"))
        cfg->train.patience = o->patience;
    if (GIVEN("epochs"))
        cfg->train.epochs = o->epochs;
    if (GIVEN("max-seconds"))
        cfg->train.max_seconds = o->max_seconds;
    if (GIVEN("lr-schedule"))
        cfg->train.lr_schedule = strcmp(o->lr_schedule, "cosine") == 0    ? SRNN_LR_COSINE
                                 : strcmp(o->lr_schedule, "plateau") == 0 ? SRNN_LR_PLATEAU
                                                                           : SRNN_LR_CONSTANT;
    if (GIVEN("warmup"))
        cfg->train.warmup = o->warmup;
    if (GIVEN("min-lr"))
        cfg->train.min_lr = o->min_lr;
    if (GIVEN("weight-decay"))
        cfg->train.weight_decay = o->weight_decay;
    if (GIVEN("checkpoint-minutes"))
        cfg->train.checkpoint_minutes = o->checkpoint_minutes;
#undef GIVEN
    cfg->train.seed = seed;
    if (mode->mode != SRNN_MODE_NOTES) /* the notes tokenizer's settings mean nothing here */
        cfg->tok.velocity_bins = cfg->tok.transpose = 0;
}

/* The settings that may change on --resume: run length, learning rate and the schedule's
 * shape, patience, clip, checkpoints. */
static void resume_options(srnn_model *model, const srnn_opts *o)
{
    srnn_model_traincfg *tc = srnn_model_train_state(model);
    if (srnn_opts_given(o, "epochs"))
        tc->epochs = o->epochs;
    if (srnn_opts_given(o, "max-seconds"))
        tc->max_seconds = o->max_seconds;
    if (srnn_opts_given(o, "patience"))
        tc->patience = o->patience;
    if (srnn_opts_given(o, "lr"))
        tc->lr = o->lr;
    if (srnn_opts_given(o, "clip"))
        tc->clip = o->clip;
    if (srnn_opts_given(o, "warmup"))
        tc->warmup = o->warmup;
    if (srnn_opts_given(o, "min-lr"))
        tc->min_lr = o->min_lr;
    if (srnn_opts_given(o, "checkpoint-minutes"))
        tc->checkpoint_minutes = o->checkpoint_minutes;
}

/* Before any work: -o must name a file in a folder that exists and takes files, and an
 * existing model is continued (--resume) or replaced (--force), never silently.  0, or the
 * exit status after a message. */
static int check_output(const srnn_opts *o)
{
    const char *out = o->output;
    size_t len = strlen(out);
    struct stat st;
    if (len == 0 || out[len - 1] == '/' || (stat(out, &st) == 0 && S_ISDIR(st.st_mode))) {
        fprintf(stderr, "songrnn train: -o %s: a folder; -o names the model file (for example "
                "-o %s%smodel.srnn)\n", out, out, len && out[len - 1] == '/' ? "" : "/");
        return EXIT_USAGE;
    }
    const char *slash = strrchr(out, '/');
    char *dir = slash ? strndup(out, (size_t)(slash - out) + (slash == out)) : strdup(".");
    if (!dir) {
        cli_fail(out, "out of memory");
        return EXIT_ERROR;
    }
    int status = 0;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_fail(out, "the folder %s does not exist", dir);
        status = EXIT_ERROR;
    } else if (access(dir, W_OK | X_OK) != 0) {
        cli_fail(out, "the folder %s does not take new files (%s)", dir, strerror(errno));
        status = EXIT_ERROR;
    }
    free(dir);
    if (status)
        return status;
    int exists = stat(out, &st) == 0;
    if (o->resume && !exists) {
        cli_fail(out, "no model to resume (train without --resume to start one)");
        return EXIT_ERROR;
    }
    if (exists && !o->resume && !o->force) {
        fprintf(stderr, "songrnn train: %s exists; --resume continues training it, --force "
                "replaces it\n", out);
        return EXIT_USAGE;
    }
    if (o->resume && o->force) {
        fprintf(stderr, "songrnn train: --resume and --force exclude each other\n");
        return EXIT_USAGE;
    }
    return 0;
}

/* When the inputs hold files of several modes, says which mode training takes and what it
 * leaves out. */
static void say_left_out(const srnn_opts *o, const srnn_mode_def *mode)
{
    size_t counts[3];
    srnn_modes_count(o->pos, o->n_pos, counts);
    char others[512] = "";
    for (int k = 0; k < 3; k++) {
        const srnn_mode_def *m = srnn_modes_get((srnn_mode)k);
        if (!m || m == mode || counts[k] == 0)
            continue;
        snprintf(others + strlen(others), sizeof others - strlen(others), "%s%zu %s%s (--mode %s)",
                 others[0] ? ", " : "", counts[k], m->what, counts[k] == 1 ? "" : "s", m->name);
    }
    if (others[0])
        fprintf(stderr, "songrnn: training in %s mode on %zu %s%s; left out: %s\n", mode->name,
                counts[mode->mode], mode->what, counts[mode->mode] == 1 ? "" : "s", others);
}

/* The pitches training sees: every piece's, moved as far as its transpositions go. */
static void pitch_range(const srnn_docs *corpus, int transpose, int *lo, int *hi)
{
    *lo = 127;
    *hi = 0;
    for (size_t i = 0; i < srnn_docs_count(corpus); i++) {
        int down = 0, up = 0, plo, phi;
        srnn_docs_transpose_limits(corpus, i, transpose, &down, &up);
        const srnn_piece *p = srnn_docs_piece(corpus, i);
        if (p && srnn_piece_pitch_range(p, &plo, &phi) == 0) {
            *lo = plo - down < *lo ? plo - down : *lo;
            *hi = phi + up > *hi ? phi + up : *hi;
        }
    }
    if (*lo > *hi)
        *lo = *hi = 0;
}

/* The share of the corpus's notes in their piece's key and of its bars repeating an earlier
 * bar's rhythm (0 when it has none). */
static void corpus_music(const srnn_docs *corpus, double *in_key, double *bar_repetition)
{
    *in_key = *bar_repetition = 0;
    srnn_music_stats st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < srnn_docs_count(corpus); i++) {
        const srnn_piece *p = srnn_docs_piece(corpus, i);
        if (p && srnn_music_stats_add(&st, p) != SRNN_OK)
            return;
    }
    if (st.notes)
        *in_key = srnn_music_in_key(&st);
    if (st.bars)
        *bar_repetition = srnn_music_bar_repetition(&st);
}

/* The corpus as training data: each piece, and in notes mode its transpositions (variants an
 * epoch may take instead).  0, or -1 after a message. */
static int corpus_dataset(const srnn_docs *corpus, const srnn_vocab *v, int transpose,
                          srnn_dataset **out)
{
    srnn_error err = {0};
    srnn_dataset *all = srnn_dataset_new();
    *out = NULL;
    if (!all)
        return -1;
    for (size_t i = 0; i < srnn_docs_count(corpus); i++) {
        int32_t *toks;
        size_t n;
        if (srnn_docs_encode(corpus, i, v, &toks, &n, &err) != SRNN_OK) {
            cli_report(srnn_docs_label(corpus, i), &err);
            continue;
        }
        int rc = srnn_dataset_add(all, toks, n);
        free(toks);
        if (rc != SRNN_OK)
            goto oom;
        int down = 0, up = 0;
        srnn_docs_transpose_limits(corpus, i, transpose, &down, &up);
        for (int t = -down; t <= up; t++) {
            if (t == 0)
                continue;
            if (srnn_docs_encode_transposed(corpus, i, v, t, &toks, &n, &err) != SRNN_OK) {
                cli_report(srnn_docs_label(corpus, i), &err);
                continue;
            }
            rc = srnn_dataset_add_variant(all, srnn_dataset_pieces(all) - 1, toks, n);
            free(toks);
            if (rc != SRNN_OK)
                goto oom;
        }
    }
    *out = all;
    return 0;
oom:
    srnn_dataset_free(all);
    cli_fail("training data", "out of memory");
    return -1;
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
    if (o.resume)
        for (const char *const *f = FIXED_ON_RESUME; *f; f++)
            if (srnn_opts_given(&o, *f)) {
                fprintf(stderr, "songrnn train: --%s cannot change when resuming: the model "
                        "keeps the settings it was created with\n", *f);
                return EXIT_USAGE;
            }
    if ((rc = check_output(&o)) != 0)
        return rc;
    srnn_mode_opts mo;
    cli_mode_opts(&o, &mo);
    const srnn_mode_def *mode = cli_mode_choose(&o, &mo);
    if (!mode)
        return EXIT_USAGE;
    if (!o.mode && !o.quiet)
        say_left_out(&o, mode);
    srnn_nn_set_threads(o.threads);

    srnn_error err = {0};
    srnn_model *model = NULL;
    srnn_vocab *vocab = NULL;
    srnn_dataset *all = NULL, *tr = NULL, *va = NULL;
    srnn_docs *corpus = NULL;
    srnn_mode_error merr;
    int status = EXIT_ERROR;
    float *carried = NULL;

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
        resume_options(model, &o);
    }

    srnn_model_config cfg;
    uint64_t seed = o.seed >= 0 ? (uint64_t)o.seed : (uint64_t)time(NULL);
    if (model)
        cfg = *srnn_model_get_config(model);
    else
        config_from_options(&cfg, mode, &o, &mo, seed);
    /* The vocabulary is built (or was) with the model's own tokenizer settings. */
    mo.grid = cfg.tok.grid;
    mo.max_vocab = cfg.tok.max_vocab;
    mo.velocity_bins = cfg.tok.velocity_bins;
    mo.tokens = cfg.tok.tokens;
    mo.velocity_scale = cfg.tok.velocity_scale;
    mo.transpose = cfg.tok.transpose;
    if (srnn_docs_load(mode, o.pos, o.n_pos, &mo, &corpus, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        goto out;
    }
    if (!model) {
        srnn_docs_stats st;
        if (srnn_docs_build_vocab(corpus, &mo, &vocab, &st, &merr) != SRNN_OK) {
            cli_mode_report(&merr);
            goto out;
        }
        if (!o.quiet)
            cli_print_vocab_stats(&st);
        cfg.tempo = srnn_docs_tempo(corpus);
        if (mode->mode == SRNN_MODE_NOTES) {
            pitch_range(corpus, cfg.tok.transpose, &cfg.tok.pitch_min, &cfg.tok.pitch_max);
            corpus_music(corpus, &cfg.in_key, &cfg.bar_repetition);
        }
        if (srnn_model_new(&model, &cfg, vocab, &err) != SRNN_OK) {
            cli_report(o.output, &err);
            goto out;
        }
    }
    const srnn_vocab *v = srnn_model_vocab(model);
    if (corpus_dataset(corpus, v, mode->mode == SRNN_MODE_NOTES ? cfg.tok.transpose : 0,
                       &all) != 0)
        goto out;
    cfg = *srnn_model_get_config(model);
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
    if (!o.quiet && srnn_dataset_pieces(va) == 0)
        fprintf(stderr, "songrnn: training on %zu piece%s (%zu tokens) without validation: too "
                "few pieces to hold one out, so the training loss judges the epochs; %zu "
                "parameters; seed %llu\n", srnn_dataset_pieces(tr),
                srnn_dataset_pieces(tr) == 1 ? "" : "s", srnn_dataset_tokens(tr),
                srnn_model_num_params(model), (unsigned long long)cfg.train.seed);
    else if (!o.quiet)
        fprintf(stderr,
                "songrnn: training on %zu pieces (%zu tokens), validating on %zu pieces (%zu "
                "tokens, unigram entropy %.4f nats); %zu parameters; seed %llu\n",
                srnn_dataset_pieces(tr), srnn_dataset_tokens(tr), srnn_dataset_pieces(va),
                srnn_dataset_tokens(va), unigram_entropy(va, srnn_vocab_size(v)),
                srnn_model_num_params(model), (unsigned long long)cfg.train.seed);

    train_ctx ctx = {.model = model, .path = o.output, .history_csv = o.history};
    ctx.B = srnn_epoch_fit_batch(tr, cfg.train.batch, cfg.train.seq_len);
    carried = malloc((srnn_nn_carried_size(srnn_model_net(model), ctx.B) + 1) * sizeof *carried);
    if (!carried)
        goto oom;
    ctx.carried = carried;
    cli_progress_init(&ctx.progress, o.quiet, cli_stderr_is_tty());
    srnn_trainer_opts topts = {
        .batch = cfg.train.batch, .seq_len = cfg.train.seq_len, .epochs = cfg.train.epochs,
        .max_seconds = cfg.train.max_seconds, .clip = cfg.train.clip,
        .patience = cfg.train.patience, .seed = cfg.train.seed,
        .lr = cfg.train.lr, .schedule = (srnn_lr_schedule)cfg.train.lr_schedule,
        .warmup = cfg.train.warmup, .min_lr = cfg.train.min_lr,
        .checkpoint_seconds = 60 * cfg.train.checkpoint_minutes,
    };
    srnn_train_state st = state_of_model(model);
    srnn_train_hooks hooks = {.progress = on_progress, .epoch_end = on_epoch,
                              .stop = &interrupted, .ud = &ctx, .checkpoint = on_checkpoint};
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
        /* The network is back at the last good point (an epoch's start or a checkpoint). */
        if (on_checkpoint(&st, &ctx) == 0)
            fprintf(stderr, "songrnn: %s: %s; the last good model (epoch %lld) is saved\n",
                    o.output, err.msg, (long long)st.epoch);
        goto out;
    case SRNN_TRAIN_INTERRUPTED:
        /* The checkpoint hook saved where training stood. */
        if (!o.quiet)
            fprintf(stderr, "\nsongrnn: interrupted; %s holds epoch %lld and %lld batches of "
                    "the next (continue with --resume)\n", o.output, (long long)st.epoch,
                    (long long)st.window);
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
    free(carried);
    srnn_dataset_free(all);
    srnn_dataset_free(tr);
    srnn_dataset_free(va);
    srnn_vocab_free(vocab);
    srnn_model_free(model);
    srnn_docs_free(corpus);
    return status;
}
