/* Fuzz target: the interim authorized-keys parser (a file the user
 * names, possibly copied from elsewhere). Every accepted key must be
 * found again by its own blob. */
#include <stdint.h>
#include <stdlib.h>
#include "common/authkeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authkeys ak;
	char err[256];
	size_t i;

	if (authkeys_parse("fuzz", (const char *)data, size, &ak, err,
	    sizeof(err)) != 0)
		return 0;
	for (i = 0; i < ak.n; i++) {
		int j = authkeys_find(&ak, ak.keys[i].blob,
		    ak.keys[i].blob_len);

		if (j < 0 || (size_t)j > i || ak.keys[i].type == NULL ||
		    ak.keys[i].comment == NULL)
			abort();
	}
	authkeys_free(&ak);
	return 0;
}
