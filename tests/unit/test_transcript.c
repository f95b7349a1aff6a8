/*
 * Unit tests: common/transcript.c (the session transcript writer) and
 * common/syslogc.c, with real files in a mkdtemp directory and a real
 * datagram socket the test binds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/clock.h"
#include "common/fileio.h"
#include "common/syslogc.h"
#include "common/tline.h"
#include "common/transcript.h"

#define NOBODY_UID	65534
#define NOBODY_GID	65534

static char top[PATH_MAX];	/* this test run's mkdtemp directory */
static char err[1024];

static int
setup_top(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/test_transcript.XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	return 0;
}

static int
teardown_top(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

/* top/NAME into out. */
static void
sub(char *out, size_t outsz, const char *name)
{
	int n = snprintf(out, outsz, "%s/%s", top, name);

	assert_true(n > 0 && (size_t)n < outsz);
}

static char *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;
	char *p;

	assert_true(fd >= 0);
	p = fileio_read_fd(fd, 1 << 20, len, &e);
	close(fd);
	assert_non_null(p);
	return p;
}

/* The one file in dir (its path into out); fails unless exactly one. */
static void
only_file(const char *dir, char *out, size_t outsz)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(out, outsz, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 1);
}

static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The value of " key=" in line (bare values only) into out. */
static int
field(const char *line, size_t len, const char *key, char *out,
      size_t outsz)
{
	char pat[64];
	const char *p, *end = line + len;
	size_t n = 0;

	snprintf(pat, sizeof(pat), " %s=", key);
	for (p = line; p < end; p++)
		if ((size_t)(end - p) >= strlen(pat) &&
		    memcmp(p, pat, strlen(pat)) == 0)
			break;
	if (p >= end)
		return -1;
	p += strlen(pat);
	while (p + n < end && p[n] != ' ' && p[n] != '\n' && n + 1 < outsz)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/*
 * Checks a whole file: only whole lines, seq 1.., each chain recomputed
 * from the one before. Returns the number of lines; the last chain and
 * the session in last/session when not NULL.
 */
static int
verify_file(const char *path, char *last, char *session)
{
	char prev[TLINE_CHAIN_HEX + 1] = TLINE_ZERO_CHAIN, want[80], v[80];
	char calc[TLINE_CHAIN_HEX + 1];
	size_t len, off = 0;
	char *text = slurp(path, &len);
	int n = 0;

	assert_true(len == 0 || text[len - 1] == '\n');
	while (off < len) {
		char *line = text + off, *nl = memchr(line, '\n', len - off);
		size_t ll = (size_t)(nl - line);
		char *ch;

		assert_non_null(nl);
		*nl = '\0';
		ch = strstr(line, " chain=");
		assert_non_null(ch);
		assert_int_equal(strlen(ch), sizeof(" chain=") - 1 +
		    TLINE_CHAIN_HEX);
		assert_int_equal(tline_chain(prev, line, (size_t)(ch - line),
		    calc), 0);
		assert_string_equal(calc, ch + sizeof(" chain=") - 1);
		memcpy(prev, calc, sizeof(prev));
		n++;
		snprintf(want, sizeof(want), "%d", n);
		assert_int_equal(field(line, ll, "seq", v, sizeof(v)), 0);
		assert_string_equal(v, want);
		if (session != NULL) {
			assert_int_equal(field(line, ll, "session", v,
			    sizeof(v)), 0);
			assert_int_equal(strlen(v), TRANSCRIPT_SESSION_HEX);
			memcpy(session, v, TRANSCRIPT_SESSION_HEX + 1);
		}
		off += ll + 1;
	}
	if (last != NULL)
		memcpy(last, prev, sizeof(prev));
	free(text);
	return n;
}

static struct transcript *
open_t(struct transcript_config *c)
{
	err[0] = '\0';
	return transcript_open(c, err, sizeof(err));
}

static void
config(struct transcript_config *c, const char *dir, const char *drop,
       const char *state)
{
	memset(c, 0, sizeof(*c));
	c->dir = dir;
	c->drop_dir = drop;
	c->state_file = state;
	c->ident = "assistd-test";
	c->host = "ws42";
	c->user = "bob";
}

static int
commit_event(struct transcript *t, const char *event, const char *key,
	     const char *value, int sync)
{
	struct tline l;

	transcript_line(t, &l, event);
	if (key != NULL)
		tline_add(&l, key, value);
	return transcript_commit(t, &l, sync);
}

/* Open, three lines, close: the files, their names and modes, the
 * chain, and the state file. */
static void
test_open_commit_close(void **state)
{
	char dir[PATH_MAX], drop[PATH_MAX], st[PATH_MAX], f1[PATH_MAX];
	char f2[PATH_MAX], last[TLINE_CHAIN_HEX + 1], sess[32], want[128];
	struct transcript_config c;
	struct transcript *t;
	struct stat sb;
	const char *base;
	size_t l1, l2;
	char *a, *b;
	mode_t old;

	(void)state;
	sub(dir, sizeof(dir), "a/state/assist/transcripts");
	sub(drop, sizeof(drop), "drop");
	sub(st, sizeof(st), "a/state/assist/last-chain");
	assert_int_equal(mkdir(drop, 01733), 0);
	assert_int_equal(chmod(drop, 01733), 0);
	config(&c, dir, drop, st);
	old = umask(0);		/* modes must not depend on the umask */
	t = open_t(&c);
	umask(old);
	assert_non_null(t);
	assert_int_equal(strlen(transcript_session(t)),
	    TRANSCRIPT_SESSION_HEX);
	assert_int_equal(commit_event(t, "assistd.start", "version", "0.1.0",
	    TRANSCRIPT_SYNC), 0);
	assert_int_equal(commit_event(t, "conn.open", "src", "192.0.2.7",
	    TRANSCRIPT_NOSYNC), 0);
	assert_int_equal(commit_event(t, "assistd.stop", "reason",
	    "a \"quoted\"\nreason", TRANSCRIPT_SYNC), 0);
	assert_int_equal(transcript_failed(t), 0);
	assert_string_equal(transcript_error(t), "");
	snprintf(f1, sizeof(f1), "%s", transcript_path(t));
	snprintf(sess, sizeof(sess), "%s", transcript_session(t));
	assert_int_equal(transcript_close(t), 0);

	/* YYYYMMDDTHHMMSSZ-SESSION.log, in both directories, mode 0600. */
	base = strrchr(f1, '/') + 1;
	assert_int_equal(strlen(base), 16 + 1 + TRANSCRIPT_SESSION_HEX + 4);
	assert_int_equal(base[8], 'T');
	assert_int_equal(base[15], 'Z');
	assert_int_equal(base[16], '-');
	assert_memory_equal(base + 17, sess, TRANSCRIPT_SESSION_HEX);
	assert_string_equal(base + 17 + TRANSCRIPT_SESSION_HEX, ".log");
	assert_int_equal(stat(f1, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	sub(want, sizeof(want), "a");
	assert_int_equal(stat(want, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	only_file(drop, f2, sizeof(f2));
	assert_string_equal(strrchr(f2, '/') + 1, base);
	assert_int_equal(stat(f2, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);

	/* Same bytes in both; every chain recomputes; first line names no
	 * previous session. */
	a = slurp(f1, &l1);
	b = slurp(f2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	assert_int_equal(verify_file(f1, last, NULL), 3);
	assert_non_null(strstr(a, " host=ws42 user=bob event=assistd.start "
	    "seq=1 prev_session=none prev_chain=none version=0.1.0 chain="));
	assert_non_null(strstr(a, " event=assistd.stop seq=3 "
	    "reason=\"a \\\"quoted\\\"\\nreason\" chain="));
	assert_int_equal(a[23], 'Z');
	free(a);
	free(b);

	/* The state file: "SESSION CHAIN\n", mode 0600. */
	a = slurp(st, &l1);
	snprintf(want, sizeof(want), "%s %s\n", sess, last);
	assert_string_equal(a, want);
	free(a);
	assert_int_equal(stat(st, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
}

/* The next session's first line names the previous one's last chain. */
static void
test_prev_chain(void **state)
{
	char dir[PATH_MAX], st[PATH_MAX], f[PATH_MAX], s1[32], s2[32];
	char last1[TLINE_CHAIN_HEX + 1], want[256];
	struct transcript_config c;
	struct transcript *t;
	size_t len;
	char *text;

	(void)state;
	sub(dir, sizeof(dir), "prev/t");
	sub(st, sizeof(st), "prev/last-chain");
	config(&c, dir, NULL, st);
	assert_non_null(t = open_t(&c));
	assert_int_equal(commit_event(t, "assistd.start", NULL, NULL, 1), 0);
	assert_int_equal(commit_event(t, "assistd.stop", NULL, NULL, 1), 0);
	snprintf(f, sizeof(f), "%s", transcript_path(t));
	assert_int_equal(transcript_close(t), 0);
	assert_int_equal(verify_file(f, last1, s1), 2);

	assert_non_null(t = open_t(&c));
	assert_string_not_equal(transcript_session(t), s1);
	assert_int_equal(commit_event(t, "assistd.start", NULL, NULL, 1), 0);
	snprintf(f, sizeof(f), "%s", transcript_path(t));
	assert_int_equal(transcript_close(t), 0);
	assert_int_equal(verify_file(f, NULL, s2), 1);
	text = slurp(f, &len);
	snprintf(want, sizeof(want), " seq=1 prev_session=%s prev_chain=%s "
	    "chain=", s1, last1);
	assert_non_null(strstr(text, want));
	free(text);

	/* A transcript with no line leaves the state as it was. */
	assert_non_null(t = open_t(&c));
	assert_int_equal(transcript_close(t), 0);
	text = slurp(st, &len);
	assert_memory_equal(text, s2, TRANSCRIPT_SESSION_HEX);
	free(text);
}

/* A state file that is not exactly "SESSION CHAIN\n": "none". */
static void
test_bad_state(void **state)
{
	static const char *const bad[] = {
		"",
		"0123456789abcdef\n",
		"0123456789abcdef 0000\n",
		/* upper-case hex */
		"0123456789ABCDEF 00000000000000000000000000000000000000"
		"00000000000000000000000000\n",
		/* no newline */
		"0123456789abcdef 00000000000000000000000000000000000000"
		"00000000000000000000000000",
		/* two spaces */
		"0123456789abcdef  0000000000000000000000000000000000000"
		"00000000000000000000000000\n",
		/* trailing junk */
		"0123456789abcdef 00000000000000000000000000000000000000"
		"00000000000000000000000000\nx",
		"0123456789abcdeg 00000000000000000000000000000000000000"
		"00000000000000000000000000\n",
	};
	char dir[PATH_MAX], st[PATH_MAX], f[PATH_MAX];
	struct transcript_config c;
	struct transcript *t;
	size_t i, len;
	char *text;

	(void)state;
	sub(dir, sizeof(dir), "badstate");
	sub(st, sizeof(st), "badstate.chain");
	config(&c, dir, NULL, st);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = open(st, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		assert_true(fd >= 0);
		assert_int_equal(fileio_write_all(fd, bad[i], strlen(bad[i])),
		    0);
		close(fd);
		assert_non_null(t = open_t(&c));
		assert_int_equal(commit_event(t, "x.y", NULL, NULL, 0), 0);
		snprintf(f, sizeof(f), "%s", transcript_path(t));
		assert_int_equal(transcript_close(t), 0);
		text = slurp(f, &len);
		assert_non_null(strstr(text,
		    " prev_session=none prev_chain=none chain="));
		free(text);
	}
	/* A directory in its place: also "none", and closing cannot
	 * replace it (the rename fails: reported, -1). */
	assert_int_equal(unlink(st), 0);
	assert_int_equal(mkdir(st, 0700), 0);
	assert_non_null(t = open_t(&c));
	assert_int_equal(commit_event(t, "x.y", NULL, NULL, 0), 0);
	snprintf(f, sizeof(f), "%s", transcript_path(t));
	assert_int_equal(transcript_close(t), -1);
	text = slurp(f, &len);
	assert_non_null(strstr(text, " prev_session=none prev_chain=none "));
	free(text);
}

/* Directory checks: not ours, writable by others, a file in the way,
 * a drop directory that is missing or writable without the sticky bit. */
static void
test_dir_checks(void **state)
{
	char dir[PATH_MAX], drop[PATH_MAX], file[PATH_MAX], bad[PATH_MAX];
	struct transcript_config c;
	struct transcript *t;
	int fd;

	(void)state;
	sub(dir, sizeof(dir), "chk");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0770), 0);
	config(&c, dir, NULL, NULL);
	assert_null(open_t(&c));
	assert_non_null(strstr(err, dir));
	assert_non_null(strstr(err, "writable by group or others"));
	assert_int_equal(count_files(dir), 0);
	assert_int_equal(chmod(dir, 0700), 0);

	if (geteuid() == 0) {
		assert_int_equal(chown(dir, NOBODY_UID, NOBODY_GID), 0);
		assert_null(open_t(&c));
		assert_non_null(strstr(err, dir));
		assert_non_null(strstr(err, "owned by another account"));
		assert_int_equal(chown(dir, 0, 0), 0);
	}

	/* A regular file where a directory should be. */
	sub(file, sizeof(file), "chk/plain");
	assert_true((fd = open(file, O_WRONLY | O_CREAT, 0600)) >= 0);
	close(fd);
	sub(bad, sizeof(bad), "chk/plain/sub");
	config(&c, bad, NULL, NULL);
	assert_null(open_t(&c));
	assert_non_null(strstr(err, file));
	assert_non_null(strstr(err, "Not a directory"));

	/* The drop directory is never created; no user file is left. */
	sub(drop, sizeof(drop), "no-such-drop");
	config(&c, dir, drop, NULL);
	assert_int_equal(unlink(file), 0);
	assert_null(open_t(&c));
	assert_non_null(strstr(err, drop));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(access(drop, F_OK), -1);
	assert_int_equal(count_files(dir), 0);

	/* Writable by others without the sticky bit: refused; with it (a
	 * root-owned 1733 directory) fine. */
	assert_int_equal(mkdir(drop, 0700), 0);
	assert_int_equal(chmod(drop, 0733), 0);
	assert_null(open_t(&c));
	assert_non_null(strstr(err, drop));
	assert_non_null(strstr(err, "without the sticky bit"));
	assert_int_equal(count_files(dir), 0);
	assert_int_equal(chmod(drop, 01733), 0);
	assert_non_null(t = open_t(&c));
	assert_int_equal(transcript_close(t), 0);
	assert_int_equal(count_files(dir), 1);
	assert_int_equal(count_files(drop), 1);
}

/*
 * Runs fn in a child as nobody (when we are root): file permissions are
 * what the test is about, and root ignores them. The child's exit status.
 */
static int
as_nobody(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgroups(0, NULL) != 0 ||
		    setgid(NOBODY_GID) != 0 || setuid(NOBODY_UID) != 0))
			_exit(100);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* In the child, as nobody: a directory we may not write to, and one we
 * may not create. 0 when both fail as they should. */
static int
unwritable_child(void)
{
	char base[] = "/tmp/test_transcript_nb.XXXXXX", dir[PATH_MAX];
	char deep[PATH_MAX];
	struct transcript_config c;
	int r = 0;

	if (mkdtemp(base) == NULL)
		return 1;
	snprintf(dir, sizeof(dir), "%s/t", base);
	snprintf(deep, sizeof(deep), "%s/x/y", base);
	if (mkdir(dir, 0500) != 0 || chmod(dir, 0500) != 0)
		r = 2;
	config(&c, dir, NULL, NULL);
	if (r == 0 && (open_t(&c) != NULL || strstr(err, dir) == NULL ||
	    strstr(err, "Permission denied") == NULL))
		r = 3;
	if (r == 0)
		fprintf(stderr, "# unwritable directory: %s\n", err);
	(void)chmod(base, 0500);
	config(&c, deep, NULL, NULL);
	if (r == 0 && (open_t(&c) != NULL || strstr(err, "cannot create") ==
	    NULL || strstr(err, "Permission denied") == NULL ||
	    strstr(err, deep) == NULL))
		r = 4;
	if (r == 0)
		fprintf(stderr, "# directory not creatable: %s\n", err);
	(void)chmod(base, 0700);
	(void)rmdir(dir);
	(void)rmdir(base);
	return r;
}

static void
test_unwritable(void **state)
{
	(void)state;
	assert_int_equal(as_nobody(unwritable_child), 0);
}

#define EFBIG_LIMIT	700	/* bytes: two lines fit, the third not */
static char efbig_dir[PATH_MAX], efbig_drop[PATH_MAX];

/*
 * In a child with RLIMIT_FSIZE: lines of ~300 bytes until one fails.
 * Exit status 10 + lines written when the failure was as it should be
 * (EFBIG named with the path, every later commit failing too), else a
 * small code.
 */
static int
efbig_child(void)
{
	struct rlimit rl = { EFBIG_LIMIT, EFBIG_LIMIT };
	struct transcript_config c;
	struct transcript *t;
	char big[300];
	int ok = 0;

	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 1;
	config(&c, efbig_dir, efbig_drop, NULL);
	if ((t = open_t(&c)) == NULL)
		return 2;
	while (ok < 20 && commit_event(t, "x.y", "v", big, 1) == 0)
		ok++;
	if (ok == 20 || !transcript_failed(t))
		return 3;
	fprintf(stderr, "# %s\n", transcript_error(t));
	if (strstr(transcript_error(t), "File too large") == NULL ||
	    strstr(transcript_error(t), efbig_dir) == NULL)
		return 4;
	/* Failed for good: even a short line is refused now. */
	if (commit_event(t, "x.y", NULL, NULL, 0) != -1 ||
	    !transcript_failed(t))
		return 5;
	(void)transcript_close(t);
	return 10 + ok;
}

/* Disk full (here a file size limit): whole lines only, and failed. */
static void
test_write_fails(void **state)
{
	char f1[PATH_MAX], f2[PATH_MAX];
	size_t l1, l2;
	char *a, *b;
	int r, lines;
	pid_t pid;

	(void)state;
	sub(efbig_dir, sizeof(efbig_dir), "efbig");
	sub(efbig_drop, sizeof(efbig_drop), "efbig-drop");
	assert_int_equal(mkdir(efbig_drop, 0700), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(efbig_child());
	assert_int_equal(waitpid(pid, &r, 0), pid);
	assert_true(WIFEXITED(r));
	r = WEXITSTATUS(r);
	assert_true(r >= 11);
	only_file(efbig_dir, f1, sizeof(f1));
	only_file(efbig_drop, f2, sizeof(f2));
	lines = verify_file(f1, NULL, NULL);
	assert_int_equal(lines, r - 10);
	assert_int_equal(verify_file(f2, NULL, NULL), lines);
	a = slurp(f1, &l1);
	b = slurp(f2, &l2);
	assert_true(l1 <= EFBIG_LIMIT);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	free(a);
	free(b);
}

/* A datagram socket at path, receiving with a 2 s timeout. */
static int
dgram_bind(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(sun.sun_path));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	return fd;
}

/* The next datagram must be "<86>Mmm dd hh:mm:ss assistd-test[PID]: "
 * followed by line (without its newline). */
static void
expect_datagram(int fd, const char *line, size_t len)
{
	char d[SYSLOGC_MAX_MSG + 1], head[64];
	ssize_t n = recv(fd, d, sizeof(d) - 1, 0);
	int h;

	assert_true(n > 0);
	d[n] = '\0';
	assert_memory_equal(d, "<86>", 4);
	assert_true(n > 19 && d[7] == ' ' && d[10] == ' ' && d[13] == ':' &&
	    d[16] == ':' && d[19] == ' ');
	h = snprintf(head, sizeof(head), "assistd-test[%ld]: ",
	    (long)getpid());
	assert_memory_equal(d + 20, head, (size_t)h);
	assert_int_equal((size_t)n, 20 + (size_t)h + len - 1);
	assert_memory_equal(d + 20 + h, line, len - 1);
}

/* Every committed line reaches syslog, as one datagram; an unreachable
 * socket costs nothing but the mirror, and is reconnected. */
static void
test_syslog(void **state)
{
	char dir[PATH_MAX], sock[PATH_MAX], f[PATH_MAX];
	struct transcript_config c;
	struct transcript *t;
	size_t len;
	char *text, *nl2;
	int fd;

	(void)state;
	sub(dir, sizeof(dir), "sl");
	sub(sock, sizeof(sock), "log");
	fd = dgram_bind(sock);
	config(&c, dir, NULL, NULL);
	c.syslog_path = sock;
	assert_non_null(t = open_t(&c));
	assert_int_equal(commit_event(t, "assistd.start", NULL, NULL, 1), 0);
	assert_int_equal(commit_event(t, "auth.deny", "key_id",
	    "evil\nevent=auth.allow \"x\" \033[2J", 1), 0);
	snprintf(f, sizeof(f), "%s", transcript_path(t));
	text = slurp(f, &len);
	nl2 = strchr(text, '\n') + 1;
	expect_datagram(fd, text, (size_t)(nl2 - text));
	expect_datagram(fd, nl2, strlen(nl2));
	/* The hostile key ID stayed inside one line. */
	assert_true(strchr(nl2, '\n') + 1 == text + len);
	free(text);

	/* The collector goes away and comes back: lines meanwhile are
	 * lost for syslog only; then the mirror reconnects by itself. */
	close(fd);
	assert_int_equal(unlink(sock), 0);
	assert_int_equal(commit_event(t, "x.lost", NULL, NULL, 0), 0);
	fd = dgram_bind(sock);
	assert_int_equal(commit_event(t, "x.back", NULL, NULL, 0), 0);
	text = slurp(f, &len);
	nl2 = text + len - 1;
	while (nl2 > text && nl2[-1] != '\n')
		nl2--;
	assert_non_null(strstr(nl2, " event=x.back "));
	expect_datagram(fd, nl2, strlen(nl2));
	free(text);
	assert_int_equal(transcript_close(t), 0);
	assert_int_equal(verify_file(f, NULL, NULL), 4);
	close(fd);

	/* No socket at all: the transcript works without the mirror. */
	sub(sock, sizeof(sock), "nolog");
	c.syslog_path = sock;
	assert_non_null(t = open_t(&c));
	assert_int_equal(commit_event(t, "x.y", NULL, NULL, 1), 0);
	assert_int_equal(transcript_close(t), 0);
}

/* A collector that does not read: sending never blocks, the lines that
 * do not fit are dropped and counted, the rest arrive whole. */
static void
test_syslog_full(void **state)
{
	char sock[PATH_MAX], d[SYSLOGC_MAX_MSG], line[4000];
	struct syslogc *s;
	long long t0, ms;
	int fd, i, sent = 0, got = 0;

	(void)state;
	sub(sock, sizeof(sock), "full");
	fd = dgram_bind(sock);
	memset(line, 'x', sizeof(line));
	assert_non_null(s = syslogc_open(sock, "t", err, sizeof(err)));
	t0 = clock_now_ms();
	for (i = 0; i < 2000; i++)
		if (syslogc_send(s, line, sizeof(line)) == 0)
			sent++;
	ms = clock_now_ms() - t0;
	fprintf(stderr, "# 2000 datagrams to a full socket: %d sent, %llu "
	    "dropped, %lld ms\n", sent, (unsigned long long)syslogc_dropped(s),
	    ms);
	assert_true(ms < 2000);
	assert_true(sent > 0);
	assert_int_equal(syslogc_dropped(s), (uint64_t)(2000 - sent));
	assert_true(syslogc_dropped(s) > 0);
	while (recv(fd, d, sizeof(d), MSG_DONTWAIT) > 0)
		got++;
	assert_int_equal(got, sent);
	syslogc_close(s);
	close(fd);

	/* A path that does not fit a socket address. */
	memset(line, 'a', 200);
	line[200] = '\0';
	assert_null(syslogc_open(line, "t", err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_commit_close),
		cmocka_unit_test(test_prev_chain),
		cmocka_unit_test(test_bad_state),
		cmocka_unit_test(test_dir_checks),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_write_fails),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_syslog_full),
	};

	return cmocka_run_group_tests(tests, setup_top, teardown_top);
}
