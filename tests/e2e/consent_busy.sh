# One helper at a time: with the default --max-helpers 1 a second helper
# is told the user is busy, without a question, both while the first
# helper is being asked and while its session runs (the askpass is called
# once). With --max-helpers 2 each helper gets a question of its own, one
# on the screen at a time (the second is asked only after the first was
# answered), and a third is busy.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"
. "$TOP/tests/e2e/consent_common.inc"

# busy_second NAME: the second key's ssh is told busy (ssh exit 1, no RFB
# byte), within a few seconds.
busy_second() {
	timeout 20 $SSHC -i "$T/second" -p "$PORT" -s "$U" rfb </dev/null \
	    >"$T/$1.out" 2>"$T/$1.err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$T/$1.out" ] && grep -q \
	    '^assistd: session refused: the user is busy with another helper$' \
	    "$T/$1.err"; then
		ok "$2"
	else
		notok "$2 (ssh $rc): $(cat "$T/$1.out" "$T/$1.err")"
	fi
}

# 1. While the first helper is being asked (the askpass waits 3 s).
askpass_answer "after 3"
start_assistd b1 $AK --wait 30 || { notok "assistd starts"; exit 1; }
TF=$(tpath b1)
hold h1 helper
H1=$HOLD
i=0
while [ "$(askpass_calls)" -lt 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
busy_second q2 "a second helper while the first is asked: busy, not asked"
check "the askpass was called once" test "$(askpass_calls)" -eq 1
check "the first helper is accepted after its question" greeted h1 10
# 2. While the session runs.
busy_second s2 "a second helper while a session runs: busy, not asked"
check "still one question" test "$(askpass_calls)" -eq 1
check "session.deny busy, twice, for the second helper's connections" test \
    "$(grep -c ' event=session\.deny .* reason="the user is busy with another helper" ' "$TF")" -eq 2
check "one consent.ask in the transcript" test "$(tline_count "$TF" consent.ask)" -eq 1
check "the first session is still alive" kill -0 "$H1"
stop "$H1"
wait_exit "$DPID" 10
check "assistd exits 0" test "$EXITCODE" -eq 0

# 3. --max-helpers 2: two questions, one after the other; a third busy.
askpass_answer "after 1"
N=$(askpass_calls)
start_assistd b2 $AK --wait 30 --max-helpers 2 ||
	notok "assistd --max-helpers 2 starts"
TF=$(tpath b2)
hold m1 helper
M1=$HOLD
i=0
while [ "$(askpass_calls)" -lt $((N + 1)) ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
hold m2 second
M2=$HOLD
i=0
while [ "$(askpass_calls)" -lt $((N + 2)) ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
busy_second m3 "--max-helpers 2: a third helper is busy"
if greeted m1 10 && greeted m2 10; then
	ok "--max-helpers 2: both sessions run"
else
	notok "--max-helpers 2: both sessions run: $(cat "$T/m1.ssh" "$T/m2.ssh")"
fi
check "two questions" test "$(askpass_calls)" -eq $((N + 2))
A1=$(tms "$TF" consent.answer)
ASK2=$(grep -F ' event=consent.ask ' "$TF" | sed -n 2p | cut -d' ' -f1)
A2=$(date -d "$ASK2" +%s%3N)
check "the second question came after the first answer ($A1 <= $A2)" \
    test "$A1" -le "$A2"
check "two session.start" test "$(tline_count "$TF" session.start)" -eq 2
stop "$M1"
stop "$M2"
wait_exit "$DPID" 10
check "assistd exits 0 when both sessions ended" test "$EXITCODE" -eq 0
