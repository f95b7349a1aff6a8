/*
 * Unit tests: common/ipc.c's ipc_ctl messages (ipc_send_ctl,
 * ipc_decode_ctl), the per-type rules of ipc.h's table. Every type
 * round-trips with the fields it uses; every field a type does not use,
 * a mode or kind out of range, a text over its limit, short or trailing
 * bytes and a NUL inside a text are refused; ipc_send_ctl refuses a
 * type that is not an ipc_ctl one; a full output queue keeps no partial
 * frame.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/ipc.h"

static char *
rep(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* The wire body for raw field values (what a hostile sender may send). */
static void
raw_body(struct buf *b, uint8_t mode, uint8_t kind, uint32_t num,
	 const char *text, const char *text2)
{
	buf_init(b, IPC_MAX_FRAME);
	assert_int_equal(buf_put_u8(b, mode), BUF_OK);
	assert_int_equal(buf_put_u8(b, kind), BUF_OK);
	assert_int_equal(buf_put_u32(b, num), BUF_OK);
	assert_int_equal(buf_put_cstring(b, text), BUF_OK);
	assert_int_equal(buf_put_cstring(b, text2), BUF_OK);
}

/* Decodes b (owned, freed) as type: the result code, m freed. */
static int
decode(uint8_t type, struct buf *b)
{
	struct ipc_ctl m;
	struct buf v;
	int r;

	buf_view(&v, buf_ptr(b), buf_avail(b));
	memset(&m, 0x5a, sizeof(m));
	r = ipc_decode_ctl(&v, type, &m);
	if (r == BUF_OK) {
		ipc_ctl_free(&m);
	} else {
		static const struct ipc_ctl zero;

		/* nothing half-filled, nothing to free */
		assert_memory_equal(&m, &zero, sizeof(m));
	}
	buf_free(b);
	return r;
}

static void
good(uint8_t type, uint8_t mode, uint8_t kind, uint32_t num,
     const char *text, const char *text2)
{
	struct buf b;

	raw_body(&b, mode, kind, num, text, text2);
	if (decode(type, &b) != BUF_OK)
		fail_msg("type %u mode %u kind %u num %u text \"%.20s\" "
		    "text2 \"%.20s\" refused", (unsigned)type, (unsigned)mode,
		    (unsigned)kind, (unsigned)num, text, text2);
}

static void
bad(uint8_t type, uint8_t mode, uint8_t kind, uint32_t num,
    const char *text, const char *text2)
{
	struct buf b;

	raw_body(&b, mode, kind, num, text, text2);
	if (decode(type, &b) == BUF_OK)
		fail_msg("type %u mode %u kind %u num %u text \"%.20s\" "
		    "text2 \"%.20s\" accepted", (unsigned)type, (unsigned)mode,
		    (unsigned)kind, (unsigned)num, text, text2);
}

/* Through the real queue: ipc_send_ctl, ipc_next, ipc_decode_ctl. */
static void
roundtrip(uint8_t type, const struct ipc_ctl *in, struct ipc_ctl *out)
{
	struct ipc c;
	struct buf body;
	uint8_t t;

	ipc_init(&c, -1);
	assert_int_equal(ipc_send_ctl(&c, type, in), BUF_OK);
	assert_int_equal(buf_put_bytes(&c.in, buf_ptr(&c.out),
	    buf_avail(&c.out)), BUF_OK);
	assert_int_equal(ipc_next(&c, &t, &body), 1);
	assert_int_equal(t, type);
	assert_int_equal(ipc_decode_ctl(&body, type, out), BUF_OK);
	assert_int_equal(ipc_next(&c, &t, &body), 0);
	ipc_free(&c);
}

