/* policy: the one access decision; see policy.h. */
#include "common/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/authfile.h"
#include "common/buf.h"
#include "common/cert.h"
#include "common/log.h"
#include "common/match.h"
#include "common/revoked.h"
#include "common/safefile.h"
#include "common/sshkey.h"

#define POLICY_WHY_MAX		512
#define POLICY_NAME_SHOWN	96	/* escaped user name in reasons */

/* One layer: the administrator's or the user's. */
struct policy_layer {
	bool present;
	const char *tag;		/* "" or "administrator policy: " */
	struct authfile ca[POLICY_MAX_FILES];	/* TrustedUserCAKeys */
	size_t nca;
	struct authfile principals;	/* AuthorizedPrincipalsFile */
	bool has_principals;
	struct authfile keys;		/* AuthorizedKeysFile */
	bool has_keys;
	struct revoked *revoked;	/* RevokedKeys, or NULL */
	/* Every CA key of this layer, for cert_verify: TrustedUserCAKeys
	 * entries, then cert-authority lines (views into the files). */
	const uint8_t **ca_blobs;
	size_t *ca_lens;
	const struct authfile_entry **ca_entry;
	const struct authfile **ca_file;
	size_t nca_keys;
};

struct policy {
	char *user;
	struct policy_layer layer[2];
};

/* Reads and parses one policy file of kind after the StrictModes check
 * (owner: the account allowed besides root). */
static int
policy_read_authfile(enum authfile_kind kind, const char *path, uid_t owner,
		     struct authfile *f, char *err, size_t errsz)
{
	size_t len;
	char *text = safefile_read(path, owner, AUTHFILE_MAX_FILE, &len, NULL,
	    err, errsz);
	int r;

	if (text == NULL)
		return -1;
	r = authfile_parse(kind, path, text, len, f, err, errsz);
	free(text);
	return r;
}

static int
policy_read_revoked(struct policy_layer *l, const char *path, uid_t owner,
		    char *err, size_t errsz)
{
	size_t len;
	char *text = safefile_read(path, owner, REVOKED_MAX_FILE, &len, NULL,
	    err, errsz);
	int r;

	if (text == NULL)
		return -1;
	r = revoked_add(l->revoked, path, (const uint8_t *)text, len, err,
	    errsz);
	free(text);
	return r;
}

static void
policy_add_ca(struct policy_layer *l, const struct authfile *f,
	      const struct authfile_entry *e)
{
	l->ca_blobs[l->nca_keys] = e->blob;
	l->ca_lens[l->nca_keys] = e->blob_len;
	l->ca_entry[l->nca_keys] = e;
	l->ca_file[l->nca_keys] = f;
	l->nca_keys++;
}

/* The CA table of a layer, once its files are parsed. */
static int
policy_index_cas(struct policy_layer *l)
{
	size_t i, j, n = 0;

	for (i = 0; i < l->nca; i++)
		n += l->ca[i].n;
	for (j = 0; l->has_keys && j < l->keys.n; j++)
		n += l->keys.e[j].o.cert_authority;
	if (n == 0)
		return 0;
	l->ca_blobs = calloc(n, sizeof(*l->ca_blobs));
	l->ca_lens = calloc(n, sizeof(*l->ca_lens));
	l->ca_entry = calloc(n, sizeof(*l->ca_entry));
	l->ca_file = calloc(n, sizeof(*l->ca_file));
	if (l->ca_blobs == NULL || l->ca_lens == NULL || l->ca_entry == NULL ||
	    l->ca_file == NULL)
		return -1;
	for (i = 0; i < l->nca; i++)
		for (j = 0; j < l->ca[i].n; j++)
			policy_add_ca(l, &l->ca[i], &l->ca[i].e[j]);
	for (j = 0; l->has_keys && j < l->keys.n; j++)
		if (l->keys.e[j].o.cert_authority)
			policy_add_ca(l, &l->keys, &l->keys.e[j]);
	return 0;
}

static bool
policy_files_empty(const struct policy_files *pf)
{
	return pf->ntrusted_ca == 0 && pf->principals == NULL &&
	    pf->authorized_keys == NULL && pf->nrevoked == 0;
}

