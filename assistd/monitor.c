/* monitor: assistd's main process; see monitor.h and ARCHITECTURE.md. */
#include "assistd/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assistd/audit.h"
#include "assistd/consent.h"
#include "assistd/net.h"
#include "assistd/otp.h"
#include "common/cert.h"
#include "common/clock.h"
#include "common/ipc.h"
#include "common/log.h"

#define MONITOR_MAX_CHILDREN	64	/* hard cap on network processes */
#define MONITOR_GRACE_SLACK_MS	5000	/* after the child's own timer */
#define MONITOR_STOP_MS		3000	/* from SHUTDOWN to SIGKILL */
#define MONITOR_TICK_MS		1000	/* longest poll sleep */
#define MONITOR_WHY_MAX		256	/* why the monitor stops */
#define MONITOR_REFUSED_TRANSCRIPT \
	"the user's session transcript cannot be written"
#define MONITOR_MSG_BUSY	"the user is busy with another helper"
#define MONITOR_MSG_REFUSED	"the user refused"
#define MONITOR_MSG_TIMEOUT	"the user did not answer in time"
#define MONITOR_MSG_STOPPING	"assistd is shutting down"
#define MONITOR_MSG_NOASK	"assistd could not ask the user"
#define MONITOR_MSG_USER_ENDED	"session ended by the user"
#define MONITOR_SAY_MAX		512	/* a line for the user's terminal */
#define MONITOR_NPFD	(1 + LISTEN_MAX + 2 + MONITOR_EXT_MAX + \
			 MONITOR_MAX_CHILDREN)	/* poll set */

/* Why the monitor stops: decides session.end's reason. */
enum monitor_stop {
	MONITOR_STOP_SIGNAL,	/* the user stopped assistd */
	MONITOR_STOP_WAIT,	/* --wait passed without a session */
	MONITOR_STOP_DONE,	/* the session is over */
	MONITOR_STOP_TRANSCRIPT,/* a transcript line could not be written */
	MONITOR_STOP_ERROR,	/* the monitor itself failed */
};

/* A question about a connection: none, waiting its turn, or on the
 * user's screen (one at a time). */
enum child_ask { ASK_NONE = 0, ASK_QUEUED, ASK_ON_SCREEN };

struct child {
	pid_t pid;		/* 0: free slot */
	struct ipc ipc;
	unsigned conn;		/* conn= in the transcript */
	char peer[128];		/* "ADDR port N" */
	long long started_ms;
	bool authed;		/* sent an accepted IPC_AUTH_RESULT */
	bool session;		/* was granted the session */
	bool reaped;
	bool ipc_eof;
	/* helper= of the accepted identity, as received (escaped) */
	char helper[AUDIT_HELPER_MAX + 1];
	char addr[NI_MAXHOST];	/* numeric source address */
	struct ipc_auth_result id;	/* the accepted identity (owned) */
	/* the question about it */
	enum child_ask ask;
	unsigned long long ask_seq;	/* queue order */
	bool ask_later;		/* a control request in a live session */
	uint8_t want_mode;	/* requested mode */
	char reason[IPC_MAX_STR + 1];	/* the helper's, as received */
	char code[CONSENT_CODE_DIGITS + 1];	/* verification code */
	int mode_asks;		/* control requests put to the user */
	uint8_t mode;		/* the session's mode, once granted */
	bool user_ended;	/* the user ended it (IPC_SHUTDOWN sent) */
	long long user_end_ms;	/* when: the child has MONITOR_STOP_MS */
	long long session_ms;	/* when the session was granted */
	bool session_ended;	/* session.end written (or tried) */
	/* IPC_CLOSED, when it came: why (as received), how, bytes */
	bool closed;
	bool close_failed;
	char close_reason[IPC_MAX_STR + 1];
	uint64_t bytes_in, bytes_out;
	/* --code: wrong answers this connection may still give, and
	 * whether it gave the right one */
	int otp_left;
	bool otp_ok;
};

struct monitor {
	const struct assistd_opts *o;
	const int *lfds;
	int nl;
	ssh_key hostkey;
	const char *user;
	const struct policy *policy;
	struct child kids[MONITOR_MAX_CHILDREN];
	int sessions_live;
	int sessions_done;
	long long start_ms;
	long long stop_ms;	/* when stopping began, 0 if not */
	int status;		/* ASSISTD_EXIT_* once stopping */
	enum monitor_stop stop_cause;
	char stop_why[MONITOR_WHY_MAX];	/* for assistd.stop */
	struct transcript *tr;
	unsigned nconns;	/* connections numbered so far */
	struct otp otp;		/* --code: the one-time code */
	struct consent *k;	/* how the user is asked */
	unsigned long long ask_seq;	/* questions queued so far */
	struct child *asked;	/* whose question is on the screen */
	/* A question is on the screen: helper input is suspended (see
	 * monitor_input_suspended). */
	bool input_suspended;
	bool rotate_due;	/* persist: a new transcript file is due */
	unsigned served;	/* sessions granted so far */
};

static int monitor_sigpipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	(void)!write(monitor_sigpipe[1], &c, 1);
	errno = saved;
}

static int
signals_setup(void)
{
	struct sigaction sa;
	int i;
	static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };

	if (pipe(monitor_sigpipe) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(monitor_sigpipe[i], F_SETFL, O_NONBLOCK);
		fcntl(monitor_sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < (int)(sizeof(sigs) / sizeof(sigs[0])); i++)
		if (sigaction(sigs[i], &sa, NULL) != 0)
			return -1;
	signal(SIGPIPE, SIG_IGN);
	/* The question is asked on the terminal: as a background job,
	 * reading it fails with EIO (consent.c retries) instead of
	 * stopping the whole monitor. */
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	return 0;
}

/* In a new child: signals back to their defaults (SIGPIPE stays off). */
static void
signals_reset(void)
{
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGTTOU, SIG_DFL);
	signal(SIGTTIN, SIG_DFL);
	close(monitor_sigpipe[0]);
	close(monitor_sigpipe[1]);
}

/* Fully in: the key accepted and, with --code, the one-time code. */
static bool
child_in(const struct monitor *m, const struct child *c)
{
	return c->authed && (!m->o->code || c->otp_ok);
}

static int
count_children(const struct monitor *m, bool unauth_only)
{
	int i, n = 0;

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		const struct child *c = &m->kids[i];

		if (c->pid != 0 && !c->reaped &&
		    (!unauth_only || !child_in(m, c)))
			n++;
	}
	return n;
}

static struct child *
find_child(struct monitor *m, pid_t pid)
{
	int i;

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++)
		if (m->kids[i].pid == pid)
			return &m->kids[i];
	return NULL;
}

