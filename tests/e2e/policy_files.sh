# Access policy end to end, the files themselves: assistd refuses to
# start, naming the file, when a policy file is writable by others or by
# its group, owned by another account, holds a certificate where a CA key
# belongs, or has a line with an option assistd cannot honour; nothing
# listens then.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"
. "$TOP/tests/e2e/policy_common.inc"

make_ca ca ed25519 "CA"
helper_key h
certify ca h -I h -n "$TEST_USER"
pol_file cas "$(cat "$T/ca.pub")
"

# refused_start NAME WANT ARGS...: assistd exits 1 before listening and
# says WANT (fixed text).
refused_start() {
	rname=$1 want=$2
	shift 2
	timeout 20 $RUNAS "$ASSISTD" --listen 127.0.0.1:0 "$@" \
	    >"$T/rs.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$want" "$T/rs.out" &&
	    ! grep -q 'listening on' "$T/rs.out"; then
		ok "$rname"
	else
		notok "$rname (rc=$rc): $(cat "$T/rs.out")"
	fi
}

cp "$T/cas" "$T/cas_ww"
chmod 0666 "$T/cas_ww"
refused_start "TrustedUserCAKeys writable by others" "$T/cas_ww" \
    -o TrustedUserCAKeys="$T/cas_ww"
pol_file princ_gw "$TEST_USER
"
chmod 0664 "$T/princ_gw"
refused_start "AuthorizedPrincipalsFile writable by its group" \
    "$T/princ_gw" -o TrustedUserCAKeys="$T/cas" \
    -o AuthorizedPrincipalsFile="$T/princ_gw"
pol_file krl_other ""
chown daemon "$T/krl_other" 2>/dev/null
refused_start "RevokedKeys owned by another account" "$T/krl_other" \
    -o TrustedUserCAKeys="$T/cas" -o RevokedKeys="$T/krl_other"
mkdir -p "$T/opendir"
chmod 0777 "$T/opendir"
cp "$T/cas" "$T/opendir/cas"
refused_start "a policy file in a directory writable by others" \
    "$T/opendir" -o TrustedUserCAKeys="$T/opendir/cas"
pol_file certca "$(cat "$T/h-cert.pub")
"
refused_start "a certificate used as a CA key" \
    "$T/certca:1: a certificate is not a key" \
    -o TrustedUserCAKeys="$T/certca"
pol_file ak_cmd "# forced command
command=\"/bin/sh\" $(cat "$T/h.pub")
"
refused_start "command= cannot be honoured: refused with file:line" \
    "$T/ak_cmd:2: option command= cannot be honoured" \
    -o AuthorizedKeysFile="$T/ak_cmd"
refused_start "no CA and no key: nobody could get in" \
    "no helper could ever be accepted"
refused_start "a missing policy file" "$T/nothere" \
    -o TrustedUserCAKeys="$T/nothere"

# And a safe set starts and lets the helper in.
allow safe "safe policy files" h -o TrustedUserCAKeys="$T/cas"
