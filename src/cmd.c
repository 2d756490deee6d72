/*
 * cmd.c: the one table of commands and the one table of options. Help,
 * getopt's strings, completion words and the man page synopsis all come
 * from them (tests/t0010-usage.sh and tests/t0040-complete.sh check the
 * man page against them).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

const struct cmd_entry *cmd_table[] = {
	&cmd_ping_entry,
	&cmd_rpc_entry,
	&cmd_shell_entry,
	&cmd_package_entry,
	&cmd_service_entry,
	&cmd_nrpe_entry,
	&cmd_puppet_entry,
	&cmd_session_entry,
	&cmd_find_entry,
	&cmd_facts_entry,
	&cmd_inventory_entry,
	&cmd_ssh_entry,
	&cmd_policy_entry,
	&cmd_keys_entry,
	&cmd_agents_entry,
	&cmd_doc_entry,
	&cmd_help_entry,
	NULL
};

/*
 * Every option, in the order help lists them. A help line longer than
 * fits beside the option is split with '\n'; what main() does with each
 * option is in muster.c.
 */
const struct cmd_option cmd_options[] = {
	{ .id = 'w', .value = "LIST", .group = CMD_SELECTION,
	  .help = "hosts: web[01-20],db1; @GROUP of the inventory;\n"
	  "^FILE names from a file; - reads stdin" },
	{ .id = 'x', .value = "LIST", .group = CMD_SELECTION,
	  .help = "exclude hosts" },
	{ .id = 'i', .name = "inventory", .value = "FILE",
	  .group = CMD_SELECTION,
	  .help = "inventory (default $MUSTER_INVENTORY, the\n"
	  "inventory config key, ~/.config/muster/inventory,\n"
	  "/etc/muster/inventory)" },
	{ .id = 'F', .value = "EXPR", .group = CMD_SELECTION,
	  .help = "fact filter, KEY OP VALUE (= == != < > <= >= =~);\n"
	  "repeatable, all must hold" },
	{ .id = 'C', .value = "CLASS", .group = CMD_SELECTION,
	  .help = "hosts with this puppet class, or /regex/" },
	{ .id = 'I', .value = "ID", .group = CMD_SELECTION,
	  .help = "hosts of this identity, or /regex/; repeated:\n"
	  "any of them" },
	{ .id = 'A', .value = "AGENT", .group = CMD_SELECTION,
	  .help = "hosts whose agent offers AGENT" },
	{ .id = 'W', .value = "WORDS", .group = CMD_SELECTION,
	  .help = "facts (with an operator) and classes, all of them" },
	{ .id = 'S', .value = "EXPR", .group = CMD_SELECTION,
	  .help = "compound filter: (role=web or role=db) and\n"
	  "not env=staging" },
	{ .id = OPT_DISCOVERY, .name = "discovery", .value = "cache|live",
	  .group = CMD_SELECTION,
	  .help = "live: ignore the fact cache, let every host\n"
	  "decide (default cache)" },
	{ .id = OPT_LIMIT, .name = "limit", .value = "N|N%",
	  .group = CMD_SELECTION,
	  .help = "a random subset of N hosts (or N% of them)" },
	{ .id = OPT_LIMIT_SEED, .name = "limit-seed", .value = "S",
	  .group = CMD_SELECTION,
	  .help = "the same subset each time for the same seed" },
	{ .id = OPT_RERUN, .name = "rerun", .value = "failed|unanswered",
	  .group = CMD_SELECTION,
	  .help = "the hosts that failed (or gave no answer) in\n"
	  "the previous run" },

	{ .id = 'c', .name = "concurrency", .value = "N",
	  .group = CMD_EXECUTION,
	  .help = "at most N hosts at once (default from the\n"
	  "open-file limit, at most 200)" },
	{ .id = 't', .name = "timeout", .value = "S", .group = CMD_EXECUTION,
	  .help = "action timeout in seconds" },
	{ .id = OPT_CONNECT_TIMEOUT, .name = "connect-timeout", .value = "S",
	  .group = CMD_EXECUTION,
	  .help = "seconds to an authenticated session (10)" },
	{ .id = OPT_BATCH, .name = "batch", .value = "N|N%",
	  .group = CMD_EXECUTION,
	  .help = "run hosts in waves of N; the next wave starts\n"
	  "when the last has finished" },
	{ .id = OPT_BATCH_SLEEP, .name = "batch-sleep", .value = "S",
	  .group = CMD_EXECUTION,
	  .help = "seconds between waves (0)" },
	{ .id = OPT_MAX_FAIL, .name = "max-fail", .value = "N|N%",
	  .group = CMD_EXECUTION,
	  .help = "after more than N failed hosts, start no more;\n"
	  "the rest end cancelled" },
	{ .id = OPT_NO_SESSION, .name = "no-session", .group = CMD_EXECUTION,
	  .help = "connect directly, even to hosts a warm session\n"
	  "holds" },
	{ .id = OPT_IDLE, .name = "idle", .value = "S", .group = CMD_OWN,
	  .help = "session start: exit after S seconds without a\n"
	  "call (600)" },
	{ .id = OPT_RUN_TIMEOUT, .name = "run-timeout", .value = "S",
	  .group = CMD_OWN,
	  .help = "puppet runall: drop a host still applying after\n"
	  "S seconds (1800)" },
	{ .id = OPT_REFRESH, .name = "refresh", .group = CMD_OWN,
	  .help = "facts: collect every selected host's facts into\n"
	  "the cache" },
	{ .id = OPT_FORMAT, .name = "format", .value = "FMT",
	  .group = CMD_OWN,
	  .help = "inventory: printf-style line per host over the\n"
	  "FIELDs given (%s)" },
	{ .id = OPT_HEADER, .name = "header", .group = CMD_OWN,
	  .help = "inventory --format: a first line naming the fields" },
	{ .id = OPT_FROM, .name = "from", .value = "PATTERNS",
	  .group = CMD_OWN,
	  .help = "keys authorized-line: from=\"PATTERNS\", the hosts\n"
	  "the key may come from (sshd's pattern-list)" },
	{ .id = 'n', .name = "dry-run", .group = CMD_EXECUTION,
	  .help = "show targets and request, send nothing" },
	{ .id = OPT_REASON, .name = "reason", .value = "TEXT",
	  .group = CMD_EXECUTION,
	  .help = "why this run happens (audit log, request;\n"
	  "default $MUSTER_REASON)" },
	{ .id = OPT_YES, .name = "yes", .group = CMD_EXECUTION,
	  .help = "do not ask before changing actions" },
	{ .id = OPT_SSH_CONFIG, .name = "ssh-config", .value = "FILE",
	  .group = CMD_EXECUTION,
	  .help = "ssh_config (default $MUSTER_SSH_CONFIG, the\n"
	  "ssh_config config key, ~/.config/muster/ssh_config,\n"
	  "~/.ssh/config)" },
	{ .id = OPT_AGENT_PATH, .name = "agent-path", .value = "PATH",
	  .group = CMD_EXECUTION,
	  .help = "muster-agent on the hosts\n"
	  "(default " MUSTER_AGENT_PATH ")" },

	{ .id = OPT_DISPLAY, .name = "display", .value = "ok|failed|all|none",
	  .group = CMD_OUTPUT, .help = "which hosts to list" },
	{ .id = OPT_JSON, .name = "json", .group = CMD_OUTPUT,
	  .help = "one JSON document" },
	{ .id = OPT_JSONL, .name = "jsonl", .group = CMD_OUTPUT,
	  .help = "one JSON line per host, then the summary" },
	{ .id = OPT_SENDERS, .name = "senders", .group = CMD_OUTPUT,
	  .help = "the names of the hosts that answered OK" },
	{ .id = OPT_NO_LIVE, .name = "no-live", .group = CMD_OUTPUT,
	  .help = "no full-screen view on a terminal, the progress\n"
	  "bar only" },
	{ .id = OPT_COLOR, .name = "color", .value = "auto|always|never",
	  .group = CMD_OUTPUT, .help = "colours (NO_COLOR is honoured)" },
	{ .id = OPT_EXPECT, .name = "expect", .value = "FIELD=VALUE",
	  .group = CMD_OUTPUT,
	  .help = "a host whose output FIELD differs fails\n(repeatable)" },

	{ .id = OPT_NAGIOS, .name = "nagios", .group = CMD_OWN,
	  .help = "one Nagios plugin line; exit 0-3 by the worst\nstate" },

	{ .id = OPT_NOOP, .name = "noop", .group = CMD_OWN,
	  .help = "puppet runonce, runall: a dry run (puppet --noop)" },
	{ .id = OPT_TAGS, .name = "tags", .value = "T", .group = CMD_OWN,
	  .help = "puppet runonce, runall: only resources with these\n"
	  "tags (comma-separated)" },
	{ .id = OPT_ENVIRONMENT, .name = "environment", .value = "E",
	  .group = CMD_OWN,
	  .help = "puppet runonce, runall: the puppet environment to run" },

	{ .id = 'v', .name = "verbose", .group = CMD_GENERAL,
	  .help = "debug log on stderr (state transitions)" },
	{ .id = 'h', .name = "help", .group = CMD_GENERAL,
	  .help = "this help, or the command's" },
	{ .id = 'V', .name = "version", .group = CMD_GENERAL,
	  .help = "the version and the protocol version" },
	{ .id = 0 }
};

