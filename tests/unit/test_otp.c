/* Unit tests: assistd/otp.c, the one-time access code of assistd --code:
 * sampling, format, normalisation, right / wrong / reused / expired /
 * burned, the per-connection and total try limits, and that the
 * comparison goes through OpenSSL's constant-time CRYPTO_memcmp. */
#define _GNU_SOURCE		/* RTLD_NEXT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <dlfcn.h>
#include <cmocka.h>
#include <openssl/crypto.h>

#include "assistd/otp.h"

/*
 * A spy on the real CRYPTO_memcmp (this definition wins over
 * libcrypto's for the objects linked into this test, otp.o included): it
 * counts the calls and their lengths, then calls libcrypto's own.
 */
static int memcmp_calls;
static size_t memcmp_len;

int CRYPTO_memcmp(const void *a, const void *b, size_t len);

int
CRYPTO_memcmp(const void *a, const void *b, size_t len)
{
	static int (*real)(const void *, const void *, size_t);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "CRYPTO_memcmp");
	assert_non_null(real);
	memcmp_calls++;
	memcmp_len = len;
	return real(a, b, len);
}

#define NOW	1000000LL
#define LATER	(NOW + 60000)

/* An otp with code 4821-9930, expiring at LATER. */
static void
make(struct otp *o)
{
	otp_init(o, (const unsigned char *)"48219930", LATER);
}

static enum otp_result
check(struct otp *o, int *conn, const char *answer, unsigned *left)
{
	return otp_check(o, conn, answer, NOW, left);
}

static void
test_sampling(void **state)
{
	unsigned char d[OTP_DIGITS];

	(void)state;
	assert_int_equal(otp_digits_from(0, d), 0);
	assert_memory_equal(d, "00000000", OTP_DIGITS);
	assert_int_equal(otp_digits_from(123456789u, d), 0);
	assert_memory_equal(d, "23456789", OTP_DIGITS);
	/* The last value kept, and the first one drawn again. */
	assert_int_equal(otp_digits_from(OTP_SAMPLE_LIMIT - 1, d), 0);
	assert_memory_equal(d, "99999999", OTP_DIGITS);
	assert_int_equal(otp_digits_from(OTP_SAMPLE_LIMIT, d), -1);
	assert_int_equal(otp_digits_from(UINT32_MAX, d), -1);
	/* The limit is a whole number of 10^8 blocks: uniform. */
	assert_int_equal(OTP_SAMPLE_LIMIT % 100000000u, 0);
	assert_true((uint64_t)OTP_SAMPLE_LIMIT + 100000000u > UINT32_MAX);
}

static void
test_new_codes(void **state)
{
	int seen[OTP_DIGITS][10] = { { 0 } };
	char shown[OTP_SHOWN_MAX];
	struct otp o, prev;
	int i, k, d, same = 0;

	(void)state;
	memset(&prev, 0, sizeof(prev));
	for (i = 0; i < 2000; i++) {
		assert_int_equal(otp_new(&o, LATER), 0);
		for (k = 0; k < OTP_DIGITS; k++) {
			assert_true(o.code[k] >= '0' && o.code[k] <= '9');
			seen[k][o.code[k] - '0']++;
		}
		same += memcmp(o.code, prev.code, OTP_DIGITS) == 0;
		prev = o;
		assert_int_equal(o.wrong_left, OTP_TRIES_TOTAL);
		assert_false(o.used);
	}
	assert_true(same <= 1);
	/* 200 expected per digit and place; a broken generator (a stuck
	 * place, digits from a biased byte) falls far outside. */
	for (k = 0; k < OTP_DIGITS; k++)
		for (d = 0; d < 10; d++)
			assert_in_range(seen[k][d], 120, 280);
	otp_format(&o, shown);
	assert_int_equal(strlen(shown), OTP_SHOWN_MAX - 1);
	assert_int_equal(shown[4], '-');
}

static void
test_format(void **state)
{
	char shown[OTP_SHOWN_MAX];
	struct otp o;

	(void)state;
	make(&o);
	otp_format(&o, shown);
	assert_string_equal(shown, "4821-9930");
}

