/* Unit tests: assistd/indicator.c's pure parts (text, layout, hit test,
 * the monitor <-> indicator process messages) and indicator_open's
 * refusals; the window itself is tested on Xvfb (tests/e2e/indicator.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assistd/indicator.h"
#include "assistd/indicator_ext.h"
#include "common/ipc.h"

/* true when s holds no byte below 0x20 nor at or above 0x7f */
static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static void
test_label(void **state)
{
	char s[INDICATOR_TEXT_MAX];

	(void)state;
	indicator_label(s, sizeof(s), "alice", IPC_MODE_VIEW);
	assert_string_equal(s, "alice is viewing your screen");
	indicator_label(s, sizeof(s), "alice", IPC_MODE_CONTROL);
	assert_string_equal(s, "alice controls your screen");
	/* An unknown mode never understates: shown as control. */
	indicator_label(s, sizeof(s), "alice", 0);
	assert_string_equal(s, "alice controls your screen");
	indicator_label(s, sizeof(s), "alice", 77);
	assert_string_equal(s, "alice controls your screen");
	indicator_label(s, sizeof(s), NULL, IPC_MODE_VIEW);
	assert_string_equal(s, " is viewing your screen");
	indicator_title(s, sizeof(s), "alice", IPC_MODE_VIEW);
	assert_string_equal(s, "assist: alice is viewing your screen");
}

static void
test_label_hostile(void **state)
{
	char s[INDICATOR_TEXT_MAX], name[600];

	(void)state;
	indicator_label(s, sizeof(s), "evil\033]0;pwn\007\nline2\\",
	    IPC_MODE_CONTROL);
	assert_string_equal(s,
	    "evil\\x1b]0;pwn\\x07\\x0aline2\\x5c controls your screen");
	indicator_title(s, sizeof(s), "\xc3\xa9t\xe9\x7f", IPC_MODE_VIEW);
	assert_string_equal(s,
	    "assist: \\xc3\\xa9t\\xe9\\x7f is viewing your screen");
	/* Long names are cut to INDICATOR_NAME_MAX bytes with "...". */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	indicator_label(s, sizeof(s), name, IPC_MODE_VIEW);
	assert_true(printable(s));
	assert_int_equal(strlen(s), INDICATOR_NAME_MAX +
	    strlen(" is viewing your screen"));
	assert_memory_equal(s + INDICATOR_NAME_MAX - 3, "...", 3);
	/* A long name of escapes: still cut, still printable. */
	memset(name, '\033', sizeof(name) - 1);
	indicator_title(s, sizeof(s), name, IPC_MODE_CONTROL);
	assert_true(printable(s));
	assert_true(strlen(s) < INDICATOR_TEXT_MAX);
	assert_non_null(strstr(s, "... controls your screen"));
}

static void
test_label_small_dst(void **state)
{
	char s[12], big[INDICATOR_TEXT_MAX * 2];

	(void)state;
	memset(s, 'z', sizeof(s));
	indicator_label(s, sizeof(s), "alice", IPC_MODE_VIEW);
	assert_string_equal(s, "alice is vi");
	indicator_title(s, sizeof(s), "alice", IPC_MODE_VIEW);
	assert_string_equal(s, "assist: ali");
	indicator_label(s, 0, "alice", IPC_MODE_VIEW);	/* no write */
	assert_string_equal(s, "assist: ali");
	/* A larger buffer is still filled to INDICATOR_TEXT_MAX at most. */
	indicator_title(big, sizeof(big), "alice", IPC_MODE_VIEW);
	assert_true(strlen(big) < INDICATOR_TEXT_MAX);
}

static const struct indicator_metrics fixed_font = {
	.ascent = 11, .descent = 2, .label_w = 200, .end_w = 66, .view_w = 54,
};

