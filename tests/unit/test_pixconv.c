/* Unit tests: assistd/pixconv.c (X image formats to 0x00RRGGBB) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "assistd/pixconv.h"

static int
host_msb(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

static void
test_direct(void **state)
{
	struct pixconv pc;
	char err[128];
	uint32_t px[3] = { 0xff123456, 0x00abcdef, 0x7f000001 };

	(void)state;
	assert_int_equal(pixconv_init(&pc, 32, host_msb(), 0xff0000, 0xff00,
	    0xff, err, sizeof(err)), 0);
	assert_true(pc.direct);
	pixconv_row(&pc, px, px, 3);	/* in place */
	assert_int_equal(px[0], 0x123456);
	assert_int_equal(px[1], 0xabcdef);
	assert_int_equal(px[2], 0x000001);
}

/* 32 bpp in the other byte order: not direct, still right, in place. */
static void
test_swapped32(void **state)
{
	struct pixconv pc;
	char err[128];
	uint8_t raw[8] = { 0, 0x12, 0x34, 0x56, 0xff, 0xab, 0xcd, 0xef };
	uint32_t out[2];

	(void)state;
	assert_int_equal(pixconv_init(&pc, 32, 1, 0xff0000, 0xff00, 0xff, err,
	    sizeof(err)), 0);
	assert_int_equal(pc.direct, host_msb());
	pixconv_row(&pc, out, raw, 2);
	assert_int_equal(out[0], 0x123456);
	assert_int_equal(out[1], 0xabcdef);
	memcpy(out, raw, sizeof(out));
	pixconv_row(&pc, out, out, 2);
	assert_int_equal(out[0], 0x123456);
}

/* BGR masks. */
static void
test_bgr(void **state)
{
	struct pixconv pc;
	char err[128];
	uint32_t px = 0x00112233, out;

	(void)state;
	assert_int_equal(pixconv_init(&pc, 32, host_msb(), 0xff, 0xff00,
	    0xff0000, err, sizeof(err)), 0);
	assert_false(pc.direct);
	pixconv_row(&pc, &out, &px, 1);
	assert_int_equal(out, 0x332211);
}

/* 16 bpp 5-6-5, both byte orders; full intensity stays 0xff. */
static void
test_565(void **state)
{
	struct pixconv pc;
	char err[128];
	uint8_t lsb[8] = { 0x00, 0xf8, 0xe0, 0x07, 0x1f, 0x00, 0x00, 0x80 };
	uint8_t msb[4] = { 0xf8, 0x00, 0xff, 0xff };
	uint32_t out[4];

	(void)state;
	assert_int_equal(pixconv_init(&pc, 16, 0, 0xf800, 0x07e0, 0x001f, err,
	    sizeof(err)), 0);
	pixconv_row(&pc, out, lsb, 4);
	assert_int_equal(out[0], 0xff0000);
	assert_int_equal(out[1], 0x00ff00);
	assert_int_equal(out[2], 0x0000ff);
	assert_int_equal(out[3], 0x840000);	/* red 16/31 */
	assert_int_equal(pixconv_init(&pc, 16, 1, 0xf800, 0x07e0, 0x001f, err,
	    sizeof(err)), 0);
	pixconv_row(&pc, out, msb, 2);
	assert_int_equal(out[0], 0xff0000);
	assert_int_equal(out[1], 0xffffff);
}

/* Depth 30 (10 bits a channel) in 32 bpp. */
static void
test_depth30(void **state)
{
	struct pixconv pc;
	char err[128];
	uint32_t px = 0x3ff00000u | (0x200u << 10) | 0x001u, out;

	(void)state;
	assert_int_equal(pixconv_init(&pc, 32, host_msb(), 0x3ff00000,
	    0x000ffc00, 0x000003ff, err, sizeof(err)), 0);
	pixconv_row(&pc, &out, &px, 1);
	assert_int_equal(out, 0xff8000);
}

static void
test_bad(void **state)
{
	struct pixconv pc;
	char err[128];

	(void)state;
	assert_int_equal(pixconv_init(&pc, 24, 0, 0xff0000, 0xff00, 0xff, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "24 bits per pixel"));
	assert_int_equal(pixconv_init(&pc, 8, 0, 0xe0, 0x1c, 0x3, err,
	    sizeof(err)), -1);
	assert_int_equal(pixconv_init(&pc, 32, 0, 0xff00ff, 0xff00, 0xff, err,
	    sizeof(err)), -1);		/* holes */
	assert_non_null(strstr(err, "0xff00ff"));
	assert_int_equal(pixconv_init(&pc, 32, 0, 0, 0xff00, 0xff, err,
	    sizeof(err)), -1);		/* empty */
	assert_int_equal(pixconv_init(&pc, 16, 0, 0xff0000, 0xff00, 0xff, err,
	    sizeof(err)), -1);		/* wider than the pixel */
	assert_int_equal(pixconv_init(&pc, 32, 0, 0xffffe000u, 0x1fc0, 0x3f,
	    err, sizeof(err)), -1);	/* a 19-bit channel */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_swapped32),
		cmocka_unit_test(test_bgr),
		cmocka_unit_test(test_565),
		cmocka_unit_test(test_depth30),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
