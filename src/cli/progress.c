/* Training progress on stderr: a bar redrawn in place on a terminal, a plain line every few
 * seconds otherwise (logs, CI), nothing with -q. */
#include <stdio.h>
#include <time.h>

#include "progress.h"

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fmt_duration(char *buf, size_t n, double s)
{
    if (s < 0) {
        snprintf(buf, n, "?");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
    else
        snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

void cli_progress_init(cli_progress *p, int quiet, int tty)
{
    p->quiet = quiet;
    p->tty = tty;
    p->last = 0;
    p->drawn = 0;
}

void cli_progress_update(cli_progress *p, const srnn_train_progress *s)
{
    if (p->quiet)
        return;
    double now = mono();
    double every = p->tty ? 0.1 : 10.0;
    if (now - p->last < every && s->batch != s->batches)
        return;
    p->last = now;
    char eta[32];
    fmt_duration(eta, sizeof eta, s->eta_seconds);
    if (p->tty) {
        enum { W = 24 };
        int fill = s->batches ? (int)((double)W * (double)s->batch / (double)s->batches) : 0;
        char bar[W + 1];
        for (int i = 0; i < W; i++)
            bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
        bar[W] = 0;
        fprintf(stderr, "\repoch %lld/%lld [%s] %zu/%zu loss %.4f %.0f tok/s ETA %s\033[K",
                (long long)s->epoch, (long long)s->epochs, bar, s->batch, s->batches, s->loss,
                s->tokens_per_s, eta);
        p->drawn = 1;
    } else if (s->batch != s->batches) {
        fprintf(stderr, "epoch %lld/%lld batch %zu/%zu loss %.4f %.0f tok/s ETA %s\n",
                (long long)s->epoch, (long long)s->epochs, s->batch, s->batches, s->loss,
                s->tokens_per_s, eta);
    }
    fflush(stderr);
}

void cli_progress_epoch(cli_progress *p, const srnn_epoch_stats *s)
{
    if (p->quiet)
        return;
    if (p->tty && p->drawn)
        fputs("\r\033[K", stderr);
    p->drawn = 0;
    if (s->val_loss == s->val_loss) /* not NaN */
        fprintf(stderr,
                "epoch %lld: train loss %.4f acc %.3f | val loss %.4f acc %.3f ppl %.4g | %.1f s%s%s\n",
                (long long)s->epoch, s->train_loss, s->train_acc, s->val_loss, s->val_acc,
                exp_safe(s->val_loss), s->seconds, s->improved ? " *" : "",
                s->partial ? " (cut short by --max-seconds)" : "");
    else
        fprintf(stderr, "epoch %lld: train loss %.4f acc %.3f ppl %.4g | %.1f s%s%s\n",
                (long long)s->epoch, s->train_loss, s->train_acc, exp_safe(s->train_loss),
                s->seconds, s->improved ? " *" : "",
                s->partial ? " (cut short by --max-seconds)" : "");
    fflush(stderr);
}
