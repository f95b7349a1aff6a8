/*
 * agentwatch: which of the agent's keys signed, for the helper's
 * transcript. libssh 0.10.6's ssh_userauth_agent() tries the agent's
 * keys itself and does not say which one the server took, and it has no
 * public call to sign with one agent key of our choice (the agent
 * functions are internal; ssh_userauth_agent_pubkey takes the legacy
 * RSA/DSA struct only). So libssh talks to the agent through us: one end
 * of a socketpair is given to it with ssh_set_agent_socket(), and a child
 * process relays each request to the real agent socket and its answer
 * back (the agent protocol is strictly request/answer), reporting on a
 * pipe the key blob of every sign request. libssh asks for a signature
 * only with a key the server has accepted, and stops at the first
 * success, so the last key reported is the one that authenticated.
 *
 * Messages (draft-miller-ssh-agent): u32 length, then that many bytes,
 * the first the type; a sign request (13) is string key_blob, string
 * data, u32 flags.
 */
#ifndef ASSIST_CLI_AGENTWATCH_H
#define ASSIST_CLI_AGENTWATCH_H

#include <libssh/libssh.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AGENTWATCH_MAX_MSG	(256 * 1024)	/* as libssh's own limit */
#define AGENTWATCH_MAX_KEY	16384	/* a key or certificate blob */
#define AGENTWATCH_SIGN_REQUEST	13	/* SSH_AGENTC_SIGN_REQUEST */
#define AGENTWATCH_WAIT_MS	5000	/* for the relay to end */

struct agentwatch {
	pid_t pid;		/* the relay */
	int lib_fd;		/* libssh's end (libssh closes it) */
	int report_fd;		/* key blobs from the relay */
};

/*
 * Looks at one agent message (without its length): 1 when it is a sign
 * request, *key and *klen then naming its key blob inside msg; 0 for any
 * other message; -1 when it is malformed. Pure.
 */
int agentwatch_sign_key(const uint8_t *msg, size_t len, const uint8_t **key,
			size_t *klen);

/*
 * Connects to the agent socket at path, starts the relay and hands
 * libssh its end. 0, or -1 with err set and nothing started (libssh then
 * reaches the agent by itself, unwatched).
 */
int agentwatch_start(struct agentwatch *w, ssh_session ss, const char *path,
		     char *err, size_t errsz);

/*
 * Call once libssh is done with the agent: ends the relay (waiting at
 * most AGENTWATCH_WAIT_MS, then killing it) and returns the key blob of
 * the last sign request (*len bytes, caller frees), or NULL when there
 * was none.
 */
uint8_t *agentwatch_finish(struct agentwatch *w, size_t *len);

#endif
