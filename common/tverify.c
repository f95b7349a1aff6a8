/* tverify: whole transcripts, their links and summaries; see tverify.h. */
#include "common/tverify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"

#define TVERIFY_NONE	"none"

/* Walking one buffer: where we are and what the summary still needs. */
struct tverify_walk {
	const char *data;
	size_t len;
	size_t off;
	struct tverify_result *r;
	struct tparse_line p;
	char prev_chain[TLINE_CHAIN_HEX + 1];	/* chain the next line
						 * must build on */
	unsigned long long expect;		/* next seq */
	/* Summary parts decided at the end. */
	struct tverify_text session1, host, user, target;
	struct tverify_text helper_auth, helper_session, end_reason;
	struct tverify_text stop_event, stop_reason;
	long long first_ms, last_ms, end_duration_ms;
	int have_first, have_end_duration, complete;
};

static void tverify_set(struct tverify_result *r, enum tverify_problem p,
			unsigned long long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records the first problem only. */
static void
tverify_set(struct tverify_result *r, enum tverify_problem p,
	    unsigned long long line, const char *fmt, ...)
{
	va_list ap;

	if (r->problem != TVERIFY_OK)
		return;
	r->problem = p;
	r->line = line;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static void
text_set(struct tverify_text *t, const char *s, size_t n)
{
	if (n > sizeof(t->s) - 1)
		n = sizeof(t->s) - 1;
	memcpy(t->s, s, n);
	t->s[n] = '\0';
	t->n = n;
}

static void
text_str(struct tverify_text *t, const char *s)
{
	text_set(t, s, strlen(s));
}

/* Copies the value of key in line p into t; 1 when there was one. */
static int
text_field(struct tverify_text *t, const struct tparse_line *p,
	   const char *key)
{
	const struct tparse_field *f = tparse_get(p, key);

	if (f == NULL)
		return 0;
	text_set(t, f->value, f->vlen);
	return 1;
}

/* The raw value of key for linking (see struct tverify_link). */
static void
link_field(char *out, const struct tparse_line *p, const char *key)
{
	const struct tparse_field *f = tparse_get(p, key);

	out[0] = '\0';
	if (f == NULL || f->rawlen > TVERIFY_ID_MAX)
		return;
	memcpy(out, f->raw, f->rawlen);
	out[f->rawlen] = '\0';
}

/* A decimal value of key, or -1. */
static long long
number_field(const struct tparse_line *p, const char *key)
{
	const struct tparse_field *f = tparse_get(p, key);
	long long v = 0;
	size_t i;

	if (f == NULL || f->vlen == 0 || f->vlen > 18)
		return -1;
	for (i = 0; i < f->vlen; i++) {
		if (f->value[i] < '0' || f->value[i] > '9')
			return -1;
		v = v * 10 + (f->value[i] - '0');
	}
	return v;
}

static int
is_event(const struct tparse_line *p, const char *event)
{
	return tparse_is(p, "event", event);
}

/* mode= of the summary: the most access granted in the session, from
 * session.start mode=, consent.answer answer= and mode.change mode=:
 * "control" once any says control, else "view" once any says view. */
static void
summary_mode(struct tverify_text *mode, const struct tparse_line *p,
	     const char *key)
{
	if (tparse_is(p, key, "control"))
		text_str(mode, "control");
	else if (tparse_is(p, key, "view") && mode->n == 0)
		text_str(mode, "view");
}

/* Feeds one parsed line to the summary (every line that parses). */
static void
summary_line(struct tverify_walk *w)
{
	const struct tparse_line *p = &w->p;
	struct tverify_result *r = w->r;
	long long d;

	if (!w->have_first) {
		w->have_first = 1;
		w->first_ms = p->unix_ms;
		memcpy(r->sum.start, p->time, sizeof(r->sum.start));
		text_field(&r->sum.session, p, "session");
		text_field(&w->host, p, "host");
		text_field(&w->user, p, "user");
		link_field(r->link.session, p, "session");
		link_field(r->link.host, p, "host");
		link_field(r->link.user, p, "user");
		memcpy(r->link.start, p->time, sizeof(r->link.start));
		if (!tparse_is(p, "prev_session", TVERIFY_NONE))
			link_field(r->link.prev_session, p, "prev_session");
		if (!tparse_is(p, "prev_chain", TVERIFY_NONE))
			link_field(r->link.prev_chain, p, "prev_chain");
	}
	w->last_ms = p->unix_ms;
	memcpy(r->link.last_chain, p->chain, sizeof(r->link.last_chain));
	if (is_event(p, "cli.start")) {
		r->sum.program = TVERIFY_PROG_CLI;
		text_field(&w->target, p, "target");
	} else if (is_event(p, "auth.allow")) {
		text_field(&w->helper_auth, p, "helper");
	} else if (is_event(p, "session.start")) {
		text_field(&w->helper_session, p, "helper");
		summary_mode(&r->sum.mode, p, "mode");
	} else if (is_event(p, "consent.answer")) {
		summary_mode(&r->sum.mode, p, "answer");
	} else if (is_event(p, "mode.change")) {
		summary_mode(&r->sum.mode, p, "mode");
	} else if (is_event(p, "session.end")) {
		w->complete = 1;
		text_field(&w->end_reason, p, "reason");
		if ((d = number_field(p, "duration_ms")) >= 0) {
			w->end_duration_ms = d;
			w->have_end_duration = 1;
		}
	} else if (is_event(p, "assistd.stop") || is_event(p, "cli.stop")) {
		w->complete = 1;
		if (is_event(p, "cli.stop"))
			r->sum.program = TVERIFY_PROG_CLI;
		text_field(&w->stop_event, p, "event");
		text_field(&w->stop_reason, p, "reason");
		text_field(&r->sum.status, p, "status");
	}
}

/* target= "[user@]host[:port]" (host maybe "[v6]") into user and host;
 * each left empty when not there. */
static void
summary_target(const struct tverify_text *target, struct tverify_text *user,
	       struct tverify_text *host)
{
	const char *s = target->s, *end = target->s + target->n, *h = s;
	const char *c, *at = NULL;

	for (c = s; c < end; c++)
		if (*c == '@')
			at = c;
	if (at != NULL) {
		text_set(user, s, (size_t)(at - s));
		h = at + 1;
	}
	if (h < end && *h == '[' &&
	    (c = memchr(h, ']', (size_t)(end - h))) != NULL) {
		text_set(host, h + 1, (size_t)(c - h - 1));
		return;
	}
	/* host:port, but not a bare IPv6 address (two or more colons) */
	c = memchr(h, ':', (size_t)(end - h));
	if (c != NULL && memchr(c + 1, ':', (size_t)(end - c - 1)) == NULL)
		end = c;
	text_set(host, h, (size_t)(end - h));
}

/* dst = src, or "-" when src is empty; src may be dst. */
static void
text_or_dash(struct tverify_text *dst, const struct tverify_text *src)
{
	if (src->n == 0)
		text_str(dst, "-");
	else if (dst != src)
		*dst = *src;
}

/* Decides the summary from what the lines said (see assist-audit(1)). */
static void
summary_finish(struct tverify_walk *w)
{
	struct tverify_summary *s = &w->r->sum;

	if (s->program == TVERIFY_PROG_CLI) {
		text_or_dash(&s->helper, &w->user);
		summary_target(&w->target, &s->user, &s->workstation);
		text_or_dash(&s->user, &s->user);
		text_or_dash(&s->workstation, &s->workstation);
	} else {
		text_or_dash(&s->helper, w->helper_session.n > 0 ?
		    &w->helper_session : &w->helper_auth);
		text_or_dash(&s->workstation, &w->host);
		text_or_dash(&s->user, &w->user);
	}
	text_or_dash(&s->mode, &s->mode);
	text_or_dash(&s->session, &s->session);
	if (w->end_reason.n > 0)
		s->end = w->end_reason;
	else if (w->stop_reason.n > 0)
		s->end = w->stop_reason;
	else if (w->stop_event.n > 0)
		s->end = w->stop_event;
	else
		text_str(&s->end, "incomplete");
	if (w->have_end_duration)
		s->duration_ms = w->end_duration_ms;
	else if (w->have_first)
		s->duration_ms = w->last_ms - w->first_ms;
}

/* 1 when the line after this one (from off) parses with seq == want. */
static int
next_has_seq(struct tverify_walk *w, size_t off, unsigned long long want)
{
	const char *nl;
	char err[TPARSE_ERR_MAX];

	if (off >= w->len ||
	    (nl = memchr(w->data + off, '\n', w->len - off)) == NULL)
		return 0;
	return tparse_line(&w->p, w->data + off,
	    (size_t)(nl - (w->data + off)) + 1, err, sizeof(err)) == 0 &&
	    w->p.seq == want;
}

/* 1 when some line from off on parses with seq == want. */
static int
later_has_seq(struct tverify_walk *w, size_t off, unsigned long long want)
{
	const char *nl;
	char err[TPARSE_ERR_MAX];

	while (off < w->len &&
	    (nl = memchr(w->data + off, '\n', w->len - off)) != NULL) {
		size_t n = (size_t)(nl - (w->data + off)) + 1;

		if (tparse_line(&w->p, w->data + off, n, err,
		    sizeof(err)) == 0 && w->p.seq == want)
			return 1;
		off += n;
	}
	return 0;
}

/*
 * 1 when the line in w->p, with seq=e written instead of its own seq=,
 * has the chain it carries: the line follows the one before and only
 * its seq= was changed.
 */
static int
only_seq_changed(struct tverify_walk *w, unsigned long long e)
{
	const struct tparse_line *p = &w->p;
	const struct tparse_field *f = &p->f[4];	/* seq, tparse.h */
	size_t head = (size_t)(f->raw - p->line);
	size_t tail = p->text_len - head - f->rawlen;
	char text[TLINE_MAX + 32], chain[TLINE_CHAIN_HEX + 1];
	int n;

	n = snprintf(text, sizeof(text), "%.*s%llu%.*s", (int)head, p->line,
	    e, (int)tail, f->raw + f->rawlen);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    tline_chain(w->prev_chain, text, (size_t)n, chain) != 0)
		return 0;
	return memcmp(chain, p->chain, TLINE_CHAIN_HEX) == 0;
}

/*
 * seq is s where e was expected on line lineno; off is where the next
 * line starts. Tells a changed seq= from a swap from a removal, by the
 * chain and by what follows. Clobbers w->p.
 */
static void
classify_seq(struct tverify_walk *w, unsigned long long lineno,
	     unsigned long long s, unsigned long long e, size_t off)
{
	struct tverify_result *r = w->r;

	if (only_seq_changed(w, e))
		tverify_set(r, TVERIFY_ALTERED, lineno, "seq=%llu where %llu "
		    "was expected, and with %llu the line verifies: seq= was "
		    "changed", s, e, e);
	else if (s > e && later_has_seq(w, off, e))
		tverify_set(r, TVERIFY_REORDERED, lineno, "seq=%llu where %llu "
		    "was expected, and seq=%llu comes later: lines out of "
		    "order", s, e, e);
	else if (next_has_seq(w, off, e + 1))
		tverify_set(r, TVERIFY_ALTERED, lineno, "seq=%llu where %llu "
		    "was expected, and the next line has %llu: seq= was "
		    "changed", s, e, e + 1);
	else if (s > e)
		tverify_set(r, TVERIFY_REMOVED, lineno, "seq=%llu where %llu "
		    "was expected: %llu line%s removed before this one", s, e,
		    s - e, s - e == 1 ? "" : "s");
	else
		tverify_set(r, TVERIFY_REORDERED, lineno, "seq=%llu where %llu "
		    "was expected: a line repeated, or moved back", s, e);
}

/* Line 1 names the previous file: prev_session= and prev_chain=. */
static void
check_first(struct tverify_walk *w)
{
	const struct tparse_field *ps = tparse_get(&w->p, "prev_session");
	const struct tparse_field *pc = tparse_get(&w->p, "prev_chain");
	size_t i;
	int hex = pc != NULL && pc->vlen == TLINE_CHAIN_HEX;

	for (i = 0; hex && i < pc->vlen; i++)
		hex = (pc->value[i] >= '0' && pc->value[i] <= '9') ||
		    (pc->value[i] >= 'a' && pc->value[i] <= 'f');
	if (ps == NULL || pc == NULL)
		tverify_set(w->r, TVERIFY_UNPARSEABLE, 1, "line 1 has no "
		    "prev_session= or no prev_chain=");
	else if (!hex && !tparse_is(&w->p, "prev_chain", TVERIFY_NONE))
		tverify_set(w->r, TVERIFY_UNPARSEABLE, 1, "prev_chain= is "
		    "neither none nor %d hex digits", TLINE_CHAIN_HEX);
}

/* Checks one parsed line against the chain so far; off: next line. */
static void
verify_line(struct tverify_walk *w, unsigned long long lineno, size_t off)
{
	struct tparse_line *p = &w->p;
	char chain[TLINE_CHAIN_HEX + 1];
	unsigned long long seq = p->seq;
	const struct tparse_field *f;

	if (seq != w->expect) {
		classify_seq(w, lineno, seq, w->expect, off);
		return;
	}
	if (tline_chain(w->prev_chain, p->line, p->text_len, chain) != 0) {
		tverify_set(w->r, TVERIFY_UNREADABLE, lineno, "cannot "
		    "compute SHA-256");
		return;
	}
	if (memcmp(chain, p->chain, TLINE_CHAIN_HEX) != 0) {
		tverify_set(w->r, TVERIFY_ALTERED, lineno, "chain= does not "
		    "match the text: the line was changed");
		return;
	}
	f = tparse_get(p, "session");
	if (lineno > 1 && (f->vlen != w->session1.n ||
	    memcmp(f->value, w->session1.s, f->vlen) != 0)) {
		tverify_set(w->r, TVERIFY_ALTERED, lineno, "session= is not "
		    "line 1's");
		return;
	}
	if (lineno == 1) {
		text_field(&w->session1, p, "session");
		check_first(w);
	}
	memcpy(w->prev_chain, p->chain, sizeof(w->prev_chain));
	w->expect = seq + 1;
}

static void
result_init(struct tverify_result *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->link.path = path;
}

void
tverify_buffer(const char *data, size_t len, struct tverify_result *r)
{
	struct tverify_walk *w;
	unsigned long long lineno = 0;
	char err[TPARSE_ERR_MAX];
	const char *path = r->path;

	result_init(r, path != NULL ? path : "");
	r->bytes = len;
	/* The walk holds a parsed line (22 KiB): heap, not stack, so a
	 * small thread stack (a fuzzer's) is safe too. */
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		tverify_set(r, TVERIFY_UNREADABLE, 0, "out of memory");
		return;
	}
	w->data = data;
	w->len = len;
	w->r = r;
	w->expect = 1;
	memcpy(w->prev_chain, TLINE_ZERO_CHAIN, sizeof(w->prev_chain));
	while (w->off < len) {
		const char *line = data + w->off;
		const char *nl = memchr(line, '\n', len - w->off);
		size_t n = nl != NULL ? (size_t)(nl - line) + 1 : len - w->off;

		lineno++;
		w->off += n;
		if (nl == NULL) {
			tverify_set(r, TVERIFY_TRUNCATED, lineno, "no newline "
			    "at the end: the last line is cut");
			break;
		}
		if (tparse_line(&w->p, line, n, err, sizeof(err)) != 0) {
			tverify_set(r, TVERIFY_UNPARSEABLE, lineno, "%s", err);
			continue;
		}
		summary_line(w);
		if (r->problem == TVERIFY_OK)
			verify_line(w, lineno, w->off);
	}
	r->sum.lines = lineno;
	r->link.program = r->sum.program;
	r->link.failed = tverify_problem_level(r->problem) >=
	    TVERIFY_LEVEL_FAIL;
	if (lineno == 0)
		tverify_set(r, TVERIFY_INCOMPLETE, 0, "empty: no line "
		    "written yet");
	else if (!w->complete)
		tverify_set(r, TVERIFY_INCOMPLETE, lineno, "no session.end, "
		    "assistd.stop or cli.stop: still running, or its program "
		    "was killed");
	summary_finish(w);
	free(w);
}

