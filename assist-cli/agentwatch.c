/* agentwatch: which agent key signed; see agentwatch.h. */
#define _GNU_SOURCE		/* pipe2 */
#include "assist-cli/agentwatch.h"

#include "common/buf.h"
#include "common/clock.h"
#include "common/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int
agentwatch_sign_key(const uint8_t *msg, size_t len, const uint8_t **key,
		    size_t *klen)
{
	const uint8_t *data;
	size_t dlen;
	uint32_t flags;
	uint8_t type;
	struct buf b;

	buf_view(&b, msg, len);
	if (buf_get_u8(&b, &type) != BUF_OK)
		return -1;
	if (type != AGENTWATCH_SIGN_REQUEST)
		return 0;
	if (buf_get_string_view(&b, AGENTWATCH_MAX_KEY, key, klen) != BUF_OK ||
	    *klen == 0 ||
	    buf_get_string_view(&b, AGENTWATCH_MAX_MSG, &data, &dlen) !=
	    BUF_OK || buf_get_u32(&b, &flags) != BUF_OK || buf_avail(&b) != 0)
		return -1;
	return 1;
}

/* Reads exactly n bytes; 0, or -1 on EOF or error. */
static int
aw_read_exact(int fd, uint8_t *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* One message (length, then body into msg); 0, or -1. */
static int
aw_read_msg(int fd, uint8_t *msg, size_t *len)
{
	uint8_t h[4];
	uint32_t n;

	if (aw_read_exact(fd, h, sizeof(h)) != 0)
		return -1;
	n = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3];
	if (n == 0 || n > AGENTWATCH_MAX_MSG ||
	    aw_read_exact(fd, msg, n) != 0)
		return -1;
	*len = n;
	return 0;
}

static int
aw_write_msg(int fd, const uint8_t *msg, size_t len)
{
	uint8_t h[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
	    (uint8_t)(len >> 8), (uint8_t)len };

	return fileio_write_all(fd, h, sizeof(h)) == 0 &&
	    fileio_write_all(fd, msg, len) == 0 ? 0 : -1;
}

/*
 * The child: relays libssh's requests to the agent and the answers back
 * until libssh's side ends, then reports the last key asked to sign.
 * Uses plain system calls only (it is a fork of a libssh process).
 */
static void
aw_relay(int lib, int agent, int report, uint8_t *msg)
{
	static uint8_t last[AGENTWATCH_MAX_KEY];
	const uint8_t *key;
	size_t len, klen, last_len = 0;

	while (aw_read_msg(lib, msg, &len) == 0) {
		if (agentwatch_sign_key(msg, len, &key, &klen) == 1) {
			memcpy(last, key, klen);
			last_len = klen;
		}
		if (aw_write_msg(agent, msg, len) != 0 ||
		    aw_read_msg(agent, msg, &len) != 0 ||
		    aw_write_msg(lib, msg, len) != 0)
			_exit(1);
	}
	if (last_len > 0)
		(void)aw_write_msg(report, last, last_len);
	_exit(0);
}

/* A connected stream socket to the agent at path, or -1 with err. */
static int
aw_connect(const char *path, char *err, size_t errsz)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errsz, "agent socket path too long");
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errsz, "cannot reach the agent: %s",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void
aw_close_all(const int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int
agentwatch_start(struct agentwatch *w, ssh_session ss, const char *path,
		 char *err, size_t errsz)
{
	/* agent, libssh's end, the relay's end, report read, report write */
	int fd[5] = { -1, -1, -1, -1, -1 };
	uint8_t *msg = NULL;

	memset(w, 0, sizeof(*w));
	w->pid = -1;
	w->lib_fd = w->report_fd = -1;
	if ((fd[0] = aw_connect(path, err, errsz)) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd + 1) != 0 ||
	    pipe2(fd + 3, O_CLOEXEC) != 0 ||
	    (msg = malloc(AGENTWATCH_MAX_MSG)) == NULL) {
		snprintf(err, errsz, "agent relay: %s", strerror(errno));
		aw_close_all(fd, 5);
		return -1;
	}
	w->pid = fork();
	if (w->pid == 0) {
		close(fd[1]);
		close(fd[3]);
		aw_relay(fd[2], fd[0], fd[4], msg);
	}
	free(msg);
	if (w->pid < 0) {
		snprintf(err, errsz, "agent relay: fork: %s", strerror(errno));
		aw_close_all(fd, 5);
		return -1;
	}
	close(fd[0]);
	close(fd[2]);
	close(fd[4]);
	/* Ours to shut down later: libssh owns sv[0] and may have closed
	 * it (and its number been reused) by then. */
	w->lib_fd = fcntl(fd[1], F_DUPFD_CLOEXEC, 0);
	w->report_fd = fd[3];
	if (w->lib_fd < 0 || ssh_set_agent_socket(ss, fd[1]) != SSH_OK) {
		snprintf(err, errsz, "agent relay: cannot hand libssh the "
		    "socket");
		close(fd[1]);
		(void)agentwatch_finish(w, NULL);
		return -1;
	}
	return 0;
}

/* Reads the report (at most one message) until EOF or the deadline. */
static uint8_t *
aw_report(int fd, long long deadline, size_t *len)
{
	uint8_t *r = malloc(AGENTWATCH_MAX_KEY + 4);
	size_t got = 0;
	uint32_t n;

	if (r == NULL)
		return NULL;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - clock_now_ms();
		ssize_t k;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		k = read(fd, r + got, AGENTWATCH_MAX_KEY + 4 - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
		if (got == AGENTWATCH_MAX_KEY + 4)
			break;
	}
	n = got >= 4 ? ((uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 |
	    (uint32_t)r[2] << 8 | r[3]) : 0;
	if (n == 0 || got != 4 + (size_t)n) {
		free(r);
		return NULL;
	}
	memmove(r, r + 4, n);
	*len = n;
	return r;
}

uint8_t *
agentwatch_finish(struct agentwatch *w, size_t *len)
{
	long long deadline = clock_now_ms() + AGENTWATCH_WAIT_MS;
	uint8_t *key = NULL;
	size_t n = 0;
	int status;

	if (w->lib_fd >= 0) {
		/* EOF for the relay: it reports and exits. */
		(void)shutdown(w->lib_fd, SHUT_RDWR);
		close(w->lib_fd);
		w->lib_fd = -1;
	}
	if (w->report_fd >= 0) {
		key = aw_report(w->report_fd, deadline, &n);
		close(w->report_fd);
		w->report_fd = -1;
	}
	if (w->pid > 0) {
		while (waitpid(w->pid, &status, WNOHANG) == 0) {
			if (clock_now_ms() >= deadline) {
				kill(w->pid, SIGKILL);
				(void)waitpid(w->pid, &status, 0);
				break;
			}
			usleep(10000);
		}
		w->pid = -1;
	}
	if (len == NULL) {
		free(key);
		return NULL;
	}
	*len = n;
	return key;
}
