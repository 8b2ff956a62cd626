/* src/synth internals shared by its files and its tests; not a public header. */
#ifndef SRNN_SYNTH_INTERNAL_H
#define SRNN_SYNTH_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "songrnn/synth.h"

/* ---- PortMidi: events to (timestamp, message), without PortMidi itself ------------------ */

/* One short message as PortMidi wants it: Pm_Message layout (status | data1 << 8 |
 * data2 << 16) and a timestamp in Pt_Time milliseconds. */
typedef struct srnn_pm_msg {
    int32_t timestamp;
    uint32_t message;
} srnn_pm_msg;

#define SRNN_PM_MAX_MSGS 16 /* all-notes-off on every channel */

/* Converts an event to PortMidi messages stamped origin_ms + its time (rounded to the
 * millisecond).  Returns how many messages were written to out (0 for an invalid event). */
int srnn_pm_encode(const srnn_synth_event *ev, int32_t origin_ms, srnn_pm_msg *out);

/* ---- a WAV file written as it is rendered ----------------------------------------------- */

typedef struct srnn_wav_writer {
    srnn_output out;
    FILE *f;      /* out's stream */
    int seekable; /* the header's sizes are fixed at the end */
    int rate, channels;
    uint64_t frames;
} srnn_wav_writer;

/* Opens path through srnn_output (a temporary file next to it, or in place for a device or a
 * FIFO); 16-bit PCM. */
int srnn_wav_open(srnn_wav_writer *w, const char *path, int rate, int channels,
                  srnn_error *err) SRNN_WARN_UNUSED;
int srnn_wav_write(srnn_wav_writer *w, const int16_t *interleaved, size_t frames,
                   srnn_error *err) SRNN_WARN_UNUSED;
/* Fixes the header sizes (when seekable), flushes and renames onto path (srnn_output_commit). */
int srnn_wav_close(srnn_wav_writer *w, srnn_error *err) SRNN_WARN_UNUSED;
/* Removes the temporary file (after an error). */
void srnn_wav_abort(srnn_wav_writer *w);

/* Silences ALSA's error printing (looked up with dlsym; nothing happens without ALSA). */
void srnn_synth_quiet_alsa(void);

/* ---- the live player's backends ---------------------------------------------------------- */

typedef struct srnn_player srnn_player;

typedef struct srnn_backend {
    void *self;
    /* Starts the clock; events sent before start keep their times (FluidSynth's clock is the
     * synth's sample count, which stands still until the audio driver runs). */
    int (*start)(void *self, srnn_error *err);
    /* Seconds since start on the backend's clock. */
    double (*now)(void *self);
    /* Hands one event over, to be played at its time. */
    int (*send)(void *self, const srnn_synth_event *ev, srnn_error *err);
    /* Drops everything scheduled and silences every channel. */
    void (*panic)(void *self);
    /* Stops the clock and closes; frees self.  A recording (FluidSynth's file driver) gets its
     * real name when keep is set (err says why when that fails), else it is removed. */
    int (*close)(void *self, int keep, srnn_error *err);
} srnn_backend;

/* Lateness of one event against its intended time, reported by the backend when it plays. */
void srnn_player_note_lateness(srnn_player *p, double seconds);

int srnn_fluid_backend_open(srnn_player *p, const srnn_player_opts *opts, srnn_backend *b,
                            srnn_error *err) SRNN_WARN_UNUSED;
int srnn_pm_backend_open(srnn_player *p, const srnn_player_opts *opts, srnn_backend *b,
                         srnn_error *err) SRNN_WARN_UNUSED;

#endif
