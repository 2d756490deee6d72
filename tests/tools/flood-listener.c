/*
 * flood-listener: a TCP server that greets every connection with an
 * endless stream instead of an SSH banner, for the tests' hostile hosts.
 *
 *	flood-listener MODE ADDR PORT LIFETIME_S
 *
 * MODE is one of
 *	bytes	'A' bytes as fast as the client reads them, no newline ever
 *	lines	lines that do not start with "SSH-", as fast as they go
 *	drip	one 'A' every 100 ms, never a whole line
 *	banner	a valid "SSH-2.0-" banner, then bytes as fast as they go
 *
 * Listens on ADDR:PORT (an IPv4 address in 127.0.0.0/8, nothing else),
 * prints "ready" once listening ("ready PORT" with PORT 0), serves every
 * connection until the client goes away, and exits 0 after LIFETIME_S.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS	256

static void
usage(void)
{
	fprintf(stderr,
	    "usage: flood-listener bytes|lines|drip|banner ADDR PORT LIFETIME_S\n");
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
	int			 greeted[1 + MAX_CONNS];
	char			 chunk[16384], buf[4096], *end;
	const char		*mode, *banner = "SSH-2.0-flood\r\n";
	unsigned long		 port;
	double			 lifetime, deadline, left, next_drip;
	nfds_t			 n, i;
	size_t			 k;
	int			 s, c, one = 1, drip, timeout;

	if (argc != 5)
		usage();
	mode = argv[1];
	if (strcmp(mode, "bytes") == 0 || strcmp(mode, "drip") == 0 ||
	    strcmp(mode, "banner") == 0)
		memset(chunk, 'A', sizeof chunk);
	else if (strcmp(mode, "lines") == 0) {
		for (k = 0; k + 32 <= sizeof chunk; k += 32)
			memcpy(chunk + k, "NOT-SSH this is not a banner!\r\n ",
			    32);
		memset(chunk + k, 'x', sizeof chunk - k);
	} else
		usage();
	drip = strcmp(mode, "drip") == 0;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1 ||
	    (ntohl(sin.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "flood-listener: %s is not in 127.0.0.0/8\n",
		    argv[2]);
		return 64;
	}
	errno = 0;
	port = strtoul(argv[3], &end, 10);
	if (errno != 0 || *argv[3] == '\0' || *end != '\0' || port > 65535)
		usage();
	sin.sin_port = htons((unsigned short)port);
	lifetime = strtod(argv[4], &end);
	if (*argv[4] == '\0' || *end != '\0' || !(lifetime > 0))
		usage();

	signal(SIGPIPE, SIG_IGN);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		perror("flood-listener: socket");
		return 1;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(s, 256) == -1) {
		perror("flood-listener: bind/listen");
		return 1;
	}
	if (port == 0) {
		len = sizeof sin;
		getsockname(s, (struct sockaddr *)&sin, &len);
		printf("ready %u\n", ntohs(sin.sin_port));
	} else
		printf("ready\n");
	fflush(stdout);

	pfd[0].fd = s;
	pfd[0].events = POLLIN;
	n = 1;
	deadline = now() + lifetime;
	next_drip = now();
	while ((left = deadline - now()) > 0) {
		timeout = (int)(left * 1000) + 1;
		if (drip && timeout > 100)
			timeout = 100;
		if (poll(pfd, n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			perror("flood-listener: poll");
			return 1;
		}
		if ((pfd[0].revents & POLLIN) && n < 1 + MAX_CONNS &&
		    (c = accept(s, NULL, NULL)) != -1) {
			fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
			pfd[n].fd = c;
			pfd[n].events = drip ? POLLIN : POLLIN | POLLOUT;
			pfd[n].revents = 0;
			greeted[n] = 0;
			n++;
		}
		for (i = 1; i < n; i++) {
			if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    read(pfd[i].fd, buf, sizeof buf) <= 0) {
				close(pfd[i].fd);
				pfd[i] = pfd[n - 1];
				greeted[i] = greeted[n - 1];
				n--;
				i--;
				continue;
			}
			if (!greeted[i] && strcmp(mode, "banner") == 0) {
				if (write(pfd[i].fd, banner,
				    strlen(banner)) > 0)
					greeted[i] = 1;
				continue;
			}
			if (drip) {
				if (now() >= next_drip)
					(void)write(pfd[i].fd, "A", 1);
			} else if (pfd[i].revents & POLLOUT)
				(void)write(pfd[i].fd, chunk, sizeof chunk);
		}
		if (drip && now() >= next_drip)
			next_drip = now() + 0.1;
		pfd[0].events = (n < 1 + MAX_CONNS) ? POLLIN : 0;
	}
	for (i = 0; i < n; i++)
		close(pfd[i].fd);
	return 0;
}
