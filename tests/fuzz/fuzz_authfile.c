/* Fuzz target: AuthorizedKeysFile / AuthorizedPrincipalsFile /
 * TrustedUserCAKeys lines (files a user or administrator may copy from
 * anywhere). The first byte picks the kind; every accepted entry must be
 * consistent and its restrictions checkable. */
#include <stdint.h>
#include <stdlib.h>
#include "common/authfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authfile f;
	enum authfile_kind kind;
	char err[256], why[512];
	size_t i;

	if (size == 0)
		return 0;
	kind = (enum authfile_kind)(data[0] % 3);
	if (authfile_parse(kind, "fuzz", (const char *)data + 1, size - 1,
	    &f, err, sizeof(err)) != 0)
		return 0;
	for (i = 0; i < f.n; i++) {
		const struct authfile_entry *e = &f.e[i];

		if (kind == AUTHFILE_PRINCIPALS ? e->principal == NULL :
		    (e->blob == NULL || authfile_find_key(&f, 0, e->blob,
		    e->blob_len) > (int)i))
			abort();
		(void)authfile_opts_check(&f, e, "10.1.2.3", 1700000000u,
		    why, sizeof(why));
		(void)authfile_opts_check(&f, e, "::1", 0, why, sizeof(why));
	}
	authfile_free(&f);
	return 0;
}
