/*
 * indicator: the monitor's side of the on-screen indicator (the child
 * process, its messages) and the pure text and layout parts; the X11
 * window itself is indicator_x11.c, run in the child. See indicator.h.
 */
#define _GNU_SOURCE		/* close_range */
#include "assistd/indicator.h"
#include "assistd/indicator_x11.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"

#define INDICATOR_FD		3	/* the child's end of the socketpair */
#define INDICATOR_DISPLAY_MAX	256	/* a DISPLAY value, bytes */
#define INDICATOR_SEND_MS	500	/* to hand a message to the child */
#define INDICATOR_WHY_MAX	200	/* the child's FAIL text, bytes */
#define INDICATOR_TITLE_PREFIX	"assist: "

struct indicator {
	pid_t pid;		/* the child; 0 once waited for */
	struct ipc ipc;		/* our end of the socketpair */
	bool gone;		/* closed, failed or misbehaved */
};

const char *
indicator_action_name(enum indicator_action a)
{
	switch (a) {
	case INDICATOR_NONE:
		return "NONE";
	case INDICATOR_END:
		return "END";
	case INDICATOR_VIEW_ONLY:
		return "VIEW_ONLY";
	case INDICATOR_GONE:
		return "GONE";
	}
	return "?";
}

/* ---- Pure parts. */

void
indicator_label(char *dst, size_t dstsz, const char *helper, int mode)
{
	char name[INDICATOR_NAME_MAX + 1];

	if (dstsz == 0)
		return;
	log_sanitize(name, sizeof(name), helper != NULL ? helper : "",
	    helper != NULL ? strnlen(helper, IPC_MAX_STR) : 0);
	snprintf(dst, dstsz < INDICATOR_TEXT_MAX ? dstsz : INDICATOR_TEXT_MAX,
	    mode == IPC_MODE_VIEW ? "%s is viewing your screen" :
	    "%s controls your screen", name);
}

void
indicator_title(char *dst, size_t dstsz, const char *helper, int mode)
{
	/* room for the "assist: " prefix within INDICATOR_TEXT_MAX */
	char label[INDICATOR_TEXT_MAX - (sizeof(INDICATOR_TITLE_PREFIX) - 1)];

	if (dstsz == 0)
		return;
	indicator_label(label, sizeof(label), helper, mode);
	snprintf(dst, dstsz < INDICATOR_TEXT_MAX ? dstsz : INDICATOR_TEXT_MAX,
	    INDICATOR_TITLE_PREFIX "%s", label);
}

static int
clamp_dim(int v)
{
	return v < 0 ? 0 : v > INDICATOR_MAX_DIM ? INDICATOR_MAX_DIM : v;
}

static void
button_rect(struct indicator_rect *r, int x, int y, int text_w, int line_h)
{
	r->x = x;
	r->y = y;
	r->w = text_w + 2 * INDICATOR_BTN_PADX;
	r->h = line_h + 2 * INDICATOR_BTN_PADY;
}

void
indicator_layout(struct indicator_layout *l,
		 const struct indicator_metrics *m, bool show_view)
{
	int ascent = clamp_dim(m->ascent), line_h = ascent +
	    clamp_dim(m->descent);
	int row = INDICATOR_PAD + line_h + INDICATOR_GAP, right;

	memset(l, 0, sizeof(*l));
	l->show_view = show_view;
	l->label_x = INDICATOR_PAD;
	l->label_baseline = INDICATOR_PAD + ascent;
	button_rect(&l->end, INDICATOR_PAD, row, clamp_dim(m->end_w), line_h);
	right = l->end.x + l->end.w;
	if (show_view) {
		button_rect(&l->view, right + INDICATOR_GAP, row,
		    clamp_dim(m->view_w), line_h);
		right = l->view.x + l->view.w;
	}
	l->w = INDICATOR_PAD + clamp_dim(m->label_w);
	if (l->w < right)
		l->w = right;
	l->w += INDICATOR_PAD;
	if (l->w < INDICATOR_MIN_W)
		l->w = INDICATOR_MIN_W;
	l->h = l->end.y + l->end.h + INDICATOR_PAD;
}

