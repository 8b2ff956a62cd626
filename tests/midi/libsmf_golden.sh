#!/bin/sh
# The MIDI writer against libsmf 1.3, an independent implementation: tests/midi/data/libsmf/
# holds what `songrnn render` wrote while it wrote through libsmf (a 3/4 piece, a plain one,
# tabla on the drum channel, an ABC tune with its chords, a piece at another tempo and
# program).  Our own writer must give the same bytes.
#   libsmf_golden.sh SONGRNN SOURCE_ROOT
S=$1
ROOT=$2
G=$ROOT/tests/midi/data/libsmf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() {
  want=$1
  shift
  "$S" render "$@" -o "$T/out.mid" -q || { echo "FAIL: render $*" >&2; fails=$((fails + 1)); return; }
  cmp "$T/out.mid" "$G/$want" >/dev/null ||
    { echo "FAIL: render $* differs from $want: $(cmp "$T/out.mid" "$G/$want")" >&2; fails=$((fails + 1)); }
  rm -f "$T/out.mid"
}
check satie_gymnopedie_1.mid "$ROOT/corpora/piano/satie_gymnopedie_1.mid"
check trad_frere_jacques.mid "$ROOT/corpora/piano/trad_frere_jacques.mid"
check theka_teentaal.mid "$ROOT/corpora/tabla/theka_teentaal.bol"
check waltzes-1.mid "$ROOT/corpora/abc/waltzes.abc" --tune 1
check bach_prelude_organ_90.mid "$ROOT/corpora/piano/bach_prelude_c_bwv846.mid" --tempo 90 --program 19
[ "$fails" -eq 0 ]
