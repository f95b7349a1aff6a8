/* Fuzz target: the certificate parser and cert_verify (a blob any helper
 * sends before authentication). Verified against a fixed trusted CA (the
 * ed25519 CA that signed most of the seed corpus, see mkcorpus_cert.sh)
 * and against the blob's own signature key, so signature checks of every
 * algorithm are reached too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fuzz_ca[] = {
	0x00, 0x00, 0x00, 0x0b, 0x73, 0x73, 0x68, 0x2d, 0x65, 0x64, 0x32,
	0x35, 0x35, 0x31, 0x39, 0x00, 0x00, 0x00, 0x20, 0x0f, 0x64, 0x12,
	0x3d, 0x43, 0x2f, 0x7d, 0x95, 0x7b, 0x39, 0x2d, 0x27, 0x35, 0xbf,
	0xba, 0x7c, 0xb1, 0xe8, 0x56, 0x9c, 0xae, 0xfd, 0x50, 0xdd, 0x71,
	0x3f, 0x0d, 0x51, 0xb4, 0x2d, 0xe5, 0xab,
};

#define FUZZ_NOW 1800000000ULL	/* inside the corpus' validity */

/* Invariants of a parsed certificate; abort() shows a violation. */
static void
fuzz_check(const struct cert *c)
{
	if (c->signed_len >= c->blob_len || c->ca_blob == NULL ||
	    c->sig == NULL || c->key_id == NULL || c->type_name == NULL ||
	    !cert_is_cert_name(c->type_name, strlen(c->type_name)) ||
	    c->key.blob != c->key_blob ||
	    (c->cert_type != CERT_TYPE_USER && c->cert_type != CERT_TYPE_HOST))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *cas[2] = { fuzz_ca, NULL };
	size_t lens[2] = { sizeof(fuzz_ca), 0 }, idx;
	struct cert c;
	char err[512];

	if (cert_parse(data, size, &c, err, sizeof(err)) != 0)
		return 0;
	fuzz_check(&c);
	cas[1] = c.ca_blob;
	lens[1] = c.ca_blob_len;
	(void)cert_verify(&c, CERT_TYPE_USER, cas, lens, 2, FUZZ_NOW, &idx,
	    err, sizeof(err));
	(void)cert_verify(&c, CERT_TYPE_HOST, cas, lens, 1, FUZZ_NOW, &idx,
	    err, sizeof(err));
	cert_free(&c);
	return 0;
}
