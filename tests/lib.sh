# Shared by the end-to-end shell tests: sourced after the script's own comment, with the
# script's arguments SONGRNN SOURCE_ROOT.  Gives S (the binary), ROOT (the source tree), T (a
# scratch folder removed at exit), the counters pass/fail and these checks; the script ends
# with `finish NAME`.
set -u
S=$1
ROOT=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
expect() { # expect STATUS WHAT -- command...: the exit status; stdout/stderr in $T/out, $T/err
  want=$1; what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, wanted $want"; cat "$T/err"; fi
}
expect_err() { # expect_err PATTERN WHAT: the last command's stderr matches
  if grep -q -- "$1" "$T/err"; then ok; else bad "$2: stderr lacks '$1':"; cat "$T/err"; fi
}
has() { # has FILE PATTERN WHAT
  if grep -q -- "$2" "$1"; then ok; else bad "$3: no '$2' in:"; cat "$1"; fi
}
finish() { # finish NAME: the closing line and the status
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
