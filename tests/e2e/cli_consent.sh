# End to end: assist-cli asks the user of a real assistd (issue 5) and
# shows the answer. Accepted with control (the waiting line's code is the
# one in the user's question, --reason is in it), accepted view only,
# refused (73), no answer (74), busy (75: a second helper while the first
# holds its session, asked nothing), a later request for control accepted
# and refused, the user ending the session on assistd's terminal (tmux),
# the helper leaving with q, SIGTERM and SIGINT (transcript closed
# cleanly), stdin at EOF not ending a session, commands typed on a
# terminal, --reason limits.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"
. "$TOP/tests/e2e/transcript_common.inc"
. "$TOP/tests/e2e/consent_common.inc"
trap 'tmux_cleanup; cleanup' EXIT

EXIT_USAGE=64
EXIT_REFUSED=73
EXIT_NO_ANSWER=74
EXIT_BUSY=75
EXIT_CANCELLED=76
CTDIR="$HHOME/.local/state/assist/transcripts"
DASH=$(printf '\342\200\224')
install_key helper

# Every assistd here has the same host key (the test user's) on another
# port: one known_hosts line under an alias.
ALIAS=assistd-e2e
KNOWN="-F /dev/null -o UserKnownHostsFile=$KH -o StrictHostKeyChecking=yes \
-o HostKeyAlias=$ALIAS"

# ac ARGS...: assist-cli --exit-after-accept (cli) to the assistd on $PORT.
# shellcheck disable=SC2086
ac() { cli $KNOWN "$@" "$TEST_USER@127.0.0.1:$PORT"; }

# live NAME ARGS...: assist-cli staying connected, its stdin the fifo
# $T/NAME.in held open (send NAME LINE types a command), output in
# $T/NAME.out and $T/NAME.err; PID in $LPID (lwait NAME: status in $RC).
live() {
	lname=$1
	shift
	mkfifo "$T/$lname.in"
	# shellcheck disable=SC2086
	env -u SSH_AUTH_SOCK HOME="$HHOME" setsid "$CLI" $KNOWN "$@" \
	    "$TEST_USER@127.0.0.1:$PORT" <>"$T/$lname.in" >"$T/$lname.out" \
	    2>"$T/$lname.err" &
	LPID=$!
	PIDS="$PIDS $LPID"
}
# (bounded: a fifo whose reader is gone would block the writer)
send() { timeout 5 sh -c "printf '%s\n' '$2' >'$T/$1.in'"; }
lwait() {
	if wait_exit "$LPID" "${2:-15}"; then RC=$EXITCODE; else RC=124; fi
}

# says NAME FILE REGEX: ok when a line of FILE matches (ERE).
says() {
	if grep -Eq -- "$3" "$2"; then
		ok "$1"
	else
		notok "$1: no line matches /$3/"
		sed 's/^/# /' "$2" | head -n 20
	fi
}