static void
test_right_then_reused(void **state)
{
	struct otp o;
	int c1 = OTP_TRIES_CONN, c2 = OTP_TRIES_CONN;
	unsigned left = 99;

	(void)state;
	make(&o);
	assert_int_equal(check(&o, &c1, "48219930", &left), OTP_OK);
	assert_int_equal(left, 0);
	assert_true(o.used);
	/* Single use, across connections, even with the right code. */
	assert_int_equal(check(&o, &c2, "48219930", &left), OTP_REUSED);
	assert_int_equal(check(&o, &c1, "4821-9930", &left), OTP_REUSED);
	assert_int_equal(left, 0);
	assert_int_equal(c2, OTP_TRIES_CONN);
	assert_int_equal(o.wrong_left, OTP_TRIES_TOTAL);
}

static void
test_normalisation(void **state)
{
	static const char *const right[] = {
		"48219930", "4821-9930", "4821 9930", " 4821 - 9930 ",
		"4-8-2-1-9-9-3-0", "\t48219930\t", "--48219930--",
	};
	static const char *const wrong[] = {
		"", "-", "   ", "4821993", "482199300", "48219931",
		"4821_9930", "4821.9930", "48219930x", "x48219930",
		"4821\n9930", "\357\274\22048219930",
	};
	unsigned char n[OTP_DIGITS];
	unsigned left;
	struct otp o;
	size_t i;
	int conn;

	(void)state;
	assert_int_equal(otp_normalise(" 48-21 ", n), 4);
	assert_memory_equal(n, "4821\0\0\0\0", OTP_DIGITS);
	assert_int_equal(otp_normalise("1234567890", n), 10);
	assert_memory_equal(n, "12345678", OTP_DIGITS);
	for (i = 0; i < sizeof(right) / sizeof(right[0]); i++) {
		make(&o);
		conn = OTP_TRIES_CONN;
		if (check(&o, &conn, right[i], &left) != OTP_OK)
			fail_msg("\"%s\" not taken for 4821-9930", right[i]);
	}
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		make(&o);
		conn = OTP_TRIES_CONN;
		if (check(&o, &conn, wrong[i], &left) != OTP_WRONG)
			fail_msg("\"%s\" taken for 4821-9930", wrong[i]);
		assert_int_equal(o.wrong_left, OTP_TRIES_TOTAL - 1);
	}
}

static void
test_wrong_counts_per_connection(void **state)
{
	struct otp o;
	int conn = OTP_TRIES_CONN;
	unsigned left;

	(void)state;
	make(&o);
	assert_int_equal(check(&o, &conn, "11111111", &left), OTP_WRONG);
	assert_int_equal(left, 2);
	assert_int_equal(check(&o, &conn, "22222222", &left), OTP_WRONG);
	assert_int_equal(left, 1);
	assert_int_equal(check(&o, &conn, "33333333", &left), OTP_WRONG);
	assert_int_equal(left, 0);
	assert_int_equal(conn, 0);
	/* A connection out of tries is not compared, even when right. */
	assert_int_equal(check(&o, &conn, "48219930", &left), OTP_WRONG);
	assert_int_equal(left, 0);
	assert_false(o.used);
	/* Another connection still can (5 in total: 1 left now). */
	conn = OTP_TRIES_CONN;
	assert_int_equal(check(&o, &conn, "48219930", &left), OTP_OK);
}

static void
test_burned_after_total(void **state)
{
	int a = OTP_TRIES_CONN, b = OTP_TRIES_CONN, c = OTP_TRIES_CONN;
	struct otp o;
	unsigned left;

	(void)state;
	make(&o);
	assert_int_equal(check(&o, &a, "00000001", &left), OTP_WRONG);
	assert_int_equal(check(&o, &a, "00000002", &left), OTP_WRONG);
	assert_int_equal(check(&o, &a, "00000003", &left), OTP_WRONG);
	assert_int_equal(left, 0);
	assert_false(o.burned);
	assert_int_equal(check(&o, &b, "00000004", &left), OTP_WRONG);
	/* Connection b has 2 of its own but the code only 1 in all. */
	assert_int_equal(left, 1);
	assert_int_equal(check(&o, &b, "00000005", &left), OTP_WRONG);
	assert_int_equal(left, 0);
	assert_true(o.burned);
	assert_int_equal(o.wrong_left, 0);
	/* Burned: the right code no longer opens, and is not compared. */
	memcmp_calls = 0;
	assert_int_equal(check(&o, &c, "48219930", &left), OTP_BURNED);
	assert_int_equal(memcmp_calls, 0);
	assert_int_equal(left, 0);
	assert_int_equal(c, OTP_TRIES_CONN);
	assert_false(o.used);
}

