/*
 * transcript: the session transcript writer; see transcript.h and
 * assist-transcript(5).
 *
 * Files are created with openat() on a directory fd checked first, with
 * O_EXCL|O_NOFOLLOW, so neither a symlink nor an existing file can take
 * a line. Every line is one write(2) per file in O_APPEND mode; the size
 * of the file before it is kept, and any failure (short write, ENOSPC,
 * EFBIG, EIO) cuts every file back to that size: a file only ever holds
 * whole lines. RLIMIT_FSIZE would kill us with SIGXFSZ instead of failing
 * the write, so transcript_open ignores that signal (process-wide).
 */
#define _GNU_SOURCE		/* mkostemp */
#include "common/transcript.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/syslogc.h"

#define TRANSCRIPT_ERR_MAX	512	/* transcript_error() text */
#define TRANSCRIPT_SHOWN	256	/* bytes of a path quoted in messages */
#define TRANSCRIPT_NAME_MAX	64	/* "YYYYMMDDTHHMMSSZ-SESSION.log" */
#define TRANSCRIPT_STATE_MAX	256	/* bytes of a state file read */
#define TRANSCRIPT_NONE		"none"	/* prev_* when not known */
#define TRANSCRIPT_DIR_MODE	0700
#define TRANSCRIPT_FILE_MODE	0600

/* One file a line goes to. */
struct tfile {
	int fd;			/* -1: not used */
	off_t size;		/* bytes of whole lines written */
	char path[PATH_MAX];
	char shown[TRANSCRIPT_SHOWN];	/* escaped path, for messages */
};

struct transcript {
	const char *host, *user, *state_file;
	char session[TRANSCRIPT_SESSION_HEX + 1];
	char prev_session[TRANSCRIPT_SESSION_HEX + 1];	/* or "none" */
	char prev_chain[TLINE_CHAIN_HEX + 1];		/* or "none" */
	char chain[TLINE_CHAIN_HEX + 1];	/* of the last line written */
	unsigned long long seq;			/* lines written */
	struct tfile files[2];			/* user's, drop copy */
	struct syslogc *slog;
	bool failed;
	char err[TRANSCRIPT_ERR_MAX];
};

static long long
transcript_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static int
transcript_new_id(char *out, char *err, size_t errsz)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[TRANSCRIPT_SESSION_HEX / 2];
	size_t got = 0, i;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errsz, "transcript session id: "
			    "getrandom: %s", strerror(errno));
			return -1;
		}
		got += (size_t)n;
	}
	for (i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[TRANSCRIPT_SESSION_HEX] = '\0';
	return 0;
}

/*
 * mkdir -p dir with mode 0700 for what is created. The final directory
 * is checked by transcript_check_dir, so a component that exists already
 * is left as it is here.
 */
static int
transcript_mkdirs(const char *dir, const char *shown, char *err,
		  size_t errsz)
{
	char p[PATH_MAX];
	size_t n = strlen(dir), i;

	if (n == 0 || n >= sizeof(p)) {
		snprintf(err, errsz, "transcript directory %s: path empty or "
		    "too long", shown);
		return -1;
	}
	memcpy(p, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		if (p[i - 1] == '/')
			continue;	/* "//" */
		p[i] = '\0';
		if (mkdir(p, TRANSCRIPT_DIR_MODE) != 0 && errno != EEXIST) {
			char ps[TRANSCRIPT_SHOWN];

			snprintf(err, errsz, "transcript directory %s: cannot "
			    "create %s: %s", shown,
			    log_sanitize_str(ps, sizeof(ps), p),
			    strerror(errno));
			return -1;
		}
		if (i < n)
			p[i] = '/';
	}
	return 0;
}

/*
 * Opens dir and checks it: the user's own (ours) must belong to us and
 * not be writable by group or others; the administrator's drop directory
 * may be writable by others only with the sticky bit (mode 1733: users
 * add files but cannot remove or rename each other's). The fd, or -1
 * with err.
 */
static int
transcript_open_dir(const char *dir, const char *shown, bool ours,
		    char *err, size_t errsz)
{
	const char *what = ours ? "transcript directory" :
	    "transcript drop directory";
	struct stat st;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "%s %s: %s", what, shown,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s %s: %s", what, shown,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (ours && st.st_uid != geteuid()) {
		snprintf(err, errsz, "%s %s: owned by another account (uid "
		    "%u), not by you", what, shown, (unsigned)st.st_uid);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 022) != 0 && (ours || !(st.st_mode & S_ISVTX))) {
		snprintf(err, errsz, "%s %s: writable by group or others "
		    "(mode %04o)%s", what, shown,
		    (unsigned)(st.st_mode & 07777), ours ?
		    "; chmod go-w it" : " without the sticky bit");
		close(fd);
		return -1;
	}
	return fd;
}

/* Creates name in dir as f. ours: dir is the user's (created, checked);
 * else the administrator's drop directory (must exist). */
