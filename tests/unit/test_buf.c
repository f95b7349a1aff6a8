/* Unit tests: common/buf.c, common/b64.c, common/ipc.c framing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/b64.h"
#include "common/buf.h"
#include "common/ipc.h"

static void
test_roundtrip(void **state)
{
	struct buf b;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	char *s;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(buf_put_u8(&b, 0xab), BUF_OK);
	assert_int_equal(buf_put_u16(&b, 0x1234), BUF_OK);
	assert_int_equal(buf_put_u32(&b, 0xdeadbeef), BUF_OK);
	assert_int_equal(buf_put_u64(&b, 0x0102030405060708ULL), BUF_OK);
	assert_int_equal(buf_put_cstring(&b, "hello"), BUF_OK);
	assert_int_equal(buf_get_u8(&b, &u8), BUF_OK);
	assert_int_equal(u8, 0xab);
	assert_int_equal(buf_get_u16(&b, &u16), BUF_OK);
	assert_int_equal(u16, 0x1234);
	assert_int_equal(buf_get_u32(&b, &u32), BUF_OK);
	assert_int_equal(u32, 0xdeadbeef);
	assert_int_equal(buf_get_u64(&b, &u64), BUF_OK);
	assert_true(u64 == 0x0102030405060708ULL);
	assert_int_equal(buf_get_cstring(&b, 64, &s), BUF_OK);
	assert_string_equal(s, "hello");
	free(s);
	assert_int_equal(buf_avail(&b), 0);
	assert_int_equal(buf_get_u8(&b, &u8), BUF_ERR_SHORT);
	buf_free(&b);
}

static void
test_bad_strings(void **state)
{
	/* length says 5, only 3 bytes follow */
	static const uint8_t short_s[] = { 0, 0, 0, 5, 'a', 'b', 'c' };
	/* length 0xffffffff */
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 'a' };
	/* embedded NUL */
	static const uint8_t nul[] = { 0, 0, 0, 3, 'a', 0, 'c' };
	struct buf b;
	char *s = NULL;
	const uint8_t *p;
	size_t n;

	(void)state;
	buf_view(&b, short_s, sizeof(short_s));
	assert_int_equal(buf_get_string_view(&b, 100, &p, &n), BUF_ERR_SHORT);
	assert_int_equal(buf_avail(&b), sizeof(short_s)); /* not consumed */
	buf_view(&b, huge, sizeof(huge));
	assert_int_equal(buf_get_string_view(&b, 1000, &p, &n), BUF_ERR_LIMIT);
	buf_view(&b, nul, sizeof(nul));
	assert_int_equal(buf_get_cstring(&b, 100, &s), BUF_ERR_FORMAT);
	assert_null(s);
	buf_view(&b, nul, sizeof(nul));
	assert_int_equal(buf_get_string_view(&b, 2, &p, &n), BUF_ERR_LIMIT);
	assert_int_equal(buf_put_u8(&b, 1), BUF_ERR_READONLY);
}

static void
test_limit(void **state)
{
	struct buf b;
	uint8_t big[100];

	(void)state;
	memset(big, 7, sizeof(big));
	buf_init(&b, 64);
	assert_int_equal(buf_put_bytes(&b, big, 64), BUF_OK);
	assert_int_equal(buf_put_u8(&b, 1), BUF_ERR_LIMIT);
	assert_int_equal(buf_consume(&b, 10), BUF_OK);
	assert_int_equal(buf_put_bytes(&b, big, 10), BUF_OK);
	assert_int_equal(buf_avail(&b), 64);
	assert_int_equal(buf_consume(&b, 65), BUF_ERR_SHORT);
	buf_free(&b);
	buf_init(&b, 16);
	/* nothing to add to a buffer with no storage yet is fine */
	assert_int_equal(buf_put_bytes(&b, big, 0), BUF_OK);
	assert_int_equal(buf_avail(&b), 0);
	assert_int_equal(buf_put_string(&b, big, 13), BUF_ERR_LIMIT);
	assert_int_equal(buf_put_string(&b, big, 12), BUF_OK);
	buf_free(&b);
}

static void
test_b64(void **state)
{
	static const char *good[][2] = {
		{ "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" },
		{ "Zm9vYg", "foob" }, { "Zm9vYmE=", "fooba" },
	};
	static const char *bad[] = {
		"Z", "Zg=", "Z===", "Zm9v!", "Zm 9v", "Zh==", "=Zg=", "Zg==Zg==",
	};
	size_t i, n;
	uint8_t *p;
	char *e;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		p = b64_decode(good[i][0], strlen(good[i][0]), 100, &n);
		assert_non_null(p);
		assert_int_equal(n, strlen(good[i][1]));
		assert_memory_equal(p, good[i][1], n);
		free(p);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(b64_decode(bad[i], strlen(bad[i]), 100, &n));
	assert_null(b64_decode("Zm9v", 4, 2, &n));	/* over maxout */
	e = b64_encode((const uint8_t *)"fooba", 5);
	assert_string_equal(e, "Zm9vYmE=");
	free(e);
}

