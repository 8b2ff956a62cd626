/* The model file codec: round trip of every field, truncation at every offset, every byte
 * flip, foreign files, a newer version, hostile lengths in files whose checksum is right (built
 * here by hand from the format description, not by the encoder), and atomic saving. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "songrnn/model.h"

/* ---- a sample model file ------------------------------------------------------------------- */

static void sample(srnn_modelfile *mf, int with_extras)
{
    memset(mf, 0, sizeof *mf);
    srnn_model_config *c = &mf->config;
    srnn_model_config_defaults(c);
    /* Every field differs from its default, so a field the codec forgets shows. */
    c->mode = 2;
    strcpy(c->net.cell, "gru");
    c->net.vocab_size = 37;
    c->net.embed = 5;
    c->net.conv_channels = 7;
    c->net.conv_kernel = 4;
    c->net.layers = 3;
    c->net.hidden = 11;
    c->net.dropout = 0.125;
    c->net.forget_bias = 1.5;
    c->tok.grid = 24;
    c->tok.max_vocab = 999;
    c->tok.velocity_bins = 4;
    c->train.seq_len = 77;
    c->train.batch = 9;
    strcpy(c->train.optimizer, "rmsprop");
    c->train.lr = 3.25e-4;
    c->train.clip = 0.75;
    c->train.val_split = 0.2;
    c->train.momentum = 0.9;
    c->train.beta1 = 0.8;
    c->train.beta2 = 0.99;
    c->train.alpha = 0.95;
    c->train.eps = 1e-7;
    c->train.patience = 6;
    c->train.epochs = 123;
    c->train.max_seconds = 3600.5;
    c->train.seed = 0xfedcba9876543210ull;
    c->train.epoch = 17;
    c->train.step = 5000000000ll;
    c->train.optim_step = 4999999999ll;
    c->train.rng_state[0] = 1;
    c->train.rng_state[1] = 0x8000000000000000ull;
    c->train.rng_state[2] = UINT64_MAX;
    c->train.rng_state[3] = 0x0123456789abcdefull;
    c->train.best_val_loss = 1.0 / 3.0;
    c->train.bad_epochs = 2;
    c->tempo = 132.5;

    mf->vocab_size = 300;
    mf->vocab = malloc(mf->vocab_size);
    for (size_t i = 0; i < mf->vocab_size; i++)
        mf->vocab[i] = (unsigned char)(i * 7 + 3);
    mf->n_params = 200;
    mf->params = malloc(mf->n_params * sizeof(float));
    for (size_t i = 0; i < mf->n_params; i++)
        mf->params[i] = (float)i * 0.01f - 1.0f;
    mf->params[0] = -0.0f;
    mf->params[1] = 1e-42f; /* subnormal */
    mf->params[2] = 3.4028235e38f;
    if (!with_extras)
        return;
    mf->n_opt_state = 400;
    mf->opt_state = malloc(mf->n_opt_state * sizeof(float));
    for (size_t i = 0; i < mf->n_opt_state; i++)
        mf->opt_state[i] = 1.0f / (float)(i + 1);
    mf->n_history = 3;
    mf->history = calloc(3, sizeof *mf->history);
    for (size_t i = 0; i < 3; i++) {
        mf->history[i].train_loss = 4.0 - (double)i;
        mf->history[i].val_loss = 4.5 - (double)i;
        mf->history[i].train_acc = 0.1 * (double)(i + 1);
        mf->history[i].val_acc = 0.09 * (double)(i + 1);
        mf->history[i].seconds = 12.25 + (double)i;
        mf->history[i].tokens = 1000000000000ull + i;
    }
    mf->history[2].val_loss = NAN; /* no validation that epoch */
    mf->n_primers = 3;
    mf->primer_len = 4;
    mf->primers = malloc(12 * sizeof *mf->primers);
    for (size_t i = 0; i < 12; i++)
        mf->primers[i] = (uint32_t)(i * 3 + 1);
}

static int same_bits(const void *a, const void *b, size_t n)
{
    return (a == NULL && b == NULL) || (a && b && memcmp(a, b, n) == 0);
}

