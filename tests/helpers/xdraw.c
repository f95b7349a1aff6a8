/*
 * xdraw: draws known content on $DISPLAY on command, for the capture
 * tests and benchmarks (a 24-bit TrueColor screen, as Xvfb's: a colour
 * RRGGBB is its own pixel value). One command per stdin line, each
 * answered with one line once the X server has done it (XSync):
 *   rect X Y W H RRGGBB        fill a rectangle of the root window
 *   text X Y RRGGBB STRING     draw STRING in the "fixed" font
 *   noise X Y W H SEED         fill with pseudo-random pixels (video)
 *   window X Y W H RRGGBB      map a new window ("window ID")
 *   move ID X Y | destroy ID   move / destroy one of those windows
 *   cursor NAME                the root window's cursor (left_ptr,
 *                              watch, xterm, crosshair, hand2)
 *   warp X Y                   move the pointer
 *   resize W H                 change the screen size with RandR
 *   sum X Y W H                "sum HEX" of XGetImage's pixels there
 *   sync | quit
 * Answers "ok", "window ID", "sum HEX" or "error WHY".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/cursorfont.h>
#include <X11/extensions/Xrandr.h>

#include "tests/helpers/pixsum.h"

#define XDRAW_NOISE_MAX	(4096 * 4096)

struct xdraw {
	Display *dpy;
	int scr;
	Window root;
	GC gc;
	XFontStruct *font;
};

static const struct {
	const char *name;
	unsigned shape;
} xdraw_cursors[] = {
	{ "left_ptr", XC_left_ptr }, { "watch", XC_watch },
	{ "xterm", XC_xterm }, { "crosshair", XC_crosshair },
	{ "hand2", XC_hand2 },
};

static int
xdraw_error(Display *dpy, XErrorEvent *e)
{
	char text[128];

	XGetErrorText(dpy, e->error_code, text, sizeof(text));
	fprintf(stderr, "xdraw: X error: %s (request %d)\n", text,
	    (int)e->request_code);
	return 0;
}

static int
xdraw_rect(struct xdraw *d, const char *a)
{
	int x, y, w, h;
	unsigned long c;

	if (sscanf(a, "%d %d %d %d %lx", &x, &y, &w, &h, &c) != 5 || w <= 0 ||
	    h <= 0)
		return -1;
	XSetForeground(d->dpy, d->gc, c);
	XFillRectangle(d->dpy, d->root, d->gc, x, y, (unsigned)w, (unsigned)h);
	return 0;
}

static int
xdraw_text(struct xdraw *d, const char *a)
{
	int x, y, n;
	unsigned long c;

	if (sscanf(a, "%d %d %lx %n", &x, &y, &c, &n) != 3)
		return -1;
	XSetForeground(d->dpy, d->gc, c);
	XDrawString(d->dpy, d->root, d->gc, x, y, a + n, (int)strlen(a + n));
	return 0;
}

static int
xdraw_noise(struct xdraw *d, const char *a)
{
	int x, y, w, h, i;
	unsigned seed;
	uint32_t *px, v;
	XImage *img;

	if (sscanf(a, "%d %d %d %d %u", &x, &y, &w, &h, &seed) != 5 ||
	    w <= 0 || h <= 0 || (size_t)w * (size_t)h > XDRAW_NOISE_MAX)
		return -1;
	if ((px = malloc((size_t)w * (size_t)h * 4)) == NULL)
		return -1;
	v = seed * 2654435761u + 1;
	for (i = 0; i < w * h; i++) {
		v ^= v << 13;
		v ^= v >> 17;
		v ^= v << 5;
		px[i] = v & 0xffffff;
	}
	img = XCreateImage(d->dpy, DefaultVisual(d->dpy, d->scr),
	    (unsigned)DefaultDepth(d->dpy, d->scr), ZPixmap, 0, (char *)px,
	    (unsigned)w, (unsigned)h, 32, w * 4);
	if (img == NULL) {
		free(px);
		return -1;
	}
	XPutImage(d->dpy, d->root, d->gc, img, 0, 0, x, y, (unsigned)w,
	    (unsigned)h);
	XDestroyImage(img);	/* frees px */
	return 0;
}

static int
xdraw_window(struct xdraw *d, const char *a)
{
	XSetWindowAttributes wa;
	int x, y, w, h;
	unsigned long c;
	Window win;

	if (sscanf(a, "%d %d %d %d %lx", &x, &y, &w, &h, &c) != 5 || w <= 0 ||
	    h <= 0)
		return -1;
	wa.background_pixel = c;
	wa.override_redirect = True;
	win = XCreateWindow(d->dpy, d->root, x, y, (unsigned)w, (unsigned)h,
	    0, CopyFromParent, InputOutput, CopyFromParent,
	    CWBackPixel | CWOverrideRedirect, &wa);
	XMapRaised(d->dpy, win);
	XSync(d->dpy, False);
	printf("window %lu\n", (unsigned long)win);
	return 1;
}

static int
xdraw_move(struct xdraw *d, const char *a)
{
	unsigned long win;
	int x, y;

	if (sscanf(a, "%lu %d %d", &win, &x, &y) != 3)
		return -1;
	XMoveWindow(d->dpy, (Window)win, x, y);
	return 0;
}

static int
xdraw_destroy(struct xdraw *d, const char *a)
{
	unsigned long win;

	if (sscanf(a, "%lu", &win) != 1)
		return -1;
	XDestroyWindow(d->dpy, (Window)win);
	return 0;
}

