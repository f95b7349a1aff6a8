/* Unit tests: assistd/refine.c (tile comparison of a grab with the frame) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assistd/refine.h"

#define FW	200	/* frame width: 3 tiles and a bit */
#define FH	140

static uint32_t frame[FW * FH];
static uint32_t grab[FW * FH];
static uint32_t before[FW * FH];

static void
fill(uint32_t *px, uint32_t v)
{
	size_t i;

	for (i = 0; i < FW * FH; i++)
		px[i] = v;
}

/* Refines the whole frame against grab (same geometry). */
static void
refine_all(struct refine_boxes *b)
{
	assert_int_equal(refine_box(frame, FW, grab, FW, 0, 0, FW, FH, b), 0);
}

static void
assert_box(const pixman_box32_t *b, int x1, int y1, int x2, int y2)
{
	assert_int_equal(b->x1, x1);
	assert_int_equal(b->y1, y1);
	assert_int_equal(b->x2, x2);
	assert_int_equal(b->y2, y2);
}

static void
test_identical(void **state)
{
	struct refine_boxes b = { 0 };

	(void)state;
	fill(frame, 0x123456);
	fill(grab, 0x123456);
	refine_all(&b);
	assert_int_equal(b.n, 0);
	refine_boxes_free(&b);
}

static void
test_one_pixel(void **state)
{
	struct refine_boxes b = { 0 };

	(void)state;
	fill(frame, 0);
	fill(grab, 0);
	grab[5 * FW + 70] = 0xff0000;
	refine_all(&b);
	assert_int_equal(b.n, 1);
	assert_box(&b.v[0], 70, 5, 71, 6);
	assert_int_equal(frame[5 * FW + 70], 0xff0000);
	assert_memory_equal(frame, grab, sizeof(frame));
	refine_boxes_free(&b);
}

/* A change across a tile boundary: one rectangle per tile. */
static void
test_tile_boundary(void **state)
{
	struct refine_boxes b = { 0 };
	int x, y;

	(void)state;
	fill(frame, 0);
	fill(grab, 0);
	for (y = 60; y < 70; y++)
		for (x = 60; x < 70; x++)
			grab[y * FW + x] = 0xabcdef;
	refine_all(&b);
	assert_int_equal(b.n, 4);
	assert_box(&b.v[0], 60, 60, 64, 64);
	assert_box(&b.v[1], 64, 60, 70, 64);
	assert_box(&b.v[2], 60, 64, 64, 70);
	assert_box(&b.v[3], 64, 64, 70, 70);
	assert_memory_equal(frame, grab, sizeof(frame));
	refine_boxes_free(&b);
}

/* Two changes in one tile: their bounding rectangle. */
static void
test_bounding_in_tile(void **state)
{
	struct refine_boxes b = { 0 };

	(void)state;
	fill(frame, 7);
	fill(grab, 7);
	grab[130 * FW + 140] = 1;
	grab[135 * FW + 131] = 2;
	refine_all(&b);
	assert_int_equal(b.n, 1);
	assert_box(&b.v[0], 131, 130, 141, 136);
	refine_boxes_free(&b);
}

/* A grab of a sub-box with its own stride, off the grid. */
static void
test_sub_box(void **state)
{
	struct refine_boxes b = { 0 };
	uint32_t small[12 * 7];
	int i;

	(void)state;
	fill(frame, 0x10);
	for (i = 0; i < 12 * 7; i++)
		small[i] = 0x10;
	small[2 * 12 + 3] = 0x20;	/* frame (63, 52) */
	small[6 * 12 + 11] = 0x30;	/* frame (71, 56) */
	assert_int_equal(refine_box(frame, FW, small, 12, 60, 50, 12, 7, &b),
	    0);
	assert_int_equal(b.n, 2);
	assert_box(&b.v[0], 63, 52, 64, 53);
	assert_box(&b.v[1], 71, 56, 72, 57);
	assert_int_equal(frame[52 * FW + 63], 0x20);
	assert_int_equal(frame[56 * FW + 71], 0x30);
	assert_int_equal(frame[52 * FW + 64], 0x10);
	refine_boxes_free(&b);
}

static void
test_empty_box(void **state)
{
	struct refine_boxes b = { 0 };

	(void)state;
	assert_int_equal(refine_box(frame, FW, grab, FW, 5, 5, 0, 10, &b), 0);
	assert_int_equal(refine_box(frame, FW, grab, FW, 5, 5, 10, -1, &b), 0);
	assert_int_equal(b.n, 0);
	refine_boxes_free(&b);
}

/* Random changes: every changed pixel is covered, every box lies in one
 * tile, the frame ends equal to the grab, and a second pass finds
 * nothing. */
static void
test_random(void **state)
{
	struct refine_boxes b = { 0 };
	pixman_region32_t r;
	size_t i, k;
	int x, y, round;

	(void)state;
	srand(42);
	for (round = 0; round < 20; round++) {
		for (i = 0; i < FW * FH; i++)
			frame[i] = grab[i] = (uint32_t)rand() & 0xffffff;
		memcpy(grab, frame, sizeof(grab));
		for (k = 0; k < (size_t)(rand() % 300); k++)
			grab[(size_t)rand() % (FW * FH)] ^= 1;
		memcpy(before, frame, sizeof(before));
		b.n = 0;
		refine_all(&b);
		pixman_region32_init_rects(&r, b.v, (int)b.n);
		for (y = 0; y < FH; y++)
			for (x = 0; x < FW; x++)
				if (before[y * FW + x] != grab[y * FW + x])
					assert_true(pixman_region32_contains_point(
					    &r, x, y, NULL));
		for (i = 0; i < b.n; i++) {
			assert_int_equal(b.v[i].x1 / REFINE_TILE,
			    (b.v[i].x2 - 1) / REFINE_TILE);
			assert_int_equal(b.v[i].y1 / REFINE_TILE,
			    (b.v[i].y2 - 1) / REFINE_TILE);
		}
		pixman_region32_fini(&r);
		assert_memory_equal(frame, grab, sizeof(frame));
		b.n = 0;
		refine_all(&b);
		assert_int_equal(b.n, 0);
	}
	refine_boxes_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_one_pixel),
		cmocka_unit_test(test_tile_boundary),
		cmocka_unit_test(test_bounding_in_tile),
		cmocka_unit_test(test_sub_box),
		cmocka_unit_test(test_empty_box),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
