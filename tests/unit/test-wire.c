/*
 * test-wire.c: unit tests of the msgpack codec (lib/wire.c): round trips of
 * every type, wire_scan() at every truncation point, and hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire.h"
#include "xmalloc.h"

static const int64_t test_ints[] = {
	0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295LL, 4294967296LL,
	INT64_MAX, -1, -32, -33, -128, -129, -32768, -32769, -2147483648LL,
	-2147483649LL, INT64_MIN
};
#define TEST_NINTS	(sizeof test_ints / sizeof test_ints[0])

static const size_t test_strlens[] = { 0, 1, 31, 32, 255, 256, 65535, 65536 };
#define TEST_NSTRS	(sizeof test_strlens / sizeof test_strlens[0])

/* A string of len bytes, each from its position. */
static char *
test_string(size_t len)
{
	char	*s = xmalloc(len + 1);
	size_t	 i;

	for (i = 0; i < len; i++)
		s[i] = 'a' + i % 26;
	s[len] = '\0';
	return (s);
}

/* A message holding one of everything. */
static void
test_write_all(struct wire_writer *w)
{
	struct wire_writer	 inner;
	const char		*raw;
	size_t			 i, len;
	char			*s;

	wire_writer_init(&inner);
	wire_put_map(&inner, 1);
	wire_put_kint(&inner, "deep", 42);

	wire_put_map(w, 12);
	wire_put_str(w, "nil");
	wire_put_nil(w);
	wire_put_kbool(w, "t", 1);
	wire_put_kbool(w, "f", 0);
	wire_put_str(w, "ints");
	wire_put_array(w, TEST_NINTS);
	for (i = 0; i < TEST_NINTS; i++)
		wire_put_int(w, test_ints[i]);
	wire_put_kdouble(w, "pi", 3.25);
	wire_put_str(w, "strs");
	wire_put_array(w, TEST_NSTRS);
	for (i = 0; i < TEST_NSTRS; i++) {
		s = test_string(test_strlens[i]);
		wire_put_strn(w, s, test_strlens[i]);
		free(s);
	}
	wire_put_kstr(w, "s", "hello");
	wire_put_kstrn(w, "sn", "ab\0cd", 5);
	wire_put_kint(w, "i", -7);
	wire_put_kstr(w, "null", NULL);
	wire_put_str(w, "raw");
	raw = wire_writer_data(&inner, &len);
	wire_put_raw(w, raw, len);
	wire_put_str(w, "empty");
	wire_put_array(w, 0);
	wire_writer_release(&inner);
}

