/*
 * hostcertfile: assistd's HostCertificate file, read by the monitor at
 * start. libssh 0.10.6 cannot present a host certificate in the key
 * exchange, so the network process sends it in the authentication banner
 * (common/hostcert.h); the monitor makes sure beforehand that it is a
 * host certificate for this assistd's own host key.
 */
#ifndef ASSISTD_HOSTCERTFILE_H
#define ASSISTD_HOSTCERTFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <libssh/libssh.h>

/*
 * Reads path (at most HOSTCERT_MAX_FILE bytes; StrictModes as for every
 * file assistd trusts: common/safefile.h, owner root or owner), checks
 * it with hostcert_check_own against hostkey's public key, and logs what
 * it certifies (key ID, serial, principals, validity, CA fingerprint; a
 * warning when it is expired or not yet valid at now). Returns 0 with
 * *blob (caller frees) and *len, or -1 with a one-line reason naming the
 * file in err.
 */
int hostcertfile_load(const char *path, uid_t owner, ssh_key hostkey,
		      uint64_t now,
		      uint8_t **blob, size_t *len, char *err,
		      size_t errsz);

#endif
