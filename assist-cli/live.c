/*
 * live: the helper's session after authentication; see live.h.
 *
 * One ssh_event holds the SSH session, a signalfd and (when it is a
 * terminal or a pipe) standard input. Our fd callbacks only read and
 * queue: libssh runs its poll loop nested inside blocking calls such as
 * opening the rfb channel, so they must not call libssh (chanpump.h).
 * Everything else happens between polls, in live_handle(), which runs
 * before every poll so that messages already received never wait.
 *
 * Signals are blocked and read from the signalfd rather than caught:
 * libssh 0.10.6 treats a poll() interrupted by a signal (EINTR) as a
 * broken session (poll.c, ssh_handle_packets), so a handler would kill
 * the connection it wants to close cleanly.
 */
#include "assist-cli/live.h"

#include "assist-cli/control.h"
#include "assist-cli/ctlstate.h"
#include "assist-cli/exitcode.h"
#include "assist-cli/rfbclient.h"
#include "assist-cli/session.h"
#include "assist-cli/viewer.h"
#include "assist-cli/vnclisten.h"
#include "common/png.h"
#include "common/clock.h"
#include "common/ctlproto.h"
#include "common/log.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#define LIVE_STDIN_CHUNK	512	/* bytes read from stdin at once */
#define LIVE_MAX_CMDS		8	/* commands queued between polls */
#define LIVE_MAX_DETAIL		512	/* session.end detail, bytes */

struct live {
	ssh_session ss;
	const struct cli_settings *s;
	const struct live_opts *o;
	struct ctranscript *ct;
	char *err;
	size_t errsz;
	const char *requested;		/* "view" or "control" */

	struct control ctl;
	bool have_ctl;			/* false: an older assistd */
	struct session se;
	bool started;			/* session.start written */

	ssh_event ev;
	bool ss_in_ev;
	int sigfd;
	bool sig_in_ev;
	int signo;			/* a signal asked us to leave */
	bool stdin_in_ev;
	bool stdin_eof;
	char line[LIVE_MAX_LINE];	/* the command line being typed */
	size_t line_len;
	bool line_long;			/* over LIVE_MAX_LINE: ignored */
	enum live_cmd cmds[LIVE_MAX_CMDS];
	size_t n_cmds;

	bool accepted;
	char mode[16];			/* granted: "view", "control", "" */
	bool control_asked;		/* a request for control is open */
	bool waiting_seen;		/* assistd said the question is up */
	unsigned long wait_s;		/* the limit it announced */
	long long deadline;		/* ms: give up waiting; 0: none */
	long long rfb_end_ms;		/* when assistd ended rfb; 0: not */
	char lost[256];			/* why a channel or the link failed */

	bool vnc_in_ev;			/* o->vnc_fd is watched */
	int vnc_client;			/* accepted, not yet relayed; -1 */
	char vnc_peer[VNCLISTEN_MAX_PEER];
	bool snap_done;
	bool want_viewer;		/* open the window at ServerInit */
	struct viewer *viewer;
	int xfd;			/* the viewer's fd in ev; -1 */

	bool done;
	int rc;
	const char *end_reason;		/* session.end's reason */
	char end_detail[LIVE_MAX_DETAIL];
};

/* ---- pure ---- */

enum live_cmd
live_command(const char *line, size_t n)
{
	size_t a = 0, b = n;

	while (a < b && (line[a] == ' ' || line[a] == '\t'))
		a++;
	while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' ||
	    line[b - 1] == '\r'))
		b--;
	if (a == b)
		return LIVE_CMD_NONE;
	if (b - a == 1 && (line[a] == 'c' || line[a] == 'C'))
		return LIVE_CMD_CONTROL;
	if (b - a == 1 && (line[a] == 'q' || line[a] == 'Q'))
		return LIVE_CMD_QUIT;
	return LIVE_CMD_UNKNOWN;
}

/* ---- output ---- */

/* One line for the helper on stdout, now (a script may be waiting). */
static void
live_say(const char *text)
{
	printf("assist-cli: %s\n", text);
	fflush(stdout);
}

/* ---- fd callbacks: read and queue only (see the top) ---- */

