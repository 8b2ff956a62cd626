#!/bin/sh
# songrnn plot / heatmap / eval end to end on the embedded corpus with a tiny network: PNGs of
# the right size, the eval table, CSV and JSON; bad input gets exit 1 or 2 with the file named.
# usage: cli_viz.sh SONGRNN SOURCE_ROOT
. "$(dirname "$0")/../lib.sh"
# width and height of a PNG (big-endian at bytes 16..23)
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d\n", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }
is_png() { [ "$(od -An -c -N4 "$1" | tr -d ' ')" = "211PNG" ]; }

CORPUS="$ROOT/corpora/piano"
expect 0 "train a tiny model" -- "$S" train "$CORPUS" -o "$T/m.srnn" --hidden 16 --embed 8 --conv 8:3 --seq-len 32 --batch 8 --epochs 2 --seed 5 --threads 1 -q --history "$T/h.csv"

cairo=1
"$S" plot "$T/m.srnn" -o "$T/c.png" >"$T/out" 2>"$T/err"
if grep -q "built without cairo" "$T/err"; then cairo=0; fi

if [ $cairo -eq 1 ]; then
  expect 0 "plot a model" -- "$S" plot "$T/m.srnn" -o "$T/c.png" -q
  is_png "$T/c.png" && ok || bad "plot wrote no PNG"
  [ "$(png_size "$T/c.png")" = "900 760" ] && ok || bad "curves size $(png_size "$T/c.png")"
  expect 0 "plot a history CSV" -- "$S" plot "$T/h.csv" -o "$T/c2.png"
  is_png "$T/c2.png" && ok || bad "plot of the CSV wrote no PNG"
  expect 0 "heatmap, generated" -- "$S" heatmap "$T/m.srnn" -o "$T/h.png" --seed 3 --length 30 --top 3 -q
  is_png "$T/h.png" && ok || bad "heatmap wrote no PNG"
  set -- $(png_size "$T/h.png")
  [ "$1" -eq 1200 ] && [ "$2" -gt 200 ] && ok || bad "heatmap size $1 x $2"
  h3=$2
  expect 0 "heatmap, one neuron" -- "$S" heatmap "$T/m.srnn" -o "$T/h1.png" --seed 3 --length 30 --neuron 2 --layer 0 -q
  set -- $(png_size "$T/h1.png")
  [ "$2" -lt "$h3" ] && ok || bad "one neuron is not smaller than three ($2 vs $h3)"
  expect 0 "heatmap over a given piece" -- "$S" heatmap "$T/m.srnn" -o "$T/h2.png" --prime "$CORPUS/brahms_lullaby.mid" --length 80 -q
  expect 0 "same seed, same heatmap" -- "$S" heatmap "$T/m.srnn" -o "$T/h3.png" --seed 3 --length 30 --top 3 -q
  cmp -s "$T/h.png" "$T/h3.png" && ok || bad "same seed gave different heatmaps"
  expect 2 "heatmap: no such neuron" -- "$S" heatmap "$T/m.srnn" -o "$T/x.png" --neuron 16
  grep -q "16 neurons" "$T/err" && ok || bad "neuron range not told"
  expect 2 "heatmap: no such layer" -- "$S" heatmap "$T/m.srnn" -o "$T/x.png" --layer 2
  expect 2 "heatmap: --neuron and --top" -- "$S" heatmap "$T/m.srnn" -o "$T/x.png" --neuron 1 --top 2
  expect 1 "heatmap: prime file missing" -- "$S" heatmap "$T/m.srnn" -o "$T/x.png" --prime "$T/none.mid"
  expect 1 "heatmap: output folder missing" -- "$S" heatmap "$T/m.srnn" -o "$T/no/x.png" --length 5
  grep -q "$T/no/x.png" "$T/err" && ok || bad "unwritable output not named"
  printf 'epoch,train_loss\n1,2\n' > "$T/bad.csv"
  expect 1 "plot: CSV without the columns" -- "$S" plot "$T/bad.csv" -o "$T/x.png"
  grep -q "bad.csv:1:1: no column 'val_loss'" "$T/err" && ok || bad "CSV error: $(cat "$T/err")"
else
  expect 1 "heatmap without cairo" -- "$S" heatmap "$T/m.srnn" -o "$T/h.png"
  grep -q "built without cairo" "$T/err" && ok || bad "no 'built without cairo'"
fi
expect 2 "plot: no output" -- "$S" plot "$T/m.srnn"
expect 2 "plot: not a PNG" -- "$S" plot "$T/m.srnn" -o "$T/c.jpg"
expect 2 "heatmap: no model" -- "$S" heatmap -o "$T/x.png"
printf 'not a model' > "$T/junk.srnn"
expect 1 "plot: not a model" -- "$S" plot "$T/junk.srnn" -o "$T/x.png"
grep -q "junk.srnn\|built without cairo" "$T/err" && ok || bad "bad model not named"
expect 1 "heatmap: not a model" -- "$S" heatmap "$T/junk.srnn" -o "$T/x.png"

