/*
 * indicator_x11: the indicator's window, in the indicator's process; see
 * indicator_x11.h and indicator.h. Xlib used plainly: one event loop, one
 * switch over event types, core fonts, no toolkit.
 *
 * Staying on top: a normal (not override-redirect) window, so a window
 * manager can manage it, asking for _NET_WM_STATE_ABOVE and _STICKY and
 * typed _NET_WM_WINDOW_TYPE_DOCK (docks stay above, on every desktop,
 * undecorated, never focused); without a window manager (or one that
 * ignores those), each VisibilityNotify that says the window is covered
 * raises it again, at most every X11_RAISE_MIN_MS, and ever more rarely
 * (up to X11_RAISE_MAX_MS) while something covers it again right after
 * each raise: two windows that both insist cannot spin. A compositing manager reports every
 * window unobscured; there the window manager's ABOVE is what counts.
 */
#include "assistd/indicator_x11.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "assistd/indicator.h"
#include "common/clock.h"
#include "common/ipc.h"
#include "common/log.h"

#define X11_MARGIN		16	/* from the screen's top-right corner */
#define X11_BORDER		3	/* window border, pixels */
#define X11_RAISE_MIN_MS	250	/* between two raises of our own */
#define X11_RAISE_MAX_MS	4000	/* ... when another window insists */
#define X11_RAISE_HELD_MS	1000	/* a raise that held this long wins */
#define X11_BUTTONS_MAX		96	/* the _ASSIST_INDICATOR_BUTTONS text */
#define X11_END_TEXT		"End session"
#define X11_VIEW_TEXT		"View only"

/* Core fonts, best first; "fixed" is built into every X server. */
static const char *const x11_fonts[] = {
	"-*-helvetica-bold-r-normal--14-*-*-*-p-*-iso8859-1",
	"-misc-fixed-bold-r-normal--13-*-*-*-c-*-iso8859-1",
	"fixed",
};

enum x11_atom {
	A_WM_PROTOCOLS, A_WM_DELETE_WINDOW, A_UTF8_STRING, A_NET_WM_NAME,
	A_NET_WM_ICON_NAME, A_NET_WM_STATE, A_NET_WM_STATE_ABOVE,
	A_NET_WM_STATE_STICKY, A_NET_WM_STATE_SKIP_TASKBAR,
	A_NET_WM_STATE_SKIP_PAGER, A_NET_WM_WINDOW_TYPE,
	A_NET_WM_WINDOW_TYPE_DOCK, A_NET_WM_DESKTOP, A_NET_WM_PID,
	A_MOTIF_WM_HINTS, A_ASSIST_BUTTONS, A_COUNT
};

static const char *const x11_atom_names[A_COUNT] = {
	"WM_PROTOCOLS", "WM_DELETE_WINDOW", "UTF8_STRING", "_NET_WM_NAME",
	"_NET_WM_ICON_NAME", "_NET_WM_STATE", "_NET_WM_STATE_ABOVE",
	"_NET_WM_STATE_STICKY", "_NET_WM_STATE_SKIP_TASKBAR",
	"_NET_WM_STATE_SKIP_PAGER", "_NET_WM_WINDOW_TYPE",
	"_NET_WM_WINDOW_TYPE_DOCK", "_NET_WM_DESKTOP", "_NET_WM_PID",
	"_MOTIF_WM_HINTS", "_ASSIST_INDICATOR_BUTTONS",
};

enum x11_color {
	C_BG, C_FG, C_BORDER, C_END_BG, C_END_FG, C_BTN_BG, C_BTN_FG,
	C_PRESSED, C_COUNT
};

static const char *const x11_color_names[C_COUNT] = {
	"#fff4c2", "#000000", "#cc0000", "#cc0000", "#ffffff", "#e0e0e0",
	"#000000", "#808080",
};

