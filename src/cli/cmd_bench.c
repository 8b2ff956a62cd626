/* songrnn bench: times training and generation of the network on synthetic random tokens.
 * Defaults: the reference model of DESIGN §3 (vocabulary 400, embedding 64, Conv1D 128:3 +
 * ReLU, 2 x LSTM 256, dropout 0.3, dense 400, sequence 100, batch 64, Adam 1e-3, float32, every
 * position a target).  About 60% of --seconds trains, the rest generates (batch 1, sampling
 * every token from the softmax).  Output: "key: value" lines on stdout. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"
#include "songrnn/nn.h"

static const char USAGE[] = "songrnn bench [--seconds S] [--threads N] [model and training options]";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return ru.ru_maxrss / 1024.0; /* Linux: kilobytes */
}

int cmd_bench(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_COMMON | OPT_G_MODEL | OPT_G_TRAIN | OPT_G_BENCH |
                                     OPT_G_THREADS,
                             argc - 1, argv + 1, "bench", USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc != 0)
        return EXIT_USAGE;
    if ((rc = cli_guard_outputs("bench", &o)) != 0) /* -o would be ignored */
        return rc;
    if (o.n_pos > 0) {
        fprintf(stderr, "songrnn bench: no file arguments expected\n%s\n", USAGE);
        return EXIT_USAGE;
    }

    srnn_nn_config cfg = {.vocab = 400, .embed = 64, .conv_channels = 128, .conv_kernel = 3,
                          .cell = SRNN_CELL_LSTM, .layers = 2, .hidden = 256, .dropout = 0.3};
    if (srnn_opts_given(&o, "cell"))
        cfg.cell = (srnn_cell)srnn_cell_parse(o.cell);
    if (srnn_opts_given(&o, "layers"))
        cfg.layers = o.layers;
    if (srnn_opts_given(&o, "hidden"))
        cfg.hidden = o.hidden;
    if (srnn_opts_given(&o, "embed"))
        cfg.embed = o.embed;
    if (srnn_opts_given(&o, "conv")) {
        cfg.conv_channels = o.conv_channels;
        cfg.conv_kernel = o.conv_kernel;
    }
    if (srnn_opts_given(&o, "dropout"))
        cfg.dropout = o.dropout;
    int T = srnn_opts_given(&o, "seq-len") ? o.seq_len : 100;
    int B = srnn_opts_given(&o, "batch") ? o.batch : 64;
    double seconds = srnn_opts_given(&o, "seconds") ? o.seconds : 10;
    int threads = srnn_opts_given(&o, "threads") ? o.threads : 0;
    uint64_t seed = o.seed >= 0 ? (uint64_t)o.seed : 1;

    srnn_nn_set_threads(threads);
    srnn_error err = {0};
    srnn_nn *nn = NULL;
    srnn_optim *opt = NULL;
    if (srnn_nn_create(&nn, &cfg, &err) != 0) {
        cli_report("bench", &err);
        return EXIT_ERROR;
    }
    srnn_nn_init(nn, seed);
    srnn_optim_config oc;
    int kind = o.optimizer ? srnn_optim_parse(o.optimizer) : SRNN_OPTIM_ADAM;
    srnn_optim_defaults(&oc, kind < 0 ? SRNN_OPTIM_ADAM : (srnn_optim_kind)kind);
    oc.lr = srnn_opts_given(&o, "lr") ? o.lr : 1e-3;
    size_t np = srnn_nn_num_params(nn);
    size_t n = (size_t)B * (T + 1);
    int *tok = malloc(n * sizeof *tok), *in = malloc((size_t)B * T * sizeof *in),
        *tg = malloc((size_t)B * T * sizeof *tg);
    float *logits = malloc((size_t)cfg.vocab * sizeof *logits);
    if (srnn_optim_create(&opt, &oc, np, &err) != 0 || !tok || !in || !tg || !logits) {
        if (!err.msg[0])
            snprintf(err.msg, sizeof err.msg, "out of memory");
        cli_report("bench", &err);
        srnn_optim_free(opt), srnn_nn_free(nn), free(tok), free(in), free(tg), free(logits);
        return EXIT_ERROR;
    }
    if (!o.quiet)
        fprintf(stderr, "bench: %s %d x %d, embed %d, conv %d:%d, dropout %.2f, vocab %d, "
                        "%zu parameters; batch %d x %d, %d thread(s)\n",
                srnn_cell_name(cfg.cell), cfg.layers, cfg.hidden, cfg.embed, cfg.conv_channels,
                cfg.conv_kernel, cfg.dropout, cfg.vocab, np, B, T, threads);

    /* training: random streams; each window's targets are its inputs shifted by one */
    uint64_t rs = seed;
    srnn_nn_set_training(nn, 1);
    double train_budget = seconds * 0.6, t0 = 0, elapsed = 0, loss_sum = 0;
    long batches = -1; /* the first batch warms up (allocations, threads) and is not timed */
    int status = EXIT_OK;
    while (batches < 1 || elapsed < train_budget) {
        for (size_t i = 0; i < n; i++)
            tok[i] = (int)(next_u64(&rs) % (uint64_t)cfg.vocab);
        for (int b = 0; b < B; b++) {
            memcpy(in + (size_t)b * T, tok + (size_t)b * (T + 1), (size_t)T * sizeof *in);
            memcpy(tg + (size_t)b * T, tok + (size_t)b * (T + 1) + 1, (size_t)T * sizeof *tg);
        }
        float loss;
        srnn_nn_zero_grad(nn);
        if (srnn_nn_forward(nn, in, tg, B, T, &loss, &err) != 0 ||
            srnn_nn_backward(nn, &err) != 0) {
            cli_report("bench", &err);
            status = EXIT_ERROR;
            break;
        }
        srnn_optim_step(opt, srnn_nn_params(nn), srnn_nn_grads(nn));
        if (batches < 0)
            t0 = now_s();
        else
            loss_sum += loss;
        batches++;
        elapsed = now_s() - t0;
    }
    double train_tps = status == EXIT_OK ? (double)batches * B * T / elapsed : 0;
    double train_rss = peak_rss_mb();

    /* generation: batch 1, softmax sampling of every token */
    srnn_nn_set_step_threads(nn, threads);
    srnn_nn_step_reset(nn);
    int token = 0;
    long gen = 0;
    double gen_budget = seconds - train_budget, ge = 0;
    t0 = now_s();
    while (status == EXIT_OK && (gen < 100 || ge < gen_budget)) {
        if (srnn_nn_step(nn, token, logits, &err) != 0) {
            cli_report("bench", &err);
            status = EXIT_ERROR;
            break;
        }
        float mx = logits[0];
        for (int v = 1; v < cfg.vocab; v++)
            mx = logits[v] > mx ? logits[v] : mx;
        double sum = 0;
        for (int v = 0; v < cfg.vocab; v++)
            sum += (logits[v] = expf(logits[v] - mx));
        double u = (double)(next_u64(&rs) >> 11) * 0x1.0p-53 * sum, acc = 0;
        token = cfg.vocab - 1;
        for (int v = 0; v < cfg.vocab; v++) {
            acc += logits[v];
            if (acc > u) {
                token = v;
                break;
            }
        }
        gen++;
        if ((gen & 63) == 0)
            ge = now_s() - t0;
    }
    ge = now_s() - t0;
    double gen_tps = status == EXIT_OK ? gen / ge : 0;

    if (status == EXIT_OK) {
        double mac = srnn_nn_flops_per_token(nn);
        printf("parameters: %zu\n", np);
        printf("train_tokens_per_s: %.0f\n", train_tps);
        printf("generate_tokens_per_s: %.0f\n", gen_tps);
        printf("generate_threads: %d\n", srnn_nn_step_threads(nn));
        printf("train_peak_rss_mb: %.1f\n", train_rss);
        /* forward 2 FLOPs per multiply-add; backward twice the forward */
        printf("train_gflops: %.2f\n", train_tps * mac * 6 / 1e9);
        printf("generate_gflops: %.2f\n", gen_tps * mac * 2 / 1e9);
        printf("sgemm_gflops: %.2f\n", srnn_nn_gemm_gflops(1024, 0.5));
        printf("sgemv_tokens_per_s: %.0f\n", srnn_nn_gemv_tokens_per_s(nn, 0.5));
        const char *core = getenv("OPENBLAS_CORETYPE");
        printf("blas_coretype: %s\n", core && *core ? core : "default");
        printf("step_kernel: %s\n", srnn_nn_step_kernel());
        printf("train_batches: %ld\n", batches);
        printf("train_mean_loss: %.4f\n", batches > 0 ? loss_sum / batches : 0);
        fflush(stdout);
    }
    srnn_optim_free(opt);
    srnn_nn_free(nn);
    free(tok), free(in), free(tg), free(logits);
    return status;
}
