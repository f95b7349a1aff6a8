/*
 * args: assist-cli's command line (options and the destination), parsed
 * without getopt's global state so that it can be unit-tested. Pure: no
 * I/O, no allocation except the destination strings.
 */
#ifndef ASSIST_CLI_ARGS_H
#define ASSIST_CLI_ARGS_H

#include "common/ctlproto.h"

#include <stdbool.h>
#include <stddef.h>

#define ARGS_MAX_ITEMS	128	/* -o, -p and -i together */
#define ARGS_MAX_NAME	255	/* user or host name length */
#define ARGS_MAX_REASON	CTL_MAX_REASON	/* --reason, bytes */
#define ARGS_MAX_PATH	4096	/* --snapshot file name, bytes */
#define ARGS_MAX_ADDR	64	/* --vnc-listen address, bytes */
#define ARGS_LISTEN_DEFAULT	"127.0.0.1"

/* --vnc-listen [ADDR:]PORT, parsed. */
struct args_listen {
	char addr[ARGS_MAX_ADDR];	/* numeric; ARGS_LISTEN_DEFAULT when
					 * not given */
	bool addr_given;		/* the helper named an address */
	int port;			/* 0..65535 (0: any free port) */
};

/* -o, -p and -i are kept in command-line order: as in ssh, the first
 * value obtained wins, and the destination's user@ and :port count at
 * the position of the destination. */
enum args_kind {
	ARGS_OPTION,		/* -o "Keyword=value" */
	ARGS_PORT,		/* -p PORT (already checked) */
	ARGS_IDENTITY,		/* -i FILE */
};

struct args_item {
	enum args_kind kind;
	const char *value;
};

struct cli_args {
	const char *dest;		/* destination as given */
	size_t dest_pos;		/* items before the destination */
	struct args_item items[ARGS_MAX_ITEMS];
	size_t n_items;
	const char *config;		/* -F, or NULL */
	int verbose;			/* number of -v */
	bool help, version, dump_config;
	const char *reason;		/* --reason TEXT, or NULL */
	bool view_only;			/* --view-only */
	bool exit_after_accept;		/* --exit-after-accept */
	const char *snapshot;		/* --snapshot FILE, or NULL */
	const char *vnc_listen;		/* --vnc-listen as given, or NULL */
	struct args_listen listen;	/* ... parsed */
	unsigned pixel_format;		/* --pixel-format 32|16|8; 0: 32 */
};

/*
 * Parses argv[1..argc-1] into a (pointers into argv). Options may come
 * before or after the destination; "--" ends options; long options with
 * a value take it as "--opt VALUE" or "--opt=VALUE". Returns 0, or -1
 * with a one-line reason in err (a usage error).
 */
int args_parse(int argc, char *const argv[], struct cli_args *a, char *err,
	       size_t errsz);

/*
 * Parses --vnc-listen's "[ADDR:]PORT" ("[v6addr]:PORT" too): ADDR must be
 * a numeric address (the socket code decides whether it is a loopback
 * one), PORT 0..65535. 0, or -1 with a one-line reason in err. Pure.
 */
int args_parse_listen(const char *s, struct args_listen *l, char *err,
		      size_t errsz);

/*
 * A reason the user will read in the consent question: at most
 * ARGS_MAX_REASON bytes, no control characters (bytes below 0x20 and
 * 0x7f; UTF-8 text is fine). Pure.
 */
bool args_valid_reason(const char *r);

/* The destination split up; strings are owned (args_dest_free). */
struct cli_dest {
	char *user;	/* NULL when not given */
	char *host;
	int port;	/* -1 when not given */
};

/*
 * Parses "[user@]host[:port]", "[user@][v6addr][:port]", a bare IPv6
 * address or "ssh://[user@]host[:port]", and validates the names
 * (args_valid_host / args_valid_user). Returns 0 or -1 with err.
 */
int args_parse_dest(const char *s, struct cli_dest *d, char *err,
		    size_t errsz);
void args_dest_free(struct cli_dest *d);

/*
 * Host names that are safe in messages, known_hosts and a shell command:
 * letters, digits, '.', '-', '_' and ':' (IPv6), not starting with '-',
 * at most ARGS_MAX_NAME bytes (OpenSSH 9.6 refuses shell metacharacters
 * in names for the same reason).
 */
bool args_valid_host(const char *h);

/* User names: letters, digits, '.', '-', '_', '@', '+' (and a final '$'
 * for machine accounts), not starting with '-', at most ARGS_MAX_NAME. */
bool args_valid_user(const char *u);

#endif
