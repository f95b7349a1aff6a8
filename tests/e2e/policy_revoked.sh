# Access policy end to end, revocation: OpenSSH KRLs made by ssh-keygen -k
# revoking a serial, a serial range, a key ID, a key; a plain list of
# public keys revoking a certificate's key and a plain key.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"
. "$TOP/tests/e2e/policy_common.inc"

make_ca ca rsa "Revoking CA"
pol_file cas "$(cat "$T/ca.pub")
"
helper_key s42
certify ca s42 -I ok -n "$TEST_USER" -z 42
helper_key s105
certify ca s105 -I ok -n "$TEST_USER" -z 105
helper_key kid
certify ca kid -I lost-laptop -n "$TEST_USER" -z 7
helper_key kkey
certify ca kkey -I ok -n "$TEST_USER" -z 8
helper_key good
certify ca good -I good -n "$TEST_USER" -z 9
helper_key listed
certify ca listed -I ok -n "$TEST_USER" -z 10
helper_key plain
pol_file spec "serial: 42
serial: 100-110
id: lost-laptop
"
ssh-keygen -q -k -f "$T/krl" -s "$T/ca.pub" "$T/spec" 2>/dev/null
printf 'key: %s\n' "$(cat "$T/kkey.pub")" >"$T/spec2"
ssh-keygen -q -k -u -f "$T/krl" "$T/spec2" 2>/dev/null
chmod 0644 "$T/krl"
pol_file list "# revoked by hand
$(cat "$T/listed.pub")
$(cat "$T/plain.pub")
"
pol_file ak "$(cat "$T/plain.pub")
"
R="-o TrustedUserCAKeys=$T/cas -o AuthorizedKeysFile=$T/ak \
-o RevokedKeys=$T/krl -o RevokedKeys=$T/list"

if pol_start dn $R; then
	deny "KRL serial" s42 "serial 42 revoked by KRL $T/krl"
	deny "KRL serial range" s105 "serial 105 revoked by KRL $T/krl"
	deny "KRL key ID" kid "key ID \"lost-laptop\" revoked by KRL $T/krl"
	deny "KRL key" kkey "revoked by KRL $T/krl (explicit key)"
	deny "plain list, certificate's key" listed "revoked by $T/list:2"
	deny "plain list, plain key" plain "revoked by $T/list:3"
	stop "$DPID"
else
	notok "assistd dn starts"
fi
allow ok "certificate not revoked" good $R
