/* authkeys: the interim accepted-keys list; see authkeys.h. */
#include "common/authkeys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/b64.h"
#include "common/buf.h"
#include "common/fileio.h"

#define AUTHKEYS_MAX_NAME	64	/* longest key type / curve name */
#define AUTHKEYS_MAX_FIELD	1024	/* longest field inside a key blob */

/* What a key blob of each accepted type holds after its type string. */
enum authkeys_shape {
	SHAPE_ED25519,		/* string pk[32] */
	SHAPE_SK_ED25519,	/* string pk[32], string application */
	SHAPE_ECDSA,		/* string curve, string point */
	SHAPE_SK_ECDSA,		/* string curve, string point, string app */
	SHAPE_RSA,		/* mpint e, mpint n */
};

struct authkeys_type {
	const char *name;
	enum authkeys_shape shape;
	const char *curve;	/* ECDSA curve name, or NULL */
	size_t point_len;	/* uncompressed ECDSA point length */
};

/* Plain key types we accept. ssh-dss is refused (broken, and OpenSSH
 * dropped it); certificates wait for the access-policy issue. */
static const struct authkeys_type authkeys_types[] = {
	{ "ssh-ed25519", SHAPE_ED25519, NULL, 0 },
	{ "sk-ssh-ed25519@openssh.com", SHAPE_SK_ED25519, NULL, 0 },
	{ "ecdsa-sha2-nistp256", SHAPE_ECDSA, "nistp256", 65 },
	{ "ecdsa-sha2-nistp384", SHAPE_ECDSA, "nistp384", 97 },
	{ "ecdsa-sha2-nistp521", SHAPE_ECDSA, "nistp521", 133 },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", SHAPE_SK_ECDSA, "nistp256", 65 },
	{ "ssh-rsa", SHAPE_RSA, NULL, 0 },
};

#define AUTHKEYS_NTYPES (sizeof(authkeys_types) / sizeof(authkeys_types[0]))

static const struct authkeys_type *
authkeys_type_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < AUTHKEYS_NTYPES; i++)
		if (strlen(authkeys_types[i].name) == n &&
		    memcmp(authkeys_types[i].name, s, n) == 0)
			return &authkeys_types[i];
	return NULL;
}

static bool
authkeys_is_cert_type(const char *s, size_t n)
{
	static const char suffix[] = "-cert-v01@openssh.com";
	size_t sl = sizeof(suffix) - 1;

	return n > sl && memcmp(s + n - sl, suffix, sl) == 0;
}

static void authkeys_seterr(char *err, size_t errsz, const char *name,
			    size_t line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
authkeys_seterr(char *err, size_t errsz, const char *name, size_t line,
		const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err, errsz, "%s:%zu: %s", name, line, msg);
	else
		snprintf(err, errsz, "%s: %s", name, msg);
}

/* An SSH mpint: positive, minimal (no needless leading zero). */
static int
authkeys_check_mpint(struct buf *b, size_t maxlen, size_t *bits)
{
	const uint8_t *p;
	size_t n;

	if (buf_get_string_view(b, maxlen, &p, &n) != BUF_OK || n == 0)
		return -1;
	if (p[0] & 0x80)
		return -1;	/* negative */
	if (p[0] == 0 && (n == 1 || !(p[1] & 0x80)))
		return -1;	/* not minimal */
	if (p[0] == 0) {
		p++;
		n--;
	}
	*bits = n * 8;
	for (uint8_t top = p[0]; !(top & 0x80); top <<= 1)
		(*bits)--;
	return 0;
}

/*
 * Checks that blob is a well-formed public key of type t, with nothing
 * after it. Returns NULL or a static reason.
 */
