#!/bin/sh
# assist-ca with the real programs: a helper certificate it signs lets
# the real OpenSSH ssh in through assistd's access policy (TrustedUserCAKeys,
# RevokedKeys), each of its restrictions (principals, source-address,
# validity) is honoured, its revocations (by serial, key ID and key) keep
# helpers out once the KRL is deployed, and its host certificate and
# printed @cert-authority line let assist-cli verify assistd.

. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

CA_TOOL=${CA_TOOL:-"$TOP/keys/assist-ca"}
ca() { "$CA_TOOL" "$@"; }
exec </dev/null


D="$T/ca"
ca init -d "$D" -n "Helpdesk CA" --no-passphrase >/dev/null 2>&1
check "CA created" [ -f "$D/ca.pub" ]

# deploy: what init/revoke tell administrators to do, into $T/etc (a
# user-layer file here: the administrator's layer is /etc/assist).
deploy() {
	mkdir -p "$T/etc"
	cp "$D/ca.pub" "$T/etc/user_ca_keys"
	cp "$D/revoked.krl" "$T/etc/revoked.krl"
	share "$T/etc/user_ca_keys" "$T/etc/revoked.krl"
	chmod 0755 "$T/etc"
}

# helper NAME ARGS...: key $T/NAME and its certificate $T/NAME-cert.pub,
# signed by assist-ca with ARGS.
helper() {
	n=$1
	shift
	keygen "$n"
	ca -d "$D" sign-helper "$@" "$T/$n.pub" >"$T/$n.sign" 2>&1 ||
	    echo "# sign-helper $n failed: $(cat "$T/$n.sign")" >&2
}

# try NAME KEY: the real ssh with KEY and its certificate; output in
# $T/NAME.ssh.
try() {
	timeout 20 $SSHC -p "$PORT" -i "$T/$2" \
	    -o CertificateFile="$T/$2-cert.pub" "$TEST_USER@127.0.0.1" \
	    -s rfb >"$T/$1.ssh" 2>&1 </dev/null
}

# got_in NAME: the session was reached (assistd's RFB greeting came back).
got_in() { grep -q '^RFB 003\.008' "$T/$1.ssh"; }
# kept_out NAME: refused at authentication, and nothing of a session.
kept_out() { grep -q 'Permission denied' "$T/$1.ssh" && ! grep -q '^RFB' "$T/$1.ssh"; }

U=$TEST_USER
helper good -I good@helpdesk -n "$U"
helper byserial -I byserial@helpdesk -n "$U"
helper byid -I byid@helpdesk -n "$U"
helper bykey -I bykey@helpdesk -n "$U"
helper otherprinc -I other@helpdesk -n someone-else
helper faraway -I far@helpdesk -n "$U" -s 10.0.0.0/8,192.168.0.0/16
helper nearby -I near@helpdesk -n "$U" -s 127.0.0.0/8
helper expired -I old@helpdesk -n "$U" -V -2d:-1d
helper future -I future@helpdesk -n "$U" -V +1d:+2d

# --- before any revocation: the first good certificate gets in.
deploy
start_assistd d1 -o TrustedUserCAKeys="$T/etc/user_ca_keys" \
    -o RevokedKeys="$T/etc/revoked.krl" ||
    { notok "assistd d1 did not start: $(head -c 300 "$T/d1.out")"; exit 1; }
try byserial0 byserial
check "an assist-ca certificate lets the real ssh in" got_in byserial0
wait_exit "$DPID" 10
check "assistd logged the certificate" grep -q 'helper authenticated as user .* with ssh-ed25519-cert-v01@openssh.com key' "$T/d1.out"

# --- revoke three ways, deploy, and try everyone against a new assistd.
ca -d "$D" revoke -z "$(sed -n 's/.*as serial \([0-9]*\)$/\1/p' "$T/byserial.sign")" >/dev/null 2>&1
ca -d "$D" revoke -I byid@helpdesk >/dev/null 2>&1
ca -d "$D" revoke "$T/bykey.pub" >/dev/null 2>&1
deploy
start_assistd d2 -o TrustedUserCAKeys="$T/etc/user_ca_keys" \
    -o RevokedKeys="$T/etc/revoked.krl" -o MaxAuthTries=20 ||
    { notok "assistd d2 did not start: $(head -c 300 "$T/d2.out")"; exit 1; }
try s1 byserial
check "revoked by serial: refused" kept_out s1
try s2 byid
check "revoked by key ID: refused" kept_out s2
try s3 bykey
check "revoked by key: refused" kept_out s3
try s4 otherprinc
check "principal that is not the account: refused" kept_out s4
try s5 faraway
check "source-address 10.0.0.0/8 from 127.0.0.1: refused" kept_out s5
try s6 expired
check "expired (-V -2d:-1d): refused" kept_out s6
try s7 future
check "not yet valid (-V +1d:+2d): refused" kept_out s7
check "assistd's log names the revocations" sh -c \
    '[ "$(grep -ci revoked "$1")" -ge 3 ]' sh "$T/d2.out"
check "assistd's log names the source-address" grep -q 'source 127.0.0.1 not in certificate source-address "10.0.0.0/8,192.168.0.0/16"' "$T/d2.out"
try s8 nearby
check "source-address 127.0.0.0/8 from 127.0.0.1: in" got_in s8
wait_exit "$DPID" 10

# --- host certificate: assist-cli verifies assistd without its fingerprint.
HOSTPUB="$UHOME/.config/assist/ssh_host_ed25519_key.pub"
cp "$HOSTPUB" "$T/wshost.pub"
ca -d "$D" sign-host -n 127.0.0.1,ws1.example "$T/wshost.pub" >"$T/host.sign" 2>&1
share "$T/wshost-cert.pub"
grep '^@cert-authority ' "$T/host.sign" >"$KH"
check "sign-host printed the @cert-authority line" [ -s "$KH" ]
install_key good
start_assistd d3 -o TrustedUserCAKeys="$T/etc/user_ca_keys" \
    -o RevokedKeys="$T/etc/revoked.krl" \
    -o HostCertificate="$T/wshost-cert.pub" ||
    { notok "assistd d3 did not start: $(head -c 300 "$T/d3.out")"; exit 1; }
check "assistd presents the assist-ca host certificate" \
    grep -q '^assistd: host certificate .*: key ID "host 127.0.0.1", serial [0-9]*, names 127.0.0.1,ws1.example, ' "$T/d3.out"
cp "$T/good-cert.pub" "$HHOME/.ssh/id_ed25519-cert.pub"
printf 'Host *\n  HashKnownHosts no\n' >"$T/cfg"
cli -F "$T/cfg" -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KH" \
    -o GlobalKnownHostsFile=/dev/null "$TEST_USER@127.0.0.1:$PORT"
check "assist-cli verified the assist-ca host certificate with the printed line" \
    grep -q 'host certificate from CA Helpdesk CA verified for \[127.0.0.1\]:' "$T/cli.err"
check "and wrote nothing to known_hosts" [ "$(wc -l <"$KH")" = 1 ]
stop "$DPID"
