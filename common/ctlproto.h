/*
 * ctlproto: the session-control protocol between assist-cli and assistd,
 * on its own SSH channel (subsystem "assist-control") beside the "rfb"
 * channel: the helper's request (mode, reason), the verification code
 * and the consent state going back, later requests for control. Both
 * sides treat the other as hostile: one decoder per message, every field
 * checked, exact length.
 *
 * Frame: u32 length (of what follows, 1..CTL_MAX_FRAME), u8 type, body in
 * buf.h's SSH encoding:
 *   CTL_HELLO            u32 version, string mode, string reason
 *   CTL_REQUEST_CONTROL  (empty)
 *   CTL_WAITING          string user, string code, u32 timeout_secs
 *   CTL_STATE            string state, string mode, string by,
 *                        string message
 * mode is "view" or "control" ("" in a STATE that has none); state is
 * one of the CTL_STATE_* names below; by is "user", "helper", "" or an
 * end kind ("timeout", "error", "transcript", "shutdown").
 */
#ifndef ASSIST_CTLPROTO_H
#define ASSIST_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>
#include "common/buf.h"

#define CTL_SUBSYSTEM		"assist-control"
#define CTL_VERSION		1
#define CTL_MAX_FRAME		(16u * 1024)	/* largest frame */
#define CTL_MAX_REASON		200		/* helper's reason, bytes */
#define CTL_MAX_NAME		64		/* user, state, mode, by */
#define CTL_MAX_CODE		16		/* verification code */
#define CTL_MAX_MESSAGE		1024		/* STATE message */

enum ctl_type {
	/* assist-cli -> assistd */
	CTL_HELLO = 1,
	CTL_REQUEST_CONTROL = 2,
	/* assistd -> assist-cli */
	CTL_WAITING = 64,
	CTL_STATE = 65,
};

/* CTL_STATE states. */
#define CTL_STATE_ACCEPTED	"accepted"	/* mode = granted access */
#define CTL_STATE_REFUSED	"refused"	/* the user said no */
#define CTL_STATE_TIMEOUT	"timeout"	/* no answer in time */
#define CTL_STATE_BUSY		"busy"		/* with another helper */
#define CTL_STATE_ENDED		"ended"		/* by = who or why */
#define CTL_STATE_MODE		"mode"		/* mode changed, by = who */
#define CTL_STATE_CONTROL_REFUSED "control_refused" /* later request */

/* One message; which fields are used depends on type (see above).
 * Strings are owned by the struct after ctl_decode (ctl_msg_free). */
struct ctl_msg {
	uint32_t version;	/* HELLO */
	uint32_t timeout_secs;	/* WAITING */
	char *mode;		/* HELLO, STATE */
	char *reason;		/* HELLO */
	char *user;		/* WAITING */
	char *code;		/* WAITING */
	char *state;		/* STATE */
	char *by;		/* STATE */
	char *message;		/* STATE */
};

/*
 * Appends one frame of type with m's fields to out (NULL strings sent as
 * ""). Returns 0 or a negative BUF_ERR_* code (BUF_ERR_LIMIT when a
 * field is over its limit: the sender checks what it sends too, or when
 * out cannot take the whole frame: out is then unchanged).
 */
int ctl_encode(struct buf *out, uint8_t type, const struct ctl_msg *m);

/*
 * Takes the next complete frame from in: 1 with *type and *body (a view
 * into in, valid until in is modified), 0 when none is complete yet, -1
 * for a frame of length 0 or over CTL_MAX_FRAME.
 */
int ctl_next(struct buf *in, uint8_t *type, struct buf *body);

/*
 * Decodes a body of type into m: 0, or -1 with a one-line reason in err
 * (unknown type, short or trailing bytes, a string over its limit or
 * with a NUL, a mode/state/by outside the lists above, version not 1,
 * "accepted" or "mode" without a mode, "mode" by other than user or
 * helper, a WAITING user with control bytes or a code not all digits).
 * On failure m is left zeroed (nothing to free).
 */
int ctl_decode(uint8_t type, struct buf *body, struct ctl_msg *m,
	       char *err, size_t errsz);
void ctl_msg_free(struct ctl_msg *m);

#endif
