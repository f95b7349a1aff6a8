/*
 * fileio: the two loops every reader and writer of small files needs,
 * written once: a bounded read of a whole file and a full write.
 */
#ifndef ASSIST_FILEIO_H
#define ASSIST_FILEIO_H

#include <stddef.h>

/*
 * Reads fd to its end into a new buffer (caller frees) of *len bytes,
 * plus a NUL after them so text can be used as a string. Returns NULL
 * with *err = EFBIG when there are more than max bytes, ENOMEM, or the
 * read(2) errno; on failure what was read is wiped before it is freed
 * (private keys are read here). Retries on EINTR.
 */
char *fileio_read_fd(int fd, size_t max, size_t *len, int *err);

/* Writes all n bytes (retrying on EINTR and short writes). 0, or -1 with
 * errno set (EIO when write(2) returned 0). */
int fileio_write_all(int fd, const void *p, size_t n);

#endif
