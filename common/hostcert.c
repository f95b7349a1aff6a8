/* hostcert: the in-band host certificate; see hostcert.h. */
#include "common/hostcert.h"

#include "common/b64.h"
#include "common/buf.h"
#include "common/log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HC_WS		" \t"
#define HC_MAX_TYPE	64	/* longest key type name we accept */

char *
hostcert_banner_format(const uint8_t *blob, size_t len)
{
	struct buf b;
	const uint8_t *t;
	size_t tn, need;
	char *b64, *out;

	if (len == 0 || len > SSHKEY_MAX_BLOB)
		return NULL;
	buf_view(&b, blob, len);
	if (buf_get_string_view(&b, HC_MAX_TYPE, &t, &tn) != BUF_OK ||
	    !cert_is_cert_name((const char *)t, tn))
		return NULL;
	if ((b64 = b64_encode(blob, len)) == NULL)
		return NULL;
	need = strlen(HOSTCERT_HUMAN_LINE) + strlen(HOSTCERT_PREFIX) + tn +
	    strlen(b64) + 3;
	if ((out = malloc(need)) != NULL)
		snprintf(out, need, "%s%s%.*s %s\n", HOSTCERT_HUMAN_LINE,
		    HOSTCERT_PREFIX, (int)tn, (const char *)t, b64);
	free(b64);
	return out;
}

/*
 * "type base64" (then a comment only if allow_comment) in line (modified
 * in place): the blob must name the same type, a certificate type.
 */
static int
hc_parse_key(char *line, bool allow_comment, uint8_t **blob,
	     size_t *blob_len, char *err, size_t errsz)
{
	char *type = line + strspn(line, HC_WS), *b64, *rest;
	size_t tn, bn, inner_len;
	const uint8_t *inner;
	struct buf b;

	tn = strcspn(type, HC_WS);
	if (tn == 0 || type[tn] == '\0') {
		snprintf(err, errsz, "expected \"type base64\"");
		return -1;
	}
	type[tn] = '\0';
	if (!cert_is_cert_name(type, tn)) {
		char safe[80];

		snprintf(err, errsz, "key type %s is not a certificate type",
		    log_sanitize(safe, sizeof(safe), type, tn));
		return -1;
	}
	b64 = type + tn + 1;
	b64 += strspn(b64, HC_WS);
	bn = strcspn(b64, HC_WS);
	rest = b64 + bn;
	if (rest[strspn(rest, HC_WS)] != '\0' && !allow_comment) {
		snprintf(err, errsz, "unexpected text after the certificate");
		return -1;
	}
	*blob = b64_decode(b64, bn, SSHKEY_MAX_BLOB, blob_len);
	if (*blob == NULL) {
		snprintf(err, errsz, "bad base64 certificate data");
		return -1;
	}
	buf_view(&b, *blob, *blob_len);
	if (buf_get_string_view(&b, HC_MAX_TYPE, &inner, &inner_len) !=
	    BUF_OK || inner_len != tn || memcmp(inner, type, tn) != 0) {
		snprintf(err, errsz, "certificate data does not match its "
		    "type %s", type);
		free(*blob);
		*blob = NULL;
		return -1;
	}
	return 0;
}

/* The next line of text[*off..len) into a fresh NUL-terminated copy
 * (CR before LF dropped); NULL at the end or on allocation failure. */
static char *
hc_next_line(const char *text, size_t len, size_t *off, bool *oom)
{
	const char *start = text + *off, *nl;
	size_t n;
	char *line;

	*oom = false;
	if (*off >= len)
		return NULL;
	nl = memchr(start, '\n', len - *off);
	n = nl ? (size_t)(nl - start) : len - *off;
	*off += n + (nl ? 1 : 0);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	if ((line = malloc(n + 1)) == NULL) {
		*oom = true;
		return NULL;
	}
	memcpy(line, start, n);
	line[n] = '\0';
	return line;
}

int
hostcert_banner_parse(const char *text, size_t len, uint8_t **blob,
		      size_t *blob_len, char *err, size_t errsz)
{
	const size_t pl = strlen(HOSTCERT_PREFIX);
	size_t off = 0;
	char *line, why[160];
	bool oom;
	int found = 0;

	*blob = NULL;
	*blob_len = 0;
	if (len > HOSTCERT_MAX_BANNER) {
		snprintf(err, errsz, "banner longer than %d bytes",
		    HOSTCERT_MAX_BANNER);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errsz, "NUL byte in the banner");
		return -1;
	}
	while ((line = hc_next_line(text, len, &off, &oom)) != NULL) {
		int r = 0;

		if (strncmp(line, HOSTCERT_PREFIX, pl) == 0) {
			if (found) {
				snprintf(err, errsz, "more than one host "
				    "certificate line in the banner");
				r = -1;
			} else if (hc_parse_key(line + pl, false, blob,
			    blob_len, why, sizeof(why)) != 0) {
				snprintf(err, errsz, "host certificate line: "
				    "%s", why);
				r = -1;
			}
			found = 1;
		}
		free(line);
		if (r != 0) {
			free(*blob);
			*blob = NULL;
			*blob_len = 0;
			return -1;
		}
	}
	if (oom) {
		free(*blob);
		*blob = NULL;
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return found;
}

