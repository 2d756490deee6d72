/*
 * fuzz-reply.c: libFuzzer target for what a remote host sends back: the
 * agent's stdout goes through result_set_reply() (wire_scan, wire_decode,
 * proto_reply_parse), then the renderer and the JSON writer read it. The
 * same bytes are read as a fact cache record too (factset_from_record, in
 * place and unscanned, as the cache reads a record after its length).
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
	struct factset		 fs;
	struct factset_want	 want;
	const char		*cause;
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

	factset_init(&fs);
	(void)factset_from_record(&fs, data, size, NULL, &cause);
	factset_release(&fs);
	factset_want_init(&want);
	factset_want_key(&want, "os.release.major");
	factset_want_key(&want, "role");
	want.classes = 1;
	factset_want_done(&want);
	factset_init(&fs);
	(void)factset_from_record(&fs, data, size, &want, &cause);
	factset_release(&fs);
	factset_want_release(&want);
	return (0);
}
