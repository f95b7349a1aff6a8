/* Unit tests: what assistd's control messages mean for the helper
 * (assist-cli/ctlstate.c: lines, outcomes, exit statuses, states at the
 * wrong time, hostile server text) and the helper's stdin commands
 * (live_command). Messages go through the real ctl_encode/ctl_decode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "assist-cli/ctlstate.h"
#include "assist-cli/exitcode.h"
#include "assist-cli/live.h"
#include "common/buf.h"
#include "common/ctlproto.h"

/* A STATE as the wire brings it: encoded, framed, decoded. */
static void
state(struct ctl_msg *out, const char *st, const char *mode, const char *by,
      const char *message)
{
	struct ctl_msg m = { .state = (char *)st, .mode = (char *)mode,
	    .by = (char *)by, .message = (char *)message };
	struct buf b, body;
	char err[256];
	uint8_t type;

	buf_init(&b, CTL_MAX_FRAME + 4);
	assert_int_equal(ctl_encode(&b, CTL_STATE, &m), BUF_OK);
	assert_int_equal(ctl_next(&b, &type, &body), 1);
	assert_int_equal(type, CTL_STATE);
	assert_int_equal(ctl_decode(type, &body, out, err, sizeof(err)), 0);
	buf_free(&b);
}

/* interpret STATE (st, mode, by, message) given accepted (and a
 * request for control open: asked) into r. */
static void
interpret_asked(struct ctlstate_result *r, bool accepted, bool asked,
		const char *st, const char *mode, const char *by,
		const char *message)
{
	struct ctl_msg m;

	state(&m, st, mode, by, message);
	ctlstate_interpret(&m, accepted, asked, r);
	ctl_msg_free(&m);
}

static void
interpret(struct ctlstate_result *r, bool accepted, const char *st,
	  const char *mode, const char *by, const char *message)
{
	interpret_asked(r, accepted, false, st, mode, by, message);
}

static void
test_first_answer(void **unused)
{
	struct ctlstate_result r;

	interpret(&r, false, "accepted", "control", "user", "");
	assert_int_equal(r.kind, CTLSTATE_ACCEPTED);
	assert_false(r.final);
	assert_string_equal(r.outcome, "accepted");
	assert_string_equal(r.mode, "control");
	assert_string_equal(r.line, "accepted: view and control");
	interpret(&r, false, "accepted", "view", "", "");
	assert_string_equal(r.line, "accepted: view only");
	interpret(&r, false, "refused", "", "user", "no thanks");
	assert_int_equal(r.kind, CTLSTATE_REFUSED);
	assert_true(r.final);
	assert_int_equal(r.status, CLI_EXIT_REFUSED);
	assert_string_equal(r.outcome, "refused");
	assert_null(r.end_reason);
	assert_string_equal(r.line, "refused by the user");
	interpret(&r, false, "timeout", "", "", "");
	assert_int_equal(r.status, CLI_EXIT_NO_ANSWER);
	assert_string_equal(r.outcome, "timeout");
	assert_string_equal(r.line, "no answer from the user");
	interpret(&r, false, "busy", "", "", "");
	assert_int_equal(r.status, CLI_EXIT_BUSY);
	assert_string_equal(r.outcome, "busy");
	assert_string_equal(r.line, "the user is busy with another helper");
	/* the published exit statuses */
	assert_int_equal(CLI_EXIT_REFUSED, 73);
	assert_int_equal(CLI_EXIT_NO_ANSWER, 74);
	assert_int_equal(CLI_EXIT_BUSY, 75);
	assert_int_equal(CLI_EXIT_CANCELLED, 76);
	/* ended before any answer: never a normal end */
	interpret(&r, false, "ended", "", "shutdown", "assistd stops");
	assert_true(r.final);
	assert_int_equal(r.status, CLI_EXIT_SESSION);
	assert_string_equal(r.outcome, "ended");
	assert_null(r.end_reason);
	interpret(&r, false, "ended", "", "user", "");
	assert_int_equal(r.status, CLI_EXIT_REFUSED);
}

