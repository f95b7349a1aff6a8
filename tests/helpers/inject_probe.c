/*
 * inject_probe: assistd's input injection (assistd/inject.h) driven the
 * way the RFB server drives it, for the e2e tests. Opens it on $DISPLAY
 * (and a plain connection of its own to look at the result); one command
 * per stdin line, each answered with one line:
 *   key down|up KEYSYM     KEYSYM: a name (XStringToKeysym), 0xHEX or
 *                          U+HEX; "ok" or "error"
 *   type TEXT              each UTF-8 character of TEXT as an RFB client
 *                          sends it (keysym = Latin-1 code, else
 *                          0x01000000 + code point), down then up
 *   pointer X Y MASK       an RFB PointerEvent
 *   release                inject_release_all
 *   keysdown               "keysdown N KC..." (XQueryKeymap) and the
 *                          pointer's buttons: "... buttons 0xMASK"
 *   name KEYSYM            "name NAME" (inject_keysym_name)
 *   quit
 * Prints "ready" once open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <X11/Xlib.h>

#include "assistd/inject.h"
#include "common/log.h"
#include "tests/helpers/pixsum.h"

#define PROBE_UNICODE	0x01000000u
#define PROBE_NAME_MAX	64

struct probe {
	struct inject *in;
	Display *look;		/* our own view of the result */
};

/* A keysym from a name, 0xHEX or U+HEX; 0 when none. */
static uint32_t
probe_keysym(const char *s)
{
	KeySym k;

	if (strncmp(s, "0x", 2) == 0)
		return (uint32_t)strtoul(s + 2, NULL, 16);
	if (strncmp(s, "U+", 2) == 0)
		return PROBE_UNICODE | (uint32_t)strtoul(s + 2, NULL, 16);
	k = XStringToKeysym(s);
	return k == NoSymbol ? 0 : (uint32_t)k;
}

/* The next UTF-8 character of *s as a code point (malformed bytes are
 * taken one by one). */
static uint32_t
probe_utf8(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = p[0];
	int n = 0, i;

	if (c >= 0xf0 && c < 0xf8) {
		n = 3;
		c &= 0x07;
	} else if (c >= 0xe0) {
		n = 2;
		c &= 0x0f;
	} else if (c >= 0xc0) {
		n = 1;
		c &= 0x1f;
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + 1;
			return p[0];
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	*s = p + n + 1;
	return c;
}

static int
probe_type(struct probe *p, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	uint32_t c, ks;

	while (*s != '\0') {
		c = probe_utf8(&s);
		ks = (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) ?
		    c : PROBE_UNICODE | c;
		if (inject_key(p->in, 1, ks) != 0 ||
		    inject_key(p->in, 0, ks) != 0)
			return -1;
	}
	return 0;
}

static void
probe_keysdown(struct probe *p)
{
	char keys[32], line[1024];
	Window root, child;
	int rx, ry, wx, wy, kc, n = 0;
	size_t len;
	unsigned mask = 0;

	XQueryKeymap(p->look, keys);
	XQueryPointer(p->look, DefaultRootWindow(p->look), &root, &child,
	    &rx, &ry, &wx, &wy, &mask);
	line[0] = '\0';
	for (kc = 0; kc < 256; kc++)
		if (keys[kc / 8] & (1 << (kc % 8))) {
			len = strlen(line);
			snprintf(line + len, sizeof(line) - len, " %d", kc);
			n++;
		}
	printf("keysdown %d%s buttons 0x%x\n", n, line,
	    mask & (Button1Mask | Button2Mask | Button3Mask | Button4Mask |
	    Button5Mask));
}

static int
probe_command(void *ctx, char *line)
{
	struct probe *p = ctx;
	char name[PROBE_NAME_MAX];
	unsigned x, y, mask;
	int rc = 0;

	if (strncmp(line, "key down ", 9) == 0)
		rc = inject_key(p->in, 1, probe_keysym(line + 9));
	else if (strncmp(line, "key up ", 7) == 0)
		rc = inject_key(p->in, 0, probe_keysym(line + 7));
	else if (strncmp(line, "type ", 5) == 0)
		rc = probe_type(p, line + 5);
	else if (sscanf(line, "pointer %u %u %u", &x, &y, &mask) == 3)
		rc = inject_pointer(p->in, (uint16_t)x, (uint16_t)y,
		    (uint8_t)mask);
	else if (strcmp(line, "release") == 0)
		inject_release_all(p->in);
	else if (strcmp(line, "keysdown") == 0) {
		probe_keysdown(p);
		return 0;
	} else if (strncmp(line, "name ", 5) == 0) {
		inject_keysym_name(probe_keysym(line + 5), name, sizeof(name));
		printf("name %s\n", name);
		return 0;
	} else if (strcmp(line, "quit") == 0)
		return 1;
	else
		rc = -1;
	printf(rc == 0 ? "ok\n" : "error\n");
	return 0;
}

/* The X server went away: the closing XCloseDisplay must not exit. */
static void
probe_gone(Display *dpy, void *data)
{
	(void)dpy;
	(void)data;
}

int
main(void)
{
	struct probe p;
	struct pixsum_lines lines = { .n = 0 };
	char err[256];

	log_init("inject_probe", LOG_LVL_INFO);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((p.in = inject_open(NULL, err, sizeof(err))) == NULL) {
		printf("open failed %s\n", err);
		return 2;
	}
	/* Only looks (inject_open installed xconn's error handlers, which
	 * serve this connection too). */
	if ((p.look = XOpenDisplay(NULL)) == NULL) {
		printf("open failed second connection\n");
		return 2;
	}
	XSetIOErrorExitHandler(p.look, probe_gone, NULL);
	printf("ready\n");
	while (pixsum_read_lines(&lines, STDIN_FILENO, probe_command, &p) == 0)
		;
	inject_close(p.in);
	XCloseDisplay(p.look);
	return 0;
}
