/*
 * indicator_demo: drives assistd's on-screen indicator (assistd/
 * indicator.h) the way the monitor does, for the e2e tests. Opens it on
 * $DISPLAY, shows NAME in MODE, and prints one line per event on stdout:
 *   "ready", "shown view|control", "hidden", "action END|VIEW_ONLY|GONE".
 * On VIEW_ONLY it shows NAME again in view mode (as the monitor drops
 * to view); on END it hides the window and exits 0; on GONE it exits 3.
 * Lines on stdin: "show view|control", "hide", "quit". Exits by itself
 * after DEMO_MAX_MS.
 *   usage: indicator_demo [view|control] NAME
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assistd/indicator.h"
#include "common/clock.h"
#include "common/ipc.h"
#include "common/log.h"

#define DEMO_MAX_MS	120000	/* a test never needs longer */
#define DEMO_LINE_MAX	64

static void
demo_show(struct indicator *ind, const char *name, int mode)
{
	indicator_show(ind, name, mode);
	printf("shown %s\n", ipc_mode_name((uint8_t)mode));
}

/* One stdin command; 1 to quit. */
static int
demo_command(struct indicator *ind, const char *name, const char *line)
{
	if (strcmp(line, "show view\n") == 0)
		demo_show(ind, name, IPC_MODE_VIEW);
	else if (strcmp(line, "show control\n") == 0)
		demo_show(ind, name, IPC_MODE_CONTROL);
	else if (strcmp(line, "hide\n") == 0) {
		indicator_hide(ind);
		printf("hidden\n");
	} else if (strcmp(line, "quit\n") == 0)
		return 1;
	else
		printf("unknown command\n");
	return 0;
}

/* Reads one stdin line (the tests write whole lines); -1 at EOF. */
static int
demo_stdin(struct indicator *ind, const char *name)
{
	char line[DEMO_LINE_MAX];
	ssize_t n = read(STDIN_FILENO, line, sizeof(line) - 1);

	if (n <= 0)
		return -1;
	line[n] = '\0';
	return demo_command(ind, name, line);
}

/* 0 go on, else the exit status + 1. */
static int
demo_action(struct indicator *ind, const char *name)
{
	enum indicator_action a = indicator_handle(ind);

	if (a == INDICATOR_NONE)
		return 0;
	printf("action %s\n", indicator_action_name(a));
	switch (a) {
	case INDICATOR_VIEW_ONLY:
		demo_show(ind, name, IPC_MODE_VIEW);
		return 0;
	case INDICATOR_END:
		indicator_hide(ind);
		printf("hidden\n");
		return 1;
	default:
		return 4;
	}
}

int
main(int argc, char **argv)
{
	struct indicator *ind;
	struct pollfd p[2];
	long long end = clock_now_ms() + DEMO_MAX_MS;
	const char *name;
	char err[256];
	int mode = IPC_MODE_CONTROL, st = 0, r;

	log_init("indicator_demo", LOG_LVL_INFO);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "view") == 0)
		mode = IPC_MODE_VIEW;
	else if (!(argc == 3 && strcmp(argv[1], "control") == 0) &&
	    argc != 2) {
		fprintf(stderr, "usage: indicator_demo [view|control] NAME\n");
		return 2;
	}
	name = argv[argc - 1];
	if ((ind = indicator_open(getenv("DISPLAY"), err, sizeof(err))) ==
	    NULL) {
		printf("open failed: %s\n", err);
		return 2;
	}
	printf("ready\n");
	demo_show(ind, name, mode);
	p[0].fd = indicator_fd(ind);
	p[0].events = POLLIN;
	p[1].fd = STDIN_FILENO;
	p[1].events = POLLIN;
	while (st == 0 && clock_now_ms() < end) {
		r = poll(p, 2, 1000);
		if (r < 0 && errno != EINTR)
			break;
		if (p[0].revents != 0)
			st = demo_action(ind, name);
		if (st == 0 && p[1].revents != 0 &&
		    (r = demo_stdin(ind, name)) != 0) {
			if (r < 0)
				p[1].fd = -1;	/* stdin closed: ignore it */
			else
				st = 1;
		}
	}
	indicator_close(ind);
	return st == 0 ? 1 : st - 1;
}
