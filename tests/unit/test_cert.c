/*
 * Unit tests: common/cert.c. Certificates are made by the real ssh-keygen
 * at test time (ed25519, ecdsa-256/384/521 and rsa-3072 CAs; ed25519,
 * ecdsa and rsa user keys); what ssh-keygen cannot make (sk keys, broken
 * encodings, a certificate as signature key) is built here with buf.h and
 * signed with a libcrypto Ed25519 CA, so only the defect under test fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "common/b64.h"
#include "common/buf.h"
#include "common/cert.h"
#include "common/keysig.h"

#define NOW		1800000000ULL	/* 2027-01-15: inside -V ranges below */
#define HOUR		3600

static char tmpdir[] = "/tmp/test_cert.XXXXXX";

static const char *const cas[] = {
	"ca_ed25519", "ca_ecdsa256", "ca_ecdsa384", "ca_ecdsa521", "ca_rsa",
};
static const char *const users[] = { "u_ed25519", "u_ecdsa", "u_rsa" };
#define NCAS (sizeof(cas) / sizeof(cas[0]))
#define NUSERS (sizeof(users) / sizeof(users[0]))

/* ---- ssh-keygen at test time ---- */

/* Runs argv (ssh-keygen ...) in tmpdir; its output goes to a log file.
 * Returns the exit status. */
