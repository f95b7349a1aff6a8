# The question shows the verified identity, as the askpass receives it:
# key ID, principals, serial, CA name and fingerprint, validity, the key's
# type and fingerprint, FIDO2 or not, the source address, the reason
# (none from a plain ssh) and the verification code, the same code as the
# transcript's consent.ask. A hostile key ID (ESC sequences, a newline,
# quotes, a fake "Verification code" line) and a hostile CA comment are
# shown escaped: no control byte reaches the user, the question has its
# usual number of lines.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"

ssh-keygen -q -t ed25519 -N '' -C 'Helpdesk CA "main" =x' -f "$T/ca" >/dev/null
chmod 0644 "$T/ca.pub"
keygen helper
keygen evil
CAFP=$(ssh-keygen -lf "$T/ca.pub" | cut -d' ' -f2)
FP=$(ssh-keygen -lf "$T/helper.pub" | cut -d' ' -f2)
ssh-keygen -q -s "$T/ca" -I "alice@helpdesk" -n "$TEST_USER,support" -z 4242 \
    -V -5m:+1h "$T/helper.pub" 2>/dev/null
EID=$(printf 'evil\n  Verification code: 000000\n\033[2J\033]0;pwned\007"q"\\')
ssh-keygen -q -s "$T/ca" -I "$EID" -n "$TEST_USER" -z 7 -V -5m:+1h \
    "$T/evil.pub" 2>/dev/null
check "ssh-keygen signed both certificates" \
    test -s "$T/helper-cert.pub" -a -s "$T/evil-cert.pub"

start_assistd t1 -o TrustedUserCAKeys="$T/ca.pub" --wait 30 ||
	{ notok "assistd starts"; exit 1; }
TF=$(tpath t1)
(sleep 0.3) | timeout 20 $SSHC -i "$T/helper" \
    -o CertificateFile="$T/helper-cert.pub" -p "$PORT" -s "$U" rfb \
    >"$T/s1.out" 2>&1
wait_exit "$DPID" 10
Q="$ASKPASS_DIR/q.1"
VA=$(sed -n 's/^  Valid:       \(.*\) to .*/\1/p' "$Q")
qline() {
	if grep -qxF -- "$2" "$Q"; then
		ok "question: $1"
	else
		notok "question: $1: no line is: $2"
		sed 's/^/# /' "$Q" >&2
	fi
}
qline "what is asked" "assistd: A helper asks to SEE your screen (view only)."
qline "key ID" '  Key ID:      "alice@helpdesk"'
qline "principals" "  Principals:  $TEST_USER,support"
qline "serial" "  Serial:      4242"
qline "CA name and fingerprint" \
    "  CA:          \"Helpdesk CA \\x22main\\x22 =x\" $CAFP"
check "validity as UTC times" grep -q \
    '^  Valid:       20[0-9-]*T[0-9:]*Z to 20[0-9-]*T[0-9:]*Z$' "$Q"
qline "key type and fingerprint" \
    "  Key:         ssh-ed25519-cert-v01@openssh.com $FP"
qline "not a FIDO2 key" "  FIDO2:       no"
qline "source address" "  From:        127.0.0.1"
qline "no reason from a plain ssh" "  Reason:      (none given)"
CODE=$(sed -n 's/^  Verification code: \([0-9]*\) .*/\1/p' "$Q")
check "the code shown is the transcript's ($CODE)" \
    grep -q " event=consent\.ask .* code=$CODE how=askpass " "$TF"
check "the same validity in the transcript" \
    grep -q " valid_after=$VA " "$TF"

# The hostile key ID.
start_assistd t2 -o TrustedUserCAKeys="$T/ca.pub" --wait 30 ||
	notok "assistd starts (hostile)"
(sleep 0.3) | timeout 20 $SSHC -i "$T/evil" \
    -o CertificateFile="$T/evil-cert.pub" -p "$PORT" -s "$U" rfb \
    >"$T/s2.out" 2>&1
wait_exit "$DPID" 10
Q="$ASKPASS_DIR/q.2"
check "no control byte in the question (ESC, BEL, CR)" \
    test "$(LC_ALL=C tr -d '\n -~' <"$Q" | wc -c)" -eq 0
check "the question has its usual 13 lines" test "$(wc -l <"$Q")" -eq \
    "$(wc -l <"$ASKPASS_DIR/q.1")"
qline "the hostile key ID is one escaped line" \
    '  Key ID:      "evil\x0a  Verification code: 000000\x0a\x1b[2J\x1b]0;pwned\x07\x22q\x22\x5c"'
check "one Verification code line, the real one" \
    test "$(grep -c '^  Verification code: ' "$Q")" -eq 1
check "and not the fake one" test \
    "$(sed -n 's/^  Verification code: \([0-9]*\) .*/\1/p' "$Q")" != 000000
