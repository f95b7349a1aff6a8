/* Unit tests: common/rfbenc.c, common/rfbdec.c, common/rfbpix.c. Round
 * trips encoder -> decoder over synthetic screens in many pixel formats,
 * compared with an independent computation of the quantised pixels;
 * ZRLE tiles written by hand (compressed here with zlib) so the decoder
 * is not only checked against our own encoder; and malformed input,
 * which must be RFB_BAD, never a crash or a write out of bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "common/buf.h"
#include "common/rfb.h"
#include "common/rfbdec.h"
#include "common/rfbenc.h"
#include "common/rfbpix.h"

#define BIG		(96u * 1024 * 1024)	/* buffer limit */
#define SENTINEL	0xff5a5a5au	/* never a decoded 0x00RRGGBB */
#define FBW		300
#define FBH		200

/* --- pixel formats --------------------------------------------------- */

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

struct fmtcase {
	const char *name;
	struct rfb_pixfmt f;
	unsigned cpixel;	/* expected CPIXEL bytes */
};

static struct fmtcase fmts[16];
static unsigned nfmts;

static void
add_fmt(const char *name, struct rfb_pixfmt f, unsigned cpixel)
{
	char err[128];

	assert_true(rfb_pixfmt_valid(&f, err, sizeof(err)));
	fmts[nfmts].name = name;
	fmts[nfmts].f = f;
	fmts[nfmts].cpixel = cpixel;
	nfmts++;
}

static int
setup_fmts(void **state)
{
	(void)state;
	nfmts = 0;
	add_fmt("default", rfb_pixfmt_default, 3);
	add_fmt("32be", fmt(32, 24, 1, 255, 255, 255, 16, 8, 0), 3);
	add_fmt("32bgr", fmt(32, 24, 0, 255, 255, 255, 0, 8, 16), 3);
	add_fmt("32high-le", fmt(32, 24, 0, 255, 255, 255, 24, 16, 8), 3);
	add_fmt("32high-be", fmt(32, 24, 1, 255, 255, 255, 24, 16, 8), 3);
	add_fmt("32mid-be", fmt(32, 16, 1, 31, 63, 31, 19, 13, 8), 3);
	add_fmt("32-10bit", fmt(32, 30, 0, 1023, 1023, 1023, 20, 10, 0), 4);
	add_fmt("32spread", fmt(32, 24, 1, 255, 255, 255, 24, 8, 0), 4);
	add_fmt("565le", fmt(16, 16, 0, 31, 63, 31, 11, 5, 0), 2);
	add_fmt("565be", fmt(16, 16, 1, 31, 63, 31, 11, 5, 0), 2);
	add_fmt("555be", fmt(16, 15, 1, 31, 31, 31, 10, 5, 0), 2);
	add_fmt("444odd", fmt(16, 12, 0, 15, 15, 15, 1, 9, 5), 2);
	add_fmt("bgr233", fmt(8, 8, 0, 7, 7, 3, 0, 3, 6), 1);
	add_fmt("8-121", fmt(8, 4, 1, 1, 3, 1, 7, 2, 0), 1);
	return 0;
}

static unsigned
bits_of(uint16_t max)
{
	unsigned n = 0;

	while (max >> n)
		n++;
	return n;
}

/* The documented rule, written independently of rfbpix.c: quantise to n
 * bits, then bit k of the 8-bit result is bit (n-1 - (7-k) % n) of q. */
static uint32_t
chan_expect(uint32_t c, unsigned n)
{
	uint32_t q = n <= 8 ? c >> (8 - n) : (c * 257) >> (16 - n);
	uint32_t out = 0;
	int k;

	if (n >= 8)
		return q >> (n - 8);
	for (k = 7; k >= 0; k--)
		out |= ((q >> (n - 1 - (7 - k) % n)) & 1) << k;
	return out;
}

static uint32_t
expect_px(const struct rfb_pixfmt *f, uint32_t rgb)
{
	return chan_expect((rgb >> 16) & 0xff, bits_of(f->red_max)) << 16 |
	    chan_expect((rgb >> 8) & 0xff, bits_of(f->green_max)) << 8 |
	    chan_expect(rgb & 0xff, bits_of(f->blue_max));
}

/* --- synthetic screens ------------------------------------------------ */

static uint32_t rng = 12345;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

enum scene { SC_SOLID, SC_TEXT, SC_FEW, SC_RUNS, SC_GRADIENT, SC_NOISE,
	     SC_MANYRUNS, SC_COUNT };

/* Fills w x h (stride w) with a scene; the top byte is garbage, as X
 * may leave it, and must be ignored. */
static void
paint(uint32_t *px, unsigned w, unsigned h, enum scene sc)
{
	uint32_t pal[40];
	unsigned i, j, k;

	for (k = 0; k < 40; k++)
		pal[k] = rnd() & 0xffffff;
	for (j = 0; j < h; j++) {
		for (i = 0; i < w; i++) {
			uint32_t v = 0;

			switch (sc) {
			case SC_SOLID:
				v = 0x3366cc;
				break;
			case SC_TEXT:	/* glyph-ish strokes on white */
				v = ((i * 7 + j * 3) % 11 < 3 && j % 14 < 10) ?
				    0x101010 : 0xfafafa;
				break;
			case SC_FEW:
				v = pal[rnd() % 5];
				break;
			case SC_RUNS:	/* ~40 colours in short runs */
				v = pal[(i / 6 + j / 3) % 40];
				break;
			case SC_GRADIENT:
				v = (i * 255 / (w ? w : 1)) << 16 |
				    (j * 255 / (h ? h : 1)) << 8 | ((i + j) & 0xff);
				break;
			case SC_NOISE:
				v = rnd() & 0xffffff;
				break;
			case SC_MANYRUNS:	/* > 127 colours, long runs */
				v = ((i / 16) * 40 + j * 3) * 0x010203u & 0xffffff;
				break;
			default:
				break;
			}
			px[j * w + i] = v | (rnd() & 0xff000000u);
		}
	}
}

/* --- running the decoder ------------------------------------------ */

struct decrun {
	unsigned rects, ends, cursors, resizes, bells, cuts;
	struct rfbdec_event last_cursor;
	uint32_t cursor[RFBDEC_MAX_CURSOR * RFBDEC_MAX_CURSOR];
	char cut[64];
	uint32_t cut_len;
	uint16_t resize_w, resize_h;
};

static uint32_t *
fb_alloc(struct rfb_fbmut *fb, unsigned w, unsigned h)
{
	size_t i;

	fb->px = malloc((size_t)w * h * sizeof(uint32_t));
	assert_non_null(fb->px);
	fb->width = (uint16_t)w;
	fb->height = (uint16_t)h;
	fb->stride = w;
	for (i = 0; i < (size_t)w * h; i++)
		fb->px[i] = SENTINEL;
	return fb->px;
}

/* Steps until RFB_MORE or RFB_BAD; a RESIZE switches to *next. */
static enum rfb_status
decode_all(struct rfbdec *d, struct buf *in, struct rfb_fbmut *fb,
	   struct rfb_fbmut *next, struct decrun *run, char *err,
	   size_t errsz)
{
	struct rfbdec_event ev;
	enum rfb_status st;
	unsigned guard = 0;

	while ((st = rfbdec_step(d, in, fb, &ev, err, errsz)) == RFB_OK) {
		assert_true(++guard < 10000000);
		switch (ev.type) {
		case RFBDEC_RECT:
			assert_true((unsigned)ev.x + ev.w <= fb->width);
			assert_true((unsigned)ev.y + ev.h <= fb->height);
			run->rects++;
			break;
		case RFBDEC_UPDATE_END:
			run->ends++;
			break;
		case RFBDEC_CURSOR:
			run->cursors++;
			run->last_cursor = ev;
			memcpy(run->cursor, ev.cursor_argb, (size_t)ev.w *
			    ev.h * sizeof(uint32_t));
			break;
		case RFBDEC_RESIZE:
			run->resizes++;
			run->resize_w = ev.w;
			run->resize_h = ev.h;
			assert_non_null(next);
			assert_int_equal(next->width, ev.w);
			assert_int_equal(next->height, ev.h);
			*fb = *next;
			break;
		case RFBDEC_CUT_TEXT:
			run->cuts++;
			assert_true(ev.cut_len <= sizeof(run->cut));
			memcpy(run->cut, ev.cut_text, ev.cut_len);
			run->cut_len = ev.cut_len;
			break;
		case RFBDEC_BELL:
			run->bells++;
			break;
		case RFBDEC_NONE:
			break;
		}
	}
	return st;
}

