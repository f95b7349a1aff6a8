/*
 * net: assistd's network process, one per connection, forked by the
 * monitor right after accept(). It runs libssh (key exchange,
 * authentication, the "rfb" subsystem) inside a sandbox and talks to the
 * monitor only through the IPC socket (common/ipc.h). It never holds an
 * X11 connection and opens no file.
 */
#ifndef ASSISTD_NET_H
#define ASSISTD_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libssh/libssh.h>
#include "common/policy.h"

struct net_params {
	int sock;		/* accepted TCP connection; owned by net_main */
	int ipc_fd;		/* our end of the socketpair; owned by net_main */
	ssh_key hostkey;	/* private ed25519 host key; borrowed (copied) */
	const char *peer;	/* "addr port" of the helper, for messages */
	const char *user;	/* the only SSH user name accepted */
	const char *peer_addr;	/* numeric address of the helper */
	const struct policy *policy; /* who may connect (borrowed) */
	int login_grace_secs;	/* >= 1: to authenticate and ask a session */
	int max_auth_tries;	/* >= 1: failed tries before disconnect */
	/* HostCertificate blob (assistd/hostcertfile.h), checked by the
	 * monitor at start, or NULL; borrowed. Sent in the authentication
	 * banner before the first answer to the helper (nethostcert.c). */
	const uint8_t *host_cert;
	size_t host_cert_len;
	/* assistd --code: after the key, the one-time code the monitor
	 * holds (keyboard-interactive, netauth.c). */
	bool code_required;
};

/*
 * Serves one connection to its end. Called in the child right after
 * fork; closes every other fd first, and enters the sandbox before it
 * reads the peer. Tells the monitor: IPC_AUTH_RESULT for every
 * authentication decision (not for "none"), IPC_CODE_CHECK for each
 * answer to the one-time code (code_required), IPC_SESSION_REQUEST once
 * (the control channel's HELLO, or a plain "rfb"), IPC_MODE_REQUEST for
 * each request for control, IPC_CLOSED (reason, byte counts) at the end
 * unless the monitor closed the IPC first (which ends the connection at
 * once). Understands IPC_CODE_RESULT, IPC_CONSENT_WAIT,
 * IPC_SESSION_GRANT, IPC_SESSION_DENY, IPC_MODE and IPC_SHUTDOWN, each
 * only in its place; anything else ends the connection. Returns the
 * child's exit status: 0 after an
 * orderly end (whoever ended it), 1 after an internal error (bad
 * parameters, no sandbox, a broken IPC, a protocol error of the monitor).
 */
int net_main(const struct net_params *p);

#endif
