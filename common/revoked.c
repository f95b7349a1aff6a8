/*
 * revoked: RevokedKeys files (OpenSSH KRLs and plain key lists); see
 * revoked.h. The KRL reader follows OpenSSH's krl.c (ssh_krl_from_blob,
 * ssh_krl_check_key) section by section, through buf.h, with limits
 * that bound memory and time for any input.
 */
#include "common/revoked.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "common/b64.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/sshkey.h"

/* PROTOCOL.krl */
#define KRL_MAGIC		"SSHKRL\n\0"
#define KRL_MAGIC_LEN		8
#define KRL_FORMAT_VERSION	1
#define KRL_SECTION_CERTIFICATES	1
#define KRL_SECTION_EXPLICIT_KEY	2
#define KRL_SECTION_FINGERPRINT_SHA1	3
#define KRL_SECTION_SIGNATURE		4
#define KRL_SECTION_FINGERPRINT_SHA256	5
#define KRL_SECTION_EXTENSION		255
#define KRL_SECTION_CERT_SERIAL_LIST	0x20
#define KRL_SECTION_CERT_SERIAL_RANGE	0x21
#define KRL_SECTION_CERT_SERIAL_BITMAP	0x22
#define KRL_SECTION_CERT_KEY_ID		0x23
#define KRL_SECTION_CERT_EXTENSION	0x39

#define SHA1_LEN	20
#define SHA256_LEN	32

/*
 * Limits, over everything loaded into one struct revoked. Each bounds
 * what a hostile file can make us allocate beyond its own size.
 */
#define REVOKED_MAX_CAS		1024	/* distinct CA keys in KRLs */
#define REVOKED_MAX_RANGES	(1u << 20)	/* serial ranges, 16 B each */
#define REVOKED_MAX_ITEMS	(1u << 20)	/* keys, hashes, key IDs */
/* One serial bitmap: OpenSSH reads it as an mpint of at most
 * SSHBUF_MAX_BIGNUM (2048) bytes (+1 for a sign byte): 16384 serials. */
#define REVOKED_MAX_BITMAP	2048
/* Longest key ID: a longer one matches no certificate cert.c accepts,
 * so a KRL naming one is refused rather than half-understood. */
#define REVOKED_MAX_KEY_ID	CERT_MAX_STR
#define REVOKED_MAX_EXT_NAME	256	/* KRL extension names */
#define REVOKED_MAX_LINE	32768	/* one line of a plain key list */
#define REVOKED_MAX_TYPE	64	/* key type name in a plain list */

/* A key blob, hash or key ID: a view into the file's copy, or owned. */
struct revoked_item {
	const uint8_t *p;
	size_t len;
	size_t line;		/* plain lists: where it was; KRLs: 0 */
	uint8_t *owned;		/* decoded key of a plain list, or NULL */
};

/* Sorted (by length, then bytes) after loading, for bsearch. */
struct revoked_set {
	struct revoked_item *v;
	size_t n, cap;
};

/* Inclusive; disjoint and sorted after loading. */
struct revoked_range {
	uint64_t lo, hi;
};

/* What one KRL revokes of the certificates signed by one CA. */
struct revoked_ca {
	const uint8_t *blob;	/* CA key blob; len 0: any CA */
	size_t len;
	struct revoked_range *ranges;
	size_t nranges, capranges;
	struct revoked_set ids;
};

struct revoked_file {
	char *name;
	uint8_t *data;		/* copy of the content: items point here */
	size_t len;
	bool krl;
	struct revoked_ca *cas;
	size_t ncas, capcas;
	struct revoked_set keys;	/* plain key blobs */
	struct revoked_set sha1, sha256;	/* KRL fingerprint sections */
};

struct revoked {
	struct revoked_file files[REVOKED_MAX_FILES];
	size_t nfiles;
	size_t ncas, nranges, nitems;	/* totals, for the limits */
};

static void revoked_seterr(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
revoked_seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

struct revoked *
revoked_new(void)
{
	return calloc(1, sizeof(struct revoked));
}

static void
revoked_set_free(struct revoked_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].owned);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void
revoked_file_free(struct revoked_file *f)
{
	for (size_t i = 0; i < f->ncas; i++) {
		free(f->cas[i].ranges);
		revoked_set_free(&f->cas[i].ids);
	}
	free(f->cas);
	revoked_set_free(&f->keys);
	revoked_set_free(&f->sha1);
	revoked_set_free(&f->sha256);
	free(f->data);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

void
revoked_free(struct revoked *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nfiles; i++)
		revoked_file_free(&r->files[i]);
	free(r);
}

