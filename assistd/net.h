/*
 * net: assistd's network process, one per connection, forked by the
 * monitor right after accept(). It runs libssh (key exchange,
 * authentication, the "rfb" subsystem) inside a sandbox and talks to the
 * monitor only through the IPC socket (common/ipc.h). It never holds an
 * X11 connection and opens no file.
 */
#ifndef ASSISTD_NET_H
#define ASSISTD_NET_H

#include <libssh/libssh.h>
#include "common/authkeys.h"

struct net_params {
	int sock;		/* accepted TCP connection; owned by net_main */
	int ipc_fd;		/* our end of the socketpair; owned by net_main */
	ssh_key hostkey;	/* private host key; borrowed */
	const char *peer;	/* "addr port" of the helper, for messages */
	const char *user;	/* the only SSH user name accepted */
	const struct authkeys *authorized; /* keys accepted (borrowed) */
	int login_grace_secs;	/* disconnect if not authenticated by then */
	int max_auth_tries;	/* disconnect after this many failed tries */
};

/*
 * Serves one connection to its end. Called in the child right after
 * fork; closes every other fd first. Returns the child's exit status
 * (0 after an orderly end, 1 after an error).
 */
int net_main(const struct net_params *p);

#endif
