/*
 * revoked: RevokedKeys files, either OpenSSH KRLs (PROTOCOL.krl, made by
 * ssh-keygen -k: revoked serials, serial ranges and bitmaps, key IDs per
 * CA or for any CA, explicit keys, SHA1 and SHA256 fingerprints) or plain
 * lists of public keys, one per line. Detected by the KRL magic
 * "SSHKRL\n\0", as sshd's sshkey_check_revoked() does.
 *
 * Semantics are OpenSSH's (krl.c, authfile.c sshkey_in_file): a KRL
 * signature section is skipped unverified, as current sshd does (the
 * file is trusted through its permissions); an unknown critical
 * extension, serial 0, a wrapping bitmap or any framing error refuses
 * the whole file. The caller must then refuse every key (fail closed,
 * like sshd). Memory stays within a small multiple of the file sizes:
 * at most 1024 CA keys, 2^20 serial ranges and 2^20 keys, hashes and
 * key IDs over all files; bitmaps of at most 2048 bytes (16384 serials);
 * key IDs of at most CERT_MAX_STR bytes.
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
 * Parses one file's content (named name in messages; data is copied)
 * into r. 0, or -1 with "name: KRL byte N: reason" (or "name:line:
 * reason" for a key list) in err, and r unchanged.
 */
int revoked_add(struct revoked *r, const char *name, const uint8_t *data,
		size_t len, char *err, size_t errsz);

/*
 * 1 when revoked by any file loaded: the plain key keyblob (may be NULL)
 * explicitly or by SHA1/SHA256 hash; or, with c not NULL, the certified
 * key c->key_blob likewise, c's key ID or serial (not 0) under the
 * section for c->ca_blob or for any CA, or the CA key c->ca_blob itself.
 * why then says which and where: "serial 42 revoked by KRL FILE (CA
 * SHA256:...)", "key SHA256:... revoked by FILE:3". 0 when not.
 */
int revoked_check(const struct revoked *r, const uint8_t *keyblob,
		  size_t keylen, const struct cert *c, char *why,
		  size_t whysz);

#endif
