/*
 * complete.c: muster --complete [-d] WHAT [ARGS], the words the shell
 * completion scripts offer, one a line, as git's --git-completion-helper:
 * commands and options from the tables of cmd.c, agents, actions, inputs
 * and values from the DDL registry, so the scripts hold no word of their
 * own. With -d each word is followed by a tab and what it is (its help
 * line; for an option, its value's name then a tab then its help).
 *
 *   commands                 the commands
 *   words-commands           the commands whose first argument starts a
 *                            command line of their own (ends the options)
 *   options [CMD]            CMD's options (none: those before a command)
 *   agents                   the agents the DDLs describe
 *   actions AGENT            the agent's actions
 *   inputs AGENT ACTION      the action's inputs, as "NAME="
 *   values AGENT ACTION IN   the values of a list (or boolean) input
 *   args CMD [WORD...] CUR   the words for CUR, the argument of CMD after
 *                            the arguments WORD... (by its .complete)
 *   kind CMD [WORD...] CUR   the kind of that argument, as its template
 *                            names it ("file": the shell completes files)
 *
 * A .complete template names each argument's kind: command, agent,
 * action, input, file (a file name: no words, the scripts complete it),
 * "-" for none, or the words themselves as "a|b|c" or "word" (a template
 * word holds at most 31 characters).
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"

static int complete_describe;	/* -d */

/*
 * Print s, a control character (from a DDL, say) as '?', so that
 * neither the line structure nor the terminal is disturbed.
 */
static void
complete_puts(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* Print a word, and with -d a description (one line) after a tab. */
static void
complete_word(const char *prefix, const char *word, const char *suffix,
    const char *what)
{
	const char	*s;

	complete_puts(prefix);
	complete_puts(word);
	complete_puts(suffix);
	if (complete_describe && what != NULL) {
		putchar('\t');
		for (s = what; *s != '\0'; s++) {
			if (*s == '\n' || *s == '\t')
				putchar(' ');
			else
				putchar((unsigned char)*s < 0x20 ||
				    *s == 0x7f ? '?' : *s);
		}
	}
	putchar('\n');
}

/* The commands; with words, only those taking a command line. */
static void
complete_commands(int words)
{
	size_t	i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (!words || cmd_table[i]->words)
			complete_word("", cmd_table[i]->name, "",
			    cmd_table[i]->summary);
	}
}

/* An option's words: -X then --NAME; with -d its value's name too. */
static void
complete_options(const char *name)
{
	const struct cmd_entry	*e = NULL;
	const struct cmd_option	*o;
	const char		*s;
	char			 word[64];
	int			 i;

	if (name != NULL && (e = cmd_find(name)) == NULL)
		return;
	for (o = cmd_options; o->id != 0; o++) {
		if (o->reserved || !cmd_takes(e, o) ||
		    (e == NULL && o->group == CMD_OWN))
			continue;
		for (i = 0; i < 2; i++) {
			if (i == 0 && o->id < 256)
				snprintf(word, sizeof word, "-%c", o->id);
			else if (i == 1 && o->name != NULL)
				snprintf(word, sizeof word, "--%s", o->name);
			else
				continue;
			printf("%s", word);
			if (complete_describe) {
				printf("\t%s\t", o->value != NULL ?
				    o->value : "");
				for (s = o->help; *s != '\0'; s++)
					putchar(*s == '\n' ? ' ' : *s);
			}
			putchar('\n');
		}
	}
}

/* The agent's DDL, or NULL (then nothing is offered). */
static const struct ddl *
complete_ddl(struct ddl_registry *reg, const char *agent)
{
	const struct ddl	*d;
	char			*cause = NULL;

	if (agent == NULL || ddl_registry_find(reg, agent, &d, &cause) != 0) {
		free(cause);
		return (NULL);
	}
	return (d);
}

static void
complete_agents(struct ddl_registry *reg)
{
	const struct ddl	*d;
	char			**names;
	size_t			 n, i;

	names = ddl_registry_names(reg, &n);
	for (i = 0; i < n; i++) {
		d = complete_describe ? complete_ddl(reg, names[i]) : NULL;
		complete_word("", names[i], "", d != NULL ? d->description :
		    NULL);
		free(names[i]);
	}
	free(names);
}

