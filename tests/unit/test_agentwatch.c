/* Unit tests: assist-cli/agentwatch.c's reading of agent messages (which
 * key a sign request names), bad messages included. The relay itself
 * runs against the real ssh-agent in tests/e2e/cli_transcript.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "assist-cli/agentwatch.h"
#include "common/buf.h"

/* A message: type, then (for a sign request) key, data, flags. */
static size_t
msg(uint8_t *out, size_t outsz, uint8_t type, const char *key, size_t klen,
    const char *data, int with_flags, const char *extra)
{
	struct buf b;
	size_t n;

	buf_init(&b, outsz);
	assert_int_equal(buf_put_u8(&b, type), BUF_OK);
	if (key != NULL)
		assert_int_equal(buf_put_string(&b, key, klen), BUF_OK);
	if (data != NULL)
		assert_int_equal(buf_put_cstring(&b, data), BUF_OK);
	if (with_flags)
		assert_int_equal(buf_put_u32(&b, 0), BUF_OK);
	if (extra != NULL)
		assert_int_equal(buf_put_bytes(&b, extra, strlen(extra)),
		    BUF_OK);
	n = buf_avail(&b);
	memcpy(out, buf_ptr(&b), n);
	buf_free(&b);
	return n;
}

static void
test_sign_key(void **unused)
{
	static uint8_t m[64];
	const uint8_t *key = NULL;
	size_t n, klen = 0;

	n = msg(m, sizeof(m), 13, "KEYBLOB", 7, "session data", 1, NULL);
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), 1);
	assert_int_equal(klen, 7);
	assert_memory_equal(key, "KEYBLOB", 7);
	assert_true(key > m && key + klen <= m + n);
	/* other messages: request identities (11), add identity (17) */
	n = msg(m, sizeof(m), 11, NULL, 0, NULL, 0, NULL);
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), 0);
	n = msg(m, sizeof(m), 17, "x", 1, NULL, 0, NULL);
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), 0);
}

static void
test_sign_key_bad(void **unused)
{
	static uint8_t m[2 * AGENTWATCH_MAX_KEY], big[AGENTWATCH_MAX_KEY + 1];
	const uint8_t *key;
	size_t n, klen;

	assert_int_equal(agentwatch_sign_key(m, 0, &key, &klen), -1);
	/* no data, no flags, an empty key, trailing bytes */
	n = msg(m, sizeof(m), 13, "K", 1, NULL, 0, NULL);
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), -1);
	n = msg(m, sizeof(m), 13, "K", 1, "d", 0, NULL);
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), -1);
	n = msg(m, sizeof(m), 13, "", 0, "d", 1, NULL);
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), -1);
	n = msg(m, sizeof(m), 13, "K", 1, "d", 1, "x");
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), -1);
	/* every cut of a good message */
	n = msg(m, sizeof(m), 13, "KEYBLOB", 7, "data", 1, NULL);
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(agentwatch_sign_key(m, cut, &key, &klen), -1);
	/* a key length past the message, and a key over the limit */
	n = msg(m, sizeof(m), 13, "KEYBLOB", 7, "data", 1, NULL);
	m[4] = 0xff;
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), -1);
	memset(big, 'k', sizeof(big));
	n = msg(m, sizeof(m), 13, (const char *)big, sizeof(big), "d", 1,
	    NULL);
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), -1);
	n = msg(m, sizeof(m), 13, (const char *)big, sizeof(big) - 1, "d", 1,
	    NULL);
	assert_int_equal(agentwatch_sign_key(m, n, &key, &klen), 1);
	assert_int_equal(klen, AGENTWATCH_MAX_KEY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_key),
		cmocka_unit_test(test_sign_key_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