static int
run(const char *const *argv)
{
	char log[300];
	pid_t pid;
	int st;

	snprintf(log, sizeof(log), "%s/keygen.log", tmpdir);
	if ((pid = fork()) == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		if (fd < 0 || chdir(tmpdir) != 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ssh-keygen -t type [-b bits] for tmpdir/name (bits NULL: default). */
static void
keygen(const char *name, const char *type, const char *bits)
{
	const char *argv[] = { "ssh-keygen", "-q", "-N", "", "-C", name,
	    "-f", name, "-t", type, "-b", bits, NULL };

	if (bits == NULL)
		argv[10] = NULL;
	assert_int_equal(run(argv), 0);
}

/* Decoded blob of the one-line OpenSSH public file tmpdir/name. */
static uint8_t *
read_blob(const char *name, size_t *len)
{
	char path[300], line[20000], *sp, *end;
	uint8_t *blob;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(sp = strchr(line, ' '));
	sp++;
	end = sp + strcspn(sp, " \n");
	blob = b64_decode(sp, (size_t)(end - sp), SSHKEY_MAX_BLOB, len);
	assert_non_null(blob);
	return blob;
}

/*
 * ssh-keygen -s CA -I ID [extra...] on a copy of KEY.pub named ID.pub;
 * returns the certificate blob (caller frees).
 */
static uint8_t *
sign(const char *ca, const char *key, const char *id,
     const char *const *extra, size_t *len)
{
	const char *argv[32] = { "ssh-keygen", "-q", "-s", ca, "-I", id };
	char src[300], dst[300], certname[300], buf[8192];
	size_t n = 6, got;
	FILE *in, *out;

	snprintf(src, sizeof(src), "%s/%s.pub", tmpdir, key);
	snprintf(dst, sizeof(dst), "%s/%s.pub", tmpdir, id);
	assert_non_null(in = fopen(src, "r"));
	assert_non_null(out = fopen(dst, "w"));
	got = fread(buf, 1, sizeof(buf), in);
	assert_int_equal(fwrite(buf, 1, got, out), got);
	fclose(in);
	fclose(out);
	while (extra != NULL && *extra != NULL)
		argv[n++] = *extra++;
	argv[n++] = dst;
	argv[n] = NULL;
	assert_int_equal(run(argv), 0);
	snprintf(certname, sizeof(certname), "%s-cert.pub", id);
	return read_blob(certname, len);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	keygen("ca_ed25519", "ed25519", NULL);
	keygen("ca_ecdsa256", "ecdsa", "256");
	keygen("ca_ecdsa384", "ecdsa", "384");
	keygen("ca_ecdsa521", "ecdsa", "521");
	keygen("ca_rsa", "rsa", "3072");
	keygen("u_ed25519", "ed25519", NULL);
	keygen("u_ecdsa", "ecdsa", "256");
	keygen("u_rsa", "rsa", "3072");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- checks ---- */

static void
parse_ok(const uint8_t *blob, size_t len, struct cert *c)
{
	char err[512] = "";

	if (cert_parse(blob, len, c, err, sizeof(err)) != 0)
		fail_msg("cert_parse refused: %s", err);
}

static void
parse_bad(const uint8_t *blob, size_t len, const char *want)
{
	struct cert c;
	char err[512] = "";

	assert_int_equal(cert_parse(blob, len, &c, err, sizeof(err)), -1);
	assert_null(c.blob);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

/* cert_verify against the single CA file ca (NULL: c's own CA). */
static int
verify_with(const struct cert *c, uint32_t kind, const char *ca,
	    uint64_t now, char *err, size_t errsz)
{
	const uint8_t *blobs[1];
	size_t lens[1], idx = 99;
	uint8_t *cab = NULL;
	int r;

	if (ca != NULL) {
		char pub[300];

		snprintf(pub, sizeof(pub), "%s.pub", ca);
		cab = read_blob(pub, &lens[0]);
		blobs[0] = cab;
	} else {
		blobs[0] = c->ca_blob;
		lens[0] = c->ca_blob_len;
	}
	r = cert_verify(c, kind, blobs, lens, 1, now, &idx, err, errsz);
	assert_true(r != 0 || idx == 0);
	free(cab);
	return r;
}

static void
verify_bad(const struct cert *c, uint32_t kind, const char *ca,
	   uint64_t now, const char *want)
{
	char err[512] = "";

	assert_int_equal(verify_with(c, kind, ca, now, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void
verify_good(const struct cert *c, uint32_t kind, const char *ca,
	    uint64_t now)
{
	char err[512] = "";

	if (verify_with(c, kind, ca, now, err, sizeof(err)) != 0)
		fail_msg("cert_verify refused: %s", err);
}

/* Makes a user cert by ca for key with -n alice and extra options. */
static uint8_t *
user_cert(const char *ca, const char *key, const char *id,
	  const char *const *opts, size_t *len)
{
	const char *extra[16] = { "-n", "alice", "-V",
	    "20270101000000Z:20270201000000Z" };
	size_t n = 4;

	while (opts != NULL && *opts != NULL)
		extra[n++] = *opts++;
	extra[n] = NULL;
	return sign(ca, key, id, extra, len);
}

/* ---- real certificates ---- */

/* Every CA type signs user and host certificates for every user key
 * type; each verifies for its own kind and its own CA only. */
static void
test_matrix(void **state)
{
	size_t i, j, k, len;

	(void)state;
	for (i = 0; i < NCAS; i++)
		for (j = 0; j < NUSERS; j++)
			for (k = 0; k < 2; k++) {
				const char *host[] = { "-h", "-n",
				    "ws1.example.org", "-z", "42", "-V",
				    "20270101000000Z:20270201000000Z", NULL };
				const char *usr[] = { "-n", "alice,support",
				    "-z", "42", "-V",
				    "20270101000000Z:20270201000000Z", NULL };
				char id[64], pub[64];
				uint8_t *blob, *keyblob;
				size_t keylen;
				struct cert c;
				uint32_t kind = k ? CERT_TYPE_HOST :
				    CERT_TYPE_USER;

				snprintf(id, sizeof(id), "m_%zu_%zu_%zu", i,
				    j, k);
				blob = sign(cas[i], users[j], id,
				    k ? host : usr, &len);
				parse_ok(blob, len, &c);
				snprintf(pub, sizeof(pub), "%s.pub", users[j]);
				keyblob = read_blob(pub, &keylen);
				assert_int_equal(c.key_blob_len, keylen);
				assert_memory_equal(c.key_blob, keyblob,
				    keylen);
				assert_true(c.serial == 42);
				assert_int_equal(c.cert_type, kind);
				assert_string_equal(c.key_id, id);
				assert_int_equal(c.nprincipals, k ? 1 : 2);
				assert_true(c.valid_after == 1798761600ULL);
				assert_true(c.valid_before == 1801440000ULL);
				assert_true(c.signed_len + 4 + c.sig_len ==
				    len);
				verify_good(&c, kind, cas[i], NOW);
				verify_bad(&c, kind, cas[(i + 1) % NCAS], NOW,
				    "untrusted CA SHA256:");
				verify_bad(&c, k ? CERT_TYPE_USER :
				    CERT_TYPE_HOST, cas[i], NOW, k ?
				    "host certificate presented as a user" :
				    "user certificate presented as a host");
				cert_free(&c);
				free(keyblob);
				free(blob);
			}
}

/* The untrusted-CA message names the CA as ssh-keygen -l does. */
static void
test_untrusted_ca_fingerprint(void **state)
{
	const char *argv[] = { "ssh-keygen", "-l", "-f", "ca_rsa.pub", NULL };
	char log[300], line[1024], want[128], err[512];
	uint8_t *blob;
	size_t len;
	struct cert c;
	FILE *f;

	(void)state;
	snprintf(log, sizeof(log), "%s/keygen.log", tmpdir);
	assert_int_equal(truncate(log, 0), 0);
	assert_int_equal(run(argv), 0);
	assert_non_null(f = fopen(log, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_int_equal(sscanf(line, "%*d %127s", want), 1);
	blob = user_cert("ca_rsa", "u_ed25519", "fp", NULL, &len);
	parse_ok(blob, len, &c);
	assert_int_equal(verify_with(&c, CERT_TYPE_USER, "ca_ed25519", NOW,
	    err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", err, want);
	cert_free(&c);
	free(blob);
}

/* Several trusted CAs: the index of the one that matched is returned. */
static void
test_ca_index(void **state)
{
	const uint8_t *blobs[NCAS];
	size_t lens[NCAS], i, idx = 99, len;
	uint8_t *owned[NCAS], *blob;
	char pub[64], err[256];
	struct cert c;

	(void)state;
	for (i = 0; i < NCAS; i++) {
		snprintf(pub, sizeof(pub), "%s.pub", cas[i]);
		blobs[i] = owned[i] = read_blob(pub, &lens[i]);
	}
	blob = user_cert("ca_ecdsa384", "u_rsa", "idx", NULL, &len);
	parse_ok(blob, len, &c);
	assert_int_equal(cert_verify(&c, CERT_TYPE_USER, blobs, lens, NCAS,
	    NOW, &idx, err, sizeof(err)), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(cert_verify(&c, CERT_TYPE_USER, blobs, lens, 0,
	    NOW, &idx, err, sizeof(err)), -1);
	cert_free(&c);
	free(blob);
	for (i = 0; i < NCAS; i++)
		free(owned[i]);
}

static void
test_validity(void **state)
{
	const char *past[] = { "-n", "alice", "-V",
	    "20200101000000Z:20200102000000Z", NULL };
	const char *future[] = { "-n", "alice", "-V",
	    "20990101000000Z:20990102000000Z", NULL };
	uint8_t *blob;
	size_t len;
	struct cert c;

	(void)state;
	blob = sign("ca_ed25519", "u_ed25519", "expired", past, &len);
	parse_ok(blob, len, &c);
	verify_bad(&c, CERT_TYPE_USER, "ca_ed25519", NOW,
	    "certificate expired at 2020-01-02T00:00:00Z");
	cert_free(&c);
	free(blob);

	blob = sign("ca_ed25519", "u_ed25519", "future", future, &len);
	parse_ok(blob, len, &c);
	verify_bad(&c, CERT_TYPE_USER, "ca_ed25519", NOW,
	    "certificate not yet valid until 2099-01-01T00:00:00Z");
	cert_free(&c);
	free(blob);

	/* valid_after <= now < valid_before, to the second. */
	blob = user_cert("ca_ed25519", "u_ed25519", "edges", NULL, &len);
	parse_ok(blob, len, &c);
	verify_good(&c, CERT_TYPE_USER, "ca_ed25519", c.valid_after);
	verify_good(&c, CERT_TYPE_USER, "ca_ed25519", c.valid_before - 1);
	verify_bad(&c, CERT_TYPE_USER, "ca_ed25519", c.valid_after - 1,
	    "not yet valid until 2027-01-01T00:00:00Z");
	verify_bad(&c, CERT_TYPE_USER, "ca_ed25519", c.valid_before,
	    "expired at 2027-02-01T00:00:00Z");
	cert_free(&c);
	free(blob);
}

static void
test_forever(void **state)
{
	const char *opts[] = { "-n", "alice", NULL };
	char when[64];
	uint8_t *blob;
	size_t len;
	struct cert c;

	(void)state;
	blob = sign("ca_ecdsa256", "u_ecdsa", "forever", opts, &len);
	parse_ok(blob, len, &c);
	assert_true(c.valid_after == 0 && c.valid_before == UINT64_MAX);
	verify_good(&c, CERT_TYPE_USER, "ca_ecdsa256", NOW);
	cert_format_time(c.valid_before, when, sizeof(when));
	assert_string_equal(when, "forever");
	cert_format_time(0, when, sizeof(when));
	assert_string_equal(when, "1970-01-01T00:00:00Z");
	cert_format_time(UINT64_MAX - 1, when, sizeof(when));
	assert_string_equal(when, "18446744073709551614");
	cert_free(&c);
	free(blob);
}

static void
test_no_principals(void **state)
{
	const char *opts[] = { "-V", "20270101000000Z:20270201000000Z",
	    NULL };
	uint8_t *blob;
	size_t len;
	struct cert c;

	(void)state;
	blob = sign("ca_ed25519", "u_rsa", "noprinc", opts, &len);
	parse_ok(blob, len, &c);
	assert_int_equal(c.nprincipals, 0);
	verify_bad(&c, CERT_TYPE_USER, "ca_ed25519", NOW,
	    "certificate has no principals");
	cert_free(&c);
	free(blob);
}

static void
test_critical_options(void **state)
{
	const char *force[] = { "-O", "force-command=ls", NULL };
	const char *crit[] = { "-O", "critical:force-command=x", NULL };
	const char *custom[] = { "-O", "critical:zzz@example.com=bar", NULL };
	const char *known[] = { "-O", "verify-required", "-O",
	    "source-address=10.0.0.0/8,::1", "-O", "no-touch-required",
	    NULL };
	const char *const *bad[] = { force, crit, custom };
	const char *names[] = { "force-command", "force-command",
	    "zzz@example.com" };
	uint8_t *blob;
	size_t len, i;
	struct cert c;
	char id[32], want[64];

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "crit%zu", i);
		blob = user_cert("ca_ecdsa521", "u_ecdsa", id, bad[i], &len);
		parse_ok(blob, len, &c);
		assert_int_equal(c.ncritical, 1);
		snprintf(want, sizeof(want), "unknown critical option %s",
		    names[i]);
		verify_bad(&c, CERT_TYPE_USER, "ca_ecdsa521", NOW, want);
		cert_free(&c);
		free(blob);
	}
	blob = user_cert("ca_ecdsa521", "u_ecdsa", "known", known, &len);
	parse_ok(blob, len, &c);
	assert_int_equal(c.ncritical, 2);
	assert_true(c.verify_required);
	assert_true(c.no_touch_required);
	assert_string_equal(c.source_address, "10.0.0.0/8,::1");
	verify_good(&c, CERT_TYPE_USER, "ca_ecdsa521", NOW);
	cert_free(&c);
	free(blob);

	/* Defaults: ssh-keygen adds the permit-* extensions, nothing else. */
	blob = user_cert("ca_ecdsa521", "u_ecdsa", "plain", NULL, &len);
	parse_ok(blob, len, &c);
	assert_int_equal(c.ncritical, 0);
	assert_int_equal(c.nextensions, 5);
	assert_false(c.verify_required || c.no_touch_required);
	assert_null(c.source_address);
	cert_free(&c);
	free(blob);
}

/* rsa-sha2-256 and -512 CA signatures verify; ssh-rsa (SHA-1) never. */
static void
test_rsa_sig_algs(void **state)
{
	const char *algs[] = { "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa" };
	size_t i, len;

	(void)state;
	for (i = 0; i < 3; i++) {
		const char *opts[] = { "-t", algs[i], NULL };
		struct cert c;
		uint8_t *blob;
		char id[32];

		snprintf(id, sizeof(id), "rsa%zu", i);
		blob = user_cert("ca_rsa", "u_ed25519", id, opts, &len);
		parse_ok(blob, len, &c);
		assert_true(c.sig_len > 4 + strlen(algs[i]));
		assert_memory_equal(c.sig + 4, algs[i], strlen(algs[i]));
		if (i < 2)
			verify_good(&c, CERT_TYPE_USER, "ca_rsa", NOW);
		else
			verify_bad(&c, CERT_TYPE_USER, "ca_rsa", NOW,
			    "ssh-rsa (SHA-1) signatures are refused");
		cert_free(&c);
		free(blob);
	}
}

/* Each flipped byte (two different flips) anywhere in the certificate,
 * signed part and signature, makes it fail to parse or to verify. */
static void
flip_all(const char *ca, const char *key, const char *id)
{
	const char *opts[] = { "-O", "source-address=192.0.2.0/24", "-O",
	    "verify-required", "-z", "7", NULL };
	uint8_t *blob;
	size_t len, off;
	unsigned fl;
	struct cert c;
	char err[512];

	blob = user_cert(ca, key, id, opts, &len);
	parse_ok(blob, len, &c);
	verify_good(&c, CERT_TYPE_USER, ca, NOW);
	cert_free(&c);
	for (off = 0; off < len; off++) {
		for (fl = 0; fl < 2; fl++) {
			uint8_t mask = fl ? 0x80 : 0x01;

			blob[off] ^= mask;
			if (cert_parse(blob, len, &c, err, sizeof(err)) == 0) {
				if (verify_with(&c, CERT_TYPE_USER, ca, NOW,
				    err, sizeof(err)) == 0)
					fail_msg("%s: flip 0x%02x at %zu of "
					    "%zu accepted", id, mask, off,
					    len);
				cert_free(&c);
			}
			blob[off] ^= mask;
		}
	}
	free(blob);
}

static void
test_flip_every_byte(void **state)
{
	(void)state;
	flip_all("ca_ed25519", "u_ecdsa", "flip_ed");
	flip_all("ca_ecdsa384", "u_ed25519", "flip_ec");
	flip_all("ca_rsa", "u_rsa", "flip_rsa");
}

/* Every proper prefix and any trailing byte are refused. */
static void
test_truncated_and_trailing(void **state)
{
	uint8_t *blob, *longer;
	size_t len, n;
	struct cert c;
	char err[512];

	(void)state;
	blob = user_cert("ca_ecdsa256", "u_rsa", "trunc", NULL, &len);
	for (n = 0; n < len; n++)
		assert_int_equal(cert_parse(blob, n, &c, err, sizeof(err)),
		    -1);
	assert_non_null(longer = malloc(len + 1));
	memcpy(longer, blob, len);
	longer[len] = 0;
	parse_bad(longer, len + 1, "trailing bytes after the signature");
	free(longer);
	free(blob);
}

/* A plain key blob is not a certificate. */
static void
test_plain_key_refused(void **state)
{
	uint8_t *blob;
	size_t len;

	(void)state;
	blob = read_blob("u_ed25519.pub", &len);
	parse_bad(blob, len, "not a certificate type");
	free(blob);
}

/* ---- crafted certificates, signed with a libcrypto Ed25519 CA ---- */

struct craft {
	const char *type;		/* certificate type name */
	struct buf key;			/* the certified key's fields */
	uint32_t cert_type;
	const char *principals[4];
	uint64_t valid_after, valid_before;
	struct buf crit, ext;		/* option sections' content */
	const uint8_t *sigkey;		/* NULL: the crafting CA's blob */
	size_t sigkey_len;
};

static EVP_PKEY *craft_ca;
static uint8_t craft_ca_blob[51];	/* string name, string pk(32) */

static void
craft_ca_init(void)
{
	struct buf b;
	uint8_t pk[32];
	size_t pklen = sizeof(pk);

	if (craft_ca != NULL)
		return;
	assert_non_null(craft_ca = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
	assert_int_equal(EVP_PKEY_get_raw_public_key(craft_ca, pk, &pklen), 1);
	buf_init(&b, 128);
	assert_int_equal(buf_put_cstring(&b, "ssh-ed25519"), BUF_OK);
	assert_int_equal(buf_put_string(&b, pk, sizeof(pk)), BUF_OK);
	assert_int_equal(buf_avail(&b), sizeof(craft_ca_blob));
	memcpy(craft_ca_blob, buf_ptr(&b), sizeof(craft_ca_blob));
	buf_free(&b);
}

/* A sane user certificate for a fresh ed25519 key (fields to change). */
static void
craft_init(struct craft *cr)
{
	uint8_t pk[32];

	craft_ca_init();
	memset(cr, 0, sizeof(*cr));
	memset(pk, 0x5a, sizeof(pk));
	cr->type = "ssh-ed25519-cert-v01@openssh.com";
	buf_init(&cr->key, 4096);
	buf_init(&cr->crit, 4096);
	buf_init(&cr->ext, 4096);
	assert_int_equal(buf_put_string(&cr->key, pk, sizeof(pk)), BUF_OK);
	cr->cert_type = CERT_TYPE_USER;
	cr->principals[0] = "alice";
	cr->valid_after = NOW - HOUR;
	cr->valid_before = NOW + HOUR;
}

static void
craft_opt(struct buf *sec, const char *name, const void *data, size_t len)
{
	assert_int_equal(buf_put_cstring(sec, name), BUF_OK);
	assert_int_equal(buf_put_string(sec, data, len), BUF_OK);
}

/* An option whose data is one string (source-address, force-command). */
static void
craft_str_opt(struct buf *sec, const char *name, const char *value)
{
	struct buf d;

	buf_init(&d, 4096);
	assert_int_equal(buf_put_cstring(&d, value), BUF_OK);
	craft_opt(sec, name, buf_ptr(&d), buf_avail(&d));
	buf_free(&d);
}

static void
craft_sign(struct buf *out)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t sig[64];
	size_t siglen = sizeof(sig);
	struct buf s;

	assert_non_null(md);
	assert_int_equal(EVP_DigestSignInit(md, NULL, NULL, NULL, craft_ca),
	    1);
	assert_int_equal(EVP_DigestSign(md, sig, &siglen, buf_ptr(out),
	    buf_avail(out)), 1);
	EVP_MD_CTX_free(md);
	buf_init(&s, 256);
	assert_int_equal(buf_put_cstring(&s, "ssh-ed25519"), BUF_OK);
	assert_int_equal(buf_put_string(&s, sig, siglen), BUF_OK);
	assert_int_equal(buf_put_string(out, buf_ptr(&s), buf_avail(&s)),
	    BUF_OK);
	buf_free(&s);
}

/* Serialises and signs cr into out (a fresh buffer); frees cr's bufs. */
static void
craft_build(struct craft *cr, struct buf *out)
{
	struct buf pr;
	size_t i;

	buf_init(out, SSHKEY_MAX_BLOB * 2);
	buf_init(&pr, SSHKEY_MAX_BLOB);
	for (i = 0; i < 4 && cr->principals[i] != NULL; i++)
		assert_int_equal(buf_put_cstring(&pr, cr->principals[i]),
		    BUF_OK);
	assert_int_equal(buf_put_cstring(out, cr->type), BUF_OK);
	assert_int_equal(buf_put_string(out, "0123456789abcdef0123456789abcdef",
	    32), BUF_OK);
	assert_int_equal(buf_put_bytes(out, buf_ptr(&cr->key),
	    buf_avail(&cr->key)), BUF_OK);
	assert_int_equal(buf_put_u64(out, 9), BUF_OK);
	assert_int_equal(buf_put_u32(out, cr->cert_type), BUF_OK);
	assert_int_equal(buf_put_cstring(out, "crafted"), BUF_OK);
	assert_int_equal(buf_put_string(out, buf_ptr(&pr), buf_avail(&pr)),
	    BUF_OK);
	assert_int_equal(buf_put_u64(out, cr->valid_after), BUF_OK);
	assert_int_equal(buf_put_u64(out, cr->valid_before), BUF_OK);
	assert_int_equal(buf_put_string(out, buf_ptr(&cr->crit),
	    buf_avail(&cr->crit)), BUF_OK);
	assert_int_equal(buf_put_string(out, buf_ptr(&cr->ext),
	    buf_avail(&cr->ext)), BUF_OK);
	assert_int_equal(buf_put_string(out, "", 0), BUF_OK);
	if (cr->sigkey != NULL)
		assert_int_equal(buf_put_string(out, cr->sigkey,
		    cr->sigkey_len), BUF_OK);
	else
		assert_int_equal(buf_put_string(out, craft_ca_blob,
		    sizeof(craft_ca_blob)), BUF_OK);
	craft_sign(out);
	buf_free(&pr);
	buf_free(&cr->key);
	buf_free(&cr->crit);
	buf_free(&cr->ext);
}

static void
craft_verify_good(struct craft *cr)
{
	const uint8_t *blobs[1] = { craft_ca_blob };
	size_t lens[1] = { sizeof(craft_ca_blob) };
	struct buf b;
	struct cert c;
	char err[512] = "";

	craft_build(cr, &b);
	parse_ok(buf_ptr(&b), buf_avail(&b), &c);
	if (cert_verify(&c, CERT_TYPE_USER, blobs, lens, 1, NOW, NULL, err,
	    sizeof(err)) != 0)
		fail_msg("crafted certificate refused: %s", err);
	cert_free(&c);
	buf_free(&b);
}

static void
craft_parse_bad(struct craft *cr, const char *want)
{
	struct buf b;

	craft_build(cr, &b);
	parse_bad(buf_ptr(&b), buf_avail(&b), want);
	buf_free(&b);
}

/* The builder itself makes certificates that pass: the control case
 * for every crafted defect below. */
static void
test_crafted_control(void **state)
{
	struct craft cr;

	(void)state;
	craft_init(&cr);
	craft_str_opt(&cr.crit, "source-address", "127.0.0.1/32");
	craft_opt(&cr.crit, "verify-required", "", 0);
	craft_opt(&cr.ext, "no-touch-required", "", 0);
	craft_opt(&cr.ext, "permit-pty", "", 0);
	craft_verify_good(&cr);
}

/* A certificate in the signature key field is refused at parse time,
 * even when that certificate's blob is itself in the trusted list. */
static void
test_cert_as_ca(void **state)
{
	struct craft cr;
	uint8_t *inner;
	size_t len;

	(void)state;
	inner = user_cert("ca_ed25519", "u_ed25519", "inner", NULL, &len);
	craft_init(&cr);
	cr.sigkey = inner;
	cr.sigkey_len = len;
	craft_parse_bad(&cr, "signature key is itself a certificate");
	free(inner);
}

static void
test_crafted_options(void **state)
{
	struct craft cr;

	(void)state;
	craft_init(&cr);
	craft_opt(&cr.crit, "verify-required", "", 0);
	craft_str_opt(&cr.crit, "source-address", "127.0.0.1/32");
	craft_parse_bad(&cr, "critical options not sorted, duplicated or "
	    "empty at \"source-address\"");

	craft_init(&cr);
	craft_opt(&cr.ext, "permit-pty", "", 0);
	craft_opt(&cr.ext, "permit-pty", "", 0);
	craft_parse_bad(&cr, "extensions not sorted, duplicated or empty");

	craft_init(&cr);
	craft_opt(&cr.ext, "", "", 0);
	craft_parse_bad(&cr, "extensions not sorted, duplicated or empty");

	craft_init(&cr);
	craft_str_opt(&cr.crit, "source-address", "10.0.0.300/8");
	craft_parse_bad(&cr, "invalid source-address list");

	craft_init(&cr);
	craft_opt(&cr.crit, "source-address", "\0\0\0\x08" "10.0.0.1" "X",
	    13);
	craft_parse_bad(&cr, "invalid source-address list");

	craft_init(&cr);
	craft_opt(&cr.crit, "verify-required", "x", 1);
	craft_parse_bad(&cr, "verify-required carries data");

	craft_init(&cr);
	craft_opt(&cr.ext, "no-touch-required", "\0\0\0\0", 4);
	craft_parse_bad(&cr, "flag extension carries data");
}

/* An option name with a control character is escaped in the reason. */
static void
test_option_name_escaped(void **state)
{
	const uint8_t *blobs[1];
	size_t lens[1];
	struct craft cr;
	struct buf b;
	struct cert c;
	char err[512];

	(void)state;
	craft_init(&cr);
	craft_opt(&cr.crit, "evil\nline", "", 0);
	craft_build(&cr, &b);
	parse_ok(buf_ptr(&b), buf_avail(&b), &c);
	blobs[0] = craft_ca_blob;
	lens[0] = sizeof(craft_ca_blob);
	assert_int_equal(cert_verify(&c, CERT_TYPE_USER, blobs, lens, 1, NOW,
	    NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown critical option evil\\x0aline");
	cert_free(&c);
	buf_free(&b);
}

static void
test_crafted_fields(void **state)
{
	struct craft cr;
	char longid[CERT_MAX_STR + 2];

	(void)state;
	craft_init(&cr);
	cr.cert_type = 3;
	craft_parse_bad(&cr, "type is neither user nor host");

	craft_init(&cr);
	cr.principals[1] = "";
	craft_parse_bad(&cr, "empty principal");

	craft_init(&cr);
	cr.valid_after = cr.valid_before;
	craft_parse_bad(&cr, "empty validity interval");

	craft_init(&cr);
	memset(longid, 'p', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	cr.principals[0] = longid;
	craft_parse_bad(&cr, "principal: ");

	craft_init(&cr);
	cr.type = "ssh-dss-cert-v01@openssh.com";
	craft_parse_bad(&cr, "not a certificate type we accept");

	craft_init(&cr);
	cr.type = "ecdsa-sha2-nistp256-cert-v01@openssh.com";
	craft_parse_bad(&cr, "certified key: ecdsa curve");

	/* A host key signed into a host certificate with a critical option:
	 * no option is defined for host certificates. */
	craft_init(&cr);
	cr.cert_type = CERT_TYPE_HOST;
	cr.principals[0] = "ws1";
	craft_opt(&cr.crit, "verify-required", "", 0);
	{
		const uint8_t *blobs[1] = { craft_ca_blob };
		size_t lens[1] = { sizeof(craft_ca_blob) };
		struct buf b;
		struct cert c;
		char err[512];

		craft_build(&cr, &b);
		parse_ok(buf_ptr(&b), buf_avail(&b), &c);
		assert_int_equal(cert_verify(&c, CERT_TYPE_HOST, blobs, lens,
		    1, NOW, NULL, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "verify-required in a host "
		    "certificate"));
		cert_free(&c);
		buf_free(&b);
	}
}

static void
test_too_many(void **state)
{
	struct craft cr;
	char name[32];
	int i;

	(void)state;
	craft_init(&cr);
	for (i = 0; i <= CERT_MAX_OPTIONS; i++) {
		snprintf(name, sizeof(name), "x%03d@example.com", i);
		craft_opt(&cr.ext, name, "", 0);
	}
	craft_parse_bad(&cr, "too many options");
}

/* sk certificates: ssh-keygen cannot make sk keys without hardware, so
 * the certified keys are built here (an Ed25519 key and a P-256 point
 * from libcrypto). */
static void
test_sk_certs(void **state)
{
	EVP_PKEY *ec;
	uint8_t point[65], pk[32];
	size_t plen = 0;
	struct craft cr;
	struct buf b;
	struct cert c;

	(void)state;
	memset(pk, 0x11, sizeof(pk));
	craft_init(&cr);
	cr.type = "sk-ssh-ed25519-cert-v01@openssh.com";
	assert_int_equal(buf_put_cstring(&cr.key, "ssh:"), BUF_OK);
	craft_build(&cr, &b);
	parse_ok(buf_ptr(&b), buf_avail(&b), &c);
	assert_int_equal(c.key.type, SSHKEY_SK_ED25519);
	assert_int_equal(c.key.sk_app_len, 4);
	assert_memory_equal(c.key.sk_app, "ssh:", 4);
	assert_memory_equal(c.key_blob + 4, "sk-ssh-ed25519@openssh.com", 26);
	cert_free(&c);
	buf_free(&b);

	assert_non_null(ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
	assert_int_equal(EVP_PKEY_get_octet_string_param(ec,
	    OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &plen), 1);
	assert_int_equal(plen, 65);
	craft_init(&cr);
	buf_reset(&cr.key);
	cr.type = "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com";
	assert_int_equal(buf_put_cstring(&cr.key, "nistp256"), BUF_OK);
	assert_int_equal(buf_put_string(&cr.key, point, plen), BUF_OK);
	assert_int_equal(buf_put_cstring(&cr.key, "ssh:assist"), BUF_OK);
	craft_build(&cr, &b);
	parse_ok(buf_ptr(&b), buf_avail(&b), &c);
	assert_int_equal(c.key.type, SSHKEY_SK_ECDSA_P256);
	assert_int_equal(c.key.pk_len, 65);
	assert_int_equal(c.key.sk_app_len, 10);
	cert_free(&c);
	buf_free(&b);

	/* The same point with one byte changed lies off the curve. */
	point[40] ^= 1;
	craft_init(&cr);
	buf_reset(&cr.key);
	cr.type = "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com";
	assert_int_equal(buf_put_cstring(&cr.key, "nistp256"), BUF_OK);
	assert_int_equal(buf_put_string(&cr.key, point, plen), BUF_OK);
	assert_int_equal(buf_put_cstring(&cr.key, "ssh:"), BUF_OK);
	craft_parse_bad(&cr, "invalid key");
	EVP_PKEY_free(ec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_untrusted_ca_fingerprint),
		cmocka_unit_test(test_ca_index),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_forever),
		cmocka_unit_test(test_no_principals),
		cmocka_unit_test(test_critical_options),
		cmocka_unit_test(test_rsa_sig_algs),
		cmocka_unit_test(test_flip_every_byte),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test(test_plain_key_refused),
		cmocka_unit_test(test_crafted_control),
		cmocka_unit_test(test_cert_as_ca),
		cmocka_unit_test(test_crafted_options),
		cmocka_unit_test(test_option_name_escaped),
		cmocka_unit_test(test_crafted_fields),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_sk_certs),
	};
	int r = cmocka_run_group_tests(tests, setup, teardown);

	EVP_PKEY_free(craft_ca);
	return r;
}