# newest_ct: the helper's newest transcript.
newest_ct() { ls -t "$CTDIR"/*.log 2>/dev/null | head -n 1; }

# code_said FILE: the verification code on assist-cli's waiting line.
code_said() { sed -n 's/.*verification code \([0-9]*\) (answer.*/\1/p' "$1"; }

# first_line FILE REGEX: number of the first line matching, or 9999.
first_line() {
	n=$(grep -En -- "$2" "$1" | head -n 1 | cut -d: -f1)
	echo "${n:-9999}"
}

# --- 1. accepted with control; the code and the reason reach the user
if ! start_d d1 $AK; then
	notok "assistd d1 did not start"
	exit 1
fi
echo "$ALIAS $HOSTPUB" >"$KH"
Q=$(($(askpass_calls) + 1))
ac --reason "ticket #4711: printer on floor 2"
expect_rc "accepted with control: exit 0" 0
says "... waiting line: whose answer, the code, the time" "$T/cli.out" \
    "^assist-cli: waiting for $TEST_USER to accept $DASH verification code [0-9]{6} \(answer within 60 s\)$"
says "... then accepted: view and control" "$T/cli.out" \
    "^assist-cli: accepted: view and control$"
says "... then the screen channel" "$T/cli.out" \
    "^assist-cli: connected to $TEST_USER@127\.0\.0\.1:$PORT \(RFB 003\.008\)"
w=$(first_line "$T/cli.out" 'waiting for')
a=$(first_line "$T/cli.out" 'accepted:')
c=$(first_line "$T/cli.out" 'connected to')
check "... in that order" sh -c "[ $w -lt $a ] && [ $a -lt $c ]"
CODE=$(code_said "$T/cli.out")
check "... the code shown equals the user's question's ($CODE)" \
    [ -n "$CODE" -a "$CODE" = "$(code_of "$(question $Q)")" ]
check "... the reason is in the user's question" grep -Fq \
    'Reason:      "ticket #4711: printer on floor 2"' "$(question $Q)"
check "... which asks for control" grep -q 'SEE AND CONTROL' \
    "$(question $Q)"
check "... nothing on stderr" [ ! -s "$T/cli.err" ]
wait_exit "$DPID" 10

# --- 2. accepted view only
if start_d d2 $AK; then
	Q=$(($(askpass_calls) + 1))
	ac --view-only
	expect_rc "view only: exit 0" 0
	says "... accepted: view only" "$T/cli.out" \
	    "^assist-cli: accepted: view only$"
	check "... the question asks to see only, no reason given" sh -c \
	    "grep -q 'SEE your screen (view only)' '$(question $Q)' &&
	    grep -q 'Reason:      (none given)' '$(question $Q)'"
	says "... recorded: requested and granted view" "$(newest_ct)" \
	    " event=consent.outcome seq=5 outcome=accepted requested=view mode=view "
	wait_exit "$DPID" 10
else
	notok "assistd d2 did not start"
fi

# --- 3. refused by the user
askpass_answer no
if start_d d3 $AK; then
	ac
	expect_rc "refused: exit $EXIT_REFUSED" $EXIT_REFUSED
	err_has "... one error line" "^assist-cli: refused by the user$"
	check "... after the waiting line" grep -q 'verification code' \
	    "$T/cli.out"
	check "... no screen channel" sh -c "! grep -q 'connected to' '$T/cli.out'"
	F=$(newest_ct)
	says "... recorded: consent.outcome refused" "$F" \
	    " event=consent.outcome seq=5 outcome=refused requested=control "
	says "... cli.stop status=$EXIT_REFUSED" "$F" \
	    " event=cli.stop seq=6 status=$EXIT_REFUSED reason=\"refused by the user\" "
	check "... no session lines" sh -c "! grep -q ' event=session' '$F'"
	wait_exit "$DPID" 10
else
	notok "assistd d3 did not start"
fi

# --- 4. no answer: the server's timeout decides
askpass_answer sleep
if start_d d4 $AK --consent-timeout 2; then
	t0=$(date +%s)
	ac
	t1=$(date +%s)
	expect_rc "no answer: exit $EXIT_NO_ANSWER" $EXIT_NO_ANSWER
	err_has "... says so" "^assist-cli: no answer from the user$"
	says "... the waiting line said 2 s" "$T/cli.out" "\(answer within 2 s\)$"
	check "... after about 2 s ($((t1 - t0)) s)" [ $((t1 - t0)) -le 6 ]
	says "... recorded: consent.outcome timeout" "$(newest_ct)" \
	    " event=consent.outcome seq=5 outcome=timeout requested=control "
	stop "$DPID"
else
	notok "assistd d4 did not start"
fi
askpass_answer yes

# --- 5. busy: a second helper while the first is in session; the first
# then leaves with q
if start_d d5 $AK; then
	live one
	wait_for "$T/one.out" '^assist-cli: connected to ' 15
	says "first helper: accepted, connected, told the commands" \
	    "$T/one.out" "^assist-cli: type q and Enter \(or Ctrl-C\) to leave$"
	n=$(askpass_calls)
	ac
	expect_rc "second helper: busy, exit $EXIT_BUSY" $EXIT_BUSY
	err_has "... says so" "^assist-cli: the user is busy with another helper$"
	check "... the user was not asked" [ "$(askpass_calls)" -eq "$n" ]
	check "... no waiting line" sh -c "! grep -q 'waiting for' '$T/cli.out'"
	says "... recorded: consent.outcome busy" "$(newest_ct)" \
	    " event=consent.outcome seq=4 outcome=busy requested=control "
	check "first helper still connected" kill -0 "$LPID"
	send one q
	lwait one
	check "first helper leaves with q: exit 0" [ "$RC" -eq 0 ]
	says "... saying so" "$T/one.out" "^assist-cli: you left the session$"
	wait_exit "$DPID" 10
	check "assistd saw the helper leave" grep -q \
	    'session ended' "$T/d5.out"
else
	notok "assistd d5 did not start"
fi

# --- 6. view only, then control asked for and granted
if start_d d6 $AK; then
	Q=$(($(askpass_calls) + 1))
	live two --view-only
	wait_for "$T/two.out" '^assist-cli: type c and Enter' 15
	says "view-only session: told how to ask for control" "$T/two.out" \
	    "^assist-cli: type c and Enter to ask for control, q and Enter \(or Ctrl-C\) to leave$"
	send two c
	wait_for "$T/two.out" 'mode changed' 15
	says "c: control asked for" "$T/two.out" \
	    "^assist-cli: asking the user for control$"
	says "... granted by the user" "$T/two.out" \
	    "^assist-cli: mode changed to view and control by the user \(your request was accepted\)$"
	check "... the user was asked again" grep -q 'now asks to CONTROL' \
	    "$(question $((Q + 1)))"
	send two c
	wait_for "$T/two.out" 'already' 10
	says "c again: nothing to ask" "$T/two.out" \
	    "^assist-cli: you have control already$"
	send two q
	lwait two
	check "... leaves: exit 0" [ "$RC" -eq 0 ]
	F=$(newest_ct)
	says "recorded: control.request" "$F" " event=control.request seq=7 chain="
	says "recorded: mode.change to control" "$F" \
	    " event=mode.change seq=8 mode=control by=helper chain="
	says "recorded: session.end, the helper left with q" "$F" \
	    " event=session.end seq=9 reason=helper_left detail=q "
	wait_exit "$DPID" 10
else
	notok "assistd d6 did not start"
fi

# --- 7. control asked for and refused, then asked again and granted
if start_d d7 $AK; then
	Q=$(($(askpass_calls) + 1))
	printf 'no\n' >"$ASKPASS_DIR/answer.$((Q + 1))"
	share "$ASKPASS_DIR/answer.$((Q + 1))"
	live three --view-only
	wait_for "$T/three.out" '^assist-cli: type c and Enter' 15
	send three c
	wait_for "$T/three.out" 'refused control' 15
	says "control refused: said" "$T/three.out" \
	    "^assist-cli: the user refused control$"
	check "... the session goes on" kill -0 "$LPID"
	send three c
	if wait_for "$T/three.out" 'mode changed' 15; then
		ok "asked again: granted this time"
	else
		notok "asked again: granted this time"
		sed 's/^/# /' "$T/three.out" "$T/d7.out" | tail -n 12
	fi
	send three q
	lwait three
	check "... leaves: exit 0" [ "$RC" -eq 0 ]
	says "recorded: control.refused by the user" "$(newest_ct)" \
	    " event=control.refused seq=8 by=user "
	wait_exit "$DPID" 10
else
	notok "assistd d7 did not start"
fi

# --- 8. the user ends the session on assistd's terminal
if tty_assistd d8 "$ASSISTD" --listen 127.0.0.1:0 $AK; then
	live four
	if wait_screen d8 'Answer within' 15; then
		CODE=$(code_said "$T/four.out")
		check "terminal question: the helper's code is on it ($CODE)" \
		    grep -q "Verification code: $CODE " "$T/d8.screen"
		keys d8 c Enter
	else
		notok "terminal question shown"
	fi
	wait_for "$T/four.out" '^assist-cli: connected to ' 15
	says "answered c on the terminal: view and control" "$T/four.out" \
	    "^assist-cli: accepted: view and control$"
	wait_screen d8 'session started' 10
	keys d8 e Enter
	lwait four
	check "the user ends the session: exit 0" [ "$RC" -eq 0 ]
	says "... the helper is told" "$T/four.out" \
	    "^assist-cli: session ended by the user$"
	says "... recorded: session.end user_ended" "$(newest_ct)" \
	    " event=session.end seq=7 reason=user_ended "
	says "... cli.stop status=0" "$(newest_ct)" " event=cli.stop seq=8 status=0 "
else
	notok "assistd d8 did not start on a terminal"
fi

# --- 9. stdin at EOF does not end a session; SIGTERM does, cleanly
if start_d d9 $AK; then
	# shellcheck disable=SC2086
	env -u SSH_AUTH_SOCK HOME="$HHOME" setsid "$CLI" $KNOWN \
	    "$TEST_USER@127.0.0.1:$PORT" </dev/null >"$T/five.out" \
	    2>"$T/five.err" &
	LPID=$!
	PIDS="$PIDS $LPID"
	wait_for "$T/five.out" '^assist-cli: connected to ' 15
	says "stdin /dev/null: told that signals end it" "$T/five.out" \
	    "^assist-cli: Ctrl-C \(or SIGTERM\) leaves the session$"
	sleep 2
	check "... still connected 2 s later" kill -0 "$LPID"
	kill -TERM "$LPID"
	lwait five
	check "SIGTERM: exit 0" [ "$RC" -eq 0 ]
	says "... you left the session" "$T/five.out" \
	    "^assist-cli: you left the session$"
	F=$(newest_ct)
	says "... recorded: session.end helper_left SIGTERM" "$F" \
	    " event=session.end seq=7 reason=helper_left detail=SIGTERM "
	says "... cli.stop status=0, the last line" "$F" \
	    " event=cli.stop seq=8 status=0 chain="
	wait_exit "$DPID" 10
else
	notok "assistd d9 did not start"
fi

# --- 10. SIGINT while the question is on the screen: the helper gives up
askpass_answer sleep
if start_d d10 $AK; then
	live six
	wait_for "$T/six.out" 'waiting for' 15
	kill -INT "$LPID"
	lwait six
	check "SIGINT while waiting: exit $EXIT_CANCELLED" \
	    [ "$RC" -eq $EXIT_CANCELLED ]
	says "... says so" "$T/six.err" \
	    "^assist-cli: you left before the user answered$"
	F=$(newest_ct)
	says "... recorded: consent.outcome cancelled" "$F" \
	    " event=consent.outcome seq=5 outcome=cancelled requested=control detail=SIGINT "
	says "... cli.stop status=$EXIT_CANCELLED" "$F" \
	    " event=cli.stop seq=6 status=$EXIT_CANCELLED "
	stop "$DPID"
else
	notok "assistd d10 did not start"
fi
askpass_answer yes

# --- 11. on a terminal: the commands typed there
if start_d d11 $AK; then
	Q=$(($(askpass_calls) + 1))
	# shellcheck disable=SC2086
	{ sleep 3; printf 'c\n'; sleep 3; printf 'q\n'; sleep 2; } |
	    env -u SSH_AUTH_SOCK HOME="$HHOME" timeout 30 script -qefc \
	    "$(quote_args "$CLI" $KNOWN --view-only "$TEST_USER@127.0.0.1:$PORT")" \
	    /dev/null >"$T/seven.tty" 2>&1
	RC=$?
	check "terminal: c then q typed, exit 0" [ "$RC" -eq 0 ]
	says "... told how to ask for control" "$T/seven.tty" \
	    "type c and Enter to ask for control"
	says "... control granted" "$T/seven.tty" \
	    "assist-cli: mode changed to view and control by the user"
	says "... then left" "$T/seven.tty" "assist-cli: you left the session"
	check "... the user was asked for control" grep -q \
	    'now asks to CONTROL' "$(question $((Q + 1)))"
	wait_exit "$DPID" 10
else
	notok "assistd d11 did not start"
fi

# --- 12. --reason limits: usage errors, before any connection
n=$(ls "$CTDIR" | wc -l)
cli --reason "$(printf '%0201d' 0)" "$TEST_USER@127.0.0.1:1"
expect_rc "--reason of 201 bytes: usage error" $EXIT_USAGE
err_has "... saying how long" "--reason is 201 bytes long \(at most 200\)"
cli --reason "$(printf 'a\nb')" "$TEST_USER@127.0.0.1:1"
expect_rc "--reason with a newline: usage error" $EXIT_USAGE
check "... no transcript for either" [ "$(ls "$CTDIR" | wc -l)" -eq "$n" ]