int
tverify_file(const char *path, size_t max_size, int nofollow,
	     struct tverify_result *r)
{
	struct stat st;
	char *data;
	size_t len;
	int fd, err = 0;

	result_init(r, path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0) {
		tverify_set(r, TVERIFY_UNREADABLE, 0, "%s", errno == ELOOP &&
		    nofollow ? "a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		tverify_set(r, TVERIFY_UNREADABLE, 0, "not a regular file");
		close(fd);
		return -1;
	}
	if ((unsigned long long)st.st_size > max_size ||
	    (data = fileio_read_fd(fd, max_size, &len, &err)) == NULL) {
		tverify_set(r, TVERIFY_UNREADABLE, 0, "%s",
		    err == 0 || err == EFBIG ? "larger than the size limit" :
		    strerror(err));
		close(fd);
		return -1;
	}
	close(fd);
	tverify_buffer(data, len, r);
	free(data);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when name is a transcript name: "*.log", not hidden. */
static int
is_log_name(const char *name)
{
	size_t n = strlen(name), s = sizeof(TVERIFY_DIR_SUFFIX) - 1;

	return name[0] != '.' && n > s &&
	    strcmp(name + n - s, TVERIFY_DIR_SUFFIX) == 0;
}

/* "dir/name" in a new string (one '/' when dir ends in one), or NULL. */
static char *
path_join(const char *dir, const char *name)
{
	size_t d = strlen(dir), n = d + 1 + strlen(name) + 1;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s%s%s", dir, d > 0 && dir[d - 1] == '/' ?
		    "" : "/", name);
	return p;
}

long
tverify_list_dir(const char *dir, size_t max, char ***paths, char *err,
		 size_t errsz)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct stat st;

