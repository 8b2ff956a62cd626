/* The model as a whole: config + vocabulary + network (+ optimizer, history), saved and loaded
 * through the codec of modelfile.c.  Loading checks every part against the config before the
 * network is allocated, so a file cannot ask for more memory than its own weights take. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/model.h"
#include "songrnn/nn.h"
#include "songrnn/vocab.h"

/* The file stores float32; the network must use the same. */
_Static_assert(sizeof(srnn_real) == sizeof(float), "the model file holds float32 weights");

struct srnn_model {
    srnn_model_config cfg;
    srnn_vocab *vocab;
    srnn_nn *net;
    srnn_optim *optim;
    srnn_history_entry *history;
    size_t n_history, cap_history;
    uint32_t *primers; /* [n_primers][primer_len] */
    size_t n_primers, primer_len;
    float *carried; /* the carried training state of carried_B streams, or NULL */
    size_t n_carried;
    int carried_B;
    int file_version;
};

size_t srnn_model_count_params(const srnn_model_netcfg *n)
{
    if (!n || n->vocab_size < 1 || n->embed < 1 || n->layers < 1 || n->hidden < 1 ||
        n->conv_channels < 0 || (n->conv_channels > 0 && n->conv_kernel < 1))
        return 0;
    int g = srnn_cell_gates((srnn_cell)srnn_cell_parse(n->cell));
    if (srnn_cell_parse(n->cell) < 0 || g < 1)
        return 0;
    /* Dimensions are at most 2^22 (checked by srnn_model_config_check), so 64 bits hold it;
     * the final conversion guards 32-bit size_t. */
    uint64_t V = (uint64_t)n->vocab_size, E = (uint64_t)n->embed, C = (uint64_t)n->conv_channels,
             K = (uint64_t)n->conv_kernel, H = (uint64_t)n->hidden, G = (uint64_t)g;
    if (V > (1u << 22) || E > (1u << 22) || C > (1u << 22) || K > 1024 || H > (1u << 22) ||
        n->layers > 1024)
        return 0;
    uint64_t total = V * E;
    if (C > 0)
        total += C * K * E + C;
    for (int l = 0; l < n->layers; l++) {
        uint64_t in = l == 0 ? (C > 0 ? C : E) : H;
        total += G * H * in + G * H * H + 2 * G * H;
    }
    total += V * H + V;
    if (total > (uint64_t)SIZE_MAX / sizeof(float))
        return 0;
    return (size_t)total;
}

static void to_nn_config(const srnn_model_netcfg *n, srnn_nn_config *c)
{
    memset(c, 0, sizeof *c);
    c->vocab = n->vocab_size;
    c->embed = n->embed;
    c->conv_channels = n->conv_channels;
    c->conv_kernel = n->conv_channels > 0 ? n->conv_kernel : 1;
    c->cell = (srnn_cell)srnn_cell_parse(n->cell);
    c->layers = n->layers;
    c->hidden = n->hidden;
    c->dropout = n->dropout;
    c->forget_bias = n->forget_bias;
}

static srnn_model *model_alloc(const srnn_model_config *cfg)
{
    srnn_model *m = calloc(1, sizeof *m);
    if (m)
        m->cfg = *cfg;
    return m;
}

void srnn_model_free(srnn_model *m)
{
    if (!m)
        return;
    srnn_vocab_free(m->vocab);
    srnn_nn_free(m->net);
    srnn_optim_free(m->optim);
    free(m->history);
    free(m->primers);
    free(m->carried);
    free(m);
}

static int vocab_copy(const srnn_vocab *src, srnn_vocab **out, srnn_error *err)
{
    unsigned char *blob = NULL;
    size_t n = 0;
    int rc = srnn_vocab_save(src, &blob, &n, err);
    if (rc)
        return rc;
    rc = srnn_vocab_load(blob, n, out, err);
    free(blob);
    return rc;
}

