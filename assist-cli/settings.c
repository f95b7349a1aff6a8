/* settings: final connection settings; see settings.h. */
#include "assist-cli/settings.h"

#include "assist-cli/exitcode.h"
#include "common/defaults.h"
#include "common/knownhosts.h"
#include "common/log.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define SETTINGS_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Default identities, in the order tried (assistd prefers Ed25519;
 * libssh 0.10.6 cannot load sk keys from files, so none are listed). */
static const char *const settings_default_ids[] = {
	"~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa",
};
static const char *const settings_default_user_kh[] = {
	"~/.ssh/known_hosts", "~/.ssh/known_hosts2",
};
static const char *const settings_default_global_kh[] = {
	"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2",
};

/* Everything resolve needs while it works. */
struct settings_work {
	const struct cli_args *a;
	const struct cli_env *env;
	struct cli_settings *s;
	struct sshconfig c;
	struct cli_dest d;
	struct sshconfig_tokens tok;
	char port_s[8], uid_s[24], host_full[256], host_short[256];
	char *err;
	size_t errsz;
};

static void
settings_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
settings_free(struct cli_settings *s)
{
	free(s->host_arg);
	free(s->hostname);
	free(s->user);
	free(s->kh_name);
	settings_strv_free(s->user_kh, s->n_user_kh);
	settings_strv_free(s->global_kh, s->n_global_kh);
	settings_strv_free(s->identities, s->n_identities);
	free(s->identity_given);
	settings_strv_free(s->certs, s->n_certs);
	free(s->agent_sock);
	free(s->proxy_command);
	free(s->proxy_jump);
	memset(s, 0, sizeof(*s));
}

char *
settings_shell_quote(const char *s)
{
	size_t n = 2, i, o = 0;
	char *q;

	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '\'' ? 4 : 1;
	if ((q = malloc(n + 1)) == NULL)
		return NULL;
	q[o++] = '\'';
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\'') {
			memcpy(q + o, "'\\''", 4);
			o += 4;
		} else {
			q[o++] = s[i];
		}
	}
	q[o++] = '\'';
	q[o] = '\0';
	return q;
}

char *
settings_libssh_escape(const char *s)
{
	size_t n = 0, i, o = 0;
	char *e;

	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '%' ? 2 : 1;
	if ((e = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		e[o++] = s[i];
		if (s[i] == '%')
			e[o++] = '%';
	}
	e[o] = '\0';
	return e;
}

char *
settings_target(const struct cli_settings *s, char *out, size_t outsz)
{
	bool v6 = strchr(s->hostname, ':') != NULL;

	snprintf(out, outsz, "%s@%s%s%s:%d", s->user, v6 ? "[" : "",
	    s->hostname, v6 ? "]" : "", s->port);
	return out;
}

/* Appends src to the malloc'ed string *dst; -1 on failure (then *dst is
 * freed and NULL). */
static int
settings_cat(char **dst, const char *src)
{
	size_t a = strlen(*dst), b = strlen(src);
	char *n;

	if (a + b >= SSHCONFIG_MAX_PATH || (n = realloc(*dst, a + b + 1)) ==
	    NULL) {
		free(*dst);
		*dst = NULL;
		return -1;
	}
	memcpy(n + a, src, b + 1);
	*dst = n;
	return 0;
}

/* Appends " " + quoted value. */
static int
settings_cat_quoted(char **dst, const char *prefix, const char *v)
{
	char *q = settings_shell_quote(v);
	int r;

	if (q == NULL) {
		free(*dst);
		*dst = NULL;
		return -1;
	}
	r = settings_cat(dst, prefix);
	if (r == 0)
		r = settings_cat(dst, q);
	free(q);
	return r;
}

/* Checks every hop of a ProxyJump list (all but the last go to -J). */
static int
settings_check_hops(const char *list, char *err, size_t errsz)
{
	char buf[SSHCONFIG_MAX_LINE], *save = NULL, *hop;

	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errsz, "ProxyJump list too long");
		return -1;
	}
	strcpy(buf, list);
	for (hop = strtok_r(buf, ",", &save); hop != NULL;
	     hop = strtok_r(NULL, ",", &save)) {
		char *u, *h;
		int port, ok;

		if (sshconfig_parse_hop(hop, &u, &h, &port) != 0) {
			snprintf(err, errsz, "bad ProxyJump hop");
			return -1;
		}
		ok = args_valid_host(h) && (u == NULL || args_valid_user(u));
		free(u);
		free(h);
		if (!ok) {
			snprintf(err, errsz, "invalid characters in a "
			    "ProxyJump host or user name");
			return -1;
		}
	}
	return 0;
}

