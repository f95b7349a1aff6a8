/* Unit tests: common/tparse.c, reading one transcript line. Good lines,
 * then many bad ones, each refused with its own precise reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/tline.h"
#include "common/tparse.h"

#define TIME	"2026-11-29T12:00:00.123Z"
#define HEAD	TIME " session=s host=h user=u event=e seq=1"
#define HEX64	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CHAIN	" chain=" HEX64 "\n"

static struct tparse_line p;	/* 24 KiB: not on the stack */
static char big[TLINE_MAX * 2];

static int
parse(const char *s, size_t n, char *err, size_t errsz)
{
	return tparse_line(&p, s, n, err, errsz);
}

static void
must_parse(const char *s)
{
	char err[TPARSE_ERR_MAX];

	if (parse(s, strlen(s), err, sizeof(err)) != 0)
		fail_msg("refused (%s): %s", err, s);
}

/* s (n bytes, or strlen) is refused with a reason containing why. */
static void
must_refuse_n(const char *s, size_t n, const char *why)
{
	char err[TPARSE_ERR_MAX] = "";

	if (parse(s, n, err, sizeof(err)) == 0)
		fail_msg("accepted: %.*s", (int)n, s);
	if (strstr(err, why) == NULL)
		fail_msg("reason \"%s\", wanted \"%s\" for: %.*s", err, why,
		    (int)n, s);
}

static void
must_refuse(const char *s, const char *why)
{
	must_refuse_n(s, strlen(s), why);
}

/* A good line of exactly total bytes in big: HEAD, " p=ppp..." fields,
 * chain. */
static void
fill_line(size_t total)
{
	char *o = big + sprintf(big, "%s", HEAD);
	size_t rest = total - strlen(HEAD) - strlen(CHAIN);

	while (rest > 0) {
		size_t k = rest - 3;

		if (k > 1000)
			k = rest - 1003 >= 4 ? 1000 : 900;
		memcpy(o, " p=", 3);
		memset(o + 3, 'p', k);
		o += 3 + k;
		rest -= 3 + k;
	}
	strcpy(o, CHAIN);
}

static void
test_good(void **state)
{
	const struct tparse_field *f;
	size_t n;

	(void)state;
	must_parse(HEAD CHAIN);
	assert_string_equal(p.time, TIME);
	assert_true(p.unix_ms == 1795953600123LL);
	assert_true(p.seq == 1);
	assert_int_equal(p.nfields, 6);
	assert_string_equal(p.chain, HEX64);
	assert_int_equal(p.text_len, strlen(HEAD));
	assert_string_equal(tparse_value(&p, "event", &n), "e");
	assert_int_equal(n, 1);
	assert_null(tparse_get(&p, "helper"));
	assert_true(tparse_is(&p, "user", "u"));
	assert_false(tparse_is(&p, "user", "us"));
	assert_false(tparse_is(&p, "nope", "u"));

	must_parse(HEAD " prev_session=none prev_chain=" HEX64
	    " a=\"x y\" b=\"\" c=\"\\x00\\xff\\x3d\\\"\\\\\\n\\r\\t\" "
	    "d=-._:/@+,~%AZaz09 a=second" CHAIN);
	assert_string_equal(tparse_value(&p, "a", NULL), "x y");
	f = tparse_get(&p, "c");
	assert_int_equal(f->vlen, 8);
	assert_memory_equal(f->value, "\0\xff=\"\\\n\r\t", 8);
	assert_true(f->quoted);
	assert_int_equal(tparse_get(&p, "b")->vlen, 0);
	assert_false(tparse_get(&p, "d")->quoted);
	assert_memory_equal(tparse_get(&p, "c")->raw, "\"\\x00", 5);
	assert_int_equal(p.text_len, strlen(p.line) - strlen(CHAIN));

	must_parse(TIME " session=s host=h user=u event=e "
	    "seq=18446744073709551615" CHAIN);
	assert_true(p.seq == 18446744073709551615ULL);
	must_parse("2024-02-29T23:59:59.999Z session=s host=h user=u event=e "
	    "seq=1" CHAIN);
	must_parse("2000-02-29T00:00:00.000Z session=s host=h user=u event=e "
	    "seq=1" CHAIN);
}

