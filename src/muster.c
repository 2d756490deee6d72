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
	OPT_NAGIOS,
	OPT_EXPECT,
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
	{ "nagios", no_argument, NULL, OPT_NAGIOS },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/*
 * A positive number of seconds or hosts; exits 64 if it is not. opt is the
 * option as the user can type it ("-c", "--connect-timeout").
 */
static int
muster_number(const char *opt, const char *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || (errno != 0 && errno != ERANGE) ||
	    n < 1) {
		log_warnx("%s needs a positive number, not '%s'", opt, v);
		exit(EXIT_USAGE);
	}
	if (errno == ERANGE || n > 1000000) {
		log_warnx("%s needs a number up to 1000000, not '%s'", opt, v);
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

/* Is there a long option with this name (len bytes)? */
static int
muster_longopt(const char *name, size_t len)
{
	const struct option	*o;

	for (o = muster_longopts; o->name != NULL; o++) {
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return (1);
	}
	return (0);
}

/* The option getopt_long() just returned, as the user typed its name. */
static const char *
muster_optname(int ch, int longindex)
{
	static char	name[64];

	if (longindex >= 0)
		snprintf(name, sizeof name, "--%s",
		    muster_longopts[longindex].name);
	else
		snprintf(name, sizeof name, "-%c", ch);
	return (name);
}

/*
 * Parse options from argv[1] on, as getopt_long() does in mode ("+" stops
 * at the first word that is not an option, "" takes options anywhere
 * before "--"). Returns the index of the first word left; *taken is set to
 * the last option that took the next word as its value, or NULL.
 */
static int
muster_options(struct cmd_ctx *ctx, int argc, char **argv, const char *mode,
    int *help, const char **taken, const char **taken_value)
{
	static const char	 opts[] = ":w:x:i:c:t:nvhVF:C:I:A:W:S:";
	enum display_mode	 display;
	char			 optstring[sizeof opts + 1];
	const char		*name, *word, *eq;
	char			*cause = NULL;
	int			 ch, longindex;

	snprintf(optstring, sizeof optstring, "%s%s", mode, opts);
	opterr = 0;
	optind = 0;	/* glibc: start again, and read mode again */
	*taken = *taken_value = NULL;
	for (;;) {
		longindex = -1;
		ch = getopt_long(argc, argv, optstring, muster_longopts,
		    &longindex);
		if (ch == -1)
			break;
		name = muster_optname(ch, longindex);
		if (optarg != NULL && argv[optind - 1] == optarg) {
			*taken = name;
			*taken_value = optarg;
		} else if (ch != ':' && ch != '?')
			*taken = *taken_value = NULL;
		/*
		 * An empty file name is a mistake; an empty -w or -x (from an
		 * empty chain) selects or excludes nothing.
		 */
		if ((ch == 'i' || ch == OPT_SSH_CONFIG) && *optarg == '\0') {
			log_warnx("option '%s' needs a value, not ''", name);
			exit(EXIT_USAGE);
		}
		switch (ch) {
		case 'w':
			ctx->sel.have_w = 1;
			__attribute__((fallthrough));
		case 'x':
			if (selection_add(ch == 'w' ? &ctx->sel.include :
			    &ctx->sel.exclude, optarg, &cause) != 0) {
				log_warnx("-%c: %s", ch, cause);
				exit(EXIT_USAGE);
			}
			break;
		case 'i':
			free(ctx->sel.inventory);
			ctx->sel.inventory = xstrdup(optarg);
			break;
		case 'c':
			ctx->concurrency = muster_number(name, optarg);
			break;
		case 't':
			ctx->timeout = muster_number(name, optarg);
			break;
		case 'n':
			ctx->dry_run = 1;
			break;
		case 'v':
			ctx->verbose++;
			break;
		case 'h':
			*help = 1;
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
			ctx->ssh_config = optarg;
			break;
		case OPT_AGENT_PATH:
			ctx->agent_path = optarg;
			break;
		case OPT_CONNECT_TIMEOUT:
			ctx->connect_timeout = muster_number(name, optarg);
			break;
		case OPT_YES:
			ctx->yes = 1;
			break;
		case OPT_REASON:
			ctx->reason = optarg;
			break;
		case OPT_DISPLAY:
			/* Checked here, so a value never eats the command. */
			if (action_display(optarg, &display) != 0) {
				log_warnx("--display must be ok, failed, all or"
				    " none, not '%s'", optarg);
				exit(EXIT_USAGE);
			}
			ctx->display = optarg;
			break;
		case OPT_JSON:
			ctx->json = 1;
			break;
		case OPT_JSONL:
			ctx->jsonl = 1;
			break;
		case OPT_SENDERS:
			ctx->senders = 1;
			break;
		case OPT_NAGIOS:
			ctx->nagios = 1;
			break;
		case OPT_EXPECT:
			if (strchr(optarg, '=') == NULL ||
			    *optarg == '=') {
				log_warnx("--expect needs FIELD=VALUE, not '%s'",
				    optarg);
				exit(EXIT_USAGE);
			}
			ctx->expect = xreallocarray(ctx->expect,
			    ctx->nexpect + 1, sizeof *ctx->expect);
			ctx->expect[ctx->nexpect++] = optarg;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0) {
				log_warnx("--color must be auto, always or"
				    " never, not '%s'", optarg);
				exit(EXIT_USAGE);
			}
			ctx->color = optarg;
			break;
		case ':':
			if (optopt > 0 && optopt < 128)
				log_warnx("option '-%c' needs a value", optopt);
			else
				log_warnx("option '%s' needs a value",
				    argv[optind - 1]);
			exit(EXIT_USAGE);
		default:
			word = argv[optind - 1];
			if (strncmp(word, "--", 2) != 0)
				log_warnx("unknown option '-%c' (see muster"
				    " help)", optopt);
			else if ((eq = strchr(word, '=')) != NULL &&
			    muster_longopt(word + 2, eq - word - 2))
				log_warnx("option '%.*s' takes no value",
				    (int)(eq - word), word);
			else
				log_warnx("unknown option '%s' (see muster"
				    " help)", word);
			exit(EXIT_USAGE);
		}
	}
	return (optind);
}

