/*
 * viewer: assist-cli's window on the user's screen (Xlib). Shows the
 * framebuffer rfbclient.h decodes, scaled down (nearest neighbour) when
 * the remote screen is larger than ours; its title names user, host and
 * mode ("assist: USER@HOST — view only|control"), and in view-only mode
 * a wide orange border says so too. In control mode, keys (as keysyms)
 * and the pointer (scaled back to remote coordinates) become RFB
 * KeyEvent/PointerEvent messages; in view-only mode nothing is sent.
 * Closing the window (WM_DELETE_WINDOW) ends the session.
 *
 * Xlib's I/O error handler must not return (Xlib exits the process
 * then): a lost X server ends assist-cli without the transcript's
 * session.end (the transcript then reads "incomplete", a warning).
 */
#ifndef ASSIST_CLI_VIEWER_H
#define ASSIST_CLI_VIEWER_H

#include "assist-cli/rfbclient.h"
#include "common/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIEWER_MARGIN		64	/* screen pixels left for the WM */
#define VIEWER_BORDER		6	/* view-only border, pixels */
#define VIEWER_MAX_TITLE	(RFBCLIENT_MAX_NAME + 64)

/*
 * The window size for a remote screen rw x rh on a local screen sw x sh:
 * the remote size when it fits in (sw - VIEWER_MARGIN) x (sh -
 * VIEWER_MARGIN), else scaled down keeping the aspect ratio (never
 * below 1 x 1, never scaled up). Pure.
 */
void viewer_fit(unsigned rw, unsigned rh, unsigned sw, unsigned sh,
		unsigned *vw, unsigned *vh);

/* The remote coordinate shown at window coordinate x (window size vw,
 * remote size rw), clamped to 0..rw-1 (0 when rw is 0). Pure. */
unsigned viewer_to_remote(int x, unsigned vw, unsigned rw);

/* The window coordinate where remote coordinate r starts (inverse of
 * viewer_to_remote, rounded down). Pure. */
unsigned viewer_to_window(unsigned r, unsigned rw, unsigned vw);

/* The window's title for who ("user@host", escaped already). Pure. */
void viewer_title(char *out, size_t outsz, const char *who, bool view_only);

struct viewer;	/* opaque */

/* Opens the display ($DISPLAY) and a window for a rw x rh remote screen.
 * NULL with a one-line reason in err (no display, unsupported visual). */
struct viewer *viewer_open(const char *who, bool view_only, uint16_t rw,
			   uint16_t rh, char *err, size_t errsz);
void viewer_close(struct viewer *v);

/* The X connection's fd, for the caller's poll. */
int viewer_fd(const struct viewer *v);

/* View only or control: title and border follow. */
void viewer_set_mode(struct viewer *v, bool view_only);

/* Shows box b of c's framebuffer (c may have been resized: the window
 * follows). 0, or -1 with err. */
int viewer_show(struct viewer *v, const struct rfbclient *c,
		const struct rfbclient_box *b, char *err, size_t errsz);

/*
 * Handles every X event waiting: redraws, and in control mode appends
 * RFB key and pointer messages to out. Returns 1 when the window was
 * closed, else 0.
 */
int viewer_events(struct viewer *v, const struct rfbclient *c,
		  struct buf *out);

#endif
