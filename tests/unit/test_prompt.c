/* Unit tests: assist-cli/prompt.c's askpass side: where a question goes
 * (OpenSSH's SSH_ASKPASS_REQUIRE rules) and running a real askpass
 * program (answer, cancel, missing program, long output, nothing of
 * ours inherited). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "assist-cli/prompt.h"

static char dir[] = "/tmp/test_prompt.XXXXXX";
static char path[sizeof(dir) + 32];

/* Writes an executable shell script $dir/NAME with body; its path in
 * path. */
static const char *
script(const char *name, const char *body)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0700), 0);
	return path;
}

static void
test_choose(void **state)
{
	(void)state;
	/* Unset: the terminal; without one, the askpass with a display. */
	assert_int_equal(prompt_choose(NULL, true, true), PROMPT_VIA_TTY);
	assert_int_equal(prompt_choose(NULL, false, true), PROMPT_VIA_TTY);
	assert_int_equal(prompt_choose(NULL, true, false), PROMPT_VIA_ASKPASS);
	assert_int_equal(prompt_choose(NULL, false, false), PROMPT_VIA_NONE);
	/* force: the askpass, display or not, terminal or not. */
	assert_int_equal(prompt_choose("force", false, true),
	    PROMPT_VIA_ASKPASS);
	assert_int_equal(prompt_choose("FORCE", false, false),
	    PROMPT_VIA_ASKPASS);
	/* prefer: the askpass when there is a display. */
	assert_int_equal(prompt_choose("prefer", true, true),
	    PROMPT_VIA_ASKPASS);
	assert_int_equal(prompt_choose("prefer", false, true), PROMPT_VIA_TTY);
	assert_int_equal(prompt_choose("prefer", false, false),
	    PROMPT_VIA_NONE);
	/* never: only the terminal. */
	assert_int_equal(prompt_choose("never", true, true), PROMPT_VIA_TTY);
	assert_int_equal(prompt_choose("never", true, false), PROMPT_VIA_NONE);
	/* Anything else is as unset. */
	assert_int_equal(prompt_choose("", true, false), PROMPT_VIA_ASKPASS);
	assert_int_equal(prompt_choose("yes", false, true), PROMPT_VIA_TTY);
}

static void
test_askpass_answers(void **state)
{
	char a[64];

	(void)state;
	/* The question is its argument; the first line is the answer. */
	script("echo", "printf '%s\\r\\nsecond line\\n' \"got $1\"");
	assert_int_equal(prompt_askpass(path, "One-time code: ", a,
	    sizeof(a)), PROMPT_OK);
	assert_string_equal(a, "got One-time code: ");
	/* No newline at all. */
	script("bare", "printf 1234");
	assert_int_equal(prompt_askpass(path, "q", a, sizeof(a)), PROMPT_OK);
	assert_string_equal(a, "1234");
	/* Longer than the buffer: cut, the rest drained (no SIGPIPE
	 * death, no hang). */
	script("long", "head -c 100000 /dev/zero | tr '\\0' 7");
	assert_int_equal(prompt_askpass(path, "q", a, 8), PROMPT_OK);
	assert_string_equal(a, "7777777");
	/* Empty output is an empty answer. */
	script("empty", "exit 0");
	assert_int_equal(prompt_askpass(path, "q", a, sizeof(a)), PROMPT_OK);
	assert_string_equal(a, "");
}

static void
test_askpass_cancel_and_errors(void **state)
{
	char a[64];

	(void)state;
	/* Cancel: non-zero exit; what it printed is not an answer. */
	script("cancel", "echo 4821; exit 1");
	memset(a, 'x', sizeof(a));
	assert_int_equal(prompt_askpass(path, "q", a, sizeof(a)), PROMPT_EOF);
	assert_string_equal(a, "");
	/* Killed by a signal: cancelled too. */
	script("killed", "echo 4821; kill -9 $$");
	assert_int_equal(prompt_askpass(path, "q", a, sizeof(a)), PROMPT_EOF);
	assert_string_equal(a, "");
	/* A program that does not exist cannot run. */
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(prompt_askpass(path, "q", a, sizeof(a)),
	    PROMPT_ERROR);
	assert_int_equal(prompt_askpass("no-such-askpass-in-path", "q", a,
	    sizeof(a)), PROMPT_ERROR);
}

static void
test_askpass_inherits_nothing(void **state)
{
	char a[2048], marker[sizeof(dir) + 16];
	int fd;

	(void)state;
	/* A file of ours open without close-on-exec (as a socket could be)
	 * must not reach the askpass: it prints where each of its fds
	 * points (without a pipeline, whose own pipes would show). */
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	assert_true((fd = open(marker, O_RDWR | O_CREAT, 0600)) > 2);
	script("fds", "for f in /proc/$$/fd/*; do readlink \"$f\"; done | "
	    "tr '\\n' ' '");
	assert_int_equal(prompt_askpass(path, "q", a, sizeof(a)), PROMPT_OK);
	close(fd);
	assert_non_null(strstr(a, "/"));	/* it did list something */
	if (strstr(a, "marker") != NULL)
		fail_msg("askpass inherited our fd %d: %s", fd, a);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[sizeof(dir) + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_askpass_answers),
		cmocka_unit_test(test_askpass_cancel_and_errors),
		cmocka_unit_test(test_askpass_inherits_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
