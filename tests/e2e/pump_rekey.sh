# End to end: the channel pump (common/chanpump.c) under the real OpenSSH
# client, through the test-only server build/tests/pump_server (built from
# the same pump code as assistd). 64 MiB each way with a re-key every MiB,
# EOF both ways, back-pressure against a slow reader, buffer mode both ways.
. "$TOP/tests/e2e/lib.sh"

SERVER="$BUILD/tests/pump_server"
MIB=1048576
# libssh 0.10.6 holds at most WINDOWLIMIT + WINDOWBASE bytes for an honest
# peer (see common/chanpump.c); more would mean unbounded buffering.
HELD_BOUND=1920000

keygen host
keygen helper
head -c $((64 * MIB)) /dev/urandom >"$T/data64"
head -c $((16 * MIB)) /dev/urandom >"$T/data16"

# start_server NAME ARGS...: sets $SPORT and $SPID.
start_server() {
	name=$1
	shift
	bg "$name" "$SERVER" -k "$T/host" -a "$T/helper.pub" -l 127.0.0.1 \
	    -p 0 -t 300 "$@"
	SPID=$LASTPID
	SPORT=
	if ! wait_for "$T/$name.out" '^listening on 127\.0\.0\.1:' 10; then
		echo "# pump_server did not start:" >&2
		cat "$T/$name.out" >&2
		return 1
	fi
	SPORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	    "$T/$name.out")
	[ -n "$SPORT" ]
}

# stat_of FILE KEY: the number after KEY= on the server's report lines.
stat_of() {
	sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1" | head -n 1
}

# client NAME SUBSYSTEM IN OUT [ssh args]: runs ssh in the background
# (stderr in $T/NAME.err), sets $CPID.
client() {
	cname=$1 sub=$2 in=$3 out=$4
	shift 4
	ssh_c -i "$T/helper" -p "$SPORT" "$@" -s u@127.0.0.1 "$sub" \
	    <"$in" >"$out" 2>"$T/$cname.err" &
	CPID=$!
	PIDS="$PIDS $CPID"
}

# --- 64 MiB each way, re-key every MiB ---
if start_server rekey; then
	t0=$(date +%s)
	client rekey echo "$T/data64" "$T/back64" -v -o RekeyLimit=1M
	if wait_exit "$CPID" 180; then
		t1=$(date +%s)
		check "64 MiB echo: ssh exits 0" [ "$EXITCODE" -eq 0 ]
		check "64 MiB echo: every byte came back" \
		    cmp -s "$T/data64" "$T/back64"
		kex=$(grep -c 'SSH2_MSG_NEWKEYS received' "$T/rekey.err")
		echo "# key exchanges seen by ssh: $kex, $((t1 - t0)) s"
		# 64 MiB each way at 1 MiB per key: at least 64 re-keys
		# beyond the first exchange.
		check "64 MiB echo: at least 64 re-keys" [ "$kex" -ge 65 ]
	else
		notok "64 MiB echo: ssh did not finish in 180 s"
	fi
	wait_exit "$SPID" 10
	check "64 MiB echo: server ends cleanly" [ "$EXITCODE" -eq 0 ]
	f="$T/rekey.out"
	grep '^pump:\|^server:\|kex' "$f" | sed 's/^/# /'
	check "64 MiB echo: hardened algorithms in force" \
	    grep -q 'kex curve25519-sha256 cipher chacha20-poly1305@openssh.com' "$f"
	check "64 MiB echo: server wrote 64 MiB to the channel" \
	    [ "$(stat_of "$f" to_channel)" = $((64 * MIB)) ]
	check "64 MiB echo: server read 64 MiB from the channel" \
	    [ "$(stat_of "$f" from_channel)" = $((64 * MIB)) ]
	check "64 MiB echo: short writes during re-keys were retried" \
	    [ "$(stat_of "$f" short_writes)" -gt 0 ]
	stop "$SPID"
else
	notok "64 MiB echo: server did not start"
fi

