/* session: subsystem "rfb" and its greeting; see session.h. */
#include "assist-cli/session.h"

#include "assist-cli/exitcode.h"
#include "assist-cli/rfbclient.h"
#include "common/chanpump.h"
#include "common/clock.h"
#include "common/log.h"

#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <string.h>

/* Reads exactly n bytes before the deadline. 0, or -1 with err set. */
static int
session_read_exact(ssh_channel ch, char *buf, size_t n, long timeout_s,
		   char *err, size_t errsz)
{
	long long deadline = clock_now_ms() + (long long)timeout_s * 1000;
	size_t got = 0;

	while (got < n) {
		long long left = deadline - clock_now_ms();
		int r;

		if (left <= 0) {
			snprintf(err, errsz, "no RFB greeting within %ld s "
			    "(%zu of %zu bytes)", timeout_s, got, n);
			return -1;
		}
		r = ssh_channel_read_timeout(ch, buf + got, (uint32_t)(n - got),
		    0, (int)(left > 1000 ? 1000 : left));
		if (r == SSH_ERROR) {
			snprintf(err, errsz, "reading the RFB greeting failed");
			return -1;
		}
		if (r == SSH_EOF || (r <= 0 && r != SSH_AGAIN &&
		    (ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch)))) {
			snprintf(err, errsz, "the server closed the channel "
			    "before the RFB greeting (%zu of %zu bytes)", got,
			    n);
			return -1;
		}
		if (r > 0)
			got += (size_t)r;
	}
	return 0;
}

static void
session_end_channel(ssh_channel ch)
{
	if (ssh_channel_is_open(ch)) {
		ssh_channel_send_eof(ch);
		ssh_channel_close(ch);
	}
	ssh_channel_free(ch);
}

void
session_close(struct session *se)
{
	chanpump_free(se->pump);
	se->pump = NULL;
	if (se->rfb != NULL)
		rfbclient_free(se->rfb);
	free(se->rfb);
	se->rfb = NULL;
	if (se->rin != NULL)
		buf_free(se->rin);
	if (se->rout != NULL)
		buf_free(se->rout);
	free(se->rin);
	free(se->rout);
	se->rin = se->rout = NULL;
	if (se->ch != NULL)
		session_end_channel(se->ch);
	se->ch = NULL;
}

int
session_open(ssh_session ss, const struct cli_settings *s,
	     struct session *se, char *err, size_t errsz)
{
	ssh_channel ch = ssh_channel_new(ss);

	memset(se, 0, sizeof(*se));
	if (ch == NULL) {
		snprintf(err, errsz, "cannot create a channel: %s",
		    ssh_get_error(ss));
		return CLI_EXIT_SESSION;
	}
	if (ssh_channel_open_session(ch) != SSH_OK) {
		snprintf(err, errsz, "the server refused the session channel: "
		    "%s", ssh_get_error(ss));
		ssh_channel_free(ch);
		return CLI_EXIT_SESSION;
	}
	return session_open_on(ch, s, se, err, errsz);
}

/* The subsystem and its greeting on open channel ch. 0, or -1 with err. */
static int
session_greeting(ssh_channel ch, const struct cli_settings *s, char *err,
		 size_t errsz)
{
	char greet[SESSION_GREETING_LEN + 1], safe[64];

	if (ssh_channel_request_subsystem(ch, SESSION_SUBSYSTEM) != SSH_OK) {
		snprintf(err, errsz, "the server refused subsystem \"%s\"",
		    SESSION_SUBSYSTEM);
		return -1;
	}
	if (session_read_exact(ch, greet, SESSION_GREETING_LEN, s->timeout,
	    err, errsz) != 0)
		return -1;
	greet[SESSION_GREETING_LEN] = '\0';
	if (memcmp(greet, SESSION_GREETING, SESSION_GREETING_LEN) != 0) {
		snprintf(err, errsz, "unexpected greeting \"%s\" (want "
		    "RFB 003.008)", log_sanitize(safe, sizeof(safe), greet,
		    SESSION_GREETING_LEN));
		return -1;
	}
	return 0;
}

