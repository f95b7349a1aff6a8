# End to end: assist-cli's own host key checking against a real assistd:
# unknown (refused with StrictHostKeyChecking=yes, BatchMode, no terminal,
# or "no" at the prompt), changed and revoked keys refused loudly with
# their own exit codes, whatever StrictHostKeyChecking says, and keys
# accepted without asking only with a warning that names them.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

EXIT_CONFIG=65
EXIT_UNKNOWN=67
EXIT_CHANGED=68
EXIT_REVOKED=69

keygen helperkey
keygen otherhost
cp "$T/helperkey.pub" "$T/ak"
share "$T/ak"
install_key helperkey
OTHERPUB=$(cut -d' ' -f1,2 "$T/otherhost.pub")
# No user config; known_hosts lines stay plain so tests can write them.
printf 'Host *\n  HashKnownHosts no\n' >"$T/cfg"

# hk FILE ARGS...: assist-cli with FILE as the only known_hosts file.
hk() {
	f=$1
	shift
	cli -F "$T/cfg" -o UserKnownHostsFile="$f" \
	    -o GlobalKnownHostsFile=/dev/null "$@" "$TEST_USER@127.0.0.1:$PORT"
}

if ! start_d d1 -o AuthorizedKeysFile="$T/ak"; then
	notok "assistd d1 did not start"
	exit 1
fi
NAME="[127.0.0.1]:$PORT"

# --- unknown host key
hk "$T/kh_none" -o StrictHostKeyChecking=yes
expect_rc "unknown key + StrictHostKeyChecking=yes: refused" $EXIT_UNKNOWN
err_says "... names the key and the setting" \
    "host key for $NAME is unknown (ED25519 $HOSTFP) and StrictHostKeyChecking=yes (from the command line)"
check "... and writes nothing" [ ! -e "$T/kh_none" ]

hk "$T/kh_none" -o BatchMode=yes
expect_rc "unknown key + BatchMode (ask): refused" $EXIT_UNKNOWN
err_has "... because BatchMode forbids asking" "BatchMode forbids asking"

hk "$T/kh_none"
expect_rc "unknown key, ask, no terminal: refused" $EXIT_UNKNOWN
err_has "... because there is no terminal" "no terminal to ask on"

cli_tty 'no\n' -F "$T/cfg" -o UserKnownHostsFile="$T/kh_none" \
    "$TEST_USER@127.0.0.1:$PORT"
expect_rc "unknown key, answer no at the prompt: refused" $EXIT_UNKNOWN
check "... the prompt shows the SHA256 fingerprint" grep -Fq \
    "ED25519 key fingerprint is $HOSTFP." "$T/cli.tty"
check "... and asks like ssh" grep -Fq \
    "Are you sure you want to continue connecting (yes/no/[fingerprint])?" \
    "$T/cli.tty"
check "... nothing written" [ ! -e "$T/kh_none" ]

cli_tty 'maybe\nSHA256:wrong\nno\n' -F "$T/cfg" \
    -o UserKnownHostsFile="$T/kh_none" "$TEST_USER@127.0.0.1:$PORT"
expect_rc "unclear answers are asked again, then no: refused" $EXIT_UNKNOWN
check "... with ssh's re-prompt" grep -q "Please type 'yes', 'no' or the fingerprint" \
    "$T/cli.tty"

# @cert-authority lines cannot vouch for assistd: still unknown.
echo "@cert-authority * $HOSTPUB" >"$T/kh_ca"
hk "$T/kh_ca" -o StrictHostKeyChecking=yes
expect_rc "@cert-authority line alone: unknown" $EXIT_UNKNOWN

# --- changed host key: refused even with StrictHostKeyChecking=no
printf '# first line\n%s %s\n' "$NAME" "$OTHERPUB" >"$T/kh_changed"
cp "$T/kh_changed" "$T/kh_changed.orig"
hk "$T/kh_changed"
expect_rc "changed key: refused" $EXIT_CHANGED
err_says "... with ssh's warning block" \
    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @"
err_says "... showing the new fingerprint" "$HOSTFP."
err_says "... and the offending file:line" \
    "Offending ED25519 key in $T/kh_changed:2"
err_says "... and how to remove it" \
    "ssh-keygen -f \"$T/kh_changed\" -R \"$NAME\""
err_has "... ending with one error line" \
    "^assist-cli: host key for .* has CHANGED \(offending key in .*kh_changed:2\); refusing to connect$"