/* --- tests: pixel rule ---------------------------------------------- */

static void
test_pixel_rule(void **state)
{
	struct rfbpix p;
	unsigned i, c;

	(void)state;
	for (i = 0; i < nfmts; i++) {
		rfbpix_init(&p, &fmts[i].f);
		assert_int_equal(p.cbytes, fmts[i].cpixel);
		for (c = 0; c < 256; c++) {
			uint32_t rgb = c << 16 | (255 - c) << 8 | (c * 7 & 255);

			assert_int_equal(rfbpix_shown(&p, rgb),
			    expect_px(&fmts[i].f, rgb));
		}
	}
	/* The familiar values: 5 bits of 0xff are 0xff, of 0x80 0x84. */
	rfbpix_init(&p, &fmts[8].f);
	assert_int_equal(rfbpix_shown(&p, 0xffffff), 0xffffff);
	assert_int_equal(rfbpix_shown(&p, 0x808080), 0x848284);
	assert_int_equal(rfbpix_shown(&p, 0x000000), 0);
}

/* Wire bytes of one pixel, checked by hand for the layouts that matter
 * (CPIXEL byte choice as TigerVNC makes it). */
static void
test_pixel_wire(void **state)
{
	struct rfbpix p;
	uint8_t b[4];

	(void)state;
	rfbpix_init(&p, &rfb_pixfmt_default);
	rfbpix_put(&p, b, rfbpix_from_rgb(&p, 0x112233));
	assert_memory_equal(b, "\x33\x22\x11\x00", 4);
	rfbpix_cput(&p, b, rfbpix_from_rgb(&p, 0x112233));
	assert_memory_equal(b, "\x33\x22\x11", 3);
	rfbpix_init(&p, &fmts[1].f);	/* 32be, low 3 bytes */
	rfbpix_put(&p, b, rfbpix_from_rgb(&p, 0x112233));
	assert_memory_equal(b, "\x00\x11\x22\x33", 4);
	rfbpix_cput(&p, b, rfbpix_from_rgb(&p, 0x112233));
	assert_memory_equal(b, "\x11\x22\x33", 3);
	assert_int_equal(rfbpix_cget(&p, b), 0x112233);
	rfbpix_init(&p, &fmts[3].f);	/* 32high-le: the last 3 bytes */
	rfbpix_put(&p, b, rfbpix_from_rgb(&p, 0x112233));
	assert_memory_equal(b, "\x00\x33\x22\x11", 4);
	rfbpix_cput(&p, b, rfbpix_from_rgb(&p, 0x112233));
	assert_memory_equal(b, "\x33\x22\x11", 3);
	rfbpix_init(&p, &fmts[4].f);	/* 32high-be: the first 3 bytes */
	rfbpix_cput(&p, b, rfbpix_from_rgb(&p, 0x112233));
	assert_memory_equal(b, "\x11\x22\x33", 3);
	rfbpix_init(&p, &fmts[9].f);	/* 565be */
	rfbpix_put(&p, b, rfbpix_from_rgb(&p, 0xff0000));
	assert_memory_equal(b, "\xf8\x00", 2);
	rfbpix_init(&p, &fmts[8].f);	/* 565le */
	rfbpix_put(&p, b, rfbpix_from_rgb(&p, 0x0000ff));
	assert_memory_equal(b, "\x1f\x00", 2);
}

/* --- tests: round trips --------------------------------------------- */

/* The expected viewer image of n source pixels. */
static void
expect_img(const struct rfb_pixfmt *f, const uint32_t *src, size_t n,
	   uint32_t *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		want[i] = expect_px(f, src[i]);
}

/* r of fb (stride FBW-like fb->stride) equals r of want. */
static void
check_rect(const struct rfb_fbmut *fb, const uint32_t *want,
	   const struct rfb_rect *r, const char *what)
{
	unsigned i, j;

	for (j = 0; j < r->h; j++) {
		for (i = 0; i < r->w; i++) {
			size_t o = (size_t)(r->y + j) * fb->stride + r->x + i;

			if (fb->px[o] != want[o])
				fail_msg("%s: pixel %u,%u is %08x, want %08x",
				    what, r->x + i, r->y + j, fb->px[o],
				    want[o]);
		}
	}
}

static int
in_any(const struct rfb_rect *r, unsigned n, unsigned x, unsigned y)
{
	unsigned k;

	for (k = 0; k < n; k++)
		if (x >= r[k].x && x < (unsigned)r[k].x + r[k].w &&
		    y >= r[k].y && y < (unsigned)r[k].y + r[k].h)
			return 1;
	return 0;
}

/* One update of n rects of src (FBW x FBH) through a fresh pair. */
static void
roundtrip(const struct fmtcase *fc, int32_t enc, const uint32_t *src,
	  const uint32_t *want, const struct rfb_rect *r, unsigned n,
	  const char *what,
	  struct rfbenc *e, struct rfbdec *d, struct rfb_fbmut *fb)
{
	struct rfb_fb in = { src, FBW, FBH, FBW };
	struct decrun run;
	struct buf out;
	char err[256] = "";
	unsigned k, i, j;

	memset(&run, 0, sizeof(run));
	buf_init(&out, BIG);
	assert_int_equal(rfbenc_begin(e, &out), 0);
	for (k = 0; k < n; k++)
		assert_int_equal(rfbenc_rect(e, &out, &in, &r[k]), 0);
	assert_int_equal(rfbenc_end(e, &out), 0);
	assert_int_equal(rfbenc_encoding(e), enc);
	if (decode_all(d, &out, fb, NULL, &run, err, sizeof(err)) != RFB_MORE)
		fail_msg("%s (%s): %s", what, fc->name, err);
	assert_int_equal(buf_avail(&out), 0);
	assert_int_equal(run.ends, 1);
	for (k = 0; k < n; k++)
		check_rect(fb, want, &r[k], what);
	for (j = 0; j < FBH; j++)
		for (i = 0; i < FBW; i++)
			if (!in_any(r, n, i, j) &&
			    fb->px[j * FBW + i] != SENTINEL)
				fail_msg("%s: pixel %u,%u outside the rects "
				    "written", what, i, j);
	buf_free(&out);
}

