/*
 * cmd-service.c: muster service NAME ACTION, the service agent as MCollective
 * spells it ("muster service cron restart"; "muster service restart cron"
 * is taken too when the words leave no doubt). A host whose service does
 * not end in the state asked for (running after start and restart,
 * stopped after stop) is failed and listed; status lists every host. The
 * states are summarised with their minorities.
 */
#include <string.h>

#include "muster.h"

/* The state a changing action must leave; NULL for status. */
static const char *
cmd_service_wanted(const char *action)
{
	if (strcmp(action, "start") == 0 || strcmp(action, "restart") == 0)
		return ("running");
	if (strcmp(action, "stop") == 0)
		return ("stopped");
	return (NULL);
}

/* Is the word one of the service DDL's actions? */
static int
cmd_service_is_action(const struct ddl *d, const char *word)
{
	return (d != NULL && ddl_action(d, word) != NULL);
}

static int
cmd_service_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	  spec;
	struct ddl_registry	 *reg;
	const struct ddl	 *d = NULL;
	const char		 *name, *action, *wanted;
	char			**words, *cause = NULL, *expect;
	int			  code = EXIT_USAGE;

	if (argc < 2) {
		log_warnx("service: expected NAME ACTION (start, stop, restart"
		    " or status)");
		return (EXIT_USAGE);
	}
	name = argv[0];
	action = argv[1];
	/* The DDL's errors are for action_spec_load_from() to say. */
	reg = ddl_registry_default();
	if (ddl_registry_find(reg, "service", &d, &cause) == -1) {
		free(cause);
		cause = NULL;
	}
	if (cmd_service_is_action(d, name) && !cmd_service_is_action(d,
	    action)) {
		name = argv[1];
		action = argv[0];
	}
	words = action_words("service", name, argc - 2, argv + 2);
	if (action_spec_load_from(&spec, reg, "service", "service", action,
	    argc - 1, words) != 0)
		goto out;
	if ((wanted = cmd_service_wanted(action)) != NULL) {
		xasprintf(&expect, "status=%s", wanted);
		if (expect_add(&spec, expect, &cause) != 0) {
			/* A DDL without a status output: no check. */
			log_debug("service: %s", cause);
			free(cause);
		}
		free(expect);
	}
	code = action_run(ctx, &spec);
out:
	action_spec_release(&spec);
	action_words_free(words);
	return (code);
}

const struct cmd_entry cmd_service_entry = {
	.name = "service",
	.args = "NAME start|stop|restart|status",
	.summary = "start, stop, restart or query a service; hosts not in the"
	    " state asked for are listed",
	.targets = 1,
	.groups = CMD_HOSTS,
	.complete = "- action",
	.exec = cmd_service_exec,
};
