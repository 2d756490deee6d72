/*
 * render.c: the human-readable answer of a run. Hosts that need attention
 * come first and in colour, then the summary block: nodes answered out of
 * targeted, one line per failure class with the hosts folded, and the
 * elapsed time. Value distributions highlight values held by a minority of
 * hosts and name those hosts, so that one server of eight that differs
 * cannot be overlooked.
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"

/* Order of failure classes in the table and the summary. */
static const enum result_status render_order[] = {
	RESULT_FAILED, RESULT_AGENT, RESULT_HOSTKEY, RESULT_AUTH,
	RESULT_TIMEOUT, RESULT_UNREACHABLE, RESULT_CANCELLED, RESULT_SKIPPED,
	RESULT_OK
};
#define RENDER_NORDER	(sizeof render_order / sizeof render_order[0])

/* Column of host names: the longest name, at least 12. */
static int
render_name_width(struct run *r)
{
	size_t	i, w = 12;

	for (i = 0; i < r->nhosts; i++) {
		if (strlen(r->hosts[i]->name) + 2 > w)
			w = strlen(r->hosts[i]->name) + 2;
	}
	return ((int)w);
}

/* The colour of a status. */
static enum ui_color
render_color(enum result_status s)
{
	switch (s) {
	case RESULT_OK:
		return (UI_NONE);
	case RESULT_SKIPPED:
		return (UI_YELLOW);
	default:
		return (UI_RED);
	}
}

/* Write text with every line after the first indented to the column. */
static void
render_indented(FILE *f, enum ui_color c, const char *text, size_t len,
    int col)
{
	const char	*p = text, *end = text + len, *nl;
	char		*line;
	int		 first = 1;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		if (!first)
			fprintf(f, "%*s", col, "");
		line = xstrndup(p, nl - p);
		ui_fputs(f, c, line);
		fputc('\n', f);
		free(line);
		first = 0;
		p = nl + 1;
	}
	if (first)
		fputc('\n', f);
}

/* A nested map (facts, say): one "key=value" a line, under the first. */
static void
render_map_lines(FILE *f, const msgpack_object *m, int col)
{
	const msgpack_object	*v;
	const char		*k;
	size_t			 i, klen, n = 0;

	for (i = 0; i < wire_len(m); i++) {
		if (wire_map_at(m, i, &k, &klen, &v) != 0)
			continue;
		if (n++ > 0)
			fprintf(f, "%*s", col, "");
		ui_write(f, UI_NONE, k, klen);
		fputc('=', f);
		value_print(f, v);
		fputc('\n', f);
	}
}

/* One "Label: value" line, the label right-aligned to width w. */
static void
render_field(FILE *f, const char *label, const msgpack_object *v, int col,
    size_t w)
{
	const char	*s;
	size_t		 len = strlen(label), slen;

	fprintf(f, "%*s%*s", col, "", (int)(w > len ? w - len : 0), "");
	ui_write(f, UI_NONE, label, len);
	fputs(": ", f);
	if (wire_type(v) == WIRE_MAP && wire_len(v) > 0)
		render_map_lines(f, v, col + (int)w + 2);
	else if (wire_str(v, &s, &slen) == 0 && slen > 0 &&
	    memchr(s, '\n', slen) != NULL) {
		/* Tool output: every line under the first, indented. */
		if (s[slen - 1] == '\n')
			slen--;
		render_indented(f, UI_NONE, s, slen, col + (int)w + 2);
	} else {
		value_print(f, v);
		fputc('\n', f);
	}
}

/* Does a value say nothing (nil, an empty string)? Left out. */
static int
render_empty(const msgpack_object *v)
{
	return (wire_type(v) == WIRE_NIL ||
	    (wire_type(v) == WIRE_STR && wire_len(v) == 0));
}

/* The label of a reply key: the DDL's display_as, else the key. */
static char *
render_label(const struct ddl_action *a, const char *k, size_t klen,
    int *declared)
{
	size_t	i;

	*declared = 0;
	for (i = 0; a != NULL && i < a->noutputs; i++) {
		if (strlen(a->outputs[i].name) != klen ||
		    memcmp(a->outputs[i].name, k, klen) != 0)
			continue;
		*declared = 1;
		if (a->outputs[i].display_as != NULL)
			return (xstrdup(a->outputs[i].display_as));
		break;
	}
	return (xstrndup(k, klen));
}

