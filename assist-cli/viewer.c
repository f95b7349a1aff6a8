/* viewer: the Xlib window; see viewer.h. The changed part of an image
 * the size of the window goes out with XShmPutImage when the X server
 * shares memory with us (segment mode 0600, removed as soon as both
 * sides attached), else with XPutImage. */
#include "assist-cli/viewer.h"

#include "common/rfb.h"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <stdlib.h>
#include <string.h>

#define VIEWER_ORANGE	0xff8000u	/* the view-only frame */
#define VIEWER_BLACK	0x000000u

struct viewer {
	Display *dpy;
	Window win;
	GC gc;
	Visual *visual;
	int depth;
	XImage *img;		/* vw x vh, data owned through img */
	unsigned rw, rh;	/* remote size shown */
	unsigned vw, vh;	/* picture size in the window */
	bool view_only;
	char who[RFBCLIENT_MAX_NAME];
	Atom wm_delete, wm_protocols, net_wm_name, utf8;
	uint8_t buttons;	/* RFB button mask now */
	bool gone;		/* our window was destroyed by someone */
	bool shm_ok;		/* the server has MIT-SHM: try it */
	bool shm;		/* img is a shared-memory image */
	XShmSegmentInfo si;
};

/* Xlib's error handler has no user data: this counts the protocol errors
 * (e.g. BadWindow once another client destroyed our window), which must
 * not end the process as Xlib's default handler would. */
static unsigned long viewer_x_errors;

static int
viewer_x_error(Display *dpy, XErrorEvent *e)
{
	(void)dpy;
	(void)e;
	viewer_x_errors++;
	return 0;
}

/* ---- pure ---- */

void
viewer_fit(unsigned rw, unsigned rh, unsigned sw, unsigned sh, unsigned *vw,
	   unsigned *vh)
{
	unsigned long mw = sw > VIEWER_MARGIN + 2 * VIEWER_BORDER ?
	    sw - VIEWER_MARGIN - 2 * VIEWER_BORDER : 1;
	unsigned long mh = sh > VIEWER_MARGIN + 2 * VIEWER_BORDER ?
	    sh - VIEWER_MARGIN - 2 * VIEWER_BORDER : 1;
	unsigned long w = rw ? rw : 1, h = rh ? rh : 1;

	if (w > mw) {		/* width decides: h * mw / w */
		h = h * mw / w;
		w = mw;
	}
	if (h > mh) {
		w = w * mh / h;
		h = mh;
	}
	*vw = w ? (unsigned)w : 1;
	*vh = h ? (unsigned)h : 1;
}

unsigned
viewer_to_remote(int x, unsigned vw, unsigned rw)
{
	unsigned long r;

	if (rw == 0 || vw == 0 || x < 0)
		return 0;
	r = (unsigned long)x * rw / vw;
	return r >= rw ? rw - 1 : (unsigned)r;
}

unsigned
viewer_to_window(unsigned r, unsigned rw, unsigned vw)
{
	if (rw == 0)
		return 0;
	return (unsigned)((unsigned long)r * vw / rw);
}

void
viewer_title(char *out, size_t outsz, const char *who, bool view_only)
{
	snprintf(out, outsz, "assist: %s \xe2\x80\x94 %s", who,
	    view_only ? "view only" : "control");
}

/* ---- X ---- */

static void
viewer_free_image(struct viewer *v)
{
	if (v->img != NULL && v->shm) {
		XShmDetach(v->dpy, &v->si);
		XSync(v->dpy, False);
		v->img->data = NULL;
		XDestroyImage(v->img);
		shmdt(v->si.shmaddr);
	} else if (v->img != NULL) {
		XDestroyImage(v->img);	/* frees its data too */
	}
	v->img = NULL;
	v->shm = false;
}

/* A shared-memory image of vw x vh: 0, or -1 (then XPutImage is used
 * from now on: e.g. a remote display refuses the attach). */
