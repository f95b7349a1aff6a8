/*
 * monitor: assistd's main process (the user's). It owns the listening
 * sockets, forks one network process per connection (assistd/net.h),
 * caps them, enforces the login grace time from outside, asks the user
 * before any session (assistd/consent.h), grants at most --max-helpers
 * sessions at once, and never parses SSH packets itself.
 *
 * Session flow, per connection (IPC, common/ipc.h):
 *   IPC_SESSION_REQUEST {mode, reason} from an authenticated child
 *     -> busy (sessions live + questions pending >= max_helpers):
 *        IPC_SESSION_DENY {BUSY}, nobody asked;
 *     -> else a verification code, the question queued (one on the
 *        screen at a time), IPC_CONSENT_WAIT {code, user, timeout} when
 *        it is on the screen, then IPC_SESSION_GRANT {mode} (view when
 *        the user chose view only) or IPC_SESSION_DENY {REFUSED|TIMEOUT}.
 *   IPC_MODE_REQUEST (a viewing helper asks for control): asked again;
 *     yes -> IPC_MODE {control, IPC_BY_HELPER}; no, timeout or withdrawn
 *     -> IPC_MODE {view, IPC_BY_USER} ("control refused", see ipc.h).
 *   The user (terminal keys, or an extension such as the indicator,
 *   through monitor_end_session / monitor_view_only): IPC_SHUTDOWN
 *   {IPC_END_USER} or IPC_MODE {view, IPC_BY_USER}.
 *   A helper that leaves while asked: the question is withdrawn.
 *
 * Hook points: extensions (struct monitor_ext below: the X11 indicator)
 * get an fd in the loop and a "changed" call, and act through
 * monitor_end_session / monitor_view_only; a per-connection check before
 * any question (the one-time code) goes in session_gate() in monitor.c,
 * and its IPC messages in child_message(); input injection asks
 * monitor_input_allowed before every event.
 */
#ifndef ASSISTD_MONITOR_H
#define ASSISTD_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libssh/libssh.h>
#include "assistd/listen.h"
#include "common/policy.h"
#include "common/transcript.h"

#define MONITOR_DEFAULT_HELPERS	1	/* --max-helpers */
#define MONITOR_MAX_HELPERS	4	/* --max-helpers at most (with
					 * MaxStartups, under the monitor's
					 * 64 network processes) */
#define MONITOR_DEFAULT_CONSENT_SECS 60	/* --consent-timeout */
#define MONITOR_EXT_MAX		2	/* extensions (indicator, ...) */
#define MONITOR_MODE_ASKS	3	/* control requests a session may
					 * put to the user; later ones are
					 * refused without asking */

struct monitor;
struct consent;
struct net_params;
struct audit_start;
struct transcript_config;

/*
 * An extension of the monitor's loop (the X11 indicator): one fd polled
 * for input, and a call whenever sessions, modes or questions change.
 * Callbacks run in the monitor's loop and must not block; they may call
 * the monitor_* functions below.
 */
struct monitor_ext {
	void *ud;
	int (*fd)(void *ud);	/* fd to poll for input now, or -1 */
	void (*input)(struct monitor *m, void *ud);	/* fd readable */
	void (*changed)(struct monitor *m, void *ud);	/* redraw */
};

struct assistd_opts {
	struct listen_addr listen[LISTEN_MAX];
	int nlisten;
	int wait_secs;		/* exit if no session started by then */
	int login_grace_secs;	/* per connection, to authenticate */
	int max_auth_tries;	/* failed attempts per connection */
	int max_startups;	/* unauthenticated connections at once */
	const uint8_t *host_cert;	/* HostCertificate blob, or NULL */
	size_t host_cert_len;
	/* --code: a one-time code (assistd/otp.h) shown to the user at
	 * start, asked of every helper after the key, valid until the
	 * --wait deadline, single use. */
	bool code;
	/* The session transcript, open, its assistd.start line written;
	 * the monitor owns it from monitor_run on and closes it. It writes
	 * every event to it and assistd.stop at the end; when a line cannot
	 * be written it ends every connection and exits with
	 * ASSISTD_EXIT_ERROR. With persist, each session gets a new file:
	 * transcript_cfg and start (borrowed) make it, chained to the last. */
	struct transcript *transcript;
	const struct transcript_config *transcript_cfg;
	const struct audit_start *start;
	/* Consent (borrowed): how the user is asked. */
	struct consent *consent;
	int consent_secs;	/* the user's time to answer */
	int max_helpers;	/* sessions live + questions pending, 1.. */
	bool persist;		/* serve sessions until stopped */
	const struct monitor_ext *ext[MONITOR_EXT_MAX];	/* NULL: none */
	/* The network process's main (NULL: net_main). Only the monitor's
	 * unit test puts a scripted IPC peer here, to drive the monitor's
	 * side of requests the real network process cannot make yet. */
	int (*serve)(const struct net_params *p);
};

/* Exit statuses of assistd (documented in assistd(1)). */
enum {
	ASSISTD_EXIT_OK = 0,		/* a session was served, or stopped */
	ASSISTD_EXIT_ERROR = 1,		/* could not start, or failed */
	ASSISTD_EXIT_NOBODY = 2,	/* --wait expired without a session */
};

/*
 * Runs the monitor until one session has ended (never, with persist),
 * --wait expires without a session, a signal asks it to stop, or the
 * transcript fails. lfds are the open listening sockets (nl of them;
 * borrowed); hostkey, user and policy are borrowed; o->transcript is
 * closed. Returns an ASSISTD_EXIT_* status.
 */
int monitor_run(const struct assistd_opts *o, const int *lfds, int nl,
		ssh_key hostkey, const char *user,
		const struct policy *policy);


/* ---- for extensions (indicator) and, later, input injection ---- */

/*
 * True while a question is on the user's screen: the helpers' keyboard
 * and mouse input must then not reach the screen (the helper must never
 * answer for the user). Input injection (issue 6) checks this, or
 * monitor_input_allowed, before every event.
 */
bool monitor_input_suspended(const struct monitor *m);
/* True when conn's input may be injected now: its session is live in
 * control mode and no question is on the screen. */
bool monitor_input_allowed(const struct monitor *m, unsigned conn);

/* The user ends conn's session (0: every session): IPC_SHUTDOWN
 * {IPC_END_USER}; session.end says reason=user_ended. Returns how many
 * sessions were told to end. */
int monitor_end_session(struct monitor *m, unsigned conn);
/* The user takes control back from conn (0: every session): the mode
 * drops to view (IPC_MODE {view, IPC_BY_USER}, mode.change by=user); a
 * pending control request of conn is withdrawn. Returns how many
 * sessions changed. */
int monitor_view_only(struct monitor *m, unsigned conn);

/* A live session, for display; helper points into the monitor (escaped
 * as received: escape again to show) and is valid until the next call
 * into the monitor. */
struct monitor_session {
	unsigned conn;
	const char *helper;
	uint8_t mode;		/* IPC_MODE_VIEW or IPC_MODE_CONTROL */
	bool asking;		/* a question about it is on the screen */
};
/* Fills out[0..max) with the live sessions; returns how many. */
int monitor_sessions(const struct monitor *m, struct monitor_session *out,
		     int max);

#endif
