/* authfile: authorized keys, principals and CA key files; see authfile.h. */
#include "common/authfile.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/b64.h"
#include "common/log.h"
#include "common/match.h"
#include "common/sshkey.h"
#include "common/cert.h"

#define AUTHFILE_MAX_OPTNAME	32	/* longest option name */
#define AUTHFILE_MAX_OPTS	32	/* options on one line */
#define AUTHFILE_WHY_MAX	256

/* The blob must be a plain key sshkey_parse accepts (ssh-dss and short
 * RSA keys are refused there), of the type the line names. */
static const char *
authfile_check_blob(enum sshkey_type t, const uint8_t *blob, size_t len,
		    char *why, size_t whysz)
{
	struct sshkey k;

	if (sshkey_parse(blob, len, &k, why, whysz) != 0)
		return why;
	if (k.type != t)
		return "key type does not match the key blob";
	return NULL;
}

static bool
authfile_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits off the next blank-separated token of [*s, end). */
static bool
authfile_token(const char **s, const char *end, const char **tok, size_t *n)
{
	const char *p = *s;

	while (p < end && authfile_is_space(*p))
		p++;
	if (p == end)
		return false;
	*tok = p;
	while (p < end && !authfile_is_space(*p))
		p++;
	*n = (size_t)(p - *tok);
	*s = p;
	return true;
}

static char *
authfile_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
authfile_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool
authfile_digits(const char *s, size_t n, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return true;
}

int
authfile_parse_time(const char *s, uint64_t *t)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	size_t n = strlen(s);
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;
	bool utc = false;

	if (n > 0 && s[n - 1] == 'Z') {
		utc = true;
		n--;
	}
	if (n != 8 && n != 12 && n != 14)
		return -1;
	if (!authfile_digits(s, 4, &y) || !authfile_digits(s + 4, 2, &mo) ||
	    !authfile_digits(s + 6, 2, &d))
		return -1;
	if ((n >= 12 && (!authfile_digits(s + 8, 2, &h) ||
	    !authfile_digits(s + 10, 2, &mi))) ||
	    (n == 14 && !authfile_digits(s + 12, 2, &sec)))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	if (utc) {
		*t = (uint64_t)(authfile_days(y, mo, d) * 86400 + h * 3600 +
		    mi * 60 + sec);
	} else {
		/* OpenSSH reads these in the system time zone. */
		struct tm tm = { 0 };
		time_t tt;

		tm.tm_year = (int)y - 1900;
		tm.tm_mon = (int)mo - 1;
		tm.tm_mday = (int)d;
		tm.tm_hour = (int)h;
		tm.tm_min = (int)mi;
		tm.tm_sec = (int)sec;
		tm.tm_isdst = -1;
		if ((tt = mktime(&tm)) == (time_t)-1 || tt < 0)
			return -1;
		*t = (uint64_t)tt;
	}
	return 0;
}

/* Every entry of a from= list is a pattern or a well-formed CIDR. */
static bool
authfile_from_valid(const char *list)
{
	const char *p = list;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char entry[MATCH_MAX_ENTRY];
		struct match_addr net;
		unsigned bits;
		int r;

		if (len > 0 && *p == '!') {
			p++;
			len--;
		}
		if (len == 0 || len >= sizeof(entry))
			return false;
		memcpy(entry, p, len);
		entry[len] = '\0';
		r = match_cidr_parse(entry, &net, &bits);
		if (r == -2 || (r == -1 && strchr(entry, '/') != NULL))
			return false;
		if (end == NULL)
			return true;
		p = end + 1;
	}
}

/* Options that restrict what assistd never offers: always satisfied. */
static const char *const authfile_noop_opts[] = {
	"no-pty", "no-port-forwarding", "no-agent-forwarding",
	"no-x11-forwarding", "no-user-rc", "restrict", "pty",
	"port-forwarding", "agent-forwarding", "x11-forwarding", "user-rc",
};

/* Options we cannot honour: the line is refused rather than half kept. */
static const char *const authfile_refused_opts[] = {
	"command", "environment", "permitopen", "permitlisten", "tunnel",
};

static bool
authfile_in(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(name, list[i]) == 0)
			return true;
	return false;
}

#define AUTHFILE_IN(name, arr) \
	authfile_in(name, arr, sizeof(arr) / sizeof(arr[0]))

