/* songrnn — the network (src/nn): Embedding -> causal Conv1D + ReLU (optional) -> N stacked
 * recurrent layers (LSTM, GRU or tanh RNN) with inverted dropout after each -> dense -> softmax,
 * on OpenBLAS.
 *
 * Memory, as in karpathy/llm.c: the parameters live in ONE contiguous float buffer, the
 * gradients in another of the same size and layout, the optimizer state in a third.  A
 * checkpoint is therefore one write of srnn_nn_num_params() floats.  Parameter layout, in this
 * order (shapes row-major; names as PyTorch's so a reference model maps one to one):
 *
 *   embed.weight        [V][E]
 *   conv.weight         [C][K][E]   (PyTorch Conv1d weight [C][E][K] permuted to (0,2,1))
 *   conv.bias           [C]                     -- conv.* absent when conv_channels == 0
 *   rnn.l{n}.weight_ih  [G*H][I]    G = 4 (LSTM gates i,f,g,o), 3 (GRU r,z,n), 1 (RNN)
 *   rnn.l{n}.weight_hh  [G*H][H]    I = C, or E without conv, for layer 0; H above it
 *   rnn.l{n}.bias_ih    [G*H]
 *   rnn.l{n}.bias_hh    [G*H]       -- per layer n = 0..layers-1
 *   fc.weight           [V][H]
 *   fc.bias             [V]
 *
 * srnn_nn_tensor() lists them with their offsets.  Activations are time-major inside: the
 * logits of stream b at position t are at ((t * B) + b) * V.
 *
 * Compiled with -DSRNN_NN_DOUBLE the same code works in double (gradient checks). */
#ifndef SONGRNN_NN_H
#define SONGRNN_NN_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"

#ifdef SRNN_NN_DOUBLE
typedef double srnn_real;
#else
typedef float srnn_real;
#endif

typedef enum srnn_cell { SRNN_CELL_LSTM = 0, SRNN_CELL_GRU = 1, SRNN_CELL_RNN = 2 } srnn_cell;

typedef struct srnn_nn_config {
    int vocab;         /* V: input tokens and output classes */
    int embed;         /* E */
    int conv_channels; /* C; 0: no convolution */
    int conv_kernel;   /* K >= 1 (ignored without convolution) */
    srnn_cell cell;
    int layers;        /* >= 1 */
    int hidden;        /* H */
    double dropout;    /* in [0, 1): after every recurrent layer, training only */
    double forget_bias; /* LSTM: bias_ih of the forget gate starts at this value and bias_hh's
                         * at 0 when != 0; 0 keeps PyTorch's uniform init */
} srnn_nn_config;

typedef struct srnn_nn srnn_nn;

/* Gates per cell type (4, 3, 1), -1 for an unknown cell. */
int srnn_cell_gates(srnn_cell cell);
/* "lstm" / "gru" / "rnn" -> cell; returns -1 for anything else. */
int srnn_cell_parse(const char *name);
const char *srnn_cell_name(srnn_cell cell);

/* Validates cfg and allocates the parameter and gradient buffers (parameters zeroed; call
 * srnn_nn_init).  *out is NULL on failure. */
int srnn_nn_create(srnn_nn **out, const srnn_nn_config *cfg, srnn_error *err) SRNN_WARN_UNUSED;
void srnn_nn_free(srnn_nn *nn);
const srnn_nn_config *srnn_nn_get_config(const srnn_nn *nn);

/* PyTorch's default initialization (embedding N(0,1); everything else uniform(-1/sqrt(fan_in),
 * +1/sqrt(fan_in)), fan_in = hidden for the recurrent layers), drawn from our own generator
 * seeded by seed, so a seed gives the same weights on every machine.  Also seeds dropout. */
void srnn_nn_init(srnn_nn *nn, uint64_t seed);

size_t srnn_nn_num_params(const srnn_nn *nn);
/* [num_params], writable (load a checkpoint here).  The generation step works on a packed copy
 * of the weights; this call marks that copy out of date (it is rebuilt at the next step), so
 * write through a pointer fetched after the last srnn_nn_step. */
srnn_real *srnn_nn_params(srnn_nn *nn);
srnn_real *srnn_nn_grads(srnn_nn *nn);  /* [num_params], same layout */
void srnn_nn_zero_grad(srnn_nn *nn);

/* The i-th parameter tensor (0 <= i < srnn_nn_num_tensors): name, offset in floats, rank and
 * shape.  Returns -1 when i is out of range. */
