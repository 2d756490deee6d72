/*
 * sink.c: where a run's results go, chosen once from the options before
 * the run starts. The run itself (fanout.c, expect.c) decides each host's
 * status and the exit code; a sink only writes them out, so the table,
 * the JSON forms, the audit log and the exit code can never disagree.
 */
#include <errno.h>
#include <string.h>

#include "muster.h"

/* The table and the summary block. */
static void
sink_table_finish(FILE *f, struct run *r, const struct action_spec *spec,
    const struct cmd_ctx *ctx, enum display_mode mode)
{
	(void)ctx;
	render_results(f, r, spec, mode);
	render_summary(f, r, spec);
}

static const struct sink sink_table = {
	.name = "table",
	.finish = sink_table_finish,
};

/* --json: one document at the end. */
static void
sink_json_finish(FILE *f, struct run *r, const struct action_spec *spec,
    const struct cmd_ctx *ctx, enum display_mode mode)
{
	(void)mode;
	json_write_run(f, r, spec, ctx);
}

static const struct sink sink_json = {
	.name = "json",
	.finish = sink_json_finish,
};

/* --jsonl: a line per host as it finishes, then the summary line. */
static void
sink_jsonl_host(struct host *h)
{
	errno = 0;
	json_write_host(stdout, h);
	/* A failed write is kept for the end; the run goes on. */
	ui_output_error();
}

static void
sink_jsonl_finish(FILE *f, struct run *r, const struct action_spec *spec,
    const struct cmd_ctx *ctx, enum display_mode mode)
{
	(void)ctx;
	(void)mode;
	json_write_summary_line(f, r, spec);
}

static const struct sink sink_jsonl = {
	.name = "jsonl",
	.host_done = sink_jsonl_host,
	.finish = sink_jsonl_finish,
};

/* --senders: the names of the hosts that answered OK. */
static void
sink_senders_finish(FILE *f, struct run *r, const struct action_spec *spec,
    const struct cmd_ctx *ctx, enum display_mode mode)
{
	size_t	i;

	(void)spec;
	(void)ctx;
	(void)mode;
	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->result.status == RESULT_OK)
			fprintf(f, "%s\n", r->hosts[i]->name);
	}
}

static const struct sink sink_senders = {
	.name = "senders",
	.finish = sink_senders_finish,
};

/* The sink the options ask for (main() allows only one). */
const struct sink *
sink_choose(const struct cmd_ctx *ctx)
{
	if (ctx->nagios)
		return (&sink_nagios);
	if (ctx->jsonl)
		return (&sink_jsonl);
	if (ctx->json)
		return (&sink_json);
	if (ctx->senders)
		return (&sink_senders);
	return (&sink_table);
}
