# assistd's network process, authentication, with the real OpenSSH client:
# an unlisted key, a wrong user name and a certificate are refused; no
# password prompt ever; the attempt limit disconnects; the login grace
# timer drops both a raw TCP client that stalls after the banner and an
# SSH client that stalls inside authentication.
. "$TOP/tests/e2e/lib.sh"
STALL="$BUILD/tests/tcpstall"

keygen helper
keygen other
keygen k1
keygen k2
keygen k3
# A listed key with a passphrase: its client stops in the middle of
# authentication to ask for it (through the askpass below).
ssh-keygen -q -t ed25519 -N 'secret phrase' -C slow -f "$T/slow" >/dev/null
# The helper's key again under another name, with a certificate (ssh
# picks up NAME-cert.pub by itself: only for the certificate test, where
# CertificateFile makes ssh offer the certificate before the plain key).
keygen ca
cp "$T/helper" "$T/certkey"
cp "$T/helper.pub" "$T/certkey.pub"
ssh-keygen -q -s "$T/ca" -I helper-cert -n "$TEST_USER" "$T/certkey.pub"
cat "$T/helper.pub" "$T/slow.pub" >"$T/authorized"
share "$T/authorized"
U=$TEST_USER@127.0.0.1

# askpass: records that it ran ($ASKPASS_MARK), waits $ASKPASS_SLEEP s,
# answers the passphrase.
cat >"$T/askpass" <<'EOF'
#!/bin/sh
: >"$ASKPASS_MARK"
sleep "${ASKPASS_SLEEP:-0}"
echo 'secret phrase'
EOF
chmod 0755 "$T/askpass"
# ssh_prompting ARGS...: ssh allowed to prompt (no BatchMode), through the
# askpass only, without a terminal.
ssh_prompting() {
	SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
	    setsid -w ssh -F /dev/null -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile="$T/ssh_known_hosts" -o IdentitiesOnly=yes \
	    -o ConnectTimeout=10 -o NumberOfPasswordPrompts=1 "$@" </dev/null
}

start_assistd a1 -o AuthorizedKeysFile="$T/authorized" --wait 120 \
    --login-grace-time 3 --max-auth-tries 2 ||
	{ notok "assistd starts"; exit 1; }

# expect_refused NAME LOGLINE SSH-ARGS...: ssh fails with "Permission
# denied (publickey)" and the monitor logged LOGLINE.
expect_refused() {
	name=$1 line=$2
	shift 2
	timeout 20 $SSHC -p "$PORT" "$@" >"$T/r.out" 2>&1
	rc=$?
	if [ $rc -eq 255 ] && grep -q 'Permission denied (publickey)' \
	    "$T/r.out" && wait_for "$T/a1.out" "$line" 5; then
		ok "$name"
	else
		notok "$name (rc=$rc): $(cat "$T/r.out")"
	fi
}
expect_refused "a key not listed is refused" \
    "refused for user $TEST_USER, ssh-ed25519 key SHA256:[^ ]*: key SHA256:[^ ]* not in " \
    -i "$T/other" -s "$U" rfb
expect_refused "a wrong user name is refused" \
    "refused for user root, ssh-ed25519 key .*: user root is not the account running assistd" \
    -i "$T/helper" -s root@127.0.0.1 rfb

# No password prompt: the client asked for password and
# keyboard-interactive only, may prompt, and is never asked.
rm -f "$T/asked.pw"
ASKPASS_MARK="$T/asked.pw" ssh_prompting -v -p "$PORT" -i "$T/helper" \
    -o PreferredAuthentications=password,keyboard-interactive \
    -s "$U" rfb >"$T/pw.out" 2>&1
rc=$?
if [ $rc -eq 255 ] && [ ! -e "$T/asked.pw" ] &&
    grep -q 'Authentications that can continue: publickey.$' "$T/pw.out" &&
    grep -q 'Permission denied (publickey)' "$T/pw.out"; then
	ok "PreferredAuthentications=password gets no password prompt"
else
	notok "no password prompt (rc=$rc, asked: $(ls "$T/asked.pw" 2>&1)): $(cat "$T/pw.out")"
fi

# The attempt limit (--max-auth-tries 2): the third key is never tried.
timeout 20 $SSHC -p "$PORT" -i "$T/k1" -i "$T/k2" -i "$T/k3" -s "$U" rfb \
    >"$T/tries.out" 2>&1
