/* Unit tests: common/rfb.c (pixel format, client-message parser and
 * builders, ServerInit). Wire bytes are written out by hand from RFC 6143
 * so the parser is not only checked against our own builders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/buf.h"
#include "common/rfb.h"

#define BIG	(4u * 1024 * 1024)	/* buffer limit for the tests */

/* --- pixel format ------------------------------------------------- */

static struct rfb_pixfmt
fmt(uint8_t bpp, uint8_t depth, uint8_t be, uint16_t rmax, uint16_t gmax,
    uint16_t bmax, uint8_t rs, uint8_t gs, uint8_t bs)
{
	struct rfb_pixfmt f = {
		.bpp = bpp, .depth = depth, .big_endian = be,
		.true_colour = 1, .red_max = rmax, .green_max = gmax,
		.blue_max = bmax, .red_shift = rs, .green_shift = gs,
		.blue_shift = bs,
	};
	return f;
}

/* Field by field: the struct has padding that memcmp would compare. */
static void
assert_pixfmt_equal(const struct rfb_pixfmt *a, const struct rfb_pixfmt *b)
{
	assert_int_equal(a->bpp, b->bpp);
	assert_int_equal(a->depth, b->depth);
	assert_int_equal(a->big_endian, b->big_endian);
	assert_int_equal(a->true_colour, b->true_colour);
	assert_int_equal(a->red_max, b->red_max);
	assert_int_equal(a->green_max, b->green_max);
	assert_int_equal(a->blue_max, b->blue_max);
	assert_int_equal(a->red_shift, b->red_shift);
	assert_int_equal(a->green_shift, b->green_shift);
	assert_int_equal(a->blue_shift, b->blue_shift);
}

static void
test_pixfmt_default(void **state)
{
	const struct rfb_pixfmt *f = &rfb_pixfmt_default;
	char err[128] = "";

	(void)state;
	assert_int_equal(f->bpp, 32);
	assert_int_equal(f->depth, 24);
	assert_int_equal(f->big_endian, 0);
	assert_int_equal(f->true_colour, 1);
	assert_int_equal(f->red_max, 255);
	assert_int_equal(f->red_shift, 16);
	assert_int_equal(f->green_shift, 8);
	assert_int_equal(f->blue_shift, 0);
	assert_int_equal(rfb_pixfmt_valid(f, err, sizeof(err)), 1);
	assert_int_equal(rfb_pixfmt_bytes(f), 4);
	assert_int_equal(rfb_pixfmt_cpixel_bytes(f), 3);
}

static void
test_pixfmt_valid_formats(void **state)
{
	const struct rfb_pixfmt good[] = {
		fmt(32, 24, 0, 255, 255, 255, 16, 8, 0),
		fmt(32, 24, 1, 255, 255, 255, 16, 8, 0),
		fmt(32, 24, 0, 255, 255, 255, 0, 8, 16),	/* BGR */
		fmt(32, 24, 1, 255, 255, 255, 24, 16, 8),	/* high */
		fmt(32, 32, 0, 1023, 1023, 1023, 20, 10, 0),	/* 10-bit */
		fmt(16, 16, 0, 31, 63, 31, 11, 5, 0),		/* 565 */
		fmt(16, 15, 1, 31, 31, 31, 10, 5, 0),		/* 555 */
		fmt(8, 8, 0, 7, 7, 3, 0, 3, 6),			/* bgr233 */
		fmt(8, 6, 0, 3, 3, 3, 4, 2, 0),			/* 222 */
		fmt(8, 3, 0, 1, 1, 1, 7, 6, 5),			/* 1 bit */
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err[0] = '\0';
		assert_int_equal(rfb_pixfmt_valid(&good[i], err, sizeof(err)),
		    1);
		assert_string_equal(err, "");
	}
}

