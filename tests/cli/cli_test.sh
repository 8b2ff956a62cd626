#!/bin/sh
# End-to-end checks of the command-line contract (DESIGN §3): exit statuses and one-line
# messages that name the file.  usage: cli_test.sh SONGRNN SOURCE_ROOT
. "$(dirname "$0")/../lib.sh"
expect 0 "version" -- "$S" --version
grep -q '^songrnn [0-9]' "$T/out" || { echo "FAIL: --version output"; fail=$((fail+1)); }
expect 0 "help" -- "$S" --help
expect 2 "no command" -- "$S"
expect 2 "unknown command" -- "$S" frobnicate
expect 0 "tokens --help" -- "$S" tokens --help
expect 0 "roundtrip --help" -- "$S" roundtrip --help
expect 2 "tokens without files" -- "$S" tokens
expect 2 "unknown option" -- "$S" tokens --bogus x.mid
expect 2 "roundtrip without -o" -- "$S" roundtrip x.mid

# missing file, empty folder, folder without MIDI, a non-MIDI file
expect 1 "missing file" -- "$S" tokens "$T/nope.mid"
expect_err "songrnn: $T/nope.mid: " "missing file message"
mkdir "$T/empty"
expect 1 "empty folder" -- "$S" tokens "$T/empty"
expect_err "no MIDI files found" "empty folder message"
printf 'not midi at all' > "$T/empty/bad.mid"
expect 1 "folder with no readable MIDI" -- "$S" tokens "$T/empty"
expect_err "songrnn: $T/empty/bad.mid: " "bad file named"
expect_err "no readable MIDI file" "no readable MIDI message"

# a good file next to a bad one: the good one still counts, the bad one is reported, exit 1
cp "$ROOT/corpora/piano/"*.mid "$T/empty/" 2>/dev/null
if ls "$T/empty/"*.mid >/dev/null 2>&1 && [ "$(ls "$T/empty/"*.mid | wc -l)" -gt 1 ]; then
  expect 1 "mixed folder" -- "$S" tokens -q "$T/empty"
  expect_err "bad.mid" "mixed folder names the bad file"
  [ -s "$T/out" ] || { echo "FAIL: mixed folder printed no tokens"; fail=$((fail+1)); }
  # roundtrip writes into a folder and never leaves temporary files
  rm "$T/empty/bad.mid"
  expect 0 "roundtrip folder" -- "$S" roundtrip -q "$T/empty" -o "$T/rt"
  grep -q '^kept ' "$T/out" || { echo "FAIL: roundtrip summary"; fail=$((fail+1)); }
  n_in=$(ls "$T/empty/"*.mid | wc -l); n_out=$(ls "$T/rt/"*.mid | wc -l)
  [ "$n_in" -eq "$n_out" ] || { echo "FAIL: roundtrip wrote $n_out of $n_in"; fail=$((fail+1)); }
  ls "$T/rt" | grep -q tmp && { echo "FAIL: temporary file left"; fail=$((fail+1)); }
  # an unwritable destination is an error, and the old file stays
  one=$(ls "$T/empty/"*.mid | head -n 1)
  expect 1 "unwritable output" -- "$S" roundtrip -q "$one" -o /nonexistent-dir/x.mid
  expect_err "songrnn: /nonexistent-dir/x.mid: " "unwritable output message"
fi

# other people's MIDI files (tests/midi/edge): a refused one is named with what is wrong, on
# one line; a UTF-8 file name reads; a folder of them reports each refused file and goes on
E="$ROOT/tests/midi/edge"
expect 1 "empty MIDI file" -- "$S" tokens -q "$E/empty.mid"
expect_err "^songrnn: $E/empty.mid: not a MIDI file (the file is empty)\$" "empty file message"
expect 0 "UTF-8 file name" -- "$S" tokens -q "$E/non_ascii_name_ünïcødé_音符.mid"
[ -s "$T/out" ] || bad "UTF-8 file name: no tokens"
expect 1 "edge folder" -- "$S" tokens -q "$E"
expect_err "^songrnn: $E/header_only.mid: no notes (the file has no track" "edge folder message"
if grep -v "^songrnn: $E/[^/]*\.mid: [a-zA-Z]" "$T/err"; then bad "edge folder: other stderr lines"; else ok; fi
[ "$(wc -l < "$T/out")" -ge 50 ] || bad "edge folder: fewer than 50 pieces tokenized"

finish cli_test
