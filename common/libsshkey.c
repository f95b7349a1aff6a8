/* libsshkey: wire blob of a libssh key; see libsshkey.h. */
#include "common/libsshkey.h"

#include <string.h>

#include "common/b64.h"

uint8_t *
libsshkey_blob(ssh_key key, size_t max, size_t *len)
{
	char *b64 = NULL;
	uint8_t *blob;

	if (key == NULL || ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK ||
	    b64 == NULL)
		return NULL;
	blob = b64_decode(b64, strlen(b64), max, len);
	ssh_string_free_char(b64);
	return blob;
}
