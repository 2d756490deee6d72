/*
 * cmd-ping.c: muster ping: a round trip to the agent of every host, with
 * each host's time and the spread of times in the summary.
 */
#include <stdlib.h>

#include "muster.h"

/* "time=12 ms" beside the host. */
static void
cmd_ping_host(FILE *f, const struct host *h)
{
	fprintf(f, "time=%lld ms\n", (long long)h->result.elapsed_ms);
}

/* Min, average and max over the hosts that answered. */
static void
cmd_ping_summary(FILE *f, struct run *r)
{
	int64_t	min = -1, max = 0, sum = 0, ms;
	size_t	i, n = 0;

	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->result.status != RESULT_OK)
			continue;
		ms = r->hosts[i]->result.elapsed_ms;
		if (min == -1 || ms < min)
			min = ms;
		if (ms > max)
			max = ms;
		sum += ms;
		n++;
	}
	if (n == 0)
		return;
	fprintf(f, "%16s: min %lld ms, avg %lld ms, max %lld ms\n",
	    "Ping Times", (long long)min, (long long)(sum / n),
	    (long long)max);
}

static int
cmd_ping_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	spec;
	int			code;

	if (argc != 0) {
		log_warnx("ping: unexpected argument '%s'", argv[0]);
		return (EXIT_USAGE);
	}
	action_spec_init(&spec, "rpcutil", "ping");
	spec.timeout = 10;
	spec.display = DISPLAY_ALL;
	spec.render_host = cmd_ping_host;
	spec.render_summary = cmd_ping_summary;
	wire_put_map(&spec.args, 0);
	code = action_run(ctx, &spec);
	action_spec_release(&spec);
	return (code);
}

const struct cmd_entry cmd_ping_entry = {
	"ping", "", "round trip to each host's agent, with per-host times",
	1, cmd_ping_exec, 0
};
