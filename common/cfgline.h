/*
 * cfgline: the line syntax OpenSSH's ssh_config and sshd_config share,
 * written once for sshconfig.c and srvconfig.c: "Keyword args",
 * "Keyword=args" or "Keyword = args", '#' comments, and arguments split
 * like OpenSSH's argv_split() with "double" or 'single' quotes.
 */
#ifndef ASSIST_CFGLINE_H
#define ASSIST_CFGLINE_H

#include <stddef.h>

#define CFGLINE_WS	" \t\r\n\f"	/* blanks around keywords and values */
#define CFGLINE_MAX_KEYWORD 64		/* bytes of a keyword, with the NUL */

/*
 * Splits line (modified in place) into *kw and *rest: blanks at both ends
 * are dropped, the keyword ends at a blank or '=', and one '=' (blanks
 * around it allowed) may separate it from the rest (then "" when absent).
 * Returns 1 for a blank or comment line, else 0.
 */
int cfgline_keyword(char *line, char **kw, char **rest);

/*
 * Lower-cases kw into out (CFGLINE_MAX_KEYWORD bytes). Returns 0, or -1
 * when kw does not fit (such a keyword is unknown anyway).
 */
int cfgline_lower(const char *kw, char *out);

/*
 * Splits s into words like OpenSSH's argv_split(): blanks separate words,
 * "double" or 'single' quotes group (also inside a word), backslash
 * escapes a quote, a backslash or (outside quotes) a space, and a word
 * starting with '#' ends the line. Words are written to store (at least
 * strlen(s) + 1 bytes). Returns the word count, -1 on an unclosed quote,
 * -2 on more than max words.
 */
int cfgline_words(const char *s, char *store, char **av, int max);

/*
 * Copies the next line of text[*off, len) into line (linesz bytes,
 * NUL-terminated, without its newline) and moves *off past it. Returns 1
 * for a line, 0 at the end of text, -1 with a reason in why (whysz
 * bytes) when the line is longer than linesz - 1 bytes or holds a NUL.
 */
int cfgline_next(const char *text, size_t len, size_t *off, char *line,
		 size_t linesz, char *why, size_t whysz);

/*
 * Copies a command-line option (-o) into line (linesz bytes) for parsing
 * as a config line. 0, or -1 with a reason in why (whysz bytes) when it
 * is too long or holds a line break.
 */
int cfgline_option(const char *opt, char *line, size_t linesz, char *why,
		   size_t whysz);

/* "NAME:LINE" with NAME's control characters escaped, into out. */
void cfgline_where(char *out, size_t outsz, const char *name,
		   unsigned long line);

#endif
