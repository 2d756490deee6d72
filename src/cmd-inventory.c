/*
 * cmd-inventory.c: muster inventory HOST: everything known about one
 * host, nothing contacted: the inventory's static facts and groups, then
 * the fact cache's record (facts, classes, agents and when they were
 * collected). muster inventory --format FMT FIELD...: one line per
 * selected host, each %s of FMT the next FIELD's value (a fact, or
 * identity/host for the name), as a report for scripts.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "muster.h"

/* "3 minutes ago" for an age in seconds. */
static void
inventory_age(char *buf, size_t len, time_t age)
{
	if (age < 0)
		age = 0;
	if (age < 120)
		snprintf(buf, len, "%lld seconds ago", (long long)age);
	else if (age < 7200)
		snprintf(buf, len, "%lld minutes ago", (long long)age / 60);
	else if (age < 172800)
		snprintf(buf, len, "%lld hours ago", (long long)age / 3600);
	else
		snprintf(buf, len, "%lld days ago", (long long)age / 86400);
}

static json_t *
inventory_json_names(char **names, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string_bytes(names[i],
		    strlen(names[i])));
	return (a);
}

/* A fact's value as JSON, typed. */
static json_t *
inventory_json_fact(const struct fact *f)
{
	switch (f->type) {
	case FACT_INTEGER:
		return (json_integer((json_int_t)f->integer));
	case FACT_FLOAT:
		return (json_real(f->number));
	case FACT_BOOLEAN:
		return (json_boolean(f->boolean));
	case FACT_STRING:
		break;
	}
	return (json_string_bytes(f->text, strlen(f->text)));
}

static void
inventory_names(const char *label, char **names, size_t n)
{
	size_t	i;

	printf("\n   %s:\n", label);
	if (n == 0)
		printf("      (none)\n");
	for (i = 0; i < n; i++) {
		fputs("      ", stdout);
		ui_fputs(stdout, UI_NONE, names[i]);
		fputc('\n', stdout);
	}
}

static void
inventory_facts(const struct factset *fs)
{
	size_t	i, w = 0;

	for (i = 0; i < fs->nfacts; i++) {
		if (strlen(fs->facts[i].key) > w)
			w = strlen(fs->facts[i].key);
	}
	for (i = 0; i < fs->nfacts; i++) {
		printf("      %-*s = ", (int)w, fs->facts[i].key);
		ui_fputs(stdout, UI_NONE, fs->facts[i].text);
		fputc('\n', stdout);
	}
}

/* muster inventory HOST. */
static int
inventory_host(struct cmd_ctx *ctx, const char *host)
{
	struct inventory		*inv;
	const struct inventory_host	*ih = NULL;
	struct factcache		*fc;
	const struct factset		*cached;
	struct factset			 st;
	char				**groups = NULL, age[64], when[64];
	size_t				 i, ngroups = 0;
	time_t				 t = 0;
	struct tm			 tm;
	json_t				*j, *o;
	int				 code = EXIT_ALL_OK;

	inv = factcache_inventory(ctx);
	fc = factcache_load();
	factset_init(&st);
	if (inv != NULL && (ih = inventory_find(inv, host)) != NULL) {
		for (i = 0; i < ih->nfacts; i++) {
			if (strcmp(ih->facts[i].key, "group") == 0) {
				groups = xreallocarray(groups, ngroups + 1,
				    sizeof *groups);
				groups[ngroups++] = ih->facts[i].value;
			} else
				factset_set(&st, ih->facts[i].key,
				    ih->facts[i].value);
		}
		factset_sort(&st);
	}
	cached = factcache_get(fc, host, &t);
	if (ih == NULL && cached == NULL) {
		log_warnx("inventory: nothing is known of '%s' (not in the"
		    " inventory, not in the fact cache: muster facts"
		    " --refresh -w %s)", host, host);
		code = EXIT_NO_MATCH;
		goto out;
	}
	when[0] = age[0] = '\0';
	if (cached != NULL) {
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		inventory_age(age, sizeof age, time(NULL) - t);
	}

	if (ctx->json) {
		j = json_object();
		json_object_set_new(j, "host", json_string(host));
		json_object_set_new(j, "in_inventory", json_boolean(ih != NULL));
		o = json_object();
		for (i = 0; i < st.nfacts; i++)
			json_object_set_new(o, st.facts[i].key,
			    json_string_bytes(st.facts[i].text,
			    strlen(st.facts[i].text)));
		json_object_set_new(j, "static_facts", o);
		json_object_set_new(j, "groups",
		    inventory_json_names(groups, ngroups));
		if (cached != NULL) {
			json_object_set_new(j, "time",
			    json_integer((json_int_t)t));
			o = json_object();
			for (i = 0; i < cached->nfacts; i++)
				json_object_set_new(o, cached->facts[i].key,
				    inventory_json_fact(&cached->facts[i]));
			json_object_set_new(j, "facts", o);
			json_object_set_new(j, "classes", inventory_json_names(
			    cached->classes, cached->nclasses));
			json_object_set_new(j, "agents", inventory_json_names(
			    cached->agents, cached->nagents));
		} else {
			json_object_set_new(j, "time", json_null());
			json_object_set_new(j, "facts", json_null());
			json_object_set_new(j, "classes", json_null());
			json_object_set_new(j, "agents", json_null());
		}
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
		goto done;
	}

	ui_fprintf(stdout, UI_BOLD, "Inventory for %s:\n", host);
	if (ih == NULL)
		printf("\n   Not in the inventory.\n");
	else {
		printf("\n   Static facts (%s):\n", ctx->sel.inventory_used !=
		    NULL ? ctx->sel.inventory_used : "inventory");
		if (st.nfacts == 0)
			printf("      (none)\n");
		inventory_facts(&st);
		printf("\n   Groups: ");
		for (i = 0; i < ngroups; i++)
			printf("%s%s", i > 0 ? ", " : "", groups[i]);
		printf("%s\n", ngroups == 0 ? "(none)" : "");
	}
	if (cached == NULL) {
		printf("\n   No cached facts (muster facts --refresh -w %s).\n",
		    host);
		goto done;
	}
	printf("\n   Facts (collected %s, %s):\n", when, age);
	inventory_facts(cached);
	inventory_names("Classes", cached->classes, cached->nclasses);
	inventory_names("Agents", cached->agents, cached->nagents);
done:
	if (ui_output_error() != 0)
		code = EXIT_IOERR;
out:
	free(groups);
	factset_release(&st);
	factcache_free(fc);
	if (inv != NULL)
		inventory_free(inv);
	return (code);
}

