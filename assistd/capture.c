/*
 * capture: see capture.h. One X connection (xconn.c), its own.
 *
 * Damage: XDamageReportRawRectangles on the root window: one event per
 * drawing operation, no request of ours (NonEmpty would cost a Subtract
 * and a FetchRegion round trip per batch). Rectangles are merged into
 * the "pending" pixman region, grabbed only when a consumer takes its
 * damage: either the pending region's extents in one request or each of
 * its boxes, whichever costs less (a request is counted as
 * CAPTURE_RT_PIXELS pixels). The grab is compared with the frame on
 * refine.c's tile grid; only what differs reaches the consumers.
 *
 * Wake-ups: capture_fd is an epoll set of the X socket and an eventfd.
 * Xlib may read events into memory while it waits for a reply (a grab, a
 * cursor image), where poll cannot see them; whenever that happens the
 * eventfd is written, so the monitor comes back to capture_process.
 */
#include "assistd/capture.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/Xrandr.h>

#include "assistd/pixconv.h"
#include "assistd/refine.h"
#include "assistd/xconn.h"
#include "common/log.h"

#define CAPTURE_CONSUMERS_MAX	16	/* helper sessions at once */
#define CAPTURE_EVENTS_MAX	4096	/* X events per capture_process */
#define CAPTURE_PIXELS_MAX	(16384u * 16384u) /* largest screen */
#define CAPTURE_CURSOR_MAX	512	/* largest cursor side, pixels */
#define CAPTURE_NAME_MAX	128
#define CAPTURE_RT_PIXELS	16384	/* a request costs ~ this many pixels */
#define CAPTURE_BOXES_MAX	32	/* more boxes: grab their extents */

struct capture_consumer {
	int used;
	pixman_region32_t acc;		/* changed, not yet taken */
};

struct capture {
	struct xconn x;
	Window root;
	Visual *visual;
	int depth;
	int damage_event, fixes_event, randr_event, have_randr;
	Damage damage;
	struct pixconv pc;
	int scanline_pad;		/* bits, of the server's ZPixmap rows */

	uint16_t w, h;
	uint32_t *frame;		/* w * h, stride w */
	uint32_t *conv;			/* conversion buffer, w * h, or NULL */

	int shm;			/* 1: MIT-SHM in use */
	XShmSegmentInfo shminfo;
	XImage *shmimg;

	pixman_region32_t pending;	/* reported by X, not grabbed */
	struct refine_boxes boxes;
	struct capture_consumer cons[CAPTURE_CONSUMERS_MAX];

	uint32_t *cursor;
	uint16_t cw, ch, chx, chy;
	unsigned long cursor_serial;

	int epfd, evfd, kicked;
	int size_changed, cursor_changed;
	struct capture_stats st;
	char name[CAPTURE_NAME_MAX];
};

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Makes capture_fd readable: Xlib holds events poll cannot see. */
static void
capture_kick(struct capture *c)
{
	uint64_t one = 1;

	if (c->kicked)
		return;
	if (write(c->evfd, &one, sizeof(one)) == (ssize_t)sizeof(one))
		c->kicked = 1;
}

