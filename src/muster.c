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

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

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

/* The options given before the command word, checked once it is known. */
static struct {
	const struct cmd_option	*option;
	char			*as;	/* as the user typed its name */
} muster_given[64];
static size_t muster_ngiven;

/* The option getopt_long() just returned, as the user typed its name. */
static const char *
muster_optname(int ch, const struct option *longopts, int longindex)
{
	static char	name[64];

	if (longindex >= 0)
		snprintf(name, sizeof name, "--%s", longopts[longindex].name);
	else
		snprintf(name, sizeof name, "-%c", ch);
	return (name);
}

/* An option the command does not take: one line, exit 64. */
static void __attribute__((noreturn))
muster_not_taken(const char *name, const struct cmd_entry *e)
{
	log_warnx("option '%s' is not an option of '%s' (see muster help %s)",
	    name, e->name, e->name);
	exit(EXIT_USAGE);
}

/*
 * An option getopt_long() did not know: one the command does not take,
 * one that takes no value given one, or none at all.
 */
static void __attribute__((noreturn))
muster_unknown(const struct cmd_entry *e, const char *word)
{
	const struct cmd_option	*o;
	const char		*eq;
	char			 name[64];
	size_t			 len;

	if (strncmp(word, "--", 2) != 0) {
		if ((o = cmd_option(optopt)) != NULL && e != NULL &&
		    !cmd_takes(e, o)) {
			snprintf(name, sizeof name, "-%c", optopt);
			muster_not_taken(name, e);
		}
		log_warnx("unknown option '-%c' (see muster help)", optopt);
		exit(EXIT_USAGE);
	}
	eq = strchr(word, '=');
	len = eq != NULL ? (size_t)(eq - word - 2) : strlen(word + 2);
	if ((o = cmd_option_named(word + 2, len)) != NULL) {
		if (e != NULL && !cmd_takes(e, o)) {
			snprintf(name, sizeof name, "--%s", o->name);
			muster_not_taken(name, e);
		}
		if (eq != NULL && o->value == NULL) {
			log_warnx("option '%.*s' takes no value",
			    (int)(eq - word), word);
			exit(EXIT_USAGE);
		}
	}
	log_warnx("unknown option '%s' (see muster help)", word);
	exit(EXIT_USAGE);
}

/*
 * Parse options from argv[1] on, as getopt_long() does in mode ("+" stops
 * at the first word that is not an option, "" takes options anywhere
 * before "--"): those the command e takes, or with e NULL (before the
 * command word) every option, each remembered to be checked against the
 * command once it is known. Returns the index of the first word left;
 * *taken is set to the last option that took the next word as its value,
 * or NULL.
 */
