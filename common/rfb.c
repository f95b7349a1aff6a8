/*
 * rfb: RFB 3.8 (RFC 6143) pixel format, client-message parser and
 * builders, ServerInit both ways. Parsers read a read-only view of what
 * has arrived, so an incomplete message consumes nothing (RFB_MORE); only
 * a complete, valid message is consumed from the caller's buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rfb.h"

const struct rfb_pixfmt rfb_pixfmt_default = {
	.bpp = 32,
	.depth = 24,
	.big_endian = 0,
	.true_colour = 1,
	.red_max = 255, .green_max = 255, .blue_max = 255,
	.red_shift = 16, .green_shift = 8, .blue_shift = 0,
};

static enum rfb_status rfb_fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum rfb_status
rfb_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return RFB_BAD;
}

/* ------------------------------------------------------------------ */
/* Pixel format                                                        */

/* Number of bits in max when max is 2^n - 1 with n >= 1, else 0. */
static unsigned
rfb_max_bits(uint16_t max)
{
	unsigned n = 0;

	if (max == 0 || (max & (max + 1u)) != 0)
		return 0;
	while (max != 0) {
		max >>= 1;
		n++;
	}
	return n;
}

/* The bits of one colour channel inside a pixel value, or 0 when the
 * channel does not fit in bpp bits (checked by rfb_pixfmt_valid). */
static uint32_t
rfb_channel_mask(uint16_t max, uint8_t shift, uint8_t bpp)
{
	unsigned bits = rfb_max_bits(max);

	if (bits == 0 || shift >= bpp || bits > (unsigned)bpp - shift)
		return 0;
	return (uint32_t)max << shift;
}

static uint32_t
rfb_pixfmt_mask(const struct rfb_pixfmt *f)
{
	return rfb_channel_mask(f->red_max, f->red_shift, f->bpp) |
	    rfb_channel_mask(f->green_max, f->green_shift, f->bpp) |
	    rfb_channel_mask(f->blue_max, f->blue_shift, f->bpp);
}

int
rfb_pixfmt_valid(const struct rfb_pixfmt *f, char *err, size_t errsz)
{
	static const char *const names[3] = { "red", "green", "blue" };
	const uint16_t max[3] = { f->red_max, f->green_max, f->blue_max };
	const uint8_t shift[3] = { f->red_shift, f->green_shift,
	    f->blue_shift };
	uint32_t mask[3];
	int i;

	if (!f->true_colour) {
		rfb_fail(err, errsz, "colour-map pixel formats are not "
		    "supported");
		return 0;
	}
	if (f->bpp != 8 && f->bpp != 16 && f->bpp != 32) {
		rfb_fail(err, errsz, "bits-per-pixel %u (want 8, 16 or 32)",
		    f->bpp);
		return 0;
	}
	if (f->depth == 0 || f->depth > f->bpp) {
		rfb_fail(err, errsz, "depth %u with %u bits per pixel",
		    f->depth, f->bpp);
		return 0;
	}
	for (i = 0; i < 3; i++) {
		/* A max of 0 would mean a channel without bits: decoders
		 * scale by it, so it is refused with the rest. */
		if (rfb_max_bits(max[i]) == 0) {
			rfb_fail(err, errsz, "%s-max %u is not 2^n-1",
			    names[i], max[i]);
			return 0;
		}
		mask[i] = rfb_channel_mask(max[i], shift[i], f->bpp);
		if (mask[i] == 0) {
			rfb_fail(err, errsz, "%s-max %u shifted by %u does "
			    "not fit in %u bits", names[i], max[i], shift[i],
			    f->bpp);
			return 0;
		}
	}
	if ((mask[0] & mask[1]) || (mask[0] & mask[2]) ||
	    (mask[1] & mask[2])) {
		rfb_fail(err, errsz, "colour channels overlap");
		return 0;
	}
	return 1;
}

unsigned
rfb_pixfmt_bytes(const struct rfb_pixfmt *f)
{
	return f->bpp / 8u;
}

/*
 * RFC 6143 7.7.6: a CPIXEL is 3 bytes for true colour, 32 bpp, depth
 * <= 24 when every colour bit is in the least significant 3 bytes of the
 * pixel value (mask < 2^24) or in the most significant 3 (low byte 0).
 * Which 3 of the 4 wire bytes are sent then depends on big_endian: the
 * encoder and decoder drop the byte that holds no colour.
 */
