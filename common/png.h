/*
 * png: a minimal PNG writer for screen frames (assist-cli --snapshot).
 * Input is 0x00RRGGBB pixels (host order, as in rfbdec.h's framebuffer);
 * output is 8-bit RGB, not interlaced, each row filtered with whichever
 * of the five PNG filters makes it smallest by the usual heuristic, and
 * one zlib stream split into IDAT chunks. Memory use is a few rows: the
 * image is never copied whole.
 */
#ifndef ASSIST_PNG_H
#define ASSIST_PNG_H

#include <stddef.h>
#include <stdint.h>
#include "common/buf.h"

#define PNG_MAX_DIM	16384		/* widest / tallest image written */
#define PNG_IDAT_MAX	(64 * 1024)	/* data bytes per IDAT chunk */

/*
 * Appends the PNG of px (w x h pixels, row i at px + i * stride, stride
 * in pixels) to out. 0, or -1 with a reason in err; on error out may hold
 * part of an image, which the caller discards.
 */
int png_write_buf(struct buf *out, const uint32_t *px, uint16_t w,
		  uint16_t h, size_t stride, char *err, size_t errsz);

/*
 * Writes the PNG to path: into a new file beside it (mode 0600, created
 * exclusively, so no existing file or symlink is followed), synced, then
 * renamed over path. 0, or -1 with "path: reason" in err; on error path
 * is untouched and the temporary file removed.
 */
int png_write_file(const char *path, const uint32_t *px, uint16_t w,
		   uint16_t h, size_t stride, char *err, size_t errsz);

#endif
