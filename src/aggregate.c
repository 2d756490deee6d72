/*
 * aggregate.c: the summaries an action's DDL declares over its outputs,
 * computed from every host that replied (failed replies too: the odd
 * version of a failed install is the point). summary, boolean_summary and
 * nagios_states are value distributions with their minorities; average
 * and sum are numbers. The same figures go to the summary block and to
 * --json. A DDL's "format" is not used: it is a printf format from a file,
 * and muster never hands such a string to printf.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "muster.h"

/* The field of a host that replied; NULL if absent or nil. */
static const msgpack_object *
aggregate_field(const struct host *h, const char *output)
{
	const msgpack_object	*v;

	if (!h->result.have_reply || (h->result.status != RESULT_OK &&
	    h->result.status != RESULT_FAILED))
		return (NULL);
	if ((v = result_data(&h->result, output)) == NULL ||
	    wire_type(v) == WIRE_NIL)
		return (NULL);
	return (v);
}

/* summary: the value as text. */
static char *
aggregate_text(const struct host *h, void *arg)
{
	const struct ddl_aggregate	*ag = arg;
	const msgpack_object		*v;

	if ((v = aggregate_field(h, ag->output)) == NULL)
		return (NULL);
	return (value_string(v));
}

/* boolean_summary: true and false by their labels. */
static char *
aggregate_boolean(const struct host *h, void *arg)
{
	const struct ddl_aggregate	*ag = arg;
	const msgpack_object		*v;
	int				 b;

	if ((v = aggregate_field(h, ag->output)) == NULL ||
	    wire_bool(v, &b) != 0)
		return (NULL);
	if (b)
		return (xstrdup(ag->true_label != NULL ? ag->true_label :
		    "true"));
	return (xstrdup(ag->false_label != NULL ? ag->false_label : "false"));
}

/* nagios_states: an exit code as its Nagios state; above 3 is UNKNOWN. */
static char *
aggregate_nagios(const struct host *h, void *arg)
{
	const struct ddl_aggregate	*ag = arg;
	const msgpack_object		*v;
	int64_t				 n;

	if ((v = aggregate_field(h, ag->output)) == NULL ||
	    wire_int(v, &n) != 0)
		return (NULL);
	return (xstrdup(nagios_state_name(n)));
}

/* The distribution function of an aggregate, or NULL for a number. */
static char *(*aggregate_dist_fn(const struct ddl_aggregate *ag))
    (const struct host *, void *)
{
	if (strcmp(ag->function, "summary") == 0)
		return (aggregate_text);
	if (strcmp(ag->function, "boolean_summary") == 0)
		return (aggregate_boolean);
	if (strcmp(ag->function, "nagios_states") == 0)
		return (aggregate_nagios);
	return (NULL);
}

/* average and sum: over the hosts whose field is a number. */
static int
aggregate_number(struct run *r, const struct ddl_aggregate *ag,
    double *out, size_t *count)
{
	const msgpack_object	*v;
	double			 sum = 0, d;
	int64_t			 n;
	size_t			 i, k = 0;

	for (i = 0; i < r->nhosts; i++) {
		if ((v = aggregate_field(r->hosts[i], ag->output)) == NULL)
			continue;
		if (wire_int(v, &n) == 0)
			d = (double)n;
		else if (wire_double(v, &d) != 0)
			continue;
		sum += d;
		k++;
	}
	*count = k;
	if (k == 0)
		return (-1);
	*out = strcmp(ag->function, "average") == 0 ? sum / k : sum;
	return (0);
}

/* The label of an aggregate: its output's display_as, else its name. */
static const char *
aggregate_label(const struct ddl_action *a, const struct ddl_aggregate *ag)
{
	size_t	i;

	for (i = 0; i < a->noutputs; i++) {
		if (strcmp(a->outputs[i].name, ag->output) == 0 &&
		    a->outputs[i].display_as != NULL)
			return (a->outputs[i].display_as);
	}
	return (ag->output);
}

/* Is it a function muster computes? */
static int
aggregate_known(const struct ddl_aggregate *ag)
{
	return (aggregate_dist_fn(ag) != NULL ||
	    strcmp(ag->function, "average") == 0 ||
	    strcmp(ag->function, "sum") == 0);
}

/* The aggregates' lines in the summary block. */
void
aggregate_render(FILE *f, struct run *r, const struct ddl_action *a)
{
	const struct ddl_aggregate	*ag;
	struct dist			 d;
	char				*(*fn)(const struct host *, void *);
	double				 x;
	size_t				 i, n;

	for (i = 0; a != NULL && i < a->naggregates; i++) {
		ag = &a->aggregates[i];
		if (!aggregate_known(ag))
			continue;
		if ((fn = aggregate_dist_fn(ag)) != NULL) {
			dist_build(&d, r, fn, (void *)ag);
			render_dist(f, aggregate_label(a, ag), &d);
			dist_release(&d);
			continue;
		}
		if (aggregate_number(r, ag, &x, &n) != 0)
			continue;
		fprintf(f, "%16s: ", aggregate_label(a, ag));
		if (x > -1e15 && x < 1e15 && (double)(int64_t)x == x)
			ui_fprintf(f, UI_NONE, "%lld", (long long)x);
		else
			ui_fprintf(f, UI_NONE, "%.3f", x);
		fprintf(f, " (%s of %zu host%s)\n", ag->function, n,
		    n == 1 ? "" : "s");
	}
}

/* The aggregates for --json: one object each, in the DDL's order. */
json_t *
aggregate_json(struct run *r, const struct ddl_action *a)
{
	const struct ddl_aggregate	*ag;
	struct dist			 d;
	char				*(*fn)(const struct host *, void *);
	char				*hosts;
	json_t				*list, *o, *values, *minority;
	double				 x;
	size_t				 i, j, n;

	list = json_array();
	for (i = 0; a != NULL && i < a->naggregates; i++) {
		ag = &a->aggregates[i];
		if (!aggregate_known(ag))
			continue;
		o = json_object();
		json_object_set_new(o, "function", json_string(ag->function));
		json_object_set_new(o, "output", json_string(ag->output));
		json_object_set_new(o, "label",
		    json_string(aggregate_label(a, ag)));
		if ((fn = aggregate_dist_fn(ag)) != NULL) {
			dist_build(&d, r, fn, (void *)ag);
			values = json_object();
			minority = json_object();
			for (j = 0; j < d.n; j++) {
				json_object_set_new(values, d.v[j].value,
				    json_integer(d.v[j].hosts.n));
				if (!d.v[j].minority)
					continue;
				hosts = hostlist_fold(d.v[j].hosts.hosts,
				    d.v[j].hosts.n);
				json_object_set_new(minority, d.v[j].value,
				    json_string(hosts));
				free(hosts);
			}
			json_object_set_new(o, "values", values);
			json_object_set_new(o, "minority", minority);
			dist_release(&d);
		} else if (aggregate_number(r, ag, &x, &n) == 0) {
			json_object_set_new(o, "value", json_real(x));
			json_object_set_new(o, "count", json_integer(n));
		} else {
			json_object_set_new(o, "value", json_null());
			json_object_set_new(o, "count", json_integer(0));
		}
		json_array_append_new(list, o);
	}
	return (list);
}
