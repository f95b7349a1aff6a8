/*
 * netchan: the session channels of a connection (see netconn.h). At
 * most two: subsystem "assist-control" first, then "rfb" once the
 * session was granted; or one plain "rfb" alone (ssh -s rfb). Everything
 * else is refused and logged: pty, shell, exec, env, x11, agent, port
 * forwarding, other subsystems, a channel beyond those. Channel requests
 * without a callback here reach the message callback, which refuses
 * them: libssh then answers CHANNEL_FAILURE / OPEN_FAILURE.
 *
 * Every byte to the helper goes through a chanpump (written after
 * ssh_event_dopoll, libssh 0.10.6's rules in chanpump.h), and stderr
 * notes are written between polls too, never from a libssh callback.
 */
#include "assistd/netconn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/chanpump.h"
#include "common/clock.h"
#include "common/ctlproto.h"
#include "common/log.h"

#define NETCHAN_TEXT_MAX	128	/* peer text quoted in the log */
#define NETCHAN_CLOSE_WAIT_MS	2000	/* for the helper's CHANNEL_CLOSE */

/* The session stream's receiver while the RFB server does not exist yet
 * (a later issue): counted and dropped; before the grant nothing is
 * forwarded anyway. n == 0 is the helper's EOF. Runs inside libssh
 * (chanpump.h): no libssh call here. */
static long
netchan_rfb_recv(void *ud, const uint8_t *data, size_t n)
{
	struct netchan *nc = ud;
	struct netconn *c = nc->c;

	(void)data;
	if (n == 0) {
		nc->eof = true;
		return 0;
	}
	if (!c->streaming)
		c->dropped_early += n;
	c->dropped += n;
	return (long)n;
}

static void
netchan_eof(ssh_session s, ssh_channel ch, void *ud)
{
	struct netchan *nc = ud;

	(void)s;
	(void)ch;
	log_debug("helper sent EOF on the %s channel", nc->kind == NETCHAN_CTL ?
	    CTL_SUBSYSTEM : nc->kind == NETCHAN_RFB ? NETCONN_SUBSYSTEM :
	    "session");
}

static void
netchan_closed(ssh_session s, ssh_channel ch, void *ud)
{
	struct netchan *nc = ud;

	(void)s;
	(void)ch;
	nc->remote_closed = true;
	/* A channel that never carried anything (its subsystem was refused)
	 * is only freed, in netchan_after_poll. */
	if (nc->kind == NETCHAN_CTL)
		netconn_end(nc->c, false, NULL,
		    "helper closed the control channel");
	else if (nc->kind == NETCHAN_RFB)
		netconn_end(nc->c, false, NULL, "helper closed the session");
}

/* A pump on nc with receiver fn; false (and c ended) on failure. */
static bool
netchan_pump(struct netchan *nc, size_t max, chanpump_recv_fn fn)
{
	struct netconn *c = nc->c;

	nc->pump = chanpump_new(c->s, nc->ch, c->ev, max);
	if (nc->pump == NULL || chanpump_set_recv(nc->pump, fn, nc) != 0) {
		netconn_end(c, true, "Internal error",
		    "cannot start a channel pump");
		return false;
	}
	return true;
}

/* "assist-control": only as the first channel, before any session. */
static int
netchan_want_ctl(struct netconn *c, struct netchan *nc)
{
	if (c->ctl != NULL || c->rfb != NULL || c->sess != NETSESS_NONE) {
		log_info("refused subsystem \"%s\": it must be the first",
		    CTL_SUBSYSTEM);
		return 1;
	}
	if (!netchan_pump(nc, NETCONN_CTL_PUMP_MAX, netctl_recv))
		return 1;
	nc->kind = NETCHAN_CTL;
	c->ctl = nc;
	log_debug("control channel open");
	return 0;
}

/* "rfb": after the control channel's grant, or alone as an implicit
 * view-only request. */
