/* Unit tests: common/hostcert.c (the in-band host certificate): banner
 * format and parser (bad input), HostCertificate files, assistd's own
 * check and assist-cli's verification, with certificates made by the
 * real ssh-keygen at test time (ed25519, ecdsa and rsa CAs). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/b64.h"
#include "common/fileio.h"
#include "common/hostcert.h"

#define CMD_MAX 1024
#define PLAIN_LINE "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO8NKtTbZaGG0vAQ+" \
	"aIIyYrjiPv5dSJSwoKt7n6xYhZd host\n"

static char dir[] = "/tmp/test_hostcert.XXXXXX";
static char err[512];
/* The negotiated host key and the CA keys, as blobs. */
static uint8_t *host, *other, *ca_ed, *ca_ec, *ca_rsa, *ca_bad;
static size_t host_len, other_len, ca_ed_len, ca_ec_len, ca_rsa_len,
    ca_bad_len;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char cmd[CMD_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0 ? 0 : -1;
}

/* The text of dir/name (caller frees). */
static char *
slurp(const char *name, size_t *n)
{
	char path[CMD_MAX];
	FILE *f;
	char *s;
	int e = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	s = fileio_read_fd(fileno(f), 65536, n, &e);
	fclose(f);
	return s;
}

/* The blob of a plain .pub file. */
static uint8_t *
pub_blob(const char *name, size_t *len)
{
	size_t n;
	char *s = slurp(name, &n), *b64, *end;
	uint8_t *blob = NULL;

	if (s == NULL || (b64 = strchr(s, ' ')) == NULL)
		goto out;
	b64++;
	end = b64 + strcspn(b64, " \n");
	blob = b64_decode(b64, (size_t)(end - b64), 16384, len);
out:
	free(s);
	return blob;
}

/* The blob of a certificate file made by ssh-keygen. */
static uint8_t *
cert_blob(const char *name, size_t *len)
{
	size_t n;
	char *s = slurp(name, &n);
	uint8_t *blob = NULL;

	if (s != NULL && hostcert_parse_file(s, n, &blob, len, err,
	    sizeof(err)) != 0)
		blob = NULL;
	free(s);
	return blob;
}

/* Signs a copy of KEY.pub with CA as NAME-cert.pub: -h unless user. */
static int
sign(const char *name, const char *key, const char *ca, const char *names,
     const char *extra)
{
	return sh("cp %s/%s.pub %s/%s.pub && ssh-keygen -q -s %s/%s -I %s-id "
	    "-n %s -z 42 %s %s/%s.pub 2>/dev/null", dir, key, dir, name, dir,
	    ca, name, names, extra, dir, name);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL ||
	    sh("cd %s && ssh-keygen -q -t ed25519 -N '' -C host -f host && "
	    "ssh-keygen -q -t ed25519 -N '' -f other && "
	    "ssh-keygen -q -t ed25519 -N '' -f ca_ed && "
	    "ssh-keygen -q -t ecdsa -b 384 -N '' -f ca_ec && "
	    "ssh-keygen -q -t rsa -b 2048 -N '' -f ca_rsa && "
	    "ssh-keygen -q -t ed25519 -N '' -f ca_bad", dir) != 0)
		return -1;
	if (sign("good", "host", "ca_ed", "127.0.0.1,WS1.Example",
	    "-h -V -5m:+1h") != 0 ||
	    sign("good_ec", "host", "ca_ec", "ws1.example", "-h -V -5m:+1h") ||
	    sign("good_rsa", "host", "ca_rsa", "ws1.example",
	    "-h -V -5m:+1h -t rsa-sha2-512") ||
	    sign("expired", "host", "ca_ed", "ws1.example",
	    "-h -V 20200101:20200102") ||
	    sign("future", "host", "ca_ed", "ws1.example",
	    "-h -V +1d:+2d") ||
	    sign("user", "host", "ca_ed", "ws1.example", "-V -5m:+1h") ||
	    sign("otherkey", "other", "ca_ed", "ws1.example",
	    "-h -V -5m:+1h"))
		return -1;
	host = pub_blob("host.pub", &host_len);
	other = pub_blob("other.pub", &other_len);
	ca_ed = pub_blob("ca_ed.pub", &ca_ed_len);
	ca_ec = pub_blob("ca_ec.pub", &ca_ec_len);
	ca_rsa = pub_blob("ca_rsa.pub", &ca_rsa_len);
	ca_bad = pub_blob("ca_bad.pub", &ca_bad_len);
	return host && other && ca_ed && ca_ec && ca_rsa && ca_bad ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	free(host);
	free(other);
	free(ca_ed);
	free(ca_ec);
	free(ca_rsa);
	free(ca_bad);
	return sh("rm -rf %s", dir);
}

