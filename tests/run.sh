#!/bin/sh
# Test harness: runs unit tests (cmocka, TAP output), fuzz corpus replays
# and end-to-end scripts (TAP-style "ok - name" / "not ok - name" lines),
# and ends with the line "N passed, N failed".
# usage: tests/run.sh BUILD_DIR [unit|e2e|all] [e2e-script-name...]
set -u
BUILD=${1:?usage: run.sh BUILD_DIR [unit|e2e|all]}
WHAT=${2:-all}
shift 2 2>/dev/null || shift $#
ONLY="$*"
BUILD=$(cd "$BUILD" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
LOGDIR="$BUILD/test-logs"
mkdir -p "$LOGDIR"
passed=0
failed=0

# count_tap NAME LOG RC: adds the log's ok / not ok lines to the totals.
count_tap() {
	name=$1 log=$2 rc=$3
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	grep '^not ok ' "$log" | sed "s|^|$name: |"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: not ok - exited with status $rc (see $log)"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: not ok - ran no test (see $log)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	echo "$name: $p passed, $f failed"
}

run_unit() {
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		n=$(basename "$t")
		CMOCKA_MESSAGE_OUTPUT=TAP timeout 300 "$t" >"$LOGDIR/$n.log" 2>&1
		count_tap "$n" "$LOGDIR/$n.log" $?
	done
	for t in "$BUILD"/tests/fuzz_*; do
		[ -x "$t" ] || continue
		n=$(basename "$t")
		corpus="$TOP/tests/fuzz/corpus/${n#fuzz_}"
		timeout 300 "$t" "$corpus" >"$LOGDIR/$n.log" 2>&1
		count_tap "$n" "$LOGDIR/$n.log" $?
	done
}

run_e2e() {
	for s in "$TOP"/tests/e2e/*.sh; do
		n=$(basename "$s" .sh)
		[ "$n" = lib ] && continue
		if [ -n "$ONLY" ]; then
			case " $ONLY " in *" $n "*) ;; *) continue ;; esac
		fi
		BUILD="$BUILD" TOP="$TOP" timeout 300 sh "$s" \
		    >"$LOGDIR/$n.log" 2>&1
		count_tap "$n" "$LOGDIR/$n.log" $?
	done
}

case "$WHAT" in
unit) run_unit ;;
e2e) run_e2e ;;
all) run_unit; run_e2e ;;
*) echo "run.sh: unknown test set '$WHAT'" >&2; exit 2 ;;
esac
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
