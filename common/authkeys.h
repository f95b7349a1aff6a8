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
#define AUTHKEYS_MAX_FILE	(4u * 1024 * 1024)	/* largest file read */
#define AUTHKEYS_MIN_RSA_BITS	2048	/* shorter RSA keys are refused */

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
 * Parses text (len bytes, named name in messages): blank lines and '#'
 * comments are skipped; every other line must be "type base64 [comment]"
 * with a plain key of an accepted type (ed25519, ecdsa, rsa >= 2048 bits,
 * sk-ed25519, sk-ecdsa) whose blob is well formed. Returns 0, or -1 with
 * "name:line: reason" in err (errsz bytes) and *out empty. The caller
 * frees with authkeys_free.
 */
int authkeys_parse(const char *name, const char *text, size_t len,
		   struct authkeys *out, char *err, size_t errsz);
/* Reads and parses a file; refuses anything but a regular file owned by
 * the caller or root, not writable by group or others, at most
 * AUTHKEYS_MAX_FILE bytes. 0, or -1 with "path[:line]: reason" in err. */
int authkeys_load(const char *path, struct authkeys *out, char *err,
		  size_t errsz);
/* Index of the key whose blob equals blob, or -1. */
int authkeys_find(const struct authkeys *ak, const uint8_t *blob,
		  size_t len);
void authkeys_free(struct authkeys *ak);

#endif
