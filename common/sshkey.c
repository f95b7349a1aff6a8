/*
 * sshkey: plain OpenSSH public key blobs. Every field is read through
 * buf.h; every key is also turned into a libcrypto key once while parsing,
 * so an invalid EC point or RSA modulus is refused here and not at the
 * first signature check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/bn.h>

#include "common/b64.h"
#include "common/buf.h"
#include "common/sshkey.h"

#define SSHKEY_ED25519_LEN	32
/* A 16384-bit modulus plus the sign byte an mpint may need. */
#define SSHKEY_MAX_MPINT	(SSHKEY_MAX_RSA_BITS / 8 + 1)

struct sshkey_info {
	enum sshkey_type type;
	const char *name;
	const char *curve;	/* SSH curve name; NULL if not ECDSA */
	const char *group;	/* OpenSSL group name */
	size_t point_len;	/* uncompressed SEC1 point */
};

static const struct sshkey_info sshkey_infos[] = {
	{ SSHKEY_ED25519, "ssh-ed25519", NULL, NULL, 0 },
	{ SSHKEY_ECDSA_P256, "ecdsa-sha2-nistp256", "nistp256", "P-256", 65 },
	{ SSHKEY_ECDSA_P384, "ecdsa-sha2-nistp384", "nistp384", "P-384", 97 },
	{ SSHKEY_ECDSA_P521, "ecdsa-sha2-nistp521", "nistp521", "P-521",
	  133 },
	{ SSHKEY_RSA, "ssh-rsa", NULL, NULL, 0 },
	{ SSHKEY_SK_ED25519, "sk-ssh-ed25519@openssh.com", NULL, NULL, 0 },
	{ SSHKEY_SK_ECDSA_P256, "sk-ecdsa-sha2-nistp256@openssh.com",
	  "nistp256", "P-256", 65 },
};
#define SSHKEY_NINFOS (sizeof(sshkey_infos) / sizeof(sshkey_infos[0]))

static const struct sshkey_info *
sshkey_info(enum sshkey_type t)
{
	size_t i;

	for (i = 0; i < SSHKEY_NINFOS; i++)
		if (sshkey_infos[i].type == t)
			return &sshkey_infos[i];
	return NULL;
}

enum sshkey_type
sshkey_type_from_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < SSHKEY_NINFOS; i++)
		if (strlen(sshkey_infos[i].name) == len &&
		    memcmp(sshkey_infos[i].name, name, len) == 0)
			return sshkey_infos[i].type;
	return SSHKEY_UNKNOWN;
}

const char *
sshkey_type_name(enum sshkey_type t)
{
	const struct sshkey_info *in = sshkey_info(t);

	return in != NULL ? in->name : "unknown";
}

static int
sshkey_fail(char *err, size_t errsz, const char *what, int r)
{
	if (r == BUF_OK)
		snprintf(err, errsz, "%s", what);
	else
		snprintf(err, errsz, "%s: %s", what, buf_strerror(r));
	return -1;
}

int
sshkey_get_mpint(struct buf *b, size_t maxlen, const uint8_t **p,
		 size_t *n)
{
	const uint8_t *v;
	size_t len, off = b->off;
	int r;

	if ((r = buf_get_string_view(b, maxlen, &v, &len)) != BUF_OK)
		return r;
	/* Negative, or a zero byte that is not needed for the sign. */
	if ((len > 0 && (v[0] & 0x80) != 0) ||
	    (len > 0 && v[0] == 0 && (len == 1 || (v[1] & 0x80) == 0))) {
		b->off = off;
		return BUF_ERR_FORMAT;
	}
	if (len > 0 && v[0] == 0) {
		v++;
		len--;
	}
	*p = v;
	*n = len;
	return BUF_OK;
}

static size_t
sshkey_bits(const uint8_t *p, size_t n)
{
	size_t bits;
	uint8_t top;

	if (n == 0)
		return 0;
	bits = n * 8;
	for (top = p[0]; (top & 0x80) == 0; top <<= 1)
		bits--;
	return bits;
}

