/* ctlstate: the meaning of assistd's control messages; see ctlstate.h. */
#include "assist-cli/ctlstate.h"

#include "assist-cli/exitcode.h"
#include "common/log.h"

#include <stdio.h>
#include <string.h>

#define CTLSTATE_DASH "\xe2\x80\x94"	/* U+2014 EM DASH, UTF-8 */

const char *
ctlstate_mode_words(const char *mode)
{
	if (mode != NULL && strcmp(mode, "view") == 0)
		return "view only";
	if (mode != NULL && strcmp(mode, "control") == 0)
		return "view and control";
	return "?";
}

static bool
ctlstate_is(const char *s, const char *word)
{
	return s != NULL && strcmp(s, word) == 0;
}

/* r->line = text, then ": MESSAGE" (escaped, cut) when with_message and
 * the server gave one. */
static void
ctlstate_line(struct ctlstate_result *r, const char *text,
	      const struct ctl_msg *m, bool with_message)
{
	char shown[CTLSTATE_MAX_SHOWN + 1];

	if (with_message && m->message != NULL && m->message[0] != '\0')
		snprintf(r->line, sizeof(r->line), "%s: %s", text,
		    log_sanitize_str(shown, sizeof(shown), m->message));
	else
		snprintf(r->line, sizeof(r->line), "%s", text);
}

static void
ctlstate_final(struct ctlstate_result *r, enum ctlstate_kind kind,
	       int status)
{
	r->kind = kind;
	r->final = true;
	r->status = status;
}

static void
ctlstate_unexpected(const struct ctl_msg *m, struct ctlstate_result *r)
{
	char st[4 * CTL_MAX_NAME + 1];	/* room for \xNN escapes */

	ctlstate_final(r, CTLSTATE_UNEXPECTED, CLI_EXIT_SESSION);
	r->outcome = NULL;
	r->end_reason = NULL;
	snprintf(r->line, sizeof(r->line), "protocol error: assistd sent "
	    "state \"%s\" at the wrong time",
	    log_sanitize_str(st, sizeof(st), m->state));
}

/* An "ended" state: who ended it decides the words, reason and status. */
static void
ctlstate_ended(const struct ctl_msg *m, bool accepted,
	       struct ctlstate_result *r)
{
	static const struct {
		const char *by, *reason, *text;
		int status;
		bool why;	/* the server's message is worth showing */
	} ends[] = {
		{ "user", "user_ended", "session ended by the user",
		    CLI_EXIT_OK, false },
		{ "helper", "helper_left", "session ended at your request",
		    CLI_EXIT_OK, false },
		{ "timeout", "timeout", "session ended by assistd: time limit",
		    CLI_EXIT_OK, true },
		{ "shutdown", "shutdown", "session ended: assistd is stopping",
		    CLI_EXIT_OK, true },
		{ "transcript", "transcript", "session ended by assistd: the "
		    "user's transcript cannot be written", CLI_EXIT_SESSION,
		    true },
		{ "error", "error", "session ended by assistd after an error",
		    CLI_EXIT_SESSION, true },
		{ "", "error", "session ended by assistd", CLI_EXIT_SESSION,
		    true },
	};
	size_t i;

	for (i = 0; i + 1 < sizeof(ends) / sizeof(ends[0]); i++)
		if (ctlstate_is(m->by, ends[i].by))
			break;
	ctlstate_final(r, CTLSTATE_ENDED, ends[i].status);
	r->end_reason = ends[i].reason;
	ctlstate_line(r, ends[i].text, m, ends[i].why);
	if (!accepted) {
		/* Before the answer there was no session: never exit 0. */
		r->outcome = "ended";
		r->end_reason = NULL;
		r->status = ctlstate_is(m->by, "user") ? CLI_EXIT_REFUSED :
		    CLI_EXIT_SESSION;
	}
}

