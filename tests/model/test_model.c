/* The model as a whole: save and load give back the same network (same weights bit for bit,
 * same outputs), vocabulary, optimizer state and history; a file whose parts disagree with
 * its config is refused; the parameter count formula agrees with the network's own. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "songrnn/model.h"
#include "songrnn/nn.h"
#include "songrnn/vocab.h"

static srnn_vocab *abc_vocab(void)
{
    static const char *const toks[] = {"<start>", "<end>", "a", "b", "c", "d", "e", "|", "\n",
                                       " ", "X", ":"};
    srnn_vocab *v = NULL;
    srnn_error err;
    int rc = srnn_vocab_new_from_tokens(SRNN_MODE_ABC, toks, 12, &v, &err);
    CHECK_MSG(rc == 0, "%s", err.msg);
    return v;
}

static void small_config(srnn_model_config *cfg)
{
    srnn_model_config_defaults(cfg);
    cfg->net.embed = 4;
    cfg->net.conv_channels = 3;
    cfg->net.conv_kernel = 2;
    cfg->net.layers = 2;
    cfg->net.hidden = 5;
    cfg->net.dropout = 0.1;
    cfg->train.seed = 42;
    cfg->train.epoch = 3;
    cfg->train.step = 300;
    cfg->train.rng_state[2] = 77;
}

/* The same tokens through both networks give the same logits, bit for bit. */
static int same_outputs(srnn_model *a, srnn_model *b)
{
    srnn_nn *na = srnn_model_net(a), *nb = srnn_model_net(b);
    int V = srnn_model_get_config(a)->net.vocab_size;
    float *la = malloc(V * sizeof *la), *lb = malloc(V * sizeof *lb);
    srnn_error err;
    srnn_nn_step_reset(na);
    srnn_nn_step_reset(nb);
    int same = 1;
    static const int seq[] = {0, 2, 3, 4, 7, 8, 2, 1};
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
        if (srnn_nn_step(na, seq[i], la, &err) || srnn_nn_step(nb, seq[i], lb, &err)) {
            same = 0;
            break;
        }
        same &= memcmp(la, lb, V * sizeof *la) == 0;
    }
    free(la);
    free(lb);
    return same;
}

static void test_count_params(void)
{
    static const char *const cells[] = {"lstm", "gru", "rnn"};
    for (int c = 0; c < 3; c++)
        for (int conv = 0; conv <= 1; conv++)
            for (int layers = 1; layers <= 3; layers++) {
                srnn_model_netcfg n = {.vocab_size = 13, .embed = 6, .conv_channels = conv ? 7 : 0,
                                       .conv_kernel = 3, .layers = layers, .hidden = 9};
                strcpy(n.cell, cells[c]);
                srnn_nn_config nc = {.vocab = 13, .embed = 6, .conv_channels = conv ? 7 : 0,
                                     .conv_kernel = 3, .cell = (srnn_cell)c, .layers = layers,
                                     .hidden = 9};
                srnn_nn *nn = NULL;
                srnn_error err;
                CHECK_MSG(srnn_nn_create(&nn, &nc, &err) == 0, "%s", err.msg);
                size_t want = nn ? srnn_nn_num_params(nn) : 0;
                CHECK_MSG(srnn_model_count_params(&n) == want, "%s conv %d layers %d: %zu vs %zu",
                          cells[c], conv, layers, srnn_model_count_params(&n), want);
                srnn_nn_free(nn);
            }
    /* By hand, DESIGN §3's reference model: V 400, E 64, conv 128:3, 2 x LSTM 256.
     * 400*64 + 128*3*64 + 128 + [4*256*(128+256) + 8*256] + [4*256*512 + 8*256]
     * + 400*256 + 400 = 25600 + 24704 + 395264 + 526336 + 102800 = 1074704. */
    srnn_model_netcfg ref = {.cell = "lstm", .vocab_size = 400, .embed = 64, .conv_channels = 128,
                             .conv_kernel = 3, .layers = 2, .hidden = 256};
    CHECK(srnn_model_count_params(&ref) == 1074704);
    ref.hidden = 0;
    CHECK(srnn_model_count_params(&ref) == 0);
}

