/*
 * chanpump: channel <-> fd / buffer pump for libssh 0.10.6; see chanpump.h.
 *
 * What libssh 0.10.6 does, and why the pump is shaped like this (line
 * references are to src/channels.c and src/poll.c of libssh-0.10.6):
 *
 * Incoming data (channel_rcv_data). Each CHANNEL_DATA packet is appended
 * to channel->stdout_buffer and the local window is reduced by its length;
 * then every channel_data_function is called with the WHOLE buffer
 * (left-over plus new) and the buffer is advanced by the returned count.
 * Afterwards libssh grows the window back to WINDOWBASE (1,280,000) only
 * when local_window + bytes still buffered < WINDOWLIMIT (640,000). So
 * left-over data counts against the window: while we leave data there the
 * peer is throttled, and libssh never holds more than
 * WINDOWLIMIT + WINDOWBASE = 1,920,000 bytes of an honest peer (a packet
 * beyond the window is "accepted anyway", hence our hard limit). But the
 * callback runs again only when a NEW packet arrives: once the window is
 * used up, left-over data would wait for ever. We pull it with
 * ssh_channel_read_nonblocking() when the sink has room.
 *
 * The pull has its own trap: ssh_channel_read_timeout() grows the window
 * to WINDOWBASE whenever local_window < WINDOWLIMIT after reading,
 * WITHOUT counting what is still buffered. Pulling a little at a time
 * from a large left-over would grant the peer another ~1.28 MB per pull,
 * without bound when the sink is slow. So we pull only when we can take
 * everything libssh holds for us in one read (rx has CHANPUMP_RX_CAP room
 * for that): libssh's buffer is then empty and the grant is its normal one.
 * ssh_channel_poll() (called by read_nonblocking) handles packets only
 * when the buffer is empty; we call it with data present, and our data
 * callback refuses data while we pull, so order is kept either way.
 *
 * Outgoing data (channel_write_common). Non-blocking writes are cut to the
 * peer's window; during a key re-exchange (session state DH, INITIAL_KEX
 * or KEXINIT_RECEIVED) it returns 0 without writing. It also flushes the
 * socket by running ssh_handle_packets(), i.e. a NESTED poll of the whole
 * event (poll.c ssh_poll_ctx_dopoll): our fd callbacks and data callback
 * can run inside ssh_channel_write(). Hence the queues are rings whose
 * readable bytes never move while a call points at them, and nobody but
 * chanpump_after_poll() adds or removes poll handles: a handle removed
 * inside a nested poll shifts the outer loop's slots (ssh_poll_ctx_remove
 * moves the last handle into the hole) and the outer loop then rewrites
 * the wrong slot's events. Our fd callbacks therefore always return 0;
 * an fd that should pause stays registered until after_poll drops it,
 * costing at most one extra wake-up. No channel_write_wontblock callback
 * is needed: a WINDOW_ADJUST is a packet, it wakes ssh_event_dopoll, and
 * after_poll then writes.
 */
#include "common/chanpump.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libssh/callbacks.h>

#include "common/log.h"

/* A fixed-capacity ring of bytes. Storage never moves and appending never
 * touches the readable bytes, so a callback nested inside
 * ssh_channel_write() may append while libssh reads the head segment. */
struct pq {
	uint8_t *data;
	size_t head;		/* first readable byte */
	size_t used;
	size_t cap;
};

struct chanpump {
	ssh_session s;
	ssh_channel ch;
	ssh_event ev;
	struct ssh_channel_callbacks_struct cb;
	bool cb_added;

	struct pq tx;		/* waiting for the channel */
	struct pq rx;		/* waiting for the sink */

	chanpump_recv_fn recv;
	void *recv_ud;
	bool fds;		/* fd mode */
	int in_fd;
	int out_fd;
	bool own_fds;
	bool out_is_sock;
	short in_reg;		/* events registered for in_fd (0: none) */
	short out_reg;		/* same for out_fd when it differs */
	bool in_paused;		/* in_fd dropped for lack of room */
	bool in_closed;		/* owned in_fd closed */
	bool out_closed;	/* owned out_fd closed */

