/* Unit tests: common/sshconfig.c (ssh_config parsing, tokens, hops). */
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

#include "common/sshconfig.h"

static const struct sshconfig_ctx ctx = {
	.host = "h",
	.local_user = "me",
	.home = "/home/me",
	.uid = 0,
};

static char err[512];

/* Parses text as a config named "cfg" (Include never opens a file). */
static int
parse(struct sshconfig *c, const char *text)
{
	sshconfig_init(c);
	err[0] = '\0';
	return sshconfig_parse_buffer(c, &ctx, "cfg", text, strlen(text),
	    SSHCONFIG_USER | SSHCONFIG_NO_INCLUDE, err, sizeof(err));
}

/* Expects text to fail with an error containing want. */
static void
parse_bad(const char *text, const char *want)
{
	struct sshconfig c;

	if (parse(&c, text) != -1 || strstr(err, want) == NULL) {
		print_error("config \"%s\": got \"%s\", want \"%s\"\n", text,
		    err, want);
		fail();
	}
	sshconfig_free(&c);
}

static void
test_first_value_wins(void **state)
{
	struct sshconfig c;

	(void)state;
	assert_int_equal(parse(&c,
	    "# comment\n"
	    "\n"
	    "Host h\n"
	    "  Port 1\n"
	    "  IdentityFile ~/a\n"
	    "Host other\n"
	    "  User nobody\n"
	    "  IdentityFile ~/never\n"
	    "Host *\n"
	    "  Port 2\n"
	    "  User x\n"
	    "  IdentityFile ~/b\n"
	    "  IdentityFile ~/a\n"), 0);
	assert_int_equal(c.port, 1);
	assert_string_equal(c.user, "x");
	assert_int_equal(c.identity_files.n, 2);	/* duplicate dropped */
	assert_string_equal(c.identity_files.v[0], "~/a");
	assert_string_equal(c.identity_files.v[1], "~/b");
	sshconfig_free(&c);
}

static void
test_separators_and_quotes(void **state)
{
	struct sshconfig c;

	(void)state;
	assert_int_equal(parse(&c,
	    "PORT=22\n"
	    "user = \"a b\"\n"
	    "HostName= host.example   # trailing comment\n"
	    "IdentityFile 'it''s' \n"
	    "CertificateFile with\\ space\r\n"
	    "\tBatchMode\tyes\n"), 0);
	assert_int_equal(c.port, 22);
	assert_string_equal(c.user, "a b");
	assert_string_equal(c.hostname, "host.example");
	assert_string_equal(c.identity_files.v[0], "its");
	assert_string_equal(c.certificate_files.v[0], "with space");
	assert_int_equal(c.batch_mode, 1);
	sshconfig_free(&c);
}

static void
test_negation(void **state)
{
	struct sshconfig c;

	(void)state;
	assert_int_equal(parse(&c, "Host * !h\n User no\nHost *\n User yes\n"),
	    0);
	assert_string_equal(c.user, "yes");
	sshconfig_free(&c);
	/* Host matching is case-sensitive, like ssh's. */
	assert_int_equal(parse(&c, "Host H\n User no\nHost h\n User yes\n"),
	    0);
	assert_string_equal(c.user, "yes");
	sshconfig_free(&c);
}

/* The system file of Debian 12, as shipped. */
static void
test_debian_system_config(void **state)
{
	struct sshconfig c;

	(void)state;
	assert_int_equal(parse(&c,
	    "Include /etc/ssh/ssh_config.d/*.conf\n"
	    "\n"
	    "Host *\n"
	    "#   ForwardAgent no\n"
	    "#   StrictHostKeyChecking ask\n"
	    "    SendEnv LANG LC_*\n"
	    "    HashKnownHosts yes\n"
	    "    GSSAPIAuthentication yes\n"), 0);
	assert_int_equal(c.hash_known_hosts, 1);
	sshconfig_free(&c);
}

