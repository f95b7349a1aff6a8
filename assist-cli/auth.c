/* auth: agent and key/certificate authentication; see auth.h. */
#include "assist-cli/auth.h"

#include "assist-cli/agentwatch.h"
#include "assist-cli/exitcode.h"
#include "assist-cli/prompt.h"
#include "common/buf.h"
#include "common/cert.h"
#include "common/clock.h"
#include "common/libsshkey.h"
#include "common/log.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define AUTH_CERT_SUFFIX "-cert-v01@openssh.com"
#define AUTH_AT_OPENSSH "@openssh.com"

/* Outcome of one attempt, beyond libssh's codes. */
enum auth_step {
	AUTH_STEP_NEXT = 0,	/* denied or unusable: try the next key */
	AUTH_STEP_DONE,		/* authenticated */
	AUTH_STEP_PARTIAL,	/* key accepted, a further step asked */
	AUTH_STEP_FAIL,		/* stop: err is set */
};

/* One identity being tried. */
struct auth_id {
	const char *path;
	bool given;		/* named by -i or IdentityFile */
	ssh_key pub;
	char pass[PROMPT_MAX_ANSWER];	/* cached passphrase, wiped after */
	bool have_pass;
	bool unloadable;	/* private half cannot be loaded: skip */
};

struct auth_ctx {
	ssh_session ss;
	const struct cli_settings *s;
	struct auth_outcome *o;
	char tried[AUTH_MAX_TRIED];
	char *err;
	size_t errsz;
};

static void
auth_note(struct auth_ctx *c, const char *what)
{
	size_t n = strlen(c->tried);

	snprintf(c->tried + n, sizeof(c->tried) - n, "%s%s", n ? ", " : "",
	    what);
}

int
auth_cert_matches(const uint8_t *cert, size_t cert_len, const uint8_t *key,
		  size_t key_len)
{
	struct buf c, k;
	const uint8_t *ctype, *ktype, *nonce;
	size_t ctype_len, ktype_len, nonce_len, base, rest;
	char want[128];

	buf_view(&k, key, key_len);
	buf_view(&c, cert, cert_len);
	if (buf_get_string_view(&k, 64, &ktype, &ktype_len) != BUF_OK ||
	    buf_get_string_view(&c, 128, &ctype, &ctype_len) != BUF_OK ||
	    buf_get_string_view(&c, 256, &nonce, &nonce_len) != BUF_OK)
		return 0;
	/* "sk-ssh-ed25519@openssh.com" certifies as
	 * "sk-ssh-ed25519-cert-v01@openssh.com". */
	base = ktype_len;
	if (base > strlen(AUTH_AT_OPENSSH) && memcmp(ktype + base -
	    strlen(AUTH_AT_OPENSSH), AUTH_AT_OPENSSH,
	    strlen(AUTH_AT_OPENSSH)) == 0)
		base -= strlen(AUTH_AT_OPENSSH);
	if (base + strlen(AUTH_CERT_SUFFIX) >= sizeof(want))
		return 0;
	memcpy(want, ktype, base);
	memcpy(want + base, AUTH_CERT_SUFFIX, strlen(AUTH_CERT_SUFFIX) + 1);
	if (ctype_len != strlen(want) || memcmp(ctype, want, ctype_len) != 0)
		return 0;
	/* The key's public fields follow the nonce, byte for byte. */
	rest = buf_avail(&k);
	if (rest == 0 || buf_avail(&c) <= rest ||
	    memcmp(buf_ptr(&c), buf_ptr(&k), rest) != 0)
		return 0;
	return 1;
}

/* libssh asks this when a key is encrypted; we only record that. */
static int
auth_no_pass(const char *prompt, char *buf, size_t len, int echo,
	     int verify, void *userdata)
{
	*(bool *)userdata = true;
	return -1;
}

/* Loads the private key, asking for its passphrase on /dev/tty when it
 * is encrypted (at most AUTH_PASSPHRASE_TRIES times, cached after). */
