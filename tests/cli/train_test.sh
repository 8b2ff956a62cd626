#!/bin/sh
# songrnn train / generate end to end on the embedded corpus with a tiny network:
# --resume equals an uninterrupted run, outputs are readable, bad input gets exit 1 or 2.
# usage: train_test.sh SONGRNN SOURCE_ROOT
. "$(dirname "$0")/../lib.sh"
# constant rate: a run of 1 epoch then resumed to 3 follows the same path as one of 3 (a
# cosine schedule follows its own --epochs; resume_test.sh interrupts runs of one length)
SMALL="--hidden 32 --embed 16 --conv 16:3 --seq-len 32 --batch 8 --seed 5 --threads 1 -q --lr-schedule constant"
CORPUS="$ROOT/corpora/piano"

# uninterrupted: 3 epochs; interrupted after 1, then resumed to 3
expect 0 "train 3 epochs" -- "$S" train "$CORPUS" -o "$T/a.srnn" $SMALL --epochs 3 --history "$T/a.csv"
expect 0 "train 1 epoch" -- "$S" train "$CORPUS" -o "$T/b.srnn" $SMALL --epochs 1
expect 0 "resume to 3 epochs" -- "$S" train "$CORPUS" -o "$T/b.srnn" --resume --epochs 3 -q --threads 1 --history "$T/b.csv"
if [ -f "$T/a.csv" ] && [ -f "$T/b.csv" ]; then
  # losses and accuracies of every epoch agree to 1e-6
  if awk -F, 'NR==FNR { if (FNR > 1) for (i = 2; i <= 5; i++) a[FNR, i] = $i; next }
              FNR > 1 { n++; for (i = 2; i <= 5; i++) { d = a[FNR, i] - $i; if (d < 0) d = -d;
                        if (d > 1e-6) { print "epoch " FNR-1 " column " i ": " a[FNR, i] " vs " $i; bad = 1 } } }
              END { exit (bad || n != 3) }' "$T/a.csv" "$T/b.csv"; then ok; else bad "resumed losses differ"; fi
else
  bad "no history CSV"
fi
expect 2 "resume cannot change the network" -- "$S" train "$CORPUS" -o "$T/b.srnn" --resume --hidden 64

