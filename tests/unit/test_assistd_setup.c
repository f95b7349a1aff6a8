/* Unit tests: assistd/listen.c (--listen parsing) and assistd/hostkey.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "assistd/hostkey.h"
#include "assistd/listen.h"

static void
test_listen_good(void **state)
{
	struct listen_addr a[LISTEN_MAX];
	char err[128], name[128];

	(void)state;
	assert_int_equal(listen_parse("127.0.0.1:2000", a, 8, err,
	    sizeof(err)), 1);
	listen_format((struct sockaddr *)&a[0].ss, a[0].len, name, sizeof(name));
	assert_string_equal(name, "127.0.0.1:2000");
	assert_int_equal(listen_parse("[::1]:0", a, 8, err, sizeof(err)), 1);
	listen_format((struct sockaddr *)&a[0].ss, a[0].len, name, sizeof(name));
	assert_string_equal(name, "[::1]:0");
	assert_int_equal(listen_parse("*:7000", a, 8, err, sizeof(err)), 2);
	listen_format((struct sockaddr *)&a[1].ss, a[1].len, name, sizeof(name));
	assert_string_equal(name, "[::]:7000");
	assert_int_equal(listen_parse("6000", a, 8, err, sizeof(err)), 2);
	assert_int_equal(listen_parse("10.1.2.3", a, 8, err, sizeof(err)), 1);
	listen_format((struct sockaddr *)&a[0].ss, a[0].len, name, sizeof(name));
	assert_string_equal(name, "10.1.2.3:5922");
	assert_int_equal(listen_parse("::1", a, 8, err, sizeof(err)), 1);
}

static void
test_listen_bad(void **state)
{
	static const char *bad[] = {
		"", ":", "host.example:22", "127.0.0.1:", "127.0.0.1:65536",
		"127.0.0.1:-1", "127.0.0.1:1x", "[::1", "[::1]x", "[]:5",
		"[::1]:", "1.2.3.4.5:6", "*:", "localhost",
	};
	struct listen_addr a[LISTEN_MAX];
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (listen_parse(bad[i], a, 8, err, sizeof(err)) != -1)
			fail_msg("accepted bad --listen '%s'", bad[i]);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(listen_parse("*:1", a, 1, err, sizeof(err)), -1);
	assert_int_equal(listen_parse("1.2.3.4:1", a, 0, err, sizeof(err)), -1);
}

static char tmpdir[64];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/assist-hk.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_hostkey_create_reload(void **state)
{
	char dir[128], path[160], err[256], fp1[128], fp2[128];
	ssh_key k1 = NULL, k2 = NULL;
	struct stat st;
	int created;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/a/b/assist", tmpdir);
	assert_int_equal(hostkey_prepare_dir(dir, err, sizeof(err)), 0);
	assert_int_equal(hostkey_load_or_create(dir, &k1, &created, err,
	    sizeof(err)), 0);
	assert_int_equal(created, 1);
	snprintf(path, sizeof(path), "%s/%s", dir, HOSTKEY_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(hostkey_load_or_create(dir, &k2, &created, err,
	    sizeof(err)), 0);
	assert_int_equal(created, 0);
	assert_int_equal(hostkey_fingerprint(k1, fp1, sizeof(fp1)), 0);
	assert_int_equal(hostkey_fingerprint(k2, fp2, sizeof(fp2)), 0);
	assert_string_equal(fp1, fp2);
	assert_true(strncmp(fp1, "SHA256:", 7) == 0);
	ssh_key_free(k2);
	k2 = NULL;

	/* Readable by group: refused, naming the file. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(hostkey_load_or_create(dir, &k2, &created, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "accessible by others"));
	assert_null(k2);

	/* A symlink in place of the key is not followed. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(hostkey_load_or_create(dir, &k2, &created, err,
	    sizeof(err)), -1);
	assert_null(k2);

	/* Garbage in the key file. */
	assert_int_equal(unlink(path), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a key\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(hostkey_load_or_create(dir, &k2, &created, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a valid"));
	ssh_key_free(k1);
}

static void
test_hostkey_unsafe_dir(void **state)
{
	char dir[128], err[256];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/open", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(hostkey_prepare_dir(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by group or others"));
	assert_int_equal(hostkey_prepare_dir("relative/dir", err,
	    sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_good),
		cmocka_unit_test(test_listen_bad),
		cmocka_unit_test_setup_teardown(test_hostkey_create_reload,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_hostkey_unsafe_dir,
		    setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
