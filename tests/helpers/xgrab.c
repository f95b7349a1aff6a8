/*
 * xgrab: test-only. Writes part of an X window as PNG (common/png.c), so
 * that a test can compare what a window shows with a known picture byte
 * for byte (png.c is deterministic):
 *
 *   xgrab WINDOW_ID X Y W H OUT.png      (DISPLAY from the environment;
 *                                        OUT.ppm writes a binary PPM)
 *   xgrab -p WINDOW_ID X Y               prints the pixel there, rrggbb
 *   xgrab -d WINDOW_ID                   sends WM_DELETE_WINDOW, as a
 *                                        window manager's close button
 *
 * The display must be 24-bit TrueColor (Xvfb -screen 0 WxHx24). Exit 0,
 * or 1 with a message.
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/png.h"

static int
xgrab_ppm(const char *path, const uint32_t *px, long w, long h)
{
	FILE *f = fopen(path, "wb");
	long i;

	if (f == NULL)
		return 1;
	fprintf(f, "P6\n%ld %ld\n255\n", w, h);
	for (i = 0; i < w * h; i++) {
		fputc((int)(px[i] >> 16 & 0xff), f);
		fputc((int)(px[i] >> 8 & 0xff), f);
		fputc((int)(px[i] & 0xff), f);
	}
	return fclose(f) == 0 ? 0 : 1;
}

/* The ClientMessage a window manager sends when the user closes. */
static int
xgrab_delete(const char *id)
{
	Display *dpy = XOpenDisplay(NULL);
	XEvent ev;

	if (dpy == NULL)
		return 1;
	memset(&ev, 0, sizeof(ev));
	ev.xclient.type = ClientMessage;
	ev.xclient.window = (Window)strtoul(id, NULL, 0);
	ev.xclient.message_type = XInternAtom(dpy, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = (long)XInternAtom(dpy, "WM_DELETE_WINDOW",
	    False);
	ev.xclient.data.l[1] = CurrentTime;
	XSendEvent(dpy, ev.xclient.window, False, NoEventMask, &ev);
	XCloseDisplay(dpy);
	return 0;
}

int
main(int argc, char **argv)
{
	Display *dpy;
	XImage *img;
	uint32_t *px;
	char err[256];
	long x, y, w, h;
	long i, j;

	if (argc == 3 && strcmp(argv[1], "-d") == 0)
		return xgrab_delete(argv[2]);
	if (argc == 5 && strcmp(argv[1], "-p") == 0 &&
	    (dpy = XOpenDisplay(NULL)) != NULL &&
	    (img = XGetImage(dpy, (Window)strtoul(argv[2], NULL, 0),
	    atoi(argv[3]), atoi(argv[4]), 1, 1, AllPlanes, ZPixmap)) != NULL) {
		printf("%06lx\n", XGetPixel(img, 0, 0) & 0xffffffUL);
		return 0;
	}
	if (argc != 7) {
		fprintf(stderr, "usage: xgrab WINDOW_ID X Y W H OUT.png\n");
		return 1;
	}
	x = strtol(argv[2], NULL, 0);
	y = strtol(argv[3], NULL, 0);
	w = strtol(argv[4], NULL, 0);
	h = strtol(argv[5], NULL, 0);
	if (w <= 0 || h <= 0 || w > PNG_MAX_DIM || h > PNG_MAX_DIM ||
	    (dpy = XOpenDisplay(NULL)) == NULL) {
		fprintf(stderr, "xgrab: bad size or no display\n");
		return 1;
	}
	img = XGetImage(dpy, (Window)strtoul(argv[1], NULL, 0), (int)x,
	    (int)y, (unsigned)w, (unsigned)h, AllPlanes, ZPixmap);
	if (img == NULL || (px = malloc((size_t)w * h * 4)) == NULL) {
		fprintf(stderr, "xgrab: XGetImage failed\n");
		return 1;
	}
	for (j = 0; j < h; j++)
		for (i = 0; i < w; i++)
			px[j * w + i] = (uint32_t)XGetPixel(img, (int)i,
			    (int)j) & 0xffffffu;
	if (strlen(argv[6]) > 4 &&
	    strcmp(argv[6] + strlen(argv[6]) - 4, ".ppm") == 0)
		return xgrab_ppm(argv[6], px, w, h);
	if (png_write_file(argv[6], px, (uint16_t)w, (uint16_t)h, (size_t)w,
	    err, sizeof(err)) != 0) {
		fprintf(stderr, "xgrab: %s\n", err);
		return 1;
	}
	XDestroyImage(img);
	free(px);
	XCloseDisplay(dpy);
	return 0;
}
