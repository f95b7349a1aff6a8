/* Fuzz target: ssh_config text (common/sshconfig.c) as read from
 * ~/.ssh/config, plus the first line as a -o option and as a ProxyJump
 * hop, and token expansion of every string the parse kept. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "common/sshconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_expand(const char *s)
{
	struct sshconfig_tokens t;
	char err[256];
	char *r;

	if (s == NULL)
		return;
	memset(&t, 0, sizeof(t));
	t.tok['h'] = "host";
	t.tok['p'] = "22";
	t.tok['%'] = "%";
	r = sshconfig_expand(s, &t, "/home/fuzz", true, false, err,
	    sizeof(err));
	free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sshconfig_ctx ctx = {
		.host = "fuzz.example",
		.local_user = "fuzz",
		.home = "/home/fuzz",
		.uid = 0,
	};
	struct sshconfig c;
	char err[512], first[512], *u, *h;
	size_t i, n;
	int port;

	log_init("fuzz", LOG_LVL_ERROR);
	sshconfig_init(&c);
	if (sshconfig_parse_buffer(&c, &ctx, "fuzz", (const char *)data, size,
	    SSHCONFIG_USER | SSHCONFIG_NO_INCLUDE, err, sizeof(err)) == 0) {
		fuzz_expand(c.hostname);
		fuzz_expand(c.user);
		fuzz_expand(c.proxy);
		for (i = 0; i < c.identity_files.n; i++)
			fuzz_expand(c.identity_files.v[i]);
		for (i = 0; i < c.user_known_hosts.n; i++)
			fuzz_expand(c.user_known_hosts.v[i]);
	}
	sshconfig_free(&c);
	n = size < sizeof(first) - 1 ? size : sizeof(first) - 1;
	memcpy(first, data, n);
	first[n] = '\0';
	first[strcspn(first, "\n")] = '\0';
	sshconfig_init(&c);
	sshconfig_apply_option(&c, &ctx, first, err, sizeof(err));
	sshconfig_free(&c);
	if (sshconfig_parse_hop(first, &u, &h, &port) == 0) {
		free(u);
		free(h);
	}
	sshconfig_parse_time(first);
	sshconfig_parse_port(first);
	return 0;
}
