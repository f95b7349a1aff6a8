/*
 * cert: OpenSSH certificates (PROTOCOL.certkeys, PROTOCOL.u2f). The
 * parser only takes the blob apart, strictly, through buf.h; cert_verify
 * makes the trust decisions. Field order for every type:
 *   string type, string nonce, <plain key fields>, uint64 serial,
 *   uint32 type, string key id, string principals, uint64 valid after,
 *   uint64 valid before, string critical options, string extensions,
 *   string reserved, string signature key, string signature
 * where the signature covers everything before the signature string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/cert.h"
#include "common/keysig.h"
#include "common/log.h"
#include "common/match.h"

#define CERT_MAX_NONCE		CERT_MAX_STR	/* typically 16 or 32 */
#define CERT_MAX_RESERVED	CERT_MAX_STR	/* unused, ignored */
#define CERT_MAX_OPTDATA	SSHKEY_MAX_BLOB
#define CERT_SHOWN		(CERT_MAX_STR * 4 + 8)	/* escaped text */
/* 9999-12-31T23:59:59Z: later times are printed as numbers. */
#define CERT_MAX_PRINTABLE_TIME	253402300799ULL

static const struct {
	const char *name;
	enum sshkey_type type;
} cert_names[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", SSHKEY_ED25519 },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", SSHKEY_ECDSA_P256 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", SSHKEY_ECDSA_P384 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", SSHKEY_ECDSA_P521 },
	{ "ssh-rsa-cert-v01@openssh.com", SSHKEY_RSA },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", SSHKEY_SK_ED25519 },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	  SSHKEY_SK_ECDSA_P256 },
};
#define CERT_NNAMES (sizeof(cert_names) / sizeof(cert_names[0]))

/* Extensions that are flags: data must be empty (as OpenSSH). */
static const char *const cert_flag_exts[] = {
	"no-touch-required", "permit-X11-forwarding",
	"permit-agent-forwarding", "permit-port-forwarding", "permit-pty",
	"permit-user-rc",
};

static enum sshkey_type
cert_key_type(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < CERT_NNAMES; i++)
		if (strlen(cert_names[i].name) == len &&
		    memcmp(cert_names[i].name, name, len) == 0)
			return cert_names[i].type;
	return SSHKEY_UNKNOWN;
}

bool
cert_is_cert_name(const char *name, size_t len)
{
	return cert_key_type(name, len) != SSHKEY_UNKNOWN;
}

static int
cert_fail(char *err, size_t errsz, const char *what, int r)
{
	if (r == BUF_OK)
		snprintf(err, errsz, "certificate: %s", what);
	else
		snprintf(err, errsz, "certificate: %s: %s", what,
		    buf_strerror(r));
	return -1;
}

static char *
cert_memdup(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	if (d != NULL && n > 0)
		memcpy(d, p, n);
	return (char *)d;
}

static int
cert_read_type(struct buf *b, struct cert *c, enum sshkey_type *t,
	       char *err, size_t errsz)
{
	const uint8_t *name, *nonce;
	size_t nlen, nonce_len;
	int r;

	if ((r = buf_get_string_view(b, SSHKEY_MAX_NAME, &name, &nlen)) !=
	    BUF_OK)
		return cert_fail(err, errsz, "type", r);
	if ((*t = cert_key_type((const char *)name, nlen)) == SSHKEY_UNKNOWN)
		return cert_fail(err, errsz, "not a certificate type we "
		    "accept", BUF_OK);
	if ((c->type_name = strndup((const char *)name, nlen)) == NULL)
		return cert_fail(err, errsz, "type", BUF_ERR_NOMEM);
	if ((r = buf_get_string_view(b, CERT_MAX_NONCE, &nonce,
	    &nonce_len)) != BUF_OK)
		return cert_fail(err, errsz, "nonce", r);
	return 0;
}

/* The certified key as a plain blob: its plain type name followed by the
 * key fields exactly as they appear in the certificate. */
