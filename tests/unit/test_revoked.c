/*
 * Unit tests: common/revoked.c. KRLs are made at test time by the real
 * ssh-keygen (-k, -u), and every answer about a KRL is compared with
 * `ssh-keygen -Q` on the same files; bad KRLs are made by hand.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/b64.h"
#include "common/buf.h"
#include "common/cert.h"
#include "common/revoked.h"

static char tmpdir[] = "/tmp/test_revoked.XXXXXX";

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command in tmpdir; it must succeed. */
static void
sh(const char *fmt, ...)
{
	char cmd[4096], full[4200];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd %s && ( %s ) >/dev/null 2>&1",
		 tmpdir, cmd);
	st = system(full);
	if (st != 0)
		fprintf(stderr, "command failed (%d): %s\n", st, cmd);
	assert_int_equal(st, 0);
}

static uint8_t *
slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	uint8_t *p;
	long n;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "rb"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	p[n] = 0;
	*len = (size_t)n;
	return p;
}

/* The key blob of a .pub file ("type base64 comment"). */
static uint8_t *
pub_blob(const char *name, size_t *len)
{
	size_t n;
	char *s = (char *)slurp(name, &n);
	char *b = strchr(s, ' ');
	uint8_t *blob;

	assert_non_null(b);
	b++;
	blob = b64_decode(b, strcspn(b, " \n"), SSHKEY_MAX_BLOB, len);
	assert_non_null(blob);
	free(s);
	return blob;
}

