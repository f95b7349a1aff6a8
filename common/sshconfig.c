/* sshconfig: ssh_config reader after OpenSSH 9.2 readconf.c; see sshconfig.h. */
#include "common/sshconfig.h"

#include "common/cfgline.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/match.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SC_WS CFGLINE_WS

/* What a keyword does here. Everything OpenSSH knows but we do not use
 * is KW_IGNORE; KW_IGNORE_WARN marks ignored options that weaken host
 * key checking if a user relies on them, so we say so. */
enum sc_kw {
	KW_IGNORE,
	KW_IGNORE_WARN,
	KW_HOST,
	KW_MATCH,
	KW_INCLUDE,
	KW_HOSTNAME,
	KW_PORT,
	KW_USER,
	KW_IDENTITYFILE,
	KW_CERTIFICATEFILE,
	KW_IDENTITIESONLY,
	KW_IDENTITYAGENT,
	KW_PROXYCOMMAND,
	KW_PROXYJUMP,
	KW_USERKNOWNHOSTS,
	KW_GLOBALKNOWNHOSTS,
	KW_STRICT,
	KW_HASHKNOWNHOSTS,
	KW_CONNECTTIMEOUT,
	KW_BATCHMODE,
	KW_HOSTKEYALIAS,
	KW_IGNOREUNKNOWN,
};

/*
 * Every keyword the OpenSSH 9.2p1 client of Debian 12 accepts (measured:
 * `ssh -G -F file` over the strings of /usr/bin/ssh; tests/e2e/cli_config.sh
 * repeats that comparison), lower case as ssh compares them.
 */
static const struct {
	const char *name;
	enum sc_kw kw;
} sc_keywords[] = {
	{ "addkeystoagent", KW_IGNORE },
	{ "addressfamily", KW_IGNORE },
	{ "afstokenpassing", KW_IGNORE },
	{ "batchmode", KW_BATCHMODE },
	{ "bindaddress", KW_IGNORE },
	{ "bindinterface", KW_IGNORE },
	{ "canonicaldomains", KW_IGNORE },
	{ "canonicalizefallbacklocal", KW_IGNORE },
	{ "canonicalizehostname", KW_IGNORE },
	{ "canonicalizemaxdots", KW_IGNORE },
	{ "canonicalizepermittedcnames", KW_IGNORE },
	{ "casignaturealgorithms", KW_IGNORE },
	{ "certificatefile", KW_CERTIFICATEFILE },
	{ "challengeresponseauthentication", KW_IGNORE },
	{ "checkhostip", KW_IGNORE },
	{ "cipher", KW_IGNORE },
	{ "ciphers", KW_IGNORE },
	{ "clearallforwardings", KW_IGNORE },
	{ "compression", KW_IGNORE },
	{ "compressionlevel", KW_IGNORE },
	{ "connectionattempts", KW_IGNORE },
	{ "connecttimeout", KW_CONNECTTIMEOUT },
	{ "controlmaster", KW_IGNORE },
	{ "controlpath", KW_IGNORE },
	{ "controlpersist", KW_IGNORE },
	{ "dsaauthentication", KW_IGNORE },
	{ "dynamicforward", KW_IGNORE },
	{ "enableescapecommandline", KW_IGNORE },
	{ "enablesshkeysign", KW_IGNORE },
	{ "escapechar", KW_IGNORE },
	{ "exitonforwardfailure", KW_IGNORE },
	{ "fallbacktorsh", KW_IGNORE },
	{ "fingerprinthash", KW_IGNORE },
	{ "forkafterauthentication", KW_IGNORE },
	{ "forwardagent", KW_IGNORE },
	{ "forwardx11", KW_IGNORE },
	{ "forwardx11timeout", KW_IGNORE },
	{ "forwardx11trusted", KW_IGNORE },
	{ "gatewayports", KW_IGNORE },
	{ "globalknownhostsfile", KW_GLOBALKNOWNHOSTS },
	{ "globalknownhostsfile2", KW_IGNORE },
	{ "gssapiauthentication", KW_IGNORE },
	{ "gssapiclientidentity", KW_IGNORE },
	{ "gssapidelegatecredentials", KW_IGNORE },
	{ "gssapikexalgorithms", KW_IGNORE },
	{ "gssapikeyexchange", KW_IGNORE },
	{ "gssapirenewalforcesrekey", KW_IGNORE },
	{ "gssapiserveridentity", KW_IGNORE },
	{ "gssapitrustdns", KW_IGNORE },
	{ "hashknownhosts", KW_HASHKNOWNHOSTS },
	{ "host", KW_HOST },
	{ "hostbasedacceptedalgorithms", KW_IGNORE },
	{ "hostbasedauthentication", KW_IGNORE },
	{ "hostbasedkeytypes", KW_IGNORE },
	{ "hostkeyalgorithms", KW_IGNORE },
	{ "hostkeyalias", KW_HOSTKEYALIAS },
	{ "hostname", KW_HOSTNAME },
	{ "identitiesonly", KW_IDENTITIESONLY },
	{ "identityagent", KW_IDENTITYAGENT },
	{ "identityfile", KW_IDENTITYFILE },
	{ "identityfile2", KW_IDENTITYFILE },
	{ "ignoreunknown", KW_IGNOREUNKNOWN },
	{ "include", KW_INCLUDE },
	{ "ipqos", KW_IGNORE },
	{ "kbdinteractiveauthentication", KW_IGNORE },
	{ "kbdinteractivedevices", KW_IGNORE },
	{ "keepalive", KW_IGNORE },
	{ "kerberosauthentication", KW_IGNORE },
	{ "kerberostgtpassing", KW_IGNORE },
	{ "kexalgorithms", KW_IGNORE },
	{ "knownhostscommand", KW_IGNORE_WARN },
	{ "localcommand", KW_IGNORE },
	{ "localforward", KW_IGNORE },
	{ "loglevel", KW_IGNORE },
	{ "logverbose", KW_IGNORE },
	{ "macs", KW_IGNORE },
	{ "match", KW_MATCH },
	{ "nohostauthenticationforlocalhost", KW_IGNORE },
	{ "numberofpasswordprompts", KW_IGNORE },
	{ "passwordauthentication", KW_IGNORE },
	{ "permitlocalcommand", KW_IGNORE },
	{ "permitremoteopen", KW_IGNORE },
	{ "pkcs11provider", KW_IGNORE },
	{ "port", KW_PORT },
	{ "preferredauthentications", KW_IGNORE },
	{ "protocol", KW_IGNORE },
	{ "protocolkeepalives", KW_IGNORE },
	{ "proxycommand", KW_PROXYCOMMAND },
	{ "proxyjump", KW_PROXYJUMP },
	{ "proxyusefdpass", KW_IGNORE },
	{ "pubkeyacceptedalgorithms", KW_IGNORE },
	{ "pubkeyacceptedkeytypes", KW_IGNORE },
	{ "pubkeyauthentication", KW_IGNORE },
	{ "rekeylimit", KW_IGNORE },
	{ "remotecommand", KW_IGNORE },
	{ "remoteforward", KW_IGNORE },
	{ "requesttty", KW_IGNORE },
	{ "requiredrsasize", KW_IGNORE },
	{ "revokedhostkeys", KW_IGNORE_WARN },
	{ "rhostsauthentication", KW_IGNORE },
	{ "rhostsrsaauthentication", KW_IGNORE },
	{ "rsaauthentication", KW_IGNORE },
	{ "securitykeyprovider", KW_IGNORE },
	{ "sendenv", KW_IGNORE },
	{ "serveralivecountmax", KW_IGNORE },
	{ "serveraliveinterval", KW_IGNORE },
	{ "sessiontype", KW_IGNORE },
	{ "setenv", KW_IGNORE },
	{ "setuptimeout", KW_IGNORE },
	{ "skeyauthentication", KW_IGNORE },
	{ "smartcarddevice", KW_IGNORE },
	{ "stdinnull", KW_IGNORE },
	{ "streamlocalbindmask", KW_IGNORE },
	{ "streamlocalbindunlink", KW_IGNORE },
	{ "stricthostkeychecking", KW_STRICT },
	{ "syslogfacility", KW_IGNORE },
	{ "tcpkeepalive", KW_IGNORE },
	{ "tisauthentication", KW_IGNORE },
	{ "tunnel", KW_IGNORE },
	{ "tunneldevice", KW_IGNORE },
	{ "updatehostkeys", KW_IGNORE },
	{ "useblacklistedkeys", KW_IGNORE },
	{ "useprivilegedport", KW_IGNORE },
	{ "user", KW_USER },
	{ "userknownhostsfile", KW_USERKNOWNHOSTS },
	{ "userknownhostsfile2", KW_IGNORE },
	{ "useroaming", KW_IGNORE },
	{ "usersh", KW_IGNORE },
	{ "verifyhostkeydns", KW_IGNORE },
	{ "visualhostkey", KW_IGNORE },
	{ "xauthlocation", KW_IGNORE },
};

