/*
 * capture: the user's X display as assistd's monitor sees it: the screen
 * image (XShm), what changed (XDamage, refined by comparing with the
 * previous frame so only pixels that really changed are reported), the
 * cursor image (XFixes) and the screen size (RandR). Event-driven: the
 * monitor polls capture_fd() and calls capture_process(); nothing here
 * wakes up without an X event.
 *
 * Shared-memory segments are created IPC_PRIVATE with mode 0600 and
 * marked for removal as soon as the X server has attached them.
 * Damage regions are pixman regions (pixman_region32_t).
 *
 * Pixels are grabbed only when a consumer asks (capture_take_damage), so
 * a screen that changes faster than the helpers can take it costs one
 * grab per update sent, not one per X event. A lost X server is reported
 * by capture_process (-1), never by exiting: see xconn.h.
 */
#ifndef ASSISTD_CAPTURE_H
#define ASSISTD_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <pixman.h>

struct capture;	/* opaque */

/* Opens display (NULL: $DISPLAY). NULL with a one-line reason in err when
 * the display, or an extension we need (XDamage, XFixes, MIT-SHM
 * optional: falls back to XGetImage), is missing. */
struct capture *capture_open(const char *display, char *err, size_t errsz);
void capture_close(struct capture *c);

/* An fd for poll(2) (POLLIN): readable when capture_process has work (X
 * events, including those Xlib read ahead during a grab). */
int capture_fd(const struct capture *c);

/* What capture_process found since the last call. */
struct capture_changes {
	int damaged;		/* 1: the X server reported drawing: call
				 * capture_take_damage for what changed */
	int cursor;		/* 1: the cursor image changed */
	int resized;		/* 1: the screen size changed (the frame was
				 * reallocated: everything is damaged) */
};

/*
 * Handles every pending X event (damage, cursor, RandR). 0, or -1 when
 * the X connection failed (err says why: the sessions end; close the
 * capture).
 */
int capture_process(struct capture *c, struct capture_changes *ch,
		    char *err, size_t errsz);

/* The current frame: 0x00RRGGBB pixels, row i at frame + i * stride
 * (pixels). The pointer and size change only in capture_process
 * (resized); the pixels in capture_take_damage. */
const uint32_t *capture_frame(const struct capture *c, uint16_t *width,
			      uint16_t *height, size_t *stride);

/*
 * Adds the changed pixels since the consumer's last call to *region
 * (the caller's, initialised). Each consumer (helper session) has its
 * own id from capture_consumer_add (-1: too many), so two helpers at
 * different speeds both get every change. A new consumer starts with
 * nothing to take: it sends the whole frame first (RFB's first request
 * is a full one). capture_take_damage first grabs what the X server
 * reported since the last grab, refines it and hands it to every
 * consumer: call it before encoding, a full update included.
 */
int capture_consumer_add(struct capture *c);
void capture_consumer_remove(struct capture *c, int id);
void capture_take_damage(struct capture *c, int id,
			 pixman_region32_t *region);

/* The cursor: ARGB pixels (0xAARRGGBB, colour premultiplied by alpha as
 * XFixes gives it), size and hotspot; valid until the next
 * capture_process. NULL when unknown. */
const uint32_t *capture_cursor(const struct capture *c, uint16_t *w,
			       uint16_t *h, uint16_t *hot_x, uint16_t *hot_y);

/* The desktop name for ServerInit ("user@host:display"). */
const char *capture_name(const struct capture *c);

/* Counters for tests and benchmarks (since capture_open). */
struct capture_stats {
	uint64_t wakeups;	/* capture_process calls */
	uint64_t events;	/* X events handled */
	uint64_t grabs;		/* XShmGetImage / XGetImage requests */
	uint64_t grab_pixels;	/* pixels grabbed */
	uint64_t changed_pixels;/* pixels refinement kept */
	uint64_t grab_us;	/* time in grab requests (incl. conversion) */
	uint64_t refine_us;	/* time comparing and copying */
	int shm;		/* 1: grabs use MIT-SHM */
};
void capture_get_stats(const struct capture *c, struct capture_stats *st);

#endif
