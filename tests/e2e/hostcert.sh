# End to end: host certificates (R10). assistd sends its HostCertificate
# (made here with the real ssh-keygen -h) in the authentication banner;
# assist-cli checks it against @cert-authority lines before it offers a
# key: valid → no known_hosts entry needed, even with
# StrictHostKeyChecking=yes; wrong CA, wrong name, expired → a precise
# warning and the plain known_hosts check (refused: exit 67); revoked CA
# → refused (69); a certificate for another key → assistd does not start.
# The real OpenSSH ssh still connects and shows the banner.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

EXIT_UNKNOWN=67
EXIT_REVOKED=69

keygen helperkey
keygen hostca
keygen otherca
keygen otherhost
cp "$T/helperkey.pub" "$T/ak"
share "$T/ak"
install_key helperkey
HOSTCA=$(cut -d' ' -f1,2 "$T/hostca.pub")
OTHERCA=$(cut -d' ' -f1,2 "$T/otherca.pub")

# assistd's host key: created by a first start, then signed.
if ! start_d d0 -o AuthorizedKeysFile="$T/ak"; then
	notok "assistd d0 did not start"
	exit 1
fi
stop "$DPID"
HOSTKEYPUB="$UHOME/.config/assist/ssh_host_ed25519_key.pub"
cp "$HOSTKEYPUB" "$T/host.pub"

# sign NAME CA PRINCIPALS [ssh-keygen args]: $T/NAME-cert.pub, readable by
# the test account, for $T/host.pub (or $T/otherhost.pub when NAME says).
sign() {
	n=$1 ca=$2 names=$3
	shift 3
	key="$T/host.pub"
	case $n in other*) key="$T/otherhost.pub" ;; esac
	cp "$key" "$T/$n.pub"
	ssh-keygen -q -s "$T/$ca" -h -I "$n-id" -n "$names" -z 7 "$@" \
	    "$T/$n.pub" 2>/dev/null
	share "$T/$n-cert.pub"
}
sign good hostca 127.0.0.1,ws1.example -V -5m:+1h
sign wrongca otherca 127.0.0.1 -V -5m:+1h
sign wrongname hostca ws1.example,127.0.0.2 -V -5m:+1h
sign expired hostca 127.0.0.1 -V 20200101:20200102
sign otherkey hostca 127.0.0.1 -V -5m:+1h

printf 'Host *\n  HashKnownHosts no\n' >"$T/cfg"
# strict KH ARGS...: assist-cli, StrictHostKeyChecking=yes, KH the only
# known_hosts file.
strict() {
	f=$1
	shift
	cli -F "$T/cfg" -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$f" \
	    -o GlobalKnownHostsFile=/dev/null "$@" "$TEST_USER@127.0.0.1:$PORT"
}

# --- assistd refuses a certificate it cannot honestly present.
# refused WHAT FILE TEXT: assistd with HostCertificate=$T/FILE exits 1
# before listening, its error line containing TEXT.
refused() {
	what=$1 file=$2 text=$3
	bg "d_$file" $RUNAS "$ASSISTD" --listen 127.0.0.1:0 \
	    -o AuthorizedKeysFile="$T/ak" -o HostCertificate="$T/$file"
	wait_exit "$LASTPID" 10
	check "$what: assistd does not start" [ "$EXITCODE" -eq 1 ]
	check "... says why, naming the file" grep -Fq "$text" "$T/d_$file.out"
	check "... before listening" sh -c \
	    "! grep -q 'listening on' '$T/d_$file.out'"
}
refused "certificate for another host key" otherkey-cert.pub \
    "HostCertificate $T/otherkey-cert.pub: certifies another key than this assistd's host key; not starting"

ssh-keygen -q -s "$T/hostca" -I user-id -n 127.0.0.1 -z 8 "$T/host.pub"
cp "$T/host-cert.pub" "$T/usercert.pub"
share "$T/usercert.pub"
refused "user certificate as HostCertificate" usercert.pub \
    "HostCertificate $T/usercert.pub: a user certificate, not a host certificate"

echo "not a certificate" >"$T/junk.pub"
share "$T/junk.pub"
refused "malformed HostCertificate file" junk.pub \
    "HostCertificate $T/junk.pub: line 1:"

