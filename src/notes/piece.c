/* The note list and its metadata. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/notes.h"

struct srnn_piece {
    srnn_note *notes; /* [n_notes] */
    size_t n_notes, cap_notes;
    srnn_tempo *tempos; /* [n_tempos], sorted by beat */
    size_t n_tempos, cap_tempos;
    srnn_timesig *timesigs;
    size_t n_timesigs, cap_timesigs;
    srnn_keysig *keysigs;
    size_t n_keysigs, cap_keysigs;
    char *title;
    int program;
};

srnn_piece *srnn_piece_new(void)
{
    return calloc(1, sizeof(srnn_piece));
}

void srnn_piece_free(srnn_piece *piece)
{
    if (!piece)
        return;
    free(piece->notes);
    free(piece->tempos);
    free(piece->timesigs);
    free(piece->keysigs);
    free(piece->title);
    free(piece);
}

/* Grows *arr to hold one more element of size sz. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return SRNN_OK;
    size_t nc = *cap ? *cap * 2 : 16;
    void *na = realloc(*arr, nc * sz);
    if (!na)
        return SRNN_ENOMEM;
    *arr = na;
    *cap = nc;
    return SRNN_OK;
}

int srnn_piece_add_note(srnn_piece *piece, const srnn_note *note)
{
    if (!piece || !note || note->pitch > 127 || note->channel > 15 || !(note->duration > 0) ||
        !(note->onset >= 0))
        return SRNN_EARG;
    if (grow((void **)&piece->notes, &piece->cap_notes, piece->n_notes, sizeof(srnn_note)))
        return SRNN_ENOMEM;
    piece->notes[piece->n_notes++] = *note;
    return SRNN_OK;
}

size_t srnn_piece_note_count(const srnn_piece *piece)
{
    return piece ? piece->n_notes : 0;
}

const srnn_note *srnn_piece_notes(const srnn_piece *piece)
{
    return piece ? piece->notes : NULL;
}

srnn_note *srnn_piece_notes_mut(srnn_piece *piece)
{
    return piece ? piece->notes : NULL;
}

void srnn_piece_filter_notes(srnn_piece *piece, int (*keep)(const srnn_note *, void *), void *ud)
{
    if (!piece || !keep)
        return;
    size_t w = 0;
    for (size_t i = 0; i < piece->n_notes; i++)
        if (keep(&piece->notes[i], ud))
            piece->notes[w++] = piece->notes[i];
    piece->n_notes = w;
}

static int note_cmp(const void *a, const void *b)
{
    const srnn_note *x = a, *y = b;
    if (x->onset != y->onset)
        return x->onset < y->onset ? -1 : 1;
    if (x->pitch != y->pitch)
        return x->pitch < y->pitch ? -1 : 1;
    if (x->duration != y->duration)
        return x->duration > y->duration ? -1 : 1;
    return (int)x->voice - (int)y->voice;
}

void srnn_piece_sort_notes(srnn_piece *piece)
{
    if (!piece)
        return;
    /* Notes made in order (a reader, a decoder) need no sort, nor the sort's copy of them. */
    size_t k = 1;
    while (k < piece->n_notes && note_cmp(&piece->notes[k - 1], &piece->notes[k]) <= 0)
        k++;
    if (k < piece->n_notes)
        qsort(piece->notes, piece->n_notes, sizeof(srnn_note), note_cmp);
}

int srnn_piece_reserve_notes(srnn_piece *piece, size_t n)
{
    if (!piece)
        return SRNN_EARG;
    if (n <= piece->cap_notes)
        return SRNN_OK;
    srnn_note *na = realloc(piece->notes, n * sizeof *na);
    if (!na)
        return SRNN_ENOMEM;
    piece->notes = na;
    piece->cap_notes = n;
    return SRNN_OK;
}

double srnn_piece_end_beat(const srnn_piece *piece)
{
    double end = 0;
    for (size_t i = 0; piece && i < piece->n_notes; i++) {
        double e = piece->notes[i].onset + piece->notes[i].duration;
        if (e > end)
            end = e;
    }
    return end;
}

