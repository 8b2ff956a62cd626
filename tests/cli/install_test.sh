#!/bin/sh
# meson install into a DESTDIR, then the installed songrnn renders a .bol with the tabla
# soundfont it installed (bin/../share/songrnn/tabla.sf2): a WAV that is not silent.
#   install_test.sh BUILD_ROOT SOURCE_ROOT
B=$1
ROOT=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
meson install -C "$B" --destdir "$T/d" --no-rebuild --quiet >"$T/log" 2>&1 ||
  { echo "FAIL: meson install: $(tail -n 5 "$T/log")" >&2; exit 1; }
bin=$(find "$T/d" -type f -name songrnn -perm -u+x | head -n 1)
sf=$(find "$T/d" -type f -path '*/share/songrnn/tabla.sf2' | head -n 1)
[ -n "$bin" ] || { echo "FAIL: no songrnn installed" >&2; exit 1; }
[ -n "$sf" ] || { echo "FAIL: tabla.sf2 not installed under share/songrnn" >&2; exit 1; }
[ "$(dirname "$(dirname "$bin")")" = "$(dirname "$(dirname "$(dirname "$sf")")")" ] ||
  { echo "FAIL: $bin and $sf are not under one prefix" >&2; exit 1; }
"$bin" render "$ROOT/corpora/tabla/theka_teentaal.bol" -o "$T/t.wav" -q 2>"$T/err"
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'FluidSynth' "$T/err"; then
  echo "built without FluidSynth: skipped" >&2
  exit 77
fi
[ "$rc" -eq 0 ] || { echo "FAIL: render exit $rc: $(cat "$T/err")" >&2; exit 1; }
# not silent: some 16-bit sample beyond +-1000 after the 44-byte header
od -An -v -t d2 -j 44 "$T/t.wav" | tr -s ' ' '\n' |
  awk 'function abs(x) { return x < 0 ? -x : x } abs($1) > 1000 { loud++ } END { exit !(loud > 100) }' ||
  { echo "FAIL: the WAV is silent" >&2; exit 1; }
