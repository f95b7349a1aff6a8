# The session-control channel ("assist-control", common/ctlproto.c) of
# assistd's network process, spoken by tests/helpers/ctl_client (libssh):
# HELLO -> "accepted" with the mode asked for -> the "rfb" channel reads
# the RFB greeting; "rfb" before the acceptance is refused; malformed or
# out-of-order frames (length 0 or over the maximum, unknown type,
# version 2, a server message, a second HELLO, a request for control
# before the acceptance) end the connection with a reason logged that
# names the peer, and the helper is told (STATE ended by error); a busy
# user is a STATE busy; assistd's shutdown is a STATE ended by shutdown
# before the disconnect; the user's no, silence, and answers to a later
# request for control reach the helper as STATEs; a plain "ssh -s rfb"
# gets no RFB byte, and its early bytes go nowhere, before the user's yes
# (the rest of plain "ssh -s rfb" is net_session.sh's). The user answers
# through the test askpass (lib.sh).
. "$TOP/tests/e2e/lib.sh"
CC="$BUILD/tests/ctl_client"

keygen helper
keygen second
cat "$T/helper.pub" "$T/second.pub" >"$T/authorized"
share "$T/authorized"

# cc NAME [-t SECS] ACTION...: runs ctl_client as the helper; output in
# $T/NAME.cc, exit status in $CCRC.
cc() {
	name=$1
	shift
	timeout 30 "$CC" -p "$PORT" -u "$TEST_USER" -i "$T/helper" "$@" \
	    >"$T/$name.cc" 2>&1
	CCRC=$?
}
# has NAME LINE: the client printed exactly LINE.
has() { grep -qxF "$2" "$T/$1.cc"; }
# logged NAME ERE: assistd's log NAME matched ERE (waits up to 5 s).
logged() { wait_for "$T/$1.out" "$2" 5; }

start_assistd a -o AuthorizedKeysFile="$T/authorized" --wait 120 -v ||
	{ notok "assistd starts"; exit 1; }

# 1. "rfb" before the session was accepted (no HELLO yet) is refused;
#    the control channel itself was taken.
cc early ctl rfb
if [ $CCRC -eq 0 ] && has early "ctl ok" && has early "rfb refused" &&
    logged a 'refused subsystem "rfb" from 127\.0\.0\.1 port [0-9]+: the session was not accepted'; then
	ok "rfb before the acceptance refused"
else
	notok "rfb before the acceptance refused (rc=$CCRC): $(cat "$T/early.cc")"
fi
check "no session started by it" sh -c "! grep -q 'session started' '$T/a.out'"

# 2. Bad frames: each ends the connection; the helper reads a STATE
#    "ended" by "error" naming the problem, then the end; assistd logs it
#    with the peer, the monitor records it as the connection's end.
# bad NAME ERE ACTION...: the reason ERE is in the STATE and both logs.
bad() {
	name=$1 why=$2
	shift 2
	cc "$name" ctl "$@" read
	if [ $CCRC -eq 0 ] && grep -Eq "^state ended mode= by=error message=protocol error: $why\$" "$T/$name.cc" &&
	    grep -Eq '^(eof|closed: .*)$' "$T/$name.cc" &&
	    logged a "control channel from 127\.0\.0\.1 port [0-9]+: $why; ending the connection" &&
	    logged a "127\.0\.0\.1 port [0-9]+: connection closed: protocol error on the control channel: $why"; then
		ok "$name ends the connection, reason logged and told"
	else
		notok "$name ends the connection (rc=$CCRC): $(cat "$T/$name.cc")"
	fi
}
bad "frame of length 0" 'frame length out of range \(1\.\.16384\)' \
    raw:0000000001
bad "frame over the maximum" 'frame length out of range \(1\.\.16384\)' \
    raw:00004001
bad "unknown message type" 'unknown message type 3' raw:0000000103
bad "hello with version 2" 'protocol version 2 \(want 1\)' \
    hello-v:2:view
bad "hello with an unknown mode" 'unknown mode in hello' hello:admin
bad "hello with trailing bytes" '1 trailing bytes in message type 1' \
    raw:000000120100000001000000047669657700000000ff
bad "a server message from the helper" 'message type 65 is the server.s' \
    raw:00000015410000000462757379000000000000000000000000
bad "request for control before hello" \
    'request for control before the session was accepted' reqctl
bad "reason over 200 bytes" 'malformed hello' \
    raw:000000e201000000010000000476696577000000d1$(printf '41%.0s' $(seq 209))
check "no session started by any of them" \
    sh -c "! grep -q 'session started' '$T/a.out'"

# 3. A frame split over many writes is reassembled (no HELLO yet: the
#    grace timer is all that waits); a second assist-control channel is
#    refused (a second channel may only be "rfb").
cc split ctl raw:00 raw:00 raw:00 raw:01 raw:03 read
check "frame split over five writes still read" grep -qF \
    'message=protocol error: unknown message type 3' "$T/split.cc"
cc twoctl ctl ctl
if has twoctl "ctl ok" && has twoctl "ctl refused" &&
    logged a 'refused subsystem "assist-control": it must be the first'; then
	ok "second control channel refused"
