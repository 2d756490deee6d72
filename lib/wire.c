/*
 * wire.c: the msgpack codec of both programs (see wire.h).
 *
 * Writing goes through msgpack-c's packer into a buffer that grows with
 * xreallocarray, so a put cannot fail. Reading is in two steps: wire_scan()
 * is our own walker over the bytes, allocation-free and bounded, and only
 * an object it found whole and well formed is handed to msgpack-c's
 * unpacker, which then allocates in proportion to the bytes it was given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "log.h"
#include "wire.h"
#include "xmalloc.h"

/*
 * No length or element count can exceed the largest message: a count above
 * this is malformed at once, whatever has arrived so far.
 */
#define WIRE_SCAN_MAX_COUNT	(16 * 1024 * 1024)

/* WIRE_VALUE_COST must not undercount what the unpacker allocates. */
_Static_assert(sizeof(msgpack_object) <= WIRE_VALUE_COST,
    "msgpack_object is larger than WIRE_VALUE_COST");

/* The packer's write callback: append to the writer's buffer. */
static int
wire_write_cb(void *data, const char *buf, size_t len)
{
	msgpack_sbuffer	*sbuf = data;
	size_t		 size;

	if (len == 0)
		return (0);
	if (sbuf->alloc - sbuf->size < len) {
		size = sbuf->alloc != 0 ? sbuf->alloc : 8192;
		while (size - sbuf->size < len) {
			if (size > SIZE_MAX / 2)
				fatalx("wire buffer too large");
			size *= 2;
		}
		sbuf->data = xreallocarray(sbuf->data, 1, size);
		sbuf->alloc = size;
	}
	memcpy(sbuf->data + sbuf->size, buf, len);
	sbuf->size += len;
	return (0);
}

/* The packer, pointed at the buffer again in case the writer was moved. */
static msgpack_packer *
wire_pk(struct wire_writer *w)
{
	msgpack_packer_init(&w->pk, &w->sbuf, wire_write_cb);
	return (&w->pk);
}

/* Start an empty writer. */
void
wire_writer_init(struct wire_writer *w)
{
	memset(w, 0, sizeof *w);
	msgpack_sbuffer_init(&w->sbuf);
	wire_pk(w);
}

/* Free the writer's buffer. */
void
wire_writer_release(struct wire_writer *w)
{
	free(w->sbuf.data);
	memset(w, 0, sizeof *w);
}

/* Forget the bytes written, keeping the allocation. */
void
wire_writer_reset(struct wire_writer *w)
{
	w->sbuf.size = 0;
}

/* The bytes written so far and their length. */
const char *
wire_writer_data(const struct wire_writer *w, size_t *len)
{
	if (len != NULL)
		*len = w->sbuf.size;
	if (w->sbuf.data == NULL)
		return ("");
	return (w->sbuf.data);
}

/* A map header: the count of key/value pairs that follow. */
void
wire_put_map(struct wire_writer *w, size_t n)
{
	if (n > UINT32_MAX)
		fatalx("%s: map of %zu pairs", __func__, n);
	msgpack_pack_map(wire_pk(w), n);
}

/* An array header: the count of elements that follow. */
void
wire_put_array(struct wire_writer *w, size_t n)
{
	if (n > UINT32_MAX)
		fatalx("%s: array of %zu elements", __func__, n);
	msgpack_pack_array(wire_pk(w), n);
}

/* A string, or nil for NULL. */
void
wire_put_str(struct wire_writer *w, const char *s)
{
	if (s == NULL)
		wire_put_nil(w);
	else
		wire_put_strn(w, s, strlen(s));
}

/* A string of len bytes (any bytes). */
void
wire_put_strn(struct wire_writer *w, const char *s, size_t len)
{
	msgpack_packer	*pk = wire_pk(w);

	if (len > UINT32_MAX)
		fatalx("%s: string of %zu bytes", __func__, len);
	msgpack_pack_str(pk, len);
	if (len != 0)
		msgpack_pack_str_body(pk, s, len);
}

/* An integer, in its smallest form. */
void
wire_put_int(struct wire_writer *w, int64_t i)
{
	msgpack_pack_int64(wire_pk(w), i);
}

