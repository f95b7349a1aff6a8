# assistd's configuration file (assistd.conf(5)): -f FILE and the default
# $XDG_CONFIG_HOME/assist/assistd.conf, -o and the long options taking
# precedence, -T output, bad lines and unsafe files refused with the file
# named, and a helper let in by the key the file names (real ssh).
. "$TOP/tests/e2e/lib.sh"

keygen helper
keygen other
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
CONF="$T/conf"
mkdir -p "$CONF"
chmod 0755 "$CONF"
UCONF="$UHOME/.config/assist"
mkdir -p "$UCONF"
chmod 0700 "$UHOME/.config" "$UCONF"
[ "$(id -u)" -eq 0 ] && chown "$TEST_USER" "$UHOME/.config" "$UCONF"
U=$TEST_USER@127.0.0.1

# conf NAME LINES...: writes $CONF/NAME, one argument a line, readable.
conf() {
	name=$1
	shift
	printf '%s\n' "$@" >"$CONF/$name"
	share "$CONF/$name"
}

# run_d NAME ARGS...: assistd as the test user, output in $T/NAME.out,
# status in $RC (bounded: 20 s).
run_d() {
	name=$1
	shift
	# shellcheck disable=SC2086
	timeout 20 $RUNAS "$ASSISTD" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

# expect NAME STATUS REGEX FILE: ok when the last run_d exited STATUS and
# FILE has a line matching REGEX.
expect() {
	if [ "$RC" -eq "$2" ] && grep -Eq -- "$3" "$4"; then
		ok "$1"
	else
		notok "$1 (rc=$RC, want $2, /$3/ in $4)"
		sed 's/^/# /' "$4" | head -n 20
	fi
}

# 1. -f FILE is read: its key lets the helper in, another key is refused.
conf main '# the helper desk' 'AuthorizedKeysFile '"$T/authorized" \
    'Wait = 60' 'MaxAuthTries 2'
start_assistd f1 -f "$CONF/main" || notok "assistd starts with -f"
timeout 20 $SSHC -i "$T/other" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/other.out" 2>&1
check "key not in the file's AuthorizedKeysFile refused" \
    grep -q 'Permission denied (publickey)' "$T/other.out"
timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/greeting" 2>"$T/greeting.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^RFB 003.008' "$T/greeting"; then
	ok "key in the file's AuthorizedKeysFile gets a session"
else
	notok "key in the file's AuthorizedKeysFile gets a session (rc=$rc): $(cat "$T/greeting.err")"
fi
stop "$DPID"

# 2. The file's values take effect: Wait from the file ends assistd.
conf wait 'AuthorizedKeysFile '"$T/authorized" 'Wait 2'
bg w1 $RUNAS "$ASSISTD" --listen 127.0.0.1:0 -f "$CONF/wait"
if wait_exit "$LASTPID" 15 && [ "$EXITCODE" -eq 2 ] &&
    grep -q 'within 2 seconds' "$T/w1.out"; then
	ok "Wait from -f FILE applies"
else
	notok "Wait from -f FILE applies (rc=$EXITCODE): $(cat "$T/w1.out")"
fi

# 3. -o and the long options win over the file (first value wins).
conf slow 'AuthorizedKeysFile '"$T/authorized" 'Wait 1h' 'MaxStartups 9'
bg w2 $RUNAS "$ASSISTD" --listen 127.0.0.1:0 -f "$CONF/slow" -o Wait=2
if wait_exit "$LASTPID" 15 && [ "$EXITCODE" -eq 2 ] &&
    grep -q 'within 2 seconds' "$T/w2.out"; then
	ok "-o Wait=2 wins over the file's Wait 1h"
else
	notok "-o Wait=2 wins over the file (rc=$EXITCODE): $(cat "$T/w2.out")"
fi
run_d t1 -T -f "$CONF/slow" --max-startups 3 --wait 90 \
    -o 'LoginGraceTime 1m' --max-auth-tries=4 -o ListenAddress=127.0.0.1:7
expect "-T exits 0 with lowercase keywords" 0 '^maxstartups 3$' "$T/t1.out"
check "-T: --wait maps to Wait" grep -qx 'wait 90' "$T/t1.out"
check "-T: -o 'LoginGraceTime 1m' in seconds" \
    grep -qx 'logingracetime 60' "$T/t1.out"
check "-T: --max-auth-tries=4" grep -qx 'maxauthtries 4' "$T/t1.out"
check "-T: -o ListenAddress replaces the default" \
    grep -qx 'listenaddress 127.0.0.1:7' "$T/t1.out"
check "-T: both layers shown" grep -Eq \
    '^# administrator layer: /etc/assist/assistd.conf( \(not present\))?$' \
    "$T/t1.out"
check "-T: user layer names the file" \
    grep -qx "# user layer: -o options, then $CONF/slow" "$T/t1.out"
check "-T: user's AuthorizedKeysFile" grep -qx \
    "authorizedkeysfile $T/authorized" "$T/t1.out"
check "-T: one line per directive and layer" \
    [ "$(grep -c '^authorizedkeysfile ' "$T/t1.out")" -eq 2 ]

# 4. The default file, $XDG_CONFIG_HOME/assist/assistd.conf.
printf 'MaxStartups 7\nTrustedUserCAKeys ca.pub ~/other-ca.pub\n' \
    >"$UCONF/assistd.conf"
share "$UCONF/assistd.conf"
chmod 0600 "$UCONF/assistd.conf"
run_d t2 -T
expect "default file read" 0 '^maxstartups 7$' "$T/t2.out"
check "relative and ~ paths are under the home directory" grep -qx \
    "trustedusercakeys $UHOME/ca.pub $UHOME/other-ca.pub" "$T/t2.out"
check "-T names the default file" grep -qx \
    "# user layer: -o options, then $UCONF/assistd.conf" "$T/t2.out"
rm -f "$UCONF/assistd.conf"
run_d t3 -T
expect "missing default file is fine" 0 \
    "^# user layer: .*assistd.conf \\(not present\\)$" "$T/t3.out"
check "defaults without a file" grep -qx 'maxstartups 10' "$T/t3.out"

# 5. Errors: one line naming file and line; nothing starts.
run_d e1 -f "$CONF/nonexistent" -o AuthorizedKeysFile="$T/authorized"
expect "-f missing file refused" 1 "$CONF/nonexistent: No such file" \
    "$T/e1.err"
conf bad 'Wait 1m' 'Frobnicate yes'
run_d e2 -T -f "$CONF/bad"
expect "unknown keyword: FILE:LINE: Bad configuration option" 1 \
    "^assistd: $CONF/bad:2: Bad configuration option: Frobnicate$" \
    "$T/e2.err"
check "-T prints nothing on error" [ ! -s "$T/e2.out" ]
conf sshd 'AuthorizedKeysFile '"$T/authorized" 'Match User x'
run_d e3 -f "$CONF/sshd"
expect "sshd's Match refused naming the line" 1 \
    "$CONF/sshd:2: match is an sshd option that assistd does not support" \
    "$T/e3.err"
conf fixed 'PasswordAuthentication yes'
run_d e4 -T -f "$CONF/fixed"
expect "PasswordAuthentication yes refused" 1 \
    "$CONF/fixed:1: assistd always has passwordauthentication no" "$T/e4.err"
conf harmless 'PasswordAuthentication no' 'StrictModes yes' \
    'PubkeyAuthentication yes'
run_d e5 -T -f "$CONF/harmless"
expect "sshd settings that state what assistd does are accepted" 0 \
    '^wait 900$' "$T/e5.out"
run_d e6 -T -o MaxStartups=10:30:100
expect "-o error says command line" 1 \
    'command line: MaxStartups takes one number' "$T/e6.err"
run_d e7 -T --max-auth-tries 0
expect "--max-auth-tries 0 refused" 1 'expected a number from 1 to 100' \
    "$T/e7.err"
run_d e8 -T --listen localhost:5922
expect "host name in ListenAddress refused" 1 \
    "ListenAddress localhost:5922: 'localhost' is not a numeric" "$T/e8.err"
run_d e9 -T -o ListenAddress=127.0.0.1:99999
expect "bad port refused with -T" 1 "bad port '99999'" "$T/e9.err"
run_d e10 --listen 127.0.0.1:0
expect "no AuthorizedKeysFile: told what to set" 1 \
    'set AuthorizedKeysFile or TrustedUserCAKeys' "$T/e10.err"

# 6. StrictModes: unsafe config files and directories are refused, named.
conf unsafe 'Wait 1m'
chmod 0666 "$CONF/unsafe"
run_d s1 -T -f "$CONF/unsafe"
expect "world-writable config refused with the file named" 1 \
    "$CONF/unsafe: file is writable by group or others \\(StrictModes\\)" \
    "$T/s1.err"
chmod 0664 "$CONF/unsafe"
run_d s2 -T -f "$CONF/unsafe"
expect "group-writable config refused" 1 "$CONF/unsafe: file is writable" \
    "$T/s2.err"
chmod 0644 "$CONF/unsafe"
chmod 0777 "$CONF"
run_d s3 -T -f "$CONF/unsafe"
expect "config in a world-writable directory refused" 1 \
    "$CONF/unsafe: directory $CONF is writable by group or others" \
    "$T/s3.err"
chmod 0755 "$CONF"
if [ "$(id -u)" -eq 0 ]; then
	chown 1 "$CONF/unsafe"	# daemon: neither root nor the test user
	run_d s4 -T -f "$CONF/unsafe"
	expect "config owned by another account refused" 1 \
	    "$CONF/unsafe: file is owned by another account" "$T/s4.err"
	chown 0 "$CONF/unsafe"
fi
run_d s5 -T -f "$CONF/unsafe"
expect "the same file, made safe, is read" 0 '^wait 60$' "$T/s5.out"
printf 'AuthorizedKeysFile %s\n' "$T/authorized" >"$UCONF/assistd.conf"
share "$UCONF/assistd.conf"
chmod 0646 "$T/authorized"
run_d s6 --listen 127.0.0.1:0
expect "writable AuthorizedKeysFile refused with the file named" 1 \
    "$T/authorized: file is writable by group or others" "$T/s6.err"
chmod 0644 "$T/authorized"
