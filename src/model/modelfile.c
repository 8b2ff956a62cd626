/* The model file codec (format in include/songrnn/model.h).  Bytes are assembled one by one,
 * never struct dumps, so the file is the same on every machine.  Decoding trusts nothing: every
 * length is checked against the bytes left before anything is allocated or read. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/model.h"

static const unsigned char MAGIC[12] = {0x89, 's', 'o', 'n', 'g', 'r', 'n', 'n',
                                        '\r', '\n', 0x1a, '\n'};
#define HEADER_SIZE 24
#define TRAILER_SIZE 4
#define SECTION_HEAD 12
#define HIST_RECORD 48

/* ---- CRC-32 --------------------------------------------------------------------------------- */

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    crc_ready = 1;
}

uint32_t srnn_crc32(uint32_t crc, const void *data, size_t n)
{
    if (!crc_ready)
        crc_init(); /* idempotent: a race writes the same values */
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- config ----------------------------------------------------------------------------- */

void srnn_model_config_defaults(srnn_model_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->mode = 0;
    strcpy(cfg->net.cell, "lstm");
    cfg->net.vocab_size = 0;
    cfg->net.embed = 64;
    cfg->net.conv_channels = 128;
    cfg->net.conv_kernel = 3;
    cfg->net.layers = 2;
    cfg->net.hidden = 256;
    cfg->net.dropout = 0.3;
    cfg->tok.grid = 12;
    cfg->tok.max_vocab = 512;
    cfg->tok.velocity_bins = 0;
    cfg->train.seq_len = 100;
    cfg->train.batch = 64;
    strcpy(cfg->train.optimizer, "adam");
    cfg->train.lr = 1e-3;
    cfg->train.clip = 5.0;
    cfg->train.val_split = 0.1;
    cfg->train.patience = 3;
    cfg->train.epochs = 50;
}

static int one_of(const char *s, size_t cap, const char *const *names)
{
    if (memchr(s, 0, cap) == NULL)
        return 0;
    for (; *names; names++)
        if (strcmp(s, *names) == 0)
            return 1;
    return 0;
}

/* Limits far above any real model but low enough that a hostile file cannot make the network
 * allocate absurd amounts before the parameter count is compared. */
#define MAX_DIM (1 << 16)
#define MAX_VOCAB (1 << 22)

int srnn_model_config_check(const srnn_model_config *cfg, srnn_error *err)
{
    static const char *const cells[] = {"lstm", "gru", "rnn", NULL};
    static const char *const opts[] = {"adam", "rmsprop", "adagrad", "sgd", NULL};
    if (!cfg)
        return srnn_error_set(err, SRNN_EARG, "no config");
    const srnn_model_netcfg *n = &cfg->net;
    const srnn_model_traincfg *t = &cfg->train;
    if (cfg->mode < 0 || cfg->mode > 2)
        return srnn_error_set(err, SRNN_EINPUT, "unknown mode %d", cfg->mode);
    if (!one_of(n->cell, sizeof n->cell, cells))
        return srnn_error_set(err, SRNN_EINPUT, "unknown recurrent cell");
    if (n->vocab_size < 1 || n->vocab_size > MAX_VOCAB)
        return srnn_error_set(err, SRNN_EINPUT, "vocabulary size %d out of range", n->vocab_size);
    if (n->embed < 1 || n->embed > MAX_DIM)
        return srnn_error_set(err, SRNN_EINPUT, "embedding size %d out of range", n->embed);
    if (n->conv_channels < 0 || n->conv_channels > MAX_DIM)
        return srnn_error_set(err, SRNN_EINPUT, "convolution channels %d out of range",
                              n->conv_channels);
    if (n->conv_channels > 0 && (n->conv_kernel < 1 || n->conv_kernel > 64))
        return srnn_error_set(err, SRNN_EINPUT, "convolution kernel %d out of range",
                              n->conv_kernel);
    if (n->layers < 1 || n->layers > 64)
        return srnn_error_set(err, SRNN_EINPUT, "layer count %d out of range", n->layers);
    if (n->hidden < 1 || n->hidden > MAX_DIM)
        return srnn_error_set(err, SRNN_EINPUT, "hidden size %d out of range", n->hidden);
    if (!(n->dropout >= 0 && n->dropout < 1))
        return srnn_error_set(err, SRNN_EINPUT, "dropout out of range");
    if (!isfinite(n->forget_bias))
        return srnn_error_set(err, SRNN_EINPUT, "forget bias out of range");
    if (cfg->tok.grid < 0 || cfg->tok.max_vocab < 0 || cfg->tok.velocity_bins < 0)
        return srnn_error_set(err, SRNN_EINPUT, "negative tokenizer setting");
    if (t->seq_len < 0 || t->batch < 0 || t->patience < 0 || t->epochs < 0 || t->epoch < 0 ||
        t->step < 0 || t->optim_step < 0 || t->bad_epochs < 0)
        return srnn_error_set(err, SRNN_EINPUT, "negative training setting");
    /* The command line's own ranges, and counters a resumed run can add to without overflow
     * (steps stay exact as doubles in the schedules). */
    if (t->seq_len < 1 || t->seq_len > 100000 || t->batch < 1 || t->batch > 100000 ||
        t->epochs > 1000000 || t->epoch > 1000000 || t->patience > 1000000 ||
        t->bad_epochs > 1000000 || t->warmup > 10000000 || t->step > (1ll << 53) ||
        t->optim_step > (1ll << 53) || t->window > (1ll << 53))
        return srnn_error_set(err, SRNN_EINPUT, "training setting out of range");
    if (t->optimizer[0] && !one_of(t->optimizer, sizeof t->optimizer, opts))
        return srnn_error_set(err, SRNN_EINPUT, "unknown optimizer");
    if (!isfinite(t->lr) || !isfinite(t->clip) || !isfinite(t->val_split) ||
        !isfinite(t->max_seconds) || !isfinite(cfg->tempo) || !isfinite(t->momentum) ||
        !isfinite(t->beta1) || !isfinite(t->beta2) || !isfinite(t->alpha) ||
        !isfinite(t->eps) || t->lr < 0 || t->clip < 0 ||
        t->val_split < 0 || t->val_split >= 1 || t->max_seconds < 0 || cfg->tempo < 0 ||
        cfg->tempo > 1000 /* --tempo's range; 0: none */)
        return srnn_error_set(err, SRNN_EINPUT, "training setting out of range");
    if (!(cfg->in_key >= 0 && cfg->in_key <= 1) ||
        !(cfg->bar_repetition >= 0 && cfg->bar_repetition <= 1))
        return srnn_error_set(err, SRNN_EINPUT, "in-key or repetition share out of range");
    if (t->lr_schedule < 0 || t->lr_schedule > 2 || t->warmup < 0 || !(t->min_lr >= 0) ||
        !(t->min_lr <= 1) || !(t->weight_decay >= 0) || !isfinite(t->weight_decay) ||
        !(t->checkpoint_minutes >= 0) || !isfinite(t->checkpoint_minutes) || t->window < 0 ||
        !isfinite(t->loss_sum) || !(t->epoch_seconds >= 0) || !isfinite(t->epoch_seconds) ||
        !(t->lr_scale >= 0) || !(t->lr_scale <= 1))
        return srnn_error_set(err, SRNN_EINPUT, "training schedule out of range");
    const srnn_model_tokcfg *k = &cfg->tok;
    if (k->tokens < 0 || k->tokens > 1 || k->velocity_scale < 0 || k->velocity_scale > 1 ||
        k->transpose < 0 || k->transpose > 12 || k->pitch_min < 0 || k->pitch_max > 127 ||
        k->pitch_min > k->pitch_max)
        return srnn_error_set(err, SRNN_EINPUT, "token setting out of range");
    return SRNN_OK;
}

/* The CONF section, table-driven: one row per key, the same table encodes and decodes. */
enum ftype { F_INT, F_I64, F_U64, F_F64, F_STR };

typedef struct field {
    const char *key;
    enum ftype type;
    size_t offset, cap; /* cap: F_STR array size */
    int required;
} field;

#define OFF(m) offsetof(srnn_model_config, m)
#define STR(m) OFF(m), sizeof(((srnn_model_config *)0)->m)

static const field FIELDS[] = {
    {"mode", F_INT, OFF(mode), 0, 1},
    {"cell", F_STR, STR(net.cell), 1},
    {"vocab_size", F_INT, OFF(net.vocab_size), 0, 1},
    {"embed", F_INT, OFF(net.embed), 0, 1},
    {"conv_channels", F_INT, OFF(net.conv_channels), 0, 1},
    {"conv_kernel", F_INT, OFF(net.conv_kernel), 0, 1},
    {"layers", F_INT, OFF(net.layers), 0, 1},
    {"hidden", F_INT, OFF(net.hidden), 0, 1},
    {"dropout", F_F64, OFF(net.dropout), 0, 1},
    {"forget_bias", F_F64, OFF(net.forget_bias), 0, 0},
    {"grid", F_INT, OFF(tok.grid), 0, 0},
    {"max_vocab", F_INT, OFF(tok.max_vocab), 0, 0},
    {"velocity_bins", F_INT, OFF(tok.velocity_bins), 0, 0},
    {"seq_len", F_INT, OFF(train.seq_len), 0, 0},
    {"batch", F_INT, OFF(train.batch), 0, 0},
    {"optimizer", F_STR, STR(train.optimizer), 0},
    {"lr", F_F64, OFF(train.lr), 0, 0},
    {"clip", F_F64, OFF(train.clip), 0, 0},
    {"val_split", F_F64, OFF(train.val_split), 0, 0},
    {"momentum", F_F64, OFF(train.momentum), 0, 0},
    {"beta1", F_F64, OFF(train.beta1), 0, 0},
    {"beta2", F_F64, OFF(train.beta2), 0, 0},
    {"alpha", F_F64, OFF(train.alpha), 0, 0},
    {"eps", F_F64, OFF(train.eps), 0, 0},
    {"patience", F_INT, OFF(train.patience), 0, 0},
    {"epochs", F_INT, OFF(train.epochs), 0, 0},
    {"max_seconds", F_F64, OFF(train.max_seconds), 0, 0},
    {"seed", F_U64, OFF(train.seed), 0, 0},
    {"epoch", F_I64, OFF(train.epoch), 0, 0},
    {"step", F_I64, OFF(train.step), 0, 0},
    {"optim_step", F_I64, OFF(train.optim_step), 0, 0},
    {"rng0", F_U64, OFF(train.rng_state[0]), 0, 0},
    {"rng1", F_U64, OFF(train.rng_state[1]), 0, 0},
    {"rng2", F_U64, OFF(train.rng_state[2]), 0, 0},
    {"rng3", F_U64, OFF(train.rng_state[3]), 0, 0},
    {"best_val_loss", F_F64, OFF(train.best_val_loss), 0, 0},
    {"bad_epochs", F_INT, OFF(train.bad_epochs), 0, 0},
    {"tempo", F_F64, OFF(tempo), 0, 0},
    {"in_key", F_F64, OFF(in_key), 0, 0},
    {"bar_repetition", F_F64, OFF(bar_repetition), 0, 0},
    /* format 2 */
    {"tokens", F_INT, OFF(tok.tokens), 0, 0},
    {"velocity_scale", F_INT, OFF(tok.velocity_scale), 0, 0},
    {"transpose", F_INT, OFF(tok.transpose), 0, 0},
    {"pitch_min", F_INT, OFF(tok.pitch_min), 0, 0},
    {"pitch_max", F_INT, OFF(tok.pitch_max), 0, 0},
    {"lr_schedule", F_INT, OFF(train.lr_schedule), 0, 0},
    {"warmup", F_INT, OFF(train.warmup), 0, 0},
    {"min_lr", F_F64, OFF(train.min_lr), 0, 0},
    {"weight_decay", F_F64, OFF(train.weight_decay), 0, 0},
    {"checkpoint_minutes", F_F64, OFF(train.checkpoint_minutes), 0, 0},
    {"window", F_I64, OFF(train.window), 0, 0},
    {"loss_sum", F_F64, OFF(train.loss_sum), 0, 0},
    {"correct", F_U64, OFF(train.correct), 0, 0},
    {"epoch_seconds", F_F64, OFF(train.epoch_seconds), 0, 0},
    {"dropout_rng0", F_U64, OFF(train.dropout_rng[0]), 0, 0},
    {"dropout_rng1", F_U64, OFF(train.dropout_rng[1]), 0, 0},
    {"dropout_rng2", F_U64, OFF(train.dropout_rng[2]), 0, 0},
    {"dropout_rng3", F_U64, OFF(train.dropout_rng[3]), 0, 0},
    {"lr_scale", F_F64, OFF(train.lr_scale), 0, 0},
};
#define N_FIELDS (sizeof FIELDS / sizeof FIELDS[0])

static char type_code(enum ftype t)
{
    switch (t) {
    case F_INT:
    case F_I64:
        return 'i';
    case F_U64:
        return 'u';
    case F_F64:
        return 'f';
    case F_STR:
        return 's';
    }
    return '?';
}

/* ---- little-endian writer ------------------------------------------------------------------ */

typedef struct wbuf {
    unsigned char *p;
    size_t len, cap;
    int failed;
} wbuf;

static unsigned char *w_reserve(wbuf *w, size_t n)
{
    if (w->failed)
        return NULL;
    if (n > SIZE_MAX - w->len) {
        w->failed = 1;
        return NULL;
    }
    if (w->len + n > w->cap) {
        size_t nc = w->cap ? w->cap : 4096;
        while (nc < w->len + n)
            nc = nc > SIZE_MAX / 2 ? w->len + n : nc * 2;
        unsigned char *np = realloc(w->p, nc);
        if (!np) {
            w->failed = 1;
            return NULL;
        }
        w->p = np;
        w->cap = nc;
    }
    unsigned char *q = w->p + w->len;
    w->len += n;
    return q;
}

static void put_le(unsigned char *q, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        q[i] = (unsigned char)(v >> (8 * i));
}

static void w_u8(wbuf *w, unsigned v)
{
    unsigned char *q = w_reserve(w, 1);
    if (q)
        q[0] = (unsigned char)v;
}

static void w_u32(wbuf *w, uint32_t v)
{
    unsigned char *q = w_reserve(w, 4);
    if (q)
        put_le(q, v, 4);
}

static void w_u64(wbuf *w, uint64_t v)
{
    unsigned char *q = w_reserve(w, 8);
    if (q)
        put_le(q, v, 8);
}

static void w_f64(wbuf *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    w_u64(w, v);
}

static void w_bytes(wbuf *w, const void *data, size_t n)
{
    unsigned char *q = w_reserve(w, n);
    if (q && n)
        memcpy(q, data, n);
}

static void w_floats(wbuf *w, const float *f, size_t n)
{
    if (n > SIZE_MAX / 4) {
        w->failed = 1;
        return;
    }
    unsigned char *q = w_reserve(w, n * 4);
    if (!q)
        return;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, &f[i], 4);
        put_le(q + 4 * i, v, 4);
    }
}

