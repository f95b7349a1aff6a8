/*
 * tverify: checks whole transcripts (format: tline.h, assist-transcript(5))
 * and summarises their sessions, for assist-audit. A transcript verifies
 * when every line parses (tparse.h), seq runs 1, 2, 3..., session= is the
 * same on every line, each chain= is SHA-256 of the previous line's chain
 * (64 '0' before line 1) and this line's text, and the file ends with a
 * newline. The FIRST problem is reported, with its line number and kind.
 * Files also chain to each other: a file's line 1 names the session and
 * last chain of the one before (prev_session=, prev_chain=), which
 * tverify_links checks across a set of files.
 */
#ifndef ASSIST_TVERIFY_H
#define ASSIST_TVERIFY_H

#include <stddef.h>
#include "common/tline.h"
#include "common/tparse.h"

#define TVERIFY_WHY_MAX		256	/* one-line reason, NUL included */
#define TVERIFY_ID_MAX		64	/* session, host, user kept for links */
#define TVERIFY_TEXT_MAX	(TPARSE_MAX_VALUE + 1)	/* summary values */
#define TVERIFY_DIR_SUFFIX	".log"	/* what a directory's files end in */

enum tverify_problem {
	TVERIFY_OK = 0,
	TVERIFY_INCOMPLETE,	/* verifies, but no end event (or no line):
				 * still running, or killed; not tampering */
	TVERIFY_ALTERED,	/* chain mismatch with seq in order, or a
				 * changed seq= or session= */
	TVERIFY_REMOVED,	/* seq jumps forward: lines missing */
	TVERIFY_REORDERED,	/* seq goes back or repeats, or the expected
				 * seq comes later in the file */
	TVERIFY_UNPARSEABLE,	/* not a line tline could have written */
	TVERIFY_TRUNCATED,	/* the last line has no newline */
	TVERIFY_BROKEN_LINK,	/* prev_chain= is not the last chain of the
				 * prev_session= file given */
	TVERIFY_MISSING,	/* the prev_session= file is absent while
				 * older files of the same program, host
				 * and user are present: a file was
				 * removed */
	TVERIFY_UNREADABLE,	/* could not be read (or too big) */
};

/* How bad a problem is, for exit codes: warn is not tampering. */
enum tverify_level {
	TVERIFY_LEVEL_OK = 0,
	TVERIFY_LEVEL_WARN,	/* incomplete */
	TVERIFY_LEVEL_FAIL,	/* the file is not what its writer wrote */
	TVERIFY_LEVEL_ERROR,	/* the file could not be checked */
};

/* A summary value: unescaped bytes (may hold NUL), NUL after them. */
struct tverify_text {
	char s[TVERIFY_TEXT_MAX];
	size_t n;
};

enum tverify_program {
	TVERIFY_PROG_ASSISTD = 0,
	TVERIFY_PROG_CLI,	/* has a cli.start or cli.stop line */
};

/*
 * What links files: raw (as written, so never holding NUL) values of
 * line 1, cut to TVERIFY_ID_MAX (a longer value links nothing: "").
 * tverify_links fills problem and why.
 */
struct tverify_link {
	const char *path;			/* borrowed, for messages */
	char session[TVERIFY_ID_MAX + 1];
	char host[TVERIFY_ID_MAX + 1];
	char user[TVERIFY_ID_MAX + 1];
	char prev_session[TVERIFY_ID_MAX + 1];	/* "" when none */
	char prev_chain[TLINE_CHAIN_HEX + 1];	/* "" when none */
	char last_chain[TLINE_CHAIN_HEX + 1];	/* of the last whole line */
	char start[TLINE_TIME_LEN + 1];		/* "" when line 1 is bad */
	enum tverify_program program;	/* assistd and assist-cli keep
					 * chains of their own */
	int failed;		/* the file itself failed verification */
	enum tverify_problem problem;		/* OK, BROKEN_LINK, MISSING */
	char why[TVERIFY_WHY_MAX];
};

/* One session (file), from its events (see assist-audit(1)). */
struct tverify_summary {
	enum tverify_program program;
	struct tverify_text session;
	struct tverify_text helper;	/* "-" when none */
	struct tverify_text workstation;
	struct tverify_text user;
	struct tverify_text mode;	/* "-" when none */
	struct tverify_text end;	/* "incomplete" when none */
	struct tverify_text status;	/* of assistd.stop/cli.stop, or "" */
	char start[TLINE_TIME_LEN + 1];	/* "" when no line parsed */
	long long duration_ms;
	unsigned long long lines;	/* lines read, whole or not */
};

/* The outcome for one file: its first problem and its summary (built
 * from every line that parses, also after the problem). About 8 KiB. */
struct tverify_result {
	const char *path;		/* borrowed; "" for a buffer */
	enum tverify_problem problem;
	unsigned long long line;	/* of the problem; 0: the file */
	char why[TVERIFY_WHY_MAX];	/* one line, no file name */
	size_t bytes;
	struct tverify_summary sum;
	struct tverify_link link;
};

/* Verifies the len bytes at data as one transcript into r. */
void tverify_buffer(const char *data, size_t len, struct tverify_result *r);

enum { TVERIFY_FOLLOW = 0, TVERIFY_NOFOLLOW = 1 };

/*
 * Reads path (a regular file of at most max_size bytes; with
 * TVERIFY_NOFOLLOW not through a symbolic link; never blocking on a FIFO)
 * and verifies it into r (r->path = path, borrowed). Returns 0 when it
 * was read (r says how it verified), -1 when it could not be read:
 * r->problem is then TVERIFY_UNREADABLE with the reason in r->why.
 */
int tverify_file(const char *path, size_t max_size, int nofollow,
		 struct tverify_result *r);

/*
 * Lists the regular files DIR/NAME with NAME ending in ".log" and not
 * starting with '.', sorted by name, as new "DIR/NAME" strings in *paths
 * (caller frees with tverify_list_free). At most max files. Returns the
 * count, or -1 with "DIR: reason" in err.
 */
long tverify_list_dir(const char *dir, size_t max, char ***paths, char *err,
		      size_t errsz);
void tverify_list_free(char **paths, size_t n);

/*
 * Checks the links between the n files of v (any order): for each file
 * whose prev_session= names a file in v, prev_chain= must be that file's
 * last chain (BROKEN_LINK, unless that file failed itself); a file whose
 * prev_session= is absent while an older file of the same program,
 * host= and user= is present is MISSING its predecessor. Sets v[i]->problem/why.
 * Returns 0, or -1 when out of memory (nothing checked).
 */
int tverify_links(struct tverify_link **v, size_t n);

/* "altered", "removed", ... of a problem, and its level. */
const char *tverify_problem_name(enum tverify_problem p);
enum tverify_level tverify_problem_level(enum tverify_problem p);

/*
 * Appends the summary fields "session= helper= workstation= user= start=
 * duration= mode= end= [status=] program= lines=" to l (whose buf and len
 * the caller set up), escaped like transcript values.
 */
void tverify_summary_fields(const struct tverify_summary *s,
			    struct tline *l);

#endif
