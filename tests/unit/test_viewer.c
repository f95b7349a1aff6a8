/* Unit tests: the pure parts of assist-cli's screen options and viewer:
 * --vnc-listen parsing, loopback detection, window fit, coordinate
 * mapping both ways, the title. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "assist-cli/args.h"
#include "assist-cli/viewer.h"
#include "assist-cli/vnclisten.h"

static void
test_listen_good(void **state)
{
	struct args_listen l;
	char err[128];

	(void)state;
	assert_int_equal(args_parse_listen("5901", &l, err, sizeof(err)), 0);
	assert_string_equal(l.addr, "127.0.0.1");
	assert_false(l.addr_given);
	assert_int_equal(l.port, 5901);
	assert_int_equal(args_parse_listen("0", &l, err, sizeof(err)), 0);
	assert_int_equal(l.port, 0);
	assert_int_equal(args_parse_listen("127.0.0.2:65535", &l, err,
	    sizeof(err)), 0);
	assert_string_equal(l.addr, "127.0.0.2");
	assert_true(l.addr_given);
	assert_int_equal(l.port, 65535);
	assert_int_equal(args_parse_listen("[::1]:5900", &l, err,
	    sizeof(err)), 0);
	assert_string_equal(l.addr, "::1");
	assert_int_equal(args_parse_listen("0.0.0.0:5900", &l, err,
	    sizeof(err)), 0);
	assert_true(l.addr_given);
}

/* 70 digits: longer than ARGS_MAX_ADDR. */
#define LONG_ADDR "1234567890123456789012345678901234567890" \
	"123456789012345678901234567890"

static void
test_listen_bad(void **state)
{
	static const char *bad[] = { "", "65536", "99999999", "-1", "59a",
	    "host:5900", "example.org:1", ":5900", "127.0.0.1:", "[::1]:",
	    "1.2.3.4:5:6x", "127.0.0.1:+5", "[]:5900",
	    LONG_ADDR ":1" };
	struct args_listen l;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(args_parse_listen(bad[i], &l, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "--vnc-listen"));
	}
}

