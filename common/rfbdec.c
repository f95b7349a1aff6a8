/*
 * rfbdec: the viewer's decoder of server messages (RFC 6143 7.6-7.8);
 * see rfbdec.h. Every header is read from a read-only view of what has
 * arrived, so an incomplete message consumes nothing; every rectangle is
 * checked against the framebuffer before a pixel is written.
 *
 * ZRLE: the rectangle's zlib bytes (all present, their length capped)
 * are inflated through a window that always holds the largest possible
 * tile, or all that is left; each tile is parsed from a view of the
 * window, so a short or lying tile is a bounds error, not an overread.
 * The inflated data must end exactly with the last tile.
 */
#include "common/rfbdec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/rfbpix.h"

#define RFBDEC_TILE	64
#define RFBDEC_NTILE	(RFBDEC_TILE * RFBDEC_TILE)
#define RFBDEC_MAX_PAL	127
/* Most bytes a valid tile can take: a palette of 127 4-byte CPIXELs or
 * plain RLE of single pixels (4-byte CPIXEL + 1 length byte each). */
#define RFBDEC_TILE_MAX	(1 + RFBDEC_MAX_PAL * 4 + RFBDEC_NTILE * 5)
#define RFBDEC_WIN	(64 * 1024)	/* inflated bytes window */
#define RFBDEC_RECT_HDR	12

struct rfbdec {
	struct rfbpix pix;
	z_stream zs;
	int zinit;
	int broken;		/* a step failed: the stream is lost */
	unsigned rects_left;	/* of the current update */
	int end_pending;	/* UPDATE_END is the next event */
	int in_raw;		/* decoding raw's rows */
	uint16_t rx, ry, rw, rh, rdone;
	uint32_t *cursor;	/* RFBDEC_MAX_CURSOR^2 ARGB */
	char *cut;
	uint8_t *win;
	size_t win_off, win_len;
	uint32_t pal[RFBDEC_MAX_PAL];
};

