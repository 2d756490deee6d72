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
	char			 *label;	/* its first line, shortened */
	size_t			  more;		/* lines after the first */
	uint64_t		  hash;		/* of the whole output */
	int			  digits;	/* of hash to show; 0: none */
};

/* Distinct outputs that all name their hosts in the summary. */
#define CMD_SHELL_FEW	3

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

/* FNV-1a over bytes, continuing from h. */
static uint64_t
cmd_shell_fnv(uint64_t h, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return (h);
}

/* A digest of everything that makes two hosts' outputs differ. */
static uint64_t
cmd_shell_hash(const struct host *h)
{
	const char	*s;
	size_t		 len;
	char		 code[32];
	uint64_t	 x = 0xcbf29ce484222325ULL;

	cmd_shell_field(h, "stdout", &s, &len);
	x = cmd_shell_fnv(x, s, len);
	x = cmd_shell_fnv(x, "", 1);
	cmd_shell_field(h, "stderr", &s, &len);
	x = cmd_shell_fnv(x, s, len);
	x = cmd_shell_fnv(x, "", 1);
	snprintf(code, sizeof code, "%lld", (long long)cmd_shell_exit(h));
	return (cmd_shell_fnv(x, code, strlen(code)));
}

/*
 * A block's label: the first line of its output, shortened, and in *more
 * how many lines follow. stderr stands in for an empty stdout.
 */
static char *
cmd_shell_label(const struct host *h, size_t *more)
{
	const char	*s, *nl, *p;
	size_t		 len, n;
	char		*label;

	*more = 0;
	cmd_shell_field(h, "stdout", &s, &len);
	if (len == 0)
		cmd_shell_field(h, "stderr", &s, &len);
	if (len == 0)
		return (xstrdup("(no output)"));
	/* The output is not NUL-terminated: look for the newline in it. */
	nl = memchr(s, '\n', len);
	n = nl != NULL ? (size_t)(nl - s) : len;
	for (p = nl; p != NULL && p + 1 < s + len;
	    p = memchr(p + 1, '\n', s + len - p - 1))
		(*more)++;
	xasprintf(&label, "%.*s%s", (int)(n > 32 ? 32 : n), s,
	    n > 32 ? "..." : "");
	return (label);
}

/*
 * Blocks whose labels read the same get a digest, as short as still tells
 * them apart (4 to 16 hex digits), shown beside the label and in the
 * block's header.
 */
static void
cmd_shell_disambiguate(struct cmd_shell_block *b, size_t nb)
{
	size_t	j, k;
	int	digits, same;

	for (j = 0; j < nb; j++) {
		for (digits = 4; digits <= 16; digits += 4) {
			same = 0;
			for (k = 0; k < nb; k++) {
				if (k == j || b[k].more != b[j].more ||
				    strcmp(b[k].label, b[j].label) != 0)
					continue;
				same = 1;
				if ((b[k].hash >> (64 - 4 * digits)) ==
				    (b[j].hash >> (64 - 4 * digits)))
					break;
			}
			if (!same) {
				digits = 0;
				break;
			}
			if (k == nb)
				break;
		}
		b[j].digits = digits > 16 ? 16 : digits;
	}
}

/* "#a1b2": the first digits of a block's digest. */
static void
cmd_shell_digest(const struct cmd_shell_block *b, char *buf, size_t size)
{
	snprintf(buf, size, "#%0*llx", b->digits,
	    (unsigned long long)(b->hash >> (64 - 4 * b->digits)));
}

static int
cmd_shell_block_cmp(const void *a, const void *b)
{
	const struct cmd_shell_block	*x = a, *y = b;

	if (x->hosts.n != y->hosts.n)
		return (x->hosts.n > y->hosts.n ? -1 : 1);
	return (hostlist_natcmp(x->first->name, y->first->name));
}

/* Hosts that ran the command, grouped by identical output, largest first. */
static struct cmd_shell_block *
cmd_shell_group(struct run *r, size_t *nbp, size_t *ranp)
{
	struct cmd_shell_block	*b = NULL;
	struct host		*h;
	size_t			 nb = 0, i, j, ran = 0;

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
		b[j].label = cmd_shell_label(b[j].first, &b[j].more);
		b[j].hash = cmd_shell_hash(b[j].first);
		b[j].digits = 0;
	}
	cmd_shell_disambiguate(b, nb);
	*nbp = nb;
	*ranp = ran;
	return (b);
}

static void
cmd_shell_group_free(struct cmd_shell_block *b, size_t nb)
{
	size_t	j;

	for (j = 0; j < nb; j++) {
		hostlist_release(&b[j].hosts);
		free(b[j].label);
	}
	free(b);
}

