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
	IPC_MODE_REQUEST = 4,	/* the helper asks for control (ipc_ctl) */
	IPC_CODE_CHECK = 5,	/* a one-time code answer (ipc_ctl text) */
	/* monitor -> network process */
	IPC_SESSION_GRANT = 64,	/* go ahead, in this mode (ipc_ctl) */
	IPC_SESSION_DENY = 65,	/* no session; kind, why (ipc_ctl) */
	IPC_SHUTDOWN = 66,	/* end the connection now; kind, why */
	IPC_CONSENT_WAIT = 67,	/* the question is on the user's screen */
	IPC_MODE = 68,		/* the mode changed; by whom (ipc_ctl) */
	IPC_CODE_RESULT = 69,	/* one-time code right or not; tries left */
};

/* Access modes (ipc_ctl.mode). */
enum ipc_mode { IPC_MODE_VIEW = 1, IPC_MODE_CONTROL = 2 };

/* Why a session was refused or ended (ipc_ctl.kind of IPC_SESSION_DENY
 * and IPC_SHUTDOWN); the helper is told which. */
enum ipc_end {
	IPC_END_REFUSED = 1,	/* the user said no */
	IPC_END_TIMEOUT = 2,	/* the user did not answer in time */
	IPC_END_BUSY = 3,	/* the user is with another helper */
	IPC_END_SHUTDOWN = 4,	/* assistd is stopping */
	IPC_END_USER = 5,	/* the user ended the session */
	IPC_END_ERROR = 6,	/* an internal error */
	IPC_END_TRANSCRIPT = 7,	/* the transcript cannot be written */
	IPC_END_MAX = 7,
};

/* Who changed the mode (ipc_ctl.kind of IPC_MODE). */
enum ipc_by { IPC_BY_USER = 1, IPC_BY_HELPER = 2 };

/*
 * The small control messages, one struct, checked per type by
 * ipc_decode_ctl (fields a type does not use must be 0 / ""):
 *   IPC_SESSION_REQUEST  mode (requested), kind (1: via the control
 *                        channel, 0: plain "rfb"), text = reason
 *   IPC_MODE_REQUEST     (nothing)
 *   IPC_CODE_CHECK       text = the helper's answer
 *   IPC_SESSION_GRANT    mode
 *   IPC_SESSION_DENY     kind (ipc_end), text = message for the helper
 *   IPC_SHUTDOWN         kind (ipc_end), text = message for the helper
 *   IPC_CONSENT_WAIT     num = timeout in seconds, text = verification
 *                        code, text2 = the user's name
 *   IPC_MODE             mode, kind (ipc_by): the session's mode is now
 *                        mode. {control, BY_HELPER}: a control request was
 *                        granted. {view, BY_USER}: the user took control
 *                        back, or, while the helper's IPC_MODE_REQUEST is
 *                        pending, refused it (or did not answer): the
 *                        helper stays in view ("control_refused").
 *   IPC_CODE_RESULT      kind (1 right, 0 wrong), num = tries left
 * Strings are owned by the struct after decode (ipc_ctl_free).
 */
struct ipc_ctl {
	uint8_t mode;
	uint8_t kind;
	uint32_t num;
	char *text;
	char *text2;
};

#define IPC_REASON_MAX	200	/* a helper's stated reason, bytes */
#define IPC_CODE_MAX	32	/* a verification or one-time code */

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


/* A connection's buffered state. fd is not owned. */
struct ipc {
	int fd;
	struct buf in;
	struct buf out;
};

void ipc_init(struct ipc *c, int fd);
void ipc_free(struct ipc *c);

/* Queues one frame, all or nothing; 0 or a negative BUF_ERR_* code. */
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

/* Any of the ipc_ctl types; NULL strings are sent as "". */
int ipc_send_ctl(struct ipc *c, uint8_t type, const struct ipc_ctl *m);
/* Decodes a body of that type and checks every field for it. */
int ipc_decode_ctl(struct buf *body, uint8_t type, struct ipc_ctl *m);
void ipc_ctl_free(struct ipc_ctl *m);
/* 1 when type is one of the ipc_ctl types, else 0. */
int ipc_is_ctl(uint8_t type);
/* "view" / "control" / "?" and "refused", "timeout", ... for logs and the
 * transcript. */
const char *ipc_mode_name(uint8_t mode);
const char *ipc_end_name(uint8_t kind);

int ipc_send_str(struct ipc *c, uint8_t type, const char *s);
/* *s is a new C string the caller frees. */
int ipc_decode_str(struct buf *body, char **s);
int ipc_decode_empty(struct buf *body);

#endif
