/*
 * revoked: RevokedKeys files, either OpenSSH KRLs (PROTOCOL.krl, made by
 * ssh-keygen -k: revoked serials, serial ranges, key IDs per CA, explicit
 * keys, SHA1 and SHA256 fingerprints) or plain lists of public keys, one
 * per line. Detected by the KRL magic "SSHKRL\n\0".
 */
#ifndef ASSIST_REVOKED_H
#define ASSIST_REVOKED_H

#include <stddef.h>
#include <stdint.h>
#include "common/cert.h"

#define REVOKED_MAX_FILE	(16u * 1024 * 1024)
#define REVOKED_MAX_FILES	8

struct revoked;		/* opaque: every file loaded so far */

struct revoked *revoked_new(void);
void revoked_free(struct revoked *r);

/*
 * Parses one file's content (named name in messages) into r. 0, or -1
 * with "name: reason" (or "name:line: reason" for a key list) in err.
 */
int revoked_add(struct revoked *r, const char *name, const uint8_t *data,
		size_t len, char *err, size_t errsz);

/*
 * 1 when the plain key blob, or the certificate (c not NULL: its serial,
 * key ID under its CA, its certified key, its CA key) is revoked, with
 * "serial 42 revoked by KRL FILE" style text in why; 0 when not.
 */
int revoked_check(const struct revoked *r, const uint8_t *keyblob,
		  size_t keylen, const struct cert *c, char *why,
		  size_t whysz);

#endif
