#!/bin/sh
# songrnn bench end to end, on a small model so it stays fast: the two rates are printed as
# positive numbers, and bad usage exits 2.
exe=$1
out=$("$exe" bench --seconds 0.5 --hidden 32 --embed 16 --conv 16:3 --batch 4 --seq-len 20 -q) || {
    echo "bench failed: $?"; exit 1; }
echo "$out"
for key in train_tokens_per_s generate_tokens_per_s train_peak_rss_mb train_gflops sgemm_gflops; do
    v=$(printf '%s\n' "$out" | sed -n "s/^$key: //p")
    case $v in
        ''|*[!0-9.]*) echo "no number for $key"; exit 1 ;;
    esac
    awk -v v="$v" 'BEGIN { exit !(v > 0) }' || { echo "$key is not positive: $v"; exit 1; }
done
"$exe" bench extra >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "bench with a file argument: exit $rc, expected 2"; exit 1; }
"$exe" bench --seconds x >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "bench --seconds x: exit $rc, expected 2"; exit 1; }
"$exe" bench --help | grep -q seconds || { echo "bench --help does not describe --seconds"; exit 1; }
exit 0