/* Inserts at the place that keeps the array sorted by beat; an entry at the same beat is
 * replaced, since only the last change at one instant is heard. */
#define SORTED_INSERT(arr, n, cap, T, value)                                                   \
    do {                                                                                       \
        size_t i_ = (n);                                                                       \
        while (i_ > 0 && (arr)[i_ - 1].beat > (value).beat)                                    \
            i_--;                                                                              \
        if (i_ > 0 && (arr)[i_ - 1].beat == (value).beat) {                                    \
            (arr)[i_ - 1] = (value);                                                           \
            return SRNN_OK;                                                                    \
        }                                                                                      \
        if (grow((void **)&(arr), &(cap), (n), sizeof(T)))                                     \
            return SRNN_ENOMEM;                                                                \
        memmove(&(arr)[i_ + 1], &(arr)[i_], ((n)-i_) * sizeof(T));                             \
        (arr)[i_] = (value);                                                                   \
        (n)++;                                                                                 \
    } while (0)

int srnn_piece_add_tempo(srnn_piece *piece, double beat, double us_per_quarter)
{
    if (!piece || !(beat >= 0) || !(us_per_quarter > 0))
        return SRNN_EARG;
    srnn_tempo t = {beat, us_per_quarter};
    SORTED_INSERT(piece->tempos, piece->n_tempos, piece->cap_tempos, srnn_tempo, t);
    return SRNN_OK;
}

size_t srnn_piece_tempo_count(const srnn_piece *piece)
{
    return piece ? piece->n_tempos : 0;
}

const srnn_tempo *srnn_piece_tempos(const srnn_piece *piece)
{
    return piece ? piece->tempos : NULL;
}

#define DEFAULT_US_PER_QUARTER 500000.0 /* 120 BPM, the MIDI default */

double srnn_piece_beat_to_seconds(const srnn_piece *piece, double beat)
{
    double us = DEFAULT_US_PER_QUARTER, at = 0, sec = 0;
    for (size_t i = 0; piece && i < piece->n_tempos && piece->tempos[i].beat < beat; i++) {
        sec += (piece->tempos[i].beat - at) * us * 1e-6;
        at = piece->tempos[i].beat;
        us = piece->tempos[i].us_per_quarter;
    }
    return sec + (beat - at) * us * 1e-6;
}

double srnn_piece_initial_bpm(const srnn_piece *piece)
{
    if (piece && piece->n_tempos > 0 && piece->tempos[0].beat <= 0)
        return 60e6 / piece->tempos[0].us_per_quarter;
    return 60e6 / DEFAULT_US_PER_QUARTER;
}

double srnn_piece_typical_bpm(const srnn_piece *piece)
{
    if (!piece || piece->n_tempos == 0)
        return 60e6 / DEFAULT_US_PER_QUARTER;
    double end = srnn_piece_end_beat(piece);
    double best_len = -1, best_us = DEFAULT_US_PER_QUARTER;
    /* The stretch before the first change plays at the default tempo. */
    if (piece->tempos[0].beat > 0) {
        best_len = piece->tempos[0].beat;
        best_us = DEFAULT_US_PER_QUARTER;
    }
    for (size_t i = 0; i < piece->n_tempos; i++) {
        double stop = i + 1 < piece->n_tempos ? piece->tempos[i + 1].beat : end;
        double len = stop - piece->tempos[i].beat;
        if (len > best_len) {
            best_len = len;
            best_us = piece->tempos[i].us_per_quarter;
        }
    }
    return 60e6 / best_us;
}

int srnn_piece_add_timesig(srnn_piece *piece, double beat, int num, int den)
{
    if (!piece || !(beat >= 0) || num <= 0 || num > 255 || den <= 0 || den > 256 ||
        (den & (den - 1)))
        return SRNN_EARG;
    srnn_timesig t = {beat, num, den};
    SORTED_INSERT(piece->timesigs, piece->n_timesigs, piece->cap_timesigs, srnn_timesig, t);
    return SRNN_OK;
}

