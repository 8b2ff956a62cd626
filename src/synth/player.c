/* The live player: a lookahead queue between a producer (a file reader now, a sampling model
 * later) and a player thread that hands each event to the backend shortly before its time.
 *
 * The producer pushes events with their intended times, in any order, at any speed; the queue
 * is a min-heap on time.  The player thread wakes every few milliseconds, takes every event
 * due within the lookahead window and gives it to the backend, which plays it at its exact time
 * (FluidSynth's sequencer on the synth's sample clock, PortMidi's timestamps).  So a producer
 * that stalls for less than the lookahead never shows as jitter; one that falls further behind
 * shows as lateness, which is measured per event where it is played. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "srnn_config.h"
#include "synth_internal.h"

typedef struct queued {
    srnn_synth_event ev;
    uint64_t seq; /* push order, so equal times keep their order */
} queued;

struct srnn_player {
    srnn_backend be;
    double lookahead, tail;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int thread_started;

    queued *heap;
    size_t n, cap;
    uint64_t pushed;
    double max_time;   /* latest time pushed */
    struct timespec first_push; /* wall clock of the first push */
    int finished;      /* no more pushes */
    int done;          /* player thread finished */
    int started;       /* backend clock running */
    int error;         /* the thread hit an error; message in thread_err */
    srnn_error thread_err;

    atomic_int interrupt;

    /* lateness, written from the backend's playing thread */
    pthread_mutex_t stats_mu;
    size_t late_n;
    double late_sum, late_max;
    size_t sent;
    double clock_end;
    /* player thread only: the synth's clock at its last turn, and the most the clock ran past
     * the lookahead between two turns (the thread did not get the CPU in time) */
    double turn_clock, stall_max;
};

void srnn_player_opts_init(srnn_player_opts *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->backend = SRNN_SYNTH_FLUIDSYNTH;
    opts->lookahead = 0.25;
    opts->tail = 0.1;
}

void srnn_player_note_lateness(srnn_player *p, double s)
{
    pthread_mutex_lock(&p->stats_mu);
    p->late_n++;
    p->late_sum += s;
    if (p->late_n == 1 || s > p->late_max)
        p->late_max = s;
    pthread_mutex_unlock(&p->stats_mu);
}

static int before(const queued *a, const queued *b)
{
    return a->ev.time < b->ev.time || (a->ev.time == b->ev.time && a->seq < b->seq);
}

static void heap_sift_up(queued *h, size_t i)
{
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!before(&h[i], &h[up]))
            break;
        queued t = h[i];
        h[i] = h[up];
        h[up] = t;
        i = up;
    }
}

