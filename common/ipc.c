/* ipc: monitor <-> network process messages; see ipc.h. */
#include "common/ipc.h"

#include "common/clock.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
ipc_init(struct ipc *c, int fd)
{
	c->fd = fd;
	buf_init(&c->in, IPC_MAX_FRAME + 4);
	buf_init(&c->out, 4 * (size_t)IPC_MAX_FRAME);
}

void
ipc_free(struct ipc *c)
{
	buf_free(&c->in);
	buf_free(&c->out);
}

int
ipc_send(struct ipc *c, uint8_t type, const void *body, size_t n)
{
	int r;

	if (n + 1 > IPC_MAX_FRAME)
		return BUF_ERR_LIMIT;
	/* All or nothing: a length without its frame would desynchronise
	 * the stream. With the room reserved the puts below cannot fail. */
	if (buf_reserve(&c->out, 5 + n) == NULL)
		return buf_avail(&c->out) + 5 + n > c->out.max ?
		    BUF_ERR_LIMIT : BUF_ERR_NOMEM;
	if ((r = buf_put_u32(&c->out, (uint32_t)(n + 1))) != BUF_OK)
		return r;
	if ((r = buf_put_u8(&c->out, type)) != BUF_OK)
		return r;
	return buf_put_bytes(&c->out, body, n);
}

int
ipc_flush(struct ipc *c)
{
	ssize_t w;

	while (buf_avail(&c->out) > 0) {
		w = write(c->fd, buf_ptr(&c->out), buf_avail(&c->out));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (w <= 0)
			return -1;
		(void)buf_consume(&c->out, (size_t)w);
	}
	return 0;
}

int
ipc_flush_wait(struct ipc *c, int timeout_ms)
{
	long long end = clock_now_ms() + timeout_ms;
	struct pollfd p = { .fd = c->fd, .events = POLLOUT };
	int r;

	while ((r = ipc_flush(c)) == 1) {
		long long left = end - clock_now_ms();

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -1;
	}
	return r;
}

int
ipc_read(struct ipc *c)
{
	size_t want = 64 * 1024;
	uint8_t *p;
	ssize_t n;

	if (buf_avail(&c->in) + want > c->in.max)
		want = c->in.max - buf_avail(&c->in);
	if (want == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if ((p = buf_reserve(&c->in, want)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	do
		n = read(c->fd, p, want);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		buf_commit(&c->in, (size_t)n);
	return (int)n;
}

int
ipc_next(struct ipc *c, uint8_t *type, struct buf *body)
{
	const uint8_t *p = buf_ptr(&c->in);
	uint32_t len;

	if (buf_avail(&c->in) < 4)
		return 0;
	len = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	if (len == 0 || len > IPC_MAX_FRAME)
		return -1;
	if (buf_avail(&c->in) - 4 < len)
		return 0;
	*type = p[4];
	buf_view(body, p + 5, len - 1);
	/* The view stays valid: consume does not move data; the next
	 * ipc_read may compact, which the contract forbids using across. */
	(void)buf_consume(&c->in, 4 + (size_t)len);
	return 1;
}

/* NULL strings are sent as "" (a refusal knows no key ID). */
static int
ipc_put_str(struct buf *b, const char *s)
{
	return buf_put_cstring(b, s != NULL ? s : "");
}

int
ipc_send_auth_result(struct ipc *c, const struct ipc_auth_result *m)
{
	struct buf b;
	int r;

	buf_init(&b, IPC_MAX_FRAME);
	if ((r = buf_put_u8(&b, m->accepted)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->user)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->method)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->key_type)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->key_fp)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->reason)) != BUF_OK ||
	    (r = buf_put_u8(&b, m->is_cert)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->key_id)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->principals)) != BUF_OK ||
	    (r = buf_put_u64(&b, m->serial)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->ca_name)) != BUF_OK ||
	    (r = ipc_put_str(&b, m->ca_fp)) != BUF_OK ||
	    (r = buf_put_u64(&b, m->valid_after)) != BUF_OK ||
	    (r = buf_put_u64(&b, m->valid_before)) != BUF_OK ||
	    (r = buf_put_u8(&b, m->flags)) != BUF_OK)
		goto out;
	r = ipc_send(c, IPC_AUTH_RESULT, buf_ptr(&b), buf_avail(&b));
out:
	buf_free(&b);
	return r;
}

