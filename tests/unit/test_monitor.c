/*
 * Unit tests: assistd/monitor.c's consent flow, driven through its real
 * loop (monitor_run in a forked process, real sockets, real fork of a
 * "network process", real askpass scripts, a real transcript). The
 * network process is replaced (assistd_opts.serve) by a scripted IPC
 * peer, because the real one cannot yet send everything the monitor must
 * handle (a later control request, IPC_MODE_REQUEST). The peer relays:
 * lines the test writes on the TCP connection become IPC messages, and
 * every IPC message from the monitor comes back as a line. The user's
 * side is the askpass (answers from a file) and an extension
 * (struct monitor_ext, as the X11 indicator will be) whose input fd the
 * test writes to: 'e' ends the sessions, 'v' drops them to view, 's'
 * reports monitor_input_suspended / monitor_input_allowed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "assistd/audit.h"
#include "assistd/consent.h"
#include "assistd/monitor.h"
#include "assistd/net.h"
#include "common/clock.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/transcript.h"

#define WAIT_MS		8000	/* longest wait for one line */
#define LINE_MAX_T	2048

static char dir[64];
static char askpass_dir[128];
static int ext_in = -1;		/* the test writes 'e' 'v' 's' here */
static int ext_report = -1;	/* the extension answers here */
static bool with_code;		/* the monitor runs with --code */

/* ---- the scripted network process (runs in the monitor's child) ---- */

static void fake_line(int sock, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
fake_line(int sock, const char *fmt, ...)
{
	char b[LINE_MAX_T];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(b) - 1)
		_exit(20);
	b[n++] = '\n';
	if (write(sock, b, (size_t)n) != n)
		_exit(21);
}

/* One command line from the test -> an IPC message. */
static int
fake_command(struct ipc *ipc, char *line)
{
	struct ipc_ctl c;

	memset(&c, 0, sizeof(c));
	if (strncmp(line, "auth ", 5) == 0) {
		struct ipc_auth_result r;

		memset(&r, 0, sizeof(r));
		r.accepted = 1;
		r.user = "bob";
		r.method = "publickey";
		r.key_type = "ssh-ed25519-cert-v01@openssh.com";
		r.key_fp = "SHA256:key";
		r.reason = "";
		r.is_cert = 1;
		r.key_id = line + 5;
		r.principals = "bob";
		r.serial = 7;
		r.ca_name = "Test CA";
		r.ca_fp = "SHA256:ca";
		r.valid_after = 1;
		r.valid_before = 4000000000u;
		return ipc_send_auth_result(ipc, &r);
	}
	if (strncmp(line, "req ", 4) == 0) {
		c.mode = strncmp(line + 4, "control", 7) == 0 ?
		    IPC_MODE_CONTROL : IPC_MODE_VIEW;
		c.kind = 1;
		c.text = strchr(line + 4, ' ') ? strchr(line + 4, ' ') + 1 :
		    "";
		return ipc_send_ctl(ipc, IPC_SESSION_REQUEST, &c);
	}
	if (strcmp(line, "mode") == 0)
		return ipc_send_ctl(ipc, IPC_MODE_REQUEST, &c);
	if (strncmp(line, "code ", 5) == 0) {
		c.text = line + 5;
		return ipc_send_ctl(ipc, IPC_CODE_CHECK, &c);
	}
	return -1;
}

static void
fake_closed(struct ipc *ipc, const char *why)
{
	struct ipc_closed cl = { (char *)why, 0, 10, 20 };

	(void)ipc_send_closed(ipc, &cl);
	(void)ipc_flush_wait(ipc, 2000);
}

