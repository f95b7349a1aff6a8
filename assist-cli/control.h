/*
 * control: assist-cli's end of the control channel, a session channel
 * with subsystem "assist-control" (common/ctlproto.h) opened right after
 * authentication, before the rfb channel: HELLO and REQUEST_CONTROL go
 * up, WAITING and STATE come down whenever assistd sends them. The
 * channel is moved by a chanpump (common/chanpump.h) in the caller's
 * ssh_event loop; every frame from the server goes through ctl_next and
 * ctl_decode.
 */
#ifndef ASSIST_CLI_CONTROL_H
#define ASSIST_CLI_CONTROL_H

#include "common/buf.h"
#include "common/ctlproto.h"

#include <libssh/libssh.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Received bytes kept until parsed: four whole frames (a legitimate
 * server sends one or two at a time; more is refused, not stored). */
#define CONTROL_MAX_IN	(4 * (CTL_MAX_FRAME + 4))
/* Frames queued for the server (HELLO is the largest, < 300 bytes). */
#define CONTROL_MAX_OUT	(4 * (CTL_MAX_FRAME + 4))

/* control_open's answer when the server refused the subsystem (an older
 * assistd): the channel stays open for the plain rfb request. */
#define CONTROL_DENIED	1

struct chanpump;

struct control {
	ssh_channel ch;
	struct chanpump *pump;	/* once control_watch was called */
	struct buf in;		/* received, not yet parsed */
	bool eof;		/* assistd's EOF reached us, after its data */
	bool overflow;		/* assistd sent more than CONTROL_MAX_IN */
};

/*
 * Opens a session channel on ss (blocking) and asks for subsystem
 * "assist-control". 0 with c ready for control_watch; CONTROL_DENIED
 * when the server refused the subsystem (c->ch still open: take it with
 * control_take_channel); -1 with err. control_close c in every case.
 */
int control_open(ssh_session ss, struct control *c, char *err,
		 size_t errsz);

/* Gives the open channel away (the caller frees it); c keeps none. */
ssh_channel control_take_channel(struct control *c);

/*
 * Moves the channel with a pump in ev, which holds ss (both borrowed,
 * they outlive c's pump: control_close first). 0, or -1 with err.
 */
int control_watch(struct control *c, ssh_session ss, ssh_event ev,
		  char *err, size_t errsz);

/*
 * Queues one frame (ctl_encode: the sender's own limits are checked);
 * it leaves with the next control_after_poll. 0, or -1 with err.
 */
int control_send(struct control *c, uint8_t type, const struct ctl_msg *m,
		 char *err, size_t errsz);

/* After every ssh_event_dopoll and after control_send: moves the
 * channel. 0, or -1 with err once the channel or connection failed. */
int control_after_poll(struct control *c, char *err, size_t errsz);

/*
 * The next whole message received from assistd: 1 with *type and m
 * filled (ctl_msg_free it), 0 when none is complete, -1 with err for a
 * malformed frame, a type only clients send, or too much data.
 */
int control_next(struct control *c, uint8_t *type, struct ctl_msg *m,
		 char *err, size_t errsz);

/* True once assistd ended the channel (EOF or close) after all it sent
 * (ask when control_next said 0: no whole message is left). */
bool control_ended(const struct control *c);

/* Frees the pump, sends EOF, closes and frees the channel if any (call
 * it between polls); frees the buffer. */
void control_close(struct control *c);

#endif
