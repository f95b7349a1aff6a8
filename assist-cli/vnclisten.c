/* vnclisten: --vnc-listen's local port; see vnclisten.h. */
#include "assist-cli/vnclisten.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool
vnclisten_is_loopback(const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;
		const uint8_t *b = in6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		return memcmp(b, mapped, sizeof(mapped)) == 0 && b[12] == 127;
	}
	return false;
}

int
vnclisten_open(const struct args_listen *l, int *port, char *err,
	       size_t errsz)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char portstr[8];
	int fd = -1, one = 1, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(portstr, sizeof(portstr), "%d", l->port);
	if ((r = getaddrinfo(l->addr, portstr, &hints, &ai)) != 0) {
		snprintf(err, errsz, "--vnc-listen %s: %s", l->addr,
		    gai_strerror(r));
		return -1;
	}
	if (!vnclisten_is_loopback(ai->ai_addr) && !l->addr_given) {
		snprintf(err, errsz, "--vnc-listen: %s is not a loopback "
		    "address", l->addr);
		goto fail;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(err, errsz, "--vnc-listen %s:%d: %s", l->addr,
		    l->port, strerror(errno));
		goto fail;
	}
	*port = ss.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	freeaddrinfo(ai);
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return -1;
}

int
vnclisten_accept(int lfd, char *peer, size_t peersz)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[64], serv[8];
	int fd, one = 1;

	fd = accept(lfd, (struct sockaddr *)&ss, &sl);
	if (fd < 0)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		close(fd);
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(peer, peersz, "?");
	else
		snprintf(peer, peersz, "%s:%s", host, serv);
	return fd;
}
