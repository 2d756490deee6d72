/*
 * cmd-nrpe.c: muster nrpe CHECK [ARG ...], an NRPE check defined in each
 * host's nrpe.cfg, run by the nrpe agent: "muster nrpe check_disk". The
 * words after the check fill its $ARG1$, $ARG2$ ... (joined with '!', as
 * check_nrpe -a does); hosts that are not OK are listed, in colour, and
 * the states summarised. --nagios prints one plugin line instead and
 * exits with the worst state, so Nagios can check a whole fleet at once.
 */
#include <string.h>

#include "muster.h"

static int
cmd_nrpe_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	  spec;
	struct strbuf		  sb = STRBUF_INIT;
	char			**words, *extra[1];
	int			  code = EXIT_USAGE, i, n = 0;

	if (argc < 1) {
		log_warnx("nrpe: expected CHECK [ARG ...]");
		return (ctx->nagios ? 3 : EXIT_USAGE);
	}
	for (i = 1; i < argc; i++) {
		if (strchr(argv[i], '!') != NULL) {
			log_warnx("nrpe: argument %d holds '!', which separates"
			    " NRPE arguments", i);
			return (ctx->nagios ? 3 : EXIT_USAGE);
		}
		strbuf_addf(&sb, "%s%s", i == 1 ? "args=" : "!", argv[i]);
	}
	if (sb.len > 0)
		extra[n++] = sb.buf;
	words = action_words("command", argv[0], n, extra);
	if (action_spec_load(&spec, "nrpe", "nrpe", "runcommand", n + 1,
	    words) == 0)
		code = action_run(ctx, &spec);
	else if (ctx->nagios)
		code = 3;
	action_spec_release(&spec);
	action_words_free(words);
	strbuf_release(&sb);
	return (code);
}

const struct cmd_entry cmd_nrpe_entry = {
	.name = "nrpe",
	.args = "CHECK [ARG ...]",
	.summary = "run an NRPE check on each host; --nagios for one plugin"
	    " line",
	.targets = 1,
	.groups = CMD_HOSTS,
	.options = CMD_OPTIONS(OPT_NAGIOS),
	.complete = "- -...",
	.exec = cmd_nrpe_exec,
};