static int
netchan_want_rfb(struct netconn *c, struct netchan *nc)
{
	if (c->rfb != NULL) {
		log_info("refused subsystem \"%s\": already running",
		    NETCONN_SUBSYSTEM);
		return 1;
	}
	if (c->ctl != NULL && c->sess != NETSESS_GRANTED) {
		log_info("refused subsystem \"%s\" from %s: the session was "
		    "not accepted", NETCONN_SUBSYSTEM, c->p->peer);
		return 1;
	}
	if (c->ctl == NULL && c->sess != NETSESS_NONE) {
		log_info("refused subsystem \"%s\": a session was already "
		    "asked for", NETCONN_SUBSYSTEM);
		return 1;
	}
	if (!netchan_pump(nc, NETCONN_PUMP_MAX, netchan_rfb_recv))
		return 1;
	nc->kind = NETCHAN_RFB;
	c->rfb = nc;
	if (c->ctl != NULL)
		return netchan_stream_start(c) == 0 ? 0 : 1;
	return netctl_rfb_asked(c) == 0 ? 0 : 1;
}

static int
netchan_subsystem(ssh_session s, ssh_channel ch, const char *name, void *ud)
{
	struct netchan *nc = ud;
	struct netconn *c = nc->c;
	char n[NETCHAN_TEXT_MAX];

	(void)s;
	(void)ch;
	log_sanitize(n, sizeof(n), name, NETCHAN_TEXT_MAX);
	if (c->done) {
		/* The connection is ending (say the monitor's shutdown came
		 * between the channel's open and this request): ssh would
		 * exit at a refusal before it read why, so a subsystem of
		 * ours is said yes to, nothing is served, and the reason
		 * goes to the channel's stderr before its close. */
		return nc->kind == NETCHAN_UNSET &&
		    (strcmp(name, CTL_SUBSYSTEM) == 0 ||
		    strcmp(name, NETCONN_SUBSYSTEM) == 0) ? 0 : 1;
	}
	if (nc->kind != NETCHAN_UNSET) {
		log_info("refused subsystem \"%s\": the channel already runs "
		    "one", n);
		return 1;
	}
	if (strcmp(name, CTL_SUBSYSTEM) == 0)
		return netchan_want_ctl(c, nc);
	if (strcmp(name, NETCONN_SUBSYSTEM) == 0)
		return netchan_want_rfb(c, nc);
	log_info("refused subsystem \"%s\" (only \"%s\" and \"%s\")", n,
	    CTL_SUBSYSTEM, NETCONN_SUBSYSTEM);
	return 1;
}

/* Agent forwarding: OpenSSH asks with want_reply=0 and libssh 0.10.6
 * swallows the request; refusing means never opening an agent channel
 * back, and saying so. */
static void
netchan_agent(ssh_session s, ssh_channel ch, void *ud)
{
	(void)s;
	(void)ch;
	(void)ud;
	log_info("refused agent forwarding");
}

/* A free slot for a new channel, or NULL with the refusal logged: a
 * second channel only beside a control channel. */
static struct netchan *
netchan_slot(struct netconn *c)
{
	struct netchan *free_slot = NULL;
	int i, open = 0;

	for (i = 0; i < NETCONN_CHANNELS; i++) {
		if (c->chans[i].ch != NULL)
			open++;
		else if (free_slot == NULL)
			free_slot = &c->chans[i];
	}
	if (open > 0 && (c->ctl == NULL || open >= NETCONN_CHANNELS)) {
		log_info("refused a %s session channel%s",
		    open == 1 ? "second" : "third", c->ctl == NULL ?
		    " (only beside a control channel)" : "");
		return NULL;
	}
	return free_slot;
}

