/* Fuzz target: RevokedKeys files (OpenSSH KRLs and plain key lists).
 * A file that loads once loads again; checks never crash, whatever the
 * certificate asks about. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/revoked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t serials[] = { 0, 1, 42, 150, 1000, 1001,
					    UINT64_MAX };
	struct revoked *r = revoked_new();
	struct cert c;
	char err[256], why[256];
	int rc;

	if (r == NULL)
		return 0;
	err[0] = '\0';
	rc = revoked_add(r, "fuzz", data, size, err, sizeof(err));
	if (rc != 0) {
		if (rc != -1 || err[0] == '\0' || strlen(err) >= sizeof(err))
			abort();
		revoked_free(r);
		return 0;
	}
	if (revoked_add(r, "again", data, size, err, sizeof(err)) != 0)
		abort();
	/* The input itself as key blob, key ID and CA blob. */
	memset(&c, 0, sizeof(c));
	c.key_blob = (uint8_t *)data;
	c.key_blob_len = size < 64 ? size : 64;
	c.ca_blob = (uint8_t *)data;
	c.ca_blob_len = size < 51 ? size : 51;
	c.key_id = (char *)"helper-key-1";
	for (size_t i = 0; i < sizeof(serials) / sizeof(serials[0]); i++) {
		c.serial = serials[i];
		rc = revoked_check(r, data, size, &c, why, sizeof(why));
		if (rc != 0 && rc != 1)
			abort();
	}
	revoked_free(r);
	return 0;
}
