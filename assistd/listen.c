/* listen: --listen parsing and listening sockets; see listen.h. */
#include "assistd/listen.h"

#include "common/defaults.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LISTEN_BACKLOG 16

static int
parse_port(const char *s, unsigned *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

static int
add_numeric(const char *host, unsigned port, struct listen_addr *out,
	    char *err, size_t errsz)
{
	struct addrinfo hints, *res = NULL;
	char portstr[8];
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(portstr, sizeof(portstr), "%u", port);
	r = getaddrinfo(host, portstr, &hints, &res);
	if (r != 0 || res == NULL || res->ai_addrlen > sizeof(out->ss)) {
		snprintf(err, errsz, "'%s' is not a numeric IPv4 or IPv6 "
		    "address", host);
		if (res != NULL)
			freeaddrinfo(res);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
	out->len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int
listen_parse(const char *spec, struct listen_addr *out, size_t max,
	     char *err, size_t errsz)
{
	char host[128];
	const char *portstr = NULL;
	unsigned port = ASSIST_DEFAULT_PORT;
	size_t hlen;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
			snprintf(err, errsz, "bad address '%s'", spec);
			return -1;
		}
		hlen = (size_t)(close - spec - 1);
		spec++;
		if (close[1] == ':')
			portstr = close + 2;
	} else if (strchr(spec, ':') != NULL &&
	    strchr(spec, ':') == strrchr(spec, ':')) {
		hlen = (size_t)(strchr(spec, ':') - spec);
		portstr = spec + hlen + 1;
	} else if (parse_port(spec, &port) == 0) {
		spec = "*";		/* a bare port: every address */
		hlen = 1;
	} else {
		hlen = strlen(spec);	/* bare address, IPv6 without port */
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(err, errsz, "bad address in --listen");
		return -1;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (portstr != NULL && parse_port(portstr, &port) != 0) {
		snprintf(err, errsz, "bad port '%s'", portstr);
		return -1;
	}
	if (strcmp(host, "*") == 0) {
		if (max < 2) {
			snprintf(err, errsz, "too many listen addresses");
			return -1;
		}
		if (add_numeric("0.0.0.0", port, &out[0], err, errsz) != 0 ||
		    add_numeric("::", port, &out[1], err, errsz) != 0)
			return -1;
		return 2;
	}
	if (max < 1) {
		snprintf(err, errsz, "too many listen addresses");
		return -1;
	}
	return add_numeric(host, port, &out[0], err, errsz) == 0 ? 1 : -1;
}

int
listen_open(const struct listen_addr *a, char *err, size_t errsz)
{
	char name[160];
	int fd, one = 1;

	listen_format((const struct sockaddr *)&a->ss, a->len, name,
	    sizeof(name));
	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		snprintf(err, errsz, "%s: socket: %s", name, strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0 ||
	    listen(fd, LISTEN_BACKLOG) != 0) {
		snprintf(err, errsz, "cannot listen on %s: %s", name,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void
listen_format(const struct sockaddr *sa, socklen_t len, char *out,
	      size_t outsz)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, outsz, "?");
		return;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(out, outsz, "[%s]:%s", host, serv);
	else
		snprintf(out, outsz, "%s:%s", host, serv);
}