static void test_roundtrip(void)
{
    srnn_vocab *v = abc_vocab();
    srnn_model_config cfg;
    small_config(&cfg);
    strcpy(cfg.train.optimizer, "adam");
    srnn_model *a = NULL, *b = NULL;
    srnn_error err;
    CHECK_MSG(srnn_model_new(&a, &cfg, v, &err) == 0, "%s", err.msg);
    if (!a)
        return;
    CHECK(srnn_model_mode(a) == SRNN_MODE_ABC);
    CHECK(srnn_model_get_config(a)->net.vocab_size == 12);
    CHECK(srnn_model_num_params(a) == srnn_model_count_params(&srnn_model_get_config(a)->net));
    CHECK(srnn_model_optim(a) == NULL);

    /* One real optimizer step, so the state and its counter are not zero. */
    srnn_optim *opt = NULL;
    CHECK(srnn_model_optim_create(a, &opt, &err) == 0 && opt);
    srnn_nn *net = srnn_model_net(a);
    int in[2 * 4] = {0, 2, 3, 4, 0, 5, 6, 7}, tg[2 * 4] = {2, 3, 4, 1, 5, 6, 7, 1};
    float loss;
    srnn_nn_zero_grad(net);
    CHECK(srnn_nn_forward(net, in, tg, 2, 4, &loss, &err) == 0);
    CHECK(srnn_nn_backward(net, &err) == 0);
    srnn_optim_step(opt, srnn_nn_params(net), srnn_nn_grads(net));
    CHECK(srnn_optim_get_step(opt) == 1);

    srnn_history_entry h1 = {2.5, 2.75, 0.1, 0.09, 1.5, 800};
    srnn_history_entry h2 = {2.0, 2.25, 0.2, 0.19, 1.25, 800};
    CHECK(srnn_model_history_add(a, &h1) == 0);
    CHECK(srnn_model_history_add(a, &h2) == 0);
    srnn_model_train_state(a)->epoch = 2;

    char dir[] = "/tmp/srnn_model_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/m.srnn", dir);
    CHECK_MSG(srnn_model_save(a, path, 1, &err) == 0, "%s", err.msg);
    CHECK_MSG(srnn_model_load(path, &b, &err) == 0, "%s", err.msg);
    if (b) {
        const srnn_model_config *ca = srnn_model_get_config(a), *cb = srnn_model_get_config(b);
        CHECK(cb->train.epoch == 2 && cb->train.step == 300 && cb->train.rng_state[2] == 77);
        CHECK(cb->train.optim_step == 1);
        CHECK(memcmp(&ca->net, &cb->net, sizeof ca->net) == 0);
        CHECK(srnn_model_mode(b) == SRNN_MODE_ABC);
        const srnn_vocab *vb = srnn_model_vocab(b);
        CHECK(srnn_vocab_size(vb) == 12);
        for (int i = 0; i < 12; i++)
            CHECK(strcmp(srnn_vocab_token(vb, i), srnn_vocab_token(v, i)) == 0);
        CHECK(srnn_model_num_params(b) == srnn_model_num_params(a));
        CHECK(memcmp(srnn_nn_params(srnn_model_net(a)), srnn_nn_params(srnn_model_net(b)),
                     srnn_model_num_params(a) * sizeof(float)) == 0);
        CHECK(same_outputs(a, b));
        srnn_optim *ob = srnn_model_optim(b);
        CHECK(ob != NULL);
        if (ob) {
            CHECK(srnn_optim_get_step(ob) == 1);
            CHECK(srnn_optim_state_size(ob) == srnn_optim_state_size(opt));
            CHECK(memcmp(srnn_optim_state(ob), srnn_optim_state(opt),
                         srnn_optim_state_size(opt) * sizeof(float)) == 0);
        }
        size_t nh;
        const srnn_history_entry *hb = srnn_model_history(b, &nh);
        CHECK(nh == 2 && hb && memcmp(&hb[1], &h2, sizeof h2) == 0);
        /* The loaded history keeps growing. */
        CHECK(srnn_model_history_add(b, &h1) == 0);
        hb = srnn_model_history(b, &nh);
        CHECK(nh == 3 && memcmp(&hb[2], &h1, sizeof h1) == 0);
        srnn_model_free(b);
        b = NULL;
    }

    /* Without the optimizer: smaller, and no optimizer after loading. */
    unsigned char *with, *without;
    size_t n_with, n_without;
    CHECK(srnn_model_encode(a, 1, &with, &n_with, &err) == 0);
    CHECK(srnn_model_encode(a, 0, &without, &n_without, &err) == 0);
    CHECK(n_with == n_without + 12 + 8 + srnn_optim_state_size(opt) * 4);
    CHECK(srnn_model_decode(without, n_without, &b, &err) == 0);
    CHECK(b && srnn_model_optim(b) == NULL);
    if (b)
        CHECK(same_outputs(a, b));
    srnn_model_free(b);
    b = NULL;

    /* Every prefix of the whole model file refused by the model loader too. */
    int refused = 0;
    for (size_t len = 0; len < n_with; len++) {
        unsigned char *cut = malloc(len ? len : 1);
        memcpy(cut, with, len);
        if (srnn_model_decode(cut, len, &b, &err) == SRNN_EINPUT && b == NULL)
            refused++;
        srnn_model_free(b);
        b = NULL;
        free(cut);
    }
    CHECK_MSG(refused == (int)n_with, "%d of %zu prefixes refused", refused, n_with);
    free(with);
    free(without);

    unlink(path);
    rmdir(dir);
    srnn_model_free(a);
    srnn_vocab_free(v);
}

