/*
 * kbdint_order: drives assistd --code's authentication steps out of
 * order with the libssh client, which sends whatever it is told (the
 * real ssh only tries the methods the server lists). Prints one
 * "step=result" line per step, for tests/e2e/otp.sh:
 *   kbdint_first  keyboard-interactive before any key (want: denied)
 *   pubkey        the key, with KEYFILE-cert.pub when there is one
 *                 (want: partial: the code is next)
 *   pubkey_again  a key again after that (want: denied)
 *   prompt        the server's prompt and its echo flag
 *   code          ANSWER to the prompt (success or denied)
 * usage: kbdint_order PORT USER KEYFILE ANSWER
 * The host key is not checked: a test against a local assistd only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <libssh/libssh.h>

#define KO_TIMEOUT_S	10

static const char *
ko_name(int rc)
{
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		return "success";
	case SSH_AUTH_DENIED:
		return "denied";
	case SSH_AUTH_PARTIAL:
		return "partial";
	case SSH_AUTH_INFO:
		return "info";
	case SSH_AUTH_AGAIN:
		return "again";
	default:
		return "error";
	}
}

/* One keyboard-interactive round: the prompt, then ANSWER. */
static void
ko_code(ssh_session s, const char *answer)
{
	int rc = ssh_userauth_kbdint(s, NULL, NULL);
	const char *p;
	char echo = 1;

	if (rc != SSH_AUTH_INFO || ssh_userauth_kbdint_getnprompts(s) != 1) {
		printf("prompt=none (%s)\ncode=%s\n", ko_name(rc),
		    ko_name(rc));
		return;
	}
	p = ssh_userauth_kbdint_getprompt(s, 0, &echo);
	printf("prompt=%s echo=%d\n", p ? p : "", echo);
	if (ssh_userauth_kbdint_setanswer(s, 0, answer) < 0) {
		printf("code=error\n");
		return;
	}
	rc = ssh_userauth_kbdint(s, NULL, NULL);
	printf("code=%s\n", ko_name(rc));
}

int
main(int argc, char **argv)
{
	long timeout = KO_TIMEOUT_S;
	unsigned port;
	ssh_session s;
	ssh_key key = NULL, cert = NULL;
	char certpath[4096];
	int rc, off = 0;

	if (argc != 5 || sscanf(argv[1], "%u", &port) != 1) {
		fprintf(stderr, "usage: kbdint_order PORT USER KEYFILE "
		    "ANSWER\n");
		return 2;
	}
	if ((s = ssh_new()) == NULL ||
	    ssh_options_set(s, SSH_OPTIONS_HOST, "127.0.0.1") != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, argv[2]) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &off) != 0 ||
	    ssh_pki_import_privkey_file(argv[3], NULL, NULL, NULL, &key) !=
	    SSH_OK) {
		fprintf(stderr, "kbdint_order: setup failed\n");
		return 1;
	}
	snprintf(certpath, sizeof(certpath), "%s-cert.pub", argv[3]);
	if (access(certpath, F_OK) == 0 &&
	    (ssh_pki_import_cert_file(certpath, &cert) != SSH_OK ||
	    ssh_pki_copy_cert_to_privkey(cert, key) != SSH_OK)) {
		fprintf(stderr, "kbdint_order: cannot use %s\n", certpath);
		return 1;
	}
	if (ssh_connect(s) != SSH_OK) {
		fprintf(stderr, "kbdint_order: %s\n", ssh_get_error(s));
		return 1;
	}
	rc = ssh_userauth_kbdint(s, NULL, NULL);
	printf("kbdint_first=%s\n", ko_name(rc));
	rc = ssh_userauth_publickey(s, NULL, key);
	printf("pubkey=%s\n", ko_name(rc));
	rc = ssh_userauth_publickey(s, NULL, key);
	printf("pubkey_again=%s\n", ko_name(rc));
	ko_code(s, argv[4]);
	fflush(stdout);
	ssh_disconnect(s);
	ssh_free(s);
	ssh_key_free(key);
	ssh_key_free(cert);
	return 0;
}