static void
test_pixfmt_bad_formats(void **state)
{
	struct rfb_pixfmt bad[16];
	char err[128];
	size_t i, n = 0;

	(void)state;
	bad[n] = rfb_pixfmt_default;
	bad[n++].true_colour = 0;			/* colour map */
	bad[n++] = fmt(24, 24, 0, 255, 255, 255, 16, 8, 0);	/* 24 bpp */
	bad[n++] = fmt(0, 0, 0, 1, 1, 1, 0, 1, 2);		/* 0 bpp */
	bad[n++] = fmt(32, 0, 0, 255, 255, 255, 16, 8, 0);	/* depth 0 */
	bad[n++] = fmt(16, 24, 0, 31, 63, 31, 11, 5, 0);	/* depth>bpp */
	bad[n++] = fmt(32, 24, 0, 254, 255, 255, 16, 8, 0);	/* not 2^n-1 */
	bad[n++] = fmt(32, 24, 0, 255, 0, 255, 16, 8, 0);	/* max 0 */
	bad[n++] = fmt(32, 24, 0, 255, 255, 255, 25, 8, 0);	/* 33 bits */
	bad[n++] = fmt(32, 24, 0, 255, 255, 255, 255, 8, 0);	/* shift */
	bad[n++] = fmt(32, 24, 0, 255, 255, 255, 8, 8, 0);	/* overlap */
	bad[n++] = fmt(32, 24, 0, 255, 255, 255, 16, 4, 0);	/* partial */
	bad[n++] = fmt(16, 16, 0, 255, 255, 255, 16, 8, 0);	/* too wide */
	bad[n++] = fmt(8, 8, 0, 7, 7, 7, 0, 3, 6);		/* 9 bits */
	bad[n++] = fmt(16, 16, 0, 65535, 1, 1, 0, 0, 0);	/* all */
	for (i = 0; i < n; i++) {
		err[0] = '\0';
		assert_int_equal(rfb_pixfmt_valid(&bad[i], err, sizeof(err)),
		    0);
		assert_true(strlen(err) > 0);
	}
}

static void
test_pixfmt_sizes(void **state)
{
	struct rfb_pixfmt f;

	(void)state;
	f = fmt(32, 24, 1, 255, 255, 255, 16, 8, 0);	/* low 3, BE */
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 3);
	f = fmt(32, 24, 0, 255, 255, 255, 24, 16, 8);	/* high 3 */
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 3);
	f = fmt(32, 24, 0, 255, 255, 255, 0, 8, 16);	/* BGR, low 3 */
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 3);
	f = fmt(32, 32, 0, 255, 255, 255, 16, 8, 0);	/* depth 32 */
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 4);
	/* depth 24 claimed, but the bits touch both end bytes */
	f = fmt(32, 24, 0, 255, 255, 255, 24, 8, 0);
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 4);
	f = fmt(32, 24, 0, 15, 15, 15, 28, 14, 0);
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 4);
	f = fmt(32, 24, 0, 255, 255, 255, 16, 8, 0);
	f.true_colour = 0;
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 4);
	f = fmt(16, 16, 0, 31, 63, 31, 11, 5, 0);
	assert_int_equal(rfb_pixfmt_bytes(&f), 2);
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 2);
	f = fmt(8, 8, 0, 7, 7, 3, 0, 3, 6);
	assert_int_equal(rfb_pixfmt_bytes(&f), 1);
	assert_int_equal(rfb_pixfmt_cpixel_bytes(&f), 1);
}

static void
test_pixfmt_wire(void **state)
{
	/* RFC 6143 7.4 layout; padding bytes set to junk are ignored and
	 * any non-zero flag is true. */
	static const uint8_t wire[16] = {
		16, 15, 0x80, 0x02, 0x00, 0x1f, 0x00, 0x3f, 0x00, 0x1f,
		11, 5, 0, 0xaa, 0xbb, 0xcc,
	};
	struct rfb_pixfmt f, g;
	uint8_t out[16];

	(void)state;
	rfb_pixfmt_get(wire, &f);
	assert_int_equal(f.bpp, 16);
	assert_int_equal(f.depth, 15);
	assert_int_equal(f.big_endian, 1);
	assert_int_equal(f.true_colour, 1);
	assert_int_equal(f.red_max, 31);
	assert_int_equal(f.green_max, 63);
	assert_int_equal(f.blue_max, 31);
	assert_int_equal(f.red_shift, 11);
	assert_int_equal(f.green_shift, 5);
	assert_int_equal(f.blue_shift, 0);
	rfb_pixfmt_put(out, &f);
	assert_memory_equal(out, "\x10\x0f\x01\x01\x00\x1f\x00\x3f\x00\x1f"
	    "\x0b\x05\x00\x00\x00\x00", 16);
	f = fmt(32, 32, 1, 1023, 1023, 1023, 20, 10, 0);
	rfb_pixfmt_put(out, &f);
	rfb_pixfmt_get(out, &g);
	assert_pixfmt_equal(&f, &g);
}

/* --- client messages: good ----------------------------------------- */

