/* Unit tests: assist-cli's transcript (assist-cli/ctranscript.c): where
 * it goes ($XDG_STATE_HOME rules), the target as written, and a whole
 * run's events through the real writer into a mkdtemp directory, hostile
 * certificate values included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "assist-cli/ctranscript.h"
#include "assist-cli/exitcode.h"
#include "common/tline.h"
#include "common/transcript.h"

#define MAX_LINES 16

static char dir[64], state[64];

static void
test_paths(void **unused)
{
	char big[200];

	assert_int_equal(ctranscript_paths("/x/state", "/home/h", dir,
	    sizeof(dir), state, sizeof(state)), 0);
	assert_string_equal(dir, "/x/state/assist/transcripts");
	assert_string_equal(state, "/x/state/assist/last-chain-cli");
	/* unset, empty or relative $XDG_STATE_HOME: ~/.local/state */
	assert_int_equal(ctranscript_paths(NULL, "/home/h", dir, sizeof(dir),
	    state, sizeof(state)), 0);
	assert_string_equal(dir, "/home/h/.local/state/assist/transcripts");
	assert_string_equal(state, "/home/h/.local/state/assist/last-chain-cli");
	assert_int_equal(ctranscript_paths("", "/home/h", dir, sizeof(dir),
	    state, sizeof(state)), 0);
	assert_string_equal(dir, "/home/h/.local/state/assist/transcripts");
	assert_int_equal(ctranscript_paths("rel/state", "/home/h", dir,
	    sizeof(dir), state, sizeof(state)), 0);
	assert_string_equal(dir, "/home/h/.local/state/assist/transcripts");
	/* no usable home either */
	assert_int_equal(ctranscript_paths(NULL, NULL, dir, sizeof(dir), state,
	    sizeof(state)), -1);
	assert_int_equal(ctranscript_paths("rel", "home", dir, sizeof(dir),
	    state, sizeof(state)), -1);
	/* too long for dir, or for state only */
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ctranscript_paths(big, "/h", dir, sizeof(dir), state,
	    sizeof(state)), -1);
	/* "/123456789" + "/assist/transcripts" is 29 bytes, the state
	 * path 32: each needs one more for its NUL, exactly. */
	assert_int_equal(ctranscript_paths("/123456789", "/h", dir, 29, state,
	    33), -1);
	assert_int_equal(ctranscript_paths("/123456789", "/h", dir, 30, state,
	    32), -1);
	assert_int_equal(ctranscript_paths("/123456789", "/h", dir, 30, state,
	    33), 0);
	assert_string_equal(state, "/123456789/assist/last-chain-cli");
}

static void
test_target(void **unused)
{
	struct cli_settings s;
	char out[SETTINGS_MAX_TARGET], small[8];

	memset(&s, 0, sizeof(s));
	s.user = (char *)"bob";
	s.hostname = (char *)"ws42.example";
	s.port = 5922;
	assert_string_equal(settings_target(&s, out, sizeof(out)),
	    "bob@ws42.example:5922");
	s.hostname = (char *)"fe80::1";
	assert_string_equal(settings_target(&s, out, sizeof(out)),
	    "bob@[fe80::1]:5922");
	/* cut, never overrun */
	assert_string_equal(settings_target(&s, small, sizeof(small)),
	    "bob@[fe");
}

/* Reads path into lines[] (NUL-terminated, '\n' removed); the count. */
static int
read_lines(const char *path, char lines[MAX_LINES][TLINE_MAX])
{
	FILE *f = fopen(path, "r");
	int n = 0;

	assert_non_null(f);
	while (n < MAX_LINES && fgets(lines[n], TLINE_MAX, f) != NULL) {
		size_t len = strlen(lines[n]);

		assert_true(len > 0 && lines[n][len - 1] == '\n');
		lines[n++][len - 1] = '\0';
	}
	fclose(f);
	return n;
}

