/*
 * b64: strict standard base64 (RFC 4648 §4) as used in OpenSSH key files.
 */
#ifndef ASSIST_B64_H
#define ASSIST_B64_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes n characters of s (no whitespace; '=' padding optional, only at
 * the end) into a new buffer of *outlen bytes, at most maxout. Returns the
 * buffer (caller frees) or NULL for invalid input or over maxout.
 */
uint8_t *b64_decode(const char *s, size_t n, size_t maxout, size_t *outlen);

/* Encodes n bytes to a new NUL-terminated string with padding (caller
 * frees); NULL on allocation failure. */
char *b64_encode(const uint8_t *p, size_t n);

#endif
