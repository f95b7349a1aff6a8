/*
 * vnclisten: --vnc-listen's local TCP port. One listening socket, opened
 * before connecting (so a port in use fails at once), from which exactly
 * one local VNC viewer is accepted: the RFB stream of a session can be
 * handshaken only once, so the listener closes when the viewer arrives
 * and the session ends when it leaves. Loopback by default; another
 * address only when the helper named it (with a warning: anyone who can
 * reach it sees the user's screen).
 */
#ifndef ASSIST_CLI_VNCLISTEN_H
#define ASSIST_CLI_VNCLISTEN_H

#include "assist-cli/args.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define VNCLISTEN_MAX_PEER	64	/* "addr:port" text, bytes */

/*
 * A listening, non-blocking, close-on-exec TCP socket on l (backlog 1).
 * Returns the fd with the port actually bound in *port, or -1 with a
 * one-line reason in err. A non-loopback address that was not named by
 * the helper (l->addr_given false) is refused.
 */
int vnclisten_open(const struct args_listen *l, int *port, char *err,
		   size_t errsz);

/* True when sa is 127.0.0.0/8 or ::1 (or ::ffff:127.x). Pure. */
bool vnclisten_is_loopback(const struct sockaddr *sa);

/*
 * Accepts one connection on lfd (non-blocking, close-on-exec, TCP_NODELAY)
 * with "addr:port" of the peer in peer. The fd, or -1 (nothing waiting,
 * or a failure: errno).
 */
int vnclisten_accept(int lfd, char *peer, size_t peersz);

#endif
