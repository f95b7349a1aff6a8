/*
 * keysig: verification of SSH signature blobs (RFC 4253 §6.6 framing:
 * string algorithm, string signature) with libcrypto, for certificate
 * CA signatures (cert.c) and, later, FIDO2 proofs. libssh 0.10.6 has no
 * public verify function (research §0), hence ours.
 */
#ifndef ASSIST_KEYSIG_H
#define ASSIST_KEYSIG_H

#include <stddef.h>
#include <stdint.h>
#include "common/sshkey.h"

/* What an sk signature carried (PROTOCOL.u2f), for the FIDO2 issue. */
struct keysig_sk {
	uint8_t flags;		/* 0x01 user present, 0x04 user verified */
	uint32_t counter;
};

/*
 * Verifies sig (an SSH signature blob) by key over data. Accepted
 * algorithms: ssh-ed25519, ecdsa-sha2-nistp256/384/521, rsa-sha2-256,
 * rsa-sha2-512, sk-ssh-ed25519@openssh.com,
 * sk-ecdsa-sha2-nistp256@openssh.com; ssh-rsa (SHA-1) is refused. The
 * algorithm must fit the key type. For sk keys, *sk (if not NULL) gets
 * flags and counter; checking them is the caller's job. 0 valid, -1
 * invalid or refused, with a reason in err.
 */
int keysig_verify(const struct sshkey *key, const uint8_t *sig,
		  size_t siglen, const uint8_t *data, size_t datalen,
		  struct keysig_sk *sk, char *err, size_t errsz);

#endif
