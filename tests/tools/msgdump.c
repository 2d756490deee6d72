/*
 * msgdump.c: print each msgpack object on stdin as one line of JSON, so
 * the tests can read muster-agent's replies with jq. Deliberately
 * independent of lib/wire.c (the code under test): plain msgpack-c.
 * Exits 1 if the input does not end on an object boundary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

static void
dump_str(const char *s, size_t n)
{
	size_t	i;

	putchar('"');
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
dump(const msgpack_object *o)
{
	uint32_t	i;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		printf("null");
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		printf(o->via.boolean ? "true" : "false");
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		printf("%llu", (unsigned long long)o->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		printf("%lld", (long long)o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		printf("%g", o->via.f64);
		break;
	case MSGPACK_OBJECT_STR:
		dump_str(o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		dump_str(o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		putchar('[');
		for (i = 0; i < o->via.array.size; i++) {
			if (i > 0)
				putchar(',');
			dump(&o->via.array.ptr[i]);
		}
		putchar(']');
		break;
	case MSGPACK_OBJECT_MAP:
		putchar('{');
		for (i = 0; i < o->via.map.size; i++) {
			if (i > 0)
				putchar(',');
			if (o->via.map.ptr[i].key.type == MSGPACK_OBJECT_STR)
				dump(&o->via.map.ptr[i].key);
			else
				printf("\"?\"");
			putchar(':');
			dump(&o->via.map.ptr[i].val);
		}
		putchar('}');
		break;
	default:
		printf("null");
		break;
	}
}

int
main(void)
{
	msgpack_unpacked	 msg;
	char			*buf = NULL;
	size_t			 len = 0, size = 0, off = 0;
	size_t			 n;
	int			 rc;

	for (;;) {
		if (len == size) {
			size = size == 0 ? 65536 : size * 2;
			if ((buf = realloc(buf, size)) == NULL)
				return (2);
		}
		if ((n = fread(buf + len, 1, size - len, stdin)) == 0)
			break;
		len += n;
	}
	msgpack_unpacked_init(&msg);
	while ((rc = msgpack_unpack_next(&msg, buf, len, &off)) ==
	    MSGPACK_UNPACK_SUCCESS) {
		dump(&msg.data);
		putchar('\n');
	}
	msgpack_unpacked_destroy(&msg);
	free(buf);
	return (off == len ? 0 : 1);
}