/* A file whose checksum is right but whose parts disagree: changed through the codec. */
typedef void (*tamper_fn)(srnn_modelfile *mf);

static void t_mode(srnn_modelfile *mf) { mf->config.mode = SRNN_MODE_NOTES; }
static void t_vocab_size(srnn_modelfile *mf) { mf->config.net.vocab_size = 13; }
static void t_hidden(srnn_modelfile *mf) { mf->config.net.hidden = 6; }
static void t_cell(srnn_modelfile *mf) { strcpy(mf->config.net.cell, "gru"); }
static void t_params(srnn_modelfile *mf) { mf->n_params--; }
static void t_opt_size(srnn_modelfile *mf) { mf->n_opt_state--; }
static void t_optimizer(srnn_modelfile *mf) { strcpy(mf->config.train.optimizer, "rmsprop"); }
static void t_no_optimizer(srnn_modelfile *mf) { mf->config.train.optimizer[0] = 0; }
static void t_vocab_blob(srnn_modelfile *mf) { memset(mf->vocab, 0xab, mf->vocab_size); }
static void t_nothing(srnn_modelfile *mf) { (void)mf; }

static void test_mismatch(void)
{
    srnn_vocab *v = abc_vocab();
    srnn_model_config cfg;
    small_config(&cfg);
    srnn_model *a = NULL, *b = NULL;
    srnn_error err;
    CHECK(srnn_model_new(&a, &cfg, v, &err) == 0);
    CHECK(srnn_model_optim_create(a, NULL, &err) == 0);
    unsigned char *bytes;
    size_t n;
    CHECK(srnn_model_encode(a, 1, &bytes, &n, &err) == 0);

    static const struct {
        tamper_fn fn;
        const char *needle; /* NULL: must load */
    } cases[] = {
        {t_nothing, NULL},
        {t_mode, "does not match the network"},
        {t_vocab_size, "does not match the network"},
        {t_hidden, "weights where the config needs"},
        {t_cell, "weights where the config needs"},
        {t_params, "weights where the config needs"},
        {t_opt_size, "optimizer state of"},
        {t_optimizer, "optimizer state of"}, /* RMSprop keeps 1 x n, Adam 2 x n */
        {t_no_optimizer, "optimizer state without optimizer"},
        {t_vocab_blob, "vocabulary"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        srnn_modelfile mf;
        CHECK(srnn_modelfile_decode(bytes, n, &mf, &err) == 0);
        cases[i].fn(&mf);
        unsigned char *t;
        size_t tn;
        CHECK_MSG(srnn_modelfile_encode(&mf, &t, &tn, &err) == 0, "case %zu: %s", i, err.msg);
        memset(&err, 0, sizeof err);
        int rc = srnn_model_decode(t, tn, &b, &err);
        if (!cases[i].needle) {
            CHECK_MSG(rc == 0 && b, "case %zu: %s", i, err.msg);
        } else {
            CHECK_MSG(rc == SRNN_EINPUT && b == NULL, "case %zu: rc %d", i, rc);
            CHECK_MSG(strstr(err.msg, cases[i].needle) != NULL, "case %zu: '%s'", i, err.msg);
        }
        srnn_model_free(b);
        b = NULL;
        free(t);
        srnn_modelfile_release(&mf);
    }
    free(bytes);
    srnn_model_free(a);
    srnn_vocab_free(v);
}

/* Random damage with size and checksum made right again reaches the vocabulary loader and the
 * network checks: never a crash, only EINPUT (or success when a weight changed). */
static void test_fuzz(void)
{
    srnn_vocab *v = abc_vocab();
    srnn_model_config cfg;
    small_config(&cfg);
    srnn_model *a = NULL, *b = NULL;
    srnn_error err;
    CHECK(srnn_model_new(&a, &cfg, v, &err) == 0);
    CHECK(srnn_model_optim_create(a, NULL, &err) == 0);
    unsigned char *bytes;
    size_t n;
    CHECK(srnn_model_encode(a, 1, &bytes, &n, &err) == 0);
    unsigned char *d = malloc(n);
    uint64_t s = 7;
    int bad_rc = 0, accepted = 0;
    for (int iter = 0; iter < 5000; iter++) {
        memcpy(d, bytes, n);
        for (int j = 0; j < 1 + iter % 3; j++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = 24 + (size_t)(s >> 33) % (n - 28);
            d[at] ^= (unsigned char)(1u << (s >> 61));
        }
        uint32_t crc = srnn_crc32(0, d, n - 4);
        for (int i = 0; i < 4; i++)
            d[n - 4 + i] = (unsigned char)(crc >> (8 * i));
        int rc = srnn_model_decode(d, n, &b, &err);
        bad_rc += rc != 0 && rc != SRNN_EINPUT;
        accepted += rc == 0;
        srnn_model_free(b);
        b = NULL;
    }
    CHECK(bad_rc == 0);
    CHECK(accepted > 0);
    free(d);
    free(bytes);
    srnn_model_free(a);
    srnn_vocab_free(v);
}

static void test_bad_arguments(void)
{
    srnn_vocab *v = abc_vocab();
    srnn_model_config cfg;
    small_config(&cfg);
    srnn_model *m = NULL;
    srnn_error err;
    CHECK(srnn_model_new(&m, &cfg, NULL, &err) == SRNN_EARG && m == NULL);
    cfg.net.layers = 0;
    CHECK(srnn_model_new(&m, &cfg, v, &err) == SRNN_EINPUT && m == NULL);
    CHECK(srnn_model_load("/nonexistent/dir/m.srnn", &m, &err) == SRNN_EIO && m == NULL);
    CHECK(srnn_model_save(NULL, "/tmp/x", 0, &err) == SRNN_EARG);
    srnn_model_free(NULL);
    CHECK(srnn_model_optim(NULL) == NULL);
    srnn_vocab_free(v);
}

int main(void)
{
    test_count_params();
    test_roundtrip();
    test_mismatch();
    test_fuzz();
    test_bad_arguments();
    return check_finish("test_model");
}
