/* Unit tests: common/knownhosts.c (known_hosts parsing, lookup, append).
 * The keys and the hashed line below were made with ssh-keygen. */
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

#include "common/b64.h"
#include "common/knownhosts.h"

#define K1 "AAAAC3NzaC1lZDI1NTE5AAAAIO8NKtTbZaGG0vAQ+aIIyYrjiPv5dSJSwoKt7n6xYhZd"
#define K1_FP "SHA256:BKFizxJxSAd9gTUu8krr1p1X+G69+Ua0pQ2hiKVuLp4"
#define K2 "AAAAC3NzaC1lZDI1NTE5AAAAIJngDSBsKt7vTmpF6Wjxf8vRtDpM/M1ZuyMNEF186KAI"
#define K3 "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOPV6twT5vXeGGm" \
	"ykCUv/mjj5Si6gTob72DxeeN++fPn8aUMJGmPgtL2ketEzLM9xTwxw+oL9qSY1Y8acHDf+m4="
/* `ssh-keygen -H` of "h.example ssh-ed25519 K1" */
#define K1_HASHED "|1|XNLiX0mP2KAf6d6vvGNt1H29HyM=|SUEfoi3mK5yX95xGJjiOSR0Uhxw="

static uint8_t *k1;
static size_t k1_len;
static char err[512];

static int
setup(void **state)
{
	(void)state;
	k1 = b64_decode(K1, strlen(K1), 1024, &k1_len);
	return k1 == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(k1);
	return 0;
}

/* Looks K1 up for host in text; returns the status (or -1 on error). */
static int
lookup(const char *host, const char *text, struct knownhosts_lookup *l)
{
	if (knownhosts_lookup_init(l, host, "ssh-ed25519", k1, k1_len) != 0)
		return -1;
	err[0] = '\0';
	if (knownhosts_lookup_buffer(l, "kh", text, strlen(text), err,
	    sizeof(err)) != 0)
		return -1;
	return (int)knownhosts_status(l);
}

static void
test_parse_line(void **state)
{
	struct knownhosts_entry e;
	char line[512], why[128];

	(void)state;
	snprintf(line, sizeof(line), "h1,h2 ssh-ed25519 %s comment here", K1);
	assert_int_equal(knownhosts_parse_line(line, &e, why, sizeof(why)), 1);
	assert_int_equal(e.marker, KNOWNHOSTS_MARK_NONE);
	assert_string_equal(e.hosts, "h1,h2");
	assert_string_equal(e.keytype, "ssh-ed25519");
	assert_int_equal(e.blob_len, k1_len);
	knownhosts_entry_free(&e);
	snprintf(line, sizeof(line), "  @revoked * ssh-ed25519 %s\r", K1);
	assert_int_equal(knownhosts_parse_line(line, &e, why, sizeof(why)), 1);
	assert_int_equal(e.marker, KNOWNHOSTS_MARK_REVOKED);
	knownhosts_entry_free(&e);
	snprintf(line, sizeof(line), "@cert-authority *.example ssh-ed25519 %s",
	    K1);
	assert_int_equal(knownhosts_parse_line(line, &e, why, sizeof(why)), 1);
	assert_int_equal(e.marker, KNOWNHOSTS_MARK_CA);
	knownhosts_entry_free(&e);
	strcpy(line, "   # comment");
	assert_int_equal(knownhosts_parse_line(line, &e, why, sizeof(why)), 0);
	strcpy(line, "");
	assert_int_equal(knownhosts_parse_line(line, &e, why, sizeof(why)), 0);
	strcpy(line, "host 1024 35 12345678901234567890");	/* SSH-1 */
	assert_int_equal(knownhosts_parse_line(line, &e, why, sizeof(why)), 0);
}

static void
test_parse_line_bad(void **state)
{
	static const char *bad[] = {
		"hostonly",
		"host ssh-ed25519",
		"host ssh-ed25519 !!!notbase64",
		"host ssh-ed25519 AAAA",			/* too short */
		"host ssh-rsa " K1,				/* type mismatch */
		"@revoked",
		"@revoked host",
		"@revoked host ssh-ed25519",
		"@revokd host ssh-ed25519 " K1,
		"@ host ssh-ed25519 " K1,
		"host aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
		    K1,
		"@revoked host 1024 35 123",			/* SSH-1 marker */
	};
	struct knownhosts_entry e;
	char line[512], why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s", bad[i]);
		if (knownhosts_parse_line(line, &e, why, sizeof(why)) != -1) {
			print_error("accepted: %s\n", bad[i]);
			fail();
		}
		assert_null(e.blob);
		assert_true(why[0] != '\0');
	}
}