/* A float64. */
void
wire_put_double(struct wire_writer *w, double d)
{
	msgpack_pack_double(wire_pk(w), d);
}

/* true or false. */
void
wire_put_bool(struct wire_writer *w, int b)
{
	if (b)
		msgpack_pack_true(wire_pk(w));
	else
		msgpack_pack_false(wire_pk(w));
}

/* nil. */
void
wire_put_nil(struct wire_writer *w)
{
	msgpack_pack_nil(wire_pk(w));
}

/* Bytes already holding one encoded object. */
void
wire_put_raw(struct wire_writer *w, const void *buf, size_t len)
{
	wire_write_cb(&w->sbuf, buf, len);
}

/* A decoded object, re-packed as it is. */
void
wire_put_object(struct wire_writer *w, const msgpack_object *o)
{
	if (o == NULL)
		wire_put_nil(w);
	else
		msgpack_pack_object(wire_pk(w), *o);
}

/* Key and string value (NULL: nil). */
void
wire_put_kstr(struct wire_writer *w, const char *k, const char *v)
{
	wire_put_str(w, k);
	wire_put_str(w, v);
}

/* Key and a string value of len bytes. */
void
wire_put_kstrn(struct wire_writer *w, const char *k, const char *v,
    size_t len)
{
	wire_put_str(w, k);
	wire_put_strn(w, v, len);
}

/* Key and integer value. */
void
wire_put_kint(struct wire_writer *w, const char *k, int64_t v)
{
	wire_put_str(w, k);
	wire_put_int(w, v);
}

/* Key and float value. */
void
wire_put_kdouble(struct wire_writer *w, const char *k, double v)
{
	wire_put_str(w, k);
	wire_put_double(w, v);
}

/* Key and boolean value. */
void
wire_put_kbool(struct wire_writer *w, const char *k, int v)
{
	wire_put_str(w, k);
	wire_put_bool(w, v);
}

/* A big-endian length of n bytes (1, 2 or 4). */
static uint64_t
wire_be(const unsigned char *p, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return (v);
}

/*
 * Walk one object. A stack holds how many objects each open container
 * still expects (top level: one); each header read consumes one of them.
 * Lengths and counts are checked against WIRE_SCAN_MAX_COUNT as soon as
 * their header is complete, before any wait for more bytes, so a hostile
 * count is refused without reading what it claims. The values announced so
 * far (counted at their container's header) and the bytes up to the end of
 * the current value give the decoded size, checked the same way.
 */
int
wire_scan(const void *buf, size_t len, size_t *used, const char **cause)
{
	return (wire_scan_size(buf, len, used, NULL, cause));
}

