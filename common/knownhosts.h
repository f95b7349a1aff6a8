/*
 * knownhosts: OpenSSH known_hosts files, read and appended by us because
 * libssh 0.10.6 skips @revoked and @cert-authority lines (a revoked key
 * next to a plain line for it is "OK" there).
 *
 * Line format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
 *   [@revoked|@cert-authority] hostpatterns keytype base64 [comment]
 * hostpatterns is a comma-separated pattern list (match.h, case-folded,
 * '!' negation) or one hashed name "|1|base64(salt)|base64(HMAC-SHA1)".
 * A non-22 port is looked up as "[host]:port".
 *
 * Decision, as OpenSSH's check_key_in_hostkeys over all files together:
 * a matching @revoked line for the key wins (REVOKED); else a plain line
 * with the same key (OK); else a plain line with the same key type but
 * another key (CHANGED); else NEW. @cert-authority lines are counted;
 * a lookup that asks for them (knownhosts_lookup_want_cas) also keeps
 * the CA keys of the lines whose patterns match the host, for checking
 * the host certificate assistd sends in-band (common/hostcert.h).
 */
#ifndef ASSIST_KNOWNHOSTS_H
#define ASSIST_KNOWNHOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KNOWNHOSTS_MAX_FILE	(8 * 1024 * 1024) /* bytes in one file */
#define KNOWNHOSTS_MAX_LINE	16384	/* bytes in one line */
#define KNOWNHOSTS_MAX_BLOB	8192	/* decoded key blob */
#define KNOWNHOSTS_MAX_TYPE	64	/* key type name */
#define KNOWNHOSTS_MAX_HOST	1100	/* lookup name incl. "[...]:port" */
#define KNOWNHOSTS_MAX_PATH	4096
#define KNOWNHOSTS_SALT_LEN	20	/* SHA-1 sized, as ssh writes */
#define KNOWNHOSTS_FP_LEN	64	/* "SHA256:" + 43 chars + NUL fits */
#define KNOWNHOSTS_MAX_WARN	10	/* bad-line warnings per lookup */
#define KNOWNHOSTS_MAX_CAS	32	/* @cert-authority keys kept per lookup */
#define KNOWNHOSTS_MAX_COMMENT	128	/* bytes of a CA line's comment kept */

enum knownhosts_marker {
	KNOWNHOSTS_MARK_NONE = 0,
	KNOWNHOSTS_MARK_REVOKED,
	KNOWNHOSTS_MARK_CA,
};

/* One parsed line; strings point into the caller's line buffer. */
struct knownhosts_entry {
	enum knownhosts_marker marker;
	const char *hosts;
	const char *keytype;
	uint8_t *blob;		/* malloc'ed; free with knownhosts_entry_free */
	size_t blob_len;
	const char *comment;	/* rest of the line after the key, or "" */
};

/*
 * Parses one line (NUL-terminated, no newline; modified in place).
 * Returns 1 with *e filled, 0 for a blank, comment or legacy SSH-1 line,
 * -1 if malformed with the reason in why.
 */
int knownhosts_parse_line(char *line, struct knownhosts_entry *e,
			  char *why, size_t whysz);
void knownhosts_entry_free(struct knownhosts_entry *e);

/*
 * Matches a hosts field against a lookup name (already lower case).
 * Returns 1 match, 0 no match, -1 a negated pattern matched, -2 a
 * malformed hashed name.
 */
int knownhosts_match_host(const char *field, const char *host);

/* Writes "host" (port 22) or "[host]:port", lower-cased, to out. 0 / -1. */
int knownhosts_hostname(const char *host, int port, char *out, size_t outsz);

/* "SHA256:..." (unpadded base64, as ssh prints) of a key blob. 0 / -1. */
int knownhosts_fingerprint(const uint8_t *blob, size_t len,
			   char out[KNOWNHOSTS_FP_LEN]);

enum knownhosts_status {
	KNOWNHOSTS_NEW = 0,
	KNOWNHOSTS_OK,
	KNOWNHOSTS_CHANGED,
	KNOWNHOSTS_REVOKED,
};

/* Where a deciding line was found. */
struct knownhosts_hit {
	bool found;
	char file[KNOWNHOSTS_MAX_PATH];
	unsigned long line;
};

/* A @cert-authority key whose host patterns matched the lookup name. */
struct knownhosts_ca {
	uint8_t *blob;		/* owned by the lookup (knownhosts_lookup_free) */
	size_t blob_len;
	char comment[KNOWNHOSTS_MAX_COMMENT];	/* raw, may be empty */
	struct knownhosts_hit where;
};

/* A lookup of one host key over several files. */
struct knownhosts_lookup {
	char host[KNOWNHOSTS_MAX_HOST];
	char keytype[KNOWNHOSTS_MAX_TYPE];
	const uint8_t *blob;	/* caller's, must outlive the lookup */
	size_t blob_len;
	struct knownhosts_hit revoked, ok, changed, other_name;
	size_t other_types;	/* host lines with another key type */
	size_t ca_lines;	/* @cert-authority lines for host */
	size_t bad_lines;	/* malformed plain lines skipped */
	bool want_cas;		/* keep the CA keys (knownhosts_lookup_want_cas) */
	struct knownhosts_ca *cas;	/* ncas of them, in file order */
	size_t ncas;
	size_t cas_dropped;	/* matching CA lines over KNOWNHOSTS_MAX_CAS */
};

/* Starts a lookup of key (keytype, blob) for lookup name host. 0 / -1
 * (host or type too long). */
int knownhosts_lookup_init(struct knownhosts_lookup *l, const char *host,
			   const char *keytype, const uint8_t *blob,
			   size_t len);

/* Makes the lookup keep the CA keys of matching @cert-authority lines
 * (l->cas); the caller must then call knownhosts_lookup_free. */
void knownhosts_lookup_want_cas(struct knownhosts_lookup *l);
/* Frees what the lookup owns (the CA keys); safe on any initialised
 * lookup, and more than once. */
void knownhosts_lookup_free(struct knownhosts_lookup *l);

/*
 * Feeds len bytes of a file named name. Malformed plain lines are skipped
 * with a warning naming name:line (at most KNOWNHOSTS_MAX_WARN); a
 * malformed line starting with '@' is an error (-1, err set), because
 * skipping it could hide a revocation. Returns 0 or -1.
 */
int knownhosts_lookup_buffer(struct knownhosts_lookup *l, const char *name,
			     const char *text, size_t len, char *err,
			     size_t errsz);

/* Reads one file (missing = empty; bounded size) into the lookup. */
int knownhosts_lookup_file(struct knownhosts_lookup *l, const char *path,
			   char *err, size_t errsz);

enum knownhosts_status knownhosts_status(const struct knownhosts_lookup *l);

/*
 * New line "host keytype base64\n", host hashed (fresh random salt) when
 * hash. Returns a new string (caller frees) or NULL.
 */
char *knownhosts_format(const char *host, bool hash, const char *keytype,
			const uint8_t *blob, size_t len);

/*
 * Appends line to path (created 0600 if missing), first adding a newline
 * if the file does not end with one. Returns 0 or -1 with err set.
 */
int knownhosts_append(const char *path, const char *line, char *err,
		      size_t errsz);

#endif