static const char *
authkeys_check_blob(const struct authkeys_type *t, const uint8_t *blob,
		    size_t len)
{
	struct buf b;
	const uint8_t *p;
	size_t n, bits;

	buf_view(&b, blob, len);
	if (buf_get_string_view(&b, AUTHKEYS_MAX_NAME, &p, &n) != BUF_OK)
		return "key blob has no type";
	if (n != strlen(t->name) || memcmp(p, t->name, n) != 0)
		return "key type does not match the key blob";
	switch (t->shape) {
	case SHAPE_ED25519:
	case SHAPE_SK_ED25519:
		if (buf_get_string_view(&b, 32, &p, &n) != BUF_OK || n != 32)
			return "bad ed25519 public key";
		break;
	case SHAPE_ECDSA:
	case SHAPE_SK_ECDSA:
		if (buf_get_string_view(&b, AUTHKEYS_MAX_NAME, &p, &n) !=
		    BUF_OK || n != strlen(t->curve) ||
		    memcmp(p, t->curve, n) != 0)
			return "ECDSA curve does not match the key type";
		if (buf_get_string_view(&b, t->point_len, &p, &n) != BUF_OK ||
		    n != t->point_len || p[0] != 0x04)
			return "bad ECDSA public point";
		break;
	case SHAPE_RSA:
		if (authkeys_check_mpint(&b, 64, &bits) != 0)
			return "bad RSA exponent";
		if (authkeys_check_mpint(&b, AUTHKEYS_MAX_FIELD, &bits) != 0)
			return "bad RSA modulus";
		if (bits < AUTHKEYS_MIN_RSA_BITS)
			return "RSA key shorter than 2048 bits";
		break;
	}
	if (t->shape == SHAPE_SK_ED25519 || t->shape == SHAPE_SK_ECDSA) {
		if (buf_get_string_view(&b, AUTHKEYS_MAX_FIELD, &p, &n) !=
		    BUF_OK || n == 0)
			return "bad security key application";
	}
	if (buf_avail(&b) != 0)
		return "trailing bytes after the key";
	return NULL;
}

static bool
authkeys_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits off the next blank-separated token of [*s, end). */
static bool
authkeys_token(const char **s, const char *end, const char **tok,
	       size_t *n)
{
	const char *p = *s;

	while (p < end && authkeys_is_space(*p))
		p++;
	if (p == end)
		return false;
	*tok = p;
	while (p < end && !authkeys_is_space(*p))
		p++;
	*n = (size_t)(p - *tok);
	*s = p;
	return true;
}

/* True when some token after the first is a key type: the line then
 * starts with options, which this interim format refuses. */
static bool
authkeys_has_options(const char *s, const char *end)
{
	const char *tok;
	size_t n;

	(void)authkeys_token(&s, end, &tok, &n);
	while (authkeys_token(&s, end, &tok, &n))
		if (authkeys_type_find(tok, n) != NULL ||
		    authkeys_is_cert_type(tok, n))
			return true;
	return false;
}

static char *
authkeys_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/*
 * Parses one line (without its newline, not blank, not a comment) into k.
 * Returns NULL or a static reason (k is then partly filled: clear it).
 */
static const char *
authkeys_parse_line(const char *s, const char *end, struct authkey *k)
{
	const struct authkeys_type *t;
	const char *tok, *b64, *why;
	size_t n, b64n;

	if (!authkeys_token(&s, end, &tok, &n))
		return "empty line";
	if ((t = authkeys_type_find(tok, n)) == NULL) {
		if (authkeys_has_options(tok, end))
			return "key options are not supported (yet): "
			    "remove them or wait for the policy file";
		if (authkeys_is_cert_type(tok, n))
			return "certificates are not supported here";
		return "unknown or refused key type";
	}
	if (!authkeys_token(&s, end, &b64, &b64n))
		return "missing base64 key";
	if (b64n / 4 * 3 > AUTHKEYS_MAX_BLOB + 2)
		return "key too long";
	k->blob = b64_decode(b64, b64n, AUTHKEYS_MAX_BLOB, &k->blob_len);
	if (k->blob == NULL)
		return "invalid base64";
	if ((why = authkeys_check_blob(t, k->blob, k->blob_len)) != NULL)
		return why;
	while (s < end && authkeys_is_space(*s))
		s++;
	k->type = authkeys_strndup(t->name, strlen(t->name));
	k->comment = authkeys_strndup(s, (size_t)(end - s));
	if (k->type == NULL || k->comment == NULL)
		return "out of memory";
	return NULL;
}