	*paths = NULL;
	if (d == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char **nv;

		if (!is_log_name(e->d_name) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == max) {
			snprintf(err, errsz, "%s: more than %zu transcripts",
			    dir, max);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto nomem;
			v = nv;
		}
		if ((v[n] = path_join(dir, e->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), name_cmp);
	*paths = v;
	return (long)n;
nomem:
	snprintf(err, errsz, "%s: out of memory", dir);
fail:
	closedir(d);
	tverify_list_free(v, n);
	return -1;
}

void
tverify_list_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

static int
link_by_session(const void *a, const void *b)
{
	return strcmp((*(struct tverify_link *const *)a)->session,
	    (*(struct tverify_link *const *)b)->session);
}

/* Orders by program, host and user only: the files of one chain (for
 * finding a group's first file). */
static int
link_group_cmp(const struct tverify_link *x, const struct tverify_link *y)
{
	int c = (int)x->program - (int)y->program;

	if (c == 0)
		c = strcmp(x->host, y->host);
	return c != 0 ? c : strcmp(x->user, y->user);
}

static int
link_by_group(const void *a, const void *b)
{
	const struct tverify_link *x = *(struct tverify_link *const *)a;
	const struct tverify_link *y = *(struct tverify_link *const *)b;
	int c = link_group_cmp(x, y);

	return c != 0 ? c : strcmp(x->start, y->start);
}

/* The first of the n links sorted by session with that session, or n. */
static size_t
link_find(struct tverify_link **s, size_t n, const char *session)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s[mid]->session, session) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(s[lo]->session, session) == 0 ? lo : n;
}

