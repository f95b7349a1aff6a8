/*
 * assist-cli: the helper's side. Resolves settings (command line,
 * ssh_config), connects with libssh, checks the host key against
 * known_hosts, authenticates with agent or key + certificate, then asks
 * the user for the session and holds it (live.h), keeping the helper's
 * transcript of it all (ctranscript.h). Each failure kind has its own
 * exit status (exitcode.h); only this file exits.
 */
#include "assist-cli/args.h"
#include "assist-cli/auth.h"
#include "assist-cli/connect.h"
#include "assist-cli/ctranscript.h"
#include "assist-cli/exitcode.h"
#include "assist-cli/hostident.h"
#include "assist-cli/live.h"
#include "assist-cli/settings.h"
#include "assist-cli/vnclisten.h"
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

/* The syslog socket transcripts are mirrored to, as assistd's: a
 * build-time choice (`make SYSLOG_PATH=...`, "" for none); used only
 * when it exists (ctranscript.h). */
#ifndef ASSIST_SYSLOG_PATH
#define ASSIST_SYSLOG_PATH "/dev/log"
#endif

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
	    "  --reason TEXT   why you connect (e.g. a ticket number), shown "
	    "to the user\n"
	    "                  in the question (at most %d bytes)\n"
	    "  --view-only     ask for view only (default: view and "
	    "control)\n"
	    "  --exit-after-accept  for scripts: leave as soon as the "
	    "screen channel\n"
	    "                  answered, instead of staying connected\n"
	    "  --snapshot FILE write the screen as PNG (mode 0600) once the "
	    "first full\n"
	    "                  update arrived, then leave (exit 0)\n"
	    "  --vnc-listen [ADDR:]PORT  serve the screen to one local VNC "
	    "viewer on\n"
	    "                  ADDR:PORT (default %s; 0 picks a port) "
	    "instead of\n"
	    "                  showing it; the session ends when the viewer "
	    "leaves\n"
	    "  --pixel-format 32|16|8  bits per pixel asked of assistd "
	    "(default 32;\n"
	    "                  for tests and slow links)\n"
	    "  --help          this text\n"
	    "  --version       versions of assist-cli, libssh and OpenSSL\n"
	    "Each connection is recorded in $XDG_STATE_HOME/assist/transcripts/ "
	    "(default\n~/.local/state/...); no connection is made when that "
	    "cannot be written.\n"
	    "While connected: c and Enter asks for control, q and Enter or "
	    "Ctrl-C leaves.\n"
	    "See assist-cli(1) for the transcript and the exit statuses.\n",
	    ASSIST_DEFAULT_PORT, SETTINGS_SYSTEM_CONFIG, ARGS_MAX_REASON,
	    ARGS_LISTEN_DEFAULT);
}

/* --vnc-listen's socket, before connecting (a busy port fails now); says
 * where it listens ("addr:port" in addr too). fd, or -1 with err. */
