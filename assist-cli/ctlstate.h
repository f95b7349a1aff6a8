/*
 * ctlstate: what the control channel's messages from assistd mean for
 * the helper (common/ctlproto.h), as pure functions: the line the helper
 * reads (every server string escaped with log_sanitize), the words for
 * the transcript and the exit status. live.c does the I/O.
 */
#ifndef ASSIST_CLI_CTLSTATE_H
#define ASSIST_CLI_CTLSTATE_H

#include "common/ctlproto.h"

#include <stdbool.h>
#include <stddef.h>

/* One line for the helper: the fixed words plus an escaped server
 * message of at most CTLSTATE_MAX_SHOWN bytes (cut with "..."). */
#define CTLSTATE_MAX_SHOWN	200
#define CTLSTATE_MAX_LINE	(CTLSTATE_MAX_SHOWN + 256)

enum ctlstate_kind {
	CTLSTATE_ACCEPTED,		/* the user said yes: r->mode */
	CTLSTATE_REFUSED,		/* final: the user said no */
	CTLSTATE_TIMEOUT,		/* final: no answer in time */
	CTLSTATE_BUSY,			/* final: with another helper */
	CTLSTATE_ENDED,			/* final: r->end_reason */
	CTLSTATE_MODE,			/* the mode is now r->mode */
	CTLSTATE_CONTROL_REFUSED,	/* a request for control was not granted */
	CTLSTATE_UNEXPECTED,		/* final: makes no sense now */
};

struct ctlstate_result {
	enum ctlstate_kind kind;
	bool final;		/* the session is over */
	int status;		/* exit status (exitcode.h) when final */
	/* consent.outcome's word when this answers the first request
	 * (accepted, refused, timeout, busy, ended), else NULL. */
	const char *outcome;
	/* session.end's reason when final after acceptance (user_ended,
	 * helper_left, timeout, error, transcript, shutdown), else NULL. */
	const char *end_reason;
	char mode[16];		/* "view" or "control" (ACCEPTED, MODE) */
	char by[16];		/* who, as the server said it ("" if none) */
	char line[CTLSTATE_MAX_LINE];	/* for the helper, no prefix */
};

/*
 * Interprets CTL_STATE message m (decoded by ctl_decode, so its state,
 * mode and by are among the known words) given whether the session was
 * accepted already and whether the helper's request for control is open.
 * assistd answers that request with a "mode" state: control (granted) or
 * view (refused: CONTROL_REFUSED, as a "control_refused" state is). A
 * state that cannot come now (accepted twice, a refusal after
 * acceptance, a mode change before it) is UNEXPECTED: final,
 * CLI_EXIT_SESSION. Pure.
 */
void ctlstate_interpret(const struct ctl_msg *m, bool accepted,
			bool control_asked, struct ctlstate_result *r);

/*
 * The line for CTL_WAITING m: "waiting for bob to accept — verification
 * code 482913 (answer within 60 s)", or, for a later request for
 * control, "waiting for bob to answer your request for control — ...".
 * Written to out (always NUL-terminated); returns out. Pure.
 */
char *ctlstate_waiting_line(const struct ctl_msg *m, bool for_control,
			    char *out, size_t outsz);

/* "view only" for "view", "view and control" for "control", else "?". */
const char *ctlstate_mode_words(const char *mode);

#endif