# Ctrl-C: the run stops at the next batch, keeps the last completed epoch, exits 0
"$S" train "$CORPUS" -o "$T/c.srnn" $SMALL --epochs 100000 2>"$T/c.err" &
pid=$!
i=0
while [ ! -s "$T/c.srnn" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
kill -INT $pid
wait $pid
rc=$?
[ "$rc" -eq 0 ] && ok || bad "SIGINT: exit $rc"
expect 0 "the interrupted model loads" -- "$S" info "$T/c.srnn"
expect 0 "and resumes" -- "$S" train "$CORPUS" -o "$T/c.srnn" --resume --epochs 1 -q

# generate: MIDI files that the reader takes back, numbered with --count, tokens on stdout
expect 0 "generate --count 2" -- "$S" generate "$T/a.srnn" -o "$T/g.mid" --count 2 --length 40 --seed 1 -q
[ -s "$T/g-1.mid" ] && [ -s "$T/g-2.mid" ] && ok || bad "numbered outputs missing"
expect 0 "generated MIDI reads back" -- "$S" tokens -q "$T/g-1.mid" "$T/g-2.mid"
expect 0 "generate to stdout" -- "$S" generate "$T/a.srnn" -o - --length 20 --seed 1
grep -q '^N\|[ ]N[0-9]\|C[0-9]' "$T/out" && ok || bad "no note tokens on stdout"
# a tiny model under argmax may repeat a time shift forever: generation must still end
expect 0 "argmax ends" -- timeout 60 "$S" generate "$T/a.srnn" -o - --length 20 --seed 1 --argmax
expect 0 "generate with a primer" -- "$S" generate "$T/a.srnn" -o "$T/p.mid" --prime "$CORPUS/brahms_lullaby.mid" --length 20 --top-k 5 --top-p 0.9 -q
expect 0 "same seed, same music" -- "$S" generate "$T/a.srnn" -o "$T/s1.mid" --length 30 --seed 9 -q
expect 0 "same seed, same music (2)" -- "$S" generate "$T/a.srnn" -o "$T/s2.mid" --length 30 --seed 9 -q
cmp -s "$T/s1.mid" "$T/s2.mid" && ok || bad "same seed gave different files"
# the step split over threads computes every row as one thread would: the same music
expect 0 "same seed on 3 threads" -- "$S" generate "$T/a.srnn" -o "$T/s3.mid" --length 30 --seed 9 --threads 3 -q
cmp -s "$T/s1.mid" "$T/s3.mid" && ok || bad "--threads 3 gave different music than the default"

# play a model live: generated as it plays, rendered by FluidSynth's file driver
"$S" play "$T/a.srnn" --audio-driver file --audio-file "$T/live.wav" --length 30 --seed 1 -q >"$T/out" 2>"$T/err"
rc=$?
if grep -q "built without FluidSynth\|soundfont" "$T/err"; then
  echo "skipped live play: $(cat "$T/err")"
elif [ "$rc" -eq 0 ] && [ -s "$T/live.wav" ] && [ "$(head -c 4 "$T/live.wav")" = "RIFF" ]; then
  ok
else
  bad "play MODEL: exit $rc"; cat "$T/err"
fi

# bad input: exit 1 with the file named, or 2 for usage
mkdir "$T/empty"
expect 1 "empty folder" -- "$S" train "$T/empty" -o "$T/x.srnn"
grep -q "no MIDI files found" "$T/err" && ok || bad "empty folder message"
printf 'MThd garbage' > "$T/empty/junk.mid"
expect 1 "no readable MIDI" -- "$S" train "$T/empty" -o "$T/x.srnn"
grep -q "junk.mid" "$T/err" && ok || bad "unreadable file not named"
[ -e "$T/x.srnn" ] && bad "a model was written from nothing" || ok
printf 'not a model' > "$T/nomodel.srnn"
expect 1 "generate from a file that is no model" -- "$S" generate "$T/nomodel.srnn" -o "$T/y.mid"
grep -q "songrnn: $T/nomodel.srnn: " "$T/err" && ok || bad "no-model message"
expect 1 "resume from a file that is no model" -- "$S" train "$CORPUS" -o "$T/nomodel.srnn" --resume
expect 2 "negative temperature" -- "$S" generate "$T/a.srnn" -o "$T/y.mid" --temperature -1
expect 2 "top-p above 1" -- "$S" generate "$T/a.srnn" -o "$T/y.mid" --top-p 1.5
expect 2 "a key prior below 1" -- "$S" generate "$T/a.srnn" -o "$T/y.mid" --key-prior 0.5
# eval --model: the network's likelihood, and as generate samples it.  Without priors the
# grammar only takes mass from tokens a piece never has (so the sampled NLL is no higher).
expect 0 "eval --model, no priors" -- "$S" eval "$CORPUS" --reference "$CORPUS" --model "$T/a.srnn" --format json -q --key-prior 1 --repeat-prior 1
raw=$(sed -n 's/.*"nll_per_note": \([0-9.e+-]*\).*/\1/p' "$T/out")
smp=$(sed -n 's/.*"sampled_nll_per_note": \([0-9.e+-]*\).*/\1/p' "$T/out")
awk -v r="$raw" -v s="$smp" 'BEGIN { exit !(r > 0 && s > 0 && s <= r) }' && ok || bad "sampled NLL $smp, network's $raw"
expect 0 "eval --model, default priors" -- "$S" eval "$CORPUS" --reference "$CORPUS" --model "$T/a.srnn" -q
has "$T/out" "as generate samples (grammar, priors)" "eval's sampled likelihood"
expect 2 "batch 0" -- "$S" train "$CORPUS" -o "$T/y.srnn" --batch 0
expect 2 "unknown cell" -- "$S" train "$CORPUS" -o "$T/y.srnn" --cell transformer
expect 2 "unknown output format" -- "$S" generate "$T/a.srnn" -o "$T/y.xyz"
expect 2 "no output" -- "$S" generate "$T/a.srnn"
[ -e "$T/y.mid" ] && bad "output written despite an error" || ok

finish train_test
