/*
 * rfbenc: assistd's FramebufferUpdate encoder, one per helper session
 * (it owns that session's ZRLE zlib stream, as RFC 6143 requires). Input
 * is the captured screen in X's usual 32-bit layout (0x00RRGGBB per
 * uint32_t, host order); output is RFB bytes in the helper's pixel
 * format, appended to a struct buf. Pure computation: no X, no I/O, so
 * it is unit-tested against rfbdec.h and benchmarked under bench/.
 *
 * An update is built with rfbenc_begin, any number of rectangles, then
 * rfbenc_end (which fills in the rectangle count; at most 65535, the
 * caller starts a new update when rfbenc_full says so).
 */
#ifndef ASSIST_RFBENC_H
#define ASSIST_RFBENC_H

#include <stddef.h>
#include <stdint.h>
#include "common/buf.h"
#include "common/rfb.h"

#define RFBENC_TILE	64	/* ZRLE tile size (RFC 6143 7.7.6) */

/* A screen image: width x height pixels, row i at px + i * stride
 * (stride in pixels). Borrowed. */
struct rfb_fb {
	const uint32_t *px;
	uint16_t width, height;
	size_t stride;
};

struct rfb_rect {
	uint16_t x, y, w, h;
};

struct rfbenc;	/* opaque */

/* A new encoder for the default pixel format and Raw only; NULL when out
 * of memory. rfbenc_free(NULL) is allowed. */
struct rfbenc *rfbenc_new(void);
void rfbenc_free(struct rfbenc *e);

/* The helper's SetPixelFormat (already validated by rfb.h's parser). */
void rfbenc_set_pixfmt(struct rfbenc *e, const struct rfb_pixfmt *f);
/* The helper's SetEncodings: picks the first of ZRLE/Raw it lists (Raw
 * when none), and notes CopyRect, Cursor and DesktopSize support. */
void rfbenc_set_encodings(struct rfbenc *e, const int32_t *enc, unsigned n);
/* What the helper accepts (1/0), for the session logic. */
int rfbenc_has_copyrect(const struct rfbenc *e);
int rfbenc_has_cursor(const struct rfbenc *e);
int rfbenc_has_desktop_size(const struct rfbenc *e);
/* The encoding rfbenc_rect uses: RFB_ENC_ZRLE or RFB_ENC_RAW. */
int32_t rfbenc_encoding(const struct rfbenc *e);

/* Starts a FramebufferUpdate in out. 0 or a negative BUF_ERR_*. */
int rfbenc_begin(struct rfbenc *e, struct buf *out);
/* 1 when the update holds 65535 rectangles (end it, begin another). */
int rfbenc_full(const struct rfbenc *e);
/* r of fb (inside it) with the chosen encoding. 0 or BUF_ERR_*. */
int rfbenc_rect(struct rfbenc *e, struct buf *out, const struct rfb_fb *fb,
		const struct rfb_rect *r);
/* CopyRect: dst gets what the helper shows at (src_x, src_y). */
int rfbenc_copyrect(struct rfbenc *e, struct buf *out,
		    const struct rfb_rect *dst, uint16_t src_x, uint16_t src_y);
/* Cursor pseudo-rectangle: w x h ARGB pixels (0xAARRGGBB), hotspot. */
int rfbenc_cursor(struct rfbenc *e, struct buf *out, uint16_t hot_x,
		  uint16_t hot_y, uint16_t w, uint16_t h,
		  const uint32_t *argb);
/* DesktopSize pseudo-rectangle: the screen is now w x h. */
int rfbenc_desktop_size(struct rfbenc *e, struct buf *out, uint16_t w,
			uint16_t h);
/* Ends the update: writes the rectangle count. 0 or BUF_ERR_*. */
int rfbenc_end(struct rfbenc *e, struct buf *out);

#endif
