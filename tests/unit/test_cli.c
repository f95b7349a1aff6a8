/* Unit tests: assist-cli command line, settings resolution, ProxyJump
 * command building, certificate/key pairing. */
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

#include "assist-cli/args.h"
#include "assist-cli/auth.h"
#include "assist-cli/connect.h"
#include "assist-cli/exitcode.h"
#include "assist-cli/settings.h"
#include "common/buf.h"
#include "common/defaults.h"

static char err[1024];

static int
argv_parse(struct cli_args *a, const char *const *words)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"assist-cli";
	while (*words != NULL)
		argv[argc++] = (char *)*words++;
	argv[argc] = NULL;
	err[0] = '\0';
	return args_parse(argc, argv, a, err, sizeof(err));
}

static void
test_args(void **state)
{
	struct cli_args a;

	(void)state;
	assert_int_equal(argv_parse(&a, (const char *[]){ "-vv", "-p5922",
	    "-i", "k1", "-ik2", "-F", "cfg", "-o", "User=x", "-oPort=1",
	    "bob@h", "-v", NULL }), 0);
	assert_int_equal(a.verbose, 3);
	assert_int_equal(a.n_items, 5);
	assert_int_equal(a.items[0].kind, ARGS_PORT);
	assert_string_equal(a.items[0].value, "5922");
	assert_int_equal(a.items[2].kind, ARGS_IDENTITY);
	assert_string_equal(a.items[2].value, "k2");
	assert_int_equal(a.items[4].kind, ARGS_OPTION);
	assert_string_equal(a.items[4].value, "Port=1");
	assert_string_equal(a.config, "cfg");
	assert_string_equal(a.dest, "bob@h");
	assert_int_equal(a.dest_pos, 5);
	assert_int_equal(argv_parse(&a, (const char *[]){ "--", "-h", NULL }),
	    0);
	assert_string_equal(a.dest, "-h");
	assert_false(a.help);
	assert_int_equal(argv_parse(&a, (const char *[]){ "--help", NULL }), 0);
	assert_true(a.help);
	assert_int_equal(argv_parse(&a, (const char *[]){ "--version", NULL }),
	    0);
	assert_true(a.version);
	assert_int_equal(argv_parse(&a, (const char *[]){ "-Gv", "h", NULL }),
	    0);
	assert_true(a.dump_config);
}

static void
test_args_bad(void **state)
{
	const char *const *bad[] = {
		(const char *[]){ NULL },
		(const char *[]){ "-x", "h", NULL },
		(const char *[]){ "-p", NULL },
		(const char *[]){ "h", "-p", NULL },
		(const char *[]){ "-p", "0", "h", NULL },
		(const char *[]){ "-p", "70000", "h", NULL },
		(const char *[]){ "-F", "a", "-F", "b", "h", NULL },
		(const char *[]){ "-i", "", "h", NULL },
		(const char *[]){ "h", "ls", NULL },
		(const char *[]){ "--bogus", "h", NULL },
		(const char *[]){ "-vx", "h", NULL },
		(const char *[]){ "h", "--reason", NULL },
		(const char *[]){ "--reason", "a", "--reason=b", "h", NULL },
		(const char *[]){ "--reason=line\nbreak", "h", NULL },
		(const char *[]){ "--reason", "tab\there", "h", NULL },
		(const char *[]){ "--reason", "esc\x1b[2J", "h", NULL },
		(const char *[]){ "--reason", "del\x7f", "h", NULL },
		(const char *[]){ "--reasons=x", "h", NULL },
		(const char *[]){ "--view-only=yes", "h", NULL },
		(const char *[]){ "--exit-after-accepted", "h", NULL },
	};
	struct cli_args a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (argv_parse(&a, bad[i]) != -1 || err[0] == '\0') {
			print_error("case %zu accepted\n", i);
			fail();
		}
	}
}

/* --reason, --view-only, --exit-after-accept; the reason's limit is
 * the control protocol's, counted in bytes. */
