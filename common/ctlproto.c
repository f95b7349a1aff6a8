/* ctlproto: the session-control protocol; see ctlproto.h. */
#include "common/ctlproto.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
ctl_put(struct buf *b, const char *s, size_t max)
{
	if (s == NULL)
		s = "";
	if (strlen(s) > max)
		return BUF_ERR_LIMIT;
	return buf_put_cstring(b, s);
}

static int
ctl_body(struct buf *b, uint8_t type, const struct ctl_msg *m)
{
	int r;

	switch (type) {
	case CTL_HELLO:
		if ((r = buf_put_u32(b, m->version)) != BUF_OK ||
		    (r = ctl_put(b, m->mode, CTL_MAX_NAME)) != BUF_OK)
			return r;
		return ctl_put(b, m->reason, CTL_MAX_REASON);
	case CTL_REQUEST_CONTROL:
		return BUF_OK;
	case CTL_WAITING:
		if ((r = ctl_put(b, m->user, CTL_MAX_NAME)) != BUF_OK ||
		    (r = ctl_put(b, m->code, CTL_MAX_CODE)) != BUF_OK)
			return r;
		return buf_put_u32(b, m->timeout_secs);
	case CTL_STATE:
		if ((r = ctl_put(b, m->state, CTL_MAX_NAME)) != BUF_OK ||
		    (r = ctl_put(b, m->mode, CTL_MAX_NAME)) != BUF_OK ||
		    (r = ctl_put(b, m->by, CTL_MAX_NAME)) != BUF_OK)
			return r;
		return ctl_put(b, m->message, CTL_MAX_MESSAGE);
	default:
		return BUF_ERR_FORMAT;
	}
}

int
ctl_encode(struct buf *out, uint8_t type, const struct ctl_msg *m)
{
	struct buf b;
	int r;

	buf_init(&b, CTL_MAX_FRAME);
	if ((r = buf_put_u8(&b, type)) != BUF_OK ||
	    (r = ctl_body(&b, type, m)) != BUF_OK)
		goto out;
	/* All or nothing: a length prefix without its frame would
	 * desynchronise the stream for good. Once the room is reserved,
	 * the two puts below cannot fail. */
	if (buf_reserve(out, 4 + buf_avail(&b)) == NULL) {
		r = out->view ? BUF_ERR_READONLY :
		    4 + buf_avail(&b) > out->max ||
		    buf_avail(out) > out->max - 4 - buf_avail(&b) ?
		    BUF_ERR_LIMIT : BUF_ERR_NOMEM;
		goto out;
	}
	if ((r = buf_put_u32(out, (uint32_t)buf_avail(&b))) == BUF_OK)
		r = buf_put_bytes(out, buf_ptr(&b), buf_avail(&b));
out:
	buf_free(&b);
	return r;
}

int
ctl_next(struct buf *in, uint8_t *type, struct buf *body)
{
	const uint8_t *p = buf_ptr(in);
	uint32_t len;

	if (buf_avail(in) < 4)
		return 0;
	len = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	if (len == 0 || len > CTL_MAX_FRAME)
		return -1;
	if (buf_avail(in) - 4 < len)
		return 0;
	*type = p[4];
	buf_view(body, p + 5, len - 1);
	(void)buf_consume(in, 4 + (size_t)len);
	return 1;
}

void
ctl_msg_free(struct ctl_msg *m)
{
	free(m->mode);
	free(m->reason);
	free(m->user);
	free(m->code);
	free(m->state);
	free(m->by);
	free(m->message);
	memset(m, 0, sizeof(*m));
}