	bool in_eof;		/* in_fd reached EOF */
	bool eof_wanted;	/* send channel EOF once tx is empty */
	bool eof_sent;
	bool chan_eof;		/* peer sent EOF (or CLOSE) */
	bool chan_closed;	/* peer sent CLOSE */
	bool sink_eof;		/* EOF delivered to the sink */
	bool pulling;		/* inside our ssh_channel_read_nonblocking */
	size_t held;		/* bytes libssh holds for us (our count) */
	bool adopted;		/* looked for data that came before us */

	bool failed;
	char err[160];
	struct chanpump_stats st;
};

/* ---- byte queue ---- */

static int
pq_init(struct pq *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	q->data = malloc(cap);
	if (q->data == NULL)
		return -1;
	q->cap = cap;
	return 0;
}

static void
pq_free(struct pq *q)
{
	if (q->data != NULL) {
		explicit_bzero(q->data, q->cap);
		free(q->data);
	}
	memset(q, 0, sizeof(*q));
}

static size_t
pq_used(const struct pq *q)
{
	return q->used;
}

static size_t
pq_room(const struct pq *q)
{
	return q->cap - q->used;
}

/* The readable bytes that are contiguous from the head. */
static const uint8_t *
pq_head(const struct pq *q, size_t *n)
{
	size_t end = q->cap - q->head;

	*n = q->used < end ? q->used : end;
	return q->data + q->head;
}

/* The free bytes that are contiguous from the tail. */
static uint8_t *
pq_tail(struct pq *q, size_t *n)
{
	size_t tail = (q->head + q->used) % q->cap;
	size_t end = q->cap - tail;
	size_t room = pq_room(q);

	*n = room < end ? room : end;
	return q->data + tail;
}

static void
pq_commit(struct pq *q, size_t n)
{
	q->used += n;
}

static void
pq_consume(struct pq *q, size_t n)
{
	q->used -= n;
	q->head = q->used == 0 ? 0 : (q->head + n) % q->cap;
}

/* Appends up to n bytes; returns how many fit. */
static size_t
pq_put(struct pq *q, const uint8_t *d, size_t n)
{
	size_t done = 0, seg;
	uint8_t *t;

	while (done < n) {
		t = pq_tail(q, &seg);
		if (seg == 0)
			break;
		if (seg > n - done)
			seg = n - done;
		memcpy(t, d + done, seg);
		pq_commit(q, seg);
		done += seg;
	}
	return done;
}

/* ---- helpers ---- */