static void
child_kill(struct child *c, const char *why)
{
	if (c->reaped)
		return;
	log_error("%s: ending network process %d: %s", c->peer, (int)c->pid,
	    why);
	kill(c->pid, SIGKILL);
}

/* Queues IPC_SESSION_DENY or IPC_SHUTDOWN: kind (ipc_end) and text. */
static int
monitor_send_end(struct child *c, uint8_t type, uint8_t kind,
		 const char *text)
{
	struct ipc_ctl m = { .kind = kind, .text = (char *)text };

	return ipc_send_ctl(&c->ipc, type, &m);
}

static bool ask_cancel(struct monitor *m, struct child *c, const char *why);

static void
begin_stop(struct monitor *m, enum monitor_stop cause, int status,
	   const char *why)
{
	int i;

	if (m->stop_ms != 0)
		return;
	m->stop_ms = clock_now_ms();
	m->status = status;
	m->stop_cause = cause;
	snprintf(m->stop_why, sizeof(m->stop_why), "%s", why);
	log_info("%s", why);
	/* No question outlives assistd (each child is told below). */
	for (i = 0; i < MONITOR_MAX_CHILDREN; i++)
		if (m->kids[i].pid != 0)
			(void)ask_cancel(m, &m->kids[i],
			    "assistd is stopping");
	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		struct child *c = &m->kids[i];

		if (c->pid == 0 || c->reaped || c->ipc_eof)
			continue;
		if (monitor_send_end(c, IPC_SHUTDOWN,
		    cause == MONITOR_STOP_TRANSCRIPT ? IPC_END_TRANSCRIPT :
		    IPC_END_SHUTDOWN, why) != BUF_OK)
			child_kill(c, "cannot queue shutdown");
	}
}

/*
 * After a transcript line could not be written (r != 0): fail closed.
 * Every connection is told why and ends, and assistd exits with an
 * error, saying on the user's terminal which file and why.
 */
static void
monitor_audited(struct monitor *m, int r)
{
	if (r == 0 || m->stop_cause == MONITOR_STOP_TRANSCRIPT)
		return;
	log_error("%s; ending every connection", transcript_error(m->tr));
	if (m->stop_ms != 0) {
		/* Already stopping: the end is not recorded, so it failed. */
		m->stop_cause = MONITOR_STOP_TRANSCRIPT;
		m->status = ASSISTD_EXIT_ERROR;
		return;
	}
	begin_stop(m, MONITOR_STOP_TRANSCRIPT, ASSISTD_EXIT_ERROR,
	    AUDIT_FAILED_REASON);
}

/* Extensions redraw: sessions, modes or questions changed. */
static void
notify_ext(struct monitor *m)
{
	int i;

	for (i = 0; i < MONITOR_EXT_MAX; i++) {
		const struct monitor_ext *x = m->o->ext[i];

		if (x != NULL && x->changed != NULL)
			x->changed(m, x->ud);
	}
}

/* A line for the user's terminal (nothing with askpass). */
static void __attribute__((format(printf, 2, 3)))
say(struct monitor *m, const char *fmt, ...)
{
	char t[MONITOR_SAY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	consent_say(m->k, t);
}

/* The helper's name for the terminal: unescaped, escaped for display. */
static const char *
helper_show(const struct child *c, char *out, size_t show)
{
	char raw[AUDIT_HELPER_MAX + 1];
	size_t n = log_unescape(raw, sizeof(raw), c->helper);

	return consent_escape(out, show, raw, n);
}

/* Questions queued or on the screen. */
static int
questions_pending(const struct monitor *m)
{
	int i, n = 0;

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++)
		if (m->kids[i].pid != 0 && m->kids[i].ask != ASK_NONE)
			n++;
	return n;
}

/* Tells a child that asked for a session: no (kind, text), recorded. */
static void
deny(struct monitor *m, struct child *c, uint8_t kind, const char *text)
{
	log_info("%s: session refused: %s", c->peer, text);
	monitor_audited(m, audit_session(m->tr, c->conn, c->helper, text, 0));
	if (monitor_send_end(c, IPC_SESSION_DENY, kind, text) != BUF_OK)
		child_kill(c, "cannot queue reply");
}

/* The user said yes: session.start first (no session the transcript
 * does not hold), then the grant. */
static void
grant(struct monitor *m, struct child *c, uint8_t mode)
{
	struct ipc_ctl g = { .mode = mode };
	char h[CONSENT_ID_SHOW + 1];

	if (audit_session(m->tr, c->conn, c->helper, NULL, mode) != 0) {
		log_info("%s: session refused: %s", c->peer,
		    MONITOR_REFUSED_TRANSCRIPT);
		if (monitor_send_end(c, IPC_SESSION_DENY, IPC_END_TRANSCRIPT,
		    MONITOR_REFUSED_TRANSCRIPT) != BUF_OK)
			child_kill(c, "cannot queue reply");
		monitor_audited(m, -1);
		return;
	}
	c->session = true;
	c->mode = mode;
	c->session_ms = clock_now_ms();
	m->sessions_live++;
	m->served++;
	log_info("%s: session started (%s)", c->peer, ipc_mode_name(mode));
	if (ipc_send_ctl(&c->ipc, IPC_SESSION_GRANT, &g) != BUF_OK)
		child_kill(c, "cannot queue reply");
	say(m, "assistd: session started with \"%s\" (connection %u), %s. "
	    "Type e Enter to end it%s.", helper_show(c, h, CONSENT_ID_SHOW),
	    c->conn, mode == IPC_MODE_CONTROL ? "view and control" :
	    "view only", mode == IPC_MODE_CONTROL ?
	    ", v Enter to take control back (view only)" : "");
}

/* Tells the child its mode (IPC_MODE); view by the user also answers a
 * pending control request as refused. */
static void
send_mode(struct child *c, uint8_t mode, uint8_t by)
{
	struct ipc_ctl x = { .mode = mode, .kind = by };

	if (ipc_send_ctl(&c->ipc, IPC_MODE, &x) != BUF_OK)
		child_kill(c, "cannot queue mode");
}

/* The answer to a control request of a live session. */
static void
mode_answered(struct monitor *m, struct child *c, enum consent_answer a)
{
	char h[CONSENT_ID_SHOW + 1];

	if (!c->session || c->session_ended || c->user_ended)
		return;
	if (a != CONSENT_CONTROL) {
		log_info("%s: control refused (%s)", c->peer,
		    consent_answer_name(a));
		send_mode(c, IPC_MODE_VIEW, IPC_BY_USER);
		return;
	}
	c->mode = IPC_MODE_CONTROL;
	log_info("%s: control granted", c->peer);
	monitor_audited(m, audit_mode_change(m->tr, c->conn, c->helper,
	    IPC_MODE_CONTROL, "helper"));
	send_mode(c, IPC_MODE_CONTROL, IPC_BY_HELPER);
	say(m, "assistd: \"%s\" (connection %u) now has control. Type v "
	    "Enter to take it back, e Enter to end the session.",
	    helper_show(c, h, CONSENT_ID_SHOW), c->conn);
}