static bool
ctl_in(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool
ctl_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool
ctl_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int ctl_fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
ctl_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *const ctl_modes[] = { "view", "control", NULL };
static const char *const ctl_modes_or_none[] = { "", "view", "control",
	NULL };
static const char *const ctl_states[] = { CTL_STATE_ACCEPTED,
	CTL_STATE_REFUSED, CTL_STATE_TIMEOUT, CTL_STATE_BUSY, CTL_STATE_ENDED,
	CTL_STATE_MODE, CTL_STATE_CONTROL_REFUSED, NULL };
static const char *const ctl_bys[] = { "", "user", "helper", "timeout",
	"error", "transcript", "shutdown", NULL };
static const char *const ctl_bys_person[] = { "user", "helper", NULL };

/* The fields of one type, read and checked. */
static int
ctl_fields(uint8_t type, struct buf *b, struct ctl_msg *m, char *err,
	   size_t errsz)
{
	switch (type) {
	case CTL_HELLO:
		if (buf_get_u32(b, &m->version) != BUF_OK ||
		    buf_get_cstring(b, CTL_MAX_NAME, &m->mode) != BUF_OK ||
		    buf_get_cstring(b, CTL_MAX_REASON, &m->reason) != BUF_OK)
			return ctl_fail(err, errsz, "malformed hello");
		if (m->version != CTL_VERSION)
			return ctl_fail(err, errsz, "protocol version %lu (want "
			    "%d)", (unsigned long)m->version, CTL_VERSION);
		if (!ctl_in(m->mode, ctl_modes))
			return ctl_fail(err, errsz, "unknown mode in hello");
		return 0;
	case CTL_REQUEST_CONTROL:
		return 0;
	case CTL_WAITING:
		if (buf_get_cstring(b, CTL_MAX_NAME, &m->user) != BUF_OK ||
		    buf_get_cstring(b, CTL_MAX_CODE, &m->code) != BUF_OK ||
		    buf_get_u32(b, &m->timeout_secs) != BUF_OK)
			return ctl_fail(err, errsz, "malformed waiting message");
		if (!ctl_printable(m->user) || !ctl_digits(m->code))
			return ctl_fail(err, errsz, "bad user name or code in "
			    "waiting message");
		return 0;
	case CTL_STATE:
		if (buf_get_cstring(b, CTL_MAX_NAME, &m->state) != BUF_OK ||
		    buf_get_cstring(b, CTL_MAX_NAME, &m->mode) != BUF_OK ||
		    buf_get_cstring(b, CTL_MAX_NAME, &m->by) != BUF_OK ||
		    buf_get_cstring(b, CTL_MAX_MESSAGE, &m->message) !=
		    BUF_OK)
			return ctl_fail(err, errsz, "malformed state message");
		if (!ctl_in(m->state, ctl_states) ||
		    !ctl_in(m->mode, ctl_modes_or_none) ||
		    !ctl_in(m->by, ctl_bys))
			return ctl_fail(err, errsz, "unknown state, mode or "
			    "origin in state message");
		if ((strcmp(m->state, CTL_STATE_ACCEPTED) == 0 ||
		    strcmp(m->state, CTL_STATE_MODE) == 0) &&
		    m->mode[0] == '\0')
			return ctl_fail(err, errsz, "%s without a mode",
			    m->state);
		if (strcmp(m->state, CTL_STATE_MODE) == 0 &&
		    !ctl_in(m->by, ctl_bys_person))
			return ctl_fail(err, errsz, "mode change by \"%s\" "
			    "(want user or helper)", m->by);
		return 0;
	default:
		return ctl_fail(err, errsz, "unknown message type %u",
		    (unsigned)type);
	}
}

int
ctl_decode(uint8_t type, struct buf *body, struct ctl_msg *m, char *err,
	   size_t errsz)
{
	memset(m, 0, sizeof(*m));
	if (ctl_fields(type, body, m, err, errsz) != 0) {
		ctl_msg_free(m);
		return -1;
	}
	if (buf_avail(body) != 0) {
		ctl_msg_free(m);
		return ctl_fail(err, errsz, "%zu trailing bytes in message "
		    "type %u", buf_avail(body), (unsigned)type);
	}
	return 0;
}