static void
test_args(void **state)
{
	char *ok[] = { "assist-cli", "--snapshot=/tmp/x.png",
	    "--pixel-format", "16", "h", NULL };
	char *both[] = { "assist-cli", "--snapshot", "x", "--vnc-listen",
	    "0", "h", NULL };
	char *pf[] = { "assist-cli", "--pixel-format=24", "h", NULL };
	char *pfv[] = { "assist-cli", "--pixel-format=8", "--vnc-listen=1",
	    "h", NULL };
	char *twice[] = { "assist-cli", "--snapshot", "a", "--snapshot", "b",
	    "h", NULL };
	char *noval[] = { "assist-cli", "h", "--snapshot", NULL };
	struct cli_args a;
	char err[256];

	(void)state;
	assert_int_equal(args_parse(5, ok, &a, err, sizeof(err)), 0);
	assert_string_equal(a.snapshot, "/tmp/x.png");
	assert_int_equal(a.pixel_format, 16);
	assert_int_equal(args_parse(6, both, &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exclude"));
	assert_int_equal(args_parse(3, pf, &a, err, sizeof(err)), -1);
	assert_int_equal(args_parse(4, pfv, &a, err, sizeof(err)), -1);
	assert_int_equal(args_parse(6, twice, &a, err, sizeof(err)), -1);
	assert_int_equal(args_parse(3, noval, &a, err, sizeof(err)), -1);
}

static void
test_loopback(void **state)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	inet_pton(AF_INET, "127.4.5.6", &in.sin_addr);
	assert_true(vnclisten_is_loopback((struct sockaddr *)&in));
	inet_pton(AF_INET, "10.0.0.1", &in.sin_addr);
	assert_false(vnclisten_is_loopback((struct sockaddr *)&in));
	inet_pton(AF_INET, "0.0.0.0", &in.sin_addr);
	assert_false(vnclisten_is_loopback((struct sockaddr *)&in));
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	assert_true(vnclisten_is_loopback((struct sockaddr *)&in6));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
	assert_true(vnclisten_is_loopback((struct sockaddr *)&in6));
	inet_pton(AF_INET6, "::ffff:192.168.0.1", &in6.sin6_addr);
	assert_false(vnclisten_is_loopback((struct sockaddr *)&in6));
	inet_pton(AF_INET6, "::", &in6.sin6_addr);
	assert_false(vnclisten_is_loopback((struct sockaddr *)&in6));
}

/* The refusal of an unnamed non-loopback address cannot be reached from
 * the command line (the default is loopback); the socket code still
 * refuses it. */
static void
test_open_refuses(void **state)
{
	struct args_listen l = { "0.0.0.0", false, 0 };
	char err[256];
	int port;

	(void)state;
	assert_int_equal(vnclisten_open(&l, &port, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a loopback"));
}

static void
test_fit(void **state)
{
	unsigned w, h;

	(void)state;
	viewer_fit(800, 600, 1920, 1080, &w, &h);	/* fits: as is */
	assert_int_equal(w, 800);
	assert_int_equal(h, 600);
	viewer_fit(1920, 1080, 1024, 768, &w, &h);	/* width decides */
	assert_true(w <= 1024 - VIEWER_MARGIN - 2 * VIEWER_BORDER);
	assert_int_equal(w, 1024 - VIEWER_MARGIN - 2 * VIEWER_BORDER);
	assert_int_equal(h, 1080u * w / 1920);
	viewer_fit(1000, 3000, 1920, 1080, &w, &h);	/* height decides */
	assert_int_equal(h, 1080 - VIEWER_MARGIN - 2 * VIEWER_BORDER);
	assert_true(w <= 1000u * h / 3000 + 1);
	viewer_fit(16384, 1, 800, 600, &w, &h);		/* never 0 */
	assert_true(w >= 1 && h >= 1);
	viewer_fit(0, 0, 800, 600, &w, &h);
	assert_int_equal(w, 1);
	assert_int_equal(h, 1);
	viewer_fit(500, 500, 10, 10, &w, &h);		/* tiny screen */
	assert_int_equal(w, 1);
	assert_int_equal(h, 1);
}

static void
test_mapping(void **state)
{
	unsigned x;

	(void)state;
	/* 1:1 */
	for (x = 0; x < 100; x++) {
		assert_int_equal(viewer_to_remote((int)x, 100, 100), x);
		assert_int_equal(viewer_to_window(x, 100, 100), x);
	}
	/* halved: window x shows remote 2x; its inverse lands on it */
	assert_int_equal(viewer_to_remote(10, 960, 1920), 20);
	assert_int_equal(viewer_to_window(20, 1920, 960), 10);
	assert_int_equal(viewer_to_remote(959, 960, 1920), 1918);
	/* clamped */
	assert_int_equal(viewer_to_remote(-5, 960, 1920), 0);
	assert_int_equal(viewer_to_remote(5000, 960, 1920), 1919);
	assert_int_equal(viewer_to_remote(3, 960, 0), 0);
	assert_int_equal(viewer_to_window(3, 0, 960), 0);
	/* every window pixel maps inside; the last one near the end */
	for (x = 0; x < 947; x++)
		assert_true(viewer_to_remote((int)x, 947, 16384) < 16384);
	assert_true(viewer_to_remote(946, 947, 16384) >= 16384 - 18);
}

static void
test_title(void **state)
{
	char t[VIEWER_MAX_TITLE];

	(void)state;
	viewer_title(t, sizeof(t), "bob@ws42", true);
	assert_string_equal(t, "assist: bob@ws42 \xe2\x80\x94 view only");
	viewer_title(t, sizeof(t), "bob@ws42", false);
	assert_string_equal(t, "assist: bob@ws42 \xe2\x80\x94 control");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_good),
		cmocka_unit_test(test_listen_bad),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_open_refuses),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_title),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
