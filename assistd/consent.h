/*
 * consent: asking the user, in the monitor, whether a helper may see (or
 * control) the screen. Silence is never consent.
 *
 * Two parts:
 *   - consent_format() and consent_code(): the question's text, built
 *     only from the verified identity the network process reported
 *     (IPC_AUTH_RESULT) with every peer string unescaped, escaped again
 *     for display and length-limited (no control byte, ESC included,
 *     ever reaches the terminal or the askpass), and the verification
 *     code (6 random digits, getrandom with rejection sampling).
 *   - struct consent: the asker, ONE question at a time, driven by the
 *     monitor's poll loop (it never blocks): on assistd's controlling
 *     terminal (/dev/tty, line input) or through SSH_ASKPASS with
 *     SSH_ASKPASS_PROMPT=confirm (OpenSSH's convention). A deadline
 *     refuses; the askpass is then killed (its whole process group) and
 *     reaped by the monitor's waitpid, which hands unknown pids to
 *     consent_reaped(). The monitor queues further questions itself.
 *
 * Between questions the terminal also takes the user's session commands
 * ("e" end, "v" view only), handed to the monitor by consent_command().
 */
#ifndef ASSISTD_CONSENT_H
#define ASSISTD_CONSENT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/ipc.h"

#define CONSENT_CODE_DIGITS	6	/* verification code */
#define CONSENT_TEXT_MAX	4096	/* a whole question, NUL included */
#define CONSENT_ID_SHOW		100	/* shown bytes of a key ID, CA name */
#define CONSENT_LIST_SHOW	200	/* ... of principals */
#define CONSENT_REASON_SHOW	200	/* ... of the helper's reason */
#define CONSENT_FP_SHOW		100	/* ... of a type or fingerprint */
#define CONSENT_LINE_MAX	64	/* a terminal answer or command line */
#define CONSENT_ASKPASS_OUT	256	/* askpass output kept (OpenSSH: ""
					 * or "yes" is yes) */
#define CONSENT_REAP_MAX	8	/* killed askpasses not yet reaped */

/* How the question is asked, and how an answer came: the medium, or
 * TIMEOUT when the deadline answered (a withdrawn question: the medium
 * it was on). */
enum consent_how {
	CONSENT_HOW_TTY = 1,
	CONSENT_HOW_ASKPASS = 2,
	CONSENT_HOW_TIMEOUT = 3,	/* only as how an answer came */
};

/* The user's answer. */
enum consent_answer {
	CONSENT_PENDING = 0,
	CONSENT_CONTROL,	/* accepted with control */
	CONSENT_VIEW,		/* accepted, view only */
	CONSENT_REFUSED,
	CONSENT_TIMEOUT,
	CONSENT_WITHDRAWN,	/* the helper left, or the monitor stops */
};

/* What a question is about; every string borrowed, as received from the
 * network process (escaped there; consent_format escapes again). */
struct consent_question {
	const struct ipc_auth_result *id;	/* the accepted identity */
	const char *src;	/* numeric source address (the monitor's) */
	unsigned conn;		/* conn= of the transcript */
	uint8_t mode;		/* IPC_MODE_VIEW or IPC_MODE_CONTROL */
	bool later;		/* a helper already viewing asks control */
	const char *reason;	/* the helper's reason, "" or NULL: none */
	const char *code;	/* verification code, NULL: none */
	int timeout_secs;
	enum consent_how how;	/* decides the answer instructions */
};

/*
 * Writes the question's text into out (always NUL-terminated, cut at
 * outsz). Pure. Returns the length it needed (like snprintf): the text
 * is whole when that is < outsz; CONSENT_TEXT_MAX always suffices.
 */
size_t consent_format(const struct consent_question *q, char *out,
		      size_t outsz);

/* Escapes untrusted bytes s[0..n) for display: printable ASCII is kept,
 * '\\', '"' and every other byte become \xNN; cut to at most show bytes
 * (with "..." when cut). out has room for show + 1. Returns out. */