/* Parses exactly one message from bytes (plus a trailing KeyEvent that
 * must be left in the buffer), expecting RFB_OK. */
static void
parse_one(const uint8_t *msg, size_t n, struct rfb_client_msg *m)
{
	static const uint8_t next[8] = { 4, 1, 0, 0, 0, 0, 0, 0x41 };
	struct buf b;
	char err[256] = "";

	buf_init(&b, BIG);
	assert_int_equal(buf_put_bytes(&b, msg, n), BUF_OK);
	assert_int_equal(buf_put_bytes(&b, next, sizeof(next)), BUF_OK);
	assert_int_equal(rfb_client_msg_parse(&b, m, err, sizeof(err)),
	    RFB_OK);
	assert_string_equal(err, "");
	assert_int_equal(buf_avail(&b), sizeof(next));
	assert_memory_equal(buf_ptr(&b), next, sizeof(next));
	buf_free(&b);
}

/* Every proper prefix of msg is RFB_MORE with nothing consumed. */
static void
check_truncations(const uint8_t *msg, size_t n)
{
	struct rfb_client_msg m;
	struct buf b;
	char err[256];
	size_t k;

	for (k = 0; k < n; k++) {
		buf_init(&b, BIG);
		assert_int_equal(buf_put_bytes(&b, msg, k), BUF_OK);
		err[0] = '\0';
		assert_int_equal(rfb_client_msg_parse(&b, &m, err,
		    sizeof(err)), RFB_MORE);
		assert_int_equal(buf_avail(&b), k);
		assert_null(m.cut_text);
		assert_string_equal(err, "");
		buf_free(&b);
	}
}

static const uint8_t msg_set_pixfmt[20] = {
	0, 0xde, 0xad, 0xbe,		/* type, padding (junk) */
	16, 16, 1, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0xff, 0xff, 0xff,
};

static void
test_msg_set_pixfmt(void **state)
{
	struct rfb_client_msg m;

	(void)state;
	parse_one(msg_set_pixfmt, sizeof(msg_set_pixfmt), &m);
	assert_int_equal(m.type, RFB_SET_PIXEL_FORMAT);
	assert_int_equal(m.pixfmt.bpp, 16);
	assert_int_equal(m.pixfmt.depth, 16);
	assert_int_equal(m.pixfmt.big_endian, 1);
	assert_int_equal(m.pixfmt.green_max, 63);
	assert_int_equal(m.pixfmt.red_shift, 11);
	rfb_client_msg_free(&m);
	check_truncations(msg_set_pixfmt, sizeof(msg_set_pixfmt));
}

static const uint8_t msg_set_encodings[16] = {
	2, 0x77, 0, 3,			/* type, padding, count */
	0, 0, 0, 16,			/* ZRLE */
	0xff, 0xff, 0xff, 0x11,		/* Cursor (-239) */
	0, 0, 0, 0,			/* Raw */
};

static void
test_msg_set_encodings(void **state)
{
	static const uint8_t none[4] = { 2, 0, 0, 0 };
	struct rfb_client_msg m;

	(void)state;
	parse_one(msg_set_encodings, sizeof(msg_set_encodings), &m);
	assert_int_equal(m.type, RFB_SET_ENCODINGS);
	assert_int_equal(m.nencodings, 3);
	assert_int_equal(m.encodings[0], RFB_ENC_ZRLE);
	assert_int_equal(m.encodings[1], RFB_ENC_CURSOR);
	assert_int_equal(m.encodings[2], RFB_ENC_RAW);
	rfb_client_msg_free(&m);
	check_truncations(msg_set_encodings, sizeof(msg_set_encodings));
	parse_one(none, sizeof(none), &m);
	assert_int_equal(m.nencodings, 0);
}

static const uint8_t msg_update_request[10] = {
	3, 1, 0x01, 0x02, 0x03, 0x04, 0x07, 0x80, 0x04, 0x38,
};

static void
test_msg_update_request(void **state)
{
	uint8_t msg[10];
	struct rfb_client_msg m;

	(void)state;
	parse_one(msg_update_request, sizeof(msg_update_request), &m);
	assert_int_equal(m.type, RFB_FB_UPDATE_REQUEST);
	assert_int_equal(m.incremental, 1);
	assert_int_equal(m.x, 0x0102);
	assert_int_equal(m.y, 0x0304);
	assert_int_equal(m.w, 1920);
	assert_int_equal(m.h, 1080);
	check_truncations(msg_update_request, sizeof(msg_update_request));
	memcpy(msg, msg_update_request, sizeof(msg));
	msg[1] = 0;
	parse_one(msg, sizeof(msg), &m);
	assert_int_equal(m.incremental, 0);
	msg[1] = 0x42;		/* any non-zero is true */
	parse_one(msg, sizeof(msg), &m);
	assert_int_equal(m.incremental, 1);
}

