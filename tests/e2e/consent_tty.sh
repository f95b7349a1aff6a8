# Consent on assistd's terminal (a tmux pane is its controlling terminal;
# keys are typed into it): "v" Enter accepts view only; during the
# session "e" Enter ends it, the helper's ssh is told "session ended by
# the user", the transcript says reason=user_ended, assistd exits 0. An
# empty line refuses, "c" is not an answer to a view-only request
# (refuses), silence refuses at --consent-timeout (the terminal says so),
# a helper who leaves while asked withdraws the question (the terminal
# says so). With a terminal, SSH_ASKPASS is not used unless --gui. A
# control request with a reason (the control channel): "c" accepts with
# control, "v" takes it back, a later request asked again, "e" ends it.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"
. "$TOP/tests/e2e/consent_common.inc"

if ! command -v tmux >/dev/null 2>&1; then
	notok "tmux is missing (scripts/install-deps installs it)"
	exit 1
fi
trap 'tmux_cleanup; cleanup' EXIT

# ask_ssh NAME KEY: a helper that asks and waits (stdin /dev/null), in the
# background; PID in $ASKER.
ask_ssh() {
	$SSHC -i "$T/$2" -p "$PORT" -s "$U" rfb </dev/null >"$T/$1.out" \
	    2>"$T/$1.err" &
	ASKER=$!
	PIDS="$PIDS $ASKER"
}

# refused_by NAME WHY TEXT: the asker NAME ended with "session refused: WHY".
refused_by() {
	if wait_exit "$ASKER" 15 && [ "$EXITCODE" -eq 1 ] && [ ! -s "$T/$1.out" ] &&
	    grep -qxF "assistd: session refused: $2" "$T/$1.err"; then
		ok "$3"
	else
		notok "$3 (ssh $EXITCODE): $(cat "$T/$1.out" "$T/$1.err")"
	fi
}

# 1. Accept view only, then end the session from the terminal.
tty_assistd d1 "$ASSISTD" --listen 127.0.0.1:0 $AK --wait 60 ||
	{ notok "assistd starts on a terminal"; exit 1; }
TF=$(tpath d1)
check "assistd says it will ask on this terminal" \
    grep -q 'you will be asked on this terminal (60 s to answer)' "$T/d1.out"
hold h1 helper
H1=$HOLD
if wait_screen d1 '^Answer within 60 s: v Enter = accept view only, Enter = refuse:' 10; then
	ok "the question is on the terminal"
else
	notok "the question is on the terminal: $(cat "$T/d1.screen")"
fi
check "the question names the key and the code" sh -c \
    'grep -q "^  Key:         ssh-ed25519 $1$" "$2" &&
    grep -q "^  Verification code: [0-9]\{6\} " "$2"' sh "$FP" "$T/d1.screen"
check "no RFB byte before the answer" test ! -s "$T/h1.ssh" -o \
    "$(grep -c RFB "$T/h1.ssh")" -eq 0
keys d1 v Enter
check "v Enter: the helper gets the greeting" greeted h1 10
if wait_screen d1 'session started with "SHA256:.*" \(connection 1\), view only\. Type e Enter to end it\.' 5; then
	ok "the terminal says the session started, and how to end it"
else
	notok "session started line: $(cat "$T/d1.screen")"
fi
has "$TF" "consent.answer view, on the terminal" \
    "event=consent.answer seq=5 conn=1 helper=$FP answer=view how=tty chain="
has "$TF" "consent.ask how=tty" " request=session mode=view code="
t0=$(date +%s%N)
keys d1 e Enter
if wait_exit "$H1" 10; then
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	ok "e Enter ends the session at once (${ms} ms)"
else
	notok "e Enter: the helper's ssh still runs"
fi
check "the helper's ssh is told: session ended by the user" \
    grep -q '^assistd: session ended: session ended by the user$' "$T/h1.ssh"
wait_exit "$DPID" 10
# (not our child: its status is in the transcript)
check "assistd exits, status 0, after the session" grep -q \
    ' event=assistd\.stop seq=[0-9]* reason="the session is over; exiting" status=0 ' "$TF"
has "$TF" "session.end reason=user_ended" \
    "event=session.end seq=7 conn=1 helper=$FP reason=user_ended detail="
check "assist-audit summary: end=user_ended" sh -c \
    '"$1" "$2" | grep -q " end=user_ended "' sh "$BUILD/assist-audit" "$TF"

# 2. Refusals on the terminal; silence; a helper who leaves.
tty_assistd d2 "$ASSISTD" --listen 127.0.0.1:0 $AK --wait 60 \
    --consent-timeout 2 || notok "assistd starts on a terminal (2)"
TF=$(tpath d2)
ask_ssh r1 helper
wait_screen d2 '^Answer within 2 s' 10 || notok "question 1 on the terminal"
keys d2 Enter
refused_by r1 "the user refused" "an empty line refuses; the helper is told"
ask_ssh r2 helper
sleep 0.3
wait_screen d2 '^Answer within 2 s.*refuse: $' 10
keys d2 c Enter
refused_by r2 "the user refused" "c to a view-only request is no answer: refused"
t0=$(date +%s%N)
ask_ssh r3 helper
refused_by r3 "the user did not answer in time" "silence refuses at the timeout"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "after 2 s (${ms} ms)" test "$ms" -ge 2000 -a "$ms" -lt 5000
check "the terminal says no answer: refused" \
    wait_screen d2 'no answer within 2 s: refused\.' 5
ask_ssh r4 helper
sleep 0.5
stop "$ASKER"
check "the helper left: the terminal says the question is withdrawn" \
    wait_screen d2 'question withdrawn: the helper left' 5