hk "$T/kh_changed" -o StrictHostKeyChecking=no
expect_rc "changed key + StrictHostKeyChecking=no: still refused" $EXIT_CHANGED
check "... known_hosts untouched" cmp -s "$T/kh_changed" "$T/kh_changed.orig"
ssh-keygen -q -H -f "$T/kh_changed" >/dev/null 2>&1
hk "$T/kh_changed" -o StrictHostKeyChecking=accept-new
expect_rc "changed key behind a hashed name (ssh-keygen -H): refused" \
    $EXIT_CHANGED
# A line with the right key wins over one with a wrong key (as ssh).
printf '%s %s\n[127.0.0.1]:* %s\n' "$NAME" "$OTHERPUB" "$HOSTPUB" \
    >"$T/kh_both"
cli -F "$T/cfg" -o UserKnownHostsFile="$T/kh_both" \
    -o StrictHostKeyChecking=yes -o User=nobody-else "127.0.0.1:$PORT"
expect_rc "right key next to a wrong one: host accepted (auth then fails)" 70

# --- revoked host key: libssh would call this known; we refuse.
printf '%s %s\n@revoked * %s\n' "$NAME" "$HOSTPUB" "$HOSTPUB" >"$T/kh_rev"
hk "$T/kh_rev"
expect_rc "@revoked key next to a valid line: refused" $EXIT_REVOKED
err_says "... with ssh's warning block" "WARNING: REVOKED HOST KEY DETECTED!"
err_says "... naming the line" "Revoked in $T/kh_rev:2"
hk "$T/kh_rev" -o StrictHostKeyChecking=no
expect_rc "@revoked + StrictHostKeyChecking=no: still refused" $EXIT_REVOKED
echo "@revoked * $HOSTPUB" >"$T/kh_global"
echo "$NAME $HOSTPUB" >"$T/kh_user"
cli -F "$T/cfg" -o UserKnownHostsFile="$T/kh_user" \
    -o GlobalKnownHostsFile="$T/kh_global" "$TEST_USER@127.0.0.1:$PORT"
expect_rc "@revoked in the global file beats the user file" $EXIT_REVOKED
printf '%s %s\n@revoked * %s\n' "$NAME" "$HOSTPUB" "!!notbase64" \
    >"$T/kh_badrev"
hk "$T/kh_badrev"
expect_rc "a malformed @revoked line stops us (it could hide a revocation)" \
    $EXIT_CONFIG
err_has "... naming file:line" "kh_badrev:2: malformed marker line"

# --- accepted without asking, from a config file: loud, and recorded.
printf 'Host 127.0.0.1\n  HashKnownHosts no\n  StrictHostKeyChecking no\n' \
    >"$T/cfg_no"
cli -F "$T/cfg_no" -o UserKnownHostsFile="$T/kh_new" \
    -o GlobalKnownHostsFile=/dev/null "$TEST_USER@127.0.0.1:$PORT"
expect_rc "StrictHostKeyChecking no (config file): connects" 0
err_says "... but warns with fingerprint, file and where the setting is" \
    "Warning: Permanently added '$NAME' (ED25519 $HOSTFP) to $T/kh_new without verification, because StrictHostKeyChecking=no (from $T/cfg_no line 3)."
check "... and records the exact key" grep -Fxq "$NAME $HOSTPUB" "$T/kh_new"
wait_exit "$DPID" 10

# --- the fingerprint typed at the prompt accepts, like ssh.
if start_d d2 -o AuthorizedKeysFile="$T/ak"; then
	NAME="[127.0.0.1]:$PORT"
	cli_tty "$HOSTFP\n" -F "$T/cfg" -o UserKnownHostsFile="$T/kh_typed" \
	    "$TEST_USER@127.0.0.1:$PORT"
	expect_rc "typing the fingerprint at the prompt accepts" 0
	check "... recorded" grep -Fxq "$NAME $HOSTPUB" "$T/kh_typed"
	check "... and said so" grep -Fq \
	    "Warning: Permanently added '$NAME' (ED25519) to the list of known hosts." \
	    "$T/cli.tty"
else
	notok "assistd d2 did not start"
fi

# --- -o StrictHostKeyChecking=no: connects, warns, records.
if start_d d3 -o AuthorizedKeysFile="$T/ak"; then
	NAME="[127.0.0.1]:$PORT"
	cli -F "$T/cfg" -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile="$T/kh_no" -o GlobalKnownHostsFile=/dev/null \
	    "$TEST_USER@127.0.0.1:$PORT"
	expect_rc "-o StrictHostKeyChecking=no: connects" 0
	err_says "... warns, naming key, file and the command line" \
	    "Warning: Permanently added '$NAME' (ED25519 $HOSTFP) to $T/kh_no without verification, because StrictHostKeyChecking=no (from the command line)."
	check "... and records the key" grep -Fxq "$NAME $HOSTPUB" "$T/kh_no"
else
	notok "assistd d3 did not start"
fi
