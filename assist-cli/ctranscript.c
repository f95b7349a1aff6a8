/* ctranscript: the helper's own transcript; see ctranscript.h. */
#include "assist-cli/ctranscript.h"

#include "assist-cli/exitcode.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/transcript.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
ctranscript_paths(const char *xdg_state, const char *home, char *dir,
		  size_t dirsz, char *state, size_t statesz)
{
	const char *base = xdg_state, *sub = "";
	int a, b;

	if (base == NULL || base[0] != '/') {
		if (home == NULL || home[0] != '/')
			return -1;
		base = home;
		sub = "/.local/state";
	}
	a = snprintf(dir, dirsz, "%s%s/%s", base, sub, CTRANSCRIPT_SUBDIR);
	b = snprintf(state, statesz, "%s%s/%s", base, sub, CTRANSCRIPT_STATE);
	return a > 0 && (size_t)a < dirsz && b > 0 && (size_t)b < statesz ?
	    0 : -1;
}

/* path when it is a socket: a missing /dev/log is normal in containers
 * and must not print a warning on every run. */
static const char *
ct_syslog_path(const char *path)
{
	struct stat st;

	return path != NULL && stat(path, &st) == 0 && S_ISSOCK(st.st_mode) ?
	    path : NULL;
}

int
ctranscript_open(struct ctranscript *ct, const struct cli_env *env,
		 const char *syslog_path, char *err, size_t errsz)
{
	struct transcript_config c;
	char why[CTRANSCRIPT_MAX_ERR];

	memset(ct, 0, sizeof(*ct));
	if (ctranscript_paths(getenv("XDG_STATE_HOME"), env->home, ct->dir,
	    sizeof(ct->dir), ct->state, sizeof(ct->state)) != 0) {
		snprintf(err, errsz, "cannot create the helper's transcript: "
		    "no usable $XDG_STATE_HOME or home directory");
		return -1;
	}
	if (gethostname(ct->host, sizeof(ct->host) - 1) != 0 ||
	    ct->host[0] == '\0')
		snprintf(ct->host, sizeof(ct->host), "localhost");
	ct->syslog = ct_syslog_path(syslog_path);
	memset(&c, 0, sizeof(c));
	c.dir = ct->dir;
	c.state_file = ct->state;
	c.syslog_path = ct->syslog;
	c.ident = CTRANSCRIPT_IDENT;
	c.host = ct->host;
	c.user = env->local_user;
	if ((ct->t = transcript_open(&c, why, sizeof(why))) == NULL) {
		snprintf(err, errsz, "cannot create the helper's transcript: "
		    "%s", why);
		return -1;
	}
	return 0;
}

const char *
ctranscript_path(const struct ctranscript *ct)
{
	return ct->t != NULL ? transcript_path(ct->t) : ct->dir;
}

const char *
ctranscript_error(const struct ctranscript *ct)
{
	return ct->err;
}

/* Commits l (synced: every cli event is a change of state); on failure
 * keeps the reason in ct->err. */
static int
ct_commit(struct ctranscript *ct, struct tline *l)
{
	if (transcript_commit(ct->t, l, TRANSCRIPT_SYNC) == 0)
		return 0;
	/* "transcript PATH: cannot write: No space left on device" */
	snprintf(ct->err, sizeof(ct->err), "%s", transcript_error(ct->t));
	return -1;
}

int
ctranscript_start(struct ctranscript *ct, const struct cli_settings *s)
{
	char target[SETTINGS_MAX_TARGET];
	struct tline l;

	transcript_line(ct->t, &l, "cli.start");
	tline_add(&l, "version", ASSIST_VERSION);
	tline_add_i64(&l, "pid", (int64_t)getpid());
	tline_add(&l, "target", settings_target(s, target, sizeof(target)));
	if (s->proxy_command != NULL)
		tline_add(&l, "proxy", s->proxy_command);
	tline_add(&l, "syslog", ct->syslog != NULL ? ct->syslog : "none");
	return ct_commit(ct, &l);
}

