/* Unit tests: common/duration.c */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/duration.h"

static void
test_good(void **state)
{
	(void)state;
	assert_int_equal(duration_parse("0"), 0);
	assert_int_equal(duration_parse("90"), 90);
	assert_int_equal(duration_parse("30s"), 30);
	assert_int_equal(duration_parse("15m"), 900);
	assert_int_equal(duration_parse("1h30m"), 5400);
	assert_int_equal(duration_parse("1w"), 604800);
	assert_int_equal(duration_parse("2M5"), 125);
}

static void
test_bad(void **state)
{
	(void)state;
	assert_int_equal(duration_parse(NULL), -1);
	assert_int_equal(duration_parse(""), -1);
	assert_int_equal(duration_parse("-5"), -1);
	assert_int_equal(duration_parse("5x"), -1);
	assert_int_equal(duration_parse("m"), -1);
	assert_int_equal(duration_parse("5 m"), -1);
	assert_int_equal(duration_parse("1w1s"), -1);	/* over a week */
	assert_int_equal(duration_parse("99999999999999999999"), -1);
	assert_int_equal(duration_parse("5mm"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