/* The user's answer a (how) to c's question: recorded, then acted on. */
static void
answered(struct monitor *m, struct child *c, enum consent_answer a,
	 enum consent_how how)
{
	int r;

	log_info("%s: the user's answer: %s (%s)", c->peer,
	    consent_answer_name(a), consent_how_name(how));
	r = audit_consent_answer(m->tr, c->conn, c->helper,
	    consent_answer_name(a), consent_how_name(how));
	monitor_audited(m, r);
	if (r != 0)
		return;		/* every connection is being ended */
	if (c->ask_later)
		mode_answered(m, c, a);
	else if (a == CONSENT_CONTROL || a == CONSENT_VIEW)
		grant(m, c, a == CONSENT_VIEW ? IPC_MODE_VIEW : c->want_mode);
	else if (a == CONSENT_TIMEOUT)
		deny(m, c, IPC_END_TIMEOUT, MONITOR_MSG_TIMEOUT);
	else
		deny(m, c, IPC_END_REFUSED, MONITOR_MSG_REFUSED);
}

/* Puts the oldest queued question on the screen, when none is. */
static void
ask_next(struct monitor *m)
{
	struct consent_question q;
	struct audit_ask aa;
	struct ipc_ctl w;
	struct child *c;
	char text[CONSENT_TEXT_MAX], err[256];
	int i, r;

	while (m->stop_ms == 0 && m->asked == NULL) {
		for (c = NULL, i = 0; i < MONITOR_MAX_CHILDREN; i++) {
			struct child *x = &m->kids[i];

			if (x->pid != 0 && x->ask == ASK_QUEUED &&
			    (c == NULL || x->ask_seq < c->ask_seq))
				c = x;
		}
		if (c == NULL)
			return;
		memset(&q, 0, sizeof(q));
		q.id = &c->id;
		q.src = c->addr;
		q.conn = c->conn;
		q.mode = c->want_mode;
		q.later = c->ask_later;
		q.reason = c->reason;
		q.code = c->ask_later ? NULL : c->code;
		q.timeout_secs = m->o->consent_secs;
		q.how = consent_how(m->k);
		(void)consent_format(&q, text, sizeof(text));
		memset(&aa, 0, sizeof(aa));
		aa.conn = c->conn;
		aa.helper = c->helper;
		aa.mode = c->want_mode;
		aa.later = c->ask_later;
		aa.reason = c->reason;
		aa.code = q.code;
		aa.how = consent_how_name(q.how);
		/* Recorded before it is asked: no question the transcript
		 * does not hold. */
		if ((r = audit_consent_ask(m->tr, &aa)) != 0) {
			c->ask = ASK_NONE;
			log_info("%s: session refused: %s", c->peer,
			    MONITOR_REFUSED_TRANSCRIPT);
			if (!c->ask_later && monitor_send_end(c,
			    IPC_SESSION_DENY, IPC_END_TRANSCRIPT,
			    MONITOR_REFUSED_TRANSCRIPT) != BUF_OK)
				child_kill(c, "cannot queue reply");
			monitor_audited(m, r);
			return;
		}
		/* Logged first: on a terminal the question ends the output
		 * (its prompt waits for the answer on that line). */
		log_info("%s: asking the user (%s): %s%s%s", c->peer,
		    consent_how_name(q.how), c->ask_later ? "control" :
		    ipc_mode_name(c->want_mode), q.code ? ", code " : "",
		    q.code ? q.code : "");
		if (consent_ask(m->k, text, c->want_mode == IPC_MODE_CONTROL,
		    !c->ask_later, clock_now_ms(), err, sizeof(err)) != 0) {
			log_error("%s: cannot ask the user: %s", c->peer, err);
			c->ask = ASK_NONE;
			monitor_audited(m, audit_consent_answer(m->tr, c->conn,
			    c->helper, "error", consent_how_name(q.how)));
			if (c->ask_later)
				mode_answered(m, c, CONSENT_REFUSED);
			else
				deny(m, c, IPC_END_ERROR, MONITOR_MSG_NOASK);
			continue;
		}
		c->ask = ASK_ON_SCREEN;
		m->asked = c;
		m->input_suspended = true;
		if (!c->ask_later) {
			memset(&w, 0, sizeof(w));
			w.num = (uint32_t)m->o->consent_secs;
			w.text = c->code;
			w.text2 = (char *)m->user;
			if (ipc_send_ctl(&c->ipc, IPC_CONSENT_WAIT, &w) !=
			    BUF_OK)
				child_kill(c, "cannot queue consent wait");
		}
		notify_ext(m);
	}
}

/* The answer came (terminal line, askpass exit, deadline): act on it,
 * then the next question. */
static void
on_answer(struct monitor *m)
{
	enum consent_how how;
	enum consent_answer a;
	struct child *c = m->asked;

	if ((a = consent_take_answer(m->k, &how)) == CONSENT_PENDING)
		return;
	m->asked = NULL;
	m->input_suspended = false;
	if (c != NULL) {
		c->ask = ASK_NONE;
		answered(m, c, a, how);
	}
	notify_ext(m);
	ask_next(m);
}

/*
 * Removes c's question: a queued one silently, the one on the screen
 * withdrawn (askpass killed, the terminal told why) and recorded. An
 * answer that came just before is recorded as it was, and not acted on.
 * True when there was one. The caller tells the child what it must
 * know, and calls ask_next.
 */
static bool
ask_cancel(struct monitor *m, struct child *c, const char *why)
{
	enum consent_how how = consent_how(m->k);
	enum consent_answer a;

	if (c->ask == ASK_QUEUED) {
		c->ask = ASK_NONE;
		return true;
	}
	if (c->ask != ASK_ON_SCREEN)
		return false;
	consent_withdraw(m->k, why);
	a = consent_take_answer(m->k, &how);
	c->ask = ASK_NONE;
	m->asked = NULL;
	m->input_suspended = false;
	log_info("%s: question withdrawn: %s", c->peer, why);
	monitor_audited(m, audit_consent_answer(m->tr, c->conn, c->helper,
	    consent_answer_name(a == CONSENT_PENDING ? CONSENT_WITHDRAWN : a),
	    consent_how_name(how)));
	notify_ext(m);
	return true;
}

/* One-time code and similar checks hook in here (the otp helper): a
 * connection that may not be asked about gets *why and no question. */
