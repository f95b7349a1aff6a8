/* knownhosts: OpenSSH known_hosts lookup and append; see knownhosts.h. */
#include "common/knownhosts.h"

#include "common/b64.h"
#include "common/buf.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/match.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KH_WS " \t"
#define KH_HASH_MAGIC "|1|"
#define KH_SHA1_LEN 20

void
knownhosts_entry_free(struct knownhosts_entry *e)
{
	free(e->blob);
	memset(e, 0, sizeof(*e));
}

/* Cuts the next blank-separated field off *s; NULL when none is left. */
static char *
kh_field(char **s)
{
	char *start = *s + strspn(*s, KH_WS), *end;

	if (*start == '\0')
		return NULL;
	end = start + strcspn(start, KH_WS);
	if (*end != '\0')
		*end++ = '\0';
	*s = end;
	return start;
}

static bool
kh_all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* What follows the key: leading blanks and trailing blanks/CR cut. */
static const char *
kh_comment(char *s)
{
	size_t n;

	s += strspn(s, KH_WS);
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int
knownhosts_parse_line(char *line, struct knownhosts_entry *e, char *why,
		      size_t whysz)
{
	char *s = line, *f, *b64;
	struct buf b;
	const uint8_t *inner;
	size_t inner_len;

	memset(e, 0, sizeof(*e));
	s += strspn(s, KH_WS);
	if (*s == '\0' || *s == '#' || *s == '\r')
		return 0;
	if ((f = kh_field(&s)) == NULL)
		return 0;
	if (f[0] == '@') {
		if (strcmp(f, "@revoked") == 0)
			e->marker = KNOWNHOSTS_MARK_REVOKED;
		else if (strcmp(f, "@cert-authority") == 0)
			e->marker = KNOWNHOSTS_MARK_CA;
		else {
			snprintf(why, whysz, "unknown marker");
			return -1;
		}
		if ((f = kh_field(&s)) == NULL) {
			snprintf(why, whysz, "marker without host patterns");
			return -1;
		}
	}
	e->hosts = f;
	if ((f = kh_field(&s)) == NULL) {
		snprintf(why, whysz, "no key after host patterns");
		return -1;
	}
	/* SSH-1 "bits exponent modulus" keys: obsolete, skipped like ssh. */
	if (e->marker == KNOWNHOSTS_MARK_NONE && kh_all_digits(f))
		return 0;
	if (strlen(f) >= KNOWNHOSTS_MAX_TYPE) {
		snprintf(why, whysz, "key type name too long");
		return -1;
	}
	e->keytype = f;
	if ((b64 = kh_field(&s)) == NULL) {
		snprintf(why, whysz, "no key data after key type");
		return -1;
	}
	b64[strcspn(b64, "\r")] = '\0';
	e->comment = kh_comment(s);
	e->blob = b64_decode(b64, strlen(b64), KNOWNHOSTS_MAX_BLOB,
	    &e->blob_len);
	if (e->blob == NULL) {
		snprintf(why, whysz, "bad base64 key data");
		return -1;
	}
	/* The blob names its own type; it must agree with the field. */
	buf_view(&b, e->blob, e->blob_len);
	if (buf_get_string_view(&b, KNOWNHOSTS_MAX_TYPE, &inner,
	    &inner_len) != BUF_OK || inner_len != strlen(e->keytype) ||
	    memcmp(inner, e->keytype, inner_len) != 0) {
		snprintf(why, whysz, "key data does not match key type %s",
		    e->keytype);
		knownhosts_entry_free(e);
		return -1;
	}
	return 1;
}

/* Matches one "|1|salt|hash" name. 1, 0, or -2 when malformed. */
static int
kh_match_hashed(const char *field, const char *host)
{
	const char *salt_b64 = field + strlen(KH_HASH_MAGIC), *sep;
	uint8_t *salt = NULL, *want = NULL;
	uint8_t got[EVP_MAX_MD_SIZE];
	unsigned int got_len = 0;
	size_t salt_len, want_len;
	int r = -2;

	sep = strchr(salt_b64, '|');
	if (sep == NULL)
		return -2;
	salt = b64_decode(salt_b64, (size_t)(sep - salt_b64), 64, &salt_len);
	want = b64_decode(sep + 1, strlen(sep + 1), 64, &want_len);
	if (salt == NULL || want == NULL || salt_len != KNOWNHOSTS_SALT_LEN ||
	    want_len != KH_SHA1_LEN)
		goto out;
	if (HMAC(EVP_sha1(), salt, (int)salt_len, (const uint8_t *)host,
	    strlen(host), got, &got_len) == NULL || got_len != KH_SHA1_LEN)
		goto out;
	r = CRYPTO_memcmp(got, want, KH_SHA1_LEN) == 0 ? 1 : 0;
out:
	free(salt);
	free(want);
	return r;
}

int
knownhosts_match_host(const char *field, const char *host)
{
	if (strncmp(field, KH_HASH_MAGIC, strlen(KH_HASH_MAGIC)) == 0)
		return kh_match_hashed(field, host);
	if (field[0] == '|')
		return -2;	/* another hash scheme: none exists */
	return match_hostname(host, field);
}

int
knownhosts_hostname(const char *host, int port, char *out, size_t outsz)
{
	size_t i;
	int n;

	if (port == 22 || port <= 0)
		n = snprintf(out, outsz, "%s", host);
	else
		n = snprintf(out, outsz, "[%s]:%d", host, port);
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	return 0;
}

int
knownhosts_fingerprint(const uint8_t *blob, size_t len,
		       char out[KNOWNHOSTS_FP_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *b64;
	size_t n;

	if (EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	if ((b64 = b64_encode(md, mdlen)) == NULL)
		return -1;
	n = strcspn(b64, "=");	/* ssh prints SHA256 fingerprints unpadded */
	b64[n] = '\0';
	snprintf(out, KNOWNHOSTS_FP_LEN, "SHA256:%s", b64);
	free(b64);
	return 0;
}

int
knownhosts_lookup_init(struct knownhosts_lookup *l, const char *host,
		       const char *keytype, const uint8_t *blob, size_t len)
{
	memset(l, 0, sizeof(*l));
	if (strlen(host) >= sizeof(l->host) ||
	    strlen(keytype) >= sizeof(l->keytype))
		return -1;
	strcpy(l->host, host);
	strcpy(l->keytype, keytype);
	l->blob = blob;
	l->blob_len = len;
	return 0;
}

static void
kh_hit(struct knownhosts_hit *h, const char *name, unsigned long line)
{
	if (h->found)
		return;
	h->found = true;
	snprintf(h->file, sizeof(h->file), "%s", name);
	h->line = line;
}

static void
kh_warn(struct knownhosts_lookup *l, const char *name, unsigned long line,
	const char *why)
{
	char safe[256];

	l->bad_lines++;
	if (l->bad_lines <= KNOWNHOSTS_MAX_WARN)
		log_info("%s:%lu: ignoring malformed known_hosts line: %s",
		    log_sanitize(safe, sizeof(safe), name, strlen(name)), line,
		    why);
}

static bool
kh_same_key(const struct knownhosts_lookup *l,
	    const struct knownhosts_entry *e)
{
	return e->blob_len == l->blob_len &&
	    memcmp(e->blob, l->blob, l->blob_len) == 0;
}

void
knownhosts_lookup_want_cas(struct knownhosts_lookup *l)
{
	l->want_cas = true;
}

void
knownhosts_lookup_free(struct knownhosts_lookup *l)
{
	size_t i;

	for (i = 0; i < l->ncas; i++)
		free(l->cas[i].blob);
	free(l->cas);
	l->cas = NULL;
	l->ncas = 0;
}

/* Keeps a matching CA key; the same key twice is kept once (first). */
static void
kh_keep_ca(struct knownhosts_lookup *l, const struct knownhosts_entry *e,
	   const char *name, unsigned long line)
{
	struct knownhosts_ca *ca;
	size_t i;

	for (i = 0; i < l->ncas; i++)
		if (l->cas[i].blob_len == e->blob_len &&
		    memcmp(l->cas[i].blob, e->blob, e->blob_len) == 0)
			return;
	if (l->ncas >= KNOWNHOSTS_MAX_CAS) {
		l->cas_dropped++;
		return;
	}
	if (l->cas == NULL &&
	    (l->cas = calloc(KNOWNHOSTS_MAX_CAS, sizeof(*l->cas))) == NULL) {
		l->cas_dropped++;
		return;
	}
	ca = &l->cas[l->ncas];
	memset(ca, 0, sizeof(*ca));
	if ((ca->blob = malloc(e->blob_len)) == NULL) {
		l->cas_dropped++;
		return;
	}
	memcpy(ca->blob, e->blob, e->blob_len);
	ca->blob_len = e->blob_len;
	snprintf(ca->comment, sizeof(ca->comment), "%s",
	    e->comment ? e->comment : "");
	kh_hit(&ca->where, name, line);
	l->ncas++;
}

/* Applies one parsed line to the lookup. */
static void
kh_apply(struct knownhosts_lookup *l, const struct knownhosts_entry *e,
	 int hm, const char *name, unsigned long line)
{
	bool same_type = strcmp(e->keytype, l->keytype) == 0;

	if (hm != 1) {
		/* Same key under another name: worth telling the user. */
		if (e->marker == KNOWNHOSTS_MARK_NONE && same_type &&
		    kh_same_key(l, e))
			kh_hit(&l->other_name, name, line);
		return;
	}
	switch (e->marker) {
	case KNOWNHOSTS_MARK_CA:
		l->ca_lines++;
		if (l->want_cas)
			kh_keep_ca(l, e, name, line);
		return;
	case KNOWNHOSTS_MARK_REVOKED:
		if (same_type && kh_same_key(l, e))
			kh_hit(&l->revoked, name, line);
		return;
	case KNOWNHOSTS_MARK_NONE:
		if (!same_type)
			l->other_types++;
		else if (kh_same_key(l, e))
			kh_hit(&l->ok, name, line);
		else
			kh_hit(&l->changed, name, line);
		return;
	}
}

/* Handles one line; -1 only for a fatal (marker) error. */
static int
kh_line(struct knownhosts_lookup *l, const char *name, unsigned long lineno,
	char *line, char *err, size_t errsz)
{
	struct knownhosts_entry e;
	char why[128], safe[256];
	bool marked = line[strspn(line, KH_WS)] == '@';
	int r, hm;

	r = knownhosts_parse_line(line, &e, why, sizeof(why));
	if (r == 0)
		return 0;
	if (r < 0) {
		if (marked) {
			snprintf(err, errsz, "%s:%lu: malformed marker line: %s",
			    log_sanitize(safe, sizeof(safe), name,
			    strlen(name)), lineno, why);
			return -1;
		}
		kh_warn(l, name, lineno, why);
		return 0;
	}
	hm = knownhosts_match_host(e.hosts, l->host);
	if (hm == -2) {
		if (e.marker != KNOWNHOSTS_MARK_NONE) {
			snprintf(err, errsz, "%s:%lu: malformed hashed host "
			    "name on a marker line", log_sanitize(safe,
			    sizeof(safe), name, strlen(name)), lineno);
			knownhosts_entry_free(&e);
			return -1;
		}
		kh_warn(l, name, lineno, "malformed hashed host name");
	} else {
		kh_apply(l, &e, hm, name, lineno);
	}
	knownhosts_entry_free(&e);
	return 0;
}

int
knownhosts_lookup_buffer(struct knownhosts_lookup *l, const char *name,
			 const char *text, size_t len, char *err, size_t errsz)
{
	unsigned long lineno = 0;
	size_t off = 0;
	char *line;
	int r = 0;

	if (len > KNOWNHOSTS_MAX_FILE) {
		snprintf(err, errsz, "known_hosts file larger than %d bytes",
		    KNOWNHOSTS_MAX_FILE);
		return -1;
	}
	if ((line = malloc(KNOWNHOSTS_MAX_LINE)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		const char *start = text + off;

		lineno++;
		off += n + (nl ? 1 : 0);
		if (n >= KNOWNHOSTS_MAX_LINE || memchr(start, '\0', n) != NULL) {
			char safe[256];

			/* Cannot tell what it says; a marker must not be lost. */
			if (n > 0 && start[strspn(start, KH_WS)] == '@') {
				snprintf(err, errsz, "%s:%lu: unreadable "
				    "marker line", log_sanitize(safe,
				    sizeof(safe), name, strlen(name)), lineno);
				r = -1;
				break;
			}
			kh_warn(l, name, lineno, n >= KNOWNHOSTS_MAX_LINE ?
			    "line too long" : "NUL byte in line");
			continue;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		if ((r = kh_line(l, name, lineno, line, err, errsz)) != 0)
			break;
	}
	free(line);
	return r;
}

int
knownhosts_lookup_file(struct knownhosts_lookup *l, const char *path,
		       char *err, size_t errsz)
{
	char safe[256];
	struct stat st;
	char *buf;
	size_t n = 0;
	int fd, r, e = 0;

	log_sanitize(safe, sizeof(safe), path, strlen(path));
	fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(err, errsz, "cannot open %s: %s", safe,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || (!S_ISREG(st.st_mode) &&
	    strcmp(path, "/dev/null") != 0)) {
		close(fd);
		snprintf(err, errsz, "%s is not a regular file", safe);
		return -1;
	}
	buf = fileio_read_fd(fd, KNOWNHOSTS_MAX_FILE, &n, &e);
	close(fd);
	if (buf == NULL) {
		if (e == EFBIG)
			snprintf(err, errsz, "%s: larger than %d bytes", safe,
			    KNOWNHOSTS_MAX_FILE);
		else
			snprintf(err, errsz, "cannot read %s: %s", safe,
			    strerror(e));
		return -1;
	}
	r = knownhosts_lookup_buffer(l, path, buf, n, err, errsz);
	free(buf);
	return r;
}

enum knownhosts_status
knownhosts_status(const struct knownhosts_lookup *l)
{
	if (l->revoked.found)
		return KNOWNHOSTS_REVOKED;
	if (l->ok.found)
		return KNOWNHOSTS_OK;
	if (l->changed.found)
		return KNOWNHOSTS_CHANGED;
	return KNOWNHOSTS_NEW;
}

/* "|1|salt|hash" for host into out (size outsz). 0 / -1. */
static int
kh_hash_host(const char *host, char *out, size_t outsz)
{
	uint8_t salt[KNOWNHOSTS_SALT_LEN], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *s64 = NULL, *h64 = NULL;
	int n = -1;

	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    HMAC(EVP_sha1(), salt, sizeof(salt), (const uint8_t *)host,
	    strlen(host), md, &mdlen) == NULL)
		return -1;
	s64 = b64_encode(salt, sizeof(salt));
	h64 = b64_encode(md, mdlen);
	if (s64 != NULL && h64 != NULL)
		n = snprintf(out, outsz, KH_HASH_MAGIC "%s|%s", s64, h64);
	free(s64);
	free(h64);
	return (n < 0 || (size_t)n >= outsz) ? -1 : 0;
}

char *
knownhosts_format(const char *host, bool hash, const char *keytype,
		  const uint8_t *blob, size_t len)
{
	char name[KNOWNHOSTS_MAX_HOST + 64];
	char *b64, *line;
	size_t need;

	if (hash) {
		if (kh_hash_host(host, name, sizeof(name)) != 0)
			return NULL;
	} else if ((size_t)snprintf(name, sizeof(name), "%s", host) >=
	    sizeof(name)) {
		return NULL;
	}
	if ((b64 = b64_encode(blob, len)) == NULL)
		return NULL;
	need = strlen(name) + strlen(keytype) + strlen(b64) + 4;
	if ((line = malloc(need)) != NULL)
		snprintf(line, need, "%s %s %s\n", name, keytype, b64);
	free(b64);
	return line;
}

int
knownhosts_append(const char *path, const char *line, char *err,
		  size_t errsz)
{
	char safe[256], last = '\n';
	struct stat st;
	int fd;

	memset(&st, 0, sizeof(st));
	log_sanitize(safe, sizeof(safe), path, strlen(path));
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	    0600);
	if (fd < 0) {
		snprintf(err, errsz, "cannot open %s: %s", safe,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	if ((last != '\n' && fileio_write_all(fd, "\n", 1) != 0) ||
	    fileio_write_all(fd, line, strlen(line)) != 0 ||
	    (S_ISREG(st.st_mode) && fsync(fd) != 0)) {
		snprintf(err, errsz, "cannot write %s: %s", safe,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) != 0) {
		snprintf(err, errsz, "cannot write %s: %s", safe,
		    strerror(errno));
		return -1;
	}
	return 0;
}
