# The administrator's layer (ASSIST_SYSCONFDIR/assistd.conf). Its path is
# fixed at build time on purpose (no run-time option), so this test builds
# a copy of assistd whose administrator file is under $T/etc
# (`make sysconf-assistd`). The administrator's limits bound the user's
# (a wider value is ignored with a warning), its ListenAddress replaces
# the user's, its policy files are shown as their own layer, and it must
# be owned by root and safe.
. "$TOP/tests/e2e/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	# The administrator's file must be owned by root: only root can
	# make one for this test.
	ok "# SKIP administrator layer needs root to own its file"
	exit 0
fi

ETC="$T/etc"
mkdir -p "$ETC"
chmod 0755 "$ETC"
SYSD="$T/bin/assistd-sys"
if ! make -s -C "$TOP" BUILD="$BUILD" SYSCONFDIR="$ETC" \
    SYSCONF_OUT="$SYSD" sysconf-assistd >"$T/make.out" 2>&1; then
	notok "build assistd with SYSCONFDIR=$ETC: $(cat "$T/make.out")"
	exit 1
fi
chmod 0755 "$SYSD"
keygen helper
keygen ca
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
SYSF="$ETC/assistd.conf"

# sys LINES...: writes the administrator's file (root's, 0644).
sys() {
	printf '%s\n' "$@" >"$SYSF"
	chown 0:0 "$SYSF"
	chmod 0644 "$SYSF"
}

# run_s NAME ARGS...: the test build as the test user; $RC.
run_s() {
	name=$1
	shift
	# shellcheck disable=SC2086
	timeout 20 $RUNAS "$SYSD" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

# has NAME FILE LINE: ok when FILE has exactly the line LINE.
has() {
	if grep -qxF -- "$3" "$2"; then
		ok "$1"
	else
		notok "$1: no line \"$3\" in $2"
		sed 's/^/# /' "$2" | head -n 20
	fi
}

# 1. No administrator file: that layer is shown as absent.
run_s n1 -T
has "absent administrator file shown" "$T/n1.out" \
    "# administrator layer: $SYSF (not present)"
check "the normal build looks in /etc/assist" sh -c \
    "$RUNAS $ASSISTD -T | grep -qx '# administrator layer: /etc/assist/assistd.conf.*'"

# 2. Limits: a user may lower them; a higher value is ignored, warned.
sys "# the help desk's limits" 'MaxStartups 2' 'MaxAuthTries 3' \
    'LoginGraceTime 20' 'Wait 1h' "TrustedUserCAKeys $ETC/ca.pub" \
    "RevokedKeys revoked.krl" 'AuthorizedPrincipalsFile principals/%u'
run_s l1 -T -o MaxStartups=10 --max-auth-tries 6 --login-grace-time 1m \
    --wait 2h
if [ "$RC" -eq 0 ]; then ok "-T with both layers exits 0"; else
	notok "-T with both layers exits 0 (rc=$RC): $(cat "$T/l1.err")"; fi
has "MaxStartups above the administrator's: the limit applies" \
    "$T/l1.out" 'maxstartups 2'
has "MaxAuthTries above: the limit applies" "$T/l1.out" 'maxauthtries 3'
has "LoginGraceTime above: the limit applies" "$T/l1.out" \
    'logingracetime 20'
has "Wait above: the limit applies" "$T/l1.out" 'wait 3600'
check "widening warned, naming directive, value and both origins" \
    grep -q "warning: ignoring MaxStartups 10 (command line): the administrator allows at most 2 ($SYSF:2)" "$T/l1.err"
check "one warning per widened directive" \
    [ "$(grep -c 'warning: ignoring' "$T/l1.err")" -eq 4 ]
run_s l2 -T -o MaxStartups=1 --wait 90
has "a lower MaxStartups is the user's to choose" "$T/l2.out" \
    'maxstartups 1'
has "a lower Wait is the user's to choose" "$T/l2.out" 'wait 90'
check "narrowing is not warned about" [ ! -s "$T/l2.err" ]

# 3. Both policy layers shown, the administrator's paths relative to its
#    directory, %u expanded.
run_s p1 -T -o AuthorizedKeysFile="$T/authorized" -o TrustedUserCAKeys=/u/ca
has "administrator layer header" "$T/p1.out" \
    "# administrator layer: $SYSF"
sed -n '/^# administrator layer/,/^# user layer/p' "$T/p1.out" >"$T/p1.sys"
sed -n '/^# user layer/,$p' "$T/p1.out" >"$T/p1.usr"
has "administrator's TrustedUserCAKeys in its layer" "$T/p1.sys" \
    "trustedusercakeys $ETC/ca.pub"
has "administrator's relative RevokedKeys under its directory" \
    "$T/p1.sys" "revokedkeys $ETC/revoked.krl"
has "administrator's principals file with %u" "$T/p1.sys" \
    "authorizedprincipalsfile $ETC/principals/$TEST_USER"
has "user's TrustedUserCAKeys in the user layer" "$T/p1.usr" \
    "trustedusercakeys /u/ca"
has "user's AuthorizedKeysFile in the user layer" "$T/p1.usr" \
    "authorizedkeysfile $T/authorized"

# 4. The real effect of a limit, not only -T: Wait 3 ends assistd.
sys 'Wait 3'
bg w1 $RUNAS "$SYSD" --listen 127.0.0.1:0 -o AuthorizedKeysFile="$T/authorized" --wait 1h
if wait_exit "$LASTPID" 15 && [ "$EXITCODE" -eq 2 ] &&
    grep -q 'within 3 seconds' "$T/w1.out"; then
	ok "administrator's Wait 3 ends assistd despite --wait 1h"
else
	notok "administrator's Wait applies (rc=$EXITCODE): $(cat "$T/w1.out")"
fi

# 5. The administrator's ListenAddress replaces the user's.
sys 'ListenAddress 127.0.0.1:0'
run_s a1 -T --listen 127.0.0.2:5922
has "administrator's ListenAddress applies" "$T/a1.out" \
    'listenaddress 127.0.0.1:0'
check "the user's ListenAddress is not used" \
    sh -c "! grep -q 127.0.0.2 '$T/a1.out'"
check "and that is warned about" grep -q \
    "warning: ignoring ListenAddress (command line): the administrator's applies ($SYSF:1)" \
    "$T/a1.err"

# 6. The administrator's file must be root's and safe; errors name it.
# refused NAME TEXT: -T exits 1 and says TEXT (fixed string).
refused() {
	run_s ref -T
	if [ "$RC" -eq 1 ] && grep -qF -- "$2" "$T/ref.err"; then
		ok "$1"
	else
		notok "$1 (rc=$RC): $(cat "$T/ref.err")"
	fi
}
sys 'MaxStartups 2'
chown "$TEST_USER" "$SYSF"
refused "administrator file owned by the user refused" \
    "$SYSF: file is not owned by root"
chown 0 "$SYSF"
chmod 0664 "$SYSF"
refused "group-writable administrator file refused" \
    "$SYSF: file is writable by group or others"
chmod 0644 "$SYSF"
chown "$TEST_USER" "$ETC"
refused "administrator directory owned by the user refused" \
    "$SYSF: directory $ETC is not owned by root"
chown 0 "$ETC"
sys 'MaxStartups 2' 'Bogus 1'
refused "bad administrator line refused with file:line" \
    "assistd: $SYSF:2: Bad configuration option: Bogus"
