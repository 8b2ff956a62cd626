/* Quantization onto the beat grid and grouping of notes struck together into events. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/notes.h"

int64_t srnn_quantize_onset(double beats, int grid)
{
    double x = beats * (double)grid;
    if (!(x > 0)) /* also NaN */
        return 0;
    /* Halves go up: floor(x + 0.5).  The clamp keeps absurd times from overflowing. */
    double r = floor(x + 0.5);
    if (!(r < (double)SRNN_STEPS_MAX))
        return SRNN_STEPS_MAX;
    return (int64_t)r;
}

int64_t srnn_quantize_duration(double beats, int grid)
{
    int64_t d = srnn_quantize_onset(beats, grid);
    return d < 1 ? 1 : d;
}

static int qnote_cmp(const void *a, const void *b)
{
    const srnn_qnote *x = a, *y = b;
    if (x->onset != y->onset)
        return x->onset < y->onset ? -1 : 1;
    if (x->pitch != y->pitch)
        return x->pitch < y->pitch ? -1 : 1;
    if (x->duration != y->duration)
        return x->duration > y->duration ? -1 : 1; /* longest first: it is the one kept */
    if (x->velocity != y->velocity)
        return x->velocity > y->velocity ? -1 : 1;
    if (x->channel != y->channel)
        return (int)x->channel - (int)y->channel;
    return (int)x->voice - (int)y->voice;
}

void srnn_qpiece_release(srnn_qpiece *q)
{
    if (!q)
        return;
    free(q->notes);
    free(q->events);
    memset(q, 0, sizeof *q);
}

int srnn_piece_quantize(const srnn_piece *piece, int grid, srnn_qpiece *out)
{
    if (!out)
        return SRNN_EARG;
    memset(out, 0, sizeof *out);
    if (!piece || grid < 1 || grid > SRNN_GRID_MAX)
        return SRNN_EARG;
    out->grid = grid;
    size_t n = srnn_piece_note_count(piece);
    if (n == 0)
        return SRNN_OK;
    const srnn_note *in = srnn_piece_notes(piece);
    srnn_qnote *q = malloc(n * sizeof *q);
    if (!q)
        return SRNN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        q[i].onset = srnn_quantize_onset(in[i].onset, grid);
        q[i].duration = srnn_quantize_duration(in[i].duration, grid);
        q[i].pitch = in[i].pitch & 127;
        q[i].velocity = in[i].velocity;
        q[i].channel = in[i].channel;
        q[i].voice = in[i].voice;
    }
    qsort(q, n, sizeof *q, qnote_cmp);

    /* One pitch per grid step: the sort put the longest duplicate first; it keeps the
     * loudest velocity, since the strike that sounds is the loudest. */
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (w > 0 && q[w - 1].onset == q[i].onset && q[w - 1].pitch == q[i].pitch) {
            if (q[i].velocity > q[w - 1].velocity)
                q[w - 1].velocity = q[i].velocity;
            continue;
        }
        q[w++] = q[i];
    }
    n = w;

    size_t n_ev = 0;
    for (size_t i = 0; i < n; i++)
        n_ev += i == 0 || q[i].onset != q[i - 1].onset;
    srnn_event *ev = malloc(n_ev * sizeof *ev);
    if (!ev) {
        free(q);
        return SRNN_ENOMEM;
    }
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || q[i].onset != q[i - 1].onset)
            ev[e++] = (srnn_event){.onset = q[i].onset, .first = i, .count = 0};
        ev[e - 1].count++;
    }
    out->notes = q;
    out->n_notes = n;
    out->events = ev;
    out->n_events = n_ev;
    return SRNN_OK;
}
