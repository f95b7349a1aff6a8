/*
 * hostkey: assistd's Ed25519 host key, created on first run under the
 * user's config directory, refused when anyone but its owner can read it.
 */
#ifndef ASSISTD_HOSTKEY_H
#define ASSISTD_HOSTKEY_H

#include <stddef.h>
#include <libssh/libssh.h>

#define HOSTKEY_FILE	"ssh_host_ed25519_key"
#define HOSTKEY_MAX_FILE (16 * 1024)	/* larger key files are refused */

/*
 * Loads dir/HOSTKEY_FILE, or creates it (mode 0600, with a .pub beside
 * it) when missing. *created tells which. On success *key is a private
 * key the caller frees with ssh_key_free. On error returns -1 and writes
 * a one-line reason naming the file to err.
 */
int hostkey_load_or_create(const char *dir, ssh_key *key, int *created,
			   char *err, size_t errsz);

/* "SHA256:<base64>" of the key's public part into out; 0 or -1. */
int hostkey_fingerprint(ssh_key key, char *out, size_t outsz);

/*
 * Creates the directory path and its missing parents (mode 0700) and
 * refuses it when it is not a directory owned by us or is writable by
 * group or others. 0 or -1 with a reason in err.
 */
int hostkey_prepare_dir(const char *path, char *err, size_t errsz);

#endif
