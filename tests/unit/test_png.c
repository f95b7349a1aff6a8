/* Unit tests: common/png.c. Each image written is read back by a small
 * PNG reader here (chunk CRCs, IHDR, zlib inflate of the IDATs, all five
 * filters undone) and compared pixel by pixel; files are also checked by
 * the real pngcheck(1) when it is installed (scripts/install-deps). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "common/buf.h"
#include "common/png.h"

#define BIG	(64u * 1024 * 1024)

/* What the reader found besides the pixels. */
struct decoded {
	uint32_t *px;		/* w * h, 0x00RRGGBB */
	uint32_t w, h;
	unsigned nidat;
	unsigned filters_used;	/* bit f set when filter f was seen */
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint8_t
paeth(uint8_t a, uint8_t b, uint8_t c)
{
	int p = (int)a + b - c;
	int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* Undoes the filters of raw (h rows of 1 + 3w bytes) into d->px. */
static void
unfilter(uint8_t *raw, struct decoded *d)
{
	size_t rowlen = (size_t)d->w * 3, i;
	uint8_t *prev = NULL, *row, a, b, c;
	uint32_t y, x;

	for (y = 0; y < d->h; y++) {
		row = raw + y * (rowlen + 1);
		assert_true(row[0] <= 4);
		d->filters_used |= 1u << row[0];
		for (i = 0; i < rowlen; i++) {
			a = i >= 3 ? row[1 + i - 3] : 0;
			b = prev != NULL ? prev[1 + i] : 0;
			c = (prev != NULL && i >= 3) ? prev[1 + i - 3] : 0;
			switch (row[0]) {
			case 1: row[1 + i] += a; break;
			case 2: row[1 + i] += b; break;
			case 3: row[1 + i] += (uint8_t)((a + b) / 2); break;
			case 4: row[1 + i] += paeth(a, b, c); break;
			default: break;
			}
		}
		for (x = 0; x < d->w; x++)
			d->px[(size_t)y * d->w + x] =
			    (uint32_t)row[1 + 3 * x] << 16 |
			    (uint32_t)row[2 + 3 * x] << 8 | row[3 + 3 * x];
		prev = row;
	}
}

/* A strict reader of what png.c writes: signature, IHDR first, IDATs,
 * IEND last, every CRC right, exactly the expected inflated size. */
static void
decode(const uint8_t *p, size_t n, struct decoded *d)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n' };
	uint8_t *idat = NULL, *raw;
	size_t off = 8, nidat = 0;
	uLongf rawlen;
	uint32_t len;
	int seen_iend = 0;

	memset(d, 0, sizeof(*d));
	assert_true(n >= 8);
	assert_memory_equal(p, sig, 8);
	while (off < n) {
		assert_false(seen_iend);
		assert_true(n - off >= 12);
		len = be32(p + off);
		assert_true(n - off - 12 >= len);
		assert_int_equal(crc32(crc32(0L, Z_NULL, 0), p + off + 4,
		    len + 4), be32(p + off + 8 + len));
		if (memcmp(p + off + 4, "IHDR", 4) == 0) {
			assert_int_equal(off, 8);
			assert_int_equal(len, 13);
			d->w = be32(p + off + 8);
			d->h = be32(p + off + 12);
			assert_memory_equal(p + off + 16, "\x08\x02\0\0\0", 5);
		} else if (memcmp(p + off + 4, "IDAT", 4) == 0) {
			assert_true(d->w > 0);
			assert_true(len <= PNG_IDAT_MAX);
			idat = realloc(idat, nidat + len + 1);
			assert_non_null(idat);
			memcpy(idat + nidat, p + off + 8, len);
			nidat += len;
			d->nidat++;
		} else {
			assert_memory_equal(p + off + 4, "IEND", 4);
			assert_int_equal(len, 0);
			seen_iend = 1;
		}
		off += 12 + len;
	}
	assert_true(seen_iend);
	assert_true(d->nidat > 0);
	rawlen = (uLongf)d->h * (1 + (uLongf)d->w * 3);
	raw = malloc(rawlen + 1);
	assert_non_null(raw);
	/* one byte of room more than expected: a longer stream fails */
	rawlen++;
	assert_int_equal(uncompress(raw, &rawlen, idat, nidat), Z_OK);
	assert_int_equal(rawlen, (uLongf)d->h * (1 + (uLongf)d->w * 3));
	d->px = malloc((size_t)d->w * d->h * sizeof(uint32_t));
	assert_non_null(d->px);
	unfilter(raw, d);
	free(raw);
	free(idat);
}

/* An image that makes different rows prefer different filters: flat
 * colour, horizontal and vertical gradients, and noise. */
static uint32_t *
test_image(uint16_t w, uint16_t h, size_t stride)
{
	uint32_t *px = calloc((size_t)h * stride, sizeof(uint32_t));
	uint32_t seed = 12345, x, y, v;

	assert_non_null(px);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			seed = seed * 1103515245u + 12345u;
			if (y < h / 4)
				v = 0x336699;
			else if (y < h / 2)
				v = (x * 7 & 0xff) << 16 | (x & 0xff) << 8 |
				    (255 - (x & 0xff));
			else if (y < 3 * h / 4)
				v = (y * 5 & 0xff) << 16 | (x / 8 % 2) * 0xff00 |
				    (y & 0xff);
			else
				v = seed >> 8;
			px[y * stride + x] = v & 0xffffff;
		}
		/* padding past w (stride) must not be read into the image */
		for (; x < stride; x++)
			px[y * stride + x] = 0xdeadbeef;
	}
	return px;
}

