# The on-screen indicator (assistd/indicator.c) on a real Xvfb, driven by
# tests/helpers/indicator_demo as the monitor drives it: the window is
# there, viewable, top-right, named after the helper and the mode, asks a
# window manager for ABOVE + STICKY as a dock, stays above a window mapped
# or raised over it with no window manager, and real clicks (xdotool,
# XTEST) on its buttons reach the program: "View only" (gone once in view
# mode), "End session"; a press on one button released on another does
# nothing. A hostile helper name is escaped in the title; a long one is
# cut. hide/show; no display, or a display that goes away, costs the
# program nothing but the indicator; its process dies with its parent.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/xvfb.inc"
. "$TOP/tests/e2e/indicator_common.inc"

DEMO_BIN="$BUILD/tests/indicator_demo"
start_xvfb || { notok "Xvfb starts"; exit 1; }

# demo_start NAME ARGS...: indicator_demo ARGS with stdin from the FIFO
# $T/NAME.in (kept open on fd 7), output in $T/NAME.out; sets DEMO and
# WIN (the window, xdotool's decimal id) once shown.
demo_start() {
	dname=$1
	shift
	# The last demo's window must be gone, or it could be taken for
	# this one's.
	wait_until 5 sh -c '! xdotool search --classname assistd-indicator \
	    >/dev/null 2>&1' || return 1
	rm -f "$T/$dname.in"
	mkfifo "$T/$dname.in"
	exec 7<>"$T/$dname.in"
	"$DEMO_BIN" "$@" <&7 >"$T/$dname.out" 2>&1 &
	DEMO=$!
	PIDS="$PIDS $DEMO"
	WIN=
	wait_for "$T/$dname.out" '^shown ' 10 || return 1
	wait_until 10 indicator_window || return 1
	wait_until 10 x_viewable "$WIN"
}

# 1. Shown: viewable, top-right, named, dock, ABOVE + STICKY.
if demo_start d1 control helper-alice; then
	ok "indicator window exists and is viewable"
else
	notok "indicator window exists and is viewable"
	cat "$T/d1.out" >&2
	exit 1
fi
GEO=$(xwininfo -id "$WIN")
AX=$(echo "$GEO" | sed -n 's/.*Absolute upper-left X: *//p')
AY=$(echo "$GEO" | sed -n 's/.*Absolute upper-left Y: *//p')
AW=$(echo "$GEO" | sed -n 's/.*Width: *//p')
BW=$(echo "$GEO" | sed -n 's/.*Border width: *//p')
RIGHT=$((AX + AW + BW))
if [ "$RIGHT" -le "$XVFB_W" ] && [ "$RIGHT" -ge $((XVFB_W - 40)) ] &&
    [ "$AY" -le 40 ]; then
	ok "window sits in the top-right corner ($AX,$AY width $AW)"
else
	notok "window sits in the top-right corner: at $AX,$AY width $AW"
fi
check "WM_NAME names helper and mode" \
    test "$(prop WM_NAME)" = \
    'WM_NAME = "assist: helper-alice controls your screen"'
check "_NET_WM_NAME names helper and mode" \
    test "$(prop _NET_WM_NAME)" = \
    '_NET_WM_NAME = "assist: helper-alice controls your screen"'
STATE=$(prop _NET_WM_STATE)
case "$STATE" in
*_NET_WM_STATE_ABOVE*_NET_WM_STATE_STICKY*) ok "asks for ABOVE and STICKY" ;;
*) notok "asks for ABOVE and STICKY: $STATE" ;;
esac
check "typed as a dock" test "$(prop _NET_WM_WINDOW_TYPE)" = \
    "_NET_WM_WINDOW_TYPE = _NET_WM_WINDOW_TYPE_DOCK"
check "never takes the keyboard focus" \
    sh -c "xprop -id $WIN WM_HINTS | grep -q 'input or input focus: False'"
check "both buttons while the helper has control" \
    test -n "$(button end)" -a -n "$(button view)"
CPID=$(prop _NET_WM_PID | sed 's/.* = //')
check "the window belongs to a child process of the program" \
    test "$(ps -o ppid= -p "$CPID" | tr -d ' ')" = "$DEMO"

# 2. Stays on top, without a window manager, of a window mapped over it
# and of that window raised again.
timeout 60 xmessage -geometry 600x300-0+0 "a window over the indicator" \
    >/dev/null 2>&1 &
XM=$!
PIDS="$PIDS $XM"
XMWIN=
wait_until 10 sh -c 'xdotool search --classname xmessage >/dev/null' &&
    XMWIN=$(xdotool search --classname xmessage | head -n 1)
WHEX=$(x_hex "$WIN")
if [ -n "$XMWIN" ] && wait_until 5 x_viewable "$XMWIN" &&
    wait_until 5 sh -c "[ \"\$(xwininfo -root -children |
    sed -n 's/^ *\(0x[0-9a-f]*\) .*/\1/p' | head -n 1)\" = $WHEX ]"; then
	ok "stays above a window mapped over it"
else
	notok "stays above a window mapped over it: top is $(x_top), " \
	    "indicator $WHEX"
fi
xdotool windowraise "$XMWIN"
if wait_until 10 sh -c "[ \"\$(xwininfo -root -children |
    sed -n 's/^ *\(0x[0-9a-f]*\) .*/\1/p' | head -n 1)\" = $WHEX ]"; then
	ok "stays above a window raised over it"
else
	notok "stays above a window raised over it: top is $(x_top)"
fi
stop "$XM"

