/* Unit tests: assist-cli/rfbclient.c against a scripted server built with
 * common/rfbenc.c (handshake, refusals, updates in 32/16/8 bpp, byte-wise
 * input, DesktopSize), and the option values it offers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assist-cli/rfbclient.h"
#include "common/rfb.h"
#include "common/rfbenc.h"

#define W 70
#define H 40

/* Colours whose channels are 0 or 255 survive every pixel format. */
static uint32_t
pattern(unsigned x, unsigned y)
{
	static const uint32_t c[] = { 0x000000, 0xff0000, 0x00ff00,
	    0x0000ff, 0xffffff, 0xffff00, 0x00ffff, 0xff00ff };

	return c[((x / 7) + (y / 5) * 3 + (x * y % 3 == 0)) % 8];
}

/* The server's side up to and including ServerInit. */
static void
put_preamble(struct buf *s, uint16_t w, uint16_t h, const char *name)
{
	struct rfb_server_init si = { w, h, rfb_pixfmt_default,
	    (char *)name };

	assert_int_equal(buf_put_u8(s, 2), 0);		/* two types */
	assert_int_equal(buf_put_u8(s, 2), 0);		/* VNC auth */
	assert_int_equal(buf_put_u8(s, RFB_SEC_NONE), 0);
	assert_int_equal(buf_put_u32(s, 0), 0);		/* SecurityResult */
	assert_int_equal(rfb_put_server_init(s, &si), 0);
}

/* A full update of the pattern in format f with encoding enc. */
static void
put_update(struct buf *s, const struct rfb_pixfmt *f, int32_t enc,
	   const uint32_t *px, uint16_t w, uint16_t h)
{
	struct rfbenc *e = rfbenc_new();
	struct rfb_fb fb = { px, w, h, w };
	struct rfb_rect r = { 0, 0, w, h };

	assert_non_null(e);
	rfbenc_set_pixfmt(e, f);
	rfbenc_set_encodings(e, &enc, 1);
	assert_int_equal(rfbenc_begin(e, s), 0);
	assert_int_equal(rfbenc_rect(e, s, &fb, &r), 0);
	assert_int_equal(rfbenc_end(e, s), 0);
	rfbenc_free(e);
}

static uint32_t *
make_pattern(uint16_t w, uint16_t h)
{
	uint32_t *px = malloc((size_t)w * h * sizeof(*px));
	unsigned x, y;

	assert_non_null(px);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			px[y * w + x] = pattern(x, y);
	return px;
}

/* Feeds the client everything in s, all at once or byte by byte. */
static int
feed(struct rfbclient *c, const struct buf *s, struct buf *out, bool bytewise,
     char *err, size_t errsz)
{
	struct buf in;
	size_t i, n = buf_avail(s);
	int r = 0;

	buf_init(&in, RFBCLIENT_MAX_IN);
	for (i = 0; i < n && r == 0; i += bytewise ? 1 : n) {
		size_t k = bytewise ? 1 : n;

		assert_int_equal(buf_put_bytes(&in, buf_ptr(s) + i, k), 0);
		r = rfbclient_feed(c, &in, out, err, errsz);
	}
	if (r == 0)
		assert_int_equal(buf_avail(&in), 0);
	buf_free(&in);
	return r;
}

/* What the client sent: version, None, ClientInit, SetPixelFormat,
 * SetEncodings, a full request, then one request per update. */
