/*
 * Unit tests: common/ctlproto.c, the session-control protocol between
 * assist-cli and assistd. Good frames of every type round-trip; frames
 * split anywhere reassemble; and every kind of bad input is refused with
 * a reason: short bodies (every truncation), trailing bytes, over-long
 * strings, NUL in strings, unknown type, mode, state or origin, a version
 * other than 1, "accepted" or "mode" without a mode, frame length 0 or
 * over the maximum. Run under SAN=1 too: no leak on any refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/ctlproto.h"

#define T_ERR	256

/* ---- helpers ---- */

/* A string of n copies of c (caller frees). */
static char *
rep(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Encodes m as one frame, takes it back with ctl_next, decodes it. */
static void
roundtrip(uint8_t type, const struct ctl_msg *m, struct ctl_msg *out)
{
	struct buf b, body;
	uint8_t t = 0;
	char err[T_ERR] = "";

	buf_init(&b, 2 * CTL_MAX_FRAME);
	assert_int_equal(ctl_encode(&b, type, m), BUF_OK);
	assert_int_equal(ctl_next(&b, &t, &body), 1);
	assert_int_equal(t, type);
	assert_int_equal(buf_avail(&b), 0);
	if (ctl_decode(t, &body, out, err, sizeof(err)) != 0)
		fail_msg("decode of type %u: %s", (unsigned)type, err);
	assert_int_equal(ctl_next(&b, &t, &body), 0);
	buf_free(&b);
}

/*
 * Decodes body bytes p[0..n) as type: expects a refusal whose reason
 * contains want (NULL: any), and a zeroed message afterwards (nothing
 * left to free, nothing half-filled).
 */
static void
expect_bad(uint8_t type, const void *p, size_t n, const char *want)
{
	static const struct ctl_msg zero;
	struct ctl_msg m;
	struct buf body;
	char err[T_ERR] = "";

	buf_view(&body, p, n);
	memset(&m, 0x5a, sizeof(m));
	if (ctl_decode(type, &body, &m, err, sizeof(err)) == 0) {
		ctl_msg_free(&m);
		fail_msg("type %u body of %zu bytes accepted", (unsigned)type,
		    n);
	}
	assert_true(err[0] != '\0');
	assert_null(strchr(err, '\n'));
	if (want != NULL && strstr(err, want) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", err, want);
	assert_memory_equal(&m, &zero, sizeof(m));
}

/* Same with a body built in b (owned). */
static void
expect_bad_buf(uint8_t type, struct buf *b, const char *want)
{
	expect_bad(type, buf_ptr(b), buf_avail(b), want);
	buf_free(b);
}

/* The body of a HELLO with these raw fields. */
static void
hello_body(struct buf *b, uint32_t version, const char *mode,
	   const char *reason)
{
	buf_init(b, CTL_MAX_FRAME);
	assert_int_equal(buf_put_u32(b, version), BUF_OK);
	assert_int_equal(buf_put_cstring(b, mode), BUF_OK);
	assert_int_equal(buf_put_cstring(b, reason), BUF_OK);
}

/* The body of a STATE with these raw fields. */
static void
state_body(struct buf *b, const char *state, const char *mode, const char *by,
	   const char *message)
{
	buf_init(b, CTL_MAX_FRAME);
	assert_int_equal(buf_put_cstring(b, state), BUF_OK);
	assert_int_equal(buf_put_cstring(b, mode), BUF_OK);
	assert_int_equal(buf_put_cstring(b, by), BUF_OK);
	assert_int_equal(buf_put_cstring(b, message), BUF_OK);
}

/* The body of a WAITING with these raw fields. */
static void
waiting_body(struct buf *b, const char *user, const char *code, uint32_t t)
{
	buf_init(b, CTL_MAX_FRAME);
	assert_int_equal(buf_put_cstring(b, user), BUF_OK);
	assert_int_equal(buf_put_cstring(b, code), BUF_OK);
	assert_int_equal(buf_put_u32(b, t), BUF_OK);
}

static void
expect_good_body(uint8_t type, struct buf *b)
{
	struct ctl_msg m;
	char err[T_ERR] = "";
	struct buf v;

	buf_view(&v, buf_ptr(b), buf_avail(b));
	if (ctl_decode(type, &v, &m, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	ctl_msg_free(&m);
	buf_free(b);
}

/* ---- good frames ---- */

static void
test_hello_roundtrip(void **state)
{
	struct ctl_msg m = { .version = CTL_VERSION, .mode = "control",
	    .reason = "ticket #4711: printer" }, out;

	(void)state;
	roundtrip(CTL_HELLO, &m, &out);
	assert_int_equal(out.version, 1);
	assert_string_equal(out.mode, "control");
	assert_string_equal(out.reason, "ticket #4711: printer");
	assert_null(out.user);
	assert_null(out.state);
	ctl_msg_free(&out);

	/* view, no reason (NULL is sent as "") */
	m.mode = "view";
	m.reason = NULL;
	roundtrip(CTL_HELLO, &m, &out);
	assert_string_equal(out.mode, "view");
	assert_string_equal(out.reason, "");
	ctl_msg_free(&out);

	/* a reason of exactly CTL_MAX_REASON bytes, any bytes but NUL
	 * (the reader escapes it before display) */
	m.reason = rep('\x1b', CTL_MAX_REASON);
	roundtrip(CTL_HELLO, &m, &out);
	assert_int_equal(strlen(out.reason), CTL_MAX_REASON);
	ctl_msg_free(&out);
	free(m.reason);
}

/* The wire bytes of a HELLO, exactly as ctlproto.h describes them. */
static void
test_hello_bytes(void **state)
{
	static const uint8_t want[] = {
		0, 0, 0, 19,		/* length of type + body */
		CTL_HELLO,
		0, 0, 0, 1,		/* version */
		0, 0, 0, 4, 'v', 'i', 'e', 'w',
		0, 0, 0, 2, 'h', 'i',
	};
	struct ctl_msg m = { .version = 1, .mode = "view", .reason = "hi" };
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(ctl_encode(&b, CTL_HELLO, &m), BUF_OK);
	assert_int_equal(buf_avail(&b), sizeof(want));
	assert_memory_equal(buf_ptr(&b), want, sizeof(want));
	buf_free(&b);
}

static void
test_request_control_roundtrip(void **state)
{
	static const uint8_t want[] = { 0, 0, 0, 1, CTL_REQUEST_CONTROL };
	struct ctl_msg m = { 0 }, out;
	struct buf b;

	(void)state;
	roundtrip(CTL_REQUEST_CONTROL, &m, &out);
	ctl_msg_free(&out);
	buf_init(&b, 64);
	assert_int_equal(ctl_encode(&b, CTL_REQUEST_CONTROL, &m), BUF_OK);
	assert_int_equal(buf_avail(&b), sizeof(want));
	assert_memory_equal(buf_ptr(&b), want, sizeof(want));
	buf_free(&b);
}

static void
test_waiting_roundtrip(void **state)
{
	struct ctl_msg m = { .user = "bob", .code = "482913",
	    .timeout_secs = 60 }, out;

	(void)state;
	roundtrip(CTL_WAITING, &m, &out);
	assert_string_equal(out.user, "bob");
	assert_string_equal(out.code, "482913");
	assert_int_equal(out.timeout_secs, 60);
	ctl_msg_free(&out);
	/* limits: longest user and code, largest timeout */
	m.user = rep('u', CTL_MAX_NAME);
	m.code = rep('9', CTL_MAX_CODE);
	m.timeout_secs = UINT32_MAX;
	roundtrip(CTL_WAITING, &m, &out);
	assert_int_equal(strlen(out.user), CTL_MAX_NAME);
	assert_int_equal(strlen(out.code), CTL_MAX_CODE);
	assert_true(out.timeout_secs == UINT32_MAX);
	ctl_msg_free(&out);
	free(m.user);
	free(m.code);
}

static void
test_state_roundtrip(void **state)
{
	static const struct {
		const char *state, *mode, *by, *message;
	} ok[] = {
		{ CTL_STATE_ACCEPTED, "view", "user", "" },
		{ CTL_STATE_ACCEPTED, "control", "", "" },
		{ CTL_STATE_REFUSED, "", "", "the user said no" },
		{ CTL_STATE_TIMEOUT, "", "", "no answer in 60 s" },
		{ CTL_STATE_BUSY, "", "", "with another helper" },
		{ CTL_STATE_ENDED, "", "user", "ended by the user" },
		{ CTL_STATE_ENDED, "view", "helper", "" },
		{ CTL_STATE_ENDED, "", "timeout", "" },
		{ CTL_STATE_ENDED, "", "error", "internal error" },
		{ CTL_STATE_ENDED, "", "transcript", "disk full" },
		{ CTL_STATE_ENDED, "", "shutdown", "assistd stopped" },
		{ CTL_STATE_MODE, "view", "user", "" },
		{ CTL_STATE_MODE, "control", "helper", "" },
		{ CTL_STATE_CONTROL_REFUSED, "view", "user", "" },
		{ CTL_STATE_CONTROL_REFUSED, "", "", "" },
	};
	struct ctl_msg m, out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(&m, 0, sizeof(m));
		m.state = (char *)ok[i].state;
		m.mode = (char *)ok[i].mode;
		m.by = (char *)ok[i].by;
		m.message = (char *)ok[i].message;
		roundtrip(CTL_STATE, &m, &out);
		assert_string_equal(out.state, ok[i].state);
		assert_string_equal(out.mode, ok[i].mode);
		assert_string_equal(out.by, ok[i].by);
		assert_string_equal(out.message, ok[i].message);
		ctl_msg_free(&out);
	}
	/* a message of exactly CTL_MAX_MESSAGE bytes */
	memset(&m, 0, sizeof(m));
	m.state = CTL_STATE_REFUSED;
	m.message = rep('m', CTL_MAX_MESSAGE);
	roundtrip(CTL_STATE, &m, &out);
	assert_int_equal(strlen(out.message), CTL_MAX_MESSAGE);
	ctl_msg_free(&out);
	free(m.message);
}

/* ---- framing ---- */

/* Two frames in one buffer, fed one byte at a time: nothing before the
 * last byte of each, both whole, in order, nothing left. */
static void
test_split_frames(void **state)
{
	struct ctl_msg w = { .user = "bob", .code = "123456",
	    .timeout_secs = 30 }, s = { .state = "accepted", .mode = "view" };
	struct buf all, in, body;
	uint8_t t;
	size_t i, first_len, frames = 0;

	(void)state;
	buf_init(&all, 4096);
	assert_int_equal(ctl_encode(&all, CTL_WAITING, &w), BUF_OK);
	first_len = buf_avail(&all);
	assert_int_equal(ctl_encode(&all, CTL_STATE, &s), BUF_OK);
	buf_init(&in, 4096);
	for (i = 0; i < buf_avail(&all); i++) {
		int r;

		assert_int_equal(buf_put_u8(&in, buf_ptr(&all)[i]), BUF_OK);
		r = ctl_next(&in, &t, &body);
		assert_true(r == 0 || r == 1);
		if (i + 1 == first_len || i + 1 == buf_avail(&all)) {
			struct ctl_msg m;
			char err[T_ERR];

			assert_int_equal(r, 1);
			assert_int_equal(t, frames == 0 ? CTL_WAITING :
			    CTL_STATE);
			assert_int_equal(ctl_decode(t, &body, &m, err,
			    sizeof(err)), 0);
			ctl_msg_free(&m);
			frames++;
		} else {
			assert_int_equal(r, 0);
		}
	}
	assert_int_equal(frames, 2);
	assert_int_equal(buf_avail(&in), 0);
	buf_free(&in);
	buf_free(&all);
}

/* Two frames back to back in one read come out one by one. */
static void
test_two_frames_one_read(void **state)
{
	struct ctl_msg h = { .version = 1, .mode = "view" }, r = { 0 };
	struct buf b, body;
	uint8_t t;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(ctl_encode(&b, CTL_HELLO, &h), BUF_OK);
	assert_int_equal(ctl_encode(&b, CTL_REQUEST_CONTROL, &r), BUF_OK);
	assert_int_equal(ctl_next(&b, &t, &body), 1);
	assert_int_equal(t, CTL_HELLO);
	assert_int_equal(buf_avail(&body), 4 + 8 + 4);
	assert_int_equal(ctl_next(&b, &t, &body), 1);
	assert_int_equal(t, CTL_REQUEST_CONTROL);
	assert_int_equal(buf_avail(&body), 0);
	assert_int_equal(ctl_next(&b, &t, &body), 0);
	buf_free(&b);
}

static void
test_frame_lengths(void **state)
{
	static const uint8_t zero[] = { 0, 0, 0, 0, CTL_HELLO };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff };
	uint8_t over[4], max[4 + 8];
	struct buf b, body;
	uint8_t t;
	size_t i;

	(void)state;
	/* fewer than 4 bytes: not yet */
	for (i = 0; i < 4; i++) {
		buf_view(&b, huge, i);
		assert_int_equal(ctl_next(&b, &t, &body), 0);
	}
	buf_view(&b, zero, sizeof(zero));
	assert_int_equal(ctl_next(&b, &t, &body), -1);
	buf_view(&b, huge, sizeof(huge));
	assert_int_equal(ctl_next(&b, &t, &body), -1);
	/* CTL_MAX_FRAME + 1 is refused as soon as the length is there */
	over[0] = (uint8_t)((CTL_MAX_FRAME + 1) >> 24);
	over[1] = (uint8_t)((CTL_MAX_FRAME + 1) >> 16);
	over[2] = (uint8_t)((CTL_MAX_FRAME + 1) >> 8);
	over[3] = (uint8_t)(CTL_MAX_FRAME + 1);
	buf_view(&b, over, sizeof(over));
	assert_int_equal(ctl_next(&b, &t, &body), -1);
	assert_int_equal(buf_avail(&b), sizeof(over));	/* not consumed */
	/* CTL_MAX_FRAME itself is a length we wait for */
	memset(max, 0, sizeof(max));
	max[1] = (uint8_t)(CTL_MAX_FRAME >> 16);
	max[2] = (uint8_t)(CTL_MAX_FRAME >> 8);
	max[3] = (uint8_t)CTL_MAX_FRAME;
	buf_view(&b, max, sizeof(max));
	assert_int_equal(ctl_next(&b, &t, &body), 0);
	assert_int_equal(buf_avail(&b), sizeof(max));
}

/* A frame of exactly CTL_MAX_FRAME is taken whole (and its body, a
 * HELLO with a huge reason, then refused by the decoder). */
static void
test_frame_at_max(void **state)
{
	struct buf b, body;
	uint8_t t, *p;
	char err[T_ERR];
	struct ctl_msg m;

	(void)state;
	buf_init(&b, 4 + CTL_MAX_FRAME);
	assert_int_equal(buf_put_u32(&b, CTL_MAX_FRAME), BUF_OK);
	assert_int_equal(buf_put_u8(&b, CTL_HELLO), BUF_OK);
	assert_int_equal(buf_put_u32(&b, 1), BUF_OK);
	assert_int_equal(buf_put_cstring(&b, "view"), BUF_OK);
	assert_int_equal(buf_put_u32(&b, CTL_MAX_FRAME - 1 - 4 - 8 - 4),
	    BUF_OK);
	p = buf_reserve(&b, CTL_MAX_FRAME - 1 - 4 - 8 - 4);
	assert_non_null(p);
	memset(p, 'r', CTL_MAX_FRAME - 1 - 4 - 8 - 4);
	buf_commit(&b, CTL_MAX_FRAME - 1 - 4 - 8 - 4);
	assert_int_equal(buf_avail(&b), 4 + CTL_MAX_FRAME);
	assert_int_equal(ctl_next(&b, &t, &body), 1);
	assert_int_equal(t, CTL_HELLO);
	assert_int_equal(buf_avail(&body), CTL_MAX_FRAME - 1);
	assert_int_equal(ctl_decode(t, &body, &m, err, sizeof(err)), -1);
	buf_free(&b);
}

/* ---- bad bodies ---- */

/* Every proper prefix of a good body is refused ("short"). */
static void
check_truncations(uint8_t type, const struct ctl_msg *m)
{
	struct buf b, body;
	uint8_t t;
	size_t n, i;

	buf_init(&b, CTL_MAX_FRAME);
	assert_int_equal(ctl_encode(&b, type, m), BUF_OK);
	assert_int_equal(ctl_next(&b, &t, &body), 1);
	n = buf_avail(&body);
	for (i = 0; i < n; i++)
		expect_bad(type, buf_ptr(&body), i, NULL);
	buf_free(&b);
}

static void
test_truncated(void **state)
{
	struct ctl_msg h = { .version = 1, .mode = "control", .reason = "r" };
	struct ctl_msg w = { .user = "bob", .code = "482913",
	    .timeout_secs = 60 };
	struct ctl_msg s = { .state = "ended", .by = "user", .message = "m" };

	(void)state;
	check_truncations(CTL_HELLO, &h);
	check_truncations(CTL_WAITING, &w);
	check_truncations(CTL_STATE, &s);
}

/* One extra byte after every good body, REQUEST_CONTROL included. */
static void
test_trailing(void **state)
{
	struct ctl_msg h = { .version = 1, .mode = "view" };
	struct ctl_msg w = { .user = "bob", .code = "1", .timeout_secs = 1 };
	struct ctl_msg s = { .state = "busy" };
	struct ctl_msg r = { 0 };
	const struct {
		uint8_t type;
		const struct ctl_msg *m;
	} all[] = { { CTL_HELLO, &h }, { CTL_WAITING, &w }, { CTL_STATE, &s },
	    { CTL_REQUEST_CONTROL, &r } };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct buf b, body, copy;
		uint8_t t;

		buf_init(&b, CTL_MAX_FRAME);
		assert_int_equal(ctl_encode(&b, all[i].type, all[i].m),
		    BUF_OK);
		assert_int_equal(ctl_next(&b, &t, &body), 1);
		buf_init(&copy, CTL_MAX_FRAME);
		assert_int_equal(buf_put_bytes(&copy, buf_ptr(&body),
		    buf_avail(&body)), BUF_OK);
		assert_int_equal(buf_put_u8(&copy, 0), BUF_OK);
		expect_bad_buf(t, &copy, "trailing");
		buf_free(&b);
	}
}

static void
test_hello_bad(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	/* version other than 1 */
	hello_body(&b, 0, "view", "");
	expect_bad_buf(CTL_HELLO, &b, "version 0");
	hello_body(&b, 2, "view", "");
	expect_bad_buf(CTL_HELLO, &b, "version 2");
	hello_body(&b, UINT32_MAX, "control", "");
	expect_bad_buf(CTL_HELLO, &b, "version");
	/* unknown modes, case and padding included */
	hello_body(&b, 1, "", "");
	expect_bad_buf(CTL_HELLO, &b, "mode");
	hello_body(&b, 1, "View", "");
	expect_bad_buf(CTL_HELLO, &b, "mode");
	hello_body(&b, 1, "control ", "");
	expect_bad_buf(CTL_HELLO, &b, "mode");
	hello_body(&b, 1, "admin", "");
	expect_bad_buf(CTL_HELLO, &b, "mode");
	/* reason one byte over its limit */
	s = rep('r', CTL_MAX_REASON + 1);
	hello_body(&b, 1, "view", s);
	expect_bad_buf(CTL_HELLO, &b, NULL);
	free(s);
	/* mode over the name limit */
	s = rep('v', CTL_MAX_NAME + 1);
	hello_body(&b, 1, s, "");
	expect_bad_buf(CTL_HELLO, &b, NULL);
	free(s);
	/* a reason of exactly the limit is fine (control bytes too) */
	s = rep('\t', CTL_MAX_REASON);
	hello_body(&b, 1, "view", s);
	expect_good_body(CTL_HELLO, &b);
	free(s);
}

/* Strings with a NUL inside, in each string field of each type. */
static void
test_nul_in_strings(void **state)
{
	static const uint8_t hello_mode[] = { 0, 0, 0, 1, 0, 0, 0, 5,
	    'v', 'i', 'e', 'w', 0, 0, 0, 0, 0 };
	static const uint8_t hello_reason[] = { 0, 0, 0, 1, 0, 0, 0, 4,
	    'v', 'i', 'e', 'w', 0, 0, 0, 3, 'a', 0, 'b' };
	static const uint8_t waiting_user[] = { 0, 0, 0, 4, 'b', 0, 'o', 'b',
	    0, 0, 0, 1, '1', 0, 0, 0, 60 };
	static const uint8_t waiting_code[] = { 0, 0, 0, 3, 'b', 'o', 'b',
	    0, 0, 0, 2, '1', 0, 0, 0, 0, 60 };
	static const uint8_t state_msg[] = { 0, 0, 0, 4, 'b', 'u', 's', 'y',
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 'x', 0 };
	static const uint8_t state_state[] = { 0, 0, 0, 5, 'b', 'u', 's', 'y',
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	expect_bad(CTL_HELLO, hello_mode, sizeof(hello_mode), "malformed");
	expect_bad(CTL_HELLO, hello_reason, sizeof(hello_reason), "malformed");
	expect_bad(CTL_WAITING, waiting_user, sizeof(waiting_user),
	    "malformed");
	expect_bad(CTL_WAITING, waiting_code, sizeof(waiting_code),
	    "malformed");
	expect_bad(CTL_STATE, state_msg, sizeof(state_msg), "malformed");
	expect_bad(CTL_STATE, state_state, sizeof(state_state), "malformed");
}

static void
test_waiting_bad(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	waiting_body(&b, "bob", "", 60);
	expect_bad_buf(CTL_WAITING, &b, "code");
	waiting_body(&b, "bob", "48291a", 60);
	expect_bad_buf(CTL_WAITING, &b, "code");
	waiting_body(&b, "bob", " 48291", 60);
	expect_bad_buf(CTL_WAITING, &b, "code");
	waiting_body(&b, "bob", "-1", 60);
	expect_bad_buf(CTL_WAITING, &b, "code");
	waiting_body(&b, "b\x1b[2Job", "482913", 60);
	expect_bad_buf(CTL_WAITING, &b, "user");
	waiting_body(&b, "bob\x7f", "482913", 60);
	expect_bad_buf(CTL_WAITING, &b, "user");
	waiting_body(&b, "b\xc3\xa9", "482913", 60);
	expect_bad_buf(CTL_WAITING, &b, "user");
	s = rep('1', CTL_MAX_CODE + 1);
	waiting_body(&b, "bob", s, 60);
	expect_bad_buf(CTL_WAITING, &b, NULL);
	free(s);
	s = rep('u', CTL_MAX_NAME + 1);
	waiting_body(&b, s, "1", 60);
	expect_bad_buf(CTL_WAITING, &b, NULL);
	free(s);
	/* an empty user name is printable (nothing to escape) */
	waiting_body(&b, "", "0", 0);
	expect_good_body(CTL_WAITING, &b);
}

static void
test_state_bad(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	/* unknown state, mode, by */
	state_body(&b, "", "", "", "");
	expect_bad_buf(CTL_STATE, &b, "unknown");
	state_body(&b, "Accepted", "view", "", "");
	expect_bad_buf(CTL_STATE, &b, "unknown");
	state_body(&b, "granted", "view", "", "");
	expect_bad_buf(CTL_STATE, &b, "unknown");
	state_body(&b, "refused", "root", "", "");
	expect_bad_buf(CTL_STATE, &b, "unknown");
	state_body(&b, "ended", "", "admin", "");
	expect_bad_buf(CTL_STATE, &b, "unknown");
	state_body(&b, "ended", "", "user ", "");
	expect_bad_buf(CTL_STATE, &b, "unknown");
	/* accepted and mode need a mode; mode's origin is a person */
	state_body(&b, "accepted", "", "user", "");
	expect_bad_buf(CTL_STATE, &b, "without a mode");
	state_body(&b, "mode", "", "user", "");
	expect_bad_buf(CTL_STATE, &b, "without a mode");
	state_body(&b, "mode", "view", "", "");
	expect_bad_buf(CTL_STATE, &b, "mode change");
	state_body(&b, "mode", "view", "timeout", "");
	expect_bad_buf(CTL_STATE, &b, "mode change");
	/* over-long fields */
	s = rep('m', CTL_MAX_MESSAGE + 1);
	state_body(&b, "refused", "", "", s);
	expect_bad_buf(CTL_STATE, &b, NULL);
	free(s);
	s = rep('a', CTL_MAX_NAME + 1);
	state_body(&b, s, "", "", "");
	expect_bad_buf(CTL_STATE, &b, NULL);
	state_body(&b, "refused", s, "", "");
	expect_bad_buf(CTL_STATE, &b, NULL);
	state_body(&b, "refused", "", s, "");
	expect_bad_buf(CTL_STATE, &b, NULL);
	free(s);
}

/* Types outside the four, the server-only ones included in no special
 * way (both sides decode any known type; the caller checks direction). */
static void
test_unknown_type(void **state)
{
	static const uint8_t types[] = { 0, 3, 63, 66, 127, 128, 255 };
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		expect_bad(types[i], "", 0, "unknown message type");
		hello_body(&b, 1, "view", "");
		expect_bad_buf(types[i], &b, "unknown message type");
	}
}

/* REQUEST_CONTROL with any body byte at all is refused. */
static void
test_request_control_bad(void **state)
{
	static const uint8_t one[] = { 0 };
	static const uint8_t str[] = { 0, 0, 0, 0 };

	(void)state;
	expect_bad(CTL_REQUEST_CONTROL, one, sizeof(one), "trailing");
	expect_bad(CTL_REQUEST_CONTROL, str, sizeof(str), "trailing");
}

/* ---- the encoder ---- */

static void
test_encode_limits(void **state)
{
	struct ctl_msg m = { .version = 1, .mode = "view" };
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, CTL_MAX_FRAME);
	s = rep('r', CTL_MAX_REASON + 1);
	m.reason = s;
	assert_int_equal(ctl_encode(&b, CTL_HELLO, &m), BUF_ERR_LIMIT);
	assert_int_equal(buf_avail(&b), 0);
	free(s);
	m.reason = NULL;
	s = rep('c', CTL_MAX_CODE + 1);
	m.user = "bob";
	m.code = s;
	assert_int_equal(ctl_encode(&b, CTL_WAITING, &m), BUF_ERR_LIMIT);
	free(s);
	s = rep('m', CTL_MAX_MESSAGE + 1);
	memset(&m, 0, sizeof(m));
	m.state = "ended";
	m.message = s;
	assert_int_equal(ctl_encode(&b, CTL_STATE, &m), BUF_ERR_LIMIT);
	free(s);
	assert_int_equal(ctl_encode(&b, 3, &m), BUF_ERR_FORMAT);
	assert_int_equal(ctl_encode(&b, 0, &m), BUF_ERR_FORMAT);
	assert_int_equal(buf_avail(&b), 0);
	buf_free(&b);
}

