/*
 * Unit tests: assistd/consent.c. The question's text from hostile
 * identity strings (escaped, length-limited, no control byte but the
 * line ends), the verification code, answer parsing, terminal commands,
 * and the asker for real: askpass programs (sh scripts run through
 * SSH_ASKPASS's convention: yes, no, "yes" printed, other text printed,
 * never answering: killed with its child, reaped), and the terminal path
 * on a pty that is the controlling terminal of a forked child (answers,
 * type-ahead discarded, timeout, commands between questions).
 */
#define _XOPEN_SOURCE 700	/* posix_openpt, grantpt, ptsname */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "assistd/consent.h"
#include "common/clock.h"
#include "common/log.h"

#define WAIT_MS	5000	/* any answer in a test comes well before */

/* An identity as the network process sends it (escaped by log_sanitize). */
static struct ipc_auth_result
identity(char *key_id, char *principals, char *ca, char *key_type)
{
	struct ipc_auth_result r;

	memset(&r, 0, sizeof(r));
	r.accepted = 1;
	r.user = "bob";
	r.method = "publickey";
	r.key_type = key_type;
	r.key_fp = "SHA256:AW7zCkLCsQWdS6uH4QiyTT/nU5SjFu41HzKZfiv60hc";
	r.reason = "";
	r.is_cert = 1;
	r.key_id = key_id;
	r.principals = principals;
	r.serial = 42;
	r.ca_name = ca;
	r.ca_fp = "SHA256:x4XtQf0Qh6zZ5j5v7w9lNaRa1pHyl5YmtfWWxF+2ZxU";
	r.valid_after = 1700000000;
	r.valid_before = 1800000000;
	return r;
}

