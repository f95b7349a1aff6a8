#!/bin/sh
# The e2e tests' SSH_ASKPASS: tests/e2e/lib.sh installs it for every
# assistd a test starts (assistd has no terminal in tests, so it asks
# through this, as it would through ssh-askpass). It records each question
# and answers as told. Files in $ASKPASS_DIR:
#   calls      one line per call: "PID PROMPT" (PROMPT: $SSH_ASKPASS_PROMPT)
#   q.N        question N (argv[1]), N = 1, 2, ...
#   answer.N, else answer: what to answer (no file: yes)
#     yes          exit 0, print nothing      (OpenSSH: yes)
#     no           exit 1                     (refused)
#     print TEXT   exit 0 printing TEXT       (OpenSSH: yes only for "yes")
#     sleep        never answer: a child sleeps, its PID in q.N.sleep; the
#                  askpass's whole process group must be killed
#     after SECS   yes after SECS seconds
d=${ASKPASS_DIR:?ASKPASS_DIR is not set}
n=1
[ -f "$d/calls" ] && n=$(( $(wc -l <"$d/calls") + 1 ))
printf '%s\n' "$1" >"$d/q.$n"
echo "$$ ${SSH_ASKPASS_PROMPT:-}" >>"$d/calls"
if [ -f "$d/answer.$n" ]; then
	a=$(cat "$d/answer.$n")
elif [ -f "$d/answer" ]; then
	a=$(cat "$d/answer")
else
	a=yes
fi
case $a in
yes)	exit 0 ;;
no)	exit 1 ;;
print\ *)	printf '%s\n' "${a#print }"; exit 0 ;;
sleep)	sleep 3600 &
	echo $! >"$d/q.$n.sleep"
	wait
	exit 0 ;;
after\ *)	sleep "${a#after }"; exit 0 ;;
*)	exit 2 ;;
esac
