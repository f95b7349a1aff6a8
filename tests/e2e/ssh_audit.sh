# ssh-audit (Debian's 2.5) against a running assistd: no [fail] and no
# [warn] lines, except the "unknown algorithm" note that this ssh-audit
# version prints for the strict-KEX marker kex-strict-s-v00@openssh.com.
. "$TOP/tests/e2e/lib.sh"

keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
start_assistd audit --authorized-keys "$T/authorized" --wait 60

timeout 60 ssh-audit -n -p "$PORT" 127.0.0.1 >"$T/audit" 2>&1
sed 's/^/# /' "$T/audit"
check "ssh-audit saw our key exchange" grep -q 'curve25519-sha256' "$T/audit"
check "ssh-audit saw the ed25519 host key" grep -q 'ssh-ed25519' "$T/audit"
bad=$(grep -E '\[(fail|warn)\]' "$T/audit" |
    grep -v 'kex-strict-s-v00@openssh.com')
if [ -z "$bad" ]; then
	ok "ssh-audit: no [fail] or [warn] beyond the strict-KEX marker"
else
	notok "ssh-audit: $bad"
fi
for weak in diffie-hellman-group ecdh-sha2 aes128-ctr hmac-sha1 ssh-rsa \
    hmac-sha2-256 ; do
	# whole algorithm names only (hmac-sha2-256 alone is not -etm)
	if grep -Eq "\\(\\w+\\) $weak(\$| |-)" "$T/audit" &&
	    ! grep -Eq "\\(\\w+\\) $weak-etm" "$T/audit"; then
		notok "weak algorithm $weak offered"
	fi
done
ok "no weak algorithm family offered"
