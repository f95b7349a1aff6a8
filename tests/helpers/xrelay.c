/*
 * xrelay: relays X connections to a local X server's socket, for the
 * capture tests. "tcp:PORT" listens on 127.0.0.1:PORT, so a client that
 * connects to 127.0.0.1:(PORT-6000) sees a remote X server (no shared
 * memory), "tcp:auto" on the first free port of display numbers
 * XRELAY_AUTO_FIRST..; "unix:PATH" listens on PATH. With -c each
 * connection is cut right after the server's connection setup reply: the
 * client is inside XOpenDisplay when its server goes away. One
 * connection at a time.
 *   usage: xrelay [-c] tcp:PORT|tcp:auto|unix:PATH X_SOCKET_PATH
 * Prints "listening" (with tcp:auto, "listening 127.0.0.1:N", the
 * display to use) once ready.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <unistd.h>

#define XRELAY_BUF	65536
#define XRELAY_SETUP_HDR 8	/* success, pad, major, minor, length */
#define XRELAY_X_PORT	6000	/* TCP port of display 0 */
#define XRELAY_AUTO_FIRST 150	/* display numbers tcp:auto tries */
#define XRELAY_AUTO_LAST 199

static int
xrelay_tcp(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The listening socket; *dpy the display number for tcp:auto. */
static int
xrelay_listen(const char *spec, int *dpy)
{
	int fd = -1, n;

	*dpy = -1;
	if (strcmp(spec, "tcp:auto") == 0) {
		for (n = XRELAY_AUTO_FIRST; fd < 0 && n <= XRELAY_AUTO_LAST;
		    n++)
			if ((fd = xrelay_tcp(XRELAY_X_PORT + n)) >= 0)
				*dpy = n;
		if (fd < 0)
			return -1;
	} else if (strncmp(spec, "tcp:", 4) == 0) {
		if ((fd = xrelay_tcp(atoi(spec + 4))) < 0)
			return -1;
	} else if (strncmp(spec, "unix:", 5) == 0) {
		struct sockaddr_un a;

		memset(&a, 0, sizeof(a));
		a.sun_family = AF_UNIX;
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", spec + 5);
		unlink(a.sun_path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
			return -1;
	} else
		return -1;
	return listen(fd, 4) == 0 ? fd : -1;
}

static int
xrelay_connect(const char *path)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
xrelay_write(int fd, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Relays one connection; with cut, ends it after the setup reply. */
static void
xrelay_one(int cfd, int sfd, int cut)
{
	unsigned char buf[XRELAY_BUF], hdr[XRELAY_SETUP_HDR];
	struct pollfd p[2] = { { cfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
	size_t from_server = 0, setup_len = 0;
	ssize_t n, keep;

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return;
		if (p[0].revents) {
			if ((n = read(cfd, buf, sizeof(buf))) <= 0 ||
			    xrelay_write(sfd, buf, (size_t)n) != 0)
				return;
		}
		if (!p[1].revents)
			continue;
		if ((n = read(sfd, buf, sizeof(buf))) <= 0)
			return;
		keep = n;
		if (cut) {
			size_t i;

			for (i = 0; i < (size_t)n &&
			    from_server + i < XRELAY_SETUP_HDR; i++)
				hdr[from_server + i] = buf[i];
			if (from_server + (size_t)n >= XRELAY_SETUP_HDR) {
				/* the client is little-endian ('l') */
				setup_len = XRELAY_SETUP_HDR +
				    4u * (hdr[6] | (unsigned)hdr[7] << 8);
				if (from_server + (size_t)n >= setup_len)
					keep = (ssize_t)(setup_len -
					    from_server);
			}
		}
		if (xrelay_write(cfd, buf, (size_t)keep) != 0)
			return;
		from_server += (size_t)keep;
		if (cut && setup_len != 0 && from_server >= setup_len)
			return;
	}
}

int
main(int argc, char **argv)
{
	int cut = 0, lfd, cfd, sfd, dpy;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		cut = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: xrelay [-c] tcp:PORT|tcp:auto|unix:PATH"
		    " X_SOCKET_PATH\n");
		return 2;
	}
	if ((lfd = xrelay_listen(argv[1], &dpy)) < 0) {
		fprintf(stderr, "xrelay: cannot listen on %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	if (dpy >= 0)
		printf("listening 127.0.0.1:%d\n", dpy);
	else
		printf("listening\n");
	for (;;) {
		if ((cfd = accept(lfd, NULL, NULL)) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if ((sfd = xrelay_connect(argv[2])) >= 0) {
			xrelay_one(cfd, sfd, cut);
			close(sfd);
		}
		close(cfd);
	}
}