size_t srnn_piece_timesig_count(const srnn_piece *piece)
{
    return piece ? piece->n_timesigs : 0;
}

const srnn_timesig *srnn_piece_timesigs(const srnn_piece *piece)
{
    return piece ? piece->timesigs : NULL;
}

int srnn_piece_add_keysig(srnn_piece *piece, double beat, int sharps, int minor)
{
    if (!piece || !(beat >= 0) || sharps < -7 || sharps > 7)
        return SRNN_EARG;
    srnn_keysig k = {beat, sharps, minor ? 1 : 0};
    SORTED_INSERT(piece->keysigs, piece->n_keysigs, piece->cap_keysigs, srnn_keysig, k);
    return SRNN_OK;
}

size_t srnn_piece_keysig_count(const srnn_piece *piece)
{
    return piece ? piece->n_keysigs : 0;
}

const srnn_keysig *srnn_piece_keysigs(const srnn_piece *piece)
{
    return piece ? piece->keysigs : NULL;
}

const char *srnn_piece_title(const srnn_piece *piece)
{
    return piece && piece->title ? piece->title : "";
}

int srnn_piece_set_title(srnn_piece *piece, const char *title)
{
    if (!piece)
        return SRNN_EARG;
    char *t = strdup(title ? title : "");
    if (!t)
        return SRNN_ENOMEM;
    free(piece->title);
    piece->title = t;
    return SRNN_OK;
}

int srnn_piece_program(const srnn_piece *piece)
{
    return piece ? piece->program : 0;
}

void srnn_piece_set_program(srnn_piece *piece, int program)
{
    if (piece && program >= 0 && program <= 127)
        piece->program = program;
}

int srnn_piece_pitch_range(const srnn_piece *piece, int *lo, int *hi)
{
    *lo = *hi = -1;
    if (!piece || piece->n_notes == 0)
        return -1;
    int a = 127, b = 0;
    for (size_t i = 0; i < piece->n_notes; i++) {
        int p = piece->notes[i].pitch;
        a = p < a ? p : a;
        b = p > b ? p : b;
    }
    *lo = a;
    *hi = b;
    return 0;
}

void srnn_piece_transpose_limits(const srnn_piece *piece, int max, int *down, int *up)
{
    int lo, hi;
    *down = *up = 0;
    if (max <= 0 || srnn_piece_pitch_range(piece, &lo, &hi) != 0)
        return;
    int floor_p = lo < 21 ? lo : 21, ceil_p = hi > 108 ? hi : 108;
    *down = lo - floor_p < max ? lo - floor_p : max;
    *up = ceil_p - hi < max ? ceil_p - hi : max;
}

int srnn_piece_estimate_key(const srnn_piece *piece, int *sharps, int *minor)
{
    /* Krumhansl & Kessler (1982) probe-tone profiles, tonic first. */
    static const double MAJOR[12] = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                     2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    static const double MINOR[12] = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                     2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
    /* Sharps of the major key on each tonic (C, Db, D, Eb, E, F, F#, G, Ab, A, Bb, B). */
    static const int MAJOR_SHARPS[12] = {0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5};
    *sharps = 0;
    *minor = 0;
    if (!piece || piece->n_notes == 0)
        return -1;
    double h[12] = {0};
    for (size_t i = 0; i < piece->n_notes; i++)
        h[piece->notes[i].pitch % 12] += piece->notes[i].duration > 0 ? piece->notes[i].duration
                                                                      : 0;
    double best = -2;
    for (int mode = 0; mode < 2; mode++) {
        const double *prof = mode ? MINOR : MAJOR;
        for (int t = 0; t < 12; t++) {
            double mx = 0, my = 0;
            for (int k = 0; k < 12; k++) {
                mx += h[(t + k) % 12];
                my += prof[k];
            }
            mx /= 12;
            my /= 12;
            double sxy = 0, sxx = 0, syy = 0;
            for (int k = 0; k < 12; k++) {
                double dx = h[(t + k) % 12] - mx, dy = prof[k] - my;
                sxy += dx * dy;
                sxx += dx * dx;
                syy += dy * dy;
            }
            double r = sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : -1;
            if (r > best) {
                best = r;
                *minor = mode;
                *sharps = MAJOR_SHARPS[mode ? (t + 3) % 12 : t];
            }
        }
    }
    return 0;
}

