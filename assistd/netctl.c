/*
 * netctl: the session as the network process sees it (see netconn.h).
 * It reads the helper's control frames (common/ctlproto.h) and asks the
 * monitor; it relays the monitor's answers (IPC ipc_ctl messages) to the
 * helper: as CTL_WAITING / CTL_STATE frames on the control channel, or,
 * for a plain "ssh -s rfb" without one, as lines on the rfb channel's
 * stderr, which ssh prints. The monitor decides everything; this file
 * only checks order (one HELLO, control requests only in a granted view
 * session, answers only to questions asked) and ends the connection on
 * anything else.
 *
 * Everything here runs inside libssh callbacks (the control pump's
 * receiver, the IPC fd's callback): it queues frames and notes, which
 * netchan.c writes after the poll.
 */
#include "assistd/netconn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/chanpump.h"
#include "common/ctlproto.h"
#include "common/log.h"

#define NETCTL_WHY_MAX	160	/* a protocol error, in words */

/* The limits of both protocols meet here. */
_Static_assert(CTL_MAX_REASON <= IPC_REASON_MAX,
    "a helper's reason must fit IPC_SESSION_REQUEST");
_Static_assert(IPC_MAX_STR <= CTL_MAX_MESSAGE,
    "the monitor's message must fit CTL_STATE");

/* ---- to the helper ---- */

/* Queues one control frame for the helper (no control channel: no-op). */
static void
netctl_send(struct netconn *c, uint8_t type, const struct ctl_msg *m)
{
	struct buf b;
	int r;

	if (c->ctl == NULL || c->ctl->pump == NULL)
		return;
	buf_init(&b, 4 + CTL_MAX_FRAME);
	if ((r = ctl_encode(&b, type, m)) != BUF_OK)
		netconn_end(c, true, "Internal error",
		    "control message: %s", buf_strerror(r));
	else if (chanpump_write(c->ctl->pump, buf_ptr(&b), buf_avail(&b)) !=
	    0)
		netconn_end(c, false, NULL, "control channel full or closed");
	buf_free(&b);
}

static void
netctl_state(struct netconn *c, const char *state, const char *mode,
	     const char *by, const char *message)
{
	struct ctl_msg m;

	memset(&m, 0, sizeof(m));
	m.state = (char *)state;
	m.mode = (char *)mode;
	m.by = (char *)by;
	m.message = (char *)message;
	netctl_send(c, CTL_STATE, &m);
}

/* Names on the wire (ctlproto.h) for IPC values already checked by
 * ipc_decode_ctl. */
static const char *
netctl_mode_name(uint8_t mode)
{
	return mode == IPC_MODE_CONTROL ? "control" : "view";
}

static const char *
netctl_by_name(uint8_t by)
{
	return by == IPC_BY_HELPER ? "helper" : "user";
}

/* Who or what ended a session (CTL_STATE_ENDED's by). */
static const char *
netctl_end_by(uint8_t kind)
{
	switch (kind) {
	case IPC_END_USER:
		return "user";
	case IPC_END_TIMEOUT:
		return "timeout";
	case IPC_END_TRANSCRIPT:
		return "transcript";
	case IPC_END_SHUTDOWN:
		return "shutdown";
	default:
		return "error";
	}
}

/* ---- from the helper ---- */

