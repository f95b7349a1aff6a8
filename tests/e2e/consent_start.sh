# Where assistd asks, decided at start: no terminal and no usable
# SSH_ASKPASS (unset, missing, not executable; or --gui and none) ->
# assistd refuses to start, saying why, before it listens or records
# anything; a name without '/' is found in PATH as execvp would. The new
# options are checked (one line, exit 1) and described by --help.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"

keygen helper
share "$T/helper.pub"
AK="-o AuthorizedKeysFile=$T/helper.pub"
NOTTY="setsid -w $RUNAS_TTY"

# nostart NAME REGEX ENV...: assistd (no terminal) with these environment
# assignments exits 1 saying REGEX, opens no port, writes no transcript.
nostart() {
	name=$1 re=$2
	shift 2
	# shellcheck disable=SC2086
	timeout 10 $NOTTY "$@" "$ASSISTD" --listen 127.0.0.1:0 $AK \
	    >"$T/ns.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -Eq "$re" "$T/ns.out" &&
	    [ "$(wc -l <"$T/ns.out")" -eq 1 ] &&
	    ! grep -q listening "$T/ns.out" && [ ! -d "$TDIR" ]; then
		ok "$name ($(cat "$T/ns.out"))"
	else
		notok "$name (rc=$rc): $(cat "$T/ns.out")"
	fi
}
nostart "no terminal, no SSH_ASKPASS: refuses to start" \
    '^assistd: no terminal and SSH_ASKPASS is not set: nowhere to ask the user for consent; not starting'
nostart "SSH_ASKPASS empty: as unset" 'SSH_ASKPASS is not set' SSH_ASKPASS=
nostart "SSH_ASKPASS missing: refuses, naming it" \
    "SSH_ASKPASS \($T/none\) is not an executable program" SSH_ASKPASS="$T/none"
printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
chmod 0644 "$T/noexec"
nostart "SSH_ASKPASS not executable: refuses" \
    'is not an executable program' SSH_ASKPASS="$T/noexec"
nostart "SSH_ASKPASS a directory: refuses" \
    'is not an executable program' SSH_ASKPASS="$T"
nostart "SSH_ASKPASS not in PATH: refuses" \
    'is not an executable program' SSH_ASKPASS=no-such-askpass-here
nostart "a control character in SSH_ASKPASS is shown escaped" \
    'SSH_ASKPASS \(x\\x1b\[31m\)' SSH_ASKPASS="$(printf 'x\033[31m')"
check "nothing was recorded by the refused starts" test ! -d "$TDIR"

# A name found in PATH (as execvp finds it) is fine: assistd starts.
mkdir -p "$T/pathbin"
cp "$T/bin/askpass" "$T/pathbin/test-askpass"
chmod 0755 "$T/pathbin" "$T/pathbin/test-askpass"
# shellcheck disable=SC2086
bg p1 $NOTTY PATH="$T/pathbin:/usr/bin:/bin" SSH_ASKPASS=test-askpass \
    ASKPASS_DIR="$ASKPASS_DIR" "$ASSISTD" --listen 127.0.0.1:0 $AK --wait 1
if wait_exit "$LASTPID" 10 && [ "$EXITCODE" -eq 2 ] &&
    grep -q 'you will be asked through SSH_ASKPASS (60 s to answer)' "$T/p1.out"; then
	ok "SSH_ASKPASS found in PATH: assistd starts, says how it will ask"
else
	notok "SSH_ASKPASS in PATH (rc=$EXITCODE): $(cat "$T/p1.out")"
fi

# Options: bad values are one line, exit 1.
refused() {
	name=$1 re=$2
	shift 2
	as_user "$ASSISTD" --listen 127.0.0.1:0 $AK "$@" >"$T/bad.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -Eq "$re" "$T/bad.out" &&
	    [ "$(wc -l <"$T/bad.out")" -eq 1 ]; then
		ok "$name"
	else
		notok "$name (rc=$rc): $(cat "$T/bad.out")"
	fi
}
refused "--consent-timeout 0 refused" \
    '^assistd: --consent-timeout: "0" is not a duration from 1s to 1h$' \
    --consent-timeout 0
refused "--consent-timeout 2h refused" 'not a duration from 1s to 1h' \
    --consent-timeout 2h
refused "--consent-timeout junk refused" 'not a duration' \
    --consent-timeout 5x
refused "--max-helpers 0 refused" \
    '^assistd: --max-helpers: "0" is not a number from 1 to 4$' --max-helpers 0
refused "--max-helpers 5 refused" 'from 1 to 4' --max-helpers 5
refused "--max-helpers junk refused" 'not a number' --max-helpers 2x

as_user "$ASSISTD" --help >"$T/help.out" 2>&1
for o in --consent-timeout --gui --max-helpers --persist 'c Enter' \
    'e Enter ends it' 'SSH_ASKPASS' 'Exit status'; do
	check "--help describes $o" grep -qF -- "$o" "$T/help.out"
done
if command -v man >/dev/null 2>&1; then
	MANWIDTH=200 man -l "$TOP/man/assistd.1" 2>/dev/null >"$T/man.out"
	for o in --consent-timeout --gui --max-helpers --persist \
	    SSH_ASKPASS_PROMPT 'Verification code' 'user_ended'; do
		check "assistd(1) describes $o" grep -qF -- "$o" "$T/man.out"
	done
else
	for o in consent-timeout '\-\-gui' max-helpers persist \
	    SSH_ASKPASS_PROMPT 'Verification code' user_ended; do
		check "assistd(1) describes $o" grep -q -- "$o" "$TOP/man/assistd.1"
	done
fi
