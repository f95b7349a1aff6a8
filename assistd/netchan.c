/*
 * netchan: the one session channel of a connection, its subsystem "rfb",
 * and the refusal of everything else (pty, shell, exec, env, x11, agent,
 * port forwarding, a second channel); see netconn.h. Channel requests
 * without a callback here reach the message callback, which refuses
 * them: libssh then answers CHANNEL_FAILURE / OPEN_FAILURE.
 */
#include "assistd/netconn.h"

#include <stdio.h>
#include <string.h>

#include "common/chanpump.h"
#include "common/clock.h"
#include "common/log.h"

#define NETCHAN_TEXT_MAX	128	/* peer text quoted in the log */
#define NETCHAN_CLOSE_WAIT_MS	2000	/* for the helper's CHANNEL_CLOSE */

/* Channel data while the RFB server does not exist yet (a later issue):
 * counted and dropped. n == 0 is the helper's EOF. Runs inside libssh
 * (chanpump.h): no libssh call here. */
static long
netchan_recv(void *ud, const uint8_t *data, size_t n)
{
	struct netconn *c = ud;

	(void)data;
	if (n == 0) {
		c->helper_eof = true;
		return 0;
	}
	c->dropped += n;
	return (long)n;
}

static void
netchan_eof(ssh_session s, ssh_channel ch, void *ud)
{
	(void)s;
	(void)ch;
	log_debug("helper sent EOF on the channel");
	((struct netconn *)ud)->helper_eof = true;
}

static void
netchan_closed(ssh_session s, ssh_channel ch, void *ud)
{
	struct netconn *c = ud;

	(void)s;
	(void)ch;
	c->chan_remote_closed = true;
	netconn_end(c, false, NULL, "helper closed the session");
}

