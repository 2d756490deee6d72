/*
 * muster.c: the command line. Options may appear anywhere before "--";
 * the first word that is not an option names the command, and an unknown
 * command is looked up as muster-NAME on PATH (git style).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muster.h"

enum {
	OPT_SSH_CONFIG = 256,
	OPT_AGENT_PATH,
	OPT_CONNECT_TIMEOUT,
	OPT_YES,
	OPT_REASON,
	OPT_DISPLAY,
	OPT_JSON,
	OPT_JSONL,
	OPT_SENDERS,
	OPT_COLOR,
};

static const struct option muster_longopts[] = {
	{ "ssh-config", required_argument, NULL, OPT_SSH_CONFIG },
	{ "agent-path", required_argument, NULL, OPT_AGENT_PATH },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "timeout", required_argument, NULL, 't' },
	{ "concurrency", required_argument, NULL, 'c' },
	{ "inventory", required_argument, NULL, 'i' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "display", required_argument, NULL, OPT_DISPLAY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "jsonl", no_argument, NULL, OPT_JSONL },
	{ "senders", no_argument, NULL, OPT_SENDERS },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* A positive number of seconds or hosts; exits 64 if it is not. */
static int
muster_number(const char *opt, const char *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < 1 || n > 1000000) {
		log_warnx("%s needs a positive number, not '%s'", opt, v);
		exit(EXIT_USAGE);
	}
	return ((int)n);
}

/* Run muster-NAME from PATH with the same arguments; only returns on error. */
static void
muster_external(const char *name, int argc, char **argv)
{
	char	*prog, **nargv;
	int	 i, j = 0;

	xasprintf(&prog, "muster-%s", name);
	nargv = xcalloc(argc + 1, sizeof *nargv);
	nargv[j++] = prog;
	for (i = 1; i < argc; i++) {
		/* Drop the first occurrence of the command word. */
		if (strcmp(argv[i], name) == 0 && j == i) {
			name = "";
			continue;
		}
		nargv[j++] = argv[i];
	}
	execvp(prog, nargv);
	free(nargv);
	free(prog);
}

int
main(int argc, char **argv)
{
	struct cmd_ctx		 ctx;
	const struct cmd_entry	*e;
	char			*cause = NULL, **orig;
	int			 ch, help = 0, code, i;

	ui_output_init();
	memset(&ctx, 0, sizeof ctx);
	selection_init(&ctx.sel);
	ctx.argc = argc;
	orig = xcalloc(argc + 1, sizeof *orig);
	for (i = 0; i < argc; i++)
		orig[i] = argv[i];
	ctx.argv = orig;
	log_init("muster", 0);

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":w:x:i:c:t:nvhVF:C:I:A:W:S:",
	    muster_longopts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			ctx.sel.have_w = 1;
			__attribute__((fallthrough));
		case 'x':
			if (selection_add(ch == 'w' ? &ctx.sel.include :
			    &ctx.sel.exclude, optarg, &cause) != 0) {
				log_warnx("-%c: %s", ch, cause);
				exit(EXIT_USAGE);
			}
			break;
		case 'i':
			free(ctx.sel.inventory);
			ctx.sel.inventory = xstrdup(optarg);
			break;
		case 'c':
			ctx.concurrency = muster_number("-c", optarg);
			break;
		case 't':
			ctx.timeout = muster_number("-t", optarg);
			break;
		case 'n':
			ctx.dry_run = 1;
			break;
		case 'v':
			ctx.verbose++;
			break;
		case 'h':
			help = 1;
			break;
		case 'V':
			printf("muster %s (protocol %d)\n", MUSTER_VERSION,
			    MUSTER_PROTOCOL_VERSION);
			exit(EXIT_ALL_OK);
		case 'F':
		case 'C':
		case 'I':
		case 'A':
		case 'W':
		case 'S':
			log_warnx("-%c (metadata filters) is not available in"
			    " this version; select hosts with -w/-x or an"
			    " inventory%s", ch, ch == 'F' ? " (an ssh_config"
			    " is given with --ssh-config FILE)" : "");
			exit(EXIT_USAGE);
		case OPT_SSH_CONFIG:
			ctx.ssh_config = optarg;
			break;
		case OPT_AGENT_PATH:
			ctx.agent_path = optarg;
			break;
		case OPT_CONNECT_TIMEOUT:
			ctx.connect_timeout = muster_number("--connect-timeout",
			    optarg);
			break;
		case OPT_YES:
			ctx.yes = 1;
			break;
		case OPT_REASON:
			ctx.reason = optarg;
			break;
		case OPT_DISPLAY:
			ctx.display = optarg;
			break;
		case OPT_JSON:
			ctx.json = 1;
			break;
		case OPT_JSONL:
			ctx.jsonl = 1;
			break;
		case OPT_SENDERS:
			ctx.senders = 1;
			break;
		case OPT_COLOR:
			ctx.color = optarg;
			break;
		case ':':
			log_warnx("option '%s' needs a value",
			    argv[optind - 1]);
			exit(EXIT_USAGE);
		default:
			if (optopt != 0)
				log_warnx("unknown option '-%c' (see muster"
				    " help)", optopt);
			else
				log_warnx("unknown option '%s' (see muster"
				    " help)", argv[optind - 1]);
			exit(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	log_init("muster", ctx.verbose);

	if (argc == 0) {
		if (help) {
			cmd_list(stdout);
			exit(EXIT_ALL_OK);
		}
		cmd_list(stderr);
		exit(EXIT_USAGE);
	}
	if ((e = cmd_find(argv[0])) == NULL) {
		muster_external(argv[0], ctx.argc, orig);
		log_warnx("unknown command '%s' (see muster help)", argv[0]);
		exit(EXIT_USAGE);
	}
	ctx.entry = e;
	if (help) {
		cmd_usage(e, 0);
		exit(EXIT_ALL_OK);
	}
	if ((ctx.json != 0) + (ctx.jsonl != 0) + (ctx.senders != 0) > 1) {
		log_warnx("choose one of --json, --jsonl and --senders");
		exit(EXIT_USAGE);
	}
	if (ctx.reason == NULL && getenv("MUSTER_REASON") != NULL &&
	    *getenv("MUSTER_REASON") != '\0')
		ctx.reason = getenv("MUSTER_REASON");
	if (config_load(&ctx.config, &cause) != 0) {
		log_warnx("%s", cause);
		exit(EXIT_USAGE);
	}
	if (ui_init(ctx.color != NULL ? ctx.color : ctx.config.color,
	    &cause) != 0) {
		log_warnx("%s", cause);
		exit(EXIT_USAGE);
	}

	code = e->exec(&ctx, argc - 1, argv + 1);

	config_release(&ctx.config);
	selection_release(&ctx.sel);
	free(orig);
	return (code);
}
