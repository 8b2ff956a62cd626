/* srnn_generate_score: the likelihood of a sequence as generation samples it, against the
 * softmax worked here from the step's logits, and (without a grammar) against the training
 * code's own sequence NLL, which runs the batched forward rather than the step. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../check.h"
#include "songrnn/nn.h"
#include "songrnn/sample.h"
#include "songrnn/train.h"
#include "songrnn/vocab.h"

enum { V = 6, START = 0, END = 1, A = 2, B = 3, C = 4, D = 5 };

/* The grammar of the test: 'c' is never sampled; 'a' is twice as likely as the network says. */
static int no_c(const int32_t *seq, size_t len, uint8_t *mask, void *ud)
{
    (void)seq;
    (void)len;
    (void)ud;
    mask[C] = 0;
    return 0;
}

static void twice_a(float *logits, const uint8_t *mask, void *ud)
{
    (void)mask;
    (void)ud;
    logits[A] += logf(2);
}

int main(void)
{
    const char *toks[V] = {"<start>", "<end>", "a", "b", "c", "d"};
    srnn_vocab *v = NULL;
    srnn_error err = {0};
    CHECK(srnn_vocab_new_from_tokens(SRNN_MODE_ABC, toks, V, &v, &err) == SRNN_OK);
    CHECK(srnn_vocab_start_id(v) == START && srnn_vocab_end_id(v) == END);
    srnn_nn_config cfg = {.vocab = V, .embed = 3, .cell = SRNN_CELL_LSTM, .layers = 1,
                          .hidden = 5};
    srnn_nn *nn = NULL;
    CHECK(srnn_nn_create(&nn, &cfg, &err) == SRNN_OK);
    srnn_nn_init(nn, 7);
    const int32_t seq[] = {START, A, B, C, A, D, B, END};
    const size_t n = sizeof seq / sizeof seq[0];

    /* By hand: the step's logits, their softmax over all tokens (the training's NLL), over
     * all but <start> (what generation may sample), and with the test's grammar. */
    double full = 0, no_start = 0, grammar = 0, full_each[V + 8], grammar_each[V + 8];
    float lg[V];
    srnn_nn_step_reset(nn);
    for (size_t i = 0; i + 1 < n; i++) {
        CHECK(srnn_nn_step(nn, seq[i], lg, &err) == SRNN_OK);
        int t = seq[i + 1];
        double z_all = 0, z_ns = 0, z_g = 0;
        for (int k = 0; k < V; k++) {
            double e = exp(lg[k]);
            z_all += e;
            z_ns += k != START ? e : 0;
            z_g += k == START || k == C ? 0 : k == A ? 2 * e : e;
        }
        full_each[i] = -(lg[t] - log(z_all));
        full += full_each[i];
        no_start += -(lg[t] - log(z_ns));
        /* 'c' cannot be sampled: scored by the network alone */
        grammar_each[i] =
            t == C ? -(lg[t] - log(z_all)) : -(log(t == A ? 2 : 1) + lg[t] - log(z_g));
        grammar += grammar_each[i];
    }

    double train_nll = 0;
    size_t train_count = 0;
    CHECK(srnn_train_sequence_nll(nn, seq, n, 3, &train_nll, &train_count, &err) == SRNN_OK);
    CHECK(train_count == n - 1);
    CHECK_MSG(fabs(train_nll - full) < 1e-4, "%g %g", train_nll, full);

    srnn_generate_opts go = {.sample = {.temperature = 1, .top_p = 1}, .length = 1};
    double nll = -1;
    size_t count = 0, outside = 9;
    CHECK(srnn_generate_score(nn, v, &go, seq, n, &nll, &count, &outside, &err) == SRNN_OK);
    CHECK(count == n - 1 && outside == 0);
    CHECK_MSG(fabs(nll - no_start) < 1e-4, "%g %g", nll, no_start);
    CHECK(no_start < full); /* one token fewer to share the mass with */

    go.constrain = no_c;
    go.reweight = twice_a;
    CHECK(srnn_generate_score(nn, v, &go, seq, n, &nll, &count, &outside, &err) == SRNN_OK);
    CHECK(count == n - 1 && outside == 1);
    CHECK_MSG(fabs(nll - grammar) < 1e-4, "%g %g", nll, grammar);

    /* Token by token: the network alone and as sampled, each against the hand-worked one. */
    double net[V + 8], sampled[V + 8];
    CHECK(srnn_generate_score_each(nn, v, &go, seq, n, net, sampled, &outside, &err) ==
          SRNN_OK);
    CHECK(outside == 1);
    for (size_t i = 0; i + 1 < n; i++) {
        CHECK_MSG(fabs(net[i] - full_each[i]) < 1e-4, "%zu: %g %g", i, net[i], full_each[i]);
        CHECK_MSG(fabs(sampled[i] - grammar_each[i]) < 1e-4, "%zu: %g %g", i, sampled[i],
                  grammar_each[i]);
    }
    CHECK(srnn_generate_score_each(nn, v, &go, seq, n, net, NULL, &outside, &err) == SRNN_OK);
    CHECK(fabs(net[3] - full_each[3]) < 1e-4);

    /* At temperature 2 the logits are halved before the softmax. */
    go.constrain = NULL;
    go.reweight = NULL;
    go.sample.temperature = 2;
    double t2 = 0;
    srnn_nn_step_reset(nn);
    for (size_t i = 0; i + 1 < n; i++) {
        CHECK(srnn_nn_step(nn, seq[i], lg, &err) == SRNN_OK);
        double z = 0;
        for (int k = 1; k < V; k++)
            z += exp(lg[k] / 2);
        t2 += -(lg[seq[i + 1]] / 2 - log(z));
    }
    CHECK(srnn_generate_score(nn, v, &go, seq, n, &nll, &count, &outside, &err) == SRNN_OK);
    CHECK_MSG(fabs(nll - t2) < 1e-4, "%g %g", nll, t2);

    /* Bad input: a token outside the vocabulary, a temperature of 0. */
    const int32_t bad[] = {START, 9};
    go.sample.temperature = 1;
    CHECK(srnn_generate_score(nn, v, &go, bad, 2, &nll, &count, &outside, &err) == SRNN_EINPUT);
    go.sample.temperature = 0;
    CHECK(srnn_generate_score(nn, v, &go, seq, n, &nll, &count, &outside, &err) == SRNN_EARG);

    srnn_nn_free(nn);
    srnn_vocab_free(v);
    return check_finish("test_score");
}
