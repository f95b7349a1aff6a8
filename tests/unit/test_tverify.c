/*
 * Unit tests: common/tverify.c. Transcripts are written here with the
 * real builder (tline.c), then damaged every way: each byte changed,
 * each line deleted, each pair of lines swapped, each length cut. The
 * verifier must name the right line and the right kind every time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/tline.h"
#include "common/tverify.h"

#define GEN_MAX		(64 * 1024)
#define GEN_T0		1795953600000LL		/* 2026-11-29T12:00:00Z */
#define GEN_LINES	10			/* of gen_assistd */

struct gen {
	char buf[GEN_MAX];
	size_t len;
	const char *session, *host, *user;
	const char *prev_session, *prev_chain;	/* NULL: leave out */
	char chain[TLINE_CHAIN_HEX + 1];
	unsigned long long seq;
	long long ms;
	struct tline l;
};

static struct gen g, g2, g3;
static struct tverify_result r, r2, r3;
static char work[GEN_MAX];

static void
gen_init(struct gen *x, const char *session, const char *prev_session,
	 const char *prev_chain)
{
	memset(x, 0, sizeof(*x));
	x->session = session;
	x->host = "ws42";
	x->user = "bob";
	x->prev_session = prev_session;
	x->prev_chain = prev_chain;
	x->ms = GEN_T0;
}

/* Appends one line: event, then key, value pairs up to a NULL key. */
static void
gen_line(struct gen *x, const char *event, ...)
{
	char next[TLINE_CHAIN_HEX + 1];
	const char *k;
	va_list ap;

	x->seq++;
	tline_begin(&x->l, x->ms, x->session, x->host, x->user, event, x->seq);
	x->ms += 1500;
	if (x->seq == 1 && x->prev_session != NULL) {
		tline_add(&x->l, "prev_session", x->prev_session);
		tline_add(&x->l, "prev_chain", x->prev_chain);
	}
	va_start(ap, event);
	while ((k = va_arg(ap, const char *)) != NULL)
		tline_add(&x->l, k, va_arg(ap, const char *));
	va_end(ap);
	assert_int_equal(tline_finish(&x->l, x->seq == 1 ? TLINE_ZERO_CHAIN :
	    x->chain, next), 0);
	assert_true(x->len + x->l.len <= sizeof(x->buf));
	memcpy(x->buf + x->len, x->l.buf, x->l.len);
	x->len += x->l.len;
	memcpy(x->chain, next, sizeof(x->chain));
}

/* A realistic assistd session: GEN_LINES lines. */
static void
gen_assistd(struct gen *x)
{
	gen_line(x, "assistd.start", "version", "0.1.0", "pid", "123",
	    "listen", "127.0.0.1:5922", "policy", "/etc/assist/assistd.conf",
	    NULL);
	gen_line(x, "conn.open", "conn", "1", "src", "192.0.2.7", "src_port",
	    "51234", NULL);
	gen_line(x, "auth.deny", "conn", "1", "key_id",
	    "eve\n2026-11-29T12:00:00.000Z session=x event=auth.allow "
	    "helper=alice chain=\"0\"", "reason", "unknown CA", NULL);
	gen_line(x, "conn.close", "conn", "1", "reason", "auth failed",
	    "duration_ms", "300", NULL);
	gen_line(x, "conn.open", "conn", "2", "src", "192.0.2.8", NULL);
	gen_line(x, "auth.allow", "conn", "2", "key_id", "alice@helpdesk",
	    "helper", "alice@helpdesk", NULL);
	gen_line(x, "session.start", "conn", "2", "helper", "alice@helpdesk",
	    "mode", "control", NULL);
	gen_line(x, "session.end", "conn", "2", "helper", "alice@helpdesk",
	    "reason", "user_ended", "duration_ms", "61234", NULL);
	gen_line(x, "conn.close", "conn", "2", "reason", "session ended",
	    NULL);
	gen_line(x, "assistd.stop", "reason", "signal", "status", "0", NULL);
}