/*
 * Check FMT against the fields: as many %s as fields, no other
 * conversion. -1 with *cause.
 */
static int
inventory_format_check(const char *fmt, int nfields, char **cause)
{
	const char	*p;
	int		 n = 0;

	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (p[1] != 's') {
			xasprintf(cause, "inventory: --format: only %%s and"
			    " %%%% are known, not '%%%.1s' at column %zu",
			    p + 1, (size_t)(p - fmt) + 1);
			return (-1);
		}
		n++;
		p++;
	}
	if (n != nfields) {
		xasprintf(cause, "inventory: --format has %d %%s but %d"
		    " field%s given", n, nfields, nfields == 1 ? " is" :
		    "s are");
		return (-1);
	}
	return (0);
}

/* One line of FMT, each %s the next value (sanitised). */
static void
inventory_format_line(const char *fmt, char **values)
{
	struct strbuf	 sb = STRBUF_INIT;
	const char	*p;
	int		 n = 0;

	for (p = fmt; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			switch (*p) {
			case 't':
				strbuf_addch(&sb, '\t');
				break;
			case 'n':
				strbuf_addch(&sb, '\n');
				break;
			case '\\':
				strbuf_addch(&sb, '\\');
				break;
			default:
				strbuf_addch(&sb, '\\');
				strbuf_addch(&sb, *p);
				break;
			}
		} else if (*p == '%' && p[1] == '%') {
			strbuf_addch(&sb, '%');
			p++;
		} else if (*p == '%' && p[1] == 's') {
			strbuf_addstr(&sb, values[n++]);
			p++;
		} else
			strbuf_addch(&sb, *p);
	}
	if (sb.len == 0 || sb.buf[sb.len - 1] != '\n')
		strbuf_addch(&sb, '\n');
	ui_fputs(stdout, UI_NONE, sb.buf);
	strbuf_release(&sb);
}

/* muster inventory --format FMT FIELD... */
static int
inventory_format(struct cmd_ctx *ctx, int nfields, char **fields)
{
	struct hostlist		 l = HOSTLIST_INIT;
	struct factcache	*fc = NULL;
	struct inventory	*inv = NULL;
	struct factset		 fs;
	struct factset_want	 want;
	const struct fact	*f;
	char			*cause = NULL, **values;
	size_t			 i;
	int			 k, code = EXIT_USAGE;
	time_t			 t;

	if (inventory_format_check(ctx->format, nfields, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	factset_want_init(&want);
	values = xreallocarray(NULL, nfields + 1, sizeof *values);
	if ((code = selection_hosts(ctx, &l)) != EXIT_ALL_OK)
		goto out;
	if (ctx->header) {
		for (k = 0; k < nfields; k++)
			values[k] = fields[k];
		inventory_format_line(ctx->format, values);
	}
	fc = factcache_load();
	inv = factcache_inventory(ctx);
	/* Of each record, the fields asked for are read. */
	for (k = 0; k < nfields; k++)
		factset_want_key(&want, fields[k]);
	factset_want_done(&want);
	for (i = 0; i < l.n; i++) {
		factcache_host_facts(fc, inv, l.hosts[i], &want, &fs, &t);
		for (k = 0; k < nfields; k++) {
			if (strcmp(fields[k], "identity") == 0 ||
			    strcmp(fields[k], "host") == 0)
				values[k] = l.hosts[i];
			else if ((f = factset_get(&fs, fields[k])) != NULL)
				values[k] = f->text;
			else
				values[k] = (char *)"";
		}
		inventory_format_line(ctx->format, values);
		factset_release(&fs);
	}
	code = EXIT_ALL_OK;
	if (ui_output_error() != 0)
		code = EXIT_IOERR;
out:
	factset_want_release(&want);
	free(values);
	hostlist_release(&l);
	factcache_free(fc);
	if (inv != NULL)
		inventory_free(inv);
	free(cause);
	return (code);
}

static int
cmd_inventory_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (ctx->format != NULL)
		return (inventory_format(ctx, argc, argv));
	if (ctx->header) {
		log_warnx("inventory: --header goes with --format FMT");
		return (EXIT_USAGE);
	}
	if (argc != 1) {
		log_warnx("inventory: give one HOST, or --format FMT"
		    " FIELD...");
		return (EXIT_USAGE);
	}
	return (inventory_host(ctx, argv[0]));
}

const struct cmd_entry cmd_inventory_entry = {
	.name = "inventory",
	.args = "HOST | --format FMT FIELD...",
	.summary = "what is known of a host; or a line per host (--format)",
	.exec = cmd_inventory_exec,
	.groups = CMD_SELECTION | CMD_OUTPUT,
	.options = CMD_OPTIONS(OPT_FORMAT, OPT_HEADER),
	.complete = "-",
};