/* Grows *v (of *cap elements of size sz) to hold n + 1. 0 or -1. */
static int
revoked_grow(void **v, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / sz)
		return -1;
	if ((nv = realloc(*v, ncap * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* Adds an item; owned (may be NULL) passes to the set even on error. */
static int
revoked_set_add(struct revoked *r, struct revoked_set *s, const uint8_t *p,
		size_t len, size_t line, uint8_t *owned, char *err,
		size_t errsz, const char *name)
{
	if (r->nitems >= REVOKED_MAX_ITEMS) {
		free(owned);
		revoked_seterr(err, errsz, "%s: more than %u revoked keys, "
			       "hashes and key IDs", name, REVOKED_MAX_ITEMS);
		return -1;
	}
	if (revoked_grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v)) < 0) {
		free(owned);
		revoked_seterr(err, errsz, "%s: out of memory", name);
		return -1;
	}
	s->v[s->n].p = p;
	s->v[s->n].len = len;
	s->v[s->n].line = line;
	s->v[s->n].owned = owned;
	s->n++;
	r->nitems++;
	return 0;
}

static int
revoked_item_cmp(const void *a, const void *b)
{
	const struct revoked_item *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->len == 0)
		return 0;
	return memcmp(x->p, y->p, x->len);
}

/* The first item equal to p (lowest line among equals), or NULL. */
static const struct revoked_item *
revoked_set_find(const struct revoked_set *s, const uint8_t *p, size_t len)
{
	struct revoked_item key = { .p = p, .len = len };
	size_t lo = 0, hi = s->n;

	/* Lower bound: qsort is not stable, so pick the smallest line
	 * among equal entries for a message that names the first one. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (revoked_item_cmp(&s->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->n || revoked_item_cmp(&s->v[lo], &key) != 0)
		return NULL;
	const struct revoked_item *best = &s->v[lo];
	for (size_t i = lo + 1; i < s->n &&
	     revoked_item_cmp(&s->v[i], &key) == 0; i++)
		if (s->v[i].line < best->line)
			best = &s->v[i];
	return best;
}

static void
revoked_set_sort(struct revoked_set *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), revoked_item_cmp);
}

/* ---- KRL ---------------------------------------------------------- */

/* Parse state of one KRL: the file being filled and where we are. */
struct revoked_krl {
	struct revoked *r;
	struct revoked_file *f;
	size_t off;		/* offset of the current section */
	char *err;
	size_t errsz;
};

static void revoked_krl_err(struct revoked_krl *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "NAME: byte OFF: reason" */
static void
revoked_krl_err(struct revoked_krl *k, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	revoked_seterr(k->err, k->errsz, "%s: KRL byte %zu: %s", k->f->name,
		       k->off, msg);
}

static int
revoked_krl_short(struct revoked_krl *k, const char *what, int rc)
{
	revoked_krl_err(k, "%s: %s", what, buf_strerror(rc));
	return -1;
}

/* The CA entry for blob (len 0: any CA), merged like OpenSSH's
 * revoked_certs_for_ca_key() so repeated sections add up. */
static struct revoked_ca *
revoked_krl_ca(struct revoked_krl *k, const uint8_t *blob, size_t len)
{
	struct revoked_file *f = k->f;
	struct revoked_ca *ca;

	for (size_t i = 0; i < f->ncas; i++)
		if (f->cas[i].len == len &&
		    (len == 0 || memcmp(f->cas[i].blob, blob, len) == 0))
			return &f->cas[i];
	if (k->r->ncas >= REVOKED_MAX_CAS) {
		revoked_krl_err(k, "more than %u CA keys", REVOKED_MAX_CAS);
		return NULL;
	}
	if (revoked_grow((void **)&f->cas, &f->capcas, f->ncas,
			 sizeof(*f->cas)) < 0) {
		revoked_krl_err(k, "out of memory");
		return NULL;
	}
	ca = &f->cas[f->ncas++];
	memset(ca, 0, sizeof(*ca));
	ca->blob = blob;
	ca->len = len;
	k->r->ncas++;
	return ca;
}

/* Revokes serials lo..hi under ca. Serial 0 is refused as OpenSSH's
 * ssh_krl_revoke_cert_by_serial_range() does (0 means "no serial"). */
static int
revoked_krl_range(struct revoked_krl *k, struct revoked_ca *ca, uint64_t lo,
		  uint64_t hi)
{
	if (lo == 0 || lo > hi) {
		revoked_krl_err(k, "bad serial range %llu-%llu",
				(unsigned long long)lo,
				(unsigned long long)hi);
		return -1;
	}
	if (k->r->nranges >= REVOKED_MAX_RANGES) {
		revoked_krl_err(k, "more than %u serial ranges",
				REVOKED_MAX_RANGES);
		return -1;
	}
	if (revoked_grow((void **)&ca->ranges, &ca->capranges, ca->nranges,
			 sizeof(*ca->ranges)) < 0) {
		revoked_krl_err(k, "out of memory");
		return -1;
	}
	ca->ranges[ca->nranges].lo = lo;
	ca->ranges[ca->nranges].hi = hi;
	ca->nranges++;
	k->r->nranges++;
	return 0;
}

static int
revoked_krl_serial_list(struct revoked_krl *k, struct revoked_ca *ca,
			struct buf *sub)
{
	uint64_t s;
	int rc;

	while (buf_avail(sub) > 0) {
		if ((rc = buf_get_u64(sub, &s)) != BUF_OK)
			return revoked_krl_short(k, "serial list", rc);
		if (revoked_krl_range(k, ca, s, s) < 0)
			return -1;
	}
	return 0;
}

static int
revoked_krl_serial_range(struct revoked_krl *k, struct revoked_ca *ca,
			 struct buf *sub)
{
	uint64_t lo, hi;
	int rc;

	if ((rc = buf_get_u64(sub, &lo)) != BUF_OK ||
	    (rc = buf_get_u64(sub, &hi)) != BUF_OK)
		return revoked_krl_short(k, "serial range", rc);
	return revoked_krl_range(k, ca, lo, hi);
}

/*
 * serial_offset, then an mpint whose bit N (from the least significant)
 * revokes serial_offset + N. Read as OpenSSH's
 * sshbuf_get_bignum2_bytes_direct(): no negative numbers, at most
 * REVOKED_MAX_BITMAP bytes after a leading zero, leading zeros skipped.
 * Runs of set bits become one range each.
 */
static int
revoked_krl_serial_bitmap(struct revoked_krl *k, struct revoked_ca *ca,
			  struct buf *sub)
{
	const uint8_t *p;
	size_t n, nbits;
	uint64_t off, i, run = 0;
	bool in_run = false;
	int rc;

	if ((rc = buf_get_u64(sub, &off)) != BUF_OK ||
	    (rc = buf_get_string_view(sub, REVOKED_MAX_BITMAP + 1, &p,
				      &n)) != BUF_OK)
		return revoked_krl_short(k, "serial bitmap", rc);
	if (n > 0 && (p[0] & 0x80)) {
		revoked_krl_err(k, "negative serial bitmap");
		return -1;
	}
	if (n == REVOKED_MAX_BITMAP + 1 && p[0] != 0) {
		revoked_krl_err(k, "serial bitmap over %u bytes",
				REVOKED_MAX_BITMAP);
		return -1;
	}
	while (n > 0 && p[0] == 0) {
		p++;
		n--;
	}
	if (n == 0)
		return 0;
	nbits = n * 8;
	for (uint8_t top = p[0]; !(top & 0x80); top <<= 1)
		nbits--;
	/* OpenSSH refuses a bitmap whose span wraps past 2^64 - 1, set
	 * bits there or not. */
	if (off > UINT64_MAX - (nbits - 1)) {
		revoked_krl_err(k, "serial bitmap wraps past 2^64");
		return -1;
	}
	for (i = 0; i <= nbits; i++) {
		bool set = i < nbits &&
			   (p[n - 1 - i / 8] >> (i % 8)) & 1;

		if (set && !in_run) {
			run = i;
			in_run = true;
		} else if (!set && in_run) {
			if (revoked_krl_range(k, ca, off + run,
					      off + i - 1) < 0)
				return -1;
			in_run = false;
		}
	}
	return 0;
}

static int
revoked_krl_key_ids(struct revoked_krl *k, struct revoked_ca *ca,
		    struct buf *sub)
{
	const uint8_t *p;
	size_t n;
	int rc;

	while (buf_avail(sub) > 0) {
		if ((rc = buf_get_string_view(sub, REVOKED_MAX_KEY_ID, &p,
					      &n)) != BUF_OK)
			return revoked_krl_short(k, "key ID", rc);
		/* OpenSSH reads key IDs as C strings: NUL is refused. */
		if (memchr(p, 0, n) != NULL) {
			revoked_krl_err(k, "key ID contains NUL");
			return -1;
		}
		if (revoked_set_add(k->r, &ca->ids, p, n, 0, NULL, k->err,
				    k->errsz, k->f->name) < 0)
			return -1;
	}
	return 0;
}

/* An extension (section or certificate subsection): name, critical,
 * contents. None is known, so a critical one refuses the KRL, as in
 * OpenSSH's extension_section(). */
static int
revoked_krl_extension(struct revoked_krl *k, struct buf *sect)
{
	const uint8_t *name, *val;
	size_t nlen, vlen;
	uint8_t critical;
	char shown[REVOKED_MAX_EXT_NAME + 16];
	int rc;

	if ((rc = buf_get_string_view(sect, REVOKED_MAX_EXT_NAME, &name,
				      &nlen)) != BUF_OK ||
	    (rc = buf_get_u8(sect, &critical)) != BUF_OK ||
	    (rc = buf_get_string_view(sect, REVOKED_MAX_FILE, &val,
				      &vlen)) != BUF_OK)
		return revoked_krl_short(k, "extension", rc);
	if (memchr(name, 0, nlen) != NULL) {
		revoked_krl_err(k, "extension name contains NUL");
		return -1;
	}
	if (critical) {
		log_sanitize(shown, sizeof(shown), (const char *)name, nlen);
		revoked_krl_err(k, "unsupported critical extension \"%s\"",
				shown);
		return -1;
	}
	return 0;
}

static int
revoked_krl_certs(struct revoked_krl *k, struct buf *sect)
{
	const uint8_t *cab, *resv;
	size_t calen, rlen;
	struct revoked_ca *ca;
	struct sshkey key;
	struct buf sub;
	uint8_t type;
	char why[128];
	int rc;

	if ((rc = buf_get_string_view(sect, SSHKEY_MAX_BLOB, &cab,
				      &calen)) != BUF_OK ||
	    (rc = buf_get_string_view(sect, REVOKED_MAX_FILE, &resv,
				      &rlen)) != BUF_OK)
		return revoked_krl_short(k, "certificate section CA key",
					 rc);
	if (calen > 0 && sshkey_parse(cab, calen, &key, why,
				      sizeof(why)) < 0) {
		revoked_krl_err(k, "CA key: %s", why);
		return -1;
	}
	if ((ca = revoked_krl_ca(k, cab, calen)) == NULL)
		return -1;
	while (buf_avail(sect) > 0) {
		if ((rc = buf_get_u8(sect, &type)) != BUF_OK ||
		    (rc = buf_get_sub(sect, REVOKED_MAX_FILE, &sub)) != BUF_OK)
			return revoked_krl_short(k, "certificate subsection",
						 rc);
		switch (type) {
		case KRL_SECTION_CERT_SERIAL_LIST:
			rc = revoked_krl_serial_list(k, ca, &sub);
			break;
		case KRL_SECTION_CERT_SERIAL_RANGE:
			rc = revoked_krl_serial_range(k, ca, &sub);
			break;
		case KRL_SECTION_CERT_SERIAL_BITMAP:
			rc = revoked_krl_serial_bitmap(k, ca, &sub);
			break;
		case KRL_SECTION_CERT_KEY_ID:
			rc = revoked_krl_key_ids(k, ca, &sub);
			break;
		case KRL_SECTION_CERT_EXTENSION:
			rc = revoked_krl_extension(k, &sub);
			break;
		default:
			revoked_krl_err(k, "unsupported certificate "
					"subsection type 0x%02x", type);
			return -1;
		}
		if (rc < 0)
			return -1;
		if (buf_avail(&sub) > 0) {
			revoked_krl_err(k, "trailing data in certificate "
					"subsection 0x%02x", type);
			return -1;
		}
	}
	return 0;
}

/* Explicit keys (hashlen 0) or fingerprints (hashlen bytes each). Keys
 * are compared as bytes and not parsed, as in OpenSSH: a KRL may revoke
 * key types we do not know. */
static int
revoked_krl_blobs(struct revoked_krl *k, struct buf *sect,
		  struct revoked_set *s, size_t hashlen, const char *what)
{
	const uint8_t *p;
	size_t n;
	int rc;

	while (buf_avail(sect) > 0) {
		if ((rc = buf_get_string_view(sect, hashlen ? hashlen :
					      SSHKEY_MAX_BLOB, &p, &n)) !=
		    BUF_OK)
			return revoked_krl_short(k, what, rc);
		if (hashlen != 0 && n != hashlen) {
			revoked_krl_err(k, "%s of %zu bytes, not %zu", what,
					n, hashlen);
			return -1;
		}
		if (revoked_set_add(k->r, s, p, n, 0, NULL, k->err, k->errsz,
				    k->f->name) < 0)
			return -1;
	}
	return 0;
}

static int
revoked_krl_section(struct revoked_krl *k, uint8_t type, struct buf *sect)
{
	struct revoked_file *f = k->f;

	switch (type) {
	case KRL_SECTION_CERTIFICATES:
		return revoked_krl_certs(k, sect);
	case KRL_SECTION_EXPLICIT_KEY:
		return revoked_krl_blobs(k, sect, &f->keys, 0, "key");
	case KRL_SECTION_FINGERPRINT_SHA1:
		return revoked_krl_blobs(k, sect, &f->sha1, SHA1_LEN,
					 "SHA1 hash");
	case KRL_SECTION_FINGERPRINT_SHA256:
		return revoked_krl_blobs(k, sect, &f->sha256, SHA256_LEN,
					 "SHA256 hash");
	case KRL_SECTION_EXTENSION:
		return revoked_krl_extension(k, sect);
	default:
		revoked_krl_err(k, "unsupported section type %u", type);
		return -1;
	}
}

static int
revoked_krl_parse(struct revoked *r, struct revoked_file *f, char *err,
		  size_t errsz)
{
	struct revoked_krl k = { r, f, 0, err, errsz };
	const uint8_t *p;
	size_t n;
	struct buf b, sect;
	uint32_t version;
	uint64_t u;
	uint8_t type;
	int rc;

	buf_view(&b, f->data, f->len);
	if ((rc = buf_consume(&b, KRL_MAGIC_LEN)) != BUF_OK ||
	    (rc = buf_get_u32(&b, &version)) != BUF_OK)
		return revoked_krl_short(&k, "header", rc);
	if (version != KRL_FORMAT_VERSION) {
		revoked_krl_err(&k, "unsupported KRL format version %u",
				version);
		return -1;
	}
	/* krl_version, generated_date, flags, reserved: not used. */
	if ((rc = buf_get_u64(&b, &u)) != BUF_OK ||
	    (rc = buf_get_u64(&b, &u)) != BUF_OK ||
	    (rc = buf_get_u64(&b, &u)) != BUF_OK ||
	    (rc = buf_get_string_view(&b, REVOKED_MAX_FILE, &p, &n)) !=
	    BUF_OK ||
	    (rc = buf_get_string_view(&b, REVOKED_MAX_FILE, &p, &n)) !=
	    BUF_OK)
		return revoked_krl_short(&k, "header", rc);
	if (memchr(p, 0, n) != NULL) {
		revoked_krl_err(&k, "comment contains NUL");
		return -1;
	}
	while (buf_avail(&b) > 0) {
		k.off = f->len - buf_avail(&b);
		if ((rc = buf_get_u8(&b, &type)) != BUF_OK ||
		    (rc = buf_get_sub(&b, REVOKED_MAX_FILE, &sect)) != BUF_OK)
			return revoked_krl_short(&k, "section", rc);
		if (type == KRL_SECTION_SIGNATURE) {
			/*
			 * signature_key, then signature. Skipped unverified,
			 * as current OpenSSH does (KRL signatures were never
			 * made by ssh-keygen and sshd ignores them): the file
			 * is trusted through its permissions, not this.
			 */
			if ((rc = buf_get_string_view(&b, REVOKED_MAX_FILE,
						      &p, &n)) != BUF_OK)
				return revoked_krl_short(&k, "signature", rc);
			continue;
		}
		if (revoked_krl_section(&k, type, &sect) < 0)
			return -1;
		if (buf_avail(&sect) > 0) {
			revoked_krl_err(&k, "trailing data in section %u",
					type);
			return -1;
		}
	}
	return 0;
}

static int
revoked_range_cmp(const void *a, const void *b)
{
	const struct revoked_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

/* Sorts and merges overlapping or adjacent ranges, so one bsearch
 * answers a lookup. */
static void
revoked_ca_finish(struct revoked *r, struct revoked_ca *ca)
{
	size_t i, out = 0;

	if (ca->nranges > 1)
		qsort(ca->ranges, ca->nranges, sizeof(*ca->ranges),
		      revoked_range_cmp);
	for (i = 0; i < ca->nranges; i++) {
		struct revoked_range *cur = &ca->ranges[i];

		if (out > 0 && (ca->ranges[out - 1].hi == UINT64_MAX ||
				cur->lo <= ca->ranges[out - 1].hi + 1)) {
			if (cur->hi > ca->ranges[out - 1].hi)
				ca->ranges[out - 1].hi = cur->hi;
			continue;
		}
		ca->ranges[out++] = *cur;
	}
	r->nranges -= ca->nranges - out;
	ca->nranges = out;
	revoked_set_sort(&ca->ids);
}

/* ---- plain key lists ---------------------------------------------- */

/*
 * One line: "type base64 [comment]" after optional blanks, like
 * OpenSSH's sshkey_read() (no options). A certificate revokes the key
 * it certifies, as sshkey_equal_public() compares in sshkey_in_file().
 */
static int
revoked_list_line(struct revoked *r, struct revoked_file *f,
		  const char *s, size_t len, size_t line, char *err,
		  size_t errsz)
{
	char why[128];
	size_t i = 0, t0, tlen, b0, blen, klen;
	uint8_t *blob;
	struct buf b;
	const uint8_t *tn;
	size_t tnlen;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len || s[i] == '#')
		return 0;
	t0 = i;
	while (i < len && s[i] != ' ' && s[i] != '\t')
		i++;
	tlen = i - t0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	b0 = i;
	while (i < len && s[i] != ' ' && s[i] != '\t')
		i++;
	blen = i - b0;
	if (tlen > REVOKED_MAX_TYPE || blen == 0) {
		revoked_seterr(err, errsz, "%s:%zu: not a public key line",
			       f->name, line);
		return -1;
	}
	bool is_cert = cert_is_cert_name(s + t0, tlen);
	if (!is_cert && sshkey_type_from_name(s + t0, tlen) ==
	    SSHKEY_UNKNOWN) {
		char shown[REVOKED_MAX_TYPE + 16];

		log_sanitize(shown, sizeof(shown), s + t0, tlen);
		revoked_seterr(err, errsz, "%s:%zu: unknown key type \"%s\"",
			       f->name, line, shown);
		return -1;
	}
	if ((blob = b64_decode(s + b0, blen, SSHKEY_MAX_BLOB, &klen)) ==
	    NULL) {
		revoked_seterr(err, errsz, "%s:%zu: bad base64 key", f->name,
			       line);
		return -1;
	}
	/* The blob names its own type: it must be the line's. */
	buf_view(&b, blob, klen);
	if (buf_get_string_view(&b, REVOKED_MAX_TYPE, &tn, &tnlen) !=
	    BUF_OK || tnlen != tlen || memcmp(tn, s + t0, tlen) != 0) {
		free(blob);
		revoked_seterr(err, errsz, "%s:%zu: key type does not match "
			       "the key", f->name, line);
		return -1;
	}
	if (is_cert) {
		struct cert c;
		uint8_t *plain;

		if (cert_parse(blob, klen, &c, why, sizeof(why)) < 0) {
			free(blob);
			revoked_seterr(err, errsz, "%s:%zu: %s", f->name,
				       line, why);
			return -1;
		}
		free(blob);
		if ((plain = malloc(c.key_blob_len)) == NULL) {
			cert_free(&c);
			revoked_seterr(err, errsz, "%s: out of memory",
				       f->name);
			return -1;
		}
		memcpy(plain, c.key_blob, c.key_blob_len);
		klen = c.key_blob_len;
		cert_free(&c);
		blob = plain;
	} else {
		struct sshkey key;

		if (sshkey_parse(blob, klen, &key, why, sizeof(why)) < 0) {
			free(blob);
			revoked_seterr(err, errsz, "%s:%zu: %s", f->name,
				       line, why);
			return -1;
		}
	}
	return revoked_set_add(r, &f->keys, blob, klen, line, blob, err,
			       errsz, f->name);
}

static int
revoked_list_parse(struct revoked *r, struct revoked_file *f, char *err,
		   size_t errsz)
{
	const char *s = (const char *)f->data;
	size_t pos = 0, line = 0;

	if (memchr(f->data, 0, f->len) != NULL) {
		revoked_seterr(err, errsz, "%s: neither a KRL nor a text "
			       "key list (contains NUL)", f->name);
		return -1;
	}
	while (pos < f->len) {
		const char *nl = memchr(s + pos, '\n', f->len - pos);
		size_t end = nl ? (size_t)(nl - s) : f->len;
		size_t n = end - pos;

		line++;
		if (n > 0 && s[pos + n - 1] == '\r')
			n--;
		if (n > REVOKED_MAX_LINE) {
			revoked_seterr(err, errsz, "%s:%zu: line longer than "
				       "%u bytes", f->name, line,
				       REVOKED_MAX_LINE);
			return -1;
		}
		if (revoked_list_line(r, f, s + pos, n, line, err,
				      errsz) < 0)
			return -1;
		pos = end + 1;
	}
	return 0;
}

/* ---- loading ------------------------------------------------------ */

int
revoked_add(struct revoked *r, const char *name, const uint8_t *data,
	    size_t len, char *err, size_t errsz)
{
	struct revoked_file *f;
	int rc;

	if (r->nfiles >= REVOKED_MAX_FILES) {
		revoked_seterr(err, errsz, "%s: more than %u RevokedKeys "
			       "files", name, REVOKED_MAX_FILES);
		return -1;
	}
	if (len > REVOKED_MAX_FILE) {
		revoked_seterr(err, errsz, "%s: larger than %u bytes", name,
			       REVOKED_MAX_FILE);
		return -1;
	}
	f = &r->files[r->nfiles];
	memset(f, 0, sizeof(*f));
	/* +1: malloc(0) may return NULL. */
	if ((f->name = strdup(name)) == NULL ||
	    (f->data = malloc(len + 1)) == NULL) {
		revoked_file_free(f);
		revoked_seterr(err, errsz, "%s: out of memory", name);
		return -1;
	}
	if (len > 0)
		memcpy(f->data, data, len);
	f->len = len;
	/* Like sshkey_check_revoked(): a KRL when the magic is there,
	 * otherwise a list of keys. */
	f->krl = len >= KRL_MAGIC_LEN &&
		 memcmp(data, KRL_MAGIC, KRL_MAGIC_LEN) == 0;
	rc = f->krl ? revoked_krl_parse(r, f, err, errsz) :
		      revoked_list_parse(r, f, err, errsz);
	if (rc < 0) {
		/* Give back what the totals counted for this file. */
		for (size_t i = 0; i < f->ncas; i++) {
			r->nranges -= f->cas[i].nranges;
			r->nitems -= f->cas[i].ids.n;
		}
		r->ncas -= f->ncas;
		r->nitems -= f->keys.n + f->sha1.n + f->sha256.n;
		revoked_file_free(f);
		return -1;
	}
	for (size_t i = 0; i < f->ncas; i++)
		revoked_ca_finish(r, &f->cas[i]);
	revoked_set_sort(&f->keys);
	revoked_set_sort(&f->sha1);
	revoked_set_sort(&f->sha256);
	r->nfiles++;
	return 0;
}

/* ---- checking ----------------------------------------------------- */

/*
 * OpenSSH's is_key_revoked() for a plain key blob: SHA1 and SHA256 of
 * the blob, then the blob itself. what is "key" or "CA key".
 */
static bool
revoked_file_key(const struct revoked_file *f, const uint8_t *blob,
		 size_t len, const char *what, char *why, size_t whysz)
{
	uint8_t h1[SHA1_LEN], h256[SHA256_LEN];
	const struct revoked_item *it;
	char fp[SSHKEY_FP_LEN];
	const char *how = NULL;

	if (f->krl) {
		/* A key we cannot hash is treated as revoked: fail closed. */
		if (EVP_Digest(blob, len, h1, NULL, EVP_sha1(), NULL) != 1 ||
		    EVP_Digest(blob, len, h256, NULL, EVP_sha256(),
			       NULL) != 1)
			how = "cannot hash the key";
		else if (revoked_set_find(&f->sha1, h1, sizeof(h1)) != NULL)
			how = "SHA1 fingerprint";
		else if (revoked_set_find(&f->sha256, h256, sizeof(h256)) !=
			 NULL)
			how = "SHA256 fingerprint";
		else if (revoked_set_find(&f->keys, blob, len) != NULL)
			how = "explicit key";
		if (how == NULL)
			return false;
		sshkey_fingerprint(blob, len, fp, sizeof(fp));
		revoked_seterr(why, whysz, "%s %s revoked by KRL %s (%s)",
			       what, fp, f->name, how);
		return true;
	}
	if ((it = revoked_set_find(&f->keys, blob, len)) == NULL)
		return false;
	sshkey_fingerprint(blob, len, fp, sizeof(fp));
	revoked_seterr(why, whysz, "%s %s revoked by %s:%zu", what, fp,
		       f->name, it->line);
	return true;
}

static bool
revoked_serial_in(const struct revoked_ca *ca, uint64_t serial)
{
	size_t lo = 0, hi = ca->nranges;

	/* The last range with lo <= serial. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ca->ranges[mid].lo <= serial)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && serial <= ca->ranges[lo - 1].hi;
}

/* OpenSSH's is_cert_revoked(): key ID first; serial 0 means "none" and
 * is never revoked by serial. */
static bool
revoked_file_cert(const struct revoked_file *f, const struct revoked_ca *ca,
		  const struct cert *c, char *why, size_t whysz)
{
	char caname[SSHKEY_FP_LEN + 8], id[CERT_MAX_STR * 4 + 4];

	if (ca->len == 0)
		snprintf(caname, sizeof(caname), "any CA");
	else {
		char fp[SSHKEY_FP_LEN];

		sshkey_fingerprint(ca->blob, ca->len, fp, sizeof(fp));
		snprintf(caname, sizeof(caname), "CA %s", fp);
	}
	if (c->key_id != NULL &&
	    revoked_set_find(&ca->ids, (const uint8_t *)c->key_id,
			     strlen(c->key_id)) != NULL) {
		log_sanitize(id, sizeof(id), c->key_id, strlen(c->key_id));
		revoked_seterr(why, whysz, "key ID \"%s\" revoked by KRL %s "
			       "(%s)", id, f->name, caname);
		return true;
	}
	if (c->serial != 0 && revoked_serial_in(ca, c->serial)) {
		revoked_seterr(why, whysz, "serial %llu revoked by KRL %s "
			       "(%s)", (unsigned long long)c->serial,
			       f->name, caname);
		return true;
	}
	return false;
}

/* OpenSSH's ssh_krl_check_key() (or sshkey_in_file() with check_ca for
 * a key list) for one file. */
static bool
revoked_file_check(const struct revoked_file *f, const uint8_t *keyblob,
		   size_t keylen, const struct cert *c, char *why,
		   size_t whysz)
{
	if (keyblob != NULL &&
	    revoked_file_key(f, keyblob, keylen, "key", why, whysz))
		return true;
	if (c == NULL)
		return false;
	if (revoked_file_key(f, c->key_blob, c->key_blob_len, "key", why,
			     whysz))
		return true;
	for (size_t i = 0; i < f->ncas; i++) {
		const struct revoked_ca *ca = &f->cas[i];

		if (ca->len != 0 && (ca->len != c->ca_blob_len ||
				     memcmp(ca->blob, c->ca_blob,
					    ca->len) != 0))
			continue;
		if (revoked_file_cert(f, ca, c, why, whysz))
			return true;
	}
	return revoked_file_key(f, c->ca_blob, c->ca_blob_len, "CA key", why,
				whysz);
}

int
revoked_check(const struct revoked *r, const uint8_t *keyblob,
	      size_t keylen, const struct cert *c, char *why, size_t whysz)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (revoked_file_check(&r->files[i], keyblob, keylen, c, why,
				       whysz))
			return 1;
	revoked_seterr(why, whysz, "not revoked");
	return 0;
}
