# Fail closed: assistd does not start when its transcript cannot be
# created (unwritable, unsafe or blocked transcript directory; missing,
# unwritable or unsafe TranscriptDir), saying which path and why; with a
# root-owned 1733 TranscriptDir the administrator's copy is the same
# file. Disk full (a file size limit, prlimit --fsize, on assistd): the
# line that does not fit refuses the session or ends it at once, the
# helper is told, the user's terminal says why, and the files hold only
# whole lines that verify.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"

keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
AK="-o AuthorizedKeysFile=$T/authorized"
# Makes the state directory as assistd would (the test user's).
as_user mkdir -p "$TDIR"

# refuse NAME WANT... : assistd must exit 1 without listening, its
# message holding every WANT.
refuse() {
	name=$1
	shift
	# shellcheck disable=SC2086
	timeout 20 $RUNAS "$ASSISTD" --listen 127.0.0.1:0 $AK --wait 5 \
	    $REFUSE_OPTS >"$T/refuse.out" 2>&1
	rc=$?
	for w in "$@"; do
		if ! grep -qF -- "$w" "$T/refuse.out"; then
			notok "$name: no \"$w\" in: $(cat "$T/refuse.out")"
			return
		fi
	done
	if [ "$rc" -ne 1 ] || grep -q 'listening on' "$T/refuse.out"; then
		notok "$name (exit $rc): $(cat "$T/refuse.out")"
	else
		ok "$name"
	fi
}
REFUSE_OPTS=

chmod 0500 "$TDIR"
refuse "unwritable transcript directory: not starting" \
    "session transcript: cannot create transcript $TDIR/" \
    "Permission denied" "not starting"
chmod 0777 "$TDIR"
refuse "group/world-writable transcript directory: not starting" \
    "transcript directory $TDIR: writable by group or others" "not starting"
chmod 0700 "$TDIR"
as_user rmdir "$TDIR"
as_user touch "$TDIR"
refuse "a file in the transcript directory's place: not starting" \
    "transcript directory $TDIR: Not a directory"
rm -f "$TDIR"
as_user mkdir -p "$TDIR"

REFUSE_OPTS="-o TranscriptDir=$T/nodrop"
refuse "missing TranscriptDir: not starting" \
    "transcript drop directory $T/nodrop: No such file or directory" \
    "not starting"
check "TranscriptDir is never created" test ! -e "$T/nodrop"
mkdir "$T/open"
chmod 0777 "$T/open"
REFUSE_OPTS="-o TranscriptDir=$T/open"
refuse "TranscriptDir writable by all without the sticky bit: not starting" \
    "transcript drop directory $T/open: writable by group or others \
(mode 0777) without the sticky bit"
if [ "$(id -u)" -eq 0 ]; then
	mkdir "$T/rodrop"
	chmod 0755 "$T/rodrop"
	REFUSE_OPTS="-o TranscriptDir=$T/rodrop"
	refuse "unwritable TranscriptDir: not starting" \
	    "cannot create transcript $T/rodrop/" "Permission denied"
else
	ok "# SKIP unwritable TranscriptDir: needs root to own one"
fi
REFUSE_OPTS=
check "refused starts leave no transcript file behind" \
    test -z "$(ls -A "$TDIR")" -a -z "$(ls -A "$T/open")"

# The administrator's kind of drop directory: root's, mode 1733.
DROP="$T/drop"
mkdir "$DROP"
chmod 1733 "$DROP"
check "assistd -T shows TranscriptDir" sh -c \
    '$1 "$2" -T -o TranscriptDir="$3" | grep -qx "transcriptdir $3"' \
    sh "$RUNAS" "$ASSISTD" "$DROP"
start_assistd cal $AK -o TranscriptDir="$DROP" --wait 30 ||
	notok "assistd starts with a 1733 TranscriptDir"
TF=$(tpath cal)
(sleep 0.2) | timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb \
    >/dev/null 2>&1
wait_exit "$DPID" 10
DF="$DROP/$(basename "$TF")"
check "the drop copy is the same file" cmp -s "$TF" "$DF"
check "the drop copy is the user's, mode 0600" \
    test "$(stat -c '%a %U' "$DF")" = "600 $TEST_USER"
check "both verify" sh -c '. "$1"; verify_chain "$2" && verify_chain "$3"' \
    sh "$TOP/tests/e2e/transcript_common.inc" "$TF" "$DF"
has "$TF" "assistd.start names the drop directory" " drop=$DROP "

# Disk full. A calibration run's lines give the sizes: a limit just after
# line N lets lines 1..N in and not line N+1 (lengths differ between runs
# by a digit or two at most; the slack is 40 bytes, the next line is
# longer than 140). Its first line names the previous session, like
# those of the runs below.
start_assistd cal2 $AK -o TranscriptDir="$DROP" --wait 30 ||
	notok "calibration assistd starts"
TF=$(tpath cal2)
(sleep 0.2) | timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb \
    >/dev/null 2>&1
