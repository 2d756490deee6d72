/*
 * cmd-keys.c: muster keys authorized-line NAME KEYFILE [--from PATTERNS],
 * the line to put in a host's authorized_keys so that KEYFILE's key runs
 * the agent as caller NAME and nothing else (authkeys.c builds it). No
 * host is contacted.
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"

#define CMD_KEYS_USAGE	"authorized-line NAME KEYFILE"

static int
cmd_keys_authorized_line(struct cmd_ctx *ctx, const char *name,
    const char *keyfile)
{
	struct authkeys_pubkey	 pk;
	const char		*agent = action_agent_path(ctx);
	char			*cause = NULL, *used = NULL, *line;

	memset(&pk, 0, sizeof pk);
	if (authkeys_check_caller(name, &cause) != 0 ||
	    authkeys_check_agent_path(agent, &cause) != 0 ||
	    (ctx->from != NULL &&
	    authkeys_check_from(ctx->from, &cause) != 0) ||
	    authkeys_read(keyfile, &pk, &used, &cause) != 0) {
		log_warnx("keys: %s", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	log_debug("%s: read %s", __func__, used);
	line = authkeys_line(agent, name, ctx->from, &pk);
	printf("%s\n", line);
	free(line);
	free(used);
	authkeys_pubkey_release(&pk);
	return (EXIT_ALL_OK);
}

static int
cmd_keys_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc == 0) {
		log_warnx("keys: say " CMD_KEYS_USAGE);
		return (EXIT_USAGE);
	}
	if (strcmp(argv[0], "authorized-line") != 0) {
		log_warnx("keys: say " CMD_KEYS_USAGE ", not '%s'", argv[0]);
		return (EXIT_USAGE);
	}
	if (argc != 3) {
		log_warnx("keys: authorized-line takes NAME and KEYFILE%s%s",
		    argc > 3 ? ", not also " : "", argc > 3 ? argv[3] : "");
		return (EXIT_USAGE);
	}
	return (cmd_keys_authorized_line(ctx, argv[1], argv[2]));
}

const struct cmd_entry cmd_keys_entry = {
	.name = "keys",
	.args = CMD_KEYS_USAGE " [--from PATTERNS]",
	.summary = "the authorized_keys line that lets a key run only the agent",
	.targets = 0,
	.exec = cmd_keys_exec,
	.groups = 0,
	.options = CMD_OPTIONS(OPT_FROM, OPT_AGENT_PATH),
	.complete = "authorized-line - file",
};
