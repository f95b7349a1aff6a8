/* Unit tests: netauth_decide() (assistd/netauth.c), the network process's
 * publickey decision, which is policy_check on what the helper sent. The
 * policy's own cases are in test_policy.c; this checks the wiring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "assistd/netconn.h"
#include "common/b64.h"
#include "common/buf.h"
#include "common/policy.h"

static char tmpdir[] = "/tmp/test_netauth.XXXXXX";

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

/* A policy for account alice accepting one key, fill 0x11. */
static struct policy *
load_policy(void)
{
	struct policy_files pf = { 0 };
	struct policy *p;
	struct buf b;
	char *enc, path[300], err[512];
	FILE *f;

	ed25519_blob(&b, 0x11);
	assert_non_null(enc = b64_encode(buf_ptr(&b), buf_avail(&b)));
	snprintf(path, sizeof(path), "%s/ak", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "ssh-ed25519 %s helper\n", enc);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	free(enc);
	buf_free(&b);
	pf.authorized_keys = path;
	p = policy_load(NULL, &pf, "alice", err, sizeof(err));
	if (p == NULL)
		fail_msg("policy_load: %s", err);
	return p;
}

static int
decide(const struct policy *p, const char *user, const struct buf *b,
       size_t len, char *why)
{
	struct policy_identity id;

	return netauth_decide(p, user, b ? buf_ptr(b) : NULL, len,
	    "127.0.0.1", 1700000000u, &id, why, 512);
}

static void
test_accepts_listed_key_for_user(void **state)
{
	struct policy *p = load_policy();
	struct policy_identity id;
	char why[512];
	struct buf b;

	(void)state;
	ed25519_blob(&b, 0x11);
	assert_int_equal(netauth_decide(p, "alice", buf_ptr(&b),
	    buf_avail(&b), "127.0.0.1", 1700000000u, &id, why, sizeof(why)),
	    1);
	assert_false(id.is_cert);
	assert_string_equal(id.key_type, "ssh-ed25519");
	assert_memory_equal(id.key_fp, "SHA256:", 7);
	buf_free(&b);
	policy_free(p);
}

static void
test_refusals(void **state)
{
	struct policy *p = load_policy();
	char why[512];
	struct buf b;

	(void)state;
	ed25519_blob(&b, 0x11);
	assert_int_equal(decide(p, "root", &b, buf_avail(&b), why), 0);
	assert_string_equal(why, "user root is not the account running "
	    "assistd (alice)");
	assert_int_equal(decide(p, "alice2", &b, buf_avail(&b), why), 0);
	assert_int_equal(decide(p, NULL, &b, buf_avail(&b), why), 0);
	assert_non_null(strstr(why, "is not the account running assistd"));
	assert_int_equal(decide(p, "al\x1b[2Jice", &b, buf_avail(&b), why), 0);
	assert_non_null(strstr(why, "user al\\x1b[2Jice is not"));
	assert_int_equal(decide(p, "alice", NULL, 0, why), 0);
	assert_string_equal(why, "unreadable key");
	/* the listed blob minus its last byte */
	assert_int_equal(decide(p, "alice", &b, buf_avail(&b) - 1, why), 0);
	buf_free(&b);
	ed25519_blob(&b, 0x22);
	assert_int_equal(decide(p, "alice", &b, buf_avail(&b), why), 0);
	assert_non_null(strstr(why, "key SHA256:"));
	assert_non_null(strstr(why, " not in "));
	buf_free(&b);
	policy_free(p);
}

/* A certificate is never taken for its plain key. */
static void
test_certificate_not_plain_key(void **state)
{
	struct policy *p = load_policy();
	uint8_t pk[32], nonce[32] = { 0 };
	struct buf cert;
	char why[512];

	(void)state;
	memset(pk, 0x11, sizeof(pk));
	buf_init(&cert, 1024);
	buf_put_cstring(&cert, "ssh-ed25519-cert-v01@openssh.com");
	buf_put_string(&cert, nonce, sizeof(nonce));
	buf_put_string(&cert, pk, sizeof(pk));
	assert_int_equal(decide(p, "alice", &cert, buf_avail(&cert), why), 0);
	assert_non_null(strstr(why, "certificate"));
	/* the user check still comes first */
	assert_int_equal(decide(p, "bob", &cert, buf_avail(&cert), why), 0);
	assert_non_null(strstr(why, "user bob is not the account"));
	buf_free(&cert);
	policy_free(p);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_listed_key_for_user),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_certificate_not_plain_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
