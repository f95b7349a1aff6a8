/*
 * chanpump: moves bytes between one libssh channel and either a local
 * file descriptor pair (fd mode) or the caller's own code (buffer mode),
 * inside a non-blocking ssh_event loop. Written for libssh 0.10.6's traps
 * (../shared/research/libssh-0.10.6.md §4.5, §7; details in chanpump.c):
 *  - no channel_write_wontblock callback on WINDOW_ADJUST (fixed in
 *    0.11.0): the caller calls chanpump_after_poll() after every
 *    ssh_event_dopoll(); it writes what waits for the channel while the
 *    peer's window is open and re-arms paused input;
 *  - a non-blocking ssh_channel_write() may take fewer bytes than asked
 *    (0 during a re-key): the rest stays queued and is retried first;
 *  - data the pump cannot take yet is left inside libssh (the data
 *    callback returns what it consumed) and pulled later with
 *    ssh_channel_read_nonblocking(), all of it at once, so that libssh's
 *    window accounting stays bounded;
 *  - our fd callbacks never add or remove poll handles (libssh's poll loop
 *    can run nested inside ssh_channel_write and is not re-entrant for
 *    that): fds are (un)registered only in chanpump_after_poll();
 *  - ssh_connector is not used (same stall, loses EOF).
 *
 * Rules for the caller: create the pump from a callback or between polls;
 * call chanpump_after_poll() after every ssh_event_dopoll(), never from
 * inside a libssh callback, and again after a chanpump_write() made
 * outside a poll callback (nothing else would start sending it); do not
 * set a channel_data_function of your own on the channel; do not register
 * the pump's fds with the event yourself (ssh_event_remove_fd drops every
 * handle of an fd); free the pump before the channel; ignore SIGPIPE
 * (writes to a pipe whose reader is gone). Other callbacks in the same
 * event should not call libssh I/O either: libssh's poll loop runs nested
 * inside such calls.
 *
 * Memory is bounded: at most max_pending bytes wait for the channel, at
 * most CHANPUMP_RX_CAP bytes wait for the local sink, and libssh itself
 * holds less than ~1.9 MB for us (its window rule); a peer that sends
 * beyond the window fails the pump instead of growing memory.
 */
#ifndef ASSIST_CHANPUMP_H
#define ASSIST_CHANPUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libssh/libssh.h>

/* Bytes waiting for the local sink. libssh 0.10.6 can hold up to
 * WINDOWLIMIT + WINDOWBASE = 1,920,000 bytes that we must be able to take
 * in one read (see chanpump.c), so this is above that. */
#define CHANPUMP_RX_CAP (2u * 1024 * 1024)
/* Smallest and largest max_pending accepted by chanpump_new(). */
#define CHANPUMP_MIN_PENDING 4096u
#define CHANPUMP_MAX_PENDING (64u * 1024 * 1024)

/* chanpump_attach_fds() flag: the pump owns the fds and closes them (the
 * sink's when channel EOF reached it, both at the latest in chanpump_free). */
#define CHANPUMP_OWN_FDS 1u

struct chanpump;

struct chanpump_stats {
	uint64_t to_channel;	/* bytes written to the channel */
	uint64_t from_channel;	/* bytes received from the channel */
	uint64_t short_writes;	/* ssh_channel_write calls that took less */
	uint64_t rearms;	/* times paused input was re-armed */
	uint64_t deferred;	/* data callbacks that left data in libssh */
	uint64_t pulls;		/* reads of that left-over data */
	uint64_t held_max;	/* most bytes libssh held for us at once */
	uint64_t discarded;	/* extended (stderr) data bytes dropped */
};

/*
 * Receives channel data in buffer mode: returns how many of the n bytes
 * it consumed (the rest is offered again later), or -1 to fail the pump.
 * n == 0 (data NULL) means channel EOF; the return value is then ignored.
 * Runs inside libssh's event processing: it may call chanpump_write() but
 * no libssh function.
 */
typedef long (*chanpump_recv_fn)(void *ud, const uint8_t *data, size_t n);

/*
 * New pump on open channel ch of session s, using event ev (all borrowed:
 * they must outlive the pump). max_pending bounds the bytes queued for the
 * channel (CHANPUMP_MIN_PENDING..CHANPUMP_MAX_PENDING). Adds its own
 * channel callbacks with ssh_add_channel_callbacks, so the caller's
 * callbacks on the same channel keep working. NULL on error.
 */
struct chanpump *chanpump_new(ssh_session s, ssh_channel ch, ssh_event ev,
			      size_t max_pending);

/*
 * fd mode: channel data is written to out_fd, bytes read from in_fd go to
 * the channel; they may be the same fd (a socket). Both are made
 * non-blocking and registered with the event at the next
 * chanpump_after_poll(). EOF on in_fd sends channel EOF once everything
 * read was written. Channel EOF, once delivered, shuts out_fd's writing
 * side when it is a socket, or closes it under CHANPUMP_OWN_FDS. Without
 * that flag the caller owns the fds (close them after chanpump_free).
 * 0, or -1 (bad fd, already attached, or a receiver was set).
 */
int chanpump_attach_fds(struct chanpump *p, int in_fd, int out_fd,
			unsigned flags);

/* buffer mode: channel data goes to fn. 0, or -1 when fds are attached. */
int chanpump_set_recv(struct chanpump *p, chanpump_recv_fn fn, void *ud);

/* Queues n bytes for the channel (copied, all or nothing): 0, or -1 when
 * that would exceed max_pending (wait for chanpump_room() to grow), after
 * EOF was asked for, or once the channel is closed or the pump failed. */
int chanpump_write(struct chanpump *p, const void *data, size_t n);
size_t chanpump_pending(const struct chanpump *p);
size_t chanpump_room(const struct chanpump *p);
/* Sends channel EOF once everything queued has been written. */
void chanpump_send_eof(struct chanpump *p);

/* Call after every ssh_event_dopoll(), outside libssh callbacks. 0, or -1
 * once the channel, the session or an fd failed (see chanpump_error). */
int chanpump_after_poll(struct chanpump *p);

/* True once both directions reached EOF (or the channel was closed by the
 * peer) and nothing is pending: the caller may close the channel. */
bool chanpump_done(const struct chanpump *p);
/* fd mode: true once in_fd reached EOF or failed (the local peer left). */
bool chanpump_input_eof(const struct chanpump *p);
/* Why the pump failed (static or pump-owned text), or NULL. */
const char *chanpump_error(const struct chanpump *p);
const struct chanpump_stats *chanpump_stats(const struct chanpump *p);

/* Removes its callbacks and fds from the channel and the event, closes
 * owned fds; does not close the channel (call it between polls, before
 * ssh_channel_free). NULL is accepted. */
void chanpump_free(struct chanpump *p);

#endif