static int
policy_load_layer(struct policy_layer *l, const struct policy_files *pf,
		  uid_t owner, char *err, size_t errsz)
{
	size_t i;

	l->present = true;
	if (pf->ntrusted_ca > POLICY_MAX_FILES ||
	    pf->nrevoked > POLICY_MAX_FILES) {
		snprintf(err, errsz, "more than %d files for one directive",
		    POLICY_MAX_FILES);
		return -1;
	}
	for (i = 0; i < pf->ntrusted_ca; i++, l->nca++)
		if (policy_read_authfile(AUTHFILE_CA_KEYS, pf->trusted_ca[i],
		    owner, &l->ca[i], err, errsz) != 0)
			return -1;
	if (pf->principals != NULL) {
		if (policy_read_authfile(AUTHFILE_PRINCIPALS, pf->principals,
		    owner, &l->principals, err, errsz) != 0)
			return -1;
		l->has_principals = true;
	}
	if (pf->authorized_keys != NULL) {
		if (policy_read_authfile(AUTHFILE_AUTHORIZED_KEYS,
		    pf->authorized_keys, owner, &l->keys, err, errsz) != 0)
			return -1;
		l->has_keys = true;
	}
	if (pf->nrevoked > 0 && (l->revoked = revoked_new()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < pf->nrevoked; i++)
		if (policy_read_revoked(l, pf->revoked[i], owner, err,
		    errsz) != 0)
			return -1;
	if (policy_index_cas(l) != 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

/* True when a layer can admit somebody by itself. */
static bool
policy_layer_admits(const struct policy_layer *l)
{
	return l->nca_keys > 0 || (l->has_keys && l->keys.n > 0);
}

struct policy *
policy_load(const struct policy_files *sys, const struct policy_files *usr,
	    const char *user, char *err, size_t errsz)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->user = strdup(user)) == NULL) {
		snprintf(err, errsz, "out of memory");
		free(p);
		return NULL;
	}
	p->layer[0].tag = "administrator policy: ";
	p->layer[1].tag = "";
	/* The administrator's files must be root's own. */
	if (sys != NULL && !policy_files_empty(sys) &&
	    policy_load_layer(&p->layer[0], sys, 0, err, errsz) != 0)
		goto fail;
	if (usr != NULL && !policy_files_empty(usr) &&
	    policy_load_layer(&p->layer[1], usr, geteuid(), err, errsz) != 0)
		goto fail;
	if (!policy_layer_admits(&p->layer[0]) &&
	    !policy_layer_admits(&p->layer[1])) {
		snprintf(err, errsz, "no helper could ever be accepted: set "
		    "AuthorizedKeysFile or TrustedUserCAKeys");
		goto fail;
	}
	return p;
fail:
	policy_free(p);
	return NULL;
}

static void
policy_layer_free(struct policy_layer *l)
{
	size_t i;

	for (i = 0; i < l->nca; i++)
		authfile_free(&l->ca[i]);
	authfile_free(&l->principals);
	authfile_free(&l->keys);
	if (l->revoked != NULL)
		revoked_free(l->revoked);
	free(l->ca_blobs);
	free(l->ca_lens);
	free(l->ca_entry);
	free(l->ca_file);
	memset(l, 0, sizeof(*l));
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	policy_layer_free(&p->layer[0]);
	policy_layer_free(&p->layer[1]);
	free(p->user);
	free(p);
}

static int policy_deny(char *reason, size_t reasonsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets reason and returns 0 (deny). */
static int
policy_deny(char *reason, size_t reasonsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, reasonsz, fmt, ap);
	va_end(ap);
	return 0;
}

/* The certificate principals as one escaped comma-separated string
 * (truncated with "..." by log_sanitize when long). */
static void
policy_join_principals(const struct cert *c, char *out, size_t outsz)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < c->nprincipals && used + 2 < outsz; i++) {
		if (i > 0)
			out[used++] = ',';
		log_sanitize(out + used, outsz - used, c->principals[i],
		    strlen(c->principals[i]));
		used += strlen(out + used);
	}
}

/* true when s is an entry of the comma-separated list (exact match, as
 * OpenSSH's principals= option). */
static bool
policy_in_list(const char *s, const char *list)
{
	size_t n = strlen(s);
	const char *p = list;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, s, n) == 0)
			return true;
		if (end == NULL)
			return false;
		p = end + 1;
	}
}

