/*
 * libsshkey: the wire blob of a libssh key. libssh 0.10.6 exports keys
 * only as base64 (ssh_pki_export_pubkey_base64; the blob getter is
 * internal), so every place that needs the bytes goes through here.
 */
#ifndef ASSIST_LIBSSHKEY_H
#define ASSIST_LIBSSHKEY_H

#include <stddef.h>
#include <stdint.h>
#include <libssh/libssh.h>

/*
 * The public key (or certificate) blob of key, strictly decoded, at most
 * max bytes: a new buffer of *len bytes the caller frees, or NULL.
 */
uint8_t *libsshkey_blob(ssh_key key, size_t max, size_t *len);

#endif