# --- EOF both ways: a small input, ssh must end by itself ---
if start_server eof; then
	printf 'hello, pump\n' >"$T/small"
	client eof echo "$T/small" "$T/small.back"
	if wait_exit "$CPID" 10; then
		check "EOF: ssh ends by itself with status 0" \
		    [ "$EXITCODE" -eq 0 ]
		check "EOF: the data came back" cmp -s "$T/small" "$T/small.back"
	else
		notok "EOF: ssh still running after 10 s (EOF not propagated)"
	fi
	wait_exit "$SPID" 10
	check "EOF: server ends cleanly" [ "$EXITCODE" -eq 0 ]
	stop "$SPID"
else
	notok "EOF: server did not start"
fi

# An empty input: EOF before any data.
if start_server eof0; then
	client eof0 echo /dev/null "$T/empty.back"
	if wait_exit "$CPID" 10; then
		check "EOF on empty input: ssh ends with status 0" \
		    [ "$EXITCODE" -eq 0 ]
		check "EOF on empty input: nothing came back" \
		    [ ! -s "$T/empty.back" ]
	else
		notok "EOF on empty input: ssh still running after 10 s"
	fi
	stop "$SPID"
else
	notok "EOF on empty input: server did not start"
fi

# --- back-pressure: the helper's side reads slowly ---
# ssh stops opening the window, the server's queue to the channel fills,
# the pump stops reading the pipe, the pipe fills, channel data is left
# inside libssh and must be pulled later: nothing lost, nothing unbounded.
slow_reader() {
	while n=$(dd bs=65536 count=1 iflag=fullblock 2>/dev/null |
	    tee -a "$1" | wc -c) && [ "$n" -gt 0 ]; do
		sleep 0.02
	done
}
if start_server slow; then
	: >"$T/slow.back"
	( ssh_c -i "$T/helper" -p "$SPORT" -o RekeyLimit=1M -s u@127.0.0.1 \
	    echo <"$T/data16" 2>"$T/slow.err" | slow_reader "$T/slow.back" ) &
	CPID=$!
	PIDS="$PIDS $CPID"
	if wait_exit "$CPID" 120; then
		check "slow reader: every byte came back" \
		    cmp -s "$T/data16" "$T/slow.back"
	else
		notok "slow reader: did not finish in 120 s"
	fi
	wait_exit "$SPID" 10
	f="$T/slow.out"
	grep '^pump:\|^server:' "$f" | sed 's/^/# /'
	check "slow reader: server ends cleanly" [ "$EXITCODE" -eq 0 ]
	check "slow reader: paused input was re-armed" \
	    [ "$(stat_of "$f" rearms)" -gt 0 ]
	check "slow reader: channel data was left in libssh" \
	    [ "$(stat_of "$f" deferred)" -gt 0 ]
	check "slow reader: left-over data was pulled" \
	    [ "$(stat_of "$f" pulls)" -gt 0 ]
	held=$(stat_of "$f" held_max)
	check "slow reader: libssh held at most $HELD_BOUND bytes ($held)" \
	    [ "${held:-99999999}" -le "$HELD_BOUND" ]
	stop "$SPID"
else
	notok "slow reader: server did not start"
fi

# --- buffer mode (what assistd uses), each direction ---
if start_server sink; then
	client sink sink "$T/data64" /dev/null
	wait_exit "$CPID" 60
	check "sink: ssh exits 0" [ "$EXITCODE" -eq 0 ]
	wait_exit "$SPID" 10
	want=$(sha256sum <"$T/data64" | cut -d' ' -f1)
	check "sink: the server received every byte" \
	    grep -q "^sink: bytes=$((64 * MIB)) sha256=$want\$" "$T/sink.out"
	stop "$SPID"
else
	notok "sink: server did not start"
fi

if start_server source -n $((64 * MIB)); then
	client source source /dev/null "$T/source.back"
	wait_exit "$CPID" 60
	check "source: ssh exits 0" [ "$EXITCODE" -eq 0 ]
	wait_exit "$SPID" 10
	got=$(sha256sum <"$T/source.back" | cut -d' ' -f1)
	check "source: every byte the server sent arrived" \
	    grep -q "^source: bytes=$((64 * MIB)) sha256=$got\$" \
	    "$T/source.out"
	stop "$SPID"
else
	notok "source: server did not start"
fi
