/* Unit tests: common/match.c (pattern lists, addresses, CIDR lists). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "common/match.h"

static void
test_pattern(void **state)
{
	(void)state;
	assert_int_equal(match_pattern("host", "host"), 1);
	assert_int_equal(match_pattern("host", "h*"), 1);
	assert_int_equal(match_pattern("host", "*"), 1);
	assert_int_equal(match_pattern("", "*"), 1);
	assert_int_equal(match_pattern("", ""), 1);
	assert_int_equal(match_pattern("a", ""), 0);
	assert_int_equal(match_pattern("", "?"), 0);
	assert_int_equal(match_pattern("host", "h?st"), 1);
	assert_int_equal(match_pattern("host", "h??t*"), 1);
	assert_int_equal(match_pattern("host", "*st"), 1);
	assert_int_equal(match_pattern("host", "*s"), 0);
	assert_int_equal(match_pattern("host", "Host"), 0);	/* case matters */
	assert_int_equal(match_pattern("a.b.c", "*.*.c"), 1);
	assert_int_equal(match_pattern("abcabd", "*abd"), 1);
	assert_int_equal(match_pattern("abcab", "*abd"), 0);
	assert_int_equal(match_pattern("mississippi", "m*iss*ppi"), 1);
	assert_int_equal(match_pattern("mississippi", "m*iss*ppx"), 0);
}

