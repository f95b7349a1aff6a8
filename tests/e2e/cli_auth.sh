# End to end: assist-cli's publickey authentication against a real
# assistd: a key not listed is refused (exit 70), ssh-agent keys are used
# (real ssh-agent + ssh-add, stopped by PID), -i KEY offers KEY-cert.pub
# first and then the plain key (assistd takes only plain listed keys for
# now), a CertificateFile is paired with its key by content, IdentitiesOnly
# keeps the agent out, unsafe or encrypted keys are skipped with a reason,
# and a passphrase is asked on the terminal.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

EXIT_AUTH=70

keygen listed
keygen unlisted
keygen ca
cp "$T/listed.pub" "$T/ak"
share "$T/ak"
LISTED_FP=$(fp_of "$T/listed.pub")
# certificates made by the real ssh-keygen
ssh-keygen -q -s "$T/ca" -I helper-listed -n "$TEST_USER" -V -5m:+1h \
    "$T/listed.pub"
ssh-keygen -q -s "$T/ca" -I helper-unlisted -n "$TEST_USER" -V -5m:+1h \
    "$T/unlisted.pub"
printf 'Host *\n  HashKnownHosts no\n' >"$T/cfg"

# ac ARGS...: assist-cli with the host key already known.
ac() {
	echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh"
	cli -F "$T/cfg" -o UserKnownHostsFile="$T/kh" \
	    -o StrictHostKeyChecking=yes "$@" "$TEST_USER@127.0.0.1:$PORT"
}

if ! start_d d1 -o AuthorizedKeysFile="$T/ak"; then
	notok "assistd d1 did not start"
	exit 1
fi

# --- refusals (none of them uses up assistd's one session)
ac -i "$T/unlisted" -o IdentitiesOnly=yes
expect_rc "key not listed: authentication refused" $EXIT_AUTH
err_has "... one error line naming what was tried" \
    "^assist-cli: authentication refused for $TEST_USER@\[127.0.0.1\]:$PORT \(publickey; tried: .*unlisted.*\)$"
check "assistd logged the refusal" grep -q \
    "authentication refused for user $TEST_USER, ssh-ed25519 key $(fp_of "$T/unlisted.pub")" \
    "$T/d1.out"

cp "$T/listed" "$T/open"
cp "$T/listed.pub" "$T/open.pub"
chmod 0644 "$T/open"
ac -i "$T/open" -o IdentitiesOnly=yes
expect_rc "private key readable by others: ignored" $EXIT_AUTH
err_has "... with ssh's warning" "UNPROTECTED PRIVATE KEY FILE: permissions 0644 for .*open are too open"

cp "$T/listed" "$T/enc"
ssh-keygen -q -p -N 'right horse' -f "$T/enc" >/dev/null
ac -i "$T/enc" -o IdentitiesOnly=yes -o BatchMode=yes
expect_rc "encrypted key in BatchMode: skipped" $EXIT_AUTH
err_has "... saying why" "is encrypted and BatchMode forbids asking"

# A certificate file that certifies another key is not offered with ours.
ac -i "$T/unlisted" -o IdentitiesOnly=yes \
    -o CertificateFile="$T/listed-cert.pub" -v
expect_rc "CertificateFile of another key: not used" $EXIT_AUTH
check "... not offered with the unlisted key" sh -c \
    "! grep -q 'offering .*unlisted with certificate .*/listed-cert.pub' '$T/cli.err'"
check "... its own certificate was offered first" grep -q \
    "offering $T/unlisted with certificate $T/unlisted-cert.pub" "$T/cli.err"

# --- the agent: real ssh-agent, keys added with ssh-add
bg agent ssh-agent -D -a "$T/agent.sock"
AGENTPID=$LASTPID
wait_for "$T/agent.out" 'SSH_AUTH_SOCK' 10
SSH_AUTH_SOCK="$T/agent.sock" ssh-add -q "$T/listed" 2>/dev/null
check "ssh-add loaded key and certificate" sh -c \
    "SSH_AUTH_SOCK='$T/agent.sock' ssh-add -l | grep -c '$LISTED_FP' | grep -q 2"