/* One file (or the command line) being parsed. */
struct sc_parse {
	struct sshconfig *c;
	const struct sshconfig_ctx *ctx;
	const char *name;
	unsigned long line;
	unsigned flags;
	bool *active;
	int depth;
	unsigned *files;
	bool cmdline;
	char *err;
	size_t errsz;
};

static int sc_parse_depth(struct sc_parse *parent, const char *name,
			  const char *text, size_t len, unsigned flags,
			  int depth);
static int sc_read_depth(struct sc_parse *parent, const char *path,
			 unsigned flags, int depth, bool must_exist);

static void
sc_list_free(struct sshconfig_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
sshconfig_init(struct sshconfig *c)
{
	memset(c, 0, sizeof(*c));
	c->port = -1;
	c->identities_only = -1;
	c->strict = SSHCONFIG_STRICT_UNSET;
	c->hash_known_hosts = -1;
	c->connect_timeout = -1;
	c->batch_mode = -1;
}

void
sshconfig_free(struct sshconfig *c)
{
	free(c->hostname);
	free(c->user);
	sc_list_free(&c->identity_files);
	sc_list_free(&c->certificate_files);
	free(c->identity_agent);
	free(c->proxy);
	sc_list_free(&c->user_known_hosts);
	sc_list_free(&c->global_known_hosts);
	free(c->host_key_alias);
	free(c->ignore_unknown);
	sshconfig_init(c);
}

/* Formats "NAME:LINE: message" (or "command line: message") into err. */
static int __attribute__((format(printf, 2, 3)))
sc_error(struct sc_parse *p, const char *fmt, ...)
{
	char msg[512], where[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->cmdline)
		snprintf(where, sizeof(where), "command line option");
	else
		cfgline_where(where, sizeof(where), p->name, p->line);
	snprintf(p->err, p->errsz, "%s: %s", where, msg);
	return -1;
}

static int
sc_lookup(const char *kw)
{
	size_t i;

	for (i = 0; i < sizeof(sc_keywords) / sizeof(sc_keywords[0]); i++)
		if (strcmp(kw, sc_keywords[i].name) == 0)
			return (int)sc_keywords[i].kw;
	return -1;
}

/* yes/true → 1, no/false → 0, else -1 (OpenSSH multistate_flag). */
static int
sc_flag(const char *a)
{
	if (strcasecmp(a, "yes") == 0 || strcasecmp(a, "true") == 0)
		return 1;
	if (strcasecmp(a, "no") == 0 || strcasecmp(a, "false") == 0)
		return 0;
	return -1;
}

static int
sc_strict(const char *a)
{
	static const struct {
		const char *name;
		int v;
	} tab[] = {
		{ "true", SSHCONFIG_STRICT_YES }, { "yes", SSHCONFIG_STRICT_YES },
		{ "false", SSHCONFIG_STRICT_OFF }, { "no", SSHCONFIG_STRICT_OFF },
		{ "off", SSHCONFIG_STRICT_OFF }, { "ask", SSHCONFIG_STRICT_ASK },
		{ "accept-new", SSHCONFIG_STRICT_ACCEPT_NEW },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcasecmp(a, tab[i].name) == 0)
			return tab[i].v;
	return SSHCONFIG_STRICT_UNSET;
}

const char *
sshconfig_strict_name(int strict)
{
	switch (strict) {
	case SSHCONFIG_STRICT_OFF:
		return "no";
	case SSHCONFIG_STRICT_ACCEPT_NEW:
		return "accept-new";
	case SSHCONFIG_STRICT_YES:
		return "yes";
	case SSHCONFIG_STRICT_ASK:
		return "ask";
	default:
		return "unset";
	}
}

int
sshconfig_parse_port(const char *s)
{
	long v = 0;
	size_t i;

	if (s[0] == '\0' || strlen(s) > 5)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return (v >= 1 && v <= 65535) ? (int)v : -1;
}

int
sshconfig_parse_time(const char *s)
{
	long long total = 0;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		long long n = 0, mult;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (*s++ - '0');
			if (n > INT_MAX || ++digits > 10)
				return -1;
		}
		if (digits == 0)
			return -1;
		switch (*s) {
		case '\0': mult = 1; break;
		case 's': case 'S': mult = 1; s++; break;
		case 'm': case 'M': mult = 60; s++; break;
		case 'h': case 'H': mult = 3600; s++; break;
		case 'd': case 'D': mult = 86400; s++; break;
		case 'w': case 'W': mult = 604800; s++; break;
		default: return -1;
		}
		total += n * mult;
		if (total > INT_MAX)
			return -1;
	}
	return (int)total;
}

