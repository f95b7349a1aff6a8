/*
 * hostcert: assistd's host certificate, carried in-band. libssh 0.10.6
 * can neither present nor check host certificates (research §5, §7.6),
 * so assistd sends its certificate in the SSH authentication banner
 * (SSH_MSG_USERAUTH_BANNER, before any user authentication) and
 * assist-cli checks it here against @cert-authority keys of known_hosts,
 * the host key actually negotiated and the host name.
 *
 * Banner (text; the real ssh prints it, so it starts with a line for
 * people; only the line with the prefix is read):
 *   This is assistd. Its host certificate, checked by assist-cli:
 *   assistd-host-certificate: <cert type> <base64 certificate blob>
 * The second line is in .pub format after the prefix: cut the prefix and
 * `ssh-keygen -L -f` shows the certificate.
 */
#ifndef ASSIST_HOSTCERT_H
#define ASSIST_HOSTCERT_H

#include <stddef.h>
#include <stdint.h>
#include "common/cert.h"

#define HOSTCERT_PREFIX		"assistd-host-certificate: "
#define HOSTCERT_HUMAN_LINE	"This is assistd. Its host certificate, " \
				"checked by assist-cli:\n"
#define HOSTCERT_MAX_BANNER	32768	/* bytes of a banner we read */
#define HOSTCERT_MAX_FILE	32768	/* bytes of a HostCertificate file */
#define HOSTCERT_MAX_HOST	1025	/* host name for principals, with NUL */

/*
 * The banner for a certificate blob (human line, then the certificate
 * line, each ending in "\n"). Returns a new string (caller frees) or
 * NULL (allocation, or len 0 / over SSHKEY_MAX_BLOB).
 */
char *hostcert_banner_format(const uint8_t *blob, size_t len);

/*
 * Finds the certificate line in a banner (len bytes, at most
 * HOSTCERT_MAX_BANNER). Returns 1 with *blob (caller frees) and *blob_len
 * set; 0 when no line has the prefix (no certificate: not an error);
 * -1 with a one-line reason when the banner or the line is malformed
 * (too long, two certificate lines, bad base64, type mismatch, not a
 * certificate type).
 */
int hostcert_banner_parse(const char *text, size_t len, uint8_t **blob,
			  size_t *blob_len, char *err, size_t errsz);

/*
 * Reads a HostCertificate file's text (as ssh-keygen -h writes it: one
 * "type base64 [comment]" line; blank and '#' lines allowed). Returns 0
 * with *blob (caller frees), or -1 with a reason naming the line.
 */
int hostcert_parse_file(const char *text, size_t len, uint8_t **blob,
			size_t *blob_len, char *err, size_t errsz);

/*
 * assistd's check of its own certificate at start: a well-formed host
 * certificate (cert_parse; type host) whose certified key is byte for
 * byte host_blob (assistd's host public key). 0, or -1 with a reason.
 * The CA is not known to assistd; validity is reported by the caller.
 */
int hostcert_check_own(const uint8_t *blob, size_t len,
		       const uint8_t *host_blob, size_t host_len,
		       struct cert *c, char *err, size_t errsz);

/*
 * assist-cli's check of a received certificate: cert_verify as a host
 * certificate against the nca CA keys (byte-equal, signature, validity at
 * now, critical options), the certified key equal to host_blob (the key
 * the key exchange was signed with), and host (lower case, no port) one
 * of the principals (exact, ASCII case-insensitive; no wildcards).
 * Returns 0 with *c filled (caller cert_free) and *ca_index set, or -1
 * with a precise reason (c freed).
 */
int hostcert_verify(const uint8_t *blob, size_t len,
		    const uint8_t *host_blob, size_t host_len,
		    const char *host, const uint8_t *const *ca_blobs,
		    const size_t *ca_lens, size_t nca, uint64_t now,
		    struct cert *c, size_t *ca_index, char *err,
		    size_t errsz);

#endif