static void
test_roundtrip_formats(void **state)
{
	static const int32_t encs[2] = { RFB_ENC_RAW, RFB_ENC_ZRLE };
	static const struct rfb_rect fixed[] = {
		{ 0, 0, FBW, FBH }, { 0, 0, 1, 1 }, { 17, 9, 64, 64 },
		{ 3, 100, 65, 65 }, { 299, 0, 1, 200 }, { 0, 199, 300, 1 },
		{ 100, 50, 130, 77 },
	};
	uint32_t *src = malloc(FBW * FBH * sizeof(uint32_t));
	uint32_t *want = malloc(FBW * FBH * sizeof(uint32_t));
	struct rfb_fbmut fb;
	struct rfb_rect r[3];
	char what[128];
	unsigned fi, ei, sc, k, t;

	(void)state;
	assert_non_null(src);
	for (fi = 0; fi < nfmts; fi++) {
		for (ei = 0; ei < 2; ei++) {
			/* One encoder/decoder pair per format and encoding:
			 * the ZRLE stream spans every update below. */
			struct rfbenc *e = rfbenc_new();
			struct rfbdec *d = rfbdec_new(&fmts[fi].f);

			assert_non_null(e);
			assert_non_null(d);
			rfbenc_set_pixfmt(e, &fmts[fi].f);
			rfbenc_set_encodings(e, &encs[ei], 1);
			for (sc = 0; sc < SC_COUNT; sc++) {
				paint(src, FBW, FBH, (enum scene)sc);
				/* zlib parameters change between rects */
				assert_int_equal(rfbenc_set_zlib_level(e,
				    (int)(sc + fi) % 10), 0);
				expect_img(&fmts[fi].f, src, FBW * FBH, want);
				for (t = 0; t < sizeof(fixed) / sizeof(fixed[0]) +
				    4; t++) {
					unsigned n = 1;

					if (t < sizeof(fixed) / sizeof(fixed[0])) {
						r[0] = fixed[t];
					} else {
						n = 1 + rnd() % 3;
						for (k = 0; k < n; k++) {
							r[k].x = (uint16_t)(rnd() % FBW);
							r[k].y = (uint16_t)(rnd() % FBH);
							r[k].w = (uint16_t)(1 + rnd() %
							    (FBW - r[k].x));
							r[k].h = (uint16_t)(1 + rnd() %
							    (FBH - r[k].y));
						}
					}
					snprintf(what, sizeof(what), "%s %s "
					    "scene %u case %u",
					    fmts[fi].name, ei ? "ZRLE" : "Raw",
					    sc, t);
					fb_alloc(&fb, FBW, FBH);
					roundtrip(&fmts[fi], encs[ei], src, want,
					    r, n, what, e, d, &fb);
					free(fb.px);
				}
			}
			rfbenc_free(e);
			rfbdec_free(d);
		}
	}
	free(src);
	free(want);
}

/* Each ZRLE subencoding is chosen for the tile it suits, and decodes. */
static void
test_zrle_subencodings(void **state)
{
	static const int32_t zrle = RFB_ENC_ZRLE;
	uint32_t *src = malloc(FBW * FBH * sizeof(uint32_t));
	/* formats with room for > 127 colours */
	static const unsigned pick[] = { 0, 3, 5, 8, 10, 12 };
	struct rfb_fb in = { src, FBW, FBH, FBW };
	struct rfb_rect r = { 0, 0, 64, 64 };
	struct rfbenc_stats st;
	struct rfb_fbmut fb;
	struct decrun run;
	struct buf out;
	char err[256];
	unsigned pi, i, j, k, q, sub;
	uint64_t packed1, packed2, packed4, prle;

	(void)state;
	assert_non_null(src);
	for (pi = 0; pi < sizeof(pick) / sizeof(pick[0]); pi++) {
		const struct fmtcase *fc = &fmts[pick[pi]];
		struct rfbenc *e = rfbenc_new();
		struct rfbdec *d = rfbdec_new(&fc->f);

		rfbenc_set_pixfmt(e, &fc->f);
		rfbenc_set_encodings(e, &zrle, 1);
		/* Tiles, left to right (x = 64 * k): solid; checkerboard
		 * (2 colours, 1-bit packed); 4 colours at random (2-bit);
		 * 12 at random (4-bit). Row 2 of tiles: 40 colours in runs
		 * of 3 between single pixels (palette RLE); 200+ colours in
		 * long runs (plain RLE); noise (raw). Colours are spaced so
		 * every format keeps them apart. */
		for (j = 0; j < FBH; j++) {
			for (i = 0; i < FBW; i++) {
				uint32_t v;

				k = i / 64 + (j / 64) * 5;
				switch (k) {
				case 0: v = 0x204080; break;
				case 1: v = (i + j) & 1 ? 0xffffff : 0; break;
				case 2: v = (rnd() % 4) * 0x550055; break;
				case 3: v = (rnd() % 6) * 0x2a0000 |
					(rnd() % 2) * 0xff; break;
				case 5:	/* runs of 3 and single pixels */
					q = (i % 64 + (j % 64) * 64);
					q = (q / 4 * 2 + (q % 4 == 3)) % 40;
					v = (q % 8) * 0x200000 |
					    (q / 8) * 0x2000 | (q % 4) * 0x40;
					break;
				case 6:	/* 205 colours, runs of 20 */
					q = (i % 64 + (j % 64) * 64) / 20;
					v = (q % 8) * 0x200000 |
					    (q / 8 % 8) * 0x2000 |
					    (q / 64) * 0x40;
					break;
				default: v = rnd() & 0xffffff; break;
				}
				src[j * FBW + i] = v;
			}
		}
		memset(&st, 0, sizeof(st));
		buf_init(&out, BIG);
		assert_int_equal(rfbenc_begin(e, &out), 0);
		for (k = 0; k < 10; k++) {
			r.x = (uint16_t)(64 * (k % 5));
			r.y = (uint16_t)(64 * (k / 5));
			r.w = (uint16_t)(k % 5 == 4 ? FBW - 256 : 64);
			assert_int_equal(rfbenc_rect(e, &out, &in, &r), 0);
		}
		assert_int_equal(rfbenc_end(e, &out), 0);
		rfbenc_get_stats(e, &st);
		memset(&run, 0, sizeof(run));
		fb_alloc(&fb, FBW, FBH);
		assert_int_equal(decode_all(d, &out, &fb, NULL, &run, err,
		    sizeof(err)), RFB_MORE);
		assert_int_equal(run.rects, 10);
		r.x = r.y = 0;
		r.w = FBW;
		r.h = 128;
		{
			uint32_t *want = malloc(FBW * FBH * sizeof(uint32_t));

			expect_img(&fc->f, src, FBW * FBH, want);
			check_rect(&fb, want, &r, fc->name);
			free(want);
		}
		packed1 = st.zrle_tiles[2];
		packed2 = st.zrle_tiles[3] + st.zrle_tiles[4];
		for (packed4 = 0, sub = 5; sub <= 16; sub++)
			packed4 += st.zrle_tiles[sub];
		for (prle = 0, sub = 130; sub < 256; sub++)
			prle += st.zrle_tiles[sub];
		if (st.zrle_tiles[1] == 0 || packed1 == 0 || packed2 == 0 ||
		    packed4 == 0 || prle == 0 || st.zrle_tiles[128] == 0 ||
		    st.zrle_tiles[0] == 0)
			fail_msg("%s: solid %lu packed1 %lu packed2 %lu "
			    "packed4 %lu paletteRLE %lu plainRLE %lu raw %lu",
			    fc->name, (unsigned long)st.zrle_tiles[1],
			    (unsigned long)packed1, (unsigned long)packed2,
			    (unsigned long)packed4, (unsigned long)prle,
			    (unsigned long)st.zrle_tiles[128],
			    (unsigned long)st.zrle_tiles[0]);
		assert_int_equal(st.rects, 10);
		assert_true(st.zrle_in > 0);
		free(fb.px);
		buf_free(&out);
		rfbenc_free(e);
		rfbdec_free(d);
	}
	free(src);
}

/* A rectangle bigger than one ZRLE band goes out as several. */
static void
test_zrle_bands(void **state)
{
	static const int32_t zrle = RFB_ENC_ZRLE;
	const unsigned w = 2048, h = 300;
	struct rfb_pixfmt f = fmts[7].f;	/* 4-byte CPIXEL */
	uint32_t *src = malloc((size_t)w * h * sizeof(uint32_t));
	struct rfb_fb in = { src, (uint16_t)w, (uint16_t)h, w };
	struct rfb_rect r = { 0, 0, (uint16_t)w, (uint16_t)h };
	struct rfbenc *e = rfbenc_new();
	struct rfbdec *d = rfbdec_new(&f);
	struct rfb_fbmut fb;
	struct decrun run;
	struct buf out;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < (size_t)w * h; i++)
		src[i] = (uint32_t)(i * 2654435761u) & 0xffffff;
	rfbenc_set_pixfmt(e, &f);
	rfbenc_set_encodings(e, &zrle, 1);
	buf_init(&out, BIG);
	assert_int_equal(rfbenc_begin(e, &out), 0);
	assert_int_equal(rfbenc_rect(e, &out, &in, &r), 0);
	assert_int_equal(rfbenc_end(e, &out), 0);
	/* 1 MiB / (2048 * 4) = 128 rows per band: 3 rectangles. */
	assert_int_equal(buf_ptr(&out)[2] << 8 | buf_ptr(&out)[3], 3);
	memset(&run, 0, sizeof(run));
	fb_alloc(&fb, w, h);
	assert_int_equal(decode_all(d, &out, &fb, NULL, &run, err,
	    sizeof(err)), RFB_MORE);
	assert_int_equal(run.rects, 3);
	for (i = 0; i < (size_t)w * h; i++)
		if (fb.px[i] != expect_px(&f, src[i]))
			fail_msg("pixel %zu", i);
	free(fb.px);
	free(src);
	buf_free(&out);
	rfbenc_free(e);
	rfbdec_free(d);
}