static void
verify(const char *data, size_t len, struct tverify_result *res)
{
	memset(res, 0, sizeof(*res));
	tverify_buffer(data, len, res);
}

static void
expect(const struct tverify_result *res, enum tverify_problem p,
       unsigned long long line, const char *what)
{
	if (res->problem != p || res->line != line)
		fail_msg("%s: got %s at line %llu (%s), wanted %s at line "
		    "%llu", what, tverify_problem_name(res->problem),
		    res->line, res->why, tverify_problem_name(p), line);
}

/* Offset of line i (1-based) of data, or len past the last. */
static size_t
line_off(const char *data, size_t len, unsigned i)
{
	size_t off = 0;

	while (--i > 0) {
		const char *nl = memchr(data + off, '\n', len - off);

		assert_non_null(nl);
		off = (size_t)(nl - data) + 1;
	}
	return off;
}

/* Line number holding byte at. */
static unsigned long long
line_of(const char *data, size_t at)
{
	unsigned long long n = 1;
	size_t i;

	for (i = 0; i < at; i++)
		n += data[i] == '\n';
	return n;
}

static void
setup_default(void)
{
	gen_init(&g, "0123456789abcdef", "none", "none");
	gen_assistd(&g);
}

static void
test_verifies(void **state)
{
	const struct tverify_summary *s = &r.sum;
	char fields[TLINE_MAX];

	(void)state;
	setup_default();
	verify(g.buf, g.len, &r);
	expect(&r, TVERIFY_OK, 0, "untouched");
	assert_int_equal(s->lines, GEN_LINES);
	assert_string_equal(s->session.s, "0123456789abcdef");
	assert_string_equal(s->helper.s, "alice@helpdesk");
	assert_string_equal(s->workstation.s, "ws42");
	assert_string_equal(s->user.s, "bob");
	assert_string_equal(s->start, "2026-11-29T12:00:00.000Z");
	assert_true(s->duration_ms == 61234);
	assert_string_equal(s->mode.s, "control");
	assert_string_equal(s->end.s, "user_ended");
	assert_string_equal(s->status.s, "0");
	assert_int_equal(s->program, TVERIFY_PROG_ASSISTD);
	assert_string_equal(r.link.session, "0123456789abcdef");
	assert_string_equal(r.link.last_chain, g.chain);
	assert_string_equal(r.link.prev_session, "");

	memset(&g.l, 0, sizeof(g.l));
	tverify_summary_fields(s, &g.l);
	snprintf(fields, sizeof(fields), "%.*s", (int)g.l.len, g.l.buf);
	assert_string_equal(fields, " session=0123456789abcdef "
	    "helper=alice@helpdesk workstation=ws42 user=bob "
	    "start=2026-11-29T12:00:00.000Z duration=61.234s mode=control "
	    "end=user_ended status=0 program=assistd lines=10");
}

/* mode= is the most access granted: view accepted, then control given on
 * a later request, then taken back by the user: control. A refused
 * request or one without any answer leaves view; nothing granted: "-". */
