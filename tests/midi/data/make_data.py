#!/usr/bin/python3
"""Makes the MIDI fixtures of tests/midi (run by hand, output committed; the build never runs it).

Valid files are written by mido, a writer independent of ours; broken files are raw bytes,
each broken in one documented way.  Expected values live in tests/midi/test_midi_read.c,
worked out by hand from the event lists below.
"""
import os
import random

import mido

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)


def pedal():
    """PPQ 480, channel 0.  Pedal spans: down 0..up 1440, down 1440..up 2400, down 2640..never."""
    m = mido.MidiFile(type=1, ticks_per_beat=480)
    c = mido.MidiTrack()
    c += [mido.MetaMessage('set_tempo', tempo=500000, time=0),
          mido.MetaMessage('time_signature', numerator=3, denominator=4, time=0),
          mido.MetaMessage('end_of_track', time=0)]
    t = mido.MidiTrack()
    ev = [  # (absolute tick, message)
        (0, mido.Message('note_on', note=60, velocity=80)),
        (0, mido.Message('control_change', control=64, value=127)),
        (480, mido.Message('note_off', note=60, velocity=64)),
        (480, mido.Message('note_on', note=64, velocity=70)),
        (960, mido.Message('note_off', note=64)),
        (960, mido.Message('note_on', note=60, velocity=90)),
        (1200, mido.Message('note_on', note=60, velocity=0)),
        (1440, mido.Message('control_change', control=64, value=0)),
        (1440, mido.Message('note_on', note=67, velocity=60)),
        (1440, mido.Message('control_change', control=64, value=100)),
        (1920, mido.Message('note_off', note=67)),
        (1920, mido.Message('note_on', note=72, velocity=50)),
        (2160, mido.Message('note_off', note=72)),
        (2400, mido.Message('control_change', control=64, value=63)),
        (2400, mido.Message('note_on', note=48, velocity=40)),
        (2640, mido.Message('control_change', control=64, value=64)),
        (2640, mido.Message('note_off', note=48)),
        (2880, mido.Message('note_on', note=50, velocity=30)),
        (3120, mido.Message('note_off', note=50)),
    ]
    last = 0
    for tick, msg in ev:
        t.append(msg.copy(time=tick - last))
        last = tick
    t.append(mido.MetaMessage('end_of_track', time=3600 - last))
    m.tracks += [c, t]
    m.save(os.path.join(HERE, 'pedal.mid'))


def tempo96():
    """PPQ 96: tempo map (400000 from tick 192 = beat 2), 3/4 and A minor from tick 384 = beat 4,
    title, program, a drum note, velocity-0 note-off."""
    m = mido.MidiFile(type=1, ticks_per_beat=96)
    c = mido.MidiTrack()
    c += [mido.MetaMessage('track_name', name='Tempo Test', time=0),
          mido.MetaMessage('set_tempo', tempo=500000, time=0),
          mido.MetaMessage('time_signature', numerator=4, denominator=4, time=0),
          mido.MetaMessage('key_signature', key='D', time=0),
          mido.MetaMessage('set_tempo', tempo=400000, time=192),
          mido.MetaMessage('time_signature', numerator=3, denominator=4, time=192),
          mido.MetaMessage('key_signature', key='Am', time=0),
          mido.MetaMessage('end_of_track', time=0)]
    t = mido.MidiTrack()
    t += [mido.Message('program_change', channel=0, program=5, time=0),
          mido.Message('note_on', channel=0, note=62, velocity=100, time=0),
          mido.Message('note_on', channel=9, note=36, velocity=110, time=0),
          mido.Message('note_off', channel=9, note=36, time=10),
          mido.Message('note_on', channel=0, note=62, velocity=0, time=86),
          mido.Message('note_on', channel=0, note=66, velocity=90, time=48),
          mido.Message('note_off', channel=0, note=66, time=48),
          mido.Message('note_on', channel=0, note=69, velocity=80, time=208),
          mido.Message('note_off', channel=0, note=69, time=10),
          mido.MetaMessage('end_of_track', time=0)]
    m.tracks += [c, t]
    m.save(os.path.join(HERE, 'tempo96.mid'))


