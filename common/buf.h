/*
 * buf: the one bounds-checked byte buffer through which every byte from
 * outside (network, IPC, key and certificate blobs) is read, after
 * OpenSSH's sshbuf. Readers never do pointer arithmetic on raw input:
 * every getter checks the remaining length and returns an error code.
 *
 * Wire encoding is SSH's (RFC 4251): big-endian integers, strings as a
 * u32 length followed by that many bytes.
 */
#ifndef ASSIST_BUF_H
#define ASSIST_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum {
	BUF_OK = 0,
	BUF_ERR_SHORT = -1,	/* fewer bytes left than the item needs */
	BUF_ERR_LIMIT = -2,	/* item or buffer larger than its limit */
	BUF_ERR_NOMEM = -3,
	BUF_ERR_FORMAT = -4,	/* e.g. a C string with an embedded NUL */
	BUF_ERR_READONLY = -5,	/* write to a view */
};

/*
 * A buffer owns its storage (buf_init) or is a read-only view of memory
 * owned by the caller (buf_view). Readable bytes are [off, len); writes
 * append at len and never grow past max.
 */
struct buf {
	uint8_t *data;
	size_t off;
	size_t len;
	size_t cap;
	size_t max;
	bool view;
};

/* Empty owned buffer that may grow to max bytes. */
void buf_init(struct buf *b, size_t max);
/* Read-only view of n bytes at p; p must outlive the view. */
void buf_view(struct buf *b, const void *p, size_t n);
/* Frees owned storage (wiped first) and leaves an empty buffer. */
void buf_free(struct buf *b);
/* Drops all content, keeps storage. */
void buf_reset(struct buf *b);

size_t buf_avail(const struct buf *b);		/* readable bytes */
const uint8_t *buf_ptr(const struct buf *b);	/* first readable byte */
/* Marks n readable bytes as consumed. */
int buf_consume(struct buf *b, size_t n);
/* Moves the readable bytes to the start of storage (owned buffers). */
void buf_compact(struct buf *b);
/* Room for n more bytes; returns a pointer to write them, or NULL. The
 * caller then calls buf_commit(b, written). */
uint8_t *buf_reserve(struct buf *b, size_t n);
void buf_commit(struct buf *b, size_t n);

int buf_get_u8(struct buf *b, uint8_t *v);
int buf_get_u16(struct buf *b, uint16_t *v);
int buf_get_u32(struct buf *b, uint32_t *v);
int buf_get_u64(struct buf *b, uint64_t *v);
int buf_get_bytes(struct buf *b, void *dst, size_t n);
/* SSH string: *p points into the buffer (valid until it is modified),
 * rejected with BUF_ERR_LIMIT when longer than maxlen. */
int buf_get_string_view(struct buf *b, size_t maxlen, const uint8_t **p,
			size_t *n);
/* SSH string copied to a new NUL-terminated C string (caller frees);
 * strings containing NUL are refused with BUF_ERR_FORMAT. */
int buf_get_cstring(struct buf *b, size_t maxlen, char **s);
/* A sub-buffer view of the next SSH string. */
int buf_get_sub(struct buf *b, size_t maxlen, struct buf *sub);

int buf_put_u8(struct buf *b, uint8_t v);
int buf_put_u16(struct buf *b, uint16_t v);
int buf_put_u32(struct buf *b, uint32_t v);
int buf_put_u64(struct buf *b, uint64_t v);
int buf_put_bytes(struct buf *b, const void *p, size_t n);
int buf_put_string(struct buf *b, const void *p, size_t n);
int buf_put_cstring(struct buf *b, const char *s);

/* Static text for a BUF_ERR_* code. */
const char *buf_strerror(int err);

#endif
