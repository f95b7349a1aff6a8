/*
 * session: the session channel with our subsystem "rfb", opened once the
 * user accepted (live.h). For now we check the RFB 3.8 greeting, then
 * only keep the channel drained; the viewer comes later. Steps, so that
 * the caller can record the session's start in the transcript (and
 * refuse to go on when it cannot) between opening and using it:
 * session_open, session_run, session_watch while live, session_close.
 */
#ifndef ASSIST_CLI_SESSION_H
#define ASSIST_CLI_SESSION_H

#include "assist-cli/settings.h"

#include <libssh/libssh.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SESSION_SUBSYSTEM	"rfb"
#define SESSION_GREETING	"RFB 003.008\n"
#define SESSION_GREETING_LEN	12
#define SESSION_MAX_NOTE	512	/* assistd's stderr text shown, bytes */

struct chanpump;

/* An open rfb channel and what went through it. */
struct session {
	ssh_channel ch;
	struct chanpump *pump;	/* once session_watch was called */
	bool eof;		/* assistd ended the channel */
	uint64_t bytes_in;	/* from the server */
	uint64_t bytes_out;	/* to the server */
};

/*
 * Opens the channel, requests the subsystem and reads exactly the
 * 12-byte greeting within the connect timeout. Returns CLI_EXIT_OK with
 * se filled (session_close it), or CLI_EXIT_SESSION with err set and
 * nothing left open.
 */
int session_open(ssh_session ss, const struct cli_settings *s,
		 struct session *se, char *err, size_t errsz);

/*
 * The same on a session channel that is already open (an older assistd
 * that refused the control channel: the rfb subsystem is asked on that
 * channel). ch is the session's from now on, whatever the outcome.
 */
int session_open_on(ssh_channel ch, const struct cli_settings *s,
		    struct session *se, char *err, size_t errsz);

/*
 * Uses the open session: for now prints the connected line on stdout.
 * Returns CLI_EXIT_OK (or, with the viewer, CLI_EXIT_SESSION with err).
 */
int session_run(struct session *se, const struct cli_settings *s,
		char *err, size_t errsz);

/*
 * Keeps the open channel drained while the session is live: a pump
 * (common/chanpump.h) in ev, which holds ss (both borrowed; session_close
 * first), counts what arrives in bytes_in and drops it until the viewer
 * exists. 0, or -1 with err.
 */
int session_watch(struct session *se, ssh_session ss, ssh_event ev,
		  char *err, size_t errsz);

/* After every ssh_event_dopoll: 0, 1 once assistd ended the channel
 * (EOF or close), -1 with err when it or the connection failed. */
int session_after_poll(struct session *se, char *err, size_t errsz);

/* Frees the pump, sends EOF, closes and frees the channel (call it
 * between polls); se->bytes_* stay readable. */
void session_close(struct session *se);

#endif