static void
test_known_but_ignored(void **state)
{
	struct sshconfig c;

	(void)state;
	assert_int_equal(parse(&c,
	    "ForwardAgent no\nCiphers aes128-ctr\nServerAliveInterval 5\n"
	    "GSSAPIKeyExchange no\nUseRoaming no\nRSAAuthentication no\n"
	    "ControlMaster auto\nRevokedHostKeys /x\nProtocol 2\n"
	    "EnableEscapeCommandline no\nRequiredRSASize 2048\n"), 0);
	sshconfig_free(&c);
	assert_int_equal(parse(&c, "IgnoreUnknown Use*,Bogus\nUseKeychain yes\n"
	    "bogus 1\n"), 0);
	sshconfig_free(&c);
}

static void
test_bad_lines(void **state)
{
	char longline[SSHCONFIG_MAX_LINE + 20];

	(void)state;
	parse_bad("Bogus yes\n", "cfg:1: Bad configuration option: bogus");
	parse_bad("\n\nUseKeychain yes\n", "cfg:3: Bad configuration option");
	parse_bad("Port\n", "cfg:1: no argument after keyword \"port\"");
	parse_bad("Port #x\n", "no argument");
	parse_bad("Port 0\n", "Bad port");
	parse_bad("Port 65536\n", "Bad port");
	parse_bad("Port 22x\n", "Bad port");
	parse_bad("Port 1 2\n", "extra arguments");
	parse_bad("User \"unclosed\n", "invalid quotes");
	parse_bad("BatchMode perhaps\n", "unsupported option");
	parse_bad("StrictHostKeyChecking sometimes\n", "unsupported option");
	parse_bad("ConnectTimeout soon\n", "invalid time value");
	parse_bad("ConnectTimeout 1y\n", "invalid time value");
	parse_bad("IdentityAgent $9bad\n", "Invalid environment name");
	parse_bad("ProxyJump @host\n", "Invalid ProxyJump");
	parse_bad("ProxyJump a,,b\n", "Invalid ProxyJump");
	parse_bad("ProxyJump a,\n", "Invalid ProxyJump");
	parse_bad("ProxyJump host:0\n", "Invalid ProxyJump");
	parse_bad("ProxyJump [::1\n", "Invalid ProxyJump");
	parse_bad("ProxyJump ssh://h/path\n", "Invalid ProxyJump");
	parse_bad("UserKnownHostsFile none /x\n", "must appear alone");
	parse_bad("UserKnownHostsFile \"\"\n", "empty argument");
	parse_bad("Match\n", "no argument");
	parse_bad("Match host\n", "Missing Match criteria for host");
	parse_bad("Match bogus x\n", "Unsupported Match attribute bogus");
	parse_bad("Match host h user x all\n", "cannot be combined");
	parse_bad("Match all all\n", "cannot be combined");
	parse_bad("Match all host h\n", "cannot be combined");
	parse_bad("Match !\n", "Missing Match criteria");
	parse_bad("Host a \"\"\n", "cfg:1: keyword host empty argument");
	parse_bad("IdentityFile\n", "no argument");
	parse_bad("Include ~/x\nInclude ~other/x\n", "cfg:2:");
	parse_bad("Port 1\x01\n", "Bad port");
	{
		struct sshconfig c;
		static const char nul[] = "Port 1\nUser a\0b\n";

		sshconfig_init(&c);
		assert_int_equal(sshconfig_parse_buffer(&c, &ctx, "cfg", nul,
		    sizeof(nul) - 1, SSHCONFIG_NO_INCLUDE, err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "cfg:2: line contains a NUL"));
		sshconfig_free(&c);
	}
	memset(longline, 'x', sizeof(longline) - 2);
	memcpy(longline, "User ", 5);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	parse_bad(longline, "cfg:1: line longer than");
	{
		struct sshconfig c;
		char *big = malloc(SSHCONFIG_MAX_FILE + 2);

		assert_non_null(big);
		memset(big, '\n', SSHCONFIG_MAX_FILE + 1);
		sshconfig_init(&c);
		assert_int_equal(sshconfig_parse_buffer(&c, &ctx, "cfg", big,
		    SSHCONFIG_MAX_FILE + 1, 0, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "larger than"));
		free(big);
		sshconfig_free(&c);
	}
	{
		struct sshconfig c;
		char text[8192];
		size_t o = 0;
		int i;

		for (i = 0; i <= SSHCONFIG_MAX_IDENTITIES; i++)
			o += (size_t)snprintf(text + o, sizeof(text) - o,
			    "IdentityFile k%d\n", i);
		assert_int_equal(parse(&c, text), -1);
		assert_non_null(strstr(err, "Too many"));
		sshconfig_free(&c);
	}
}

