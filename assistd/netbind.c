/* netbind: the hardened ssh_bind of the network process; see netconn.h. */
#include "assistd/netconn.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"

/* The algorithm lists (../docs/ARCHITECTURE.md, "Why these choices"). */
#define NETBIND_KEX	"curve25519-sha256,curve25519-sha256@libssh.org"
#define NETBIND_CIPHERS	"chacha20-poly1305@openssh.com," \
			"aes256-gcm@openssh.com,aes128-gcm@openssh.com"
#define NETBIND_MACS	"hmac-sha2-256-etm@openssh.com," \
			"hmac-sha2-512-etm@openssh.com"
#define NETBIND_HOSTKEY	"ssh-ed25519"
/*
 * libssh 0.10.6 matches this list against the SIGNATURE algorithm of a
 * publickey request (research §1, §3): a certificate signs with its plain
 * key's algorithm, so the plain names are what let keys and certificates
 * in; the -cert-v01 names are listed for server-sig-algs and for the day
 * libssh matches key types. sk-ssh-ed25519-cert-v01 is not in libssh's
 * default list, so it must be named. Certificates are refused in
 * netauth.c until the policy issue checks them.
 */
#define NETBIND_PUBKEY	"ssh-ed25519,sk-ssh-ed25519@openssh.com," \
	"ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256," \
	"ssh-ed25519-cert-v01@openssh.com," \
	"sk-ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com"
#define NETBIND_RSA_MIN_BITS	2048
#define NETBIND_MAX_NAME	64

struct netbind_list {
	enum ssh_bind_options_e opt;
	const char *what;
	const char *list;
};

static const struct netbind_list netbind_lists[] = {
	{ SSH_BIND_OPTIONS_KEY_EXCHANGE, "kex", NETBIND_KEX },
	{ SSH_BIND_OPTIONS_CIPHERS_C_S, "ciphers c->s", NETBIND_CIPHERS },
	{ SSH_BIND_OPTIONS_CIPHERS_S_C, "ciphers s->c", NETBIND_CIPHERS },
	{ SSH_BIND_OPTIONS_HMAC_C_S, "macs c->s", NETBIND_MACS },
	{ SSH_BIND_OPTIONS_HMAC_S_C, "macs s->c", NETBIND_MACS },
	{ SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, "host key", NETBIND_HOSTKEY },
	{ SSH_BIND_OPTIONS_PUBKEY_ACCEPTED_KEY_TYPES, "pubkey", NETBIND_PUBKEY },
};

#define NETBIND_NLISTS (sizeof(netbind_lists) / sizeof(netbind_lists[0]))

/*
 * libssh 0.10.6 silently drops the names it does not know from a list
 * (ssh_keep_known_algos) and fails only when none is left, and it has no
 * getter for what it kept. So every name is first set alone on a scratch
 * bind: a name libssh would drop fails there. When all pass, the full
 * list libssh keeps is exactly ours.
 */
