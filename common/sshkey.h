/*
 * sshkey: OpenSSH public key blobs (RFC 4253 §6.6, PROTOCOL.certkeys,
 * PROTOCOL.u2f): parsing through buf.h, SHA256 fingerprints, and
 * conversion to libcrypto keys. The types we know:
 *   ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa,
 *   sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com
 * and their -cert-v01@openssh.com certificate forms (see cert.h).
 */
#ifndef ASSIST_SSHKEY_H
#define ASSIST_SSHKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>

struct buf;

#define SSHKEY_MAX_BLOB		16384	/* any key or certificate blob */
#define SSHKEY_FP_LEN		64	/* "SHA256:" + 43 base64 + NUL fits */
#define SSHKEY_MIN_RSA_BITS	2048
#define SSHKEY_MAX_RSA_BITS	16384	/* as OpenSSH */
#define SSHKEY_MAX_NAME		64	/* key type or algorithm name */
#define SSHKEY_MAX_APP		1024	/* sk application string */

enum sshkey_type {
	SSHKEY_UNKNOWN = 0,
	SSHKEY_ED25519,
	SSHKEY_ECDSA_P256,
	SSHKEY_ECDSA_P384,
	SSHKEY_ECDSA_P521,
	SSHKEY_RSA,
	SSHKEY_SK_ED25519,
	SSHKEY_SK_ECDSA_P256,
};

/* A parsed plain public key; pointers are views into the blob given to
 * sshkey_parse (which must outlive this struct). */
struct sshkey {
	enum sshkey_type type;
	const uint8_t *blob;	/* the whole plain key blob */
	size_t blob_len;
	const uint8_t *pk;	/* ed25519: 32 bytes; ecdsa: SEC1 point */
	size_t pk_len;
	const uint8_t *rsa_e, *rsa_n;	/* magnitudes: no sign byte */
	size_t rsa_e_len, rsa_n_len;
	const char *sk_app;	/* sk keys: application (view, not NUL-term.) */
	size_t sk_app_len;
};

/* Type from its SSH name ("ssh-ed25519"...), or SSHKEY_UNKNOWN. Plain
 * key names only; certificate names are cert.h's. */
enum sshkey_type sshkey_type_from_name(const char *name, size_t len);
const char *sshkey_type_name(enum sshkey_type t);

/*
 * Parses a plain public key blob; rejects trailing bytes, bad curve
 * names, invalid points, RSA keys under SSHKEY_MIN_RSA_BITS. 0, or -1
 * with a one-line reason in err.
 */
int sshkey_parse(const uint8_t *blob, size_t len, struct sshkey *k,
		 char *err, size_t errsz);

/*
 * Reads the fields of a type-t key that follow its type name (as they
 * also appear inside a certificate) from b, with the same checks as
 * sshkey_parse except trailing bytes; k's pointers are views into b's
 * memory and k->blob is left NULL. 0, or -1 with a reason in err.
 */
int sshkey_parse_fields(struct buf *b, enum sshkey_type t, struct sshkey *k,
			char *err, size_t errsz);

/*
 * Reads an SSH mpint (RFC 4251 §5) that must be non-negative and
 * minimally encoded, at most maxlen bytes on the wire; *p and *n get its
 * magnitude without the sign byte (a view into b). BUF_OK, or a BUF_ERR_*
 * code (BUF_ERR_FORMAT for negative or padded encodings).
 */
int sshkey_get_mpint(struct buf *b, size_t maxlen, const uint8_t **p,
		     size_t *n);

/* A new libcrypto public key for k (caller frees with EVP_PKEY_free), or
 * NULL with a reason in err. sk keys give their underlying key. */
EVP_PKEY *sshkey_to_evp(const struct sshkey *k, char *err, size_t errsz);

/* "SHA256:<unpadded base64>" of a blob, as ssh-keygen -l prints; "" if
 * out is too small or memory runs out. */
void sshkey_fingerprint(const uint8_t *blob, size_t len, char *out,
			size_t outsz);

#endif