/*
 * The data map as "Label: value" lines under the host: the DDL's outputs
 * first, in its order and by their display_as, then anything else the
 * agent sent, by its key.
 */
static void
render_data(FILE *f, const struct host *h, int col,
    const struct ddl_action *a)
{
	const msgpack_object	*data = h->result.reply.data, *v;
	const char		*k;
	char			*label;
	size_t			 i, klen, w = 0;
	int			 declared;

	if (!h->result.have_reply || data == NULL)
		return;
	for (i = 0; i < wire_len(data); i++) {
		if (wire_map_at(data, i, &k, &klen, &v) != 0)
			continue;
		label = render_label(a, k, klen, &declared);
		if (strlen(label) > w)
			w = strlen(label);
		free(label);
	}
	for (i = 0; a != NULL && i < a->noutputs; i++) {
		v = result_data(&h->result, a->outputs[i].name);
		if (v == NULL || render_empty(v))
			continue;
		render_field(f, a->outputs[i].display_as != NULL ?
		    a->outputs[i].display_as : a->outputs[i].name, v, col, w);
	}
	for (i = 0; i < wire_len(data); i++) {
		if (wire_map_at(data, i, &k, &klen, &v) != 0 ||
		    (a != NULL && render_empty(v)))
			continue;
		label = render_label(a, k, klen, &declared);
		if (!declared)
			render_field(f, label, v, col, w);
		free(label);
	}
}

/* Columns a host's one-line form may take (names included). */
#define RENDER_LINE_MAX	100

/* Add "Label: value" to a one-line form; 0 if it cannot be one line. */
static int
render_line_add(struct strbuf *sb, const char *label,
    const msgpack_object *v)
{
	char	*text;
	int	 ok;

	/* Empty strings and nils say nothing: leave them out. */
	if (render_empty(v))
		return (1);
	if (wire_type(v) == WIRE_MAP || wire_type(v) == WIRE_ARRAY)
		return (0);
	text = value_string(v);
	ok = strchr(text, '\n') == NULL;
	if (ok)
		strbuf_addf(sb, "%s%s: %s", sb->len > 0 ? ", " : "", label,
		    text);
	free(text);
	return (ok);
}

/*
 * A host's data as one line of short scalars, "Status: running, ...";
 * NULL when the data needs the block form (maps, lists, multi-line text,
 * more than fits after the name column).
 */
static char *
render_data_text(const struct host *h, int col, const struct ddl_action *a)
{
	const msgpack_object	*data = h->result.reply.data, *v;
	struct strbuf		 sb = STRBUF_INIT;
	const char		*k;
	char			*label;
	size_t			 i, klen;
	int			 declared, ok = 1;

	if (a == NULL || !h->result.have_reply || data == NULL ||
	    wire_len(data) == 0)
		return (NULL);
	for (i = 0; ok && i < a->noutputs; i++) {
		if ((v = result_data(&h->result, a->outputs[i].name)) != NULL)
			ok = render_line_add(&sb, a->outputs[i].display_as !=
			    NULL ? a->outputs[i].display_as :
			    a->outputs[i].name, v);
	}
	for (i = 0; ok && i < wire_len(data); i++) {
		if (wire_map_at(data, i, &k, &klen, &v) != 0)
			continue;
		label = render_label(a, k, klen, &declared);
		if (!declared)
			ok = render_line_add(&sb, label, v);
		free(label);
	}
	if (!ok || sb.len == 0 || col + sb.len > RENDER_LINE_MAX) {
		strbuf_release(&sb);
		return (NULL);
	}
	return (strbuf_detach(&sb));
}

/*
 * An OK host with such data on one line after its name, so a status
 * query of 500 hosts is 500 lines; 0 (nothing printed) otherwise.
 */
static int
render_data_line(FILE *f, const struct host *h, int col,
    const struct ddl_action *a)
{
	char	*text;

	if ((text = render_data_text(h, col, a)) == NULL)
		return (0);
	fprintf(f, "%-*s", col, h->name);
	ui_fputs(f, UI_NONE, text);
	fputc('\n', f);
	free(text);
	return (1);
}

