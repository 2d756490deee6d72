/*
 * proto.c: the request and reply maps of include/PROTOCOL.md, packed and
 * parsed. Parsing checks every key it knows for presence and type and
 * ignores keys it does not know, so that later minor additions do not
 * break older peers.
 */
#include <sys/types.h>
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "xmalloc.h"

/* Longest agent or action name. */
#define PROTO_NAME_MAX	64

static const char *proto_statuscode_names[] = {
	"OK",
	"Request Aborted",
	"Unknown Action",
	"Missing Request Data",
	"Invalid Request Data",
	"Unknown Request Status"
};

/* Fill buf with random bytes: getrandom, else /dev/urandom, else a mix. */
static void
proto_random(unsigned char *buf, size_t len)
{
	static uint64_t	 counter;
	struct timespec	 ts;
	uint64_t	 x;
	size_t		 off = 0, i;
	ssize_t		 n;
	int		 fd;

	while (off < len) {
		n = getrandom(buf + off, len - off, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
	if (off == len)
		return;

	if ((fd = open("/dev/urandom", O_RDONLY|O_CLOEXEC)) != -1) {
		while (off < len) {
			n = read(fd, buf + off, len - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			off += n;
		}
		close(fd);
	}
	if (off == len)
		return;

	/* Ids are for correlation, not secrets: unique is enough here. */
	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^
	    ((uint64_t)getpid() << 32) ^ ++counter;
	for (i = off; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = x & 0xff;
	}
}

/* A new random 128-bit id as 32 lowercase hex digits. */
void
proto_new_id(char id[PROTO_ID_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 raw[PROTO_ID_LEN / 2];
	size_t			 i;

	proto_random(raw, sizeof raw);
	for (i = 0; i < sizeof raw; i++) {
		id[i * 2] = hex[raw[i] >> 4];
		id[i * 2 + 1] = hex[raw[i] & 0x0f];
	}
	id[PROTO_ID_LEN] = '\0';
}

/* The MCollective name of a status code. */
const char *
proto_statuscode_name(int code)
{
	if (code < 0 || code > MUSTER_STATUSCODE_MAX)
		return (proto_statuscode_names[MUSTER_UNKNOWN_ERROR]);
	return (proto_statuscode_names[code]);
}

/* Write a pre-encoded map, or an empty one. */
static void
proto_put_map(struct wire_writer *w, const void *raw, size_t len)
{
	if (raw == NULL || len == 0)
		wire_put_map(w, 0);
	else
		wire_put_raw(w, raw, len);
}

/* Pack a request map. */
void
proto_request_pack(struct wire_writer *w, const struct proto_request *req)
{
	size_t	n = 8;

	if (req->filter_raw != NULL)
		n++;
	if (req->reason != NULL)
		n++;
	if (req->facts)
		n++;
	wire_put_map(w, n);
	wire_put_kint(w, "v", req->v != 0 ? req->v : MUSTER_PROTOCOL_VERSION);
	wire_put_kstr(w, "id", req->id);
	wire_put_kstr(w, "agent", req->agent);
	wire_put_kstr(w, "action", req->action);
	wire_put_str(w, "args");
	proto_put_map(w, req->args_raw, req->args_len);
	if (req->filter_raw != NULL) {
		wire_put_str(w, "filter");
		wire_put_raw(w, req->filter_raw, req->filter_len);
	}
	wire_put_kstr(w, "caller", req->caller);
	if (req->reason != NULL)
		wire_put_kstr(w, "reason", req->reason);
	wire_put_kint(w, "timeout", req->timeout);
	wire_put_kint(w, "time", req->time);
	/* Only when asked: an older agent ignores it either way. */
	if (req->facts)
		wire_put_kbool(w, "facts", 1);
}

/* Set *cause and return code. */
static int __attribute__((format(printf, 3, 4)))
proto_error(int code, char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		free(*cause);
		va_start(ap, fmt);
		xvasprintf(cause, fmt, ap);
		va_end(ap);
	}
	return (code);
}

/* Is this a name of PROTOCOL.md: 1 to 64 of [a-z0-9_]? */
static int
proto_valid_name(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0 || len > PROTO_NAME_MAX)
		return (0);
	return (strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len);
}

/*
 * Copy an id: up to 32 of [A-Za-z0-9_.-]. Requests need one; a reply's is
 * empty when the request could not be read far enough to know it.
 */
static int
proto_get_id(const msgpack_object *o, char id[PROTO_ID_LEN + 1],
    int empty_ok)
{
	const char	*s;
	size_t		 len;

	if (wire_str(o, &s, &len) != 0 || (len == 0 && !empty_ok) ||
	    len > PROTO_ID_LEN)
		return (-1);
	memcpy(id, s, len);
	id[len] = '\0';
	if (strspn(id, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len) {
		id[0] = '\0';
		return (-1);
	}
	return (0);
}

/* A required string key: 0, or a status code with *cause. */
static int
proto_need_str(const msgpack_object *o, const char *what, const char *key,
    char **s, char **cause)
{
	switch (wire_get_str(o, key, s)) {
	case 0:
		return (0);
	case -1:
		return (proto_error(MUSTER_MISSING_DATA, cause,
		    "%s has no '%s'", what, key));
	default:
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "%s '%s' is not a string", what, key));
	}
}

/* An optional string key: 0 (NULL when missing), or a status code. */
static int
proto_want_str(const msgpack_object *o, const char *what, const char *key,
    char **s, char **cause)
{
	if (wire_get_str(o, key, s) == -2)
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "%s '%s' is not a string", what, key));
	return (0);
}