cp "$T/good-cert.pub" "$T/gw-cert.pub"
share "$T/gw-cert.pub"
chmod 0664 "$T/gw-cert.pub"
refused "group-writable HostCertificate (StrictModes)" gw-cert.pub \
    "HostCertificate $T/gw-cert.pub: "

# --- a valid certificate: no known host key needed.
if start_d d1 -o AuthorizedKeysFile="$T/ak" -o \
    HostCertificate="$T/good-cert.pub"; then
	check "assistd reports the certificate at start" grep -q \
	    "host certificate .*good-cert.pub: key ID \"good-id\", serial 7, names 127.0.0.1,ws1.example" \
	    "$T/d1.out"
	echo "@cert-authority [127.0.0.1]:$PORT $HOSTCA Acme hosts" >"$T/kh_ca"
	cp "$T/kh_ca" "$T/kh_ca.orig"
	strict "$T/kh_ca"
	expect_rc "valid host certificate, StrictHostKeyChecking=yes, no host key known: exit 0" 0
	err_says "... says which CA verified it" \
	    "host certificate from CA Acme hosts verified for [127.0.0.1]:$PORT (key ID \"good-id\", serial 7"
	check "... no prompt, nothing added to known_hosts" cmp -s "$T/kh_ca" \
	    "$T/kh_ca.orig"
	wait_exit "$DPID" 10
else
	notok "assistd d1 did not start"
fi

# A CA line with a wildcard pattern, hashed nothing, no comment: named by
# its fingerprint.
if start_d d1b -o AuthorizedKeysFile="$T/ak" -o \
    HostCertificate="$T/good-cert.pub"; then
	echo "@cert-authority 127.0.0.*,[127.0.0.1]:* $HOSTCA" >"$T/kh_wild"
	strict "$T/kh_wild"
	expect_rc "CA line with wildcard patterns, no comment: exit 0" 0
	err_says "... the CA named by its fingerprint" \
	    "host certificate from CA $(fp_of "$T/hostca.pub") verified"
	wait_exit "$DPID" 10
else
	notok "assistd d1b did not start"
fi

# --- the real OpenSSH ssh: prints the banner, connects as before.
if start_d d2 -o AuthorizedKeysFile="$T/ak" -o \
    HostCertificate="$T/good-cert.pub"; then
	# Refused (no key), but the banner comes first; quiet ssh hides it.
	timeout 30 $SSHC -o LogLevel=ERROR -i /dev/null -p "$PORT" \
	    -s "$TEST_USER@127.0.0.1" rfb </dev/null >/dev/null \
	    2>"$T/sshq.err"
	check "ssh -o LogLevel=ERROR does not print the banner" sh -c \
	    "grep -q 'Permission denied' '$T/sshq.err' && ! grep -q assistd '$T/sshq.err'"
	timeout 30 $SSHC -i "$T/helperkey" -p "$PORT" \
	    -s "$TEST_USER@127.0.0.1" rfb </dev/null >"$T/ssh.out" \
	    2>"$T/ssh.err"
	check "real ssh reaches rfb with the certificate banner" grep -q \
	    '^RFB 003.008$' "$T/ssh.out"
	check "... and shows the human line of the banner" grep -Fxq \
	    "This is assistd. Its host certificate, checked by assist-cli:" \
	    "$T/ssh.err"
	sed -n 's/^assistd-host-certificate: //p' "$T/ssh.err" >"$T/banner.pub"
	check "... the certificate line, as ssh-keygen -L reads it" sh -c \
	    "ssh-keygen -L -f '$T/banner.pub' | grep -q 'Key ID: \"good-id\"'"
	sed 's/^/# ssh: /' "$T/ssh.err" | cut -c1-100
	wait_exit "$DPID" 10
else
	notok "assistd d2 did not start"
fi

