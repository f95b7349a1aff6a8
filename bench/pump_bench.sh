#!/bin/sh
# Throughput of the channel pump (common/chanpump.c) through the real
# OpenSSH client, against the test server build/tests/pump_server.
#   sh bench/pump_bench.sh [BUILD_DIR] [MIB]      (defaults: build 256)
# Prints one line per case: MiB/s each way, wall time, and the CPU time
# the server spent (user+sys, whole process: key exchange, crypto, pump).
# Loopback only; every process is stopped by PID.
set -eu
BUILD=${1:-build}
MIB=${2:-256}
SERVER="$BUILD/tests/pump_server"
[ -x "$SERVER" ] || { echo "pump_bench: build $SERVER first (make tests)" >&2; exit 2; }

T=$(mktemp -d /tmp/pump-bench.XXXXXX)
SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ssh-keygen -q -t ed25519 -N '' -f "$T/host"
ssh-keygen -q -t ed25519 -N '' -f "$T/helper"
head -c $((MIB * 1048576)) /dev/urandom >"$T/data"

now_ns() { date +%s%N; }

# run NAME SUBSYSTEM IN [server args] -- [ssh args]: one transfer.
run() {
	name=$1 sub=$2 in=$3
	shift 3
	sargs=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs="$sargs $1"; shift; done
	[ $# -gt 0 ] && shift
	rm -f "$T/srv.out"	# never read the previous run's port
	# shellcheck disable=SC2086
	"$SERVER" -k "$T/host" -a "$T/helper.pub" -l 127.0.0.1 -p 0 -t 600 \
	    $sargs >"$T/srv.out" 2>&1 &
	SPID=$!
	i=0
	while ! grep -q '^listening on' "$T/srv.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "pump_bench: server did not start" >&2; exit 1; }
		sleep 0.05
	done
	port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/srv.out")
	t0=$(now_ns)
	ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
	    -o IdentitiesOnly=yes -i "$T/helper" -p "$port" "$@" \
	    -s u@127.0.0.1 "$sub" <"$in" >/dev/null
	t1=$(now_ns)
	wait "$SPID" || { echo "pump_bench: server failed:" >&2; cat "$T/srv.out" >&2; exit 1; }
	SPID=
	cpu=$(sed -n 's/^server: cpu_ms=\([0-9]*\).*/\1/p' "$T/srv.out")
	up=$(sed -n 's/.* from_channel=\([0-9]*\).*/\1/p' "$T/srv.out")
	down=$(sed -n 's/.* to_channel=\([0-9]*\).*/\1/p' "$T/srv.out")
	awk -v n="$name" -v ns=$((t1 - t0)) -v up="$up" -v down="$down" \
	    -v cpu="$cpu" 'BEGIN {
		s = ns / 1e9
		printf "%-34s up %7.1f MiB/s  down %7.1f MiB/s  %6.2f s  server cpu %6.2f s\n",
		    n, up / 1048576 / s, down / 1048576 / s, s, cpu / 1000
	}'
}

echo "pump_bench: $MIB MiB per direction, $(ssh -V 2>&1), $(nproc) CPUs"
run "upload (sink, buffer mode)" sink "$T/data"
run "download (source, buffer mode)" source /dev/null -n $((MIB * 1048576))
run "echo (fd mode, both ways)" echo "$T/data"
run "echo, aes128-gcm" echo "$T/data" -- -c aes128-gcm@openssh.com
run "echo, re-key every 1 MiB" echo "$T/data" -- -o RekeyLimit=1M
