/* Fuzz target: assistd.conf text (common/srvconfig.c) as the user's and
 * the administrator's layer, the first line as a -o option, then the
 * merge (path expansion, limits) and the -T dump. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "common/log.h"
#include "common/srvconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srvconfig c;
	char err[512], first[SRVCONFIG_MAX_LINE];
	const struct policy_files *sys, *usr;
	size_t n;
	FILE *devnull;

	log_init("fuzz", LOG_LVL_ERROR);
	srvconfig_init(&c);
	n = size < sizeof(first) - 1 ? size : sizeof(first) - 1;
	memcpy(first, data, n);
	first[n] = '\0';
	first[strcspn(first, "\n")] = '\0';
	srvconfig_apply_option(&c.usr, first, err, sizeof(err));
	if (srvconfig_parse_buffer(&c.usr, "usr", (const char *)data, size,
	    err, sizeof(err)) == 0 &&
	    srvconfig_parse_buffer(&c.sys, "sys", (const char *)data, size,
	    err, sizeof(err)) == 0 &&
	    srvconfig_resolve(&c, "fuzz", "/home/fuzz", "/etc/assist", err,
	    sizeof(err)) == 0) {
		srvconfig_policy(&c, &sys, &usr);
		if ((devnull = fopen("/dev/null", "w")) != NULL) {
			srvconfig_dump(&c, devnull);
			fclose(devnull);
		}
	}
	srvconfig_free(&c);
	return 0;
}