static void
check_same(const struct decoded *d, const uint32_t *px, uint16_t w,
	   uint16_t h, size_t stride)
{
	uint32_t x, y;

	assert_int_equal(d->w, w);
	assert_int_equal(d->h, h);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			if (d->px[(size_t)y * w + x] !=
			    (px[y * stride + x] & 0xffffff))
				fail_msg("pixel %u,%u: %06x, want %06x", x, y,
				    d->px[(size_t)y * w + x],
				    px[y * stride + x] & 0xffffff);
}

static void
roundtrip(uint16_t w, uint16_t h, size_t stride, struct decoded *d)
{
	uint32_t *px = test_image(w, h, stride);
	struct buf b;
	char err[256] = "";

	buf_init(&b, BIG);
	assert_int_equal(png_write_buf(&b, px, w, h, stride, err,
	    sizeof(err)), 0);
	assert_string_equal(err, "");
	decode(buf_ptr(&b), buf_avail(&b), d);
	check_same(d, px, w, h, stride);
	free(px);
	buf_free(&b);
}

static void
test_small(void **state)
{
	struct decoded d;

	(void)state;
	roundtrip(1, 1, 1, &d);
	free(d.px);
	roundtrip(2, 3, 5, &d);
	free(d.px);
	roundtrip(17, 1, 17, &d);
	free(d.px);
}

/* Every filter type is chosen somewhere in the test image, so the reader
 * above checks the encoder's arithmetic for each of them. */
static void
test_filters(void **state)
{
	struct decoded d;

	(void)state;
	roundtrip(200, 160, 256, &d);
	if (d.filters_used != 0x1f)
		fail_msg("filters used: %#x (want all five)", d.filters_used);
	free(d.px);
}

/* Noise compresses badly: many IDAT chunks, none above PNG_IDAT_MAX. */
static void
test_many_idat(void **state)
{
	struct decoded d;

	(void)state;
	roundtrip(400, 800, 400, &d);
	assert_true(d.nidat >= 3);
	free(d.px);
}

/* A 1920x1080 screen of text-like content stays small. */
static void
test_screen_size(void **state)
{
	uint16_t w = 1920, h = 1080;
	uint32_t *px = calloc((size_t)w * h, sizeof(uint32_t));
	struct decoded d;
	struct buf b;
	char err[256];
	size_t i;

	(void)state;
	assert_non_null(px);
	for (i = 0; i < (size_t)w * h; i++)
		px[i] = (i / w) % 16 < 12 && (i % w) % 9 < 6 ? 0xffffff :
		    0x202020;
	buf_init(&b, BIG);
	assert_int_equal(png_write_buf(&b, px, w, h, w, err, sizeof(err)), 0);
	assert_true(buf_avail(&b) < 64 * 1024);
	decode(buf_ptr(&b), buf_avail(&b), &d);
	check_same(&d, px, w, h, w);
	free(d.px);
	free(px);
	buf_free(&b);
}

