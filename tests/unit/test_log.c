/* Unit tests: common/log.c escaping (log_sanitize) and its inverse
 * (log_unescape), which the monitor applies to what the network process
 * escaped before the transcript escapes it its own way. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/log.h"

/* Every byte 1..255 survives log_sanitize then log_unescape. */
static void
test_roundtrip(void **state)
{
	char raw[256], esc[1100], back[300];
	size_t n;
	int i;

	(void)state;
	for (i = 1; i < 256; i++)
		raw[i - 1] = (char)i;
	raw[255] = '\0';
	log_sanitize(esc, sizeof(esc), raw, 255);
	for (i = 0; esc[i] != '\0'; i++)
		assert_true(esc[i] >= 0x20 && esc[i] < 0x7f);
	n = log_unescape(back, sizeof(back), esc);
	assert_int_equal(n, 255);
	assert_memory_equal(back, raw, 255);
	/* A backslash was escaped too, so "\x41" written by a helper comes
	 * back as itself, not as "A". */
	log_sanitize_str(esc, sizeof(esc), "key\\x41id");
	assert_string_equal(esc, "key\\x5cx41id");
	n = log_unescape(back, sizeof(back), esc);
	assert_string_equal(back, "key\\x41id");
	assert_int_equal(n, strlen("key\\x41id"));
}

/* Untrusted input: half escapes stay literal; NUL can be produced and is
 * counted; the output is bounded. */
static void
test_unescape_hostile(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(log_unescape(out, sizeof(out), "a\\x0"), 4);
	assert_string_equal(out, "a\\x0");
	assert_int_equal(log_unescape(out, sizeof(out), "\\xg1\\"), 5);
	assert_string_equal(out, "\\xg1\\");
	assert_int_equal(log_unescape(out, sizeof(out), "a\\x00b"), 3);
	assert_memory_equal(out, "a\0b", 4);
	assert_int_equal(log_unescape(out, sizeof(out), "\\x0A\\x0a"), 2);
	assert_memory_equal(out, "\n\n", 3);
	assert_int_equal(log_unescape(out, sizeof(out), "0123456789"), 7);
	assert_string_equal(out, "0123456");
	assert_int_equal(log_unescape(out, 1, "abc"), 0);
	assert_string_equal(out, "");
	assert_int_equal(log_unescape(out, 0, "abc"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_unescape_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
