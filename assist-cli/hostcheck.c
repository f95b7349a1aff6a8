/* hostcheck: our own known_hosts verification; see hostcheck.h. */
#include "assist-cli/hostcheck.h"

#include "assist-cli/exitcode.h"
#include "assist-cli/prompt.h"
#include "common/libsshkey.h"
#include "common/knownhosts.h"
#include "common/log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The server's key as known_hosts compares it. */
struct hc_key {
	char type[KNOWNHOSTS_MAX_TYPE];
	uint8_t *blob;
	size_t len;
	char fp[KNOWNHOSTS_FP_LEN];
	const char *label;
};

static const char hc_bar[] =
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";

const char *
hostcheck_type_label(const char *keytype)
{
	static const struct {
		const char *type, *label;
	} tab[] = {
		{ "ssh-ed25519", "ED25519" },
		{ "sk-ssh-ed25519@openssh.com", "ED25519-SK" },
		{ "ecdsa-sha2-nistp256", "ECDSA" },
		{ "ecdsa-sha2-nistp384", "ECDSA" },
		{ "ecdsa-sha2-nistp521", "ECDSA" },
		{ "sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK" },
		{ "ssh-rsa", "RSA" },
		{ "ssh-dss", "DSA" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(keytype, tab[i].type) == 0)
			return tab[i].label;
	return keytype;
}

static int
hc_server_key(ssh_session ss, struct hc_key *k, char *err, size_t errsz)
{
	ssh_key key = NULL;
	const char *type;
	int r = -1;

	memset(k, 0, sizeof(*k));
	if (ssh_get_server_publickey(ss, &key) != SSH_OK) {
		snprintf(err, errsz, "cannot get the server's host key: %s",
		    ssh_get_error(ss));
		return -1;
	}
	type = ssh_key_type_to_char(ssh_key_type(key));
	if (type == NULL || strlen(type) >= sizeof(k->type)) {
		snprintf(err, errsz, "cannot read the server's host key");
		goto out;
	}
	snprintf(k->type, sizeof(k->type), "%s", type);
	k->label = hostcheck_type_label(k->type);
	k->blob = libsshkey_blob(key, KNOWNHOSTS_MAX_BLOB, &k->len);
	if (k->blob == NULL ||
	    knownhosts_fingerprint(k->blob, k->len, k->fp) != 0) {
		snprintf(err, errsz, "cannot decode the server's host key");
		goto out;
	}
	r = 0;
out:
	ssh_key_free(key);
	return r;
}

int
hostcheck_read_files(const struct cli_settings *s,
		     struct knownhosts_lookup *l, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; i < s->n_user_kh; i++)
		if (knownhosts_lookup_file(l, s->user_kh[i], err, errsz) != 0)
			return -1;
	for (i = 0; i < s->n_global_kh; i++)
		if (knownhosts_lookup_file(l, s->global_kh[i], err,
		    errsz) != 0)
			return -1;
	return 0;
}

/* Looks the key up in every user, then every global file. */
static int
hc_lookup(const struct cli_settings *s, const struct hc_key *k,
	  struct knownhosts_lookup *l, char *err, size_t errsz)
{
	if (knownhosts_lookup_init(l, s->kh_name, k->type, k->blob,
	    k->len) != 0) {
		snprintf(err, errsz, "host name too long for known_hosts");
		return -1;
	}
	return hostcheck_read_files(s, l, err, errsz);
}

static void
hc_print_revoked(const struct cli_settings *s, const struct hc_key *k,
		 const struct knownhosts_lookup *l)
{
	char file[256];

	fprintf(stderr, "%s\n@       WARNING: REVOKED HOST KEY DETECTED!"
	    "               @\n%s\n", hc_bar, hc_bar);
	fprintf(stderr, "The %s host key for %s is marked as revoked.\n"
	    "This could mean that a stolen key is being used to\n"
	    "impersonate this host.\n", k->label, s->kh_name);
	fprintf(stderr, "The fingerprint of the key sent by the remote host "
	    "is\n%s.\nRevoked in %s:%lu\n", k->fp,
	    log_sanitize_str(file, sizeof(file), l->revoked.file), l->revoked.line);
}

