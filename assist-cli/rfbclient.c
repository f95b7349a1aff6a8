/* rfbclient: the RFB client handshake and update loop; see rfbclient.h. */
#include "assist-cli/rfbclient.h"

#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Encodings we ask for, best first (RFC 6143 7.5.2). */
static const int32_t rfbclient_encodings[] = {
	RFB_ENC_ZRLE, RFB_ENC_COPYRECT, RFB_ENC_RAW, RFB_ENC_CURSOR,
	RFB_ENC_DESKTOP_SIZE,
};

int
rfbclient_pixfmt_for_bpp(unsigned bpp, struct rfb_pixfmt *f)
{
	memset(f, 0, sizeof(*f));
	f->true_colour = 1;
	switch (bpp) {
	case 32:
		*f = rfb_pixfmt_default;
		return 0;
	case 16:	/* RGB565 */
		f->bpp = 16;
		f->depth = 16;
		f->red_max = 31;
		f->green_max = 63;
		f->blue_max = 31;
		f->red_shift = 11;
		f->green_shift = 5;
		f->blue_shift = 0;
		return 0;
	case 8:		/* BGR233, as most VNC viewers' 8-bit mode */
		f->bpp = 8;
		f->depth = 8;
		f->red_max = 7;
		f->green_max = 7;
		f->blue_max = 3;
		f->red_shift = 0;
		f->green_shift = 3;
		f->blue_shift = 6;
		return 0;
	default:
		return -1;
	}
}

int
rfbclient_init(struct rfbclient *c, const struct rfb_pixfmt *f,
	       struct buf *out)
{
	memset(c, 0, sizeof(*c));
	c->pixfmt = *f;
	c->phase = RFBCLIENT_SECTYPES;
	c->max_pixels = RFBCLIENT_MAX_PIXELS;
	return buf_put_bytes(out, RFB_VERSION_STR, RFB_VERSION_LEN) == BUF_OK ?
	    0 : -1;
}

void
rfbclient_free(struct rfbclient *c)
{
	rfbdec_free(c->dec);
	free(c->px);
	c->dec = NULL;
	c->px = NULL;
}

static int
rfbclient_fail(struct rfbclient *c, char *err, size_t errsz, const char *what)
{
	c->phase = RFBCLIENT_FAILED;
	snprintf(err, errsz, "%s", what);
	return -1;
}

/* A u32-length reason string (after a refusal): RFB_MORE until whole;
 * RFB_OK with the escaped text in err. */
static enum rfb_status
rfbclient_reason(struct buf *in, const char *prefix, char *err, size_t errsz)
{
	char safe[4 * RFBCLIENT_MAX_REASON + 4];
	const uint8_t *p = buf_ptr(in);
	uint32_t n;

	if (buf_avail(in) < 4)
		return RFB_MORE;
	n = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	    p[3];
	/* Only the first RFBCLIENT_MAX_REASON bytes matter; a longer one is
	 * cut rather than waited for whole. */
	if (n > RFBCLIENT_MAX_REASON)
		n = RFBCLIENT_MAX_REASON;
	if (buf_avail(in) < 4 + (size_t)n)
		return RFB_MORE;
	snprintf(err, errsz, "%s: %s", prefix, log_sanitize(safe,
	    sizeof(safe), (const char *)p + 4, n));
	return RFB_OK;
}