struct x11ind {
	Display *dpy;
	int scr;
	Window root, win;
	GC gc;
	XFontStruct *font;
	Atom atom[A_COUNT];
	unsigned long px[C_COUNT];
	struct ipc ipc;			/* to the monitor */
	char label[INDICATOR_TEXT_MAX];
	struct indicator_layout lay;
	bool shown;
	enum indicator_action pressed;	/* button under a press, or NONE */
	long long last_raise_ms;
	int raise_gap_ms;		/* least time between two raises */
	bool raise_pending;		/* covered, raise when allowed */
};

/* Xlib calls this when the connection is lost and exits the process if
 * it returns; this process exists so that it can end here. The monitor
 * reads EOF and goes on with the terminal. */
static int
x11_io_error(Display *dpy)
{
	(void)dpy;
	log_error("lost the connection to the X server");
	_exit(INDICATOR_X11_EXIT_XGONE);
}

/* A protocol error (say, a window manager that vanished mid-request) is
 * logged; the indicator goes on. */
static int
x11_error(Display *dpy, XErrorEvent *e)
{
	char text[128];

	XGetErrorText(dpy, e->error_code, text, sizeof(text));
	log_error("X error: %s (request %d)", text, (int)e->request_code);
	return 0;
}

static void
x11_colors(struct x11ind *x)
{
	Colormap cmap = DefaultColormap(x->dpy, x->scr);
	XColor c;
	int i;

	for (i = 0; i < C_COUNT; i++) {
		if (XParseColor(x->dpy, cmap, x11_color_names[i], &c) &&
		    XAllocColor(x->dpy, cmap, &c))
			x->px[i] = c.pixel;
		else if (i == C_BG || i == C_END_FG || i == C_BTN_BG)
			x->px[i] = WhitePixel(x->dpy, x->scr);
		else
			x->px[i] = BlackPixel(x->dpy, x->scr);
	}
}

static int
x11_font(struct x11ind *x)
{
	size_t i;

	for (i = 0; i < sizeof(x11_fonts) / sizeof(x11_fonts[0]); i++)
		if ((x->font = XLoadQueryFont(x->dpy, x11_fonts[i])) != NULL)
			return 0;
	return -1;
}

static void
x11_set_atoms(struct x11ind *x, Atom prop, const Atom *v, int n)
{
	XChangeProperty(x->dpy, x->win, x->atom[prop], XA_ATOM, 32,
	    PropModeReplace, (const unsigned char *)v, n);
}

static void
x11_set_cardinal(struct x11ind *x, Atom prop, long v)
{
	XChangeProperty(x->dpy, x->win, x->atom[prop], XA_CARDINAL, 32,
	    PropModeReplace, (const unsigned char *)&v, 1);
}

/* What a window manager is asked for: a dock, no decorations, on every
 * desktop, never focused (it takes clicks only; keys stay with the
 * user's windows), a click on a close button ignored. */
static void
x11_wm_setup(struct x11ind *x)
{
	XClassHint cls = { .res_name = "assistd-indicator",
	    .res_class = "Assistd" };
	XWMHints wmh = { .flags = InputHint | StateHint, .input = False,
	    .initial_state = NormalState };
	/* flags = decorations, decorations = none */
	long motif[5] = { 2, 0, 0, 0, 0 };
	Atom dock = x->atom[A_NET_WM_WINDOW_TYPE_DOCK];

	XSetClassHint(x->dpy, x->win, &cls);
	XSetWMHints(x->dpy, x->win, &wmh);
	XSetWMProtocols(x->dpy, x->win, &x->atom[A_WM_DELETE_WINDOW], 1);
	x11_set_atoms(x, A_NET_WM_WINDOW_TYPE, &dock, 1);
	x11_set_cardinal(x, A_NET_WM_PID, (long)getpid());
	x11_set_cardinal(x, A_NET_WM_DESKTOP, 0xFFFFFFFFL);
	XChangeProperty(x->dpy, x->win, x->atom[A_MOTIF_WM_HINTS],
	    x->atom[A_MOTIF_WM_HINTS], 32, PropModeReplace,
	    (const unsigned char *)motif, 5);
}

