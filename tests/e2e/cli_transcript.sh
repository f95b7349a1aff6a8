# End to end: assist-cli's own transcript (the helper's side, R12).
# After a session with a certificate: cli.start, host.verified with the
# server's host key fingerprint, auth.allow with the certificate's key
# ID, consent.wait with the verification code, consent.outcome,
# session.start with the mode, session.end, cli.stop status=0, every chain
# recomputed here with sha256sum; a refused helper: auth.deny and
# cli.stop status=70, its file chained to the previous run's; a
# transcript that cannot be created: exit 72 and no connection at all; a
# transcript that cannot be written half-way (file size limit): exit 72,
# the connection ended, only whole lines kept; host.refused for a changed
# key, how=accept-new and how=certificate (host CA, key ID, serial);
# via=agent with the certificate the real ssh-agent signed with.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

EXIT_AUTH=70
EXIT_TRANSCRIPT=72
TDIR="$HHOME/.local/state/assist/transcripts"
STATE="$HHOME/.local/state/assist/last-chain-cli"
ZERO=0000000000000000000000000000000000000000000000000000000000000000

keygen ca
keygen hostca
keygen helper
keygen stranger
ssh-keygen -q -s "$T/ca" -I "helper-alice" -n "$TEST_USER" -z 7 \
    -V -5m:+1h "$T/helper.pub"
cp "$T/ca.pub" "$T/cas"
share "$T/cas"
printf 'Host *\n  HashKnownHosts no\n' >"$T/cfg"

# tc KEY: assist-cli offering $T/KEY (and its certificate), host known.
tc() {
	echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh"
	cli -F "$T/cfg" -o UserKnownHostsFile="$T/kh" \
	    -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -i "$T/$1" \
	    "$TEST_USER@127.0.0.1:$PORT"
}

