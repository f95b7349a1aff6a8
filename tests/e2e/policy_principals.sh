# Access policy end to end, principals and addresses: a principal not in
# AuthorizedPrincipalsFile; whitelisted but from= does not match; a
# whitelisted line past its expiry-time; the certificate's source-address
# matching and not; cert-authority lines of AuthorizedKeysFile with
# principals=; a plain key whose from= does not match.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"
. "$TOP/tests/e2e/policy_common.inc"

make_ca ca ed25519 "Helpdesk CA"
make_ca ca2 ecdsa "Team CA"
pol_file cas "$(cat "$T/ca.pub")
"
pol_file princ "# who may help
helpdesk
from=\"10.0.0.0/8\" remote
expiry-time=\"20200101Z\" former
"
helper_key hd
certify ca hd -I hd -n helpdesk -V -5m:+1h
helper_key np
certify ca np -I np -n "$TEST_USER,intruder"
helper_key rem
certify ca rem -I rem -n remote
helper_key old
certify ca old -I old -n former
helper_key sa_ok
certify ca sa_ok -I sa -n helpdesk -O source-address=127.0.0.0/8,::1
helper_key sa_no
certify ca sa_no -I sa -n helpdesk -O source-address=192.0.2.0/24
helper_key team
certify ca2 team -I team -n ops
helper_key team2
certify ca2 team2 -I team2 -n "$TEST_USER"
helper_key plain
pol_file ak "cert-authority,principals=\"ops,dev\" $(cat "$T/ca2.pub")
from=\"10.0.0.0/8\" $(cat "$T/plain.pub")
"
P="-o TrustedUserCAKeys=$T/cas -o AuthorizedPrincipalsFile=$T/princ"
A="-o AuthorizedKeysFile=$T/ak"

if pol_start dn $P $A; then
	deny "principal not whitelisted" np \
	    "principals $TEST_USER,intruder not whitelisted in $T/princ"
	deny "whitelisted, from= does not match" rem \
	    "source 127.0.0.1 not in from=\"10.0.0.0/8\" ($T/princ:3)"
	deny "whitelisted, expiry-time passed" old \
	    "expiry-time=\"20200101Z\" passed ($T/princ:4)"
	deny "source-address mismatch" sa_no \
	    "source 127.0.0.1 not in certificate source-address \"192.0.2.0/24\""
	deny "cert-authority line, principal not in principals=" team2 \
	    "principal $TEST_USER not in principals=\"ops,dev\" ($T/ak:1)"
	deny "plain key, from= does not match" plain \
	    "source 127.0.0.1 not in from=\"10.0.0.0/8\" ($T/ak:2)"
	stop "$DPID"
else
	notok "assistd dn starts"
fi
allow wl "whitelisted principal" hd $P $A
allow sa "source-address match" sa_ok $P $A
allow ca "cert-authority line with principals=" team $P $A
check "CA name from the cert-authority line" grep -q \
    'principals ops, serial 0, CA "Team CA" SHA256:' "$T/ca-a.out"