static bool
session_gate(struct monitor *m, struct child *c, const char **why)
{
	/* --code: the network process asks for a session only after the
	 * right code (libssh opens no channel before); one that does
	 * anyway gets no question. */
	if (!child_in(m, c)) {
		*why = "the one-time code was not given";
		return false;
	}
	return true;
}

/* Runs in the forked child: becomes the network process. */
static void
child_main(struct monitor *m, int sock, int ipc_fd, const char *peer,
	   const char *addr)
{
	struct net_params p;

	signals_reset();
	memset(&p, 0, sizeof(p));
	p.sock = sock;
	p.ipc_fd = ipc_fd;
	p.hostkey = m->hostkey;
	p.peer = peer;
	p.user = m->user;
	p.peer_addr = addr;
	p.policy = m->policy;
	p.login_grace_secs = m->o->login_grace_secs;
	p.max_auth_tries = m->o->max_auth_tries;
	p.host_cert = m->o->host_cert;
	p.host_cert_len = m->o->host_cert_len;
	p.code_required = m->o->code;
	_exit(m->o->serve != NULL ? m->o->serve(&p) : net_main(&p));
}

static struct child *
free_slot(struct monitor *m)
{
	int i;

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++)
		if (m->kids[i].pid == 0)
			return &m->kids[i];
	return NULL;
}

/* Starts the network process for sock. NULL when it could not (sock is
 * closed either way; the reason is logged). */