static void check_equal(const srnn_modelfile *a, const srnn_modelfile *b)
{
    const srnn_model_config *x = &a->config, *y = &b->config;
    CHECK(x->mode == y->mode);
    CHECK(strcmp(x->net.cell, y->net.cell) == 0);
    CHECK(x->net.vocab_size == y->net.vocab_size);
    CHECK(x->net.embed == y->net.embed);
    CHECK(x->net.conv_channels == y->net.conv_channels);
    CHECK(x->net.conv_kernel == y->net.conv_kernel);
    CHECK(x->net.layers == y->net.layers);
    CHECK(x->net.hidden == y->net.hidden);
    CHECK(x->net.dropout == y->net.dropout);
    CHECK(x->net.forget_bias == y->net.forget_bias);
    CHECK(x->tok.grid == y->tok.grid);
    CHECK(x->tok.max_vocab == y->tok.max_vocab);
    CHECK(x->tok.velocity_bins == y->tok.velocity_bins);
    CHECK(x->train.seq_len == y->train.seq_len);
    CHECK(x->train.batch == y->train.batch);
    CHECK(strcmp(x->train.optimizer, y->train.optimizer) == 0);
    CHECK(x->train.lr == y->train.lr);
    CHECK(x->train.clip == y->train.clip);
    CHECK(x->train.val_split == y->train.val_split);
    CHECK(x->train.momentum == y->train.momentum);
    CHECK(x->train.beta1 == y->train.beta1);
    CHECK(x->train.beta2 == y->train.beta2);
    CHECK(x->train.alpha == y->train.alpha);
    CHECK(x->train.eps == y->train.eps);
    CHECK(x->train.patience == y->train.patience);
    CHECK(x->train.epochs == y->train.epochs);
    CHECK(x->train.max_seconds == y->train.max_seconds);
    CHECK(x->train.seed == y->train.seed);
    CHECK(x->train.epoch == y->train.epoch);
    CHECK(x->train.step == y->train.step);
    CHECK(x->train.optim_step == y->train.optim_step);
    for (int i = 0; i < 4; i++)
        CHECK(x->train.rng_state[i] == y->train.rng_state[i]);
    CHECK(x->train.best_val_loss == y->train.best_val_loss);
    CHECK(x->train.bad_epochs == y->train.bad_epochs);
    CHECK(x->tempo == y->tempo);
    /* Both went through srnn_model_config_defaults (memset), so padding agrees too: this
     * catches any field added to the struct but not to the codec's table. */
    CHECK(memcmp(x, y, sizeof *x) == 0);

    CHECK(a->vocab_size == b->vocab_size);
    CHECK(same_bits(a->vocab, b->vocab, a->vocab_size));
    CHECK(a->n_params == b->n_params);
    CHECK(same_bits(a->params, b->params, a->n_params * sizeof(float)));
    CHECK(a->n_opt_state == b->n_opt_state);
    CHECK(same_bits(a->opt_state, b->opt_state, a->n_opt_state * sizeof(float)));
    CHECK(a->n_history == b->n_history);
    CHECK(same_bits(a->history, b->history, a->n_history * sizeof *a->history));
}

static void test_crc(void)
{
    /* The standard check value of CRC-32/ISO-HDLC (zlib.crc32(b"123456789")). */
    CHECK(srnn_crc32(0, "123456789", 9) == 0xCBF43926u);
    CHECK(srnn_crc32(srnn_crc32(0, "1234", 4), "56789", 5) == 0xCBF43926u);
    CHECK(srnn_crc32(0, "", 0) == 0);
}

