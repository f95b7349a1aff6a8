/* hostcertfile: assistd's HostCertificate file; see hostcertfile.h. */
#include "assistd/hostcertfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/libsshkey.h"
#include "common/hostcert.h"
#include "common/log.h"
#include "common/safefile.h"
#include "common/sshkey.h"

#define HCF_LIST_MAX	512	/* principals as printed */


/* Says what the certificate certifies, and warns when it is unusable. */
static void
hcf_report(const char *path, const struct cert *c, uint64_t now)
{
	char list[HCF_LIST_MAX] = "", one[128], id[128], fp[SSHKEY_FP_LEN];
	char from[40], to[40];
	size_t i, used = 0;

	for (i = 0; i < c->nprincipals && used + 1 < sizeof(list); i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s",
		    i ? "," : "", log_sanitize(one, sizeof(one),
		    c->principals[i], strlen(c->principals[i])));

		if (n < 0)
			break;
		used += (size_t)n;
	}
	sshkey_fingerprint(c->ca_blob, c->ca_blob_len, fp, sizeof(fp));
	cert_format_time(c->valid_after, from, sizeof(from));
	cert_format_time(c->valid_before, to, sizeof(to));
	log_info("host certificate %s: key ID \"%s\", serial %llu, names %s, "
	    "valid %s to %s, CA %s", path, log_sanitize(id, sizeof(id),
	    c->key_id, strlen(c->key_id)), (unsigned long long)c->serial,
	    list, from, to, fp);
	if (now < c->valid_after)
		log_info("warning: host certificate %s is not valid before %s: "
		    "helpers will not accept it until then", path, from);
	else if (now >= c->valid_before)
		log_info("warning: host certificate %s expired at %s: helpers "
		    "will not accept it", path, to);
}

int
hostcertfile_load(const char *path, uid_t owner, ssh_key hostkey,
		  uint64_t now, uint8_t **blob, size_t *len, char *err,
		  size_t errsz)
{
	char safe[256], why[256];
	uint8_t *hblob = NULL;
	size_t hlen = 0, n = 0;
	struct cert c;
	char *text;
	int r = -1;

	*blob = NULL;
	*len = 0;
	log_sanitize(safe, sizeof(safe), path, strlen(path));
	if ((text = safefile_read(path, owner, HOSTCERT_MAX_FILE, &n, NULL,
	    why, sizeof(why))) == NULL) {
		snprintf(err, errsz, "HostCertificate %s", why);
		return -1;
	}
	if (hostcert_parse_file(text, n, blob, len, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "HostCertificate %s: %s", safe, why);
		goto out;
	}
	if ((hblob = libsshkey_blob(hostkey, SSHKEY_MAX_BLOB, &hlen)) == NULL) {
		snprintf(err, errsz, "cannot export the host public key");
		goto out;
	}
	if (hostcert_check_own(*blob, *len, hblob, hlen, &c, why,
	    sizeof(why)) != 0) {
		snprintf(err, errsz, "HostCertificate %s: %s", safe, why);
		goto out;
	}
	hcf_report(safe, &c, now);
	cert_free(&c);
	r = 0;
out:
	if (r != 0) {
		free(*blob);
		*blob = NULL;
		*len = 0;
	}
	free(hblob);
	free(text);
	return r;
}
