/*
 * transcript: the one writer of session transcripts (R12), used by
 * assistd's monitor and by assist-cli. Lines are built with tline.h
 * (format: man/assist-transcript.5) and go to
 *   - the user's file  DIR/YYYYMMDDTHHMMSSZ-SESSION.log   (always),
 *   - the administrator's drop copy DROP_DIR/same name     (when set),
 *   - syslog, facility AUTHPRIV, as one datagram per line  (when set).
 *
 * Fail closed: a transcript that cannot be created makes
 * transcript_open fail; a line that cannot be written to every file
 * makes transcript_commit fail, and the transcript stays failed (every
 * later commit fails too) so the caller ends the session. A failed
 * write never leaves a partial line: the file is cut back to its last
 * whole line, so what was written before stays intact and verifiable.
 * Syslog is a mirror: when it cannot be reached the writer says so once
 * on stderr and carries on (the event lines record it).
 *
 * Not thread-safe; one writer per process.
 */
#ifndef ASSIST_TRANSCRIPT_H
#define ASSIST_TRANSCRIPT_H

#include <stddef.h>
#include "common/tline.h"

#define TRANSCRIPT_SESSION_HEX	16	/* random session id, hex digits */

struct transcript_config {
	/* All strings borrowed for the life of the transcript. */
	const char *dir;	/* user's directory; created 0700 (parents
				 * too) when missing; must be the caller's
				 * and not group/world-writable */
	const char *drop_dir;	/* administrator's drop directory, or NULL;
				 * must exist (never created); refused when
				 * others may write to it without the
				 * sticky bit (mode 1733 is the model) */
	const char *state_file;	/* where the last chain is kept between
				 * sessions ("SESSION CHAIN\n"), or NULL */
	const char *syslog_path;/* datagram socket ("/dev/log"), or NULL */
	const char *ident;	/* syslog ident: "assistd", "assist-cli" */
	const char *host;	/* this machine's name, for host= */
	const char *user;	/* the local user, for user= */
};

struct transcript;	/* opaque */

/*
 * Starts a new session transcript: a fresh random session id, new files
 * (O_CREAT|O_EXCL, mode 0600, no symlinks followed) in dir and drop_dir,
 * and the previous session's last chain read from state_file. Writes no
 * line yet. Returns the transcript (caller owns it: transcript_close),
 * or NULL with a one-line reason naming the path in err. Sets SIGXFSZ to
 * ignored (process-wide), so that a file size limit fails a write
 * instead of killing the process.
 */
struct transcript *transcript_open(const struct transcript_config *c,
				   char *err, size_t errsz);

/* The session id (TRANSCRIPT_SESSION_HEX hex digits) and the user's file
 * path; both owned by t. */
const char *transcript_session(const struct transcript *t);
const char *transcript_path(const struct transcript *t);

/*
 * Starts an event line in l (the caller's): time now, session, host,
 * user, event, seq; the first line of a file also gets prev_session and
 * prev_chain. The caller then adds fields with tline_add*().
 */
void transcript_line(struct transcript *t, struct tline *l,
		     const char *event);

enum { TRANSCRIPT_NOSYNC = 0, TRANSCRIPT_SYNC = 1 };

/*
 * Finishes l and appends it to every file (then fsync(2) of each when
 * sync is TRANSCRIPT_SYNC: at every state change and at the end) and to
 * syslog. Returns 0, or -1 when the line could not be written: the
 * transcript is failed from then on and transcript_error() says why.
 */
int transcript_commit(struct transcript *t, struct tline *l, int sync);

/* Why the transcript failed ("" while it has not); owned by t. */
const char *transcript_error(const struct transcript *t);
/* 1 once a commit failed, else 0. */
int transcript_failed(const struct transcript *t);

/*
 * fsyncs and closes the files, records the last chain in state_file
 * (written to a temporary file and renamed), and frees t. NULL is
 * accepted. Returns 0, or -1 when the final sync or the state file
 * failed (said on stderr, naming the file; t is freed either way).
 */
int transcript_close(struct transcript *t);

#endif