/* Occurrences of needle in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* Every line's chain, recomputed from the one before. */
static void
check_chains(char lines[MAX_LINES][TLINE_MAX], int n, char *last)
{
	char prev[TLINE_CHAIN_HEX + 1] = TLINE_ZERO_CHAIN, want[80];
	int i;

	for (i = 0; i < n; i++) {
		char *c = strstr(lines[i], " chain=");

		assert_non_null(c);
		assert_int_equal(tline_chain(prev, lines[i],
		    (size_t)(c - lines[i]), want), 0);
		assert_string_equal(c + strlen(" chain="), want);
		memcpy(prev, want, sizeof(prev));
	}
	memcpy(last, prev, sizeof(prev));
}

static char top[PATH_MAX];

/* A datagram socket of the test's own at path (the syslog stand-in). */
static int
log_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* The datagrams waiting on fd must be the lines, one each, sent as
 * "<86>TIME assist-cli[PID]: LINE" (AUTHPRIV, info). */
static void
check_syslog(int fd, char lines[MAX_LINES][TLINE_MAX], int n)
{
	static char d[TLINE_MAX + 128];
	char head[64];
	ssize_t r;
	int i;

	snprintf(head, sizeof(head), " assist-cli[%ld]: ", (long)getpid());
	for (i = 0; i < n; i++) {
		r = recv(fd, d, sizeof(d) - 1, MSG_DONTWAIT);
		assert_true(r > 0);
		d[r] = '\0';
		assert_int_equal(strncmp(d, "<86>", 4), 0);
		assert_non_null(strstr(d, head));
		assert_string_equal(strstr(d, head) + strlen(head), lines[i]);
	}
	assert_true(recv(fd, d, sizeof(d), MSG_DONTWAIT) < 0);
}

static void
settings_for(struct cli_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->user = (char *)"bob";
	s->hostname = (char *)"ws42";
	s->port = 5922;
	s->strict = SSHCONFIG_STRICT_ASK;
}