/* Copies the value for first-value-wins string options. */
static int
sc_set_str(struct sc_parse *p, char **dst, const char *v)
{
	if (!*p->active || *dst != NULL)
		return 0;
	if ((*dst = strdup(v)) == NULL)
		return sc_error(p, "out of memory");
	return 0;
}

static int
sc_list_add(struct sshconfig_list *l, const char *v, size_t max)
{
	char **nv;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], v) == 0)
			return 0;	/* duplicates are dropped, as ssh does */
	if (l->n >= max)
		return -2;
	nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	l->v = nv;
	if ((l->v[l->n] = strdup(v)) == NULL)
		return -1;
	l->n++;
	return 0;
}

int
sshconfig_add_identity(struct sshconfig *c, const char *path)
{
	return sc_list_add(&c->identity_files, path,
	    SSHCONFIG_MAX_IDENTITIES) == 0 ? 0 : -1;
}

/* Expands a leading ~ or ~user of in into out (size outsz). */
static int
sc_tilde(const char *in, const char *home, char *out, size_t outsz,
	 size_t *used, const char **rest, char *err, size_t errsz)
{
	const char *slash = strchr(in, '/');
	size_t ulen = slash ? (size_t)(slash - in - 1) : strlen(in) - 1;
	const char *dir = home;
	int n;

	if (ulen > 0) {
		char user[256];
		struct passwd *pw;

		if (ulen >= sizeof(user)) {
			snprintf(err, errsz, "user name after ~ too long");
			return -1;
		}
		memcpy(user, in + 1, ulen);
		user[ulen] = '\0';
		pw = getpwnam(user);
		if (pw == NULL) {
			snprintf(err, errsz, "unknown user in ~%s", user);
			return -1;
		}
		dir = pw->pw_dir;
	}
	if (dir == NULL) {
		snprintf(err, errsz, "no home directory for ~");
		return -1;
	}
	n = snprintf(out, outsz, "%s", dir);
	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "expanded path too long");
		return -1;
	}
	/* "~/x" with home "/" must not give "//x". */
	*used = (n > 0 && out[n - 1] == '/' && slash != NULL) ? (size_t)n - 1
							     : (size_t)n;
	*rest = in + 1 + ulen;
	return 0;
}

static bool
sc_env_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	return true;
}

