/*
 * assistd: the user's side of assist. Started by the user who needs help,
 * in the foreground, as that user (never root); serves one session and
 * exits. See assistd(1) and docs/ARCHITECTURE.md.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libssh/libssh.h>

#include "assistd/hostkey.h"
#include "assistd/listen.h"
#include "assistd/monitor.h"
#include "common/defaults.h"
#include "common/duration.h"
#include "common/log.h"
#include "common/policy.h"

#define DEFAULT_WAIT_SECS	(15 * 60)
#define DEFAULT_GRACE_SECS	30
#define DEFAULT_AUTH_TRIES	6
#define DEFAULT_MAX_STARTUPS	10
#define MAX_STARTUPS_LIMIT	60	/* below the monitor's hard cap */

enum {
	OPT_LISTEN = 256, OPT_WAIT, OPT_AUTHKEYS, OPT_GRACE, OPT_TRIES,
	OPT_STARTUPS,
};

static const struct option long_opts[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "authorized-keys", required_argument, NULL, OPT_AUTHKEYS },
	{ "login-grace-time", required_argument, NULL, OPT_GRACE },
	{ "max-auth-tries", required_argument, NULL, OPT_TRIES },
	{ "max-startups", required_argument, NULL, OPT_STARTUPS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: assistd [options]\n"
"Lets a helper see your screen after you accept. Runs as you, in the\n"
"foreground; serves one session, then exits.\n"
"\n"
"  --listen ADDR:PORT       listen there (repeatable; [V6ADDR]:PORT, *:PORT,\n"
"                           numeric addresses only; default *:%d)\n"
"  --wait DURATION          exit if no session started by then (default 15m)\n"
"  --authorized-keys FILE   helper public keys accepted (required for now)\n"
"  --login-grace-time DUR   time a connection has to authenticate (default 30s)\n"
"  --max-auth-tries N       failed attempts allowed per connection (default %d)\n"
"  --max-startups N         unauthenticated connections at once (default %d)\n"
"  -v, --verbose            more detail (repeat for debug output)\n"
"  -V, --version            print versions and exit\n"
"  -h, --help               this help\n"
"DURATION: seconds, or a number with s, m, h, d or w (e.g. 90, 15m, 1h30m).\n",
	    ASSIST_DEFAULT_PORT, DEFAULT_AUTH_TRIES, DEFAULT_MAX_STARTUPS);
}

static void
version(void)
{
	printf("assistd %s\nlibssh %s\n%s\n", ASSIST_VERSION, ssh_version(0),
	    OpenSSL_version(OPENSSL_VERSION));
}

