/*
 * fake-reply.c: a fake muster-agent that reads one request from stdin and
 * answers with a reply crafted for a test (include/PROTOCOL.md), encoded
 * with msgpack-c directly rather than the codec under test:
 *
 *   fake-reply                 a valid reply to the request
 *   fake-reply -i other        the id "other" instead of the request's
 *   fake-reply -i ''           an empty id ("request unreadable")
 *   fake-reply -s web9         the sender web9 instead of the identity
 *   fake-reply -r 2            the reply twice
 *   fake-reply -n 16777200     data {"nils": [16777200 nils]}
 *   fake-reply -b 1048576      data {"out": "xxx..."} of that many bytes
 *
 * -m and -c set statusmsg and statuscode. The default sender is the
 * identity in $MUSTER_AGENT_CONFIG (what the fleet's real agent says),
 * else the host name. Used as --agent-path through a small wrapper script.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <msgpack.h>

static void
usage(void)
{
	fprintf(stderr, "usage: fake-reply [-b bytes] [-c code] [-i id] "
	    "[-m msg] [-n nils] [-r count] [-s sender]\n");
	exit(64);
}

/* The request's id, or "" when it has none. */
static char *
request_id(void)
{
	msgpack_unpacked	 u;
	msgpack_object		*o;
	char			*buf = NULL, *id = NULL;
	size_t			 len = 0, alloc = 0, off = 0, i;
	ssize_t			 n;

	for (;;) {
		if (alloc - len < 65536) {
			alloc = alloc * 2 + 65536;
			if ((buf = realloc(buf, alloc)) == NULL)
				exit(1);
		}
		n = read(0, buf + len, alloc - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, buf, len, &off) ==
	    MSGPACK_UNPACK_SUCCESS && u.data.type == MSGPACK_OBJECT_MAP) {
		for (i = 0; i < u.data.via.map.size; i++) {
			o = &u.data.via.map.ptr[i].key;
			if (o->type != MSGPACK_OBJECT_STR ||
			    o->via.str.size != 2 ||
			    memcmp(o->via.str.ptr, "id", 2) != 0)
				continue;
			o = &u.data.via.map.ptr[i].val;
			if (o->type == MSGPACK_OBJECT_STR)
				id = strndup(o->via.str.ptr, o->via.str.size);
		}
	}
	msgpack_unpacked_destroy(&u);
	free(buf);
	return (id != NULL ? id : strdup(""));
}

/* The identity line of the agent config, else the host name. */
static char *
identity(void)
{
	const char	*path;
	char		 line[1024], name[256], *p, *e;
	FILE		*f;

	if ((path = getenv("MUSTER_AGENT_CONFIG")) != NULL &&
	    (f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			p = line + strspn(line, " \t");
			if (strncmp(p, "identity", 8) != 0)
				continue;
			p += 8 + strspn(p + 8, " \t=");
			e = p + strcspn(p, " \t\r\n");
			*e = '\0';
			fclose(f);
			return (strdup(p));
		}
		fclose(f);
	}
	if (gethostname(name, sizeof name) != 0)
		strcpy(name, "localhost");
	name[sizeof name - 1] = '\0';
	return (strdup(name));
}

/* The packer's output: stdout. */
static int
write_cb(void *data, const char *buf, size_t len)
{
	return (fwrite(buf, 1, len, data) == len ? 0 : -1);
}

static void
pack_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

/* n copies of byte c. */
static void
put_fill(int c, unsigned long n)
{
	static char	buf[65536];
	size_t		k;

	memset(buf, c, sizeof buf);
	while (n > 0) {
		k = n < sizeof buf ? n : sizeof buf;
		if (fwrite(buf, 1, k, stdout) != k)
			exit(1);
		n -= k;
	}
}

int
main(int argc, char **argv)
{
	msgpack_packer	 pk;
	const char	*msg = "", *id = NULL, *sender = NULL;
	char		*reqid, *ident;
	unsigned long	 nils = 0, bytes = 0, count = 1, i;
	long		 code = 0;
	int		 ch;

	while ((ch = getopt(argc, argv, "b:c:i:m:n:r:s:")) != -1) {
		switch (ch) {
		case 'b':
			bytes = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			code = strtol(optarg, NULL, 10);
			break;
		case 'i':
			id = optarg;
			break;
		case 'm':
			msg = optarg;
			break;
		case 'n':
			nils = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			count = strtoul(optarg, NULL, 10);
			break;
		case 's':
			sender = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	reqid = request_id();
	ident = identity();
	msgpack_packer_init(&pk, stdout, write_cb);
	for (i = 0; i < count; i++) {
		msgpack_pack_map(&pk, 7);
		pack_str(&pk, "v");
		msgpack_pack_int(&pk, 1);
		pack_str(&pk, "id");
		pack_str(&pk, id != NULL ? id : reqid);
		pack_str(&pk, "sender");
		pack_str(&pk, sender != NULL ? sender : ident);
		pack_str(&pk, "statuscode");
		msgpack_pack_long(&pk, code);
		pack_str(&pk, "statusmsg");
		pack_str(&pk, msg);
		pack_str(&pk, "elapsed_ms");
		msgpack_pack_int(&pk, 1);
		pack_str(&pk, "data");
		msgpack_pack_map(&pk, (nils != 0) + (bytes != 0));
		if (nils != 0) {
			pack_str(&pk, "nils");
			msgpack_pack_array(&pk, nils);
			put_fill(0xc0, nils);
		}
		if (bytes != 0) {
			pack_str(&pk, "out");
			msgpack_pack_str(&pk, bytes);
			put_fill('x', bytes);
		}
	}
	if (fflush(stdout) != 0)
		return (1);
	free(reqid);
	free(ident);
	return (0);
}
