/*
 * rfbpix: conversion between X's 0x00RRGGBB pixels and an RFB client's
 * true-colour pixel format (RFC 6143 7.4), shared by rfbenc (server) and
 * rfbdec (viewer) so both sides apply the same rules:
 *
 *  - server, 8-bit channel c to an n-bit channel (max = 2^n - 1):
 *      n <= 8: c >> (8 - n)      n > 8: (c * 257) >> (16 - n)
 *  - viewer, n-bit channel v back to 8 bits by bit replication:
 *      n >= 8: v >> (n - 8)      n < 8: v's bits repeated from the top,
 *      e.g. n = 5: v << 3 | v >> 2; n = 6: v << 2 | v >> 4; n = 1: 0/255;
 *      n = 0 (channel absent): 0.
 * So what a viewer shows for a server pixel rgb is rfbpix_shown(p, rgb),
 * exact for 8-bit channels and the usual 5/6-bit ones alike (a test can
 * compare what the server captured with what the viewer displays).
 *
 * ZRLE's CPIXEL (RFC 6143 7.7.6) is 3 bytes when rfb_pixfmt_cpixel_bytes
 * says so; which 3 of the 4 wire bytes follows TigerVNC: the first three
 * when (little endian and the colour bits fit in the low 3 bytes) or (big
 * endian and they fit in the high 3 bytes), else the last three.
 */
#ifndef ASSIST_RFBPIX_H
#define ASSIST_RFBPIX_H

#include <stddef.h>
#include <stdint.h>
#include "common/rfb.h"

/* A pixel format prepared for fast conversion (tables). */
struct rfbpix {
	struct rfb_pixfmt f;
	unsigned bytes;		/* wire bytes per pixel: 1, 2, 4 */
	unsigned cbytes;	/* ZRLE CPIXEL bytes: 1, 2, 3, 4 */
	unsigned cshift;	/* CPIXEL of 3 bytes = value >> cshift */
	int is_default;		/* rfb_pixfmt_default: fast paths */
	uint32_t to[3][256];	/* 8-bit r, g, b -> bits of a pixel value */
	unsigned down[3];	/* decode: n - 8 when n > 8, else 0 */
	uint8_t up[3][256];	/* decode: channel >> down -> 8 bits */
};

/* Prepares p for f (valid per rfb_pixfmt_valid). */
void rfbpix_init(struct rfbpix *p, const struct rfb_pixfmt *f);

/* The pixel value for rgb (0x00RRGGBB; the top byte is ignored). */
static inline uint32_t
rfbpix_from_rgb(const struct rfbpix *p, uint32_t rgb)
{
	return p->to[0][(rgb >> 16) & 0xff] | p->to[1][(rgb >> 8) & 0xff] |
	    p->to[2][rgb & 0xff];
}

/* The 0x00RRGGBB a viewer shows for pixel value v (bits outside the
 * channels ignored). */
uint32_t rfbpix_to_rgb(const struct rfbpix *p, uint32_t v);

/* What a viewer in p's format shows for the server's pixel rgb. */
uint32_t rfbpix_shown(const struct rfbpix *p, uint32_t rgb);

/* One pixel value to wire bytes (p->bytes) / CPIXEL bytes (p->cbytes),
 * and back. */
void rfbpix_put(const struct rfbpix *p, uint8_t *dst, uint32_t v);
void rfbpix_cput(const struct rfbpix *p, uint8_t *dst, uint32_t v);
uint32_t rfbpix_get(const struct rfbpix *p, const uint8_t *src);
uint32_t rfbpix_cget(const struct rfbpix *p, const uint8_t *src);

/* n source pixels (0x00RRGGBB) to n wire pixels at dst (n * p->bytes). */
void rfbpix_put_row(const struct rfbpix *p, uint8_t *dst,
		    const uint32_t *src, size_t n);
/* n pixel values to n CPIXELs at dst (n * p->cbytes). */
void rfbpix_cput_values(const struct rfbpix *p, uint8_t *dst,
			const uint32_t *v, size_t n);
/* n wire pixels (CPIXELs when cpixel) at src to 0x00RRGGBB at dst. */
void rfbpix_get_row(const struct rfbpix *p, uint32_t *dst,
		    const uint8_t *src, size_t n, int cpixel);

#endif
