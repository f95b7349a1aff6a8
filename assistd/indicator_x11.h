/*
 * indicator_x11: the indicator's window (see indicator.h), plain Xlib and
 * core fonts, run in the indicator's own process; nothing else in assistd
 * calls it.
 */
#ifndef ASSISTD_INDICATOR_X11_H
#define ASSISTD_INDICATOR_X11_H

/* The indicator process's exit statuses (for the log and tests). */
enum {
	INDICATOR_X11_EXIT_OK = 0,	/* the monitor closed its socket */
	INDICATOR_X11_EXIT_ERROR = 1,	/* could not set up */
	INDICATOR_X11_EXIT_DISPLAY = 2,	/* could not open the display */
	INDICATOR_X11_EXIT_XGONE = 3,	/* the X connection was lost */
	INDICATOR_X11_EXIT_PROTO = 4,	/* a bad message from the monitor */
};

/*
 * Connects to display, creates the (unmapped) window, says READY (or
 * FAIL, why) on fd, then serves the monitor's SHOW and HIDE messages and
 * reports button clicks as ACTION until fd closes. Returns an
 * INDICATOR_X11_EXIT_* status; a lost X connection _exits the process
 * from Xlib's I/O error handler (which must not return).
 */
int indicator_x11_run(int fd, const char *display);

#endif
