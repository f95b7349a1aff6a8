#!/bin/sh
# `make demo`: an assist session end to end on this machine. assistd runs
# as an unprivileged account (nobody when we are root), a helper key is
# made with ssh-keygen, and assist-cli connects through SSH to the "rfb"
# subsystem. Everything runs on 127.0.0.1 and is stopped at the end.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
export BUILD TOP
. "$TOP/tests/e2e/lib.sh"

say() { printf '\n== %s\n' "$*"; }

say "helper key (ssh-keygen -t ed25519)"
keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
cat "$T/helper.pub"

say "the user starts assistd (as $TEST_USER)"
start_assistd assistd -o AuthorizedKeysFile="$T/authorized" --wait 60 -v ||
    exit 1
cat "$T/assistd.out"
fp=$(sed -n 's/.*host key \(SHA256:[^ ]*\).*/\1/p' "$T/assistd.out")

say "the helper runs assist-cli $TEST_USER@127.0.0.1 -p $PORT"
printf '%s ssh-ed25519 %s\n' "[127.0.0.1]:$PORT" \
    "$(awk '{print $2}' "$UHOME/.config/assist/ssh_host_ed25519_key.pub")" \
    >"$T/known_hosts"
echo "(host key $fp pinned in the helper's known_hosts)"
XDG_STATE_HOME="$T/helper-state" "$CLI" --exit-after-accept -F /dev/null -o UserKnownHostsFile="$T/known_hosts" \
    -o IdentityAgent=none -i "$T/helper" -p "$PORT" "$TEST_USER@127.0.0.1"
rc=$?
echo "(assist-cli exit status $rc)"

say "the question the user answered (here through a demo SSH_ASKPASS that says yes)"
for q in "$ASKPASS_DIR"/q.*; do [ -f "$q" ] && cat "$q"; done

say "assistd's side of the story"
wait_exit "$DPID" 10
cat "$T/assistd.out"

say "the transcripts both sides kept (grep-able, hash-chained)"
for f in "$UHOME"/.local/state/assist/transcripts/*.log \
    "$T"/helper-state/assist/transcripts/*.log; do
	echo "-- $f"
	cut -c1-160 "$f" | sed 's/$/…/'
done
say "the administrator checks them: assist-audit"
"$BUILD/assist-audit" "$UHOME"/.local/state/assist/transcripts \
    "$T"/helper-state/assist/transcripts
exit $rc
