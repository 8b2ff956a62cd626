#!/usr/bin/env bash
# SIGKILL while training saves: `songrnn train` (tiny network, corpora/piano, a save after every
# epoch) is killed with SIGKILL again and again, half the time at a random moment and half the
# time as soon as its temporary model file appears (that is, in the middle of a save).  After
# each kill the model file must be absent or load (`songrnn info` exits 0): never damaged.
# Finally `train --resume` goes on from what the kills left, and its save removes the temporary
# file a killed save left behind.
#   kill_save.sh SONGRNN SOURCE_ROOT [ROUNDS]
set -u
S=$1
ROOT=$2
ROUNDS=${3:-30}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
M=$T/m.srnn
# A model of a few MB, so that a save takes long enough to be hit.
args=("$ROOT/corpora/piano/trad_frere_jacques.mid" -o "$M" --hidden 256 --layers 1 --embed 64 --conv 0 --seq-len 16
      --batch 4 --epochs 100000 --threads 1 --history "$T/h.csv" -q)
fails=0 present=0 mid_save=0
RANDOM=7
for ((i = 1; i <= ROUNDS; i++)); do
  rm -f "$T"/m.srnn.tmp*
  if [ -f "$M" ]; then # the model keeps its settings; only the epochs go on
    "$S" train "${args[0]}" -o "$M" --resume --epochs 100000 --threads 1 --history "$T/h.csv" -q \
      >/dev/null 2>"$T/err" &
  else
    "$S" train "${args[@]}" >/dev/null 2>"$T/err" &
  fi
  pid=$!
  if ((i % 2)); then
    # A random moment in the first 1.5 s (startup, training, saving).
    sleep "$((RANDOM % 1500 / 1000)).$(printf %03d $((RANDOM % 1000)))"
  else
    # The moment a save has begun: its temporary file exists.
    start=$SECONDS
    while ((SECONDS - start < 10)); do
      compgen -G "$M.tmp*" >/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
    done
  fi
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if compgen -G "$M.tmp*" >/dev/null; then
    mid_save=$((mid_save + 1)) # the kill landed inside a save
  fi
  if [ -e "$M" ]; then
    present=$((present + 1))
    if ! "$S" info "$M" >"$T/info" 2>&1; then
      echo "FAIL: round $i: the model is damaged after SIGKILL: $(head -n 2 "$T/info")" >&2
      cp "$M" "$T/../songrnn-damaged-model.srnn" 2>/dev/null
      fails=$((fails + 1))
    fi
  fi
done
# Training goes on from whatever the kills left; a killed writer's temporary file (the last
# round's, or one made under the PID of a killed run) is gone after the next save.
compgen -G "$M.tmp*" >/dev/null || : >"$M.tmp.$pid"
if [ -e "$M" ]; then
  ep=$("$S" info "$M" | awk '/^progress:/ {print $2}')
  "$S" train "$ROOT/corpora/piano/trad_frere_jacques.mid" -o "$M" --resume --epochs $((ep + 1)) -q >"$T/out" 2>&1 ||
    { echo "FAIL: --resume after the kills: $(head -n 3 "$T/out")" >&2; fails=$((fails + 1)); }
  "$S" info "$M" >/dev/null 2>&1 || { echo "FAIL: model after --resume does not load" >&2; fails=$((fails + 1)); }
  if compgen -G "$M.tmp*" >/dev/null; then
    echo "FAIL: a killed save's temporary file is still there: $(compgen -G "$M.tmp*")" >&2
    fails=$((fails + 1))
  fi
fi
echo "kill_save: $ROUNDS kills, model present after $present, $mid_save kills inside a save, $fails damaged"
[ "$present" -gt 0 ] || { echo "FAIL: no kill came after a save" >&2; fails=$((fails + 1)); }
[ "$mid_save" -gt 0 ] || { echo "FAIL: no kill landed inside a save" >&2; fails=$((fails + 1)); }
[ "$fails" -eq 0 ]