/* Reads a quoted value at *s (which points at the '"'): '\"' is a quote,
 * as in OpenSSH. New string in *val, or a static reason. */
static const char *
authfile_quoted(const char **s, const char *end, char **val)
{
	const char *p = *s + 1;
	char *v;
	size_t n = 0;

	if ((v = malloc(AUTHFILE_MAX_OPTVAL + 1)) == NULL)
		return "out of memory";
	for (;;) {
		if (p == end) {
			free(v);
			return "unterminated quoted option value";
		}
		if (*p == '"')
			break;
		if (*p == '\\' && p + 1 < end && p[1] == '"')
			p++;
		if (n == AUTHFILE_MAX_OPTVAL) {
			free(v);
			return "option value too long";
		}
		v[n++] = *p++;
	}
	v[n] = '\0';
	*s = p + 1;
	*val = v;
	return NULL;
}

/* Applies option name (with value val, or NULL) to o; takes val. */
static const char *
authfile_apply(enum authfile_kind kind, const char *name, char *val,
	       struct authfile_opts *o, char *why, size_t whysz)
{
	bool keys = kind == AUTHFILE_AUTHORIZED_KEYS;
	const char *r = NULL;

	if (AUTHFILE_IN(name, authfile_refused_opts)) {
		snprintf(why, whysz, "option %s= cannot be honoured by "
		    "assistd: line refused", name);
		r = why;
	} else if (AUTHFILE_IN(name, authfile_noop_opts) ||
	    strcasecmp(name, "no-touch-required") == 0 ||
	    strcasecmp(name, "verify-required") == 0 ||
	    strcasecmp(name, "cert-authority") == 0) {
		if (val != NULL)
			r = "option takes no value";
		else if (strcasecmp(name, "cert-authority") == 0 && !keys)
			r = "cert-authority belongs in AuthorizedKeysFile";
		else if (strcasecmp(name, "cert-authority") == 0)
			o->cert_authority = true;
		else if (strcasecmp(name, "no-touch-required") == 0)
			o->no_touch_required = true;
		else if (strcasecmp(name, "verify-required") == 0)
			o->verify_required = true;
	} else if (strcasecmp(name, "from") == 0) {
		if (val == NULL || o->from != NULL)
			r = val ? "from= given twice" : "from needs a value";
		else if (!authfile_from_valid(val))
			r = "invalid from= pattern list";
		else {
			o->from = val;
			val = NULL;
		}
	} else if (strcasecmp(name, "principals") == 0) {
		if (!keys)
			r = "principals= belongs in AuthorizedKeysFile";
		else if (val == NULL || o->principals != NULL)
			r = val ? "principals= given twice" :
			    "principals needs a value";
		else if (*val == '\0')
			r = "empty principals= list";
		else {
			o->principals = val;
			val = NULL;
		}
	} else if (strcasecmp(name, "expiry-time") == 0) {
		if (val == NULL || o->has_expiry)
			r = val ? "expiry-time= given twice" :
			    "expiry-time needs a value";
		else if (authfile_parse_time(val, &o->expiry) != 0 ||
		    strlen(val) >= sizeof(o->expiry_text))
			r = "invalid expiry-time (YYYYMMDD[HHMM[SS]][Z])";
		else {
			o->has_expiry = true;
			snprintf(o->expiry_text, sizeof(o->expiry_text), "%s",
			    val);
		}
	} else {
		snprintf(why, whysz, "unknown option %s: line refused", name);
		r = why;
	}
	free(val);
	return r;
}

/* Parses the options at [*s, end) up to the first blank outside quotes. */
static const char *
authfile_options(enum authfile_kind kind, const char **s, const char *end,
		 struct authfile_opts *o, char *why, size_t whysz)
{
	const char *p = *s, *r;
	size_t nopts = 0;

	for (;;) {
		char name[AUTHFILE_MAX_OPTNAME + 1], *val = NULL;
		size_t n = 0;

		if (++nopts > AUTHFILE_MAX_OPTS)
			return "too many options";
		while (p < end && (isalnum((unsigned char)*p) || *p == '-')) {
			if (n == AUTHFILE_MAX_OPTNAME)
				return "option name too long";
			name[n++] = *p++;
		}
		name[n] = '\0';
		if (n == 0)
			return "bad option syntax";
		if (p < end && *p == '=') {
			p++;
			if (p == end || *p != '"')
				return "option value must be in double quotes";
			if ((r = authfile_quoted(&p, end, &val)) != NULL)
				return r;
		}
		if ((r = authfile_apply(kind, name, val, o, why, whysz)) !=
		    NULL)
			return r;
		if (p == end || authfile_is_space(*p))
			break;
		if (*p != ',')
			return "bad option syntax";
		p++;
	}
	*s = p;
	return NULL;
}