static int
netbind_verify_names(const struct netbind_list *l, char *err, size_t errsz)
{
	const char *p = l->list, *comma;
	char name[NETBIND_MAX_NAME + 1];
	ssh_bind scratch;
	size_t n;
	int rc = 0;

	if ((scratch = ssh_bind_new()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	while (rc == 0 && *p != '\0') {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n > NETBIND_MAX_NAME) {
			snprintf(err, errsz, "%s: malformed list", l->what);
			rc = -1;
			break;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (ssh_bind_options_set(scratch, l->opt, name) != 0) {
			snprintf(err, errsz, "%s algorithm %s is not supported "
			    "by this libssh: refusing to run with a different "
			    "list", l->what, name);
			rc = -1;
		}
		p += n + (comma ? 1 : 0);
	}
	ssh_bind_free(scratch);
	return rc;
}

static int
netbind_set_lists(ssh_bind b, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; i < NETBIND_NLISTS; i++) {
		const struct netbind_list *l = &netbind_lists[i];

		if (netbind_verify_names(l, err, errsz) != 0)
			return -1;
		if (ssh_bind_options_set(b, l->opt, l->list) != 0) {
			snprintf(err, errsz, "setting %s algorithms: %s",
			    l->what, ssh_get_error(b));
			return -1;
		}
		log_debug("%s algorithms in force: %s", l->what, l->list);
	}
	return 0;
}

ssh_bind
netbind_new(ssh_key hostkey, char *err, size_t errsz)
{
	bool process_config = false;
	int rsa_min = NETBIND_RSA_MIN_BITS;
	ssh_key key;
	ssh_bind b;

	if (ssh_key_type(hostkey) != SSH_KEYTYPE_ED25519 ||
	    !ssh_key_is_private(hostkey)) {
		snprintf(err, errsz, "host key is not a private ed25519 key");
		return NULL;
	}
	if ((b = ssh_bind_new()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	/* Before anything else: /etc/ssh/libssh_server_config must never
	 * change our lists (it is applied at accept unless this is off). */
	if (ssh_bind_options_set(b, SSH_BIND_OPTIONS_PROCESS_CONFIG,
	    &process_config) != 0) {
		snprintf(err, errsz, "turning off system configuration: %s",
		    ssh_get_error(b));
		goto fail;
	}
	/* The bind takes ownership of the key it imports: give it a copy,
	 * the caller's stays borrowed. */
	if ((key = ssh_key_dup(hostkey)) == NULL) {
		snprintf(err, errsz, "copying the host key failed");
		goto fail;
	}
	if (ssh_bind_options_set(b, SSH_BIND_OPTIONS_IMPORT_KEY, key) != 0) {
		ssh_key_free(key);
		snprintf(err, errsz, "importing the host key: %s",
		    ssh_get_error(b));
		goto fail;
	}
	if (ssh_bind_options_set(b, SSH_BIND_OPTIONS_RSA_MIN_SIZE,
	    &rsa_min) != 0) {
		snprintf(err, errsz, "setting the RSA minimum: %s",
		    ssh_get_error(b));
		goto fail;
	}
	/* Name ourselves in the SSH version string ("SSH-2.0-assistd_X"):
	 * the helper's tools see what they talk to, and scanners do not
	 * mistake libssh 0.10.6 for 0.1 (ssh-audit 2.5 compares versions as
	 * strings and reports CVE-2016-0739 for it). assistd --version
	 * prints the library versions. */
	if (ssh_bind_options_set(b, SSH_BIND_OPTIONS_BANNER,
	    "assistd_" ASSIST_VERSION) != 0) {
		snprintf(err, errsz, "setting the version banner: %s",
		    ssh_get_error(b));
		goto fail;
	}
	if (netbind_set_lists(b, err, errsz) != 0)
		goto fail;
	return b;
fail:
	ssh_bind_free(b);
	return NULL;
}

/* True when name is one of the comma-separated list. */
static bool
netbind_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

int
netbind_check_negotiated(ssh_session s, char *err, size_t errsz)
{
	const char *kex = ssh_get_kex_algo(s);
	const char *cin = ssh_get_cipher_in(s), *cout = ssh_get_cipher_out(s);
	const char *hin = ssh_get_hmac_in(s), *hout = ssh_get_hmac_out(s);

	if (kex == NULL || cin == NULL || cout == NULL) {
		snprintf(err, errsz, "negotiated algorithms unknown");
		return -1;
	}
	log_debug("negotiated: kex %s, ciphers %s / %s, macs %s / %s", kex,
	    cin, cout, hin ? hin : "-", hout ? hout : "-");
	if (!netbind_in_list(NETBIND_KEX, kex) ||
	    !netbind_in_list(NETBIND_CIPHERS, cin) ||
	    !netbind_in_list(NETBIND_CIPHERS, cout)) {
		snprintf(err, errsz, "negotiated algorithm outside our lists "
		    "(kex %s, ciphers %s / %s)", kex, cin, cout);
		return -1;
	}
	return 0;
}
