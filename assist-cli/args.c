/* args: assist-cli command line; see args.h. */
#include "assist-cli/args.h"

#include "common/log.h"
#include "common/sshconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
args_error(char *err, size_t errsz, const char *what, const char *arg)
{
	char safe[128];

	if (arg != NULL)
		snprintf(err, errsz, "%s: %s", what,
		    log_sanitize(safe, sizeof(safe), arg, strlen(arg)));
	else
		snprintf(err, errsz, "%s", what);
	return -1;
}

/* Takes the value of an option: the rest of this word or the next word. */
static const char *
args_value(int argc, char *const argv[], int *i, const char *rest)
{
	if (*rest != '\0')
		return rest;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* One word of single-letter options, e.g. "-vv" or "-p5922". */
static int
args_short(int argc, char *const argv[], int *i, struct cli_args *a,
	   char *err, size_t errsz)
{
	const char *w = argv[*i] + 1;

	for (; *w != '\0'; w++) {
		const char *v;
		char opt[3] = { '-', *w, '\0' };

		switch (*w) {
		case 'v':
			a->verbose++;
			continue;
		case 'G':
			a->dump_config = true;
			continue;
		case 'h':
			a->help = true;
			continue;
		case 'p': case 'i': case 'F': case 'o':
			break;
		default:
			return args_error(err, errsz, "unknown option", opt);
		}
		if ((v = args_value(argc, argv, i, w + 1)) == NULL)
			return args_error(err, errsz, "option needs a value",
			    opt);
		if (*w == 'F') {
			if (a->config != NULL)
				return args_error(err, errsz, "-F given twice",
				    NULL);
			a->config = v;
			return 0;
		}
		if (a->n_items == ARGS_MAX_ITEMS)
			return args_error(err, errsz, "too many options", opt);
		if (*w == 'p' && sshconfig_parse_port(v) < 0)
			return args_error(err, errsz, "bad port", v);
		if (*w == 'i' && *v == '\0')
			return args_error(err, errsz, "empty -i", NULL);
		a->items[a->n_items].kind = *w == 'p' ? ARGS_PORT :
		    *w == 'i' ? ARGS_IDENTITY : ARGS_OPTION;
		a->items[a->n_items++].value = v;
		return 0;	/* the value used up the rest of the word */
	}
	return 0;
}

bool
args_valid_reason(const char *r)
{
	size_t i, n = strlen(r);

	if (n > ARGS_MAX_REASON)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)r[i] < 0x20 || (unsigned char)r[i] == 0x7f)
			return false;
	return true;
}

/* "--name" or "--name=..." (then *value points after the '='). */
static bool
args_long_is(const char *w, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (strncmp(w, name, n) != 0)
		return false;
	if (w[n] == '\0') {
		*value = NULL;
		return true;
	}
	if (w[n] == '=') {
		*value = w + n + 1;
		return true;
	}
	return false;
}

/* The value of a long option: after '=' (v) or the next word. NULL
 * (with err) when missing. */
