/*
 * ctl_client: a small test-only libssh client that speaks assistd's
 * session-control protocol (common/ctlproto.c) step by step, for
 * tests/e2e/net_control.sh. Not part of assist-cli (which has its own
 * client); the host key is not checked (a test on 127.0.0.1).
 *
 *   ctl_client -p PORT -i KEY [-u USER] [-H HOST] [-t SECONDS] ACTION...
 *
 * Connects, authenticates with the private key file KEY (publickey),
 * then runs the actions in order, printing one line for each event:
 *   ctl            open a session channel with subsystem "assist-control"
 *                  ("ctl ok" / "ctl refused")
 *   hello:MODE[:REASON]  send HELLO (version 1)
 *   hello-v:N:MODE send HELLO with protocol version N
 *   reqctl         send REQUEST_CONTROL
 *   raw:HEX        send these bytes on the control channel as they are
 *   wait:STATE     read frames until a STATE of that state (or WAITING
 *                  for "waiting"); every frame is printed:
 *                    waiting user=U code=C timeout=N
 *                    state S mode=M by=B message=TEXT
 *   read           read and print frames until the control channel or
 *                  the connection ends ("eof" / "closed: WHY")
 *   rfb            open a second session channel with subsystem "rfb"
 *                  and read the 12-byte greeting ("rfb greeting RFB
 *                  003.008", "rfb refused", "rfb open refused")
 *   sleep:MS       pause
 * Exit status: 0 when every action ran, 2 usage, 3 connection or
 * authentication failed, 4 a wait ended without its state (timeout, end
 * of the channel), 5 a frame from assistd did not decode.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libssh/libssh.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/ctlproto.h"
#include "common/log.h"

#define CC_TEXT_MAX	(4 * CTL_MAX_MESSAGE + 1)	/* escaped text */
#define CC_RAW_MAX	4096
#define CC_READ_CHUNK	4096
#define CC_POLL_MS	100

struct cc {
	ssh_session s;
	ssh_channel ctl;
	ssh_channel rfb;
	struct buf in;		/* frames from assistd */
	int timeout_s;
};

static void
usage(void)
{
	fprintf(stderr, "usage: ctl_client -p PORT -i KEY [-u USER] [-H HOST] "
	    "[-t SECONDS] ACTION...\n");
}

static int
cc_connect(struct cc *c, const char *host, int port, const char *user,
	   const char *key)
{
	long timeout = c->timeout_s;
	int strict = 0;
	bool no = false;
	ssh_key k = NULL;

	if ((c->s = ssh_new()) == NULL)
		return -1;
	if (ssh_options_set(c->s, SSH_OPTIONS_HOST, host) != 0 ||
	    ssh_options_set(c->s, SSH_OPTIONS_PORT, &port) != 0 ||
	    ssh_options_set(c->s, SSH_OPTIONS_USER, user) != 0 ||
	    ssh_options_set(c->s, SSH_OPTIONS_TIMEOUT, &timeout) != 0 ||
	    ssh_options_set(c->s, SSH_OPTIONS_PROCESS_CONFIG, &no) != 0 ||
	    ssh_options_set(c->s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") != 0 ||
	    ssh_options_set(c->s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict) !=
	    0) {
		fprintf(stderr, "ctl_client: options: %s\n",
		    ssh_get_error(c->s));
		return -1;
	}
	if (ssh_connect(c->s) != SSH_OK) {
		fprintf(stderr, "ctl_client: connect: %s\n",
		    ssh_get_error(c->s));
		return -1;
	}
	if (ssh_pki_import_privkey_file(key, NULL, NULL, NULL, &k) !=
	    SSH_OK) {
		fprintf(stderr, "ctl_client: cannot read key %s\n", key);
		return -1;
	}
	if (ssh_userauth_publickey(c->s, NULL, k) != SSH_AUTH_SUCCESS) {
		fprintf(stderr, "ctl_client: authentication failed: %s\n",
		    ssh_get_error(c->s));
		ssh_key_free(k);
		return -1;
	}
	ssh_key_free(k);
	printf("authenticated\n");
	return 0;
}

/* A session channel with subsystem name: 0, -1 open refused, -2
 * subsystem refused (the channel is freed then). */
static int
cc_channel(struct cc *c, const char *name, ssh_channel *out)
{
	ssh_channel ch = ssh_channel_new(c->s);

	if (ch == NULL)
		return -1;
	if (ssh_channel_open_session(ch) != SSH_OK) {
		ssh_channel_free(ch);
		return -1;
	}
	if (ssh_channel_request_subsystem(ch, name) != SSH_OK) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
		return -2;
	}
	*out = ch;
	return 0;
}

