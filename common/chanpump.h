/*
 * chanpump: moves bytes between one libssh channel and either a local
 * file descriptor pair or the caller's own code, inside a non-blocking
 * ssh_event loop. Written for libssh 0.10.6's traps
 * (../shared/research/libssh-0.10.6.md §4.5, §7):
 *  - no channel_write_wontblock callback on WINDOW_ADJUST (fixed in
 *    0.11.0): the caller calls chanpump_after_poll() after every
 *    ssh_event_dopoll(), which re-arms paused input and retries output;
 *  - a non-blocking ssh_channel_write() may take fewer bytes than asked
 *    (0 during a re-key): the rest stays in a pending buffer;
 *  - an fd callback that removes itself from the event returns -1;
 *  - ssh_connector is not used (same stall, loses EOF).
 * Memory is bounded: at most max_pending bytes wait in each direction;
 * beyond that the pump stops reading its source (back-pressure through
 * the SSH window on one side, through the fd on the other).
 */
#ifndef ASSIST_CHANPUMP_H
#define ASSIST_CHANPUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libssh/libssh.h>

struct chanpump;

struct chanpump_stats {
	uint64_t to_channel;	/* bytes written to the channel */
	uint64_t from_channel;	/* bytes received from the channel */
	uint64_t short_writes;	/* ssh_channel_write calls that took less */
	uint64_t rearms;	/* times paused input was re-armed */
};

/*
 * Receives channel data when no fd is attached: returns how many of the n
 * bytes it consumed (the rest is offered again later), or -1 to fail the
 * pump.
 */
typedef long (*chanpump_recv_fn)(void *ud, const uint8_t *data, size_t n);

/*
 * New pump on channel ch of session s, registered with event ev (all
 * borrowed: they must outlive the pump). Adds its own channel callbacks
 * with ssh_add_channel_callbacks, so the caller's callbacks on the same
 * channel keep working. NULL on error.
 */
struct chanpump *chanpump_new(ssh_session s, ssh_channel ch, ssh_event ev,
			      size_t max_pending);

/*
 * Connects the channel to fds (not owned): channel data is written to
 * out_fd, bytes read from in_fd go to the channel; they may be the same
 * fd. EOF on in_fd sends channel EOF; channel EOF shuts out_fd's writing
 * side when it is a socket (or closes nothing: the caller owns it).
 * The fds are made non-blocking. 0 or -1.
 */
int chanpump_attach_fds(struct chanpump *p, int in_fd, int out_fd);

/* Instead of an fd: channel data goes to fn. */
void chanpump_set_recv(struct chanpump *p, chanpump_recv_fn fn, void *ud);

/* Queues n bytes for the channel; -1 when that would exceed max_pending
 * (the caller must wait for chanpump_pending() to fall). */
int chanpump_write(struct chanpump *p, const void *data, size_t n);
size_t chanpump_pending(const struct chanpump *p);
/* Sends channel EOF once everything queued has been written. */
void chanpump_send_eof(struct chanpump *p);

/* Call after every ssh_event_dopoll(). 0, or -1 when the channel or an fd
 * failed. */
int chanpump_after_poll(struct chanpump *p);

/* True once both directions reached EOF (or the channel closed) and
 * nothing is pending. */
bool chanpump_done(const struct chanpump *p);
const struct chanpump_stats *chanpump_stats(const struct chanpump *p);

/* Removes callbacks and fds from the event; does not close the channel. */
void chanpump_free(struct chanpump *p);

#endif