static void
test_layout(void **state)
{
	struct indicator_layout l;

	(void)state;
	indicator_layout(&l, &fixed_font, true);
	assert_int_equal(l.label_x, INDICATOR_PAD);
	assert_int_equal(l.label_baseline, INDICATOR_PAD + 11);
	/* Buttons on one row under the label, End session first. */
	assert_int_equal(l.end.x, INDICATOR_PAD);
	assert_int_equal(l.end.y, INDICATOR_PAD + 13 + INDICATOR_GAP);
	assert_int_equal(l.end.w, 66 + 2 * INDICATOR_BTN_PADX);
	assert_int_equal(l.end.h, 13 + 2 * INDICATOR_BTN_PADY);
	assert_int_equal(l.view.x, l.end.x + l.end.w + INDICATOR_GAP);
	assert_int_equal(l.view.y, l.end.y);
	assert_int_equal(l.view.w, 54 + 2 * INDICATOR_BTN_PADX);
	/* Wide enough for the label and the buttons, padded. */
	assert_int_equal(l.w, INDICATOR_PAD + 200 + INDICATOR_PAD);
	assert_true(l.view.x + l.view.w + INDICATOR_PAD <= l.w);
	assert_int_equal(l.h, l.end.y + l.end.h + INDICATOR_PAD);
}

static void
test_layout_view_hidden(void **state)
{
	struct indicator_layout with, without;

	(void)state;
	indicator_layout(&with, &fixed_font, true);
	indicator_layout(&without, &fixed_font, false);
	assert_false(without.show_view);
	assert_int_equal(without.view.w, 0);
	/* End session does not move when View only goes. */
	assert_memory_equal(&with.end, &without.end, sizeof(with.end));
}

static void
test_layout_extremes(void **state)
{
	struct indicator_metrics m;
	struct indicator_layout l;

	(void)state;
	/* A short label: the buttons decide, and never below MIN_W. */
	m = fixed_font;
	m.label_w = 10;
	indicator_layout(&l, &m, true);
	assert_true(l.w >= l.view.x + l.view.w + INDICATOR_PAD);
	assert_true(l.w >= INDICATOR_MIN_W);
	memset(&m, 0, sizeof(m));
	indicator_layout(&l, &m, false);
	assert_int_equal(l.w, INDICATOR_MIN_W);
	/* Hostile metrics are clamped, nothing overflows. */
	m.ascent = -50;
	m.descent = 1 << 30;
	m.label_w = 0x7fffffff;
	m.end_w = -1;
	m.view_w = 0x7fffffff;
	indicator_layout(&l, &m, true);
	assert_true(l.w > 0 && l.w <= 4 * INDICATOR_MAX_DIM);
	assert_true(l.h > 0 && l.h <= 4 * INDICATOR_MAX_DIM);
	assert_int_equal(l.label_baseline, INDICATOR_PAD);
	assert_int_equal(l.end.w, 2 * INDICATOR_BTN_PADX);
}

static void
test_hit(void **state)
{
	struct indicator_layout l;
	const struct indicator_rect *e, *v;

	(void)state;
	indicator_layout(&l, &fixed_font, true);
	e = &l.end;
	v = &l.view;
	assert_int_equal(indicator_hit(&l, e->x, e->y), INDICATOR_END);
	assert_int_equal(indicator_hit(&l, e->x + e->w - 1, e->y + e->h - 1),
	    INDICATOR_END);
	assert_int_equal(indicator_hit(&l, e->x + e->w, e->y),
	    INDICATOR_NONE);	/* the gap */
	assert_int_equal(indicator_hit(&l, e->x - 1, e->y), INDICATOR_NONE);
	assert_int_equal(indicator_hit(&l, e->x, e->y - 1), INDICATOR_NONE);
	assert_int_equal(indicator_hit(&l, v->x + v->w / 2, v->y + v->h / 2),
	    INDICATOR_VIEW_ONLY);
	assert_int_equal(indicator_hit(&l, v->x + v->w, v->y),
	    INDICATOR_NONE);
	assert_int_equal(indicator_hit(&l, l.label_x, l.label_baseline),
	    INDICATOR_NONE);	/* the label */
	assert_int_equal(indicator_hit(&l, -5, -5), INDICATOR_NONE);
	/* In view mode, where View only was is nothing. */
	indicator_layout(&l, &fixed_font, false);
	assert_int_equal(indicator_hit(&l, v->x + v->w / 2, v->y + v->h / 2),
	    INDICATOR_NONE);
	assert_int_equal(indicator_hit(&l, e->x + 1, e->y + 1),
	    INDICATOR_END);
}