/* wire_scan, and the memory the object takes once decoded. */
int
wire_scan_size(const void *buf, size_t len, size_t *used, size_t *size,
    const char **cause)
{
	const unsigned char	*p = buf;
	uint64_t		 left[WIRE_MAX_DEPTH + 1];
	uint64_t		 n, body, values = 1, decoded = 0;
	size_t			 pos = 0, hdr, lenbytes;
	int			 depth = 0, container;
	unsigned char		 c;
	const char		*dummy;

	if (cause == NULL)
		cause = &dummy;
	*cause = NULL;
	left[0] = 1;
	for (;;) {
		while (depth > 0 && left[depth] == 0)
			depth--;
		if (left[depth] == 0)
			break;
		left[depth]--;

		if (pos >= len)
			return (0);
		c = p[pos];
		hdr = 1;
		lenbytes = 0;
		body = 0;
		container = 0;	/* 1 array, 2 map (two objects a pair) */
		n = 0;

		if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 ||
		    c == 0xc3)
			;	/* fixint, nil, bool: one byte */
		else if (c >= 0x80 && c <= 0x8f) {
			container = 2;
			n = c & 0x0f;
		} else if (c >= 0x90 && c <= 0x9f) {
			container = 1;
			n = c & 0x0f;
		} else if (c >= 0xa0 && c <= 0xbf)
			body = c & 0x1f;
		else {
			switch (c) {
			case 0xc4:	/* bin 8, 16, 32 */
			case 0xd9:	/* str 8, 16, 32 */
				lenbytes = 1;
				break;
			case 0xc5:
			case 0xda:
				lenbytes = 2;
				break;
			case 0xc6:
			case 0xdb:
				lenbytes = 4;
				break;
			case 0xc7:	/* ext 8, 16, 32: length, type */
				lenbytes = 1;
				hdr = 2;
				break;
			case 0xc8:
				lenbytes = 2;
				hdr = 2;
				break;
			case 0xc9:
				lenbytes = 4;
				hdr = 2;
				break;
			case 0xca:	/* float 32 */
				hdr = 5;
				break;
			case 0xcb:	/* float 64 */
				hdr = 9;
				break;
			case 0xcc:	/* uint, int 8 16 32 64 */
			case 0xd0:
				hdr = 2;
				break;
			case 0xcd:
			case 0xd1:
				hdr = 3;
				break;
			case 0xce:
			case 0xd2:
				hdr = 5;
				break;
			case 0xcf:
			case 0xd3:
				hdr = 9;
				break;
			case 0xd4:	/* fixext 1 2 4 8 16: type, data */
				hdr = 3;
				break;
			case 0xd5:
				hdr = 4;
				break;
			case 0xd6:
				hdr = 6;
				break;
			case 0xd7:
				hdr = 10;
				break;
			case 0xd8:
				hdr = 18;
				break;
			case 0xdc:	/* array 16, 32 */
				lenbytes = 2;
				container = 1;
				break;
			case 0xdd:
				lenbytes = 4;
				container = 1;
				break;
			case 0xde:	/* map 16, 32 */
				lenbytes = 2;
				container = 2;
				break;
			case 0xdf:
				lenbytes = 4;
				container = 2;
				break;
			default:	/* 0xc1 */
				*cause = "reserved byte 0xc1";
				return (-1);
			}
			hdr += lenbytes;
			if (lenbytes != 0) {
				if (len - pos < 1 + lenbytes)
					return (0);
				n = wire_be(p + pos + 1, lenbytes);
				if (!container)
					body = n;
			}
		}

		if (n > WIRE_SCAN_MAX_COUNT) {
			*cause = container ? "container count too large" :
			    "length too large";
			return (-1);
		}
		if (container) {
			if (depth >= WIRE_MAX_DEPTH) {
				*cause = "nesting too deep";
				return (-1);
			}
			left[++depth] = container == 2 ? n * 2 : n;
			values += left[depth];
		}
		/* Both terms are below 2^40: no overflow. */
		decoded = pos + hdr + body + values * WIRE_VALUE_COST;
		if (decoded > WIRE_DECODED_MAX) {
			*cause = "too many values: over 64 MiB once decoded";
			return (-1);
		}
		if (len - pos < hdr || len - pos - hdr < body)
			return (0);
		pos += hdr + body;
	}
	if (used != NULL)
		*used = pos;
	if (size != NULL)
		*size = decoded;
	return (1);
}

/*
 * Decode one object. The unpacker points strings into the bytes it is
 * given, so it gets a copy in the message's own zone: the objects then
 * live exactly as long as the message, whatever the caller does with buf.
 * The zone is sized to what the message decodes into, so it is one
 * allocation (msgpack-c's default is 8 KiB chunks), which matters when a
 * thousand replies are held at once, and msg->size says what it holds.
 */
int
wire_decode(const void *buf, size_t len, struct wire_msg *msg, size_t *used,
    const char **cause)
{
	msgpack_unpack_return	 ur;
	msgpack_zone		*zone;
	size_t			 n, size, off = 0;
	char			*copy;
	const char		*dummy;
	int			 r;

	if (cause == NULL)
		cause = &dummy;
	memset(msg, 0, sizeof *msg);
	msgpack_unpacked_init(&msg->unpacked);
	if ((r = wire_scan_size(buf, len, &n, &size, cause)) != 1)
		return (r);

	zone = msgpack_zone_new(size + 256);
	if (zone == NULL || (copy = msgpack_zone_malloc(zone, n)) == NULL) {
		if (zone != NULL)
			msgpack_zone_free(zone);
		*cause = "out of memory";
		return (-1);
	}
	msg->unpacked.zone = zone;
	memcpy(copy, buf, n);
	ur = msgpack_unpack(copy, n, &off, zone, &msg->unpacked.data);
	if (ur != MSGPACK_UNPACK_SUCCESS || off != n) {
		wire_msg_release(msg);
		*cause = ur == MSGPACK_UNPACK_NOMEM_ERROR ?
		    "out of memory or nesting too deep" : "malformed msgpack";
		return (-1);
	}
	msg->root = &msg->unpacked.data;
	msg->size = size;
	if (used != NULL)
		*used = n;
	return (1);
}