static int
cert_read_key(struct buf *b, struct cert *c, enum sshkey_type t,
	      char *err, size_t errsz)
{
	struct sshkey tmp;
	struct buf kb;
	size_t start = b->off, flen;
	char why[256];
	int r;

	if (sshkey_parse_fields(b, t, &tmp, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "certificate: certified key: %s", why);
		return -1;
	}
	flen = b->off - start;
	buf_init(&kb, SSHKEY_MAX_BLOB);
	if ((r = buf_put_cstring(&kb, sshkey_type_name(t))) == BUF_OK)
		r = buf_put_bytes(&kb, c->blob + start, flen);
	if (r == BUF_OK && (c->key_blob = (uint8_t *)cert_memdup(buf_ptr(&kb),
	    buf_avail(&kb))) == NULL)
		r = BUF_ERR_NOMEM;
	c->key_blob_len = buf_avail(&kb);
	buf_free(&kb);
	if (r != BUF_OK)
		return cert_fail(err, errsz, "certified key", r);
	if (sshkey_parse(c->key_blob, c->key_blob_len, &c->key, why,
	    sizeof(why)) != 0) {
		snprintf(err, errsz, "certificate: certified key: %s", why);
		return -1;
	}
	return 0;
}

static int
cert_read_ids(struct buf *b, struct cert *c, char *err, size_t errsz)
{
	int r;

	if ((r = buf_get_u64(b, &c->serial)) != BUF_OK)
		return cert_fail(err, errsz, "serial", r);
	if ((r = buf_get_u32(b, &c->cert_type)) != BUF_OK)
		return cert_fail(err, errsz, "type", r);
	if (c->cert_type != CERT_TYPE_USER && c->cert_type != CERT_TYPE_HOST)
		return cert_fail(err, errsz, "type is neither user nor host",
		    BUF_OK);
	if ((r = buf_get_cstring(b, CERT_MAX_STR, &c->key_id)) != BUF_OK)
		return cert_fail(err, errsz, "key id", r);
	return 0;
}

static int
cert_read_principals(struct buf *b, struct cert *c, char *err,
		     size_t errsz)
{
	struct buf sub;
	char *p, **np;
	int r;

	if ((r = buf_get_sub(b, SSHKEY_MAX_BLOB, &sub)) != BUF_OK)
		return cert_fail(err, errsz, "principals", r);
	while (buf_avail(&sub) > 0) {
		if (c->nprincipals == CERT_MAX_PRINCIPALS)
			return cert_fail(err, errsz, "too many principals",
			    BUF_OK);
		if ((r = buf_get_cstring(&sub, CERT_MAX_STR, &p)) != BUF_OK)
			return cert_fail(err, errsz, "principal", r);
		np = realloc(c->principals,
		    (c->nprincipals + 1) * sizeof(*np));
		if (np == NULL) {
			free(p);
			return cert_fail(err, errsz, "principal",
			    BUF_ERR_NOMEM);
		}
		c->principals = np;
		c->principals[c->nprincipals++] = p;
		if (*p == '\0')
			return cert_fail(err, errsz, "empty principal",
			    BUF_OK);
	}
	return 0;
}

static int
cert_read_validity(struct buf *b, struct cert *c, char *err, size_t errsz)
{
	int r;

	if ((r = buf_get_u64(b, &c->valid_after)) != BUF_OK ||
	    (r = buf_get_u64(b, &c->valid_before)) != BUF_OK)
		return cert_fail(err, errsz, "validity", r);
	/* ssh-keygen refuses to make such a certificate. */
	if (c->valid_after >= c->valid_before)
		return cert_fail(err, errsz, "empty validity interval",
		    BUF_OK);
	return 0;
}

/* Appends one option; names must be strictly increasing (sorted, each
 * once), as PROTOCOL.certkeys requires. */