int
ctranscript_host(struct ctranscript *ct, const struct cli_settings *s,
		 int rc, const struct hostcheck_outcome *o, const char *why)
{
	struct tline l;

	if (rc != CLI_EXIT_OK) {
		transcript_line(ct->t, &l, "host.refused");
		if (o->fp[0] != '\0')
			tline_add(&l, "hostkey_fp", o->fp);
		tline_add(&l, "reason", why);
		return ct_commit(ct, &l);
	}
	transcript_line(ct->t, &l, "host.verified");
	tline_add(&l, "conn_host", s->hostname);
	tline_add_i64(&l, "port", s->port);
	tline_add(&l, "hostkey_fp", o->fp);
	tline_add(&l, "how", o->how != NULL ? o->how : "?");
	if (o->where[0] != '\0')
		tline_add(&l, "known_hosts", o->where);
	if (o->how != NULL && strcmp(o->how, "accept-new") == 0)
		tline_add(&l, "strict", sshconfig_strict_name(s->strict));
	if (o->how != NULL && strcmp(o->how, "certificate") == 0) {
		tline_add(&l, "host_ca_fp", o->ca_fp);
		tline_add(&l, "host_key_id", o->key_id);
		tline_add_u64(&l, "host_serial", o->serial);
	}
	return ct_commit(ct, &l);
}

/* auth.code: the server's one-time code step (assistd --code), how it
 * went and how many answers were sent; never an answer. */
static int
ct_code(struct ctranscript *ct, const struct auth_outcome *o)
{
	struct tline l;

	if (o->code == NULL)
		return 0;
	transcript_line(ct->t, &l, "auth.code");
	tline_add(&l, "result", o->code);
	tline_add_i64(&l, "tries", o->code_tries);
	return ct_commit(ct, &l);
}

int
ctranscript_auth(struct ctranscript *ct, const struct cli_settings *s,
		 int rc, const struct auth_outcome *o, const char *why)
{
	struct tline l;

	if (ct_code(ct, o) != 0)
		return -1;
	if (rc != CLI_EXIT_OK) {
		transcript_line(ct->t, &l, "auth.deny");
		tline_add(&l, "ssh_user", s->user);
		tline_add(&l, "reason", why);
		return ct_commit(ct, &l);
	}
	transcript_line(ct->t, &l, "auth.allow");
	tline_add(&l, "ssh_user", s->user);
	tline_add(&l, "via", o->via != NULL ? o->via : "?");
	if (o->key_type[0] != '\0')
		tline_add(&l, "key_type", o->key_type);
	if (o->key_fp[0] != '\0')
		tline_add(&l, "key_fp", o->key_fp);
	if (o->file[0] != '\0')
		tline_add(&l, "identity", o->file);
	if (o->cert) {
		tline_add(&l, "cert", "yes");
		tline_add(&l, "key_id", o->key_id);
		tline_add_u64(&l, "serial", o->serial);
		if (o->cert_file[0] != '\0')
			tline_add(&l, "certificate", o->cert_file);
	}
	if (o->via != NULL && strcmp(o->via, "agent") == 0 &&
	    s->agent_sock != NULL)
		tline_add(&l, "agent", s->agent_sock);
	return ct_commit(ct, &l);
}

int
ctranscript_failclosed(const struct ctranscript *ct, int rc, char *err,
		       size_t errsz)
{
	char safe[CTRANSCRIPT_MAX_ERR];

	if (rc != CLI_EXIT_OK && rc != CLI_EXIT_TRANSCRIPT && err[0] != '\0')
		log_error("%s", log_sanitize_str(safe, sizeof(safe), err));
	snprintf(err, errsz, "%s", ctranscript_error(ct));
	return CLI_EXIT_TRANSCRIPT;
}

int
ctranscript_consent_wait(struct ctranscript *ct, const char *what,
			 const char *user, const char *code,
			 unsigned long timeout_s)
{
	struct tline l;

	transcript_line(ct->t, &l, "consent.wait");
	tline_add(&l, "what", what);
	tline_add(&l, "ws_user", user);
	tline_add(&l, "code", code);
	tline_add_u64(&l, "timeout_s", timeout_s);
	return ct_commit(ct, &l);
}

