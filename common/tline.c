/* tline: building transcript lines; see tline.h and assist-transcript(5). */
#include "common/tline.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#define TLINE_CHAIN_FIELD	" chain="
/* Room kept at the end of every line for the dropped count, the chain,
 * the newline and snprintf's NUL. */
#define TLINE_TAIL	(sizeof(" dropped=4294967295") - 1 + \
			 sizeof(TLINE_CHAIN_FIELD) - 1 + TLINE_CHAIN_HEX + 1 + 1)
#define TLINE_CUT_MARK	"..."

static const char tline_hex[] = "0123456789abcdef";

/* Keys a line holds at most once; the first five start every line. */
static const char *const tline_once[] = {
	"session", "host", "user", "event", "seq", "prev_session",
	"prev_chain", "dropped", "chain",
};

int
tline_key_ok(const char *key, size_t len)
{
	size_t i;

	if (len == 0 || len > TLINE_MAX_KEY || key[0] < 'a' || key[0] > 'z')
		return 0;
	for (i = 0; i < len; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

int
tline_key_once(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(tline_once) / sizeof(tline_once[0]); i++)
		if (strlen(tline_once[i]) == len &&
		    memcmp(tline_once[i], key, len) == 0)
			return 1;
	return 0;
}

int
tline_bare_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("-._:/@+,~%", c) != NULL;
}

void
tline_format_time(long long unix_ms, char *out, size_t outsz)
{
	time_t secs = (time_t)(unix_ms / 1000);
	struct tm tm;

	/* TIME is always 24 characters: a clock outside years 0..9999
	 * (gmtime_r would give 5 digits) is written as the epoch. */
	if (unix_ms < 0 || gmtime_r(&secs, &tm) == NULL ||
	    tm.tm_year + 1900 > 9999) {
		snprintf(out, outsz, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(unix_ms % 1000));
}

/* Bytes the escaped form of one byte takes inside quotes. */
static size_t
quoted_len(unsigned char c)
{
	if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t')
		return 2;
	return (c < 0x20 || c >= 0x7f || c == '=') ? 4 : 1;
}

static char *
quote_byte(char *o, unsigned char c)
{
	switch (c) {
	case '"': case '\\':
		*o++ = '\\';
		*o++ = (char)c;
		return o;
	case '\n':
		*o++ = '\\';
		*o++ = 'n';
		return o;
	case '\r':
		*o++ = '\\';
		*o++ = 'r';
		return o;
	case '\t':
		*o++ = '\\';
		*o++ = 't';
		return o;
	}
	if (c < 0x20 || c >= 0x7f || c == '=') {
		*o++ = '\\';
		*o++ = 'x';
		*o++ = tline_hex[c >> 4];
		*o++ = tline_hex[c & 15];
		return o;
	}
	*o++ = (char)c;
	return o;
}

static int
needs_quotes(const unsigned char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (!tline_bare_char(v[i]))
			return 1;
	return 0;
}

/* Length of the escaped value, quotes and cut mark included. */
static size_t
escaped_len(const unsigned char *v, size_t n, int cut)
{
	size_t i, len;

	if (!cut && !needs_quotes(v, n))
		return n;
	len = 2 + (cut ? sizeof(TLINE_CUT_MARK) - 1 : 0);
	for (i = 0; i < n; i++)
		len += quoted_len(v[i]);
	return len;
}

/*
 * 1 when the line already holds " key=". Values never hold '=' (it is
 * escaped), so any " key=" in the text is a field.
 */
static int
has_field(const struct tline *l, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i + klen + 2 <= l->len; i++)
		if (l->buf[i] == ' ' && l->buf[i + 1 + klen] == '=' &&
		    memcmp(l->buf + i + 1, key, klen) == 0)
			return 1;
	return 0;
}

/* "chain" and "dropped" are tline_finish's; the others at most once. */
static int
key_allowed(const struct tline *l, const char *key, size_t klen)
{
	if (!tline_key_ok(key, klen))
		return 0;
	if ((klen == 5 && memcmp(key, "chain", 5) == 0) ||
	    (klen == 7 && memcmp(key, "dropped", 7) == 0))
		return 0;
	return !tline_key_once(key, klen) || !has_field(l, key, klen);
}

