/* Standard MIDI File writer.
 *
 * Format 1, laid out the way DAWs expect: track 1 is the conductor (name, tempo map, time and
 * key signatures), then one named track per channel used, each starting with a program change
 * (none on the drum channel).  Beats become ticks by rounding onset and end each to the nearest
 * tick, so a piece whose times sit on the tick grid reads back exactly.  Overlapping notes of
 * one pitch on one channel cannot be told apart in MIDI; the earlier is cut where the later
 * starts (which is also what the reader makes of them).
 *
 * The bytes are written here, track by track into memory, in one pass over events already in
 * time order (no running status, as libsmf wrote them before); srnn_midi_write puts the file in
 * place with srnn_file_write_atomic.  libsmf is not used: it keeps an allocation per event and
 * its teardown is quadratic in the events of a track (minutes for a million notes). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/midi.h"

#define DEFAULT_PPQ 480
/* A delta is a variable-length number of at most 4 bytes: every time, hence every delta, stays
 * below 2^28 ticks. */
#define MAX_TICK 0x0FFFFFFF

static const char *const GM_NAMES[128] = {
    "Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano",
    "Electric Piano 1", "Electric Piano 2", "Harpsichord", "Clavinet", "Celesta", "Glockenspiel",
    "Music Box", "Vibraphone", "Marimba", "Xylophone", "Tubular Bells", "Dulcimer",
    "Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ", "Reed Organ", "Accordion",
    "Harmonica", "Tango Accordion", "Acoustic Guitar (nylon)", "Acoustic Guitar (steel)",
    "Electric Guitar (jazz)", "Electric Guitar (clean)", "Electric Guitar (muted)",
    "Overdriven Guitar", "Distortion Guitar", "Guitar Harmonics", "Acoustic Bass",
    "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass", "Slap Bass 1",
    "Slap Bass 2", "Synth Bass 1", "Synth Bass 2", "Violin", "Viola", "Cello", "Contrabass",
    "Tremolo Strings", "Pizzicato Strings", "Orchestral Harp", "Timpani", "String Ensemble 1",
    "String Ensemble 2", "Synth Strings 1", "Synth Strings 2", "Choir Aahs", "Voice Oohs",
    "Synth Voice", "Orchestra Hit", "Trumpet", "Trombone", "Tuba", "Muted Trumpet", "French Horn",
    "Brass Section", "Synth Brass 1", "Synth Brass 2", "Soprano Sax", "Alto Sax", "Tenor Sax",
    "Baritone Sax", "Oboe", "English Horn", "Bassoon", "Clarinet", "Piccolo", "Flute",
    "Recorder", "Pan Flute", "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
    "Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)",
    "Lead 5 (charang)", "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)",
    "Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)", "Pad 5 (bowed)",
    "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)", "FX 1 (rain)", "FX 2 (soundtrack)",
    "FX 3 (crystal)", "FX 4 (atmosphere)", "FX 5 (brightness)", "FX 6 (goblins)",
    "FX 7 (echoes)", "FX 8 (sci-fi)", "Sitar", "Banjo", "Shamisen", "Koto", "Kalimba",
    "Bagpipe", "Fiddle", "Shanai", "Tinkle Bell", "Agogo", "Steel Drums", "Woodblock",
    "Taiko Drum", "Melodic Tom", "Synth Drum", "Reverse Cymbal", "Guitar Fret Noise",
    "Breath Noise", "Seashore", "Bird Tweet", "Telephone Ring", "Helicopter", "Applause",
    "Gunshot",
};

/* Ticks stay below MAX_TICK < 2^31 (check_range): 12 and 8 bytes, for millions of notes. */
typedef struct tick_note {
    int32_t on, off;
    uint8_t pitch, vel;
} tick_note;

typedef struct tick_event {
    int32_t tick;
    uint8_t on, pitch, vel;
} tick_event;

static int64_t beat_to_tick(double beat, int ppq)
{
    return (int64_t)llround(beat * ppq);
}

static int tick_note_cmp(const void *x, const void *y)
{
    const tick_note *a = x, *b = y;
    if (a->pitch != b->pitch)
        return a->pitch < b->pitch ? -1 : 1;
    if (a->on != b->on)
        return a->on < b->on ? -1 : 1;
    return a->off > b->off ? -1 : a->off < b->off; /* longest first: it survives a tie */
}

