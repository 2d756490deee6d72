/*
 * wire.h: the msgpack codec, wrapped so that no handler walks msgpack-c
 * structures by hand.
 *
 * Writing: a struct wire_writer owns a growing buffer; wire_put_* append one
 * value each and cannot fail (allocation failure exits, see xmalloc.h).
 * Maps and arrays are written as a header with the element count followed by
 * the elements (for a map: key, value, key, value...).
 *
 * Reading: remote input is untrusted. wire_scan() walks a buffer without
 * allocating and says whether it holds one whole, well-formed object, so a
 * reader can wait for more bytes and enforce its size bound before anything
 * is unpacked; wire_decode() then unpacks that object. Containers claiming
 * more elements than there are bytes left, nesting deeper than
 * WIRE_MAX_DEPTH and the reserved byte 0xc1 are malformed. An object whose
 * decoded form would take more than WIRE_DECODED_MAX is refused too: every
 * value decodes into a msgpack_object of its own, so a message of tiny
 * values (a nil is one byte) takes 25 times its size once unpacked.
 *
 * Decoded values are msgpack_object pointers valid while their struct
 * wire_msg lives. The getters return 0 on success, -1 when the key or value
 * is absent and -2 when it has the wrong type.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#define WIRE_MAX_DEPTH	32

/*
 * What one decoded value costs, whatever the platform: the size of a
 * msgpack_object on a 64-bit host (a 4-byte type, padding and a 16-byte
 * union). A fixed figure makes the bound below accept the same messages
 * everywhere.
 */
#define WIRE_VALUE_COST	24
/*
 * The most memory one decoded object may take: its bytes (strings point
 * into a copy of them) plus WIRE_VALUE_COST per value. 64 MiB holds any
 * 16 MiB reply (MUSTER_REPLY_MAX) of strings of 8 bytes or more on
 * average, or about 2 M small values in a smaller one: far above what an
 * action returns (a package list is thousands of values), far below the
 * 400 MB that 16 M nils would decode into.
 */
#define WIRE_DECODED_MAX (64 * 1024 * 1024)

struct wire_writer {
	msgpack_sbuffer	sbuf;
	msgpack_packer	pk;
};

/* Start an empty writer; release frees its buffer. */
void	wire_writer_init(struct wire_writer *);
void	wire_writer_release(struct wire_writer *);
/* Forget what was written, keeping the allocation. */
void	wire_writer_reset(struct wire_writer *);
/* The bytes written so far (owned by the writer). */
const char *wire_writer_data(const struct wire_writer *, size_t *);

void	wire_put_map(struct wire_writer *, size_t);
void	wire_put_array(struct wire_writer *, size_t);
/* A NUL-terminated string; NULL is written as nil. */
void	wire_put_str(struct wire_writer *, const char *);
void	wire_put_strn(struct wire_writer *, const char *, size_t);
void	wire_put_int(struct wire_writer *, int64_t);
void	wire_put_double(struct wire_writer *, double);
void	wire_put_bool(struct wire_writer *, int);
void	wire_put_nil(struct wire_writer *);
/* Bytes that already hold one encoded object (a pre-packed map, say). */
void	wire_put_raw(struct wire_writer *, const void *, size_t);
/* A decoded object, copied as it is. */
void	wire_put_object(struct wire_writer *, const msgpack_object *);
/* Key and value in one call, for maps. */
void	wire_put_kstr(struct wire_writer *, const char *, const char *);
void	wire_put_kstrn(struct wire_writer *, const char *, const char *,
	    size_t);
void	wire_put_kint(struct wire_writer *, const char *, int64_t);
void	wire_put_kdouble(struct wire_writer *, const char *, double);
void	wire_put_kbool(struct wire_writer *, const char *, int);

/*
 * Is there one whole object at the start of buf? Returns 1 and its length
 * in *used, 0 when more bytes are needed, -1 when the bytes can never form
 * a valid object (*cause says why; static string, do not free).
 */
int	wire_scan(const void *buf, size_t len, size_t *used,
	    const char **cause);
