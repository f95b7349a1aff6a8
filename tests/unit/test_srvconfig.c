/* Unit tests: common/srvconfig.c (assistd.conf) and common/safefile.c. */
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

#include "common/log.h"
#include "common/safefile.h"
#include "common/srvconfig.h"

static char err[1024];

/* Parses text into layer l as a file named "cfg". */
static int
parse(struct srvconfig_layer *l, const char *text)
{
	err[0] = '\0';
	return srvconfig_parse_buffer(l, "cfg", text, strlen(text), err,
	    sizeof(err));
}

/* Expects text to fail with an error containing want. */
static void
parse_bad(const char *text, const char *want)
{
	struct srvconfig c;

	srvconfig_init(&c);
	if (parse(&c.usr, text) != -1 || strstr(err, want) == NULL) {
		fprintf(stderr, "text: %s\nerr: %s\nwant: %s\n", text, err,
		    want);
		fail();
	}
	srvconfig_free(&c);
}

static void
option_bad(const char *opt, const char *want)
{
	struct srvconfig c;

	srvconfig_init(&c);
	err[0] = '\0';
	if (srvconfig_apply_option(&c.usr, opt, err, sizeof(err)) != -1 ||
	    strstr(err, want) == NULL) {
		fprintf(stderr, "option: %s\nerr: %s\nwant: %s\n", opt, err,
		    want);
		fail();
	}
	srvconfig_free(&c);
}

static void
test_good_lines(void **state)
{
	struct srvconfig c;

	(void)state;
	srvconfig_init(&c);
	assert_int_equal(parse(&c.usr,
	    "# a comment\n"
	    "\n"
	    "   \t\n"
	    "ListenAddress 127.0.0.1:5922\n"
	    "listenaddress=[::1]:5922   # trailing comment\n"
	    "LOGINGRACETIME = 1m\n"
	    "MaxAuthTries\t3\n"
	    "MaxStartups= 4\r\n"
	    "Wait 1h30m\n"
	    "TrustedUserCAKeys \"/etc/my ca.pub\" '/etc/b.pub'\n"
	    "TrustedUserCAKeys /etc/c.pub\n"
	    "AuthorizedPrincipalsFile /p\n"
	    "AuthorizedKeysFile /k\n"
	    "RevokedKeys /r1 /r2\n"
	    "HostCertificate /h-cert.pub\n"
	    "StrictModes yes\n"
	    "PasswordAuthentication NO\n"
	    "PermitRootLogin no"), 0);
	assert_int_equal(c.usr.listen.n, 2);
	assert_string_equal(c.usr.listen.v[1], "[::1]:5922");
	assert_int_equal(c.usr.login_grace.v, 60);
	assert_string_equal(c.usr.login_grace.origin, "cfg:6");
	assert_int_equal(c.usr.max_auth_tries.v, 3);
	assert_int_equal(c.usr.max_startups.v, 4);
	assert_int_equal(c.usr.wait.v, 5400);
	assert_int_equal(c.usr.trusted_ca.n, 3);
	assert_string_equal(c.usr.trusted_ca.v[0], "/etc/my ca.pub");
	assert_string_equal(c.usr.trusted_ca.v[1], "/etc/b.pub");
	assert_string_equal(c.usr.trusted_ca.v[2], "/etc/c.pub");
	assert_string_equal(c.usr.principals.v[0], "/p");
	assert_string_equal(c.usr.authorized_keys.v[0], "/k");
	assert_int_equal(c.usr.revoked.n, 2);
	assert_string_equal(c.usr.host_cert.v[0], "/h-cert.pub");
	srvconfig_free(&c);
}