static ssh_channel
netchan_open(ssh_session s, void *ud)
{
	struct netconn *c = ud;
	struct netchan *nc;
	ssh_channel ch;

	if (!c->authenticated || c->done) {
		log_info("refused a session channel");
		return NULL;
	}
	if ((nc = netchan_slot(c)) == NULL)
		return NULL;
	if ((ch = ssh_channel_new(s)) == NULL) {
		log_error("ssh_channel_new: %s", ssh_get_error(s));
		return NULL;
	}
	memset(nc, 0, sizeof(*nc));
	nc->c = c;
	ssh_callbacks_init(&nc->cb);
	nc->cb.userdata = nc;
	nc->cb.channel_eof_function = netchan_eof;
	nc->cb.channel_close_function = netchan_closed;
	nc->cb.channel_subsystem_request_function = netchan_subsystem;
	nc->cb.channel_auth_agent_req_function = netchan_agent;
	if (ssh_set_channel_callbacks(ch, &nc->cb) != SSH_OK) {
		ssh_channel_free(ch);
		return NULL;
	}
	nc->ch = ch;
	log_debug("session channel open");
	return ch;
}

void
netchan_setup(struct netconn *c)
{
	c->server_cb.channel_open_request_session_function = netchan_open;
}

static const char *
netchan_open_name(int sub)
{
	switch (sub) {
	case SSH_CHANNEL_SESSION:
		return "a session channel";
	case SSH_CHANNEL_DIRECT_TCPIP:
		return "port forwarding (direct-tcpip)";
	case SSH_CHANNEL_FORWARDED_TCPIP:
		return "forwarded-tcpip channel";
	case SSH_CHANNEL_X11:
		return "X11 channel";
	case SSH_CHANNEL_AUTH_AGENT:
		return "agent channel";
	default:
		return "unknown channel type";
	}
}

static const char *
netchan_request_name(int sub)
{
	switch (sub) {
	case SSH_CHANNEL_REQUEST_PTY:
		return "pty";
	case SSH_CHANNEL_REQUEST_EXEC:
		return "exec";
	case SSH_CHANNEL_REQUEST_SHELL:
		return "shell";
	case SSH_CHANNEL_REQUEST_ENV:
		return "env";
	case SSH_CHANNEL_REQUEST_SUBSYSTEM:
		return "subsystem";
	case SSH_CHANNEL_REQUEST_WINDOW_CHANGE:
		return "window-change";
	case SSH_CHANNEL_REQUEST_X11:
		return "X11 forwarding";
	default:
		return "unknown channel request";
	}
}

static const char *
netchan_global_name(int sub)
{
	switch (sub) {
	case SSH_GLOBAL_REQUEST_TCPIP_FORWARD:
		return "remote port forwarding (tcpip-forward)";
	case SSH_GLOBAL_REQUEST_CANCEL_TCPIP_FORWARD:
		return "cancel-tcpip-forward";
	case SSH_GLOBAL_REQUEST_KEEPALIVE:
		return "keepalive";
	default:
		return "unknown global request";
	}
}

int
netchan_message(struct netconn *c, ssh_message m)
{
	int sub = ssh_message_subtype(m);
	char t[NETCHAN_TEXT_MAX];
	const char *s;

	(void)c;
	switch (ssh_message_type(m)) {
	case SSH_REQUEST_CHANNEL_OPEN:
		log_info("refused %s", netchan_open_name(sub));
		break;
	case SSH_REQUEST_CHANNEL:
		if (sub == SSH_CHANNEL_REQUEST_EXEC &&
		    (s = ssh_message_channel_request_command(m)) != NULL) {
			log_info("refused exec \"%s\"",
			    log_sanitize(t, sizeof(t), s, NETCHAN_TEXT_MAX));
			break;
		}
		if (sub == SSH_CHANNEL_REQUEST_ENV &&
		    (s = ssh_message_channel_request_env_name(m)) != NULL) {
			log_info("refused env %s",
			    log_sanitize(t, sizeof(t), s, NETCHAN_TEXT_MAX));
			break;
		}
		log_info("refused %s", netchan_request_name(sub));
		break;
	case SSH_REQUEST_GLOBAL:
		if (sub == SSH_GLOBAL_REQUEST_KEEPALIVE)
			log_debug("answered keepalive");
		else
			log_info("refused %s", netchan_global_name(sub));
		break;
	default:
		break;	/* service request: libssh accepts ssh-userauth */
	}
	return 1;
}