int
hostcert_parse_file(const char *text, size_t len, uint8_t **blob,
		    size_t *blob_len, char *err, size_t errsz)
{
	unsigned long lineno = 0;
	size_t off = 0;
	char *line, why[160];
	bool oom;
	int r = 0;

	*blob = NULL;
	*blob_len = 0;
	if (len > HOSTCERT_MAX_FILE || memchr(text, '\0', len) != NULL) {
		snprintf(err, errsz, len > HOSTCERT_MAX_FILE ? "larger than "
		    "%d bytes" : "NUL byte in the file", HOSTCERT_MAX_FILE);
		return -1;
	}
	while (r == 0 && (line = hc_next_line(text, len, &off, &oom)) != NULL) {
		const char *s = line + strspn(line, HC_WS);

		lineno++;
		if (*s == '\0' || *s == '#') {
			free(line);
			continue;
		}
		if (*blob != NULL) {
			snprintf(err, errsz, "line %lu: more than one "
			    "certificate in the file", lineno);
			r = -1;
		} else if (hc_parse_key(line, true, blob, blob_len, why,
		    sizeof(why)) != 0) {
			snprintf(err, errsz, "line %lu: %s", lineno, why);
			r = -1;
		}
		free(line);
	}
	if (r == 0 && oom) {
		snprintf(err, errsz, "out of memory");
		r = -1;
	}
	if (r == 0 && *blob == NULL) {
		snprintf(err, errsz, "no certificate in the file");
		r = -1;
	}
	if (r != 0) {
		free(*blob);
		*blob = NULL;
		*blob_len = 0;
	}
	return r;
}

static bool
hc_same(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

int
hostcert_check_own(const uint8_t *blob, size_t len,
		   const uint8_t *host_blob, size_t host_len, struct cert *c,
		   char *err, size_t errsz)
{
	char why[256];

	if (cert_parse(blob, len, c, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "not a valid certificate: %s", why);
		return -1;
	}
	if (c->cert_type != CERT_TYPE_HOST) {
		snprintf(err, errsz, "a user certificate, not a host "
		    "certificate (make it with ssh-keygen -h)");
		cert_free(c);
		return -1;
	}
	if (!hc_same(c->key_blob, c->key_blob_len, host_blob, host_len)) {
		snprintf(err, errsz, "certifies another key than this "
		    "assistd's host key");
		cert_free(c);
		return -1;
	}
	return 0;
}

/* ASCII case-insensitive equality (host names). */
static bool
hc_name_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		char x = *a, y = *b;

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

int
hostcert_verify(const uint8_t *blob, size_t len, const uint8_t *host_blob,
		size_t host_len, const char *host,
		const uint8_t *const *ca_blobs, const size_t *ca_lens,
		size_t nca, uint64_t now, struct cert *c, size_t *ca_index,
		char *err, size_t errsz)
{
	char why[256], safe[HOSTCERT_MAX_HOST];
	size_t i;

	if (cert_parse(blob, len, c, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "malformed certificate: %s", why);
		return -1;
	}
	if (nca == 0) {
		snprintf(err, errsz, "no @cert-authority line in known_hosts "
		    "matches %s", log_sanitize(safe, sizeof(safe), host,
		    strlen(host)));
		goto fail;
	}
	if (cert_verify(c, CERT_TYPE_HOST, ca_blobs, ca_lens, nca, now,
	    ca_index, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "%s", why);
		goto fail;
	}
	if (!hc_same(c->key_blob, c->key_blob_len, host_blob, host_len)) {
		snprintf(err, errsz, "certificate is for another key than the "
		    "host key the server proved it holds");
		goto fail;
	}
	for (i = 0; i < c->nprincipals; i++)
		if (hc_name_eq(c->principals[i], host))
			return 0;
	snprintf(err, errsz, "host name %s is not among the certificate's "
	    "principals", log_sanitize(safe, sizeof(safe), host,
	    strlen(host)));
fail:
	cert_free(c);
	return -1;
}