static int
cert_add_opt(struct cert_opt **opts, size_t *n, char *name,
	     const uint8_t *data, size_t len, const char *what, char *err,
	     size_t errsz)
{
	struct cert_opt *no;
	char shown[CERT_SHOWN];

	log_sanitize(shown, sizeof(shown), name, strlen(name));
	if (*name == '\0' || (*n > 0 && strcmp((*opts)[*n - 1].name,
	    name) >= 0)) {
		snprintf(err, errsz, "certificate: %s not sorted, duplicated "
		    "or empty at \"%s\"", what, shown);
		free(name);
		return -1;
	}
	if ((no = realloc(*opts, (*n + 1) * sizeof(*no))) == NULL) {
		free(name);
		return cert_fail(err, errsz, what, BUF_ERR_NOMEM);
	}
	*opts = no;
	no[*n].name = name;
	no[*n].len = len;
	if ((no[*n].data = (uint8_t *)cert_memdup(data, len)) == NULL) {
		free(name);
		return cert_fail(err, errsz, what, BUF_ERR_NOMEM);
	}
	(*n)++;
	return 0;
}

static int
cert_read_opts(struct buf *b, const char *what, struct cert_opt **opts,
	       size_t *n, char *err, size_t errsz)
{
	struct buf sub;
	const uint8_t *data;
	size_t len;
	char *name;
	int r;

	if ((r = buf_get_sub(b, SSHKEY_MAX_BLOB, &sub)) != BUF_OK)
		return cert_fail(err, errsz, what, r);
	while (buf_avail(&sub) > 0) {
		if (*n == CERT_MAX_OPTIONS)
			return cert_fail(err, errsz, "too many options",
			    BUF_OK);
		if ((r = buf_get_cstring(&sub, CERT_MAX_STR, &name)) != BUF_OK)
			return cert_fail(err, errsz, what, r);
		if ((r = buf_get_string_view(&sub, CERT_MAX_OPTDATA, &data,
		    &len)) != BUF_OK) {
			free(name);
			return cert_fail(err, errsz, what, r);
		}
		if (cert_add_opt(opts, n, name, data, len, what, err,
		    errsz) != 0)
			return -1;
	}
	return 0;
}

/* The signature key must be a plain key: a certificate there would let
 * anyone holding a certificate sign others (cf. CVE-2025-49825). */
static int
cert_read_ca(struct buf *b, struct cert *c, char *err, size_t errsz)
{
	const uint8_t *p, *name;
	size_t n, nlen;
	struct buf kb;
	struct sshkey ca;
	char why[256];
	int r;

	if ((r = buf_get_string_view(b, CERT_MAX_RESERVED, &p, &n)) != BUF_OK)
		return cert_fail(err, errsz, "reserved", r);
	if ((r = buf_get_string_view(b, SSHKEY_MAX_BLOB, &p, &n)) != BUF_OK)
		return cert_fail(err, errsz, "signature key", r);
	c->signed_len = b->off;
	buf_view(&kb, p, n);
	if (buf_get_string_view(&kb, SSHKEY_MAX_NAME, &name, &nlen) ==
	    BUF_OK && cert_is_cert_name((const char *)name, nlen))
		return cert_fail(err, errsz, "signature key is itself a "
		    "certificate (chained certificates are refused)", BUF_OK);
	if (sshkey_parse(p, n, &ca, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "certificate: signature key: %s", why);
		return -1;
	}
	if ((c->ca_blob = (uint8_t *)cert_memdup(p, n)) == NULL)
		return cert_fail(err, errsz, "signature key", BUF_ERR_NOMEM);
	c->ca_blob_len = n;
	return 0;
}

static int
cert_read_sig(struct buf *b, struct cert *c, char *err, size_t errsz)
{
	const uint8_t *p;
	size_t n;
	int r;

	if ((r = buf_get_string_view(b, SSHKEY_MAX_BLOB, &p, &n)) != BUF_OK)
		return cert_fail(err, errsz, "signature", r);
	if (buf_avail(b) != 0)
		return cert_fail(err, errsz, "trailing bytes after the "
		    "signature", BUF_OK);
	if ((c->sig = (uint8_t *)cert_memdup(p, n)) == NULL)
		return cert_fail(err, errsz, "signature", BUF_ERR_NOMEM);
	c->sig_len = n;
	return 0;
}