/* At one tick, note-offs go before note-ons, so a re-strike of a pitch reads back as two
 * notes; then by pitch, for a stable file. */
static int tick_event_cmp(const void *x, const void *y)
{
    const tick_event *a = x, *b = y;
    if (a->tick != b->tick)
        return a->tick < b->tick ? -1 : 1;
    if (a->on != b->on)
        return a->on < b->on ? -1 : 1;
    return (int)a->pitch - (int)b->pitch;
}

/* One track's bytes, events appended in time order. */
typedef struct track {
    unsigned char *b;
    size_t n, cap;
    int64_t last; /* tick of the last event */
    int failed;   /* out of memory: the rest is dropped, the caller reports */
} track;

static void track_put(track *t, const unsigned char *p, size_t n)
{
    if (t->failed)
        return;
    if (t->cap - t->n < n) {
        size_t nc = t->cap ? t->cap : 256;
        while (nc - t->n < n)
            nc *= 2;
        unsigned char *nb = realloc(t->b, nc);
        if (!nb) {
            t->failed = 1;
            return;
        }
        t->b = nb;
        t->cap = nc;
    }
    memcpy(t->b + t->n, p, n);
    t->n += n;
}

/* An event at tick (>= the last one's): its delta as a variable-length number, then bytes. */
static void track_event(track *t, int64_t tick, const unsigned char *bytes, size_t n)
{
    uint64_t d = tick > t->last ? (uint64_t)(tick - t->last) : 0;
    unsigned char v[4];
    int k;
    v[3] = d & 0x7F;
    for (d >>= 7, k = 1; d && k < 4; d >>= 7, k++)
        v[3 - k] = 0x80 | (d & 0x7F);
    track_put(t, v + 4 - k, (size_t)k);
    track_put(t, bytes, n);
    if (tick > t->last)
        t->last = tick;
}

/* Adds a meta event (FF type len data) at tick; len < 128 here. */
static int add_meta(track *t, int64_t tick, unsigned type, const void *data, size_t len)
{
    unsigned char buf[3 + 127];
    if (len > 127)
        return -1;
    buf[0] = 0xFF;
    buf[1] = (unsigned char)type;
    buf[2] = (unsigned char)len;
    memcpy(buf + 3, data, len);
    track_event(t, tick, buf, 3 + len);
    return t->failed ? -1 : 0;
}

/* Track names: Latin-1 when every character has one (what older tools and mido read; our
 * reader turns it back into UTF-8), UTF-8 otherwise; at most 127 bytes, cut between
 * characters; control characters as spaces. */
static int add_name(track *track, const char *name)
{
    char buf[128];
    size_t n = 0;
    const unsigned char *u = (const unsigned char *)name;
    int latin1 = 1;
    for (size_t i = 0; latin1 && u[i]; i++)
        if (u[i] >= 0x80) {
            latin1 = (u[i] == 0xC2 || u[i] == 0xC3) && (u[i + 1] & 0xC0) == 0x80;
            i++;
        }
    for (size_t i = 0; u[i] && n < 127; i++) {
        unsigned c = u[i];
        if (latin1 && c >= 0x80)
            c = (c & 0x1F) << 6 | (u[++i] & 0x3F);
        buf[n++] = c < 0x20 ? ' ' : (char)c;
    }
    if (!latin1 && u[n]) /* UTF-8 cut: back off to the start of a character */
        while (n > 0 && (u[n] & 0xC0) == 0x80)
            n--;
    return add_meta(track, 0, 0x03, buf, n);
}

