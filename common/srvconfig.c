/* srvconfig: assistd.conf in sshd_config syntax; see srvconfig.h. */
#include "common/srvconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cfgline.h"
#include "common/defaults.h"
#include "common/duration.h"
#include "common/log.h"
#include "common/safefile.h"
#include "common/sshconfig.h"

_Static_assert(SRVCONFIG_MAX_LIST <= POLICY_MAX_FILES,
    "a layer's files must fit struct policy_files");

#define SV_SRC_CMDLINE	1	/* the source id all -o options share */

enum sv_kw {
	SV_LISTEN, SV_GRACE, SV_TRIES, SV_STARTUPS, SV_WAIT,
	SV_TRUSTED_CA, SV_PRINCIPALS, SV_AUTHKEYS, SV_REVOKED, SV_HOSTCERT,
	SV_TRANSCRIPT_DIR,
	SV_FIXED,	/* an sshd keyword whose one value is what we do */
	SV_SSHD,	/* an sshd keyword that has no meaning here */
};

/* Keywords, lower case. SV_FIXED entries carry the only value accepted. */
static const struct {
	const char *name;
	enum sv_kw kw;
	const char *fixed;
} sv_keywords[] = {
	{ "listenaddress", SV_LISTEN, NULL },
	{ "logingracetime", SV_GRACE, NULL },
	{ "maxauthtries", SV_TRIES, NULL },
	{ "maxstartups", SV_STARTUPS, NULL },
	{ "wait", SV_WAIT, NULL },
	{ "trustedusercakeys", SV_TRUSTED_CA, NULL },
	{ "authorizedprincipalsfile", SV_PRINCIPALS, NULL },
	{ "authorizedkeysfile", SV_AUTHKEYS, NULL },
	{ "revokedkeys", SV_REVOKED, NULL },
	{ "hostcertificate", SV_HOSTCERT, NULL },
	{ "transcriptdir", SV_TRANSCRIPT_DIR, NULL },
	/* Harmless: they state what assistd always does. */
	{ "strictmodes", SV_FIXED, "yes" },
	{ "pubkeyauthentication", SV_FIXED, "yes" },
	{ "passwordauthentication", SV_FIXED, "no" },
	{ "kbdinteractiveauthentication", SV_FIXED, "no" },
	{ "challengeresponseauthentication", SV_FIXED, "no" },
	{ "hostbasedauthentication", SV_FIXED, "no" },
	{ "permitemptypasswords", SV_FIXED, "no" },
	{ "permitrootlogin", SV_FIXED, "no" },
	{ "usedns", SV_FIXED, "no" },
	{ "usepam", SV_FIXED, "no" },
	{ "allowagentforwarding", SV_FIXED, "no" },
	{ "allowtcpforwarding", SV_FIXED, "no" },
	{ "gatewayports", SV_FIXED, "no" },
	{ "permittunnel", SV_FIXED, "no" },
	{ "x11forwarding", SV_FIXED, "no" },
	/* OpenSSH 9.2 sshd keywords with no meaning for assistd: an error
	 * that says so, rather than silently not doing what they say. */
	{ "acceptenv", SV_SSHD, NULL }, { "addressfamily", SV_SSHD, NULL },
	{ "allowgroups", SV_SSHD, NULL },
	{ "allowstreamlocalforwarding", SV_SSHD, NULL },
	{ "allowusers", SV_SSHD, NULL },
	{ "authenticationmethods", SV_SSHD, NULL },
	{ "authorizedkeyscommand", SV_SSHD, NULL },
	{ "authorizedkeyscommanduser", SV_SSHD, NULL },
	{ "authorizedprincipalscommand", SV_SSHD, NULL },
	{ "authorizedprincipalscommanduser", SV_SSHD, NULL },
	{ "banner", SV_SSHD, NULL }, { "casignaturealgorithms", SV_SSHD, NULL },
	{ "chrootdirectory", SV_SSHD, NULL }, { "ciphers", SV_SSHD, NULL },
	{ "clientalivecountmax", SV_SSHD, NULL },
	{ "clientaliveinterval", SV_SSHD, NULL },
	{ "compression", SV_SSHD, NULL }, { "denygroups", SV_SSHD, NULL },
	{ "denyusers", SV_SSHD, NULL }, { "disableforwarding", SV_SSHD, NULL },
	{ "exposeauthinfo", SV_SSHD, NULL },
	{ "fingerprinthash", SV_SSHD, NULL }, { "forcecommand", SV_SSHD, NULL },
	{ "gssapiauthentication", SV_SSHD, NULL },
	{ "gssapicleanupcredentials", SV_SSHD, NULL },
	{ "gssapistrictacceptorcheck", SV_SSHD, NULL },
	{ "hostbasedacceptedalgorithms", SV_SSHD, NULL },
	{ "hostbasedusesnamefrompacketonly", SV_SSHD, NULL },
	{ "hostkey", SV_SSHD, NULL }, { "hostkeyagent", SV_SSHD, NULL },
	{ "hostkeyalgorithms", SV_SSHD, NULL },
	{ "ignorerhosts", SV_SSHD, NULL },
	{ "ignoreuserknownhosts", SV_SSHD, NULL },
	{ "include", SV_SSHD, NULL }, { "ipqos", SV_SSHD, NULL },
	{ "kerberosauthentication", SV_SSHD, NULL },
	{ "kerberosgetafstoken", SV_SSHD, NULL },
	{ "kerberosorlocalpasswd", SV_SSHD, NULL },
	{ "kerberosticketcleanup", SV_SSHD, NULL },
	{ "kexalgorithms", SV_SSHD, NULL }, { "loglevel", SV_SSHD, NULL },
	{ "logverbose", SV_SSHD, NULL }, { "macs", SV_SSHD, NULL },
	{ "match", SV_SSHD, NULL }, { "maxsessions", SV_SSHD, NULL },
	{ "modulifile", SV_SSHD, NULL }, { "permitlisten", SV_SSHD, NULL },
	{ "permitopen", SV_SSHD, NULL }, { "permittty", SV_SSHD, NULL },
	{ "permituserenvironment", SV_SSHD, NULL },
	{ "permituserrc", SV_SSHD, NULL },
	{ "persourcemaxstartups", SV_SSHD, NULL },
	{ "persourcenetblocksize", SV_SSHD, NULL },
	{ "pidfile", SV_SSHD, NULL }, { "port", SV_SSHD, NULL },
	{ "printlastlog", SV_SSHD, NULL }, { "printmotd", SV_SSHD, NULL },
	{ "pubkeyacceptedalgorithms", SV_SSHD, NULL },
	{ "pubkeyacceptedkeytypes", SV_SSHD, NULL },
	{ "pubkeyauthoptions", SV_SSHD, NULL }, { "rdomain", SV_SSHD, NULL },
	{ "rekeylimit", SV_SSHD, NULL }, { "requiredrsasize", SV_SSHD, NULL },
	{ "securitykeyprovider", SV_SSHD, NULL }, { "setenv", SV_SSHD, NULL },
	{ "streamlocalbindmask", SV_SSHD, NULL },
	{ "streamlocalbindunlink", SV_SSHD, NULL },
	{ "subsystem", SV_SSHD, NULL }, { "syslogfacility", SV_SSHD, NULL },
	{ "tcpkeepalive", SV_SSHD, NULL }, { "versionaddendum", SV_SSHD, NULL },
	{ "x11displayoffset", SV_SSHD, NULL },
	{ "x11uselocalhost", SV_SSHD, NULL }, { "xauthlocation", SV_SSHD, NULL },
};