void
tline_add_n(struct tline *l, const char *key, const void *value, size_t n)
{
	const unsigned char *v = value;
	size_t klen = strlen(key), need;
	int cut = 0;
	char *o;

	if (!key_allowed(l, key, klen)) {
		l->bad = 1;
		return;
	}
	if (n > TLINE_MAX_VALUE) {
		n = TLINE_MAX_VALUE;
		cut = 1;
	}
	need = 1 + klen + 1 + escaped_len(v, n, cut);
	/* Two fields stay free for dropped= and chain=. */
	if (l->len + need + TLINE_TAIL > sizeof(l->buf) ||
	    l->nfields + 2 >= TLINE_MAX_FIELDS) {
		l->dropped++;
		return;
	}
	o = l->buf + l->len;
	*o++ = ' ';
	memcpy(o, key, klen);
	o += klen;
	*o++ = '=';
	if (!cut && !needs_quotes(v, n)) {
		memcpy(o, v, n);
		o += n;
	} else {
		size_t i;

		*o++ = '"';
		for (i = 0; i < n; i++)
			o = quote_byte(o, v[i]);
		if (cut) {
			memcpy(o, TLINE_CUT_MARK, sizeof(TLINE_CUT_MARK) - 1);
			o += sizeof(TLINE_CUT_MARK) - 1;
		}
		*o++ = '"';
	}
	l->len = (size_t)(o - l->buf);
	l->nfields++;
}

void
tline_add(struct tline *l, const char *key, const char *value)
{
	if (value == NULL)
		value = "";
	tline_add_n(l, key, value, strlen(value));
}

void
tline_add_u64(struct tline *l, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	tline_add(l, key, num);
}

void
tline_add_i64(struct tline *l, const char *key, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	tline_add(l, key, num);
}

void
tline_begin(struct tline *l, long long unix_ms, const char *session,
	    const char *host, const char *user, const char *event,
	    unsigned long long seq)
{
	l->len = 0;
	l->dropped = 0;
	l->nfields = 0;
	l->bad = 0;
	tline_format_time(unix_ms, l->buf, sizeof(l->buf));
	l->len = strlen(l->buf);
	tline_add(l, "session", session);
	tline_add(l, "host", host);
	tline_add(l, "user", user);
	tline_add(l, "event", event);
	tline_add_u64(l, "seq", seq);
	/* A line without its first five fields is no transcript line. */
	if (l->dropped > 0)
		l->bad = 1;
}

int
tline_chain(const char *prev_chain, const char *text, size_t len,
	    char *chain_out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx;
	int ok;

	if (strlen(prev_chain) != TLINE_CHAIN_HEX)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, prev_chain, TLINE_CHAIN_HEX) == 1 &&
	    EVP_DigestUpdate(ctx, " ", 1) == 1 &&
	    EVP_DigestUpdate(ctx, text, len) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
	    mdlen * 2 == TLINE_CHAIN_HEX;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (i = 0; i < mdlen; i++) {
		chain_out[2 * i] = tline_hex[md[i] >> 4];
		chain_out[2 * i + 1] = tline_hex[md[i] & 15];
	}
	chain_out[TLINE_CHAIN_HEX] = '\0';
	return 0;
}

int
tline_finish(struct tline *l, const char *prev_chain, char *chain_out)
{
	int n;

	if (l->bad)
		return -1;
	if (l->dropped > 0) {
		/* TLINE_TAIL kept room for this field. */
		n = snprintf(l->buf + l->len, sizeof(l->buf) - l->len,
		    " dropped=%u", l->dropped);
		l->len += (size_t)n;
	}
	if (tline_chain(prev_chain, l->buf, l->len, chain_out) != 0)
		return -1;
	n = snprintf(l->buf + l->len, sizeof(l->buf) - l->len, "%s%s\n",
	    TLINE_CHAIN_FIELD, chain_out);
	if (n < 0 || (size_t)n >= sizeof(l->buf) - l->len)
		return -1;
	l->len += (size_t)n;
	return 0;
}