/* One IPC message from the monitor -> a line for the test. */
static bool
fake_reply(struct ipc *ipc, int sock, uint8_t type, struct buf *body)
{
	struct ipc_ctl c;

	if (ipc_decode_ctl(body, type, &c) != BUF_OK)
		_exit(22);
	switch (type) {
	case IPC_CONSENT_WAIT:
		fake_line(sock, "wait %s %s %u", c.text, c.text2, c.num);
		break;
	case IPC_SESSION_GRANT:
		fake_line(sock, "grant %s", ipc_mode_name(c.mode));
		break;
	case IPC_SESSION_DENY:
		fake_line(sock, "deny %s %s", ipc_end_name(c.kind), c.text);
		break;
	case IPC_MODE:
		fake_line(sock, "mode %s %s", ipc_mode_name(c.mode),
		    c.kind == IPC_BY_USER ? "user" : "helper");
		break;
	case IPC_CODE_RESULT:
		fake_line(sock, "code %s %u", c.kind ? "right" : "wrong",
		    c.num);
		break;
	case IPC_SHUTDOWN:
		fake_line(sock, "shutdown %s %s", ipc_end_name(c.kind),
		    c.text);
		ipc_ctl_free(&c);
		fake_closed(ipc, "shut down");
		return false;
	default:
		_exit(23);
	}
	ipc_ctl_free(&c);
	return true;
}

static int
fake_net(const struct net_params *p)
{
	char in[LINE_MAX_T];
	size_t used = 0;
	struct pollfd pfd[2];
	struct ipc ipc;
	struct buf body;
	uint8_t type;
	ssize_t n;
	char *nl;

	ipc_init(&ipc, p->ipc_fd);
	for (;;) {
		pfd[0].fd = p->sock;
		pfd[0].events = POLLIN;
		pfd[1].fd = p->ipc_fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0)
			return 24;
		if (pfd[1].revents != 0) {
			if (ipc_read(&ipc) == 0)
				return 0;	/* the monitor closed */
			while (ipc_next(&ipc, &type, &body) == 1)
				if (!fake_reply(&ipc, p->sock, type, &body))
					return 0;
		}
		if (pfd[0].revents == 0)
			continue;
		n = read(p->sock, in + used, sizeof(in) - 1 - used);
		if (n <= 0) {
			fake_closed(&ipc, "helper left");
			return 0;
		}
		used += (size_t)n;
		in[used] = '\0';
		while ((nl = strchr(in, '\n')) != NULL) {
			*nl = '\0';
			if (fake_command(&ipc, in) != 0)
				return 25;
			memmove(in, nl + 1, used - (size_t)(nl + 1 - in) + 1);
			used = strlen(in);
		}
		if (ipc_flush_wait(&ipc, 2000) != 0)
			return 26;
	}
}

/* ---- the extension (runs in the monitor's process) ----------------- */

static int
ext_fd(void *ud)
{
	(void)ud;
	return ext_in;
}

static void
ext_input(struct monitor *m, void *ud)
{
	char c, line[64];
	int n = 0;

	(void)ud;
	if (read(ext_in, &c, 1) != 1)
		return;
	if (c == 'e')
		n = snprintf(line, sizeof(line), "ended %d\n",
		    monitor_end_session(m, 0));
	else if (c == 'v')
		n = snprintf(line, sizeof(line), "view %d\n",
		    monitor_view_only(m, 0));
	else if (c == 's') {
		struct monitor_session s[4];
		int k = monitor_sessions(m, s, 4);

		n = snprintf(line, sizeof(line), "suspended %d allowed %d "
		    "sessions %d mode %s\n", monitor_input_suspended(m),
		    monitor_input_allowed(m, 1), k,
		    k > 0 ? ipc_mode_name(s[0].mode) : "-");
	}
	if (n > 0 && write(ext_report, line, (size_t)n) != n)
		_exit(30);
}

static void
ext_changed(struct monitor *m, void *ud)
{
	(void)m;
	(void)ud;
}

/* ---- the test's side ------------------------------------------------ */

struct world {
	pid_t monitor;
	int port;
	int ext_w;		/* -> ext_in */
	FILE *report;		/* <- ext_report */
	char tpath[256];	/* the transcript file */
};

static void
write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

/* The askpass answers with $ASKPASS_DIR/answer (yes/no/sleep), counting
 * its calls in $ASKPASS_DIR/calls. */
static void
answer(const char *a)
{
	char p[192];

	snprintf(p, sizeof(p), "%s/answer", askpass_dir);
	write_file(p, a, 0644);
}

