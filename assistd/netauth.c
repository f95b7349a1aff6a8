/*
 * netauth: publickey authentication of the helper in the network process;
 * see netconn.h. libssh 0.10.6 has no login grace timer and no attempt
 * limit, and ssh_set_auth_methods() only sets the list sent in
 * USERAUTH_FAILURE (research §1, §4.7): both limits and the refusal of
 * every other method are ours, here.
 *
 * With assistd --code the accepted key is only a partial success; the
 * one-time code follows by keyboard-interactive, which 0.10.6 offers a
 * server only through the message callback (research §6). The answer
 * goes to the monitor (IPC_CODE_CHECK), which alone holds the code; the
 * reply must be sent from inside that callback, so we wait for the
 * monitor's IPC_CODE_RESULT there (bounded: netconn_ipc_wait).
 */
#include "assistd/netconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/libsshkey.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/sshkey.h"

#define NETAUTH_WHY_MAX	512	/* a policy reason */
/* The one-time code's question (keyboard-interactive, echo off). */
#define NETAUTH_CODE_PROMPT	"One-time code: "
#define NETAUTH_CODE_INSTR	"Enter the one-time code the user reads out to you."

int
netauth_decide(const struct policy *policy, const char *user,
	       const uint8_t *blob, size_t blob_len, const char *peer_addr,
	       uint64_t now, struct policy_identity *id, char *why,
	       size_t whysz)
{
	struct policy_request rq;

	rq.user = user;
	rq.key_blob = blob;
	rq.key_len = blob_len;
	rq.peer_addr = peer_addr;
	rq.now = now;
	return policy_check(policy, &rq, id, why, whysz);
}


/* Reports one decision to the monitor and the log; id may be NULL (a
 * method other than publickey). */
static void
netauth_report(struct netconn *c, bool accepted, const char *user,
	       const char *method, const struct policy_identity *id,
	       const char *reason)
{
	static const struct policy_identity none;
	struct ipc_auth_result m;
	char u[96];

	if (id == NULL)
		id = &none;
	log_sanitize(u, sizeof(u), user ? user : "", IPC_MAX_STR);
	memset(&m, 0, sizeof(m));
	m.accepted = accepted ? 1 : 0;
	m.user = u;
	m.method = (char *)method;
	m.key_type = (char *)id->key_type;
	m.key_fp = (char *)id->key_fp;
	m.reason = (char *)(reason ? reason : "");
	m.is_cert = id->is_cert ? 1 : 0;
	if (id->is_cert) {
		m.key_id = (char *)id->key_id;
		m.principals = (char *)id->principals;
		m.serial = id->serial;
		m.ca_name = (char *)id->ca_name;
		m.ca_fp = (char *)id->ca_fp;
		m.valid_after = id->valid_after;
		m.valid_before = id->valid_before;
	}
	m.flags = (uint8_t)((id->no_touch_required ? IPC_AUTH_F_NO_TOUCH : 0) |
	    (id->verify_required ? IPC_AUTH_F_VERIFY : 0));
	/* The monitor logs every decision it receives; ours is for
	 * debugging. */
	if (accepted)
		log_debug("accepted %s for %s from %s: %s %s", method, u,
		    c->p->peer, id->key_type, id->key_fp);
	else
		log_debug("refused %s for %s from %s: %s%s%s%s", method, u,
		    c->p->peer, reason, *id->key_type ? " (" : "",
		    id->key_type, *id->key_type ? ")" : "");
	(void)netconn_ipc_auth(c, &m);
}

/*
 * Stops answering authentication requests. libssh 0.10.6 answers every
 * request a callback refused with USERAUTH_FAILURE listing the session's
 * methods, and sends nothing when none of them is publickey, password,
 * keyboard-interactive, gssapi or hostbased (ssh_auth_reply_default).
 * Setting the list to "none" alone therefore turns the refusal in hand,
 * and any request that comes while we disconnect, into no reply: the
 * helper's next packet is our DISCONNECT, as with sshd at MaxAuthTries,
 * instead of a FAILURE that a client out of keys would report as
 * "Permission denied" before reading our reason.
 */
static void
netauth_stop(struct netconn *c)
{
	ssh_set_auth_methods(c->s, SSH_AUTH_METHOD_NONE);
}

static void
netauth_failed(struct netconn *c)
{
	c->auth_failures++;
	log_debug("failed authentication attempt %d of %d", c->auth_failures,
	    c->p->max_auth_tries);
	netauth_check_limits(c, clock_now_ms());
}

