/*
 * Unit tests: common/chanpump.c against real libssh on both ends. The
 * server (this process) runs the pump in a non-blocking ssh_event loop;
 * a forked child runs a blocking libssh client over a socketpair, so each
 * test controls both sides exactly: a receiver that takes little (data
 * must be left in libssh and pulled later), chanpump_write limits, the
 * same-fd socket mode with EOF by shutdown, a peer that closes early.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "common/chanpump.h"

#define T_BYTES		(6u * 1024 * 1024)	/* > CHANPUMP_RX_CAP */
#define T_STINGY	(48u * 1024)		/* receiver budget per tick */
#define T_TICK_S	0.01
#define T_PENDING	(64u * 1024)
#define T_DEADLINE_S	60
#define T_HELD_BOUND	1920000u	/* WINDOWLIMIT + WINDOWBASE */
#define T_CLOSE_AFTER	(1024u * 1024)	/* peer-close test */

enum tmode { M_UPLOAD, M_DOWNLOAD, M_SOCKET, M_PEER_CLOSE };

struct tsrv {
	enum tmode mode;
	ssh_bind b;
	ssh_session s;
	ssh_event ev;
	struct ssh_server_callbacks_struct scb;
	struct ssh_channel_callbacks_struct ccb;
	ssh_channel ch;
	struct chanpump *pump;
	bool api_pending;	/* run api_checks() before the first poll */
	bool api_ok;		/* and they held */
	/* buffer mode receiver */
	size_t budget;
	uint64_t got;
	bool mismatch;
	bool got_eof;
	/* source */
	uint64_t sent;
	/* socket mode: the local application's end, an echo */
	int app_fd;
	uint8_t app_buf[32768];
	size_t app_len;
	bool app_eof;
	bool app_shut;
	/* outcome */
	bool done;
	bool timed_out;
	char err[200];
};

static uint8_t
pat(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 13);
}

static void
fill(uint8_t *b, size_t n, uint64_t off)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = pat(off + i);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- client (child process, blocking libssh) ---- */

static int
client_read_check(ssh_channel ch, uint64_t *got, int timeout_ms)
{
	uint8_t buf[16384];
	int r, i;

	r = ssh_channel_read_timeout(ch, buf, sizeof(buf), 0, timeout_ms);
	if (r < 0)
		return -1;
	for (i = 0; i < r; i++)
		if (buf[i] != pat(*got + (uint64_t)i))
			return -1;
	*got += (uint64_t)r;
	return r;
}

/* Waits (bounded) for the server's EOF with no data beyond expect. */
static int
client_wait_eof(ssh_channel ch, uint64_t *got, uint64_t expect)
{
	int i;

	for (i = 0; i < 20 && !ssh_channel_is_eof(ch); i++)
		if (client_read_check(ch, got, 1000) < 0 || *got > expect)
			return -1;
	return ssh_channel_is_eof(ch) ? 0 : -1;
}

/* Sends T_BYTES (and EOF), reads back `expect` bytes, then EOF. */
static int
client_stream(ssh_channel ch, uint64_t expect)
{
	uint8_t buf[16384];
	uint64_t sent = 0, got = 0;
	uint32_t win;
	size_t n;
	int r;

	while (sent < T_BYTES || got < expect) {
		win = ssh_channel_window_size(ch);
		if (sent < T_BYTES && win > 0) {
			n = sizeof(buf);
			if (n > T_BYTES - sent)
				n = (size_t)(T_BYTES - sent);
			if (n > win)
				n = win;
			fill(buf, n, sent);
			r = ssh_channel_write(ch, buf, (uint32_t)n);
			if (r < 0)
				return 10;
			sent += (uint64_t)r;
			if (sent == T_BYTES && ssh_channel_send_eof(ch) < 0)
				return 11;
		}
		if (got < expect) {
			r = client_read_check(ch, &got,
			    sent < T_BYTES && win > 0 ? 0 : 20);
			if (r < 0)
				return 12;
			if (r == 0 && ssh_channel_is_eof(ch))
				return 13;	/* EOF before all data */
		} else if (sent < T_BYTES && win == 0) {
			/* wait for a window adjust */
			if (ssh_channel_poll_timeout(ch, 20, 0) == SSH_ERROR)
				return 14;
		}
	}
	return client_wait_eof(ch, &got, expect) == 0 ? 0 : 15;
}