/* Shifts a sorted array of entries with a .beat by delta; those before 0 collapse into one at
 * 0 (the last of them, the one in force there); moved later, an entry at 0 stays there, since
 * it is also in force over the stretch the shift opens. */
#define SHIFT_ENTRIES(arr, n, delta)                                                           \
    do {                                                                                       \
        size_t first_ = 0;                                                                     \
        for (size_t i_ = 0; i_ < (n); i_++) {                                                  \
            if ((arr)[i_].beat > 0 || (delta) < 0)                                             \
                (arr)[i_].beat += (delta);                                                     \
            if ((arr)[i_].beat <= 0)                                                           \
                first_ = i_;                                                                   \
        }                                                                                      \
        if ((n) > 0 && (arr)[0].beat < 0) {                                                    \
            (arr)[first_].beat = 0;                                                            \
            memmove((arr), (arr) + first_, ((n) - first_) * sizeof *(arr));                    \
            (n) -= first_;                                                                     \
        }                                                                                      \
    } while (0)

int srnn_piece_shift(srnn_piece *piece, double delta)
{
    if (!piece)
        return SRNN_EARG;
    for (size_t i = 0; i < piece->n_notes; i++)
        if (piece->notes[i].onset + delta < -1e-9)
            return SRNN_EARG;
    for (size_t i = 0; i < piece->n_notes; i++) {
        piece->notes[i].onset += delta;
        if (piece->notes[i].onset < 0)
            piece->notes[i].onset = 0;
    }
    SHIFT_ENTRIES(piece->tempos, piece->n_tempos, delta);
    SHIFT_ENTRIES(piece->timesigs, piece->n_timesigs, delta);
    SHIFT_ENTRIES(piece->keysigs, piece->n_keysigs, delta);
    return SRNN_OK;
}

void srnn_piece_clear_timesigs(srnn_piece *piece)
{
    if (piece)
        piece->n_timesigs = 0;
}

double srnn_piece_seconds_to_beat(const srnn_piece *piece, double seconds)
{
    double us = DEFAULT_US_PER_QUARTER, at = 0, sec = 0;
    for (size_t i = 0; piece && i < piece->n_tempos; i++) {
        double next = sec + (piece->tempos[i].beat - at) * us * 1e-6;
        if (next > seconds)
            break;
        sec = next;
        at = piece->tempos[i].beat;
        us = piece->tempos[i].us_per_quarter;
    }
    return at + (seconds - sec) / (us * 1e-6);
}

srnn_piece *srnn_piece_copy(const srnn_piece *p)
{
    srnn_piece *c = p ? srnn_piece_new() : NULL;
    if (!c)
        return NULL;
    int rc = srnn_piece_set_title(c, srnn_piece_title(p));
    for (size_t i = 0; rc == SRNN_OK && i < p->n_notes; i++)
        rc = srnn_piece_add_note(c, &p->notes[i]);
    for (size_t i = 0; rc == SRNN_OK && i < p->n_tempos; i++)
        rc = srnn_piece_add_tempo(c, p->tempos[i].beat, p->tempos[i].us_per_quarter);
    for (size_t i = 0; rc == SRNN_OK && i < p->n_timesigs; i++)
        rc = srnn_piece_add_timesig(c, p->timesigs[i].beat, p->timesigs[i].num,
                                    p->timesigs[i].den);
    for (size_t i = 0; rc == SRNN_OK && i < p->n_keysigs; i++)
        rc = srnn_piece_add_keysig(c, p->keysigs[i].beat, p->keysigs[i].sharps,
                                   p->keysigs[i].minor);
    c->program = p->program;
    if (rc != SRNN_OK) {
        srnn_piece_free(c);
        return NULL;
    }
    return c;
}
