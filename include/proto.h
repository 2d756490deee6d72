/*
 * proto.h: the request and reply messages of PROTOCOL.md, on top of wire.h.
 *
 * Packing takes the nested values (the args, data and facts maps, the
 * filter tree) as bytes that already hold one encoded object, written with
 * a struct wire_writer, so the messages are assembled without copying
 * values one by one.
 *
 * Parsing borrows: strings are copied (freed by the _release functions) but
 * the nested values point into the struct wire_msg that was parsed, which
 * must outlive the parsed message.
 */
#ifndef PROTO_H
#define PROTO_H

#include <stdint.h>

#include "muster-protocol.h"
#include "wire.h"

#define PROTO_ID_LEN	32	/* 128 bits as lowercase hex */

struct proto_request {
	int64_t		 v;
	char		 id[PROTO_ID_LEN + 1];
	char		*agent;
	char		*action;
	char		*caller;	/* user@host of the operator */
	char		*reason;	/* --reason, or NULL */
	int64_t		 timeout;	/* seconds, 0: the agent's default */
	int64_t		 time;		/* seconds since the epoch */
	int		 facts;		/* the reply is to carry the facts */

	/*
	 * Packing: the pre-encoded args map and filter tree (filter.h's
	 * filter_put; NULL: none).
	 */
	const void	*args_raw;
	size_t		 args_len;
	const void	*filter_raw;
	size_t		 filter_len;

	/*
	 * Parsing: borrowed from the wire_msg. filter, when present, is an
	 * array, checked no further: filter_from_wire() decodes it.
	 */
	const msgpack_object *args;
	const msgpack_object *filter;
};

struct proto_reply {
	int64_t		 v;
	char		 id[PROTO_ID_LEN + 1];
	char		*sender;	/* the host's identity */
	int		 statuscode;	/* enum muster_statuscode */
	char		*statusmsg;
	int		 skipped;	/* the filter did not match */
	int		 timed_out;	/* the action ran past its timeout */
	int64_t		 elapsed_ms;

	/* Packing: pre-encoded maps (facts may be NULL; data NULL: {}). */
	const void	*data_raw;
	size_t		 data_len;
	const void	*facts_raw;
	size_t		 facts_len;

	/* Parsing: borrowed from the wire_msg (facts may be NULL). */
	const msgpack_object *data;
	const msgpack_object *facts;
};

/* Fill id with a new random 128-bit id in hex. */
void	proto_new_id(char id[PROTO_ID_LEN + 1]);

/* The MCollective name of a status code ("Request Aborted"). */
const char *proto_statuscode_name(int);

void	proto_request_pack(struct wire_writer *, const struct proto_request *);
/*
 * Parse a request map. Returns 0, or the status code to answer with
 * (MUSTER_MISSING_DATA or MUSTER_INVALID_DATA) and a message in *cause
 * (allocated, caller frees). Whatever was parsed is in req either way and
 * must be released.
 */
int	proto_request_parse(const msgpack_object *, struct proto_request *,
	    char **cause);
void	proto_request_release(struct proto_request *);

void	proto_reply_pack(struct wire_writer *, const struct proto_reply *);
/* Parse a reply map: 0, or -1 with *cause allocated. Release either way. */
int	proto_reply_parse(const msgpack_object *, struct proto_reply *,
	    char **cause);
void	proto_reply_release(struct proto_reply *);

#endif