static const uint8_t msg_key[8] = {
	4, 1, 0xaa, 0xbb, 0x00, 0x00, 0xff, 0x0d,	/* Return down */
};

static void
test_msg_key(void **state)
{
	uint8_t msg[8];
	struct rfb_client_msg m;

	(void)state;
	parse_one(msg_key, sizeof(msg_key), &m);
	assert_int_equal(m.type, RFB_KEY_EVENT);
	assert_int_equal(m.down, 1);
	assert_int_equal(m.keysym, 0xff0d);
	check_truncations(msg_key, sizeof(msg_key));
	memcpy(msg, msg_key, sizeof(msg));
	msg[1] = 0;
	msg[4] = 0x01;
	parse_one(msg, sizeof(msg), &m);
	assert_int_equal(m.down, 0);
	assert_int_equal(m.keysym, 0x0100ff0d);
}

static const uint8_t msg_pointer[6] = { 5, 0x05, 0x02, 0x00, 0x01, 0x2c };

static void
test_msg_pointer(void **state)
{
	struct rfb_client_msg m;

	(void)state;
	parse_one(msg_pointer, sizeof(msg_pointer), &m);
	assert_int_equal(m.type, RFB_POINTER_EVENT);
	assert_int_equal(m.buttons, 5);
	assert_int_equal(m.x, 512);
	assert_int_equal(m.y, 300);
	check_truncations(msg_pointer, sizeof(msg_pointer));
}

static const uint8_t msg_cut_text[13] = {
	6, 1, 2, 3, 0, 0, 0, 5, 'h', 0xe9, 0, 'l', 'o',	/* Latin-1, NUL */
};

static void
test_msg_cut_text(void **state)
{
	static const uint8_t empty[8] = { 6, 0, 0, 0, 0, 0, 0, 0 };
	struct rfb_client_msg m;

	(void)state;
	parse_one(msg_cut_text, sizeof(msg_cut_text), &m);
	assert_int_equal(m.type, RFB_CLIENT_CUT_TEXT);
	assert_int_equal(m.cut_len, 5);
	assert_non_null(m.cut_text);
	assert_memory_equal(m.cut_text, "h\xe9\0lo", 6);	/* + NUL */
	rfb_client_msg_free(&m);
	assert_null(m.cut_text);
	rfb_client_msg_free(&m);	/* twice is harmless */
	check_truncations(msg_cut_text, sizeof(msg_cut_text));
	parse_one(empty, sizeof(empty), &m);
	assert_int_equal(m.cut_len, 0);
	rfb_client_msg_free(&m);
}

/* A stream of every message back to back parses in order. */
static void
test_msg_stream(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t n;
		uint8_t type;
	} msgs[] = {
		{ msg_set_pixfmt, sizeof(msg_set_pixfmt), 0 },
		{ msg_set_encodings, sizeof(msg_set_encodings), 2 },
		{ msg_update_request, sizeof(msg_update_request), 3 },
		{ msg_key, sizeof(msg_key), 4 },
		{ msg_pointer, sizeof(msg_pointer), 5 },
		{ msg_cut_text, sizeof(msg_cut_text), 6 },
	};
	struct rfb_client_msg m;
	struct buf b;
	char err[256];
	size_t i, n = sizeof(msgs) / sizeof(msgs[0]);

	(void)state;
	buf_init(&b, BIG);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_put_bytes(&b, msgs[i].p, msgs[i].n),
		    BUF_OK);
	for (i = 0; i < n; i++) {
		assert_int_equal(rfb_client_msg_parse(&b, &m, err,
		    sizeof(err)), RFB_OK);
		assert_int_equal(m.type, msgs[i].type);
		rfb_client_msg_free(&m);
	}
	assert_int_equal(buf_avail(&b), 0);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_MORE);
	buf_free(&b);
}

/* --- client messages: bad ------------------------------------------ */

