/*
 * rfbenc: FramebufferUpdate encoder (RFC 6143 7.6-7.8); see rfbenc.h.
 *
 * ZRLE: every 64x64 tile is converted to the client's pixel values, then
 * one pass counts its runs and colours (a palette of up to 127 in a small
 * hash) and the exact size of each representation (solid, packed
 * palette, palette RLE, plain RLE, raw) decides, as TigerVNC's
 * ZRLEEncoder does with estimates (packed palettes favoured: zlib
 * compresses them better). A band of tiles (a rectangle) is buffered,
 * then deflated into the output, Huffman-only when it is mostly raw
 * tiles; each rectangle ends with Z_SYNC_FLUSH so the viewer can decode
 * it alone, the stream itself lives as long as the encoder.
 */
#include "common/rfbenc.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/rfbpix.h"

#define RFBENC_NTILE	(RFBENC_TILE * RFBENC_TILE)
#define RFBENC_MAX_PAL	127		/* palette RLE's limit */
#define RFBENC_MAX_PACKED 16		/* packed palette's limit */
/* A packed palette tile is chosen while it is at most this many times
 * the smallest other form: its fixed-width rows repeat (glyphs, lines)
 * where RLE's varying runs do not, so zlib shrinks it more. Measured on
 * bench's text scenes at level 4: 5% (desktop) and 8% (scrolling
 * terminal) fewer bytes than choosing by uncompressed size. */
#define RFBENC_PACKED_FAVOUR 4
/* Most bytes one tile could take (plain RLE of single pixels, 4-byte
 * CPIXEL + 1 length byte each): slack kept in the band buffer so that
 * even a miscounted tile cannot write past it. */
#define RFBENC_TILE_MAX	(1 + RFBENC_MAX_PAL * 4 + RFBENC_NTILE * 5)
#define RFBENC_ZCHUNK	(256 * 1024)	/* output reserved per deflate call */
/* A ZRLE rectangle's raw CPIXEL bytes at most (but one tile row at
 * least): a band is buffered whole before it is deflated, and stays far
 * below RFBDEC_MAX_ZRLE (64 MiB) compressed. */
#define RFBENC_BAND_BYTES (1024u * 1024)
/* A band whose uncompressed bytes are at least this share (of 8) raw
 * tiles (photos, video) is deflated Huffman-only: LZ77 finds almost
 * nothing there (bench/README.md: 3% smaller at 2.5x the time). */
#define RFBENC_RAW_SHARE_HUFFMAN 6
#define RFBENC_HASH	256		/* palette hash slots (> 2 * 128) */
#define RFBENC_RECT_HDR	12
#define RFBENC_MAX_RECTS 65535

/* Colours of one tile: insertion-ordered, found through a hash whose
 * slots are valid only when stamped with the current tile's number. */
struct rfbenc_pal {
	uint32_t key[RFBENC_HASH];
	uint32_t stamp[RFBENC_HASH];
	uint8_t idx[RFBENC_HASH];
	uint32_t cur;
	unsigned n;				/* 128: too many */
	uint32_t colour[RFBENC_MAX_PAL + 1];
};

struct rfbenc {
	struct rfbpix pix;
	int32_t encoding;
	int copyrect, cursor, desktop_size;
	z_stream zs;
	int zinit;		/* deflateInit2 done */
	int zbroken;		/* a failed rectangle desynchronised it */
	int level;		/* wanted for the next rectangle */
	int zlevel, zstrategy;	/* the stream's current parameters */
	int in_update;
	size_t count_pos;	/* rectangle count, from buf_ptr(out) */
	uint32_t nrects;
	struct rfbenc_stats st;
	struct rfbenc_pal pal;
	uint32_t tile[RFBENC_NTILE];
	uint8_t *zin;		/* one band, uncompressed */
	size_t zin_len, zin_cap;
	size_t zin_raw;		/* of which raw tiles */
};

