/* buf: bounds-checked buffer; see buf.h. */
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
buf_view(struct buf *b, const void *p, size_t n)
{
	memset(b, 0, sizeof(*b));
	b->data = (uint8_t *)p;	/* never written: view is set */
	b->len = n;
	b->cap = n;
	b->max = n;
	b->view = true;
}

void
buf_free(struct buf *b)
{
	if (!b->view && b->data != NULL) {
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->off = b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->off = 0;
	if (!b->view)
		b->len = 0;
}

size_t
buf_avail(const struct buf *b)
{
	return b->len - b->off;
}

const uint8_t *
buf_ptr(const struct buf *b)
{
	return b->data + b->off;
}

int
buf_consume(struct buf *b, size_t n)
{
	if (n > buf_avail(b))
		return BUF_ERR_SHORT;
	b->off += n;
	if (b->off == b->len && !b->view)
		b->off = b->len = 0;
	return BUF_OK;
}

void
buf_compact(struct buf *b)
{
	if (b->view || b->off == 0)
		return;
	memmove(b->data, b->data + b->off, b->len - b->off);
	b->len -= b->off;
	b->off = 0;
}

uint8_t *
buf_reserve(struct buf *b, size_t n)
{
	size_t need, ncap;
	uint8_t *p;

	if (b->view)
		return NULL;
	if (n > b->max || b->len - b->off > b->max - n)
		return NULL;
	if (b->cap - b->len >= n)
		return b->data + b->len;
	buf_compact(b);
	need = b->len + n;
	if (need <= b->cap)
		return b->data + b->len;
	ncap = b->cap < 256 ? 256 : b->cap;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max)
		ncap = b->max;
	p = malloc(ncap);
	if (p == NULL)
		return NULL;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len);
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = ncap;
	return b->data + b->len;
}

void
buf_commit(struct buf *b, size_t n)
{
	if (n <= b->cap - b->len)
		b->len += n;
}

int
buf_get_bytes(struct buf *b, void *dst, size_t n)
{
	if (n > buf_avail(b))
		return BUF_ERR_SHORT;
	if (n > 0)
		memcpy(dst, buf_ptr(b), n);
	b->off += n;
	return BUF_OK;
}

int
buf_get_u8(struct buf *b, uint8_t *v)
{
	return buf_get_bytes(b, v, 1);
}

int
buf_get_u16(struct buf *b, uint16_t *v)
{
	uint8_t p[2];
	int r;

	if ((r = buf_get_bytes(b, p, sizeof(p))) != BUF_OK)
		return r;
	*v = (uint16_t)((p[0] << 8) | p[1]);
	return BUF_OK;
}

int
buf_get_u32(struct buf *b, uint32_t *v)
{
	uint8_t p[4];
	int r;

	if ((r = buf_get_bytes(b, p, sizeof(p))) != BUF_OK)
		return r;
	*v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	return BUF_OK;
}

int
buf_get_u64(struct buf *b, uint64_t *v)
{
	uint32_t hi, lo;

	if (buf_avail(b) < 8)
		return BUF_ERR_SHORT;
	(void)buf_get_u32(b, &hi);
	(void)buf_get_u32(b, &lo);
	*v = ((uint64_t)hi << 32) | lo;
	return BUF_OK;
}

int
buf_get_string_view(struct buf *b, size_t maxlen, const uint8_t **p,
		    size_t *n)
{
	uint32_t len;

	if (buf_avail(b) < 4)
		return BUF_ERR_SHORT;
	len = ((uint32_t)b->data[b->off] << 24) |
	    ((uint32_t)b->data[b->off + 1] << 16) |
	    ((uint32_t)b->data[b->off + 2] << 8) | b->data[b->off + 3];
	if (len > maxlen)
		return BUF_ERR_LIMIT;
	if (len > buf_avail(b) - 4)
		return BUF_ERR_SHORT;
	*p = b->data + b->off + 4;
	*n = len;
	b->off += 4 + (size_t)len;
	return BUF_OK;
}

int
buf_get_cstring(struct buf *b, size_t maxlen, char **s)
{
	const uint8_t *p;
	size_t n, off = b->off;
	int r;

	if ((r = buf_get_string_view(b, maxlen, &p, &n)) != BUF_OK)
		return r;
	if (n > 0 && memchr(p, '\0', n) != NULL) {
		b->off = off;
		return BUF_ERR_FORMAT;
	}
	if ((*s = malloc(n + 1)) == NULL) {
		b->off = off;
		return BUF_ERR_NOMEM;
	}
	memcpy(*s, p, n);
	(*s)[n] = '\0';
	return BUF_OK;
}

int
buf_get_sub(struct buf *b, size_t maxlen, struct buf *sub)
{
	const uint8_t *p;
	size_t n;
	int r;

	if ((r = buf_get_string_view(b, maxlen, &p, &n)) != BUF_OK)
		return r;
	buf_view(sub, p, n);
	return BUF_OK;
}

int
buf_put_bytes(struct buf *b, const void *p, size_t n)
{
	uint8_t *d;

	if (b->view)
		return BUF_ERR_READONLY;
	if (n == 0)	/* buf_reserve has no storage to point at yet */
		return BUF_OK;
	if ((d = buf_reserve(b, n)) == NULL)
		return n > b->max ? BUF_ERR_LIMIT :
		    (buf_avail(b) > b->max - n ? BUF_ERR_LIMIT : BUF_ERR_NOMEM);
	memcpy(d, p, n);
	b->len += n;
	return BUF_OK;
}

int
buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put_bytes(b, &v, 1);
}

int
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return buf_put_bytes(b, p, sizeof(p));
}

int
buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return buf_put_bytes(b, p, sizeof(p));
}

int
buf_put_u64(struct buf *b, uint64_t v)
{
	int r;

	if ((r = buf_put_u32(b, (uint32_t)(v >> 32))) != BUF_OK)
		return r;
	return buf_put_u32(b, (uint32_t)v);
}

int
buf_put_string(struct buf *b, const void *p, size_t n)
{
	int r;

	if (n > UINT32_MAX)
		return BUF_ERR_LIMIT;
	if (buf_avail(b) + 4 > b->max || n > b->max - buf_avail(b) - 4)
		return BUF_ERR_LIMIT;
	if ((r = buf_put_u32(b, (uint32_t)n)) != BUF_OK)
		return r;
	return buf_put_bytes(b, p, n);
}

int
buf_put_cstring(struct buf *b, const char *s)
{
	return buf_put_string(b, s, strlen(s));
}

const char *
buf_strerror(int err)
{
	switch (err) {
	case BUF_OK:		return "success";
	case BUF_ERR_SHORT:	return "message truncated";
	case BUF_ERR_LIMIT:	return "length over limit";
	case BUF_ERR_NOMEM:	return "out of memory";
	case BUF_ERR_FORMAT:	return "invalid format";
	case BUF_ERR_READONLY:	return "write to read-only buffer";
	}
	return "unknown error";
}