char *
settings_jump_command(const char *spec, const char *host, int port,
		      const char *config, int verbose, char *err, size_t errsz)
{
	char *last, *extra = NULL, *u = NULL, *h = NULL, *cmd = NULL;
	char target[ARGS_MAX_NAME + 16], num[16];
	const char *comma = strrchr(spec, ',');
	int jport, r = 0;

	last = strdup(comma ? comma + 1 : spec);
	if (comma != NULL)
		extra = strndup(spec, (size_t)(comma - spec));
	if (last == NULL || (comma != NULL && extra == NULL)) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	if (settings_check_hops(spec, err, errsz) != 0 ||
	    sshconfig_parse_hop(last, &u, &h, &jport) != 0)
		goto out;
	if (!args_valid_host(host)) {
		snprintf(err, errsz, "invalid characters in host name");
		goto out;
	}
	snprintf(target, sizeof(target), "[%s]:%d", host, port);
	if ((cmd = strdup("ssh")) == NULL)
		goto oom;
	if (u != NULL)
		r |= settings_cat_quoted(&cmd, " -l ", u);
	if (r == 0 && jport > 0) {
		snprintf(num, sizeof(num), " -p %d", jport);
		r |= settings_cat(&cmd, num);
	}
	if (r == 0 && extra != NULL)
		r |= settings_cat_quoted(&cmd, " -J ", extra);
	if (r == 0 && config != NULL)
		r |= settings_cat_quoted(&cmd, " -F ", config);
	if (r == 0 && verbose > 0)
		r |= settings_cat(&cmd, verbose >= 3 ? " -vvv" :
		    verbose == 2 ? " -vv" : " -v");
	if (r == 0)
		r |= settings_cat_quoted(&cmd, " -W ", target);
	if (r == 0)
		r |= settings_cat_quoted(&cmd, " -- ", h);
	if (r != 0)
		goto oom;
	goto out;
oom:
	free(cmd);
	cmd = NULL;
	snprintf(err, errsz, "ProxyJump command too long");
out:
	free(last);
	free(extra);
	free(u);
	free(h);
	return cmd;
}

static char *
settings_expand(struct settings_work *w, const char *what, const char *v,
		const struct sshconfig_tokens *tok, bool tilde, bool dollar)
{
	char e[256], safe[128];
	char *r = sshconfig_expand(v, tok, w->env->home, tilde, dollar, e,
	    sizeof(e));

	if (r == NULL)
		snprintf(w->err, w->errsz, "%s \"%s\": %s", what,
		    log_sanitize(safe, sizeof(safe), v, strlen(v)), e);
	return r;
}

/* Expands a list of paths into *out (n entries). */
static int
settings_paths(struct settings_work *w, const char *what,
	       const char *const *in, size_t n, char ***out, size_t *nout)
{
	size_t i;

	*out = calloc(n ? n : 1, sizeof(**out));
	*nout = 0;
	if (*out == NULL) {
		snprintf(w->err, w->errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (((*out)[i] = settings_expand(w, what, in[i], &w->tok,
		    true, true)) == NULL)
			return -1;
		(*nout)++;
	}
	return 0;
}

static int
settings_read_config(struct settings_work *w)
{
	struct sshconfig_ctx ctx = {
		.host = w->d.host,
		.local_user = w->env->local_user,
		.home = w->env->home,
		.uid = w->env->uid,
	};
	char path[SSHCONFIG_MAX_PATH];

	if (w->a->config != NULL) {
		if (strcmp(w->a->config, "none") == 0)
			return 0;
		return sshconfig_read_file(&w->c, &ctx, w->a->config,
		    SSHCONFIG_USER, true, w->err, w->errsz);
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/.ssh/config",
	    w->env->home) >= sizeof(path)) {
		snprintf(w->err, w->errsz, "home directory path too long");
		return -1;
	}
	if (sshconfig_read_file(&w->c, &ctx, path,
	    SSHCONFIG_USER | SSHCONFIG_CHECKPERM, false, w->err,
	    w->errsz) != 0)
		return -1;
	return sshconfig_read_file(&w->c, &ctx, w->env->system_config, 0,
	    false, w->err, w->errsz);
}

/* Command line in order (-o, -p, -i, and the destination where it
 * stands); CLI_EXIT_OK or _USAGE. */