void
wire_reader_init(struct wire_reader *r, const void *buf, size_t len)
{
	r->p = buf;
	r->len = len;
	r->pos = 0;
}

int
wire_read(struct wire_reader *r, struct wire_item *it)
{
	const unsigned char	*p = r->p + r->pos;
	size_t			 left = r->len - r->pos, hdr = 1, body = 0;
	uint64_t		 u;
	uint32_t		 f32;
	uint64_t		 f64;
	float			 f;
	unsigned char		 c;

	if (left == 0)
		return (-1);
	c = p[0];
	/* The common case first: a short string (a key, a name). */
	if (c >= 0xa0 && c <= 0xbf) {
		body = c & 0x1f;
		if (left - 1 < body)
			return (-1);
		it->type = WIRE_STR;
		it->s = (const char *)p + 1;
		it->n = body;
		r->pos += 1 + body;
		return (0);
	}
	memset(it, 0, sizeof *it);
	if (c <= 0x7f) {
		it->type = WIRE_INT;
		it->i = c;
	} else if (c >= 0xe0) {
		it->type = WIRE_INT;
		it->i = (int8_t)c;
	} else if (c <= 0x8f) {
		it->type = WIRE_MAP;
		it->n = c & 0x0f;
	} else if (c <= 0x9f) {
		it->type = WIRE_ARRAY;
		it->n = c & 0x0f;
	} else if (c <= 0xbf) {
		it->type = WIRE_STR;
		body = c & 0x1f;
	} else if (c == 0xc0)
		it->type = WIRE_NIL;
	else if (c == 0xc2 || c == 0xc3) {
		it->type = WIRE_BOOL;
		it->b = c == 0xc3;
	} else if (c == 0xd9 || c == 0xda || c == 0xdb ||
	    c == 0xc4 || c == 0xc5 || c == 0xc6) {
		it->type = c >= 0xd9 ? WIRE_STR : WIRE_BIN;
		hdr = 1 + ((size_t)1 << (c >= 0xd9 ? c - 0xd9 : c - 0xc4));
		if (left < hdr)
			return (-1);
		body = (size_t)wire_be(p + 1, hdr - 1);
	} else if (c == 0xdc || c == 0xdd || c == 0xde || c == 0xdf) {
		it->type = c <= 0xdd ? WIRE_ARRAY : WIRE_MAP;
		hdr = c == 0xdc || c == 0xde ? 3 : 5;
		if (left < hdr)
			return (-1);
		it->n = (size_t)wire_be(p + 1, hdr - 1);
	} else if (c >= 0xcc && c <= 0xd3) {
		/* uint 8 16 32 64, then int 8 16 32 64 */
		hdr = 1 + ((size_t)1 << ((c - 0xcc) & 3));
		if (left < hdr)
			return (-1);
		u = wire_be(p + 1, hdr - 1);
		it->type = WIRE_INT;
		if (c <= 0xcf) {
			if (u > INT64_MAX)
				return (-1);
			it->i = (int64_t)u;
		} else if (hdr == 2)
			it->i = (int8_t)u;
		else if (hdr == 3)
			it->i = (int16_t)u;
		else if (hdr == 5)
			it->i = (int32_t)u;
		else
			it->i = (int64_t)u;
	} else if (c == 0xca || c == 0xcb) {
		hdr = c == 0xca ? 5 : 9;
		if (left < hdr)
			return (-1);
		it->type = WIRE_DOUBLE;
		if (c == 0xca) {
			f32 = (uint32_t)wire_be(p + 1, 4);
			memcpy(&f, &f32, sizeof f);
			it->d = f;
		} else {
			f64 = wire_be(p + 1, 8);
			memcpy(&it->d, &f64, sizeof it->d);
		}
	} else {
		/* ext and the reserved byte: skipped whole, or refused. */
		it->type = WIRE_OTHER;
		return (wire_read_skip(r));
	}
	if (left - hdr < body)
		return (-1);
	it->s = (const char *)p + hdr;
	if (it->type == WIRE_STR || it->type == WIRE_BIN)
		it->n = body;
	r->pos += hdr + body;
	return (0);
}