static void test_roundtrip(void)
{
    for (int extras = 0; extras <= 1; extras++) {
        srnn_modelfile a, b;
        srnn_error err = {0};
        sample(&a, extras);
        unsigned char *bytes = NULL, *bytes2 = NULL;
        size_t n = 0, n2 = 0;
        CHECK(srnn_modelfile_encode(&a, &bytes, &n, &err) == 0);
        CHECK(srnn_modelfile_encode(&a, &bytes2, &n2, &err) == 0);
        CHECK(n == n2 && bytes && bytes2 && memcmp(bytes, bytes2, n) == 0); /* deterministic */
        CHECK_MSG(srnn_modelfile_decode(bytes, n, &b, &err) == 0, "%s", err.msg);
        check_equal(&a, &b);
        if (!extras) {
            CHECK(b.opt_state == NULL && b.n_opt_state == 0);
            CHECK(b.history == NULL && b.n_history == 0);
            CHECK(b.primers == NULL && b.n_primers == 0);
        } else {
            CHECK(b.n_primers == 3 && b.primer_len == 4 && b.primers &&
                  b.primers[0] == 1 && b.primers[11] == 34);
        }
        /* The header by hand: magic, version 2, total size. */
        CHECK(n > 28 && memcmp(bytes, "\x89songrnn\r\n\x1a\n", 12) == 0);
        CHECK(bytes[12] == 2 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] == 0);
        uint64_t total = 0;
        for (int i = 0; i < 8; i++)
            total |= (uint64_t)bytes[16 + i] << (8 * i);
        CHECK(total == n);
        CHECK(memcmp(bytes + 24, "CONF", 4) == 0);
        free(bytes);
        free(bytes2);
        srnn_modelfile_release(&a);
        srnn_modelfile_release(&b);
        CHECK(b.params == NULL && b.n_params == 0);
    }
    /* An empty optimizer state (SGD without momentum) is still a state: kept as present. */
    srnn_modelfile a, b;
    srnn_error err;
    sample(&a, 0);
    a.opt_state = malloc(1);
    a.n_opt_state = 0;
    unsigned char *bytes;
    size_t n;
    CHECK(srnn_modelfile_encode(&a, &bytes, &n, &err) == 0);
    CHECK(srnn_modelfile_decode(bytes, n, &b, &err) == 0);
    CHECK(b.opt_state != NULL && b.n_opt_state == 0);
    free(bytes);
    srnn_modelfile_release(&a);
    srnn_modelfile_release(&b);
}

/* Every prefix of a valid file is refused, mf left empty; the prefix is its own allocation, so
 * a sanitizer build sees any read past it. */
static void test_truncation(void)
{
    srnn_modelfile a, b;
    srnn_error err;
    sample(&a, 1);
    unsigned char *bytes;
    size_t n;
    CHECK(srnn_modelfile_encode(&a, &bytes, &n, &err) == 0);
    int refused = 0, cleared = 0, said = 0;
    for (size_t len = 0; len < n; len++) {
        unsigned char *cut = malloc(len ? len : 1);
        memcpy(cut, bytes, len);
        memset(&err, 0, sizeof err);
        int rc = srnn_modelfile_decode(cut, len, &b, &err);
        refused += rc == SRNN_EINPUT;
        cleared += b.params == NULL && b.vocab == NULL && b.history == NULL;
        said += err.msg[0] != 0 && strchr(err.msg, '\n') == NULL;
        if (rc == 0)
            srnn_modelfile_release(&b);
        free(cut);
    }
    CHECK_MSG(refused == (int)n, "%d of %zu prefixes refused", refused, n);
    CHECK(cleared == (int)n);
    CHECK(said == (int)n);
    /* Past the magic, a prefix is called truncated. */
    memset(&err, 0, sizeof err);
    CHECK(srnn_modelfile_decode(bytes, n - 1, &b, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "truncated") != NULL, "%s", err.msg);
    /* Trailing garbage is refused as well. */
    unsigned char *longer = malloc(n + 1);
    memcpy(longer, bytes, n);
    longer[n] = 0;
    CHECK(srnn_modelfile_decode(longer, n + 1, &b, &err) == SRNN_EINPUT);
    free(longer);
    free(bytes);
    srnn_modelfile_release(&a);
}

/* Every byte of a valid file, changed in each single bit and inverted whole, is refused. */
static void test_flips(void)
{
    srnn_modelfile a, b;
    srnn_error err;
    sample(&a, 1);
    unsigned char *bytes;
    size_t n;
    CHECK(srnn_modelfile_encode(&a, &bytes, &n, &err) == 0);
    static const unsigned char masks[] = {1, 2, 4, 8, 16, 32, 64, 128, 0xff, 0x5a};
    size_t tries = 0, refused = 0, checksum_said = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof masks; k++) {
            bytes[i] ^= masks[k];
            memset(&err, 0, sizeof err);
            int rc = srnn_modelfile_decode(bytes, n, &b, &err);
            tries++;
            refused += rc == SRNN_EINPUT && err.msg[0];
            checksum_said += strstr(err.msg, "checksum") != NULL;
            if (rc == 0)
                srnn_modelfile_release(&b);
            bytes[i] ^= masks[k];
        }
    CHECK_MSG(refused == tries, "%zu of %zu flips refused", refused, tries);
    /* Outside the magic and the size field, the checksum is what catches it. */
    CHECK(checksum_said == (n - 20) * sizeof masks);
    /* The unchanged file still decodes (the loop restored every byte). */
    CHECK(srnn_modelfile_decode(bytes, n, &b, &err) == 0);
    srnn_modelfile_release(&b);
    free(bytes);
    srnn_modelfile_release(&a);
}

