/* Unit tests: assistd/keymap.c (keysym -> key and level) and
 * inject_keysym_name (the transcript's keysym names) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <X11/keysym.h>

#include "assistd/inject.h"
#include "assistd/keymap.h"

#define PER	6
#define MIN	8
#define COUNT	12

/* A small map in XKB's core layout (see keymap.h). */
static const unsigned long table[COUNT][PER] = {
	/* 8 */ { XK_a, XK_A, 0, 0, XK_ae, XK_AE },
	/* 9 */ { XK_2, XK_at, 0, 0, XK_twosuperior, 0 },
	/* 10 */ { XK_q, XK_Q, 0, 0, XK_at, XK_Greek_OMEGA },
	/* 11 */ { XK_B, 0, 0, 0, 0, 0 },	/* one keysym, uppercase */
	/* 12 */ { XK_KP_Home, XK_KP_7, 0, 0, 0, 0 },
	/* 13 */ { XK_Shift_L, 0, 0, 0, 0, 0 },
	/* 14 */ { 0, 0, 0, 0, 0, 0 },		/* free */
	/* 15 */ { XK_ISO_Level3_Shift, 0, 0, 0, 0, 0 },
	/* 16 */ { XK_minus, XK_underscore, XK_x, XK_X, 0, 0 },
	/* 17 */ { XK_Return, 0, 0, 0, 0, 0 },
	/* 18 */ { XK_ssharp, XK_question, 0, 0, XK_backslash, 0 },
	/* 19 */ { 0, 0, 0, 0, 0, 0 },		/* free */
};

static struct keymap km;

static int
setup(void **state)
{
	(void)state;
	return keymap_set(&km, MIN, COUNT, PER, &table[0][0]);
}

static int
teardown(void **state)
{
	(void)state;
	keymap_free(&km);
	return 0;
}

static void
expect(uint32_t ks, int l3, int kc, int mods)
{
	int k = -1, m = -1;

	assert_int_equal(keymap_find(&km, ks, l3, &k, &m), 0);
	assert_int_equal(k, kc);
	assert_int_equal(m, mods);
}

static void
test_levels(void **state)
{
	(void)state;
	expect(XK_a, 1, 8, KEYMAP_ALPHA);
	expect(XK_A, 1, 8, KEYMAP_SHIFT | KEYMAP_ALPHA);
	expect(XK_2, 1, 9, 0);
	/* '@' is level 2 of key 9 and level 3 of key 10: fewest mods */
	expect(XK_at, 1, 9, KEYMAP_SHIFT);
	expect(XK_ae, 1, 8, KEYMAP_LEVEL3);
	expect(XK_AE, 1, 8, KEYMAP_LEVEL3 | KEYMAP_SHIFT);
	expect(XK_Greek_OMEGA, 1, 10, KEYMAP_LEVEL3 | KEYMAP_SHIFT);
	expect(XK_backslash, 1, 18, KEYMAP_LEVEL3);
	expect(XK_question, 1, 18, KEYMAP_SHIFT);
	expect(XK_Return, 1, 17, 0);
	expect(XK_Shift_L, 1, 13, 0);
}

/* One uppercase keysym: the key types lower, and upper with Shift. */
static void
test_single_keysym(void **state)
{
	(void)state;
	expect(XK_b, 1, 11, KEYMAP_ALPHA);
	expect(XK_B, 1, 11, KEYMAP_SHIFT | KEYMAP_ALPHA);
}

static void
test_keypad(void **state)
{
	(void)state;
	expect(XK_KP_Home, 1, 12, KEYMAP_KEYPAD);
	expect(XK_KP_7, 1, 12, KEYMAP_SHIFT | KEYMAP_KEYPAD);
}

/* Level 3 only with a level-3 key; the second group never. */
static void
test_not_found(void **state)
{
	int k, m;

	(void)state;
	assert_int_equal(keymap_find(&km, XK_ae, 0, &k, &m), -1);
	assert_int_equal(keymap_find(&km, XK_x, 1, &k, &m), -1);
	assert_int_equal(keymap_find(&km, XK_eacute, 1, &k, &m), -1);
	assert_int_equal(keymap_find(&km, 0, 1, &k, &m), -1);
	assert_int_equal(keymap_find(&km, 0x100263a, 1, &k, &m), -1);
}

static void
test_bind(void **state)
{
	(void)state;
	assert_true(keymap_empty(&km, 14));
	assert_true(keymap_empty(&km, 19));
	assert_false(keymap_empty(&km, 8));
	assert_false(keymap_empty(&km, 7));	/* outside */
	assert_false(keymap_empty(&km, 20));
	keymap_bind(&km, 14, XK_eacute);
	expect(XK_eacute, 1, 14, 0);
	assert_int_equal(keymap_get(&km, 14, 1), XK_eacute);
	assert_int_equal(keymap_get(&km, 14, 2), 0);
	keymap_bind(&km, 14, 0);
	assert_true(keymap_empty(&km, 14));
	keymap_bind(&km, 99, XK_eacute);	/* outside: ignored */
	assert_int_equal(keymap_get(&km, 99, 0), 0);
	assert_int_equal(keymap_get(&km, 8, -1), 0);
	assert_int_equal(keymap_get(&km, 8, PER), 0);
}

static void
test_bad_tables(void **state)
{
	struct keymap k = { 0 };
	unsigned long one[KEYMAP_PER_MAX + 1] = { XK_a };

	(void)state;
	assert_int_equal(keymap_set(&k, 7, 1, 1, one), -1);
	assert_int_equal(keymap_set(&k, 8, 0, 1, one), -1);
	assert_int_equal(keymap_set(&k, 8, 1, 0, one), -1);
	assert_int_equal(keymap_set(&k, 8, 1, KEYMAP_PER_MAX + 1, one), -1);
	assert_int_equal(keymap_set(&k, 250, 7, 1, one), -1);
	assert_int_equal(keymap_set(&k, 8, 1, 1, NULL), -1);
	assert_null(k.syms);
	assert_int_equal(keymap_set(&k, 255, 1, 1, one), 0);
	keymap_free(&k);
	{
		struct keymap e = { 0 };
		int kc, m;

		assert_int_equal(keymap_find(&e, XK_a, 1, &kc, &m), -1);
		assert_false(keymap_empty(&e, 8));
	}
}

static void
name_is(uint32_t ks, const char *want)
{
	char out[64];

	inject_keysym_name(ks, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_names(void **state)
{
	char small[3] = "zz";

	(void)state;
	name_is(XK_a, "a");
	name_is(XK_Return, "Return");
	name_is(XK_eacute, "eacute");
	name_is(XK_ISO_Level3_Shift, "ISO_Level3_Shift");
	name_is(0x100263a, "U+263A");
	name_is(0x1000041, "U+0041");
	name_is(0x110ffff, "U+10FFFF");
	name_is(0x1110000, "0x01110000");
	name_is(0x1ffffff, "0x01FFFFFF");
	name_is(0, "0x00000000");
	name_is(0x12345678, "0x12345678");
	inject_keysym_name(XK_Return, small, sizeof(small));
	assert_string_equal(small, "Re");
	inject_keysym_name(XK_Return, small, 0);	/* nothing written */
	assert_string_equal(small, "Re");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_keysym, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keypad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bind, setup, teardown),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
