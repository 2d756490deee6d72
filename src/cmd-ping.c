/*
 * cmd-ping.c: muster ping: a call to the agent of every host, with each
 * host's connect time (to a running agent: TCP, SSH handshake,
 * authentication, channel) and call time (request to reply) apart, and
 * their spread in the summary.
 */
#include <stdlib.h>

#include "muster.h"

/* "connect=12 ms  call=3 ms" beside the host. */
static void
cmd_ping_host(FILE *f, const struct host *h)
{
	if (h->result.connect_ms < 0) {
		fprintf(f, "time=%lld ms\n", (long long)h->result.elapsed_ms);
		return;
	}
	fprintf(f, "connect=%lld ms  call=%lld ms\n",
	    (long long)h->result.connect_ms, (long long)h->result.call_ms);
}

/* A host's connect time, or -1. */
static int64_t
cmd_ping_connect_ms(const struct host *h)
{
	return (h->result.connect_ms);
}

/* A host's call time, or -1. */
static int64_t
cmd_ping_call_ms(const struct host *h)
{
	return (h->result.call_ms);
}

/* "Call Times: min 3 ms, avg 5 ms, max 9 ms" over the hosts that answered. */
static void
cmd_ping_times(FILE *f, struct run *r, const char *label,
    int64_t (*value)(const struct host *))
{
	int64_t	min = -1, max = 0, sum = 0, ms;
	size_t	i, n = 0;

	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->result.status != RESULT_OK ||
		    (ms = value(r->hosts[i])) < 0)
			continue;
		if (min == -1 || ms < min)
			min = ms;
		if (ms > max)
			max = ms;
		sum += ms;
		n++;
	}
	if (n == 0)
		return;
	fprintf(f, "%16s: min %lld ms, avg %lld ms, max %lld ms\n", label,
	    (long long)min, (long long)(sum / (int64_t)n), (long long)max);
}

/* The spread of connect times and of call times. */
static void
cmd_ping_summary(FILE *f, struct run *r)
{
	cmd_ping_times(f, r, "Connect Times", cmd_ping_connect_ms);
	cmd_ping_times(f, r, "Call Times", cmd_ping_call_ms);
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
	code = EXIT_USAGE;
	if (action_spec_load(&spec, "ping", "rpcutil", "ping", 0,
	    NULL) == 0) {
		spec.render_host = cmd_ping_host;
		spec.render_summary = cmd_ping_summary;
		code = action_run(ctx, &spec);
	}
	action_spec_release(&spec);
	return (code);
}

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.args = "",
	.summary = "call each host's agent, with connect and call times",
	.targets = 1,
	.exec = cmd_ping_exec,
	.groups = CMD_HOSTS,
};
