/*
 * free-port: print a TCP port on which nothing listens, for tests that need
 * a port with no listener (connection refused) or a place to start one.
 *
 *	free-port [ADDR]
 *
 * Binds ADDR (default 127.0.0.1; 127.0.0.0/8 only) port 0, prints the port
 * the kernel chose and closes the socket. Another process may take the
 * port before the caller does; tests use it at once.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	socklen_t		 len;
	const char		*addr = "127.0.0.1";
	int			 s;

	if (argc > 2) {
		fprintf(stderr, "usage: free-port [ADDR]\n");
		return 64;
	}
	if (argc == 2)
		addr = argv[1];

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1 ||
	    (ntohl(sin.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "free-port: not an address in 127.0.0.0/8: "
		    "%s\n", addr);
		return 64;
	}
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		perror("free-port: socket");
		return 1;
	}
	len = sizeof sin;
	if (bind(s, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) == -1) {
		perror("free-port: bind");
		return 1;
	}
	printf("%u\n", ntohs(sin.sin_port));
	close(s);
	return 0;
}
