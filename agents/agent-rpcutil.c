/*
 * agent-rpcutil.c: the rpcutil agent, questions about the agent itself:
 * ping, inventory, get_fact, agent_inventory, and policy_check (what the
 * policy says of a caller running an action, nothing run).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "policy.h"

static void	rpcutil_ping(struct call *);
static void	rpcutil_inventory(struct call *);
static void	rpcutil_get_fact(struct call *);
static void	rpcutil_agent_inventory(struct call *);
static void	rpcutil_policy_check(struct call *);
static int	rpcutil_name_ok(const char *);

static const struct input_decl rpcutil_get_fact_inputs[] = {
	{ "fact", INPUT_STRING, 1, 128, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct input_decl rpcutil_policy_check_inputs[] = {
	{ "caller", INPUT_STRING, 1, POLICY_NAME_MAX, 0, 0, policy_caller_ok,
	    "a caller name ([A-Za-z0-9._@-])" },
	{ "agent", INPUT_STRING, 1, POLICY_NAME_MAX, 0, 0, rpcutil_name_ok,
	    "an agent name ([a-z0-9_])" },
	{ "action", INPUT_STRING, 1, POLICY_NAME_MAX, 0, 0, rpcutil_name_ok,
	    "an action name ([a-z0-9_])" },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct action_entry rpcutil_actions[] = {
	{ "ping", rpcutil_ping, NULL },
	{ "inventory", rpcutil_inventory, NULL },
	{ "get_fact", rpcutil_get_fact, rpcutil_get_fact_inputs },
	{ "agent_inventory", rpcutil_agent_inventory, NULL },
	{ "policy_check", rpcutil_policy_check, rpcutil_policy_check_inputs },
	{ NULL, NULL, NULL }
};

const struct agent_entry rpcutil_agent = {
	"rpcutil",
	rpcutil_actions
};

/* ping: the time here, to show the agent answers. */
static void
rpcutil_ping(struct call *c)
{
	wire_put_map(&c->data, 1);
	wire_put_kint(&c->data, "pong", (int64_t)time(NULL));
}

/* inventory: identity, facts, classes and what this agent offers. */
static void
rpcutil_inventory(struct call *c)
{
	const struct factset	*fs = facts_get(c->conf);

	wire_put_map(&c->data, 6);
	wire_put_kstr(&c->data, "identity", c->conf->identity);
	wire_put_str(&c->data, "facts");
	factset_put_facts(&c->data, fs);
	wire_put_str(&c->data, "classes");
	factset_put_classes(&c->data, fs);
	wire_put_str(&c->data, "agents");
	factset_put_agents(&c->data, fs);
	wire_put_kstr(&c->data, "version", AGENT_VERSION);
	wire_put_kint(&c->data, "protocol", MUSTER_PROTOCOL_VERSION);
}

/* get_fact: the value of one fact, typed; nil when it is unknown. */
static void
rpcutil_get_fact(struct call *c)
{
	char	*name;

	if (call_input_str(c, "fact", 1, 128, &name) != 0)
		return;
	wire_put_map(&c->data, 2);
	wire_put_kstr(&c->data, "fact", name);
	wire_put_str(&c->data, "value");
	factset_put_value(&c->data, factset_get(facts_get(c->conf), name));
	free(name);
}

/* agent_inventory: each agent with its actions. */
static void
rpcutil_agent_inventory(struct call *c)
{
	const struct agent_entry	*a;
	size_t				 n, i, nact;

	for (n = 0; dispatch_agents[n] != NULL; n++)
		;
	wire_put_map(&c->data, 1);
	wire_put_str(&c->data, "agents");
	wire_put_array(&c->data, n);
	for (i = 0; i < n; i++) {
		a = dispatch_agents[i];
		wire_put_map(&c->data, 2);
		wire_put_kstr(&c->data, "agent", a->name);
		for (nact = 0; a->actions[nact].name != NULL; nact++)
			;
		wire_put_str(&c->data, "actions");
		wire_put_array(&c->data, nact);
		for (nact = 0; a->actions[nact].name != NULL; nact++)
			wire_put_str(&c->data, a->actions[nact].name);
	}
}

/* An agent or action name: lower-case letters, digits and '_'. */
static int
rpcutil_name_ok(const char *s)
{
	size_t	len = strlen(s);

	return (len > 0 && len <= POLICY_NAME_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len);
}

/*
 * policy_check: the verdict this host's policy gives a caller for an
 * action, as if the caller came by a forced-command key (what policies
 * are for); nothing is run. An agent this host does not run is denied.
 */
static void
rpcutil_policy_check(struct call *c)
{
	const struct agent_entry	*const *a;
	struct agent_verdict		 v;
	char				*caller, *agent, *action;

	if (call_input_str(c, "caller", 1, POLICY_NAME_MAX, &caller) != 0)
		return;
	if (call_input_str(c, "agent", 1, POLICY_NAME_MAX, &agent) != 0) {
		free(caller);
		return;
	}
	if (call_input_str(c, "action", 1, POLICY_NAME_MAX, &action) != 0) {
		free(caller);
		free(agent);
		return;
	}
	for (a = dispatch_agents; *a != NULL; a++) {
		if (strcmp((*a)->name, agent) == 0)
			break;
	}
	if (*a == NULL) {
		memset(&v, 0, sizeof v);
		xasprintf(&v.reason, "denied: this host runs no %s agent",
		    agent);
	} else
		agent_policy_decide(c->conf, caller, 1, agent, action, &v);
	wire_put_map(&c->data, 2);
	wire_put_kstr(&c->data, "decision", v.allow ? "allow" : "deny");
	wire_put_kstr(&c->data, "reason", v.reason);
	agent_policy_release(&v);
	free(caller);
	free(agent);
	free(action);
}
