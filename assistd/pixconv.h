/*
 * pixconv: the X server's image format (an XImage's ZPixmap: bits per
 * pixel, channel masks, byte order) to capture's 0x00RRGGBB pixels. Pure
 * functions, no Xlib, unit-tested. The common case (32 bpp, masks
 * 0xff0000/0xff00/0xff, the host's byte order) is one masking pass that
 * may run in place.
 */
#ifndef ASSISTD_PIXCONV_H
#define ASSISTD_PIXCONV_H

#include <stddef.h>
#include <stdint.h>

struct pixconv {
	int bpp;		/* 16 or 32 (24-bit packed is refused) */
	int msb_first;		/* 1: the image is big-endian */
	uint32_t mask[3];	/* red, green, blue */
	/* derived by pixconv_init */
	int shift[3], bits[3];
	int direct;		/* 1: 32 bpp 0x..RRGGBB in host order */
};

/*
 * Fills the derived fields. 0, or -1 when the format is not one we can
 * read (a mask that is empty, not contiguous or wider than 16 bits, or a
 * bpp other than 16/32), with the reason in err.
 */
int pixconv_init(struct pixconv *pc, int bpp, int msb_first, uint32_t rmask,
		 uint32_t gmask, uint32_t bmask, char *err, size_t errsz);

/*
 * Converts one row of w pixels from src (the image's bytes) to dst.
 * dst may be src (in place) only when bpp is 32.
 */
void pixconv_row(const struct pixconv *pc, uint32_t *dst, const void *src,
		 size_t w);

#endif
