# assistd --code end to end: the one-time code shown on assistd's terminal
# is asked (keyboard-interactive) after the helper's certificate, with the
# real OpenSSH ssh (SSH_ASKPASS, SSH_ASKPASS_REQUIRE=force, -s rfb) and
# with assist-cli (askpass, terminal, agent): right code -> session;
# wrong -> refused and counted; reused by a second connection -> refused;
# past the --wait deadline -> refused; 5 wrong answers burn it (said on
# the terminal); keyboard-interactive before the key and a key after it
# are refused; the transcripts hold code.try / auth.code lines and never
# the code. And assist-cli against a hostile keyboard-interactive server
# (tests/helpers/kbdint_server): its text escaped and cut, too many
# prompts or questions refused.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

EXIT_AUTH=70
ORDER="$BUILD/tests/kbdint_order"
U=$TEST_USER@127.0.0.1
TDIR="$UHOME/.local/state/assist/transcripts"

keygen ca
keygen helper
ssh-keygen -q -s "$T/ca" -I otp-helper -n "$TEST_USER" -V -5m:+1h \
    "$T/helper.pub"
keygen extra
cp "$T/ca.pub" "$T/cas"
share "$T/cas"
printf 'Host *\n  HashKnownHosts no\n' >"$T/cfg"

# The askpass both clients use: logs its prompt, waits $ASKPASS_SLEEP s,
# prints the file $ANSWER.
cat >"$T/askpass" <<'EOF'
#!/bin/sh
printf '%s\n' "$1" >>"$ASKPASS_LOG"
sleep "${ASKPASS_SLEEP:-0}"
cat "$ANSWER"
EOF
chmod 0755 "$T/askpass"
export ASKPASS_LOG="$T/asked.log"
answer() { printf '%s\n' "$1" >"$T/answer"; }
wrong_code() { printf '%s\n' "$1" | tr '0-9' '1-90'; }

# start_code NAME ARGS...: assistd --code, its code in $CODE ("4821-9930").
start_code() {
	dn=$1
	shift
	start_d "$dn" -o TrustedUserCAKeys="$T/cas" --code "$@" || return 1
	wait_for "$T/$dn.out" 'give this one-time code to your helper' 5 ||
		return 1
	CODE=$(sed -n 's/.*give this one-time code to your helper: \([0-9]\{4\}-[0-9]\{4\}\) .*/\1/p' \
	    "$T/$dn.out")
	[ -n "$CODE" ]
}

# ssh_code OUT PROMPTS ARGS...: the real ssh, allowed to prompt through
# the askpass only (no terminal), answering $T/answer up to PROMPTS
# times; its output in $T/OUT.out, exit status in $RC.
ssh_code() {
	out=$1 n=$2
	shift 2
	SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
	    ANSWER="$T/answer" timeout 60 setsid -w ssh -F /dev/null \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile="$T/ssh_kh" \
	    -o IdentitiesOnly=yes -o ConnectTimeout=10 \
	    -o NumberOfPasswordPrompts="$n" -i "$T/helper" -p "$PORT" \
	    "$@" >"$T/$out.out" 2>&1
	RC=$?
}