static void
test_roundtrip_each_type(void **state)
{
	struct ipc_ctl in, out;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.mode = IPC_MODE_CONTROL;
	in.kind = 1;
	in.text = "ticket 4711";
	roundtrip(IPC_SESSION_REQUEST, &in, &out);
	assert_int_equal(out.mode, IPC_MODE_CONTROL);
	assert_int_equal(out.kind, 1);
	assert_string_equal(out.text, "ticket 4711");
	assert_string_equal(out.text2, "");
	ipc_ctl_free(&out);

	memset(&in, 0, sizeof(in));
	roundtrip(IPC_MODE_REQUEST, &in, &out);
	ipc_ctl_free(&out);

	in.text = "123456";
	roundtrip(IPC_CODE_CHECK, &in, &out);
	assert_string_equal(out.text, "123456");
	ipc_ctl_free(&out);

	memset(&in, 0, sizeof(in));
	in.mode = IPC_MODE_VIEW;
	roundtrip(IPC_SESSION_GRANT, &in, &out);
	assert_int_equal(out.mode, IPC_MODE_VIEW);
	ipc_ctl_free(&out);

	memset(&in, 0, sizeof(in));
	in.kind = IPC_END_BUSY;
	in.text = "the user is busy";
	roundtrip(IPC_SESSION_DENY, &in, &out);
	assert_int_equal(out.kind, IPC_END_BUSY);
	assert_string_equal(out.text, "the user is busy");
	ipc_ctl_free(&out);
	in.kind = IPC_END_USER;
	roundtrip(IPC_SHUTDOWN, &in, &out);
	assert_int_equal(out.kind, IPC_END_USER);
	ipc_ctl_free(&out);

	memset(&in, 0, sizeof(in));
	in.num = 60;
	in.text = "482913";
	in.text2 = "bob";
	roundtrip(IPC_CONSENT_WAIT, &in, &out);
	assert_int_equal(out.num, 60);
	assert_string_equal(out.text, "482913");
	assert_string_equal(out.text2, "bob");
	ipc_ctl_free(&out);

	memset(&in, 0, sizeof(in));
	in.mode = IPC_MODE_VIEW;
	in.kind = IPC_BY_USER;
	roundtrip(IPC_MODE, &in, &out);
	assert_int_equal(out.mode, IPC_MODE_VIEW);
	assert_int_equal(out.kind, IPC_BY_USER);
	ipc_ctl_free(&out);

	memset(&in, 0, sizeof(in));
	in.kind = 1;
	in.num = 2;
	roundtrip(IPC_CODE_RESULT, &in, &out);
	assert_int_equal(out.kind, 1);
	assert_int_equal(out.num, 2);
	ipc_ctl_free(&out);
}

static void
test_session_request(void **state)
{
	char *s;

	(void)state;
	good(IPC_SESSION_REQUEST, IPC_MODE_VIEW, 0, 0, "", "");
	good(IPC_SESSION_REQUEST, IPC_MODE_CONTROL, 1, 0, "why", "");
	bad(IPC_SESSION_REQUEST, 0, 0, 0, "", "");		/* no mode */
	bad(IPC_SESSION_REQUEST, 3, 0, 0, "", "");
	bad(IPC_SESSION_REQUEST, 255, 0, 0, "", "");
	bad(IPC_SESSION_REQUEST, IPC_MODE_VIEW, 2, 0, "", "");	/* kind */
	bad(IPC_SESSION_REQUEST, IPC_MODE_VIEW, 0, 1, "", "");	/* num */
	bad(IPC_SESSION_REQUEST, IPC_MODE_VIEW, 0, 0, "", "x");	/* text2 */
	s = rep('r', IPC_REASON_MAX);
	good(IPC_SESSION_REQUEST, IPC_MODE_VIEW, 1, 0, s, "");
	free(s);
	s = rep('r', IPC_REASON_MAX + 1);
	bad(IPC_SESSION_REQUEST, IPC_MODE_VIEW, 1, 0, s, "");
	free(s);
}

static void
test_empty_types(void **state)
{
	(void)state;
	good(IPC_MODE_REQUEST, 0, 0, 0, "", "");
	bad(IPC_MODE_REQUEST, 1, 0, 0, "", "");
	bad(IPC_MODE_REQUEST, 0, 1, 0, "", "");
	bad(IPC_MODE_REQUEST, 0, 0, 1, "", "");
	bad(IPC_MODE_REQUEST, 0, 0, 0, "x", "");
	bad(IPC_MODE_REQUEST, 0, 0, 0, "", "x");
}

static void
test_code_check(void **state)
{
	char *s;

	(void)state;
	good(IPC_CODE_CHECK, 0, 0, 0, "", "");
	s = rep('7', IPC_CODE_MAX);
	good(IPC_CODE_CHECK, 0, 0, 0, s, "");
	free(s);
	s = rep('7', IPC_CODE_MAX + 1);
	bad(IPC_CODE_CHECK, 0, 0, 0, s, "");
	free(s);
	bad(IPC_CODE_CHECK, 1, 0, 0, "1", "");
	bad(IPC_CODE_CHECK, 0, 1, 0, "1", "");
	bad(IPC_CODE_CHECK, 0, 0, 1, "1", "");
	bad(IPC_CODE_CHECK, 0, 0, 0, "1", "1");
}