static void session_show_stderr(ssh_channel ch);

int
session_open_on(ssh_channel ch, const struct cli_settings *s,
		struct session *se, char *err, size_t errsz)
{
	int r;

	memset(se, 0, sizeof(*se));
	r = session_greeting(ch, s, err, errsz);
	/* What assistd said on the side explains a refusal, or is news. */
	session_show_stderr(ch);
	if (r != 0) {
		session_end_channel(ch);
		return CLI_EXIT_SESSION;
	}
	se->ch = ch;
	se->bytes_in = SESSION_GREETING_LEN;
	return CLI_EXIT_OK;
}

int
session_run(struct session *se, const struct cli_settings *s, char *err,
	    size_t errsz)
{
	char target[SETTINGS_MAX_TARGET];

	settings_target(s, target, sizeof(target));
	printf("assist-cli: connected to %s (RFB 003.008)\n", target);
	fflush(stdout);
	return CLI_EXIT_OK;
}

/* The pump's receiver (inside libssh: no libssh call): counted, dropped
 * until the viewer exists; n == 0 is assistd's EOF. */
static long
session_recv(void *ud, const uint8_t *data, size_t n)
{
	struct session *se = ud;

	(void)data;
	if (n == 0)
		se->eof = true;
	se->bytes_in += n;
	return (long)n;
}

int
session_watch(struct session *se, ssh_session ss, ssh_event ev, char *err,
	      size_t errsz)
{
	se->pump = chanpump_new(ss, se->ch, ev, CHANPUMP_MIN_PENDING);
	if (se->pump == NULL ||
	    chanpump_set_recv(se->pump, session_recv, se) != 0) {
		snprintf(err, errsz, "cannot watch the rfb channel");
		return -1;
	}
	return 0;
}

/* Queues what the decoder produced for assistd. Inside libssh's
 * callbacks too (chanpump_write only). 0, or -1 with rfb_err. */
static int
session_flush_out(struct session *se)
{
	size_t n = buf_avail(se->rout);

	if (n == 0)
		return 0;
	if (chanpump_write(se->pump, buf_ptr(se->rout), n) != 0) {
		snprintf(se->rfb_err, sizeof(se->rfb_err), "more than %u "
		    "bytes wait for assistd", SESSION_MAX_PENDING);
		return -1;
	}
	se->bytes_out += n;
	buf_reset(se->rout);
	return 0;
}

/* The decoding receiver (inside libssh: no libssh call). Takes what the
 * input buffer has room for; the rest is offered again later. */
static long
session_recv_decode(void *ud, const uint8_t *data, size_t n)
{
	struct session *se = ud;
	size_t room;
	uint8_t *p;

	if (n == 0) {
		se->eof = true;
		return 0;
	}
	if (se->rfb_err[0] != '\0')
		return (long)n;		/* failed: dropped until closed */
	buf_compact(se->rin);
	room = RFBCLIENT_MAX_IN - buf_avail(se->rin);
	if (n > room)
		n = room;
	if (n == 0 || (p = buf_reserve(se->rin, n)) == NULL) {
		snprintf(se->rfb_err, sizeof(se->rfb_err), "cannot buffer "
		    "the server's data");
		return 0;
	}
	memcpy(p, data, n);
	buf_commit(se->rin, n);
	se->bytes_in += n;
	if (rfbclient_feed(se->rfb, se->rin, se->rout, se->rfb_err,
	    sizeof(se->rfb_err)) != 0)
		return (long)n;
	(void)session_flush_out(se);
	return (long)n;
}