static void
test_bad_args(void **state)
{
	uint32_t px[4] = { 0 };
	struct buf b;
	char err[256];

	(void)state;
	buf_init(&b, BIG);
	err[0] = '\0';
	assert_int_equal(png_write_buf(&b, px, 0, 1, 1, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "bad image: 0x1"));
	assert_int_equal(png_write_buf(&b, px, 1, 0, 1, err, sizeof(err)),
	    -1);
	assert_int_equal(png_write_buf(&b, px, 2, 2, 1, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "stride 1"));
	assert_int_equal(png_write_buf(&b, NULL, 1, 1, 1, err, sizeof(err)),
	    -1);
	assert_int_equal(png_write_buf(&b, px, PNG_MAX_DIM + 1, 1,
	    PNG_MAX_DIM + 1, err, sizeof(err)), -1);
	assert_int_equal(buf_avail(&b), 0);
	buf_free(&b);
	/* output limit too small: an error, not a truncated "success" */
	buf_init(&b, 60);
	assert_int_equal(png_write_buf(&b, px, 2, 2, 2, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "output buffer"));
	buf_free(&b);
}

/* --- files --------------------------------------------------------- */

static char tmpdir[64];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_png.XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static uint8_t *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	p = malloc((size_t)len);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* Files in tmpdir besides the ones named. */
static int
count_entries(void)
{
	char cmd[128];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", tmpdir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void
test_file(void **state)
{
	uint16_t w = 123, h = 45;
	uint32_t *px = test_image(w, h, 130);
	char path[128], cmd[512], err[256] = "";
	struct decoded d;
	struct stat st;
	uint8_t *data;
	size_t n;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/snap.png", tmpdir);
	assert_int_equal(png_write_file(path, px, w, h, 130, err,
	    sizeof(err)), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(), 1);	/* no temporary left */
	data = slurp(path, &n);
	decode(data, n, &d);
	check_same(&d, px, w, h, 130);
	free(d.px);
	free(data);

	/* the real pngcheck agrees it is a valid PNG */
	if (system("command -v pngcheck >/dev/null 2>&1") != 0) {
		free(px);
		skip();		/* scripts/install-deps installs it */
	}
	snprintf(cmd, sizeof(cmd), "pngcheck -q '%s'", path);
	rc = system(cmd);
	assert_int_equal(rc, 0);
	/* ...and that a corrupted one is not (the check can fail) */
	snprintf(cmd, sizeof(cmd), "printf X | dd of='%s' bs=1 seek=45 "
	    "conv=notrunc 2>/dev/null && ! pngcheck -q '%s' >/dev/null",
	    path, path);
	assert_int_equal(system(cmd), 0);
	free(px);
}

/* An existing file or symlink at path is replaced, never written
 * through; a failed write leaves path as it was and no temporary. */
static void
test_file_replace(void **state)
{
	uint32_t px[4] = { 0xff0000, 0x00ff00, 0x0000ff, 0xffffff };
	char path[128], target[128], bad[160], err[256];
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/link.png", tmpdir);
	snprintf(target, sizeof(target), "%s/target", tmpdir);
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("keep", f);
	fclose(f);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(png_write_file(path, px, 2, 2, 2, err, sizeof(err)),
	    0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 4);		/* untouched */

	/* bad arguments: path unchanged, nothing left behind */
	assert_int_equal(png_write_file(target, px, 0, 2, 2, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, target));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(count_entries(), 2);

	snprintf(bad, sizeof(bad), "%s/no/such/dir.png", tmpdir);
	assert_int_equal(png_write_file(bad, px, 2, 2, 2, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, bad));
	assert_int_equal(count_entries(), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_many_idat),
		cmocka_unit_test(test_screen_size),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test_setup_teardown(test_file, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_file_replace, setup_dir,
		    teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
