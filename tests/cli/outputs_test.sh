#!/bin/sh
# Nothing the user had is lost: outputs against inputs, devices, FIFOs, full disks, signals.
#   outputs_test.sh SONGRNN SOURCE_ROOT inputs    every command given an -o (or --history,
#       --audio-file, --count's OUT-N, a folder's files) that is one of its inputs, by name,
#       through a symbolic link and as ./NAME: exit 1 or 2, one line, the input byte for byte as
#       before.  Also: tokens -o FILE, render of a multi-tune ABC file, one-line messages.
#   outputs_test.sh SONGRNN SOURCE_ROOT devices   roundtrip, render and generate to character
#       devices made with mknod in the scratch folder (copies of /dev/null): they work and the
#       nodes are still devices.  Root only: exit 77 otherwise.
#   outputs_test.sh SONGRNN SOURCE_ROOT streams   FIFOs as outputs (a reader gets the file, the
#       FIFO stays), stdout on /dev/full (exit 1 and a message), SIGTERM, SIGINT, SIGHUP during a
#       long render or generate (no *.tmp.* left, an old output intact).
. "$(dirname "$0")/../lib.sh"
case $S in /*) ;; *) S=$(pwd)/$S ;; esac # meson gives ./songrnn; some cases run elsewhere
GROUP=${3:-inputs}
P=$ROOT/corpora/piano
MID=$P/trad_frere_jacques.mid
BIG=$P/bach_prelude_c_bwv846.mid
ABC=$ROOT/corpora/abc/reels.abc
TINY="--hidden 16 --embed 8 --conv 0 --layers 1 --seq-len 32 --batch 4 --epochs 1 --threads 1 --seed 1 -q"

if [ "$GROUP" = devices ] && [ "$(id -u)" -ne 0 ]; then
  echo "outputs_test devices: not root, mknod not allowed: skipped"
  exit 77
fi

# the tiny model generate, plot, heatmap and info read
"$S" train "$P" -o "$T/m.srnn" $TINY >/dev/null 2>&1 || { echo "FAIL: cannot train the tiny model"; exit 1; }
# FluidSynth and a soundfont, for the WAV cases
have_wav=0
"$S" render "$MID" -o "$T/probe.wav" -q >/dev/null 2>&1 && have_wav=1
[ "$have_wav" -eq 1 ] || echo "note: no FluidSynth or soundfont: WAV cases skipped"

# W: the user's folder; its files are the inputs that must survive
W=$T/w
mkdir -p "$W/corpus"
cp "$MID" "$W/in.mid"
cp "$MID" "$W/corpus/a.mid"
cp "$P/brahms_lullaby.mid" "$W/corpus/b.mid"
cp "$T/m.srnn" "$W/m.srnn"
cp "$ABC" "$W/tunes.abc"
ln -s in.mid "$W/link.mid"
ln -s m.srnn "$W/mlink.png"
in_w() { (cd "$W" && "$@"); } # runs a command inside W, for ./NAME paths

# refused WHAT FILE -- CMD...: exit 1 or 2, one line on stderr, FILE unchanged
refused() {
  what=$1
  file=$2
  shift 3
  cp "$file" "$T/before"
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  if [ "$got" -eq 1 ] || [ "$got" -eq 2 ]; then ok; else bad "$what: exit $got, wanted 1 or 2"; cat "$T/err"; fi
  cmp -s "$file" "$T/before" && ok || bad "$what: $file changed"
  [ "$(wc -l <"$T/err")" -eq 1 ] && ok || { bad "$what: not one line on stderr:"; cat "$T/err"; }
  grep -q "is one of the inputs" "$T/err" && ok || { bad "$what: no 'is one of the inputs':"; cat "$T/err"; }
  [ -z "$(find "$W" -name '*.tmp.*')" ] && ok || bad "$what: temporary file left: $(find "$W" -name '*.tmp.*')"
}

# three_ways CMD ARGS...: the command with -o the input itself, through a symlink, as ./in.mid
three_ways() {
  cmd=$1
  shift
  refused "$cmd -o input" "$W/in.mid" -- "$S" "$cmd" "$@" -o "$W/in.mid"
  refused "$cmd -o symlink" "$W/in.mid" -- "$S" "$cmd" "$@" -o "$W/link.mid"
  refused "$cmd -o ./input" "$W/in.mid" -- in_w "$S" "$cmd" "$@" -o ./in.mid
}

inputs() {
  # every command, -o naming an input
  three_ways render "$W/in.mid"
  three_ways roundtrip "$W/in.mid"
  three_ways tokens "$W/in.mid"
  three_ways eval "$W/in.mid" --reference "$W/corpus"
  three_ways train "$W/in.mid" $TINY
  three_ways generate "$W/m.srnn" --prime "$W/in.mid" --length 10
  three_ways heatmap "$W/m.srnn" --prime "$W/in.mid" --length 10
  three_ways plot "$W/in.mid"
  three_ways info "$W/in.mid"
  three_ways play "$W/in.mid"
  refused "play --audio-file input" "$W/in.mid" -- "$S" play "$W/in.mid" --audio-driver file --audio-file "$W/link.mid"
  # the model as the output: by name, through a symlink (.png, so past the extension check)
  refused "generate -o model" "$W/m.srnn" -- "$S" generate "$W/m.srnn" -o "$W/m.srnn"
  refused "plot -o model symlink" "$W/m.srnn" -- "$S" plot "$W/m.srnn" -o "$W/mlink.png"
  refused "heatmap -o model symlink" "$W/m.srnn" -- "$S" heatmap "$W/m.srnn" -o "$W/mlink.png"
  refused "info -o model" "$W/m.srnn" -- in_w "$S" info m.srnn -o ./m.srnn
  # --count's OUT-2 is a link to the model
  ln -s m.srnn "$W/g-2.mid"
  refused "generate --count OUT-2" "$W/m.srnn" -- "$S" generate "$W/m.srnn" -o "$W/g.mid" --count 2 --length 10
  [ ! -e "$W/g-1.mid" ] && ok || bad "generate --count wrote OUT-1 before refusing"
  rm -f "$W/g-2.mid" "$W/g-1.mid"
  # inside an input folder: the files the command would read there
  refused "roundtrip folder onto itself" "$W/corpus/a.mid" -- "$S" roundtrip "$W/corpus" -o "$W/corpus"
  refused "roundtrip files into their folder" "$W/corpus/b.mid" -- in_w "$S" roundtrip corpus/a.mid corpus/b.mid -o ./corpus
  refused "tokens -o a file of the folder" "$W/corpus/a.mid" -- "$S" tokens "$W/corpus" -o "$W/corpus/a.mid"
  ln -s corpus/a.mid "$W/a-link.txt"
  refused "tokens -o a link to a file of the folder" "$W/corpus/a.mid" -- "$S" tokens "$W/corpus" -o "$W/a-link.txt"
  refused "train -o a file of the corpus" "$W/corpus/b.mid" -- "$S" train "$W/corpus" -o "$W/corpus/b.mid" $TINY
  refused "train --history a file of the corpus" "$W/corpus/a.mid" -- "$S" train "$W/corpus" -o "$T/h.srnn" --history "$W/corpus/a.mid" $TINY
  refused "eval -o a file of the reference" "$W/corpus/a.mid" -- "$S" eval "$W/in.mid" --reference "$W/corpus" -o "$W/corpus/a.mid"
  refused "eval -o a generated piece" "$W/corpus/b.mid" -- in_w "$S" eval corpus --reference in.mid -o ./corpus/b.mid
  printf 'not really a soundfont' >"$W/font.sf2"
  ln -s font.sf2 "$W/fl.wav"
  refused "render -o the soundfont" "$W/font.sf2" -- "$S" render "$W/in.mid" --soundfont "$W/font.sf2" -o "$W/fl.wav"
  # a file of the folder the command would not read may be written there
  expect 0 "tokens into its folder, a .txt" -- "$S" tokens -q "$W/corpus" -o "$W/corpus/tokens.txt"
  [ -s "$W/corpus/tokens.txt" ] && ok || bad "tokens -o: no file"
  [ "$(wc -l <"$W/corpus/tokens.txt")" -eq 2 ] && ok || bad "tokens -o: not one line a piece"
  [ ! -s "$T/out" ] && ok || bad "tokens -o: something on stdout"
  rm -f "$W/corpus/tokens.txt"
  expect 0 "tokens -o - is stdout" -- "$S" tokens -q "$W/in.mid" -o -
  [ "$(wc -l <"$T/out")" -eq 1 ] && ok || bad "tokens -o -: no line on stdout"
  expect 0 "train --resume rewrites its own model" -- "$S" train "$W/corpus" -o "$W/m.srnn" --resume --epochs 2 -q
  cp "$W/m.srnn" "$W/corpus/model.mid"
  refused "train --resume -o a file of the corpus" "$W/corpus/model.mid" -- "$S" train "$W/corpus" -o "$W/corpus/model.mid" --resume --epochs 3 -q
  rm -f "$W/corpus/model.mid"
  # -o where a command would ignore it
  expect 2 "bench -o" -- "$S" bench -o "$T/b.txt" --seconds 0.1
  [ ! -e "$T/b.txt" ] && ok || bad "bench -o wrote a file"

  # render of a multi-tune ABC file: every tune, OUT-X, one line each
  tunes=$(grep -c '^X:' "$ABC")
  expect 0 "render every tune" -- "$S" render "$W/tunes.abc" -o "$T/r.mid"
  [ "$(ls "$T"/r-*.mid | wc -l)" -eq "$tunes" ] && ok || bad "render: $(ls "$T"/r-*.mid | wc -l) files for $tunes tunes"
  [ ! -e "$T/r.mid" ] && ok || bad "render: OUT itself written besides OUT-X"
  [ "$(grep -c '^songrnn: wrote ' "$T/err")" -eq "$tunes" ] && ok || bad "render: not one line a file"
  for x in $(sed -n 's/^X: *\([0-9]*\).*/\1/p' "$ABC"); do
    [ -s "$T/r-$x.mid" ] || bad "render: no r-$x.mid"
  done
  expect 0 "render tunes quietly" -- "$S" render "$W/tunes.abc" -o "$T/q.mid" -q
  [ ! -s "$T/err" ] && ok || bad "render -q printed"
  expect 0 "render --tune 3" -- "$S" render "$W/tunes.abc" -o "$T/t3.mid" --tune 3
  [ -s "$T/t3.mid" ] && [ ! -e "$T/t3-3.mid" ] && ok || bad "--tune 3 did not write OUT itself"
  cmp -s "$T/t3.mid" "$T/r-3.mid" && ok || bad "--tune 3 differs from r-3.mid"
  printf 'X:1\nT:One\nK:C\nCDEF|\n\nX:1\nT:Same number\nK:G\nGABc|\n' >"$W/dup.abc"
  expect 0 "render tunes without their own X:" -- "$S" render "$W/dup.abc" -o "$T/d.mid"
  [ -s "$T/d-1.mid" ] && [ -s "$T/d-2.mid" ] && ok || bad "repeated X: not numbered by position"
  cmp -s "$T/d-1.mid" "$T/d-2.mid" && bad "the second X:1 rendered the first tune again" || ok
  expect_err "position" "numbering by position said"
  printf 'X:7\nT:Alone\nK:C\nCDEF|\n' >"$W/one.abc"
  expect 0 "render a one-tune file" -- "$S" render "$W/one.abc" -o "$T/one.mid" -q
  [ -s "$T/one.mid" ] && [ ! -e "$T/one-7.mid" ] && ok || bad "a one-tune file did not write OUT"
  ln -s tunes.abc "$W/tl-5.mid"
  refused "render tune OUT-5 is the input" "$W/tunes.abc" -- "$S" render "$W/tunes.abc" -o "$W/tl.mid"
  [ ! -e "$W/tl-1.mid" ] && ok || bad "render wrote tunes before refusing"

  # messages: one line each
  printf 'MThd garbage' >"$W/bad.mid"
  expect 1 "tokens of a bad MIDI file" -- "$S" tokens "$W/bad.mid"
  [ "$(wc -l <"$T/err")" -eq 1 ] && ok || { bad "bad MIDI: not one line:"; cat "$T/err"; }
  expect 1 "train on a bad MIDI file" -- "$S" train "$W/bad.mid" -o "$T/bad.srnn" $TINY
  [ "$(wc -l <"$T/err")" -eq 1 ] && ok || { bad "train, bad MIDI: not one line:"; cat "$T/err"; }
  nl_name="$W/new
