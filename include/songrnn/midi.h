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

/* Files larger than this are refused before they are read (real MIDI files are kilobytes). */
#define SRNN_MIDI_MAX_BYTES ((size_t)16 << 20)

/* Reads a Standard MIDI File (or RIFF RMID) into a new piece: every track merged, drums dropped
 * unless asked, note-on velocity 0 as note-off, sustain pedal applied, times in beats (ticks /
 * PPQ), tempo map, time and key signatures kept, the first track name as title, the first
 * program change of a non-drum channel as program; note voice = track.
 * Per channel and pitch one note sounds at a time: a re-strike ends the sounding note there;
 * two strikes on one tick are one note lasting to the last of their note-offs; notes never
 * closed end with their track; a zero-length note lasts one tick.  The pedal extends a note
 * released while it is down to the pedal release or the next strike of the pitch.
 * Other people's files are read as a tolerant reader does (mido with clip=True, FluidSynth;
 * the cases are the files of tests/midi/edge, and src/midi/read.c says how each is read):
 *  - formats 0 and 1 (and undefined ones) merge their tracks; format 2 plays its sequences one
 *    after another; an SMPTE time division is read as seconds at 120 bpm;
 *  - only the tracks the header declares are read, fewer when the file holds fewer; unknown
 *    chunks are skipped, bytes after the last track ignored; a header longer than 6 bytes,
 *    chunk lengths a few bytes off, a track running past the end of the file are repaired;
 *  - running status goes on across meta and sysex events; status bytes F1-FE are skipped
 *    with their data bytes; data bytes over 127 are clipped to 127; a missing End-of-Track,
 *    and events after it in its chunk, are read;
 *  - a track ends early at the first bytes that cannot be read (an event cut short, a number
 *    longer than the spec's 4 bytes, a data byte with no status, a meta or sysex longer than
 *    the track), keeping what came before.
 * Errors (SRNN_EINPUT, one line in err saying what is wrong): not a MIDI file (empty, no MThd),
 * truncated header or one shorter than 6 bytes, a time division of zero, no notes (no track,
 * none declared, or none before the first unreadable bytes, whose reason is given), only drum
 * notes, file too large.  *out is NULL on failure. */
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

/* Writes a format-1 file through libsmf: track 1 the conductor (name, tempo map or opts->bpm,
 * time signatures (4/4 when none), key signatures); then one named track per channel used,
 * each with a program change at 0 (none on channel 10); End-of-Track on every track at the end
 * of the music.  Onsets and ends are each rounded to the nearest tick (at least one tick long),
 * so a piece on the tick grid reads back exactly; of two overlapping notes of one pitch on one
 * channel the earlier is cut where the later starts.  srnn_midi_write never leaves a
 * half-written file (srnn_file_write_atomic: temporary file and rename, or in place for a
 * device or a FIFO); write_memory returns malloc'ed bytes.  A piece MIDI cannot hold (too long
 * for its 28-bit times, a pitch out of range) is SRNN_EINPUT, an error of the piece; a bad
 * option SRNN_EARG; a file that cannot be written SRNN_EIO. */
int srnn_midi_write(const char *path, const srnn_piece *piece, const srnn_midi_write_opts *opts,
                    srnn_error *err) SRNN_WARN_UNUSED;
int srnn_midi_write_memory(const srnn_piece *piece, const srnn_midi_write_opts *opts,
                           unsigned char **data, size_t *size, srnn_error *err) SRNN_WARN_UNUSED;

#endif
