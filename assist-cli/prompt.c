/* prompt: /dev/tty questions; see prompt.h. After OpenBSD readpassphrase. */
#define _GNU_SOURCE		/* pipe2, close_range */
#include "assist-cli/prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>
#include <sys/wait.h>

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

enum prompt_via
prompt_choose(const char *require, bool display, bool have_tty)
{
	bool allow = display, use = false;

	if (require != NULL && strcasecmp(require, "force") == 0)
		use = allow = true;
	else if (require != NULL && strcasecmp(require, "prefer") == 0)
		use = allow;
	else if (require != NULL && strcasecmp(require, "never") == 0)
		allow = false;
	if (!use && have_tty)
		return PROMPT_VIA_TTY;
	return allow ? PROMPT_VIA_ASKPASS : PROMPT_VIA_NONE;
}

/* In the forked child: stdout to the pipe, nothing else inherited (the
 * SSH socket, the transcript), SIGPIPE back to its default. */
static void
prompt_askpass_exec(int out, const char *program, const char *question)
{
	if (dup2(out, STDOUT_FILENO) < 0)
		_exit(127);
	(void)close_range(STDERR_FILENO + 1, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	execlp(program, program, question, (char *)NULL);
	_exit(127);
}

/* Reads the child's output until EOF; keeps the first n - 1 bytes. */
static size_t
prompt_drain(int fd, char *answer, size_t n)
{
	char scratch[256];
	size_t o = 0;
	ssize_t r;

	for (;;) {
		char *dst = o + 1 < n ? answer + o : scratch;
		size_t room = o + 1 < n ? n - 1 - o : sizeof(scratch);

		r = read(fd, dst, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (dst == answer + o)
			o += (size_t)r;
	}
	explicit_bzero(scratch, sizeof(scratch));
	answer[o] = '\0';
	return o;
}

int
prompt_askpass(const char *program, const char *question, char *answer,
	       size_t n)
{
	int p[2], status;
	pid_t pid;

	answer[0] = '\0';
	if (n == 0 || pipe2(p, O_CLOEXEC) != 0)
		return PROMPT_ERROR;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return PROMPT_ERROR;
	}
	if (pid == 0)
		prompt_askpass_exec(p[1], program, question);
	close(p[1]);
	(void)prompt_drain(p[0], answer, n);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			explicit_bzero(answer, n);
			return PROMPT_ERROR;
		}
	answer[strcspn(answer, "\r\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		explicit_bzero(answer, n);
		return WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
		    PROMPT_ERROR : PROMPT_EOF;
	}
	return PROMPT_OK;
}

/* An environment variable that is set and not empty. */
static bool
prompt_env_set(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0';
}

int
prompt_ask(const char *question, char *answer, size_t n, bool echo)
{
	const char *program = getenv("SSH_ASKPASS");
	bool display = prompt_env_set("DISPLAY") ||
	    prompt_env_set("WAYLAND_DISPLAY");

	answer[0] = '\0';
	switch (prompt_choose(getenv("SSH_ASKPASS_REQUIRE"), display,
	    prompt_have_tty())) {
	case PROMPT_VIA_TTY:
		return prompt_read(question, answer, n, echo);
	case PROMPT_VIA_ASKPASS:
		return prompt_askpass(program != NULL && program[0] != '\0' ?
		    program : PROMPT_ASKPASS_DEFAULT, question, answer, n);
	case PROMPT_VIA_NONE:
		break;
	}
	return PROMPT_NO_TTY;
}