static ssh_key
auth_private(struct auth_ctx *c, struct auth_id *id)
{
	char q[512], safe[256];
	ssh_key key = NULL;
	bool encrypted = false;
	int i;

	if (id->unloadable)
		return NULL;
	if (id->have_pass) {
		if (ssh_pki_import_privkey_file(id->path, id->pass, NULL, NULL,
		    &key) == SSH_OK)
			return key;
		id->unloadable = true;
		return NULL;
	}
	if (ssh_pki_import_privkey_file(id->path, NULL, auth_no_pass,
	    &encrypted, &key) == SSH_OK)
		return key;
	log_sanitize(safe, sizeof(safe), id->path, strlen(id->path));
	id->unloadable = true;
	if (!encrypted) {
		log_info("cannot load identity %s (unsupported or damaged "
		    "key file)", safe);
		return NULL;
	}
	if (c->s->batch_mode) {
		log_info("identity %s is encrypted and BatchMode forbids "
		    "asking for its passphrase", safe);
		return NULL;
	}
	snprintf(q, sizeof(q), "Enter passphrase for key '%s': ", safe);
	for (i = 0; i < AUTH_PASSPHRASE_TRIES; i++) {
		int r = prompt_read(q, id->pass, sizeof(id->pass), false);

		if (r != PROMPT_OK || id->pass[0] == '\0')
			break;	/* no terminal, EOF or empty: skip the key */
		if (ssh_pki_import_privkey_file(id->path, id->pass, NULL,
		    NULL, &key) == SSH_OK) {
			id->have_pass = true;
			id->unloadable = false;
			return key;
		}
		fprintf(stderr, "Bad passphrase, try again for %s\n", safe);
	}
	explicit_bzero(id->pass, sizeof(id->pass));
	return NULL;
}

/* Maps a failed libssh call to a step: denied → next, else fail. */
static enum auth_step
auth_result(struct auth_ctx *c, int r, const char *what)
{
	switch (r) {
	case SSH_AUTH_SUCCESS:
		return AUTH_STEP_DONE;
	case SSH_AUTH_DENIED:
		return AUTH_STEP_NEXT;
	case SSH_AUTH_PARTIAL:
		log_debug("%s accepted; the server asks for more", what);
		return AUTH_STEP_PARTIAL;
	case SSH_AUTH_AGAIN:
		snprintf(c->err, c->errsz, "authentication timed out after "
		    "%ld s (%s)", c->s->timeout, what);
		return AUTH_STEP_FAIL;
	default:
		snprintf(c->err, c->errsz, "authentication failed (%s): %s",
		    what, ssh_get_error(c->ss));
		return AUTH_STEP_FAIL;
	}
}

/* The key or certificate blob the server accepted, into o: the type
 * offered, the (certified) key's fingerprint, a certificate's key ID and
 * serial. */
static void
auth_record_blob(struct auth_outcome *o, const uint8_t *blob, size_t len)
{
	const uint8_t *t;
	struct cert pc;
	char why[256];
	struct buf b;
	size_t tl;

	buf_view(&b, blob, len);
	if (buf_get_string_view(&b, sizeof(o->key_type) - 1, &t, &tl) !=
	    BUF_OK)
		return;
	memcpy(o->key_type, t, tl);
	o->key_type[tl] = '\0';
	if (!cert_is_cert_name(o->key_type, tl)) {
		if (knownhosts_fingerprint(blob, len, o->key_fp) != 0)
			o->key_fp[0] = '\0';
		return;
	}
	if (cert_parse(blob, len, &pc, why, sizeof(why)) != 0)
		return;
	o->cert = true;
	if (knownhosts_fingerprint(pc.key_blob, pc.key_blob_len,
	    o->key_fp) != 0)
		o->key_fp[0] = '\0';
	snprintf(o->key_id, sizeof(o->key_id), "%s", pc.key_id);
	o->serial = (unsigned long long)pc.serial;
	cert_free(&pc);
}