static bool
policy_cert_has(const struct cert *c, const char *principal)
{
	size_t i;

	for (i = 0; i < c->nprincipals; i++)
		if (strcmp(c->principals[i], principal) == 0)
			return true;
	return false;
}

/*
 * AuthorizedPrincipalsFile: some line naming a principal of the
 * certificate, whose from=/expiry-time= pass. 1 allowed, 0 with reason.
 */
static int
policy_principals_file(const struct policy_layer *l, const struct cert *c,
		       const struct policy_request *rq, char *reason,
		       size_t reasonsz)
{
	char why[POLICY_WHY_MAX] = "", pr[512];
	size_t i;

	for (i = 0; i < l->principals.n; i++) {
		const struct authfile_entry *e = &l->principals.e[i];

		if (!policy_cert_has(c, e->principal))
			continue;
		if (authfile_opts_check(&l->principals, e, rq->peer_addr,
		    rq->now, why, sizeof(why)) == 0)
			return 1;
	}
	if (why[0] != '\0')
		return policy_deny(reason, reasonsz, "%s%s", l->tag, why);
	policy_join_principals(c, pr, sizeof(pr));
	return policy_deny(reason, reasonsz, "%sprincipal%s %s not "
	    "whitelisted in %s", l->tag, c->nprincipals > 1 ? "s" : "", pr,
	    l->principals.name);
}

/* Principals rule for a CA found at index k of the layer's CA table. */
static int
policy_cert_principals(const struct policy *p, const struct policy_layer *l,
		       size_t k, const struct cert *c,
		       const struct policy_request *rq, char *reason,
		       size_t reasonsz)
{
	const struct authfile_entry *e = l->ca_entry[k];
	const struct authfile *f = l->ca_file[k];
	char why[POLICY_WHY_MAX], pr[512];
	size_t i;

	if (e->o.cert_authority) {
		/* A cert-authority line: its own restrictions, then its
		 * principals= (or the account name, as OpenSSH). */
		if (authfile_opts_check(f, e, rq->peer_addr, rq->now, why,
		    sizeof(why)) != 0)
			return policy_deny(reason, reasonsz, "%s%s", l->tag,
			    why);
		if (e->o.principals == NULL)
			goto account;
		for (i = 0; i < c->nprincipals; i++)
			if (policy_in_list(c->principals[i], e->o.principals))
				return 1;
		policy_join_principals(c, pr, sizeof(pr));
		return policy_deny(reason, reasonsz, "%sprincipal%s %s not in "
		    "principals=\"%s\" (%s:%zu)", l->tag,
		    c->nprincipals > 1 ? "s" : "", pr, e->o.principals,
		    f->name, e->line);
	}
	if (l->has_principals)
		return policy_principals_file(l, c, rq, reason, reasonsz);
account:
	if (policy_cert_has(c, p->user))
		return 1;
	policy_join_principals(c, pr, sizeof(pr));
	return policy_deny(reason, reasonsz, "%saccount %s is not among the "
	    "certificate principals (%s) and no AuthorizedPrincipalsFile is "
	    "set", l->tag, p->user, pr);
}

/* Restrictions a layer adds to what it admitted. */
struct policy_grant {
	bool no_touch_required;
	bool verify_required;
	const struct authfile_entry *ca;	/* CA line used, or NULL */
};

/*
 * The certificate against one layer: revocation, CA and signature,
 * source-address, principals. 1 allowed, 0 with reason.
 */
static int
policy_layer_cert(const struct policy *p, const struct policy_layer *l,
		  const struct cert *c, const struct policy_request *rq,
		  struct policy_grant *g, char *reason, size_t reasonsz)
{
	char why[POLICY_WHY_MAX], first[POLICY_WHY_MAX] = "";
	size_t k, idx;

