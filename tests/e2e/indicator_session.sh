# The on-screen indicator in a real assistd (the monitor's extension,
# assistd/indicator_ext.c) on a real Xvfb: opened at start when DISPLAY is
# set, by a process that holds none of assistd's descriptors; hidden
# until a session is granted (the real ssh -s rfb, the test askpass says
# yes), then shown naming the helper (its key's fingerprint) and the mode;
# a real click on "End session" ends the session at once and the helper
# is told "session ended by the user"; the transcript says the user ended
# it. A helper with control (the control channel): "View only" takes it
# back, the helper is told and the window follows. With --persist the
# window hides between sessions and comes back for the next one. An X
# server that dies mid-session costs the indicator only: the session and
# assistd go on. Without a display, or with one that cannot be reached,
# assistd starts all the same and says why.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/xvfb.inc"
. "$TOP/tests/e2e/indicator_common.inc"
. "$TOP/tests/e2e/transcript_common.inc"

start_xvfb || { notok "Xvfb starts"; exit 1; }
RUNAS_X="$RUNAS"
RUNAS="$RUNAS_X DISPLAY=$XDISPLAY"
keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
FP=$(ssh-keygen -lf "$T/helper.pub" | cut -d' ' -f2)

# helper_start NAME: the real ssh client holds a plain rfb session open
# (its stdin, a FIFO on fd 3, never ends); SSHPID.
helper_start() {
	rm -f "$T/$1.in"
	mkfifo "$T/$1.in"
	exec 3<>"$T/$1.in"
	$SSHC -i "$T/helper" -p "$PORT" -s "$TEST_USER@127.0.0.1" rfb <&3 \
	    >"$T/$1.out" 2>"$T/$1.err" &
	SSHPID=$!
	PIDS="$PIDS $SSHPID"
}

# 1. Opened at start, hidden until a session.
start_assistd s1 -o AuthorizedKeysFile="$T/authorized" --wait 60 ||
	{ notok "assistd starts with DISPLAY set"; exit 1; }
check "assistd opens the indicator on DISPLAY" \
    grep -q "^assistd: on-screen indicator on display $XDISPLAY\$" "$T/s1.out"
if wait_until 10 indicator_window; then
	ok "the indicator's window exists"
else
	notok "the indicator's window exists"
	exit 1
fi
check "no session yet: the window is not shown" not_viewable
CPID=$(prop _NET_WM_PID | sed 's/.* = //')
check "the window is drawn by a child process of assistd" \
    test "$(ps -o ppid= -p "$CPID" | tr -d ' ')" = "$DPID"
# fds 0-2, its socket to the monitor (3), its X connection: nothing of the
# monitor's (listeners, tty, transcript).
NFD=$(ls "/proc/$CPID/fd" | wc -l)
check "the indicator's process holds 5 descriptors (has $NFD)" \
    test "$NFD" -eq 5
check "... stdin and stdout /dev/null, no file of the monitor's" \
    sh -c "[ \"\$(readlink /proc/$CPID/fd/0)\" = /dev/null ] &&
    [ \"\$(readlink /proc/$CPID/fd/1)\" = /dev/null ] &&
    ! ls -l /proc/$CPID/fd | grep -q 'transcript\|tty\|assist/'"

# 2. A session: the user said yes (askpass), the window names the helper.
helper_start h1
if wait_for "$T/h1.out" '^RFB 003\.008$' 20; then
	ok "the helper's session is granted"
else
	notok "the helper's session is granted: $(cat "$T/h1.err")"
fi
if wait_until 10 x_viewable "$WIN"; then
	ok "session live: the indicator is shown"
else
	notok "session live: the indicator is shown"
fi
check "it names the helper (key fingerprint) and the mode" \
    test "$(xdotool getwindowname "$WIN")" = \
    "assist: $FP is viewing your screen"
check "a viewing helper: End session, no View only" \
    test -n "$(button end)" -a -z "$(button view)"
STATE=$(prop _NET_WM_STATE)
case "$STATE" in
*_NET_WM_STATE_ABOVE*_NET_WM_STATE_STICKY*) ok "shown ABOVE and STICKY" ;;
*) notok "shown ABOVE and STICKY: $STATE" ;;
esac

# 3. End session, clicked for real: the helper is told, at once.
T0=$(date +%s%N)
click end
if wait_exit "$SSHPID" 10; then
	T1=$(date +%s%N)
	ok "End session ends the helper's ssh ($(( (T1 - T0) / 1000000 )) ms)"
else
	notok "End session ends the helper's ssh"
fi
check "the helper is told \"session ended by the user\"" \
    grep -q 'session ended by the user' "$T/h1.err"
check "assistd notes the click" \
    grep -q '"End session" clicked on the on-screen indicator' "$T/s1.out"
wait_exit "$DPID" 10
check "assistd (one session) exits 0 after it" test "$EXITCODE" -eq 0
TF=$(tpath s1)
check "the transcript says the user ended the session" \
    grep -q ' event=session\.end .*reason=user_ended' "$TF"
