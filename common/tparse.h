/*
 * tparse: the one bounded parser of a transcript line, the reading half
 * of tline.h (whose comment gives the grammar; administrators read it in
 * assist-transcript(5)). It accepts exactly what tline writes and
 * nothing else: the canonical escaping, the first five fields in their
 * order, each once-only key once, at most TLINE_MAX_FIELDS fields, chain=
 * last, one '\n' at the end. So a line that parses is a line the writer
 * could have written, and `grep key=value` finds what tparse finds.
 */
#ifndef ASSIST_TPARSE_H
#define ASSIST_TPARSE_H

#include <stddef.h>
#include "common/tline.h"

#define TPARSE_MAX_FIELDS	TLINE_MAX_FIELDS
/* Longest unescaped value: a value cut at TLINE_MAX_VALUE plus "...". */
#define TPARSE_MAX_VALUE	(TLINE_MAX_VALUE + 3)
#define TPARSE_ERR_MAX		160	/* room for an error message */

struct tparse_field {
	const char *key;	/* into the line; klen bytes, no NUL */
	size_t klen;
	const char *raw;	/* the value as written, quotes included */
	size_t rawlen;
	const char *value;	/* unescaped, into the tparse_line; NUL
				 * after vlen, but may hold NUL itself */
	size_t vlen;
	int quoted;		/* written in double quotes */
	int cut;		/* cut by the writer: ends in "..." */
};

/*
 * One parsed line. Pointers go into the line text (borrowed: it must
 * outlive the struct) and into vbuf. About 22 KiB: keep one per reader,
 * not one per line.
 */
struct tparse_line {
	const char *line;	/* the line given, '\n' included */
	size_t len;
	char time[TLINE_TIME_LEN + 1];
	long long unix_ms;	/* TIME as milliseconds since the epoch */
	unsigned long long seq;
	size_t text_len;	/* bytes before " chain=": what is hashed */
	char chain[TLINE_CHAIN_HEX + 1];
	size_t nfields;		/* fields, chain= included */
	struct tparse_field f[TPARSE_MAX_FIELDS];
	char vbuf[TLINE_MAX];	/* unescaped values, each NUL-terminated */
};

/*
 * Parses the len bytes at line, which must be one whole line ending in
 * its only '\n'. Returns 0, or -1 with one precise reason in err (e.g.
 * "field 4 (event): unterminated quote"); p is then only partly filled.
 */
int tparse_line(struct tparse_line *p, const char *line, size_t len,
		char *err, size_t errsz);

/* The first field named key (NUL-terminated), or NULL. Owned by p. */
const struct tparse_field *tparse_get(const struct tparse_line *p,
				      const char *key);

/*
 * The unescaped value of key (NUL-terminated; *vlen, when not NULL, gets
 * its length, which counts any NUL inside), or NULL when there is no
 * such field. Owned by p.
 */
const char *tparse_value(const struct tparse_line *p, const char *key,
			 size_t *vlen);

/* 1 when the field named key exists and its value is exactly s. */
int tparse_is(const struct tparse_line *p, const char *key, const char *s);

/*
 * Parses TIME ("YYYY-MM-DDTHH:MM:SS.mmmZ", a real UTC date) from the
 * first TLINE_TIME_LEN bytes of s (n bytes available) into *unix_ms.
 * Returns 0 or -1 with the reason in err.
 */
int tparse_time(const char *s, size_t n, long long *unix_ms, char *err,
		size_t errsz);

#endif
