/* songrnn nn: the layers, forward and backward.  See layers.h for the conventions.  The hot
 * paths are a few large GEMMs: the input projections of all T steps in one GEMM, one recurrent
 * GEMM per step, the weight gradients of all steps in one GEMM after the backward time loop;
 * the gates of a step sit in one buffer and go through one fused element-wise pass. */
#include "layers.h"

#include <math.h>
#include <string.h>

#include "blas.h"
#include "fastmath.h"

/* db [M] += the column sums of d [N][M]. */
static void colsum_add(real *db, const real *d, int N, int M)
{
    for (int n = 0; n < N; n++) {
        const real *row = d + (size_t)n * M;
        for (int j = 0; j < M; j++)
            db[j] += row[j];
    }
}

/* Every row of out [N][M] = a (+ b when not NULL). */
static void fill_rows(real *out, const real *a, const real *b, int N, int M)
{
    for (int j = 0; j < M; j++)
        out[j] = b ? a[j] + b[j] : a[j];
    for (int n = 1; n < N; n++)
        memcpy(out + (size_t)n * M, out, (size_t)M * sizeof(real));
}

/* ---- embedding ----------------------------------------------------------------------- */

void embedding_forward(real *out, const int *tok, const real *w, int B, int T, int E)
{
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++)
            memcpy(out + ((size_t)t * B + b) * E, w + (size_t)tok[(size_t)b * T + t] * E,
                   (size_t)E * sizeof(real));
}

void embedding_backward(real *dw, const real *dout, const int *tok, int B, int T, int E)
{
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            real *row = dw + (size_t)tok[(size_t)b * T + t] * E;
            const real *d = dout + ((size_t)t * B + b) * E;
            for (int e = 0; e < E; e++)
                row[e] += d[e];
        }
}

/* ---- causal Conv1D + ReLU ------------------------------------------------------------ */

void conv_forward(real *out, real *xcol, const real *x, const real *hist, const real *w,
                  const real *b, int B, int T, int E, int C, int K)
{
    int KE = K * E;
    size_t N = (size_t)T * B;
    for (int t = 0; t < T; t++)
        for (int bb = 0; bb < B; bb++) {
            real *row = xcol + ((size_t)t * B + bb) * KE;
            for (int k = 0; k < K; k++) {
                int s = t - K + 1 + k;
                const real *src = s >= 0 ? x + ((size_t)s * B + bb) * E
                                         : hist + ((size_t)bb * (K - 1) + (K - 1 + s)) * E;
                memcpy(row + (size_t)k * E, src, (size_t)E * sizeof(real));
            }
        }
    fill_rows(out, b, NULL, (int)N, C);
    GEMM_NT((int)N, C, KE, xcol, KE, w, KE, 1, out, C);
    for (size_t i = 0; i < N * C; i++)
        out[i] = out[i] > 0 ? out[i] : 0;
}

void conv_backward(real *dx, real *dw, real *db, real *dout, real *dxcol, const real *out,
                   const real *xcol, const real *w, int B, int T, int E, int C, int K)
{
    int KE = K * E;
    size_t N = (size_t)T * B;
    for (size_t i = 0; i < N * C; i++)
        if (!(out[i] > 0))
            dout[i] = 0;
    colsum_add(db, dout, (int)N, C);
    GEMM_TN(C, KE, (int)N, dout, C, xcol, KE, 1, dw, KE);
    GEMM_NN((int)N, KE, C, dout, C, w, KE, 0, dxcol, KE);
    memset(dx, 0, N * E * sizeof(real));
    for (int t = 0; t < T; t++)
        for (int bb = 0; bb < B; bb++) {
            const real *row = dxcol + ((size_t)t * B + bb) * KE;
            for (int k = 0; k < K; k++) {
                int s = t - K + 1 + k;
                if (s < 0)
                    continue; /* the previous window's inputs: no gradient (truncated BPTT) */
                real *d = dx + ((size_t)s * B + bb) * E;
                const real *src = row + (size_t)k * E;
                for (int e = 0; e < E; e++)
                    d[e] += src[e];
            }
        }
}

