/* Unit tests: common/authfile.c (AuthorizedKeysFile, AuthorizedPrincipalsFile,
 * TrustedUserCAKeys lines). Keys of every type ssh-keygen makes are
 * generated at test time; sk keys and broken blobs are built by hand with
 * buf.h. The key tests came from the interim authkeys.c. */
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

#include "common/authfile.h"
#include "common/b64.h"
#include "common/buf.h"

static char tmpdir[] = "/tmp/test_authfile.XXXXXX";

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
expect_bad_kind(enum authfile_kind kind, const char *text,
		const char *want_prefix, const char *want_reason)
{
	struct authfile ak;
	char err[512] = "";

	assert_int_equal(authfile_parse(kind, "ak", text, strlen(text), &ak,
	    err, sizeof(err)), -1);
	assert_int_equal(ak.n, 0);
	assert_null(ak.e);
	if (strncmp(err, want_prefix, strlen(want_prefix)) != 0 ||
	    strstr(err, want_reason) == NULL)
		fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", err,
		    want_prefix, want_reason);
}

static void
expect_bad(const char *text, const char *want_prefix, const char *want_reason)
{
	expect_bad_kind(AUTHFILE_AUTHORIZED_KEYS, text, want_prefix,
	    want_reason);
}

static void
expect_good(const char *text, size_t nkeys)
{
	struct authfile ak;
	char err[512] = "";

	if (authfile_parse(AUTHFILE_AUTHORIZED_KEYS, "ak", text, strlen(text), &ak, err,
	    sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(ak.n, nkeys);
	authfile_free(&ak);
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
	struct authfile ak;
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
	assert_int_equal(authfile_parse(AUTHFILE_AUTHORIZED_KEYS, "ak", text, strlen(text), &ak, err,
	    sizeof(err)), 0);
	assert_int_equal(ak.n, 6);
	assert_string_equal(ak.e[0].type, "ssh-ed25519");
	assert_string_equal(ak.e[0].comment, "k0");
	assert_string_equal(ak.e[3].type, "ecdsa-sha2-nistp521");
	assert_string_equal(ak.e[5].type, "ssh-rsa");
	/* Each blob is found, at its own index. */
	for (i = 0; i < ak.n; i++)
		assert_int_equal(authfile_find_key(&ak, 0, ak.e[i].blob,
		    ak.e[i].blob_len), (int)i);
	authfile_free(&ak);
}

static void
test_refused_real_keys(void **state)
{
	char *l, text[20000];

	(void)state;
	l = keygen("small", "rsa", 1024);
	expect_bad(l, "ak:1: ", "rsa modulus of 1024 bits");
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
	expect_bad(line, "ak:1: ", "a certificate is not a key");
	/* A plain key whose blob is in fact a certificate. */
	l = strchr(line, ' ');
	snprintf(cmd, sizeof(cmd), "ssh-ed25519%s", l);
	expect_bad(cmd, "ak:1: ", "unknown or unsupported key type");
}

static void
test_sk_keys(void **state)
{
	uint8_t pk[32], pt[65];
	struct buf b;
	char *l;

	(void)state;
	memset(pk, 0x11, sizeof(pk));
	/* The P-256 base point: a valid public point. */
	static const uint8_t g256[65] = { 0x04,
	    0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6,
	    0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb,
	    0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
	    0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb,
	    0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31,
	    0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5 };

	memcpy(pt, g256, sizeof(pt));
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
	expect_bad(l, "ak:1: ", "sk application");
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
	expect_bad(l, "ak:1: ", "ed25519 key");
	free(l);
	buf_reset(&b);
	buf_put_cstring(&b, "ssh-ed25519");
	buf_put_string(&b, pk, 33);
	l = line_for("ssh-ed25519", &b, "");
	expect_bad(l, "ak:1: ", "ed25519 key");
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
	expect_bad(l, "ak:1: ", "ed25519 key");
	free(l);
	/* ecdsa: wrong curve for the type, compressed point */
	buf_reset(&b);
	buf_put_cstring(&b, "ecdsa-sha2-nistp256");
	buf_put_cstring(&b, "nistp384");
	buf_put_string(&b, pt, sizeof(pt));
	l = line_for("ecdsa-sha2-nistp256", &b, "");
	expect_bad(l, "ak:1: ", "ecdsa curve does not match");
	free(l);
	buf_reset(&b);
	buf_put_cstring(&b, "ecdsa-sha2-nistp256");
	buf_put_cstring(&b, "nistp256");
	pt[0] = 0x02;
	buf_put_string(&b, pt, sizeof(pt));
	l = line_for("ecdsa-sha2-nistp256", &b, "");
	expect_bad(l, "ak:1: ", "ecdsa point");
	free(l);
	/* rsa: negative exponent, non-minimal modulus */
	buf_reset(&b);
	buf_put_cstring(&b, "ssh-rsa");
	buf_put_string(&b, "\x81", 1);
	l = line_for("ssh-rsa", &b, "");
	expect_bad(l, "ak:1: ", "rsa exponent");
	free(l);
	buf_reset(&b);
	buf_put_cstring(&b, "ssh-rsa");
	buf_put_string(&b, "\x01\x00\x01", 3);
	buf_put_string(&b, "\x00\x01", 2);
	l = line_for("ssh-rsa", &b, "");
	expect_bad(l, "ak:1: ", "rsa modulus");
	free(l);
	/* empty blob */
	expect_bad("ssh-ed25519 AAAA\n", "ak:1: ", "key type");
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
		struct authfile ak;
		char err[256];

		assert_int_equal(authfile_parse(AUTHFILE_AUTHORIZED_KEYS, "ak", nul, sizeof(nul) - 1,
		    &ak, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "ak:1: NUL byte"));
	}
	/* a line of AUTHFILE_MAX_LINE + 1 bytes */
	memset(text, 'A', sizeof(text));
	memcpy(text, "ssh-ed25519 ", 12);
	text[AUTHFILE_MAX_LINE + 1] = '\n';
	text[AUTHFILE_MAX_LINE + 2] = '\0';
	expect_bad(text, "ak:1: ", "line too long");
	/* key longer than AUTHFILE_MAX_BLOB */
	text[AUTHFILE_MAX_LINE - 100] = '\n';
	text[AUTHFILE_MAX_LINE - 99] = '\0';
	expect_bad(text, "ak:1: ", "key too long");
	/* too many keys */
	{
		size_t n = (AUTHFILE_MAX_ENTRIES + 1) * (sizeof(ed) + 1) + 1;
		char *big = malloc(n), *p = big;

		assert_non_null(big);
		for (i = 0; i < AUTHFILE_MAX_ENTRIES; i++)
			p += sprintf(p, "%s\n", ed);
		expect_good(big, AUTHFILE_MAX_ENTRIES);
		sprintf(p, "%s\n", ed);
		expect_bad(big, "ak:1025: ", "too many entries");
		free(big);
	}
}

static void
test_find(void **state)
{
	static const char text[] =
	    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPVmomAsZvt+Kw40FU0wIooKEXVH"
	    "/xVw5UWI7zoJU2xl a\n";
	struct authfile ak;
	uint8_t blob[64];
	char err[128];

	(void)state;
	assert_int_equal(authfile_parse(AUTHFILE_AUTHORIZED_KEYS, "ak", text, strlen(text), &ak, err,
	    sizeof(err)), 0);
	assert_int_equal(ak.n, 1);
	assert_int_equal(ak.e[0].blob_len, 51);
	memcpy(blob, ak.e[0].blob, 51);
	assert_int_equal(authfile_find_key(&ak, 0, blob, 51), 0);
	assert_int_equal(authfile_find_key(&ak, 0, blob, 50), -1);	/* prefix */
	blob[50] ^= 1;
	assert_int_equal(authfile_find_key(&ak, 0, blob, 51), -1);
	authfile_free(&ak);
	assert_int_equal(authfile_find_key(&ak, 0, blob, 51), -1);	/* empty */
}

static const char ed_key[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPVmo"
    "mAsZvt+Kw40FU0wIooKEXVH/xVw5UWI7zoJU2xl";

/* Parses one line "OPTS KEY comment" of kind and returns the file. */
static void
parse_ok(enum authfile_kind kind, const char *text, struct authfile *f)
{
	char err[512] = "";

	if (authfile_parse(kind, "ak", text, strlen(text), f, err,
	    sizeof(err)) != 0)
		fail_msg("refused \"%s\": %s", text, err);
}

static void
test_options(void **state)
{
	struct authfile f;
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), "from=\"10.0.0.0/8,!10.9.0.0/16,"
	    "host*\",expiry-time=\"20991231Z\",no-pty,No-Port-Forwarding,"
	    "no-agent-forwarding,no-x11-forwarding,no-user-rc,restrict,"
	    "no-touch-required,verify-required %s helper one\n", ed_key);
	parse_ok(AUTHFILE_AUTHORIZED_KEYS, text, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.e[0].o.from, "10.0.0.0/8,!10.9.0.0/16,host*");
	assert_true(f.e[0].o.has_expiry);
	assert_int_equal(f.e[0].o.expiry, 4102358400u);
	assert_true(f.e[0].o.no_touch_required);
	assert_true(f.e[0].o.verify_required);
	assert_false(f.e[0].o.cert_authority);
	assert_string_equal(f.e[0].comment, "helper one");
	assert_int_equal(f.e[0].line, 1);
	authfile_free(&f);
	/* cert-authority with principals=, a quote escaped inside a value */
	snprintf(text, sizeof(text), "\n# ca\ncert-authority,principals="
	    "\"alice,b\\\"ob\" %s Corp CA\n", ed_key);
	parse_ok(AUTHFILE_AUTHORIZED_KEYS, text, &f);
	assert_true(f.e[0].o.cert_authority);
	assert_string_equal(f.e[0].o.principals, "alice,b\"ob");
	assert_int_equal(f.e[0].line, 3);
	authfile_free(&f);
}

