/*
 * refine: the damage the X server reports says where something was
 * drawn, not whether a pixel changed (a redraw of the same text, a
 * cursor blink back, a repainted window). Comparing a fresh grab with the
 * frame we hold, on a fixed grid of REFINE_TILE x REFINE_TILE tiles,
 * keeps in each tile only the rectangle bounding the pixels that really
 * differ. Pure functions, no Xlib, unit-tested.
 */
#ifndef ASSISTD_REFINE_H
#define ASSISTD_REFINE_H

#include <stddef.h>
#include <stdint.h>
#include <pixman.h>

#define REFINE_TILE	64	/* grid step, pixels (from the frame's 0,0) */

/* Rectangles found by refine_box, grown as needed (owned by the caller:
 * zero-initialise, free with refine_boxes_free). */
struct refine_boxes {
	pixman_box32_t *v;
	size_t n, cap;
};

/*
 * Compares the w x h pixels of grab (row stride grab_stride pixels; its
 * first pixel is the frame's (x, y)) with the frame's (row stride
 * frame_stride pixels), copies what differs into the frame and appends,
 * for each grid tile that differs, the rectangle bounding its changed
 * pixels to out. The box must lie inside the frame. 0, or -1 when out
 * could not grow (the frame is then updated but out is incomplete: the
 * caller must treat the whole box as changed).
 */
int refine_box(uint32_t *frame, size_t frame_stride, const uint32_t *grab,
	       size_t grab_stride, int x, int y, int w, int h,
	       struct refine_boxes *out);

void refine_boxes_free(struct refine_boxes *b);

#endif
