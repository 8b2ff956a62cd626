/* Temporary files removed when a signal ends the process.  Writers register each temporary
 * file (srnn_output does) in a fixed table; the handler unlinks what is registered and lets
 * the signal do what it would have done.  No locks and no allocation: the handler may run on
 * any thread at any moment, so a slot is claimed with a compare-and-swap, filled, and only then
 * marked live. */
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "songrnn/common.h"

/* Enough for every roundtrip worker (64) with room; a path longer than a slot is not
 * registered (a later sweep removes its file). */
#define SLOTS 128
#define SLOT_PATH 4096

enum { SLOT_FREE, SLOT_FILLING, SLOT_LIVE };

static struct {
    atomic_int state;
    char path[SLOT_PATH];
} slots[SLOTS];

int srnn_tmp_register(const char *path)
{
    size_t n = path ? strlen(path) : SLOT_PATH;
    if (n >= SLOT_PATH)
        return -1;
    for (int i = 0; i < SLOTS; i++) {
        int expect = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slots[i].state, &expect, SLOT_FILLING)) {
            memcpy(slots[i].path, path, n + 1);
            atomic_store(&slots[i].state, SLOT_LIVE);
            return i;
        }
    }
    return -1;
}

void srnn_tmp_unregister(int slot)
{
    if (slot >= 0 && slot < SLOTS)
        atomic_store(&slots[slot].state, SLOT_FREE);
}

void srnn_tmp_remove_all(void)
{
    for (int i = 0; i < SLOTS; i++)
        if (atomic_load(&slots[i].state) == SLOT_LIVE)
            unlink(slots[i].path); /* ENOENT: renamed into place or removed meanwhile */
}

static const int SIGNALS[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};
#define N_SIGNALS (sizeof SIGNALS / sizeof SIGNALS[0])

static void on_signal(int sig)
{
    srnn_tmp_remove_all();
    /* The default action again, and the signal once more: it is blocked while this handler
     * runs, so it ends the process as soon as the handler returns, with the status a shell
     * expects (130 for Ctrl-C, 143 for SIGTERM). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    raise(sig);
}

void srnn_tmp_cleanup_on_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_SIGNALS; i++)
        sigaddset(&sa.sa_mask, SIGNALS[i]); /* one cleanup at a time */
    for (size_t i = 0; i < N_SIGNALS; i++) {
        struct sigaction old;
        if (sigaction(SIGNALS[i], NULL, &old) != 0)
            continue;
        if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
            continue; /* ignored (nohup) or the program's own: left alone */
        sigaction(SIGNALS[i], &sa, NULL);
    }
}
