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
#define RFBENC_MAX_RECTS_PER_CALL 256	/* ZRLE bands of one rfbenc_rect */
#define RFBENC_MAX_CURSOR 256		/* cursor w, h (= RFBDEC_MAX_CURSOR) */
#define RFBENC_ZLEVEL	4	/* default deflate level (bench/README.md) */

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
/* 1 when the update has no room for another rfbenc_rect (which may add
 * up to RFBENC_MAX_RECTS_PER_CALL rectangles): end it, begin another. */
int rfbenc_full(const struct rfbenc *e);
/* r of fb (inside it) with the chosen encoding; an empty r adds nothing.
 * A large ZRLE r is sent as bands of whole tile rows (each compressed
 * band stays far below rfbdec.h's RFBDEC_MAX_ZRLE). 0 or BUF_ERR_*: on
 * error out is as before the call, but a ZRLE encoder's zlib stream (the
 * client's too) is lost: end the session. */
int rfbenc_rect(struct rfbenc *e, struct buf *out, const struct rfb_fb *fb,
		const struct rfb_rect *r);
/* CopyRect: dst gets what the helper shows at (src_x, src_y). */
int rfbenc_copyrect(struct rfbenc *e, struct buf *out,
		    const struct rfb_rect *dst, uint16_t src_x, uint16_t src_y);
/* Cursor pseudo-rectangle: w x h (each <= RFBENC_MAX_CURSOR) ARGB pixels
 * (0xAARRGGBB, premultiplied as XFixes gives them), hotspot. A pixel is
 * shown when its alpha is >= 128 (RFC 6143's cursor has a 1-bit mask). */
int rfbenc_cursor(struct rfbenc *e, struct buf *out, uint16_t hot_x,
		  uint16_t hot_y, uint16_t w, uint16_t h,
		  const uint32_t *argb);
/* DesktopSize pseudo-rectangle: the screen is now w x h. */
int rfbenc_desktop_size(struct rfbenc *e, struct buf *out, uint16_t w,
			uint16_t h);
/* Ends the update: writes the rectangle count. 0 or BUF_ERR_*. The
 * caller must not consume from out between rfbenc_begin and rfbenc_end. */
int rfbenc_end(struct rfbenc *e, struct buf *out);

/* ServerCutText (outside an update): len <= RFB_MAX_CUT_TEXT Latin-1
 * bytes. 0 or BUF_ERR_*. */
int rfbenc_cut_text(struct buf *out, const char *text, uint32_t len);

/* The deflate level (0..9) for the next ZRLE rectangles (the stream goes
 * on: it changes parameters between rectangles). 0, or -1 if invalid. */
int rfbenc_set_zlib_level(struct rfbenc *e, int level);

/* Counts since rfbenc_new, for the session's statistics, tests and the
 * benchmark. */
struct rfbenc_stats {
	uint64_t rects;			/* rectangles of every kind */
	uint64_t bytes_out;		/* FramebufferUpdate bytes appended */
	uint64_t zrle_in;		/* uncompressed ZRLE bytes deflated */
	uint64_t zrle_tiles[256];	/* ZRLE tiles by subencoding byte */
};
void rfbenc_get_stats(const struct rfbenc *e, struct rfbenc_stats *s);

#endif