static void
test_match_host(void **state)
{
	(void)state;
	assert_int_equal(knownhosts_match_host("a,h.example", "h.example"), 1);
	assert_int_equal(knownhosts_match_host("*.example", "h.example"), 1);
	assert_int_equal(knownhosts_match_host("*.example,!h.example",
	    "h.example"), -1);
	assert_int_equal(knownhosts_match_host("[h.example]:2222",
	    "[h.example]:2222"), 1);
	assert_int_equal(knownhosts_match_host("h.example", "[h.example]:2222"),
	    0);
	assert_int_equal(knownhosts_match_host(K1_HASHED, "h.example"), 1);
	assert_int_equal(knownhosts_match_host(K1_HASHED, "g.example"), 0);
	assert_int_equal(knownhosts_match_host("|1|abc", "h"), -2);
	assert_int_equal(knownhosts_match_host("|1|AAAA|AAAA", "h"), -2);
	assert_int_equal(knownhosts_match_host("|1|!!|!!", "h"), -2);
	assert_int_equal(knownhosts_match_host("|2|AAAA|AAAA", "h"), -2);
	assert_int_equal(knownhosts_match_host("|1|XNLiX0mP2KAf6d6vvGNt1H29HyM=|"
	    "SUEfoi3mK5yX95xGJjiOSR0Uhxx=", "h.example"), -2);
}

static void
test_hostname_fingerprint(void **state)
{
	char name[64], fp[KNOWNHOSTS_FP_LEN];

	(void)state;
	assert_int_equal(knownhosts_hostname("H.Example", 22, name,
	    sizeof(name)), 0);
	assert_string_equal(name, "h.example");
	assert_int_equal(knownhosts_hostname("::1", 5922, name, sizeof(name)),
	    0);
	assert_string_equal(name, "[::1]:5922");
	assert_int_equal(knownhosts_hostname("a-very-long-name.example", 5922,
	    name, 10), -1);
	assert_int_equal(knownhosts_fingerprint(k1, k1_len, fp), 0);
	assert_string_equal(fp, K1_FP);
}

static void
test_lookup(void **state)
{
	struct knownhosts_lookup l;
	const char *name = "[h.example]:5922";

	(void)state;
	assert_int_equal(lookup(name, "", &l), KNOWNHOSTS_NEW);
	assert_int_equal(lookup(name, "[h.example]:5922 ssh-ed25519 " K1 "\n",
	    &l), KNOWNHOSTS_OK);
	assert_int_equal(l.ok.line, 1);
	assert_string_equal(l.ok.file, "kh");
	/* port 22 entry does not cover port 5922 */
	assert_int_equal(lookup(name, "h.example ssh-ed25519 " K1 "\n", &l),
	    KNOWNHOSTS_NEW);
	assert_true(l.other_name.found);
	assert_int_equal(lookup(name, "# x\n[h.example]:5922 ssh-ed25519 " K2
	    "\n", &l), KNOWNHOSTS_CHANGED);
	assert_int_equal(l.changed.line, 2);
	/* Any line with the key wins over a line with another key. */
	assert_int_equal(lookup(name, "[h.example]:5922 ssh-ed25519 " K2 "\n"
	    "[*]:5922 ssh-ed25519 " K1 "\n", &l), KNOWNHOSTS_OK);
	assert_int_equal(l.ok.line, 2);
	/* A matching @revoked line wins over everything. */
	assert_int_equal(lookup(name, "[h.example]:5922 ssh-ed25519 " K1 "\n"
	    "@revoked [h.example]:* ssh-ed25519 " K1 "\n", &l),
	    KNOWNHOSTS_REVOKED);
	assert_int_equal(l.revoked.line, 2);
	/* @revoked for another key or another host does not matter. */
	assert_int_equal(lookup(name, "[h.example]:5922 ssh-ed25519 " K1 "\n"
	    "@revoked * ssh-ed25519 " K2 "\n@revoked other ssh-ed25519 " K1
	    "\n", &l), KNOWNHOSTS_OK);
	/* Another key type is not a change (ssh asks). */
	assert_int_equal(lookup(name, "[h.example]:5922 ecdsa-sha2-nistp256 "
	    K3 "\n", &l), KNOWNHOSTS_NEW);
	assert_int_equal(l.other_types, 1);
	/* Negation excludes the line. */
	assert_int_equal(lookup(name, "*,![h.example]:5922 ssh-ed25519 " K2
	    "\n", &l), KNOWNHOSTS_NEW);
	/* Host certificates are not used. */
	assert_int_equal(lookup(name, "@cert-authority * ssh-ed25519 " K1
	    "\n", &l), KNOWNHOSTS_NEW);
	assert_int_equal(l.ca_lines, 1);
	/* Hashed names, as ssh-keygen -H writes them. */
	assert_int_equal(lookup("h.example", K1_HASHED " ssh-ed25519 " K1 "\n",
	    &l), KNOWNHOSTS_OK);
	/* No final newline, CRLF line ends. */
	assert_int_equal(lookup(name, "x ssh-ed25519 " K2 "\r\n"
	    "[h.example]:5922 ssh-ed25519 " K1, &l), KNOWNHOSTS_OK);
}

