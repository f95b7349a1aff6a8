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

#endif