/* The headings of the groups, in the order help lists them. */
static const struct {
	int		 group;
	const char	*heading;
} cmd_groups[] = {
	{ CMD_OWN, NULL },		/* "Options of NAME:" */
	{ CMD_SELECTION, "Host selection:" },
	{ CMD_EXECUTION, "Execution:" },
	{ CMD_OUTPUT, "Output:" },
	{ CMD_GENERAL, "General:" },
};
#define CMD_NGROUPS	(sizeof cmd_groups / sizeof cmd_groups[0])

/* The command called name, or NULL. */
const struct cmd_entry *
cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return (cmd_table[i]);
	}
	return (NULL);
}

/* The option getopt returned as id, or NULL. */
const struct cmd_option *
cmd_option(int id)
{
	const struct cmd_option	*o;

	for (o = cmd_options; o->id != 0; o++) {
		if (o->id == id)
			return (o);
	}
	return (NULL);
}

/* The option with this long name (len bytes), or NULL. */
const struct cmd_option *
cmd_option_named(const char *name, size_t len)
{
	const struct cmd_option	*o;

	for (o = cmd_options; o->id != 0; o++) {
		if (o->name != NULL && strlen(o->name) == len &&
		    strncmp(o->name, name, len) == 0)
			return (o);
	}
	return (NULL);
}

