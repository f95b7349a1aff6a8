# End to end: assist-cli reaches the rfb subsystem of a real assistd, and
# its known_hosts lines and OpenSSH's are interchangeable (each client
# trusts what the other wrote, with StrictHostKeyChecking=yes).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

keygen helperkey
cp "$T/helperkey.pub" "$T/ak"
share "$T/ak"
install_key helperkey
ALIAS=assist-e2e

# --- 1: first contact, Debian's /etc/ssh/ssh_config in force (it says
# HashKnownHosts yes and has SendEnv/GSSAPI lines), accept-new from -o.
if start_d d1 -o AuthorizedKeysFile="$T/ak"; then
	cli -o StrictHostKeyChecking=accept-new -o HostKeyAlias=$ALIAS \
	    "$TEST_USER@127.0.0.1:$PORT"
	expect_rc "first connection exits 0" 0
	check "prints the connected line with the RFB version" grep -q \
	    "^assist-cli: connected to $TEST_USER@127.0.0.1:$PORT (RFB 003.008)" \
	    "$T/cli.out"
	err_says "accept-new says what it added, with the fingerprint" \
	    "Permanently added '$ALIAS' (ED25519 $HOSTFP) to $KH without verification, because StrictHostKeyChecking=accept-new (from the command line)"
	if grep -Eqi '^[[:space:]]*HashKnownHosts[[:space:]=]+yes' \
	    /etc/ssh/ssh_config; then
		check "known_hosts line hashed (HashKnownHosts yes, system file)" \
		    grep -q '^|1|' "$KH"
	else
		check "known_hosts line plain (no HashKnownHosts in system file)" \
		    grep -q "^$ALIAS " "$KH"
	fi
	check "the real ssh-keygen -F finds our hashed line" sh -c \
	    "ssh-keygen -F '$ALIAS' -f '$KH' | grep -q '$HOSTPUB'"
	check "assistd authenticated the helper key" grep -q \
	    "helper authenticated as user $TEST_USER with ssh-ed25519 key $(fp_of "$T/helperkey.pub")" \
	    "$T/d1.out"
	wait_exit "$DPID" 10
	check "assistd ends after the one session" [ "$EXITCODE" -eq 0 ]
else
	notok "assistd d1 did not start"
fi

# --- 2: the real OpenSSH client trusts the line assist-cli wrote.
if start_d d2 -o AuthorizedKeysFile="$T/ak"; then
	timeout 30 ssh -F /dev/null -o BatchMode=yes \
	    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KH" \
	    -o HostKeyAlias=$ALIAS -o IdentitiesOnly=yes -i "$T/helperkey" \
	    -p "$PORT" -s "$TEST_USER@127.0.0.1" rfb </dev/null \
	    >"$T/ssh2.out" 2>"$T/ssh2.err"
	check "ssh with StrictHostKeyChecking=yes accepts our known_hosts" \
	    grep -q '^RFB 003.008$' "$T/ssh2.out"
else
	notok "assistd d2 did not start"
fi

# --- 3: and assist-cli trusts a line the real ssh wrote.
if start_d d3 -o AuthorizedKeysFile="$T/ak"; then
	timeout 30 ssh -F /dev/null -o BatchMode=yes \
	    -o StrictHostKeyChecking=accept-new -o HashKnownHosts=yes \
	    -o UserKnownHostsFile="$T/kh_by_ssh" -o HostKeyAlias=$ALIAS \
	    -o IdentitiesOnly=yes -i "$T/helperkey" -p "$PORT" \
	    -s "$TEST_USER@127.0.0.1" rfb </dev/null >/dev/null 2>&1
	check "ssh wrote a hashed known_hosts line" grep -q '^|1|' \
	    "$T/kh_by_ssh"
else
	notok "assistd d3 did not start"
fi
if start_d d4 -o AuthorizedKeysFile="$T/ak"; then
	cli -F /dev/null -o StrictHostKeyChecking=yes \
	    -o UserKnownHostsFile="$T/kh_by_ssh" -o HostKeyAlias=$ALIAS \
	    "$TEST_USER@127.0.0.1:$PORT"
	expect_rc "StrictHostKeyChecking=yes accepts ssh's hashed line" 0
else
	notok "assistd d4 did not start"
fi

# --- 4: IPv6 destination "[::1]:port", host key looked up as [::1]:port.
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; then
	bg d6 $RUNAS "$ASSISTD" --listen '[::1]:0' -o AuthorizedKeysFile="$T/ak"
	if wait_for "$T/d6.out" '^assistd: listening on ' 10; then
		P6=$(sed -n 's/^assistd: listening on \[::1\]:\([0-9]*\).*/\1/p' \
		    "$T/d6.out" | head -n 1)
		echo "[::1]:$P6 $HOSTPUB" >"$T/kh6"
		cli -F /dev/null -o StrictHostKeyChecking=yes \
		    -o UserKnownHostsFile="$T/kh6" "$TEST_USER@[::1]:$P6"
		expect_rc "IPv6 [::1]:port destination reaches rfb" 0
		check "IPv6 connected line" grep -q \
		    "connected to $TEST_USER@\[::1\]:$P6 (RFB" "$T/cli.out"
	else
		notok "assistd on [::1] did not start"
	fi
else
	ok "IPv6 case skipped: no ::1 on lo"
fi
