# assistd's monitor: cap on unauthenticated connections, login grace
# timer, a crashing network process ends only its own connection,
# concurrent connections do not block a real session, one session then exit.
. "$TOP/tests/e2e/lib.sh"
STALL="$BUILD/tests/tcpstall"

keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"

# 1. --max-startups 3: of 5 stalled connections, 3 get a network process
#    (banner, then dropped by the 3 s grace timer), 2 are closed at once.
start_assistd caps -o AuthorizedKeysFile="$T/authorized" --max-startups 3 \
    --login-grace-time 3 --wait 60
"$STALL" "$PORT" 15 5 >"$T/stall.out"
served=$(grep -c 'banner "SSH-2.0-[^"]*" closed-after' "$T/stall.out")
dropped=$(grep -c 'banner "" closed-after' "$T/stall.out")
check "3 of 5 connections served under --max-startups 3" [ "$served" -eq 3 ]
check "2 of 5 connections dropped at once" [ "$dropped" -eq 2 ]
late=$(awk '/SSH-2.0/ {print $NF}' "$T/stall.out" | sort -n | tail -n 1)
early=$(awk '/SSH-2.0/ {print $NF}' "$T/stall.out" | sort -n | head -n 1)
if [ -n "$early" ] && [ "$early" -ge 2500 ] && [ "$late" -le 9000 ]; then
	ok "stalled connections dropped by the grace timer (${early}..${late} ms)"
else
	notok "stalled connections dropped by the grace timer: $(cat "$T/stall.out")"
fi
check "cap logged" grep -q 'too many unauthenticated connections' "$T/caps.out"
stop "$DPID"

# 2. A network process that crashes ends only its own connection; while
#    two connections stall, a real helper gets a session at once.
start_assistd crash -o AuthorizedKeysFile="$T/authorized" --wait 60
bg stall2 "$STALL" "$PORT" 30 2
spid=$LASTPID
wait_for "$T/crash.out" 'network process [0-9]+' 10
victim=$(sed -n 's/.*: network process \([0-9]*\)$/\1/p' "$T/crash.out" | head -n 1)
kill -SEGV "$victim" 2>/dev/null
check "crash of a network process is reported" \
    wait_for "$T/crash.out" "network process $victim died from signal 11" 10
start=$(date +%s)
timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$TEST_USER@127.0.0.1" rfb \
    </dev/null >"$T/greeting" 2>"$T/ssh.err"
took=$(($(date +%s) - start))
if head -c 12 "$T/greeting" | grep -q '^RFB 003.008$'; then
	ok "session works after a crash and beside stalled connections (${took}s)"
else
	notok "session works after a crash: $(cat "$T/ssh.err")"
fi
check "session did not wait for the stalled connections" [ "$took" -le 5 ]
# 3. One session, then assistd exits by itself with status 0.
if wait_exit "$DPID" 15 && [ "$EXITCODE" -eq 0 ]; then
	ok "assistd exits after one session"
else
	notok "assistd exits after one session (rc=$EXITCODE): $(tail -n 5 "$T/crash.out")"
fi
stop "$spid"