/*
 * The oldest known start of l's program, host and user group in g (sorted by
 * link_by_group, so "" starts, of files whose line 1 is bad, come first
 * in a group and date nothing), or "" when none is known.
 */
static const char *
link_oldest(struct tverify_link **g, size_t n, const struct tverify_link *l)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (link_group_cmp(g[mid], l) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < n && link_group_cmp(g[lo], l) == 0 &&
	    g[lo]->start[0] == '\0')
		lo++;
	return lo < n && link_group_cmp(g[lo], l) == 0 ? g[lo]->start : "";
}

/* Checks one file's link; s: links sorted by session, g: by group. */
static void
link_check(struct tverify_link *l, struct tverify_link **s,
	   struct tverify_link **g, size_t n)
{
	size_t i, j;
	const char *oldest;

	if (l->prev_session[0] == '\0' || l->prev_chain[0] == '\0')
		return;
	i = link_find(s, n, l->prev_session);
	if (i < n) {
		for (j = i; j < n && strcmp(s[j]->session, l->prev_session)
		    == 0; j++)
			if (s[j]->failed ||
			    strcmp(s[j]->last_chain, l->prev_chain) == 0)
				return;
		snprintf(l->why, sizeof(l->why), "prev_chain= is not the last "
		    "chain of %s (session %s): that file lost its last lines, "
		    "or this line was changed", s[i]->path, l->prev_session);
		l->problem = TVERIFY_BROKEN_LINK;
		return;
	}
	/* Absent: fine for the oldest of its chain here (older files
	 * were moved away), a removed file otherwise. */
	oldest = link_oldest(g, n, l);
	if (oldest[0] != '\0' && l->start[0] != '\0' &&
	    strcmp(oldest, l->start) < 0) {
		snprintf(l->why, sizeof(l->why), "the previous session %s is "
		    "not here, but older transcripts of this program, host= "
		    "and user= are: a transcript was removed",
		    l->prev_session);
		l->problem = TVERIFY_MISSING;
	}
}

