/*
 * mkrequest.c: write one muster request (include/PROTOCOL.md) to stdout,
 * hand-encoded in msgpack with nothing but libc, so the tests can drive
 * muster-agent directly and independently of the codec under test:
 *
 *   mkrequest rpcutil ping | muster-agent
 *   mkrequest shell run command='sleep 10' timeout:=1 | muster-agent
 *
 * key=value gives a string input; key:=value an integer, true, false or
 * nil. Options set the request's own keys: -f gives the request's filter
 * as JSON (arrays, objects, strings, integers, true, false, null), written
 * as msgpack as it is, so a test can send any tree, valid or not:
 *
 *   mkrequest -f '["fact", "role", "=", "web"]' -F rpcutil ping
 *
 * and -F asks for the facts in the reply.
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
	fprintf(stderr, "usage: mkrequest [-F] [-c caller] [-f filter-json] "
	    "[-i id] [-r reason]\n"
	    "                 [-t timeout] [-T time] [-V version]\n"
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

/*
 * JSON to msgpack, enough for filter trees. A container's header needs its
 * element count, so json_value writes nothing and counts the elements of
 * each container first: it is called twice, once with out 0 to skip.
 */
static const char *json_p;

static void __attribute__((noreturn))
json_fail(const char *what)
{
	fprintf(stderr, "mkrequest: bad filter JSON: %s at \"%.20s\"\n",
	    what, json_p);
	exit(64);
}

static void
json_blank(void)
{
	json_p += strspn(json_p, " \t\n\r");
}

/* A string at json_p (after its quote); its bytes into buf, len. */
static void
json_string(char *buf, size_t *len)
{
	size_t	n = 0;

	for (;;) {
		if (*json_p == '\0')
			json_fail("unterminated string");
		if (*json_p == '"') {
			json_p++;
			break;
		}
		if (*json_p == '\\') {
			json_p++;
			switch (*json_p) {
			case 'n':
				buf[n++] = '\n';
				break;
			case 't':
				buf[n++] = '\t';
				break;
			case '0':
				buf[n++] = '\0';
				break;
			case '\0':
				json_fail("unterminated string");
			default:
				buf[n++] = *json_p;
				break;
			}
			json_p++;
		} else
			buf[n++] = *json_p++;
	}
	*len = n;
}

static void json_value(int);

/* The elements of an array or object after its opening bracket. */
static size_t
json_elements(int out, char close, int pairs)
{
	size_t	n = 0;

	json_blank();
	if (*json_p == close) {
		json_p++;
		return (0);
	}
	for (;;) {
		json_value(out);
		if (pairs) {
			json_blank();
			if (*json_p++ != ':')
				json_fail("':' expected");
			json_value(out);
		}
		n++;
		json_blank();
		if (*json_p == close) {
			json_p++;
			return (n);
		}
		if (*json_p++ != ',')
			json_fail("',' expected");
	}
}

static void
json_value(int out)
{
	const char	*start;
	char		*buf, *end;
	size_t		 len, n;
	long long	 v;
	char		 c;

	json_blank();
	c = *json_p;
	if (c == '[' || c == '{') {
		json_p++;
		start = json_p;
		n = json_elements(0, c == '[' ? ']' : '}', c == '{');
		if (out) {
			if (c == '[') {
				if (n < 16)
					put_be(0x90 | n, 0, 0);
				else
					put_be(0xdc, n, 2);
			} else
				put_map(n);
			json_p = start;
			json_elements(1, c == '[' ? ']' : '}', c == '{');
		}
	} else if (c == '"') {
		json_p++;
		buf = malloc(strlen(json_p) + 1);
		if (buf == NULL)
			json_fail("out of memory");
		json_string(buf, &len);
		if (out)
			put_strn(buf, len);
		free(buf);
	} else if (strncmp(json_p, "true", 4) == 0) {
		json_p += 4;
		if (out)
			put_be(0xc3, 0, 0);
	} else if (strncmp(json_p, "false", 5) == 0) {
		json_p += 5;
		if (out)
			put_be(0xc2, 0, 0);
	} else if (strncmp(json_p, "null", 4) == 0) {
		json_p += 4;
		if (out)
			put_be(0xc0, 0, 0);
	} else {
		v = strtoll(json_p, &end, 10);
		if (end == json_p)
			json_fail("a value expected");
		json_p = end;
		if (out)
			put_int(v);
	}
}

/* The filter: one JSON value, as msgpack. */
static void
put_json(const char *json)
{
	json_p = json;
	json_value(0);
	json_blank();
	if (*json_p != '\0')
		json_fail("trailing text");
	json_p = json;
	json_value(1);
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
	const char	*filter = NULL;
	int64_t		 timeout = 0, t = 0, version = 1;
	int		 ch, i, n, facts = 0;

	while ((ch = getopt(argc, argv, "c:f:Fi:r:t:T:V:")) != -1) {
		switch (ch) {
		case 'f':
			filter = optarg;
			break;
		case 'F':
			facts = 1;
			break;
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

	n = 8 + (reason != NULL) + (filter != NULL) + facts;
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
	if (filter != NULL) {
		put_str("filter");
		put_json(filter);
	}
	if (facts) {
		put_str("facts");
		put_be(0xc3, 0, 0);
	}
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
