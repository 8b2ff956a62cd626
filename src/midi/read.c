/* Standard MIDI File reader.
 *
 * libsmf 1.3 aborts on an assertion for some files from the wild (a track without End-of-Track,
 * for one), so the reader is our own walk over the bytes: every length is checked against the
 * bytes that are there before anything is read or allocated, and memory grows only with events
 * actually present.  libsmf is used by the writer.
 *
 * It reads other people's files as a tolerant reader does (mido with clip=True, FluidSynth),
 * and refuses only what cannot be read; tests/midi/edge holds a file for each case below.
 *  - Chunks: the header must be MThd of at least 6 bytes (longer: the rest is skipped; a length
 *    past the end of the file: the chunks are looked for from byte 14).  Chunks other than MTrk
 *    are skipped.  Only as many MTrk chunks as the header declares are read (as mido and
 *    FluidSynth do; later bytes are ignored), fewer when the file holds fewer.  A chunk id that
 *    is not four ASCII characters means a length before it was wrong: reading goes on at the
 *    nearest "MTrk" (from 8 bytes back).  A track whose length runs past the file is read up to
 *    the end of the file.  A RIFF RMID file is read from its "data" chunk.
 *  - Header fields: formats 0 and 1 (and unknown ones, as mido does) merge their tracks; in
 *    format 2 each track is a sequence that starts where the one before ended.  An SMPTE time
 *    division (frames a second times ticks a frame) is read as seconds at 120 bpm, its tempo
 *    events ignored, since they do not change SMPTE time.  Refused: a division of 0.
 *  - Events: running status goes on across meta and sysex events and the stray bytes below
 *    (the spec says meta and sysex cancel it, but real files rely on it and a data byte there
 *    means nothing else).  Sysex F0 and F7 packets are skipped by their lengths.  Status bytes
 *    F1-FE (system common and real-time, no place in a file) are skipped with the data bytes
 *    the wire protocol gives them (F1, F3: 1; F2: 2; the rest, undefined ones too: 0).  A data
 *    byte of 0x80 or more in a channel message is taken as data and clipped to 127.  Events
 *    after End-of-Track inside its chunk are read, as mido reads them.
 *  - A track ends at the end of its chunk, or earlier at the first bytes that cannot be read:
 *    an event cut short, a variable-length number of more than 4 bytes (the spec's limit;
 *    mido reads it, FluidSynth refuses the file), a data byte with no status before it, a meta
 *    or sysex longer than what is left of the track.  What came before is kept; a file left
 *    without notes is refused with the reason ("no notes (track 1: ...)").
 *
 * How events become notes (all tracks merged in time order; ties keep file order):
 *  - note-on with velocity 0 is a note-off;
 *  - one sounding note per (channel, pitch): a note-on of a pitch that is still sounding ends
 *    the earlier note there and starts a new one.  When both strikes fall on the same tick they
 *    are one strike (one note, the louder velocity, typically a voice doubled in two tracks),
 *    which then lasts until the last of their note-offs;
 *  - a note-off ends the sounding note of its (channel, pitch); stray note-offs are ignored.
 *    A note-off on the very tick where a re-strike replaced an earlier note belongs to that
 *    earlier note (writers often put the new note-on before the old note-off), so it is skipped;
 *  - CC 120 / 123 (all sound / notes off) end every sounding note of the channel;
 *  - notes never closed end where their track ends; a note that would last zero ticks lasts
 *    one tick (it was written, and a synth sounds it briefly, so it is kept);
 *  - sustain pedal (CC 64 >= 64 down): a note released while the pedal is down on its channel
 *    lasts until the pedal goes up, or until the next strike of the same pitch on that channel,
 *    whichever comes first.  A pedal pressed on the very tick of the release does not catch it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "songrnn/midi.h"

/* The cap bounds memory: events grow with the bytes present, never with declared lengths. */
#define MAX_FILE_BYTES SRNN_MIDI_MAX_BYTES

