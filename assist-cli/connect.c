/* connect: libssh client session set-up; see connect.h. */
#include "assist-cli/connect.h"

#include "assist-cli/exitcode.h"
#include "common/log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
connect_in_list(const char *name, const char *list)
{
	size_t n = strlen(name);
	const char *p = list;

	if (n == 0)
		return 0;
	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* One ssh_options_set with its return code checked and named. */
static int
connect_opt(ssh_session ss, enum ssh_options_e opt, const void *v,
	    const char *what, char *err, size_t errsz)
{
	if (ssh_options_set(ss, opt, v) == 0)
		return 0;
	snprintf(err, errsz, "cannot set %s: %s", what, ssh_get_error(ss));
	return -1;
}

/* -v is ours alone; -vv adds libssh's warnings, -vvv its protocol log,
 * -vvvv its packet log. */
static int
connect_log_level(int verbose)
{
	if (verbose >= 4)
		return SSH_LOG_PACKET;
	if (verbose == 3)
		return SSH_LOG_PROTOCOL;
	return verbose == 2 ? SSH_LOG_WARNING : SSH_LOG_NOLOG;
}

/* Options that make libssh use nothing but what we give it. */
static int
connect_isolate(ssh_session ss, const struct cli_settings *s, char *err,
		size_t errsz)
{
	bool no = false;
	int one = 1, level = connect_log_level(s->verbose);

	/* First: otherwise ssh_connect() reads ~/.ssh/config and
	 * /etc/ssh/ssh_config itself, over our values. */
	if (connect_opt(ss, SSH_OPTIONS_PROCESS_CONFIG, &no, "PROCESS_CONFIG",
	    err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_LOG_VERBOSITY, &level, "verbosity",
	    err, errsz) != 0 ||
	    /* Host keys are checked by hostcheck.c (libssh ignores
	     * @revoked); keep libssh away from the real files. */
	    connect_opt(ss, SSH_OPTIONS_KNOWNHOSTS, "/dev/null", "KNOWNHOSTS",
	    err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null",
	    "GLOBAL_KNOWNHOSTS", err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_STRICTHOSTKEYCHECK, &one,
	    "STRICTHOSTKEYCHECK", err, errsz) != 0)
		return -1;
	return 0;
}

static int
connect_algorithms(ssh_session ss, char *err, size_t errsz)
{
	if (connect_opt(ss, SSH_OPTIONS_KEY_EXCHANGE, CONNECT_KEX,
	    "key exchange list", err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_CIPHERS_C_S, CONNECT_CIPHERS,
	    "cipher list (client to server)", err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_CIPHERS_S_C, CONNECT_CIPHERS,
	    "cipher list (server to client)", err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_HMAC_C_S, CONNECT_MACS,
	    "MAC list (client to server)", err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_HMAC_S_C, CONNECT_MACS,
	    "MAC list (server to client)", err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_HOSTKEYS, CONNECT_HOSTKEYS,
	    "host key algorithms", err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES,
	    CONNECT_PUBKEYS, "public key types", err, errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_COMPRESSION, "no", "compression", err,
	    errsz) != 0)
		return -1;
	return 0;
}

static int
connect_target(ssh_session ss, const struct cli_settings *s, char *err,
	       size_t errsz)
{
	long timeout = s->timeout;
	int port = s->port;
	char *proxy;
	int r;

	if (connect_opt(ss, SSH_OPTIONS_HOST, s->hostname, "host", err,
	    errsz) != 0 ||
	    connect_opt(ss, SSH_OPTIONS_PORT, &port, "port", err, errsz) != 0 ||
	    /* deb12u3 refuses some names here but keeps them: check. */
	    connect_opt(ss, SSH_OPTIONS_USER, s->user, "user", err, errsz) != 0 ||
	    /* Without a timeout a blocking call can wait forever (§5). */
	    connect_opt(ss, SSH_OPTIONS_TIMEOUT, &timeout, "timeout", err,
	    errsz) != 0)
		return -1;
	if (s->agent_sock != NULL &&
	    connect_opt(ss, SSH_OPTIONS_IDENTITY_AGENT, s->agent_sock,
	    "agent socket", err, errsz) != 0)
		return -1;
	if (s->proxy_command == NULL)
		return 0;
	if ((proxy = settings_libssh_escape(s->proxy_command)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	log_debug("proxy command: %s", s->proxy_command);
	r = connect_opt(ss, SSH_OPTIONS_PROXYCOMMAND, proxy, "ProxyCommand",
	    err, errsz);
	free(proxy);
	return r;
}

/* What key exchange chose must be in our lists, whatever libssh did
 * with them. */
static int
connect_verify(ssh_session ss, char *err, size_t errsz)
{
	const char *kex = ssh_get_kex_algo(ss);
	const char *cin = ssh_get_cipher_in(ss);
	const char *cout = ssh_get_cipher_out(ss);

	if (kex == NULL || cin == NULL || cout == NULL ||
	    !connect_in_list(kex, CONNECT_KEX) ||
	    !connect_in_list(cin, CONNECT_CIPHERS) ||
	    !connect_in_list(cout, CONNECT_CIPHERS)) {
		snprintf(err, errsz, "negotiated algorithms outside our lists "
		    "(kex %s, ciphers %s/%s)", kex ? kex : "?",
		    cin ? cin : "?", cout ? cout : "?");
		return -1;
	}
	log_debug("key exchange %s, ciphers %s/%s, MACs %s/%s", kex, cin,
	    cout, ssh_get_hmac_in(ss) ? ssh_get_hmac_in(ss) : "?",
	    ssh_get_hmac_out(ss) ? ssh_get_hmac_out(ss) : "?");
	return 0;
}

int
connect_open(const struct cli_settings *s, ssh_session *out, char *err,
	     size_t errsz)
{
	ssh_session ss = ssh_new();

	*out = NULL;
	if (ss == NULL) {
		snprintf(err, errsz, "cannot create an SSH session");
		return CLI_EXIT_OTHER;
	}
	if (connect_isolate(ss, s, err, errsz) != 0 ||
	    connect_algorithms(ss, err, errsz) != 0 ||
	    connect_target(ss, s, err, errsz) != 0) {
		ssh_free(ss);
		return CLI_EXIT_OTHER;
	}
	log_debug("connecting to %s port %d%s (timeout %ld s)", s->hostname,
	    s->port, s->proxy_command ? " through a proxy command" : "",
	    s->timeout);
	if (ssh_connect(ss) != SSH_OK) {
		snprintf(err, errsz, "cannot connect to %s port %d: %s",
		    s->hostname, s->port, ssh_get_error(ss));
		ssh_free(ss);
		return CLI_EXIT_CONNECT;
	}
	if (connect_verify(ss, err, errsz) != 0) {
		ssh_disconnect(ss);
		ssh_free(ss);
		return CLI_EXIT_CONNECT;
	}
	*out = ss;
	return CLI_EXIT_OK;
}