int
session_watch_decode(struct session *se, ssh_session ss, ssh_event ev,
		     const struct rfb_pixfmt *f, char *err, size_t errsz)
{
	se->rfb = calloc(1, sizeof(*se->rfb));
	se->rin = calloc(1, sizeof(*se->rin));
	se->rout = calloc(1, sizeof(*se->rout));
	if (se->rfb == NULL || se->rin == NULL || se->rout == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	buf_init(se->rin, RFBCLIENT_MAX_IN);
	buf_init(se->rout, SESSION_MAX_PENDING);
	se->pump = chanpump_new(ss, se->ch, ev, SESSION_MAX_PENDING);
	if (se->pump == NULL ||
	    chanpump_set_recv(se->pump, session_recv_decode, se) != 0 ||
	    rfbclient_init(se->rfb, f, se->rout) != 0 ||
	    session_flush_out(se) != 0 || chanpump_after_poll(se->pump) != 0) {
		snprintf(err, errsz, "cannot start the RFB session");
		return -1;
	}
	return 0;
}

int
session_watch_relay(struct session *se, ssh_session ss, ssh_event ev,
		    int fd, char *err, size_t errsz)
{
	ssize_t w;

	/* The viewer must see the greeting we consumed; 12 bytes into a
	 * fresh socket's buffer do not block. */
	w = send(fd, SESSION_GREETING, SESSION_GREETING_LEN, MSG_NOSIGNAL);
	if (w != SESSION_GREETING_LEN) {
		snprintf(err, errsz, "local viewer: %s", w < 0 ?
		    strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	se->pump = chanpump_new(ss, se->ch, ev, SESSION_MAX_PENDING);
	if (se->pump == NULL ||
	    chanpump_attach_fds(se->pump, fd, fd, CHANPUMP_OWN_FDS) != 0) {
		snprintf(err, errsz, "cannot relay the rfb channel");
		close(fd);
		return -1;
	}
	se->relay = true;
	return chanpump_after_poll(se->pump) == 0 ? 0 : -1;
}

int
session_send(struct session *se, const void *p, size_t n)
{
	if (se->pump == NULL || chanpump_write(se->pump, p, n) != 0)
		return -1;
	se->bytes_out += n;
	return chanpump_after_poll(se->pump) == 0 ? 0 : -1;
}

bool
session_relay_gone(const struct session *se)
{
	return se->relay && se->pump != NULL &&
	    chanpump_input_eof(se->pump);
}

int
session_after_poll(struct session *se, char *err, size_t errsz)
{
	const char *why;

	if (se->pump == NULL)
		return 0;
	if (se->rfb_err[0] != '\0') {
		snprintf(err, errsz, "%s", se->rfb_err);
		return -1;
	}
	if (chanpump_after_poll(se->pump) != 0) {
		snprintf(err, errsz, "the rfb channel failed: %s",
		    (why = chanpump_error(se->pump)) != NULL ? why : "?");
		return -1;
	}
	if (se->relay) {
		const struct chanpump_stats *st = chanpump_stats(se->pump);

		se->bytes_in = SESSION_GREETING_LEN + st->from_channel;
		se->bytes_out = st->to_channel;
		return chanpump_done(se->pump) ? 1 : 0;
	}
	return se->eof ? 1 : 0;
}

/* Shows one line of assistd's note (n bytes, no newline). */
static void
session_note(const char *line, size_t n)
{
	char safe[4 * SESSION_MAX_NOTE + 4];

	if (n == 0)
		return;
	log_info("assistd: %s", log_sanitize(safe, sizeof(safe), line,
	    n > SESSION_MAX_NOTE ? SESSION_MAX_NOTE : n));
}

/*
 * Shows what assistd wrote on channel ch's stderr (its notes to a helper,
 * e.g. why it refused), one escaped "assist-cli: assistd: ..." line each,
 * at most SESSION_MAX_NOTE bytes a line. Never blocks. (Once a pump moves
 * the channel, the pump drops stderr: chanpump.h.)
 */
static void
session_show_stderr(ssh_channel ch)
{
	char text[SESSION_MAX_NOTE];
	int r;

	/* Each read is shown on its own: a note longer than the buffer is
	 * cut into several lines rather than kept in memory. */
	while ((r = ssh_channel_read_nonblocking(ch, text, sizeof(text), 1)) >
	    0) {
		const char *p = text, *end = text + r, *nl;

		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			session_note(p, (size_t)((nl ? nl : end) - p));
			p = nl ? nl + 1 : end;
		}
	}
}