static void
test_grant(void **state)
{
	(void)state;
	good(IPC_SESSION_GRANT, IPC_MODE_VIEW, 0, 0, "", "");
	good(IPC_SESSION_GRANT, IPC_MODE_CONTROL, 0, 0, "", "");
	bad(IPC_SESSION_GRANT, 0, 0, 0, "", "");
	bad(IPC_SESSION_GRANT, 3, 0, 0, "", "");
	bad(IPC_SESSION_GRANT, IPC_MODE_VIEW, 1, 0, "", "");
	bad(IPC_SESSION_GRANT, IPC_MODE_VIEW, 0, 1, "", "");
	bad(IPC_SESSION_GRANT, IPC_MODE_VIEW, 0, 0, "yes", "");
	bad(IPC_SESSION_GRANT, IPC_MODE_VIEW, 0, 0, "", "yes");
}

static void
test_deny_and_shutdown(void **state)
{
	static const uint8_t types[] = { IPC_SESSION_DENY, IPC_SHUTDOWN };
	size_t i;
	uint8_t k;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		for (k = 1; k <= IPC_END_MAX; k++)
			good(types[i], 0, k, 0, "why", "");
		bad(types[i], 0, 0, 0, "why", "");
		bad(types[i], 0, IPC_END_MAX + 1, 0, "why", "");
		bad(types[i], 0, 255, 0, "why", "");
		bad(types[i], IPC_MODE_VIEW, IPC_END_REFUSED, 0, "why", "");
		bad(types[i], 0, IPC_END_REFUSED, 1, "why", "");
		bad(types[i], 0, IPC_END_REFUSED, 0, "why", "x");
		/* the text may be empty, or as long as any IPC string */
		good(types[i], 0, IPC_END_REFUSED, 0, "", "");
		s = rep('w', IPC_MAX_STR);
		good(types[i], 0, IPC_END_REFUSED, 0, s, "");
		free(s);
		s = rep('w', IPC_MAX_STR + 1);
		bad(types[i], 0, IPC_END_REFUSED, 0, s, "");
		free(s);
	}
}

static void
test_consent_wait(void **state)
{
	char *s;

	(void)state;
	good(IPC_CONSENT_WAIT, 0, 0, 60, "482913", "bob");
	good(IPC_CONSENT_WAIT, 0, 0, 0, "1", "b");
	bad(IPC_CONSENT_WAIT, 0, 0, 60, "", "bob");		/* no code */
	bad(IPC_CONSENT_WAIT, 0, 0, 60, "482913", "");	/* no user */
	bad(IPC_CONSENT_WAIT, 1, 0, 60, "482913", "bob");
	bad(IPC_CONSENT_WAIT, 0, 1, 60, "482913", "bob");
	s = rep('4', IPC_CODE_MAX + 1);
	bad(IPC_CONSENT_WAIT, 0, 0, 60, s, "bob");
	free(s);
	s = rep('u', IPC_MAX_STR);
	good(IPC_CONSENT_WAIT, 0, 0, 60, "1", s);
	free(s);
}

static void
test_mode(void **state)
{
	(void)state;
	good(IPC_MODE, IPC_MODE_VIEW, IPC_BY_USER, 0, "", "");
	good(IPC_MODE, IPC_MODE_CONTROL, IPC_BY_HELPER, 0, "", "");
	bad(IPC_MODE, 0, IPC_BY_USER, 0, "", "");
	bad(IPC_MODE, 3, IPC_BY_USER, 0, "", "");
	bad(IPC_MODE, IPC_MODE_VIEW, 0, 0, "", "");
	bad(IPC_MODE, IPC_MODE_VIEW, 3, 0, "", "");
	bad(IPC_MODE, IPC_MODE_VIEW, IPC_BY_USER, 1, "", "");
	bad(IPC_MODE, IPC_MODE_VIEW, IPC_BY_USER, 0, "x", "");
	bad(IPC_MODE, IPC_MODE_VIEW, IPC_BY_USER, 0, "", "x");
}

static void
test_code_result(void **state)
{
	(void)state;
	good(IPC_CODE_RESULT, 0, 1, 0, "", "");
	good(IPC_CODE_RESULT, 0, 0, 2, "", "");
	bad(IPC_CODE_RESULT, 0, 2, 0, "", "");
	bad(IPC_CODE_RESULT, 1, 0, 0, "", "");
	bad(IPC_CODE_RESULT, 0, 0, 0, "x", "");
	bad(IPC_CODE_RESULT, 0, 0, 0, "", "x");
}

