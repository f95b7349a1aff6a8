/* hostident: host certificate first, known_hosts after; see hostident.h. */
#include "assist-cli/hostident.h"

#include "assist-cli/exitcode.h"
#include "assist-cli/hostcheck.h"
#include "common/libsshkey.h"
#include "common/buf.h"
#include "common/hostcert.h"
#include "common/knownhosts.h"
#include "common/log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HI_NAME_MAX	160	/* a CA's display name as printed */

/* The negotiated host key: type name and wire blob. */
struct hi_key {
	const char *type;
	uint8_t *blob;
	size_t len;
};

int
hostident_principal(const char *kh_name, char *out, size_t outsz)
{
	const char *end;
	size_t n;

	if (kh_name[0] == '[' && (end = strstr(kh_name, "]:")) != NULL) {
		n = (size_t)(end - kh_name - 1);
		kh_name++;
	} else {
		n = strlen(kh_name);
	}
	if (n == 0 || n >= outsz)
		return -1;
	memcpy(out, kh_name, n);
	out[n] = '\0';
	return 0;
}

static int
hi_server_key(ssh_session ss, struct hi_key *k)
{
	ssh_key key = NULL;

	memset(k, 0, sizeof(*k));
	if (ssh_get_server_publickey(ss, &key) != SSH_OK)
		return -1;
	k->type = ssh_key_type_to_char(ssh_key_type(key));
	if (k->type != NULL)
		k->blob = libsshkey_blob(key, KNOWNHOSTS_MAX_BLOB, &k->len);
	ssh_key_free(key);
	return k->blob == NULL ? -1 : 0;
}

/* The host key's fingerprint into o->fp, for the transcript, before
 * anything can fail ("" when it cannot be read). */
static void
hi_fingerprint(ssh_session ss, struct hostcheck_outcome *o)
{
	struct hi_key k;

	if (hi_server_key(ss, &k) == 0 &&
	    knownhosts_fingerprint(k.blob, k.len, o->fp) != 0)
		o->fp[0] = '\0';
	free(k.blob);
}

/* Is the CA key itself marked @revoked for this host? 1 yes (where set),
 * 0 no, -1 error. */
static int
hi_ca_revoked(const struct cli_settings *s, const uint8_t *blob,
	      size_t len, struct knownhosts_hit *where, char *err,
	      size_t errsz)
{
	struct knownhosts_lookup l;
	char type[KNOWNHOSTS_MAX_TYPE];
	const uint8_t *t;
	struct buf b;
	size_t n;
	int r;

	/* knownhosts checked that the blob starts with its type name. */
	buf_view(&b, blob, len);
	if (buf_get_string_view(&b, sizeof(type) - 1, &t, &n) != BUF_OK) {
		snprintf(err, errsz, "unreadable CA key");
		return -1;
	}
	memcpy(type, t, n);
	type[n] = '\0';
	if (knownhosts_lookup_init(&l, s->kh_name, type, blob, len) != 0) {
		snprintf(err, errsz, "host name too long for known_hosts");
		return -1;
	}
	if (hostcheck_read_files(s, &l, err, errsz) != 0)
		return -1;
	r = knownhosts_status(&l) == KNOWNHOSTS_REVOKED;
	if (r)
		*where = l.revoked;
	knownhosts_lookup_free(&l);
	return r;
}

/* The CA as people know it: its line's comment, else its fingerprint. */
static void
hi_ca_name(const struct knownhosts_ca *ca, char *out, size_t outsz)
{
	char fp[KNOWNHOSTS_FP_LEN];

	if (ca->comment[0] != '\0') {
		log_sanitize(out, outsz, ca->comment, strlen(ca->comment));
		return;
	}
	if (knownhosts_fingerprint(ca->blob, ca->blob_len, fp) != 0)
		snprintf(fp, sizeof(fp), "?");
	snprintf(out, outsz, "%s", fp);
}

static void
hi_say_verified(const struct cli_settings *s, const struct knownhosts_ca *ca,
		const struct cert *c)
{
	char name[HI_NAME_MAX], id[128], until[40], file[256];

	hi_ca_name(ca, name, sizeof(name));
	cert_format_time(c->valid_before, until, sizeof(until));
	log_info("host certificate from CA %s verified for %s (key ID \"%s\", "
	    "serial %llu, valid until %s)", name, s->kh_name,
	    log_sanitize(id, sizeof(id), c->key_id, strlen(c->key_id)),
	    (unsigned long long)c->serial, until);
	log_debug("CA line: %s:%lu", log_sanitize(file, sizeof(file),
	    ca->where.file, strlen(ca->where.file)), ca->where.line);
}

/*
 * Checks the certificate blob against the CAs of l. CLI_EXIT_OK when
 * verified, CLI_EXIT_HOSTKEY_REVOKED for a revoked CA, -1 when it is
 * not accepted (reason in why), or CLI_EXIT_CONFIG.
 */
