/*
 * Unit tests: assistd/sandbox.c. Each test forks a child that enters the
 * sandbox and then tries one thing; the parent checks how the child
 * ended. Without a working filter every test fails: the child would open
 * the file, run /bin/true (exit 0), get a socket, and so on.
 * Children end with _exit(): no atexit handlers (LeakSanitizer would
 * clone a tracer, which the sandbox kills).
 */
#define _GNU_SOURCE		/* process_vm_readv */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "assistd/sandbox.h"

/* Child exit codes. */
enum { C_OK = 0, C_ENTER = 10, C_ALLOWED = 11, C_ERRNO = 12, C_IO = 13 };

typedef int (*child_fn)(void *arg);

/* In a child: cmocka's handlers for SIGABRT, SIGSEGV... would longjmp
 * back into the test runner; the child must die like the real process. */
static void
child_defaults(void)
{
	static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE,
	    SIGSYS };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	alarm(10);	/* a hang is a failure, not a stuck test */
}

typedef void (*parent_fn)(pid_t child, void *arg);

/* Runs fn(arg) in a sandboxed child while the parent runs parent(arg)
 * (when not NULL); returns the child's wait status. */
static int
run_sandboxed_with(child_fn fn, parent_fn parent, void *arg)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];

		child_defaults();
		if (sandbox_enter(err, sizeof(err)) != 0) {
			fprintf(stderr, "sandbox_enter: %s\n", err);
			_exit(C_ENTER);
		}
		_exit(fn(arg));
	}
	if (parent != NULL)
		parent(pid, arg);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static int
run_sandboxed(child_fn fn, void *arg)
{
	return run_sandboxed_with(fn, NULL, arg);
}

static void
expect_exit(int st, int code)
{
	if (WIFSIGNALED(st))
		fail_msg("child killed by signal %d, expected exit %d",
		    WTERMSIG(st), code);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), code);
}

static void
expect_sigsys(int st)
{
	if (WIFEXITED(st))
		fail_msg("child exited %d, expected to be killed by SIGSYS",
		    WEXITSTATUS(st));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

/* A denied call must fail with SANDBOX_DENY_ERRNO. */
static int
denied(long r)
{
	if (r >= 0)
		return C_ALLOWED;
	return errno == SANDBOX_DENY_ERRNO ? C_OK : C_ERRNO;
}

static int
try_open(void *arg)
{
	int r;

	(void)arg;
	if ((r = denied(open("/etc/passwd", O_RDONLY))) != C_OK)
		return r;
	if ((r = denied(openat(AT_FDCWD, "/etc/passwd", O_RDONLY))) != C_OK)
		return r;
	/* creating a file is an open too */
	if ((r = denied(open("/tmp/sandbox-test-create",
	    O_WRONLY | O_CREAT | O_EXCL, 0600))) != C_OK)
		return r;
	return denied(syscall(SYS_getuid));	/* any unlisted syscall */
}

static void
test_open_denied(void **state)
{
	(void)state;
	expect_exit(run_sandboxed(try_open, NULL), C_OK);
	assert_int_equal(access("/tmp/sandbox-test-create", F_OK), -1);
}

static int
try_execve(void *arg)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL };

	(void)arg;
	execve("/bin/true", argv, envp);
	return C_ALLOWED;	/* not reached when killed */
}

static int
try_socket(void *arg)
{
	(void)arg;
	if (socket(AF_INET, SOCK_STREAM, 0) >= 0)
		return C_ALLOWED;
	return C_ERRNO;
}

/* connect() on a socket made before the sandbox: the call itself kills. */
static int
try_connect(void *arg)
{
	int fd = *(int *)arg;
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons(9), .sin_addr.s_addr = htonl(0x7f000001) };

	connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	return C_ALLOWED;
}

static int
try_fork(void *arg)
{
	pid_t p;

	(void)arg;
	p = fork();
	if (p == 0)
		_exit(0);
	return p > 0 ? C_ALLOWED : C_ERRNO;
}

static int
try_ptrace(void *arg)
{
	(void)arg;
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	return C_ALLOWED;
}

static int
try_process_vm(void *arg)
{
	char a[8] = "secret", b[8];
	struct iovec l = { b, sizeof(b) }, r = { a, sizeof(a) };

	(void)arg;
	process_vm_readv(getppid(), &l, 1, &r, 1, 0);
	return C_ALLOWED;
}

static void
test_killed(void **state)
{
	int fd;

	(void)state;
	expect_sigsys(run_sandboxed(try_execve, NULL));
	expect_sigsys(run_sandboxed(try_socket, NULL));
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	expect_sigsys(run_sandboxed(try_connect, &fd));
	close(fd);
	expect_sigsys(run_sandboxed(try_fork, NULL));
	expect_sigsys(run_sandboxed(try_ptrace, NULL));
	expect_sigsys(run_sandboxed(try_process_vm, NULL));
}