static void
test_during_session(void **unused)
{
	struct ctlstate_result r;

	interpret(&r, true, "ended", "", "user", "bye");
	assert_int_equal(r.kind, CTLSTATE_ENDED);
	assert_true(r.final);
	assert_int_equal(r.status, CLI_EXIT_OK);
	assert_null(r.outcome);
	assert_string_equal(r.end_reason, "user_ended");
	/* the user's own end needs no server words after it */
	assert_string_equal(r.line, "session ended by the user");
	interpret(&r, true, "ended", "", "helper", "");
	assert_string_equal(r.end_reason, "helper_left");
	assert_int_equal(r.status, CLI_EXIT_OK);
	interpret(&r, true, "ended", "", "shutdown", "");
	assert_string_equal(r.end_reason, "shutdown");
	assert_int_equal(r.status, CLI_EXIT_OK);
	assert_string_equal(r.line, "session ended: assistd is stopping");
	interpret(&r, true, "ended", "", "transcript", "disk full");
	assert_string_equal(r.end_reason, "transcript");
	assert_int_equal(r.status, CLI_EXIT_SESSION);
	assert_string_equal(r.line, "session ended by assistd: the user's "
	    "transcript cannot be written: disk full");
	interpret(&r, true, "ended", "", "error", "");
	assert_string_equal(r.end_reason, "error");
	assert_int_equal(r.status, CLI_EXIT_SESSION);
	assert_string_equal(r.line, "session ended by assistd after an error");
	interpret(&r, true, "ended", "", "timeout", "");
	assert_string_equal(r.end_reason, "timeout");
	interpret(&r, true, "ended", "", "", "");
	assert_string_equal(r.end_reason, "error");
	assert_int_equal(r.status, CLI_EXIT_SESSION);

	interpret(&r, true, "mode", "view", "user", "");
	assert_int_equal(r.kind, CTLSTATE_MODE);
	assert_false(r.final);
	assert_string_equal(r.mode, "view");
	assert_string_equal(r.by, "user");
	assert_string_equal(r.line, "mode changed to view only by the user");
	interpret(&r, true, "mode", "control", "user", "");
	assert_string_equal(r.line, "mode changed to view and control by the "
	    "user");
	interpret(&r, true, "control_refused", "", "user", "not now");
	assert_int_equal(r.kind, CTLSTATE_CONTROL_REFUSED);
	assert_false(r.final);
	assert_string_equal(r.line, "the user refused control");
}

/* assistd answers a request for control with a mode state: control
 * (granted, "by" the helper who asked) or view (refused). */
static void
test_control_answer(void **unused)
{
	struct ctlstate_result r;

	interpret_asked(&r, true, true, "mode", "control", "helper", "");
	assert_int_equal(r.kind, CTLSTATE_MODE);
	assert_string_equal(r.mode, "control");
	assert_string_equal(r.by, "helper");
	assert_string_equal(r.line, "mode changed to view and control by the "
	    "user (your request was accepted)");
	interpret_asked(&r, true, true, "mode", "view", "user", "");
	assert_int_equal(r.kind, CTLSTATE_CONTROL_REFUSED);
	assert_false(r.final);
	assert_string_equal(r.line, "the user refused control");
	interpret_asked(&r, true, true, "control_refused", "view", "timeout",
	    "no answer");
	assert_int_equal(r.kind, CTLSTATE_CONTROL_REFUSED);
	assert_string_equal(r.by, "timeout");
	/* no request open: a plain change */
	interpret_asked(&r, true, false, "mode", "view", "user", "");
	assert_int_equal(r.kind, CTLSTATE_MODE);
	assert_string_equal(r.line, "mode changed to view only by the user");
	interpret_asked(&r, true, false, "mode", "view", "helper", "");
	assert_string_equal(r.line, "mode changed to view only by the "
	    "helper");
}

/* A hostile or broken server: states that cannot come now end the
 * session as a protocol error. */