static int
x11_setup(struct x11ind *x, const char *display, char *err, size_t errsz)
{
	XSetWindowAttributes wa;

	XSetIOErrorHandler(x11_io_error);
	XSetErrorHandler(x11_error);
	if ((x->dpy = XOpenDisplay(display)) == NULL) {
		snprintf(err, errsz, "cannot open X display \"%s\"", display);
		return INDICATOR_X11_EXIT_DISPLAY;
	}
	x->scr = DefaultScreen(x->dpy);
	x->root = RootWindow(x->dpy, x->scr);
	if (!XInternAtoms(x->dpy, (char **)x11_atom_names, A_COUNT, False,
	    x->atom)) {
		snprintf(err, errsz, "cannot intern the window manager atoms");
		return INDICATOR_X11_EXIT_ERROR;
	}
	if (x11_font(x) != 0) {
		snprintf(err, errsz, "no core X font (not even \"fixed\")");
		return INDICATOR_X11_EXIT_ERROR;
	}
	x11_colors(x);
	memset(&wa, 0, sizeof(wa));
	wa.background_pixel = x->px[C_BG];
	wa.border_pixel = x->px[C_BORDER];
	wa.event_mask = ExposureMask | ButtonPressMask | ButtonReleaseMask |
	    VisibilityChangeMask | StructureNotifyMask;
	x->win = XCreateWindow(x->dpy, x->root, 0, 0, INDICATOR_MIN_W, 32,
	    X11_BORDER, CopyFromParent, InputOutput, CopyFromParent,
	    CWBackPixel | CWBorderPixel | CWEventMask, &wa);
	x->gc = XCreateGC(x->dpy, x->win, 0, NULL);
	XSetFont(x->dpy, x->gc, x->font->fid);
	x11_wm_setup(x);
	XSync(x->dpy, False);
	return INDICATOR_X11_EXIT_OK;
}

static int
x11_text_width(const struct x11ind *x, const char *s)
{
	return XTextWidth(x->font, s, (int)strlen(s));
}

/* WM_NAME, WM_ICON_NAME and their _NET_ (UTF-8) twins; the text is
 * ASCII, escaped by indicator_title. */
static void
x11_set_title(struct x11ind *x, const char *title)
{
	int n = (int)strlen(title);

	XStoreName(x->dpy, x->win, title);
	XSetIconName(x->dpy, x->win, title);
	XChangeProperty(x->dpy, x->win, x->atom[A_NET_WM_NAME],
	    x->atom[A_UTF8_STRING], 8, PropModeReplace,
	    (const unsigned char *)title, n);
	XChangeProperty(x->dpy, x->win, x->atom[A_NET_WM_ICON_NAME],
	    x->atom[A_UTF8_STRING], 8, PropModeReplace,
	    (const unsigned char *)title, n);
}

/* The buttons' places, for assistive tools and the tests:
 * "end X Y W H;view X Y W H" (window coordinates; view only when
 * shown). */
static void
x11_set_buttons(struct x11ind *x)
{
	const struct indicator_layout *l = &x->lay;
	char s[X11_BUTTONS_MAX];
	int n;

	n = snprintf(s, sizeof(s), "end %d %d %d %d", l->end.x, l->end.y,
	    l->end.w, l->end.h);
	if (l->show_view && n > 0 && (size_t)n < sizeof(s))
		snprintf(s + n, sizeof(s) - (size_t)n, ";view %d %d %d %d",
		    l->view.x, l->view.y, l->view.w, l->view.h);
	XChangeProperty(x->dpy, x->win, x->atom[A_ASSIST_BUTTONS], XA_STRING,
	    8, PropModeReplace, (const unsigned char *)s, (int)strlen(s));
}

/* Fixed size, top-right corner (North-East gravity, so a window manager
 * that adds a frame keeps the corner). */