/* source-address data: one string holding a CIDR list, nothing after. */
static int
cert_opt_source(const struct cert_opt *o, struct cert *c, char *err,
		size_t errsz)
{
	struct buf b;
	int r;

	if (c->source_address != NULL)
		return cert_fail(err, errsz, "source-address twice", BUF_OK);
	buf_view(&b, o->data, o->len);
	if ((r = buf_get_cstring(&b, CERT_MAX_OPTDATA,
	    &c->source_address)) != BUF_OK)
		return cert_fail(err, errsz, "source-address", r);
	if (buf_avail(&b) != 0 || match_cidr_list(NULL, c->source_address) !=
	    0)
		return cert_fail(err, errsz, "invalid source-address list",
		    BUF_OK);
	return 0;
}

static int
cert_interpret(struct cert *c, char *err, size_t errsz)
{
	size_t i, j;

	for (i = 0; i < c->ncritical; i++) {
		const struct cert_opt *o = &c->critical[i];

		if (strcmp(o->name, "source-address") == 0) {
			if (cert_opt_source(o, c, err, errsz) != 0)
				return -1;
		} else if (strcmp(o->name, "verify-required") == 0) {
			if (o->len != 0)
				return cert_fail(err, errsz, "verify-required "
				    "carries data", BUF_OK);
			c->verify_required = true;
		}
	}
	for (i = 0; i < c->nextensions; i++) {
		const struct cert_opt *o = &c->extensions[i];

		for (j = 0; j < sizeof(cert_flag_exts) /
		    sizeof(cert_flag_exts[0]); j++)
			if (strcmp(o->name, cert_flag_exts[j]) == 0 &&
			    o->len != 0)
				return cert_fail(err, errsz, "flag extension "
				    "carries data", BUF_OK);
		if (strcmp(o->name, "no-touch-required") == 0)
			c->no_touch_required = true;
	}
	return 0;
}

static int
cert_read_all(struct buf *b, struct cert *c, char *err, size_t errsz)
{
	enum sshkey_type t;

	if (cert_read_type(b, c, &t, err, errsz) != 0 ||
	    cert_read_key(b, c, t, err, errsz) != 0 ||
	    cert_read_ids(b, c, err, errsz) != 0 ||
	    cert_read_principals(b, c, err, errsz) != 0 ||
	    cert_read_validity(b, c, err, errsz) != 0 ||
	    cert_read_opts(b, "critical options", &c->critical,
	    &c->ncritical, err, errsz) != 0 ||
	    cert_read_opts(b, "extensions", &c->extensions, &c->nextensions,
	    err, errsz) != 0 ||
	    cert_read_ca(b, c, err, errsz) != 0 ||
	    cert_read_sig(b, c, err, errsz) != 0)
		return -1;
	return cert_interpret(c, err, errsz);
}

int
cert_parse(const uint8_t *blob, size_t len, struct cert *c, char *err,
	   size_t errsz)
{
	struct buf b;

	memset(c, 0, sizeof(*c));
	if (len > SSHKEY_MAX_BLOB)
		return cert_fail(err, errsz, "blob too long", BUF_OK);
	if ((c->blob = (uint8_t *)cert_memdup(blob, len)) == NULL)
		return cert_fail(err, errsz, "blob", BUF_ERR_NOMEM);
	c->blob_len = len;
	buf_view(&b, c->blob, len);
	if (cert_read_all(&b, c, err, errsz) != 0) {
		cert_free(c);
		return -1;
	}
	return 0;
}

static void
cert_free_opts(struct cert_opt *o, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(o[i].name);
		free(o[i].data);
	}
	free(o);
}

void
cert_free(struct cert *c)
{
	size_t i;

	free(c->blob);
	free(c->type_name);
	free(c->key_blob);
	free(c->key_id);
	for (i = 0; i < c->nprincipals; i++)
		free(c->principals[i]);
	free(c->principals);
	cert_free_opts(c->critical, c->ncritical);
	cert_free_opts(c->extensions, c->nextensions);
	free(c->ca_blob);
	free(c->sig);
	free(c->source_address);
	memset(c, 0, sizeof(*c));
}

