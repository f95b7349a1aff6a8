/*
 * rfb: RFB 3.8 (RFC 6143) pixel format, client-message parser and
 * builders, ServerInit both ways. Parsers read a read-only view of what
 * has arrived, so an incomplete message consumes nothing (RFB_MORE); only
 * a complete, valid message is consumed from the caller's buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rfb.h"

const struct rfb_pixfmt rfb_pixfmt_default = {
	.bpp = 32,
	.depth = 24,
	.big_endian = 0,
	.true_colour = 1,
	.red_max = 255, .green_max = 255, .blue_max = 255,
	.red_shift = 16, .green_shift = 8, .blue_shift = 0,
};

static int rfb_fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
rfb_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return RFB_BAD;
}

/* ------------------------------------------------------------------ */
/* Pixel format                                                        */

/* Number of bits in max when max is 2^n - 1 with n >= 1, else 0. */
static unsigned
rfb_max_bits(uint16_t max)
{
	unsigned n = 0;

	if (max == 0 || (max & (max + 1u)) != 0)
		return 0;
	while (max != 0) {
		max >>= 1;
		n++;
	}
	return n;
}

/* The bits of one colour channel inside a pixel value, or 0 when the
 * channel does not fit in bpp bits (checked by rfb_pixfmt_valid). */
static uint32_t
rfb_channel_mask(uint16_t max, uint8_t shift, uint8_t bpp)
{
	unsigned bits = rfb_max_bits(max);

	if (bits == 0 || shift >= bpp || bits > (unsigned)bpp - shift)
		return 0;
	return (uint32_t)max << shift;
}

static uint32_t
rfb_pixfmt_mask(const struct rfb_pixfmt *f)
{
	return rfb_channel_mask(f->red_max, f->red_shift, f->bpp) |
	    rfb_channel_mask(f->green_max, f->green_shift, f->bpp) |
	    rfb_channel_mask(f->blue_max, f->blue_shift, f->bpp);
}

int
rfb_pixfmt_valid(const struct rfb_pixfmt *f, char *err, size_t errsz)
{
	static const char *const names[3] = { "red", "green", "blue" };
	const uint16_t max[3] = { f->red_max, f->green_max, f->blue_max };
	const uint8_t shift[3] = { f->red_shift, f->green_shift,
	    f->blue_shift };
	uint32_t mask[3];
	int i;

	if (!f->true_colour) {
		rfb_fail(err, errsz, "colour-map pixel formats are not "
		    "supported");
		return 0;
	}
	if (f->bpp != 8 && f->bpp != 16 && f->bpp != 32) {
		rfb_fail(err, errsz, "bits-per-pixel %u (want 8, 16 or 32)",
		    f->bpp);
		return 0;
	}
	if (f->depth == 0 || f->depth > f->bpp) {
		rfb_fail(err, errsz, "depth %u with %u bits per pixel",
		    f->depth, f->bpp);
		return 0;
	}
	for (i = 0; i < 3; i++) {
		/* A max of 0 would mean a channel without bits: decoders
		 * scale by it, so it is refused with the rest. */
		if (rfb_max_bits(max[i]) == 0) {
			rfb_fail(err, errsz, "%s-max %u is not 2^n-1",
			    names[i], max[i]);
			return 0;
		}
		mask[i] = rfb_channel_mask(max[i], shift[i], f->bpp);
		if (mask[i] == 0) {
			rfb_fail(err, errsz, "%s-max %u shifted by %u does "
			    "not fit in %u bits", names[i], max[i], shift[i],
			    f->bpp);
			return 0;
		}
	}
	if ((mask[0] & mask[1]) || (mask[0] & mask[2]) ||
	    (mask[1] & mask[2])) {
		rfb_fail(err, errsz, "colour channels overlap");
		return 0;
	}
	return 1;
}

unsigned
rfb_pixfmt_bytes(const struct rfb_pixfmt *f)
{
	return f->bpp / 8u;
}

/*
 * RFC 6143 7.7.6: a CPIXEL is 3 bytes for true colour, 32 bpp, depth
 * <= 24 when every colour bit is in the least significant 3 bytes of the
 * pixel value (mask < 2^24) or in the most significant 3 (low byte 0).
 * Which 3 of the 4 wire bytes are sent then depends on big_endian: the
 * encoder and decoder drop the byte that holds no colour.
 */
unsigned
rfb_pixfmt_cpixel_bytes(const struct rfb_pixfmt *f)
{
	uint32_t mask;

	if (f->true_colour && f->bpp == 32 && f->depth <= 24) {
		mask = rfb_pixfmt_mask(f);
		if ((mask & 0xff000000u) == 0 || (mask & 0x000000ffu) == 0)
			return 3;
	}
	return rfb_pixfmt_bytes(f);
}

void
rfb_pixfmt_put(uint8_t out[16], const struct rfb_pixfmt *f)
{
	out[0] = f->bpp;
	out[1] = f->depth;
	out[2] = f->big_endian;
	out[3] = f->true_colour;
	out[4] = (uint8_t)(f->red_max >> 8);
	out[5] = (uint8_t)f->red_max;
	out[6] = (uint8_t)(f->green_max >> 8);
	out[7] = (uint8_t)f->green_max;
	out[8] = (uint8_t)(f->blue_max >> 8);
	out[9] = (uint8_t)f->blue_max;
	out[10] = f->red_shift;
	out[11] = f->green_shift;
	out[12] = f->blue_shift;
	out[13] = out[14] = out[15] = 0;	/* padding */
}

void
rfb_pixfmt_get(const uint8_t in[16], struct rfb_pixfmt *f)
{
	f->bpp = in[0];
	f->depth = in[1];
	f->big_endian = in[2] != 0;	/* any non-zero is true */
	f->true_colour = in[3] != 0;
	f->red_max = (uint16_t)(in[4] << 8 | in[5]);
	f->green_max = (uint16_t)(in[6] << 8 | in[7]);
	f->blue_max = (uint16_t)(in[8] << 8 | in[9]);
	f->red_shift = in[10];
	f->green_shift = in[11];
	f->blue_shift = in[12];
	/* in[13..15] are padding: ignored (RFC 6143 7.4). */
}
