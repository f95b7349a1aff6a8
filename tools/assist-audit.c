/*
 * assist-audit: the administrator's check of session transcripts (R12).
 * Verifies each file's hash chain (common/tverify.h) and the links
 * between files, and prints one grep-able line per session, sorted by
 * start time:
 *   ok   file=F session=S helper=H workstation=W user=U start=T ...
 *   WARN file=F line=N problem=incomplete session=S ...
 *   FAIL file=F line=N problem=altered session=S ...
 *   ERROR file=F problem=unreadable
 * with a one-line "F:N: problem: why" on stderr for each that is not ok.
 * Exit status: AUDIT_EXIT_* below, documented in assist-audit(1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/tline.h"
#include "common/tverify.h"

#define AUDIT_MAX_FILE_SIZE	(64u << 20)	/* bytes of one transcript */
#define AUDIT_MAX_FILES		50000	/* transcripts in one run */
#define AUDIT_MSG_MAX		1024	/* a sanitised path or reason */

enum audit_exit {
	AUDIT_EXIT_OK = 0,		/* every file verified, all complete */
	AUDIT_EXIT_FAIL = 1,		/* some file failed verification */
	AUDIT_EXIT_INCOMPLETE = 2,	/* none failed; a session unfinished */
	AUDIT_EXIT_UNREADABLE = 3,	/* none failed; something unreadable */
	AUDIT_EXIT_USAGE = 64,
};

/* What is kept of one file until everything is sorted and linked. */
struct audit_rec {
	char *path;
	char *fields;		/* escaped summary fields, " key=value..." */
	size_t fields_len;
	enum tverify_problem problem;
	unsigned long long line;
	char why[TVERIFY_WHY_MAX];
	struct tverify_link link;
};

struct audit {
	int quiet, verbose;
	struct audit_rec *rec;
	size_t n, cap;
	struct tverify_result *r;	/* one, reused: 8 KiB */
	unsigned long long bytes;
	int too_many;
	struct tline l;			/* for escaping output: 8 KiB */
};

static void
audit_usage(FILE *f)
{
	fprintf(f,
	    "usage: assist-audit [-q] [-v] PATH...\n"
	    "  PATH      a transcript, or a directory: its *.log files\n"
	    "  -q        print only the sessions that are not ok\n"
	    "  -v        also tell on stderr what was read, and how fast\n"
	    "  --help    this text\n"
	    "  --version the version of assist-audit\n"
	    "Exit status: 0 all verified, 1 some file failed verification,\n"
	    "2 no failure but a session is incomplete, 3 no failure but a\n"
	    "file could not be read, 64 usage. See assist-audit(1).\n");
}

static int
audit_add(struct audit *a, const char *path, struct audit_rec **out)
{
	struct audit_rec *nr;

	if (a->n == AUDIT_MAX_FILES) {
		if (!a->too_many)
			log_error("more than %d transcripts: name fewer at "
			    "once", AUDIT_MAX_FILES);
		a->too_many = 1;
		return -1;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;

		if ((nr = realloc(a->rec, cap * sizeof(*nr))) == NULL)
			return -1;
		a->rec = nr;
		a->cap = cap;
	}
	nr = &a->rec[a->n];
	memset(nr, 0, sizeof(*nr));
	if ((nr->path = strdup(path)) == NULL)
		return -1;
	a->n++;
	*out = nr;
	return 0;
}

/* The summary fields of r, escaped, into rec (heap). */
static int
audit_fields(struct audit *a, struct audit_rec *rec)
{
	struct tline *l = &a->l;
	char more[32] = "";
	size_t n;

	memset(l, 0, sizeof(*l));
	tverify_summary_fields(&a->r->sum, l);
	if (l->dropped > 0)
		snprintf(more, sizeof(more), " dropped=%u", l->dropped);
	n = l->len + strlen(more);
	if ((rec->fields = malloc(n + 1)) == NULL)
		return -1;
	memcpy(rec->fields, l->buf, l->len);
	memcpy(rec->fields + l->len, more, strlen(more) + 1);
	rec->fields_len = n;
	return 0;
}

