/*
 * assistd: the user's side of assist. Started by the user who needs help,
 * in the foreground, as that user (never root); asks the user before
 * every session, serves one session (or, with --persist, sessions until
 * stopped) and exits. See assistd(1) and docs/ARCHITECTURE.md.
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
#include <time.h>
#include <unistd.h>
#include <libssh/libssh.h>

#include "assistd/audit.h"
#include "assistd/consent.h"
#include "assistd/hostcertfile.h"
#include "assistd/hostkey.h"
#include "assistd/indicator_ext.h"
#include "assistd/listen.h"
#include "assistd/monitor.h"
#include "common/defaults.h"
#include "common/duration.h"
#include "common/log.h"
#include "common/policy.h"
#include "common/srvconfig.h"
#include "common/transcript.h"

/*
 * The syslog socket the transcript is mirrored to. Like SYSCONFDIR a
 * build-time choice only (`make SYSLOG_PATH=...`; "" for none): the e2e
 * tests build a copy of assistd with a socket of their own.
 */
#ifndef ASSIST_SYSLOG_PATH
#define ASSIST_SYSLOG_PATH "/dev/log"
#endif

#define MAX_OPTIONS	64	/* -o and the long options that map to it */
#define MAX_OPTION_LEN	SRVCONFIG_MAX_LINE
#define LISTEN_NAME_MAX	160	/* one formatted listening address */
#define POLICY_LIST_MAX	(TLINE_MAX_VALUE + 1)	/* policy= of assistd.start */
#define CONSENT_SECS_MAX	3600	/* --consent-timeout at most */

enum {
	OPT_LISTEN = 256, OPT_WAIT, OPT_GRACE, OPT_TRIES, OPT_STARTUPS,
	/* command-line only (not directives): */
	OPT_CONSENT_TIMEOUT, OPT_GUI, OPT_MAX_HELPERS, OPT_PERSIST, OPT_CODE,
};

/* Each long option is a directive given with -o. */
static const char *const long_directive[] = {
	[OPT_LISTEN - OPT_LISTEN] = "ListenAddress",
	[OPT_WAIT - OPT_LISTEN] = "Wait",
	[OPT_GRACE - OPT_LISTEN] = "LoginGraceTime",
	[OPT_TRIES - OPT_LISTEN] = "MaxAuthTries",
	[OPT_STARTUPS - OPT_LISTEN] = "MaxStartups",
};

static const struct option long_opts[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "login-grace-time", required_argument, NULL, OPT_GRACE },
	{ "max-auth-tries", required_argument, NULL, OPT_TRIES },
	{ "max-startups", required_argument, NULL, OPT_STARTUPS },
	{ "consent-timeout", required_argument, NULL, OPT_CONSENT_TIMEOUT },
	{ "gui", no_argument, NULL, OPT_GUI },
	{ "max-helpers", required_argument, NULL, OPT_MAX_HELPERS },
	{ "persist", no_argument, NULL, OPT_PERSIST },
	{ "code", no_argument, NULL, OPT_CODE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The command line: config file, -o options in order, -T. */
struct args {
	const char *file;		/* -f FILE, or NULL for the default */
	char *options[MAX_OPTIONS];	/* "Directive=value", owned */
	size_t noptions;
	bool test;			/* -T */
	int consent_secs;		/* --consent-timeout */
	bool gui;			/* --gui */
	int max_helpers;		/* --max-helpers */
	bool persist;			/* --persist */
	bool code;			/* --code */
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: assistd [-TvVh] [-f FILE] [-o Directive=value] [options]\n"
"Lets a helper see your screen after you accept. Runs as you, in the\n"
"foreground; serves one session, then exits.\n"
"Before any session you are asked, with the helper's verified identity\n"
"and a verification code the helper reads out: on this terminal (c Enter\n"
"= accept with control, v Enter = view only, Enter = refuse) or, without\n"
"one, through $SSH_ASKPASS. During a session: e Enter ends it, v Enter\n"
"takes control back.\n"
"\n"
"  -f FILE                  configuration file (default\n"
"                           $XDG_CONFIG_HOME/assist/assistd.conf)\n"
"  -o Directive=value       a configuration directive (repeatable; wins over\n"
"                           the file; see assistd.conf(5))\n"
"  -T                       print the effective configuration and exit\n"
"  --listen ADDR:PORT       -o ListenAddress: listen there (repeatable;\n"
"                           [V6ADDR]:PORT, *:PORT, numeric addresses only;\n"
"                           default *:%d)\n"
"  --wait DURATION          -o Wait: exit if no session started by then\n"
"                           (default 15m)\n"
"  --login-grace-time DUR   -o LoginGraceTime: time a connection has to\n"
"                           authenticate (default 30s)\n"
"  --max-auth-tries N       -o MaxAuthTries: failed attempts allowed per\n"
"                           connection (default %d)\n"
"  --max-startups N         -o MaxStartups: unauthenticated connections at\n"
"                           once (default %d)\n"
"  --consent-timeout DUR    time you have to answer; silence refuses\n"
"                           (default %ds, at most 1h)\n"
"  --gui                    ask through $SSH_ASKPASS even with a terminal\n"
"  --max-helpers N          sessions and questions at once (default %d,\n"
"                           at most %d); others are told you are busy\n"
"  --persist                keep serving sessions (each asked, each with\n"
"                           its own transcript) until stopped\n"
"  --code                   also require a one-time code, shown here at\n"
"                           start, that you read out to your helper\n"
"  -v, --verbose            more detail (repeat for debug output)\n"
"  -V, --version            print versions and exit\n"
"  -h, --help               this help\n"
"Helper keys: AuthorizedKeysFile (and, with the access policy,\n"
"TrustedUserCAKeys) in the configuration, e.g. -o AuthorizedKeysFile=FILE.\n"
"DURATION: seconds, or a number with s, m, h, d or w (e.g. 90, 15m, 1h30m).\n"
"Every session is recorded in $XDG_STATE_HOME/assist/transcripts/ (and\n"
"syslog); assistd does not start when it cannot record (see assistd(1)).\n"
"Exit status: 0 served (or stopped), 1 error or could not start, 2 no\n"
"session within --wait.\n",
	    ASSIST_DEFAULT_PORT, SRVCONFIG_DEFAULT_AUTH_TRIES,
	    SRVCONFIG_DEFAULT_STARTUPS, MONITOR_DEFAULT_CONSENT_SECS,
	    MONITOR_DEFAULT_HELPERS, MONITOR_MAX_HELPERS);
}

