/*
 * Fuzz target: transcripts as assist-audit reads them (common/tparse.c
 * line by line, common/tverify.c the whole buffer), and the builder's
 * promise: any bytes given to tline as a value come back from tparse
 * unchanged, in one line with no extra field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/tline.h"
#include "common/tparse.h"
#include "common/tverify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Builds a line with data as a value and reads it back; aborts when
 * the two halves of the format disagree. */
static void
fuzz_roundtrip(struct tparse_line *p, const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "v", "key_id", "reason" };
	struct tline *l = malloc(sizeof(*l));
	char chain[TLINE_CHAIN_HEX + 1], err[TPARSE_ERR_MAX];
	const struct tparse_field *f;
	size_t n = size > TLINE_MAX_VALUE ? TLINE_MAX_VALUE : size;

	if (l == NULL)
		return;
	tline_begin(l, 1795953600123LL, "0123456789abcdef", "ws42", "bob",
	    "auth.deny", 1);
	tline_add_n(l, keys[size % 3], data, size);
	if (tline_finish(l, TLINE_ZERO_CHAIN, chain) != 0 ||
	    tparse_line(p, l->buf, l->len, err, sizeof(err)) != 0 ||
	    p->nfields != 7 || (f = tparse_get(p, keys[size % 3])) == NULL ||
	    memcmp(f->value, data, n) != 0 ||
	    f->vlen != (size > TLINE_MAX_VALUE ? n + 3 : n) ||
	    strcmp(p->chain, chain) != 0)
		abort();
	free(l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct tverify_result *r = malloc(sizeof(*r));
	struct tparse_line *p = malloc(sizeof(*p));
	char err[TPARSE_ERR_MAX];
	size_t off = 0;

	if (r == NULL || p == NULL)
		goto out;
	memset(r, 0, sizeof(*r));
	tverify_buffer(s, size, r);
	if (tverify_problem_name(r->problem) == NULL)
		abort();
	while (off < size) {
		const char *nl = memchr(s + off, '\n', size - off);
		size_t n = nl != NULL ? (size_t)(nl - (s + off)) + 1 :
		    size - off;

		if (tparse_line(p, s + off, n, err, sizeof(err)) == 0 &&
		    (p->text_len >= n || tparse_get(p, "chain") == NULL))
			abort();
		off += n;
	}
	fuzz_roundtrip(p, data, size);
out:
	free(r);
	free(p);
	return 0;
}