/* SMPTE-timed files have no beats: they are read at this tempo (120 bpm). */
#define SMPTE_US_PER_QUARTER 500000.0

enum { EV_ON, EV_OFF, EV_PEDAL, EV_ALL_OFF, EV_PROGRAM, EV_TEMPO, EV_TIMESIG, EV_KEYSIG };

typedef struct midi_event {
    int64_t tick;
    uint32_t seq; /* file order over all tracks: the tie-break of the merge */
    uint32_t val; /* tempo: microseconds per quarter */
    uint16_t track;
    uint8_t kind, ch, a, b;
} midi_event;

typedef struct raw_note {
    int64_t on, off;
    uint16_t track;
    uint8_t pitch, vel, ch;
} raw_note;

typedef struct pedal_span {
    int64_t down, up;
} pedal_span;

typedef struct reader {
    srnn_error *err;
    midi_event *ev;
    size_t n_ev, cap_ev;
    int64_t *track_end; /* [n_tracks] tick of each track's end */
    unsigned n_tracks;
    double ticks_per_beat;
    int smpte;          /* SMPTE time division: tempo events do not change the timing */
    char problem[200];  /* why the first track cut short ended there, or "" */
    char title[256];
} reader;

static int push_event(reader *r, const midi_event *e)
{
    if (r->n_ev == r->cap_ev) {
        size_t nc = r->cap_ev ? r->cap_ev * 2 : 1024;
        midi_event *ne = realloc(r->ev, nc * sizeof *ne);
        if (!ne)
            return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
        r->ev = ne;
        r->cap_ev = nc;
    }
    r->ev[r->n_ev] = *e;
    r->ev[r->n_ev].seq = (uint32_t)r->n_ev;
    r->n_ev++;
    return SRNN_OK;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* A variable-length quantity: at most 4 bytes (28 bits) by the standard.
 * Returns 0, -1 when the bytes run out, -2 when it is longer than 4 bytes. */
static int read_vlq(const unsigned char *p, size_t len, size_t *i, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        if (*i >= len)
            return -1;
        unsigned char c = p[(*i)++];
        v = v << 7 | (c & 0x7F);
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -2;
}

static int is_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 0 : (c >= 0xC2 && c <= 0xDF) ? 1 : (c & 0xF0) == 0xE0 ? 2
                 : (c >= 0xF0 && c <= 0xF4) ? 3 : 99;
        if (k >= n - i)
            return 0;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k + 1;
    }
    return 1;
}

/* Text of a meta event as UTF-8: kept when it is UTF-8, else taken as Latin-1 (older files);
 * control characters become spaces, surrounding blanks are trimmed.  dst holds cap bytes. */
