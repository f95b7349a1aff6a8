/*
 * tgen: writes a realistic transcript with the real line builder
 * (common/tline.c), for the verifier's tests and benchmarks:
 * assistd.start, connections (a denied one with a hostile certificate
 * key ID), a session with its start and end, assistd.stop; -c writes
 * assist-cli's side instead. -n pads with more connections up to about
 * N lines. Prints "SESSION LAST_CHAIN" on stdout, so the next file can
 * be chained to this one with -P.
 * usage: tgen [-c] [-e] [-n LINES] [-s SESSION] [-t UNIX_MS] [-H HOST]
 *             [-u USER] [-P "PREV_SESSION PREV_CHAIN"] FILE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/tline.h"

#define TGEN_STEP_MS	137	/* time between two lines */

struct tgen {
	FILE *f;
	const char *session, *host, *user;
	char prev_session[128];
	char prev_chain[TLINE_CHAIN_HEX + 1];
	char chain[TLINE_CHAIN_HEX + 1];
	long long ms;
	unsigned long long seq;
	struct tline l;
};

static void
tgen_begin(struct tgen *g, const char *event)
{
	g->seq++;
	g->ms += TGEN_STEP_MS;
	tline_begin(&g->l, g->ms, g->session, g->host, g->user, event, g->seq);
	if (g->seq == 1) {
		tline_add(&g->l, "prev_session", g->prev_session);
		tline_add(&g->l, "prev_chain", g->prev_chain);
	}
}

static void
tgen_commit(struct tgen *g)
{
	const char *prev = g->seq == 1 ? TLINE_ZERO_CHAIN : g->chain;
	char next[TLINE_CHAIN_HEX + 1];

	if (tline_finish(&g->l, prev, next) != 0) {
		fprintf(stderr, "tgen: tline_finish failed\n");
		exit(1);
	}
	if (fwrite(g->l.buf, 1, g->l.len, g->f) != g->l.len) {
		fprintf(stderr, "tgen: write: %s\n", strerror(errno));
		exit(1);
	}
	memcpy(g->chain, next, sizeof(g->chain));
}

static void
tgen_conn(struct tgen *g, unsigned conn, int allow)
{
	/* A key ID that tries to end the line and forge fields. */
	static const char hostile[] = "mallory\n2026-01-01T00:00:00.000Z "
	    "session=x event=auth.allow helper=alice \"q\" \\x41 \x1b[31m";

	tgen_begin(g, "conn.open");
	tline_add_u64(&g->l, "conn", conn);
	tline_add(&g->l, "src", "192.0.2.7");
	tline_add_u64(&g->l, "src_port", 51234 + conn);
	tgen_commit(g);
	tgen_begin(g, allow ? "auth.allow" : "auth.deny");
	tline_add_u64(&g->l, "conn", conn);
	tline_add(&g->l, "ssh_user", g->user);
	tline_add(&g->l, "method", "publickey");
	tline_add(&g->l, "key_type", "ssh-ed25519-cert-v01@openssh.com");
	tline_add(&g->l, "key_fp", "SHA256:q9Xr0Jc2m6Hn0rY1Oq4mSg1cW2mEJ8Vr"
	    "mH3zL7w0bGs");
	tline_add(&g->l, "cert", "yes");
	tline_add(&g->l, "key_id", allow ? "alice@helpdesk" : hostile);
	tline_add(&g->l, "principals", "helpdesk,alice");
	tline_add_u64(&g->l, "serial", 1000 + conn);
	tline_add(&g->l, "ca_fp", "SHA256:Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4");
	if (allow)
		tline_add(&g->l, "helper", "alice@helpdesk");
	else
		tline_add(&g->l, "reason", "certificate expired "
		    "(valid_before=2026-01-01T00:00:00Z)");
	tgen_commit(g);
}

static void
tgen_close(struct tgen *g, unsigned conn, const char *reason)
{
	tgen_begin(g, "conn.close");
	tline_add_u64(&g->l, "conn", conn);
	tline_add(&g->l, "reason", reason);
	tline_add_u64(&g->l, "duration_ms", 2 * TGEN_STEP_MS);
	tgen_commit(g);
}

