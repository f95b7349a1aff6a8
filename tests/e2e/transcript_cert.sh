# Hostile values in the transcript: a helper certificate whose key ID
# holds a newline, quotes, "event=" and "seq=" text, an ESC sequence and
# a backslash, a principal with a quote, a CA comment with quotes and
# "=": each arrives as one escaped field of one line; no line is forged
# or split (one real auth.allow, every line printable ASCII, line count
# = last seq), and the chain verifies. The certificate fields (serial,
# CA, validity) are all there.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"

ssh-keygen -q -t ed25519 -N '' -C 'CA "quoted" =x' -f "$T/ca" >/dev/null
chmod 0644 "$T/ca.pub"
keygen helper
ID=$(printf 'evil\n"quoted" event=auth.allow seq=1 \033[31mred\\x41')
ssh-keygen -q -s "$T/ca" -I "$ID" -n "$TEST_USER,pr\"x" -z 42 -V -5m:+1h \
    "$T/helper.pub" 2>/dev/null
check "ssh-keygen signed the hostile key ID" test -s "$T/helper-cert.pub"
CAFP=$(ssh-keygen -lf "$T/ca.pub" | cut -d' ' -f2)
FP=$(ssh-keygen -lf "$T/helper.pub" | cut -d' ' -f2)

start_assistd s -o TrustedUserCAKeys="$T/ca.pub" --wait 60 ||
	{ notok "assistd starts"; exit 1; }
TF=$(tpath s)
(sleep 0.3) | timeout 20 $SSHC -i "$T/helper" \
    -o CertificateFile="$T/helper-cert.pub" -p "$PORT" -s "$U" rfb \
    >"$T/sess.out" 2>"$T/sess.err"
rc=$?
check "the certificate's session ran (ssh exit $rc)" test "$rc" -eq 0
wait_exit "$DPID" 10
check "assistd exits 0" test "$EXITCODE" -eq 0

# What the line format makes of them (assist-transcript(5)): quoted,
# \n, \", \\, and \xHH for '=', ESC.
EID='"evil\n\"quoted\" event\x3dauth.allow seq\x3d1 \x1b[31mred\\x41"'
has "$TF" "key_id is one escaped field" " key_id=$EID "
has "$TF" "the certificate's fields" " cert=yes key_id=$EID \
principals=\"$TEST_USER,pr\\\"x\" serial=42 ca=\"CA \\\"quoted\\\" \\x3dx\" \
ca_fp=$CAFP valid_after="
check "validity as UTC times" grep -q \
    ' valid_after=20[0-9-]*T[0-9:]*Z valid_before=20[0-9-]*T[0-9:]*Z ' "$TF"
has "$TF" "auth.allow: key type and fingerprint of the certified key" \
    " method=publickey key_type=ssh-ed25519-cert-v01@openssh.com key_fp=$FP "
check "helper= is the escaped key ID in allow, ask, answer, start and end" \
    test "$(grep -cF " helper=$EID " "$TF")" -eq 5
check "exactly one real auth.allow line" \
    test "$(grep -c ' event=auth\.allow ' "$TF")" -eq 1
check "no line starts inside the key ID" test \
    "$(grep -c '^20[0-9-]*T[0-9:.]*Z session=[0-9a-f]* ' "$TF")" -eq \
    "$(wc -l <"$TF")"
check "every byte is printable ASCII (no ESC, no CR)" \
    test "$(LC_ALL=C grep -c '[^ -~]' "$TF")" -eq 0
check "the chain verifies" verify_chain "$TF"
check "line count is the last seq" test "$(wc -l <"$TF")" -eq \
    "$(tail -n 1 "$TF" | tr ' ' '\n' | sed -n 's/^seq=//p')"
check "assistd.start, conn.open, auth.allow, consent.ask, consent.answer, \
session.start, session.end, conn.close, assistd.stop" test \
    "$(sed 's/.* event=\([^ ]*\) .*/\1/' "$TF" | tr '\n' ' ')" = \
    "assistd.start conn.open auth.allow consent.ask consent.answer \
session.start session.end conn.close assistd.stop "
audit_check "assist-audit verifies it" "$TF"
