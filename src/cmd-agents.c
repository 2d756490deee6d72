/*
 * cmd-agents.c: muster agents: every agent a DDL describes, with its
 * actions, from the DDL registry; no host is contacted.
 */
#include <stdlib.h>

#include "muster.h"

static int
cmd_agents_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ddl_registry	 *reg;
	const struct ddl	 *d;
	char			**names, *cause = NULL;
	size_t			  n, i, j;
	int			  code = EXIT_ALL_OK;

	(void)ctx;
	if (argc != 0) {
		log_warnx("agents: unexpected argument '%s'", argv[0]);
		return (EXIT_USAGE);
	}
	reg = ddl_registry_default();
	names = ddl_registry_names(reg, &n);
	for (i = 0; i < n; i++) {
		if (ddl_registry_find(reg, names[i], &d, &cause) != 0) {
			log_warnx("agents: %s", cause);
			free(cause);
			cause = NULL;
			code = EXIT_USAGE;
			continue;
		}
		printf("%-12s", d->name);
		for (j = 0; j < d->nactions; j++)
			printf(" %s", d->actions[j].name);
		printf("\n");
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (n == 0) {
		log_warnx("agents: no DDL found");
		code = EXIT_USAGE;
	}
	ddl_registry_free(reg);
	return (code);
}

const struct cmd_entry cmd_agents_entry = {
	.name = "agents",
	.args = "",
	.summary = "list the agents and their actions, from their DDLs",
	.exec = cmd_agents_exec,
};