static int
askpass_calls(void)
{
	char p[192], line[64];
	int n = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/calls", askpass_dir);
	if ((f = fopen(p, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n++;
	fclose(f);
	return n;
}

static int
listener(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* In the monitor's process: its transcript, asker and options, as
 * assistd's main() makes them; the transcript's path goes to report. */
static void
monitor_child(int lfd, int max_helpers, int consent_secs)
{
	static struct transcript_config tc;
	static struct audit_start as;
	static struct monitor_ext ext = { NULL, ext_fd, ext_input,
	    ext_changed };
	static char tdir[128], state[128], line[320];
	struct consent_config cc;
	struct assistd_opts o;
	char err[256], ap[192];
	int n;

	snprintf(tdir, sizeof(tdir), "%s/transcripts", dir);
	snprintf(state, sizeof(state), "%s/last-chain", dir);
	memset(&tc, 0, sizeof(tc));
	tc.dir = tdir;
	tc.state_file = state;
	tc.ident = "assistd";
	tc.host = "testhost";
	tc.user = "bob";
	memset(&o, 0, sizeof(o));
	if ((o.transcript = transcript_open(&tc, err, sizeof(err))) == NULL)
		_exit(40);
	memset(&as, 0, sizeof(as));
	as.listen = "127.0.0.1:0";
	as.hostkey_fp = "SHA256:test";
	if (audit_start(o.transcript, &as) != 0)
		_exit(41);
	n = snprintf(line, sizeof(line), "%s\n",
	    transcript_path(o.transcript));
	if (write(ext_report, line, (size_t)n) != n)
		_exit(42);
	snprintf(ap, sizeof(ap), "%s/askpass", dir);
	memset(&cc, 0, sizeof(cc));
	cc.gui = true;
	cc.askpass = ap;
	cc.timeout_secs = consent_secs;
	if ((o.consent = consent_open(&cc, err, sizeof(err))) == NULL)
		_exit(43);
	o.nlisten = 1;
	o.wait_secs = 60;
	o.login_grace_secs = 30;
	o.max_auth_tries = 6;
	o.max_startups = 10;
	o.transcript_cfg = &tc;
	o.start = &as;
	o.consent_secs = consent_secs;
	o.max_helpers = max_helpers;
	o.ext[0] = &ext;
	o.serve = fake_net;
	o.code = with_code;
	log_set_level(LOG_LVL_ERROR);
	n = monitor_run(&o, &lfd, 1, NULL, "bob", NULL);
	consent_free(o.consent);
	_exit(n);
}

/* Starts monitor_run in a child with max_helpers, the consent timeout. */
static void
start(struct world *w, int max_helpers, int consent_secs)
{
	int lfd, ein[2], rep[2];

	memset(w, 0, sizeof(*w));
	lfd = listener(&w->port);
	assert_int_equal(pipe(ein), 0);
	assert_int_equal(pipe(rep), 0);
	w->monitor = fork();
	assert_true(w->monitor >= 0);
	if (w->monitor == 0) {
		close(ein[1]);
		close(rep[0]);
		ext_in = ein[0];
		ext_report = rep[1];
		monitor_child(lfd, max_helpers, consent_secs);
	}
	close(lfd);
	close(ein[0]);
	close(rep[1]);
	w->ext_w = ein[1];
	w->report = fdopen(rep[0], "r");
	assert_non_null(w->report);
	assert_non_null(fgets(w->tpath, sizeof(w->tpath), w->report));
	w->tpath[strcspn(w->tpath, "\n")] = '\0';
}

/* A helper connection (to the scripted network process). */
static int
helper(struct world *w)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)w->port);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void
say(int fd, const char *line)
{
	size_t n = strlen(line);

	assert_int_equal(write(fd, line, n), (ssize_t)n);
	assert_int_equal(write(fd, "\n", 1), 1);
}

/* The next line the scripted network process relayed (no newline). */
static char *
hear(int fd)
{
	static char b[LINE_MAX_T];
	long long end = clock_now_ms() + WAIT_MS;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t used = 0;
	char c;

	while (used < sizeof(b) - 1) {
		assert_true(clock_now_ms() < end);
		if (poll(&p, 1, 100) <= 0)
			continue;
		if (read(fd, &c, 1) != 1)
			fail_msg("connection closed after \"%.*s\"", (int)used,
			    b);
		if (c == '\n')
			break;
		b[used++] = c;
	}
	b[used] = '\0';
	return b;
}

/* The connection was closed (its network process was killed), with
 * nothing more relayed. */
static void
closed(int fd)
{
	long long end = clock_now_ms() + WAIT_MS;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	while (poll(&p, 1, 100) == 0)
		assert_true(clock_now_ms() < end);
	assert_int_equal(read(fd, &c, 1), 0);
}

static void
expect_prefix(int fd, const char *prefix)
{
	char *l = hear(fd);

	if (strncmp(l, prefix, strlen(prefix)) != 0)
		fail_msg("heard \"%s\", wanted \"%s...\"", l, prefix);
}

/* Asks the extension; returns its line (without newline). */
static char *
ext(struct world *w, char c)
{
	static char line[128];

	assert_int_equal(write(w->ext_w, &c, 1), 1);
	assert_non_null(fgets(line, sizeof(line), w->report));
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* Stops the monitor (SIGTERM) or, term false, waits for it to stop by
 * itself (bounded); its exit status. */
static int
finish(struct world *w, bool term)
{
	long long end = clock_now_ms() + WAIT_MS;
	int status;
	pid_t r;

	if (term)
		kill(w->monitor, SIGTERM);
	while ((r = waitpid(w->monitor, &status, WNOHANG)) == 0) {
		if (clock_now_ms() > end) {
			kill(w->monitor, SIGKILL);
			fail_msg("the monitor did not stop by itself");
		}
		usleep(10000);
	}
	assert_int_equal(r, w->monitor);
	fclose(w->report);
	close(w->ext_w);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* How many lines of the transcript hold every string given. */
static int
tlines(struct world *w, const char *a, const char *b)
{
	char line[4096];
	FILE *f = fopen(w->tpath, "r");
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, a) != NULL && (b == NULL ||
		    strstr(line, b) != NULL);
	fclose(f);
	return n;
}

/* Polls the extension until the condition line comes (the monitor's
 * state changes in its own time). */
static void
ext_until(struct world *w, const char *want)
{
	long long end = clock_now_ms() + WAIT_MS;
	char *l;

	while (strcmp((l = ext(w, 's')), want) != 0) {
		if (clock_now_ms() > end)
			fail_msg("extension says \"%s\", wanted \"%s\"", l,
			    want);
		usleep(20000);
	}
}

/*
 * A control session, then: the user drops it to view; the helper asks
 * for control (yes), the user takes it back, asks again (no: control
 * refused), and once more (timeout); later requests are refused without
 * asking. Input is suspended exactly while a question is on the screen.
 * The user ends the session.
 */
static void
test_flow(void **state)
{
	struct world w;
	int fd, calls;
	char *l, code[16];

	(void)state;
	answer("after 1");
	start(&w, 1, 2);
	fd = helper(&w);
	say(fd, "auth alice");
	say(fd, "req control ticket 42");
	l = hear(fd);
	assert_int_equal(sscanf(l, "wait %15s bob 2", code), 1);
	assert_int_equal(strlen(code), 6);
	/* the question is on the screen: input suspended, no session */
	assert_string_equal(ext(&w, 's'),
	    "suspended 1 allowed 0 sessions 0 mode -");
	assert_string_equal(hear(fd), "grant control");
	ext_until(&w, "suspended 0 allowed 1 sessions 1 mode control");
	assert_int_equal(tlines(&w, "event=consent.ask ", "request=session "
	    "mode=control reason=\"ticket 42\" code="), 1);
	assert_int_equal(tlines(&w, "event=consent.ask ", code), 1);
	assert_int_equal(tlines(&w, "event=consent.answer ",
	    "answer=control how=askpass"), 1);
	assert_int_equal(tlines(&w, "event=session.start ", "mode=control"),
	    1);

	/* The user takes control back. */
	answer("yes");
	assert_string_equal(ext(&w, 'v'), "view 1");
	assert_string_equal(hear(fd), "mode view user");
	assert_string_equal(ext(&w, 's'),
	    "suspended 0 allowed 0 sessions 1 mode view");
	assert_int_equal(tlines(&w, "event=mode.change ", "mode=view by=user"),
	    1);
	assert_string_equal(ext(&w, 'v'), "view 0");	/* already view */

	/* The helper asks for control: asked again (no code, no wait). */
	calls = askpass_calls();
	say(fd, "mode");
	assert_string_equal(hear(fd), "mode control helper");
	assert_int_equal(askpass_calls(), calls + 1);
	assert_int_equal(tlines(&w, "event=consent.ask ", "request=control "
	    "mode=control reason=\"ticket 42\" how=askpass"), 1);
	assert_int_equal(tlines(&w, "request=control", "code="), 0);
	assert_int_equal(tlines(&w, "event=mode.change ",
	    "mode=control by=helper"), 1);
	ext_until(&w, "suspended 0 allowed 1 sessions 1 mode control");
	/* asking while in control: told control, nobody asked */
	say(fd, "mode");
	assert_string_equal(hear(fd), "mode control helper");
	assert_int_equal(askpass_calls(), calls + 1);

	/* Back to view; asks again: refused, stays view, no mode.change. */
	assert_string_equal(ext(&w, 'v'), "view 1");
	assert_string_equal(hear(fd), "mode view user");
	answer("no");
	say(fd, "mode");
	assert_string_equal(hear(fd), "mode view user");
	assert_int_equal(tlines(&w, "event=consent.answer ",
	    "answer=refused how=askpass"), 1);
	assert_int_equal(tlines(&w, "event=mode.change ", NULL), 3);

	/* Third request: no answer within 2 s; input suspended meanwhile. */
	answer("sleep");
	say(fd, "mode");
	ext_until(&w, "suspended 1 allowed 0 sessions 1 mode view");
	assert_string_equal(hear(fd), "mode view user");
	assert_int_equal(tlines(&w, "event=consent.answer ",
	    "answer=timeout how=timeout"), 1);
	ext_until(&w, "suspended 0 allowed 0 sessions 1 mode view");

	/* A fourth: refused without asking (MONITOR_MODE_ASKS). */
	calls = askpass_calls();
	answer("yes");
	say(fd, "mode");
	assert_string_equal(hear(fd), "mode view user");
	assert_int_equal(askpass_calls(), calls);

	/* The user ends the session. */
	assert_string_equal(ext(&w, 'e'), "ended 1");
	assert_string_equal(hear(fd),
	    "shutdown user_ended session ended by the user");
	assert_int_equal(finish(&w, false), ASSISTD_EXIT_OK);
	assert_int_equal(tlines(&w, "event=session.end ", "reason=user_ended"),
	    1);
	assert_int_equal(tlines(&w, "event=assistd.stop ",
	    "reason=\"the session is over; exiting\" status=0"), 1);
	close(fd);
}

/*
 * The user drops to view while a control request is on the screen: the
 * question is withdrawn, the helper is told control was refused. A
 * second helper is busy while the session runs; a session request out of
 * order kills its network process; a mode request before a session too.
 */
static void
test_withdraw_busy_order(void **state)
{
	struct world w;
	int fd, fd2, calls;

	(void)state;
	answer("yes");
	start(&w, 1, 30);
	fd = helper(&w);
	say(fd, "auth alice");
	say(fd, "req view");
	expect_prefix(fd, "wait ");
	assert_string_equal(hear(fd), "grant view");
	answer("sleep");
	say(fd, "mode");
	ext_until(&w, "suspended 1 allowed 0 sessions 1 mode view");
	assert_string_equal(ext(&w, 'v'), "view 1");
	assert_string_equal(hear(fd), "mode view user");
	assert_int_equal(tlines(&w, "event=consent.answer ",
	    "answer=withdrawn how=askpass"), 1);
	ext_until(&w, "suspended 0 allowed 0 sessions 1 mode view");

	/* busy: no question */
	calls = askpass_calls();
	fd2 = helper(&w);
	say(fd2, "auth bob2");
	say(fd2, "req control");
	assert_string_equal(hear(fd2),
	    "deny busy the user is busy with another helper");
	assert_int_equal(askpass_calls(), calls);
	close(fd2);

	/* a second session request on the live connection: killed */
	say(fd, "req view");
	closed(fd);
	close(fd);
	/* the session ended with it; assistd is done */
	assert_int_equal(finish(&w, false), ASSISTD_EXIT_OK);
	assert_int_equal(tlines(&w, "event=session.end ", "reason=error"), 1);

	/* a mode request before any session: killed, never asked */
	answer("yes");
	start(&w, 1, 30);
	calls = askpass_calls();
	fd = helper(&w);
	say(fd, "auth carol");
	say(fd, "mode");
	closed(fd);
	assert_int_equal(askpass_calls(), calls);
	close(fd);
	assert_int_equal(finish(&w, true), ASSISTD_EXIT_OK);
	assert_int_equal(tlines(&w, "event=consent.ask ", NULL), 0);
}

/* The helper leaves while asked: withdrawn; the askpass is killed. */
static void
test_helper_leaves(void **state)
{
	struct world w;
	int fd;

	(void)state;
	answer("sleep");
	start(&w, 1, 30);
	fd = helper(&w);
	say(fd, "auth alice");
	say(fd, "req control");
	expect_prefix(fd, "wait ");
	ext_until(&w, "suspended 1 allowed 0 sessions 0 mode -");
	close(fd);
	ext_until(&w, "suspended 0 allowed 0 sessions 0 mode -");
	assert_int_equal(tlines(&w, "event=consent.answer ",
	    "answer=withdrawn how=askpass"), 1);
	assert_int_equal(tlines(&w, "event=session.start ", NULL), 0);
	assert_int_equal(finish(&w, true), ASSISTD_EXIT_OK);
}

static int
setup(void **state)
{
	char p[192];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_monitor.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(askpass_dir, sizeof(askpass_dir), "%s/ap", dir);
	if (mkdir(askpass_dir, 0700) != 0 ||
	    setenv("ASKPASS_DIR", askpass_dir, 1) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/askpass", dir);
	write_file(p, "#!/bin/sh\n"
	    "echo $$ >>\"$ASKPASS_DIR/calls\"\n"
	    "case $(cat \"$ASKPASS_DIR/answer\") in\n"
	    "yes) exit 0 ;;\n"
	    "after*) sleep 1; exit 0 ;;\n"
	    "sleep) exec sleep 600 ;;\n"
	    "*) exit 1 ;;\n"
	    "esac\n", 0755);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * --code, the monitor's side of the order (the e2e test cannot get past
 * libssh to break it): an answer before an accepted key kills the
 * network process; a session request before the right code gets no
 * question; wrong answers are counted per connection (a fourth on one
 * connection kills it) and in all (the fifth burns the code); never a
 * code in the transcript.
 */
static void
test_code_order(void **state)
{
	struct world w;
	int h1, h2, h3, calls = askpass_calls();

	(void)state;
	answer("yes");
	with_code = true;
	start(&w, 1, 5);
	with_code = false;
	h1 = helper(&w);
	say(h1, "code 12345678");
	closed(h1);
	h2 = helper(&w);
	say(h2, "auth alice");
	say(h2, "req view");
	expect_prefix(h2, "deny refused the one-time code was not given");
	assert_int_equal(askpass_calls(), calls);
	/* "x" is never the code (8 digits). */
	say(h2, "code x");
	expect_prefix(h2, "code wrong 2");
	say(h2, "code 1234-x");
	expect_prefix(h2, "code wrong 1");
	say(h2, "code x");
	expect_prefix(h2, "code wrong 0");
	say(h2, "code x");
	closed(h2);
	h3 = helper(&w);
	say(h3, "auth bob");
	say(h3, "code x");
	expect_prefix(h3, "code wrong 1");
	say(h3, "code x");
	expect_prefix(h3, "code wrong 0");
	say(h3, "code x");
	expect_prefix(h3, "code wrong 0");
	assert_int_equal(finish(&w, true), ASSISTD_EXIT_OK);
	assert_int_equal(tlines(&w, "event=code.new", "tries_total=5"), 1);
	assert_int_equal(tlines(&w, "event=code.try", "result=wrong"), 5);
	assert_int_equal(tlines(&w, "event=code.try", "result=burned"), 1);
	assert_int_equal(tlines(&w, "event=code.try", "1234"), 0);
	assert_int_equal(tlines(&w, "event=session.start", NULL), 0);
	close(h3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow),
		cmocka_unit_test(test_withdraw_busy_order),
		cmocka_unit_test(test_helper_leaves),
		cmocka_unit_test(test_code_order),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