# 3. Clicks. A press on "View only" released on "End session": nothing.
set -- $(button view)
VX=$(($1 + $3 / 2)) VY=$(($2 + $4 / 2))
set -- $(button end)
EX=$(($1 + $3 / 2)) EY=$(($2 + $4 / 2))
xdotool mousemove --window "$WIN" "$VX" "$VY" mousedown 1 \
    mousemove --window "$WIN" "$EX" "$EY" mouseup 1
sleep 1
check "press on one button, release on another: no action" \
    sh -c "! grep -q '^action' '$T/d1.out'"
click view
if wait_for "$T/d1.out" '^action VIEW_ONLY$' 10; then
	ok "clicking View only yields VIEW_ONLY"
else
	notok "clicking View only yields VIEW_ONLY: $(cat "$T/d1.out")"
fi
wait_for "$T/d1.out" '^shown view$' 10
wait_until 5 sh -c "xprop -id $WIN WM_NAME | grep -q viewing"
check "title says viewing after View only" test "$(prop WM_NAME)" = \
    'WM_NAME = "assist: helper-alice is viewing your screen"'
check "no View only button in view mode" \
    test -z "$(button view)" -a -n "$(button end)"
# Where "View only" was, a click does nothing now.
xdotool mousemove --window "$WIN" "$VX" "$VY" click 1
sleep 1
check "a click where View only was does nothing" \
    test "$(grep -c '^action' "$T/d1.out")" -eq 1
# hide / show from the program.
echo hide >&7
if wait_for "$T/d1.out" '^hidden$' 5 &&
    wait_until 5 sh -c "! xwininfo -id $WIN | grep -q IsViewable"; then
	ok "hide takes the window off the screen"
else
	notok "hide takes the window off the screen"
fi
echo "show control" >&7
if wait_until 5 x_viewable "$WIN" &&
    wait_until 5 sh -c "xprop -id $WIN WM_NAME | grep -q controls" &&
    [ -n "$(button view)" ]; then
	ok "show again: viewable, control, View only back"
else
	notok "show again: viewable, control, View only back"
fi
click end
if wait_for "$T/d1.out" '^action END$' 10; then
	ok "clicking End session yields END"
else
	notok "clicking End session yields END: $(cat "$T/d1.out")"
fi
wait_exit "$DEMO" 10
check "the program ends cleanly after END" test "$EXITCODE" -eq 0
check "its indicator process is gone with it" \
    sh -c "! kill -0 $CPID 2>/dev/null"
check "the window is gone" sh -c "! xwininfo -id $WIN >/dev/null 2>&1"
exec 7>&-

# 4. A hostile helper name (terminal escapes, newline, backslash) is
# escaped in both titles; a long one is cut.
EVIL=$(printf 'evil\033]0;pwn\007\nline2\\end')
demo_start d2 control "$EVIL" || notok "indicator shows a hostile name"
WANT='assist: evil\x1b]0;pwn\x07\x0aline2\x5cend controls your screen'
check "hostile name escaped in WM_NAME" \
    test "$(xdotool getwindowname "$WIN")" = "$WANT"
# xprop doubles backslashes in UTF8_STRING values.
NET=$(prop _NET_WM_NAME | sed 's/^_NET_WM_NAME = "//; s/"$//; s/\\\\/\\/g')
check "hostile name escaped in _NET_WM_NAME" test "$NET" = "$WANT"
# (xprop escapes what it prints; xdotool prints the raw bytes)
check "no control byte in the raw title" \
    sh -c "[ \$(xdotool getwindowname $WIN | wc -l) -eq 1 ] &&
    ! xdotool getwindowname $WIN | tr -d '\n' | LC_ALL=C grep -q '[[:cntrl:]]'"
stop "$DEMO"
exec 7>&-
LONG=$(printf 'x%.0s' $(seq 1 300))
demo_start d3 view "$LONG" || notok "indicator shows a long name"
T3=$(xdotool getwindowname "$WIN")
# INDICATOR_NAME_MAX (64) bytes: 61 of the name and "..."
X61=$(printf 'x%.0s' $(seq 1 61))
if [ "$T3" = "assist: $X61... is viewing your screen" ]; then
	ok "a long name is cut (${#T3} bytes of title)"
else
	notok "a long name is cut: $T3"
fi
check "view mode from the start: no View only button" \
    test -z "$(button view)"

# 5. Its process dies with its parent (killed, no goodbye).
CPID=$(prop _NET_WM_PID | sed 's/.* = //')
kill -KILL "$DEMO"
wait "$DEMO" 2>/dev/null
check "indicator process ends when its parent is killed" \
    wait_until 5 sh -c "! kill -0 $CPID 2>/dev/null"
exec 7>&-

# 6. The X server goes away: the program is told (GONE) and lives on.
demo_start d4 control helper-alice || notok "indicator shows (d4)"
stop "$XPID"
if wait_for "$T/d4.out" '^action GONE$' 10; then
	ok "lost X server: the program is told GONE"
else
	notok "lost X server: the program is told GONE: $(cat "$T/d4.out")"
fi
wait_exit "$DEMO" 10
check "lost X server: the program exits on its own terms (3)" \
    test "$EXITCODE" -eq 3
exec 7>&-

# 7. No display: a reason, no indicator.
DISPLAY= "$DEMO_BIN" control helper-alice </dev/null >"$T/d5.out" 2>&1
RC=$?
check "no DISPLAY: open fails, saying why" \
    sh -c "[ $RC -eq 2 ] && grep -q 'open failed: no X display' '$T/d5.out'"
DISPLAY=$XDISPLAY timeout 20 "$DEMO_BIN" control helper-alice </dev/null \
    >"$T/d6.out" 2>&1
RC=$?
check "unreachable display: open fails, saying why" \
    sh -c "[ $RC -eq 2 ] &&
    grep -q 'open failed: cannot open X display \"$XDISPLAY\"' '$T/d6.out'"
