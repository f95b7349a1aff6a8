/*
 * hostcheck: verifies the server's host key against OpenSSH known_hosts
 * files ourselves (common/knownhosts.h), because libssh 0.10.6 treats a
 * key marked @revoked as known. Behaviour follows ssh: known key → go on;
 * revoked or changed → refuse loudly (the warning block ssh prints) and
 * never override; unknown → StrictHostKeyChecking decides: yes refuses,
 * ask shows the SHA256 fingerprint and asks on /dev/tty, accept-new and
 * no add the key — but never silently: a warning names the fingerprint,
 * the file it was added to and where the setting came from.
 */
#ifndef ASSIST_CLI_HOSTCHECK_H
#define ASSIST_CLI_HOSTCHECK_H

#include "assist-cli/settings.h"
#include "common/knownhosts.h"

#include <libssh/libssh.h>
#include <stddef.h>

#define HOSTCHECK_MAX_TRIES 10	/* unclear answers before giving up */
#define HOSTCHECK_MAX_ID    1025 /* a host certificate's key ID, kept */

/*
 * What the check found, for the helper's transcript (ctranscript.h):
 * filled as far as it got, on refusal too. All strings raw (the
 * transcript escapes them); "" when unknown.
 */
struct hostcheck_outcome {
	char fp[KNOWNHOSTS_FP_LEN];	/* the host key, "SHA256:..." */
	const char *how;	/* static: "known_hosts", "certificate",
				 * "accept-new" (also for
				 * StrictHostKeyChecking=no), "asked";
				 * NULL unless verified */
	char where[KNOWNHOSTS_MAX_PATH + 24];	/* known_hosts FILE:LINE */
	/* how == "certificate": */
	char ca_fp[KNOWNHOSTS_FP_LEN];	/* the host CA's key */
	char key_id[HOSTCHECK_MAX_ID];	/* the certificate's key ID */
	unsigned long long serial;
};

/*
 * Checks the connected session's host key. Returns CLI_EXIT_OK, or
 * CLI_EXIT_HOSTKEY_{UNKNOWN,CHANGED,REVOKED}, CLI_EXIT_CONFIG (a
 * known_hosts file unusable) or CLI_EXIT_OTHER with a one-line err.
 * Sets o->fp, o->how and o->where (the caller zeroes o first).
 */
int hostcheck_verify(ssh_session ss, const struct cli_settings *s,
		     struct hostcheck_outcome *o, char *err, size_t errsz);

/* Feeds every user, then every global known_hosts file of s into l (one
 * lookup, initialised by the caller). 0, or -1 with err set. */
int hostcheck_read_files(const struct cli_settings *s,
			 struct knownhosts_lookup *l, char *err, size_t errsz);

/* "ED25519" for "ssh-ed25519" etc., as ssh names key types to people. */
const char *hostcheck_type_label(const char *keytype);

#endif
