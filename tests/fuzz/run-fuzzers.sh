#!/bin/sh
# Runs every libFuzzer target (built by `make fuzz` into build-fuzz/) for a
# bounded time each, starting from its seed corpus (copied, so the tree is
# not changed). One "ok"/"not ok" line per target, then "N passed, N failed".
# usage: tests/fuzz/run-fuzzers.sh [SECONDS_PER_TARGET]
set -u
SECS=${1:-15}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0
for bin in "$TOP"/build-fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	n=$(basename "$bin")
	work=$(mktemp -d /tmp/assist-fuzz.XXXXXX)
	seeds="$TOP/tests/fuzz/corpus/${n#fuzz_}"
	log="$work/log"
	timeout $((SECS + 60)) "$bin" -max_total_time="$SECS" -rss_limit_mb=2048 \
	    -artifact_prefix="$work/" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$runs" ]; then
		echo "ok - $n: $runs runs in ${SECS}s, no crash"
		passed=$((passed + 1))
	else
		echo "not ok - $n: exit $rc"
		tail -n 30 "$log" | sed 's/^/# /'
		ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null |
		    sed 's/^/# artifact: /'
		failed=$((failed + 1))
	fi
	rm -rf "$work"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