/* --- hand-made server bytes ----------------------------------------- */

/* A server's ZRLE stream, written by the test. */
struct zsrv {
	z_stream zs;
	struct buf out;
};

static void
zsrv_init(struct zsrv *z)
{
	memset(z, 0, sizeof(*z));
	assert_int_equal(deflateInit(&z->zs, 6), Z_OK);
	buf_init(&z->out, BIG);
}

static void
zsrv_free(struct zsrv *z)
{
	deflateEnd(&z->zs);
	buf_free(&z->out);
}

static void
put_rect_hdr(struct buf *b, uint16_t x, uint16_t y, uint16_t w, uint16_t h,
	     int32_t enc)
{
	assert_int_equal(buf_put_u16(b, x), 0);
	assert_int_equal(buf_put_u16(b, y), 0);
	assert_int_equal(buf_put_u16(b, w), 0);
	assert_int_equal(buf_put_u16(b, h), 0);
	assert_int_equal(buf_put_u32(b, (uint32_t)enc), 0);
}

static void
put_update_hdr(struct buf *b, uint16_t n)
{
	assert_int_equal(buf_put_u8(b, RFB_FB_UPDATE), 0);
	assert_int_equal(buf_put_u8(b, 0), 0);
	assert_int_equal(buf_put_u16(b, n), 0);
}

/* Appends an update of one ZRLE rectangle whose uncompressed data is
 * raw (n bytes), compressed with flush (Z_SYNC_FLUSH normally); cut
 * drops that many compressed bytes at the end, keeping the length
 * honest. */
static void
zsrv_rect(struct zsrv *z, uint16_t x, uint16_t y, uint16_t w, uint16_t h,
	  const uint8_t *raw, size_t n, int flush, size_t cut)
{
	uint8_t comp[65536];
	size_t clen;

	z->zs.next_in = (Bytef *)(uintptr_t)raw;
	z->zs.avail_in = (uInt)n;
	z->zs.next_out = comp;
	z->zs.avail_out = sizeof(comp);
	assert_true(deflate(&z->zs, flush) != Z_STREAM_ERROR);
	assert_int_equal(z->zs.avail_in, 0);
	clen = sizeof(comp) - z->zs.avail_out - cut;
	put_update_hdr(&z->out, 1);
	put_rect_hdr(&z->out, x, y, w, h, RFB_ENC_ZRLE);
	assert_int_equal(buf_put_u32(&z->out, (uint32_t)clen), 0);
	assert_int_equal(buf_put_bytes(&z->out, comp, clen), 0);
}

/* Decodes z->out over a fresh FBW x FBH framebuffer. */
static enum rfb_status
zsrv_decode(struct zsrv *z, const struct rfb_pixfmt *f, struct rfb_fbmut *fb,
	    char *err, size_t errsz)
{
	struct rfbdec *d = rfbdec_new(f);
	struct decrun run;
	enum rfb_status st;

	memset(&run, 0, sizeof(run));
	fb_alloc(fb, FBW, FBH);
	st = decode_all(d, &z->out, fb, NULL, &run, err, errsz);
	rfbdec_free(d);
	return st;
}

static void
test_zrle_handmade(void **state)
{
	/* Default format: CPIXEL = b, g, r. */
	static const uint8_t packed3[] = {	/* 5x3, palette of 3: 2 bits */
		3, 0x00, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0x00,
		0x18, 0x00,	/* 0 1 2 0 | 0 (+ padding) */
		0x90, 0x40,	/* 2 1 0 0 | 1 */
		0x24, 0x80,	/* 0 2 1 0 | 2 */
	};
	static const uint8_t packed5[] = {	/* 3x2, palette of 5: 4 bits */
		5, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5,
		0x01, 0x20, 0x34, 0x00,
	};
	static const uint8_t plain[] = {	/* 60x5 = 300 px, plain RLE */
		128, 0x11, 0x22, 0x33, 255, 0,	/* 256 pixels */
		0x44, 0x55, 0x66, 43,		/* 44 pixels */
	};
	static const uint8_t prle[] = {	/* 4x2, palette RLE of 2 */
		130, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
		0x80, 0,	/* colour 0, run 1 written long-hand */
		0x81, 2,	/* colour 1, run 3 */
		0x00,		/* colour 0 */
		0x81, 1,	/* colour 1, run 2 */
		0x00,		/* colour 0 */
	};
	static const uint8_t solid[] = { 1, 0x10, 0x20, 0x30 };
	struct rfb_fbmut fb;
	struct zsrv z;
	char err[256];
	unsigned i;

	(void)state;
	zsrv_init(&z);
	zsrv_rect(&z, 10, 20, 5, 3, packed3, sizeof(packed3), Z_SYNC_FLUSH,
	    0);
	zsrv_rect(&z, 0, 0, 3, 2, packed5, sizeof(packed5), Z_SYNC_FLUSH, 0);
	zsrv_rect(&z, 100, 100, 60, 5, plain, sizeof(plain), Z_SYNC_FLUSH, 0);
	zsrv_rect(&z, 200, 10, 4, 2, prle, sizeof(prle), Z_SYNC_FLUSH, 0);
	zsrv_rect(&z, 250, 150, 50, 50, solid, sizeof(solid), Z_SYNC_FLUSH,
	    0);
	if (zsrv_decode(&z, &rfb_pixfmt_default, &fb, err, sizeof(err)) !=
	    RFB_MORE)
		fail_msg("%s", err);
	{
		static const uint32_t pal3[3] = { 0xff0000, 0x00ff00,
		    0x0000ff };
		static const unsigned idx3[3][5] = {
			{ 0, 1, 2, 0, 0 }, { 2, 1, 0, 0, 1 },
			{ 0, 2, 1, 0, 2 },
		};
		unsigned x, y;

		for (y = 0; y < 3; y++)
			for (x = 0; x < 5; x++)
				assert_int_equal(fb.px[(20 + y) * FBW + 10 + x],
				    pal3[idx3[y][x]]);
		assert_int_equal(fb.px[20 * FBW + 15], SENTINEL);
	}
	/* packed5: row 0 = 0 1 2 (0x01 0x20), row 1 = 3 4 0 (0x34 0x00) */
	assert_int_equal(fb.px[0], 0x010101);
	assert_int_equal(fb.px[1], 0x020202);
	assert_int_equal(fb.px[2], 0x030303);
	assert_int_equal(fb.px[FBW + 0], 0x040404);
	assert_int_equal(fb.px[FBW + 1], 0x050505);
	assert_int_equal(fb.px[FBW + 2], 0x010101);
	/* plain RLE: 256 pixels = 4 rows of 60 + 16, the rest the other */
	for (i = 0; i < 300; i++)
		assert_int_equal(fb.px[(100 + i / 60) * FBW + 100 + i % 60],
		    i < 256 ? 0x332211 : 0x665544);
	/* palette RLE: 0 1 1 1 / 0 1 1 0 */
	{
		static const unsigned want[8] = { 0, 1, 1, 1, 0, 1, 1, 0 };
		static const uint32_t pal[2] = { 0x030201, 0x060504 };

		for (i = 0; i < 8; i++)
			assert_int_equal(fb.px[(10 + i / 4) * FBW + 200 + i % 4],
			    pal[want[i]]);
	}
	for (i = 0; i < 50 * 50; i++)
		assert_int_equal(fb.px[(150 + i / 50) * FBW + 250 + i % 50],
		    0x302010);
	free(fb.px);
	zsrv_free(&z);
}

