/*
 * exitcode: assist-cli's exit statuses, one per kind of failure, so that
 * scripts and helpdesk tools can tell them apart. Documented in
 * man/assist-cli.1 (EXIT STATUS); never renumber a published value.
 */
#ifndef ASSIST_CLI_EXITCODE_H
#define ASSIST_CLI_EXITCODE_H

enum cli_exit {
	CLI_EXIT_OK = 0,		/* session held and ended normally */
	CLI_EXIT_OTHER = 1,		/* unexpected or internal error */
	CLI_EXIT_USAGE = 64,		/* bad command line */
	CLI_EXIT_CONFIG = 65,		/* ssh_config or known_hosts unusable */
	CLI_EXIT_CONNECT = 66,		/* name, TCP, proxy, timeout, key exchange */
	CLI_EXIT_HOSTKEY_UNKNOWN = 67,	/* host key not known and not accepted */
	CLI_EXIT_HOSTKEY_CHANGED = 68,	/* known host presents another key */
	CLI_EXIT_HOSTKEY_REVOKED = 69,	/* host key marked @revoked */
	CLI_EXIT_AUTH = 70,		/* no key or certificate was accepted */
	CLI_EXIT_SESSION = 71,		/* channel, subsystem or greeting refused */
	CLI_EXIT_TRANSCRIPT = 72,	/* the helper's transcript cannot be written */
	CLI_EXIT_REFUSED = 73,		/* the user refused the session */
	CLI_EXIT_NO_ANSWER = 74,	/* the user did not answer in time */
	CLI_EXIT_BUSY = 75,		/* the user is with another helper */
	CLI_EXIT_CANCELLED = 76,	/* the helper left before the answer */
};

#endif