static const char *
args_long_value(int argc, char *const argv[], int *i, const char *v,
		const char *name, char *err, size_t errsz)
{
	if (v != NULL)
		return v;
	if (*i + 1 >= argc) {
		args_error(err, errsz, "option needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

static int
args_reason(int argc, char *const argv[], int *i, const char *v,
	    struct cli_args *a, char *err, size_t errsz)
{
	if ((v = args_long_value(argc, argv, i, v, "--reason", err, errsz)) ==
	    NULL)
		return -1;
	if (a->reason != NULL)
		return args_error(err, errsz, "--reason given twice", NULL);
	if (strlen(v) > ARGS_MAX_REASON) {
		snprintf(err, errsz, "--reason is %zu bytes long (at most %d)",
		    strlen(v), ARGS_MAX_REASON);
		return -1;
	}
	if (!args_valid_reason(v))
		return args_error(err, errsz, "control characters in "
		    "--reason", v);
	a->reason = v;
	return 0;
}

static int
args_snapshot(int argc, char *const argv[], int *i, const char *v,
	      struct cli_args *a, char *err, size_t errsz)
{
	if ((v = args_long_value(argc, argv, i, v, "--snapshot", err,
	    errsz)) == NULL)
		return -1;
	if (a->snapshot != NULL)
		return args_error(err, errsz, "--snapshot given twice", NULL);
	if (*v == '\0' || strlen(v) > ARGS_MAX_PATH)
		return args_error(err, errsz, "bad --snapshot file name", v);
	a->snapshot = v;
	return 0;
}

static int
args_vnc_listen(int argc, char *const argv[], int *i, const char *v,
		struct cli_args *a, char *err, size_t errsz)
{
	char why[128];

	if ((v = args_long_value(argc, argv, i, v, "--vnc-listen", err,
	    errsz)) == NULL)
		return -1;
	if (a->vnc_listen != NULL)
		return args_error(err, errsz, "--vnc-listen given twice",
		    NULL);
	if (args_parse_listen(v, &a->listen, why, sizeof(why)) != 0)
		return args_error(err, errsz, why, v);
	a->vnc_listen = v;
	return 0;
}

static int
args_pixel_format(int argc, char *const argv[], int *i, const char *v,
		  struct cli_args *a, char *err, size_t errsz)
{
	if ((v = args_long_value(argc, argv, i, v, "--pixel-format", err,
	    errsz)) == NULL)
		return -1;
	if (strcmp(v, "32") == 0)
		a->pixel_format = 32;
	else if (strcmp(v, "16") == 0)
		a->pixel_format = 16;
	else if (strcmp(v, "8") == 0)
		a->pixel_format = 8;
	else
		return args_error(err, errsz, "--pixel-format wants 32, 16 "
		    "or 8", v);
	return 0;
}

/* Digits only, 1..65535 (0 too when zero_ok). -1 when not. */
static long
args_port_number(const char *p, bool zero_ok)
{
	long v = 0;

	if (*p == '\0' || strlen(p) > 5)
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return (v > 65535 || (v == 0 && !zero_ok)) ? -1 : v;
}

int
args_parse_listen(const char *s, struct args_listen *l, char *err,
		  size_t errsz)
{
	const char *colon = strrchr(s, ':'), *port = s;
	size_t alen = 0;
	long v;

	memset(l, 0, sizeof(*l));
	snprintf(l->addr, sizeof(l->addr), "%s", ARGS_LISTEN_DEFAULT);
	if (colon != NULL) {
		const char *a0 = s, *a1 = colon;

		/* [v6addr]:port */
		if (*a0 == '[' && a1 > a0 && a1[-1] == ']') {
			a0++;
			a1--;
		}
		alen = (size_t)(a1 - a0);
		if (alen == 0 || alen >= sizeof(l->addr)) {
			snprintf(err, errsz, "bad --vnc-listen address");
			return -1;
		}
		memcpy(l->addr, a0, alen);
		l->addr[alen] = '\0';
		if (strspn(l->addr, "0123456789abcdefABCDEF.:") != alen) {
			snprintf(err, errsz, "--vnc-listen wants a numeric "
			    "address");
			return -1;
		}
		l->addr_given = true;
		port = colon + 1;
	}
	if ((v = args_port_number(port, true)) < 0) {
		snprintf(err, errsz, "bad --vnc-listen port");
		return -1;
	}
	l->port = (int)v;
	return 0;
}

/* One word starting with "--" (not "--" itself). */
static int
args_long(int argc, char *const argv[], int *i, struct cli_args *a,
	  char *err, size_t errsz)
{
	const char *w = argv[*i], *v;
	bool *flag = NULL;

	if (strcmp(w, "--help") == 0)
		flag = &a->help;
	else if (strcmp(w, "--version") == 0)
		flag = &a->version;
	else if (strcmp(w, "--view-only") == 0)
		flag = &a->view_only;
	else if (strcmp(w, "--exit-after-accept") == 0)
		flag = &a->exit_after_accept;
	if (flag != NULL) {
		*flag = true;
		return 0;
	}
	if (args_long_is(w, "--reason", &v))
		return args_reason(argc, argv, i, v, a, err, errsz);
	if (args_long_is(w, "--snapshot", &v))
		return args_snapshot(argc, argv, i, v, a, err, errsz);
	if (args_long_is(w, "--vnc-listen", &v))
		return args_vnc_listen(argc, argv, i, v, a, err, errsz);
	if (args_long_is(w, "--pixel-format", &v))
		return args_pixel_format(argc, argv, i, v, a, err, errsz);
	return args_error(err, errsz, "unknown option", w);
}

int
args_parse(int argc, char *const argv[], struct cli_args *a, char *err,
	   size_t errsz)
{
	bool opts_done = false;
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!opts_done && strcmp(w, "--") == 0) {
			opts_done = true;
		} else if (!opts_done && w[0] == '-' && w[1] == '-') {
			if (args_long(argc, argv, &i, a, err, errsz) != 0)
				return -1;
		} else if (!opts_done && w[0] == '-' && w[1] != '\0') {
			if (args_short(argc, argv, &i, a, err, errsz) != 0)
				return -1;
		} else if (a->dest == NULL) {
			a->dest = w;
			a->dest_pos = a->n_items;
		} else {
			return args_error(err, errsz, "unexpected argument "
			    "(only one destination; no remote command)", w);
		}
	}
	if (a->dest == NULL && !a->help && !a->version)
		return args_error(err, errsz, "no destination given", NULL);
	if (a->snapshot != NULL && a->vnc_listen != NULL)
		return args_error(err, errsz, "--snapshot and --vnc-listen "
		    "exclude each other", NULL);
	if (a->pixel_format != 0 && a->vnc_listen != NULL)
		return args_error(err, errsz, "--pixel-format has no effect "
		    "with --vnc-listen (the local viewer chooses)", NULL);
	return 0;
}

void
args_dest_free(struct cli_dest *d)
{
	free(d->user);
	free(d->host);
	d->user = d->host = NULL;
	d->port = -1;
}

int
args_parse_dest(const char *s, struct cli_dest *d, char *err, size_t errsz)
{
	if (sshconfig_parse_hop(s, &d->user, &d->host, &d->port) != 0) {
		d->user = d->host = NULL;
		return args_error(err, errsz, "bad destination (want "
		    "[user@]host[:port])", s);
	}
	if (!args_valid_host(d->host)) {
		args_dest_free(d);
		return args_error(err, errsz, "invalid characters in host "
		    "name", s);
	}
	if (d->user != NULL && !args_valid_user(d->user)) {
		args_dest_free(d);
		return args_error(err, errsz, "invalid characters in user "
		    "name", s);
	}
	return 0;
}

static bool
args_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

bool
args_valid_host(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || n > ARGS_MAX_NAME || h[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!args_alnum(h[i]) && strchr(".-_:", h[i]) == NULL)
			return false;
	return true;
}

bool
args_valid_user(const char *u)
{
	size_t i, n = strlen(u);

	if (n == 0 || n > ARGS_MAX_NAME || u[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		if (args_alnum(u[i]) || strchr(".-_@+", u[i]) != NULL)
			continue;
		if (u[i] == '$' && i == n - 1)
			continue;
		return false;
	}
	return true;
}
