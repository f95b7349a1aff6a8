/* audit: assistd's transcript events; see audit.h. */
#include "assistd/audit.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cert.h"
#include "common/log.h"
#include "common/tline.h"

#define AUDIT_TIME_MAX	40	/* cert_format_time output */

/* Adds a string that the network process escaped: back to its bytes
 * first, so that the line format escapes it exactly once. */
static void
audit_add_peer(struct tline *l, const char *key, const char *escaped)
{
	char raw[IPC_MAX_STR + 1];
	size_t n = log_unescape(raw, sizeof(raw), escaped ? escaped : "");

	tline_add_n(l, key, raw, n);
}

static const char *
audit_or_none(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "none";
}

int
audit_start(struct transcript *t, const struct audit_start *s)
{
	struct tline l;

	transcript_line(t, &l, "assistd.start");
	tline_add(&l, "version", ASSIST_VERSION);
	tline_add_i64(&l, "pid", (int64_t)getpid());
	tline_add(&l, "listen", s->listen);
	tline_add(&l, "hostkey_fp", s->hostkey_fp);
	tline_add(&l, "policy", audit_or_none(s->policy));
	tline_add(&l, "drop", audit_or_none(s->drop));
	tline_add(&l, "syslog", audit_or_none(s->syslog));
	if (s->served > 0)
		tline_add_u64(&l, "served", s->served);
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

int
audit_conn_open(struct transcript *t, unsigned conn, const char *src,
		const char *port)
{
	struct tline l;

	transcript_line(t, &l, "conn.open");
	tline_add_u64(&l, "conn", conn);
	tline_add(&l, "src", src);
	tline_add(&l, "src_port", port);
	return transcript_commit(t, &l, TRANSCRIPT_NOSYNC);
}

int
audit_conn_close(struct transcript *t, unsigned conn, const char *reason,
		 long long duration_ms)
{
	struct tline l;

	transcript_line(t, &l, "conn.close");
	tline_add_u64(&l, "conn", conn);
	audit_add_peer(&l, "reason", reason);
	tline_add_i64(&l, "duration_ms", duration_ms);
	return transcript_commit(t, &l, TRANSCRIPT_NOSYNC);
}

void
audit_helper(const struct ipc_auth_result *r, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s", r->is_cert ? r->key_id : r->key_fp);
}

/* The certificate's fields, when it was one. */
static void
audit_cert(struct tline *l, const struct ipc_auth_result *r)
{
	char va[AUDIT_TIME_MAX], vb[AUDIT_TIME_MAX];

	if (!r->is_cert)
		return;
	tline_add(l, "cert", "yes");
	audit_add_peer(l, "key_id", r->key_id);
	audit_add_peer(l, "principals", r->principals);
	tline_add_u64(l, "serial", r->serial);
	audit_add_peer(l, "ca", r->ca_name);
	audit_add_peer(l, "ca_fp", r->ca_fp);
	cert_format_time(r->valid_after, va, sizeof(va));
	cert_format_time(r->valid_before, vb, sizeof(vb));
	tline_add(l, "valid_after", va);
	tline_add(l, "valid_before", vb);
}

int
audit_auth(struct transcript *t, unsigned conn,
	   const struct ipc_auth_result *r)
{
	char helper[AUDIT_HELPER_MAX + 1];
	struct tline l;

	transcript_line(t, &l, r->accepted ? "auth.allow" : "auth.deny");
	tline_add_u64(&l, "conn", conn);
	audit_add_peer(&l, "ssh_user", r->user);
	audit_add_peer(&l, "method", r->method);
	if (r->key_type[0] != '\0')
		audit_add_peer(&l, "key_type", r->key_type);
	if (r->key_fp[0] != '\0')
		audit_add_peer(&l, "key_fp", r->key_fp);
	audit_cert(&l, r);
	if (r->flags & IPC_AUTH_F_NO_TOUCH)
		tline_add(&l, "no_touch", "yes");
	if (r->flags & IPC_AUTH_F_VERIFY)
		tline_add(&l, "verify", "yes");
	if (r->accepted) {
		audit_helper(r, helper, sizeof(helper));
		audit_add_peer(&l, "helper", helper);
	} else {
		audit_add_peer(&l, "reason", r->reason);
	}
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

int
audit_session(struct transcript *t, unsigned conn, const char *helper,
	      const char *deny_reason, uint8_t mode)
{
	struct tline l;

	transcript_line(t, &l, deny_reason == NULL ? "session.start" :
	    "session.deny");
	tline_add_u64(&l, "conn", conn);
	audit_add_peer(&l, "helper", helper);
	if (deny_reason != NULL)
		tline_add(&l, "reason", deny_reason);
	else
		tline_add(&l, "mode", ipc_mode_name(mode));
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

int
audit_consent_ask(struct transcript *t, const struct audit_ask *a)
{
	struct tline l;

	transcript_line(t, &l, "consent.ask");
	tline_add_u64(&l, "conn", a->conn);
	audit_add_peer(&l, "helper", a->helper);
	tline_add(&l, "request", a->later ? "control" : "session");
	tline_add(&l, "mode", ipc_mode_name(a->mode));
	if (a->reason != NULL && a->reason[0] != '\0')
		audit_add_peer(&l, "reason", a->reason);
	if (a->code != NULL)
		tline_add(&l, "code", a->code);
	tline_add(&l, "how", a->how);
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

int
audit_consent_answer(struct transcript *t, unsigned conn, const char *helper,
		     const char *answer, const char *how)
{
	struct tline l;

	transcript_line(t, &l, "consent.answer");
	tline_add_u64(&l, "conn", conn);
	audit_add_peer(&l, "helper", helper);
	tline_add(&l, "answer", answer);
	tline_add(&l, "how", how);
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

int
audit_mode_change(struct transcript *t, unsigned conn, const char *helper,
		  uint8_t mode, const char *by)
{
	struct tline l;

	transcript_line(t, &l, "mode.change");
	tline_add_u64(&l, "conn", conn);
	audit_add_peer(&l, "helper", helper);
	tline_add(&l, "mode", ipc_mode_name(mode));
	tline_add(&l, "by", by);
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

static const char *
audit_end_name(enum audit_end_reason r)
{
	switch (r) {
	case AUDIT_END_HELPER_LEFT:
		return "helper_left";
	case AUDIT_END_USER_ENDED:
		return "user_ended";
	case AUDIT_END_TIMEOUT:
		return "timeout";
	case AUDIT_END_TRANSCRIPT:
		return "transcript";
	case AUDIT_END_ERROR:
		break;
	}
	return "error";
}

int
audit_session_end(struct transcript *t, const struct audit_end *e)
{
	struct tline l;

	transcript_line(t, &l, "session.end");
	tline_add_u64(&l, "conn", e->conn);
	audit_add_peer(&l, "helper", e->helper);
	tline_add(&l, "reason", audit_end_name(e->reason));
	if (e->detail != NULL)
		audit_add_peer(&l, "detail", e->detail);
	tline_add_i64(&l, "duration_ms", e->duration_ms);
	if (e->bytes_known) {
		tline_add_u64(&l, "bytes_in", e->bytes_in);
		tline_add_u64(&l, "bytes_out", e->bytes_out);
	}
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

int
audit_code_new(struct transcript *t, int valid_secs, int tries_conn,
	       int tries_total)
{
	struct tline l;

	transcript_line(t, &l, "code.new");
	tline_add_i64(&l, "valid_secs", valid_secs);
	tline_add_i64(&l, "tries_per_conn", tries_conn);
	tline_add_i64(&l, "tries_total", tries_total);
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

int
audit_code_try(struct transcript *t, unsigned conn, const char *helper,
	       const char *result, unsigned tries_left)
{
	struct tline l;

	transcript_line(t, &l, "code.try");
	tline_add_u64(&l, "conn", conn);
	audit_add_peer(&l, "helper", helper);
	tline_add(&l, "result", result);
	tline_add_u64(&l, "tries_left", tries_left);
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}

int
audit_stop(struct transcript *t, const char *reason, int status)
{
	struct tline l;

	transcript_line(t, &l, "assistd.stop");
	tline_add(&l, "reason", reason);
	tline_add_i64(&l, "status", status);
	return transcript_commit(t, &l, TRANSCRIPT_SYNC);
}