static void
test_options_refused(void **state)
{
	static const struct {
		const char *opts, *why;
	} bad[] = {
		{ "command=\"/bin/true\"", "option command= cannot be honoured" },
		{ "environment=\"A=b\"", "option environment= cannot be" },
		{ "permitopen=\"h:1\"", "option permitopen= cannot be" },
		{ "permitlisten=\"1\"", "option permitlisten= cannot be" },
		{ "tunnel=\"1\"", "option tunnel= cannot be" },
		{ "no-pty,COMMAND=\"x\"", "option COMMAND= cannot be" },
		{ "bogus", "unknown option bogus" },
		{ "from=10.0.0.1", "must be in double quotes" },
		{ "from=\"10.0.0.1", "unterminated quoted" },
		{ "from", "from needs a value" },
		{ "from=\"10.1.2.3/8\"", "invalid from= pattern list" },
		{ "from=\"10.0.0.0/33\"", "invalid from= pattern list" },
		{ "from=\"a,,b\"", "invalid from= pattern list" },
		{ "from=\"a\",from=\"b\"", "from= given twice" },
		{ "no-pty=\"x\"", "option takes no value" },
		{ "no-pty,,no-pty", "bad option syntax" },
		{ "no-pty;x", "bad option syntax" },
		{ "expiry-time=\"2025\"", "invalid expiry-time" },
		{ "expiry-time=\"20250230\"", "invalid expiry-time" },
		{ "expiry-time=\"20251301Z\"", "invalid expiry-time" },
		{ "expiry-time=\"202501011260\"", "invalid expiry-time" },
		{ "expiry-time=\"2025010112x0\"", "invalid expiry-time" },
		{ "principals=\"a\"", "principals= needs cert-authority" },
		{ "cert-authority,principals=\"\"", "empty principals= list" },
		{ "a-very-long-option-name-beyond-the-limit-x", "too long" },
	};
	char text[2048];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s\n%s %s c\n", ed_key,
		    bad[i].opts, ed_key);
		expect_bad(text, "ak:2: ", bad[i].why);
	}
	/* A value over AUTHFILE_MAX_OPTVAL */
	memset(text, 'a', sizeof(text));
	memcpy(text, "from=\"", 6);
	snprintf(text + 1200, sizeof(text) - 1200, "\" %s\n", ed_key);
	expect_bad(text, "ak:1: ", "option value too long");
	/* A certificate line and a CA line without key */
	expect_bad("cert-authority\n", "ak:1: ", "unknown or refused key type");
	expect_bad("cert-authority ssh-ed25519\n", "ak:1: ", "missing base64");
}

