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

/* "unknown agent" with the agents there are. */
static void
cmd_rpc_unknown(struct ddl_registry *reg, const char *agent)
{
	struct strbuf	  sb = STRBUF_INIT;
	char		**names;
	size_t		  n, i;

	names = ddl_registry_names(reg, &n);
	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "%s%s", i == 0 ? "" : ", ", names[i]);
		free(names[i]);
	}
	free(names);
	log_warnx("rpc: unknown agent '%s' (known: %s)", agent,
	    n == 0 ? "none, no DDL found" : sb.buf);
	strbuf_release(&sb);
}

static int
cmd_rpc_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ddl_registry	*reg;
	const struct ddl	*d;
	const struct ddl_action	*a;
	struct action_spec	 spec;
	char			*cause = NULL;
	int			 code = EXIT_USAGE;

	if (argc < 2) {
		log_warnx("rpc: expected AGENT ACTION [KEY=VALUE ...]");
		return (EXIT_USAGE);
	}
	reg = ddl_registry_default();
	switch (ddl_registry_find(reg, argv[0], &d, &cause)) {
	case -1:
		log_warnx("rpc: %s", cause);
		free(cause);
		goto out;
	case 1:
		cmd_rpc_unknown(reg, argv[0]);
		goto out;
	}
	if ((a = ddl_action(d, argv[1])) == NULL) {
		log_warnx("rpc: agent '%s' has no action '%s'", argv[0],
		    argv[1]);
		goto out;
	}
	action_spec_init(&spec, d->name, a->name);
	spec.timeout = d->timeout;
	spec.display = a->display;
	if (ddl_args(d, a, argc - 2, argv + 2, &spec.args, &cause) != 0) {
		log_warnx("rpc: %s", cause);
		free(cause);
		action_spec_release(&spec);
		goto out;
	}
	code = action_run(ctx, &spec);
	action_spec_release(&spec);
out:
	ddl_registry_free(reg);
	return (code);
}

const struct cmd_entry cmd_rpc_entry = {
	"rpc", "AGENT ACTION [KEY=VALUE ...]",
	"call any agent action; inputs are checked before sending",
	1, cmd_rpc_exec, 0
};
