/* Fuzz target: the host certificate banner and HostCertificate file
 * (common/hostcert.c). A certificate found in the banner is verified for
 * a fixed host key, name and CA (the seed "valid" verifies: made with
 * ssh-keygen -h -s FUZZ_CA, valid 2020 to 2999). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/b64.h"
#include "common/hostcert.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CA "AAAAC3NzaC1lZDI1NTE5AAAAIKmsT5U8HUyNZEWcuHDTGRB3u38AwVD5vq0ikISI18yx"
#define FUZZ_HOST "AAAAC3NzaC1lZDI1NTE5AAAAIGXp2arpoIUtUJ1c4np/Yim3IFN+ZrdrPGj/q+ltmTzi"
#define FUZZ_NOW 1800000000ULL	/* inside the seed's validity */

static void
fuzz_verify(const uint8_t *blob, size_t len)
{
	uint8_t *ca, *host;
	size_t ca_len, host_len, idx;
	const uint8_t *cas[1];
	size_t lens[1];
	struct cert c;
	char err[512];

	ca = b64_decode(FUZZ_CA, strlen(FUZZ_CA), 1024, &ca_len);
	host = b64_decode(FUZZ_HOST, strlen(FUZZ_HOST), 1024, &host_len);
	if (ca == NULL || host == NULL)
		abort();
	cas[0] = ca;
	lens[0] = ca_len;
	if (hostcert_verify(blob, len, host, host_len, "h.example", cas, lens,
	    1, FUZZ_NOW, &c, &idx, err, sizeof(err)) == 0) {
		if (idx != 0)
			abort();
		cert_free(&c);
	}
	if (hostcert_check_own(blob, len, host, host_len, &c, err,
	    sizeof(err)) == 0)
		cert_free(&c);
	free(ca);
	free(host);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	uint8_t *blob = NULL;
	size_t len = 0;
	char err[512];
	char *banner;

	log_init("fuzz", LOG_LVL_ERROR);
	if (hostcert_banner_parse(text, size, &blob, &len, err,
	    sizeof(err)) == 1) {
		fuzz_verify(blob, len);
		/* What we parsed, assistd can send back. */
		banner = hostcert_banner_format(blob, len);
		free(banner);
		free(blob);
	} else if (blob != NULL) {
		abort();	/* no blob may leak out of a failure */
	}
	if (hostcert_parse_file(text, size, &blob, &len, err,
	    sizeof(err)) == 0)
		free(blob);
	return 0;
}