static void
x11_place(struct x11ind *x)
{
	XSizeHints sh;
	int wx = DisplayWidth(x->dpy, x->scr) - x->lay.w - 2 * X11_BORDER -
	    X11_MARGIN;

	if (wx < 0)
		wx = 0;
	memset(&sh, 0, sizeof(sh));
	sh.flags = USPosition | PPosition | PSize | PMinSize | PMaxSize |
	    PWinGravity;
	sh.x = wx;
	sh.y = X11_MARGIN;
	sh.width = sh.min_width = sh.max_width = x->lay.w;
	sh.height = sh.min_height = sh.max_height = x->lay.h;
	sh.win_gravity = NorthEastGravity;
	XSetWMNormalHints(x->dpy, x->win, &sh);
	XMoveResizeWindow(x->dpy, x->win, wx, X11_MARGIN,
	    (unsigned)x->lay.w, (unsigned)x->lay.h);
}

/* EWMH: a client sets _NET_WM_STATE itself before mapping, and asks the
 * window manager with a client message once mapped. */
static void
x11_ask_state(struct x11ind *x, Atom a, Atom b)
{
	XEvent ev;

	memset(&ev, 0, sizeof(ev));
	ev.xclient.type = ClientMessage;
	ev.xclient.window = x->win;
	ev.xclient.message_type = x->atom[A_NET_WM_STATE];
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = 1;	/* _NET_WM_STATE_ADD */
	ev.xclient.data.l[1] = (long)a;
	ev.xclient.data.l[2] = (long)b;
	ev.xclient.data.l[3] = 1;	/* from an application */
	XSendEvent(x->dpy, x->root, False,
	    SubstructureRedirectMask | SubstructureNotifyMask, &ev);
}

static void
x11_map(struct x11ind *x)
{
	Atom st[4];

	st[0] = x->atom[A_NET_WM_STATE_ABOVE];
	st[1] = x->atom[A_NET_WM_STATE_STICKY];
	st[2] = x->atom[A_NET_WM_STATE_SKIP_TASKBAR];
	st[3] = x->atom[A_NET_WM_STATE_SKIP_PAGER];
	x11_set_atoms(x, A_NET_WM_STATE, st, 4);
	XMapRaised(x->dpy, x->win);
	x11_ask_state(x, st[0], st[1]);
	x11_ask_state(x, st[2], st[3]);
	x->last_raise_ms = clock_now_ms();
	x->raise_gap_ms = X11_RAISE_MIN_MS;
}

static void
x11_show(struct x11ind *x, const char *helper, uint8_t mode)
{
	char title[INDICATOR_TEXT_MAX];
	struct indicator_metrics m;

	indicator_label(x->label, sizeof(x->label), helper, mode);
	indicator_title(title, sizeof(title), helper, mode);
	memset(&m, 0, sizeof(m));
	m.ascent = x->font->ascent;
	m.descent = x->font->descent;
	m.label_w = x11_text_width(x, x->label);
	m.end_w = x11_text_width(x, X11_END_TEXT);
	m.view_w = x11_text_width(x, X11_VIEW_TEXT);
	indicator_layout(&x->lay, &m, mode == IPC_MODE_CONTROL);
	x->pressed = INDICATOR_NONE;
	x11_set_title(x, title);
	x11_set_buttons(x);
	x11_place(x);
	if (!x->shown)
		x11_map(x);
	else
		XRaiseWindow(x->dpy, x->win);
	x->shown = true;
	XClearArea(x->dpy, x->win, 0, 0, 0, 0, True);	/* Expose: redraw */
}

static void
x11_hide(struct x11ind *x)
{
	if (!x->shown)
		return;
	XWithdrawWindow(x->dpy, x->win, x->scr);
	x->shown = false;
	x->pressed = INDICATOR_NONE;
	x->raise_pending = false;
}