static void
capture_unkick(struct capture *c)
{
	uint64_t v;

	if (read(c->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_debug("capture: eventfd read: %s", strerror(errno));
	c->kicked = 0;
}

/* Bytes per row of a ZPixmap image w pixels wide, as the server pads. */
static int
capture_bpl(const struct capture *c, int w)
{
	int bits = w * c->pc.bpp, pad = c->scanline_pad;

	return (bits + pad - 1) / pad * pad / 8;
}

/* ---- shared memory ---- */

static void
capture_shm_free(struct capture *c)
{
	if (c->shmimg == NULL)
		return;
	if (!c->x.dead)
		XShmDetach(c->x.dpy, &c->shminfo);
	c->shmimg->data = NULL;
	XDestroyImage(c->shmimg);
	c->shmimg = NULL;
	shmdt(c->shminfo.shmaddr);
	c->shminfo.shmaddr = NULL;
}

/*
 * A segment for a whole-screen grab: private (0600), attached by the
 * server, then marked for removal so that it disappears with the last
 * detach, even if we crash. 0, or -1 (the caller falls back to
 * XGetImage).
 */
static int
capture_shm_alloc(struct capture *c)
{
	XShmSegmentInfo *si = &c->shminfo;
	unsigned long errs = c->x.errors;
	size_t size;
	int failed;

	memset(si, 0, sizeof(*si));
	c->shmimg = XShmCreateImage(c->x.dpy, c->visual, (unsigned)c->depth,
	    ZPixmap, NULL, si, c->w, c->h);
	if (c->shmimg == NULL)
		return -1;
	size = (size_t)c->shmimg->bytes_per_line * c->h;
	si->shmid = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	if (si->shmid < 0) {
		log_debug("capture: shmget %zu bytes: %s", size,
		    strerror(errno));
		XDestroyImage(c->shmimg);
		c->shmimg = NULL;
		return -1;
	}
	si->shmaddr = shmat(si->shmid, NULL, 0);
	if (si->shmaddr == (void *)-1) {
		shmctl(si->shmid, IPC_RMID, NULL);
		si->shmaddr = NULL;
		XDestroyImage(c->shmimg);
		c->shmimg = NULL;
		return -1;
	}
	c->shmimg->data = si->shmaddr;
	si->readOnly = False;
	failed = !XShmAttach(c->x.dpy, si) ||
	    xconn_sync_failed(&c->x, errs) != 0;
	shmctl(si->shmid, IPC_RMID, NULL);
	if (failed) {
		c->shmimg->data = NULL;
		XDestroyImage(c->shmimg);
		c->shmimg = NULL;
		shmdt(si->shmaddr);
		si->shmaddr = NULL;
		return -1;
	}
	return 0;
}

/* ---- frame ---- */

static void
capture_frame_free(struct capture *c)
{
	capture_shm_free(c);
	free(c->frame);
	free(c->conv);
	c->frame = c->conv = NULL;
}

/* Frame, conversion buffer and segment for the current w x h. */
static int
capture_frame_alloc(struct capture *c, char *err, size_t errsz)
{
	size_t n = (size_t)c->w * c->h;

	if (c->w == 0 || c->h == 0 || n > CAPTURE_PIXELS_MAX) {
		snprintf(err, errsz, "unsupported screen size %ux%u",
		    (unsigned)c->w, (unsigned)c->h);
		return -1;
	}
	c->frame = calloc(n, sizeof(uint32_t));
	if (c->frame == NULL || (!c->pc.direct &&
	    (c->conv = calloc(n, sizeof(uint32_t))) == NULL)) {
		snprintf(err, errsz, "out of memory for a %ux%u frame",
		    (unsigned)c->w, (unsigned)c->h);
		return -1;
	}
	if (c->shm && capture_shm_alloc(c) != 0) {
		if (c->x.dead) {
			snprintf(err, errsz, "lost the connection to the X "
			    "server");
			return -1;
		}
		log_info("capture: MIT-SHM refused; grabbing with XGetImage");
		c->shm = 0;
	}
	if (!c->shm && c->conv == NULL &&
	    (c->conv = calloc(n, sizeof(uint32_t))) == NULL) {
		snprintf(err, errsz, "out of memory for a %ux%u frame",
		    (unsigned)c->w, (unsigned)c->h);
		return -1;
	}
	c->st.shm = c->shm;
	return 0;
}

/* ---- grabbing ---- */

/*
 * Grabs the box into c->conv or the segment, as 0x00RRGGBB; *out and
 * *stride (pixels) say where. 0, -1 when the request failed (a resize
 * racing it: the RandR event follows) or the connection is lost.
 */
static int
capture_grab_box(struct capture *c, int x, int y, int w, int h,
		 const uint32_t **out, size_t *stride)
{
	const uint8_t *src;
	size_t bpl, r;
	XImage *img = NULL;

	if (c->shm) {
		c->shmimg->width = w;
		c->shmimg->height = h;
		c->shmimg->bytes_per_line = capture_bpl(c, w);
		if (!XShmGetImage(c->x.dpy, c->root, c->shmimg, x, y,
		    AllPlanes))
			return -1;
		src = (const uint8_t *)c->shmimg->data;
		bpl = (size_t)c->shmimg->bytes_per_line;
	} else {
		img = XGetImage(c->x.dpy, c->root, x, y, (unsigned)w,
		    (unsigned)h, AllPlanes, ZPixmap);
		if (img == NULL)
			return -1;
		if (img->bits_per_pixel != c->pc.bpp) {
			XDestroyImage(img);
			return -1;
		}
		src = (const uint8_t *)img->data;
		bpl = (size_t)img->bytes_per_line;
	}
	if (c->shm && c->pc.direct) {
		/* In place: the top byte may hold anything. */
		for (r = 0; r < (size_t)h; r++)
			pixconv_row(&c->pc, (uint32_t *)(c->shmimg->data +
			    r * bpl), src + r * bpl, (size_t)w);
		*out = (const uint32_t *)src;
		*stride = bpl / 4;
	} else {
		for (r = 0; r < (size_t)h; r++)
			pixconv_row(&c->pc, c->conv + r * (size_t)w,
			    src + r * bpl, (size_t)w);
		*out = c->conv;
		*stride = (size_t)w;
	}
	if (img != NULL)
		XDestroyImage(img);
	return 0;
}

/* The whole box changed for every consumer (refine had no memory to
 * list what did). */
static void
capture_publish_box(struct capture *c, const pixman_box32_t *b)
{
	int i;

	for (i = 0; i < CAPTURE_CONSUMERS_MAX; i++)
		if (c->cons[i].used)
			pixman_region32_union_rect(&c->cons[i].acc,
			    &c->cons[i].acc, b->x1, b->y1,
			    (unsigned)(b->x2 - b->x1),
			    (unsigned)(b->y2 - b->y1));
}

/* Grabs one box and refines it into c->boxes. */
static int
capture_grab_refine(struct capture *c, const pixman_box32_t *b)
{
	int x = b->x1, y = b->y1, w = b->x2 - b->x1, h = b->y2 - b->y1;
	const uint32_t *px;
	size_t stride;
	uint64_t t0 = now_us(), t1;

	if (capture_grab_box(c, x, y, w, h, &px, &stride) != 0)
		return -1;
	t1 = now_us();
	c->st.grabs++;
	c->st.grab_pixels += (uint64_t)w * (uint64_t)h;
	c->st.grab_us += t1 - t0;
	if (refine_box(c->frame, c->w, px, stride, x, y, w, h,
	    &c->boxes) != 0)
		capture_publish_box(c, b);	/* no memory: all of it */
	c->st.refine_us += now_us() - t1;
	return 0;
}

/* Whether one request for the extents costs less than one per box. */
static int
capture_grab_whole(const pixman_box32_t *boxes, int n,
		   const pixman_box32_t *ext)
{
	uint64_t each = 0, whole;
	int i;

	if (n > CAPTURE_BOXES_MAX)
		return 1;
	whole = (uint64_t)(ext->x2 - ext->x1) * (uint64_t)(ext->y2 - ext->y1) +
	    CAPTURE_RT_PIXELS;
	for (i = 0; i < n; i++)
		each += (uint64_t)(boxes[i].x2 - boxes[i].x1) *
		    (uint64_t)(boxes[i].y2 - boxes[i].y1) + CAPTURE_RT_PIXELS;
	return whole <= each;
}

/* Hands the refined rectangles to every consumer. */
static void
capture_publish(struct capture *c)
{
	pixman_region32_t r;
	int i, n;
	const pixman_box32_t *b;

	if (c->boxes.n == 0)
		return;
	pixman_region32_init_rects(&r, c->boxes.v, (int)c->boxes.n);
	b = pixman_region32_rectangles(&r, &n);
	for (i = 0; i < n; i++)
		c->st.changed_pixels += (uint64_t)(b[i].x2 - b[i].x1) *
		    (uint64_t)(b[i].y2 - b[i].y1);
	for (i = 0; i < CAPTURE_CONSUMERS_MAX; i++)
		if (c->cons[i].used)
			pixman_region32_union(&c->cons[i].acc, &c->cons[i].acc,
			    &r);
	pixman_region32_fini(&r);
	c->boxes.n = 0;
}

/* Grabs the pending region (clipped to the screen) and refines it. */
static void
capture_grab_pending(struct capture *c)
{
	const pixman_box32_t *b, *ext;
	int i, n;

	pixman_region32_intersect_rect(&c->pending, &c->pending, 0, 0, c->w,
	    c->h);
	if (!pixman_region32_not_empty(&c->pending) || c->x.dead)
		return;
	b = pixman_region32_rectangles(&c->pending, &n);
	ext = pixman_region32_extents(&c->pending);
	c->boxes.n = 0;
	if (capture_grab_whole(b, n, ext))
		(void)capture_grab_refine(c, ext);
	else
		for (i = 0; i < n && !c->x.dead; i++)
			(void)capture_grab_refine(c, &b[i]);
	pixman_region32_clear(&c->pending);
	capture_publish(c);
	/* Events read while we waited for the image are in memory now. */
	if (c->x.dead || XPending(c->x.dpy) > 0)
		capture_kick(c);
}

/* ---- cursor ---- */

static void
capture_cursor_fetch(struct capture *c)
{
	XFixesCursorImage *ci = XFixesGetCursorImage(c->x.dpy);
	uint32_t *px;
	size_t i, n;

	if (ci == NULL)
		return;
	if (ci->width == 0 || ci->height == 0 ||
	    ci->width > CAPTURE_CURSOR_MAX || ci->height > CAPTURE_CURSOR_MAX) {
		log_debug("capture: cursor %ux%u ignored", ci->width,
		    ci->height);
		XFree(ci);
		return;
	}
	n = (size_t)ci->width * ci->height;
	if ((px = malloc(n * sizeof(*px))) == NULL) {
		XFree(ci);
		return;
	}
	/* XFixes gives one unsigned long per pixel (64 bits here). */
	for (i = 0; i < n; i++)
		px[i] = (uint32_t)ci->pixels[i];
	free(c->cursor);
	c->cursor = px;
	c->cw = ci->width;
	c->ch = ci->height;
	c->chx = ci->xhot < ci->width ? ci->xhot : ci->width - 1;
	c->chy = ci->yhot < ci->height ? ci->yhot : ci->height - 1;
	c->cursor_serial = ci->cursor_serial;
	XFree(ci);
}

/* ---- consumers ---- */

int
capture_consumer_add(struct capture *c)
{
	int i;

	for (i = 0; i < CAPTURE_CONSUMERS_MAX; i++)
		if (!c->cons[i].used) {
			c->cons[i].used = 1;
			pixman_region32_init(&c->cons[i].acc);
			return i;
		}
	return -1;
}

void
capture_consumer_remove(struct capture *c, int id)
{
	if (id < 0 || id >= CAPTURE_CONSUMERS_MAX || !c->cons[id].used)
		return;
	pixman_region32_fini(&c->cons[id].acc);
	c->cons[id].used = 0;
}

void
capture_take_damage(struct capture *c, int id, pixman_region32_t *region)
{
	if (id < 0 || id >= CAPTURE_CONSUMERS_MAX || !c->cons[id].used)
		return;
	capture_grab_pending(c);
	pixman_region32_union(region, region, &c->cons[id].acc);
	pixman_region32_clear(&c->cons[id].acc);
}

/* ---- screen size ---- */

/* The screen's size changed: a new frame, grabbed whole at once (there
 * is nothing to compare it with), and everything damaged for everyone. */
static int
capture_resize(struct capture *c, char *err, size_t errsz)
{
	pixman_box32_t all;
	int i;

	capture_frame_free(c);
	c->w = (uint16_t)DisplayWidth(c->x.dpy, DefaultScreen(c->x.dpy));
	c->h = (uint16_t)DisplayHeight(c->x.dpy, DefaultScreen(c->x.dpy));
	if (capture_frame_alloc(c, err, errsz) != 0)
		return -1;
	all.x1 = all.y1 = 0;
	all.x2 = c->w;
	all.y2 = c->h;
	pixman_region32_clear(&c->pending);
	c->boxes.n = 0;
	/* A failure short of a lost connection is a resize racing this one
	 * (its event follows): the next take grabs the screen again. */
	if (capture_grab_refine(c, &all) != 0) {
		if (xconn_lost(&c->x, err, errsz))
			return -1;
		pixman_region32_union_rect(&c->pending, &c->pending, 0, 0,
		    c->w, c->h);
	}
	c->boxes.n = 0;
	for (i = 0; i < CAPTURE_CONSUMERS_MAX; i++)
		if (c->cons[i].used)
			pixman_region32_reset(&c->cons[i].acc, &all);
	return 0;
}

/* The size the server has now (after XRRUpdateConfiguration). */
static int
capture_size_differs(struct capture *c)
{
	int s = DefaultScreen(c->x.dpy);

	return DisplayWidth(c->x.dpy, s) != c->w ||
	    DisplayHeight(c->x.dpy, s) != c->h;
}

/* ---- events ---- */

static void
capture_event(struct capture *c, XEvent *ev)
{
	if (ev->type == c->damage_event + XDamageNotify) {
		const XDamageNotifyEvent *d = (const XDamageNotifyEvent *)ev;

		pixman_region32_union_rect(&c->pending, &c->pending,
		    d->area.x, d->area.y, d->area.width, d->area.height);
	} else if (ev->type == c->fixes_event + XFixesCursorNotify) {
		const XFixesCursorNotifyEvent *f =
		    (const XFixesCursorNotifyEvent *)ev;

		if (f->cursor_serial != c->cursor_serial || c->cursor == NULL)
			c->cursor_changed = 1;
	} else if (c->have_randr &&
	    ev->type == c->randr_event + RRScreenChangeNotify) {
		XRRUpdateConfiguration(ev);
		c->size_changed = 1;
	} else if (ev->type == ConfigureNotify) {
		XRRUpdateConfiguration(ev);
		c->size_changed = 1;
	}
}

int
capture_process(struct capture *c, struct capture_changes *ch, char *err,
		size_t errsz)
{
	XEvent ev;
	int n = 0;

	memset(ch, 0, sizeof(*ch));
	c->st.wakeups++;
	capture_unkick(c);
	if (xconn_lost(&c->x, err, errsz))
		return -1;
	while (n < CAPTURE_EVENTS_MAX && XPending(c->x.dpy) > 0) {
		XNextEvent(c->x.dpy, &ev);
		capture_event(c, &ev);
		n++;
	}
	c->st.events += (uint64_t)n;
	if (n == CAPTURE_EVENTS_MAX)
		capture_kick(c);	/* more: after the monitor's others */
	if (c->size_changed && !c->x.dead) {
		c->size_changed = 0;
		if (capture_size_differs(c)) {
			if (capture_resize(c, err, errsz) != 0)
				return -1;
			ch->resized = 1;
		}
	}
	if (c->cursor_changed && !c->x.dead) {
		c->cursor_changed = 0;
		capture_cursor_fetch(c);
		ch->cursor = 1;
		if (XPending(c->x.dpy) > 0)
			capture_kick(c);
	}
	if (xconn_lost(&c->x, err, errsz))
		return -1;
	ch->damaged = pixman_region32_not_empty(&c->pending) || ch->resized;
	return 0;
}

/* ---- open / close ---- */

static void
capture_set_name(struct capture *c)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *dname = DisplayString(c->x.dpy), *colon;
	char host[HOST_NAME_MAX + 1] = "localhost", user[40], h[64], d[24];

	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	colon = dname != NULL ? strrchr(dname, ':') : NULL;
	log_sanitize_str(user, sizeof(user), pw != NULL ? pw->pw_name : "?");
	log_sanitize_str(h, sizeof(h), host);
	log_sanitize_str(d, sizeof(d), colon != NULL ? colon + 1 : "0");
	snprintf(c->name, sizeof(c->name), "%s@%s:%s", user, h, d);
}

/* The root window's pixel format, from a scratch image. */
static int
capture_format(struct capture *c, char *err, size_t errsz)
{
	XImage *probe;
	int rc;

	if (c->visual->class != TrueColor && c->visual->class != DirectColor) {
		snprintf(err, errsz, "unsupported screen: not a true-colour "
		    "visual (class %d)", c->visual->class);
		return -1;
	}
	probe = XCreateImage(c->x.dpy, c->visual, (unsigned)c->depth, ZPixmap,
	    0, NULL, 1, 1, 32, 0);
	if (probe == NULL) {
		snprintf(err, errsz, "cannot describe the screen's format");
		return -1;
	}
	c->scanline_pad = probe->bitmap_pad;
	rc = pixconv_init(&c->pc, probe->bits_per_pixel,
	    probe->byte_order == MSBFirst, (uint32_t)c->visual->red_mask,
	    (uint32_t)c->visual->green_mask, (uint32_t)c->visual->blue_mask,
	    err, errsz);
	XDestroyImage(probe);
	if (rc == 0) {
		int i, n;
		XPixmapFormatValues *f = XListPixmapFormats(c->x.dpy, &n);

		for (i = 0; f != NULL && i < n; i++)
			if (f[i].depth == c->depth)
				c->scanline_pad = f[i].scanline_pad;
		XFree(f);
	}
	return rc;
}

static int
capture_extensions(struct capture *c, char *err, size_t errsz)
{
	Display *d = c->x.dpy;
	int evb, erb, maj = 0, min = 0;

	if (!XDamageQueryExtension(d, &c->damage_event, &erb) ||
	    !XDamageQueryVersion(d, &maj, &min)) {
		snprintf(err, errsz, "the X server lacks the DAMAGE extension");
		return -1;
	}
	if (!XFixesQueryExtension(d, &c->fixes_event, &erb) ||
	    !XFixesQueryVersion(d, &maj, &min) || maj < 2) {
		snprintf(err, errsz, "the X server lacks XFIXES 2 (cursor "
		    "images)");
		return -1;
	}
	c->have_randr = XRRQueryExtension(d, &c->randr_event, &erb);
	c->shm = XShmQueryExtension(d) && xconn_is_local(&c->x);
	(void)evb;
	return 0;
}

/* The epoll set behind capture_fd. */
static int
capture_fds(struct capture *c, char *err, size_t errsz)
{
	struct epoll_event e;

	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->epfd < 0 || c->evfd < 0) {
		snprintf(err, errsz, "epoll/eventfd: %s", strerror(errno));
		return -1;
	}
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.fd = ConnectionNumber(c->x.dpy);
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, e.data.fd, &e) != 0)
		goto fail;
	e.data.fd = c->evfd;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->evfd, &e) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errsz, "epoll_ctl: %s", strerror(errno));
	return -1;
}