/* The frame queued on c, taken apart: its type and a view of its body. */
static void
take_frame(struct ipc *c, uint8_t *type, struct buf *body)
{
	uint8_t *p = buf_reserve(&c->in, buf_avail(&c->out));

	/* Move what was queued for sending into the input side. */
	assert_non_null(p);
	memcpy(p, buf_ptr(&c->out), buf_avail(&c->out));
	buf_commit(&c->in, buf_avail(&c->out));
	buf_reset(&c->out);
	assert_int_equal(ipc_next(c, type, body), 1);
}

static void
test_msg_roundtrip(void **state)
{
	enum indicator_action a;
	struct ipc c;
	struct buf body;
	uint8_t type, mode;
	char *s;

	(void)state;
	ipc_init(&c, -1);
	assert_int_equal(indicator_send_action(&c, INDICATOR_VIEW_ONLY),
	    BUF_OK);
	take_frame(&c, &type, &body);
	assert_int_equal(type, INDICATOR_MSG_ACTION);
	assert_int_equal(indicator_decode_action(&body, &a), BUF_OK);
	assert_int_equal(a, INDICATOR_VIEW_ONLY);
	assert_int_equal(indicator_send_show(&c, IPC_MODE_CONTROL,
	    "evil\033name"), BUF_OK);
	take_frame(&c, &type, &body);
	assert_int_equal(type, INDICATOR_MSG_SHOW);
	assert_int_equal(indicator_decode_show(&body, &mode, &s), BUF_OK);
	assert_int_equal(mode, IPC_MODE_CONTROL);
	assert_string_equal(s, "evil\033name");	/* raw: escaped on show */
	free(s);
	assert_int_equal(indicator_send_fail(&c, "cannot open"), BUF_OK);
	take_frame(&c, &type, &body);
	assert_int_equal(type, INDICATOR_MSG_FAIL);
	assert_int_equal(indicator_decode_fail(&body, &s), BUF_OK);
	assert_string_equal(s, "cannot open");
	free(s);
	/* What must never be sent is refused at the sender too. */
	assert_int_equal(indicator_send_action(&c, INDICATOR_NONE),
	    BUF_ERR_FORMAT);
	assert_int_equal(indicator_send_action(&c, INDICATOR_GONE),
	    BUF_ERR_FORMAT);
	assert_int_equal(indicator_send_show(&c, 0, "x"), BUF_ERR_FORMAT);
	assert_int_equal(buf_avail(&c.out), 0);
	ipc_free(&c);
}

static void
test_decode_action_bad(void **state)
{
	static const uint8_t none[] = { 0 }, gone[] = { 3 }, big[] = { 255 },
	    two[] = { 1, 1 };
	enum indicator_action a = INDICATOR_NONE;
	struct buf b;

	(void)state;
	buf_view(&b, none, 0);
	assert_int_equal(indicator_decode_action(&b, &a), BUF_ERR_SHORT);
	buf_view(&b, none, 1);
	assert_int_equal(indicator_decode_action(&b, &a), BUF_ERR_FORMAT);
	buf_view(&b, gone, 1);
	assert_int_equal(indicator_decode_action(&b, &a), BUF_ERR_FORMAT);
	buf_view(&b, big, 1);
	assert_int_equal(indicator_decode_action(&b, &a), BUF_ERR_FORMAT);
	buf_view(&b, two, 2);	/* trailing byte */
	assert_int_equal(indicator_decode_action(&b, &a), BUF_ERR_FORMAT);
	assert_int_equal(a, INDICATOR_NONE);	/* untouched */
	buf_view(&b, two, 1);
	assert_int_equal(indicator_decode_action(&b, &a), BUF_OK);
	assert_int_equal(a, INDICATOR_END);
}

/* A SHOW body: mode, then a string of declared length len holding n
 * bytes of s, then extra trailing bytes. */