static void clean_text(char *dst, size_t cap, const unsigned char *src, size_t n)
{
    int utf8 = is_utf8(src, n);
    size_t w = 0;
    for (size_t i = 0; i < n && w + 3 < cap; i++) {
        unsigned c = src[i];
        if (c < 0x20 || c == 0x7F)
            dst[w++] = ' ';
        else if (c < 0x80 || utf8)
            dst[w++] = (char)c;
        else { /* Latin-1 to UTF-8 */
            dst[w++] = (char)(0xC0 | c >> 6);
            dst[w++] = (char)(0x80 | (c & 0x3F));
        }
    }
    /* Do not leave half a UTF-8 sequence when the cap cut it. */
    while (w > 0 && ((unsigned char)dst[w - 1] & 0xC0) == 0x80) {
        size_t s = w - 1;
        while (s > 0 && ((unsigned char)dst[s] & 0xC0) == 0x80)
            s--;
        unsigned lead = (unsigned char)dst[s];
        size_t need = (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
        if (w - s == need)
            break;
        w = s;
    }
    while (w > 0 && dst[w - 1] == ' ')
        w--;
    size_t s = 0;
    while (s < w && dst[s] == ' ')
        s++;
    memmove(dst, dst + s, w - s);
    dst[w - s] = 0;
}

/* Records why a track ends before its chunk does; the first such reason is kept for the
 * message of a file that ends up with no notes. */
static void SRNN_PRINTF(2, 3) track_cut(reader *r, const char *fmt, ...)
{
    if (r->problem[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->problem, sizeof r->problem, fmt, ap);
    va_end(ap);
}

/* Data bytes the MIDI wire protocol gives the system common and real-time status bytes F1-FE
 * (which have no place in a file): F1 and F3 one, F2 two, the others (undefined ones too)
 * none. */
static size_t system_data_bytes(unsigned c)
{
    return c == 0xF2 ? 2 : (c == 0xF1 || c == 0xF3) ? 1 : 0;
}

/* Walks one MTrk chunk (p, len) at file offset base, its ticks counted from start; collects
 * the events that matter.  A track ends where its bytes stop making sense (see the top of the
 * file), so the only error returned is SRNN_ENOMEM. */
static int walk_track(reader *r, const unsigned char *p, size_t len, unsigned ti, size_t base,
                      int64_t start)
{
    size_t i = 0;
    int64_t tick = start;
    unsigned status = 0; /* running status: the last channel status byte */
    unsigned tn = ti + 1;
    while (i < len) {
        uint32_t delta = 0;
        size_t at = i;
        int rc = read_vlq(p, len, &i, &delta);
        if (rc == -2) {
            track_cut(r, "track %u: bad variable-length number at byte %zu", tn, base + at);
            break;
        }
        if (rc < 0 || i >= len) {
            track_cut(r, "track %u: event cut short at byte %zu", tn, base + at);
            break;
        }
        tick += delta;
        at = i;
        unsigned c = p[i];
        midi_event e = {.tick = tick, .track = (uint16_t)ti};
        if (c == 0xFF || c == 0xF0 || c == 0xF7) {
            /* Meta and sysex: skipped by their length; running status goes on after them. */
            unsigned type = 0;
            i++;
            if (c == 0xFF) {
                if (i >= len) {
                    track_cut(r, "track %u: event cut short at byte %zu", tn, base + at);
                    break;
                }
                type = p[i++];
            }
            uint32_t mlen;
            size_t lat = i;
            rc = read_vlq(p, len, &i, &mlen);
            if (rc == -2) {
                track_cut(r, "track %u: bad variable-length number at byte %zu", tn, base + lat);
                break;
            }
            if (rc < 0) {
                track_cut(r, "track %u: event cut short at byte %zu", tn, base + at);
                break;
            }
            if (mlen > len - i) {
                track_cut(r, "track %u: %s of %u bytes at byte %zu runs past the end of the track",
                          tn, c == 0xFF ? "meta event" : "sysex", mlen, base + at);
                break;
            }
            const unsigned char *d = p + i;
            i += mlen;
            if (c != 0xFF)
                continue;
            if (type == 0x03 && !r->title[0]) {
                clean_text(r->title, sizeof r->title, d, mlen);
            } else if (type == 0x51 && mlen >= 3) {
                e.kind = EV_TEMPO;
                e.val = (uint32_t)d[0] << 16 | (uint32_t)d[1] << 8 | d[2];
                if (e.val > 0 && push_event(r, &e))
                    return SRNN_ENOMEM;
            } else if ((type == 0x58 || type == 0x59) && mlen >= 2) {
                e.kind = type == 0x58 ? EV_TIMESIG : EV_KEYSIG;
                e.a = d[0];
                e.b = d[1];
                if (push_event(r, &e))
                    return SRNN_ENOMEM;
            }
            continue;
        }
        if (c > 0xF0) { /* F1-FE: skipped with their wire data bytes, running status kept */
            size_t nd = system_data_bytes(c);
            if (nd >= len - i) {
                track_cut(r, "track %u: event cut short at byte %zu", tn, base + at);
                break;
            }
            i += 1 + nd;
            continue;
        }
        if (c & 0x80) {
            status = c;
            i++;
        } else if (!status) {
            track_cut(r, "track %u: running status without a previous status byte at byte %zu",
                      tn, base + at);
            break;
        }
        unsigned kind = status & 0xF0, nd = (kind == 0xC0 || kind == 0xD0) ? 1 : 2;
        if (nd > len - i) {
            track_cut(r, "track %u: event cut short at byte %zu", tn, base + at);
            break;
        }
        /* A data byte of 0x80 or more is taken as data and clipped to 127, as mido's
         * clip=True reads it. */
        unsigned d1 = p[i] & 0x80 ? 0x7F : p[i];
        unsigned d2 = nd < 2 ? 0 : p[i + 1] & 0x80 ? 0x7F : p[i + 1];
        i += nd;
        e.ch = (uint8_t)(status & 0x0F);
        e.a = (uint8_t)d1;
        e.b = (uint8_t)d2;
        if (kind == 0x90 || kind == 0x80) {
            e.kind = (kind == 0x90 && d2 > 0) ? EV_ON : EV_OFF;
        } else if (kind == 0xB0 && d1 == 64) {
            e.kind = EV_PEDAL;
            e.b = d2 >= 64;
        } else if (kind == 0xB0 && (d1 == 120 || d1 == 123)) {
            e.kind = EV_ALL_OFF;
        } else if (kind == 0xC0) {
            e.kind = EV_PROGRAM;
        } else {
            continue;
        }
        if (push_event(r, &e))
            return SRNN_ENOMEM;
    }
    /* The track ends at its last event read: End-of-Track, a later event, or where the bytes
     * stopped making sense. */
    r->track_end[ti] = tick;
    return SRNN_OK;
}

static int event_cmp(const void *x, const void *y)
{
    const midi_event *a = x, *b = y;
    if (a->tick != b->tick)
        return a->tick < b->tick ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int note_key_cmp(const void *x, const void *y)
{
    const raw_note *a = x, *b = y;
    if (a->ch != b->ch)
        return a->ch < b->ch ? -1 : 1;
    if (a->pitch != b->pitch)
        return a->pitch < b->pitch ? -1 : 1;
    if (a->on != b->on)
        return a->on < b->on ? -1 : 1;
    return 0;
}

/* Finds the SMF inside the bytes: at the start, or in the "data" chunk of a RIFF RMID file. */
static int find_smf(const unsigned char **data, size_t *size, srnn_error *err)
{
    const unsigned char *d = *data;
    size_t n = *size;
    if (n == 0)
        return srnn_error_set(err, SRNN_EINPUT, "not a MIDI file (the file is empty)");
    if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "RMID", 4)) {
        size_t i = 12;
        while (n - i >= 8) {
            uint32_t clen = le32(d + i + 4);
            if (!memcmp(d + i, "data", 4)) {
                *data = d + i + 8;
                *size = clen < n - i - 8 ? clen : n - i - 8;
                return SRNN_OK;
            }
            if (clen > n - i - 8)
                break;
            i += 8 + clen + (clen & 1);
        }
        return srnn_error_set(err, SRNN_EINPUT, "RIFF MIDI file without a data chunk");
    }
    if (n < 4 || memcmp(d, "MThd", 4))
        return srnn_error_set(err, SRNN_EINPUT, "not a MIDI file (no MThd header)");
    return SRNN_OK;
}

/* A chunk id is four printable ASCII characters; anything else means the chunk lengths before
 * it were wrong. */
static int is_chunk_id(const unsigned char *p)
{
    for (int k = 0; k < 4; k++)
        if (p[k] < 0x20 || p[k] > 0x7E)
            return 0;
    return 1;
}

/* The offset of the first "MTrk" at or after from, or n when there is none. */
static size_t find_mtrk(const unsigned char *d, size_t from, size_t n)
{
    for (size_t i = from; i + 4 <= n; i++)
        if (d[i] == 'M' && !memcmp(d + i, "MTrk", 4))
            return i;
    return n;
}

/* Time division of the header: ticks per quarter note, or SMPTE frames a second (the high
 * byte, negative; -29 is 29.97 drop frame) times ticks a frame, read as seconds at 120 bpm. */
static int read_division(reader *r, unsigned division)
{
    if (division & 0x8000) {
        int fps = 256 - (int)(division >> 8); /* the high byte is -fps in two's complement */
        unsigned per_frame = division & 0xFF;
        if (per_frame == 0)
            return srnn_error_set(r->err, SRNN_EINPUT, "time division is zero (SMPTE, 0 ticks "
                                  "a frame): ticks have no length");
        double rate = fps == 29 ? 30000.0 / 1001.0 : fps;
        r->smpte = 1;
        r->ticks_per_beat = rate * per_frame * (SMPTE_US_PER_QUARTER / 1e6);
        return SRNN_OK;
    }
    if (division == 0)
        return srnn_error_set(r->err, SRNN_EINPUT, "time division is zero: ticks have no length");
    r->ticks_per_beat = division;
    return SRNN_OK;
}

/* Parses header and tracks into r (see the top of the file for what is repaired). */
static int parse_chunks(reader *r, const unsigned char *d, size_t n)
{
    if (n < 8)
        return srnn_error_set(r->err, SRNN_EINPUT, "truncated MIDI header");
    uint32_t hlen = be32(d + 4);
    if (hlen < 6)
        return srnn_error_set(r->err, SRNN_EINPUT,
                              "MThd header is %u bytes long, expected 6 or more", hlen);
    if (n < 14)
        return srnn_error_set(r->err, SRNN_EINPUT, "truncated MIDI header");
    unsigned format = (unsigned)d[8] << 8 | d[9];
    unsigned ntracks = (unsigned)d[10] << 8 | d[11];
    int rc = read_division(r, (unsigned)d[12] << 8 | d[13]);
    if (rc)
        return rc;
    if (ntracks == 0)
        return srnn_error_set(r->err, SRNN_EINPUT, "no notes (the header declares no tracks)");
    r->track_end = calloc(ntracks, sizeof *r->track_end);
    if (!r->track_end)
        return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
    /* A header length running past the file is wrong, not the file: chunks from byte 14. */
    size_t i = hlen <= n - 8 ? 8 + (size_t)hlen : 14;
    size_t prev = 8; /* where the data of the chunk before starts */
    while (r->n_tracks < ntracks && n - i >= 8) {
        if (!is_chunk_id(d + i)) {
            /* Lost between chunks (a length a few bytes off): on at the nearest MTrk. */
            size_t j = find_mtrk(d, i - 8 > prev ? i - 8 : prev, n);
            if (j >= n)
                break;
            i = j;
            continue;
        }
        uint32_t clen = be32(d + i + 4);
        size_t avail = n - i - 8;
        if (!memcmp(d + i, "MTrk", 4)) {
            /* A track running past the end of the file is read up to there. */
            size_t tl = clen < avail ? clen : avail;
            int64_t start = format == 2 && r->n_tracks ? r->track_end[r->n_tracks - 1] : 0;
            if ((rc = walk_track(r, d + i + 8, tl, r->n_tracks, i + 8, start)))
                return rc;
            r->n_tracks++;
            prev = i + 8;
            i += 8 + tl;
        } else if (clen > avail) { /* a foreign chunk past the end: a track may still follow */
            size_t j = find_mtrk(d, i + 8, n);
            if (j >= n)
                break;
            prev = i + 8;
            i = j;
        } else { /* chunks other than MTrk are skipped, as the spec asks */
            prev = i + 8;
            i += 8 + (size_t)clen;
        }
    }
    if (r->n_tracks == 0)
        return srnn_error_set(r->err, SRNN_EINPUT,
                              "no notes (the file has no track; its header declares %u)",
                              ntracks);
    return SRNN_OK;
}

/* Pairs note events into notes; returns the count in *n_out (array in *out). */
static int pair_notes(reader *r, srnn_piece *piece, raw_note **out, size_t *n_out)
{
    size_t cap = 256, n = 0;
    raw_note *notes = malloc(cap * sizeof *notes);
    if (!notes)
        return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
    const int32_t none = -1;
    int32_t open[16][128];
    int64_t restruck[16][128];
    uint16_t debt[16][128] = {{0}}; /* note-offs still owed by merged double strikes */
    for (int c = 0; c < 16; c++)
        for (int p = 0; p < 128; p++) {
            open[c][p] = none;
            restruck[c][p] = -1;
        }
    int have_program = 0;
    for (size_t k = 0; k < r->n_ev; k++) {
        const midi_event *e = &r->ev[k];
        switch (e->kind) {
        case EV_ON: {
            int32_t o = open[e->ch][e->a];
            if (o >= 0 && notes[o].on == e->tick) { /* the same strike twice */
                if (e->b > notes[o].vel)
                    notes[o].vel = e->b;
                if (debt[e->ch][e->a] < UINT16_MAX)
                    debt[e->ch][e->a]++;
                break;
            }
            debt[e->ch][e->a] = 0;
            if (o >= 0) {
                notes[o].off = e->tick;
                restruck[e->ch][e->a] = e->tick;
            } else {
                restruck[e->ch][e->a] = -1;
            }
            if (n == cap) {
                raw_note *nn = realloc(notes, 2 * cap * sizeof *nn);
                if (!nn) {
                    free(notes);
                    return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
                }
                notes = nn;
                cap *= 2;
            }
            notes[n] = (raw_note){e->tick, -1, e->track, e->a, e->b, e->ch};
            open[e->ch][e->a] = (int32_t)n++;
            break;
        }
        case EV_OFF: {
            int32_t o = open[e->ch][e->a];
            if (o < 0)
                break;
            if (debt[e->ch][e->a] > 0) { /* a doubled strike's note-off: the other still sounds */
                debt[e->ch][e->a]--;
                break;
            }
            if (notes[o].on == e->tick && restruck[e->ch][e->a] == e->tick) {
                restruck[e->ch][e->a] = -1; /* the replaced note's own note-off */
                break;
            }
            notes[o].off = e->tick;
            open[e->ch][e->a] = none;
            break;
        }
        case EV_ALL_OFF:
            for (int p = 0; p < 128; p++)
                if (open[e->ch][p] >= 0) {
                    notes[open[e->ch][p]].off = e->tick;
                    open[e->ch][p] = none;
                    debt[e->ch][p] = 0;
                }
            break;
        case EV_PROGRAM:
            if (!have_program && e->ch != SRNN_DRUM_CHANNEL) {
                srnn_piece_set_program(piece, e->a);
                have_program = 1;
            }
            break;
        default:
            break;
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (notes[k].off < 0) /* never closed: ends with its track */
            notes[k].off = r->track_end[notes[k].track];
        if (notes[k].off <= notes[k].on)
            notes[k].off = notes[k].on + 1;
    }
    *out = notes;
    *n_out = n;
    return SRNN_OK;
}

static int push_span(reader *r, pedal_span **spans, size_t *n, size_t *cap, int64_t down,
                     int64_t up)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        pedal_span *ns = realloc(*spans, nc * sizeof *ns);
        if (!ns)
            return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
        *spans = ns;
        *cap = nc;
    }
    (*spans)[(*n)++] = (pedal_span){down, up};
    return SRNN_OK;
}

