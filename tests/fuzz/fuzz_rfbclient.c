/* Fuzz target: the RFB client-message parser (what assistd's network
 * process and monitor read from the helper's viewer). The input is parsed
 * whole, then again arriving in small pieces: both must agree, RFB_MORE
 * must consume nothing, and every parsed message must survive a round
 * trip through the builders. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/rfb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_roundtrip(const struct rfb_client_msg *m)
{
	struct rfb_client_msg r;
	struct buf b;
	char err[256];
	int rc = BUF_OK;

	buf_init(&b, 2u * RFB_MAX_CUT_TEXT);
	switch (m->type) {
	case RFB_SET_PIXEL_FORMAT:
		rc = rfb_put_set_pixfmt(&b, &m->pixfmt);
		break;
	case RFB_SET_ENCODINGS:
		rc = rfb_put_set_encodings(&b, m->encodings, m->nencodings);
		break;
	case RFB_FB_UPDATE_REQUEST:
		rc = rfb_put_update_request(&b, m->incremental, m->x, m->y,
		    m->w, m->h);
		break;
	case RFB_KEY_EVENT:
		rc = rfb_put_key(&b, m->down, m->keysym);
		break;
	case RFB_POINTER_EVENT:
		rc = rfb_put_pointer(&b, m->buttons, m->x, m->y);
		break;
	case RFB_CLIENT_CUT_TEXT:
		rc = rfb_put_cut_text(&b, m->cut_text, m->cut_len);
		break;
	default:
		abort();	/* the parser returned OK for an unknown type */
	}
	if (rc != BUF_OK)
		abort();
	if (rfb_client_msg_parse(&b, &r, err, sizeof(err)) != RFB_OK ||
	    buf_avail(&b) != 0 || r.type != m->type ||
	    r.nencodings != m->nencodings ||
	    memcmp(r.encodings, m->encodings,
	    m->nencodings * sizeof(m->encodings[0])) != 0 ||
	    r.incremental != m->incremental || r.x != m->x || r.y != m->y ||
	    r.w != m->w || r.h != m->h || r.down != m->down ||
	    r.keysym != m->keysym || r.buttons != m->buttons ||
	    r.cut_len != m->cut_len ||
	    (m->cut_len > 0 && memcmp(r.cut_text, m->cut_text,
	    m->cut_len) != 0))
		abort();
	rfb_client_msg_free(&r);
	buf_free(&b);
}

/* Parses what b holds until RFB_MORE or RFB_BAD; returns that status and
 * adds the number of messages parsed to *n. */
static enum rfb_status
fuzz_drain(struct buf *b, unsigned *n)
{
	struct rfb_client_msg m;
	enum rfb_status st;
	char err[256];
	size_t before;

	for (;;) {
		before = buf_avail(b);
		st = rfb_client_msg_parse(b, &m, err, sizeof(err));
		if (st == RFB_OK) {
			if (buf_avail(b) >= before)
				abort();	/* OK must consume */
			fuzz_check_roundtrip(&m);
			rfb_client_msg_free(&m);
			++*n;
			continue;
		}
		if (buf_avail(b) != before || m.cut_text != NULL)
			abort();	/* MORE/BAD consume nothing */
		if (st == RFB_BAD && err[0] == '\0')
			abort();	/* a reason is always given */
		return st;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole, piecewise;
	enum rfb_status st1, st2 = RFB_MORE;
	unsigned n1 = 0, n2 = 0;
	size_t off = 0, chunk;

	if (size == 0)
		return 0;
	/* The first byte picks the piece size (1..16) for the second pass. */
	chunk = (size_t)(data[0] & 15) + 1;
	data++;
	size--;

	buf_init(&whole, size + 1);
	if (buf_put_bytes(&whole, data, size) != BUF_OK)
		abort();
	st1 = fuzz_drain(&whole, &n1);
	buf_free(&whole);

	buf_init(&piecewise, size + 1);
	while (off < size) {
		if (chunk > size - off)
			chunk = size - off;
		if (buf_put_bytes(&piecewise, data + off, chunk) != BUF_OK)
			abort();
		off += chunk;
		st2 = fuzz_drain(&piecewise, &n2);
		if (st2 == RFB_BAD)
			break;
	}
	buf_free(&piecewise);
	if (st1 != st2 || n1 != n2)
		abort();	/* arrival in pieces changed the outcome */
	return 0;
}
