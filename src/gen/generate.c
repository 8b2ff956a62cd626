/* Generation: prime the network, then sample token after token through the step API. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/nn.h"
#include "songrnn/sample.h"
#include "songrnn/vocab.h"

/* Whether a token counts toward the length: notes mode counts events (the first pitch or chord
 * token of an event: one that does not follow a duration, which would make it another part of
 * the same event), the other modes every token. */
static int is_part(const srnn_vocab *v, int id)
{
    const char *s = srnn_vocab_token(v, id);
    return s && (s[0] == 'N' || s[0] == 'C') && s[1] >= '0' && s[1] <= '9';
}

static int is_duration(const srnn_vocab *v, int id)
{
    const char *s = srnn_vocab_token(v, id);
    return s && s[0] == 'D' && s[1] >= '0' && s[1] <= '9';
}

static int counts(const srnn_vocab *v, int prev, int id)
{
    if (srnn_vocab_mode(v) != SRNN_MODE_NOTES)
        return 1;
    return is_part(v, id) && !(prev >= 0 && is_duration(v, prev));
}

int srnn_generate(srnn_nn *nn, const srnn_vocab *v, const srnn_generate_opts *o, int32_t **out,
                  size_t *n, srnn_error *err)
{
    if (!nn || !v || !o || !out || !n)
        return srnn_error_set(err, SRNN_EARG, "nothing to generate with");
    *out = NULL;
    *n = 0;
    int rc = srnn_sample_opts_check(&o->sample, err);
    if (rc != SRNN_OK)
        return rc;
    int V = srnn_vocab_size(v);
    if (srnn_nn_get_config(nn)->vocab != V)
        return srnn_error_set(err, SRNN_EINPUT, "the network's vocabulary (%d) is not the "
                              "vocabulary's (%d)", srnn_nn_get_config(nn)->vocab, V);
    if (o->length <= 0)
        return srnn_error_set(err, SRNN_EARG, "length must be positive");
    int start = srnn_vocab_start_id(v), end = srnn_vocab_end_id(v);
    int notes = srnn_vocab_mode(v) == SRNN_MODE_NOTES;

    /* Room for the primer and, in notes mode, several tokens an event (shift, duration...). */
    size_t cap = o->n_prime + 1 + (size_t)o->length * (notes ? 4 : 1) + 16;
    int32_t *seq = malloc(cap * sizeof *seq);
    float *logits = malloc((size_t)V * sizeof *logits);
    float *scratch = malloc((size_t)V * 3 * sizeof *scratch);
    uint8_t *mask = malloc((size_t)V);
    if (!seq || !logits || !scratch || !mask) {
        free(seq);
        free(logits);
        free(scratch);
        free(mask);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    memset(mask, 1, (size_t)V);
    mask[start] = 0;
    if (notes)
        mask[end] = 0;

    size_t len = 0;
    if (o->n_prime == 0 || o->prime[0] != start)
        seq[len++] = start;
    for (size_t i = 0; i < o->n_prime; i++) {
        if (o->prime[i] < 0 || o->prime[i] >= V) {
            rc = srnn_error_set(err, SRNN_EINPUT, "primer token %d is outside the vocabulary",
                                o->prime[i]);
            goto done;
        }
        seq[len++] = o->prime[i];
    }

    srnn_rng rng;
    srnn_rng_seed(&rng, o->seed);
    srnn_nn_step_reset(nn);
    for (size_t i = 0; i + 1 < len; i++)
        if ((rc = srnn_nn_step(nn, seq[i], NULL, err)) != SRNN_OK)
            goto done;
    int produced = 0;
    int last = seq[len - 1];
    /* A model may never emit what counts (a notes model stuck on time shifts): bound the
     * tokens too, so generation always ends. */
    size_t max_tokens = (size_t)o->length * (notes ? 32 : 1) + 64, sampled = 0;
    while (produced < o->length && sampled++ < max_tokens) {
        if ((rc = srnn_nn_step(nn, last, logits, err)) != SRNN_OK)
            goto done;
        if (o->constrain) {
            memset(mask, 1, (size_t)V);
            mask[start] = 0;
            if (notes)
                mask[end] = 0;
            if (o->constrain(seq, len, mask, o->constrain_ud))
                break;
        }
        if (o->reweight)
            o->reweight(logits, mask, o->constrain_ud);
        int tok = srnn_sample_token(logits, V, &o->sample, srnn_rng_uniform(&rng), mask, scratch);
        if (len == cap) {
            size_t nc = cap * 2;
            int32_t *ns = realloc(seq, nc * sizeof *ns);
            if (!ns) {
                rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
                goto done;
            }
            seq = ns;
            cap = nc;
        }
        seq[len++] = tok;
        last = tok;
        if (o->on_token && o->on_token(tok, o->ud))
            break;
        if (tok == end)
            break;
        produced += counts(v, len >= 2 ? seq[len - 2] : -1, tok);
    }
    /* In notes mode the last event wants its duration: one more step, durations only. */
    if (notes && is_part(v, last) && produced >= o->length) {
        memset(mask, 0, (size_t)V);
        for (int i = 0; i < V; i++) {
            const char *s = srnn_vocab_token(v, i);
            mask[i] = s && s[0] == 'D' && s[1] >= '0' && s[1] <= '9';
        }
        if ((rc = srnn_nn_step(nn, last, logits, err)) != SRNN_OK)
            goto done;
        int tok = srnn_sample_token(logits, V, &o->sample, srnn_rng_uniform(&rng), mask, scratch);
        if (len < cap && mask[tok]) {
            seq[len++] = tok;
            if (o->on_token)
                (void)o->on_token(tok, o->ud);
        }
    }
    rc = SRNN_OK;
    *out = seq;
    *n = len;
    seq = NULL;
done:
    free(seq);
    free(logits);
    free(scratch);
    free(mask);
    return rc;
}

/* log of the sum of exp(x[i] / t) over the allowed entries (all when mask is NULL) */
static double log_sum_exp(const float *x, const uint8_t *mask, int n, double t)
{
    double mx = -INFINITY, sum = 0;
    for (int i = 0; i < n; i++)
        if ((!mask || mask[i]) && x[i] / t > mx)
            mx = x[i] / t;
    for (int i = 0; i < n; i++)
        if (!mask || mask[i])
            sum += exp(x[i] / t - mx);
    return mx + log(sum);
}

int srnn_generate_score(srnn_nn *nn, const srnn_vocab *v, const srnn_generate_opts *o,
                        const int32_t *tokens, size_t n, double *nll, size_t *count,
                        size_t *outside, srnn_error *err)
{
    if (!nll || !count)
        return srnn_error_set(err, SRNN_EARG, "nothing to score");
    *nll = 0;
    *count = 0;
    double *each = n > 1 ? malloc((n - 1) * sizeof *each) : NULL;
    if (n > 1 && !each)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    int rc = srnn_generate_score_each(nn, v, o, tokens, n, NULL, each, outside, err);
    for (size_t i = 0; rc == SRNN_OK && i + 1 < n; i++)
        *nll += each[i];
    *count = rc == SRNN_OK && n > 1 ? n - 1 : 0;
    free(each);
    return rc;
}

int srnn_generate_score_each(srnn_nn *nn, const srnn_vocab *v, const srnn_generate_opts *o,
                             const int32_t *tokens, size_t n, double *net, double *sampled,
                             size_t *outside, srnn_error *err)
{
    if (!nn || !v || !o || (!tokens && n) || !outside)
        return srnn_error_set(err, SRNN_EARG, "nothing to score");
    *outside = 0;
    if (!(o->sample.temperature > 0) || !isfinite(o->sample.temperature))
        return srnn_error_set(err, SRNN_EARG, "temperature must be a number above 0");
    int V = srnn_vocab_size(v);
    if (srnn_nn_get_config(nn)->vocab != V)
        return srnn_error_set(err, SRNN_EINPUT, "the network's vocabulary (%d) is not the "
                              "vocabulary's (%d)", srnn_nn_get_config(nn)->vocab, V);
    for (size_t i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= V)
            return srnn_error_set(err, SRNN_EINPUT, "token %d is outside the vocabulary",
                                  tokens[i]);
    int start = srnn_vocab_start_id(v), end = srnn_vocab_end_id(v);
    int notes = srnn_vocab_mode(v) == SRNN_MODE_NOTES;
    float *logits = malloc((size_t)V * sizeof *logits);
    uint8_t *mask = malloc((size_t)V);
    if (!logits || !mask) {
        free(logits);
        free(mask);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    double t = o->sample.temperature;
    int rc = SRNN_OK;
    srnn_nn_step_reset(nn);
    for (size_t i = 0; i + 1 < n; i++) {
        if ((rc = srnn_nn_step(nn, tokens[i], logits, err)) != SRNN_OK)
            break;
        int tg = tokens[i + 1];
        memset(mask, 1, (size_t)V);
        mask[start] = 0;
        if (notes)
            mask[end] = 0;
        if (o->constrain)
            (void)o->constrain(tokens, i + 1, mask, o->constrain_ud);
        /* the network alone first: the grammar's reweighting changes the logits */
        double alone = net || !mask[tg] ? log_sum_exp(logits, NULL, V, t) - logits[tg] / t : 0;
        if (net)
            net[i] = alone;
        if (!sampled)
            continue;
        if (mask[tg]) {
            if (o->reweight)
                o->reweight(logits, mask, o->constrain_ud);
            sampled[i] = log_sum_exp(logits, mask, V, t) - logits[tg] / t;
        } else { /* a token the sampler would never take: the network alone */
            sampled[i] = alone;
            ++*outside;
        }
    }
    srnn_nn_step_reset(nn);
    free(logits);
    free(mask);
    return rc;
}