/* Extends the notes released under a held sustain pedal (see the top of the file). */
static int apply_pedal(reader *r, raw_note *notes, size_t n, int64_t file_end)
{
    pedal_span *spans[16] = {0};
    size_t n_spans[16] = {0}, cap_spans[16] = {0};
    int64_t down_at[16];
    int rc = SRNN_OK;
    for (int c = 0; c < 16; c++)
        down_at[c] = -1;
    for (size_t k = 0; k < r->n_ev; k++) {
        const midi_event *e = &r->ev[k];
        if (e->kind != EV_PEDAL)
            continue;
        if (e->b && down_at[e->ch] < 0) {
            down_at[e->ch] = e->tick;
        } else if (!e->b && down_at[e->ch] >= 0) {
            if ((rc = push_span(r, &spans[e->ch], &n_spans[e->ch], &cap_spans[e->ch],
                                down_at[e->ch], e->tick)))
                goto done;
            down_at[e->ch] = -1;
        }
    }
    for (int c = 0; c < 16; c++) /* still down at the end: released when the file ends */
        if (down_at[c] >= 0 &&
            (rc = push_span(r, &spans[c], &n_spans[c], &cap_spans[c], down_at[c],
                            file_end > down_at[c] ? file_end : down_at[c])))
            goto done;
    /* The events were read for the last time: their memory goes before the sort's. */
    free(r->ev);
    r->ev = NULL;
    r->n_ev = 0;
    int any = 0;
    for (int c = 0; c < 16; c++)
        any |= n_spans[c] > 0;
    if (!any)
        goto done; /* no pedal: nothing to extend, and no need to sort */
    /* Sorted by channel, pitch and onset, each note's next strike is its neighbour. */
    qsort(notes, n, sizeof *notes, note_key_cmp);
    for (size_t k = 0; k < n; k++) {
        raw_note *m = &notes[k];
        const pedal_span *s = spans[m->ch];
        size_t ns = n_spans[m->ch];
        if (!ns)
            continue;
        /* The last span pressed strictly before the release. */
        size_t lo = 0, hi = ns;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s[mid].down < m->off)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0 || m->off > s[lo - 1].up)
            continue;
        int64_t end = s[lo - 1].up;
        if (k + 1 < n && notes[k + 1].ch == m->ch && notes[k + 1].pitch == m->pitch &&
            notes[k + 1].on < end)
            end = notes[k + 1].on;
        if (end > m->off)
            m->off = end;
    }
