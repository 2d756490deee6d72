/*
 * fuzz-request.c: libFuzzer target for what the agent reads on stdin: a
 * stream of requests through wire_scan, wire_decode and
 * proto_request_parse, as agents/muster-agent.c takes them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "muster-protocol.h"
#include "proto.h"
#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg		 msg;
	struct proto_request	 req;
	const char		*cause;
	char			*why;
	size_t			 off = 0, used;

	while (off < size) {
		memset(&msg, 0, sizeof msg);
		if (wire_decode(data + off, size - off, &msg, &used,
		    &cause) != 1) {
			wire_msg_release(&msg);
			break;
		}
		memset(&req, 0, sizeof req);
		why = NULL;
		proto_request_parse(msg.root, &req, &why);
		free(why);
		proto_request_release(&req);
		wire_msg_release(&msg);
		off += used;
	}
	return (0);
}