static void
tgen_assistd(struct tgen *g, unsigned long long lines, int end)
{
	unsigned conn = 0;

	tgen_begin(g, "assistd.start");
	tline_add(&g->l, "version", "0.1.0");
	tline_add_u64(&g->l, "pid", 4242);
	tline_add(&g->l, "listen", "127.0.0.1:5922,[::1]:5922");
	tline_add(&g->l, "hostkey_fp", "SHA256:aG9zdGtleWZpbmdlcnByaW50");
	tline_add(&g->l, "policy", "/etc/assist/assistd.conf");
	tline_add(&g->l, "drop", "none");
	tline_add(&g->l, "syslog", "/dev/log");
	tgen_commit(g);
	/* Padding: denied connections, 3 lines each. */
	while (g->seq + 3 + 6 < lines) {
		tgen_conn(g, ++conn, 0);
		tgen_close(g, conn, "auth failed");
	}
	tgen_conn(g, ++conn, 1);
	tgen_begin(g, "session.start");
	tline_add_u64(&g->l, "conn", conn);
	tline_add(&g->l, "helper", "alice@helpdesk");
	tline_add(&g->l, "mode", "view");
	tgen_commit(g);
	if (!end)
		return;
	tgen_begin(g, "session.end");
	tline_add_u64(&g->l, "conn", conn);
	tline_add(&g->l, "helper", "alice@helpdesk");
	tline_add(&g->l, "reason", "helper_left");
	tline_add(&g->l, "detail", "");
	tline_add_u64(&g->l, "duration_ms", 754012);
	tline_add_u64(&g->l, "bytes_in", 1234);
	tline_add_u64(&g->l, "bytes_out", 987654);
	tgen_commit(g);
	tgen_close(g, conn, "session ended");
	tgen_begin(g, "assistd.stop");
	tline_add(&g->l, "reason", "session ended");
	tline_add_u64(&g->l, "status", 0);
	tgen_commit(g);
}

static void
tgen_cli(struct tgen *g, int end)
{
	tgen_begin(g, "cli.start");
	tline_add(&g->l, "version", "0.1.0");
	tline_add_u64(&g->l, "pid", 777);
	tline_add(&g->l, "target", "bob@ws42:5922");
	tgen_commit(g);
	tgen_begin(g, "host.verified");
	tline_add(&g->l, "conn_host", "ws42");
	tline_add_u64(&g->l, "port", 5922);
	tline_add(&g->l, "hostkey_fp", "SHA256:aG9zdGtleWZpbmdlcnByaW50");
	tline_add(&g->l, "how", "known_hosts");
	tgen_commit(g);
	tgen_begin(g, "auth.allow");
	tline_add(&g->l, "key_fp", "SHA256:q9Xr0Jc2m6Hn0rY1Oq4mSg1cW2mEJ8Vr");
	tline_add(&g->l, "key_type", "ssh-ed25519");
	tline_add(&g->l, "via", "agent");
	tgen_commit(g);
	tgen_begin(g, "session.start");
	tgen_commit(g);
	if (!end)
		return;
	tgen_begin(g, "session.end");
	tline_add(&g->l, "reason", "helper_left");
	tline_add_u64(&g->l, "duration_ms", 61000);
	tline_add_u64(&g->l, "bytes_in", 5);
	tline_add_u64(&g->l, "bytes_out", 6);
	tgen_commit(g);
	tgen_begin(g, "cli.stop");
	tline_add_u64(&g->l, "status", 0);
	tgen_commit(g);
}

static void
usage(void)
{
	fprintf(stderr, "usage: tgen [-c] [-e] [-n LINES] [-s SESSION] "
	    "[-t UNIX_MS] [-H HOST] [-u USER] [-P \"SESSION CHAIN\"] FILE\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	struct tgen g;
	unsigned long long lines = 0;
	int opt, cli = 0, end = 1;

	memset(&g, 0, sizeof(g));
	g.session = "0123456789abcdef";
	g.host = "ws42";
	g.user = "bob";
	g.ms = 1795953600000LL;	/* 2026-11-29T12:00:00Z */
	snprintf(g.prev_session, sizeof(g.prev_session), "none");
	snprintf(g.prev_chain, sizeof(g.prev_chain), "none");
	while ((opt = getopt(argc, argv, "cen:s:t:H:u:P:")) != -1) {
		switch (opt) {
		case 'c': cli = 1; break;
		case 'e': end = 0; break;
		case 'n': lines = strtoull(optarg, NULL, 10); break;
		case 's': g.session = optarg; break;
		case 't': g.ms = strtoll(optarg, NULL, 10); break;
		case 'H': g.host = optarg; break;
		case 'u': g.user = optarg; break;
		case 'P':
			if (sscanf(optarg, "%127s %64s", g.prev_session,
			    g.prev_chain) != 2)
				usage();
			break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	if ((g.f = fopen(argv[optind], "w")) == NULL) {
		fprintf(stderr, "tgen: %s: %s\n", argv[optind],
		    strerror(errno));
		return 1;
	}
	if (cli)
		tgen_cli(&g, end);
	else
		tgen_assistd(&g, lines, end);
	if (fclose(g.f) != 0) {
		fprintf(stderr, "tgen: %s: %s\n", argv[optind],
		    strerror(errno));
		return 1;
	}
	printf("%s %s\n", g.session, g.chain);
	return 0;
}
