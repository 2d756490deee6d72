/*
 * cmd-help.c: muster help [COMMAND].
 */
#include "muster.h"

static int
cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e;

	(void)ctx;
	if (argc == 0) {
		cmd_list(stdout);
		return (EXIT_ALL_OK);
	}
	if (argc > 1 || (e = cmd_find(argv[0])) == NULL) {
		log_warnx("help: unknown command '%s'", argv[0]);
		return (EXIT_USAGE);
	}
	cmd_usage(e, 0);
	return (EXIT_ALL_OK);
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.args = "[COMMAND]",
	.summary = "list the commands, or describe one",
	.exec = cmd_help_exec,
	.complete = "command",
};
