/*
 * png: PNG writer (ISO/IEC 15948 / W3C PNG 2nd edition): signature,
 * IHDR, IDAT..., IEND. CRCs and deflate come from zlib.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common/fileio.h"
#include "common/png.h"

#define PNG_BPP		3	/* bytes per pixel: 8-bit R, G, B */
#define PNG_NFILTERS	5	/* None, Sub, Up, Average, Paeth */
#define PNG_ZLEVEL	6	/* zlib's default: snapshots are rare */

/* Where the bytes go: an in-memory buffer or a file descriptor. */
struct png_out {
	struct buf *b;
	int fd;
	int errno_saved;	/* of a failed write(2) */
};

/* The encoder's rows and zlib stream. */
struct png_enc {
	size_t rowlen;				/* 3 * w */
	uint8_t *prev, *cur;			/* raw RGB rows */
	uint8_t *filt[PNG_NFILTERS];		/* filter byte + row */
	uint8_t *zout;				/* PNG_IDAT_MAX bytes */
	z_stream zs;
	int zinit;
};

static void png_fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
png_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
}

static int
png_emit(struct png_out *o, const void *p, size_t n)
{
	if (o->b != NULL)
		return buf_put_bytes(o->b, p, n) == BUF_OK ? 0 : -1;
	if (fileio_write_all(o->fd, p, n) != 0) {
		o->errno_saved = errno;
		return -1;
	}
	return 0;
}

static void
png_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One chunk: length, type, data, CRC-32 of type and data. */
static int
png_chunk(struct png_out *o, const char type[4], const uint8_t *data,
	  size_t n)
{
	uint8_t hdr[8], crc[4];
	uLong c;

	png_be32(hdr, (uint32_t)n);
	memcpy(hdr + 4, type, 4);
	c = crc32(0L, Z_NULL, 0);
	c = crc32(c, hdr + 4, 4);
	if (n > 0)
		c = crc32(c, data, (uInt)n);
	png_be32(crc, (uint32_t)c);
	if (png_emit(o, hdr, sizeof(hdr)) != 0 ||
	    (n > 0 && png_emit(o, data, n) != 0) ||
	    png_emit(o, crc, sizeof(crc)) != 0)
		return -1;
	return 0;
}

static int
png_header(struct png_out *o, uint16_t w, uint16_t h)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n' };
	uint8_t ihdr[13];

	png_be32(ihdr, w);
	png_be32(ihdr + 4, h);
	ihdr[8] = 8;		/* bit depth */
	ihdr[9] = 2;		/* colour type: truecolour (RGB) */
	ihdr[10] = 0;		/* compression: deflate */
	ihdr[11] = 0;		/* filter method: adaptive, 5 types */
	ihdr[12] = 0;		/* no interlace */
	if (png_emit(o, sig, sizeof(sig)) != 0 ||
	    png_chunk(o, "IHDR", ihdr, sizeof(ihdr)) != 0)
		return -1;
	return 0;
}

static void
png_enc_free(struct png_enc *e)
{
	int i;

	if (e->zinit)
		deflateEnd(&e->zs);
	free(e->prev);
	free(e->cur);
	for (i = 0; i < PNG_NFILTERS; i++)
		free(e->filt[i]);
	free(e->zout);
	memset(e, 0, sizeof(*e));
}

static int
png_enc_init(struct png_enc *e, uint16_t w)
{
	int i;

	memset(e, 0, sizeof(*e));
	e->rowlen = (size_t)w * PNG_BPP;
	/* prev starts as zeros: the row above the first is all 0. */
	e->prev = calloc(1, e->rowlen);
	e->cur = malloc(e->rowlen);
	e->zout = malloc(PNG_IDAT_MAX);
	if (e->prev == NULL || e->cur == NULL || e->zout == NULL)
		return -1;
	for (i = 0; i < PNG_NFILTERS; i++)
		if ((e->filt[i] = malloc(e->rowlen + 1)) == NULL)
			return -1;
	if (deflateInit(&e->zs, PNG_ZLEVEL) != Z_OK)
		return -1;
	e->zinit = 1;
	e->zs.next_out = e->zout;
	e->zs.avail_out = PNG_IDAT_MAX;
	return 0;
}

