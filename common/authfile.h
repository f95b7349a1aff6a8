/*
 * authfile: OpenSSH AuthorizedKeysFile, AuthorizedPrincipalsFile and
 * TrustedUserCAKeys lines, through one line reader with explicit limits.
 *
 *   authorized keys:  [options] keytype base64 [comment]
 *   principals:       [options] principal
 *   trusted CA keys:  keytype base64 [comment]   (comment = CA name)
 *
 * Options (comma-separated, values in double quotes, '\"' inside):
 * from="pattern-list", expiry-time="YYYYMMDD[HHMM[SS]][Z]",
 * cert-authority, principals="list", no-touch-required, verify-required;
 * no-pty, no-port-forwarding, no-agent-forwarding, no-X11-forwarding,
 * no-user-rc, restrict and their positive forms are accepted (assistd
 * never offers any of those). command=, environment=, permitopen=,
 * permitlisten=, tunnel= (which we cannot honour) and unknown options
 * refuse the line, and so the whole file: fail closed.
 */
#ifndef ASSIST_AUTHFILE_H
#define ASSIST_AUTHFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTHFILE_MAX_ENTRIES	1024
#define AUTHFILE_MAX_LINE	8192
#define AUTHFILE_MAX_BLOB	4096	/* one plain public key blob */
#define AUTHFILE_MAX_FILE	(4u * 1024 * 1024)
#define AUTHFILE_MAX_OPTVAL	1024	/* one option's quoted value */
#define AUTHFILE_MAX_PRINCIPAL	256

enum authfile_kind {
	AUTHFILE_AUTHORIZED_KEYS,
	AUTHFILE_PRINCIPALS,
	AUTHFILE_CA_KEYS,
};

/* The restrictions of one line. */
struct authfile_opts {
	char *from;		/* from= pattern list, or NULL */
	bool has_expiry;
	uint64_t expiry;	/* expiry-time, seconds since 1970 */
	char expiry_text[24];	/* as written, for messages */
	bool cert_authority;
	char *principals;	/* principals= list, or NULL */
	bool no_touch_required;
	bool verify_required;
};

/* One line of any kind; blob/type/comment for key files, principal for
 * principals files (the other fields are NULL). */
struct authfile_entry {
	size_t line;
	struct authfile_opts o;
	char *type;		/* key type name */
	uint8_t *blob;		/* decoded plain key blob */
	size_t blob_len;
	char *comment;		/* may be "" */
	char *principal;
};

struct authfile {
	char *name;		/* file name, for messages */
	enum authfile_kind kind;
	struct authfile_entry *e;
	size_t n;
};

/*
 * Parses text (len bytes, named name in messages) as a file of kind.
 * Blank lines and '#' comments are skipped. 0, or -1 with
 * "name:line: reason" in err and *out empty. Free with authfile_free.
 */
int authfile_parse(enum authfile_kind kind, const char *name,
		   const char *text, size_t len, struct authfile *out,
		   char *err, size_t errsz);
void authfile_free(struct authfile *f);

/* Index of the first entry whose key blob equals blob, starting at
 * from; -1 when none. */
int authfile_find_key(const struct authfile *f, size_t from,
		      const uint8_t *blob, size_t len);

/*
 * Applies one line's from= and expiry-time= to a connection from peer
 * (numeric address) at now. 0 allowed; -1 with a reason naming
 * name:line in why ("source 10.9.8.7 not in from=... (f:3)").
 */
int authfile_opts_check(const struct authfile *f,
			const struct authfile_entry *e, const char *peer,
			uint64_t now, char *why, size_t whysz);

/* Parses "YYYYMMDD[HHMM[SS]][Z]" (local time unless Z, as OpenSSH).
 * 0 with *t, or -1. */
int authfile_parse_time(const char *s, uint64_t *t);

#endif
