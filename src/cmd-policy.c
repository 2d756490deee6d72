/*
 * cmd-policy.c: muster policy check CALLER AGENT ACTION: what each
 * host's policy says of CALLER running AGENT.ACTION, asked of the hosts
 * themselves (rpcutil policy_check), nothing run. The verdict is the
 * hosts' because the hosts decide (agents/agent-policy.c): the client
 * cannot see their policy files, and they may differ per host.
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"
#include "policy.h"

static int
cmd_policy_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	  spec;
	struct ddl_registry	 *reg;
	const struct ddl	 *d = NULL;
	char			**words, *extra[2], *cause = NULL;
	int			  code = EXIT_USAGE, r;

	if (argc < 1 || strcmp(argv[0], "check") != 0) {
		log_warnx("policy: expected check CALLER AGENT ACTION");
		return (EXIT_USAGE);
	}
	if (argc != 4) {
		log_warnx("policy check: expected CALLER AGENT ACTION");
		return (EXIT_USAGE);
	}
	if (!policy_caller_ok(argv[1])) {
		log_warnx("policy check: '%s' is not a caller name (1 to 64 of"
		    " A-Z a-z 0-9 . _ @ -)", argv[1]);
		return (EXIT_USAGE);
	}
	/* An agent or action no DDL knows is a typo more often than not. */
	reg = ddl_registry_default();
	if ((r = ddl_registry_find(reg, argv[2], &d, &cause)) != 0) {
		if (r == 1)
			log_warnx("policy check: no agent '%s' (muster agents"
			    " lists them)", argv[2]);
		else
			log_warnx("policy check: %s", cause);
		free(cause);
		ddl_registry_free(reg);
		return (EXIT_USAGE);
	}
	if (ddl_action(d, argv[3]) == NULL) {
		log_warnx("policy check: agent %s has no action '%s' (muster"
		    " doc %s lists them)", argv[2], argv[3], argv[2]);
		ddl_registry_free(reg);
		return (EXIT_USAGE);
	}
	xasprintf(&extra[0], "agent=%s", argv[2]);
	xasprintf(&extra[1], "action=%s", argv[3]);
	words = action_words("caller", argv[1], 2, extra);
	if (action_spec_load_from(&spec, reg, "policy check", "rpcutil",
	    "policy_check", 3, words) == 0)
		code = action_run(ctx, &spec);
	action_spec_release(&spec);
	action_words_free(words);
	free(extra[0]);
	free(extra[1]);
	return (code);
}

const struct cmd_entry cmd_policy_entry = {
	.name = "policy",
	.args = "check CALLER AGENT ACTION",
	.summary = "ask each host whether its policy lets CALLER run"
	    " AGENT ACTION; nothing run",
	.targets = 1,
	.exec = cmd_policy_exec,
	.groups = CMD_HOSTS,
	.complete = "check - agent action",
};
