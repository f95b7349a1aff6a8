/*
 * match: OpenSSH-style pattern lists and address lists, after OpenSSH's
 * match.c and addrmatch.c. Small pure functions: no allocation, no I/O,
 * no global state, safe on any NUL-terminated input.
 *
 * Patterns: '*' matches any run of characters (also empty), '?' exactly
 * one; there is no escape character. A pattern list is comma-separated;
 * an entry starting with '!' is negated, and a negated entry that matches
 * makes the whole list fail whatever else matches.
 */
#ifndef ASSIST_MATCH_H
#define ASSIST_MATCH_H

#include <stdbool.h>
#include <stdint.h>

/* Longest single entry of a pattern list; a list with a longer entry
 * matches nothing (as in OpenSSH, it fails closed). */
#define MATCH_MAX_ENTRY 1024

/* 1 if s matches pattern (case-sensitive, whole string), else 0.
 * Runs in O(strlen(s) * strlen(pattern)) at worst: no backtracking blow-up. */
int match_pattern(const char *s, const char *pattern);

/*
 * Matches s against a comma-separated pattern list. Returns 1 when a
 * positive entry matches and no negated one does, -1 when a negated entry
 * matches, 0 otherwise. With dolower, both sides compare in ASCII
 * lower case (host names); otherwise exactly (user names).
 */
int match_pattern_list(const char *s, const char *list, bool dolower);

/* match_pattern_list(host, list, true): host names and known_hosts fields. */
int match_hostname(const char *host, const char *list);

/* A parsed IPv4 or IPv6 address: af is AF_INET (4 bytes used) or AF_INET6. */
struct match_addr {
	int af;
	uint8_t a[16];
};

/*
 * Parses a numeric address (strict inet_pton forms: no "127.1", no scope
 * id). An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes the IPv4
 * address, so a dual-stack peer matches IPv4 rules. Returns 0 or -1.
 */
int match_addr_parse(const char *s, struct match_addr *out);

/*
 * Parses "addr" or "addr/bits" into net and *bits (32 or 128 when no
 * /bits). Returns 0; -1 when malformed; -2 when address bits beyond the
 * mask are set ("10.1.2.3/8": inconsistent, almost always a typo).
 */
int match_cidr_parse(const char *s, struct match_addr *net, unsigned *bits);

/* true if addr lies inside net/bits (same family only). */
bool match_addr_in_cidr(const struct match_addr *addr,
			const struct match_addr *net, unsigned bits);

/*
 * Certificate source-address style list: comma-separated addr[/bits],
 * no negation, no wildcards. Returns 1 if addr is inside an entry, 0 if
 * not, -1 if addr is unparsable or any entry is invalid (the whole list
 * is checked, so a bad entry is never silently skipped). addr may be NULL
 * to only validate the list (then 0 means valid).
 */
int match_cidr_list(const char *addr, const char *list);

/*
 * authorized_keys from= style list: entries are addr[/bits] or wildcard
 * patterns on the address text, each optionally negated with '!'.
 * Returns 1 match, 0 no match, -1 a negated entry matched, -2 the list
 * holds an invalid CIDR entry.
 */
int match_addr_list(const char *addr, const char *list);

#endif