char *
sshconfig_expand(const char *in, const struct sshconfig_tokens *t,
		 const char *home, bool tilde, bool dollar, char *err,
		 size_t errsz)
{
	char out[SSHCONFIG_MAX_PATH];
	size_t o = 0;
	const char *s = in;

#define SC_PUT(str, n) do {						\
		if (o + (n) >= sizeof(out)) {				\
			snprintf(err, errsz, "expanded value too long"); \
			return NULL;					\
		}							\
		memcpy(out + o, (str), (n));				\
		o += (n);						\
	} while (0)

	if (tilde && s[0] == '~' &&
	    sc_tilde(s, home, out, sizeof(out), &o, &s, err, errsz) != 0)
		return NULL;
	for (; *s != '\0'; s++) {
		if (*s == '%') {
			unsigned char k = (unsigned char)s[1];
			const char *v;

			if (k == '%') {
				SC_PUT("%", 1);
				s++;
				continue;
			}
			if (k == '\0') {
				snprintf(err, errsz, "'%%' at end of \"%.64s\"",
				    in);
				return NULL;
			}
			v = (k < 128 && t != NULL) ? t->tok[k] : NULL;
			if (v == NULL) {
				snprintf(err, errsz,
				    "unknown or unsupported token %%%c",
				    (k >= 0x20 && k < 0x7f) ? k : '?');
				return NULL;
			}
			SC_PUT(v, strlen(v));
			s++;
			continue;
		}
		if (dollar && s[0] == '$' && s[1] == '{') {
			const char *end = strchr(s + 2, '}');
			char name[128];
			const char *v;
			size_t n;

			if (end == NULL) {
				snprintf(err, errsz, "unterminated ${ in value");
				return NULL;
			}
			n = (size_t)(end - (s + 2));
			if (n >= sizeof(name) || !sc_env_name_ok(s + 2, n)) {
				snprintf(err, errsz, "bad environment name in ${}");
				return NULL;
			}
			memcpy(name, s + 2, n);
			name[n] = '\0';
			if ((v = getenv(name)) == NULL) {
				snprintf(err, errsz,
				    "environment variable %s is not set", name);
				return NULL;
			}
			SC_PUT(v, strlen(v));
			s = end;
			continue;
		}
		SC_PUT(s, 1);
	}
#undef SC_PUT
	out[o] = '\0';
	{
		char *r = strdup(out);

		if (r == NULL)
			snprintf(err, errsz, "out of memory");
		return r;
	}
}

int
sshconfig_parse_hop(const char *s, char **user, char **host, int *port)
{
	char buf[SSHCONFIG_MAX_LINE];
	char *p = buf, *at, *h, *portstr = NULL;
	size_t len = strlen(s);

	*user = NULL;
	*host = NULL;
	*port = -1;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	if (strncasecmp(p, "ssh://", 6) == 0) {
		p += 6;
		if (strchr(p, '/') != NULL)
			return -1;	/* no path in an ssh:// destination */
	}
	at = strrchr(p, '@');
	if (at != NULL) {
		*at = '\0';
		if (*p == '\0')
			return -1;
		h = at + 1;
	} else {
		h = p;
	}
	if (h[0] == '[') {
		char *end = strchr(h, ']');

		if (end == NULL)
			return -1;
		*end = '\0';
		if (end[1] == ':')
			portstr = end + 2;
		else if (end[1] != '\0')
			return -1;
		h++;
	} else {
		char *colon = strchr(h, ':');

		/* One colon: host:port. More: a bare IPv6 address. */
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			*colon = '\0';
			portstr = colon + 1;
		}
	}
	if (*h == '\0')
		return -1;
	if (portstr != NULL && (*port = sshconfig_parse_port(portstr)) < 0)
		return -1;
	if ((*host = strdup(h)) == NULL)
		return -1;
	if (at != NULL && (*user = strdup(p)) == NULL) {
		free(*host);
		*host = NULL;
		return -1;
	}
	return 0;
}

/* Validates a ProxyJump list: "none" or hops separated by commas. */
static int
sc_check_jump(const char *spec)
{
	char buf[SSHCONFIG_MAX_LINE];
	char *save = NULL, *hop;
	size_t len = strlen(spec);

	if (strcasecmp(spec, "none") == 0)
		return 0;
	if (len == 0 || len >= sizeof(buf) || spec[len - 1] == ',' ||
	    spec[0] == ',')
		return -1;
	memcpy(buf, spec, len + 1);
	for (hop = strtok_r(buf, ",", &save); hop != NULL;
	     hop = strtok_r(NULL, ",", &save)) {
		char *u, *h;
		int port;

		if (sshconfig_parse_hop(hop, &u, &h, &port) != 0)
			return -1;
		free(u);
		free(h);
	}
	return strstr(spec, ",,") == NULL ? 0 : -1;
}

/* Current host for "Match host": HostName (with %h) if set, else host. */
static char *
sc_match_host(struct sc_parse *p)
{
	struct sshconfig_tokens t;
	char err[256];
	char *h;

	if (p->c->hostname == NULL)
		return strdup(p->ctx->host);
	memset(&t, 0, sizeof(t));
	t.tok['h'] = p->ctx->host;
	h = sshconfig_expand(p->c->hostname, &t, NULL, false, false, err,
	    sizeof(err));
	if (h == NULL)
		sc_error(p, "HostName: %s", err);
	return h;
}

