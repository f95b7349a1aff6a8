/*
 * listen: parsing of --listen ADDR:PORT and opening of the listening
 * sockets (numeric addresses only: no name is resolved).
 */
#ifndef ASSISTD_LISTEN_H
#define ASSISTD_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>

#define LISTEN_MAX		8	/* --listen given at most this often */

struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/*
 * Parses "ADDR:PORT", "[V6ADDR]:PORT", "*:PORT" (every IPv4 and IPv6
 * address), "ADDR" or "PORT" into out[] (up to max entries; "*" gives
 * two). Returns the number of entries added, or -1 with a reason in err.
 */
int listen_parse(const char *spec, struct listen_addr *out, size_t max,
		 char *err, size_t errsz);

/* Opens a non-blocking, close-on-exec listening TCP socket (IPv6 sockets
 * are V6ONLY); fd or -1 with a reason in err. */
int listen_open(const struct listen_addr *a, char *err, size_t errsz);

/* "ADDR:PORT" or "[ADDR]:PORT" of a socket address into out. */
void listen_format(const struct sockaddr *sa, socklen_t len, char *out,
		   size_t outsz);

#endif
