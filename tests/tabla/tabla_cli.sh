#!/bin/sh
# Tabla mode end to end: the corpus reads, .bol renders to .mid and .wav with the tabla
# soundfont (which the fluidsynth program loads too), errors name the line, and a model
# trained for a few seconds generates .bol text whose cycles keep the taal.
# usage: tabla_cli.sh SONGRNN SOURCE_ROOT
. "$(dirname "$0")/../lib.sh"
n=$(ls "$ROOT/corpora/tabla/"*.bol | wc -l)
[ "$n" -ge 60 ] || { echo "FAIL: corpora/tabla has $n compositions"; fail=$((fail+1)); }
expect 0 "tokens of the corpus" -- "$S" tokens "$ROOT/corpora/tabla"
[ "$(wc -l < "$T/out")" -eq "$n" ] || { echo "FAIL: not one line a composition"; fail=$((fail+1)); }

cat > "$T/theka.bol" <<'BOL'
taal: teentaal
form: theka
tempo: 90
Dha Dhin Dhin Dha | Dha Dhin Dhin Dha | Dha Tin Tin Ta | Ta Dhin Dhin Dha
BOL
expect 0 "render .bol to .mid" -- "$S" render "$T/theka.bol" -o "$T/t.mid"
expect 0 "render .bol to .mid, GM map" -- "$S" render "$T/theka.bol" -o "$T/gm.mid" --tabla-map gm
cmp -s "$T/t.mid" "$T/gm.mid" && { echo "FAIL: the GM map changed nothing"; fail=$((fail+1)); }
if "$S" render "$T/theka.bol" -o "$T/t.wav" 2>"$T/err"; then
  pass=$((pass+1))
  [ "$(wc -c < "$T/t.wav")" -gt 100000 ] || { echo "FAIL: short WAV"; fail=$((fail+1)); }
  if command -v fluidsynth >/dev/null 2>&1; then
    expect 0 "fluidsynth program loads tabla.sf2" -- fluidsynth -ni "$ROOT/soundfonts/tabla.sf2" "$T/t.mid" -F "$T/fs.wav" -r 44100
    [ "$(wc -c < "$T/fs.wav" 2>/dev/null || echo 0)" -gt 100000 ] || { echo "FAIL: fluidsynth wrote nothing"; fail=$((fail+1)); }
    grep -qi "error\|failed" "$T/err" && { echo "FAIL: fluidsynth complained"; cat "$T/err"; fail=$((fail+1)); }
  fi
elif grep -q "without FluidSynth" "$T/err"; then
  echo "skipping .wav: built without FluidSynth"
else
  echo "FAIL: render .bol to .wav"; cat "$T/err"; fail=$((fail+1))
fi

# errors: the line (and column) of the fault, exit 1, never a crash
printf 'taal: teentaal\nform: theka\nDha Dhin Dhin Dha | Dha Dhin Dhix Dha | Dha Tin Tin Ta | Ta Dhin Dhin Dha\n' > "$T/e1.bol"
expect 1 "unknown bol" -- "$S" render "$T/e1.bol" -o "$T/e1.mid"
expect_err "e1.bol:3:30: unknown bol 'Dhix'" "unknown bol message"
printf 'taal: teentaal\ntaal: tritaalx\n' > "$T/e2.bol"
expect 1 "unknown taal" -- "$S" render "$T/e2.bol" -o "$T/e2.mid"
expect_err "e2.bol:2:7: unknown taal 'tritaalx'" "unknown taal message"
printf 'taal: teentaal\nform: theka\nDha Dhin Dhin Dha Dha Dhin Dhin Dha Dha Tin Tin Ta Ta Dhin Dhin\nDha Dhin Dhin Dha | Dha Dhin Dhin Dha | Dha Tin Tin Ta | Ta Dhin Dhin Dha\n' > "$T/e3.bol"
expect 1 "short cycle" -- "$S" tokens "$T/e3.bol"
expect_err "e3.bol:3:.*after beat 15 of teentaal's 16-beat cycle" "short cycle message"
[ -e "$T/e1.mid" ] && { echo "FAIL: output written for a bad input"; fail=$((fail+1)); }

# a few seconds of training; generation keeps the cycle and the taal asked for
expect 0 "train tabla" -- "$S" train "$ROOT/corpora/tabla" -o "$T/m.srnn" -q --hidden 32 --layers 1 --embed 16 --conv 0 --seq-len 32 --batch 8 --epochs 2 --seed 1
expect 0 "generate .bol" -- "$S" generate "$T/m.srnn" -o "$T/g.bol" -q --taal jhaptaal --cycles 3 --count 3 --seed 7
for i in 1 2 3; do
  grep -q '^taal: jhaptaal' "$T/g-$i.bol" || { echo "FAIL: g-$i.bol not in jhaptaal"; fail=$((fail+1)); }
  # body lines (not header, not marks): 10 beats each, or the lone sam beat at the end
  bad=$(awk '/^[a-z]+:/ || /^[ \tX0-9]*$/ {next} {gsub(/\|/, " "); if (NF != 10) print NF}' "$T/g-$i.bol" | grep -v '^1$' | wc -l)
  [ "$bad" -eq 0 ] || { echo "FAIL: g-$i.bol has cycles that are not 10 beats"; cat "$T/g-$i.bol"; fail=$((fail+1)); }
  cyc=$(awk '/^[a-z]+:/ || /^[ \tX0-9]*$/ {next} {gsub(/\|/, " "); if (NF == 10) c++} END {print c}' "$T/g-$i.bol")
  [ "$cyc" -eq 3 ] || { echo "FAIL: g-$i.bol has $cyc cycles, not 3"; fail=$((fail+1)); }
done
expect 0 "generated .bol reads back" -- "$S" tokens -q "$T/g-1.bol" "$T/g-2.bol" "$T/g-3.bol"
expect 2 "unknown --taal" -- "$S" generate "$T/m.srnn" -o "$T/x.bol" --taal bogus
expect 0 "generate .mid" -- "$S" generate "$T/m.srnn" -o "$T/g.mid" -q --cycles 1 --seed 3

finish tabla_cli