int
netchan_stream_start(struct netconn *c)
{
	if (c->rfb == NULL || c->rfb->pump == NULL || c->streaming ||
	    c->sess != NETSESS_GRANTED) {
		netconn_end(c, true, "Internal error",
		    "session stream started out of order");
		return -1;
	}
	if (chanpump_write(c->rfb->pump, NETCONN_GREETING,
	    sizeof(NETCONN_GREETING) - 1) != 0) {
		netconn_end(c, true, "Internal error",
		    "cannot start the session stream");
		return -1;
	}
	c->streaming = true;
	if (c->dropped_early > 0)
		log_info("dropped %llu bytes %s sent on \"%s\" before the "
		    "session was granted", (unsigned long long)c->dropped_early,
		    c->p->peer, NETCONN_SUBSYSTEM);
	log_debug("session granted; serving %s to %s", NETCONN_SUBSYSTEM,
	    c->p->peer);
	return 0;
}

void
netchan_note(struct netchan *nc, const char *fmt, ...)
{
	size_t room;
	va_list ap;
	int n;

	if (nc == NULL || nc->ch == NULL)
		return;
	if ((room = sizeof(nc->note) - nc->note_len) <= 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(nc->note + nc->note_len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	nc->note_len += (size_t)n < room ? (size_t)n : room - 1;
}

/* Writes what is left of nc's note, as far as the peer's window allows
 * (a re-key may take none: retried after the next poll). Between polls
 * only. */
static void
netchan_note_flush(struct netchan *nc)
{
	uint32_t win, n;
	int r;

	if (nc->note_off >= nc->note_len || nc->remote_closed ||
	    !ssh_channel_is_open(nc->ch))
		return;
	if ((win = ssh_channel_window_size(nc->ch)) == 0)
		return;
	n = (uint32_t)(nc->note_len - nc->note_off);
	if (n > win)
		n = win;
	r = ssh_channel_write_stderr(nc->ch, nc->note + nc->note_off, n);
	if (r < 0) {
		log_debug("could not write a note to the helper's channel");
		nc->note_off = nc->note_len;
		return;
	}
	nc->note_off += (size_t)r;
}

void
netchan_count(struct netconn *c)
{
	const struct chanpump_stats *st;

	if (c->rfb == NULL || c->rfb->pump == NULL)
		return;
	st = chanpump_stats(c->rfb->pump);
	c->bytes_in = st->from_channel;
	c->bytes_out = st->to_channel;
}

/* Frees nc's pump and channel (between polls; before ssh_disconnect,
 * which frees every channel itself). */
static void
netchan_free(struct netconn *c, struct netchan *nc)
{
	chanpump_free(nc->pump);
	nc->pump = NULL;
	if (nc->ch != NULL)
		ssh_channel_free(nc->ch);
	if (c->ctl == nc)
		c->ctl = NULL;
	if (c->rfb == nc)
		c->rfb = NULL;
	memset(nc, 0, sizeof(*nc));
}

static void
netchan_step(struct netconn *c, struct netchan *nc)
{
	if (nc->pump != NULL && chanpump_after_poll(nc->pump) != 0) {
		const char *e = chanpump_error(nc->pump);

		/* The connection itself died: net.c says how (net_closed). */
		if (ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))
			return;
		netconn_end(c, false, NULL, "%s ended: %s",
		    nc->kind == NETCHAN_CTL ? "control channel" :
		    "session stream", e ? e : "channel failed");
		return;
	}
	netchan_note_flush(nc);
	/* The helper's EOF on the stream ends the session once our bytes
	 * are out (before the grant it waits for the monitor's answer). */
	if (nc->kind == NETCHAN_RFB && c->streaming && nc->eof &&
	    chanpump_pending(nc->pump) == 0)
		netconn_end(c, false, NULL, "helper ended the session (EOF)");
	/* A channel whose subsystem was refused and that the helper closed
	 * frees its slot. */
	if (nc->kind == NETCHAN_UNSET && nc->remote_closed && !c->done)
		netchan_free(c, nc);
}

void
netchan_after_poll(struct netconn *c)
{
	int i;

	for (i = 0; i < NETCONN_CHANNELS && !c->done; i++)
		if (c->chans[i].ch != NULL)
			netchan_step(c, &c->chans[i]);
}

/* ---- the end ---- */

/* Every channel's queued bytes and notes written (or nothing to write
 * to any more). */
static bool
netchan_flushed(const struct netconn *c)
{
	int i;

	for (i = 0; i < NETCONN_CHANNELS; i++) {
		const struct netchan *nc = &c->chans[i];

		if (nc->ch == NULL || nc->remote_closed)
			continue;
		if ((nc->pump != NULL && chanpump_pending(nc->pump) > 0 &&
		    chanpump_error(nc->pump) == NULL) ||
		    nc->note_off < nc->note_len)
			return false;
	}
	return true;
}

static bool
netchan_all_closed(const struct netconn *c)
{
	int i;

	for (i = 0; i < NETCONN_CHANNELS; i++)
		if (c->chans[i].ch != NULL && !c->chans[i].remote_closed)
			return false;
	return true;
}

/*
 * Runs the event loop (pumps, notes) until done(c) or NETCHAN_CLOSE_WAIT_MS
 * pass, or the connection dies.
 */
static void
netchan_drain(struct netconn *c, bool (*done)(const struct netconn *))
{
	long long end = clock_now_ms() + NETCHAN_CLOSE_WAIT_MS;
	long long now;
	int i;

	while (!done(c) && (now = clock_now_ms()) < end &&
	    !(ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))) {
		if (ssh_event_dopoll(c->ev, (int)(end - now)) == SSH_ERROR)
			break;
		for (i = 0; i < NETCONN_CHANNELS; i++) {
			struct netchan *nc = &c->chans[i];

			if (nc->ch == NULL)
				continue;
			if (nc->pump != NULL)
				(void)chanpump_after_poll(nc->pump);
			netchan_note_flush(nc);
		}
	}
}

