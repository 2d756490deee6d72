/*
 * fuzz-reply.c: libFuzzer target for what a remote host sends back: the
 * agent's stdout goes through result_set_reply() (wire_scan, wire_decode,
 * proto_reply_parse), then the renderer and the JSON writer read it.
 * Build and run with `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "muster.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct action_spec	 spec;
	struct cmd_ctx		 ctx;
	struct run		*r;
	FILE			*f;

	r = run_new();
	run_add_host(r, "fuzz01");
	result_set_reply(r->hosts[0], (const char *)data, size);
	action_spec_init(&spec, "rpcutil", "inventory");
	wire_put_map(&spec.args, 0);
	memset(&ctx, 0, sizeof ctx);
	if ((f = fopen("/dev/null", "w")) != NULL) {
		render_results(f, r, &spec, DISPLAY_ALL);
		render_summary(f, r, &spec);
		json_write_run(f, r, &spec, &ctx);
		fclose(f);
	}
	action_spec_release(&spec);
	run_free(r);
	return (0);
}