/* An optional integer key: 0 (unchanged when missing), or a status code. */
static int
proto_want_int(const msgpack_object *o, const char *what, const char *key,
    int64_t *i, char **cause)
{
	if (wire_get_int(o, key, i) == -2)
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "%s '%s' is not an integer", what, key));
	return (0);
}

/*
 * Parse a request. The id is taken first so that even a refused request
 * can be answered with it.
 */
int
proto_request_parse(const msgpack_object *o, struct proto_request *req,
    char **cause)
{
	const msgpack_object	*v;
	int			 r;

	memset(req, 0, sizeof *req);
	if (cause != NULL)
		*cause = NULL;
	if (wire_type(o) != WIRE_MAP)
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "request is a %s, not a map",
		    wire_type_name(wire_type(o))));

	if ((v = wire_map_get(o, "id")) == NULL ||
	    wire_type(v) == WIRE_NIL)
		return (proto_error(MUSTER_MISSING_DATA, cause,
		    "request has no 'id'"));
	if (proto_get_id(v, req->id, 0) != 0)
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "request 'id' is not a string of 1 to %d letters, digits,"
		    " '_', '.' or '-'", PROTO_ID_LEN));

	switch (wire_get_int(o, "v", &req->v)) {
	case -1:
		return (proto_error(MUSTER_MISSING_DATA, cause,
		    "request has no 'v'"));
	case -2:
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "request 'v' is not an integer"));
	}
	if (req->v != MUSTER_PROTOCOL_VERSION)
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "protocol version %lld is not supported (this agent speaks"
		    " version %d)", (long long)req->v,
		    MUSTER_PROTOCOL_VERSION));

	if ((r = proto_need_str(o, "request", "agent", &req->agent,
	    cause)) != 0)
		return (r);
	if (!proto_valid_name(req->agent))
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "request 'agent' is not a valid name"));
	if ((r = proto_need_str(o, "request", "action", &req->action,
	    cause)) != 0)
		return (r);
	if (!proto_valid_name(req->action))
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "request 'action' is not a valid name"));

	if ((v = wire_map_get(o, "args")) == NULL || wire_type(v) == WIRE_NIL)
		return (proto_error(MUSTER_MISSING_DATA, cause,
		    "request has no 'args'"));
	if (wire_type(v) != WIRE_MAP)
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "request 'args' is a %s, not a map",
		    wire_type_name(wire_type(v))));
	req->args = v;

	/* The filter tree (filter_put): its nodes are arrays. */
	if ((v = wire_map_get(o, "filter")) != NULL &&
	    wire_type(v) != WIRE_NIL) {
		if (wire_type(v) != WIRE_ARRAY)
			return (proto_error(MUSTER_INVALID_DATA, cause,
			    "request 'filter' is a %s, not an array",
			    wire_type_name(wire_type(v))));
		req->filter = v;
	}

	if ((r = proto_want_str(o, "request", "caller", &req->caller,
	    cause)) != 0)
		return (r);
	if ((r = proto_want_str(o, "request", "reason", &req->reason,
	    cause)) != 0)
		return (r);
	if ((r = proto_want_int(o, "request", "timeout", &req->timeout,
	    cause)) != 0)
		return (r);
	if (req->timeout < 0)
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "request 'timeout' is negative"));
	if ((r = proto_want_int(o, "request", "time", &req->time,
	    cause)) != 0)
		return (r);
	if (wire_get_bool(o, "facts", &req->facts) == -2)
		return (proto_error(MUSTER_INVALID_DATA, cause,
		    "request 'facts' is not a boolean"));
	return (0);
}

/* Free what a request parse copied. */
void
proto_request_release(struct proto_request *req)
{
	free(req->agent);
	free(req->action);
	free(req->caller);
	free(req->reason);
	req->agent = req->action = req->caller = req->reason = NULL;
	req->args = req->filter = NULL;
}