/* Is block j held by a minority of the hosts that ran the command? */
static int
cmd_shell_minority(const struct cmd_shell_block *b, size_t j, size_t ran)
{
	return (j > 0 && b[j].hosts.n * 2 <= ran);
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
	struct cmd_shell_block	*b;
	size_t			 nb, j, ran;
	const char		*s;
	size_t			 len;
	char			*names;
	int64_t			 code;
	enum ui_color		 c;
	struct action_spec	 plain;
	char			 digest[20];

	b = cmd_shell_group(r, &nb, &ran);
	for (j = 0; j < nb; j++) {
		code = cmd_shell_exit(b[j].first);
		if (mode == DISPLAY_NONE ||
		    (mode == DISPLAY_FAILED && code == 0) ||
		    (mode == DISPLAY_OK && code != 0))
			continue;
		c = code != 0 ? UI_RED : (cmd_shell_minority(b, j, ran) ?
		    UI_YELLOW : UI_BOLD);
		names = hostlist_fold(b[j].hosts.hosts, b[j].hosts.n);
		ui_fprintf(f, c, "---- %s (%zu)", names, b[j].hosts.n);
		if (code != 0)
			ui_fprintf(f, c, " exit code %lld", (long long)code);
		if (b[j].digits > 0) {
			cmd_shell_digest(&b[j], digest, sizeof digest);
			fprintf(f, " %s", digest);
		}
		fputs(" ----\n", f);
		free(names);
		cmd_shell_field(b[j].first, "stdout", &s, &len);
		cmd_shell_text(f, UI_NONE, s, len);
		cmd_shell_field(b[j].first, "stderr", &s, &len);
		cmd_shell_text(f, UI_YELLOW, s, len);
		fputc('\n', f);
	}
	cmd_shell_group_free(b, nb);

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

/*
 * One value of the Outputs line: "7 * v1 (+1 line, #ab12) node[1-7]".
 * The hosts are named when asked (few values, or a minority).
 */
static void
cmd_shell_value(FILE *f, const struct cmd_shell_block *b, int names,
    enum ui_color c)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		*hosts, digest[20];

	strbuf_addf(&sb, "%zu * %s", b->hosts.n, b->label);
	if (b->digits > 0)
		cmd_shell_digest(b, digest, sizeof digest);
	if (b->more > 0 && b->digits > 0)
		strbuf_addf(&sb, " (+%zu line%s, %s)", b->more,
		    b->more == 1 ? "" : "s", digest);
	else if (b->more > 0)
		strbuf_addf(&sb, " (+%zu line%s)", b->more,
		    b->more == 1 ? "" : "s");
	else if (b->digits > 0)
		strbuf_addf(&sb, " (%s)", digest);
	if (names) {
		hosts = hostlist_fold(b->hosts.hosts, b->hosts.n);
		strbuf_addf(&sb, " %s", hosts);
		free(hosts);
	}
	ui_fputs(f, c, sb.buf);
	strbuf_release(&sb);
}

/*
 * Exit codes, and when hosts disagree, the distinct outputs, told apart
 * by line count and digest where their first lines are the same. With
 * few values each names its hosts; otherwise those held by half of the
 * hosts or fewer do. Minorities other than the first are highlighted.
 */
static void
cmd_shell_summary(FILE *f, struct run *r)
{
	struct cmd_shell_block	*b;
	size_t			 nb, j, ran;
	int			 minority;

	render_distribution(f, "Exit Codes", r, cmd_shell_exit_value);
	b = cmd_shell_group(r, &nb, &ran);
	if (nb > 1) {
		fprintf(f, "%16s: ", "Outputs");
		for (j = 0; j < nb; j++) {
			if (j > 0)
				fputs(", ", f);
			/* The first block too, when it is no majority. */
			minority = cmd_shell_minority(b, j, ran);
			cmd_shell_value(f, &b[j], nb <= CMD_SHELL_FEW ||
			    b[j].hosts.n * 2 <= ran, minority ? UI_YELLOW :
			    UI_NONE);
		}
		fputc('\n', f);
	}
	cmd_shell_group_free(b, nb);
}

static int
cmd_shell_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	 spec;
	struct strbuf		 cmd = STRBUF_INIT;
	char			*arg;
	int			 code = EXIT_USAGE, i;

	/* Several words are joined with spaces, as ssh and pdsh do. */
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strbuf_addch(&cmd, ' ');
		strbuf_addstr(&cmd, argv[i]);
	}
	if (cmd.len == 0 || cmd.buf[strspn(cmd.buf, " \t\n")] == '\0') {
		log_warnx("shell: the command is empty");
		strbuf_release(&cmd);
		return (EXIT_USAGE);
	}
	/* The shell DDL's rules (its length) apply, as to rpc shell run. */
	xasprintf(&arg, "command=%s", cmd.buf);
	if (action_spec_load(&spec, "shell", "shell", "run", 1, &arg) == 0) {
		spec.render_results = cmd_shell_results;
		spec.render_summary = cmd_shell_summary;
		code = action_run(ctx, &spec);
	}
	action_spec_release(&spec);
	free(arg);
	strbuf_release(&cmd);
	return (code);
}

const struct cmd_entry cmd_shell_entry = {
	.name = "shell",
	.args = "COMMAND...",
	.summary = "run a shell command on each host; identical outputs are"
	    " folded",
	.targets = 1,
	.exec = cmd_shell_exec,
	.words = 1,
	.groups = CMD_HOSTS,
};
