/*
 * agent-dispatch.c: the table of agents and their actions, the dispatch of
 * a request to its handler, and the checks of a handler's inputs.
 *
 * A request's filter comes first: when it does not hold on this host's
 * live facts, the request is skipped, whatever it asks for, and nothing
 * else of it is looked at (a host without the package agent, asked with
 * -A package, answers skipped, not Unknown Action).
 *
 * Then the policy (agent-policy.c): a caller it does not allow is denied
 * with Request Aborted (1) and the rule that said so, before any input
 * is looked at or anything run.
 *
 * The agent checks every input itself, whatever the client validated
 * against the DDL: a missing required input is Missing Request Data (3),
 * one of the wrong type or out of bounds Invalid Request Data (4), each
 * with a message naming the input.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

const struct agent_entry *const dispatch_agents[] = {
	&rpcutil_agent,
	&shell_agent,
	&nrpe_agent,
	&service_agent,
	&package_agent,
	&puppet_agent,
	NULL
};

/* The declaration of an input, or NULL. */
static const struct input_decl *
dispatch_decl(const struct input_decl *inputs, const char *name,
    size_t len)
{
	const struct input_decl	*d;

	for (d = inputs; d != NULL && d->name != NULL; d++) {
		if (strlen(d->name) == len && memcmp(d->name, name, len) == 0)
			return (d);
	}
	return (NULL);
}

/* Check one present input against its declaration. */
static int
dispatch_check_one(struct call *c, const struct input_decl *d,
    const msgpack_object *v)
{
	size_t	 max = d->maxlen != 0 ? d->maxlen : 1024;
	char	*s;
	int64_t	 n;
	int	 ok;

	switch (d->type) {
	case INPUT_STRING:
		if (wire_type(v) != WIRE_STR)
			break;
		if (wire_len(v) > max) {
			call_fail(c, MUSTER_INVALID_DATA, "invalid input '%s':"
			    " longer than %zu bytes", d->name, max);
			return (-1);
		}
		if ((s = wire_strdup(v)) == NULL) {
			call_fail(c, MUSTER_INVALID_DATA, "invalid input '%s':"
			    " it holds a NUL byte", d->name);
			return (-1);
		}
		ok = d->valid == NULL || d->valid(s);
		free(s);
		if (!ok) {
			call_fail(c, MUSTER_INVALID_DATA, "invalid input '%s':"
			    " not %s", d->name, d->rule != NULL ? d->rule :
			    "acceptable");
			return (-1);
		}
		return (0);
	case INPUT_INTEGER:
		if (wire_type(v) != WIRE_INT)
			break;
		if (wire_int(v, &n) != 0 || n < d->min || n > d->max) {
			call_fail(c, MUSTER_INVALID_DATA, "invalid input '%s':"
			    " not from %lld to %lld", d->name,
			    (long long)d->min, (long long)d->max);
			return (-1);
		}
		return (0);
	case INPUT_BOOLEAN:
		if (wire_type(v) != WIRE_BOOL)
			break;
		return (0);
	}
	call_fail(c, MUSTER_INVALID_DATA, "invalid input '%s': %s needed, not"
	    " %s", d->name, d->type == INPUT_STRING ? "a string" :
	    d->type == INPUT_INTEGER ? "an integer" : "a boolean",
	    wire_type_name(wire_type(v)));
	return (-1);
}

/*
 * Check the request's inputs against the action's declarations before its
 * handler runs; 0, or -1 with the call failed.
 */
static int
dispatch_check(struct call *c, const struct input_decl *inputs)
{
	const msgpack_object	*args = c->req->args, *v;
	const struct input_decl	*d;
	const char		*k;
	size_t			 i, klen;

	for (i = 0; args != NULL && i < wire_len(args); i++) {
		if (wire_map_at(args, i, &k, &klen, &v) != 0) {
			call_fail(c, MUSTER_INVALID_DATA, "invalid input: a key"
			    " that is not a string");
			return (-1);
		}
		if ((d = dispatch_decl(inputs, k, klen)) == NULL) {
			call_fail(c, MUSTER_INVALID_DATA, "invalid input"
			    " '%.*s': %s.%s takes no such input",
			    (int)(klen > 64 ? 64 : klen), k, c->req->agent,
			    c->req->action);
			return (-1);
		}
		if (wire_type(v) == WIRE_NIL)
			continue;
		if (dispatch_check_one(c, d, v) != 0)
			return (-1);
	}
	for (d = inputs; d != NULL && d->name != NULL; d++) {
		v = args != NULL ? wire_map_get(args, d->name) : NULL;
		if (d->required && (v == NULL || wire_type(v) == WIRE_NIL)) {
			call_fail(c, MUSTER_MISSING_DATA, "missing input '%s'",
			    d->name);
			return (-1);
		}
	}
	return (0);
}

/*
 * Does the request's filter hold on this host's facts? 1 when it does or
 * there is none; 0 when it does not, with the call skipped; -1 after
 * failing the call for a filter that cannot be decoded.
 */
