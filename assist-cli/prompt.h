/*
 * prompt: questions to the person at the terminal, on /dev/tty (never
 * stdin, which may be a pipe), like ssh's host key and passphrase prompts.
 */
#ifndef ASSIST_CLI_PROMPT_H
#define ASSIST_CLI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#define PROMPT_MAX_ANSWER 1024	/* bytes kept of one answer */

enum {
	PROMPT_OK = 1,		/* answer read */
	PROMPT_EOF = 0,		/* end of input before a line */
	PROMPT_NO_TTY = -1,	/* no controlling terminal to ask on */
	PROMPT_ERROR = -2,	/* read error or interrupted */
};

/*
 * Writes question to /dev/tty and reads one line into answer (size n,
 * NUL-terminated, newline removed; longer lines are cut). Without echo the
 * terminal's echo is off while reading and restored afterwards, also when
 * a signal interrupts (the signal is then raised again). Returns PROMPT_*.
 */
int prompt_read(const char *question, char *answer, size_t n, bool echo);

/* true if a controlling terminal can be opened. */
bool prompt_have_tty(void);

/* Where a question goes (prompt_choose). */
enum prompt_via {
	PROMPT_VIA_TTY,		/* /dev/tty (prompt_read) */
	PROMPT_VIA_ASKPASS,	/* the $SSH_ASKPASS program */
	PROMPT_VIA_NONE,	/* nowhere: no terminal, askpass not allowed */
};

/* ssh's askpass when $SSH_ASKPASS is not set (Debian's path). */
#define PROMPT_ASKPASS_DEFAULT	"/usr/bin/ssh-askpass"

/*
 * Where to ask, by OpenSSH's rules (readpass.c): require is
 * $SSH_ASKPASS_REQUIRE (NULL when unset): "force" always the askpass,
 * "prefer" the askpass when display, "never" never; otherwise the
 * terminal, and the askpass only without one and with display. display:
 * $DISPLAY or $WAYLAND_DISPLAY is set and not empty. Pure.
 */
enum prompt_via prompt_choose(const char *require, bool display,
			      bool have_tty);

/*
 * Runs program (searched in $PATH, as ssh does) with question as its one
 * argument and reads the first line it prints into answer (size n,
 * NUL-terminated, newline removed, longer lines cut). Its stdin and
 * stderr are ours; no other fd reaches it. Returns PROMPT_OK, PROMPT_EOF
 * when it exits non-zero (the person cancelled), PROMPT_ERROR when it
 * cannot run. answer is wiped unless PROMPT_OK.
 */
int prompt_askpass(const char *program, const char *question, char *answer,
		   size_t n);

/*
 * Asks one question where prompt_choose says, from the environment
 * ($SSH_ASKPASS_REQUIRE, $DISPLAY, $WAYLAND_DISPLAY, $SSH_ASKPASS or
 * PROMPT_ASKPASS_DEFAULT). echo as prompt_read (the askpass decides
 * itself). Returns PROMPT_*: PROMPT_NO_TTY when there is nowhere to ask.
 */
int prompt_ask(const char *question, char *answer, size_t n, bool echo);

#endif
