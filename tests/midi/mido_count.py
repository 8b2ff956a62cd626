#!/usr/bin/python3
"""Independent note count with mido (run by hand; not part of the build or the test suite).

For each .mid given: note-ons with velocity > 0 outside channel 10, and the number of distinct
(tick, channel, pitch) strikes among them.  srnn_midi_read with SRNN_MIDI_NO_PEDAL must give the
second number: it merges two strikes of one pitch on one channel at one tick (a voice doubled
in two tracks) into one note.
"""
import sys

import mido

for path in sys.argv[1:]:
    m = mido.MidiFile(path)
    raw, strikes = 0, set()
    for track in m.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == 'note_on' and msg.velocity > 0 and msg.channel != 9:
                raw += 1
                strikes.add((tick, msg.channel, msg.note))
    print(f'{path}\t{raw}\t{len(strikes)}')