static void
hc_print_changed(const struct cli_settings *s, const struct hc_key *k,
		 const struct knownhosts_lookup *l)
{
	char file[256];

	log_sanitize_str(file, sizeof(file), l->changed.file);
	fprintf(stderr, "%s\n@    WARNING: REMOTE HOST IDENTIFICATION HAS "
	    "CHANGED!     @\n%s\n", hc_bar, hc_bar);
	fprintf(stderr, "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING "
	    "NASTY!\nSomeone could be eavesdropping on you right now "
	    "(man-in-the-middle attack)!\nIt is also possible that a host "
	    "key has just been changed.\n");
	fprintf(stderr, "The fingerprint for the %s key sent by the remote "
	    "host is\n%s.\nPlease contact your system administrator.\n"
	    "Add correct host key in %s to get rid of this message.\n"
	    "Offending %s key in %s:%lu\n  remove with:\n"
	    "  ssh-keygen -f \"%s\" -R \"%s\"\n", k->label, k->fp, file,
	    k->label, file, l->changed.line, file, s->kh_name);
	fprintf(stderr, "Host key for %s has changed and assist-cli never "
	    "connects to a changed host key.\n", s->kh_name);
}

/* Creates ~/.ssh (0700) when the file is to go there and it is missing,
 * as ssh does for its default known_hosts. */
static void
hc_make_ssh_dir(const char *path)
{
	char dir[KNOWNHOSTS_MAX_PATH];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL || (n = (size_t)(slash - path)) >= sizeof(dir) ||
	    n < 5)
		return;
	memcpy(dir, path, n);
	dir[n] = '\0';
	if (strcmp(dir + n - 5, "/.ssh") != 0)
		return;
	if (mkdir(dir, 0700) == 0)
		fprintf(stderr, "Created directory '%s'.\n", dir);
}

/* Appends the key to the first user known_hosts file; 0, or -1 with the
 * reason in err (the caller warns and goes on, as ssh does). */
static int
hc_record(const struct cli_settings *s, const struct hc_key *k, char *err,
	  size_t errsz)
{
	char *line;
	int r;

	if (s->n_user_kh == 0) {
		snprintf(err, errsz, "UserKnownHostsFile is none");
		return -1;
	}
	line = knownhosts_format(s->kh_name, s->hash_known_hosts, k->type,
	    k->blob, k->len);
	if (line == NULL) {
		snprintf(err, errsz, "cannot format the known_hosts line");
		return -1;
	}
	hc_make_ssh_dir(s->user_kh[0]);
	r = knownhosts_append(s->user_kh[0], line, err, errsz);
	free(line);
	return r;
}

/* Shows the fingerprint and asks. 1 accepted, 0 refused, -1 no tty. */
static int
hc_ask(const struct cli_settings *s, const struct hc_key *k,
       const struct knownhosts_lookup *l)
{
	char q[1024], ans[PROMPT_MAX_ANSWER], other[320], fname[200];
	int tries, r;

	if (l->other_name.found)
		snprintf(other, sizeof(other), "This host key is also known "
		    "in %s:%lu under another name.\n", log_sanitize_str(fname,
		    sizeof(fname), l->other_name.file), l->other_name.line);
	else
		snprintf(other, sizeof(other), "This key is not known by any "
		    "other names.\n");
	snprintf(q, sizeof(q), "The authenticity of host '%s' can't be "
	    "established.\n%s key fingerprint is %s.\n%s%s"
	    "Are you sure you want to continue connecting "
	    "(yes/no/[fingerprint])? ", s->kh_name, k->label, k->fp, other,
	    l->other_types > 0 ? "Keys of another type are already known "
	    "for this host.\n" : "");
	for (tries = 0; tries < HOSTCHECK_MAX_TRIES; tries++) {
		r = prompt_read(tries == 0 ? q : "Please type 'yes', 'no' or "
		    "the fingerprint: ", ans, sizeof(ans), true);
		if (r == PROMPT_NO_TTY)
			return -1;
		if (r != PROMPT_OK)
			return 0;
		if (strcmp(ans, "yes") == 0 || strcmp(ans, k->fp) == 0)
			return 1;
		if (strcmp(ans, "no") == 0)
			return 0;
	}
	return 0;
}

