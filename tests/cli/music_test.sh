#!/bin/sh
# Generated music keeps what the model learned: a model trained on 3/4 pieces writes 3/4 (and
# --meter asks only for a meter it learned), sampled pitches stay inside the training range,
# velocities are the model's levels, and --prime continues a piece: the output starts with the
# primer's own notes, unchanged, unless --continuation-only.
#   music_test.sh SONGRNN SOURCE_ROOT
. "$(dirname "$0")/../lib.sh"
P="$ROOT/corpora/piano"
mkdir -p "$T/waltz"
for f in brahms_lullaby petzold_minuet_g satie_gymnopedie_1 trad_amazing_grace trad_we_wish_you; do
  cp "$P/$f.mid" "$T/waltz/"
done
NET="--hidden 32 --embed 16 --conv 0 --layers 1 --seq-len 32 --batch 4 --epochs 2 --seed 3 --threads 1 -q"
expect 0 "train on 3/4 pieces" -- "$S" train "$T/waltz" -o "$T/w.srnn" $NET
expect 0 "the model's meters" -- "$S" info "$T/w.srnn"
has "$T/out" "^meters: *3/4 (most frequent first)" "3/4 is the one meter learned"
expect 0 "generate" -- "$S" generate "$T/w.srnn" -o "$T/g.mid" --count 3 --length 80 --seed 1
for i in 1 2 3; do
  expect 0 "tokens of a generated piece" -- "$S" tokens "$T/g-$i.mid"
  tr ' ' '\n' <"$T/out" | grep '^M' | sort -u >"$T/meters"
  [ "$(cat "$T/meters")" = "M3/4" ] && ok || bad "piece $i is not in 3/4: $(cat "$T/meters")"
done
expect 2 "--meter the model did not learn" -- "$S" generate "$T/w.srnn" -o "$T/x.mid" --meter 4/4
expect_err "3/4" "the message names the meters it knows"
expect 2 "--meter that is no meter" -- "$S" generate "$T/w.srnn" -o "$T/x.mid" --meter 3/5

# Pitches: training saw 21..108 at most (transposed pieces kept on the piano); the model's
# range is in info and no sampled pitch is outside it.
"$S" info "$T/w.srnn" >"$T/info"
lo=$(sed -n 's/^pitches: *\([0-9]*\)\.\.\([0-9]*\).*/\1/p' "$T/info")
hi=$(sed -n 's/^pitches: *\([0-9]*\)\.\.\([0-9]*\).*/\2/p' "$T/info")
[ -n "$lo" ] && [ -n "$hi" ] && [ "$lo" -gt 0 ] && [ "$hi" -lt 127 ] && ok || bad "no pitch range in info"
expect 0 "tokens on stdout at temperature 3" -- "$S" generate "$T/w.srnn" -o - --length 300 --temperature 3 --seed 2
tr ' ' '\n' <"$T/out" | grep '^[NC][0-9]' | sed 's/^[NC]//' | tr '.' '\n' >"$T/pitches"
[ -s "$T/pitches" ] && ok || bad "no pitches sampled"
awk -v lo="${lo:-0}" -v hi="${hi:-127}" '$1 < lo || $1 > hi { print; bad = 1 } END { exit bad }' "$T/pitches" >"$T/outside" &&
  ok || bad "pitches outside $lo..$hi: $(head -3 "$T/outside")"
# Velocities: only the model's levels.
sed -n 's/^velocity: *\([0-9 ]*\) (.*/\1/p' "$T/info" | tr ' ' '\n' | sed 's/^/V/' | sort -u >"$T/levels"
tr ' ' '\n' <"$T/out" | grep '^V' | sort -u >"$T/used"
[ -s "$T/used" ] && [ -z "$(comm -13 "$T/levels" "$T/used")" ] && ok || bad "velocities outside the levels"

# Continuing a piece: its own tokens come first, then more.
PR="$P/trad_amazing_grace.mid"
expect 0 "continue a piece" -- "$S" generate "$T/w.srnn" -o "$T/c.mid" --prime "$PR" --length 60 --seed 4
expect 0 "tokens of primer and output" -- "$S" tokens "$PR" "$T/c.mid"
head -n 1 "$T/out" | sed 's/ <end>$//' >"$T/primer.tok"
sed -n 2p "$T/out" >"$T/cont.tok"
case "$(cat "$T/cont.tok")" in
  "$(cat "$T/primer.tok") "*) ok ;;
  *) bad "the output does not start with the primer's own notes" ;;
esac
[ "$(wc -w <"$T/cont.tok")" -gt "$(wc -w <"$T/primer.tok")" ] && ok || bad "nothing was added to the primer"
expect 0 "--continuation-only" -- "$S" generate "$T/w.srnn" -o "$T/c2.mid" --prime "$PR" --length 60 --seed 4 --continuation-only
expect 0 "tokens of the continuation" -- "$S" tokens "$PR" "$T/c2.mid"
sed -n 2p "$T/out" >"$T/only.tok"
case "$(cat "$T/only.tok")" in
  "$(cat "$T/primer.tok") "*) bad "--continuation-only wrote the primer too" ;;
  *) ok ;;
esac
expect 2 "--continuation-only without --prime" -- "$S" generate "$T/w.srnn" -o "$T/c3.mid" --continuation-only
finish music_test