static int
transcript_create(struct tfile *f, const char *dir, const char *name,
		  bool ours, char *err, size_t errsz)
{
	char dshown[TRANSCRIPT_SHOWN];
	int dfd, n;

	log_sanitize_str(dshown, sizeof(dshown), dir);
	if (ours && transcript_mkdirs(dir, dshown, err, errsz) != 0)
		return -1;
	if ((dfd = transcript_open_dir(dir, dshown, ours, err, errsz)) < 0)
		return -1;
	n = snprintf(f->path, sizeof(f->path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(f->path)) {
		snprintf(err, errsz, "transcript directory %s: path too long",
		    dshown);
		close(dfd);
		return -1;
	}
	log_sanitize_str(f->shown, sizeof(f->shown), f->path);
	f->fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC | O_APPEND | O_NOCTTY, TRANSCRIPT_FILE_MODE);
	if (f->fd < 0) {
		snprintf(err, errsz, "cannot create transcript %s: %s",
		    f->shown, strerror(errno));
		close(dfd);
		return -1;
	}
	/* The new name must survive a crash as much as the lines in it. */
	(void)fsync(dfd);
	close(dfd);
	f->size = 0;
	return 0;
}

/* Reads "SESSION CHAIN\n" from the state file into t->prev_*; anything
 * else leaves them "none" (a missing file silently: the first session). */
static void
transcript_read_state(struct transcript *t)
{
	char shown[TRANSCRIPT_SHOWN];
	const char *why = NULL;
	struct stat st;
	size_t len = 0;
	char *text = NULL;
	int fd, e = 0;

	snprintf(t->prev_session, sizeof(t->prev_session), TRANSCRIPT_NONE);
	snprintf(t->prev_chain, sizeof(t->prev_chain), TRANSCRIPT_NONE);
	if (t->state_file == NULL)
		return;
	log_sanitize_str(shown, sizeof(shown), t->state_file);
	fd = open(t->state_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			log_info("warning: transcript state %s: %s; the "
			    "previous session is not named", shown,
			    strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if ((text = fileio_read_fd(fd, TRANSCRIPT_STATE_MAX, &len,
	    &e)) == NULL)
		why = strerror(e);
	else if (len != TRANSCRIPT_SESSION_HEX + 1 + TLINE_CHAIN_HEX + 1 ||
	    !is_hex(text, TRANSCRIPT_SESSION_HEX) ||
	    text[TRANSCRIPT_SESSION_HEX] != ' ' ||
	    !is_hex(text + TRANSCRIPT_SESSION_HEX + 1, TLINE_CHAIN_HEX) ||
	    text[len - 1] != '\n')
		why = "not \"SESSION CHAIN\"";
	close(fd);
	if (why != NULL) {
		log_info("warning: transcript state %s: %s; the previous "
		    "session is not named", shown, why);
		free(text);
		return;
	}
	memcpy(t->prev_session, text, TRANSCRIPT_SESSION_HEX);
	t->prev_session[TRANSCRIPT_SESSION_HEX] = '\0';
	memcpy(t->prev_chain, text + TRANSCRIPT_SESSION_HEX + 1,
	    TLINE_CHAIN_HEX);
	t->prev_chain[TLINE_CHAIN_HEX] = '\0';
	free(text);
}

/* Writes "SESSION CHAIN\n" through a temporary file and rename(2). */
static int
transcript_write_state(const struct transcript *t)
{
	char tmp[PATH_MAX], line[TRANSCRIPT_SESSION_HEX + TLINE_CHAIN_HEX + 3];
	char shown[TRANSCRIPT_SHOWN];
	int fd, n, len;

	log_sanitize_str(shown, sizeof(shown), t->state_file);
	n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", t->state_file);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		log_error("transcript state %s: path too long", shown);
		return -1;
	}
	len = snprintf(line, sizeof(line), "%s %s\n", t->session, t->chain);
	/* mkostemp creates the file 0600, O_EXCL. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		log_error("transcript state %s: cannot create a temporary "
		    "file: %s", shown, strerror(errno));
		return -1;
	}
	if (fileio_write_all(fd, line, (size_t)len) != 0 || fsync(fd) != 0) {
		log_error("transcript state %s: cannot write: %s", shown,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, t->state_file) != 0) {
		log_error("transcript state %s: cannot rename: %s", shown,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
transcript_free(struct transcript *t)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (t->files[i].fd >= 0)
			close(t->files[i].fd);
	syslogc_close(t->slog);
	free(t);
}

/* The file name of a session started now: "YYYYMMDDTHHMMSSZ-ID.log". */
static void
transcript_name(const char *session, char *out, size_t outsz)
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(out, outsz, "%04d%02d%02dT%02d%02d%02dZ-%s.log",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, session);
}

struct transcript *
transcript_open(const struct transcript_config *c, char *err, size_t errsz)
{
	char name[TRANSCRIPT_NAME_MAX];
	struct transcript *t;

	if (c->dir == NULL || c->host == NULL || c->user == NULL ||
	    (c->syslog_path != NULL && c->ident == NULL)) {
		snprintf(err, errsz, "transcript: bad configuration");
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errsz, "transcript: out of memory");
		return NULL;
	}
	t->host = c->host;
	t->user = c->user;
	t->state_file = c->state_file;
	t->files[0].fd = t->files[1].fd = -1;
	memcpy(t->chain, TLINE_ZERO_CHAIN, sizeof(t->chain));
	/* A file size limit must fail the write (EFBIG), not kill us. */
	signal(SIGXFSZ, SIG_IGN);
	if (transcript_new_id(t->session, err, errsz) != 0)
		goto fail;
	transcript_name(t->session, name, sizeof(name));
	if (transcript_create(&t->files[0], c->dir, name, true, err,
	    errsz) != 0)
		goto fail;
	if (c->drop_dir != NULL && transcript_create(&t->files[1],
	    c->drop_dir, name, false, err, errsz) != 0) {
		/* Nothing was written: no empty file is left behind. */
		(void)unlink(t->files[0].path);
		goto fail;
	}
	transcript_read_state(t);
	if (c->syslog_path != NULL &&
	    (t->slog = syslogc_open(c->syslog_path, c->ident, err,
	    errsz)) == NULL) {
		(void)unlink(t->files[0].path);
		if (t->files[1].fd >= 0)
			(void)unlink(t->files[1].path);
		goto fail;
	}
	return t;
fail:
	transcript_free(t);
	return NULL;
}