/* Every byte printable ASCII or a line end. */
static void
assert_displayable(const char *s)
{
	for (; *s != '\0'; s++)
		assert_true(*s == '\n' || (*s >= 0x20 && *s < 0x7f));
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_format_fields(void **state)
{
	char out[CONSENT_TEXT_MAX];
	struct ipc_auth_result r = identity("alice@helpdesk", "alice,support",
	    "Example CA", "ssh-ed25519-cert-v01@openssh.com");
	struct consent_question q = {
		.id = &r, .src = "192.0.2.7", .conn = 3,
		.mode = IPC_MODE_CONTROL, .reason = "ticket 1234",
		.code = "482913", .timeout_secs = 60, .how = CONSENT_HOW_TTY,
	};
	size_t n;

	(void)state;
	n = consent_format(&q, out, sizeof(out));
	assert_int_equal(n, strlen(out));
	assert_non_null(strstr(out, "SEE AND CONTROL"));
	assert_non_null(strstr(out, "Key ID:      \"alice@helpdesk\"\n"));
	assert_non_null(strstr(out, "Principals:  alice,support\n"));
	assert_non_null(strstr(out, "Serial:      42\n"));
	assert_non_null(strstr(out, "CA:          \"Example CA\" SHA256:x4Xt"));
	assert_non_null(strstr(out, "Valid:       2023-11-14T22:13:20Z to "));
	assert_non_null(strstr(out, "Key:         ssh-ed25519-cert-v01@openssh"
	    ".com SHA256:AW7z"));
	assert_non_null(strstr(out, "FIDO2:       no\n"));
	assert_non_null(strstr(out, "From:        192.0.2.7\n"));
	assert_non_null(strstr(out, "Connection:  3\n"));
	assert_non_null(strstr(out, "Reason:      \"ticket 1234\"\n"));
	assert_non_null(strstr(out, "Verification code: 482913 "));
	assert_non_null(strstr(out, "c Enter = accept with control, v Enter = "
	    "accept view only, Enter = refuse"));
	assert_displayable(out);

	/* View only: 'c' is not offered; askpass: yes/no wording. */
	q.mode = IPC_MODE_VIEW;
	consent_format(&q, out, sizeof(out));
	assert_non_null(strstr(out, "SEE your screen (view only)"));
	assert_null(strstr(out, "c Enter"));
	q.how = CONSENT_HOW_ASKPASS;
	consent_format(&q, out, sizeof(out));
	assert_non_null(strstr(out, "Accept (view only)? No answer within 60 s "
	    "refuses."));
	assert_null(strstr(out, "Enter"));

	/* A later control request: no code line. */
	q.later = true;
	q.mode = IPC_MODE_CONTROL;
	q.code = NULL;
	q.how = CONSENT_HOW_TTY;
	consent_format(&q, out, sizeof(out));
	assert_non_null(strstr(out, "now asks to CONTROL"));
	assert_null(strstr(out, "Verification code"));
	assert_non_null(strstr(out, "c Enter = give control, Enter = refuse"));
}

/* Plain keys, FIDO2 types and flags, no reason. */
static void
test_format_plain_sk(void **state)
{
	char out[CONSENT_TEXT_MAX];
	struct ipc_auth_result r = identity("", "", "",
	    "sk-ssh-ed25519@openssh.com");
	struct consent_question q = {
		.id = &r, .src = "::1", .conn = 1, .mode = IPC_MODE_VIEW,
		.reason = "", .code = "000001", .timeout_secs = 5,
		.how = CONSENT_HOW_TTY,
	};

	(void)state;
	r.is_cert = 0;
	r.flags = IPC_AUTH_F_NO_TOUCH;
	consent_format(&q, out, sizeof(out));
	assert_non_null(strstr(out, "Certificate: none"));
	assert_null(strstr(out, "Key ID"));
	assert_non_null(strstr(out, "FIDO2:       yes (security key), no touch "
	    "required\n"));
	assert_non_null(strstr(out, "Reason:      (none given)\n"));
	assert_non_null(strstr(out, "From:        ::1\n"));
}

/*
 * Hostile strings, as the network process escapes them and as a hostile
 * network process might send them raw: ESC sequences, newlines, quotes,
 * backslashes, bytes >= 0x80. Nothing but printable ASCII and the
 * question's own line ends comes out; the line count is that of a
 * harmless question.
 */
static void
test_format_hostile(void **state)
{
	const char *raw = "evil\n\"quoted\" Key ID: \x1b[31mred\x1b]0;t\x07"
	    "\\x41\r\xc3\xa9";
	char esc[1024], out[CONSENT_TEXT_MAX], plain[CONSENT_TEXT_MAX];
	struct ipc_auth_result r, ok = identity("a", "b", "c",
	    "ssh-ed25519-cert-v01@openssh.com");
	struct consent_question q = {
		.mode = IPC_MODE_CONTROL, .src = "127.0.0.1", .code = "123456",
		.reason = "r", .timeout_secs = 60, .how = CONSENT_HOW_TTY,
	};
	int pass;

	(void)state;
	q.id = &ok;
	consent_format(&q, plain, sizeof(plain));
	log_sanitize(esc, sizeof(esc), raw, strlen(raw));
	for (pass = 0; pass < 2; pass++) {
		/* pass 0: escaped by the sender; 1: raw (hostile sender) */
		char *s = pass == 0 ? esc : (char *)raw;

		r = identity(s, s, s, s);
		r.key_fp = s;
		r.ca_fp = s;
		q.id = &r;
		q.reason = s;
		consent_format(&q, out, sizeof(out));
		assert_displayable(out);
		assert_null(strchr(out, '\x1b'));
		assert_null(strchr(out, '\r'));
		assert_int_equal(count_lines(out), count_lines(plain));
		/* What the sender escaped comes back as it was (a raw
		 * "\\x41" from a hostile sender reads as "A": harmless). */
		assert_non_null(strstr(out, pass == 0 ?
		    "Key ID:      \"evil\\x0a\\x22quoted\\x22 Key ID: "
		    "\\x1b[31mred\\x1b]0;t\\x07\\x5cx41\\x0d\\xc3\\xa9\"\n" :
		    "Key ID:      \"evil\\x0a\\x22quoted\\x22 Key ID: "
		    "\\x1b[31mred\\x1b]0;t\\x07A\\x0d\\xc3\\xa9\"\n"));
	}
}

/* Long fields are cut, and say so. */
static void
test_format_limits(void **state)
{
	char big[IPC_MAX_STR + 1], out[CONSENT_TEXT_MAX], *p, *e;
	struct ipc_auth_result r;
	struct consent_question q = {
		.mode = IPC_MODE_VIEW, .src = "127.0.0.1", .code = "123456",
		.timeout_secs = 60, .how = CONSENT_HOW_TTY,
	};
	size_t n;

	(void)state;
	memset(big, '\x01', IPC_MAX_STR);	/* each shows as 4 bytes */
	big[IPC_MAX_STR] = '\0';
	r = identity(big, big, big, big);
	r.key_fp = big;
	r.ca_fp = big;
	q.id = &r;
	q.reason = big;
	n = consent_format(&q, out, sizeof(out));
	assert_true(n < sizeof(out));
	assert_displayable(out);
	p = strstr(out, "Key ID:      \"");
	assert_non_null(p);
	p += strlen("Key ID:      \"");
	e = strchr(p, '"');
	assert_non_null(e);
	assert_true((size_t)(e - p) <= CONSENT_ID_SHOW);
	assert_memory_equal(e - 3, "...", 3);
	p = strstr(out, "Principals:  ") + strlen("Principals:  ");
	assert_true((size_t)(strchr(p, '\n') - p) <= CONSENT_LIST_SHOW);
	p = strstr(out, "Reason:      \"") + strlen("Reason:      \"");
	assert_true((size_t)(strchr(p, '"') - p) <= CONSENT_REASON_SHOW);

	/* A small buffer: cut, NUL-terminated, the needed length returned. */
	memset(out, 'X', sizeof(out));
	assert_int_equal(consent_format(&q, out, 10), n);
	assert_int_equal(strlen(out), 9);
	assert_int_equal(consent_format(&q, NULL, 0), n);
}

static void
test_escape(void **state)
{
	char out[16];

	(void)state;
	assert_string_equal(consent_escape(out, 15, "abc", 3), "abc");
	assert_string_equal(consent_escape(out, 15, "a\"b\\", 4),
	    "a\\x22b\\x5c");
	assert_string_equal(consent_escape(out, 15, "a\0b", 3), "a\\x00b");
	/* cut: at most show bytes, ending in "..." */
	assert_string_equal(consent_escape(out, 6, "abcdefgh", 8), "abc...");
	assert_string_equal(consent_escape(out, 6, "abcdef", 6), "abcdef");
	assert_string_equal(consent_escape(out, 6, "a\x1b", 2), "a\\x1b");
	assert_string_equal(consent_escape(out, 6, "ab\x1b", 3), "ab\\x1b");
	assert_string_equal(consent_escape(out, 5, "ab\x1b", 3), "ab...");
	assert_string_equal(consent_escape(out, 2, "abc", 3), "");
}

/* Six digits, all digits seen in every position, rarely twice the same. */
static void
test_code(void **state)
{
	char c[CONSENT_CODE_DIGITS + 1], prev[CONSENT_CODE_DIGITS + 1] = "";
	int seen[CONSENT_CODE_DIGITS][10], i, j, same = 0;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 2000; i++) {
		assert_int_equal(consent_code(c), 0);
		assert_int_equal(strlen(c), CONSENT_CODE_DIGITS);
		for (j = 0; j < CONSENT_CODE_DIGITS; j++) {
			assert_true(c[j] >= '0' && c[j] <= '9');
			seen[j][c[j] - '0']++;
		}
		same += strcmp(c, prev) == 0;
		memcpy(prev, c, sizeof(prev));
	}
	for (j = 0; j < CONSENT_CODE_DIGITS; j++)
		for (i = 0; i < 10; i++)
			assert_true(seen[j][i] > 100);	/* ~200 expected */
	assert_true(same < 3);
}