static int
parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		log_error("%s: expected a number from %d to %d, got '%s'", opt,
		    lo, hi, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int
parse_secs(const char *opt, const char *s, long lo, int *out)
{
	long v = duration_parse(s);

	if (v < lo) {
		log_error("%s: '%s' is not a duration of at least %lds "
		    "(e.g. 90, 30s, 15m, 1h)", opt, s, lo);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int
parse_args(int argc, char **argv, struct assistd_opts *o)
{
	char err[256];
	int c, n, verbose = 0;

	memset(o, 0, sizeof(*o));
	o->wait_secs = DEFAULT_WAIT_SECS;
	o->login_grace_secs = DEFAULT_GRACE_SECS;
	o->max_auth_tries = DEFAULT_AUTH_TRIES;
	o->max_startups = DEFAULT_MAX_STARTUPS;
	while ((c = getopt_long(argc, argv, "vVh", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			n = listen_parse(optarg, o->listen + o->nlisten,
			    LISTEN_MAX - (size_t)o->nlisten, err, sizeof(err));
			if (n < 0) {
				log_error("--listen %s: %s", optarg, err);
				return -1;
			}
			o->nlisten += n;
			break;
		case OPT_WAIT:
			if (parse_secs("--wait", optarg, 1, &o->wait_secs))
				return -1;
			break;
		case OPT_AUTHKEYS:
			o->authorized_keys = optarg;
			break;
		case OPT_GRACE:
			if (parse_secs("--login-grace-time", optarg, 1,
			    &o->login_grace_secs))
				return -1;
			break;
		case OPT_TRIES:
			if (parse_int("--max-auth-tries", optarg, 1, 100,
			    &o->max_auth_tries))
				return -1;
			break;
		case OPT_STARTUPS:
			if (parse_int("--max-startups", optarg, 1,
			    MAX_STARTUPS_LIMIT, &o->max_startups))
				return -1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			version();
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		log_error("unexpected argument '%s' (see assistd --help)",
		    argv[optind]);
		return -1;
	}
	log_set_level(verbose >= 2 ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	return 0;
}

/* $XDG_CONFIG_HOME/assist, or ~/.config/assist. */
static int
config_dir(const struct passwd *pw, char *out, size_t outsz)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(out, outsz, "%s/assist", x);
	else
		n = snprintf(out, outsz, "%s/.config/assist",
		    home != NULL && home[0] == '/' ? home : pw->pw_dir);
	return n > 0 && (size_t)n < outsz ? 0 : -1;
}

/* Opens every listening socket and prints where we listen. */
static int
open_listeners(struct assistd_opts *o, int *lfds)
{
	char err[256], name[160];
	int i, n = 0, defaults = (o->nlisten == 0);

	if (defaults)
		o->nlisten = listen_parse("*", o->listen, LISTEN_MAX, err,
		    sizeof(err));
	for (i = 0; i < o->nlisten; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = listen_open(&o->listen[i], err, sizeof(err));

		if (fd < 0 && defaults && o->listen[i].ss.ss_family == AF_INET6
		    && n > 0) {
			log_info("IPv6 not available (%s); IPv4 only", err);
			continue;
		}
		if (fd < 0) {
			log_error("%s", err);
			while (n > 0)
				close(lfds[--n]);
			return -1;
		}
		lfds[n++] = fd;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
			listen_format((struct sockaddr *)&ss, len, name,
			    sizeof(name));
		else
			snprintf(name, sizeof(name), "?");
		log_info("listening on %s", name);
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct assistd_opts o;
	struct policy_files usr = { 0 };
	struct policy *policy = NULL;
	struct passwd *pw;
	char dir[PATH_MAX], err[512], fp[128];
	int lfds[LISTEN_MAX], nl = 0, created, status = ASSISTD_EXIT_ERROR;
	ssh_key hostkey = NULL;

	log_init("assistd", LOG_LVL_INFO);
	if (parse_args(argc, argv, &o) != 0)
		return ASSISTD_EXIT_ERROR;
	if (getuid() == 0 || geteuid() == 0) {
		log_error("refusing to run as root: start assistd from the "
		    "account of the user who needs help (R1)");
		return ASSISTD_EXIT_ERROR;
	}
	if (getuid() != geteuid() || getgid() != getegid()) {
		log_error("refusing to run set-user-ID or set-group-ID");
		return ASSISTD_EXIT_ERROR;
	}
	if ((pw = getpwuid(getuid())) == NULL) {
		log_error("cannot find the account of uid %u",
		    (unsigned)getuid());
		return ASSISTD_EXIT_ERROR;
	}
	if (o.authorized_keys == NULL) {
		log_error("no helper key would be accepted: give "
		    "--authorized-keys FILE");
		return ASSISTD_EXIT_ERROR;
	}
	/* Interim, until srvconfig (branch config) gives both layers. */
	usr.authorized_keys = o.authorized_keys;
	if ((policy = policy_load(NULL, &usr, pw->pw_name, err,
	    sizeof(err))) == NULL) {
		log_error("%s", err);
		return ASSISTD_EXIT_ERROR;
	}
	if (config_dir(pw, dir, sizeof(dir)) != 0 ||
	    hostkey_prepare_dir(dir, err, sizeof(err)) != 0) {
		log_error("config directory: %s", err);
		goto out;
	}
	if (ssh_init() != SSH_OK) {
		log_error("cannot initialise libssh");
		goto out;
	}
	if (hostkey_load_or_create(dir, &hostkey, &created, err,
	    sizeof(err)) != 0) {
		log_error("%s", err);
		goto out;
	}
	if (hostkey_fingerprint(hostkey, fp, sizeof(fp)) != 0) {
		log_error("cannot compute the host key fingerprint");
		goto out;
	}
	if ((nl = open_listeners(&o, lfds)) <= 0)
		goto out;
	log_info("%s host key %s (ssh-ed25519)", created ? "created" : "using",
	    fp);
	log_info("user %s: waiting up to %d seconds for a helper; one "
	    "session, then exit", pw->pw_name, o.wait_secs);
	status = monitor_run(&o, lfds, nl, hostkey, pw->pw_name, policy);
out:
	while (nl > 0)
		close(lfds[--nl]);
	ssh_key_free(hostkey);
	policy_free(policy);
	ssh_finalize();
	return status;
}