line.mid"
  cp "$MID" "$nl_name"
  refused "a newline in the name" "$nl_name" -- "$S" roundtrip "$nl_name" -o "$nl_name"
  grep -q 'new\\nline.mid' "$T/err" && ok || bad "newline not escaped: $(cat "$T/err")"
  expect 1 "a missing file with a newline" -- "$S" tokens "$W/no
such.mid"
  [ "$(wc -l <"$T/err")" -eq 1 ] && ok || { bad "missing file with a newline: not one line:"; cat "$T/err"; }
  # a piece too long for MIDI (ticks of 2^24 at 1 tick a quarter): the input's fault
  printf 'MThd\000\000\000\006\000\000\000\001\000\001MTrk\000\000\000\027\000\220<@\001\200<\000\207\377\377\177\220>@\001\200>\000\000\377/\000' >"$W/long.mid"
  expect 1 "render a piece too long for MIDI" -- "$S" render "$W/long.mid" -o "$T/long-out.mid"
  expect_err "^songrnn: $W/long.mid: the piece is too long" "too long: blamed on the piece"
  grep -q "long-out" "$T/err" && bad "too long: blamed on the output: $(cat "$T/err")" || ok
  [ ! -e "$T/long-out.mid" ] && ok || bad "too long: a file was written"
  expect 1 "roundtrip a piece too long for MIDI" -- "$S" roundtrip -q "$W/long.mid" -o "$T/long-rt.mid"
  expect_err "^songrnn: $W/long.mid: the piece is too long" "roundtrip too long: blamed on the piece"
  # a folder that cannot be opened: said once (as an unprivileged user when root)
  mkdir -p "$T/lk/locked" && cp "$MID" "$T/lk/locked/" && cp "$MID" "$T/lk/ok.mid"
  chmod -R a+rX "$T/lk" && chmod 000 "$T/lk/locked"
  as=""
  if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
      as="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
  fi
  if [ "$(id -u)" -ne 0 ] || [ -n "$as" ]; then
    chmod 755 "$T"
    $as "$S" tokens "$T/lk" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" -eq 1 ] && ok || bad "locked folder: exit $got, wanted 1"
    [ "$(grep -c 'cannot open folder' "$T/err")" -eq 1 ] && ok || { bad "locked folder not said once:"; cat "$T/err"; }
    [ "$(wc -l <"$T/out")" -eq 1 ] && ok || bad "locked folder: the readable file was not tokenized"
  else
    echo "note: root without setpriv: the locked folder case skipped"
  fi
  chmod 755 "$T/lk/locked"
  # none of the inputs changed, whatever ran
  cmp -s "$W/in.mid" "$MID" && cmp -s "$W/corpus/a.mid" "$MID" && cmp -s "$W/tunes.abc" "$ABC" && ok || bad "an input changed"
}

