/*
 * pump_server: a small test-only libssh server built on common/chanpump.c,
 * used by tests/e2e/pump_rekey.sh and bench/pump_bench.sh to move data
 * through the pump with the real OpenSSH client. Not part of assistd.
 *
 *   pump_server -k HOSTKEY -a AUTHORIZED_PUB [-l ADDR] [-p PORT]
 *               [-b MAX_PENDING] [-n SOURCE_BYTES] [-t SECONDS] [-v]
 *
 * Prints "listening on ADDR:PORT" (port 0 picks one), serves ONE
 * connection (publickey auth against the one key in AUTHORIZED_PUB, same
 * hardened algorithms as assistd), one session channel, one subsystem:
 *   echo    fd mode: channel -> pipe -> channel
 *   sink    buffer mode: counts and hashes what arrives, then EOF
 *   source  buffer mode: sends SOURCE_BYTES of pseudo-random data, EOF
 *   assist-control (with -r REPLY_FILE only) buffer mode: a scripted,
 *           possibly hostile assistd for assist-cli's tests: once the
 *           client sent anything (its HELLO), the bytes of REPLY_FILE
 *           are sent as they are (at most 1 MiB, whole or not at all);
 *           what the client sends is dropped
 *   rfb     (with -R GREETING_FILE only) buffer mode: an assistd without
 *           the control channel: GREETING_FILE's bytes at once, input
 *           dropped
 *   rfb     (with -V PNG_FILE instead) a scripted RFB server for the
 *           viewer's tests: RFB 3.8 (or 3.3 when the client says so),
 *           security None, ServerInit of a known PS_RFB_W x PS_RFB_H
 *           test picture (also written to PNG_FILE, common/png.c), then
 *           every non-incremental FramebufferUpdateRequest gets the whole
 *           picture in the client's pixel format and encoding
 *           (common/rfbenc.c); incremental ones get nothing (no damage);
 *           every client message goes through rfb_client_msg_parse
 * then prints the pump's statistics and exits (0 when the pump finished
 * cleanly). -t bounds the whole run (default 600 s).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <openssl/evp.h>

#include "common/chanpump.h"
#include "common/log.h"
#include "common/png.h"
#include "common/rfb.h"
#include "common/rfbenc.h"

#define PS_RFB_W	300
#define PS_RFB_H	200
#define PS_RFB_NAME	"pump_server test picture"

#define PS_KEX		"curve25519-sha256,curve25519-sha256@libssh.org"
#define PS_CIPHERS	"chacha20-poly1305@openssh.com,aes256-gcm@openssh.com," \
			"aes128-gcm@openssh.com"
#define PS_MACS		"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com"
#define PS_HOSTKEY	"ssh-ed25519"
#define PS_MAX_AUTH_TRIES	3
#define PS_POLL_MS	500
#define PS_CLOSE_GRACE_S	5
#define PS_FEED_CHUNK	(64 * 1024)
#define PS_MAX_REPLY	(1024 * 1024)

struct server {
	ssh_session s;
	ssh_event ev;
	ssh_key authorized;
	struct ssh_server_callbacks_struct scb;
	struct ssh_channel_callbacks_struct ccb;
	ssh_channel ch;
	struct chanpump *pump;
	size_t max_pending;
	const char *subsystem;
	bool authenticated;
	int auth_tries;
	/* sink and source */
	EVP_MD_CTX *md;
	uint64_t bytes;
	uint64_t source_left;
	uint64_t rng;
	/* assist-control */
	uint8_t *reply;
	size_t reply_len;
	bool replied;
	/* rfb */
	uint8_t *greeting;
	size_t greeting_len;
	/* rfb, -V */
	const char *picture_png;
	uint32_t *picture;
	struct rfbenc *enc;
	struct buf rin;
	int rfb_phase;		/* 0 version, 1 sectype, 2 init, 3 run */
	uint64_t rfb_updates;
};