static void
test_lookup_bad(void **state)
{
	struct knownhosts_lookup l;
	const char *name = "[h.example]:5922";
	char *big;

	(void)state;
	/* Malformed plain lines are skipped (and counted), the rest used. */
	assert_int_equal(lookup(name, "garbage\n[h.example]:5922 ssh-ed25519 "
	    "!!!\n|1|bad ssh-ed25519 " K1 "\n[h.example]:5922 ssh-ed25519 " K1
	    "\n", &l), KNOWNHOSTS_OK);
	assert_int_equal(l.bad_lines, 3);
	/* A malformed marker line could hide a revocation: error. */
	assert_int_equal(lookup(name, "[h.example]:5922 ssh-ed25519 " K1 "\n"
	    "@revoked * ssh-ed25519 !!!\n", &l), -1);
	assert_non_null(strstr(err, "kh:2: malformed marker line"));
	assert_int_equal(lookup(name, "@revoked |1|x ssh-ed25519 " K1 "\n", &l),
	    -1);
	assert_int_equal(lookup(name, "@revoke * ssh-ed25519 " K1 "\n", &l), -1);
	/* NUL byte and over-long lines. */
	{
		static const char nul[] = "a\0b ssh-ed25519 x\n@revoked *\0\n";

		assert_int_equal(knownhosts_lookup_init(&l, name, "ssh-ed25519",
		    k1, k1_len), 0);
		assert_int_equal(knownhosts_lookup_buffer(&l, "kh", nul, 9, err,
		    sizeof(err)), 0);
		assert_int_equal(l.bad_lines, 1);
		assert_int_equal(knownhosts_lookup_buffer(&l, "kh", nul,
		    sizeof(nul) - 1, err, sizeof(err)), -1);
	}
	big = malloc(KNOWNHOSTS_MAX_LINE + 10);
	assert_non_null(big);
	memset(big, 'a', KNOWNHOSTS_MAX_LINE + 9);
	big[KNOWNHOSTS_MAX_LINE + 9] = '\0';
	assert_int_equal(lookup(name, big, &l), KNOWNHOSTS_NEW);
	assert_int_equal(l.bad_lines, 1);
	big[0] = '@';
	assert_int_equal(lookup(name, big, &l), -1);
	free(big);
	/* Names too long for a lookup. */
	{
		char host[KNOWNHOSTS_MAX_HOST + 1];

		memset(host, 'h', sizeof(host) - 1);
		host[sizeof(host) - 1] = '\0';
		assert_int_equal(knownhosts_lookup_init(&l, host, "ssh-ed25519",
		    k1, k1_len), -1);
	}
}

