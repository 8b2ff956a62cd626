#!/bin/sh
# A notes model written by songrnn 0.1 (file format 1, timeshift tokens, --velocity-bins 4,
# made by that version's binary: tests/model/fixtures/v1-notes.srnn) still loads, generates with
# its velocity bins read as the velocities they decoded to, and resumes training into a
# file of the current format.
#   old_model_test.sh SONGRNN SOURCE_ROOT
. "$(dirname "$0")/../lib.sh"
OLD="$ROOT/tests/model/fixtures/v1-notes.srnn"
cp "$OLD" "$T/m.srnn"
expect 0 "info of a version-1 model" -- "$S" info "$T/m.srnn"
has "$T/out" "version 1, " "the file's own version"
has "$T/out" "tokenizer: *timeshift" "a timeshift vocabulary"
has "$T/out" "velocity: *16 48 80 112 (4 levels)" "bins 1..4 as the velocities they decoded to"
expect 0 "generate from it" -- "$S" generate "$T/m.srnn" -o "$T/g.mid" --length 40 --seed 9 -q
expect 0 "the MIDI file reads back" -- "$S" tokens "$T/g.mid"
expect 0 "tokens on stdout" -- "$S" generate "$T/m.srnn" -o - --length 60 --seed 9
tr ' ' '\n' <"$T/out" | grep '^V' | sort -u >"$T/vels"
[ -s "$T/vels" ] && ok || bad "no velocity token generated"
grep -qv '^V\(16\|48\|80\|112\)$' "$T/vels" && bad "a velocity outside the 4 levels: $(cat "$T/vels")" || ok
grep -q '^T[0-9]' "$T/out" 2>/dev/null || tr ' ' '\n' <"$T/out" | grep -q '^T[0-9]' && ok || bad "no time shifts"
expect 0 "resume it" -- "$S" train "$ROOT/corpora/piano" -o "$T/m.srnn" --resume --epochs 3 -q --threads 1
expect 0 "info after the resume" -- "$S" info "$T/m.srnn"
has "$T/out" "version 2, " "saved in the current format"
has "$T/out" "^progress: *3 epochs" "three epochs now"
cmp -s "$OLD" "$T/m.srnn" && bad "the resumed model was not saved" || ok
finish old_model_test
