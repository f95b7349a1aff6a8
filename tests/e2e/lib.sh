# Shared helpers for end-to-end tests; sourced by tests/e2e/*.sh.
# Every test prints "ok - name" or "not ok - name: why". Every process a
# test starts is recorded and stopped by PID, with bounded time, on exit.
# Network tests bind to 127.0.0.1 only.
set -u
: "${BUILD:?BUILD must name the build directory}"
: "${TOP:?TOP must name the source tree}"
CLI="$BUILD/assist-cli"

T=$(mktemp -d /tmp/assist-e2e.XXXXXX)
chmod 0755 "$T"
# The test account must be able to run assistd wherever the tree lives
# (CI clones into a private directory): run a copy from $T/bin.
mkdir -p "$T/bin"
cp "$BUILD/assistd" "$T/bin/assistd"
chmod 0755 "$T/bin" "$T/bin/assistd"
ASSISTD="$T/bin/assistd"
PIDS=""

# The account assistd runs as in tests: assistd refuses root by design, so
# as root we drop to nobody with setpriv; otherwise we are that user.
if [ "$(id -u)" -eq 0 ]; then
	TEST_USER=nobody
else
	TEST_USER=$(id -un)
fi
UHOME="$T/user"
mkdir -p "$UHOME"
chmod 0700 "$UHOME"
[ "$(id -u)" -eq 0 ] && chown "$TEST_USER" "$UHOME"

# assistd asks the user before every session: on its terminal, else
# through $SSH_ASKPASS. Tests run it without a terminal (setsid below) and
# with the test askpass (tests/helpers/askpass.sh: records each question in
# $ASKPASS_DIR, answers yes unless told otherwise with askpass_answer).
cp "$TOP/tests/helpers/askpass.sh" "$T/bin/askpass"
chmod 0755 "$T/bin/askpass"
ASKPASS_DIR="$T/consent-askpass"
mkdir -p "$ASKPASS_DIR"
chmod 0700 "$ASKPASS_DIR"
[ "$(id -u)" -eq 0 ] && chown "$TEST_USER" "$ASKPASS_DIR"
ASKPASS_ENV="SSH_ASKPASS=$T/bin/askpass ASKPASS_DIR=$ASKPASS_DIR"

# RUNAS: command prefix that runs a program as the test account with a
# private home and no controlling terminal (an exec chain, so a background
# job's PID is the program's: setsid forks only for a process group
# leader, which a test's commands are not). RUNAS_TTY: the same, keeping
# the terminal (the consent tests' pty) and without SSH_ASKPASS.
if [ "$(id -u)" -eq 0 ]; then
	RUNAS_TTY="setpriv --reuid=$TEST_USER --regid=nogroup --clear-groups \
env -i PATH=/usr/bin:/bin HOME=$UHOME XDG_CONFIG_HOME=$UHOME/.config \
XDG_STATE_HOME=$UHOME/.local/state"
else
	RUNAS_TTY="env -u SSH_ASKPASS HOME=$UHOME XDG_CONFIG_HOME=$UHOME/.config \
XDG_STATE_HOME=$UHOME/.local/state"
fi
RUNAS="setsid -w $RUNAS_TTY $ASKPASS_ENV"

# as_user CMD...: runs CMD (a program, not a function) as the test account.
# shellcheck disable=SC2086
as_user() { $RUNAS "$@"; }

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }

# check NAME CMD...: ok when CMD succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

# bg NAME CMD...: starts CMD in the background, output in $T/NAME.out,
# its PID recorded for cleanup and left in $LASTPID.
bg() {
	name=$1
	shift
	"$@" >"$T/$name.out" 2>&1 &
	LASTPID=$!
	PIDS="$PIDS $LASTPID"
}

# stop PID: TERM, then KILL after 3 s.
stop() {
	pid=$1
	kill -TERM "$pid" 2>/dev/null || return 0
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# wait_exit PID SECONDS: waits for PID to end; status in $EXITCODE; 1 on
# timeout (PID is then stopped).
wait_exit() {
	pid=$1 secs=$2 i=0
	while kill -0 "$pid" 2>/dev/null; do
		if [ $i -ge $((secs * 10)) ]; then
			stop "$pid"
			EXITCODE=124
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	wait "$pid"
	EXITCODE=$?
	return 0
}

# wait_for FILE REGEX SECONDS: waits until a line of FILE matches.
wait_for() {
	file=$1 re=$2 secs=$3 i=0
	while ! grep -Eq "$re" "$file" 2>/dev/null; do
		[ $i -ge $((secs * 10)) ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

cleanup() {
	for p in $PIDS; do stop "$p"; done
	if [ -n "${KEEP:-}" ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# keygen NAME [ssh-keygen args...]: an ed25519 key pair $T/NAME, $T/NAME.pub
keygen() {
	name=$1
	shift
	ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$T/$name" "$@" >/dev/null
}

# askpass_answer WORD: what the test askpass answers from now on (see
# tests/helpers/askpass.sh: yes, no, sleep, "print TEXT", "after SECS").
askpass_answer() { printf '%s\n' "$1" >"$ASKPASS_DIR/answer"; share "$ASKPASS_DIR/answer"; }
# askpass_calls: how many questions the test askpass was asked so far.
askpass_calls() { if [ -f "$ASKPASS_DIR/calls" ]; then wc -l <"$ASKPASS_DIR/calls"; else echo 0; fi; }

# start_assistd NAME ARGS...: starts assistd as the test user on
# 127.0.0.1 port 0, waits for its listening line, sets $PORT and $DPID.
# It asks the user through the test askpass (yes, unless askpass_answer).
start_assistd() {
	name=$1
	shift
	# shellcheck disable=SC2086
	bg "$name" $RUNAS "$ASSISTD" --listen 127.0.0.1:0 "$@"
	DPID=$LASTPID
	if ! wait_for "$T/$name.out" '^assistd: listening on ' 10; then
		echo "# assistd did not start:" >&2
		cat "$T/$name.out" >&2
		PORT=
		return 1
	fi
	PORT=$(sed -n 's/^assistd: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	    "$T/$name.out" | head -n 1)
	[ -n "$PORT" ]
}

# A files the test user can read (keys handed to assistd).
share() { chmod 0644 "$@"; [ "$(id -u)" -eq 0 ] && chown "$TEST_USER" "$@"; true; }

# SSHC / ssh_c ARGS...: the real OpenSSH client, no user config, a test
# known_hosts (SSHC is a plain command prefix, usable with timeout(1)).
SSHC="ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
-o UserKnownHostsFile=$T/ssh_known_hosts -o IdentitiesOnly=yes \
-o ConnectTimeout=10"
# shellcheck disable=SC2086
ssh_c() { $SSHC "$@"; }