static void
complete_actions(struct ddl_registry *reg, const char *agent)
{
	const struct ddl	*d;
	size_t			 i;

	if ((d = complete_ddl(reg, agent)) == NULL)
		return;
	for (i = 0; i < d->nactions; i++)
		complete_word("", d->actions[i].name, "",
		    d->actions[i].description);
}

/* The action, or NULL. */
static const struct ddl_action *
complete_action(struct ddl_registry *reg, const char *agent,
    const char *action)
{
	const struct ddl	*d;

	if (action == NULL || (d = complete_ddl(reg, agent)) == NULL)
		return (NULL);
	return (ddl_action(d, action));
}

/* The inputs as "NAME=", but those given already in given[]. */
static void
complete_inputs(struct ddl_registry *reg, const char *agent,
    const char *action, int ngiven, char **given)
{
	const struct ddl_action	*a;
	const struct ddl_input	*in;
	size_t			 i, len;
	int			 j;

	if ((a = complete_action(reg, agent, action)) == NULL)
		return;
	for (i = 0; i < a->ninputs; i++) {
		in = &a->inputs[i];
		len = strlen(in->name);
		for (j = 0; j < ngiven; j++) {
			if (strncmp(given[j], in->name, len) == 0 &&
			    given[j][len] == '=')
				break;
		}
		if (j == ngiven)
			complete_word("", in->name, "=",
			    in->description != NULL ? in->description :
			    in->prompt);
	}
}

/*
 * The values of a list or boolean input, each after prefix up to its
 * '=' (args gives the word being completed, "KEY=...").
 */
static void
complete_values(struct ddl_registry *reg, const char *agent,
    const char *action, const char *input, const char *prefix)
{
	const struct ddl_action	*a;
	const struct ddl_input	*in = NULL;
	char			*p;
	size_t			 i;

	if ((a = complete_action(reg, agent, action)) == NULL)
		return;
	for (i = 0; i < a->ninputs; i++) {
		if (strcmp(a->inputs[i].name, input) == 0)
			in = &a->inputs[i];
	}
	if (in == NULL)
		return;
	xasprintf(&p, "%.*s", (int)strcspn(prefix, "=") +
	    (strchr(prefix, '=') != NULL), prefix);
	if (in->type == DDL_BOOLEAN) {
		complete_word(p, "true", "", NULL);
		complete_word(p, "false", "", NULL);
	}
	for (i = 0; i < in->nlist; i++)
		complete_word(p, in->list[i], "", NULL);
	free(p);
}

/*
 * The words of argument number n (from 0) of a template such as "agent
 * action input...": its word, the last one when that ends with "...", or
 * "-". Writes into buf.
 */
static const char *
complete_kind(const char *template, int n, char *buf, size_t size)
{
	const char	*s = template, *end;
	size_t		 len;

	for (;;) {
		end = s + strcspn(s, " ");
		len = end - s;
		if (n == 0 || *end == '\0')
			break;
		n--;
		s = end + 1;
	}
	if (n != 0 && (len < 3 || strncmp(end - 3, "...", 3) != 0))
		return ("-");
	if (len >= 3 && strncmp(end - 3, "...", 3) == 0)
		len -= 3;
	snprintf(buf, size, "%.*s", (int)len, s);
	return (buf);
}