static void
test_summary_mode(void **state)
{
	static const struct {
		const char *answer1, *change1, *answer2, *change2, *want;
	} c[] = {
		{ "view", NULL, NULL, NULL, "view" },
		{ "control", NULL, NULL, NULL, "control" },
		{ "view", NULL, "control", "control", "control" },
		{ "view", NULL, "refused", NULL, "view" },
		{ "view", NULL, "timeout", NULL, "view" },
		{ "control", "view", NULL, NULL, "control" },
		{ "refused", NULL, NULL, NULL, "-" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		gen_init(&g, "0123456789abcdef", "none", "none");
		gen_line(&g, "assistd.start", "version", "0.1.0", NULL);
		gen_line(&g, "consent.ask", "conn", "1", "mode", "control",
		    NULL);
		gen_line(&g, "consent.answer", "conn", "1", "answer",
		    c[i].answer1, "how", "tty", NULL);
		if (strcmp(c[i].answer1, "refused") != 0)
			gen_line(&g, "session.start", "conn", "1", "mode",
			    c[i].answer1, NULL);
		if (c[i].change1 != NULL)
			gen_line(&g, "mode.change", "conn", "1", "mode",
			    c[i].change1, "by", "user", NULL);
		if (c[i].answer2 != NULL)
			gen_line(&g, "consent.answer", "conn", "1", "answer",
			    c[i].answer2, "how", "askpass", NULL);
		if (c[i].change2 != NULL)
			gen_line(&g, "mode.change", "conn", "1", "mode",
			    c[i].change2, "by", "helper", NULL);
		gen_line(&g, "assistd.stop", "reason", "x", "status", "0",
		    NULL);
		verify(g.buf, g.len, &r);
		expect(&r, TVERIFY_OK, 0, "mode case");
		if (strcmp(r.sum.mode.s, c[i].want) != 0)
			fail_msg("case %zu: mode=%s, want %s", i, r.sum.mode.s,
			    c[i].want);
	}
}

/* Every byte changed (to a letter, and digits to another digit). */
static void
test_every_byte_changed(void **state)
{
	size_t i, altered = 0;
	int pass;

	(void)state;
	setup_default();
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < g.len; i++) {
			char c = g.buf[i];
			unsigned long long ln = line_of(g.buf, i);

			if (pass == 1 && (c < '0' || c > '9'))
				continue;
			memcpy(work, g.buf, g.len);
			work[i] = pass == 1 ? (char)('0' + (c - '0' + 1) % 10) :
			    c == 'a' ? 'b' : 'a';
			verify(work, g.len, &r);
			if (i == g.len - 1) {
				expect(&r, TVERIFY_TRUNCATED, GEN_LINES,
				    "last newline changed");
				continue;
			}
			if (r.line != ln || (r.problem != TVERIFY_ALTERED &&
			    r.problem != TVERIFY_UNPARSEABLE))
				fail_msg("byte %zu (line %llu) '%c': %s at "
				    "line %llu (%s)", i, ln, c,
				    tverify_problem_name(r.problem), r.line,
				    r.why);
			altered += r.problem == TVERIFY_ALTERED;
		}
	}
	/* Most changes leave a parseable line whose chain is wrong. */
	assert_true(altered > g.len / 2);
}

/* seq= changed alone, on the first, a middle and the last line. */
static void
test_seq_changed(void **state)
{
	static const struct {
		unsigned line;
		const char *from, *to;
	} c[] = {
		{ 1, " seq=1 ", " seq=2 " }, { 5, " seq=5 ", " seq=9 " },
		{ 5, " seq=5 ", " seq=3 " }, { 10, " seq=10 ", " seq=12 " },
		{ 10, " seq=10 ", " seq=1 " }, { 10, " seq=10 ", " seq=99 " },
	};
	size_t i;

	(void)state;
	setup_default();
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t off = line_off(g.buf, g.len, c[i].line), n;
		char *at, line[TLINE_MAX];

		memcpy(work, g.buf, off);
		n = line_off(g.buf, g.len, c[i].line + 1) - off;
		if (c[i].line == GEN_LINES)
			n = g.len - off;
		memcpy(line, g.buf + off, n);
		line[n] = '\0';
		at = strstr(line, c[i].from);
		assert_non_null(at);
		n = (size_t)snprintf(work + off, sizeof(work) - off,
		    "%.*s%s%s%s", (int)(at - line), line, c[i].to,
		    at + strlen(c[i].from), g.buf + off + n);
		verify(work, off + n, &r);
		expect(&r, TVERIFY_ALTERED, c[i].line, c[i].to);
	}
}

/* Deleting line i is found at line i; the last line's loss only shows
 * when it was the end (see test_truncate_lines) or in the next file. */