/* Key part of a key line: "type base64 [comment]". */
static const char *
authfile_key(const char *s, const char *end, struct authfile_entry *e,
	     char *why, size_t whysz)
{
	enum sshkey_type t;
	const char *tok, *b64, *r;
	size_t n, b64n;

	if (!authfile_token(&s, end, &tok, &n))
		return "missing key";
	if ((t = sshkey_type_from_name(tok, n)) == SSHKEY_UNKNOWN)
		return cert_is_cert_name(tok, n) ?
		    "a certificate is not a key: list its CA instead" :
		    "unknown or refused key type";
	if (!authfile_token(&s, end, &b64, &b64n))
		return "missing base64 key";
	if (b64n / 4 * 3 > AUTHFILE_MAX_BLOB + 2)
		return "key too long";
	e->blob = b64_decode(b64, b64n, AUTHFILE_MAX_BLOB, &e->blob_len);
	if (e->blob == NULL)
		return "invalid base64";
	if ((r = authfile_check_blob(t, e->blob, e->blob_len, why, whysz)) !=
	    NULL)
		return r;
	while (s < end && authfile_is_space(*s))
		s++;
	e->type = authfile_strndup(tok, n);
	e->comment = authfile_strndup(s, (size_t)(end - s));
	if (e->type == NULL || e->comment == NULL)
		return "out of memory";
	return NULL;
}

static bool
authfile_is_type_token(const char *tok, size_t n)
{
	return sshkey_type_from_name(tok, n) != SSHKEY_UNKNOWN ||
	    cert_is_cert_name(tok, n);
}

/* True when the first token of [s, end) is a key type (no options). */
static bool
authfile_starts_with_type(const char *s, const char *end)
{
	const char *tok;
	size_t n;

	return authfile_token(&s, end, &tok, &n) &&
	    authfile_is_type_token(tok, n);
}

/* True when a token after the first is a key type: the line then starts
 * with options; otherwise its first token is an unknown key type. */
static bool
authfile_has_options(const char *s, const char *end)
{
	const char *tok;
	size_t n;

	(void)authfile_token(&s, end, &tok, &n);
	while (authfile_token(&s, end, &tok, &n))
		if (authfile_is_type_token(tok, n))
			return true;
	return false;
}

/* A principals line: [options] principal, the principal being the last
 * blank-separated word (as OpenSSH splits it). */
static const char *
authfile_principal(const char *s, const char *end, struct authfile_entry *e,
		   char *why, size_t whysz)
{
	const char *p = end, *r;
	size_t n;

	while (p > s && !authfile_is_space(p[-1]))
		p--;
	n = (size_t)(end - p);
	if (n > AUTHFILE_MAX_PRINCIPAL)
		return "principal too long";
	if (memchr(p, '"', n) != NULL)
		return "quote in principal (option value with blanks?)";
	if (p > s) {
		const char *oe = p;

		while (oe > s && authfile_is_space(oe[-1]))
			oe--;
		if ((r = authfile_options(AUTHFILE_PRINCIPALS, &s, oe, &e->o,
		    why, whysz)) != NULL)
			return r;
		if (s != oe)
			return "bad option syntax";
	}
	if ((e->principal = authfile_strndup(p, n)) == NULL)
		return "out of memory";
	return NULL;
}

/* One non-blank, non-comment line (without newline) into e. */
static const char *
authfile_line(enum authfile_kind kind, const char *s, const char *end,
	      struct authfile_entry *e, char *why, size_t whysz)
{
	const char *r;

