#!/bin/sh
# songrnn info: a model's summary; damaged, foreign and missing files give exit 1 and one line
# "songrnn: FILE: ..."; no argument is a usage error (2).
#   info_test.sh SONGRNN MAKE_MODEL
set -u
SONGRNN=$1
MAKE_MODEL=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
check() { # check DESCRIPTION CONDITION...
    d=$1; shift
    if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi
}

"$MAKE_MODEL" "$dir/m.srnn" || { echo "FAIL: make_model" >&2; exit 1; }

"$SONGRNN" info "$dir/m.srnn" >"$dir/out" 2>"$dir/err"
check "info exits 0" test $? -eq 0
check "no stderr" test ! -s "$dir/err"
# 12*4 + (3*2*4 + 3) + [3*5*(3+5) + 6*5] + [3*5*(5+5) + 6*5] + 12*5 + 12 = 48+27+150+180+72 = 477
check "parameter count" grep -q '^parameters: *477 ' "$dir/out"
check "mode" grep -q '^mode: *abc$' "$dir/out"
check "vocabulary" grep -q '^vocabulary: *12 tokens$' "$dir/out"
check "network" grep -q '^network: .*embedding 4, conv 3:2 + ReLU, 2 x GRU 5, dropout 0.3, dense 12$' "$dir/out"
check "progress" grep -q '^progress: *3 epochs, 1,234 steps; optimizer state saved' "$dir/out"
check "history" grep -q '^history: *3 epochs, 33.5 s, 3,000 training tokens$' "$dir/out"
check "best epoch" grep -q '^best epoch: *2 (val loss 1.9000' "$dir/out"
check "history rows" test "$(grep -c '^ *[123] ' "$dir/out")" -eq 3

# Truncated, flipped, foreign, missing: exit 1, one line naming the file.
size=$(wc -c <"$dir/m.srnn")
head -c $((size - 10)) "$dir/m.srnn" >"$dir/cut.srnn"
cp "$dir/m.srnn" "$dir/flip.srnn"
printf 'Z' | dd of="$dir/flip.srnn" bs=1 seek=100 conv=notrunc 2>/dev/null
printf 'MThd\000\000\000\006\000\000\000\001\001\340' >"$dir/foreign.mid"
for f in cut.srnn flip.srnn foreign.mid missing.srnn; do
    "$SONGRNN" info "$dir/$f" >"$dir/out" 2>"$dir/err"
    rc=$?
    check "$f: exit 1 (got $rc)" test $rc -eq 1
    check "$f: one line on stderr" test "$(wc -l <"$dir/err")" -eq 1
    check "$f: names the file" grep -q "^songrnn: $dir/$f: " "$dir/err"
done
grep -q 'truncated' "$dir/err" 2>/dev/null || :
"$SONGRNN" info "$dir/cut.srnn" 2>&1 | grep -q 'truncated' || { echo "FAIL: cut message" >&2; fail=1; }
"$SONGRNN" info "$dir/flip.srnn" 2>&1 | grep -q 'checksum' || { echo "FAIL: flip message" >&2; fail=1; }
"$SONGRNN" info "$dir/foreign.mid" 2>&1 | grep -q 'not a songrnn model file' || { echo "FAIL: foreign message" >&2; fail=1; }

# Several files: the bad one sets exit 1, the good one is still shown.
"$SONGRNN" info "$dir/m.srnn" "$dir/cut.srnn" >"$dir/out" 2>/dev/null
check "mixed: exit 1" test $? -eq 1
check "mixed: good one shown" grep -q '^parameters: *477 ' "$dir/out"

"$SONGRNN" info >/dev/null 2>&1
check "no argument: exit 2" test $? -eq 2
"$SONGRNN" info --help >"$dir/out" 2>&1
check "--help: exit 0" test $? -eq 0
"$SONGRNN" info --bogus "$dir/m.srnn" >/dev/null 2>&1
check "unknown option: exit 2" test $? -eq 2

exit $fail
