/* Unit tests: the one-time code's IPC messages (common/ipc.c):
 * IPC_CODE_CHECK {answer} from the network process (hostile to the
 * monitor) and IPC_CODE_RESULT {ok, tries_left} back; every field the
 * type does not use must be empty, the answer at most IPC_CODE_MAX. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/buf.h"
#include "common/ipc.h"

/* A ctl body as the wire has it, fields given one by one. */
static void
body(struct buf *b, uint8_t mode, uint8_t kind, uint32_t num,
     const char *text, const char *text2)
{
	buf_init(b, 4096);
	assert_int_equal(buf_put_u8(b, mode), BUF_OK);
	assert_int_equal(buf_put_u8(b, kind), BUF_OK);
	assert_int_equal(buf_put_u32(b, num), BUF_OK);
	assert_int_equal(buf_put_cstring(b, text), BUF_OK);
	assert_int_equal(buf_put_cstring(b, text2), BUF_OK);
}

static int
decode(uint8_t type, uint8_t mode, uint8_t kind, uint32_t num,
       const char *text, const char *text2, struct ipc_ctl *m)
{
	struct buf b;
	int r;

	body(&b, mode, kind, num, text, text2);
	r = ipc_decode_ctl(&b, type, m);
	buf_free(&b);
	return r;
}

static void
test_roundtrip(void **state)
{
	struct ipc c;
	struct buf b;
	struct ipc_ctl in = { .text = "4821-9930" }, out;
	struct ipc_ctl res = { .kind = 1, .num = 2 };
	uint8_t type;

	(void)state;
	ipc_init(&c, -1);
	assert_int_equal(ipc_send_ctl(&c, IPC_CODE_CHECK, &in), BUF_OK);
	assert_int_equal(ipc_send_ctl(&c, IPC_CODE_RESULT, &res), BUF_OK);
	/* What was queued for writing is what a reader gets. */
	assert_int_equal(buf_put_bytes(&c.in, buf_ptr(&c.out),
	    buf_avail(&c.out)), BUF_OK);
	assert_int_equal(ipc_next(&c, &type, &b), 1);
	assert_int_equal(type, IPC_CODE_CHECK);
	assert_int_equal(ipc_decode_ctl(&b, type, &out), BUF_OK);
	assert_string_equal(out.text, "4821-9930");
	ipc_ctl_free(&out);
	assert_int_equal(ipc_next(&c, &type, &b), 1);
	assert_int_equal(type, IPC_CODE_RESULT);
	assert_int_equal(ipc_decode_ctl(&b, type, &out), BUF_OK);
	assert_int_equal(out.kind, 1);
	assert_int_equal(out.num, 2);
	ipc_ctl_free(&out);
	ipc_free(&c);
}

static void
test_check_bad(void **state)
{
	char longest[IPC_CODE_MAX + 2];
	struct ipc_ctl m;

	(void)state;
	memset(longest, '7', sizeof(longest) - 1);
	longest[IPC_CODE_MAX] = '\0';
	assert_int_equal(decode(IPC_CODE_CHECK, 0, 0, 0, longest, "", &m),
	    BUF_OK);
	ipc_ctl_free(&m);
	assert_int_equal(decode(IPC_CODE_CHECK, 0, 0, 0, "", "", &m), BUF_OK);
	ipc_ctl_free(&m);
	/* One byte over, or any field the type does not use. */
	longest[IPC_CODE_MAX] = '7';
	longest[IPC_CODE_MAX + 1] = '\0';
	assert_int_equal(decode(IPC_CODE_CHECK, 0, 0, 0, longest, "", &m),
	    BUF_ERR_FORMAT);
	assert_int_equal(decode(IPC_CODE_CHECK, 1, 0, 0, "1", "", &m),
	    BUF_ERR_FORMAT);
	assert_int_equal(decode(IPC_CODE_CHECK, 0, 1, 0, "1", "", &m),
	    BUF_ERR_FORMAT);
	assert_int_equal(decode(IPC_CODE_CHECK, 0, 0, 5, "1", "", &m),
	    BUF_ERR_FORMAT);
	assert_int_equal(decode(IPC_CODE_CHECK, 0, 0, 0, "1", "x", &m),
	    BUF_ERR_FORMAT);
	assert_null(m.text);
}

static void
test_result_bad(void **state)
{
	struct ipc_ctl m;
	struct buf b, v;

	(void)state;
	assert_int_equal(decode(IPC_CODE_RESULT, 0, 0, 0, "", "", &m), BUF_OK);
	ipc_ctl_free(&m);
	assert_int_equal(decode(IPC_CODE_RESULT, 0, 2, 0, "", "", &m),
	    BUF_ERR_FORMAT);
	assert_int_equal(decode(IPC_CODE_RESULT, 1, 1, 0, "", "", &m),
	    BUF_ERR_FORMAT);
	assert_int_equal(decode(IPC_CODE_RESULT, 0, 1, 0, "4821", "", &m),
	    BUF_ERR_FORMAT);
	/* Trailing byte, short body. */
	body(&b, 0, 1, 0, "", "");
	assert_int_equal(buf_put_u8(&b, 0), BUF_OK);
	assert_int_equal(ipc_decode_ctl(&b, IPC_CODE_RESULT, &m),
	    BUF_ERR_FORMAT);
	buf_free(&b);
	body(&b, 0, 1, 0, "", "");
	buf_view(&v, buf_ptr(&b), 5);
	assert_int_not_equal(ipc_decode_ctl(&v, IPC_CODE_RESULT, &m), BUF_OK);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_check_bad),
		cmocka_unit_test(test_result_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