/* Notes the identity file (and certificate file) the server accepted. */
static void
auth_record(struct auth_ctx *c, const struct auth_id *id, ssh_key cert,
	    const char *cert_path)
{
	uint8_t *blob;
	size_t len;

	c->o->via = "file";
	snprintf(c->o->file, sizeof(c->o->file), "%s", id->path);
	if (cert != NULL)
		snprintf(c->o->cert_file, sizeof(c->o->cert_file), "%s",
		    cert_path);
	blob = libsshkey_blob(cert ? cert : id->pub, AUTH_MAX_BLOB, &len);
	if (blob != NULL)
		auth_record_blob(c->o, blob, len);
	free(blob);
}

/* Offers pub (plain key or certificate, read from cert_path); when the
 * server would take it, signs with the private key (+ certificate). */
static enum auth_step
auth_offer(struct auth_ctx *c, struct auth_id *id, ssh_key cert,
	   const char *cert_path, const char *what)
{
	ssh_key offer = cert ? cert : id->pub, priv;
	enum auth_step st;
	int r;

	auth_note(c, what);
	log_debug("offering %s", what);
	r = ssh_userauth_try_publickey(c->ss, NULL, offer);
	if (r != SSH_AUTH_SUCCESS)
		return auth_result(c, r, what);
	if ((priv = auth_private(c, id)) == NULL)
		return AUTH_STEP_NEXT;
	if (cert != NULL && ssh_pki_copy_cert_to_privkey(cert, priv) !=
	    SSH_OK) {
		ssh_key_free(priv);
		log_info("cannot attach the certificate for %s", what);
		return AUTH_STEP_NEXT;
	}
	r = ssh_userauth_publickey(c->ss, NULL, priv);
	ssh_key_free(priv);
	st = auth_result(c, r, what);
	if (st == AUTH_STEP_DONE || st == AUTH_STEP_PARTIAL) {
		log_debug("%s with %s", st == AUTH_STEP_DONE ?
		    "authenticated" : "key step passed", what);
		auth_record(c, id, cert, cert_path);
	}
	return st;
}

/* Imports a certificate file and checks it certifies id's key. */
static ssh_key
auth_cert_for(struct auth_id *id, const char *path, bool warn)
{
	ssh_key cert = NULL;
	uint8_t *cb = NULL, *kb = NULL;
	size_t cl = 0, kl = 0;
	char safe[256];
	int ok;

	log_sanitize(safe, sizeof(safe), path, strlen(path));
	if (ssh_pki_import_cert_file(path, &cert) != SSH_OK) {
		if (warn)
			log_info("cannot load certificate %s", safe);
		return NULL;
	}
	cb = libsshkey_blob(cert, AUTH_MAX_BLOB, &cl);
	kb = libsshkey_blob(id->pub, AUTH_MAX_BLOB, &kl);
	ok = cb != NULL && kb != NULL && auth_cert_matches(cb, cl, kb, kl);
	free(cb);
	free(kb);
	if (!ok) {
		if (warn)
			log_info("certificate %s does not certify key %s; "
			    "not used", safe, id->path);
		ssh_key_free(cert);
		return NULL;
	}
	return cert;
}

/* The identity's public key: KEY.pub, else from the private key. */
static int
auth_load_pub(struct auth_ctx *c, struct auth_id *id)
{
	char pubpath[SSHCONFIG_MAX_PATH + 8];
	ssh_key priv;

	snprintf(pubpath, sizeof(pubpath), "%s.pub", id->path);
	if (access(pubpath, F_OK) == 0 &&
	    ssh_pki_import_pubkey_file(pubpath, &id->pub) == SSH_OK)
		return 0;
	id->pub = NULL;
	if ((priv = auth_private(c, id)) == NULL)
		return -1;
	if (ssh_pki_export_privkey_to_pubkey(priv, &id->pub) != SSH_OK)
		id->pub = NULL;
	ssh_key_free(priv);
	return id->pub ? 0 : -1;
}

/* true when the file is usable: present, and not readable by others
 * (ssh ignores such keys with its "UNPROTECTED PRIVATE KEY FILE"). */