/* Random damage with the size and checksum made right again, so that it reaches the section
 * parser: never a crash, never an error code other than EINPUT. */
static void test_fuzz(void)
{
    srnn_modelfile a, b;
    srnn_error err;
    sample(&a, 1);
    unsigned char *bytes;
    size_t n;
    CHECK(srnn_modelfile_encode(&a, &bytes, &n, &err) == 0);
    unsigned char *d = malloc(n);
    uint64_t s = 99;
    int bad_rc = 0, accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(d, bytes, n);
        int k = 1 + iter % 4;
        for (int j = 0; j < k; j++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = 24 + (size_t)(s >> 33) % (n - 28);
            d[at] = (iter & 1) ? (unsigned char)(s >> 20) : d[at] ^ (unsigned char)(1u << (s >> 61));
        }
        size_t len = n;
        if (iter % 5 == 0) /* a shorter body, the trailer moved */
            len = 28 + (size_t)(s >> 40) % (n - 28);
        for (int i = 0; i < 8; i++)
            d[16 + i] = (unsigned char)((uint64_t)len >> (8 * i));
        uint32_t crc = srnn_crc32(0, d, len - 4);
        for (int i = 0; i < 4; i++)
            d[len - 4 + i] = (unsigned char)(crc >> (8 * i));
        int rc = srnn_modelfile_decode(d, len, &b, &err);
        bad_rc += rc != 0 && rc != SRNN_EINPUT;
        if (rc == 0) {
            accepted++;
            srnn_modelfile_release(&b);
        }
    }
    CHECK(bad_rc == 0);
    /* Damage to float values is not structural: some files must still decode. */
    CHECK(accepted > 0);
    free(d);
    free(bytes);
    srnn_modelfile_release(&a);
}

static void expect_refused(const void *data, size_t n, const char *needle, const char *what)
{
    srnn_modelfile b;
    srnn_error err;
    memset(&err, 0, sizeof err);
    int rc = srnn_modelfile_decode(data, n, &b, &err);
    CHECK_MSG(rc == SRNN_EINPUT, "%s: rc %d", what, rc);
    CHECK_MSG(strstr(err.msg, needle) != NULL, "%s: message '%s' lacks '%s'", what, err.msg,
              needle);
    CHECK_MSG(strchr(err.msg, '\n') == NULL, "%s: message has a newline", what);
    CHECK(b.params == NULL && b.vocab == NULL);
    if (rc == 0)
        srnn_modelfile_release(&b);
}

static void test_foreign(void)
{
    static const unsigned char midi[] = {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1, 0, 2, 1, 0xe0,
                                         'M', 'T', 'r', 'k', 0, 0, 0, 4, 0, 0xff, 0x2f, 0};
    expect_refused(midi, sizeof midi, "not a songrnn model file", "MIDI file");
    const char *text = "X:1\nT:Some tune\nK:G\nGABc dedB|\n";
    expect_refused(text, strlen(text), "not a songrnn model file", "ABC text");
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    expect_refused(png, sizeof png, "not a songrnn model file", "PNG");
    expect_refused("", 0, "empty", "empty file");
    expect_refused("\x89song", 5, "truncated", "a prefix of the magic");
    /* Random bytes. */
    unsigned char rnd[4096];
    uint64_t s = 12345;
    for (size_t i = 0; i < sizeof rnd; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        rnd[i] = (unsigned char)(s >> 56);
    }
    rnd[0] = 0x12;
    expect_refused(rnd, sizeof rnd, "not a songrnn model file", "random bytes");
    /* The magic followed by random bytes: a size that does not match. */
    memcpy(rnd, "\x89songrnn\r\n\x1a\n", 12);
    srnn_modelfile b;
    srnn_error err;
    CHECK(srnn_modelfile_decode(rnd, sizeof rnd, &b, &err) == SRNN_EINPUT);
}