static void
test_match(void **state)
{
	struct sshconfig c;

	(void)state;
	assert_int_equal(parse(&c,
	    "Host h\n HostName %h.example\n"
	    "Match host h.example\n User m1\n"), 0);
	assert_string_equal(c.user, "m1");
	sshconfig_free(&c);
	assert_int_equal(parse(&c,
	    "Match originalhost H\n User m2\n"), 0);	/* case-folded */
	assert_string_equal(c.user, "m2");
	sshconfig_free(&c);
	/* Match user compares the remote user, the local one by default. */
	assert_int_equal(parse(&c, "Match user me\n Port 7\n"), 0);
	assert_int_equal(c.port, 7);
	sshconfig_free(&c);
	assert_int_equal(parse(&c, "User bob\nMatch user me\n Port 7\n"
	    "Match user bob localuser me\n Port 8\n"), 0);
	assert_int_equal(c.port, 8);
	sshconfig_free(&c);
	assert_int_equal(parse(&c, "Match !host other\n Port 9\n"), 0);
	assert_int_equal(c.port, 9);
	sshconfig_free(&c);
	assert_int_equal(parse(&c, "Match all\n Port 10\n"), 0);
	assert_int_equal(c.port, 10);
	sshconfig_free(&c);
	/* One criterion before "all" is allowed, as in ssh. */
	assert_int_equal(parse(&c, "Match host h all\n Port 16\n"), 0);
	assert_int_equal(c.port, 16);
	sshconfig_free(&c);
	/* Unsupported criteria: warned once, block treated as not matching,
	 * whatever the negation. */
	assert_int_equal(parse(&c, "Match exec \"true\"\n Port 11\n"
	    "Match !exec \"false\"\n Port 12\nMatch canonical\n Port 13\n"
	    "Match final all\n Port 14\n"), 0);
	assert_int_equal(c.port, -1);
	assert_true(c.warned_match);
	sshconfig_free(&c);
	/* A Host line after a Match ends the Match block. */
	assert_int_equal(parse(&c, "Match host nomatch\nHost h\n Port 15\n"),
	    0);
	assert_int_equal(c.port, 15);
	sshconfig_free(&c);
}

static void
test_lists_and_proxy(void **state)
{
	struct sshconfig c;

	(void)state;
	assert_int_equal(parse(&c,
	    "UserKnownHostsFile ~/k1 /k2\nUserKnownHostsFile /never\n"
	    "GlobalKnownHostsFile none\n"
	    "ProxyJump u@j1:2200,[::1]:22\nProxyCommand nc %h %p\n"), 0);
	assert_int_equal(c.user_known_hosts.n, 2);
	assert_string_equal(c.user_known_hosts.v[1], "/k2");
	assert_true(c.global_known_hosts.set);
	assert_int_equal(c.global_known_hosts.n, 0);
	assert_int_equal(c.proxy_kind, SSHCONFIG_PROXY_JUMP);
	assert_string_equal(c.proxy, "u@j1:2200,[::1]:22");
	sshconfig_free(&c);
	assert_int_equal(parse(&c, "ProxyCommand  nc -X 5 %h %p # raw\n"
	    "ProxyJump j\n"), 0);
	assert_int_equal(c.proxy_kind, SSHCONFIG_PROXY_COMMAND);
	assert_string_equal(c.proxy, "nc -X 5 %h %p # raw");
	sshconfig_free(&c);
	assert_int_equal(parse(&c, "ProxyJump none\nProxyCommand nc\n"), 0);
	assert_int_equal(c.proxy_kind, SSHCONFIG_PROXY_NONE);
	sshconfig_free(&c);
	assert_int_equal(parse(&c, "StrictHostKeyChecking accept-new\n"
	    "ConnectTimeout 1m5\n"), 0);
	assert_int_equal(c.strict, SSHCONFIG_STRICT_ACCEPT_NEW);
	assert_string_equal(c.strict_origin, "cfg line 1");
	assert_int_equal(c.connect_timeout, 65);
	sshconfig_free(&c);
}

