/*
 * mkrequest.c: write one muster request (include/PROTOCOL.md) to stdout,
 * hand-encoded in msgpack with nothing but libc, so the tests can drive
 * muster-agent directly and independently of the codec under test:
 *
 *   mkrequest rpcutil ping | muster-agent
 *   mkrequest shell run command='sleep 10' timeout:=1 | muster-agent
 *
 * key=value gives a string input; key:=value an integer, true, false or
 * nil. Options set the request's own keys.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: mkrequest [-c caller] [-i id] [-r reason] "
	    "[-t timeout] [-T time] [-V version]\n"
	    "                 agent action [key=string | key:=value ...]\n");
	exit(64);
}

static void
put(const void *buf, size_t len)
{
	if (len != 0 && fwrite(buf, 1, len, stdout) != len) {
		perror("mkrequest: write");
		exit(1);
	}
}

/* A big-endian header: the type byte and n bytes of v. */
static void
put_be(unsigned char type, uint64_t v, int n)
{
	unsigned char	buf[9];
	int		i;

	buf[0] = type;
	for (i = 0; i < n; i++)
		buf[1 + i] = (v >> (8 * (n - 1 - i))) & 0xff;
	put(buf, 1 + n);
}

static void
put_map(size_t n)
{
	if (n < 16)
		put_be(0x80 | n, 0, 0);
	else if (n <= 0xffff)
		put_be(0xde, n, 2);
	else
		put_be(0xdf, n, 4);
}

static void
put_strn(const char *s, size_t len)
{
	if (len < 32)
		put_be(0xa0 | len, 0, 0);
	else if (len <= 0xff)
		put_be(0xd9, len, 1);
	else if (len <= 0xffff)
		put_be(0xda, len, 2);
	else
		put_be(0xdb, len, 4);
	put(s, len);
}

static void
put_str(const char *s)
{
	put_strn(s, strlen(s));
}

static void
put_int(int64_t v)
{
	if (v >= 0 && v < 128)
		put_be((unsigned char)v, 0, 0);
	else if (v >= 0 && v <= 0xff)
		put_be(0xcc, v, 1);
	else if (v >= 0 && v <= 0xffff)
		put_be(0xcd, v, 2);
	else if (v >= 0 && v <= 0xffffffffLL)
		put_be(0xce, v, 4);
	else if (v >= 0)
		put_be(0xcf, v, 8);
	else
		put_be(0xd3, (uint64_t)v, 8);
}

static int64_t
parse_int(const char *s)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0) {
		fprintf(stderr, "mkrequest: not an integer: %s\n", s);
		exit(64);
	}
	return (v);
}

/* One key=value or key:=value input. */
static void
put_input(const char *arg)
{
	const char	*eq;

	if ((eq = strchr(arg, '=')) == NULL || eq == arg)
		usage();
	if (eq[-1] == ':') {
		put_strn(arg, eq - 1 - arg);
		if (strcmp(eq + 1, "true") == 0)
			put_be(0xc3, 0, 0);
		else if (strcmp(eq + 1, "false") == 0)
			put_be(0xc2, 0, 0);
		else if (strcmp(eq + 1, "nil") == 0)
			put_be(0xc0, 0, 0);
		else
			put_int(parse_int(eq + 1));
	} else {
		put_strn(arg, eq - arg);
		put_str(eq + 1);
	}
}

int
main(int argc, char **argv)
{
	const char	*caller = "test@local", *id = NULL, *reason = NULL;
	int64_t		 timeout = 0, t = 0, version = 1;
	int		 ch, i, n;

	while ((ch = getopt(argc, argv, "c:i:r:t:T:V:")) != -1) {
		switch (ch) {
		case 'c':
			caller = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 't':
			timeout = parse_int(optarg);
			break;
		case 'T':
			t = parse_int(optarg);
			break;
		case 'V':
			version = parse_int(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();
	if (id == NULL)
		id = "00112233445566778899aabbccddeeff";

	n = 8 + (reason != NULL);
	put_map(n);
	put_str("v");
	put_int(version);
	put_str("id");
	put_str(id);
	put_str("agent");
	put_str(argv[0]);
	put_str("action");
	put_str(argv[1]);
	put_str("args");
	put_map(argc - 2);
	for (i = 2; i < argc; i++)
		put_input(argv[i]);
	put_str("caller");
	put_str(caller);
	if (reason != NULL) {
		put_str("reason");
		put_str(reason);
	}
	put_str("timeout");
	put_int(timeout);
	put_str("time");
	put_int(t);
	if (fflush(stdout) != 0) {
		perror("mkrequest: write");
		return (1);
	}
	return (0);
}
