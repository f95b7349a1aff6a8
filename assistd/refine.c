/*
 * refine: see refine.h. One band of tiles at a time: every row of the
 * band is first compared whole (most rows of a damaged box are usually
 * unchanged), and only a row that differs is looked at tile by tile, to
 * widen that tile's bounding rectangle.
 */
#include "assistd/refine.h"

#include <stdlib.h>
#include <string.h>

#define REFINE_BOXES_MIN	64

/* The changed rectangle of one tile of the current band (x2 == 0: none). */
struct refine_span {
	int x1, x2, y1, y2;
};

static int
boxes_push(struct refine_boxes *b, int x1, int y1, int x2, int y2)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : REFINE_BOXES_MIN;
		pixman_box32_t *v;

		if (cap > SIZE_MAX / sizeof(*v) ||
		    (v = realloc(b->v, cap * sizeof(*v))) == NULL)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n].x1 = x1;
	b->v[b->n].y1 = y1;
	b->v[b->n].x2 = x2;
	b->v[b->n].y2 = y2;
	b->n++;
	return 0;
}

/* First and last differing pixel of two rows of n (known to differ). */
static void
row_diff(const uint32_t *a, const uint32_t *b, int n, int *first, int *last)
{
	int i = 0, j = n - 1;

	while (i < n && a[i] == b[i])
		i++;
	while (j > i && a[j] == b[j])
		j--;
	*first = i;
	*last = j;
}

/* Row y (frame coordinates) differs somewhere in [x, x + w): widens the
 * spans of the tiles where it does. */
static void
row_tiles(const uint32_t *frow, const uint32_t *grow, int x, int w, int y,
	  struct refine_span *span)
{
	int tx0 = x / REFINE_TILE, end = x + w;
	int t, sx, ex, first, last;
	struct refine_span *s;

	for (t = tx0; t * REFINE_TILE < end; t++) {
		sx = t * REFINE_TILE > x ? t * REFINE_TILE : x;
		ex = (t + 1) * REFINE_TILE < end ? (t + 1) * REFINE_TILE : end;
		if (memcmp(frow + sx, grow + (sx - x),
		    (size_t)(ex - sx) * sizeof(uint32_t)) == 0)
			continue;
		row_diff(frow + sx, grow + (sx - x), ex - sx, &first, &last);
		s = &span[t - tx0];
		if (s->x2 == 0) {
			s->x1 = sx + first;
			s->x2 = sx + last + 1;
			s->y1 = y;
		} else {
			if (sx + first < s->x1)
				s->x1 = sx + first;
			if (sx + last + 1 > s->x2)
				s->x2 = sx + last + 1;
		}
		s->y2 = y + 1;
	}
}

/* Copies each tile's changed rectangle into the frame and records it. */
static int
band_flush(uint32_t *frame, size_t fstride, const uint32_t *grab,
	   size_t gstride, int x, int y, struct refine_span *span, int ntiles,
	   struct refine_boxes *out)
{
	int t, r, rc = 0;

	for (t = 0; t < ntiles; t++) {
		const struct refine_span *s = &span[t];

		if (s->x2 == 0)
			continue;
		for (r = s->y1; r < s->y2; r++)
			memcpy(frame + (size_t)r * fstride + s->x1,
			    grab + (size_t)(r - y) * gstride + (s->x1 - x),
			    (size_t)(s->x2 - s->x1) * sizeof(uint32_t));
		if (boxes_push(out, s->x1, s->y1, s->x2, s->y2) != 0)
			rc = -1;
	}
	return rc;
}

int
refine_box(uint32_t *frame, size_t frame_stride, const uint32_t *grab,
	   size_t grab_stride, int x, int y, int w, int h,
	   struct refine_boxes *out)
{
	struct refine_span span[(UINT16_MAX + 1) / REFINE_TILE + 2];
	int ntiles, by, yend = y + h, r, rc = 0;

	if (w <= 0 || h <= 0)
		return 0;
	ntiles = (x + w - 1) / REFINE_TILE - x / REFINE_TILE + 1;
	for (by = y; by < yend; ) {
		int bend = (by / REFINE_TILE + 1) * REFINE_TILE;

		if (bend > yend)
			bend = yend;
		memset(span, 0, (size_t)ntiles * sizeof(span[0]));
		for (r = by; r < bend; r++) {
			const uint32_t *frow = frame + (size_t)r * frame_stride;
			const uint32_t *grow = grab + (size_t)(r - y) *
			    grab_stride;

			if (memcmp(frow + x, grow,
			    (size_t)w * sizeof(uint32_t)) != 0)
				row_tiles(frow, grow, x, w, r, span);
		}
		if (band_flush(frame, frame_stride, grab, grab_stride, x, y,
		    span, ntiles, out) != 0)
			rc = -1;
		by = bend;
	}
	return rc;
}

void
refine_boxes_free(struct refine_boxes *b)
{
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}