static void
authkey_clear(struct authkey *k)
{
	free(k->type);
	free(k->blob);
	free(k->comment);
	memset(k, 0, sizeof(*k));
}

/* Checks the raw bytes of one line: no NUL or control characters but
 * tab (a trailing CR from a DOS file is dropped by the caller). */
static const char *
authkeys_check_chars(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return "NUL byte in line";
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return "control character in line";
	}
	return NULL;
}

int
authkeys_parse(const char *name, const char *text, size_t len,
	       struct authkeys *out, char *err, size_t errsz)
{
	const char *p = text, *end = text + len;
	size_t line = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p, *why;
		struct authkey k = { 0 };

		line++;
		p = nl ? nl + 1 : end;
		if ((size_t)(le - s) > AUTHKEYS_MAX_LINE) {
			why = "line too long";
			goto bad;
		}
		if (le > s && le[-1] == '\r')
			le--;
		if ((why = authkeys_check_chars(s, (size_t)(le - s))) != NULL)
			goto bad;
		while (s < le && authkeys_is_space(*s))
			s++;
		if (s == le || *s == '#')
			continue;
		if (out->n == AUTHKEYS_MAX_KEYS) {
			why = "too many keys";
			goto bad;
		}
		if ((why = authkeys_parse_line(s, le, &k)) != NULL)
			goto bad;
		if (out->n % 16 == 0) {
			struct authkey *nk = realloc(out->keys,
			    (out->n + 16) * sizeof(*nk));

			if (nk == NULL) {
				why = "out of memory";
				goto bad;
			}
			out->keys = nk;
		}
		out->keys[out->n++] = k;
		continue;
bad:
		authkey_clear(&k);
		authkeys_seterr(err, errsz, name, line, "%s", why);
		authkeys_free(out);
		return -1;
	}
	return 0;
}

int
authkeys_load(const char *path, struct authkeys *out, char *err,
	      size_t errsz)
{
	struct stat st;
	char *text;
	size_t len;
	int fd, r, e;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		authkeys_seterr(err, errsz, path, 0, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		authkeys_seterr(err, errsz, path, 0, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	/* Like OpenSSH's StrictModes: whoever may change this file decides
	 * who may see the user's screen. */
	if (!S_ISREG(st.st_mode)) {
		authkeys_seterr(err, errsz, path, 0, "not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		authkeys_seterr(err, errsz, path, 0,
		    "writable by group or others (mode %04o): refused",
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		authkeys_seterr(err, errsz, path, 0,
		    "owned by uid %u, neither you nor root: refused",
		    (unsigned)st.st_uid);
		close(fd);
		return -1;
	}
	text = fileio_read_fd(fd, AUTHKEYS_MAX_FILE, &len, &e);
	close(fd);
	if (text == NULL) {
		authkeys_seterr(err, errsz, path, 0, "%s",
		    e == EFBIG ? "file too large" : strerror(e));
		return -1;
	}
	r = authkeys_parse(path, text, len, out, err, errsz);
	free(text);
	return r;
}

int
authkeys_find(const struct authkeys *ak, const uint8_t *blob, size_t len)
{
	size_t i;

	for (i = 0; i < ak->n; i++)
		if (ak->keys[i].blob_len == len &&
		    memcmp(ak->keys[i].blob, blob, len) == 0)
			return (int)i;
	return -1;
}

void
authkeys_free(struct authkeys *ak)
{
	size_t i;

	for (i = 0; i < ak->n; i++)
		authkey_clear(&ak->keys[i]);
	free(ak->keys);
	ak->keys = NULL;
	ak->n = 0;
}