int
ctranscript_consent_outcome(struct ctranscript *ct, const char *outcome,
			    const char *requested, const char *mode,
			    const char *detail)
{
	struct tline l;

	transcript_line(ct->t, &l, "consent.outcome");
	tline_add(&l, "outcome", outcome);
	tline_add(&l, "requested", requested);
	if (mode != NULL)
		tline_add(&l, "mode", mode);
	if (detail != NULL && detail[0] != '\0')
		tline_add(&l, "detail", detail);
	return ct_commit(ct, &l);
}

int
ctranscript_mode_change(struct ctranscript *ct, const char *mode,
			const char *by)
{
	struct tline l;

	transcript_line(ct->t, &l, "mode.change");
	tline_add(&l, "mode", mode);
	tline_add(&l, "by", by);
	return ct_commit(ct, &l);
}

int
ctranscript_control_request(struct ctranscript *ct)
{
	struct tline l;

	transcript_line(ct->t, &l, "control.request");
	return ct_commit(ct, &l);
}

int
ctranscript_snapshot(struct ctranscript *ct, const char *path, uint16_t w,
		     uint16_t h)
{
	struct tline l;

	transcript_line(ct->t, &l, "snapshot.written");
	tline_add(&l, "file", path);
	tline_add_u64(&l, "width", w);
	tline_add_u64(&l, "height", h);
	return ct_commit(ct, &l);
}

int
ctranscript_vnc(struct ctranscript *ct, bool connected, const char *peer,
		const char *listen)
{
	struct tline l;

	transcript_line(ct->t, &l, connected ? "vnc.connect" :
	    "vnc.disconnect");
	if (peer != NULL && peer[0] != '\0')
		tline_add(&l, "peer", peer);
	if (listen != NULL && listen[0] != '\0')
		tline_add(&l, "listen", listen);
	return ct_commit(ct, &l);
}

int
ctranscript_control_refused(struct ctranscript *ct, const char *by,
			    const char *detail)
{
	struct tline l;

	transcript_line(ct->t, &l, "control.refused");
	if (by != NULL && by[0] != '\0')
		tline_add(&l, "by", by);
	if (detail != NULL && detail[0] != '\0')
		tline_add(&l, "detail", detail);
	return ct_commit(ct, &l);
}

int
ctranscript_session(struct ctranscript *ct, int rc, const char *why,
		    const char *mode)
{
	struct tline l;

	if (rc != CLI_EXIT_OK) {
		transcript_line(ct->t, &l, "session.deny");
		tline_add(&l, "reason", why);
		return ct_commit(ct, &l);
	}
	ct->session_ms = clock_now_ms();
	transcript_line(ct->t, &l, "session.start");
	tline_add(&l, "subsystem", SESSION_SUBSYSTEM);
	if (mode != NULL)
		tline_add(&l, "mode", mode);
	else
		tline_add(&l, "control", "none");
	return ct_commit(ct, &l);
}

int
ctranscript_session_end(struct ctranscript *ct, const char *reason,
			const char *detail, const struct session *se)
{
	struct tline l;

	transcript_line(ct->t, &l, "session.end");
	tline_add(&l, "reason", reason);
	if (detail != NULL)
		tline_add(&l, "detail", detail);
	tline_add_i64(&l, "duration_ms", clock_now_ms() - ct->session_ms);
	tline_add_u64(&l, "bytes_in", se->bytes_in);
	tline_add_u64(&l, "bytes_out", se->bytes_out);
	return ct_commit(ct, &l);
}

int
ctranscript_stop(struct ctranscript *ct, int status, const char *why)
{
	struct tline l;

	transcript_line(ct->t, &l, "cli.stop");
	tline_add_i64(&l, "status", status);
	if (status != CLI_EXIT_OK && why != NULL && why[0] != '\0')
		tline_add(&l, "reason", why);
	return ct_commit(ct, &l);
}

int
ctranscript_close(struct ctranscript *ct)
{
	char msg[CTRANSCRIPT_MAX_ERR];
	int r;

	if (ct->t == NULL)
		return 0;
	/* The path is the writer's: say it before it is freed. */
	snprintf(msg, sizeof(msg), "transcript %s: the final sync failed",
	    transcript_path(ct->t));
	r = transcript_close(ct->t);
	ct->t = NULL;
	if (r != 0 && ct->err[0] == '\0')
		memcpy(ct->err, msg, sizeof(ct->err));
	return r;
}
