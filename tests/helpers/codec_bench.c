/*
 * codec_bench: speed and output size of the RFB encoder (common/
 * rfbenc.c) on 1920x1080 scenes, Raw and ZRLE at each zlib level, plus
 * the viewer's decoder (common/rfbdec.c) on the ZRLE output.
 *   usage: codec_bench [FRAMES [SCENE LEVEL]]   (default 10 per case)
 * With SCENE and LEVEL, only that full-screen ZRLE case (for profiling).
 * Scenes: "desktop" (windows, title bars, anti-aliased text in a
 * terminal and a document), "photo" (smooth colour field with grain),
 * "noise" (random pixels: the worst case), "solid". Each frame is a
 * full-screen update through one encoder (so the ZRLE stream carries
 * over, as in a session). Prints per case: bytes per frame, ms per frame
 * (the median, so a busy machine disturbs it less) and MB/s of screen
 * pixels (1920 * 1080 * 4 bytes per frame); the decoder's line is the
 * mean over all frames.
 * Then two incremental workloads on the desktop: "typing" (one 8x16
 * character cell per update) and "scroll" (the 900x700 terminal moved up
 * a line and repainted, no CopyRect): bytes and microseconds per update.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/rfbdec.h"
#include "common/rfbenc.h"

#define BW	1920
#define BH	1080

static uint32_t bench_rng = 7;

static uint32_t
bench_rnd(void)
{
	bench_rng ^= bench_rng << 13;
	bench_rng ^= bench_rng >> 17;
	bench_rng ^= bench_rng << 5;
	return bench_rng;
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The median of n times (sorted in place): robust to a busy machine. */
static double
median(double *t, unsigned n)
{
	unsigned i, j;
	double v;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && t[j - 1] > t[j]; j--) {
			v = t[j];
			t[j] = t[j - 1];
			t[j - 1] = v;
		}
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static void
fill(uint32_t *px, unsigned x, unsigned y, unsigned w, unsigned h,
     uint32_t c)
{
	unsigned i, j;

	for (j = y; j < y + h && j < BH; j++)
		for (i = x; i < x + w && i < BW; i++)
			px[j * BW + i] = c;
}

static uint32_t
mix(uint32_t a, uint32_t b, unsigned t)	/* t of 255 towards b */
{
	uint32_t r = 0;
	int s;

	for (s = 0; s <= 16; s += 8)
		r |= ((((a >> s) & 255) * (255 - t) + ((b >> s) & 255) * t) /
		    255) << s;
	return r;
}

/* 96 pseudo-glyphs of 8x16 with grey (anti-aliased) edges. */
static uint8_t glyph[96][16][8];

static void
make_glyphs(void)
{
	unsigned g, x, y;

	for (g = 0; g < 96; g++) {
		uint32_t strokes = bench_rnd();

		for (y = 0; y < 16; y++)
			for (x = 0; x < 8; x++) {
				unsigned on = 0;

				if (y >= 3 && y < 13 && x >= 1 && x < 7) {
					if ((strokes & 1) && x == 1) on = 255;
					if ((strokes & 2) && x == 6) on = 255;
					if ((strokes & 4) && y == 3) on = 255;
					if ((strokes & 8) && y == 8) on = 255;
					if ((strokes & 16) && y == 12) on = 255;
					if ((strokes & 32) && x == y - 4)
						on = 200;
					if (!on && (strokes & 64) &&
					    (x == 2 || x == 5) && y > 4)
						on = 96;
				}
				glyph[g][y][x] = (uint8_t)on;
			}
	}
}

static void
text(uint32_t *px, unsigned x, unsigned y, unsigned cols, unsigned rows,
     uint32_t fg, uint32_t bg)
{
	unsigned r, c, i, j;

	for (r = 0; r < rows; r++) {
		unsigned len = cols < 3 ? cols : cols / 3 +
		    bench_rnd() % (cols * 2 / 3);

		for (c = 0; c < len; c++) {
			unsigned g = bench_rnd() % 96;

			if (cols > 1 && bench_rnd() % 6 == 0)
				continue;	/* a space */
			for (j = 0; j < 16; j++)
				for (i = 0; i < 8; i++)
					if (glyph[g][j][i] &&
					    y + r * 16 + j < BH &&
					    x + c * 8 + i < BW)
						px[(y + r * 16 + j) * BW + x +
						    c * 8 + i] = mix(bg, fg,
						    glyph[g][j][i]);
		}
	}
}