/* Does the command take the option? Before the command word, all are. */
int
cmd_takes(const struct cmd_entry *e, const struct cmd_option *o)
{
	const int	*id;

	if (e == NULL || o->group == CMD_GENERAL)
		return (1);
	/* Named by the command: its own, or one of a group it lacks. */
	for (id = e->options; id != NULL && *id != 0; id++) {
		if (*id == o->id)
			return (1);
	}
	if (o->group != CMD_OWN)
		return ((e->groups & o->group) != 0);
	return (0);
}

/*
 * getopt_long()'s strings for the options e takes: mode, then ":" so a
 * missing value is told from an unknown option, then the letters.
 */
void
cmd_getopt(const struct cmd_entry *e, const char *mode, char **optstring,
    struct option **longopts)
{
	const struct cmd_option	*o;
	struct option		*l;
	size_t			 n = 0, len;
	char			*s;

	for (o = cmd_options; o->id != 0; o++)
		n++;
	s = xcalloc(strlen(mode) + 2 + 2 * n + 1, 1);
	l = xcalloc(n + 1, sizeof *l);
	len = strlen(mode);
	memcpy(s, mode, len);
	s[len++] = ':';
	n = 0;
	for (o = cmd_options; o->id != 0; o++) {
		if (!cmd_takes(e, o))
			continue;
		if (o->id < 256) {
			s[len++] = (char)o->id;
			if (o->value != NULL)
				s[len++] = ':';
		}
		if (o->name != NULL) {
			l[n].name = o->name;
			l[n].has_arg = o->value != NULL ? required_argument :
			    no_argument;
			l[n].val = o->id;
			n++;
		}
	}
	*optstring = s;
	*longopts = l;
}