static void
test_parse_answer(void **state)
{
	(void)state;
	assert_int_equal(consent_parse_answer("c", true, true), CONSENT_CONTROL);
	assert_int_equal(consent_parse_answer(" C ", true, true),
	    CONSENT_CONTROL);
	assert_int_equal(consent_parse_answer("v", true, true), CONSENT_VIEW);
	assert_int_equal(consent_parse_answer("V\r", true, true), CONSENT_VIEW);
	assert_int_equal(consent_parse_answer("", true, true), CONSENT_REFUSED);
	assert_int_equal(consent_parse_answer("y", true, true),
	    CONSENT_REFUSED);
	assert_int_equal(consent_parse_answer("yes", true, true),
	    CONSENT_REFUSED);
	assert_int_equal(consent_parse_answer("cv", true, true),
	    CONSENT_REFUSED);
	assert_int_equal(consent_parse_answer("c x", true, true),
	    CONSENT_REFUSED);
	/* not offered: refused */
	assert_int_equal(consent_parse_answer("c", false, true),
	    CONSENT_REFUSED);
	assert_int_equal(consent_parse_answer("v", true, false),
	    CONSENT_REFUSED);
}

/* ---- the asker with real askpass programs ---------------------------- */

static char tmpdir[64];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_consent.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* An askpass script body -> its path (in tmpdir). */
static const char *
script(const char *name, const char *body)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

