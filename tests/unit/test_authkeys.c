/* Unit tests: common/authkeys.c (the interim accepted-keys list). Keys of
 * every type ssh-keygen makes are generated at test time; sk keys and
 * broken blobs are built by hand with buf.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/authkeys.h"
#include "common/b64.h"
#include "common/buf.h"

static char tmpdir[] = "/tmp/test_authkeys.XXXXXX";

/* Runs ssh-keygen to make NAME of type TYPE (bits, or 0) in tmpdir and
 * returns the .pub line (caller frees). */
static char *
keygen(const char *name, const char *type, int bits)
{
	char path[256], pub[300], bitstr[16], line[16384];
	pid_t pid;
	int st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	snprintf(pub, sizeof(pub), "%s.pub", path);
	snprintf(bitstr, sizeof(bitstr), "%d", bits);
	if ((pid = fork()) == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		dup2(devnull, 2);
		if (bits > 0)
			execlp("ssh-keygen", "ssh-keygen", "-q", "-t", type,
			    "-b", bitstr, "-N", "", "-C", name, "-f", path,
			    (char *)NULL);
		else
			execlp("ssh-keygen", "ssh-keygen", "-q", "-t", type,
			    "-N", "", "-C", name, "-f", path, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(f = fopen(pub, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	return strdup(line);
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

/* Parses text and expects failure with err starting with want_prefix and
 * containing want_reason. */
static void
expect_bad(const char *text, const char *want_prefix, const char *want_reason)
{
	struct authkeys ak;
	char err[512] = "";

	assert_int_equal(authkeys_parse("ak", text, strlen(text), &ak, err,
	    sizeof(err)), -1);
	assert_int_equal(ak.n, 0);
	assert_null(ak.keys);
	if (strncmp(err, want_prefix, strlen(want_prefix)) != 0 ||
	    strstr(err, want_reason) == NULL)
		fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", err,
		    want_prefix, want_reason);
}

static void
expect_good(const char *text, size_t nkeys)
{
	struct authkeys ak;
	char err[512] = "";

	if (authkeys_parse("ak", text, strlen(text), &ak, err,
	    sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(ak.n, nkeys);
	authkeys_free(&ak);
}

/* "type base64 comment\n" for a blob built in b. */
static char *
line_for(const char *type, struct buf *b, const char *comment)
{
	char *enc = b64_encode(buf_ptr(b), buf_avail(b)), *line;
	size_t n;

	assert_non_null(enc);
	n = strlen(type) + strlen(enc) + strlen(comment) + 4;
	line = malloc(n);
	snprintf(line, n, "%s %s %s\n", type, enc, comment);
	free(enc);
	return line;
}

static void
test_real_keys(void **state)
{
	const char *types[][2] = {
		{ "ed25519", "0" }, { "ecdsa", "256" }, { "ecdsa", "384" },
		{ "ecdsa", "521" }, { "rsa", "2048" }, { "rsa", "3072" },
	};
	char text[65536] = "# helpers\n\n", name[32];
	struct authkeys ak;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char *l;

		snprintf(name, sizeof(name), "k%zu", i);
		l = keygen(name, types[i][0], atoi(types[i][1]));
		strcat(text, "  ");	/* leading blanks are allowed */
		strcat(text, l);
		free(l);
	}
	assert_int_equal(authkeys_parse("ak", text, strlen(text), &ak, err,
	    sizeof(err)), 0);
	assert_int_equal(ak.n, 6);
	assert_string_equal(ak.keys[0].type, "ssh-ed25519");
	assert_string_equal(ak.keys[0].comment, "k0");
	assert_string_equal(ak.keys[3].type, "ecdsa-sha2-nistp521");
	assert_string_equal(ak.keys[5].type, "ssh-rsa");
	/* Each blob is found, at its own index. */
	for (i = 0; i < ak.n; i++)
		assert_int_equal(authkeys_find(&ak, ak.keys[i].blob,
		    ak.keys[i].blob_len), (int)i);
	authkeys_free(&ak);
}

static void
test_refused_real_keys(void **state)
{
	char *l, text[20000];

	(void)state;
	l = keygen("small", "rsa", 1024);
	expect_bad(l, "ak:1: ", "RSA key shorter than 2048 bits");
	free(l);
	l = keygen("dsa", "dsa", 0);
	snprintf(text, sizeof(text), "\n# x\n%s", l);
	expect_bad(text, "ak:3: ", "unknown or refused key type");
	free(l);
}

static void
test_certificate_refused(void **state)
{
	char path[300], cmd[1024], line[8192];
	char *l;
	FILE *f;

	(void)state;
	free(keygen("ca", "ed25519", 0));
	free(keygen("user", "ed25519", 0));
	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -s %s/ca -I t -n nobody "
	    "%s/user.pub >/dev/null 2>&1", tmpdir, tmpdir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/user-cert.pub", tmpdir);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	expect_bad(line, "ak:1: ", "certificates are not supported");
	/* A plain key whose blob is in fact a certificate. */
	l = strchr(line, ' ');
	snprintf(cmd, sizeof(cmd), "ssh-ed25519%s", l);
	expect_bad(cmd, "ak:1: ", "key type does not match");
}

static void
test_options_refused(void **state)
{
	char *l, text[4096];
	const char *opts[] = {
		"from=\"10.0.0.0/8\" ", "no-pty ", "command=\"/bin/true\" ",
		"restrict,port-forwarding ", "cert-authority ",
	};
	size_t i;

	(void)state;
	l = keygen("opt", "ed25519", 0);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		snprintf(text, sizeof(text), "%s%s%s", l, opts[i], l);
		expect_bad(text, "ak:2: ", "key options are not supported");
	}
	free(l);
}

static void
test_sk_keys(void **state)
{
	uint8_t pk[32], pt[65];
	struct buf b;
	char *l;

	(void)state;
	memset(pk, 0x11, sizeof(pk));
	memset(pt, 0x22, sizeof(pt));
	pt[0] = 0x04;
	buf_init(&b, 4096);
	buf_put_cstring(&b, "sk-ssh-ed25519@openssh.com");
	buf_put_string(&b, pk, sizeof(pk));
	buf_put_cstring(&b, "ssh:");
	l = line_for("sk-ssh-ed25519@openssh.com", &b, "yubi");
	expect_good(l, 1);
	free(l);
	/* Without its application string. */
	buf_reset(&b);
	buf_put_cstring(&b, "sk-ssh-ed25519@openssh.com");
	buf_put_string(&b, pk, sizeof(pk));
	l = line_for("sk-ssh-ed25519@openssh.com", &b, "");
	expect_bad(l, "ak:1: ", "bad security key application");
	free(l);
	buf_reset(&b);
	buf_put_cstring(&b, "sk-ecdsa-sha2-nistp256@openssh.com");
	buf_put_cstring(&b, "nistp256");
	buf_put_string(&b, pt, sizeof(pt));
	buf_put_cstring(&b, "ssh:");
	l = line_for("sk-ecdsa-sha2-nistp256@openssh.com", &b, "");
	expect_good(l, 1);
	free(l);
	buf_free(&b);
}

static void
test_bad_blobs(void **state)
{
	uint8_t pk[33], pt[65];
	struct buf b;
	char *l;

	(void)state;
	memset(pk, 0x11, sizeof(pk));
	memset(pt, 0x22, sizeof(pt));
	buf_init(&b, 4096);
	/* ed25519 key of 31 and 33 bytes */
	buf_put_cstring(&b, "ssh-ed25519");
	buf_put_string(&b, pk, 31);
	l = line_for("ssh-ed25519", &b, "");
	expect_bad(l, "ak:1: ", "bad ed25519 public key");
	free(l);
	buf_reset(&b);
	buf_put_cstring(&b, "ssh-ed25519");
	buf_put_string(&b, pk, 33);
	l = line_for("ssh-ed25519", &b, "");
	expect_bad(l, "ak:1: ", "bad ed25519 public key");
	free(l);
	/* trailing byte */
	buf_reset(&b);
	buf_put_cstring(&b, "ssh-ed25519");
	buf_put_string(&b, pk, 32);
	buf_put_u8(&b, 0);
	l = line_for("ssh-ed25519", &b, "");
	expect_bad(l, "ak:1: ", "trailing bytes");
	free(l);
	/* truncated: length says 32, 10 bytes follow */
	buf_reset(&b);
	buf_put_cstring(&b, "ssh-ed25519");
	buf_put_u32(&b, 32);
	buf_put_bytes(&b, pk, 10);
	l = line_for("ssh-ed25519", &b, "");
	expect_bad(l, "ak:1: ", "bad ed25519 public key");
	free(l);
	/* ecdsa: wrong curve for the type, compressed point */
	buf_reset(&b);
	buf_put_cstring(&b, "ecdsa-sha2-nistp256");
	buf_put_cstring(&b, "nistp384");
	buf_put_string(&b, pt, sizeof(pt));
	l = line_for("ecdsa-sha2-nistp256", &b, "");
	expect_bad(l, "ak:1: ", "curve does not match");
	free(l);
	buf_reset(&b);
	buf_put_cstring(&b, "ecdsa-sha2-nistp256");
	buf_put_cstring(&b, "nistp256");
	pt[0] = 0x02;
	buf_put_string(&b, pt, sizeof(pt));
	l = line_for("ecdsa-sha2-nistp256", &b, "");
	expect_bad(l, "ak:1: ", "bad ECDSA public point");
	free(l);
	/* rsa: negative exponent, non-minimal modulus */
	buf_reset(&b);
	buf_put_cstring(&b, "ssh-rsa");
	buf_put_string(&b, "\x81", 1);
	l = line_for("ssh-rsa", &b, "");
	expect_bad(l, "ak:1: ", "bad RSA exponent");
	free(l);
	buf_reset(&b);
	buf_put_cstring(&b, "ssh-rsa");
	buf_put_string(&b, "\x01\x00\x01", 3);
	buf_put_string(&b, "\x00\x01", 2);
	l = line_for("ssh-rsa", &b, "");
	expect_bad(l, "ak:1: ", "bad RSA modulus");
	free(l);
	/* empty blob */
	expect_bad("ssh-ed25519 AAAA\n", "ak:1: ", "key blob has no type");
	buf_free(&b);
}

static void
test_bad_lines(void **state)
{
	static const char ed[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPVmo"
	    "mAsZvt+Kw40FU0wIooKEXVH/xVw5UWI7zoJU2xl";
	char text[20000];
	size_t i;

	(void)state;
	snprintf(text, sizeof(text), "%s c\r\n%s\n", ed, ed);
	expect_good(text, 2);
	expect_good("", 0);
	expect_good("# only a comment\n\n   \n\t# another", 0);
	expect_bad("ssh-ed25519\n", "ak:1: ", "missing base64 key");
	expect_bad("ssh-ed25519 AAAA@AAA\n", "ak:1: ", "invalid base64");
	/* non-canonical: the last character carries non-zero padding bits */
	expect_bad("ssh-ed25519 AAB=\n", "ak:1: ", "invalid base64");
	expect_bad("ssh-foo AAAA\n", "ak:1: ", "unknown or refused key type");
	expect_bad("\n\nssh-ed25519\tAAA\x01 x\n", "ak:3: ",
	    "control character");
	snprintf(text, sizeof(text), "%s x\n%s\x1b[2J\n", ed, ed);
	expect_bad(text, "ak:2: ", "control character");
	{
		char nul[] = "ssh-ed25519 AAAA\0 x\n";
		struct authkeys ak;
		char err[256];

		assert_int_equal(authkeys_parse("ak", nul, sizeof(nul) - 1,
		    &ak, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "ak:1: NUL byte"));
	}
	/* a line of AUTHKEYS_MAX_LINE + 1 bytes */
	memset(text, 'A', sizeof(text));
	memcpy(text, "ssh-ed25519 ", 12);
	text[AUTHKEYS_MAX_LINE + 1] = '\n';
	text[AUTHKEYS_MAX_LINE + 2] = '\0';
	expect_bad(text, "ak:1: ", "line too long");
	/* key longer than AUTHKEYS_MAX_BLOB */
	text[AUTHKEYS_MAX_LINE - 100] = '\n';
	text[AUTHKEYS_MAX_LINE - 99] = '\0';
	expect_bad(text, "ak:1: ", "key too long");
	/* too many keys */
	{
		size_t n = (AUTHKEYS_MAX_KEYS + 1) * (sizeof(ed) + 1) + 1;
		char *big = malloc(n), *p = big;

		assert_non_null(big);
		for (i = 0; i < AUTHKEYS_MAX_KEYS; i++)
			p += sprintf(p, "%s\n", ed);
		expect_good(big, AUTHKEYS_MAX_KEYS);
		sprintf(p, "%s\n", ed);
		expect_bad(big, "ak:1025: ", "too many keys");
		free(big);
	}
}

static void
test_find(void **state)
{
	static const char text[] =
	    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPVmomAsZvt+Kw40FU0wIooKEXVH"
	    "/xVw5UWI7zoJU2xl a\n";
	struct authkeys ak;
	uint8_t blob[64];
	char err[128];

	(void)state;
	assert_int_equal(authkeys_parse("ak", text, strlen(text), &ak, err,
	    sizeof(err)), 0);
	assert_int_equal(ak.n, 1);
	assert_int_equal(ak.keys[0].blob_len, 51);
	memcpy(blob, ak.keys[0].blob, 51);
	assert_int_equal(authkeys_find(&ak, blob, 51), 0);
	assert_int_equal(authkeys_find(&ak, blob, 50), -1);	/* prefix */
	blob[50] ^= 1;
	assert_int_equal(authkeys_find(&ak, blob, 51), -1);
	authkeys_free(&ak);
	assert_int_equal(authkeys_find(&ak, blob, 51), -1);	/* empty */
}

/* Writes text to tmpdir/name with mode; returns the path (static). */
static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void
test_load(void **state)
{
	char *l = keygen("load", "ed25519", 0), err[512], want[400];
	struct authkeys ak;
	const char *path;

	(void)state;
	path = write_file("ok", l, 0600);
	assert_int_equal(authkeys_load(path, &ak, err, sizeof(err)), 0);
	assert_int_equal(ak.n, 1);
	authkeys_free(&ak);
	path = write_file("ro", l, 0644);
	assert_int_equal(authkeys_load(path, &ak, err, sizeof(err)), 0);
	authkeys_free(&ak);

	path = write_file("ww", l, 0666);
	assert_int_equal(authkeys_load(path, &ak, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: writable by group or others", path);
	assert_memory_equal(err, want, strlen(want));
	path = write_file("gw", l, 0620);
	assert_int_equal(authkeys_load(path, &ak, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mode 0620"));

	path = write_file("badline", "# x\nssh-rsa AAAA\n", 0600);
	assert_int_equal(authkeys_load(path, &ak, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: ", path);
	assert_memory_equal(err, want, strlen(want));

	assert_int_equal(authkeys_load(tmpdir, &ak, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	snprintf(want, sizeof(want), "%s/missing", tmpdir);
	assert_int_equal(authkeys_load(want, &ak, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));

	if (geteuid() == 0) {
		path = write_file("nobody", l, 0600);
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(authkeys_load(path, &ak, err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "owned by uid 65534"));
	}
	free(l);
}

static void
test_load_too_large(void **state)
{
	char path[300], err[512], line[128];
	struct authkeys ak;
	size_t n = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/big", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	memset(line, '#', sizeof(line) - 1);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	while (n <= AUTHKEYS_MAX_FILE)
		n += (size_t)fprintf(f, "%s", line);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(authkeys_load(path, &ak, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "file too large"));
	/* Exactly the limit is read (comments only: no key). */
	assert_int_equal(truncate(path, AUTHKEYS_MAX_FILE), 0);
	assert_int_equal(authkeys_load(path, &ak, err, sizeof(err)), 0);
	assert_int_equal(ak.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_keys),
		cmocka_unit_test(test_refused_real_keys),
		cmocka_unit_test(test_certificate_refused),
		cmocka_unit_test(test_options_refused),
		cmocka_unit_test(test_sk_keys),
		cmocka_unit_test(test_bad_blobs),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_too_large),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