/* Print an option's lines: its names and value, then its help beside. */
static void
cmd_print_option(FILE *f, const struct cmd_option *o, const char *also)
{
	char		 left[64];
	const char	*line, *nl;
	int		 n;

	if (o->id < 256 && o->name != NULL)
		n = snprintf(left, sizeof left, "-%c, --%s", o->id, o->name);
	else if (o->id < 256)
		n = snprintf(left, sizeof left, "-%c", o->id);
	else
		n = snprintf(left, sizeof left, "--%s", o->name);
	if (o->value != NULL && n > 0 && (size_t)n < sizeof left)
		snprintf(left + n, sizeof left - n, " %s", o->value);
	fprintf(f, "  %-20s  ", left);
	for (line = o->help; line != NULL; line = nl) {
		if (line != o->help)
			fprintf(f, "%24s", "");
		if ((nl = strchr(line, '\n')) != NULL) {
			fprintf(f, "%.*s\n", (int)(nl - line), line);
			nl++;
		} else
			fprintf(f, "%s%s\n", line, also);
	}
}

/*
 * Print the options of group that e takes (e NULL: all of them), under
 * the group's heading. The reserved options share one line.
 */
static void
cmd_print_group(FILE *f, const struct cmd_entry *e, size_t g)
{
	const struct cmd_option	*o;
	const struct cmd_entry	*c;
	char			 reserved[64], also[256];
	size_t			 len = 0, i, alen;
	int			 any = 0;

	reserved[0] = '\0';
	for (o = cmd_options; o->id != 0; o++) {
		if (o->group != cmd_groups[g].group || !cmd_takes(e, o))
			continue;
		if (!any) {
			if (cmd_groups[g].heading != NULL)
				fprintf(f, "\n%s\n", cmd_groups[g].heading);
			else
				fprintf(f, "\nOptions of %s:\n", e != NULL ?
				    e->name : "some commands");
			any = 1;
		}
		if (o->reserved) {
			if (len + 4 < sizeof reserved)
				len += snprintf(reserved + len,
				    sizeof reserved - len, "%s-%c",
				    len != 0 ? " " : "", o->id);
			continue;
		}
		also[0] = '\0';
		if (e == NULL && o->group == CMD_OWN) {
			/* In the list of all options, say whose it is. */
			alen = 0;
			for (i = 0; cmd_table[i] != NULL; i++) {
				c = cmd_table[i];
				if (!cmd_takes(c, o) || alen >= sizeof also)
					continue;
				alen += snprintf(also + alen,
				    sizeof also - alen, "%s%s",
				    alen == 0 ? " (" : ", ", c->name);
			}
			if (alen != 0 && alen + 2 < sizeof also)
				snprintf(also + alen, sizeof also - alen, ")");
		}
		cmd_print_option(f, o, also);
	}
	if (len != 0)
		fprintf(f, "  %-20s  not in this version\n", reserved);
}

/* Print a command's usage and the options it takes. */
void
cmd_usage(const struct cmd_entry *e, int err)
{
	FILE	*f = err ? stderr : stdout;
	size_t	 g;

	fprintf(f, "usage: muster [OPTIONS] %s%s%s\n", e->name,
	    *e->args != '\0' ? " " : "", e->args);
	fprintf(f, "%s\n", e->summary);
	for (g = 0; g < CMD_NGROUPS; g++)
		cmd_print_group(f, e, g);
}

/* The list of commands and of every option, for muster help. */
void
cmd_list(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: muster [OPTIONS] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; cmd_table[i] != NULL; i++)
		fprintf(f, "  %-8s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	for (i = 1; i < CMD_NGROUPS; i++)
		cmd_print_group(f, NULL, i);
	cmd_print_group(f, NULL, 0);
	fprintf(f, "\n'muster COMMAND --help' describes one command;"
	    " muster-NAME on PATH runs as 'muster NAME'.\n");
}