static size_t
show_body(uint8_t *out, uint8_t mode, uint32_t len, const char *s, size_t n,
	  size_t extra)
{
	size_t o = 0;

	out[o++] = mode;
	out[o++] = (uint8_t)(len >> 24);
	out[o++] = (uint8_t)(len >> 16);
	out[o++] = (uint8_t)(len >> 8);
	out[o++] = (uint8_t)len;
	memcpy(out + o, s, n);
	o += n;
	memset(out + o, 'T', extra);
	return o + extra;
}

static void
test_decode_show_bad(void **state)
{
	static uint8_t body[IPC_MAX_STR + 64];
	static char longname[IPC_MAX_STR + 2];
	struct buf b;
	uint8_t mode = 0;
	char *s = NULL;
	size_t n;

	(void)state;
	buf_view(&b, body, 0);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_ERR_SHORT);
	n = show_body(body, 0, 5, "alice", 5, 0);	/* mode 0 */
	buf_view(&b, body, n);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_ERR_FORMAT);
	n = show_body(body, 3, 5, "alice", 5, 0);	/* mode 3 */
	buf_view(&b, body, n);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_ERR_FORMAT);
	n = show_body(body, IPC_MODE_VIEW, 9, "alice", 5, 0);	/* short */
	buf_view(&b, body, n);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_ERR_SHORT);
	n = show_body(body, IPC_MODE_VIEW, 5, "al\0ce", 5, 0);	/* NUL */
	buf_view(&b, body, n);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_ERR_FORMAT);
	n = show_body(body, IPC_MODE_VIEW, 5, "alice", 5, 1);	/* trailing */
	buf_view(&b, body, n);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_ERR_FORMAT);
	n = show_body(body, IPC_MODE_VIEW, 0xffffffffu, "", 0, 0);
	buf_view(&b, body, n);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_ERR_LIMIT);
	memset(longname, 'a', IPC_MAX_STR + 1);
	n = show_body(body, IPC_MODE_VIEW, IPC_MAX_STR + 1, longname,
	    IPC_MAX_STR + 1, 0);
	buf_view(&b, body, n);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_ERR_LIMIT);
	assert_null(s);
	assert_int_equal(mode, 0);
	n = show_body(body, IPC_MODE_VIEW, IPC_MAX_STR, longname, IPC_MAX_STR,
	    0);
	buf_view(&b, body, n);
	assert_int_equal(indicator_decode_show(&b, &mode, &s), BUF_OK);
	assert_int_equal(strlen(s), IPC_MAX_STR);
	free(s);
	/* The sender refuses what the receiver would. */
	{
		struct ipc c;

		ipc_init(&c, -1);
		longname[IPC_MAX_STR] = 'a';
		assert_int_equal(indicator_send_show(&c, IPC_MODE_VIEW,
		    longname), BUF_ERR_LIMIT);
		ipc_free(&c);
	}
}

static void
test_decode_fail_bad(void **state)
{
	static uint8_t body[512];
	static char why[300];
	struct buf b;
	char *s = NULL;
	size_t n;

	(void)state;
	n = show_body(body, 0, 3, "why", 3, 0) - 1;	/* no mode byte */
	buf_view(&b, body + 1, n);
	assert_int_equal(indicator_decode_fail(&b, &s), BUF_OK);
	assert_string_equal(s, "why");
	free(s);
	s = NULL;
	n = show_body(body, 0, 3, "why", 3, 2) - 1;
	buf_view(&b, body + 1, n);
	assert_int_equal(indicator_decode_fail(&b, &s), BUF_ERR_FORMAT);
	memset(why, 'w', sizeof(why));
	n = show_body(body, 0, 300, why, 300, 0) - 1;
	buf_view(&b, body + 1, n);	/* over its 200-byte limit */
	assert_int_equal(indicator_decode_fail(&b, &s), BUF_ERR_LIMIT);
	assert_null(s);
}

