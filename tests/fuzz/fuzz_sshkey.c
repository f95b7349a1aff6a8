/* Fuzz target: plain key blobs (sshkey_parse, fingerprints) and SSH
 * signature blobs (keysig_verify). An input that is not a key is read as
 * uint16 key length, key blob, signature blob, so keys and signatures of
 * every algorithm meet (seeds from mkcorpus_cert.sh). */
#include <stdint.h>
#include <stdlib.h>
#include "common/keysig.h"
#include "common/sshkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fuzz_msg[] = "fuzz";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sshkey k;
	struct keysig_sk sk;
	char err[256], fp[SSHKEY_FP_LEN];
	size_t klen;

	if (sshkey_parse(data, size, &k, err, sizeof(err)) == 0) {
		sshkey_fingerprint(data, size, fp, sizeof(fp));
		if (fp[0] != 'S')
			abort();
		return 0;
	}
	if (size < 2)
		return 0;
	klen = ((size_t)data[0] << 8) | data[1];
	if (klen > size - 2 ||
	    sshkey_parse(data + 2, klen, &k, err, sizeof(err)) != 0)
		return 0;
	(void)keysig_verify(&k, data + 2 + klen, size - 2 - klen, fuzz_msg,
	    sizeof(fuzz_msg) - 1, &sk, err, sizeof(err));
	return 0;
}