static int
viewer_make_shm(struct viewer *v)
{
	unsigned long errors = viewer_x_errors;
	XImage *img;

	img = XShmCreateImage(v->dpy, v->visual, (unsigned)v->depth, ZPixmap,
	    NULL, &v->si, v->vw, v->vh);
	if (img == NULL || img->bits_per_pixel != 32)
		goto fail_img;
	v->si.shmid = shmget(IPC_PRIVATE, (size_t)img->bytes_per_line *
	    img->height, IPC_CREAT | 0600);
	if (v->si.shmid < 0)
		goto fail_img;
	v->si.shmaddr = img->data = shmat(v->si.shmid, NULL, 0);
	v->si.readOnly = True;
	if (img->data == (char *)-1) {
		shmctl(v->si.shmid, IPC_RMID, NULL);
		goto fail_img;
	}
	XShmAttach(v->dpy, &v->si);
	XSync(v->dpy, False);
	/* Both attached (or the server refused): nobody else may attach. */
	shmctl(v->si.shmid, IPC_RMID, NULL);
	if (viewer_x_errors != errors) {
		shmdt(v->si.shmaddr);
		img->data = NULL;
		XDestroyImage(img);
		return -1;
	}
	memset(img->data, 0, (size_t)img->bytes_per_line * img->height);
	v->img = img;
	v->shm = true;
	return 0;
fail_img:
	if (img != NULL) {
		img->data = NULL;
		XDestroyImage(img);
	}
	return -1;
}

/* A 32-bit image of vw x vh in the visual's layout (checked in open). */
static int
viewer_make_image(struct viewer *v, char *err, size_t errsz)
{
	char *data = calloc((size_t)v->vw * v->vh, 4);
	union { uint32_t u; uint8_t b[4]; } probe = { 1 };

	viewer_free_image(v);
	if (v->shm_ok && viewer_make_shm(v) == 0) {
		free(data);
		return 0;
	}
	v->shm_ok = false;
	if (data == NULL) {
		snprintf(err, errsz, "viewer: out of memory");
		return -1;
	}
	v->img = XCreateImage(v->dpy, v->visual, (unsigned)v->depth, ZPixmap,
	    0, data, v->vw, v->vh, 32, 0);
	if (v->img == NULL || v->img->bits_per_pixel != 32) {
		if (v->img == NULL)
			free(data);
		viewer_free_image(v);
		snprintf(err, errsz, "viewer: the display has no 32-bit "
		    "pixel format");
		return -1;
	}
	/* Our pixels are in host order; Xlib swaps when the server's
	 * differs. */
	v->img->byte_order = probe.b[0] == 1 ? LSBFirst : MSBFirst;
	return 0;
}

static void
viewer_apply_mode(struct viewer *v)
{
	char title[VIEWER_MAX_TITLE], ascii[VIEWER_MAX_TITLE];

	viewer_title(title, sizeof(title), v->who, v->view_only);
	snprintf(ascii, sizeof(ascii), "assist: %s - %s", v->who,
	    v->view_only ? "view only" : "control");
	XStoreName(v->dpy, v->win, ascii);
	XChangeProperty(v->dpy, v->win, v->net_wm_name, v->utf8, 8,
	    PropModeReplace, (const unsigned char *)title,
	    (int)strlen(title));
	XSetWindowBackground(v->dpy, v->win, v->view_only ? VIEWER_ORANGE :
	    VIEWER_BLACK);
	XClearArea(v->dpy, v->win, 0, 0, 0, 0, True);	/* Expose: redraw */
}

/* Window size (and image) for remote size rw x rh. */
static int
viewer_size(struct viewer *v, unsigned rw, unsigned rh, char *err,
	    size_t errsz)
{
	int scr = DefaultScreen(v->dpy);

	v->rw = rw;
	v->rh = rh;
	viewer_fit(rw, rh, (unsigned)DisplayWidth(v->dpy, scr),
	    (unsigned)DisplayHeight(v->dpy, scr), &v->vw, &v->vh);
	return viewer_make_image(v, err, errsz);
}