# eval: generated pieces against the embedded corpus
expect 0 "generate 4 pieces" -- "$S" generate "$T/m.srnn" -o "$T/g.mid" --count 4 --length 40 --seed 1 -q
expect 0 "eval table" -- "$S" eval "$T/g-1.mid" "$T/g-2.mid" "$T/g-3.mid" "$T/g-4.mid" --reference "$CORPUS"
grep -q "^4 generated pieces against [0-9]* reference pieces" "$T/out" && ok || bad "eval header: $(head -1 "$T/out")"
for f in "pitch count" "pitch-class histogram" "pitch range" "avg pitch interval" "note count" \
         "avg inter-onset interval" "note-length histogram" "polyphony" "mean over features"; do
  grep -q "^$f " "$T/out" && ok || bad "eval table lacks '$f'"
done
expect 0 "eval csv" -- "$S" eval "$T/g-1.mid" "$T/g-2.mid" --reference "$CORPUS" --format csv
[ "$(head -1 "$T/out")" = "feature,gen_mean,gen_sd,ref_mean,ref_sd,intra_gen,intra_ref,inter,kld,overlap" ] && ok || bad "csv header"
[ "$(wc -l < "$T/out")" -eq 10 ] && ok || bad "csv rows: $(wc -l < "$T/out")"
# overlap within [0, 1], KL >= 0 on every row
awk -F, 'NR > 1 { if ($10 < 0 || $10 > 1 || $9 < 0) bad = 1 } END { exit bad }' "$T/out" && ok || bad "csv values out of range"
expect 0 "eval json to a file" -- "$S" eval "$T/g-1.mid" --reference "$CORPUS" --format json -o "$T/e.json" -q
grep -q '"mean_overlap"' "$T/e.json" && grep -q '"pitch_class_hist": {"gen_mean": null' "$T/e.json" && ok || bad "json content"
# the corpus against itself: every feature overlaps well
expect 0 "eval corpus vs itself" -- "$S" eval "$CORPUS" --reference "$CORPUS" --format csv
awk -F, 'NR > 1 { if ($10 < 0.8) bad = 1 } END { exit bad }' "$T/out" && ok || bad "self overlap below 0.8: $(cat "$T/out")"
expect 2 "eval: no reference" -- "$S" eval "$T/g-1.mid"
expect 2 "eval: bad format" -- "$S" eval "$T/g-1.mid" --reference "$CORPUS" --format xml
expect 1 "eval: reference missing" -- "$S" eval "$T/g-1.mid" --reference "$T/none"
mkdir "$T/empty"
expect 1 "eval: empty reference" -- "$S" eval "$T/g-1.mid" --reference "$T/empty"
grep -q "no MIDI files" "$T/err" && ok || bad "empty reference message"
expect 1 "eval: reference of one piece" -- "$S" eval "$T/g-1.mid" --reference "$T/g-2.mid"
grep -q "at least 2" "$T/err" && ok || bad "one-piece reference message"
printf 'MThd junk' > "$T/empty/junk.mid"
expect 1 "eval: nothing readable" -- "$S" eval "$T/empty/junk.mid" --reference "$CORPUS"
grep -q "junk.mid" "$T/err" && ok || bad "unreadable file not named"

# eval reads ABC tunes (every tune of a file) and tabla compositions through their modes; the
# counts are the files' own X: lines and .bol files
abc="$ROOT/corpora/abc/doublejigs.abc"
ng=$(grep -c '^X:' "$abc")
nr=$(cat "$ROOT"/corpora/abc/*.abc | grep -c '^X:')
expect 0 "eval ABC tunes" -- "$S" eval "$abc" --reference "$ROOT/corpora/abc"
grep -q "^$ng generated pieces against $nr reference pieces" "$T/out" && ok || bad "eval abc header: $(head -1 "$T/out") (want $ng and $nr)"
nb=$(ls "$ROOT"/corpora/tabla/*.bol | wc -l)
expect 0 "eval tabla compositions" -- "$S" eval "$ROOT/corpora/tabla" --reference "$ROOT/corpora/tabla" --format csv
awk -F, 'NR > 1 { if ($10 < 0.8) bad = 1 } END { exit bad }' "$T/out" && ok || bad "tabla self overlap below 0.8"
expect 0 "eval tabla table" -- "$S" eval "$ROOT/corpora/tabla" --reference "$ROOT/corpora/tabla"
grep -q "^$nb generated pieces against $nb reference" "$T/out" && ok || bad "eval tabla header: $(head -1 "$T/out")"
expect 1 "eval: ABC against a folder without ABC" -- "$S" eval "$abc" --reference "$ROOT/corpora/tabla"
grep -q "corpora/tabla: no ABC files found" "$T/err" && ok || bad "mode mismatch message: $(cat "$T/err")"
printf 'X:1\nT:one\nK:C\nCDE|]\n\nX:2\nT:ok\nK:C\nCDEF|]\n' > "$T/two.abc"
expect 0 "eval: ABC file of two tunes" -- "$S" eval "$T/two.abc" --reference "$ROOT/corpora/abc"
grep -q "^2 generated pieces" "$T/out" && ok || bad "two tunes: $(head -1 "$T/out")"

finish cli_viz
