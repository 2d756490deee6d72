/*
 * cmd.c: the one table of commands. Help, completion words and the man
 * page synopsis all come from it.
 */
#include <string.h>

#include "muster.h"

const struct cmd_entry *cmd_table[] = {
	&cmd_ping_entry,
	&cmd_rpc_entry,
	&cmd_shell_entry,
	&cmd_package_entry,
	&cmd_service_entry,
	&cmd_nrpe_entry,
	&cmd_find_entry,
	&cmd_agents_entry,
	&cmd_doc_entry,
	&cmd_help_entry,
	NULL
};

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

/* Options every host command takes, for the usage text. */
static const char cmd_options[] =
    "Host selection:\n"
    "  -w LIST            hosts: web[01-20],db1; - reads stdin; @FILE\n"
    "  -x LIST            exclude hosts\n"
    "  -i, --inventory FILE  inventory (default $MUSTER_INVENTORY, the\n"
    "                     inventory config key, ~/.config/muster/inventory,\n"
    "                     /etc/muster/inventory)\n"
    "Execution:\n"
    "  -c, --concurrency N  at most N hosts at once (default from the\n"
    "                     open-file limit, at most 200)\n"
    "  -t, --timeout S    action timeout in seconds\n"
    "  --connect-timeout S  seconds to an authenticated session (10)\n"
    "  -n, --dry-run      show targets and request, send nothing\n"
    "  --reason TEXT      why this run happens (audit log, request;\n"
    "                     default $MUSTER_REASON)\n"
    "  --yes              do not ask before changing actions\n"
    "SSH:\n"
    "  --ssh-config FILE  ssh_config (default $MUSTER_SSH_CONFIG, the\n"
    "                     ssh_config config key, ~/.config/muster/ssh_config,\n"
    "                     ~/.ssh/config)\n"
    "  --agent-path PATH  muster-agent on the hosts\n"
    "                     (default " MUSTER_AGENT_PATH ")\n"
    "Output:\n"
    "  --display ok|failed|all|none   which hosts to list\n"
    "  --json, --jsonl, --senders     machine-readable output\n"
    "  --color auto|always|never      (NO_COLOR is honoured)\n"
    "  -v, --verbose      debug log on stderr (state transitions)\n"
    "  -h, --help; -V, --version\n";

/* Print a command's usage. */
void
cmd_usage(const struct cmd_entry *e, int err)
{
	FILE	*f = err ? stderr : stdout;

	fprintf(f, "usage: muster [OPTIONS] %s%s%s\n", e->name,
	    *e->args != '\0' ? " " : "", e->args);
	fprintf(f, "%s\n", e->summary);
	if (e->targets)
		fprintf(f, "\n%s", cmd_options);
}

/* The list of commands for muster help. */
void
cmd_list(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: muster [OPTIONS] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; cmd_table[i] != NULL; i++)
		fprintf(f, "  %-8s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	fprintf(f, "\n%s\n'muster COMMAND --help' describes one command;"
	    " muster-NAME on PATH runs as 'muster NAME'.\n", cmd_options);
}