static int add_channel_track(track *track, const srnn_piece *piece, int ch, int program,
                             const char *name, int ppq, int64_t *end_tick, srnn_error *err)
{
    const srnn_note *notes = srnn_piece_notes(piece);
    size_t n_all = srnn_piece_note_count(piece), n = 0;
    for (size_t i = 0; i < n_all; i++)
        n += notes[i].channel == ch;
    tick_note *tn = malloc((n ? n : 1) * sizeof *tn);
    tick_event *te = malloc((n ? 2 * n : 1) * sizeof *te);
    if (!tn || !te) {
        free(tn);
        free(te);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < n_all; i++) {
        const srnn_note *m = &notes[i];
        if (m->channel != ch)
            continue;
        int64_t on = beat_to_tick(m->onset, ppq);
        int64_t off = beat_to_tick(m->onset + m->duration, ppq);
        if (off <= on) /* shorter than a tick: still a note */
            off = on + 1;
        unsigned vel = m->velocity < 1 ? 1 : m->velocity > 127 ? 127 : m->velocity;
        tn[k++] = (tick_note){(int32_t)on, (int32_t)off, (uint8_t)(m->pitch & 0x7F),
                              (uint8_t)vel};
    }
    /* One sounding note per pitch: cut each note where the next one of its pitch starts. */
    qsort(tn, n, sizeof *tn, tick_note_cmp);
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && tn[i + 1].pitch == tn[i].pitch && tn[i + 1].on < tn[i].off)
            tn[i].off = tn[i + 1].on;
        if (tn[i].off <= tn[i].on) /* same pitch struck twice at one tick: one note */
            continue;
        te[ne++] = (tick_event){tn[i].on, 1, tn[i].pitch, tn[i].vel};
        te[ne++] = (tick_event){tn[i].off, 0, tn[i].pitch, 0};
        if (tn[i].off > *end_tick)
            *end_tick = tn[i].off;
    }
    free(tn);
    qsort(te, ne, sizeof *te, tick_event_cmp);

    int rc = add_name(track, name);
    if (!rc && ch != SRNN_DRUM_CHANNEL) {
        const unsigned char pc[2] = {(unsigned char)(0xC0 | ch), (unsigned char)program};
        track_event(track, 0, pc, 2);
    }
    for (size_t i = 0; i < ne && !rc; i++) {
        /* Note-off as note-on with velocity 0: what most writers do; both read the same. */
        const unsigned char ev[3] = {(unsigned char)(0x90 | ch), te[i].pitch,
                                     te[i].on ? te[i].vel : 0};
        track_event(track, te[i].tick, ev, 3);
    }
    free(te);
    if (rc || track->failed)
        return srnn_error_set(err, SRNN_ENOMEM, "cannot build a MIDI track");
    return SRNN_OK;
}

/* Clocks per metronome click: a quarter in simple time, a dotted quarter in compound time. */
static int metronome_clocks(int num, int den)
{
    int clocks = 96 / den;
    if (den >= 8 && num % 3 == 0 && num > 3)
        clocks *= 3;
    return clocks > 0 && clocks < 128 ? clocks : 24;
}

static int log2_int(int v)
{
    int l = 0;
    while (v > 1) {
        v >>= 1;
        l++;
    }
    return l;
}

/* Fills the conductor track: name, tempo map, time and key signatures. */
typedef struct meta {
    int64_t tick;
    size_t order;
    unsigned char type, len, data[4];
} meta;

