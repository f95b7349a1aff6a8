/*
 * tcpstall: test client that opens COUNT TCP connections to 127.0.0.1:PORT,
 * reads what the server sends first (the SSH banner) and then sends
 * nothing, for at most SECONDS. For each connection it prints one line:
 *   conn N: banner "<first line>" closed-after MS
 *   conn N: banner "<first line>" open
 * so tests can see the login grace timer and connection caps at work.
 * usage: tcpstall PORT SECONDS [COUNT]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"

#define TCPSTALL_MAX_CONNS 64

struct conn {
	int fd;
	char banner[128];
	size_t blen;
	long long closed_ms;	/* -1 while open */
};

static int
dial(int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
on_readable(struct conn *c, long long t0)
{
	char tmp[512];
	ssize_t n = read(c->fd, tmp, sizeof(tmp));
	size_t i;

	if (n <= 0) {
		c->closed_ms = clock_now_ms() - t0;
		close(c->fd);
		c->fd = -1;
		return;
	}
	for (i = 0; i < (size_t)n && c->blen + 1 < sizeof(c->banner); i++) {
		if (tmp[i] == '\r' || tmp[i] == '\n' ||
		    memchr(c->banner, '\n', c->blen) != NULL)
			break;
		c->banner[c->blen++] = tmp[i];
	}
	if (i < (size_t)n && c->blen + 1 < sizeof(c->banner))
		c->banner[c->blen++] = '\n';	/* banner complete */
}

int
main(int argc, char **argv)
{
	static struct conn conns[TCPSTALL_MAX_CONNS];
	struct pollfd pfd[TCPSTALL_MAX_CONNS];
	int port, secs, count = 1, i, n;
	long long t0, end;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: tcpstall PORT SECONDS [COUNT]\n");
		return 64;
	}
	port = atoi(argv[1]);
	secs = atoi(argv[2]);
	if (argc == 4)
		count = atoi(argv[3]);
	if (port <= 0 || port > 65535 || secs <= 0 || count <= 0 ||
	    count > TCPSTALL_MAX_CONNS) {
		fprintf(stderr, "tcpstall: bad arguments\n");
		return 64;
	}
	t0 = clock_now_ms();
	end = t0 + (long long)secs * 1000;
	for (i = 0; i < count; i++) {
		conns[i].closed_ms = -1;
		if ((conns[i].fd = dial(port)) < 0) {
			fprintf(stderr, "tcpstall: connect: %s\n",
			    strerror(errno));
			return 1;
		}
	}
	while (clock_now_ms() < end) {
		for (i = n = 0; i < count; i++) {
			pfd[i].fd = conns[i].fd;	/* -1 is skipped */
			pfd[i].events = POLLIN;
			n += conns[i].fd >= 0;
		}
		if (n == 0)
			break;
		if (poll(pfd, (nfds_t)count, (int)(end - clock_now_ms())) < 0 &&
		    errno != EINTR)
			return 1;
		for (i = 0; i < count; i++)
			if (conns[i].fd >= 0 && pfd[i].revents)
				on_readable(&conns[i], t0);
	}
	for (i = 0; i < count; i++) {
		char *nl = memchr(conns[i].banner, '\n', conns[i].blen);

		if (nl != NULL)
			*nl = '\0';
		else
			conns[i].banner[conns[i].blen] = '\0';
		if (conns[i].closed_ms >= 0)
			printf("conn %d: banner \"%s\" closed-after %lld\n", i,
			    conns[i].banner, conns[i].closed_ms);
		else
			printf("conn %d: banner \"%s\" open\n", i,
			    conns[i].banner);
		if (conns[i].fd >= 0)
			close(conns[i].fd);
	}
	return 0;
}