void conv_carry(real *hist, const real *x, int B, int T, int E, int K)
{
    int H = K - 1;
    for (int bb = 0; bb < B; bb++)
        for (int j = 0; j < H; j++) { /* ascending j reads hist[j + T] before overwriting it */
            int s = T - H + j;
            real *dst = hist + ((size_t)bb * H + j) * E;
            const real *src = s >= 0 ? x + ((size_t)s * B + bb) * E : hist + ((size_t)bb * H + j + T) * E;
            memmove(dst, src, (size_t)E * sizeof(real));
        }
}

/* ---- recurrent layers ---------------------------------------------------------------- */

size_t nn_rnn_ws_size(srnn_cell cell, int B, int T, int H)
{
    size_t N = (size_t)T * B, BH = (size_t)B * H;
    switch (cell) {
    case SRNN_CELL_LSTM: return N * 4 * H + 2 * BH;
    case SRNN_CELL_GRU: return 2 * N * 3 * H + BH + (size_t)B * 3 * H;
    default: return N * H + BH;
    }
}

/* The fused element-wise pass of one LSTM step over B rows: g [B][4H] pre-activations in,
 * activations out; c, h of the step written. */
void nn_lstm_cell(real *g, real *hc, real *cc, const real *cp, int B, int H)
{
    for (int b = 0; b < B; b++) {
        real *gi = g + (size_t)b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;
        const real *cpb = cp + (size_t)b * H;
        real *cb = cc + (size_t)b * H, *hb = hc + (size_t)b * H;
        nn_sigmoid_ip(gi, 2 * H); /* i and f are adjacent */
        nn_tanh_ip(gg, H);
        nn_sigmoid_ip(go, H);
        for (int j = 0; j < H; j++)
            cb[j] = gf[j] * cpb[j] + gi[j] * gg[j];
        nn_tanh_to(hb, cb, H);
        for (int j = 0; j < H; j++)
            hb[j] *= go[j];
    }
}

void nn_gru_cell(real *g, real *hnv, const real *gh, real *hc, const real *hp, int B, int H)
{
    for (int b = 0; b < B; b++) {
        real *r = g + (size_t)b * 3 * H, *z = r + H, *n = z + H;
        const real *ghr = gh + (size_t)b * 3 * H, *ghz = ghr + H, *ghn = ghz + H;
        const real *hpb = hp + (size_t)b * H;
        real *hb = hc + (size_t)b * H, *hnb = hnv + (size_t)b * H;
        for (int j = 0; j < 2 * H; j++)
            r[j] += ghr[j]; /* r and z */
        nn_sigmoid_ip(r, 2 * H);
        for (int j = 0; j < H; j++) {
            hnb[j] = ghn[j];
            n[j] += r[j] * ghn[j];
        }
        nn_tanh_ip(n, H);
        for (int j = 0; j < H; j++)
            hb[j] = (1 - z[j]) * n[j] + z[j] * hpb[j];
    }
}

void rnn_layer_forward(srnn_cell cell, real *h, real *c, real *act, real *hn, const real *x,
                       const real *w_ih, const real *w_hh, const real *b_ih, const real *b_hh,
                       real *ws, int B, int T, int I, int H)
{
    int G = srnn_cell_gates(cell), GH = G * H;
    size_t N = (size_t)T * B, BH = (size_t)B * H;
    if (cell == SRNN_CELL_RNN) {
        /* the pre-activations go straight into h[1..T] and are squashed in place */
        real *out = h + BH;
        fill_rows(out, b_ih, b_hh, (int)N, H);
        GEMM_NT((int)N, H, I, x, I, w_ih, I, 1, out, H);
        for (int t = 0; t < T; t++) {
            real *hc = h + (size_t)(t + 1) * BH;
            GEMM_NT(B, H, H, h + (size_t)t * BH, H, w_hh, H, 1, hc, H);
            nn_tanh_ip(hc, (int)BH);
        }
        return;
    }
    /* input projections of all steps in one GEMM */
    fill_rows(act, b_ih, cell == SRNN_CELL_LSTM ? b_hh : NULL, (int)N, GH);
    GEMM_NT((int)N, GH, I, x, I, w_ih, I, 1, act, GH);
    for (int t = 0; t < T; t++) {
        real *g = act + (size_t)t * B * GH;
        const real *hp = h + (size_t)t * BH;
        real *hc = h + (size_t)(t + 1) * BH;
        if (cell == SRNN_CELL_LSTM) {
            GEMM_NT(B, GH, H, hp, H, w_hh, H, 1, g, GH);
            nn_lstm_cell(g, hc, c + (size_t)(t + 1) * BH, c + (size_t)t * BH, B, H);
        } else {
            real *gh = ws;
            fill_rows(gh, b_hh, NULL, B, GH);
            GEMM_NT(B, GH, H, hp, H, w_hh, H, 1, gh, GH);
            nn_gru_cell(g, hn + (size_t)t * BH, gh, hc, hp, B, H);
        }
    }
}