static int
xdraw_cursor(struct xdraw *d, const char *a)
{
	size_t i;

	for (i = 0; i < sizeof(xdraw_cursors) / sizeof(xdraw_cursors[0]); i++)
		if (strcmp(a, xdraw_cursors[i].name) == 0) {
			XDefineCursor(d->dpy, d->root,
			    XCreateFontCursor(d->dpy, xdraw_cursors[i].shape));
			return 0;
		}
	return -1;
}

static int
xdraw_warp(struct xdraw *d, const char *a)
{
	int x, y;

	if (sscanf(a, "%d %d", &x, &y) != 2)
		return -1;
	XWarpPointer(d->dpy, None, d->root, 0, 0, 0, 0, x, y);
	return 0;
}

/*
 * Xvfb's only output mode is its initial size (the xrandr tool cannot
 * shrink the screen: it refuses a screen smaller than the output's mode,
 * and with the output off asks for a 0x0 screen), but it accepts any
 * screen size up to that one: the CRTC is switched off, the screen
 * resized, and the CRTC switched back on where a mode of that size
 * exists.
 */
static int
xdraw_resize(struct xdraw *d, const char *a)
{
	XRRScreenResources *res;
	XRRCrtcInfo *ci = NULL;
	RRMode mode = None;
	RROutput out = None;
	int w, h, i, rc = -1;

	if (sscanf(a, "%d %d", &w, &h) != 2 || w <= 0 || h <= 0)
		return -1;
	if ((res = XRRGetScreenResources(d->dpy, d->root)) == NULL)
		return -1;
	if (res->ncrtc < 1 || res->noutput < 1)
		goto done;
	ci = XRRGetCrtcInfo(d->dpy, res, res->crtcs[0]);
	out = res->outputs[0];
	for (i = 0; i < res->nmode; i++)
		if ((int)res->modes[i].width == w &&
		    (int)res->modes[i].height == h)
			mode = res->modes[i].id;
	XRRSetCrtcConfig(d->dpy, res, res->crtcs[0], CurrentTime, 0, 0, None,
	    RR_Rotate_0, NULL, 0);
	XRRSetScreenSize(d->dpy, d->root, w, h, w * 254 / 960,
	    h * 254 / 960);
	if (mode != None)
		XRRSetCrtcConfig(d->dpy, res, res->crtcs[0], CurrentTime, 0, 0,
		    mode, RR_Rotate_0, &out, 1);
	rc = 0;
done:
	if (ci != NULL)
		XRRFreeCrtcInfo(ci);
	XRRFreeScreenResources(res);
	return rc;
}

static int
xdraw_sum(struct xdraw *d, const char *a)
{
	int x, y, w, h, r, c;
	uint64_t s = PIXSUM_INIT;
	XImage *img;

	if (sscanf(a, "%d %d %d %d", &x, &y, &w, &h) != 4 || w <= 0 || h <= 0)
		return -1;
	img = XGetImage(d->dpy, d->root, x, y, (unsigned)w, (unsigned)h,
	    AllPlanes, ZPixmap);
	if (img == NULL)
		return -1;
	for (r = 0; r < h; r++)
		for (c = 0; c < w; c++)
			s = pixsum_add(s, (uint32_t)XGetPixel(img, c, r) &
			    0xffffff);
	XDestroyImage(img);
	printf("sum %016" PRIx64 "\n", s);
	return 1;
}

static const struct {
	const char *word;
	int (*fn)(struct xdraw *, const char *);
} xdraw_cmds[] = {
	{ "rect", xdraw_rect }, { "text", xdraw_text },
	{ "noise", xdraw_noise }, { "window", xdraw_window },
	{ "move", xdraw_move }, { "destroy", xdraw_destroy },
	{ "cursor", xdraw_cursor }, { "warp", xdraw_warp },
	{ "resize", xdraw_resize }, { "sum", xdraw_sum },
};

static int
xdraw_command(void *ctx, char *line)
{
	struct xdraw *d = ctx;
	size_t i, n;
	int rc;

	if (strcmp(line, "quit") == 0)
		return 1;
	if (strcmp(line, "sync") == 0) {
		XSync(d->dpy, False);
		printf("ok\n");
		return 0;
	}
	for (i = 0; i < sizeof(xdraw_cmds) / sizeof(xdraw_cmds[0]); i++) {
		n = strlen(xdraw_cmds[i].word);
		if (strncmp(line, xdraw_cmds[i].word, n) == 0 &&
		    (line[n] == ' ' || line[n] == '\0')) {
			rc = xdraw_cmds[i].fn(d, line[n] ? line + n + 1 : "");
			XSync(d->dpy, False);
			if (rc < 0)
				printf("error %s\n", line);
			else if (rc == 0)
				printf("ok\n");
			return 0;
		}
	}
	printf("error unknown command\n");
	return 0;
}

int
main(void)
{
	struct xdraw d;
	struct pixsum_lines lines = { .n = 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	XSetErrorHandler(xdraw_error);
	if ((d.dpy = XOpenDisplay(NULL)) == NULL) {
		fprintf(stderr, "xdraw: cannot open the display\n");
		return 2;
	}
	d.scr = DefaultScreen(d.dpy);
	d.root = RootWindow(d.dpy, d.scr);
	d.gc = XCreateGC(d.dpy, d.root, 0, NULL);
	XSetSubwindowMode(d.dpy, d.gc, IncludeInferiors);
	if ((d.font = XLoadQueryFont(d.dpy, "fixed")) != NULL)
		XSetFont(d.dpy, d.gc, d.font->fid);
	printf("ready %d %d\n", DisplayWidth(d.dpy, d.scr),
	    DisplayHeight(d.dpy, d.scr));
	while (pixsum_read_lines(&lines, STDIN_FILENO, xdraw_command, &d) == 0)
		;
	XCloseDisplay(d.dpy);
	return 0;
}
