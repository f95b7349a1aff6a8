/*
 * session: the one session channel with our subsystem "rfb". For now we
 * check the RFB 3.8 greeting and close cleanly; the viewer comes later.
 * Three steps, so that the caller can record the session's start in the
 * transcript (and refuse to go on when it cannot) between opening and
 * using it: session_open, session_run, session_close.
 */
#ifndef ASSIST_CLI_SESSION_H
#define ASSIST_CLI_SESSION_H

#include "assist-cli/settings.h"

#include <libssh/libssh.h>
#include <stddef.h>
#include <stdint.h>

#define SESSION_SUBSYSTEM	"rfb"
#define SESSION_GREETING	"RFB 003.008\n"
#define SESSION_GREETING_LEN	12

/* An open rfb channel and what went through it. */
struct session {
	ssh_channel ch;
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
 * Uses the open session: for now prints the connected line on stdout.
 * Returns CLI_EXIT_OK (or, with the viewer, CLI_EXIT_SESSION with err).
 */
int session_run(struct session *se, const struct cli_settings *s,
		char *err, size_t errsz);

/* Sends EOF, closes and frees the channel; se->bytes_* stay readable. */
void session_close(struct session *se);

#endif
