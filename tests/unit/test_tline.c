/* Unit tests: common/tline.c, the transcript line builder (read back
 * with common/tparse.c, so builder and parser are held to each other). */
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

#define T_MS	1795953600123LL		/* 2026-11-29T12:00:00.123Z */
#define T_SESSION "0123456789abcdef"

static struct tparse_line parsed;	/* 24 KiB: not on the stack */
static struct tline line;

static void
begin(struct tline *l, unsigned long long seq)
{
	tline_begin(l, T_MS, T_SESSION, "ws42", "bob", "auth.deny", seq);
}

/* Finishes l and parses it back; the line must be one whole line. */
static void
finish_and_parse(struct tline *l)
{
	char chain[TLINE_CHAIN_HEX + 1], err[TPARSE_ERR_MAX];

	assert_int_equal(tline_finish(l, TLINE_ZERO_CHAIN, chain), 0);
	assert_true(l->len <= TLINE_MAX);
	assert_ptr_equal(memchr(l->buf, '\n', l->len), l->buf + l->len - 1);
	if (tparse_line(&parsed, l->buf, l->len, err, sizeof(err)) != 0)
		fail_msg("parse: %s: %.*s", err, (int)l->len, l->buf);
	assert_string_equal(parsed.chain, chain);
}

/* Every byte alone as a value: its written form, and back. */
static void
test_escape_every_byte(void **state)
{
	unsigned c;

	(void)state;
	for (c = 0; c < 256; c++) {
		unsigned char v = (unsigned char)c;
		const struct tparse_field *f;
		char want[16];

		begin(&line, 1);
		tline_add_n(&line, "v", &v, 1);
		finish_and_parse(&line);
		f = tparse_get(&parsed, "v");
		assert_non_null(f);
		assert_int_equal(f->vlen, 1);
		assert_int_equal((unsigned char)f->value[0], v);
		if (tline_bare_char(v))
			snprintf(want, sizeof(want), "%c", v);
		else if (v == '"' || v == '\\')
			snprintf(want, sizeof(want), "\"\\%c\"", v);
		else if (v == '\n')
			snprintf(want, sizeof(want), "\"\\n\"");
		else if (v == '\r')
			snprintf(want, sizeof(want), "\"\\r\"");
		else if (v == '\t')
			snprintf(want, sizeof(want), "\"\\t\"");
		else if (v < 0x20 || v >= 0x7f || v == '=')
			snprintf(want, sizeof(want), "\"\\x%02x\"", v);
		else
			snprintf(want, sizeof(want), "\"%c\"", v);
		assert_int_equal(f->rawlen, strlen(want));
		assert_memory_equal(f->raw, want, f->rawlen);
	}
}

/* The bare alphabet exactly: letters, digits and -._:/@+,~% */
static void
test_bare_chars(void **state)
{
	unsigned c, n = 0;

	(void)state;
	for (c = 0; c < 256; c++)
		n += (unsigned)tline_bare_char((unsigned char)c);
	assert_int_equal(n, 26 + 26 + 10 + 10);
	assert_false(tline_bare_char(' '));
	assert_false(tline_bare_char('='));
	assert_false(tline_bare_char('"'));
	assert_false(tline_bare_char('\0'));
	assert_true(tline_bare_char('%'));
	begin(&line, 1);
	tline_add(&line, "empty", "");
	tline_add(&line, "null", NULL);
	tline_add(&line, "spaced", "a b");
	finish_and_parse(&line);
	assert_memory_equal(tparse_get(&parsed, "empty")->raw, "\"\"", 2);
	assert_int_equal(tparse_get(&parsed, "null")->vlen, 0);
	assert_string_equal(tparse_value(&parsed, "spaced", NULL), "a b");
}

/*
 * What a helper controls (a certificate key ID, a user name) cannot
 * start a line or a field: the line keeps exactly the fields added, one
 * '\n', and the value comes back byte for byte.
 */
static void
test_hostile_values(void **state)
{
	static const char *const hostile[] = {
		"alice\n2026-11-29T12:00:00.000Z session=x host=h user=u "
		    "event=auth.allow seq=2 chain=00",
		"x\" helper=mallory \"",
		"x helper=mallory",
		"x\\\" helper=mallory",
		"\\x0a event=fake",
		"=",
		"a=b=c",
		" chain=0000000000000000000000000000000000000000000000000000"
		    "000000000000",
		"\r\n\t\x1b[2J\x7f\xff",
		"\\",
		"\"",
		"x\\",
		"\\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		size_t k, eq = 0;

		begin(&line, 1);
		tline_add(&line, "key_id", hostile[i]);
		tline_add(&line, "after", "ok");
		finish_and_parse(&line);
		/* session host user event seq key_id after chain */
		assert_int_equal(parsed.nfields, 8);
		for (k = 0; k < line.len; k++)
			eq += line.buf[k] == '=';
		assert_int_equal(eq, 8);
		assert_string_equal(tparse_value(&parsed, "key_id", NULL),
		    hostile[i]);
		assert_string_equal(tparse_value(&parsed, "after", NULL), "ok");
		assert_null(tparse_get(&parsed, "helper"));
	}
	/* Hostile values in the first fields too. */
	tline_begin(&line, T_MS, "s\nx=1", "h\" event=x", "u=", "e\\", 7);
	finish_and_parse(&line);
	assert_int_equal(parsed.nfields, 6);
	assert_string_equal(tparse_value(&parsed, "host", NULL),
	    "h\" event=x");
	assert_string_equal(tparse_value(&parsed, "event", NULL), "e\\");
}

