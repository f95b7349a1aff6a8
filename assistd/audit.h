/*
 * audit: the events assistd's monitor writes to the session transcript
 * (common/transcript.h; vocabulary in assist-transcript(5)), one function
 * per event, built only from what the monitor knows. Strings that came
 * from the network process were escaped there (log_sanitize); they are
 * unescaped back to bytes here and escaped once more by the line format,
 * so nothing the helper chose can split a line or fake a field.
 *
 * Every function returns transcript_commit's result: 0, or -1 once the
 * transcript failed (the caller ends every connection and exits).
 * Lines that mark a state change are fsynced.
 */
#ifndef ASSISTD_AUDIT_H
#define ASSISTD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ipc.h"
#include "common/transcript.h"

/* What the helper is told when the transcript fails (IPC_SHUTDOWN). */
#define AUDIT_FAILED_REASON \
	"the user's session transcript cannot be written; session ended"
#define AUDIT_HELPER_MAX	IPC_MAX_STR	/* helper= as received */

/* assistd.start: what is in force. Strings borrowed; NULL: "none". */
struct audit_start {
	const char *listen;	/* "127.0.0.1:5922,[::1]:5922" */
	const char *hostkey_fp;	/* "SHA256:..." */
	const char *policy;	/* "FILE,FILE" */
	const char *drop;	/* TranscriptDir */
	const char *syslog;	/* syslog socket */
	unsigned served;	/* --persist: sessions served before this
				 * file (served=, when > 0) */
};

/* session.end: how a granted session ended. */
enum audit_end_reason {
	AUDIT_END_HELPER_LEFT,	/* the helper (or its connection) ended it */
	AUDIT_END_USER_ENDED,	/* the user ended it, or stopped assistd */
	AUDIT_END_TIMEOUT,
	AUDIT_END_ERROR,	/* the network process failed or died */
	AUDIT_END_TRANSCRIPT,	/* the transcript could not be written */
};

struct audit_end {
	unsigned conn;
	const char *helper;	/* as received (escaped); borrowed */
	enum audit_end_reason reason;
	const char *detail;	/* as received (escaped), or NULL */
	long long duration_ms;
	bool bytes_known;	/* IPC_CLOSED came: bytes_in/out are set */
	uint64_t bytes_in, bytes_out;
};

int audit_start(struct transcript *t, const struct audit_start *s);
/* conn.open: src is the numeric address, port its number. */
int audit_conn_open(struct transcript *t, unsigned conn, const char *src,
		    const char *port);
/* conn.close: reason as received (escaped) or the monitor's own. */
int audit_conn_close(struct transcript *t, unsigned conn,
		     const char *reason, long long duration_ms);
/* auth.allow / auth.deny from one IPC_AUTH_RESULT. */
int audit_auth(struct transcript *t, unsigned conn,
	       const struct ipc_auth_result *r);
/* session.start (reason NULL; mode= the mode granted) or session.deny
 * (mode ignored). */
int audit_session(struct transcript *t, unsigned conn, const char *helper,
		  const char *deny_reason, uint8_t mode);

/* consent.ask: a question went on the user's screen. */
struct audit_ask {
	unsigned conn;
	const char *helper;	/* as received (escaped); borrowed */
	uint8_t mode;		/* requested: IPC_MODE_* */
	bool later;		/* request=control (a viewing helper asks for
				 * control), else request=session */
	const char *reason;	/* as received (escaped), "" or NULL: none */
	const char *code;	/* verification code shown, or NULL */
	const char *how;	/* "tty" | "askpass" */
};
int audit_consent_ask(struct transcript *t, const struct audit_ask *a);
/* consent.answer: answer "control"|"view"|"refused"|"timeout"|"withdrawn",
 * how "tty"|"askpass"|"timeout". */
int audit_consent_answer(struct transcript *t, unsigned conn,
			 const char *helper, const char *answer,
			 const char *how);
/* mode.change: the session's mode is now mode, by "user" or "helper". */
int audit_mode_change(struct transcript *t, unsigned conn, const char *helper,
		      uint8_t mode, const char *by);
int audit_session_end(struct transcript *t, const struct audit_end *e);
/* code.new: assistd --code made a one-time code (never written), valid
 * valid_secs, tries_conn wrong answers per connection, tries_total in
 * all. */
int audit_code_new(struct transcript *t, int valid_secs, int tries_conn,
		   int tries_total);
/* code.try: one answer to the one-time code; result is otp_result_name
 * (ok, wrong, reused, expired, burned). Never the code nor the answer. */
int audit_code_try(struct transcript *t, unsigned conn, const char *helper,
		   const char *result, unsigned tries_left);
int audit_stop(struct transcript *t, const char *reason, int status);

/* Who the helper is, for helper=: the certificate key ID, else the key
 * fingerprint (still escaped as received) into out. */
void audit_helper(const struct ipc_auth_result *r, char *out, size_t outsz);

#endif
