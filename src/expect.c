/*
 * expect.c: --expect FIELD=VALUE turns any query into a check. The value
 * is typed by the action's DDL output (an integer output wants an integer,
 * a boolean true or false); after the run every host that answered OK but
 * whose reply holds another value, or none, is failed with a line naming
 * the field, the value expected and the value found, and the run exits 2.
 * Front-ends add their own expectations the same way (a service asked to
 * start must end running).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

/* The DDL output of that name, or NULL. */
static const struct ddl_output *
expect_output(const struct ddl_action *a, const char *field)
{
	size_t	i;

	for (i = 0; i < a->noutputs; i++) {
		if (strcmp(a->outputs[i].name, field) == 0)
			return (&a->outputs[i]);
	}
	return (NULL);
}

/* "ensure, version, arch": the outputs there are, for a message. */
static char *
expect_outputs(const struct ddl_action *a)
{
	struct strbuf	sb = STRBUF_INIT;
	size_t		i;

	for (i = 0; i < a->noutputs; i++)
		strbuf_addf(&sb, "%s%s", i == 0 ? "" : ", ",
		    a->outputs[i].name);
	if (sb.len == 0)
		strbuf_addstr(&sb, "none");
	return (strbuf_detach(&sb));
}

/* Type the value by the output's type; -1 with *cause. */
static int
expect_type(struct expect *e, enum ddl_type type, char **cause)
{
	char	*end;

	errno = 0;
	switch (type) {
	case DDL_INTEGER:
		e->type = EXPECT_INTEGER;
		e->integer = strtoll(e->text, &end, 10);
		if (*e->text == '\0' || *end != '\0' || errno != 0)
			goto bad;
		break;
	case DDL_FLOAT:
	case DDL_NUMBER:
		e->type = EXPECT_NUMBER;
		e->number = strtod(e->text, &end);
		/* nan equals nothing, not even a nan: no host could meet it. */
		if (*e->text == '\0' || *end != '\0' || errno != 0 ||
		    !isfinite(e->number))
			goto bad;
		break;
	case DDL_BOOLEAN:
		e->type = EXPECT_BOOLEAN;
		if (strcmp(e->text, "true") == 0)
			e->boolean = 1;
		else if (strcmp(e->text, "false") == 0)
			e->boolean = 0;
		else
			goto bad;
		break;
	default:
		e->type = EXPECT_STRING;
		break;
	}
	return (0);
bad:
	xasprintf(cause, "--expect %s=%s: '%s' is %s output, the value must be"
	    " %s", e->field, e->text, e->field, ddl_type_name(type),
	    type == DDL_BOOLEAN ? "true or false" : type == DDL_INTEGER ?
	    "an integer" : "a number");
	return (-1);
}

/* Add FIELD=VALUE to the spec's expectations. */
int
expect_add(struct action_spec *spec, const char *arg, char **cause)
{
	const struct ddl_output	*out = NULL;
	const char		*eq = strchr(arg, '=');
	struct expect		 e;
	char			*names;

	memset(&e, 0, sizeof e);
	if (eq == NULL || eq == arg) {
		xasprintf(cause, "--expect needs FIELD=VALUE, not '%s'", arg);
		return (-1);
	}
	e.field = xstrndup(arg, eq - arg);
	e.text = xstrdup(eq + 1);
	if (spec->ddl_action != NULL &&
	    (out = expect_output(spec->ddl_action, e.field)) == NULL) {
		names = expect_outputs(spec->ddl_action);
		xasprintf(cause, "--expect %s: %s.%s has no output '%s'"
		    " (outputs: %s)", arg, spec->agent, spec->action, e.field,
		    names);
		free(names);
		goto fail;
	}
	if (expect_type(&e, out != NULL ? out->type : DDL_ANY, cause) != 0)
		goto fail;
	spec->expects = xreallocarray(spec->expects, spec->nexpects + 1,
	    sizeof *spec->expects);
	spec->expects[spec->nexpects++] = e;
	return (0);
fail:
	free(e.field);
	free(e.text);
	return (-1);
}

void
expect_release(struct action_spec *spec)
{
	size_t	i;

	for (i = 0; i < spec->nexpects; i++) {
		free(spec->expects[i].field);
		free(spec->expects[i].text);
	}
	free(spec->expects);
	spec->expects = NULL;
	spec->nexpects = 0;
}

/* Does the value meet the expectation? */
static int
expect_met(const struct expect *e, const msgpack_object *v)
{
	const char	*s;
	size_t		 len;
	int64_t		 n;
	double		 d;
	int		 b;
	char		*text;
	int		 same;

	switch (e->type) {
	case EXPECT_INTEGER:
		if (wire_int(v, &n) == 0)
			return (n == e->integer);
		return (wire_double(v, &d) == 0 && d == (double)e->integer);
	case EXPECT_NUMBER:
		return (wire_double(v, &d) == 0 && d == e->number);
	case EXPECT_BOOLEAN:
		return (wire_bool(v, &b) == 0 && !b == !e->boolean);
	case EXPECT_STRING:
		if (wire_str(v, &s, &len) == 0)
			return (len == strlen(e->text) &&
			    memcmp(s, e->text, len) == 0);
		/* An output of no declared type: compare as printed. */
		text = value_string(v);
		same = strcmp(text, e->text) == 0;
		free(text);
		return (same);
	}
	return (0);
}

/* What a reply value is, in the DDL's words. */
static const char *
expect_wire_kind(const msgpack_object *v)
{
	switch (wire_type(v)) {
	case WIRE_BOOL:
		return ("a boolean");
	case WIRE_INT:
		return ("an integer");
	case WIRE_DOUBLE:
		return ("a float");
	case WIRE_STR:
	case WIRE_BIN:
		return ("a string");
	default:
		return (wire_type_name(wire_type(v)));
	}
}

/* What an expectation wants. */
static const char *
expect_kind(const struct expect *e)
{
	switch (e->type) {
	case EXPECT_INTEGER:
		return ("an integer");
	case EXPECT_NUMBER:
		return ("a number");
	case EXPECT_BOOLEAN:
		return ("a boolean");
	default:
		return ("a string");
	}
}

/* Fail the host if it answered OK without every expected value. */
void
expect_host(struct host *h, const struct action_spec *spec)
{
	const struct expect	*e;
	const msgpack_object	*v;
	char			*got;
	size_t			 k;

	if (h->result.status != RESULT_OK)
		return;
	for (k = 0; k < spec->nexpects; k++) {
		e = &spec->expects[k];
		v = result_data(&h->result, e->field);
		if (v != NULL && wire_type(v) != WIRE_NIL && expect_met(e, v))
			continue;
		got = v != NULL && wire_type(v) != WIRE_NIL ?
		    value_string(v) : xstrdup("nothing");
		free(h->result.statusmsg);
		/* The same text of another type ("true" for true): say so. */
		if (strcmp(got, e->text) == 0 && v != NULL)
			xasprintf(&h->result.statusmsg, "expected %s=%s, got %s"
			    " (%s, not %s)", e->field, e->text, got,
			    expect_wire_kind(v), expect_kind(e));
		else
			xasprintf(&h->result.statusmsg, "expected %s=%s, got %s",
			    e->field, e->text, got);
		free(got);
		h->result.status = RESULT_FAILED;
		return;
	}
}

/* The same for every host (those reported already are unchanged). */
void
expect_apply(struct run *r, const struct action_spec *spec)
{
	size_t	i;

	for (i = 0; i < r->nhosts; i++)
		expect_host(r->hosts[i], spec);
}