static bool
auth_file_ok(const struct auth_id *id)
{
	char safe[256];
	struct stat st;

	log_sanitize(safe, sizeof(safe), id->path, strlen(id->path));
	if (stat(id->path, &st) != 0) {
		if (id->given)
			log_info("identity file %s not accessible: %s", safe,
			    strerror(errno));
		return false;
	}
	if (st.st_uid == getuid() && (st.st_mode & 077) != 0) {
		log_info("UNPROTECTED PRIVATE KEY FILE: permissions %04o for "
		    "%s are too open; key ignored",
		    (unsigned)(st.st_mode & 07777), safe);
		return false;
	}
	return true;
}

/* Certificates first (KEY-cert.pub, then matching CertificateFiles),
 * then the plain key. */
static enum auth_step
auth_identity(struct auth_ctx *c, struct auth_id *id)
{
	char certpath[SSHCONFIG_MAX_PATH + 16], what[SSHCONFIG_MAX_PATH + 32];
	enum auth_step st = AUTH_STEP_NEXT;
	size_t i;

	if (!auth_file_ok(id) || auth_load_pub(c, id) != 0)
		return AUTH_STEP_NEXT;
	snprintf(certpath, sizeof(certpath), "%s-cert.pub", id->path);
	for (i = 0; st == AUTH_STEP_NEXT && i <= c->s->n_certs; i++) {
		const char *cp = i == 0 ? certpath : c->s->certs[i - 1];
		ssh_key cert;

		if (i == 0 && access(cp, F_OK) != 0)
			continue;
		if ((cert = auth_cert_for(id, cp, i == 0)) == NULL)
			continue;
		snprintf(what, sizeof(what), "%s with certificate %s",
		    id->path, cp);
		st = auth_offer(c, id, cert, cp, what);
		ssh_key_free(cert);
	}
	if (st == AUTH_STEP_NEXT)
		st = auth_offer(c, id, NULL, NULL, id->path);
	return st;
}

static enum auth_step
auth_agent(struct auth_ctx *c)
{
	struct agentwatch w;
	uint8_t *key = NULL;
	char why[256];
	size_t len = 0;
	bool watched;
	int r;

	auth_note(c, "agent");
	log_debug("trying the keys of the agent at %s", c->s->agent_sock);
	/* Unwatched, libssh reaches the agent itself: the transcript then
	 * lacks only the key. */
	watched = agentwatch_start(&w, c->ss, c->s->agent_sock, why,
	    sizeof(why)) == 0;
	if (!watched)
		log_debug("agent key not recorded: %s", why);
	r = ssh_userauth_agent(c->ss, NULL);
	if (watched)
		key = agentwatch_finish(&w, &len);
	if (r == SSH_AUTH_ERROR &&
	    (ssh_get_status(c->ss) & (SSH_CLOSED | SSH_CLOSED_ERROR)) == 0) {
		/* An unreachable agent is not the server saying no. */
		log_info("agent at %s not usable: %s", c->s->agent_sock,
		    ssh_get_error(c->ss));
		free(key);
		return AUTH_STEP_NEXT;
	}
	if (r == SSH_AUTH_SUCCESS || r == SSH_AUTH_PARTIAL) {
		c->o->via = "agent";
		if (key != NULL)
			auth_record_blob(c->o, key, len);
	}
	free(key);
	return auth_result(c, r, "agent keys");
}

/* Shows the server's name or instruction line, escaped and cut. */
static void
auth_kbdint_say(const char *text)
{
	char safe[AUTH_INSTR_SHOWN + 4];

	if (text != NULL && text[0] != '\0')
		fprintf(stderr, "%s\n", log_sanitize(safe, sizeof(safe), text,
		    AUTH_INSTR_SHOWN));
}

/* Answers one question of the server: every prompt asked where
 * prompt_ask says. 0, or -1 when no answer was given (cancelled, no
 * terminal and no askpass) or the question is malformed (err set). */