static void
load_cert(const char *name, struct cert *c)
{
	char err[256];
	size_t len;
	uint8_t *blob = pub_blob(name, &len);

	if (cert_parse(blob, len, c, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	free(blob);
}

/* Loads file name into a new struct revoked; fails the test on error. */
static struct revoked *
load(const char *name)
{
	struct revoked *r = revoked_new();
	char err[256];
	size_t len;
	uint8_t *data = slurp(name, &len);

	assert_non_null(r);
	if (revoked_add(r, name, data, len, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	free(data);
	return r;
}

/* ssh-keygen -Q: 1 when it says the key in pub is revoked by krl. */
static int
oracle(const char *krl, const char *pub)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "cd %s && ssh-keygen -Q -f %s %s "
		 ">/dev/null 2>&1", tmpdir, krl, pub);
	st = system(cmd);
	assert_true(WIFEXITED(st));
	assert_true(WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1);
	return WEXITSTATUS(st);
}

/*
 * Our answer for pub (a certificate when its name ends in -cert.pub)
 * against krl must be expect, ssh-keygen -Q's answer must be the same,
 * and why must contain want when revoked.
 */
static void
check(const char *krl, const char *pub, int expect, const char *want)
{
	struct revoked *r = load(krl);
	char why[512];
	int got;

	if (strstr(pub, "-cert.pub") != NULL) {
		struct cert c;

		load_cert(pub, &c);
		got = revoked_check(r, NULL, 0, &c, why, sizeof(why));
		cert_free(&c);
	} else {
		size_t len;
		uint8_t *blob = pub_blob(pub, &len);

		got = revoked_check(r, blob, len, NULL, why, sizeof(why));
		free(blob);
	}
	if (got != expect)
		fail_msg("%s vs %s: got %d want %d (%s)", krl, pub, got,
			 expect, why);
	if (oracle(krl, pub) != expect)
		fail_msg("%s vs %s: ssh-keygen -Q disagrees with %d", krl,
			 pub, expect);
	if (expect && want != NULL && strstr(why, want) == NULL)
		fail_msg("%s vs %s: reason \"%s\" lacks \"%s\"", krl, pub,
			 why, want);
	revoked_free(r);
}

/* CAs ca1 (ed25519), ca2 (ecdsa), ca3 (rsa); users u1..u8 (ed25519);
 * certificates uN-cert.pub with serials and key IDs below. */
static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	sh("ssh-keygen -q -t ed25519 -N '' -C ca1 -f ca1 && "
	   "ssh-keygen -q -t ecdsa -N '' -C ca2 -f ca2 && "
	   "ssh-keygen -q -t rsa -b 3072 -N '' -C ca3 -f ca3");
	for (int i = 1; i <= 8; i++)
		sh("ssh-keygen -q -t ed25519 -N '' -C u%d -f u%d", i, i);
	/* u1: serial 42 by ca1; u2: serial 43 by ca1; u3: serial 42 by ca2;
	 * u4: serials 99..201 variants; u5: key ID helper-key-1 by ca1;
	 * u6: helper-key-2 by ca1; u7: serial 0 by ca1; u8: serial 150 ca3 */
	sh("ssh-keygen -q -s ca1 -I u1 -n alice -z 42 u1.pub");
	sh("ssh-keygen -q -s ca1 -I u2 -n alice -z 43 u2.pub");
	sh("ssh-keygen -q -s ca2 -I u3 -n alice -z 42 u3.pub");
	sh("ssh-keygen -q -s ca1 -I helper-key-1 -n alice -z 7 u5.pub");
	sh("ssh-keygen -q -s ca1 -I helper-key-2 -n alice -z 8 u6.pub");
	sh("ssh-keygen -q -s ca1 -I u7 -n alice u7.pub");
	sh("ssh-keygen -q -s ca3 -I u8 -n alice -z 150 u8.pub");
	for (int s = 99; s <= 201; s += 51)	/* 99 150 201 */
		sh("cp u4.pub s%d.pub && ssh-keygen -q -s ca1 -I s%d -n a "
		   "-z %d s%d.pub", s, s, s, s);
	sh("cp u4.pub s100.pub && ssh-keygen -q -s ca1 -I s100 -n a -z 100 "
	   "s100.pub && cp u4.pub s200.pub && ssh-keygen -q -s ca1 -I s200 "
	   "-n a -z 200 s200.pub");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_serial(void **state)
{
	(void)state;
	sh("echo 'serial: 42' > spec && ssh-keygen -k -f k_serial -s ca1.pub "
	   "spec");
	check("k_serial", "u1-cert.pub", 1,
	      "serial 42 revoked by KRL k_serial (CA SHA256:");
	check("k_serial", "u2-cert.pub", 0, NULL);	/* serial 43 */
	check("k_serial", "u3-cert.pub", 0, NULL);	/* other CA */
	check("k_serial", "u1.pub", 0, NULL);	/* the plain key */
	check("k_serial", "u7-cert.pub", 0, NULL);	/* serial 0 */
}

static void
test_serial_range(void **state)
{
	(void)state;
	sh("echo 'serial: 100-200' > spec && ssh-keygen -k -f k_range -s "
	   "ca1.pub spec");
	check("k_range", "s99-cert.pub", 0, NULL);
	check("k_range", "s100-cert.pub", 1, "serial 100 revoked");
	check("k_range", "s150-cert.pub", 1, "serial 150 revoked");
	check("k_range", "s200-cert.pub", 1, "serial 200 revoked");
	check("k_range", "s201-cert.pub", 0, NULL);
	check("k_range", "u8-cert.pub", 0, NULL);	/* 150, other CA */
}

/* Every other serial 1000..1100 and 150: ssh-keygen writes a bitmap. */
static void
test_serial_bitmap(void **state)
{
	size_t len;
	uint8_t *k;

	(void)state;
	sh("(seq 1000 2 1100; echo 150) | sed 's/^/serial: /' > spec && "
	   "ssh-keygen -k -f k_bitmap -s ca3.pub spec");
	k = slurp("k_bitmap", &len);
	/* Make sure it is a bitmap: subsection 0x22 after the CA key. */
	bool found = false;
	for (size_t i = 0; i + 4 <= len && !found; i++)
		found = memcmp(k + i, "\x22\0\0\0", 4) == 0;
	assert_true(found);
	free(k);
	check("k_bitmap", "u8-cert.pub", 1, "serial 150 revoked");
	for (int s = 1000; s <= 1004; s++) {
		char name[32];

		snprintf(name, sizeof(name), "b%d", s);
		sh("cp u4.pub %s.pub && ssh-keygen -q -s ca3 -I x -n a -z %d "
		   "%s.pub", name, s, name);
		snprintf(name, sizeof(name), "b%d-cert.pub", s);
		check("k_bitmap", name, s % 2 == 0, "revoked by KRL k_bitmap");
	}
}

static void
test_key_id(void **state)
{
	(void)state;
	sh("echo 'id: helper-key-1' > spec && ssh-keygen -k -f k_id -s "
	   "ca1.pub spec");
	check("k_id", "u5-cert.pub", 1,
	      "key ID \"helper-key-1\" revoked by KRL k_id (CA SHA256:");
	check("k_id", "u6-cert.pub", 0, NULL);
	check("k_id", "u5.pub", 0, NULL);
	/* Any CA (-s none): the same ID from any CA. */
	sh("echo 'id: u3' > spec && ssh-keygen -k -f k_anyca -s none spec");
	check("k_anyca", "u3-cert.pub", 1, "key ID \"u3\" revoked by KRL "
	      "k_anyca (any CA)");
	check("k_anyca", "u1-cert.pub", 0, NULL);
}

static void
test_keys(void **state)
{
	(void)state;
	/* key: explicit key; its certificate is revoked too. */
	sh("echo \"key: $(cat u1.pub)\" > spec && ssh-keygen -k -f k_key "
	   "spec");
	check("k_key", "u1.pub", 1, "revoked by KRL k_key (explicit key)");
	check("k_key", "u1-cert.pub", 1, "(explicit key)");
	check("k_key", "u2.pub", 0, NULL);
	/* sha1: and sha256: of a key */
	sh("echo \"sha1: $(cat u2.pub)\" > spec && echo \"sha256: "
	   "$(cat u3.pub)\" >> spec && ssh-keygen -k -f k_hash spec");
	check("k_hash", "u2.pub", 1, "(SHA1 fingerprint)");
	check("k_hash", "u2-cert.pub", 1, "(SHA1 fingerprint)");
	check("k_hash", "u3.pub", 1, "(SHA256 fingerprint)");
	check("k_hash", "u3-cert.pub", 1, "(SHA256 fingerprint)");
	check("k_hash", "u1.pub", 0, NULL);
	/* hash: SHA256:... fingerprint as ssh-keygen -l prints it */
	sh("echo \"hash: $(ssh-keygen -lf u5.pub | cut -d' ' -f2)\" > spec "
	   "&& ssh-keygen -k -f k_fp spec");
	check("k_fp", "u5.pub", 1, "key SHA256:");
	check("k_fp", "u5-cert.pub", 1, "(SHA256 fingerprint)");
	check("k_fp", "u6.pub", 0, NULL);
	/* A key file given directly, and a certificate file directly. */
	sh("ssh-keygen -k -f k_file u6.pub u2-cert.pub");
	check("k_file", "u6.pub", 1, "revoked by KRL k_file");
	check("k_file", "u6-cert.pub", 1, "revoked by KRL k_file");
	check("k_file", "u2-cert.pub", 1, "serial 43 revoked");
	check("k_file", "u1-cert.pub", 0, NULL);
}

/* A revoked CA key revokes every certificate it signed. */
static void
test_ca_revoked(void **state)
{
	(void)state;
	sh("echo \"key: $(cat ca2.pub)\" > spec && ssh-keygen -k -f k_ca "
	   "spec");
	check("k_ca", "u3-cert.pub", 1, "CA key SHA256:");
	check("k_ca", "u1-cert.pub", 0, NULL);
}

/* -u adds to a KRL: both the old and the new entries hold. */
static void
test_update(void **state)
{
	(void)state;
	sh("echo 'serial: 42' > spec && ssh-keygen -k -f k_upd -s ca1.pub "
	   "spec && echo 'serial: 43' > spec2 && echo 'id: helper-key-2' >> "
	   "spec2 && ssh-keygen -k -u -f k_upd -s ca1.pub spec2 && "
	   "ssh-keygen -k -u -f k_upd u3-cert.pub");
	check("k_upd", "u1-cert.pub", 1, "serial 42");
	check("k_upd", "u2-cert.pub", 1, "serial 43");
	check("k_upd", "u6-cert.pub", 1, "helper-key-2");
	check("k_upd", "u3-cert.pub", 1, "serial 42 revoked by KRL k_upd");
	check("k_upd", "u5-cert.pub", 0, NULL);
}

/* An empty KRL revokes nothing. */
static void
test_empty_krl(void **state)
{
	(void)state;
	sh("ssh-keygen -k -f k_empty");
	check("k_empty", "u1-cert.pub", 0, NULL);
	check("k_empty", "u1.pub", 0, NULL);
}

/* A plain list: comments, blank lines, a key, a certificate (revokes
 * the key it certifies) and a CA key (revokes what it signed). */
static void
test_plain_list(void **state)
{
	struct revoked *r;
	struct cert c;
	char why[512];
	size_t len;
	uint8_t *blob;

	(void)state;
	sh("{ echo '# revoked'; echo; echo \"  $(cat u1.pub)\"; "
	   "echo \"$(cat u5-cert.pub)\"; printf '%%s\\r\\n' \"$(cat ca2.pub)\""
	   "; } > list");
	r = load("list");
	blob = pub_blob("u1.pub", &len);
	assert_int_equal(revoked_check(r, blob, len, NULL, why, sizeof(why)),
			 1);
	assert_non_null(strstr(why, "key SHA256:"));
	assert_non_null(strstr(why, "revoked by list:3"));
	free(blob);
	load_cert("u1-cert.pub", &c);
	assert_int_equal(revoked_check(r, NULL, 0, &c, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "revoked by list:3"));
	cert_free(&c);
	blob = pub_blob("u5.pub", &len);
	assert_int_equal(revoked_check(r, blob, len, NULL, why, sizeof(why)),
			 1);
	assert_non_null(strstr(why, "revoked by list:4"));
	free(blob);
	load_cert("u3-cert.pub", &c);
	assert_int_equal(revoked_check(r, NULL, 0, &c, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "CA key SHA256:"));
	assert_non_null(strstr(why, "revoked by list:5"));
	cert_free(&c);
	load_cert("u2-cert.pub", &c);
	assert_int_equal(revoked_check(r, NULL, 0, &c, why, sizeof(why)), 0);
	cert_free(&c);
	revoked_free(r);
}

/* Several files: each is consulted; the reason names the right one. */
static void
test_several_files(void **state)
{
	struct revoked *r = revoked_new();
	char err[256], why[256];
	size_t len, klen;
	uint8_t *d, *blob;
	struct cert c;

	(void)state;
	sh("echo \"$(cat u6.pub)\" > list2 && echo 'serial: 42' > spec && "
	   "ssh-keygen -k -f k_two -s ca1.pub spec");
	d = slurp("list2", &len);
	assert_int_equal(revoked_add(r, "list2", d, len, err, sizeof(err)),
			 0);
	free(d);
	d = slurp("k_two", &len);
	assert_int_equal(revoked_add(r, "k_two", d, len, err, sizeof(err)),
			 0);
	free(d);
	blob = pub_blob("u6.pub", &klen);
	assert_int_equal(revoked_check(r, blob, klen, NULL, why, sizeof(why)),
			 1);
	assert_non_null(strstr(why, "list2:1"));
	free(blob);
	load_cert("u1-cert.pub", &c);
	assert_int_equal(revoked_check(r, NULL, 0, &c, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "k_two"));
	cert_free(&c);
	for (int i = 2; i < REVOKED_MAX_FILES; i++)
		assert_int_equal(revoked_add(r, "e", (const uint8_t *)"", 0,
					     err, sizeof(err)), 0);
	assert_int_equal(revoked_add(r, "ninth", (const uint8_t *)"", 0, err,
				     sizeof(err)), -1);
	assert_non_null(strstr(err, "ninth: more than"));
	revoked_free(r);
}

static void
test_plain_list_bad(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "ssh-ed25519\n", "x:1: not a public key line" },
		{ "# c\nssh-ed25519 !!!!\n", "x:2: bad base64" },
		{ "ssh-dss AAAAB3NzaC1kc3M=\n", "x:1: unknown key type" },
		{ "from=\"*\" ssh-ed25519 AAAA\n", "x:1: unknown key type" },
		/* blob says ssh-rsa, line says ssh-ed25519 */
		{ "ssh-ed25519 AAAAB3NzaC1yc2E=\n", "x:1: key type does not" },
		{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\n", "x:1: " },
		{ "SSHKRL\n", "x:1: not a public key line" },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct revoked *r = revoked_new();

		assert_int_equal(revoked_add(r, "x",
					     (const uint8_t *)cases[i].text,
					     strlen(cases[i].text), err,
					     sizeof(err)), -1);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
				 cases[i].want);
		revoked_free(r);
	}
}