int
tverify_links(struct tverify_link **v, size_t n)
{
	struct tverify_link **s, **g;
	size_t i;

	s = calloc(n ? n : 1, sizeof(*s));
	g = calloc(n ? n : 1, sizeof(*g));
	if (s == NULL || g == NULL) {
		free(s);
		free(g);
		return -1;
	}
	for (i = 0; i < n; i++) {
		s[i] = g[i] = v[i];
		v[i]->problem = TVERIFY_OK;
		v[i]->why[0] = '\0';
	}
	qsort(s, n, sizeof(*s), link_by_session);
	qsort(g, n, sizeof(*g), link_by_group);
	for (i = 0; i < n; i++)
		link_check(v[i], s, g, n);
	free(s);
	free(g);
	return 0;
}

const char *
tverify_problem_name(enum tverify_problem p)
{
	switch (p) {
	case TVERIFY_OK:		return "none";
	case TVERIFY_INCOMPLETE:	return "incomplete";
	case TVERIFY_ALTERED:		return "altered";
	case TVERIFY_REMOVED:		return "removed";
	case TVERIFY_REORDERED:		return "reordered";
	case TVERIFY_UNPARSEABLE:	return "unparseable";
	case TVERIFY_TRUNCATED:		return "truncated";
	case TVERIFY_BROKEN_LINK:	return "broken_link";
	case TVERIFY_MISSING:		return "missing";
	case TVERIFY_UNREADABLE:	return "unreadable";
	}
	return "unknown";
}

