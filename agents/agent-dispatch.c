/*
 * agent-dispatch.c: the table of agents and their actions, the dispatch of
 * a request to its handler, and the checks of a handler's inputs.
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
	NULL
};

/* Run the action the request names. */
void
dispatch(struct call *c)
{
	const struct agent_entry	*const *a;
	const struct action_entry	*act;
	const char			*agent = c->req->agent;
	const char			*action = c->req->action;

	for (a = dispatch_agents; *a != NULL; a++) {
		if (strcmp((*a)->name, agent) != 0)
			continue;
		for (act = (*a)->actions; act->name != NULL; act++) {
			if (strcmp(act->name, action) == 0) {
				log_debug("%s: %s.%s", __func__, agent, action);
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