/* ---- hand-made KRLs ------------------------------------------------ */

static void
krl_header(struct buf *b)
{
	buf_init(b, 64u << 20);
	assert_int_equal(buf_put_bytes(b, "SSHKRL\n\0", 8), BUF_OK);
	buf_put_u32(b, 1);
	buf_put_u64(b, 1);
	buf_put_u64(b, 0);
	buf_put_u64(b, 0);
	buf_put_string(b, NULL, 0);
	buf_put_cstring(b, "comment");
}

/* Appends section type with the content of s (then frees s). */
static void
krl_section(struct buf *b, uint8_t type, struct buf *s)
{
	assert_int_equal(buf_put_u8(b, type), BUF_OK);
	assert_int_equal(buf_put_string(b, buf_ptr(s), buf_avail(s)), BUF_OK);
	buf_free(s);
}

/* A certificate section for any CA holding one subsection. */
static void
krl_cert_sub(struct buf *b, uint8_t subtype, struct buf *sub)
{
	struct buf s;

	buf_init(&s, 64u << 20);
	buf_put_string(&s, NULL, 0);	/* any CA */
	buf_put_string(&s, NULL, 0);	/* reserved */
	buf_put_u8(&s, subtype);
	buf_put_string(&s, buf_ptr(sub), buf_avail(sub));
	buf_free(sub);
	krl_section(b, 1, &s);
}