/* A whole run: every event, a hostile key ID, the state file. */
static void
test_run(void **unused)
{
	static char lines[MAX_LINES][TLINE_MAX];
	struct cli_env env = { .home = "/nonexistent", .local_user = "alice" };
	struct hostcheck_outcome ho;
	struct auth_outcome ao;
	struct session se = { .bytes_in = 12, .bytes_out = 3 };
	struct ctranscript ct;
	struct cli_settings s;
	char path[PATH_MAX], sp[PATH_MAX + 32], last[TLINE_CHAIN_HEX + 1];
	char err[512], st[200], session[TRANSCRIPT_SESSION_HEX + 1];
	char logpath[PATH_MAX + 8];
	FILE *f;
	int n, lfd;

	snprintf(top, sizeof(top), "/tmp/test_ctranscript.XXXXXX");
	assert_non_null(mkdtemp(top));
	setenv("XDG_STATE_HOME", top, 1);
	snprintf(logpath, sizeof(logpath), "%s/log", top);
	lfd = log_socket(logpath);
	settings_for(&s);
	assert_int_equal(ctranscript_open(&ct, &env, logpath, err,
	    sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s", ctranscript_path(&ct));
	assert_int_equal(strncmp(path, top, strlen(top)), 0);
	assert_int_equal(ctranscript_start(&ct, &s), 0);

	memset(&ho, 0, sizeof(ho));
	snprintf(ho.fp, sizeof(ho.fp), "SHA256:abc+/def");
	ho.how = "certificate";
	snprintf(ho.ca_fp, sizeof(ho.ca_fp), "SHA256:ca");
	snprintf(ho.key_id, sizeof(ho.key_id), "ws\" event=x chain=%s", "0");
	ho.serial = 9;
	assert_int_equal(ctranscript_host(&ct, &s, CLI_EXIT_OK, &ho, ""), 0);

	memset(&ao, 0, sizeof(ao));
	ao.via = "file";
	snprintf(ao.file, sizeof(ao.file), "/k/id ed");
	snprintf(ao.key_type, sizeof(ao.key_type), "ssh-ed25519-cert-v01@openssh.com");
	snprintf(ao.key_fp, sizeof(ao.key_fp), "SHA256:key");
	ao.cert = true;
	snprintf(ao.cert_file, sizeof(ao.cert_file), "/k/id ed-cert.pub");
	snprintf(ao.key_id, sizeof(ao.key_id), "evil\nTIME session=x "
	    "event=cli.stop \x1b[2J");
	ao.serial = 18446744073709551615ULL;
	assert_int_equal(ctranscript_auth(&ct, &s, CLI_EXIT_OK, &ao, ""), 0);
	assert_int_equal(ctranscript_session(&ct, CLI_EXIT_OK, "", "control"), 0);
	assert_int_equal(ctranscript_session_end(&ct, "helper_left", NULL,
	    &se), 0);
	assert_int_equal(ctranscript_stop(&ct, CLI_EXIT_OK, "stale"), 0);
	assert_int_equal(ctranscript_close(&ct), 0);
	assert_string_equal(ctranscript_error(&ct), "");

	n = read_lines(path, lines);
	assert_int_equal(n, 6);
	for (int i = 0; i < n; i++) {
		/* one of each: values cannot fake a field */
		assert_int_equal(count(lines[i], " event="), 1);
		assert_int_equal(count(lines[i], " chain="), 1);
		assert_int_equal(count(lines[i], " session="), 1);
		assert_null(strchr(lines[i], '\x1b'));
	}
	assert_non_null(strstr(lines[0], " event=cli.start seq=1 "
	    "prev_session=none prev_chain=none version=" ASSIST_VERSION " pid="));
	snprintf(sp, sizeof(sp), " target=bob@ws42:5922 syslog=%s chain=",
	    logpath);
	assert_non_null(strstr(lines[0], sp));
	assert_non_null(strstr(lines[1], " event=host.verified seq=2 "
	    "conn_host=ws42 port=5922 hostkey_fp=SHA256:abc+/def "
	    "how=certificate host_ca_fp=SHA256:ca "
	    "host_key_id=\"ws\\\" event\\x3dx chain\\x3d0\" host_serial=9 "
	    "chain="));
	assert_non_null(strstr(lines[2], " event=auth.allow seq=3 "
	    "ssh_user=bob via=file key_type=ssh-ed25519-cert-v01@openssh.com "
	    "key_fp=SHA256:key identity=\"/k/id ed\" cert=yes "
	    "key_id=\"evil\\nTIME session\\x3dx event\\x3dcli.stop "
	    "\\x1b[2J\" serial=18446744073709551615 "
	    "certificate=\"/k/id ed-cert.pub\" chain="));
	assert_non_null(strstr(lines[3], " event=session.start seq=4 "
	    "subsystem=rfb mode=control chain="));
	assert_non_null(strstr(lines[4], " event=session.end seq=5 "
	    "reason=helper_left duration_ms="));
	assert_non_null(strstr(lines[4], " bytes_in=12 bytes_out=3 chain="));
	/* status 0: no reason, however stale the caller's text */
	assert_non_null(strstr(lines[5], " event=cli.stop seq=6 status=0 "
	    "chain="));
	check_chains(lines, n, last);
	check_syslog(lfd, lines, n);
	close(lfd);

	/* the state file names this run for the next one */
	snprintf(sp, sizeof(sp), "%s/assist/last-chain-cli", top);
	f = fopen(sp, "r");
	assert_non_null(f);
	assert_non_null(fgets(st, sizeof(st), f));
	fclose(f);
	memcpy(session, strstr(lines[0], "session=") + 8,
	    TRANSCRIPT_SESSION_HEX);
	session[TRANSCRIPT_SESSION_HEX] = '\0';
	snprintf(sp, sizeof(sp), "%s %s\n", session, last);
	assert_string_equal(st, sp);

	/* the next run: refusals, chained to this one; a syslog path that
	 * is no socket means no syslog, silently */
	assert_int_equal(ctranscript_open(&ct, &env, path, err, sizeof(err)),
	    0);
	snprintf(path, sizeof(path), "%s", ctranscript_path(&ct));
	assert_int_equal(ctranscript_start(&ct, &s), 0);
	memset(&ho, 0, sizeof(ho));
	assert_int_equal(ctranscript_host(&ct, &s, CLI_EXIT_HOSTKEY_CHANGED,
	    &ho, "host key for ws42 has CHANGED"), 0);
	assert_int_equal(ctranscript_stop(&ct, CLI_EXIT_HOSTKEY_CHANGED,
	    "host key for ws42 has CHANGED"), 0);
	assert_int_equal(ctranscript_close(&ct), 0);
	n = read_lines(path, lines);
	assert_int_equal(n, 3);
	snprintf(sp, sizeof(sp), " prev_session=%s prev_chain=%s ", session,
	    last);
	assert_non_null(strstr(lines[0], sp));
	assert_non_null(strstr(lines[0], " syslog=none chain="));
	/* no fingerprint known: no empty field */
	assert_non_null(strstr(lines[1], " event=host.refused seq=2 "
	    "reason=\"host key for ws42 has CHANGED\" chain="));
	assert_non_null(strstr(lines[2], " event=cli.stop seq=3 status=68 "
	    "reason=\"host key for ws42 has CHANGED\" chain="));
	check_chains(lines, n, last);
}

/* The consent steps (issue 5), hostile server words included; then an
 * older assistd's session (control=none) and a refusal, each in its own
 * run (no syslog: the test socket holds only ten datagrams). */
static void
test_consent(void **unused)
{
	static char lines[MAX_LINES][TLINE_MAX];
	struct cli_env env = { .home = "/nonexistent", .local_user = "alice" };
	struct session se = { .bytes_in = 12, .bytes_out = 0 };
	struct ctranscript ct;
	struct cli_settings s;
	char path[PATH_MAX], err[512], last[TLINE_CHAIN_HEX + 1];
	int n;

	settings_for(&s);
	assert_int_equal(ctranscript_open(&ct, &env, NULL, err, sizeof(err)),
	    0);
	snprintf(path, sizeof(path), "%s", ctranscript_path(&ct));
	assert_int_equal(ctranscript_start(&ct, &s), 0);
	assert_int_equal(ctranscript_consent_wait(&ct, "session", "bo b",
	    "482913", 60), 0);
	assert_int_equal(ctranscript_consent_outcome(&ct, "accepted",
	    "control", "view", "ok\n event=x"), 0);
	assert_int_equal(ctranscript_session(&ct, CLI_EXIT_OK, "", "view"), 0);
	assert_int_equal(ctranscript_control_request(&ct), 0);
	assert_int_equal(ctranscript_control_refused(&ct, "", NULL), 0);
	assert_int_equal(ctranscript_control_refused(&ct, "timeout",
	    "no answer"), 0);
	assert_int_equal(ctranscript_control_request(&ct), 0);
	assert_int_equal(ctranscript_consent_wait(&ct, "control", "bob",
	    "000001", 30), 0);
	assert_int_equal(ctranscript_mode_change(&ct, "control", "user"), 0);
	assert_int_equal(ctranscript_session_end(&ct, "user_ended", NULL,
	    &se), 0);
	assert_int_equal(ctranscript_stop(&ct, CLI_EXIT_OK, NULL), 0);
	assert_int_equal(ctranscript_close(&ct), 0);
	n = read_lines(path, lines);
	assert_int_equal(n, 12);
	assert_non_null(strstr(lines[1], " event=consent.wait seq=2 "
	    "what=session ws_user=\"bo b\" code=482913 timeout_s=60 chain="));
	assert_non_null(strstr(lines[2], " event=consent.outcome seq=3 "
	    "outcome=accepted requested=control mode=view "
	    "detail=\"ok\\n event\\x3dx\" chain="));
	assert_non_null(strstr(lines[3], " event=session.start seq=4 "
	    "subsystem=rfb mode=view chain="));
	assert_non_null(strstr(lines[4], " event=control.request seq=5 "
	    "chain="));
	/* no detail: no field */
	assert_non_null(strstr(lines[5], " event=control.refused seq=6 "
	    "chain="));
	assert_non_null(strstr(lines[6], " event=control.refused seq=7 "
	    "by=timeout detail=\"no answer\" chain="));
	assert_non_null(strstr(lines[8], " event=consent.wait seq=9 "
	    "what=control ws_user=bob code=000001 timeout_s=30 chain="));
	assert_non_null(strstr(lines[9], " event=mode.change seq=10 "
	    "mode=control by=user chain="));
	assert_non_null(strstr(lines[10], " event=session.end seq=11 "
	    "reason=user_ended duration_ms="));
	check_chains(lines, n, last);

	/* an older assistd: no consent lines, control=none */
	assert_int_equal(ctranscript_open(&ct, &env, NULL, err, sizeof(err)),
	    0);
	snprintf(path, sizeof(path), "%s", ctranscript_path(&ct));
	assert_int_equal(ctranscript_start(&ct, &s), 0);
	assert_int_equal(ctranscript_session(&ct, CLI_EXIT_OK, "", NULL), 0);
	assert_int_equal(ctranscript_close(&ct), 0);
	n = read_lines(path, lines);
	assert_int_equal(n, 2);
	assert_non_null(strstr(lines[1], " event=session.start seq=2 "
	    "subsystem=rfb control=none chain="));

	/* refused: the outcome without a mode, then the exit status */
	assert_int_equal(ctranscript_open(&ct, &env, NULL, err, sizeof(err)),
	    0);
	snprintf(path, sizeof(path), "%s", ctranscript_path(&ct));
	assert_int_equal(ctranscript_start(&ct, &s), 0);
	assert_int_equal(ctranscript_consent_outcome(&ct, "refused", "view",
	    NULL, NULL), 0);
	assert_int_equal(ctranscript_stop(&ct, CLI_EXIT_REFUSED,
	    "refused by the user"), 0);
	assert_int_equal(ctranscript_close(&ct), 0);
	n = read_lines(path, lines);
	assert_int_equal(n, 3);
	assert_non_null(strstr(lines[1], " event=consent.outcome seq=2 "
	    "outcome=refused requested=view chain="));
	assert_non_null(strstr(lines[2], " event=cli.stop seq=3 status=73 "
	    "reason=\"refused by the user\" chain="));
}

/* A state directory that cannot hold the transcript: refused, naming
 * the path. */
static void
test_open_fails(void **unused)
{
	struct cli_env env = { .home = "/nonexistent", .local_user = "alice" };
	struct ctranscript ct;
	char err[512], file[PATH_MAX + 16];
	FILE *f;

	snprintf(file, sizeof(file), "%s/plain", top);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	setenv("XDG_STATE_HOME", file, 1);
	assert_int_equal(ctranscript_open(&ct, &env, NULL, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "cannot create the helper's transcript: "));
	assert_non_null(strstr(err, file));
	assert_null(ct.t);
	/* no home either */
	unsetenv("XDG_STATE_HOME");
	env.home = "relative";
	assert_int_equal(ctranscript_open(&ct, &env, NULL, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "cannot create the helper's transcript: no "
	    "usable $XDG_STATE_HOME or home directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_consent),
		cmocka_unit_test(test_open_fails),
	};
	char cmd[PATH_MAX + 16];
	int r;

	r = cmocka_run_group_tests(tests, NULL, NULL);
	if (top[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", top);
	}
	return r;
}