static void
test_ipc_frames(void **state)
{
	struct ipc c;
	struct buf body;
	uint8_t type;
	struct ipc_auth_result in = { 1, "bob", "publickey", "ssh-ed25519",
	    "SHA256:x", "", 0, NULL, NULL, 0, NULL, NULL, 0, 0, 0 }, out;
	/* frame claiming 0 bytes, and one over the limit */
	static const uint8_t zero[] = { 0, 0, 0, 0 };
	static const uint8_t over[] = { 0x01, 0x00, 0x00, 0x01, 1 };

	(void)state;
	ipc_init(&c, -1);
	assert_int_equal(ipc_send_auth_result(&c, &in), BUF_OK);
	/* Loop the output back as input. */
	assert_int_equal(buf_put_bytes(&c.in, buf_ptr(&c.out),
	    buf_avail(&c.out) - 1), BUF_OK);
	assert_int_equal(ipc_next(&c, &type, &body), 0);	/* incomplete */
	assert_int_equal(buf_put_bytes(&c.in,
	    buf_ptr(&c.out) + buf_avail(&c.out) - 1, 1), BUF_OK);
	assert_int_equal(ipc_next(&c, &type, &body), 1);
	assert_int_equal(type, IPC_AUTH_RESULT);
	assert_int_equal(ipc_decode_auth_result(&body, &out), BUF_OK);
	assert_string_equal(out.user, "bob");
	assert_string_equal(out.key_fp, "SHA256:x");
	ipc_auth_result_free(&out);
	buf_reset(&c.in);
	assert_int_equal(buf_put_bytes(&c.in, zero, sizeof(zero)), BUF_OK);
	assert_int_equal(ipc_next(&c, &type, &body), -1);
	buf_reset(&c.in);
	assert_int_equal(buf_put_bytes(&c.in, over, sizeof(over)), BUF_OK);
	assert_int_equal(ipc_next(&c, &type, &body), -1);
	ipc_free(&c);
}

/* Decodes an auth result encoded from m; returns the decoder's code. */
static int
auth_roundtrip(const struct ipc_auth_result *m, struct ipc_auth_result *out)
{
	struct ipc c;
	struct buf body;
	uint8_t type;
	int r;

	ipc_init(&c, -1);
	assert_int_equal(ipc_send_auth_result(&c, m), BUF_OK);
	assert_int_equal(buf_put_bytes(&c.in, buf_ptr(&c.out),
	    buf_avail(&c.out)), BUF_OK);
	assert_int_equal(ipc_next(&c, &type, &body), 1);
	r = ipc_decode_auth_result(&body, out);
	ipc_free(&c);
	return r;
}

static void
test_ipc_identity(void **state)
{
	struct ipc_auth_result in = { 1, "bob", "publickey",
	    "ssh-ed25519-cert-v01@openssh.com", "SHA256:x", "", 1, "helper\\x1b",
	    "alice,bob", 42, "Corp CA", "SHA256:ca", 100, 200,
	    IPC_AUTH_F_VERIFY }, out;

	(void)state;
	assert_int_equal(auth_roundtrip(&in, &out), BUF_OK);
	assert_int_equal(out.is_cert, 1);
	assert_string_equal(out.key_id, "helper\\x1b");
	assert_string_equal(out.principals, "alice,bob");
	assert_int_equal(out.serial, 42);
	assert_string_equal(out.ca_name, "Corp CA");
	assert_string_equal(out.ca_fp, "SHA256:ca");
	assert_int_equal(out.valid_after, 100);
	assert_int_equal(out.valid_before, 200);
	assert_int_equal(out.flags, IPC_AUTH_F_VERIFY);
	ipc_auth_result_free(&out);
	/* Incoherent identities are refused. */
	in.valid_after = 201;
	assert_int_equal(auth_roundtrip(&in, &out), BUF_ERR_FORMAT);
	in.valid_after = 100;
	in.flags = 4;
	assert_int_equal(auth_roundtrip(&in, &out), BUF_ERR_FORMAT);
	in.flags = 0;
	in.is_cert = 2;
	assert_int_equal(auth_roundtrip(&in, &out), BUF_ERR_FORMAT);
	in.is_cert = 0;		/* a plain key with a key ID */
	assert_int_equal(auth_roundtrip(&in, &out), BUF_ERR_FORMAT);
	in.key_id = in.principals = in.ca_name = in.ca_fp = NULL;
	in.valid_after = in.valid_before = 0;
	assert_int_equal(auth_roundtrip(&in, &out), BUF_ERR_FORMAT); /* serial */
	in.serial = 0;
	assert_int_equal(auth_roundtrip(&in, &out), BUF_OK);
	assert_string_equal(out.key_id, "");
	ipc_auth_result_free(&out);
}