/* Canonical spelling of our directives, for messages and -T. */
static const char *const sv_names[] = {
	[SV_LISTEN] = "ListenAddress", [SV_GRACE] = "LoginGraceTime",
	[SV_TRIES] = "MaxAuthTries", [SV_STARTUPS] = "MaxStartups",
	[SV_WAIT] = "Wait", [SV_TRUSTED_CA] = "TrustedUserCAKeys",
	[SV_PRINCIPALS] = "AuthorizedPrincipalsFile",
	[SV_AUTHKEYS] = "AuthorizedKeysFile", [SV_REVOKED] = "RevokedKeys",
	[SV_HOSTCERT] = "HostCertificate",
	[SV_TRANSCRIPT_DIR] = "TranscriptDir",
};

struct sv_parse {
	struct srvconfig_layer *l;
	const char *name;	/* file name, for messages */
	unsigned long line;
	bool cmdline;
	int source;
	char *err;
	size_t errsz;
};

/* "FILE:LINE" or "command line": where a value or an error comes from. */
static void
sv_origin(struct sv_parse *p, char *out)
{
	if (p->cmdline)
		snprintf(out, SRVCONFIG_MAX_ORIGIN, "command line");
	else
		cfgline_where(out, SRVCONFIG_MAX_ORIGIN, p->name, p->line);
}