# IdentitiesOnly keeps the agent out: only the unlisted -i key is tried.
echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh"
env SSH_AUTH_SOCK="$T/agent.sock" HOME="$HHOME" timeout 60 setsid -w \
    "$CLI" -F "$T/cfg" -o UserKnownHostsFile="$T/kh" -o IdentitiesOnly=yes \
    -i "$T/unlisted" "$TEST_USER@127.0.0.1:$PORT" >"$T/cli.out" \
    2>"$T/cli.err" </dev/null
RC=$?
expect_rc "IdentitiesOnly=yes: agent not used" $EXIT_AUTH
check "... agent not tried" sh -c "! grep -q 'tried: agent' '$T/cli.err'"

# IdentityAgent=none: the same without IdentitiesOnly.
env SSH_AUTH_SOCK="$T/agent.sock" HOME="$HHOME" timeout 60 setsid -w \
    "$CLI" -F "$T/cfg" -o UserKnownHostsFile="$T/kh" -o IdentityAgent=none \
    -i "$T/unlisted" "$TEST_USER@127.0.0.1:$PORT" >"$T/cli.out" \
    2>"$T/cli.err" </dev/null
RC=$?
expect_rc "IdentityAgent=none: agent not used" $EXIT_AUTH

# Agent via IdentityAgent (no SSH_AUTH_SOCK in the environment).
ac -o IdentityAgent="$T/agent.sock" -v
expect_rc "agent key accepted (IdentityAgent)" 0
check "... reached rfb" grep -q "(RFB 003.008)" "$T/cli.out"
check "assistd saw the agent's key" grep -q \
    "helper authenticated as user $TEST_USER with ssh-ed25519 key $LISTED_FP" \
    "$T/d1.out"
wait_exit "$DPID" 10
stop "$AGENTPID"
check "ssh-agent stopped" sh -c "! kill -0 $AGENTPID 2>/dev/null"

# --- -i KEY with KEY-cert.pub: certificate first, then the plain key.
if start_d d2 -o AuthorizedKeysFile="$T/ak"; then
	ac -i "$T/listed" -o IdentitiesOnly=yes -v
	expect_rc "-i key with certificate: accepted" 0
	check "... certificate offered before the plain key" sh -c "
	    grep -n 'offering' '$T/cli.err' | head -n 1 |
	    grep -q 'with certificate $T/listed-cert.pub'"
	check "... assistd refused the certificate (plain keys only for now)" \
	    grep -q "ssh-ed25519-cert-v01@openssh.com" "$T/d2.out"
	check "... and accepted the plain key" grep -q \
	    "helper authenticated as user $TEST_USER with ssh-ed25519 key $LISTED_FP" \
	    "$T/d2.out"
else
	notok "assistd d2 did not start"
fi

# --- CertificateFile elsewhere, paired with its key by content.
mkdir -p "$T/certs"
mv "$T/listed-cert.pub" "$T/certs/mine.pub"
if start_d d3 -o AuthorizedKeysFile="$T/ak"; then
	ac -i "$T/listed" -o IdentitiesOnly=yes -v \
	    -o CertificateFile="$T/unlisted-cert.pub" \
	    -o CertificateFile="$T/certs/mine.pub"
	expect_rc "CertificateFile paired by key: accepted" 0
	check "... the matching certificate was offered" grep -q \
	    "offering $T/listed with certificate $T/certs/mine.pub" \
	    "$T/cli.err"
	check "... the other one was not" sh -c \
	    "! grep -q 'listed with certificate .*unlisted-cert' '$T/cli.err'"
else
	notok "assistd d3 did not start"
fi

# --- passphrase asked on the terminal (wrong once, then right).
if start_d d4 -o AuthorizedKeysFile="$T/ak"; then
	echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh"
	cli_tty 'wrong\nright horse\n' -F "$T/cfg" \
	    -o UserKnownHostsFile="$T/kh" -o IdentitiesOnly=yes -i "$T/enc" \
	    "$TEST_USER@127.0.0.1:$PORT"
	expect_rc "encrypted key: passphrase asked, second try right" 0
	check "... prompt names the key" grep -Fq \
	    "Enter passphrase for key '$T/enc':" "$T/cli.tty"
	check "... the wrong one was reported" grep -q "Bad passphrase" \
	    "$T/cli.tty"
	check "... the passphrase was not echoed" sh -c \
	    "! grep -q 'right horse' '$T/cli.tty'"
else
	notok "assistd d4 did not start"
fi
