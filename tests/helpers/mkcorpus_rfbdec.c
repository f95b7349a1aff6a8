/*
 * mkcorpus_rfbdec: writes fuzz_rfbdec's seed corpus from real encoder
 * output (common/rfbenc.c) over small synthetic screens, one file per
 * case: the format byte and piece-size byte fuzz_rfbdec reads, then the
 * server's bytes. Hand-written bad cases are in the unit test.
 *   usage: mkcorpus_rfbdec DIR      (tests/fuzz/corpus/rfbdec)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rfbenc.h"

#define MK_W	96	/* fuzz_rfbdec's framebuffer */
#define MK_H	80

/* fuzz_rfbdec's format table, same order. */
static const struct rfb_pixfmt mk_fmts[] = {
	{ 32, 24, 0, 1, 255, 255, 255, 16, 8, 0 },
	{ 16, 16, 1, 1, 31, 63, 31, 11, 5, 0 },
	{ 8, 8, 0, 1, 7, 7, 3, 0, 3, 6 },
	{ 32, 24, 1, 1, 255, 255, 255, 24, 16, 8 },
	{ 32, 30, 0, 1, 1023, 1023, 1023, 20, 10, 0 },
};

static uint32_t mk_rng = 99;

static uint32_t
mk_rnd(void)
{
	mk_rng ^= mk_rng << 13;
	mk_rng ^= mk_rng >> 17;
	mk_rng ^= mk_rng << 5;
	return mk_rng;
}

/* A little desktop: a window with "text", a gradient strip, noise. */
static void
mk_paint(uint32_t *px)
{
	unsigned i, j;

	for (j = 0; j < MK_H; j++) {
		for (i = 0; i < MK_W; i++) {
			uint32_t v = 0x2e3436;

			if (j < 10)
				v = 0x729fcf;
			else if (i > 4 && i < 70 && j > 14 && j < 60)
				v = (i * 5 + j * 3) % 9 < 2 ? 0x000000 :
				    0xffffff;
			else if (j >= 64)
				v = i * 2 << 16 | j << 8 | 0x40;
			if (i >= 72 && j > 20 && j < 50)
				v = mk_rnd() & 0xffffff;
			px[j * MK_W + i] = v;
		}
	}
}

static int
mk_write(const char *dir, const char *name, unsigned fmt, unsigned piece,
	 const struct buf *b)
{
	char path[4096];
	FILE *f;
	uint8_t hdr[2] = { (uint8_t)fmt, (uint8_t)piece };

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(hdr, 1, 2, f) != 2 ||
	    fwrite(buf_ptr(b), 1, buf_avail(b), f) != buf_avail(b) ||
	    fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* One seed: updates of the painted screen with encoding enc, a CopyRect,
 * a cursor, a resize and a cut text as the case asks. */
static int
mk_case(const char *dir, const char *name, unsigned fmt, int32_t enc,
	int extras, const uint32_t *px)
{
	const int32_t encs[] = { enc, RFB_ENC_COPYRECT, RFB_ENC_CURSOR,
				 RFB_ENC_DESKTOP_SIZE };
	struct rfb_fb fb = { px, MK_W, MK_H, MK_W };
	struct rfb_rect full = { 0, 0, MK_W, MK_H };
	struct rfb_rect part = { 5, 14, 66, 47 };
	struct rfb_rect moved = { 20, 30, 40, 20 };
	uint32_t cursor[12 * 12];
	struct rfbenc *e = rfbenc_new();
	struct buf b;
	unsigned i;
	int rc;

	if (e == NULL)
		return -1;
	for (i = 0; i < 12 * 12; i++)
		cursor[i] = i % 12 < i / 12 ? 0xff000000u | i * 0x10203 : 0;
	rfbenc_set_pixfmt(e, &mk_fmts[fmt]);
	rfbenc_set_encodings(e, encs, 4);
	buf_init(&b, 1u << 20);
	/* In order: each call only when the previous ones succeeded. */
	rc = rfbenc_begin(e, &b);
	rc = rc ? rc : rfbenc_rect(e, &b, &fb, &full);
	rc = rc ? rc : rfbenc_end(e, &b);
	if (extras) {
		rc = rc ? rc : rfbenc_begin(e, &b);
		rc = rc ? rc : rfbenc_rect(e, &b, &fb, &part);
		rc = rc ? rc : rfbenc_copyrect(e, &b, &moved, 2, 40);
		rc = rc ? rc : rfbenc_cursor(e, &b, 3, 4, 12, 12, cursor);
		rc = rc ? rc : rfbenc_end(e, &b);
		rc = rc ? rc : rfbenc_cut_text(&b, "hello", 5);
		rc = rc ? rc : rfbenc_begin(e, &b);
		rc = rc ? rc : rfbenc_desktop_size(e, &b, MK_W + 8, MK_H);
		rc = rc ? rc : rfbenc_end(e, &b);
		rc = rc ? rc : buf_put_u8(&b, RFB_BELL);
	}
	if (rc == 0)
		rc = mk_write(dir, name, fmt, 7 + fmt * 13, &b);
	buf_free(&b);
	rfbenc_free(e);
	return rc;
}

int
main(int argc, char **argv)
{
	uint32_t *px = malloc(MK_W * MK_H * sizeof(uint32_t));
	static const char *names[] = { "default", "565be", "bgr233",
				       "high3", "cpixel4" };
	char name[64];
	unsigned fmt;

	if (argc != 2 || px == NULL) {
		fprintf(stderr, "usage: mkcorpus_rfbdec DIR\n");
		return 2;
	}
	mk_paint(px);
	for (fmt = 0; fmt < sizeof(mk_fmts) / sizeof(mk_fmts[0]); fmt++) {
		snprintf(name, sizeof(name), "zrle_%s", names[fmt]);
		if (mk_case(argv[1], name, fmt, RFB_ENC_ZRLE, fmt < 2, px))
			return 1;
		snprintf(name, sizeof(name), "raw_%s", names[fmt]);
		if (fmt < 3 &&
		    mk_case(argv[1], name, fmt, RFB_ENC_RAW, fmt == 0, px))
			return 1;
	}
	free(px);
	return 0;
}