static void
test_round_trip(void **state)
{
	struct wire_writer	 w;
	struct wire_msg		 msg;
	const msgpack_object	*root, *a, *v;
	const char		*buf, *cause, *s;
	char			*copy, *str, *expect;
	size_t			 len, used, i;
	int64_t			 n;
	double			 d;
	int			 b;

	(void)state;
	wire_writer_init(&w);
	test_write_all(&w);
	buf = wire_writer_data(&w, &len);

	/* Decode from a copy that is then destroyed: objects must survive. */
	copy = xmalloc(len);
	memcpy(copy, buf, len);
	assert_int_equal(wire_decode(copy, len, &msg, &used, &cause), 1);
	assert_int_equal(used, len);
	memset(copy, 0xc1, len);
	free(copy);

	root = msg.root;
	assert_int_equal(wire_type(root), WIRE_MAP);
	assert_int_equal(wire_len(root), 12);

	assert_non_null(wire_map_get(root, "nil"));
	assert_int_equal(wire_type(wire_map_get(root, "nil")), WIRE_NIL);
	assert_int_equal(wire_get_bool(root, "t", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(wire_get_bool(root, "f", &b), 0);
	assert_int_equal(b, 0);

	assert_non_null(a = wire_get_array(root, "ints"));
	assert_int_equal(wire_len(a), TEST_NINTS);
	for (i = 0; i < TEST_NINTS; i++) {
		assert_int_equal(wire_int(wire_array_at(a, i), &n), 0);
		assert_true(n == test_ints[i]);
	}
	assert_null(wire_array_at(a, TEST_NINTS));

	assert_int_equal(wire_get_double(root, "pi", &d), 0);
	assert_true(d == 3.25);
	assert_int_equal(wire_get_double(root, "i", &d), 0);
	assert_true(d == -7.0);
	assert_int_equal(wire_type(wire_map_get(root, "pi")), WIRE_DOUBLE);

	assert_non_null(a = wire_get_array(root, "strs"));
	for (i = 0; i < TEST_NSTRS; i++) {
		v = wire_array_at(a, i);
		assert_int_equal(wire_str(v, &s, &len), 0);
		assert_int_equal(len, test_strlens[i]);
		expect = test_string(test_strlens[i]);
		assert_memory_equal(s, expect, len == 0 ? 1 : len);
		str = wire_strdup(v);
		assert_string_equal(str, expect);
		free(str);
		free(expect);
	}

	assert_int_equal(wire_get_str(root, "s", &str), 0);
	assert_string_equal(str, "hello");
	free(str);
	assert_int_equal(wire_get_int(root, "i", &n), 0);
	assert_true(n == -7);
	assert_int_equal(wire_get_str(root, "null", &str), -1);
	assert_null(str);
	assert_non_null(v = wire_get_map(root, "raw"));
	assert_int_equal(wire_get_int(v, "deep", &n), 0);
	assert_true(n == 42);
	assert_non_null(v = wire_get_array(root, "empty"));
	assert_int_equal(wire_len(v), 0);

	wire_msg_release(&msg);
	wire_writer_release(&w);
}

/* Formats the writer does not produce, by hand. */
static const unsigned char test_formats[] = {
	0x8a,
	0xa2, 'b', '8', 0xc4, 0x02, 0x01, 0x02,
	0xa3, 'b', '1', '6', 0xc5, 0x00, 0x01, 0x07,
	0xa3, 'b', '3', '2', 0xc6, 0x00, 0x00, 0x00, 0x01, 0x08,
	0xa2, 'e', '8', 0xc7, 0x01, 0x05, 0x09,
	0xa3, 'e', '1', '6', 0xc8, 0x00, 0x01, 0x05, 0x09,
	0xa3, 'e', '3', '2', 0xc9, 0x00, 0x00, 0x00, 0x00, 0x05,
	0xa2, 'f', 'x', 0xd4, 0x01, 0x02,
	0xa3, 'f', '3', '2', 0xca, 0x3f, 0xc0, 0x00, 0x00,
	0xa3, 's', '1', '6', 0xda, 0x00, 0x01, 'x',
	0xa3, 'm', '1', '6', 0xde, 0x00, 0x01, 0xa1, 'k',
	    0xdc, 0x00, 0x02, 0xd0, 0x80, 0xcc, 0xff
};

static void
test_other_formats(void **state)
{
	static const unsigned char fixext[] = { 0xd5, 1, 2, 3, 0xd6, 1, 1, 2,
	    3, 4, 0xd7, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xd8, 1, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct wire_msg		 msg;
	const msgpack_object	*v, *a;
	const char		*cause;
	char			*s;
	size_t			 used, off;
	double			 d;
	int64_t			 n;

	(void)state;
	assert_int_equal(wire_decode(test_formats, sizeof test_formats, &msg, &used, &cause),
	    1);
	assert_int_equal(used, sizeof test_formats);
	assert_int_equal(wire_type(wire_map_get(msg.root, "b8")), WIRE_BIN);
	assert_int_equal(wire_len(wire_map_get(msg.root, "b8")), 2);
	assert_int_equal(wire_len(wire_map_get(msg.root, "b32")), 1);
	assert_int_equal(wire_type(wire_map_get(msg.root, "e8")), WIRE_OTHER);
	assert_int_equal(wire_type(wire_map_get(msg.root, "fx")), WIRE_OTHER);
	assert_int_equal(wire_get_double(msg.root, "f32", &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(wire_get_str(msg.root, "b8", &s), -2);
	assert_null(s);
	v = wire_get_map(msg.root, "m16");
	assert_non_null(a = wire_get_array(v, "k"));
	assert_int_equal(wire_int(wire_array_at(a, 0), &n), 0);
	assert_true(n == -128);
	assert_int_equal(wire_int(wire_array_at(a, 1), &n), 0);
	assert_true(n == 255);
	wire_msg_release(&msg);

	/* fixext 2, 4, 8, 16 back to back. */
	for (off = 0; off < sizeof fixext; off += used) {
		assert_int_equal(wire_scan(fixext + off, sizeof fixext - off,
		    &used, &cause), 1);
		assert_int_equal(wire_decode(fixext + off, sizeof fixext - off,
		    &msg, NULL, &cause), 1);
		assert_int_equal(wire_type(msg.root), WIRE_OTHER);
		wire_msg_release(&msg);
	}
	assert_int_equal(off, sizeof fixext);
}

static void
test_scan_truncated(void **state)
{
	struct wire_writer	 w;
	struct wire_msg		 msg;
	const char		*buf, *cause;
	char			*two;
	size_t			 len, i, used;

	(void)state;
	wire_writer_init(&w);
	test_write_all(&w);
	buf = wire_writer_data(&w, &len);
	for (i = 0; i < len; i++) {
		cause = NULL;
		if (wire_scan(buf, i, &used, &cause) != 0)
			fail_msg("prefix of %zu of %zu bytes: not 0", i, len);
		if (wire_decode(buf, i, &msg, &used, &cause) != 0)
			fail_msg("decode of %zu of %zu bytes: not 0", i, len);
		wire_msg_release(&msg);
	}
	assert_int_equal(wire_scan(buf, len, &used, &cause), 1);
	assert_int_equal(used, len);

	/* Two messages: the first is found, the rest left. */
	two = xmalloc(len * 2);
	memcpy(two, buf, len);
	memcpy(two + len, buf, len);
	assert_int_equal(wire_scan(two, len * 2, &used, &cause), 1);
	assert_int_equal(used, len);
	assert_int_equal(wire_scan(two + used, len, &used, &cause), 1);
	free(two);
	wire_writer_release(&w);

	assert_int_equal(wire_scan("", 0, &used, &cause), 0);
	assert_int_equal(wire_scan(NULL, 0, NULL, NULL), 0);
}

/* n nested one-element arrays around nil. */
static unsigned char *
test_nested(size_t n, size_t *len)
{
	unsigned char	*buf = xmalloc(n + 1);

	memset(buf, 0x91, n);
	buf[n] = 0xc0;
	*len = n + 1;
	return (buf);
}

static void
test_hostile(void **state)
{
	static const unsigned char c1[] = { 0xc1 };
	static const unsigned char c1_inside[] = { 0x92, 0x01, 0xc1 };
	static const unsigned char array32[] = { 0xdd, 0xff, 0xff, 0xff,
	    0xff };
	static const unsigned char map32[] = { 0xdf, 0xff, 0xff, 0xff, 0xff,
	    0xc0 };
	static const unsigned char str32_huge[] = { 0xdb, 0xff, 0xff, 0xff,
	    0xff, 'a' };
	static const unsigned char bin32_huge[] = { 0xc6, 0x7f, 0xff, 0xff,
	    0xff };
	static const unsigned char ext32_huge[] = { 0xc9, 0x10, 0x00, 0x00,
	    0x01, 0x01 };
	static const unsigned char str32_short[] = { 0xdb, 0x00, 0x00, 0x10,
	    0x00, 'a', 'b', 'c' };
	static const unsigned char array16_short[] = { 0xdc, 0x10, 0x00,
	    0x01 };
	static const unsigned char in_map[] = { 0x81, 0xa1, 'k', 0xdd, 0xff,
	    0xff, 0xff, 0xff };
	struct wire_msg		 msg;
	unsigned char		*buf;
	const char		*cause;
	size_t			 len, used;

	(void)state;
	cause = NULL;
	assert_int_equal(wire_scan(c1, sizeof c1, &used, &cause), -1);
	assert_non_null(cause);
	assert_int_equal(wire_scan(c1_inside, sizeof c1_inside, &used,
	    &cause), -1);
	assert_int_equal(wire_decode(c1, sizeof c1, &msg, &used, &cause), -1);
	wire_msg_release(&msg);

	assert_int_equal(wire_scan(array32, sizeof array32, &used, &cause),
	    -1);
	assert_int_equal(wire_decode(array32, sizeof array32, &msg, &used,
	    &cause), -1);
	wire_msg_release(&msg);
	assert_int_equal(wire_scan(map32, sizeof map32, &used, &cause), -1);
	assert_int_equal(wire_scan(in_map, sizeof in_map, &used, &cause), -1);
	assert_int_equal(wire_scan(str32_huge, sizeof str32_huge, &used,
	    &cause), -1);
	assert_int_equal(wire_scan(bin32_huge, sizeof bin32_huge, &used,
	    &cause), -1);
	assert_int_equal(wire_scan(ext32_huge, sizeof ext32_huge, &used,
	    &cause), -1);

	/* Plausible lengths, bytes missing: wait for more. */
	assert_int_equal(wire_scan(str32_short, sizeof str32_short, &used,
	    &cause), 0);
	assert_int_equal(wire_decode(str32_short, sizeof str32_short, &msg,
	    &used, &cause), 0);
	wire_msg_release(&msg);
	assert_int_equal(wire_scan(array16_short, sizeof array16_short, &used,
	    &cause), 0);

	/* Depth: WIRE_MAX_DEPTH containers are fine, one more is not. */
	buf = test_nested(WIRE_MAX_DEPTH, &len);
	assert_int_equal(wire_scan(buf, len, &used, &cause), 1);
	assert_int_equal(wire_decode(buf, len, &msg, &used, &cause), 1);
	wire_msg_release(&msg);
	free(buf);
	buf = test_nested(WIRE_MAX_DEPTH + 1, &len);
	assert_int_equal(wire_scan(buf, len, &used, &cause), -1);
	free(buf);
	buf = test_nested(100, &len);
	assert_int_equal(wire_scan(buf, len, &used, &cause), -1);
	assert_int_equal(wire_decode(buf, len, &msg, &used, &cause), -1);
	wire_msg_release(&msg);
	/* Too deep is refused before the bytes are all there. */
	assert_int_equal(wire_scan(buf, 50, &used, &cause), -1);
	free(buf);
}

/* An array32 header for n values, then n nils: a reply of tiny objects. */
static unsigned char *
test_nils(size_t n, size_t *len)
{
	unsigned char	*buf;

	*len = 5 + n;
	buf = xmalloc(*len);
	buf[0] = 0xdd;
	buf[1] = (n >> 24) & 0xff;
	buf[2] = (n >> 16) & 0xff;
	buf[3] = (n >> 8) & 0xff;
	buf[4] = n & 0xff;
	memset(buf + 5, 0xc0, n);
	return (buf);
}

static void
test_decoded_bound(void **state)
{
	struct wire_msg	 msg;
	unsigned char	*buf;
	const char	*cause;
	size_t		 len, used, size, n, most;

	(void)state;
	/* Most values that fit: bytes plus WIRE_VALUE_COST each. */
	most = (WIRE_DECODED_MAX - 5) / (WIRE_VALUE_COST + 1) - 1;

	buf = test_nils(most, &len);
	assert_int_equal(wire_scan_size(buf, len, &used, &size, &cause), 1);
	assert_int_equal(used, len);
	assert_int_equal(size, len + (most + 1) * WIRE_VALUE_COST);
	assert_true(size <= WIRE_DECODED_MAX);
	assert_int_equal(wire_decode(buf, len, &msg, &used, &cause), 1);
	assert_int_equal(msg.size, size);
	assert_int_equal(wire_len(msg.root), most);
	wire_msg_release(&msg);
	assert_int_equal(msg.size, 0);
	free(buf);

	/* One more is refused, by scan and decode alike. */
	buf = test_nils(most + 1, &len);
	cause = NULL;
	assert_int_equal(wire_scan(buf, len, &used, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "too many values"));
	assert_int_equal(wire_decode(buf, len, &msg, &used, &cause), -1);
	wire_msg_release(&msg);
	free(buf);

	/* 16 M nils: refused from the header, before the values arrive. */
	n = 16 * 1024 * 1024 - 16;
	buf = test_nils(n, &len);
	assert_int_equal(wire_scan(buf, 5, &used, &cause), -1);
	assert_int_equal(wire_scan(buf, len, &used, &cause), -1);
	free(buf);

	/* A 16 MiB string is a few values: fine. */
	len = 5 + 16 * 1024 * 1024 - 16;
	buf = xmalloc(len);
	buf[0] = 0xdb;
	buf[1] = 0x00;
	buf[2] = 0xff;
	buf[3] = 0xff;
	buf[4] = 0xf0;
	memset(buf + 5, 'x', len - 5);
	assert_int_equal(wire_scan_size(buf, len, &used, &size, &cause), 1);
	assert_int_equal(size, len + WIRE_VALUE_COST);
	assert_int_equal(wire_decode(buf, len, &msg, &used, &cause), 1);
	wire_msg_release(&msg);
	free(buf);
}

static void
test_strdup_nul(void **state)
{
	struct wire_writer	 w;
	struct wire_msg		 msg;
	const char		*buf, *cause;
	char			*s;
	size_t			 len;

	(void)state;
	wire_writer_init(&w);
	wire_put_map(&w, 3);
	wire_put_kstrn(&w, "nul", "ab\0cd", 5);
	wire_put_kstr(&w, "ok", "abcd");
	wire_put_kint(&w, "int", 1);
	buf = wire_writer_data(&w, &len);
	assert_int_equal(wire_decode(buf, len, &msg, NULL, &cause), 1);

	assert_null(wire_strdup(wire_map_get(msg.root, "nul")));
	assert_int_equal(wire_get_str(msg.root, "nul", &s), -2);
	assert_null(s);
	assert_null(wire_strdup(wire_map_get(msg.root, "int")));
	assert_null(wire_strdup(NULL));
	s = wire_strdup(wire_map_get(msg.root, "ok"));
	assert_string_equal(s, "abcd");
	free(s);

	wire_msg_release(&msg);
	wire_writer_release(&w);
}

static void
test_getters(void **state)
{
	static const unsigned char u64[] = { 0x82, 0xa1, 'u', 0xcf, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02 };
	struct wire_writer	 w;
	struct wire_msg		 msg;
	const msgpack_object	*v;
	const char		*buf, *cause, *k;
	char			*s;
	size_t			 len, klen;
	int64_t			 n;
	double			 d;
	int			 b;

	(void)state;
	wire_writer_init(&w);
	wire_put_map(&w, 4);
	wire_put_kstr(&w, "s", "x");
	wire_put_kint(&w, "i", 5);
	wire_put_str(&w, "n");
	wire_put_nil(&w);
	wire_put_int(&w, 7);		/* a key that is not a string */
	wire_put_bool(&w, 1);
	buf = wire_writer_data(&w, &len);
	assert_int_equal(wire_decode(buf, len, &msg, NULL, &cause), 1);

	assert_int_equal(wire_get_int(msg.root, "s", &n), -2);
	assert_int_equal(wire_get_bool(msg.root, "s", &b), -2);
	assert_int_equal(wire_get_double(msg.root, "s", &d), -2);
	assert_int_equal(wire_get_str(msg.root, "i", &s), -2);
	assert_int_equal(wire_get_int(msg.root, "missing", &n), -1);
	assert_int_equal(wire_get_int(msg.root, "n", &n), -1);
	assert_int_equal(wire_get_bool(msg.root, "n", &b), -1);
	assert_null(wire_get_map(msg.root, "s"));
	assert_null(wire_get_array(msg.root, "s"));
	assert_null(wire_get_map(msg.root, "n"));
	assert_null(wire_map_get(wire_map_get(msg.root, "s"), "x"));
	assert_int_equal(wire_get_int(wire_map_get(msg.root, "s"), "x", &n),
	    -1);

	assert_int_equal(wire_map_at(msg.root, 0, &k, &klen, &v), 0);
	assert_int_equal(klen, 1);
	assert_memory_equal(k, "s", 1);
	assert_int_equal(wire_map_at(msg.root, 3, &k, &klen, &v), -1);
	assert_int_equal(wire_map_at(msg.root, 4, &k, &klen, &v), -1);
	assert_int_equal(wire_map_at(wire_map_get(msg.root, "i"), 0, &k,
	    &klen, &v), -1);
	assert_int_equal(wire_len(wire_map_get(msg.root, "i")), 0);
	assert_null(wire_array_at(msg.root, 0));

	assert_string_equal(wire_type_name(WIRE_STR), "string");
	assert_string_equal(wire_type_name(WIRE_MAP), "map");
	assert_string_equal(wire_type_name(WIRE_INT), "integer");
	wire_msg_release(&msg);

	/* An unsigned 64-bit value above INT64_MAX does not fit. */
	assert_int_equal(wire_decode(u64, sizeof u64, &msg, NULL, &cause), 1);
	assert_int_equal(wire_get_int(msg.root, "u", &n), -2);
	assert_int_equal(wire_get_double(msg.root, "u", &d), 0);
	wire_msg_release(&msg);

	/* Reset keeps nothing of what was written. */
	wire_writer_reset(&w);
	wire_writer_data(&w, &len);
	assert_int_equal(len, 0);
	wire_put_nil(&w);
	buf = wire_writer_data(&w, &len);
	assert_int_equal(len, 1);
	assert_int_equal((unsigned char)buf[0], 0xc0);
	wire_writer_release(&w);

	wire_writer_init(&w);
	buf = wire_writer_data(&w, &len);
	assert_non_null(buf);
	assert_int_equal(len, 0);
	wire_writer_release(&w);
}

static void
test_put_object(void **state)
{
	struct wire_writer	 w, w2;
	struct wire_msg		 msg;
	const char		*buf, *buf2, *cause;
	size_t			 len, len2;

	(void)state;
	wire_writer_init(&w);
	test_write_all(&w);
	buf = wire_writer_data(&w, &len);
	assert_int_equal(wire_decode(buf, len, &msg, NULL, &cause), 1);

	wire_writer_init(&w2);
	wire_put_object(&w2, msg.root);
	buf2 = wire_writer_data(&w2, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);

	wire_msg_release(&msg);
	wire_writer_release(&w2);
	wire_writer_release(&w);
}

/* Read the next value and check it against its decoded twin, whole. */
static void
test_walk(struct wire_reader *r, const msgpack_object *o)
{
	struct wire_item	a, b;
	uint32_t		i;

	assert_int_equal(wire_read(r, &a), 0);
	wire_item_of(o, &b);
	assert_int_equal(a.type, b.type);
	switch (a.type) {
	case WIRE_INT:
		assert_true(a.i == b.i);
		break;
	case WIRE_DOUBLE:
		assert_true(a.d == b.d);
		break;
	case WIRE_BOOL:
		assert_int_equal(a.b, b.b);
		break;
	case WIRE_STR:
		assert_int_equal(a.n, b.n);
		if (a.n > 0)
			assert_memory_equal(a.s, b.s, a.n);
		break;
	case WIRE_BIN:
		assert_int_equal(a.n, wire_len(o));
		break;
	case WIRE_ARRAY:
		assert_int_equal(a.n, b.n);
		for (i = 0; i < o->via.array.size; i++)
			test_walk(r, &o->via.array.ptr[i]);
		break;
	case WIRE_MAP:
		assert_int_equal(a.n, b.n);
		for (i = 0; i < o->via.map.size; i++) {
			test_walk(r, &o->via.map.ptr[i].key);
			test_walk(r, &o->via.map.ptr[i].val);
		}
		break;
	}
}

/* Read values until the end or an error; never past the bytes. */
static void
test_drain(const void *buf, size_t len)
{
	struct wire_reader	r;
	struct wire_item	it;

	wire_reader_init(&r, buf, len);
	while (r.pos < len && wire_read(&r, &it) == 0)
		assert_true(r.pos <= len);
	assert_true(r.pos <= len);
}

/*
 * The in-place reader gives what the decoder gives, value for value, for
 * every format; cut short anywhere it stops at the end; an integer past
 * int64 and the reserved byte are refused.
 */
static void
test_reader(void **state)
{
	static const unsigned char big[] = { 0xcf, 0x80, 0, 0, 0, 0, 0, 0,
	    0 };
	static const unsigned char ext[] = { 0x92, 0xd4, 0x01, 0x02, 0x07 };
	struct wire_writer	 w;
	struct wire_reader	 r;
	struct wire_item	 it;
	struct wire_msg		 msg;
	const char		*buf, *cause;
	char			*copy;
	size_t			 len, cut;

	(void)state;
	wire_writer_init(&w);
	test_write_all(&w);
	buf = wire_writer_data(&w, &len);
	assert_int_equal(wire_decode(buf, len, &msg, NULL, &cause), 1);
	wire_reader_init(&r, buf, len);
	test_walk(&r, msg.root);
	assert_int_equal(r.pos, len);
	wire_msg_release(&msg);
	assert_int_equal(wire_decode(test_formats, sizeof test_formats, &msg,
	    NULL, &cause), 1);
	wire_reader_init(&r, test_formats, sizeof test_formats);
	test_walk(&r, msg.root);
	assert_int_equal(r.pos, sizeof test_formats);
	wire_msg_release(&msg);

	/* Skipping a whole container lands where walking it does. */
	wire_reader_init(&r, buf, len);
	assert_int_equal(wire_read_skip(&r), 0);
	assert_int_equal(r.pos, len);

	/* Cut short: each prefix in its own buffer, for ASan to watch. */
	for (cut = 0; cut < len; cut += 1 + cut / 64) {
		copy = xmalloc(cut + 1);
		memcpy(copy, buf, cut);
		test_drain(copy, cut);
		free(copy);
	}
	wire_writer_release(&w);

	wire_reader_init(&r, big, sizeof big);
	assert_int_equal(wire_read(&r, &it), -1);
	wire_reader_init(&r, "\xc1", 1);
	assert_int_equal(wire_read(&r, &it), -1);
	wire_reader_init(&r, ext, sizeof ext);
	assert_int_equal(wire_read(&r, &it), 0);
	assert_int_equal(it.type, WIRE_ARRAY);
	assert_int_equal(wire_read(&r, &it), 0);
	assert_int_equal(it.type, WIRE_OTHER);	/* the ext, skipped */
	assert_int_equal(wire_read(&r, &it), 0);
	assert_true(it.type == WIRE_INT && it.i == 7);
	assert_int_equal(r.pos, sizeof ext);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_other_formats),
		cmocka_unit_test(test_scan_truncated),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_decoded_bound),
		cmocka_unit_test(test_strdup_nul),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_put_object),
		cmocka_unit_test(test_reader),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
