#!/bin/sh
# songrnn play and render end to end: exit statuses, messages, and the WAV files' lengths
# (from their size: 16-bit stereo at 44.1 kHz is 176400 bytes a second).
# usage: cli_synth.sh SONGRNN TESTS_SYNTH_DIR
S="$1"
D="$2"
T=$(mktemp -d /tmp/srnn-synth-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS CMD...: runs CMD, output in $T/out and $T/err, checks the exit status
expect() {
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  [ "$got" = "$want" ] || { fail "'$*' exited $got, expected $want: $(cat "$T/err")"; return 1; }
  return 0
}
has() { grep -q -- "$1" "$T/err" || fail "stderr lacks '$1': $(cat "$T/err")"; }
# wav_seconds FILE: the length in ms, from the size of a 44-byte-header 16-bit stereo WAV
wav_ms() { sz=$(wc -c <"$1"); echo $(( (sz - 44) * 1000 / 176400 )); }

MID="$D/data/scale.mid"   # 5.0 s at 120 BPM (mido's length; 8 quarters and a half note)

# usage errors: 2
expect 2 "$S" play
expect 2 "$S" render "$MID"
expect 2 "$S" render "$MID" -o "$T/x.txt"
expect 2 "$S" play "$MID" --synth portmidi --soundfont x.sf2
expect 2 "$S" play "$MID" --audio-driver file
expect 0 "$S" play --help
expect 0 "$S" render --help

# input errors: 1, with the file named
expect 1 "$S" render "$T/missing.mid" -o "$T/a.mid" && has "missing.mid"
printf 'not midi' >"$T/bad.mid"
expect 1 "$S" render "$T/bad.mid" -o "$T/a.mid" && has "bad.mid"
expect 1 "$S" render "$T/bad.txt" -o "$T/a.wav"

# a clean MIDI re-write
expect 0 "$S" render "$MID" -o "$T/clean.mid" -q
head -c 4 "$T/clean.mid" | grep -q MThd || fail "clean.mid is not a MIDI file"

if "$S" render "$MID" -o "$T/probe.wav" -q 2>"$T/err" || ! grep -q "built without FluidSynth" "$T/err"; then
  # no soundfont: the message names the Debian packages
  mkdir "$T/empty"
  expect 1 env SRNN_SOUNDFONT_PATH="$T/empty" "$S" render "$MID" -o "$T/n.wav" &&
    { has "timgm6mb-soundfont"; has "fluid-soundfont-gm"; }
  expect 1 env SRNN_SOUNDFONT_PATH="$T/empty" "$S" play "$MID" --audio-file "$T/n.wav" &&
    has "timgm6mb-soundfont"
  # not a soundfont
  printf 'hello' >"$T/fake.sf2"
  expect 1 "$S" render "$MID" -o "$T/n.wav" --soundfont "$T/fake.sf2" &&
    { has "fake.sf2"; has "not a soundfont"; }
  expect 1 "$S" play "$MID" --audio-file "$T/n.wav" --soundfont "$T/fake.sf2" &&
    has "not a soundfont"
  [ -e "$T/n.wav" ] && fail "a failed render left $T/n.wav"

  # offline render: 5 s of music and at most 2 s of release
  expect 0 "$S" render "$MID" -o "$T/r.wav" && has "real time"
  ms=$(wav_ms "$T/r.wav")
  [ "$ms" -ge 5000 ] && [ "$ms" -le 7000 ] || fail "render: $ms ms, expected 5000..7000"
  # --tempo 240 halves it
  expect 0 "$S" render "$MID" -o "$T/r2.wav" --tempo 240 -q
  ms=$(wav_ms "$T/r2.wav")
  [ "$ms" -ge 2500 ] && [ "$ms" -le 4500 ] || fail "render --tempo 240: $ms ms"

  # ABC in: 8 quarter notes and a whole note at 120 BPM is 6 s (worked by hand)
  printf 'X:1\nT:Scale\nM:4/4\nL:1/4\nQ:1/4=120\nK:C\nCDEF|GABc|c4|]\n' >"$T/t.abc"
  if "$S" render "$T/t.abc" -o "$T/abc.wav" -q 2>"$T/err"; then
    ms=$(wav_ms "$T/abc.wav")
    [ "$ms" -ge 6000 ] && [ "$ms" -le 8000 ] || fail "render abc: $ms ms, expected 6000..8000"
    expect 1 "$S" render "$T/t.abc" -o "$T/abc.wav" --tune 7 && has "X:7"
  else
    has "no ABC reader"
  fi

  # live play into a file: real time, the WAV as long as the piece (+0.1 s tail) within 0.2 s
  expect 0 "$S" play "$MID" --audio-driver file --audio-file "$T/live.wav" &&
    { has "lateness max"; has "23 events"; }
  ms=$(wav_ms "$T/live.wav")
  [ "$ms" -ge 4800 ] && [ "$ms" -le 5200 ] || fail "live: $ms ms, expected 5000 +- 200"
  ls "$T" | grep -q 'live.wav.tmp' && fail "temporary file left behind"

  # Ctrl-C: all notes off, exit 0, the WAV ends early (the piece at 30 BPM lasts 20 s)
  "$S" play "$MID" --tempo 30 --audio-file "$T/int.wav" 2>"$T/err" &
  pid=$!
  sleep 1.5
  kill -INT $pid
  wait $pid
  st=$?
  [ "$st" = 0 ] || fail "after SIGINT play exited $st: $(cat "$T/err")"
  has "interrupted"
  ms=$(wav_ms "$T/int.wav")
  [ "$ms" -ge 500 ] && [ "$ms" -le 3000 ] || fail "interrupted: $ms ms of audio"
else
  echo "built without FluidSynth: sound checks skipped" >&2
  has "built without FluidSynth"
  expect 1 "$S" play "$MID" --audio-file "$T/n.wav" && has "built without FluidSynth"
fi

# PortMidi: --list-ports works; with no ports, play says what to do instead
"$S" play --list-ports >"$T/out" 2>"$T/err"
st=$?
if grep -q "built without PortMidi" "$T/err"; then
  [ $st = 1 ] || fail "--list-ports without PortMidi exited $st"
  expect 1 "$S" play "$MID" --synth portmidi && has "fluidsynth"
elif [ $st != 0 ]; then
  fail "--list-ports exited $st: $(cat "$T/err")"
elif grep -q "no MIDI output ports" "$T/out"; then
  expect 1 "$S" play "$MID" --synth portmidi && { has "list-ports"; has "fluidsynth"; }
  expect 1 "$S" play "$MID" --synth portmidi --port 3 && has "list-ports"
fi

[ $fails = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "synth cli: all passed" >&2
exit 0
