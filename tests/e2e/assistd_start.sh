# assistd start-up: refuses root, host key creation and permissions,
# listening line and fingerprint, --wait expiry, refusals of bad options.
. "$TOP/tests/e2e/lib.sh"

keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"

# 1. Root is refused with a one-line reason (R1), when we are root.
if [ "$(id -u)" -eq 0 ]; then
	"$ASSISTD" --listen 127.0.0.1:0 -o AuthorizedKeysFile="$T/authorized" \
	    >"$T/root.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'refusing to run as root' "$T/root.out" &&
	    [ "$(wc -l <"$T/root.out")" -eq 1 ]; then
		ok "root refused with one line"
	else
		notok "root refused with one line (rc=$rc): $(cat "$T/root.out")"
	fi
fi

# 2. First start creates the host key (0600) and prints its fingerprint.
start_assistd d1 -o AuthorizedKeysFile="$T/authorized" --wait 30
KEY="$UHOME/.config/assist/ssh_host_ed25519_key"
mode=$(stat -c %a "$KEY" 2>/dev/null)
check "host key created with mode 600" [ "$mode" = 600 ]
fp=$(ssh-keygen -lf "$KEY.pub" | awk '{print $2}')
check "printed fingerprint is the key's" grep -q "created host key $fp (ssh-ed25519)" "$T/d1.out"
check "listening line names 127.0.0.1 and a port" [ -n "$PORT" ]
# The key the server presents is the one on disk.
ssh-keyscan -t ed25519 -p "$PORT" 127.0.0.1 2>/dev/null >"$T/scan"
scanfp=$(ssh-keygen -lf "$T/scan" 2>/dev/null | awk '{print $2}')
check "server presents that host key" [ "$scanfp" = "$fp" ]
stop "$DPID"

# 3. Second start reuses the same key.
start_assistd d2 -o AuthorizedKeysFile="$T/authorized" --wait 30
check "host key reused on restart" grep -q "using host key $fp" "$T/d2.out"
stop "$DPID"

# 4. A host key readable by others is refused, naming the file.
chmod 0644 "$KEY"
as_user "$ASSISTD" --listen 127.0.0.1:0 -o AuthorizedKeysFile="$T/authorized" \
    >"$T/perm.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "$KEY: host key is accessible by others" "$T/perm.out"; then
	ok "group/world-readable host key refused"
else
	notok "group/world-readable host key refused (rc=$rc): $(cat "$T/perm.out")"
fi
chmod 0600 "$KEY"

# 5. --wait: nobody connects, assistd exits with status 2 in time.
bg wait $RUNAS "$ASSISTD" --listen 127.0.0.1:0 \
    -o AuthorizedKeysFile="$T/authorized" --wait 2
wpid=$LASTPID
if wait_exit "$wpid" 10 && [ "$EXITCODE" -eq 2 ] &&
    grep -q 'no helper started a session within 2 seconds' "$T/wait.out"; then
	ok "--wait expiry exits with status 2"
else
	notok "--wait expiry exits with status 2 (rc=$EXITCODE): $(cat "$T/wait.out")"
fi

# 6. IPv6 loopback.
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	bg v6 $RUNAS "$ASSISTD" --listen '[::1]:0' \
	    -o AuthorizedKeysFile="$T/authorized" --wait 30
	v6pid=$LASTPID
	if wait_for "$T/v6.out" 'listening on \[::1\]:[0-9]+' 10; then
		p6=$(sed -n 's/.*listening on \[::1\]:\([0-9]*\).*/\1/p' "$T/v6.out")
		ssh-keyscan -t ed25519 -p "$p6" ::1 >"$T/scan6" 2>/dev/null
		check "IPv6 listener answers" grep -q ssh-ed25519 "$T/scan6"
	else
		notok "IPv6 listener starts: $(cat "$T/v6.out")"
	fi
	stop "$v6pid"
else
	echo "# no ::1 on this machine: IPv6 listener not tested"
fi

# 7. Bad options and inputs are refused with one line.
refused() {
	name=$1 re=$2
	shift 2
	as_user "$ASSISTD" "$@" >"$T/bad.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -Eq "$re" "$T/bad.out"; then
		ok "$name"
	else
		notok "$name (rc=$rc): $(cat "$T/bad.out")"
	fi
}
refused "no AuthorizedKeysFile refused" 'set AuthorizedKeysFile or TrustedUserCAKeys' \
    --listen 127.0.0.1:0
refused "hostname in --listen refused" 'not a numeric' \
    --listen localhost:5922 -o AuthorizedKeysFile="$T/authorized"
refused "bad port refused" "bad port" \
    --listen 127.0.0.1:99999 -o AuthorizedKeysFile="$T/authorized"
refused "bad duration refused" "not a duration" \
    --wait 5x -o AuthorizedKeysFile="$T/authorized"
# command= cannot be honoured (no shell, ever): the line is refused, not
# silently accepted without its restriction.
printf 'command="ls" %s\n' "$(cat "$T/helper.pub")" >"$T/withopts"
share "$T/withopts"
refused "authorized key line with command= refused with file:line" \
    "$T/withopts:1:" --listen 127.0.0.1:0 -o AuthorizedKeysFile="$T/withopts"
chmod 0666 "$T/withopts"
refused "authorized keys file writable by others refused" \
    "$T/withopts" --wait 5 --listen 127.0.0.1:0 -o AuthorizedKeysFile="$T/withopts"