static void
test_args_session(void **state)
{
	char r200[ARGS_MAX_REASON + 2];
	struct cli_args a;

	(void)state;
	assert_int_equal(argv_parse(&a, (const char *[]){ "h", NULL }), 0);
	assert_null(a.reason);
	assert_false(a.view_only);
	assert_false(a.exit_after_accept);
	assert_int_equal(argv_parse(&a, (const char *[]){ "--reason",
	    "ticket #4711: printer", "h", "--view-only", NULL }), 0);
	assert_string_equal(a.reason, "ticket #4711: printer");
	assert_true(a.view_only);
	assert_string_equal(a.dest, "h");
	assert_int_equal(argv_parse(&a, (const char *[]){ "--reason=x=y",
	    "--exit-after-accept", "h", NULL }), 0);
	assert_string_equal(a.reason, "x=y");
	assert_true(a.exit_after_accept);
	assert_int_equal(argv_parse(&a, (const char *[]){ "--reason=", "h",
	    NULL }), 0);
	assert_string_equal(a.reason, "");
	/* UTF-8 is text, not control characters */
	assert_int_equal(argv_parse(&a, (const char *[]){ "--reason",
	    "imprimante du 2\xc3\xa8me", "h", NULL }), 0);
	/* after "--" it is a destination, not an option */
	assert_int_equal(argv_parse(&a, (const char *[]){ "--",
	    "--view-only", NULL }), 0);
	assert_false(a.view_only);
	assert_int_equal(CTL_MAX_REASON, ARGS_MAX_REASON);
	memset(r200, 'r', ARGS_MAX_REASON);
	r200[ARGS_MAX_REASON] = '\0';
	assert_int_equal(argv_parse(&a, (const char *[]){ "--reason", r200,
	    "h", NULL }), 0);
	assert_int_equal(strlen(a.reason), ARGS_MAX_REASON);
	r200[ARGS_MAX_REASON] = 'r';
	r200[ARGS_MAX_REASON + 1] = '\0';
	assert_int_equal(argv_parse(&a, (const char *[]){ "--reason", r200,
	    "h", NULL }), -1);
	assert_string_equal(err, "--reason is 201 bytes long (at most 200)");
	assert_true(args_valid_reason(""));
	assert_false(args_valid_reason("a\rb"));
}

static void
test_dest(void **state)
{
	static const char *bad[] = {
		"", "h:0", "h:x", "@h", "u@", "[::1", "h;rm -rf", "-oProxyCommand=x",
		"a b@h", "u@h$(x)", "u`x`@h", "h'", "u;@h", "-u@h", "h\n",
		"ssh://h/path",
	};
	struct cli_dest d;
	size_t i;

	(void)state;
	assert_int_equal(args_parse_dest("bob@h.example:22", &d, err,
	    sizeof(err)), 0);
	assert_string_equal(d.user, "bob");
	assert_string_equal(d.host, "h.example");
	assert_int_equal(d.port, 22);
	args_dest_free(&d);
	assert_int_equal(args_parse_dest("[::1]:5922", &d, err, sizeof(err)),
	    0);
	assert_null(d.user);
	assert_string_equal(d.host, "::1");
	assert_int_equal(d.port, 5922);
	args_dest_free(&d);
	assert_int_equal(args_parse_dest("MACHINE$@h", &d, err, sizeof(err)),
	    0);
	args_dest_free(&d);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (args_parse_dest(bad[i], &d, err, sizeof(err)) != -1) {
			print_error("destination \"%s\" accepted\n", bad[i]);
			fail();
		}
		assert_null(d.host);
		assert_null(d.user);
	}
	assert_false(args_valid_user("a$b"));
	assert_true(args_valid_host("fe80::1"));
	assert_false(args_valid_host("fe80::1%eth0"));
}