struct rfbenc *
rfbenc_new(void)
{
	struct rfbenc *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	rfbpix_init(&e->pix, &rfb_pixfmt_default);
	e->encoding = RFB_ENC_RAW;
	e->level = RFBENC_ZLEVEL;
	return e;
}

void
rfbenc_free(struct rfbenc *e)
{
	if (e == NULL)
		return;
	if (e->zinit)
		deflateEnd(&e->zs);
	free(e->zin);
	free(e);
}

void
rfbenc_set_pixfmt(struct rfbenc *e, const struct rfb_pixfmt *f)
{
	rfbpix_init(&e->pix, f);
}

void
rfbenc_set_encodings(struct rfbenc *e, const int32_t *enc, unsigned n)
{
	unsigned i;
	int chosen = 0;

	e->encoding = RFB_ENC_RAW;
	e->copyrect = e->cursor = e->desktop_size = 0;
	for (i = 0; i < n; i++) {
		switch (enc[i]) {
		case RFB_ENC_ZRLE:
		case RFB_ENC_RAW:
			if (!chosen)
				e->encoding = enc[i];
			chosen = 1;
			break;
		case RFB_ENC_COPYRECT:
			e->copyrect = 1;
			break;
		case RFB_ENC_CURSOR:
			e->cursor = 1;
			break;
		case RFB_ENC_DESKTOP_SIZE:
			e->desktop_size = 1;
			break;
		}
	}
}

int
rfbenc_has_copyrect(const struct rfbenc *e)
{
	return e->copyrect;
}

int
rfbenc_has_cursor(const struct rfbenc *e)
{
	return e->cursor;
}

int
rfbenc_has_desktop_size(const struct rfbenc *e)
{
	return e->desktop_size;
}

int32_t
rfbenc_encoding(const struct rfbenc *e)
{
	return e->encoding;
}

int
rfbenc_set_zlib_level(struct rfbenc *e, int level)
{
	if (level < 0 || level > 9)
		return -1;
	e->level = level;
	return 0;
}

void
rfbenc_get_stats(const struct rfbenc *e, struct rfbenc_stats *s)
{
	*s = e->st;
}

/* Readable bytes of out: positions we patch later are kept relative to
 * buf_ptr(out), which buf_reserve's compaction preserves. */
static size_t
rfbenc_pos(const struct buf *out)
{
	return buf_avail(out);
}