void
ipc_auth_result_free(struct ipc_auth_result *m)
{
	free(m->user);
	free(m->method);
	free(m->key_type);
	free(m->key_fp);
	free(m->reason);
	free(m->key_id);
	free(m->principals);
	free(m->ca_name);
	free(m->ca_fp);
	memset(m, 0, sizeof(*m));
}

/* The identity fields must be coherent: a plain key has none of a
 * certificate's, a certificate's validity is an interval. */
static bool
ipc_auth_identity_ok(const struct ipc_auth_result *m)
{
	if (m->is_cert > 1 || (m->flags & ~IPC_AUTH_F_ALL) != 0)
		return false;
	if (m->is_cert)
		return m->valid_after <= m->valid_before;
	return m->key_id[0] == '\0' && m->principals[0] == '\0' &&
	    m->ca_name[0] == '\0' && m->ca_fp[0] == '\0' &&
	    m->serial == 0 && m->valid_after == 0 && m->valid_before == 0;
}

int
ipc_decode_auth_result(struct buf *body, struct ipc_auth_result *m)
{
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = buf_get_u8(body, &m->accepted)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->user)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->method)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->key_type)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->key_fp)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->reason)) != BUF_OK ||
	    (r = buf_get_u8(body, &m->is_cert)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->key_id)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->principals)) !=
	    BUF_OK ||
	    (r = buf_get_u64(body, &m->serial)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->ca_name)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->ca_fp)) != BUF_OK ||
	    (r = buf_get_u64(body, &m->valid_after)) != BUF_OK ||
	    (r = buf_get_u64(body, &m->valid_before)) != BUF_OK ||
	    (r = buf_get_u8(body, &m->flags)) != BUF_OK)
		goto fail;
	if (m->accepted > 1 || !ipc_auth_identity_ok(m) ||
	    buf_avail(body) != 0) {
		r = BUF_ERR_FORMAT;
		goto fail;
	}
	return BUF_OK;
fail:
	ipc_auth_result_free(m);
	return r;
}

int
ipc_send_closed(struct ipc *c, const struct ipc_closed *m)
{
	struct buf b;
	int r;

	buf_init(&b, IPC_MAX_STR + 32);
	if ((r = ipc_put_str(&b, m->reason)) == BUF_OK &&
	    (r = buf_put_u8(&b, m->failed)) == BUF_OK &&
	    (r = buf_put_u64(&b, m->bytes_in)) == BUF_OK &&
	    (r = buf_put_u64(&b, m->bytes_out)) == BUF_OK)
		r = ipc_send(c, IPC_CLOSED, buf_ptr(&b), buf_avail(&b));
	buf_free(&b);
	return r;
}

void
ipc_closed_free(struct ipc_closed *m)
{
	free(m->reason);
	memset(m, 0, sizeof(*m));
}

int
ipc_decode_closed(struct buf *body, struct ipc_closed *m)
{
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = buf_get_cstring(body, IPC_MAX_STR, &m->reason)) != BUF_OK ||
	    (r = buf_get_u8(body, &m->failed)) != BUF_OK ||
	    (r = buf_get_u64(body, &m->bytes_in)) != BUF_OK ||
	    (r = buf_get_u64(body, &m->bytes_out)) != BUF_OK)
		goto fail;
	if (m->failed > 1 || buf_avail(body) != 0) {
		r = BUF_ERR_FORMAT;
		goto fail;
	}
	return BUF_OK;
fail:
	ipc_closed_free(m);
	return r;
}

int
ipc_is_ctl(uint8_t type)
{
	switch (type) {
	case IPC_SESSION_REQUEST: case IPC_MODE_REQUEST: case IPC_CODE_CHECK:
	case IPC_SESSION_GRANT: case IPC_SESSION_DENY: case IPC_SHUTDOWN:
	case IPC_CONSENT_WAIT: case IPC_MODE: case IPC_CODE_RESULT:
		return 1;
	default:
		return 0;
	}
}

const char *
ipc_mode_name(uint8_t mode)
{
	switch (mode) {
	case IPC_MODE_VIEW:
		return "view";
	case IPC_MODE_CONTROL:
		return "control";
	default:
		return "?";
	}
}

const char *
ipc_end_name(uint8_t kind)
{
	static const char *const names[IPC_END_MAX + 1] = {
		"?", "refused", "timeout", "busy", "shutdown", "user_ended",
		"error", "transcript",
	};

	return kind <= IPC_END_MAX ? names[kind] : "?";
}