char *consent_escape(char *out, size_t show, const char *s, size_t n);

/* A fresh verification code: CONSENT_CODE_DIGITS digits and a NUL into
 * out, uniform (getrandom, rejection sampling). 0, or -1 (errno). */
int consent_code(char out[CONSENT_CODE_DIGITS + 1]);

/*
 * "Accept with control" comes from 'c', "view only" from 'v'; anything
 * else (and an empty line) refuses. 'c' counts only when offered. Pure;
 * line without its newline.
 */
enum consent_answer consent_parse_answer(const char *line, bool offer_control,
					 bool offer_view);

struct consent_config {
	bool gui;		/* --gui: askpass even with a terminal */
	const char *askpass;	/* $SSH_ASKPASS, or NULL */
	int timeout_secs;	/* --consent-timeout, >= 1 */
};

struct consent;

/*
 * Decides how questions are asked: the controlling terminal when there is
 * one (and not gui), else the askpass, which must be executable (a name
 * without '/' is looked up in $PATH, as execvp does). NULL with the
 * reason in err when neither is possible: assistd must not start. The
 * caller owns the result (consent_free).
 */
struct consent *consent_open(const struct consent_config *c, char *err,
			     size_t errsz);
/* Kills a running askpass and waits for it (bounded: it was SIGKILLed),
 * closes the terminal. NULL is fine. */
void consent_free(struct consent *k);

enum consent_how consent_how(const struct consent *k);
/* "tty" / "askpass" / "timeout", for logs and the transcript. */
const char *consent_how_name(enum consent_how h);
/* "control" / "view" / "refused" / "timeout" / "withdrawn". */
const char *consent_answer_name(enum consent_answer a);

/* True while a question is on the screen (asked, not yet answered). */
bool consent_asking(const struct consent *k);

/*
 * Shows the question text (from consent_format) and starts its deadline.
 * offer_control / offer_view: which acceptances the terminal takes
 * (askpass: yes = the requested one, decided by the caller). Fails (-1,
 * reason in err) while another question is on the screen, or when the
 * askpass cannot be started.
 */
int consent_ask(struct consent *k, const char *text, bool offer_control,
		bool offer_view, long long now_ms, char *err, size_t errsz);

/* Withdraws the question on the screen (the helper left): the askpass
 * is killed, the terminal says why (text: trusted, the monitor's). The
 * answer becomes CONSENT_WITHDRAWN. No question: nothing happens. */
void consent_withdraw(struct consent *k, const char *why);

/* Adds the asker's fds to pfd (at most 2); returns how many. */
int consent_pollfds(const struct consent *k, struct pollfd *pfd);
/* Milliseconds until the deadline of the question (-1: none). */
int consent_timeout_ms(const struct consent *k, long long now_ms);
/* After poll: reads the terminal and the askpass's output, checks the
 * deadline. pfd / n: what consent_pollfds filled (revents set). */
void consent_after_poll(struct consent *k, const struct pollfd *pfd, int n,
			long long now_ms);
/* A child the monitor reaped that is not a network process: true when it
 * was (or had been) an askpass; its exit may answer the question. */
bool consent_reaped(struct consent *k, pid_t pid, int status);

/* Takes the answer once it came: CONSENT_PENDING while there is none
 * (or no question); else the answer, *how set, and the asker is free. */
enum consent_answer consent_take_answer(struct consent *k,
					enum consent_how *how);

/* A terminal line typed while no question was on the screen: 1 with
 * *cmd ('e', 'v', or '?' for anything else) and *conn (the number after
 * the letter, 0 when none), or 0 when there is none. */
int consent_command(struct consent *k, char *cmd, unsigned *conn);

/* A line for the user on the terminal (no-op with askpass). text is
 * trusted (the monitor's own, or already escaped); a newline is added. */
void consent_say(struct consent *k, const char *text);

#endif
