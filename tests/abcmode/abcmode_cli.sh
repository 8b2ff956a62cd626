#!/bin/sh
# abc mode end to end: tokens of .abc files, a tiny model trained for a few seconds on
# corpora/abc, generate to .abc / .mid / -, --prime-text, and the errors: malformed ABC with
# line and column, unknown key and meter, a primer with characters the model lacks, a notes
# model given ABC, generated text that does not parse (exit 1 naming line:col, no crash).
# usage: abcmode_cli.sh SONGRNN SOURCE_ROOT
. "$(dirname "$0")/../lib.sh"
CORPUS="$ROOT/corpora/abc"

# --- tokens: one tune a line, framed; the hand-made tune below has 7 tunes' worth of checks
printf 'X:1\nT:One\n%% a comment\nM:2/4\nL:1/8\nK:G\nGA B2|\n\nX:2\nT:Two\nM:3/4\nK:D\n"D"d2 e2 f2|\n' > "$T/two.abc"
expect 0 "tokens of two tunes" -- "$S" tokens "$T/two.abc"
[ "$(wc -l < "$T/out")" -eq 2 ] && ok || bad "tokens: $(wc -l < "$T/out") lines, wanted 2"
line1=$(head -n 1 "$T/out")
want1='<start> X : 1 <nl> T : O n e <nl> M : 2 / 4 <nl> L : 1 / 8 <nl> K : G <nl> G A <sp> B 2 | <nl> <end>'
[ "$line1" = "$want1" ] && ok || bad "tokens line 1: [$line1]"
has "$T/err" "2 tunes" "vocabulary report"

# --- malformed ABC: line and column; unknown key and meter named
printf 'X:1\nT:a\nM:4/4\nK:D\nAB[cd|\n' > "$T/chord.abc"
expect 1 "unterminated chord" -- "$S" tokens "$T/chord.abc"
has "$T/err" "chord.abc:5:3: unterminated chord" "chord message"
printf 'X:1\nT:a\nM:4/4\nK:Hq\nABcd|\n' > "$T/key.abc"
expect 1 "unknown key" -- "$S" tokens "$T/key.abc"
has "$T/err" "key.abc:4:1: unknown key" "key message"
printf 'X:1\nT:a\nM:4/0\nK:D\nABcd|\n' > "$T/meter.abc"
expect 1 "unknown meter" -- "$S" tokens "$T/meter.abc"
has "$T/err" "meter.abc:3:1: unknown meter" "meter message"
# a bad tune is left out, the good one of the same file kept
cat "$T/chord.abc" > "$T/mixed.abc"; printf '\n' >> "$T/mixed.abc"; cat "$T/two.abc" >> "$T/mixed.abc"
expect 0 "a bad tune among good ones" -- "$S" tokens "$T/mixed.abc"
[ "$(wc -l < "$T/out")" -eq 2 ] && ok || bad "mixed: $(wc -l < "$T/out") lines, wanted 2"
has "$T/err" "mixed.abc:5:3: unterminated chord.*left out" "mixed message"
printf 'no tune here\n' > "$T/empty.abc"
expect 1 "no tune" -- "$S" tokens "$T/empty.abc"
# binary junk never crashes
head -c 4096 "$S" > "$T/junk.abc"
"$S" tokens "$T/junk.abc" >/dev/null 2>&1; st=$?
[ "$st" -le 2 ] && ok || bad "junk: exit $st"

# --- train: mode guessed from .abc
SMALL="--layers 1 --hidden 48 --embed 16 --conv 0 --seq-len 48 --batch 16 --seed 3 --threads 1 -q"
expect 0 "train abc" -- "$S" train "$CORPUS" -o "$T/m.srnn" $SMALL --max-seconds 8 --epochs 4
[ -s "$T/m.srnn" ] || { bad "no model"; echo "passed $pass, failed $fail"; exit 1; }
expect 0 "info" -- "$S" info "$T/m.srnn"
has "$T/out" "abc" "info names the mode"

# --- generate
expect 0 "generate .abc" -- "$S" generate "$T/m.srnn" -o "$T/g.abc" --seed 1 --length 300 -q
head -c 2 "$T/g.abc" | grep -q "X:" && ok || bad "g.abc does not open with X:"
[ "$(wc -c < "$T/g.abc")" -le 310 ] && ok || bad "g.abc longer than --length"
expect 0 "generate -" -- "$S" generate "$T/m.srnn" -o - --seed 1 --length 300 -q
cmp -s "$T/out" "$T/g.abc" && ok || bad "stdout differs from .abc with the same seed"
expect 0 "generate --count" -- "$S" generate "$T/m.srnn" -o "$T/c.abc" --count 3 --seed 2 --length 100 -q
[ -s "$T/c-1.abc" ] && [ -s "$T/c-3.abc" ] && ok || bad "numbered .abc missing"
# a long run at a high temperature ends (bounded by --length)
expect 0 "temperature 3" -- "$S" generate "$T/m.srnn" -o "$T/hot.abc" --seed 4 --length 3000 --temperature 3 -q
[ "$(wc -c < "$T/hot.abc")" -le 3010 ] && ok || bad "hot.abc longer than --length"
# grammar-aware sampling: even this barely trained model at temperatures 1 and 2 writes tunes
# that parse (to .mid through the real path), also when --length cuts them short
for seed in 1 2 3 4 5; do
    for t in 1 2; do
        expect 0 "grammar: .mid at T $t seed $seed" -- "$S" generate "$T/m.srnn" -o "$T/gm.mid" --seed $seed --temperature $t -q
    done
    expect 0 "grammar: .mid cut by --length, seed $seed" -- "$S" generate "$T/m.srnn" -o "$T/gm.mid" --seed $seed --temperature 2 --length 60 -q