int
ipc_send_ctl(struct ipc *c, uint8_t type, const struct ipc_ctl *m)
{
	struct buf b;
	int r;

	if (!ipc_is_ctl(type))
		return BUF_ERR_FORMAT;
	buf_init(&b, 2 * IPC_MAX_STR + 16);
	if ((r = buf_put_u8(&b, m->mode)) == BUF_OK &&
	    (r = buf_put_u8(&b, m->kind)) == BUF_OK &&
	    (r = buf_put_u32(&b, m->num)) == BUF_OK &&
	    (r = ipc_put_str(&b, m->text)) == BUF_OK &&
	    (r = ipc_put_str(&b, m->text2)) == BUF_OK)
		r = ipc_send(c, type, buf_ptr(&b), buf_avail(&b));
	buf_free(&b);
	return r;
}

void
ipc_ctl_free(struct ipc_ctl *m)
{
	free(m->text);
	free(m->text2);
	memset(m, 0, sizeof(*m));
}

static bool
ipc_mode_ok(uint8_t mode)
{
	return mode == IPC_MODE_VIEW || mode == IPC_MODE_CONTROL;
}

/* The per-type rules of ipc.h's table; text lengths checked here too. */
static bool
ipc_ctl_ok(uint8_t type, const struct ipc_ctl *m)
{
	size_t tl = strlen(m->text), t2 = strlen(m->text2);

	switch (type) {
	case IPC_SESSION_REQUEST:
		return ipc_mode_ok(m->mode) && m->kind <= 1 && m->num == 0 &&
		    tl <= IPC_REASON_MAX && t2 == 0;
	case IPC_MODE_REQUEST:
		return m->mode == 0 && m->kind == 0 && m->num == 0 &&
		    tl == 0 && t2 == 0;
	case IPC_CODE_CHECK:
		return m->mode == 0 && m->kind == 0 && m->num == 0 &&
		    tl <= IPC_CODE_MAX && t2 == 0;
	case IPC_SESSION_GRANT:
		return ipc_mode_ok(m->mode) && m->kind == 0 && m->num == 0 &&
		    tl == 0 && t2 == 0;
	case IPC_SESSION_DENY:
	case IPC_SHUTDOWN:
		return m->mode == 0 && m->kind >= 1 &&
		    m->kind <= IPC_END_MAX && m->num == 0 && t2 == 0;
	case IPC_CONSENT_WAIT:
		return m->mode == 0 && m->kind == 0 && tl >= 1 &&
		    tl <= IPC_CODE_MAX && t2 >= 1;
	case IPC_MODE:
		return ipc_mode_ok(m->mode) && (m->kind == IPC_BY_USER ||
		    m->kind == IPC_BY_HELPER) && m->num == 0 && tl == 0 &&
		    t2 == 0;
	case IPC_CODE_RESULT:
		return m->mode == 0 && m->kind <= 1 && tl == 0 && t2 == 0;
	default:
		return false;
	}
}

int
ipc_decode_ctl(struct buf *body, uint8_t type, struct ipc_ctl *m)
{
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = buf_get_u8(body, &m->mode)) != BUF_OK ||
	    (r = buf_get_u8(body, &m->kind)) != BUF_OK ||
	    (r = buf_get_u32(body, &m->num)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->text)) != BUF_OK ||
	    (r = buf_get_cstring(body, IPC_MAX_STR, &m->text2)) != BUF_OK)
		goto fail;
	if (buf_avail(body) != 0 || !ipc_ctl_ok(type, m)) {
		r = BUF_ERR_FORMAT;
		goto fail;
	}
	return BUF_OK;
fail:
	ipc_ctl_free(m);
	return r;
}

int
ipc_send_str(struct ipc *c, uint8_t type, const char *s)
{
	struct buf b;
	int r;

	buf_init(&b, IPC_MAX_STR + 4);
	if ((r = buf_put_cstring(&b, s)) == BUF_OK)
		r = ipc_send(c, type, buf_ptr(&b), buf_avail(&b));
	buf_free(&b);
	return r;
}

int
ipc_decode_str(struct buf *body, char **s)
{
	int r;

	*s = NULL;
	if ((r = buf_get_cstring(body, IPC_MAX_STR, s)) != BUF_OK)
		return r;
	if (buf_avail(body) != 0) {
		free(*s);
		*s = NULL;
		return BUF_ERR_FORMAT;
	}
	return BUF_OK;
}

int
ipc_decode_empty(struct buf *body)
{
	return buf_avail(body) == 0 ? BUF_OK : BUF_ERR_FORMAT;
}
