/* Pieces to timed events, and the PortMidi message encoding: pure functions, no synth needed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

/* Time order; at equal times offs before program changes before ons, so a key struck again
 * at the moment it ends is released first and the new note sounds. */
static int type_rank(uint8_t type)
{
    switch (type) {
    case SRNN_SYNTH_ALL_NOTES_OFF: return 0;
    case SRNN_SYNTH_NOTE_OFF: return 1;
    case SRNN_SYNTH_PROGRAM: return 2;
    default: return 3;
    }
}

static int cmp_event(const void *a, const void *b)
{
    const srnn_synth_event *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    int rx = type_rank(x->type), ry = type_rank(y->type);
    if (rx != ry)
        return rx - ry;
    if (x->channel != y->channel)
        return (int)x->channel - (int)y->channel;
    return (int)x->key - (int)y->key;
}

static double to_seconds(const srnn_piece *piece, double bpm, double beat)
{
    return bpm > 0 ? beat * 60.0 / bpm : srnn_piece_beat_to_seconds(piece, beat);
}

int srnn_synth_events_from_piece(const srnn_piece *piece, const srnn_synth_events_opts *opts,
                                 srnn_synth_event **out, size_t *n, double *end,
                                 srnn_error *err)
{
    if (!piece || !out || !n)
        return srnn_error_set(err, SRNN_EARG, "events_from_piece: NULL argument");
    *out = NULL;
    *n = 0;
    if (end)
        *end = 0;
    double bpm = opts ? opts->bpm : 0;
    int program = opts ? opts->program : -1;
    if (!(bpm >= 0 && bpm <= 100000) || program > 127)
        return srnn_error_set(err, SRNN_EARG, "events_from_piece: bad tempo or program");
    if (program < 0)
        program = srnn_piece_program(piece);
    if (program < 0 || program > 127)
        program = 0;

    size_t nn = srnn_piece_note_count(piece);
    const srnn_note *notes = srnn_piece_notes(piece);
    int used[16] = {0};
    size_t n_used = 0;
    for (size_t i = 0; i < nn; i++)
        if (notes[i].channel < 16 && !used[notes[i].channel]) {
            used[notes[i].channel] = 1;
            n_used++;
        }
    if (nn > (SIZE_MAX / sizeof(srnn_synth_event) - 16) / 2)
        return srnn_error_set(err, SRNN_ENOMEM, "too many notes");
    srnn_synth_event *ev = malloc((2 * nn + n_used + 1) * sizeof *ev);
    if (!ev)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    size_t k = 0;
    for (int c = 0; c < 16; c++)
        if (used[c])
            ev[k++] = (srnn_synth_event){0.0, SRNN_SYNTH_PROGRAM, (uint8_t)c, 0, (uint8_t)program};
    double last = 0;
    for (size_t i = 0; i < nn; i++) {
        const srnn_note *no = &notes[i];
        if (no->channel > 15 || no->pitch > 127 || !(no->duration > 0) || !(no->onset >= 0))
            continue; /* the note list guarantees these; a bad note is skipped, not played */
        double t0 = to_seconds(piece, bpm, no->onset);
        double t1 = to_seconds(piece, bpm, no->onset + no->duration);
        if (!isfinite(t0) || !isfinite(t1) || t1 < t0)
            continue;
        uint8_t vel = no->velocity ? (no->velocity > 127 ? 127 : no->velocity) : 64;
        ev[k++] = (srnn_synth_event){t0, SRNN_SYNTH_NOTE_ON, no->channel, no->pitch, vel};
        ev[k++] = (srnn_synth_event){t1, SRNN_SYNTH_NOTE_OFF, no->channel, no->pitch, 0};
        if (t1 > last)
            last = t1;
    }
    qsort(ev, k, sizeof *ev, cmp_event);

    /* Overlapping notes of one key: count how many sound and drop every off but the last. */
    unsigned short *active = calloc(16 * 128, sizeof *active);
    if (!active) {
        free(ev);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        srnn_synth_event e = ev[i];
        unsigned short *a = &active[e.channel * 128 + e.key];
        if (e.type == SRNN_SYNTH_NOTE_ON) {
            if (*a < 65535)
                (*a)++;
        } else if (e.type == SRNN_SYNTH_NOTE_OFF) {
            if (*a == 0 || --(*a) > 0)
                continue;
        }
        ev[w++] = e;
    }
    free(active);
    *out = ev;
    *n = w;
    if (end)
        *end = last;
    return SRNN_OK;
}

int srnn_pm_encode(const srnn_synth_event *ev, int32_t origin_ms, srnn_pm_msg *out)
{
    if (!ev || !out || !(ev->time >= 0) || ev->time > 2.0e6)
        return 0;
    double ms = (double)origin_ms + floor(ev->time * 1000.0 + 0.5);
    if (ms > INT32_MAX || ms < INT32_MIN)
        return 0;
    int32_t ts = (int32_t)ms;
    uint32_t c = ev->channel;
    switch (ev->type) {
    case SRNN_SYNTH_NOTE_ON:
        if (c > 15 || ev->key > 127)
            return 0;
        /* velocity 0 would be a note-off */
        out[0].message = (0x90u | c) | (uint32_t)ev->key << 8 |
                         (uint32_t)(ev->value == 0 ? 1 : ev->value > 127 ? 127 : ev->value) << 16;
        out[0].timestamp = ts;
        return 1;
    case SRNN_SYNTH_NOTE_OFF:
        if (c > 15 || ev->key > 127)
            return 0;
        out[0].message = (0x80u | c) | (uint32_t)ev->key << 8;
        out[0].timestamp = ts;
        return 1;
    case SRNN_SYNTH_PROGRAM:
        if (c > 15 || ev->value > 127)
            return 0;
        out[0].message = (0xC0u | c) | (uint32_t)ev->value << 8;
        out[0].timestamp = ts;
        return 1;
    case SRNN_SYNTH_ALL_NOTES_OFF: {
        /* Controller 123, All Notes Off; 64 (sustain) released too would need a second
         * message per channel, and 123 is what every synth honours. */
        int first = c == SRNN_SYNTH_ALL_CHANNELS ? 0 : (int)c;
        int last = c == SRNN_SYNTH_ALL_CHANNELS ? 15 : (int)c;
        if (c > 15 && c != SRNN_SYNTH_ALL_CHANNELS)
            return 0;
        int k = 0;
        for (int ch = first; ch <= last; ch++) {
            out[k].message = (0xB0u | (uint32_t)ch) | 123u << 8;
            out[k].timestamp = ts;
            k++;
        }
        return k;
    }
    default:
        return 0;
    }
}
