# ssh-audit (Debian's 2.5) against a running assistd: no [fail] and no
# [warn] lines, except the "unknown algorithm" warning this ssh-audit
# version prints for the strict-KEX marker kex-strict-s-v00@openssh.com;
# and exactly our hardened algorithm lists on offer.
. "$TOP/tests/e2e/lib.sh"

keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
start_assistd audit -o AuthorizedKeysFile="$T/authorized" --wait 60

timeout 60 ssh-audit -n -p "$PORT" 127.0.0.1 >"$T/audit" 2>&1
timeout 60 ssh-audit -n -l warn -p "$PORT" 127.0.0.1 >"$T/warn" 2>&1
sed 's/^/# /' "$T/audit"

# Every line at level warn or fail, minus section headings and blanks.
bad=$(grep -v -e '^#' -e '^$' -e 'kex-strict-s-v00@openssh.com' "$T/warn")
check "ssh-audit ran (saw the banner)" grep -q '^(gen) banner: SSH-2.0-assistd_' "$T/audit"
if [ -z "$bad" ]; then
	ok "ssh-audit: no [fail] or [warn] beyond the strict-KEX marker"
else
	notok "ssh-audit: $bad"
fi

# offered TAG: the algorithm names ssh-audit lists under "(TAG)", sorted.
offered() { sed -n "s/^($1) \\([^ ]*\\).*/\\1/p" "$T/audit" | sort | tr '\n' ' '; }
check "kex: curve25519 only (and strict KEX)" [ "$(offered kex)" = \
    "curve25519-sha256 curve25519-sha256@libssh.org kex-strict-s-v00@openssh.com " ]
check "host key: ssh-ed25519 only" [ "$(offered key)" = "ssh-ed25519 " ]
check "ciphers: chacha20-poly1305 and AES-GCM only" [ "$(offered enc)" = \
    "aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com " ]
check "MACs: SHA-2 EtM only" [ "$(offered mac)" = \
    "hmac-sha2-256-etm@openssh.com hmac-sha2-512-etm@openssh.com " ]
check "compression disabled" grep -q '^(gen) compression: disabled' "$T/audit"
