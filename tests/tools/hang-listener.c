/*
 * hang-listener: a TCP server that accepts connections and never says a
 * word, for the tests' "host that connects but never answers" (a timeout,
 * not a refusal).
 *
 *	hang-listener ADDR PORT LIFETIME_S
 *
 * Listens on ADDR:PORT (an IPv4 address in 127.0.0.0/8, nothing else),
 * prints "ready" on stdout once listening (with PORT 0, "ready PORT" with
 * the port the kernel chose), accepts every connection, reads and discards
 * what clients send, never writes, and after LIFETIME_S seconds closes
 * everything and exits 0.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1024

static void
usage(void)
{
	fprintf(stderr, "usage: hang-listener ADDR PORT LIFETIME_S\n");
	exit(64);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	socklen_t		 len;
	struct pollfd		 pfd[1 + MAX_CONNS];
	char			 buf[4096], *end;
	unsigned long		 port;
	double			 lifetime, deadline, left;
	nfds_t			 n, i;
	int			 s, c, one = 1;

	if (argc != 4)
		usage();

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "hang-listener: bad address: %s\n", argv[1]);
		return 64;
	}
	/* The tests only ever use loopback. */
	if ((ntohl(sin.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "hang-listener: %s is not in 127.0.0.0/8\n",
		    argv[1]);
		return 64;
	}
	errno = 0;
	port = strtoul(argv[2], &end, 10);
	if (errno != 0 || *argv[2] == '\0' || *end != '\0' || port > 65535) {
		fprintf(stderr, "hang-listener: bad port: %s\n", argv[2]);
		return 64;
	}
	sin.sin_port = htons((unsigned short)port);
	lifetime = strtod(argv[3], &end);
	if (*argv[3] == '\0' || *end != '\0' || !(lifetime > 0)) {
		fprintf(stderr, "hang-listener: bad lifetime: %s\n", argv[3]);
		return 64;
	}

	signal(SIGPIPE, SIG_IGN);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		perror("hang-listener: socket");
		return 1;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&sin, sizeof sin) == -1) {
		fprintf(stderr, "hang-listener: bind %s:%lu: %s\n", argv[1],
		    port, strerror(errno));
		return 1;
	}
	if (listen(s, 1024) == -1) {
		perror("hang-listener: listen");
		return 1;
	}
	if (port == 0) {
		len = sizeof sin;
		if (getsockname(s, (struct sockaddr *)&sin, &len) == -1) {
			perror("hang-listener: getsockname");
			return 1;
		}
		printf("ready %u\n", ntohs(sin.sin_port));
	} else
		printf("ready\n");
	fflush(stdout);

	pfd[0].fd = s;
	pfd[0].events = POLLIN;
	n = 1;
	deadline = now() + lifetime;
	while ((left = deadline - now()) > 0) {
		if (poll(pfd, n, (int)(left * 1000) + 1) == -1) {
			if (errno == EINTR)
				continue;
			perror("hang-listener: poll");
			return 1;
		}
		/*
		 * Past MAX_CONNS, new connections wait in the backlog: from
		 * the client's side that is silence too.
		 */
		if ((pfd[0].revents & POLLIN) && n < 1 + MAX_CONNS) {
			if ((c = accept(s, NULL, NULL)) != -1) {
				pfd[n].fd = c;
				pfd[n].events = POLLIN;
				pfd[n].revents = 0;
				n++;
			}
		}
		for (i = 1; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			/* Discard input; close when the client goes away. */
			if (read(pfd[i].fd, buf, sizeof buf) <= 0) {
				close(pfd[i].fd);
				pfd[i] = pfd[--n];
				i--;
			}
		}
		pfd[0].events = (n < 1 + MAX_CONNS) ? POLLIN : 0;
	}

	for (i = 0; i < n; i++)
		close(pfd[i].fd);
	return 0;
}