else
	notok "second control channel refused: $(cat "$T/twoctl.cc")"
fi
stop "$DPID"

# 4. HELLO view -> accepted (view) -> the greeting on "rfb"; the
#    helper's reason travelled; a request for control in a control
#    session is only logged. One session per assistd (main's monitor).
start_assistd b -o AuthorizedKeysFile="$T/authorized" --wait 60 -vv ||
	{ notok "assistd starts"; exit 1; }
cc view ctl hello:view:ticket-4711 wait:accepted rfb
if [ $CCRC -eq 0 ] && has view "state accepted mode=view by= message=" &&
    has view "rfb greeting RFB 003.008"; then
	ok "hello view: accepted (view), then the RFB greeting"
else
	notok "hello view (rc=$CCRC): $(cat "$T/view.cc")"
fi
check "monitor asked with view access" logged b 'helper asks for view access'
check "waiting line (user, 6-digit code, timeout) before the acceptance" \
    sh -c "grep -Exq 'waiting user=$TEST_USER code=[0-9]{6} timeout=60' '$T/view.cc' &&
    [ \$(grep -n '^waiting' '$T/view.cc' | cut -d: -f1) -lt \
      \$(grep -n '^state accepted' '$T/view.cc' | cut -d: -f1) ]"
check "the helper's reason is in the user's question" \
    grep -q 'ticket-4711' "$ASKPASS_DIR/q.1"
check "session started" logged b 'session started'
# the greeting came only after the STATE: its line is later in the output
check "greeting after the acceptance" sh -c \
    "[ \$(grep -n '^state accepted' '$T/view.cc' | cut -d: -f1) -lt \
       \$(grep -n '^rfb greeting' '$T/view.cc' | cut -d: -f1) ]"
wait_exit "$DPID" 10

start_assistd c -o AuthorizedKeysFile="$T/authorized" --wait 60 -vv ||
	{ notok "assistd starts"; exit 1; }
cc control ctl hello:control wait:accepted reqctl rfb hello:view read
if [ $CCRC -eq 0 ] && has control "state accepted mode=control by= message=" &&
    has control "rfb greeting RFB 003.008"; then
	ok "hello control: accepted (control), then the RFB greeting"
else
	notok "hello control (rc=$CCRC): $(cat "$T/control.cc")"
fi
check "request for control in control mode only logged" logged c \
    'ignored a request for control from 127\.0\.0\.1 port [0-9]+: already in control'
if has control "state ended mode= by=error message=protocol error: a second hello" &&
    logged c 'control channel from 127\.0\.0\.1 port [0-9]+: a second hello; ending the connection' &&
    logged c 'connection closed: protocol error on the control channel: a second hello'; then
	ok "a second hello ends the connection, reason logged and told"
else
	notok "a second hello: $(cat "$T/control.cc")"
fi
wait_exit "$DPID" 10

# 5. A busy user: the second helper reads STATE busy, then the end; the
#    first, holding its session, reads STATE ended by shutdown when
#    assistd stops, before the disconnect.
start_assistd d -o AuthorizedKeysFile="$T/authorized" --wait 60 -v ||
	{ notok "assistd starts"; exit 1; }
bg hold "$CC" -t 30 -p "$PORT" -u "$TEST_USER" -i "$T/helper" \
    ctl hello:view wait:accepted read
HOLD=$LASTPID
wait_for "$T/hold.out" '^state accepted' 10
timeout 30 "$CC" -p "$PORT" -u "$TEST_USER" -i "$T/second" \
    ctl hello:control wait:busy read >"$T/busy.cc" 2>&1
CCRC=$?
if [ $CCRC -eq 0 ] && grep -qx 'state busy mode= by= message=the user is busy with another helper' \
    "$T/busy.cc" && grep -Eq '^(eof|closed: .*)$' "$T/busy.cc"; then
	ok "second helper told busy, then the end"
else
	notok "second helper told busy (rc=$CCRC): $(cat "$T/busy.cc")"
fi
kill -TERM "$DPID"
if wait_exit "$HOLD" 10 && [ "$EXITCODE" -eq 0 ] &&
    grep -q '^state ended mode= by=shutdown message=stopped by signal' \
    "$T/hold.out" && grep -Eq '^(eof|closed: .*)$' "$T/hold.out"; then
	ok "shutdown told as STATE ended by shutdown before the end"
else
	notok "shutdown told (rc=$EXITCODE): $(cat "$T/hold.out")"
fi
wait_exit "$DPID" 10

# 6. The user says no; silence (--consent-timeout) is no too.
askpass_answer no
start_assistd e -o AuthorizedKeysFile="$T/authorized" --wait 60 -v ||
	{ notok "assistd starts"; exit 1; }
cc no ctl hello:control wait:refused read
if [ $CCRC -eq 0 ] && has no "state refused mode= by= message=the user refused" &&
    grep -Eq '^(eof|closed: .*)$' "$T/no.cc"; then
	ok "the user's no told as STATE refused, then the end"
else
	notok "the user's no (rc=$CCRC): $(cat "$T/no.cc")"