/* The banner assistd sends parses back to the same blob, and the real
 * ssh-keygen reads its certificate line once the prefix is cut. */
static void
test_banner_roundtrip(void **state)
{
	uint8_t *blob, *got;
	size_t len, got_len;
	char *banner, path[CMD_MAX];
	FILE *f;

	(void)state;
	blob = cert_blob("good-cert.pub", &len);
	assert_non_null(blob);
	banner = hostcert_banner_format(blob, len);
	assert_non_null(banner);
	assert_memory_equal(banner, HOSTCERT_HUMAN_LINE,
	    strlen(HOSTCERT_HUMAN_LINE));
	assert_int_equal(hostcert_banner_parse(banner, strlen(banner), &got,
	    &got_len, err, sizeof(err)), 1);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, blob, len);
	free(got);
	snprintf(path, sizeof(path), "%s/banner.pub", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(strchr(banner, '\n') + 1 + strlen(HOSTCERT_PREFIX), f);
	fclose(f);
	assert_int_equal(sh("ssh-keygen -L -f %s/banner.pub | grep -q "
	    "'Key ID: \"good-id\"'", dir), 0);
	free(banner);
	/* Not a certificate: nothing to format. */
	assert_null(hostcert_banner_format(host, host_len));
	assert_null(hostcert_banner_format(blob, 0));
	free(blob);
}

/* fmt with every "%s" replaced by b64, into out. */
static void
subst(char *out, size_t outsz, const char *fmt, const char *b64)
{
	size_t o = 0, bl = strlen(b64);

	for (; *fmt != '\0' && o + bl + 1 < outsz; fmt++) {
		if (fmt[0] == '%' && fmt[1] == 's') {
			memcpy(out + o, b64, bl);
			o += bl;
			fmt++;
		} else {
			out[o++] = *fmt;
		}
	}
	out[o] = '\0';
}

/* Bad banners: refused with a reason; a banner without the prefix is
 * "no certificate", not an error. */