/*
 * Options come before the command word and after it. For a command that
 * takes a command line of its own (shell), its first word ends the
 * options, as with ssh and pdsh: "muster -w h shell uname -a".
 */
int
main(int argc, char **argv)
{
	struct cmd_ctx		 ctx;
	const struct cmd_entry	*e;
	const char		*taken, *taken_value;
	char			*cause = NULL, **orig;
	int			 help = 0, code, i;

	ui_output_init();
	memset(&ctx, 0, sizeof ctx);
	selection_init(&ctx.sel);
	ctx.argc = argc;
	orig = xcalloc(argc + 1, sizeof *orig);
	for (i = 0; i < argc; i++)
		orig[i] = argv[i];
	ctx.argv = orig;
	log_init("muster", 0);

	/* The options before the command word. */
	i = muster_options(&ctx, argc, argv, "+", &help, &taken, &taken_value);
	argc -= i;
	argv += i;

	if (argc == 0) {
		if (help) {
			cmd_list(stdout);
			exit(EXIT_ALL_OK);
		}
		if (taken != NULL && cmd_find(taken_value) != NULL) {
			log_warnx("option '%s' took '%s' as its value, leaving"
			    " no command (give %s a value)", taken,
			    taken_value, taken);
			exit(EXIT_USAGE);
		}
		if (ctx.argc > 1) {
			log_warnx("no command given (see muster help)");
			exit(EXIT_USAGE);
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

	/* The options after it; argv[0], the command word, is skipped. */
	i = muster_options(&ctx, argc, argv, e->words ? "+" : "", &help,
	    &taken, &taken_value);
	argc -= i;
	argv += i;
	log_init("muster", ctx.verbose);

	if (help) {
		cmd_usage(e, 0);
		exit(EXIT_ALL_OK);
	}
	if ((ctx.json != 0) + (ctx.jsonl != 0) + (ctx.senders != 0) +
	    (ctx.nagios != 0) > 1) {
		log_warnx("choose one of --json, --jsonl, --senders and"
		    " --nagios");
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

	code = e->exec(&ctx, argc, argv);

	config_release(&ctx.config);
	selection_release(&ctx.sel);
	free(ctx.expect);
	free(orig);
	return (code);
}
