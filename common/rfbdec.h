/*
 * rfbdec: assist-cli's side of the RFB stream after ServerInit: parses
 * each server message and decodes rectangles (Raw, CopyRect, ZRLE with
 * every subencoding, Cursor, DesktopSize) into the viewer's framebuffer.
 * assistd is not trusted: every length, rectangle and palette index is
 * checked against the framebuffer and the limits below, and a bad
 * message is an error, never a write out of bounds.
 *
 * Works one step at a time on the bytes received so far (struct buf):
 * a message header, or one rectangle. RFB_MORE means "not complete yet,
 * nothing consumed" (a ZRLE rectangle carries its length, so the decoder
 * waits for all of it: the caller's buffer must be able to hold
 * RFBDEC_MIN_INBUF bytes). A Raw rectangle is decoded as its rows
 * arrive, each step reporting the rows it wrote.
 *
 * Pixels are converted to 0x00RRGGBB by rfbpix.h's rule (each channel
 * expanded to 8 bits by bit replication), so a viewer pixel equals
 * rfbpix_shown() of the server's.
 */
#ifndef ASSIST_RFBDEC_H
#define ASSIST_RFBDEC_H

#include <stddef.h>
#include <stdint.h>
#include "common/buf.h"
#include "common/rfb.h"

#define RFBDEC_MAX_ZRLE		(64u * 1024 * 1024)	/* one ZRLE rect */
#define RFBDEC_MAX_CURSOR	256			/* cursor w, h */
/* What the caller's input buffer must be able to hold: the largest ZRLE
 * rectangle with its header. */
#define RFBDEC_MIN_INBUF	(RFBDEC_MAX_ZRLE + 16)

/* The viewer's framebuffer: 0x00RRGGBB pixels, owned by the caller. */
struct rfb_fbmut {
	uint32_t *px;
	uint16_t width, height;
	size_t stride;			/* pixels per row */
};

enum rfbdec_event_type {
	RFBDEC_NONE = 0,	/* a step was done; nothing to report */
	RFBDEC_RECT,		/* pixels changed in rect (x, y, w, h) */
	RFBDEC_UPDATE_END,	/* the update is complete (reported by the
				 * step after its last rectangle) */
	RFBDEC_RESIZE,		/* DesktopSize: reallocate to w x h, then
				 * call rfbdec_step again */
	RFBDEC_CURSOR,		/* new cursor shape (cursor_*) */
	RFBDEC_CUT_TEXT,	/* ServerCutText (cut_text, cut_len) */
	RFBDEC_BELL,
};

/* What one step reports. Pointers are owned by the decoder and valid
 * until the next rfbdec_step. */
struct rfbdec_event {
	enum rfbdec_event_type type;
	uint16_t x, y, w, h;		/* RECT; RESIZE uses w, h */
	uint16_t hot_x, hot_y;		/* CURSOR */
	const uint32_t *cursor_argb;	/* CURSOR: w*h ARGB */
	const char *cut_text;		/* CUT_TEXT (not NUL-terminated) */
	uint32_t cut_len;
};

struct rfbdec;	/* opaque */

/* A decoder for pixel format f (what the viewer asked for with
 * SetPixelFormat). NULL when out of memory or f is not valid
 * (rfb_pixfmt_valid). */
struct rfbdec *rfbdec_new(const struct rfb_pixfmt *f);
void rfbdec_free(struct rfbdec *d);

/*
 * One step over in: RFB_OK with *ev filled (the bytes consumed; call
 * again until RFB_MORE), RFB_MORE (nothing consumed), or RFB_BAD with a
 * one-line reason in err (end the session; later calls fail too). fb
 * must be the current size (after RESIZE, the new one).
 */
enum rfb_status rfbdec_step(struct rfbdec *d, struct buf *in,
			    struct rfb_fbmut *fb, struct rfbdec_event *ev,
			    char *err, size_t errsz);

#endif
