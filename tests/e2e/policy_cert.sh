# Access policy end to end, certificates: valid from Ed25519, ECDSA and
# RSA CAs (identity logged); expired; not yet valid; wrong CA; a host
# certificate; an unknown critical option; a flipped byte in the signed
# part; a user name that is not the assistd account; certificates on
# ECDSA and RSA helper keys.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"
. "$TOP/tests/e2e/policy_common.inc"

make_ca ca_ed ed25519 "Ed CA"
make_ca ca_ec ecdsa "EC CA"
make_ca ca_rsa rsa "RSA CA"
make_ca ca_other ed25519 "Other CA"
cat "$T/ca_ed.pub" "$T/ca_ec.pub" "$T/ca_rsa.pub" >"$T/cas"
chmod 0644 "$T/cas"
CA="-o TrustedUserCAKeys=$T/cas"

for t in ed ec rsa; do
	helper_key "v_$t"
	certify "ca_$t" "v_$t" -I "helper-$t" -n "$TEST_USER,other" -z 42 \
	    -V -5m:+1h
done
# Certificates on ECDSA and RSA helper keys too, with both clients.
helper_key k_ec ecdsa
certify ca_ed k_ec -I helper-ec-key -n "$TEST_USER"
helper_key k_rsa rsa
certify ca_ec k_rsa -I helper-rsa-key -n "$TEST_USER"
helper_key expired
certify ca_ed expired -I x -n "$TEST_USER" -V 20200101:20200201
helper_key future
certify ca_ed future -I x -n "$TEST_USER" -V +1d:+2d
helper_key wrongca
certify ca_other wrongca -I x -n "$TEST_USER"
helper_key host
certify ca_ed host -h -I x -n "$TEST_USER"
helper_key crit
certify ca_ed crit -I x -n "$TEST_USER" -O critical:force-command=/bin/sh
helper_key flip
certify ca_ed flip -I flipme -n "$TEST_USER"
# One flipped bit in the key ID, inside the signed part: the structure
# stays valid, the CA signature does not.
python3 - "$T/flip-cert.pub" <<'PY'
import base64, sys
p = sys.argv[1]
t, b, *rest = open(p).read().split(' ')
blob = bytearray(base64.b64decode(b))
i = blob.find(b'flipme')
blob[i] ^= 0x01
open(p, 'w').write(' '.join([t, base64.b64encode(bytes(blob)).decode()] + rest))
PY

if pol_start dn $CA; then
	deny "expired" expired "certificate expired at 2020-02-01T00:00:00Z"
	deny "not yet valid" future "certificate not yet valid until "
	deny "wrong CA" wrongca "certificate signed by an untrusted CA SHA256:"
	deny "host certificate" host \
	    "host certificate presented as a user certificate"
	deny "unknown critical option" crit \
	    "unknown critical option force-command"
	deny "flipped byte" flip "certificate signature invalid"
	deny "wrong user name" v_ed \
	    "user root is not the account running assistd ($TEST_USER)" root
	stop "$DPID"
else
	notok "assistd dn starts"
fi

for t in ed ec rsa; do
	allow "v$t" "valid, $t CA" "v_$t" $CA
done
allow kec "ECDSA helper key certificate" k_ec $CA
allow krsa "RSA helper key certificate" k_rsa $CA
check "identity logged: key ID, principals, serial, CA name" grep -q \
    "key ID \"helper-rsa\", principals $TEST_USER,other, serial 42, CA \"RSA CA\" SHA256:" \
    "$T/vrsa-a.out"
