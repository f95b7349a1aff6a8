/*
 * netconn: the state of one connection inside assistd's network process,
 * shared by its parts: net.c (setup, sandbox, event loop, IPC, end),
 * netbind.c (the hardened ssh_bind), netauth.c (authentication) and
 * netchan.c (the one session channel and every refusal). Internal to
 * the network process; the monitor sees only net.h.
 */
#ifndef ASSISTD_NETCONN_H
#define ASSISTD_NETCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>

#include "assistd/net.h"
#include "common/ipc.h"

#define NETCONN_REASON_MAX	256	/* why the connection ended */
#define NETCONN_GREETING	"RFB 003.008\n"
#define NETCONN_SUBSYSTEM	"rfb"
#define NETCONN_PUMP_MAX	(1024 * 1024)	/* bytes queued for the helper */
#define NETCONN_IPC_WAIT_MS	5000	/* bound on a blocked IPC write */

/* Where the session channel stands. */
enum netchan_state {
	NETCHAN_NONE,		/* no channel yet */
	NETCHAN_OPEN,		/* channel open, no subsystem asked yet */
	NETCHAN_WAIT_GRANT,	/* "rfb" asked; waiting for the monitor */
	NETCHAN_SERVING,	/* granted: greeting sent, stream running */
	NETCHAN_CLOSED,		/* closed by either side */
};

struct chanpump;

struct netconn {
	const struct net_params *p;
	ssh_bind bind;
	ssh_session s;
	ssh_event ev;
	struct ipc ipc;
	struct ssh_server_callbacks_struct server_cb;
	struct ssh_channel_callbacks_struct chan_cb;

	long long grace_end_ms;	/* monotonic; login grace deadline */
	int auth_failures;
	bool hostcert_sent;	/* banner sent (or not to be sent) */
	bool kex_done;
	bool authenticated;

	ssh_channel chan;
	enum netchan_state chan_state;
	bool chan_remote_closed; /* the helper's CHANNEL_CLOSE came */
	struct chanpump *pump;	/* the session stream, once granted */
	bool helper_eof;	/* the helper sent channel EOF */
	uint64_t dropped;	/* helper bytes dropped (no RFB server yet) */

	bool sock_given;	/* the session owns p->sock */
	int linger_fd;		/* our own reference to it (net_linger) */
	bool done;		/* leave the loop */
	bool failed;		/* ended by an internal error: exit 1 */
	bool monitor_gone;	/* IPC EOF: no IPC_CLOSED to send */
	char reason[NETCONN_REASON_MAX];  /* for IPC_CLOSED and the log */
	char disconnect_msg[NETCONN_REASON_MAX]; /* shown to the helper */
	/* The monitor's reason for ending a running session, written to
	 * the channel's stderr before it closes (ssh shows it), or "". */
	char helper_notice[NETCONN_REASON_MAX];
	uint64_t bytes_in, bytes_out;	/* session stream, for IPC_CLOSED */
	/* The one-time code step (p->code_required; netauth.c). */
	struct netauth_code {
		bool key_passed;	/* publickey passed: the code is next */
		bool asked;		/* prompt sent, its answer expected */
		bool waiting;		/* IPC_CODE_CHECK sent, no result yet */
		bool replied;		/* IPC_CODE_RESULT came: */
		bool ok;		/* right */
		uint32_t tries_left;	/* on this connection */
	} code;
};

/*
 * Ends the connection: leaves the event loop, records reason (for the
 * monitor and the log) and what the helper is told (helper_msg, NULL for
 * the reason itself). The first call wins. failed marks an internal
 * error.
 */
void netconn_end(struct netconn *c, bool failed, const char *helper_msg,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Queues an IPC message and writes it (bounded wait); a failure ends the
 * connection. 0 or -1. */
int netconn_ipc_ctl(struct netconn *c, uint8_t type, const struct ipc_ctl *m);
int netconn_ipc_auth(struct netconn *c, const struct ipc_auth_result *m);
int netconn_ipc_closed(struct netconn *c, const struct ipc_closed *m);
/*
 * Waits at most timeout_ms for the monitor's reply that sets *flag,
 * handling every IPC message meanwhile (an IPC_SHUTDOWN ends c). For a
 * reply needed inside a libssh callback, which cannot return and resume.
 * 0 once *flag is set, -1 otherwise (timeout, or c ended).
 */
int netconn_ipc_wait(struct netconn *c, const bool *flag, int timeout_ms);

/*
 * netbind: a server ssh_bind with our host key (a copy of hostkey, taken
 * from memory: no file is opened), system configuration off and the
 * hardened algorithm lists, each verified to be in force exactly. NULL
 * with a reason in err.
 */
ssh_bind netbind_new(ssh_key hostkey, char *err, size_t errsz);
/* Checks after key exchange that what was negotiated is in our lists.
 * 0, or -1 with a reason in err. */
int netbind_check_negotiated(ssh_session s, char *err, size_t errsz);

/* netauth: installs the authentication callbacks in c->server_cb (before
 * ssh_set_server_callbacks) and the method list on the session. */
void netauth_setup(struct netconn *c);
/* Handles an authentication message no callback took (every method but
 * publickey). keyboard-interactive after the key step, with
 * p->code_required, is the one-time code (0: handled, the reply sent);
 * anything else returns 1: libssh sends its default refusal. */
int netauth_message(struct netconn *c, ssh_message m);
/* IPC_CODE_RESULT from the monitor: the answer to the pending
 * IPC_CODE_CHECK (a result nobody asked for ends c). */
void netauth_code_result(struct netconn *c, const struct ipc_ctl *m);
/* Checks the grace timer and the attempt limit; ends c when passed. */
void netauth_check_limits(struct netconn *c, long long now_ms);
/*
 * The decision, as a pure function of what the helper sent: user name and
 * key blob (SSH wire form) from peer_addr at now, by policy_check. 1
 * accepted, 0 refused with the reason in why (for the log, never for the
 * helper); id filled as far as the key could be parsed.
 */
int netauth_decide(const struct policy *policy, const char *user,
		   const uint8_t *blob, size_t blob_len, const char *peer_addr,
		   uint64_t now, struct policy_identity *id, char *why,
		   size_t whysz);

/* nethostcert: sends the host certificate banner if there is one and it
 * was not sent yet; call before answering any authentication request.
 * A failure ends c. */
void nethostcert_send(struct netconn *c);

/* netchan: installs the channel-open callback in c->server_cb. */
void netchan_setup(struct netconn *c);
/* Handles channel-open, channel and global requests no callback took:
 * logs and returns 1 (libssh refuses). */
int netchan_message(struct netconn *c, ssh_message m);
/* The monitor's answer to IPC_SESSION_REQUEST. */
void netchan_granted(struct netconn *c);
void netchan_denied(struct netconn *c, const char *why);
/* The monitor ends the connection (IPC_SHUTDOWN, why already escaped):
 * a helper with an open channel is told why on the channel's stderr
 * when it closes (not from here: this runs inside a libssh callback);
 * the disconnect message says it too. */
void netchan_shutdown(struct netconn *c, const char *why);
/* Bytes of the session stream so far, into c->bytes_in / bytes_out. */
void netchan_count(struct netconn *c);
/* After every poll: moves pending stream bytes, notices the channel's
 * end. */
void netchan_after_poll(struct netconn *c);
/* Orderly end of the channel, if one is open: exit status, EOF, close,
 * a bounded wait for the helper's close; then frees it. */
void netchan_close(struct netconn *c);

#endif