/* Verifies one file (nofollow for a directory's entries). */
static int
audit_file(struct audit *a, const char *path, int nofollow)
{
	struct audit_rec *rec;
	long long t0 = clock_now_ms();
	char safe[AUDIT_MSG_MAX];

	if (audit_add(a, path, &rec) != 0)
		return -1;
	tverify_file(rec->path, AUDIT_MAX_FILE_SIZE, nofollow, a->r);
	rec->problem = a->r->problem;
	rec->line = a->r->line;
	memcpy(rec->why, a->r->why, sizeof(rec->why));
	rec->link = a->r->link;
	rec->link.path = rec->path;
	a->bytes += a->r->bytes;
	if (a->verbose)
		log_info("%s: %llu lines, %zu bytes, read and checked in %lld "
		    "ms", log_sanitize_str(safe, sizeof(safe), path),
		    a->r->sum.lines, a->r->bytes, clock_now_ms() - t0);
	if (rec->problem == TVERIFY_UNREADABLE && a->r->bytes == 0)
		return 0;	/* no summary to keep */
	return audit_fields(a, rec);
}

static int
audit_path(struct audit *a, const char *path)
{
	struct stat st;
	char **paths = NULL, err[AUDIT_MSG_MAX + 64];
	long n, i;
	struct audit_rec *rec;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return audit_file(a, path, TVERIFY_FOLLOW);
	n = tverify_list_dir(path, AUDIT_MAX_FILES - a->n, &paths, err,
	    sizeof(err));
	if (n < 0) {
		if (audit_add(a, path, &rec) != 0)
			return -1;
		rec->problem = TVERIFY_UNREADABLE;
		/* The reason without "DIR: ", which is file= already. */
		snprintf(rec->why, sizeof(rec->why), "%.200s",
		    strncmp(err, path, strlen(path)) == 0 ?
		    err + strlen(path) + 2 : err);
		return 0;
	}
	if (n == 0 && a->verbose)
		log_info("%s: no *.log file", log_sanitize_str(err,
		    sizeof(err), path));
	for (i = 0; i < n; i++)
		if (audit_file(a, paths[i], TVERIFY_NOFOLLOW) != 0)
			break;
	tverify_list_free(paths, (size_t)n);
	return i == n ? 0 : -1;
}

/* Sorted by first-line time; files with none last; then by path. */
static int
audit_cmp(const void *x, const void *y)
{
	const struct audit_rec *a = x, *b = y;
	int c;

	if ((a->link.start[0] == '\0') != (b->link.start[0] == '\0'))
		return a->link.start[0] == '\0' ? 1 : -1;
	c = strcmp(a->link.start, b->link.start);
	return c != 0 ? c : strcmp(a->path, b->path);
}

/* Link problems count where the file itself was fine or incomplete. */
static int
audit_links(struct audit *a)
{
	struct tverify_link **v = calloc(a->n ? a->n : 1, sizeof(*v));
	size_t i;

	if (v == NULL)
		return -1;
	for (i = 0; i < a->n; i++)
		v[i] = &a->rec[i].link;
	if (tverify_links(v, a->n) != 0) {
		free(v);
		return -1;
	}
	free(v);
	for (i = 0; i < a->n; i++) {
		struct audit_rec *r = &a->rec[i];

		if (r->link.problem == TVERIFY_OK ||
		    tverify_problem_level(r->problem) >= TVERIFY_LEVEL_FAIL)
			continue;
		r->problem = r->link.problem;
		r->line = 1;
		memcpy(r->why, r->link.why, sizeof(r->why));
	}
	return 0;
}

static const char *
audit_word(enum tverify_level lv)
{
	switch (lv) {
	case TVERIFY_LEVEL_OK:		return "ok";
	case TVERIFY_LEVEL_WARN:	return "WARN";
	case TVERIFY_LEVEL_FAIL:	return "FAIL";
	default:			return "ERROR";
	}
}

