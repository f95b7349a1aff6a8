/* Fuzz target: pattern and address lists (common/match.c). The input is
 * "subject\npattern-list"; both go through every matcher. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *list;
	struct match_addr a;
	unsigned bits;

	if (size > 8192)
		return 0;
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	list = strchr(buf, '\n');
	if (list != NULL)
		*list++ = '\0';
	else
		list = buf;
	match_pattern(buf, list);
	match_pattern_list(buf, list, false);
	match_hostname(buf, list);
	match_addr_parse(buf, &a);
	match_cidr_parse(list, &a, &bits);
	match_cidr_list(buf, list);
	match_cidr_list(NULL, list);
	match_addr_list(buf, list);
	free(buf);
	return 0;
}