/* A note under a host whose reply names another sender. */
static void
render_sender(FILE *f, const struct host *h, int col)
{
	const char	*sender;

	if ((sender = result_foreign_sender(&h->result)) == NULL)
		return;
	fprintf(f, "%*s", col, "");
	ui_fputs(f, UI_YELLOW, "sender: ");
	ui_write(f, UI_YELLOW, sender, strlen(sender));
	fputc('\n', f);
}

/* Should this host be listed under the display mode? */
static int
render_wanted(const struct host *h, enum display_mode mode)
{
	switch (mode) {
	case DISPLAY_ALL:
		return (1);
	case DISPLAY_OK:
		return (h->result.status == RESULT_OK);
	case DISPLAY_FAILED:
		return (h->result.status != RESULT_OK);
	default:
		return (0);
	}
}

/* Rank of a status in render_order. */
static size_t
render_rank(enum result_status s)
{
	size_t	k;

	for (k = 0; k < RENDER_NORDER; k++) {
		if (render_order[k] == s)
			return (k);
	}
	return (RENDER_NORDER);
}

static int
render_host_cmp(const void *a, const void *b)
{
	const struct host	*ha = *(struct host *const *)a;
	const struct host	*hb = *(struct host *const *)b;
	size_t			 ra, rb;

	ra = render_rank(ha->result.status);
	rb = render_rank(hb->result.status);
	if (ra != rb)
		return (ra < rb ? -1 : 1);
	return (hostlist_natcmp(ha->name, hb->name));
}

/* Hosts sorted: failure classes first, then by name; NULL-terminated. */
static struct host **
render_sorted(struct run *r)
{
	struct host	**v;

	v = xcalloc(r->nhosts + 1, sizeof *v);
	memcpy(v, r->hosts, r->nhosts * sizeof *v);
	qsort(v, r->nhosts, sizeof *v, render_host_cmp);
	return (v);
}

/* The per-host lines, by display mode. */
void
render_results(FILE *f, struct run *r, const struct action_spec *spec,
    enum display_mode mode)
{
	struct host	**sorted, *h;
	size_t		  i, shown = 0;
	int		  col;
	enum ui_color	  c;
	const char	 *msg;
	char		 *text;

	if (spec->render_results != NULL) {
		spec->render_results(f, r, mode);
		return;
	}
	col = render_name_width(r);
	sorted = render_sorted(r);
	for (i = 0; sorted[i] != NULL; i++) {
		h = sorted[i];
		if (!render_wanted(h, mode))
			continue;
		if (spec->shown_elsewhere != NULL && spec->shown_elsewhere(h))
			continue;
		c = render_color(h->result.status);
		if (h->result.status == RESULT_OK && spec->render_host == NULL &&
		    render_data_line(f, h, col, spec->ddl_action)) {
			render_sender(f, h, col);
			shown++;
			continue;
		}
		if (h->result.status == RESULT_OK && spec->render_host == NULL) {
			/* The data lines follow under the name. */
			fprintf(f, "%s\n", h->name);
			render_data(f, h, col, spec->ddl_action);
			render_sender(f, h, col);
			shown++;
			continue;
		}
		fprintf(f, "%-*s", col, h->name);
		if (h->result.status == RESULT_OK) {
			spec->render_host(f, h);
		} else {
			msg = h->result.statusmsg != NULL ?
			    h->result.statusmsg : "";
			if (h->result.have_reply)
				render_indented(f, c, msg, strlen(msg), col);
			else {
				ui_fprintf(f, c, "%s: ",
				    result_status_name(h->result.status));
				render_indented(f, c, msg, strlen(msg), col);
			}
			if (h->result.have_reply && spec->render_host != NULL &&
			    h->result.status == RESULT_FAILED) {
				fprintf(f, "%*s", col, "");
				spec->render_host(f, h);
			} else if (h->result.have_reply &&
			    mode == DISPLAY_ALL && spec->ddl_action != NULL &&
			    h->result.status == RESULT_FAILED) {
				/* Its data too, on one line when it fits. */
				if ((text = render_data_text(h, col,
				    spec->ddl_action)) != NULL) {
					fprintf(f, "%*s", col, "");
					ui_fputs(f, UI_NONE, text);
					fputc('\n', f);
					free(text);
				} else
					render_data(f, h, col,
					    spec->ddl_action);
			}
		}
		render_sender(f, h, col);
		shown++;
	}
	if (shown > 0)
		fputc('\n', f);
	free(sorted);
}