/* Runs the poll loop as the monitor would (waitpid -> consent_reaped)
 * until an answer or ms pass. */
static enum consent_answer
drive(struct consent *k, int ms, enum consent_how *how)
{
	long long end = clock_now_ms() + ms;
	struct pollfd pfd[2];
	enum consent_answer a;
	int n, status, t;
	pid_t pid;

	while (clock_now_ms() < end) {
		n = consent_pollfds(k, pfd);
		t = consent_timeout_ms(k, clock_now_ms());
		(void)poll(pfd, (nfds_t)n, t >= 0 && t < 50 ? t : 50);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			assert_true(consent_reaped(k, pid, status));
		consent_after_poll(k, pfd, n, clock_now_ms());
		if ((a = consent_take_answer(k, how)) != CONSENT_PENDING)
			return a;
	}
	return CONSENT_PENDING;
}

static struct consent *
askpass_consent(const char *path, int timeout_secs)
{
	struct consent_config cc = { .gui = true, .askpass = path,
	    .timeout_secs = timeout_secs };
	char err[256];
	struct consent *k = consent_open(&cc, err, sizeof(err));

	assert_non_null(k);
	assert_int_equal(consent_how(k), CONSENT_HOW_ASKPASS);
	return k;
}

/* ask with the question, the answer: what the askpass made of it. */
static enum consent_answer
ask_once(const char *body, bool offer_control, int timeout_secs,
	 enum consent_how *how)
{
	struct consent *k = askpass_consent(script("ap", body), timeout_secs);
	char err[256];
	enum consent_answer a;

	assert_int_equal(consent_ask(k, "Q?\nline 2", offer_control, true,
	    clock_now_ms(), err, sizeof(err)), 0);
	assert_true(consent_asking(k));
	/* one at a time */
	assert_int_equal(consent_ask(k, "again", false, true, clock_now_ms(),
	    err, sizeof(err)), -1);
	a = drive(k, WAIT_MS, how);
	assert_false(consent_asking(k));
	consent_free(k);
	return a;
}

static void
test_askpass_answers(void **state)
{
	enum consent_how how;
	char path[160];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/seen", tmpdir);
	/* Yes: exit 0, nothing printed; it saw the question and the hint,
	 * stdin is /dev/null, no fd of ours but 0-2. */
	{
		char body[1024];

		snprintf(body, sizeof(body), "printf '%%s|%%s|' \"$1\" "
		    "\"$SSH_ASKPASS_PROMPT\" >%s; cat >>%s; "
		    "ls /proc/self/fd | wc -l >>%s; exit 0", path, path, path);
		assert_int_equal(ask_once(body, true, 10, &how),
		    CONSENT_CONTROL);
	}
	assert_int_equal(how, CONSENT_HOW_ASKPASS);
	f = fopen(path, "r");
	assert_non_null(f);
	{
		char line[256] = "";
		size_t n = fread(line, 1, sizeof(line) - 1, f);

		line[n] = '\0';
		/* 0, 1, 2 and the fd ls uses for the directory */
		assert_string_equal(line, "Q?\nline 2|confirm|4\n");
	}
	fclose(f);
	/* View only requested: yes is view. */
	assert_int_equal(ask_once("exit 0", false, 10, &how), CONSENT_VIEW);
	assert_int_equal(ask_once("exit 1", true, 10, &how), CONSENT_REFUSED);
	assert_int_equal(ask_once("echo yes", true, 10, &how), CONSENT_CONTROL);
	assert_int_equal(ask_once("echo YES", true, 10, &how), CONSENT_CONTROL);
	/* OpenSSH's rule: other output is no. */
	assert_int_equal(ask_once("echo no", true, 10, &how), CONSENT_REFUSED);
	assert_int_equal(ask_once("echo secret", true, 10, &how),
	    CONSENT_REFUSED);
	assert_int_equal(ask_once("head -c 10000 /dev/zero | tr '\\0' y",
	    true, 10, &how), CONSENT_REFUSED);
	assert_int_equal(ask_once("kill -9 $$", true, 10, &how),
	    CONSENT_REFUSED);
}

/* Silence: the deadline refuses; the askpass and its child are killed,
 * both reaped (the askpass by our waitpid, as the monitor does). */
