# End to end: assist-cli against a hostile or broken server on the
# control channel. The server is tests/helpers/pump_server (a real libssh
# server built from the same pump code as assistd) answering assist-cli's
# HELLO with bytes written here: frames of bad length, a bad code, a
# message only clients send, a state at the wrong time, escape sequences
# in server text, silence after WAITING, and a refused rfb channel after
# acceptance; and a server without the control channel at all (an older
# assistd). Each ends with one clear error line and its own exit
# status, nothing hangs, nothing reaches the terminal unescaped, and the
# helper's transcript says what happened.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

EXIT_SESSION=71
EXIT_REFUSED=73
EXIT_NO_ANSWER=74
SERVER="$BUILD/tests/pump_server"
CTDIR="$HHOME/.local/state/assist/transcripts"
keygen host
keygen helperkey
install_key helperkey
echo "badserver $(cut -d' ' -f1,2 "$T/host.pub")" >"$KH"

# Frames in hex, by hand from ctlproto.h (so that a mistake in ctl_encode
# cannot hide here): u32 length, u8 type, body.
hexbytes() {
	h=$1 out=""
	while [ -n "$h" ]; do
		b=${h%"${h#??}"}
		h=${h#??}
		out="$out\\$(printf '%03o' "0x$b")"
	done
	# shellcheck disable=SC2059
	printf "$out"
}
u32() { printf '%08x' "$1"; }
str() { u32 "${#1}"; printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
# frame TYPE BODYHEX: the frame in hex.
frame() { u32 $((1 + ${#2} / 2)); printf '%02x%s' "$1" "$2"; }
WAITING=64
STATE=65
state() { frame $STATE "$(str "$1")$(str "$2")$(str "$3")$(str "$4")"; }

# bad NAME HEX ARGS...: pump_server replying HEX to the HELLO, then
# assist-cli ARGS... (exit status in $RC, the transcript in $F).
bad() { scripted -r "$@"; }
# old NAME HEX ARGS...: the same with a server that refuses the control
# channel and sends HEX on the rfb subsystem (an older assistd).
old() { scripted -R "$@"; }
scripted() {
	sflag=$1
	bname=$2
	hexbytes "$3" >"$T/$bname.reply"
	shift 3
	bg "$bname" "$SERVER" -k "$T/host" -a "$T/helperkey.pub" \
	    -l 127.0.0.1 -p 0 -t 60 "$sflag" "$T/$bname.reply"
	SPID=$LASTPID
	if ! wait_for "$T/$bname.out" '^listening on 127\.0\.0\.1:' 10; then
		notok "$bname: pump_server did not start"
		RC=-1
		return
	fi
	SPORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	    "$T/$bname.out")
	cli -F /dev/null -o UserKnownHostsFile="$KH" \
	    -o StrictHostKeyChecking=yes -o HostKeyAlias=badserver "$@" \
	    "u@127.0.0.1:$SPORT"
	F=$(ls -t "$CTDIR"/*.log | head -n 1)
	stop "$SPID"
}

# one_error NAME TEXT: stderr is exactly one line, "assist-cli: TEXT".
one_error() {
	if [ "$(wc -l <"$T/cli.err")" -eq 1 ] &&
	    grep -Fxq -- "assist-cli: $2" "$T/cli.err"; then
		ok "$1"
	else
		notok "$1: want the one line \"assist-cli: $2\""
		sed 's/^/# /' "$T/cli.err" | head -n 10
	fi
}

# in_ct NAME REGEX: a line of the newest helper transcript matches.
in_ct() {
	if grep -Eq -- "$2" "$F"; then
		ok "$1"
	else
		notok "$1: no line matches /$2/"
		sed 's/^/# /' "$F" | cut -c1-200
	fi
}

[ -x "$SERVER" ] || { notok "test helper $SERVER missing"; exit 1; }

bad zero "00000000"
expect_rc "frame of length 0: session failed" $EXIT_SESSION
one_error "... said once" "protocol error: a control frame of length 0 or over 16384 bytes"
in_ct "... recorded as consent.outcome error" \
    " event=consent.outcome seq=4 outcome=error requested=control detail=\"protocol error: a control frame"
in_ct "... then cli.stop status=$EXIT_SESSION" " event=cli.stop seq=5 status=$EXIT_SESSION "

bad huge "ffffffff41"
expect_rc "frame of length 2^32-1: session failed" $EXIT_SESSION
one_error "... said once" "protocol error: a control frame of length 0 or over 16384 bytes"

bad code "$(frame $WAITING "$(str bob)$(str 12ab)$(u32 60)")"
expect_rc "verification code with letters: session failed" $EXIT_SESSION
one_error "... said once" "protocol error on the control channel: bad user name or code in waiting message"
check "... no waiting line shown" sh -c "! grep -q 'waiting for' '$T/cli.out'"

bad hello "$(frame 1 "$(u32 1)$(str control)$(str '')")"
expect_rc "a HELLO from the server: session failed" $EXIT_SESSION
one_error "... said once" "protocol error: assistd sent control message type 1, which only assist-cli sends"

bad early "$(state mode control user '')"
expect_rc "a mode change before the answer: session failed" $EXIT_SESSION
one_error "... said once" "protocol error: assistd sent state \"mode\" at the wrong time"

ESC=$(printf '\033')
bad hostile "$(state ended '' error "$ESC]0;owned$(printf '\007')
assist-cli: accepted")"
expect_rc "ended with escape sequences in the message: session failed" \
    $EXIT_SESSION
check "... no escape byte reaches the terminal" sh -c \
    "! grep -q \"\$(printf '\\033')\" '$T/cli.err' '$T/cli.out'"
check "... one line, escaped" sh -c "[ \$(wc -l <'$T/cli.err') -eq 1 ] &&
    grep -Fq 'session ended by assistd after an error:' '$T/cli.err' &&
    grep -Fq 'owned' '$T/cli.err'"
in_ct "... recorded: consent.outcome ended, the message escaped" \
    " event=consent.outcome seq=4 outcome=ended requested=control detail=\"\\\\x1b\\]0;owned\\\\x07\\\\nassist-cli: accepted\" "

bad refused "$(frame $WAITING "$(str bob)$(str 000042)$(u32 60)")$(state refused '' '' "$ESC[2J")"
expect_rc "refused (with a hostile message): exit $EXIT_REFUSED" \
    $EXIT_REFUSED
one_error "... the fixed words only" "refused by the user"
check "... after the waiting line with the code" grep -Fq \
    "verification code 000042 (answer within 60 s)" "$T/cli.out"

# Silence after WAITING: assist-cli's own bound is assistd's limit (1 s)
# plus 15 s.
t0=$(date +%s)
bad silent "$(frame $WAITING "$(str bob)$(str 123456)$(u32 1)")"
t1=$(date +%s)
expect_rc "silence after the question: no answer" $EXIT_NO_ANSWER
one_error "... saying whose silence" \
    "no answer from the user (assistd said nothing 15 s after its 1 s limit)"
check "... after 16 s, not the connect timeout ($((t1 - t0)) s)" \
    [ $((t1 - t0)) -ge 15 -a $((t1 - t0)) -le 25 ]
in_ct "... recorded: consent.outcome timeout" \
    " event=consent.outcome seq=5 outcome=timeout requested=control "

# Accepted, but the rfb channel is refused (pump_server takes one channel).
bad norfb "$(frame $WAITING "$(str bob)$(str 123456)$(u32 60)")$(state accepted view '' '')" \
    --view-only
expect_rc "accepted, then no rfb channel: session failed" $EXIT_SESSION
err_has "... said" "^assist-cli: the server refused the session channel"
check "... after accepted: view only" grep -q \
    '^assist-cli: accepted: view only$' "$T/cli.out"
in_ct "... recorded: accepted, then session.deny" \
    " event=consent.outcome seq=5 outcome=accepted requested=view mode=view "
in_ct "... session.deny with the reason" " event=session.deny seq=6 reason="

# An older assistd: no control channel; the rfb subsystem on the same
# channel, with a warning, no consent lines.
GREETING=$(printf 'RFB 003.008\n' | od -An -tx1 | tr -d ' \n')
old legacy "$GREETING"
expect_rc "no control channel: the screen channel directly" 0
err_has "... with a warning" \
    "^assist-cli: warning: u@127\.0\.0\.1:$SPORT offers no session control \(an older assistd\?\); its screen channel was opened directly$"
check "... connected" grep -q '(RFB 003.008)' "$T/cli.out"
check "... nothing of a question" sh -c "! grep -Eq 'waiting|accepted' '$T/cli.out'"
in_ct "... recorded: session.start control=none, right after auth.allow" \
    " event=session.start seq=4 subsystem=rfb control=none chain="
old oldbad "$(printf 'RFB 003.003\n' | od -An -tx1 | tr -d ' \n')"
expect_rc "no control channel, wrong greeting: session failed" \
    $EXIT_SESSION
err_has "... saying both, on one line" \
    "^assist-cli: unexpected greeting \"RFB 003\.003[^\"]*\" \(want RFB 003\.008\) \(after refusing subsystem \"assist-control\"\)$"
check "... only that line" [ "$(wc -l <"$T/cli.err")" -eq 1 ]
