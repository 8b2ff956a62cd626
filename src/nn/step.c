/* songrnn nn: the generation step, batch 1: one token in, logits out, state kept.
 *
 * A step is a few matrix-vector products over all the weights (4.2 MB for the bench's reference
 * model) and little else, so its speed is the speed at which weights reach the cores.  One core
 * streams them from L3 at ~27 GB/s here: ~6.5k tokens/s.  Split by output rows over the cores,
 * each core reads only its own share, every token, and that share stays in the core's own L2
 * (2 MB here) from one token to the next: ~26k tokens/s on two cores.
 *
 * So the step keeps a private copy of the weights, packed per thread t (step_part):
 *   conv     rows [c0, c1) of conv.weight [C][K*E], and their bias
 *   layer l  units [u0, u1) of every gate q: rows q*H + u of W_ih and W_hh side by side,
 *            [G][n_u][I + H], multiplied by [x ; h_prev] in one pass; biases b_ih + b_hh
 *            (GRU: both kept apart, [2][G][n_u], as its n gate needs W_hn h alone)
 *   fc       rows [v0, v1) of fc.weight [V][H], and their bias
 * Each thread then runs the element-wise cell of its own units.  The threads meet at a barrier
 * after each stage (conv, every layer, fc); a layer's input and h_prev [I + H] are double
 * buffered by token parity, so no thread overwrites the h_prev another is still reading.
 *
 * The copy is rebuilt when the parameters may have changed (srnn_nn_params marks it stale).
 * Worker threads start at the first step that wants them and spin briefly between tokens,
 * then sleep (futex), so an idle generator costs no CPU. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#include "blas.h"
#include "fastmath.h"
#include "nn_impl.h"
#include "rowdot.h"

#define STEP_MAX_THREADS 8
#define STEP_AUTO_THREADS 4
/* Below this many bytes of weights one core's L2 holds them all, and the hand-overs between
 * threads cost more than a second core saves. */
#define STEP_SPLIT_BYTES (256 * 1024)
/* Spins (pause instructions, 13 ns each here) before a waiting thread sleeps.  In a stage
 * barrier, long enough to ride out the other thread's short preemptions: with two busy
 * processes beside it on this 2-core machine, 2 threads made ~10k tokens/s with 64k spins,
 * 3-11k with 2-4k, against 4.9k on one thread.  With more threads than cores, sleeping soon is
 * what lets the thread waited for have a core: 3 threads on 2 cores made 2.9k tokens/s with 2k
 * spins, 0.3k with 64k.  Idle, between tokens: ~50 us, then sleep. */
#define SPIN_BARRIER 65536
#define SPIN_BARRIER_OVERSUBSCRIBED 1024
#define SPIN_IDLE 4096

typedef struct step_part {
    int c0, c1; /* conv channels */
    int u0, u1; /* hidden units of every layer */
    int v0, v1; /* logits */
    real *buf;  /* everything below, one allocation */
    real *conv_w, *conv_b;                       /* [c1-c0][K*E], [c1-c0] */
    real *rnn_w[MAX_LAYERS], *rnn_b[MAX_LAYERS]; /* [G][n_u][I+H]; [G][n_u] or GRU [2][G][n_u] */
    real *fc_w, *fc_b;                           /* [v1-v0][H], [v1-v0] */
    real *g;                                     /* scratch: [2][G][n_u] gates + [n_u] */
} step_part;

/* One counter per cache line: the threads spin on each other's. */
typedef struct step_counter {
    _Alignas(64) atomic_uint n;
} step_counter;

typedef struct step_worker {
    struct nn_step *s;
    int t;
    unsigned seen; /* the job count when it started: the next token is the one after */
} step_worker;

struct nn_step {
    srnn_nn *nn;
    int nt;   /* threads of the packing in use (1: the caller's alone) */
    int spin; /* spins in a barrier before sleeping */
    int blas; /* the row dots are cblas_?gemv calls (no vector kernel for this CPU) */
    step_part part[STEP_MAX_THREADS];

    /* state, shared */
    real *win;                /* [K][E]: the last K inputs of the convolution, newest last */
    real *xh[MAX_LAYERS][2];  /* [I + H]: the layer's input, then its h_prev; by token parity */
    real *c[MAX_LAYERS];      /* [H] LSTM cell state */
    real *logits;             /* [V] */
    unsigned tokens;          /* since the reset; its parity picks xh */