static void
live_queue_cmd(struct live *l, enum live_cmd c)
{
	if (c != LIVE_CMD_NONE && l->n_cmds < LIVE_MAX_CMDS)
		l->cmds[l->n_cmds++] = c;
}

/* Feeds typed bytes to the line being assembled; a line over
 * LIVE_MAX_LINE is dropped whole, not cut into commands. */
static void
live_typed(struct live *l, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if (!l->line_long)
				live_queue_cmd(l, live_command(l->line,
				    l->line_len));
			l->line_len = 0;
			l->line_long = false;
		} else if (l->line_len < sizeof(l->line)) {
			l->line[l->line_len++] = p[i];
		} else {
			l->line_long = true;
		}
	}
}

static int
live_stdin_cb(socket_t fd, int revents, void *ud)
{
	struct live *l = ud;
	char chunk[LIVE_STDIN_CHUNK];
	ssize_t r;

	(void)revents;
	if (l->stdin_eof)
		return 0;
	r = read(fd, chunk, sizeof(chunk));
	if (r > 0) {
		live_typed(l, chunk, (size_t)r);
	} else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
		/* EOF only stops the commands: a script's </dev/null or
		 * closed pipe must not end the session. A last line without
		 * a newline still counts. */
		live_typed(l, "\n", 1);
		l->stdin_eof = true;
	}
	return 0;
}

/* A local VNC viewer knocks: accepted and kept for live_poll. */
static int
live_vnc_cb(socket_t fd, int revents, void *ud)
{
	struct live *l = ud;
	int c;

	(void)revents;
	if (l->vnc_client >= 0)
		return 0;
	c = vnclisten_accept(fd, l->vnc_peer, sizeof(l->vnc_peer));
	if (c >= 0)
		l->vnc_client = c;
	return 0;
}

static int
live_signal_cb(socket_t fd, int revents, void *ud)
{
	struct live *l = ud;
	struct signalfd_siginfo si;

	(void)revents;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (l->signo == 0)
			l->signo = (int)si.ssi_signo;
	return 0;
}

/* ---- set-up and tear-down ---- */

/* Commands come from a terminal or a pipe (or socket), not from
 * /dev/null or a file; nor from a terminal we run in the background of
 * (reading it would stop us with SIGTTIN). */