# is_char FILE WHAT: still a character device
is_char() { [ -c "$1" ] && ok || bad "$2: $1 is no longer a character device"; }

devices() {
  mkdir "$T/dev"
  for n in null.mid null.wav null.txt; do
    mknod "$T/dev/$n" c 1 3 || { bad "mknod $n"; return; }
  done
  expect 0 "roundtrip to a device" -- "$S" roundtrip -q "$MID" -o "$T/dev/null.mid"
  is_char "$T/dev/null.mid" "roundtrip"
  expect 0 "render to a device" -- "$S" render -q "$MID" -o "$T/dev/null.mid"
  is_char "$T/dev/null.mid" "render"
  expect 0 "generate to a device" -- "$S" generate "$T/m.srnn" -o "$T/dev/null.mid" --length 20 -q
  is_char "$T/dev/null.mid" "generate"
  expect 0 "tokens -o a device" -- "$S" tokens -q "$MID" -o "$T/dev/null.txt"
  is_char "$T/dev/null.txt" "tokens"
  expect 0 "every tune to a device" -- "$S" render -q "$ABC" -o "$T/dev/null.mid"
  is_char "$T/dev/null.mid" "render of every tune"
  [ "$(ls "$T/dev" | wc -l)" -eq 3 ] && ok || bad "render of every tune made files next to the device: $(ls "$T/dev")"
  if [ "$have_wav" -eq 1 ]; then
    expect 0 "render a WAV to a device" -- "$S" render -q "$MID" -o "$T/dev/null.wav"
    is_char "$T/dev/null.wav" "render .wav"
    expect 0 "generate a WAV to a device" -- "$S" generate "$T/m.srnn" -o "$T/dev/null.wav" --length 20 -q
    is_char "$T/dev/null.wav" "generate .wav"
    ln -s null.wav "$T/dev/link.wav"
    expect 0 "render through a symlink to a device" -- "$S" render -q "$MID" -o "$T/dev/link.wav"
    is_char "$T/dev/null.wav" "render via symlink"
    [ -L "$T/dev/link.wav" ] && ok || bad "the symlink was replaced"
  fi
  [ -z "$(find "$T/dev" -name '*.tmp.*')" ] && ok || bad "temporary file next to the devices"
}

