/*
 * safefile: StrictModes for the files assistd trusts (its configuration
 * and every policy file it names), after sshd's safe_path(). A file is
 * safe when it is a regular file owned by root or by the allowed owner,
 * not writable by group or others, and every directory of its real path
 * up to / is owned by root or the allowed owner and not writable by group
 * or others. One relaxation: a root-owned directory with the sticky bit
 * (like /tmp) may be writable by others, since nobody else can rename or
 * remove the entries we own there; the next component is still checked.
 */
#ifndef ASSIST_SAFEFILE_H
#define ASSIST_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SAFEFILE_MAX_DEPTH	128	/* directories walked up to / */

/*
 * Checks the open file fd, opened as path, against the rules above, with
 * owner the one account besides root allowed to own the file and its
 * directories (pass 0 for "root only", e.g. the administrator's files).
 * Returns 0, or -1 with "path: reason" (or "directory D: reason") in err.
 */
int safefile_check_fd(int fd, const char *path, uid_t owner, char *err,
		      size_t errsz);

/*
 * Opens path, checks it with safefile_check_fd, and reads all of it (at
 * most max bytes) into a new NUL-terminated buffer of *len bytes (caller
 * frees). NULL on error with "path: reason" in err; when the file does
 * not exist, *missing (if not NULL) is also set true.
 */
char *safefile_read(const char *path, uid_t owner, size_t max, size_t *len,
		    bool *missing, char *err, size_t errsz);

#endif
