/*
 * ipc: the typed, length-checked message protocol between assistd's
 * monitor and a network process, over one end of a SOCK_STREAM
 * socketpair each. The monitor treats everything it receives as hostile
 * (the network process parses the network), so every message is decoded
 * by one function below that checks each field and the exact length.
 *
 * Frame: u32 length (of what follows, 1..IPC_MAX_FRAME), u8 type, body.
 * Body fields use buf.h's SSH encoding.
 */
#ifndef ASSIST_IPC_H
#define ASSIST_IPC_H

#include <stdint.h>
#include "common/buf.h"

#define IPC_MAX_FRAME	(4u * 1024 * 1024)	/* largest frame accepted */
#define IPC_MAX_STR	1024			/* largest string field */

enum ipc_type {
	/* network process -> monitor */
	IPC_AUTH_RESULT = 1,	/* an authentication decision */
	IPC_SESSION_REQUEST = 2,/* authenticated helper asks for a session */
	IPC_CLOSED = 3,		/* the connection ended; why, bytes */
	/* monitor -> network process */
	IPC_SESSION_GRANT = 64,	/* go ahead with the session */
	IPC_SESSION_DENY = 65,	/* no session; why (shown to the helper) */
	IPC_SHUTDOWN = 66,	/* end the connection now; why */
};

/* IPC_AUTH_RESULT. Strings are owned by the struct after decode. */
struct ipc_auth_result {
	uint8_t accepted;	/* 1 accepted, 0 refused */
	char *user;		/* SSH user name asked for */
	char *method;		/* "publickey" */
	char *key_type;		/* e.g. "ssh-ed25519" */
	char *key_fp;		/* "SHA256:..." */
	char *reason;		/* why refused, or "" */
	/* Who it was (policy_identity): all empty/0 unless is_cert, but
	 * flags. Strings already escaped by the sender; the monitor escapes
	 * them again (it trusts nothing from the network process). */
	uint8_t is_cert;	/* 1 certificate, 0 plain key */
	char *key_id;		/* certificate key ID */
	char *principals;	/* comma-separated */
	uint64_t serial;
	char *ca_name;		/* CA comment in the policy file */
	char *ca_fp;		/* "SHA256:..." of the CA key */
	uint64_t valid_after, valid_before;
	uint8_t flags;		/* IPC_AUTH_F_* */
};

#define IPC_AUTH_F_NO_TOUCH	0x01	/* no-touch-required granted */
#define IPC_AUTH_F_VERIFY	0x02	/* verify-required demanded */
#define IPC_AUTH_F_ALL		0x03

/* IPC_CLOSED: how the connection ended, for the log and the transcript
 * (session.end). The monitor trusts none of it: the reason is escaped
 * again, the numbers are only reported. */
struct ipc_closed {
	char *reason;		/* why (escaped by the sender); owned */
	uint8_t failed;		/* 1: ended by an internal error */
	uint64_t bytes_in;	/* session stream bytes from the helper */
	uint64_t bytes_out;	/* session stream bytes to the helper */
};

/* IPC_SESSION_REQUEST, IPC_SESSION_DENY, IPC_SHUTDOWN carry one string
 * (subsystem name or reason); IPC_SESSION_GRANT is empty. */

/* A connection's buffered state. fd is not owned. */
struct ipc {
	int fd;
	struct buf in;
	struct buf out;
};

void ipc_init(struct ipc *c, int fd);
void ipc_free(struct ipc *c);

/* Queues one frame; 0 or a negative BUF_ERR_* code. */
int ipc_send(struct ipc *c, uint8_t type, const void *body, size_t n);
/* Writes queued bytes without blocking: 0 all sent, 1 some left, -1 error
 * (errno set). */
int ipc_flush(struct ipc *c);
/* Blocks until everything queued is written (at most timeout_ms): 0 or -1. */
int ipc_flush_wait(struct ipc *c, int timeout_ms);
/* Reads what is available without blocking: >0 bytes read, 0 peer closed,
 * -1 error (errno EAGAIN when nothing to read). */
int ipc_read(struct ipc *c);
/*
 * Takes the next complete frame: returns 1 and sets *type and *body (a
 * view valid until the next ipc_* call on c), 0 when none is complete
 * yet, or -1 for a frame whose length is 0 or over IPC_MAX_FRAME.
 */
int ipc_next(struct ipc *c, uint8_t *type, struct buf *body);

/* Typed encoders queue a message; decoders parse a body and reject
 * trailing bytes. Decoders return 0 or a negative BUF_ERR_* code. */
int ipc_send_auth_result(struct ipc *c, const struct ipc_auth_result *m);
int ipc_decode_auth_result(struct buf *body, struct ipc_auth_result *m);
void ipc_auth_result_free(struct ipc_auth_result *m);

int ipc_send_closed(struct ipc *c, const struct ipc_closed *m);
int ipc_decode_closed(struct buf *body, struct ipc_closed *m);
void ipc_closed_free(struct ipc_closed *m);

int ipc_send_str(struct ipc *c, uint8_t type, const char *s);
/* *s is a new C string the caller frees. */
int ipc_decode_str(struct buf *body, char **s);
int ipc_decode_empty(struct buf *body);

#endif