static void
test_apply_option(void **state)
{
	struct sshconfig c;

	(void)state;
	sshconfig_init(&c);
	assert_int_equal(sshconfig_apply_option(&c, &ctx,
	    "StrictHostKeyChecking=no", err, sizeof(err)), 0);
	assert_int_equal(c.strict, SSHCONFIG_STRICT_OFF);
	assert_string_equal(c.strict_origin, "the command line");
	assert_int_equal(sshconfig_apply_option(&c, &ctx, "Port 1", err,
	    sizeof(err)), 0);
	assert_int_equal(sshconfig_apply_option(&c, &ctx, "Host x", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not supported as a command-line"));
	assert_int_equal(sshconfig_apply_option(&c, &ctx, "Match all", err,
	    sizeof(err)), -1);
	assert_int_equal(sshconfig_apply_option(&c, &ctx, "Include /x", err,
	    sizeof(err)), -1);
	assert_int_equal(sshconfig_apply_option(&c, &ctx, "User a\nPort 2",
	    err, sizeof(err)), -1);
	assert_int_equal(sshconfig_apply_option(&c, &ctx, "Nonsense=1", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "Bad configuration option: nonsense"));
	sshconfig_free(&c);
}

static void
test_expand(void **state)
{
	struct sshconfig_tokens t;
	char *s;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.tok['h'] = "host";
	t.tok['p'] = "22";
	s = sshconfig_expand("~/k_%h_%p_%%", &t, "/home/me", true, false, err,
	    sizeof(err));
	assert_non_null(s);
	assert_string_equal(s, "/home/me/k_host_22_%");
	free(s);
	s = sshconfig_expand("~", &t, "/home/me", true, false, err,
	    sizeof(err));
	assert_string_equal(s, "/home/me");
	free(s);
	s = sshconfig_expand("~", &t, "/", true, false, err, sizeof(err));
	assert_string_equal(s, "/");
	free(s);
	s = sshconfig_expand("~/x", &t, "/", true, false, err, sizeof(err));
	assert_string_equal(s, "/x");
	free(s);
	s = sshconfig_expand("a~/x", &t, "/home/me", true, false, err,
	    sizeof(err));
	assert_string_equal(s, "a~/x");	/* only a leading ~ */
	free(s);
	s = sshconfig_expand("~root/x", &t, "/home/me", true, false, err,
	    sizeof(err));
	assert_non_null(s);
	assert_string_equal(s, "/root/x");
	free(s);
	setenv("SSHCONFIG_TEST_VAR", "val%h", 1);
	s = sshconfig_expand("${SSHCONFIG_TEST_VAR}/%h", &t, NULL, false, true,
	    err, sizeof(err));
	assert_string_equal(s, "val%h/host");	/* values are not expanded */
	free(s);
	s = sshconfig_expand("${SSHCONFIG_TEST_VAR}", &t, NULL, false, false,
	    err, sizeof(err));
	assert_string_equal(s, "${SSHCONFIG_TEST_VAR}");
	free(s);
	assert_null(sshconfig_expand("%x", &t, NULL, false, false, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "%x"));
	assert_null(sshconfig_expand("abc%", &t, NULL, false, false, err,
	    sizeof(err)));
	assert_null(sshconfig_expand("%\x80", &t, NULL, false, false, err,
	    sizeof(err)));
	assert_null(sshconfig_expand("%h", NULL, NULL, false, false, err,
	    sizeof(err)));
	assert_null(sshconfig_expand("${NO_SUCH_VAR_HOPEFULLY}", &t, NULL,
	    false, true, err, sizeof(err)));
	assert_null(sshconfig_expand("${", &t, NULL, false, true, err,
	    sizeof(err)));
	assert_null(sshconfig_expand("${A-B}", &t, NULL, false, true, err,
	    sizeof(err)));
	assert_null(sshconfig_expand("~nosuchuser12345/x", &t, "/h", true,
	    false, err, sizeof(err)));
	{
		char big[SSHCONFIG_MAX_PATH + 1];
		char *s2;

		/* The limit counts the final NUL. */
		memset(big, 'a', sizeof(big) - 2);
		big[sizeof(big) - 2] = '\0';
		s2 = sshconfig_expand(big, &t, NULL, false, false, err,
		    sizeof(err));
		assert_non_null(s2);
		free(s2);
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_null(sshconfig_expand(big, &t, NULL, false, false, err,
		    sizeof(err)));
		assert_non_null(strstr(err, "too long"));
		/* Short input, long output: "%h" is 2 bytes, "host" 4. */
		for (size_t i = 0; i + 1 < 2100; i += 2)
			memcpy(big + i, "%h", 2);
		big[2100] = '\0';
		assert_null(sshconfig_expand(big, &t, NULL, false, false, err,
		    sizeof(err)));
		assert_non_null(strstr(err, "too long"));
	}
}

static void
test_hop(void **state)
{
	static const struct {
		const char *in, *user, *host;
		int port;
	} good[] = {
		{ "h", NULL, "h", -1 },
		{ "u@h", "u", "h", -1 },
		{ "u@h:2200", "u", "h", 2200 },
		{ "a@b@h:1", "a@b", "h", 1 },
		{ "[::1]:5922", NULL, "::1", 5922 },
		{ "u@[::1]", "u", "::1", -1 },
		{ "::1", NULL, "::1", -1 },
		{ "fe80::1:2", NULL, "fe80::1:2", -1 },
		{ "ssh://u@h:7", "u", "h", 7 },
		{ "SSH://h", NULL, "h", -1 },
	};
	static const char *bad[] = {
		"", "@h", "u@", "h:", "h:0", "h:65536", "h:x", "[::1", "[::1]x",
		"[]:22", "ssh://h/p", "ssh://", ":22", "u@:22",
	};
	char *u, *h;
	int port;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(sshconfig_parse_hop(good[i].in, &u, &h,
		    &port), 0);
		if (good[i].user == NULL)
			assert_null(u);
		else
			assert_string_equal(u, good[i].user);
		assert_string_equal(h, good[i].host);
		assert_int_equal(port, good[i].port);
		free(u);
		free(h);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sshconfig_parse_hop(bad[i], &u, &h, &port) != -1) {
			print_error("hop \"%s\" accepted\n", bad[i]);
			fail();
		}
		assert_null(u);
		assert_null(h);
	}
}

