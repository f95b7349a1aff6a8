/* duration: time interval parser; see duration.h. */
#include "common/duration.h"

#include <stddef.h>

static long
unit_secs(char c)
{
	switch (c) {
	case '\0': case 's': case 'S': return 1;
	case 'm': case 'M': return 60;
	case 'h': case 'H': return 3600;
	case 'd': case 'D': return 86400;
	case 'w': case 'W': return 7 * 86400;
	}
	return -1;
}

long
duration_parse(const char *s)
{
	long total = 0;

	if (s == NULL || *s == '\0')
		return -1;
	while (*s != '\0') {
		long v = 0, mult;

		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s++ - '0');
			if (v > DURATION_MAX_SECS)
				return -1;
		}
		if ((mult = unit_secs(*s)) < 0)
			return -1;
		if (*s != '\0')
			s++;
		if (v > (DURATION_MAX_SECS - total) / mult)
			return -1;
		total += v * mult;
	}
	return total;
}