unsigned
rfb_pixfmt_cpixel_bytes(const struct rfb_pixfmt *f)
{
	uint32_t mask;

	if (f->true_colour && f->bpp == 32 && f->depth <= 24) {
		mask = rfb_pixfmt_mask(f);
		if ((mask & 0xff000000u) == 0 || (mask & 0x000000ffu) == 0)
			return 3;
	}
	return rfb_pixfmt_bytes(f);
}

void
rfb_pixfmt_put(uint8_t out[16], const struct rfb_pixfmt *f)
{
	out[0] = f->bpp;
	out[1] = f->depth;
	out[2] = f->big_endian;
	out[3] = f->true_colour;
	out[4] = (uint8_t)(f->red_max >> 8);
	out[5] = (uint8_t)f->red_max;
	out[6] = (uint8_t)(f->green_max >> 8);
	out[7] = (uint8_t)f->green_max;
	out[8] = (uint8_t)(f->blue_max >> 8);
	out[9] = (uint8_t)f->blue_max;
	out[10] = f->red_shift;
	out[11] = f->green_shift;
	out[12] = f->blue_shift;
	out[13] = out[14] = out[15] = 0;	/* padding */
}

void
rfb_pixfmt_get(const uint8_t in[16], struct rfb_pixfmt *f)
{
	f->bpp = in[0];
	f->depth = in[1];
	f->big_endian = in[2] != 0;	/* any non-zero is true */
	f->true_colour = in[3] != 0;
	f->red_max = (uint16_t)(in[4] << 8 | in[5]);
	f->green_max = (uint16_t)(in[6] << 8 | in[7]);
	f->blue_max = (uint16_t)(in[8] << 8 | in[9]);
	f->red_shift = in[10];
	f->green_shift = in[11];
	f->blue_shift = in[12];
	/* in[13..15] are padding: ignored (RFC 6143 7.4). */
}

/* ------------------------------------------------------------------ */
/* Client -> server messages                                           */

/* Fixed sizes on the wire, type byte included (RFC 6143 7.5). */
#define RFB_LEN_SET_PIXEL_FORMAT	20
#define RFB_LEN_SET_ENCODINGS_HDR	4
#define RFB_LEN_FB_UPDATE_REQUEST	10
#define RFB_LEN_KEY_EVENT		8
#define RFB_LEN_POINTER_EVENT		6
#define RFB_LEN_CUT_TEXT_HDR		8

/*
 * Each message body is read from v, a view of what has arrived (the type
 * byte already read). BUF_ERR_SHORT from the view means "wait for more":
 * the caller maps it to RFB_MORE and consumes nothing.
 */
static enum rfb_status
rfb_more_or_bad(int rc, const char *what, char *err, size_t errsz)
{
	if (rc == BUF_ERR_SHORT)
		return RFB_MORE;
	return rfb_fail(err, errsz, "%s: %s", what,
	    buf_strerror(rc));
}

static enum rfb_status
rfb_parse_set_pixfmt(struct buf *v, struct rfb_client_msg *m, char *err,
		     size_t errsz)
{
	uint8_t raw[16];
	char why[128];
	int rc;

	if ((rc = buf_consume(v, 3)) != BUF_OK ||	/* padding */
	    (rc = buf_get_bytes(v, raw, sizeof(raw))) != BUF_OK)
		return rfb_more_or_bad(rc, "SetPixelFormat", err, errsz);
	rfb_pixfmt_get(raw, &m->pixfmt);
	if (!rfb_pixfmt_valid(&m->pixfmt, why, sizeof(why)))
		return rfb_fail(err, errsz,
		    "SetPixelFormat: %s", why);
	return RFB_OK;
}

static enum rfb_status
rfb_parse_set_encodings(struct buf *v, struct rfb_client_msg *m, char *err,
			size_t errsz)
{
	uint16_t n, i;
	uint32_t e;
	int rc;

	if ((rc = buf_consume(v, 1)) != BUF_OK ||	/* padding */
	    (rc = buf_get_u16(v, &n)) != BUF_OK)
		return rfb_more_or_bad(rc, "SetEncodings", err, errsz);
	/* Refused as soon as the count is known, before waiting for (and
	 * buffering) up to 256 KiB of entries. */
	if (n > RFB_MAX_ENCODINGS_WIRE)
		return rfb_fail(err, errsz,
		    "SetEncodings: %u encodings (at most %u)", n,
		    RFB_MAX_ENCODINGS_WIRE);
	if (buf_avail(v) < (size_t)n * 4)
		return RFB_MORE;
	for (i = 0; i < n; i++) {
		if ((rc = buf_get_u32(v, &e)) != BUF_OK)
			return rfb_more_or_bad(rc, "SetEncodings", err, errsz);
		/* Preference order: the first ones matter, the rest are
		 * read and dropped. */
		if (m->nencodings < RFB_MAX_ENCODINGS)
			m->encodings[m->nencodings++] = (int32_t)e;
	}
	return RFB_OK;
}

