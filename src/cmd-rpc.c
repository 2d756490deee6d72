/*
 * cmd-rpc.c: muster rpc AGENT ACTION [KEY=VALUE ...], the generic caller.
 * The agent's DDL (ddl.c) declares its actions and their inputs: they are
 * checked and typed before any host is contacted, and an unknown agent,
 * action or input, a missing required input or a value that breaks a rule
 * is one line and exit 64. The DDL also gives the action's timeout and
 * display policy.
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"

static int
cmd_rpc_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	spec;
	int			code = EXIT_USAGE;

	if (argc < 2) {
		log_warnx("rpc: expected AGENT ACTION [KEY=VALUE ...]");
		return (EXIT_USAGE);
	}
	if (action_spec_load(&spec, "rpc", argv[0], argv[1], argc - 2,
	    argv + 2) == 0)
		code = action_run(ctx, &spec);
	action_spec_release(&spec);
	return (code);
}

const struct cmd_entry cmd_rpc_entry = {
	.name = "rpc",
	.args = "AGENT ACTION [KEY=VALUE ...]",
	.summary = "call any agent action; inputs are checked before sending",
	.targets = 1,
	.exec = cmd_rpc_exec,
	.groups = CMD_HOSTS,
	.complete = "agent action input...",
};
