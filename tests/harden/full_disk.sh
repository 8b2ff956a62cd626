#!/usr/bin/env bash
# A full disk (RLIMIT_FSIZE with SIGXFSZ ignored: write() fails with EFBIG, as on ENOSPC) and an
# unwritable folder, for every kind of output: MIDI (roundtrip, generate), WAV (render), model
# (train), CSV (eval, train --history).  Each time: exit status 1, one line
# "songrnn: FILE: ..." naming the output, the old file byte for byte intact, no temporary file
# left behind.
#   full_disk.sh SONGRNN SOURCE_ROOT
set -u
S=$1
ROOT=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

piano=$ROOT/corpora/piano
small=$piano/trad_frere_jacques.mid
big=$piano/bach_prelude_c_bwv846.mid
tiny=(--hidden 8 --layers 1 --embed 8 --conv 0 --seq-len 16 --batch 4 --epochs 1 -q)

# run_limited BYTES OUT CMD...: runs CMD with files limited to BYTES and checks the contract for
# OUT, which must exist beforehand.  prlimit (util-linux) counts bytes; ulimit -f kilobytes.
run_limited() {
  local bytes=$1 out=$2
  shift 2
  checks=$((checks + 1))
  cp "$out" "$T/before"
  if command -v prlimit >/dev/null; then
    (trap '' XFSZ; exec prlimit --fsize="$bytes" -- "$@") >"$T/stdout" 2>"$T/stderr"
  else
    (ulimit -f $(((bytes + 1023) / 1024)); trap '' XFSZ; exec "$@") >"$T/stdout" 2>"$T/stderr"
  fi
  local rc=$?
  check_after "$rc" "$out" "full disk: $*"
}

check_after() {
  local rc=$1 out=$2 what=$3
  [ "$rc" -eq 1 ] || fail "$what: exit status $rc, expected 1"
  grep -q "^songrnn: $out: " "$T/stderr" || fail "$what: no 'songrnn: $out: ...' message: $(head -c 300 "$T/stderr")"
  cmp -s "$out" "$T/before" || fail "$what: the old $out changed"
  local left
  left=$(find "$(dirname "$out")" -name "$(basename "$out").tmp*" | head -n 1)
  [ -z "$left" ] || fail "$what: temporary file left behind: $left"
}

mkdir -p "$T/out"
O=$T/out

# MIDI: roundtrip and generate.
"$S" roundtrip "$small" -o "$O/rt.mid" >/dev/null 2>&1 || fail "roundtrip to make the old file"
[ "$(stat -c %s "$big")" -gt 2048 ] || fail "test input too small"
run_limited 1024 "$O/rt.mid" "$S" roundtrip "$big" -o "$O/rt.mid"

# Model: an old model, then a new training run that cannot save.
"$S" train "$small" -o "$O/m.srnn" "${tiny[@]}" --seed 1 >/dev/null 2>&1 || fail "train to make the old model"
run_limited 4096 "$O/m.srnn" "$S" train "$piano" -o "$O/m.srnn" "${tiny[@]}" --seed 2 --force

# MIDI from generate, with the model above.
"$S" generate "$O/m.srnn" -o "$O/gen.mid" --length 20 --seed 1 -q >/dev/null 2>&1 || fail "generate to make the old file"
run_limited 1024 "$O/gen.mid" "$S" generate "$O/m.srnn" -o "$O/gen.mid" --length 2000 --seed 2 -q

# CSV: eval.
if "$S" eval "$small" --reference "$piano" --format csv -o "$O/e.csv" >/dev/null 2>&1; then
  "$S" eval "$piano" --reference "$piano" --format csv -o "$O/big.csv" >/dev/null 2>&1
  half=$(($(stat -c %s "$O/big.csv") / 2))
  run_limited "$half" "$O/e.csv" "$S" eval "$piano" --reference "$piano" --format csv -o "$O/e.csv"
else
  echo "note: songrnn eval not available; CSV on a full disk skipped"
fi

# WAV: render, when FluidSynth and a soundfont are there.
if "$S" render "$small" -o "$O/r.wav" >/dev/null 2>&1; then
  run_limited 65536 "$O/r.wav" "$S" render "$big" -o "$O/r.wav"
else
  echo "note: no FluidSynth or soundfont; WAV skipped"
fi

# Unwritable folder: as an unprivileged user when we are root (root writes anywhere).
RO=$T/ro
mkdir -p "$RO"
cp "$O/rt.mid" "$O/m.srnn" "$RO/"
[ -f "$O/r.wav" ] && cp "$O/r.wav" "$RO/"
[ -f "$O/e.csv" ] && cp "$O/e.csv" "$RO/"
echo "epoch,old" >"$RO/h.csv"
RW=$T/rw
mkdir -p "$RW"
chmod 777 "$RW"
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  else
    echo "note: root without setpriv; unwritable folder skipped"
    as=()
  fi
else
  chmod 555 "$RO"
  as=(env)
fi
ro_case() {
  local out=$1
  shift
  checks=$((checks + 1))
  cp "$out" "$T/before"
  "${as[@]}" "$@" >"$T/stdout" 2>"$T/stderr"
  check_after $? "$out" "unwritable folder: $*"
}
if [ ${#as[@]} -gt 0 ]; then
  # the inputs, where the unprivileged user can read them (a source tree under /root is not)
  IN=$T/in
  mkdir -p "$IN/piano"
  cp "$piano"/*.mid "$IN/piano/"
  chmod -R a+rX "$IN"
  # so are the sanitizers' suppression files (tools/sanitize): copies it can read
  for var in LSAN_OPTIONS TSAN_OPTIONS; do
    opts=${!var:-}
    supp=$(printf '%s' "$opts" | sed -n 's/.*suppressions=\([^:]*\).*/\1/p')
    if [ -n "$supp" ] && [ -r "$supp" ]; then
      cp "$supp" "$IN/$var.supp"
      chmod a+r "$IN/$var.supp"
      export "$var=${opts/suppressions=$supp/suppressions=$IN/$var.supp}"
    fi
  done
  s_in=$IN/piano/$(basename "$small") b_in=$IN/piano/$(basename "$big")
  ro_case "$RO/rt.mid" "$S" roundtrip "$b_in" -o "$RO/rt.mid"
  ro_case "$RO/m.srnn" "$S" train "$s_in" -o "$RO/m.srnn" "${tiny[@]}"
  ro_case "$RO/h.csv" "$S" train "$s_in" -o "$RW/m.srnn" --history "$RO/h.csv" "${tiny[@]}"
  [ -f "$RO/e.csv" ] && ro_case "$RO/e.csv" "$S" eval "$s_in" --reference "$IN/piano" --format csv -o "$RO/e.csv"
  [ -f "$RO/r.wav" ] && ro_case "$RO/r.wav" "$S" render "$s_in" -o "$RO/r.wav"
fi

echo "full_disk: $checks cases, $fails failures"
[ "$fails" -eq 0 ]
