/* match: pattern and address lists; see match.h. */
#include "common/match.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Longest address text we try to parse (IPv6 with embedded IPv4 + /128). */
#define MATCH_MAX_ADDR_TEXT 64

static unsigned char
match_fold(unsigned char c, bool fold)
{
	return (fold && c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a')
					      : c;
}

/*
 * Glob of s against the first plen bytes of p. Iterative with one
 * remembered star: on a mismatch we retry from the last star one byte
 * further in s, which is enough for '*'/'?' globs and never exponential.
 */
static int
match_glob(const char *s, const char *p, size_t plen, bool fold)
{
	size_t pi = 0, star_p = 0;
	const char *star_s = NULL;

	while (*s != '\0') {
		if (pi < plen && p[pi] == '*') {
			star_p = ++pi;
			star_s = s;
			continue;
		}
		if (pi < plen && (p[pi] == '?' ||
		    match_fold((unsigned char)p[pi], fold) ==
		    match_fold((unsigned char)*s, fold))) {
			pi++;
			s++;
			continue;
		}
		if (star_s == NULL)
			return 0;
		/* Let the last star swallow one more character and retry. */
		s = ++star_s;
		pi = star_p;
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

int
match_pattern(const char *s, const char *pattern)
{
	return match_glob(s, pattern, strlen(pattern), false);
}

int
match_pattern_list(const char *s, const char *list, bool dolower)
{
	const char *p = list;
	int got_positive = 0;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool negated = false;

		if (len > 0 && *p == '!') {
			negated = true;
			p++;
			len--;
		}
		if (len >= MATCH_MAX_ENTRY)
			return 0;
		if (match_glob(s, p, len, dolower)) {
			if (negated)
				return -1;
			got_positive = 1;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return got_positive;
}

int
match_hostname(const char *host, const char *list)
{
	return match_pattern_list(host, list, true);
}

int
match_addr_parse(const char *s, struct match_addr *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	struct in_addr v4;
	struct in6_addr v6;

	memset(out, 0, sizeof(*out));
	if (strlen(s) >= MATCH_MAX_ADDR_TEXT)
		return -1;
	if (inet_pton(AF_INET, s, &v4) == 1) {
		out->af = AF_INET;
		memcpy(out->a, &v4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &v6) != 1)
		return -1;
	if (memcmp(&v6, mapped, sizeof(mapped)) == 0) {
		out->af = AF_INET;
		memcpy(out->a, (const uint8_t *)&v6 + 12, 4);
		return 0;
	}
	out->af = AF_INET6;
	memcpy(out->a, &v6, 16);
	return 0;
}

static unsigned
match_addr_bits(int af)
{
	return af == AF_INET ? 32 : 128;
}

bool
match_addr_in_cidr(const struct match_addr *addr,
		   const struct match_addr *net, unsigned bits)
{
	unsigned full, rest;
	uint8_t mask;

	if (addr->af != net->af || bits > match_addr_bits(net->af))
		return false;
	full = bits / 8;
	rest = bits % 8;
	if (memcmp(addr->a, net->a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (addr->a[full] & mask) == (net->a[full] & mask);
}

/* Parses the decimal mask length after '/': 1 to 3 digits, no sign. */
static int
match_parse_bits(const char *s, unsigned max, unsigned *bits)
{
	unsigned v = 0;
	size_t i;

	if (s[0] == '\0' || strlen(s) > 3)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*bits = v;
	return 0;
}

int
match_cidr_parse(const char *s, struct match_addr *net, unsigned *bits)
{
	char text[MATCH_MAX_ADDR_TEXT];
	const char *slash;
	size_t alen;
	struct match_addr masked;

	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(text))
		return -1;
	memcpy(text, s, alen);
	text[alen] = '\0';
	/* A network is written as such: "::ffff:10.0.0.0/104" stays IPv6. */
	if (strchr(text, ':') != NULL) {
		struct in6_addr v6;

		if (inet_pton(AF_INET6, text, &v6) != 1)
			return -1;
		memset(net, 0, sizeof(*net));
		net->af = AF_INET6;
		memcpy(net->a, &v6, 16);
	} else if (match_addr_parse(text, net) != 0) {
		return -1;
	}
	*bits = match_addr_bits(net->af);
	if (slash != NULL &&
	    match_parse_bits(slash + 1, match_addr_bits(net->af), bits) != 0)
		return -1;
	/* Reject host bits beyond the mask. */
	masked = *net;
	{
		unsigned i;

		for (i = *bits; i < match_addr_bits(net->af); i++)
			masked.a[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	}
	if (memcmp(masked.a, net->a, sizeof(net->a)) != 0)
		return -2;
	return 0;
}

/* Copies list entry [p, p+len) into buf (size bufsz); -1 if too long. */
static int
match_entry_copy(char *buf, size_t bufsz, const char *p, size_t len)
{
	if (len >= bufsz)
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 0;
}

int
match_cidr_list(const char *addr, const char *list)
{
	struct match_addr a, net;
	const char *p = list;
	int found = 0;
	unsigned bits;
	char entry[MATCH_MAX_ADDR_TEXT];

	if (addr != NULL && match_addr_parse(addr, &a) != 0)
		return -1;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (match_entry_copy(entry, sizeof(entry), p, len) != 0 ||
		    match_cidr_parse(entry, &net, &bits) != 0)
			return -1;
		if (addr != NULL && match_addr_in_cidr(&a, &net, bits))
			found = 1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return found;
}

int
match_addr_list(const char *addr, const char *list)
{
	struct match_addr a, net;
	const char *p = list;
	bool have_addr;
	int ret = 0;
	unsigned bits;
	char entry[MATCH_MAX_ENTRY];

	have_addr = match_addr_parse(addr, &a) == 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool negated = false, hit;
		int r;

		if (len > 0 && *p == '!') {
			negated = true;
			p++;
			len--;
		}
		if (match_entry_copy(entry, sizeof(entry), p, len) != 0)
			return -2;
		r = match_cidr_parse(entry, &net, &bits);
		if (r == -2 || (r == -1 && strchr(entry, '/') != NULL))
			return -2;
		if (r == 0)
			hit = have_addr && match_addr_in_cidr(&a, &net, bits);
		else
			hit = match_pattern(addr, entry) == 1;
		if (hit) {
			if (negated)
				return -1;
			ret = 1;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return ret;
}
