/*
 * nagios.c: the --nagios sink, for a check of the whole fleet run from
 * Nagios itself. One plugin line counts the hosts in each state, with
 * perfdata, then one line per host that is not OK; the exit code is the
 * plugin's: CRITICAL (2) if any host is critical, else WARNING (1), else
 * UNKNOWN (3), else OK (0). A host that gave no answer, or no exit code,
 * counts as UNKNOWN: a silent host is never taken for a healthy one.
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"

enum nagios_state {
	NAGIOS_OK,
	NAGIOS_WARNING,
	NAGIOS_CRITICAL,
	NAGIOS_UNKNOWN,
};
static const char *nagios_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* A plugin exit code as its state's name; anything but 0-3 is UNKNOWN. */
const char *
nagios_state_name(int64_t code)
{
	return (nagios_names[code < 0 || code > 3 ? NAGIOS_UNKNOWN : code]);
}

/* A host's state from its reply's exitcode. */
static enum nagios_state
nagios_state(const struct host *h)
{
	const msgpack_object	*v;
	int64_t			 n;

	if (!h->result.have_reply || (h->result.status != RESULT_OK &&
	    h->result.status != RESULT_FAILED))
		return (NAGIOS_UNKNOWN);
	if ((v = result_data(&h->result, "exitcode")) == NULL ||
	    wire_int(v, &n) != 0 || n < 0 || n > 3)
		return (NAGIOS_UNKNOWN);
	/* An expectation that failed an OK check makes it critical. */
	if (n == 0 && h->result.status == RESULT_FAILED)
		return (NAGIOS_CRITICAL);
	return ((enum nagios_state)n);
}

/* Count the hosts in each state. */
static void
nagios_count(struct run *r, size_t counts[4])
{
	size_t	i;

	memset(counts, 0, 4 * sizeof *counts);
	for (i = 0; i < r->nhosts; i++)
		counts[nagios_state(r->hosts[i])]++;
}

/*
 * Nagios reads the first '|' of a plugin's output as the start of its
 * perfdata, whether in the first line or in a line after it, and the
 * first line is the plugin line. So the check's name keeps its first line
 * with any '|' made a '/', and a host's text ends at its first '|' (what
 * a plugin writes after it is its own perfdata) or newline.
 */
static void
nagios_plain_name(char *name)
{
	char	*p;

	name[strcspn(name, "\n")] = '\0';
	for (p = name; *p != '\0'; p++) {
		if (*p == '|')
			*p = '/';
	}
}

static void
nagios_plain_text(char *text)
{
	size_t	len;

	len = strcspn(text, "|\n");
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	text[len] = '\0';
}

/* What the check's name is: its "command" input, else the action. */
static char *
nagios_check_name(const struct action_spec *spec)
{
	struct wire_msg		 msg;
	const msgpack_object	*v;
	const char		*data, *cause;
	char			*name = NULL;
	size_t			 len, used;

	memset(&msg, 0, sizeof msg);
	data = wire_writer_data(&spec->args, &len);
	if (wire_decode(data, len, &msg, &used, &cause) == 1 &&
	    (v = wire_map_get(msg.root, "command")) != NULL)
		name = wire_strdup(v);
	wire_msg_release(&msg);
	if (name == NULL)
		name = xstrdup(spec->action);
	nagios_plain_name(name);
	return (name);
}

static void
nagios_finish(FILE *f, struct run *r, const struct action_spec *spec,
    const struct cmd_ctx *ctx, enum display_mode mode)
{
	const struct host	*h;
	const msgpack_object	*v;
	enum nagios_state	 st;
	size_t			 counts[4], i, len, skip;
	char			*name, *text;

	(void)ctx;
	(void)mode;
	nagios_count(r, counts);
	name = nagios_check_name(spec);
	ui_fprintf(f, UI_NONE, "%s: OK: %zu WARNING: %zu CRITICAL: %zu"
	    " UNKNOWN: %zu|total=%zu ok=%zu warn=%zu crit=%zu unknown=%zu"
	    " checktime=%.3fs\n", name, counts[0], counts[1], counts[2],
	    counts[3], r->nhosts, counts[0], counts[1], counts[2], counts[3],
	    fanout_elapsed_ms(r) / 1000.0);
	free(name);
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		if ((st = nagios_state(h)) == NAGIOS_OK)
			continue;
		if (h->result.have_reply &&
		    (v = result_data(&h->result, "output")) != NULL &&
		    wire_type(v) == WIRE_STR && wire_len(v) > 0)
			text = value_string(v);
		else if (h->result.have_reply)
			text = xstrdup(h->result.statusmsg != NULL ?
			    h->result.statusmsg : "");
		else
			xasprintf(&text, "%s: %s",
			    result_status_name(h->result.status),
			    h->result.statusmsg != NULL ?
			    h->result.statusmsg : "no answer");
		/* One line per host, and no perfdata of its own. */
		nagios_plain_text(text);
		/* "WARNING: x" from the plugin is not said twice. */
		len = strlen(nagios_names[st]);
		skip = strncmp(text, nagios_names[st], len) == 0 &&
		    text[len] == ':' ? len + 1 + strspn(text + len + 1, " ") : 0;
		ui_fprintf(f, UI_NONE, "%s %s: %s\n", h->name,
		    nagios_names[st], text + skip);
		free(text);
	}
}

/* The worst state, as Nagios ranks them. */
static int
nagios_exit_code(struct run *r, int code)
{
	size_t	counts[4];

	(void)code;
	if (r->nhosts == 0)
		return (3);
	nagios_count(r, counts);
	if (counts[NAGIOS_CRITICAL] > 0)
		return (2);
	if (counts[NAGIOS_WARNING] > 0)
		return (1);
	if (counts[NAGIOS_UNKNOWN] > 0)
		return (3);
	return (0);
}

const struct sink sink_nagios = {
	.name = "nagios",
	.finish = nagios_finish,
	.exit_code = nagios_exit_code,
};