/* Hosts with one status, folded. */
char *
render_fold_status(struct run *r, enum result_status s)
{
	struct hostlist	 l = HOSTLIST_INIT;
	char		*out;
	size_t		 i;

	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->result.status == s)
			hostlist_add(&l, r->hosts[i]->name);
	}
	out = hostlist_fold(l.hosts, l.n);
	hostlist_release(&l);
	return (out);
}

/* Hosts whose reply names another sender, folded; NULL if none. */
static char *
render_fold_senders(struct run *r, size_t *n)
{
	struct hostlist	 l = HOSTLIST_INIT;
	char		*out = NULL;
	size_t		 i;

	for (i = 0; i < r->nhosts; i++) {
		if (result_foreign_sender(&r->hosts[i]->result) != NULL)
			hostlist_add(&l, r->hosts[i]->name);
	}
	*n = l.n;
	if (l.n > 0)
		out = hostlist_fold(l.hosts, l.n);
	hostlist_release(&l);
	return (out);
}

/* Count hosts with a status. */
static size_t
render_count(struct run *r, enum result_status s)
{
	size_t	i, n = 0;

	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->result.status == s)
			n++;
	}
	return (n);
}

/* The summary block. */
void
render_summary(FILE *f, struct run *r, const struct action_spec *spec)
{
	static const char	*labels[RESULT_NSTATUS] = {
		NULL, NULL, "Failed", "Skipped", "Unreachable", "Timeout",
		"Auth Failed", "Host Key", "Agent Error", "Cancelled"
	};
	size_t			 k, n, answered;
	char			*hosts;
	enum result_status	 s;

	answered = render_count(r, RESULT_OK) + render_count(r, RESULT_FAILED) +
	    render_count(r, RESULT_SKIPPED);
	ui_fprintf(f, UI_BOLD, "---- %s %s summary ----\n", spec->agent,
	    spec->action);
	fprintf(f, "%16s: ", "Nodes");
	ui_fprintf(f, answered < r->nhosts ? UI_RED : UI_NONE, "%zu / %zu\n",
	    answered, r->nhosts);
	for (k = 0; k < RENDER_NORDER; k++) {
		s = render_order[k];
		if (labels[s] == NULL || (n = render_count(r, s)) == 0)
			continue;
		hosts = render_fold_status(r, s);
		fprintf(f, "%16s: ", labels[s]);
		ui_fprintf(f, render_color(s), "%zu   %s\n", n, hosts);
		free(hosts);
	}
	if ((hosts = render_fold_senders(r, &n)) != NULL) {
		fprintf(f, "%16s: ", "Foreign Sender");
		ui_fprintf(f, UI_YELLOW, "%zu   %s\n", n, hosts);
		free(hosts);
	}
	if (spec->render_summary != NULL)
		spec->render_summary(f, r);
	aggregate_render(f, r, spec->ddl_action);
	fprintf(f, "%16s: %.2f s\n", "Elapsed Time",
	    fanout_elapsed_ms(r) / 1000.0);
}

/* A distribution line, minorities highlighted with their hosts. */
void
render_dist(FILE *f, const char *label, const struct dist *d)
{
	char	*hosts;
	size_t	 j;

	if (d->n == 0)
		return;
	fprintf(f, "%16s: ", label);
	for (j = 0; j < d->n; j++) {
		if (j > 0)
			fputs(", ", f);
		if (d->v[j].minority) {
			hosts = hostlist_fold_max(d->v[j].hosts.hosts,
			    d->v[j].hosts.n, HOSTLIST_FOLD_LINE);
			ui_fprintf(f, UI_YELLOW, "%zu * %s %s",
			    d->v[j].hosts.n, d->v[j].value, hosts);
			free(hosts);
		} else
			ui_fprintf(f, UI_NONE, "%zu * %s", d->v[j].hosts.n,
			    d->v[j].value);
	}
	fputc('\n', f);
}

/* render_distribution()'s value function, through dist_build()'s. */
static char *
render_distribution_value(const struct host *h, void *arg)
{
	char	*(**value)(const struct host *) = arg;

	return ((*value)(h));
}

/* A value distribution line with minorities highlighted. */
void
render_distribution(FILE *f, const char *label, struct run *r,
    char *(*value)(const struct host *))
{
	struct dist	d;

	dist_build(&d, r, render_distribution_value, &value);
	render_dist(f, label, &d);
	dist_release(&d);
}