/* One malformed case: tile bytes for a w x h ZRLE rect at 0,0. */
static void
expect_bad_tile(const char *name, uint16_t w, uint16_t h,
		const uint8_t *raw, size_t n, int flush, size_t cut,
		const char *want)
{
	struct rfb_fbmut fb;
	struct zsrv z;
	char err[256] = "";

	zsrv_init(&z);
	zsrv_rect(&z, 0, 0, w, h, raw, n, flush, cut);
	if (zsrv_decode(&z, &rfb_pixfmt_default, &fb, err, sizeof(err)) !=
	    RFB_BAD)
		fail_msg("%s: accepted", name);
	if (strstr(err, want) == NULL)
		fail_msg("%s: reason \"%s\", want \"%s\"", name, err, want);
	free(fb.px);
	zsrv_free(&z);
}

static void
test_zrle_malformed(void **state)
{
	static const uint8_t sub17[] = { 17, 0 };
	static const uint8_t sub127[] = { 127 };
	static const uint8_t sub129[] = { 129, 0 };
	/* palette of 3, 2x1 pixels: index 3 */
	static const uint8_t packed_bad[] = { 3, 1, 1, 1, 2, 2, 2, 3, 3, 3,
					      0x30 };
	static const uint8_t prle_bad[] = { 130, 1, 1, 1, 2, 2, 2, 0x02 };
	/* 4x1 tile, plain RLE run of 5 */
	static const uint8_t run_long[] = { 128, 1, 2, 3, 4 };
	/* 4x1 tile, palette RLE runs 3 then 2 */
	static const uint8_t prun_long[] = { 130, 1, 1, 1, 2, 2, 2, 0x80, 2,
					     0x81, 1 };
	/* endless 255s would run far past a 2x2 tile */
	static const uint8_t run_255[] = { 128, 1, 2, 3, 255, 255, 255, 0 };
	static const uint8_t raw_short[] = { 0, 1, 2, 3, 4, 5 };	/* 2x2 */
	static const uint8_t solid_extra[] = { 1, 1, 2, 3, 9 };
	static const uint8_t two_tiles_one[] = { 1, 1, 2, 3 };	/* 65x1 */
	static const uint8_t solid[] = { 1, 1, 2, 3 };
	uint8_t big[1 + 64 * 64 * 3];

	(void)state;
	expect_bad_tile("sub17", 4, 4, sub17, sizeof(sub17), Z_SYNC_FLUSH, 0,
	    "unused subencoding");
	expect_bad_tile("sub127", 4, 4, sub127, sizeof(sub127), Z_SYNC_FLUSH,
	    0, "unused subencoding");
	expect_bad_tile("sub129", 4, 4, sub129, sizeof(sub129), Z_SYNC_FLUSH,
	    0, "unused subencoding");
	expect_bad_tile("packed index", 2, 1, packed_bad, sizeof(packed_bad),
	    Z_SYNC_FLUSH, 0, "palette index");
	expect_bad_tile("palette RLE index", 1, 1, prle_bad, sizeof(prle_bad),
	    Z_SYNC_FLUSH, 0, "palette index");
	expect_bad_tile("plain run", 4, 1, run_long, sizeof(run_long),
	    Z_SYNC_FLUSH, 0, "run past");
	expect_bad_tile("palette run", 4, 1, prun_long, sizeof(prun_long),
	    Z_SYNC_FLUSH, 0, "run past");
	expect_bad_tile("255 run", 2, 2, run_255, sizeof(run_255),
	    Z_SYNC_FLUSH, 0, "run past");
	expect_bad_tile("raw short", 2, 2, raw_short, sizeof(raw_short),
	    Z_SYNC_FLUSH, 0, "truncated");
	expect_bad_tile("extra data", 4, 4, solid_extra, sizeof(solid_extra),
	    Z_SYNC_FLUSH, 0, "longer than its tiles");
	expect_bad_tile("missing tile", 65, 1, two_tiles_one,
	    sizeof(two_tiles_one), Z_SYNC_FLUSH, 0, "truncated");
	expect_bad_tile("stream end", 4, 4, solid, sizeof(solid), Z_FINISH, 0,
	    "stream ended");
	/* A raw tile whose compressed bytes are cut short (no flush, then
	 * 20 bytes dropped). */
	memset(big, 0, sizeof(big));
	for (size_t i = 1; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 31 + (i >> 7));
	expect_bad_tile("truncated zlib", 64, 64, big, sizeof(big),
	    Z_SYNC_FLUSH, 20, "truncated");
	/* Garbage instead of zlib. */
	{
		struct rfbdec *d = rfbdec_new(&rfb_pixfmt_default);
		static const uint8_t junk[] = { 0x12, 0x34, 0x56, 0x78, 0x9a };
		struct rfb_fbmut fb;
		struct decrun run;
		struct buf b;
		char err[256] = "";

		memset(&run, 0, sizeof(run));
		buf_init(&b, BIG);
		put_update_hdr(&b, 1);
		put_rect_hdr(&b, 0, 0, 4, 4, RFB_ENC_ZRLE);
		assert_int_equal(buf_put_u32(&b, sizeof(junk)), 0);
		assert_int_equal(buf_put_bytes(&b, junk, sizeof(junk)), 0);
		fb_alloc(&fb, FBW, FBH);
		assert_int_equal(decode_all(d, &b, &fb, NULL, &run, err,
		    sizeof(err)), RFB_BAD);
		assert_non_null(strstr(err, "zlib"));
		/* and the decoder stays failed */
		assert_int_equal(rfbdec_step(d, &b, &fb, &(struct rfbdec_event){
		    0 }, err, sizeof(err)), RFB_BAD);
		free(fb.px);
		buf_free(&b);
		rfbdec_free(d);
	}
}

/* Protocol-level malformations: each must be RFB_BAD with a reason. */
static void
expect_bad_bytes(const char *name, const uint8_t *p, size_t n,
		 const char *want)
{
	struct rfbdec *d = rfbdec_new(&rfb_pixfmt_default);
	struct rfb_fbmut fb;
	struct decrun run;
	struct buf b;
	char err[256] = "";

	memset(&run, 0, sizeof(run));
	buf_view(&b, p, n);
	fb_alloc(&fb, FBW, FBH);
	if (decode_all(d, &b, &fb, NULL, &run, err, sizeof(err)) != RFB_BAD)
		fail_msg("%s: accepted", name);
	if (strstr(err, want) == NULL)
		fail_msg("%s: reason \"%s\", want \"%s\"", name, err, want);
	free(fb.px);
	rfbdec_free(d);
}

#define UPD1	0, 0, 0, 1	/* FramebufferUpdate of one rectangle */
#define ENC(e)	(uint8_t)((uint32_t)(e) >> 24), (uint8_t)((uint32_t)(e) >> 16), \
		(uint8_t)((uint32_t)(e) >> 8), (uint8_t)(e)

