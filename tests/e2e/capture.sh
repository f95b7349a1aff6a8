# assistd's screen capture (assistd/capture.c) on a real Xvfb, driven by
# tests/helpers/capture_probe (run as the test account, as assistd runs)
# while tests/helpers/xdraw draws known content: a drawn rectangle is
# reported exactly, a redraw of the same pixels not at all, a drawing
# that only partly changes pixels only where they changed; the captured
# frame equals XGetImage's pixels (64-bit checksums) after rectangles,
# text, noise and windows; a cursor change is reported; a RandR resize
# gives a new frame of the new size; the shared-memory segment is 0600,
# the user's, already marked for removal; an idle screen costs no wake-up;
# a remote X server (through a TCP relay) is read with XGetImage; an X
# server that goes away during XOpenDisplay or later costs the capture,
# never the process.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/xvfb.inc"
. "$TOP/tests/e2e/probe_common.inc"

start_xvfb || { notok "Xvfb starts"; exit 1; }
XSOCK="/tmp/.X11-unix/X${XDISPLAY#:}"
for h in capture_probe xdraw xrelay; do
	cp "$BUILD/tests/$h" "$T/bin/$h"
	chmod 0755 "$T/bin/$h"
done

# draw CMD: one xdraw command; its answer in $ANSWER.
draw() { ask draw "$*"; }

# probe CMD REGEX: one probe command; its answer matching REGEX in
# $ANSWER.
probe() { ask probe "$1" "$2"; }

# draw_took CMD: draws, then waits for the probe's take; the rectangles
# it reported in $RECTS (one per line), the take line in $TOOK.
draw_took() {
	pn=$(nlines "$T/probe.out")
	draw "$1" || return 1
	wait_new "$T/probe.out" "$pn" '^took ' 10 || return 1
	# Let a second take (damage that arrived in two reads) land too.
	sleep 0.2
	RECTS=$(since "$T/probe.out" "$pn" | grep '^rect ')
	TOOK=$(since "$T/probe.out" "$pn" | grep '^took ')
}

# same_sum X Y W H: the probe's frame and XGetImage agree there.
same_sum() {
	probe "sum $*" '^sum ' || return 1
	ps=$ANSWER
	draw "sum $*" || return 1
	[ "$ps" = "$ANSWER" ] && case "$ps" in
	"sum "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
	*) return 1 ;;
	esac
}

fifo_start draw 8 "$T/bin/xdraw"
wait_for "$T/draw.out" '^ready' 10 || { notok "xdraw starts"; exit 1; }
# The pointer away from where we draw (Xvfb's cursor is drawn in
# software), and a plain background.
draw "warp 1000 700"
draw "rect 0 0 $XVFB_W $XVFB_H 204060"

fifo_start probe 7 $RUNAS DISPLAY="$XDISPLAY" "$T/bin/capture_probe"
PROBE=$LASTPID
if wait_for "$T/probe.out" '^ready ' 10; then
	ok "capture opens on the display as $TEST_USER"
else
	notok "capture opens on the display: $(cat "$T/probe.out" "$T/probe.err")"
	exit 1
fi
READY=$(grep '^ready ' "$T/probe.out")
NAME="$TEST_USER@$(hostname):${XDISPLAY#:}"
check "screen size and desktop name ($READY)" \
    test "$READY" = "ready $XVFB_W $XVFB_H shm=1 name=$NAME"
sleep 0.3

# 1. Damage, exact and refined.
draw_took "rect 100 100 10 10 ff0000"
check "a 10x10 rectangle is reported exactly ($(echo $RECTS))" \
    test "$RECTS" = "rect 100 100 10 10"
draw_took "rect 100 100 10 10 ff0000"
check "the same pixels drawn again: damage reported by X, refined away" \
    test -z "$RECTS" -a -n "$TOOK"
draw_took "rect 100 100 20 10 ff0000"
check "half new: only the changed half is reported ($(echo $RECTS))" \
    test "$RECTS" = "rect 110 100 10 10"
draw_took "rect 300 50 200 150 00ff00"
# 200x150 at (300,50) crosses the 64-pixel grid: one rectangle per tile,
# together exactly the drawn area.
AREA=0
for a in $(echo "$RECTS" | awk '{ print $4 * $5 }'); do AREA=$((AREA + a)); done
BBOX=$(echo "$RECTS" | awk 'NR == 1 { x1 = $2; y1 = $3; x2 = $2 + $4;
    y2 = $3 + $5 } { if ($2 < x1) x1 = $2; if ($3 < y1) y1 = $3;
    if ($2 + $4 > x2) x2 = $2 + $4; if ($3 + $5 > y2) y2 = $3 + $5 }
    END { print x1, y1, x2 - x1, y2 - y1 }')