done:
    for (int c = 0; c < 16; c++)
        free(spans[c]);
    return rc;
}

static int build_piece(reader *r, unsigned flags, srnn_piece *piece)
{
    const double tpb = r->ticks_per_beat;
    /* Stable merge of all tracks: by tick, then file order.  One track (or tracks one after
     * another) is in order already, and a sort of millions of events costs a copy of them. */
    size_t unsorted = 0;
    for (size_t k = 1; k < r->n_ev && !unsorted; k++)
        unsorted = event_cmp(&r->ev[k - 1], &r->ev[k]) > 0;
    if (unsorted)
        qsort(r->ev, r->n_ev, sizeof *r->ev, event_cmp);
    if (r->smpte && srnn_piece_add_tempo(piece, 0, SMPTE_US_PER_QUARTER))
        return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
    for (size_t k = 0; k < r->n_ev; k++) {
        const midi_event *e = &r->ev[k];
        double beat = (double)e->tick / tpb;
        int rc = SRNN_OK;
        if (e->kind == EV_TEMPO && !r->smpte)
            rc = srnn_piece_add_tempo(piece, beat, e->val);
        else if (e->kind == EV_TIMESIG && e->a > 0 && e->b <= 8)
            rc = srnn_piece_add_timesig(piece, beat, e->a, 1 << e->b);
        else if (e->kind == EV_KEYSIG && (int8_t)e->a >= -7 && (int8_t)e->a <= 7 && e->b <= 1)
            rc = srnn_piece_add_keysig(piece, beat, (int8_t)e->a, e->b);
        if (rc == SRNN_ENOMEM)
            return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
        /* Other failures are values out of range: such an entry is dropped, not fatal. */
    }
    raw_note *notes = NULL;
    size_t n = 0;
    int rc = pair_notes(r, piece, &notes, &n);
    if (rc)
        return rc;
    int64_t file_end = 0;
    for (unsigned t = 0; t < r->n_tracks; t++)
        if (r->track_end[t] > file_end)
            file_end = r->track_end[t];
    if (!(flags & SRNN_MIDI_NO_PEDAL) && (rc = apply_pedal(r, notes, n, file_end))) {
        free(notes);
        return rc;
    }
    /* The events are no longer needed (apply_pedal may have freed them already): their memory
     * goes before the piece's notes come. */
    free(r->ev);
    r->ev = NULL;
    r->n_ev = 0;
    if (srnn_piece_reserve_notes(piece, n)) {
        free(notes);
        return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
    }
    size_t kept = 0;
    for (size_t k = 0; k < n; k++) {
        const raw_note *m = &notes[k];
        if (m->ch == SRNN_DRUM_CHANNEL && !(flags & SRNN_MIDI_KEEP_DRUMS))
            continue;
        srnn_note note = {
            .onset = (double)m->on / tpb,
            .duration = (double)(m->off - m->on) / tpb,
            .pitch = m->pitch,
            .velocity = m->vel,
            .channel = m->ch,
            .voice = (uint8_t)(m->track < 255 ? m->track : 255),
        };
        if (srnn_piece_add_note(piece, &note)) {
            free(notes);
            return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
        }
        kept++;
    }
    free(notes);
    if (n == 0)
        return r->problem[0] ? srnn_error_set(r->err, SRNN_EINPUT, "no notes (%s)", r->problem)
                             : srnn_error_set(r->err, SRNN_EINPUT, "no notes");
    if (kept == 0)
        return srnn_error_set(r->err, SRNN_EINPUT, "only drum notes (channel 10)");
    srnn_piece_sort_notes(piece);
    if (r->title[0] && srnn_piece_set_title(piece, r->title))
        return srnn_error_set(r->err, SRNN_ENOMEM, "out of memory");
    return SRNN_OK;
}

