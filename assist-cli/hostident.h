/*
 * hostident: who is at the other end, before any key of ours is offered.
 * libssh 0.10.6 can neither negotiate nor check host certificates, so
 * assistd sends its host certificate in the authentication banner
 * (common/hostcert.h). Order of operations after the key exchange:
 *   1. ssh_userauth_none(): offers no credential; the server answers it
 *      with the banner first, so the banner is in hand when it returns;
 *   2. the certificate line of the banner is parsed;
 *   3. known_hosts is read once for the negotiated host key: a @revoked
 *      host key ends it (hostcheck's warning), and the @cert-authority
 *      keys whose patterns match the lookup name are kept;
 *   4. hostcert_verify(): CA among them, signature, host type, validity,
 *      certified key = negotiated host key, host name among principals;
 *      then the CA itself must not be @revoked;
 *   5. valid: "host certificate from CA NAME verified", no TOFU; a revoked
 *      CA: refused (exit 69), as ssh does; otherwise (no certificate, no
 *      matching CA, invalid certificate: the last with a precise warning)
 *      hostcheck_verify() as before (known_hosts, StrictHostKeyChecking).
 * Only then does auth.c offer keys.
 */
#ifndef ASSIST_CLI_HOSTIDENT_H
#define ASSIST_CLI_HOSTIDENT_H

#include "assist-cli/hostcheck.h"
#include "assist-cli/settings.h"

#include <libssh/libssh.h>
#include <stddef.h>

/*
 * Verifies the connected session's host as above. Returns CLI_EXIT_OK,
 * or what hostcheck_verify returns, CLI_EXIT_HOSTKEY_REVOKED (revoked
 * CA), CLI_EXIT_CONNECT (the "none" request failed), with err set.
 * Fills o (zeroed here) for the transcript: how, the host key's
 * fingerprint, and for a certificate its CA, key ID and serial.
 */
int hostident_verify(ssh_session ss, const struct cli_settings *s,
		     struct hostcheck_outcome *o, char *err, size_t errsz);

/* The name a host certificate must list: kh_name without "[...]:port".
 * 0, or -1 when it does not fit in outsz. */
int hostident_principal(const char *kh_name, char *out, size_t outsz);

#endif