static uint8_t
png_paeth(uint8_t a, uint8_t b, uint8_t c)
{
	int p = (int)a + b - c;
	int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/*
 * Filters e->cur (above it e->prev) all five ways and returns the index
 * of the one with the smallest sum of bytes taken as signed: the
 * heuristic the PNG specification suggests (section 12.8).
 */
static int
png_filter_row(struct png_enc *e)
{
	const uint8_t *x = e->cur, *b = e->prev;
	unsigned long sum[PNG_NFILTERS] = { 0 };
	uint8_t a, c, v[PNG_NFILTERS];
	size_t i;
	int f, best = 0;

	for (f = 0; f < PNG_NFILTERS; f++)
		e->filt[f][0] = (uint8_t)f;
	for (i = 0; i < e->rowlen; i++) {
		a = i >= PNG_BPP ? x[i - PNG_BPP] : 0;
		c = i >= PNG_BPP ? b[i - PNG_BPP] : 0;
		v[0] = x[i];
		v[1] = (uint8_t)(x[i] - a);
		v[2] = (uint8_t)(x[i] - b[i]);
		v[3] = (uint8_t)(x[i] - (uint8_t)(((unsigned)a + b[i]) / 2));
		v[4] = (uint8_t)(x[i] - png_paeth(a, b[i], c));
		for (f = 0; f < PNG_NFILTERS; f++) {
			e->filt[f][i + 1] = v[f];
			sum[f] += (unsigned long)abs((int8_t)v[f]);
		}
	}
	for (f = 1; f < PNG_NFILTERS; f++)
		if (sum[f] < sum[best])
			best = f;
	return best;
}

/* Compresses n bytes (or finishes the stream when finish), writing an
 * IDAT chunk each time PNG_IDAT_MAX bytes of output are ready. */
static int
png_deflate(struct png_enc *e, struct png_out *o, const uint8_t *p,
	    size_t n, int finish)
{
	int zr;

	e->zs.next_in = (Bytef *)(uintptr_t)p;	/* zlib's API is not const */
	e->zs.avail_in = (uInt)n;
	for (;;) {
		zr = deflate(&e->zs, finish ? Z_FINISH : Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return -1;
		if (e->zs.avail_out == 0 || (finish && zr == Z_STREAM_END &&
		    e->zs.avail_out < PNG_IDAT_MAX)) {
			if (png_chunk(o, "IDAT", e->zout,
			    PNG_IDAT_MAX - e->zs.avail_out) != 0)
				return -1;
			e->zs.next_out = e->zout;
			e->zs.avail_out = PNG_IDAT_MAX;
		}
		if (finish ? zr == Z_STREAM_END : e->zs.avail_in == 0)
			return 0;
	}
}

static void
png_row_rgb(uint8_t *dst, const uint32_t *src, uint16_t w)
{
	uint16_t i;

	for (i = 0; i < w; i++) {
		dst[3 * (size_t)i] = (uint8_t)(src[i] >> 16);
		dst[3 * (size_t)i + 1] = (uint8_t)(src[i] >> 8);
		dst[3 * (size_t)i + 2] = (uint8_t)src[i];
	}
}

static int
png_write(struct png_out *o, const uint32_t *px, uint16_t w, uint16_t h,
	  size_t stride, char *err, size_t errsz)
{
	struct png_enc e;
	uint8_t *t;
	uint16_t y;
	int f;

	if (px == NULL || w == 0 || h == 0 || w > PNG_MAX_DIM ||
	    h > PNG_MAX_DIM || stride < w) {
		png_fail(err, errsz, "bad image: %ux%u, stride %zu (each side "
		    "1..%u, stride >= width)", w, h, stride, PNG_MAX_DIM);
		return -1;
	}
	if (png_enc_init(&e, w) != 0) {
		png_enc_free(&e);
		png_fail(err, errsz, "out of memory");
		return -1;
	}
	if (png_header(o, w, h) != 0)
		goto write_failed;
	for (y = 0; y < h; y++) {
		png_row_rgb(e.cur, px + (size_t)y * stride, w);
		f = png_filter_row(&e);
		if (png_deflate(&e, o, e.filt[f], e.rowlen + 1, 0) != 0)
			goto write_failed;
		t = e.prev;
		e.prev = e.cur;
		e.cur = t;
	}
	if (png_deflate(&e, o, NULL, 0, 1) != 0 ||
	    png_chunk(o, "IEND", NULL, 0) != 0)
		goto write_failed;
	png_enc_free(&e);
	return 0;

write_failed:
	png_enc_free(&e);
	if (o->errno_saved != 0)
		png_fail(err, errsz, "write: %s", strerror(o->errno_saved));
	else
		png_fail(err, errsz, "output buffer full or out of memory");
	return -1;
}

int
png_write_buf(struct buf *out, const uint32_t *px, uint16_t w, uint16_t h,
	      size_t stride, char *err, size_t errsz)
{
	struct png_out o = { .b = out, .fd = -1 };

	return png_write(&o, px, w, h, stride, err, errsz);
}

int
png_write_file(const char *path, const uint32_t *px, uint16_t w, uint16_t h,
	       size_t stride, char *err, size_t errsz)
{
	static const char suffix[] = ".XXXXXX";
	struct png_out o = { .b = NULL };
	char *tmp, why[256];
	size_t n = strlen(path);
	int rc;

	if ((tmp = malloc(n + sizeof(suffix))) == NULL) {
		png_fail(err, errsz, "%s: out of memory", path);
		return -1;
	}
	memcpy(tmp, path, n);
	memcpy(tmp + n, suffix, sizeof(suffix));
	/* mkstemp: O_CREAT|O_EXCL, mode 0600; beside path so that the
	 * rename stays on one file system and is atomic. */
	if ((o.fd = mkstemp(tmp)) < 0) {
		png_fail(err, errsz, "%s: temporary file: %s", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	if (png_write(&o, px, w, h, stride, why, sizeof(why)) != 0) {
		png_fail(err, errsz, "%s: %s", path, why);
		goto fail;
	}
	if (fsync(o.fd) != 0) {
		png_fail(err, errsz, "%s: fsync: %s", tmp, strerror(errno));
		goto fail;
	}
	rc = close(o.fd);
	o.fd = -1;
	if (rc != 0) {
		png_fail(err, errsz, "%s: close: %s", tmp, strerror(errno));
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		png_fail(err, errsz, "%s: %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;

fail:
	if (o.fd >= 0)
		close(o.fd);
	unlink(tmp);
	free(tmp);
	return -1;
}