int srnn_midi_read_memory(const unsigned char *data, size_t size, unsigned flags,
                          srnn_piece **out, srnn_error *err)
{
    if (out)
        *out = NULL;
    if (!out || (!data && size))
        return srnn_error_set(err, SRNN_EARG, "no data or no place for the result");
    if (size > MAX_FILE_BYTES)
        return srnn_error_set(err, SRNN_EINPUT, "file too large (%zu bytes; the limit is %zu MiB)",
                              size, MAX_FILE_BYTES >> 20);
    if (!data)
        return srnn_error_set(err, SRNN_EINPUT, "not a MIDI file (no MThd header)");
    int rc = find_smf(&data, &size, err);
    if (rc)
        return rc;
    reader r = {.err = err};
    srnn_piece *piece = NULL;
    rc = parse_chunks(&r, data, size);
    if (!rc) {
        piece = srnn_piece_new();
        rc = piece ? build_piece(&r, flags, piece)
                   : srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    free(r.ev);
    free(r.track_end);
    if (rc) {
        srnn_piece_free(piece);
        return rc;
    }
    *out = piece;
    return SRNN_OK;
}

int srnn_midi_read(const char *path, unsigned flags, srnn_piece **out, srnn_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return srnn_error_set(err, SRNN_EARG, "no path or no place for the result");
    /* Refuse a huge file before reading it into memory. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > MAX_FILE_BYTES)
        return srnn_error_set(err, SRNN_EINPUT, "file too large (%zu bytes; the limit is %zu MiB)",
                              (size_t)st.st_size, MAX_FILE_BYTES >> 20);
    unsigned char *data = NULL;
    size_t size = 0;
    int rc = srnn_file_read_all(path, &data, &size, err);
    if (rc)
        return rc;
    rc = srnn_midi_read_memory(data, size, flags, out, err);
    free(data);
    return rc;
}