void rnn_layer_backward(srnn_cell cell, real *dx, real *dw_ih, real *dw_hh, real *db_ih,
                        real *db_hh, const real *dh, const real *h, const real *c,
                        const real *act, const real *hn, const real *x, const real *w_ih,
                        const real *w_hh, real *ws, int B, int T, int I, int H)
{
    int G = srnn_cell_gates(cell), GH = G * H;
    size_t N = (size_t)T * B, BH = (size_t)B * H;
    real *dg = ws;                      /* [T][B][GH]: gradients of the pre-activations */
    real *dgh = dg + N * GH;            /* GRU: [T][B][GH] of the hidden-side pre-activations */
    real *dh_next = cell == SRNN_CELL_GRU ? dgh + N * GH : dg + N * GH; /* [B][H] */
    real *dc_next = dh_next + BH;       /* LSTM: [B][H] */
    memset(dh_next, 0, BH * sizeof(real));
    if (cell == SRNN_CELL_LSTM)
        memset(dc_next, 0, BH * sizeof(real));

    for (int t = T - 1; t >= 0; t--) {
        const real *dht = dh + (size_t)t * BH;
        const real *hp = h + (size_t)t * BH, *hc = h + (size_t)(t + 1) * BH;
        if (cell == SRNN_CELL_LSTM) {
            const real *a = act + (size_t)t * B * GH;
            real *d = dg + (size_t)t * B * GH;
            const real *cp = c + (size_t)t * BH, *cc = c + (size_t)(t + 1) * BH;
            for (int b = 0; b < B; b++) {
                const real *ai = a + (size_t)b * GH, *af = ai + H, *ag = af + H, *ao = ag + H;
                real *di = d + (size_t)b * GH, *df = di + H, *dgg = df + H, *dop = dgg + H;
                size_t o = (size_t)b * H;
                real *tcv = dop; /* tanh(c) parked in do's slot, read back below */
                nn_tanh_to(tcv, cc + o, H);
                for (int j = 0; j < H; j++) {
                    real dhv = dht[o + j] + dh_next[o + j];
                    real tc = tcv[j], i = ai[j], f = af[j], gg = ag[j], og = ao[j];
                    real dc = dc_next[o + j] + dhv * og * (1 - tc * tc);
                    di[j] = dc * gg * i * (1 - i);
                    df[j] = dc * cp[o + j] * f * (1 - f);
                    dgg[j] = dc * i * (1 - gg * gg);
                    dop[j] = dhv * tc * og * (1 - og);
                    dc_next[o + j] = dc * f;
                }
            }
            if (t > 0)
                GEMM_NN(B, H, GH, d, GH, w_hh, H, 0, dh_next, H);
        } else if (cell == SRNN_CELL_GRU) {
            const real *a = act + (size_t)t * B * GH;
            const real *hnt = hn + (size_t)t * BH;
            real *dx_ = dg + (size_t)t * B * GH, *dh_ = dgh + (size_t)t * B * GH;
            for (int b = 0; b < B; b++) {
                const real *r = a + (size_t)b * GH, *z = r + H, *n = z + H;
                real *dxr = dx_ + (size_t)b * GH, *dxz = dxr + H, *dxn = dxz + H;
                real *dhr = dh_ + (size_t)b * GH, *dhz = dhr + H, *dhn = dhz + H;
                size_t o = (size_t)b * H;
                for (int j = 0; j < H; j++) {
                    real dhv = dht[o + j] + dh_next[o + j];
                    real dnp = dhv * (1 - z[j]) * (1 - n[j] * n[j]);
                    real drp = dnp * hnt[o + j] * r[j] * (1 - r[j]);
                    real dzp = dhv * (hp[o + j] - n[j]) * z[j] * (1 - z[j]);
                    dxr[j] = dhr[j] = drp;
                    dxz[j] = dhz[j] = dzp;
                    dxn[j] = dnp;
                    dhn[j] = dnp * r[j];
                    dh_next[o + j] = dhv * z[j];
                }
            }
            if (t > 0)
                GEMM_NN(B, H, GH, dh_, GH, w_hh, H, 1, dh_next, H);
        } else {
            real *d = dg + (size_t)t * BH;
            for (size_t k = 0; k < BH; k++)
                d[k] = (dht[k] + dh_next[k]) * (1 - hc[k] * hc[k]);
            if (t > 0)
                GEMM_NN(B, H, H, d, H, w_hh, H, 0, dh_next, H);
        }
        (void)hp;
    }
    const real *dgh_ = cell == SRNN_CELL_GRU ? dgh : dg;
    /* weight gradients of all steps in one GEMM each; h[0..T-1] are the previous states */
    GEMM_TN(GH, I, (int)N, dg, GH, x, I, 1, dw_ih, I);
    GEMM_TN(GH, H, (int)N, dgh_, GH, h, H, 1, dw_hh, H);
    colsum_add(db_ih, dg, (int)N, GH);
    colsum_add(db_hh, dgh_, (int)N, GH);
    if (dx)
        GEMM_NN((int)N, I, GH, dg, GH, w_ih, I, 0, dx, I);
}