/* ---- files built by hand from the format description -------------------------------------- */

typedef struct tb {
    unsigned char p[8192];
    size_t n;
} tb;

static void tb_le(tb *b, uint64_t v, int k)
{
    for (int i = 0; i < k; i++)
        b->p[b->n++] = (unsigned char)(v >> (8 * i));
}
static void tb_raw(tb *b, const void *d, size_t k)
{
    memcpy(b->p + b->n, d, k);
    b->n += k;
}
static void tb_header(tb *b, uint32_t version)
{
    b->n = 0;
    tb_raw(b, "\x89songrnn\r\n\x1a\n", 12);
    tb_le(b, version, 4);
    tb_le(b, 0, 8);
}
static void tb_section(tb *b, const char *tag, uint64_t len)
{
    tb_raw(b, tag, 4);
    tb_le(b, len, 8);
}
static void tb_key(tb *b, const char *key, char type, uint64_t v)
{
    tb_le(b, strlen(key), 1);
    tb_raw(b, key, strlen(key));
    tb_le(b, (unsigned char)type, 1);
    tb_le(b, v, 8);
}
static void tb_skey(tb *b, const char *key, const char *s)
{
    tb_le(b, strlen(key), 1);
    tb_raw(b, key, strlen(key));
    tb_le(b, 's', 1);
    tb_le(b, strlen(s), 4);
    tb_raw(b, s, strlen(s));
}
/* Patches the size and appends the CRC: a file whose integrity checks all pass. */
static void tb_finish(tb *b)
{
    size_t total = b->n + 4;
    for (int i = 0; i < 8; i++)
        b->p[16 + i] = (unsigned char)((uint64_t)total >> (8 * i));
    uint32_t crc = srnn_crc32(0, b->p, b->n);
    tb_le(b, crc, 4);
}

enum { CONF_EXTRA_NONE, CONF_EXTRA_UNKNOWN, CONF_EXTRA_WRONG_TYPE, CONF_EXTRA_DUP,
       CONF_NO_HIDDEN, CONF_HUGE_HIDDEN, CONF_BAD_CELL, CONF_HUGE_COUNT, CONF_HUGE_STRING };

/* A minimal valid CONF section: V 3, E 2, no conv, 1 x LSTM 2. */
static void tb_conf(tb *b, int variant)
{
    tb sec = {.n = 0};
    tb_le(&sec, 0xffffffffu, 4); /* the count, patched at the end */
    tb_key(&sec, "mode", 'i', 1);
    if (variant == CONF_HUGE_STRING) {
        tb_le(&sec, 4, 1);
        tb_raw(&sec, "cell", 4);
        tb_le(&sec, 's', 1);
        tb_le(&sec, 0xfffffff0u, 4);
    } else {
        tb_skey(&sec, "cell", variant == CONF_BAD_CELL ? "lstmx" : "lstm");
    }
    tb_key(&sec, "vocab_size", 'i', 3);
    tb_key(&sec, "embed", 'i', 2);
    tb_key(&sec, "conv_channels", 'i', 0);
    tb_key(&sec, "conv_kernel", 'i', 0);
    tb_key(&sec, "layers", 'i', 1);
    if (variant != CONF_NO_HIDDEN)
        tb_key(&sec, "hidden", 'i', variant == CONF_HUGE_HIDDEN ? (1u << 30) : 2);
    double d = 0.25;
    uint64_t dv;
    memcpy(&dv, &d, 8);
    tb_key(&sec, "dropout", 'f', dv);
    if (variant == CONF_EXTRA_UNKNOWN)
        tb_key(&sec, "some_future_key", 'f', dv);
    if (variant == CONF_EXTRA_WRONG_TYPE)
        tb_key(&sec, "lr", 'i', 1);
    if (variant == CONF_EXTRA_DUP)
        tb_key(&sec, "layers", 'i', 1);
    /* 9 base entries, one more with an extra, one fewer without 'hidden'. */
    size_t count = 9 + (variant == CONF_EXTRA_UNKNOWN || variant == CONF_EXTRA_WRONG_TYPE ||
                        variant == CONF_EXTRA_DUP) -
                   (variant == CONF_NO_HIDDEN);
    if (variant != CONF_HUGE_COUNT)
        for (int i = 0; i < 4; i++)
            sec.p[i] = (unsigned char)(count >> (8 * i));
    tb_section(b, "CONF", sec.n);
    tb_raw(b, sec.p, sec.n);
}