static void
test_quote_escape_jump(void **state)
{
	char *s;

	(void)state;
	s = settings_shell_quote("it's");
	assert_string_equal(s, "'it'\\''s'");
	free(s);
	s = settings_shell_quote("");
	assert_string_equal(s, "''");
	free(s);
	s = settings_libssh_escape("a%h%%b");
	assert_string_equal(s, "a%%h%%%%b");
	free(s);
	s = settings_jump_command("j", "h", 5922, NULL, 0, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(s, "ssh -W '[h]:5922' -- 'j'");
	free(s);
	s = settings_jump_command("a@x:1,u@[::1]:2200", "::1", 7, "/c f", 2,
	    err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(s, "ssh -l 'u' -p 2200 -J 'a@x:1' -F '/c f' -vv "
	    "-W '[::1]:7' -- '::1'");
	free(s);
	assert_null(settings_jump_command("j;reboot", "h", 1, NULL, 0, err,
	    sizeof(err)));
	assert_null(settings_jump_command("x$(id),j", "h", 1, NULL, 0, err,
	    sizeof(err)));
	assert_null(settings_jump_command("-oProxyCommand=x", "h", 1, NULL, 0,
	    err, sizeof(err)));
	assert_null(settings_jump_command("j", "h'x", 1, NULL, 0, err,
	    sizeof(err)));
	assert_int_equal(connect_in_list("aes128-gcm@openssh.com",
	    CONNECT_CIPHERS), 1);
	assert_int_equal(connect_in_list("aes128-gcm", CONNECT_CIPHERS), 0);
	assert_int_equal(connect_in_list("openssh.com", CONNECT_CIPHERS), 0);
	assert_int_equal(connect_in_list("", CONNECT_CIPHERS), 0);
}

/* Settings from a config file in a scratch home. */
struct fixture {
	char dir[64];
	char cfg[128];
	struct cli_env env;
};

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int
resolve(struct fixture *fx, const char *const *words, struct cli_settings *s)
{
	struct cli_args a;

	assert_int_equal(argv_parse(&a, words), 0);
	return settings_resolve(&a, &fx->env, s, err, sizeof(err));
}

static void
test_settings(void **state)
{
	struct fixture fx;
	struct cli_settings s;
	char path[256];

	(void)state;
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/test_cli.XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	snprintf(path, sizeof(path), "%s/.ssh", fx.dir);
	assert_int_equal(mkdir(path, 0700), 0);
	fx.env.home = fx.dir;
	fx.env.local_user = "me";
	fx.env.uid = getuid();
	snprintf(fx.cfg, sizeof(fx.cfg), "%s/system_config", fx.dir);
	fx.env.system_config = fx.cfg;
	write_file(fx.cfg, "Host *\n HashKnownHosts yes\n Port 2\n", 0644);
	snprintf(path, sizeof(path), "%s/.ssh/config", fx.dir);
	write_file(path,
	    "Host alias\n"
	    "  HostName Real.Example\n"
	    "  User cfguser\n"
	    "  IdentityFile ~/.ssh/k_%r_%h_%p\n"
	    "  CertificateFile %d/c\n"
	    "  UserKnownHostsFile ~/kh\n"
	    "  StrictHostKeyChecking no\n"
	    "  ConnectTimeout 5\n"
	    "  ProxyCommand nc %h %p # %r\n", 0600);

	assert_int_equal(resolve(&fx, (const char *[]){ "alias", NULL }, &s),
	    CLI_EXIT_OK);
	assert_string_equal(s.hostname, "real.example");
	assert_string_equal(s.user, "cfguser");
	assert_int_equal(s.port, 2);	/* from the system file */
	assert_true(s.hash_known_hosts);
	snprintf(path, sizeof(path), "%s/.ssh/k_cfguser_real.example_2",
	    fx.dir);
	assert_string_equal(s.identities[0], path);
	assert_true(s.identity_given[0]);
	assert_int_equal(s.n_user_kh, 1);
	assert_int_equal(s.strict, SSHCONFIG_STRICT_OFF);
	assert_non_null(strstr(s.strict_origin, "config line 7"));
	assert_int_equal(s.timeout, 5);
	assert_string_equal(s.proxy_command, "nc real.example 2 # cfguser");
	assert_string_equal(s.kh_name, "[real.example]:2");
	settings_free(&s);

	/* Command line first, in order (as ssh): -p, -o, -i, user@. */
	assert_int_equal(resolve(&fx, (const char *[]){ "-p", "7", "-o",
	    "StrictHostKeyChecking=yes", "-i", "/k", "bob@alias", "-o",
	    "User=ignored", "-p", "8", NULL }, &s), CLI_EXIT_OK);
	assert_string_equal(s.user, "bob");
	assert_int_equal(s.port, 7);
	assert_int_equal(s.strict, SSHCONFIG_STRICT_YES);
	assert_string_equal(s.strict_origin, "the command line");
	assert_string_equal(s.identities[0], "/k");
	assert_int_equal(s.n_identities, 2);
	settings_free(&s);

	/* Defaults for an unconfigured host. */
	assert_int_equal(resolve(&fx, (const char *[]){ "-F", "none", "other",
	    NULL }, &s), CLI_EXIT_OK);
	assert_int_equal(s.port, ASSIST_DEFAULT_PORT);
	assert_string_equal(s.user, "me");
	assert_int_equal(s.strict, SSHCONFIG_STRICT_ASK);
	assert_int_equal(s.timeout, SETTINGS_DEFAULT_TIMEOUT);
	assert_int_equal(s.n_identities, 3);
	assert_false(s.identity_given[0]);
	assert_int_equal(s.n_user_kh, 2);
	assert_int_equal(s.n_global_kh, 2);
	assert_null(s.proxy_command);
	settings_free(&s);

	assert_int_equal(resolve(&fx, (const char *[]){ "-o", "User=first",
	    "bob@alias", NULL }, &s), CLI_EXIT_OK);
	assert_string_equal(s.user, "first");
	settings_free(&s);

	/* Errors: usage for the command line, config for the files. */
	assert_int_equal(resolve(&fx, (const char *[]){ "-p", "1", "h:2",
	    NULL }, &s), CLI_EXIT_USAGE);
	settings_free(&s);
	assert_int_equal(resolve(&fx, (const char *[]){ "h:2", "-o", "Port=1",
	    NULL }, &s), CLI_EXIT_OK);	/* :2 came first */
	assert_int_equal(s.port, 2);
	settings_free(&s);
	assert_int_equal(resolve(&fx, (const char *[]){ "-o", "Port=1", "h:2",
	    NULL }, &s), CLI_EXIT_USAGE);
	settings_free(&s);
	assert_int_equal(resolve(&fx, (const char *[]){ "-o", "Bogus=1", "h",
	    NULL }, &s), CLI_EXIT_USAGE);
	settings_free(&s);
	assert_int_equal(resolve(&fx, (const char *[]){ "-F", "/nonexistent",
	    "h", NULL }, &s), CLI_EXIT_CONFIG);
	settings_free(&s);
	assert_int_equal(resolve(&fx, (const char *[]){ "-o",
	    "HostName=a;b", "h", NULL }, &s), CLI_EXIT_CONFIG);
	assert_non_null(strstr(err, "invalid characters"));
	settings_free(&s);
	assert_int_equal(resolve(&fx, (const char *[]){ "-o",
	    "IdentityFile=%C", "h", NULL }, &s), CLI_EXIT_CONFIG);
	settings_free(&s);
	snprintf(path, sizeof(path), "%s/.ssh/config", fx.dir);
	chmod(path, 0666);
	assert_int_equal(resolve(&fx, (const char *[]){ "h", NULL }, &s),
	    CLI_EXIT_CONFIG);
	assert_non_null(strstr(err, "Bad owner or permissions"));
	settings_free(&s);

	snprintf(path, sizeof(path), "rm -rf '%s'", fx.dir);
	assert_int_equal(system(path), 0);
}

/* Builds "string type | string nonce? | fields" blobs. */
static size_t
blob(uint8_t *out, size_t max, const char *type, const char *nonce,
     const char *fields, size_t flen, const char *trailer)
{
	struct buf b;
	size_t n;

	buf_init(&b, max);
	buf_put_cstring(&b, type);
	if (nonce != NULL)
		buf_put_cstring(&b, nonce);
	buf_put_bytes(&b, fields, flen);
	if (trailer != NULL)
		buf_put_cstring(&b, trailer);
	n = buf_avail(&b);
	memcpy(out, buf_ptr(&b), n);
	buf_free(&b);
	return n;
}

static void
test_cert_matches(void **state)
{
	static const char pk[] = "\0\0\0\x20" "0123456789abcdef0123456789abcdef";
	static const char pk2[] = "\0\0\0\x20" "X123456789abcdef0123456789abcdef";
	uint8_t key[256], cert[256];
	size_t kl, cl;

	(void)state;
	kl = blob(key, sizeof(key), "ssh-ed25519", NULL, pk, 36, NULL);
	cl = blob(cert, sizeof(cert), "ssh-ed25519-cert-v01@openssh.com",
	    "nonce", pk, 36, "serial-and-more");
	assert_int_equal(auth_cert_matches(cert, cl, key, kl), 1);
	/* another key */
	cl = blob(cert, sizeof(cert), "ssh-ed25519-cert-v01@openssh.com",
	    "nonce", pk2, 36, "rest");
	assert_int_equal(auth_cert_matches(cert, cl, key, kl), 0);
	/* type not the key's certificate type */
	cl = blob(cert, sizeof(cert), "ecdsa-sha2-nistp256-cert-v01@openssh.com",
	    "nonce", pk, 36, "rest");
	assert_int_equal(auth_cert_matches(cert, cl, key, kl), 0);
	cl = blob(cert, sizeof(cert), "ssh-ed25519", "nonce", pk, 36, "rest");
	assert_int_equal(auth_cert_matches(cert, cl, key, kl), 0);
	/* nothing after the key fields: not a certificate */
	cl = blob(cert, sizeof(cert), "ssh-ed25519-cert-v01@openssh.com",
	    "nonce", pk, 36, NULL);
	assert_int_equal(auth_cert_matches(cert, cl, key, kl), 0);
	/* truncated blobs */
	cl = blob(cert, sizeof(cert), "ssh-ed25519-cert-v01@openssh.com",
	    "nonce", pk, 36, "rest");
	assert_int_equal(auth_cert_matches(cert, 10, key, kl), 0);
	assert_int_equal(auth_cert_matches(cert, cl, key, 3), 0);
	assert_int_equal(auth_cert_matches(cert, 0, key, 0), 0);
	/* sk keys: "@openssh.com" moves behind "-cert-v01" */
	kl = blob(key, sizeof(key), "sk-ssh-ed25519@openssh.com", NULL, pk, 36,
	    NULL);
	cl = blob(cert, sizeof(cert), "sk-ssh-ed25519-cert-v01@openssh.com",
	    "nonce", pk, 36, "rest");
	assert_int_equal(auth_cert_matches(cert, cl, key, kl), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_args_bad),
		cmocka_unit_test(test_args_session),
		cmocka_unit_test(test_dest),
		cmocka_unit_test(test_quote_escape_jump),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_cert_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