static void
expect_bad(const uint8_t *msg, size_t n, const char *needle)
{
	struct rfb_client_msg m;
	struct buf b;
	char err[256] = "";

	buf_init(&b, BIG);
	assert_int_equal(buf_put_bytes(&b, msg, n), BUF_OK);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_BAD);
	assert_null(m.cut_text);
	if (strstr(err, needle) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, needle);
	buf_free(&b);
}

static void
test_bad_pixfmt_msg(void **state)
{
	uint8_t msg[20];

	(void)state;
	memcpy(msg, msg_set_pixfmt, sizeof(msg));
	msg[4 + 3] = 0;				/* colour map */
	expect_bad(msg, sizeof(msg), "colour-map");
	memcpy(msg, msg_set_pixfmt, sizeof(msg));
	msg[4 + 0] = 24;			/* 24 bpp */
	expect_bad(msg, sizeof(msg), "bits-per-pixel 24");
	memcpy(msg, msg_set_pixfmt, sizeof(msg));
	msg[4 + 7] = 62;			/* green-max 62 */
	expect_bad(msg, sizeof(msg), "green-max 62");
	memcpy(msg, msg_set_pixfmt, sizeof(msg));
	msg[4 + 11] = 6;			/* green overlaps red */
	expect_bad(msg, sizeof(msg), "overlap");
}

static void
test_bad_cut_text(void **state)
{
	/* only the header has arrived: refused at once, not buffered */
	uint8_t hdr[8] = { 6, 0, 0, 0, 0, 0x10, 0x00, 0x01 };	/* 1 MiB+1 */
	uint8_t huge[8] = { 6, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
	struct rfb_client_msg m;
	struct buf b;
	uint8_t *text;
	char err[256];

	(void)state;
	expect_bad(hdr, sizeof(hdr), "ClientCutText");
	expect_bad(huge, sizeof(huge), "at most");
	/* exactly the cap is accepted */
	hdr[7] = 0;
	buf_init(&b, BIG);
	assert_int_equal(buf_put_bytes(&b, hdr, sizeof(hdr)), BUF_OK);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_MORE);
	text = calloc(1, RFB_MAX_CUT_TEXT);
	assert_non_null(text);
	text[RFB_MAX_CUT_TEXT - 1] = 'z';
	assert_int_equal(buf_put_bytes(&b, text, RFB_MAX_CUT_TEXT - 1),
	    BUF_OK);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_MORE);
	assert_int_equal(buf_avail(&b), 8 + RFB_MAX_CUT_TEXT - 1);
	assert_int_equal(buf_put_bytes(&b, text + RFB_MAX_CUT_TEXT - 1, 1),
	    BUF_OK);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.cut_len, RFB_MAX_CUT_TEXT);
	assert_int_equal(m.cut_text[RFB_MAX_CUT_TEXT - 1], 'z');
	assert_int_equal(buf_avail(&b), 0);
	rfb_client_msg_free(&m);
	free(text);
	buf_free(&b);
}

static void
test_bad_encodings(void **state)
{
	uint8_t hdr[4] = { 2, 0, 0x10, 0x01 };		/* 4097 */
	struct rfb_client_msg m;
	struct buf b;
	char err[256];
	uint32_t i;

	(void)state;
	expect_bad(hdr, sizeof(hdr), "4097 encodings");
	hdr[2] = 0xff;
	hdr[3] = 0xff;
	expect_bad(hdr, sizeof(hdr), "65535 encodings");
	/* 4096 is accepted, and only the first RFB_MAX_ENCODINGS kept */
	hdr[2] = 0x10;
	hdr[3] = 0x00;
	buf_init(&b, BIG);
	assert_int_equal(buf_put_bytes(&b, hdr, sizeof(hdr)), BUF_OK);
	for (i = 0; i < RFB_MAX_ENCODINGS_WIRE; i++)
		assert_int_equal(buf_put_u32(&b, 1000 + i), BUF_OK);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.nencodings, RFB_MAX_ENCODINGS);
	for (i = 0; i < RFB_MAX_ENCODINGS; i++)
		assert_int_equal(m.encodings[i], 1000 + i);
	assert_int_equal(buf_avail(&b), 0);
	buf_free(&b);
}

static void
test_bad_type(void **state)
{
	static const uint8_t types[] = { 1, 7, 8, 150, 250, 255 };
	uint8_t msg[20];
	size_t i;

	(void)state;
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < sizeof(types); i++) {
		msg[0] = types[i];
		expect_bad(msg, 1, "unknown client message type");
		expect_bad(msg, sizeof(msg), "unknown client message type");
	}
}

