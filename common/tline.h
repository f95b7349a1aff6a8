/*
 * tline: the transcript line format, in one place (specified for
 * administrators in man/assist-transcript.5). This half builds lines;
 * common/tparse.h reads them back for the verifier.
 *
 * A line is printable ASCII ending in one '\n':
 *
 *   TIME session=ID host=H user=U event=E seq=N [key=value ...] chain=HEX
 *
 * - TIME: UTC, "2026-11-29T12:00:00.123Z" (always 24 characters).
 * - keys: 1..TLINE_MAX_KEY characters of [a-z0-9_.], first a letter.
 * - values: bare when non-empty and made only of [A-Za-z0-9] and
 *   "-._:/@+,~%"; otherwise in double quotes, where printable ASCII
 *   stands for itself except '"' and '\' (written \" and \\) and '='
 *   (written \x3d), and every other byte is \n, \r, \t or \xHH
 *   (lowercase hex). So no value holds a newline, an unescaped quote or
 *   an '=': every "key=" in a line is a real field, and neither grep nor
 *   the verifier can be fooled by what a helper or a certificate says.
 * - values longer than TLINE_MAX_VALUE bytes (before escaping) are cut
 *   there; a cut value is always quoted and ends in "..." (the three
 *   dots inside the quotes).
 * - seq: 1 for the first line of a file, +1 per line.
 * - at most TLINE_MAX_FIELDS fields; the keys session, host, user,
 *   event, seq, prev_session, prev_chain, dropped and chain appear at
 *   most once (the builder refuses to write them twice, the parser to
 *   read them twice).
 * - chain: 64 lowercase hex digits, SHA-256 over the previous line's
 *   chain (64 hex characters; 64 '0' for a file's first line), one
 *   space, and this line's text before " chain=". The first line of a
 *   file names the previous session's last line with fields
 *   prev_session= and prev_chain= ("none" when not known), so files
 *   chain to each other too.
 */
#ifndef ASSIST_TLINE_H
#define ASSIST_TLINE_H

#include <stddef.h>
#include <stdint.h>

#define TLINE_MAX		8192	/* longest line, '\n' included */
#define TLINE_MAX_KEY		32	/* longest key */
#define TLINE_MAX_VALUE		1024	/* longest value before escaping */
#define TLINE_MAX_FIELDS	256	/* fields in a line, the five first,
					 * dropped= and chain= included */
#define TLINE_CHAIN_HEX		64	/* hex digits of a chain value */
#define TLINE_TIME_LEN		24	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
#define TLINE_ZERO_CHAIN \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* A line being built, on the caller's stack; no heap. */
struct tline {
	char buf[TLINE_MAX];
	size_t len;		/* bytes in buf, no NUL counted */
	unsigned dropped;	/* fields left out because the line was full */
	unsigned nfields;	/* fields in buf */
	int bad;		/* a key was invalid or reserved, or a first
				 * field did not fit: a programming error */
};

/*
 * Starts a line: TIME (from unix_ms, milliseconds since the epoch, UTC)
 * then session, host, user, event and seq fields. The strings are
 * borrowed and escaped like any value; when they do not all fit the line
 * is bad (tline_finish fails) rather than written without them.
 */
void tline_begin(struct tline *l, long long unix_ms, const char *session,
		 const char *host, const char *user, const char *event,
		 unsigned long long seq);

/*
 * Adds " key=value" with value escaped as above. A field that would not
 * fit (leaving room for the chain), or one past TLINE_MAX_FIELDS, is left
 * out and counted in dropped; tline_finish then adds "dropped=N" so the
 * loss is visible. An invalid key, "chain" or "dropped", or a second
 * session/host/user/event/seq/prev_session/prev_chain makes the line bad.
 * tline_add_n takes n bytes of value (which may hold any byte, NUL too).
 */
void tline_add(struct tline *l, const char *key, const char *value);
void tline_add_n(struct tline *l, const char *key, const void *value,
		 size_t n);
void tline_add_u64(struct tline *l, const char *key, uint64_t v);
void tline_add_i64(struct tline *l, const char *key, int64_t v);

/*
 * Ends the line: " chain=HEX\n" computed from prev_chain (64 hex
 * characters, borrowed). Writes the new chain, NUL-terminated, to
 * chain_out (TLINE_CHAIN_HEX + 1 bytes). Returns 0, or -1 when a key was
 * invalid or hashing failed (the line must not be written).
 */
int tline_finish(struct tline *l, const char *prev_chain, char *chain_out);

/* The chain of a line text (the part before " chain="), as above; for
 * the writer and the verifier alike. 0 or -1. */
int tline_chain(const char *prev_chain, const char *text, size_t len,
		char *chain_out);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of unix_ms into out (>= TLINE_TIME_LEN+1). */
void tline_format_time(long long unix_ms, char *out, size_t outsz);

/* 1 when key is a valid key (see above), else 0. */
int tline_key_ok(const char *key, size_t len);
/* 1 when key is one of those a line holds at most once (see above). */
int tline_key_once(const char *key, size_t len);
/* 1 when byte c may appear in a bare value, else 0. */
int tline_bare_char(unsigned char c);

#endif
