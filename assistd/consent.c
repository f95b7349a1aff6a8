/* consent: the question and the asker; see consent.h. */
#include "assistd/consent.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/cert.h"
#include "common/clock.h"
#include "common/log.h"

#define CONSENT_TTY_OUT		(2 * CONSENT_TEXT_MAX)	/* queued output */
#define CONSENT_TTY_RETRY_MS	1000	/* after EIO (background job) */
#define CONSENT_TIME_MAX	40	/* cert_format_time output */
#define CONSENT_CMD_QUEUE	4	/* terminal commands not yet taken */
#define CONSENT_FD_SCAN_MAX	65536	/* fds closed without close_range */
#define CONSENT_REAP_WAIT_MS	2000	/* consent_free: for SIGKILLed */

struct consent {
	struct consent_config cfg;
	enum consent_how how;
	/* the terminal (CONSENT_HOW_TTY) */
	int tty;			/* -1: none */
	long long tty_retry_ms;		/* not polled before (EIO) */
	char out[CONSENT_TTY_OUT];	/* output not yet written */
	size_t outlen;
	char line[CONSENT_LINE_MAX + 1];
	size_t linelen;
	bool line_long;			/* the line overflowed: junk */
	char cmds[CONSENT_CMD_QUEUE][CONSENT_LINE_MAX + 1];
	int ncmds;
	/* the question */
	bool asking;
	bool offer_control, offer_view;
	long long deadline_ms;
	enum consent_answer answer;	/* PENDING until answered */
	enum consent_how answered_how;
	/* the askpass (CONSENT_HOW_ASKPASS) */
	pid_t pid;			/* 0: none running */
	int apipe;			/* its stdout, -1: closed */
	char aout[CONSENT_ASKPASS_OUT];
	size_t aoutlen;
	bool aout_long;
	pid_t killed[CONSENT_REAP_MAX];	/* SIGKILLed, not yet reaped */
};

/* ---- the text ------------------------------------------------------ */

