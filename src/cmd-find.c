/*
 * cmd-find.c: muster find: the hosts a selection matches, one a line,
 * nothing contacted.
 */
#include <stdlib.h>

#include "muster.h"

static int
cmd_find_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct hostlist	 l = HOSTLIST_INIT;
	char		*cause = NULL, *unknown;
	size_t		 i, n;

	(void)argv;
	if (argc != 0) {
		log_warnx("find: unexpected argument '%s'", argv[0]);
		return (EXIT_USAGE);
	}
	if (selection_resolve(&ctx->sel, ctx->config.inventory, &l,
	    &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	for (i = 0; i < l.n; i++)
		printf("%s\n", l.hosts[i]);
	/* Kept because nothing is known of them: say so, apart. */
	if (ctx->sel.unknown.n > 0) {
		unknown = hostlist_fold(ctx->sel.unknown.hosts,
		    ctx->sel.unknown.n);
		log_warnx("%zu of these have no cached facts and may not match"
		    " (muster facts --refresh): %s", ctx->sel.unknown.n,
		    unknown);
		free(unknown);
	}
	n = l.n;
	hostlist_release(&l);
	return (n == 0 ? EXIT_NO_MATCH : EXIT_ALL_OK);
}

const struct cmd_entry cmd_find_entry = {
	.name = "find",
	.args = "",
	.summary = "list the hosts the selection matches; contact none",
	.exec = cmd_find_exec,
	.groups = CMD_SELECTION,
};
