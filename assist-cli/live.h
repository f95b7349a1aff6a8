/*
 * live: the helper's session after authentication. The control channel
 * (control.h) carries the request (HELLO: mode, reason); the user's
 * answer is shown as it comes (ctlstate.h): the verification code while
 * the question is on the user's screen, then accepted, refused, no
 * answer or busy. Once accepted, the rfb channel is opened (session.h)
 * and, until the viewer exists, assist-cli stays connected: one
 * ssh_event loop over the SSH connection, the helper's commands on
 * standard input and the signals that end it, until the user or the
 * helper ends the session. An older assistd that refuses the control
 * channel gets the plain rfb request on that channel, with a warning.
 *
 * Every step is in the helper's transcript before the next one starts
 * (fail closed: a line that cannot be written ends the session with
 * CLI_EXIT_TRANSCRIPT).
 */
#ifndef ASSIST_CLI_LIVE_H
#define ASSIST_CLI_LIVE_H

#include "assist-cli/ctranscript.h"
#include "assist-cli/settings.h"

#include <libssh/libssh.h>
#include <stdbool.h>
#include <stddef.h>

/* Waiting for the user has no limit of ours but the server's: this many
 * seconds past the timeout assistd announced (or, before it announced
 * one, past the connect timeout) before we give up on it. */
#define LIVE_MARGIN_S	15
#define LIVE_MAX_LINE	256	/* one command line on stdin, bytes */
/* After assistd closed the rfb channel, how long its control channel may
 * take to say why. */
#define LIVE_GRACE_MS	2000

/* What the helper asked for on the command line. */
struct live_opts {
	const char *reason;	/* --reason (checked by args), or NULL */
	bool view_only;		/* --view-only: ask for view only */
	bool exit_after_accept;	/* for scripts: leave once the screen
				 * channel answered */
	const char *snapshot;	/* --snapshot FILE, or NULL */
	unsigned pixel_format;	/* --pixel-format: 32, 16 or 8 */
	int vnc_fd;		/* --vnc-listen's listening socket (owned:
				 * live_run closes it), or -1 */
	const char *vnc_addr;	/* its "addr:port", for messages */
};

/* The helper's commands, one a line on standard input. */
enum live_cmd {
	LIVE_CMD_NONE,		/* an empty line */
	LIVE_CMD_CONTROL,	/* "c": ask for control */
	LIVE_CMD_QUIT,		/* "q": leave */
	LIVE_CMD_UNKNOWN,
};

/* The command a line typed by the helper means (n bytes, without the
 * newline; blanks around the word are ignored). Pure. */
enum live_cmd live_command(const char *line, size_t n);

/*
 * Runs the session on authenticated ss (see above). Returns CLI_EXIT_OK
 * (the session was held and ended by the user or the helper),
 * CLI_EXIT_REFUSED, CLI_EXIT_NO_ANSWER, CLI_EXIT_BUSY, CLI_EXIT_CANCELLED
 * (the helper left before the answer), CLI_EXIT_SESSION, CLI_EXIT_OTHER
 * or CLI_EXIT_TRANSCRIPT, with the one-line reason in err. Lines for the
 * helper go to stdout as they happen. SIGINT, SIGTERM and SIGHUP are
 * blocked from the first call on (they are read from a signalfd while
 * the session lasts, and stay blocked: the run is ending).
 */
int live_run(ssh_session ss, const struct cli_settings *s,
	     const struct live_opts *o, struct ctranscript *ct, char *err,
	     size_t errsz);

#endif