/* A naive recursive glob is exponential here; ours must not be. */
static void
test_pattern_no_blowup(void **state)
{
	char s[4001], p[201];
	clock_t t0 = clock();
	int i;

	(void)state;
	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	for (i = 0; i < 200; i += 2) {
		p[i] = 'a';
		p[i + 1] = '*';
	}
	p[199] = 'b';
	p[200] = '\0';
	assert_int_equal(match_pattern(s, p), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}

static void
test_pattern_list(void **state)
{
	char longp[MATCH_MAX_ENTRY + 10];

	(void)state;
	assert_int_equal(match_pattern_list("a.example", "*.example", false), 1);
	assert_int_equal(match_pattern_list("a.example", "x,y,*.example",
	    false), 1);
	assert_int_equal(match_pattern_list("a.example", "*,!a.example",
	    false), -1);
	assert_int_equal(match_pattern_list("a.example", "!a.example,*",
	    false), -1);
	assert_int_equal(match_pattern_list("b.example", "!a.example", false),
	    0);	/* a negation alone never matches */
	assert_int_equal(match_pattern_list("b.example", "!a.example,*",
	    false), 1);
	assert_int_equal(match_pattern_list("A.Example", "a.example", false),
	    0);
	assert_int_equal(match_pattern_list("A.Example", "a.example", true),
	    1);
	assert_int_equal(match_hostname("a.example", "A.EXAMPLE"), 1);
	assert_int_equal(match_pattern_list("x", "", false), 0);
	assert_int_equal(match_pattern_list("", "", false), 1);
	assert_int_equal(match_pattern_list("x", ",", false), 0);
	assert_int_equal(match_pattern_list("x", "!", false), 0);
	assert_int_equal(match_pattern_list("", "a,", false), 1);
	/* An entry over the limit makes the whole list fail closed. */
	memset(longp, '*', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(match_pattern_list("x", longp, false), 0);
	longp[0] = 'x';
	longp[1] = ',';
	assert_int_equal(match_pattern_list("x", longp, false), 0);
}

static void
test_addr_parse(void **state)
{
	static const char *bad[] = {
		"", "127.1", "1.2.3.4.5", "256.1.1.1", "1.2.3.", " 1.2.3.4",
		"::1%eth0", "::g", "1.2.3.4/8", "localhost", ":::",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999",
		"000000000000000000000000000000000000000000000000000000000000001.2.3.4",
	};
	struct match_addr a;
	size_t i;

	(void)state;
	assert_int_equal(match_addr_parse("192.0.2.1", &a), 0);
	assert_int_equal(a.af, 2 /* AF_INET */);
	assert_int_equal(a.a[0], 192);
	assert_int_equal(match_addr_parse("2001:db8::1", &a), 0);
	assert_int_equal(a.af, 10 /* AF_INET6 */);
	assert_int_equal(match_addr_parse("::ffff:10.1.2.3", &a), 0);
	assert_int_equal(a.af, 2);
	assert_int_equal(a.a[0], 10);
	assert_int_equal(a.a[3], 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(match_addr_parse(bad[i], &a), -1);
}

static void
test_cidr_parse(void **state)
{
	static const char *bad[] = {
		"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1",
		"10.0.0.0/8/8", "10.0.0.0/ 8", "10.0.0.0/0008", "::/129",
		"10.0.0.0/x", "foo/8", "10.0.0.0.0/8",
	};
	struct match_addr net, a;
	unsigned bits;
	size_t i;

	(void)state;
	assert_int_equal(match_cidr_parse("10.0.0.0/8", &net, &bits), 0);
	assert_int_equal(bits, 8);
	assert_int_equal(match_cidr_parse("10.1.2.3", &net, &bits), 0);
	assert_int_equal(bits, 32);
	assert_int_equal(match_cidr_parse("::/0", &net, &bits), 0);
	assert_int_equal(bits, 0);
	assert_int_equal(match_cidr_parse("2001:db8::/32", &net, &bits), 0);
	assert_int_equal(match_cidr_parse("0.0.0.0/0", &net, &bits), 0);
	assert_int_equal(match_cidr_parse("10.0.0.0/0", &net, &bits), -2);
	/* host bits set: inconsistent */
	assert_int_equal(match_cidr_parse("10.1.2.3/8", &net, &bits), -2);
	assert_int_equal(match_cidr_parse("2001:db8::1/64", &net, &bits), -2);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(match_cidr_parse(bad[i], &net, &bits), -1);

	assert_int_equal(match_cidr_parse("192.168.0.0/23", &net, &bits), 0);
	assert_int_equal(match_addr_parse("192.168.1.255", &a), 0);
	assert_true(match_addr_in_cidr(&a, &net, bits));
	assert_int_equal(match_addr_parse("192.168.2.0", &a), 0);
	assert_false(match_addr_in_cidr(&a, &net, bits));
	assert_int_equal(match_addr_parse("::ffff:192.168.0.7", &a), 0);
	assert_true(match_addr_in_cidr(&a, &net, bits));
	assert_int_equal(match_addr_parse("2001:db8::1", &a), 0);
	assert_false(match_addr_in_cidr(&a, &net, bits));	/* family */
	assert_false(match_addr_in_cidr(&a, &net, 200));	/* bad bits */
}

static void
test_cidr_list(void **state)
{
	(void)state;
	assert_int_equal(match_cidr_list("10.1.2.3", "10.0.0.0/8"), 1);
	assert_int_equal(match_cidr_list("10.1.2.3", "192.0.2.0/24,10.0.0.0/8"),
	    1);
	assert_int_equal(match_cidr_list("11.1.2.3", "10.0.0.0/8"), 0);
	assert_int_equal(match_cidr_list("::1", "127.0.0.1/32,::1"), 1);
	/* One bad entry spoils the whole list, even after a match. */
	assert_int_equal(match_cidr_list("10.1.2.3", "10.0.0.0/8,bogus"), -1);
	assert_int_equal(match_cidr_list("10.1.2.3", "10.0.0.0/8,"), -1);
	assert_int_equal(match_cidr_list("10.1.2.3", "10.1.2.3/8"), -1);
	assert_int_equal(match_cidr_list("10.1.2.3", "!10.0.0.0/8"), -1);
	assert_int_equal(match_cidr_list("10.1.2.3", "10.*"), -1);
	assert_int_equal(match_cidr_list("not-an-address", "10.0.0.0/8"), -1);
	assert_int_equal(match_cidr_list(NULL, "10.0.0.0/8,::1"), 0);
	assert_int_equal(match_cidr_list(NULL, "10.0.0.0/8,::1/200"), -1);
}

static void
test_addr_list(void **state)
{
	(void)state;
	assert_int_equal(match_addr_list("10.1.2.3", "10.0.0.0/8"), 1);
	assert_int_equal(match_addr_list("10.1.2.3", "10.1.*"), 1);
	assert_int_equal(match_addr_list("10.1.2.3", "!10.1.2.3,*"), -1);
	assert_int_equal(match_addr_list("10.1.2.3", "*,!10.0.0.0/8"), -1);
	assert_int_equal(match_addr_list("10.1.2.3", "192.0.2.*"), 0);
	assert_int_equal(match_addr_list("10.1.2.3", "10.1.2.3/8"), -2);
	assert_int_equal(match_addr_list("10.1.2.3", "10.0.0.0/99"), -2);
	assert_int_equal(match_addr_list("2001:db8::5", "2001:db8::/32"), 1);
	assert_int_equal(match_addr_list("garbage", "10.0.0.0/8"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_pattern_no_blowup),
		cmocka_unit_test(test_pattern_list),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_list),
		cmocka_unit_test(test_addr_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