static enum rfb_status
rfbclient_sectypes(struct rfbclient *c, struct buf *in, struct buf *out,
		   char *err, size_t errsz)
{
	const uint8_t *p = buf_ptr(in);
	uint8_t n;

	if (buf_avail(in) < 1)
		return RFB_MORE;
	n = p[0];
	if (n == 0) {
		struct buf rest;

		buf_view(&rest, p + 1, buf_avail(in) - 1);
		if (rfbclient_reason(&rest, "the server refused the "
		    "connection", err, errsz) == RFB_MORE)
			return RFB_MORE;
		c->phase = RFBCLIENT_FAILED;
		return RFB_BAD;
	}
	if (buf_avail(in) < 1 + (size_t)n)
		return RFB_MORE;
	if (memchr(p + 1, RFB_SEC_NONE, n) == NULL) {
		rfbclient_fail(c, err, errsz, "the server does not offer "
		    "security type None");
		return RFB_BAD;
	}
	buf_consume(in, 1 + (size_t)n);
	if (buf_put_u8(out, RFB_SEC_NONE) != BUF_OK)
		return RFB_BAD;
	c->phase = RFBCLIENT_SECRESULT;
	return RFB_OK;
}

static enum rfb_status
rfbclient_secresult(struct rfbclient *c, struct buf *in, struct buf *out,
		    char *err, size_t errsz)
{
	const uint8_t *p = buf_ptr(in);

	if (buf_avail(in) < 4)
		return RFB_MORE;
	if (p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0) {
		struct buf rest;

		buf_view(&rest, buf_ptr(in) + 4, buf_avail(in) - 4);
		if (rfbclient_reason(&rest, "the server refused the "
		    "security handshake", err, errsz) == RFB_MORE)
			return RFB_MORE;
		c->phase = RFBCLIENT_FAILED;
		return RFB_BAD;
	}
	buf_consume(in, 4);
	if (buf_put_u8(out, 1) != BUF_OK)	/* ClientInit: shared */
		return RFB_BAD;
	c->phase = RFBCLIENT_INIT;
	return RFB_OK;
}

/* A framebuffer of w x h (at least one pixel, so px is never NULL),
 * black. 0, or -1 with err (too large, out of memory). */
static int
rfbclient_alloc(struct rfbclient *c, uint16_t w, uint16_t h, char *err,
		size_t errsz)
{
	size_t n = (size_t)(w ? w : 1) * (h ? h : 1);
	uint32_t *px;

	if (n > c->max_pixels) {
		snprintf(err, errsz, "the server's screen of %ux%u is too "
		    "large (at most %zu pixels)", w, h, c->max_pixels);
		c->phase = RFBCLIENT_FAILED;
		return -1;
	}
	if ((px = calloc(n, sizeof(*px))) == NULL) {
		rfbclient_fail(c, err, errsz, "out of memory");
		return -1;
	}
	free(c->px);
	c->px = px;
	c->width = w;
	c->height = h;
	c->dirty = (struct rfbclient_box){ 0, 0, w, h };
	return 0;
}

static enum rfb_status
rfbclient_serverinit(struct rfbclient *c, struct buf *in, struct buf *out,
		     char *err, size_t errsz)
{
	struct rfb_server_init si;
	enum rfb_status st;
	char why[256];

	memset(&si, 0, sizeof(si));
	st = rfb_server_init_parse(in, &si, why, sizeof(why));
	if (st == RFB_MORE)
		return RFB_MORE;
	if (st != RFB_OK) {
		snprintf(err, errsz, "bad ServerInit: %s", why);
		c->phase = RFBCLIENT_FAILED;
		return RFB_BAD;
	}
	log_sanitize(c->name, sizeof(c->name), si.name, strlen(si.name));
	free(si.name);
	if (rfbclient_alloc(c, si.width, si.height, err, errsz) != 0)
		return RFB_BAD;
	if ((c->dec = rfbdec_new(&c->pixfmt)) == NULL) {
		rfbclient_fail(c, err, errsz, "out of memory");
		return RFB_BAD;
	}
	if (rfb_put_set_pixfmt(out, &c->pixfmt) != 0 ||
	    rfb_put_set_encodings(out, rfbclient_encodings,
	    sizeof(rfbclient_encodings) / sizeof(rfbclient_encodings[0])) !=
	    0 || rfb_put_update_request(out, 0, 0, 0, c->width, c->height) !=
	    0) {
		rfbclient_fail(c, err, errsz, "out of memory");
		return RFB_BAD;
	}
	c->phase = RFBCLIENT_RUN;
	return RFB_OK;
}