/* Starts a section; returns the offset of its length field, patched by w_section_end. */
static size_t w_section_begin(wbuf *w, const char tag[4])
{
    w_bytes(w, tag, 4);
    size_t at = w->len;
    w_u64(w, 0);
    return at;
}

static void w_section_end(wbuf *w, size_t at)
{
    if (!w->failed)
        put_le(w->p + at, (uint64_t)(w->len - at - 8), 8);
}

static void w_config(wbuf *w, const srnn_model_config *cfg)
{
    const unsigned char *base = (const unsigned char *)cfg;
    w_u32(w, (uint32_t)N_FIELDS);
    for (size_t i = 0; i < N_FIELDS; i++) {
        const field *f = &FIELDS[i];
        size_t klen = strlen(f->key);
        w_u8(w, (unsigned)klen);
        w_bytes(w, f->key, klen);
        w_u8(w, (unsigned char)type_code(f->type));
        const void *v = base + f->offset;
        switch (f->type) {
        case F_INT: {
            int x;
            memcpy(&x, v, sizeof x);
            w_u64(w, (uint64_t)(int64_t)x);
            break;
        }
        case F_I64: {
            int64_t x;
            memcpy(&x, v, sizeof x);
            w_u64(w, (uint64_t)x);
            break;
        }
        case F_U64: {
            uint64_t x;
            memcpy(&x, v, sizeof x);
            w_u64(w, x);
            break;
        }
        case F_F64: {
            double x;
            memcpy(&x, v, sizeof x);
            w_f64(w, x);
            break;
        }
        case F_STR: {
            const char *s = v;
            size_t n = strnlen(s, f->cap);
            w_u32(w, (uint32_t)n);
            w_bytes(w, s, n);
            break;
        }
        }
    }
}

