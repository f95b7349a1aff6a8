# Consent through SSH_ASKPASS (assistd without a terminal), with the real
# ssh as the helper: the askpass gets the question (with
# SSH_ASKPASS_PROMPT=confirm) before any RFB byte moves; yes grants the
# requested access (view for a plain "ssh -s rfb"); no refuses and the
# helper is told; an askpass that never answers is killed (with its
# child) at --consent-timeout and reaped, and the helper is told "did not
# answer"; OpenSSH's rule: output other than "yes" is no. Every question
# and answer is in the transcript (consent.ask with the code shown,
# consent.answer with how), and assist-audit's summary shows mode=.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"
. "$TOP/tests/e2e/consent_common.inc"

# 1. Yes: the session runs in view mode.
start_assistd a1 $AK --wait 30 || { notok "assistd starts"; exit 1; }
TF=$(tpath a1)
t0=$(date +%s%N)
hold s1 helper
if greeted s1 10; then
	ok "askpass yes: the helper gets the RFB greeting"
else
	notok "askpass yes: no greeting: $(cat "$T/s1.ssh")"
fi
check "the askpass was asked once, with SSH_ASKPASS_PROMPT=confirm" \
    test "$(askpass_calls)" -eq 1 -a "$(cut -d' ' -f2 "$ASKPASS_DIR/calls")" = confirm
check "the question says view only and how to answer" sh -c \
    'grep -q "asks to SEE your screen (view only)" "$1" &&
    grep -q "^Accept (view only)? No answer within 60 s refuses\.$" "$1"' \
    sh "$(question 1)"
CODE=$(code_of "$(question 1)")
check "a 6-digit verification code ($CODE) in the question" sh -c \
    'echo "$1" | grep -qx "[0-9]\{6\}"' sh "$CODE"
has "$TF" "consent.ask: request, mode, code, how" \
    "event=consent.ask seq=4 conn=1 helper=$FP request=session mode=view code=$CODE how=askpass chain="
has "$TF" "consent.answer: view, through the askpass" \
    "event=consent.answer seq=5 conn=1 helper=$FP answer=view how=askpass chain="
has "$TF" "session.start after the answer, mode=view" \
    "event=session.start seq=6 conn=1 helper=$FP mode=view chain="
ask_ms=$(($(tms "$TF" consent.ask) - $(tms "$TF" auth.allow)))
ans_ms=$(($(tms "$TF" session.start) - $(tms "$TF" consent.ask)))
echo "# question on screen ${ask_ms} ms after auth.allow; askpass yes to session.start ${ans_ms} ms; ssh start to greeting $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check "question latency under 1 s (${ask_ms} ms)" test "$ask_ms" -lt 1000
stop "$HOLD"
wait_exit "$DPID" 10
check "assistd exits 0 after the session" test "$EXITCODE" -eq 0
if "$BUILD/assist-audit" "$TF" >"$T/audit.out" 2>&1 &&
    grep -q ' mode=view ' "$T/audit.out"; then
	ok "assist-audit verifies; its summary says mode=view"
else
	notok "assist-audit summary: $(cat "$T/audit.out")"
fi

# 2. No: refused; the helper is told, gets no RFB byte, ssh exits 1.
askpass_answer no
start_assistd a2 $AK --wait 30 || notok "assistd starts (no)"
TF=$(tpath a2)
timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/no.out" 2>"$T/no.err"
rc=$?
if [ $rc -eq 1 ] && [ ! -s "$T/no.out" ] &&
    grep -q '^assistd: session refused: the user refused$' "$T/no.err"; then
	ok "askpass no: refused, the helper is told, no RFB byte (ssh 1)"
else
	notok "askpass no (ssh $rc): $(cat "$T/no.out" "$T/no.err")"
fi
has "$TF" "consent.answer refused" \
    "event=consent.answer seq=5 conn=1 helper=$FP answer=refused how=askpass chain="
