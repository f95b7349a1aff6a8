/*
 * capture_probe: assistd's screen capture (assistd/capture.h) as the RFB
 * server uses it, for the e2e tests and measurements. Opens the capture
 * on $DISPLAY as one consumer and prints one line per event on stdout:
 *   ready W H shm=0|1 name=NAME       after opening
 *   cursor W H HOTX HOTY SUM          the cursor image (and at start)
 *   resize W H                        the screen size changed
 *   rect X Y W H                      a changed rectangle (after a take)
 *   took N US                         a take: N rectangles, US µs
 *   lost REASON                       the X server went away
 * With "auto" (the default) every damage notification is taken at once.
 * Commands on stdin, one per line:
 *   take | auto on|off | sum [X Y W H] | stats | open DISPLAY | quit
 * "sum" prints "sum HEX" (tests/helpers/pixsum.h) of the frame or a part;
 * "stats" prints the capture's counters; "open" opens a second capture
 * on DISPLAY and closes it ("open ok" / "open failed REASON"). Exits by
 * itself after PROBE_MAX_MS.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assistd/capture.h"
#include "common/clock.h"
#include "common/log.h"
#include "tests/helpers/pixsum.h"

#define PROBE_MAX_MS	300000	/* a test never needs longer */

struct probe {
	struct capture *cap;
	int id;			/* our consumer */
	int automatic;
	int quit;
};

static uint64_t
probe_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
probe_cursor(struct probe *p)
{
	uint16_t w, h, hx, hy;
	const uint32_t *px = capture_cursor(p->cap, &w, &h, &hx, &hy);

	if (px == NULL)
		printf("cursor none\n");
	else
		printf("cursor %u %u %u %u %016" PRIx64 "\n", w, h, hx, hy,
		    pixsum_rect(px, w, 0, 0, w, h));
}

static void
probe_take(struct probe *p)
{
	pixman_region32_t r;
	const pixman_box32_t *b;
	uint64_t t0 = probe_us(), t;
	int i, n;

	pixman_region32_init(&r);
	capture_take_damage(p->cap, p->id, &r);
	t = probe_us() - t0;
	b = pixman_region32_rectangles(&r, &n);
	for (i = 0; i < n; i++)
		printf("rect %d %d %d %d\n", b[i].x1, b[i].y1,
		    b[i].x2 - b[i].x1, b[i].y2 - b[i].y1);
	printf("took %d %" PRIu64 "\n", n, t);
	pixman_region32_fini(&r);
}

static void
probe_sum(struct probe *p, const char *args)
{
	uint16_t fw, fh;
	size_t stride;
	const uint32_t *f = capture_frame(p->cap, &fw, &fh, &stride);
	int x = 0, y = 0, w = fw, h = fh;

	if (*args != '\0' && (sscanf(args, "%d %d %d %d", &x, &y, &w, &h) != 4
	    || x < 0 || y < 0 || w < 0 || h < 0 || x + w > fw ||
	    y + h > fh)) {
		printf("sum bad-rect\n");
		return;
	}
	printf("sum %016" PRIx64 "\n", pixsum_rect(f, stride, x, y, w, h));
}

static void
probe_stats(struct probe *p)
{
	struct capture_stats st;

	capture_get_stats(p->cap, &st);
	printf("stats wakeups=%" PRIu64 " events=%" PRIu64 " grabs=%" PRIu64
	    " grab_pixels=%" PRIu64 " changed_pixels=%" PRIu64 " grab_us=%"
	    PRIu64 " refine_us=%" PRIu64 " shm=%d\n", st.wakeups, st.events,
	    st.grabs, st.grab_pixels, st.changed_pixels, st.grab_us,
	    st.refine_us, st.shm);
}

static void
probe_open_other(const char *display)
{
	char err[256];
	struct capture *c = capture_open(display, err, sizeof(err));

	if (c == NULL) {
		printf("open failed %s\n", err);
		return;
	}
	printf("open ok\n");
	capture_close(c);
}

static int
probe_command(void *ctx, char *line)
{
	struct probe *p = ctx;

	if (p->cap == NULL && strncmp(line, "open ", 5) != 0 &&
	    strcmp(line, "quit") != 0) {
		printf("no-capture\n");
		return 0;
	}
	if (strcmp(line, "take") == 0)
		probe_take(p);
	else if (strcmp(line, "auto on") == 0)
		p->automatic = 1;
	else if (strcmp(line, "auto off") == 0)
		p->automatic = 0;
	else if (strncmp(line, "sum", 3) == 0)
		probe_sum(p, line + 3);
	else if (strcmp(line, "stats") == 0)
		probe_stats(p);
	else if (strncmp(line, "open ", 5) == 0)
		probe_open_other(line + 5);
	else if (strcmp(line, "quit") == 0)
		return 1;
	else
		printf("unknown command\n");
	return 0;
}

/* The capture's fd was readable. */
static void
probe_capture(struct probe *p)
{
	struct capture_changes ch;
	char err[256];
	uint16_t w, h;
	size_t stride;

	if (capture_process(p->cap, &ch, err, sizeof(err)) != 0) {
		printf("lost %s\n", err);
		capture_close(p->cap);
		p->cap = NULL;
		return;
	}
	if (ch.resized) {
		(void)capture_frame(p->cap, &w, &h, &stride);
		printf("resize %u %u\n", w, h);
	}
	if (ch.cursor)
		probe_cursor(p);
	if (ch.damaged && p->automatic)
		probe_take(p);
}

int
main(int argc, char **argv)
{
	struct probe p = { .automatic = 1 };
	struct pixsum_lines lines = { .n = 0 };
	struct pollfd fds[2];
	struct capture_stats st;
	long long end = clock_now_ms() + PROBE_MAX_MS;
	char err[256];
	uint16_t w, h;
	size_t stride;
	int r;

	log_init("capture_probe", argc > 1 && strcmp(argv[1], "-v") == 0 ?
	    LOG_LVL_DEBUG : LOG_LVL_INFO);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((p.cap = capture_open(NULL, err, sizeof(err))) == NULL) {
		printf("open failed %s\n", err);
		return 2;
	}
	p.id = capture_consumer_add(p.cap);
	(void)capture_frame(p.cap, &w, &h, &stride);
	capture_get_stats(p.cap, &st);
	printf("ready %u %u shm=%d name=%s\n", w, h, st.shm,
	    capture_name(p.cap));
	probe_cursor(&p);
	fds[1].fd = STDIN_FILENO;
	fds[1].events = POLLIN;
	while (!p.quit && clock_now_ms() < end) {
		fds[0].fd = p.cap != NULL ? capture_fd(p.cap) : -1;
		fds[0].events = POLLIN;
		r = poll(fds, 2, 1000);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && fds[0].revents != 0 && p.cap != NULL)
			probe_capture(&p);
		if (r > 0 && fds[1].revents != 0 &&
		    (r = pixsum_read_lines(&lines, STDIN_FILENO, probe_command,
		    &p)) != 0) {
			if (r < 0)
				fds[1].fd = -1;	/* stdin closed */
			else
				p.quit = 1;
		}
	}
	capture_close(p.cap);
	return 0;
}