static void
window(uint32_t *px, unsigned x, unsigned y, unsigned w, unsigned h,
       uint32_t bg, uint32_t fg)
{
	unsigned i;

	fill(px, x - 1, y - 1, w + 2, h + 32, 0x555753);	/* border */
	for (i = 0; i < 30; i++)	/* title bar gradient */
		fill(px, x, y + i, w, 1, mix(0x3465a4, 0x204a87, i * 8));
	text(px, x + 10, y + 7, 30, 1, 0xffffff, 0x3465a4);
	fill(px, x + w - 26, y + 5, 20, 20, 0xcc0000);	/* close button */
	fill(px, x, y + 30, w, h, bg);
	text(px, x + 6, y + 36, (w - 12) / 8, (h - 12) / 16, fg, bg);
}

static void
scene_desktop(uint32_t *px)
{
	unsigned i, j;

	for (j = 0; j < BH; j++)	/* wallpaper: a vertical gradient */
		for (i = 0; i < BW; i++)
			px[j * BW + i] = mix(0x2e3436, 0x5c3566, j * 255 / BH);
	fill(px, 0, 0, BW, 28, 0xeeeeec);	/* top panel */
	text(px, 8, 6, 60, 1, 0x2e3436, 0xeeeeec);
	window(px, 60, 80, 900, 700, 0x300a24, 0xd3d7cf);	/* terminal */
	window(px, 1000, 120, 860, 880, 0xffffff, 0x000000);	/* document */
	for (i = 0; i < 6; i++)	/* icons */
		fill(px, 20 + i * 60, 1000, 48, 48, 0x73d216 + i * 0x101010);
}

/* A smooth colour field (bilinear between random colours on a coarse
 * grid) with film grain: what photos and video frames look like to a
 * lossless codec. */
static void
scene_photo(uint32_t *px)
{
	enum { GX = 17, GY = 10, CW = BW / (GX - 1), CH = BH / (GY - 1) };
	uint32_t grid[GY + 1][GX + 1];
	unsigned i, j, s;

	for (j = 0; j <= GY; j++)
		for (i = 0; i <= GX; i++)
			grid[j][i] = bench_rnd() & 0xffffff;
	for (j = 0; j < BH; j++)
		for (i = 0; i < BW; i++) {
			unsigned gx = i / CW, gy = j / CH;
			unsigned fx = (i % CW) * 255 / CW, fy = (j % CH) * 255 /
			    CH;
			uint32_t top = mix(grid[gy][gx], grid[gy][gx + 1], fx);
			uint32_t bot = mix(grid[gy + 1][gx],
			    grid[gy + 1][gx + 1], fx);
			uint32_t c = mix(top, bot, fy), out = 0;
			int n = (int)(bench_rnd() % 13) - 6;	/* grain */

			for (s = 0; s <= 16; s += 8) {
				int v = (int)((c >> s) & 255) + n;

				v = v < 0 ? 0 : v > 255 ? 255 : v;
				out |= (uint32_t)v << s;
			}
			px[j * BW + i] = out;
		}
}

static void
scene_noise(uint32_t *px)
{
	size_t i;

	for (i = 0; i < (size_t)BW * BH; i++)
		px[i] = bench_rnd() & 0xffffff;
}

static void
scene_solid(uint32_t *px)
{
	fill(px, 0, 0, BW, BH, 0x3c3c3c);
}

/* Encodes frames full-screen updates; returns ms per frame. */
static double
run_enc(const uint32_t *px, const struct rfb_pixfmt *f, int32_t enc,
	int level, unsigned frames, size_t *bytes, struct buf *keep)
{
	struct rfb_fb fb = { px, BW, BH, BW };
	struct rfb_rect r = { 0, 0, BW, BH };
	struct rfbenc *e = rfbenc_new();
	double *t = calloc(frames, sizeof(double)), t0, ms;
	struct buf out;
	unsigned k;

	if (e == NULL || t == NULL)
		exit(1);
	rfbenc_set_pixfmt(e, f);
	rfbenc_set_encodings(e, &enc, 1);
	if (level >= 0)
		rfbenc_set_zlib_level(e, level);
	buf_init(&out, 64u << 20);
	*bytes = 0;
	for (k = 0; k < frames; k++) {
		buf_reset(&out);
		t0 = bench_now();
		if (rfbenc_begin(e, &out) != 0 ||
		    rfbenc_rect(e, &out, &fb, &r) != 0 ||
		    rfbenc_end(e, &out) != 0) {
			fprintf(stderr, "codec_bench: encoding failed\n");
			exit(1);
		}
		t[k] = bench_now() - t0;
		*bytes += buf_avail(&out);
		if (keep != NULL)
			(void)buf_put_bytes(keep, buf_ptr(&out),
			    buf_avail(&out));
	}
	ms = median(t, frames) * 1000;
	*bytes /= frames;
	free(t);
	buf_free(&out);
	rfbenc_free(e);
	return ms;
}

