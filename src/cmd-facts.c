/*
 * cmd-facts.c: muster facts [FACT]: what the fact cache (with the
 * inventory's static facts filling in: a host's own facts win) knows of
 * the selected hosts, nothing contacted. With FACT, how the hosts spread
 * over its values, the most common first, a minority's hosts folded after
 * it, and the hosts with no value; without, every fact key known and on
 * how many hosts. muster facts --refresh calls rpcutil inventory on every
 * selected host and keeps what each answers in the cache.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "muster.h"

/* One value of the fact, or one key, and its hosts. */
struct facts_value {
	char		*value;
	struct hostlist	 hosts;
};
struct facts_count {
	struct facts_value	*v;
	size_t			 n;
	struct nameset		 seen;
	struct hostlist		 unknown;	/* no value, no facts */
	size_t			 total;		/* hosts selected */
};

static void
facts_count_add(struct facts_count *c, const char *value, const char *host)
{
	size_t	j;

	if (!nameset_find(&c->seen, value, &j)) {
		c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
		j = c->n++;
		c->v[j].value = xstrdup(value);
		hostlist_init(&c->v[j].hosts);
		nameset_add(&c->seen, c->v[j].value, j);
	}
	hostlist_add(&c->v[j].hosts, host);
}

static void
facts_count_release(struct facts_count *c)
{
	size_t	j;

	for (j = 0; j < c->n; j++) {
		free(c->v[j].value);
		hostlist_release(&c->v[j].hosts);
	}
	free(c->v);
	nameset_release(&c->seen);
	hostlist_release(&c->unknown);
}

/* Most hosts first, then by value. */
static int
facts_by_count(const void *a, const void *b)
{
	const struct facts_value	*va = a, *vb = b;

	if (va->hosts.n != vb->hosts.n)
		return (va->hosts.n > vb->hosts.n ? -1 : 1);
	return (strcmp(va->value, vb->value));
}

static int
facts_by_value(const void *a, const void *b)
{
	const struct facts_value	*va = a, *vb = b;

	return (strcmp(va->value, vb->value));
}

/* Not the most common value, and held by half of the hosts or fewer. */
static int
facts_minority(const struct facts_count *c, size_t j)
{
	size_t	counted = c->total - c->unknown.n;

	return (j > 0 && c->v[j].hosts.n * 2 <= counted);
}

static json_t *
facts_json_hosts(const struct hostlist *l)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->hosts[i]));
	return (a);
}

static void
facts_print_fact(const char *fact, const struct facts_count *c, int json)
{
	json_t	*j, *a, *o;
	char	*hosts;
	size_t	 i, w = 0;

	if (json) {
		j = json_object();
		json_object_set_new(j, "fact", json_string(fact));
		a = json_array();
		for (i = 0; i < c->n; i++) {
			o = json_object();
			json_object_set_new(o, "value",
			    json_string_bytes(c->v[i].value,
			    strlen(c->v[i].value)));
			json_object_set_new(o, "count",
			    json_integer((json_int_t)c->v[i].hosts.n));
			json_object_set_new(o, "minority",
			    json_boolean(facts_minority(c, i)));
			json_object_set_new(o, "hosts",
			    facts_json_hosts(&c->v[i].hosts));
			json_array_append_new(a, o);
		}
		json_object_set_new(j, "values", a);
		o = json_object();
		json_object_set_new(o, "count",
		    json_integer((json_int_t)c->unknown.n));
		json_object_set_new(o, "hosts", facts_json_hosts(&c->unknown));
		json_object_set_new(j, "unknown", o);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
		return;
	}
	ui_fprintf(stdout, UI_BOLD, "Report for fact: %s\n\n", fact);
	for (i = 0; i < c->n; i++) {
		if (strlen(c->v[i].value) > w)
			w = strlen(c->v[i].value);
	}
	if (w > 40)
		w = 40;
	for (i = 0; i < c->n; i++) {
		fputs("  ", stdout);
		ui_fputs(stdout, UI_NONE, c->v[i].value);
		printf("%*s  found %zu time%s", (int)(w -
		    (strlen(c->v[i].value) < w ? strlen(c->v[i].value) : w)),
		    "", c->v[i].hosts.n, c->v[i].hosts.n == 1 ? "" : "s");
		if (facts_minority(c, i)) {
			hosts = hostlist_fold_max(c->v[i].hosts.hosts,
			    c->v[i].hosts.n, HOSTLIST_FOLD_LINE);
			ui_fprintf(stdout, UI_YELLOW, "  %s", hosts);
			free(hosts);
		}
		fputc('\n', stdout);
	}
	if (c->unknown.n > 0) {
		hosts = hostlist_fold_max(c->unknown.hosts, c->unknown.n,
		    HOSTLIST_FOLD_LINE);
		printf("%sunknown: %zu host%s %s\n", c->n > 0 ? "\n" : "",
		    c->unknown.n, c->unknown.n == 1 ? "" : "s", hosts);
		free(hosts);
	}
}

