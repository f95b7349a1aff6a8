/* tparse: reading one transcript line back; see tparse.h and tline.h. */
#include "common/tparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"

#define TPARSE_FIRST_FIELDS	5
#define TPARSE_SEQ_DIGITS	20	/* digits of the largest u64 */
#define TPARSE_CUT_MARK		"..."

static const char *const tparse_first[TPARSE_FIRST_FIELDS] = {
	"session", "host", "user", "event", "seq",
};

/* Where the parser is; the field number and key name errors. */
struct tparse_ctx {
	struct buf b;
	struct tparse_line *p;
	size_t vpos;		/* next free byte of p->vbuf */
	char *err;
	size_t errsz;
};

static int tparse_fail(struct tparse_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
tparse_fail(struct tparse_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

/* A reason about the field being read: "field N (key): ..." (or
 * "field N: ..." before its key is known). Only built on failure: the
 * hot path formats nothing. */
static int tparse_ffail(struct tparse_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
tparse_ffail(struct tparse_ctx *c, const char *fmt, ...)
{
	const struct tparse_field *f = &c->p->f[c->p->nfields];
	va_list ap;
	int n;

	if (f->klen > 0)
		n = snprintf(c->err, c->errsz, "field %zu (%.*s): ",
		    c->p->nfields + 1, (int)f->klen, f->key);
	else
		n = snprintf(c->err, c->errsz, "field %zu: ",
		    c->p->nfields + 1);
	if (n < 0 || (size_t)n >= c->errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* The next byte without taking it; 0 when none is left. */
static int
tparse_peek(const struct buf *b, unsigned char *ch)
{
	if (buf_avail(b) == 0)
		return 0;
	*ch = buf_ptr(b)[0];
	return 1;
}

static int
tparse_digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
tparse_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil), so no time zone or locale can get in the way. */
static long long
tparse_days(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
tparse_time(const char *s, size_t n, long long *unix_ms, char *err,
	    size_t errsz)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int y, mo, d, h, mi, sec, ms, dim;
	size_t i;

	if (n < TLINE_TIME_LEN) {
		snprintf(err, errsz, "time: shorter than %d characters",
		    TLINE_TIME_LEN);
		return -1;
	}
	for (i = 0; i < TLINE_TIME_LEN; i++) {
		int ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') :
		    s[i] == shape[i];

		if (!ok) {
			snprintf(err, errsz, "time: not of the form "
			    "YYYY-MM-DDTHH:MM:SS.mmmZ (column %zu)", i + 1);
			return -1;
		}
	}
	tparse_digits(s, 4, &y);
	tparse_digits(s + 5, 2, &mo);
	tparse_digits(s + 8, 2, &d);
	tparse_digits(s + 11, 2, &h);
	tparse_digits(s + 14, 2, &mi);
	tparse_digits(s + 17, 2, &sec);
	tparse_digits(s + 20, 3, &ms);
	if (y < 1970 || mo < 1 || mo > 12) {
		snprintf(err, errsz, "time: no such year or month");
		return -1;
	}
	dim = mdays[mo - 1] + (mo == 2 && tparse_leap(y));
	if (d < 1 || d > dim || h > 23 || mi > 59 || sec > 59) {
		snprintf(err, errsz, "time: no such day or time of day");
		return -1;
	}
	*unix_ms = ((tparse_days(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec;
	*unix_ms = *unix_ms * 1000 + ms;
	return 0;
}

/* Every byte before the final '\n' must be printable ASCII. */
static int
tparse_bytes(struct tparse_ctx *c, const char *line, size_t len)
{
	size_t i;

	if (len == 0)
		return tparse_fail(c, "empty line");
	if (len > TLINE_MAX)
		return tparse_fail(c, "line of %zu bytes, longer than %d",
		    len, TLINE_MAX);
	if (line[len - 1] != '\n')
		return tparse_fail(c, "no newline at the end");
	for (i = 0; i + 1 < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if (ch == '\n')
			return tparse_fail(c, "newline at column %zu inside "
			    "the line", i + 1);
		if (ch < 0x20 || ch > 0x7e)
			return tparse_fail(c, "byte 0x%02x at column %zu: only "
			    "printable ASCII is allowed", ch, i + 1);
	}
	return 0;
}

static int
tparse_key(struct tparse_ctx *c, struct tparse_field *f)
{
	const char *start = (const char *)buf_ptr(&c->b);
	size_t n = 0, i;
	unsigned char ch;

	while (tparse_peek(&c->b, &ch) && ch != '=' && ch != ' ' &&
	    ch != '\n') {
		buf_consume(&c->b, 1);
		n++;
	}
	if (n == 0)
		return tparse_ffail(c, "no key %s",
		    tparse_peek(&c->b, &ch) && ch == '=' ? "before '='" :
		    "(two spaces, or a space at the end?)");
	if (!tparse_peek(&c->b, &ch) || ch != '=')
		return tparse_ffail(c, "no '=' after the key");
	if (n == 0 || n > TLINE_MAX_KEY || !tline_key_ok(start, n))
		return tparse_ffail(c, "bad key \"%.*s\" (1 to %d of "
		    "a-z 0-9 _ ., first a-z)",
		    (int)(n > TLINE_MAX_KEY ? TLINE_MAX_KEY : n), start,
		    TLINE_MAX_KEY);
	buf_consume(&c->b, 1);
	f->key = start;
	f->klen = n;
	if (c->p->nfields < TPARSE_FIRST_FIELDS) {
		const char *want = tparse_first[c->p->nfields];

		if (strlen(want) != n || memcmp(want, start, n) != 0)
			return tparse_ffail(c, "%s= expected here", want);
	}
	if (!tline_key_once(start, n))
		return 0;
	for (i = 0; i < c->p->nfields; i++)
		if (c->p->f[i].klen == n && memcmp(c->p->f[i].key, start,
		    n) == 0)
			return tparse_ffail(c, "second %.*s= in the line",
			    (int)n, start);
	return 0;
}

static int
tparse_hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* 1 when tline writes byte v as \xHH, so \xHH of anything else is not
 * what tline writes. */
static int
tparse_needs_hex(unsigned char v)
{
	if (v == '\n' || v == '\r' || v == '\t')
		return 0;
	return v < 0x20 || v >= 0x7f || v == '=';
}

/* Appends one unescaped byte to the value being read. */
static int
tparse_put(struct tparse_ctx *c, struct tparse_field *f, unsigned char v)
{
	/* One byte more than a cut value may hold is already too long;
	 * the NUL after the value needs the last byte of vbuf. */
	if (f->vlen >= TPARSE_MAX_VALUE ||
	    c->vpos + f->vlen + 1 >= sizeof(c->p->vbuf))
		return tparse_ffail(c, "value longer than %d bytes",
		    TPARSE_MAX_VALUE);
	c->p->vbuf[c->vpos + f->vlen++] = (char)v;
	return 0;
}

/* After a backslash: \" \\ \n \r \t or \xHH (lowercase, only for bytes
 * tline writes that way). */
static int
tparse_escape(struct tparse_ctx *c, struct tparse_field *f)
{
	unsigned char e, h1 = 0, h2 = 0;
	int hi, lo;

	if (buf_get_u8(&c->b, &e) != BUF_OK || e == '\n')
		return tparse_ffail(c, "unterminated quote");
	switch (e) {
	case '"': case '\\':
		return tparse_put(c, f, e);
	case 'n':
		return tparse_put(c, f, '\n');
	case 'r':
		return tparse_put(c, f, '\r');
	case 't':
		return tparse_put(c, f, '\t');
	case 'x':
		break;
	default:
		return tparse_ffail(c, "unknown escape \\%c", e);
	}
	if (buf_get_u8(&c->b, &h1) != BUF_OK ||
	    buf_get_u8(&c->b, &h2) != BUF_OK ||
	    (hi = tparse_hexval(h1)) < 0 || (lo = tparse_hexval(h2)) < 0)
		return tparse_ffail(c, "\\x needs two lowercase hex digits");
	if (!tparse_needs_hex((unsigned char)(hi * 16 + lo)))
		return tparse_ffail(c, "\\x%c%c where the byte itself (or "
		    "\\n \\r \\t) belongs", h1, h2);
	return tparse_put(c, f, (unsigned char)(hi * 16 + lo));
}

/* 1 when tline would have written these bytes without quotes. */
static int
tparse_could_be_bare(const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!tline_bare_char((unsigned char)v[i]))
			return 0;
	return 1;
}

static int
tparse_quoted(struct tparse_ctx *c, struct tparse_field *f)
{
	const char *v = c->p->vbuf + c->vpos;
	size_t mark = sizeof(TPARSE_CUT_MARK) - 1;
	unsigned char ch;

	buf_consume(&c->b, 1);		/* the opening quote */
	f->quoted = 1;
	for (;;) {
		if (buf_get_u8(&c->b, &ch) != BUF_OK || ch == '\n')
			return tparse_ffail(c, "unterminated quote");
		if (ch == '"')
			break;
		if (ch == '=')
			return tparse_ffail(c, "'=' inside quotes (tline "
			    "writes \\x3d)");
		if ((ch == '\\' ? tparse_escape(c, f) : tparse_put(c, f, ch))
		    != 0)
			return -1;
	}
	if (f->vlen == TPARSE_MAX_VALUE &&
	    memcmp(v + f->vlen - mark, TPARSE_CUT_MARK, mark) == 0)
		f->cut = 1;
	else if (f->vlen > TLINE_MAX_VALUE)
		return tparse_ffail(c, "value of %zu bytes, longer than %d "
		    "and not cut", f->vlen, TLINE_MAX_VALUE);
	else if (tparse_could_be_bare(v, f->vlen))
		return tparse_ffail(c, "quotes around a value that needs "
		    "none");
	return 0;
}

static int
tparse_bare(struct tparse_ctx *c, struct tparse_field *f)
{
	unsigned char ch;

	while (tparse_peek(&c->b, &ch) && ch != ' ' && ch != '\n') {
		if (!tline_bare_char(ch))
			return tparse_ffail(c, "'%c' in a value without "
			    "quotes", ch);
		buf_consume(&c->b, 1);
		if (f->vlen >= TLINE_MAX_VALUE)
			return tparse_ffail(c, "value longer than %d bytes",
			    TLINE_MAX_VALUE);
		if (tparse_put(c, f, ch) != 0)
			return -1;
	}
	if (f->vlen == 0)
		return tparse_ffail(c, "empty value (tline writes \"\")");
	return 0;
}

static int
tparse_value_of(struct tparse_ctx *c, struct tparse_field *f)
{
	const char *raw = (const char *)buf_ptr(&c->b);
	unsigned char ch = 0;
	int rc;

	f->value = c->p->vbuf + c->vpos;
	f->vlen = 0;
	tparse_peek(&c->b, &ch);
	rc = ch == '"' ? tparse_quoted(c, f) : tparse_bare(c, f);
	if (rc != 0)
		return rc;
	f->raw = raw;
	f->rawlen = (size_t)((const char *)buf_ptr(&c->b) - raw);
	c->p->vbuf[c->vpos + f->vlen] = '\0';
	c->vpos += f->vlen + 1;
	return 0;
}

static int
tparse_seq(struct tparse_ctx *c, const struct tparse_field *f)
{
	unsigned long long v = 0;
	size_t i;

	if (f->quoted || f->vlen > TPARSE_SEQ_DIGITS || f->value[0] == '0')
		goto bad;
	for (i = 0; i < f->vlen; i++) {
		unsigned d = (unsigned)(f->value[i] - '0');

		if (d > 9 || v > (~0ULL - d) / 10)
			goto bad;
		v = v * 10 + d;
	}
	c->p->seq = v;
	return 0;
bad:
	return tparse_fail(c, "field 5 (seq): not a whole number from 1 up");
}

static int
tparse_chain(struct tparse_ctx *c, const struct tparse_field *f)
{
	size_t i;

	if (f->vlen != TLINE_CHAIN_HEX)
		goto bad;
	for (i = 0; i < f->vlen; i++)
		if (tparse_hexval((unsigned char)f->value[i]) < 0)
			goto bad;
	memcpy(c->p->chain, f->value, TLINE_CHAIN_HEX);
	c->p->chain[TLINE_CHAIN_HEX] = '\0';
	return 0;
bad:
	return tparse_fail(c, "field %zu (chain): not %d lowercase hex digits",
	    c->p->nfields + 1, TLINE_CHAIN_HEX);
}

/* One " key=value" after the space; *last set when it was chain=. */
static int
tparse_field_at(struct tparse_ctx *c, int *last)
{
	struct tparse_line *p = c->p;
	struct tparse_field *f = &p->f[p->nfields];
	size_t at = c->b.off - 1;	/* the space before the key */

	memset(f, 0, sizeof(*f));
	if (tparse_key(c, f) != 0 || tparse_value_of(c, f) != 0)
		return -1;
	if (p->nfields == TPARSE_FIRST_FIELDS - 1 && tparse_seq(c, f) != 0)
		return -1;
	*last = f->klen == 5 && memcmp(f->key, "chain", 5) == 0;
	if (*last) {
		if (tparse_chain(c, f) != 0)
			return -1;
		p->text_len = at;
	}
	p->nfields++;
	return 0;
}

int
tparse_line(struct tparse_line *p, const char *line, size_t len, char *err,
	    size_t errsz)
{
	struct tparse_ctx c;
	unsigned char ch;
	int last = 0;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.err = err;
	c.errsz = errsz;
	p->line = line;
	p->len = len;
	p->nfields = 0;
	p->text_len = 0;
	p->seq = 0;
	p->chain[0] = '\0';
	if (tparse_bytes(&c, line, len) != 0)
		return -1;
	if (tparse_time(line, len - 1, &p->unix_ms, err, errsz) != 0)
		return -1;
	memcpy(p->time, line, TLINE_TIME_LEN);
	p->time[TLINE_TIME_LEN] = '\0';
	buf_view(&c.b, line, len);
	buf_consume(&c.b, TLINE_TIME_LEN);
	for (;;) {
		if (buf_get_u8(&c.b, &ch) != BUF_OK)
			return tparse_fail(&c, "no chain= at the end");
		if (ch == '\n')
			break;
		if (ch != ' ')
			return tparse_fail(&c, "%s after %s",
			    p->nfields == 0 ? "no space" : "no space or end",
			    p->nfields == 0 ? "the time" : "a value");
		if (last)
			return tparse_fail(&c, "field %zu: a field after "
			    "chain=, which must be the last", p->nfields + 1);
		if (p->nfields == TPARSE_MAX_FIELDS)
			return tparse_fail(&c, "more than %d fields",
			    TPARSE_MAX_FIELDS);
		if (tparse_field_at(&c, &last) != 0)
			return -1;
	}
	if (p->nfields < TPARSE_FIRST_FIELDS)
		return tparse_fail(&c, "only %zu of the fields session host "
		    "user event seq", p->nfields);
	if (!last)
		return tparse_fail(&c, "no chain= at the end");
	return 0;
}

const struct tparse_field *
tparse_get(const struct tparse_line *p, const char *key)
{
	size_t klen = strlen(key), i;

	for (i = 0; i < p->nfields; i++)
		if (p->f[i].klen == klen && memcmp(p->f[i].key, key, klen) == 0)
			return &p->f[i];
	return NULL;
}

const char *
tparse_value(const struct tparse_line *p, const char *key, size_t *vlen)
{
	const struct tparse_field *f = tparse_get(p, key);

	if (f == NULL)
		return NULL;
	if (vlen != NULL)
		*vlen = f->vlen;
	return f->value;
}

int
tparse_is(const struct tparse_line *p, const char *key, const char *s)
{
	const struct tparse_field *f = tparse_get(p, key);

	return f != NULL && f->vlen == strlen(s) &&
	    memcmp(f->value, s, f->vlen) == 0;
}
