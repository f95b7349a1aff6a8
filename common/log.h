/*
 * log: one-line diagnostics on stderr, "prog: message". Messages that
 * quote peer-supplied text must pass it through log_sanitize() first.
 */
#ifndef ASSIST_LOG_H
#define ASSIST_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_INFO = 1, LOG_LVL_DEBUG = 2 };

/* prefix is copied; e.g. "assistd" or "assistd[net 1234]". */
void log_init(const char *prefix, enum log_level level);
void log_set_prefix(const char *prefix);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copies at most n bytes of untrusted text s into dst (size dstsz, always
 * NUL-terminated), escaping control characters, backslash and bytes >=
 * 0x7f as \xNN, and truncating with "..." when it does not fit.
 * Returns dst.
 */
char *log_sanitize(char *dst, size_t dstsz, const char *s, size_t n);
/* log_sanitize of a whole NUL-terminated string s; returns dst. */
const char *log_sanitize_str(char *dst, size_t dstsz, const char *s);

/*
 * Undoes log_sanitize's escapes: each "\xHH" in s becomes the byte HH,
 * everything else is copied as is (s is untrusted: it came from another
 * process, which may have sent anything). Writes at most dstsz - 1
 * bytes, which may include NUL, then a NUL; returns how many (without
 * that NUL). The result is raw bytes again: escape it before showing it.
 */
size_t log_unescape(char *dst, size_t dstsz, const char *s);

#endif