typedef struct srnn_nn_tensor_info {
    char name[32];
    size_t offset, size;
    int rank;
    int shape[3];
} srnn_nn_tensor_info;
int srnn_nn_num_tensors(const srnn_nn *nn);
int srnn_nn_tensor(const srnn_nn *nn, int i, srnn_nn_tensor_info *info);

/* ---- training: truncated BPTT over B streams ------------------------------------------- */

/* Training mode turns dropout on (default: off). */
void srnn_nn_set_training(srnn_nn *nn, int on);
/* Forward over a window: inputs and targets are [B][T] (stream-major), tokens in [0, V);
 * a target < 0 is ignored.  The hidden state (and the convolution's last K-1 inputs) of each
 * stream is carried over from the previous window of the same batch size B (a different B
 * resets it).  *loss gets the mean cross-entropy over the counted positions (0 when none).
 * targets may be NULL (logits only; no backward possible).  Buffers grow as needed. */
int srnn_nn_forward(srnn_nn *nn, const int *inputs, const int *targets, int B, int T,
                    srnn_real *loss, srnn_error *err) SRNN_WARN_UNUSED;
/* Backward of the last forward (with targets): ADDS the gradients of its mean loss to the
 * gradient buffer (call srnn_nn_zero_grad first).  Gradients stop at the window's start. */
int srnn_nn_backward(srnn_nn *nn, srnn_error *err) SRNN_WARN_UNUSED;
/* Logits of the last forward, [T][B][V] (time-major). */
const srnn_real *srnn_nn_logits(const srnn_nn *nn);
/* Forgets the carried state of every stream (zeros, as at the start of a stream). */
void srnn_nn_reset_state(srnn_nn *nn);
/* Forgets the carried state of stream b only. */
void srnn_nn_reset_stream(srnn_nn *nn, int b);
/* The carried state of B streams as floats (the convolution's last inputs, then each layer's
 * hidden and cell state), for a checkpoint inside an epoch: the count for B streams, a copy
 * out (0 and nothing written when no state of B streams is carried: it is all zeros), and a
 * copy in (which makes it the carried state of B streams). */
size_t srnn_nn_carried_size(const srnn_nn *nn, int B);
int srnn_nn_carried_get(const srnn_nn *nn, int B, srnn_real *out);
int srnn_nn_carried_set(srnn_nn *nn, int B, const srnn_real *in) SRNN_WARN_UNUSED;
/* The dropout generator's state (4 words), saved with a checkpoint inside an epoch. */
void srnn_nn_dropout_rng_get(const srnn_nn *nn, uint64_t state[4]);
void srnn_nn_dropout_rng_set(srnn_nn *nn, const uint64_t state[4]);

/* Dropout masks.  Normally drawn afresh at each training forward.  With fixed on, the forward
 * uses the masks as they are; srnn_nn_dropout_mask gives layer l's mask, [T][B][H] values 0 or
 * 1/(1-p), for a window of B x T (allocating it) so tests can set it.  NULL on bad arguments. */
void srnn_nn_set_dropout_fixed(srnn_nn *nn, int fixed);
/* Reseeds the generator of the dropout masks (srnn_nn_init seeds it too), e.g. per epoch, so a
 * resumed run draws the same masks as an uninterrupted one. */
void srnn_nn_seed_dropout(srnn_nn *nn, uint64_t seed);
srnn_real *srnn_nn_dropout_mask(srnn_nn *nn, int layer, int B, int T);

/* ---- generation: one token in, logits out (batch 1) ------------------------------------ */

/* Feeds one token; logits [V] gets the output (it may be NULL).  The step state (separate from
 * the training streams) carries over; costs one token's arithmetic.  Dropout is never applied.
 * The logits equal the forward's to float rounding (the sums run in another order).  Bound by
 * memory, the step splits the weights by rows over up to 4 threads, so that each core's share
 * stays in its own cache (see step.c). */
int srnn_nn_step(srnn_nn *nn, int token, srnn_real *logits, srnn_error *err) SRNN_WARN_UNUSED;
void srnn_nn_step_reset(srnn_nn *nn);
/* Threads of the step: 0 (the default) picks them: 1 for a network whose weights fit one
 * core's cache (under 256 kB), else one per core, at most 4.  n > 0 asks for n (at most 8, and
 * at most the hidden size, vocabulary and channels).  srnn_nn_step_threads gives the count
 * the next step uses (0 when out of memory). */
void srnn_nn_set_step_threads(srnn_nn *nn, int n);
int srnn_nn_step_threads(srnn_nn *nn);
/* The step's row-dot kernel on this CPU: "avx512", "avx2" or "blas" (cblas_?gemv). */
const char *srnn_nn_step_kernel(void);
/* Activations of the last step: layer 0..layers-1 gives that recurrent layer's hidden output
 * h [H]; layer -1 the convolution's output after ReLU [C] (NULL without convolution).
 * *size gets the length.  NULL for a bad layer. */