static void
test_protocol_malformed(void **state)
{
	static const uint8_t raw_out[] = { UPD1, 1, 0x2c, 0, 0, 0, 1, 0, 1,
					   ENC(0) };		/* x 300 */
	static const uint8_t raw_wide[] = { UPD1, 0, 1, 0, 0, 1, 0x2c, 0, 1,
					    ENC(0) };	/* 1 + 300 */
	static const uint8_t raw_wrap[] = { UPD1, 0xff, 0xff, 0, 0, 0, 2, 0,
					    1, ENC(0) };	/* 65535 + 2 */
	static const uint8_t zrle_out[] = { UPD1, 0, 0, 0, 0xc8, 1, 0x2d, 0,
					    1, ENC(16), 0, 0, 0, 1, 0 };
	static const uint8_t zrle_huge[] = { UPD1, 0, 0, 0, 0, 0, 4, 0, 4,
					     ENC(16), 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zrle_65m[] = { UPD1, 0, 0, 0, 0, 0, 4, 0, 4,
					    ENC(16), 0x04, 0, 0, 1 };
	static const uint8_t copy_dst[] = { UPD1, 0, 0x64, 0, 0xc7, 0, 10,
					    0, 2, ENC(1), 0, 0, 0, 0 };
	static const uint8_t copy_src[] = { UPD1, 0, 0, 0, 0, 0, 10, 0, 10,
					    ENC(1), 1, 0x23, 0, 0 };
	static const uint8_t cursor_big[] = { UPD1, 0, 0, 0, 0, 1, 1, 0, 1,
					      ENC(-239) };
	static const uint8_t desk_zero[] = { UPD1, 0, 0, 0, 0, 0, 0, 0, 10,
					     ENC(-223) };
	static const uint8_t desk_big[] = { UPD1, 0, 0, 0, 0, 0x40, 1, 0, 10,
					    ENC(-223) };
	static const uint8_t unknown_enc[] = { UPD1, 0, 0, 0, 0, 0, 1, 0, 1,
					       ENC(5) };
	static const uint8_t unknown_type[] = { 9 };
	static const uint8_t colour_map[] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0,
					      0, 0 };
	static const uint8_t cut_huge[] = { 3, 0, 0, 0, 0, 0x10, 0, 1 };

	(void)state;
	expect_bad_bytes("raw outside", raw_out, sizeof(raw_out), "outside");
	expect_bad_bytes("raw wide", raw_wide, sizeof(raw_wide), "outside");
	expect_bad_bytes("raw wrap", raw_wrap, sizeof(raw_wrap), "outside");
	expect_bad_bytes("zrle outside", zrle_out, sizeof(zrle_out),
	    "outside");
	expect_bad_bytes("zrle huge length", zrle_huge, sizeof(zrle_huge),
	    "limit");
	expect_bad_bytes("zrle 64 MiB + 1", zrle_65m, sizeof(zrle_65m),
	    "limit");
	expect_bad_bytes("copyrect dst", copy_dst, sizeof(copy_dst),
	    "outside");
	expect_bad_bytes("copyrect src", copy_src, sizeof(copy_src),
	    "source");
	expect_bad_bytes("cursor 257", cursor_big, sizeof(cursor_big),
	    "limit");
	expect_bad_bytes("desktop 0", desk_zero, sizeof(desk_zero),
	    "desktop size");
	expect_bad_bytes("desktop 16385", desk_big, sizeof(desk_big),
	    "desktop size");
	expect_bad_bytes("encoding 5", unknown_enc, sizeof(unknown_enc),
	    "unsupported encoding 5");
	expect_bad_bytes("type 9", unknown_type, sizeof(unknown_type),
	    "unknown server message type 9");
	expect_bad_bytes("colour map", colour_map, sizeof(colour_map),
	    "SetColourMapEntries");
	expect_bad_bytes("cut 1 MiB + 1", cut_huge, sizeof(cut_huge),
	    "limit");
	/* The caller's mistakes: a bad format, a framebuffer narrower than
	 * its stride says. */
	{
		struct rfb_pixfmt f = fmt(24, 24, 0, 255, 255, 255, 16, 8, 0);
		struct rfbdec *d = rfbdec_new(&rfb_pixfmt_default);
		uint32_t px[4];
		struct rfb_fbmut fb = { px, 4, 1, 2 };
		struct rfbdec_event ev;
		struct buf b;
		char err[128];

		assert_null(rfbdec_new(&f));
		buf_view(&b, unknown_type, sizeof(unknown_type));
		assert_int_equal(rfbdec_step(d, &b, &fb, &ev, err,
		    sizeof(err)), RFB_BAD);
		assert_non_null(strstr(err, "stride"));
		rfbdec_free(d);
	}
}

/* --- CopyRect, cursor, desktop size, bell, cut text --------------------- */

static void
test_copyrect_overlap(void **state)
{
	static const struct { uint16_t dx, dy, sx, sy, w, h; } cases[] = {
		{ 10, 10, 5, 5, 100, 80 },	/* down-right */
		{ 5, 5, 10, 10, 100, 80 },	/* up-left */
		{ 20, 50, 0, 50, 200, 30 },	/* right, same rows */
		{ 0, 50, 20, 50, 200, 30 },	/* left, same rows */
		{ 7, 40, 7, 39, 50, 100 },	/* down one row */
		{ 7, 39, 7, 40, 50, 100 },	/* up one row */
		{ 250, 150, 0, 0, 50, 50 },	/* disjoint */
	};
	struct rfbenc *e = rfbenc_new();
	struct rfbdec *d = rfbdec_new(&rfb_pixfmt_default);
	uint32_t *ref = malloc(FBW * FBH * sizeof(uint32_t));
	uint32_t *tmp = malloc(FBW * FBH * sizeof(uint32_t));
	struct rfb_fbmut fb;
	struct decrun run;
	struct buf out;
	char err[256];
	unsigned c, i, j;
	static const int32_t encs[] = { RFB_ENC_COPYRECT, RFB_ENC_RAW };

	(void)state;
	rfbenc_set_encodings(e, encs, 2);
	assert_true(rfbenc_has_copyrect(e));
	fb_alloc(&fb, FBW, FBH);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct rfb_rect r = { cases[c].dx, cases[c].dy, cases[c].w,
		    cases[c].h };

		for (i = 0; i < FBW * FBH; i++)
			fb.px[i] = ref[i] = rnd() & 0xffffff;
		/* The reference: copy through a separate buffer. */
		for (j = 0; j < r.h; j++)
			for (i = 0; i < r.w; i++)
				tmp[j * FBW + i] = ref[(cases[c].sy + j) * FBW +
				    cases[c].sx + i];
		for (j = 0; j < r.h; j++)
			for (i = 0; i < r.w; i++)
				ref[(r.y + j) * FBW + r.x + i] =
				    tmp[j * FBW + i];
		buf_init(&out, BIG);
		assert_int_equal(rfbenc_begin(e, &out), 0);
		assert_int_equal(rfbenc_copyrect(e, &out, &r, cases[c].sx,
		    cases[c].sy), 0);
		assert_int_equal(rfbenc_end(e, &out), 0);
		memset(&run, 0, sizeof(run));
		assert_int_equal(decode_all(d, &out, &fb, NULL, &run, err,
		    sizeof(err)), RFB_MORE);
		assert_int_equal(run.rects, 1);
		assert_int_equal(run.ends, 1);
		assert_memory_equal(fb.px, ref, FBW * FBH * sizeof(uint32_t));
		buf_free(&out);
	}
	free(fb.px);
	free(ref);
	free(tmp);
	rfbenc_free(e);
	rfbdec_free(d);
}