fi
stop "$DPID"
askpass_answer sleep
start_assistd f -o AuthorizedKeysFile="$T/authorized" --wait 60 -v \
    --consent-timeout 2 || { notok "assistd starts"; exit 1; }
cc silence ctl hello:view wait:timeout read
if [ $CCRC -eq 0 ] &&
    has silence "state timeout mode= by= message=the user did not answer in time"; then
	ok "no answer told as STATE timeout"
else
	notok "no answer (rc=$CCRC): $(cat "$T/silence.cc")"
fi
stop "$DPID"

# 7. A later request for control in a view session: the user is asked
#    again; yes is a STATE mode (control, by the helper), no a STATE
#    control_refused (still view).
rm -f "$ASKPASS_DIR"/answer* "$ASKPASS_DIR"/calls "$ASKPASS_DIR"/q.*
askpass_answer yes
start_assistd g -o AuthorizedKeysFile="$T/authorized" --wait 60 -v ||
	{ notok "assistd starts"; exit 1; }
cc ctlyes ctl hello:view wait:accepted rfb reqctl wait:mode reqctl sleep:300
if [ $CCRC -eq 0 ] && has ctlyes "state accepted mode=view by= message=" &&
    has ctlyes "state mode mode=control by=helper message=" &&
    [ "$(askpass_calls)" -eq 2 ]; then
	ok "control asked later and granted: STATE mode control"
else
	notok "control granted later (rc=$CCRC, $(askpass_calls) questions): $(cat "$T/ctlyes.cc")"
fi
check "a request once in control is not asked" logged g \
    'ignored a request for control from .*: already in control'
wait_exit "$DPID" 10
rm -f "$ASKPASS_DIR"/answer* "$ASKPASS_DIR"/calls "$ASKPASS_DIR"/q.*
printf 'no\n' >"$ASKPASS_DIR/answer.2"
share "$ASKPASS_DIR/answer.2"
start_assistd h -o AuthorizedKeysFile="$T/authorized" --wait 60 -v ||
	{ notok "assistd starts"; exit 1; }
cc ctlno ctl hello:view wait:accepted reqctl wait:control_refused rfb
if [ $CCRC -eq 0 ] &&
    has ctlno "state control_refused mode=view by=user message=" &&
    has ctlno "rfb greeting RFB 003.008"; then
	ok "control refused later: STATE control_refused, session goes on"
else
	notok "control refused later (rc=$CCRC): $(cat "$T/ctlno.cc")"
fi
wait_exit "$DPID" 10

# 8. Plain "ssh -s rfb" while the user takes 3 s to answer: the waiting
#    line at once, no RFB byte before the yes, the helper's early bytes
#    dropped (not forwarded), then the greeting.
rm -f "$ASKPASS_DIR"/answer* "$ASKPASS_DIR"/calls "$ASKPASS_DIR"/q.*
askpass_answer "after 3"
start_assistd i -o AuthorizedKeysFile="$T/authorized" --wait 60 -v ||
	{ notok "assistd starts"; exit 1; }
{ printf 'EARLYBYTES'; sleep 6; } | $SSHC -i "$T/helper" -p "$PORT" \
    -s "$TEST_USER@127.0.0.1" rfb >"$T/plain.out" 2>"$T/plain.err" &
PLAIN=$!
PIDS="$PIDS $PLAIN"
if wait_for "$T/plain.err" '^assistd: waiting for .* to accept; verification code [0-9]{6} \(60 s\)$' 10 &&
    sleep 1 && [ ! -s "$T/plain.out" ]; then
	ok "plain rfb: waiting line, no RFB byte before the yes"
else
	notok "plain rfb waiting: out=$(od -c "$T/plain.out" | head -n 2) err=$(cat "$T/plain.err")"
fi
if wait_exit "$PLAIN" 20 && [ "$EXITCODE" -eq 0 ] &&
    [ "$(od -An -c "$T/plain.out" | tr -d ' \n')" = 'RFB003.008\n' ]; then
	ok "plain rfb: the greeting after the yes, exit 0"
else
	notok "plain rfb greeting (rc=$EXITCODE): $(od -c "$T/plain.out" | head -n 2)"
fi
check "early bytes dropped, not forwarded" logged i \
    'dropped 10 bytes 127\.0\.0\.1 port [0-9]+ sent on "rfb" before the session was granted'
wait_exit "$DPID" 10

# 9. While the user is being asked: "rfb" is refused even after HELLO;
#    a helper who leaves then ends its connection as "helper
#    disconnected" (not as a failed stream).
askpass_answer "after 3"
start_assistd j -o AuthorizedKeysFile="$T/authorized" --wait 60 -v ||
	{ notok "assistd starts"; exit 1; }
cc asking ctl hello:view wait:waiting rfb
if [ $CCRC -eq 0 ] && has asking "rfb refused" &&
    ! grep -q '^state accepted' "$T/asking.cc"; then
	ok "rfb while the user is asked refused"
else
	notok "rfb while the user is asked (rc=$CCRC): $(cat "$T/asking.cc")"
fi
check "helper leaving while asked: helper disconnected" logged j \
    'connection closed: helper disconnected$'
stop "$DPID"