const srnn_real *srnn_nn_step_hidden(const srnn_nn *nn, int layer, int *size);

/* Multiply-adds of one token through the network, forward only (for FLOP/s figures). */
double srnn_nn_flops_per_token(const srnn_nn *nn);

/* The rate of a square M x M x M GEMM in this precision, GFLOP/s, timed for about `seconds`
 * (a yardstick for the network's effective rate). */
double srnn_nn_gemm_gflops(int m, double seconds);

/* A token's matrix-vector products alone (conv, every layer's W_ih and W_hh, fc), as plain
 * cblas_?gemv calls on the network's weights with OpenBLAS's threads as set: tokens per second,
 * timed for about `seconds` (a yardstick for the step). */
double srnn_nn_gemv_tokens_per_s(const srnn_nn *nn, double seconds);

/* OpenBLAS picks its kernels by the CPU's model; in virtual machines that report a generic
 * model it falls back to its oldest x86-64 kernels (Prescott, SSE3), several times slower
 * than what the CPU can run.  Returns the OpenBLAS core type (for OPENBLAS_CORETYPE) that the
 * CPU's own feature flags allow when it is better than the one in use, else NULL.  OpenBLAS
 * reads that variable only when it is loaded, so the program must be restarted with it. */
const char *srnn_nn_better_blas_core(void);

/* Threads used by OpenBLAS in training (0: all cores).  The element-wise passes are
 * single-threaded.  The generation step has its own (srnn_nn_set_step_threads). */
void srnn_nn_set_threads(int n);

/* ---- optimizers (PyTorch's formulas and defaults) ---------------------------------------- */

typedef enum srnn_optim_kind {
    SRNN_OPTIM_ADAM = 0,
    SRNN_OPTIM_RMSPROP = 1,
    SRNN_OPTIM_ADAGRAD = 2,
    SRNN_OPTIM_SGD = 3,
} srnn_optim_kind;

typedef struct srnn_optim_config {
    srnn_optim_kind kind;
    double lr;
    double beta1, beta2; /* Adam: 0.9, 0.999 */
    double alpha;        /* RMSprop: 0.99 */
    double eps;          /* Adam, RMSprop: 1e-8; Adagrad: 1e-10 */
    double momentum;     /* SGD: 0 (plain SGD) or e.g. 0.9 */
    double weight_decay; /* 0: none.  Adam: decoupled, as torch.optim.AdamW (params shrink by
                            lr * weight_decay each step); the others: L2 added to the gradient,
                            as their weight_decay argument in torch.optim */
} srnn_optim_config;

typedef struct srnn_optim srnn_optim;

/* "adam" / "rmsprop" / "adagrad" / "sgd" -> kind; -1 for anything else. */
int srnn_optim_parse(const char *name);
/* cfg with PyTorch's defaults for kind (lr: Adam 1e-3, RMSprop 1e-2, Adagrad 1e-2, SGD 0.1,
 * which callers usually override). */
void srnn_optim_defaults(srnn_optim_config *cfg, srnn_optim_kind kind);
int srnn_optim_create(srnn_optim **out, const srnn_optim_config *cfg, size_t n_params,
                      srnn_error *err) SRNN_WARN_UNUSED;
void srnn_optim_free(srnn_optim *opt);
/* The state buffer (zeroed at creation), contiguous: Adam [m | v] (2 x n_params); RMSprop
 * [square_avg]; Adagrad [sum]; SGD [momentum_buffer] (0 floats without momentum).  The step
 * counter (Adam's bias correction, SGD's first-step rule) is separate: get/set it too. */
size_t srnn_optim_state_size(const srnn_optim *opt);
srnn_real *srnn_optim_state(srnn_optim *opt);
int64_t srnn_optim_get_step(const srnn_optim *opt);
void srnn_optim_set_step(srnn_optim *opt, int64_t step);
/* The learning rate of the next steps (a schedule changes it between steps). */
void srnn_optim_set_lr(srnn_optim *opt, double lr);
double srnn_optim_get_lr(const srnn_optim *opt);
/* One update of params with grads (both n_params long). */
void srnn_optim_step(srnn_optim *opt, srnn_real *params, const srnn_real *grads);

/* torch.nn.utils.clip_grad_norm_: scales grads by max_norm / (norm + 1e-6) when that is below
 * 1.  Returns the norm before clipping.  max_norm <= 0: only measures. */
double srnn_clip_grad_norm(srnn_real *grads, size_t n, double max_norm);

#endif
