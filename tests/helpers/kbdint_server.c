/*
 * kbdint_server: a hostile SSH server for assist-cli's keyboard-
 * interactive step (tests/e2e/otp.sh). One connection on 127.0.0.1 (port
 * written to PORTFILE); any public key is a partial success, then
 * keyboard-interactive asks, by MODE:
 *   hostile  one prompt of escape sequences and 5000 bytes, a name and an
 *            instruction with escape sequences; the answer is written to
 *            ANSWERFILE and refused
 *   many     20 prompts at once
 *   endless  one question after another, never a verdict
 * usage: kbdint_server PORTFILE HOSTKEY MODE ANSWERFILE
 * Exits after the connection (or 30 s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>

#define KS_LIFETIME_S	30
#define KS_LONG		5000	/* bytes of the long prompt */
#define KS_MANY		20	/* prompts in "many" */

struct ks {
	const char *mode;
	const char *answer_file;
	char longp[KS_LONG + 64];
	int infos;
};

static int
ks_pubkey(ssh_session s, const char *user, struct ssh_key_struct *key,
	  char state, void *ud)
{
	(void)user;
	(void)key;
	(void)ud;
	if (state == SSH_PUBLICKEY_STATE_NONE)
		return SSH_AUTH_SUCCESS;
	ssh_set_auth_methods(s, SSH_AUTH_METHOD_INTERACTIVE);
	return SSH_AUTH_PARTIAL;
}

static void
ks_save(struct ks *k, ssh_session s)
{
	FILE *f = fopen(k->answer_file, "a");
	const char *a = ssh_userauth_kbdint_getnanswers(s) > 0 ?
	    ssh_userauth_kbdint_getanswer(s, 0) : "(none)";

	if (f != NULL) {
		fprintf(f, "%s\n", a != NULL ? a : "(null)");
		fclose(f);
	}
}

static int
ks_ask(struct ks *k, ssh_message m)
{
	const char *prompts[KS_MANY];
	char echo[KS_MANY] = { 0 };
	int i;

	k->infos++;
	if (strcmp(k->mode, "hostile") == 0) {
		prompts[0] = k->longp;
		return ssh_message_auth_interactive_request(m,
		    "\x1b]0;pwned\x07name", "\x1b[2J\x1b[31minstruction\r\n"
		    "forged line", 1, prompts, echo);
	}
	if (strcmp(k->mode, "many") == 0) {
		for (i = 0; i < KS_MANY; i++)
			prompts[i] = "Q: ";
		return ssh_message_auth_interactive_request(m, "", "", KS_MANY,
		    prompts, echo);
	}
	prompts[0] = "Again: ";
	return ssh_message_auth_interactive_request(m, "", "", 1, prompts,
	    echo);
}

static int
ks_message(ssh_session s, ssh_message m, void *ud)
{
	struct ks *k = ud;

	if (ssh_message_type(m) != SSH_REQUEST_AUTH ||
	    ssh_message_subtype(m) != SSH_AUTH_METHOD_INTERACTIVE)
		return 1;
	if (!ssh_message_auth_kbdint_is_response(m) ||
	    strcmp(k->mode, "endless") == 0) {
		(void)ks_ask(k, m);
		return 0;
	}
	ks_save(k, s);
	return 1;
}

int
main(int argc, char **argv)
{
	struct ssh_server_callbacks_struct cb = { .auth_pubkey_function =
	    ks_pubkey };
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	struct ks k = { 0 };
	ssh_bind b;
	ssh_session s;
	ssh_event ev;
	time_t end = time(NULL) + KS_LIFETIME_S;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: kbdint_server PORTFILE HOSTKEY MODE "
		    "ANSWERFILE\n");
		return 2;
	}
	k.mode = argv[3];
	k.answer_file = argv[4];
	snprintf(k.longp, sizeof(k.longp), "\x1b[8mhidden\x1b[0m\x07%0*d: ",
	    KS_LONG, 7);
	b = ssh_bind_new();
	if (b == NULL ||
	    ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDADDR, "127.0.0.1") ||
	    ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDPORT_STR, "0") ||
	    ssh_bind_options_set(b, SSH_BIND_OPTIONS_HOSTKEY, argv[2]) ||
	    ssh_bind_listen(b) != SSH_OK ||
	    getsockname(ssh_bind_get_fd(b), (struct sockaddr *)&a, &len) != 0 ||
	    (f = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "kbdint_server: cannot listen\n");
		return 1;
	}
	fprintf(f, "%u\n", (unsigned)ntohs(a.sin_port));
	fclose(f);
	s = ssh_new();
	if (s == NULL || ssh_bind_accept(b, s) != SSH_OK) {
		fprintf(stderr, "kbdint_server: accept failed\n");
		return 1;
	}
	cb.userdata = &k;
	ssh_callbacks_init(&cb);
	ssh_set_server_callbacks(s, &cb);
	ssh_set_message_callback(s, ks_message, &k);
	ssh_set_auth_methods(s, SSH_AUTH_METHOD_PUBLICKEY);
	if (ssh_handle_key_exchange(s) != SSH_OK) {
		fprintf(stderr, "kbdint_server: %s\n", ssh_get_error(s));
		return 1;
	}
	ev = ssh_event_new();
	ssh_event_add_session(ev, s);
	while (time(NULL) < end &&
	    !(ssh_get_status(s) & (SSH_CLOSED | SSH_CLOSED_ERROR)))
		if (ssh_event_dopoll(ev, 200) == SSH_ERROR)
			break;
	printf("questions=%d\n", k.infos);
	ssh_event_remove_session(ev, s);
	ssh_event_free(ev);
	ssh_disconnect(s);
	ssh_free(s);
	ssh_bind_free(b);
	return 0;
}
