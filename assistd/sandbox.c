/*
 * sandbox: no_new_privs + seccomp allow-list; see sandbox.h.
 *
 * The list was measured with strace -f on the network process over real
 * OpenSSH sessions: key exchange, publickey auth with ed25519, ecdsa-256
 * and rsa-3072 keys, each of chacha20-poly1305 / aes256-gcm / aes128-gcm,
 * 30 MB sent by the helper with RekeyLimit=1M (about 40 re-keys), a
 * refused key before the good one, pty/exec/password refusals, a wrong
 * user, monitor grant and the orderly close. After the filter was loaded
 * the process made only poll, recvfrom, sendto, read, write, close,
 * getpid, brk, futex and exit_group, and none failed. Everything that
 * opens a file is done before (net.c net_before_sandbox: OpenSSL reads
 * openssl.cnf on first use, tzset reads /etc/localtime).
 */
#include "assistd/sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <seccomp.h>

/*
 * Syscalls allowed without argument checks. "seen" marks what strace -f
 * showed after sandbox_enter() over real sessions (see the file header);
 * the others are glibc fallbacks and error paths, each named.
 */
static const int sandbox_allow[] = {
	SCMP_SYS(poll),		/* seen: ssh_event_dopoll */
	SCMP_SYS(ppoll),	/* what poll() is on arches without poll */
	SCMP_SYS(recvfrom),	/* seen: libssh reads the socket with recv() */
	SCMP_SYS(sendto),	/* seen: libssh writes it with send() */
	SCMP_SYS(read),		/* seen: IPC from the monitor */
	SCMP_SYS(write),	/* seen: IPC to the monitor, stderr log */
	SCMP_SYS(close),	/* seen: ssh_free/ssh_disconnect, IPC fd */
	SCMP_SYS(shutdown),	/* seen: net_linger's FIN after DISCONNECT */
	SCMP_SYS(getpid),	/* seen: OpenSSL's fork check at each RAND use */
	SCMP_SYS(brk),		/* seen: malloc */
	SCMP_SYS(futex),	/* seen: OpenSSL's once/lock wake-ups */
	SCMP_SYS(exit_group),	/* seen: the end */
	SCMP_SYS(exit),		/* glibc _exit() falls back to it */
	/* malloc beyond brk (blocks over 128 KiB, fragmentation) */
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	/* OpenSSL's DRBG reseeds from the kernel after a time interval
	 * (seeded before entering, so not seen in short runs) */
	SCMP_SYS(getrandom),
	/* the vDSO serves these; the syscall is its fallback */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	/* abort() (assert, malloc corruption) blocks signals before
	 * raising SIGABRT; a signal handler returns; a stopped poll
	 * restarts */
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(restart_syscall),
	/* glibc's raise() asks gettid for tgkill's target (found by
	 * test_sandbox: without it abort() ends in SIGSEGV, not SIGABRT) */
	SCMP_SYS(gettid),
	/* this thread's own signal stack: the sanitizer runtimes (ASan)
	 * query and reset it at exit and abort when refused (found by
	 * test_sandbox in the SAN=1 build) */
	SCMP_SYS(sigaltstack),
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
	/* arg 2 (prot) & PROT_EXEC == 0 */
	const struct scmp_arg_cmp noexec = { .arg = 2,
	    .op = SCMP_CMP_MASKED_EQ, .datum_a = PROT_EXEC, .datum_b = 0 };
	/* arg 0 (tgid) == our pid */
	const struct scmp_arg_cmp self = { .arg = 0, .op = SCMP_CMP_EQ,
	    .datum_a = (scmp_datum_t)getpid(), .datum_b = 0 };
	int rc;

	/* mmap/mprotect without PROT_EXEC: malloc needs memory, nothing
	 * here needs new code. */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    noexec)) != 0)
		return rc;
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    noexec)) != 0)
		return rc;
	/* abort() raises SIGABRT with tgkill(getpid(), gettid(), sig). */
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    self);
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