static int
try_add(struct buf *b, char *err, size_t errsz)
{
	struct revoked *r = revoked_new();
	int rc = revoked_add(r, "bad.krl", buf_ptr(b), buf_avail(b), err,
			     errsz);

	revoked_free(r);
	buf_free(b);
	return rc;
}

static void
expect_bad(struct buf *b, const char *want)
{
	char err[256];

	assert_int_equal(try_add(b, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", err, want);
}

static void
test_bad_header(void **state)
{
	struct buf b;

	(void)state;
	krl_header(&b);
	b.data[11] = 2;		/* format version 2 */
	expect_bad(&b, "bad.krl: KRL byte 0: unsupported KRL format version 2");
	krl_header(&b);
	buf_put_u8(&b, 99);
	buf_put_string(&b, NULL, 0);
	expect_bad(&b, "unsupported section type 99");
	krl_header(&b);
	buf_put_u8(&b, 2);
	buf_put_u32(&b, 0xffffffff);	/* huge section length */
	expect_bad(&b, "section");
	/* wrong magic: not a KRL, so a (bad) key list */
	krl_header(&b);
	b.data[7] = 1;
	expect_bad(&b, "bad.krl:");
}

static void
test_bad_serials(void **state)
{
	struct buf b, sub;

	(void)state;
	krl_header(&b);
	buf_init(&sub, 1024);
	buf_put_u64(&sub, 0);		/* serial 0 */
	krl_cert_sub(&b, 0x20, &sub);
	expect_bad(&b, "bad serial range 0-0");
	krl_header(&b);
	buf_init(&sub, 1024);
	buf_put_u64(&sub, 10);
	buf_put_u64(&sub, 9);		/* lo > hi */
	krl_cert_sub(&b, 0x21, &sub);
	expect_bad(&b, "bad serial range 10-9");
	krl_header(&b);
	buf_init(&sub, 1024);
	buf_put_u64(&sub, 10);
	buf_put_u32(&sub, 1);		/* half a serial */
	krl_cert_sub(&b, 0x20, &sub);
	expect_bad(&b, "serial list");
	krl_header(&b);
	buf_init(&sub, 1024);
	buf_put_u64(&sub, 1);
	buf_put_u64(&sub, 2);
	buf_put_u8(&sub, 0);		/* trailing byte */
	krl_cert_sub(&b, 0x21, &sub);
	expect_bad(&b, "trailing data in certificate subsection 0x21");
	krl_header(&b);
	buf_init(&sub, 1024);
	buf_put_u8(&sub, 0);
	krl_cert_sub(&b, 0x40, &sub);
	expect_bad(&b, "unsupported certificate subsection type 0x40");
}

static void
bitmap_sub(struct buf *sub, uint64_t off, const uint8_t *bits, size_t n)
{
	buf_init(sub, 1u << 20);
	buf_put_u64(sub, off);
	buf_put_string(sub, bits, n);
}

static void
test_bad_bitmap(void **state)
{
	static uint8_t big[2050];
	const uint8_t one_nine[] = { 0x01, 0x00 };	/* 9 bits */
	const uint8_t neg[] = { 0x80 };
	const uint8_t bit0[] = { 0x01 };
	struct buf b, sub;
	char err[256];

	(void)state;
	krl_header(&b);
	bitmap_sub(&sub, UINT64_MAX - 7, one_nine, sizeof(one_nine));
	krl_cert_sub(&b, 0x22, &sub);
	expect_bad(&b, "serial bitmap wraps");
	/* The same span one lower fits exactly. */
	krl_header(&b);
	bitmap_sub(&sub, UINT64_MAX - 8, one_nine, sizeof(one_nine));
	krl_cert_sub(&b, 0x22, &sub);
	assert_int_equal(try_add(&b, err, sizeof(err)), 0);
	krl_header(&b);
	bitmap_sub(&sub, 5, neg, sizeof(neg));
	krl_cert_sub(&b, 0x22, &sub);
	expect_bad(&b, "negative serial bitmap");
	krl_header(&b);
	bitmap_sub(&sub, 0, bit0, sizeof(bit0));	/* serial 0 */
	krl_cert_sub(&b, 0x22, &sub);
	expect_bad(&b, "bad serial range 0-0");
	/* 2049 bytes with a zero sign byte: allowed, as OpenSSH */
	memset(big, 0x55, sizeof(big));
	big[0] = 0;
	krl_header(&b);
	bitmap_sub(&sub, 1, big, 2049);
	krl_cert_sub(&b, 0x22, &sub);
	assert_int_equal(try_add(&b, err, sizeof(err)), 0);
	big[0] = 0x01;
	krl_header(&b);
	bitmap_sub(&sub, 1, big, 2049);
	krl_cert_sub(&b, 0x22, &sub);
	expect_bad(&b, "serial bitmap over 2048 bytes");
	krl_header(&b);
	bitmap_sub(&sub, 1, big, 2050);
	krl_cert_sub(&b, 0x22, &sub);
	expect_bad(&b, "serial bitmap");
}

/* Bits of a hand-made bitmap revoke exactly offset + bit index. */
static void
test_bitmap_bits(void **state)
{
	const uint8_t bits[] = { 0x00, 0x81, 0x06 };	/* bits 1,2,8,15 */
	struct revoked *r = revoked_new();
	struct buf b, sub;
	struct cert c;
	char err[256], why[256];

	(void)state;
	krl_header(&b);
	bitmap_sub(&sub, 1000, bits, sizeof(bits));
	krl_cert_sub(&b, 0x22, &sub);
	assert_int_equal(revoked_add(r, "bm", buf_ptr(&b), buf_avail(&b), err,
				     sizeof(err)), 0);
	buf_free(&b);
	memset(&c, 0, sizeof(c));
	c.key_id = (char *)"x";
	c.key_blob = (uint8_t *)"k";
	c.key_blob_len = 1;
	c.ca_blob = (uint8_t *)"ca";
	c.ca_blob_len = 2;
	for (uint64_t s = 995; s < 1020; s++) {
		int want = s == 1001 || s == 1002 || s == 1008 || s == 1015;

		c.serial = s;
		assert_int_equal(revoked_check(r, NULL, 0, &c, why,
					       sizeof(why)), want);
	}
	revoked_free(r);
}

static void
test_bad_blobs(void **state)
{
	struct buf b, s;

	(void)state;
	krl_header(&b);
	buf_init(&s, 1024);
	buf_put_string(&s, "0123456789012345678", 19);	/* SHA1 of 19 */
	krl_section(&b, 3, &s);
	expect_bad(&b, "SHA1 hash of 19 bytes, not 20");
	krl_header(&b);
	buf_init(&s, 1024);
	buf_put_string(&s, "0123456789012345678901234567890123", 33);
	krl_section(&b, 5, &s);
	expect_bad(&b, "SHA256 hash");
	krl_header(&b);
	buf_init(&s, 1024);
	buf_put_u32(&s, 0x7fffffff);	/* key longer than the section */
	krl_section(&b, 2, &s);
	expect_bad(&b, "key");
	/* key ID with NUL */
	krl_header(&b);
	buf_init(&s, 1024);
	buf_put_string(&s, "a\0b", 3);
	krl_cert_sub(&b, 0x23, &s);
	expect_bad(&b, "key ID contains NUL");
	/* a CA key that is no key */
	krl_header(&b);
	buf_init(&s, 1024);
	buf_put_string(&s, "junk", 4);
	buf_put_string(&s, NULL, 0);
	krl_section(&b, 1, &s);
	expect_bad(&b, "CA key:");
}

static void
test_extensions(void **state)
{
	struct buf b, s;
	char err[256];

	(void)state;
	krl_header(&b);
	buf_init(&s, 1024);
	buf_put_cstring(&s, "bloom-explicit-key");
	buf_put_u8(&s, 0);
	buf_put_string(&s, "xyz", 3);
	krl_section(&b, 255, &s);
	assert_int_equal(try_add(&b, err, sizeof(err)), 0);
	krl_header(&b);
	buf_init(&s, 1024);
	buf_put_cstring(&s, "must-know\n@x");
	buf_put_u8(&s, 1);
	buf_put_string(&s, NULL, 0);
	krl_section(&b, 255, &s);
	expect_bad(&b, "unsupported critical extension \"must-know\\x0a@x\"");
	krl_header(&b);
	buf_init(&s, 1024);
	buf_put_cstring(&s, "cert-ext");
	buf_put_u8(&s, 1);
	buf_put_string(&s, NULL, 0);
	krl_cert_sub(&b, 0x39, &s);
	expect_bad(&b, "unsupported critical extension \"cert-ext\"");
	/* A signature section (key, signature) is skipped unverified. */
	krl_header(&b);
	buf_put_u8(&b, 4);
	buf_put_string(&b, "key", 3);
	buf_put_string(&b, "sig", 3);
	assert_int_equal(try_add(&b, err, sizeof(err)), 0);
	krl_header(&b);
	buf_put_u8(&b, 4);
	buf_put_string(&b, "key", 3);
	expect_bad(&b, "signature");
}

/* Alternating bits make 8192 ranges per 2 KiB bitmap: the total is
 * capped instead of growing with the file. */
static void
test_range_limit(void **state)
{
	static uint8_t bits[2048];
	struct buf b, sub;
	size_t i;

	(void)state;
	memset(bits, 0x55, sizeof(bits));
	krl_header(&b);
	for (i = 0; i <= (1u << 20) / 8192; i++) {
		bitmap_sub(&sub, 1 + i * 16384, bits, sizeof(bits));
		krl_cert_sub(&b, 0x22, &sub);
	}
	expect_bad(&b, "more than 1048576 serial ranges");
}

static void
test_item_limit(void **state)
{
	struct buf b, s;

	(void)state;
	krl_header(&b);
	buf_init(&s, 64u << 20);
	for (size_t i = 0; i <= (1u << 20); i++)
		buf_put_string(&s, NULL, 0);	/* empty key IDs */
	krl_cert_sub(&b, 0x23, &s);
	expect_bad(&b, "more than 1048576 revoked keys, hashes and key IDs");
}

/*
 * A real KRL with every kind of section, cut at every length: only the
 * cuts at a section boundary (and the empty file, an empty key list)
 * load; every other one is an error, never a crash.
 */
static void
test_truncated(void **state)
{
	struct buf b;
	size_t len, ok_at[64], nok = 0;
	uint8_t *k;
	char err[256];

	(void)state;
	sh("{ echo 'serial: 42'; echo 'serial: 100-200'; seq 1000 2 1040 | "
	   "sed 's/^/serial: /'; echo 'id: helper-key-1'; } > spec && "
	   "echo \"key: $(cat u1.pub)\" > spec2 && echo \"sha1: $(cat u2.pub)"
	   "\" >> spec2 && echo \"sha256: $(cat u3.pub)\" >> spec2 && "
	   "ssh-keygen -k -f k_all -s ca1.pub spec && "
	   "ssh-keygen -k -u -f k_all spec2");
	k = slurp("k_all", &len);
	/* Section boundaries: after the header, then after each section. */
	buf_view(&b, k, len);
	{
		uint64_t u;
		uint32_t v;
		const uint8_t *p;
		size_t n;
		struct buf sect;
		uint8_t t;

		assert_int_equal(buf_consume(&b, 8), BUF_OK);
		buf_get_u32(&b, &v);
		buf_get_u64(&b, &u);
		buf_get_u64(&b, &u);
		buf_get_u64(&b, &u);
		buf_get_string_view(&b, 1024, &p, &n);
		buf_get_string_view(&b, 1024, &p, &n);
		ok_at[nok++] = len - buf_avail(&b);
		while (buf_avail(&b) > 0) {
			assert_int_equal(buf_get_u8(&b, &t), BUF_OK);
			assert_int_equal(buf_get_sub(&b, len, &sect), BUF_OK);
			assert_true(nok < 64);
			ok_at[nok++] = len - buf_avail(&b);
		}
	}
	assert_true(nok >= 5);	/* certs, explicit, sha1, sha256 */
	for (size_t cut = 0; cut <= len; cut++) {
		struct revoked *r = revoked_new();
		uint8_t *copy = malloc(cut + 1);
		bool boundary = cut == 0;
		int rc;

		for (size_t i = 0; i < nok; i++)
			boundary |= cut == ok_at[i];
		memcpy(copy, k, cut);
		rc = revoked_add(r, "cut", copy, cut, err, sizeof(err));
		if (rc != (boundary ? 0 : -1))
			fail_msg("cut at %zu of %zu: rc %d (%s)", cut, len, rc,
				 rc ? err : "");
		free(copy);
		revoked_free(r);
	}
	free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_serial_range),
		cmocka_unit_test(test_serial_bitmap),
		cmocka_unit_test(test_key_id),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_ca_revoked),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_empty_krl),
		cmocka_unit_test(test_plain_list),
		cmocka_unit_test(test_several_files),
		cmocka_unit_test(test_plain_list_bad),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_serials),
		cmocka_unit_test(test_bad_bitmap),
		cmocka_unit_test(test_bitmap_bits),
		cmocka_unit_test(test_bad_blobs),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_range_limit),
		cmocka_unit_test(test_item_limit),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
