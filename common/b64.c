/* b64: strict base64; see b64.h. Hand-written because OpenSSL's
 * EVP_DecodeBlock accepts whitespace and does not report padding. */
#include "common/b64.h"

#include <stdlib.h>
#include <string.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(b64_alphabet, c);
	return p == NULL ? -1 : (int)(p - b64_alphabet);
}

uint8_t *
b64_decode(const char *s, size_t n, size_t maxout, size_t *outlen)
{
	size_t i, o = 0, pad = 0, full;
	uint32_t acc = 0;
	unsigned bits = 0;
	uint8_t *out;

	while (pad < 2 && n > 0 && s[n - 1] == '=') {
		n--;
		pad++;
	}
	if (n % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0))
		return NULL;
	full = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
	if (full > maxout)
		return NULL;
	if ((out = malloc(full ? full : 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		int v = b64_value(s[i]);

		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be zero (canonical encoding). */
	if ((acc & ((1u << bits) - 1)) != 0) {
		free(out);
		return NULL;
	}
	*outlen = o;
	return out;
}

char *
b64_encode(const uint8_t *p, size_t n)
{
	size_t i, o = 0;
	char *s;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
		return NULL;
	if ((s = malloc((n + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = ((uint32_t)p[i] << 16) | ((uint32_t)p[i + 1] << 8) |
		    p[i + 2];
		s[o++] = b64_alphabet[(v >> 18) & 63];
		s[o++] = b64_alphabet[(v >> 12) & 63];
		s[o++] = b64_alphabet[(v >> 6) & 63];
		s[o++] = b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		s[o++] = b64_alphabet[(v >> 18) & 63];
		s[o++] = b64_alphabet[(v >> 12) & 63];
		s[o++] = '=';
		s[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = ((uint32_t)p[i] << 16) | ((uint32_t)p[i + 1] << 8);
		s[o++] = b64_alphabet[(v >> 18) & 63];
		s[o++] = b64_alphabet[(v >> 12) & 63];
		s[o++] = b64_alphabet[(v >> 6) & 63];
		s[o++] = '=';
	}
	s[o] = '\0';
	return s;
}