# to_fifo WHAT FIFO -- CMD...: a reader on FIFO gets the output, the FIFO stays one
to_fifo() {
  what=$1
  fifo=$2
  shift 3
  rm -f "$fifo" "$T/got"
  mkfifo "$fifo"
  timeout 60 cat "$fifo" >"$T/got" &
  reader=$!
  expect 0 "$what" -- "$@"
  wait $reader
  [ -p "$fifo" ] && ok || bad "$what: $fifo is no longer a FIFO"
  [ -s "$T/got" ] && ok || bad "$what: the reader got nothing"
}

# killed SIG STATUS WHAT PATTERN -- CMD...: signal SIG once PATTERN (the temporary file)
# exists; the process dies of it (exit STATUS, as the shell reports a death by SIG) and leaves
# no temporary file.  The command runs with SIG at its default action: a background job of a
# non-interactive shell starts with SIGINT ignored, and a test runner may ignore SIGHUP.
killed() {
  sig=$1
  want=$2
  what=$3
  tmp=$4
  shift 5
  if env --default-signal="$sig" true 2>/dev/null; then
    env --default-signal="$sig" "$@" >/dev/null 2>"$T/err" &
  elif [ "$sig" = TERM ]; then
    "$@" >/dev/null 2>"$T/err" &
  else
    echo "note: env --default-signal missing: SIG$sig case skipped"
    return
  fi
  pid=$!
  i=0
  while ! ls $tmp >/dev/null 2>&1 && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
  if ! ls $tmp >/dev/null 2>&1; then
    bad "$what: no temporary file appeared (finished too soon?)"
    kill -9 $pid 2>/dev/null
    wait $pid
    return
  fi
  sleep 0.3
  kill -"$sig" $pid
  wait $pid 2>/dev/null # (the shell's "Terminated")
  got=$?
  [ "$got" -eq "$want" ] && ok || bad "$what: exit $got, wanted $want (SIG$sig)"
  ls $tmp >/dev/null 2>&1 && bad "$what: temporary file left: $(ls $tmp)" || ok
}