/* The longest values, a cut value, the most fields, the longest line. */
static void
test_limits(void **state)
{
	char *o;
	int i;

	(void)state;
	o = big + sprintf(big, "%s v=", HEAD);
	memset(o, 'v', TLINE_MAX_VALUE);
	strcpy(o + TLINE_MAX_VALUE, CHAIN);
	must_parse(big);
	assert_int_equal(tparse_get(&p, "v")->vlen, TLINE_MAX_VALUE);
	/* bare, one byte too long */
	memset(o, 'v', TLINE_MAX_VALUE + 1);
	strcpy(o + TLINE_MAX_VALUE + 1, CHAIN);
	must_refuse(big, "field 6 (v): value longer than 1024");

	/* quoted, cut: 1024 bytes then "..." */
	o[0] = '"';
	memset(o + 1, ' ', TLINE_MAX_VALUE);
	strcpy(o + 1 + TLINE_MAX_VALUE, "...\"" CHAIN);
	must_parse(big);
	assert_true(tparse_get(&p, "v")->cut);
	assert_int_equal(tparse_get(&p, "v")->vlen, TPARSE_MAX_VALUE);
	/* 1027 bytes not ending in "...": not a cut, too long */
	strcpy(o + 1 + TLINE_MAX_VALUE, "..x\"" CHAIN);
	must_refuse(big, "longer than 1024 and not cut");
	/* 1025 bytes */
	strcpy(o + 1 + TLINE_MAX_VALUE, "x\"" CHAIN);
	must_refuse(big, "longer than 1024 and not cut");
	/* 1028 bytes */
	strcpy(o + 1 + TLINE_MAX_VALUE, "....\"" CHAIN);
	must_refuse(big, "value longer than 1027");
	/* a short quoted value ending in "..." is just a value */
	must_parse(HEAD " v=\"wait ...\"" CHAIN);
	assert_false(tparse_get(&p, "v")->cut);

	/* TLINE_MAX_FIELDS fields: 5 + 250 + chain */
	o = big + sprintf(big, "%s", HEAD);
	for (i = 0; i < TLINE_MAX_FIELDS - 6; i++)
		o += sprintf(o, " f=1");
	strcpy(o, CHAIN);
	must_parse(big);
	assert_int_equal(p.nfields, TLINE_MAX_FIELDS);
	strcpy(o, " f=1" CHAIN);
	must_refuse(big, "more than 256 fields");

	/* exactly TLINE_MAX bytes, then one more */
	fill_line(TLINE_MAX);
	assert_int_equal(strlen(big), TLINE_MAX);
	must_parse(big);
	fill_line(TLINE_MAX + 1);
	must_refuse(big, "line of 8193 bytes, longer than 8192");
}

static void
test_bad_shape(void **state)
{
	(void)state;
	must_refuse_n("", 0, "empty line");
	must_refuse_n(HEAD CHAIN, strlen(HEAD CHAIN) - 1,
	    "no newline at the end");
	must_refuse(HEAD CHAIN HEAD CHAIN, "newline at column");
	must_refuse(HEAD " chain=" HEX64 "\r\n", "byte 0x0d");
	must_refuse(HEAD " a=\"\t\"" CHAIN, "byte 0x09");
	must_refuse(HEAD " a=\"\x80\"" CHAIN, "byte 0x80");
	must_refuse(HEAD " a=\"\x7f\"" CHAIN, "byte 0x7f");
	must_refuse_n(HEAD " a=\"\0\"" CHAIN, sizeof(HEAD " a=\"\0\"" CHAIN)
	    - 1, "byte 0x00");
	must_refuse("\n", "time: shorter");
	must_refuse(TIME "\n", "only 0 of the fields");
	must_refuse(TIME "x", "no newline");
	must_refuse(TIME "session=s" CHAIN, "no space after the time");
	must_refuse(HEAD "\n", "no chain= at the end");
	must_refuse(HEAD " a=b\n", "no chain= at the end");
	must_refuse(HEAD CHAIN "\n", "newline at column");
	must_refuse(HEAD " chain=" HEX64 " a=b\n", "field 7: a field after "
	    "chain=");
	must_refuse(HEAD " chain=" HEX64 " \n", "a field after chain=");
	must_refuse(HEAD "  chain=" HEX64 "\n", "field 6: no key");
	must_refuse(HEAD " a=b " CHAIN, "field 7: no key");
	must_refuse(HEAD " a=\"b c\"d" CHAIN, "no space or end after a value");
	must_refuse(TIME " session=s host=h user=u event=e" CHAIN,
	    "field 5 (chain): seq= expected");
}

