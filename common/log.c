/* log: stderr diagnostics; see log.h. */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char log_prefix[64] = "assist";
static enum log_level log_level = LOG_LVL_INFO;

void
log_init(const char *prefix, enum log_level level)
{
	log_set_prefix(prefix);
	log_level = level;
}

void
log_set_prefix(const char *prefix)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s", prefix);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void log_v(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
log_v(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	if (level > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write per line, so lines from several processes never mix. */
	fprintf(stderr, "%s: %s\n", log_prefix, line);
	fflush(stderr);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_LVL_ERROR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_LVL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_LVL_DEBUG, fmt, ap);
	va_end(ap);
}

char *
log_sanitize(char *dst, size_t dstsz, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (dstsz == 0)
		return dst;
	for (i = 0; i < n && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t need = (c < 0x20 || c >= 0x7f || c == '\\') ? 4 : 1;

		if (o + need + 1 > dstsz) {
			/* Leave room for the truncation mark. */
			while (o > 0 && o + 4 > dstsz)
				o--;
			if (o + 4 <= dstsz) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (need == 4) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o] = '\0';
	return dst;
}

const char *
log_sanitize_str(char *dst, size_t dstsz, const char *s)
{
	return log_sanitize(dst, dstsz, s, strlen(s));
}

static int
log_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
log_unescape(char *dst, size_t dstsz, const char *s)
{
	size_t o = 0;

	if (dstsz == 0)
		return 0;
	while (*s != '\0' && o + 1 < dstsz) {
		int hi, lo;

		if (s[0] == '\\' && s[1] == 'x' &&
		    (hi = log_hexval(s[2])) >= 0 &&
		    (lo = log_hexval(s[3])) >= 0) {
			dst[o++] = (char)(hi << 4 | lo);
			s += 4;
		} else {
			dst[o++] = *s++;
		}
	}
	dst[o] = '\0';
	return o;
}