int
wire_read_skip(struct wire_reader *r)
{
	size_t	used;

	if (wire_scan(r->p + r->pos, r->len - r->pos, &used, NULL) != 1)
		return (-1);
	r->pos += used;
	return (0);
}

void
wire_item_of(const msgpack_object *o, struct wire_item *it)
{
	memset(it, 0, sizeof *it);
	it->type = wire_type(o);
	switch (it->type) {
	case WIRE_BOOL:
		wire_bool(o, &it->b);
		break;
	case WIRE_INT:
		if (wire_int(o, &it->i) != 0)
			it->type = WIRE_OTHER;	/* past int64 */
		break;
	case WIRE_DOUBLE:
		wire_double(o, &it->d);
		break;
	case WIRE_STR:
		wire_str(o, &it->s, &it->n);
		break;
	case WIRE_ARRAY:
	case WIRE_MAP:
		it->n = wire_len(o);
		break;
	default:
		break;
	}
}

/* Free a decoded message (also one that failed to decode). */
void
wire_msg_release(struct wire_msg *msg)
{
	msgpack_unpacked_destroy(&msg->unpacked);
	msg->root = NULL;
	msg->size = 0;
}

/* The type of an object, in the codec's terms. */
enum wire_type
wire_type(const msgpack_object *o)
{
	if (o == NULL)
		return (WIRE_NIL);
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		return (WIRE_NIL);
	case MSGPACK_OBJECT_BOOLEAN:
		return (WIRE_BOOL);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return (WIRE_INT);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return (WIRE_DOUBLE);
	case MSGPACK_OBJECT_STR:
		return (WIRE_STR);
	case MSGPACK_OBJECT_BIN:
		return (WIRE_BIN);
	case MSGPACK_OBJECT_ARRAY:
		return (WIRE_ARRAY);
	case MSGPACK_OBJECT_MAP:
		return (WIRE_MAP);
	default:
		return (WIRE_OTHER);
	}
}

/* The name of a type, for messages ("string"). */
const char *
wire_type_name(enum wire_type t)
{
	switch (t) {
	case WIRE_NIL:
		return ("nil");
	case WIRE_BOOL:
		return ("boolean");
	case WIRE_INT:
		return ("integer");
	case WIRE_DOUBLE:
		return ("float");
	case WIRE_STR:
		return ("string");
	case WIRE_BIN:
		return ("binary");
	case WIRE_ARRAY:
		return ("array");
	case WIRE_MAP:
		return ("map");
	default:
		return ("other");
	}
}

/* Elements of an array or map, bytes of a string or binary. */
size_t
wire_len(const msgpack_object *o)
{
	if (o == NULL)
		return (0);
	switch (o->type) {
	case MSGPACK_OBJECT_ARRAY:
		return (o->via.array.size);
	case MSGPACK_OBJECT_MAP:
		return (o->via.map.size);
	case MSGPACK_OBJECT_STR:
		return (o->via.str.size);
	case MSGPACK_OBJECT_BIN:
		return (o->via.bin.size);
	default:
		return (0);
	}
}

/* Element i of an array. */
const msgpack_object *
wire_array_at(const msgpack_object *o, size_t i)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_ARRAY ||
	    i >= o->via.array.size)
		return (NULL);
	return (&o->via.array.ptr[i]);
}

/* Pair i of a map, with a string key. */
int
wire_map_at(const msgpack_object *o, size_t i, const char **key,
    size_t *keylen, const msgpack_object **val)
{
	const msgpack_object_kv	*kv;

	if (o == NULL || o->type != MSGPACK_OBJECT_MAP ||
	    i >= o->via.map.size)
		return (-1);
	kv = &o->via.map.ptr[i];
	if (kv->key.type != MSGPACK_OBJECT_STR)
		return (-1);
	if (key != NULL)
		*key = kv->key.via.str.ptr;
	if (keylen != NULL)
		*keylen = kv->key.via.str.size;
	if (val != NULL)
		*val = &kv->val;
	return (0);
}

