/* songrnn nn internals: the layers, each a forward/backward pair in the style of llm.c:
 *   layer_forward(out..., in, params..., sizes)
 *   layer_backward(din, dparams..., dout, saved activations..., params..., sizes)
 * Everything is time-major: a [T][B][X] tensor holds stream b's vector at time t at
 * (t * B + b) * X.  Weight and bias gradients are ADDED to (so a caller can accumulate);
 * input gradients are overwritten.  The math is on `real` (float, or double with
 * -DSRNN_NN_DOUBLE) so the gradient check runs the very same code in double. */
#ifndef SRNN_NN_LAYERS_H
#define SRNN_NN_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/nn.h"
#include "songrnn/rng.h"

typedef srnn_real real;

/* Random numbers come from the project's generator (songrnn/rng.h). */

/* ---- embedding ---------------------------------------------------------------------- */
/* out [T][B][E] = w[tok[b][t]]; tok is [B][T] (stream-major, as callers hold it). */
void embedding_forward(real *out, const int *tok, const real *w, int B, int T, int E);
void embedding_backward(real *dw, const real *dout, const int *tok, int B, int T, int E);

/* ---- causal Conv1D + ReLU ------------------------------------------------------------ */
/* out[t] = relu(b + sum_k w[:, k, :] . x[t-K+1+k]), where times before 0 read hist [B][K-1][E]
 * (the previous window's last K-1 inputs; zeros at a stream's start).  xcol [T][B][K*E] is
 * the unfolded input, saved for the backward; w is [C][K][E]. */
void conv_forward(real *out, real *xcol, const real *x, const real *hist, const real *w,
                  const real *b, int B, int T, int E, int C, int K);
/* dout is overwritten (ReLU's mask applied in place).  dx [T][B][E] gets the gradient of the
 * window's inputs (history gets none: truncated BPTT).  dxcol is scratch [T][B][K*E]. */
void conv_backward(real *dx, real *dw, real *db, real *dout, real *dxcol, const real *out,
                   const real *xcol, const real *w, int B, int T, int E, int C, int K);
/* The last K-1 inputs after this window, for the next: hist [B][K-1][E] updated in place. */
void conv_carry(real *hist, const real *x, int B, int T, int E, int K);

/* ---- recurrent layers (PyTorch's formulations) ---------------------------------------- */
/* h, c: [T+1][B][H] with slot 0 the initial state (given) and slot t+1 the output at t.
 * act: [T][B][G*H] gate activations (LSTM i,f,g,o; GRU r,z,n; RNN unused).
 * hn: GRU only, [T][B][H], W_hn h + b_hn saved for the backward.
 * ws: workspace of nn_rnn_ws_size(cell, B, H) reals. */
size_t nn_rnn_ws_size(srnn_cell cell, int B, int T, int H);
void rnn_layer_forward(srnn_cell cell, real *h, real *c, real *act, real *hn, const real *x,
                       const real *w_ih, const real *w_hh, const real *b_ih, const real *b_hh,
                       real *ws, int B, int T, int D, int H);
/* dh [T][B][H]: gradient of the outputs h[1..T]; dx [T][B][D] overwritten (may be NULL). */
void rnn_layer_backward(srnn_cell cell, real *dx, real *dw_ih, real *dw_hh, real *db_ih,
                        real *db_hh, const real *dh, const real *h, const real *c,
                        const real *act, const real *hn, const real *x, const real *w_ih,
                        const real *w_hh, real *ws, int B, int T, int D, int H);
/* The element-wise cells, for B rows of H units (the step runs them on a slice of units).
 * LSTM: g [B][4][H] pre-activations i,f,g,o (squashed in place); c = f*cp + i*g, h = o*tanh(c)
 *   into hc, cc [B][H] (cc may alias cp).
 * GRU: g [B][3][H] input parts r,z,n with b_ih; gh [B][3][H] hidden parts with b_hh; hnv [B][H]
 *   gets W_hn h + b_hn; h = (1-z)*n + z*hp into hc. */
void nn_lstm_cell(real *g, real *hc, real *cc, const real *cp, int B, int H);
void nn_gru_cell(real *g, real *hnv, const real *gh, real *hc, const real *hp, int B, int H);

/* ---- inverted dropout ---------------------------------------------------------------- */
/* mask [n]: 0 with probability p, else 1/(1-p). */
void dropout_mask(real *mask, size_t n, double p, srnn_rng *rng);
void dropout_forward(real *out, const real *x, const real *mask, size_t n);
void dropout_backward(real *dx, const real *dout, const real *mask, size_t n);

/* ---- dense ---------------------------------------------------------------------------- */
/* out [N][O] = x [N][D] . w^T + b, w [O][D]. */
void dense_forward(real *out, const real *x, const real *w, const real *b, int N, int D, int O);
void dense_backward(real *dx, real *dw, real *db, const real *dout, const real *x, const real *w,
                    int N, int D, int O);

/* ---- softmax cross-entropy, mean over counted rows ------------------------------------ */
/* probs [N][V] = softmax(logits); targets [N] (< 0: ignored).  Returns the mean loss (0 when
 * no row counts); *count gets the number of counted rows. */
double crossentropy_forward(real *probs, const real *logits, const int *targets, int N, int V,
                            int *count);
/* dlogits = (probs - onehot) / count, 0 on ignored rows; may alias probs. */
void crossentropy_backward(real *dlogits, const real *probs, const int *targets, int N, int V,
                           int count);

#endif