static int
netauth_pubkey(ssh_session s, const char *user, struct ssh_key_struct *key,
	       char state, void *ud)
{
	struct netconn *c = ud;
	struct policy_identity id;
	char why[NETAUTH_WHY_MAX];
	uint8_t *blob;
	size_t len = 0;
	int ok;

	(void)s;
	nethostcert_send(c);
	if (c->authenticated || c->done)
		return SSH_AUTH_DENIED;
	if (c->code.key_passed) {
		/* One key only: the next step is the code (research §6:
		 * libssh enforces no order between the steps). */
		netauth_report(c, false, user, "publickey", NULL,
		    "a key was accepted already; the one-time code is next");
		netauth_failed(c);
		return SSH_AUTH_DENIED;
	}
	blob = libsshkey_blob(key, SSHKEY_MAX_BLOB, &len);
	ok = netauth_decide(c->p->policy, user, blob, len, c->p->peer_addr,
	    (uint64_t)time(NULL), &id, why, sizeof(why));
	free(blob);
	if (ok && state != SSH_PUBLICKEY_STATE_NONE &&
	    state != SSH_PUBLICKEY_STATE_VALID) {
		ok = 0;
		snprintf(why, sizeof(why), "bad signature");
	}
	if (!ok) {
		netauth_report(c, false, user, "publickey", &id, why);
		netauth_failed(c);
		return SSH_AUTH_DENIED;
	}
	if (state == SSH_PUBLICKEY_STATE_NONE) {
		/* The probe of an acceptable key: libssh answers PK_OK; the
		 * decision comes with the signature. Not counted, as in
		 * OpenSSH. */
		log_debug("key %s %s acceptable, waiting for its signature",
		    id.key_type, id.key_fp);
		return SSH_AUTH_SUCCESS;
	}
	if (c->p->code_required) {
		/* USERAUTH_FAILURE, partial success, "keyboard-interactive"
		 * only (research §6). */
		c->code.key_passed = true;
		netauth_report(c, true, user, "publickey", &id, NULL);
		ssh_set_auth_methods(c->s, SSH_AUTH_METHOD_INTERACTIVE);
		return SSH_AUTH_PARTIAL;
	}
	c->authenticated = true;
	netauth_report(c, true, user, "publickey", &id, NULL);
	return SSH_AUTH_SUCCESS;
}

/*
 * libssh 0.10.6 runs GSSAPI (gss_indicate_mechs, gss_acquire_cred: the
 * Kerberos configuration and keytab) for any client asking for
 * gssapi-with-mic, whatever ssh_set_auth_methods() says. This callback
 * makes it refuse before touching GSSAPI.
 */
static ssh_string
netauth_gssapi_refuse(ssh_session s, const char *user, int n_oid,
		      ssh_string *oids, void *ud)
{
	struct netconn *c = ud;

	(void)s;
	(void)n_oid;
	(void)oids;
	if (!c->authenticated && !c->done) {
		netauth_report(c, false, user, "gssapi-with-mic", NULL,
		    "method not allowed");
		netauth_failed(c);
	}
	return NULL;
}

void
netauth_setup(struct netconn *c)
{
	c->server_cb.auth_pubkey_function = netauth_pubkey;
	c->server_cb.gssapi_select_oid_function = netauth_gssapi_refuse;
	ssh_set_auth_methods(c->s, SSH_AUTH_METHOD_PUBLICKEY);
}

static const char *
netauth_method_name(int subtype)
{
	switch (subtype) {
	case SSH_AUTH_METHOD_PASSWORD:
		return "password";
	case SSH_AUTH_METHOD_INTERACTIVE:
		return "keyboard-interactive";
	case SSH_AUTH_METHOD_HOSTBASED:
		return "hostbased";
	case SSH_AUTH_METHOD_GSSAPI_MIC:
		return "gssapi-with-mic";
	case SSH_AUTH_METHOD_PUBLICKEY:
		return "publickey";
	default:
		return "unknown";
	}
}

/* A refused one-time-code message: reported, counted, default reply. */
static int
netauth_code_refuse(struct netconn *c, const char *user, const char *why)
{
	netauth_report(c, false, user, "keyboard-interactive", NULL, why);
	netauth_failed(c);
	return 1;
}