static enum rfb_status rfbdec_fail(struct rfbdec *d, char *err,
				   size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum rfb_status
rfbdec_fail(struct rfbdec *d, char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	d->broken = 1;
	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return RFB_BAD;
}

struct rfbdec *
rfbdec_new(const struct rfb_pixfmt *f)
{
	struct rfbdec *d;

	if (!rfb_pixfmt_valid(f, NULL, 0) || (d = calloc(1, sizeof(*d))) ==
	    NULL)
		return NULL;
	if ((d->win = malloc(RFBDEC_WIN)) == NULL) {
		free(d);
		return NULL;
	}
	rfbpix_init(&d->pix, f);
	return d;
}

void
rfbdec_free(struct rfbdec *d)
{
	if (d == NULL)
		return;
	if (d->zinit)
		inflateEnd(&d->zs);
	free(d->cursor);
	free(d->cut);
	free(d->win);
	free(d);
}

/* The rectangle lies inside the framebuffer. */
static int
rfbdec_inside(const struct rfb_fbmut *fb, unsigned x, unsigned y,
	      unsigned w, unsigned h)
{
	return x + w <= fb->width && y + h <= fb->height;
}

static void
rfbdec_rect_done(struct rfbdec *d)
{
	if (--d->rects_left == 0)
		d->end_pending = 1;
}

/* ---- Server messages other than rectangles ---- */

static enum rfb_status
rfbdec_message(struct rfbdec *d, struct buf *in, struct rfbdec_event *ev,
	       char *err, size_t errsz)
{
	struct buf v;
	uint8_t type, pad[3];
	uint16_t n;
	uint32_t len;
	char *p;

	buf_view(&v, buf_ptr(in), buf_avail(in));
	if (buf_get_u8(&v, &type) != BUF_OK)
		return RFB_MORE;
	switch (type) {
	case RFB_FB_UPDATE:
		if (buf_get_u8(&v, &pad[0]) != BUF_OK ||
		    buf_get_u16(&v, &n) != BUF_OK)
			return RFB_MORE;
		if (n == 0)
			ev->type = RFBDEC_UPDATE_END;
		d->rects_left = n;
		break;
	case RFB_BELL:
		ev->type = RFBDEC_BELL;
		break;
	case RFB_SERVER_CUT_TEXT:
		if (buf_get_bytes(&v, pad, 3) != BUF_OK ||
		    buf_get_u32(&v, &len) != BUF_OK)
			return RFB_MORE;
		if (len > RFB_MAX_CUT_TEXT)
			return rfbdec_fail(d, err, errsz, "server cut text of "
			    "%u bytes (limit %u)", len, RFB_MAX_CUT_TEXT);
		if (buf_avail(&v) < len)
			return RFB_MORE;
		if ((p = realloc(d->cut, len ? len : 1)) == NULL)
			return rfbdec_fail(d, err, errsz, "out of memory");
		d->cut = p;
		(void)buf_get_bytes(&v, d->cut, len);
		ev->type = RFBDEC_CUT_TEXT;
		ev->cut_text = d->cut;
		ev->cut_len = len;
		break;
	case RFB_SET_COLOUR_MAP:
		return rfbdec_fail(d, err, errsz, "SetColourMapEntries for a "
		    "true-colour pixel format");
	default:
		return rfbdec_fail(d, err, errsz, "unknown server message "
		    "type %u", type);
	}
	(void)buf_consume(in, v.off);
	return RFB_OK;
}

/* ---- Raw ---- */

/* Decodes the whole rows of the current Raw rectangle that have come. */
static enum rfb_status
rfbdec_raw_rows(struct rfbdec *d, struct buf *in, struct rfb_fbmut *fb,
		struct rfbdec_event *ev, char *err, size_t errsz)
{
	size_t row = (size_t)d->rw * d->pix.bytes, n, i;
	const uint8_t *p = buf_ptr(in);

	if (!rfbdec_inside(fb, d->rx, d->ry, d->rw, d->rh))
		return rfbdec_fail(d, err, errsz, "framebuffer shrank under a "
		    "raw rectangle");
	n = buf_avail(in) / row;
	if (n == 0)
		return RFB_MORE;
	if (n > (size_t)(d->rh - d->rdone))
		n = d->rh - d->rdone;
	for (i = 0; i < n; i++)
		rfbpix_get_row(&d->pix, fb->px + (size_t)(d->ry + d->rdone +
		    i) * fb->stride + d->rx, p + i * row, d->rw, 0);
	(void)buf_consume(in, n * row);
	ev->type = RFBDEC_RECT;
	ev->x = d->rx;
	ev->y = (uint16_t)(d->ry + d->rdone);
	ev->w = d->rw;
	ev->h = (uint16_t)n;
	d->rdone = (uint16_t)(d->rdone + n);
	if (d->rdone == d->rh) {
		d->in_raw = 0;
		rfbdec_rect_done(d);
	}
	return RFB_OK;
}

/* ---- CopyRect ---- */

static void
rfbdec_copy(struct rfb_fbmut *fb, unsigned dx, unsigned dy, unsigned w,
	    unsigned h, unsigned sx, unsigned sy)
{
	size_t j, row;

	/* Rows in the order that never reads a row already overwritten;
	 * memmove does the same within a row. */
	for (j = 0; j < h; j++) {
		row = sy < dy ? h - 1 - j : j;
		memmove(fb->px + (dy + row) * fb->stride + dx,
		    fb->px + (sy + row) * fb->stride + sx,
		    (size_t)w * sizeof(uint32_t));
	}
}

/* ---- ZRLE ---- */

/* Makes the window hold at least need inflated bytes, or all the rest
 * of the rectangle when less. */
static enum rfb_status
rfbdec_fill(struct rfbdec *d, size_t need, char *err, size_t errsz)
{
	size_t before;
	int zr;

	if (d->win_len - d->win_off >= need)
		return RFB_OK;
	memmove(d->win, d->win + d->win_off, d->win_len - d->win_off);
	d->win_len -= d->win_off;
	d->win_off = 0;
	while (d->win_len < need) {
		d->zs.next_out = d->win + d->win_len;
		d->zs.avail_out = (uInt)(RFBDEC_WIN - d->win_len);
		before = d->zs.avail_out;
		zr = inflate(&d->zs, Z_NO_FLUSH);
		d->win_len += before - d->zs.avail_out;
		if (zr == Z_STREAM_END)
			return rfbdec_fail(d, err, errsz, "ZRLE zlib stream "
			    "ended (it lasts the whole connection)");
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return rfbdec_fail(d, err, errsz, "ZRLE zlib data: %s",
			    d->zs.msg ? d->zs.msg : "error");
		if (before == d->zs.avail_out)
			break;	/* no more output: the rectangle's end */
	}
	return RFB_OK;
}

/* The next run length (RFC 6143 7.7.6), at most max. */
static int
rfbdec_runlen(struct buf *t, size_t max, size_t *len)
{
	uint8_t b;

	*len = 1;
	do {
		if (buf_get_u8(t, &b) != BUF_OK)
			return -1;
		*len += b;
		if (*len > max)
			return -2;
	} while (b == 255);
	return 0;
}

/* Writes run pixels of colour c from tile position i on. */
static void
rfbdec_run(uint32_t *base, size_t stride, unsigned tw, size_t i,
	   size_t run, uint32_t c)
{
	size_t col, k, j;
	uint32_t *p;

	while (run > 0) {
		col = i % tw;
		k = tw - col < run ? tw - col : run;
		p = base + (i / tw) * stride + col;
		for (j = 0; j < k; j++)
			p[j] = c;
		i += k;
		run -= k;
	}
}

static int
rfbdec_palette(struct rfbdec *d, struct buf *t, unsigned n)
{
	unsigned cb = d->pix.cbytes, i;

	if (buf_avail(t) < (size_t)n * cb)
		return -1;
	for (i = 0; i < n; i++)
		d->pal[i] = rfbpix_to_rgb(&d->pix, rfbpix_cget(&d->pix,
		    buf_ptr(t) + (size_t)i * cb));
	(void)buf_consume(t, (size_t)n * cb);
	return 0;
}

static enum rfb_status
rfbdec_packed(struct rfbdec *d, struct buf *t, uint32_t *base,
	      size_t stride, unsigned tw, unsigned th, unsigned np,
	      const char **why)
{
	unsigned bits = np <= 2 ? 1 : np <= 4 ? 2 : 4, mask = (1u << bits) - 1;
	size_t rowbytes = ((size_t)tw * bits + 7) / 8;
	const uint8_t *p;
	unsigned i, j, idx;

	if (rfbdec_palette(d, t, np) != 0 || buf_avail(t) < rowbytes * th) {
		*why = "truncated";
		return RFB_BAD;
	}
	p = buf_ptr(t);
	for (j = 0; j < th; j++, p += rowbytes) {
		uint32_t *row = base + j * stride;

		for (i = 0; i < tw; i++) {
			idx = (p[i * bits / 8] >> (8 - bits - i * bits % 8)) &
			    mask;
			if (idx >= np) {
				*why = "palette index out of range";
				return RFB_BAD;
			}
			row[i] = d->pal[idx];
		}
	}
	(void)buf_consume(t, rowbytes * th);
	return RFB_OK;
}

static enum rfb_status
rfbdec_rle(struct rfbdec *d, struct buf *t, uint32_t *base, size_t stride,
	   unsigned tw, unsigned th, unsigned np, const char **why)
{
	size_t n = (size_t)tw * th, i = 0, run;
	unsigned cb = d->pix.cbytes;
	uint32_t c;
	uint8_t b;
	int r;

	if (np > 0 && rfbdec_palette(d, t, np) != 0) {
		*why = "truncated";
		return RFB_BAD;
	}
	while (i < n) {
		if (np == 0) {
			if (buf_avail(t) < cb) {
				*why = "truncated";
				return RFB_BAD;
			}
			c = rfbpix_to_rgb(&d->pix, rfbpix_cget(&d->pix,
			    buf_ptr(t)));
			(void)buf_consume(t, cb);
			r = rfbdec_runlen(t, n - i, &run);
		} else {
			if (buf_get_u8(t, &b) != BUF_OK) {
				*why = "truncated";
				return RFB_BAD;
			}
			if ((b & 127) >= np) {
				*why = "palette index out of range";
				return RFB_BAD;
			}
			c = d->pal[b & 127];
			run = 1;
			r = b & 128 ? rfbdec_runlen(t, n - i, &run) : 0;
		}
		if (r != 0) {
			*why = r == -1 ? "truncated" : "run past the tile";
			return RFB_BAD;
		}
		rfbdec_run(base, stride, tw, i, run, c);
		i += run;
	}
	return RFB_OK;
}

/* One tile from t into the framebuffer at (x, y). */
static enum rfb_status
rfbdec_tile(struct rfbdec *d, struct buf *t, struct rfb_fbmut *fb,
	    unsigned x, unsigned y, unsigned tw, unsigned th,
	    const char **why)
{
	uint32_t *base = fb->px + (size_t)y * fb->stride + x;
	size_t rowbytes = (size_t)tw * d->pix.cbytes;
	uint8_t sub;
	unsigned j;

	if (buf_get_u8(t, &sub) != BUF_OK) {
		*why = "truncated";
		return RFB_BAD;
	}
	if (sub == 0) {
		if (buf_avail(t) < rowbytes * th) {
			*why = "truncated";
			return RFB_BAD;
		}
		for (j = 0; j < th; j++)
			rfbpix_get_row(&d->pix, base + j * fb->stride,
			    buf_ptr(t) + j * rowbytes, tw, 1);
		(void)buf_consume(t, rowbytes * th);
		return RFB_OK;
	}
	if (sub == 1) {
		if (rfbdec_palette(d, t, 1) != 0) {
			*why = "truncated";
			return RFB_BAD;
		}
		for (j = 0; j < th; j++)
			rfbdec_run(base + j * fb->stride, 0, tw, 0, tw,
			    d->pal[0]);
		return RFB_OK;
	}
	if (sub <= 16)
		return rfbdec_packed(d, t, base, fb->stride, tw, th, sub, why);
	if (sub == 128 || sub >= 130)
		return rfbdec_rle(d, t, base, fb->stride, tw, th,
		    sub == 128 ? 0 : sub - 128u, why);
	*why = "unused subencoding";
	return RFB_BAD;
}

/* The rectangle's inflated data must have ended with its last tile. */
static enum rfb_status
rfbdec_zrle_end(struct rfbdec *d, char *err, size_t errsz)
{
	uint8_t extra;
	int zr;

	if (d->win_len != d->win_off)
		return rfbdec_fail(d, err, errsz, "ZRLE data longer than its "
		    "tiles");
	do {
		d->zs.next_out = &extra;
		d->zs.avail_out = 1;
		zr = inflate(&d->zs, Z_NO_FLUSH);
		if (d->zs.avail_out == 0)
			return rfbdec_fail(d, err, errsz, "ZRLE data longer "
			    "than its tiles");
		if (zr == Z_STREAM_END)
			return rfbdec_fail(d, err, errsz, "ZRLE zlib stream "
			    "ended (it lasts the whole connection)");
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return rfbdec_fail(d, err, errsz, "ZRLE zlib data: %s",
			    d->zs.msg ? d->zs.msg : "error");
	} while (d->zs.avail_in > 0 && zr == Z_OK);
	if (d->zs.avail_in > 0)
		return rfbdec_fail(d, err, errsz, "ZRLE zlib data after its "
		    "tiles");
	return RFB_OK;
}

static enum rfb_status
rfbdec_zrle(struct rfbdec *d, const uint8_t *data, uint32_t len,
	    struct rfb_fbmut *fb, unsigned x, unsigned y, unsigned w,
	    unsigned h, char *err, size_t errsz)
{
	unsigned tx, ty, tw, th;
	const char *why = NULL;
	struct buf t;
	enum rfb_status st;

	if (!d->zinit) {
		if (inflateInit(&d->zs) != Z_OK)
			return rfbdec_fail(d, err, errsz, "out of memory");
		d->zinit = 1;
	}
	d->zs.next_in = (Bytef *)(uintptr_t)data;	/* zlib only reads */
	d->zs.avail_in = len;
	d->win_off = d->win_len = 0;
	for (ty = 0; ty < h; ty += RFBDEC_TILE) {
		th = h - ty < RFBDEC_TILE ? h - ty : RFBDEC_TILE;
		for (tx = 0; tx < w; tx += RFBDEC_TILE) {
			tw = w - tx < RFBDEC_TILE ? w - tx : RFBDEC_TILE;
			if ((st = rfbdec_fill(d, RFBDEC_TILE_MAX, err, errsz))
			    != RFB_OK)
				return st;
			buf_view(&t, d->win + d->win_off,
			    d->win_len - d->win_off);
			if (rfbdec_tile(d, &t, fb, x + tx, y + ty, tw, th,
			    &why) != RFB_OK)
				return rfbdec_fail(d, err, errsz, "ZRLE tile "
				    "at %u,%u: %s", x + tx, y + ty, why);
			d->win_off += t.off;
		}
	}
	return rfbdec_zrle_end(d, err, errsz);
}

/* ---- Cursor ---- */

static enum rfb_status
rfbdec_cursor(struct rfbdec *d, const uint8_t *p, unsigned w, unsigned h,
	      char *err, size_t errsz)
{
	size_t mrow = ((size_t)w + 7) / 8, i, j;
	const uint8_t *m = p + (size_t)w * h * d->pix.bytes;
	uint32_t rgb;

	if (d->cursor == NULL && (d->cursor = malloc((size_t)
	    RFBDEC_MAX_CURSOR * RFBDEC_MAX_CURSOR * sizeof(uint32_t))) == NULL)
		return rfbdec_fail(d, err, errsz, "out of memory");
	for (j = 0; j < h; j++) {
		for (i = 0; i < w; i++, p += d->pix.bytes) {
			rgb = rfbpix_to_rgb(&d->pix, rfbpix_get(&d->pix, p));
			d->cursor[j * w + i] = m[j * mrow + i / 8] &
			    (0x80 >> (i % 8)) ? 0xff000000u | rgb : 0;
		}
	}
	return RFB_OK;
}

/* ---- Rectangles ---- */

static enum rfb_status
rfbdec_rect(struct rfbdec *d, struct buf *in, struct rfb_fbmut *fb,
	    struct rfbdec_event *ev, char *err, size_t errsz)
{
	struct buf v;
	uint16_t x, y, w, h, sx, sy;
	uint32_t enc, len;
	size_t need;
	enum rfb_status st;

	buf_view(&v, buf_ptr(in), buf_avail(in));
	if (buf_get_u16(&v, &x) != BUF_OK || buf_get_u16(&v, &y) != BUF_OK ||
	    buf_get_u16(&v, &w) != BUF_OK || buf_get_u16(&v, &h) != BUF_OK ||
	    buf_get_u32(&v, &enc) != BUF_OK)
		return RFB_MORE;
	ev->x = x;
	ev->y = y;
	ev->w = w;
	ev->h = h;
	switch ((int32_t)enc) {
	case RFB_ENC_RAW:
		if (!rfbdec_inside(fb, x, y, w, h))
			break;
		if (w > 0 && h > 0 &&
		    buf_avail(&v) < (size_t)w * d->pix.bytes)
			return RFB_MORE;
		(void)buf_consume(in, v.off);
		if (w == 0 || h == 0) {
			rfbdec_rect_done(d);
			return RFB_OK;
		}
		d->in_raw = 1;
		d->rx = x;
		d->ry = y;
		d->rw = w;
		d->rh = h;
		d->rdone = 0;
		return rfbdec_raw_rows(d, in, fb, ev, err, errsz);
	case RFB_ENC_COPYRECT:
		if (!rfbdec_inside(fb, x, y, w, h))
			break;
		if (buf_get_u16(&v, &sx) != BUF_OK ||
		    buf_get_u16(&v, &sy) != BUF_OK)
			return RFB_MORE;
		if (!rfbdec_inside(fb, sx, sy, w, h))
			return rfbdec_fail(d, err, errsz, "CopyRect source "
			    "%ux%u+%u+%u outside the %ux%u framebuffer", w, h,
			    sx, sy, fb->width, fb->height);
		rfbdec_copy(fb, x, y, w, h, sx, sy);
		ev->type = RFBDEC_RECT;
		break;
	case RFB_ENC_ZRLE:
		if (!rfbdec_inside(fb, x, y, w, h))
			break;
		if (buf_get_u32(&v, &len) != BUF_OK)
			return RFB_MORE;
		if (len > RFBDEC_MAX_ZRLE)
			return rfbdec_fail(d, err, errsz, "ZRLE rectangle of "
			    "%u bytes (limit %u)", len, RFBDEC_MAX_ZRLE);
		if (buf_avail(&v) < len)
			return RFB_MORE;
		if ((st = rfbdec_zrle(d, buf_ptr(&v), len, fb, x, y, w, h,
		    err, errsz)) != RFB_OK)
			return st;
		(void)buf_consume(&v, len);
		ev->type = RFBDEC_RECT;
		break;
	case RFB_ENC_CURSOR:
		if (w > RFBDEC_MAX_CURSOR || h > RFBDEC_MAX_CURSOR)
			return rfbdec_fail(d, err, errsz, "cursor of %ux%u "
			    "(limit %u)", w, h, RFBDEC_MAX_CURSOR);
		need = (size_t)w * h * d->pix.bytes + ((size_t)w + 7) / 8 * h;
		if (buf_avail(&v) < need)
			return RFB_MORE;
		if ((st = rfbdec_cursor(d, buf_ptr(&v), w, h, err, errsz)) !=
		    RFB_OK)
			return st;
		(void)buf_consume(&v, need);
		/* X cursors have their hotspot inside; clamp others. */
		ev->hot_x = w > 0 && x >= w ? (uint16_t)(w - 1) : x;
		ev->hot_y = h > 0 && y >= h ? (uint16_t)(h - 1) : y;
		ev->x = ev->y = 0;
		ev->cursor_argb = d->cursor;
		ev->type = RFBDEC_CURSOR;
		break;
	case RFB_ENC_DESKTOP_SIZE:
		if (w == 0 || h == 0 || w > RFB_MAX_DIM || h > RFB_MAX_DIM)
			return rfbdec_fail(d, err, errsz, "desktop size %ux%u "
			    "(limit %u)", w, h, RFB_MAX_DIM);
		ev->x = ev->y = 0;
		ev->type = RFBDEC_RESIZE;
		break;
	default:
		return rfbdec_fail(d, err, errsz, "unsupported encoding %d",
		    (int32_t)enc);
	}
	if (ev->type == RFBDEC_NONE)	/* every break without an event */
		return rfbdec_fail(d, err, errsz, "rectangle %ux%u+%u+%u "
		    "outside the %ux%u framebuffer", w, h, x, y, fb->width,
		    fb->height);
	(void)buf_consume(in, v.off);
	rfbdec_rect_done(d);
	return RFB_OK;
}

enum rfb_status
rfbdec_step(struct rfbdec *d, struct buf *in, struct rfb_fbmut *fb,
	    struct rfbdec_event *ev, char *err, size_t errsz)
{
	memset(ev, 0, sizeof(*ev));
	if (d->broken)
		return rfbdec_fail(d, err, errsz, "decoder already failed");
	if (fb->stride < fb->width)
		return rfbdec_fail(d, err, errsz, "framebuffer stride %zu < "
		    "width %u", fb->stride, fb->width);
	if (d->end_pending) {
		d->end_pending = 0;
		ev->type = RFBDEC_UPDATE_END;
		return RFB_OK;
	}
	if (d->in_raw)
		return rfbdec_raw_rows(d, in, fb, ev, err, errsz);
	if (d->rects_left > 0)
		return rfbdec_rect(d, in, fb, ev, err, errsz);
	return rfbdec_message(d, in, ev, err, errsz);
}