int srnn_model_new(srnn_model **out, const srnn_model_config *cfg, const srnn_vocab *vocab,
                   srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "no output");
    *out = NULL;
    if (!cfg || !vocab)
        return srnn_error_set(err, SRNN_EARG, "no config or vocabulary");
    srnn_model *m = model_alloc(cfg);
    if (!m)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    m->cfg.mode = (int)srnn_vocab_mode(vocab);
    m->cfg.net.vocab_size = srnn_vocab_size(vocab);
    int rc = srnn_model_config_check(&m->cfg, err);
    if (rc == 0 && srnn_model_count_params(&m->cfg.net) == 0)
        rc = srnn_error_set(err, SRNN_EINPUT, "network too large");
    if (rc == 0)
        rc = vocab_copy(vocab, &m->vocab, err);
    if (rc == 0) {
        srnn_nn_config nc;
        to_nn_config(&m->cfg.net, &nc);
        rc = srnn_nn_create(&m->net, &nc, err);
    }
    if (rc) {
        srnn_model_free(m);
        return rc;
    }
    srnn_nn_init(m->net, m->cfg.train.seed);
    *out = m;
    return SRNN_OK;
}

/* Optimizer settings from the training config; 0 keeps PyTorch's default of the kind. */
static int optim_config(const srnn_model_traincfg *t, srnn_optim_config *oc, srnn_error *err)
{
    int kind = srnn_optim_parse(t->optimizer);
    if (kind < 0)
        return srnn_error_set(err, SRNN_EINPUT, "unknown optimizer '%s'", t->optimizer);
    srnn_optim_defaults(oc, (srnn_optim_kind)kind);
    if (t->lr > 0)
        oc->lr = t->lr;
    if (t->beta1 > 0)
        oc->beta1 = t->beta1;
    if (t->beta2 > 0)
        oc->beta2 = t->beta2;
    if (t->alpha > 0)
        oc->alpha = t->alpha;
    if (t->eps > 0)
        oc->eps = t->eps;
    if (t->momentum > 0)
        oc->momentum = t->momentum;
    oc->weight_decay = t->weight_decay;
    return SRNN_OK;
}

int srnn_model_optim_create(srnn_model *m, srnn_optim **out, srnn_error *err)
{
    if (!m)
        return srnn_error_set(err, SRNN_EARG, "no model");
    if (!m->optim) {
        srnn_optim_config oc;
        int rc = optim_config(&m->cfg.train, &oc, err);
        if (rc)
            return rc;
        rc = srnn_optim_create(&m->optim, &oc, srnn_nn_num_params(m->net), err);
        if (rc)
            return rc;
        srnn_optim_set_step(m->optim, m->cfg.train.optim_step);
    }
    if (out)
        *out = m->optim;
    return SRNN_OK;
}

int srnn_model_encode(const srnn_model *m, int with_optimizer, unsigned char **bytes,
                      size_t *size, srnn_error *err)
{
    if (!m || !bytes || !size)
        return srnn_error_set(err, SRNN_EARG, "no model or output");
    *bytes = NULL;
    *size = 0;
    srnn_modelfile mf;
    memset(&mf, 0, sizeof mf);
    mf.config = m->cfg;
    int rc = srnn_vocab_save(m->vocab, &mf.vocab, &mf.vocab_size, err);
    if (rc)
        return rc;
    /* The arrays are borrowed, not copied: the codec only reads them. */
    mf.params = srnn_nn_params(m->net);
    mf.n_params = srnn_nn_num_params(m->net);
    static float no_state[1];
    if (with_optimizer && m->optim) {
        mf.n_opt_state = srnn_optim_state_size(m->optim);
        mf.opt_state = mf.n_opt_state ? srnn_optim_state(m->optim) : no_state;
        mf.config.train.optim_step = srnn_optim_get_step(m->optim);
    }
    mf.history = m->history;
    mf.n_history = m->n_history;
    mf.primers = m->primers;
    mf.n_primers = m->n_primers;
    mf.primer_len = m->primer_len;
    if (with_optimizer && m->cfg.train.window > 0) { /* a checkpoint inside an epoch */
        mf.carried = m->carried;
        mf.n_carried = m->n_carried;
        mf.carried_B = m->carried_B;
    }
    rc = srnn_modelfile_encode(&mf, bytes, size, err);
    free(mf.vocab);
    return rc;
}

int srnn_model_save(const srnn_model *m, const char *path, int with_optimizer, srnn_error *err)
{
    if (!m || !path)
        return srnn_error_set(err, SRNN_EARG, "no model or path");
    unsigned char *bytes;
    size_t n;
    int rc = srnn_model_encode(m, with_optimizer, &bytes, &n, err);
    if (rc)
        return rc;
    rc = srnn_file_write_atomic(path, bytes, n, err);
    free(bytes);
    return rc;
}