static void
test_bad_time(void **state)
{
	static const char *const bad[] = {
		"2026-11-29 12:00:00.123Z", "2026-11-29T12:00:00.123z",
		"2026-11-29T12:00:00,123Z", "2026/11/29T12:00:00.123Z",
		"2026-11-29T12:00:00.12Z ", "+026-11-29T12:00:00.123Z",
		"2026-1-29T12:00:00.1234Z", "2026-11-29T12:00:00Z.123",
	};
	static const char *const impossible[] = {
		"2026-13-29T12:00:00.123Z", "2026-00-29T12:00:00.123Z",
		"2025-02-29T12:00:00.123Z", "1900-02-29T12:00:00.123Z",
		"2026-04-31T12:00:00.123Z", "2026-11-00T12:00:00.123Z",
		"2026-11-29T24:00:00.123Z", "2026-11-29T12:60:00.123Z",
		"2026-11-29T12:00:60.123Z", "1969-12-31T23:59:59.999Z",
	};
	char line[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s session=s host=h user=u "
		    "event=e seq=1%s", bad[i], CHAIN);
		must_refuse(line, "time: not of the form");
	}
	for (i = 0; i < sizeof(impossible) / sizeof(impossible[0]); i++) {
		snprintf(line, sizeof(line), "%s session=s host=h user=u "
		    "event=e seq=1%s", impossible[i], CHAIN);
		must_refuse(line, "time: no such");
	}
}

static void
test_bad_keys(void **state)
{
	(void)state;
	must_refuse(TIME " host=h session=s user=u event=e seq=1" CHAIN,
	    "field 1 (host): session= expected here");
	must_refuse(TIME " session=s user=u host=h event=e seq=1" CHAIN,
	    "field 2 (user): host= expected here");
	must_refuse(TIME " session=s host=h user=u seq=1 event=e" CHAIN,
	    "field 4 (seq): event= expected here");
	must_refuse(HEAD " seq=2" CHAIN, "field 6 (seq): second seq=");
	must_refuse(HEAD " event=x" CHAIN, "second event=");
	must_refuse(HEAD " session=x" CHAIN, "second session=");
	must_refuse(HEAD " prev_chain=none prev_chain=none" CHAIN,
	    "field 7 (prev_chain): second prev_chain=");
	must_refuse(HEAD " prev_session=a prev_session=a" CHAIN,
	    "second prev_session=");
	must_refuse(HEAD " dropped=1 dropped=2" CHAIN, "second dropped=");
	must_refuse(HEAD " Key=v" CHAIN, "field 6: bad key \"Key\"");
	must_refuse(HEAD " 1a=v" CHAIN, "bad key \"1a\"");
	must_refuse(HEAD " _a=v" CHAIN, "bad key");
	must_refuse(HEAD " a-b=v" CHAIN, "bad key \"a-b\"");
	must_refuse(HEAD " a\"b=v" CHAIN, "bad key");
	must_refuse(HEAD " =v" CHAIN, "field 6: no key before '='");
	must_refuse(HEAD " a23456789012345678901234567890123=v" CHAIN,
	    "bad key");
	must_parse(HEAD " a2345678901234567890123456789012=v" CHAIN);
	must_refuse(HEAD " novalue" CHAIN, "field 6: no '=' after the key");
	must_refuse(HEAD " a" CHAIN, "no '=' after the key");
	must_refuse(HEAD " \"a\"=b" CHAIN, "bad key");
}

