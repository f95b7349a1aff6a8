/*
 * srvconfig: assistd's configuration, in sshd_config syntax (see
 * assistd.conf(5)). Two layers, each a struct srvconfig_layer:
 *   sys  the administrator's SRVCONFIG_SYSTEM_FILE, authoritative when
 *        present: its files must be owned by root;
 *   usr  the user's -o options, then -f FILE (default
 *        $XDG_CONFIG_HOME/assist/assistd.conf), owned by root or the user.
 * Within a layer the first value obtained for a directive wins, as in
 * sshd; the list directives (ListenAddress, TrustedUserCAKeys,
 * RevokedKeys) accumulate over the lines of the source that first set
 * them, so -o ListenAddress=X replaces the file's addresses.
 *
 * srvconfig_resolve merges the layers: the administrator's policy files
 * and the user's stay separate (policy.c requires a request to pass
 * both); a user's numeric limit above the administrator's is ignored with
 * a warning; the administrator's ListenAddress and TranscriptDir, when
 * set, replace the user's (also with a warning).
 *
 * Config files pass the StrictModes check of common/safefile.h. Input
 * limits are explicit below; a line or file past them is an error.
 */
#ifndef ASSIST_SRVCONFIG_H
#define ASSIST_SRVCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/policy.h"

#define SRVCONFIG_MAX_LINE	4096		/* bytes in one line */
#define SRVCONFIG_MAX_FILE	(64 * 1024)	/* bytes in one file */
#define SRVCONFIG_MAX_ARGS	64		/* arguments on one line */
#define SRVCONFIG_MAX_LIST	8		/* values of a list directive */
#define SRVCONFIG_MAX_PATH	4096		/* an expanded path */
#define SRVCONFIG_MAX_ORIGIN	320		/* "FILE:LINE" of a value */

#define SRVCONFIG_DEFAULT_WAIT		(15 * 60)	/* Wait, seconds */
#define SRVCONFIG_DEFAULT_GRACE		30		/* LoginGraceTime */
#define SRVCONFIG_DEFAULT_AUTH_TRIES	6		/* MaxAuthTries */
#define SRVCONFIG_DEFAULT_STARTUPS	10		/* MaxStartups */
#define SRVCONFIG_LIMIT_AUTH_TRIES	100
#define SRVCONFIG_LIMIT_STARTUPS	60	/* below the monitor's hard cap */

/*
 * The administrator's file. Deliberately not a run-time option (a user
 * must not be able to point assistd elsewhere): `make SYSCONFDIR=DIR`
 * sets it at build time, and only assistd/main.c uses it, so the e2e
 * tests build a copy of assistd with a temporary directory.
 */
#ifndef ASSIST_SYSCONFDIR
#define ASSIST_SYSCONFDIR "/etc/assist"
#endif
#define SRVCONFIG_SYSTEM_FILE ASSIST_SYSCONFDIR "/assistd.conf"

/* A string directive: values as written (tokens not yet expanded). */
struct srvconfig_strs {
	char *v[SRVCONFIG_MAX_LIST];
	size_t n;
	int source;		/* 0: unset; else the source that set it */
	bool none;		/* set to "none": explicitly no file */
	char origin[SRVCONFIG_MAX_ORIGIN];
};

/* A numeric directive (seconds for durations); source 0: unset. */
struct srvconfig_num {
	int v;
	int source;
	char origin[SRVCONFIG_MAX_ORIGIN];
};

struct srvconfig_layer {
	char *file;		/* the file read into this layer, or NULL */
	int nsources;		/* sources applied so far */
	struct srvconfig_strs listen;		/* ListenAddress */
	struct srvconfig_num login_grace;	/* LoginGraceTime */
	struct srvconfig_num max_auth_tries;	/* MaxAuthTries */
	struct srvconfig_num max_startups;	/* MaxStartups */
	struct srvconfig_num wait;		/* Wait (assistd's own) */
	struct srvconfig_strs trusted_ca;	/* TrustedUserCAKeys */
	struct srvconfig_strs principals;	/* AuthorizedPrincipalsFile */
	struct srvconfig_strs authorized_keys;	/* AuthorizedKeysFile */
	struct srvconfig_strs revoked;		/* RevokedKeys */
	struct srvconfig_strs host_cert;	/* HostCertificate */
	struct srvconfig_strs transcript_dir;	/* TranscriptDir */
};