static struct child *
child_start(struct monitor *m, int sock, const char *peer, const char *addr,
	    unsigned conn)
{
	struct child *c = free_slot(m);
	int sv[2];
	pid_t pid;

	if (c == NULL) {
		log_error("%s: dropped: no free slot", peer);
		close(sock);
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		log_error("%s: dropped: socketpair: %s", peer, strerror(errno));
		close(sock);
		return NULL;
	}
	if ((pid = fork()) < 0) {
		log_error("%s: dropped: fork: %s", peer, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		close(sock);
		return NULL;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(m, sock, sv[1], peer, addr);
	}
	close(sv[1]);
	close(sock);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->conn = conn;
	c->otp_left = OTP_TRIES_CONN;
	ipc_init(&c->ipc, sv[0]);
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
	c->started_ms = clock_now_ms();
	log_info("connection from %s: network process %d", peer, (int)pid);
	return c;
}

static void
peer_name(const struct sockaddr_storage *ss, socklen_t len, char *out,
	  size_t outsz)
{
	char a[96], *colon;

	listen_format((const struct sockaddr *)ss, len, a, sizeof(a));
	/* "ADDR:PORT" / "[ADDR]:PORT" -> "ADDR port PORT", as sshd logs. */
	colon = strrchr(a, ':');
	if (colon == NULL) {
		snprintf(out, outsz, "%s", a);
		return;
	}
	*colon = '\0';
	if (a[0] == '[' && colon > a && colon[-1] == ']') {
		colon[-1] = '\0';
		snprintf(out, outsz, "%s port %s", a + 1, colon + 1);
	} else {
		snprintf(out, outsz, "%s port %s", a, colon + 1);
	}
}

static void
accept_one(struct monitor *m, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char peer[128], addr[NI_MAXHOST], port[NI_MAXSERV], why[128];
	unsigned conn;
	int fd, one = 1;

	fd = accept(lfd, (struct sockaddr *)&ss, &len);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			log_error("accept: %s", strerror(errno));
		return;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* libssh's server leaves Nagle on: small packets (re-key, input
	 * events) would wait ~40 ms for a delayed ACK. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	peer_name(&ss, len, peer, sizeof(peer));
	/* The numeric address alone, for from= and source-address. */
	if (getnameinfo((struct sockaddr *)&ss, len, addr, sizeof(addr), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		log_error("%s: dropped: no numeric address", peer);
		close(fd);
		return;
	}
	if (m->stop_ms != 0 || (!m->o->persist && m->sessions_done > 0)) {
		close(fd);
		return;
	}
	/* Recorded before anything is done for it: a connection the
	 * transcript cannot hold is not served. */
	conn = ++m->nconns;
	if (audit_conn_open(m->tr, conn, addr, port) != 0) {
		close(fd);
		monitor_audited(m, -1);
		return;
	}
	if (count_children(m, true) >= m->o->max_startups ||
	    count_children(m, false) >= m->o->max_startups +
	    m->o->max_helpers) {
		snprintf(why, sizeof(why), "dropped: too many unauthenticated "
		    "connections (max-startups %d)", m->o->max_startups);
		log_info("%s: %s", peer, why);
		close(fd);
	} else if (child_start(m, fd, peer, addr, conn) == NULL) {
		snprintf(why, sizeof(why), "dropped: no network process");
	} else {
		return;
	}
	monitor_audited(m, audit_conn_close(m->tr, conn, why, 0));
}

/*
 * Text from the network process for the log: the policy there already
 * escaped what it took from the helper (backslash escapes included), so
 * printable ASCII is kept as is and anything else is escaped again:
 * the network process is not trusted.
 */
static void
auth_text(char *dst, size_t dstsz, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			break;
	if (*p == '\0' && (size_t)(p - (const unsigned char *)s) < dstsz)
		snprintf(dst, dstsz, "%s", s);
	else
		log_sanitize(dst, dstsz, s, strlen(s));
}

/* The certificate part of an accepted helper's log line, every string
 * escaped again (the network process is not trusted). */
static void
auth_identity(const struct ipc_auth_result *r, char *out, size_t outsz)
{
	char id[256], pr[512], ca[128], cafp[96], va[40], vb[40];

	out[0] = '\0';
	if (!r->is_cert)
		return;
	auth_text(id, sizeof(id), r->key_id);
	auth_text(pr, sizeof(pr), r->principals);
	auth_text(ca, sizeof(ca), r->ca_name);
	auth_text(cafp, sizeof(cafp), r->ca_fp);
	cert_format_time(r->valid_after, va, sizeof(va));
	cert_format_time(r->valid_before, vb, sizeof(vb));
	snprintf(out, outsz, ", certificate key ID \"%s\", principals %s, "
	    "serial %llu, CA \"%s\" %s, valid %s to %s%s%s", id, pr,
	    (unsigned long long)r->serial, ca, cafp, va, vb,
	    r->flags & IPC_AUTH_F_NO_TOUCH ? ", no-touch-required" : "",
	    r->flags & IPC_AUTH_F_VERIFY ? ", verify-required" : "");
}

static void
on_auth_result(struct monitor *m, struct child *c, struct buf *body)
{
	struct ipc_auth_result r;
	char user[128], type[64], fp[128], why[1024], ident[1200];

	if (ipc_decode_auth_result(body, &r) != BUF_OK) {
		child_kill(c, "malformed authentication message");
		return;
	}
	auth_text(user, sizeof(user), r.user);
	auth_text(type, sizeof(type), r.key_type);
	auth_text(fp, sizeof(fp), r.key_fp);
	auth_text(why, sizeof(why), r.reason);
	auth_identity(&r, ident, sizeof(ident));
	if (!r.accepted) {
		log_info("%s: authentication refused for user %s, %s key %s: "
		    "%s", c->peer, user, type, fp, why);
		monitor_audited(m, audit_auth(m->tr, c->conn, &r));
	} else if (c->authed) {
		child_kill(c, "authenticated twice");
	} else {
		c->authed = true;
		audit_helper(&r, c->helper, sizeof(c->helper));
		log_info("%s: helper authenticated as user %s with %s key %s%s",
		    c->peer, user, type, fp, ident);
		monitor_audited(m, audit_auth(m->tr, c->conn, &r));
		c->id = r;	/* kept for the question */
		return;
	}
	ipc_auth_result_free(&r);
}

/* What the user reads on the terminal about one answer. */
static void
code_say(const struct child *c, enum otp_result r, unsigned left,
	 bool burned_now)
{
	switch (r) {
	case OTP_OK:
		log_info("%s: one-time code right", c->peer);
		break;
	case OTP_WRONG:
		log_info("%s: one-time code wrong (%u more %s on this "
		    "connection)", c->peer, left, left == 1 ? "try" : "tries");
		break;
	default:
		log_info("%s: one-time code refused: %s", c->peer,
		    r == OTP_REUSED ? "it was used already" :
		    r == OTP_EXPIRED ? "it expired" : "it is burned");
		break;
	}
	if (burned_now)
		log_error("the one-time code is burned after %d wrong "
		    "answers: no helper can get in with it; start assistd "
		    "again for a new code", OTP_TRIES_TOTAL);
}

/*
 * IPC_CODE_CHECK: one answer to the one-time code, from a helper whose
 * key was accepted. The answer is compared here, never sent back, never
 * logged; code.try records the result only. A transcript that cannot
 * hold the try refuses it.
 */
static void
on_code_check(struct monitor *m, struct child *c, struct buf *body)
{
	struct ipc_ctl q, r = { .mode = 0 };
	enum otp_result res;
	bool burned = m->otp.burned;
	unsigned left;

	if (ipc_decode_ctl(body, IPC_CODE_CHECK, &q) != BUF_OK) {
		child_kill(c, "malformed one-time code message");
		return;
	}
	if (!m->o->code || !c->authed || c->otp_ok || c->otp_left <= 0) {
		explicit_bzero(q.text, strlen(q.text));
		ipc_ctl_free(&q);
		child_kill(c, "one-time code out of order");
		return;
	}
	res = otp_check(&m->otp, &c->otp_left, q.text, clock_now_ms(),
	    &left);
	explicit_bzero(q.text, strlen(q.text));
	ipc_ctl_free(&q);
	code_say(c, res, left, !burned && m->otp.burned);
	if (audit_code_try(m->tr, c->conn, c->helper, otp_result_name(res),
	    left) != 0) {
		monitor_audited(m, -1);
		res = OTP_WRONG;
		left = 0;
	}
	c->otp_ok = res == OTP_OK;
	r.kind = c->otp_ok ? 1 : 0;
	r.num = left;
	if (ipc_send_ctl(&c->ipc, IPC_CODE_RESULT, &r) != BUF_OK)
		child_kill(c, "cannot queue reply");
}

static void
on_session_request(struct monitor *m, struct child *c, struct buf *body)
{
	struct ipc_ctl req;
	const char *why = NULL;

	if (ipc_decode_ctl(body, IPC_SESSION_REQUEST, &req) != BUF_OK) {
		child_kill(c, "malformed session request");
		return;
	}
	c->want_mode = req.mode;
	snprintf(c->reason, sizeof(c->reason), "%s", req.text);
	ipc_ctl_free(&req);
	if (!c->authed || c->session || c->ask != ASK_NONE) {
		child_kill(c, "session request out of order");
		return;
	}
	if (m->stop_ms != 0 || (!m->o->persist && m->sessions_done > 0))
		deny(m, c, IPC_END_SHUTDOWN, MONITOR_MSG_STOPPING);
	else if (!session_gate(m, c, &why))
		deny(m, c, IPC_END_REFUSED, why);
	else if (m->sessions_live + questions_pending(m) >= m->o->max_helpers)
		deny(m, c, IPC_END_BUSY, MONITOR_MSG_BUSY);	/* not asked */
	else if (consent_code(c->code) != 0) {
		log_error("%s: no verification code: %s", c->peer,
		    strerror(errno));
		deny(m, c, IPC_END_ERROR, MONITOR_MSG_NOASK);
	} else {
		c->ask = ASK_QUEUED;
		c->ask_later = false;
		c->ask_seq = ++m->ask_seq;
		ask_next(m);
	}
}

/* A viewing helper asks for control: the user is asked again (at most
 * MONITOR_MODE_ASKS times a session: a helper cannot nag). */
static void
on_mode_request(struct monitor *m, struct child *c, struct buf *body)
{
	struct ipc_ctl req;

	if (ipc_decode_ctl(body, IPC_MODE_REQUEST, &req) != BUF_OK) {
		child_kill(c, "malformed mode request");
		return;
	}
	ipc_ctl_free(&req);
	if (!c->session) {
		child_kill(c, "mode request out of order");
		return;
	}
	if (c->session_ended || c->user_ended || m->stop_ms != 0 ||
	    c->ask != ASK_NONE)
		return;		/* ending, or already asked */
	if (c->mode == IPC_MODE_CONTROL) {
		send_mode(c, IPC_MODE_CONTROL, IPC_BY_HELPER);
		return;
	}
	if (c->mode_asks >= MONITOR_MODE_ASKS) {
		log_info("%s: control refused without asking: asked %d times "
		    "already", c->peer, c->mode_asks);
		send_mode(c, IPC_MODE_VIEW, IPC_BY_USER);
		return;
	}
	c->mode_asks++;
	c->want_mode = IPC_MODE_CONTROL;
	c->ask = ASK_QUEUED;
	c->ask_later = true;
	c->ask_seq = ++m->ask_seq;
	ask_next(m);
}

/* session.end's reason: the monitor's own when it ended the session,
 * else how the network process said it ended. */
static enum audit_end_reason
end_reason(const struct monitor *m, const struct child *c)
{
	if (c->user_ended)
		return AUDIT_END_USER_ENDED;
	if (m->stop_ms != 0) {
		switch (m->stop_cause) {
		case MONITOR_STOP_SIGNAL:
			return AUDIT_END_USER_ENDED;
		case MONITOR_STOP_WAIT:
			return AUDIT_END_TIMEOUT;
		case MONITOR_STOP_TRANSCRIPT:
			return AUDIT_END_TRANSCRIPT;
		case MONITOR_STOP_ERROR:
			return AUDIT_END_ERROR;
		case MONITOR_STOP_DONE:
			break;
		}
	}
	return !c->closed || c->close_failed ? AUDIT_END_ERROR :
	    AUDIT_END_HELPER_LEFT;
}

/* session.end, once, for a child that had the session; detail is what
 * the network process said, or the monitor's word when it said nothing. */
static void
session_end(struct monitor *m, struct child *c, const char *detail)
{
	struct audit_end e;

	if (!c->session || c->session_ended)
		return;
	c->session_ended = true;
	memset(&e, 0, sizeof(e));
	e.conn = c->conn;
	e.helper = c->helper;
	e.reason = end_reason(m, c);
	e.detail = c->closed ? c->close_reason : detail;
	e.duration_ms = clock_now_ms() - c->session_ms;
	e.bytes_known = c->closed;
	e.bytes_in = c->bytes_in;
	e.bytes_out = c->bytes_out;
	monitor_audited(m, audit_session_end(m->tr, &e));
}

static void
on_closed(struct monitor *m, struct child *c, struct buf *body)
{
	struct ipc_closed cl;
	char why[256];

	if (ipc_decode_closed(body, &cl) != BUF_OK || c->closed) {
		if (c->closed)
			ipc_closed_free(&cl);
		child_kill(c, "malformed or repeated close message");
		return;
	}
	log_sanitize(why, sizeof(why), cl.reason, IPC_MAX_STR);
	log_info("%s: connection closed: %s", c->peer, why);
	c->closed = true;
	c->close_failed = cl.failed != 0;
	snprintf(c->close_reason, sizeof(c->close_reason), "%s", cl.reason);
	c->bytes_in = cl.bytes_in;
	c->bytes_out = cl.bytes_out;
	ipc_closed_free(&cl);
	if (ask_cancel(m, c, "the helper left"))
		ask_next(m);
	session_end(m, c, NULL);
	notify_ext(m);
}

static void
child_message(struct monitor *m, struct child *c, uint8_t type,
	      struct buf *body)
{
	switch (type) {
	case IPC_AUTH_RESULT:
		on_auth_result(m, c, body);
		break;
	case IPC_SESSION_REQUEST:
		on_session_request(m, c, body);
		break;
	case IPC_MODE_REQUEST:
		on_mode_request(m, c, body);
		break;
	case IPC_CLOSED:
		on_closed(m, c, body);
		break;
	case IPC_CODE_CHECK:
		on_code_check(m, c, body);
		break;
	default:
		child_kill(c, "unknown message type");
		break;
	}
}

/* Reads and handles everything the child sent; notes EOF. */
static void
child_read(struct monitor *m, struct child *c)
{
	struct buf body;
	uint8_t type;
	int r;

	for (;;) {
		r = ipc_read(&c->ipc);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			c->ipc_eof = true;
			break;
		}
		if (r < 0)
			break;
		while ((r = ipc_next(&c->ipc, &type, &body)) == 1)
			child_message(m, c, type, &body);
		if (r < 0) {
			child_kill(c, "oversized or empty message");
			c->ipc_eof = true;
			break;
		}
	}
}

