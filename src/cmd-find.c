/*
 * cmd-find.c: muster find: the hosts a selection matches, one a line
 * (as --senders gives them, to chain: find ... | muster ping -w -), or
 * --json; nothing contacted.
 */
#include <stdlib.h>

#include <jansson.h>

#include "muster.h"

static int
cmd_find_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct hostlist	 l = HOSTLIST_INIT;
	json_t		*j, *a;
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
	if (ctx->json) {
		j = json_object();
		a = json_array();
		for (i = 0; i < l.n; i++)
			json_array_append_new(a, json_string(l.hosts[i]));
		json_object_set_new(j, "hosts", a);
		a = json_array();
		for (i = 0; i < ctx->sel.unknown.n; i++)
			json_array_append_new(a,
			    json_string(ctx->sel.unknown.hosts[i]));
		json_object_set_new(j, "unknown", a);
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(j);
	} else {
		/* One name a line: what --senders gives, for -w -. */
		for (i = 0; i < l.n; i++)
			printf("%s\n", l.hosts[i]);
	}
	/* Kept because nothing is known of them: say so, apart. */
	if (ctx->sel.unknown.n > 0) {
		unknown = hostlist_fold_max(ctx->sel.unknown.hosts,
		    ctx->sel.unknown.n, HOSTLIST_FOLD_LINE);
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
	/* --senders is its output already; --json for scripts. */
	.options = CMD_OPTIONS(OPT_SENDERS, OPT_JSON),
};