static void
test_cursor(void **state)
{
	static const int32_t encs[] = { RFB_ENC_ZRLE, RFB_ENC_CURSOR };
	const uint16_t w = 19, h = 23;
	uint32_t argb[19 * 23];
	struct rfb_fbmut fb;
	struct decrun *run = calloc(1, sizeof(*run));
	struct buf out;
	char err[256];
	unsigned fi, i;

	(void)state;
	assert_non_null(run);
	for (i = 0; i < (unsigned)w * h; i++) {
		uint32_t a = (i % 5 == 0) ? 0 : (i % 5 == 1) ? 127 :
		    (i % 5 == 2) ? 128 : 255;
		uint32_t c = rnd() & 0xff;

		/* premultiplied: channels <= alpha */
		argb[i] = a << 24 | (c * a / 255) << 16 |
		    ((255 - c) * a / 255) << 8 | (a / 2);
	}
	for (fi = 0; fi < nfmts; fi++) {
		struct rfbenc *e = rfbenc_new();
		struct rfbdec *d = rfbdec_new(&fmts[fi].f);

		rfbenc_set_pixfmt(e, &fmts[fi].f);
		rfbenc_set_encodings(e, encs, 2);
		assert_true(rfbenc_has_cursor(e));
		buf_init(&out, BIG);
		assert_int_equal(rfbenc_begin(e, &out), 0);
		assert_int_equal(rfbenc_cursor(e, &out, 3, 22, w, h, argb), 0);
		assert_int_equal(rfbenc_cursor(e, &out, 0, 0, 0, 0, NULL), 0);
		assert_int_equal(rfbenc_cursor(e, &out, 0, 0, 257, 1, argb),
		    BUF_ERR_LIMIT);
		assert_int_equal(rfbenc_end(e, &out), 0);
		/* Check the first cursor, then the empty one. */
		memset(run, 0, sizeof(*run));
		fb_alloc(&fb, FBW, FBH);
		{
			struct rfbdec_event ev;

			assert_int_equal(rfbdec_step(d, &out, &fb, &ev, err,
			    sizeof(err)), RFB_OK);	/* update header */
			assert_int_equal(rfbdec_step(d, &out, &fb, &ev, err,
			    sizeof(err)), RFB_OK);
			assert_int_equal(ev.type, RFBDEC_CURSOR);
			assert_int_equal(ev.w, w);
			assert_int_equal(ev.h, h);
			assert_int_equal(ev.hot_x, 3);
			assert_int_equal(ev.hot_y, 22);
			for (i = 0; i < (unsigned)w * h; i++) {
				uint32_t a = argb[i] >> 24, want = 0;

				if (a >= 128) {
					uint32_t rgb = 0;

					for (int s = 0; s <= 16; s += 8) {
						uint32_t ch = ((argb[i] >> s) &
						    0xff) * 255;
						ch = (ch + a / 2) / a;
						rgb |= (ch > 255 ? 255 : ch) << s;
					}
					want = 0xff000000u |
					    expect_px(&fmts[fi].f, rgb);
				}
				if (ev.cursor_argb[i] != want)
					fail_msg("%s: cursor pixel %u is %08x, "
					    "want %08x", fmts[fi].name, i,
					    ev.cursor_argb[i], want);
			}
		}
		assert_int_equal(decode_all(d, &out, &fb, NULL, run, err,
		    sizeof(err)), RFB_MORE);
		assert_int_equal(run->cursors, 1);
		assert_int_equal(run->last_cursor.w, 0);
		assert_int_equal(run->ends, 1);
		for (i = 0; i < FBW * FBH; i++)
			assert_int_equal(fb.px[i], SENTINEL);
		free(fb.px);
		buf_free(&out);
		rfbenc_free(e);
		rfbdec_free(d);
	}
	free(run);
}

static void
test_desktop_size(void **state)
{
	static const int32_t encs[] = { RFB_ENC_DESKTOP_SIZE, RFB_ENC_ZRLE };
	uint32_t *src = malloc(400 * 250 * sizeof(uint32_t));
	struct rfb_fb in = { src, 400, 250, 400 };
	struct rfb_rect r = { 350, 200, 50, 50 };
	struct rfbenc *e = rfbenc_new();
	struct rfbdec *d = rfbdec_new(&rfb_pixfmt_default);
	struct rfb_fbmut fb, big;
	struct decrun run;
	struct buf out;
	char err[256];

	(void)state;
	paint(src, 400, 250, SC_NOISE);
	rfbenc_set_encodings(e, encs, 2);
	assert_true(rfbenc_has_desktop_size(e));
	assert_int_equal(rfbenc_encoding(e), RFB_ENC_ZRLE);
	buf_init(&out, BIG);
	assert_int_equal(rfbenc_begin(e, &out), 0);
	assert_int_equal(rfbenc_desktop_size(e, &out, 400, 250), 0);
	assert_int_equal(rfbenc_rect(e, &out, &in, &r), 0);
	assert_int_equal(rfbenc_end(e, &out), 0);
	uint32_t *small = fb_alloc(&fb, FBW, FBH);
	fb_alloc(&big, 400, 250);
	memset(&run, 0, sizeof(run));
	/* Without the switch the rect would be outside the old 300x200. */
	assert_int_equal(decode_all(d, &out, &fb, &big, &run, err,
	    sizeof(err)), RFB_MORE);
	assert_int_equal(run.resizes, 1);
	assert_int_equal(run.resize_w, 400);
	assert_int_equal(run.resize_h, 250);
	assert_int_equal(run.rects, 1);
	assert_int_equal(run.ends, 1);
	assert_ptr_equal(fb.px, big.px);
	for (unsigned j = 0; j < 50; j++)
		for (unsigned i = 0; i < 50; i++)
			assert_int_equal(big.px[(200 + j) * 400 + 350 + i],
			    src[(200 + j) * 400 + 350 + i] & 0xffffff);
	free(big.px);
	free(small);
	free(src);
	buf_free(&out);
	rfbenc_free(e);
	rfbdec_free(d);
}

static void
test_bell_cut_text_empty_update(void **state)
{
	struct rfbdec *d = rfbdec_new(&rfb_pixfmt_default);
	struct rfbenc *e = rfbenc_new();
	static const char text[] = "caf\xe9 au lait";
	struct rfb_fbmut fb;
	struct decrun run;
	struct buf out;
	char err[256];
	char *huge = calloc(1, RFB_MAX_CUT_TEXT + 1);

	(void)state;
	buf_init(&out, 4 * RFB_MAX_CUT_TEXT);
	assert_int_equal(rfbenc_cut_text(&out, text, sizeof(text) - 1), 0);
	assert_int_equal(buf_put_u8(&out, RFB_BELL), 0);
	assert_int_equal(rfbenc_begin(e, &out), 0);
	assert_int_equal(rfbenc_end(e, &out), 0);	/* empty update */
	assert_int_equal(rfbenc_cut_text(&out, huge, RFB_MAX_CUT_TEXT + 1),
	    BUF_ERR_LIMIT);
	fb_alloc(&fb, FBW, FBH);
	memset(&run, 0, sizeof(run));
	assert_int_equal(decode_all(d, &out, &fb, NULL, &run, err,
	    sizeof(err)), RFB_MORE);
	assert_int_equal(buf_avail(&out), 0);
	assert_int_equal(run.cuts, 1);
	assert_int_equal(run.cut_len, sizeof(text) - 1);
	assert_memory_equal(run.cut, text, sizeof(text) - 1);
	assert_int_equal(run.bells, 1);
	assert_int_equal(run.ends, 1);
	free(huge);
	free(fb.px);
	buf_free(&out);
	rfbenc_free(e);
	rfbdec_free(d);
}

/* --- partial input ------------------------------------------------- */

/* A real update with every kind of rectangle, fed one byte at a time:
 * before a step completes nothing is consumed, and the result is the
 * same as with everything at once. */
