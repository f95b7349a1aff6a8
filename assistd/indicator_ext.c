/* indicator_ext: the indicator in the monitor's loop; see indicator_ext.h. */
#include "assistd/indicator_ext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assistd/indicator.h"
#include "common/ipc.h"
#include "common/log.h"

struct indicator_ext {
	struct indicator *ind;		/* NULL once gone */
	struct monitor_ext ext;
	bool shown;
	uint8_t mode;			/* what is shown */
	char name[IPC_MAX_STR + 1];
};

/* The monitor's copy of a helper's name as raw bytes into out. */
static void
raw_name(const char *helper, char *out, size_t outsz)
{
	size_t n = log_unescape(out, outsz, helper);

	if (memchr(out, '\0', n) != NULL)	/* cannot be a C string */
		snprintf(out, outsz, "%s", helper);
}

int
indicator_ext_describe(const struct monitor_session *s, int n, char *name,
		       size_t namesz, uint8_t *mode)
{
	char first[INDICATOR_EXT_NAME_MAX + 1];
	int i;

	if (n <= 0 || namesz == 0)
		return 0;
	*mode = IPC_MODE_VIEW;
	for (i = 0; i < n; i++)
		if (s[i].mode != IPC_MODE_VIEW)
			*mode = IPC_MODE_CONTROL;	/* never understate */
	if (n == 1) {
		raw_name(s[0].helper, name, namesz);
		return 1;
	}
	raw_name(s[0].helper, name, namesz);
	snprintf(first, sizeof(first), "%s", name);
	snprintf(name, namesz, "%s and %d more", first, n - 1);
	return 1;
}

static int
ext_fd(void *ud)
{
	struct indicator_ext *x = ud;

	return x->ind != NULL ? indicator_fd(x->ind) : -1;
}

/* Sessions, modes or questions changed: show what is live now. */
static void
ext_changed(struct monitor *m, void *ud)
{
	struct indicator_ext *x = ud;
	struct monitor_session s[MONITOR_MAX_HELPERS];
	char name[IPC_MAX_STR + 1];
	uint8_t mode = 0;
	int n;

	if (x->ind == NULL)
		return;
	n = monitor_sessions(m, s, MONITOR_MAX_HELPERS);
	if (!indicator_ext_describe(s, n, name, sizeof(name), &mode)) {
		if (x->shown)
			indicator_hide(x->ind);
		x->shown = false;
		return;
	}
	/* Unchanged: no message, so no flicker and no raise. */
	if (x->shown && x->mode == mode && strcmp(x->name, name) == 0)
		return;
	indicator_show(x->ind, name, mode);
	x->shown = true;
	x->mode = mode;
	snprintf(x->name, sizeof(x->name), "%s", name);
}

static void
ext_input(struct monitor *m, void *ud)
{
	struct indicator_ext *x = ud;

	if (x->ind == NULL)
		return;
	switch (indicator_handle(x->ind)) {
	case INDICATOR_END:
		log_info("\"End session\" clicked on the on-screen indicator");
		(void)monitor_end_session(m, 0);
		break;
	case INDICATOR_VIEW_ONLY:
		log_info("\"View only\" clicked on the on-screen indicator");
		(void)monitor_view_only(m, 0);
		break;
	case INDICATOR_GONE:
		/* indicator.c said why; the terminal is still there. */
		indicator_close(x->ind);
		x->ind = NULL;
		x->shown = false;
		break;
	case INDICATOR_NONE:
		break;
	}
}

struct indicator_ext *
indicator_ext_open(const char *display)
{
	struct indicator_ext *x;
	char err[256], d[64];

	if (display == NULL || display[0] == '\0') {
		log_debug("no DISPLAY: no on-screen indicator");
		return NULL;
	}
	log_sanitize_str(d, sizeof(d), display);
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		log_error("warning: no on-screen indicator: out of memory");
		return NULL;
	}
	if ((x->ind = indicator_open(display, err, sizeof(err))) == NULL) {
		log_error("warning: no on-screen indicator on display %s: %s; "
		    "sessions are shown on this terminal only", d, err);
		free(x);
		return NULL;
	}
	x->ext.ud = x;
	x->ext.fd = ext_fd;
	x->ext.input = ext_input;
	x->ext.changed = ext_changed;
	log_info("on-screen indicator on display %s", d);
	return x;
}

const struct monitor_ext *
indicator_ext_monitor(struct indicator_ext *x)
{
	return &x->ext;
}

void
indicator_ext_close(struct indicator_ext *x)
{
	if (x == NULL)
		return;
	indicator_close(x->ind);
	free(x);
}