check "a large rectangle: changed area exactly its 30000 pixels ($AREA, $BBOX)" \
    test "$AREA" = 30000 -a "$BBOX" = "300 50 200 150"
draw_took "rect 50 400 1 1 ffffff"
check "a single pixel is reported as one pixel ($(echo $RECTS))" \
    test "$RECTS" = "rect 50 400 1 1"

# 2. Pixels equal XGetImage's.
check "frame equals XGetImage after rectangles" same_sum 0 0 $XVFB_W $XVFB_H
draw_took "text 120 300 ffff00 Hello, capture! 0123456789"
check "text is reported where it was drawn ($(echo $RECTS | head -c 60))" \
    sh -c "echo '$RECTS' | awk '\$2 < 120 || \$3 < 280 || \$2 + \$4 > 400 ||
    \$3 + \$5 > 305 { exit 1 }' && test -n '$RECTS'"
check "frame equals XGetImage after text" same_sum 0 0 $XVFB_W $XVFB_H
draw_took "noise 600 300 320 240 7"
check "frame equals XGetImage after noise" same_sum 0 0 $XVFB_W $XVFB_H
check "the noise region alone too" same_sum 600 300 320 240
draw "window 200 450 300 200 8040c0"
WID=${ANSWER#window }
sleep 0.3
check "frame equals XGetImage after a window was mapped" \
    same_sum 0 0 $XVFB_W $XVFB_H
pn=$(nlines "$T/probe.out")
draw "move $WID 260 470"
wait_new "$T/probe.out" "$pn" '^took [1-9]' 10
sleep 0.3
check "frame equals XGetImage after the window moved" \
    same_sum 0 0 $XVFB_W $XVFB_H
draw "destroy $WID"
sleep 0.3
check "frame equals XGetImage after the window went away" \
    same_sum 0 0 $XVFB_W $XVFB_H

# 3. The cursor.
CUR0=$(grep '^cursor ' "$T/probe.out" | tail -n 1)
pn=$(nlines "$T/probe.out")
draw "cursor crosshair"
if wait_new "$T/probe.out" "$pn" '^cursor ' 10; then
	CUR1=$(since "$T/probe.out" "$pn" | grep '^cursor ' | tail -n 1)
	set -- $CUR1
	if [ "$CUR1" != "$CUR0" ] && [ "$2" -gt 0 ] && [ "$2" -le 64 ] &&
	    [ "$4" -lt "$2" ] && [ "$5" -lt "$3" ]; then
		ok "a cursor change is reported with the new image ($CUR1)"
	else
		notok "a cursor change is reported: before '$CUR0', after '$CUR1'"
	fi
else
	notok "a cursor change is reported: nothing"
fi

# 4. Shared memory: private, the user's, marked for removal.
SHMID=$(ipcs -m -p | awk -v p="$PROBE" '$3 == p { print $1 }')
if [ -n "$SHMID" ]; then
	LINE=$(ipcs -m | awk -v id="$SHMID" '$2 == id')
	set -- $LINE
	if [ "$3" = "$TEST_USER" ] && [ "$4" = 600 ] &&
	    echo "$LINE" | grep -q dest; then
		ok "the MIT-SHM segment is 0600, $TEST_USER's, marked for removal ($LINE)"
	else
		notok "the MIT-SHM segment is 0600 and private: $LINE"
	fi
else
	notok "the probe's MIT-SHM segment is listed by ipcs: $(ipcs -m -p)"
fi
check "no segment of the probe is readable by others" \
    sh -c "! ipcs -m | awk -v u='$TEST_USER' '\$3 == u && \$4 != 600' | grep -q ."

# 5. Idle: no wake-up without drawing.
probe stats '^stats '
W1=$(echo "$ANSWER" | sed 's/.*wakeups=\([0-9]*\).*/\1/')
sleep 2
probe stats '^stats '
W2=$(echo "$ANSWER" | sed 's/.*wakeups=\([0-9]*\).*/\1/')
check "an idle screen wakes the capture up 0 times in 2 s ($W1 -> $W2)" \
    test -n "$W1" -a "$W1" = "$W2"

# 6. RandR resize.
pn=$(nlines "$T/probe.out")
draw "resize 800 600"
if wait_new "$T/probe.out" "$pn" '^resize ' 10; then
	check "a RandR resize is reported with the new size" \
	    test "$(since "$T/probe.out" "$pn" | grep '^resize ')" = \
	    "resize 800 600"
	wait_new "$T/probe.out" "$pn" '^took ' 10
	check "after the resize everything is damaged" \
	    sh -c "tail -n +$((pn + 1)) '$T/probe.out' | grep -qx 'rect 0 0 800 600'"
	check "the new frame equals XGetImage" same_sum 0 0 800 600
	draw_took "rect 700 500 50 50 00ffff"
	check "damage after the resize ($(echo $RECTS))" \
	    test "$RECTS" = "rect 700 500 50 50"
else
	notok "a RandR resize is reported: $(since "$T/probe.out" "$pn")"
fi
pn=$(nlines "$T/probe.out")
draw "resize $XVFB_W $XVFB_H"
wait_new "$T/probe.out" "$pn" "^resize $XVFB_W $XVFB_H" 10
check "back to the first size" same_sum 0 0 $XVFB_W $XVFB_H

# 7. A remote X server: XGetImage instead of shared memory.
fifo_start relay 6 "$T/bin/xrelay" tcp:auto "$XSOCK"
wait_for "$T/relay.out" '^listening ' 5
RDISP=$(sed -n 's/^listening //p' "$T/relay.out")
fifo_start rprobe 5 $RUNAS DISPLAY="$RDISP" "$T/bin/capture_probe"
if wait_for "$T/rprobe.out" '^ready ' 10; then
	check "through TCP the capture reads with XGetImage (no MIT-SHM)" \
	    grep -q "^ready $XVFB_W $XVFB_H shm=0 " "$T/rprobe.out"
	rn=$(nlines "$T/rprobe.out")
	draw "rect 10 10 30 20 abcdef"
	wait_new "$T/rprobe.out" "$rn" '^took [1-9]' 10
	check "... and reports damage exactly" \
	    sh -c "tail -n +$((rn + 1)) '$T/rprobe.out' | grep -qx 'rect 10 10 30 20'"
	rn=$(nlines "$T/rprobe.out")
	printf 'sum\n' >"$T/rprobe.in"
	wait_new "$T/rprobe.out" "$rn" '^sum ' 10
	RS=$(since "$T/rprobe.out" "$rn" | grep '^sum ')
	draw "sum 0 0 $XVFB_W $XVFB_H"
	check "... and its frame equals XGetImage" test "$RS" = "$ANSWER"
else
	notok "capture opens through a TCP relay: $(cat "$T/rprobe.out")"
fi

# 8. An X server that goes away inside XOpenDisplay.
fifo_start cut 4 "$T/bin/xrelay" -c tcp:auto "$XSOCK"
wait_for "$T/cut.out" '^listening ' 5
CDISP=$(sed -n 's/^listening //p' "$T/cut.out")
probe "open $CDISP" '^open '
check "a server lost during XOpenDisplay fails that open only ($ANSWER)" \
    test "$ANSWER" = "open failed X display \"$CDISP\" went away while connecting"
probe "open $CDISP" '^open '
probe "open $XDISPLAY" '^open '
check "... and the next opens work" test "$ANSWER" = "open ok"
check "... the probe's own capture goes on" same_sum 0 0 $XVFB_W $XVFB_H

# 9. The X server goes away: the capture ends, the process does not.
stop "$XPID"
if wait_for "$T/probe.out" '^lost ' 10; then
	ok "a lost X server is reported ($(grep '^lost ' "$T/probe.out"))"
else
	notok "a lost X server is reported: $(tail -n 3 "$T/probe.out")"
fi
probe stats '^no-capture'
check "the process survives it and still answers" test "$ANSWER" = no-capture
printf 'quit\n' >"$T/probe.in"
wait_exit "$PROBE" 5
check "and exits normally afterwards (status $EXITCODE)" test "$EXITCODE" = 0
if grep -q 'XIO' "$T/probe.err" "$T/probe.out"; then
	notok "Xlib's fatal-error message never appears: $(cat "$T/probe.err")"
else
	ok "Xlib's fatal-error message never appears"
fi