static int __attribute__((format(printf, 2, 3)))
sv_error(struct sv_parse *p, const char *fmt, ...)
{
	char msg[512], where[SRVCONFIG_MAX_ORIGIN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sv_origin(p, where);
	snprintf(p->err, p->errsz, "%s: %s", where, msg);
	return -1;
}

static void
sv_strs_free(struct srvconfig_strs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	memset(s, 0, sizeof(*s));
}

static void
sv_layer_free(struct srvconfig_layer *l)
{
	free(l->file);
	sv_strs_free(&l->listen);
	sv_strs_free(&l->trusted_ca);
	sv_strs_free(&l->principals);
	sv_strs_free(&l->authorized_keys);
	sv_strs_free(&l->revoked);
	sv_strs_free(&l->host_cert);
	sv_strs_free(&l->transcript_dir);
	memset(l, 0, sizeof(*l));
}

void
srvconfig_init(struct srvconfig *c)
{
	memset(c, 0, sizeof(*c));
}

void
srvconfig_free(struct srvconfig *c)
{
	size_t i;

	free(c->sys_file);
	free(c->usr_file);
	sv_layer_free(&c->sys);
	sv_layer_free(&c->usr);
	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	memset(c, 0, sizeof(*c));
}

static int
sv_lookup(const char *kw, const char **fixed)
{
	size_t i;

	for (i = 0; i < sizeof(sv_keywords) / sizeof(sv_keywords[0]); i++)
		if (strcmp(kw, sv_keywords[i].name) == 0) {
			*fixed = sv_keywords[i].fixed;
			return (int)sv_keywords[i].kw;
		}
	return -1;
}

/* A number or duration directive: the first value obtained wins. */
static int
sv_num(struct sv_parse *p, enum sv_kw kw, struct srvconfig_num *n,
       char **av, int ac)
{
	const char *name = sv_names[kw], *a = av[0];
	char safe[128];
	long v, hi = 0;

	if (ac != 1)
		return sv_error(p, "%s takes one argument", name);
	log_sanitize_str(safe, sizeof(safe), a);
	if (kw == SV_GRACE || kw == SV_WAIT) {
		if ((v = duration_parse(a)) < 1)
			return sv_error(p, "%s '%s' is not a duration of at "
			    "least 1s (e.g. 90, 30s, 15m, 1h)", name, safe);
	} else {
		char *end;

		hi = kw == SV_TRIES ? SRVCONFIG_LIMIT_AUTH_TRIES :
		    SRVCONFIG_LIMIT_STARTUPS;
		errno = 0;
		v = strtol(a, &end, 10);
		if (kw == SV_STARTUPS && strchr(a, ':') != NULL)
			return sv_error(p, "MaxStartups takes one number here "
			    "(start:rate:full is not supported)");
		if (errno != 0 || end == a || *end != '\0' || v < 1 || v > hi)
			return sv_error(p, "%s: expected a number from 1 to "
			    "%ld, got '%s'", name, hi, safe);
	}
	if (n->source != 0)
		return 0;
	n->v = (int)v;
	n->source = p->source;
	sv_origin(p, n->origin);
	return 0;
}

/* Adds one value to a string directive (the caller decided it may). */
static int
sv_add(struct sv_parse *p, struct srvconfig_strs *s, const char *name,
       const char *v)
{
	if (v[0] == '\0')
		return sv_error(p, "%s: empty argument", name);
	if (strlen(v) >= SRVCONFIG_MAX_PATH)
		return sv_error(p, "%s: argument longer than %d bytes", name,
		    SRVCONFIG_MAX_PATH - 1);
	if (s->n == SRVCONFIG_MAX_LIST)
		return sv_error(p, "%s: more than %d values", name,
		    SRVCONFIG_MAX_LIST);
	if ((s->v[s->n] = strdup(v)) == NULL)
		return sv_error(p, "out of memory");
	s->n++;
	return 0;
}

/*
 * A string directive. Single-valued ones take one argument and the first
 * wins; list ones accumulate over the lines of the source that first set
 * them. "none" (alone) sets a file directive to no file.
 */
static int
sv_strs(struct sv_parse *p, enum sv_kw kw, struct srvconfig_strs *s,
	char **av, int ac)
{
	const char *name = sv_names[kw];
	bool list = kw == SV_LISTEN || kw == SV_TRUSTED_CA || kw == SV_REVOKED;
	bool first = s->source == 0;
	int i;

	if (!list && ac != 1)
		return sv_error(p, "%s takes one argument", name);
	if (kw != SV_LISTEN && ac == 1 && strcasecmp(av[0], "none") == 0) {
		if (!first)
			return 0;
		s->none = true;
	} else {
		for (i = 0; i < ac; i++)
			if (strcasecmp(av[i], "none") == 0 && kw != SV_LISTEN)
				return sv_error(p, "%s: \"none\" must be "
				    "alone", name);
		if (!first && (!list || s->source != p->source || s->none))
			return 0;
		for (i = 0; i < ac; i++)
			if (sv_add(p, s, name, av[i]) != 0)
				return -1;
	}
	if (first) {
		s->source = p->source;
		sv_origin(p, s->origin);
	}
	return 0;
}

static int
sv_fixed(struct sv_parse *p, const char *kw, const char *fixed, char **av,
	 int ac)
{
	char safe[64];

	if (ac == 1 && strcasecmp(av[0], fixed) == 0)
		return 0;
	return sv_error(p, "assistd always has %s %s (got \"%s\")",
	    log_sanitize_str(safe, sizeof(safe), kw), fixed, ac > 0 ? av[0] : "");
}

static int
sv_keyword(struct sv_parse *p, enum sv_kw kw, const char *kwname,
	   const char *fixed, char **av, int ac)
{
	struct srvconfig_layer *l = p->l;

	switch (kw) {
	case SV_LISTEN:
		return sv_strs(p, kw, &l->listen, av, ac);
	case SV_GRACE:
		return sv_num(p, kw, &l->login_grace, av, ac);
	case SV_TRIES:
		return sv_num(p, kw, &l->max_auth_tries, av, ac);
	case SV_STARTUPS:
		return sv_num(p, kw, &l->max_startups, av, ac);
	case SV_WAIT:
		return sv_num(p, kw, &l->wait, av, ac);
	case SV_TRUSTED_CA:
		return sv_strs(p, kw, &l->trusted_ca, av, ac);
	case SV_PRINCIPALS:
		return sv_strs(p, kw, &l->principals, av, ac);
	case SV_AUTHKEYS:
		return sv_strs(p, kw, &l->authorized_keys, av, ac);
	case SV_REVOKED:
		return sv_strs(p, kw, &l->revoked, av, ac);
	case SV_HOSTCERT:
		return sv_strs(p, kw, &l->host_cert, av, ac);
	case SV_TRANSCRIPT_DIR:
		return sv_strs(p, kw, &l->transcript_dir, av, ac);
	case SV_FIXED:
		return sv_fixed(p, kwname, fixed, av, ac);
	case SV_SSHD:
		if (strcmp(kwname, "port") == 0)
			return sv_error(p, "Port is not supported: use "
			    "ListenAddress *:PORT");
		return sv_error(p, "%s is an sshd option that assistd does "
		    "not support", kwname);
	}
	return sv_error(p, "internal error: keyword %s", kwname);
}

/* Processes one line (NUL-terminated, modifiable, no newline). */
static int
sv_line(struct sv_parse *p, char *line)
{
	char store[SRVCONFIG_MAX_LINE], kwbuf[CFGLINE_MAX_KEYWORD], safe[128];
	char *av[SRVCONFIG_MAX_ARGS], *kw, *rest;
	const char *fixed = NULL;
	int k, ac;

	if (cfgline_keyword(line, &kw, &rest) != 0)
		return 0;
	if (cfgline_lower(kw, kwbuf) != 0 ||
	    (k = sv_lookup(kwbuf, &fixed)) < 0)
		return sv_error(p, "Bad configuration option: %s",
		    log_sanitize_str(safe, sizeof(safe), kw));
	ac = cfgline_words(rest, store, av, SRVCONFIG_MAX_ARGS);
	if (ac == -1)
		return sv_error(p, "invalid quotes");
	if (ac < 0)
		return sv_error(p, "too many arguments");
	if (ac == 0)
		return sv_error(p, "no argument after keyword \"%s\"", kwbuf);
	return sv_keyword(p, (enum sv_kw)k, kwbuf, fixed, av, ac);
}

int
srvconfig_parse_buffer(struct srvconfig_layer *l, const char *name,
		       const char *text, size_t len, char *err, size_t errsz)
{
	struct sv_parse p = { l, name, 0, false, 0, err, errsz };
	char line[SRVCONFIG_MAX_LINE];
	size_t off = 0;

	/* Files come after the command line's source. */
	if (l->nsources < SV_SRC_CMDLINE)
		l->nsources = SV_SRC_CMDLINE;
	p.source = ++l->nsources;
	if (len > SRVCONFIG_MAX_FILE)
		return sv_error(&p, "file larger than %d bytes",
		    SRVCONFIG_MAX_FILE);
	for (;;) {
		char why[128];
		int r = cfgline_next(text, len, &off, line, sizeof(line), why,
		    sizeof(why));

		if (r == 0)
			return 0;
		p.line++;
		if (r < 0 || sv_line(&p, line) != 0)
			return r < 0 ? sv_error(&p, "%s", why) : -1;
	}
}

int
srvconfig_apply_option(struct srvconfig_layer *l, const char *option,
		       char *err, size_t errsz)
{
	struct sv_parse p = { l, "command line", 0, true, SV_SRC_CMDLINE, err,
			      errsz };
	char line[SRVCONFIG_MAX_LINE];
	char why[128];

	if (cfgline_option(option, line, sizeof(line), why,
	    sizeof(why)) != 0)
		return sv_error(&p, "%s", why);
	return sv_line(&p, line);
}

int
srvconfig_read_file(struct srvconfig_layer *l, const char *path,
		    uid_t owner, bool must_exist, char *err, size_t errsz)
{
	bool missing = false;
	size_t len = 0;
	char *text;
	int r;

	text = safefile_read(path, owner, SRVCONFIG_MAX_FILE, &len, &missing,
	    err, errsz);
	if (text == NULL)
		return missing && !must_exist ? 0 : -1;
	r = srvconfig_parse_buffer(l, path, text, len, err, errsz);
	free(text);
	if (r == 0 && (l->file = strdup(path)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return r;
}

/* Expands one path of a layer into a string owned by c. */
static const char *
sv_expand(struct srvconfig *c, const char *in, const char *user,
	  const char *home, const char *base, char *err, size_t errsz)
{
	struct sshconfig_tokens t;
	char e[256], full[SRVCONFIG_MAX_PATH], *x;
	int n;

	memset(&t, 0, sizeof(t));
	t.tok['h'] = home;
	t.tok['u'] = user;
	if ((x = sshconfig_expand(in, &t, home, true, false, e,
	    sizeof(e))) == NULL) {
		snprintf(err, errsz, "%s: %s", in, e);
		return NULL;
	}
	if (x[0] != '/') {
		n = snprintf(full, sizeof(full), "%s/%s", base, x);
		free(x);
		if (n < 0 || (size_t)n >= sizeof(full) ||
		    (x = strdup(full)) == NULL) {
			snprintf(err, errsz, "%s: path too long", in);
			return NULL;
		}
	}
	if (c->nowned == sizeof(c->owned) / sizeof(c->owned[0])) {
		free(x);
		snprintf(err, errsz, "too many paths");
		return NULL;
	}
	c->owned[c->nowned++] = x;
	return x;
}

/* Expands a layer's policy directives into pf. */
static int
sv_files(struct srvconfig *c, const struct srvconfig_layer *l,
	 struct policy_files *pf, const char *user, const char *home,
	 const char *base, char *err, size_t errsz)
{
	size_t i;

	memset(pf, 0, sizeof(*pf));
	for (i = 0; i < l->trusted_ca.n && i < POLICY_MAX_FILES; i++)
		if ((pf->trusted_ca[pf->ntrusted_ca++] = sv_expand(c,
		    l->trusted_ca.v[i], user, home, base, err, errsz)) == NULL)
			return -1;
	for (i = 0; i < l->revoked.n && i < POLICY_MAX_FILES; i++)
		if ((pf->revoked[pf->nrevoked++] = sv_expand(c,
		    l->revoked.v[i], user, home, base, err, errsz)) == NULL)
			return -1;
	if (l->principals.n == 1 && (pf->principals = sv_expand(c,
	    l->principals.v[0], user, home, base, err, errsz)) == NULL)
		return -1;
	if (l->authorized_keys.n == 1 && (pf->authorized_keys = sv_expand(c,
	    l->authorized_keys.v[0], user, home, base, err, errsz)) == NULL)
		return -1;
	return 0;
}

/* The administrator's value bounds the user's: a higher one is ignored. */
static int
sv_limit(const struct srvconfig_num *sys, const struct srvconfig_num *usr,
	 const char *name, int def)
{
	if (sys->source == 0)
		return usr->source != 0 ? usr->v : def;
	if (usr->source == 0)
		return sys->v;
	if (usr->v > sys->v) {
		log_info("warning: ignoring %s %d (%s): the administrator "
		    "allows at most %d (%s)", name, usr->v, usr->origin,
		    sys->v, sys->origin);
		return sys->v;
	}
	return usr->v;
}

/*
 * TranscriptDir: the administrator's copy of every transcript. When the
 * administrator set it (a directory or "none"), a user's different value
 * is ignored with a warning; else the user's applies. Sets
 * e->transcript_dir (NULL for none).
 */
static int
sv_transcript_dir(struct srvconfig *c, const char *user, const char *home,
		  const char *sysdir, char *err, size_t errsz)
{
	const struct srvconfig_strs *sys = &c->sys.transcript_dir;
	const struct srvconfig_strs *usr = &c->usr.transcript_dir;
	const char *s = NULL, *u = NULL;
	char us[128], ss[128];

	if (sys->n == 1 && (s = sv_expand(c, sys->v[0], user, home, sysdir,
	    err, errsz)) == NULL)
		return -1;
	if (usr->n == 1 && (u = sv_expand(c, usr->v[0], user, home, home, err,
	    errsz)) == NULL)
		return -1;
	if (sys->source == 0) {
		c->eff.transcript_dir = u;
		return 0;
	}
	if (usr->source != 0 && (usr->none != sys->none ||
	    (s != NULL && u != NULL && strcmp(s, u) != 0)))
		log_info("warning: ignoring TranscriptDir %s (%s): the "
		    "administrator's applies: %s (%s)",
		    log_sanitize_str(us, sizeof(us), u != NULL ? u : "none"),
		    usr->origin,
		    log_sanitize_str(ss, sizeof(ss), s != NULL ? s : "none"),
		    sys->origin);
	c->eff.transcript_dir = s;
	return 0;
}

int
srvconfig_resolve(struct srvconfig *c, const char *user, const char *home,
		  const char *sysdir, char *err, size_t errsz)
{
	struct srvconfig_effective *e = &c->eff;
	const struct srvconfig_strs *ls = &c->usr.listen, *hc;
	size_t i;

	while (c->nowned > 0)
		free(c->owned[--c->nowned]);
	memset(e, 0, sizeof(*e));
	if (c->sys.listen.source != 0) {
		if (c->usr.listen.source != 0)
			log_info("warning: ignoring ListenAddress (%s): the "
			    "administrator's applies (%s)", c->usr.listen.origin,
			    c->sys.listen.origin);
		ls = &c->sys.listen;
	}
	for (i = 0; i < ls->n; i++)
		e->listen[e->nlisten++] = ls->v[i];
	e->login_grace_secs = sv_limit(&c->sys.login_grace,
	    &c->usr.login_grace, "LoginGraceTime", SRVCONFIG_DEFAULT_GRACE);
	e->max_auth_tries = sv_limit(&c->sys.max_auth_tries,
	    &c->usr.max_auth_tries, "MaxAuthTries",
	    SRVCONFIG_DEFAULT_AUTH_TRIES);
	e->max_startups = sv_limit(&c->sys.max_startups, &c->usr.max_startups,
	    "MaxStartups", SRVCONFIG_DEFAULT_STARTUPS);
	e->wait_secs = sv_limit(&c->sys.wait, &c->usr.wait, "Wait",
	    SRVCONFIG_DEFAULT_WAIT);
	if (sv_files(c, &c->sys, &e->sys, user, home, sysdir, err, errsz) != 0
	    || sv_files(c, &c->usr, &e->usr, user, home, home, err,
	    errsz) != 0)
		return -1;
	e->sys_policy = e->sys.ntrusted_ca > 0 || e->sys.nrevoked > 0 ||
	    e->sys.principals != NULL || e->sys.authorized_keys != NULL;
	/* The host certificate is identity, not policy: the user's wins. */
	hc = c->usr.host_cert.source != 0 ? &c->usr.host_cert :
	    &c->sys.host_cert;
	if (hc->n == 1 && (e->host_certificate = sv_expand(c, hc->v[0], user,
	    home, hc == &c->usr.host_cert ? home : sysdir, err,
	    errsz)) == NULL)
		return -1;
	return sv_transcript_dir(c, user, home, sysdir, err, errsz);
}

int
srvconfig_load(struct srvconfig *c, const struct srvconfig_args *a,
	       char *err, size_t errsz)
{
	char sysdir[SRVCONFIG_MAX_PATH] = "/";
	const char *slash;
	size_t i;

	srvconfig_init(c);
	if ((a->sys_file != NULL &&
	    (c->sys_file = strdup(a->sys_file)) == NULL) ||
	    (a->usr_file != NULL &&
	    (c->usr_file = strdup(a->usr_file)) == NULL)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (a->sys_file != NULL) {
		slash = strrchr(a->sys_file, '/');
		if (slash != NULL && slash != a->sys_file &&
		    (size_t)(slash - a->sys_file) < sizeof(sysdir)) {
			memcpy(sysdir, a->sys_file,
			    (size_t)(slash - a->sys_file));
			sysdir[slash - a->sys_file] = '\0';
		}
		if (srvconfig_read_file(&c->sys, a->sys_file, 0, false, err,
		    errsz) != 0)
			return -1;
	}
	for (i = 0; i < a->noptions; i++)
		if (srvconfig_apply_option(&c->usr, a->options[i], err,
		    errsz) != 0)
			return -1;
	if (a->usr_file != NULL && srvconfig_read_file(&c->usr, a->usr_file,
	    a->uid, a->usr_must_exist, err, errsz) != 0)
		return -1;
	return srvconfig_resolve(c, a->user, a->home, sysdir, err, errsz);
}

void
srvconfig_policy(const struct srvconfig *c, const struct policy_files **sys,
		 const struct policy_files **usr)
{
	*sys = c->eff.sys_policy ? &c->eff.sys : NULL;
	*usr = &c->eff.usr;
}

static void
sv_dump_list(FILE *f, const char *kw, const char *const *v, size_t n)
{
	size_t i;

	fprintf(f, "%s", kw);
	if (n == 0)
		fprintf(f, " none");
	/* Quoted when needed, so the line reads back as the same words. */
	for (i = 0; i < n; i++)
		fprintf(f, strpbrk(v[i], " \t\"'#\\") != NULL ? " \"%s\"" :
		    " %s", v[i]);
	fprintf(f, "\n");
}

static void
sv_dump_files(FILE *f, const struct policy_files *pf)
{
	sv_dump_list(f, "trustedusercakeys", pf->trusted_ca, pf->ntrusted_ca);
	sv_dump_list(f, "authorizedprincipalsfile", &pf->principals,
	    pf->principals != NULL);
	sv_dump_list(f, "authorizedkeysfile", &pf->authorized_keys,
	    pf->authorized_keys != NULL);
	sv_dump_list(f, "revokedkeys", pf->revoked, pf->nrevoked);
}

/* "# WHO layer: [how]FILE[ (not present)]" */
static void
sv_dump_layer(FILE *f, const char *who, const char *how, const char *file,
	      bool read)
{
	fprintf(f, "# %s layer: %s%s%s\n", who, how,
	    file != NULL ? file : "none",
	    file != NULL && !read ? " (not present)" : "");
}

void
srvconfig_dump(const struct srvconfig *c, FILE *f)
{
	const struct srvconfig_effective *e = &c->eff;
	size_t i;

	if (e->nlisten == 0)
		fprintf(f, "listenaddress *:%d\n", ASSIST_DEFAULT_PORT);
	for (i = 0; i < e->nlisten; i++)
		fprintf(f, "listenaddress %s\n", e->listen[i]);
	fprintf(f, "logingracetime %d\n", e->login_grace_secs);
	fprintf(f, "maxauthtries %d\n", e->max_auth_tries);
	fprintf(f, "maxstartups %d\n", e->max_startups);
	fprintf(f, "wait %d\n", e->wait_secs);
	fprintf(f, "hostcertificate %s\n", e->host_certificate != NULL ?
	    e->host_certificate : "none");
	fprintf(f, "transcriptdir %s\n", e->transcript_dir != NULL ?
	    e->transcript_dir : "none");
	sv_dump_layer(f, "administrator", "", c->sys_file,
	    c->sys.file != NULL);
	sv_dump_files(f, &e->sys);
	sv_dump_layer(f, "user", "-o options, then ", c->usr_file,
	    c->usr.file != NULL);
	sv_dump_files(f, &e->usr);
}