static void
test_delete_each_line(void **state)
{
	unsigned i;
	size_t a, b;

	(void)state;
	setup_default();
	for (i = 1; i <= GEN_LINES; i++) {
		a = line_off(g.buf, g.len, i);
		b = i == GEN_LINES ? g.len : line_off(g.buf, g.len, i + 1);
		memcpy(work, g.buf, a);
		memcpy(work + a, g.buf + b, g.len - b);
		verify(work, g.len - (b - a), &r);
		if (i < GEN_LINES)
			expect(&r, TVERIFY_REMOVED, i, "line deleted");
		else
			expect(&r, TVERIFY_OK, 0, "last line deleted");
	}
	/* Three lines at once */
	a = line_off(g.buf, g.len, 4);
	b = line_off(g.buf, g.len, 7);
	memcpy(work, g.buf, a);
	memcpy(work + a, g.buf + b, g.len - b);
	verify(work, g.len - (b - a), &r);
	expect(&r, TVERIFY_REMOVED, 4, "lines 4-6 deleted");
	assert_non_null(strstr(r.why, "3 lines removed"));
}

/* Swapping any two lines is found at the first of them. */
static void
test_swap_lines(void **state)
{
	unsigned i, j, k;

	(void)state;
	setup_default();
	for (i = 1; i < GEN_LINES; i++) {
		for (j = i + 1; j <= GEN_LINES; j++) {
			size_t n = 0;

			for (k = 1; k <= GEN_LINES; k++) {
				unsigned from = k == i ? j : k == j ? i : k;
				size_t a = line_off(g.buf, g.len, from);
				size_t b = from == GEN_LINES ? g.len :
				    line_off(g.buf, g.len, from + 1);

				memcpy(work + n, g.buf + a, b - a);
				n += b - a;
			}
			verify(work, n, &r);
			expect(&r, TVERIFY_REORDERED, i, "swapped");
		}
	}
}

/* A line written twice is found where it repeats. */
static void
test_repeated_line(void **state)
{
	size_t a, b;

	(void)state;
	setup_default();
	a = line_off(g.buf, g.len, 5);
	b = line_off(g.buf, g.len, 6);
	memcpy(work, g.buf, b);
	memcpy(work + b, g.buf + a, b - a);
	memcpy(work + b + (b - a), g.buf + b, g.len - b);
	verify(work, g.len + (b - a), &r);
	expect(&r, TVERIFY_REORDERED, 6, "line 5 repeated");
}

/* Cut at every length: inside a line it is truncated; at a line end it
 * verifies, incomplete until the session's end is in. */
static void
test_truncate_lines(void **state)
{
	size_t n;

	(void)state;
	setup_default();
	for (n = 0; n < g.len; n++) {
		unsigned long long whole = line_of(g.buf, n) - 1;

		verify(g.buf, n, &r);
		if (n > 0 && g.buf[n - 1] != '\n')
			expect(&r, TVERIFY_TRUNCATED, whole + 1, "cut");
		else if (whole >= 8)	/* session.end is line 8 */
			expect(&r, TVERIFY_OK, 0, "cut at a line end");
		else
			expect(&r, TVERIFY_INCOMPLETE, whole, "cut early");
	}
}

/* A line of another session, with a chain that fits, is still caught. */
static void
test_other_session(void **state)
{
	(void)state;
	gen_init(&g, "0123456789abcdef", "none", "none");
	gen_line(&g, "assistd.start", NULL);
	gen_line(&g, "conn.open", NULL);
	g.session = "fedcba9876543210";
	gen_line(&g, "conn.open", NULL);
	verify(g.buf, g.len, &r);
	expect(&r, TVERIFY_ALTERED, 3, "session changed");
	assert_non_null(strstr(r.why, "session="));
}