/* A value may hold NUL; it comes back with its length. */
static void
test_nul_value(void **state)
{
	static const char v[] = { 'a', '\0', 'b' };
	size_t n;
	const char *p;

	(void)state;
	begin(&line, 1);
	tline_add_n(&line, "blob", v, sizeof(v));
	finish_and_parse(&line);
	assert_non_null(strstr(line.buf, "blob=\"a\\x00b\""));
	p = tparse_value(&parsed, "blob", &n);
	assert_int_equal(n, 3);
	assert_memory_equal(p, v, 3);
}

/* Longer than TLINE_MAX_VALUE: cut there, quoted, "..." inside. */
static void
test_cut_values(void **state)
{
	static char big[TLINE_MAX_VALUE * 2];
	const struct tparse_field *f;

	(void)state;
	memset(big, 'k', sizeof(big));
	begin(&line, 1);
	tline_add_n(&line, "exact", big, TLINE_MAX_VALUE);
	finish_and_parse(&line);
	f = tparse_get(&parsed, "exact");
	assert_false(f->quoted);
	assert_false(f->cut);
	assert_int_equal(f->vlen, TLINE_MAX_VALUE);

	begin(&line, 1);
	tline_add_n(&line, "long", big, TLINE_MAX_VALUE + 1);
	finish_and_parse(&line);
	f = tparse_get(&parsed, "long");
	assert_true(f->quoted);
	assert_true(f->cut);
	assert_int_equal(f->vlen, TLINE_MAX_VALUE + 3);
	assert_memory_equal(f->value + TLINE_MAX_VALUE, "...", 3);
	assert_memory_equal(f->raw + f->rawlen - 4, "...\"", 4);

	/* Cut inside escapes: each byte becomes \xff, 4 times longer. */
	memset(big, 0xff, sizeof(big));
	begin(&line, 1);
	tline_add_n(&line, "esc", big, sizeof(big));
	finish_and_parse(&line);
	f = tparse_get(&parsed, "esc");
	assert_true(f->cut);
	assert_int_equal(f->rawlen, TLINE_MAX_VALUE * 4 + 2 + 3);
}

/* A full line leaves fields out and says how many; still one line. */
static void
test_dropped_fields(void **state)
{
	static char big[TLINE_MAX_VALUE];
	unsigned i;

	(void)state;
	memset(big, 0x01, sizeof(big));	/* 4 bytes each once escaped */
	begin(&line, 1);
	for (i = 0; i < 4; i++)
		tline_add_n(&line, "big", big, sizeof(big));
	tline_add(&line, "small", "x");
	assert_true(line.dropped >= 2);
	finish_and_parse(&line);
	assert_non_null(tparse_get(&parsed, "dropped"));
	assert_int_equal(strtoul(tparse_value(&parsed, "dropped", NULL), NULL,
	    10), line.dropped);
	assert_true(line.len <= TLINE_MAX);

	/* Too many fields: TLINE_MAX_FIELDS in all, dropped= counted. */
	begin(&line, 1);
	for (i = 0; i < TLINE_MAX_FIELDS + 20; i++)
		tline_add(&line, "f", "1");
	finish_and_parse(&line);
	assert_int_equal(parsed.nfields, TLINE_MAX_FIELDS);
	assert_string_equal(tparse_value(&parsed, "dropped", NULL), "27");
}

static void
test_bad_keys(void **state)
{
	static const char *const bad[] = {
		"", "A", "Key", "1a", "_a", ".a", "a-b", "a=b", "a b", "a\n",
		"a\"", "\xc3\xa9", "a23456789012345678901234567890123",
		"chain", "dropped",
	};
	static const char *const good[] = {
		"a", "a.b_c9", "a2345678901234567890123456789012", "z.",
	};
	char chain[TLINE_CHAIN_HEX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		begin(&line, 1);
		tline_add(&line, bad[i], "v");
		assert_int_equal(tline_finish(&line, TLINE_ZERO_CHAIN, chain),
		    -1);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		begin(&line, 1);
		tline_add(&line, good[i], "v");
		finish_and_parse(&line);
		assert_int_equal(tparse_get(&parsed, good[i])->klen,
		    strlen(good[i]));
	}
}

