/*
 * policy: who may connect. One decision function (policy_check) returns
 * allow/deny and one precise reason, from the trusted CAs, principals
 * whitelist (with from= and expiry-time=), authorized keys (plain and
 * cert-authority lines), certificate source-address, revocation, and the
 * account name. An administrator's layer (/etc/assist/) and a user's
 * layer are both applied when both exist: a request must pass each, so
 * the user can only narrow the administrator's policy.
 */
#ifndef ASSIST_POLICY_H
#define ASSIST_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define POLICY_MAX_FILES 8	/* per directive */

/* The files one layer is made of (from assistd.conf); NULL/0 = unset. */
struct policy_files {
	const char *trusted_ca[POLICY_MAX_FILES];	/* TrustedUserCAKeys */
	size_t ntrusted_ca;
	const char *principals;		/* AuthorizedPrincipalsFile */
	const char *authorized_keys;	/* AuthorizedKeysFile */
	const char *revoked[POLICY_MAX_FILES];	/* RevokedKeys */
	size_t nrevoked;
};

struct policy;	/* opaque */

/*
 * Builds a policy for the account user: sys (may be NULL: no
 * administrator policy) and usr layers. Reads every file now, refusing
 * files anyone but root or their owner can write (StrictModes), and any
 * parse error, with "file:line: reason" in err. NULL on error.
 */
struct policy *policy_load(const struct policy_files *sys,
			   const struct policy_files *usr, const char *user,
			   char *err, size_t errsz);
void policy_free(struct policy *p);

struct policy_request {
	const char *user;		/* SSH user name asked for */
	const uint8_t *key_blob;	/* offered key or certificate blob */
	size_t key_len;
	const char *peer_addr;		/* numeric address of the helper */
	uint64_t now;			/* seconds since 1970 */
};

/* Who was let in (or refused): shown to the user and logged. */
struct policy_identity {
	bool is_cert;
	char key_type[64];		/* e.g. ssh-ed25519-cert-v01@... */
	char key_fp[64];		/* SHA256 of the certified/plain key */
	char key_id[256];		/* escaped, truncated */
	char principals[512];		/* comma-separated, escaped */
	uint64_t serial;
	char ca_name[128];		/* CA key comment */
	char ca_fp[64];
	uint64_t valid_after, valid_before;
	bool no_touch_required;		/* granted (FIDO2 issue) */
	bool verify_required;		/* demanded (FIDO2 issue) */
};

/* Allow (1) or deny (0); reason always set ("" on allow is fine);
 * id filled as far as the key could be parsed. Never sent to the peer. */
int policy_check(const struct policy *p, const struct policy_request *rq,
		 struct policy_identity *id, char *reason, size_t reasonsz);

#endif