streams() {
  to_fifo "roundtrip to a FIFO" "$T/f.mid" -- "$S" roundtrip -q "$MID" -o "$T/f.mid"
  expect 0 "what the FIFO carried is MIDI" -- "$S" tokens -q --mode notes "$T/got"
  to_fifo "render to a FIFO" "$T/f.mid" -- "$S" render -q "$MID" -o "$T/f.mid"
  to_fifo "generate to a FIFO" "$T/f.mid" -- "$S" generate "$T/m.srnn" -o "$T/f.mid" --length 20 -q
  to_fifo "tokens -o a FIFO" "$T/f.txt" -- "$S" tokens -q "$MID" -o "$T/f.txt"
  to_fifo "one tune to a FIFO" "$T/f.mid" -- "$S" render -q "$ABC" -o "$T/f.mid" --tune 2
  expect 2 "every tune to a FIFO: refused" -- "$S" render -q "$ABC" -o "$T/f.mid"
  expect_err "FIFO takes one tune" "every tune to a FIFO: the message"
  if [ "$have_wav" -eq 1 ]; then
    to_fifo "render a WAV to a FIFO" "$T/f.wav" -- "$S" render -q "$MID" -o "$T/f.wav"
    head -c 4 "$T/got" | grep -q RIFF && ok || bad "the WAV through the FIFO has no RIFF header"
  fi

  # roundtrip -o -: the MIDI file on stdout, the summary on stderr
  "$S" roundtrip -q "$MID" -o - >"$T/stdout.mid" 2>"$T/err" && ok || bad "roundtrip -o -: failed"
  expect 0 "roundtrip -o - is MIDI" -- "$S" tokens -q "$T/stdout.mid"
  [ ! -e "$T/-" ] && [ ! -e "./-" ] && ok || bad "roundtrip -o - made a file named -"

  # stdout on a full disk: exit 1 and a message, for each command that prints
  for c in "tokens $MID" "generate $T/m.srnn -o - --length 20" "info $T/m.srnn" \
           "roundtrip $MID -o $T/rt.mid" "roundtrip $MID -o -" "eval $MID --reference $P" "--help"; do
    # shellcheck disable=SC2086
    "$S" $c -q >/dev/full 2>"$T/err"
    got=$?
    [ "$got" -eq 1 ] && ok || bad "$c > /dev/full: exit $got, wanted 1"
    grep -q 'songrnn: stdout: write error (No space left on device)' "$T/err" && ok || { bad "$c > /dev/full: no message:"; cat "$T/err"; }
  done
  expect 1 "tokens -o /dev/full" -- "$S" tokens -q "$MID" -o /dev/full
  expect_err "No space left" "tokens -o /dev/full: the reason"

  # SIGTERM in the middle of a long WAV: no OUT.wav.tmp.PID, no OUT.wav
  if [ "$have_wav" -eq 1 ]; then
    long=$BIG
    shared=$ROOT/../shared/corpora/piano-midi-de
    if [ -d "$shared" ]; then
      f=$(find "$shared" -name '*.mid' -size +40k | sort | head -n 1)
      [ -n "$f" ] && long=$f
    fi
    killed TERM 143 "SIGTERM during render" "$T/long.wav.tmp.*" -- "$S" render "$long" -o "$T/long.wav" --tempo 5
    [ ! -e "$T/long.wav" ] && ok || bad "SIGTERM during render: the output exists"
    killed INT 130 "Ctrl-C during render" "$T/long.wav.tmp.*" -- "$S" render "$long" -o "$T/long.wav" --tempo 5
    killed HUP 129 "SIGHUP during render" "$T/long.wav.tmp.*" -- "$S" render "$long" -o "$T/long.wav" --tempo 5
    [ ! -e "$T/long.wav" ] && ok || bad "signals during render: the output exists"
    killed TERM 143 "SIGTERM during generate" "$T/gen.wav.tmp.*" -- "$S" generate "$T/m.srnn" -o "$T/gen.wav" --length 3000 --tempo 5 -q
    # an old output stays as it was
    "$S" render -q "$MID" -o "$T/old.wav" && cp "$T/old.wav" "$T/old-copy.wav"
    killed TERM 143 "SIGTERM during render over an old file" "$T/old.wav.tmp.*" -- "$S" render "$long" -o "$T/old.wav" --tempo 5
    cmp -s "$T/old.wav" "$T/old-copy.wav" && ok || bad "SIGTERM during render: the old output changed"
  fi
  [ -z "$(find "$T" -name '*.tmp.*')" ] && ok || bad "temporary files left: $(find "$T" -name '*.tmp.*')"
}

case $GROUP in
inputs) inputs ;;
devices) devices ;;
streams) streams ;;
*) echo "outputs_test: no group '$GROUP' (inputs, devices, streams)"; exit 2 ;;
esac
finish "outputs_test $GROUP"