static void
test_principals(void **state)
{
	struct authfile f;

	(void)state;
	parse_ok(AUTHFILE_PRINCIPALS, "# who\n\nalice\n  bob  \r\n"
	    "from=\"192.0.2.0/24\",expiry-time=\"20300101Z\" carol\n"
	    "from=\"a b\" dave\n", &f);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.e[0].principal, "alice");
	assert_int_equal(f.e[0].line, 3);
	assert_null(f.e[0].o.from);
	assert_string_equal(f.e[1].principal, "bob");
	assert_string_equal(f.e[2].principal, "carol");
	assert_string_equal(f.e[2].o.from, "192.0.2.0/24");
	assert_int_equal(f.e[2].o.expiry, 1893456000u);
	assert_null(f.e[2].blob);
	assert_string_equal(f.e[3].principal, "dave");
	assert_string_equal(f.e[3].o.from, "a b");
	authfile_free(&f);

	expect_bad_kind(AUTHFILE_PRINCIPALS, "alice\ncert-authority bob\n",
	    "ak:2: ", "cert-authority belongs in AuthorizedKeysFile");
	expect_bad_kind(AUTHFILE_PRINCIPALS, "principals=\"x\" bob\n",
	    "ak:1: ", "principals= belongs in AuthorizedKeysFile");
	expect_bad_kind(AUTHFILE_PRINCIPALS, "command=\"sh\" bob\n",
	    "ak:1: ", "option command= cannot be honoured");
	expect_bad_kind(AUTHFILE_PRINCIPALS, "from=\"a b\"\n",
	    "ak:1: ", "quote in principal");
	expect_bad_kind(AUTHFILE_PRINCIPALS, "no-pty x bob\n", "ak:1: ",
	    "bad option syntax");
	expect_bad_kind(AUTHFILE_PRINCIPALS, "bo\x01" "b\n", "ak:1: ",
	    "control character");
	{
		char big[400];

		memset(big, 'p', sizeof(big));
		big[sizeof(big) - 1] = '\0';
		expect_bad_kind(AUTHFILE_PRINCIPALS, big, "ak:1: ",
		    "principal too long");
	}
}