static void
test_banner_bad(void **state)
{
	uint8_t *blob, *got;
	size_t len, got_len, i;
	char *b64, text[8192], *big;
	struct {
		const char *fmt;	/* %s: the good base64 */
		int want;
		const char *why;
	} cases[] = {
		{ "Welcome\nno certificate here\n", 0, NULL },
		{ "", 0, NULL },
		{ " assistd-host-certificate: x %s\n", 0, NULL },
		{ "assistd-host-certificate: ssh-ed25519-cert-v01@openssh.com "
		  "%s\r\n", 1, NULL },
		{ "hello\nassistd-host-certificate: "
		  "ssh-ed25519-cert-v01@openssh.com %s", 1, NULL },
		{ "assistd-host-certificate: ssh-ed25519-cert-v01@openssh.com "
		  "%s\nassistd-host-certificate: "
		  "ssh-ed25519-cert-v01@openssh.com %s\n", -1, "more than one" },
		{ "assistd-host-certificate: ssh-ed25519 %s\n", -1,
		  "not a certificate type" },
		{ "assistd-host-certificate: ecdsa-sha2-nistp256-cert-v01@"
		  "openssh.com %s\n", -1, "does not match its type" },
		{ "assistd-host-certificate: ssh-ed25519-cert-v01@openssh.com "
		  "%s trailing\n", -1, "unexpected text" },
		{ "assistd-host-certificate: ssh-ed25519-cert-v01@openssh.com "
		  "!!%s\n", -1, "bad base64" },
		{ "assistd-host-certificate: ssh-ed25519-cert-v01@openssh.com\n",
		  -1, "expected" },
		{ "assistd-host-certificate: \n", -1, "expected" },
		{ "assistd-host-certificate: ssh-ed25519-cert-v01@openssh.com "
		  "AAAA\n", -1, "does not match" },
	};

	(void)state;
	blob = cert_blob("good-cert.pub", &len);
	assert_non_null(blob);
	b64 = b64_encode(blob, len);
	assert_non_null(b64);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		subst(text, sizeof(text), cases[i].fmt, b64);
		err[0] = '\0';
		got = NULL;
		r = hostcert_banner_parse(text, strlen(text), &got, &got_len,
		    err, sizeof(err));
		if (r != cases[i].want)
			fail_msg("case %zu: got %d, want %d (%s)", i, r,
			    cases[i].want, err);
		if (r == 1)
			assert_memory_equal(got, blob, len);
		else
			assert_null(got);
		if (cases[i].why != NULL && strstr(err, cases[i].why) == NULL)
			fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i,
			    err, cases[i].why);
		free(got);
	}
	/* NUL inside, and over the size limit. */
	assert_int_equal(hostcert_banner_parse("a\0b", 3, &got, &got_len, err,
	    sizeof(err)), -1);
	big = malloc(HOSTCERT_MAX_BANNER + 2);
	assert_non_null(big);
	memset(big, 'a', HOSTCERT_MAX_BANNER + 1);
	big[HOSTCERT_MAX_BANNER + 1] = '\0';
	assert_int_equal(hostcert_banner_parse(big, HOSTCERT_MAX_BANNER + 1,
	    &got, &got_len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than"));
	free(big);
	free(b64);
	free(blob);
}

static void
test_parse_file(void **state)
{
	uint8_t *blob;
	size_t len, i;
	const char *bad[] = {
		"",
		"# only a comment\n\n",
		PLAIN_LINE,
		"not a key\n",
		"ssh-ed25519-cert-v01@openssh.com\n",
	};

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(hostcert_parse_file(bad[i], strlen(bad[i]),
		    &blob, &len, err, sizeof(err)), -1);
		assert_null(blob);
		assert_true(err[0] != '\0');
	}
	{
		size_t n;
		char *s = slurp("good-cert.pub", &n), *two;

		assert_non_null(s);
		/* A comment line and blanks around it are fine. */
		two = malloc(2 * n + 32);
		assert_non_null(two);
		sprintf(two, "# host cert\n\n%s", s);
		assert_int_equal(hostcert_parse_file(two, strlen(two), &blob,
		    &len, err, sizeof(err)), 0);
		free(blob);
		/* Two certificates: which one? Refused, naming the line. */
		sprintf(two, "%s%s", s, s);
		assert_int_equal(hostcert_parse_file(two, strlen(two), &blob,
		    &len, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "line 2: more than one"));
		free(two);
		free(s);
	}
}

