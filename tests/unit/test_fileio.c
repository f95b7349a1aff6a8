/* Unit tests: common/fileio.c (bounded read, full write). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/fileio.h"

/* A pipe holding n bytes of 'x', write end closed; returns the read end. */
static int
pipe_with(size_t n)
{
	char buf[4096];
	int fd[2];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(pipe(fd), 0);
	assert_true(n <= 60000);	/* fits the pipe buffer */
	while (n > 0) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);

		assert_int_equal(fileio_write_all(fd[1], buf, k), 0);
		n -= k;
	}
	close(fd[1]);
	return fd[0];
}

static void
test_read_bounds(void **state)
{
	size_t len;
	int fd, err = 0;
	char *p;

	(void)state;
	fd = pipe_with(1000);
	p = fileio_read_fd(fd, 1000, &len, &err);	/* exactly max */
	close(fd);
	assert_non_null(p);
	assert_int_equal(len, 1000);
	assert_int_equal(p[1000], '\0');
	free(p);
	fd = pipe_with(1001);
	p = fileio_read_fd(fd, 1000, &len, &err);	/* one over */
	close(fd);
	assert_null(p);
	assert_int_equal(err, EFBIG);
	assert_int_equal(len, 0);
	fd = pipe_with(0);
	p = fileio_read_fd(fd, 0, &len, &err);
	close(fd);
	assert_non_null(p);
	assert_int_equal(len, 0);
	free(p);
	p = fileio_read_fd(-1, 10, &len, &err);		/* bad fd */
	assert_null(p);
	assert_int_equal(err, EBADF);
	assert_int_equal(fileio_write_all(-1, "x", 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