static int
cc_write(struct cc *c, const void *p, size_t n)
{
	if (c->ctl == NULL) {
		fprintf(stderr, "ctl_client: no control channel\n");
		return -1;
	}
	if (ssh_channel_write(c->ctl, p, (uint32_t)n) != (int)n) {
		printf("write failed: %s\n", ssh_get_error(c->s));
		return -1;
	}
	return 0;
}

static int
cc_send(struct cc *c, uint8_t type, const struct ctl_msg *m)
{
	struct buf b;
	int r;

	buf_init(&b, 4 + CTL_MAX_FRAME);
	r = ctl_encode(&b, type, m);
	if (r == BUF_OK)
		r = cc_write(c, buf_ptr(&b), buf_avail(&b));
	else
		fprintf(stderr, "ctl_client: encode: %s\n", buf_strerror(r));
	buf_free(&b);
	return r == 0 ? 0 : -1;
}

static int
cc_raw(struct cc *c, const char *hex)
{
	uint8_t raw[CC_RAW_MAX];
	size_t n = 0;
	unsigned v;

	while (hex[0] != '\0' && hex[1] != '\0' && n < sizeof(raw)) {
		if (sscanf(hex, "%2x", &v) != 1)
			return -1;
		raw[n++] = (uint8_t)v;
		hex += 2;
	}
	if (hex[0] != '\0')
		return -1;
	return cc_write(c, raw, n);
}

/* Prints one decoded frame. */
static void
cc_print(uint8_t type, const struct ctl_msg *m)
{
	char t[CC_TEXT_MAX];

	if (type == CTL_WAITING) {
		printf("waiting user=%s code=%s timeout=%lu\n", m->user,
		    m->code, (unsigned long)m->timeout_secs);
	} else if (type == CTL_STATE) {
		printf("state %s mode=%s by=%s message=%s\n", m->state,
		    m->mode, m->by, log_sanitize(t, sizeof(t), m->message,
		    CTL_MAX_MESSAGE));
	} else {
		printf("frame type %u\n", (unsigned)type);
	}
	fflush(stdout);
}

/*
 * Reads frames, printing each, until one matches want ("waiting" or a
 * state; NULL: until the end). 0 matched (or, want NULL, the end came),
 * 4 end or timeout without it, 5 a bad frame.
 */
static int
cc_read(struct cc *c, const char *want)
{
	long long end = clock_now_ms() + (long long)c->timeout_s * 1000;
	uint8_t chunk[CC_READ_CHUNK], type;
	struct buf body;
	struct ctl_msg m;
	char err[256];
	int n, r;

	for (;;) {
		while ((r = ctl_next(&c->in, &type, &body)) == 1) {
			bool hit;

			if (ctl_decode(type, &body, &m, err, sizeof(err)) != 0) {
				printf("bad frame: %s\n", err);
				return 5;
			}
			cc_print(type, &m);
			hit = want != NULL && ((type == CTL_WAITING &&
			    strcmp(want, "waiting") == 0) ||
			    (type == CTL_STATE && strcmp(want, m.state) == 0));
			ctl_msg_free(&m);
			if (hit)
				return 0;
		}
		if (r < 0) {
			printf("bad frame length\n");
			return 5;
		}
		if (clock_now_ms() >= end) {
			printf("timeout\n");
			return 4;
		}
		n = ssh_channel_read_timeout(c->ctl, chunk, sizeof(chunk), 0,
		    CC_POLL_MS);
		if (n == SSH_ERROR || (n == 0 && (ssh_channel_is_eof(c->ctl) ||
		    !ssh_channel_is_open(c->ctl)))) {
			if (n == SSH_ERROR)
				printf("closed: %s\n", ssh_get_error(c->s));
			else
				printf("eof\n");
			fflush(stdout);
			return want == NULL ? 0 : 4;
		}
		if (n > 0 && buf_put_bytes(&c->in, chunk, (size_t)n) != BUF_OK) {
			printf("too much unframed data\n");
			return 5;
		}
	}
}