static void tb_vocab(tb *b)
{
    tb_section(b, "VOCB", 5);
    tb_raw(b, "vocab", 5);
}

static void tb_params(tb *b, uint64_t count, size_t actual)
{
    tb_section(b, "PARM", 8 + 4 * actual);
    tb_le(b, count, 8);
    for (size_t i = 0; i < actual; i++)
        tb_le(b, 0x3f800000u, 4); /* 1.0f */
}

static int decodes(const tb *b, srnn_modelfile *mf, srnn_error *err)
{
    memset(err, 0, sizeof *err);
    return srnn_modelfile_decode(b->p, b->n, mf, err);
}

static void test_handmade(void)
{
    tb b;
    srnn_modelfile mf;
    srnn_error err;

    /* The minimal file decodes, with defaults for what it leaves out. */
    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_params(&b, 6, 6);
    tb_finish(&b);
    CHECK_MSG(decodes(&b, &mf, &err) == 0, "%s", err.msg);
    CHECK(mf.config.mode == 1 && mf.config.net.hidden == 2 && mf.config.net.dropout == 0.25);
    CHECK(strcmp(mf.config.net.cell, "lstm") == 0);
    CHECK(mf.config.train.seq_len == 100 && strcmp(mf.config.train.optimizer, "adam") == 0);
    CHECK(mf.n_params == 6 && mf.params[5] == 1.0f);
    CHECK(mf.vocab_size == 5 && memcmp(mf.vocab, "vocab", 5) == 0);
    CHECK(mf.opt_state == NULL && mf.n_history == 0);
    srnn_modelfile_release(&mf);

    /* A newer format version is refused as such; version 0 as damage. */
    tb_header(&b, 3);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_params(&b, 6, 6);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "version 3 is newer") != NULL, "%s", err.msg);
    b.p[12] = 0;
    b.n -= 4;
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "version 0") != NULL, "%s", err.msg);

    /* Hostile counts and lengths, with a correct checksum. */
    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_params(&b, (uint64_t)1 << 62, 6);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "count does not match") != NULL, "%s", err.msg);

    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_section(&b, "PARM", UINT64_MAX - 3);
    tb_le(&b, 6, 8);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "longer than the file") != NULL, "%s", err.msg);

    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_params(&b, 6, 6);
    tb_section(&b, "HIST", 8);
    tb_le(&b, 0x7fffffffu, 4);
    tb_le(&b, 48, 4);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "history count") != NULL, "%s", err.msg);

    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_params(&b, 6, 6);
    tb_section(&b, "HIST", 8);
    tb_le(&b, 0, 4);
    tb_le(&b, 12, 4);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "record too small") != NULL, "%s", err.msg);

    /* A later writer's longer history records: the known prefix is read. */
    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_params(&b, 6, 6);
    tb_section(&b, "HIST", 8 + 2 * 56);
    tb_le(&b, 2, 4);
    tb_le(&b, 56, 4);
    for (int r = 0; r < 2; r++)
        for (int f = 0; f < 7; f++) {
            double d = r * 10 + f;
            uint64_t v;
            memcpy(&v, &d, 8);
            tb_le(&b, f == 5 ? (uint64_t)(r * 10 + f) : v, 8);
        }
    tb_finish(&b);
    CHECK_MSG(decodes(&b, &mf, &err) == 0, "%s", err.msg);
    CHECK(mf.n_history == 2 && mf.history[1].train_loss == 10 && mf.history[1].seconds == 14 &&
          mf.history[1].tokens == 15 && mf.history[0].val_acc == 3);
    srnn_modelfile_release(&mf);

    static const struct {
        int variant;
        const char *needle;
    } confs[] = {
        {CONF_HUGE_COUNT, "cut short"},
        {CONF_HUGE_STRING, "cut short"},
        {CONF_EXTRA_WRONG_TYPE, "'lr' has the wrong type"},
        {CONF_EXTRA_DUP, "'layers' twice"},
        {CONF_NO_HIDDEN, "lacks 'hidden'"},
        {CONF_HUGE_HIDDEN, "hidden size"},
        {CONF_BAD_CELL, "unknown recurrent cell"},
    };
    for (size_t i = 0; i < sizeof confs / sizeof confs[0]; i++) {
        tb_header(&b, 1);
        tb_conf(&b, confs[i].variant);
        tb_vocab(&b);
        tb_params(&b, 6, 6);
        tb_finish(&b);
        CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
        CHECK_MSG(strstr(err.msg, confs[i].needle) != NULL, "variant %d: '%s'",
                  confs[i].variant, err.msg);
    }

    /* An unknown config key and an ancillary section are skipped. */
    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_UNKNOWN);
    tb_section(&b, "xtra", 3);
    tb_raw(&b, "abc", 3);
    tb_vocab(&b);
    tb_params(&b, 6, 6);
    tb_finish(&b);
    CHECK_MSG(decodes(&b, &mf, &err) == 0, "%s", err.msg);
    srnn_modelfile_release(&mf);

    /* An unknown required section, a missing section, sections out of order or twice. */
    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_section(&b, "XTRA", 0);
    tb_vocab(&b);
    tb_params(&b, 6, 6);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "unknown section 'XTRA'") != NULL, "%s", err.msg);

    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_params(&b, 6, 6);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "vocabulary section missing") != NULL, "%s", err.msg);

    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "weights section missing") != NULL, "%s", err.msg);

    tb_header(&b, 1);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_vocab(&b);
    tb_vocab(&b);
    tb_params(&b, 6, 6);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "out of order") != NULL, "%s", err.msg);

    tb_header(&b, 1);
    tb_vocab(&b);
    tb_conf(&b, CONF_EXTRA_NONE);
    tb_params(&b, 6, 6);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "config section missing") != NULL, "%s", err.msg);

    tb_header(&b, 1);
    tb_finish(&b);
    CHECK(decodes(&b, &mf, &err) == SRNN_EINPUT);
    CHECK_MSG(strstr(err.msg, "config section missing") != NULL, "%s", err.msg);
}