# --- invalid certificates: warned precisely, then known_hosts decides.
# try NAME CERT KHLINE WARNING: with StrictHostKeyChecking=yes and only
# the CA line, refused with 67 after the warning.
try() {
	n=$1 cert=$2 line=$3 warn=$4
	if ! start_d "d_$n" -o AuthorizedKeysFile="$T/ak" -o \
	    HostCertificate="$T/$cert"; then
		notok "assistd d_$n did not start"
		return
	fi
	echo "$line" | sed "s/PORT/$PORT/" >"$T/kh_$n"
	strict "$T/kh_$n"
	expect_rc "$n: falls back to known_hosts, refused (StrictHostKeyChecking=yes)" \
	    $EXIT_UNKNOWN
	err_says "... warns precisely" "$warn"
	err_says "... then the usual refusal" \
	    "host key for [127.0.0.1]:$PORT is unknown (ED25519 $HOSTFP) and StrictHostKeyChecking=yes"
	# The host is checked before any key is offered: assistd saw none.
	wait_for "$T/d_$n.out" 'connection closed' 10
	check "... no key was offered to the unverified host" sh -c \
	    "grep -q 'connection closed: helper disconnected before authentication' '$T/d_$n.out' && ! grep -Eq 'authentication refused|helper authenticated' '$T/d_$n.out'"
	stop "$DPID"
}
try wrongca wrongca-cert.pub "@cert-authority [127.0.0.1]:PORT $HOSTCA hosts" \
    "host certificate of [127.0.0.1]:"
try wrongname wrongname-cert.pub "@cert-authority * $HOSTCA hosts" \
    "not accepted: host name 127.0.0.1 is not among the certificate's principals"
try expired expired-cert.pub "@cert-authority * $HOSTCA hosts" \
    "not accepted: certificate expired at"
check "expired: assistd warned at start" grep -q \
    "warning: host certificate .*expired-cert.pub expired at" \
    "$T/d_expired.out"
try nomatch good-cert.pub "@cert-authority other.example $HOSTCA hosts" \
    "sent a host certificate, but no @cert-authority line of known_hosts matches it"

if start_d d3 -o AuthorizedKeysFile="$T/ak" -o \
    HostCertificate="$T/wrongca-cert.pub"; then
	echo "@cert-authority * $HOSTCA hosts" >"$T/kh_wc"
	strict "$T/kh_wc"
	expect_rc "wrong CA: refused without a known key" $EXIT_UNKNOWN
	err_has "... the warning names the unknown CA" \
	    "host certificate of \[127.0.0.1\]:$PORT not accepted: .*(CA|authority)"
	# Falls back like ssh: a known plain key still lets it in.
	printf '@cert-authority * %s hosts\n[127.0.0.1]:%s %s\n' "$HOSTCA" \
	    "$PORT" "$HOSTPUB" >"$T/kh_wc2"
	strict "$T/kh_wc2"
	expect_rc "wrong CA but host key known: exit 0 (known_hosts decides)" 0
	wait_exit "$DPID" 10
else
	notok "assistd d3 did not start"
fi

# --- a revoked CA: refused outright, as ssh does.
if start_d d4 -o AuthorizedKeysFile="$T/ak" -o \
    HostCertificate="$T/good-cert.pub"; then
	printf '@cert-authority * %s hosts\n@revoked * %s\n[127.0.0.1]:%s %s\n' \
	    "$HOSTCA" "$HOSTCA" "$PORT" "$HOSTPUB" >"$T/kh_rev"
	strict "$T/kh_rev"
	expect_rc "CA marked @revoked: refused even with the key known" \
	    $EXIT_REVOKED
	err_has "... naming the revoked CA line" \
	    "signed by CA hosts, which is marked @revoked in .*kh_rev:2"
	# Another CA line for the host still does not vouch for it.
	printf '@cert-authority * %s other\n' "$OTHERCA" >"$T/kh_oca"
	strict "$T/kh_oca"
	expect_rc "only another CA known: refused ($EXIT_UNKNOWN)" $EXIT_UNKNOWN
	stop "$DPID"
else
	notok "assistd d4 did not start"
fi

# --- no certificate: unchanged TOFU behaviour (CA lines do not matter).
if start_d d5 -o AuthorizedKeysFile="$T/ak"; then
	echo "@cert-authority * $HOSTCA hosts" >"$T/kh_nocert"
	strict "$T/kh_nocert"
	expect_rc "no certificate sent: StrictHostKeyChecking=yes refuses" \
	    $EXIT_UNKNOWN
	check "... without any certificate message" sh -c \
	    "! grep -qi certificate '$T/cli.err'"
	stop "$DPID"
else
	notok "assistd d5 did not start"
fi
