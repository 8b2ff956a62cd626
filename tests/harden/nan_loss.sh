#!/usr/bin/env bash
# A training run whose loss becomes NaN or infinite: it stops with a message naming the step,
# exits 1, and the model file holds the last good state (the epoch boundary before the step),
# which loads.  No setting of the command line makes this network diverge (bounded cells, a
# stable softmax, lr <= 100), so the run resumes from a model whose weights were set to huge
# finite values (poison_model): the first step overflows.
#   nan_loss.sh SONGRNN POISON_MODEL SOURCE_ROOT
set -u
S=$1
POISON=$2
ROOT=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
in=$ROOT/corpora/piano/trad_frere_jacques.mid

"$S" train "$in" -o "$T/m.srnn" --hidden 16 --layers 1 --embed 8 --conv 8:3 --seq-len 16 \
  --batch 4 --epochs 2 --patience 0 --optimizer sgd -q || fail "the first training run failed"
steps=$("$S" info "$T/m.srnn" | awk '/^progress:/ {print $4}')
"$POISON" "$T/m.srnn" "$T/m.srnn" 3e38 || fail "poison_model failed"
cp "$T/m.srnn" "$T/boundary.srnn"

"$S" train "$in" -o "$T/m.srnn" --resume --epochs 4 >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 1 ] || fail "exit status $rc, expected 1"
msg=$(grep "^songrnn: $T/m.srnn: the \(loss\|gradient\) became \(NaN\|infinite\) at step" "$T/err")
[ -n "$msg" ] || fail "no message naming the step: $(tail -n 3 "$T/err")"
# The step named is the first one after the boundary.
echo "$msg" | grep -q "at step $((steps + 1)) " || fail "expected step $((steps + 1)): $msg"
echo "$msg" | grep -q "the last good model (epoch 2) is saved" || fail "no 'last good model (epoch 2)': $msg"
"$S" info "$T/m.srnn" >"$T/info" 2>&1 || fail "the saved model does not load: $(head -n 2 "$T/info")"
grep -q "^progress: *2 epochs, $steps steps" "$T/info" || fail "the saved model is not the epoch-2 boundary: $(grep progress "$T/info")"
# Only the boundary's weights: nothing of the diverged step.  (The file may differ in the
# training counters it records; its parameters must be the boundary's, which info cannot
# show, so compare with a second save of the same boundary.)
"$POISON" "$T/m.srnn" "$T/again.srnn" 3e38 || fail "the saved model cannot be read back"
cmp -s "$T/m.srnn" "$T/again.srnn" || fail "the saved parameters are not the boundary's"
echo "nan_loss: $msg"
[ "$fails" -eq 0 ]
