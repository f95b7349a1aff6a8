# Session transcript after a scripted session with the real ssh client:
# grep finds assistd.start, both connections, the wrong key's auth.deny
# with its reason, auth.allow / session.start / session.end for the
# helper, the user's consent (question, code, answer through the test
# askpass), session.start with its mode, session.end (duration of the
# ~1.2 s session, bytes each way), conn.close and
# assistd.stop; every chain recomputes with sha256sum; the file is the
# user's alone; the next session's first line names this one's last.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"

keygen helper
keygen wrong
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
FP=$(ssh-keygen -lf "$T/helper.pub" | cut -d' ' -f2)
WFP=$(ssh-keygen -lf "$T/wrong.pub" | cut -d' ' -f2)

start_assistd s1 -o AuthorizedKeysFile="$T/authorized" --wait 60 ||
	{ notok "assistd starts"; exit 1; }
TF=$(tpath s1)
check "assistd names its transcript under \$XDG_STATE_HOME" \
    test -f "$TF" -a "$(dirname "$TF")" = "$TDIR"

timeout 20 $SSHC -i "$T/wrong" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/wrong.out" 2>&1
check "a wrong key is refused" grep -q 'Permission denied' "$T/wrong.out"
# 1000 bytes from the helper, the session held ~2.5 s (from ssh's start:
# connecting and the consent answer come out of it), then EOF.
(head -c 1000 /dev/zero; sleep 2.5) | timeout 20 $SSHC -i "$T/helper" \
    -p "$PORT" -s "$U" rfb >"$T/sess.out" 2>"$T/sess.err"
rc=$?
check "the helper's session ran (ssh exit 0, got $rc)" test "$rc" -eq 0
wait_exit "$DPID" 10
check "assistd exits 0 after the session" test "$EXITCODE" -eq 0

SID=$(tfield "$TF" assistd.start session)
HKFP=$(sed -n 's/^assistd: created host key \(SHA256:[^ ]*\).*/\1/p' \
    "$T/s1.out")
check "session id is 16 hex digits, in the file name" sh -c \
    'echo "$1" | grep -qx "[0-9a-f]\{16\}" && case "$2" in
    *-"$1".log) true ;; *) false ;; esac' sh "$SID" "$TF"
PRE="session=$SID host=$HOST user=$TEST_USER event="
has "$TF" "assistd.start: first line, version, listen, host key" \
    "${PRE}assistd.start seq=1 prev_session=none prev_chain=none \
version=0.1.0 pid=$DPID listen=127.0.0.1:$PORT hostkey_fp=$HKFP \
policy=$T/authorized drop=none syslog="
check "every line is this session's, host and user" test \
    "$(grep -cF " $PRE" "$TF")" -eq "$(wc -l <"$TF")"
check "conn.open for both connections (source address and port)" test \
    "$(grep -c ' event=conn\.open seq=[0-9]* conn=[12] src=127\.0\.0\.1 src_port=[0-9][0-9]* chain=' "$TF")" -eq 2
has "$TF" "auth.deny of the wrong key, with its reason" \
    "event=auth.deny seq=3 conn=1 ssh_user=$TEST_USER method=publickey \
key_type=ssh-ed25519 key_fp=$WFP reason=\"key $WFP not in $T/authorized\""
has "$TF" "auth.allow names the helper" \
    "event=auth.allow seq=6 conn=2 ssh_user=$TEST_USER method=publickey \
key_type=ssh-ed25519 key_fp=$FP helper=$FP chain="
CODE=$(sed -n 's/^  Verification code: \([0-9]*\) .*/\1/p' "$ASKPASS_DIR/q.1")
check "the user was asked once, with a 6-digit code ($CODE)" sh -c \
    'test "$2" -eq 1 && echo "$1" | grep -qx "[0-9]\{6\}"' \
    sh "$CODE" "$(askpass_calls)"
has "$TF" "consent.ask: the question, its code, how" \
    "event=consent.ask seq=7 conn=2 helper=$FP request=session mode=view \
code=$CODE how=askpass chain="
has "$TF" "consent.answer: view only, through the askpass" \
    "event=consent.answer seq=8 conn=2 helper=$FP answer=view how=askpass chain="
has "$TF" "session.start" "event=session.start seq=9 conn=2 helper=$FP mode=view chain="
has "$TF" "session.end: the helper left, bytes each way" \
    "event=session.end seq=10 conn=2 helper=$FP reason=helper_left \
detail=\"helper ended the session (EOF)\" duration_ms="
check "session.end: 1000 bytes in, the 12-byte greeting out" grep -q \
    ' event=session\.end .* bytes_in=1000 bytes_out=12 chain=' "$TF"
D=$(tfield "$TF" session.end duration_ms)
check "session.end duration_ms is the ~2.5 s held ($D)" \
    test "${D:-0}" -ge 1500 -a "${D:-0}" -lt 10000
has "$TF" "conn.close of the session's connection" \
    "event=conn.close seq=11 conn=2 reason=\"helper ended the session (EOF)\" \
duration_ms="
CD=$(grep -F ' event=conn.close seq=11 ' "$TF" | tr ' ' '\n' |
    sed -n 's/^duration_ms=//p')
check "conn.close duration covers the session ($CD >= $D)" \
    test "${CD:-0}" -ge "${D:-0}"
check "assistd.stop is the last line" sh -c 'tail -n 1 "$1" |
    grep -q " event=assistd\.stop seq=12 reason=\"the session is over; exiting\" status=0 chain="' \
    sh "$TF"
check "grep helper= finds allow, ask, answer, start and end" \
    test "$(grep -cF " helper=$FP " "$TF")" -eq 5
check "every chain recomputes with sha256sum (12 lines)" \
    sh -c '. "$TOP/tests/e2e/transcript_common.inc" 2>/dev/null;
    verify_chain "$1" && test "$NLINES" -eq 12' sh "$TF"
verify_chain "$TF"
check "last-chain holds this session and its last chain" \
    test "$(cat "$STATEF")" = "$SID $LAST_CHAIN"
check "transcript file mode 0600, directory 0700, the user's" test \
    "$(stat -c '%a %U' "$TF") $(stat -c '%a %U' "$TDIR")" = \
    "600 $TEST_USER 700 $TEST_USER"
audit_check "assist-audit verifies the file" "$TF"

# The next assistd: a new file whose first line names this session's
# last line; nobody comes, so it stops with status 2 and says why.
start_assistd s2 -o AuthorizedKeysFile="$T/authorized" --wait 1 ||
	notok "second assistd starts"
wait_exit "$DPID" 10
check "second assistd exits 2 (nobody came)" test "$EXITCODE" -eq 2
TF2=$(tpath s2)
check "a new file" test -f "$TF2" -a "$TF2" != "$TF"
has "$TF2" "its first line names the previous session and its last chain" \
    "event=assistd.start seq=1 prev_session=$SID prev_chain=$LAST_CHAIN "
has "$TF2" "assistd.stop says why, with status 2" \
    "event=assistd.stop seq=2 reason=\"no helper started a session within 1 seconds; exiting\" status=2 chain="
check "the second file verifies" verify_chain "$TF2"
audit_check "assist-audit verifies both files" "$TF" "$TF2"
