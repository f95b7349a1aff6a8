/*
 * sshconfig: an OpenSSH 9.2 ssh_config(5) reader for the options assist-cli
 * uses. libssh 0.10.6 ignores CertificateFile and IdentitiesOnly among
 * others, so we parse the files ourselves and hand libssh only final values.
 *
 * Semantics follow ssh: the first value obtained for an option wins (the
 * command line is applied first, then ~/.ssh/config, then the system
 * file); IdentityFile and CertificateFile accumulate; Host and Match
 * blocks decide which lines apply; every keyword OpenSSH 9.2 (Debian)
 * knows is accepted, those we do not use are ignored; an unknown keyword
 * is an error "FILE:LINE: Bad configuration option: X".
 *
 * Input limits are explicit (below); a line or file past them is an error.
 */
#ifndef ASSIST_SSHCONFIG_H
#define ASSIST_SSHCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SSHCONFIG_MAX_LINE	 4096	  /* bytes in one line */
#define SSHCONFIG_MAX_FILE	 (256 * 1024) /* bytes in one file */
#define SSHCONFIG_MAX_DEPTH	 16	  /* Include nesting, as OpenSSH */
#define SSHCONFIG_MAX_FILES	 128	  /* files read through Include */
#define SSHCONFIG_MAX_ARGS	 256	  /* arguments on one line */
#define SSHCONFIG_MAX_IDENTITIES 100	  /* IdentityFile entries, as OpenSSH */
#define SSHCONFIG_MAX_CERTS	 100	  /* CertificateFile entries */
#define SSHCONFIG_MAX_HOSTFILES	 32	  /* known_hosts files per keyword */
#define SSHCONFIG_MAX_PATH	 4096	  /* an expanded path or command */
#define SSHCONFIG_MAX_ORIGIN	 256	  /* "FILE line N" of an option */
#define SSHCONFIG_MAX_TIMEOUT	 (24 * 3600) /* ConnectTimeout seconds */

/* Flags for sshconfig_parse_buffer / sshconfig_read_file. */
enum {
	SSHCONFIG_USER = 1u << 0,	/* user file: Include is relative to
					   ~/.ssh and may start with ~ */
	SSHCONFIG_CHECKPERM = 1u << 1,	/* refuse files writable by others
					   or owned by another user */
	SSHCONFIG_NO_INCLUDE = 1u << 2,	/* check Include syntax, open nothing
					   (fuzzing, tests) */
	SSHCONFIG_NEVERMATCH = 1u << 3,	/* internal: Include inside an
					   inactive block */
};

/* StrictHostKeyChecking, with OpenSSH's values. */
enum sshconfig_strict {
	SSHCONFIG_STRICT_UNSET = -1,
	SSHCONFIG_STRICT_OFF = 0,	/* no, off, false */
	SSHCONFIG_STRICT_ACCEPT_NEW = 1,
	SSHCONFIG_STRICT_YES = 2,	/* yes, true */
	SSHCONFIG_STRICT_ASK = 3,
};

enum sshconfig_proxy {
	SSHCONFIG_PROXY_UNSET = 0,
	SSHCONFIG_PROXY_NONE,		/* "ProxyCommand none"/"ProxyJump none" */
	SSHCONFIG_PROXY_COMMAND,	/* proxy holds the command text */
	SSHCONFIG_PROXY_JUMP,		/* proxy holds the hop list */
};

/* A list of strings; set tells "a line already gave this option" for the
 * keywords where the first line wins as a whole (known_hosts files). */
struct sshconfig_list {
	char **v;
	size_t n;
	bool set;
};

/*
 * Values as written (tokens and ~ not yet expanded: sshconfig_expand does
 * that once the final host, port and user are known). -1 / NULL = unset.
 */
