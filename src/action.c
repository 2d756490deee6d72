/*
 * action.c: the life of a command that runs an action on hosts: describe
 * it from the DDL, select the targets, ask before changing a whole
 * inventory, resolve their ssh_config, encode the request once, run the
 * fan-out, apply the expectations, hand the results to the sink chosen
 * (table, --json, --jsonl, --senders, --nagios), audit, and return the
 * run's exit code.
 */
#include <sys/resource.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "muster.h"

/* Concurrency ceiling when none is given. */
#define ACTION_MAX_CONCURRENCY	200

/* A spec for agent.action with an empty argument map to fill. */
void
action_spec_init(struct action_spec *spec, const char *agent,
    const char *action)
{
	memset(spec, 0, sizeof *spec);
	spec->agent = agent;
	spec->action = action;
	spec->timeout = 60;
	spec->display = DISPLAY_FAILED;
	wire_writer_init(&spec->args);
}

/* Free a spec. */
void
action_spec_release(struct action_spec *spec)
{
	wire_writer_release(&spec->args);
	expect_release(spec);
	if (spec->registry != NULL)
		ddl_registry_free(spec->registry);
	spec->registry = NULL;
}

/* "unknown agent" with the agents there are. */
static void
action_unknown_agent(const char *who, struct ddl_registry *reg,
    const char *agent)
{
	struct strbuf	  sb = STRBUF_INIT;
	char		**names;
	size_t		  n, i;

	names = ddl_registry_names(reg, &n);
	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "%s%s", i == 0 ? "" : ", ", names[i]);
		free(names[i]);
	}
	free(names);
	log_warnx("%s: unknown agent '%s' (known: %s)", who, agent,
	    n == 0 ? "none, no DDL found" : sb.buf);
	strbuf_release(&sb);
}

/* "has no action" with the actions there are. */
static void
action_unknown_action(const char *who, const struct ddl *d,
    const char *action)
{
	struct strbuf	sb = STRBUF_INIT;
	size_t		i;

	for (i = 0; i < d->nactions; i++)
		strbuf_addf(&sb, "%s%s", i == 0 ? "" : ", ",
		    d->actions[i].name);
	log_warnx("%s: agent '%s' has no action '%s' (actions: %s)", who,
	    d->name, action, sb.len > 0 ? sb.buf : "none");
	strbuf_release(&sb);
}

/* Describe agent.action from the DDL registry and check its arguments. */
int
action_spec_load(struct action_spec *spec, const char *who,
    const char *agent, const char *action, int argc, char **argv)
{
	return (action_spec_load_from(spec, ddl_registry_default(), who, agent,
	    action, argc, argv));
}

