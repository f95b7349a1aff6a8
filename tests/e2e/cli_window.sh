# End to end: assist-cli's window (assist-cli/viewer.c) on a real Xvfb
# (the helper's display), against the scripted RFB server of
# tests/helpers/pump_server -V behind real SSH (an assistd without the
# control channel: view only). Checks that the picture appears pixel for
# pixel in the window (tests/helpers/xgrab: XGetImage to PNG, compared
# byte for byte with the server's own PNG of it), the title and the
# view-only frame, that keys and clicks typed into the window send
# nothing in view-only mode, and that closing the window
# (WM_DELETE_WINDOW, or the window destroyed) ends the session cleanly.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"
. "$TOP/tests/e2e/view_common.inc"
. "$TOP/tests/e2e/xvfb.inc"

XGRAB="$BUILD/tests/xgrab"
B=6	# VIEWER_BORDER
start_xvfb || { notok "Xvfb"; exit 0; }

# window NAME: assist-cli showing the screen; its window id in $WID.
# $WENV: more environment for it (ASSIST_NO_SHM=1: XPutImage, not MIT-SHM).
WENV=""
window() {
	serve "$1" || return 1
	bg "$1.cli" env -u SSH_AUTH_SOCK HOME="$HHOME" DISPLAY="$XDISPLAY" $WENV \
	    timeout 60 setsid -w "$CLI" -F /dev/null \
	    -o UserKnownHostsFile="$KH" -o StrictHostKeyChecking=yes \
	    -o HostKeyAlias=viewsrv "u@127.0.0.1:$SPORT"
	CPID=$LASTPID
	if ! wait_for "$T/$1.cli.out" 'showing .* in a window' 20; then
		notok "$1: no window"
		sed 's/^/# /' "$T/$1.cli.out" | head -n 10
		return 1
	fi
	WID=""
	i=0
	while [ -z "$WID" ] && [ $i -lt 50 ]; do
		WID=$(xdotool search --name '^assist: ' 2>/dev/null | head -n 1)
		[ -n "$WID" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$WID" ] || { notok "$1: window not found"; return 1; }
}

# The picture, pixel for pixel (painting may take a moment).
if window pic; then
	i=0
	until "$XGRAB" "$WID" $B $B 300 200 "$T/got.png" 2>/dev/null &&
	    cmp -s "$T/got.png" "$T/pic.want.png"; do
		[ $i -ge 50 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if cmp -s "$T/got.png" "$T/pic.want.png"; then
		ok "window shows the picture pixel for pixel (MIT-SHM)"
	else
		notok "window content differs from the picture"
	fi
	title=$(xdotool getwindowname "$WID")
	case $title in
	"assist: u@127.0.0.1:$SPORT — view only") ok "title: $title" ;;
	*) notok "title: $title" ;;
	esac
	frame=$("$XGRAB" -p "$WID" 1 1)
	if [ "$frame" = ff8000 ]; then
		ok "view-only frame is orange"
	else
		notok "view-only frame: $frame"
	fi
	# View only: typing and clicking send nothing.
	xdotool mousemove --window "$WID" 50 50 click 1 key a type hello
	sleep 1
	if grep -q 'rfb: \(key\|pointer\)' "$T/pic.out"; then
		notok "view only: input reached the server"
		grep 'rfb: \(key\|pointer\)' "$T/pic.out" | head -n 3 |
		    sed 's/^/# /'
	else
		ok "view only: keys and clicks are not sent"
	fi
	"$XGRAB" -d "$WID"
	wait_exit "$CPID" 10
	F=$(ls -t "$CTDIR"/*.log | head -n 1)
	if [ "$EXITCODE" -eq 0 ] &&
	    grep -q 'session\.end.*helper_left.*window closed' "$F"; then
		ok "closing the window ends the session (exit 0, transcript)"
	else
		notok "closing the window: exit $EXITCODE"
		sed 's/^/# /' "$T/pic.cli.out" "$F" | tail -n 8
	fi
	stop "$SPID"
fi

# The window destroyed by another client: a clean end too, no X error.
if window gone; then
	xdotool windowclose "$WID"
	wait_exit "$CPID" 10
	if [ "$EXITCODE" -eq 0 ]; then
		ok "destroyed window ends the session cleanly"
	else
		notok "destroyed window: exit $EXITCODE"
		sed 's/^/# /' "$T/gone.cli.out" | tail -n 5
	fi
	stop "$SPID"
fi

# A remote screen larger than ours: scaled down to fit, nearest
# neighbour. A 256x200 display leaves 256-64-12 = 180 columns: the
# 300x200 picture is shown as 180x120.
stop "$XPID"
XVFB_W=256
XVFB_H=200
start_xvfb || { notok "small Xvfb"; exit 0; }
WENV="ASSIST_NO_SHM=1"
if window small; then
	python3 "$TOP/tests/e2e/ppmscale.py" "$T/small.want.png.ppm" 180 120 \
	    "$T/small.want.ppm"
	i=0
	until "$XGRAB" "$WID" $B $B 180 120 "$T/small.got.ppm" 2>/dev/null &&
	    cmp -s "$T/small.got.ppm" "$T/small.want.ppm"; do
		[ $i -ge 50 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	geo=$(xdotool getwindowgeometry "$WID" | sed -n 's/.*Geometry: //p')
	if cmp -s "$T/small.got.ppm" "$T/small.want.ppm" &&
	    [ "$geo" = "192x132" ]; then
		ok "scaled down to 180x120 (window $geo), nearest neighbour exact (XPutImage)"
	else
		notok "scaled window: geometry $geo or pixels differ"
	fi
	"$XGRAB" -d "$WID"
	wait_exit "$CPID" 10
	stop "$SPID"
fi