static void fail(struct chanpump *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
fail(struct chanpump *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->failed = true;
}

static bool
tx_closed(const struct chanpump *p)
{
	return p->chan_closed || p->eof_sent || p->eof_wanted || p->failed;
}

/* Writes to the sink fd; returns bytes written, 0 when it would block. */
static size_t
sink_write_fd(struct chanpump *p, const uint8_t *d, size_t n)
{
	ssize_t r;

	for (;;) {
		if (p->out_is_sock)
			r = send(p->out_fd, d, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		else
			r = write(p->out_fd, d, n);
		if (r >= 0)
			return (size_t)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			fail(p, "write to local fd: %s", strerror(errno));
		return 0;
	}
}

/* Offers n bytes to the sink; returns how many it took. */
static size_t
sink_offer(struct chanpump *p, const uint8_t *d, size_t n)
{
	long r;

	if (n == 0 || p->failed)
		return 0;
	if (p->fds)
		return p->out_closed ? 0 : sink_write_fd(p, d, n);
	if (p->recv == NULL)
		return 0;
	r = p->recv(p->recv_ud, d, n);
	if (r < 0 || (unsigned long)r > n) {
		fail(p, "receiver refused channel data");
		return 0;
	}
	return (size_t)r;
}

/* Moves queued channel data to the sink until it is empty or full. */
static void
drain_rx(struct chanpump *p)
{
	const uint8_t *h;
	size_t seg, n;

	while (pq_used(&p->rx) > 0 && !p->failed) {
		h = pq_head(&p->rx, &seg);
		n = sink_offer(p, h, seg);
		pq_consume(&p->rx, n);
		if (n < seg)
			break;
	}
}

/* ---- libssh channel callbacks (may run nested in our own calls) ---- */

static int
pump_data_cb(ssh_session s, ssh_channel ch, void *data, uint32_t len,
	     int is_stderr, void *ud)
{
	struct chanpump *p = ud;
	size_t took = 0;

	(void)s;
	(void)ch;
	if (is_stderr) {
		/* No stream of ours carries extended data: drop it. */
		p->st.discarded += len;
		return (int)len;
	}
	if (p->failed)
		return (int)len;	/* the caller is tearing down */
	if (p->pulling) {
		/* ssh_channel_read takes it, in order, after what it holds */
		p->held = len;
		return 0;
	}
	if (pq_used(&p->rx) == 0)
		took = sink_offer(p, data, len);
	if (took < len)
		took += pq_put(&p->rx, (const uint8_t *)data + took, len - took);
	p->st.from_channel += took;
	p->held = len - took;
	if (p->held > 0) {
		p->st.deferred++;
		if (p->held > p->st.held_max)
			p->st.held_max = p->held;
		if (p->held > CHANPUMP_RX_CAP)
			fail(p, "peer sent %zu bytes beyond what the SSH window "
			     "allows", p->held);
	}
	return (int)took;
}

static void
pump_eof_cb(ssh_session s, ssh_channel ch, void *ud)
{
	struct chanpump *p = ud;

	(void)s;
	(void)ch;
	p->chan_eof = true;
}

static void
pump_close_cb(ssh_session s, ssh_channel ch, void *ud)
{
	struct chanpump *p = ud;

	(void)s;
	(void)ch;
	p->chan_eof = true;
	p->chan_closed = true;
}

/* ---- fd side ---- */

static void
read_in(struct chanpump *p)
{
	size_t room;
	uint8_t *t;
	ssize_t r;

	while (!p->in_eof && !p->failed && !tx_closed(p)) {
		t = pq_tail(&p->tx, &room);
		if (room == 0)
			return;
		r = read(p->in_fd, t, room);
		if (r > 0) {
			pq_commit(&p->tx, (size_t)r);
			continue;
		}
		if (r == 0) {
			p->in_eof = true;
			p->eof_wanted = true;
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			fail(p, "read from local fd: %s", strerror(errno));
		return;
	}
}

/* Never adds or removes handles (see the top of this file): returns 0. */
static int
pump_fd_cb(socket_t fd, int revents, void *ud)
{
	struct chanpump *p = ud;

	if (revents & POLLNVAL) {
		fail(p, "local fd %d was closed under the pump", fd);
		return 0;
	}
	if (fd == p->in_fd && !p->in_closed &&
	    (revents & (POLLIN | POLLHUP | POLLERR)))
		read_in(p);
	if (fd == p->out_fd && !p->out_closed &&
	    (revents & (POLLOUT | POLLHUP | POLLERR)))
		drain_rx(p);
	return 0;
}

/* Makes the event watch fd for exactly events (0: not at all). */
static void
set_watch(struct chanpump *p, int fd, short *reg, short events)
{
	if (*reg == events)
		return;
	if (*reg != 0)
		ssh_event_remove_fd(p->ev, fd);
	*reg = 0;
	if (events == 0)
		return;
	if (ssh_event_add_fd(p->ev, fd, events, pump_fd_cb, p) != SSH_OK) {
		fail(p, "cannot watch fd %d", fd);
		return;
	}
	*reg = events;
}

static void
sync_fds(struct chanpump *p)
{
	bool want_in, want_out, input_open;
	short in_ev, out_ev;

	if (!p->fds)
		return;
	input_open = !p->in_eof && !p->in_closed && !tx_closed(p);
	want_in = input_open && pq_room(&p->tx) > 0;
	want_out = !p->out_closed && pq_used(&p->rx) > 0 && !p->failed;
	if (p->failed)
		want_in = false;
	if (input_open && !want_in)
		p->in_paused = true;
	if (want_in && p->in_paused) {
		if (!(p->in_reg & POLLIN))
			p->st.rearms++;
		p->in_paused = false;
	}
	in_ev = want_in ? POLLIN : 0;
	out_ev = want_out ? POLLOUT : 0;
	if (p->in_fd == p->out_fd) {
		set_watch(p, p->in_fd, &p->in_reg, in_ev | out_ev);
	} else {
		set_watch(p, p->in_fd, &p->in_reg, in_ev);
		set_watch(p, p->out_fd, &p->out_reg, out_ev);
	}
}

/* Closes owned fds whose direction is over and that are unwatched. */
static void
close_done_fds(struct chanpump *p)
{
	bool in_over, out_over;

	if (!p->fds || !p->own_fds)
		return;
	in_over = p->in_eof || tx_closed(p);
	out_over = p->sink_eof;
	if (p->in_fd == p->out_fd) {
		if (in_over && out_over && !p->in_closed && p->in_reg == 0) {
			close(p->in_fd);
			p->in_closed = p->out_closed = true;
		}
		return;
	}
	if (in_over && !p->in_closed && p->in_reg == 0) {
		close(p->in_fd);
		p->in_closed = true;
	}
	if (out_over && !p->out_closed && p->out_reg == 0) {
		close(p->out_fd);
		p->out_closed = true;
	}
}

/* ---- after_poll steps ---- */

/*
 * Takes what libssh holds for us, all of it (see the top of this file):
 * only when rx has room for everything, in at most two back-to-back reads
 * (the ring may wrap). The second read finds data buffered, so no packet
 * is handled in between.
 */
static void
pull_held(struct chanpump *p)
{
	uint8_t *t;
	size_t seg;
	int r;

	if (p->held == 0 || p->failed || pq_room(&p->rx) < p->held)
		return;
	p->st.pulls++;
	while (p->held > 0) {
		t = pq_tail(&p->rx, &seg);
		if (seg > p->held)
			seg = p->held;
		p->pulling = true;
		r = ssh_channel_read_nonblocking(p->ch, t, (uint32_t)seg, 0);
		p->pulling = false;
		if (r == SSH_ERROR) {
			fail(p, "channel read: %s", ssh_get_error(p->s));
			return;
		}
		if (r <= 0) {	/* 0 or SSH_EOF: nothing was left after all */
			p->held = 0;
			return;
		}
		pq_commit(&p->rx, (size_t)r);
		p->st.from_channel += (uint64_t)r;
		p->held = (size_t)r >= p->held ? 0 : p->held - (size_t)r;
	}
}

/* Delivers channel EOF to the sink once everything before it is there. */
static void
deliver_eof(struct chanpump *p)
{
	if (p->sink_eof || !p->chan_eof || p->held > 0 ||
	    pq_used(&p->rx) > 0 || p->failed)
		return;
	p->sink_eof = true;
	if (!p->fds) {
		if (p->recv != NULL)
			(void)p->recv(p->recv_ud, NULL, 0);
		return;
	}
	/* An owned separate out_fd is closed by close_done_fds(); a socket
	 * shared with the input is half-closed. */
	if (p->out_is_sock && (p->in_fd == p->out_fd || !p->own_fds))
		(void)shutdown(p->out_fd, SHUT_WR);
}

static void
flush_tx(struct chanpump *p)
{
	const uint8_t *h;
	uint32_t win;
	size_t n;
	int r;

	if (p->chan_closed) {
		pq_consume(&p->tx, pq_used(&p->tx));	/* nobody to send to */
		return;
	}
	if (p->eof_sent)
		return;
	while (pq_used(&p->tx) > 0 && !p->failed && !p->chan_closed) {
		win = ssh_channel_window_size(p->ch);
		if (win == 0)
			return;	/* a WINDOW_ADJUST will wake the poll */
		h = pq_head(&p->tx, &n);
		if (n > win)
			n = win;
		r = ssh_channel_write(p->ch, h, (uint32_t)n);
		if (r == SSH_ERROR) {
			if (!p->chan_closed)
				fail(p, "channel write: %s",
				     ssh_get_error(p->s));
			return;
		}
		pq_consume(&p->tx, (size_t)r);
		p->st.to_channel += (uint64_t)r;
		if ((size_t)r < n) {
			/* 0 during a re-key: retried after the next poll. */
			p->st.short_writes++;
			return;
		}
	}
}

static void
send_eof_when_drained(struct chanpump *p)
{
	int r;

	if (!p->eof_wanted || p->eof_sent || p->chan_closed || p->failed ||
	    pq_used(&p->tx) > 0)
		return;
	r = ssh_channel_send_eof(p->ch);
	if (r == SSH_ERROR) {
		fail(p, "channel EOF: %s", ssh_get_error(p->s));
		return;
	}
	p->eof_sent = true;	/* SSH_AGAIN: queued, flushed by the poll */
	log_debug("chanpump: sent channel EOF after %llu bytes",
		  (unsigned long long)p->st.to_channel);
}

/*
 * Data (or EOF) the peer sent before the pump existed sits in libssh's
 * channel buffer, and libssh 0.10.6 offers it to a data callback only
 * when the next packet arrives (channel_rcv_data): a peer that sent all
 * it had and waits would never be heard. So, once, outside callbacks:
 * count what is there as held, for pull_held.
 */
static void
adopt_buffered(struct chanpump *p)
{
	int r;

	if (p->adopted)
		return;
	p->adopted = true;
	if (p->held > 0 || p->chan_eof)
		return;
	p->pulling = true;	/* a packet handled meanwhile is libssh's */
	r = ssh_channel_poll(p->ch, 0);
	p->pulling = false;
	if (r > 0)
		p->held = (size_t)r;
	else if (r == SSH_EOF)
		p->chan_eof = true;
}

/* Channel -> sink: everything that can move now, then EOF after it. */
static void
rx_step(struct chanpump *p)
{
	drain_rx(p);
	adopt_buffered(p);
	pull_held(p);
	/* An EOF that came before the pump had no callback to see it. */
	if (!p->chan_eof && p->held == 0 && ssh_channel_is_eof(p->ch) == 1)
		p->chan_eof = true;
	drain_rx(p);
	deliver_eof(p);
}

int
chanpump_after_poll(struct chanpump *p)
{
	rx_step(p);
	flush_tx(p);
	send_eof_when_drained(p);
	/* Writing ran libssh's packet handling: data, EOF or CLOSE may
	 * have arrived meanwhile. */
	rx_step(p);
	if (!p->failed && !chanpump_done(p) &&
	    (ssh_get_status(p->s) & (SSH_CLOSED | SSH_CLOSED_ERROR)))
		fail(p, "SSH session closed");
	sync_fds(p);
	close_done_fds(p);
	if (p->failed) {
		/* Stop watching anything; the caller tears the pump down. */
		if (p->fds) {
			set_watch(p, p->in_fd, &p->in_reg, 0);
			if (p->out_fd != p->in_fd)
				set_watch(p, p->out_fd, &p->out_reg, 0);
		}
		return -1;
	}
	return 0;
}

/* ---- public API ---- */

struct chanpump *
chanpump_new(ssh_session s, ssh_channel ch, ssh_event ev, size_t max_pending)
{
	struct chanpump *p;

	if (s == NULL || ch == NULL || ev == NULL ||
	    max_pending < CHANPUMP_MIN_PENDING ||
	    max_pending > CHANPUMP_MAX_PENDING)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->s = s;
	p->ch = ch;
	p->ev = ev;
	p->in_fd = p->out_fd = -1;
	if (pq_init(&p->tx, max_pending) < 0 ||
	    pq_init(&p->rx, CHANPUMP_RX_CAP) < 0)
		goto err;
	p->cb.userdata = p;
	p->cb.channel_data_function = pump_data_cb;
	p->cb.channel_eof_function = pump_eof_cb;
	p->cb.channel_close_function = pump_close_cb;
	ssh_callbacks_init(&p->cb);
	if (ssh_add_channel_callbacks(ch, &p->cb) != SSH_OK)
		goto err;
	p->cb_added = true;
	return p;
err:
	pq_free(&p->tx);
	pq_free(&p->rx);
	free(p);
	return NULL;
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int
chanpump_attach_fds(struct chanpump *p, int in_fd, int out_fd,
		    unsigned flags)
{
	struct stat st;

	if (p->fds || p->recv != NULL || in_fd < 0 || out_fd < 0 ||
	    (flags & ~CHANPUMP_OWN_FDS) != 0)
		return -1;
	if (set_nonblock(in_fd) < 0 || set_nonblock(out_fd) < 0)
		return -1;
	if (fstat(out_fd, &st) < 0)
		return -1;
	p->out_is_sock = S_ISSOCK(st.st_mode);
	p->in_fd = in_fd;
	p->out_fd = out_fd;
	p->own_fds = (flags & CHANPUMP_OWN_FDS) != 0;
	p->fds = true;
	return 0;
}

int
chanpump_set_recv(struct chanpump *p, chanpump_recv_fn fn, void *ud)
{
	if (p->fds)
		return -1;
	p->recv = fn;
	p->recv_ud = ud;
	return 0;
}

int
chanpump_write(struct chanpump *p, const void *data, size_t n)
{
	if (tx_closed(p) || n > pq_room(&p->tx))
		return -1;
	(void)pq_put(&p->tx, data, n);
	return 0;
}

size_t
chanpump_pending(const struct chanpump *p)
{
	return pq_used(&p->tx);
}

size_t
chanpump_room(const struct chanpump *p)
{
	return pq_room(&p->tx);
}

bool
chanpump_input_eof(const struct chanpump *p)
{
	return p->in_eof || p->in_closed;
}

void
chanpump_send_eof(struct chanpump *p)
{
	p->eof_wanted = true;
}

bool
chanpump_done(const struct chanpump *p)
{
	bool rx_done = p->sink_eof;
	bool tx_done = p->eof_sent || p->chan_closed;

	return !p->failed && rx_done && tx_done;
}

const char *
chanpump_error(const struct chanpump *p)
{
	return p->failed ? p->err : NULL;
}

const struct chanpump_stats *
chanpump_stats(const struct chanpump *p)
{
	return &p->st;
}

void
chanpump_free(struct chanpump *p)
{
	if (p == NULL)
		return;
	if (p->cb_added)
		ssh_remove_channel_callbacks(p->ch, &p->cb);
	if (p->fds) {
		if (p->in_reg != 0)
			ssh_event_remove_fd(p->ev, p->in_fd);
		if (p->out_fd != p->in_fd && p->out_reg != 0)
			ssh_event_remove_fd(p->ev, p->out_fd);
		if (p->own_fds) {
			if (!p->in_closed)
				close(p->in_fd);
			if (p->out_fd != p->in_fd && !p->out_closed)
				close(p->out_fd);
		}
	}
	pq_free(&p->tx);
	pq_free(&p->rx);
	free(p);
}
