/*
 * netconn: the state of one connection inside assistd's network process,
 * shared by its parts: net.c (setup, sandbox, event loop, IPC, end),
 * netbind.c (the hardened ssh_bind), netauth.c (authentication),
 * netchan.c (the session channels and every refusal) and netctl.c (the
 * session: the control protocol, the monitor's answers relayed to the
 * helper). Internal to the network process; the monitor sees only net.h.
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
#define NETCONN_CTL_PUMP_MAX	(64 * 1024)	/* control frames queued */
#define NETCONN_IPC_WAIT_MS	5000	/* bound on a blocked IPC write */
#define NETCONN_CHANNELS	2	/* "assist-control", then "rfb" */
#define NETCONN_NOTE_MAX	512	/* stderr text queued for ssh */

/* What a session channel carries (its subsystem). */
enum netchan_kind {
	NETCHAN_UNSET,		/* open, no subsystem yet */
	NETCHAN_CTL,		/* "assist-control": framed ctlproto */
	NETCHAN_RFB,		/* "rfb": the session stream */
};

struct netconn;
struct chanpump;

/* One session channel. A slot whose ch is NULL is free. */
struct netchan {
	struct netconn *c;
	ssh_channel ch;
	enum netchan_kind kind;
	struct ssh_channel_callbacks_struct cb;
	struct chanpump *pump;	/* from its subsystem on */
	bool remote_closed;	/* the helper's CHANNEL_CLOSE came */
	bool eof;		/* the helper's EOF reached our receiver */
	/* Text for the channel's stderr (ssh prints it), written between
	 * polls: [note_off, note_len) is still to go. */
	char note[NETCONN_NOTE_MAX];
	size_t note_len, note_off;
};

/* Where the session stands, whichever channel asked for it. */
enum netsess_state {
	NETSESS_NONE,		/* not asked for yet */
	NETSESS_WAIT,		/* IPC_SESSION_REQUEST sent; monitor decides */
	NETSESS_GRANTED,	/* the user said yes */
	NETSESS_REFUSED,	/* the monitor said no */
};

struct netconn {
	const struct net_params *p;
	ssh_bind bind;
	ssh_session s;
	ssh_event ev;
	struct ipc ipc;
	struct ssh_server_callbacks_struct server_cb;

	long long grace_end_ms;	/* monotonic; login grace deadline */
	int auth_failures;
	bool hostcert_sent;	/* banner sent (or not to be sent) */
	bool kex_done;
	bool authenticated;

	struct netchan chans[NETCONN_CHANNELS];
	struct netchan *ctl;	/* the control channel, or NULL */
	struct netchan *rfb;	/* the rfb channel, or NULL */
	enum netsess_state sess;
	uint8_t mode;		/* granted access (ipc_mode), 0 before */
	bool hello_seen;	/* the control channel's one HELLO came */
	bool control_asked;	/* IPC_MODE_REQUEST sent, not answered */
	bool streaming;		/* RFB greeting queued: the stream runs */
	struct buf ctl_in;	/* control frames being assembled */
	uint64_t dropped;	/* helper bytes dropped (no RFB server yet) */
	uint64_t dropped_early;	/* of which sent before the grant */

	bool sock_given;	/* the session owns p->sock */
	int linger_fd;		/* our own reference to it (net_linger) */
	bool done;		/* leave the loop */
	bool failed;		/* ended by an internal error: exit 1 */
	bool monitor_gone;	/* IPC EOF: no IPC_CLOSED to send */
	char reason[NETCONN_REASON_MAX];  /* for IPC_CLOSED and the log */
	char disconnect_msg[NETCONN_REASON_MAX]; /* shown to the helper */
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
/* Starts the session stream on c->rfb: queues the RFB greeting. 0, or
 * -1 with c ended. Only once the session was granted. */
int netchan_stream_start(struct netconn *c);
/* Queues text for nc's stderr (ssh prints it on the helper's terminal),
 * written between polls, before the channel's EOF at the latest; text
 * beyond NETCONN_NOTE_MAX is cut. */
void netchan_note(struct netchan *nc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bytes of the session stream so far, into c->bytes_in / bytes_out. */
void netchan_count(struct netconn *c);
/* After every poll: moves pending bytes and notes, notices channel
 * ends. */
void netchan_after_poll(struct netconn *c);
/* Orderly end of every open channel: what is queued, exit status, EOF,
 * close, a bounded wait for the helper's close; then frees them. */
void netchan_close(struct netconn *c);

/*
 * netctl: the session. netctl_recv is the control channel's chanpump
 * receiver (chanpump_recv_fn; ud is its struct netchan): frames from
 * the helper, one HELLO (-> IPC_SESSION_REQUEST), REQUEST_CONTROL (->
 * IPC_MODE_REQUEST); a malformed or unexpected frame ends c with the
 * reason logged. netctl_rfb_asked: a plain "rfb" subsystem without a
 * control channel, an implicit view-only HELLO; 0, or -1 (refuse it).
 */
long netctl_recv(void *ud, const uint8_t *data, size_t n);
int netctl_rfb_asked(struct netconn *c);
/*
 * One ipc_ctl message from the monitor (type and m already decoded and
 * checked by ipc_decode_ctl): relayed to the helper as CTL_WAITING /
 * CTL_STATE on the control channel, or, for a plain "rfb" session, as
 * stderr text (waiting line, refusal) and the stream's start. A message
 * out of order ends c as an internal error. Runs inside a libssh
 * callback: queues only.
 */
void netctl_from_monitor(struct netconn *c, uint8_t type,
			 const struct ipc_ctl *m);

#endif