/* The network process is gone (how: its exit, in words): the end of
 * its session and connection go to the transcript, the slot is freed. */
static void
child_release(struct monitor *m, struct child *c, const char *how)
{
	char h[CONSENT_ID_SHOW + 1];
	bool asked = ask_cancel(m, c, "the helper left");

	session_end(m, c, how);
	monitor_audited(m, audit_conn_close(m->tr, c->conn, c->closed ?
	    c->close_reason : how, clock_now_ms() - c->started_ms));
	if (c->session) {
		m->sessions_live--;
		m->sessions_done++;
		m->rotate_due = m->o->persist;
		log_info("%s: session ended", c->peer);
		say(m, "assistd: the session with \"%s\" (connection %u) "
		    "ended%s.", helper_show(c, h, CONSENT_ID_SHOW), c->conn,
		    c->user_ended ? " (you ended it)" : "");
	}
	close(c->ipc.fd);
	ipc_free(&c->ipc);
	ipc_auth_result_free(&c->id);
	memset(c, 0, sizeof(*c));
	if (asked)
		ask_next(m);
	notify_ext(m);
}

static void
reap_children(struct monitor *m)
{
	struct child *c;
	char how[96];
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((c = find_child(m, pid)) == NULL) {
			/* An askpass (it may answer the question). */
			(void)consent_reaped(m->k, pid, status);
			continue;
		}
		c->reaped = true;
		if (WIFSIGNALED(status))
			snprintf(how, sizeof(how), "network process killed by "
			    "signal %d", WTERMSIG(status));
		else
			snprintf(how, sizeof(how), "network process exited "
			    "with status %d", WEXITSTATUS(status));
		if (WIFSIGNALED(status))
			log_error("%s: network process %d died from signal %d; "
			    "only its connection ended", c->peer, (int)pid,
			    WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			log_info("%s: network process %d exited with status "
			    "%d", c->peer, (int)pid, WEXITSTATUS(status));
		if (!c->ipc_eof)
			child_read(m, c);	/* its last words */
		child_release(m, c, how);
	}
}

static void
handle_signals(struct monitor *m)
{
	unsigned char sig;

	while (read(monitor_sigpipe[0], &sig, 1) == 1) {
		if (sig == SIGCHLD)
			reap_children(m);
		else
			begin_stop(m, MONITOR_STOP_SIGNAL, ASSISTD_EXIT_OK,
			    "stopped by signal; ending every connection");
	}
}

/* persist: the session is over and nothing is live or asked: the next
 * session gets a new transcript file, chained to this one (its line 1
 * names this file's last chain). -1 when there is no transcript left. */
static int
monitor_rotate(struct monitor *m)
{
	struct audit_start as = *m->o->start;
	char err[1024];
	int closed;

	m->rotate_due = false;
	closed = transcript_close(m->tr);
	if ((m->tr = transcript_open(m->o->transcript_cfg, err,
	    sizeof(err))) == NULL) {
		log_error("session transcript: %s; stopping (a session is only "
		    "offered when it can be recorded)", err);
		return -1;
	}
	as.served = m->served;
	monitor_audited(m, audit_start(m->tr, &as));
	if (closed != 0)	/* the last file is not whole: fail closed */
		monitor_audited(m, -1);
	log_info("session transcript %s", transcript_path(m->tr));
	return 0;
}