/* refused, timeout, busy: the answer to the first request. */
static void
ctlstate_answer(const struct ctl_msg *m, struct ctlstate_result *r)
{
	if (ctlstate_is(m->state, CTL_STATE_REFUSED)) {
		ctlstate_final(r, CTLSTATE_REFUSED, CLI_EXIT_REFUSED);
		r->outcome = "refused";
		ctlstate_line(r, "refused by the user", m, false);
	} else if (ctlstate_is(m->state, CTL_STATE_TIMEOUT)) {
		ctlstate_final(r, CTLSTATE_TIMEOUT, CLI_EXIT_NO_ANSWER);
		r->outcome = "timeout";
		ctlstate_line(r, "no answer from the user", m, false);
	} else {
		ctlstate_final(r, CTLSTATE_BUSY, CLI_EXIT_BUSY);
		r->outcome = "busy";
		ctlstate_line(r, "the user is busy with another helper", m,
		    false);
	}
}

/* A "mode" state after acceptance. */
static void
ctlstate_mode(const struct ctl_msg *m, bool control_asked,
	      struct ctlstate_result *r)
{
	char text[96];

	if (control_asked && ctlstate_is(m->mode, "view")) {
		r->kind = CTLSTATE_CONTROL_REFUSED;
		ctlstate_line(r, "the user refused control", m, false);
		return;
	}
	r->kind = CTLSTATE_MODE;
	/* Control comes only from the user's yes, whoever asked. */
	snprintf(text, sizeof(text), "mode changed to %s by the %s%s",
	    ctlstate_mode_words(m->mode), ctlstate_is(m->mode, "control") ||
	    !ctlstate_is(m->by, "helper") ? "user" : "helper",
	    control_asked && ctlstate_is(m->mode, "control") ?
	    " (your request was accepted)" : "");
	ctlstate_line(r, text, m, false);
}

void
ctlstate_interpret(const struct ctl_msg *m, bool accepted,
		   bool control_asked, struct ctlstate_result *r)
{
	char text[64];

	memset(r, 0, sizeof(*r));
	snprintf(r->mode, sizeof(r->mode), "%s", m->mode ? m->mode : "");
	snprintf(r->by, sizeof(r->by), "%s", m->by ? m->by : "");
	if (ctlstate_is(m->state, CTL_STATE_ENDED)) {
		ctlstate_ended(m, accepted, r);
	} else if (ctlstate_is(m->state, CTL_STATE_ACCEPTED) && !accepted &&
	    m->mode != NULL && m->mode[0] != '\0') {
		r->kind = CTLSTATE_ACCEPTED;
		r->outcome = "accepted";
		snprintf(text, sizeof(text), "accepted: %s",
		    ctlstate_mode_words(m->mode));
		ctlstate_line(r, text, m, false);
	} else if (!accepted && (ctlstate_is(m->state, CTL_STATE_REFUSED) ||
	    ctlstate_is(m->state, CTL_STATE_TIMEOUT) ||
	    ctlstate_is(m->state, CTL_STATE_BUSY))) {
		ctlstate_answer(m, r);
	} else if (accepted && ctlstate_is(m->state, CTL_STATE_MODE) &&
	    m->mode != NULL && m->mode[0] != '\0') {
		ctlstate_mode(m, control_asked, r);
	} else if (accepted &&
	    ctlstate_is(m->state, CTL_STATE_CONTROL_REFUSED)) {
		r->kind = CTLSTATE_CONTROL_REFUSED;
		ctlstate_line(r, "the user refused control", m, false);
	} else {
		ctlstate_unexpected(m, r);
	}
}

char *
ctlstate_waiting_line(const struct ctl_msg *m, bool for_control, char *out,
		      size_t outsz)
{
	/* room for \xNN escapes */
	char user[4 * CTL_MAX_NAME + 1], code[4 * CTL_MAX_CODE + 1];

	log_sanitize_str(user, sizeof(user), m->user ? m->user : "");
	log_sanitize_str(code, sizeof(code), m->code ? m->code : "");
	snprintf(out, outsz, "waiting for %s to %s " CTLSTATE_DASH
	    " verification code %s (answer within %lu s)", user,
	    for_control ? "answer your request for control" : "accept", code,
	    (unsigned long)m->timeout_secs);
	return out;
}