static void
audit_print(struct audit *a, const struct audit_rec *r)
{
	struct tline *l = &a->l;
	enum tverify_level lv = tverify_problem_level(r->problem);
	char safe[AUDIT_MSG_MAX], why[TVERIFY_WHY_MAX * 2];

	if (lv != TVERIFY_LEVEL_OK) {
		log_sanitize_str(why, sizeof(why), r->why);
		if (r->line > 0)
			log_error("%s:%llu: %s: %s", log_sanitize_str(safe,
			    sizeof(safe), r->path), r->line,
			    tverify_problem_name(r->problem), why);
		else
			log_error("%s: %s: %s", log_sanitize_str(safe,
			    sizeof(safe), r->path),
			    tverify_problem_name(r->problem), why);
	} else if (a->quiet) {
		return;
	}
	memset(l, 0, sizeof(*l));
	tline_add(l, "file", r->path);
	if (lv != TVERIFY_LEVEL_OK) {
		if (r->line > 0)
			tline_add_u64(l, "line", r->line);
		tline_add(l, "problem", tverify_problem_name(r->problem));
	}
	printf("%s%.*s%.*s\n", audit_word(lv), (int)l->len, l->buf,
	    (int)r->fields_len, r->fields != NULL ? r->fields : "");
}

/* The exit status for all files: a failure outranks an unreadable
 * file, which outranks an incomplete session. */
static int
audit_status(const struct audit *a)
{
	int fail = 0, error = a->too_many, warn = 0;
	size_t i;

	for (i = 0; i < a->n; i++) {
		switch (tverify_problem_level(a->rec[i].problem)) {
		case TVERIFY_LEVEL_FAIL:	fail = 1; break;
		case TVERIFY_LEVEL_ERROR:	error = 1; break;
		case TVERIFY_LEVEL_WARN:	warn = 1; break;
		default:			break;
		}
	}
	if (fail)
		return AUDIT_EXIT_FAIL;
	if (error)
		return AUDIT_EXIT_UNREADABLE;
	return warn ? AUDIT_EXIT_INCOMPLETE : AUDIT_EXIT_OK;
}

/* Options; returns the index of the first PATH, or -1 (usage), or 0
 * when --help/--version was answered. */
static int
audit_args(struct audit *a, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		const char *o = argv[i] + 1;

		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (strcmp(argv[i], "--help") == 0) {
			audit_usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("assist-audit %s\n", ASSIST_VERSION);
			return 0;
		}
		for (; *o != '\0'; o++) {
			if (*o == 'q')
				a->quiet = 1;
			else if (*o == 'v')
				a->verbose = 1;
			else {
				char safe[64];

				log_error("unknown option %s",
				    log_sanitize_str(safe, sizeof(safe),
				    argv[i]));
				return -1;
			}
		}
	}
	if (i == argc)
		log_error("name at least one transcript or directory");
	return i < argc ? i : -1;
}

int
main(int argc, char **argv)
{
	struct audit a;
	long long t0;
	size_t i;
	int first, rc;

	log_init("assist-audit", LOG_LVL_INFO);
	memset(&a, 0, sizeof(a));
	if ((first = audit_args(&a, argc, argv)) <= 0) {
		if (first < 0)
			audit_usage(stderr);
		return first < 0 ? AUDIT_EXIT_USAGE : AUDIT_EXIT_OK;
	}
	if ((a.r = malloc(sizeof(*a.r))) == NULL) {
		log_error("out of memory");
		return AUDIT_EXIT_UNREADABLE;
	}
	t0 = clock_now_ms();
	for (; first < argc; first++)
		if (audit_path(&a, argv[first]) != 0 && !a.too_many) {
			log_error("out of memory");
			return AUDIT_EXIT_UNREADABLE;
		}
	if (audit_links(&a) != 0) {
		log_error("out of memory");
		return AUDIT_EXIT_UNREADABLE;
	}
	qsort(a.rec, a.n, sizeof(*a.rec), audit_cmp);
	for (i = 0; i < a.n; i++)
		audit_print(&a, &a.rec[i]);
	if (a.verbose) {
		long long ms = clock_now_ms() - t0;

		log_info("%zu files, %llu bytes in %lld ms (%.1f MB/s)", a.n,
		    a.bytes, ms, ms > 0 ? (double)a.bytes / 1e3 / (double)ms :
		    0.0);
	}
	rc = audit_status(&a);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("writing the summary: %s", strerror(errno));
		rc = AUDIT_EXIT_UNREADABLE;
	}
	for (i = 0; i < a.n; i++) {
		free(a.rec[i].path);
		free(a.rec[i].fields);
	}
	free(a.rec);
	free(a.r);
	return rc;
}