/* --- builders ------------------------------------------------------ */

static void
test_builders_roundtrip(void **state)
{
	static const int32_t enc[] = { RFB_ENC_ZRLE, RFB_ENC_COPYRECT,
	    RFB_ENC_RAW, RFB_ENC_CURSOR, RFB_ENC_DESKTOP_SIZE };
	struct rfb_pixfmt f = fmt(8, 8, 0, 7, 7, 3, 0, 3, 6);
	struct rfb_client_msg m;
	struct buf b;
	char err[256];
	unsigned i;

	(void)state;
	buf_init(&b, BIG);
	assert_int_equal(rfb_put_set_pixfmt(&b, &f), BUF_OK);
	assert_int_equal(rfb_put_set_encodings(&b, enc, 5), BUF_OK);
	assert_int_equal(rfb_put_update_request(&b, 7, 1, 2, 3, 4), BUF_OK);
	assert_int_equal(rfb_put_key(&b, 1, 0xffe1), BUF_OK);
	assert_int_equal(rfb_put_key(&b, 0, 0x61), BUF_OK);
	assert_int_equal(rfb_put_pointer(&b, 0x81, 65535, 0), BUF_OK);
	assert_int_equal(rfb_put_cut_text(&b, "h\xe9llo", 5), BUF_OK);
	assert_int_equal(rfb_put_cut_text(&b, NULL, 0), BUF_OK);
	assert_int_equal(buf_avail(&b), 20 + 4 + 20 + 10 + 8 + 8 + 6 + 13 +
	    8);

	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.type, RFB_SET_PIXEL_FORMAT);
	assert_pixfmt_equal(&m.pixfmt, &f);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.type, RFB_SET_ENCODINGS);
	assert_int_equal(m.nencodings, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(m.encodings[i], enc[i]);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.type, RFB_FB_UPDATE_REQUEST);
	assert_int_equal(m.incremental, 1);
	assert_int_equal(m.x, 1);
	assert_int_equal(m.y, 2);
	assert_int_equal(m.w, 3);
	assert_int_equal(m.h, 4);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.type, RFB_KEY_EVENT);
	assert_int_equal(m.down, 1);
	assert_int_equal(m.keysym, 0xffe1);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.down, 0);
	assert_int_equal(m.keysym, 0x61);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.type, RFB_POINTER_EVENT);
	assert_int_equal(m.buttons, 0x81);
	assert_int_equal(m.x, 65535);
	assert_int_equal(m.y, 0);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.type, RFB_CLIENT_CUT_TEXT);
	assert_int_equal(m.cut_len, 5);
	assert_memory_equal(m.cut_text, "h\xe9llo", 5);
	rfb_client_msg_free(&m);
	assert_int_equal(rfb_client_msg_parse(&b, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.cut_len, 0);
	rfb_client_msg_free(&m);
	assert_int_equal(buf_avail(&b), 0);
	buf_free(&b);
}

/* The wire bytes of the builders match the hand-written messages. */
static void
test_builders_wire(void **state)
{
	static const int32_t enc[] = { RFB_ENC_ZRLE, RFB_ENC_CURSOR,
	    RFB_ENC_RAW };
	struct rfb_pixfmt f = fmt(16, 16, 1, 31, 63, 31, 11, 5, 0);
	struct buf b;

	(void)state;
	buf_init(&b, BIG);
	assert_int_equal(rfb_put_update_request(&b, 1, 0x0102, 0x0304, 1920,
	    1080), BUF_OK);
	assert_memory_equal(buf_ptr(&b), msg_update_request, 10);
	buf_reset(&b);
	assert_int_equal(rfb_put_pointer(&b, 5, 512, 300), BUF_OK);
	assert_memory_equal(buf_ptr(&b), msg_pointer, 6);
	buf_reset(&b);
	assert_int_equal(rfb_put_set_encodings(&b, enc, 3), BUF_OK);
	assert_int_equal(buf_avail(&b), 16);
	assert_memory_equal(buf_ptr(&b) + 2, msg_set_encodings + 2, 14);
	buf_reset(&b);
	assert_int_equal(rfb_put_set_pixfmt(&b, &f), BUF_OK);
	assert_int_equal(buf_avail(&b), 20);
	assert_memory_equal(buf_ptr(&b) + 4, msg_set_pixfmt + 4, 13);
	buf_reset(&b);
	assert_int_equal(rfb_put_key(&b, 1, 0xff0d), BUF_OK);
	assert_memory_equal(buf_ptr(&b), "\x04\x01\0\0\0\0\xff\x0d", 8);
	buf_free(&b);
}