static void
facts_print_keys(const struct facts_count *c, int json)
{
	json_t	*j, *o;
	char	*hosts;
	size_t	 i, w = 0;

	if (json) {
		j = json_object();
		o = json_object();
		for (i = 0; i < c->n; i++)
			json_object_set_new(o, c->v[i].value,
			    json_integer((json_int_t)c->v[i].hosts.n));
		json_object_set_new(j, "facts", o);
		json_object_set_new(j, "hosts",
		    json_integer((json_int_t)c->total));
		json_object_set_new(j, "unknown",
		    facts_json_hosts(&c->unknown));
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
		return;
	}
	for (i = 0; i < c->n; i++) {
		if (strlen(c->v[i].value) > w)
			w = strlen(c->v[i].value);
	}
	for (i = 0; i < c->n; i++) {
		fputs("  ", stdout);
		ui_fputs(stdout, UI_NONE, c->v[i].value);
		printf("%*s  on %zu host%s\n",
		    (int)(w - strlen(c->v[i].value)), "", c->v[i].hosts.n,
		    c->v[i].hosts.n == 1 ? "" : "s");
	}
	if (c->unknown.n > 0) {
		hosts = hostlist_fold_max(c->unknown.hosts, c->unknown.n,
		    HOSTLIST_FOLD_LINE);
		printf("%sno facts known: %zu host%s %s\n",
		    c->n > 0 ? "\n" : "", c->unknown.n,
		    c->unknown.n == 1 ? "" : "s", hosts);
		free(hosts);
	}
}

/* One line beside each host that answered rpcutil inventory. */
static void
facts_refresh_host(FILE *f, const struct host *h)
{
	const msgpack_object	*o;
	size_t			 nf = 0, nc = 0, na = 0;

	if ((o = result_data(&h->result, "facts")) != NULL)
		nf = wire_len(o);
	if ((o = result_data(&h->result, "classes")) != NULL)
		nc = wire_len(o);
	if ((o = result_data(&h->result, "agents")) != NULL)
		na = wire_len(o);
	fprintf(f, "%zu facts, %zu classes, %zu agents\n", nf, nc, na);
}

/* facts --refresh: rpcutil inventory everywhere; action.c caches it. */
static int
facts_refresh(struct cmd_ctx *ctx)
{
	struct action_spec	spec;
	int			code = EXIT_USAGE;

	if (action_spec_load(&spec, "facts", "rpcutil", "inventory", 0,
	    NULL) == 0) {
		spec.display = DISPLAY_FAILED;
		spec.render_host = facts_refresh_host;
		code = action_run(ctx, &spec);
	}
	action_spec_release(&spec);
	return (code);
}

static int
cmd_facts_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct hostlist		 l = HOSTLIST_INIT;
	struct facts_count	 c;
	struct factcache	*fc = NULL;
	struct inventory	*inv = NULL;
	struct factset		 fs;
	struct factset_want	 want;
	const struct fact	*f;
	const char		*fact = argc > 0 ? argv[0] : NULL;
	char			*cause = NULL;
	size_t			 i, k;
	time_t			 t;
	int			 code = EXIT_USAGE;

	if (argc > 1) {
		log_warnx("facts: unexpected argument '%s'", argv[1]);
		return (EXIT_USAGE);
	}
	if (ctx->refresh) {
		if (fact != NULL) {
			log_warnx("facts: --refresh takes no FACT ('%s')",
			    fact);
			return (EXIT_USAGE);
		}
		return (facts_refresh(ctx));
	}
	if (fact != NULL && (*fact == '\0' || strlen(fact) > FACTS_KEY_MAX)) {
		log_warnx("facts: '%s' is not a fact name", fact);
		return (EXIT_USAGE);
	}
	memset(&c, 0, sizeof c);
	nameset_init(&c.seen);
	factset_want_init(&want);
	hostlist_init(&c.unknown);
	if ((code = selection_hosts(ctx, &l)) != EXIT_ALL_OK)
		goto out;
	fc = factcache_load();
	inv = factcache_inventory(ctx);
	c.total = l.n;
	/* One fact asked for: of each record, that fact is read. */
	if (fact != NULL)
		factset_want_key(&want, fact);
	factset_want_done(&want);
	for (i = 0; i < l.n; i++) {
		factcache_host_facts(fc, inv, l.hosts[i], fact != NULL ?
		    &want : NULL, &fs, &t);
		if (fact != NULL) {
			if ((f = factset_get(&fs, fact)) == NULL)
				hostlist_add(&c.unknown, l.hosts[i]);
			else
				facts_count_add(&c, f->text, l.hosts[i]);
		} else if (fs.nfacts == 0)
			hostlist_add(&c.unknown, l.hosts[i]);
		else {
			for (k = 0; k < fs.nfacts; k++)
				facts_count_add(&c, fs.facts[k].key,
				    l.hosts[i]);
		}
		factset_release(&fs);
	}
	if (c.n > 0)
		qsort(c.v, c.n, sizeof *c.v, fact != NULL ? facts_by_count :
		    facts_by_value);
	if (fact != NULL)
		facts_print_fact(fact, &c, ctx->json);
	else
		facts_print_keys(&c, ctx->json);
	code = EXIT_ALL_OK;
	if (ui_output_error() != 0)
		code = EXIT_IOERR;
out:
	factset_want_release(&want);
	facts_count_release(&c);
	hostlist_release(&l);
	factcache_free(fc);
	if (inv != NULL)
		inventory_free(inv);
	free(cause);
	return (code);
}

const struct cmd_entry cmd_facts_entry = {
	.name = "facts",
	.args = "[FACT]",
	.summary = "the values of a fact over the hosts, from the fact cache",
	.targets = 1,
	.exec = cmd_facts_exec,
	.groups = CMD_HOSTS,
	.options = CMD_OPTIONS(OPT_REFRESH),
	.complete = "-",
};
