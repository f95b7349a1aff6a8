/* Fuzz target: known_hosts text (common/knownhosts.c), looked up for a
 * fixed Ed25519 key under a plain and a "[host]:port" name; the second
 * lookup also keeps the @cert-authority keys. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/b64.h"
#include "common/log.h"
#include "common/knownhosts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_KEY "AAAAC3NzaC1lZDI1NTE5AAAAIO8NKtTbZaGG0vAQ+aIIyYrjiPv5dSJSwoKt7n6xYhZd"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *names[] = { "h.example", "[h.example]:5922" };
	struct knownhosts_lookup l;
	char err[512];
	uint8_t *key;
	size_t klen, i;

	log_init("fuzz", LOG_LVL_ERROR);
	key = b64_decode(FUZZ_KEY, strlen(FUZZ_KEY), 1024, &klen);
	if (key == NULL)
		abort();
	for (i = 0; i < 2; i++) {
		if (knownhosts_lookup_init(&l, names[i], "ssh-ed25519", key,
		    klen) != 0)
			abort();
		if (i == 1)
			knownhosts_lookup_want_cas(&l);
		if (knownhosts_lookup_buffer(&l, "fuzz", (const char *)data,
		    size, err, sizeof(err)) == 0)
			(void)knownhosts_status(&l);
		if (l.ncas > KNOWNHOSTS_MAX_CAS || (i == 0 && l.ncas != 0))
			abort();
		knownhosts_lookup_free(&l);
	}
	free(key);
	return 0;
}