rc=$?
if [ $rc -eq 255 ] && grep -q 'Too many authentication failures' \
    "$T/tries.out"; then
	ok "attempt limit disconnects with its reason"
else
	notok "attempt limit disconnects (rc=$rc): $(cat "$T/tries.out")"
fi
wait_for "$T/a1.out" 'connection closed: too many authentication failures' 5
k3fp=$(ssh-keygen -lf "$T/k3.pub" | awk '{print $2}')
check "attempt limit reported to the monitor" \
    grep -q 'connection closed: too many authentication failures (2)' "$T/a1.out"
check "no attempt after the limit" sh -c "! grep -qF '$k3fp' '$T/a1.out'"

# The grace timer (--login-grace-time 3), raw TCP: the network process's
# own timer drops the client (the monitor's backstop would take 8 s).
"$STALL" "$PORT" 15 1 >"$T/stall.out"
ms=$(sed -n 's/.*banner "SSH-2.0-[^"]*" closed-after \([0-9]*\)$/\1/p' \
    "$T/stall.out")
if [ -n "$ms" ] && [ "$ms" -ge 2900 ] && [ "$ms" -le 4500 ]; then
	ok "stalled TCP client dropped by the grace timer after $ms ms"
else
	notok "stalled TCP client dropped by the grace timer: $(cat "$T/stall.out")"
fi
check "grace timer reported" wait_for "$T/a1.out" \
    'connection closed: login grace time \(3 s\) exceeded' 5

# The grace timer inside authentication: the client got PK_OK for the
# passphrase key and waits 8 s in the askpass.
rm -f "$T/asked.slow"
n0=$(grep -c 'login grace time (3 s) exceeded' "$T/a1.out")
start=$(date +%s%N)
ASKPASS_MARK="$T/asked.slow" ASKPASS_SLEEP=8 ssh_prompting -p "$PORT" \
    -i "$T/slow" -s "$U" rfb >"$T/slow.out" 2>&1 &
SLOW=$!
PIDS="$PIDS $SLOW"
i=0
while [ "$(grep -c 'login grace time (3 s) exceeded' "$T/a1.out")" -le "$n0" ] &&
    [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
ms=$((($(date +%s%N) - start) / 1000000))
if [ -e "$T/asked.slow" ] && [ $i -lt 100 ] && [ "$ms" -le 4500 ]; then
	ok "client stalled in authentication dropped after $ms ms"
else
	notok "client stalled in authentication dropped ($ms ms, asked: $(ls "$T/asked.slow" 2>&1))"
fi
wait_exit "$SLOW" 15
check "stalled client was not let in" [ "$EXITCODE" -ne 0 ]
# The askpass did run there: the no-prompt check above could have failed.
check "askpass mechanism works (prompt check is live)" [ -e "$T/asked.slow" ]

# The same deadline for an authenticated helper that asks for no session.
timeout 20 $SSHC -p "$PORT" -i "$T/helper" -N "$U" >"$T/idle.out" 2>&1
rc=$?
if [ $rc -eq 255 ] && grep -q 'No session requested in time' "$T/idle.out" &&
    wait_for "$T/a1.out" 'no session requested within the login grace time' 5
then
	ok "authenticated helper without a session dropped at the deadline"
else
	notok "helper without a session dropped (rc=$rc): $(cat "$T/idle.out")"
fi

# A certificate is refused (no CA is trusted here), never taken for its
# plain key; the plain key itself then gets in (one session: assistd exits).
timeout 20 $SSHC -p "$PORT" -i "$T/certkey" \
    -o CertificateFile="$T/certkey-cert.pub" -s "$U" rfb </dev/null \
    >"$T/cert.out" 2>"$T/cert.err"
rc=$?
check "certificate refused: no CA trusted" grep -q \
    "refused for user $TEST_USER, ssh-ed25519-cert-v01@openssh.com key .*: certificate offered, but no CA is trusted" \
    "$T/a1.out"
if [ $rc -eq 0 ] && grep -q '^RFB 003.008$' "$T/cert.out"; then
	ok "plain key accepted after its certificate was refused"
else
	notok "plain key accepted after the certificate (rc=$rc): $(cat "$T/cert.err")"
fi
check "accepted decisions: the idle helper and the session" \
    [ "$(grep -c 'helper authenticated as user' "$T/a1.out")" -eq 2 ]