static void
test_first_line(void **state)
{
	(void)state;
	gen_init(&g, "0123456789abcdef", NULL, NULL);
	gen_line(&g, "assistd.start", NULL);
	gen_line(&g, "assistd.stop", NULL);
	verify(g.buf, g.len, &r);
	expect(&r, TVERIFY_UNPARSEABLE, 1, "no prev_*");
	gen_init(&g, "0123456789abcdef", "none", "not-a-chain");
	gen_line(&g, "assistd.start", NULL);
	gen_line(&g, "assistd.stop", NULL);
	verify(g.buf, g.len, &r);
	expect(&r, TVERIFY_UNPARSEABLE, 1, "bad prev_chain");
	/* Chains may not restart in the middle: line 2 built on zeros. */
	gen_init(&g, "0123456789abcdef", "none", "none");
	gen_line(&g, "assistd.start", NULL);
	memcpy(g.chain, TLINE_ZERO_CHAIN, sizeof(g.chain));
	gen_line(&g, "assistd.stop", NULL);
	verify(g.buf, g.len, &r);
	expect(&r, TVERIFY_ALTERED, 2, "restarted chain");
}

static void
test_incomplete(void **state)
{
	(void)state;
	verify("", 0, &r);
	expect(&r, TVERIFY_INCOMPLETE, 0, "empty");
	assert_string_equal(r.sum.end.s, "incomplete");
	assert_string_equal(r.sum.session.s, "-");
	gen_init(&g, "0123456789abcdef", "none", "none");
	gen_line(&g, "assistd.start", NULL);
	gen_line(&g, "conn.open", "conn", "1", NULL);
	gen_line(&g, "session.start", "helper", "carol", NULL);
	verify(g.buf, g.len, &r);
	expect(&r, TVERIFY_INCOMPLETE, 3, "no end");
	assert_string_equal(r.sum.end.s, "incomplete");
	assert_string_equal(r.sum.helper.s, "carol");
	assert_string_equal(r.sum.mode.s, "-");
	assert_true(r.sum.duration_ms == 3000);	/* last - first line */
	assert_int_equal(tverify_problem_level(r.problem), TVERIFY_LEVEL_WARN);
}