static void
sc_warn_match(struct sc_parse *p, const char *what)
{
	char name[256], w[64];

	if (p->c->warned_match)
		return;
	p->c->warned_match = true;
	log_info("%s line %lu: Match %s is not supported: this block (and "
	    "any other using it) is treated as not matching",
	    log_sanitize_str(name, sizeof(name), p->name), p->line,
	    log_sanitize_str(w, sizeof(w), what));
}

/* Evaluates a Match line (after OpenSSH's match_cfg_line). */
static int
sc_match(struct sc_parse *p, char **av, int ac, bool *result)
{
	const char *ruser = p->c->user ? p->c->user : p->ctx->local_user;
	int attributes = 0, i;
	bool res = true;
	char *host, safe[128];

	if ((host = sc_match_host(p)) == NULL)
		return -1;
	for (i = 0; i < ac; i++) {
		const char *attr = av[i], *arg;
		bool neg = attr[0] == '!';
		int r;

		if (neg)
			attr++;
		if (strcasecmp(attr, "all") == 0) {
			if (attributes > 1 || i + 1 < ac) {
				free(host);
				return sc_error(p, "'all' cannot be combined "
				    "with other Match attributes");
			}
			if (res)
				res = !neg;
			attributes = 1;
			break;
		}
		attributes++;
		if (strcasecmp(attr, "canonical") == 0 ||
		    strcasecmp(attr, "final") == 0) {
			sc_warn_match(p, attr);
			res = false;
			continue;
		}
		if (i + 1 >= ac) {
			free(host);
			return sc_error(p, "Missing Match criteria for %s",
			    log_sanitize_str(safe, sizeof(safe), attr));
		}
		arg = av[++i];
		if (strcasecmp(attr, "host") == 0) {
			r = match_hostname(host, arg) == 1;
		} else if (strcasecmp(attr, "originalhost") == 0) {
			r = match_hostname(p->ctx->host, arg) == 1;
		} else if (strcasecmp(attr, "user") == 0) {
			r = match_pattern_list(ruser, arg, false) == 1;
		} else if (strcasecmp(attr, "localuser") == 0) {
			r = match_pattern_list(p->ctx->local_user, arg,
			    false) == 1;
		} else if (strcasecmp(attr, "exec") == 0) {
			sc_warn_match(p, "exec");
			res = false;
			continue;
		} else {
			free(host);
			return sc_error(p, "Unsupported Match attribute %s",
			    log_sanitize_str(safe, sizeof(safe), attr));
		}
		if (r == (neg ? 1 : 0))
			res = false;
	}
	free(host);
	if (attributes == 0)
		return sc_error(p, "One or more attributes required for Match");
	*result = res;
	return 0;
}

static int
sc_host(struct sc_parse *p, char **av, int ac)
{
	bool active = false;
	int i;

	for (i = 0; i < ac; i++) {
		const char *pat = av[i];
		bool neg = pat[0] == '!';

		if (*pat == '\0')
			return sc_error(p, "keyword host empty argument");
		if (neg)
			pat++;
		if (match_pattern(p->ctx->host, pat)) {
			if (neg) {
				active = false;
				break;
			}
			active = true;
		}
	}
	*p->active = active && !(p->flags & SSHCONFIG_NEVERMATCH);
	return 0;
}