    /* the team: workers 1..nt-1, the caller is thread 0 */
    int workers;                 /* running */
    pthread_t th[STEP_MAX_THREADS];
    step_worker arg[STEP_MAX_THREADS];
    atomic_uint job;             /* bumped once per token (and to stop) */
    atomic_int sleepers;         /* threads in (or about to enter) a futex wait, on anything */
    atomic_int stop;
    step_counter done[STEP_MAX_THREADS]; /* stages finished, per thread */
};

static int layer_in(const srnn_nn *nn, int l) { return l > 0 ? nn->H : nn->C > 0 ? nn->C : nn->E; }

/* ---- stages: thread t's share of one token ---------------------------------------------- */

static void stage_conv(nn_step *s, int t)
{
    const srnn_nn *nn = s->nn;
    const step_part *q = &s->part[t];
    int KE = nn->K * nn->E, n = q->c1 - q->c0;
    real *out = s->xh[0][s->tokens & 1] + q->c0; /* [n] */
    nn_rowdot(out, q->conv_b, q->conv_w, (size_t)KE, s->win, n, KE);
    for (int i = 0; i < n; i++)
        out[i] = out[i] > 0 ? out[i] : 0;
}

static void stage_rnn(nn_step *s, int t, int l)
{
    const srnn_nn *nn = s->nn;
    step_part *q = &s->part[t];
    int p = s->tokens & 1, I = layer_in(nn, l), H = nn->H, G = nn->G, n = q->u1 - q->u0;
    if (n <= 0)
        return;
    const real *xh = s->xh[l][p];                /* [I + H]: x, h_prev */
    real *hout = s->xh[l][p ^ 1] + I + q->u0;    /* [n]: h_prev of the next token */
    real *g = q->g;                              /* [G][n] */
    if (nn->cfg.cell == SRNN_CELL_GRU) {
        real *gh = g + (size_t)G * n, *hn = gh + (size_t)G * n;
        nn_rowdot(g, q->rnn_b[l], q->rnn_w[l], (size_t)(I + H), xh, G * n, I);
        nn_rowdot(gh, q->rnn_b[l] + (size_t)G * n, q->rnn_w[l] + I, (size_t)(I + H), xh + I,
                  G * n, H);
        nn_gru_cell(g, hn, gh, hout, xh + I + q->u0, 1, n);
    } else {
        nn_rowdot(g, q->rnn_b[l], q->rnn_w[l], (size_t)(I + H), xh, G * n, I + H);
        if (nn->cfg.cell == SRNN_CELL_LSTM)
            nn_lstm_cell(g, hout, s->c[l] + q->u0, s->c[l] + q->u0, 1, n);
        else
            nn_tanh_to(hout, g, n);
    }
    if (l + 1 < nn->L) /* the next layer's input for this token */
        memcpy(s->xh[l + 1][p] + q->u0, hout, (size_t)n * sizeof(real));
}

static void stage_fc(nn_step *s, int t)
{
    const srnn_nn *nn = s->nn;
    const step_part *q = &s->part[t];
    int L = nn->L;
    const real *h = s->xh[L - 1][(s->tokens & 1) ^ 1] + layer_in(nn, L - 1); /* [H] */
    nn_rowdot(s->logits + q->v0, q->fc_b, q->fc_w, (size_t)nn->H, h, q->v1 - q->v0, nn->H);
}

/* ---- the team ----------------------------------------------------------------------------- */