static void netctl_violation(struct netconn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The helper broke the protocol: logged with its address, told (a
 * STATE "ended" by "error" and the disconnect message), connection
 * ended. */
static void
netctl_violation(struct netconn *c, const char *fmt, ...)
{
	char why[NETCTL_WHY_MAX], msg[NETCTL_WHY_MAX + 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_info("control channel from %s: %s; ending the connection",
	    c->p->peer, why);
	snprintf(msg, sizeof(msg), "protocol error: %s", why);
	netctl_state(c, CTL_STATE_ENDED, "", "error", msg);
	netconn_end(c, false, "Protocol error on the control channel",
	    "protocol error on the control channel: %s", why);
}

static void
netctl_hello(struct netconn *c, const struct ctl_msg *m)
{
	struct ipc_ctl req;

	if (c->hello_seen) {
		netctl_violation(c, "a second hello");
		return;
	}
	c->hello_seen = true;
	if (c->sess != NETSESS_NONE) {
		netctl_violation(c, "hello after a session was asked for");
		return;
	}
	memset(&req, 0, sizeof(req));
	req.mode = strcmp(m->mode, "control") == 0 ? IPC_MODE_CONTROL :
	    IPC_MODE_VIEW;
	req.kind = 1;		/* via the control channel */
	/* Raw (at most CTL_MAX_REASON bytes, no NUL): the monitor escapes
	 * it before it shows or records it. */
	req.text = m->reason;
	log_debug("helper asks for %s access", netctl_mode_name(req.mode));
	if (netconn_ipc_ctl(c, IPC_SESSION_REQUEST, &req) == 0)
		c->sess = NETSESS_WAIT;
}

static void
netctl_request_control(struct netconn *c)
{
	struct ipc_ctl req;

	if (c->sess != NETSESS_GRANTED) {
		netctl_violation(c, "request for control before the session "
		    "was accepted");
		return;
	}
	/* A second press of the helper's key while the user is asked, or
	 * a request already granted: nothing to ask. */
	if (c->mode == IPC_MODE_CONTROL || c->control_asked) {
		log_info("ignored a request for control from %s: %s",
		    c->p->peer, c->control_asked ? "one is pending" :
		    "already in control");
		return;
	}
	memset(&req, 0, sizeof(req));
	log_debug("helper asks for control");
	if (netconn_ipc_ctl(c, IPC_MODE_REQUEST, &req) == 0)
		c->control_asked = true;
}

/* One frame from the helper. */
static void
netctl_frame(struct netconn *c, uint8_t type, struct buf *body)
{
	struct ctl_msg m;
	char err[NETCTL_WHY_MAX];

	if (ctl_decode(type, body, &m, err, sizeof(err)) != 0) {
		netctl_violation(c, "%s", err);
		return;
	}
	switch (type) {
	case CTL_HELLO:
		netctl_hello(c, &m);
		break;
	case CTL_REQUEST_CONTROL:
		netctl_request_control(c);
		break;
	default:
		netctl_violation(c, "message type %u is the server's",
		    (unsigned)type);
		break;
	}
	ctl_msg_free(&m);
}

long
netctl_recv(void *ud, const uint8_t *data, size_t n)
{
	struct netchan *nc = ud;
	struct netconn *c = nc->c;
	struct buf body;
	size_t take;
	uint8_t type, *p;
	int r = 0;

	if (n == 0) {
		nc->eof = true;	/* no more requests; the session goes on */
		return 0;
	}
	if (c->done)
		return (long)n;	/* ending: nothing more is read */
	/* Never full here: what stays after ctl_next is one incomplete frame
	 * of at most CTL_MAX_FRAME bytes after its length. The rest of data
	 * is offered again by the pump. */
	take = c->ctl_in.max - buf_avail(&c->ctl_in);
	if (take > n)
		take = n;
	if (take == 0 || (p = buf_reserve(&c->ctl_in, take)) == NULL) {
		netconn_end(c, true, "Internal error",
		    "control channel buffer");
		return (long)n;
	}
	memcpy(p, data, take);
	buf_commit(&c->ctl_in, take);
	while (!c->done && (r = ctl_next(&c->ctl_in, &type, &body)) == 1)
		netctl_frame(c, type, &body);
	if (!c->done && r < 0)
		netctl_violation(c, "frame length out of range (1..%u)",
		    (unsigned)CTL_MAX_FRAME);
	return (long)take;
}

int
netctl_rfb_asked(struct netconn *c)
{
	struct ipc_ctl req;

	memset(&req, 0, sizeof(req));
	req.mode = IPC_MODE_VIEW;	/* implicit HELLO: view, no reason */
	if (netconn_ipc_ctl(c, IPC_SESSION_REQUEST, &req) != 0)
		return -1;
	c->sess = NETSESS_WAIT;
	log_debug("subsystem %s asked; waiting for the monitor",
	    NETCONN_SUBSYSTEM);
	return 0;
}

/* ---- from the monitor ---- */

static void
netctl_out_of_order(struct netconn *c, const char *what)
{
	netconn_end(c, true, "Internal error", "monitor sent %s out of order",
	    what);
}

static bool
netctl_digits(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CTL_MAX_CODE)
		return false;
	return strspn(s, "0123456789") == n;
}

/* The question is on the user's screen: the helper learns whose answer
 * it waits for and the code to read out. */
static void
netctl_wait(struct netconn *c, const struct ipc_ctl *m)
{
	char user[CTL_MAX_NAME + 1];
	struct ctl_msg w;

	if (c->sess != NETSESS_WAIT) {
		netctl_out_of_order(c, "a consent wait");
		return;
	}
	if (!netctl_digits(m->text)) {
		netconn_end(c, true, "Internal error",
		    "monitor sent a verification code that is not 1..%d "
		    "digits", CTL_MAX_CODE);
		return;
	}
	/* Printable ASCII, at most CTL_MAX_NAME bytes: what ctlproto
	 * accepts, whatever the account name holds. */
	log_sanitize(user, sizeof(user), m->text2, IPC_MAX_STR);
	if (c->ctl != NULL) {
		memset(&w, 0, sizeof(w));
		w.user = user;
		w.code = m->text;
		w.timeout_secs = m->num;
		netctl_send(c, CTL_WAITING, &w);
	} else {
		netchan_note(c->rfb, "assistd: waiting for %s to accept; "
		    "verification code %s (%lu s)\n", user, m->text,
		    (unsigned long)m->num);
	}
	log_debug("the user is asked; verification code sent to the helper");
}

static void
netctl_granted(struct netconn *c, const struct ipc_ctl *m)
{
	if (c->sess != NETSESS_WAIT) {
		netctl_out_of_order(c, "a session grant");
		return;
	}
	c->sess = NETSESS_GRANTED;
	c->mode = m->mode;
	log_debug("session granted (%s)", netctl_mode_name(m->mode));
	if (c->ctl != NULL)
		netctl_state(c, CTL_STATE_ACCEPTED, netctl_mode_name(m->mode),
		    "", "");
	else
		(void)netchan_stream_start(c);
}

static void
netctl_denied(struct netconn *c, const struct ipc_ctl *m)
{
	char w[NETCONN_REASON_MAX - 32];
	const char *state;

	log_sanitize(w, sizeof(w), m->text, IPC_MAX_STR);
	if (c->sess != NETSESS_WAIT) {
		netctl_out_of_order(c, "a session refusal");
		return;
	}
	c->sess = NETSESS_REFUSED;
	if (c->ctl != NULL) {
		/* refused / timeout / busy as such; a refusal for another
		 * reason (assistd stopping, the transcript) is an end. */
		bool other = m->kind != IPC_END_REFUSED &&
		    m->kind != IPC_END_TIMEOUT && m->kind != IPC_END_BUSY;

		state = m->kind == IPC_END_REFUSED ? CTL_STATE_REFUSED :
		    m->kind == IPC_END_TIMEOUT ? CTL_STATE_TIMEOUT :
		    m->kind == IPC_END_BUSY ? CTL_STATE_BUSY : CTL_STATE_ENDED;
		netctl_state(c, state, "", other ? netctl_end_by(m->kind) :
		    "", m->text);
	} else {
		/* ssh prints a channel's stderr on the helper's terminal;
		 * the disconnect message carries the same reason for other
		 * clients. */
		netchan_note(c->rfb, "assistd: session refused: %s\n", w);
	}
	netconn_end(c, false, NULL, "session refused: %s", w);
}

/*
 * The mode changed, or (ipc.h) the answer to the helper's request for
 * control: control by the helper = granted, view by the user = refused
 * or not answered in time (CTL_STATE_CONTROL_REFUSED).
 */
static void
netctl_mode(struct netconn *c, const struct ipc_ctl *m)
{
	bool refused;

	if (c->sess != NETSESS_GRANTED) {
		netctl_out_of_order(c, "a mode change");
		return;
	}
	refused = c->control_asked && m->mode == IPC_MODE_VIEW;
	c->control_asked = false;
	c->mode = m->mode;
	if (refused) {
		log_info("request for control from %s refused", c->p->peer);
		netctl_state(c, CTL_STATE_CONTROL_REFUSED, "view",
		    netctl_by_name(m->kind), "");
		return;
	}
	log_info("access of %s now %s (changed by the %s)", c->p->peer,
	    netctl_mode_name(m->mode), netctl_by_name(m->kind));
	if (c->ctl != NULL)
		netctl_state(c, CTL_STATE_MODE, netctl_mode_name(m->mode),
		    netctl_by_name(m->kind), "");
	else
		netchan_note(c->rfb, "assistd: access now %s (changed by the "
		    "%s)\n", netctl_mode_name(m->mode),
		    netctl_by_name(m->kind));
}

/* The monitor ends the connection: the helper is told why (a STATE
 * "ended", or the channel's stderr for ssh) before it closes. */
static void
netctl_shutdown(struct netconn *c, const struct ipc_ctl *m)
{
	char w[NETCONN_REASON_MAX - 32];
	struct netchan *only = NULL;
	int i;

	log_sanitize(w, sizeof(w), m->text, IPC_MAX_STR);
	if (c->ctl != NULL) {
		netctl_state(c, CTL_STATE_ENDED, "", netctl_end_by(m->kind),
		    m->text);
	} else {
		/* A plain client: its one channel, rfb or not yet. */
		for (i = 0; i < NETCONN_CHANNELS; i++)
			if (c->chans[i].ch != NULL)
				only = &c->chans[i];
		if (only != NULL)
			netchan_note(only, "assistd: %s ended: %s\n",
			    c->streaming ? "session" : "connection", w);
	}
	netconn_end(c, false, w, "shutdown by the monitor: %s", w);
}

void
netctl_from_monitor(struct netconn *c, uint8_t type, const struct ipc_ctl *m)
{
	switch (type) {
	case IPC_CONSENT_WAIT:
		netctl_wait(c, m);
		break;
	case IPC_SESSION_GRANT:
		netctl_granted(c, m);
		break;
	case IPC_SESSION_DENY:
		netctl_denied(c, m);
		break;
	case IPC_MODE:
		netctl_mode(c, m);
		break;
	case IPC_SHUTDOWN:
		netctl_shutdown(c, m);
		break;
	default:
		netconn_end(c, true, "Internal error", "unexpected message "
		    "from the monitor (type %u)", (unsigned)type);
		break;
	}
}
