#!/usr/bin/env bash
# Nothing of a training run is lost: Ctrl-C inside an epoch, and SIGKILL at random moments of a
# run that checkpoints inside its epochs, then --resume, give the losses of an uninterrupted
# run to 1e-6 (the default cosine schedule and transposed variants, and dropout).  An existing model
# is replaced only with --force; -o must name a file in a folder that takes files; a one-piece
# corpus trains without validation and says so.
#   resume_test.sh SONGRNN SOURCE_ROOT
. "$(dirname "$0")/../lib.sh"
CORPUS="$ROOT/corpora/piano"
NET=(--layers 2 --dropout 0.3 --hidden 48 --embed 16 --conv 16:3 --seq-len 32 --batch 4 --seed 5 --threads 1 --epochs 3)

same_losses() { # same_losses A.csv B.csv WHAT: every epoch's losses and accuracies to 1e-6
  if awk -F, 'NR==FNR { if (FNR > 1) for (i = 2; i <= 5; i++) a[FNR, i] = $i; next }
              FNR > 1 { n++; for (i = 2; i <= 5; i++) { d = a[FNR, i] - $i; if (d < 0) d = -d;
                        if (d > 1e-6) { print "epoch " FNR-1 " column " i ": " a[FNR, i] " vs " $i; bad = 1 } } }
              END { exit (bad || n != 3) }' "$1" "$2"; then ok; else bad "$3: losses differ"; fi
}

expect 0 "uninterrupted" -- "$S" train "$CORPUS" -o "$T/a.srnn" "${NET[@]}" -q --checkpoint-minutes 0 --history "$T/a.csv"

# Ctrl-C inside the second epoch: the checkpoint holds the batch it stopped at.
inside=0
for round in 1 2 3; do
  rm -f "$T/b.srnn" "$T/b.csv"
  "$S" train "$CORPUS" -o "$T/b.srnn" "${NET[@]}" -q --history "$T/b.csv" 2>"$T/b.err" &
  pid=$!
  i=0
  while [ ! -s "$T/b.csv" ] && [ $i -lt 600 ]; do sleep 0.02; i=$((i+1)); done # epoch 1 saved
  sleep "0.$((round * 2))"
  kill -INT $pid
  wait $pid
  rc=$?
  [ "$rc" -eq 0 ] && ok || bad "SIGINT: exit $rc"
  "$S" info "$T/b.srnn" >"$T/info" 2>&1 || bad "the interrupted model does not load"
  grep -q "batches into epoch" "$T/info" && inside=$((inside + 1))
  expect 0 "resume after Ctrl-C" -- "$S" train "$CORPUS" -o "$T/b.srnn" --resume -q --threads 1 --history "$T/b.csv"
  same_losses "$T/a.csv" "$T/b.csv" "Ctrl-C in round $round, then --resume"
done
[ "$inside" -gt 0 ] && ok || bad "no Ctrl-C landed inside an epoch"

# SIGKILL at random moments, checkpoints every 0.1 s: each run resumes what the last left.
RANDOM=11
rm -f "$T/c.srnn" "$T/c.csv"
kills=0
for round in $(seq 1 12); do
  if [ -f "$T/c.srnn" ]; then
    "$S" train "$CORPUS" -o "$T/c.srnn" --resume -q --threads 1 --history "$T/c.csv" >/dev/null 2>&1 &
  else
    "$S" train "$CORPUS" -o "$T/c.srnn" "${NET[@]}" -q --checkpoint-minutes 0.0017 --history "$T/c.csv" >/dev/null 2>&1 &
  fi
  pid=$!
  sleep "0.$(printf %03d $((200 + RANDOM % 700)))"
  kill -9 $pid 2>/dev/null && kills=$((kills + 1))
  wait $pid 2>/dev/null
  if [ -f "$T/c.srnn" ] && ! "$S" info "$T/c.srnn" >/dev/null 2>&1; then
    bad "round $round: the model is damaged after SIGKILL"
  fi
done
if [ -f "$T/c.srnn" ]; then
  expect 0 "resume after the kills" -- "$S" train "$CORPUS" -o "$T/c.srnn" --resume -q --threads 1 --history "$T/c.csv"
else
  expect 0 "run after the kills" -- "$S" train "$CORPUS" -o "$T/c.srnn" "${NET[@]}" -q --checkpoint-minutes 0.0017 --history "$T/c.csv"
fi
same_losses "$T/a.csv" "$T/c.csv" "SIGKILL $kills times, then --resume"
ls "$T"/c.srnn.tmp* >/dev/null 2>&1 && bad "a temporary file is left" || ok

# An existing model: refused without --resume or --force, byte for byte unchanged.
cp "$T/a.srnn" "$T/keep.srnn"
expect 2 "train over a model" -- "$S" train "$CORPUS" -o "$T/a.srnn" --hidden 8 --max-seconds 1 -q
expect_err "--resume" "the message names --resume"
expect_err "--force" "the message names --force"
cmp -s "$T/a.srnn" "$T/keep.srnn" && ok || bad "the model changed"
expect 0 "--force replaces it" -- "$S" train "$CORPUS" -o "$T/a.srnn" --hidden 8 --embed 8 --conv 0 --epochs 1 --force -q
cmp -s "$T/a.srnn" "$T/keep.srnn" && bad "--force did not replace the model" || ok
expect 2 "--resume and --force" -- "$S" train "$CORPUS" -o "$T/a.srnn" --resume --force -q
expect 1 "--resume of nothing" -- "$S" train "$CORPUS" -o "$T/none.srnn" --resume -q

# The output's folder is checked before any training.
expect 2 "-o a folder" -- "$S" train "$CORPUS" -o "$T/" -q
expect 2 "-o an existing folder" -- "$S" train "$CORPUS" -o "$T" -q
expect 1 "-o in a missing folder" -- "$S" train "$CORPUS" -o "$T/no/such/m.srnn" -q
expect_err "does not exist" "says the folder does not exist"

# One piece: no validation, said so, no NaN.
expect 0 "one-piece corpus" -- "$S" train "$CORPUS/trad_frere_jacques.mid" -o "$T/one.srnn" --hidden 8 --embed 8 --conv 0 --seq-len 16 --batch 2 --epochs 1
expect_err "without validation" "a one-piece corpus says it trains without validation"
grep -qi nan "$T/err" && bad "NaN in the output: $(cat "$T/err")" || ok

# Inputs of two modes: which one training takes, and what it leaves out.
mkdir -p "$T/mixed"
cp "$CORPUS/trad_frere_jacques.mid" "$CORPUS/brahms_lullaby.mid" "$ROOT/corpora/abc/waltzes.abc" "$T/mixed/"
expect 0 "mixed inputs" -- "$S" train "$T/mixed" -o "$T/mixed.srnn" --hidden 8 --embed 8 --conv 0 --seq-len 16 --batch 2 --epochs 1
expect_err "training in notes mode on 2 MIDI files; left out: 1 ABC file (--mode abc)" "says what is left out"
finish resume_test