def chunk(tag, body):
    return tag + len(body).to_bytes(4, 'big') + body


def header(fmt=1, ntracks=1, division=96):
    return chunk(b'MThd', fmt.to_bytes(2, 'big') + ntracks.to_bytes(2, 'big') +
                 division.to_bytes(2, 'big'))


NOTE = bytes([0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0])  # one quarter note of middle C at PPQ 96
EOT = bytes([0x00, 0xFF, 0x2F, 0x00])


def broken():
    good = header() + chunk(b'MTrk', NOTE + EOT)
    out('ok_minimal.mid', good)
    # A track without End-of-Track that ends cleanly after its last event: repaired (the
    # reader ends the track there), as for midi-edge/example_is_drum.mid.
    out('ok_missing_eot.mid', header() + chunk(b'MTrk', NOTE))
    # Damaged or odd, but readable: each holds the one note of NOTE (ok_data_byte: at velocity
    # 127 and never closed) and is read as a tolerant reader does (see src/midi/read.c).
    out('ok_trunc_track.mid', header() + b'MTrk' + (100).to_bytes(4, 'big') + NOTE)
    out('ok_missing_tracks.mid', header(ntracks=3) + chunk(b'MTrk', NOTE + EOT))
    out('ok_huge_chunk.mid', header() + b'MTrk' + (0xFFFFFFF0).to_bytes(4, 'big') + NOTE + EOT)
    out('ok_smpte.mid', header(division=0xE728) + chunk(b'MTrk', NOTE + EOT))
    out('ok_format2.mid', header(fmt=2) + chunk(b'MTrk', NOTE + EOT))
    out('ok_format7.mid', header(fmt=7) + chunk(b'MTrk', NOTE + EOT))
    # Missing End-of-Track and the last event cut in the middle.
    out('ok_missing_eot_cut.mid', header() + chunk(b'MTrk', NOTE + bytes([0x00, 0x90, 62])))
    out('ok_status_f8.mid', header() + chunk(b'MTrk', NOTE + bytes([0x00, 0xF8]) + EOT))
    out('ok_data_byte.mid', header() + chunk(b'MTrk', bytes([0x00, 0x90, 60, 0xC0]) + EOT))
    out('ok_delta_only.mid', header() + chunk(b'MTrk', NOTE + bytes([0x81])))
    # Each of these must be refused with SRNN_EINPUT and a message.
    out('bad_empty.mid', b'')
    out('bad_garbage.mid', bytes(random.Random(7).randrange(256) for _ in range(300)))
    out('bad_text.mid', b'This is not a MIDI file, just some text.\n' * 4)
    out('bad_trunc_header.mid', good[:11])
    out('bad_header_len.mid', b'MThd' + (4).to_bytes(4, 'big') + b'\x00\x01\x00\x01')
    out('bad_huge_meta.mid', header() + chunk(b'MTrk', bytes([0x00, 0xFF, 0x01, 0x8F, 0xFF,
                                                              0xFF, 0x7F]) + b'abc' + EOT))
    out('bad_huge_sysex.mid', header() + chunk(b'MTrk', bytes([0x00, 0xF0, 0xFF, 0xFF, 0xFF,
                                                               0x7F, 0x01]) + EOT))
    out('bad_vlq.mid', header() + chunk(b'MTrk', bytes([0xFF, 0xFF, 0xFF, 0xFF, 0x00]) + NOTE +
                                        EOT))
    out('bad_zero_division.mid', header(division=0) + chunk(b'MTrk', NOTE + EOT))
    out('bad_zero_tracks.mid', header(ntracks=0))
    out('bad_no_notes.mid', header() + chunk(b'MTrk', bytes([0x00, 0xFF, 0x51, 0x03, 0x07,
                                                             0xA1, 0x20]) + EOT))
    out('bad_drums_only.mid', header() + chunk(b'MTrk', bytes([0x00, 0x99, 36, 100, 0x60, 0x89,
                                                               36, 0]) + EOT))
    out('bad_running_status.mid', header() + chunk(b'MTrk', bytes([0x00, 60, 100, 0x60, 60, 0])
                                                   + EOT))

if __name__ == '__main__':
    pedal()
    tempo96()
    broken()