int srnn_modelfile_encode(const srnn_modelfile *mf, unsigned char **out, size_t *size,
                          srnn_error *err)
{
    if (!mf || !out || !size)
        return srnn_error_set(err, SRNN_EARG, "no model file or output");
    *out = NULL;
    *size = 0;
    if ((!mf->vocab && mf->vocab_size) || (!mf->params && mf->n_params) ||
        (!mf->opt_state && mf->n_opt_state) || (!mf->history && mf->n_history) ||
        (!mf->primers && mf->n_primers && mf->primer_len))
        return srnn_error_set(err, SRNN_EARG, "array without data");
    if (mf->n_primers > UINT32_MAX || mf->primer_len > UINT32_MAX)
        return srnn_error_set(err, SRNN_EARG, "too many primers");
    if (!mf->vocab_size)
        return srnn_error_set(err, SRNN_EARG, "no vocabulary");
    if (mf->n_history > UINT32_MAX)
        return srnn_error_set(err, SRNN_EARG, "history too long");
    int rc = srnn_model_config_check(&mf->config, err);
    if (rc)
        return rc;

    wbuf w = {0};
    w_bytes(&w, MAGIC, sizeof MAGIC);
    w_u32(&w, SRNN_MODELFILE_VERSION);
    w_u64(&w, 0); /* total size, patched below */

    size_t at = w_section_begin(&w, "CONF");
    w_config(&w, &mf->config);
    w_section_end(&w, at);

    at = w_section_begin(&w, "VOCB");
    w_bytes(&w, mf->vocab, mf->vocab_size);
    w_section_end(&w, at);

    at = w_section_begin(&w, "PARM");
    w_u64(&w, mf->n_params);
    w_floats(&w, mf->params, mf->n_params);
    w_section_end(&w, at);

    if (mf->opt_state) {
        at = w_section_begin(&w, "OPTS");
        w_u64(&w, mf->n_opt_state);
        w_floats(&w, mf->opt_state, mf->n_opt_state);
        w_section_end(&w, at);
    }
    if (mf->n_history) {
        at = w_section_begin(&w, "HIST");
        w_u32(&w, (uint32_t)mf->n_history);
        w_u32(&w, HIST_RECORD);
        for (size_t i = 0; i < mf->n_history; i++) {
            const srnn_history_entry *h = &mf->history[i];
            w_f64(&w, h->train_loss);
            w_f64(&w, h->val_loss);
            w_f64(&w, h->train_acc);
            w_f64(&w, h->val_acc);
            w_f64(&w, h->seconds);
            w_u64(&w, h->tokens);
        }
        w_section_end(&w, at);
    }
    if (mf->n_primers && mf->primer_len) {
        at = w_section_begin(&w, "PRIM");
        w_u32(&w, (uint32_t)mf->n_primers);
        w_u32(&w, (uint32_t)mf->primer_len);
        for (size_t i = 0; i < mf->n_primers * mf->primer_len; i++)
            w_u32(&w, mf->primers[i]);
        w_section_end(&w, at);
    }
    if (mf->carried && mf->n_carried && mf->carried_B > 0) {
        at = w_section_begin(&w, "cary");
        w_u32(&w, (uint32_t)mf->carried_B);
        w_u64(&w, mf->n_carried);
        w_floats(&w, mf->carried, mf->n_carried);
        w_section_end(&w, at);
    }

    w_reserve(&w, TRAILER_SIZE);
    if (w.failed) {
        free(w.p);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    put_le(w.p + 16, (uint64_t)w.len, 8);
    put_le(w.p + w.len - 4, srnn_crc32(0, w.p, w.len - 4), 4);
    *out = w.p;
    *size = w.len;
    return SRNN_OK;
}

/* ---- bounded reader ----------------------------------------------------------------------- */

typedef struct rbuf {
    const unsigned char *p;
    size_t len, pos;
} rbuf;

static uint64_t get_le(const unsigned char *q, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)q[i] << (8 * i);
    return v;
}