char *
consent_escape(char *out, size_t show, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool esc = c < 0x20 || c >= 0x7f || c == '\\' || c == '"';
		size_t need = esc ? 4 : 1;

		if (o + need > show) {
			/* Cut, and say so: back off to fit "...". */
			while (o > 0 && o + 3 > show)
				o--;
			if (o + 3 <= show) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (esc) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * A string the network process escaped (log_sanitize): back to its bytes,
 * then escaped for display. The network process is not trusted: what it
 * sent may hold anything, and is escaped whatever it is.
 */
static char *
consent_peer(char *out, size_t show, const char *escaped)
{
	char raw[IPC_MAX_STR + 1];
	size_t n = log_unescape(raw, sizeof(raw), escaped ? escaped : "");

	return consent_escape(out, show, raw, n);
}

/* A bounded appender: like snprintf into out at *used, counting what a
 * whole text would need even once out is full. */
static void __attribute__((format(printf, 4, 5)))
consent_add(char *out, size_t outsz, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*used < outsz ? out + *used : NULL,
	    *used < outsz ? outsz - *used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

static const char *
consent_what(const struct consent_question *q)
{
	if (q->later)
		return "A helper who can see your screen now asks to CONTROL "
		    "it (keyboard and mouse).";
	if (q->mode == IPC_MODE_CONTROL)
		return "A helper asks to SEE AND CONTROL your screen "
		    "(keyboard and mouse).";
	return "A helper asks to SEE your screen (view only).";
}

/* The identity lines: certificate (or plain key), key, source. */
static void
consent_identity(const struct consent_question *q, char *out, size_t outsz,
		 size_t *u)
{
	const struct ipc_auth_result *r = q->id;
	char a[CONSENT_LIST_SHOW + 1], b[CONSENT_FP_SHOW + 1];
	char va[CONSENT_TIME_MAX], vb[CONSENT_TIME_MAX];
	char raw[IPC_MAX_STR + 1];
	bool sk;

	if (r->is_cert) {
		consent_add(out, outsz, u, "  Key ID:      \"%s\"\n",
		    consent_peer(a, CONSENT_ID_SHOW, r->key_id));
		consent_add(out, outsz, u, "  Principals:  %s\n",
		    consent_peer(a, CONSENT_LIST_SHOW, r->principals));
		consent_add(out, outsz, u, "  Serial:      %llu\n",
		    (unsigned long long)r->serial);
		consent_add(out, outsz, u, "  CA:          \"%s\" %s\n",
		    consent_peer(a, CONSENT_ID_SHOW, r->ca_name),
		    consent_peer(b, CONSENT_FP_SHOW, r->ca_fp));
		cert_format_time(r->valid_after, va, sizeof(va));
		cert_format_time(r->valid_before, vb, sizeof(vb));
		consent_add(out, outsz, u, "  Valid:       %s to %s\n", va, vb);
	} else {
		consent_add(out, outsz, u, "  Certificate: none (a key listed "
		    "in the authorized keys)\n");
	}
	/* FIDO2: libssh names security-key types "sk-..." as OpenSSH does. */
	(void)log_unescape(raw, sizeof(raw), r->key_type ? r->key_type : "");
	sk = strncmp(raw, "sk-", 3) == 0;
	consent_add(out, outsz, u, "  Key:         %s %s\n",
	    consent_peer(a, CONSENT_FP_SHOW, r->key_type),
	    consent_peer(b, CONSENT_FP_SHOW, r->key_fp));
	consent_add(out, outsz, u, "  FIDO2:       %s%s%s\n",
	    sk ? "yes (security key)" : "no",
	    r->flags & IPC_AUTH_F_NO_TOUCH ? ", no touch required" : "",
	    r->flags & IPC_AUTH_F_VERIFY ? ", PIN verification required" : "");
	consent_add(out, outsz, u, "  From:        %s\n",
	    consent_escape(a, CONSENT_FP_SHOW, q->src ? q->src : "?",
	    strlen(q->src ? q->src : "?")));
}

/* The last line: how to answer, for the terminal or the askpass. */
static void
consent_howto(const struct consent_question *q, char *out, size_t outsz,
	      size_t *u)
{
	if (q->how == CONSENT_HOW_ASKPASS) {
		consent_add(out, outsz, u, "Accept%s? No answer within %d s "
		    "refuses.", q->later ? " giving control" :
		    q->mode == IPC_MODE_CONTROL ? " (see and control)" :
		    " (view only)", q->timeout_secs);
		return;
	}
	if (q->later)
		consent_add(out, outsz, u, "Answer within %d s: c Enter = give "
		    "control, Enter = refuse: ", q->timeout_secs);
	else if (q->mode == IPC_MODE_CONTROL)
		consent_add(out, outsz, u, "Answer within %d s: c Enter = accept "
		    "with control, v Enter = accept view only, Enter = refuse: ",
		    q->timeout_secs);
	else
		consent_add(out, outsz, u, "Answer within %d s: v Enter = accept "
		    "view only, Enter = refuse: ", q->timeout_secs);
}

size_t
consent_format(const struct consent_question *q, char *out, size_t outsz)
{
	char a[CONSENT_REASON_SHOW + 1], raw[IPC_MAX_STR + 1];
	size_t u = 0, n;

	if (outsz > 0)
		out[0] = '\0';
	consent_add(out, outsz, &u, "assistd: %s\n", consent_what(q));
	consent_add(out, outsz, &u, "  Connection:  %u\n", q->conn);
	consent_identity(q, out, outsz, &u);
	n = log_unescape(raw, sizeof(raw), q->reason ? q->reason : "");
	if (n > 0)
		consent_add(out, outsz, &u, "  Reason:      \"%s\"\n",
		    consent_escape(a, CONSENT_REASON_SHOW, raw, n));
	else
		consent_add(out, outsz, &u, "  Reason:      (none given)\n");
	if (q->code != NULL)
		consent_add(out, outsz, &u, "  Verification code: %s (the "
		    "helper reads it to you: refuse if it differs)\n",
		    consent_escape(a, CONSENT_CODE_DIGITS + 4, q->code,
		    strlen(q->code)));
	consent_howto(q, out, outsz, &u);
	return u;
}

int
consent_code(char out[CONSENT_CODE_DIGITS + 1])
{
	/* 10^6 divides no power of two: values at or above the largest
	 * multiple of 10^6 below 2^32 are drawn again (no modulo bias). */
	const uint64_t range = 1000000, limit = (1ull << 32) -
	    ((1ull << 32) % range);
	uint32_t v;
	ssize_t n;

	for (;;) {
		n = getrandom(&v, sizeof(v), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(v))
			return -1;
		if ((uint64_t)v < limit)
			break;
	}
	snprintf(out, CONSENT_CODE_DIGITS + 1, "%06u",
	    (unsigned)((uint64_t)v % range));
	return 0;
}

enum consent_answer
consent_parse_answer(const char *line, bool offer_control, bool offer_view)
{
	const char *p = line;
	char c;

	while (*p == ' ' || *p == '\t')
		p++;
	c = *p;
	if (c == '\0')
		return CONSENT_REFUSED;
	p++;
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p != '\0')
		return CONSENT_REFUSED;	/* "cv", "yes", ...: not an answer */
	if ((c == 'c' || c == 'C') && offer_control)
		return CONSENT_CONTROL;
	if ((c == 'v' || c == 'V') && offer_view)
		return CONSENT_VIEW;
	return CONSENT_REFUSED;
}

/* ---- the asker ----------------------------------------------------- */

const char *
consent_how_name(enum consent_how h)
{
	switch (h) {
	case CONSENT_HOW_TTY:
		return "tty";
	case CONSENT_HOW_ASKPASS:
		return "askpass";
	case CONSENT_HOW_TIMEOUT:
		return "timeout";
	}
	return "?";
}

const char *
consent_answer_name(enum consent_answer a)
{
	switch (a) {
	case CONSENT_CONTROL:
		return "control";
	case CONSENT_VIEW:
		return "view";
	case CONSENT_REFUSED:
		return "refused";
	case CONSENT_TIMEOUT:
		return "timeout";
	case CONSENT_WITHDRAWN:
		return "withdrawn";
	case CONSENT_PENDING:
		break;
	}
	return "pending";
}

/* An executable regular file at path. */
static bool
consent_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/* name as execvp finds it: itself with a '/', else in $PATH. */
static bool
consent_find(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	char full[PATH_MAX];
	int n;

	if (name[0] == '\0')
		return false;
	if (strchr(name, '/') != NULL)
		return consent_executable(name);
	for (p = path != NULL ? path : "/usr/bin:/bin"; ; p = e + 1) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		n = snprintf(full, sizeof(full), "%.*s/%s", (int)(e - p), p,
		    name);
		if (e > p && n > 0 && (size_t)n < sizeof(full) &&
		    consent_executable(full))
			return true;
		if (*e == '\0')
			return false;
	}
}

struct consent *
consent_open(const struct consent_config *c, char *err, size_t errsz)
{
	struct consent *k;
	int tty = -1;
	bool askpass_ok = c->askpass != NULL && consent_find(c->askpass);

	if (!c->gui)
		tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_NONBLOCK |
		    O_CLOEXEC);
	if (tty < 0 && !askpass_ok) {
		char a[CONSENT_FP_SHOW + 1];

		if (c->askpass == NULL)
			snprintf(err, errsz, "%s and SSH_ASKPASS is not set: "
			    "nowhere to ask the user for consent",
			    c->gui ? "--gui given" : "no terminal");
		else
			snprintf(err, errsz, "%s and SSH_ASKPASS (%s) is not an "
			    "executable program: nowhere to ask the user for "
			    "consent", c->gui ? "--gui given" : "no terminal",
			    consent_escape(a, CONSENT_FP_SHOW, c->askpass,
			    strlen(c->askpass)));
		return NULL;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		if (tty >= 0)
			close(tty);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	k->cfg = *c;
	k->tty = tty;
	k->apipe = -1;
	k->how = tty >= 0 ? CONSENT_HOW_TTY : CONSENT_HOW_ASKPASS;
	return k;
}

enum consent_how
consent_how(const struct consent *k)
{
	return k->how;
}

bool
consent_asking(const struct consent *k)
{
	return k != NULL && k->asking;
}

/* Writes what the terminal takes now; the rest waits for POLLOUT. */
static void
consent_tty_flush(struct consent *k)
{
	ssize_t n;

	while (k->tty >= 0 && k->outlen > 0) {
		n = write(k->tty, k->out, k->outlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			k->outlen = 0;	/* the terminal is gone */
			return;
		}
		memmove(k->out, k->out + n, k->outlen - (size_t)n);
		k->outlen -= (size_t)n;
	}
}

/* Queues text for the terminal (cut when the queue is full: the
 * terminal is stopped, and a later line matters more). */
static void
consent_tty_put(struct consent *k, const char *text)
{
	size_t n = strlen(text);

	if (k->tty < 0)
		return;
	if (n > sizeof(k->out) - k->outlen)
		n = sizeof(k->out) - k->outlen;
	memcpy(k->out + k->outlen, text, n);
	k->outlen += n;
	consent_tty_flush(k);
}

void
consent_say(struct consent *k, const char *text)
{
	if (k == NULL || k->how != CONSENT_HOW_TTY)
		return;
	consent_tty_put(k, text);
	consent_tty_put(k, "\n");
}

static void
consent_answered(struct consent *k, enum consent_answer a,
		 enum consent_how how)
{
	k->asking = false;
	k->answer = a;
	k->answered_how = how;
}

/* Kills the askpass's process group (a script's children too); the
 * monitor reaps it. */
static void
consent_kill_askpass(struct consent *k)
{
	int i;

	if (k->pid <= 0)
		return;
	(void)kill(-k->pid, SIGKILL);
	(void)kill(k->pid, SIGKILL);
	for (i = 0; i < CONSENT_REAP_MAX; i++)
		if (k->killed[i] == 0) {
			k->killed[i] = k->pid;
			break;
		}
	if (i == CONSENT_REAP_MAX)
		log_error("askpass %d: too many not yet reaped", (int)k->pid);
	k->pid = 0;
	if (k->apipe >= 0)
		close(k->apipe);
	k->apipe = -1;
}

/* Closes every fd from 3 up in a new child (close_range when the kernel
 * has it: no fd of the monitor reaches the askpass). */
static void
consent_close_fds(void)
{
	long max;
	int fd;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0)
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > CONSENT_FD_SCAN_MAX)
		max = CONSENT_FD_SCAN_MAX;
	for (fd = 3; fd < max; fd++)
		(void)close(fd);
}