/* The helper's side: helper is the local user, target gives the rest. */
static void
test_cli_summary(void **state)
{
	static const struct {
		const char *target, *ws, *user;
	} c[] = {
		{ "bob@ws42:5922", "ws42", "bob" },
		{ "ws42", "ws42", "-" },
		{ "bob@[::1]:5922", "::1", "bob" },
		{ "fe80::1", "fe80::1", "-" },
		{ "a@b@host", "host", "a@b" },
		{ "", "-", "-" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		gen_init(&g, "1111111111111111", "none", "none");
		g.user = "alice";
		g.host = "helpdesk1";
		gen_line(&g, "cli.start", "target", c[i].target, NULL);
		gen_line(&g, "session.start", NULL);
		gen_line(&g, "cli.stop", "status", "3", NULL);
		verify(g.buf, g.len, &r);
		expect(&r, TVERIFY_OK, 0, c[i].target);
		assert_int_equal(r.sum.program, TVERIFY_PROG_CLI);
		assert_string_equal(r.sum.helper.s, "alice");
		assert_string_equal(r.sum.workstation.s, c[i].ws);
		assert_string_equal(r.sum.user.s, c[i].user);
		assert_string_equal(r.sum.end.s, "cli.stop");
		assert_string_equal(r.sum.status.s, "3");
	}
}

/* Three chained files A, B, C and what removing or cutting one does. */
static void
make_chain(void)
{
	gen_init(&g, "aaaaaaaaaaaaaaaa", "none", "none");
	gen_assistd(&g);
	gen_init(&g2, "bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", g.chain);
	g2.ms = GEN_T0 + 3600000;
	gen_assistd(&g2);
	gen_init(&g3, "cccccccccccccccc", "bbbbbbbbbbbbbbbb", g2.chain);
	g3.ms = GEN_T0 + 7200000;
	gen_assistd(&g3);
	verify(g.buf, g.len, &r);
	verify(g2.buf, g2.len, &r2);
	verify(g3.buf, g3.len, &r3);
	r.link.path = "A";
	r2.link.path = "B";
	r3.link.path = "C";
}

static void
links(struct tverify_link *a, struct tverify_link *b, struct tverify_link *c)
{
	struct tverify_link *v[3];
	size_t n = 0;

	if (a != NULL)
		v[n++] = a;
	if (b != NULL)
		v[n++] = b;
	if (c != NULL)
		v[n++] = c;
	assert_int_equal(tverify_links(v, n), 0);
}

static void
test_links(void **state)
{
	(void)state;
	make_chain();
	expect(&r2, TVERIFY_OK, 0, "B");
	assert_string_equal(r2.link.prev_session, "aaaaaaaaaaaaaaaa");
	links(&r3.link, &r.link, &r2.link);	/* any order */
	assert_int_equal(r.link.problem, TVERIFY_OK);
	assert_int_equal(r2.link.problem, TVERIFY_OK);
	assert_int_equal(r3.link.problem, TVERIFY_OK);

	/* B removed: C misses its predecessor, A is older. */
	links(&r.link, NULL, &r3.link);
	assert_int_equal(r.link.problem, TVERIFY_OK);
	assert_int_equal(r3.link.problem, TVERIFY_MISSING);
	assert_non_null(strstr(r3.link.why, "bbbbbbbbbbbbbbbb"));

	/* A moved away: B is the oldest here, fine. */
	links(NULL, &r2.link, &r3.link);
	assert_int_equal(r2.link.problem, TVERIFY_OK);
	assert_int_equal(r3.link.problem, TVERIFY_OK);

	/* A of another host: no older file of B's host and user. */
	strcpy(r.link.host, "ws43");
	links(&r.link, NULL, &r3.link);
	assert_int_equal(r3.link.problem, TVERIFY_OK);
	strcpy(r.link.host, "ws42");
	/* A of assist-cli: a chain of its own, so no older file either. */
	r.link.program = TVERIFY_PROG_CLI;
	links(&r.link, NULL, &r3.link);
	assert_int_equal(r3.link.problem, TVERIFY_OK);
	r.link.program = TVERIFY_PROG_ASSISTD;

	/* B's last line deleted: B itself verifies, C's link breaks. */
	verify(g2.buf, line_off(g2.buf, g2.len, GEN_LINES), &r2);
	r2.link.path = "B";
	expect(&r2, TVERIFY_OK, 0, "B cut by a line");
	links(&r.link, &r2.link, &r3.link);
	assert_int_equal(r3.link.problem, TVERIFY_BROKEN_LINK);
	assert_non_null(strstr(r3.link.why, "B"));

	/* B altered: B fails itself; C is not blamed for it. */
	memcpy(work, g2.buf, g2.len);
	work[100] ^= 1;
	verify(work, g2.len, &r2);
	r2.link.path = "B";
	assert_int_equal(tverify_problem_level(r2.problem), TVERIFY_LEVEL_FAIL);
	links(&r.link, &r2.link, &r3.link);
	assert_int_equal(r3.link.problem, TVERIFY_OK);

	/* Two copies of B (the user's and the drop directory's). */
	verify(g2.buf, g2.len, &r2);
	r2.link.path = "B";
	{
		struct tverify_link copy = r2.link, *v[4] = { &r.link,
		    &r2.link, &copy, &r3.link };

		assert_int_equal(tverify_links(v, 4), 0);
		assert_int_equal(r3.link.problem, TVERIFY_OK);
		assert_int_equal(copy.problem, TVERIFY_OK);
	}
	assert_int_equal(tverify_links(NULL, 0), 0);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
test_files(void **state)
{
	char dir[] = "/tmp/test_tverify.XXXXXX", path[256], path2[256];
	char **paths = NULL, err[512];
	long n;

	(void)state;
	setup_default();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.log", dir);
	write_file(path, g.buf, g.len);
	assert_int_equal(tverify_file(path, 1 << 20, TVERIFY_NOFOLLOW, &r), 0);
	expect(&r, TVERIFY_OK, 0, "file");
	assert_ptr_equal(r.path, path);
	assert_int_equal(r.bytes, g.len);
	assert_int_equal(tverify_file(path, g.len, TVERIFY_NOFOLLOW, &r), 0);
	assert_int_equal(tverify_file(path, g.len - 1, TVERIFY_NOFOLLOW, &r),
	    -1);
	expect(&r, TVERIFY_UNREADABLE, 0, "too big");
	assert_int_equal(tverify_problem_level(r.problem), TVERIFY_LEVEL_ERROR);

	snprintf(path2, sizeof(path2), "%s/link.log", dir);
	assert_int_equal(symlink(path, path2), 0);
	assert_int_equal(tverify_file(path2, 1 << 20, TVERIFY_NOFOLLOW, &r),
	    -1);
	assert_string_equal(r.why, "a symbolic link");
	assert_int_equal(tverify_file(path2, 1 << 20, TVERIFY_FOLLOW, &r), 0);

	/* A FIFO is refused at once (never waited on). */
	snprintf(path2, sizeof(path2), "%s/fifo.log", dir);
	assert_int_equal(mkfifo(path2, 0600), 0);
	assert_int_equal(tverify_file(path2, 1 << 20, TVERIFY_NOFOLLOW, &r),
	    -1);
	assert_string_equal(r.why, "not a regular file");
	snprintf(path2, sizeof(path2), "%s/none.log", dir);
	assert_int_equal(tverify_file(path2, 1 << 20, TVERIFY_FOLLOW, &r), -1);

	/* Listing: only regular *.log files, not hidden, sorted. */
	snprintf(path2, sizeof(path2), "%s/0.log", dir);
	write_file(path2, "", 0);
	snprintf(path2, sizeof(path2), "%s/b.txt", dir);
	write_file(path2, "", 0);
	snprintf(path2, sizeof(path2), "%s/.c.log", dir);
	write_file(path2, "", 0);
	snprintf(path2, sizeof(path2), "%s/.log", dir);
	write_file(path2, "", 0);
	snprintf(path2, sizeof(path2), "%s/d.log", dir);
	assert_int_equal(mkdir(path2, 0700), 0);
	n = tverify_list_dir(dir, 10, &paths, err, sizeof(err));
	assert_int_equal(n, 2);
	snprintf(path2, sizeof(path2), "%s/0.log", dir);
	assert_string_equal(paths[0], path2);
	assert_string_equal(paths[1], path);
	tverify_list_free(paths, (size_t)n);
	assert_int_equal(tverify_list_dir(dir, 1, &paths, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "more than 1 transcripts"));
	assert_null(paths);
	snprintf(path2, sizeof(path2), "%s/", dir);
	n = tverify_list_dir(path2, 10, &paths, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_string_equal(paths[1], path);	/* one '/' */
	tverify_list_free(paths, (size_t)n);
	assert_int_equal(tverify_list_dir("/nonexistent-dir", 10, &paths, err,
	    sizeof(err)), -1);

	snprintf(path2, sizeof(path2), "rm -rf %s", dir);
	assert_int_equal(system(path2), 0);
}

/* Garbage of every kind: a problem, never a crash. */
static void
test_garbage(void **state)
{
	size_t i, n;
	unsigned x = 12345;

	(void)state;
	for (i = 0; i < 2000; i++) {
		n = (x = x * 1103515245 + 12345) % 600;
		for (size_t k = 0; k < n; k++) {
			x = x * 1103515245 + 12345;
			work[k] = (char)(x >> 16);
			if ((x >> 8) % 13 == 0)
				work[k] = '\n';
		}
		verify(work, n, &r);
		assert_true(n == 0 || r.problem != TVERIFY_OK);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verifies),
		cmocka_unit_test(test_summary_mode),
		cmocka_unit_test(test_every_byte_changed),
		cmocka_unit_test(test_seq_changed),
		cmocka_unit_test(test_delete_each_line),
		cmocka_unit_test(test_swap_lines),
		cmocka_unit_test(test_repeated_line),
		cmocka_unit_test(test_truncate_lines),
		cmocka_unit_test(test_other_session),
		cmocka_unit_test(test_first_line),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_cli_summary),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
