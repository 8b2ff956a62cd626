/* songrnn — Standard MIDI Files to and from the note list (src/midi, the only code that
 * includes <smf.h>).  Bytes are validated by our own chunk walk before libsmf sees them, so no
 * file from the wild can make libsmf abort. */
#ifndef SONGRNN_MIDI_H
#define SONGRNN_MIDI_H

#include <stddef.h>

#include "songrnn/common.h"
#include "songrnn/notes.h"

enum {
    SRNN_MIDI_KEEP_DRUMS = 1 << 0, /* keep channel-10 notes (default: dropped) */
    SRNN_MIDI_NO_PEDAL = 1 << 1,   /* do not extend durations by the sustain pedal */
};

/* Reads a Standard MIDI File (format 0 or 1) into a new piece: every track merged, drums
 * dropped unless asked, note-on velocity 0 as note-off, sustain pedal applied, times in beats.
 * A file with no notes (or drums only) is an error. */
int srnn_midi_read(const char *path, unsigned flags, srnn_piece **out, srnn_error *err)
    SRNN_WARN_UNUSED;
int srnn_midi_read_memory(const unsigned char *data, size_t size, unsigned flags,
                          srnn_piece **out, srnn_error *err) SRNN_WARN_UNUSED;

typedef struct srnn_midi_write_opts {
    int ppq;             /* ticks per quarter note; 0: 480 */
    int program;         /* General MIDI program; -1: the piece's */
    double bpm;          /* > 0: one tempo for the whole file instead of the piece's map */
    const char *name;    /* track name; NULL: the piece's title or "songrnn" */
} srnn_midi_write_opts;

/* Writes a format-1 file: track 1 tempo map, time and key signatures; then one named track
 * per channel used, each with a program change.  Written to a temporary file and renamed. */
int srnn_midi_write(const char *path, const srnn_piece *piece, const srnn_midi_write_opts *opts,
                    srnn_error *err) SRNN_WARN_UNUSED;
int srnn_midi_write_memory(const srnn_piece *piece, const srnn_midi_write_opts *opts,
                           unsigned char **data, size_t *size, srnn_error *err) SRNN_WARN_UNUSED;

#endif
