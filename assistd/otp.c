/* otp: the one-time access code; see otp.h. */
#include "assistd/otp.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <openssl/crypto.h>

#define OTP_MODULUS	100000000u	/* 10^OTP_DIGITS */

int
otp_digits_from(uint32_t v, unsigned char out[OTP_DIGITS])
{
	int i;

	if (v >= OTP_SAMPLE_LIMIT)
		return -1;
	v %= OTP_MODULUS;
	for (i = OTP_DIGITS - 1; i >= 0; i--) {
		out[i] = (unsigned char)('0' + v % 10);
		v /= 10;
	}
	return 0;
}

void
otp_init(struct otp *o, const unsigned char digits[OTP_DIGITS],
	 long long expires_ms)
{
	memset(o, 0, sizeof(*o));
	memcpy(o->code, digits, OTP_DIGITS);
	o->expires_ms = expires_ms;
	o->wrong_left = OTP_TRIES_TOTAL;
}

int
otp_new(struct otp *o, long long expires_ms)
{
	unsigned char d[OTP_DIGITS];
	uint32_t v;
	ssize_t n;

	/* Rejection sampling: 2% of draws are thrown away on average. */
	do {
		do
			n = getrandom(&v, sizeof(v), 0);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(v)) {
			if (n >= 0)
				errno = EIO;
			return -1;
		}
	} while (otp_digits_from(v, d) != 0);
	otp_init(o, d, expires_ms);
	explicit_bzero(d, sizeof(d));
	explicit_bzero(&v, sizeof(v));
	return 0;
}

void
otp_format(const struct otp *o, char out[OTP_SHOWN_MAX])
{
	size_t i, k = 0;

	for (i = 0; i < OTP_DIGITS; i++) {
		if (i > 0 && i % OTP_GROUP == 0)
			out[k++] = '-';
		out[k++] = (char)o->code[i];
	}
	out[k] = '\0';
}

size_t
otp_normalise(const char *answer, unsigned char out[OTP_DIGITS])
{
	size_t kept = 0;
	const char *p;

	memset(out, 0, OTP_DIGITS);
	for (p = answer; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '-')
			continue;
		if (kept < OTP_DIGITS)
			out[kept] = (unsigned char)*p;
		kept++;
	}
	return kept;
}

/* Right or not, without a data-dependent branch on the code's digits:
 * both buffers are OTP_DIGITS long, whatever the answer's length. */
static bool
otp_matches(const struct otp *o, const char *answer)
{
	unsigned char norm[OTP_DIGITS];
	size_t kept = otp_normalise(answer, norm);
	int diff = CRYPTO_memcmp(o->code, norm, OTP_DIGITS);

	explicit_bzero(norm, sizeof(norm));
	return (diff == 0) & (kept == OTP_DIGITS);
}

enum otp_result
otp_check(struct otp *o, int *conn_left, const char *answer,
	  long long now_ms, unsigned *tries_left)
{
	*tries_left = 0;
	if (o->used)
		return OTP_REUSED;
	if (o->burned)
		return OTP_BURNED;
	if (now_ms >= o->expires_ms)
		return OTP_EXPIRED;
	if (*conn_left > 0 && otp_matches(o, answer)) {
		o->used = true;
		return OTP_OK;
	}
	if (*conn_left > 0)
		(*conn_left)--;
	if (--o->wrong_left <= 0) {
		o->wrong_left = 0;
		o->burned = true;
	}
	if (!o->burned && *conn_left > 0)
		*tries_left = (unsigned)(*conn_left < o->wrong_left ?
		    *conn_left : o->wrong_left);
	return OTP_WRONG;
}

const char *
otp_result_name(enum otp_result r)
{
	switch (r) {
	case OTP_OK:
		return "ok";
	case OTP_WRONG:
		return "wrong";
	case OTP_REUSED:
		return "reused";
	case OTP_EXPIRED:
		return "expired";
	case OTP_BURNED:
		break;
	}
	return "burned";
}

void
otp_wipe(struct otp *o)
{
	explicit_bzero(o->code, sizeof(o->code));
	o->used = true;
}