check "the indicator's process ended with assistd" \
    sh -c "! kill -0 $CPID 2>/dev/null"
check "its window is gone" sh -c "! xwininfo -id $WIN >/dev/null 2>&1"
exec 3>&-

# 4. A helper with control (the control channel, spoken by
# tests/helpers/ctl_client): the window says so and offers View only; a
# real click takes control back (the helper is told, by the user), the
# window follows; End session ends it.
CC="$BUILD/tests/ctl_client"
start_assistd sc -o AuthorizedKeysFile="$T/authorized" --wait 60 ||
	notok "assistd sc starts"
wait_until 10 indicator_window
timeout 60 "$CC" -p "$PORT" -u "$TEST_USER" -i "$T/helper" -t 30 ctl \
    hello:control wait:accepted rfb wait:mode wait:ended >"$T/cc.out" 2>&1 &
CCPID=$!
PIDS="$PIDS $CCPID"
if wait_for "$T/cc.out" '^state accepted mode=control ' 20 &&
    wait_until 10 x_viewable "$WIN"; then
	ok "a helper with control: the indicator is shown"
else
	notok "a helper with control: the indicator is shown: $(cat "$T/cc.out")"
fi
check "it says the helper controls the screen" \
    test "$(xdotool getwindowname "$WIN")" = \
    "assist: $FP controls your screen"
check "... and offers End session and View only" \
    test -n "$(button end)" -a -n "$(button view)"
click view
if wait_for "$T/cc.out" '^state mode mode=view by=user ' 10; then
	ok "View only: the helper is told it can only view now (by the user)"
else
	notok "View only: the helper is told: $(cat "$T/cc.out")"
fi
if wait_until 10 sh -c "[ \"\$(xdotool getwindowname $WIN)\" = \
    'assist: $FP is viewing your screen' ]" && [ -z "$(button view)" ]
then
	ok "the window follows: viewing, no View only button"
else
	notok "the window follows: $(xdotool getwindowname "$WIN")"
fi
check "assistd notes the View only click" \
    grep -q '"View only" clicked on the on-screen indicator' "$T/sc.out"
click end
if wait_for "$T/cc.out" '^state ended mode=[a-z]* by=user ' 10; then
	ok "End session: the helper is told, by the user"
else
	notok "End session: the helper is told: $(cat "$T/cc.out")"
fi
wait_exit "$CCPID" 10
wait_exit "$DPID" 10
TF=$(tpath sc)
check "the transcript has the mode change by the user" \
    grep -q ' event=mode\.change .*mode=view by=user' "$TF"
check "... and the end by the user" \
    grep -q ' event=session\.end .*reason=user_ended' "$TF"

# 5. --persist: hidden between sessions, back for the next one.
start_assistd s2 -o AuthorizedKeysFile="$T/authorized" --wait 60 --persist ||
	notok "assistd --persist starts"
wait_until 10 indicator_window
helper_start h2
wait_for "$T/h2.out" '^RFB 003\.008$' 20
wait_until 10 x_viewable "$WIN"
click end
wait_exit "$SSHPID" 10
if wait_until 10 not_viewable && kill -0 "$DPID"; then
	ok "--persist: the session over, the window hides (assistd serves on)"
else
	notok "--persist: the session over, the window hides"
fi
exec 3>&-
helper_start h3
if wait_for "$T/h3.out" '^RFB 003\.008$' 20 && wait_until 10 x_viewable "$WIN"
then
	ok "--persist: the next session shows it again"
else
	notok "--persist: the next session shows it again"
fi

# 6. The X server dies mid-session: the indicator goes, nothing else.
stop "$XPID"
if wait_for "$T/s2.out" 'on-screen indicator: its process exited' 10; then
	ok "lost X server: assistd says the indicator is gone"
else
	notok "lost X server: assistd says the indicator is gone"
fi
sleep 1
check "lost X server: assistd lives on" kill -0 "$DPID"
check "lost X server: the session lives on" kill -0 "$SSHPID"
kill -TERM "$DPID"
wait_exit "$SSHPID" 10
wait_exit "$DPID" 10
check "lost X server: assistd still stops in order (0)" \
    test "$EXITCODE" -eq 0
exec 3>&-

# 7. No display, or one that cannot be reached: assistd starts, says why.
RUNAS="$RUNAS_X"
start_assistd s3 -o AuthorizedKeysFile="$T/authorized" --wait 1
check "no DISPLAY: assistd starts without an indicator" \
    sh -c "! grep -q 'indicator' '$T/s3.out'"
wait_exit "$DPID" 10
RUNAS="$RUNAS_X DISPLAY=:9999"
start_assistd s4 -o AuthorizedKeysFile="$T/authorized" --wait 1
check "unreachable display: assistd starts, saying why" \
    grep -q '^assistd: warning: no on-screen indicator on display :9999: cannot open X display ":9999"; ' \
    "$T/s4.out"
wait_exit "$DPID" 10