static int from_file(srnn_modelfile *mf, srnn_model **out, srnn_error *err)
{
    const srnn_model_config *cfg = &mf->config;
    srnn_model *m = model_alloc(cfg);
    if (!m)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    srnn_error verr;
    int rc = srnn_vocab_load(mf->vocab, mf->vocab_size, &m->vocab, &verr);
    if (rc) {
        srnn_error_set(err, SRNN_EINPUT, "damaged model file: vocabulary: %s", verr.msg);
        goto fail;
    }
    if ((int)srnn_vocab_mode(m->vocab) != cfg->mode ||
        srnn_vocab_size(m->vocab) != cfg->net.vocab_size) {
        rc = srnn_error_set(err, SRNN_EINPUT,
                            "damaged model file: the vocabulary (%s, %d tokens) does not match "
                            "the network (%s, %d tokens)",
                            srnn_mode_name(srnn_vocab_mode(m->vocab)), srnn_vocab_size(m->vocab),
                            srnn_mode_name((srnn_mode)cfg->mode), cfg->net.vocab_size);
        goto fail;
    }
    /* Compared before allocating: the network then takes what the file's weights take. */
    size_t want = srnn_model_count_params(&cfg->net);
    if (want == 0 || want != mf->n_params) {
        rc = srnn_error_set(err, SRNN_EINPUT,
                            "damaged model file: %zu weights where the config needs %zu",
                            mf->n_params, want);
        goto fail;
    }
    srnn_nn_config nc;
    to_nn_config(&cfg->net, &nc);
    rc = srnn_nn_create(&m->net, &nc, err);
    if (rc)
        goto fail;
    if (srnn_nn_num_params(m->net) != mf->n_params) {
        rc = srnn_error_set(err, SRNN_EINPUT, "model file does not fit this network layout");
        goto fail;
    }
    memcpy(srnn_nn_params(m->net), mf->params, mf->n_params * sizeof(float));

    if (mf->opt_state) {
        rc = srnn_model_optim_create(m, NULL, err);
        if (rc == SRNN_EINPUT) {
            srnn_error_set(err, rc, "damaged model file: optimizer state without optimizer");
            goto fail;
        }
        if (rc == SRNN_EARG) { /* the file's own settings, refused by the optimizer */
            char why[sizeof err->msg] = "";
            if (err)
                snprintf(why, sizeof why, "%s", err->msg);
            rc = srnn_error_set(err, SRNN_EINPUT, "damaged model file: %s", why);
        }
        if (rc)
            goto fail;
        size_t have = srnn_optim_state_size(m->optim);
        if (have != mf->n_opt_state) {
            rc = srnn_error_set(err, SRNN_EINPUT,
                                "damaged model file: optimizer state of %zu values where %s "
                                "needs %zu",
                                mf->n_opt_state, cfg->train.optimizer, have);
            goto fail;
        }
        if (have)
            memcpy(srnn_optim_state(m->optim), mf->opt_state, have * sizeof(float));
        srnn_optim_set_step(m->optim, cfg->train.optim_step);
    }
    /* The history array changes hands. */
    m->history = mf->history;
    m->n_history = m->cap_history = mf->n_history;
    mf->history = NULL;
    mf->n_history = 0;
    /* Primers are tokens: each must be in the vocabulary. */
    for (size_t i = 0; i < mf->n_primers * mf->primer_len; i++)
        if (mf->primers[i] >= (uint32_t)srnn_vocab_size(m->vocab)) {
            rc = srnn_error_set(err, SRNN_EINPUT, "damaged model file: primer token %u outside "
                                "the vocabulary", mf->primers[i]);
            goto fail;
        }
    m->primers = mf->primers;
    m->n_primers = mf->n_primers;
    m->primer_len = mf->primer_len;
    mf->primers = NULL;
    mf->n_primers = mf->primer_len = 0;
    m->file_version = mf->version;
    /* The carried state of a checkpoint inside an epoch goes back into the network. */
    if (mf->carried && cfg->train.window > 0) {
        if (mf->n_carried != srnn_nn_carried_size(m->net, mf->carried_B)) {
            rc = srnn_error_set(err, SRNN_EINPUT, "damaged model file: carried state of %zu "
                                "floats where %d streams have %zu", mf->n_carried,
                                mf->carried_B, srnn_nn_carried_size(m->net, mf->carried_B));
            goto fail;
        }
        if ((rc = srnn_nn_carried_set(m->net, mf->carried_B, mf->carried)) != SRNN_OK) {
            srnn_error_set(err, rc, "out of memory");
            goto fail;
        }
        m->carried = mf->carried;
        m->n_carried = mf->n_carried;
        m->carried_B = mf->carried_B;
        mf->carried = NULL;
    }
    *out = m;
    return SRNN_OK;
fail:
    srnn_model_free(m);
    return rc;
}

