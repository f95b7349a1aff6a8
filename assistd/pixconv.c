/* pixconv: see pixconv.h. */
#include "assistd/pixconv.h"

#include <stdio.h>
#include <string.h>

#define PIXCONV_CHAN_BITS_MAX	16	/* wider channels are refused */

static int
host_is_big_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

/* A contiguous mask's shift and width; -1 when empty or with holes. */
static int
mask_shape(uint32_t m, int *shift, int *bits)
{
	int s = 0, b = 0;

	if (m == 0)
		return -1;
	while (!(m & 1)) {
		m >>= 1;
		s++;
	}
	while (m & 1) {
		m >>= 1;
		b++;
	}
	if (m != 0 || b > PIXCONV_CHAN_BITS_MAX)
		return -1;
	*shift = s;
	*bits = b;
	return 0;
}

int
pixconv_init(struct pixconv *pc, int bpp, int msb_first, uint32_t rmask,
	     uint32_t gmask, uint32_t bmask, char *err, size_t errsz)
{
	const uint32_t m[3] = { rmask, gmask, bmask };
	int i;

	memset(pc, 0, sizeof(*pc));
	if (bpp != 16 && bpp != 32) {
		snprintf(err, errsz, "unsupported screen format: %d bits per "
		    "pixel (16 or 32 needed)", bpp);
		return -1;
	}
	pc->bpp = bpp;
	pc->msb_first = msb_first ? 1 : 0;
	for (i = 0; i < 3; i++) {
		pc->mask[i] = m[i];
		if (mask_shape(m[i], &pc->shift[i], &pc->bits[i]) != 0 ||
		    (bpp == 16 && (m[i] >> 16) != 0)) {
			snprintf(err, errsz, "unsupported screen format: "
			    "colour mask 0x%x", (unsigned)m[i]);
			return -1;
		}
	}
	pc->direct = bpp == 32 && rmask == 0xff0000 && gmask == 0xff00 &&
	    bmask == 0xff && pc->msb_first == host_is_big_endian();
	return 0;
}

/* A channel of bits width scaled to 8 bits (replicating the high bits,
 * so full intensity stays 0xff). */
static uint32_t
chan8(uint32_t v, int bits)
{
	if (bits >= 8)
		return v >> (bits - 8);
	v <<= 8 - bits;
	return v | (v >> bits);
}

static uint32_t
pixel_at(const struct pixconv *pc, const uint8_t *p)
{
	if (pc->bpp == 16)
		return pc->msb_first ? (uint32_t)p[0] << 8 | p[1] :
		    (uint32_t)p[1] << 8 | p[0];
	return pc->msb_first ?
	    (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] :
	    (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

void
pixconv_row(const struct pixconv *pc, uint32_t *dst, const void *src,
	    size_t w)
{
	const uint8_t *s = src;
	size_t i, step = (size_t)pc->bpp / 8;
	int c;

	if (pc->direct) {
		const uint32_t *s32 = src;

		for (i = 0; i < w; i++)
			dst[i] = s32[i] & 0xffffff;
		return;
	}
	for (i = 0; i < w; i++) {
		uint32_t v = pixel_at(pc, s + i * step), out = 0;

		for (c = 0; c < 3; c++)
			out = out << 8 | chan8((v & pc->mask[c]) >>
			    pc->shift[c], pc->bits[c]);
		dst[i] = out;
	}
}