static int
check_timers(struct monitor *m, long long now)
{
	long long grace = (long long)m->o->login_grace_secs * 1000 +
	    MONITOR_GRACE_SLACK_MS;
	int i, asked = questions_pending(m);

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		struct child *c = &m->kids[i];

		if (c->pid == 0 || c->reaped)
			continue;
		if (!child_in(m, c) && now - c->started_ms > grace)
			child_kill(c, "did not authenticate in time");
		if (m->stop_ms != 0 && now - m->stop_ms > MONITOR_STOP_MS)
			child_kill(c, "did not stop in time");
		if (c->user_ended && now - c->user_end_ms > MONITOR_STOP_MS)
			child_kill(c, "did not end the session in time");
	}
	/* --wait: nobody came; a question on the screen runs its course. */
	if (m->stop_ms == 0 && m->sessions_live == 0 &&
	    m->sessions_done == 0 && asked == 0 &&
	    now - m->start_ms >= (long long)m->o->wait_secs * 1000) {
		char why[96];

		snprintf(why, sizeof(why), "no helper started a session "
		    "within %d seconds; exiting", m->o->wait_secs);
		begin_stop(m, MONITOR_STOP_WAIT, ASSISTD_EXIT_NOBODY, why);
	}
	if (m->stop_ms == 0 && m->sessions_done > 0 && m->sessions_live == 0) {
		if (!m->o->persist)
			begin_stop(m, MONITOR_STOP_DONE, ASSISTD_EXIT_OK,
			    "the session is over; exiting");
		else if (m->rotate_due && asked == 0)
			return monitor_rotate(m);
	}
	return 0;
}

/* Where each part of the poll set starts, and how long it is. */
struct pollset {
	int n;
	int k_at, nk;		/* consent's fds */
	int x_at;		/* extensions' fds (who[] tells which) */
	int c_at;		/* children */
	const struct monitor_ext *x[MONITOR_EXT_MAX];
};

/* Fills pfd[]: signal pipe, listeners (when accepting), consent,
 * extensions, children. */
static void
build_pollfds(struct monitor *m, struct pollfd *pfd, struct child **who,
	      struct pollset *ps)
{
	int i, n = 0, fd;

	memset(ps, 0, sizeof(*ps));
	pfd[n].fd = monitor_sigpipe[0];
	pfd[n].events = POLLIN;
	who[n++] = NULL;
	for (i = 0; i < m->nl && m->stop_ms == 0; i++) {
		pfd[n].fd = m->lfds[i];
		pfd[n].events = POLLIN;
		who[n++] = NULL;
	}
	ps->k_at = n;
	ps->nk = consent_pollfds(m->k, pfd + n);
	for (i = 0; i < ps->nk; i++)
		who[n++] = NULL;
	ps->x_at = n;
	for (i = 0; i < MONITOR_EXT_MAX; i++) {
		const struct monitor_ext *x = m->o->ext[i];

		if (x == NULL || x->fd == NULL || (fd = x->fd(x->ud)) < 0)
			continue;
		pfd[n].fd = fd;
		pfd[n].events = POLLIN;
		ps->x[n - ps->x_at] = x;
		who[n++] = NULL;
	}
	ps->c_at = n;
	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		struct child *c = &m->kids[i];

		if (c->pid == 0 || c->ipc_eof)
			continue;
		pfd[n].fd = c->ipc.fd;
		pfd[n].events = POLLIN;
		if (buf_avail(&c->ipc.out) > 0)
			pfd[n].events |= POLLOUT;
		who[n++] = c;
	}
	ps->n = n;
}

static void
service(struct monitor *m, struct pollfd *pfd, struct child **who,
	const struct pollset *ps)
{
	int i;

	for (i = 1; i < ps->k_at; i++)
		if (pfd[i].revents != 0)
			accept_one(m, pfd[i].fd);
	for (i = ps->x_at; i < ps->c_at; i++)
		if (pfd[i].revents != 0 && ps->x[i - ps->x_at]->input != NULL)
			ps->x[i - ps->x_at]->input(m, ps->x[i - ps->x_at]->ud);
	for (i = ps->c_at; i < ps->n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (who[i]->pid == 0 || who[i]->reaped)
			continue;	/* released while handling signals */
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
			child_read(m, who[i]);
		if (!who[i]->ipc_eof && ipc_flush(&who[i]->ipc) < 0)
			who[i]->ipc_eof = true;
	}
}

/* Replies queued while reading, answering or by the user go out now. */
static void
flush_all(struct monitor *m)
{
	int i;

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		struct child *c = &m->kids[i];

		if (c->pid != 0 && !c->ipc_eof && ipc_flush(&c->ipc) < 0)
			c->ipc_eof = true;
	}
}

/* Lines the user typed on the terminal with no question on it. */
static void
tty_commands(struct monitor *m)
{
	unsigned conn;
	char cmd;

	while (consent_command(m->k, &cmd, &conn)) {
		if (cmd == 'e' && monitor_end_session(m, conn) == 0)
			say(m, "assistd: no session to end.");
		else if (cmd == 'v' && monitor_view_only(m, conn) == 0)
			say(m, "assistd: no session has control.");
		else if (cmd == '?')
			say(m, "assistd: e Enter ends the session, v Enter "
			    "takes control back (view only); e N or v N for "
			    "connection N only.");
	}
}

/* assistd.stop, unless the transcript failed already; the exit status. */
static int
monitor_finish(struct monitor *m)
{
	otp_wipe(&m->otp);
	if (transcript_failed(m->tr))
		return ASSISTD_EXIT_ERROR;
	if (audit_stop(m->tr, m->stop_why, m->status) != 0) {
		log_error("%s", transcript_error(m->tr));
		return ASSISTD_EXIT_ERROR;
	}
	return m->status;
}

/* The monitor cannot go on: no orderly stop, but the transcript says. */
static int
monitor_fail(struct monitor *m, const char *what)
{
	log_error("%s: %s", what, strerror(errno));
	snprintf(m->stop_why, sizeof(m->stop_why), "%s: %s", what,
	    strerror(errno));
	m->status = ASSISTD_EXIT_ERROR;
	(void)monitor_finish(m);
	return ASSISTD_EXIT_ERROR;
}

/* --code: makes the one-time code (valid until the --wait deadline),
 * records that there is one (never the code) and shows it. */
static int
code_start(struct monitor *m)
{
	char shown[OTP_SHOWN_MAX];

	if (otp_new(&m->otp, m->start_ms + (long long)m->o->wait_secs *
	    1000) != 0)
		return -1;
	if (audit_code_new(m->tr, m->o->wait_secs, OTP_TRIES_CONN,
	    OTP_TRIES_TOTAL) != 0) {
		log_error("%s; not serving", transcript_error(m->tr));
		errno = EIO;
		return -1;
	}
	otp_format(&m->otp, shown);
	log_info("give this one-time code to your helper: %s (single use, "
	    "valid %d seconds, %d wrong answers burn it)", shown,
	    m->o->wait_secs, OTP_TRIES_TOTAL);
	explicit_bzero(shown, sizeof(shown));
	return 0;
}

