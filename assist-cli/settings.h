/*
 * settings: the final values assist-cli connects with, from the command
 * line, ssh_config files (common/sshconfig.h) and defaults, with tokens
 * and ~ expanded and every name validated. libssh gets only these values
 * (its own config reading is switched off).
 */
#ifndef ASSIST_CLI_SETTINGS_H
#define ASSIST_CLI_SETTINGS_H

#include "assist-cli/args.h"
#include "common/sshconfig.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define SETTINGS_DEFAULT_TIMEOUT 30	/* seconds, when no ConnectTimeout */
#define SETTINGS_SYSTEM_CONFIG	 "/etc/ssh/ssh_config"
/* "user@[host]:port": two names, brackets, '@', ':', port, NUL. */
#define SETTINGS_MAX_TARGET	 (2 * ARGS_MAX_NAME + 16)

/* Who runs us; main() fills it from getpwuid() and $HOME. */
struct cli_env {
	const char *home;
	const char *local_user;
	uid_t uid;
	const char *system_config;	/* SETTINGS_SYSTEM_CONFIG normally */
};

struct cli_settings {
	char *host_arg;		/* host as typed (Host lines, %n) */
	char *hostname;		/* where to connect, lower case */
	int port;
	char *user;
	char *kh_name;		/* known_hosts lookup name */
	char **user_kh;		/* UserKnownHostsFile, expanded */
	size_t n_user_kh;
	char **global_kh;
	size_t n_global_kh;
	char **identities;	/* expanded identity paths, in order */
	bool *identity_given;	/* from -i/IdentityFile (else a default) */
	size_t n_identities;
	char **certs;		/* expanded CertificateFile paths */
	size_t n_certs;
	bool identities_only;
	char *agent_sock;	/* NULL: no agent */
	char *proxy_command;	/* shell command (not %-escaped) or NULL */
	char *proxy_jump;	/* ProxyJump as written, for -G */
	int strict;		/* enum sshconfig_strict, never UNSET */
	char strict_origin[SSHCONFIG_MAX_ORIGIN];
	bool hash_known_hosts;
	bool batch_mode;
	long timeout;		/* seconds, always > 0 */
	int verbose;
};

/*
 * Resolves the settings: command line first, then -F FILE (or
 * ~/.ssh/config and env->system_config), then defaults. Returns
 * CLI_EXIT_OK, CLI_EXIT_USAGE (bad destination/option) or
 * CLI_EXIT_CONFIG, with a one-line reason in err. settings_free always.
 */
int settings_resolve(const struct cli_args *a, const struct cli_env *env,
		     struct cli_settings *s, char *err, size_t errsz);
void settings_free(struct cli_settings *s);

/* "user@host:port" (an IPv6 address in brackets) of s into out, cut to
 * outsz - 1 bytes (SETTINGS_MAX_TARGET always fits). Returns out. */
char *settings_target(const struct cli_settings *s, char *out,
		      size_t outsz);

/* Prints the settings as "keyword value" lines, like `ssh -G`. */
void settings_print(const struct cli_settings *s, FILE *f);

/* s in single quotes for /bin/sh ('\'' for each quote); caller frees. */
char *settings_shell_quote(const char *s);

/*
 * The ProxyCommand that ProxyJump spec means, after OpenSSH's ssh.c: the
 * last hop is reached directly with `ssh -W '[host]:port'`, earlier hops
 * are passed on with -J; config (-F) and -v are passed on too. Every
 * interpolated value is validated and single-quoted. Returns a new string
 * or NULL with err set.
 */
char *settings_jump_command(const char *spec, const char *host, int port,
			    const char *config, int verbose, char *err,
			    size_t errsz);

/* Escapes '%' as "%%" for SSH_OPTIONS_PROXYCOMMAND, which expands %
 * tokens itself (measured: libssh 0.10.6 turns %h, %p, %r, %u, %d). */
char *settings_libssh_escape(const char *s);

#endif