# tr_count NAME REGEX: lines of assistd's transcript(s) matching.
tr_count() {
	cat "$TDIR"/*.log 2>/dev/null | grep -cE "$1"
}

# no_code NAME CODE FILES...: ok when neither form of CODE is in FILES.
no_code() {
	name=$1 c=$2
	shift 2
	d=$(printf '%s' "$c" | tr -d -- -)
	if cat "$@" 2>/dev/null | grep -qE -- "$c|$d"; then
		notok "$name: the code is there"
	else
		ok "$name"
	fi
}

# --- d1: order, wrong, right, reused -------------------------------------
start_code d1 --wait 120 || { notok "assistd --code starts"; exit 1; }
ok "assistd --code shows the code on its terminal ($CODE)"
D1=$DPID
check "... and records that there is one (code.new)" \
    [ "$(tr_count 'event=code\.new .*tries_per_conn=3 tries_total=5')" -eq 1 ]

# Out of order with the libssh client (the real ssh only tries the
# methods the server lists).
"$ORDER" "$PORT" "$TEST_USER" "$T/helper" "$(wrong_code "$CODE")" \
    >"$T/order.out" 2>&1
check "keyboard-interactive before the key: refused" \
    grep -qx 'kbdint_first=denied' "$T/order.out"
check "the key: partial success, the code is next" \
    grep -qx 'pubkey=partial' "$T/order.out"
check "a key again after that: refused" \
    grep -qx 'pubkey_again=denied' "$T/order.out"
check "the prompt: \"One-time code: \", echo off" \
    grep -qx 'prompt=One-time code:  echo=0' "$T/order.out"
check "a wrong code: refused" grep -qx 'code=denied' "$T/order.out"
check "assistd logged the early keyboard-interactive" grep -q \
    'refused for user .*: keyboard-interactive before an accepted key' \
    "$T/d1.out"
check "assistd logged the late key" grep -q \
    'a key was accepted already; the one-time code is next' "$T/d1.out"

# Wrong three times with ssh: refused, each try counted.
answer "$(wrong_code "$CODE")"
: >"$ASKPASS_LOG"
ssh_code wrong 3 -s "$U" rfb
if [ "$RC" -eq 255 ] && grep -q 'One-time code refused' "$T/wrong.out"; then
	ok "ssh: a wrong code three times is refused"
else
	notok "ssh: wrong code refused (rc=$RC): $(cat "$T/wrong.out")"
fi
check "... asked three times, as \"($U) One-time code: \"" \
    [ "$(grep -cxF "($U) One-time code: " "$ASKPASS_LOG")" -eq 3 ]
check "... no RFB greeting" sh -c "! grep -q RFB '$T/wrong.out'"
wait_for "$T/d1.out" 'one-time code wrong \(no more tries on this connection\)' 5
check "... counted in the transcript (tries_left 2, 1, 0)" sh -c \
    "cat '$TDIR'/*.log | grep 'event=code.try seq=[0-9]* conn=2 ' | \
    grep -o 'result=[a-z]* tries_left=[0-9]*' | tr '\n' ' ' | \
    grep -qx 'result=wrong tries_left=2 result=wrong tries_left=1 result=wrong tries_left=0 '"

# Right: the session (the helper holds it open).
answer "$(printf '%s' "$CODE" | tr -d -)"
# Its stdin: a fifo we hold open (fd 3), closed to end the session.
mkfifo "$T/hold.in"
exec 3<>"$T/hold.in"
bg hold env SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
    ANSWER="$T/answer" sh -c "exec ssh -F /dev/null \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile='$T/ssh_kh' \
    -o IdentitiesOnly=yes -o ConnectTimeout=10 -i '$T/helper' -p $PORT \
    -s $U rfb <'$T/hold.in'"
HOLD=$LASTPID
if wait_for "$T/hold.out" '^RFB 003\.008' 15; then
	ok "ssh: the right code opens the session"
else
	notok "ssh: right code opens the session: $(cat "$T/hold.out")"
fi
check "... code.try result=ok" [ "$(tr_count 'event=code\.try seq=[0-9]* conn=3 .*result=ok ')" -eq 1 ]
check "... then session.start" [ "$(tr_count 'event=session\.start seq=[0-9]* conn=3 ')" -eq 1 ]

# Reused: another connection with the same right code.
ssh_code reused 3 -s "$U" rfb
if [ "$RC" -eq 255 ] && grep -q 'One-time code refused' "$T/reused.out" &&
    ! grep -q RFB "$T/reused.out"; then
	ok "ssh: the code used once is refused to a second connection"
else
	notok "ssh: reused code refused (rc=$RC): $(cat "$T/reused.out")"
fi
wait_for "$T/d1.out" 'one-time code refused: it was used already' 5
check "... code.try result=reused tries_left=0" \
    [ "$(tr_count 'event=code\.try seq=[0-9]* conn=4 .*result=reused tries_left=0 ')" -eq 1 ]
exec 3>&-
wait_exit "$HOLD" 10
wait_exit "$D1" 15
check "assistd ends after the session (status 0)" [ "$EXITCODE" -eq 0 ]
check "the transcript verifies" "$BUILD/assist-audit" "$TDIR"
no_code "assistd's transcript never holds the code" "$CODE" "$TDIR"/*.log
check "assistd's terminal shows it once, nothing else does" \
    [ "$(grep -cE "$CODE|$(printf '%s' "$CODE" | tr -d -)" "$T/d1.out")" -eq 1 ]
rm -f "$TDIR"/*.log

# --- d2: five wrong answers burn it --------------------------------------
start_code d2 --wait 120 || { notok "assistd d2 starts"; exit 1; }
D2=$DPID
answer "$(wrong_code "$CODE")"
ssh_code burn1 3 -s "$U" rfb
ssh_code burn2 3 -s "$U" rfb
if [ "$RC" -eq 255 ] && grep -q 'One-time code refused' "$T/burn2.out"; then
	ok "the 5th wrong answer (2nd on a connection) ends it"
else
	notok "5th wrong answer ends the connection (rc=$RC): $(cat "$T/burn2.out")"
fi
check "assistd says on its terminal that the code is burned" wait_for \
    "$T/d2.out" 'the one-time code is burned after 5 wrong answers' 5
answer "$CODE"
ssh_code burned 3 -s "$U" rfb
if [ "$RC" -eq 255 ] && ! grep -q RFB "$T/burned.out"; then
	ok "the right code is refused once burned"
else
	notok "burned code refused (rc=$RC): $(cat "$T/burned.out")"
fi
check "... code.try result=burned" \
    [ "$(tr_count 'event=code\.try seq=[0-9]* conn=3 .*result=burned tries_left=0 ')" -eq 1 ]
check "... 5 wrong in all" [ "$(tr_count 'event=code\.try .*result=wrong ')" -eq 5 ]
# assist-cli too, with the right code: refused (exit 70).
echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh"
SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force ANSWER="$T/answer" \
    cli -F "$T/cfg" -o UserKnownHostsFile="$T/kh" -o IdentitiesOnly=yes \
    -i "$T/helper" "$U:$PORT"
expect_rc "assist-cli: burned code refused (exit 70)" $EXIT_AUTH
err_says "... saying so" "one-time code refused"
check "no session started" [ "$(tr_count 'event=session\.start ')" -eq 0 ]
stop "$D2"
no_code "d2: the transcript never holds the code" "$CODE" "$TDIR"/*.log
rm -f "$TDIR"/*.log

# --- d3: past the --wait deadline -----------------------------------------
start_code d3 --wait 4 || { notok "assistd d3 starts"; exit 1; }
D3=$DPID
answer "$CODE"
ASKPASS_SLEEP=6 ssh_code late 1 -s "$U" rfb
if [ "$RC" -eq 255 ] && ! grep -q RFB "$T/late.out"; then
	ok "the right code after the --wait deadline is refused"
else
	notok "late code refused (rc=$RC): $(cat "$T/late.out")"
fi
wait_exit "$D3" 10
check "... assistd exits: nobody came in time (status 2)" [ "$EXITCODE" -eq 2 ]
check "... no session, no code accepted" sh -c \
    "[ $(tr_count 'event=session\.start ') -eq 0 ] && [ $(tr_count 'result=ok ') -eq 0 ]"
rm -f "$TDIR"/*.log

# --- d4: assist-cli, askpass and agent ------------------------------------
start_code d4 --wait 120 || { notok "assistd d4 starts"; exit 1; }
D4=$DPID
echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh"
HT="$HHOME/.local/state/assist/transcripts"
# ac ARGS...: assist-cli with the helper's key and certificate.
ac() {
	SSH_ASKPASS="$T/askpass" ANSWER="$T/answer" cli -F "$T/cfg" \
	    -o UserKnownHostsFile="$T/kh" "$@" "$U:$PORT"
}
SSH_ASKPASS_REQUIRE=never ac -o IdentitiesOnly=yes -i "$T/helper"
expect_rc "assist-cli: no terminal, askpass not allowed: refused" $EXIT_AUTH
err_says "... saying why" "no terminal, and SSH_ASKPASS not allowed"
answer "$(wrong_code "$CODE")"
: >"$ASKPASS_LOG"
t0=$(date +%s%N)
SSH_ASKPASS_REQUIRE=force ac -o IdentitiesOnly=yes -i "$T/helper"
ms=$((($(date +%s%N) - t0) / 1000000))
expect_rc "assist-cli: wrong code refused (exit 70)" $EXIT_AUTH
err_says "... one-time code refused, with assistd's reason" \
    "one-time code refused: Received SSH_MSG_DISCONNECT: 11:One-time code refused"
# libssh 0.10.6 alone would wait out the 30 s timeout after the
# DISCONNECT (auth.c: auth_kbdint_call).
check "... at once ($ms ms, not the 30 s timeout)" [ "$ms" -lt 10000 ]
check "... asked three times through the askpass" \
    [ "$(grep -cxF "($U) One-time code: " "$ASKPASS_LOG")" -eq 3 ]
check "... helper's transcript: auth.code result=refused tries=3" \
    grep -q 'event=auth\.code .*result=refused tries=3 ' "$HT"/*.log
check "... then auth.deny" grep -q 'event=auth\.deny ' "$HT"/*.log
rm -f "$HT"/*.log
# The agent holds a refused plain key, the certified key and one more,
# which is never offered: ssh_userauth_agent() stops at the partial
# success.
bg agent ssh-agent -D -a "$T/agent.sock"
AGENT=$LASTPID
wait_for "$T/agent.out" 'SSH_AUTH_SOCK' 10
SSH_AUTH_SOCK="$T/agent.sock" ssh-add -q "$T/helper" "$T/extra" 2>/dev/null
answer "$CODE"
: >"$ASKPASS_LOG"
SSH_ASKPASS_REQUIRE=force ac -o IdentityAgent="$T/agent.sock"
expect_rc "assist-cli through the agent: the right code opens the session" 0
check "... asked once" [ "$(grep -cxF "($U) One-time code: " "$ASKPASS_LOG")" -eq 1 ]
check "... the key after the certificate not offered" \
    sh -c "! grep -q '$(fp_of "$T/extra.pub")' '$T/d4.out'"
check "... helper's transcript: auth.code result=ok tries=1, auth.allow via agent" \
    sh -c "grep -q 'event=auth\.code .*result=ok tries=1 ' '$HT'/*.log &&
    grep -q 'event=auth\.allow .*via=agent' '$HT'/*.log"
check "... assistd: code.try result=ok" \
    [ "$(tr_count 'event=code\.try .*result=ok ')" -eq 1 ]
stop "$AGENT"
wait_exit "$D4" 15
no_code "the helper's transcript never holds the code" "$CODE" "$HT"/*.log
no_code "assistd's transcript never holds the code" "$CODE" "$TDIR"/*.log
rm -f "$TDIR"/*.log "$HT"/*.log

# --- d5: assist-cli on a terminal: wrong, then right, echo off ------------
start_code d5 --wait 120 || { notok "assistd d5 starts"; exit 1; }
D5=$DPID
echo "[127.0.0.1]:$PORT $HOSTPUB" >"$T/kh"
W=$(wrong_code "$CODE")
cli_tty "$W\n$CODE\n" -F "$T/cfg" -o UserKnownHostsFile="$T/kh" \
    -o IdentitiesOnly=yes -i "$T/helper" "$U:$PORT"
expect_rc "assist-cli on a terminal: wrong, then right: session" 0
check "... the prompt on the terminal" \
    grep -qF "($U) One-time code: " "$T/cli.tty"
check "... told the first was not accepted" \
    grep -q 'The one-time code was not accepted' "$T/cli.tty"
no_code "... neither answer echoed" "$CODE" "$T/cli.tty"
no_code "... (nor the wrong one)" "$W" "$T/cli.tty"
check "... helper's transcript: auth.code result=ok tries=2" \
    grep -q 'event=auth\.code .*result=ok tries=2 ' "$HT"/*.log
wait_exit "$D5" 15
check "... assistd: wrong then ok" sh -c \
    "cat '$TDIR'/*.log | grep -o 'event=code.try .*result=[a-z]*' | \
    sed 's/.*result=//' | tr '\n' ' ' | grep -qx 'wrong ok '"

# --- a hostile server's keyboard-interactive, against assist-cli ----------
# (tests/helpers/kbdint_server: any key is a partial success, then the
# questions below.) What the server says is escaped and cut before
# assist-cli shows it; a server that asks too much is refused.
KS="$BUILD/tests/kbdint_server"
ssh-keygen -q -t ed25519 -N '' -f "$T/kshost"
# ks MODE: the server in the background, its port in $KPORT.
ks() {
	rm -f "$T/ks.port" "$T/ks.answers"
	bg ks "$KS" "$T/ks.port" "$T/kshost" "$1" "$T/ks.answers"
	KSPID=$LASTPID
	wait_for "$T/ks.port" '^[0-9]+$' 10
	KPORT=$(cat "$T/ks.port")
	echo "[127.0.0.1]:$KPORT $(cut -d' ' -f1,2 "$T/kshost.pub")" >"$T/kh"
}
kcli() {
	SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force ANSWER="$T/answer" \
	    cli -F "$T/cfg" -o UserKnownHostsFile="$T/kh" -o IdentitiesOnly=yes \
	    -i "$T/helper" "$U:$KPORT"
}
ESC=$(printf '\033')
answer "4821 9930"
: >"$ASKPASS_LOG"
ks hostile
kcli
expect_rc "hostile prompts: refused answer, exit 70" $EXIT_AUTH
wait_exit "$KSPID" 10
check "... the answer reached the server as typed" \
    grep -qx '4821 9930' "$T/ks.answers"
check "... asked three times (then gave up)" \
    [ "$(wc -l <"$ASKPASS_LOG")" -eq 3 ]
check "... no escape byte reached the askpass or the terminal" \
    sh -c "! grep -q '$ESC' '$ASKPASS_LOG' '$T/cli.err'"
check "... the prompt escaped, as (user@host) \\\\x1b[8mhidden..." \
    grep -q "^($U) \\\\x1b\[8mhidden\\\\x1b\[0m\\\\x07000" "$ASKPASS_LOG"
check "... and cut (5000 bytes shown as at most 128)" \
    sh -c "[ \$(head -n 1 '$ASKPASS_LOG' | wc -c) -le \$((128 + 40)) ]"
check "... name and instruction shown escaped on stderr" sh -c \
    "grep -qF '\\x1b]0;pwned\\x07name' '$T/cli.err' &&
    grep -qF '\\x1b[2J\\x1b[31minstruction\\x0d\\x0aforged line' '$T/cli.err'"
check "... helper's transcript: auth.code result=refused tries=3" \
    grep -q 'event=auth\.code .*result=refused tries=3 ' "$HT"/*.log
rm -f "$HT"/*.log

: >"$ASKPASS_LOG"
ks many
kcli
expect_rc "20 prompts at once: refused (exit 70)" $EXIT_AUTH
err_says "... saying so" "the server asked 20 questions at once"
check "... nothing asked" [ ! -s "$ASKPASS_LOG" ]
check "... auth.code result=error" \
    grep -q 'event=auth\.code .*result=error tries=0 ' "$HT"/*.log
wait_exit "$KSPID" 10
rm -f "$HT"/*.log

: >"$ASKPASS_LOG"
ks endless
kcli
expect_rc "questions without end: refused (exit 70)" $EXIT_AUTH
err_says "... saying so" "the server asked more than 4 questions in a row"
check "... 4 answers given, no more" [ "$(wc -l <"$ASKPASS_LOG")" -eq 4 ]
wait_exit "$KSPID" 10
