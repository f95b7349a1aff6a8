/*
 * indicator_ext: the on-screen indicator (indicator.h) as an extension of
 * the monitor's loop (monitor.h, struct monitor_ext). While sessions are
 * live it shows who and in which mode; "End session" ends every live
 * session (monitor_end_session), "View only" drops every one to view
 * (monitor_view_only): the indicator only ever reduces access. Several
 * helpers at once (--max-helpers) are shown as "NAME and N more", in
 * control mode when any of them has control.
 */
#ifndef ASSISTD_INDICATOR_EXT_H
#define ASSISTD_INDICATOR_EXT_H

#include "assistd/monitor.h"

#define INDICATOR_EXT_NAME_MAX	64	/* raw bytes of the first helper's
					 * name when there are several */

struct indicator_ext;

/*
 * Opens the indicator on display (getenv("DISPLAY")). NULL, with the
 * reason logged as a warning when display is set, when there is none:
 * the terminal alone is then in charge. The caller owns the result
 * (indicator_ext_close).
 */
struct indicator_ext *indicator_ext_open(const char *display);
/* The extension to put in assistd_opts.ext; valid until close. */
const struct monitor_ext *indicator_ext_monitor(struct indicator_ext *x);
/* Closes the window and its process; NULL is a no-op. */
void indicator_ext_close(struct indicator_ext *x);

/*
 * Pure: the name and mode to show for the live sessions s[0..n) into
 * name (raw bytes, escaped later by the indicator) and *mode; 0 when
 * there is nothing to show (n == 0), else 1. Helper names in s are as
 * the monitor keeps them (escaped by the network process): unescaped
 * here; one holding a NUL byte is shown as received.
 */
int indicator_ext_describe(const struct monitor_session *s, int n,
			   char *name, size_t namesz, uint8_t *mode);

#endif
