/*
 * xevents: a small X client for the input tests: maps a window covering
 * the screen at (0, 0), takes the keyboard focus, and prints one line per
 * event it gets:
 *   ready WID
 *   key NAME KEYCODE STATE        a KeyPress: the keysym XLookupString
 *                                 gives (XKeysymToString's name, U+HEX
 *                                 for Unicode keysyms), keycode, state
 *   keyup NAME KEYCODE STATE      a KeyRelease
 *   button B X Y STATE            a ButtonPress at window (= root) X Y
 *   buttonup B X Y STATE
 * Keeps its keyboard map current (MappingNotify). Ends on stdin's EOF.
 *
 * Xlib sets up XKB (and asks for its map-change events) lazily, at the
 * first key translation: a key bound between that set-up's first request
 * and the selection of those events would never be known to this client
 * (the server sends an XKB client no core MappingNotify). Real toolkits
 * set XKB up at start; so does this client, before "ready".
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>

#define XEV_UNICODE	0x01000000ul

static void
xev_name(KeySym ks, char *out, size_t outsz)
{
	const char *s;

	if ((ks & 0xff000000ul) == XEV_UNICODE) {
		snprintf(out, outsz, "U+%04lX", ks & 0xfffffful);
		return;
	}
	s = ks != NoSymbol ? XKeysymToString(ks) : NULL;
	snprintf(out, outsz, "%s", s != NULL ? s : "NoSymbol");
}

static void
xev_event(Display *dpy, XEvent *ev)
{
	char name[64], buf[16];
	KeySym ks = NoSymbol;

	switch (ev->type) {
	case KeyPress:
	case KeyRelease:
		XLookupString(&ev->xkey, buf, sizeof(buf), &ks, NULL);
		xev_name(ks, name, sizeof(name));
		printf("%s %s %u 0x%x\n", ev->type == KeyPress ? "key" :
		    "keyup", name, ev->xkey.keycode, ev->xkey.state);
		break;
	case ButtonPress:
	case ButtonRelease:
		printf("%s %u %d %d 0x%x\n", ev->type == ButtonPress ?
		    "button" : "buttonup", ev->xbutton.button, ev->xbutton.x,
		    ev->xbutton.y, ev->xbutton.state);
		break;
	case MappingNotify:
		XRefreshKeyboardMapping(&ev->xmapping);
		break;
	case MapNotify:
		XSetInputFocus(dpy, ev->xmap.window, RevertToParent,
		    CurrentTime);
		printf("ready %lu\n", (unsigned long)ev->xmap.window);
		break;
	default:
		break;
	}
}

int
main(void)
{
	Display *dpy;
	Window win;
	XSetWindowAttributes wa;
	struct pollfd p[2];
	XEvent ev;
	char junk[256];
	int scr;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((dpy = XOpenDisplay(NULL)) == NULL) {
		fprintf(stderr, "xevents: cannot open the display\n");
		return 2;
	}
	scr = DefaultScreen(dpy);
	memset(&wa, 0, sizeof(wa));
	wa.background_pixel = WhitePixel(dpy, scr);
	wa.override_redirect = True;
	wa.event_mask = KeyPressMask | KeyReleaseMask | ButtonPressMask |
	    ButtonReleaseMask | StructureNotifyMask;
	win = XCreateWindow(dpy, RootWindow(dpy, scr), 0, 0,
	    (unsigned)DisplayWidth(dpy, scr), (unsigned)DisplayHeight(dpy, scr),
	    0, CopyFromParent, InputOutput, CopyFromParent,
	    CWBackPixel | CWOverrideRedirect | CWEventMask, &wa);
	XMapRaised(dpy, win);
	(void)XKeysymToKeycode(dpy, XK_a);	/* XKB set up now */
	XSync(dpy, False);
	p[0].fd = ConnectionNumber(dpy);
	p[0].events = POLLIN;
	p[1].fd = STDIN_FILENO;
	p[1].events = POLLIN;
	for (;;) {
		while (XPending(dpy) > 0) {
			XNextEvent(dpy, &ev);
			xev_event(dpy, &ev);
		}
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents && read(STDIN_FILENO, junk, sizeof(junk)) <= 0)
			break;
	}
	XCloseDisplay(dpy);
	return 0;
}