/* ---- dropout --------------------------------------------------------------------------- */

void dropout_mask(real *mask, size_t n, double p, srnn_rng *rng)
{
    real keep = (real)(1.0 / (1.0 - p));
    /* two 24-bit uniforms per 64-bit draw; p is compared at that resolution */
    uint32_t thr = (uint32_t)(p * 16777216.0 + 0.5);
    size_t i = 0;
    while (i < n) {
        uint64_t r = srnn_rng_next(rng);
        mask[i++] = (uint32_t)(r >> 40) < thr ? 0 : keep;
        if (i < n)
            mask[i++] = (uint32_t)((r >> 8) & 0xffffff) < thr ? 0 : keep;
    }
}

void dropout_forward(real *out, const real *x, const real *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = x[i] * mask[i];
}

void dropout_backward(real *dx, const real *dout, const real *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dx[i] = dout[i] * mask[i];
}

/* ---- dense ----------------------------------------------------------------------------- */

void dense_forward(real *out, const real *x, const real *w, const real *b, int N, int I, int O)
{
    fill_rows(out, b, NULL, N, O);
    GEMM_NT(N, O, I, x, I, w, I, 1, out, O);
}

void dense_backward(real *dx, real *dw, real *db, const real *dout, const real *x, const real *w,
                    int N, int I, int O)
{
    GEMM_TN(O, I, N, dout, O, x, I, 1, dw, I);
    colsum_add(db, dout, N, O);
    if (dx)
        GEMM_NN(N, I, O, dout, O, w, I, 0, dx, I);
}

/* ---- softmax cross-entropy ----------------------------------------------------------- */

double crossentropy_forward(real *probs, const real *logits, const int *targets, int N, int V,
                            int *count)
{
    double loss = 0;
    int cnt = 0;
    for (int n = 0; n < N; n++) {
        const real *l = logits + (size_t)n * V;
        real *p = probs + (size_t)n * V;
        real mx = l[0];
        for (int v = 1; v < V; v++)
            mx = l[v] > mx ? l[v] : mx;
        for (int v = 0; v < V; v++)
            p[v] = l[v] - mx;
        nn_exp_ip(p, V);
        double sum = 0;
        for (int v = 0; v < V; v++)
            sum += p[v];
        real inv = (real)(1.0 / sum);
        for (int v = 0; v < V; v++)
            p[v] *= inv;
        if (targets[n] >= 0) {
            /* log-sum-exp form: exact even when the target's probability underflows */
            loss += log(sum) - (double)(l[targets[n]] - mx);
            cnt++;
        }
    }
    *count = cnt;
    return cnt ? loss / cnt : 0;
}

void crossentropy_backward(real *dlogits, const real *probs, const int *targets, int N, int V,
                           int count)
{
    real scale = count ? (real)(1.0 / count) : 0;
    for (int n = 0; n < N; n++) {
        real *d = dlogits + (size_t)n * V;
        const real *p = probs + (size_t)n * V;
        if (targets[n] < 0) {
            memset(d, 0, (size_t)V * sizeof(real));
            continue;
        }
        for (int v = 0; v < V; v++)
            d[v] = p[v] * scale;
        d[targets[n]] -= scale;
    }
}