	/* Trailing blanks are no part of a principal or comment. */
	while (end > s && authfile_is_space(end[-1]))
		end--;
	if (kind == AUTHFILE_PRINCIPALS)
		return authfile_principal(s, end, e, why, whysz);
	if (!authfile_starts_with_type(s, end)) {
		if (!authfile_has_options(s, end))
			return "unknown or refused key type";
		if (kind == AUTHFILE_CA_KEYS)
			return "options are not allowed in TrustedUserCAKeys";
		if ((r = authfile_options(kind, &s, end, &e->o, why, whysz)) !=
		    NULL)
			return r;
	}
	if ((r = authfile_key(s, end, e, why, whysz)) != NULL)
		return r;
	if (e->o.principals != NULL && !e->o.cert_authority)
		return "principals= needs cert-authority";
	return NULL;
}

/* Raw bytes of one line: no NUL or control characters but tab (a
 * trailing CR from a DOS file is dropped by the caller). */
static const char *
authfile_check_chars(const char *s, size_t n)
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

static void
authfile_entry_clear(struct authfile_entry *e)
{
	free(e->o.from);
	free(e->o.principals);
	free(e->type);
	free(e->blob);
	free(e->comment);
	free(e->principal);
	memset(e, 0, sizeof(*e));
}

static int
authfile_push(struct authfile *f, struct authfile_entry *e)
{
	if (f->n % 16 == 0) {
		struct authfile_entry *ne = realloc(f->e,
		    (f->n + 16) * sizeof(*ne));

		if (ne == NULL)
			return -1;
		f->e = ne;
	}
	f->e[f->n++] = *e;
	return 0;
}

int
authfile_parse(enum authfile_kind kind, const char *name, const char *text,
	       size_t len, struct authfile *out, char *err, size_t errsz)
{
	const char *p = text, *end = text + len;
	char why[AUTHFILE_WHY_MAX];
	size_t line = 0;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	if ((out->name = authfile_strndup(name, strlen(name))) == NULL) {
		snprintf(err, errsz, "%s: out of memory", name);
		return -1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p, *r;
		struct authfile_entry e = { 0 };

		line++;
		p = nl ? nl + 1 : end;
		if ((size_t)(le - s) > AUTHFILE_MAX_LINE) {
			r = "line too long";
			goto bad;
		}
		if (le > s && le[-1] == '\r')
			le--;
		if ((r = authfile_check_chars(s, (size_t)(le - s))) != NULL)
			goto bad;
		while (s < le && authfile_is_space(*s))
			s++;
		if (s == le || *s == '#')
			continue;
		if (out->n == AUTHFILE_MAX_ENTRIES) {
			r = "too many entries";
			goto bad;
		}
		e.line = line;
		if ((r = authfile_line(kind, s, le, &e, why, sizeof(why))) !=
		    NULL)
			goto bad;
		if (authfile_push(out, &e) != 0) {
			r = "out of memory";
			goto bad;
		}
		continue;
bad:
		snprintf(err, errsz, "%s:%zu: %s", name, line, r);
		authfile_entry_clear(&e);
		authfile_free(out);
		return -1;
	}
	return 0;
}

void
authfile_free(struct authfile *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		authfile_entry_clear(&f->e[i]);
	free(f->e);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

int
authfile_find_key(const struct authfile *f, size_t from, const uint8_t *blob,
		  size_t len)
{
	size_t i;

	for (i = from; i < f->n; i++)
		if (f->e[i].blob != NULL && f->e[i].blob_len == len &&
		    memcmp(f->e[i].blob, blob, len) == 0)
			return (int)i;
	return -1;
}

int
authfile_opts_check(const struct authfile *f, const struct authfile_entry *e,
		    const char *peer, uint64_t now, char *why, size_t whysz)
{
	char pa[64];

	if (e->o.has_expiry && now > e->o.expiry) {
		snprintf(why, whysz, "expiry-time=\"%s\" passed (%s:%zu)",
		    e->o.expiry_text, f->name, e->line);
		return -1;
	}
	if (e->o.from == NULL)
		return 0;
	log_sanitize(pa, sizeof(pa), peer ? peer : "", peer ?
	    strlen(peer) : 0);
	switch (peer ? match_addr_list(peer, e->o.from) : 0) {
	case 1:
		return 0;
	case -1:
		snprintf(why, whysz, "source %s refused by a negated entry "
		    "of from=\"%s\" (%s:%zu)", pa, e->o.from, f->name,
		    e->line);
		return -1;
	default:
		snprintf(why, whysz, "source %s not in from=\"%s\" (%s:%zu)",
		    pa, e->o.from, f->name, e->line);
		return -1;
	}
}
