/*
 * keysig: SSH signature blobs verified with libcrypto's EVP interface.
 * Formats: RFC 4253 §6.6 (string algorithm, string signature), RFC 5656
 * (ECDSA: mpint r, mpint s inside the signature string), RFC 8332
 * (rsa-sha2-256/512, PKCS#1 v1.5), PROTOCOL.u2f (sk: byte flags and
 * uint32 counter after the signature string; the key signed
 * SHA256(application) || flags || counter || SHA256(data)).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "common/buf.h"
#include "common/keysig.h"
#include "common/log.h"

#define KEYSIG_ED25519_LEN	64
#define KEYSIG_MAX_SIG		4096	/* raw signature inside the blob */
#define KEYSIG_MAX_ECDSA_INT	67	/* P-521 scalar plus a sign byte */
#define KEYSIG_SHA256_LEN	32
/* SHA256(app) || flags || counter || SHA256(data) */
#define KEYSIG_SK_MSG_LEN	(KEYSIG_SHA256_LEN + 1 + 4 + KEYSIG_SHA256_LEN)

struct keysig_alg {
	const char *name;
	enum sshkey_type key;
	const EVP_MD *(*md)(void);	/* NULL: Ed25519 (no pre-hash) */
};

static const struct keysig_alg keysig_algs[] = {
	{ "ssh-ed25519", SSHKEY_ED25519, NULL },
	{ "ecdsa-sha2-nistp256", SSHKEY_ECDSA_P256, EVP_sha256 },
	{ "ecdsa-sha2-nistp384", SSHKEY_ECDSA_P384, EVP_sha384 },
	{ "ecdsa-sha2-nistp521", SSHKEY_ECDSA_P521, EVP_sha512 },
	{ "rsa-sha2-256", SSHKEY_RSA, EVP_sha256 },
	{ "rsa-sha2-512", SSHKEY_RSA, EVP_sha512 },
	{ "sk-ssh-ed25519@openssh.com", SSHKEY_SK_ED25519, NULL },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", SSHKEY_SK_ECDSA_P256,
	  EVP_sha256 },
};
#define KEYSIG_NALGS (sizeof(keysig_algs) / sizeof(keysig_algs[0]))

/* One signature blob taken apart. */
struct keysig_parts {
	const struct keysig_alg *alg;
	const uint8_t *raw;	/* the signature string's content */
	size_t raw_len;
	struct keysig_sk sk;
};

static int
keysig_fail(char *err, size_t errsz, const char *what)
{
	snprintf(err, errsz, "%s", what);
	return -1;
}

static bool
keysig_is_sk(enum sshkey_type t)
{
	return t == SSHKEY_SK_ED25519 || t == SSHKEY_SK_ECDSA_P256;
}

static int
keysig_find_alg(const uint8_t *name, size_t len, enum sshkey_type key,
		const struct keysig_alg **out, char *err, size_t errsz)
{
	char shown[SSHKEY_MAX_NAME * 4 + 8];
	size_t i;

	log_sanitize(shown, sizeof(shown), (const char *)name, len);
	if (len == 7 && memcmp(name, "ssh-rsa", 7) == 0) {
		snprintf(err, errsz, "ssh-rsa (SHA-1) signatures are refused");
		return -1;
	}
	for (i = 0; i < KEYSIG_NALGS; i++) {
		if (strlen(keysig_algs[i].name) != len ||
		    memcmp(keysig_algs[i].name, name, len) != 0)
			continue;
		if (keysig_algs[i].key != key) {
			snprintf(err, errsz, "signature algorithm %s does not "
			    "fit a %s key", shown, sshkey_type_name(key));
			return -1;
		}
		*out = &keysig_algs[i];
		return 0;
	}
	snprintf(err, errsz, "unsupported signature algorithm %s", shown);
	return -1;
}

static int
keysig_split(const struct sshkey *key, const uint8_t *sig, size_t siglen,
	     struct keysig_parts *pt, char *err, size_t errsz)
{
	struct buf b;
	const uint8_t *name;
	size_t nlen;

	memset(pt, 0, sizeof(*pt));
	buf_view(&b, sig, siglen);
	if (buf_get_string_view(&b, SSHKEY_MAX_NAME, &name, &nlen) != BUF_OK)
		return keysig_fail(err, errsz, "signature: bad algorithm "
		    "name");
	if (keysig_find_alg(name, nlen, key->type, &pt->alg, err, errsz) != 0)
		return -1;
	if (buf_get_string_view(&b, KEYSIG_MAX_SIG, &pt->raw, &pt->raw_len) !=
	    BUF_OK)
		return keysig_fail(err, errsz, "signature: truncated or too "
		    "long");
	if (keysig_is_sk(key->type) &&
	    (buf_get_u8(&b, &pt->sk.flags) != BUF_OK ||
	    buf_get_u32(&b, &pt->sk.counter) != BUF_OK))
		return keysig_fail(err, errsz, "sk signature: missing flags "
		    "or counter");
	if (buf_avail(&b) != 0)
		return keysig_fail(err, errsz, "signature: trailing bytes");
	return 0;
}

