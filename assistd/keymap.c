/*
 * keymap: see keymap.h. XConvertCase is Xlib's pure case table (no
 * display), the same one Xlib applies to a key with one keysym.
 */
#include "assistd/keymap.h"

#include <stdlib.h>
#include <string.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#define KEYMAP_KEYCODE_MIN	8	/* the core protocol's range */
#define KEYMAP_KEYCODE_MAX	255
#define KEYMAP_COL_L3		4	/* level 3 (AltGr) */
#define KEYMAP_COL_L4		5	/* level 4 (AltGr + Shift) */

int
keymap_set(struct keymap *km, int min, int count, int per,
	   const unsigned long *syms)
{
	size_t n, i;
	uint32_t *v;

	if (min < KEYMAP_KEYCODE_MIN || count < 1 ||
	    min + count - 1 > KEYMAP_KEYCODE_MAX || per < 1 ||
	    per > KEYMAP_PER_MAX || syms == NULL)
		return -1;
	n = (size_t)count * (size_t)per;
	if ((v = malloc(n * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		v[i] = syms[i] > UINT32_MAX ? 0 : (uint32_t)syms[i];
	free(km->syms);
	km->syms = v;
	km->min = min;
	km->max = min + count - 1;
	km->per = per;
	return 0;
}

void
keymap_free(struct keymap *km)
{
	free(km->syms);
	memset(km, 0, sizeof(*km));
}

uint32_t
keymap_get(const struct keymap *km, int keycode, int col)
{
	if (km->syms == NULL || keycode < km->min || keycode > km->max ||
	    col < 0 || col >= km->per)
		return 0;
	return km->syms[(size_t)(keycode - km->min) * (size_t)km->per +
	    (size_t)col];
}

void
keymap_bind(struct keymap *km, int keycode, uint32_t keysym)
{
	uint32_t *row;
	int c;

	if (km->syms == NULL || keycode < km->min || keycode > km->max)
		return;
	row = km->syms + (size_t)(keycode - km->min) * (size_t)km->per;
	for (c = 0; c < km->per; c++)
		row[c] = c < 2 ? keysym : 0;
}

int
keymap_empty(const struct keymap *km, int keycode)
{
	int c;

	if (keycode < km->min || keycode > km->max)
		return 0;
	for (c = 0; c < km->per; c++)
		if (keymap_get(km, keycode, c) != 0)
			return 0;
	return 1;
}

/* Levels 1 and 2 of a key as a core client sees them: a key with one
 * keysym K types lower(K) and, with Shift, upper(K). */
static void
keymap_levels12(const struct keymap *km, int kc, uint32_t *l1, uint32_t *l2)
{
	KeySym lo, up;

	*l1 = keymap_get(km, kc, 0);
	*l2 = keymap_get(km, kc, 1);
	if (*l2 == 0 && *l1 != 0) {
		XConvertCase(*l1, &lo, &up);
		*l1 = (uint32_t)lo;
		*l2 = (uint32_t)up;
	}
}

/* The KEYMAP_ALPHA / KEYMAP_KEYPAD flags of a key. */
static int
keymap_kind(uint32_t l1, uint32_t l2)
{
	KeySym lo, up;

	if (IsKeypadKey(l2))
		return KEYMAP_KEYPAD;
	XConvertCase(l1, &lo, &up);
	return lo != up && lo == l1 && up == l2 ? KEYMAP_ALPHA : 0;
}

int
keymap_find(const struct keymap *km, uint32_t keysym, int have_level3,
	    int *keycode, int *mods)
{
	uint32_t l1, l2;
	int kc;

	if (keysym == 0 || km->syms == NULL)
		return -1;
	for (kc = km->min; kc <= km->max; kc++) {
		keymap_levels12(km, kc, &l1, &l2);
		if (l1 == keysym) {
			*keycode = kc;
			*mods = keymap_kind(l1, l2);
			return 0;
		}
	}
	for (kc = km->min; kc <= km->max; kc++) {
		keymap_levels12(km, kc, &l1, &l2);
		if (l2 == keysym) {
			*keycode = kc;
			*mods = KEYMAP_SHIFT | keymap_kind(l1, l2);
			return 0;
		}
	}
	if (!have_level3)
		return -1;
	for (kc = km->min; kc <= km->max; kc++)
		if (keymap_get(km, kc, KEYMAP_COL_L3) == keysym) {
			*keycode = kc;
			*mods = KEYMAP_LEVEL3;
			return 0;
		}
	for (kc = km->min; kc <= km->max; kc++)
		if (keymap_get(km, kc, KEYMAP_COL_L4) == keysym) {
			*keycode = kc;
			*mods = KEYMAP_LEVEL3 | KEYMAP_SHIFT;
			return 0;
		}
	return -1;
}
