/* Fuzz target: the viewer's decoder of what assistd sends (rfbdec.c):
 * arbitrary server bytes into a small framebuffer. Input: byte 0 picks
 * the pixel format, byte 1 the piece size of the second pass, the rest
 * is the server's stream. It is decoded whole, then again arriving in
 * pieces: both must end the same way with the same pixels, RFB_MORE must
 * consume nothing, and every reported rectangle lies inside the
 * framebuffer (ASan checks every write). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/rfbdec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_W		96
#define FUZZ_H		80
#define FUZZ_MAX_PX	(1024u * 1024)	/* resizes beyond: stop */
#define FUZZ_MAX_STEPS	100000

static const struct rfb_pixfmt fuzz_fmts[] = {
	{ 32, 24, 0, 1, 255, 255, 255, 16, 8, 0 },	/* default */
	{ 16, 16, 1, 1, 31, 63, 31, 11, 5, 0 },		/* 565 BE */
	{ 8, 8, 0, 1, 7, 7, 3, 0, 3, 6 },		/* BGR233 */
	{ 32, 24, 1, 1, 255, 255, 255, 24, 16, 8 },	/* high 3 bytes */
	{ 32, 30, 0, 1, 1023, 1023, 1023, 20, 10, 0 },	/* 4-byte CPIXEL */
};

struct fuzz_run {
	struct rfb_fbmut fb;
	enum rfb_status st;
	int stopped;		/* resize too large */
};

static int
fuzz_fb(struct fuzz_run *r, unsigned w, unsigned h)
{
	free(r->fb.px);
	r->fb.px = calloc((size_t)w * h + 1, sizeof(uint32_t));
	if (r->fb.px == NULL)
		abort();
	r->fb.width = (uint16_t)w;
	r->fb.height = (uint16_t)h;
	r->fb.stride = w;
	return 0;
}

/* Steps over in until RFB_MORE, RFB_BAD or a resize too large. */
static void
fuzz_steps(struct rfbdec *d, struct buf *in, struct fuzz_run *r)
{
	struct rfbdec_event ev;
	char err[256];
	size_t before;
	unsigned n;

	for (n = 0; n < FUZZ_MAX_STEPS; n++) {
		before = buf_avail(in);
		r->st = rfbdec_step(d, in, &r->fb, &ev, err, sizeof(err));
		if (r->st == RFB_MORE && buf_avail(in) != before)
			abort();	/* MORE consumed something */
		if (r->st != RFB_OK)
			return;
		if (ev.type == RFBDEC_RECT &&
		    ((unsigned)ev.x + ev.w > r->fb.width ||
		    (unsigned)ev.y + ev.h > r->fb.height))
			abort();
		if (ev.type == RFBDEC_RESIZE) {
			if ((size_t)ev.w * ev.h > FUZZ_MAX_PX) {
				r->stopped = 1;
				return;
			}
			fuzz_fb(r, ev.w, ev.h);
		}
	}
	abort();	/* no progress */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct rfb_pixfmt *f;
	struct fuzz_run whole, parts;
	struct rfbdec *d;
	struct buf in;
	size_t piece, off;

	if (size < 2)
		return 0;
	f = &fuzz_fmts[data[0] % (sizeof(fuzz_fmts) / sizeof(fuzz_fmts[0]))];
	piece = 1 + data[1] % 64;
	data += 2;
	size -= 2;

	memset(&whole, 0, sizeof(whole));
	fuzz_fb(&whole, FUZZ_W, FUZZ_H);
	if ((d = rfbdec_new(f)) == NULL)
		abort();
	buf_view(&in, data, size);
	fuzz_steps(d, &in, &whole);
	rfbdec_free(d);

	memset(&parts, 0, sizeof(parts));
	parts.st = RFB_MORE;	/* what nothing to read gives */
	fuzz_fb(&parts, FUZZ_W, FUZZ_H);
	if ((d = rfbdec_new(f)) == NULL)
		abort();
	buf_init(&in, RFBDEC_MIN_INBUF);
	for (off = 0; off < size && !parts.stopped; off += piece) {
		size_t n = size - off < piece ? size - off : piece;

		if (buf_put_bytes(&in, data + off, n) != BUF_OK)
			abort();
		fuzz_steps(d, &in, &parts);
		if (parts.st == RFB_BAD)
			break;
	}
	rfbdec_free(d);
	buf_free(&in);

	/* Same end, same pixels (unless a resize stopped either). */
	if (!whole.stopped && !parts.stopped) {
		if (whole.st != parts.st || whole.fb.width != parts.fb.width ||
		    whole.fb.height != parts.fb.height ||
		    memcmp(whole.fb.px, parts.fb.px, (size_t)whole.fb.width *
		    whole.fb.height * sizeof(uint32_t)) != 0)
			abort();
	}
	free(whole.fb.px);
	free(parts.fb.px);
	return 0;
}
