/*
 * agent-policy.c: may this caller run this action on this host? The host
 * decides, not the client (DESIGN section 8).
 *
 * The rules of an agent are policy_dir/AGENT.policy (include/policy.h),
 * read for every request, so a change holds at once, in warm sessions
 * too. Without that file, policy_default in agent.conf decides; without
 * that, a caller who came by a forced-command key (--caller) may run
 * rpcutil and nothing else, and a full login may run anything (it could
 * run the same over ssh). A file that cannot be read or parsed denies
 * every action of its agent, and the verdict names the file and line.
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "policy.h"

void
agent_policy_release(struct agent_verdict *v)
{
	free(v->reason);
	free(v->rule);
	memset(v, 0, sizeof *v);
}

void
agent_policy_decide(const struct conf *conf, const char *caller, int forced,
    const char *agent, const char *action, struct agent_verdict *v)
{
	struct policy_file	*p;
	struct policy_decision	 d;
	char			*path = NULL, *text = NULL, *cause = NULL;
	size_t			 len = 0;
	int			 r, line;

	memset(v, 0, sizeof *v);
	if (conf->policy_dir != NULL) {
		xasprintf(&path, "%s/%s.policy", conf->policy_dir, agent);
		r = agent_read_file(path, POLICY_FILE_MAX, &text, &len, NULL,
		    &cause);
	} else
		r = 1;

	if (r == 1) {
		/* No rules for this agent. */
		if (conf->policy_default != NULL) {
			v->allow = strcmp(conf->policy_default, "allow") == 0;
			xasprintf(&v->reason, "%s by policy_default in"
			    " agent.conf (no %s.policy)", v->allow ?
			    "allowed" : "denied", agent);
			v->rule = xstrdup("policy_default");
		} else if (forced && strcmp(agent, "rpcutil") != 0) {
			v->allow = 0;
			xasprintf(&v->reason, "denied: caller %s has a"
			    " forced-command key and no %s.policy allows it",
			    caller, agent);
			v->rule = xstrdup("forced-command");
		} else {
			v->allow = 1;
			xasprintf(&v->reason, "allowed: no %s.policy, and %s",
			    agent, forced ? "rpcutil is open to every caller" :
			    "a full login may run anything");
			v->rule = xstrdup(forced ? "rpcutil" : "login");
		}
		free(path);
		return;
	}
	if (r == -1) {
		v->allow = 0;
		xasprintf(&v->reason, "denied: policy %s", cause);
		xasprintf(&v->rule, "%s.policy:unreadable", agent);
		free(cause);
		free(path);
		return;
	}
	if ((p = policy_parse(text, len, &cause, &line)) == NULL) {
		v->allow = 0;
		xasprintf(&v->reason, "denied: policy %s %s", path, cause);
		xasprintf(&v->rule, "%s.policy:%d:malformed", agent, line);
		free(cause);
		free(text);
		free(path);
		return;
	}
	policy_decide(p, caller, action, facts_get(conf), &d);
	v->allow = d.allow;
	if (d.line != 0) {
		xasprintf(&v->reason, "%s by policy %s.policy line %d",
		    d.allow ? "allowed" : "denied", agent, d.line);
		xasprintf(&v->rule, "%s.policy:%d", agent, d.line);
	} else {
		xasprintf(&v->reason, "denied by policy %s.policy (no rule"
		    " matched and no 'policy default')", agent);
		xasprintf(&v->rule, "%s.policy:default", agent);
	}
	policy_free(p);
	free(text);
	free(path);
}