/* Each reader returns 0, or -1 when fewer bytes are left than it needs. */
static int r_take(rbuf *r, size_t n, const unsigned char **q)
{
    if (n > r->len - r->pos)
        return -1;
    *q = r->p + r->pos;
    r->pos += n;
    return 0;
}

static int r_u8(rbuf *r, unsigned *v)
{
    const unsigned char *q;
    if (r_take(r, 1, &q))
        return -1;
    *v = q[0];
    return 0;
}

static int r_u32(rbuf *r, uint32_t *v)
{
    const unsigned char *q;
    if (r_take(r, 4, &q))
        return -1;
    *v = (uint32_t)get_le(q, 4);
    return 0;
}

static int r_u64(rbuf *r, uint64_t *v)
{
    const unsigned char *q;
    if (r_take(r, 8, &q))
        return -1;
    *v = get_le(q, 8);
    return 0;
}

static int r_f64(rbuf *r, double *d)
{
    uint64_t v;
    if (r_u64(r, &v))
        return -1;
    memcpy(d, &v, 8);
    return 0;
}

static int bad(srnn_error *err, const char *what)
{
    return srnn_error_set(err, SRNN_EINPUT, "damaged model file: %s", what);
}

static int d_config(rbuf *r, srnn_model_config *cfg, srnn_error *err)
{
    unsigned char seen[N_FIELDS] = {0};
    uint32_t n;
    if (r_u32(r, &n))
        return bad(err, "config cut short");
    /* Each entry takes at least 3 bytes: a hostile count ends at the section's end. */
    for (uint32_t e = 0; e < n; e++) {
        unsigned klen, type;
        const unsigned char *key;
        if (r_u8(r, &klen) || klen == 0 || r_take(r, klen, &key) || r_u8(r, &type))
            return bad(err, "config entry cut short");
        const field *f = NULL;
        size_t fi = 0;
        for (; fi < N_FIELDS; fi++)
            if (strlen(FIELDS[fi].key) == klen && memcmp(FIELDS[fi].key, key, klen) == 0) {
                f = &FIELDS[fi];
                break;
            }
        uint64_t v = 0;
        const unsigned char *s = NULL;
        uint32_t slen = 0;
        if (type == 'i' || type == 'u' || type == 'f') {
            if (r_u64(r, &v))
                return bad(err, "config value cut short");
        } else if (type == 's') {
            if (r_u32(r, &slen) || r_take(r, slen, &s))
                return bad(err, "config string cut short");
        } else {
            return bad(err, "unknown config value type");
        }
        if (!f)
            continue; /* a key from a later writer: skipped */
        if (seen[fi])
            return srnn_error_set(err, SRNN_EINPUT, "damaged model file: config key '%s' twice",
                                  f->key);
        seen[fi] = 1;
        if (type != (unsigned char)type_code(f->type))
            return srnn_error_set(err, SRNN_EINPUT,
                                  "damaged model file: config key '%s' has the wrong type", f->key);
        void *dst = (unsigned char *)cfg + f->offset;
        switch (f->type) {
        case F_INT: {
            int64_t x = (int64_t)v;
            if (x < -2147483647 - 1 || x > 2147483647)
                return srnn_error_set(err, SRNN_EINPUT,
                                      "damaged model file: config key '%s' out of range", f->key);
            int xi = (int)x;
            memcpy(dst, &xi, sizeof xi);
            break;
        }
        case F_I64:
        case F_U64:
        case F_F64:
            memcpy(dst, &v, 8);
            break;
        case F_STR:
            if (slen >= f->cap || memchr(s, 0, slen))
                return srnn_error_set(err, SRNN_EINPUT,
                                      "damaged model file: config key '%s' too long", f->key);
            memset(dst, 0, f->cap);
            memcpy(dst, s, slen);
            break;
        }
    }
    if (r->pos != r->len)
        return bad(err, "config section has trailing bytes");
    for (size_t i = 0; i < N_FIELDS; i++)
        if (FIELDS[i].required && !seen[i])
            return srnn_error_set(err, SRNN_EINPUT, "damaged model file: config lacks '%s'",
                                  FIELDS[i].key);
    return SRNN_OK;
}