/* Pack a reply map. */
void
proto_reply_pack(struct wire_writer *w, const struct proto_reply *rep)
{
	wire_put_map(w, rep->facts_raw != NULL ? 10 : 9);
	wire_put_kint(w, "v", rep->v != 0 ? rep->v : MUSTER_PROTOCOL_VERSION);
	wire_put_kstr(w, "id", rep->id);
	wire_put_kstr(w, "sender", rep->sender);
	wire_put_kint(w, "statuscode", rep->statuscode);
	wire_put_kstr(w, "statusmsg",
	    rep->statusmsg != NULL ? rep->statusmsg : "");
	wire_put_str(w, "data");
	proto_put_map(w, rep->data_raw, rep->data_len);
	wire_put_kbool(w, "skipped", rep->skipped);
	wire_put_kbool(w, "timed_out", rep->timed_out);
	if (rep->facts_raw != NULL) {
		wire_put_str(w, "facts");
		proto_put_map(w, rep->facts_raw, rep->facts_len);
	}
	wire_put_kint(w, "elapsed_ms", rep->elapsed_ms);
}

/* An optional boolean key of a reply. */
static int
proto_reply_bool(const msgpack_object *o, const char *key, int *b,
    char **cause)
{
	*b = 0;
	if (wire_get_bool(o, key, b) == -2)
		return (proto_error(-1, cause, "reply '%s' is not a boolean",
		    key));
	return (0);
}

/* Parse a reply map. */
int
proto_reply_parse(const msgpack_object *o, struct proto_reply *rep,
    char **cause)
{
	const msgpack_object	*v;
	int64_t			 code;

	memset(rep, 0, sizeof *rep);
	if (cause != NULL)
		*cause = NULL;
	if (wire_type(o) != WIRE_MAP)
		return (proto_error(-1, cause, "reply is a %s, not a map",
		    wire_type_name(wire_type(o))));

	switch (wire_get_int(o, "v", &rep->v)) {
	case -1:
		return (proto_error(-1, cause, "reply has no 'v'"));
	case -2:
		return (proto_error(-1, cause, "reply 'v' is not an integer"));
	}
	if (rep->v != MUSTER_PROTOCOL_VERSION)
		return (proto_error(-1, cause,
		    "reply has protocol version %lld, expected %d",
		    (long long)rep->v, MUSTER_PROTOCOL_VERSION));

	if ((v = wire_map_get(o, "id")) == NULL || wire_type(v) == WIRE_NIL)
		return (proto_error(-1, cause, "reply has no 'id'"));
	if (proto_get_id(v, rep->id, 1) != 0)
		return (proto_error(-1, cause, "reply 'id' is not valid"));

	switch (wire_get_str(o, "sender", &rep->sender)) {
	case -1:
		return (proto_error(-1, cause, "reply has no 'sender'"));
	case -2:
		return (proto_error(-1, cause,
		    "reply 'sender' is not a string"));
	}

	switch (wire_get_int(o, "statuscode", &code)) {
	case -1:
		return (proto_error(-1, cause, "reply has no 'statuscode'"));
	case -2:
		return (proto_error(-1, cause,
		    "reply 'statuscode' is not an integer"));
	}
	if (code < 0 || code > MUSTER_STATUSCODE_MAX)
		return (proto_error(-1, cause,
		    "reply 'statuscode' %lld is out of range",
		    (long long)code));
	rep->statuscode = (int)code;

	switch (wire_get_str(o, "statusmsg", &rep->statusmsg)) {
	case -1:
		rep->statusmsg = xstrdup("");
		break;
	case -2:
		return (proto_error(-1, cause,
		    "reply 'statusmsg' is not a string"));
	}

	if ((v = wire_map_get(o, "data")) == NULL)
		return (proto_error(-1, cause, "reply has no 'data'"));
	if (wire_type(v) == WIRE_MAP)
		rep->data = v;
	else if (wire_type(v) != WIRE_NIL)
		return (proto_error(-1, cause,
		    "reply 'data' is a %s, not a map",
		    wire_type_name(wire_type(v))));

	if ((v = wire_map_get(o, "facts")) != NULL) {
		if (wire_type(v) == WIRE_MAP)
			rep->facts = v;
		else if (wire_type(v) != WIRE_NIL)
			return (proto_error(-1, cause,
			    "reply 'facts' is a %s, not a map",
			    wire_type_name(wire_type(v))));
	}

	if (proto_reply_bool(o, "skipped", &rep->skipped, cause) != 0 ||
	    proto_reply_bool(o, "timed_out", &rep->timed_out, cause) != 0)
		return (-1);
	if (wire_get_int(o, "elapsed_ms", &rep->elapsed_ms) == -2)
		return (proto_error(-1, cause,
		    "reply 'elapsed_ms' is not an integer"));
	return (0);
}

/* Free what a reply parse copied. */
void
proto_reply_release(struct proto_reply *rep)
{
	free(rep->sender);
	free(rep->statusmsg);
	rep->sender = rep->statusmsg = NULL;
	rep->data = rep->facts = NULL;
}
