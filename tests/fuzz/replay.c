/*
 * Replays a fuzz target's corpus without libFuzzer, so `make check` runs
 * every fuzz target over its saved inputs with gcc and the sanitizers.
 * usage: fuzz_NAME DIR|FILE...   Prints one TAP line per argument.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (1u << 20)

static int
replay_file(const char *path)
{
	static uint8_t data[REPLAY_MAX_INPUT];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	/* Copy to an exact-size heap block so ASan sees overreads. */
	uint8_t *copy = malloc(n ? n : 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, data, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

static int
replay_dir(const char *dir, unsigned *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (replay_file(path) != 0) {
			closedir(d);
			return -1;
		}
		(*count)++;
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, fails = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		unsigned count = 0;
		int r;

		if (stat(argv[i], &st) != 0) {
			printf("not ok %d - %s: missing\n", i, argv[i]);
			fails++;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			r = replay_dir(argv[i], &count);
		else {
			r = replay_file(argv[i]);
			count = 1;
		}
		if (r != 0 || count == 0) {
			printf("not ok %d - %s: unreadable or empty\n", i,
			    argv[i]);
			fails++;
		} else {
			printf("ok %d - %s: %u inputs\n", i, argv[i], count);
		}
	}
	return fails ? 1 : 0;
}
