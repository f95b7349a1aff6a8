/*
 * cert: OpenSSH certificates (PROTOCOL.certkeys) through one
 * bounds-checked reader. libssh 0.10.6 checks nothing of a certificate
 * (research §1): every check is ours.
 */
#ifndef ASSIST_CERT_H
#define ASSIST_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/sshkey.h"

#define CERT_MAX_PRINCIPALS	256
#define CERT_MAX_STR		1024	/* key ID, principal, option name */
#define CERT_MAX_OPTIONS	64	/* critical options, and extensions */

enum { CERT_TYPE_USER = 1, CERT_TYPE_HOST = 2 };

struct cert_opt {
	char *name;
	uint8_t *data;		/* the option's data string (raw) */
	size_t len;
};

/* A parsed certificate; owns all its memory (cert_free). */
struct cert {
	uint8_t *blob;		/* copy of the whole certificate blob */
	size_t blob_len;
	size_t signed_len;	/* bytes covered by the CA signature */
	char *type_name;	/* e.g. "ssh-ed25519-cert-v01@openssh.com" */
	uint8_t *key_blob;	/* the certified key as a plain key blob */
	size_t key_blob_len;
	struct sshkey key;	/* parsed view of key_blob */
	uint64_t serial;
	uint32_t cert_type;	/* CERT_TYPE_USER or CERT_TYPE_HOST */
	char *key_id;
	char **principals;
	size_t nprincipals;
	uint64_t valid_after, valid_before;	/* seconds since 1970 */
	struct cert_opt *critical;
	size_t ncritical;
	struct cert_opt *extensions;
	size_t nextensions;
	uint8_t *ca_blob;	/* signature key, as sent */
	size_t ca_blob_len;
	uint8_t *sig;		/* signature blob */
	size_t sig_len;
	/* Interpreted critical options (NULL/false when absent). */
	char *source_address;	/* pattern list as given */
	bool verify_required;
	bool no_touch_required;	/* extension */
};

/* True when name (len bytes) is a certificate type we parse. */
bool cert_is_cert_name(const char *name, size_t len);

/*
 * Parses a certificate blob. Structure only: checks framing, lengths,
 * nested encodings, duplicate or unsorted options, that the signature
 * key is a plain key and not a certificate. 0, or -1 with a reason.
 */
int cert_parse(const uint8_t *blob, size_t len, struct cert *c, char *err,
	       size_t errsz);
void cert_free(struct cert *c);

/*
 * Full verification of a parsed certificate for use as kind (USER/HOST):
 * signature key equal byte for byte to one of the trusted CA blobs (its
 * index in *ca_index), CA signature valid over the signed part, type,
 * valid_after <= now < valid_before, at least one principal, only known
 * critical options (source-address, verify-required). Does not check
 * source-address against a peer, principals, or revocation: policy.c
 * does. 0, or -1 with a precise reason ("certificate expired at ...").
 */
int cert_verify(const struct cert *c, uint32_t kind,
		const uint8_t *const *ca_blobs, const size_t *ca_lens,
		size_t nca, uint64_t now, size_t *ca_index, char *err,
		size_t errsz);

/* valid_after/valid_before as "2026-11-29T10:00:00Z"; "forever" for
 * UINT64_MAX; the plain number when past year 9999. */
void cert_format_time(uint64_t t, char *out, size_t outsz);

#endif
