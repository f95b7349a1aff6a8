# Every transcript line reaches syslog: a copy of assistd built with its
# syslog socket in this test's directory (`make SYSLOG_PATH=...
# sysconf-assistd`; there is no run-time option) sends one datagram per
# line, "<86>Mmm dd hh:mm:ss assistd[PID]: LINE" (AUTHPRIV, info), to a
# socket tests/helpers/dgram_sink holds: the same lines, chains included,
# as the file. Without a collector assistd says so once and serves
# anyway. The administrator's TranscriptDir wins over the user's.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/transcript_common.inc"

keygen helper
cp "$T/helper.pub" "$T/authorized"
share "$T/authorized"
ETC="$T/etc"
LOG="$T/log"
mkdir -p "$ETC"
chmod 0755 "$ETC"
SYSD="$T/bin/assistd-syslog"
if ! make -s -C "$TOP" BUILD="$BUILD" SYSCONFDIR="$ETC" SYSLOG_PATH="$LOG" \
    SYSCONF_OUT="$SYSD" sysconf-assistd >"$T/make.out" 2>&1; then
	notok "build assistd with SYSLOG_PATH=$LOG: $(cat "$T/make.out")"
	exit 1
fi
chmod 0755 "$SYSD"
ASSISTD=$SYSD

bg sink "$BUILD/tests/dgram_sink" "$LOG" "$T/syslog.out"
SINK=$LASTPID
i=0
while [ ! -S "$LOG" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "the test's collector listens" test -S "$LOG"

start_assistd s1 -o AuthorizedKeysFile="$T/authorized" --wait 30 ||
	{ notok "assistd starts"; exit 1; }
TF=$(tpath s1)
(sleep 0.2) | timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb \
    >/dev/null 2>&1
wait_exit "$DPID" 10
check "assistd exits 0" test "$EXITCODE" -eq 0
stop "$SINK"

has "$TF" "assistd.start names the syslog socket" " syslog=$LOG chain="
HDR="^<86>[A-Z][a-z][a-z] [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] \
assistd\[$DPID\]: "
check "every datagram: facility AUTHPRIV, info (<86>), ident assistd[PID]" \
    test "$(grep -c "$HDR" "$T/syslog.out")" -eq "$(wc -l <"$T/syslog.out")"
sed "s/$HDR//" "$T/syslog.out" >"$T/syslog.lines"
if cmp -s "$T/syslog.lines" "$TF"; then
	ok "syslog got every line of the file, chains included ($(wc -l <"$TF") lines)"
else
	notok "syslog lines differ from the file: $(diff "$T/syslog.lines" "$TF")"
fi
for e in assistd.start conn.open auth.allow consent.ask consent.answer \
    session.start session.end conn.close assistd.stop; do
	c=$(tfield "$TF" "$e" chain)
	check "$e reached syslog with its chain" \
	    grep -q " event=$e .* chain=$c\$" "$T/syslog.out"
done
check "no warning about syslog" test "$(grep -c syslog "$T/s1.out")" -eq 0

# No collector: said once, the session is served and recorded anyway.
start_assistd s2 -o AuthorizedKeysFile="$T/authorized" --wait 30 ||
	notok "assistd starts without a collector"
TF2=$(tpath s2)
(sleep 0.2) | timeout 20 $SSHC -i "$T/helper" -p "$PORT" -s "$U" rfb \
    >"$T/s2.ssh" 2>&1
rc=$?
wait_exit "$DPID" 10
check "without a collector the session runs (ssh $rc, assistd $EXITCODE)" \
    test "$rc" -eq 0 -a "$EXITCODE" -eq 0
check "the user is told once that syslog is unreachable" test "$(grep -c \
    "^assistd: syslog $LOG: cannot connect: No such file or directory; transcript lines are not mirrored to syslog" \
    "$T/s2.out")" -eq 1
check "and how many lines syslog missed" grep -q \
    "^assistd: syslog $LOG: 9 transcript lines were not sent" "$T/s2.out"
check "the file is complete and verifies" sh -c '. "$1"; verify_chain "$2" &&
    test "$NLINES" -eq 9' sh "$TOP/tests/e2e/transcript_common.inc" "$TF2"

# The administrator's TranscriptDir wins; the user's other one is
# ignored with a warning.
if [ "$(id -u)" -ne 0 ]; then
	ok "# SKIP administrator's TranscriptDir: needs root to own the file"
	exit 0
fi
mkdir "$T/admdrop" "$T/mine"
chmod 1733 "$T/admdrop"
chmod 0777 "$T/mine"
printf 'TranscriptDir %s\n' "$T/admdrop" >"$ETC/assistd.conf"
chmod 0644 "$ETC/assistd.conf"
check "assistd -T shows the administrator's TranscriptDir" sh -c \
    '$1 "$2" -T -o TranscriptDir="$3" 2>/dev/null |
    grep -qx "transcriptdir $4"' sh "$RUNAS" "$ASSISTD" "$T/mine" \
    "$T/admdrop"
start_assistd s3 -o AuthorizedKeysFile="$T/authorized" --wait 1 \
    -o TranscriptDir="$T/mine" || notok "assistd starts with TranscriptDir"
wait_exit "$DPID" 10
check "the user's other TranscriptDir is ignored, with a warning" grep -qF \
    "warning: ignoring TranscriptDir $T/mine (command line): the administrator's applies: $T/admdrop ($ETC/assistd.conf:1)" \
    "$T/s3.out"
check "the copy is in the administrator's directory only" test \
    -f "$T/admdrop/$(basename "$(tpath s3)")" -a -z "$(ls -A "$T/mine")"