static bool
rect_has(const struct indicator_rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

enum indicator_action
indicator_hit(const struct indicator_layout *l, int x, int y)
{
	if (rect_has(&l->end, x, y))
		return INDICATOR_END;
	if (l->show_view && rect_has(&l->view, x, y))
		return INDICATOR_VIEW_ONLY;
	return INDICATOR_NONE;
}

/* ---- Messages between the monitor and the indicator's process. */

int
indicator_send_action(struct ipc *c, enum indicator_action a)
{
	uint8_t b = (uint8_t)a;

	if (a != INDICATOR_END && a != INDICATOR_VIEW_ONLY)
		return BUF_ERR_FORMAT;
	return ipc_send(c, INDICATOR_MSG_ACTION, &b, 1);
}

int
indicator_send_fail(struct ipc *c, const char *why)
{
	return ipc_send_str(c, INDICATOR_MSG_FAIL, why);
}

int
indicator_send_show(struct ipc *c, uint8_t mode, const char *helper)
{
	struct buf b;
	int r;

	if (mode != IPC_MODE_VIEW && mode != IPC_MODE_CONTROL)
		return BUF_ERR_FORMAT;
	if (strlen(helper) > IPC_MAX_STR)
		return BUF_ERR_LIMIT;
	buf_init(&b, IPC_MAX_STR + 16);
	if ((r = buf_put_u8(&b, mode)) == BUF_OK &&
	    (r = buf_put_cstring(&b, helper)) == BUF_OK)
		r = ipc_send(c, INDICATOR_MSG_SHOW, buf_ptr(&b), buf_avail(&b));
	buf_free(&b);
	return r;
}

int
indicator_decode_action(struct buf *body, enum indicator_action *a)
{
	uint8_t v;
	int r;

	if ((r = buf_get_u8(body, &v)) != BUF_OK)
		return r;
	if (buf_avail(body) != 0)
		return BUF_ERR_FORMAT;
	if (v != INDICATOR_END && v != INDICATOR_VIEW_ONLY)
		return BUF_ERR_FORMAT;
	*a = (enum indicator_action)v;
	return BUF_OK;
}

int
indicator_decode_show(struct buf *body, uint8_t *mode, char **helper)
{
	char *s = NULL;
	uint8_t m;
	int r;

	if ((r = buf_get_u8(body, &m)) != BUF_OK)
		return r;
	if (m != IPC_MODE_VIEW && m != IPC_MODE_CONTROL)
		return BUF_ERR_FORMAT;
	if ((r = buf_get_cstring(body, IPC_MAX_STR, &s)) != BUF_OK)
		return r;
	if (buf_avail(body) != 0) {
		free(s);
		return BUF_ERR_FORMAT;
	}
	*mode = m;
	*helper = s;
	return BUF_OK;
}

int
indicator_decode_fail(struct buf *body, char **why)
{
	char *s = NULL;
	int r;

	if ((r = buf_get_cstring(body, INDICATOR_WHY_MAX, &s)) != BUF_OK)
		return r;
	if (buf_avail(body) != 0) {
		free(s);
		return BUF_ERR_FORMAT;
	}
	*why = s;
	return BUF_OK;
}

/* ---- The child process. */

/*
 * In the new child: nothing of the monitor's signal handling (its
 * handlers write to the monitor's self-pipe), descriptors or terminal
 * input is kept. Returns 0, or -1 when the child must not go on.
 */
static int
child_prepare(int fd, pid_t parent)
{
	struct sigaction sa;
	sigset_t none;
	int s, null;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (s = 1; s < NSIG; s++)
		(void)sigaction(s, &sa, NULL);	/* some refuse: fine */
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/* The terminal's ^C and hang-up are the monitor's business; the
	 * child ends when the monitor closes its socket or dies. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		return -1;
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
	    dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0)
		return -1;
	if (fd != INDICATOR_FD && dup2(fd, INDICATOR_FD) < 0)
		return -1;
	/* Every other descriptor of the monitor's (listeners, network
	 * processes' sockets, the transcript) goes. */
	if (close_range(INDICATOR_FD + 1, ~0U, 0) != 0)
		return -1;
	log_set_prefix("assistd[indicator]");
	return 0;
}

static void
indicator_child(int fd, const char *display, pid_t parent)
{
	if (child_prepare(fd, parent) != 0)
		_exit(INDICATOR_X11_EXIT_ERROR);
	_exit(indicator_x11_run(INDICATOR_FD, display));
}

/* Waits for the child, at most INDICATOR_CLOSE_MS, then kills it. A
 * child already reaped by someone else's waitpid(-1) (the monitor's
 * SIGCHLD handling) is not signalled: its PID may be reused. */
static void
indicator_reap(struct indicator *ind)
{
	long long end = clock_now_ms() + INDICATOR_CLOSE_MS;
	pid_t r;

	while (ind->pid > 0) {
		r = waitpid(ind->pid, NULL, WNOHANG);
		if (r == ind->pid || (r < 0 && errno != EINTR)) {
			ind->pid = 0;
			break;
		}
		if (r == 0 && clock_now_ms() >= end) {
			kill(ind->pid, SIGKILL);
			(void)waitpid(ind->pid, NULL, 0);
			ind->pid = 0;
			break;
		}
		if (r == 0)
			(void)poll(NULL, 0, 10);
	}
}

/* Ends the child's use: no more messages either way; it exits on EOF,
 * or is killed when it misbehaved. */
static void
indicator_fail(struct indicator *ind, const char *why)
{
	if (ind->gone)
		return;
	ind->gone = true;
	log_error("on-screen indicator: %s; the terminal stays in charge",
	    why);
	if (ind->pid > 0 && waitpid(ind->pid, NULL, WNOHANG) == 0)
		kill(ind->pid, SIGKILL);
	shutdown(ind->ipc.fd, SHUT_RDWR);
}

/* The child's first word: READY, or FAIL with why (into err). */
static int
indicator_wait_ready(struct indicator *ind, char *err, size_t errsz)
{
	long long end = clock_now_ms() + INDICATOR_OPEN_MS;
	struct pollfd p = { .fd = ind->ipc.fd, .events = POLLIN };
	struct buf body;
	char *why;
	uint8_t type;
	int r;

	for (;;) {
		r = ipc_next(&ind->ipc, &type, &body);
		if (r == 1 && type == INDICATOR_MSG_READY &&
		    buf_avail(&body) == 0)
			return 0;
		if (r == 1 && type == INDICATOR_MSG_FAIL &&
		    indicator_decode_fail(&body, &why) == BUF_OK) {
			log_sanitize(err, errsz, why, strlen(why));
			free(why);
			return -1;
		}
		if (r != 0) {
			snprintf(err, errsz, "malformed first message");
			return -1;
		}
		if (clock_now_ms() >= end) {
			snprintf(err, errsz, "no answer within %d ms",
			    INDICATOR_OPEN_MS);
			return -1;
		}
		if (poll(&p, 1, (int)(end - clock_now_ms())) < 0 &&
		    errno != EINTR) {
			snprintf(err, errsz, "poll: %s", strerror(errno));
			return -1;
		}
		r = ipc_read(&ind->ipc);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			snprintf(err, errsz, "its process exited");
			return -1;
		}
	}
}