static int meta_cmp(const void *x, const void *y)
{
    const meta *a = x, *b = y;
    if (a->tick != b->tick)
        return a->tick < b->tick ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void tempo_bytes(unsigned char *d, double us)
{
    long v = lround(us);
    v = v < 1 ? 1 : v > 0xFFFFFF ? 0xFFFFFF : v;
    d[0] = (unsigned char)(v >> 16);
    d[1] = (unsigned char)(v >> 8);
    d[2] = (unsigned char)v;
}

static int fill_conductor(track *track, const srnn_piece *piece,
                          const srnn_midi_write_opts *opts, const char *name, int ppq)
{
    if (add_name(track, name))
        return -1;
    double bpm = opts ? opts->bpm : 0;
    size_t nt = srnn_piece_tempo_count(piece), ns = srnn_piece_timesig_count(piece);
    size_t nk = srnn_piece_keysig_count(piece);
    const srnn_tempo *tempos = srnn_piece_tempos(piece);
    const srnn_timesig *ts = srnn_piece_timesigs(piece);
    const srnn_keysig *ks = srnn_piece_keysigs(piece);
    meta *m = malloc((nt + ns + nk + 2) * sizeof *m);
    if (!m)
        return -1;
    size_t n = 0;
    /* Tempo map: one tempo when asked, else the piece's; 120 BPM where it says nothing. */
    if (bpm > 0 || nt == 0 || tempos[0].beat > 0) {
        m[n] = (meta){.tick = 0, .order = n, .type = 0x51, .len = 3};
        tempo_bytes(m[n++].data, bpm > 0 ? 60e6 / bpm : 500000.0);
    }
    for (size_t i = 0; bpm <= 0 && i < nt; i++) {
        m[n] = (meta){beat_to_tick(tempos[i].beat, ppq), n, 0x51, 3, {0}};
        tempo_bytes(m[n++].data, tempos[i].us_per_quarter);
    }
    /* 4/4 when the piece says nothing, as every DAW assumes anyway. */
    if (ns == 0 || ts[0].beat > 0)
        m[n] = (meta){0, n, 0x58, 4, {4, 2, 24, 8}}, n++;
    for (size_t i = 0; i < ns; i++)
        m[n] = (meta){beat_to_tick(ts[i].beat, ppq), n, 0x58, 4,
                      {(unsigned char)ts[i].num, (unsigned char)log2_int(ts[i].den),
                       (unsigned char)metronome_clocks(ts[i].num, ts[i].den), 8}},
        n++;
    for (size_t i = 0; i < nk; i++)
        m[n] = (meta){beat_to_tick(ks[i].beat, ppq), n, 0x59, 2,
                      {(unsigned char)(int8_t)ks[i].sharps, (unsigned char)ks[i].minor}},
        n++;
    /* In time order, for the same reason as the conductor comes first (see the caller). */
    qsort(m, n, sizeof *m, meta_cmp);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = add_meta(track, m[i].tick, m[i].type, m[i].data, m[i].len);
    free(m);
    return rc;
}

/* Every time in the piece must fit a 4-byte delta.  What the piece itself cannot be in a MIDI
 * file: SRNN_EINPUT, so that a caller blames the piece (its input) and not the file it was
 * writing. */
static int check_range(const srnn_piece *piece, int ppq, srnn_error *err)
{
    double limit = (double)MAX_TICK / ppq;
    const char *too_long = "the piece is too long for a MIDI file";
    const srnn_note *notes = srnn_piece_notes(piece);
    for (size_t i = 0; i < srnn_piece_note_count(piece); i++) {
        const srnn_note *m = &notes[i];
        if (!(m->onset >= 0) || !(m->duration > 0) || !isfinite(m->onset + m->duration))
            return srnn_error_set(err, SRNN_EINPUT, "note %zu has a time out of range", i + 1);
        if (!(m->onset + m->duration < limit))
            return srnn_error_set(err, SRNN_EINPUT,
                                  "%s: note %zu ends at beat %.0f, past the %.0f beats MIDI "
                                  "time holds at %d ticks a quarter note", too_long, i + 1,
                                  m->onset + m->duration, limit, ppq);
        if (m->pitch > 127 || m->channel > 15)
            return srnn_error_set(err, SRNN_EINPUT,
                                  "note %zu has a pitch or channel out of range", i + 1);
    }
    for (size_t i = 0; i < srnn_piece_tempo_count(piece); i++)
        if (!(srnn_piece_tempos(piece)[i].beat < limit))
            return srnn_error_set(err, SRNN_EINPUT, "%s: a tempo change at beat %.0f", too_long,
                                  srnn_piece_tempos(piece)[i].beat);
    for (size_t i = 0; i < srnn_piece_timesig_count(piece); i++)
        if (!(srnn_piece_timesigs(piece)[i].beat < limit))
            return srnn_error_set(err, SRNN_EINPUT, "%s: a time signature at beat %.0f",
                                  too_long, srnn_piece_timesigs(piece)[i].beat);
    for (size_t i = 0; i < srnn_piece_keysig_count(piece); i++)
        if (!(srnn_piece_keysigs(piece)[i].beat < limit))
            return srnn_error_set(err, SRNN_EINPUT, "%s: a key signature at beat %.0f", too_long,
                                  srnn_piece_keysigs(piece)[i].beat);
    return SRNN_OK;
}

static void put_be(unsigned char *p, uint64_t v, int w)
{
    for (int i = w - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

/* MThd (format 1), then each track as MTrk with its length. */
static int assemble(const track *tracks, int n, int ppq, unsigned char **data, size_t *size,
                    srnn_error *err)
{
    size_t total = 14;
    for (int t = 0; t < n; t++) {
        if (tracks[t].n > 0xFFFFFFFFu)
            return srnn_error_set(err, SRNN_EINPUT, "a MIDI track longer than 4 GiB");
        total += 8 + tracks[t].n;
    }
    unsigned char *b = malloc(total), *p = b;
    if (!b)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    memcpy(p, "MThd", 4);
    put_be(p + 4, 6, 4);
    put_be(p + 8, 1, 2);
    put_be(p + 10, (uint64_t)n, 2);
    put_be(p + 12, (uint64_t)ppq, 2);
    p += 14;
    for (int t = 0; t < n; t++) {
        memcpy(p, "MTrk", 4);
        put_be(p + 4, tracks[t].n, 4);
        if (tracks[t].n)
            memcpy(p + 8, tracks[t].b, tracks[t].n);
        p += 8 + tracks[t].n;
    }
    *data = b;
    *size = total;
    return SRNN_OK;
}

int srnn_midi_write_memory(const srnn_piece *piece, const srnn_midi_write_opts *opts,
                           unsigned char **data, size_t *size, srnn_error *err)
{
    if (!piece || !data || !size)
        return srnn_error_set(err, SRNN_EARG, "no piece or no place for the result");
    *data = NULL;
    *size = 0;
    int ppq = opts && opts->ppq ? opts->ppq : DEFAULT_PPQ;
    if (ppq < 1 || ppq > 0x7FFF)
        return srnn_error_set(err, SRNN_EARG, "ticks per quarter note must be 1..32767, not %d",
                              ppq);
    int program = opts && opts->program >= 0 ? opts->program : srnn_piece_program(piece);
    if (program < 0 || program > 127)
        return srnn_error_set(err, SRNN_EARG, "program must be 0..127, not %d", program);
    if (opts && opts->bpm > 0 && !(60e6 / opts->bpm <= 0xFFFFFF && 60e6 / opts->bpm >= 1))
        return srnn_error_set(err, SRNN_EARG, "tempo %g BPM out of range", opts->bpm);
    int rc = check_range(piece, ppq, err);
    if (rc)
        return rc;

    const char *title = srnn_piece_title(piece);
    const char *name = opts && opts->name && *opts->name ? opts->name : *title ? title : NULL;
    track tracks[17] = {{0}}; /* the conductor, then one per channel used */
    int n_tracks = 1;
    if (fill_conductor(&tracks[0], piece, opts, name ? name : "songrnn", ppq))
        rc = srnn_error_set(err, SRNN_ENOMEM, "cannot build the conductor track");
    unsigned used = 0;
    const srnn_note *notes = srnn_piece_notes(piece);
    for (size_t i = 0; i < srnn_piece_note_count(piece); i++)
        used |= 1u << notes[i].channel;
    int64_t end_tick = 0;
    for (int ch = 0; ch < 16 && !rc; ch++) {
        if (!(used & (1u << ch)))
            continue;
        const char *tname = name                     ? name
                            : ch == SRNN_DRUM_CHANNEL ? "Drums"
                            : program < 8            ? "Piano"
                                                     : GM_NAMES[program];
        rc = add_channel_track(&tracks[n_tracks++], piece, ch, program, tname, ppq, &end_tick,
                               err);
    }
    /* Every track ends where the music ends, so a DAW shows one length. */
    for (int t = 0; !rc && t < n_tracks; t++)
        if (tracks[t].last > end_tick)
            end_tick = tracks[t].last;
    for (int t = 0; !rc && t < n_tracks; t++) {
        static const unsigned char EOT[3] = {0xFF, 0x2F, 0x00};
        track_event(&tracks[t], end_tick, EOT, 3);
        if (tracks[t].failed)
            rc = srnn_error_set(err, SRNN_ENOMEM, "cannot end a MIDI track");
    }
    if (!rc)
        rc = assemble(tracks, n_tracks, ppq, data, size, err);
    for (int t = 0; t < n_tracks; t++)
        free(tracks[t].b);
    return rc;
}

int srnn_midi_write(const char *path, const srnn_piece *piece, const srnn_midi_write_opts *opts,
                    srnn_error *err)
{
    if (!path || !piece)
        return srnn_error_set(err, SRNN_EARG, "no path or no piece");
    unsigned char *data = NULL;
    size_t size = 0;
    int rc = srnn_midi_write_memory(piece, opts, &data, &size, err);
    if (!rc)
        rc = srnn_file_write_atomic(path, data, size, err);
    free(data);
    return rc;
}