static void
test_bad_values(void **state)
{
	(void)state;
	must_refuse(HEAD " detail=\"abc" CHAIN,
	    "field 6 (detail): '=' inside quotes");
	must_refuse(HEAD " detail=\"abc\n", "field 6 (detail): unterminated "
	    "quote");
	must_refuse(HEAD " detail=\"abc\\\n", "unterminated quote");
	must_refuse(HEAD " d=\"\\q\"" CHAIN, "field 6 (d): unknown escape \\q");
	must_refuse(HEAD " d=\"\\0\"" CHAIN, "unknown escape \\0");
	must_refuse(HEAD " d=\"\\x4\"" CHAIN, "\\x needs two lowercase hex");
	must_refuse(HEAD " d=\"\\xZZ\"" CHAIN, "\\x needs two lowercase hex");
	must_refuse(HEAD " d=\"\\x1B\"" CHAIN, "\\x needs two lowercase hex");
	must_refuse(HEAD " d=\"\\x41\"" CHAIN, "\\x41 where the byte itself");
	must_refuse(HEAD " d=\"\\x0a\"" CHAIN, "\\x0a where the byte itself");
	must_refuse(HEAD " d=\"\\x20\"" CHAIN, "\\x20 where");
	must_refuse(HEAD " d=\"\\x5c\"" CHAIN, "\\x5c where");
	must_refuse(HEAD " d=\"a=b\"" CHAIN, "'=' inside quotes");
	must_refuse(HEAD " d=\"abc\"" CHAIN, "field 6 (d): quotes around a "
	    "value that needs none");
	must_refuse(HEAD " d=a\"b" CHAIN, "field 6 (d): '\"' in a value "
	    "without quotes");
	must_refuse(HEAD " d=a\\b" CHAIN, "'\\' in a value without quotes");
	must_refuse(HEAD " d=a=b" CHAIN, "'=' in a value without quotes");
	must_refuse(HEAD " d=a;b" CHAIN, "';' in a value");
	must_refuse(HEAD " d=" CHAIN, "field 6 (d): empty value");
	must_refuse(HEAD " d= e=1" CHAIN, "empty value");
	must_refuse(HEAD " d=\"x y\"\"z\"" CHAIN, "no space or end");
	must_refuse(TIME " session=\"a\" host=h user=u event=e seq=1" CHAIN,
	    "field 1 (session): quotes around");
}

static void
test_bad_seq_and_chain(void **state)
{
	static const char *const seq[] = {
		"0", "01", "-1", "+1", "1.0", "1a", "\"1 \"",
		"18446744073709551616", "99999999999999999999",
		"111111111111111111111",
	};
	static const char *const chain[] = {
		HEX64 "a", "aaa", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAAAAAAA", "gaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaa", "\"" HEX64 " \"",
	};
	char line[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		snprintf(line, sizeof(line), TIME " session=s host=h user=u "
		    "event=e seq=%s%s", seq[i], CHAIN);
		must_refuse(line, "field 5 (seq): not a whole number");
	}
	for (i = 0; i < sizeof(chain) / sizeof(chain[0]); i++) {
		snprintf(line, sizeof(line), HEAD " chain=%s\n", chain[i]);
		must_refuse(line, "field 6 (chain): not 64 lowercase hex");
	}
}

/* Every prefix of a good line, and every one-byte change of it, is
 * either refused with a reason or a line of the same shape. */
static void
test_every_cut_and_byte(void **state)
{
	static const char good[] = HEAD " prev_session=none a=\"x \\\" \\x3d\""
	    " b=1" CHAIN;
	char line[sizeof(good)], err[TPARSE_ERR_MAX];
	size_t i, n = sizeof(good) - 1;
	unsigned c;

	(void)state;
	for (i = 0; i < n; i++) {
		err[0] = '\0';
		assert_int_equal(parse(good, i, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
	for (i = 0; i < n; i++) {
		for (c = 0; c < 256; c += 7) {
			memcpy(line, good, sizeof(good));
			line[i] = (char)c;
			err[0] = '\0';
			if (parse(line, n, err, sizeof(err)) == 0)
				assert_true(p.nfields >= 6);
			else
				assert_true(err[0] != '\0');
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_shape),
		cmocka_unit_test(test_bad_time),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_seq_and_chain),
		cmocka_unit_test(test_every_cut_and_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