const char *
transcript_session(const struct transcript *t)
{
	return t->session;
}

const char *
transcript_path(const struct transcript *t)
{
	return t->files[0].path;
}

void
transcript_line(struct transcript *t, struct tline *l, const char *event)
{
	tline_begin(l, transcript_now_ms(), t->session, t->host, t->user,
	    event, t->seq + 1);
	if (t->seq == 0) {
		tline_add(l, "prev_session", t->prev_session);
		tline_add(l, "prev_chain", t->prev_chain);
	}
}

/* Fails the transcript for good with "what PATH: strerror(e)". */
static void
transcript_fail(struct transcript *t, const struct tfile *f,
		const char *what, int e)
{
	t->failed = true;
	if (f != NULL)
		snprintf(t->err, sizeof(t->err), "transcript %s: %s: %s",
		    f->shown, what, strerror(e));
	else
		snprintf(t->err, sizeof(t->err), "transcript %s: %s",
		    t->files[0].shown, what);
}

/* Cuts every file back to its last whole line (where this fails, too,
 * the verifier will show the torn last line). */
static void
transcript_cut_back(struct transcript *t)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (t->files[i].fd >= 0 &&
		    ftruncate(t->files[i].fd, t->files[i].size) != 0)
			log_error("transcript %s: cannot cut back to its "
			    "last whole line: %s", t->files[i].shown,
			    strerror(errno));
}

int
transcript_commit(struct transcript *t, struct tline *l, int sync)
{
	char chain[TLINE_CHAIN_HEX + 1];
	size_t i;

	if (t->failed)
		return -1;
	if (tline_finish(l, t->chain, chain) != 0) {
		transcript_fail(t, NULL, "a line could not be built", 0);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		struct tfile *f = &t->files[i];

		if (f->fd >= 0 && fileio_write_all(f->fd, l->buf, l->len) != 0) {
			int e = errno;

			transcript_cut_back(t);
			transcript_fail(t, f, "cannot write", e);
			return -1;
		}
	}
	for (i = 0; i < 2; i++)
		if (t->files[i].fd >= 0)
			t->files[i].size += (off_t)l->len;
	memcpy(t->chain, chain, sizeof(t->chain));
	t->seq++;
	if (t->slog != NULL)
		(void)syslogc_send(t->slog, l->buf, l->len);
	if (sync == TRANSCRIPT_SYNC) {
		for (i = 0; i < 2; i++) {
			struct tfile *f = &t->files[i];

			if (f->fd >= 0 && fsync(f->fd) != 0) {
				transcript_fail(t, f, "cannot sync", errno);
				return -1;
			}
		}
	}
	return 0;
}

const char *
transcript_error(const struct transcript *t)
{
	return t->err;
}

int
transcript_failed(const struct transcript *t)
{
	return t->failed ? 1 : 0;
}

int
transcript_close(struct transcript *t)
{
	int r = 0;
	size_t i;

	if (t == NULL)
		return 0;
	for (i = 0; i < 2; i++) {
		struct tfile *f = &t->files[i];

		if (f->fd >= 0 && fsync(f->fd) != 0) {
			log_error("transcript %s: cannot sync: %s", f->shown,
			    strerror(errno));
			r = -1;
		}
	}
	if (t->state_file != NULL && t->seq > 0 &&
	    transcript_write_state(t) != 0)
		r = -1;
	transcript_free(t);
	return r;
}