/* Types that are no ipc_ctl: refused by the decoder and the sender. */
static void
test_not_ctl(void **state)
{
	static const uint8_t types[] = { 0, IPC_AUTH_RESULT, IPC_CLOSED, 6,
	    63, 70, 255 };
	struct ipc_ctl m = { .mode = IPC_MODE_VIEW };
	struct ipc c;
	size_t i;

	(void)state;
	ipc_init(&c, -1);
	for (i = 0; i < sizeof(types); i++) {
		assert_int_equal(ipc_is_ctl(types[i]), 0);
		bad(types[i], IPC_MODE_VIEW, 0, 0, "", "");
		bad(types[i], 0, 0, 0, "", "");
		assert_int_equal(ipc_send_ctl(&c, types[i], &m),
		    BUF_ERR_FORMAT);
	}
	assert_int_equal(buf_avail(&c.out), 0);
	ipc_free(&c);
}

/* Short bodies (every truncation), trailing bytes, NUL in texts. */
static void
test_malformed(void **state)
{
	static const uint8_t nul_text[] = { 0, IPC_END_REFUSED, 0, 0, 0, 0,
	    0, 0, 0, 3, 'a', 0, 'b', 0, 0, 0, 0 };
	static const uint8_t nul_text2[] = { 0, 0, 0, 0, 0, 60,
	    0, 0, 0, 1, '1', 0, 0, 0, 3, 'b', 0, 'b' };
	struct buf b, v, full;
	struct ipc_ctl m;
	size_t i, n;

	(void)state;
	raw_body(&full, 0, 0, 60, "482913", "bob");
	n = buf_avail(&full);
	for (i = 0; i < n; i++) {
		buf_view(&v, buf_ptr(&full), i);
		assert_int_not_equal(ipc_decode_ctl(&v, IPC_CONSENT_WAIT, &m),
		    BUF_OK);
	}
	buf_free(&full);
	raw_body(&b, 0, 0, 60, "482913", "bob");
	assert_int_equal(buf_put_u8(&b, 0), BUF_OK);
	assert_int_equal(decode(IPC_CONSENT_WAIT, &b), BUF_ERR_FORMAT);
	raw_body(&b, 0, 0, 0, "", "");
	assert_int_equal(buf_put_u32(&b, 0), BUF_OK);
	assert_int_equal(decode(IPC_MODE_REQUEST, &b), BUF_ERR_FORMAT);
	buf_view(&v, nul_text, sizeof(nul_text));
	assert_int_equal(ipc_decode_ctl(&v, IPC_SESSION_DENY, &m),
	    BUF_ERR_FORMAT);
	buf_view(&v, nul_text2, sizeof(nul_text2));
	assert_int_equal(ipc_decode_ctl(&v, IPC_CONSENT_WAIT, &m),
	    BUF_ERR_FORMAT);
	/* a text longer than any IPC string, however the type */
	buf_init(&b, 64);
	assert_int_equal(buf_put_u8(&b, 0), BUF_OK);
	assert_int_equal(buf_put_u8(&b, IPC_END_REFUSED), BUF_OK);
	assert_int_equal(buf_put_u32(&b, 0), BUF_OK);
	assert_int_equal(buf_put_u32(&b, IPC_MAX_STR + 1), BUF_OK);
	assert_int_equal(decode(IPC_SESSION_DENY, &b), BUF_ERR_LIMIT);
}

/* A queue that cannot take a whole frame keeps no part of it. */
static void
test_send_all_or_nothing(void **state)
{
	struct ipc_ctl m = { .kind = IPC_END_SHUTDOWN, .text = "bye" };
	struct ipc c;
	size_t frame, room;

	(void)state;
	ipc_init(&c, -1);
	assert_int_equal(ipc_send_ctl(&c, IPC_SHUTDOWN, &m), BUF_OK);
	frame = buf_avail(&c.out);
	buf_reset(&c.out);
	for (room = 0; room < frame; room++) {
		c.out.max = room;
		assert_int_equal(ipc_send_ctl(&c, IPC_SHUTDOWN, &m),
		    BUF_ERR_LIMIT);
		assert_int_equal(buf_avail(&c.out), 0);
	}
	ipc_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_each_type),
		cmocka_unit_test(test_session_request),
		cmocka_unit_test(test_empty_types),
		cmocka_unit_test(test_code_check),
		cmocka_unit_test(test_grant),
		cmocka_unit_test(test_deny_and_shutdown),
		cmocka_unit_test(test_consent_wait),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_code_result),
		cmocka_unit_test(test_not_ctl),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_send_all_or_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