static void
test_expired(void **state)
{
	int conn = OTP_TRIES_CONN;
	struct otp o;
	unsigned left;

	(void)state;
	make(&o);
	assert_int_equal(otp_check(&o, &conn, "48219930", LATER, &left),
	    OTP_EXPIRED);
	assert_int_equal(otp_check(&o, &conn, "48219930", LATER + 1, &left),
	    OTP_EXPIRED);
	assert_int_equal(left, 0);
	assert_int_equal(o.wrong_left, OTP_TRIES_TOTAL);
	assert_int_equal(conn, OTP_TRIES_CONN);
	/* One millisecond before the deadline it still opens. */
	assert_int_equal(otp_check(&o, &conn, "48219930", LATER - 1, &left),
	    OTP_OK);
}

static void
test_constant_time_compare(void **state)
{
	int conn = OTP_TRIES_CONN;
	struct otp o;
	unsigned left;

	(void)state;
	make(&o);
	memcmp_calls = 0;
	memcmp_len = 0;
	assert_int_equal(check(&o, &conn, "48219931", &left), OTP_WRONG);
	assert_int_equal(memcmp_calls, 1);
	assert_int_equal(memcmp_len, OTP_DIGITS);
	/* Short and long answers are compared over the whole code too. */
	assert_int_equal(check(&o, &conn, "4", &left), OTP_WRONG);
	assert_int_equal(memcmp_calls, 2);
	assert_int_equal(memcmp_len, OTP_DIGITS);
	conn = OTP_TRIES_CONN;
	assert_int_equal(check(&o, &conn, "4821-9930-4821-9930", &left),
	    OTP_WRONG);
	assert_int_equal(memcmp_calls, 3);
	assert_int_equal(check(&o, &conn, "4821 9930", &left), OTP_OK);
	assert_int_equal(memcmp_calls, 4);
	assert_int_equal(memcmp_len, OTP_DIGITS);
	/* Reused and expired are decided before any comparison. */
	assert_int_equal(check(&o, &conn, "4821 9930", &left), OTP_REUSED);
	make(&o);
	assert_int_equal(otp_check(&o, &conn, "48219930", LATER, &left),
	    OTP_EXPIRED);
	assert_int_equal(memcmp_calls, 4);
}

static void
test_names_and_wipe(void **state)
{
	int conn = OTP_TRIES_CONN;
	static const unsigned char zero[OTP_DIGITS];
	struct otp o;
	unsigned left;

	(void)state;
	assert_string_equal(otp_result_name(OTP_OK), "ok");
	assert_string_equal(otp_result_name(OTP_WRONG), "wrong");
	assert_string_equal(otp_result_name(OTP_REUSED), "reused");
	assert_string_equal(otp_result_name(OTP_EXPIRED), "expired");
	assert_string_equal(otp_result_name(OTP_BURNED), "burned");
	make(&o);
	otp_wipe(&o);
	assert_memory_equal(o.code, zero, OTP_DIGITS);
	/* A wiped code opens nothing, not even all zeros. */
	assert_int_equal(check(&o, &conn, "00000000", &left), OTP_REUSED);
	assert_int_equal(check(&o, &conn, "48219930", &left), OTP_REUSED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_new_codes),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_right_then_reused),
		cmocka_unit_test(test_normalisation),
		cmocka_unit_test(test_wrong_counts_per_connection),
		cmocka_unit_test(test_burned_after_total),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_constant_time_compare),
		cmocka_unit_test(test_names_and_wipe),
	};

	/* Links libcrypto for real (with --as-needed it would not be: otp.o
	 * needs only CRYPTO_memcmp, which the spy provides), so that
	 * RTLD_NEXT finds the real one. */
	if (OpenSSL_version_num() < 0x30000000L)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