struct indicator *
indicator_open(const char *display, char *err, size_t errsz)
{
	struct indicator *ind;
	pid_t parent = getpid();
	int sv[2];

	if (display == NULL || display[0] == '\0') {
		snprintf(err, errsz, "no X display (DISPLAY is not set)");
		return NULL;
	}
	if (strlen(display) > INDICATOR_DISPLAY_MAX) {
		snprintf(err, errsz, "DISPLAY is longer than %d bytes",
		    INDICATOR_DISPLAY_MAX);
		return NULL;
	}
	if ((ind = calloc(1, sizeof(*ind))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(err, errsz, "socketpair: %s", strerror(errno));
		free(ind);
		return NULL;
	}
	fflush(NULL);	/* nothing buffered is written twice */
	if ((ind->pid = fork()) < 0) {
		snprintf(err, errsz, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		free(ind);
		return NULL;
	}
	if (ind->pid == 0) {
		close(sv[0]);
		indicator_child(sv[1], display, parent);
	}
	close(sv[1]);
	(void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
	ipc_init(&ind->ipc, sv[0]);
	if (indicator_wait_ready(ind, err, errsz) != 0) {
		ind->gone = true;
		if (waitpid(ind->pid, NULL, WNOHANG) == 0)
			kill(ind->pid, SIGKILL);
		indicator_close(ind);
		return NULL;
	}
	return ind;
}

int
indicator_fd(const struct indicator *ind)
{
	return ind->ipc.fd;
}

/* Hands what is queued to the child; a child that cannot take a small
 * message in INDICATOR_SEND_MS is stuck and ended. */
static void
indicator_flush(struct indicator *ind, int r)
{
	if (r != BUF_OK)
		indicator_fail(ind, "cannot queue a message");
	else if (ipc_flush_wait(&ind->ipc, INDICATOR_SEND_MS) != 0)
		indicator_fail(ind, "its process does not read");
}

void
indicator_show(struct indicator *ind, const char *helper, int mode)
{
	char name[IPC_MAX_STR + 1];

	if (ind == NULL || ind->gone)
		return;
	/* A name longer than a message may carry is cut here; the child
	 * cuts it much shorter anyway. */
	snprintf(name, sizeof(name), "%s", helper != NULL ? helper : "");
	indicator_flush(ind, indicator_send_show(&ind->ipc,
	    mode == IPC_MODE_VIEW ? IPC_MODE_VIEW : IPC_MODE_CONTROL, name));
}

void
indicator_hide(struct indicator *ind)
{
	if (ind == NULL || ind->gone)
		return;
	indicator_flush(ind, ipc_send(&ind->ipc, INDICATOR_MSG_HIDE, NULL, 0));
}

/* One message from the child; the strongest action so far in *best. */
static int
indicator_message(struct indicator *ind, uint8_t type, struct buf *body,
		  enum indicator_action *best)
{
	enum indicator_action a;

	if (type != INDICATOR_MSG_ACTION ||
	    indicator_decode_action(body, &a) != BUF_OK) {
		indicator_fail(ind, "malformed message from its process");
		return -1;
	}
	if (a == INDICATOR_END || *best == INDICATOR_NONE)
		*best = a;
	return 0;
}

enum indicator_action
indicator_handle(struct indicator *ind)
{
	enum indicator_action best = INDICATOR_NONE;
	struct buf body;
	uint8_t type;
	int r;

	if (ind == NULL || ind->gone)
		return INDICATOR_GONE;
	for (;;) {
		r = ipc_read(&ind->ipc);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;		/* all read */
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* An action read before the end still counts; the
			 * next call says INDICATOR_GONE. */
			indicator_fail(ind, r == 0 ? "its process exited "
			    "(X server gone?)" : strerror(errno));
			return best != INDICATOR_NONE ? best : INDICATOR_GONE;
		}
		while ((r = ipc_next(&ind->ipc, &type, &body)) == 1)
			if (indicator_message(ind, type, &body, &best) != 0)
				return INDICATOR_GONE;
		if (r < 0) {
			indicator_fail(ind, "oversized message");
			return INDICATOR_GONE;
		}
	}
	return best;
}

void
indicator_close(struct indicator *ind)
{
	if (ind == NULL)
		return;
	/* EOF on its socket is the child's signal to close its window and
	 * exit. */
	close(ind->ipc.fd);
	ipc_free(&ind->ipc);
	indicator_reap(ind);
	free(ind);
}
