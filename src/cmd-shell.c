/*
 * cmd-shell.c: muster shell 'CMD': the operator's own command through the
 * shell agent. Hosts with identical output (stdout, stderr and exit code)
 * fold into one block under their folded names, as clush -b does, so 500
 * hosts saying the same thing take one block; a block held by a minority
 * of hosts is highlighted.
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"

struct cmd_shell_block {
	const struct host	 *first;	/* holds the output shown */
	struct hostlist		  hosts;
};

/* A host's output field, or "" if absent. */
static void
cmd_shell_field(const struct host *h, const char *key, const char **s,
    size_t *len)
{
	const msgpack_object	*o = result_data(&h->result, key);

	*s = "";
	*len = 0;
	if (o != NULL)
		wire_str(o, s, len);
}

/* The exit code a host reported; -1 if none. */
static int64_t
cmd_shell_exit(const struct host *h)
{
	const msgpack_object	*o = result_data(&h->result, "exitcode");
	int64_t			 n = -1;

	if (o != NULL)
		wire_int(o, &n);
	return (n);
}

/* Did the host run the command (and so belongs in a block)? */
static int
cmd_shell_ran(const struct host *h)
{
	return ((h->result.status == RESULT_OK ||
	    h->result.status == RESULT_FAILED) && cmd_shell_exit(h) != -1);
}

/* Do two hosts have the same output and exit code? */
static int
cmd_shell_same(const struct host *a, const struct host *b)
{
	const char	*sa, *sb;
	size_t		 la, lb;

	if (cmd_shell_exit(a) != cmd_shell_exit(b))
		return (0);
	cmd_shell_field(a, "stdout", &sa, &la);
	cmd_shell_field(b, "stdout", &sb, &lb);
	if (la != lb || memcmp(sa, sb, la) != 0)
		return (0);
	cmd_shell_field(a, "stderr", &sa, &la);
	cmd_shell_field(b, "stderr", &sb, &lb);
	return (la == lb && memcmp(sa, sb, la) == 0);
}

static int
cmd_shell_block_cmp(const void *a, const void *b)
{
	const struct cmd_shell_block	*x = a, *y = b;

	if (x->hosts.n != y->hosts.n)
		return (x->hosts.n > y->hosts.n ? -1 : 1);
	return (hostlist_natcmp(x->first->name, y->first->name));
}

/* Print text, ending with a newline. */
static void
cmd_shell_text(FILE *f, enum ui_color c, const char *s, size_t len)
{
	if (len == 0)
		return;
	ui_write(f, c, s, len);
	if (s[len - 1] != '\n')
		fputc('\n', f);
}

/* Folded blocks for hosts that ran the command, then the others. */
static void
cmd_shell_results(FILE *f, struct run *r, enum display_mode mode)
{
	struct cmd_shell_block	*b = NULL;
	struct host		*h;
	size_t			 nb = 0, i, j, ran = 0;
	const char		*s;
	size_t			 len;
	char			*names;
	int64_t			 code;
	enum ui_color		 c;
	struct action_spec	 plain;

	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		if (!cmd_shell_ran(h))
			continue;
		ran++;
		for (j = 0; j < nb; j++) {
			if (cmd_shell_same(b[j].first, h))
				break;
		}
		if (j == nb) {
			b = xreallocarray(b, nb + 1, sizeof *b);
			b[nb].first = h;
			hostlist_init(&b[nb].hosts);
			nb++;
		}
		hostlist_add(&b[j].hosts, h->name);
	}
	if (nb > 0)
		qsort(b, nb, sizeof *b, cmd_shell_block_cmp);
	for (j = 0; j < nb; j++) {
		code = cmd_shell_exit(b[j].first);
		if (mode == DISPLAY_NONE ||
		    (mode == DISPLAY_FAILED && code == 0) ||
		    (mode == DISPLAY_OK && code != 0))
			continue;
		c = code != 0 ? UI_RED : (j > 0 && b[j].hosts.n * 2 <= ran ?
		    UI_YELLOW : UI_BOLD);
		names = hostlist_fold(b[j].hosts.hosts, b[j].hosts.n);
		ui_fprintf(f, c, "---- %s (%zu)", names, b[j].hosts.n);
		if (code != 0)
			ui_fprintf(f, c, " exit code %lld", (long long)code);
		fputs(" ----\n", f);
		free(names);
		cmd_shell_field(b[j].first, "stdout", &s, &len);
		cmd_shell_text(f, UI_NONE, s, len);
		cmd_shell_field(b[j].first, "stderr", &s, &len);
		cmd_shell_text(f, UI_YELLOW, s, len);
		fputc('\n', f);
	}
	for (j = 0; j < nb; j++)
		hostlist_release(&b[j].hosts);
	free(b);

	/* Hosts that did not run it: the plain per-host lines. */
	if (mode != DISPLAY_OK && mode != DISPLAY_NONE) {
		action_spec_init(&plain, "shell", "run");
		plain.shown_elsewhere = cmd_shell_ran;
		render_results(f, r, &plain, DISPLAY_FAILED);
		action_spec_release(&plain);
	}
}

/* A host's exit code as a string, for the distribution. */
static char *
cmd_shell_exit_value(const struct host *h)
{
	char	*s;
	int64_t	 code = cmd_shell_exit(h);

	if (!h->result.have_reply || code == -1)
		return (NULL);
	xasprintf(&s, "%lld", (long long)code);
	return (s);
}

static void
cmd_shell_summary(FILE *f, struct run *r)
{
	render_distribution(f, "Exit Codes", r, cmd_shell_exit_value);
}

static int
cmd_shell_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	spec;
	int			code;

	if (argc != 1) {
		log_warnx("shell: expected one COMMAND argument (quote it),"
		    " got %d", argc);
		return (EXIT_USAGE);
	}
	if (*argv[0] == '\0') {
		log_warnx("shell: the command is empty");
		return (EXIT_USAGE);
	}
	if (strlen(argv[0]) > 65536) {
		log_warnx("shell: the command is longer than 64 KiB");
		return (EXIT_USAGE);
	}
	action_spec_init(&spec, "shell", "run");
	spec.timeout = 60;
	spec.display = DISPLAY_ALL;
	spec.render_results = cmd_shell_results;
	spec.render_summary = cmd_shell_summary;
	wire_put_map(&spec.args, 1);
	wire_put_kstr(&spec.args, "command", argv[0]);
	code = action_run(ctx, &spec);
	action_spec_release(&spec);
	return (code);
}

const struct cmd_entry cmd_shell_entry = {
	"shell", "COMMAND", "run a shell command on each host; identical"
	" outputs are folded",
	1, cmd_shell_exec
};
