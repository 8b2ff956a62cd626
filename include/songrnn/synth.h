/* songrnn — sound: live playback to a synthesizer (FluidSynth or a PortMidi port) and offline
 * rendering to WAV (src/synth, the only code that includes FluidSynth's and PortMidi's headers).
 *
 * Everything is expressed as timed events (note on/off, program change, all-notes-off) with
 * their intended time in seconds from the start of playback.  A piece becomes events through
 * srnn_synth_events_from_piece(); a generator can push events to a live player one by one. */
#ifndef SONGRNN_SYNTH_H
#define SONGRNN_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"
#include "songrnn/notes.h"

/* ---- events ---------------------------------------------------------------------------- */

typedef enum srnn_synth_event_type {
    SRNN_SYNTH_NOTE_ON = 1,
    SRNN_SYNTH_NOTE_OFF = 2,
    SRNN_SYNTH_PROGRAM = 3,       /* value: General MIDI program 0..127 */
    SRNN_SYNTH_ALL_NOTES_OFF = 4, /* channel SRNN_SYNTH_ALL_CHANNELS: every channel */
} srnn_synth_event_type;

#define SRNN_SYNTH_ALL_CHANNELS 255

typedef struct srnn_synth_event {
    double time;     /* intended time, seconds from the start of playback, >= 0 */
    uint8_t type;    /* srnn_synth_event_type */
    uint8_t channel; /* 0..15, or SRNN_SYNTH_ALL_CHANNELS for ALL_NOTES_OFF */
    uint8_t key;     /* MIDI key for NOTE_ON/NOTE_OFF */
    uint8_t value;   /* velocity 1..127 for NOTE_ON, program for PROGRAM */
} srnn_synth_event;

typedef struct srnn_synth_events_opts {
    double bpm;  /* > 0: one tempo for the whole piece instead of its tempo map */
    int program; /* 0..127: this program on every channel; -1: the piece's */
} srnn_synth_events_opts;

/* Turns a piece into events sorted by time: a program change per channel used at time 0, then
 * note-ons and note-offs (at equal times offs before ons).  When notes of the same key and
 * channel overlap, the key is released only when the last of them ends, so a short repeated
 * note never cuts a longer one.  *out is malloc'ed; *end is when the last note ends (seconds). */
int srnn_synth_events_from_piece(const srnn_piece *piece, const srnn_synth_events_opts *opts,
                                 srnn_synth_event **out, size_t *n, double *end,
                                 srnn_error *err) SRNN_WARN_UNUSED;

/* ---- soundfonts ------------------------------------------------------------------------ */

/* Finds a General MIDI soundfont: FluidR3_GM.sf2, TimGM6mb.sf2 or default-GM.sf2 in the folders
 * of the environment variable SRNN_SOUNDFONT_PATH (colon-separated) when it is set, else in
 * /usr/share/sounds/sf2 and /usr/share/soundfonts.  Writes the path into buf.  When none is
 * found the error names the Debian packages to install. */
int srnn_synth_find_soundfont(char *buf, size_t size, srnn_error *err) SRNN_WARN_UNUSED;
/* Checks that path is a readable SoundFont 2/3 file (RIFF ... sfbk header). */
int srnn_synth_check_soundfont(const char *path, srnn_error *err) SRNN_WARN_UNUSED;

/* ---- features --------------------------------------------------------------------------- */

int srnn_synth_have_fluidsynth(void);
int srnn_synth_have_portmidi(void);

/* ---- offline rendering ------------------------------------------------------------------ */

typedef struct srnn_render_opts {
    const char *soundfont; /* NULL: srnn_synth_find_soundfont() */
    int sample_rate;       /* 0: 44100 */
    double tail;           /* at most this many seconds after the end for releases (< 0: 2) */
    int verbose;           /* let FluidSynth's own log through */
} srnn_render_opts;

typedef struct srnn_render_stats {
    double audio_seconds;  /* length of the WAV */
    double render_seconds; /* wall-clock time spent synthesizing and writing */
    double peak;           /* largest absolute sample, 0..1 */
} srnn_render_stats;

void srnn_render_opts_init(srnn_render_opts *opts);

