/*
 * syslogc: a tiny syslog client for the transcript writer: one RFC 3164
 * datagram per line, "<PRI>Mmm dd hh:mm:ss IDENT[PID]: TEXT", to a unix
 * datagram socket (normally /dev/log), facility AUTHPRIV, severity info.
 *
 * Not glibc's syslog(3): that one hides every failure, blocks when the
 * collector is slow, and cannot be pointed at a test's own socket. Here
 * sending never blocks: a full socket buffer drops the line (counted,
 * reported once), an unreachable socket is reported once on stderr and
 * retried at most once per line. Syslog is a mirror; the transcript file
 * is what fails closed.
 */
#ifndef ASSIST_SYSLOGC_H
#define ASSIST_SYSLOGC_H

#include <stddef.h>
#include <stdint.h>

#define SYSLOGC_PRI		86	/* LOG_AUTHPRIV (10 << 3) | LOG_INFO (6) */
#define SYSLOGC_MAX_IDENT	32	/* ident bytes kept */
#define SYSLOGC_MAX_MSG		(16 * 1024)	/* header + text of one datagram */

struct syslogc;	/* opaque */

/*
 * A client for the socket at path (copied; at most sun_path's size) with
 * ident (copied, cut at SYSLOGC_MAX_IDENT). Tries to connect at once and
 * says on stderr, once, when it cannot. NULL only when out of memory or
 * the path is too long (with the reason in err).
 */
struct syslogc *syslogc_open(const char *path, const char *ident, char *err,
			     size_t errsz);

/*
 * Sends one message of n bytes (a trailing '\n' is left out). Never
 * blocks. Returns 0 when the datagram was handed to the socket, -1 when
 * it was not (dropped: counted, the first drop and the first failure
 * reported on stderr).
 */
int syslogc_send(struct syslogc *s, const char *text, size_t n);

/* 1 when the socket is connected right now, else 0. */
int syslogc_connected(const struct syslogc *s);
/* Messages not delivered so far (unreachable or buffer full). */
uint64_t syslogc_dropped(const struct syslogc *s);

/* Closes the socket, reports the number of dropped messages on stderr
 * when there were any, frees s. NULL is accepted. */
void syslogc_close(struct syslogc *s);

#endif