/* What the network process does all the time must keep working: I/O on
 * inherited fds, poll, memory, time, randomness. */
static int
try_io(void *arg)
{
	int *sv = arg;
	struct pollfd p = { .fd = sv[0], .events = POLLIN };
	struct timespec ts;
	char buf[16];
	uint8_t rnd[16];
	void *big;

	if (close(sv[1]) != 0)
		return C_IO;
	if (write(sv[0], "ping", 4) != 4)
		return C_IO;
	if (send(sv[0], "ping", 4, MSG_NOSIGNAL) != 4)
		return C_IO;
	if (poll(&p, 1, 5000) != 1 || !(p.revents & POLLIN))
		return C_IO;
	if (read(sv[0], buf, 4) != 4 || memcmp(buf, "pong", 4) != 0)
		return C_IO;
	if (recv(sv[0], buf, 4, 0) != 4 || memcmp(buf, "pong", 4) != 0)
		return C_IO;
	/* 8 MiB: served by mmap, not brk */
	if ((big = malloc(8u << 20)) == NULL)
		return C_IO;
	memset(big, 1, 8u << 20);
	free(big);
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return C_IO;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return C_IO;
	if (close(sv[0]) != 0)
		return C_IO;
	return C_OK;
}

static void
io_parent(pid_t child, void *arg)
{
	int *sv = arg;
	char buf[8];
	size_t got;
	ssize_t n;

	(void)child;
	close(sv[0]);
	/* the child's two writes may arrive apart */
	for (got = 0; got < 8; got += (size_t)n)
		assert_true((n = read(sv[1], buf + got, 8 - got)) > 0);
	assert_memory_equal(buf, "pingping", 8);
	assert_int_equal(write(sv[1], "pongpong", 8), 8);
}

static void
test_io_works(void **state)
{
	int sv[2], st;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = run_sandboxed_with(try_io, io_parent, sv);
	close(sv[1]);
	expect_exit(st, C_OK);
}

static int
try_exec_memory(void *arg)
{
	void *p;
	int r;

	(void)arg;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((r = denied(p == MAP_FAILED ? -1 : 0)) != C_OK)
		return r;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return C_IO;
	if ((r = denied(mprotect(p, 4096, PROT_READ | PROT_EXEC))) != C_OK)
		return r;
	/* signals to anyone but ourselves */
	if ((r = denied(kill(getppid(), 0))) != C_OK)
		return r;
	return denied(syscall(SYS_tgkill, getppid(), getppid(), 0));
}

static void
test_no_exec_memory_no_signals(void **state)
{
	(void)state;
	expect_exit(run_sandboxed(try_exec_memory, NULL), C_OK);
}

static int
try_abort(void *arg)
{
	(void)arg;
	abort();
}

static void
test_abort_still_aborts(void **state)
{
	int st;

	(void)state;
	st = run_sandboxed(try_abort, NULL);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
}

/* The kernel's view: no_new_privs set, seccomp in filter mode, read
 * from /proc by the parent while the sandboxed child waits. */
struct kstate {
	int go[2], ready[2];
	bool nnp, filter;
};

static int
kstate_child(void *arg)
{
	struct kstate *k = arg;
	char c;

	if (write(k->ready[1], "r", 1) != 1 || read(k->go[0], &c, 1) != 1)
		return C_IO;
	return C_OK;
}

static void
kstate_parent(pid_t child, void *arg)
{
	struct kstate *k = arg;
	char path[64], line[256], c;
	FILE *f;

	assert_int_equal(read(k->ready[0], &c, 1), 1);
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)child);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strcmp(line, "NoNewPrivs:\t1\n") == 0)
			k->nnp = true;
		if (strcmp(line, "Seccomp:\t2\n") == 0)
			k->filter = true;
	}
	fclose(f);
	assert_int_equal(write(k->go[1], "g", 1), 1);
}

static void
test_kernel_state(void **state)
{
	struct kstate k = { .nnp = false, .filter = false };

	(void)state;
	assert_int_equal(pipe(k.go), 0);
	assert_int_equal(pipe(k.ready), 0);
	expect_exit(run_sandboxed_with(kstate_child, kstate_parent, &k), C_OK);
	assert_true(k.nnp);
	assert_true(k.filter);
	close(k.go[0]);
	close(k.go[1]);
	close(k.ready[0]);
	close(k.ready[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_denied),
		cmocka_unit_test(test_killed),
		cmocka_unit_test(test_io_works),
		cmocka_unit_test(test_no_exec_memory_no_signals),
		cmocka_unit_test(test_abort_still_aborts),
		cmocka_unit_test(test_kernel_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
