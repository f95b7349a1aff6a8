/* safefile: StrictModes checks for trusted files; see safefile.h. */
#include "common/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"

#define SAFEFILE_SHOWN	256	/* bytes of a path quoted in a message */

/* Why st (a file or directory) is unsafe, or NULL when it is safe. */
static const char *
safefile_why(const struct stat *st, uid_t owner, bool dir)
{
	if (st->st_uid != 0 && st->st_uid != owner)
		return owner == 0 ? "is not owned by root" :
		    "is owned by another account (not root or you)";
	if ((st->st_mode & 022) == 0)
		return NULL;
	/* In a root-owned sticky directory (/tmp) others may create names
	 * but cannot rename or remove ours: the next component decides. */
	if (dir && st->st_uid == 0 && (st->st_mode & S_ISVTX) != 0)
		return NULL;
	return "is writable by group or others";
}

/* Walks the directories of the real path rp (absolute) up to /. */
static int
safefile_dirs(char *rp, const char *shown, uid_t owner, char *err,
	      size_t errsz)
{
	char dshown[SAFEFILE_SHOWN];
	int depth = 0;

	for (;;) {
		char *slash = strrchr(rp, '/');
		struct stat st;
		const char *why;

		if (slash == NULL)
			break;
		if (slash == rp)
			slash[1] = '\0';	/* "/" itself */
		else
			*slash = '\0';
		if (++depth > SAFEFILE_MAX_DEPTH) {
			snprintf(err, errsz, "%s: path too deep", shown);
			return -1;
		}
		log_sanitize(dshown, sizeof(dshown), rp, strlen(rp));
		if (stat(rp, &st) != 0) {
			snprintf(err, errsz, "%s: cannot stat directory %s: "
			    "%s", shown, dshown, strerror(errno));
			return -1;
		}
		if ((why = safefile_why(&st, owner, true)) != NULL) {
			snprintf(err, errsz, "%s: directory %s %s "
			    "(StrictModes)", shown, dshown, why);
			return -1;
		}
		if (strcmp(rp, "/") == 0)
			break;
	}
	return 0;
}

int
safefile_check_fd(int fd, const char *path, uid_t owner, char *err,
		  size_t errsz)
{
	char shown[SAFEFILE_SHOWN], *rp;
	struct stat st, rst;
	const char *why;
	int r;

	log_sanitize(shown, sizeof(shown), path, strlen(path));
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s: cannot stat: %s", shown,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", shown);
		return -1;
	}
	if ((why = safefile_why(&st, owner, false)) != NULL) {
		snprintf(err, errsz, "%s: file %s (StrictModes)", shown, why);
		return -1;
	}
	if ((rp = realpath(path, NULL)) == NULL) {
		snprintf(err, errsz, "%s: cannot resolve: %s", shown,
		    strerror(errno));
		return -1;
	}
	/* The directories checked must be those of the file we opened, not
	 * of one a symlink was switched to meanwhile. */
	if (stat(rp, &rst) != 0 || rst.st_dev != st.st_dev ||
	    rst.st_ino != st.st_ino) {
		snprintf(err, errsz, "%s: changed while being checked", shown);
		free(rp);
		return -1;
	}
	r = safefile_dirs(rp, shown, owner, err, errsz);
	free(rp);
	return r;
}

char *
safefile_read(const char *path, uid_t owner, size_t max, size_t *len,
	      bool *missing, char *err, size_t errsz)
{
	char shown[SAFEFILE_SHOWN], *text;
	int fd, e = 0;

	*len = 0;
	if (missing != NULL)
		*missing = false;
	log_sanitize(shown, sizeof(shown), path, strlen(path));
	/* O_NONBLOCK: a FIFO put in the file's place must not hang us (it
	 * is then refused as not a regular file). */
	fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && missing != NULL)
			*missing = true;
		snprintf(err, errsz, "%s: %s", shown, strerror(errno));
		return NULL;
	}
	if (safefile_check_fd(fd, path, owner, err, errsz) != 0) {
		close(fd);
		return NULL;
	}
	text = fileio_read_fd(fd, max, len, &e);
	close(fd);
	if (text == NULL && e == EFBIG)
		snprintf(err, errsz, "%s: larger than %zu bytes", shown, max);
	else if (text == NULL)
		snprintf(err, errsz, "%s: cannot read: %s", shown,
		    strerror(e));
	return text;
}