/* The words of a literal template word, "a|b|c", one a line. */
static void
complete_literal(const char *kind)
{
	const char	*s = kind;
	char		 word[32];
	size_t		 len;

	for (;;) {
		len = strcspn(s, "|");
		snprintf(word, sizeof word, "%.*s", (int)len, s);
		complete_word("", word, "", NULL);
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
}

/* The word given for the first argument of kind, or NULL. */
static const char *
complete_given(const char *template, const char *kind, int n, char **words)
{
	char		 buf[32];
	const char	*k;
	int		 i;

	for (i = 0; i < n; i++) {
		k = complete_kind(template, i, buf, sizeof buf);
		if (strcmp(k, kind) == 0)
			return (words[i]);
	}
	return (NULL);
}

/* args CMD [WORD...] CUR: the words for CUR, by CMD's .complete. */
static void
complete_args(struct ddl_registry *reg, int argc, char **argv)
{
	const struct cmd_entry	*e;
	const char		*kind, *agent, *action, *cur = "", *eq;
	char			 buf[32], *key;
	int			 n = 0;

	if ((e = cmd_find(argv[0])) == NULL || e->complete == NULL)
		return;
	if (argc >= 2) {
		cur = argv[argc - 1];
		n = argc - 2;
	}
	kind = complete_kind(e->complete, n, buf, sizeof buf);
	agent = complete_given(e->complete, "agent", n, argv + 1);
	if (agent == NULL)
		agent = e->name;
	action = complete_given(e->complete, "action", n, argv + 1);

	if (strcmp(kind, "command") == 0)
		complete_commands(0);
	else if (strcmp(kind, "agent") == 0)
		complete_agents(reg);
	else if (strcmp(kind, "action") == 0)
		complete_actions(reg, agent);
	else if (strcmp(kind, "input") == 0 &&
	    (eq = strchr(cur, '=')) != NULL) {
		key = xstrdup(cur);
		key[eq - cur] = '\0';
		complete_values(reg, agent, action, key, cur);
		free(key);
	} else if (strcmp(kind, "input") == 0)
		complete_inputs(reg, agent, action, n, argv + 1);
	else if (strcmp(kind, "-") != 0 && strcmp(kind, "file") != 0)
		complete_literal(kind);
}

/* kind CMD [WORD...] CUR: the kind of CUR's argument, or "-". */
static void
complete_arg_kind(int argc, char **argv)
{
	const struct cmd_entry	*e;
	char			 buf[32];

	if ((e = cmd_find(argv[0])) == NULL || e->complete == NULL) {
		complete_word("", "-", "", NULL);
		return;
	}
	complete_word("", complete_kind(e->complete, argc >= 2 ? argc - 2 : 0,
	    buf, sizeof buf), "", NULL);
}

/* muster --complete [-d] WHAT [ARGS]. */
int
complete_main(int argc, char **argv)
{
	struct ddl_registry	*reg = NULL;
	const char		*what;
	int			 code = EXIT_ALL_OK;

	if (argc > 0 && strcmp(argv[0], "-d") == 0) {
		complete_describe = 1;
		argc--;
		argv++;
	}
	if (argc == 0) {
		log_warnx("--complete needs what to complete");
		return (EXIT_USAGE);
	}
	what = argv[0];
	argc--;
	argv++;
	if (strcmp(what, "commands") == 0 && argc == 0)
		complete_commands(0);
	else if (strcmp(what, "words-commands") == 0 && argc == 0)
		complete_commands(1);
	else if (strcmp(what, "options") == 0 && argc <= 1)
		complete_options(argc == 1 ? argv[0] : NULL);
	else if (strcmp(what, "kind") == 0 && argc >= 1)
		complete_arg_kind(argc, argv);
	else {
		reg = ddl_registry_default();
		if (strcmp(what, "agents") == 0 && argc == 0)
			complete_agents(reg);
		else if (strcmp(what, "actions") == 0 && argc == 1)
			complete_actions(reg, argv[0]);
		else if (strcmp(what, "inputs") == 0 && argc == 2)
			complete_inputs(reg, argv[0], argv[1], 0, NULL);
		else if (strcmp(what, "values") == 0 && argc == 3)
			complete_values(reg, argv[0], argv[1], argv[2], "");
		else if (strcmp(what, "args") == 0 && argc >= 1)
			complete_args(reg, argc, argv);
		else {
			log_warnx("--complete: unknown '%s' or wrong number"
			    " of arguments", what);
			code = EXIT_USAGE;
		}
		ddl_registry_free(reg);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		code = EXIT_IOERR;
	return (code);
}
