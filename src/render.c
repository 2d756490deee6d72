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

/* Print a decoded value on one line. */
void
render_value(FILE *f, const msgpack_object *o)
{
	const char		*s, *k;
	const msgpack_object	*v;
	size_t			 len, i, klen;
	int64_t			 n;
	double			 d;
	int			 b;

	switch (wire_type(o)) {
	case WIRE_NIL:
		fputs("-", f);
		break;
	case WIRE_BOOL:
		wire_bool(o, &b);
		fputs(b ? "true" : "false", f);
		break;
	case WIRE_INT:
		wire_int(o, &n);
		fprintf(f, "%lld", (long long)n);
		break;
	case WIRE_DOUBLE:
		wire_double(o, &d);
		fprintf(f, "%g", d);
		break;
	case WIRE_STR:
		wire_str(o, &s, &len);
		ui_write(f, UI_NONE, s, len);
		break;
	case WIRE_ARRAY:
		for (i = 0; i < wire_len(o); i++) {
			if (i > 0)
				fputs(", ", f);
			render_value(f, wire_array_at(o, i));
		}
		break;
	case WIRE_MAP:
		for (i = 0; i < wire_len(o); i++) {
			if (wire_map_at(o, i, &k, &klen, &v) != 0)
				continue;
			if (i > 0)
				fputs(", ", f);
			ui_write(f, UI_NONE, k, klen);
			fputc('=', f);
			render_value(f, v);
		}
		break;
	default:
		fputs("?", f);
		break;
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
		render_value(f, v);
		fputc('\n', f);
	}
}

/* The data map as "key: value" lines under the host. */
static void
render_data(FILE *f, const struct host *h, int col)
{
	const msgpack_object	*data = h->result.reply.data, *v;
	const char		*k;
	size_t			 i, klen, w = 0;

	if (!h->result.have_reply || data == NULL)
		return;
	for (i = 0; i < wire_len(data); i++) {
		if (wire_map_at(data, i, &k, &klen, &v) == 0 && klen > w)
			w = klen;
	}
	for (i = 0; i < wire_len(data); i++) {
		if (wire_map_at(data, i, &k, &klen, &v) != 0)
			continue;
		fprintf(f, "%*s%*s", col, "", (int)(w - klen), "");
		ui_write(f, UI_NONE, k, klen);
		fputs(": ", f);
		if (wire_type(v) == WIRE_MAP && wire_len(v) > 0)
			render_map_lines(f, v, col + (int)w + 2);
		else {
			render_value(f, v);
			fputc('\n', f);
		}
	}
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
		if (h->result.status == RESULT_OK && spec->render_host == NULL) {
			/* The data lines follow under the name. */
			fprintf(f, "%s\n", h->name);
			render_data(f, h, col);
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
	fprintf(f, "%16s: %.2f s\n", "Elapsed Time",
	    fanout_elapsed_ms(r) / 1000.0);
}

/* The exit code of a finished run (DESIGN section 1). */
int
render_exit_code(struct run *r)
{
	size_t	i;
	int	code = EXIT_ALL_OK;

	if (r->nhosts == 0)
		return (EXIT_NO_MATCH);
	for (i = 0; i < r->nhosts; i++) {
		if (result_status_unanswered(r->hosts[i]->result.status))
			return (EXIT_NO_ANSWER);
		if (r->hosts[i]->result.status == RESULT_FAILED)
			code = EXIT_FAILED;
	}
	return (code);
}

struct render_value_count {
	char		*value;
	struct hostlist	 hosts;
};

static int
render_value_count_cmp(const void *a, const void *b)
{
	const struct render_value_count	*va = a, *vb = b;

	if (va->hosts.n != vb->hosts.n)
		return (va->hosts.n > vb->hosts.n ? -1 : 1);
	return (strcmp(va->value, vb->value));
}

/* A value distribution line with minorities highlighted. */
void
render_distribution(FILE *f, const char *label, struct run *r,
    char *(*value)(const struct host *))
{
	struct render_value_count	*v = NULL;
	size_t				 nv = 0, i, j, total = 0;
	char				*s, *hosts;
	int				 minority;

	for (i = 0; i < r->nhosts; i++) {
		if ((s = value(r->hosts[i])) == NULL)
			continue;
		total++;
		for (j = 0; j < nv; j++) {
			if (strcmp(v[j].value, s) == 0)
				break;
		}
		if (j == nv) {
			v = xreallocarray(v, nv + 1, sizeof *v);
			v[nv].value = s;
			hostlist_init(&v[nv].hosts);
			nv++;
		} else
			free(s);
		hostlist_add(&v[j].hosts, r->hosts[i]->name);
	}
	if (nv == 0)
		return;
	qsort(v, nv, sizeof *v, render_value_count_cmp);
	fprintf(f, "%16s: ", label);
	for (j = 0; j < nv; j++) {
		if (j > 0)
			fputs(", ", f);
		/* Not the most common value, and held by under half. */
		minority = j > 0 && v[j].hosts.n * 2 <= total;
		if (minority) {
			hosts = hostlist_fold(v[j].hosts.hosts, v[j].hosts.n);
			ui_fprintf(f, UI_YELLOW, "%zu * %s %s", v[j].hosts.n,
			    v[j].value, hosts);
			free(hosts);
		} else
			ui_fprintf(f, UI_NONE, "%zu * %s", v[j].hosts.n,
			    v[j].value);
	}
	fputc('\n', f);
	for (j = 0; j < nv; j++) {
		free(v[j].value);
		hostlist_release(&v[j].hosts);
	}
	free(v);
}