/* The value of the first pair whose key is the string key. */
const msgpack_object *
wire_map_get(const msgpack_object *o, const char *key)
{
	const msgpack_object_kv	*kv;
	size_t			 i, klen;

	if (o == NULL || o->type != MSGPACK_OBJECT_MAP)
		return (NULL);
	klen = strlen(key);
	for (i = 0; i < o->via.map.size; i++) {
		kv = &o->via.map.ptr[i];
		if (kv->key.type == MSGPACK_OBJECT_STR &&
		    kv->key.via.str.size == klen &&
		    (klen == 0 || memcmp(kv->key.via.str.ptr, key, klen) == 0))
			return (&kv->val);
	}
	return (NULL);
}

/* A string's bytes (not terminated) and length. */
int
wire_str(const msgpack_object *o, const char **s, size_t *len)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_STR)
		return (-2);
	if (s != NULL)
		*s = o->via.str.size != 0 ? o->via.str.ptr : "";
	if (len != NULL)
		*len = o->via.str.size;
	return (0);
}

/* An integer that fits in int64_t. */
int
wire_int(const msgpack_object *o, int64_t *v)
{
	if (o == NULL)
		return (-2);
	switch (o->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX)
			return (-2);
		*v = (int64_t)o->via.u64;
		return (0);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*v = o->via.i64;
		return (0);
	default:
		return (-2);
	}
}

/* A float, or an integer as a float. */
int
wire_double(const msgpack_object *o, double *v)
{
	if (o == NULL)
		return (-2);
	switch (o->type) {
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		*v = o->via.f64;
		return (0);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		*v = (double)o->via.u64;
		return (0);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*v = (double)o->via.i64;
		return (0);
	default:
		return (-2);
	}
}

/* A boolean as 0 or 1. */
int
wire_bool(const msgpack_object *o, int *v)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_BOOLEAN)
		return (-2);
	*v = o->via.boolean ? 1 : 0;
	return (0);
}

/* A new NUL-terminated copy of a string without NUL bytes. */
char *
wire_strdup(const msgpack_object *o)
{
	const char	*s;
	size_t		 len;
	char		*copy;

	if (wire_str(o, &s, &len) != 0 || memchr(s, '\0', len) != NULL)
		return (NULL);
	copy = xmalloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	return (copy);
}

/* The value of key, NULL when missing or nil. */
static const msgpack_object *
wire_get(const msgpack_object *o, const char *key)
{
	const msgpack_object	*v;

	if ((v = wire_map_get(o, key)) == NULL ||
	    v->type == MSGPACK_OBJECT_NIL)
		return (NULL);
	return (v);
}

/* A string value as a new copy. */
int
wire_get_str(const msgpack_object *o, const char *key, char **s)
{
	const msgpack_object	*v;

	*s = NULL;
	if ((v = wire_get(o, key)) == NULL)
		return (-1);
	if ((*s = wire_strdup(v)) == NULL)
		return (-2);
	return (0);
}

/* An integer value. */
int
wire_get_int(const msgpack_object *o, const char *key, int64_t *i)
{
	const msgpack_object	*v;

	if ((v = wire_get(o, key)) == NULL)
		return (-1);
	return (wire_int(v, i));
}

/* A float (or integer) value. */
int
wire_get_double(const msgpack_object *o, const char *key, double *d)
{
	const msgpack_object	*v;

	if ((v = wire_get(o, key)) == NULL)
		return (-1);
	return (wire_double(v, d));
}

/* A boolean value. */
int
wire_get_bool(const msgpack_object *o, const char *key, int *b)
{
	const msgpack_object	*v;

	if ((v = wire_get(o, key)) == NULL)
		return (-1);
	return (wire_bool(v, b));
}

/* A map value. */
const msgpack_object *
wire_get_map(const msgpack_object *o, const char *key)
{
	const msgpack_object	*v;

	if ((v = wire_get(o, key)) == NULL || v->type != MSGPACK_OBJECT_MAP)
		return (NULL);
	return (v);
}

/* An array value. */
const msgpack_object *
wire_get_array(const msgpack_object *o, const char *key)
{
	const msgpack_object	*v;

	if ((v = wire_get(o, key)) == NULL ||
	    v->type != MSGPACK_OBJECT_ARRAY)
		return (NULL);
	return (v);
}