static void heap_pop(srnn_player *p)
{
    queued *h = p->heap;
    h[0] = h[--p->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < p->n && before(&h[l], &h[m]))
            m = l;
        if (r < p->n && before(&h[r], &h[m]))
            m = r;
        if (m == i)
            break;
        queued t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void deadline_in(struct timespec *ts, double seconds)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    long ns = (long)(seconds * 1e9);
    ts->tv_sec += ns / 1000000000L;
    ts->tv_nsec += ns % 1000000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Polling interval of the player thread: short against the lookahead, so an interrupt from a
 * signal handler (which cannot signal the condition variable) is seen within milliseconds. */
#define TICK_SECONDS 0.005

static void *player_main(void *arg)
{
    srnn_player *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (atomic_load(&p->interrupt))
            break;
        if (!p->started) {
            /* Start once a lookahead of music is queued, or a lookahead of wall time after the
             * first event (a producer with a long gap after it must not wait forever). */
            int ready = p->finished || (p->n > 0 && p->max_time >= p->lookahead);
            if (!ready && p->pushed > 0) {
                struct timespec now;
                clock_gettime(CLOCK_MONOTONIC, &now);
                double waited = (double)(now.tv_sec - p->first_push.tv_sec) +
                                (now.tv_nsec - p->first_push.tv_nsec) * 1e-9;
                ready = waited >= p->lookahead;
            }
            if (ready) {
                srnn_error e = {0};
                /* Events inside the first window go out before the clock starts, so the very
                 * first notes are on time too. */
                while (p->n > 0 && p->heap[0].ev.time <= p->lookahead) {
                    srnn_synth_event ev = p->heap[0].ev;
                    heap_pop(p);
                    if (p->be.send(p->be.self, &ev, &e) != 0) {
                        p->error = 1;
                        p->thread_err = e;
                        goto out;
                    }
                    p->sent++;
                }
                if (p->be.start(p->be.self, &e) != 0) {
                    p->error = 1;
                    p->thread_err = e;
                    goto out;
                }
                p->started = 1;
                p->turn_clock = 0;
                pthread_cond_broadcast(&p->cv);
                continue;
            }
        } else {
            double now = p->be.now(p->be.self);
            while (p->n > 0 && p->heap[0].ev.time <= now + p->lookahead) {
                srnn_synth_event ev = p->heap[0].ev;
                heap_pop(p);
                srnn_error e = {0};
                if (p->be.send(p->be.self, &ev, &e) != 0) {
                    p->error = 1;
                    p->thread_err = e;
                    goto out;
                }
                p->sent++;
            }
            /* An event due after the last turn's window was sent only now: it is late by as
             * much as the clock ran past that window, whatever the scheduling. */
            double stall = p->be.now(p->be.self) - p->turn_clock - p->lookahead;
            if (stall > p->stall_max)
                p->stall_max = stall;
            p->turn_clock = now;
            if (p->finished && p->n == 0 && now >= p->max_time + p->tail)
                break;
        }
        struct timespec ts;
        deadline_in(&ts, TICK_SECONDS);
        pthread_cond_timedwait(&p->cv, &p->mu, &ts);
    }
out:
    if (atomic_load(&p->interrupt) && p->started)
        p->be.panic(p->be.self);
    p->clock_end = p->started ? p->be.now(p->be.self) : 0;
    p->done = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int srnn_player_open(const srnn_player_opts *opts, srnn_player **out, srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "player_open: NULL argument");
    *out = NULL;
    srnn_player_opts o;
    srnn_player_opts_init(&o);
    if (opts)
        o = *opts;
    if (!(o.lookahead > 0))
        o.lookahead = 0.25;
    if (o.lookahead > 60)
        o.lookahead = 60;
    if (!(o.tail >= 0))
        o.tail = 0.1;
    srnn_player *p = calloc(1, sizeof *p);
    if (!p)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    p->lookahead = o.lookahead;
    p->tail = o.tail;
    atomic_init(&p->interrupt, 0);
    pthread_mutex_init(&p->stats_mu, NULL);
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cv, &ca);
    pthread_condattr_destroy(&ca);

    int rc;
    if (o.backend == SRNN_SYNTH_PORTMIDI)
        rc = srnn_pm_backend_open(p, &o, &p->be, err);
    else if (o.backend == SRNN_SYNTH_FLUIDSYNTH)
        rc = srnn_fluid_backend_open(p, &o, &p->be, err);
    else
        rc = srnn_error_set(err, SRNN_EARG, "unknown synth backend");
    if (rc != 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        pthread_mutex_destroy(&p->stats_mu);
        free(p);
        return rc;
    }
    /* The player thread must not take the producer's SIGINT: the CLI's handler runs in the
     * main thread, which then interrupts the player. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int trc = pthread_create(&p->thread, NULL, player_main, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (trc != 0) {
        (void)p->be.close(p->be.self, 0, NULL);
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        pthread_mutex_destroy(&p->stats_mu);
        free(p);
        return srnn_error_set(err, SRNN_ENOMEM, "cannot start the player thread: %s",
                              strerror(trc));
    }
    p->thread_started = 1;
    *out = p;
    return SRNN_OK;
}

int srnn_player_push(srnn_player *p, const srnn_synth_event *ev, srnn_error *err)
{
    if (!p || !ev)
        return srnn_error_set(err, SRNN_EARG, "player_push: NULL argument");
    if (!(ev->time >= 0) || ev->time > 1e7)
        return srnn_error_set(err, SRNN_EARG, "player_push: event time %g out of range",
                              ev->time);
    pthread_mutex_lock(&p->mu);
    if (p->finished || p->done) {
        int e = p->error;
        pthread_mutex_unlock(&p->mu);
        if (e)
            return srnn_error_set(err, SRNN_EIO, "%s", p->thread_err.msg);
        return srnn_error_set(err, SRNN_EARG, "player_push: playback has ended");
    }
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 1024;
        queued *nh = realloc(p->heap, nc * sizeof *nh);
        if (!nh) {
            pthread_mutex_unlock(&p->mu);
            return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        }
        p->heap = nh;
        p->cap = nc;
    }
    if (p->pushed == 0)
        clock_gettime(CLOCK_MONOTONIC, &p->first_push);
    p->heap[p->n] = (queued){*ev, p->pushed++};
    heap_sift_up(p->heap, p->n);
    p->n++;
    if (ev->time > p->max_time)
        p->max_time = ev->time;
    /* Wake the thread only when the event is due soon; otherwise its next tick finds it. */
    if (!p->started || ev->time <= p->be.now(p->be.self) + p->lookahead)
        pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return SRNN_OK;
}

double srnn_player_clock(srnn_player *p)
{
    if (!p)
        return 0;
    pthread_mutex_lock(&p->mu);
    double t = p->done ? HUGE_VAL : p->started ? p->be.now(p->be.self) : 0;
    pthread_mutex_unlock(&p->mu);
    return t;
}

int srnn_player_finish(srnn_player *p, srnn_error *err)
{
    if (!p)
        return srnn_error_set(err, SRNN_EARG, "player_finish: NULL argument");
    pthread_mutex_lock(&p->mu);
    p->finished = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (p->thread_started) {
        pthread_join(p->thread, NULL);
        p->thread_started = 0;
    }
    if (p->error)
        return srnn_error_set(err, SRNN_EIO, "%s", p->thread_err.msg);
    return SRNN_OK;
}

void srnn_player_interrupt(srnn_player *p)
{
    if (p)
        atomic_store(&p->interrupt, 1);
}

void srnn_player_get_stats(srnn_player *p, srnn_player_stats *s)
{
    if (!p || !s)
        return;
    memset(s, 0, sizeof *s);
    pthread_mutex_lock(&p->stats_mu);
    s->events = p->late_n;
    s->late_max = p->late_max;
    s->late_mean = p->late_n ? p->late_sum / (double)p->late_n : 0;
    pthread_mutex_unlock(&p->stats_mu);
    pthread_mutex_lock(&p->mu);
    s->clock = p->done ? p->clock_end : p->started ? p->be.now(p->be.self) : 0;
    s->stall_max = p->stall_max;
    pthread_mutex_unlock(&p->mu);
    s->interrupted = atomic_load(&p->interrupt);
}

static int player_free(srnn_player *p, int keep, srnn_error *err)
{
    if (!p)
        return SRNN_OK;
    if (p->thread_started) {
        atomic_store(&p->interrupt, 1);
        pthread_join(p->thread, NULL);
    }
    int rc = p->be.close(p->be.self, keep, err);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->stats_mu);
    free(p->heap);
    free(p);
    return rc;
}

int srnn_player_close(srnn_player *p, srnn_error *err) { return player_free(p, 1, err); }

void srnn_player_discard(srnn_player *p) { (void)player_free(p, 0, NULL); }
