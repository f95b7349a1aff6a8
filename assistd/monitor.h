/*
 * monitor: assistd's main process (the user's). It owns the listening
 * sockets, forks one network process per connection (assistd/net.h),
 * caps them, enforces the login grace time from outside, grants at most
 * one session, and never parses SSH packets itself.
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

#define MONITOR_MAX_SESSIONS	1	/* helpers in a session at once */

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
	/* The session transcript, open, its assistd.start line written
	 * (borrowed). The monitor writes every event to it and
	 * assistd.stop at the end; when a line cannot be written it ends
	 * every connection and exits with ASSISTD_EXIT_ERROR. */
	struct transcript *transcript;
};

/* Exit statuses of assistd (documented in assistd(1)). */
enum {
	ASSISTD_EXIT_OK = 0,		/* a session was served, or stopped */
	ASSISTD_EXIT_ERROR = 1,		/* could not start, or failed */
	ASSISTD_EXIT_NOBODY = 2,	/* --wait expired without a session */
};

/*
 * Runs the monitor until one session has ended, --wait expires, a
 * signal asks it to stop, or the transcript fails. lfds are the open listening sockets (nl of
 * them; borrowed); hostkey, user and policy are borrowed. Returns an
 * ASSISTD_EXIT_* status.
 */
int monitor_run(const struct assistd_opts *o, const int *lfds, int nl,
		ssh_key hostkey, const char *user,
		const struct policy *policy);

#endif