int srnn_model_decode(const unsigned char *bytes, size_t size, srnn_model **out, srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "no output");
    *out = NULL;
    srnn_modelfile mf;
    int rc = srnn_modelfile_decode(bytes, size, &mf, err);
    if (rc)
        return rc;
    rc = from_file(&mf, out, err);
    srnn_modelfile_release(&mf);
    return rc;
}

int srnn_model_load(const char *path, srnn_model **out, srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "no output");
    *out = NULL;
    if (!path)
        return srnn_error_set(err, SRNN_EARG, "no path");
    unsigned char *bytes;
    size_t n;
    int rc = srnn_file_read_all(path, &bytes, &n, err);
    if (rc)
        return rc;
    rc = srnn_model_decode(bytes, n, out, err);
    free(bytes);
    return rc;
}

const srnn_model_config *srnn_model_get_config(const srnn_model *m)
{
    return m ? &m->cfg : NULL;
}

srnn_model_traincfg *srnn_model_train_state(srnn_model *m)
{
    return m ? &m->cfg.train : NULL;
}

int srnn_model_mode(const srnn_model *m)
{
    return m ? m->cfg.mode : -1;
}

const srnn_vocab *srnn_model_vocab(const srnn_model *m)
{
    return m ? m->vocab : NULL;
}

srnn_nn *srnn_model_net(srnn_model *m)
{
    return m ? m->net : NULL;
}

size_t srnn_model_num_params(const srnn_model *m)
{
    return m ? srnn_nn_num_params(m->net) : 0;
}

srnn_optim *srnn_model_optim(srnn_model *m)
{
    return m ? m->optim : NULL;
}

const srnn_history_entry *srnn_model_history(const srnn_model *m, size_t *n)
{
    if (n)
        *n = m ? m->n_history : 0;
    return m ? m->history : NULL;
}

int srnn_model_history_add(srnn_model *m, const srnn_history_entry *e)
{
    if (!m || !e)
        return SRNN_EARG;
    if (m->n_history == m->cap_history) {
        size_t nc = m->cap_history ? m->cap_history * 2 : 16;
        srnn_history_entry *nh = realloc(m->history, nc * sizeof *nh);
        if (!nh)
            return SRNN_ENOMEM;
        m->history = nh;
        m->cap_history = nc;
    }
    m->history[m->n_history++] = *e;
    return SRNN_OK;
}

int srnn_model_file_version(const srnn_model *m)
{
    return m && m->file_version ? m->file_version : SRNN_MODELFILE_VERSION;
}

int srnn_model_set_carried(srnn_model *m, const float *state, size_t n, int B)
{
    if (!m || (state && (n == 0 || B <= 0)))
        return SRNN_EARG;
    float *c = NULL;
    if (state) {
        if (!(c = malloc(n * sizeof *c)))
            return SRNN_ENOMEM;
        memcpy(c, state, n * sizeof *c);
    }
    free(m->carried);
    m->carried = c;
    m->n_carried = state ? n : 0;
    m->carried_B = state ? B : 0;
    return SRNN_OK;
}

int srnn_model_set_primers(srnn_model *m, const int32_t *tokens, size_t n, size_t len)
{
    if (!m || (!tokens && n && len))
        return SRNN_EARG;
    if (len && n > SIZE_MAX / len / sizeof(uint32_t))
        return SRNN_EARG;
    int V = srnn_vocab_size(m->vocab);
    uint32_t *p = malloc((n * len + 1) * sizeof *p);
    if (!p)
        return SRNN_ENOMEM;
    for (size_t i = 0; i < n * len; i++) {
        if (tokens[i] < 0 || tokens[i] >= V) {
            free(p);
            return SRNN_EARG;
        }
        p[i] = (uint32_t)tokens[i];
    }
    free(m->primers);
    m->primers = p;
    m->n_primers = n;
    m->primer_len = len;
    return SRNN_OK;
}

const uint32_t *srnn_model_primers(const srnn_model *m, size_t *n, size_t *len)
{
    if (n)
        *n = m && m->primers ? m->n_primers : 0;
    if (len)
        *len = m && m->primers ? m->primer_len : 0;
    return m && m->n_primers ? m->primers : NULL;
}
