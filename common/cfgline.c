/* cfgline: OpenSSH config line syntax; see cfgline.h. */
#include "common/cfgline.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"

int
cfgline_keyword(char *line, char **kw, char **rest)
{
	size_t n = strlen(line);
	char *s = line;

	while (n > 0 && strchr(CFGLINE_WS, line[n - 1]) != NULL)
		line[--n] = '\0';
	s += strspn(s, CFGLINE_WS);
	if (*s == '\0' || *s == '#')
		return 1;
	*kw = s;
	s += strcspn(s, CFGLINE_WS "=");
	if (*s != '\0') {
		bool eq = *s == '=';

		*s++ = '\0';
		s += strspn(s, CFGLINE_WS);
		if (!eq && *s == '=')
			s += 1 + strspn(s + 1, CFGLINE_WS);
	}
	*rest = s;
	return 0;
}

int
cfgline_lower(const char *kw, char *out)
{
	size_t i;

	if (strlen(kw) >= CFGLINE_MAX_KEYWORD)
		return -1;
	for (i = 0; kw[i] != '\0'; i++)
		out[i] = (char)((kw[i] >= 'A' && kw[i] <= 'Z') ?
		    kw[i] - 'A' + 'a' : kw[i]);
	out[i] = '\0';
	return 0;
}

int
cfgline_words(const char *s, char *store, char **av, int max)
{
	size_t i = 0, o = 0;
	int ac = 0;

	for (;;) {
		char quote = 0;

		while (s[i] == ' ' || s[i] == '\t')
			i++;
		if (s[i] == '\0' || s[i] == '#')
			break;
		if (ac == max)
			return -2;
		av[ac++] = store + o;
		for (; s[i] != '\0'; i++) {
			char ch = s[i];

			if (ch == '\\' && (s[i + 1] == '\'' || s[i + 1] == '"' ||
			    s[i + 1] == '\\' || (quote == 0 && s[i + 1] == ' '))) {
				store[o++] = s[++i];
			} else if (quote == 0 && (ch == ' ' || ch == '\t')) {
				break;
			} else if (quote == 0 && (ch == '"' || ch == '\'')) {
				quote = ch;
			} else if (quote != 0 && ch == quote) {
				quote = 0;
			} else {
				store[o++] = ch;
			}
		}
		if (quote != 0)
			return -1;
		store[o++] = '\0';
	}
	return ac;
}

int
cfgline_next(const char *text, size_t len, size_t *off, char *line,
	     size_t linesz, char *why, size_t whysz)
{
	const char *nl;
	size_t n;

	if (*off >= len)
		return 0;
	nl = memchr(text + *off, '\n', len - *off);
	n = nl != NULL ? (size_t)(nl - (text + *off)) : len - *off;
	if (n >= linesz) {
		snprintf(why, whysz, "line longer than %zu bytes", linesz - 1);
		return -1;
	}
	if (memchr(text + *off, '\0', n) != NULL) {
		snprintf(why, whysz, "line contains a NUL byte");
		return -1;
	}
	memcpy(line, text + *off, n);
	line[n] = '\0';
	*off += n + (nl != NULL ? 1 : 0);
	return 1;
}

int
cfgline_option(const char *opt, char *line, size_t linesz, char *why,
	       size_t whysz)
{
	size_t n = strlen(opt);

	if (n >= linesz) {
		snprintf(why, whysz, "option longer than %zu bytes",
		    linesz - 1);
		return -1;
	}
	if (strpbrk(opt, "\r\n") != NULL) {
		snprintf(why, whysz, "option contains a line break");
		return -1;
	}
	memcpy(line, opt, n + 1);
	return 0;
}

void
cfgline_where(char *out, size_t outsz, const char *name, unsigned long line)
{
	char safe[256];

	log_sanitize(safe, sizeof(safe), name, strlen(name));
	snprintf(out, outsz, "%s:%lu", safe, line);
}
