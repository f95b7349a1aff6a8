/*
 * duration: sshd_config-style time intervals ("90", "30s", "15m", "1h30m",
 * units s m h d w), as used by --wait and --login-grace-time.
 */
#ifndef ASSIST_DURATION_H
#define ASSIST_DURATION_H

#define DURATION_MAX_SECS (7L * 24 * 3600)	/* longest accepted: a week */

/* Seconds in s, or -1 when s is empty, malformed or over the maximum. */
long duration_parse(const char *s);

#endif