/* ---- files on disk ------------------------------------------------------------------------ */

static void test_files(void)
{
    char dir[] = "/tmp/srnn_modelfile_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], tmpdir[300];
    snprintf(path, sizeof path, "%s/m.srnn", dir);

    srnn_modelfile a, c, r;
    srnn_error err;
    sample(&a, 1);
    CHECK_MSG(srnn_modelfile_write(path, &a, &err) == 0, "%s", err.msg);
    CHECK_MSG(srnn_modelfile_read(path, &r, &err) == 0, "%s", err.msg);
    check_equal(&a, &r);
    srnn_modelfile_release(&r);

    /* Saving over it fails: the old file stays whole.  The temporary file's name is taken by a
     * folder (which stops root as well); without root, the folder is read-only too. */
    sample(&c, 0);
    c.config.train.epoch = 99;
    snprintf(tmpdir, sizeof tmpdir, "%s.tmp.%ld", path, (long)getpid());
    CHECK(mkdir(tmpdir, 0755) == 0);
    CHECK(srnn_modelfile_write(path, &c, &err) == SRNN_EIO);
    CHECK(rmdir(tmpdir) == 0);
    if (geteuid() != 0) {
        CHECK(chmod(dir, 0555) == 0);
        CHECK(srnn_modelfile_write(path, &c, &err) == SRNN_EIO);
        CHECK(chmod(dir, 0755) == 0);
    }
    CHECK_MSG(srnn_modelfile_read(path, &r, &err) == 0, "%s", err.msg);
    check_equal(&a, &r);
    srnn_modelfile_release(&r);
    /* And when it works, the new one replaces it, with no temporary file left over. */
    CHECK(srnn_modelfile_write(path, &c, &err) == 0);
    CHECK(srnn_modelfile_read(path, &r, &err) == 0);
    CHECK(r.config.train.epoch == 99);
    CHECK(access(tmpdir, F_OK) != 0);
    srnn_modelfile_release(&r);

    /* Missing file, a folder. */
    char missing[300];
    snprintf(missing, sizeof missing, "%s/none.srnn", dir);
    CHECK(srnn_modelfile_read(missing, &r, &err) == SRNN_EIO);
    CHECK(srnn_modelfile_read(dir, &r, &err) != 0);

    unlink(path);
    rmdir(dir);
    srnn_modelfile_release(&a);
    srnn_modelfile_release(&c);
}