static void
test_ipc_decode_bad(void **state)
{
	/* accepted=2 is not a boolean: 5 empty strings, is_cert 0, 2 empty
	 * strings, serial, 2 empty strings, 2 times, flags */
	static const uint8_t notbool[] = { 2, 0,0,0,0, 0,0,0,0, 0,0,0,0,
	    0,0,0,0, 0,0,0,0, 0, 0,0,0,0, 0,0,0,0, 0,0,0,0,0,0,0,0,
	    0,0,0,0, 0,0,0,0, 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0, 0 };
	/* one trailing byte after an empty string */
	static const uint8_t trailing[] = { 0, 0, 0, 0, 'x' };
	struct ipc_auth_result m;
	struct buf b;
	uint8_t ok[sizeof(notbool) + 1];
	char *s;

	(void)state;
	buf_view(&b, notbool, sizeof(notbool));
	assert_int_equal(ipc_decode_auth_result(&b, &m), BUF_ERR_FORMAT);
	memcpy(ok, notbool, sizeof(notbool));
	ok[0] = 0;
	buf_view(&b, ok, sizeof(notbool));
	assert_int_equal(ipc_decode_auth_result(&b, &m), BUF_OK);
	ipc_auth_result_free(&m);
	buf_view(&b, ok, sizeof(ok));		/* trailing byte */
	assert_int_equal(ipc_decode_auth_result(&b, &m), BUF_ERR_FORMAT);
	buf_view(&b, notbool, sizeof(notbool) - 1);
	assert_int_not_equal(ipc_decode_auth_result(&b, &m), BUF_OK);
	buf_view(&b, trailing, sizeof(trailing));
	assert_int_equal(ipc_decode_str(&b, &s), BUF_ERR_FORMAT);
	buf_view(&b, trailing, 1);
	assert_int_equal(ipc_decode_empty(&b), BUF_ERR_FORMAT);
}

/* IPC_CLOSED: reason, failed flag, byte counts; every field checked. */
static void
test_ipc_closed(void **state)
{
	struct ipc_closed in = { "helper ended the session (EOF)", 0,
	    8388608, UINT64_MAX }, out;
	struct ipc c;
	struct buf body;
	uint8_t type, bad[64];
	size_t n;

	(void)state;
	ipc_init(&c, -1);
	assert_int_equal(ipc_send_closed(&c, &in), BUF_OK);
	assert_int_equal(buf_put_bytes(&c.in, buf_ptr(&c.out),
	    buf_avail(&c.out)), BUF_OK);
	assert_int_equal(ipc_next(&c, &type, &body), 1);
	assert_int_equal(type, IPC_CLOSED);
	n = buf_avail(&body);
	assert_true(n < sizeof(bad));
	memcpy(bad, buf_ptr(&body), n);
	assert_int_equal(ipc_decode_closed(&body, &out), BUF_OK);
	assert_string_equal(out.reason, in.reason);
	assert_int_equal(out.failed, 0);
	assert_true(out.bytes_in == 8388608 && out.bytes_out == UINT64_MAX);
	ipc_closed_free(&out);
	ipc_free(&c);

	/* Truncated anywhere, a trailing byte, a flag that is not 0/1. */
	while (n-- > 0) {
		buf_view(&body, bad, n);
		assert_int_not_equal(ipc_decode_closed(&body, &out), BUF_OK);
		assert_null(out.reason);
	}
	n = 4 + strlen(in.reason) + 1 + 16;
	bad[n] = 0;
	buf_view(&body, bad, n + 1);
	assert_int_equal(ipc_decode_closed(&body, &out), BUF_ERR_FORMAT);
	bad[4 + strlen(in.reason)] = 2;
	buf_view(&body, bad, n);
	assert_int_equal(ipc_decode_closed(&body, &out), BUF_ERR_FORMAT);
	bad[4 + strlen(in.reason)] = 1;
	buf_view(&body, bad, n);
	assert_int_equal(ipc_decode_closed(&body, &out), BUF_OK);
	assert_int_equal(out.failed, 1);
	ipc_closed_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_ipc_frames),
		cmocka_unit_test(test_ipc_identity),
		cmocka_unit_test(test_ipc_decode_bad),
		cmocka_unit_test(test_ipc_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