static void
version(void)
{
	printf("assistd %s\nlibssh %s\n%s\n", ASSIST_VERSION, ssh_version(0),
	    OpenSSL_version(OPENSSL_VERSION));
}

/* Records "Directive=value" (directive NULL: value is already that). */
static int
add_option(struct args *a, const char *directive, const char *value)
{
	char buf[MAX_OPTION_LEN];
	int n;

	if (a->noptions == MAX_OPTIONS) {
		log_error("more than %d configuration options on the command "
		    "line", MAX_OPTIONS);
		return -1;
	}
	n = directive != NULL ?
	    snprintf(buf, sizeof(buf), "%s=%s", directive, value) :
	    snprintf(buf, sizeof(buf), "%s", value);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		log_error("command line option too long");
		return -1;
	}
	if ((a->options[a->noptions] = strdup(buf)) == NULL) {
		log_error("out of memory");
		return -1;
	}
	a->noptions++;
	return 0;
}

static void
args_free(struct args *a)
{
	while (a->noptions > 0)
		free(a->options[--a->noptions]);
}

/* A number from..to for option name; -1 after saying why. */
static int
parse_count(const char *name, const char *s, int from, int to)
{
	char *end, safe[64];
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < from || v > to) {
		log_error("--%s: \"%s\" is not a number from %d to %d", name,
		    log_sanitize_str(safe, sizeof(safe), s), from, to);
		return -1;
	}
	return (int)v;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	int c, verbose = 0;
	long secs;
	char safe[64];

	memset(a, 0, sizeof(*a));
	a->consent_secs = MONITOR_DEFAULT_CONSENT_SECS;
	a->max_helpers = MONITOR_DEFAULT_HELPERS;
	while ((c = getopt_long(argc, argv, "f:o:TvVh", long_opts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN: case OPT_WAIT: case OPT_GRACE: case OPT_TRIES:
		case OPT_STARTUPS:
			if (add_option(a, long_directive[c - OPT_LISTEN],
			    optarg) != 0)
				return -1;
			break;
		case 'o':
			if (add_option(a, NULL, optarg) != 0)
				return -1;
			break;
		case OPT_CODE:
			a->code = true;
			break;
		case OPT_CONSENT_TIMEOUT:
			secs = duration_parse(optarg);
			if (secs < 1 || secs > CONSENT_SECS_MAX) {
				log_error("--consent-timeout: \"%s\" is not a "
				    "duration from 1s to 1h", log_sanitize_str(
				    safe, sizeof(safe), optarg));
				return -1;
			}
			a->consent_secs = (int)secs;
			break;
		case OPT_GUI:
			a->gui = true;
			break;
		case OPT_MAX_HELPERS:
			if ((a->max_helpers = parse_count("max-helpers", optarg,
			    1, MONITOR_MAX_HELPERS)) < 0)
				return -1;
			break;
		case OPT_PERSIST:
			a->persist = true;
			break;
		case 'f':
			a->file = optarg;
			break;
		case 'T':
			a->test = true;
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

/* $HOME when it is absolute, else the account's home directory. */
static const char *
home_dir(const struct passwd *pw)
{
	const char *home = getenv("HOME");

	return home != NULL && home[0] == '/' ? home : pw->pw_dir;
}

/*
 * An XDG base directory for assist: $VAR/assist when VAR is absolute,
 * else ~/FALLBACK/assist (e.g. XDG_CONFIG_HOME, ".config").
 */
static int
xdg_dir(const struct passwd *pw, const char *var, const char *fallback,
	char *out, size_t outsz)
{
	const char *x = getenv(var);
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(out, outsz, "%s/assist", x);
	else
		n = snprintf(out, outsz, "%s/%s/assist", home_dir(pw),
		    fallback);
	return n > 0 && (size_t)n < outsz ? 0 : -1;
}

/* Opens every listening socket; names[] gets where (announced once the
 * transcript holds them). */
static int
open_listeners(struct assistd_opts *o, int *lfds,
	       char names[][LISTEN_NAME_MAX])
{
	char err[256];
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
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
			listen_format((struct sockaddr *)&ss, len, names[n],
			    LISTEN_NAME_MAX);
		else
			snprintf(names[n], LISTEN_NAME_MAX, "?");
		lfds[n++] = fd;
	}
	return n;
}

/* Appends item to the comma-separated list; an item that does not fit
 * is left out whole. */
static void
list_add(char *list, size_t size, const char *item)
{
	size_t used = strlen(list);
	int n = snprintf(list + used, size - used, "%s%s", used > 0 ? "," : "",
	    item);

	if (n < 0 || (size_t)n >= size - used)
		list[used] = '\0';
}

/* Every policy file of both layers, for assistd.start. */
static void
policy_list(const struct srvconfig *cfg, char *out, size_t outsz)
{
	const struct policy_files *layer[2];
	size_t i, k;

	out[0] = '\0';
	srvconfig_policy(cfg, &layer[0], &layer[1]);
	for (k = 0; k < 2; k++) {
		const struct policy_files *f = layer[k];

		if (f == NULL)
			continue;
		for (i = 0; i < f->ntrusted_ca; i++)
			list_add(out, outsz, f->trusted_ca[i]);
		if (f->principals != NULL)
			list_add(out, outsz, f->principals);
		if (f->authorized_keys != NULL)
			list_add(out, outsz, f->authorized_keys);
		for (i = 0; i < f->nrevoked; i++)
			list_add(out, outsz, f->revoked[i]);
	}
}

/* What makes a session transcript, kept for the whole run: with
 * --persist the monitor opens a new file per session from it. */
struct tsetup {
	struct transcript_config tc;
	struct audit_start as;
	char dir[PATH_MAX];
	char state[PATH_MAX];
	char host[HOST_NAME_MAX + 1];
	char listen[LISTEN_MAX * LISTEN_NAME_MAX];
	char policy[POLICY_LIST_MAX];
};

/*
 * Opens the session transcript ($XDG_STATE_HOME/assist/transcripts, the
 * TranscriptDir copy, syslog) and writes assistd.start. Fail closed: NULL
 * means assistd must not start (the reason was printed).
 */
static struct transcript *
open_transcript(const struct passwd *pw, const struct srvconfig *cfg,
		const char *fp, char names[][LISTEN_NAME_MAX], int nl,
		struct tsetup *ts)
{
	char sdir[PATH_MAX], err[1024];
	struct transcript_config *tc = &ts->tc;
	struct transcript *t;
	int i;

	if (xdg_dir(pw, "XDG_STATE_HOME", ".local/state", sdir,
	    sizeof(sdir)) != 0 ||
	    snprintf(ts->dir, PATH_MAX, "%s/transcripts", sdir) >= PATH_MAX ||
	    snprintf(ts->state, PATH_MAX, "%s/last-chain", sdir) >=
	    PATH_MAX) {
		log_error("session transcript: state directory path too long; "
		    "not starting");
		return NULL;
	}
	if (gethostname(ts->host, HOST_NAME_MAX + 1) != 0)
		snprintf(ts->host, HOST_NAME_MAX + 1, "unknown");
	ts->host[HOST_NAME_MAX] = '\0';
	memset(tc, 0, sizeof(*tc));
	tc->dir = ts->dir;
	tc->drop_dir = cfg->eff.transcript_dir;
	tc->state_file = ts->state;
	tc->syslog_path = ASSIST_SYSLOG_PATH[0] != '\0' ? ASSIST_SYSLOG_PATH :
	    NULL;
	tc->ident = "assistd";
	tc->host = ts->host;
	tc->user = pw->pw_name;
	if ((t = transcript_open(tc, err, sizeof(err))) == NULL) {
		log_error("session transcript: %s; not starting (a session "
		    "is only offered when it can be recorded)", err);
		return NULL;
	}
	ts->listen[0] = '\0';
	for (i = 0; i < nl; i++)
		list_add(ts->listen, sizeof(ts->listen), names[i]);
	policy_list(cfg, ts->policy, sizeof(ts->policy));
	memset(&ts->as, 0, sizeof(ts->as));
	ts->as.listen = ts->listen;
	ts->as.hostkey_fp = fp;
	ts->as.policy = ts->policy;
	ts->as.drop = tc->drop_dir;
	ts->as.syslog = tc->syslog_path;
	if (audit_start(t, &ts->as) != 0) {
		log_error("session transcript: %s; not starting",
		    transcript_error(t));
		(void)transcript_close(t);
		return NULL;
	}
	return t;
}

/*
 * Reads the configuration layers: the administrator's file (a build-time
 * path, see srvconfig.h), then -o options, then -f FILE or the default.
 */
static int
load_config(const struct args *a, const struct passwd *pw, const char *dir,
	    struct srvconfig *cfg)
{
	char deffile[PATH_MAX], err[1024];
	struct srvconfig_args sa;
	int n;

	n = snprintf(deffile, sizeof(deffile), "%s/assistd.conf", dir);
	if (n < 0 || (size_t)n >= sizeof(deffile)) {
		log_error("configuration path too long");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sys_file = SRVCONFIG_SYSTEM_FILE;
	sa.usr_file = a->file != NULL ? a->file : deffile;
	sa.usr_must_exist = a->file != NULL;
	sa.options = (const char *const *)a->options;
	sa.noptions = a->noptions;
	sa.uid = pw->pw_uid;
	sa.user = pw->pw_name;
	sa.home = home_dir(pw);
	if (srvconfig_load(cfg, &sa, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return -1;
	}
	return 0;
}

/* Fills the monitor's options from the effective configuration; every
 * ListenAddress is checked here (numeric addresses only). */
static int
config_opts(const struct srvconfig_effective *e, struct assistd_opts *o)
{
	char err[256], safe[128];
	size_t i;
	int n;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < e->nlisten; i++) {
		n = listen_parse(e->listen[i], o->listen + o->nlisten,
		    LISTEN_MAX - (size_t)o->nlisten, err, sizeof(err));
		if (n < 0) {
			log_error("ListenAddress %s: %s", log_sanitize(safe,
			    sizeof(safe), e->listen[i], strlen(e->listen[i])),
			    err);
			return -1;
		}
		o->nlisten += n;
	}
	o->wait_secs = e->wait_secs;
	o->login_grace_secs = e->login_grace_secs;
	o->max_auth_tries = e->max_auth_tries;
	o->max_startups = e->max_startups;
	return 0;
}

/* How the user will be asked (consent.h); NULL after saying why
 * assistd cannot start. */
static struct consent *
open_consent(const struct args *a)
{
	struct consent_config cc;
	struct consent *k;
	char err[512];

	memset(&cc, 0, sizeof(cc));
	cc.gui = a->gui;
	cc.askpass = getenv("SSH_ASKPASS");
	if (cc.askpass != NULL && cc.askpass[0] == '\0')
		cc.askpass = NULL;
	cc.timeout_secs = a->consent_secs;
	if ((k = consent_open(&cc, err, sizeof(err))) == NULL)
		log_error("%s; not starting (start assistd in a terminal, or "
		    "set SSH_ASKPASS to an askpass program such as "
		    "ssh-askpass)", err);
	return k;
}

/*
 * The access policy from both configuration layers: every file it names
 * is read now (StrictModes: the administrator's must be root's), before
 * any connection; the network processes get it by fork.
 */
static struct policy *
load_policy(const struct srvconfig *cfg, const char *user)
{
	const struct policy_files *sys, *usr;
	struct policy *p;
	char err[1024];

	srvconfig_policy(cfg, &sys, &usr);
	if ((p = policy_load(sys, usr, user, err, sizeof(err))) == NULL)
		log_error("access policy: %s (see assistd.conf(5))", err);
	return p;
}

int
main(int argc, char **argv)
{
	struct assistd_opts o;
	struct args a;
	struct srvconfig cfg;
	struct policy *policy = NULL;
	struct passwd *pw;
	char dir[PATH_MAX], err[512], fp[128];
	char names[LISTEN_MAX][LISTEN_NAME_MAX];
	int lfds[LISTEN_MAX], nl = 0, created, status = ASSISTD_EXIT_ERROR;
	int i;
	ssh_key hostkey = NULL;
	uint8_t *host_cert = NULL;
	static struct tsetup ts;
	struct transcript *tr = NULL;
	struct consent *consent = NULL;
	struct indicator_ext *ix = NULL;

	log_init("assistd", LOG_LVL_INFO);
	srvconfig_init(&cfg);
	if (parse_args(argc, argv, &a) != 0)
		goto out;
	if (getuid() == 0 || geteuid() == 0) {
		log_error("refusing to run as root: start assistd from the "
		    "account of the user who needs help (R1)");
		goto out;
	}
	if (getuid() != geteuid() || getgid() != getegid()) {
		log_error("refusing to run set-user-ID or set-group-ID");
		goto out;
	}
	if ((pw = getpwuid(getuid())) == NULL) {
		log_error("cannot find the account of uid %u",
		    (unsigned)getuid());
		goto out;
	}
	if (xdg_dir(pw, "XDG_CONFIG_HOME", ".config", dir, sizeof(dir)) != 0) {
		log_error("config directory path too long");
		goto out;
	}
	if (load_config(&a, pw, dir, &cfg) != 0 ||
	    config_opts(&cfg.eff, &o) != 0)
		goto out;
	o.code = a.code;
	if (a.test) {
		srvconfig_dump(&cfg, stdout);
		status = fflush(stdout) == 0 ? ASSISTD_EXIT_OK :
		    ASSISTD_EXIT_ERROR;
		goto out;
	}
	/* Before anything else is set up: nowhere to ask, no start. */
	if ((consent = open_consent(&a)) == NULL)
		goto out;
	/* The on-screen indicator's process is forked now, before the host
	 * key is loaded or a socket opened: it holds neither. */
	ix = indicator_ext_open(getenv("DISPLAY"));
	if ((policy = load_policy(&cfg, pw->pw_name)) == NULL)
		goto out;
	if (hostkey_prepare_dir(dir, err, sizeof(err)) != 0) {
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
	if (cfg.eff.host_certificate != NULL) {
		if (hostcertfile_load(cfg.eff.host_certificate, pw->pw_uid,
		    hostkey, (uint64_t)time(NULL), &host_cert,
		    &o.host_cert_len, err, sizeof(err)) != 0) {
			log_error("%s; not starting", err);
			goto out;
		}
		o.host_cert = host_cert;
	}
	if ((nl = open_listeners(&o, lfds, names)) <= 0)
		goto out;
	/* Before anyone is told where we listen: no transcript, no help. */
	if ((tr = open_transcript(pw, &cfg, fp, names, nl, &ts)) == NULL)
		goto out;
	o.transcript = tr;
	o.transcript_cfg = &ts.tc;
	o.start = &ts.as;
	o.consent = consent;
	o.consent_secs = a.consent_secs;
	o.max_helpers = a.max_helpers;
	o.persist = a.persist;
	o.ext[0] = ix != NULL ? indicator_ext_monitor(ix) : NULL;
	for (i = 0; i < nl; i++)
		log_info("listening on %s", names[i]);
	log_info("%s host key %s (ssh-ed25519)", created ? "created" : "using",
	    fp);
	log_info("session transcript %s", transcript_path(tr));
	log_info("user %s: waiting up to %d seconds for a helper; %s; you "
	    "will be asked %s (%d s to answer)", pw->pw_name, o.wait_secs,
	    a.persist ? "sessions until stopped" : "one session, then exit",
	    consent_how(consent) == CONSENT_HOW_TTY ? "on this terminal" :
	    "through SSH_ASKPASS", a.consent_secs);
	/* The monitor owns the transcript from here and closes it. */
	tr = NULL;
	status = monitor_run(&o, lfds, nl, hostkey, pw->pw_name, policy);
out:
	while (nl > 0)
		close(lfds[--nl]);
	(void)transcript_close(tr);
	consent_free(consent);
	indicator_ext_close(ix);
	ssh_key_free(hostkey);
	free(host_cert);
	policy_free(policy);
	ssh_finalize();
	srvconfig_free(&cfg);
	args_free(&a);
	return status;
}