static void
test_numbers(void **state)
{
	(void)state;
	assert_int_equal(sshconfig_parse_port("1"), 1);
	assert_int_equal(sshconfig_parse_port("65535"), 65535);
	assert_int_equal(sshconfig_parse_port("0"), -1);
	assert_int_equal(sshconfig_parse_port("065535"), -1);
	assert_int_equal(sshconfig_parse_port("-1"), -1);
	assert_int_equal(sshconfig_parse_port("+1"), -1);
	assert_int_equal(sshconfig_parse_port(""), -1);
	assert_int_equal(sshconfig_parse_time("90"), 90);
	assert_int_equal(sshconfig_parse_time("1m30s"), 90);
	assert_int_equal(sshconfig_parse_time("1h"), 3600);
	assert_int_equal(sshconfig_parse_time("1W"), 604800);
	assert_int_equal(sshconfig_parse_time("0"), 0);
	assert_int_equal(sshconfig_parse_time(""), -1);
	assert_int_equal(sshconfig_parse_time("m"), -1);
	assert_int_equal(sshconfig_parse_time("1x"), -1);
	assert_int_equal(sshconfig_parse_time("1 m"), -1);
	assert_int_equal(sshconfig_parse_time("99999999999"), -1);
	assert_int_equal(sshconfig_parse_time("4000w"), -1);
}

