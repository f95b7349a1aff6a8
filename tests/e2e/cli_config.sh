# End to end: assist-cli reads ssh_config like the real ssh of this
# machine (OpenSSH 9.2): the same keywords are accepted and refused, and
# the options it uses resolve to the same values as `ssh -G` (Host/Match
# blocks, first value wins, command line first). Then ProxyCommand and
# ProxyJump really carry a connection to assistd.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

EXIT_USAGE=64
EXIT_CONFIG=65

# g ARGS...: assist-cli -G as the helper (output in $T/cli.out).
g() { cli -G "$@"; }

# --- every keyword: accepted by ssh <=> accepted by assist-cli
{
	strings "$(command -v ssh)" | grep -E '^[a-z0-9]{4,40}$'
	printf '%s\n' host user port match include macs keepalive
} | sort -u >"$T/candidates"
n=0 mism=""
while read -r kw; do
	printf '%s x\n' "$kw" >"$T/kw.cfg"
	ssh -G -F "$T/kw.cfg" h </dev/null >/dev/null 2>"$T/kw.ssh"
	g -F "$T/kw.cfg" h
	s_bad=0 a_bad=0
	grep -q 'Bad configuration option' "$T/kw.ssh" && s_bad=1
	grep -q 'Bad configuration option' "$T/cli.err" && a_bad=1
	[ $s_bad -eq 0 ] && n=$((n + 1))
	[ $s_bad -ne $a_bad ] && mism="$mism $kw"
done <"$T/candidates"
check "keywords accepted and refused exactly as ssh does ($n known)" \
    [ -z "$mism" ]
[ -n "$mism" ] && echo "# differ:$mism"
check "the check saw many keywords (sanity)" [ "$n" -gt 100 ]

# --- resolved values against ssh -G
mkdir -p "$HHOME/.ssh/conf.d"
cat >"$HHOME/.ssh/conf.d/late.conf" <<'EOF'
Host *
  User never
  Port 1
  IdentityFile /keys/id_late
  ConnectTimeout 10
  UserKnownHostsFile /kh/late
EOF
chmod 0600 "$HHOME/.ssh/conf.d/late.conf"
cat >"$T/sample.cfg" <<'EOF'
# a config in ssh's own syntax
Host alias other
  HostName Real.Example
  User=cfguser
  Port 2200
  IdentityFile /keys/id_a
  IdentityFile "/keys/id b"
  CertificateFile /keys/id_a-cert.pub
  IdentitiesOnly yes
  UserKnownHostsFile /kh/one /kh/two
  StrictHostKeyChecking accept-new
  HashKnownHosts yes
  ConnectTimeout 1m5
Host * !alias
  BatchMode yes
Match host real.example user cfguser
  ProxyJump j1,ju@j2:2222
  SendEnv LANG
Match exec "exit 1"
  Port 9