# newest: the transcript file written last (names start with the UTC
# time, then a random id: ls -t decides between files of one second).
newest() {
	ls -t "$TDIR"/*.log 2>/dev/null | head -n 1
}

# field FILE EVENT KEY: the bare value of KEY in FILE's EVENT line.
field() {
	grep " event=$2 " "$1" | head -n 1 | tr ' ' '\n' |
	    sed -n "s/^$3=//p" | head -n 1
}

# chain_ok FILE: every line's chain= is SHA-256 over the previous line's
# chain (64 zeros first), one space and the text before " chain=";
# seq= counts from 1. Prints the last chain; 1 on the first bad line.
chain_ok() {
	prev=$ZERO n=0
	while IFS= read -r line; do
		n=$((n + 1))
		text=${line%% chain=*}
		have=${line##* chain=}
		want=$(printf '%s %s' "$prev" "$text" | sha256sum | cut -d' ' -f1)
		case "$line" in
		*" seq=$n "*) ;;
		*) echo "line $n: seq is not $n" >&2; return 1 ;;
		esac
		if [ "$have" != "$want" ]; then
			echo "line $n: chain $have, want $want" >&2
			return 1
		fi
		prev=$have
	done <"$1"
	[ "$n" -gt 0 ] && echo "$prev"
}

# re TEXT: TEXT with the characters special in an ERE escaped.
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'
}

# has NAME FILE REGEX: ok when a line of FILE matches.
has() {
	if grep -Eq -- "$3" "$2"; then
		ok "$1"
	else
		notok "$1: no line matches /$3/"
		sed 's/^/# /' "$2" | head -n 20
	fi
}

# --- 1. a session with a certificate
if ! start_d d1 -o TrustedUserCAKeys="$T/cas" --wait 120; then
	notok "assistd d1 did not start"
	exit 1
fi
tc helper
expect_rc "session with a certificate: reached rfb" 0
F1=$(newest)
check "one transcript file, mode 0600, in a 0700 directory" sh -c "
    [ \$(ls '$TDIR' | wc -l) -eq 1 ] &&
    [ \$(stat -c %a '$F1') = 600 ] && [ \$(stat -c %a '$TDIR') = 700 ]"
S1=$(field "$F1" cli.start session)
has "cli.start names the target" "$F1" \
    "^[0-9T:.-]{23}Z session=$S1 host=[^ ]+ user=$(id -un) event=cli.start seq=1 prev_session=none prev_chain=none version=0\.1\.0 pid=[0-9]+ target=$TEST_USER@127\.0\.0\.1:$PORT "
has "host.verified with the server's host key" "$F1" \
    " event=host.verified seq=2 conn_host=127\.0\.0\.1 port=$PORT hostkey_fp=$(re "$HOSTFP") how=known_hosts known_hosts=$(re "$T/kh"):1 "
has "auth.allow with the certificate's key ID and serial" "$F1" \
    " event=auth.allow seq=3 ssh_user=$TEST_USER via=file key_type=ssh-ed25519-cert-v01@openssh.com key_fp=$(re "$(fp_of "$T/helper.pub")") identity=$(re "$T/helper") cert=yes key_id=helper-alice serial=7 certificate=$(re "$T/helper-cert.pub") "
CODE1=$(sed -n 's/.*verification code \([0-9]*\) .*/\1/p' "$T/cli.out")
has "consent.wait: the user asked, the code shown" "$F1" \
    " event=consent.wait seq=4 what=session ws_user=$TEST_USER code=$CODE1 timeout_s=60 "
has "consent.outcome: accepted with control" "$F1" \
    " event=consent.outcome seq=5 outcome=accepted requested=control mode=control "
has "session.start with the mode" "$F1" \
    " event=session.start seq=6 subsystem=rfb mode=control "
has "session.end: helper left, duration and bytes" "$F1" \
    " event=session.end seq=7 reason=helper_left detail=--exit-after-accept duration_ms=[0-9]+ bytes_in=12 bytes_out=0 "
has "cli.stop status=0, the last line" "$F1" " event=cli.stop seq=8 status=0 chain="
check "... eight lines" [ "$(wc -l <"$F1")" -eq 8 ]
check "grep finds the helper's events by session" \
    [ "$(grep -c "session=$S1 " "$F1")" -eq 8 ]
C1=$(chain_ok "$F1")
check "every chain verifies" [ -n "$C1" ]
check "last chain kept in last-chain-cli" [ "$(cat "$STATE")" = "$S1 $C1" ]
# The check above can fail: one byte changed in line 3 breaks it there.
sed '3s/serial=7/serial=8/' "$F1" >"$T/tampered"
if ! cmp -s "$F1" "$T/tampered" &&
    ! chain_ok "$T/tampered" >/dev/null 2>"$T/tampered.err" &&
    grep -q '^line 3: chain ' "$T/tampered.err"; then
	ok "... and a changed byte is caught, on its line"
else
	notok "... and a changed byte is caught, on its line"
fi
check "assistd saw the certificate's key ID" grep -q 'key ID "helper-alice"' \
    "$T/d1.out"
wait_exit "$DPID" 10

# --- 2. a refused helper; the file chains to the first one
if start_d d2 -o TrustedUserCAKeys="$T/cas" --wait 120; then
	tc stranger
	expect_rc "stranger: authentication refused" $EXIT_AUTH
	F2=$(newest)
	check "a second file" [ "$F2" != "$F1" ]
	has "first line names the previous run" "$F2" \
	    " event=cli.start seq=1 prev_session=$S1 prev_chain=$C1 "
	has "host.verified" "$F2" " event=host.verified seq=2 "
	has "auth.deny with the reason" "$F2" \
	    " event=auth.deny seq=3 ssh_user=$TEST_USER reason=\"authentication refused for $TEST_USER@\[127\.0\.0\.1\]:$PORT \(publickey; tried: $(re "$T/stranger")\)\" "
	has "cli.stop with the exit status" "$F2" \
	    " event=cli.stop seq=4 status=$EXIT_AUTH reason=\"authentication refused "
	check "... no session lines" sh -c "! grep -q ' event=session' '$F2'"
	C2=$(chain_ok "$F2")
	check "every chain verifies" [ -n "$C2" ]
	check "last chain kept" [ "$(cat "$STATE")" = "$(field "$F2" cli.stop session) $C2" ]
	stop "$DPID"
else
	notok "assistd d2 did not start"
fi

F3= C3=

# --- 3. a transcript that cannot be created: no connection at all.
# The test account runs assist-cli here (root writes anywhere).
cp "$CLI" "$T/bin/assist-cli"
chmod 0755 "$T/bin/assist-cli"
mkdir -p "$T/ro/assist/transcripts"
chmod 0700 "$T/ro" "$T/ro/assist"
chmod 0500 "$T/ro/assist/transcripts"
[ "$(id -u)" -eq 0 ] && chown -R "$TEST_USER" "$T/ro"
if start_d d3 -o TrustedUserCAKeys="$T/cas" --wait 120; then
	echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh3"
	share "$T/kh3"
	# shellcheck disable=SC2086
	timeout 30 $RUNAS XDG_STATE_HOME="$T/ro" "$T/bin/assist-cli" -F none \
	    -o UserKnownHostsFile="$T/kh3" -o StrictHostKeyChecking=yes \
	    -o BatchMode=yes "$TEST_USER@127.0.0.1:$PORT" \
	    >"$T/cli.out" 2>"$T/cli.err" </dev/null
	RC=$?
	expect_rc "unwritable transcript directory: refused" $EXIT_TRANSCRIPT
	err_has "... one line naming the directory" \
	    "^assist-cli: cannot create the helper's transcript: cannot create transcript $T/ro/assist/transcripts/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{16}\.log: Permission denied; not connecting$"
	check "... nothing else said" [ "$(wc -l <"$T/cli.err")" -eq 1 ]
	sleep 1
	check "... assistd saw no connection" sh -c \
	    "! grep -q 'connection from' '$T/d3.out'"
	# The same assistd does see a connection that is made (so the
	# check above can fail).
	tc helper
	expect_rc "control: the next helper connects" 0
	check "... and assistd logged that connection" grep -q \
	    'connection from' "$T/d3.out"
	F3=$(newest)
	C3=$(chain_ok "$F3")
	wait_exit "$DPID" 10
else
	notok "assistd d3 did not start"
fi

# Group-writable: refused by the writer too, before any connection.
mkdir -p "$T/gw/assist/transcripts"
chmod 0770 "$T/gw/assist/transcripts"
XDG_STATE_HOME="$T/gw" env HOME="$HHOME" timeout 30 setsid -w "$CLI" \
    -F none -o BatchMode=yes "$TEST_USER@127.0.0.1:1" >"$T/cli.out" \
    2>"$T/cli.err" </dev/null
RC=$?
expect_rc "group-writable transcript directory: refused" $EXIT_TRANSCRIPT
err_says "... saying so" "writable by group or others (mode 0770); chmod go-w it; not connecting"

# --- 4. a line that cannot be written half-way: a file size limit that
# lets cli.start through but not host.verified. The connection ends with
# exit 72; the file keeps cli.start, whole.
if start_d d4 -o TrustedUserCAKeys="$T/cas" --wait 120; then
	# (F2's first line, like F4's, names a previous run.)
	limit=$(($(head -n 1 "$F2" | wc -c) + 40))
	echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh"
	env -u SSH_AUTH_SOCK HOME="$HHOME" timeout "$CLI_TIMEOUT" \
	    prlimit --fsize="$limit" setsid -w "$CLI" -F "$T/cfg" \
	    -o UserKnownHostsFile="$T/kh" -o StrictHostKeyChecking=yes \
	    -o IdentitiesOnly=yes -i "$T/helper" "$TEST_USER@127.0.0.1:$PORT" \
	    >"$T/cli.out" 2>"$T/cli.err" </dev/null
	RC=$?
	expect_rc "file size limit half-way: connection ended" $EXIT_TRANSCRIPT
	F4=$(newest)
	err_says "... one line naming the file" \
	    "assist-cli: transcript $F4: cannot write: File too large"
	check "... assistd saw the connection" grep -q 'connection from' \
	    "$T/d4.out"
	check "... the helper did not authenticate" sh -c \
	    "! grep -q 'helper authenticated' '$T/d4.out'"
	# (wc -l counts newlines: one line, and nothing after it.)
	if [ "$(wc -l <"$F4")" -eq 1 ] && [ -z "$(tail -c 1 "$F4")" ] &&
	    grep -q " event=cli.start seq=1 prev_session=$(field "$F3" \
	    cli.stop session) prev_chain=$C3 " "$F4"; then
		ok "... only cli.start kept, whole"
	else
		notok "... only cli.start kept, whole"
		sed 's/^/# /' "$F4"
	fi
	check "... and verifies" [ -n "$(chain_ok "$F4")" ]
	stop "$DPID"
else
	notok "assistd d4 did not start"
fi

# --- 5. how the host was verified, or why not
# hv ARGS...: assist-cli with the helper's certificate and known_hosts
# $T/khv; the newest transcript in $FV.
hv() {
	cli -F "$T/cfg" -o UserKnownHostsFile="$T/khv" \
	    -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes \
	    -i "$T/helper" "$@" "$TEST_USER@127.0.0.1:$PORT"
	FV=$(newest)
}
if start_d d5 -o TrustedUserCAKeys="$T/cas" --wait 120; then
	echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$T/stranger.pub")" >"$T/khv"
	hv -o StrictHostKeyChecking=yes
	expect_rc "changed host key: refused" 68
	has "... host.refused with the key and the reason" "$FV" \
	    " event=host.refused seq=2 hostkey_fp=$(re "$HOSTFP") reason=\"host key for \[127\.0\.0\.1\]:$PORT has CHANGED \(offending key in $(re "$T/khv"):1\); refusing to connect\" "
	has "... cli.stop status=68" "$FV" " event=cli.stop seq=3 status=68 "
	: >"$T/khv"
	hv -o StrictHostKeyChecking=accept-new
	expect_rc "unknown host key, accept-new: reached rfb" 0
	has "... host.verified how=accept-new" "$FV" \
	    " event=host.verified seq=2 conn_host=127\.0\.0\.1 port=$PORT hostkey_fp=$(re "$HOSTFP") how=accept-new strict=accept-new chain="
	wait_exit "$DPID" 10
else
	notok "assistd d5 did not start"
fi

cp "$UHOME/.config/assist/ssh_host_ed25519_key.pub" "$T/hostkey.pub"
ssh-keygen -q -s "$T/hostca" -h -I "ws-42" -n 127.0.0.1 -z 9 -V -5m:+1h \
    "$T/hostkey.pub"
share "$T/hostkey-cert.pub"
if start_d d6 -o TrustedUserCAKeys="$T/cas" \
    -o HostCertificate="$T/hostkey-cert.pub" --wait 120; then
	echo "@cert-authority [127.0.0.1]:$PORT $(cut -d' ' -f1,2 \
	    "$T/hostca.pub") Acme hosts" >"$T/khv"
	hv -o StrictHostKeyChecking=yes
	expect_rc "host certificate: reached rfb" 0
	has "... host.verified how=certificate, the CA, key ID and serial" \
	    "$FV" " event=host.verified seq=2 conn_host=127\.0\.0\.1 port=$PORT hostkey_fp=$(re "$HOSTFP") how=certificate host_ca_fp=$(re "$(fp_of "$T/hostca.pub")") host_key_id=ws-42 host_serial=9 chain="
	wait_exit "$DPID" 10
else
	notok "assistd d6 did not start"
fi

# --- 6. through the agent: via=agent (libssh does not say which key)
if start_d d7 -o TrustedUserCAKeys="$T/cas" --wait 120; then
	bg agent ssh-agent -D -a "$T/agent.sock"
	AGENTPID=$LASTPID
	wait_for "$T/agent.out" 'SSH_AUTH_SOCK' 10
	SSH_AUTH_SOCK="$T/agent.sock" ssh-add -q "$T/helper" 2>/dev/null
	echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/khv"
	cli -F "$T/cfg" -o UserKnownHostsFile="$T/khv" \
	    -o StrictHostKeyChecking=yes -o IdentityAgent="$T/agent.sock" \
	    "$TEST_USER@127.0.0.1:$PORT"
	expect_rc "agent: reached rfb" 0
	# The agent holds the key and its certificate; assistd takes only
	# the certificate, and the transcript names it.
	has "... auth.allow via=agent, with the certificate the agent signed with" \
	    "$(newest)" " event=auth.allow seq=3 ssh_user=$TEST_USER via=agent key_type=ssh-ed25519-cert-v01@openssh.com key_fp=$(re "$(fp_of "$T/helper.pub")") cert=yes key_id=helper-alice serial=7 agent=$(re "$T/agent.sock") chain="
	# The relay is a fork of assist-cli (same command line): gone too.
	# ("[U]" so that the pattern does not match the check's own sh.)
	check "... no relay process left" sh -c \
	    "! pgrep -f -- '[U]serKnownHostsFile=$T/khv' >/dev/null"
	wait_exit "$DPID" 10
	stop "$AGENTPID"
else
	notok "assistd d7 did not start"
fi
