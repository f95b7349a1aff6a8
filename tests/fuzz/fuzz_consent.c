/*
 * Fuzz target: the consent question built from what a (possibly
 * compromised) network process reported. Input: one flags byte, then up
 * to CF_FIELDS strings separated by NUL (key ID, principals, CA name, CA
 * fingerprint, key type, key fingerprint, reason, verification code).
 * The question must hold only printable ASCII and its own line ends, as
 * many as the same question with harmless strings, and fit
 * CONSENT_TEXT_MAX; a terminal answer line is parsed too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assistd/consent.h"

#define CF_FIELDS	8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
cf_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++) {
		if (*s != '\n' && (*s < 0x20 || *s >= 0x7f))
			abort();	/* a control byte reached the user */
		n += *s == '\n';
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char field[CF_FIELDS][IPC_MAX_STR + 1];
	static char out[CONSENT_TEXT_MAX], plain[CONSENT_TEXT_MAX];
	struct ipc_auth_result r, ok;
	struct consent_question q;
	size_t i, f = 0, n = 0, need;
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	memset(field, 0, sizeof(field));
	for (i = 1; i < size && f < CF_FIELDS; i++) {
		if (data[i] == '\0') {
			f++;
			n = 0;
		} else if (n < IPC_MAX_STR) {
			field[f][n++] = (char)data[i];
		}
	}
	memset(&r, 0, sizeof(r));
	r.user = "bob";
	r.method = "publickey";
	r.reason = "";
	r.is_cert = flags & 1;
	r.flags = (flags >> 1) & IPC_AUTH_F_ALL;
	r.key_id = field[0];
	r.principals = field[1];
	r.ca_name = field[2];
	r.ca_fp = field[3];
	r.key_type = field[4];
	r.key_fp = field[5];
	r.serial = (uint64_t)size * 0x9e3779b97f4a7c15ull;
	r.valid_after = flags;
	r.valid_before = UINT64_MAX - flags;
	memset(&q, 0, sizeof(q));
	q.id = &r;
	q.src = field[5];
	q.conn = flags;
	q.mode = flags & 8 ? IPC_MODE_CONTROL : IPC_MODE_VIEW;
	q.later = (flags & 16) != 0;
	q.reason = field[6];
	q.code = flags & 32 ? field[7] : NULL;
	q.timeout_secs = 60;
	q.how = flags & 64 ? CONSENT_HOW_ASKPASS : CONSENT_HOW_TTY;
	need = consent_format(&q, out, sizeof(out));
	if (need >= sizeof(out) || strlen(out) != need)
		abort();
	ok = r;
	ok.key_id = ok.principals = ok.ca_name = ok.ca_fp = ok.key_type =
	    ok.key_fp = "x";
	q.id = &ok;
	q.src = "x";
	q.reason = field[6][0] != '\0' ? "x" : "";
	q.code = q.code != NULL ? "x" : NULL;
	consent_format(&q, plain, sizeof(plain));
	if (cf_lines(out) != cf_lines(plain))
		abort();
	(void)consent_parse_answer(field[0], flags & 1, flags & 2);
	return 0;
}
