/*
 * session: the one session channel with our subsystem "rfb". For now we
 * check the RFB 3.8 greeting and close cleanly; the viewer comes later.
 */
#ifndef ASSIST_CLI_SESSION_H
#define ASSIST_CLI_SESSION_H

#include "assist-cli/settings.h"

#include <libssh/libssh.h>
#include <stddef.h>

#define SESSION_SUBSYSTEM	"rfb"
#define SESSION_GREETING	"RFB 003.008\n"
#define SESSION_GREETING_LEN	12

/*
 * Opens the channel, requests the subsystem and reads exactly the
 * 12-byte greeting within the connect timeout. Returns CLI_EXIT_OK (and
 * prints the connected line on stdout) or CLI_EXIT_SESSION with err.
 */
int session_run(ssh_session ss, const struct cli_settings *s, char *err,
		size_t errsz);

#endif