static enum rfb_status
rfb_parse_update_request(struct buf *v, struct rfb_client_msg *m,
			 char *err, size_t errsz)
{
	int rc;

	if ((rc = buf_get_u8(v, &m->incremental)) != BUF_OK ||
	    (rc = buf_get_u16(v, &m->x)) != BUF_OK ||
	    (rc = buf_get_u16(v, &m->y)) != BUF_OK ||
	    (rc = buf_get_u16(v, &m->w)) != BUF_OK ||
	    (rc = buf_get_u16(v, &m->h)) != BUF_OK)
		return rfb_more_or_bad(rc, "FramebufferUpdateRequest", err,
		    errsz);
	m->incremental = m->incremental != 0;
	return RFB_OK;
}

static enum rfb_status
rfb_parse_key(struct buf *v, struct rfb_client_msg *m, char *err,
	      size_t errsz)
{
	int rc;

	if ((rc = buf_get_u8(v, &m->down)) != BUF_OK ||
	    (rc = buf_consume(v, 2)) != BUF_OK ||	/* padding */
	    (rc = buf_get_u32(v, &m->keysym)) != BUF_OK)
		return rfb_more_or_bad(rc, "KeyEvent", err, errsz);
	m->down = m->down != 0;
	return RFB_OK;
}

static enum rfb_status
rfb_parse_pointer(struct buf *v, struct rfb_client_msg *m, char *err,
		  size_t errsz)
{
	int rc;

	if ((rc = buf_get_u8(v, &m->buttons)) != BUF_OK ||
	    (rc = buf_get_u16(v, &m->x)) != BUF_OK ||
	    (rc = buf_get_u16(v, &m->y)) != BUF_OK)
		return rfb_more_or_bad(rc, "PointerEvent", err, errsz);
	return RFB_OK;
}

static enum rfb_status
rfb_parse_cut_text(struct buf *v, struct rfb_client_msg *m, char *err,
		   size_t errsz)
{
	uint32_t len;
	int rc;

	if ((rc = buf_consume(v, 3)) != BUF_OK ||	/* padding */
	    (rc = buf_get_u32(v, &len)) != BUF_OK)
		return rfb_more_or_bad(rc, "ClientCutText", err, errsz);
	/* Checked before waiting for the text: a peer cannot make us
	 * buffer more than the cap. */
	if (len > RFB_MAX_CUT_TEXT)
		return rfb_fail(err, errsz,
		    "ClientCutText: %lu bytes (at most %u)",
		    (unsigned long)len, (unsigned)RFB_MAX_CUT_TEXT);
	if (buf_avail(v) < len)
		return RFB_MORE;
	/* NUL-terminated for convenience; cut_len is the length (the
	 * Latin-1 text may itself hold NUL bytes). */
	if ((m->cut_text = malloc((size_t)len + 1)) == NULL)
		return rfb_fail(err, errsz,
		    "ClientCutText: out of memory");
	if ((rc = buf_get_bytes(v, m->cut_text, len)) != BUF_OK) {
		rfb_client_msg_free(m);
		return rfb_more_or_bad(rc, "ClientCutText", err, errsz);
	}
	m->cut_text[len] = '\0';
	m->cut_len = len;
	return RFB_OK;
}