/*
 * An output buffer that cannot take the whole frame keeps what it had:
 * no length prefix without its frame (which would desynchronise the
 * stream for good).
 */
static void
test_encode_all_or_nothing(void **state)
{
	struct ctl_msg m = { .version = 1, .mode = "view", .reason = "abc" };
	struct buf b, body;
	size_t max;
	uint8_t t;

	(void)state;
	/* The frame is 4 + 1 + 4 + 8 + 7 = 24 bytes. */
	for (max = 0; max < 24; max++) {
		buf_init(&b, max);
		assert_int_equal(ctl_encode(&b, CTL_HELLO, &m),
		    BUF_ERR_LIMIT);
		assert_int_equal(buf_avail(&b), 0);
		buf_free(&b);
	}
	/* room for one frame and a bit: the second does not leave a
	 * stray prefix behind the first */
	buf_init(&b, 24 + 10);
	assert_int_equal(ctl_encode(&b, CTL_HELLO, &m), BUF_OK);
	assert_int_equal(ctl_encode(&b, CTL_HELLO, &m), BUF_ERR_LIMIT);
	assert_int_equal(buf_avail(&b), 24);
	assert_int_equal(ctl_next(&b, &t, &body), 1);
	assert_int_equal(ctl_next(&b, &t, &body), 0);
	assert_int_equal(buf_avail(&b), 0);
	buf_free(&b);
}

/* A NULL err buffer or a tiny one is fine. */
static void
test_err_buffer(void **state)
{
	static const uint8_t one[] = { 0 };
	struct ctl_msg m;
	struct buf b;
	char err[4];

	(void)state;
	buf_view(&b, one, sizeof(one));
	assert_int_equal(ctl_decode(CTL_REQUEST_CONTROL, &b, &m, NULL, 0), -1);
	buf_view(&b, one, sizeof(one));
	assert_int_equal(ctl_decode(CTL_REQUEST_CONTROL, &b, &m, err,
	    sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	ctl_msg_free(&m);	/* zeroed: a no-op */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_roundtrip),
		cmocka_unit_test(test_hello_bytes),
		cmocka_unit_test(test_request_control_roundtrip),
		cmocka_unit_test(test_waiting_roundtrip),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_split_frames),
		cmocka_unit_test(test_two_frames_one_read),
		cmocka_unit_test(test_frame_lengths),
		cmocka_unit_test(test_frame_at_max),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_hello_bad),
		cmocka_unit_test(test_nul_in_strings),
		cmocka_unit_test(test_waiting_bad),
		cmocka_unit_test(test_state_bad),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_request_control_bad),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_encode_all_or_nothing),
		cmocka_unit_test(test_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
