# End to end: assist-cli's screen (issue 6) against a scripted RFB server
# behind real SSH: tests/helpers/pump_server -V serves a known picture
# (an assistd without the control channel: the rfb subsystem directly),
# encoding it with common/rfbenc.c in whatever pixel format and encoding
# the client asks for. Checks:
#  - --snapshot writes a PNG equal byte for byte to the picture's own PNG
#    (common/png.c is deterministic: same pixels, same file), in 32, 16
#    and 8 bpp, and the transcript records snapshot.written;
#  - --vnc-listen relays the stream to the real vncsnapshot (an RFB 3.3
#    client), whose JPEG is close to the picture, the transcript records
#    vnc.connect / vnc.disconnect and the session ends when it leaves;
#  - bad --vnc-listen / --pixel-format values are usage errors.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"
. "$TOP/tests/e2e/view_common.inc"



# view ARGS...: assist-cli without --exit-after-accept (output in
# $T/view.out, $T/view.err, status in $RC).
view() {
	env -u SSH_AUTH_SOCK -u DISPLAY HOME="$HHOME" timeout 60 setsid -w \
	    "$CLI" -F /dev/null -o UserKnownHostsFile="$KH" \
	    -o StrictHostKeyChecking=yes -o HostKeyAlias=viewsrv "$@" \
	    "u@127.0.0.1:$SPORT" >"$T/view.out" 2>"$T/view.err" </dev/null
	RC=$?
}

for bpp in 32 16 8; do
	serve "snap$bpp" || continue
	rm -f "$T/snap$bpp.png"
	view --snapshot "$T/snap$bpp.png" --pixel-format "$bpp"
	F=$(ls -t "$CTDIR"/*.log | head -n 1)
	stop "$SPID"
	if [ "$RC" -eq 0 ] && cmp -s "$T/snap$bpp.png" "$T/snap$bpp.want.png"
	then
		ok "snapshot $bpp bpp equals the picture"
	else
		notok "snapshot $bpp bpp: exit $RC or different pixels"
		sed 's/^/# /' "$T/view.err" "$T/view.out" "$T/snap$bpp.out" |
		    head -n 20
	fi
	if grep -q "rfb: pixel format $bpp bpp" "$T/snap$bpp.out" &&
	    grep -q 'rfb: full update 1 encoding 16$' "$T/snap$bpp.out"; then
		ok "snapshot $bpp bpp: asked for $bpp bpp, got ZRLE"
	else
		notok "snapshot $bpp bpp: server saw another format/encoding"
		sed 's/^/# /' "$T/snap$bpp.out" | head -n 10
	fi
	if [ "$(stat -c %a "$T/snap$bpp.png" 2>/dev/null)" = 600 ] &&
	    grep -q 'snapshot\.written' "$F" &&
	    grep -q 'session\.end.*helper_left' "$F"; then
		ok "snapshot $bpp bpp: file 0600, transcript"
	else
		notok "snapshot $bpp bpp: mode or transcript wrong"
		sed 's/^/# /' "$F" | tail -n 4
	fi
done

# A file that cannot be written: an error, not a hang.
serve snapbad && {
	view --snapshot "$T/no/such/dir/x.png"
	stop "$SPID"
	if [ "$RC" -ne 0 ] && grep -q 'no/such/dir' "$T/view.err"; then
		ok "snapshot to a bad path fails clearly"
	else
		notok "snapshot to a bad path: exit $RC"
		sed 's/^/# /' "$T/view.err" | head -n 5
	fi
}

# --vnc-listen with the real vncsnapshot.
if command -v vncsnapshot >/dev/null 2>&1 && command -v djpeg >/dev/null 2>&1
then
	serve vnc && {
	bg vcli env -u SSH_AUTH_SOCK -u DISPLAY HOME="$HHOME" timeout 60 \
	    setsid -w "$CLI" -F /dev/null -o UserKnownHostsFile="$KH" \
	    -o StrictHostKeyChecking=yes -o HostKeyAlias=viewsrv \
	    --vnc-listen 0 "u@127.0.0.1:$SPORT"
	CPID=$LASTPID
	if wait_for "$T/vcli.out" 'waiting for a VNC viewer on 127\.0\.0\.1:' 20
	then
		VPORT=$(sed -n 's/^assist-cli: VNC port 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
		    "$T/vcli.out")
		timeout 30 vncsnapshot -quiet -quality 100 "127.0.0.1::$VPORT" \
		    "$T/vnc.jpg" >"$T/vncsnap.log" 2>&1
		VRC=$?
		wait_exit "$CPID" 10
		F=$(ls -t "$CTDIR"/*.log | head -n 1)
		if [ "$VRC" -eq 0 ] && djpeg -pnm "$T/vnc.jpg" >"$T/vnc.ppm" &&
		    python3 "$TOP/tests/e2e/ppmdiff.py" "$T/vnc.want.png.ppm" \
		    "$T/vnc.ppm" 12 >"$T/ppmdiff.out" 2>&1; then
			ok "vncsnapshot through --vnc-listen sees the picture ($(cat "$T/ppmdiff.out"))"
		else
			notok "vncsnapshot through --vnc-listen: exit $VRC"
			sed 's/^/# /' "$T/vncsnap.log" "$T/ppmdiff.out" \
			    "$T/vcli.out" "$T/vnc.out" 2>/dev/null | head -n 20
		fi
		if [ "$EXITCODE" -eq 0 ] && grep -q 'vnc\.connect.*peer=' "$F" &&
		    grep -q 'vnc\.disconnect' "$F" &&
		    grep -q 'rfb: client 3.3' "$T/vnc.out"; then
			ok "--vnc-listen: one viewer, session ends with it, transcript"
		else
			notok "--vnc-listen: exit $EXITCODE or transcript"
			sed 's/^/# /' "$T/vcli.out" "$F" | tail -n 10
		fi
	else
		notok "--vnc-listen: no port announced"
		sed 's/^/# /' "$T/vcli.out" | head -n 10
	fi
	stop "$CPID"
	stop "$SPID"
	}
else
	notok "vncsnapshot or djpeg missing (scripts/install-deps)"
fi

# Usage errors: exit 64, one line saying which.
for bad in "--vnc-listen 70000" "--vnc-listen example.org:5900" \
    "--pixel-format 24" "--snapshot x.png --vnc-listen 0"; do
	# shellcheck disable=SC2086
	env HOME="$HHOME" "$CLI" $bad u@127.0.0.1 >/dev/null 2>"$T/usage.err"
	RC=$?
	if [ "$RC" -eq 64 ] && head -n 1 "$T/usage.err" | grep -q 'assist-cli:'
	then
		ok "usage error: $bad"
	else
		notok "usage error: $bad: exit $RC"
	fi
done