done

# --prime-text: kept in the output; \n is a newline.  One character after an open T: field
# always parses, so .mid must succeed.
PRIME='X:7\nT:Primed\nM:4/4\nL:1/8\nK:D\nDEFG ABcd|dcBA GFED|]\nT:'
expect 0 "prime .abc" -- "$S" generate "$T/m.srnn" -o "$T/p.abc" --prime-text "$PRIME" --length 1 --seed 1 -q
head -n 2 "$T/p.abc" | tr '\n' '/' | grep -q "^X:7/T:Primed/" && ok || bad "primer not kept: $(head -n 2 "$T/p.abc")"
expect 0 "prime .mid" -- "$S" generate "$T/m.srnn" -o "$T/p.mid" --prime-text "$PRIME" --length 1 --seed 1 -q
head -c 4 "$T/p.mid" | grep -q MThd && ok || bad "p.mid is not a MIDI file"
expect 0 "render the .abc" -- "$S" render "$T/p.abc" -o "$T/p2.mid" -q
cmp -s "$T/p.mid" "$T/p2.mid" && ok || bad "generate .mid differs from render of its .abc"
if "$S" generate "$T/m.srnn" -o "$T/p.wav" --prime-text "$PRIME" --length 1 --seed 1 -q 2>"$T/err"; then
  head -c 4 "$T/p.wav" | grep -q RIFF && ok || bad "p.wav is not a WAV file"
else
  has "$T/err" "FluidSynth\|soundfont" "wav failure is about the synthesizer"
fi

# generated text that does not parse: exit 1 naming OUT:line:col, nothing written
expect 1 "unparsable generation" -- "$S" generate "$T/m.srnn" -o "$T/bad.mid" --prime-text 'X:1\nT:t\nK:W' --length 5 --seed 1 -q
has "$T/err" "bad.mid:3:1: the generated tune does not parse.*unknown key" "parse failure message"
[ ! -e "$T/bad.mid" ] && ok || bad "bad.mid written"

# malformed --prime-text: a character the model has never seen, at its column
expect 1 "prime with unknown character" -- "$S" generate "$T/m.srnn" -o "$T/u.abc" --prime-text 'X:1\nT:caf€' -q
has "$T/err" "prime-text:1:11: character '€' is not in the model's vocabulary" "unknown char message"
expect 1 "prime with a control character" -- "$S" generate "$T/m.srnn" -o "$T/u.abc" --prime-text "$(printf 'X:\001')" -q
has "$T/err" "prime-text:1:3: character byte 0x01" "control char message"
# --prime FILE: an abc file works, a MIDI file is no ABC
expect 0 "prime file" -- "$S" generate "$T/m.srnn" -o "$T/pf.abc" --prime "$T/two.abc" --length 5 --seed 1 -q
head -n 1 "$T/pf.abc" | grep -q "^X:1" && ok || bad "--prime FILE not kept"
expect 1 "prime with a .mid" -- "$S" generate "$T/m.srnn" -o "$T/pm.abc" --prime "$T/p.mid" -q

# --- a notes model given ABC input
if ls "$ROOT/corpora/piano/"*.mid >/dev/null 2>&1; then
  expect 0 "train notes" -- "$S" train "$ROOT/corpora/piano" -o "$T/n.srnn" --hidden 16 --embed 8 --conv 0 --layers 1 --seq-len 16 --batch 4 --epochs 1 --max-seconds 3 --threads 1 -q
  expect 1 "notes model, abc primer" -- "$S" generate "$T/n.srnn" -o "$T/n.mid" --prime "$T/two.abc" -q
  has "$T/err" "two.abc" "notes primer message names the file"
  expect 2 "notes model, --prime-text" -- "$S" generate "$T/n.srnn" -o "$T/n.mid" --prime-text 'X:1' -q
  expect 2 "notes model cannot write .abc" -- "$S" generate "$T/n.srnn" -o "$T/n.abc" -q
  expect 1 "notes model resumed on abc" -- "$S" train "$T/two.abc" -o "$T/n.srnn" --resume -q
  has "$T/err" "mode notes cannot train on abc" "resume message"
fi
expect 1 "abc model resumed on notes" -- "$S" train "$ROOT/corpora/piano" -o "$T/m.srnn" --resume -q

finish abcmode_cli
