/*
 * dgram_sink: a stand-in syslog collector for the e2e tests. Binds a unix
 * datagram socket at SOCKET (mode 0666, so that assistd running as the
 * test account can send to it), appends every datagram it receives and a
 * '\n' to OUTFILE, and exits 0 on SIGTERM (removing the socket).
 *   usage: dgram_sink SOCKET OUTFILE
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define SINK_MAX_DGRAM	(64 * 1024)

static volatile sig_atomic_t sink_stop;

static void
on_term(int sig)
{
	(void)sig;
	sink_stop = 1;
}

int
main(int argc, char **argv)
{
	static char buf[SINK_MAX_DGRAM];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sigaction sa;
	int fd, out;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: dgram_sink SOCKET OUTFILE\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: recv returns EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0)
		return 1;
	memcpy(sun.sun_path, argv[1], strlen(argv[1]) + 1);
	if ((out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644)) < 0 ||
	    (fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(argv[1], 0666) != 0) {
		fprintf(stderr, "dgram_sink: %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	while (!sink_stop) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct iovec iov[2] = { { buf, 0 }, { "\n", 1 } };

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "dgram_sink: recv: %s\n",
			    strerror(errno));
			break;
		}
		iov[0].iov_len = (size_t)n;
		if (writev(out, iov, 2) != n + 1) {
			fprintf(stderr, "dgram_sink: write: %s\n",
			    strerror(errno));
			break;
		}
	}
	unlink(argv[1]);
	return sink_stop ? 0 : 1;
}
