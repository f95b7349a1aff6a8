/* syslogc: non-blocking RFC 3164 datagrams to a local socket; see syslogc.h. */
#include "common/syslogc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

#define SYSLOGC_SHOWN	128	/* bytes of the path quoted in messages */

struct syslogc {
	int fd;			/* connected socket, or -1 */
	struct sockaddr_un sun;
	socklen_t sunlen;
	char shown[SYSLOGC_SHOWN];	/* escaped path, for messages */
	char ident[SYSLOGC_MAX_IDENT + 1];
	long pid;
	uint64_t dropped;	/* messages not delivered */
	bool warned_unreachable;
	bool warned_full;
};

/* One connect attempt; 0 or -1 with errno. */
static int
syslogc_connect(struct syslogc *s)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&s->sun, s->sunlen) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	s->fd = fd;
	return 0;
}

static void
syslogc_unreachable(struct syslogc *s, const char *what, int e)
{
	if (s->warned_unreachable)
		return;
	s->warned_unreachable = true;
	log_error("syslog %s: %s: %s; transcript lines are not mirrored to "
	    "syslog while it stays so", s->shown, what, strerror(e));
}

struct syslogc *
syslogc_open(const char *path, const char *ident, char *err, size_t errsz)
{
	struct syslogc *s;
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(s->sun.sun_path)) {
		snprintf(err, errsz, "syslog socket path too long or empty");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->fd = -1;
	s->sun.sun_family = AF_UNIX;
	memcpy(s->sun.sun_path, path, n + 1);
	s->sunlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	log_sanitize_str(s->shown, sizeof(s->shown), path);
	snprintf(s->ident, sizeof(s->ident), "%s", ident);
	s->pid = (long)getpid();
	if (syslogc_connect(s) != 0)
		syslogc_unreachable(s, "cannot connect", errno);
	return s;
}

/* "<PRI>Mmm dd hh:mm:ss IDENT[PID]: " in local time, as syslogd expects. */
static int
syslogc_header(const struct syslogc *s, char *out, size_t outsz)
{
	static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11)
		memset(&tm, 0, sizeof(tm));
	return snprintf(out, outsz, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: ",
	    SYSLOGC_PRI, mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, s->ident, s->pid);
}

static void
syslogc_drop(struct syslogc *s, int e)
{
	s->dropped++;
	if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS) {
		if (!s->warned_full)
			log_error("syslog %s: socket buffer full; dropping "
			    "transcript lines rather than waiting (counted)",
			    s->shown);
		s->warned_full = true;
		return;
	}
	syslogc_unreachable(s, "cannot send", e);
}

int
syslogc_send(struct syslogc *s, const char *text, size_t n)
{
	char msg[SYSLOGC_MAX_MSG];
	int h;
	ssize_t w;

	if (n > 0 && text[n - 1] == '\n')
		n--;
	if ((h = syslogc_header(s, msg, sizeof(msg))) < 0 ||
	    (size_t)h + n > sizeof(msg)) {
		syslogc_drop(s, EMSGSIZE);
		return -1;
	}
	memcpy(msg + h, text, n);
	/* One reconnect attempt per message: the collector may have been
	 * restarted, which leaves our socket connected to nothing. */
	if (s->fd < 0 && syslogc_connect(s) != 0) {
		syslogc_drop(s, errno);
		return -1;
	}
	w = send(s->fd, msg, (size_t)h + n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != ENOBUFS && errno != EMSGSIZE) {
		int e = errno;

		close(s->fd);
		s->fd = -1;
		if (syslogc_connect(s) == 0)
			w = send(s->fd, msg, (size_t)h + n,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			errno = e;
	}
	if (w < 0) {
		syslogc_drop(s, errno);
		return -1;
	}
	return 0;
}

int
syslogc_connected(const struct syslogc *s)
{
	return s->fd >= 0;
}

uint64_t
syslogc_dropped(const struct syslogc *s)
{
	return s->dropped;
}

void
syslogc_close(struct syslogc *s)
{
	if (s == NULL)
		return;
	if (s->dropped > 0)
		log_error("syslog %s: %llu transcript lines were not sent",
		    s->shown, (unsigned long long)s->dropped);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}