/* Include with real files in a scratch directory. */
static void
test_include(void **state)
{
	char dir[] = "/tmp/test_sshconfig.XXXXXX", path[512], main_cfg[512];
	struct sshconfig_ctx hctx = ctx;
	struct sshconfig c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	hctx.home = dir;
	hctx.uid = getuid();
	snprintf(path, sizeof(path), "%s/.ssh", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/.ssh/inc1.conf", dir);
	f = fopen(path, "w");
	fputs("Host h\n User fromglob\nHost *\n Port 2222\n", f);
	fclose(f);
	chmod(path, 0600);
	snprintf(path, sizeof(path), "%s/.ssh/inactive.conf", dir);
	f = fopen(path, "w");
	fputs("Host *\n CertificateFile /never\n", f);
	fclose(f);
	chmod(path, 0600);
	snprintf(main_cfg, sizeof(main_cfg), "%s/.ssh/config", dir);
	f = fopen(main_cfg, "w");
	fputs("Host nomatch\n Include inactive.conf\nHost *\n"
	    "Include inc*.conf missing.conf\nUser late\n", f);
	fclose(f);
	chmod(main_cfg, 0600);
	sshconfig_init(&c);
	assert_int_equal(sshconfig_read_file(&c, &hctx, main_cfg,
	    SSHCONFIG_USER | SSHCONFIG_CHECKPERM, true, err, sizeof(err)), 0);
	assert_string_equal(c.user, "fromglob");
	assert_int_equal(c.port, 2222);
	assert_int_equal(c.certificate_files.n, 0);
	sshconfig_free(&c);

	/* An included file writable by others is refused, as by ssh. */
	chmod(path, 0622);
	f = fopen(main_cfg, "w");
	fputs("Include inactive.conf\n", f);
	fclose(f);
	sshconfig_init(&c);
	assert_int_equal(sshconfig_read_file(&c, &hctx, main_cfg,
	    SSHCONFIG_USER | SSHCONFIG_CHECKPERM, true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Bad owner or permissions"));
	sshconfig_free(&c);

	/* A file including itself stops at the depth limit. */
	f = fopen(main_cfg, "w");
	fputs("Include config\n", f);
	fclose(f);
	sshconfig_init(&c);
	assert_int_equal(sshconfig_read_file(&c, &hctx, main_cfg,
	    SSHCONFIG_USER, true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many recursive"));
	sshconfig_free(&c);

	/* Missing files: fine unless must_exist. */
	sshconfig_init(&c);
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(sshconfig_read_file(&c, &hctx, path, 0, false, err,
	    sizeof(err)), 0);
	assert_int_equal(sshconfig_read_file(&c, &hctx, path, 0, true, err,
	    sizeof(err)), -1);
	/* A directory is not a config file. */
	assert_int_equal(sshconfig_read_file(&c, &hctx, dir, 0, true, err,
	    sizeof(err)), -1);
	assert_int_equal(sshconfig_read_file(&c, &hctx, "/dev/null", 0, true,
	    err, sizeof(err)), 0);
	sshconfig_free(&c);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_value_wins),
		cmocka_unit_test(test_separators_and_quotes),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_debian_system_config),
		cmocka_unit_test(test_known_but_ignored),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_lists_and_proxy),
		cmocka_unit_test(test_apply_option),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_hop),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_include),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