/* assistd's start-up check. */
static void
test_check_own(void **state)
{
	struct cert c;
	uint8_t *blob;
	size_t len;

	(void)state;
	blob = cert_blob("good-cert.pub", &len);
	assert_non_null(blob);
	assert_int_equal(hostcert_check_own(blob, len, host, host_len, &c,
	    err, sizeof(err)), 0);
	assert_int_equal(c.cert_type, CERT_TYPE_HOST);
	assert_string_equal(c.key_id, "good-id");
	cert_free(&c);
	assert_int_equal(hostcert_check_own(blob, len, other, other_len, &c,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "certifies another key"));
	blob[len / 2] ^= 1;	/* structure may break; never accepted blindly */
	(void)hostcert_check_own(blob, len, host, host_len, &c, err,
	    sizeof(err));
	free(blob);

	blob = cert_blob("user-cert.pub", &len);
	assert_non_null(blob);
	assert_int_equal(hostcert_check_own(blob, len, host, host_len, &c,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a host certificate"));
	free(blob);
	assert_int_equal(hostcert_check_own(host, host_len, host, host_len,
	    &c, err, sizeof(err)), -1);
}

/* verify NAME HOST-KEY HOSTNAME: the result of checking NAME-cert.pub
 * against all three CAs. */
static int
verify(const char *name, const uint8_t *hk, size_t hk_len, const char *hn,
       const uint8_t *const *cas, const size_t *lens, size_t nca,
       uint64_t now, size_t *idx)
{
	char file[128];
	struct cert c;
	uint8_t *blob;
	size_t len;
	int r;

	snprintf(file, sizeof(file), "%s-cert.pub", name);
	blob = cert_blob(file, &len);
	assert_non_null(blob);
	err[0] = '\0';
	r = hostcert_verify(blob, len, hk, hk_len, hn, cas, lens, nca, now,
	    &c, idx, err, sizeof(err));
	if (r == 0)
		cert_free(&c);
	free(blob);
	return r;
}

static void
test_verify(void **state)
{
	const uint8_t *cas[] = { ca_bad, ca_ec, ca_ed, ca_rsa };
	const size_t lens[] = { ca_bad_len, ca_ec_len, ca_ed_len, ca_rsa_len };
	uint64_t now = (uint64_t)time(NULL);
	size_t idx = 99;

	(void)state;
	/* Valid, with each CA type; the CA index says which line. */
	assert_int_equal(verify("good", host, host_len, "127.0.0.1", cas,
	    lens, 4, now, &idx), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(verify("good", host, host_len, "ws1.example", cas,
	    lens, 4, now, &idx), 0);	/* principal WS1.Example */
	assert_int_equal(verify("good_ec", host, host_len, "ws1.example",
	    cas, lens, 4, now, &idx), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(verify("good_rsa", host, host_len, "ws1.example",
	    cas, lens, 4, now, &idx), 0);
	assert_int_equal(idx, 3);

	/* Wrong CA: only the other CAs known. */
	assert_int_equal(verify("good", host, host_len, "127.0.0.1", cas,
	    lens, 2, now, &idx), -1);
	assert_true(err[0] != '\0');
	/* No CA at all. */
	assert_int_equal(verify("good", host, host_len, "127.0.0.1", cas,
	    lens, 0, now, &idx), -1);
	assert_non_null(strstr(err, "no @cert-authority line"));
	/* Wrong name: no prefix, suffix or port games. */
	assert_int_equal(verify("good", host, host_len, "127.0.0.10", cas,
	    lens, 4, now, &idx), -1);
	assert_non_null(strstr(err, "127.0.0.10 is not among"));
	assert_int_equal(verify("good", host, host_len, "ws1", cas, lens, 4,
	    now, &idx), -1);
	assert_int_equal(verify("good", host, host_len, "[127.0.0.1]:22",
	    cas, lens, 4, now, &idx), -1);
	/* Key mismatch: a valid certificate of another host replayed by a
	 * server holding another key (what a crafted banner would do). */
	assert_int_equal(verify("otherkey", host, host_len, "ws1.example",
	    cas, lens, 4, now, &idx), -1);
	assert_non_null(strstr(err, "another key"));
	assert_int_equal(verify("good", other, other_len, "127.0.0.1", cas,
	    lens, 4, now, &idx), -1);
	assert_non_null(strstr(err, "another key"));
	/* Validity. */
	assert_int_equal(verify("expired", host, host_len, "ws1.example",
	    cas, lens, 4, now, &idx), -1);
	assert_non_null(strstr(err, "expired"));
	assert_int_equal(verify("future", host, host_len, "ws1.example",
	    cas, lens, 4, now, &idx), -1);
	/* A user certificate is not a host certificate. */
	assert_int_equal(verify("user", host, host_len, "ws1.example", cas,
	    lens, 4, now, &idx), -1);
}

/* One flipped byte anywhere in the certificate: never verified. */
static void
test_verify_flipped(void **state)
{
	const uint8_t *cas[] = { ca_ed };
	const size_t lens[] = { ca_ed_len };
	uint64_t now = (uint64_t)time(NULL);
	struct cert c;
	uint8_t *blob;
	size_t len, i, idx;

	(void)state;
	blob = cert_blob("good-cert.pub", &len);
	assert_non_null(blob);
	for (i = 0; i < len; i++) {
		blob[i] ^= 0x01;
		if (hostcert_verify(blob, len, host, host_len, "127.0.0.1",
		    cas, lens, 1, now, &c, &idx, err, sizeof(err)) == 0)
			fail_msg("byte %zu flipped and still verified", i);
		blob[i] ^= 0x01;
	}
	assert_int_equal(hostcert_verify(blob, len, host, host_len,
	    "127.0.0.1", cas, lens, 1, now, &c, &idx, err, sizeof(err)), 0);
	cert_free(&c);
	free(blob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner_roundtrip),
		cmocka_unit_test(test_banner_bad),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_check_own),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_verify_flipped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