static void
test_bytewise(void **state)
{
	static const int32_t encs[] = { RFB_ENC_ZRLE, RFB_ENC_COPYRECT,
					RFB_ENC_CURSOR, RFB_ENC_DESKTOP_SIZE };
	static const int32_t raw = RFB_ENC_RAW;
	uint32_t *src = malloc(FBW * FBH * sizeof(uint32_t));
	uint32_t argb[16 * 16];
	struct rfb_fb in = { src, FBW, FBH, FBW };
	struct rfb_rect r1 = { 10, 10, 100, 70 }, r2 = { 150, 90, 130, 100 };
	struct rfb_rect r3 = { 0, 100, 40, 40 };
	struct rfbenc *e = rfbenc_new();
	struct rfbdec *d1 = rfbdec_new(&fmts[9].f);
	struct rfbdec *d2 = rfbdec_new(&fmts[9].f);
	struct rfb_fbmut fa, fbb;
	struct rfbdec_event ev;
	struct decrun run;
	struct buf out, trickle;
	char err[256];
	size_t i, fed = 0;
	enum rfb_status st;
	unsigned events = 0, ends = 0;

	(void)state;
	paint(src, FBW, FBH, SC_TEXT);
	for (i = 0; i < 16 * 16; i++)
		argb[i] = i % 3 ? 0xff000000u | (uint32_t)i : 0;
	rfbenc_set_pixfmt(e, &fmts[9].f);
	rfbenc_set_encodings(e, encs, 4);
	buf_init(&out, BIG);
	assert_int_equal(rfbenc_begin(e, &out), 0);
	assert_int_equal(rfbenc_rect(e, &out, &in, &r1), 0);
	assert_int_equal(rfbenc_cursor(e, &out, 1, 2, 16, 16, argb), 0);
	assert_int_equal(rfbenc_copyrect(e, &out, &r2, 5, 5), 0);
	rfbenc_set_encodings(e, &raw, 1);
	assert_int_equal(rfbenc_rect(e, &out, &in, &r3), 0);
	assert_int_equal(rfbenc_end(e, &out), 0);
	assert_int_equal(buf_put_u8(&out, RFB_BELL), 0);
	/* All at once. */
	fb_alloc(&fa, FBW, FBH);
	memset(&run, 0, sizeof(run));
	{
		struct buf whole;

		buf_view(&whole, buf_ptr(&out), buf_avail(&out));
		assert_int_equal(decode_all(d1, &whole, &fa, NULL, &run, err,
		    sizeof(err)), RFB_MORE);
		assert_int_equal(buf_avail(&whole), 0);
	}
	assert_int_equal(run.ends, 1);
	assert_int_equal(run.bells, 1);
	/* Byte by byte. */
	fb_alloc(&fbb, FBW, FBH);
	buf_init(&trickle, BIG);
	while (fed < buf_avail(&out)) {
		size_t before;

		assert_int_equal(buf_put_u8(&trickle, buf_ptr(&out)[fed++]),
		    0);
		for (;;) {
			before = buf_avail(&trickle);
			st = rfbdec_step(d2, &trickle, &fbb, &ev, err,
			    sizeof(err));
			if (st == RFB_MORE) {
				assert_int_equal(buf_avail(&trickle), before);
				break;
			}
			assert_int_equal(st, RFB_OK);
			events++;
			if (ev.type == RFBDEC_UPDATE_END)
				ends++;
		}
	}
	assert_int_equal(buf_avail(&trickle), 0);
	assert_int_equal(ends, 1);
	assert_true(events > 5);
	assert_memory_equal(fa.px, fbb.px, FBW * FBH * sizeof(uint32_t));
	free(fa.px);
	free(fbb.px);
	free(src);
	buf_free(&out);
	buf_free(&trickle);
	rfbenc_free(e);
	rfbdec_free(d1);
	rfbdec_free(d2);
}

/* --- encoder edges --------------------------------------------------- */

static void
test_encoder_edges(void **state)
{
	static const int32_t first_raw[] = { RFB_ENC_CURSOR, RFB_ENC_RAW,
					     RFB_ENC_ZRLE };
	static const int32_t first_zrle[] = { 7, RFB_ENC_ZRLE, RFB_ENC_RAW };
	static const int32_t zrle = RFB_ENC_ZRLE;
	uint32_t *src = malloc(FBW * FBH * sizeof(uint32_t));
	struct rfb_fb in = { src, FBW, FBH, FBW };
	struct rfb_rect all = { 0, 0, FBW, FBH }, out_of = { 1, 0, FBW, 1 };
	struct rfb_rect empty = { 5, 5, 0, 7 };
	struct rfbenc *e = rfbenc_new();
	struct buf small, out;
	unsigned k;

	(void)state;
	paint(src, FBW, FBH, SC_NOISE);
	assert_int_equal(rfbenc_encoding(e), RFB_ENC_RAW);
	rfbenc_set_encodings(e, first_raw, 3);
	assert_int_equal(rfbenc_encoding(e), RFB_ENC_RAW);
	assert_true(rfbenc_has_cursor(e));
	assert_false(rfbenc_has_copyrect(e));
	rfbenc_set_encodings(e, first_zrle, 3);
	assert_int_equal(rfbenc_encoding(e), RFB_ENC_ZRLE);
	assert_false(rfbenc_has_cursor(e));
	rfbenc_set_encodings(e, NULL, 0);
	assert_int_equal(rfbenc_encoding(e), RFB_ENC_RAW);
	assert_false(rfbenc_has_desktop_size(e));

	/* Outside the screen, outside an update, empty. */
	buf_init(&out, BIG);
	assert_int_not_equal(rfbenc_rect(e, &out, &in, &all), 0);
	assert_int_equal(rfbenc_begin(e, &out), 0);
	assert_int_equal(rfbenc_rect(e, &out, &in, &out_of), BUF_ERR_LIMIT);
	assert_int_equal(rfbenc_rect(e, &out, &in, &empty), 0);
	assert_int_equal(buf_avail(&out), 4);

	/* rfbenc_full: room is kept for the bands of one more call. */
	for (k = 0; k < 65535 - RFBENC_MAX_RECTS_PER_CALL; k++) {
		assert_false(rfbenc_full(e));
		assert_int_equal(rfbenc_desktop_size(e, &out, 10, 10), 0);
	}
	assert_false(rfbenc_full(e));
	assert_int_equal(rfbenc_desktop_size(e, &out, 10, 10), 0);
	assert_true(rfbenc_full(e));
	assert_int_equal(rfbenc_end(e, &out), 0);
	assert_int_equal(buf_ptr(&out)[2] << 8 | buf_ptr(&out)[3],
	    65535 - RFBENC_MAX_RECTS_PER_CALL + 1);
	buf_free(&out);

	/* Output limit: Raw leaves out as it was; ZRLE too, but then its
	 * stream is lost for good. */
	buf_init(&small, 1000);
	assert_int_equal(buf_put_u8(&small, 0xaa), 0);
	assert_int_equal(rfbenc_begin(e, &small), 0);
	assert_int_equal(rfbenc_rect(e, &small, &in, &all), BUF_ERR_LIMIT);
	assert_int_equal(buf_avail(&small), 5);
	rfbenc_set_encodings(e, &zrle, 1);
	assert_int_equal(rfbenc_rect(e, &small, &in, &all), BUF_ERR_LIMIT);
	assert_int_equal(buf_avail(&small), 5);
	assert_int_equal(rfbenc_end(e, &small), 0);
	assert_int_equal(buf_ptr(&small)[3] << 8 | buf_ptr(&small)[4], 0);
	buf_free(&small);
	buf_init(&out, BIG);
	assert_int_equal(rfbenc_begin(e, &out), 0);
	assert_int_not_equal(rfbenc_rect(e, &out, &in, &all), 0);
	buf_free(&out);
	assert_int_equal(rfbenc_set_zlib_level(e, 3), 0);
	rfbenc_free(e);

	e = rfbenc_new();
	assert_int_equal(rfbenc_set_zlib_level(e, 10), -1);
	assert_int_equal(rfbenc_set_zlib_level(e, 9), 0);
	rfbenc_free(e);
	rfbenc_free(NULL);
	rfbdec_free(NULL);
	free(src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pixel_rule),
		cmocka_unit_test(test_pixel_wire),
		cmocka_unit_test(test_roundtrip_formats),
		cmocka_unit_test(test_zrle_subencodings),
		cmocka_unit_test(test_zrle_bands),
		cmocka_unit_test(test_zrle_handmade),
		cmocka_unit_test(test_zrle_malformed),
		cmocka_unit_test(test_protocol_malformed),
		cmocka_unit_test(test_copyrect_overlap),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_desktop_size),
		cmocka_unit_test(test_bell_cut_text_empty_update),
		cmocka_unit_test(test_bytewise),
		cmocka_unit_test(test_encoder_edges),
	};

	return cmocka_run_group_tests(tests, setup_fmts, NULL);
}
