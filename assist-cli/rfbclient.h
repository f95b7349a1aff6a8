/*
 * rfbclient: assist-cli's side of the RFB 3.8 stream (RFC 6143) after
 * the server's ProtocolVersion (session.c reads and checks that): our
 * ProtocolVersion, security type None, ClientInit (shared), ServerInit
 * (rfb_server_init_parse), then SetPixelFormat, SetEncodings (ZRLE,
 * CopyRect, Raw, Cursor, DesktopSize) and a full FramebufferUpdateRequest;
 * after each completed update an incremental request for the whole
 * screen. Rectangles are decoded by rfbdec.h into a framebuffer this
 * module owns (reallocated on DesktopSize).
 *
 * Pure: no I/O. The caller appends what the channel delivered to in and
 * sends what rfbclient_feed appended to out. assistd is not trusted:
 * every byte goes through rfb.h's and rfbdec.h's bounded parsers.
 */
#ifndef ASSIST_CLI_RFBCLIENT_H
#define ASSIST_CLI_RFBCLIENT_H

#include "common/buf.h"
#include "common/rfb.h"
#include "common/rfbdec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest message we wait for whole: a ZRLE rectangle plus headroom. */
#define RFBCLIENT_MAX_IN	(RFBDEC_MAX_ZRLE + 64u * 1024)
#define RFBCLIENT_MAX_REASON	512	/* server's refusal text kept, bytes */
#define RFBCLIENT_MAX_NAME	(4 * RFB_MAX_NAME + 1)	/* escaped name */
/* Default max_pixels: 16384 x 8192 (1 GiB of framebuffer at most; the
 * fuzz target sets its own, smaller). */
#define RFBCLIENT_MAX_PIXELS	((size_t)RFB_MAX_DIM * RFB_MAX_DIM / 2)

enum rfbclient_phase {
	RFBCLIENT_SECTYPES,	/* waiting for the security types */
	RFBCLIENT_SECRESULT,	/* waiting for SecurityResult */
	RFBCLIENT_INIT,		/* waiting for ServerInit */
	RFBCLIENT_RUN,		/* updates flow */
	RFBCLIENT_FAILED,
};

/* A dirty rectangle (union of what changed since rfbclient_take_dirty). */
struct rfbclient_box {
	uint16_t x, y, w, h;
};

struct rfbclient {
	enum rfbclient_phase phase;
	struct rfb_pixfmt pixfmt;	/* what we ask the server for */
	struct rfbdec *dec;
	uint32_t *px;			/* 0x00RRGGBB, width x height */
	uint16_t width, height;
	char name[RFBCLIENT_MAX_NAME];	/* desktop name, escaped */
	uint64_t updates;		/* FramebufferUpdates completed */
	uint64_t resizes;		/* DesktopSize seen */
	bool full_pending;		/* next request is non-incremental */
	struct rfbclient_box dirty;	/* w == 0: nothing */
	size_t max_pixels;		/* larger screens are refused */
};

/* The pixel formats --pixel-format offers, by bits per pixel (32, 16,
 * 8: true colour, little endian). 0, or -1 for another number. */
int rfbclient_pixfmt_for_bpp(unsigned bpp, struct rfb_pixfmt *f);

/*
 * Starts the client asking for pixel format f (valid: rfb_pixfmt_valid)
 * and appends our ProtocolVersion to out. 0, or -1 (out of memory).
 * rfbclient_free always.
 */
int rfbclient_init(struct rfbclient *c, const struct rfb_pixfmt *f,
		   struct buf *out);
void rfbclient_free(struct rfbclient *c);

/*
 * Consumes every complete message in in, appending our answers to out.
 * 0 (wait for more bytes), or -1 with a one-line reason in err (the
 * server refused us or sent something malformed: end the session).
 */
int rfbclient_feed(struct rfbclient *c, struct buf *in, struct buf *out,
		   char *err, size_t errsz);

/* The area changed since the last call into *b (w == 0: none), cleared. */
void rfbclient_take_dirty(struct rfbclient *c, struct rfbclient_box *b);

#endif