static int
main_vnc_listen(const struct args_listen *l, char *addr, size_t addrsz,
		char *err, size_t errsz)
{
	int port, fd = vnclisten_open(l, &port, err, errsz);

	if (fd < 0)
		return -1;
	snprintf(addr, addrsz, strchr(l->addr, ':') != NULL ? "[%s]:%d" :
	    "%s:%d", l->addr, port);
	if (l->addr_given && strncmp(l->addr, "127.", 4) != 0 &&
	    strcmp(l->addr, "::1") != 0)
		log_info("warning: --vnc-listen %s is reachable from other "
		    "machines: whoever connects first sees the user's screen",
		    addr);
	printf("assist-cli: VNC port %s\n", addr);
	fflush(stdout);
	return fd;
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

static int
main_fail(int rc, const char *err)
{
	char safe[MAIN_ERR];

	log_error("%s", log_sanitize(safe, sizeof(safe), err, strlen(err)));
	return rc;
}

/*
 * Fail closed: when a step's line could not be written (wrote != 0) the
 * run ends with CLI_EXIT_TRANSCRIPT and the transcript's reason, after
 * the step's own failure, if any, was said. Otherwise rc as it was.
 */
static int
main_recorded(const struct ctranscript *ct, int wrote, int rc, char *err,
	      size_t errsz)
{
	if (wrote == 0)
		return rc;
	return ctranscript_failclosed(ct, rc, err, errsz);
}

/* Connect, check the host key, authenticate, open the subsystem; each
 * outcome is in the transcript before the next step starts. */
static int
main_run(const struct cli_settings *s, const struct live_opts *o,
	 struct ctranscript *ct, char *err, size_t errsz)
{
	struct hostcheck_outcome ho;
	struct auth_outcome ao;
	ssh_session ss = NULL;
	int rc;

	rc = connect_open(s, &ss, err, errsz);
	if (rc != CLI_EXIT_OK)
		return rc;
	/* Before any key is offered (hostident.h gives the order). */
	rc = hostident_verify(ss, s, &ho, err, errsz);
	rc = main_recorded(ct, ctranscript_host(ct, s, rc, &ho, err), rc, err,
	    errsz);
	if (rc == CLI_EXIT_OK) {
		rc = auth_run(ss, s, &ao, err, errsz);
		rc = main_recorded(ct, ctranscript_auth(ct, s, rc, &ao, err),
		    rc, err, errsz);
	}
	if (rc == CLI_EXIT_OK)
		rc = live_run(ss, s, o, ct, err, errsz);
	ssh_disconnect(ss);
	ssh_free(ss);
	return rc;
}

/* main_run inside the helper's transcript, from cli.start to cli.stop;
 * no connection is made when the transcript cannot be started. */
static int
main_transcribed(const struct cli_settings *s, const struct live_opts *o,
		 const struct cli_env *env, char *err, size_t errsz)
{
	struct ctranscript ct;
	char why[MAIN_ERR - 32];
	int rc;

	if (ctranscript_open(&ct, env, ASSIST_SYSLOG_PATH, why,
	    sizeof(why)) != 0) {
		snprintf(err, errsz, "%s; not connecting", why);
		return CLI_EXIT_TRANSCRIPT;
	}
	if (ctranscript_start(&ct, s) != 0) {
		ctranscript_close(&ct);
		snprintf(err, errsz, "%s; not connecting",
		    ctranscript_error(&ct));
		return CLI_EXIT_TRANSCRIPT;
	}
	log_debug("transcript %s", ctranscript_path(&ct));
	rc = main_run(s, o, &ct, err, errsz);
	if (rc != CLI_EXIT_TRANSCRIPT)
		rc = main_recorded(&ct, ctranscript_stop(&ct, rc, err), rc,
		    err, errsz);
	if (ctranscript_close(&ct) != 0 && rc != CLI_EXIT_TRANSCRIPT)
		rc = main_recorded(&ct, 1, rc, err, errsz);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli_args a;
	struct cli_env env;
	struct cli_settings s;
	struct live_opts o;
	char err[MAIN_ERR] = "", vnc_addr[ARGS_MAX_ADDR + 16] = "";
	int rc;

	/* A ProxyCommand that exits must not kill us with SIGPIPE. (The
	 * transcript writer ignores SIGXFSZ itself.) */
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
	o.reason = a.reason;
	o.view_only = a.view_only;
	o.exit_after_accept = a.exit_after_accept;
	o.snapshot = a.snapshot;
	o.pixel_format = a.pixel_format;
	o.vnc_fd = -1;
	o.vnc_addr = vnc_addr;
	rc = settings_resolve(&a, &env, &s, err, sizeof(err));
	if (rc == CLI_EXIT_OK && !a.dump_config && a.vnc_listen != NULL &&
	    (o.vnc_fd = main_vnc_listen(&a.listen, vnc_addr, sizeof(vnc_addr),
	    err, sizeof(err))) < 0)
		rc = CLI_EXIT_USAGE;
	if (rc == CLI_EXIT_OK && a.dump_config)
		settings_print(&s, stdout);
	else if (rc == CLI_EXIT_OK)
		rc = main_transcribed(&s, &o, &env, err, sizeof(err));
	if (rc != CLI_EXIT_OK)
		main_fail(rc, err);
	if (o.vnc_fd >= 0)
		close(o.vnc_fd);
	settings_free(&s);
	free((char *)env.local_user);
	free((char *)env.home);
	return rc;
}