static int
sc_include(struct sc_parse *p, char **av, int ac)
{
	int i;

	for (i = 0; i < ac; i++) {
		char path[SSHCONFIG_MAX_PATH], safe[256];
		glob_t gl;
		bool oactive;
		size_t k;
		int r, n;

		if (av[i][0] == '~' && !(p->flags & SSHCONFIG_USER))
			return sc_error(p, "bad include path %s",
			    log_sanitize_str(safe, sizeof(safe), av[i]));
		if (av[i][0] == '/')
			n = snprintf(path, sizeof(path), "%s", av[i]);
		else if (av[i][0] == '~' && (av[i][1] == '/' || !av[i][1]))
			n = snprintf(path, sizeof(path), "%s%s",
			    p->ctx->home ? p->ctx->home : "", av[i] + 1);
		else if (av[i][0] == '~')
			return sc_error(p, "Include with ~user is not "
			    "supported: %s", log_sanitize_str(safe, sizeof(safe), av[i]));
		else if (p->flags & SSHCONFIG_USER)
			n = snprintf(path, sizeof(path), "%s/.ssh/%s",
			    p->ctx->home ? p->ctx->home : "", av[i]);
		else
			n = snprintf(path, sizeof(path), "/etc/ssh/%s", av[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			return sc_error(p, "include path too long");
		if (p->flags & SSHCONFIG_NO_INCLUDE)
			continue;
		memset(&gl, 0, sizeof(gl));
		r = glob(path, 0, NULL, &gl);
		if (r == GLOB_NOMATCH) {
			globfree(&gl);
			continue;
		}
		if (r != 0) {
			globfree(&gl);
			return sc_error(p, "glob failed for %s",
			    log_sanitize_str(safe, sizeof(safe), path));
		}
		oactive = *p->active;
		for (k = 0; k < gl.gl_pathc; k++) {
			unsigned fl = p->flags | SSHCONFIG_CHECKPERM |
			    (oactive ? 0 : SSHCONFIG_NEVERMATCH);

			if (++*p->files > SSHCONFIG_MAX_FILES) {
				globfree(&gl);
				return sc_error(p, "more than %d included "
				    "files", SSHCONFIG_MAX_FILES);
			}
			r = sc_read_depth(p, gl.gl_pathv[k], fl, p->depth + 1,
			    false);
			*p->active = oactive;
			if (r != 0) {
				globfree(&gl);
				return -1;
			}
		}
		globfree(&gl);
	}
	return 0;
}

/* Keywords taking exactly one argument. */
static int
sc_one_arg(struct sc_parse *p, const char *kw, int ac)
{
	if (ac > 1)
		return sc_error(p, "keyword %s extra arguments at end of line",
		    kw);
	return 0;
}

static int
sc_files(struct sc_parse *p, struct sshconfig_list *l, char **av, int ac,
	 const char *kw)
{
	bool first = !l->set;
	int i;

	for (i = 0; i < ac; i++) {
		if (av[i][0] == '\0')
			return sc_error(p, "keyword %s empty argument", kw);
		if (strcasecmp(av[i], "none") == 0 && ac > 1)
			return sc_error(p, "keyword %s \"none\" argument must "
			    "appear alone.", kw);
	}
	if (!*p->active || !first)
		return 0;
	l->set = true;
	if (ac == 1 && strcasecmp(av[0], "none") == 0)
		return 0;
	for (i = 0; i < ac; i++) {
		int r = sc_list_add(l, av[i], SSHCONFIG_MAX_HOSTFILES);

		if (r == -2)
			return sc_error(p, "too many %s entries.", kw);
		if (r != 0)
			return sc_error(p, "out of memory");
	}
	return 0;
}

static int
sc_add(struct sc_parse *p, struct sshconfig_list *l, const char *v,
       size_t max, const char *kw)
{
	int r;

	if (!*p->active)
		return 0;
	r = sc_list_add(l, v, max);
	if (r == -2)
		return sc_error(p, "Too many %s entries (max %zu).", kw, max);
	return r == 0 ? 0 : sc_error(p, "out of memory");
}

static int
sc_set_int(struct sc_parse *p, int *dst, int v)
{
	if (*p->active && *dst == -1)
		*dst = v;
	return 0;
}

static void
sc_set_origin(struct sc_parse *p)
{
	char name[200];

	if (p->cmdline)
		snprintf(p->c->strict_origin, sizeof(p->c->strict_origin),
		    "the command line");
	else
		snprintf(p->c->strict_origin, sizeof(p->c->strict_origin),
		    "%s line %lu", log_sanitize_str(name, sizeof(name), p->name),
		    p->line);
}

/* Options taking the rest of the line verbatim (ProxyCommand/Jump). */
static int
sc_proxy(struct sc_parse *p, enum sc_kw kw, const char *rest)
{
	char val[SSHCONFIG_MAX_LINE];
	size_t n;
	bool none;

	snprintf(val, sizeof(val), "%s", rest);
	if (kw == KW_PROXYJUMP) {
		/* ssh cuts a comment and trailing blanks off a jump list. */
		val[strcspn(val, "#")] = '\0';
		n = strlen(val);
		while (n > 0 && strchr(SC_WS, val[n - 1]) != NULL)
			val[--n] = '\0';
		if (sc_check_jump(val) != 0) {
			char safe[256];

			return sc_error(p, "Invalid ProxyJump \"%s\"",
			    log_sanitize_str(safe, sizeof(safe), val));
		}
	}
	if (!*p->active || p->c->proxy_kind != SSHCONFIG_PROXY_UNSET)
		return 0;
	none = strcasecmp(val, "none") == 0;
	if (none) {
		p->c->proxy_kind = SSHCONFIG_PROXY_NONE;
		return 0;
	}
	if ((p->c->proxy = strdup(val)) == NULL)
		return sc_error(p, "out of memory");
	p->c->proxy_kind = kw == KW_PROXYJUMP ? SSHCONFIG_PROXY_JUMP
					      : SSHCONFIG_PROXY_COMMAND;
	return 0;
}

static void
sc_warn_ignored(struct sc_parse *p, const char *kw)
{
	char name[256];

	if (p->c->warned_ignored || !*p->active)
		return;
	p->c->warned_ignored = true;
	log_info("%s line %lu: %s is not supported by assist-cli and is "
	    "ignored; use @revoked lines in known_hosts",
	    log_sanitize_str(name, sizeof(name), p->name), p->line, kw);
}

/* Dispatches one parsed keyword with its arguments. */
static int
sc_keyword(struct sc_parse *p, enum sc_kw kw, const char *kwname,
	   const char *rest, char **av, int ac)
{
	struct sshconfig *c = p->c;
	char safe[256];
	int v;

	switch (kw) {
	case KW_IGNORE:
		return 0;
	case KW_IGNORE_WARN:
		sc_warn_ignored(p, kwname);
		return 0;
	case KW_PROXYCOMMAND:
	case KW_PROXYJUMP:
		return sc_proxy(p, kw, rest);
	default:
		break;
	}
	if (ac == 0)
		return sc_error(p, "no argument after keyword \"%s\"", kwname);
	switch (kw) {
	case KW_HOST:
		if (p->cmdline)
			return sc_error(p, "Host directive not supported as "
			    "a command-line option");
		return sc_host(p, av, ac);
	case KW_MATCH: {
		bool res = false;

		if (p->cmdline)
			return sc_error(p, "Match directive not supported as "
			    "a command-line option");
		if (sc_match(p, av, ac, &res) != 0)
			return -1;
		*p->active = res && !(p->flags & SSHCONFIG_NEVERMATCH);
		return 0;
	}
	case KW_INCLUDE:
		if (p->cmdline)
			return sc_error(p, "Include directive not supported "
			    "as a command-line option");
		return sc_include(p, av, ac);
	case KW_HOSTNAME:
		return sc_one_arg(p, kwname, ac) ? -1 :
		    sc_set_str(p, &c->hostname, av[0]);
	case KW_USER:
		return sc_one_arg(p, kwname, ac) ? -1 :
		    sc_set_str(p, &c->user, av[0]);
	case KW_HOSTKEYALIAS:
		return sc_one_arg(p, kwname, ac) ? -1 :
		    sc_set_str(p, &c->host_key_alias, av[0]);
	case KW_IGNOREUNKNOWN:
		return sc_one_arg(p, kwname, ac) ? -1 :
		    sc_set_str(p, &c->ignore_unknown, av[0]);
	case KW_IDENTITYAGENT:
		if (sc_one_arg(p, kwname, ac))
			return -1;
		if (av[0][0] == '$' && av[0][1] != '{' &&
		    !sc_env_name_ok(av[0] + 1, strlen(av[0] + 1)))
			return sc_error(p, "Invalid environment name %s.",
			    log_sanitize_str(safe, sizeof(safe), av[0]));
		return sc_set_str(p, &c->identity_agent, av[0]);
	case KW_PORT:
		if (sc_one_arg(p, kwname, ac))
			return -1;
		if ((v = sshconfig_parse_port(av[0])) < 0)
			return sc_error(p, "Bad port '%s'.",
			    log_sanitize_str(safe, sizeof(safe), av[0]));
		return sc_set_int(p, &c->port, v);
	case KW_IDENTITYFILE:
		return sc_one_arg(p, kwname, ac) ? -1 :
		    sc_add(p, &c->identity_files, av[0],
		    SSHCONFIG_MAX_IDENTITIES, "identity file");
	case KW_CERTIFICATEFILE:
		return sc_one_arg(p, kwname, ac) ? -1 :
		    sc_add(p, &c->certificate_files, av[0],
		    SSHCONFIG_MAX_CERTS, "certificate file");
	case KW_IDENTITIESONLY:
	case KW_HASHKNOWNHOSTS:
	case KW_BATCHMODE:
		if (sc_one_arg(p, kwname, ac))
			return -1;
		if ((v = sc_flag(av[0])) < 0)
			return sc_error(p, "unsupported option \"%s\".",
			    log_sanitize_str(safe, sizeof(safe), av[0]));
		return sc_set_int(p, kw == KW_IDENTITIESONLY ?
		    &c->identities_only : kw == KW_HASHKNOWNHOSTS ?
		    &c->hash_known_hosts : &c->batch_mode, v);
	case KW_STRICT:
		if (sc_one_arg(p, kwname, ac))
			return -1;
		if ((v = sc_strict(av[0])) == SSHCONFIG_STRICT_UNSET)
			return sc_error(p, "unsupported option \"%s\".",
			    log_sanitize_str(safe, sizeof(safe), av[0]));
		if (*p->active && c->strict == SSHCONFIG_STRICT_UNSET) {
			c->strict = v;
			sc_set_origin(p);
		}
		return 0;
	case KW_CONNECTTIMEOUT:
		if (sc_one_arg(p, kwname, ac))
			return -1;
		if (strcmp(av[0], "none") == 0)
			return 0;	/* "none" leaves it unset, as in ssh */
		if ((v = sshconfig_parse_time(av[0])) < 0)
			return sc_error(p, "invalid time value.");
		return sc_set_int(p, &c->connect_timeout, v);
	case KW_USERKNOWNHOSTS:
		return sc_files(p, &c->user_known_hosts, av, ac, kwname);
	case KW_GLOBALKNOWNHOSTS:
		return sc_files(p, &c->global_known_hosts, av, ac, kwname);
	default:
		return sc_error(p, "internal error: keyword %s", kwname);
	}
}

/* Processes one line (NUL-terminated, modifiable, no newline). */
static int
sc_line(struct sc_parse *p, char *line)
{
	char store[SSHCONFIG_MAX_LINE], kwbuf[CFGLINE_MAX_KEYWORD], safe[128];
	char *av[SSHCONFIG_MAX_ARGS];
	char *s, *kw;
	int k, ac;

	if (cfgline_keyword(line, &kw, &s) != 0)
		return 0;
	if (cfgline_lower(kw, kwbuf) != 0)
		return sc_error(p, "Bad configuration option: %s",
		    log_sanitize_str(safe, sizeof(safe), kw));
	if (*s == '\0')
		return sc_error(p, "no argument after keyword \"%s\"",
		    log_sanitize_str(safe, sizeof(safe), kwbuf));
	k = sc_lookup(kwbuf);
	if (k < 0) {
		if (p->c->ignore_unknown != NULL &&
		    match_pattern_list(kwbuf, p->c->ignore_unknown, true) == 1)
			return 0;
		return sc_error(p, "Bad configuration option: %s",
		    log_sanitize_str(safe, sizeof(safe), kwbuf));
	}
	ac = cfgline_words(s, store, av, SSHCONFIG_MAX_ARGS);
	if (ac == -1)
		return sc_error(p, "invalid quotes");
	if (ac < 0)
		return sc_error(p, "too many arguments");
	return sc_keyword(p, (enum sc_kw)k, kwbuf, s, av, ac);
}

static int
sc_parse_depth(struct sc_parse *parent, const char *name, const char *text,
	       size_t len, unsigned flags, int depth)
{
	struct sc_parse p = *parent;
	char line[SSHCONFIG_MAX_LINE];
	size_t off = 0;

	p.name = name;
	p.line = 0;
	p.flags = flags;
	p.depth = depth;
	p.cmdline = false;
	if (depth > SSHCONFIG_MAX_DEPTH)
		return sc_error(parent, "too many recursive configuration "
		    "includes");
	if (len > SSHCONFIG_MAX_FILE)
		return sc_error(&p, "file larger than %d bytes",
		    SSHCONFIG_MAX_FILE);
	for (;;) {
		char why[128];
		int r = cfgline_next(text, len, &off, line, sizeof(line), why,
		    sizeof(why));

		if (r == 0)
			return 0;
		p.line++;
		if (r < 0 || sc_line(&p, line) != 0)
			return r < 0 ? sc_error(&p, "%s", why) : -1;
	}
}

/* Reads at most SSHCONFIG_MAX_FILE bytes; *data is malloc'ed. 1 when the
 * file does not exist, 0 on success, -1 with err. */
static int
sc_slurp(struct sc_parse *p, const char *path, unsigned flags, char **data,
	 size_t *len)
{
	char safe[256];
	struct stat st;
	size_t n = 0;
	char *buf;
	int fd, e = 0;

	log_sanitize_str(safe, sizeof(safe), path);
	fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return sc_error(p, "cannot open %s: %s", safe,
		    strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		return sc_error(p, "cannot stat %s: %s", safe, strerror(errno));
	}
	/* Regular files only (and /dev/null, for "-F /dev/null"): a FIFO
	 * or a terminal would block. */
	if (!S_ISREG(st.st_mode) && strcmp(path, "/dev/null") != 0) {
		close(fd);
		return sc_error(p, "%s is not a regular file", safe);
	}
	if ((flags & SSHCONFIG_CHECKPERM) &&
	    ((st.st_uid != 0 && st.st_uid != p->ctx->uid) ||
	    (st.st_mode & 022) != 0)) {
		close(fd);
		return sc_error(p, "Bad owner or permissions on %s", safe);
	}
	buf = fileio_read_fd(fd, SSHCONFIG_MAX_FILE, &n, &e);
	close(fd);
	if (buf == NULL && e == EFBIG)
		return sc_error(p, "%s: larger than %d bytes", safe,
		    SSHCONFIG_MAX_FILE);
	if (buf == NULL)
		return sc_error(p, "cannot read %s: %s", safe, strerror(e));
	*data = buf;
	*len = n;
	return 0;
}

static int
sc_read_depth(struct sc_parse *parent, const char *path, unsigned flags,
	      int depth, bool must_exist)
{
	char *data = NULL, safe[256];
	size_t len = 0;
	int r;

	if (depth > SSHCONFIG_MAX_DEPTH)
		return sc_error(parent, "too many recursive configuration "
		    "includes");
	r = sc_slurp(parent, path, flags, &data, &len);
	if (r == 1) {
		if (must_exist)
			return sc_error(parent, "cannot open %s: %s",
			    log_sanitize_str(safe, sizeof(safe), path),
			    strerror(ENOENT));
		return 0;
	}
	if (r != 0)
		return -1;
	r = sc_parse_depth(parent, path, data, len, flags, depth);
	free(data);
	return r;
}

static void
sc_top(struct sc_parse *p, struct sshconfig *c,
       const struct sshconfig_ctx *ctx, bool *active, unsigned *files,
       char *err, size_t errsz)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->ctx = ctx;
	p->name = "command line";
	p->active = active;
	p->files = files;
	p->err = err;
	p->errsz = errsz;
}

int
sshconfig_parse_buffer(struct sshconfig *c, const struct sshconfig_ctx *ctx,
		       const char *name, const char *text, size_t len,
		       unsigned flags, char *err, size_t errsz)
{
	struct sc_parse p;
	bool active = true;
	unsigned files = 0;

	sc_top(&p, c, ctx, &active, &files, err, errsz);
	p.name = name;
	return sc_parse_depth(&p, name, text, len, flags, 0);
}

int
sshconfig_read_file(struct sshconfig *c, const struct sshconfig_ctx *ctx,
		    const char *path, unsigned flags, bool must_exist,
		    char *err, size_t errsz)
{
	struct sc_parse p;
	bool active = true;
	unsigned files = 0;

	sc_top(&p, c, ctx, &active, &files, err, errsz);
	p.name = path;
	return sc_read_depth(&p, path, flags, 0, must_exist);
}

int
sshconfig_apply_option(struct sshconfig *c, const struct sshconfig_ctx *ctx,
		       const char *option, char *err, size_t errsz)
{
	struct sc_parse p;
	char line[SSHCONFIG_MAX_LINE];
	bool active = true;
	unsigned files = 0;
	char why[128];

	sc_top(&p, c, ctx, &active, &files, err, errsz);
	p.cmdline = true;
	if (cfgline_option(option, line, sizeof(line), why,
	    sizeof(why)) != 0)
		return sc_error(&p, "%s", why);
	return sc_line(&p, line);
}
