# assistd's network process refuses everything but one session channel
# with subsystem rfb, with the real OpenSSH client: exec, shell, pty,
# another subsystem, local (-L) and remote (-R) port forwarding, agent
# (-A) and X11 (-X) forwarding, environment, a second session channel.
. "$TOP/tests/e2e/lib.sh"
STALL="$BUILD/tests/tcpstall"

keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
U=$TEST_USER@127.0.0.1

start_assistd r1 -o AuthorizedKeysFile="$T/authorized" --wait 120 ||
	{ notok "assistd starts"; exit 1; }

# expect NAME CLIENT-PATTERN LOG-PATTERN SSH-ARGS...: ssh fails (255),
# says CLIENT-PATTERN, and assistd logged LOG-PATTERN.
expect() {
	name=$1 cpat=$2 lpat=$3
	shift 3
	timeout 20 $SSHC -i "$T/helper" -p "$PORT" "$@" </dev/null \
	    >"$T/x.out" 2>&1
	rc=$?
	if [ $rc -eq 255 ] && grep -q "$cpat" "$T/x.out" &&
	    wait_for "$T/r1.out" "$lpat" 5; then
		ok "$name refused"
	else
		notok "$name refused (rc=$rc): $(cat "$T/x.out")"
	fi
}
expect "exec" "exec request failed on channel 0" 'refused exec "echo hi"' \
    "$U" echo hi
expect "shell" "shell request failed on channel 0" 'refused shell' -T "$U"
expect "pty" "PTY allocation request failed on channel 0" 'refused pty' \
    -tt "$U" true
expect "subsystem sftp" "subsystem request failed on channel 0" \
    'refused subsystem "sftp" \(only "assist-control" and "rfb"\)' -s "$U" sftp
expect "remote port forwarding (-R)" \
    "remote port forwarding failed for listen port" \
    'refused remote port forwarding \(tcpip-forward\)' \
    -N -o ExitOnForwardFailure=yes -R 0:127.0.0.1:"$PORT" "$U"

# -L: ssh listens locally; a connection to it asks assistd for a
# direct-tcpip channel, which is refused.
LPORT=$((20000 + $$ % 20000))
bg fwd $SSHC -i "$T/helper" -p "$PORT" -N -L "$LPORT:127.0.0.1:$PORT" "$U"
FWD=$LASTPID
sleep 1
"$STALL" "$LPORT" 3 1 >"$T/fwdconn.out" 2>&1
if wait_for "$T/fwd.out" 'open failed: administratively prohibited' 5 &&
    wait_for "$T/r1.out" 'refused port forwarding \(direct-tcpip\)' 5; then
	ok "local port forwarding (-L) refused"
else
	notok "local port forwarding (-L) refused: $(cat "$T/fwd.out")"
fi
stop "$FWD"
check "no session started by any of these" \
    sh -c "! grep -q 'session started' '$T/r1.out'"

# A second session channel on one connection (ssh connection sharing):
# the first gets the session, the second is refused.
$SSHC -i "$T/helper" -p "$PORT" -o ControlMaster=yes \
    -o ControlPath="$T/mux" -N "$U" </dev/null >"$T/master.out" 2>&1 &
MASTER=$!
PIDS="$PIDS $MASTER"
i=0
while [ ! -S "$T/mux" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mkfifo "$T/first.in"
exec 3<>"$T/first.in"
ssh -F /dev/null -o ControlPath="$T/mux" -s "$U" rfb <&3 \
    >"$T/first.out" 2>&1 &
FIRST=$!
PIDS="$PIDS $FIRST"
check "first session channel gets the greeting" \
    wait_for "$T/first.out" '^RFB 003\.008$' 10
timeout 20 ssh -F /dev/null -o ControlPath="$T/mux" -s "$U" rfb \
    </dev/null >"$T/second.out" 2>&1
rc=$?
if [ $rc -eq 255 ] && grep -qi 'session.*refused\|open failed' \
    "$T/second.out" && wait_for "$T/r1.out" 'refused a second session channel' 5
then
	ok "second session channel refused"
else
	notok "second session channel refused (rc=$rc): $(cat "$T/second.out")"
fi
check "first session still alive" kill -0 "$FIRST"
exec 3>&-
wait_exit "$FIRST" 10
stop "$MASTER"
wait_exit "$DPID" 10

# Agent (-A) and X11 (-X) forwarding and environment on the session
# itself: each refused, the session goes on.
start_assistd r2 -o AuthorizedKeysFile="$T/authorized" --wait 60
bg agent ssh-agent -D -a "$T/agent.sock"
AGENT=$LASTPID
i=0
while [ ! -S "$T/agent.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
SSH_AUTH_SOCK="$T/agent.sock" DISPLAY=:0 timeout 20 $SSHC -i "$T/helper" \
    -p "$PORT" -A -X -o SetEnv=ASSIST_TEST=1 -s "$U" rfb </dev/null \
    >"$T/fw.out" 2>"$T/fw.err"
rc=$?
check "session still works beside the refusals" \
    sh -c "[ $rc -eq 0 ] && grep -q '^RFB 003.008$' '$T/fw.out'"
check "X11 forwarding (-X) refused" \
    grep -q 'X11 forwarding request failed on channel 0' "$T/fw.err"
check "X11 refusal logged" grep -q 'refused X11 forwarding' "$T/r2.out"
check "agent forwarding (-A) refused" grep -q 'refused agent forwarding' "$T/r2.out"
check "environment refused" grep -q 'refused env ASSIST_TEST' "$T/r2.out"
stop "$AGENT"
