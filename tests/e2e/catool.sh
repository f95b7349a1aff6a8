#!/bin/sh
# keys/assist-ca, the administrator's CA tool, end to end: every command,
# every certificate checked by the real ssh-keygen (-L for contents, -Q
# against the KRL, -F for the printed @cert-authority line), serials that
# persist and are never reused, refusal to overwrite a CA, and bad
# arguments (one error line, nothing signed, nothing run).
. "$TOP/tests/e2e/lib.sh"

CA_TOOL=${CA_TOOL:-"$TOP/keys/assist-ca"}
ca() { "$CA_TOOL" "$@"; }
D="$T/ca"
cd "$T" || exit 1
# No terminal: ssh-keygen must never wait for a passphrase typed here.
exec </dev/null

# fails NAME RC CMD...: CMD exits with RC and says exactly one line,
# prefixed "assist-ca: ", on stderr.
fails() {
	name=$1 want=$2
	shift 2
	"$@" >"$T/f.out" 2>"$T/f.err"
	rc=$?
	lines=$(wc -l <"$T/f.err")
	if [ "$rc" -ne "$want" ]; then
		notok "$name: exit $rc, want $want ($(head -c 200 "$T/f.err"))"
	elif [ "$lines" -ne 1 ] || ! grep -q '^assist-ca: ' "$T/f.err"; then
		notok "$name: want one 'assist-ca:' line on stderr, got $lines: $(head -c 300 "$T/f.err")"
	else
		ok "$name ($(cat "$T/f.err"))"
	fi
}

# certinfo CERT: ssh-keygen -L output, for grep.
certinfo() { ssh-keygen -L -f "$1" 2>&1; }