static void
test_ca_keys(void **state)
{
	struct authfile f;
	char text[512];

	(void)state;
	snprintf(text, sizeof(text), "%s Corp Helpdesk CA\n", ed_key);
	parse_ok(AUTHFILE_CA_KEYS, text, &f);
	assert_string_equal(f.e[0].comment, "Corp Helpdesk CA");
	authfile_free(&f);
	snprintf(text, sizeof(text), "cert-authority %s CA\n", ed_key);
	expect_bad_kind(AUTHFILE_CA_KEYS, text, "ak:1: ",
	    "options are not allowed in TrustedUserCAKeys");
}

static void
test_parse_time(void **state)
{
	uint64_t t;

	(void)state;
	assert_int_equal(authfile_parse_time("19700101Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(authfile_parse_time("20240229235959Z", &t), 0);
	assert_int_equal(t, 1709251199u);
	assert_int_equal(authfile_parse_time("203001011200Z", &t), 0);
	assert_int_equal(t, 1893499200u);
	assert_int_equal(authfile_parse_time("20230229Z", &t), -1);
	assert_int_equal(authfile_parse_time("19691231Z", &t), -1);
	assert_int_equal(authfile_parse_time("2030010112Z", &t), -1);
	assert_int_equal(authfile_parse_time("Z", &t), -1);
	assert_int_equal(authfile_parse_time("", &t), -1);
	assert_int_equal(authfile_parse_time("20300101ZZ", &t), -1);
	assert_int_equal(authfile_parse_time("+0300101", &t), -1);
	/* Local time: as mktime says, whatever TZ is. */
	assert_int_equal(authfile_parse_time("20300101", &t), 0);
}

static void
test_opts_check(void **state)
{
	struct authfile f;
	char why[512];

	(void)state;
	parse_ok(AUTHFILE_PRINCIPALS, "from=\"10.0.0.0/8,!10.9.0.0/16\","
	    "expiry-time=\"20300101Z\" alice\nbob\n"
	    "from=\"*.example.com\" carol\n", &f);
	assert_int_equal(authfile_opts_check(&f, &f.e[0], "10.1.2.3",
	    1893455999u, why, sizeof(why)), 0);
	assert_int_equal(authfile_opts_check(&f, &f.e[0], "10.1.2.3",
	    1893456000u, why, sizeof(why)), 0);	/* the last second */
	assert_int_equal(authfile_opts_check(&f, &f.e[0], "10.1.2.3",
	    1893456001u, why, sizeof(why)), -1);
	assert_string_equal(why, "expiry-time=\"20300101Z\" passed (ak:1)");
	assert_int_equal(authfile_opts_check(&f, &f.e[0], "192.0.2.1", 0,
	    why, sizeof(why)), -1);
	assert_string_equal(why, "source 192.0.2.1 not in "
	    "from=\"10.0.0.0/8,!10.9.0.0/16\" (ak:1)");
	assert_int_equal(authfile_opts_check(&f, &f.e[0], "10.9.8.7", 0,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "source 10.9.8.7 refused by a negated"));
	assert_int_equal(authfile_opts_check(&f, &f.e[0], "::ffff:10.1.2.3",
	    0, why, sizeof(why)), 0);
	assert_int_equal(authfile_opts_check(&f, &f.e[1], "192.0.2.1",
	    UINT64_MAX, why, sizeof(why)), 0);
	/* Host names are never resolved: a pattern sees the address. */
	assert_int_equal(authfile_opts_check(&f, &f.e[2], "192.0.2.1", 0,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "(ak:3)"));
	authfile_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_keys),
		cmocka_unit_test(test_refused_real_keys),
		cmocka_unit_test(test_certificate_refused),
		cmocka_unit_test(test_sk_keys),
		cmocka_unit_test(test_bad_blobs),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_options_refused),
		cmocka_unit_test(test_principals),
		cmocka_unit_test(test_ca_keys),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_opts_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