static int
capture_setup(struct capture *c, const char *display, char *err,
	      size_t errsz)
{
	Display *d;
	pixman_box32_t all;

	if (xconn_open(&c->x, display, err, errsz) != 0)
		return -1;
	d = c->x.dpy;
	c->root = DefaultRootWindow(d);
	c->visual = DefaultVisual(d, DefaultScreen(d));
	c->depth = DefaultDepth(d, DefaultScreen(d));
	if (capture_extensions(c, err, errsz) != 0 ||
	    capture_format(c, err, errsz) != 0 ||
	    capture_fds(c, err, errsz) != 0)
		return -1;
	c->w = (uint16_t)DisplayWidth(d, DefaultScreen(d));
	c->h = (uint16_t)DisplayHeight(d, DefaultScreen(d));
	if (capture_frame_alloc(c, err, errsz) != 0)
		return -1;
	c->damage = XDamageCreate(d, c->root, XDamageReportRawRectangles);
	XFixesSelectCursorInput(d, c->root, XFixesDisplayCursorNotifyMask);
	if (c->have_randr)
		XRRSelectInput(d, c->root, RRScreenChangeNotifyMask);
	XSelectInput(d, c->root, StructureNotifyMask);
	all.x1 = all.y1 = 0;
	all.x2 = c->w;
	all.y2 = c->h;
	/* The first frame: everything, after the damage object exists so
	 * nothing drawn in between is missed. */
	if (capture_grab_refine(c, &all) != 0 || c->x.dead) {
		if (!xconn_lost(&c->x, err, errsz))
			snprintf(err, errsz, "cannot read the screen");
		return -1;
	}
	c->boxes.n = 0;
	capture_cursor_fetch(c);
	capture_set_name(c);
	if (c->x.dead || XPending(d) > 0)
		capture_kick(c);
	return 0;
}