/* Decodes what run_enc kept; returns ms per frame. */
static double
run_dec(struct buf *in, const struct rfb_pixfmt *f, unsigned frames)
{
	struct rfbdec *d = rfbdec_new(f);
	uint32_t *px = malloc((size_t)BW * BH * sizeof(uint32_t));
	struct rfb_fbmut fb = { px, BW, BH, BW };
	struct rfbdec_event ev;
	char err[256];
	double t0;
	enum rfb_status st;

	if (d == NULL || px == NULL)
		exit(1);
	t0 = bench_now();
	while ((st = rfbdec_step(d, in, &fb, &ev, err, sizeof(err))) ==
	    RFB_OK)
		;
	if (st == RFB_BAD) {
		fprintf(stderr, "codec_bench: decoding failed: %s\n", err);
		exit(1);
	}
	t0 = bench_now() - t0;
	free(px);
	rfbdec_free(d);
	return t0 * 1000 / frames;
}

/* The terminal of scene_desktop: text area origin and size. */
#define TERM_X	66
#define TERM_Y	116
#define TERM_W	888
#define TERM_H	688

/* Update k of "typing": a glyph typed at the next character cell. */
static struct rfb_rect
step_typing(uint32_t *px, unsigned k)
{
	unsigned cols = TERM_W / 8, rows = TERM_H / 16;
	struct rfb_rect r = { (uint16_t)(TERM_X + k % cols * 8),
	    (uint16_t)(TERM_Y + k / cols % rows * 16), 8, 16 };

	fill(px, r.x, r.y, 8, 16, 0x300a24);
	text(px, r.x, r.y, 1, 1, 0xd3d7cf, 0x300a24);
	return r;
}

/* Update k of "scroll": the terminal up a line, a new line below. */
static struct rfb_rect
step_scroll(uint32_t *px, unsigned k)
{
	struct rfb_rect r = { TERM_X, TERM_Y, TERM_W, TERM_H };
	unsigned j;

	(void)k;
	for (j = 0; j < TERM_H - 16; j++)
		memmove(px + (TERM_Y + j) * BW + TERM_X,
		    px + (TERM_Y + j + 16) * BW + TERM_X, TERM_W * 4);
	fill(px, TERM_X, TERM_Y + TERM_H - 16, TERM_W, 16, 0x300a24);
	text(px, TERM_X, TERM_Y + TERM_H - 16, TERM_W / 8, 1, 0xd3d7cf,
	    0x300a24);
	return r;
}

/* n incremental ZRLE updates of what step changes; returns the median
 * microseconds per update (encoding only). */
static double
run_updates(uint32_t *px, int level, unsigned n,
	    struct rfb_rect (*step)(uint32_t *, unsigned), size_t *bytes)
{
	const int32_t enc = RFB_ENC_ZRLE;
	struct rfb_fb fb = { px, BW, BH, BW };
	struct rfbenc *e = rfbenc_new();
	double *t = calloc(n, sizeof(double)), t0, us;
	struct rfb_rect r;
	struct buf out;
	unsigned k;

	if (e == NULL || t == NULL)
		exit(1);
	rfbenc_set_encodings(e, &enc, 1);
	rfbenc_set_zlib_level(e, level);
	buf_init(&out, 16u << 20);
	*bytes = 0;
	for (k = 0; k < n; k++) {
		r = step(px, k);
		buf_reset(&out);
		t0 = bench_now();
		if (rfbenc_begin(e, &out) != 0 ||
		    rfbenc_rect(e, &out, &fb, &r) != 0 ||
		    rfbenc_end(e, &out) != 0)
			exit(1);
		t[k] = bench_now() - t0;
		*bytes += buf_avail(&out);
	}
	us = median(t, n) * 1e6;
	*bytes /= n;
	free(t);
	buf_free(&out);
	rfbenc_free(e);
	return us;
}