static int d_floats(rbuf *r, float **out, size_t *n_out, const char *what, srnn_error *err)
{
    uint64_t n;
    if (r_u64(r, &n))
        return srnn_error_set(err, SRNN_EINPUT, "damaged model file: %s cut short", what);
    /* The count must match the section's length exactly: no hostile allocation. */
    if (n != (r->len - r->pos) / 4 || (r->len - r->pos) % 4)
        return srnn_error_set(err, SRNN_EINPUT,
                              "damaged model file: %s count does not match its length", what);
    float *f = malloc(n ? (size_t)n * sizeof *f : 1);
    if (!f)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    const unsigned char *q = r->p + r->pos;
    for (size_t i = 0; i < (size_t)n; i++) {
        uint32_t v = (uint32_t)get_le(q + 4 * i, 4);
        memcpy(&f[i], &v, 4);
    }
    r->pos = r->len;
    *out = f;
    *n_out = (size_t)n;
    return SRNN_OK;
}

static int d_history(rbuf *r, srnn_modelfile *mf, srnn_error *err)
{
    uint32_t n, rec;
    if (r_u32(r, &n) || r_u32(r, &rec))
        return bad(err, "history cut short");
    /* A later writer may append fields to a record; this reader takes the first 48 bytes. */
    if (rec < HIST_RECORD)
        return bad(err, "history record too small");
    if ((uint64_t)n * rec != r->len - r->pos)
        return bad(err, "history count does not match its length");
    srnn_history_entry *h = calloc(n ? n : 1, sizeof *h);
    if (!h)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        rbuf one = {r->p + r->pos + (size_t)i * rec, rec, 0};
        /* Cannot fail: rec >= 48 bytes were checked above. */
        (void)(r_f64(&one, &h[i].train_loss) || r_f64(&one, &h[i].val_loss) ||
               r_f64(&one, &h[i].train_acc) || r_f64(&one, &h[i].val_acc) ||
               r_f64(&one, &h[i].seconds) || r_u64(&one, &h[i].tokens));
    }
    r->pos = r->len;
    mf->history = h;
    mf->n_history = n;
    return SRNN_OK;
}