static void
rfbenc_patch_u16(struct buf *out, size_t pos, uint16_t v)
{
	uint8_t *p = out->data + out->off + pos;

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
rfbenc_patch_u32(struct buf *out, size_t pos, uint32_t v)
{
	uint8_t *p = out->data + out->off + pos;

	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Drops what was appended since pos (a failed rectangle). */
static void
rfbenc_truncate(struct buf *out, size_t pos)
{
	if (pos <= buf_avail(out))
		out->len = out->off + pos;
}

/* Why out refused n more bytes. */
static int
rfbenc_room_err(const struct buf *out, size_t n)
{
	if (out->view)
		return BUF_ERR_READONLY;
	return buf_avail(out) > out->max || n > out->max - buf_avail(out) ?
	    BUF_ERR_LIMIT : BUF_ERR_NOMEM;
}

static int
rfbenc_rect_header(struct buf *out, uint16_t x, uint16_t y, uint16_t w,
		   uint16_t h, int32_t enc)
{
	uint8_t hdr[RFBENC_RECT_HDR] = {
		(uint8_t)(x >> 8), (uint8_t)x, (uint8_t)(y >> 8), (uint8_t)y,
		(uint8_t)(w >> 8), (uint8_t)w, (uint8_t)(h >> 8), (uint8_t)h,
		(uint8_t)((uint32_t)enc >> 24), (uint8_t)((uint32_t)enc >> 16),
		(uint8_t)((uint32_t)enc >> 8), (uint8_t)enc,
	};

	return buf_put_bytes(out, hdr, sizeof(hdr));
}

int
rfbenc_begin(struct rfbenc *e, struct buf *out)
{
	static const uint8_t hdr[4] = { RFB_FB_UPDATE, 0, 0, 0 };
	int r;

	e->count_pos = rfbenc_pos(out) + 2;
	if ((r = buf_put_bytes(out, hdr, sizeof(hdr))) != BUF_OK)
		return r;
	e->in_update = 1;
	e->nrects = 0;
	e->st.bytes_out += sizeof(hdr);
	return 0;
}

int
rfbenc_full(const struct rfbenc *e)
{
	return e->nrects > RFBENC_MAX_RECTS - RFBENC_MAX_RECTS_PER_CALL;
}

int
rfbenc_end(struct rfbenc *e, struct buf *out)
{
	if (!e->in_update || e->count_pos > buf_avail(out) ||
	    buf_avail(out) - e->count_pos < 2)
		return BUF_ERR_FORMAT;
	rfbenc_patch_u16(out, e->count_pos, (uint16_t)e->nrects);
	e->in_update = 0;
	return 0;
}

/* Starts one more rectangle of the update. */
static int
rfbenc_add_rect(struct rfbenc *e)
{
	if (!e->in_update)
		return BUF_ERR_FORMAT;
	if (e->nrects >= RFBENC_MAX_RECTS)
		return BUF_ERR_LIMIT;
	e->nrects++;
	e->st.rects++;
	return 0;
}

/* ---- Raw ---- */

static int
rfbenc_raw(struct rfbenc *e, struct buf *out, const struct rfb_fb *fb,
	   const struct rfb_rect *r)
{
	size_t row = (size_t)r->w * e->pix.bytes, n = row * r->h, i;
	size_t start = rfbenc_pos(out);
	uint8_t *d;
	int err;

	if ((err = rfbenc_add_rect(e)) != 0)
		return err;
	if ((err = rfbenc_rect_header(out, r->x, r->y, r->w, r->h,
	    RFB_ENC_RAW)) != BUF_OK)
		goto fail;
	if ((d = buf_reserve(out, n)) == NULL) {
		err = rfbenc_room_err(out, n);
		goto fail;
	}
	for (i = 0; i < r->h; i++)
		rfbpix_put_row(&e->pix, d + i * row,
		    fb->px + (r->y + i) * fb->stride + r->x, r->w);
	buf_commit(out, n);
	e->st.bytes_out += RFBENC_RECT_HDR + n;
	return 0;
fail:
	rfbenc_truncate(out, start);
	e->nrects--;
	e->st.rects--;
	return err;
}

/* ---- ZRLE ---- */

static void
rfbenc_pal_reset(struct rfbenc_pal *p)
{
	if (++p->cur == 0) {	/* stamps wrapped: forget them all */
		memset(p->stamp, 0, sizeof(p->stamp));
		p->cur = 1;
	}
	p->n = 0;
}

/* Index of v in the palette, adding it when new and there is room; -1
 * when it is not there and cannot be added (the 129th colour). */
static inline int
rfbenc_pal_index(struct rfbenc_pal *p, uint32_t v)
{
	unsigned h = (v * 2654435761u) >> 24;

	for (;;) {
		if (p->stamp[h] != p->cur) {
			if (p->n > RFBENC_MAX_PAL)
				return -1;
			p->stamp[h] = p->cur;
			p->key[h] = v;
			p->idx[h] = (uint8_t)p->n;
			p->colour[p->n] = v;
			return (int)p->n++;
		}
		if (p->key[h] == v)
			return p->idx[h];
		h = (h + 1) & (RFBENC_HASH - 1);
	}
}

/* Bytes of a run length (RFC 6143 7.7.6: 255s, then the rest). */
static inline size_t
rfbenc_runlen_bytes(size_t run)
{
	return (run - 1) / 255 + 1;
}

static inline uint8_t *
rfbenc_put_runlen(uint8_t *d, size_t run)
{
	size_t r = run - 1;

	while (r >= 255) {
		*d++ = 255;
		r -= 255;
	}
	*d++ = (uint8_t)r;
	return d;
}

static unsigned
rfbenc_packed_bits(unsigned npal)
{
	return npal <= 2 ? 1 : npal <= 4 ? 2 : 4;
}

/* n source pixels masked to 0x00RRGGBB (the default format's values);
 * restrict and a constant count let the compiler vectorise it. */
static void
rfbenc_mask_row(uint32_t *restrict t, const uint32_t *restrict s,
		unsigned n)
{
	unsigned i;

	if (n == RFBENC_TILE) {
		for (i = 0; i < RFBENC_TILE; i++)
			t[i] = s[i] & 0xffffff;
		return;
	}
	for (i = 0; i < n; i++)
		t[i] = s[i] & 0xffffff;
}

/* The tile's pixels in the client's pixel values. */
static void
rfbenc_load_tile(struct rfbenc *e, const struct rfb_fb *fb, unsigned x,
		 unsigned y, unsigned w, unsigned h)
{
	uint32_t *t = e->tile;
	unsigned i, j;

	for (j = 0; j < h; j++, t += w) {
		const uint32_t *s = fb->px + (size_t)(y + j) * fb->stride + x;

		if (e->pix.is_default) {
			rfbenc_mask_row(t, s, w);
		} else {
			for (i = 0; i < w; i++)
				t[i] = rfbpix_from_rgb(&e->pix, s[i]);
		}
	}
}

/* The first index from i on (below n) whose pixel is not v, else n;
 * eight at a time while they all match (long runs are the common
 * case on a desktop). */
static inline size_t
rfbenc_run_end(const uint32_t *t, size_t i, size_t n, uint32_t v)
{
	if (i >= n || t[i] != v)	/* photos: runs of one */
		return i;
	i++;
	while (i + 8 <= n && ((t[i] ^ v) | (t[i + 1] ^ v) | (t[i + 2] ^ v) |
	    (t[i + 3] ^ v) | (t[i + 4] ^ v) | (t[i + 5] ^ v) |
	    (t[i + 6] ^ v) | (t[i + 7] ^ v)) == 0)
		i += 8;
	while (i < n && t[i] == v)
		i++;
	return i;
}

/* Counts the tile's colours and runs; returns the subencoding byte of
 * its smallest representation. Leaves the palette in e->pal. */
static unsigned
rfbenc_analyse(struct rfbenc *e, unsigned w, unsigned h)
{
	const uint32_t *t = e->tile;
	size_t n = (size_t)w * h, i, start = 0, run, rl;
	size_t cb = e->pix.cbytes, best, c, plain = 0, prle = 0, runs = 0;
	uint32_t prev = t[0];
	unsigned sub, np;
	int full = 0;

	rfbenc_pal_reset(&e->pal);
	(void)rfbenc_pal_index(&e->pal, prev);
	for (i = 1; (i = rfbenc_run_end(t, i, n, prev)) < n; i++) {
		/* A run of prev ended: its cost in both RLE forms. */
		run = i - start;
		rl = rfbenc_runlen_bytes(run);
		runs++;
		plain += rl;
		prle += run == 1 ? 1 : 1 + rl;
		prev = t[i];
		start = i;
		if (!full)
			full = rfbenc_pal_index(&e->pal, prev) < 0;
	}
	run = n - start;
	rl = rfbenc_runlen_bytes(run);
	plain += (runs + 1) * cb + rl;
	prle += run == 1 ? 1 : 1 + rl;
	np = e->pal.n;
	if (np == 1)
		return 1;
	best = n * cb;
	sub = 0;
	if (plain < best) {
		best = plain;
		sub = 128;
	}
	if (np <= RFBENC_MAX_PAL && (c = np * cb + prle) < best) {
		best = c;
		sub = 128 + np;
	}
	if (np <= RFBENC_MAX_PACKED &&
	    np * cb + h * (((size_t)w * rfbenc_packed_bits(np) + 7) / 8) <=
	    best * RFBENC_PACKED_FAVOUR)
		sub = np;
	return sub;
}

static uint8_t *
rfbenc_put_palette(struct rfbenc *e, uint8_t *d)
{
	rfbpix_cput_values(&e->pix, d, e->pal.colour, e->pal.n);
	return d + (size_t)e->pal.n * e->pix.cbytes;
}

static uint8_t *
rfbenc_emit_packed(struct rfbenc *e, uint8_t *d, unsigned w, unsigned h)
{
	const uint32_t *t = e->tile;
	unsigned bits = rfbenc_packed_bits(e->pal.n), i, j, nb, acc;
	uint32_t prev = t[0] + 1;	/* differs from the first pixel */
	unsigned idx = 0;

	d = rfbenc_put_palette(e, d);
	for (j = 0; j < h; j++) {
		acc = nb = 0;
		for (i = 0; i < w; i++, t++) {
			if (*t != prev) {
				prev = *t;
				idx = (unsigned)rfbenc_pal_index(&e->pal, prev);
			}
			acc = (acc << bits) | idx;
			if ((nb += bits) == 8) {
				*d++ = (uint8_t)acc;
				acc = nb = 0;
			}
		}
		if (nb > 0)
			*d++ = (uint8_t)(acc << (8 - nb));
	}
	return d;
}

/* Plain RLE (palette == 0) or palette RLE. */
static uint8_t *
rfbenc_emit_rle(struct rfbenc *e, uint8_t *d, size_t n, int palette)
{
	const uint32_t *t = e->tile;
	size_t i = 0, j;
	unsigned idx;

	if (palette)
		d = rfbenc_put_palette(e, d);
	while (i < n) {
		for (j = i + 1; j < n && t[j] == t[i]; j++)
			;
		if (!palette) {
			rfbpix_cput(&e->pix, d, t[i]);
			d = rfbenc_put_runlen(d + e->pix.cbytes, j - i);
		} else {
			idx = (unsigned)rfbenc_pal_index(&e->pal, t[i]);
			if (j - i == 1) {
				*d++ = (uint8_t)idx;
			} else {
				*d++ = (uint8_t)(idx | 128);
				d = rfbenc_put_runlen(d, j - i);
			}
		}
		i = j;
	}
	return d;
}

/* Appends the tile (already loaded) to e->zin. */
static void
rfbenc_emit_tile(struct rfbenc *e, unsigned w, unsigned h)
{
	uint8_t *d = e->zin + e->zin_len, *start = d;
	unsigned sub = rfbenc_analyse(e, w, h);
	size_t n = (size_t)w * h;

	*d++ = (uint8_t)sub;
	if (sub == 0) {
		rfbpix_cput_values(&e->pix, d, e->tile, n);
		d += n * e->pix.cbytes;
	} else if (sub == 1) {
		rfbpix_cput(&e->pix, d, e->tile[0]);
		d += e->pix.cbytes;
	} else if (sub <= RFBENC_MAX_PACKED) {
		d = rfbenc_emit_packed(e, d, w, h);
	} else {
		d = rfbenc_emit_rle(e, d, n, sub > 128);
	}
	e->zin_len += (size_t)(d - start);
	if (sub == 0)
		e->zin_raw += (size_t)(d - start);
	e->st.zrle_tiles[sub]++;
}

/* Room in out for the next piece of deflate output. */
static int
rfbenc_zout(struct rfbenc *e, struct buf *out, size_t *chunk)
{
	size_t room = out->max - buf_avail(out);
	uint8_t *d;

	*chunk = room < RFBENC_ZCHUNK ? room : RFBENC_ZCHUNK;
	if (*chunk == 0 || (d = buf_reserve(out, *chunk)) == NULL)
		return rfbenc_room_err(out, *chunk ? *chunk : 1);
	e->zs.next_out = d;
	e->zs.avail_out = (uInt)*chunk;
	return 0;
}

/* Sets the stream's level and strategy for the band in e->zin. This
 * follows a Z_SYNC_FLUSH, so whatever deflateParams still emits is
 * empty blocks; they go to out, inside the new rectangle. */
static int
rfbenc_params(struct rfbenc *e, struct buf *out)
{
	int strategy = e->zin_raw * 8 >= e->zin_len *
	    RFBENC_RAW_SHARE_HUFFMAN ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY;
	size_t chunk;
	int err, zr;

	if (strategy == e->zstrategy && e->level == e->zlevel)
		return 0;
	if ((err = rfbenc_zout(e, out, &chunk)) != 0)
		return err;
	zr = deflateParams(&e->zs, e->level, strategy);
	buf_commit(out, chunk - e->zs.avail_out);
	if (zr != Z_OK)
		return BUF_ERR_FORMAT;
	e->zlevel = e->level;
	e->zstrategy = strategy;
	return 0;
}

/* Deflates e->zin into out, ending with Z_SYNC_FLUSH. */
static int
rfbenc_deflate(struct rfbenc *e, struct buf *out)
{
	size_t chunk;
	int zr, err;

	e->st.zrle_in += e->zin_len;
	e->zs.next_in = e->zin;
	e->zs.avail_in = (uInt)e->zin_len;
	do {
		if ((err = rfbenc_zout(e, out, &chunk)) != 0)
			return err;
		zr = deflate(&e->zs, Z_SYNC_FLUSH);
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return BUF_ERR_FORMAT;
		buf_commit(out, chunk - e->zs.avail_out);
	} while (e->zs.avail_in > 0 || e->zs.avail_out == 0);
	e->zin_len = 0;
	return 0;
}

static int
rfbenc_zinit(struct rfbenc *e)
{
	if (e->zinit)
		return 0;
	if (deflateInit2(&e->zs, e->level, Z_DEFLATED, 15, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return BUF_ERR_NOMEM;
	e->zlevel = e->level;
	e->zstrategy = Z_DEFAULT_STRATEGY;
	e->zinit = 1;
	return 0;
}

/* Room in e->zin for a band of w x h: its raw size is the most the
 * analysis ever picks, plus each tile's subencoding byte (and slack). */
static int
rfbenc_zin_room(struct rfbenc *e, unsigned w, unsigned h)
{
	size_t tiles = ((size_t)w + RFBENC_TILE - 1) / RFBENC_TILE *
	    (((size_t)h + RFBENC_TILE - 1) / RFBENC_TILE);
	size_t need = (size_t)w * h * e->pix.cbytes + tiles + RFBENC_TILE_MAX;
	uint8_t *p;

	if (need <= e->zin_cap)
		return 0;
	if ((p = realloc(e->zin, need)) == NULL)
		return BUF_ERR_NOMEM;
	e->zin = p;
	e->zin_cap = need;
	return 0;
}

/* One ZRLE rectangle: header, u32 length, the tiles deflated. */
static int
rfbenc_zrle_band(struct rfbenc *e, struct buf *out, const struct rfb_fb *fb,
		 const struct rfb_rect *r)
{
	size_t lenpos = rfbenc_pos(out) + RFBENC_RECT_HDR, len;
	unsigned tx, ty, tw, th;
	int err;

	if ((err = rfbenc_zin_room(e, r->w, r->h)) != 0 ||
	    (err = rfbenc_add_rect(e)) != 0)
		return err;
	if ((err = rfbenc_rect_header(out, r->x, r->y, r->w, r->h,
	    RFB_ENC_ZRLE)) != BUF_OK || (err = buf_put_u32(out, 0)) != BUF_OK)
		return err;
	e->zin_len = e->zin_raw = 0;
	for (ty = 0; ty < r->h; ty += RFBENC_TILE) {
		th = r->h - ty < RFBENC_TILE ? r->h - ty : RFBENC_TILE;
		for (tx = 0; tx < r->w; tx += RFBENC_TILE) {
			tw = r->w - tx < RFBENC_TILE ? r->w - tx : RFBENC_TILE;
			rfbenc_load_tile(e, fb, r->x + tx, r->y + ty, tw, th);
			rfbenc_emit_tile(e, tw, th);
		}
	}
	if ((err = rfbenc_params(e, out)) != 0 ||
	    (err = rfbenc_deflate(e, out)) != 0)
		return err;
	len = rfbenc_pos(out) - lenpos - 4;
	rfbenc_patch_u32(out, lenpos, (uint32_t)len);
	e->st.bytes_out += RFBENC_RECT_HDR + 4 + len;
	return 0;
}

/* r as bands of whole tile rows, each its own ZRLE rectangle. */
static int
rfbenc_zrle(struct rfbenc *e, struct buf *out, const struct rfb_fb *fb,
	    const struct rfb_rect *r)
{
	size_t rowbytes = (size_t)r->w * e->pix.cbytes;
	size_t start = rfbenc_pos(out);
	unsigned band = (unsigned)(RFBENC_BAND_BYTES / rowbytes);
	uint32_t nrects = e->nrects;
	uint64_t rects = e->st.rects, bytes = e->st.bytes_out;
	uLong zin = 0, zout = 0;
	struct rfb_rect b = *r;
	unsigned done;
	int err;

	if (e->zbroken)
		return BUF_ERR_FORMAT;
	if ((err = rfbenc_zinit(e)) != 0)
		return err;
	zin = e->zs.total_in;
	zout = e->zs.total_out;
	band -= band % RFBENC_TILE;
	if (band < RFBENC_TILE)
		band = RFBENC_TILE;
	for (done = 0; done < r->h; done += b.h) {
		b.y = (uint16_t)(r->y + done);
		b.h = (uint16_t)(r->h - done < band ? r->h - done : band);
		if ((err = rfbenc_zrle_band(e, out, fb, &b)) != 0)
			goto fail;
	}
	return 0;
fail:
	rfbenc_truncate(out, start);
	e->nrects = nrects;
	e->st.rects = rects;
	e->st.bytes_out = bytes;
	/* What zlib took never reaches the viewer: the streams differ. */
	if (e->zs.total_in != zin || e->zs.total_out != zout)
		e->zbroken = 1;
	return err;
}

int
rfbenc_rect(struct rfbenc *e, struct buf *out, const struct rfb_fb *fb,
	    const struct rfb_rect *r)
{
	if ((uint32_t)r->x + r->w > fb->width ||
	    (uint32_t)r->y + r->h > fb->height)
		return BUF_ERR_LIMIT;
	if (r->w == 0 || r->h == 0)
		return 0;
	if (!e->in_update)
		return BUF_ERR_FORMAT;
	if (e->encoding == RFB_ENC_ZRLE)
		return rfbenc_zrle(e, out, fb, r);
	return rfbenc_raw(e, out, fb, r);
}

/* ---- CopyRect and pseudo-encodings ---- */

int
rfbenc_copyrect(struct rfbenc *e, struct buf *out,
		const struct rfb_rect *dst, uint16_t src_x, uint16_t src_y)
{
	size_t start = rfbenc_pos(out);
	int err;

	if ((err = rfbenc_add_rect(e)) != 0)
		return err;
	if ((err = rfbenc_rect_header(out, dst->x, dst->y, dst->w, dst->h,
	    RFB_ENC_COPYRECT)) != BUF_OK ||
	    (err = buf_put_u16(out, src_x)) != BUF_OK ||
	    (err = buf_put_u16(out, src_y)) != BUF_OK) {
		rfbenc_truncate(out, start);
		e->nrects--;
		e->st.rects--;
		return err;
	}
	e->st.bytes_out += RFBENC_RECT_HDR + 4;
	return 0;
}

/* Straight colour of a premultiplied ARGB pixel. */
static uint32_t
rfbenc_unpremultiply(uint32_t argb)
{
	uint32_t a = argb >> 24, rgb = 0, c;
	int s;

	if (a == 255 || a == 0)
		return a ? argb & 0xffffff : 0;
	for (s = 0; s <= 16; s += 8) {
		c = (((argb >> s) & 0xff) * 255 + a / 2) / a;
		rgb |= (c > 255 ? 255 : c) << s;
	}
	return rgb;
}

int
rfbenc_cursor(struct rfbenc *e, struct buf *out, uint16_t hot_x,
	      uint16_t hot_y, uint16_t w, uint16_t h, const uint32_t *argb)
{
	size_t start = rfbenc_pos(out), mrow = ((size_t)w + 7) / 8;
	size_t n = (size_t)w * h * e->pix.bytes + mrow * h, i, j;
	uint8_t *d, *m;
	int err;

	if (w > RFBENC_MAX_CURSOR || h > RFBENC_MAX_CURSOR)
		return BUF_ERR_LIMIT;
	if ((err = rfbenc_add_rect(e)) != 0)
		return err;
	if ((err = rfbenc_rect_header(out, hot_x, hot_y, w, h,
	    RFB_ENC_CURSOR)) != BUF_OK)
		goto fail;
	if (n > 0 && (d = buf_reserve(out, n)) != NULL) {
		m = d + (size_t)w * h * e->pix.bytes;
		memset(m, 0, mrow * h);
		for (j = 0; j < h; j++) {
			for (i = 0; i < w; i++) {
				uint32_t p = argb[j * w + i];

				rfbpix_put(&e->pix, d, rfbpix_from_rgb(&e->pix,
				    rfbenc_unpremultiply(p)));
				d += e->pix.bytes;
				if (p >> 24 >= 128)
					m[j * mrow + i / 8] |=
					    (uint8_t)(0x80 >> (i % 8));
			}
		}
		buf_commit(out, n);
	} else if (n > 0) {
		err = rfbenc_room_err(out, n);
		goto fail;
	}
	e->st.bytes_out += RFBENC_RECT_HDR + n;
	return 0;
fail:
	rfbenc_truncate(out, start);
	e->nrects--;
	e->st.rects--;
	return err;
}

int
rfbenc_desktop_size(struct rfbenc *e, struct buf *out, uint16_t w,
		    uint16_t h)
{
	size_t start = rfbenc_pos(out);
	int err;

	if ((err = rfbenc_add_rect(e)) != 0)
		return err;
	if ((err = rfbenc_rect_header(out, 0, 0, w, h,
	    RFB_ENC_DESKTOP_SIZE)) != BUF_OK) {
		rfbenc_truncate(out, start);
		e->nrects--;
		e->st.rects--;
		return err;
	}
	e->st.bytes_out += RFBENC_RECT_HDR;
	return 0;
}

int
rfbenc_cut_text(struct buf *out, const char *text, uint32_t len)
{
	static const uint8_t hdr[4] = { RFB_SERVER_CUT_TEXT, 0, 0, 0 };
	size_t start = rfbenc_pos(out);
	int err;

	if (len > RFB_MAX_CUT_TEXT)
		return BUF_ERR_LIMIT;
	if ((err = buf_put_bytes(out, hdr, sizeof(hdr))) != BUF_OK ||
	    (err = buf_put_u32(out, len)) != BUF_OK ||
	    (err = buf_put_bytes(out, text, len)) != BUF_OK) {
		rfbenc_truncate(out, start);
		return err;
	}
	return 0;
}