has "$TF" "session.deny says the user refused" \
    "event=session.deny seq=6 conn=1 helper=$FP reason=\"the user refused\" chain="
check "no session.start" test "$(tline_count "$TF" session.start)" -eq 0
# A refusal is not a session: assistd waits for another helper.
askpass_answer "print no"
timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/no2.out" 2>"$T/no2.err"
rc=$?
check "askpass printing other than yes (exit 0) refuses (OpenSSH's rule; ssh $rc)" \
    grep -q '^assistd: session refused: the user refused$' "$T/no2.err"
askpass_answer "print yes"
hold s2 helper
check "askpass printing yes accepts" greeted s2 10
check "assistd still served after two refusals" kill -0 "$DPID"
stop "$HOLD"
wait_exit "$DPID" 10
check "three questions, three answers" test \
    "$(tline_count "$TF" consent.ask) $(tline_count "$TF" consent.answer)" = "3 3"

# 3. Silence: at --consent-timeout the askpass (and its child) is killed
#    and reaped; the helper is told it got no answer.
askpass_answer sleep
start_assistd a3 $AK --wait 30 --consent-timeout 2 ||
	notok "assistd starts (timeout)"
TF=$(tpath a3)
N=$(askpass_calls)
t0=$(date +%s%N)
timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/to.out" 2>"$T/to.err"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ $rc -eq 1 ] && [ ! -s "$T/to.out" ] &&
    grep -q '^assistd: session refused: the user did not answer in time$' "$T/to.err"; then
	ok "no answer: refused after the timeout, the helper is told (${ms} ms)"
else
	notok "no answer (ssh $rc, ${ms} ms): $(cat "$T/to.out" "$T/to.err")"
fi
check "refused at 2 s, not before, not much after (${ms} ms)" \
    test "$ms" -ge 2000 -a "$ms" -lt 4500
APID=$(sed -n "$((N + 1))p" "$ASKPASS_DIR/calls" | cut -d' ' -f1)
SPID=$(cat "$ASKPASS_DIR/q.$((N + 1)).sleep" 2>/dev/null)
check "the askpass ($APID) was killed and reaped: no zombie" proc_gone "$APID"
check "its child ($SPID) was killed too" proc_gone "$SPID"
has "$TF" "consent.answer timeout, how=timeout" \
    "event=consent.answer seq=5 conn=1 helper=$FP answer=timeout how=timeout chain="
has "$TF" "session.deny says no answer" \
    "reason=\"the user did not answer in time\" chain="
stop "$DPID"
wait_exit "$DPID" 10
check "assistd stopped by signal exits 0" test "$EXITCODE" -eq 0

# 4. The helper leaves while asked: the question is withdrawn (askpass
#    killed), recorded, and the next helper is asked afresh.
askpass_answer sleep
start_assistd a4 $AK --wait 30 || notok "assistd starts (withdraw)"
TF=$(tpath a4)
N=$(askpass_calls)
hold w1 helper
W1=$HOLD
wait_for "$ASKPASS_DIR/calls" . 10
i=0
while [ "$(askpass_calls)" -le "$N" ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
APID=$(sed -n "$((N + 1))p" "$ASKPASS_DIR/calls" | cut -d' ' -f1)
stop "$W1"
if wait_for "$TF" ' event=consent\.answer .* answer=withdrawn how=askpass ' 10; then
	ok "the helper left while asked: consent.answer withdrawn"
else
	notok "withdrawn: $(cat "$TF")"
fi
i=0
while ! proc_gone "$APID" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "its askpass ($APID) was killed and reaped" proc_gone "$APID"
askpass_answer yes
hold w2 second
check "the next helper is asked and accepted" greeted w2 10
check "two questions" test "$(tline_count "$TF" consent.ask)" -eq 2
stop "$HOLD"
wait_exit "$DPID" 10
check "assistd exits 0" test "$EXITCODE" -eq 0