static int d_primers(rbuf *r, srnn_modelfile *mf, srnn_error *err)
{
    uint32_t n, len;
    if (r_u32(r, &n) || r_u32(r, &len))
        return bad(err, "primers cut short");
    /* n x len x 4 can pass 2^64 (n = len = 2^31 wraps to 0): divide before multiplying. */
    uint64_t rem = r->len - r->pos;
    if ((len && n > rem / 4 / len) || (uint64_t)n * len * 4 != rem)
        return bad(err, "primer count does not match its length");
    uint32_t *p = malloc(((size_t)n * len + 1) * sizeof *p);
    if (!p)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    for (size_t i = 0; i < (size_t)n * len; i++)
        (void)r_u32(r, &p[i]); /* cannot fail: the length was checked */
    mf->primers = p;
    mf->n_primers = n;
    mf->primer_len = len;
    return SRNN_OK;
}

void srnn_modelfile_release(srnn_modelfile *mf)
{
    if (!mf)
        return;
    free(mf->vocab);
    free(mf->params);
    free(mf->opt_state);
    free(mf->history);
    free(mf->primers);
    free(mf->carried);
    memset(mf, 0, sizeof *mf);
}

enum { S_CONF, S_VOCB, S_PARM, S_OPTS, S_HIST, S_PRIM, S_CARY, S_COUNT };
static const char TAGS[S_COUNT][5] = {"CONF", "VOCB", "PARM", "OPTS", "HIST", "PRIM", "cary"};
static const char *const NAMES[S_COUNT] = {"config", "vocabulary", "weights", "optimizer state",
                                           "history", "primers", "carried state"};