static int
sshkey_read_rsa(struct buf *b, struct sshkey *k, char *err, size_t errsz)
{
	size_t bits;
	int r;

	if ((r = sshkey_get_mpint(b, SSHKEY_MAX_MPINT, &k->rsa_e,
	    &k->rsa_e_len)) != BUF_OK)
		return sshkey_fail(err, errsz, "rsa exponent", r);
	if ((r = sshkey_get_mpint(b, SSHKEY_MAX_MPINT, &k->rsa_n,
	    &k->rsa_n_len)) != BUF_OK)
		return sshkey_fail(err, errsz, "rsa modulus", r);
	bits = sshkey_bits(k->rsa_n, k->rsa_n_len);
	if (bits < SSHKEY_MIN_RSA_BITS || bits > SSHKEY_MAX_RSA_BITS) {
		snprintf(err, errsz, "rsa modulus of %zu bits (%d..%d "
		    "accepted)", bits, SSHKEY_MIN_RSA_BITS,
		    SSHKEY_MAX_RSA_BITS);
		return -1;
	}
	if ((k->rsa_n[k->rsa_n_len - 1] & 1) == 0 || k->rsa_e_len == 0 ||
	    (k->rsa_e[k->rsa_e_len - 1] & 1) == 0 ||
	    (k->rsa_e_len == 1 && k->rsa_e[0] == 1) ||
	    k->rsa_e_len > k->rsa_n_len)
		return sshkey_fail(err, errsz, "invalid rsa key", BUF_OK);
	return 0;
}

static int
sshkey_read_ecdsa(struct buf *b, const struct sshkey_info *in,
		  struct sshkey *k, char *err, size_t errsz)
{
	const uint8_t *curve;
	size_t clen;
	int r;

	if ((r = buf_get_string_view(b, SSHKEY_MAX_NAME, &curve, &clen)) !=
	    BUF_OK)
		return sshkey_fail(err, errsz, "ecdsa curve", r);
	if (clen != strlen(in->curve) || memcmp(curve, in->curve, clen) != 0)
		return sshkey_fail(err, errsz, "ecdsa curve does not match "
		    "the key type", BUF_OK);
	if ((r = buf_get_string_view(b, in->point_len, &k->pk, &k->pk_len)) !=
	    BUF_OK)
		return sshkey_fail(err, errsz, "ecdsa point", r);
	/* Uncompressed points only, as OpenSSH. */
	if (k->pk_len != in->point_len || k->pk[0] != 0x04)
		return sshkey_fail(err, errsz, "ecdsa point not an "
		    "uncompressed point of the curve", BUF_OK);
	return 0;
}

static int
sshkey_read_ed25519(struct buf *b, struct sshkey *k, char *err,
		    size_t errsz)
{
	int r;

	if ((r = buf_get_string_view(b, SSHKEY_ED25519_LEN, &k->pk,
	    &k->pk_len)) != BUF_OK)
		return sshkey_fail(err, errsz, "ed25519 key", r);
	if (k->pk_len != SSHKEY_ED25519_LEN)
		return sshkey_fail(err, errsz, "ed25519 key is not 32 bytes",
		    BUF_OK);
	return 0;
}

static int
sshkey_read_app(struct buf *b, struct sshkey *k, char *err, size_t errsz)
{
	const uint8_t *p;
	int r;

	if ((r = buf_get_string_view(b, SSHKEY_MAX_APP, &p,
	    &k->sk_app_len)) != BUF_OK)
		return sshkey_fail(err, errsz, "sk application", r);
	if (k->sk_app_len > 0 && memchr(p, '\0', k->sk_app_len) != NULL)
		return sshkey_fail(err, errsz, "sk application contains NUL",
		    BUF_OK);
	k->sk_app = (const char *)p;
	return 0;
}

/* libcrypto's verdict on the key, so bad points fail at parse time. */
static int
sshkey_check_crypto(const struct sshkey *k, char *err, size_t errsz)
{
	EVP_PKEY *pk = sshkey_to_evp(k, err, errsz);

	if (pk == NULL)
		return -1;
	EVP_PKEY_free(pk);
	return 0;
}

int
sshkey_parse_fields(struct buf *b, enum sshkey_type t, struct sshkey *k,
		    char *err, size_t errsz)
{
	const struct sshkey_info *in = sshkey_info(t);
	int r;

	memset(k, 0, sizeof(*k));
	if (in == NULL)
		return sshkey_fail(err, errsz, "unknown key type", BUF_OK);
	k->type = t;
	switch (t) {
	case SSHKEY_ED25519:
	case SSHKEY_SK_ED25519:
		r = sshkey_read_ed25519(b, k, err, errsz);
		break;
	case SSHKEY_RSA:
		r = sshkey_read_rsa(b, k, err, errsz);
		break;
	default:
		r = sshkey_read_ecdsa(b, in, k, err, errsz);
		break;
	}
	if (r == 0 && (t == SSHKEY_SK_ED25519 || t == SSHKEY_SK_ECDSA_P256))
		r = sshkey_read_app(b, k, err, errsz);
	if (r == 0)
		r = sshkey_check_crypto(k, err, errsz);
	return r;
}