static void
check_client_bytes(const struct buf *out, const struct rfb_pixfmt *f,
		   unsigned updates, uint16_t w, uint16_t h)
{
	struct buf v;
	struct rfb_client_msg m;
	char err[256];
	unsigned i;

	buf_view(&v, buf_ptr(out), buf_avail(out));
	assert_true(buf_avail(&v) >= 14);
	assert_memory_equal(buf_ptr(&v), RFB_VERSION_STR, RFB_VERSION_LEN);
	assert_int_equal(buf_ptr(&v)[12], RFB_SEC_NONE);
	assert_int_equal(buf_ptr(&v)[13], 1);		/* shared */
	buf_consume(&v, 14);
	assert_int_equal(rfb_client_msg_parse(&v, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.type, RFB_SET_PIXEL_FORMAT);
	assert_memory_equal(&m.pixfmt, f, sizeof(*f));
	assert_int_equal(rfb_client_msg_parse(&v, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.type, RFB_SET_ENCODINGS);
	assert_int_equal(m.nencodings, 5);
	assert_int_equal(m.encodings[0], RFB_ENC_ZRLE);
	for (i = 0; i <= updates; i++) {
		assert_int_equal(rfb_client_msg_parse(&v, &m, err,
		    sizeof(err)), RFB_OK);
		assert_int_equal(m.type, RFB_FB_UPDATE_REQUEST);
		assert_int_equal(m.incremental, i == 0 ? 0 : 1);
		assert_int_equal(m.w, w);
		assert_int_equal(m.h, h);
	}
	assert_int_equal(buf_avail(&v), 0);
}

static void
one_format(unsigned bpp, int32_t enc, bool bytewise)
{
	struct rfbclient c;
	struct rfb_pixfmt f;
	struct buf s, out;
	struct rfbclient_box d;
	uint32_t *px = make_pattern(W, H);
	char err[256] = "";

	assert_int_equal(rfbclient_pixfmt_for_bpp(bpp, &f), 0);
	assert_int_equal(rfb_pixfmt_valid(&f, err, sizeof(err)), 1);
	buf_init(&s, 1 << 24);
	buf_init(&out, 1 << 20);
	put_preamble(&s, W, H, "bob's \x1b[31mdesk");
	put_update(&s, &f, enc, px, W, H);
	assert_int_equal(rfbclient_init(&c, &f, &out), 0);
	assert_int_equal(feed(&c, &s, &out, bytewise, err, sizeof(err)), 0);
	assert_int_equal(c.phase, RFBCLIENT_RUN);
	assert_int_equal(c.updates, 1);
	assert_int_equal(c.width, W);
	assert_int_equal(c.height, H);
	assert_null(strchr(c.name, '\x1b'));
	assert_non_null(strstr(c.name, "bob's"));
	assert_memory_equal(c.px, px, (size_t)W * H * sizeof(*px));
	rfbclient_take_dirty(&c, &d);
	assert_int_equal(d.w, W);
	assert_int_equal(d.h, H);
	rfbclient_take_dirty(&c, &d);
	assert_int_equal(d.w, 0);
	check_client_bytes(&out, &f, 1, W, H);
	rfbclient_free(&c);
	buf_free(&s);
	buf_free(&out);
	free(px);
}

static void
test_formats(void **state)
{
	static const unsigned bpps[] = { 32, 16, 8 };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		one_format(bpps[i], RFB_ENC_ZRLE, false);
		one_format(bpps[i], RFB_ENC_RAW, false);
	}
	one_format(32, RFB_ENC_ZRLE, true);
	one_format(8, RFB_ENC_RAW, true);
}

static void
test_pixfmt_option(void **state)
{
	struct rfb_pixfmt f;

	(void)state;
	assert_int_equal(rfbclient_pixfmt_for_bpp(32, &f), 0);
	assert_int_equal(f.bpp, 32);
	assert_int_equal(rfbclient_pixfmt_for_bpp(16, &f), 0);
	assert_int_equal(f.bpp, 16);
	assert_int_equal(rfbclient_pixfmt_for_bpp(8, &f), 0);
	assert_int_equal(f.bpp, 8);
	assert_int_equal(rfbclient_pixfmt_for_bpp(24, &f), -1);
	assert_int_equal(rfbclient_pixfmt_for_bpp(0, &f), -1);
}

/* Feeds raw server bytes; expects a failure whose text contains want. */
static void
expect_bad(const void *bytes, size_t n, const char *want)
{
	struct rfbclient c;
	struct buf s, out;
	char err[256] = "";

	buf_init(&s, 1 << 16);
	buf_init(&out, 1 << 16);
	assert_int_equal(buf_put_bytes(&s, bytes, n), 0);
	assert_int_equal(rfbclient_init(&c, &rfb_pixfmt_default, &out), 0);
	assert_int_equal(feed(&c, &s, &out, false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, want));
	assert_null(strchr(err, '\x1b'));
	assert_int_equal(c.phase, RFBCLIENT_FAILED);
	assert_int_equal(rfbclient_feed(&c, &s, &out, err, sizeof(err)), -1);
	rfbclient_free(&c);
	buf_free(&s);
	buf_free(&out);
}

static void
test_refusals(void **state)
{
	static const uint8_t none0[] = { 0, 0, 0, 0, 6, 'n', 'o', '\x1b',
	    'w', 'a', 'y' };
	static const uint8_t vnc_only[] = { 2, 2, 16 };
	static const uint8_t secfail[] = { 1, 1, 0, 0, 0, 1, 0, 0, 0, 3,
	    'b', 'a', 'd' };
	/* ServerInit with bpp 24: not a valid pixel format. */
	static const uint8_t badinit[] = { 1, 1, 0, 0, 0, 0, 0, 10, 0, 10,
	    24, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0,
	    0, 0, 0, 0 };
	/* A good preamble, then an unknown server message type. */
	static const uint8_t badmsg[] = { 1, 1, 0, 0, 0, 0, 0, 4, 0, 4,
	    32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0,
	    0, 0, 0, 0, 99 };

	(void)state;
	expect_bad(none0, sizeof(none0), "refused the connection: no");
	expect_bad(vnc_only, sizeof(vnc_only), "security type None");
	expect_bad(secfail, sizeof(secfail), "security handshake: bad");
	expect_bad(badinit, sizeof(badinit), "bad ServerInit");
	expect_bad(badmsg, sizeof(badmsg), "bad message from the server");
}

/* A screen above max_pixels is refused before any allocation. */
static void
test_too_large(void **state)
{
	struct rfbclient c;
	struct buf s, out;
	char err[256] = "";

	(void)state;
	buf_init(&s, 1 << 16);
	buf_init(&out, 1 << 16);
	put_preamble(&s, 16384, 16384, "huge");
	assert_int_equal(rfbclient_init(&c, &rfb_pixfmt_default, &out), 0);
	assert_int_equal(feed(&c, &s, &out, false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "16384x16384 is too large"));
	assert_null(c.px);
	rfbclient_free(&c);
	buf_free(&s);
	buf_free(&out);
}

/* A long refusal reason is cut, not waited for whole. */
static void
test_long_reason(void **state)
{
	uint8_t msg[5 + RFBCLIENT_MAX_REASON];

	(void)state;
	memset(msg, 'x', sizeof(msg));
	msg[0] = 0;
	msg[1] = 0x7f;			/* 2 GiB announced */
	msg[2] = msg[3] = msg[4] = 0xff;
	expect_bad(msg, sizeof(msg), "refused the connection: xxx");
}

/* A rectangle outside the framebuffer is refused by rfbdec. */
static void
test_rect_outside(void **state)
{
	struct rfbclient c;
	struct buf s, out;
	uint32_t *px = make_pattern(W, H);
	char err[256] = "";

	(void)state;
	buf_init(&s, 1 << 20);
	buf_init(&out, 1 << 16);
	put_preamble(&s, W / 2, H, "small");
	put_update(&s, &rfb_pixfmt_default, RFB_ENC_RAW, px, W, H);
	assert_int_equal(rfbclient_init(&c, &rfb_pixfmt_default, &out), 0);
	assert_int_equal(feed(&c, &s, &out, false, err, sizeof(err)), -1);
	assert_int_equal(c.updates, 0);
	rfbclient_free(&c);
	buf_free(&s);
	buf_free(&out);
	free(px);
}

/* DesktopSize: a new framebuffer, then a non-incremental request. */
static void
test_resize(void **state)
{
	struct rfbclient c;
	struct buf s, out, v;
	struct rfbenc *e = rfbenc_new();
	int32_t enc[] = { RFB_ENC_RAW, RFB_ENC_DESKTOP_SIZE };
	uint32_t *px = make_pattern(W, H);
	struct rfb_client_msg m;
	char err[256] = "";
	size_t skip;

	(void)state;
	buf_init(&s, 1 << 20);
	buf_init(&out, 1 << 16);
	put_preamble(&s, 10, 10, "r");
	rfbenc_set_encodings(e, enc, 2);
	assert_int_equal(rfbenc_begin(e, &s), 0);
	assert_int_equal(rfbenc_desktop_size(e, &s, W, H), 0);
	assert_int_equal(rfbenc_end(e, &s), 0);
	rfbenc_free(e);
	put_update(&s, &rfb_pixfmt_default, RFB_ENC_RAW, px, W, H);
	assert_int_equal(rfbclient_init(&c, &rfb_pixfmt_default, &out), 0);
	assert_int_equal(feed(&c, &s, &out, false, err, sizeof(err)), 0);
	assert_int_equal(c.resizes, 1);
	assert_int_equal(c.updates, 2);
	assert_int_equal(c.width, W);
	assert_memory_equal(c.px, px, (size_t)W * H * sizeof(*px));
	/* After the preamble's messages and the first (full) request: a
	 * full request at the new size, then an incremental one. */
	buf_view(&v, buf_ptr(&out), buf_avail(&out));
	skip = 14 + 20 + 4 + 4 * 5 + 10;
	buf_consume(&v, skip);
	assert_int_equal(rfb_client_msg_parse(&v, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.incremental, 0);
	assert_int_equal(m.w, W);
	assert_int_equal(rfb_client_msg_parse(&v, &m, err, sizeof(err)),
	    RFB_OK);
	assert_int_equal(m.incremental, 1);
	rfbclient_free(&c);
	buf_free(&s);
	buf_free(&out);
	free(px);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_pixfmt_option),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_long_reason),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_rect_outside),
		cmocka_unit_test(test_resize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
