/*
 * session: the session channel with our subsystem "rfb", opened once the
 * user accepted (live.h). For now we check the RFB 3.8 greeting, then
 * only keep the channel drained; the viewer comes later. Steps, so that
 * the caller can record the session's start in the transcript (and
 * refuse to go on when it cannot) between opening and using it:
 * session_open, session_run, session_watch while live, session_close.
 */
#ifndef ASSIST_CLI_SESSION_H
#define ASSIST_CLI_SESSION_H

#include "assist-cli/settings.h"
#include "common/buf.h"

#include <libssh/libssh.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SESSION_SUBSYSTEM	"rfb"
#define SESSION_GREETING	"RFB 003.008\n"
#define SESSION_GREETING_LEN	12
#define SESSION_MAX_NOTE	512	/* assistd's stderr text shown, bytes */

/* Bytes we may queue for assistd (requests, keys, pointer). */
#define SESSION_MAX_PENDING	(256u * 1024)

struct chanpump;
struct rfbclient;
struct rfb_pixfmt;

/* An open rfb channel and what went through it. */
struct session {
	ssh_channel ch;
	struct chanpump *pump;	/* once session_watch* was called */
	bool eof;		/* assistd ended the channel */
	uint64_t bytes_in;	/* from the server */
	uint64_t bytes_out;	/* to the server */
	/* session_watch_decode: */
	struct rfbclient *rfb;	/* the decoder and its framebuffer */
	struct buf *rin;	/* received, not yet decoded */
	struct buf *rout;	/* for assistd, not yet queued */
	char rfb_err[256];	/* why decoding stopped ("": it did not) */
	/* session_watch_relay: */
	bool relay;		/* a local viewer's socket is attached */
};

/*
 * Opens the channel, requests the subsystem and reads exactly the
 * 12-byte greeting within the connect timeout. Returns CLI_EXIT_OK with
 * se filled (session_close it), or CLI_EXIT_SESSION with err set and
 * nothing left open.
 */
int session_open(ssh_session ss, const struct cli_settings *s,
		 struct session *se, char *err, size_t errsz);

/*
 * The same on a session channel that is already open (an older assistd
 * that refused the control channel: the rfb subsystem is asked on that
 * channel). ch is the session's from now on, whatever the outcome.
 */
int session_open_on(ssh_channel ch, const struct cli_settings *s,
		    struct session *se, char *err, size_t errsz);

/*
 * Uses the open session: for now prints the connected line on stdout.
 * Returns CLI_EXIT_OK (or, with the viewer, CLI_EXIT_SESSION with err).
 */
int session_run(struct session *se, const struct cli_settings *s,
		char *err, size_t errsz);

/*
 * Keeps the open channel drained while the session is live: a pump
 * (common/chanpump.h) in ev, which holds ss (both borrowed; session_close
 * first), counts what arrives in bytes_in and drops it until the viewer
 * exists. 0, or -1 with err.
 */
int session_watch(struct session *se, ssh_session ss, ssh_event ev,
		  char *err, size_t errsz);

/*
 * Decodes the stream instead (rfbclient.h, pixel format f): sends our
 * ProtocolVersion and goes on through the handshake and the updates as
 * bytes arrive. 0, or -1 with err.
 */
int session_watch_decode(struct session *se, ssh_session ss, ssh_event ev,
			 const struct rfb_pixfmt *f, char *err, size_t errsz);

/*
 * Relays the stream to a local VNC viewer on connected socket fd (owned
 * from now on, whatever the outcome): the greeting we already read is
 * written to it first, then bytes move both ways through the pump,
 * unparsed. 0, or -1 with err.
 */
int session_watch_relay(struct session *se, ssh_session ss, ssh_event ev,
			int fd, char *err, size_t errsz);

/* session_watch_decode: queues n bytes of our RFB messages for assistd
 * (outside libssh callbacks: also starts sending). 0, or -1 when the
 * channel has no room (dropped). */
int session_send(struct session *se, const void *p, size_t n);

/* session_watch_relay: true once the local viewer left. */
bool session_relay_gone(const struct session *se);

/*
 * After every ssh_event_dopoll: 0, 1 once assistd ended the channel
 * (EOF or close), -1 with err when it or the connection failed, or (with
 * session_watch_decode) the server's stream was refused by the decoder.
 */
int session_after_poll(struct session *se, char *err, size_t errsz);

/* Frees the pump, sends EOF, closes and frees the channel (call it
 * between polls); se->bytes_* stay readable. */
void session_close(struct session *se);

#endif