int
sshkey_parse(const uint8_t *blob, size_t len, struct sshkey *k,
	     char *err, size_t errsz)
{
	struct buf b;
	const uint8_t *name;
	size_t nlen;
	enum sshkey_type t;
	int r;

	memset(k, 0, sizeof(*k));
	if (len > SSHKEY_MAX_BLOB)
		return sshkey_fail(err, errsz, "key blob too long", BUF_OK);
	buf_view(&b, blob, len);
	if ((r = buf_get_string_view(&b, SSHKEY_MAX_NAME, &name, &nlen)) !=
	    BUF_OK)
		return sshkey_fail(err, errsz, "key type", r);
	if ((t = sshkey_type_from_name((const char *)name, nlen)) ==
	    SSHKEY_UNKNOWN)
		return sshkey_fail(err, errsz, "unknown or unsupported key "
		    "type", BUF_OK);
	if (sshkey_parse_fields(&b, t, k, err, errsz) != 0)
		return -1;
	if (buf_avail(&b) != 0) {
		memset(k, 0, sizeof(*k));
		return sshkey_fail(err, errsz, "trailing bytes after the key",
		    BUF_OK);
	}
	k->blob = blob;
	k->blob_len = len;
	return 0;
}

static EVP_PKEY *
sshkey_evp_fromdata(const char *alg, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
	EVP_PKEY *pk = NULL;

	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

static EVP_PKEY *
sshkey_evp_rsa(const struct sshkey *k)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	BIGNUM *n = BN_bin2bn(k->rsa_n, (int)k->rsa_n_len, NULL);
	BIGNUM *e = BN_bin2bn(k->rsa_e, (int)k->rsa_e_len, NULL);
	EVP_PKEY *pk = NULL;

	if (bld != NULL && n != NULL && e != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL)
		pk = sshkey_evp_fromdata("RSA", params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pk;
}

/* EC key from the point; EVP_PKEY_public_check also refuses points off
 * the curve and the point at infinity. */
static EVP_PKEY *
sshkey_evp_ec(const struct sshkey *k)
{
	const struct sshkey_info *in = sshkey_info(k->type);
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pk;

	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)in->group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    (void *)k->pk, k->pk_len);
	params[2] = OSSL_PARAM_construct_end();
	if ((pk = sshkey_evp_fromdata("EC", params)) == NULL)
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	if (ctx == NULL || EVP_PKEY_public_check(ctx) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

EVP_PKEY *
sshkey_to_evp(const struct sshkey *k, char *err, size_t errsz)
{
	EVP_PKEY *pk;

	switch (k->type) {
	case SSHKEY_ED25519:
	case SSHKEY_SK_ED25519:
		pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
		    k->pk, k->pk_len);
		break;
	case SSHKEY_RSA:
		pk = sshkey_evp_rsa(k);
		break;
	case SSHKEY_ECDSA_P256:
	case SSHKEY_ECDSA_P384:
	case SSHKEY_ECDSA_P521:
	case SSHKEY_SK_ECDSA_P256:
		pk = sshkey_evp_ec(k);
		break;
	default:
		pk = NULL;
		break;
	}
	if (pk == NULL) {
		ERR_clear_error();
		snprintf(err, errsz, "%s key refused by libcrypto (invalid "
		    "key)", sshkey_type_name(k->type));
	}
	return pk;
}

void
sshkey_fingerprint(const uint8_t *blob, size_t len, char *out,
		   size_t outsz)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *enc;
	size_t n;

	if (outsz > 0)
		out[0] = '\0';
	if (EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    (enc = b64_encode(md, mdlen)) == NULL)
		return;
	n = strlen(enc);
	while (n > 0 && enc[n - 1] == '=')
		enc[--n] = '\0';
	if (outsz > strlen("SHA256:") + n)
		snprintf(out, outsz, "SHA256:%s", enc);
	free(enc);
}
