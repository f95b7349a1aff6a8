/* prompt: /dev/tty questions; see prompt.h. After OpenBSD readpassphrase. */
#include "assist-cli/prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Signals that must not leave the terminal without echo. */
static const int prompt_signals[] = {
	SIGINT, SIGHUP, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU,
};
#define PROMPT_NSIG (sizeof(prompt_signals) / sizeof(prompt_signals[0]))

/* Set by the handler; the only state a signal handler may touch. */
static volatile sig_atomic_t prompt_caught;

static void
prompt_handler(int sig)
{
	prompt_caught = sig;
}

static void
prompt_write(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

bool
prompt_have_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Reads one line byte by byte (no buffering past the newline). */
static int
prompt_line(int fd, char *answer, size_t n)
{
	size_t o = 0;
	bool any = false;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0)
			return PROMPT_ERROR;	/* EINTR: a signal came */
		if (r == 0)
			break;
		any = true;
		if (c == '\n' || c == '\r')
			break;
		if (o + 1 < n)
			answer[o++] = c;
	}
	answer[o] = '\0';
	return any ? PROMPT_OK : PROMPT_EOF;
}

int
prompt_read(const char *question, char *answer, size_t n, bool echo)
{
	struct sigaction sa, old[PROMPT_NSIG];
	struct termios term, saved;
	bool restore = false;
	size_t i;
	int fd, r;

	answer[0] = '\0';
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return PROMPT_NO_TTY;
	prompt_caught = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = prompt_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: read() must return EINTR */
	for (i = 0; i < PROMPT_NSIG; i++)
		sigaction(prompt_signals[i], &sa, &old[i]);
	if (!echo && tcgetattr(fd, &saved) == 0) {
		term = saved;
		term.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		restore = tcsetattr(fd, TCSAFLUSH, &term) == 0;
	}
	prompt_write(fd, question);
	r = prompt_line(fd, answer, n);
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		prompt_write(fd, "\n");
	}
	close(fd);
	for (i = 0; i < PROMPT_NSIG; i++)
		sigaction(prompt_signals[i], &old[i], NULL);
	if (prompt_caught != 0) {
		memset(answer, 0, n);
		raise(prompt_caught);
		return PROMPT_ERROR;
	}
	return r;
}