	if (l->revoked != NULL && revoked_check(l->revoked, c->key_blob,
	    c->key_blob_len, c, why, sizeof(why)) == 1)
		return policy_deny(reason, reasonsz, "%s%s", l->tag, why);
	if (l->nca_keys == 0) {
		if (policy_layer_admits(l))
			return policy_deny(reason, reasonsz, "%scertificate "
			    "offered, but no CA is trusted (no "
			    "TrustedUserCAKeys, no cert-authority line)",
			    l->tag);
		/* A filter-only layer: its principals file still applies. */
		if (l->has_principals)
			return policy_principals_file(l, c, rq, reason,
			    reasonsz);
		return 1;
	}
	if (cert_verify(c, CERT_TYPE_USER, l->ca_blobs, l->ca_lens,
	    l->nca_keys, rq->now, &idx, why, sizeof(why)) != 0)
		return policy_deny(reason, reasonsz, "%s%s", l->tag, why);
	if (c->source_address != NULL &&
	    match_cidr_list(rq->peer_addr, c->source_address) != 1) {
		char sa[POLICY_WHY_MAX / 2];

		log_sanitize(sa, sizeof(sa), c->source_address,
		    strlen(c->source_address));
		return policy_deny(reason, reasonsz, "%ssource %s not in "
		    "certificate source-address \"%s\"", l->tag,
		    rq->peer_addr, sa);
	}
	/* Every line with this CA key is a way in; the first that lets
	 * the request pass wins, the first refusal is reported. */
	for (k = idx; k < l->nca_keys; k++) {
		if (l->ca_lens[k] != l->ca_lens[idx] ||
		    memcmp(l->ca_blobs[k], l->ca_blobs[idx],
		    l->ca_lens[k]) != 0)
			continue;
		if (policy_cert_principals(p, l, k, c, rq, why,
		    sizeof(why)) == 1) {
			g->ca = l->ca_entry[k];
			g->verify_required = l->ca_entry[k]->o.verify_required;
			g->no_touch_required = c->no_touch_required;
			return 1;
		}
		if (first[0] == '\0')
			snprintf(first, sizeof(first), "%s", why);
	}
	return policy_deny(reason, reasonsz, "%s", first);
}

/* A plain key against one layer. 1 allowed, 0 with reason. */
static int
policy_layer_key(const struct policy_layer *l, const struct policy_request *rq,
		 const char *fp, struct policy_grant *g, char *reason,
		 size_t reasonsz)
{
	char why[POLICY_WHY_MAX], first[POLICY_WHY_MAX] = "";
	int i = -1;

	if (l->revoked != NULL && revoked_check(l->revoked, rq->key_blob,
	    rq->key_len, NULL, why, sizeof(why)) == 1)
		return policy_deny(reason, reasonsz, "%s%s", l->tag, why);
	if (!policy_layer_admits(l))
		return 1;	/* filter-only layer */
	if (!l->has_keys)
		return policy_deny(reason, reasonsz, "%splain key %s offered, "
		    "but no AuthorizedKeysFile is set", l->tag, fp);
	while ((i = authfile_find_key(&l->keys, (size_t)(i + 1), rq->key_blob,
	    rq->key_len)) >= 0) {
		const struct authfile_entry *e = &l->keys.e[i];

		if (e->o.cert_authority)
			continue;	/* a CA key signs; it is no login key */
		if (authfile_opts_check(&l->keys, e, rq->peer_addr, rq->now,
		    why, sizeof(why)) == 0) {
			g->no_touch_required = e->o.no_touch_required;
			g->verify_required = e->o.verify_required;
			return 1;
		}
		if (first[0] == '\0')
			snprintf(first, sizeof(first), "%s", why);
	}
	if (first[0] != '\0')
		return policy_deny(reason, reasonsz, "%s%s", l->tag, first);
	return policy_deny(reason, reasonsz, "%skey %s not in %s", l->tag, fp,
	    l->keys.name);
}

/* Type name of a blob (escaped), or "?". */
static void
policy_blob_type(const uint8_t *blob, size_t len, char *out, size_t outsz)
{
	const uint8_t *t;
	size_t n;
	struct buf b;

	buf_view(&b, blob, len);
	if (buf_get_string_view(&b, CERT_MAX_STR, &t, &n) != BUF_OK)
		snprintf(out, outsz, "?");
	else
		log_sanitize(out, outsz, (const char *)t, n);
}

static void
policy_identity_cert(struct policy_identity *id, const struct cert *c)
{
	id->is_cert = true;
	sshkey_fingerprint(c->key_blob, c->key_blob_len, id->key_fp,
	    sizeof(id->key_fp));
	log_sanitize(id->key_id, sizeof(id->key_id), c->key_id,
	    strlen(c->key_id));
	policy_join_principals(c, id->principals, sizeof(id->principals));
	id->serial = c->serial;
	id->valid_after = c->valid_after;
	id->valid_before = c->valid_before;
	sshkey_fingerprint(c->ca_blob, c->ca_blob_len, id->ca_fp,
	    sizeof(id->ca_fp));
}