static int decode_sections(rbuf *body, srnn_modelfile *mf, srnn_error *err)
{
    int last = -1;
    while (body->pos < body->len) {
        const unsigned char *tag;
        uint64_t len;
        if (r_take(body, 4, &tag) || r_u64(body, &len))
            return bad(err, "section header cut short");
        if (len > body->len - body->pos)
            return bad(err, "section longer than the file");
        rbuf sec = {body->p + body->pos, (size_t)len, 0};
        body->pos += (size_t)len;
        int s = 0;
        while (s < S_COUNT && memcmp(TAGS[s], tag, 4) != 0)
            s++;
        if (s == S_COUNT) {
            for (int i = 0; i < 4; i++)
                if (tag[i] < 0x20 || tag[i] > 0x7e)
                    return bad(err, "unreadable section tag");
            if (tag[0] >= 'a' && tag[0] <= 'z')
                continue; /* ancillary section of a later writer */
            return srnn_error_set(err, SRNN_EINPUT, "model file has an unknown section '%.4s'",
                                  (const char *)tag);
        }
        /* Fixed order also rules out duplicates; CONF, VOCB and PARM are all required. */
        if (s <= last)
            return srnn_error_set(err, SRNN_EINPUT, "damaged model file: section %s out of order",
                                  TAGS[s]);
        if (last < S_PARM && s != last + 1)
            return srnn_error_set(err, SRNN_EINPUT, "damaged model file: %s section missing",
                                  NAMES[last + 1]);
        last = s;
        int rc = SRNN_OK;
        switch (s) {
        case S_CONF:
            rc = d_config(&sec, &mf->config, err);
            break;
        case S_VOCB:
            if (len == 0)
                return bad(err, "empty vocabulary");
            mf->vocab = malloc((size_t)len);
            if (!mf->vocab)
                return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
            memcpy(mf->vocab, sec.p, (size_t)len);
            mf->vocab_size = (size_t)len;
            break;
        case S_PARM:
            rc = d_floats(&sec, &mf->params, &mf->n_params, "weights", err);
            break;
        case S_OPTS:
            rc = d_floats(&sec, &mf->opt_state, &mf->n_opt_state, "optimizer state", err);
            break;
        case S_HIST:
            rc = d_history(&sec, mf, err);
            break;
        case S_PRIM:
            rc = d_primers(&sec, mf, err);
            break;
        case S_CARY: {
            uint32_t B;
            if (r_u32(&sec, &B) || B == 0 || B > (1u << 20))
                return bad(err, "carried state damaged");
            rc = d_floats(&sec, &mf->carried, &mf->n_carried, "carried state", err);
            mf->carried_B = (int)B;
            break;
        }
        }
        if (rc)
            return rc;
    }
    if (last < S_PARM)
        return srnn_error_set(err, SRNN_EINPUT, "damaged model file: %s section missing",
                              NAMES[last + 1]);
    return SRNN_OK;
}

