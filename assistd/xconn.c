/*
 * xconn: see xconn.h for why the monitor's X connections are opened
 * here. The few statics below are forced by Xlib: its error and I/O
 * error handlers are process-wide functions without a user pointer.
 */
#include "assistd/xconn.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"

#if !defined(XlibSpecificationRelease) || XlibSpecificationRelease < 6
#error "Xlib R6 or later is needed"
#endif

#define XCONN_MAX	8	/* open connections one process may have */

/* The connections whose protocol errors we count (Xlib's error handler
 * only names the Display). */
static struct xconn *xconn_open_list[XCONN_MAX];

/* The guard around XOpenDisplay (see xconn.h): armed only during it. */
static jmp_buf xconn_open_jmp;
static volatile int xconn_open_armed;
static Display *volatile xconn_open_dying;

/* Displays abandoned inside XOpenDisplay: Xlib cannot free one it never
 * finished (XCloseDisplay crashes on its missing GCs), so they are kept
 * here, the first XCONN_ABANDONED_MAX of them, rather than lost. */
#define XCONN_ABANDONED_MAX	16
static Display *xconn_abandoned[XCONN_ABANDONED_MAX];
static int xconn_nabandoned;

static struct xconn *
xconn_find(Display *dpy)
{
	int i;

	for (i = 0; i < XCONN_MAX; i++)
		if (xconn_open_list[i] != NULL && xconn_open_list[i]->dpy == dpy)
			return xconn_open_list[i];
	return NULL;
}

/* A protocol error: counted and logged; the failed request returns its
 * failure value to its caller, who decides. Xlib's default exits. */
static int
xconn_error(Display *dpy, XErrorEvent *e)
{
	struct xconn *x = xconn_find(dpy);

	if (x != NULL)
		x->errors++;
	log_debug("X error %d on request %d.%d (serial %lu)",
	    (int)e->error_code, (int)e->request_code, (int)e->minor_code,
	    e->serial);
	return 0;
}

/* Xlib's default prints and exits. Returning hands over to the display's
 * exit handler (xconn_io_exit), except inside XOpenDisplay, where there
 * is none of ours yet: jump back to xconn_open. */
static int
xconn_io_error(Display *dpy)
{
	if (xconn_open_armed) {
		xconn_open_armed = 0;
		xconn_open_dying = dpy;
		longjmp(xconn_open_jmp, 1);
	}
	return 0;
}

/* Per display: returning (instead of exit()) makes Xlib unwind the call
 * that met the error; the connection is marked dead for its owner. */
static void
xconn_io_exit(Display *dpy, void *data)
{
	struct xconn *x = data;

	(void)dpy;
	if (!x->dead)
		log_debug("X connection lost");
	x->dead = 1;
}

static int
xconn_register(struct xconn *x)
{
	int i;

	for (i = 0; i < XCONN_MAX; i++)
		if (xconn_open_list[i] == NULL) {
			xconn_open_list[i] = x;
			return 0;
		}
	return -1;
}

static void
xconn_unregister(struct xconn *x)
{
	int i;

	for (i = 0; i < XCONN_MAX; i++)
		if (xconn_open_list[i] == x)
			xconn_open_list[i] = NULL;
}

/* XOpenDisplay with the guard. NULL when it failed or was cut short. */
static Display *
xconn_open_guarded(const char *display, int *cut)
{
	Display *volatile dpy = NULL;

	*cut = 0;
	if (setjmp(xconn_open_jmp) != 0) {
		/* Only the half-built Display's socket can be given back. */
		if (xconn_open_dying != NULL) {
			close(ConnectionNumber(xconn_open_dying));
			if (xconn_nabandoned < XCONN_ABANDONED_MAX)
				xconn_abandoned[xconn_nabandoned++] =
				    xconn_open_dying;
		}
		xconn_open_dying = NULL;
		*cut = 1;
		return NULL;
	}
	xconn_open_armed = 1;
	dpy = XOpenDisplay(display);
	xconn_open_armed = 0;
	return dpy;
}

int
xconn_open(struct xconn *x, const char *display, char *err, size_t errsz)
{
	const char *name = display != NULL ? display : XDisplayName(NULL);
	char safe[64];
	int cut;

	memset(x, 0, sizeof(*x));
	XSetErrorHandler(xconn_error);
	XSetIOErrorHandler(xconn_io_error);
	log_sanitize_str(safe, sizeof(safe), name != NULL ? name : "");
	x->dpy = xconn_open_guarded(display, &cut);
	if (x->dpy == NULL) {
		snprintf(err, errsz, cut ? "X display \"%s\" went away while "
		    "connecting" : "cannot open X display \"%s\"", safe);
		return -1;
	}
	XSetIOErrorExitHandler(x->dpy, xconn_io_exit, x);
	if (xconn_register(x) != 0) {
		XCloseDisplay(x->dpy);
		x->dpy = NULL;
		snprintf(err, errsz, "too many X connections (%d)", XCONN_MAX);
		return -1;
	}
	return 0;
}

void
xconn_close(struct xconn *x)
{
	if (x->dpy == NULL)
		return;
	xconn_unregister(x);
	XCloseDisplay(x->dpy);
	x->dpy = NULL;
}

int
xconn_lost(const struct xconn *x, char *err, size_t errsz)
{
	if (!x->dead)
		return 0;
	snprintf(err, errsz, "lost the connection to the X server");
	return 1;
}

int
xconn_is_local(const struct xconn *x)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(ConnectionNumber(x->dpy), (struct sockaddr *)&ss,
	    &len) != 0)
		return 0;
	return ss.ss_family == AF_UNIX;
}

int
xconn_sync_failed(struct xconn *x, unsigned long errors_before)
{
	XSync(x->dpy, False);
	if (x->dead)
		return -1;
	return x->errors != errors_before;
}
