/*
 * Fuzz target: the session-control protocol (common/ctlproto.c), what
 * assistd reads from a helper on the "assist-control" channel and
 * assist-cli reads from assistd. The input is a byte stream of frames,
 * taken once whole and once in chunks (split points drawn from the
 * input) to exercise reassembly; both must see the same frames. Every
 * message that decodes is encoded again and must decode to the same
 * fields (the encoder and decoder agree on the wire form).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_FRAMES	256

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL || a[0] == '\0') &&
		    (b == NULL || b[0] == '\0');
	return strcmp(a, b) == 0;
}

/* Re-encodes m and checks that it decodes to the same message. */
static void
check_roundtrip(uint8_t type, const struct ctl_msg *m)
{
	struct buf b, body;
	struct ctl_msg m2;
	uint8_t t;
	char err[128];

	buf_init(&b, 2 * CTL_MAX_FRAME);
	if (ctl_encode(&b, type, m) != BUF_OK ||
	    ctl_next(&b, &t, &body) != 1 || t != type ||
	    ctl_decode(t, &body, &m2, err, sizeof(err)) != 0)
		abort();
	if (m2.version != m->version || m2.timeout_secs != m->timeout_secs ||
	    !same_str(m2.mode, m->mode) || !same_str(m2.reason, m->reason) ||
	    !same_str(m2.user, m->user) || !same_str(m2.code, m->code) ||
	    !same_str(m2.state, m->state) || !same_str(m2.by, m->by) ||
	    !same_str(m2.message, m->message))
		abort();
	ctl_msg_free(&m2);
	buf_free(&b);
}

/* Takes every complete frame out of in; records 1 (decoded) or 0 per
 * frame in res; returns -1 after a bad frame length. */
static int
drain(struct buf *in, uint8_t *res, size_t *nres)
{
	struct buf body;
	struct ctl_msg m;
	uint8_t type;
	char err[128];
	int r;

	while ((r = ctl_next(in, &type, &body)) == 1) {
		int ok = ctl_decode(type, &body, &m, err, sizeof(err)) == 0;

		if (ok) {
			check_roundtrip(type, &m);
			ctl_msg_free(&m);
		}
		if (*nres < FUZZ_MAX_FRAMES)
			res[(*nres)++] = (uint8_t)ok;
	}
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t whole[FUZZ_MAX_FRAMES], parts[FUZZ_MAX_FRAMES];
	size_t nwhole = 0, nparts = 0, off = 0, chunk;
	struct buf in;
	int rw, rp = 0;

	buf_init(&in, 4 + CTL_MAX_FRAME + size);
	if (buf_put_bytes(&in, data, size) != BUF_OK) {
		buf_free(&in);
		return 0;
	}
	rw = drain(&in, whole, &nwhole);
	buf_free(&in);

	/* Chunks of 1..16 bytes, sizes taken from the data itself. */
	buf_init(&in, 4 + CTL_MAX_FRAME + size);
	while (off < size && rp == 0) {
		chunk = 1 + data[off] % 16;
		if (chunk > size - off)
			chunk = size - off;
		if (buf_put_bytes(&in, data + off, chunk) != BUF_OK)
			abort();
		off += chunk;
		rp = drain(&in, parts, &nparts);
	}
	buf_free(&in);
	if ((rw < 0) != (rp < 0) || nwhole != nparts ||
	    memcmp(whole, parts, nwhole) != 0)
		abort();
	return 0;
}
