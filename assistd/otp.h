/*
 * otp: the one-time access code of `assistd --code` (R4's optional
 * second factor). The monitor makes it at start, shows it to the user,
 * who dictates it to the helper; the helper types it after the
 * certificate passed (keyboard-interactive, assistd/netauth.c). The code
 * lives only here, in the monitor: the network process forwards each
 * answer (IPC_CODE_CHECK) and learns only right or wrong and the tries
 * left. Pure apart from otp_new (getrandom), so every rule is
 * unit-tested.
 *
 * Strength: OTP_DIGITS = 8 decimal digits drawn uniformly (rejection
 * sampling over getrandom), 10^8 codes = 26.6 bits. With OTP_TRIES_TOTAL
 * wrong answers allowed in all, a guesser (who must first hold an
 * accepted certificate) wins with probability 5 / 10^8.
 */
#ifndef ASSISTD_OTP_H
#define ASSISTD_OTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OTP_DIGITS	8	/* 10^8 codes, 26.6 bits */
#define OTP_GROUP	4	/* shown in groups of 4: "4821-9930" */
#define OTP_SHOWN_MAX	(OTP_DIGITS + OTP_DIGITS / OTP_GROUP)	/* + NUL */
#define OTP_TRIES_CONN	3	/* wrong answers per connection */
#define OTP_TRIES_TOTAL	5	/* wrong answers in all: then burned */
/* Largest u32 below which v % 10^8 is uniform: 42 * 10^8. */
#define OTP_SAMPLE_LIMIT	4200000000u

/* What one answer got; the transcript's code.try result=. */
enum otp_result {
	OTP_OK,		/* right: the code is now used up */
	OTP_WRONG,	/* wrong (counted) */
	OTP_REUSED,	/* the code was used already (not compared) */
	OTP_EXPIRED,	/* past its deadline (not compared) */
	OTP_BURNED,	/* too many wrong answers before (not compared) */
};

struct otp {
	unsigned char code[OTP_DIGITS];	/* ASCII digits, no NUL */
	long long expires_ms;	/* clock_now_ms() deadline */
	int wrong_left;		/* wrong answers still allowed in all */
	bool used;		/* a right answer came */
	bool burned;		/* wrong_left reached 0 */
};

/*
 * The digits for one random draw v: 0 and out[] filled (8 ASCII digits)
 * when v < OTP_SAMPLE_LIMIT, -1 when v must be drawn again (rejection
 * sampling: keeps every code equally likely).
 */
int otp_digits_from(uint32_t v, unsigned char out[OTP_DIGITS]);

/* A fresh code from getrandom(2), valid until expires_ms: 0, or -1 with
 * errno when the kernel gave no randomness. */
int otp_new(struct otp *o, long long expires_ms);

/* A code from given digits (tests; otp_new uses it). */
void otp_init(struct otp *o, const unsigned char digits[OTP_DIGITS],
	      long long expires_ms);

/* The code as the user reads it out, "4821-9930", into out. */
void otp_format(const struct otp *o, char out[OTP_SHOWN_MAX]);

/*
 * The helper's answer with spaces, tabs and dashes dropped, into out
 * (room for OTP_DIGITS, zero-padded). Returns how many characters were
 * kept in all (more than OTP_DIGITS: the answer is too long; only the
 * first OTP_DIGITS are stored).
 */
size_t otp_normalise(const char *answer, unsigned char out[OTP_DIGITS]);

/*
 * Checks one answer at now_ms. conn_left is the connection's own count
 * of wrong answers still allowed (start it at OTP_TRIES_CONN; a
 * connection at 0 must not ask again: its answer then counts as wrong
 * without being compared). Used, burned and expired are told before
 * anything is compared; otherwise the normalised answer is compared with
 * CRYPTO_memcmp over the whole code (constant time in its content). A
 * wrong answer costs one try of both counts; the last one burns the
 * code. *tries_left gets what the helper may still try on this
 * connection (0 after anything but a wrong answer with tries to spare).
 */
enum otp_result otp_check(struct otp *o, int *conn_left, const char *answer,
			  long long now_ms, unsigned *tries_left);

/* "ok", "wrong", "reused", "expired", "burned". */
const char *otp_result_name(enum otp_result r);

/* Forgets the code (explicit_bzero); o is then used up. */
void otp_wipe(struct otp *o);

#endif
