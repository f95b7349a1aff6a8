/*
 * indicator: the always-on-top window on the user's X display that says,
 * while a session is live, which helper is there and in which mode (R2),
 * with two buttons that only ever reduce access: "End session" and
 * "View only" (the latter only while the helper has control).
 *
 * The window lives in a small child process that indicator_open() forks:
 * it alone holds the X connection, and the monitor talks to it over a
 * socketpair (ipc.h frames, every message decoded by one checked function
 * below). Why a process: Xlib's I/O error handler must not return (Xlib
 * exits the process when it does), so a lost X server (logout, a killed
 * Xvfb) must end a process that can afford it; here it ends the child
 * only, the monitor reads EOF (INDICATOR_GONE) and goes on with the
 * terminal. It also keeps Xlib's parsing of the X server's replies out of
 * the process that holds the transcript and the session.
 *
 * Everything the indicator shows of the helper is escaped (log_sanitize:
 * control characters, backslash and non-ASCII bytes as \xNN) and cut to
 * INDICATOR_NAME_MAX bytes, in the window and in its title.
 */
#ifndef ASSISTD_INDICATOR_H
#define ASSISTD_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/ipc.h"

#define INDICATOR_NAME_MAX	64	/* the helper's escaped name, bytes (a
					 * key fingerprint is 50) */
#define INDICATOR_TEXT_MAX	128	/* the label and the window title */
#define INDICATOR_OPEN_MS	5000	/* for the child to reach the display */
#define INDICATOR_CLOSE_MS	1000	/* for the child to exit at close */

/* What the user did on the indicator (or that it is gone). */
enum indicator_action {
	INDICATOR_NONE = 0,	/* nothing to do */
	INDICATOR_END = 1,	/* "End session" clicked */
	INDICATOR_VIEW_ONLY = 2,/* "View only" clicked */
	INDICATOR_GONE = 3,	/* the child or its X server went away: call
				 * indicator_close and rely on the terminal */
};

struct indicator;

/*
 * Forks the indicator's process, which connects to X display `display`
 * (e.g. getenv("DISPLAY")) and waits, unmapped, for indicator_show.
 * Returns the handle (the caller owns it: indicator_close), or NULL with
 * a one-line reason in err when display is NULL or "" or cannot be
 * reached within INDICATOR_OPEN_MS: the caller then relies on the
 * terminal. The child resets every signal to its default, ignores
 * SIGINT, SIGHUP and SIGPIPE (the terminal's ^C is the monitor's), keeps
 * only stderr of the caller's descriptors, and exits when the handle is
 * closed or its parent dies.
 */
struct indicator *indicator_open(const char *display, char *err,
				 size_t errsz);

/* The descriptor to poll for POLLIN; then call indicator_handle. */
int indicator_fd(const struct indicator *ind);

/*
 * Shows (or updates) the window: helper is the helper's name as raw,
 * untrusted bytes (escaped and cut here), mode IPC_MODE_VIEW or
 * IPC_MODE_CONTROL (any other value is shown as control: the window
 * never claims less access than there may be). Failures end the child;
 * the next indicator_handle says INDICATOR_GONE.
 */
void indicator_show(struct indicator *ind, const char *helper, int mode);
/* Takes the window off the screen (no session). */
void indicator_hide(struct indicator *ind);

/*
 * Reads what the child sent, without blocking. Returns the strongest
 * action among those pending (END over VIEW_ONLY), INDICATOR_NONE, or
 * INDICATOR_GONE once the child closed or misbehaved (then it is killed).
 */
enum indicator_action indicator_handle(struct indicator *ind);

/* Closes the window and its process (waited for, at most
 * INDICATOR_CLOSE_MS, then killed) and frees ind. NULL is a no-op. */
void indicator_close(struct indicator *ind);

/* "END", "VIEW_ONLY", ... for logs and tests. */
const char *indicator_action_name(enum indicator_action a);

/* ---- Pure parts, shared with the indicator's process and the tests. */

/*
 * The window's text: "NAME is viewing your screen" (IPC_MODE_VIEW) or
 * "NAME controls your screen" (any other mode), NAME being helper
 * escaped and cut to INDICATOR_NAME_MAX bytes with "...". dst holds
 * INDICATOR_TEXT_MAX bytes or fewer (then cut too); always terminated.
 */
void indicator_label(char *dst, size_t dstsz, const char *helper, int mode);
/* The window title: "assist: " and the label, same rules. */
void indicator_title(char *dst, size_t dstsz, const char *helper, int mode);

struct indicator_rect {
	int x, y, w, h;
};

/* Font measurements (pixels) the layout is computed from. */
struct indicator_metrics {
	int ascent, descent;	/* of the font */
	int label_w;		/* width of the label text */
	int end_w, view_w;	/* of "End session", "View only" */
};

/*
 * The window: the label on top, the buttons below it, left-aligned
 * ("End session" first, so it never moves when "View only" goes away
 * and a double click on "View only" cannot end the session). All
 * coordinates are inside the window.
 */
struct indicator_layout {
	int w, h;			/* window size */
	int label_x, label_baseline;	/* where the label is drawn */
	struct indicator_rect end;	/* "End session" */
	struct indicator_rect view;	/* "View only"; all 0 when hidden */
	bool show_view;
};

#define INDICATOR_PAD		8	/* window edge to content */
#define INDICATOR_GAP		8	/* label to buttons, button to button */
#define INDICATOR_BTN_PADX	10	/* button edge to its text */
#define INDICATOR_BTN_PADY	4
#define INDICATOR_MIN_W		160	/* never narrower than this */
#define INDICATOR_MAX_DIM	4096	/* metrics beyond this are clamped */

/* Computes the layout from m (negative or huge metrics are clamped to
 * 0..INDICATOR_MAX_DIM); show_view: whether "View only" is there. */
void indicator_layout(struct indicator_layout *l,
		      const struct indicator_metrics *m, bool show_view);
/* The button at (x, y): INDICATOR_END, INDICATOR_VIEW_ONLY (only when
 * shown) or INDICATOR_NONE. */
enum indicator_action indicator_hit(const struct indicator_layout *l, int x,
				    int y);

/*
 * The monitor <-> indicator process messages (ipc.h frames). Encoders
 * queue on the struct ipc; decoders take one frame's body, check every
 * field and the exact length, and return 0 or a negative BUF_ERR_*.
 *   child -> monitor: READY {}, FAIL {string why}, ACTION {u8 action:
 *                     END or VIEW_ONLY only}
 *   monitor -> child: SHOW {u8 mode: IPC_MODE_VIEW|CONTROL, string
 *                     helper (raw bytes, no NUL, <= IPC_MAX_STR)}, HIDE {}
 */
enum indicator_msg {
	INDICATOR_MSG_READY = 1,
	INDICATOR_MSG_FAIL = 2,
	INDICATOR_MSG_ACTION = 3,
	INDICATOR_MSG_SHOW = 64,
	INDICATOR_MSG_HIDE = 65,
};

int indicator_send_action(struct ipc *c, enum indicator_action a);
int indicator_send_fail(struct ipc *c, const char *why);
int indicator_send_show(struct ipc *c, uint8_t mode, const char *helper);
int indicator_decode_action(struct buf *body, enum indicator_action *a);
/* *helper is a new C string the caller frees (only on success). */
int indicator_decode_show(struct buf *body, uint8_t *mode, char **helper);
/* FAIL's text: *why is a new C string the caller frees. */
int indicator_decode_fail(struct buf *body, char **why);

#endif