static void
test_format_append(void **state)
{
	char dir[] = "/tmp/test_knownhosts.XXXXXX", path[256], buf[1024];
	struct knownhosts_lookup l;
	char *line;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/known_hosts", dir);
	f = fopen(path, "w");
	fputs("other ssh-ed25519 " K2, f);	/* no final newline */
	fclose(f);
	line = knownhosts_format("[h.example]:5922", false, "ssh-ed25519", k1,
	    k1_len);
	assert_non_null(line);
	assert_string_equal(line, "[h.example]:5922 ssh-ed25519 " K1 "\n");
	assert_int_equal(knownhosts_append(path, line, err, sizeof(err)), 0);
	free(line);
	line = knownhosts_format("h.example", true, "ssh-ed25519", k1, k1_len);
	assert_non_null(line);
	assert_int_equal(strncmp(line, "|1|", 3), 0);
	assert_int_equal(knownhosts_append(path, line, err, sizeof(err)), 0);
	free(line);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_int_equal(strncmp(buf, "other ssh-ed25519 " K2 "\n[h.example]",
	    strlen("other ssh-ed25519 " K2 "\n[h.example]")), 0);
	/* Both lines are found again, the hashed one too. */
	assert_int_equal(knownhosts_lookup_init(&l, "[h.example]:5922",
	    "ssh-ed25519", k1, k1_len), 0);
	assert_int_equal(knownhosts_lookup_file(&l, path, err, sizeof(err)), 0);
	assert_int_equal(knownhosts_status(&l), KNOWNHOSTS_OK);
	assert_int_equal(l.ok.line, 2);
	assert_int_equal(knownhosts_lookup_init(&l, "h.example",
	    "ssh-ed25519", k1, k1_len), 0);
	assert_int_equal(knownhosts_lookup_file(&l, path, err, sizeof(err)), 0);
	assert_int_equal(knownhosts_status(&l), KNOWNHOSTS_OK);
	assert_int_equal(l.ok.line, 3);
	/* Missing file: empty; a directory: error; unwritable: error. */
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(knownhosts_lookup_file(&l, path, err, sizeof(err)), 0);
	assert_int_equal(knownhosts_lookup_file(&l, dir, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/nodir/known_hosts", dir);
	assert_int_equal(knownhosts_append(path, "x\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* @cert-authority lines: kept only when asked, only for matching
 * patterns (negation, hashed names, ports), deduplicated, with their
 * comment and place; the host key's own status is unchanged by them. */
static void
test_lookup_cas(void **state)
{
	struct knownhosts_lookup l;
	const char *text =
	    "@cert-authority *.example,!bad.example ssh-ed25519 " K2
	    "  Acme hosts CA \r\n"
	    "@cert-authority [h.example]:5922 " "ecdsa-sha2-nistp256 " K3 "\n"
	    "@cert-authority other.example ssh-ed25519 " K1 " other CA\n"
	    "@cert-authority h.example ssh-ed25519 " K2 " duplicate\n"
	    "h.example ssh-ed25519 " K1 "\n";

	(void)state;
	/* Not asked: counted only, nothing kept. */
	assert_int_equal(lookup("h.example", text, &l), KNOWNHOSTS_OK);
	assert_int_equal(l.ca_lines, 2);
	assert_int_equal(l.ncas, 0);
	knownhosts_lookup_free(&l);

	assert_int_equal(knownhosts_lookup_init(&l, "h.example",
	    "ssh-ed25519", k1, k1_len), 0);
	knownhosts_lookup_want_cas(&l);
	assert_int_equal(knownhosts_lookup_buffer(&l, "kh", text,
	    strlen(text), err, sizeof(err)), 0);
	assert_int_equal(knownhosts_status(&l), KNOWNHOSTS_OK);
	assert_int_equal(l.ncas, 1);	/* the duplicate of K2 kept once */
	assert_string_equal(l.cas[0].comment, "Acme hosts CA");
	assert_string_equal(l.cas[0].where.file, "kh");
	assert_int_equal(l.cas[0].where.line, 1);
	assert_int_equal(l.cas[0].blob_len, 51);
	knownhosts_lookup_free(&l);
	knownhosts_lookup_free(&l);	/* twice is fine */

	/* Negated name: no CA; port form: the ECDSA line only. */
	assert_int_equal(knownhosts_lookup_init(&l, "bad.example",
	    "ssh-ed25519", k1, k1_len), 0);
	knownhosts_lookup_want_cas(&l);
	assert_int_equal(knownhosts_lookup_buffer(&l, "kh", text,
	    strlen(text), err, sizeof(err)), 0);
	assert_int_equal(l.ncas, 0);
	knownhosts_lookup_free(&l);
	assert_int_equal(knownhosts_lookup_init(&l, "[h.example]:5922",
	    "ssh-ed25519", k1, k1_len), 0);
	knownhosts_lookup_want_cas(&l);
	assert_int_equal(knownhosts_lookup_buffer(&l, "kh2", text,
	    strlen(text), err, sizeof(err)), 0);
	assert_int_equal(l.ncas, 1);
	assert_string_equal(l.cas[0].comment, "");
	assert_int_equal(l.cas[0].where.line, 2);
	assert_int_equal(knownhosts_status(&l), KNOWNHOSTS_NEW);
	knownhosts_lookup_free(&l);

	/* Hashed name on a CA line (the hash of "h.example"). */
	text = "@cert-authority " K1_HASHED " ssh-ed25519 " K2 " hashed\n";
	assert_int_equal(knownhosts_lookup_init(&l, "h.example",
	    "ssh-ed25519", k1, k1_len), 0);
	knownhosts_lookup_want_cas(&l);
	assert_int_equal(knownhosts_lookup_buffer(&l, "kh", text,
	    strlen(text), err, sizeof(err)), 0);
	assert_int_equal(l.ncas, 1);
	assert_string_equal(l.cas[0].comment, "hashed");
	knownhosts_lookup_free(&l);
}

/* More CA lines than KNOWNHOSTS_MAX_CAS: the first ones kept, the rest
 * counted; a malformed CA line is an error, never skipped. */
static void
test_lookup_cas_limits(void **state)
{
	struct knownhosts_lookup l;
	char *text, *p;
	size_t i, n = KNOWNHOSTS_MAX_CAS + 3;
	const char *bad[] = {
		"@cert-authority h.example ssh-ed25519\n",
		"@cert-authority h.example ssh-ed25519 !!!\n",
		"@cert-authority h.example ssh-rsa " K1 "\n",
		"@cert-authority\n",
		"@cert-authority |1|bad|hash ssh-ed25519 " K1 "\n",
	};

	(void)state;
	text = calloc(n, 256);
	assert_non_null(text);
	for (p = text, i = 0; i < n; i++) {
		uint8_t blob[51];
		char *b64;

		memcpy(blob, k1, sizeof(blob));
		blob[50] = (uint8_t)i;	/* distinct keys */
		b64 = b64_encode(blob, sizeof(blob));
		assert_non_null(b64);
		p += sprintf(p, "@cert-authority * ssh-ed25519 %s ca%zu\n",
		    b64, i);
		free(b64);
	}
	assert_int_equal(knownhosts_lookup_init(&l, "h.example",
	    "ssh-ed25519", k1, k1_len), 0);
	knownhosts_lookup_want_cas(&l);
	assert_int_equal(knownhosts_lookup_buffer(&l, "kh", text,
	    strlen(text), err, sizeof(err)), 0);
	assert_int_equal(l.ncas, KNOWNHOSTS_MAX_CAS);
	assert_int_equal(l.cas_dropped, 3);
	assert_string_equal(l.cas[0].comment, "ca0");
	knownhosts_lookup_free(&l);
	free(text);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(knownhosts_lookup_init(&l, "h.example",
		    "ssh-ed25519", k1, k1_len), 0);
		knownhosts_lookup_want_cas(&l);
		err[0] = '\0';
		assert_int_equal(knownhosts_lookup_buffer(&l, "kh", bad[i],
		    strlen(bad[i]), err, sizeof(err)), -1);
		assert_non_null(strstr(err, "kh:1:"));
		assert_int_equal(l.ncas, 0);
		knownhosts_lookup_free(&l);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_parse_line_bad),
		cmocka_unit_test(test_match_host),
		cmocka_unit_test(test_hostname_fingerprint),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lookup_bad),
		cmocka_unit_test(test_format_append),
		cmocka_unit_test(test_lookup_cas),
		cmocka_unit_test(test_lookup_cas_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