static int
auth_kbdint_answer(struct auth_ctx *c)
{
	char answer[PROMPT_MAX_ANSWER], safe[AUTH_PROMPT_SHOWN + 4];
	char q[AUTH_PROMPT_SHOWN + SSHCONFIG_MAX_PATH + 512];
	int i, n = ssh_userauth_kbdint_getnprompts(c->ss), r;
	const char *p;
	char echo;

	if (n < 0 || n > AUTH_KBDINT_MAX_PROMPTS) {
		c->o->code = "error";
		snprintf(c->err, c->errsz, "the server asked %d questions at "
		    "once in keyboard-interactive authentication", n);
		return -1;
	}
	auth_kbdint_say(ssh_userauth_kbdint_getname(c->ss));
	auth_kbdint_say(ssh_userauth_kbdint_getinstruction(c->ss));
	for (i = 0; i < n; i++) {
		echo = 0;
		p = ssh_userauth_kbdint_getprompt(c->ss, (unsigned)i, &echo);
		/* As ssh: "(user@host) " names who asks. */
		snprintf(q, sizeof(q), "(%s@%s) %s", c->s->user,
		    c->s->host_arg, log_sanitize(safe, sizeof(safe),
		    p != NULL ? p : "", AUTH_PROMPT_SHOWN));
		r = prompt_ask(q, answer, sizeof(answer), echo != 0);
		if (r != PROMPT_OK) {
			explicit_bzero(answer, sizeof(answer));
			c->o->code = "cancelled";
			snprintf(c->err, c->errsz, "the server asked for a "
			    "one-time code after the key and none was given "
			    "(%s)", r == PROMPT_NO_TTY ? "no terminal, and "
			    "SSH_ASKPASS not allowed: see assist-cli(1)" :
			    r == PROMPT_EOF ? "cancelled" : "could not ask");
			return -1;
		}
		r = ssh_userauth_kbdint_setanswer(c->ss, (unsigned)i, answer);
		explicit_bzero(answer, sizeof(answer));
		if (r < 0) {
			c->o->code = "error";
			snprintf(c->err, c->errsz, "keyboard-interactive: %s",
			    ssh_get_error(c->ss));
			return -1;
		}
	}
	if (n > 0)
		c->o->code_tries++;
	return 0;
}

/*
 * ssh_userauth_kbdint(), but not blind to the server's DISCONNECT:
 * libssh 0.10.6's blocking call goes on waiting for an answer until its
 * timeout after the server closed the connection (research §5; seen: the
 * full 30 s after assistd's "One-time code refused"). So the call runs
 * non-blocking and we wait on the socket in between, stopping as soon as
 * the session is no longer connected (SSH_AUTH_ERROR, ssh_get_error
 * names the server's reason) or the timeout passed (SSH_AUTH_AGAIN).
 */
static int
auth_kbdint_call(struct auth_ctx *c)
{
	long long end = clock_now_ms() + c->s->timeout * 1000, now;
	int blocking = ssh_is_blocking(c->ss), r;
	struct pollfd p = { .fd = ssh_get_fd(c->ss) };

	ssh_set_blocking(c->ss, 0);
	while ((r = ssh_userauth_kbdint(c->ss, NULL, NULL)) == SSH_AUTH_AGAIN) {
		if (!ssh_is_connected(c->ss) || (ssh_get_status(c->ss) &
		    (SSH_CLOSED | SSH_CLOSED_ERROR))) {
			r = SSH_AUTH_ERROR;
			break;
		}
		if ((now = clock_now_ms()) >= end)
			break;
		p.events = POLLIN | ((ssh_get_poll_flags(c->ss) &
		    SSH_WRITE_PENDING) ? POLLOUT : 0);
		(void)poll(&p, 1, end - now < AUTH_KBDINT_POLL_MS ?
		    (int)(end - now) : AUTH_KBDINT_POLL_MS);
	}
	ssh_set_blocking(c->ss, blocking);
	return r;
}

/* One keyboard-interactive exchange: libssh's result, or
 * SSH_AUTH_ERROR with err set when we gave up. */
static int
auth_kbdint_round(struct auth_ctx *c)
{
	int r = auth_kbdint_call(c), q;

	for (q = 0; r == SSH_AUTH_INFO; q++) {
		if (q == AUTH_KBDINT_MAX_INFO) {
			c->o->code = "error";
			snprintf(c->err, c->errsz, "the server asked more than "
			    "%d questions in a row", AUTH_KBDINT_MAX_INFO);
			return SSH_AUTH_ERROR;
		}
		if (auth_kbdint_answer(c) != 0)
			return SSH_AUTH_ERROR;
		r = auth_kbdint_call(c);
	}
	return r;
}