/* What assistd runs with, after srvconfig_resolve. */
struct srvconfig_effective {
	const char *listen[SRVCONFIG_MAX_LIST];	/* as written; 0 = default */
	size_t nlisten;
	int login_grace_secs;
	int max_auth_tries;
	int max_startups;
	int wait_secs;
	const char *host_certificate;	/* expanded path, or NULL */
	const char *transcript_dir;	/* drop directory (expanded), or NULL */
	struct policy_files sys;	/* expanded paths of each layer */
	struct policy_files usr;
	bool sys_policy;	/* the administrator named a policy file */
};

struct srvconfig {
	char *sys_file;		/* where each layer's file is (copies), */
	char *usr_file;		/* even when absent; for srvconfig_dump */
	struct srvconfig_layer sys;
	struct srvconfig_layer usr;
	struct srvconfig_effective eff;
	/* expanded paths: per layer 2 lists and 2 files, the host
	 * certificate and the transcript directory */
	char *owned[2 * (2 * SRVCONFIG_MAX_LIST + 2) + 2];
	size_t nowned;
};

/* What srvconfig_load needs to know. */
struct srvconfig_args {
	const char *sys_file;	/* SRVCONFIG_SYSTEM_FILE; NULL: no layer */
	const char *usr_file;	/* -f FILE or the default path */
	bool usr_must_exist;	/* -f was given: a missing file is an error */
	const char *const *options;	/* -o values, in command-line order */
	size_t noptions;
	uid_t uid;		/* may own the user's files, besides root */
	const char *user;	/* account name, for %u */
	const char *home;	/* home directory, for %h, ~ and relative paths */
};

void srvconfig_init(struct srvconfig *c);
void srvconfig_free(struct srvconfig *c);

/*
 * Parses len bytes of config text named name (for messages) into layer l
 * as one new source. Returns 0, or -1 with "name:line: reason" in err.
 */
int srvconfig_parse_buffer(struct srvconfig_layer *l, const char *name,
			   const char *text, size_t len, char *err,
			   size_t errsz);

/*
 * Applies one command-line option "Directive=value" (or "Directive
 * value"), as -o gives it; all options share one source, which must be
 * applied before any file for them to take precedence. 0 or -1 with
 * "command line: reason" in err.
 */
int srvconfig_apply_option(struct srvconfig_layer *l, const char *option,
			   char *err, size_t errsz);

/*
 * Reads path into l after safefile's StrictModes check (owner: the one
 * account allowed besides root; 0 = root only). A missing file is not an
 * error (returns 0, l->file stays NULL) unless must_exist.
 */
int srvconfig_read_file(struct srvconfig_layer *l, const char *path,
			uid_t owner, bool must_exist, char *err, size_t errsz);

/*
 * Merges c->sys and c->usr into c->eff: expands %h, %u, %%, a leading ~
 * and relative paths (the user's against home, the administrator's
 * against sysdir, the directory of the system file); applies the
 * administrator's limits (warnings through log_info). May be called
 * again after a layer changed. 0, or -1 with err.
 */
int srvconfig_resolve(struct srvconfig *c, const char *user,
		      const char *home, const char *sysdir, char *err,
		      size_t errsz);

/* init + system file + options + user file + resolve. 0 or -1 with err;
 * c must be freed either way. */
int srvconfig_load(struct srvconfig *c, const struct srvconfig_args *a,
		   char *err, size_t errsz);

/*
 * The two policy layers for policy_load(): *sys is NULL when the
 * administrator named no policy file, else points into c, as *usr does.
 */
void srvconfig_policy(const struct srvconfig *c,
		      const struct policy_files **sys,
		      const struct policy_files **usr);

/* Prints the effective configuration like sshd -T (lowercase keywords),
 * then each layer's policy files under a "# ... layer" comment. */
void srvconfig_dump(const struct srvconfig *c, FILE *f);

#endif
