/*
 * fuzz-request.c: libFuzzer target for what the agent reads on stdin: a
 * stream of requests through wire_scan, wire_decode and
 * proto_request_parse, as agents/muster-agent.c takes them, and each
 * request's filter through filter_from_wire and filter_eval on a small
 * complete fact set, as agents/agent-dispatch.c does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "filter.h"
#include "muster-protocol.h"
#include "proto.h"
#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What a host might have, for the filter to be evaluated on. */
static void
fuzz_facts(struct factset *fs)
{
	factset_init(fs);
	fs->complete = 1;
	factset_set(fs, "identity", "web01");
	factset_set(fs, "role", "web");
	factset_set(fs, "app.port", "8080");
	factset_set(fs, "load", "1.5");
	factset_set(fs, "flag", "false");
	factset_set(fs, "pkg.version", "1:2.3-4");
	factset_add_class(fs, "role::web");
	factset_add_agent(fs, "shell");
	factset_sort(fs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg		 msg;
	struct proto_request	 req;
	struct factset		 fs;
	struct filter		*f;
	const char		*cause;
	char			*why;
	size_t			 off = 0, used;

	fuzz_facts(&fs);

	while (off < size) {
		memset(&msg, 0, sizeof msg);
		if (wire_decode(data + off, size - off, &msg, &used,
		    &cause) != 1) {
			wire_msg_release(&msg);
			break;
		}
		memset(&req, 0, sizeof req);
		why = NULL;
		if (proto_request_parse(msg.root, &req, &why) == 0 &&
		    req.filter != NULL) {
			if ((f = filter_from_wire(req.filter, &why)) != NULL)
				filter_eval(f, &fs);
			filter_free(f);
		}
		free(why);
		proto_request_release(&req);
		wire_msg_release(&msg);
		off += used;
	}
	factset_release(&fs);
	return (0);
}
