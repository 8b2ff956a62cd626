/* Beat annotations (POP909's beat_midi.txt) and putting a piece on them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/notes.h"

void srnn_beats_release(srnn_beats *b)
{
    if (!b)
        return;
    free(b->seconds);
    free(b->a);
    free(b->b);
    memset(b, 0, sizeof *b);
}

/* A number at *p (as strtod reads it), or -1 with *p unmoved. */
static int read_num(const char **p, const char *end, double *x)
{
    char buf[64];
    size_t k = 0;
    const char *s = *p;
    while (s < end && k < sizeof buf - 1 && (strchr("+-.0123456789eE", *s)))
        buf[k++] = *s++;
    buf[k] = 0;
    char *stop;
    double v = strtod(buf, &stop);
    if (k == 0 || *stop || !isfinite(v))
        return -1;
    *x = v;
    *p = s;
    return 0;
}

int srnn_beats_parse(const char *text, size_t len, srnn_beats *out, srnn_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    const char *p = text, *end = text + len;
    int line = 1, rc = SRNN_OK;
    while (p < end) {
        const char *ls = p;
        double v[3];
        int k = 0;
        while (p < end && *p != '\n') {
            if (*p == ' ' || *p == '\t' || *p == '\r') {
                p++;
                continue;
            }
            if (k == 3 || read_num(&p, end, &v[k]) != 0) {
                rc = srnn_error_set(err, SRNN_EINPUT, "%d:%d: %s", line, (int)(p - ls) + 1,
                                    k == 3 ? "more than three columns"
                                           : "not a number (beat lines are: seconds A B)");
                goto fail;
            }
            k++;
        }
        if (k != 0 && k != 3) {
            rc = srnn_error_set(err, SRNN_EINPUT, "%d:%d: a beat line has three columns, not %d",
                                line, (int)(p - ls) + 1, k);
            goto fail;
        }
        if (k == 3) {
            if (out->n && !(v[0] > out->seconds[out->n - 1])) {
                rc = srnn_error_set(err, SRNN_EINPUT, "%d:1: beat times must rise", line);
                goto fail;
            }
            if (out->n == cap) {
                cap = cap ? 2 * cap : 512;
                double *ns = realloc(out->seconds, cap * sizeof *ns);
                uint8_t *na = ns ? realloc(out->a, cap) : NULL;
                uint8_t *nb = na ? realloc(out->b, cap) : NULL;
                if (ns)
                    out->seconds = ns;
                if (na)
                    out->a = na;
                if (!nb) {
                    rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
                    goto fail;
                }
                out->b = nb;
            }
            out->seconds[out->n] = v[0];
            out->a[out->n] = v[1] != 0;
            out->b[out->n] = v[2] != 0;
            out->n++;
        }
        if (p < end)
            p++;
        line++;
    }
    return SRNN_OK;
fail:
    srnn_beats_release(out);
    return rc;
}

/* The most frequent distance, in beats, between the marked beats of a column; 0 if none. */
static int column_period(const uint8_t *mark, size_t n)
{
    int count[33] = {0};
    size_t last = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!mark[i])
            continue;
        if (last != SIZE_MAX && i - last <= 32)
            count[i - last]++;
        last = i;
    }
    int best = 0;
    for (int d = 1; d <= 32; d++)
        if (count[d] > count[best])
            best = d;
    return count[best] ? best : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int srnn_piece_align_beats(srnn_piece *piece, const srnn_beats *beats, int *meter,
                           srnn_error *err)
{
    if (!piece || !beats || !meter)
        return srnn_error_set(err, SRNN_EARG, "no piece or no beats");
    *meter = 0;
    if (beats->n < 3)
        return srnn_error_set(err, SRNN_EINPUT, "fewer than 3 annotated beats");
    /* The annotated beats must be the file's quarter notes. */
    double *gap = malloc((beats->n - 1) * sizeof *gap);
    if (!gap)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    for (size_t i = 0; i + 1 < beats->n; i++)
        gap[i] = srnn_piece_seconds_to_beat(piece, beats->seconds[i + 1]) -
                 srnn_piece_seconds_to_beat(piece, beats->seconds[i]);
    qsort(gap, beats->n - 1, sizeof *gap, cmp_double);
    double median = gap[(beats->n - 1) / 2];
    free(gap);
    if (!(fabs(median - 1) <= 0.1))
        return srnn_error_set(err, SRNN_EINPUT, "the annotated beats are %.2f quarter notes "
                                                "apart, not one",
                              median);
    int pb = column_period(beats->b, beats->n), pa = column_period(beats->a, beats->n);
    const uint8_t *marks;
    if (pb == 4) {
        *meter = 4;
        marks = beats->b;
    } else if (pa == 3) {
        *meter = 3;
        marks = beats->a;
    } else {
        return srnn_error_set(err, SRNN_EINPUT, "no bar lines of 4 or 3 beats in the "
                                                "annotations (marks every %d and %d beats)",
                              pa, pb);
    }
    size_t first = 0;
    while (first < beats->n && !marks[first])
        first++;
    double d0 = srnn_piece_seconds_to_beat(piece, beats->seconds[first]);
    double lo = 0;
    const srnn_note *nt = srnn_piece_notes(piece);
    for (size_t i = 0; i < srnn_piece_note_count(piece); i++)
        if (i == 0 || nt[i].onset < lo)
            lo = nt[i].onset;
    /* The first bar line onto k bars from the start, k the fewest that keeps every note. */
    double k = ceil((d0 - lo) / *meter - 1e-9);
    if (k < 0)
        k = 0;
    int rc = srnn_piece_shift(piece, k * *meter - d0);
    if (rc != SRNN_OK)
        return srnn_error_set(err, rc, "the annotated bars do not fit the piece");
    srnn_piece_clear_timesigs(piece);
    if ((rc = srnn_piece_add_timesig(piece, 0, *meter, 4)) != SRNN_OK)
        return srnn_error_set(err, rc, "out of memory");
    return SRNN_OK;
}