void
cert_format_time(uint64_t t, char *out, size_t outsz)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == UINT64_MAX)
		snprintf(out, outsz, "forever");
	else if (t > CERT_MAX_PRINTABLE_TIME || gmtime_r(&tt, &tm) == NULL)
		snprintf(out, outsz, "%llu", (unsigned long long)t);
	else if (strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0 &&
	    outsz > 0)
		out[0] = '\0';
}

static int
cert_find_ca(const struct cert *c, const uint8_t *const *ca_blobs,
	     const size_t *ca_lens, size_t nca, size_t *ca_index, char *err,
	     size_t errsz)
{
	char fp[SSHKEY_FP_LEN];
	size_t i;

	for (i = 0; i < nca; i++) {
		if (ca_lens[i] == c->ca_blob_len &&
		    memcmp(ca_blobs[i], c->ca_blob, c->ca_blob_len) == 0) {
			if (ca_index != NULL)
				*ca_index = i;
			return 0;
		}
	}
	sshkey_fingerprint(c->ca_blob, c->ca_blob_len, fp, sizeof(fp));
	snprintf(err, errsz, "certificate signed by an untrusted CA %s", fp);
	return -1;
}

static int
cert_check_sig(const struct cert *c, char *err, size_t errsz)
{
	struct sshkey ca;
	char why[256];

	if (sshkey_parse(c->ca_blob, c->ca_blob_len, &ca, why,
	    sizeof(why)) != 0 ||
	    keysig_verify(&ca, c->sig, c->sig_len, c->blob, c->signed_len,
	    NULL, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "certificate signature invalid: %s", why);
		return -1;
	}
	return 0;
}

static int
cert_check_validity(const struct cert *c, uint64_t now, char *err,
		    size_t errsz)
{
	char when[64];

	if (now < c->valid_after) {
		cert_format_time(c->valid_after, when, sizeof(when));
		snprintf(err, errsz, "certificate not yet valid until %s",
		    when);
		return -1;
	}
	if (now >= c->valid_before) {
		cert_format_time(c->valid_before, when, sizeof(when));
		snprintf(err, errsz, "certificate expired at %s", when);
		return -1;
	}
	return 0;
}

/* OpenSSH refuses a certificate with a critical option it does not know;
 * no critical option is defined for host certificates. */
static int
cert_check_critical(const struct cert *c, uint32_t kind, char *err,
		    size_t errsz)
{
	char shown[CERT_SHOWN];
	size_t i;

	for (i = 0; i < c->ncritical; i++) {
		const char *n = c->critical[i].name;

		if (kind == CERT_TYPE_USER &&
		    (strcmp(n, "source-address") == 0 ||
		    strcmp(n, "verify-required") == 0))
			continue;
		log_sanitize(shown, sizeof(shown), n, strlen(n));
		snprintf(err, errsz, "unknown critical option %s%s", shown,
		    kind == CERT_TYPE_HOST ? " in a host certificate" : "");
		return -1;
	}
	return 0;
}

static int
cert_check_type(const struct cert *c, uint32_t kind, char *err,
		size_t errsz)
{
	if (c->cert_type == kind)
		return 0;
	snprintf(err, errsz, "%s certificate presented as a %s certificate",
	    c->cert_type == CERT_TYPE_HOST ? "host" : "user",
	    kind == CERT_TYPE_HOST ? "host" : "user");
	return -1;
}

int
cert_verify(const struct cert *c, uint32_t kind,
	    const uint8_t *const *ca_blobs, const size_t *ca_lens,
	    size_t nca, uint64_t now, size_t *ca_index, char *err,
	    size_t errsz)
{
	if (cert_find_ca(c, ca_blobs, ca_lens, nca, ca_index, err,
	    errsz) != 0 ||
	    cert_check_sig(c, err, errsz) != 0 ||
	    cert_check_type(c, kind, err, errsz) != 0 ||
	    cert_check_validity(c, now, err, errsz) != 0)
		return -1;
	if (c->nprincipals == 0) {
		snprintf(err, errsz, "certificate has no principals");
		return -1;
	}
	return cert_check_critical(c, kind, err, errsz);
}