int srnn_modelfile_decode(const unsigned char *data, size_t size, srnn_modelfile *mf,
                          srnn_error *err)
{
    if (!mf || (!data && size))
        return srnn_error_set(err, SRNN_EARG, "no model file or data");
    memset(mf, 0, sizeof *mf);
    if (size == 0)
        return srnn_error_set(err, SRNN_EINPUT, "empty file, not a songrnn model");
    size_t m = size < sizeof MAGIC ? size : sizeof MAGIC;
    if (memcmp(data, MAGIC, m) != 0)
        return srnn_error_set(err, SRNN_EINPUT, "not a songrnn model file");
    if (size < HEADER_SIZE + TRAILER_SIZE)
        return srnn_error_set(err, SRNN_EINPUT, "model file truncated (%zu bytes)", size);
    uint64_t total = get_le(data + 16, 8);
    if (total != size) {
        if (total > size)
            return srnn_error_set(err, SRNN_EINPUT,
                                  "model file truncated or damaged (%zu of %llu bytes)", size,
                                  (unsigned long long)total);
        return srnn_error_set(err, SRNN_EINPUT,
                              "damaged model file: %zu bytes where the header says %llu", size,
                              (unsigned long long)total);
    }
    /* The checksum comes before the version, so that a flipped version byte reads as damage;
     * the header and trailer layout stays the same in every version. */
    uint32_t want = (uint32_t)get_le(data + size - 4, 4);
    if (srnn_crc32(0, data, size - 4) != want)
        return srnn_error_set(err, SRNN_EINPUT, "damaged model file: checksum mismatch");
    uint32_t version = (uint32_t)get_le(data + 12, 4);
    if (version == 0)
        return bad(err, "format version 0");
    if (version > SRNN_MODELFILE_VERSION)
        return srnn_error_set(err, SRNN_EINPUT,
                              "model file format version %u is newer than this songrnn reads "
                              "(%d); update songrnn",
                              version, SRNN_MODELFILE_VERSION);
    mf->version = (int)version;
    srnn_model_config_defaults(&mf->config);
    rbuf body = {data + HEADER_SIZE, size - HEADER_SIZE - TRAILER_SIZE, 0};
    int rc = decode_sections(&body, mf, err);
    if (!rc) {
        srnn_error e2;
        rc = srnn_model_config_check(&mf->config, &e2);
        if (rc)
            srnn_error_set(err, rc, "damaged model file: %s", e2.msg);
    }
    if (rc)
        srnn_modelfile_release(mf);
    return rc;
}

int srnn_modelfile_write(const char *path, const srnn_modelfile *mf, srnn_error *err)
{
    if (!path || !mf)
        return srnn_error_set(err, SRNN_EARG, "no path or model file");
    unsigned char *bytes;
    size_t n;
    int rc = srnn_modelfile_encode(mf, &bytes, &n, err);
    if (rc)
        return rc;
    rc = srnn_file_write_atomic(path, bytes, n, err);
    free(bytes);
    return rc;
}

int srnn_modelfile_read(const char *path, srnn_modelfile *mf, srnn_error *err)
{
    if (!path || !mf)
        return srnn_error_set(err, SRNN_EARG, "no path or model file");
    memset(mf, 0, sizeof *mf);
    unsigned char *bytes;
    size_t n;
    int rc = srnn_file_read_all(path, &bytes, &n, err);
    if (rc)
        return rc;
    rc = srnn_modelfile_decode(bytes, n, mf, err);
    free(bytes);
    return rc;
}
