# End to end: assist-cli's failures each end with one error line and
# their own exit status: usage, cannot connect (refused, unresolvable,
# timeout through a proxy that never answers), session refused (a real
# libssh server without our subsystem); --help and --version.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/cli_common.inc"

EXIT_USAGE=64
EXIT_CONNECT=66
EXIT_SESSION=71

# one_line NAME: ok when stderr is exactly one "assist-cli: " line.
one_line() {
	if [ "$(wc -l <"$T/cli.err")" -eq 1 ] &&
	    grep -q '^assist-cli: ' "$T/cli.err"; then
		ok "$1"
	else
		notok "$1"
		sed 's/^/# /' "$T/cli.err" | head -n 10
	fi
}

# --- command line
cli
expect_rc "no destination: usage error" $EXIT_USAGE
err_has "... says why, then the usage" "^assist-cli: no destination given$"
cli -p 0 h
expect_rc "bad port: usage error" $EXIT_USAGE
cli h ls
expect_rc "a remote command: usage error" $EXIT_USAGE
cli -Z h
expect_rc "unknown option: usage error" $EXIT_USAGE
cli --help
expect_rc "--help exits 0" 0
for o in -p -i -F -o -G -v --help --version; do
	grep -q -- " $o " "$T/cli.out" || { notok "--help lacks $o"; continue; }
	ok "--help describes $o"
done
cli --version
expect_rc "--version exits 0" 0
check "--version names assist-cli, the run-time libssh and OpenSSL" sh -c \
    "grep -q '^assist-cli [0-9]' '$T/cli.out' &&
     grep -q '^libssh 0\.[0-9.]*/openssl' '$T/cli.out' &&
     grep -q '^OpenSSL [0-9]' '$T/cli.out'"

# --- cannot connect
cli -F /dev/null 127.0.0.1:1
expect_rc "connection refused: cannot connect" $EXIT_CONNECT
one_line "... one error line"
err_has "... naming host and port" "cannot connect to 127.0.0.1 port 1: "
cli -F /dev/null -o ConnectTimeout=5 name.invalid
expect_rc "unresolvable name: cannot connect" $EXIT_CONNECT
t0=$(date +%s)
cli -F /dev/null -o ConnectTimeout=2 -o 'ProxyCommand=exec sleep 30' x
t1=$(date +%s)
expect_rc "peer that never speaks: cannot connect" $EXIT_CONNECT
check "... given up after the 2 s ConnectTimeout (took $((t1 - t0)) s)" \
    [ $((t1 - t0)) -le 6 ]
err_has "... as a timeout" "Timeout"

# --- session refused: a real libssh server (tests/helpers/pump_server,
# built from the same pump code as assistd) that offers no rfb subsystem.
SERVER="$BUILD/tests/pump_server"
keygen host
keygen helperkey
install_key helperkey
if [ -x "$SERVER" ]; then
	bg pump "$SERVER" -k "$T/host" -a "$T/helperkey.pub" -l 127.0.0.1 \
	    -p 0 -t 60
	if wait_for "$T/pump.out" '^listening on 127\.0\.0\.1:' 10; then
		SPORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
		    "$T/pump.out")
		echo "[127.0.0.1]:$SPORT $(cut -d' ' -f1,2 "$T/host.pub")" \
		    >"$T/kh"
		cli -F /dev/null -o UserKnownHostsFile="$T/kh" \
		    -o StrictHostKeyChecking=yes "u@127.0.0.1:$SPORT"
		expect_rc "subsystem rfb refused: session refused" \
		    $EXIT_SESSION
		one_line "... one error line"
		err_has "... saying so" "refused subsystem \"rfb\""
	else
		notok "pump_server did not start"
	fi
else
	notok "test helper $SERVER missing"
fi
