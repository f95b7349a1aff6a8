/*
 * auth: publickey authentication, in ssh's order: the agent
 * (SSH_AUTH_SOCK or IdentityAgent) unless IdentitiesOnly, then each
 * identity file: first with its certificate (KEY-cert.pub, or a
 * CertificateFile whose key is this one), then the plain key. Each key is
 * offered (ssh_userauth_try_publickey) before its private half is loaded,
 * so a passphrase is asked only for a key the server would take.
 *
 * libssh 0.10.6 never uses certificates in ssh_userauth_publickey_auto()
 * and does not check that a certificate belongs to the key it is copied
 * onto (a mismatch makes the server drop the signature without a reply:
 * research §1), so we pair and check them ourselves.
 *
 * When the server accepts the key only partly and asks for
 * keyboard-interactive (assistd --code: a one-time code the user reads
 * out), each of its prompts is asked on /dev/tty or through SSH_ASKPASS
 * (prompt_ask: OpenSSH's rules), escaped and cut before it is shown, at
 * most AUTH_CODE_TRIES times.
 */
#ifndef ASSIST_CLI_AUTH_H
#define ASSIST_CLI_AUTH_H

#include "assist-cli/settings.h"
#include "common/knownhosts.h"

#include <libssh/libssh.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_PASSPHRASE_TRIES	3	/* as ssh's NumberOfPasswordPrompts */
#define AUTH_MAX_BLOB		16384	/* key or certificate blob */
#define AUTH_MAX_TRIED		512	/* bytes of "what was tried" text */
#define AUTH_MAX_ID		1025	/* a certificate's key ID, kept */
#define AUTH_CODE_TRIES		3	/* keyboard-interactive rounds, as
					   ssh's NumberOfPasswordPrompts */
#define AUTH_KBDINT_MAX_INFO	4	/* questions in one round */
#define AUTH_KBDINT_MAX_PROMPTS	4	/* prompts in one question */
#define AUTH_PROMPT_SHOWN	128	/* bytes of a server prompt shown */
#define AUTH_INSTR_SHOWN	256	/* bytes of its name, instruction */
#define AUTH_KBDINT_POLL_MS	100	/* longest wait between libssh calls */

/*
 * The identity that was accepted, for the helper's transcript. Strings
 * raw (the transcript escapes them), "" when unknown. Through the agent,
 * the key comes from agentwatch.h (libssh does not say which agent key
 * signed); when that could not watch, only via is set.
 */
struct auth_outcome {
	const char *via;		/* "agent", "file"; NULL when refused */
	char file[SSHCONFIG_MAX_PATH];	/* the identity file (via file) */
	char key_type[KNOWNHOSTS_MAX_TYPE];	/* offered: key or cert type */
	char key_fp[KNOWNHOSTS_FP_LEN];	/* of the key (certified key) */
	bool cert;			/* offered with a certificate: */
	char cert_file[SSHCONFIG_MAX_PATH];
	char key_id[AUTH_MAX_ID];
	unsigned long long serial;
	/* keyboard-interactive after the key (assistd --code), also set
	 * when auth_run fails: NULL when not asked, else "ok", "refused"
	 * (an answer was not accepted), "cancelled" (no answer given) or
	 * "error"; answers sent. */
	const char *code;
	int code_tries;
};

/*
 * Authenticates the connected, host-verified session. Returns CLI_EXIT_OK,
 * CLI_EXIT_AUTH (nothing accepted, the one-time code refused or not
 * given, or the server wants a further step we do not support) or
 * CLI_EXIT_OTHER, with a one-line err. Fills o (zeroed here) when it
 * returns CLI_EXIT_OK; o->code and o->code_tries in any case.
 */
int auth_run(ssh_session ss, const struct cli_settings *s,
	     struct auth_outcome *o, char *err, size_t errsz);

/*
 * 1 if the OpenSSH certificate blob cert certifies the plain public key
 * blob key (same key type and the same public key fields, by
 * PROTOCOL.certkeys), 0 if not or if either blob is malformed.
 */
int auth_cert_matches(const uint8_t *cert, size_t cert_len,
		      const uint8_t *key, size_t key_len);

#endif