Host *
  Include conf.d/*.conf
  GSSAPIAuthentication yes
EOF
KEYS='^(user|hostname|port|identityfile|certificatefile|identitiesonly|userknownhostsfile|stricthostkeychecking|hashknownhosts|batchmode|connecttimeout|proxyjump) '
compare() {
	name=$1
	shift
	HOME="$HHOME" ssh -G -F "$T/sample.cfg" "$@" </dev/null 2>/dev/null |
	    grep -E "$KEYS" | sort -s -k1,1 >"$T/want"
	g -F "$T/sample.cfg" "$@"
	grep -E "$KEYS" "$T/cli.out" | sort -s -k1,1 >"$T/got"
	if cmp -s "$T/want" "$T/got"; then
		ok "$name"
	else
		notok "$name"
		diff "$T/want" "$T/got" | sed 's/^/# /'
	fi
}
compare "Host block, Match, Include: same values as ssh -G" alias
touch "$T/cmdline_key"	# ssh drops -i files that do not exist
compare "command line first, in order, like ssh -G" -o User=first \
    -p 7 -o Port=8 -i "$T/cmdline_key" -o IdentityFile=/keys/opt bob@alias
compare "negated Host pattern and the Include'd defaults" plainhost
g -F "$T/sample.cfg" alias
err_has "Match exec is reported as unsupported, once" \
    "Match exec is not supported"
check "... and its block is not applied" sh -c \
    "! grep -q '^port 9' '$T/cli.out'"

# --- errors
printf 'Host *\n  Port 22\n  Bogus yes\n' >"$T/bad.cfg"
g -F "$T/bad.cfg" h
expect_rc "unknown keyword in a file: config error" $EXIT_CONFIG
err_has "... named as FILE:LINE: Bad configuration option: X" \
    "^assist-cli: $T/bad.cfg:3: Bad configuration option: bogus$"
g -o Bogus=yes h
expect_rc "unknown -o keyword: usage error" $EXIT_USAGE
g -F "$T/does-not-exist" h
expect_rc "missing -F file: config error" $EXIT_CONFIG
printf 'Host *\n  Port 22\n' >"$HHOME/.ssh/config"
chmod 0666 "$HHOME/.ssh/config"
g h
expect_rc "~/.ssh/config writable by others: refused like ssh" \
    $EXIT_CONFIG
err_has "... with ssh's words" "Bad owner or permissions on $HHOME/.ssh/config"
rm -f "$HHOME/.ssh/config"
g -o 'HostName=evil;reboot' h
expect_rc "HostName with shell metacharacters: refused" $EXIT_CONFIG
g 'h;reboot'
expect_rc "destination with shell metacharacters: usage error" $EXIT_USAGE

# --- ProxyCommand: a real shell command relaying TCP (bash /dev/tcp).
# The literal "%%" checks that our % escaping survives libssh's own
# token expansion.
keygen helperkey
cp "$T/helperkey.pub" "$T/ak"
share "$T/ak"
install_key helperkey
cat >"$T/relay" <<'EOF'
#!/bin/bash
# relay HOST PORT LOG: stdin/stdout <-> TCP, logging its arguments.
printf '%s\n' "$*" >"$3"
exec 3<>"/dev/tcp/$1/$2" || exit 1
cat <&3 &
exec cat >&3
EOF
chmod 0755 "$T/relay"
if start_d d1 -o AuthorizedKeysFile="$T/ak"; then
	printf 'Host viaproxy\n  HostName 127.0.0.1\n  Port %s\n  User %s\n  ProxyCommand %s %%h %%p %s 100%%%%\n' \
	    "$PORT" "$TEST_USER" "$T/relay" "$T/relay.log" >"$T/proxy.cfg"
	cli -F "$T/proxy.cfg" -o StrictHostKeyChecking=accept-new \
	    -o UserKnownHostsFile="$T/kh_proxy" viaproxy
	expect_rc "ProxyCommand carries the connection to rfb" 0
	check "... with %h %p expanded and %% kept as %" grep -qx \
	    "127.0.0.1 $PORT $T/relay.log 100%" "$T/relay.log"
else
	notok "assistd d1 did not start"
fi

# --- ProxyJump: the command is "ssh ... -W '[host]:port' -- jump". No
# SSH server is installed here to be a real jump host, so a stand-in
# `ssh` first on PATH records the arguments it got through the shell
# and relays to the -W target.
mkdir -p "$T/bin"
cat >"$T/bin/ssh" <<EOF
#!/bin/bash
# Stand-in jump host: logs argv one per line, relays to -W [host]:port.
printf '%s\n' "\$@" >"$T/jump.args"
while [ \$# -gt 0 ]; do
	[ "\$1" = -W ] && target=\$2
	shift
done
host=\${target%:*}; host=\${host#[}; host=\${host%]}
exec "$T/relay" "\$host" "\${target##*:}" "$T/jump.relay"
EOF
chmod 0755 "$T/bin/ssh"
if start_d d2 -o AuthorizedKeysFile="$T/ak"; then
	printf 'Host target\n  HostName 127.0.0.1\n  ProxyJump first.example,ju@jump.example:2222\n' \
	    >"$T/jump.cfg"
	env PATH="$T/bin:$PATH" HOME="$HHOME" timeout 60 setsid -w "$CLI" --exit-after-accept \
	    -F "$T/jump.cfg" -o StrictHostKeyChecking=accept-new \
	    -o UserKnownHostsFile="$T/kh_jump" "$TEST_USER@target:$PORT" \
	    >"$T/cli.out" 2>"$T/cli.err" </dev/null
	RC=$?
	expect_rc "ProxyJump carries the connection to rfb" 0
	printf '%s\n' -l ju -p 2222 -J first.example -F "$T/jump.cfg" -W \
	    "[127.0.0.1]:$PORT" -- jump.example >"$T/jump.want"
	check "... running ssh -l -p -J -F -W '[host]:port' -- jumphost" \
	    cmp -s "$T/jump.want" "$T/jump.args"
else
	notok "assistd d2 did not start"
fi
