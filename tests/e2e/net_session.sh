# assistd's network process with the real OpenSSH client: exactly our
# algorithm lists on the wire (and logged at debug), other algorithms
# refused, subsystem rfb reads the RFB 3.8 greeting and ssh exits 0; a
# second helper is told why the monitor refused its session; the monitor's
# shutdown ends a live session in order.
. "$TOP/tests/e2e/lib.sh"

keygen helper
keygen second
cat "$T/helper.pub" "$T/second.pub" >"$T/authorized"
share "$T/authorized"
U=$TEST_USER@127.0.0.1

start_assistd s1 -o AuthorizedKeysFile="$T/authorized" --wait 60 -vv ||
	{ notok "assistd starts"; exit 1; }

# 1. What the server offers, as the client saw it.
timeout 20 $SSHC -vvv -i "$T/helper" -p "$PORT" \
    -o PreferredAuthentications=none "$U" true 2>&1 | tr -d '\r' >"$T/vv.out"
sed -n '/peer server KEXINIT proposal/,/first_kex_follows/p' "$T/vv.out" \
    >"$T/offer"
# expect LABEL LIST: the server's proposal line for LABEL is exactly LIST.
expect_offer() {
	if grep -qxF "debug2: $1: $2" "$T/offer"; then
		ok "server offers $1: $2"
	else
		notok "server offers $1 $2: got $(grep "debug2: $1:" "$T/offer")"
	fi
}
expect_offer "KEX algorithms" \
    "curve25519-sha256,curve25519-sha256@libssh.org,kex-strict-s-v00@openssh.com"
expect_offer "host key algorithms" "ssh-ed25519"
CIPHERS=chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com
MACS=hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com
expect_offer "ciphers ctos" "$CIPHERS"
expect_offer "ciphers stoc" "$CIPHERS"
expect_offer "MACs ctos" "$MACS"
expect_offer "MACs stoc" "$MACS"
expect_offer "compression ctos" "none"
expect_offer "compression stoc" "none"
SIGALGS="ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,\
ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,\
rsa-sha2-512,rsa-sha2-256,ssh-ed25519-cert-v01@openssh.com,\
sk-ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,\
ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,\
sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,\
rsa-sha2-256-cert-v01@openssh.com"
check "server-sig-algs is our publickey list" \
    grep -qF "server-sig-algs=<$SIGALGS>" "$T/vv.out"
check "strict KEX in use" grep -q 'will use strict KEX ordering' "$T/vv.out"
check "only publickey offered" \
    grep -qx 'debug1: Authentications that can continue: publickey' "$T/vv.out"
check "lists in force logged at debug" grep -qF \
    "kex algorithms in force: curve25519-sha256,curve25519-sha256@libssh.org" \
    "$T/s1.out"
check "publickey list in force logged at debug" \
    grep -qF "pubkey algorithms in force: $SIGALGS" "$T/s1.out"
check "sandbox entered before the key exchange" \
    grep -q 'sandbox entered; serving' "$T/s1.out"

# 2. Anything else is refused by the client for lack of a common algorithm.
# refused NAME PATTERN SSH-OPTIONS...: connection fails with PATTERN.
refused() {
	name=$1 pat=$2
	shift 2
	timeout 20 $SSHC -i "$T/helper" -p "$PORT" "$@" "$U" true \
	    >"$T/alg.out" 2>&1
	rc=$?
	if [ $rc -eq 255 ] && grep -q "$pat" "$T/alg.out"; then
		ok "$name refused"
	else
		notok "$name refused (rc=$rc): $(cat "$T/alg.out")"
	fi
}
refused "kex diffie-hellman-group14-sha256" "no matching key exchange" \
    -o KexAlgorithms=diffie-hellman-group14-sha256
refused "kex ecdh-sha2-nistp256" "no matching key exchange" \
    -o KexAlgorithms=ecdh-sha2-nistp256
refused "cipher aes128-ctr" "no matching cipher" -c aes128-ctr
refused "host key rsa-sha2-256" "no matching host key type" \
    -o HostKeyAlgorithms=rsa-sha2-256

# 3. The session: greeting, exactly, and a clean end (exit status 0).
printf 'RFB 003.008\n' >"$T/greeting.want"
# A first helper holds a session open (its stdin never ends) ...
mkfifo "$T/hold.in"
exec 3<>"$T/hold.in"
# (not through bg: an asynchronous command's stdin would be /dev/null)
$SSHC -i "$T/helper" -p "$PORT" -c aes256-gcm@openssh.com -s "$U" rfb \
    <&3 >"$T/hold.out" 2>"$T/hold.err" &
HOLD=$!
PIDS="$PIDS $HOLD"
if wait_for "$T/hold.out" '^RFB 003\.008$' 10 &&
    [ "$(head -c 12 "$T/hold.out" | od -An -c | tr -d ' \n')" = \
    'RFB003.008\n' ]; then
	ok "ssh -s rfb reads the RFB 3.8 greeting (aes256-gcm)"
else
	notok "ssh -s rfb reads the greeting: $(cat "$T/hold.out" "$T/hold.err")"
fi
# The question was on the user's screen: ssh printed whose answer it
# waited for and the verification code (the channel's stderr).
check "waiting line with the verification code on stderr" grep -Eqx \
    "assistd: waiting for $TEST_USER to accept; verification code [0-9]{6} \(60 s\)" \
    "$T/hold.err"
# ... so a second helper is refused, with the monitor's reason on stderr.
timeout 20 $SSHC -i "$T/second" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/second.out" 2>"$T/second.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'assistd: session refused: the user is busy with another helper' \
    "$T/second.err" && [ ! -s "$T/second.out" ]; then
	ok "second helper told why its session was refused (exit 1)"
else
	notok "second helper refused (rc=$rc): $(cat "$T/second.err")"
fi
check "first session still alive" kill -0 "$HOLD"

# 4. SIGTERM to assistd: the monitor sends IPC_SHUTDOWN, the session ends
#    in order (exit status 0, not "closed by remote host").
kill -TERM "$DPID"
if wait_exit "$HOLD" 10 && [ "$EXITCODE" -eq 0 ]; then
	ok "monitor shutdown ends the session in order (ssh exit 0)"
else
	notok "monitor shutdown ends the session (rc=$EXITCODE): $(cat "$T/hold.out")"
fi
check "shutdown reason reported" grep -q \
    'connection closed: shutdown by the monitor: stopped by signal' "$T/s1.out"
wait_exit "$DPID" 10
exec 3>&-

# 5. A fresh assistd: one plain session, end to end, exit status 0; the
#    helper's 8 MiB all reach the network process through re-keys every
#    1 MiB (counted, then dropped: no RFB server yet).
start_assistd s2 -o AuthorizedKeysFile="$T/authorized" --wait 60 -vv
head -c 8388608 /dev/urandom >"$T/8m"
timeout 60 $SSHC -i "$T/helper" -p "$PORT" -o RekeyLimit=1M -s "$U" rfb \
    <"$T/8m" >"$T/greeting" 2>"$T/greeting.err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$T/greeting" "$T/greeting.want"; then
	ok "ssh -s rfb: exactly the 12-byte greeting, exit 0"
else
	notok "ssh -s rfb (rc=$rc): $(od -c "$T/greeting" | head -n 2) $(cat "$T/greeting.err")"
fi
check "all 8388608 bytes of the helper received" \
    wait_for "$T/s2.out" ': 8388608 bytes from the helper dropped' 5
check "session end reported to the monitor" \
    grep -q 'connection closed: helper ended the session (EOF)' "$T/s2.out"
