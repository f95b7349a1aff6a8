/*
 * transcript_bench: time per committed transcript line (common/
 * transcript.c), with and without fsync, with and without a drop copy.
 *   usage: transcript_bench DIR [LINES]     (DIR on the disk to measure)
 * Prints one line per case: lines, total ms, microseconds per line. A
 * line is a typical auth.allow (~330 bytes). Files are left in DIR.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "common/clock.h"
#include "common/transcript.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
run(const char *name, const char *dir, const char *drop, int sync,
    long lines)
{
	struct transcript_config c = { .dir = dir, .drop_dir = drop,
	    .host = "ws42", .user = "bob" };
	struct transcript *t;
	char err[512];
	double t0, us;
	long i;

	if ((t = transcript_open(&c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "transcript_bench: %s\n", err);
		return -1;
	}
	t0 = now_us();
	for (i = 0; i < lines; i++) {
		struct tline l;

		transcript_line(t, &l, "auth.allow");
		tline_add_u64(&l, "conn", (uint64_t)i);
		tline_add(&l, "ssh_user", "bob");
		tline_add(&l, "method", "publickey");
		tline_add(&l, "key_type", "ssh-ed25519-cert-v01@openssh.com");
		tline_add(&l, "key_fp",
		    "SHA256:F8wqdBEsvMIUi2mhB4nEZP499M3r70+ACfN8Gee/Emw");
		tline_add(&l, "key_id", "alice@helpdesk");
		tline_add(&l, "helper", "alice@helpdesk");
		if (transcript_commit(t, &l, sync) != 0) {
			fprintf(stderr, "transcript_bench: %s\n",
			    transcript_error(t));
			transcript_close(t);
			return -1;
		}
	}
	us = now_us() - t0;
	printf("%-24s %6ld lines %9.1f ms %8.2f us/line\n", name, lines,
	    us / 1000, us / (double)lines);
	return transcript_close(t);
}

int
main(int argc, char **argv)
{
	char user[4096], drop[4096];
	long n = argc > 2 ? atol(argv[2]) : 2000;

	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: transcript_bench DIR [LINES]\n");
		return 2;
	}
	snprintf(user, sizeof(user), "%s/user", argv[1]);
	snprintf(drop, sizeof(drop), "%s/drop", argv[1]);
	(void)mkdir(drop, 0700);
	if (run("no fsync", user, NULL, TRANSCRIPT_NOSYNC, n) != 0 ||
	    run("fsync", user, NULL, TRANSCRIPT_SYNC, n) != 0 ||
	    run("no fsync, drop copy", user, drop, TRANSCRIPT_NOSYNC, n) != 0 ||
	    run("fsync, drop copy", user, drop, TRANSCRIPT_SYNC, n) != 0)
		return 1;
	return 0;
}
