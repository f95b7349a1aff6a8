/*
 * net: the network process's main line (see net.h): close inherited fds,
 * build the hardened bind from the in-memory host key, take the accepted
 * socket, enter the sandbox, then run one non-blocking ssh_event loop
 * (the session and the IPC fd) until the connection ends.
 */
#define _GNU_SOURCE		/* close_range */
#include "assistd/netconn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "assistd/sandbox.h"
#include "common/clock.h"
#include "common/ctlproto.h"
#include "common/log.h"

#define NET_POLL_MAX_MS		1000	/* longest single wait */
#define NET_CLOSE_TIMEOUT_S	5	/* bound on the final flush */
#define NET_LINGER_MS		1000	/* bound on the lingering close */
#define NET_ERR_MAX		256

void
netconn_end(struct netconn *c, bool failed, const char *helper_msg,
	    const char *fmt, ...)
{
	va_list ap;

	if (c->done)
		return;
	c->done = true;
	c->failed = failed;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	snprintf(c->disconnect_msg, sizeof(c->disconnect_msg), "%s",
	    helper_msg ? helper_msg : c->reason);
}

static int
netconn_ipc_flush(struct netconn *c, int r)
{
	if (r != BUF_OK) {
		netconn_end(c, true, "Internal error", "IPC message: %s",
		    buf_strerror(r));
		return -1;
	}
	if (c->monitor_gone)
		return -1;
	if (ipc_flush_wait(&c->ipc, NETCONN_IPC_WAIT_MS) != 0) {
		c->monitor_gone = true;
		netconn_end(c, true, "Internal error",
		    "writing to the monitor: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
netconn_ipc_ctl(struct netconn *c, uint8_t type, const struct ipc_ctl *m)
{
	return netconn_ipc_flush(c, ipc_send_ctl(&c->ipc, type, m));
}

int
netconn_ipc_auth(struct netconn *c, const struct ipc_auth_result *m)
{
	return netconn_ipc_flush(c, ipc_send_auth_result(&c->ipc, m));
}

int
netconn_ipc_closed(struct netconn *c, const struct ipc_closed *m)
{
	return netconn_ipc_flush(c, ipc_send_closed(&c->ipc, m));
}

/*
 * Closes every fd but 0, 1, 2 and the two we keep: nothing the monitor
 * had open (listening sockets, other connections, files) stays reachable
 * from the process that parses the network.
 */
static int
net_close_fds(int a, int b, char *err, size_t errsz)
{
	unsigned lo = (unsigned)(a < b ? a : b), hi = (unsigned)(a < b ? b : a);

	if (a < 3 || b < 3 || a == b) {
		snprintf(err, errsz, "bad fds %d, %d", a, b);
		return -1;
	}
	if ((lo > 3 && close_range(3, lo - 1, 0) != 0) ||
	    (hi > lo + 1 && close_range(lo + 1, hi - 1, 0) != 0) ||
	    close_range(hi + 1, ~0U, 0) != 0) {
		snprintf(err, errsz, "close_range: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* libssh's own messages go through our log (its default logger calls
 * localtime(), which would try to open /etc/localtime in the sandbox).
 * They may quote the peer: sanitized. */
static void
net_libssh_log(int prio, const char *fn, const char *msg, void *ud)
{
	char m[512];

	(void)ud;
	(void)fn;	/* msg starts with it already */
	(void)prio;
	log_sanitize(m, sizeof(m), msg, 1024);
	log_debug("libssh: %s", m);
}

/*
 * What must happen before the sandbox shuts the door (strace showed
 * these opening files in the network process): the time zone loaded
 * (tzset/localtime open /etc/localtime), OpenSSL's configuration read
 * (openssl.cnf, on its first use: done by net_setup's key copy when the
 * monitor has not used OpenSSL yet) and its DRBG seeded, so that a
 * seeding failure shows here and not in the key exchange.
 */
static int
net_before_sandbox(char *err, size_t errsz)
{
	unsigned char r[32];

	tzset();
	if (ssh_get_random(r, sizeof(r), 1) != 1) {
		snprintf(err, errsz, "random number generator not ready");
		return -1;
	}
	return 0;
}

static int
net_message(ssh_session s, ssh_message m, void *ud)
{
	struct netconn *c = ud;

	(void)s;
	if (ssh_message_type(m) == SSH_REQUEST_AUTH)
		return netauth_message(c, m);
	return netchan_message(c, m);
}

/* One message from the monitor: every one is an ipc_ctl message. */
static void
net_ipc_message(struct netconn *c, uint8_t type, struct buf *body)
{
	struct ipc_ctl m;

	if (!ipc_is_ctl(type) || ipc_decode_ctl(body, type, &m) != BUF_OK) {
		netconn_end(c, true, "Internal error", "bad message from the "
		    "monitor (type %u)", (unsigned)type);
		return;
	}
	/* The one-time code's result belongs to authentication (netauth.c);
	 * everything else to the control channel (netctl.c). */
	if (type == IPC_CODE_RESULT)
		netauth_code_result(c, &m);
	else
		netctl_from_monitor(c, type, &m);
	ipc_ctl_free(&m);
}

static int
net_ipc_cb(socket_t fd, int revents, void *ud)
{
	struct netconn *c = ud;
	struct buf body;
	uint8_t type;
	int r;

	(void)fd;
	(void)revents;
	r = ipc_read(&c->ipc);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
		/* The monitor is gone: nobody to serve a session for. */
		c->monitor_gone = true;
		netconn_end(c, r != 0, "Server shutting down",
		    "monitor closed the IPC channel");
		return 0;
	}
	while (!c->done && (r = ipc_next(&c->ipc, &type, &body)) == 1)
		net_ipc_message(c, type, &body);
	if (r < 0)
		netconn_end(c, true, "Internal error",
		    "bad frame from the monitor");
	return 0;
}

int
netconn_ipc_wait(struct netconn *c, const bool *flag, int timeout_ms)
{
	long long end = clock_now_ms() + timeout_ms, now;
	struct pollfd p = { .fd = c->ipc.fd, .events = POLLIN };

	/* Frames already read (with an earlier one) come first. */
	(void)net_ipc_cb(c->ipc.fd, 0, c);
	while (!*flag && !c->done && (now = clock_now_ms()) < end) {
		if (poll(&p, 1, (int)(end - now)) < 0 && errno != EINTR)
			break;
		if (p.revents != 0)
			(void)net_ipc_cb(c->ipc.fd, p.revents, c);
	}
	return *flag ? 0 : -1;
}

static int
net_setup(struct netconn *c, char *err, size_t errsz)
{
	const struct net_params *p = c->p;
	long timeout = NET_CLOSE_TIMEOUT_S;

	if ((c->bind = netbind_new(p->hostkey, err, errsz)) == NULL)
		return -1;
	if ((c->s = ssh_new()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	/* Bounds blocking libssh calls (only the final flush blocks). */
	if (ssh_options_set(c->s, SSH_OPTIONS_TIMEOUT, &timeout) != 0) {
		snprintf(err, errsz, "SSH_OPTIONS_TIMEOUT: %s",
		    ssh_get_error(c->s));
		return -1;
	}
	/* No bind option for compression in 0.10.6 (research §3): the
	 * session's own list is what the server offers (accept copies only
	 * the lists the bind has). "none" only: no zlib inflating the
	 * helper's bytes. The value "no" of SSH_OPTIONS_COMPRESSION still
	 * offers zlib@openssh.com (seen with ssh -vv); the algorithm name
	 * per direction does not. */
	if (ssh_options_set(c->s, SSH_OPTIONS_COMPRESSION_C_S, "none") != 0 ||
	    ssh_options_set(c->s, SSH_OPTIONS_COMPRESSION_S_C, "none") != 0) {
		snprintf(err, errsz, "turning compression off: %s",
		    ssh_get_error(c->s));
		return -1;
	}
	if (ssh_bind_accept_fd(c->bind, c->s, p->sock) != SSH_OK) {
		snprintf(err, errsz, "ssh_bind_accept_fd: %s",
		    ssh_get_error(c->bind));
		return -1;
	}
	c->sock_given = true;	/* ssh_free closes it from now on */
	/* A second reference to the connection, for net_linger(). */
	if ((c->linger_fd = fcntl(p->sock, F_DUPFD_CLOEXEC, 3)) < 0) {
		snprintf(err, errsz, "dup: %s", strerror(errno));
		return -1;
	}
	ssh_callbacks_init(&c->server_cb);
	c->server_cb.userdata = c;
	netauth_setup(c);
	netchan_setup(c);
	if (ssh_set_server_callbacks(c->s, &c->server_cb) != SSH_OK) {
		snprintf(err, errsz, "ssh_set_server_callbacks: %s",
		    ssh_get_error(c->s));
		return -1;
	}
	ssh_set_message_callback(c->s, net_message, c);
	ssh_set_blocking(c->s, 0);
	return 0;
}

/* Starts the key exchange (the first read of the peer) and builds the
 * event: session plus IPC fd. */
static int
net_start(struct netconn *c, char *err, size_t errsz)
{
	if (ssh_handle_key_exchange(c->s) == SSH_ERROR) {
		snprintf(err, errsz, "key exchange: %s", ssh_get_error(c->s));
		return -1;
	}
	if ((c->ev = ssh_event_new()) == NULL ||
	    ssh_event_add_session(c->ev, c->s) != SSH_OK ||
	    ssh_event_add_fd(c->ev, c->ipc.fd, POLLIN, net_ipc_cb, c) !=
	    SSH_OK) {
		snprintf(err, errsz, "building the event loop failed");
		return -1;
	}
	return 0;
}

static void
net_kex_step(struct netconn *c)
{
	char err[NET_ERR_MAX];
	int rc = ssh_handle_key_exchange(c->s);

	if (rc == SSH_AGAIN)
		return;
	if (rc != SSH_OK) {
		netconn_end(c, false, NULL, "key exchange failed: %s",
		    ssh_get_error(c->s));
		return;
	}
	if (netbind_check_negotiated(c->s, err, sizeof(err)) != 0) {
		netconn_end(c, true, "Internal error", "%s", err);
		return;
	}
	c->kex_done = true;
}

/*
 * The connection died under us: say how. libssh 0.10.6 reports a TCP
 * EOF as "Socket error: disconnected" and a socket failure as "Socket
 * error: <strerror>"; other error text left in the session may be stale
 * (e.g. "Connection not closed yet"), so only those two are trusted.
 */
static void
net_closed(struct netconn *c)
{
	static const char sockerr[] = "Socket error: ";
	const char *e = ssh_get_error(c->s);
	const char *d = ssh_get_disconnect_message(c->s);
	const char *when = !c->kex_done ? " during key exchange" :
	    !c->authenticated ? " before authentication" : "";
	char m[128];

	if (d != NULL)
		netconn_end(c, false, NULL, "helper disconnected%s: %s", when,
		    log_sanitize(m, sizeof(m), d, IPC_MAX_STR));
	else if (e != NULL && strncmp(e, sockerr, sizeof(sockerr) - 1) == 0 &&
	    strcmp(e + sizeof(sockerr) - 1, "disconnected") != 0)
		netconn_end(c, false, NULL, "connection lost%s: %s", when,
		    e + sizeof(sockerr) - 1);
	else
		netconn_end(c, false, NULL, "helper disconnected%s", when);
}

/* The grace deadline runs until a session is asked for: a helper that
 * authenticates and then only holds the connection (ssh -N, forwarding
 * attempts) keeps no slot for ever. Waiting for the monitor's answer is
 * not limited here (the user's consent takes its time). */
static bool
net_in_grace(const struct netconn *c)
{
	return !c->authenticated || c->sess == NETSESS_NONE;
}

static void
net_check_deadline(struct netconn *c, long long now)
{
	netauth_check_limits(c, now);
	if (!c->done && net_in_grace(c) && now >= c->grace_end_ms)
		netconn_end(c, false, "No session requested in time",
		    "no session requested within the login grace time "
		    "(%d s)", c->p->login_grace_secs);
}

static int
net_poll_timeout(const struct netconn *c, long long now)
{
	long long t = NET_POLL_MAX_MS;

	if (net_in_grace(c) && c->grace_end_ms - now < t)
		t = c->grace_end_ms - now;
	return t < 0 ? 0 : (int)t;
}

static void
net_loop(struct netconn *c)
{
	while (!c->done) {
		long long now = clock_now_ms();
		int rc;

		net_check_deadline(c, now);
		if (c->done)
			break;
		rc = ssh_event_dopoll(c->ev, net_poll_timeout(c, now));
		if (!c->done && !c->kex_done && rc != SSH_ERROR)
			net_kex_step(c);
		if (!c->done)
			netchan_after_poll(c);
		if (!c->done && (rc == SSH_ERROR ||
		    (ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))))
			net_closed(c);
	}
}

/*
 * After ssh_disconnect() closed its fd: a lingering close on our second
 * one. libssh closes right after queueing SSH_MSG_DISCONNECT; a packet
 * the helper sent meanwhile (e.g. its next key after the last allowed
 * failure) then makes the kernel answer with a reset, and the helper
 * sees "Connection reset" instead of our reason. So: FIN after the
 * DISCONNECT, read and drop until the helper closes, at most
 * NET_LINGER_MS.
 */
static void
net_linger(struct netconn *c)
{
	long long end = clock_now_ms() + NET_LINGER_MS, now;
	struct pollfd p = { .fd = c->linger_fd, .events = POLLIN };
	char drop[4096];

	(void)shutdown(c->linger_fd, SHUT_WR);
	while ((now = clock_now_ms()) < end) {
		if (poll(&p, 1, (int)(end - now)) <= 0)
			break;
		if (read(c->linger_fd, drop, sizeof(drop)) <= 0)
			break;
	}
}

/*
 * libssh 0.10.6's ssh_disconnect() queues SSH_MSG_DISCONNECT and closes
 * the socket at once; the packet reaches the socket only if libssh knows
 * the socket writable, i.e. a poll reported POLLOUT after its last write
 * (ssh_socket_unbuffered_write clears that and asks for POLLOUT again).
 * Otherwise the helper never sees our reason. So poll until POLLOUT is no
 * longer asked for (ssh_get_poll_flags), at most NET_LINGER_MS.
 */
static void
net_ready_to_write(struct netconn *c)
{
	long long end = clock_now_ms() + NET_LINGER_MS, now;

	while (c->ev != NULL &&
	    (ssh_get_poll_flags(c->s) & SSH_WRITE_PENDING) &&
	    !(ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR)) &&
	    (now = clock_now_ms()) < end)
		if (ssh_event_dopoll(c->ev, (int)(end - now)) == SSH_ERROR)
			break;
}

/* Tells the monitor, closes the channel and the connection in order. */
static void
net_finish(struct netconn *c)
{
	const char *peer = c->p->peer ? c->p->peer : "?";

	/* The monitor logs IPC_CLOSED; errors are ours to show. */
	if (c->failed || c->monitor_gone)
		log_error("connection from %s ended: %s", peer, c->reason);
	else
		log_debug("connection from %s ended: %s", peer, c->reason);
	if (c->dropped > 0)
		log_debug("%llu bytes from the helper dropped (no RFB server "
		    "yet; %llu before the grant)",
		    (unsigned long long)c->dropped,
		    (unsigned long long)c->dropped_early);
	if (!c->monitor_gone) {
		struct ipc_closed m = { c->reason, c->failed ? 1 : 0, 0, 0 };

		/* Bytes still queued for the helper go out in netchan_close
		 * (bounded); what was written so far is what is reported. */
		netchan_count(c);
		m.bytes_in = c->bytes_in;
		m.bytes_out = c->bytes_out;
		(void)netconn_ipc_closed(c, &m);
	}
	if (c->s == NULL)
		return;
	netchan_close(c);
	/* Only once the key exchange started: before, a DISCONNECT packet
	 * would precede our banner. */
	if (c->ev != NULL &&
	    !(ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))) {
		/* Blocking for the last packets, bounded by the session's
		 * timeout. */
		ssh_set_blocking(c->s, 1);
		net_ready_to_write(c);
		ssh_session_set_disconnect_message(c->s, c->disconnect_msg);
		ssh_disconnect(c->s);
		if (c->linger_fd >= 0)
			net_linger(c);
	}
}

static void
net_free(struct netconn *c)
{
	if (c->ev != NULL) {
		if (c->s != NULL)
			ssh_event_remove_session(c->ev, c->s);
		ssh_event_remove_fd(c->ev, c->ipc.fd);
		ssh_event_free(c->ev);
	}
	if (c->s != NULL)
		ssh_free(c->s);
	if (c->bind != NULL)
		ssh_bind_free(c->bind);
	ipc_free(&c->ipc);
	buf_free(&c->ctl_in);
	if (c->ipc.fd >= 0)
		close(c->ipc.fd);
	if (c->linger_fd >= 0)
		close(c->linger_fd);
}

int
net_main(const struct net_params *p)
{
	struct netconn c = { .linger_fd = -1 };
	char err[NET_ERR_MAX], prefix[64];
	int flags;

	snprintf(prefix, sizeof(prefix), "assistd[net %ld]", (long)getpid());
	log_set_prefix(prefix);
	c.p = p;
	ipc_init(&c.ipc, p->ipc_fd);
	/* A length and one frame at most: ctl_next takes every complete
	 * frame out as soon as it is there. */
	buf_init(&c.ctl_in, 4 + CTL_MAX_FRAME);
	if (net_close_fds(p->sock, p->ipc_fd, err, sizeof(err)) != 0)
		goto setup_failed;
	if (p->hostkey == NULL || p->user == NULL || p->policy == NULL ||
	    p->peer_addr == NULL ||
	    p->peer == NULL || p->login_grace_secs < 1 ||
	    p->max_auth_tries < 1) {
		snprintf(err, sizeof(err), "bad network process parameters");
		goto setup_failed;
	}
	if ((flags = fcntl(p->ipc_fd, F_GETFL)) < 0 ||
	    fcntl(p->ipc_fd, F_SETFL, flags | O_NONBLOCK) != 0) {
		snprintf(err, sizeof(err), "IPC fd: %s", strerror(errno));
		goto setup_failed;
	}
	ssh_set_log_callback(net_libssh_log);
	/* libssh's warnings are mostly noise at info level ("This direction
	 * isn't used anymore" at every re-key); its errors reach us through
	 * ssh_get_error(). */
	ssh_set_log_level(log_get_level() >= LOG_LVL_DEBUG ? SSH_LOG_INFO :
	    SSH_LOG_NONE);
	if (net_setup(&c, err, sizeof(err)) != 0 ||
	    net_before_sandbox(err, sizeof(err)) != 0)
		goto setup_failed;
	/* From here on the peer's bytes are parsed: sandboxed first. */
	if (sandbox_enter(err, sizeof(err)) != 0) {
		log_error("sandbox: %s", err);
		snprintf(err, sizeof(err), "sandbox unavailable");
		goto setup_failed;
	}
	log_debug("sandbox entered; serving %s", p->peer);
	c.grace_end_ms = clock_now_ms() + (long long)p->login_grace_secs *
	    1000;
	if (net_start(&c, err, sizeof(err)) != 0) {
		netconn_end(&c, false, NULL, "%s", err);
	} else {
		net_loop(&c);
	}
	net_finish(&c);
	net_free(&c);
	return c.failed ? 1 : 0;

setup_failed:
	netconn_end(&c, true, "Internal error", "%s", err);
	net_finish(&c);
	net_free(&c);
	if (!c.sock_given)
		close(p->sock);
	return 1;
}