struct sshconfig {
	char *hostname;
	int port;
	char *user;
	struct sshconfig_list identity_files;
	struct sshconfig_list certificate_files;
	int identities_only;
	char *identity_agent;
	enum sshconfig_proxy proxy_kind;
	char *proxy;
	struct sshconfig_list user_known_hosts;
	struct sshconfig_list global_known_hosts;
	int strict;			/* enum sshconfig_strict */
	char strict_origin[SSHCONFIG_MAX_ORIGIN]; /* where strict was set */
	int hash_known_hosts;
	int connect_timeout;		/* seconds */
	int batch_mode;
	char *host_key_alias;
	char *ignore_unknown;
	bool warned_match;		/* unsupported Match criterion warned */
	bool warned_ignored;		/* ignored security option warned */
};

/* Who is connecting where: what Host and Match lines are compared with. */
struct sshconfig_ctx {
	const char *host;	/* host as given on the command line */
	const char *local_user;
	const char *home;	/* for ~ and user-relative Include */
	uid_t uid;		/* owner allowed besides root (CHECKPERM) */
};

void sshconfig_init(struct sshconfig *c);
void sshconfig_free(struct sshconfig *c);

/*
 * Parses len bytes of config text named name (for messages). Lines apply
 * to c according to Host/Match and first-value-wins. Returns 0, or -1
 * with "name:line: reason" in err. Warnings (unsupported Match criteria,
 * ignored security options) go to log_info once per config.
 */
int sshconfig_parse_buffer(struct sshconfig *c, const struct sshconfig_ctx *ctx,
			   const char *name, const char *text, size_t len,
			   unsigned flags, char *err, size_t errsz);

/*
 * Reads and parses a file. A missing file is not an error (returns 0)
 * unless must_exist. Returns 0 or -1 with err set.
 */
int sshconfig_read_file(struct sshconfig *c, const struct sshconfig_ctx *ctx,
			const char *path, unsigned flags, bool must_exist,
			char *err, size_t errsz);

/*
 * Applies one command-line option ("Keyword=value" or "Keyword value",
 * as -o gives it). Host, Match and Include are refused there, as in ssh.
 * Returns 0 or -1 with err set.
 */
int sshconfig_apply_option(struct sshconfig *c, const struct sshconfig_ctx *ctx,
			   const char *option, char *err, size_t errsz);

/* Adds an identity file as -i does (before IdentityFile lines). 0 / -1. */
int sshconfig_add_identity(struct sshconfig *c, const char *path);

/*
 * Token values for sshconfig_expand: tok['h'] etc., NULL = token not
 * allowed in this option (its use is an error, as in ssh).
 */
struct sshconfig_tokens {
	const char *tok[128];
};

/*
 * Expands "%x" tokens ("%%" is '%'), optionally a leading "~" / "~/" /
 * "~user" (tilde) and "${NAME}" environment references (dollar). Returns
 * a new string (caller frees) or NULL with err set; the result is at most
 * SSHCONFIG_MAX_PATH bytes.
 */
char *sshconfig_expand(const char *in, const struct sshconfig_tokens *t,
		       const char *home, bool tilde, bool dollar,
		       char *err, size_t errsz);

/*
 * One hop of a ProxyJump list or the destination argument:
 * "[user@]host[:port]", "[user@][v6addr]:port", "ssh://[user@]host[:port]",
 * or a bare IPv6 address. *user (NULL when absent) and *host are new
 * strings, *port -1 when absent. Returns 0 or -1 (nothing allocated).
 */
int sshconfig_parse_hop(const char *s, char **user, char **host, int *port);

/* Parses a port number 1..65535; returns it or -1. */
int sshconfig_parse_port(const char *s);

/* OpenSSH convtime: "90", "1m30s", "2h"; seconds or -1 (also on overflow
 * past SSHCONFIG_MAX_TIMEOUT). */
int sshconfig_parse_time(const char *s);

/* Name of a strict-host-key value, e.g. "accept-new". */
const char *sshconfig_strict_name(int strict);

#endif