/* Opens "rfb" and reads the greeting. */
static int
cc_rfb(struct cc *c)
{
	char g[13] = "";
	size_t got = 0;
	long long end = clock_now_ms() + (long long)c->timeout_s * 1000;
	int r = cc_channel(c, "rfb", &c->rfb);

	if (r == -1) {
		printf("rfb open refused\n");
		return 0;
	}
	if (r == -2) {
		printf("rfb refused\n");
		return 0;
	}
	while (got < 12 && clock_now_ms() < end) {
		int n = ssh_channel_read_timeout(c->rfb, g + got, 12 - (uint32_t)got,
		    0, CC_POLL_MS);

		if (n < 0 || (n == 0 && ssh_channel_is_eof(c->rfb)))
			break;
		got += (size_t)n;
	}
	if (got == 12 && g[11] == '\n') {
		g[11] = '\0';
		printf("rfb greeting %s\n", g);
	} else {
		printf("rfb no greeting (%zu bytes)\n", got);
	}
	return 0;
}

static int
cc_hello(struct cc *c, uint32_t version, const char *spec)
{
	char mode[CTL_MAX_NAME + 1];
	const char *reason = strchr(spec, ':');
	struct ctl_msg m;
	size_t n = reason ? (size_t)(reason - spec) : strlen(spec);

	if (n > CTL_MAX_NAME)
		return -1;
	memcpy(mode, spec, n);
	mode[n] = '\0';
	memset(&m, 0, sizeof(m));
	m.version = version;
	m.mode = mode;
	m.reason = reason ? (char *)reason + 1 : "";
	return cc_send(c, CTL_HELLO, &m);
}

/* Runs one action: 0, or an exit status. */
static int
cc_action(struct cc *c, const char *a)
{
	struct ctl_msg m;
	int r;

	if (strcmp(a, "ctl") == 0) {
		r = cc_channel(c, CTL_SUBSYSTEM, &c->ctl);
		printf("ctl %s\n", r == 0 ? "ok" : "refused");
		return 0;
	}
	if (strncmp(a, "hello:", 6) == 0)
		return cc_hello(c, CTL_VERSION, a + 6) == 0 ? 0 : 3;
	if (strncmp(a, "hello-v:", 8) == 0) {
		char *end;
		unsigned long v = strtoul(a + 8, &end, 10);

		if (*end != ':')
			return 2;
		return cc_hello(c, (uint32_t)v, end + 1) == 0 ? 0 : 3;
	}
	if (strcmp(a, "reqctl") == 0) {
		memset(&m, 0, sizeof(m));
		return cc_send(c, CTL_REQUEST_CONTROL, &m) == 0 ? 0 : 3;
	}
	if (strncmp(a, "raw:", 4) == 0)
		return cc_raw(c, a + 4) == 0 ? 0 : 3;
	if (strncmp(a, "wait:", 5) == 0)
		return cc_read(c, a + 5);
	if (strcmp(a, "read") == 0)
		return cc_read(c, NULL);
	if (strcmp(a, "rfb") == 0)
		return cc_rfb(c);
	if (strncmp(a, "sleep:", 6) == 0) {
		usleep((useconds_t)strtoul(a + 6, NULL, 10) * 1000);
		return 0;
	}
	fprintf(stderr, "ctl_client: unknown action %s\n", a);
	return 2;
}

int
main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *user = NULL, *key = NULL;
	struct cc c;
	int port = 0, opt, i, rc = 0;

	memset(&c, 0, sizeof(c));
	c.timeout_s = 10;
	while ((opt = getopt(argc, argv, "H:p:u:i:t:")) != -1) {
		switch (opt) {
		case 'H': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'i': key = optarg; break;
		case 't': c.timeout_s = atoi(optarg); break;
		default: usage(); return 2;
		}
	}
	if (port <= 0 || key == NULL || c.timeout_s <= 0 || optind >= argc) {
		usage();
		return 2;
	}
	if (user == NULL && (user = getenv("USER")) == NULL)
		user = "nobody";
	setvbuf(stdout, NULL, _IOLBF, 0);
	buf_init(&c.in, 2 * (4 + CTL_MAX_FRAME));
	if (cc_connect(&c, host, port, user, key) != 0) {
		rc = 3;
		goto out;
	}
	for (i = optind; i < argc && rc == 0; i++)
		rc = cc_action(&c, argv[i]);
out:
	buf_free(&c.in);
	if (c.s != NULL) {
		ssh_disconnect(c.s);
		ssh_free(c.s);
	}
	return rc;
}
