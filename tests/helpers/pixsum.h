/*
 * pixsum: the 64-bit checksum the capture tests compare (FNV-1a over
 * each pixel's 0x00RRGGBB value, little-endian, row by row), and a line
 * reader for the helpers' stdin commands. Header only: each helper is
 * one program built from one .c file.
 */
#ifndef TESTS_PIXSUM_H
#define TESTS_PIXSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define PIXSUM_INIT	0xcbf29ce484222325ull
#define PIXSUM_LINE_MAX	512

static inline uint64_t
pixsum_add(uint64_t h, uint32_t px)
{
	int i;

	for (i = 0; i < 4; i++) {
		h ^= (px >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The checksum of w x h pixels at (x, y) of an image with stride
 * pixels per row. */
static inline uint64_t
pixsum_rect(const uint32_t *px, size_t stride, int x, int y, int w, int h)
{
	uint64_t s = PIXSUM_INIT;
	int r, c;

	for (r = y; r < y + h; r++)
		for (c = x; c < x + w; c++)
			s = pixsum_add(s, px[(size_t)r * stride + (size_t)c] &
			    0xffffff);
	return s;
}

/* Lines from an fd that poll said readable: whole lines are handed to
 * fn (without the newline); -1 at EOF. */
struct pixsum_lines {
	char buf[PIXSUM_LINE_MAX];
	size_t n;
};

static inline int
pixsum_read_lines(struct pixsum_lines *l, int fd,
		  int (*fn)(void *ctx, char *line), void *ctx)
{
	ssize_t r = read(fd, l->buf + l->n, sizeof(l->buf) - 1 - l->n);
	char *nl;
	int rc = 0;

	if (r <= 0)
		return -1;
	l->n += (size_t)r;
	l->buf[l->n] = '\0';
	while (rc == 0 && (nl = memchr(l->buf, '\n', l->n)) != NULL) {
		size_t used = (size_t)(nl - l->buf) + 1;

		*nl = '\0';
		rc = fn(ctx, l->buf);
		memmove(l->buf, l->buf + used, l->n - used);
		l->n -= used;
	}
	if (l->n == sizeof(l->buf) - 1)
		l->n = 0;	/* a line too long: dropped */
	return rc;
}

#endif