static void futex_wait(atomic_uint *a, unsigned v)
{
#ifdef __linux__
    syscall(SYS_futex, (void *)a, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
#else
    (void)a, (void)v;
    sched_yield();
#endif
}

static void futex_wake(atomic_uint *a)
{
#ifdef __linux__
    syscall(SYS_futex, (void *)a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
#else
    (void)a;
#endif
}

/* Waits until thread j has finished `v` stages.  Spins first (a stage takes microseconds);
 * then sleeps, so that a thread whose core went to another process (or to a thread of the
 * team, with more threads than cores) gets it back.  Yielding instead would hand the core to
 * any other process for a whole time slice. */
static void wait_at_least(nn_step *s, int j, unsigned v)
{
    atomic_uint *a = &s->done[j].n;
    for (int spins = 0;; spins++) {
        unsigned now = atomic_load_explicit(a, memory_order_acquire);
        if ((int)(now - v) >= 0)
            return;
        if (spins < s->spin) {
            CPU_RELAX();
            continue;
        }
        /* announce, re-check, sleep; the arriving thread bumps, then reads sleepers */
        atomic_fetch_add(&s->sleepers, 1);
        now = atomic_load(a);
        if ((int)(now - v) < 0)
            futex_wait(a, now);
        atomic_fetch_sub(&s->sleepers, 1);
    }
}

/* Stage finished: publish it, then wait until every thread has finished it too (the last
 * stage: only the caller waits, for the logits). */
static void barrier(nn_step *s, int t, int last)
{
    unsigned mine = atomic_fetch_add(&s->done[t].n, 1) + 1;
    if (atomic_load(&s->sleepers) > 0)
        futex_wake(&s->done[t].n);
    if (last && t != 0)
        return;
    for (int j = 0; j < s->nt; j++)
        if (j != t)
            wait_at_least(s, j, mine);
}

static void run_token(nn_step *s, int t)
{
    int multi = s->nt > 1;
    if (s->nn->C > 0) {
        stage_conv(s, t);
        if (multi)
            barrier(s, t, 0);
    }
    for (int l = 0; l < s->nn->L; l++) {
        stage_rnn(s, t, l);
        if (multi)
            barrier(s, t, 0);
    }
    stage_fc(s, t);
    if (multi)
        barrier(s, t, 1);
}

static unsigned wait_job(nn_step *s, unsigned seen)
{
    for (int spins = 0;; spins++) {
        unsigned j = atomic_load_explicit(&s->job, memory_order_acquire);
        if (j != seen)
            return j;
        if (spins < SPIN_IDLE) {
            CPU_RELAX();
            continue;
        }
        /* announce the sleep, then sleep only if no job came meanwhile (the caller bumps job,
         * then reads sleepers: one of the two sees the other) */
        atomic_fetch_add(&s->sleepers, 1);
        if (atomic_load(&s->job) == seen)
            futex_wait(&s->job, seen);
        atomic_fetch_sub(&s->sleepers, 1);
    }
}

static void post_job(nn_step *s)
{
    atomic_fetch_add(&s->job, 1);
    if (atomic_load(&s->sleepers) > 0)
        futex_wake(&s->job);
}

static void *worker_main(void *arg)
{
    step_worker *w = arg;
    nn_step *s = w->s;
    unsigned seen = w->seen;
    for (;;) {
        seen = wait_job(s, seen);
        if (atomic_load(&s->stop))
            return NULL;
        run_token(s, w->t);
    }
}

static void team_stop(nn_step *s)
{
    if (s->workers == 0)
        return;
    atomic_store(&s->stop, 1);
    post_job(s);
    for (int t = 1; t <= s->workers; t++)
        pthread_join(s->th[t], NULL);
    s->workers = 0;
    atomic_store(&s->stop, 0);
}

/* Starts workers 1..nt-1; 0 when they all run. */
static int team_start(nn_step *s)
{
    for (int t = 0; t < s->nt; t++)
        atomic_store(&s->done[t].n, 0);
    /* workers take no signals: the program's handlers (Ctrl-C) run in its own threads */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = 0;
    for (int t = 1; t < s->nt && rc == 0; t++) {
        s->arg[t] = (step_worker){s, t, atomic_load(&s->job)};
        if (pthread_create(&s->th[t], NULL, worker_main, &s->arg[t]) != 0)
            rc = -1;
        else
            s->workers = t;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        team_stop(s);
    return rc;
}

/* ---- packing ------------------------------------------------------------------------------- */

static size_t step_weight_bytes(const srnn_nn *nn)
{
    size_t n = (size_t)nn->C * nn->K * nn->E + (size_t)nn->V * nn->H;
    for (int l = 0; l < nn->L; l++)
        n += (size_t)nn->G * nn->H * (layer_in(nn, l) + nn->H);
    return n * sizeof(real);
}

static int cpus_online(void)
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
#endif
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? (int)c : 1;
}

static int step_threads_for(const srnn_nn *nn)
{
    int n = nn->step_threads;
    if (n <= 0) {
        if (step_weight_bytes(nn) < STEP_SPLIT_BYTES)
            return 1;
        n = cpus_online();
        n = n < STEP_AUTO_THREADS ? n : STEP_AUTO_THREADS;
    }
    /* every thread gets at least one unit, one logit and one channel */
    n = n < STEP_MAX_THREADS ? n : STEP_MAX_THREADS;
    n = n < nn->H ? n : nn->H;
    n = n < nn->V ? n : nn->V;
    if (nn->C > 0)
        n = n < nn->C ? n : nn->C;
    return n > 1 ? n : 1;
}

static void free_parts(nn_step *s)
{
    for (int t = 0; t < STEP_MAX_THREADS; t++) {
        free(s->part[t].buf);
        s->part[t] = (step_part){0};
    }
}

/* Thread t's share of the weights, copied into its own buffer. */
static int pack_part(nn_step *s, int t)
{
    const srnn_nn *nn = s->nn;
    const real *p = nn->params;
    step_part *q = &s->part[t];
    int nt = s->nt, H = nn->H, G = nn->G, KE = nn->K * nn->E;
    int gru = nn->cfg.cell == SRNN_CELL_GRU;
    q->c0 = nn->C * t / nt, q->c1 = nn->C * (t + 1) / nt;
    q->u0 = H * t / nt, q->u1 = H * (t + 1) / nt;
    q->v0 = nn->V * t / nt, q->v1 = nn->V * (t + 1) / nt;
    int nc = q->c1 - q->c0, nu = q->u1 - q->u0, nv = q->v1 - q->v0;

    size_t total = (size_t)nc * (KE + 1) + (size_t)nv * (H + 1) + (size_t)(2 * G + 1) * nu;
    for (int l = 0; l < nn->L; l++)
        total += (size_t)G * nu * (layer_in(nn, l) + H + (gru ? 2 : 1));
    /* 64-byte alignment: whole cache lines, so no line is shared with another thread's share */
    size_t bytes = (total * sizeof(real) + 63) & ~(size_t)63;
    real *b = aligned_alloc(64, bytes);
    if (!b)
        return -1;
    q->buf = b;

    q->conv_w = b, b += (size_t)nc * KE;
    q->conv_b = b, b += nc;
    if (nc > 0) {
        memcpy(q->conv_w, p + nn->o_conv_w + (size_t)q->c0 * KE, (size_t)nc * KE * sizeof(real));
        memcpy(q->conv_b, p + nn->o_conv_b + q->c0, (size_t)nc * sizeof(real));
    }
    for (int l = 0; l < nn->L; l++) {
        int I = layer_in(nn, l);
        const real *w_ih = p + nn->o_w_ih[l], *w_hh = p + nn->o_w_hh[l];
        const real *b_ih = p + nn->o_b_ih[l], *b_hh = p + nn->o_b_hh[l];
        q->rnn_w[l] = b, b += (size_t)G * nu * (I + H);
        q->rnn_b[l] = b, b += (size_t)G * nu * (gru ? 2 : 1);
        for (int g = 0; g < G; g++)
            for (int k = 0; k < nu; k++) {
                size_t row = (size_t)g * H + q->u0 + k, at = (size_t)g * nu + k;
                real *dst = q->rnn_w[l] + at * (I + H);
                memcpy(dst, w_ih + row * I, (size_t)I * sizeof(real));
                memcpy(dst + I, w_hh + row * H, (size_t)H * sizeof(real));
                if (gru) {
                    q->rnn_b[l][at] = b_ih[row];
                    q->rnn_b[l][(size_t)G * nu + at] = b_hh[row];
                } else {
                    q->rnn_b[l][at] = b_ih[row] + b_hh[row];
                }
            }
    }
    q->fc_w = b, b += (size_t)nv * H;
    q->fc_b = b, b += nv;
    memcpy(q->fc_w, p + nn->o_fc_w + (size_t)q->v0 * H, (size_t)nv * H * sizeof(real));
    memcpy(q->fc_b, p + nn->o_fc_b + q->v0, (size_t)nv * sizeof(real));
    q->g = b;
    return 0;
}

static int pack(nn_step *s, int nt)
{
    free_parts(s);
    s->nt = nt;
    for (int t = 0; t < nt; t++)
        if (pack_part(s, t) != 0) {
            free_parts(s);
            s->nt = 0;
            return -1;
        }
    return 0;
}

/* Brings the packed weights and the team up to date with the parameters and the thread count
 * asked for.  Falls back to one thread when workers cannot start. */
static int step_prepare(srnn_nn *nn, srnn_error *err)
{
    nn_step *s = nn->step;
    int nt = step_threads_for(nn);
    if (s->workers != 0 && s->workers != nt - 1)
        team_stop(s);
    if (pack(s, nt) != 0)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory for the generation step");
    s->spin = nt > cpus_online() ? SPIN_BARRIER_OVERSUBSCRIBED : SPIN_BARRIER;
    s->blas = strcmp(nn_rowdot_kernel(), "blas") == 0;
    if (nt > 1 && s->workers == 0 && team_start(s) != 0 && pack(s, 1) != 0)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory for the generation step");
    nn->step_stale = 0;
    return SRNN_OK;
}

/* ---- life cycle and the public step API ---------------------------------------------------- */

int nn_step_create(srnn_nn *nn)
{
    nn_step *s = calloc(1, sizeof *s);
    if (!s)
        return SRNN_ENOMEM;
    nn->step = s;
    s->nn = nn;
    s->win = calloc((size_t)nn->K * nn->E, sizeof(real));
    s->logits = calloc((size_t)nn->V, sizeof(real));
    int ok = s->win && s->logits;
    for (int l = 0; l < nn->L && ok; l++) {
        size_t n = (size_t)layer_in(nn, l) + nn->H;
        s->xh[l][0] = calloc(n, sizeof(real));
        s->xh[l][1] = calloc(n, sizeof(real));
        s->c[l] = calloc((size_t)nn->H, sizeof(real));
        ok = s->xh[l][0] && s->xh[l][1] && s->c[l];
    }
    atomic_init(&s->job, 0);
    atomic_init(&s->sleepers, 0);
    atomic_init(&s->stop, 0);
    return ok ? SRNN_OK : SRNN_ENOMEM;
}

void nn_step_free(srnn_nn *nn)
{
    nn_step *s = nn ? nn->step : NULL;
    if (!s)
        return;
    team_stop(s);
    free_parts(s);
    free(s->win);
    free(s->logits);
    for (int l = 0; l < nn->L; l++) {
        free(s->xh[l][0]);
        free(s->xh[l][1]);
        free(s->c[l]);
    }
    free(s);
    nn->step = NULL;
}

void srnn_nn_step_reset(srnn_nn *nn)
{
    if (!nn)
        return;
    nn_step *s = nn->step;
    memset(s->win, 0, (size_t)nn->K * nn->E * sizeof(real));
    for (int l = 0; l < nn->L; l++) {
        size_t n = (size_t)layer_in(nn, l) + nn->H;
        memset(s->xh[l][0], 0, n * sizeof(real));
        memset(s->xh[l][1], 0, n * sizeof(real));
        memset(s->c[l], 0, (size_t)nn->H * sizeof(real));
    }
    s->tokens = 0;
}

void srnn_nn_set_step_threads(srnn_nn *nn, int n)
{
    if (!nn)
        return;
    nn->step_threads = n > 0 ? n : 0;
    nn->step_stale = 1;
}

int srnn_nn_step_threads(srnn_nn *nn)
{
    if (!nn)
        return 0;
    if (nn->step_stale && step_prepare(nn, NULL) != SRNN_OK)
        return 0;
    return nn->step->nt;
}

const char *srnn_nn_step_kernel(void) { return nn_rowdot_kernel(); }

int srnn_nn_step(srnn_nn *nn, int token, srnn_real *logits, srnn_error *err)
{
    if (!nn)
        return srnn_error_set(err, SRNN_EARG, "no network");
    if (token < 0 || token >= nn->V)
        return srnn_error_set(err, SRNN_EARG, "token %d outside the vocabulary of %d", token,
                              nn->V);
    int rc;
    if (nn->step_stale && (rc = step_prepare(nn, err)) != SRNN_OK)
        return rc;
    nn_step *s = nn->step;
    /* the BLAS fallback must not start OpenBLAS's own threads for a matrix-vector product */
    int blas_threads = 0;
    if (s->blas && (blas_threads = openblas_get_num_threads()) > 1)
        openblas_set_num_threads(1);

    int E = nn->E;
    const real *emb = nn->params + nn->o_emb + (size_t)token * E; /* [E] */
    if (nn->C > 0) {
        /* slide the window of the last K inputs: (K-1)*E floats moved, then the new one */
        memmove(s->win, s->win + E, (size_t)(nn->K - 1) * E * sizeof(real));
        memcpy(s->win + (size_t)(nn->K - 1) * E, emb, (size_t)E * sizeof(real));
    } else {
        memcpy(s->xh[0][s->tokens & 1], emb, (size_t)E * sizeof(real));
    }
    if (s->nt > 1)
        post_job(s);
    run_token(s, 0);
    s->tokens++;

    if (logits)
        memcpy(logits, s->logits, (size_t)nn->V * sizeof(real));
    if (blas_threads > 1)
        openblas_set_num_threads(blas_threads);
    return SRNN_OK;
}

const srnn_real *srnn_nn_step_hidden(const srnn_nn *nn, int layer, int *size)
{
    if (!nn || layer < -1 || layer >= nn->L)
        return NULL;
    const nn_step *s = nn->step;
    if (layer == -1) {
        if (nn->C == 0)
            return NULL;
        if (size)
            *size = nn->C;
        return s->xh[0][(s->tokens + 1) & 1]; /* the last token's parity */
    }
    if (size)
        *size = nn->H;
    return s->xh[layer][s->tokens & 1] + layer_in(nn, layer);
}