static int
dispatch_filter(struct call *c)
{
	struct filter		*f;
	enum filter_result	 r;
	char			*cause = NULL;

	if (c->req->filter == NULL)
		return (1);
	if ((f = filter_from_wire(c->req->filter, &cause)) == NULL) {
		call_fail(c, MUSTER_INVALID_DATA, "invalid request 'filter': %s",
		    cause);
		free(cause);
		return (-1);
	}
	/* The set is complete: a fact it lacks is absent, never unknown. */
	r = filter_eval(f, facts_get(c->conf));
	filter_free(f);
	if (r == FILTER_YES)
		return (1);
	log_debug("%s: %s.%s skipped", __func__, c->req->agent,
	    c->req->action);
	free(c->statusmsg);
	c->statusmsg = xstrdup("skipped: the filter does not match this host");
	c->statuscode = MUSTER_OK;
	c->skipped = 1;
	return (0);
}

/* Does the policy allow the call? 0, or -1 with the call denied. */
static int
dispatch_policy(struct call *c)
{
	struct agent_verdict	v;
	int			allow;

	agent_policy_decide(c->conf, c->caller, c->forced, c->req->agent,
	    c->req->action, &v);
	free(c->decision);
	xasprintf(&c->decision, "%s %s", v.allow ? "allow" : "deny", v.rule);
	if ((allow = v.allow) == 0) {
		log_debug("%s: %s", __func__, v.reason);
		call_fail(c, MUSTER_ABORTED, "%s", v.reason);
	}
	agent_policy_release(&v);
	return (allow ? 0 : -1);
}

/* Run the action the request names, if its filter holds here. */
void
dispatch(struct call *c)
{
	const struct agent_entry	*const *a;
	const struct action_entry	*act;
	const char			*agent = c->req->agent;
	const char			*action = c->req->action;

	if (dispatch_filter(c) != 1)
		return;
	for (a = dispatch_agents; *a != NULL; a++) {
		if (strcmp((*a)->name, agent) != 0)
			continue;
		for (act = (*a)->actions; act->name != NULL; act++) {
			if (strcmp(act->name, action) == 0) {
				log_debug("%s: %s.%s", __func__, agent, action);
				if (dispatch_policy(c) == 0 &&
				    dispatch_check(c, act->inputs) == 0)
					act->exec(c);
				return;
			}
		}
		break;
	}
	call_fail(c, MUSTER_UNKNOWN_ACTION, "Unknown Action: %s.%s", agent,
	    action);
}

/* Fail the call with a status code and message. */
void
call_fail(struct call *c, int code, const char *fmt, ...)
{
	va_list	ap;

	free(c->statusmsg);
	va_start(ap, fmt);
	xvasprintf(&c->statusmsg, fmt, ap);
	va_end(ap);
	c->statuscode = code;
}

/* The input of that name; NULL (after failing if required) when absent. */
static const msgpack_object *
call_input(struct call *c, const char *name, int required)
{
	const msgpack_object	*v;

	v = wire_map_get(c->req->args, name);
	if (v != NULL && wire_type(v) != WIRE_NIL)
		return (v);
	if (required)
		call_fail(c, MUSTER_MISSING_DATA, "missing input '%s'", name);
	return (NULL);
}

/* A string input. */
int
call_input_str(struct call *c, const char *name, int required,
    size_t maxlen, char **out)
{
	const msgpack_object	*v;

	*out = NULL;
	if ((v = call_input(c, name, required)) == NULL)
		return (required ? -1 : 1);
	if (wire_type(v) != WIRE_STR) {
		call_fail(c, MUSTER_INVALID_DATA,
		    "invalid input '%s': a string is needed, not %s", name,
		    wire_type_name(wire_type(v)));
		return (-1);
	}
	if (wire_len(v) > maxlen) {
		call_fail(c, MUSTER_INVALID_DATA,
		    "invalid input '%s': longer than %zu bytes", name, maxlen);
		return (-1);
	}
	if ((*out = wire_strdup(v)) == NULL) {
		call_fail(c, MUSTER_INVALID_DATA,
		    "invalid input '%s': it holds a NUL byte", name);
		return (-1);
	}
	return (0);
}

/* An integer input from min to max. */
int
call_input_int(struct call *c, const char *name, int required, int64_t min,
    int64_t max, int64_t *out)
{
	const msgpack_object	*v;

	if ((v = call_input(c, name, required)) == NULL)
		return (required ? -1 : 1);
	if (wire_type(v) != WIRE_INT) {
		call_fail(c, MUSTER_INVALID_DATA,
		    "invalid input '%s': an integer is needed, not %s", name,
		    wire_type_name(wire_type(v)));
		return (-1);
	}
	if (wire_int(v, out) != 0 || *out < min || *out > max) {
		call_fail(c, MUSTER_INVALID_DATA,
		    "invalid input '%s': not from %lld to %lld", name,
		    (long long)min, (long long)max);
		return (-1);
	}
	return (0);
}