static bool
live_stdin_usable(void)
{
	struct stat st;

	if (isatty(STDIN_FILENO))
		return tcgetpgrp(STDIN_FILENO) == getpgrp();
	return fstat(STDIN_FILENO, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

static int
live_setup(struct live *l)
{
	sigset_t set;

	if (l->ev != NULL)
		return 0;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (l->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		snprintf(l->err, l->errsz, "cannot watch signals: %s",
		    strerror(errno));
		return -1;
	}
	if ((l->ev = ssh_event_new()) == NULL ||
	    ssh_event_add_session(l->ev, l->ss) != SSH_OK) {
		snprintf(l->err, l->errsz, "cannot set up the event loop");
		return -1;
	}
	l->ss_in_ev = true;
	if (ssh_event_add_fd(l->ev, l->sigfd, POLLIN, live_signal_cb, l) !=
	    SSH_OK) {
		snprintf(l->err, l->errsz, "cannot set up the event loop");
		return -1;
	}
	l->sig_in_ev = true;
	if (live_stdin_usable()) {
		if (ssh_event_add_fd(l->ev, STDIN_FILENO, POLLIN,
		    live_stdin_cb, l) != SSH_OK) {
			snprintf(l->err, l->errsz, "cannot watch stdin");
			return -1;
		}
		l->stdin_in_ev = true;
	}
	return 0;
}

/* Channels first (their close may still poll the event), then the
 * event. Signals stay blocked (live.h). */
static void
live_teardown(struct live *l)
{
	if (l->ev != NULL && l->xfd >= 0)
		ssh_event_remove_fd(l->ev, l->xfd);
	l->xfd = -1;
	viewer_close(l->viewer);
	l->viewer = NULL;
	control_close(&l->ctl);
	session_close(&l->se);
	if (l->vnc_client >= 0)
		close(l->vnc_client);
	l->vnc_client = -1;
	if (l->ev != NULL && l->vnc_in_ev)
		ssh_event_remove_fd(l->ev, l->o->vnc_fd);
	l->vnc_in_ev = false;
	if (l->ev != NULL) {
		if (l->stdin_in_ev)
			ssh_event_remove_fd(l->ev, STDIN_FILENO);
		if (l->sig_in_ev)
			ssh_event_remove_fd(l->ev, l->sigfd);
		if (l->ss_in_ev)
			ssh_event_remove_session(l->ev, l->ss);
		ssh_event_free(l->ev);
		l->ev = NULL;
	}
	l->stdin_in_ev = l->sig_in_ev = l->ss_in_ev = false;
	if (l->sigfd >= 0)
		close(l->sigfd);
	l->sigfd = -1;
}

/* ---- outcomes ---- */

/* After a transcript write: on failure the session ends (fail closed,
 * after saying the outcome that was being recorded, if it failed). */
static void
live_wrote(struct live *l, int w)
{
	if (w == 0 || (l->done && l->rc == CLI_EXIT_TRANSCRIPT))
		return;
	l->rc = ctranscript_failclosed(l->ct, l->done ? l->rc : CLI_EXIT_OK,
	    l->err, l->errsz);
	l->done = true;
}

/* No session: the request ended before the user's yes. */
static void
live_no_session(struct live *l, int rc, const char *outcome,
		const char *detail, const char *text)
{
	l->done = true;
	l->rc = rc;
	snprintf(l->err, l->errsz, "%s", text);
	live_wrote(l, ctranscript_consent_outcome(l->ct, outcome,
	    l->requested, NULL, detail));
}

/* The session ends: said now when it is a normal end, else left in err
 * for main's error line; session.end is written after the channels
 * closed (live_finish). */
static void
live_end(struct live *l, int rc, const char *reason, const char *detail,
	 const char *text)
{
	l->done = true;
	l->rc = rc;
	l->end_reason = reason;
	snprintf(l->end_detail, sizeof(l->end_detail), "%s",
	    detail != NULL ? detail : "");
	if (rc == CLI_EXIT_OK)
		live_say(text);
	else
		snprintf(l->err, l->errsz, "%s", text);
}

/* The helper leaves (how: "q", "SIGINT", ...). */
static void
live_leave(struct live *l, const char *how)
{
	if (!l->accepted)
		live_no_session(l, CLI_EXIT_CANCELLED, "cancelled", how,
		    "you left before the user answered");
	else
		live_end(l, CLI_EXIT_OK, "helper_left", how,
		    "you left the session");
}

/* ---- messages from assistd ---- */

static void
live_waiting(struct live *l, const struct ctl_msg *m)
{
	char text[CTLSTATE_MAX_LINE];
	bool for_control = l->accepted;

	live_say(ctlstate_waiting_line(m, for_control, text, sizeof(text)));
	live_wrote(l, ctranscript_consent_wait(l->ct, for_control ? "control" :
	    "session", m->user, m->code, m->timeout_secs));
	if (!l->accepted) {
		l->waiting_seen = true;
		l->wait_s = m->timeout_secs;
		l->deadline = clock_now_ms() +
		    ((long long)m->timeout_secs + LIVE_MARGIN_S) * 1000;
	}
}

static void
live_state(struct live *l, const struct ctl_msg *m)
{
	struct ctlstate_result r;

	ctlstate_interpret(m, l->accepted, l->control_asked, &r);
	switch (r.kind) {
	case CTLSTATE_ACCEPTED:
		l->accepted = true;
		l->deadline = 0;
		snprintf(l->mode, sizeof(l->mode), "%s", r.mode);
		live_say(r.line);
		live_wrote(l, ctranscript_consent_outcome(l->ct, "accepted",
		    l->requested, r.mode, m->message));
		return;
	case CTLSTATE_MODE:
		l->control_asked = false;
		snprintf(l->mode, sizeof(l->mode), "%s", r.mode);
		live_say(r.line);
		live_wrote(l, ctranscript_mode_change(l->ct, r.mode,
		    r.by[0] != '\0' ? r.by : "user"));
		return;
	case CTLSTATE_CONTROL_REFUSED:
		l->control_asked = false;
		live_say(r.line);
		live_wrote(l, ctranscript_control_refused(l->ct, r.by,
		    m->message));
		return;
	default:
		break;
	}
	if (!l->accepted)
		live_no_session(l, r.status, r.outcome != NULL ? r.outcome :
		    "error", r.kind == CTLSTATE_UNEXPECTED ? r.line : m->message,
		    r.line);
	else
		live_end(l, r.status, r.end_reason != NULL ? r.end_reason :
		    "error", r.kind == CTLSTATE_UNEXPECTED ? r.line : m->message,
		    r.line);
}

/* Every whole message received, until one changes the phase: the rest
 * waits for the next round (the rfb channel opens in between). */
static void
live_messages(struct live *l)
{
	char why[512];
	struct ctl_msg m;
	uint8_t type;
	int r;

	while (l->have_ctl && !l->done) {
		bool was = l->accepted;

		if ((r = control_next(&l->ctl, &type, &m, why,
		    sizeof(why))) == 0)
			return;
		if (r < 0) {
			if (l->accepted)
				live_end(l, CLI_EXIT_SESSION, "error", why, why);
			else
				live_no_session(l, CLI_EXIT_SESSION, "error",
				    why, why);
			return;
		}
		if (type == CTL_WAITING)
			live_waiting(l, &m);
		else
			live_state(l, &m);
		ctl_msg_free(&m);
		if (l->accepted != was)
			return;
	}
}

/* ---- the helper's commands ---- */

static void
live_ask_control(struct live *l)
{
	char why[256];

	if (!l->accepted) {
		live_say("the user has not answered yet");
	} else if (!l->have_ctl) {
		live_say("this assistd has no session control: control "
		    "cannot be asked for");
	} else if (strcmp(l->mode, "control") == 0) {
		live_say("you have control already");
	} else if (l->control_asked) {
		live_say("control was asked for; waiting for the user's "
		    "answer");
	} else if (control_send(&l->ctl, CTL_REQUEST_CONTROL,
	    &(struct ctl_msg){ 0 }, why, sizeof(why)) != 0 ||
	    control_after_poll(&l->ctl, why, sizeof(why)) != 0) {
		live_end(l, CLI_EXIT_SESSION, "error", why, why);
	} else {
		l->control_asked = true;
		live_say("asking the user for control");
		live_wrote(l, ctranscript_control_request(l->ct));
	}
}

static void
live_commands(struct live *l)
{
	size_t i;

	for (i = 0; i < l->n_cmds && !l->done; i++) {
		switch (l->cmds[i]) {
		case LIVE_CMD_CONTROL:
			live_ask_control(l);
			break;
		case LIVE_CMD_QUIT:
			live_leave(l, "q");
			break;
		case LIVE_CMD_UNKNOWN:
			live_say("commands: c and Enter asks for control, q "
			    "and Enter leaves");
			break;
		case LIVE_CMD_NONE:
			break;
		}
	}
	l->n_cmds = 0;
}

/* ---- the loop ---- */

/* The connection or a channel failed: after the messages that came
 * before it, say so. */
static void
live_lost(struct live *l)
{
	const char *dm = ssh_get_disconnect_message(l->ss);
	char why[sizeof(l->lost) + 256], safe[256];

	if (dm != NULL && dm[0] != '\0')
		snprintf(why, sizeof(why), "the connection to assistd was "
		    "lost: %s (assistd said: %s)", l->lost,
		    log_sanitize_str(safe, sizeof(safe), dm));
	else
		snprintf(why, sizeof(why), "the connection to assistd was "
		    "lost: %s", l->lost);
	if (l->accepted)
		live_end(l, CLI_EXIT_SESSION, "error", why, why);
	else
		live_no_session(l, CLI_EXIT_SESSION, "error", why, why);
}

/* Deadlines: the answer that never came, assistd's silence after it
 * ended the rfb channel. */
static void
live_deadlines(struct live *l, long long now)
{
	char why[256];

	if (!l->accepted && l->deadline > 0 && now >= l->deadline) {
		if (l->waiting_seen) {
			snprintf(why, sizeof(why), "no answer from the user "
			    "(assistd said nothing %d s after its %lu s limit)",
			    LIVE_MARGIN_S, l->wait_s);
			live_no_session(l, CLI_EXIT_NO_ANSWER, "timeout", why,
			    why);
		} else {
			snprintf(why, sizeof(why), "assistd did not answer the "
			    "request within %ld s", l->s->timeout +
			    LIVE_MARGIN_S);
			live_no_session(l, CLI_EXIT_SESSION, "error", why, why);
		}
	} else if (l->rfb_end_ms > 0 && !l->have_ctl) {
		/* An older assistd has nothing else to say. */
		live_end(l, CLI_EXIT_OK, "server_ended", NULL,
		    "assistd ended the session");
	} else if (l->rfb_end_ms > 0 && now - l->rfb_end_ms >= LIVE_GRACE_MS) {
		live_end(l, CLI_EXIT_SESSION, "error", "rfb channel closed",
		    "assistd closed the screen channel without saying why");
	}
}

/* What happened since the last poll, in order: messages, signals,
 * commands, failures, deadlines. */
static void
live_handle(struct live *l)
{
	char sig[32];

	live_messages(l);
	if (!l->done && l->signo != 0) {
		snprintf(sig, sizeof(sig), "SIG%s",
		    l->signo == SIGINT ? "INT" : l->signo == SIGTERM ? "TERM" :
		    "HUP");
		live_leave(l, sig);
	}
	if (!l->done)
		live_commands(l);
	if (!l->done && l->have_ctl && control_ended(&l->ctl)) {
		snprintf(l->lost, sizeof(l->lost), "assistd closed the "
		    "control channel");
		live_lost(l);
	}
	if (!l->done && (l->lost[0] != '\0' ||
	    (ssh_get_status(l->ss) & (SSH_CLOSED | SSH_CLOSED_ERROR)))) {
		if (l->lost[0] == '\0')
			snprintf(l->lost, sizeof(l->lost), "%s",
			    ssh_get_error(l->ss));
		live_lost(l);
	}
	if (!l->done)
		live_deadlines(l, clock_now_ms());
}

static int
live_timeout(const struct live *l)
{
	long long now = clock_now_ms(), until = -1;

	if (!l->accepted && l->deadline > 0)
		until = l->deadline;
	if (l->rfb_end_ms > 0 &&
	    (until < 0 || l->rfb_end_ms + LIVE_GRACE_MS < until))
		until = l->rfb_end_ms + LIVE_GRACE_MS;
	if (until < 0)
		return -1;
	if (until <= now)
		return 0;
	return until - now > INT_MAX ? INT_MAX : (int)(until - now);
}

/* Between polls: a local viewer that connected gets the stream (and the
 * port closes: one viewer per session); one that left ends it. */
static void
live_vnc_poll(struct live *l)
{
	char why[256];
	int fd = l->vnc_client;

	if (fd >= 0 && !l->done) {
		l->vnc_client = -1;
		ssh_event_remove_fd(l->ev, l->o->vnc_fd);
		l->vnc_in_ev = false;
		if (session_watch_relay(&l->se, l->ss, l->ev, fd, why,
		    sizeof(why)) != 0) {
			live_end(l, CLI_EXIT_SESSION, "error", why, why);
			return;
		}
		snprintf(why, sizeof(why), "VNC viewer %s connected",
		    l->vnc_peer);
		live_say(why);
		live_wrote(l, ctranscript_vnc(l->ct, true, l->vnc_peer,
		    l->o->vnc_addr));
	} else if (!l->done && session_relay_gone(&l->se)) {
		live_wrote(l, ctranscript_vnc(l->ct, false, l->vnc_peer,
		    l->o->vnc_addr));
		if (!l->done)
			live_end(l, CLI_EXIT_OK, "helper_left",
			    "vnc viewer disconnected",
			    "the VNC viewer disconnected; session ended");
	}
}

/* The X connection woke the poll: its events are read in live_viewer. */
static int
live_x_cb(socket_t fd, int revents, void *ud)
{
	(void)fd;
	(void)revents;
	(void)ud;
	return 0;
}

static void
live_viewer_open(struct live *l)
{
	char who[SETTINGS_MAX_TARGET], why[RFBCLIENT_MAX_NAME + 128];

	l->want_viewer = false;
	settings_target(l->s, who, sizeof(who));
	l->viewer = viewer_open(who, strcmp(l->mode, "control") != 0,
	    l->se.rfb->width, l->se.rfb->height, why, sizeof(why));
	if (l->viewer == NULL) {
		live_say(why);
		live_say("no window: the session stays text only");
		return;
	}
	if (ssh_event_add_fd(l->ev, viewer_fd(l->viewer), POLLIN, live_x_cb,
	    l) != SSH_OK) {
		live_end(l, CLI_EXIT_OTHER, "error", "cannot watch the display",
		    "cannot watch the display");
		return;
	}
	l->xfd = viewer_fd(l->viewer);
	snprintf(why, sizeof(why), "showing \"%s\" (%ux%u) in a window",
	    l->se.rfb->name, l->se.rfb->width, l->se.rfb->height);
	live_say(why);
}

/* Between polls: the window opens once ServerInit arrived, then shows
 * what changed and sends the helper's input (control mode only). */
static void
live_viewer(struct live *l)
{
	struct rfbclient_box b;
	struct buf out;
	char why[256];
	int closed;

	if (l->done || l->se.rfb == NULL)
		return;
	if (l->want_viewer && l->se.rfb->phase == RFBCLIENT_RUN)
		live_viewer_open(l);
	if (l->viewer == NULL || l->done)
		return;
	viewer_set_mode(l->viewer, strcmp(l->mode, "control") != 0);
	rfbclient_take_dirty(l->se.rfb, &b);
	if (viewer_show(l->viewer, l->se.rfb, &b, why, sizeof(why)) != 0) {
		live_end(l, CLI_EXIT_OTHER, "error", why, why);
		return;
	}
	buf_init(&out, SESSION_MAX_PENDING);
	closed = viewer_events(l->viewer, l->se.rfb, &out);
	if (buf_avail(&out) > 0 && session_send(&l->se, buf_ptr(&out),
	    buf_avail(&out)) != 0)
		log_debug("input dropped: the channel is full");
	buf_free(&out);
	if (closed)
		live_end(l, CLI_EXIT_OK, "helper_left", "window closed",
		    "you closed the window; session ended");
}

/* --snapshot: once the first full update is decoded, the PNG, then the
 * end of the session. */
static void
live_snapshot(struct live *l)
{
	const struct rfbclient *c = l->se.rfb;
	char why[RFBCLIENT_MAX_NAME + ARGS_MAX_PATH + 64];
	char perr[LIVE_MAX_DETAIL - 1];

	if (l->o->snapshot == NULL || l->snap_done || l->done || c == NULL ||
	    c->updates == 0)
		return;
	l->snap_done = true;
	if (png_write_file(l->o->snapshot, c->px, c->width, c->height,
	    c->width, perr, sizeof(perr)) != 0) {
		live_end(l, CLI_EXIT_OTHER, "error", perr, perr);
		return;
	}
	live_wrote(l, ctranscript_snapshot(l->ct, l->o->snapshot, c->width,
	    c->height));
	if (l->done)
		return;
	snprintf(why, sizeof(why), "snapshot of \"%s\" (%ux%u) written to "
	    "%s", c->name, c->width, c->height, l->o->snapshot);
	live_end(l, CLI_EXIT_OK, "helper_left", "--snapshot", why);
}

/* Waits for something to happen, then moves the channels. */
static void
live_poll(struct live *l)
{
	char why[sizeof(l->lost)];
	int r;

	/* SSH_ERROR here is a socket failure: the status check in
	 * live_handle says so after the messages that came before it. */
	(void)ssh_event_dopoll(l->ev, live_timeout(l));
	if (l->have_ctl && l->lost[0] == '\0' &&
	    control_after_poll(&l->ctl, why, sizeof(why)) != 0)
		snprintf(l->lost, sizeof(l->lost), "%s", why);
	if (l->se.pump != NULL && l->lost[0] == '\0') {
		r = session_after_poll(&l->se, why, sizeof(why));
		if (r < 0)
			snprintf(l->lost, sizeof(l->lost), "%s", why);
		else if (r > 0 && l->rfb_end_ms == 0)
			l->rfb_end_ms = clock_now_ms();
	}
	live_vnc_poll(l);
	live_snapshot(l);
	live_viewer(l);
	if (l->stdin_eof && l->stdin_in_ev) {
		/* Between polls only (chanpump.h); at EOF poll would
		 * report stdin readable for ever. */
		ssh_event_remove_fd(l->ev, STDIN_FILENO);
		l->stdin_in_ev = false;
	}
}

/* Until done, or (until_accepted) until the user's yes. */
static void
live_loop(struct live *l, bool until_accepted)
{
	for (;;) {
		live_handle(l);
		if (l->done || (until_accepted && l->accepted))
			return;
		live_poll(l);
	}
}

/* ---- the session ---- */

/* Closes the channels, then session.end (with the bytes), once the
 * session started and the transcript still works. */
static int
live_finish(struct live *l)
{
	int w;

	live_teardown(l);
	if (!l->started || l->rc == CLI_EXIT_TRANSCRIPT)
		return l->rc;
	w = ctranscript_session_end(l->ct, l->end_reason != NULL ?
	    l->end_reason : "error", l->end_detail[0] != '\0' ?
	    l->end_detail : NULL, &l->se);
	if (w != 0)
		l->rc = ctranscript_failclosed(l->ct, l->rc, l->err, l->errsz);
	return l->rc;
}

/* How the rfb channel is used: decoded (--snapshot), relayed to a local
 * viewer once one connects (--vnc-listen), or only held (text only).
 * 0, or -1 with err. */
static int
live_watch(struct live *l)
{
	struct rfb_pixfmt f;
	char line[256];

	if (l->o->snapshot != NULL) {
		if (rfbclient_pixfmt_for_bpp(l->o->pixel_format != 0 ?
		    l->o->pixel_format : 32, &f) != 0) {
			snprintf(l->err, l->errsz, "bad pixel format");
			return -1;
		}
		return session_watch_decode(&l->se, l->ss, l->ev, &f, l->err,
		    l->errsz);
	}
	if (l->o->vnc_fd >= 0) {
		if (ssh_event_add_fd(l->ev, l->o->vnc_fd, POLLIN, live_vnc_cb,
		    l) != SSH_OK) {
			snprintf(l->err, l->errsz, "cannot watch the VNC port");
			return -1;
		}
		l->vnc_in_ev = true;
		snprintf(line, sizeof(line), "waiting for a VNC viewer on %s "
		    "(one connection)", l->o->vnc_addr);
		live_say(line);
		return 0;
	}
	if (getenv("DISPLAY") == NULL || getenv("DISPLAY")[0] == '\0') {
		live_say("no DISPLAY: no screen shown (use --snapshot FILE or "
		    "--vnc-listen PORT to see it)");
		return session_watch(&l->se, l->ss, l->ev, l->err, l->errsz);
	}
	l->want_viewer = true;
	(void)rfbclient_pixfmt_for_bpp(l->o->pixel_format != 0 ?
	    l->o->pixel_format : 32, &f);
	return session_watch_decode(&l->se, l->ss, l->ev, &f, l->err,
	    l->errsz);
}

/* The rfb channel is open and recorded: use it until the end. */
static int
live_use(struct live *l)
{
	char why[256];

	l->started = true;
	(void)session_run(&l->se, l->s, why, sizeof(why));
	if (l->o->exit_after_accept) {
		l->done = true;
		l->rc = CLI_EXIT_OK;
		l->end_reason = "helper_left";
		snprintf(l->end_detail, sizeof(l->end_detail),
		    "--exit-after-accept");
		return live_finish(l);
	}
	if (live_setup(l) != 0 || live_watch(l) != 0) {
		live_end(l, CLI_EXIT_OTHER, "error", l->err, l->err);
		return live_finish(l);
	}
	if (l->stdin_in_ev)
		live_say(l->have_ctl && strcmp(l->mode, "view") == 0 ?
		    "type c and Enter to ask for control, q and Enter (or "
		    "Ctrl-C) to leave" : "type q and Enter (or Ctrl-C) to "
		    "leave");
	else
		live_say("Ctrl-C (or SIGTERM) leaves the session");
	live_loop(l, false);
	return live_finish(l);
}

/* The rfb channel opened (rc CLI_EXIT_OK) or not: recorded (with the
 * mode granted, NULL without the control channel), then used. */
static int
live_opened(struct live *l, int rc, const char *mode)
{
	int w = ctranscript_session(l->ct, rc, l->err, mode);

	if (w != 0) {
		l->rc = ctranscript_failclosed(l->ct, rc, l->err, l->errsz);
		return live_finish(l);
	}
	if (rc != CLI_EXIT_OK) {
		l->rc = rc;
		return live_finish(l);
	}
	l->accepted = true;
	return live_use(l);
}

/* The user said yes: the rfb channel, recorded before it is used. */
static int
live_session(struct live *l)
{
	return live_opened(l, session_open(l->ss, l->s, &l->se, l->err,
	    l->errsz), l->mode);
}

/* The first request fails before any answer: recorded as a refused
 * session (the request never reached the user). */
static int
live_deny(struct live *l, int rc)
{
	int w = ctranscript_session(l->ct, rc, l->err, NULL);

	l->rc = w != 0 ? ctranscript_failclosed(l->ct, rc, l->err, l->errsz) :
	    rc;
	live_teardown(l);
	return l->rc;
}

/* With the control channel: HELLO, the answer, then the session. */
static int
live_controlled(struct live *l)
{
	struct ctl_msg hello = {
		.version = CTL_VERSION,
		.mode = (char *)l->requested,
		.reason = (char *)(l->o->reason != NULL ? l->o->reason : ""),
	};

	l->have_ctl = true;
	if (live_setup(l) != 0)
		return live_deny(l, CLI_EXIT_OTHER);
	if (control_watch(&l->ctl, l->ss, l->ev, l->err, l->errsz) != 0 ||
	    control_send(&l->ctl, CTL_HELLO, &hello, l->err, l->errsz) != 0 ||
	    control_after_poll(&l->ctl, l->err, l->errsz) != 0)
		return live_deny(l, CLI_EXIT_SESSION);
	log_debug("asked assistd for %s access", l->requested);
	l->deadline = clock_now_ms() +
	    ((long long)l->s->timeout + LIVE_MARGIN_S) * 1000;
	live_loop(l, true);
	if (l->done) {
		live_teardown(l);
		return l->rc;
	}
	return live_session(l);
}

/* An older assistd refused the control channel: the plain rfb request
 * on the same channel (that assistd takes one channel only), no consent
 * step to show. */
static int
live_legacy(struct live *l)
{
	char target[SETTINGS_MAX_TARGET], why[CTRANSCRIPT_MAX_ERR];
	int rc;

	rc = session_open_on(control_take_channel(&l->ctl), l->s, &l->se,
	    l->err, l->errsz);
	if (rc != CLI_EXIT_OK) {
		/* One error line that says both refusals. */
		snprintf(why, sizeof(why), "%s", l->err);
		snprintf(l->err, l->errsz, "%s (after refusing subsystem "
		    "\"%s\")", why, CTL_SUBSYSTEM);
	} else {
		log_info("warning: %s offers no session control (an older "
		    "assistd?); its screen channel was opened directly",
		    settings_target(l->s, target, sizeof(target)));
	}
	return live_opened(l, rc, NULL);
}

int
live_run(ssh_session ss, const struct cli_settings *s,
	 const struct live_opts *o, struct ctranscript *ct, char *err,
	 size_t errsz)
{
	struct live l;
	int r;

	memset(&l, 0, sizeof(l));
	l.ss = ss;
	l.s = s;
	l.o = o;
	l.ct = ct;
	l.err = err;
	l.errsz = errsz;
	l.sigfd = -1;
	l.vnc_client = -1;
	l.xfd = -1;
	l.requested = o->view_only ? "view" : "control";
	r = control_open(ss, &l.ctl, err, errsz);
	if (r == CONTROL_DENIED)
		return live_legacy(&l);
	if (r != 0)
		return live_deny(&l, CLI_EXIT_SESSION);
	return live_controlled(&l);
}
