/* songrnn nn internals: the network object, shared by nn.c (training: windows of B streams)
 * and step.c (generation: one token at a time). */
#ifndef SRNN_NN_IMPL_H
#define SRNN_NN_IMPL_H

#include "layers.h"

#define MAX_LAYERS 64
#define MAX_TENSORS (3 + 4 * MAX_LAYERS + 2)

typedef struct nn_step nn_step;

typedef struct layer_acts {
    real *h;    /* [T+1][B][H], slot 0 = carried state */
    real *c;    /* LSTM [T+1][B][H] */
    real *act;  /* [T][B][G*H] */
    real *hn;   /* GRU [T][B][H] */
    real *mask; /* [T][B][H] dropout mask */
    real *y;    /* [T][B][H] output after dropout (== h + B*H without dropout) */
    real *own_y;
    real *hs, *cs; /* carried state [B][H] */
} layer_acts;

struct srnn_nn {
    srnn_nn_config cfg;
    int V, E, C, K, L, H, G;
    size_t n_params;
    real *params, *grads;
    int n_tensors;
    srnn_nn_tensor_info tensors[MAX_TENSORS];
    /* offsets of each tensor */
    size_t o_emb, o_conv_w, o_conv_b, o_fc_w, o_fc_b;
    size_t o_w_ih[MAX_LAYERS], o_w_hh[MAX_LAYERS], o_b_ih[MAX_LAYERS], o_b_hh[MAX_LAYERS];

    int training, dropout_fixed;
    int dropped; /* the last forward applied dropout */
    srnn_rng rng;

    /* training buffers, for windows of up to cap_n = B*T positions */
    size_t cap_n;
    int B, T;       /* the last forward's window */
    int state_B;    /* batch size of the carried state, 0: none yet */
    int cap_B;
    int have_targets, count;
    real loss;
    int *tok;       /* [B][T] */
    int *tgt;       /* [T][B] */
    real *emb;      /* [T][B][E] */
    real *xcol;     /* [T][B][K*E] */
    real *conv;     /* [T][B][C] */
    real *hist;     /* [B][K-1][E] carried conv inputs */
    real *logits;   /* [T][B][V] */
    real *probs;    /* [T][B][V], turned into dlogits by the backward */
    real *d1, *d2;  /* [T][B][max dim] gradient ping-pong */
    real *ws;       /* recurrent workspace */
    real *dxcol;    /* [T][B][K*E] */
    layer_acts la[MAX_LAYERS];

    /* generation step (step.c) */
    nn_step *step;
    int step_threads; /* asked for: 0 = automatic */
    int step_stale;   /* the step's packed weights are out of date */
};

/* ---- the generation step (step.c) ------------------------------------------------------ */
/* Allocates the step's state (weights are packed later, at the first step). */
int nn_step_create(srnn_nn *nn) SRNN_WARN_UNUSED;
/* Stops the step's threads and frees everything of it (NULL-safe). */
void nn_step_free(srnn_nn *nn);

#endif