static void
test_first_value_wins(void **state)
{
	struct srvconfig c;

	(void)state;
	srvconfig_init(&c);
	assert_int_equal(parse(&c.usr,
	    "MaxAuthTries 3\nMaxAuthTries 5\n"
	    "AuthorizedKeysFile /first\nAuthorizedKeysFile /second\n"
	    "AuthorizedPrincipalsFile none\nAuthorizedPrincipalsFile /p\n"),
	    0);
	assert_int_equal(c.usr.max_auth_tries.v, 3);
	assert_int_equal(c.usr.authorized_keys.n, 1);
	assert_string_equal(c.usr.authorized_keys.v[0], "/first");
	assert_true(c.usr.principals.none);
	assert_int_equal(c.usr.principals.n, 0);
	/* A second file adds nothing to what the first set, lists too. */
	assert_int_equal(parse(&c.usr, "MaxAuthTries 1\n"
	    "TrustedUserCAKeys /late\n"), 0);
	assert_int_equal(c.usr.max_auth_tries.v, 3);
	assert_int_equal(c.usr.trusted_ca.n, 1);
	srvconfig_free(&c);
}

static void
test_bad_lines(void **state)
{
	char big[SRVCONFIG_MAX_LINE + 16];

	(void)state;
	parse_bad("Wait 1m\nFrobnicate yes\n", "cfg:2: Bad configuration "
	    "option: Frobnicate");
	parse_bad("Match User x\n", "cfg:1: match is an sshd option that "
	    "assistd does not support");
	parse_bad("Include /etc/x\n", "cfg:1: include is an sshd option");
	parse_bad("Port 22\n", "cfg:1: Port is not supported: use "
	    "ListenAddress");
	parse_bad("PasswordAuthentication yes\n", "cfg:1: assistd always has "
	    "passwordauthentication no");
	parse_bad("StrictModes no\n", "cfg:1: assistd always has strictmodes "
	    "yes");
	parse_bad("Wait\n", "cfg:1: no argument after keyword \"wait\"");
	parse_bad("Wait =\n", "no argument");
	parse_bad("Wait 1m 2m\n", "cfg:1: Wait takes one argument");
	parse_bad("Wait 5x\n", "cfg:1: Wait '5x' is not a duration");
	parse_bad("Wait 0\n", "is not a duration of at least 1s");
	parse_bad("Wait 9999w\n", "not a duration");
	parse_bad("LoginGraceTime -1\n", "not a duration");
	parse_bad("MaxAuthTries 0\n", "expected a number from 1 to 100");
	parse_bad("MaxAuthTries 101\n", "expected a number from 1 to 100");
	parse_bad("MaxAuthTries 3x\n", "got '3x'");
	parse_bad("MaxAuthTries 99999999999999999999\n", "expected a number");
	parse_bad("MaxStartups 61\n", "expected a number from 1 to 60");
	parse_bad("MaxStartups 10:30:100\n", "start:rate:full is not "
	    "supported");
	parse_bad("AuthorizedKeysFile /a /b\n", "AuthorizedKeysFile takes one "
	    "argument");
	parse_bad("HostCertificate \"\"\n", "HostCertificate: empty argument");
	parse_bad("TrustedUserCAKeys /a none\n", "\"none\" must be alone");
	parse_bad("TrustedUserCAKeys \"/a\n", "cfg:1: invalid quotes");
	parse_bad("RevokedKeys 1 2 3 4 5 6 7 8 9\n", "more than 8 values");
	parse_bad("RevokedKeys 1 2 3 4\nRevokedKeys 5 6 7 8 9\n",
	    "cfg:2: RevokedKeys: more than 8 values");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	parse_bad(big, "cfg:1: line longer than 4095 bytes");
	parse_bad("W\x01it 1\n", "Bad configuration option: W\\x01it");
}