/*
 * wire_scan, also giving in *size (when not NULL) the memory the object
 * takes once decoded: its bytes plus WIRE_VALUE_COST a value. -1 as soon as
 * the values announced so far would take more than WIRE_DECODED_MAX.
 */
int	wire_scan_size(const void *buf, size_t len, size_t *used,
	    size_t *size, const char **cause);

/* One decoded message: its objects live as long as it does. */
struct wire_msg {
	msgpack_unpacked	 unpacked;
	const msgpack_object	*root;
	size_t			 size;	/* memory held, as wire_scan_size */
};

/*
 * Decode the object at the start of buf into msg (which must be released
 * with wire_msg_release even on failure). Returns 1 on success with the
 * bytes consumed in *used, 0 if incomplete, -1 if malformed (*cause set).
 */
int	wire_decode(const void *buf, size_t len, struct wire_msg *msg,
	    size_t *used, const char **cause);
void	wire_msg_release(struct wire_msg *);

/*
 * Reading in place, without decoding: a reader walks the bytes of an
 * object (checked whole by wire_scan first) value by value, so a caller
 * that needs three values of a large record builds nothing for the rest.
 */
struct wire_reader {
	const unsigned char	*p;
	size_t			 len;
	size_t			 pos;
};
/* One value: a scalar whole, a string's bytes, a container's count. */
struct wire_item {
	int		 type;		/* enum wire_type */
	size_t		 n;		/* STR BIN: bytes; ARRAY MAP: entries */
	const char	*s;		/* STR BIN: in the reader's buffer */
	int64_t		 i;		/* INT */
	double		 d;		/* DOUBLE */
	int		 b;		/* BOOL */
};
void	wire_reader_init(struct wire_reader *, const void *, size_t);
/*
 * The next value into item: after a container's header, its entries
 * follow (a map's as key, value, ...). -1 on bytes that are not msgpack,
 * an integer past int64, or the end.
 */
int	wire_read(struct wire_reader *, struct wire_item *);
/* Skip the next value, containers whole; -1 as wire_read. */
int	wire_read_skip(struct wire_reader *);
/* A decoded scalar or string as an item (containers: their count). */
void	wire_item_of(const msgpack_object *, struct wire_item *);

enum wire_type {
	WIRE_NIL,
	WIRE_BOOL,
	WIRE_INT,
	WIRE_DOUBLE,
	WIRE_STR,
	WIRE_BIN,
	WIRE_ARRAY,
	WIRE_MAP,
	WIRE_OTHER
};
enum wire_type	 wire_type(const msgpack_object *);
const char	*wire_type_name(enum wire_type);

/* Elements of an array or map, or bytes of a string; 0 for scalars. */
size_t		 wire_len(const msgpack_object *);
/* Element i of an array (NULL if out of range or not an array). */
const msgpack_object *wire_array_at(const msgpack_object *, size_t);
/* Pair i of a map; -1 if out of range, not a map, or the key not a string. */
int		 wire_map_at(const msgpack_object *, size_t, const char **,
		     size_t *, const msgpack_object **);
/* The value of a string key in a map, NULL if absent or not a map. */
const msgpack_object *wire_map_get(const msgpack_object *, const char *);

/* Scalar accessors: 0 ok, -2 wrong type. */
int	wire_str(const msgpack_object *, const char **, size_t *);
int	wire_int(const msgpack_object *, int64_t *);
int	wire_double(const msgpack_object *, double *); /* ints too */
int	wire_bool(const msgpack_object *, int *);
/*
 * A string as a new NUL-terminated copy; NULL if not a string or it holds a
 * NUL byte (so it cannot be truncated silently).
 */
char	*wire_strdup(const msgpack_object *);

/* Keyed getters on a map: 0 ok, -1 missing (or nil), -2 wrong type. */
int	wire_get_str(const msgpack_object *, const char *, char **);
int	wire_get_int(const msgpack_object *, const char *, int64_t *);
int	wire_get_double(const msgpack_object *, const char *, double *);
int	wire_get_bool(const msgpack_object *, const char *, int *);
/* A map or array value; NULL when missing or of another type. */
const msgpack_object *wire_get_map(const msgpack_object *, const char *);
const msgpack_object *wire_get_array(const msgpack_object *, const char *);

#endif