static void
report(const char *scene, const char *what, size_t bytes, double ms)
{
	double mb = (double)BW * BH * 4 / 1e6;

	printf("%-8s %-14s %10zu bytes/frame %8.2f ms/frame %8.1f MB/s\n",
	    scene, what, bytes, ms, ms > 0 ? mb / (ms / 1000) : 0);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*paint)(uint32_t *);
	} scenes[] = {
		{ "desktop", scene_desktop }, { "photo", scene_photo },
		{ "noise", scene_noise }, { "solid", scene_solid },
	};
	static const int levels[] = { 0, 1, 2, 3, 4, 5, 6, 9 };
	const struct rfb_pixfmt f565 = { 16, 16, 0, 1, 31, 63, 31, 11, 5, 0 };
	unsigned frames = argc > 1 ? (unsigned)atoi(argv[1]) : 10;
	uint32_t *px = malloc((size_t)BW * BH * sizeof(uint32_t));
	char what[32];
	size_t bytes;
	unsigned s, l;
	double ms;

	if (px == NULL || frames == 0) {
		fprintf(stderr, "usage: codec_bench [FRAMES [SCENE LEVEL]]\n");
		return 2;
	}
	make_glyphs();
	if (argc > 3) {		/* one case, for a profiler */
		for (s = 0; s < sizeof(scenes) / sizeof(scenes[0]); s++) {
			if (strcmp(argv[2], scenes[s].name) != 0)
				continue;
			scenes[s].paint(px);
			ms = run_enc(px, &rfb_pixfmt_default, RFB_ENC_ZRLE,
			    atoi(argv[3]), frames, &bytes, NULL);
			report(scenes[s].name, argv[3], bytes, ms);
		}
		free(px);
		return 0;
	}
	printf("# %ux%u, %u frames per case, default pixel format unless "
	    "named\n", BW, BH, frames);
	for (s = 0; s < sizeof(scenes) / sizeof(scenes[0]); s++) {
		struct buf keep;

		scenes[s].paint(px);
		ms = run_enc(px, &rfb_pixfmt_default, RFB_ENC_RAW, -1, frames,
		    &bytes, NULL);
		report(scenes[s].name, "raw", bytes, ms);
		for (l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
			snprintf(what, sizeof(what), "zrle-%d", levels[l]);
			ms = run_enc(px, &rfb_pixfmt_default, RFB_ENC_ZRLE,
			    levels[l], frames, &bytes, NULL);
			report(scenes[s].name, what, bytes, ms);
		}
		snprintf(what, sizeof(what), "zrle-%d-565", RFBENC_ZLEVEL);
		ms = run_enc(px, &f565, RFB_ENC_ZRLE, RFBENC_ZLEVEL, frames,
		    &bytes, NULL);
		report(scenes[s].name, what, bytes, ms);
		buf_init(&keep, (size_t)frames * 8 * BW * BH);
		snprintf(what, sizeof(what), "zrle-%d", RFBENC_ZLEVEL);
		(void)run_enc(px, &rfb_pixfmt_default, RFB_ENC_ZRLE,
		    RFBENC_ZLEVEL, frames, &bytes, &keep);
		ms = run_dec(&keep, &rfb_pixfmt_default, frames);
		snprintf(what, sizeof(what), "decode-zrle-%d", RFBENC_ZLEVEL);
		report(scenes[s].name, what, bytes, ms);
		buf_free(&keep);
	}
	for (l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		scene_desktop(px);
		ms = run_updates(px, levels[l], 200 * frames, step_typing,
		    &bytes);
		printf("%-8s zrle-%-9d %10zu bytes/update %7.1f us/update\n",
		    "typing", levels[l], bytes, ms);
	}
	for (l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		scene_desktop(px);
		ms = run_updates(px, levels[l], 6 * frames, step_scroll,
		    &bytes);
		printf("%-8s zrle-%-9d %10zu bytes/update %7.1f us/update\n",
		    "scroll", levels[l], bytes, ms);
	}
	free(px);
	return 0;
}