static int
settings_cmdline(struct settings_work *w)
{
	struct sshconfig_ctx ctx = {
		.host = NULL,
		.local_user = w->env->local_user,
		.home = w->env->home,
		.uid = w->env->uid,
	};
	const struct cli_args *a = w->a;
	size_t i;

	if (args_parse_dest(a->dest, &w->d, w->err, w->errsz) != 0)
		return CLI_EXIT_USAGE;
	ctx.host = w->d.host;
	for (i = 0; i <= a->n_items; i++) {
		const struct args_item *it = &a->items[i];

		if (i == a->dest_pos) {
			if (w->d.user != NULL && w->c.user == NULL &&
			    (w->c.user = strdup(w->d.user)) == NULL)
				return CLI_EXIT_OTHER;
			if (w->c.port == -1)
				w->c.port = w->d.port;
		}
		if (i == a->n_items)
			break;
		if (it->kind == ARGS_PORT && w->c.port == -1)
			w->c.port = sshconfig_parse_port(it->value);
		if (it->kind == ARGS_IDENTITY &&
		    sshconfig_add_identity(&w->c, it->value) != 0)
			return CLI_EXIT_OTHER;
		if (it->kind == ARGS_OPTION && sshconfig_apply_option(&w->c,
		    &ctx, it->value, w->err, w->errsz) != 0)
			return CLI_EXIT_USAGE;
	}
	/* ssh has no host:port; ours must not be silently overridden. */
	if (w->d.port != -1 && w->c.port != w->d.port) {
		snprintf(w->err, w->errsz, "two different ports given (%d and "
		    ":%d in the destination)", w->c.port, w->d.port);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

/* HostName, port, user and the token table. */
static int
settings_names(struct settings_work *w)
{
	struct cli_settings *s = w->s;
	struct sshconfig_tokens ht;
	char e[256], safe[128];
	size_t i;

	memset(&ht, 0, sizeof(ht));
	ht.tok['h'] = w->d.host;
	if ((s->host_arg = strdup(w->d.host)) == NULL)
		return -1;
	s->hostname = w->c.hostname ? sshconfig_expand(w->c.hostname, &ht,
	    NULL, false, false, e, sizeof(e)) : strdup(w->d.host);
	if (s->hostname == NULL) {
		snprintf(w->err, w->errsz, "HostName: %s", e);
		return -1;
	}
	for (i = 0; s->hostname[i] != '\0'; i++)
		if (s->hostname[i] >= 'A' && s->hostname[i] <= 'Z')
			s->hostname[i] = (char)(s->hostname[i] - 'A' + 'a');
	if (!args_valid_host(s->hostname)) {
		snprintf(w->err, w->errsz, "HostName \"%s\": invalid "
		    "characters", log_sanitize(safe, sizeof(safe),
		    s->hostname, strlen(s->hostname)));
		return -1;
	}
	s->port = w->c.port > 0 ? w->c.port : ASSIST_DEFAULT_PORT;
	s->user = strdup(w->c.user ? w->c.user : w->env->local_user);
	if (s->user == NULL)
		return -1;
	if (!args_valid_user(s->user)) {
		snprintf(w->err, w->errsz, "User \"%s\": invalid characters",
		    log_sanitize(safe, sizeof(safe), s->user,
		    strlen(s->user)));
		return -1;
	}
	snprintf(w->port_s, sizeof(w->port_s), "%d", s->port);
	snprintf(w->uid_s, sizeof(w->uid_s), "%lu",
	    (unsigned long)w->env->uid);
	if (gethostname(w->host_full, sizeof(w->host_full)) != 0)
		snprintf(w->host_full, sizeof(w->host_full), "localhost");
	w->host_full[sizeof(w->host_full) - 1] = '\0';
	snprintf(w->host_short, sizeof(w->host_short), "%s", w->host_full);
	w->host_short[strcspn(w->host_short, ".")] = '\0';
	memset(&w->tok, 0, sizeof(w->tok));
	w->tok.tok['d'] = w->env->home;
	w->tok.tok['h'] = s->hostname;
	w->tok.tok['i'] = w->uid_s;
	w->tok.tok['k'] = w->c.host_key_alias ? w->c.host_key_alias :
	    w->d.host;
	w->tok.tok['L'] = w->host_short;
	w->tok.tok['l'] = w->host_full;
	w->tok.tok['n'] = w->d.host;
	w->tok.tok['p'] = w->port_s;
	w->tok.tok['r'] = s->user;
	w->tok.tok['u'] = w->env->local_user;
	return 0;
}

static int
settings_files(struct settings_work *w)
{
	struct cli_settings *s = w->s;
	const struct sshconfig_list *ids = &w->c.identity_files;
	size_t i;

	if (ids->n > 0) {
		if (settings_paths(w, "IdentityFile", (const char *const *)
		    ids->v, ids->n, &s->identities, &s->n_identities) != 0)
			return -1;
	} else if (settings_paths(w, "IdentityFile", settings_default_ids,
	    SETTINGS_NELEM(settings_default_ids), &s->identities,
	    &s->n_identities) != 0) {
		return -1;
	}
	s->identity_given = calloc(s->n_identities ? s->n_identities : 1,
	    sizeof(bool));
	if (s->identity_given == NULL)
		return -1;
	for (i = 0; i < s->n_identities; i++)
		s->identity_given[i] = ids->n > 0;
	if (settings_paths(w, "CertificateFile", (const char *const *)
	    w->c.certificate_files.v, w->c.certificate_files.n, &s->certs,
	    &s->n_certs) != 0)
		return -1;
	if (w->c.user_known_hosts.set ?
	    settings_paths(w, "UserKnownHostsFile", (const char *const *)
	    w->c.user_known_hosts.v, w->c.user_known_hosts.n, &s->user_kh,
	    &s->n_user_kh) :
	    settings_paths(w, "UserKnownHostsFile", settings_default_user_kh,
	    SETTINGS_NELEM(settings_default_user_kh), &s->user_kh,
	    &s->n_user_kh))
		return -1;
	if (w->c.global_known_hosts.set ?
	    settings_paths(w, "GlobalKnownHostsFile", (const char *const *)
	    w->c.global_known_hosts.v, w->c.global_known_hosts.n,
	    &s->global_kh, &s->n_global_kh) :
	    settings_paths(w, "GlobalKnownHostsFile",
	    settings_default_global_kh,
	    SETTINGS_NELEM(settings_default_global_kh), &s->global_kh,
	    &s->n_global_kh))
		return -1;
	return 0;
}

/* IdentityAgent as ssh reads it: none, SSH_AUTH_SOCK, $VAR or a path. */
static int
settings_agent(struct settings_work *w)
{
	const char *v = w->c.identity_agent;
	const char *env = NULL;

	if (v == NULL || strcmp(v, "SSH_AUTH_SOCK") == 0)
		env = "SSH_AUTH_SOCK";
	else if (strcasecmp(v, "none") == 0)
		return 0;
	else if (v[0] == '$' && v[1] != '{')
		env = v + 1;
	if (env != NULL) {
		const char *sock = getenv(env);

		if (sock == NULL || *sock == '\0')
			return 0;
		w->s->agent_sock = strdup(sock);
		return w->s->agent_sock ? 0 : -1;
	}
	w->s->agent_sock = settings_expand(w, "IdentityAgent", v, &w->tok,
	    true, true);
	return w->s->agent_sock ? 0 : -1;
}

static int
settings_proxy(struct settings_work *w)
{
	struct cli_settings *s = w->s;
	struct sshconfig_tokens pt;

	switch (w->c.proxy_kind) {
	case SSHCONFIG_PROXY_COMMAND:
		/* ssh_config(5): ProxyCommand accepts %%, %h, %n, %p, %r. */
		memset(&pt, 0, sizeof(pt));
		pt.tok['h'] = s->hostname;
		pt.tok['n'] = w->d.host;
		pt.tok['p'] = w->port_s;
		pt.tok['r'] = s->user;
		s->proxy_command = settings_expand(w, "ProxyCommand",
		    w->c.proxy, &pt, false, false);
		return s->proxy_command ? 0 : -1;
	case SSHCONFIG_PROXY_JUMP:
		if ((s->proxy_jump = strdup(w->c.proxy)) == NULL)
			return -1;
		s->proxy_command = settings_jump_command(w->c.proxy,
		    s->hostname, s->port, w->a->config, w->a->verbose, w->err,
		    w->errsz);
		return s->proxy_command ? 0 : -1;
	default:
		return 0;
	}
}

static int
settings_final(struct settings_work *w)
{
	struct cli_settings *s = w->s;
	char name[KNOWNHOSTS_MAX_HOST];
	const char *alias = w->c.host_key_alias;

	if (settings_names(w) != 0 || settings_files(w) != 0 ||
	    settings_agent(w) != 0 || settings_proxy(w) != 0)
		return -1;
	/* ssh looks a HostKeyAlias up as is, without "[...]:port". */
	if (alias != NULL) {
		if (!args_valid_host(alias) ||
		    knownhosts_hostname(alias, 22, name, sizeof(name)) != 0) {
			snprintf(w->err, w->errsz, "HostKeyAlias: invalid "
			    "characters");
			return -1;
		}
	} else if (knownhosts_hostname(s->hostname, s->port, name,
	    sizeof(name)) != 0) {
		snprintf(w->err, w->errsz, "host name too long");
		return -1;
	}
	if ((s->kh_name = strdup(name)) == NULL)
		return -1;
	s->identities_only = w->c.identities_only == 1;
	s->strict = w->c.strict;
	if (s->strict == SSHCONFIG_STRICT_UNSET) {
		s->strict = SSHCONFIG_STRICT_ASK;
		snprintf(s->strict_origin, sizeof(s->strict_origin),
		    "the default");
	} else {
		snprintf(s->strict_origin, sizeof(s->strict_origin), "%s",
		    w->c.strict_origin);
	}
	s->hash_known_hosts = w->c.hash_known_hosts == 1;
	s->batch_mode = w->c.batch_mode == 1;
	s->timeout = w->c.connect_timeout > 0 ? w->c.connect_timeout :
	    SETTINGS_DEFAULT_TIMEOUT;
	if (s->timeout > SSHCONFIG_MAX_TIMEOUT)
		s->timeout = SSHCONFIG_MAX_TIMEOUT;
	s->verbose = w->a->verbose;
	return 0;
}

int
settings_resolve(const struct cli_args *a, const struct cli_env *env,
		 struct cli_settings *s, char *err, size_t errsz)
{
	struct settings_work w;
	int rc;

	memset(s, 0, sizeof(*s));
	memset(&w, 0, sizeof(w));
	w.a = a;
	w.env = env;
	w.s = s;
	w.err = err;
	w.errsz = errsz;
	w.d.port = -1;
	snprintf(err, errsz, "out of memory");
	sshconfig_init(&w.c);
	rc = settings_cmdline(&w);
	if (rc == CLI_EXIT_OK && settings_read_config(&w) != 0)
		rc = CLI_EXIT_CONFIG;
	if (rc == CLI_EXIT_OK && settings_final(&w) != 0)
		rc = CLI_EXIT_CONFIG;
	sshconfig_free(&w.c);
	args_dest_free(&w.d);
	return rc;
}

static void
settings_print_list(FILE *f, const char *kw, char *const *v, size_t n)
{
	size_t i;

	fprintf(f, "%s", kw);
	if (n == 0)
		fprintf(f, " none");
	for (i = 0; i < n; i++)
		fprintf(f, " %s", v[i]);
	fprintf(f, "\n");
}

void
settings_print(const struct cli_settings *s, FILE *f)
{
	size_t i;

	fprintf(f, "host %s\n", s->host_arg);
	fprintf(f, "user %s\n", s->user);
	fprintf(f, "hostname %s\n", s->hostname);
	fprintf(f, "port %d\n", s->port);
	fprintf(f, "batchmode %s\n", s->batch_mode ? "yes" : "no");
	fprintf(f, "hashknownhosts %s\n", s->hash_known_hosts ? "yes" : "no");
	fprintf(f, "identitiesonly %s\n", s->identities_only ? "yes" : "no");
	fprintf(f, "stricthostkeychecking %s\n",
	    sshconfig_strict_name(s->strict));
	for (i = 0; i < s->n_identities; i++)
		fprintf(f, "identityfile %s\n", s->identities[i]);
	for (i = 0; i < s->n_certs; i++)
		fprintf(f, "certificatefile %s\n", s->certs[i]);
	settings_print_list(f, "globalknownhostsfile", s->global_kh,
	    s->n_global_kh);
	settings_print_list(f, "userknownhostsfile", s->user_kh, s->n_user_kh);
	fprintf(f, "connecttimeout %ld\n", s->timeout);
	fprintf(f, "identityagent %s\n", s->agent_sock ? s->agent_sock :
	    "none");
	if (s->proxy_jump != NULL)
		fprintf(f, "proxyjump %s\n", s->proxy_jump);
	if (s->proxy_command != NULL)
		fprintf(f, "proxycommand %s\n", s->proxy_command);
	fprintf(f, "knownhostsname %s\n", s->kh_name);
}