static void
test_askpass_timeout(void **state)
{
	char body[256], path[160];
	enum consent_how how;
	long long t0;
	pid_t child = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/child", tmpdir);
	snprintf(body, sizeof(body), "sleep 600 & echo $! >%s; wait", path);
	t0 = clock_now_ms();
	assert_int_equal(ask_once(body, true, 1, &how), CONSENT_TIMEOUT);
	assert_int_equal(how, CONSENT_HOW_TIMEOUT);
	assert_true(clock_now_ms() - t0 >= 1000);
	assert_true(clock_now_ms() - t0 < 3000);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &child), 1);
	fclose(f);
	/* The grandchild got SIGKILL with the group (it may linger as a
	 * zombie of init for a moment: not running is what counts). */
	{
		char st[160], stat[256] = "";
		long long end = clock_now_ms() + 2000;
		int gone = 0;

		snprintf(st, sizeof(st), "/proc/%d/stat", (int)child);
		while (!gone && clock_now_ms() < end) {
			f = fopen(st, "r");
			if (f == NULL) {
				gone = 1;
				break;
			}
			if (fgets(stat, sizeof(stat), f) != NULL &&
			    strstr(stat, ") Z ") != NULL)
				gone = 1;
			fclose(f);
			usleep(10000);
		}
		assert_true(gone);
	}
	/* No child of ours is left. */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* The helper leaves while asked: withdrawn, the askpass killed. */
static void
test_askpass_withdraw(void **state)
{
	struct consent *k = askpass_consent(script("slow", "exec sleep 600"),
	    60);
	enum consent_how how;
	char err[256];
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(consent_ask(k, "Q", true, true, clock_now_ms(), err,
	    sizeof(err)), 0);
	consent_withdraw(k, "the helper left");
	assert_false(consent_asking(k));
	assert_int_equal(consent_take_answer(k, &how), CONSENT_WITHDRAWN);
	assert_int_equal(how, CONSENT_HOW_ASKPASS);
	pid = waitpid(-1, &status, 0);
	assert_true(pid > 0);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_true(consent_reaped(k, pid, status));
	/* a pid that never was an askpass */
	assert_false(consent_reaped(k, pid + 100000, 0));
	/* the next question can be asked */
	assert_int_equal(consent_ask(k, "Q2", true, true, clock_now_ms(), err,
	    sizeof(err)), 0);
	consent_free(k);	/* kills and reaps it */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

/* Nowhere to ask: NULL, and why. */
static void
test_open_refuses(void **state)
{
	struct consent_config cc = { .gui = true, .timeout_secs = 5 };
	char err[512];

	(void)state;
	assert_null(consent_open(&cc, err, sizeof(err)));
	assert_non_null(strstr(err, "SSH_ASKPASS is not set"));
	cc.askpass = "/nonexistent/askpass";
	assert_null(consent_open(&cc, err, sizeof(err)));
	assert_non_null(strstr(err, "(/nonexistent/askpass) is not an "
	    "executable program"));
	cc.askpass = "/etc/passwd";	/* not executable */
	assert_null(consent_open(&cc, err, sizeof(err)));
	cc.askpass = "/tmp";		/* a directory */
	assert_null(consent_open(&cc, err, sizeof(err)));
	cc.askpass = "no-such-askpass-anywhere";
	assert_null(consent_open(&cc, err, sizeof(err)));
	cc.askpass = "\x1b[31m";
	assert_null(consent_open(&cc, err, sizeof(err)));
	assert_null(strchr(err, '\x1b'));
	/* found in $PATH, as execvp would */
	cc.askpass = "true";
	{
		struct consent *k = consent_open(&cc, err, sizeof(err));

		assert_non_null(k);
		consent_free(k);
	}
}

/* ---- the terminal path, on a pty ---------------------------------- */

/*
 * In a forked child whose controlling terminal is the pty's slave: asks
 * (offer control and view), writes what came back to the parent as
 * "ANSWER HOW\n" for each question, then reads one command.
 */
static void
tty_child(const char *slave, int report)
{
	struct consent_config cc = { .timeout_secs = 1 };
	enum consent_how how;
	enum consent_answer a;
	struct consent *k;
	char err[256], line[64], cmd;
	unsigned conn;
	int fd, i, n;

	if (setsid() < 0 || (fd = open(slave, O_RDWR)) < 0 ||
	    ioctl(fd, TIOCSCTTY, 0) != 0)
		_exit(10);
	signal(SIGTTOU, SIG_IGN);
	k = consent_open(&cc, err, sizeof(err));
	if (k == NULL || consent_how(k) != CONSENT_HOW_TTY)
		_exit(11);
	if (write(report, "ready\n", 6) != 6)
		_exit(13);
	for (i = 0; i < 4; i++) {
		/* the parent types ahead before question 0 is shown */
		if (i == 0)
			usleep(300000);
		if (consent_ask(k, "QUESTION?", i != 2, true, clock_now_ms(),
		    err, sizeof(err)) != 0)
			_exit(12);
		a = drive(k, WAIT_MS, &how);
		n = snprintf(line, sizeof(line), "%s %s\n",
		    consent_answer_name(a), consent_how_name(how));
		if (write(report, line, (size_t)n) != n)
			_exit(13);
	}
	/* between questions: a command */
	{
		long long end = clock_now_ms() + WAIT_MS;
		struct pollfd pfd[2];

		while (!consent_command(k, &cmd, &conn) &&
		    clock_now_ms() < end) {
			int np = consent_pollfds(k, pfd);

			(void)poll(pfd, (nfds_t)np, 50);
			consent_after_poll(k, pfd, np, clock_now_ms());
		}
		n = snprintf(line, sizeof(line), "cmd %c %u\n", cmd, conn);
		if (write(report, line, (size_t)n) != n)
			_exit(14);
	}
	consent_free(k);
	_exit(0);
}

/* Reads from fd until text appears (the pty's output), or fails. */
static void
wait_text(int fd, const char *text, char *acc, size_t accsz)
{
	long long end = clock_now_ms() + WAIT_MS;
	size_t used = strlen(acc);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (strstr(acc, text) == NULL) {
		assert_true(clock_now_ms() < end);
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = read(fd, acc + used, accsz - 1 - used);
		if (n > 0) {
			used += (size_t)n;
			acc[used] = '\0';
		}
		if (used + 1 >= accsz) {	/* keep the tail only */
			memmove(acc, acc + used / 2, used - used / 2 + 1);
			used -= used / 2;
		}
	}
	/* consume what matched, so the next wait needs new text */
	memmove(acc, strstr(acc, text) + strlen(text),
	    strlen(strstr(acc, text) + strlen(text)) + 1);
}

static void
report_is(FILE *f, const char *want)
{
	char line[64];

	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, want);
}