struct capture *
capture_open(const char *display, char *err, size_t errsz)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	c->epfd = c->evfd = -1;
	pixman_region32_init(&c->pending);
	if (capture_setup(c, display, err, errsz) != 0) {
		capture_close(c);
		return NULL;
	}
	log_debug("capture: %s %ux%u, %d bpp%s, %s", c->name, (unsigned)c->w,
	    (unsigned)c->h, c->pc.bpp, c->pc.direct ? " (direct)" : "",
	    c->shm ? "MIT-SHM" : "XGetImage");
	return c;
}

void
capture_close(struct capture *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < CAPTURE_CONSUMERS_MAX; i++)
		capture_consumer_remove(c, i);
	if (c->x.dpy != NULL) {
		capture_shm_free(c);
		if (c->damage != None && !c->x.dead)
			XDamageDestroy(c->x.dpy, c->damage);
		xconn_close(&c->x);
	}
	capture_frame_free(c);
	free(c->cursor);
	refine_boxes_free(&c->boxes);
	pixman_region32_fini(&c->pending);
	if (c->epfd >= 0)
		close(c->epfd);
	if (c->evfd >= 0)
		close(c->evfd);
	free(c);
}

/* ---- accessors ---- */

int
capture_fd(const struct capture *c)
{
	return c->epfd;
}

const uint32_t *
capture_frame(const struct capture *c, uint16_t *width, uint16_t *height,
	      size_t *stride)
{
	*width = c->w;
	*height = c->h;
	*stride = c->w;
	return c->frame;
}

const uint32_t *
capture_cursor(const struct capture *c, uint16_t *w, uint16_t *h,
	       uint16_t *hot_x, uint16_t *hot_y)
{
	*w = c->cw;
	*h = c->ch;
	*hot_x = c->chx;
	*hot_y = c->chy;
	return c->cursor;
}

const char *
capture_name(const struct capture *c)
{
	return c->name;
}

void
capture_get_stats(const struct capture *c, struct capture_stats *st)
{
	*st = c->st;
}