static int
muster_options(struct cmd_ctx *ctx, const struct cmd_entry *e, int argc,
    char **argv, const char *mode, int *help, const char **taken,
    const char **taken_value)
{
	enum display_mode	 display;
	const struct cmd_option	*o;
	struct option		*longopts;
	const char		*name;
	char			*optstring, *cause = NULL;
	int			 ch, longindex;
	size_t			 i, count;

	cmd_getopt(e, mode, &optstring, &longopts);
	opterr = 0;
	optind = 0;	/* glibc: start again, and read mode again */
	*taken = *taken_value = NULL;
	for (;;) {
		longindex = -1;
		ch = getopt_long(argc, argv, optstring, longopts, &longindex);
		if (ch == -1)
			break;
		name = muster_optname(ch, longopts, longindex);
		if (optarg != NULL && argv[optind - 1] == optarg) {
			*taken = name;
			*taken_value = optarg;
		} else if (ch != ':' && ch != '?')
			*taken = *taken_value = NULL;
		if (e == NULL && (o = cmd_option(ch)) != NULL) {
			for (i = 0; i < muster_ngiven; i++) {
				if (muster_given[i].option == o)
					break;
			}
			if (i == muster_ngiven && i < nitems(muster_given)) {
				muster_given[i].option = o;
				muster_given[i].as = xstrdup(name);
				muster_ngiven++;
			}
		}
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
			if (selection_filter(&ctx->sel, ch, optarg,
			    &cause) != 0) {
				log_warnx("-%c: %s", ch, cause);
				exit(EXIT_USAGE);
			}
			break;
		case OPT_DISCOVERY:
			if (strcmp(optarg, "live") != 0 &&
			    strcmp(optarg, "cache") != 0) {
				log_warnx("--discovery must be cache or live,"
				    " not '%s'", optarg);
				exit(EXIT_USAGE);
			}
			ctx->sel.discovery_live = strcmp(optarg, "live") == 0;
			break;
		case OPT_LIMIT:
			if (schedule_count(optarg, 100, &count) != 0 ||
			    count == 0) {
				log_warnx("--limit needs N or N%% (1 to 1000000),"
				    " not '%s'", optarg);
				exit(EXIT_USAGE);
			}
			free(ctx->sel.limit);
			ctx->sel.limit = xstrdup(optarg);
			break;
		case OPT_LIMIT_SEED:
			ctx->sel.limit_seed = (unsigned long)muster_number(name,
			    optarg);
			ctx->sel.have_limit_seed = 1;
			break;
		case OPT_RERUN:
			if (strcmp(optarg, "failed") != 0 &&
			    strcmp(optarg, "unanswered") != 0) {
				log_warnx("--rerun must be failed or unanswered,"
				    " not '%s'", optarg);
				exit(EXIT_USAGE);
			}
			free(ctx->sel.rerun);
			ctx->sel.rerun = xstrdup(optarg);
			break;
		case OPT_REFRESH:
			ctx->refresh = 1;
			break;
		case OPT_FORMAT:
			ctx->format = optarg;
			break;
		case OPT_HEADER:
			ctx->header = 1;
			break;
		case OPT_FROM:
			ctx->from = optarg;
			break;
		case OPT_SSH_CONFIG:
			ctx->ssh_config = optarg;
			break;
		case OPT_AGENT_PATH:
			ctx->agent_path = optarg;
			break;
		case OPT_BATCH:
		case OPT_MAX_FAIL:
			/* The form now; N% is of the hosts, known later. */
			if (schedule_count(optarg, 100, &count) != 0 ||
			    (ch == OPT_BATCH && count == 0)) {
				log_warnx("%s needs N or N%% (%s), not '%s'",
				    name, ch == OPT_BATCH ? "1 to 1000000" :
				    "0 to 1000000", optarg);
				exit(EXIT_USAGE);
			}
			if (ch == OPT_BATCH)
				ctx->batch = optarg;
			else
				ctx->max_fail = optarg;
			break;
		case OPT_BATCH_SLEEP:
			ctx->batch_sleep = muster_number(name, optarg);
			break;
		case OPT_CONNECT_TIMEOUT:
			ctx->connect_timeout = muster_number(name, optarg);
			break;
		case OPT_YES:
			ctx->yes = 1;
			break;
		case OPT_NO_SESSION:
			ctx->no_session = 1;
			break;
		case OPT_IDLE:
			ctx->idle = muster_number(name, optarg);
			break;
		case OPT_RUN_TIMEOUT:
			ctx->run_timeout = muster_number(name, optarg);
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
		case OPT_NOOP:
			ctx->noop = 1;
			break;
		case OPT_TAGS:
			ctx->tags = optarg;
			break;
		case OPT_ENVIRONMENT:
			ctx->environment = optarg;
			break;
		case OPT_NO_LIVE:
			ctx->no_live = 1;
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
			muster_unknown(e, argv[optind - 1]);
		}
	}
	free(optstring);
	free(longopts);
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
	log_init("muster", 0);
	/* The completion scripts' helper, before anything else is set up. */
	if (argc > 1 && strcmp(argv[1], "--complete") == 0)
		return (complete_main(argc - 2, argv + 2));

	memset(&ctx, 0, sizeof ctx);
	selection_init(&ctx.sel);
	ctx.argc = argc;
	orig = xcalloc(argc + 1, sizeof *orig);
	for (i = 0; i < argc; i++)
		orig[i] = argv[i];
	ctx.argv = orig;

	/* The options before the command word. */
	i = muster_options(&ctx, NULL, argc, argv, "+", &help, &taken,
	    &taken_value);
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
	for (i = 0; i < (int)muster_ngiven; i++) {
		if (!cmd_takes(e, muster_given[i].option))
			muster_not_taken(muster_given[i].as, e);
	}

	/* The options after it; argv[0], the command word, is skipped. */
	i = muster_options(&ctx, e, argc, argv, e->words ? "+" : "", &help,
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
	for (i = 0; i < (int)muster_ngiven; i++)
		free(muster_given[i].as);
	free(orig);
	return (code);
}
