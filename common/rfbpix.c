/* rfbpix: pixel format conversion; the rules are in rfbpix.h. */
#include "common/rfbpix.h"

#include <string.h>

/* Bits in a channel whose max is 2^n - 1 (rfb_pixfmt_valid checked the
 * form; a malformed max just counts its low run of ones). */
static unsigned
rfbpix_bits(uint16_t max)
{
	unsigned n = 0;

	while (n < 16 && (max >> n) & 1)
		n++;
	return n;
}

/* 8-bit c to n bits (rfbpix.h). */
static uint32_t
rfbpix_quantise(uint32_t c, unsigned n)
{
	if (n <= 8)
		return c >> (8 - n);
	return (c * 257) >> (16 - n);
}

/* n-bit v (n <= 8) to 8 bits by repeating its bits from the top. */
static uint8_t
rfbpix_replicate(uint32_t v, unsigned n)
{
	uint32_t out = 0;
	int s;

	if (n == 0)
		return 0;
	for (s = 8 - (int)n; s > -(int)n; s -= (int)n)
		out |= s >= 0 ? v << s : v >> -s;
	return (uint8_t)out;
}

static int
rfbpix_same(const struct rfb_pixfmt *a, const struct rfb_pixfmt *b)
{
	return a->bpp == b->bpp && a->big_endian == b->big_endian &&
	    a->red_max == b->red_max && a->green_max == b->green_max &&
	    a->blue_max == b->blue_max && a->red_shift == b->red_shift &&
	    a->green_shift == b->green_shift &&
	    a->blue_shift == b->blue_shift;
}

/* Which 3 bytes a 3-byte CPIXEL keeps (rfbpix.h): value >> 0 or >> 8. */
static unsigned
rfbpix_cpixel_shift(const struct rfb_pixfmt *f)
{
	uint32_t all = ((uint32_t)f->red_max << f->red_shift) |
	    ((uint32_t)f->green_max << f->green_shift) |
	    ((uint32_t)f->blue_max << f->blue_shift);
	int low = all < (1u << 24), high = (all & 0xff) == 0;

	if (f->big_endian)
		return high ? 8 : 0;
	return low ? 0 : 8;
}

void
rfbpix_init(struct rfbpix *p, const struct rfb_pixfmt *f)
{
	const uint16_t max[3] = { f->red_max, f->green_max, f->blue_max };
	const uint8_t shift[3] = { f->red_shift, f->green_shift,
	    f->blue_shift };
	unsigned ch, c, n;

	memset(p, 0, sizeof(*p));
	p->f = *f;
	p->bytes = rfb_pixfmt_bytes(f);
	p->cbytes = rfb_pixfmt_cpixel_bytes(f);
	p->cshift = p->cbytes == 3 ? rfbpix_cpixel_shift(f) : 0;
	p->is_default = rfbpix_same(f, &rfb_pixfmt_default);
	for (ch = 0; ch < 3; ch++) {
		n = rfbpix_bits(max[ch]);
		for (c = 0; c < 256; c++)
			p->to[ch][c] = rfbpix_quantise(c, n) << shift[ch];
		p->down[ch] = n > 8 ? n - 8 : 0;
		for (c = 0; c < 256; c++)
			p->up[ch][c] = n >= 8 ? (uint8_t)c :
			    rfbpix_replicate(c & max[ch], n);
	}
}

uint32_t
rfbpix_to_rgb(const struct rfbpix *p, uint32_t v)
{
	const struct rfb_pixfmt *f = &p->f;
	uint32_t r = ((v >> f->red_shift) & f->red_max) >> p->down[0];
	uint32_t g = ((v >> f->green_shift) & f->green_max) >> p->down[1];
	uint32_t b = ((v >> f->blue_shift) & f->blue_max) >> p->down[2];

	return ((uint32_t)p->up[0][r & 0xff] << 16) |
	    ((uint32_t)p->up[1][g & 0xff] << 8) | p->up[2][b & 0xff];
}

uint32_t
rfbpix_shown(const struct rfbpix *p, uint32_t rgb)
{
	return rfbpix_to_rgb(p, rfbpix_from_rgb(p, rgb));
}

/* v's low `bytes` bytes in the given byte order. */
static inline void
rfbpix_store(uint8_t *d, uint32_t v, unsigned bytes, int be)
{
	unsigned i;

	for (i = 0; i < bytes; i++)
		d[be ? bytes - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t
rfbpix_load(const uint8_t *s, unsigned bytes, int be)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < bytes; i++)
		v |= (uint32_t)s[be ? bytes - 1 - i : i] << (8 * i);
	return v;
}

void
rfbpix_put(const struct rfbpix *p, uint8_t *dst, uint32_t v)
{
	rfbpix_store(dst, v, p->bytes, p->f.big_endian);
}

void
rfbpix_cput(const struct rfbpix *p, uint8_t *dst, uint32_t v)
{
	rfbpix_store(dst, v >> p->cshift, p->cbytes, p->f.big_endian);
}

uint32_t
rfbpix_get(const struct rfbpix *p, const uint8_t *src)
{
	return rfbpix_load(src, p->bytes, p->f.big_endian);
}

uint32_t
rfbpix_cget(const struct rfbpix *p, const uint8_t *src)
{
	return rfbpix_load(src, p->cbytes, p->f.big_endian) << p->cshift;
}

void
rfbpix_put_row(const struct rfbpix *p, uint8_t *dst, const uint32_t *src,
	       size_t n)
{
	size_t i;

	if (p->is_default) {
		for (i = 0; i < n; i++, dst += 4) {
			dst[0] = (uint8_t)src[i];
			dst[1] = (uint8_t)(src[i] >> 8);
			dst[2] = (uint8_t)(src[i] >> 16);
			dst[3] = 0;
		}
		return;
	}
	for (i = 0; i < n; i++, dst += p->bytes)
		rfbpix_put(p, dst, rfbpix_from_rgb(p, src[i]));
}

void
rfbpix_cput_values(const struct rfbpix *p, uint8_t *dst, const uint32_t *v,
		   size_t n)
{
	size_t i;
	unsigned cb = p->cbytes;

	if (cb == 3 && !p->f.big_endian && p->cshift == 0) {
		for (i = 0; i < n; i++, dst += 3) {
			dst[0] = (uint8_t)v[i];
			dst[1] = (uint8_t)(v[i] >> 8);
			dst[2] = (uint8_t)(v[i] >> 16);
		}
		return;
	}
	for (i = 0; i < n; i++, dst += cb)
		rfbpix_cput(p, dst, v[i]);
}

void
rfbpix_get_row(const struct rfbpix *p, uint32_t *dst, const uint8_t *src,
	       size_t n, int cpixel)
{
	size_t i;
	unsigned step = cpixel ? p->cbytes : p->bytes;

	if (p->is_default) {
		/* Default format: the pixel value is 0x00RRGGBB already. */
		for (i = 0; i < n; i++, src += step)
			dst[i] = (uint32_t)src[0] | (uint32_t)src[1] << 8 |
			    (uint32_t)src[2] << 16;
		return;
	}
	for (i = 0; i < n; i++, src += step)
		dst[i] = rfbpix_to_rgb(p, cpixel ? rfbpix_cget(p, src) :
		    rfbpix_get(p, src));
}