enum rfb_status
rfb_client_msg_parse(struct buf *in, struct rfb_client_msg *m, char *err,
		     size_t errsz)
{
	struct buf v;
	enum rfb_status st;

	memset(m, 0, sizeof(*m));
	buf_view(&v, buf_ptr(in), buf_avail(in));
	if (buf_get_u8(&v, &m->type) != BUF_OK)
		return RFB_MORE;
	switch (m->type) {
	case RFB_SET_PIXEL_FORMAT:
		st = rfb_parse_set_pixfmt(&v, m, err, errsz);
		break;
	case RFB_SET_ENCODINGS:
		st = rfb_parse_set_encodings(&v, m, err, errsz);
		break;
	case RFB_FB_UPDATE_REQUEST:
		st = rfb_parse_update_request(&v, m, err, errsz);
		break;
	case RFB_KEY_EVENT:
		st = rfb_parse_key(&v, m, err, errsz);
		break;
	case RFB_POINTER_EVENT:
		st = rfb_parse_pointer(&v, m, err, errsz);
		break;
	case RFB_CLIENT_CUT_TEXT:
		st = rfb_parse_cut_text(&v, m, err, errsz);
		break;
	default:
		return rfb_fail(err, errsz,
		    "unknown client message type %u", m->type);
	}
	if (st != RFB_OK) {
		rfb_client_msg_free(m);
		return st;
	}
	/* The view read exactly the message: consume that much. */
	if (buf_consume(in, buf_avail(in) - buf_avail(&v)) != BUF_OK) {
		rfb_client_msg_free(m);
		return rfb_fail(err, errsz,
		    "client message: internal length error");
	}
	return RFB_OK;
}

void
rfb_client_msg_free(struct rfb_client_msg *m)
{
	free(m->cut_text);
	m->cut_text = NULL;
	m->cut_len = 0;
}

/* ------------------------------------------------------------------ */
/* Builders                                                            */

/*
 * Room for a whole n-byte message in out, or a BUF_ERR_* with nothing
 * appended: a message is never half-written into the stream.
 */
static int
rfb_reserve(struct buf *out, size_t n, uint8_t **p)
{
	if (out->view)
		return BUF_ERR_READONLY;
	if ((*p = buf_reserve(out, n)) == NULL)
		return (n > out->max || buf_avail(out) > out->max - n) ?
		    BUF_ERR_LIMIT : BUF_ERR_NOMEM;
	return BUF_OK;
}

static uint8_t *
rfb_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
rfb_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

int
rfb_put_set_pixfmt(struct buf *out, const struct rfb_pixfmt *f)
{
	uint8_t *p;
	int rc;

	if ((rc = rfb_reserve(out, RFB_LEN_SET_PIXEL_FORMAT, &p)) != BUF_OK)
		return rc;
	p[0] = RFB_SET_PIXEL_FORMAT;
	p[1] = p[2] = p[3] = 0;
	rfb_pixfmt_put(p + 4, f);
	buf_commit(out, RFB_LEN_SET_PIXEL_FORMAT);
	return BUF_OK;
}

int
rfb_put_set_encodings(struct buf *out, const int32_t *enc, unsigned n)
{
	size_t len = RFB_LEN_SET_ENCODINGS_HDR + (size_t)n * 4;
	uint8_t *p, *q;
	unsigned i;
	int rc;

	if (n > RFB_MAX_ENCODINGS_WIRE)
		return BUF_ERR_LIMIT;
	if ((rc = rfb_reserve(out, len, &p)) != BUF_OK)
		return rc;
	p[0] = RFB_SET_ENCODINGS;
	p[1] = 0;
	q = rfb_be16(p + 2, (uint16_t)n);
	for (i = 0; i < n; i++)
		q = rfb_be32(q, (uint32_t)enc[i]);
	buf_commit(out, len);
	return BUF_OK;
}

int
rfb_put_update_request(struct buf *out, int incremental, uint16_t x,
		       uint16_t y, uint16_t w, uint16_t h)
{
	uint8_t *p;
	int rc;

	if ((rc = rfb_reserve(out, RFB_LEN_FB_UPDATE_REQUEST, &p)) != BUF_OK)
		return rc;
	p[0] = RFB_FB_UPDATE_REQUEST;
	p[1] = incremental != 0;
	rfb_be16(rfb_be16(rfb_be16(rfb_be16(p + 2, x), y), w), h);
	buf_commit(out, RFB_LEN_FB_UPDATE_REQUEST);
	return BUF_OK;
}

int
rfb_put_key(struct buf *out, int down, uint32_t keysym)
{
	uint8_t *p;
	int rc;

	if ((rc = rfb_reserve(out, RFB_LEN_KEY_EVENT, &p)) != BUF_OK)
		return rc;
	p[0] = RFB_KEY_EVENT;
	p[1] = down != 0;
	p[2] = p[3] = 0;
	rfb_be32(p + 4, keysym);
	buf_commit(out, RFB_LEN_KEY_EVENT);
	return BUF_OK;
}

