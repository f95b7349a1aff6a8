/*
 * ctranscript: the helper's own transcript (R12; like Windows Remote
 * Assistance, both sides keep one). One file per run of assist-cli in
 * $XDG_STATE_HOME/assist/transcripts/ (default ~/.local/state/...), the
 * last chain in $XDG_STATE_HOME/assist/last-chain-cli (not assistd's
 * file: the same user may run both), each line mirrored to syslog (ident
 * "assist-cli", AUTHPRIV) when the socket exists. Written with
 * common/transcript.h; the events are listed in assist-transcript(5).
 *
 * Fail closed: each function returns -1 when its line could not be
 * written (ctranscript_error says why, naming the file); the caller then
 * ends the connection with CLI_EXIT_TRANSCRIPT. Once failed, every
 * later call fails too (the writer stays failed).
 */
#ifndef ASSIST_CLI_CTRANSCRIPT_H
#define ASSIST_CLI_CTRANSCRIPT_H

#include "assist-cli/auth.h"
#include "assist-cli/hostcheck.h"
#include "assist-cli/session.h"
#include "assist-cli/settings.h"

#include <stddef.h>

#define CTRANSCRIPT_IDENT	"assist-cli"
#define CTRANSCRIPT_SUBDIR	"assist/transcripts"
#define CTRANSCRIPT_STATE	"assist/last-chain-cli"
#define CTRANSCRIPT_MAX_PATH	4096
#define CTRANSCRIPT_MAX_HOST	256	/* this machine's name */
#define CTRANSCRIPT_MAX_ERR	1024

struct transcript;

/* The caller's (on its stack); all of it is ctranscript's to fill. */
struct ctranscript {
	struct transcript *t;
	char dir[CTRANSCRIPT_MAX_PATH];
	char state[CTRANSCRIPT_MAX_PATH];
	char host[CTRANSCRIPT_MAX_HOST];
	const char *syslog;		/* the syslog socket, or NULL */
	long long session_ms;		/* clock_now_ms() at session.start */
	char err[CTRANSCRIPT_MAX_ERR];
};

/*
 * The transcript directory and the last-chain file for a user whose
 * $XDG_STATE_HOME is xdg_state (NULL, empty or relative: not used, as
 * the XDG spec says) and whose home is home. Pure. 0, or -1 when a path
 * does not fit.
 */
int ctranscript_paths(const char *xdg_state, const char *home, char *dir,
		      size_t dirsz, char *state, size_t statesz);

/*
 * Opens a new transcript for env's user (creating the directory 0700
 * when missing), mirrored to the syslog socket at syslog_path (borrowed)
 * when that exists as a socket. When it does not (containers, minimal
 * systems), there is no syslog copy and no warning on every run:
 * cli.start says syslog=none. 0, or -1 with a one-line reason naming the
 * path in err; ct needs no ctranscript_close then.
 */
int ctranscript_open(struct ctranscript *ct, const struct cli_env *env,
		     const char *syslog_path, char *err, size_t errsz);

/* The transcript file's path (owned by ct). */
const char *ctranscript_path(const struct ctranscript *ct);

/* Why the transcript failed ("transcript FILE: cannot write: ..."). */
const char *ctranscript_error(const struct ctranscript *ct);

/* cli.start: version, pid, target, proxy, syslog. */
int ctranscript_start(struct ctranscript *ct, const struct cli_settings *s);

/* host.verified when rc is CLI_EXIT_OK (how, fingerprint, known_hosts
 * line or host certificate), else host.refused with why. */
int ctranscript_host(struct ctranscript *ct, const struct cli_settings *s,
		     int rc, const struct hostcheck_outcome *o,
		     const char *why);

/* auth.allow (identity, key, certificate) when rc is CLI_EXIT_OK, else
 * auth.deny with why; auth.code first when the server asked for a
 * one-time code (o->code). */
int ctranscript_auth(struct ctranscript *ct, const struct cli_settings *s,
		     int rc, const struct auth_outcome *o, const char *why);

/*
 * Fail closed, for a step whose line could not be written: says the
 * step's own failure first (err, when rc is neither CLI_EXIT_OK nor
 * CLI_EXIT_TRANSCRIPT, on stderr), then puts the transcript's reason in
 * err. Returns CLI_EXIT_TRANSCRIPT.
 */
int ctranscript_failclosed(const struct ctranscript *ct, int rc, char *err,
			   size_t errsz);

/* consent.wait: the question is on the user's screen (user, the
 * verification code shown to the helper, timeout_s); what= "session"
 * for the first question, "control" for a later request for control. */
int ctranscript_consent_wait(struct ctranscript *ct, const char *what,
			     const char *user, const char *code,
			     unsigned long timeout_s);

/* consent.outcome: outcome (accepted, refused, timeout, busy, ended,
 * cancelled, error), requested= the mode asked for, mode= the mode
 * granted (NULL unless accepted), detail= (NULL or "": none). */
int ctranscript_consent_outcome(struct ctranscript *ct, const char *outcome,
				const char *requested, const char *mode,
				const char *detail);

/* mode.change: the access is now mode (view, control), changed by by
 * (user, helper). */
int ctranscript_mode_change(struct ctranscript *ct, const char *mode,
			    const char *by);

/* control.request: the helper asked for control. */
int ctranscript_control_request(struct ctranscript *ct);

/* control.refused: a request for control was not granted; by= who or
 * what (user, timeout; NULL or "": none), detail= the server's words
 * (NULL or "": none). */
int ctranscript_control_refused(struct ctranscript *ct, const char *by,
				const char *detail);

/* snapshot.written: --snapshot wrote path (w x h pixels). */
int ctranscript_snapshot(struct ctranscript *ct, const char *path,
			 uint16_t w, uint16_t h);

/* vnc.connect / vnc.disconnect: a local VNC viewer (peer "addr:port")
 * came to, or left, --vnc-listen's port (listen "addr:port"). */
int ctranscript_vnc(struct ctranscript *ct, bool connected,
		    const char *peer, const char *listen);

/* session.start when rc is CLI_EXIT_OK (starts the duration), with mode=
 * the access granted, or control=none for an older assistd without the
 * control channel (mode NULL); else session.deny with why. */
int ctranscript_session(struct ctranscript *ct, int rc, const char *why,
			const char *mode);

/* session.end: reason (helper_left, error, ...), detail (or NULL),
 * duration since session.start, bytes each way. */
int ctranscript_session_end(struct ctranscript *ct, const char *reason,
			    const char *detail, const struct session *se);

/* cli.stop: the exit status, and why when it is not 0. */
int ctranscript_stop(struct ctranscript *ct, int status, const char *why);

/*
 * Syncs and closes the file and records the last chain for the next
 * run. 0, or -1 when the final sync failed (ctranscript_error says so).
 */
int ctranscript_close(struct ctranscript *ct);

#endif