/* Once-only keys cannot be written twice (the parser would refuse). */
static void
test_once_keys(void **state)
{
	static const char *const once[] = {
		"session", "host", "user", "event", "seq",
	};
	char chain[TLINE_CHAIN_HEX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		begin(&line, 1);
		tline_add(&line, once[i], "again");
		assert_int_equal(tline_finish(&line, TLINE_ZERO_CHAIN, chain),
		    -1);
	}
	begin(&line, 1);
	tline_add(&line, "prev_session", "none");
	tline_add(&line, "prev_chain", "none");
	tline_add(&line, "helper", "a");
	tline_add(&line, "helper", "b");	/* others may repeat */
	finish_and_parse(&line);
	begin(&line, 1);
	tline_add(&line, "prev_chain", "none");
	tline_add(&line, "prev_chain", "none");
	assert_int_equal(tline_finish(&line, TLINE_ZERO_CHAIN, chain), -1);
	/* A value holding " seq" is not a field, so this is fine. */
	begin(&line, 1);
	tline_add(&line, "note", " prev_session");
	tline_add(&line, "prev_session", "none");
	finish_and_parse(&line);
	assert_true(tline_key_once("chain", 5));
	assert_false(tline_key_once("chains", 6));
	assert_false(tline_key_once("helper", 6));
}

/* The first five fields must fit, or the line is not written. */
static void
test_first_fields_must_fit(void **state)
{
	static char huge[TLINE_MAX_VALUE + 1];
	char chain[TLINE_CHAIN_HEX + 1];

	(void)state;
	memset(huge, 0x01, sizeof(huge) - 1);
	tline_begin(&line, T_MS, huge, huge, huge, "e", 1);
	assert_int_equal(tline_finish(&line, TLINE_ZERO_CHAIN, chain), -1);
}

/*
 * The chain of a known line, computed outside with:
 *   Z=$(printf '0%.0s' $(seq 64))
 *   T='2026-11-29T12:00:00.123Z session=0123456789abcdef host=ws42
 *      user=bob event=auth.deny seq=1 key_id="a\nb\x3dc \"d\" \\e"'
 *   printf '%s %s' "$Z" "$T" | sha256sum
 * (T on one line), and the next line's from that one.
 */
static void
test_known_chain(void **state)
{
	static const char text1[] = "2026-11-29T12:00:00.123Z "
	    "session=0123456789abcdef host=ws42 user=bob event=auth.deny "
	    "seq=1 key_id=\"a\\nb\\x3dc \\\"d\\\" \\\\e\"";
	static const char chain1[] =
	    "a6eee511ccf130f29008b1921d0a8ee7ea047cc623721e22817ef173e8bcc617";
	static const char chain2[] =
	    "9c8f798bb097e36d525e28e88ac3c810627e8cb07015138d5ffec42e69da9f26";
	char chain[TLINE_CHAIN_HEX + 1], want[TLINE_MAX];

	(void)state;
	begin(&line, 1);
	tline_add(&line, "key_id", "a\nb=c \"d\" \\e");
	assert_int_equal(tline_finish(&line, TLINE_ZERO_CHAIN, chain), 0);
	assert_string_equal(chain, chain1);
	snprintf(want, sizeof(want), "%s chain=%s\n", text1, chain1);
	assert_int_equal(line.len, strlen(want));
	assert_memory_equal(line.buf, want, line.len);

	tline_begin(&line, T_MS + 877, T_SESSION, "ws42", "bob",
	    "assistd.stop", 2);
	tline_add_u64(&line, "status", 0);
	assert_int_equal(tline_finish(&line, chain1, chain), 0);
	assert_string_equal(chain, chain2);
	assert_int_equal(tline_chain(chain1, "x", 1, chain), 0);
	assert_string_not_equal(chain, chain2);
	/* A prev_chain that is not 64 characters is refused. */
	assert_int_equal(tline_chain("abc", "x", 1, chain), -1);
}

static void
test_time(void **state)
{
	static const long long ms[] = {
		0, 999, 1000, 951782400000LL /* 2000-02-29 */,
		1795953600123LL, 253402300799999LL /* 9999-12-31 */,
		4102444800000LL /* 2100-03-01 */, 1709164800000LL,
	};
	char out[TLINE_TIME_LEN + 1], err[TPARSE_ERR_MAX];
	long long back;
	size_t i;

	(void)state;
	tline_format_time(T_MS, out, sizeof(out));
	assert_string_equal(out, "2026-11-29T12:00:00.123Z");
	tline_format_time(-1, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	/* Year 10000 would need 25 characters. */
	tline_format_time(253402300800000LL, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	tline_format_time(253402300799999LL, out, sizeof(out));
	assert_string_equal(out, "9999-12-31T23:59:59.999Z");
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		tline_format_time(ms[i], out, sizeof(out));
		assert_int_equal(strlen(out), TLINE_TIME_LEN);
		assert_int_equal(tparse_time(out, strlen(out), &back, err,
		    sizeof(err)), 0);
		assert_true(back == ms[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_bare_chars),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_nul_value),
		cmocka_unit_test(test_cut_values),
		cmocka_unit_test(test_dropped_fields),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_once_keys),
		cmocka_unit_test(test_first_fields_must_fit),
		cmocka_unit_test(test_known_chain),
		cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
