/*
 * authkeys: the interim list of accepted helper keys (assistd
 * --authorized-keys FILE), in OpenSSH authorized_keys syntax restricted
 * to "keytype base64 [comment]" lines. Lines with options are refused,
 * not ignored: the access-policy issue replaces this with the full policy.
 */
#ifndef ASSIST_AUTHKEYS_H
#define ASSIST_AUTHKEYS_H

#include <stddef.h>
#include <stdint.h>

#define AUTHKEYS_MAX_KEYS	1024
#define AUTHKEYS_MAX_LINE	8192
#define AUTHKEYS_MAX_BLOB	4096

struct authkey {
	char *type;		/* key type name from the line */
	uint8_t *blob;		/* decoded key blob */
	size_t blob_len;
	char *comment;		/* may be "" */
};

struct authkeys {
	struct authkey *keys;
	size_t n;
};

/*
 * Parses text (len bytes, named name in messages). On error returns -1
 * and writes "name:line: reason" to err (errsz bytes). The caller frees
 * with authkeys_free.
 */
int authkeys_parse(const char *name, const char *text, size_t len,
		   struct authkeys *out, char *err, size_t errsz);
/* Reads and parses a file; refuses files writable by others. */
int authkeys_load(const char *path, struct authkeys *out, char *err,
		  size_t errsz);
/* Index of the key whose blob equals blob, or -1. */
int authkeys_find(const struct authkeys *ak, const uint8_t *blob,
		  size_t len);
void authkeys_free(struct authkeys *ak);

#endif