/* A version-1 file written by tools/make_model_fixture.py (Python's struct and zlib.crc32,
 * from the format description alone): this reader agrees with an independent writer and keeps
 * reading version-1 files. */
static void test_fixture(void)
{
    const char *root = getenv("SRNN_SOURCE_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/model/fixtures/v1.srnn", root ? root : ".");
    srnn_modelfile mf;
    srnn_error err;
    int rc = srnn_modelfile_read(path, &mf, &err);
    CHECK_MSG(rc == 0, "%s: %s", path, err.msg);
    if (rc)
        return;
    const srnn_model_config *c = &mf.config;
    CHECK(c->mode == 1 && strcmp(c->net.cell, "rnn") == 0 && c->net.vocab_size == 6);
    CHECK(c->net.embed == 3 && c->net.conv_channels == 0 && c->net.layers == 1);
    CHECK(c->net.hidden == 2 && c->net.dropout == 0.5);
    CHECK(c->train.seq_len == 32 && c->train.batch == 4);
    CHECK(strcmp(c->train.optimizer, "sgd") == 0 && c->train.lr == 0.05);
    CHECK(c->train.momentum == 0.9 && c->train.seed == UINT64_MAX - 1);
    CHECK(c->train.epoch == 4 && c->train.step == 40 && c->train.rng_state[3] == 0xDEADBEEFu);
    CHECK(c->train.rng_state[0] == 0 && c->tempo == 96.0);
    /* Keys the file leaves out keep their defaults. */
    CHECK(c->tok.grid == 12 && c->train.clip == 5.0 && c->train.patience == 3);
    CHECK(mf.vocab_size == 22 && memcmp(mf.vocab, "opaque vocabulary blob", 22) == 0);
    CHECK(mf.n_params == 10);
    for (size_t i = 0; i < mf.n_params && i < 10; i++)
        CHECK(mf.params[i] == (float)i / 8.0f - 1.0f);
    CHECK(mf.n_opt_state == 10 && mf.opt_state[9] == 0.25f);
    CHECK(mf.n_history == 2);
    if (mf.n_history == 2) {
        CHECK(mf.history[0].train_loss == 3.0 && mf.history[0].val_loss == 3.5);
        CHECK(mf.history[0].train_acc == 0.25 && mf.history[0].val_acc == 0.125);
        CHECK(mf.history[1].seconds == 2.5 && mf.history[1].tokens == 640);
        CHECK(isnan(mf.history[1].val_loss));
    }
    srnn_modelfile_release(&mf);
}

static void test_bad_arguments(void)
{
    srnn_modelfile a;
    srnn_error err;
    unsigned char *bytes;
    size_t n;
    CHECK(srnn_modelfile_encode(NULL, &bytes, &n, &err) == SRNN_EARG);
    sample(&a, 0);
    a.config.net.hidden = 0;
    CHECK(srnn_modelfile_encode(&a, &bytes, &n, &err) == SRNN_EINPUT);
    a.config.net.hidden = 4;
    strcpy(a.config.train.optimizer, "lbfgs");
    CHECK(srnn_modelfile_encode(&a, &bytes, &n, &err) == SRNN_EINPUT);
    strcpy(a.config.train.optimizer, "sgd");
    free(a.vocab);
    a.vocab = NULL;
    CHECK(srnn_modelfile_encode(&a, &bytes, &n, &err) == SRNN_EARG);
    srnn_modelfile_release(&a);
    CHECK(srnn_modelfile_decode(NULL, 4, &a, &err) == SRNN_EARG);
    CHECK(srnn_modelfile_read(NULL, &a, &err) == SRNN_EARG);
    srnn_modelfile_release(NULL);
}

int main(void)
{
    test_crc();
    test_roundtrip();
    test_truncation();
    test_flips();
    test_fuzz();
    test_foreign();
    test_handmade();
    test_files();
    test_fixture();
    test_bad_arguments();
    return check_finish("test_modelfile");
}