/* In the forked child: become the askpass. Never returns. */
static void
consent_exec_askpass(const char *askpass, const char *text, int out)
{
	sigset_t none;
	int null;

	(void)setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTTOU, SIG_DFL);
	signal(SIGTTIN, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0)
		_exit(127);
	consent_close_fds();
	if (setenv("SSH_ASKPASS_PROMPT", "confirm", 1) != 0)
		_exit(127);
	execlp(askpass, askpass, text, (char *)NULL);
	_exit(127);
}

static int
consent_start_askpass(struct consent *k, const char *text, char *err,
		      size_t errsz)
{
	int p[2];
	pid_t pid;

	if (pipe(p) != 0) {
		snprintf(err, errsz, "askpass: pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errsz, "askpass: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		consent_exec_askpass(k->cfg.askpass, text, p[1]);
	}
	/* Also here: kill(-pid) must find the group at once. */
	(void)setpgid(pid, pid);
	close(p[1]);
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
	k->pid = pid;
	k->apipe = p[0];
	k->aoutlen = 0;
	k->aout_long = false;
	return 0;
}

int
consent_ask(struct consent *k, const char *text, bool offer_control,
	    bool offer_view, long long now_ms, char *err, size_t errsz)
{
	if (k->asking || k->answer != CONSENT_PENDING || k->pid > 0) {
		snprintf(err, errsz, "another question is on the screen");
		return -1;
	}
	k->offer_control = offer_control;
	k->offer_view = offer_view;
	if (k->how == CONSENT_HOW_ASKPASS) {
		if (consent_start_askpass(k, text, err, errsz) != 0)
			return -1;
	} else {
		/* Type-ahead must not answer a question it never saw. */
		(void)tcflush(k->tty, TCIFLUSH);
		k->linelen = 0;
		k->line_long = false;
		consent_tty_put(k, "\n");
		consent_tty_put(k, text);
	}
	k->asking = true;
	k->deadline_ms = now_ms + (long long)k->cfg.timeout_secs * 1000;
	return 0;
}

void
consent_withdraw(struct consent *k, const char *why)
{
	if (k == NULL || !k->asking)
		return;
	consent_kill_askpass(k);
	if (k->how == CONSENT_HOW_TTY) {
		consent_tty_put(k, "\nassistd: question withdrawn: ");
		consent_tty_put(k, why);
		consent_tty_put(k, "\n");
	}
	consent_answered(k, CONSENT_WITHDRAWN, k->how);
}

int
consent_pollfds(const struct consent *k, struct pollfd *pfd)
{
	int n = 0;

	if (k->tty >= 0 && clock_now_ms() >= k->tty_retry_ms) {
		pfd[n].fd = k->tty;
		pfd[n].events = POLLIN | (k->outlen > 0 ? POLLOUT : 0);
		pfd[n++].revents = 0;
	} else if (k->tty >= 0 && k->outlen > 0) {
		pfd[n].fd = k->tty;
		pfd[n].events = POLLOUT;
		pfd[n++].revents = 0;
	}
	if (k->apipe >= 0) {
		pfd[n].fd = k->apipe;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	return n;
}

int
consent_timeout_ms(const struct consent *k, long long now_ms)
{
	long long left;

	if (k == NULL || !k->asking)
		return k != NULL && k->tty >= 0 && now_ms < k->tty_retry_ms ?
		    (int)(k->tty_retry_ms - now_ms) : -1;
	left = k->deadline_ms - now_ms;
	return left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/* One whole line from the terminal: the answer, or a command. */
static void
consent_tty_line(struct consent *k, const char *line)
{
	enum consent_answer a;

	if (k->asking) {
		a = consent_parse_answer(line, k->offer_control,
		    k->offer_view);
		consent_answered(k, a, CONSENT_HOW_TTY);
		return;
	}
	if (k->ncmds < CONSENT_CMD_QUEUE)
		snprintf(k->cmds[k->ncmds++], sizeof(k->cmds[0]), "%s", line);
}

static void
consent_tty_read(struct consent *k, long long now_ms)
{
	char b[256];
	ssize_t n, i;

	for (;;) {
		n = read(k->tty, b, sizeof(b));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EIO) {
			/* A background job (SIGTTIN ignored): try later. */
			k->tty_retry_ms = now_ms + CONSENT_TTY_RETRY_MS;
			return;
		}
		if (n <= 0) {
			/* Hung up: nobody can answer here any more. */
			log_error("the terminal is gone; questions refuse");
			close(k->tty);
			k->tty = -1;
			k->outlen = 0;
			if (k->asking)
				consent_answered(k, CONSENT_REFUSED,
				    CONSENT_HOW_TTY);
			return;
		}
		for (i = 0; i < n; i++) {
			if (b[i] == '\n' || b[i] == '\r') {
				k->line[k->linelen] = '\0';
				/* An overlong line is no answer: refuse. */
				consent_tty_line(k, k->line_long ? "?" :
				    k->line);
				k->linelen = 0;
				k->line_long = false;
			} else if (k->linelen < CONSENT_LINE_MAX) {
				k->line[k->linelen++] = b[i];
			} else {
				k->line_long = true;
			}
		}
	}
}

/* What the askpass printed, bounded; the rest is noted, not kept. */
static void
consent_askpass_read(struct consent *k)
{
	char b[256];
	ssize_t n;
	size_t take;

	while (k->apipe >= 0) {
		n = read(k->apipe, b, sizeof(b));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close(k->apipe);
			k->apipe = -1;
			return;
		}
		take = (size_t)n;
		if (take > sizeof(k->aout) - 1 - k->aoutlen) {
			take = sizeof(k->aout) - 1 - k->aoutlen;
			k->aout_long = true;
		}
		memcpy(k->aout + k->aoutlen, b, take);
		k->aoutlen += take;
	}
}

void
consent_after_poll(struct consent *k, const struct pollfd *pfd, int n,
		   long long now_ms)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == k->tty) {
			if (pfd[i].revents & POLLOUT)
				consent_tty_flush(k);
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				consent_tty_read(k, now_ms);
		} else if (pfd[i].fd == k->apipe) {
			consent_askpass_read(k);
		}
	}
	if (k->asking && now_ms >= k->deadline_ms) {
		consent_kill_askpass(k);
		if (k->how == CONSENT_HOW_TTY) {
			char t[96];

			snprintf(t, sizeof(t), "\nassistd: no answer within %d "
			    "s: refused.\n", k->cfg.timeout_secs);
			consent_tty_put(k, t);
		}
		consent_answered(k, CONSENT_TIMEOUT, CONSENT_HOW_TIMEOUT);
	}
}