static void
usage(void)
{
	fprintf(stderr, "usage: pump_server -k HOSTKEY -a AUTHORIZED_PUB "
		"[-l ADDR] [-p PORT] [-b MAX_PENDING] [-n SOURCE_BYTES] "
		"[-r REPLY_FILE] [-R GREETING_FILE] [-V PNG_FILE] [-t SECONDS] "
		"[-v]\n");
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Listening socket on addr:port; prints the address actually bound. */
static int
listen_on(const char *addr, const char *port)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int fd, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(addr, port, &hints, &ai);
	if (rc != 0) {
		log_error("%s:%s: %s", addr, port, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv,
			sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		log_error("listen on %s:%s: %s", addr, port, strerror(errno));
		freeaddrinfo(ai);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	freeaddrinfo(ai);
	printf(ss.ss_family == AF_INET6 ? "listening on [%s]:%s\n" :
	       "listening on %s:%s\n", host, serv);
	fflush(stdout);
	return fd;
}

static int
accept_one(int lfd, double deadline)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int ms = (int)((deadline - now_s()) * 1000);

	if (ms <= 0 || poll(&pfd, 1, ms) != 1) {
		log_error("nobody connected in time");
		return -1;
	}
	return accept(lfd, NULL, NULL);
}

/* ---- sink / source (buffer mode) ---- */

static long
sink_recv(void *ud, const uint8_t *data, size_t n)
{
	struct server *sv = ud;

	if (n == 0) {			/* channel EOF: answer with ours */
		chanpump_send_eof(sv->pump);
		return 0;
	}
	EVP_DigestUpdate(sv->md, data, n);
	sv->bytes += n;
	return (long)n;
}

static long
discard_recv(void *ud, const uint8_t *data, size_t n)
{
	(void)ud;
	(void)data;
	return (long)n;
}

/* assist-control: the first bytes from the client get the reply. Runs
 * inside libssh: the pump sends it after the poll. */
static long
control_recv(void *ud, const uint8_t *data, size_t n)
{
	struct server *sv = ud;

	(void)data;
	if (n > 0 && !sv->replied) {
		sv->replied = true;
		if (sv->reply_len > 0 &&
		    chanpump_write(sv->pump, sv->reply, sv->reply_len) < 0)
			log_error("reply of %zu bytes does not fit (-b)",
			    sv->reply_len);
	}
	return (long)n;
}

/* The test picture: colours whose channels are 0 or 255 only, so that it
 * is exact in every pixel format; stripes, blocks, a checkerboard and a
 * diagonal so that ZRLE uses solid, palette and RLE tiles. */
static uint32_t
picture_px(unsigned x, unsigned y)
{
	static const uint32_t c[] = { 0x000000, 0xff0000, 0x00ff00,
	    0x0000ff, 0xffffff, 0xffff00, 0x00ffff, 0xff00ff };

	if (y < 50)
		return c[(x / 10) % 8];
	if (y < 100)
		return c[((x / 4) + (y / 4)) % 2 == 0 ? 4 : 0];
	if (y < 150)
		return x == y || x == y + 1 ? c[1] : c[(x / 64) % 8];
	return c[(x * 7 + y * 13 + (x ^ y)) % 8];
}

/* The picture as PNG_FILE.ppm too (P6), for comparing with a lossy copy
 * (vncsnapshot writes JPEG). 0, or -1 said. */
static int
picture_ppm(const struct server *sv)
{
	char path[4096];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s.ppm", sv->picture_png);
	if ((f = fopen(path, "wb")) == NULL) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "P6\n%d %d\n255\n", PS_RFB_W, PS_RFB_H);
	for (i = 0; i < (size_t)PS_RFB_W * PS_RFB_H; i++) {
		uint32_t p = sv->picture[i];

		fputc((int)(p >> 16 & 0xff), f);
		fputc((int)(p >> 8 & 0xff), f);
		fputc((int)(p & 0xff), f);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int
picture_make(struct server *sv)
{
	char err[256];
	unsigned x, y;

	sv->picture = malloc((size_t)PS_RFB_W * PS_RFB_H * sizeof(uint32_t));
	if (sv->picture == NULL)
		return -1;
	for (y = 0; y < PS_RFB_H; y++)
		for (x = 0; x < PS_RFB_W; x++)
			sv->picture[y * PS_RFB_W + x] = picture_px(x, y);
	if (png_write_file(sv->picture_png, sv->picture, PS_RFB_W, PS_RFB_H,
	    PS_RFB_W, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return -1;
	}
	return picture_ppm(sv);
}

/* Sends out's bytes; 0, or -1 said. */
static int
rfb_send(struct server *sv, struct buf *out)
{
	int r = chanpump_write(sv->pump, buf_ptr(out), buf_avail(out));

	if (r != 0)
		log_error("rfb: %zu bytes do not fit (-b)", buf_avail(out));
	buf_free(out);
	return r;
}

/* One step of the scripted server over sv->rin: 1 done, 0 need more,
 * -1 bad input (said). */
static int
rfb_step(struct server *sv, struct buf *out)
{
	static const uint8_t v33[] = "RFB 003.003\n";
	struct rfb_client_msg m;
	struct rfb_server_init si = { PS_RFB_W, PS_RFB_H,
	    rfb_pixfmt_default, (char *)PS_RFB_NAME };
	struct rfb_fb fb = { sv->picture, PS_RFB_W, PS_RFB_H, PS_RFB_W };
	struct rfb_rect all = { 0, 0, PS_RFB_W, PS_RFB_H };
	char err[256];
	enum rfb_status st;

	switch (sv->rfb_phase) {
	case 0:
		if (buf_avail(&sv->rin) < RFB_VERSION_LEN)
			return 0;
		if (memcmp(buf_ptr(&sv->rin), v33, RFB_VERSION_LEN) == 0) {
			buf_put_u32(out, RFB_SEC_NONE);	/* 3.3: server picks */
			sv->rfb_phase = 2;
		} else if (memcmp(buf_ptr(&sv->rin), RFB_VERSION_STR,
		    RFB_VERSION_LEN) == 0) {
			buf_put_u8(out, 1);
			buf_put_u8(out, RFB_SEC_NONE);
			sv->rfb_phase = 1;
		} else {
			log_error("rfb: unknown client version");
			return -1;
		}
		printf("rfb: client %s\n", sv->rfb_phase == 2 ? "3.3" : "3.8");
		buf_consume(&sv->rin, RFB_VERSION_LEN);
		return 1;
	case 1:
		if (buf_avail(&sv->rin) < 1)
			return 0;
		if (buf_ptr(&sv->rin)[0] != RFB_SEC_NONE)
			return -1;
		buf_consume(&sv->rin, 1);
		buf_put_u32(out, 0);
		sv->rfb_phase = 2;
		return 1;
	case 2:
		if (buf_avail(&sv->rin) < 1)
			return 0;
		buf_consume(&sv->rin, 1);
		rfb_put_server_init(out, &si);
		sv->rfb_phase = 3;
		return 1;
	default:
		break;
	}
	st = rfb_client_msg_parse(&sv->rin, &m, err, sizeof(err));
	if (st == RFB_MORE)
		return 0;
	if (st != RFB_OK) {
		log_error("rfb: %s", err);
		return -1;
	}
	if (m.type == RFB_SET_PIXEL_FORMAT) {
		rfbenc_set_pixfmt(sv->enc, &m.pixfmt);
		printf("rfb: pixel format %u bpp\n", m.pixfmt.bpp);
	} else if (m.type == RFB_SET_ENCODINGS) {
		rfbenc_set_encodings(sv->enc, m.encodings, m.nencodings);
	} else if (m.type == RFB_KEY_EVENT) {
		printf("rfb: key %s 0x%x\n", m.down ? "down" : "up",
		    (unsigned)m.keysym);
	} else if (m.type == RFB_POINTER_EVENT) {
		printf("rfb: pointer %u,%u buttons %u\n", m.x, m.y,
		    m.buttons);
	} else if (m.type == RFB_FB_UPDATE_REQUEST && !m.incremental) {
		if (rfbenc_begin(sv->enc, out) != 0 ||
		    rfbenc_rect(sv->enc, out, &fb, &all) != 0 ||
		    rfbenc_end(sv->enc, out) != 0) {
			rfb_client_msg_free(&m);
			return -1;
		}
		sv->rfb_updates++;
		printf("rfb: full update %" PRIu64 " encoding %d\n",
		    sv->rfb_updates, (int)rfbenc_encoding(sv->enc));
	}
	fflush(stdout);
	rfb_client_msg_free(&m);
	return 1;
}

static long
rfb_recv(void *ud, const uint8_t *data, size_t n)
{
	struct server *sv = ud;
	struct buf out;
	int r;

	if (n == 0) {
		chanpump_send_eof(sv->pump);
		return 0;
	}
	buf_compact(&sv->rin);
	if (buf_put_bytes(&sv->rin, data, n) != 0)
		return -1;
	buf_init(&out, 64u * 1024 * 1024);
	while ((r = rfb_step(sv, &out)) > 0)
		;
	if (rfb_send(sv, &out) != 0 || r < 0)
		return -1;
	return (long)n;
}

/* A file's bytes (at most PS_MAX_REPLY) into *out, *len. 0, or -1 said. */
static int
read_reply(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL || (*out = malloc(PS_MAX_REPLY)) == NULL) {
		log_error("%s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	*len = fread(*out, 1, PS_MAX_REPLY, f);
	if (ferror(f) || fgetc(f) != EOF) {
		log_error("%s: unreadable or over %d bytes", path, PS_MAX_REPLY);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Queues more source data while the pump has room; returns bytes queued.
 * The bytes only need to be hard to compress and hashed as sent. */
static size_t
feed_source(struct server *sv)
{
	uint8_t chunk[PS_FEED_CHUNK];
	size_t n, i, total = 0;
	uint64_t x = sv->rng;

	while (sv->source_left > 0) {
		n = chanpump_room(sv->pump);
		if (n > sizeof(chunk))
			n = sizeof(chunk);
		if (n > sv->source_left)
			n = (size_t)sv->source_left;
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			x ^= x << 13;	/* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			chunk[i] = (uint8_t)(x >> 32);
		}
		if (chanpump_write(sv->pump, chunk, n) < 0)
			break;
		EVP_DigestUpdate(sv->md, chunk, n);
		sv->bytes += n;
		sv->source_left -= n;
		total += n;
	}
	sv->rng = x;
	if (sv->source_left == 0)
		chanpump_send_eof(sv->pump);
	return total;
}

/* ---- libssh callbacks ---- */

static int
auth_pubkey(ssh_session s, const char *user, struct ssh_key_struct *key,
	    char state, void *ud)
{
	struct server *sv = ud;

	(void)s;
	(void)user;
	if (sv->auth_tries >= PS_MAX_AUTH_TRIES)
		return SSH_AUTH_DENIED;
	if (ssh_key_cmp(key, sv->authorized, SSH_KEY_CMP_PUBLIC) != 0) {
		sv->auth_tries++;
		return SSH_AUTH_DENIED;
	}
	if (state == SSH_PUBLICKEY_STATE_NONE)
		return SSH_AUTH_SUCCESS;	/* probe: send PK_OK */
	if (state != SSH_PUBLICKEY_STATE_VALID) {
		sv->auth_tries++;
		return SSH_AUTH_DENIED;
	}
	sv->authenticated = true;
	return SSH_AUTH_SUCCESS;
}

static int
subsystem_request(ssh_session s, ssh_channel ch, const char *name, void *ud)
{
	struct server *sv = ud;
	int pfd[2];

	if (sv->pump != NULL)
		return 1;
	sv->pump = chanpump_new(s, ch, sv->ev, sv->max_pending);
	if (sv->pump == NULL)
		return 1;
	if (strcmp(name, "echo") == 0) {
		if (pipe(pfd) < 0)
			goto refuse;
		if (chanpump_attach_fds(sv->pump, pfd[0], pfd[1],
					CHANPUMP_OWN_FDS) < 0) {
			close(pfd[0]);
			close(pfd[1]);
			goto refuse;
		}
		sv->subsystem = "echo";
		return 0;
	}
	if (strcmp(name, "sink") == 0 || strcmp(name, "source") == 0) {
		sv->md = EVP_MD_CTX_new();
		if (sv->md == NULL ||
		    EVP_DigestInit_ex(sv->md, EVP_sha256(), NULL) != 1)
			goto refuse;
		if (name[1] == 'i') {
			sv->subsystem = "sink";
			chanpump_set_recv(sv->pump, sink_recv, sv);
		} else {
			sv->subsystem = "source";
			chanpump_set_recv(sv->pump, discard_recv, sv);
			/* Writing from the request callback, as assistd
			 * writes its greeting; sent by after_poll. */
			feed_source(sv);
		}
		return 0;
	}
	if (strcmp(name, "assist-control") == 0 && sv->reply != NULL) {
		sv->subsystem = "assist-control";
		chanpump_set_recv(sv->pump, control_recv, sv);
		return 0;
	}
	if (strcmp(name, "rfb") == 0 && sv->picture != NULL &&
	    chanpump_write(sv->pump, RFB_VERSION_STR, RFB_VERSION_LEN) == 0) {
		sv->subsystem = "rfb";
		chanpump_set_recv(sv->pump, rfb_recv, sv);
		return 0;
	}
	if (strcmp(name, "rfb") == 0 && sv->greeting != NULL &&
	    chanpump_write(sv->pump, sv->greeting, sv->greeting_len) == 0) {
		sv->subsystem = "rfb";
		chanpump_set_recv(sv->pump, discard_recv, sv);
		return 0;
	}
refuse:
	chanpump_free(sv->pump);
	sv->pump = NULL;
	return 1;
}

static ssh_channel
channel_open(ssh_session s, void *ud)
{
	struct server *sv = ud;

	if (!sv->authenticated || sv->ch != NULL)
		return NULL;
	sv->ch = ssh_channel_new(s);
	if (sv->ch == NULL)
		return NULL;
	memset(&sv->ccb, 0, sizeof(sv->ccb));
	sv->ccb.userdata = sv;
	sv->ccb.channel_subsystem_request_function = subsystem_request;
	ssh_callbacks_init(&sv->ccb);
	ssh_set_channel_callbacks(sv->ch, &sv->ccb);
	return sv->ch;
}

/* ---- setup ---- */

static int
bind_opt(ssh_bind b, enum ssh_bind_options_e o, const void *v,
	 const char *what)
{
	if (ssh_bind_options_set(b, o, v) != SSH_OK) {
		log_error("bind option %s: %s", what, ssh_get_error(b));
		return -1;
	}
	return 0;
}

static ssh_bind
make_bind(ssh_key hostkey)
{
	ssh_bind b = ssh_bind_new();
	bool no = false;

	if (b == NULL)
		return NULL;
	if (bind_opt(b, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no, "config") ||
	    bind_opt(b, SSH_BIND_OPTIONS_IMPORT_KEY, hostkey, "hostkey") ||
	    bind_opt(b, SSH_BIND_OPTIONS_KEY_EXCHANGE, PS_KEX, "kex") ||
	    bind_opt(b, SSH_BIND_OPTIONS_CIPHERS_C_S, PS_CIPHERS, "ciphers") ||
	    bind_opt(b, SSH_BIND_OPTIONS_CIPHERS_S_C, PS_CIPHERS, "ciphers") ||
	    bind_opt(b, SSH_BIND_OPTIONS_HMAC_C_S, PS_MACS, "macs") ||
	    bind_opt(b, SSH_BIND_OPTIONS_HMAC_S_C, PS_MACS, "macs") ||
	    bind_opt(b, SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, PS_HOSTKEY,
		     "hostkey algorithms") ||
	    bind_opt(b, SSH_BIND_OPTIONS_PUBKEY_ACCEPTED_KEY_TYPES, PS_HOSTKEY,
		     "pubkey types")) {
		ssh_bind_free(b);
		return NULL;
	}
	return b;
}

static void
print_report(const struct server *sv)
{
	const struct chanpump_stats *st;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	struct rusage ru;

	if (sv->pump != NULL) {
		st = chanpump_stats(sv->pump);
		printf("pump: subsystem=%s to_channel=%" PRIu64
		       " from_channel=%" PRIu64 " short_writes=%" PRIu64
		       " rearms=%" PRIu64 " deferred=%" PRIu64
		       " pulls=%" PRIu64 " held_max=%" PRIu64
		       " discarded=%" PRIu64 "\n", sv->subsystem,
		       st->to_channel, st->from_channel, st->short_writes,
		       st->rearms, st->deferred, st->pulls, st->held_max,
		       st->discarded);
	}
	if (sv->md != NULL && EVP_DigestFinal_ex(sv->md, md, &mdlen) == 1) {
		printf("%s: bytes=%" PRIu64 " sha256=", sv->subsystem,
		       sv->bytes);
		for (i = 0; i < mdlen; i++)
			printf("%02x", md[i]);
		printf("\n");
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("server: cpu_ms=%ld maxrss_kb=%ld\n",
	       (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	       (long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000,
	       ru.ru_maxrss);
	fflush(stdout);
}

/* Runs the session to its end; 0 when the pump finished cleanly. */
static int
serve(struct server *sv, double deadline)
{
	bool kex_done = false, closing = false, clean = false;
	double close_at = 0;
	int rc;

	for (;;) {
		if (now_s() > deadline) {
			log_error("time limit reached");
			return -1;
		}
		ssh_event_dopoll(sv->ev, PS_POLL_MS);
		if (!kex_done) {
			rc = ssh_handle_key_exchange(sv->s);
			if (rc == SSH_ERROR) {
				log_error("key exchange: %s",
					  ssh_get_error(sv->s));
				return -1;
			}
			if (rc == SSH_OK) {
				kex_done = true;
				log_info("kex %s cipher %s mac %s",
					 ssh_get_kex_algo(sv->s),
					 ssh_get_cipher_out(sv->s),
					 ssh_get_hmac_out(sv->s));
			}
		}
		if (sv->pump != NULL && !closing) {
			rc = chanpump_after_poll(sv->pump);
			while (rc == 0 && sv->source_left > 0 &&
			       strcmp(sv->subsystem, "source") == 0 &&
			       feed_source(sv) > 0)
				rc = chanpump_after_poll(sv->pump);
			if (rc == 0 && sv->source_left == 0 &&
			    strcmp(sv->subsystem, "source") == 0)
				rc = chanpump_after_poll(sv->pump);
			if (rc < 0) {
				log_error("pump: %s", chanpump_error(sv->pump));
				return -1;
			}
			if (chanpump_done(sv->pump)) {
				clean = true;
				closing = true;
				close_at = now_s();
				/* ssh exits 255 without an exit status */
				ssh_channel_request_send_exit_status(sv->ch, 0);
				ssh_channel_close(sv->ch);
			}
		}
		if (ssh_get_status(sv->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))
			break;
		if (closing && now_s() - close_at > PS_CLOSE_GRACE_S)
			break;
	}
	return clean ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const char *hostkey_path = NULL, *auth_path = NULL;
	const char *addr = "127.0.0.1", *port = "0", *reply = NULL;
	const char *greeting = NULL;
	struct server sv;
	ssh_key hostkey = NULL;
	ssh_bind b = NULL;
	double deadline;
	long secs = 600;
	int opt, lfd, fd, rc = 1, verbose = 0, one = 1;

	memset(&sv, 0, sizeof(sv));
	buf_init(&sv.rin, 1024 * 1024);
	sv.max_pending = 256 * 1024;
	sv.rng = 0x9e3779b97f4a7c15ULL;
	while ((opt = getopt(argc, argv, "k:a:l:p:b:n:r:R:V:t:v")) != -1) {
		switch (opt) {
		case 'k': hostkey_path = optarg; break;
		case 'a': auth_path = optarg; break;
		case 'l': addr = optarg; break;
		case 'p': port = optarg; break;
		case 'b': sv.max_pending = strtoul(optarg, NULL, 10); break;
		case 'n': sv.source_left = strtoull(optarg, NULL, 10); break;
		case 'r': reply = optarg; break;
		case 'R': greeting = optarg; break;
		case 'V': sv.picture_png = optarg; break;
		case 't': secs = strtol(optarg, NULL, 10); break;
		case 'v': verbose++; break;
		default: usage(); return 2;
		}
	}
	if (hostkey_path == NULL || auth_path == NULL || optind != argc ||
	    secs <= 0) {
		usage();
		return 2;
	}
	log_init("pump_server", verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	signal(SIGPIPE, SIG_IGN);
	deadline = now_s() + (double)secs;
	if ((reply != NULL &&
	     read_reply(reply, &sv.reply, &sv.reply_len) != 0) ||
	    (greeting != NULL &&
	     read_reply(greeting, &sv.greeting, &sv.greeting_len) != 0) ||
	    (sv.picture_png != NULL && (picture_make(&sv) != 0 ||
	     (sv.enc = rfbenc_new()) == NULL)))
		return 1;
	ssh_init();
	if (verbose > 1)
		ssh_set_log_level(SSH_LOG_PROTOCOL);
	if (ssh_pki_import_privkey_file(hostkey_path, NULL, NULL, NULL,
					&hostkey) != SSH_OK ||
	    ssh_pki_import_pubkey_file(auth_path, &sv.authorized) != SSH_OK) {
		log_error("cannot read %s or %s", hostkey_path, auth_path);
		goto out;
	}
	b = make_bind(hostkey);	/* the bind owns hostkey from here */
	hostkey = NULL;
	if (b == NULL)
		goto out;
	lfd = listen_on(addr, port);
	if (lfd < 0)
		goto out;
	fd = accept_one(lfd, deadline);
	close(lfd);
	if (fd < 0)
		goto out;
	/* libssh's server leaves Nagle on: small key exchange packets then
	 * wait for a delayed ACK (~40 ms per re-key, measured). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sv.s = ssh_new();
	if (sv.s == NULL || ssh_bind_accept_fd(b, sv.s, fd) != SSH_OK) {
		log_error("accept: %s", sv.s ? ssh_get_error(b) : "no memory");
		close(fd);
		goto out;
	}
	sv.scb.userdata = &sv;
	sv.scb.auth_pubkey_function = auth_pubkey;
	sv.scb.channel_open_request_session_function = channel_open;
	ssh_callbacks_init(&sv.scb);
	ssh_set_server_callbacks(sv.s, &sv.scb);
	ssh_set_auth_methods(sv.s, SSH_AUTH_METHOD_PUBLICKEY);
	ssh_set_blocking(sv.s, 0);
	sv.ev = ssh_event_new();
	if (sv.ev == NULL || ssh_handle_key_exchange(sv.s) == SSH_ERROR ||
	    ssh_event_add_session(sv.ev, sv.s) != SSH_OK) {
		log_error("key exchange: %s", ssh_get_error(sv.s));
		goto out;
	}
	rc = serve(&sv, deadline) == 0 ? 0 : 1;
	print_report(&sv);
out:
	chanpump_free(sv.pump);
	if (sv.ev != NULL) {
		if (sv.s != NULL)
			ssh_event_remove_session(sv.ev, sv.s);
		ssh_event_free(sv.ev);
	}
	if (sv.s != NULL) {
		ssh_disconnect(sv.s);
		ssh_free(sv.s);
	}
	EVP_MD_CTX_free(sv.md);
	free(sv.reply);
	free(sv.greeting);
	free(sv.picture);
	rfbenc_free(sv.enc);
	buf_free(&sv.rin);
	ssh_key_free(sv.authorized);
	ssh_key_free(hostkey);
	ssh_bind_free(b);
	ssh_finalize();
	return rc;
}
