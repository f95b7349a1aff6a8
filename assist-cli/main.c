/*
 * assist-cli: the helper's side. Resolves settings (command line,
 * ssh_config), connects with libssh, checks the host key against
 * known_hosts, authenticates with agent or key + certificate and opens
 * the rfb subsystem. Each failure kind has its own exit status
 * (exitcode.h); only this file exits.
 */
#include "assist-cli/args.h"
#include "assist-cli/auth.h"
#include "assist-cli/connect.h"
#include "assist-cli/exitcode.h"
#include "assist-cli/hostident.h"
#include "assist-cli/session.h"
#include "assist-cli/settings.h"
#include "common/defaults.h"
#include "common/log.h"

#include <libssh/libssh.h>
#include <openssl/crypto.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAIN_ERR 1024

static void
main_usage(FILE *f)
{
	fprintf(f,
	    "usage: assist-cli [options] [user@]host[:port]\n"
	    "       assist-cli [options] [user@][v6addr]:port\n"
	    "  -p PORT         port (default %d, assistd's)\n"
	    "  -i IDENTITY     private key to use first (KEY-cert.pub is used "
	    "with it);\n"
	    "                  may be repeated\n"
	    "  -F CONFIG       ssh_config file instead of ~/.ssh/config and "
	    "%s\n"
	    "  -o OPTION=VALUE ssh_config option, e.g. -o "
	    "StrictHostKeyChecking=yes;\n"
	    "                  may be repeated; the first value given wins\n"
	    "  -G              print the resolved configuration and exit\n"
	    "  -v              more messages (-vv to -vvvv: libssh's too)\n"
	    "  --help          this text\n"
	    "  --version       versions of assist-cli, libssh and OpenSSL\n"
	    "See assist-cli(1) for the exit statuses.\n",
	    ASSIST_DEFAULT_PORT, SETTINGS_SYSTEM_CONFIG);
}

static void
main_version(void)
{
	printf("assist-cli %s\nlibssh %s\n%s\n", ASSIST_VERSION,
	    ssh_version(0), OpenSSL_version(OPENSSL_VERSION));
}

/* The user we run as, and the home directory ~ means: $HOME when it is
 * an absolute path (as the shell), else the password database. */
static int
main_env(struct cli_env *env, char *err, size_t errsz)
{
	struct passwd *pw = getpwuid(getuid());
	const char *home = getenv("HOME");

	if (pw == NULL) {
		snprintf(err, errsz, "who am I? no password entry for uid %lu",
		    (unsigned long)getuid());
		return -1;
	}
	env->uid = getuid();
	env->local_user = strdup(pw->pw_name);
	env->home = strdup(home != NULL && home[0] == '/' ? home : pw->pw_dir);
	env->system_config = SETTINGS_SYSTEM_CONFIG;
	if (env->local_user == NULL || env->home == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

/* Connect, check the host key, authenticate, open the subsystem. */
static int
main_run(const struct cli_settings *s, char *err, size_t errsz)
{
	ssh_session ss = NULL;
	int rc;

	rc = connect_open(s, &ss, err, errsz);
	if (rc != CLI_EXIT_OK)
		return rc;
	/* Before any key is offered (hostident.h gives the order). */
	rc = hostident_verify(ss, s, err, errsz);
	if (rc == CLI_EXIT_OK)
		rc = auth_run(ss, s, err, errsz);
	if (rc == CLI_EXIT_OK)
		rc = session_run(ss, s, err, errsz);
	ssh_disconnect(ss);
	ssh_free(ss);
	return rc;
}

static int
main_fail(int rc, const char *err)
{
	char safe[MAIN_ERR];

	log_error("%s", log_sanitize(safe, sizeof(safe), err, strlen(err)));
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli_args a;
	struct cli_env env;
	struct cli_settings s;
	char err[MAIN_ERR] = "";
	int rc;

	/* A ProxyCommand that exits must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	log_init("assist-cli", LOG_LVL_INFO);
	if (args_parse(argc, argv, &a, err, sizeof(err)) != 0) {
		main_fail(CLI_EXIT_USAGE, err);
		main_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (a.help) {
		main_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (a.version) {
		main_version();
		return CLI_EXIT_OK;
	}
	if (a.verbose > 0)
		log_set_level(LOG_LVL_DEBUG);
	memset(&env, 0, sizeof(env));
	if (main_env(&env, err, sizeof(err)) != 0)
		return main_fail(CLI_EXIT_OTHER, err);
	rc = settings_resolve(&a, &env, &s, err, sizeof(err));
	if (rc == CLI_EXIT_OK && a.dump_config)
		settings_print(&s, stdout);
	else if (rc == CLI_EXIT_OK)
		rc = main_run(&s, err, sizeof(err));
	if (rc != CLI_EXIT_OK)
		main_fail(rc, err);
	settings_free(&s);
	free((char *)env.local_user);
	free((char *)env.home);
	return rc;
}
