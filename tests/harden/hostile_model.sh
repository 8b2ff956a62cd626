#!/usr/bin/env bash
# Model files that declare hostile counts and sizes (hostile_model): `info`, `generate` and
# `train --resume` each exit 0, or 1 with a one-line message naming the file, within 2 s, and
# never crash (under tools/sanitize: no sanitizer report).  A resumed training that did start
# from such a file, because its counts were harmless, is not the point; that it ends is.
#   hostile_model.sh SONGRNN HOSTILE_MODEL SOURCE_ROOT
set -u
S=$1
HOSTILE=$2
ROOT=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
in=$ROOT/corpora/piano/trad_frere_jacques.mid

# A finished run: config, vocabulary, weights, optimizer state, history, primers.
"$S" train "$in" -o "$T/m.srnn" --hidden 16 --layers 1 --embed 8 --seq-len 16 --batch 4 \
  --epochs 1 -q || { echo "FAIL: the first training run failed" >&2; exit 1; }
mkdir "$T/v"
n=$("$HOSTILE" "$T/m.srnn" "$T/v") || { echo "FAIL: hostile_model failed" >&2; exit 1; }
[ "$n" -ge 150 ] || fail "only $n hostile files"

# one command on one file: exit 0 or 1, in time, a message when 1
check() {
  local what=$1 f=$2 name=$3
  shift 3
  timeout 2 "$@" >/dev/null 2>"$T/err"
  local rc=$?
  case $rc in
    0) ;;
    1)
      [ "$(wc -l <"$T/err")" -ge 1 ] && grep -q "^songrnn: .*$name" "$T/err" ||
        fail "$what $(basename "$f"): exit 1 without a message naming the file: $(head -c 300 "$T/err")"
      ;;
    124) fail "$what $(basename "$f"): took more than 2 s" ;;
    *) fail "$what $(basename "$f"): exit status $rc: $(head -c 300 "$T/err")" ;;
  esac
}
refused=0
for f in "$T"/v/*.srnn; do
  check info "$f" "$(basename "$f")" "$S" info "$f"
  grep -q 'damaged\|truncated\|impossible\|out of memory\|not a songrnn' "$T/err" && refused=$((refused + 1))
  rm -f "$T/g.mid"
  check generate "$f" "$(basename "$f")" "$S" generate "$f" -o "$T/g.mid" --length 16 -q
  cp "$f" "$T/r.srnn"
  check "train --resume" "$f" r.srnn "$S" train "$in" -o "$T/r.srnn" --resume --epochs 2 -q
done
# Most of them are damaged, and said so.
[ "$refused" -ge $((n / 2)) ] || fail "only $refused of $n refused by info"
echo "hostile model files: $n, refused by info: $refused, failures: $fails"
[ "$fails" -eq 0 ]