/* Reads `expect` bytes and EOF, sends EOF (or closes after close_after). */
static int
client_download(ssh_channel ch, uint64_t expect, uint64_t close_after)
{
	uint64_t got = 0;
	int r;

	while (got < expect && (close_after == 0 || got < close_after)) {
		r = client_read_check(ch, &got, 1000);
		if (r < 0)
			return 20;
		if (r == 0 && ssh_channel_is_eof(ch))
			return 21;
	}
	if (close_after != 0)
		return ssh_channel_close(ch) == SSH_OK ? 0 : 22;
	if (client_wait_eof(ch, &got, expect) != 0)
		return 23;
	return ssh_channel_send_eof(ch) == SSH_OK ? 0 : 24;
}

static int
client_main(int fd, enum tmode mode)
{
	ssh_session c = ssh_new();
	ssh_channel ch;
	bool no = false;
	long timeout = 20;
	int rc = 1;

	if (c == NULL ||
	    ssh_options_set(c, SSH_OPTIONS_PROCESS_CONFIG, &no) != SSH_OK ||
	    ssh_options_set(c, SSH_OPTIONS_FD, &fd) != SSH_OK ||
	    ssh_options_set(c, SSH_OPTIONS_HOST, "pair.test") != SSH_OK ||
	    ssh_options_set(c, SSH_OPTIONS_USER, "u") != SSH_OK ||
	    ssh_options_set(c, SSH_OPTIONS_TIMEOUT, &timeout) != SSH_OK ||
	    ssh_connect(c) != SSH_OK ||
	    ssh_userauth_none(c, NULL) != SSH_AUTH_SUCCESS)
		return 2;
	ch = ssh_channel_new(c);
	if (ch == NULL || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_subsystem(ch, "t") != SSH_OK)
		return 3;
	switch (mode) {
	case M_UPLOAD:
		rc = client_stream(ch, 0);
		break;
	case M_SOCKET:
		rc = client_stream(ch, T_BYTES);
		break;
	case M_DOWNLOAD:
		rc = client_download(ch, T_BYTES, 0);
		break;
	case M_PEER_CLOSE:
		rc = client_download(ch, T_BYTES, T_CLOSE_AFTER);
		break;
	}
	/* Let the server see everything, then go. */
	ssh_channel_close(ch);
	ssh_channel_free(ch);
	ssh_disconnect(c);
	ssh_free(c);
	return rc;
}

/* ---- server side (this process) ---- */

static long
stingy_recv(void *ud, const uint8_t *d, size_t n)
{
	struct tsrv *t = ud;
	size_t i;

	if (n == 0) {
		t->got_eof = true;
		chanpump_send_eof(t->pump);
		return 0;
	}
	if (n > t->budget)
		n = t->budget;
	for (i = 0; i < n; i++)
		if (d[i] != pat(t->got + i))
			t->mismatch = true;
	t->got += n;
	t->budget -= n;
	return (long)n;
}

static long
discard_recv(void *ud, const uint8_t *d, size_t n)
{
	(void)ud;
	(void)d;
	return (long)n;
}

/* Queues source data while there is room. */
static bool
feed(struct tsrv *t)
{
	uint8_t buf[8192];
	size_t n;
	bool fed = false;

	while (t->sent < T_BYTES) {
		n = chanpump_room(t->pump);
		if (n > sizeof(buf))
			n = sizeof(buf);
		if (n > T_BYTES - t->sent)
			n = (size_t)(T_BYTES - t->sent);
		if (n == 0)
			break;
		fill(buf, n, t->sent);
		if (chanpump_write(t->pump, buf, n) != 0)
			break;
		t->sent += n;
		fed = true;
	}
	if (t->sent == T_BYTES)
		chanpump_send_eof(t->pump);
	return fed;
}

