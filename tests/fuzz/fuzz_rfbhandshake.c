/* Fuzz target: assist-cli's RFB client (assist-cli/rfbclient.c) on
 * arbitrary server bytes after the greeting: security types, refusal
 * reasons, SecurityResult, ServerInit, then updates (rfbdec). Input:
 * byte 0 picks the pixel format asked for, byte 1 the piece size of the
 * second pass, the rest is the server's stream. Fed whole, then in
 * pieces: both passes must end the same way (status, phase, updates,
 * size, pixels, bytes sent), and every dirty box lies inside the
 * framebuffer. Screens are capped at FUZZ_MAX_PX pixels. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "assist-cli/rfbclient.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PX	(256u * 1024)

struct fuzz_pass {
	struct rfbclient c;
	struct buf out;
	int rc;
};

static void
fuzz_run(struct fuzz_pass *p, const struct rfb_pixfmt *f, const uint8_t *d,
	 size_t n, size_t piece)
{
	struct buf in;
	struct rfbclient_box b;
	char err[256];
	size_t i, k;

	buf_init(&in, RFBCLIENT_MAX_IN);
	buf_init(&p->out, 1u << 24);
	if (rfbclient_init(&p->c, f, &p->out) != 0)
		abort();
	p->c.max_pixels = FUZZ_MAX_PX;
	p->rc = 0;
	for (i = 0; i < n && p->rc == 0; i += k) {
		k = n - i < piece ? n - i : piece;
		if (buf_put_bytes(&in, d + i, k) != 0)
			abort();
		p->rc = rfbclient_feed(&p->c, &in, &p->out, err, sizeof(err));
		rfbclient_take_dirty(&p->c, &b);
		if (b.w > 0 && ((unsigned)b.x + b.w > p->c.width ||
		    (unsigned)b.y + b.h > p->c.height))
			abort();
	}
	buf_free(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned bpps[] = { 32, 16, 8 };
	struct fuzz_pass a, b;
	struct rfb_pixfmt f;

	if (size < 2)
		return 0;
	if (rfbclient_pixfmt_for_bpp(bpps[data[0] % 3], &f) != 0)
		abort();
	fuzz_run(&a, &f, data + 2, size - 2, size);
	fuzz_run(&b, &f, data + 2, size - 2, 1 + data[1] % 64);
	if (a.rc != b.rc || a.c.phase != b.c.phase ||
	    a.c.updates != b.c.updates || a.c.width != b.c.width ||
	    a.c.height != b.c.height ||
	    (a.rc == 0 && (buf_avail(&a.out) != buf_avail(&b.out) ||
	    memcmp(buf_ptr(&a.out), buf_ptr(&b.out), buf_avail(&a.out)) != 0)))
		abort();
	if (a.rc == 0 && a.c.px != NULL && (a.c.px == NULL || b.c.px == NULL ||
	    memcmp(a.c.px, b.c.px, (size_t)(a.c.width ? a.c.width : 1) *
	    (a.c.height ? a.c.height : 1) * 4) != 0))
		abort();
	rfbclient_free(&a.c);
	rfbclient_free(&b.c);
	buf_free(&a.out);
	buf_free(&b.out);
	return 0;
}