static void
test_tty(void **state)
{
	char acc[8192] = "", *slave;
	int master, rp[2], status;
	FILE *rep;
	pid_t pid;

	(void)state;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	slave = ptsname(master);
	assert_non_null(slave);
	assert_int_equal(pipe(rp), 0);
	if ((pid = fork()) == 0) {
		close(master);
		close(rp[0]);
		tty_child(slave, rp[1]);
	}
	close(rp[1]);
	rep = fdopen(rp[0], "r");
	report_is(rep, "ready\n");
	/* Type-ahead before the question is discarded: not an answer. */
	assert_int_equal(write(master, "c\n", 2), 2);
	wait_text(master, "QUESTION?", acc, sizeof(acc));
	assert_int_equal(write(master, "v\n", 2), 2);
	report_is(rep, "view tty\n");
	wait_text(master, "QUESTION?", acc, sizeof(acc));
	assert_int_equal(write(master, "c\n", 2), 2);
	report_is(rep, "control tty\n");
	/* 'c' not offered (view-only request): refused */
	wait_text(master, "QUESTION?", acc, sizeof(acc));
	assert_int_equal(write(master, "c\n", 2), 2);
	report_is(rep, "refused tty\n");
	/* silence: 1 s, then refused, and the terminal says so */
	wait_text(master, "QUESTION?", acc, sizeof(acc));
	report_is(rep, "timeout timeout\n");
	wait_text(master, "no answer within 1 s: refused.", acc, sizeof(acc));
	assert_int_equal(write(master, "e 7\n", 4), 4);
	report_is(rep, "cmd e 7\n");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	fclose(rep);
	close(master);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_fields),
		cmocka_unit_test(test_format_plain_sk),
		cmocka_unit_test(test_format_hostile),
		cmocka_unit_test(test_format_limits),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_code),
		cmocka_unit_test(test_parse_answer),
		cmocka_unit_test(test_askpass_answers),
		cmocka_unit_test(test_askpass_timeout),
		cmocka_unit_test(test_askpass_withdraw),
		cmocka_unit_test(test_open_refuses),
		cmocka_unit_test(test_tty),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