/* The local application in socket mode: echoes, shuts down on EOF. */
static void
app_step(struct tsrv *t)
{
	ssize_t r;

	if (!t->app_eof && t->app_len == 0) {
		r = read(t->app_fd, t->app_buf, sizeof(t->app_buf));
		if (r > 0)
			t->app_len = (size_t)r;
		else if (r == 0)
			t->app_eof = true;
	}
	if (t->app_len > 0) {
		r = write(t->app_fd, t->app_buf, t->app_len);
		if (r > 0) {
			memmove(t->app_buf, t->app_buf + r, t->app_len - (size_t)r);
			t->app_len -= (size_t)r;
		}
	}
	if (t->app_eof && t->app_len == 0 && !t->app_shut) {
		shutdown(t->app_fd, SHUT_WR);
		t->app_shut = true;
	}
}

/* Checks the API's refusals on a live pump (buffer mode). */
static bool
api_checks(struct tsrv *t)
{
	static const uint8_t big[T_PENDING + 1];
	int sv[2];
	bool ok;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return false;
	ok = chanpump_set_recv(t->pump, discard_recv, t) == 0 &&
	     chanpump_attach_fds(t->pump, sv[0], sv[0], 0) == -1 &&
	     chanpump_write(t->pump, big, sizeof(big)) == -1 &&
	     chanpump_pending(t->pump) == 0 &&
	     chanpump_room(t->pump) == T_PENDING &&
	     chanpump_write(t->pump, big, 10) == 0 &&
	     chanpump_pending(t->pump) == 10 &&
	     chanpump_write(t->pump, big, T_PENDING - 9) == -1 &&
	     !chanpump_done(t->pump) && chanpump_error(t->pump) == NULL;
	close(sv[0]);
	close(sv[1]);
	/* those 10 bytes are not part of the stream: start over */
	chanpump_free(t->pump);
	t->pump = chanpump_new(t->s, t->ch, t->ev, T_PENDING);
	return ok && t->pump != NULL &&
	       chanpump_set_recv(t->pump, discard_recv, t) == 0;
}

static int
subsystem(ssh_session s, ssh_channel ch, const char *name, void *ud)
{
	struct tsrv *t = ud;
	int sv[2];

	(void)name;
	t->pump = chanpump_new(s, ch, t->ev, T_PENDING);
	if (t->pump == NULL)
		return 1;
	switch (t->mode) {
	case M_UPLOAD:
		chanpump_set_recv(t->pump, stingy_recv, t);
		break;
	case M_DOWNLOAD:
		/* api_checks() replaces the pump: not inside a callback
		 * that iterates the channel's callbacks. */
		t->api_pending = true;
		break;
	case M_PEER_CLOSE:
		chanpump_set_recv(t->pump, discard_recv, t);
		feed(t);	/* like assistd's greeting, from a callback */
		break;
	case M_SOCKET:
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
		    chanpump_attach_fds(t->pump, sv[0], sv[0],
					CHANPUMP_OWN_FDS) < 0 ||
		    chanpump_set_recv(t->pump, discard_recv, t) != -1)
			return 1;
		t->app_fd = sv[1];
		if (fcntl(t->app_fd, F_SETFL, O_NONBLOCK) < 0)
			return 1;
		break;
	}
	return 0;
}

static int
auth_none(ssh_session s, const char *user, void *ud)
{
	(void)s;
	(void)user;
	(void)ud;
	return SSH_AUTH_SUCCESS;	/* in-process test peer */
}

static ssh_channel
channel_open(ssh_session s, void *ud)
{
	struct tsrv *t = ud;

	if (t->ch != NULL)
		return NULL;
	t->ch = ssh_channel_new(s);
	if (t->ch == NULL)
		return NULL;
	t->ccb.userdata = t;
	t->ccb.channel_subsystem_request_function = subsystem;
	ssh_callbacks_init(&t->ccb);
	ssh_set_channel_callbacks(t->ch, &t->ccb);
	return t->ch;
}