/* Text with a NUL inside and a file past the size limit. */
static void
test_bad_bytes(void **state)
{
	static const char nul[] = "Wait 1m\nWait\0 2m\n";
	struct srvconfig c;
	char *huge;

	(void)state;
	srvconfig_init(&c);
	assert_int_equal(srvconfig_parse_buffer(&c.usr, "cfg", nul,
	    sizeof(nul) - 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: line contains a NUL byte"));
	huge = malloc(SRVCONFIG_MAX_FILE + 1);
	assert_non_null(huge);
	memset(huge, '\n', SRVCONFIG_MAX_FILE + 1);
	assert_int_equal(srvconfig_parse_buffer(&c.usr, "cfg", huge,
	    SRVCONFIG_MAX_FILE + 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "file larger than"));
	assert_int_equal(srvconfig_parse_buffer(&c.usr, "cfg", huge,
	    SRVCONFIG_MAX_FILE, err, sizeof(err)), 0);
	free(huge);
	srvconfig_free(&c);
}

static void
test_options(void **state)
{
	struct srvconfig c;

	(void)state;
	srvconfig_init(&c);
	/* -o comes first and wins, lists included. */
	assert_int_equal(srvconfig_apply_option(&c.usr, "MaxStartups=2", err,
	    sizeof(err)), 0);
	assert_int_equal(srvconfig_apply_option(&c.usr,
	    "ListenAddress 127.0.0.1:1", err, sizeof(err)), 0);
	assert_int_equal(srvconfig_apply_option(&c.usr,
	    "listenaddress=127.0.0.2:2", err, sizeof(err)), 0);
	assert_int_equal(parse(&c.usr, "MaxStartups 7\nListenAddress *:9\n"
	    "MaxAuthTries 4\n"), 0);
	assert_int_equal(c.usr.max_startups.v, 2);
	assert_string_equal(c.usr.max_startups.origin, "command line");
	assert_int_equal(c.usr.max_auth_tries.v, 4);
	assert_int_equal(c.usr.listen.n, 2);
	assert_string_equal(c.usr.listen.v[1], "127.0.0.2:2");
	srvconfig_free(&c);

	option_bad("Wait=5x", "command line: Wait '5x' is not a duration");
	option_bad("Bogus=1", "command line: Bad configuration option: Bogus");
	option_bad("Wait=1\nMaxStartups=99", "line break");
	option_bad("Wait=", "no argument");
}

/* Resolves sys and usr texts; user "u", home "/home/u", sysdir "/etc/a". */
static int
resolve(struct srvconfig *c, const char *sys, const char *usr)
{
	srvconfig_init(c);
	if (sys != NULL) {
		assert_int_equal(srvconfig_parse_buffer(&c->sys, "sys", sys,
		    strlen(sys), err, sizeof(err)), 0);
		c->sys.file = strdup("sys");
	}
	if (usr != NULL)
		assert_int_equal(parse(&c->usr, usr), 0);
	return srvconfig_resolve(c, "u", "/home/u", "/etc/a", err,
	    sizeof(err));
}

static void
test_defaults(void **state)
{
	const struct policy_files *sys, *usr;
	struct srvconfig c;

	(void)state;
	assert_int_equal(resolve(&c, NULL, NULL), 0);
	assert_int_equal(c.eff.nlisten, 0);
	assert_int_equal(c.eff.wait_secs, SRVCONFIG_DEFAULT_WAIT);
	assert_int_equal(c.eff.login_grace_secs, SRVCONFIG_DEFAULT_GRACE);
	assert_int_equal(c.eff.max_auth_tries, SRVCONFIG_DEFAULT_AUTH_TRIES);
	assert_int_equal(c.eff.max_startups, SRVCONFIG_DEFAULT_STARTUPS);
	assert_null(c.eff.host_certificate);
	srvconfig_policy(&c, &sys, &usr);
	assert_null(sys);
	assert_non_null(usr);
	assert_int_equal(usr->ntrusted_ca, 0);
	assert_null(usr->authorized_keys);
	srvconfig_free(&c);
}

static void
test_layering(void **state)
{
	const struct policy_files *sys, *usr;
	struct srvconfig c;

	(void)state;
	assert_int_equal(resolve(&c,
	    "TrustedUserCAKeys /etc/a/ca.pub\nRevokedKeys krl\n"
	    "AuthorizedPrincipalsFile principals/%u\n"
	    "HostCertificate /etc/a/host-cert.pub\n",
	    "TrustedUserCAKeys ~/ca.pub\nAuthorizedKeysFile keys\n"
	    "AuthorizedPrincipalsFile %h/p-%u-%%\nRevokedKeys /abs/krl\n"), 0);
	srvconfig_policy(&c, &sys, &usr);
	assert_non_null(sys);
	assert_int_equal(sys->ntrusted_ca, 1);
	assert_string_equal(sys->trusted_ca[0], "/etc/a/ca.pub");
	assert_string_equal(sys->revoked[0], "/etc/a/krl");
	assert_string_equal(sys->principals, "/etc/a/principals/u");
	assert_null(sys->authorized_keys);
	assert_string_equal(usr->trusted_ca[0], "/home/u/ca.pub");
	assert_string_equal(usr->authorized_keys, "/home/u/keys");
	assert_string_equal(usr->principals, "/home/u/p-u-%");
	assert_string_equal(usr->revoked[0], "/abs/krl");
	assert_string_equal(c.eff.host_certificate, "/etc/a/host-cert.pub");
	srvconfig_free(&c);

	/* The user's host certificate wins: it is identity, not policy. */
	assert_int_equal(resolve(&c, "HostCertificate /etc/a/h.pub\n",
	    "HostCertificate h.pub\n"), 0);
	assert_string_equal(c.eff.host_certificate, "/home/u/h.pub");
	srvconfig_policy(&c, &sys, &usr);
	assert_null(sys);	/* no policy file named by the administrator */
	srvconfig_free(&c);

	/* The administrator's ListenAddress replaces the user's. */
	assert_int_equal(resolve(&c, "ListenAddress 10.0.0.1:1\n",
	    "ListenAddress 127.0.0.1:2\nListenAddress 127.0.0.1:3\n"), 0);
	assert_int_equal(c.eff.nlisten, 1);
	assert_string_equal(c.eff.listen[0], "10.0.0.1:1");
	srvconfig_free(&c);
	assert_int_equal(resolve(&c, NULL, "ListenAddress 127.0.0.1:2\n"), 0);
	assert_string_equal(c.eff.listen[0], "127.0.0.1:2");
	srvconfig_free(&c);

	/* Every list full in both layers, resolved twice. */
	assert_int_equal(resolve(&c,
	    "TrustedUserCAKeys 1 2 3 4 5 6 7 8\nRevokedKeys 1 2 3 4 5 6 7 8\n"
	    "AuthorizedKeysFile k\nAuthorizedPrincipalsFile p\n"
	    "HostCertificate h\n",
	    "TrustedUserCAKeys 1 2 3 4 5 6 7 8\nRevokedKeys 1 2 3 4 5 6 7 8\n"
	    "AuthorizedKeysFile k\nAuthorizedPrincipalsFile p\n"
	    "HostCertificate h\n"), 0);
	assert_int_equal(srvconfig_resolve(&c, "u", "/home/u", "/etc/a", err,
	    sizeof(err)), 0);
	srvconfig_policy(&c, &sys, &usr);
	assert_int_equal(sys->nrevoked, 8);
	assert_string_equal(sys->revoked[7], "/etc/a/8");
	assert_string_equal(usr->trusted_ca[7], "/home/u/8");
	assert_string_equal(usr->principals, "/home/u/p");
	assert_string_equal(c.eff.host_certificate, "/home/u/h");
	srvconfig_free(&c);

	/* An unknown token in a path is an error. */
	assert_int_equal(resolve(&c, NULL, "AuthorizedKeysFile /k/%x\n"), -1);
	assert_non_null(strstr(err, "/k/%x"));
	srvconfig_free(&c);
}

static void
test_narrow_and_widen(void **state)
{
	struct srvconfig c;

	(void)state;
	/* Lower values are the user's to choose. */
	assert_int_equal(resolve(&c,
	    "MaxStartups 5\nMaxAuthTries 3\nWait 10m\nLoginGraceTime 20\n",
	    "MaxStartups 2\nMaxAuthTries 1\nWait 1m\nLoginGraceTime 5\n"), 0);
	assert_int_equal(c.eff.max_startups, 2);
	assert_int_equal(c.eff.max_auth_tries, 1);
	assert_int_equal(c.eff.wait_secs, 60);
	assert_int_equal(c.eff.login_grace_secs, 5);
	srvconfig_free(&c);
	/* Higher ones are ignored (with a warning): the limit stays. */
	assert_int_equal(resolve(&c,
	    "MaxStartups 5\nMaxAuthTries 3\nWait 10m\nLoginGraceTime 20\n",
	    "MaxStartups 50\nMaxAuthTries 10\nWait 1d\nLoginGraceTime 1m\n"),
	    0);
	assert_int_equal(c.eff.max_startups, 5);
	assert_int_equal(c.eff.max_auth_tries, 3);
	assert_int_equal(c.eff.wait_secs, 600);
	assert_int_equal(c.eff.login_grace_secs, 20);
	srvconfig_free(&c);
	/* The administrator's value applies when the user gives none, even
	 * above the built-in default. */
	assert_int_equal(resolve(&c, "Wait 2h\nMaxStartups 1\n", NULL), 0);
	assert_int_equal(c.eff.wait_secs, 7200);
	assert_int_equal(c.eff.max_startups, 1);
	srvconfig_free(&c);
}

/* TranscriptDir: the administrator's, when set, wins (none included). */
static void
test_transcript_dir(void **state)
{
	struct srvconfig c;

	(void)state;
	assert_int_equal(resolve(&c, NULL, NULL), 0);
	assert_null(c.eff.transcript_dir);
	srvconfig_free(&c);
	assert_int_equal(resolve(&c, NULL, "TranscriptDir audit/%u\n"), 0);
	assert_string_equal(c.eff.transcript_dir, "/home/u/audit/u");
	srvconfig_free(&c);
	assert_int_equal(resolve(&c, "TranscriptDir /var/log/assist\n",
	    NULL), 0);
	assert_string_equal(c.eff.transcript_dir, "/var/log/assist");
	srvconfig_free(&c);
	/* The same directory written otherwise is not a conflict. */
	assert_int_equal(resolve(&c, "TranscriptDir /var/log/assist\n",
	    "TranscriptDir /var/log/assist\n"), 0);
	assert_string_equal(c.eff.transcript_dir, "/var/log/assist");
	srvconfig_free(&c);
	/* A different user value, or none, is ignored (with a warning). */
	assert_int_equal(resolve(&c, "TranscriptDir /var/log/assist\n",
	    "TranscriptDir /tmp/mine\n"), 0);
	assert_string_equal(c.eff.transcript_dir, "/var/log/assist");
	srvconfig_free(&c);
	assert_int_equal(resolve(&c, "TranscriptDir /var/log/assist\n",
	    "TranscriptDir none\n"), 0);
	assert_string_equal(c.eff.transcript_dir, "/var/log/assist");
	srvconfig_free(&c);
	/* The administrator's none stands too; relative is against the
	 * administrator's directory. */
	assert_int_equal(resolve(&c, "TranscriptDir none\n",
	    "TranscriptDir /tmp/mine\n"), 0);
	assert_null(c.eff.transcript_dir);
	srvconfig_free(&c);
	assert_int_equal(resolve(&c, "TranscriptDir t\n", NULL), 0);
	assert_string_equal(c.eff.transcript_dir, "/etc/a/t");
	srvconfig_free(&c);
	parse_bad("TranscriptDir a b\n", "TranscriptDir takes one argument");
	parse_bad("TranscriptDir \"\"\n", "TranscriptDir: empty argument");
}

static void
test_dump(void **state)
{
	struct srvconfig c;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(resolve(&c, "TrustedUserCAKeys /etc/a/ca.pub\n",
	    "ListenAddress 127.0.0.1:0\nWait 90\n"
	    "TrustedUserCAKeys \"/my ca.pub\" /b.pub\n"), 0);
	c.sys_file = strdup("sys");
	c.usr_file = strdup("/home/u/.config/assist/assistd.conf");
	f = open_memstream(&out, &len);
	assert_non_null(f);
	srvconfig_dump(&c, f);
	fclose(f);
	assert_string_equal(out,
	    "listenaddress 127.0.0.1:0\n"
	    "logingracetime 30\n"
	    "maxauthtries 6\n"
	    "maxstartups 10\n"
	    "wait 90\n"
	    "hostcertificate none\n"
	    "transcriptdir none\n"
	    "# administrator layer: sys\n"
	    "trustedusercakeys /etc/a/ca.pub\n"
	    "authorizedprincipalsfile none\n"
	    "authorizedkeysfile none\n"
	    "revokedkeys none\n"
	    "# user layer: -o options, then "
	    "/home/u/.config/assist/assistd.conf (not present)\n"
	    "trustedusercakeys \"/my ca.pub\" /b.pub\n"
	    "authorizedprincipalsfile none\n"
	    "authorizedkeysfile none\n"
	    "revokedkeys none\n");
	free(out);
	srvconfig_free(&c);
}

/* A private temporary directory for file tests. */
struct tmp {
	char dir[64];
	char path[128];
};

static void
tmp_make(struct tmp *t, const char *text, mode_t mode)
{
	FILE *f;

	snprintf(t->dir, sizeof(t->dir), "/tmp/test_srvconfig.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/assistd.conf", t->dir);
	f = fopen(t->path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(t->path, mode), 0);
}

static void
tmp_remove(struct tmp *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

static void
test_files(void **state)
{
	const char *opts[] = { "MaxStartups=2" };
	struct srvconfig_args a;
	struct srvconfig c;
	struct tmp t;

	(void)state;
	tmp_make(&t, "MaxStartups 4\nWait 2m\n", 0644);
	memset(&a, 0, sizeof(a));
	a.usr_file = t.path;
	a.usr_must_exist = true;
	a.options = opts;
	a.noptions = 1;
	a.uid = getuid();
	a.user = "u";
	a.home = "/home/u";
	assert_int_equal(srvconfig_load(&c, &a, err, sizeof(err)), 0);
	assert_int_equal(c.eff.max_startups, 2);
	assert_int_equal(c.eff.wait_secs, 120);
	assert_string_equal(c.usr.file, t.path);
	srvconfig_free(&c);

	/* The same file as the administrator's layer (owned by us: only
	 * meaningful, and accepted, when we are root). */
	a.sys_file = t.path;
	a.usr_file = NULL;
	if (getuid() == 0) {
		assert_int_equal(srvconfig_load(&c, &a, err, sizeof(err)), 0);
		assert_string_equal(c.sys.file, t.path);
		assert_int_equal(c.eff.max_startups, 2);
	} else {
		assert_int_equal(srvconfig_load(&c, &a, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "is not owned by root"));
	}
	srvconfig_free(&c);

	/* Missing: fine by default, an error for -f. */
	a.sys_file = "/nonexistent/assistd.conf";
	a.usr_file = "/nonexistent/user.conf";
	a.usr_must_exist = false;
	assert_int_equal(srvconfig_load(&c, &a, err, sizeof(err)), 0);
	assert_null(c.sys.file);
	assert_null(c.usr.file);
	srvconfig_free(&c);
	a.usr_must_exist = true;
	assert_int_equal(srvconfig_load(&c, &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/user.conf: No such file"));
	srvconfig_free(&c);

	/* A bad line names the file and line. */
	tmp_remove(&t);
	tmp_make(&t, "Wait 1m\nBogus 1\n", 0600);
	a.usr_file = t.path;
	assert_int_equal(srvconfig_load(&c, &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: Bad configuration option: Bogus"));
	assert_non_null(strstr(err, t.path));
	srvconfig_free(&c);
	tmp_remove(&t);
}

/* Expects safefile to refuse path, naming it and why. */
static void
refused(const char *path, uid_t owner, const char *why)
{
	size_t len;
	char *text;

	text = safefile_read(path, owner, 1024, &len, NULL, err, sizeof(err));
	if (text != NULL || strstr(err, path) == NULL ||
	    strstr(err, why) == NULL) {
		fprintf(stderr, "path %s err: %s want: %s\n", path, err, why);
		fail();
	}
}

static void
test_unsafe_perms(void **state)
{
	struct srvconfig_args a;
	struct srvconfig c;
	struct tmp t;
	bool missing = false;
	size_t len = 0;
	char *text;

	(void)state;
	tmp_make(&t, "Wait 1m\n", 0644);
	text = safefile_read(t.path, getuid(), 1024, &len, &missing, err,
	    sizeof(err));
	assert_non_null(text);
	assert_int_equal(len, 8);
	free(text);

	assert_int_equal(chmod(t.path, 0664), 0);
	refused(t.path, getuid(), "file is writable by group or others");
	assert_int_equal(chmod(t.path, 0646), 0);
	refused(t.path, getuid(), "file is writable by group or others");
	memset(&a, 0, sizeof(a));
	a.usr_file = t.path;
	a.uid = getuid();
	a.user = "u";
	a.home = "/home/u";
	assert_int_equal(srvconfig_load(&c, &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, t.path));
	assert_non_null(strstr(err, "(StrictModes)"));
	srvconfig_free(&c);

	/* A directory on the way that others can write. */
	assert_int_equal(chmod(t.path, 0644), 0);
	assert_int_equal(chmod(t.dir, 0777), 0);
	refused(t.path, getuid(), "is writable by group or others");
	assert_non_null(strstr(err, t.dir));
	/* ... also when we come through a symlink from a safe place. */
	{
		char link[160];

		snprintf(link, sizeof(link), "%s.link", t.dir);
		assert_int_equal(symlink(t.path, link), 0);
		refused(link, getuid(), "directory");
		unlink(link);
	}
	/* A sticky root-owned directory is what /tmp is: fine... */
	if (getuid() == 0) {
		assert_int_equal(chmod(t.dir, 01777), 0);
		text = safefile_read(t.path, getuid(), 1024, &len, NULL, err,
		    sizeof(err));
		assert_non_null(text);
		free(text);
		/* ... but not a file owned by another account, even one
		 * the file's owner could not write. */
		assert_int_equal(chmod(t.dir, 0755), 0);
		assert_int_equal(chown(t.path, 65534, 65534), 0);
		refused(t.path, 0, "is not owned by root");
		refused(t.path, 1234, "owned by another account");
	}
	assert_int_equal(chmod(t.dir, 0700), 0);

	/* Not a regular file; too big; missing. */
	refused(t.dir, getuid(), "not a regular file");
	if (getuid() != 0) {
		tmp_remove(&t);
		return;
	}
	assert_int_equal(chown(t.path, 0, 0), 0);
	text = safefile_read(t.path, 0, 4, &len, NULL, err, sizeof(err));
	assert_null(text);
	assert_non_null(strstr(err, "larger than 4 bytes"));
	tmp_remove(&t);
	assert_null(safefile_read(t.path, 0, 4, &len, &missing, err,
	    sizeof(err)));
	assert_true(missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_lines),
		cmocka_unit_test(test_first_value_wins),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_layering),
		cmocka_unit_test(test_narrow_and_widen),
		cmocka_unit_test(test_transcript_dir),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_unsafe_perms),
	};

	log_init("test_srvconfig", LOG_LVL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