/*
 * libssh 0.10.6 verifies security-key signatures but neither checks nor
 * exposes their user-presence and user-verification flags (research §2).
 * Until assistd proves presence itself (the FIDO2 issue), what it cannot
 * enforce is refused, never accepted silently: verify-required, and any
 * sk key (plain or certified) not granted no-touch-required.
 */
static int
policy_sk_enforceable(const struct policy_identity *id, char *reason,
		      size_t reasonsz)
{
	if (id->verify_required)
		return policy_deny(reason, reasonsz, "verify-required cannot "
		    "be enforced yet (security-key user verification is not "
		    "checked)");
	if (strncmp(id->key_type, "sk-", 3) == 0 && !id->no_touch_required)
		return policy_deny(reason, reasonsz, "security-key touch "
		    "cannot be verified yet; only sk keys granted "
		    "no-touch-required are accepted");
	reason[0] = '\0';
	return 1;
}

/* Both layers (those present) must allow. */
static int
policy_check_layers(const struct policy *p, const struct policy_request *rq,
		    const struct cert *c, struct policy_identity *id,
		    char *reason, size_t reasonsz)
{
	struct policy_grant g[2];
	const struct authfile_entry *ca = NULL;
	bool touch = true, verify = false;
	size_t i;

	for (i = 0; i < 2; i++) {
		const struct policy_layer *l = &p->layer[i];
		int ok;

		memset(&g[i], 0, sizeof(g[i]));
		if (!l->present)
			continue;
		ok = c != NULL ?
		    policy_layer_cert(p, l, c, rq, &g[i], reason, reasonsz) :
		    policy_layer_key(l, rq, id->key_fp, &g[i], reason,
		    reasonsz);
		if (!ok)
			return 0;
		if (g[i].ca != NULL && ca == NULL)
			ca = g[i].ca;
		/* Narrowing: a flag that relaxes needs every layer that
		 * admitted; one that demands needs any. */
		if (policy_layer_admits(l))
			touch = touch && g[i].no_touch_required;
		verify = verify || g[i].verify_required;
	}
	id->no_touch_required = touch;
	id->verify_required = verify || (c != NULL && c->verify_required);
	if (ca != NULL)
		log_sanitize(id->ca_name, sizeof(id->ca_name), ca->comment,
		    strlen(ca->comment));
	return policy_sk_enforceable(id, reason, reasonsz);
}

int
policy_check(const struct policy *p, const struct policy_request *rq,
	     struct policy_identity *id, char *reason, size_t reasonsz)
{
	char why[POLICY_WHY_MAX], u[POLICY_NAME_SHOWN];
	struct cert c;
	int r;

	memset(id, 0, sizeof(*id));
	if (rq->key_blob == NULL || rq->key_len == 0 ||
	    rq->key_len > SSHKEY_MAX_BLOB)
		return policy_deny(reason, reasonsz, "unreadable key");
	policy_blob_type(rq->key_blob, rq->key_len, id->key_type,
	    sizeof(id->key_type));
	if (rq->user == NULL || strcmp(rq->user, p->user) != 0) {
		log_sanitize(u, sizeof(u), rq->user ? rq->user : "",
		    rq->user ? strlen(rq->user) : 0);
		return policy_deny(reason, reasonsz, "user %s is not the "
		    "account running assistd (%s)", u, p->user);
	}
	if (rq->peer_addr == NULL)
		return policy_deny(reason, reasonsz, "no peer address");
	if (!cert_is_cert_name(id->key_type, strlen(id->key_type))) {
		sshkey_fingerprint(rq->key_blob, rq->key_len, id->key_fp,
		    sizeof(id->key_fp));
		return policy_check_layers(p, rq, NULL, id, reason, reasonsz);
	}
	if (cert_parse(rq->key_blob, rq->key_len, &c, why, sizeof(why)) != 0)
		return policy_deny(reason, reasonsz, "%s", why);
	policy_identity_cert(id, &c);
	r = policy_check_layers(p, rq, &c, id, reason, reasonsz);
	cert_free(&c);
	return r;
}