/* The message an sk key signs: PROTOCOL.u2f "SSH U2F signatures". */
static int
keysig_sk_message(const struct sshkey *key, const struct keysig_sk *sk,
		  const uint8_t *data, size_t datalen,
		  uint8_t out[KEYSIG_SK_MSG_LEN])
{
	uint8_t *p = out;

	if (EVP_Digest(key->sk_app, key->sk_app_len, p, NULL, EVP_sha256(),
	    NULL) != 1)
		return -1;
	p += KEYSIG_SHA256_LEN;
	*p++ = sk->flags;
	*p++ = (uint8_t)(sk->counter >> 24);
	*p++ = (uint8_t)(sk->counter >> 16);
	*p++ = (uint8_t)(sk->counter >> 8);
	*p++ = (uint8_t)sk->counter;
	return EVP_Digest(data, datalen, p, NULL, EVP_sha256(), NULL) == 1 ?
	    0 : -1;
}

/* 1 valid, 0 not (or libcrypto failure). */
static int
keysig_evp_verify(EVP_PKEY *pk, const EVP_MD *md, const uint8_t *sig,
		  size_t siglen, const uint8_t *msg, size_t msglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	ok = ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, msg, msglen) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* RFC 5656 "mpint r, mpint s" to the DER ECDSA-Sig-Value libcrypto
 * wants; *der is freed with OPENSSL_free. */
static int
keysig_ecdsa_der(const uint8_t *raw, size_t len, uint8_t **der,
		 size_t *derlen)
{
	struct buf b;
	const uint8_t *rp, *sp;
	size_t rn, sn;
	BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG *es = NULL;
	int n = -1;

	buf_view(&b, raw, len);
	if (sshkey_get_mpint(&b, KEYSIG_MAX_ECDSA_INT, &rp, &rn) != BUF_OK ||
	    sshkey_get_mpint(&b, KEYSIG_MAX_ECDSA_INT, &sp, &sn) != BUF_OK ||
	    buf_avail(&b) != 0 || rn == 0 || sn == 0)
		return -1;
	*der = NULL;
	if ((r = BN_bin2bn(rp, (int)rn, NULL)) != NULL &&
	    (s = BN_bin2bn(sp, (int)sn, NULL)) != NULL &&
	    (es = ECDSA_SIG_new()) != NULL && ECDSA_SIG_set0(es, r, s) == 1) {
		r = s = NULL;	/* owned by es now */
		n = i2d_ECDSA_SIG(es, der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return -1;
	*derlen = (size_t)n;
	return 0;
}

static int
keysig_check_ecdsa(EVP_PKEY *pk, const struct keysig_parts *pt,
		   const uint8_t *msg, size_t msglen)
{
	uint8_t *der;
	size_t derlen;
	int ok;

	if (keysig_ecdsa_der(pt->raw, pt->raw_len, &der, &derlen) != 0)
		return 0;
	ok = keysig_evp_verify(pk, pt->alg->md(), der, derlen, msg, msglen);
	OPENSSL_free(der);
	return ok;
}

/* Some signers drop leading zero bytes; libcrypto wants the full
 * modulus length, so pad as OpenSSH does. */
static int
keysig_check_rsa(EVP_PKEY *pk, const struct keysig_parts *pt,
		 const uint8_t *msg, size_t msglen)
{
	int modlen = EVP_PKEY_get_size(pk);
	uint8_t *padded;
	int ok;

	if (modlen <= 0 || pt->raw_len > (size_t)modlen || pt->raw_len == 0)
		return 0;
	if ((padded = calloc(1, (size_t)modlen)) == NULL)
		return 0;
	memcpy(padded + (size_t)modlen - pt->raw_len, pt->raw, pt->raw_len);
	ok = keysig_evp_verify(pk, pt->alg->md(), padded, (size_t)modlen, msg,
	    msglen);
	free(padded);
	return ok;
}

static int
keysig_check(EVP_PKEY *pk, const struct sshkey *key,
	     const struct keysig_parts *pt, const uint8_t *msg,
	     size_t msglen)
{
	switch (key->type) {
	case SSHKEY_ED25519:
	case SSHKEY_SK_ED25519:
		return pt->raw_len == KEYSIG_ED25519_LEN &&
		    keysig_evp_verify(pk, NULL, pt->raw, pt->raw_len, msg,
		    msglen);
	case SSHKEY_RSA:
		return keysig_check_rsa(pk, pt, msg, msglen);
	default:
		return keysig_check_ecdsa(pk, pt, msg, msglen);
	}
}

int
keysig_verify(const struct sshkey *key, const uint8_t *sig,
	      size_t siglen, const uint8_t *data, size_t datalen,
	      struct keysig_sk *sk, char *err, size_t errsz)
{
	struct keysig_parts pt;
	uint8_t skmsg[KEYSIG_SK_MSG_LEN];
	const uint8_t *msg = data;
	size_t msglen = datalen;
	EVP_PKEY *pk;
	int ok;

	if (keysig_split(key, sig, siglen, &pt, err, errsz) != 0)
		return -1;
	if (keysig_is_sk(key->type)) {
		if (keysig_sk_message(key, &pt.sk, data, datalen, skmsg) != 0)
			return keysig_fail(err, errsz, "sk: digest failed");
		msg = skmsg;
		msglen = sizeof(skmsg);
	}
	if ((pk = sshkey_to_evp(key, err, errsz)) == NULL)
		return -1;
	ok = keysig_check(pk, key, &pt, msg, msglen);
	EVP_PKEY_free(pk);
	ERR_clear_error();	/* a failed check leaves entries queued */
	if (!ok)
		return keysig_fail(err, errsz, "signature does not verify");
	if (sk != NULL)
		*sk = pt.sk;
	return 0;
}