struct viewer *
viewer_open(const char *who, bool view_only, uint16_t rw, uint16_t rh,
	    char *err, size_t errsz)
{
	struct viewer *v = calloc(1, sizeof(*v));
	XSetWindowAttributes wa;
	XVisualInfo vi;
	int scr;

	if (v == NULL) {
		snprintf(err, errsz, "viewer: out of memory");
		return NULL;
	}
	snprintf(v->who, sizeof(v->who), "%s", who);
	v->view_only = view_only;
	if ((v->dpy = XOpenDisplay(NULL)) == NULL) {
		snprintf(err, errsz, "viewer: cannot open display \"%s\"",
		    XDisplayName(NULL));
		free(v);
		return NULL;
	}
	XSetErrorHandler(viewer_x_error);
	scr = DefaultScreen(v->dpy);
	if (!XMatchVisualInfo(v->dpy, scr, 24, TrueColor, &vi) ||
	    vi.red_mask != 0xff0000 || vi.green_mask != 0xff00 ||
	    vi.blue_mask != 0xff) {
		snprintf(err, errsz, "viewer: the display has no 24-bit "
		    "TrueColor visual");
		goto fail;
	}
	v->visual = vi.visual;
	v->depth = vi.depth;
	v->shm_ok = XShmQueryExtension(v->dpy) &&
	    getenv("ASSIST_NO_SHM") == NULL;
	if (viewer_size(v, rw, rh, err, errsz) != 0)
		goto fail;
	memset(&wa, 0, sizeof(wa));
	wa.colormap = XCreateColormap(v->dpy, RootWindow(v->dpy, scr),
	    v->visual, AllocNone);
	wa.background_pixel = VIEWER_BLACK;
	wa.border_pixel = 0;
	wa.event_mask = ExposureMask | KeyPressMask | KeyReleaseMask |
	    ButtonPressMask | ButtonReleaseMask | PointerMotionMask |
	    StructureNotifyMask;
	v->win = XCreateWindow(v->dpy, RootWindow(v->dpy, scr), 0, 0,
	    v->vw + 2 * VIEWER_BORDER, v->vh + 2 * VIEWER_BORDER, 0, v->depth,
	    InputOutput, v->visual, CWColormap | CWBackPixel | CWBorderPixel |
	    CWEventMask, &wa);
	v->gc = XCreateGC(v->dpy, v->win, 0, NULL);
	v->wm_protocols = XInternAtom(v->dpy, "WM_PROTOCOLS", False);
	v->wm_delete = XInternAtom(v->dpy, "WM_DELETE_WINDOW", False);
	v->net_wm_name = XInternAtom(v->dpy, "_NET_WM_NAME", False);
	v->utf8 = XInternAtom(v->dpy, "UTF8_STRING", False);
	XSetWMProtocols(v->dpy, v->win, &v->wm_delete, 1);
	viewer_apply_mode(v);
	XMapWindow(v->dpy, v->win);
	XFlush(v->dpy);
	return v;
fail:
	viewer_free_image(v);
	XCloseDisplay(v->dpy);
	free(v);
	return NULL;
}

void
viewer_close(struct viewer *v)
{
	if (v == NULL)
		return;
	viewer_free_image(v);
	XFreeGC(v->dpy, v->gc);
	if (!v->gone)
		XDestroyWindow(v->dpy, v->win);
	XCloseDisplay(v->dpy);
	free(v);
}

int
viewer_fd(const struct viewer *v)
{
	return ConnectionNumber(v->dpy);
}

void
viewer_set_mode(struct viewer *v, bool view_only)
{
	if (v->view_only == view_only)
		return;
	v->view_only = view_only;
	viewer_apply_mode(v);
	XFlush(v->dpy);
}

/* Window pixels [wx0,wx1) x [wy0,wy1) from the framebuffer, then out. */
static void
viewer_paint(struct viewer *v, const struct rfbclient *c, unsigned wx0,
	     unsigned wy0, unsigned wx1, unsigned wy1)
{
	uint32_t *img = (uint32_t *)(void *)v->img->data;
	size_t stride = (size_t)v->img->bytes_per_line / 4;
	unsigned x, y;

	if (wx1 > v->vw)
		wx1 = v->vw;
	if (wy1 > v->vh)
		wy1 = v->vh;
	if (wx0 >= wx1 || wy0 >= wy1 || c->px == NULL)
		return;
	for (y = wy0; y < wy1; y++) {
		const uint32_t *src = c->px + (size_t)viewer_to_remote((int)y,
		    v->vh, v->rh) * c->width;

		for (x = wx0; x < wx1; x++)
			img[y * stride + x] = src[viewer_to_remote((int)x,
			    v->vw, v->rw)];
	}
	if (v->shm)
		XShmPutImage(v->dpy, v->win, v->gc, v->img, (int)wx0,
		    (int)wy0, (int)(wx0 + VIEWER_BORDER),
		    (int)(wy0 + VIEWER_BORDER), wx1 - wx0, wy1 - wy0, False);
	else
		XPutImage(v->dpy, v->win, v->gc, v->img, (int)wx0, (int)wy0,
		    (int)(wx0 + VIEWER_BORDER), (int)(wy0 + VIEWER_BORDER),
		    wx1 - wx0, wy1 - wy0);
}