/* The question: one prompt, echo off. 0: handled. */
static int
netauth_code_ask(struct netconn *c, ssh_message m)
{
	const char *user = ssh_message_auth_user(m);
	const char *prompts[1] = { NETAUTH_CODE_PROMPT };
	char echo[1] = { 0 };

	/* The user of the key step (the policy allows only p->user): a
	 * client may name another in each request. */
	if (user == NULL || strcmp(user, c->p->user) != 0)
		return netauth_code_refuse(c, user, "user name changed after "
		    "the key step");
	if (ssh_message_auth_interactive_request(m, "", NETAUTH_CODE_INSTR,
	    1, prompts, echo) != SSH_OK) {
		netconn_end(c, true, "Internal error", "cannot ask for the "
		    "one-time code: %s", ssh_get_error(c->s));
		return 0;
	}
	c->code.asked = true;
	return 0;
}

/* The helper's answer goes to the monitor, which alone knows the code;
 * only right or wrong and the tries left come back. */
static int
netauth_code_answer(struct netconn *c, ssh_message m)
{
	struct ipc_ctl q = { .mode = 0 };
	const char *a = NULL;
	char answer[IPC_CODE_MAX + 1] = "";

	if (!c->code.asked)
		return netauth_code_refuse(c, NULL, "keyboard-interactive "
		    "answer without a question");
	c->code.asked = false;
	if (ssh_userauth_kbdint_getnanswers(c->s) == 1)
		a = ssh_userauth_kbdint_getanswer(c->s, 0);
	/* A missing or over-long answer is sent as "": wrong, and
	 * counted by the monitor like any other. */
	if (a != NULL && strlen(a) <= IPC_CODE_MAX)
		snprintf(answer, sizeof(answer), "%s", a);
	q.text = answer;
	c->code.waiting = true;
	c->code.replied = false;
	if (netconn_ipc_ctl(c, IPC_CODE_CHECK, &q) == 0 &&
	    netconn_ipc_wait(c, &c->code.replied, NETCONN_IPC_WAIT_MS) != 0)
		netconn_end(c, true, "Internal error", "no answer from the "
		    "monitor about the one-time code");
	explicit_bzero(answer, sizeof(answer));
	c->code.waiting = false;
	if (c->done)
		return 1;
	if (c->code.ok) {
		log_debug("one-time code right: authenticated");
		c->authenticated = true;
		if (ssh_message_auth_reply_success(m, 0) != SSH_OK)
			netconn_end(c, false, NULL, "cannot send the "
			    "authentication success: %s", ssh_get_error(c->s));
		return 0;
	}
	log_debug("one-time code wrong; %u tries left",
	    (unsigned)c->code.tries_left);
	netauth_failed(c);
	if (!c->done && c->code.tries_left == 0) {
		netauth_stop(c);
		netconn_end(c, false, "One-time code refused",
		    "one-time code refused, no tries left");
	}
	return 1;
}

void
netauth_code_result(struct netconn *c, const struct ipc_ctl *m)
{
	if (!c->code.waiting || c->code.replied) {
		netconn_end(c, true, "Internal error", "unexpected one-time "
		    "code result from the monitor");
		return;
	}
	c->code.replied = true;
	c->code.ok = m->kind == 1;
	c->code.tries_left = m->num;
}

int
netauth_message(struct netconn *c, ssh_message m)
{
	int sub = ssh_message_subtype(m);

	nethostcert_send(c);
	/* "none" is how every client asks for the method list: answered
	 * (publickey only), not counted, as in OpenSSH. */
	if (sub == SSH_AUTH_METHOD_NONE || c->authenticated || c->done)
		return 1;
	if (sub == SSH_AUTH_METHOD_INTERACTIVE && c->code.key_passed)
		return ssh_message_auth_kbdint_is_response(m) ?
		    netauth_code_answer(c, m) : netauth_code_ask(c, m);
	netauth_report(c, false, ssh_message_auth_user(m),
	    netauth_method_name(sub), NULL,
	    sub == SSH_AUTH_METHOD_INTERACTIVE && c->p->code_required ?
	    "keyboard-interactive before an accepted key" :
	    "method not allowed");
	netauth_failed(c);
	return 1;
}

void
netauth_check_limits(struct netconn *c, long long now_ms)
{
	if (c->authenticated || c->done)
		return;
	if (c->auth_failures >= c->p->max_auth_tries) {
		netauth_stop(c);
		netconn_end(c, false, "Too many authentication failures",
		    "too many authentication failures (%d)",
		    c->auth_failures);
	} else if (now_ms >= c->grace_end_ms) {
		netauth_stop(c);
		netconn_end(c, false, "Login grace time exceeded",
		    "login grace time (%d s) exceeded",
		    c->p->login_grace_secs);
	}
}
