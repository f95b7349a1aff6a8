#!/bin/sh
# e2e: assist-audit on real transcripts written by the real line builder
# (tests/helpers/tgen): an untouched one verifies; one byte changed, a
# line deleted, two lines swapped, the end cut, each gives FAIL with the
# right line, kind and exit status; chained files in a directory verify
# and a missing middle file or a cut predecessor is reported; hostile
# key IDs cannot forge lines; usage, limits and odd files.
. "$TOP/tests/e2e/lib.sh"

AUDIT="$BUILD/assist-audit"
TGEN="$BUILD/tests/tgen"
D="$T/audit"
mkdir -p "$D"

# audit ARGS...: runs assist-audit; stdout in $T/out, stderr in $T/err,
# status in $RC. Bounded: a hang is a failure.
audit() {
	timeout 60 "$AUDIT" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# expect_fail NAME FILE LINE KIND: the last audit said FILE failed at
# LINE with KIND, on stdout and on stderr, and exited 1.
expect_fail() {
	name=$1 file=$2 line=$3 kind=$4
	if [ "$RC" -ne 1 ]; then
		notok "$name: exit $RC, wanted 1"
	elif ! grep -q "^FAIL file=$file line=$line problem=$kind " "$T/out"
	then
		notok "$name: stdout: $(cat "$T/out")"
	elif ! grep -q "^assist-audit: $file:$line: $kind: " "$T/err"; then
		notok "$name: stderr: $(cat "$T/err")"
	else
		ok "$name"
	fi
}

# tamper NAME SCRIPT: a copy of good.log changed by the shell SCRIPT
# (working on $F), audited.
tamper() {
	F="$D/bad.log"
	cp "$D/good.log" "$F"
	eval "$2"
	audit "$F"
}

"$TGEN" -n 40 "$D/good.log" >/dev/null || notok "tgen"
N=$(wc -l <"$D/good.log")

# --- one file ---------------------------------------------------------
audit "$D/good.log"
check "untouched transcript verifies (exit 0)" test "$RC" -eq 0
check "summary: session, helper, workstation, user, start, duration, \
mode, end" grep -q "^ok file=$D/good.log session=0123456789abcdef \
helper=alice@helpdesk workstation=ws42 user=bob \
start=2026-11-29T12:00:00.137Z duration=754.012s mode=view \
end=helper_left status=0 program=assistd lines=$N\$" "$T/out"
check "nothing on stderr when all is well" test ! -s "$T/err"
audit -q "$D/good.log"
check "-q: nothing printed for a good file" test "$RC" -eq 0 -a ! -s "$T/out"

check "line 17 is a connection (test premise)" \
    sh -c "sed -n 17p '$D/good.log' | grep -q 'event=conn.open .*src=192.0.2.7 '"
tamper "one byte" "sed -i '17s/src=192\.0\.2\.7 /src=192.0.2.8 /' \"\$F\""
expect_fail "one byte changed: altered at line 17" "$D/bad.log" 17 altered
check "the summary still names the session" \
    grep -q "session=0123456789abcdef helper=alice@helpdesk" "$T/out"

tamper "delete" "sed -i '20d' \"\$F\""
expect_fail "line deleted: removed at line 20" "$D/bad.log" 20 removed
check "... says how many" grep -q "1 line removed before this one" "$T/err"

tamper "swap" "awk 'NR==10{h=\$0;next} NR==11{print;print h;next}{print}' \
\"$D/good.log\" >\"\$F\""
expect_fail "two lines swapped: reordered at line 10" "$D/bad.log" 10 \
    reordered

tamper "far swap" "awk 'NR==5{h=\$0; getline; print; next} {print} NR==30{print h}' \
\"$D/good.log\" >\"\$F\""
expect_fail "a line moved down: reordered at line 5" "$D/bad.log" 5 reordered

tamper "truncate" "truncate -s -7 \"\$F\""
expect_fail "end cut inside a line: truncated at line $N" "$D/bad.log" "$N" \
    truncated

tamper "seq" "sed -i '12s/ seq=12 / seq=13 /' \"\$F\""
expect_fail "seq= changed: altered at line 12" "$D/bad.log" 12 altered

tamper "helper" "sed -i 's/helper=alice@helpdesk/helper=mallory/g' \"\$F\""
expect_fail "helper renamed everywhere: altered at the first" "$D/bad.log" \
    "$(grep -n -m1 helper= "$D/good.log" | cut -d: -f1)" altered

tamper "garbage" "printf 'this is not a transcript line at all\n' >>\"\$F\""
expect_fail "a foreign line appended: unparseable" "$D/bad.log" $((N + 1)) \
    unparseable
check "... with the parser's reason" grep -q "time: not of the form" "$T/err"

# --- hostile values -----------------------------------------------------
check "hostile key ID made no extra line" test "$(grep -c \
    '^2026-11-29T[0-9:.]*Z session=0123456789abcdef ' "$D/good.log")" -eq "$N"
check "hostile key ID forged no auth.allow" test "$(grep -c \
    'event=auth.allow' "$D/good.log")" -eq 1
check "grep event=auth.deny finds the denials" test "$(grep -ch \
    'event=auth.deny' "$D"/good.log)" -gt 5
check "the hostile key ID is escaped in one quoted value" grep -q \
    'key_id="mallory\\n2026-01-01T00:00:00.000Z session\\x3dx' "$D/good.log"

# --- incomplete, unreadable, usage -------------------------------------
"$TGEN" -e "$D/running.log" >/dev/null
audit "$D/running.log"
check "no end event: WARN incomplete, exit 2" test "$RC" -eq 2
check "... on stdout" grep -q "^WARN file=$D/running.log \
line=$(wc -l <"$D/running.log") problem=incomplete .* end=incomplete " "$T/out"
audit "$D/good.log" "$D/running.log" "$D/bad.log"
check "a failure outranks an incomplete session (exit 1)" test "$RC" -eq 1

audit "$D/nonexistent.log"
check "missing file: ERROR, exit 3" test "$RC" -eq 3
check "... on stdout" grep -q "^ERROR file=$D/nonexistent.log \
problem=unreadable" "$T/out"
check "... and stderr" grep -q "nonexistent.log: unreadable: No such file" \
    "$T/err"
truncate -s 65M "$D/huge.log"
audit "$D/huge.log" "$D/good.log"
check "file over 64 MiB: ERROR (exit 3), others still checked" \
    test "$RC" -eq 3
check "... says why" grep -q "huge.log: unreadable: larger than the size \
limit" "$T/err"
check "... and the other file is ok" grep -q "^ok file=$D/good.log " "$T/out"
mkfifo "$D/fifo.log"
audit "$D/fifo.log"
check "a FIFO is refused, not waited on (exit 3)" test "$RC" -eq 3
rm -f "$D/fifo.log" "$D/huge.log"

audit
check "no PATH: usage, exit 64" test "$RC" -eq 64
audit -x "$D/good.log"
check "unknown option: exit 64" test "$RC" -eq 64
check "... names it" grep -q "unknown option -x" "$T/err"
audit --help
check "--help: exit 0, usage on stdout" sh -c "[ $RC -eq 0 ] && grep -q \
'^usage: assist-audit \[-q\] \[-v\] PATH' '$T/out'"
audit --version
check "--version" grep -q '^assist-audit [0-9]' "$T/out"
audit -- "$D/good.log"
check "-- ends the options" test "$RC" -eq 0

# --- a directory of chained files ------------------------------------
C="$T/chain"
mkdir -p "$C"
# Names out of time order, to see the output sorted by start time.
A=$("$TGEN" -s aaaaaaaaaaaaaaaa -t 1795953600000 "$C/z-first.log")
B=$("$TGEN" -s bbbbbbbbbbbbbbbb -t 1795957200000 -P "$A" "$C/m-second.log")
"$TGEN" -s cccccccccccccccc -t 1795960800000 -P "$B" "$C/a-third.log" \
    >/dev/null
printf 'not a transcript\n' >"$C/notes.txt"
ln -s "$D/bad.log" "$C/link.log"
mkfifo "$C/pipe.log"
audit "$C"
check "three chained files verify (exit 0)" test "$RC" -eq 0
check "... one ok line each, sorted by start time" test "$(cut -d' ' -f1,2 \
"$T/out" | tr '\n' ' ')" = "ok file=$C/z-first.log ok file=$C/m-second.log \
ok file=$C/a-third.log "
check "... symbolic links, FIFOs and other names skipped" test \
    "$(wc -l <"$T/out")" -eq 3

rm "$C/a-third.log"
audit "$C"
check "two chained files verify (exit 0)" test "$RC" -eq 0

"$TGEN" -s cccccccccccccccc -t 1795960800000 -P "$B" "$C/a-third.log" \
    >/dev/null
mv "$C/m-second.log" "$T/m-second.log"
audit "$C"
expect_fail "middle file removed: the next one reports it missing" \
    "$C/a-third.log" 1 missing
check "... naming the missing session" grep -q "bbbbbbbbbbbbbbbb" "$T/err"

sed '$d' "$T/m-second.log" >"$C/m-second.log"
audit "$C"
expect_fail "last line of the middle file removed: the next link breaks" \
    "$C/a-third.log" 1 broken_link
check "... the cut file itself still verifies" grep -q \
    "^ok file=$C/m-second.log " "$T/out"

rm "$C/z-first.log"
cp "$T/m-second.log" "$C/m-second.log"
audit "$C"
check "oldest file moved away: the rest verify" test "$RC" -eq 0

cp "$D/good.log" "$C/x y.log"
audit "$C"
check "odd file names are quoted on stdout" grep -q '^ok file="[^"]*/x y.log" ' \
    "$T/out"

# --- size and speed -----------------------------------------------------
"$TGEN" -n 150000 "$D/big.log" >/dev/null
audit -v "$D/big.log"
check "a 150000-line (50 MB) transcript verifies" test "$RC" -eq 0
speed=$(sed -n 's/.* bytes in .* ms (\(.*\) MB\/s)$/\1/p' "$T/err")
echo "# verify speed: $speed MB/s ($(wc -c <"$D/big.log") bytes)"
check "-v reports the speed" test -n "$speed"