/* OpenSSH's confirm rule (ask_permission): an askpass that exits 0 and
 * printed nothing, or "yes", said yes. */
static bool
consent_askpass_yes(struct consent *k, int status)
{
	size_t n = k->aoutlen;

	if (WIFSIGNALED(status))
		log_info("askpass killed by signal %d: refused",
		    WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) > 1)
		log_info("askpass exited with status %d (127: it could not "
		    "be run): refused", WEXITSTATUS(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || k->aout_long)
		return false;
	while (n > 0 && (k->aout[n - 1] == '\n' || k->aout[n - 1] == '\r'))
		n--;
	k->aout[n] = '\0';
	return n == 0 || strcasecmp(k->aout, "yes") == 0;
}

bool
consent_reaped(struct consent *k, pid_t pid, int status)
{
	int i;

	if (k == NULL || pid <= 0)
		return false;
	for (i = 0; i < CONSENT_REAP_MAX; i++)
		if (k->killed[i] == pid) {
			k->killed[i] = 0;
			return true;
		}
	if (pid != k->pid)
		return false;
	consent_askpass_read(k);	/* what it wrote before exiting */
	if (k->apipe >= 0)
		close(k->apipe);
	k->apipe = -1;
	k->pid = 0;
	if (k->asking)
		consent_answered(k, !consent_askpass_yes(k, status) ?
		    CONSENT_REFUSED : k->offer_control ? CONSENT_CONTROL :
		    CONSENT_VIEW, CONSENT_HOW_ASKPASS);
	return true;
}