/* The same from a registry the caller opened; the spec takes it over. */
int
action_spec_load_from(struct action_spec *spec, struct ddl_registry *reg,
    const char *who, const char *agent, const char *action, int argc,
    char **argv)
{
	const struct ddl	*d;
	const struct ddl_action	*a;
	char			*cause = NULL;

	action_spec_init(spec, agent, action);
	spec->registry = reg;
	switch (ddl_registry_find(reg, agent, &d, &cause)) {
	case -1:
		log_warnx("%s: %s", who, cause);
		free(cause);
		return (-1);
	case 1:
		action_unknown_agent(who, reg, agent);
		return (-1);
	}
	if ((a = ddl_action(d, action)) == NULL) {
		action_unknown_action(who, d, action);
		return (-1);
	}
	spec->agent = d->name;
	spec->action = a->name;
	spec->ddl = d;
	spec->ddl_action = a;
	spec->timeout = d->timeout > 0 ? d->timeout : 60;
	spec->display = a->display;
	if (ddl_args(d, a, argc, argv, &spec->args, &cause) != 0) {
		log_warnx("%s: %s", who, cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/*
 * The typed front-ends' words as the generic caller's: "NAME" given for
 * an input becomes "input=NAME" before the KEY=VALUE words that follow.
 * A new array of argc + 1 words, the first allocated: free it and the
 * array with action_words_free().
 */
char **
action_words(const char *input, const char *value, int argc, char **argv)
{
	char	**words;
	int	  i;

	words = xcalloc(argc + 2, sizeof *words);
	xasprintf(&words[0], "%s=%s", input, value);
	for (i = 0; i < argc; i++)
		words[i + 1] = argv[i];
	return (words);
}

void
action_words_free(char **words)
{
	if (words != NULL)
		free(words[0]);
	free(words);
}

/*
 * Actions that change hosts: run against a whole inventory they ask first
 * (DESIGN section 2). Choria's DDL has no word for this, so it is a list.
 */
int
action_changing(const char *agent, const char *action)
{
	static const char	*changing[] = {
		"install", "uninstall", "purge", "update", "start", "stop",
		"restart", "runonce", "enable", "disable", NULL
	};
	size_t			 i;

	if (strcmp(agent, "rpcutil") == 0 || strcmp(agent, "shell") == 0)
		return (0);
	for (i = 0; changing[i] != NULL; i++) {
		if (strcmp(changing[i], action) == 0)
			return (1);
	}
	return (0);
}

/*
 * A changing action against the whole inventory (no -w, no filter): ask
 * on a terminal, refuse elsewhere, unless --yes. 0 to go on.
 */
static int
action_confirm(struct cmd_ctx *ctx, const struct action_spec *spec,
    size_t n)
{
	char	 answer[16], *what;
	FILE	*tty;
	int	 ok;

	if (ctx->yes || ctx->sel.have_w || ctx->dry_run ||
	    (spec->changes == NULL &&
	    !action_changing(spec->agent, spec->action)))
		return (0);
	if (spec->changes != NULL)
		what = xstrdup(spec->changes);
	else
		xasprintf(&what, "%s %s", spec->agent, spec->action);
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO) ||
	    (tty = fopen("/dev/tty", "r+")) == NULL) {
		log_warnx("%s would change all %zu host%s of the inventory;"
		    " select hosts with -w, or confirm with --yes", what, n,
		    n == 1 ? "" : "s");
		free(what);
		return (-1);
	}
	fprintf(tty, "Run %s on all %zu host%s of the inventory? [y/N] ",
	    what, n, n == 1 ? "" : "s");
	free(what);
	fflush(tty);
	ok = fgets(answer, sizeof answer, tty) != NULL &&
	    (answer[0] == 'y' || answer[0] == 'Y');
	fclose(tty);
	if (!ok)
		log_warnx("not confirmed; nothing was run");
	return (ok ? 0 : -1);
}

/* The agent's path: --agent-path, else the config file's, else built in. */
const char *
action_agent_path(struct cmd_ctx *ctx)
{
	if (ctx->agent_path != NULL)
		return (ctx->agent_path);
	if (ctx->config.agent_path != NULL)
		return (ctx->config.agent_path);
	return (MUSTER_AGENT_PATH);
}

/* Parse a --display value. */
int
action_display(const char *s, enum display_mode *mode)
{
	if (strcmp(s, "failed") == 0)
		*mode = DISPLAY_FAILED;
	else if (strcmp(s, "ok") == 0)
		*mode = DISPLAY_OK;
	else if (strcmp(s, "all") == 0)
		*mode = DISPLAY_ALL;
	else if (strcmp(s, "none") == 0)
		*mode = DISPLAY_NONE;
	else
		return (-1);
	return (0);
}

/* The default window: what the open-file limit allows, at most 200. */
int
action_default_concurrency(void)
{
	struct rlimit	rl;
	rlim_t		n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return (64);
	n = rl.rlim_max == RLIM_INFINITY ? 65536 : rl.rlim_max;
	if (n < 64)
		return (8);
	n -= 32;
	return (n > ACTION_MAX_CONCURRENCY ? ACTION_MAX_CONCURRENCY : (int)n);
}

/* Which ssh_config file, and must it exist? */
char *
action_ssh_config(struct cmd_ctx *ctx, int *must_exist)
{
	const char	*env = getenv("MUSTER_SSH_CONFIG");
	const char	*home = getenv("HOME");
	char		*dir, *path;

	*must_exist = 1;
	if (ctx->ssh_config != NULL)
		return (xstrdup(ctx->ssh_config));
	if (env != NULL && *env != '\0')
		return (xstrdup(env));
	if (ctx->config.ssh_config != NULL)
		return (xstrdup(ctx->config.ssh_config));
	*must_exist = 0;
	dir = config_dir();
	xasprintf(&path, "%s/ssh_config", dir);
	free(dir);
	if (access(path, F_OK) == 0)
		return (path);
	free(path);
	xasprintf(&path, "%s/.ssh/config", home != NULL ? home : "");
	return (path);
}

/* What a host's end passes through before the sink sees it. */
struct action_done {
	const struct action_spec	*spec;
	const struct sink		*sink;
	struct factcache		*facts;	/* facts replies carried */
};

/* A host finished: its expectations, then the sink's line (--jsonl). */
static void
action_host_done(struct host *h, void *arg)
{
	struct action_done	*done = arg;

	expect_host(h, done->spec);
	/* The fact cache keeps the facts a reply carries. */
	factcache_note(&done->facts, h, done->spec);
	if (done->sink->host_done != NULL)
		done->sink->host_done(h);
}

/* Print what would be done, send nothing. */
static void
action_dry_run(struct run *r, struct action_spec *spec,
    struct selection *sel)
{
	const struct filter	*f;
	char			*text, *unknown;
	struct wire_msg	 msg;
	const char	*data, *cause;
	char		*hosts, *args;
	size_t		 len, used, i;
	json_t		*j;
	struct hostlist	 l = HOSTLIST_INIT;

	for (i = 0; i < r->nhosts; i++)
		hostlist_add(&l, r->hosts[i]->name);
	hosts = hostlist_fold(l.hosts, l.n);
	hostlist_release(&l);
	memset(&msg, 0, sizeof msg);
	data = wire_writer_data(&spec->args, &len);
	args = NULL;
	if (wire_decode(data, len, &msg, &used, &cause) == 1) {
		j = json_from_wire(msg.root);
		args = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(j);
	}
	wire_msg_release(&msg);
	/* The arguments are the user's: JSON leaves C1 and DEL raw. */
	ui_fprintf(stdout, UI_NONE, "dry run: would run %s.%s %s (timeout %d"
	    " s) on %zu host%s: %s\n", spec->agent, spec->action,
	    args != NULL ? args : "{}", r->action_timeout, r->nhosts,
	    r->nhosts == 1 ? "" : "s", hosts);
	if ((f = selection_the_filter(sel)) != NULL) {
		text = filter_format(f);
		ui_fprintf(stdout, UI_NONE, "filter: %s\n", text);
		free(text);
		if (sel->unknown.n > 0) {
			unknown = hostlist_fold_max(sel->unknown.hosts,
			    sel->unknown.n, HOSTLIST_FOLD_LINE);
			ui_fprintf(stdout, UI_NONE, "no cached facts, they"
			    " decide themselves: %s\n", unknown);
			free(unknown);
		}
	}
	free(args);
	free(hosts);
}

/* Run an action on the selected hosts; returns the exit code. */
int
action_run(struct cmd_ctx *ctx, struct action_spec *spec)
{
	struct hostlist		 targets = HOSTLIST_INIT;
	struct proto_request	 req;
	struct run		*r = NULL;
	struct action_done	 done;
	const struct sink	*sink = sink_choose(ctx);
	enum display_mode	 mode = spec->display;
	const char		*args;
	const struct filter	*f;
	struct wire_writer	 filter_w;
	char			*cause = NULL, *path = NULL, *caller = NULL;
	size_t			 i, argslen;
	int			 must_exist, code = EXIT_USAGE;

	memset(&done, 0, sizeof done);
	wire_writer_init(&filter_w);
	if (ctx->display != NULL && action_display(ctx->display, &mode) != 0) {
		log_warnx("--display must be ok, failed, all or none, not"
		    " '%s'", ctx->display);
		goto out;
	}
	for (i = 0; i < ctx->nexpect; i++) {
		if (expect_add(spec, ctx->expect[i], &cause) != 0) {
			log_warnx("%s", cause);
			goto out;
		}
	}
	if (selection_resolve(&ctx->sel, ctx->config.inventory, &targets,
	    &cause) != 0) {
		log_warnx("%s", cause);
		goto out;
	}

	r = run_new();
	path = action_ssh_config(ctx, &must_exist);
	r->ssh_config = path;
	r->ssh_config_given = must_exist;
	for (i = 0; i < targets.n; i++)
		run_add_host(r, targets.hosts[i]);
	r->concurrency = ctx->concurrency > 0 ? ctx->concurrency :
	    ctx->config.concurrency > 0 ? ctx->config.concurrency :
	    action_default_concurrency();
	r->connect_timeout = ctx->connect_timeout > 0 ? ctx->connect_timeout :
	    ctx->config.connect_timeout > 0 ? ctx->config.connect_timeout : 10;
	r->connect_timeout_set = ctx->connect_timeout > 0;
	r->action_timeout = ctx->timeout > 0 ? ctx->timeout : spec->timeout;
	/* Waves and the failure budget: N% is of the hosts targeted. */
	if (ctx->batch != NULL)
		schedule_count(ctx->batch, targets.n, &r->sched.batch);
	r->sched.batch_sleep_ms = ctx->batch_sleep * 1000;
	if (ctx->max_fail != NULL)
		schedule_count(ctx->max_fail, targets.n, &r->sched.max_fail);
	r->agent_path = action_agent_path(ctx);
	if (*r->agent_path == '\0') {
		/* An empty command runs the login shell: nothing to answer. */
		log_warnx("the agent path is empty (--agent-path, or agent_path"
		    " in the config file)");
		goto out;
	}
	/* Hosts a warm session holds are called through it. */
	if (!ctx->no_session && !ctx->dry_run && targets.n > 0)
		transport_session_attach(r);
	/* A bad ssh_config or agent path is reported before anything runs. */
	if (run_prepare(r, &cause) != 0) {
		log_warnx("%s", cause);
		goto out;
	}

	if (targets.n == 0) {
		log_warnx("no host matched the selection");
		code = sink->exit_code != NULL ?
		    sink->exit_code(r, EXIT_NO_MATCH) : EXIT_NO_MATCH;
		goto out;
	}
	if (action_confirm(ctx, spec, targets.n) != 0)
		goto out;
	if (ctx->dry_run) {
		action_dry_run(r, spec, &ctx->sel);
		code = EXIT_ALL_OK;
		goto out;
	}

	memset(&req, 0, sizeof req);
	req.v = MUSTER_PROTOCOL_VERSION;
	proto_new_id(req.id);
	memcpy(r->request_id, req.id, sizeof r->request_id);
	req.agent = (char *)spec->agent;
	req.action = (char *)spec->action;
	req.caller = caller = audit_caller();
	req.reason = ctx->reason;
	req.timeout = r->action_timeout;
	req.time = time(NULL);
	args = wire_writer_data(&spec->args, &argslen);
	req.args_raw = args;
	req.args_len = argslen;
	/*
	 * The filter travels: each agent checks it on its live facts, and
	 * sends them back, so the cache follows what the filters saw.
	 */
	if ((f = selection_the_filter(&ctx->sel)) != NULL) {
		filter_put(&filter_w, f);
		req.filter_raw = wire_writer_data(&filter_w, &req.filter_len);
		req.facts = 1;
	}
	proto_request_pack(&r->request, &req);
	if (spec->run_setup != NULL && spec->run_setup(r, spec, &req) != 0)
		goto out;

	done.spec = spec;
	done.sink = sink;
	r->host_done_cb = action_host_done;
	r->host_done_arg = &done;
	/* A person watching a run that lasts gets the live view. */
	r->live = ui_live_new(r, ctx);
	if (fanout_run(r, &cause) != 0) {
		log_warnx("%s", cause);
		goto out;
	}

	/* The run's outcome first; the sink only writes it out. */
	expect_apply(r, spec);
	code = run_exit_code(r);
	if (sink->exit_code != NULL)
		code = sink->exit_code(r, code);
	errno = 0;
	sink->finish(stdout, r, spec, ctx, mode);
	/* Reported at exit (ui_output_exit()), after the audit line. */
	if (ui_output_error() != 0)
		code = EXIT_IOERR;
	audit_write(r, spec, ctx, code);
	/* Each host's outcome, for --rerun. */
	runrecord_write(r, spec);
out:
	factcache_note_save(done.facts);
	wire_writer_release(&filter_w);
	run_free(r);
	hostlist_release(&targets);
	free(cause);
	free(path);
	free(caller);
	return (code);
}