check "transcript: refused, refused, timeout, withdrawn" test \
    "$(sed -n 's/.* event=consent\.answer .* answer=\([a-z]*\) how=\([a-z]*\) .*/\1:\2/p' "$TF" | tr '\n' ' ')" = \
    "refused:tty refused:tty timeout:timeout withdrawn:tty "
check "assistd still waits" kill -0 "$DPID"
keys d2 e Enter
check "e with no session: the terminal says so" \
    wait_screen d2 'no session to end\.' 5
keys d2 x Enter
check "an unknown key: the terminal says which keys work" \
    wait_screen d2 'e Enter ends the session, v Enter takes control back' 5
stop "$DPID"
wait_exit "$DPID" 10

# 3. A terminal wins over SSH_ASKPASS; --gui makes it the askpass.
N=$(askpass_calls)
tty_assistd d3 $ASKPASS_ENV "$ASSISTD" --listen 127.0.0.1:0 $AK --wait 60 ||
	notok "assistd starts on a terminal with SSH_ASKPASS"
hold h3 helper
H3=$HOLD
wait_screen d3 '^Answer within 60 s' 10
keys d3 v Enter
check "terminal and SSH_ASKPASS: asked on the terminal" greeted h3 10
check "the askpass was not called" test "$(askpass_calls)" -eq "$N"
stop "$H3"
wait_exit "$DPID" 10
tty_assistd d4 $ASKPASS_ENV "$ASSISTD" --listen 127.0.0.1:0 $AK --wait 60 \
    --gui || notok "assistd --gui starts on a terminal"
check "--gui: assistd says it will ask through SSH_ASKPASS" \
    grep -q 'you will be asked through SSH_ASKPASS' "$T/d4.out"
hold h4 helper
H4=$HOLD
check "--gui: the askpass answered" greeted h4 10
check "--gui: the askpass was called" test "$(askpass_calls)" -eq $((N + 1))
screen d4
check "--gui: no question on the terminal" test \
    "$(grep -c 'Answer within' "$T/d4.screen")" -eq 0
stop "$H4"
wait_exit "$DPID" 10

# 4. A control request (the control channel, tests/helpers/ctl_client)
#    with a reason: "c" Enter accepts with control; "v" Enter takes it
#    back (the helper is told: mode view by the user); asked again later
#    ("c" Enter: control by the helper's request); "e" Enter ends it.
CC="$BUILD/tests/ctl_client"
tty_assistd d5 "$ASSISTD" --listen 127.0.0.1:0 $AK --wait 60 ||
	notok "assistd starts on a terminal (control)"
TF=$(tpath d5)
timeout 60 "$CC" -p "$PORT" -u "$TEST_USER" -i "$T/helper" ctl \
    "hello:control:ticket 42" wait:accepted rfb wait:mode reqctl wait:mode \
    read >"$T/c5.cc" 2>&1 &
C5=$!
PIDS="$PIDS $C5"
if wait_screen d5 '^Answer within 60 s: c Enter = accept with control, v Enter = accept view only, Enter = refuse:' 10; then
	ok "a control request: c is offered"
else
	notok "a control request: c is offered: $(cat "$T/d5.screen")"
fi
check "the question says see and control, and the reason" sh -c \
    'grep -q "asks to SEE AND CONTROL your screen" "$1" &&
    grep -q "^  Reason:      \"ticket 42\"$" "$1"' sh "$T/d5.screen"
keys d5 c Enter
check "c Enter: accepted with control" \
    wait_for "$T/c5.cc" '^state accepted mode=control by= message=$' 10
check "the RFB greeting follows" wait_for "$T/c5.cc" '^rfb greeting RFB 003\.008$' 10
check "the terminal says view and control, and v takes it back" \
    wait_screen d5 '\(connection 1\), view and control\. Type e Enter to end it, v Enter to take control back' 5
keys d5 v Enter
check "v Enter: the helper is told mode view, by the user" \
    wait_for "$T/c5.cc" '^state mode mode=view by=user message=$' 10
check "the terminal says the helper can only view" \
    wait_screen d5 'can only view now\.' 5
check "the later request for control is on the terminal" \
    wait_screen d5 '^Answer within 60 s: c Enter = give control, Enter = refuse:' 10
keys d5 c Enter
check "c Enter: control, by the helper's request" \
    wait_for "$T/c5.cc" '^state mode mode=control by=helper message=$' 10
check "the terminal says the helper has control now" \
    wait_screen d5 'now has control\. Type v Enter to take it back' 5
keys d5 e Enter
check "e Enter: the helper is told the session ended, by the user" \
    wait_for "$T/c5.cc" '^state ended mode= by=user message=session ended by the user$' 10
wait_exit "$C5" 10
wait_exit "$DPID" 10
check "transcript: asked twice (session, then control) on the terminal" test \
    "$(sed -n 's/.* event=consent\.ask .* request=\([a-z]*\) mode=\([a-z]*\) .*how=\([a-z]*\) .*/\1:\2:\3/p' "$TF" | tr '\n' ' ')" = \
    "session:control:tty control:control:tty "
has "$TF" "consent.ask holds the reason" ' reason="ticket 42" '
check "transcript: mode.change view by user, control by helper" test \
    "$(sed -n 's/.* event=mode\.change .* mode=\([a-z]*\) by=\([a-z]*\) .*/\1:\2/p' "$TF" | tr '\n' ' ')" = \
    "view:user control:helper "
check "session.end reason=user_ended" \
    grep -q " event=session\.end .* helper=$FP reason=user_ended " "$TF"
check "assist-audit summary: mode=control end=user_ended" sh -c \
    '"$1" "$2" | grep -q " mode=control end=user_ended "' sh "$BUILD/assist-audit" "$TF"
