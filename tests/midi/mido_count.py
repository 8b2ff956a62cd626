#!/usr/bin/python3
"""Independent note count with mido (run by hand; not part of the build or the test suite).

For each .mid given: note-ons with velocity > 0 outside channel 10, and the number of distinct
(tick, channel, pitch) strikes among them.  srnn_midi_read with SRNN_MIDI_NO_PEDAL must give the
second number: it merges two strikes of one pitch on one channel at one tick (a voice doubled
in two tracks) into one note.  tools/midi_edge_expected imports count_notes from here.
"""
import sys

import mido


def count_notes(midifile):
    """(note-ons with velocity > 0 outside channel 10, distinct (tick, channel, pitch) strikes
    among them) of a mido.MidiFile; ticks count from 0 in each track."""
    raw, strikes = 0, set()
    for track in midifile.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == 'note_on' and msg.velocity > 0 and msg.channel != 9:
                raw += 1
                strikes.add((tick, msg.channel, msg.note))
    return raw, len(strikes)


if __name__ == '__main__':
    for path in sys.argv[1:]:
        raw, strikes = count_notes(mido.MidiFile(path))
        print(f'{path}\t{raw}\t{strikes}')
