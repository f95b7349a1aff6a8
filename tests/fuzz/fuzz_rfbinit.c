/* Fuzz target: the RFB ServerInit parser (what assist-cli reads from
 * assistd right after the handshake). RFB_MORE/RFB_BAD consume nothing;
 * an accepted ServerInit is within the limits and round-trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/rfb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct rfb_server_init *si)
{
	struct rfb_server_init r;
	struct buf b;
	char err[256];

	if (si->width == 0 || si->width > RFB_MAX_DIM || si->height == 0 ||
	    si->height > RFB_MAX_DIM || si->name == NULL ||
	    strlen(si->name) > RFB_MAX_NAME ||
	    !rfb_pixfmt_valid(&si->pixfmt, err, sizeof(err)))
		abort();
	buf_init(&b, 1024);
	if (rfb_put_server_init(&b, si) != BUF_OK ||
	    rfb_server_init_parse(&b, &r, err, sizeof(err)) != RFB_OK ||
	    buf_avail(&b) != 0 || r.width != si->width ||
	    r.height != si->height || strcmp(r.name, si->name) != 0 ||
	    r.pixfmt.bpp != si->pixfmt.bpp ||
	    r.pixfmt.red_shift != si->pixfmt.red_shift)
		abort();
	free(r.name);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfb_server_init si;
	struct buf b;
	enum rfb_status st;
	char err[256] = "";

	buf_view(&b, data, size);
	st = rfb_server_init_parse(&b, &si, err, sizeof(err));
	if (st == RFB_OK) {
		if (size - buf_avail(&b) != 24 + strlen(si.name))
			abort();
		fuzz_check(&si);
		free(si.name);
	} else if (buf_avail(&b) != size || si.name != NULL ||
	    (st == RFB_BAD && err[0] == '\0')) {
		abort();
	}
	return 0;
}