static void
tsrv_loop(struct tsrv *t)
{
	double deadline = now_s() + T_DEADLINE_S, closing_at = 0, tick = 0;
	bool kex = false;
	int rc;

	while (now_s() < deadline) {
		ssh_event_dopoll(t->ev, 10);
		if (!kex) {
			rc = ssh_handle_key_exchange(t->s);
			if (rc == SSH_ERROR) {
				snprintf(t->err, sizeof(t->err), "kex: %s",
					 ssh_get_error(t->s));
				return;
			}
			kex = rc == SSH_OK;
		}
		if (now_s() - tick >= T_TICK_S) {	/* ~4.8 MB/s */
			t->budget = T_STINGY;
			tick = now_s();
		}
		if (t->api_pending) {
			t->api_pending = false;
			t->api_ok = api_checks(t);
			if (!t->api_ok)
				return;
		}
		if (t->pump != NULL && !t->done) {
			if (t->mode == M_SOCKET)
				app_step(t);
			do {
				rc = chanpump_after_poll(t->pump);
			} while (rc == 0 && (t->mode == M_DOWNLOAD ||
			    t->mode == M_PEER_CLOSE) && feed(t));
			if (rc < 0) {
				snprintf(t->err, sizeof(t->err), "%s",
					 chanpump_error(t->pump));
				return;
			}
			if (chanpump_done(t->pump)) {
				t->done = true;
				closing_at = now_s();
				ssh_channel_close(t->ch);
			}
		}
		if (ssh_get_status(t->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))
			return;
		if (t->done && now_s() - closing_at > 2)
			return;
	}
	t->timed_out = true;
}

static int
wait_child(pid_t pid)
{
	int st, i;

	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 129;
}

/* Runs one exchange; returns the client's exit status. */
static int
run_pair(struct tsrv *t, enum tmode mode)
{
	ssh_key key = NULL;
	int sv[2], rc;
	bool no = false;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	t->mode = mode;
	t->app_fd = -1;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		_exit(client_main(sv[1], mode));
	}
	close(sv[1]);
	assert_int_equal(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key),
			 SSH_OK);
	t->b = ssh_bind_new();
	assert_non_null(t->b);
	assert_int_equal(ssh_bind_options_set(t->b,
	    SSH_BIND_OPTIONS_PROCESS_CONFIG, &no), SSH_OK);
	assert_int_equal(ssh_bind_options_set(t->b,
	    SSH_BIND_OPTIONS_IMPORT_KEY, key), SSH_OK);	/* bind owns key */
	t->s = ssh_new();
	assert_int_equal(ssh_bind_accept_fd(t->b, t->s, sv[0]), SSH_OK);
	t->scb.userdata = t;
	t->scb.auth_none_function = auth_none;
	t->scb.channel_open_request_session_function = channel_open;
	ssh_callbacks_init(&t->scb);
	ssh_set_server_callbacks(t->s, &t->scb);
	ssh_set_blocking(t->s, 0);
	t->ev = ssh_event_new();
	assert_non_null(t->ev);
	assert_int_not_equal(ssh_handle_key_exchange(t->s), SSH_ERROR);
	assert_int_equal(ssh_event_add_session(t->ev, t->s), SSH_OK);
	tsrv_loop(t);
	rc = wait_child(pid);
	if (t->err[0] != '\0')
		print_message("server: %s\n", t->err);
	if (t->pump != NULL) {
		const struct chanpump_stats *st = chanpump_stats(t->pump);

		print_message("# client %d, done %d, timed out %d: to %llu "
		    "from %llu short %llu rearms %llu deferred %llu pulls "
		    "%llu held_max %llu\n", rc, t->done, t->timed_out,
		    (unsigned long long)st->to_channel,
		    (unsigned long long)st->from_channel,
		    (unsigned long long)st->short_writes,
		    (unsigned long long)st->rearms,
		    (unsigned long long)st->deferred,
		    (unsigned long long)st->pulls,
		    (unsigned long long)st->held_max);
	}
	return rc;
}