static int
hi_check_cert(const struct cli_settings *s, const struct hi_key *k,
	      const struct knownhosts_lookup *l, const uint8_t *blob,
	      size_t len, struct hostcheck_outcome *o, char *why,
	      size_t whysz, char *err, size_t errsz)
{
	const uint8_t *cab[KNOWNHOSTS_MAX_CAS];
	size_t cal[KNOWNHOSTS_MAX_CAS], i, idx = 0;
	char host[HOSTCERT_MAX_HOST], file[256], name[HI_NAME_MAX];
	struct knownhosts_hit where;
	struct cert c;
	int rv;

	if (hostident_principal(s->kh_name, host, sizeof(host)) != 0) {
		snprintf(why, whysz, "host name too long");
		return -1;
	}
	for (i = 0; i < l->ncas; i++) {
		cab[i] = l->cas[i].blob;
		cal[i] = l->cas[i].blob_len;
	}
	if (hostcert_verify(blob, len, k->blob, k->len, host, cab, cal,
	    l->ncas, (uint64_t)time(NULL), &c, &idx, why, whysz) != 0)
		return -1;
	rv = hi_ca_revoked(s, l->cas[idx].blob, l->cas[idx].blob_len, &where,
	    err, errsz);
	if (rv != 0) {
		cert_free(&c);
		if (rv < 0)
			return CLI_EXIT_CONFIG;
		hi_ca_name(&l->cas[idx], name, sizeof(name));
		snprintf(err, errsz, "the host certificate of %s is signed by "
		    "CA %s, which is marked @revoked in %s:%lu; refusing to "
		    "connect", s->kh_name, name, log_sanitize(file,
		    sizeof(file), where.file, strlen(where.file)), where.line);
		return CLI_EXIT_HOSTKEY_REVOKED;
	}
	hi_say_verified(s, &l->cas[idx], &c);
	o->how = "certificate";
	if (knownhosts_fingerprint(l->cas[idx].blob, l->cas[idx].blob_len,
	    o->ca_fp) != 0)
		o->ca_fp[0] = '\0';
	snprintf(o->key_id, sizeof(o->key_id), "%s", c.key_id);
	o->serial = (unsigned long long)c.serial;
	cert_free(&c);
	return CLI_EXIT_OK;
}

/* Sends "none" so that the banner arrives; 0 or -1 (err set). */
static int
hi_ask_none(ssh_session ss, char *err, size_t errsz)
{
	int r = ssh_userauth_none(ss, NULL);

	if (r == SSH_AUTH_ERROR || r == SSH_AUTH_AGAIN) {
		snprintf(err, errsz, "authentication start failed: %s",
		    r == SSH_AUTH_AGAIN ? "timeout" : ssh_get_error(ss));
		return -1;
	}
	if (r == SSH_AUTH_SUCCESS)
		log_debug("server accepted \"none\" authentication");
	return 0;
}

/* The certificate from the banner: 1 (blob set), 0 none, -1 malformed
 * (reason in why). */
static int
hi_banner_cert(ssh_session ss, uint8_t **blob, size_t *len, char *why,
	       size_t whysz)
{
	char *banner = ssh_get_issue_banner(ss);
	int r;

	*blob = NULL;
	if (banner == NULL) {
		log_debug("no authentication banner: no host certificate");
		return 0;
	}
	r = hostcert_banner_parse(banner, strlen(banner), blob, len, why,
	    whysz);
	ssh_string_free_char(banner);
	return r;
}

int
hostident_verify(ssh_session ss, const struct cli_settings *s,
		 struct hostcheck_outcome *o, char *err, size_t errsz)
{
	struct knownhosts_lookup l;
	char why[512];
	uint8_t *cert = NULL;
	size_t cert_len = 0;
	struct hi_key k;
	char safe[512];
	int rc = -1, b;

	memset(o, 0, sizeof(*o));
	hi_fingerprint(ss, o);
	if (hi_ask_none(ss, err, errsz) != 0)
		return CLI_EXIT_CONNECT;
	b = hi_banner_cert(ss, &cert, &cert_len, why, sizeof(why));
	if (b == 0)
		return hostcheck_verify(ss, s, o, err, errsz);
	if (b < 0) {
		log_info("warning: the host certificate sent by %s is "
		    "unreadable (%s); checking the host key in known_hosts "
		    "instead", s->kh_name, log_sanitize(safe, sizeof(safe),
		    why, strlen(why)));
		return hostcheck_verify(ss, s, o, err, errsz);
	}
	if (hi_server_key(ss, &k) != 0) {
		free(cert);
		snprintf(err, errsz, "cannot read the server's host key");
		return CLI_EXIT_OTHER;
	}
	if (knownhosts_lookup_init(&l, s->kh_name, k.type, k.blob,
	    k.len) != 0) {
		snprintf(err, errsz, "host name too long for known_hosts");
		rc = CLI_EXIT_CONFIG;
		goto out;
	}
	knownhosts_lookup_want_cas(&l);
	if (hostcheck_read_files(s, &l, err, errsz) != 0) {
		rc = CLI_EXIT_CONFIG;
		goto out;
	}
	if (l.cas_dropped > 0)
		log_info("warning: more than %d @cert-authority lines match "
		    "%s; only the first %d are used", KNOWNHOSTS_MAX_CAS,
		    s->kh_name, KNOWNHOSTS_MAX_CAS);
	if (knownhosts_status(&l) == KNOWNHOSTS_REVOKED) {
		/* hostcheck prints ssh's warning block and refuses. */
		rc = -1;
	} else if (l.ncas == 0) {
		log_info("%s sent a host certificate, but no @cert-authority "
		    "line of known_hosts matches it; checking the host key "
		    "in known_hosts instead", s->kh_name);
	} else {
		rc = hi_check_cert(s, &k, &l, cert, cert_len, o, why,
		    sizeof(why), err, errsz);
		if (rc == -1)
			log_info("warning: host certificate of %s not "
			    "accepted: %s; checking the host key in "
			    "known_hosts instead", s->kh_name,
			    log_sanitize(safe, sizeof(safe), why,
			    strlen(why)));
	}
out:
	knownhosts_lookup_free(&l);
	free(k.blob);
	free(cert);
	return rc == -1 ? hostcheck_verify(ss, s, o, err, errsz) : rc;
}
