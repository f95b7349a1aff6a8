# --persist: assistd serves one session after another, each with its own
# question and its own transcript file, chained (the second file's first
# line names the first file's last chain), until the user stops it (exit
# 0). Without --persist a helper after the first session finds assistd
# gone.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"
. "$TOP/tests/e2e/consent_common.inc"

start_assistd p1 $AK --wait 30 --persist || { notok "assistd starts"; exit 1; }
TF1=$(tpath p1)
(sleep 0.3) | timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb \
    >"$T/s1.out" 2>&1
check "first session served" grep -q '^RFB 003\.008$' "$T/s1.out"
wait_for "$T/p1.out" '^assistd: session transcript .*' 5
i=0
while [ "$(grep -c '^assistd: session transcript ' "$T/p1.out")" -lt 2 ] &&
    [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
TF2=$(sed -n 's/^assistd: session transcript //p' "$T/p1.out" | sed -n 2p)
check "a new transcript file once the session ended" \
    test -n "$TF2" -a -f "$TF2" -a "$TF2" != "$TF1"
check "assistd still runs" kill -0 "$DPID"
(sleep 0.3) | timeout 20 $SSHC -i "$T/second" -p "$PORT" -s "$U" rfb \
    >"$T/s2.out" 2>&1
check "second session served" grep -q '^RFB 003\.008$' "$T/s2.out"
check "two questions" test "$(askpass_calls)" -eq 2
check "different verification codes" test \
    "$(code_of "$(question 1)")" != "$(code_of "$(question 2)")"
sleep 0.5
stop "$DPID"
wait_exit "$DPID" 10
check "stopped by the user: exit 0" test "$EXITCODE" -eq 0
N=$(grep -c '^assistd: session transcript ' "$T/p1.out")
check "three files: two sessions and the one waiting when stopped ($N)" \
    test "$N" -eq 3
TF3=$(sed -n 's/^assistd: session transcript //p' "$T/p1.out" | sed -n 3p)

verify_chain "$TF1"
L1=$LAST_CHAIN
S1=$(tfield "$TF1" assistd.start session)
has "$TF2" "file 2 names file 1's last chain" \
    "event=assistd.start seq=1 prev_session=$S1 prev_chain=$L1 "
verify_chain "$TF2"
L2=$LAST_CHAIN
S2=$(tfield "$TF2" assistd.start session)
has "$TF3" "file 3 names file 2's last chain" \
    "event=assistd.start seq=1 prev_session=$S2 prev_chain=$L2 "
check "file 1: one question, one session, ended by the helper" test \
    "$(tline_count "$TF1" consent.ask) $(tline_count "$TF1" session.start) $(grep -c ' event=session\.end .* reason=helper_left ' "$TF1")" = "1 1 1"
check "file 2: served=1, one question, one session" test \
    "$(tfield "$TF2" assistd.start served) $(tline_count "$TF2" consent.ask) $(tline_count "$TF2" session.start)" = "1 1 1"
check "file 2 ends with the session (no assistd.stop)" test \
    "$(tline_count "$TF2" assistd.stop)" -eq 0
check "file 3: served=2, stopped by signal, status 0" sh -c \
    'grep -q " event=assistd\.start .* served=2 " "$1" &&
    tail -n 1 "$1" | grep -q " event=assistd\.stop .*status=0 "' sh "$TF3"
check "the same pid in every file" test "$(tfield "$TF1" assistd.start pid)" = \
    "$(tfield "$TF3" assistd.start pid)"
conns=$(grep -h ' event=conn\.open ' "$TF1" "$TF2" | sed 's/.* conn=\([0-9]*\) .*/\1/' | tr '\n' ' ')
check "connections numbered on across files ($conns)" test "$conns" = "1 2 "
audit_check "assist-audit verifies the three files and their links" \
    "$TF1" "$TF2" "$TF3"

# Without --persist: one session, then assistd is gone.
start_assistd p2 $AK --wait 30 || notok "assistd starts (no persist)"
(sleep 0.3) | timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb \
    >"$T/s3.out" 2>&1
wait_exit "$DPID" 10
check "without --persist assistd exits 0 after one session" \
    test "$EXITCODE" -eq 0
timeout 10 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/s4.out" 2>&1
check "a later helper finds nobody listening" grep -q 'Connection refused' "$T/s4.out"
