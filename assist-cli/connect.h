/*
 * connect: the libssh client session: our settings only (libssh's config
 * reading off), a timeout always, the hardened algorithm lists set one by
 * one with every return code checked, and the negotiated algorithms
 * checked again after key exchange (libssh drops unknown names silently).
 */
#ifndef ASSIST_CLI_CONNECT_H
#define ASSIST_CLI_CONNECT_H

#include "assist-cli/settings.h"

#include <libssh/libssh.h>
#include <stddef.h>

/* The lists we offer (docs/ARCHITECTURE.md, research §3 and §5). */
#define CONNECT_KEX	"curve25519-sha256,curve25519-sha256@libssh.org"
#define CONNECT_CIPHERS	"chacha20-poly1305@openssh.com," \
			"aes256-gcm@openssh.com,aes128-gcm@openssh.com"
#define CONNECT_MACS	"hmac-sha2-256-etm@openssh.com," \
			"hmac-sha2-512-etm@openssh.com"
#define CONNECT_HOSTKEYS "ssh-ed25519"
/* Client keys we may sign with: sk and certificate types included, or
 * libssh skips an agent's sk certificate (research §5). */
#define CONNECT_PUBKEYS	"ssh-ed25519-cert-v01@openssh.com," \
	"sk-ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com," \
	"rsa-sha2-256-cert-v01@openssh.com," \
	"ssh-ed25519,sk-ssh-ed25519@openssh.com," \
	"ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"

/*
 * Creates a session from s and connects (TCP or ProxyCommand, then key
 * exchange). Returns CLI_EXIT_OK with *out set (caller disconnects and
 * frees), or CLI_EXIT_CONNECT / CLI_EXIT_OTHER with err set.
 */
int connect_open(const struct cli_settings *s, ssh_session *out, char *err,
		 size_t errsz);

/* 1 if name is one entry of the comma-separated list, else 0. */
int connect_in_list(const char *name, const char *list);

#endif
