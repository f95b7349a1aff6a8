/*
 * xconn: an Xlib connection that the monitor survives losing. Used by
 * capture.c and inject.c (each has its own connection).
 *
 * Why this exists: Xlib's I/O error handler may not return, and its
 * default exit handler calls exit(), which would end assistd (and every
 * session, without a transcript end) when the user's X server goes away.
 * libX11 >= 1.8 (Debian 12 has 1.8.4) has XSetIOErrorExitHandler: when
 * both the process-wide I/O error handler and this per-display exit
 * handler return, Xlib marks the Display broken (XlibDisplayIOError), the
 * call that met the error returns a failure value, every later call on
 * that Display returns at once without I/O, and XCloseDisplay frees it.
 * So the connection is marked dead here and its owner reports the loss
 * from its next call. The capture stays in the monitor's process (its
 * frame is what the RFB encoder reads; a process of its own would need
 * a shared framebuffer and a handshake for every update).
 *
 * The one window the exit handler cannot cover is XOpenDisplay itself
 * (the handler is per Display, and there is none yet): there the
 * process-wide I/O error handler longjmps back into xconn_open, which
 * closes the half-open connection's socket and fails. The half-built
 * Display's memory (about 75 KiB) stays allocated: Xlib cannot free a
 * Display it never finished. A server dies in that window rarely (its
 * connection handshake takes milliseconds); the process lives on.
 *
 * Protocol errors (BadMatch from a grab racing a resize, ...) go to a
 * process-wide handler that logs them at debug level and returns: the
 * request that failed returns its failure value to the caller. Xlib's
 * error handlers are process-wide by Xlib's design; xconn_open installs
 * them (the indicator, which installs its own, runs in its own process).
 */
#ifndef ASSISTD_XCONN_H
#define ASSISTD_XCONN_H

#include <stddef.h>
#include <X11/Xlib.h>

#define XCONN_WHY_MAX	128

struct xconn {
	Display *dpy;		/* NULL when not open */
	int dead;		/* 1: the X server is gone (see above) */
	unsigned long errors;	/* protocol errors seen on this display */
};

/*
 * Opens display (NULL: $DISPLAY) into x. 0, or -1 with a one-line reason
 * in err (no display, or the server went away while we connected).
 */
int xconn_open(struct xconn *x, const char *display, char *err,
	       size_t errsz);
/* Closes the display (alive or dead); x->dpy is NULL after. */
void xconn_close(struct xconn *x);

/* 1 when the connection is lost; err then says so. */
int xconn_lost(const struct xconn *x, char *err, size_t errsz);

/* 1 when the X server is reached over a local (AF_UNIX) socket: the
 * condition for sharing memory with it. */
int xconn_is_local(const struct xconn *x);

/*
 * Runs XSync and reports whether a protocol error arrived for this
 * display since errors_before (a copy of x->errors taken before the
 * requests): 1 yes, 0 no, -1 the connection is lost.
 */
int xconn_sync_failed(struct xconn *x, unsigned long errors_before);

#endif