wait_exit "$DPID" 10
has "$TF" "the next file's first line names the previous session" \
    " seq=1 prev_session=$(tfield "$(tpath cal)" assistd.start session) "
upto() { head -n "$1" "$TF" | wc -c; }
if ! command -v prlimit >/dev/null; then
	ok "# SKIP disk full: no prlimit"
	exit 0
fi

# start_limited NAME BYTES ARGS...: assistd under RLIMIT_FSIZE; its
# stderr through a pipe (the limit applies to files only), in $T/NAME.out.
start_limited() {
	name=$1 lim=$2
	shift 2
	mkfifo "$T/$name.fifo"
	cat "$T/$name.fifo" >"$T/$name.out" &
	PIDS="$PIDS $!"
	# shellcheck disable=SC2086
	$RUNAS prlimit --fsize="$lim" "$ASSISTD" --listen 127.0.0.1:0 "$@" \
	    >"$T/$name.fifo" 2>&1 &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_for "$T/$name.out" '^assistd: listening on ' 10 || return 1
	PORT=$(sed -n 's/^assistd: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	    "$T/$name.out" | head -n 1)
}

# full_check NAME LINES LAST: after a failure, both files hold LINES whole
# lines that verify, the last being event LAST, and are the same.
full_check() {
	f=$(tpath "$1")
	d="$DROP/$(basename "$f")"
	if verify_chain "$f" && [ "$NLINES" -eq "$2" ] &&
	    tail -n 1 "$f" | grep -q " event=$3 " && cmp -s "$f" "$d"; then
		ok "$1: $2 whole lines that verify, up to $3, in both files"
	else
		notok "$1: files after the failure:"
		cat "$f" "$d" >&2
	fi
	has "$T/$1.out" "$1: the user's terminal names the file and the error" \
	    "assistd: transcript $f: cannot write: File too large; ending every connection"
}

# full_session NAME N WHAT WANT: assistd whose files take their first N
# lines only (those of the calibration run), and one helper: no RFB
# greeting, ssh fails and prints WANT; assistd exits 1; the files end at
# line N. (Its variables are not "name": check() sets that one.)
full_session() {
	fsn=$1 n=$2 what=$3 want=$4
	start_limited "$fsn" $(($(upto "$n") + 40)) $AK \
	    -o TranscriptDir="$DROP" --wait 30 ||
		notok "$fsn: assistd starts under the limit"
	(sleep 0.2) | timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb \
	    >"$T/$fsn.ssh" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && grep -qF -- "$want" "$T/$fsn.ssh" &&
	    ! grep -q RFB "$T/$fsn.ssh"; then
		ok "$what"
	else
		notok "$what (ssh $rc): $(cat "$T/$fsn.ssh")"
	fi
	wait_exit "$DPID" 10
	check "$fsn: assistd exits 1" test "$EXITCODE" -eq 1
	full_check "$fsn" "$n" \
	    "$(sed -n "${n}s/.* event=\([^ ]*\) .*/\1/p" "$TF")"
}

# 1. session.start does not fit: no session; the helper is told.
ASKED_BEFORE=$(askpass_calls)
full_session f1 5 "session.start does not fit: no session, the helper is told" \
    "assistd: session refused: the user's session transcript cannot be written"
# 1b. consent.ask does not fit: no question, no session; the helper is told.
full_session f1b 3 "consent.ask does not fit: nobody asked, the helper is told" \
    "assistd: session refused: the user's session transcript cannot be written"
check "f1b: the user was never asked (the askpass ran for f1 only)" \
    test "$(askpass_calls)" -eq $((ASKED_BEFORE + 1))
# 2. auth.allow does not fit: the connection is ended with the reason.
full_session f2 2 "auth.allow does not fit: the helper is disconnected, told why" \
    "the user's session transcript cannot be written; session ended"

# 3. A session runs; the next connection's conn.open does not fit: the
#    live session ends at once and its helper is told why.
start_limited f3 $(($(upto 6) + 40)) $AK -o TranscriptDir="$DROP" \
    --wait 30 || notok "assistd starts under the limit"
mkfifo "$T/hold.in"
exec 3<>"$T/hold.in"
$SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb <&3 >"$T/f3.ssh" 2>&1 &
HOLD=$!
PIDS="$PIDS $HOLD"
wait_for "$T/f3.ssh" '^RFB 003\.008$' 10 ||
	notok "the session runs: $(cat "$T/f3.ssh")"
timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb </dev/null \
    >"$T/f3b.ssh" 2>&1
if wait_exit "$HOLD" 10 && grep -qF "assistd: session ended: the user's session transcript cannot be written; session ended" "$T/f3.ssh"; then
	ok "a line that does not fit ends the live session, the helper is told"
else
	notok "live session ended ($EXITCODE): $(cat "$T/f3.ssh")"
fi
exec 3>&-
wait_exit "$DPID" 10
check "assistd exits 1" test "$EXITCODE" -eq 1
full_check f3 6 session.start