static void
test_wrong_time(void **unused)
{
	static const struct {
		bool accepted;
		const char *st, *mode;
	} bad[] = {
		{ true, "accepted", "control" },
		{ true, "refused", "" },
		{ true, "timeout", "" },
		{ true, "busy", "" },
		{ false, "mode", "control" },
		{ false, "control_refused", "" },
	};
	struct ctlstate_result r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		interpret(&r, bad[i].accepted, bad[i].st, bad[i].mode, "user",
		    "");
		if (r.kind != CTLSTATE_UNEXPECTED || !r.final ||
		    r.status != CLI_EXIT_SESSION) {
			print_error("case %zu (%s) taken\n", i, bad[i].st);
			fail();
		}
		assert_non_null(strstr(r.line, "protocol error"));
	}
}

/* Server text reaches the helper's terminal escaped and cut. */
static void
test_hostile_text(void **unused)
{
	char big[CTL_MAX_MESSAGE + 1];
	struct ctlstate_result r;

	interpret(&r, true, "ended", "", "error",
	    "\x1b]0;owned\x07\r\nassist-cli: accepted");
	assert_null(strchr(r.line, '\x1b'));
	assert_null(strchr(r.line, '\n'));
	assert_null(strchr(r.line, '\r'));
	assert_string_equal(r.line, "session ended by assistd after an error: "
	    "\\x1b]0;owned\\x07\\x0d\\x0aassist-cli: accepted");
	memset(big, '\\', CTL_MAX_MESSAGE);
	big[CTL_MAX_MESSAGE] = '\0';
	interpret(&r, true, "ended", "", "error", big);
	assert_true(strlen(r.line) < CTLSTATE_MAX_LINE);
	assert_non_null(strstr(r.line, "..."));
}

static void
test_waiting(void **unused)
{
	struct ctl_msg m = { .user = (char *)"bob", .code = (char *)"482913",
	    .timeout_secs = 60 };
	char line[CTLSTATE_MAX_LINE];

	assert_string_equal(ctlstate_waiting_line(&m, false, line,
	    sizeof(line)), "waiting for bob to accept \xe2\x80\x94 "
	    "verification code 482913 (answer within 60 s)");
	m.timeout_secs = 30;
	assert_string_equal(ctlstate_waiting_line(&m, true, line,
	    sizeof(line)), "waiting for bob to answer your request for "
	    "control \xe2\x80\x94 verification code 482913 (answer within "
	    "30 s)");
	/* escaped even though ctl_decode admits printable ASCII only */
	m.user = (char *)"b\\ob";
	ctlstate_waiting_line(&m, false, line, sizeof(line));
	assert_non_null(strstr(line, "waiting for b\\x5cob to accept"));
	/* a short buffer is cut, never overrun */
	assert_int_equal(strlen(ctlstate_waiting_line(&m, false, line, 10)),
	    9);
	assert_string_equal(ctlstate_mode_words("view"), "view only");
	assert_string_equal(ctlstate_mode_words("control"), "view and control");
	assert_string_equal(ctlstate_mode_words(""), "?");
	assert_string_equal(ctlstate_mode_words(NULL), "?");
}

static void
test_commands(void **unused)
{
	assert_int_equal(live_command("c", 1), LIVE_CMD_CONTROL);
	assert_int_equal(live_command(" C \r", 4), LIVE_CMD_CONTROL);
	assert_int_equal(live_command("q", 1), LIVE_CMD_QUIT);
	assert_int_equal(live_command("\tQ", 2), LIVE_CMD_QUIT);
	assert_int_equal(live_command("", 0), LIVE_CMD_NONE);
	assert_int_equal(live_command("  \r", 3), LIVE_CMD_NONE);
	assert_int_equal(live_command("quit", 4), LIVE_CMD_UNKNOWN);
	assert_int_equal(live_command("c q", 3), LIVE_CMD_UNKNOWN);
	assert_int_equal(live_command("x", 1), LIVE_CMD_UNKNOWN);
	/* n bytes, not up to a NUL */
	assert_int_equal(live_command("cq", 1), LIVE_CMD_CONTROL);
	assert_int_equal(live_command("c\0", 2), LIVE_CMD_UNKNOWN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_answer),
		cmocka_unit_test(test_during_session),
		cmocka_unit_test(test_control_answer),
		cmocka_unit_test(test_wrong_time),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_waiting),
		cmocka_unit_test(test_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
