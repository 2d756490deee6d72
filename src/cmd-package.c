/*
 * cmd-package.c: muster package ACTION [PACKAGE] [KEY=VALUE ...], the
 * package agent with its package as a word: "muster package install zsh"
 * is "muster rpc package install package=zsh". The DDL checks the name
 * (never an option, never two words) before any host is contacted, and
 * its aggregates summarise the versions, minorities named.
 */
#include <string.h>

#include "muster.h"

static int
cmd_package_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	  spec;
	char			**words = NULL;
	int			  code = EXIT_USAGE, n = argc - 1;

	if (argc < 1) {
		log_warnx("package: expected ACTION [PACKAGE] [KEY=VALUE ...]"
		    " (see muster doc package)");
		return (EXIT_USAGE);
	}
	/* The first word after the action is the package, unless KEY=VALUE. */
	if (argc >= 2 && strchr(argv[1], '=') == NULL) {
		words = action_words("package", argv[1], argc - 2, argv + 2);
		n = argc - 1;
	}
	if (action_spec_load(&spec, "package", "package", argv[0], n,
	    words != NULL ? words : argv + 1) == 0)
		code = action_run(ctx, &spec);
	action_spec_release(&spec);
	action_words_free(words);
	return (code);
}

const struct cmd_entry cmd_package_entry = {
	.name = "package",
	.args = "ACTION [PACKAGE] [KEY=VALUE ...]",
	.summary = "install, update, remove or query a package; versions"
	    " summarised",
	.targets = 1,
	.groups = CMD_HOSTS,
	.complete = "action - input...",
	.exec = cmd_package_exec,
};
