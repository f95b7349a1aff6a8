/* Unit tests: common/policy.c, the one access decision. Every case of
 * issue 3's test list, on certificates, CAs and KRLs made by the real
 * ssh-keygen at test time in a private directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/b64.h"
#include "common/buf.h"
#include "common/cert.h"
#include "common/policy.h"

#define ACCOUNT	"alice"
#define PEER	"10.1.2.3"

static char T[] = "/tmp/test_policy.XXXXXX";
static uint64_t now;

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command (made with fmt) that must succeed. */
static void
run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 20, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd) - 20);
	strcat(cmd, " >/dev/null 2>&1");
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static const char *
path(const char *name)
{
	static char p[8][300];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", T, name);
	return p[i];
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	FILE *f;

	unlink(path(name));
	assert_non_null(f = fopen(path(name), "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path(name), mode), 0);
}

/* The first line of a file (static, without newline). */
static const char *
first_line(const char *name)
{
	static char line[16384];
	FILE *f;

	assert_non_null(f = fopen(path(name), "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* The key or certificate blob of a .pub file (caller frees). */
static uint8_t *
blob_of(const char *name, size_t *len)
{
	char line[16384], *b64, *sp;
	uint8_t *blob;

	snprintf(line, sizeof(line), "%s", first_line(name));
	assert_non_null(b64 = strchr(line, ' '));
	b64++;
	if ((sp = strchr(b64, ' ')) != NULL)
		*sp = '\0';
	blob = b64_decode(b64, strlen(b64), 16384, len);
	assert_non_null(blob);
	return blob;
}

/* Signs a copy of the helper key u.pub as NAME-cert.pub with ca and the
 * ssh-keygen arguments args (-I, -n, -V, -O ...). */
static void
sign(const char *ca, const char *name, const char *args)
{
	run("cp %s/u.pub %s/%s.pub && ssh-keygen -q -s %s/%s %s %s/%s.pub", T,
	    T, name, T, ca, args, T, name);
}

/* Decides for user with the blob of file name from peer at now. */
static int
decide_blob(const struct policy *p, const char *user, const uint8_t *blob,
	    size_t len, const char *peer, struct policy_identity *id,
	    char *why)
{
	struct policy_request rq;

	rq.user = user;
	rq.key_blob = blob;
	rq.key_len = len;
	rq.peer_addr = peer;
	rq.now = now;
	why[0] = '\0';
	return policy_check(p, &rq, id, why, 512);
}

static int
decide(const struct policy *p, const char *name, const char *peer,
       struct policy_identity *id, char *why)
{
	size_t len;
	uint8_t *blob = blob_of(name, &len);
	int r = decide_blob(p, ACCOUNT, blob, len, peer, id, why);

	free(blob);
	return r;
}

/* Expects a refusal whose reason contains want. */
static void
expect_deny(const struct policy *p, const char *name, const char *peer,
	    const char *want)
{
	struct policy_identity id;
	char why[512];

	if (decide(p, name, peer, &id, why) != 0)
		fail_msg("%s allowed; wanted \"%s\"", name, want);
	if (strstr(why, want) == NULL)
		fail_msg("%s: reason \"%s\" lacks \"%s\"", name, why, want);
}

static void
expect_allow(const struct policy *p, const char *name, const char *peer)
{
	struct policy_identity id;
	char why[512];

	if (decide(p, name, peer, &id, why) != 1)
		fail_msg("%s refused: %s", name, why);
}

/* A user layer with only the files named (NULL: unset). */
static struct policy *
load(const char *cas, const char *principals, const char *keys,
     const char *revoked)
{
	struct policy_files pf = { 0 };
	struct policy *p;
	char err[512];

	if (cas != NULL)
		pf.trusted_ca[pf.ntrusted_ca++] = path(cas);
	if (principals != NULL)
		pf.principals = path(principals);
	if (keys != NULL)
		pf.authorized_keys = path(keys);
	if (revoked != NULL)
		pf.revoked[pf.nrevoked++] = path(revoked);
	if ((p = policy_load(NULL, &pf, ACCOUNT, err, sizeof(err))) == NULL)
		fail_msg("policy_load: %s", err);
	return p;
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(T) == NULL)
		return -1;
	now = (uint64_t)time(NULL);
	run("cd %s && ssh-keygen -q -t ed25519 -N '' -C 'Ed CA' -f ca_ed && "
	    "ssh-keygen -q -t ecdsa -b 384 -N '' -C 'EC CA' -f ca_ec && "
	    "ssh-keygen -q -t rsa -b 3072 -N '' -C 'RSA CA' -f ca_rsa && "
	    "ssh-keygen -q -t ed25519 -N '' -C 'Other CA' -f ca_other && "
	    "ssh-keygen -q -t ed25519 -N '' -C helper -f u && "
	    "ssh-keygen -q -t ecdsa -N '' -C other -f u2 && "
	    "cat ca_ed.pub ca_ec.pub ca_rsa.pub > cas && chmod 600 cas", T);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", T);
	return system(cmd) == 0 ? 0 : -1;
}

/* A valid certificate from each kind of CA; the identity handed on. */
static void
test_valid_each_ca(void **state)
{
	static const char *const cas[][2] = {
		{ "ca_ed", "Ed CA" }, { "ca_ec", "EC CA" },
		{ "ca_rsa", "RSA CA" },
	};
	struct policy *p = load("cas", NULL, NULL, NULL);
	struct policy_identity id;
	char why[512], name[32];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "v%zu", i);
		sign(cas[i][0], name, "-I helper-1 -n alice,bob -z 42 "
		    "-V -1h:+1h");
		snprintf(name, sizeof(name), "v%zu-cert.pub", i);
		if (decide(p, name, PEER, &id, why) != 1)
			fail_msg("%s: %s", cas[i][0], why);
		assert_string_equal(why, "");
		assert_true(id.is_cert);
		assert_string_equal(id.key_type,
		    "ssh-ed25519-cert-v01@openssh.com");
		assert_string_equal(id.key_id, "helper-1");
		assert_string_equal(id.principals, "alice,bob");
		assert_int_equal(id.serial, 42);
		assert_string_equal(id.ca_name, cas[i][1]);
		assert_memory_equal(id.ca_fp, "SHA256:", 7);
		assert_memory_equal(id.key_fp, "SHA256:", 7);
		assert_true(id.valid_after <= now && now < id.valid_before);
		assert_false(id.verify_required);
	}
	policy_free(p);
}

static void
test_validity(void **state)
{
	struct policy *p = load("cas", NULL, NULL, NULL);

	(void)state;
	sign("ca_ed", "expired", "-I x -n alice -V 20200101:20200201");
	expect_deny(p, "expired-cert.pub", PEER,
	    "certificate expired at 2020-02-01");
	sign("ca_ed", "future", "-I x -n alice -V +1d:+2d");
	expect_deny(p, "future-cert.pub", PEER, "certificate not yet valid");
	policy_free(p);
}

static void
test_wrong_ca_and_host_cert(void **state)
{
	struct policy *p = load("cas", NULL, NULL, NULL);

	(void)state;
	sign("ca_other", "other", "-I x -n alice");
	expect_deny(p, "other-cert.pub", PEER,
	    "certificate signed by an untrusted CA SHA256:");
	sign("ca_ed", "host", "-h -I x -n alice");
	expect_deny(p, "host-cert.pub", PEER,
	    "host certificate presented as a user certificate");
	policy_free(p);
}

/* A certificate as a CA: refused in TrustedUserCAKeys, and a certificate
 * whose signature key is itself a certificate is refused. */
static void
test_certificate_as_ca(void **state)
{
	struct policy_files pf = { 0 };
	struct policy *p;
	struct policy_identity id;
	struct cert c;
	struct buf b;
	char err[512], line[16384];
	uint8_t *blob;
	size_t len, off;

	(void)state;
	sign("ca_ed", "chain", "-I x -n alice");
	snprintf(line, sizeof(line), "%s\n", first_line("chain-cert.pub"));
	write_file("certca", line, 0600);
	pf.trusted_ca[pf.ntrusted_ca++] = path("certca");
	assert_null(policy_load(NULL, &pf, ACCOUNT, err, sizeof(err)));
	assert_non_null(strstr(err, "certca:1: a certificate is not a key"));

	/* Replace the signature key by the certificate itself. */
	p = load("cas", NULL, NULL, NULL);
	blob = blob_of("chain-cert.pub", &len);
	assert_int_equal(cert_parse(blob, len, &c, err, sizeof(err)), 0);
	off = c.signed_len - 4 - c.ca_blob_len;
	buf_init(&b, 65536);
	buf_put_bytes(&b, blob, off);
	buf_put_string(&b, blob, len);
	buf_put_string(&b, c.sig, c.sig_len);
	assert_int_equal(decide_blob(p, ACCOUNT, buf_ptr(&b), buf_avail(&b),
	    PEER, &id, err), 0);
	assert_non_null(strstr(err, "chained certificates are refused"));
	buf_free(&b);
	cert_free(&c);
	free(blob);
	policy_free(p);
}

static void
test_principals(void **state)
{
	struct policy *p;

	(void)state;
	sign("ca_ed", "pr", "-I x -n alice,bob");
	sign("ca_ed", "pc", "-I x -n carol");
	/* No AuthorizedPrincipalsFile: the account must be a principal. */
	p = load("cas", NULL, NULL, NULL);
	expect_allow(p, "pr-cert.pub", PEER);
	expect_deny(p, "pc-cert.pub", PEER, "account alice is not among the "
	    "certificate principals (carol)");
	policy_free(p);
	/* With one: some certificate principal must be listed. */
	write_file("princ", "# helpers\nbob\nfrom=\"192.0.2.0/24\" carol\n"
	    "expiry-time=\"20200101Z\" dave\n", 0600);
	p = load("cas", "princ", NULL, NULL);
	expect_allow(p, "pr-cert.pub", PEER);
	sign("ca_ed", "pe", "-I x -n erin,alice");
	expect_deny(p, "pe-cert.pub", PEER,
	    "principals erin,alice not whitelisted in ");
	/* whitelisted, but from= does not match */
	expect_deny(p, "pc-cert.pub", PEER,
	    "source 10.1.2.3 not in from=\"192.0.2.0/24\" (");
	expect_allow(p, "pc-cert.pub", "192.0.2.7");
	sign("ca_ed", "pd", "-I x -n dave");
	expect_deny(p, "pd-cert.pub", PEER, "expiry-time=\"20200101Z\" "
	    "passed");
	policy_free(p);
}

static void
test_source_address(void **state)
{
	struct policy *p = load("cas", NULL, NULL, NULL);

	(void)state;
	sign("ca_ec", "sa", "-I x -n alice -O source-address=10.0.0.0/8,"
	    "192.0.2.1");
	expect_allow(p, "sa-cert.pub", PEER);
	expect_allow(p, "sa-cert.pub", "192.0.2.1");
	expect_allow(p, "sa-cert.pub", "::ffff:10.9.9.9");
	expect_deny(p, "sa-cert.pub", "192.0.2.2", "source 192.0.2.2 not in "
	    "certificate source-address \"10.0.0.0/8,192.0.2.1\"");
	expect_deny(p, "sa-cert.pub", "::1", "source ::1 not in");
	policy_free(p);
}

static void
test_critical_options(void **state)
{
	struct policy *p = load("cas", NULL, NULL, NULL);
	struct policy_identity id;
	char why[512];

	(void)state;
	sign("ca_ed", "crit", "-I x -n alice -O critical:force-command=sh");
	expect_deny(p, "crit-cert.pub", PEER,
	    "unknown critical option force-command");
	sign("ca_ed", "crit2", "-I x -n alice -O critical:foo=bar");
	expect_deny(p, "crit2-cert.pub", PEER, "unknown critical option foo");
	/* verify-required is known and handed on, but cannot be enforced
	 * before the FIDO2 proof exists: refused, never silently accepted */
	sign("ca_ed", "vr", "-I x -n alice -O verify-required");
	assert_int_equal(decide(p, "vr-cert.pub", PEER, &id, why), 0);
	assert_true(id.verify_required);
	assert_non_null(strstr(why, "verify-required cannot be enforced yet"));
	policy_free(p);
}

/* One flipped bit in every byte of the signed part: always refused. */
static void
test_flipped_bytes(void **state)
{
	struct policy *p = load("cas", NULL, NULL, NULL);
	struct policy_identity id;
	struct cert c;
	char why[512];
	uint8_t *blob;
	size_t len, i;

	(void)state;
	sign("ca_ed", "flip", "-I helper -n alice -z 7 -V -1h:+1h");
	blob = blob_of("flip-cert.pub", &len);
	assert_int_equal(cert_parse(blob, len, &c, why, sizeof(why)), 0);
	assert_int_equal(decide_blob(p, ACCOUNT, blob, len, PEER, &id, why),
	    1);
	for (i = 0; i < c.signed_len; i++) {
		blob[i] ^= 0x01;
		if (decide_blob(p, ACCOUNT, blob, len, PEER, &id, why) != 0)
			fail_msg("flipped byte %zu of %zu accepted", i,
			    c.signed_len);
		blob[i] ^= 0x01;
	}
	cert_free(&c);
	free(blob);
	policy_free(p);
}

static void
test_revoked(void **state)
{
	struct policy *p;
	char spec[16384];

	(void)state;
	sign("ca_ed", "r42", "-I ok-id -n alice -z 42");
	sign("ca_ed", "r45", "-I ok-id -n alice -z 45");
	sign("ca_ed", "rid", "-I stolen -n alice -z 7");
	sign("ca_ed", "rok", "-I ok-id -n alice -z 8");
	/* serial, range, key ID */
	write_file("spec", "serial: 42\nserial: 44-50\nid: stolen\n", 0600);
	run("ssh-keygen -k -f %s/krl -s %s/ca_ed.pub %s/spec", T, T, T);
	chmod(path("krl"), 0600);
	p = load("cas", NULL, NULL, "krl");
	expect_deny(p, "r42-cert.pub", PEER, "serial 42 revoked by KRL ");
	expect_deny(p, "r45-cert.pub", PEER, "serial 45 revoked by KRL ");
	expect_deny(p, "rid-cert.pub", PEER, "key ID \"stolen\" revoked by");
	expect_allow(p, "rok-cert.pub", PEER);
	policy_free(p);
	/* the key itself, in a KRL */
	snprintf(spec, sizeof(spec), "key: %s\n", first_line("u.pub"));
	write_file("spec2", spec, 0600);
	run("ssh-keygen -k -f %s/krl2 %s/spec2", T, T);
	chmod(path("krl2"), 0600);
	p = load("cas", NULL, NULL, "krl2");
	expect_deny(p, "rok-cert.pub", PEER, "revoked by KRL ");
	policy_free(p);
	/* a plain list naming the key, and one naming the CA */
	snprintf(spec, sizeof(spec), "# gone\n%s\n", first_line("u.pub"));
	write_file("plain", spec, 0600);
	p = load("cas", NULL, NULL, "plain");
	expect_deny(p, "rok-cert.pub", PEER, "revoked by ");
	policy_free(p);
	snprintf(spec, sizeof(spec), "%s\n", first_line("ca_ed.pub"));
	write_file("plainca", spec, 0600);
	p = load("cas", NULL, NULL, "plainca");
	expect_deny(p, "rok-cert.pub", PEER, "revoked by ");
	sign("ca_ec", "rec", "-I ok-id -n alice -z 8");
	expect_allow(p, "rec-cert.pub", PEER);
	policy_free(p);
}

static void
test_user_name(void **state)
{
	struct policy *p = load("cas", NULL, NULL, NULL);
	struct policy_identity id;
	char why[512];
	uint8_t *blob;
	size_t len;

	(void)state;
	sign("ca_ed", "un", "-I x -n alice,bob");
	blob = blob_of("un-cert.pub", &len);
	assert_int_equal(decide_blob(p, "bob", blob, len, PEER, &id, why), 0);
	assert_string_equal(why, "user bob is not the account running "
	    "assistd (alice)");
	assert_int_equal(decide_blob(p, "alice\n", blob, len, PEER, &id, why),
	    0);
	assert_string_equal(why, "user alice\\x0a is not the account running "
	    "assistd (alice)");
	assert_int_equal(decide_blob(p, NULL, blob, len, PEER, &id, why), 0);
	assert_int_equal(decide_blob(p, ACCOUNT, NULL, 0, PEER, &id, why), 0);
	assert_string_equal(why, "unreadable key");
	free(blob);
	policy_free(p);
}

static void
test_unsafe_permissions(void **state)
{
	struct policy_files pf = { 0 };
	char err[512];

	(void)state;
	run("cp %s/cas %s/cas_ww && chmod 666 %s/cas_ww && "
	    "cp %s/cas %s/cas_gw && chmod 620 %s/cas_gw", T, T, T, T, T, T);
	pf.trusted_ca[pf.ntrusted_ca++] = path("cas_ww");
	assert_null(policy_load(NULL, &pf, ACCOUNT, err, sizeof(err)));
	assert_non_null(strstr(err, path("cas_ww")));
	pf.trusted_ca[0] = path("cas_gw");
	assert_null(policy_load(NULL, &pf, ACCOUNT, err, sizeof(err)));
	assert_non_null(strstr(err, path("cas_gw")));
	/* the same for a principals file, and a missing file */
	pf.trusted_ca[0] = path("cas");
	run("printf 'alice\\n' > %s/pr_ww && chmod 646 %s/pr_ww", T, T);
	pf.principals = path("pr_ww");
	assert_null(policy_load(NULL, &pf, ACCOUNT, err, sizeof(err)));
	assert_non_null(strstr(err, path("pr_ww")));
	pf.principals = path("missing");
	assert_null(policy_load(NULL, &pf, ACCOUNT, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	/* a policy that could admit nobody */
	memset(&pf, 0, sizeof(pf));
	assert_null(policy_load(NULL, &pf, ACCOUNT, err, sizeof(err)));
	assert_non_null(strstr(err, "no helper could ever be accepted"));
	/* a parse error names file:line */
	write_file("badak", "\ncommand=\"sh\" ssh-ed25519 AAAA\n", 0600);
	pf.authorized_keys = path("badak");
	assert_null(policy_load(NULL, &pf, ACCOUNT, err, sizeof(err)));
	assert_non_null(strstr(err, "badak:2: option command= cannot be "
	    "honoured"));
}

/* Plain keys in AuthorizedKeysFile, with from= and expiry-time=. */
static void
test_plain_keys(void **state)
{
	struct policy *p;
	struct policy_identity id;
	char text[16384], why[512];

	(void)state;
	snprintf(text, sizeof(text), "from=\"10.0.0.0/8\",no-touch-required "
	    "%s\n", first_line("u.pub"));
	write_file("ak", text, 0600);
	p = load(NULL, NULL, "ak", NULL);
	assert_int_equal(decide(p, "u.pub", PEER, &id, why), 1);
	assert_false(id.is_cert);
	assert_string_equal(id.key_type, "ssh-ed25519");
	assert_true(id.no_touch_required);
	expect_deny(p, "u.pub", "192.0.2.1",
	    "source 192.0.2.1 not in from=\"10.0.0.0/8\" (");
	expect_deny(p, "u2.pub", PEER, " not in ");
	/* a certificate is not its plain key */
	sign("ca_ed", "pk", "-I x -n alice");
	expect_deny(p, "pk-cert.pub", PEER, "certificate offered, but no CA "
	    "is trusted");
	policy_free(p);
	/* the second line of the same key is the one that applies; its
	 * verify-required cannot be enforced yet, so the key is refused */
	snprintf(text, sizeof(text), "expiry-time=\"20200101\" %s\n"
	    "verify-required %s\n", first_line("u.pub"), first_line("u.pub"));
	write_file("ak2", text, 0600);
	p = load(NULL, NULL, "ak2", NULL);
	assert_int_equal(decide(p, "u.pub", PEER, &id, why), 0);
	assert_true(id.verify_required);
	assert_false(id.no_touch_required);
	assert_non_null(strstr(why, "verify-required cannot be enforced yet"));
	policy_free(p);
	snprintf(text, sizeof(text), "expiry-time=\"20200101Z\" %s\n",
	    first_line("u.pub"));
	write_file("ak3", text, 0600);
	p = load(NULL, NULL, "ak3", NULL);
	expect_deny(p, "u.pub", PEER, "expiry-time=\"20200101Z\" passed");
	policy_free(p);
	/* revoked by a plain list */
	write_file("ak4", first_line("u.pub"), 0600);
	snprintf(text, sizeof(text), "%s\n", first_line("u.pub"));
	write_file("rv4", text, 0600);
	p = load(NULL, NULL, "ak4", "rv4");
	expect_deny(p, "u.pub", PEER, "revoked by ");
	policy_free(p);
}

/* cert-authority lines with principals=, from= in AuthorizedKeysFile. */
static void
test_cert_authority_lines(void **state)
{
	struct policy *p;
	struct policy_identity id;
	char text[16384], why[512];

	(void)state;
	snprintf(text, sizeof(text), "cert-authority,principals=\"helpdesk,"
	    "ops\",from=\"10.0.0.0/8\" %s\n", first_line("ca_other.pub"));
	write_file("akca", text, 0600);
	p = load(NULL, NULL, "akca", NULL);
	sign("ca_other", "ho", "-I x -n helpdesk");
	assert_int_equal(decide(p, "ho-cert.pub", PEER, &id, why), 1);
	assert_string_equal(id.ca_name, "Other CA");
	expect_deny(p, "ho-cert.pub", "192.0.2.1", "source 192.0.2.1 not in "
	    "from=\"10.0.0.0/8\"");
	sign("ca_other", "ha", "-I x -n alice");
	expect_deny(p, "ha-cert.pub", PEER, "principal alice not in "
	    "principals=\"helpdesk,ops\" (");
	/* the CA key is no login key */
	write_file("caonly", first_line("ca_other.pub"), 0600);
	expect_deny(p, "ca_other.pub", PEER, " not in ");
	sign("ca_ed", "he", "-I x -n helpdesk");
	expect_deny(p, "he-cert.pub", PEER, "untrusted CA");
	policy_free(p);
	/* without principals=: the account name rule */
	snprintf(text, sizeof(text), "cert-authority %s\n",
	    first_line("ca_other.pub"));
	write_file("akca2", text, 0600);
	p = load(NULL, NULL, "akca2", NULL);
	expect_deny(p, "ho-cert.pub", PEER, "account alice is not among");
	expect_allow(p, "ha-cert.pub", PEER);
	policy_free(p);
}

/* Hostile strings of a certificate are escaped in the identity. */
static void
test_identity_escaped(void **state)
{
	struct policy *p = load("cas", NULL, NULL, NULL);
	struct policy_identity id;
	char why[512];

	(void)state;
	sign("ca_ed", "esc", "-I \"$(printf 'evil\\033[2J\\r')\" "
	    "-n \"alice,$(printf 'b\\nob')\"");
	assert_int_equal(decide(p, "esc-cert.pub", PEER, &id, why), 1);
	assert_string_equal(id.key_id, "evil\\x1b[2J\\x0d");
	assert_string_equal(id.principals, "alice,b\\x0aob");
	policy_free(p);
}

/* Two layers: the administrator's admits, the user's narrows. */
static void
test_two_layers(void **state)
{
	struct policy_files sys = { 0 }, usr = { 0 };
	struct policy *p;
	char err[512], cas[300], krl[300], usrca[300];

	(void)state;
	sign("ca_ed", "l1", "-I x -n alice -z 1");
	sign("ca_ed", "l2", "-I x -n alice -z 2");
	write_file("uspec", "serial: 2\n", 0600);
	run("ssh-keygen -k -f %s/userkrl -s %s/ca_ed.pub %s/uspec", T, T, T);
	chmod(path("userkrl"), 0600);
	/* path() reuses its buffers: copies for the layers */
	snprintf(cas, sizeof(cas), "%s", path("cas"));
	snprintf(krl, sizeof(krl), "%s", path("userkrl"));
	snprintf(usrca, sizeof(usrca), "%s", path("usrca"));
	sys.trusted_ca[sys.ntrusted_ca++] = cas;
	usr.revoked[usr.nrevoked++] = krl;
	p = policy_load(&sys, &usr, ACCOUNT, err, sizeof(err));
	if (p == NULL)
		fail_msg("policy_load: %s", err);
	expect_allow(p, "l1-cert.pub", PEER);
	expect_deny(p, "l2-cert.pub", PEER, "serial 2 revoked by KRL ");
	policy_free(p);
	/* a user's CA does not widen the administrator's */
	usr.nrevoked = 0;
	write_file("usrca", first_line("ca_other.pub"), 0600);
	usr.trusted_ca[usr.ntrusted_ca++] = usrca;
	p = policy_load(&sys, &usr, ACCOUNT, err, sizeof(err));
	assert_non_null(p);
	sign("ca_other", "l3", "-I x -n alice");
	expect_deny(p, "l3-cert.pub", PEER, "administrator policy: "
	    "certificate signed by an untrusted CA");
	expect_deny(p, "l1-cert.pub", PEER, "certificate signed by an "
	    "untrusted CA");
	policy_free(p);
}

/* An sk-ssh-ed25519 public key blob (no hardware needed to list one). */
static uint8_t *
sk_blob(size_t *len)
{
	static const uint8_t pk[32] = { 0x3b, 0x6a, 0x27, 0xbc, 0xce, 0xb6,
	    0xa4, 0x2d, 0x62, 0xa3, 0xa8, 0xd0, 0x2a, 0x6f, 0x0d, 0x73, 0x65,
	    0x32, 0x15, 0x77, 0x1d, 0xe2, 0x43, 0xa6, 0x3a, 0xc0, 0x48, 0xa1,
	    0x8b, 0x59, 0xda, 0x29 };
	struct buf b;
	uint8_t *out;

	buf_init(&b, 256);
	assert_int_equal(buf_put_cstring(&b, "sk-ssh-ed25519@openssh.com"), 0);
	assert_int_equal(buf_put_string(&b, pk, sizeof(pk)), 0);
	assert_int_equal(buf_put_cstring(&b, "ssh:"), 0);
	*len = buf_avail(&b);
	out = malloc(*len);
	assert_non_null(out);
	memcpy(out, buf_ptr(&b), *len);
	buf_free(&b);
	return out;
}

/* libssh hides sk flags: an sk key is only accepted where touch is not
 * required, and verify-required is refused (fail closed). */
static void
test_sk_keys_fail_closed(void **state)
{
	struct policy_identity id;
	struct policy *p;
	char why[512], text[1024], *b64;
	size_t len;
	uint8_t *blob = sk_blob(&len);

	(void)state;
	b64 = b64_encode(blob, len);
	assert_non_null(b64);
	snprintf(text, sizeof(text), "sk-ssh-ed25519@openssh.com %s sk\n", b64);
	write_file("ak_sk", text, 0600);
	p = load(NULL, NULL, "ak_sk", NULL);
	assert_int_equal(decide_blob(p, ACCOUNT, blob, len, PEER, &id, why), 0);
	assert_non_null(strstr(why, "security-key touch cannot be verified"));
	policy_free(p);
	snprintf(text, sizeof(text), "no-touch-required "
	    "sk-ssh-ed25519@openssh.com %s sk\n", b64);
	write_file("ak_sk2", text, 0600);
	p = load(NULL, NULL, "ak_sk2", NULL);
	assert_int_equal(decide_blob(p, ACCOUNT, blob, len, PEER, &id, why), 1);
	assert_true(id.no_touch_required);
	policy_free(p);
	snprintf(text, sizeof(text), "no-touch-required,verify-required "
	    "sk-ssh-ed25519@openssh.com %s sk\n", b64);
	write_file("ak_sk3", text, 0600);
	p = load(NULL, NULL, "ak_sk3", NULL);
	assert_int_equal(decide_blob(p, ACCOUNT, blob, len, PEER, &id, why), 0);
	assert_non_null(strstr(why, "verify-required cannot be enforced"));
	policy_free(p);
	free(b64);
	free(blob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_each_ca),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_wrong_ca_and_host_cert),
		cmocka_unit_test(test_certificate_as_ca),
		cmocka_unit_test(test_principals),
		cmocka_unit_test(test_source_address),
		cmocka_unit_test(test_critical_options),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_user_name),
		cmocka_unit_test(test_unsafe_permissions),
		cmocka_unit_test(test_plain_keys),
		cmocka_unit_test(test_sk_keys_fail_closed),
		cmocka_unit_test(test_cert_authority_lines),
		cmocka_unit_test(test_identity_escaped),
		cmocka_unit_test(test_two_layers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
