/*
 * cmd-rpc.c: muster rpc AGENT ACTION [KEY=VALUE ...], the generic caller.
 * Inputs are checked and typed against what the action declares before
 * any host is contacted: an unknown action or input, a missing required
 * input or a value of the wrong type is one line and exit 64.
 *
 * The declarations below cover the agents this version ships; the DDL
 * files of the typed agents replace this table (DESIGN section 5).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

enum rpc_type {
	RPC_STRING,
	RPC_INTEGER,
	RPC_BOOLEAN,
};

struct rpc_input {
	const char	*name;
	enum rpc_type	 type;
	int		 optional;
	size_t		 maxlength;
};

struct rpc_action {
	const char		*agent;
	const char		*action;
	int			 timeout;
	enum display_mode	 display;
	struct rpc_input	 inputs[4];
};

static const struct rpc_action rpc_actions[] = {
	{ "rpcutil", "ping", 10, DISPLAY_ALL, { { NULL, 0, 0, 0 } } },
	{ "rpcutil", "inventory", 20, DISPLAY_ALL, { { NULL, 0, 0, 0 } } },
	{ "rpcutil", "get_fact", 10, DISPLAY_ALL,
	  { { "fact", RPC_STRING, 0, 128 }, { NULL, 0, 0, 0 } } },
	{ "rpcutil", "agent_inventory", 10, DISPLAY_ALL,
	  { { NULL, 0, 0, 0 } } },
	{ "shell", "run", 60, DISPLAY_ALL,
	  { { "command", RPC_STRING, 0, 65536 },
	    { "timeout", RPC_INTEGER, 1, 0 }, { NULL, 0, 0, 0 } } },
};
#define RPC_NACTIONS	(sizeof rpc_actions / sizeof rpc_actions[0])

/* Encode one value as its declared type; -1 with *cause if it is not. */
static int
cmd_rpc_value(struct wire_writer *w, const struct rpc_input *in,
    const char *v, char **cause)
{
	char	*end;
	long long n;

	switch (in->type) {
	case RPC_STRING:
		if (in->maxlength > 0 && strlen(v) > in->maxlength) {
			xasprintf(cause, "input '%s' is longer than %zu"
			    " characters", in->name, in->maxlength);
			return (-1);
		}
		wire_put_kstr(w, in->name, v);
		return (0);
	case RPC_INTEGER:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0) {
			xasprintf(cause, "input '%s' must be an integer, not"
			    " '%s'", in->name, v);
			return (-1);
		}
		wire_put_kint(w, in->name, n);
		return (0);
	case RPC_BOOLEAN:
		if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
		    strcmp(v, "1") == 0)
			wire_put_kbool(w, in->name, 1);
		else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
		    strcmp(v, "0") == 0)
			wire_put_kbool(w, in->name, 0);
		else {
			xasprintf(cause, "input '%s' must be true or false,"
			    " not '%s'", in->name, v);
			return (-1);
		}
		return (0);
	}
	return (-1);
}

/* Check KEY=VALUE arguments against the action and pack them. */
static int
cmd_rpc_args(const struct rpc_action *a, int argc, char **argv,
    struct wire_writer *w, char **cause)
{
	const struct rpc_input	*in;
	const char		*given[4] = { NULL, NULL, NULL, NULL };
	char			*eq;
	size_t			 i, n = 0;
	int			 k;

	for (k = 0; k < argc; k++) {
		if ((eq = strchr(argv[k], '=')) == NULL || eq == argv[k]) {
			xasprintf(cause, "argument '%s' is not KEY=VALUE",
			    argv[k]);
			return (-1);
		}
		for (i = 0; a->inputs[i].name != NULL; i++) {
			if (strlen(a->inputs[i].name) ==
			    (size_t)(eq - argv[k]) && strncmp(argv[k],
			    a->inputs[i].name, eq - argv[k]) == 0)
				break;
		}
		if (a->inputs[i].name == NULL) {
			xasprintf(cause, "%s.%s has no input '%.*s'",
			    a->agent, a->action, (int)(eq - argv[k]), argv[k]);
			return (-1);
		}
		if (given[i] != NULL) {
			xasprintf(cause, "input '%s' given twice",
			    a->inputs[i].name);
			return (-1);
		}
		given[i] = eq + 1;
		n++;
	}
	for (i = 0; a->inputs[i].name != NULL; i++) {
		if (given[i] == NULL && !a->inputs[i].optional) {
			xasprintf(cause, "%s.%s needs input '%s'", a->agent,
			    a->action, a->inputs[i].name);
			return (-1);
		}
	}
	wire_put_map(w, n);
	for (i = 0; a->inputs[i].name != NULL; i++) {
		in = &a->inputs[i];
		if (given[i] != NULL && cmd_rpc_value(w, in, given[i],
		    cause) != 0)
			return (-1);
	}
	return (0);
}

static int
cmd_rpc_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct rpc_action	*a = NULL;
	struct action_spec	 spec;
	char			*cause = NULL;
	size_t			 i;
	int			 code;

	if (argc < 2) {
		log_warnx("rpc: expected AGENT ACTION [KEY=VALUE ...]");
		return (EXIT_USAGE);
	}
	for (i = 0; i < RPC_NACTIONS; i++) {
		if (strcmp(rpc_actions[i].agent, argv[0]) == 0 &&
		    strcmp(rpc_actions[i].action, argv[1]) == 0) {
			a = &rpc_actions[i];
			break;
		}
	}
	if (a == NULL) {
		for (i = 0; i < RPC_NACTIONS; i++) {
			if (strcmp(rpc_actions[i].agent, argv[0]) == 0)
				break;
		}
		if (i == RPC_NACTIONS)
			log_warnx("rpc: unknown agent '%s' (known: rpcutil,"
			    " shell)", argv[0]);
		else
			log_warnx("rpc: agent '%s' has no action '%s'",
			    argv[0], argv[1]);
		return (EXIT_USAGE);
	}
	action_spec_init(&spec, a->agent, a->action);
	spec.timeout = a->timeout;
	spec.display = a->display;
	if (cmd_rpc_args(a, argc - 2, argv + 2, &spec.args, &cause) != 0) {
		log_warnx("rpc: %s", cause);
		free(cause);
		action_spec_release(&spec);
		return (EXIT_USAGE);
	}
	code = action_run(ctx, &spec);
	action_spec_release(&spec);
	return (code);
}

const struct cmd_entry cmd_rpc_entry = {
	"rpc", "AGENT ACTION [KEY=VALUE ...]",
	"call any agent action; inputs are checked before sending",
	1, cmd_rpc_exec, 0
};