/* Renders events (sorted by time) through FluidSynth's synth API, without an audio driver, as
 * fast as the CPU allows, into a 16-bit stereo WAV at path (temporary file + rename).  The tail
 * after `end` stops early once the output is silent.  stats may be NULL. */
int srnn_synth_render_wav(const srnn_synth_event *events, size_t n, double end,
                          const srnn_render_opts *opts, const char *path,
                          srnn_render_stats *stats, srnn_error *err) SRNN_WARN_UNUSED;

/* ---- live playback ---------------------------------------------------------------------- */

typedef enum srnn_synth_backend {
    SRNN_SYNTH_FLUIDSYNTH = 0,
    SRNN_SYNTH_PORTMIDI = 1,
} srnn_synth_backend;

typedef struct srnn_player_opts {
    srnn_synth_backend backend;
    const char *soundfont;    /* FluidSynth: NULL: srnn_synth_find_soundfont() */
    const char *audio_driver; /* FluidSynth: NULL: its default; "file" with audio_file */
    const char *audio_file;   /* FluidSynth file driver: the WAV written */
    const char *port;         /* PortMidi: device id or (part of a) name; NULL: default output */
    double lookahead;         /* seconds events are handed to the synth ahead of time (0.25) */
    double tail;              /* seconds played after the last event (0.1) */
    int verbose;              /* let FluidSynth's own log through */
} srnn_player_opts;

typedef struct srnn_player_stats {
    size_t events;          /* events sent */
    double late_max;        /* seconds, worst lateness of an event against its intended time */
    double late_mean;       /* seconds */
    double clock;           /* seconds of playback (on the synth's clock) */
    double stall_max;       /* seconds the synth's clock ran past the lookahead while the
                               player thread waited for the CPU: events may be late by this
                               much without any fault of the schedule (0 on a free machine) */
    int interrupted;        /* stopped by srnn_player_interrupt() */
} srnn_player_stats;

typedef struct srnn_player srnn_player;

void srnn_player_opts_init(srnn_player_opts *opts);

/* Opens the synth (FluidSynth with a soundfont, or a PortMidi output port) and starts the
 * player thread.  Playback starts once lookahead seconds of events are queued, or at finish. */
int srnn_player_open(const srnn_player_opts *opts, srnn_player **out, srnn_error *err)
    SRNN_WARN_UNUSED;
/* Queues one event; any thread may push, in any time order.  The player thread sends it at its
 * time; an event pushed after its time is sent at once and counts as late. */
int srnn_player_push(srnn_player *p, const srnn_synth_event *ev, srnn_error *err)
    SRNN_WARN_UNUSED;
/* Seconds of playback so far on the synth's clock (0 before playback starts), so a producer
 * can stay a little ahead without running far ahead.  HUGE_VAL once playback has ended
 * (finished, interrupted or failed), so a producer waiting on it never waits forever. */
double srnn_player_clock(srnn_player *p);
/* No more events: blocks until everything has played (plus the tail) or until interrupted. */
int srnn_player_finish(srnn_player *p, srnn_error *err) SRNN_WARN_UNUSED;
/* Stops playback soon: pending events dropped, all-notes-off on every channel.  Only sets a
 * flag, so it may be called from a signal handler. */
void srnn_player_interrupt(srnn_player *p);
void srnn_player_get_stats(srnn_player *p, srnn_player_stats *stats);
/* Stops (if still playing), sends all-notes-off, closes the synth and frees.  An --audio-file
 * recording, written under a temporary name, gets its real name here (fails when it cannot). */
int srnn_player_close(srnn_player *p, srnn_error *err) SRNN_WARN_UNUSED;
/* The same, but a recording is removed: for a playback that failed. */
void srnn_player_discard(srnn_player *p);

/* PortMidi output ports. */
typedef struct srnn_synth_port {
    int id;
    char name[128];
} srnn_synth_port;
/* Lists the output ports (*ports malloc'ed, possibly none). */
int srnn_synth_list_ports(srnn_synth_port **ports, size_t *n, srnn_error *err) SRNN_WARN_UNUSED;

#endif