static int
hc_unknown(const struct cli_settings *s, const struct hc_key *k,
	   const struct knownhosts_lookup *l, struct hostcheck_outcome *o,
	   char *err, size_t errsz)
{
	char why[512], origin[200];
	int a;

	log_sanitize_str(origin, sizeof(origin), s->strict_origin);
	if (s->strict == SSHCONFIG_STRICT_YES) {
		snprintf(err, errsz, "host key for %s is unknown (%s %s) and "
		    "StrictHostKeyChecking=yes (from %s)", s->kh_name,
		    k->label, k->fp, origin);
		return CLI_EXIT_HOSTKEY_UNKNOWN;
	}
	if (s->strict == SSHCONFIG_STRICT_ASK) {
		if (s->batch_mode) {
			snprintf(err, errsz, "host key for %s is unknown (%s "
			    "%s) and BatchMode forbids asking", s->kh_name,
			    k->label, k->fp);
			return CLI_EXIT_HOSTKEY_UNKNOWN;
		}
		a = hc_ask(s, k, l);
		if (a < 0) {
			snprintf(err, errsz, "host key for %s is unknown (%s "
			    "%s) and there is no terminal to ask on",
			    s->kh_name, k->label, k->fp);
			return CLI_EXIT_HOSTKEY_UNKNOWN;
		}
		if (a == 0) {
			snprintf(err, errsz, "host key for %s not accepted",
			    s->kh_name);
			return CLI_EXIT_HOSTKEY_UNKNOWN;
		}
		if (hc_record(s, k, why, sizeof(why)) != 0)
			fprintf(stderr, "Failed to add the host to the list "
			    "of known hosts: %s\n", why);
		else
			fprintf(stderr, "Warning: Permanently added '%s' (%s) "
			    "to the list of known hosts.\n", s->kh_name,
			    k->label);
		o->how = "asked";
		return CLI_EXIT_OK;
	}
	/* accept-new / no: accepted without asking, but never silently. */
	if (hc_record(s, k, why, sizeof(why)) != 0)
		fprintf(stderr, "Warning: accepted the unverified %s key %s "
		    "of '%s' because StrictHostKeyChecking=%s (from %s), but "
		    "could not record it: %s\n", k->label, k->fp, s->kh_name,
		    sshconfig_strict_name(s->strict), origin, why);
	else
		fprintf(stderr, "Warning: Permanently added '%s' (%s %s) to "
		    "%s without verification, because "
		    "StrictHostKeyChecking=%s (from %s).\n", s->kh_name,
		    k->label, k->fp, log_sanitize_str(why, sizeof(why), s->user_kh[0]),
		    sshconfig_strict_name(s->strict), origin);
	o->how = "accept-new";
	return CLI_EXIT_OK;
}

int
hostcheck_verify(ssh_session ss, const struct cli_settings *s,
		 struct hostcheck_outcome *o, char *err, size_t errsz)
{
	struct knownhosts_lookup l;
	struct hc_key k;
	char file[256];
	int rc;

	if (hc_server_key(ss, &k, err, errsz) != 0) {
		free(k.blob);
		return CLI_EXIT_OTHER;
	}
	snprintf(o->fp, sizeof(o->fp), "%s", k.fp);
	if (hc_lookup(s, &k, &l, err, errsz) != 0) {
		free(k.blob);
		return CLI_EXIT_CONFIG;
	}
	if (l.ca_lines > 0)
		log_debug("%zu @cert-authority line(s) for %s not used: no "
		    "host certificate was verified", l.ca_lines, s->kh_name);
	switch (knownhosts_status(&l)) {
	case KNOWNHOSTS_OK:
		log_debug("host key %s %s found in %s:%lu", k.label, k.fp,
		    log_sanitize_str(file, sizeof(file), l.ok.file), l.ok.line);
		snprintf(o->where, sizeof(o->where), "%s:%lu", l.ok.file,
		    l.ok.line);
		o->how = "known_hosts";
		rc = CLI_EXIT_OK;
		break;
	case KNOWNHOSTS_REVOKED:
		hc_print_revoked(s, &k, &l);
		snprintf(err, errsz, "host key for %s is REVOKED (%s:%lu); "
		    "refusing to connect", s->kh_name, log_sanitize_str(file,
		    sizeof(file), l.revoked.file), l.revoked.line);
		rc = CLI_EXIT_HOSTKEY_REVOKED;
		break;
	case KNOWNHOSTS_CHANGED:
		hc_print_changed(s, &k, &l);
		snprintf(err, errsz, "host key for %s has CHANGED (offending "
		    "key in %s:%lu); refusing to connect", s->kh_name,
		    log_sanitize_str(file, sizeof(file), l.changed.file),
		    l.changed.line);
		rc = CLI_EXIT_HOSTKEY_CHANGED;
		break;
	default:
		rc = hc_unknown(s, &k, &l, o, err, errsz);
		break;
	}
	free(k.blob);
	return rc;
}