void
netchan_close(struct netconn *c)
{
	/* Exit status 0 for a session that ran and ended normally: ssh
	 * exits with it. */
	int status = c->sess == NETSESS_GRANTED && !c->failed ? 0 : 1;
	bool any = false;
	int i;

	if (c->ev != NULL)
		netchan_drain(c, netchan_flushed);
	/* Like sshd at the end of a subsystem: what is queued, exit status,
	 * EOF, close, and the helper's close before the disconnect, so that
	 * ssh exits with that status rather than "closed by remote host". */
	for (i = 0; i < NETCONN_CHANNELS; i++) {
		struct netchan *nc = &c->chans[i];

		if (nc->ch == NULL)
			continue;
		chanpump_free(nc->pump);
		nc->pump = NULL;
		if (nc->remote_closed || c->ev == NULL ||
		    !ssh_channel_is_open(nc->ch))
			continue;
		/* A note the window held back goes now, in one piece. */
		if (nc->note_off < nc->note_len &&
		    ssh_channel_write_stderr(nc->ch, nc->note + nc->note_off,
		    (uint32_t)(nc->note_len - nc->note_off)) < 0)
			log_debug("could not write a note to the channel");
		nc->note_off = nc->note_len;
		(void)ssh_channel_request_send_exit_status(nc->ch, status);
		(void)ssh_channel_send_eof(nc->ch);
		(void)ssh_channel_close(nc->ch);
		any = true;
	}
	if (any)
		netchan_drain(c, netchan_all_closed);
	for (i = 0; i < NETCONN_CHANNELS; i++)
		if (c->chans[i].ch != NULL)
			netchan_free(c, &c->chans[i]);
}