/* No transcript any more: nothing may go on. Every network process is
 * killed and reaped (SIGKILL: at once); nothing can be recorded. */
static int
monitor_abort(struct monitor *m)
{
	int i;

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		struct child *c = &m->kids[i];

		if (c->pid == 0 || c->reaped)
			continue;
		kill(c->pid, SIGKILL);
		(void)waitpid(c->pid, NULL, 0);
		close(c->ipc.fd);
		ipc_free(&c->ipc);
		ipc_auth_result_free(&c->id);
		memset(c, 0, sizeof(*c));
	}
	return ASSISTD_EXIT_ERROR;
}

/* The poll timeout: the next question deadline, at most a tick. */
static int
poll_timeout(const struct monitor *m)
{
	int t = consent_timeout_ms(m->k, clock_now_ms());

	return t >= 0 && t < MONITOR_TICK_MS ? t : MONITOR_TICK_MS;
}

static int
monitor_loop(struct monitor *m)
{
	struct pollfd pfd[MONITOR_NPFD];
	struct child *who[MONITOR_NPFD];
	struct pollset ps;

	if (signals_setup() != 0)
		return monitor_fail(m, "cannot set up signal handling");
	for (;;) {
		build_pollfds(m, pfd, who, &ps);
		if (poll(pfd, (nfds_t)ps.n, poll_timeout(m)) < 0 &&
		    errno != EINTR)
			return monitor_fail(m, "poll");
		if (pfd[0].revents & POLLIN)
			handle_signals(m);
		consent_after_poll(m->k, pfd + ps.k_at, ps.nk, clock_now_ms());
		service(m, pfd, who, &ps);
		on_answer(m);
		tty_commands(m);
		flush_all(m);
		if (check_timers(m, clock_now_ms()) != 0)
			return monitor_abort(m);
		if (m->stop_ms != 0 && count_children(m, false) == 0)
			return monitor_finish(m);
	}
}

int
monitor_run(const struct assistd_opts *o, const int *lfds, int nl,
	    ssh_key hostkey, const char *user, const struct policy *policy)
{
	static struct monitor m;
	int status;

	memset(&m, 0, sizeof(m));
	m.o = o;
	m.lfds = lfds;
	m.nl = nl;
	m.hostkey = hostkey;
	m.user = user;
	m.policy = policy;
	m.tr = o->transcript;
	m.k = o->consent;
	m.start_ms = clock_now_ms();
	if (m.tr == NULL || m.k == NULL) {
		log_error("no session transcript or no way to ask the user: "
		    "not serving");
		(void)transcript_close(m.tr);
		return ASSISTD_EXIT_ERROR;
	}
	if (o->code && code_start(&m) != 0)
		status = monitor_fail(&m, "cannot make the one-time code");
	else
		status = monitor_loop(&m);
	if (m.tr != NULL && transcript_close(m.tr) != 0 &&
	    status == ASSISTD_EXIT_OK)
		status = ASSISTD_EXIT_ERROR;
	return status;
}

/* ---- for extensions --------------------------------------------------- */

bool
monitor_input_suspended(const struct monitor *m)
{
	return m->input_suspended;
}

bool
monitor_input_allowed(const struct monitor *m, unsigned conn)
{
	int i;

	if (m->input_suspended || m->stop_ms != 0)
		return false;
	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		const struct child *c = &m->kids[i];

		if (c->pid != 0 && c->conn == conn)
			return c->session && !c->session_ended &&
			    !c->user_ended && c->mode == IPC_MODE_CONTROL;
	}
	return false;
}

/* A session the user can act on: granted, not ended. */
static bool
session_live(const struct child *c, unsigned conn)
{
	return c->pid != 0 && !c->reaped && c->session && !c->session_ended &&
	    !c->user_ended && (conn == 0 || c->conn == conn);
}

int
monitor_end_session(struct monitor *m, unsigned conn)
{
	char h[CONSENT_ID_SHOW + 1];
	int i, n = 0;

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		struct child *c = &m->kids[i];

		if (!session_live(c, conn))
			continue;
		c->user_ended = true;
		c->user_end_ms = clock_now_ms();
		(void)ask_cancel(m, c, "you ended the session");
		log_info("%s: session ended by the user", c->peer);
		if (!c->ipc_eof && monitor_send_end(c, IPC_SHUTDOWN,
		    IPC_END_USER, MONITOR_MSG_USER_ENDED) != BUF_OK)
			child_kill(c, "cannot queue shutdown");
		say(m, "assistd: ending the session with \"%s\" (connection "
		    "%u).", helper_show(c, h, CONSENT_ID_SHOW), c->conn);
		n++;
	}
	if (n > 0) {
		ask_next(m);
		notify_ext(m);
	}
	return n;
}

int
monitor_view_only(struct monitor *m, unsigned conn)
{
	char h[CONSENT_ID_SHOW + 1];
	int i, n = 0;

	for (i = 0; i < MONITOR_MAX_CHILDREN; i++) {
		struct child *c = &m->kids[i];

		if (!session_live(c, conn))
			continue;
		if (c->ask_later && ask_cancel(m, c, "you chose view only")) {
			send_mode(c, IPC_MODE_VIEW, IPC_BY_USER);
			n++;
		}
		if (c->mode != IPC_MODE_CONTROL)
			continue;
		c->mode = IPC_MODE_VIEW;
		log_info("%s: the user took control back (view only)",
		    c->peer);
		monitor_audited(m, audit_mode_change(m->tr, c->conn,
		    c->helper, IPC_MODE_VIEW, "user"));
		send_mode(c, IPC_MODE_VIEW, IPC_BY_USER);
		say(m, "assistd: \"%s\" (connection %u) can only view now.",
		    helper_show(c, h, CONSENT_ID_SHOW), c->conn);
		n++;
	}
	if (n > 0) {
		ask_next(m);
		notify_ext(m);
	}
	return n;
}

int
monitor_sessions(const struct monitor *m, struct monitor_session *out,
		 int max)
{
	int i, n = 0;

	for (i = 0; i < MONITOR_MAX_CHILDREN && n < max; i++) {
		const struct child *c = &m->kids[i];

		if (!session_live(c, 0))
			continue;
		out[n].conn = c->conn;
		out[n].helper = c->helper;
		out[n].mode = c->mode;
		out[n].asking = c->ask == ASK_ON_SCREEN;
		n++;
	}
	return n;
}