static void
tsrv_free(struct tsrv *t)
{
	chanpump_free(t->pump);
	if (t->app_fd >= 0)
		close(t->app_fd);
	ssh_event_remove_session(t->ev, t->s);
	ssh_event_free(t->ev);
	ssh_disconnect(t->s);
	ssh_free(t->s);
	ssh_bind_free(t->b);
}

/* ---- tests ---- */

static void
test_bad_args(void **state)
{
	(void)state;
	assert_null(chanpump_new(NULL, NULL, NULL, T_PENDING));
	chanpump_free(NULL);
}

/* A receiver that takes 48 KiB per round: more than CHANPUMP_RX_CAP
 * arrives, the rest must wait in libssh (window closed) and be pulled
 * once there is room, with nothing lost and libssh's share bounded. */
static void
test_upload_slow_receiver(void **state)
{
	const struct chanpump_stats *st;
	struct tsrv t;

	(void)state;
	assert_int_equal(run_pair(&t, M_UPLOAD), 0);
	assert_false(t.timed_out);
	assert_string_equal(t.err, "");
	st = chanpump_stats(t.pump);
	assert_true(t.got == T_BYTES);
	assert_false(t.mismatch);
	assert_true(t.got_eof);
	assert_true(t.done);
	assert_true(st->from_channel == T_BYTES);
	assert_true(st->deferred > 0);
	assert_true(st->pulls > 0);
	assert_true(st->held_max > 0 && st->held_max <= T_HELD_BOUND);
	tsrv_free(&t);
}

/* Buffer mode outwards: chanpump_write limits, a first write from the
 * subsystem callback, EOF after the last byte. */
static void
test_download(void **state)
{
	const struct chanpump_stats *st;
	struct tsrv t;

	(void)state;
	assert_int_equal(run_pair(&t, M_DOWNLOAD), 0);
	assert_true(t.api_ok);
	assert_false(t.timed_out);
	assert_string_equal(t.err, "");
	st = chanpump_stats(t.pump);
	assert_true(t.sent == T_BYTES);
	assert_true(st->to_channel == T_BYTES);
	assert_true(t.done);
	assert_int_equal(chanpump_write(t.pump, "x", 1), -1); /* after EOF */
	tsrv_free(&t);
}

/* fd mode on one socket (assist-cli's local VNC port): echo through a
 * local application; channel EOF reaches it as a shutdown, its EOF comes
 * back as channel EOF. */
static void
test_socket_echo(void **state)
{
	const struct chanpump_stats *st;
	struct tsrv t;

	(void)state;
	assert_int_equal(run_pair(&t, M_SOCKET), 0);
	assert_false(t.timed_out);
	assert_string_equal(t.err, "");
	st = chanpump_stats(t.pump);
	assert_true(st->from_channel == T_BYTES);
	assert_true(st->to_channel == T_BYTES);
	assert_true(t.app_eof);
	assert_true(t.done);
	tsrv_free(&t);
}

/* The peer closes the channel in mid-stream: the pump ends without an
 * error and drops what it can no longer send. */
static void
test_peer_close(void **state)
{
	const struct chanpump_stats *st;
	struct tsrv t;

	(void)state;
	assert_int_equal(run_pair(&t, M_PEER_CLOSE), 0);
	assert_false(t.timed_out);
	assert_string_equal(t.err, "");
	assert_true(t.done);
	st = chanpump_stats(t.pump);
	assert_true(st->to_channel >= T_CLOSE_AFTER);
	assert_true(st->to_channel < T_BYTES);
	assert_int_equal(chanpump_write(t.pump, "x", 1), -1);
	tsrv_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_upload_slow_receiver),
		cmocka_unit_test(test_download),
		cmocka_unit_test(test_socket_echo),
		cmocka_unit_test(test_peer_close),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