/* A builder that does not fit appends nothing (no half message). */
static void
test_builders_limits(void **state)
{
	static int32_t enc[RFB_MAX_ENCODINGS_WIRE + 1];
	struct buf b;
	uint8_t ro[4];

	(void)state;
	buf_init(&b, 12);
	assert_int_equal(rfb_put_key(&b, 1, 0x61), BUF_OK);
	assert_int_equal(rfb_put_key(&b, 1, 0x62), BUF_ERR_LIMIT);
	assert_int_equal(rfb_put_set_pixfmt(&b, &rfb_pixfmt_default),
	    BUF_ERR_LIMIT);
	assert_int_equal(rfb_put_cut_text(&b, "abcd", 4), BUF_ERR_LIMIT);
	assert_int_equal(buf_avail(&b), 8);
	buf_free(&b);
	buf_init(&b, BIG);
	assert_int_equal(rfb_put_set_encodings(&b, enc,
	    RFB_MAX_ENCODINGS_WIRE + 1), BUF_ERR_LIMIT);
	assert_int_equal(rfb_put_cut_text(&b, "x", RFB_MAX_CUT_TEXT + 1),
	    BUF_ERR_LIMIT);
	assert_int_equal(buf_avail(&b), 0);
	assert_int_equal(rfb_put_set_encodings(&b, enc,
	    RFB_MAX_ENCODINGS_WIRE), BUF_OK);
	assert_int_equal(buf_avail(&b), 4 + 4 * RFB_MAX_ENCODINGS_WIRE);
	buf_free(&b);
	buf_view(&b, ro, sizeof(ro));
	assert_int_equal(rfb_put_pointer(&b, 0, 0, 0), BUF_ERR_READONLY);
}

/* --- ServerInit ---------------------------------------------------- */

/* 1920x1080, default format, name "bob@ws42" (RFC 6143 7.3.2). */
static const uint8_t server_init[32] = {
	0x07, 0x80, 0x04, 0x38,
	32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0,
	0, 0, 0, 8, 'b', 'o', 'b', '@', 'w', 's', '4', '2',
};

