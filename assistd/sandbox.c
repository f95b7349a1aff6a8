/* sandbox: no_new_privs + seccomp allow-list; see sandbox.h. The list
 * was found with strace -f on real sessions (kex, publickey auth with
 * ed25519/ecdsa/rsa keys, every cipher, re-keys, channel traffic,
 * refusals, disconnects); the reason for each entry is beside it. */
#include "assistd/sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <seccomp.h>

/* Syscalls allowed without argument checks. */
static const int sandbox_allow[] = {
	/* the connection, the IPC socket and stderr */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvfrom),	/* libssh ssh_socket_unbuffered_read: recv() */
	SCMP_SYS(sendto),	/* libssh ssh_socket_unbuffered_write: send() */
	SCMP_SYS(close),	/* ssh_disconnect / ssh_free close the socket */
	SCMP_SYS(shutdown),	/* orderly close of our own sockets */
	SCMP_SYS(poll), SCMP_SYS(ppoll),  /* ssh_event_dopoll */
	SCMP_SYS(fcntl),	/* libssh/ipc set O_NONBLOCK; F_GETFL */
	/* memory: glibc malloc (brk, mmap for large blocks, trimming) */
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	/* time: vDSO normally, the syscall as fallback (grace timer,
	 * libssh timeouts, OpenSSL DRBG reseed clock) */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	/* OpenSSL's DRBG reseeds from getrandom (seeded before entering) */
	SCMP_SYS(getrandom),
	/* locks in OpenSSL (contended case only) */
	SCMP_SYS(futex),
	/* our own identity; abort() and raise() use them */
	SCMP_SYS(getpid), SCMP_SYS(gettid),
	/* signals: abort(), EINTR restarts */
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(restart_syscall),
	/* fstat on stdio streams (glibc, first write to stderr) */
	SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	/* the end */
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* Syscalls only an attacker needs: they kill the process. */
static const int sandbox_kill[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat),
	SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept),
	SCMP_SYS(accept4),
	SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(clone), SCMP_SYS(clone3),
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev),
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
sandbox_fail(char *err, size_t errsz, const char *what, int rc)
{
	snprintf(err, errsz, "%s: %s", what, strerror(rc < 0 ? -rc : rc));
	return -1;
}

/* Rules with argument checks: no new executable memory, signals only to
 * ourselves. */
static int
sandbox_add_checked(scmp_filter_ctx ctx)
{
	int rc;

	/* mmap/mprotect without PROT_EXEC: malloc needs memory, nothing
	 * here needs new code. */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0)
		return rc;
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0)
		return rc;
	/* abort() raises SIGABRT with tgkill(getpid(), gettid(), sig). */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()))) != 0)
		return rc;
	return 0;
}

int
sandbox_enter(char *err, size_t errsz)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	/* Also set by libseccomp on load; done first and checked so that a
	 * failure is reported as such. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return sandbox_fail(err, errsz, "no_new_privs", errno);
	ctx = seccomp_init(SCMP_ACT_ERRNO(SANDBOX_DENY_ERRNO));
	if (ctx == NULL) {
		snprintf(err, errsz, "seccomp_init failed");
		return -1;
	}
	/* Syscalls of another ABI (i386 int 0x80, x32) are not covered by
	 * the list: kill. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	for (i = 0; rc == 0 && i < NELEM(sandbox_allow); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_allow[i], 0);
	for (i = 0; rc == 0 && i < NELEM(sandbox_kill); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS,
		    sandbox_kill[i], 0);
	if (rc == 0)
		rc = sandbox_add_checked(ctx);
	if (rc != 0) {
		seccomp_release(ctx);
		return sandbox_fail(err, errsz, "seccomp rule", rc);
	}
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		return sandbox_fail(err, errsz, "seccomp_load", rc);
	return 0;
}