static void
test_open_refused(void **state)
{
	char err[128];

	(void)state;
	err[0] = '\0';
	assert_null(indicator_open(NULL, err, sizeof(err)));
	assert_string_equal(err, "no X display (DISPLAY is not set)");
	err[0] = '\0';
	assert_null(indicator_open("", err, sizeof(err)));
	assert_string_equal(err, "no X display (DISPLAY is not set)");
	{
		char d[400];

		memset(d, 'x', sizeof(d) - 1);
		d[sizeof(d) - 1] = '\0';
		assert_null(indicator_open(d, err, sizeof(err)));
		assert_non_null(strstr(err, "longer than"));
	}
	/* NULL handles are harmless: the monitor may have none. */
	indicator_show(NULL, "alice", IPC_MODE_VIEW);
	indicator_hide(NULL);
	assert_int_equal(indicator_handle(NULL), INDICATOR_GONE);
	indicator_close(NULL);
	assert_string_equal(indicator_action_name(INDICATOR_END), "END");
	assert_string_equal(indicator_action_name(INDICATOR_VIEW_ONLY),
	    "VIEW_ONLY");
	assert_string_equal(indicator_action_name((enum indicator_action)9),
	    "?");
}

static void
test_ext_describe(void **state)
{
	struct monitor_session s[3];
	char name[IPC_MAX_STR + 1], label[INDICATOR_TEXT_MAX];
	uint8_t mode = 0;

	(void)state;
	memset(s, 0, sizeof(s));
	assert_int_equal(indicator_ext_describe(s, 0, name, sizeof(name),
	    &mode), 0);
	/* The monitor's copy is escaped as received: shown raw, then
	 * escaped once by the indicator (not \x5cx1b). */
	s[0].helper = "alice\\x1b[2J";
	s[0].mode = IPC_MODE_VIEW;
	assert_int_equal(indicator_ext_describe(s, 1, name, sizeof(name),
	    &mode), 1);
	assert_string_equal(name, "alice\033[2J");
	assert_int_equal(mode, IPC_MODE_VIEW);
	indicator_label(label, sizeof(label), name, mode);
	assert_string_equal(label, "alice\\x1b[2J is viewing your screen");
	s[0].mode = IPC_MODE_CONTROL;
	assert_int_equal(indicator_ext_describe(s, 1, name, sizeof(name),
	    &mode), 1);
	assert_int_equal(mode, IPC_MODE_CONTROL);
	/* Several: the first named, control when any has it. */
	s[0].mode = IPC_MODE_VIEW;
	s[1].helper = "SHA256:abc";
	s[1].mode = IPC_MODE_CONTROL;
	s[2].helper = "carol";
	s[2].mode = IPC_MODE_VIEW;
	assert_int_equal(indicator_ext_describe(s, 3, name, sizeof(name),
	    &mode), 1);
	assert_string_equal(name, "alice\033[2J and 2 more");
	assert_int_equal(mode, IPC_MODE_CONTROL);
	s[1].mode = IPC_MODE_VIEW;
	assert_int_equal(indicator_ext_describe(s, 3, name, sizeof(name),
	    &mode), 1);
	assert_int_equal(mode, IPC_MODE_VIEW);
	/* An escaped NUL cannot travel in a C string: shown as received. */
	s[0].helper = "al\\x00ice";
	assert_int_equal(indicator_ext_describe(s, 1, name, sizeof(name),
	    &mode), 1);
	assert_string_equal(name, "al\\x00ice");
	/* A tiny buffer is filled, cut, terminated. */
	s[0].helper = "alice";
	assert_int_equal(indicator_ext_describe(s, 3, name, 8, &mode), 1);
	assert_string_equal(name, "alice a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_label_hostile),
		cmocka_unit_test(test_label_small_dst),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_layout_view_hidden),
		cmocka_unit_test(test_layout_extremes),
		cmocka_unit_test(test_hit),
		cmocka_unit_test(test_msg_roundtrip),
		cmocka_unit_test(test_decode_action_bad),
		cmocka_unit_test(test_decode_show_bad),
		cmocka_unit_test(test_decode_fail_bad),
		cmocka_unit_test(test_open_refused),
		cmocka_unit_test(test_ext_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