enum tverify_level
tverify_problem_level(enum tverify_problem p)
{
	switch (p) {
	case TVERIFY_OK:
		return TVERIFY_LEVEL_OK;
	case TVERIFY_INCOMPLETE:
		return TVERIFY_LEVEL_WARN;
	case TVERIFY_UNREADABLE:
		return TVERIFY_LEVEL_ERROR;
	default:
		return TVERIFY_LEVEL_FAIL;
	}
}

void
tverify_summary_fields(const struct tverify_summary *s, struct tline *l)
{
	char dur[32];
	long long ms = s->duration_ms;

	/* Negative when the clock was set back during the session. */
	snprintf(dur, sizeof(dur), "%s%lld.%03llds", ms < 0 ? "-" : "",
	    (ms < 0 ? -ms : ms) / 1000, (ms < 0 ? -ms : ms) % 1000);
	tline_add_n(l, "session", s->session.s, s->session.n);
	tline_add_n(l, "helper", s->helper.s, s->helper.n);
	tline_add_n(l, "workstation", s->workstation.s, s->workstation.n);
	tline_add_n(l, "user", s->user.s, s->user.n);
	tline_add(l, "start", s->start[0] != '\0' ? s->start : "-");
	tline_add(l, "duration", dur);
	tline_add_n(l, "mode", s->mode.s, s->mode.n);
	tline_add_n(l, "end", s->end.s, s->end.n);
	if (s->status.n > 0)
		tline_add_n(l, "status", s->status.s, s->status.n);
	tline_add(l, "program", s->program == TVERIFY_PROG_CLI ?
	    "assist-cli" : "assistd");
	tline_add_u64(l, "lines", s->lines);
}