static void
x11_button(struct x11ind *x, const struct indicator_rect *r,
	   const char *text, enum x11_color bg, enum x11_color fg,
	   bool pressed)
{
	int tw = x11_text_width(x, text);

	XSetForeground(x->dpy, x->gc, x->px[pressed ? C_PRESSED : bg]);
	XFillRectangle(x->dpy, x->win, x->gc, r->x, r->y, (unsigned)r->w,
	    (unsigned)r->h);
	XSetForeground(x->dpy, x->gc, x->px[C_FG]);
	XDrawRectangle(x->dpy, x->win, x->gc, r->x, r->y,
	    (unsigned)(r->w - 1), (unsigned)(r->h - 1));
	XSetForeground(x->dpy, x->gc, x->px[fg]);
	XDrawString(x->dpy, x->win, x->gc, r->x + (r->w - tw) / 2,
	    r->y + INDICATOR_BTN_PADY + x->font->ascent, text,
	    (int)strlen(text));
}

static void
x11_draw(struct x11ind *x)
{
	const struct indicator_layout *l = &x->lay;

	if (!x->shown)
		return;
	XSetForeground(x->dpy, x->gc, x->px[C_BG]);
	XFillRectangle(x->dpy, x->win, x->gc, 0, 0, (unsigned)l->w,
	    (unsigned)l->h);
	XSetForeground(x->dpy, x->gc, x->px[C_FG]);
	XDrawString(x->dpy, x->win, x->gc, l->label_x, l->label_baseline,
	    x->label, (int)strlen(x->label));
	x11_button(x, &l->end, X11_END_TEXT, C_END_BG, C_END_FG,
	    x->pressed == INDICATOR_END);
	if (l->show_view)
		x11_button(x, &l->view, X11_VIEW_TEXT, C_BTN_BG, C_BTN_FG,
		    x->pressed == INDICATOR_VIEW_ONLY);
}

/* Raises the window, or notes that it must be raised when the rate
 * limit allows (the main loop's poll wakes up for it). */
static void
x11_raise(struct x11ind *x)
{
	long long now = clock_now_ms();

	if (!x->shown)
		return;
	if (!x->raise_pending) {
		/* Covered again: right after our last raise means a fight. */
		if (now - x->last_raise_ms < X11_RAISE_HELD_MS)
			x->raise_gap_ms = x->raise_gap_ms * 2 >
			    X11_RAISE_MAX_MS ? X11_RAISE_MAX_MS :
			    x->raise_gap_ms * 2;
		else
			x->raise_gap_ms = X11_RAISE_MIN_MS;
	}
	if (now - x->last_raise_ms < x->raise_gap_ms) {
		x->raise_pending = true;
		return;
	}
	XRaiseWindow(x->dpy, x->win);
	x->last_raise_ms = now;
	x->raise_pending = false;
}

/* A button released over the button it was pressed on acts. */
static int
x11_on_release(struct x11ind *x, const XButtonEvent *b)
{
	enum indicator_action a = indicator_hit(&x->lay, b->x, b->y);
	bool act = x->shown && a != INDICATOR_NONE && a == x->pressed;

	x->pressed = INDICATOR_NONE;
	x11_draw(x);
	if (!act)
		return 0;
	log_info("\"%s\" clicked", a == INDICATOR_END ? X11_END_TEXT :
	    X11_VIEW_TEXT);
	return indicator_send_action(&x->ipc, a) == BUF_OK ? 0 : -1;
}

static int
x11_event(struct x11ind *x, XEvent *ev)
{
	switch (ev->type) {
	case Expose:
		if (ev->xexpose.count == 0)
			x11_draw(x);
		break;
	case ButtonPress:
		if (ev->xbutton.button == Button1 && x->shown) {
			x->pressed = indicator_hit(&x->lay, ev->xbutton.x,
			    ev->xbutton.y);
			x11_draw(x);
		}
		break;
	case ButtonRelease:
		if (ev->xbutton.button == Button1)
			return x11_on_release(x, &ev->xbutton);
		break;
	case VisibilityNotify:
		if (ev->xvisibility.state != VisibilityUnobscured)
			x11_raise(x);
		break;
	case ClientMessage:
		/* WM_DELETE_WINDOW: the window stays while the session
		 * lasts; "End session" is the way to end it. */
		break;
	default:
		break;
	}
	return 0;
}