/*
 * The step after a partial success: keyboard-interactive, at most
 * AUTH_CODE_TRIES rounds (assistd allows as many per connection and
 * disconnects after the last wrong answer).
 */
static enum auth_step
auth_kbdint(struct auth_ctx *c)
{
	int round, r = SSH_AUTH_DENIED;

	if (!(ssh_userauth_list(c->ss, NULL) & SSH_AUTH_METHOD_INTERACTIVE)) {
		snprintf(c->err, c->errsz, "the server accepted the key but "
		    "wants a further authentication step, which this version "
		    "does not support");
		return AUTH_STEP_FAIL;
	}
	if (c->s->batch_mode) {
		c->o->code = "cancelled";
		snprintf(c->err, c->errsz, "the server asks for a one-time "
		    "code after the key, and BatchMode forbids asking for it");
		return AUTH_STEP_FAIL;
	}
	for (round = 0; round < AUTH_CODE_TRIES; round++) {
		c->err[0] = '\0';
		r = auth_kbdint_round(c);
		if (r == SSH_AUTH_SUCCESS) {
			c->o->code = "ok";
			return AUTH_STEP_DONE;
		}
		if (r != SSH_AUTH_DENIED || c->err[0] != '\0')
			break;
		c->o->code = "refused";
		fprintf(stderr, "The one-time code was not accepted.\n");
	}
	if (c->err[0] != '\0')
		return AUTH_STEP_FAIL;	/* o->code says how */
	if (r == SSH_AUTH_DENIED) {
		snprintf(c->err, c->errsz, "one-time code refused by %s@%s "
		    "(%d %s)", c->s->user, c->s->kh_name, c->o->code_tries,
		    c->o->code_tries == 1 ? "try" : "tries");
	} else if (r == SSH_AUTH_PARTIAL) {
		c->o->code = "error";
		snprintf(c->err, c->errsz, "the server wants yet another "
		    "authentication step after the one-time code");
	} else if (r == SSH_AUTH_AGAIN) {
		c->o->code = "error";
		snprintf(c->err, c->errsz, "no answer from the server about "
		    "the one-time code within %ld s", c->s->timeout);
	} else {
		/* assistd disconnects after the last answer it refuses:
		 * no tries left, or the code used, expired or burned. */
		c->o->code = c->o->code_tries > 0 ? "refused" : "error";
		snprintf(c->err, c->errsz, "one-time code %s: %s",
		    c->o->code_tries > 0 ? "refused" : "step failed",
		    ssh_get_error(c->ss));
	}
	return AUTH_STEP_FAIL;
}

int
auth_run(ssh_session ss, const struct cli_settings *s,
	 struct auth_outcome *o, char *err, size_t errsz)
{
	struct auth_ctx c = { .ss = ss, .s = s, .o = o, .err = err,
	    .errsz = errsz };
	enum auth_step st = AUTH_STEP_NEXT;
	size_t i;

	memset(o, 0, sizeof(*o));
	if (!s->identities_only && s->agent_sock != NULL)
		st = auth_agent(&c);
	for (i = 0; st == AUTH_STEP_NEXT && i < s->n_identities; i++) {
		struct auth_id id;

		memset(&id, 0, sizeof(id));
		id.path = s->identities[i];
		id.given = s->identity_given[i];
		st = auth_identity(&c, &id);
		ssh_key_free(id.pub);
		explicit_bzero(id.pass, sizeof(id.pass));
	}
	if (st == AUTH_STEP_PARTIAL)
		st = auth_kbdint(&c);
	if (st == AUTH_STEP_DONE)
		return CLI_EXIT_OK;
	if (st == AUTH_STEP_NEXT) {
		char safe[AUTH_MAX_TRIED];

		snprintf(err, errsz, "authentication refused for %s@%s "
		    "(publickey; tried: %s)", s->user, s->kh_name,
		    c.tried[0] ? log_sanitize(safe, sizeof(safe), c.tried,
		    strlen(c.tried)) : "no usable key");
	}
	return CLI_EXIT_AUTH;
}