# has CERT FIXED-LINE: the -L output has a line that is exactly this
# (leading blanks ignored).
has() { certinfo "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -qxF -- "$2"; }

# revoked KRL FILE: ssh-keygen -Q says REVOKED (and not just "not ok").
revoked() { ssh-keygen -Q -f "$1" "$2" 2>&1 | grep -q ': REVOKED$'; }
notrevoked() { ssh-keygen -Q -f "$1" "$2" 2>&1 | grep -q ': ok$'; }

# section CERT HEADING: the items under HEADING (Principals, Critical
# Options, Extensions) of ssh-keygen -L, comma-joined.
section() {
	ssh-keygen -L -f "$1" | awk -v h="$2:" '
		/^        [^ ]/ { sub(/^ +/, ""); on = index($0, h) == 1; next }
		on { sub(/^ +/, ""); print }' | paste -sd, -
}

serial_of() { certinfo "$1" | sed -n 's/^[[:space:]]*Serial: //p'; }
fp() { ssh-keygen -l -E sha256 -f "$1" | awk '{ print $2 }'; }

# skkey NAME: a FIDO sk-ssh-ed25519 public key (no token needed to sign
# one: the CA signs only the public part). Built from an ed25519 key's 32
# bytes with the "ssh:" application, as PROTOCOL.u2f lays it out.
skkey() {
	keygen "$1.tmp"
	base64 -d <<EOF | tail -c 32 >"$T/$1.raw"
$(cut -d' ' -f2 "$T/$1.tmp.pub")
EOF
	{
		printf '\000\000\000\032sk-ssh-ed25519@openssh.com\000\000\000\040'
		cat "$T/$1.raw"
		printf '\000\000\000\004ssh:'
	} | base64 -w0 >"$T/$1.b64"
	printf 'sk-ssh-ed25519@openssh.com %s %s\n' "$(cat "$T/$1.b64")" "$1" >"$T/$1.pub"
}

# --- help --------------------------------------------------------------------
ca help >"$T/help.out" 2>&1
check "help exits 0" [ $? -eq 0 ]
check "help names every command" sh -c 'for c in init sign-helper sign-host revoke list; do grep -q "assist-ca $c" "$1" || exit 1; done' sh "$T/help.out"
check "version" sh -c '"$1" version | grep -qx "assist-ca [0-9.]*"' sh "$CA_TOOL"
fails "no command" 2 ca
fails "unknown command" 2 ca frobnicate

# --- init --------------------------------------------------------------------
ca init -d "$D" -n "Test Helpdesk CA" --no-passphrase >"$T/init.out" 2>&1
check "init exits 0" [ $? -eq 0 ]
check "init made key, pub, serial, logs, KRL, certs/" sh -c \
    'for f in ca ca.pub serial issued.log revoked.log revoked.krl; do [ -f "$1/$f" ] || exit 1; done; [ -d "$1/certs" ]' sh "$D"
check "CA private key is mode 0600" [ "$(stat -c %a "$D/ca")" = 600 ]
check "CA directory is mode 0700" [ "$(stat -c %a "$D")" = 700 ]
check "CA public key comment is the display name" \
    [ "$(cut -d' ' -f3- "$D/ca.pub")" = "Test Helpdesk CA" ]
check "CA key is ed25519 by default" grep -q '^ssh-ed25519 ' "$D/ca.pub"
check "serial counter starts at 1" [ "$(cat "$D/serial")" = 1 ]
check "initial KRL is a valid, empty KRL" sh -c \
    'ssh-keygen -Q -l -f "$1/revoked.krl" >"$2" 2>&1 && ! grep -q "^serial:\|^id:\|^hash:\|^key:" "$2"' sh "$D" "$T/krl.list"
check "init prints TrustedUserCAKeys line" grep -qx '  TrustedUserCAKeys /etc/assist/user_ca_keys' "$T/init.out"
check "init prints RevokedKeys line" grep -qx '  RevokedKeys /etc/assist/revoked.krl' "$T/init.out"
check "init prints how to install the CA key into /etc/assist" grep -qF "cat $D/ca.pub >> /etc/assist/user_ca_keys" "$T/init.out"
CAFP=$(fp "$D/ca.pub")
check "init prints the CA fingerprint" grep -qF "$CAFP" "$T/init.out"

# Refusing to overwrite a CA (the key must be byte-identical after).
sum0=$(cksum <"$D/ca")
fails "init refuses to overwrite a CA" 1 ca init -d "$D" --no-passphrase
fails "init refuses to overwrite a CA (ASSIST_CA_DIR)" 1 env ASSIST_CA_DIR="$D" "$CA_TOOL" init -t rsa --no-passphrase
check "CA key unchanged after refused init" [ "$(cksum <"$D/ca")" = "$sum0" ]
rm "$D/ca"
fails "init refuses a CA whose private key is gone (public key stays)" 1 ca init -d "$D" --no-passphrase
mkdir "$T/full" && touch "$T/full/x"
fails "init refuses a non-empty directory" 1 ca init -d "$T/full" --no-passphrase
fails "init refuses an unknown key type" 2 ca init -d "$T/dsa" -t dsa --no-passphrase
check "refused init created nothing" [ ! -e "$T/dsa" ]
fails "init refuses a control character in the name" 2 ca init -d "$T/n1" -n "$(printf 'a\033[31mb')" --no-passphrase

# The private key was removed above to test the refusal; make a fresh CA.
D="$T/ca2"
ca init -d "$D" -n "Test Helpdesk CA" --no-passphrase >/dev/null 2>&1
CAFP=$(fp "$D/ca.pub")
check "second CA created" [ -f "$D/ca" ]

# ECDSA and RSA CAs (via ASSIST_CA_DIR), RSA signing with SHA-2.
ASSIST_CA_DIR="$T/ecdsa" ca init -t ecdsa -n "EC CA" --no-passphrase >/dev/null 2>&1
check "ecdsa CA" grep -q '^ecdsa-sha2-nistp384 ' "$T/ecdsa/ca.pub"
ASSIST_CA_DIR="$T/rsa" ca init -t rsa -n "RSA CA" --no-passphrase >/dev/null 2>&1
check "rsa CA is 4096 bits" [ "$(ssh-keygen -l -f "$T/rsa/ca.pub" | cut -d' ' -f1)" = 4096 ]
keygen rsauser
ASSIST_CA_DIR="$T/rsa" ca sign-helper -I r -n bob "$T/rsauser.pub" >/dev/null 2>&1
check "rsa CA signs with rsa-sha2-512, never ssh-rsa (SHA-1)" \
    sh -c 'ssh-keygen -L -f "$1" | grep -q "Signing CA: RSA .*(using rsa-sha2-512)"' sh "$T/rsauser-cert.pub"
keygen ecuser
ca -d "$T/ecdsa" sign-helper -I e -n bob "$T/ecuser.pub" >/dev/null 2>&1
check "ecdsa CA signs" has "$T/ecuser-cert.pub" 'Key ID: "e"'

# --- sign-helper, every option ------------------------------------------------
skkey sk1
ca -d "$D" sign-helper -I 'alice@helpdesk (tier 1)' -n alice,helpdesk \
    -V 20250101000000:20991231235959 -s 10.0.0.0/8,192.168.1.7 \
    --verify-required --no-touch-required "$T/sk1.pub" >"$T/s1.out" 2>&1
check "sign-helper with all options exits 0" [ $? -eq 0 ]
C1="$T/sk1-cert.pub"
check "certificate written beside the key" [ -f "$C1" ]
check "-L: user certificate of an sk key" \
    has "$C1" 'Type: sk-ssh-ed25519-cert-v01@openssh.com user certificate'
check "-L: signed by our CA" sh -c 'ssh-keygen -L -f "$1" | grep -qF "Signing CA: ED25519 $2 "' sh "$C1" "$CAFP"
check "-L: key ID" has "$C1" 'Key ID: "alice@helpdesk (tier 1)"'
check "-L: serial 1" has "$C1" 'Serial: 1'
check "-L: validity" has "$C1" 'Valid: from 2025-01-01T00:00:00 to 2099-12-31T23:59:59'
check "-L: principals alice, helpdesk" [ "$(section "$C1" Principals)" = alice,helpdesk ]
check "-L: source-address" has "$C1" 'source-address 10.0.0.0/8,192.168.1.7'
check "-L: verify-required" has "$C1" 'verify-required'
check "-L: no-touch-required is the only extension (no permit-*)" \
    [ "$(section "$C1" Extensions)" = no-touch-required ]
check "-L: critical options exactly source-address, verify-required" \
    [ "$(section "$C1" "Critical Options")" = "source-address 10.0.0.0/8,192.168.1.7,verify-required" ]
check "sign-helper prints the certificate path" grep -qF "certificate $C1" "$T/s1.out"
check "sign-helper prints the serial" grep -q 'as serial 1$' "$T/s1.out"
check "CA keeps a copy" cmp -s "$C1" "$D/certs/1-cert.pub"
check "issued log records serial, key ID, principals, validity, fingerprint" \
    sh -c 'grep -qF "$(printf "1\tuser\talice@helpdesk (tier 1)\talice,helpdesk\t2025-01-01T00:00:00\t2099-12-31T23:59:59\t%s\tsk-ssh-ed25519@openssh.com\tsource-address=10.0.0.0/8,192.168.1.7 verify-required no-touch-required\t" "$2")" "$1"' \
    sh "$D/issued.log" "$(fp "$T/sk1.pub")"

# Serials increment and persist across runs; the counter names the next.
keygen u2
keygen u3
ca -d "$D" sign-helper -I bob -n bob "$T/u2.pub" >/dev/null 2>&1
ca -d "$D" sign-helper -I carol -n carol -o "$T/carol-cert.pub" "$T/u3.pub" >"$T/s3.out" 2>&1
check "second certificate has serial 2" [ "$(serial_of "$T/u2-cert.pub")" = 2 ]
check "third certificate (-o) has serial 3" [ "$(serial_of "$T/carol-cert.pub")" = 3 ]
check "-o writes where asked, not beside the key" [ ! -e "$T/u3-cert.pub" ]
check "serial counter persisted (next 4)" [ "$(cat "$D/serial")" = 4 ]
check "default validity is about 30 days" sh -c \
    'ssh-keygen -L -f "$1" | grep -q "Valid: from .* to $(date -d "+30 days" +%Y-%m-%d)T"' sh "$T/u2-cert.pub"
check "default: no extensions, no critical options" sh -c \
    'ssh-keygen -L -f "$1" | grep -q "Critical Options: (none)" && ssh-keygen -L -f "$1" | grep -q "Extensions: (none)"' sh "$T/u2-cert.pub"
ca -d "$D" sign-helper -I bob -n bob "$T/u2.pub" >"$T/s4.out" 2>&1
check "re-signing a key gives a new serial (4) and replaces its certificate" \
    sh -c '[ "$(ssh-keygen -L -f "$1" | sed -n "s/^ *Serial: //p")" = 4 ] && grep -q "(replaced)" "$2"' sh "$T/u2-cert.pub" "$T/s4.out"

# A lowered counter is refused rather than reusing a serial.
echo 2 >"$D/serial"
fails "refuses to reuse a serial after the counter went back" 1 ca -d "$D" sign-helper -I x -n x "$T/u3.pub"
echo 5 >"$D/serial"
echo junk >"$D/serial"
fails "refuses a corrupt serial counter" 1 ca -d "$D" sign-helper -I x -n x "$T/u3.pub"
echo 5 >"$D/serial"

# A failed signature spends its serial (never reused).
fails "ssh-keygen's refusal (bad CIDR) is one line" 1 ca -d "$D" sign-helper -I x -n x -s 10.0.0.0/99 "$T/u3.pub"
check "failed signature spent serial 5" [ "$(cat "$D/serial")" = 6 ]
ca -d "$D" sign-helper -I carol2 -n carol -o "$T/carol2-cert.pub" "$T/u3.pub" >/dev/null 2>&1
check "next signature uses 6" [ "$(serial_of "$T/carol2-cert.pub")" = 6 ]

# --- hostile and bad arguments -------------------------------------------------
keygen u4
rm -f "$T/pwned"
ca -d "$D" sign-helper -I "x\"; touch $T/pwned; echo \"\$(touch $T/pwned)\`touch $T/pwned\`" \
    -n dave -o "$T/hostile-cert.pub" "$T/u4.pub" >/dev/null 2>&1
check "shell metacharacters in a key ID are signed literally" \
    has "$T/hostile-cert.pub" "Key ID: \"x\"; touch $T/pwned; echo \"\$(touch $T/pwned)\`touch $T/pwned\`\""
check "and run nothing" [ ! -e "$T/pwned" ]
next=$(cat "$D/serial")
fails "key ID with a newline" 2 ca -d "$D" sign-helper -I "$(printf 'a\nb')" -n x "$T/u4.pub"
fails "key ID with an escape" 2 ca -d "$D" sign-helper -I "$(printf 'a\033]0;x\007')" -n x "$T/u4.pub"
fails "key ID with a tab" 2 ca -d "$D" sign-helper -I "$(printf 'a\tb')" -n x "$T/u4.pub"
fails "key ID with '#' (a KRL could not name it)" 2 ca -d "$D" sign-helper -I 'a#b' -n x "$T/u4.pub"
fails "key ID with a leading space" 2 ca -d "$D" sign-helper -I ' a' -n x "$T/u4.pub"
fails "key ID too long" 2 ca -d "$D" sign-helper -I "$(printf '%0300d' 0)" -n x "$T/u4.pub"
fails "missing -I" 2 ca -d "$D" sign-helper -n x "$T/u4.pub"
fails "missing -n" 2 ca -d "$D" sign-helper -I x "$T/u4.pub"
fails "empty principals" 2 ca -d "$D" sign-helper -I x -n '' "$T/u4.pub"
fails "empty principal in a list" 2 ca -d "$D" sign-helper -I x -n 'a,,b' "$T/u4.pub"
fails "principal with a space" 2 ca -d "$D" sign-helper -I x -n 'a b' "$T/u4.pub"
fails "principal with shell syntax" 2 ca -d "$D" sign-helper -I x -n "\$(touch $T/pwned)" "$T/u4.pub"
fails "principal with a newline" 2 ca -d "$D" sign-helper -I x -n "$(printf 'a\nb')" "$T/u4.pub"
fails "257 principals" 2 ca -d "$D" sign-helper -I x -n "$(seq -s, 1 257)" "$T/u4.pub"
fails "validity with a space" 2 ca -d "$D" sign-helper -I x -n x -V '+1d +2d' "$T/u4.pub"
fails "source address that is not an address" 2 ca -d "$D" sign-helper -I x -n x -s 'example.com' "$T/u4.pub"
fails "--verify-required on a non-FIDO key" 2 ca -d "$D" sign-helper -I x -n x --verify-required "$T/u4.pub"
fails "--no-touch-required on a non-FIDO key" 2 ca -d "$D" sign-helper -I x -n x --no-touch-required "$T/u4.pub"
fails "unknown option" 2 ca -d "$D" sign-helper -I x -n x --bogus "$T/u4.pub"
fails "unknown option with a newline and an escape: still one line" 2 ca -d "$D" sign-helper -I x -n x "$(printf -- '--a\nb\033[2J')" "$T/u4.pub"
check "and the escape is not echoed" sh -c '! grep -q "$(printf "\033")" "$1"' sh "$T/f.err"
fails "option without its value" 2 ca -d "$D" sign-helper -I x -n
fails "two key files" 2 ca -d "$D" sign-helper -I x -n x "$T/u4.pub" "$T/u3.pub"
fails "no key file" 2 ca -d "$D" sign-helper -I x -n x
fails "missing key file" 1 ca -d "$D" sign-helper -I x -n x "$T/nonexistent.pub"
fails "a private key is refused" 1 ca -d "$D" sign-helper -I x -n x "$T/u4"
fails "a certificate is refused as a key" 1 ca -d "$D" sign-helper -I x -n x "$T/u2-cert.pub"
cat "$T/u3.pub" "$T/u4.pub" >"$T/two.pub"
fails "a file with two keys" 1 ca -d "$D" sign-helper -I x -n x "$T/two.pub"
echo 'ssh-ed25519 AAAA!!!!' >"$T/garbage.pub"
fails "a garbled key" 1 ca -d "$D" sign-helper -I x -n x "$T/garbage.pub"
ssh-keygen -q -t rsa -b 1024 -N '' -f "$T/short" >/dev/null 2>&1
fails "RSA key under 2048 bits" 1 ca -d "$D" sign-helper -I x -n x "$T/short.pub"
fails "the CA's own key" 1 ca -d "$D" sign-helper -I x -n x "$D/ca.pub"
echo precious >"$T/precious.txt"
fails "output that is not a certificate is not replaced" 1 ca -d "$D" sign-helper -I x -n x -o "$T/precious.txt" "$T/u4.pub"
check "and is intact" grep -qx precious "$T/precious.txt"
fails "no CA in the directory" 1 ca -d "$T/nowhere" sign-helper -I x -n x "$T/u4.pub"
check "refused commands spent no serial" [ "$(cat "$D/serial")" = "$next" ]
mkdir "$D/lock"
fails "a held lock is reported, not ignored" 1 ca -d "$D" sign-helper -I x -n x "$T/u4.pub"
rmdir "$D/lock"

# --- sign-host -----------------------------------------------------------------
keygen hostkey
ca -d "$D" sign-host -n ws1.example.com,ws1 "$T/hostkey.pub" >"$T/h1.out" 2>&1
check "sign-host exits 0" [ $? -eq 0 ]
HC="$T/hostkey-cert.pub"
HSERIAL=$(serial_of "$HC")
check "host certificate takes the next serial" [ "$HSERIAL" = "$next" ]
check "-L: host certificate" has "$HC" 'Type: ssh-ed25519-cert-v01@openssh.com host certificate'
check "-L: host names as principals" [ "$(section "$HC" Principals)" = ws1.example.com,ws1 ]
check "-L: default key ID" has "$HC" 'Key ID: "host ws1.example.com"'
check "default host validity is about a year" sh -c \
    'ssh-keygen -L -f "$1" | grep -q "Valid: from .* to $(date -d "+52 weeks" +%Y-%m-%d)T"' sh "$HC"
grep '^@cert-authority ' "$T/h1.out" >"$T/kh"
check "prints one @cert-authority line" [ "$(wc -l <"$T/kh")" = 1 ]
check "the line carries the CA public key" sh -c \
    '[ "$(cut -d" " -f3- "$1")" = "$(cat "$2")" ]' sh "$T/kh" "$D/ca.pub"
check "ssh-keygen -F finds it for ws1.example.com" sh -c 'ssh-keygen -F ws1.example.com -f "$1" | grep -q "^@cert-authority"' sh "$T/kh"
check "and for [ws1.example.com]:5922 (assist's port)" sh -c 'ssh-keygen -F "[ws1.example.com]:5922" -f "$1" | grep -q "^@cert-authority"' sh "$T/kh"
check "and for ws1" sh -c 'ssh-keygen -F ws1 -f "$1" | grep -q "^@cert-authority"' sh "$T/kh"
check "but not for ws2.example.com" sh -c '! ssh-keygen -F ws2.example.com -f "$1" | grep -q "^@cert-authority"' sh "$T/kh"
keygen hostkey2
ca -d "$D" sign-host -n ws2.corp.example -I ws2 -V -1d:+1d --pattern '*.corp.example,[*.corp.example]:*' \
    -o "$T/ws2-cert.pub" "$T/hostkey2.pub" >"$T/h2.out" 2>&1
check "--pattern is printed as given" grep -qF "@cert-authority *.corp.example,[*.corp.example]:* $(cat "$D/ca.pub")" "$T/h2.out"
check "-I and -o for hosts" has "$T/ws2-cert.pub" 'Key ID: "ws2"'
fails "host name with a space" 2 ca -d "$D" sign-host -n 'a b' "$T/hostkey.pub"
fails "host name with a quote" 2 ca -d "$D" sign-host -n "a'b" "$T/hostkey.pub"
fails "host name with a wildcard (assist-cli compares names exactly)" 2 ca -d "$D" sign-host -n "*.corp.example" "$T/hostkey.pub"
fails "pattern with a space" 2 ca -d "$D" sign-host -n a --pattern 'a b' "$T/hostkey.pub"
fails "sign-host without -n" 2 ca -d "$D" sign-host "$T/hostkey.pub"
fails "FIDO key as a host key" 1 ca -d "$D" sign-host -n a "$T/sk1.pub"

# --- revoke --------------------------------------------------------------------
KRL="$D/revoked.krl"
check "nothing revoked yet: serial 1 ok" notrevoked "$KRL" "$C1"
ca -d "$D" revoke -z 1 >"$T/r1.out" 2>&1
check "revoke -z exits 0" [ $? -eq 0 ]
check "revoke -z 1: serial 1 REVOKED" revoked "$KRL" "$C1"
check "revoke -z 1: serial 2's key still ok" notrevoked "$KRL" "$T/carol-cert.pub"
check "revoke prints how to deploy" grep -qF "install -m 0644 $KRL /etc/assist/revoked.krl" "$T/r1.out"
check "revoke names RevokedKeys" grep -qF 'RevokedKeys /etc/assist/revoked.krl' "$T/r1.out"
check "revoke says which certificate it hit" grep -q 'revokes: 1 user$' "$T/r1.out"
check "revocation recorded" grep -q "	serial	1	serials: 1 user	" "$D/revoked.log"

ca -d "$D" revoke -I carol >"$T/r2.out" 2>&1
check "revoke -I carol: her certificate REVOKED" revoked "$KRL" "$T/carol-cert.pub"
check "revoke -I carol: carol2 (another key ID, same key) still ok" notrevoked "$KRL" "$T/carol2-cert.pub"

ca -d "$D" revoke "$T/u2.pub" >"$T/r3.out" 2>&1
check "revoke KEY.pub: the key REVOKED" revoked "$KRL" "$T/u2.pub"
check "revoke KEY.pub: its certificate too" revoked "$KRL" "$T/u2-cert.pub"
check "revoke KEY.pub names both its serials" grep -q 'revokes: 2 user, 4 user$' "$T/r3.out"
check "revoke KEY.pub: another key still ok" notrevoked "$KRL" "$T/u4.pub"

ca -d "$D" revoke "$T/carol2-cert.pub" >"$T/r4.out" 2>&1
check "revoke CERT.pub: that certificate REVOKED" revoked "$KRL" "$T/carol2-cert.pub"
check "revoke CERT.pub: by its serial (6)" grep -q 'revoked serial 6 ' "$T/r4.out"
check "revoke CERT.pub: the plain key stays ok" notrevoked "$KRL" "$T/u3.pub"

ca -d "$D" revoke -z "$HSERIAL" >"$T/r5.out" 2>&1
check "revoke a host certificate" revoked "$KRL" "$HC"
check "and print the @revoked line helpers need" grep -qxF "@revoked * $(cut -d' ' -f1,2 "$T/hostkey.pub")" "$T/r5.out"
check "the other host certificate stays ok" notrevoked "$KRL" "$T/ws2-cert.pub"
check "KRL still lists the serials for ssh-keygen -Q -l" sh -c 'ssh-keygen -Q -l -f "$1" | grep -qx "serial: 1"' sh "$KRL"
check "the KRL is world-readable (deployable)" [ "$(stat -c %a "$KRL")" = 644 ]

fails "revoke a serial never issued" 1 ca -d "$D" revoke -z 999
fails "revoke an unknown key ID" 1 ca -d "$D" revoke -I nobody-has-this
fails "revoke with two selectors" 2 ca -d "$D" revoke -z 1 -I carol
fails "revoke with nothing" 2 ca -d "$D" revoke
fails "revoke serial 0" 2 ca -d "$D" revoke -z 0
fails "revoke a range from 0" 2 ca -d "$D" revoke -z 0-3
fails "revoke a bad serial" 2 ca -d "$D" revoke -z '1;touch x'
fails "revoke a backwards range" 2 ca -d "$D" revoke -z 5-3
fails "revoke a key ID with '#'" 2 ca -d "$D" revoke -I 'a#b'
fails "revoke a certificate from another CA" 1 ca -d "$D" revoke "$T/rsauser-cert.pub"
ca -d "$D" revoke --force -z 1000-1005 >/dev/null 2>&1
check "--force revokes a range not issued yet" sh -c 'ssh-keygen -Q -l -f "$1" | grep -qx "serial: 1000-1005"' sh "$KRL"

# --- list ----------------------------------------------------------------------
keygen old
ca -d "$D" sign-helper -I old -n old -V -2d:-1d "$T/old.pub" >/dev/null 2>&1
keygen future
ca -d "$D" sign-helper -I future -n future -V +1d:+2d "$T/future.pub" >/dev/null 2>&1
ca -d "$D" list >"$T/list.out" 2>&1
check "list exits 0" [ $? -eq 0 ]
check "list header" grep -q '^SERIAL  *TYPE  *STATUS ' "$T/list.out"
check "list: serial 1 user REVOKED with key ID and principals" sh -c \
    'awk "\$1 == 1" "$1" | grep -q "^1  *user REVOKED .*\"alice@helpdesk (tier 1)\" alice,helpdesk \[source-address=10.0.0.0/8,192.168.1.7 verify-required no-touch-required\]$"' sh "$T/list.out"
check "list: serial 3 (carol) REVOKED" sh -c 'awk "\$1 == 3" "$1" | grep -q "^3  *user REVOKED "' sh "$T/list.out"
check "list: serial 7 (hostile key ID) valid" sh -c 'awk "\$1 == 7" "$1" | grep -q "^7  *user valid "' sh "$T/list.out"
check "list: host certificate REVOKED" sh -c 'awk -v s="$2" "\$1 == s" "$1" | grep -q " host REVOKED .*ws1.example.com,ws1$"' sh "$T/list.out" "$HSERIAL"
check "list: expired certificate" sh -c 'grep -q "user expired .*\"old\" old$" "$1"' sh "$T/list.out"
check "list: not yet valid certificate" sh -c 'grep -q "user not-yet .*\"future\" future$" "$1"' sh "$T/list.out"
check "list: revocations section" sh -c 'grep -q "^REVOKED  *KIND" "$1" && grep -q " id  *carol (serials: 3 user) by " "$1"' sh "$T/list.out"
check "list: every issued serial has a row" sh -c \
    'n=$(grep -vc "^#" "$2"); m=$(grep -c "^[0-9][0-9]*  *\(user\|host\) " "$1"); [ "$n" = "$m" ]' sh "$T/list.out" "$D/issued.log"
check "list: the failed serial 5 is absent" sh -c '! awk "\$1 == 5" "$1" | grep -q .' sh "$T/list.out"

# --- a passphrase-protected CA (ssh-keygen asks; SSH_ASKPASS answers) --------
printf '#!/bin/sh\necho correct-horse\n' >"$T/askpass"
printf '#!/bin/sh\necho wrong\n' >"$T/askpass-bad"
chmod 0755 "$T/askpass" "$T/askpass-bad"
SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force setsid "$CA_TOOL" init -d "$T/pca" -n "Pass CA" </dev/null >/dev/null 2>&1
check "init with a passphrase" [ -f "$T/pca/ca" ]
check "the CA key is encrypted" sh -c '! ssh-keygen -y -P "" -f "$1" >/dev/null 2>&1 && ssh-keygen -y -P correct-horse -f "$1" >/dev/null 2>&1' sh "$T/pca/ca"
SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force setsid "$CA_TOOL" -d "$T/pca" sign-helper -I p -n p -o "$T/p-cert.pub" "$T/u4.pub" </dev/null >/dev/null 2>&1
check "signing with the passphrase" has "$T/p-cert.pub" 'Key ID: "p"'
fails "a wrong passphrase is one line" 1 env SSH_ASKPASS="$T/askpass-bad" SSH_ASKPASS_REQUIRE=force setsid "$CA_TOOL" -d "$T/pca" sign-helper -I q -n q -o "$T/q-cert.pub" "$T/u4.pub"

printf '#!/bin/sh\necho\n' >"$T/askpass-empty"
chmod 0755 "$T/askpass-empty"
fails "an empty passphrase without --no-passphrase is refused" 1 env SSH_ASKPASS="$T/askpass-empty" SSH_ASKPASS_REQUIRE=force setsid "$CA_TOOL" init -d "$T/eca"
check "and the refused init left nothing behind" [ ! -e "$T/eca" ]
mkdir "$T/eca2"
fails "the same into an empty directory" 1 env SSH_ASKPASS="$T/askpass-empty" SSH_ASKPASS_REQUIRE=force setsid "$CA_TOOL" init -d "$T/eca2"
check "which is left empty" sh -c '[ -d "$1" ] && [ -z "$(ls -A "$1")" ]' sh "$T/eca2"
chmod 0644 "$T/pca/ca"
n0=$(cat "$T/pca/serial")
fails "a CA key readable by others is refused" 1 ca -d "$T/pca" sign-helper -I q -n q -o "$T/q-cert.pub" "$T/u4.pub"
check "before a serial is spent" [ "$(cat "$T/pca/serial")" = "$n0" ]
chmod 0600 "$T/pca/ca"

# --- the CA key held only by ssh-agent (sign with ssh-keygen -U) -----------------
bg agent ssh-agent -D -a "$T/agent.sock"
AGENT=$LASTPID
wait_for "$T/agent.out" 'SSH_AUTH_SOCK' 10
ca init -d "$T/aca" -n "Agent CA" --no-passphrase >/dev/null 2>&1
SSH_AUTH_SOCK="$T/agent.sock" ssh-add -q "$T/aca/ca" 2>/dev/null
mv "$T/aca/ca" "$T/aca-ca.offline"
SSH_AUTH_SOCK="$T/agent.sock" ca -d "$T/aca" sign-helper -I agent -n a -o "$T/agent-cert.pub" "$T/u4.pub" >/dev/null 2>&1
check "signing through ssh-agent when the private key is offline" \
    sh -c 'ssh-keygen -L -f "$1" | grep -qF "Signing CA: ED25519 $2 "' sh "$T/agent-cert.pub" "$(fp "$T/aca/ca.pub")"
fails "without the agent, the offline key is one clear line" 1 env -u SSH_AUTH_SOCK "$CA_TOOL" -d "$T/aca" sign-helper -I agent2 -n a -o "$T/agent2-cert.pub" "$T/u4.pub"
stop "$AGENT"