/* The monitor's messages; -1 on a malformed one. */
static int
x11_message(struct x11ind *x, uint8_t type, struct buf *body)
{
	char *helper;
	uint8_t mode;

	switch (type) {
	case INDICATOR_MSG_SHOW:
		if (indicator_decode_show(body, &mode, &helper) != BUF_OK)
			return -1;
		x11_show(x, helper, mode);
		free(helper);
		return 0;
	case INDICATOR_MSG_HIDE:
		if (buf_avail(body) != 0)
			return -1;
		x11_hide(x);
		return 0;
	default:
		return -1;
	}
}

/* Reads the monitor's socket: 1 go on, 0 closed (exit), -1 bad input. */
static int
x11_read_monitor(struct x11ind *x)
{
	struct buf body;
	uint8_t type;
	int r;

	for (;;) {
		r = ipc_read(&x->ipc);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		while ((r = ipc_next(&x->ipc, &type, &body)) == 1)
			if (x11_message(x, type, &body) != 0)
				return -1;
		if (r < 0)
			return -1;
	}
}

/* How long poll may sleep: until a pending raise is allowed, or ever. */
static int
x11_poll_timeout(const struct x11ind *x)
{
	long long left;

	if (!x->raise_pending)
		return -1;
	left = x->last_raise_ms + x->raise_gap_ms - clock_now_ms();
	return left < 0 ? 0 : (int)left;
}

static int
x11_loop(struct x11ind *x)
{
	struct pollfd p[2];
	XEvent ev;
	int r;

	p[0].fd = x->ipc.fd;
	p[1].fd = ConnectionNumber(x->dpy);
	p[1].events = POLLIN;
	for (;;) {
		/* Xlib may hold events it read already: drain them first. */
		while (XPending(x->dpy) > 0) {
			XNextEvent(x->dpy, &ev);
			if (x11_event(x, &ev) != 0)
				return INDICATOR_X11_EXIT_ERROR;
		}
		if (x->raise_pending && x11_poll_timeout(x) == 0)
			x11_raise(x);
		XFlush(x->dpy);
		if (ipc_flush(&x->ipc) < 0)
			return INDICATOR_X11_EXIT_OK;	/* monitor gone */
		p[0].events = POLLIN;
		if (buf_avail(&x->ipc.out) > 0)
			p[0].events |= POLLOUT;
		if (poll(p, 2, x11_poll_timeout(x)) < 0 && errno != EINTR)
			return INDICATOR_X11_EXIT_ERROR;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = x11_read_monitor(x);
			if (r == 0)
				return INDICATOR_X11_EXIT_OK;
			if (r < 0) {
				log_error("bad message from the monitor");
				return INDICATOR_X11_EXIT_PROTO;
			}
		}
	}
}

static void
x11_free(struct x11ind *x)
{
	if (x->dpy != NULL) {
		if (x->win != 0)
			XDestroyWindow(x->dpy, x->win);
		if (x->gc != NULL)
			XFreeGC(x->dpy, x->gc);
		if (x->font != NULL)
			XFreeFont(x->dpy, x->font);
		XCloseDisplay(x->dpy);
	}
	ipc_free(&x->ipc);
}

int
indicator_x11_run(int fd, const char *display)
{
	struct x11ind x;
	char err[256];
	int st;

	memset(&x, 0, sizeof(x));
	ipc_init(&x.ipc, fd);
	st = x11_setup(&x, display, err, sizeof(err));
	if (st != INDICATOR_X11_EXIT_OK) {
		if (indicator_send_fail(&x.ipc, err) == BUF_OK)
			(void)ipc_flush_wait(&x.ipc, INDICATOR_OPEN_MS);
		x11_free(&x);
		return st;
	}
	if (ipc_send(&x.ipc, INDICATOR_MSG_READY, NULL, 0) != BUF_OK ||
	    ipc_flush_wait(&x.ipc, INDICATOR_OPEN_MS) != 0) {
		x11_free(&x);
		return INDICATOR_X11_EXIT_ERROR;
	}
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	st = x11_loop(&x);
	x11_free(&x);
	return st;
}
