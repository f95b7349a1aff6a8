/* control: the control channel's client end; see control.h. */
#include "assist-cli/control.h"

#include "common/chanpump.h"

#include <libssh/libssh.h>
#include <stdio.h>
#include <string.h>

int
control_open(ssh_session ss, struct control *c, char *err, size_t errsz)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->in, CONTROL_MAX_IN);
	if ((c->ch = ssh_channel_new(ss)) == NULL) {
		snprintf(err, errsz, "cannot create a channel: %s",
		    ssh_get_error(ss));
		return -1;
	}
	if (ssh_channel_open_session(c->ch) != SSH_OK) {
		snprintf(err, errsz, "the server refused the session channel: "
		    "%s", ssh_get_error(ss));
		ssh_channel_free(c->ch);
		c->ch = NULL;
		return -1;
	}
	if (ssh_channel_request_subsystem(c->ch, CTL_SUBSYSTEM) == SSH_OK)
		return 0;
	/* libssh says SSH_REQUEST_DENIED for CHANNEL_FAILURE; anything
	 * else is a broken connection. */
	if (ssh_get_error_code(ss) == SSH_REQUEST_DENIED &&
	    ssh_channel_is_open(c->ch))
		return CONTROL_DENIED;
	snprintf(err, errsz, "asking for subsystem \"%s\" failed: %s",
	    CTL_SUBSYSTEM, ssh_get_error(ss));
	return -1;
}

ssh_channel
control_take_channel(struct control *c)
{
	ssh_channel ch = c->ch;

	c->ch = NULL;
	return ch;
}

/* The pump's receiver (runs inside libssh: no libssh call here). Takes
 * everything or fails the pump: data left in libssh would be offered
 * again only with the next packet (chanpump.h). */
static long
control_recv(void *ud, const uint8_t *data, size_t n)
{
	struct control *c = ud;
	uint8_t *p;

	if (n == 0) {
		c->eof = true;
		return 0;
	}
	if ((p = buf_reserve(&c->in, n)) == NULL) {
		c->overflow = true;
		return -1;
	}
	memcpy(p, data, n);
	buf_commit(&c->in, n);
	return (long)n;
}

int
control_watch(struct control *c, ssh_session ss, ssh_event ev, char *err,
	      size_t errsz)
{
	c->pump = chanpump_new(ss, c->ch, ev, CONTROL_MAX_OUT);
	if (c->pump == NULL ||
	    chanpump_set_recv(c->pump, control_recv, c) != 0) {
		snprintf(err, errsz, "cannot watch the control channel");
		return -1;
	}
	return 0;
}

int
control_send(struct control *c, uint8_t type, const struct ctl_msg *m,
	     char *err, size_t errsz)
{
	struct buf out;
	int r;

	buf_init(&out, CTL_MAX_FRAME + 4);
	if ((r = ctl_encode(&out, type, m)) != BUF_OK) {
		snprintf(err, errsz, "cannot encode control message %u: %s",
		    (unsigned)type, buf_strerror(r));
		buf_free(&out);
		return -1;
	}
	r = c->pump != NULL ?
	    chanpump_write(c->pump, buf_ptr(&out), buf_avail(&out)) : -1;
	buf_free(&out);
	if (r != 0) {
		snprintf(err, errsz, "cannot send on the control channel: it "
		    "is closed");
		return -1;
	}
	return 0;
}

int
control_after_poll(struct control *c, char *err, size_t errsz)
{
	const char *why;

	if (c->pump == NULL || chanpump_after_poll(c->pump) == 0)
		return 0;
	if (c->overflow)
		snprintf(err, errsz, "protocol error: assistd sent more than "
		    "%u bytes of control messages at once",
		    (unsigned)CONTROL_MAX_IN);
	else
		snprintf(err, errsz, "the control channel failed: %s",
		    (why = chanpump_error(c->pump)) != NULL ? why : "?");
	return -1;
}

int
control_next(struct control *c, uint8_t *type, struct ctl_msg *m,
	     char *err, size_t errsz)
{
	char why[256];
	struct buf body;
	int r;

	if ((r = ctl_next(&c->in, type, &body)) == 0)
		return 0;
	if (r < 0) {
		snprintf(err, errsz, "protocol error: a control frame of "
		    "length 0 or over %u bytes", (unsigned)CTL_MAX_FRAME);
		return -1;
	}
	if (ctl_decode(*type, &body, m, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "protocol error on the control channel: "
		    "%s", why);
		return -1;
	}
	if (*type != CTL_WAITING && *type != CTL_STATE) {
		ctl_msg_free(m);
		snprintf(err, errsz, "protocol error: assistd sent control "
		    "message type %u, which only assist-cli sends",
		    (unsigned)*type);
		return -1;
	}
	return 1;
}

bool
control_ended(const struct control *c)
{
	return c->eof;
}

void
control_close(struct control *c)
{
	chanpump_free(c->pump);
	c->pump = NULL;
	if (c->ch != NULL) {
		if (ssh_channel_is_open(c->ch)) {
			ssh_channel_send_eof(c->ch);
			ssh_channel_close(c->ch);
		}
		ssh_channel_free(c->ch);
		c->ch = NULL;
	}
	buf_free(&c->in);
}
