/*
 * rfb: the RFB 3.8 protocol (RFC 6143) as both sides of assist speak it,
 * in one place: constants, the pixel format, and the one bounds-checked
 * parser for each direction's messages. assistd's network process parses
 * what the helper's viewer sends (rfb_client_msg_*); assist-cli parses
 * what assistd sends (rfb_server_msg_*, whose rectangle payloads are
 * decoded by rfbdec.h). Builders for the messages each side sends are
 * here too. Security type None only: SSH authenticated and encrypts.
 *
 * Parsers work on a struct buf holding what has arrived so far: they
 * return RFB_MORE when the message is not complete yet (nothing
 * consumed), RFB_OK with the message consumed, or RFB_BAD with a one-line
 * reason (the connection then ends). Every length is capped.
 */
#ifndef ASSIST_RFB_H
#define ASSIST_RFB_H

#include <stddef.h>
#include <stdint.h>
#include "common/buf.h"

#define RFB_VERSION_STR		"RFB 003.008\n"
#define RFB_VERSION_LEN		12
#define RFB_SEC_NONE		1

#define RFB_MAX_DIM		16384	/* widest / tallest screen accepted */
#define RFB_MAX_CUT_TEXT	(1024 * 1024)	/* clipboard, bytes */
#define RFB_MAX_ENCODINGS	64	/* SetEncodings entries kept */
#define RFB_MAX_ENCODINGS_WIRE	4096	/* SetEncodings entries accepted */
#define RFB_MAX_NAME		256	/* desktop name, bytes */

/* Client -> server message types. */
enum {
	RFB_SET_PIXEL_FORMAT = 0,
	RFB_SET_ENCODINGS = 2,
	RFB_FB_UPDATE_REQUEST = 3,
	RFB_KEY_EVENT = 4,
	RFB_POINTER_EVENT = 5,
	RFB_CLIENT_CUT_TEXT = 6,
};

/* Server -> client message types. */
enum {
	RFB_FB_UPDATE = 0,
	RFB_SET_COLOUR_MAP = 1,
	RFB_BELL = 2,
	RFB_SERVER_CUT_TEXT = 3,
};

/* Encodings and pseudo-encodings (signed 32-bit on the wire). */
enum {
	RFB_ENC_RAW = 0,
	RFB_ENC_COPYRECT = 1,
	RFB_ENC_ZRLE = 16,
	RFB_ENC_CURSOR = -239,
	RFB_ENC_DESKTOP_SIZE = -223,
};

/* PIXEL_FORMAT (RFC 6143 7.4). Only true colour is served. */
struct rfb_pixfmt {
	uint8_t bpp;		/* 8, 16 or 32 */
	uint8_t depth;
	uint8_t big_endian;
	uint8_t true_colour;
	uint16_t red_max, green_max, blue_max;
	uint8_t red_shift, green_shift, blue_shift;
};

/* The format assistd offers first: 32 bpp, depth 24, little endian,
 * red at 16, green at 8, blue at 0 (X's usual TrueColor layout). */
extern const struct rfb_pixfmt rfb_pixfmt_default;

/*
 * 1 when f is one assist can serve and decode: true colour, bpp 8/16/32,
 * each max of the form 2^n - 1, shifts and maxes fitting in bpp without
 * overlap, depth <= bpp; else 0 with a reason in err.
 */
int rfb_pixfmt_valid(const struct rfb_pixfmt *f, char *err, size_t errsz);
/* Bytes per pixel on the wire (1, 2, 4), and ZRLE's CPIXEL size (3 when
 * 32 bpp and every colour bit fits in the low or high 3 bytes). */
unsigned rfb_pixfmt_bytes(const struct rfb_pixfmt *f);
unsigned rfb_pixfmt_cpixel_bytes(const struct rfb_pixfmt *f);
/* 16-byte wire form, both ways. */
void rfb_pixfmt_put(uint8_t out[16], const struct rfb_pixfmt *f);
void rfb_pixfmt_get(const uint8_t in[16], struct rfb_pixfmt *f);

enum rfb_status { RFB_OK = 0, RFB_MORE = 1, RFB_BAD = -1 };

/* One client message, parsed. cut_text is owned (rfb_client_msg_free). */
struct rfb_client_msg {
	uint8_t type;			/* RFB_SET_PIXEL_FORMAT ... */
	struct rfb_pixfmt pixfmt;	/* SET_PIXEL_FORMAT (validated) */
	int32_t encodings[RFB_MAX_ENCODINGS];	/* SET_ENCODINGS, in order */
	unsigned nencodings;		/* kept (extra ones are dropped) */
	uint8_t incremental;		/* FB_UPDATE_REQUEST */
	uint16_t x, y, w, h;		/* FB_UPDATE_REQUEST; POINTER x, y */
	uint8_t down;			/* KEY_EVENT */
	uint32_t keysym;		/* KEY_EVENT */
	uint8_t buttons;		/* POINTER_EVENT mask */
	char *cut_text;			/* CLIENT_CUT_TEXT (Latin-1) */
	uint32_t cut_len;
};

/*
 * Parses the next client message from in. A cut text longer than
 * RFB_MAX_CUT_TEXT, more than 4096 encodings, an unknown type or an
 * invalid pixel format is RFB_BAD (reason in err).
 */
enum rfb_status rfb_client_msg_parse(struct buf *in,
				     struct rfb_client_msg *m,
				     char *err, size_t errsz);
void rfb_client_msg_free(struct rfb_client_msg *m);

/* Builders for what the client sends (assist-cli's viewer); append to
 * out; 0 or a negative BUF_ERR_*. */
int rfb_put_set_pixfmt(struct buf *out, const struct rfb_pixfmt *f);
int rfb_put_set_encodings(struct buf *out, const int32_t *enc, unsigned n);
int rfb_put_update_request(struct buf *out, int incremental, uint16_t x,
			   uint16_t y, uint16_t w, uint16_t h);
int rfb_put_key(struct buf *out, int down, uint32_t keysym);
int rfb_put_pointer(struct buf *out, uint8_t buttons, uint16_t x,
		    uint16_t y);
int rfb_put_cut_text(struct buf *out, const char *text, uint32_t len);

/* ServerInit (RFC 6143 7.3.2), both ways. name is owned after get. */
struct rfb_server_init {
	uint16_t width, height;
	struct rfb_pixfmt pixfmt;
	char *name;
};
int rfb_put_server_init(struct buf *out, const struct rfb_server_init *si);
enum rfb_status rfb_server_init_parse(struct buf *in,
				      struct rfb_server_init *si,
				      char *err, size_t errsz);

#endif