int
viewer_show(struct viewer *v, const struct rfbclient *c,
	    const struct rfbclient_box *b, char *err, size_t errsz)
{
	if (c->width != v->rw || c->height != v->rh) {
		if (viewer_size(v, c->width, c->height, err, errsz) != 0)
			return -1;
		XResizeWindow(v->dpy, v->win, v->vw + 2 * VIEWER_BORDER,
		    v->vh + 2 * VIEWER_BORDER);
		viewer_paint(v, c, 0, 0, v->vw, v->vh);
	} else if (b->w > 0 && b->h > 0) {
		viewer_paint(v, c, viewer_to_window(b->x, v->rw, v->vw),
		    viewer_to_window(b->y, v->rh, v->vh),
		    viewer_to_window((unsigned)b->x + b->w, v->rw, v->vw) + 1,
		    viewer_to_window((unsigned)b->y + b->h, v->rh, v->vh) + 1);
	}
	XFlush(v->dpy);
	return 0;
}

/* RFB's button mask bit for X button n (1..8; 0 for others). */
static uint8_t
viewer_button_bit(unsigned n)
{
	return n >= 1 && n <= 8 ? (uint8_t)(1u << (n - 1)) : 0;
}

static void
viewer_pointer(struct viewer *v, struct buf *out, int x, int y)
{
	(void)rfb_put_pointer(out, v->buttons,
	    (uint16_t)viewer_to_remote(x - VIEWER_BORDER, v->vw, v->rw),
	    (uint16_t)viewer_to_remote(y - VIEWER_BORDER, v->vh, v->rh));
}

int
viewer_events(struct viewer *v, const struct rfbclient *c, struct buf *out)
{
	bool motion = false, closed = false;
	int mx = 0, my = 0;
	XEvent ev;

	while (XPending(v->dpy) > 0) {
		XNextEvent(v->dpy, &ev);
		switch (ev.type) {
		case Expose:
			if (ev.xexpose.count == 0)
				viewer_paint(v, c, 0, 0, v->vw, v->vh);
			break;
		case DestroyNotify:
			if (ev.xdestroywindow.window == v->win) {
				v->gone = true;
				closed = true;
			}
			break;
		case ClientMessage:
			if (ev.xclient.message_type == v->wm_protocols &&
			    (Atom)ev.xclient.data.l[0] == v->wm_delete)
				closed = true;
			break;
		case KeyPress:
		case KeyRelease: {
			KeySym ks = NoSymbol;
			char text[16];

			if (v->view_only)
				break;
			XLookupString(&ev.xkey, text, sizeof(text), &ks, NULL);
			if (ks != NoSymbol)
				(void)rfb_put_key(out, ev.type == KeyPress,
				    (uint32_t)ks);
			break;
		}
		case ButtonPress:
		case ButtonRelease:
			if (v->view_only)
				break;
			if (motion)	/* the motion before the click first */
				viewer_pointer(v, out, mx, my);
			motion = false;
			if (ev.type == ButtonPress)
				v->buttons |= viewer_button_bit(
				    ev.xbutton.button);
			else
				v->buttons &= (uint8_t)~viewer_button_bit(
				    ev.xbutton.button);
			viewer_pointer(v, out, ev.xbutton.x, ev.xbutton.y);
			break;
		case MotionNotify:
			/* Only the last position of a burst is sent. */
			motion = !v->view_only;
			mx = ev.xmotion.x;
			my = ev.xmotion.y;
			break;
		default:
			break;
		}
	}
	if (motion && !v->gone)
		viewer_pointer(v, out, mx, my);
	XFlush(v->dpy);
	return closed ? 1 : 0;
}