static void
test_server_init_parse(void **state)
{
	struct rfb_server_init si;
	struct buf b;
	char err[256] = "";
	size_t k;

	(void)state;
	buf_init(&b, BIG);
	assert_int_equal(buf_put_bytes(&b, server_init, sizeof(server_init)),
	    BUF_OK);
	assert_int_equal(buf_put_u8(&b, 0x99), BUF_OK);	/* next message */
	assert_int_equal(rfb_server_init_parse(&b, &si, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(si.width, 1920);
	assert_int_equal(si.height, 1080);
	assert_pixfmt_equal(&si.pixfmt, &rfb_pixfmt_default);
	assert_string_equal(si.name, "bob@ws42");
	assert_int_equal(buf_avail(&b), 1);
	free(si.name);
	buf_free(&b);

	for (k = 0; k < sizeof(server_init); k++) {
		buf_init(&b, BIG);
		assert_int_equal(buf_put_bytes(&b, server_init, k), BUF_OK);
		assert_int_equal(rfb_server_init_parse(&b, &si, err,
		    sizeof(err)), RFB_MORE);
		assert_null(si.name);
		assert_int_equal(buf_avail(&b), k);
		buf_free(&b);
	}
}

static void
expect_init_bad(const uint8_t *msg, size_t n, const char *needle)
{
	struct rfb_server_init si;
	struct buf b;
	char err[256] = "";

	buf_view(&b, msg, n);
	assert_int_equal(rfb_server_init_parse(&b, &si, err, sizeof(err)),
	    RFB_BAD);
	assert_null(si.name);
	assert_int_equal(buf_avail(&b), n);
	if (strstr(err, needle) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, needle);
}

static void
test_server_init_bad(void **state)
{
	uint8_t msg[sizeof(server_init)];

	(void)state;
	memcpy(msg, server_init, sizeof(msg));
	msg[0] = msg[1] = 0;				/* width 0 */
	expect_init_bad(msg, 24, "screen 0x1080");
	memcpy(msg, server_init, sizeof(msg));
	msg[2] = 0x40;					/* 16385 high */
	msg[3] = 0x01;
	expect_init_bad(msg, 24, "screen 1920x16385");
	memcpy(msg, server_init, sizeof(msg));
	msg[0] = 0xff;					/* 65408 wide */
	expect_init_bad(msg, 24, "each side 1..16384");
	memcpy(msg, server_init, sizeof(msg));
	msg[4] = 24;					/* 24 bpp */
	expect_init_bad(msg, 24, "bits-per-pixel");
	memcpy(msg, server_init, sizeof(msg));
	msg[7] = 0;					/* colour map */
	expect_init_bad(msg, 24, "colour-map");
	memcpy(msg, server_init, sizeof(msg));
	msg[22] = 0x01;					/* name 257 */
	msg[23] = 0x01;
	expect_init_bad(msg, 24, "257 bytes");
	memcpy(msg, server_init, sizeof(msg));
	msg[20] = 0xff;					/* name 4 GiB */
	expect_init_bad(msg, 24, "desktop name");
	memcpy(msg, server_init, sizeof(msg));
	msg[27] = 0;					/* NUL in name */
	expect_init_bad(msg, sizeof(msg), "NUL");
}

static void
test_server_init_roundtrip(void **state)
{
	struct rfb_server_init si = { .width = 1, .height = RFB_MAX_DIM },
	    got;
	struct buf b;
	char name[RFB_MAX_NAME + 2];
	char err[256];

	(void)state;
	si.pixfmt = fmt(16, 16, 1, 31, 63, 31, 11, 5, 0);
	memset(name, 'n', sizeof(name) - 2);
	name[RFB_MAX_NAME] = '\0';			/* exactly the cap */
	si.name = name;
	buf_init(&b, BIG);
	assert_int_equal(rfb_put_server_init(&b, &si), BUF_OK);
	assert_int_equal(buf_avail(&b), 24 + RFB_MAX_NAME);
	assert_int_equal(rfb_server_init_parse(&b, &got, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(got.width, 1);
	assert_int_equal(got.height, RFB_MAX_DIM);
	assert_pixfmt_equal(&got.pixfmt, &si.pixfmt);
	assert_string_equal(got.name, name);
	free(got.name);

	/* the default format and the same bytes as the RFC example */
	si.width = 1920;
	si.height = 1080;
	si.pixfmt = rfb_pixfmt_default;
	si.name = (char *)"bob@ws42";
	assert_int_equal(rfb_put_server_init(&b, &si), BUF_OK);
	assert_int_equal(buf_avail(&b), sizeof(server_init));
	assert_memory_equal(buf_ptr(&b), server_init, sizeof(server_init));
	buf_reset(&b);
	si.name = NULL;					/* empty name */
	assert_int_equal(rfb_put_server_init(&b, &si), BUF_OK);
	assert_int_equal(rfb_server_init_parse(&b, &got, err, sizeof(err)),
	    RFB_OK);
	assert_string_equal(got.name, "");
	free(got.name);
	/* a name over the cap is not sent */
	name[RFB_MAX_NAME] = 'n';
	name[RFB_MAX_NAME + 1] = '\0';
	si.name = name;
	assert_int_equal(rfb_put_server_init(&b, &si), BUF_ERR_LIMIT);
	assert_int_equal(buf_avail(&b), 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pixfmt_default),
		cmocka_unit_test(test_pixfmt_valid_formats),
		cmocka_unit_test(test_pixfmt_bad_formats),
		cmocka_unit_test(test_pixfmt_sizes),
		cmocka_unit_test(test_pixfmt_wire),
		cmocka_unit_test(test_msg_set_pixfmt),
		cmocka_unit_test(test_msg_set_encodings),
		cmocka_unit_test(test_msg_update_request),
		cmocka_unit_test(test_msg_key),
		cmocka_unit_test(test_msg_pointer),
		cmocka_unit_test(test_msg_cut_text),
		cmocka_unit_test(test_msg_stream),
		cmocka_unit_test(test_bad_pixfmt_msg),
		cmocka_unit_test(test_bad_cut_text),
		cmocka_unit_test(test_bad_encodings),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_builders_roundtrip),
		cmocka_unit_test(test_builders_wire),
		cmocka_unit_test(test_builders_limits),
		cmocka_unit_test(test_server_init_parse),
		cmocka_unit_test(test_server_init_bad),
		cmocka_unit_test(test_server_init_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
