/*
 * action.c: the life of a command that runs an action on hosts: select
 * the targets, resolve their ssh_config, encode the request once, run the
 * fan-out, then render (table, --json, --jsonl or --senders), audit, and
 * turn the outcome into the exit code.
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
static int
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
static char *
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

/* --jsonl: a line per host as it finishes. */
static void
action_jsonl_cb(struct host *h)
{
	errno = 0;
	json_write_host(stdout, h);
	/* A failed write is kept for the end; the run goes on. */
	ui_output_error();
}

/* Print what would be done, send nothing. */
static void
action_dry_run(struct run *r, struct action_spec *spec)
{
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
	enum display_mode	 mode = spec->display;
	const char		*args;
	char			*cause = NULL, *path = NULL, *caller = NULL;
	size_t			 i, argslen;
	int			 must_exist, code = EXIT_USAGE;

	if (ctx->display != NULL && action_display(ctx->display, &mode) != 0) {
		log_warnx("--display must be ok, failed, all or none, not"
		    " '%s'", ctx->display);
		goto out;
	}
	if (selection_resolve(&ctx->sel, ctx->config.inventory, &targets,
	    &cause) != 0) {
		log_warnx("%s", cause);
		goto out;
	}

	r = run_new();
	path = action_ssh_config(ctx, &must_exist);
	/* A file named explicitly is ssh -F: no system file after it. */
	if ((r->sshconf = sshconf_load(path, must_exist, &cause)) == NULL ||
	    (!must_exist && sshconf_load_system(r->sshconf, &cause) != 0)) {
		log_warnx("%s", cause);
		goto out;
	}
	r->ssh_config = path;
	for (i = 0; i < targets.n; i++) {
		run_add_host(r, targets.hosts[i]);
		sshconf_resolve(r->sshconf, targets.hosts[i],
		    &r->hosts[i]->conf);
	}
	r->concurrency = ctx->concurrency > 0 ? ctx->concurrency :
	    ctx->config.concurrency > 0 ? ctx->config.concurrency :
	    action_default_concurrency();
	r->connect_timeout = ctx->connect_timeout > 0 ? ctx->connect_timeout :
	    ctx->config.connect_timeout > 0 ? ctx->config.connect_timeout : 10;
	r->action_timeout = ctx->timeout > 0 ? ctx->timeout : spec->timeout;
	r->agent_path = ctx->agent_path != NULL ? ctx->agent_path :
	    ctx->config.agent_path != NULL ? ctx->config.agent_path :
	    MUSTER_AGENT_PATH;
	if (*r->agent_path == '\0') {
		/* An empty command runs the login shell: nothing to answer. */
		log_warnx("the agent path is empty (--agent-path, or agent_path"
		    " in the config file)");
		goto out;
	}
	for (i = 0; i < r->nhosts; i++) {
		/* ConnectTimeout from ssh_config, unless given on the line. */
		if (ctx->connect_timeout > 0 ||
		    r->hosts[i]->conf.connect_timeout <= 0)
			r->hosts[i]->conf.connect_timeout = r->connect_timeout;
	}

	if (targets.n == 0) {
		log_warnx("no host matched the selection");
		code = EXIT_NO_MATCH;
		goto out;
	}
	if (ctx->dry_run) {
		action_dry_run(r, spec);
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
	proto_request_pack(&r->request, &req);

	if (ctx->jsonl)
		r->host_done_cb = action_jsonl_cb;
	if (fanout_run(r, &cause) != 0) {
		log_warnx("%s", cause);
		goto out;
	}

	errno = 0;
	if (ctx->jsonl)
		json_write_summary_line(stdout, r);
	else if (ctx->json)
		json_write_run(stdout, r, spec, ctx);
	else if (ctx->senders) {
		for (i = 0; i < r->nhosts; i++) {
			if (r->hosts[i]->result.status == RESULT_OK)
				printf("%s\n", r->hosts[i]->name);
		}
	} else {
		render_results(stdout, r, spec, mode);
		render_summary(stdout, r, spec);
	}
	code = r->interrupted ? EXIT_INTERRUPTED : render_exit_code(r);
	/* Reported at exit (ui_output_exit()), after the audit line. */
	if (ui_output_error() != 0)
		code = EXIT_IOERR;
	audit_write(r, spec, ctx, code);
out:
	if (r != NULL && r->sshconf != NULL)
		sshconf_free(r->sshconf);
	run_free(r);
	hostlist_release(&targets);
	free(cause);
	free(path);
	free(caller);
	return (code);
}