int
rfb_put_pointer(struct buf *out, uint8_t buttons, uint16_t x, uint16_t y)
{
	uint8_t *p;
	int rc;

	if ((rc = rfb_reserve(out, RFB_LEN_POINTER_EVENT, &p)) != BUF_OK)
		return rc;
	p[0] = RFB_POINTER_EVENT;
	p[1] = buttons;
	rfb_be16(rfb_be16(p + 2, x), y);
	buf_commit(out, RFB_LEN_POINTER_EVENT);
	return BUF_OK;
}

int
rfb_put_cut_text(struct buf *out, const char *text, uint32_t len)
{
	size_t total = RFB_LEN_CUT_TEXT_HDR + (size_t)len;
	uint8_t *p;
	int rc;

	if (len > RFB_MAX_CUT_TEXT)
		return BUF_ERR_LIMIT;
	if ((rc = rfb_reserve(out, total, &p)) != BUF_OK)
		return rc;
	p[0] = RFB_CLIENT_CUT_TEXT;
	p[1] = p[2] = p[3] = 0;
	rfb_be32(p + 4, len);
	if (len > 0)
		memcpy(p + RFB_LEN_CUT_TEXT_HDR, text, len);
	buf_commit(out, total);
	return BUF_OK;
}

/* ------------------------------------------------------------------ */
/* ServerInit (RFC 6143 7.3.2)                                         */

#define RFB_LEN_SERVER_INIT_HDR		24	/* up to the name's bytes */

int
rfb_put_server_init(struct buf *out, const struct rfb_server_init *si)
{
	size_t nlen = si->name != NULL ? strlen(si->name) : 0;
	uint8_t *p, *q;
	int rc;

	if (nlen > RFB_MAX_NAME)
		return BUF_ERR_LIMIT;
	if ((rc = rfb_reserve(out, RFB_LEN_SERVER_INIT_HDR + nlen, &p)) !=
	    BUF_OK)
		return rc;
	q = rfb_be16(rfb_be16(p, si->width), si->height);
	rfb_pixfmt_put(q, &si->pixfmt);
	q = rfb_be32(q + 16, (uint32_t)nlen);
	if (nlen > 0)
		memcpy(q, si->name, nlen);
	buf_commit(out, RFB_LEN_SERVER_INIT_HDR + nlen);
	return BUF_OK;
}

enum rfb_status
rfb_server_init_parse(struct buf *in, struct rfb_server_init *si, char *err,
		      size_t errsz)
{
	struct buf v;
	uint8_t raw[16];
	uint32_t nlen;
	char why[128];
	int rc;

	memset(si, 0, sizeof(*si));
	buf_view(&v, buf_ptr(in), buf_avail(in));
	if ((rc = buf_get_u16(&v, &si->width)) != BUF_OK ||
	    (rc = buf_get_u16(&v, &si->height)) != BUF_OK ||
	    (rc = buf_get_bytes(&v, raw, sizeof(raw))) != BUF_OK ||
	    (rc = buf_get_u32(&v, &nlen)) != BUF_OK)
		return rfb_more_or_bad(rc, "ServerInit", err, errsz);
	/* Everything in the header is checked before waiting for the
	 * name, so a bad peer is refused without buffering anything. */
	if (si->width == 0 || si->width > RFB_MAX_DIM ||
	    si->height == 0 || si->height > RFB_MAX_DIM)
		return rfb_fail(err, errsz,
		    "ServerInit: screen %ux%u (each side 1..%u)", si->width,
		    si->height, RFB_MAX_DIM);
	rfb_pixfmt_get(raw, &si->pixfmt);
	if (!rfb_pixfmt_valid(&si->pixfmt, why, sizeof(why)))
		return rfb_fail(err, errsz,
		    "ServerInit: %s", why);
	if (nlen > RFB_MAX_NAME)
		return rfb_fail(err, errsz,
		    "ServerInit: desktop name of %lu bytes (at most %u)",
		    (unsigned long)nlen, RFB_MAX_NAME);
	if (buf_avail(&v) < nlen)
		return RFB_MORE;
	if ((si->name = malloc((size_t)nlen + 1)) == NULL)
		return rfb_fail(err, errsz,
		    "ServerInit: out of memory");
	if (buf_get_bytes(&v, si->name, nlen) != BUF_OK ||
	    memchr(si->name, '\0', nlen) != NULL ||
	    buf_consume(in, buf_avail(in) - buf_avail(&v)) != BUF_OK) {
		free(si->name);
		si->name = NULL;
		/* The name becomes a C string (window title). */
		return rfb_fail(err, errsz,
		    "ServerInit: NUL byte in the desktop name");
	}
	si->name[nlen] = '\0';
	return RFB_OK;
}
