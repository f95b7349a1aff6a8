/*
 * sandbox: what assistd's network process may still do once it parses
 * network input. no_new_privs plus a seccomp allow-list (libseccomp):
 * the syscalls libssh, OpenSSL and glibc need to serve an already
 * accepted connection and talk to the monitor over an inherited fd, and
 * nothing else. A syscall off the list fails with EACCES (so a library
 * that tries to open a file fails cleanly); the ones only an attacker
 * needs (exec, new sockets, fork/clone, ptrace, process_vm_*) kill the
 * process at once.
 */
#ifndef ASSISTD_SANDBOX_H
#define ASSISTD_SANDBOX_H

#include <stddef.h>

/* The errno a refused syscall returns. */
#define SANDBOX_DENY_ERRNO	EACCES

/*
 * Sets no_new_privs and loads the filter; from then on it applies to
 * this process for good. Returns 0, or -1 with a reason in err (errsz
 * bytes): the caller must then not go on serving the connection.
 */
int sandbox_enter(char *err, size_t errsz);

#endif