static void
rfbclient_mark(struct rfbclient *c, uint16_t x, uint16_t y, uint16_t w,
	       uint16_t h)
{
	struct rfbclient_box *d = &c->dirty;
	unsigned x0, y0, x1, y1;

	if (w == 0 || h == 0)
		return;
	if (d->w == 0 || d->h == 0) {
		*d = (struct rfbclient_box){ x, y, w, h };
		return;
	}
	x0 = x < d->x ? x : d->x;
	y0 = y < d->y ? y : d->y;
	x1 = (unsigned)x + w > (unsigned)d->x + d->w ? (unsigned)x + w :
	    (unsigned)d->x + d->w;
	y1 = (unsigned)y + h > (unsigned)d->y + d->h ? (unsigned)y + h :
	    (unsigned)d->y + d->h;
	*d = (struct rfbclient_box){ (uint16_t)x0, (uint16_t)y0,
	    (uint16_t)(x1 - x0), (uint16_t)(y1 - y0) };
}

void
rfbclient_take_dirty(struct rfbclient *c, struct rfbclient_box *b)
{
	*b = c->dirty;
	memset(&c->dirty, 0, sizeof(c->dirty));
}

/* One decoder step in the RUN phase. */
static enum rfb_status
rfbclient_run(struct rfbclient *c, struct buf *in, struct buf *out,
	      char *err, size_t errsz)
{
	struct rfb_fbmut fb = { c->px, c->width, c->height, c->width };
	struct rfbdec_event ev;
	enum rfb_status st;
	char why[256];

	memset(&ev, 0, sizeof(ev));
	st = rfbdec_step(c->dec, in, &fb, &ev, why, sizeof(why));
	if (st == RFB_MORE)
		return RFB_MORE;
	if (st != RFB_OK) {
		snprintf(err, errsz, "bad message from the server: %s", why);
		c->phase = RFBCLIENT_FAILED;
		return RFB_BAD;
	}
	switch (ev.type) {
	case RFBDEC_RECT:
		rfbclient_mark(c, ev.x, ev.y, ev.w, ev.h);
		break;
	case RFBDEC_RESIZE:
		if (rfbclient_alloc(c, ev.w, ev.h, err, errsz) != 0)
			return RFB_BAD;
		c->resizes++;
		c->full_pending = true;
		break;
	case RFBDEC_UPDATE_END:
		c->updates++;
		if (rfb_put_update_request(out, !c->full_pending, 0, 0,
		    c->width, c->height) != 0) {
			rfbclient_fail(c, err, errsz, "out of memory");
			return RFB_BAD;
		}
		c->full_pending = false;
		break;
	default:	/* cursor, cut text, bell: not shown yet */
		break;
	}
	return RFB_OK;
}

int
rfbclient_feed(struct rfbclient *c, struct buf *in, struct buf *out,
	       char *err, size_t errsz)
{
	enum rfb_status st = RFB_OK;

	while (st == RFB_OK) {
		switch (c->phase) {
		case RFBCLIENT_SECTYPES:
			st = rfbclient_sectypes(c, in, out, err, errsz);
			break;
		case RFBCLIENT_SECRESULT:
			st = rfbclient_secresult(c, in, out, err, errsz);
			break;
		case RFBCLIENT_INIT:
			st = rfbclient_serverinit(c, in, out, err, errsz);
			break;
		case RFBCLIENT_RUN:
			st = rfbclient_run(c, in, out, err, errsz);
			break;
		default:
			snprintf(err, errsz, "the RFB session failed earlier");
			return -1;
		}
	}
	if (st == RFB_BAD) {
		if (c->phase != RFBCLIENT_FAILED)
			rfbclient_fail(c, err, errsz, "out of memory");
		return -1;
	}
	buf_compact(in);
	return 0;
}