enum consent_answer
consent_take_answer(struct consent *k, enum consent_how *how)
{
	enum consent_answer a = k->answer;

	if (a == CONSENT_PENDING)
		return a;
	*how = k->answered_how;
	k->answer = CONSENT_PENDING;
	return a;
}

int
consent_command(struct consent *k, char *cmd, unsigned *conn)
{
	const char *p;
	char *end;
	unsigned long v;

	if (k == NULL || k->ncmds == 0)
		return 0;
	p = k->cmds[0];
	while (*p == ' ' || *p == '\t')
		p++;
	*cmd = *p == 'e' || *p == 'E' ? 'e' : *p == 'v' || *p == 'V' ? 'v' :
	    *p == '\0' ? '\0' : '?';
	*conn = 0;
	if (*p != '\0')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= '0' && *p <= '9') {
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno == 0 && v <= UINT_MAX && (*end == '\0' ||
		    *end == '\r' || *end == ' '))
			*conn = (unsigned)v;
		else
			*cmd = '?';
	} else if (*p != '\0' && *p != '\r') {
		*cmd = '?';
	}
	memmove(k->cmds[0], k->cmds[1], sizeof(k->cmds[0]) *
	    (size_t)(CONSENT_CMD_QUEUE - 1));
	k->ncmds--;
	return 1;
}

void
consent_free(struct consent *k)
{
	long long end;
	int i, status;
	pid_t r;

	if (k == NULL)
		return;
	consent_kill_askpass(k);
	/* SIGKILLed: each ends at once; bounded all the same. */
	end = clock_now_ms() + CONSENT_REAP_WAIT_MS;
	for (i = 0; i < CONSENT_REAP_MAX; i++) {
		while (k->killed[i] > 0) {
			r = waitpid(k->killed[i], &status, WNOHANG);
			if (r != 0 || clock_now_ms() >= end)
				k->killed[i] = 0;
			else
				usleep(10000);
		}
	}
	if (k->tty >= 0) {
		consent_tty_flush(k);
		close(k->tty);
	}
	free(k);
}
