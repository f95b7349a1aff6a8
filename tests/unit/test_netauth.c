/* Unit tests: netauth_decide() (assistd/netauth.c), the network process's
 * publickey decision, on blobs built with buf.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assistd/netconn.h"
#include "common/authkeys.h"
#include "common/b64.h"
#include "common/buf.h"

/* An ed25519 public key blob whose key bytes are all fill. */
static void
ed25519_blob(struct buf *b, uint8_t fill)
{
	uint8_t pk[32];

	memset(pk, fill, sizeof(pk));
	buf_init(b, 1024);
	assert_int_equal(buf_put_cstring(b, "ssh-ed25519"), BUF_OK);
	assert_int_equal(buf_put_string(b, pk, sizeof(pk)), BUF_OK);
}

/* The accepted list: one key, fill 0x11. */
static void
load_keys(struct authkeys *ak)
{
	struct buf b;
	char *enc, text[256], err[128];

	ed25519_blob(&b, 0x11);
	assert_non_null(enc = b64_encode(buf_ptr(&b), buf_avail(&b)));
	snprintf(text, sizeof(text), "ssh-ed25519 %s helper\n", enc);
	free(enc);
	buf_free(&b);
	assert_int_equal(authkeys_parse("ak", text, strlen(text), ak, err,
	    sizeof(err)), 0);
}

static void
test_accepts_listed_key_for_user(void **state)
{
	struct authkeys ak;
	struct buf b;

	(void)state;
	load_keys(&ak);
	ed25519_blob(&b, 0x11);
	assert_null(netauth_decide("alice", &ak, "alice", buf_ptr(&b),
	    buf_avail(&b)));
	buf_free(&b);
	authkeys_free(&ak);
}

static void
test_refusals(void **state)
{
	struct authkeys ak;
	struct buf b;

	(void)state;
	load_keys(&ak);
	ed25519_blob(&b, 0x11);
	assert_string_equal(netauth_decide("alice", &ak, "root", buf_ptr(&b),
	    buf_avail(&b)), "user name not accepted");
	assert_string_equal(netauth_decide("alice", &ak, "alice2",
	    buf_ptr(&b), buf_avail(&b)), "user name not accepted");
	assert_string_equal(netauth_decide("alice", &ak, "", buf_ptr(&b),
	    buf_avail(&b)), "user name not accepted");
	assert_string_equal(netauth_decide("alice", &ak, NULL, buf_ptr(&b),
	    buf_avail(&b)), "user name not accepted");
	assert_string_equal(netauth_decide("alice", &ak, "alice", NULL, 0),
	    "unreadable key");
	/* the listed blob minus its last byte */
	assert_string_equal(netauth_decide("alice", &ak, "alice", buf_ptr(&b),
	    buf_avail(&b) - 1), "key not authorized");
	buf_free(&b);
	ed25519_blob(&b, 0x22);
	assert_string_equal(netauth_decide("alice", &ak, "alice", buf_ptr(&b),
	    buf_avail(&b)), "key not authorized");
	buf_free(&b);
	authkeys_free(&ak);
}

/* A certificate is refused even when its embedded key is listed, and
 * before the list is looked at. */
static void
test_certificate_refused(void **state)
{
	uint8_t pk[32];
	struct authkeys ak;
	struct buf cert;
	uint8_t nonce[32] = { 0 };

	(void)state;
	memset(pk, 0x11, sizeof(pk));
	load_keys(&ak);
	buf_init(&cert, 1024);
	buf_put_cstring(&cert, "ssh-ed25519-cert-v01@openssh.com");
	buf_put_string(&cert, nonce, sizeof(nonce));
	buf_put_string(&cert, pk, sizeof(pk));
	assert_string_equal(netauth_decide("alice", &ak, "alice",
	    buf_ptr(&cert), buf_avail(&cert)),
	    "certificates not yet supported");
	buf_reset(&cert);
	buf_put_cstring(&cert, "sk-ssh-ed25519-cert-v01@openssh.com");
	assert_string_equal(netauth_decide("alice", &ak, "alice",
	    buf_ptr(&cert), buf_avail(&cert)),
	    "certificates not yet supported");
	/* the user check still comes first */
	assert_string_equal(netauth_decide("alice", &ak, "bob",
	    buf_ptr(&cert), buf_avail(&cert)), "user name not accepted");
	buf_free(&cert);
	authkeys_free(&ak);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_listed_key_for_user),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_certificate_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
