/*
 * keymap: a copy of the X server's keyboard map (XGetKeyboardMapping's
 * table) and the look-ups inject.c needs: which keycode types a keysym,
 * with which modifiers; which keycodes are free for binding a keysym the
 * map lacks. Pure functions over the table (no display), unit-tested.
 *
 * Columns, as XKB presents its map to core clients: 0 = level 1, 1 =
 * level 2 (Shift), 2-3 = second group (not used: switching groups would
 * change the user's layout), 4 = level 3 (AltGr, ISO_Level3_Shift),
 * 5 = level 4 (AltGr + Shift).
 */
#ifndef ASSISTD_KEYMAP_H
#define ASSISTD_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#define KEYMAP_SHIFT	1	/* the keysym needs Shift */
#define KEYMAP_LEVEL3	2	/* ... the level-3 modifier (AltGr) */
#define KEYMAP_ALPHA	4	/* a letter pair (lower, upper): Caps Lock
				 * swaps its Shift need */
#define KEYMAP_KEYPAD	8	/* a keypad key: Num Lock swaps it */

struct keymap {
	int min, max;		/* keycodes min..max */
	int per;		/* keysyms per keycode */
	uint32_t *syms;		/* (max - min + 1) * per; 0 = NoSymbol */
};

/*
 * Takes a copy of the table (count keycodes from min, per keysyms each).
 * 0, or -1 when the table is malformed (keycodes outside 8..255, per
 * outside 1..KEYMAP_PER_MAX) or memory is short.
 */
#define KEYMAP_PER_MAX	16
int keymap_set(struct keymap *km, int min, int count, int per,
	       const unsigned long *syms);
void keymap_free(struct keymap *km);

/*
 * Finds the key that types keysym: *keycode and the modifiers it needs
 * (KEYMAP_SHIFT, KEYMAP_LEVEL3, plus KEYMAP_ALPHA or KEYMAP_KEYPAD). Prefers the fewest
 * modifiers, then the lowest keycode. Level 3 and 4 are searched only
 * when have_level3 (a key for ISO_Level3_Shift exists). A lowercase
 * letter whose key has only the uppercase (or the reverse) counts, as in
 * the core protocol's rules. 0, or -1 when no key has it.
 */
int keymap_find(const struct keymap *km, uint32_t keysym, int have_level3,
		int *keycode, int *mods);

/* The keysym at keycode, column col; 0 when outside the table. */
uint32_t keymap_get(const struct keymap *km, int keycode, int col);

/* Sets the keycode's first two columns to keysym, the others to
 * NoSymbol (keysym 0: the whole key to NoSymbol). */
void keymap_bind(struct keymap *km, int keycode, uint32_t keysym);

/* 1 when the keycode has no keysym at all. */
int keymap_empty(const struct keymap *km, int keycode);

#endif
