#!/bin/sh
# Capture cost on a 1920x1080 Xvfb (assistd/capture.c through
# tests/helpers/capture_probe, content drawn by tests/helpers/xdraw):
#   - a full-screen change (noise): grab + refine per frame
#   - a full-screen redraw of the same pixels: refinement finds nothing
#   - a 10x10 change
#   - the same full-screen change read with XGetImage (a TCP relay)
#   - wake-ups of an idle screen
# Not a test: prints numbers. usage: bench/capture.sh [BUILD] [ROUNDS]
set -u
BUILD=${1:-build}
ROUNDS=${2:-20}
W=1920
H=1080
T=$(mktemp -d /tmp/assist-bench.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

nlines() { wc -l <"$1" | tr -d ' '; }
wait_new() {
	i=0
	while ! tail -n +$(($2 + 1)) "$1" | grep -Eq "$3"; do
		[ $i -ge 100 ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}
start() {
	name=$1 fd=$2
	shift 2
	mkfifo "$T/$name.in"
	eval "exec $fd<>\"\$T/\$name.in\""
	"$@" <"$T/$name.in" >"$T/$name.out" 2>&1 &
	PIDS="$PIDS $!"
}
# cmd NAME LINE REGEX: the answer of NAME matching REGEX in $ANSWER.
cmd() {
	n=$(nlines "$T/$1.out")
	printf '%s\n' "$2" >"$T/$1.in"
	wait_new "$T/$1.out" "$n" "$3" || { echo "no answer to $2" >&2; exit 1; }
	ANSWER=$(tail -n +$((n + 1)) "$T/$1.out" | grep -E "$3" | tail -n 1)
}
send() { printf '%s\n' "$2" >"$T/$1.in"; }
stat() { echo "$ANSWER" | sed "s/.* $1=\([0-9]*\).*/\1/"; }

Xvfb -displayfd 3 -nolisten tcp -screen 0 "${W}x${H}x24" 3>"$T/display" \
    >"$T/xvfb.out" 2>&1 &
PIDS="$PIDS $!"
i=0
while ! grep -q '^[0-9]' "$T/display" 2>/dev/null; do
	sleep 0.1; i=$((i + 1)); [ $i -gt 100 ] && { echo "no Xvfb" >&2; exit 1; }
done
DISPLAY=:$(cat "$T/display")
export DISPLAY

start draw 8 "$BUILD/tests/xdraw"
start probe 7 "$BUILD/tests/capture_probe"
wait_new "$T/probe.out" 0 '^ready' || exit 1
wait_new "$T/draw.out" 0 '^ready' || exit 1
cmd draw "warp $((W - 1)) $((H - 1))" '^ok'
send probe "auto off"
sleep 0.3
cmd probe take '^took'

# round LINE: draws LINE, takes; prints "us grab_us refine_us changed".
round() {
	cmd probe stats '^stats'
	g0=$(stat grab_us) r0=$(stat refine_us) c0=$(stat changed_pixels)
	cmd draw "$1" '^ok'
	cmd probe take '^took'
	us=$(echo "$ANSWER" | awk '{ print $3 }')
	cmd probe stats '^stats'
	echo "$us $(($(stat grab_us) - g0)) $(($(stat refine_us) - r0))" \
	    "$(($(stat changed_pixels) - c0))"
}

avg() { awk -v what="$1" '{ t += $1; g += $2; r += $3; c += $4; n++ }
    END { printf "%-34s take %6.0f us (grab %6.0f, refine %6.0f), changed %d px\n",
    what, t / n, g / n, r / n, c / n }'; }

k=1
while [ $k -le "$ROUNDS" ]; do round "noise 0 0 $W $H $k"; k=$((k + 1)); done |
    avg "full ${W}x${H} change (MIT-SHM)"
cmd draw "noise 0 0 $W $H 999" '^ok'
cmd probe take '^took'
k=1
while [ $k -le "$ROUNDS" ]; do round "noise 0 0 $W $H 999"; k=$((k + 1)); done |
    avg "full ${W}x${H} redraw, same pixels"
k=1
while [ $k -le "$ROUNDS" ]; do
	round "rect 100 100 10 10 $(printf '%06x' $((k * 4099)))"; k=$((k + 1))
done | avg "10x10 change"

start relay 6 "$BUILD/tests/xrelay" tcp:auto "/tmp/.X11-unix/X$(cat "$T/display")"
wait_new "$T/relay.out" 0 '^listening' || exit 1
RD=$(sed -n 's/^listening //p' "$T/relay.out")
send probe quit
: >"$T/probe.out"
rm -f "$T/probe.in"
DISPLAY=$RD start probe 5 "$BUILD/tests/capture_probe"
wait_new "$T/probe.out" 0 '^ready' || exit 1
send probe "auto off"
sleep 0.3
cmd probe take '^took'
k=1
while [ $k -le "$ROUNDS" ]; do round "noise 0 0 $W $H $k"; k=$((k + 1)); done |
    avg "full ${W}x${H} change (XGetImage)"

cmd probe stats '^stats'
w0=$(stat wakeups)
sleep 5
cmd probe stats '^stats'
echo "idle 5 s: $(($(stat wakeups) - w0)) wake-ups"
