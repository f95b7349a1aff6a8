/* fileio: bounded whole-file read and full write; see fileio.h. */
#include "common/fileio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
fileio_read_fd(int fd, size_t max, size_t *len, int *err)
{
	size_t cap = max + 1, n = 0;	/* one spare byte detects "too big" */
	char *buf = malloc(cap + 1);

	*len = 0;
	if (buf == NULL) {
		*err = ENOMEM;
		return NULL;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = errno;
			explicit_bzero(buf, n);
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			*err = EFBIG;
			explicit_bzero(buf, n);
			free(buf);
			return NULL;
		}
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
fileio_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}