static int
netchan_subsystem(ssh_session s, ssh_channel ch, const char *name, void *ud)
{
	struct netconn *c = ud;
	struct ipc_ctl req = { .mode = IPC_MODE_VIEW };
	char n[NETCHAN_TEXT_MAX];

	(void)s;
	log_sanitize(n, sizeof(n), name, NETCHAN_TEXT_MAX);
	if (ch != c->chan || c->chan_state != NETCHAN_OPEN || c->done) {
		log_info("refused subsystem \"%s\": a subsystem is already "
		    "running", n);
		return 1;
	}
	if (strcmp(name, NETCONN_SUBSYSTEM) != 0) {
		log_info("refused subsystem \"%s\" (only \"%s\")", n,
		    NETCONN_SUBSYSTEM);
		return 1;
	}
	if (netconn_ipc_ctl(c, IPC_SESSION_REQUEST, &req) != 0)
		return 1;
	c->chan_state = NETCHAN_WAIT_GRANT;
	log_debug("subsystem %s asked; waiting for the monitor",
	    NETCONN_SUBSYSTEM);
	return 0;
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

static ssh_channel
netchan_open(ssh_session s, void *ud)
{
	struct netconn *c = ud;
	ssh_channel ch;

	if (!c->authenticated || c->done || c->chan != NULL) {
		log_info("refused a second session channel");
		return NULL;
	}
	if ((ch = ssh_channel_new(s)) == NULL) {
		log_error("ssh_channel_new: %s", ssh_get_error(s));
		return NULL;
	}
	ssh_callbacks_init(&c->chan_cb);
	c->chan_cb.userdata = c;
	c->chan_cb.channel_eof_function = netchan_eof;
	c->chan_cb.channel_close_function = netchan_closed;
	c->chan_cb.channel_subsystem_request_function = netchan_subsystem;
	c->chan_cb.channel_auth_agent_req_function = netchan_agent;
	if (ssh_set_channel_callbacks(ch, &c->chan_cb) != SSH_OK) {
		ssh_channel_free(ch);
		return NULL;
	}
	c->chan = ch;
	c->chan_state = NETCHAN_OPEN;
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
		return "a second session channel";
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

void
netchan_granted(struct netconn *c)
{
	if (c->chan_state != NETCHAN_WAIT_GRANT) {
		netconn_end(c, true, NULL,
		    "monitor granted a session nobody asked for");
		return;
	}
	c->pump = chanpump_new(c->s, c->chan, c->ev, NETCONN_PUMP_MAX);
	if (c->pump == NULL ||
	    chanpump_set_recv(c->pump, netchan_recv, c) != 0 ||
	    chanpump_write(c->pump, NETCONN_GREETING,
	    sizeof(NETCONN_GREETING) - 1) != 0) {
		netconn_end(c, true, "Internal error",
		    "cannot start the session stream");
		return;
	}
	c->chan_state = NETCHAN_SERVING;
	log_debug("session granted; serving %s to %s", NETCONN_SUBSYSTEM,
	    c->p->peer);
}

void
netchan_denied(struct netconn *c, const char *why)
{
	char w[NETCONN_REASON_MAX - 32], msg[NETCONN_REASON_MAX];

	log_sanitize(w, sizeof(w), why, IPC_MAX_STR);
	if (c->chan_state != NETCHAN_WAIT_GRANT) {
		netconn_end(c, true, NULL,
		    "monitor denied a session nobody asked for");
		return;
	}
	/* ssh prints a channel's stderr on the helper's terminal; the
	 * disconnect message carries the same reason for other clients. */
	snprintf(msg, sizeof(msg), "assistd: session refused: %s\n", w);
	if (ssh_channel_write_stderr(c->chan, msg, (uint32_t)strlen(msg)) <
	    0)
		log_debug("could not write the refusal to the channel");
	netconn_end(c, false, NULL, "session refused: %s", w);
}

void
netchan_shutdown(struct netconn *c, const char *why)
{
	if (c->chan_state == NETCHAN_SERVING)
		snprintf(c->helper_notice, sizeof(c->helper_notice),
		    "assistd: session ended: %s\n", why);
	else if (c->chan_state != NETCHAN_NONE &&
	    c->chan_state != NETCHAN_CLOSED)
		snprintf(c->helper_notice, sizeof(c->helper_notice),
		    "assistd: connection ended: %s\n", why);
}

void
netchan_count(struct netconn *c)
{
	const struct chanpump_stats *st;

	if (c->pump == NULL)
		return;
	st = chanpump_stats(c->pump);
	c->bytes_in = st->from_channel;
	c->bytes_out = st->to_channel;
}

void
netchan_after_poll(struct netconn *c)
{
	if (c->pump == NULL)
		return;
	if (chanpump_after_poll(c->pump) != 0) {
		const char *e = chanpump_error(c->pump);

		netconn_end(c, false, NULL, "session stream ended: %s",
		    e ? e : "channel failed");
		return;
	}
	/* The helper's EOF ends the session once our bytes are out. */
	if (c->helper_eof && chanpump_pending(c->pump) == 0)
		netconn_end(c, false, NULL, "helper ended the session (EOF)");
}

/*
 * Runs the event loop (and the pump) until done(c) or NETCHAN_CLOSE_WAIT_MS
 * pass, or the connection dies.
 */
static void
netchan_drain(struct netconn *c, bool (*done)(const struct netconn *))
{
	long long end = clock_now_ms() + NETCHAN_CLOSE_WAIT_MS;
	long long now;

	while (!done(c) && (now = clock_now_ms()) < end &&
	    !(ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))) {
		if (ssh_event_dopoll(c->ev, (int)(end - now)) == SSH_ERROR)
			break;
		if (c->pump != NULL && chanpump_after_poll(c->pump) != 0)
			break;
	}
}

static bool
netchan_flushed(const struct netconn *c)
{
	return c->pump == NULL || chanpump_pending(c->pump) == 0;
}

static bool
netchan_remote_closed(const struct netconn *c)
{
	return c->chan_remote_closed;
}

void
netchan_close(struct netconn *c)
{
	if (c->chan == NULL)
		return;
	if (!c->chan_remote_closed && c->ev != NULL &&
	    ssh_channel_is_open(c->chan)) {
		/* Like sshd at the end of a subsystem: what is queued, exit
		 * status (0 for a session that ran and ended normally), EOF,
		 * close, and the helper's close before the disconnect, so
		 * that ssh exits with that status rather than "closed by
		 * remote host". */
		int status = c->chan_state == NETCHAN_SERVING && !c->failed ?
		    0 : 1;

		netchan_drain(c, netchan_flushed);
		chanpump_free(c->pump);
		c->pump = NULL;
		/* ssh prints a channel's stderr on the helper's terminal. */
		if (c->helper_notice[0] != '\0' && ssh_channel_write_stderr(
		    c->chan, c->helper_notice,
		    (uint32_t)strlen(c->helper_notice)) < 0)
			log_debug("could not write the monitor's reason to the "
			    "channel");
		(void)ssh_channel_request_send_exit_status(c->chan, status);
		(void)ssh_channel_send_eof(c->chan);
		(void)ssh_channel_close(c->chan);
		netchan_drain(c, netchan_remote_closed);
	}
	chanpump_free(c->pump);
	c->pump = NULL;
	c->chan_state = NETCHAN_CLOSED;
	/* Before ssh_disconnect, which frees every channel itself. */
	ssh_channel_free(c->chan);
	c->chan = NULL;
}
