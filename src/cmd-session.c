/*
 * cmd-session.c: muster session start|status|stop, the warm session's
 * controls (session.c holds the hosts, transport-session.c uses them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "muster.h"

/* How long status and stop wait for the session, milliseconds. */
#define CMD_SESSION_WAIT_MS	5000

/* Options that mean nothing to a session's holder. */
static int
cmd_session_refuse(struct cmd_ctx *ctx, const char *sub)
{
	const char	*opt = NULL;

	if (ctx->timeout > 0)
		opt = "-t";
	else if (ctx->batch != NULL)
		opt = "--batch";
	else if (ctx->batch_sleep > 0)
		opt = "--batch-sleep";
	else if (ctx->max_fail != NULL)
		opt = "--max-fail";
	else if (ctx->dry_run)
		opt = "--dry-run";
	else if (ctx->no_session)
		opt = "--no-session";
	else if (ctx->idle > 0 && strcmp(sub, "start") != 0)
		opt = "--idle";
	else if (ctx->sel.include.n > 0 && strcmp(sub, "start") != 0)
		opt = "-w";
	if (opt == NULL)
		return (0);
	log_warnx("session %s: %s does not apply", sub, opt);
	return (-1);
}

/* One exchange with the running session; -1 after saying why. */
static int
cmd_session_ask(const char *op, struct wire_msg *msg)
{
	struct wire_writer	 w;
	struct strbuf		 in = STRBUF_INIT;
	char			*path, *cause = NULL;
	int			 fd, rc = -1;

	if ((path = session_socket_path(0, &cause)) == NULL) {
		log_warnx("session: no session (%s)", cause);
		free(cause);
		return (-1);
	}
	if ((fd = sockmsg_connect(path)) == -1) {
		log_warnx("session: no session running (%s: %s)", path,
		    strerror(errno));
		free(path);
		return (-1);
	}
	wire_writer_init(&w);
	wire_put_map(&w, 1);
	wire_put_kstr(&w, "op", op);
	if (sockmsg_write(fd, &w, CMD_SESSION_WAIT_MS, &cause) != 0 ||
	    sockmsg_read(fd, &in, SESSION_REPLY_MAX, CMD_SESSION_WAIT_MS,
	    msg, &cause) != 0) {
		log_warnx("session: %s: %s", path, cause);
		free(cause);
	} else
		rc = 0;
	wire_writer_release(&w);
	strbuf_release(&in);
	close(fd);
	free(path);
	return (rc);
}

/* "9m 12s" */
static void
cmd_session_duration(FILE *f, int64_t s)
{
	if (s >= 3600)
		fprintf(f, "%lldh %02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else if (s >= 60)
		fprintf(f, "%lldm %02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else
		fprintf(f, "%llds", (long long)s);
}

static int
cmd_session_status(struct cmd_ctx *ctx)
{
	struct wire_msg	 msg;
	json_t		*j;
	char		*dropped = NULL, *config = NULL;
	int64_t		 pid = 0, hosts = 0, conn = 0, opening = 0, ndrop = 0;
	int64_t		 calls = 0, up = 0, idle = 0, left = 0;

	memset(&msg, 0, sizeof msg);
	if (cmd_session_ask("status", &msg) != 0) {
		wire_msg_release(&msg);
		return (EXIT_NO_MATCH);
	}
	if (ctx->json) {
		j = json_from_wire(msg.root);
		json_object_del(j, "op");
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
		json_decref(j);
		wire_msg_release(&msg);
		return (EXIT_ALL_OK);
	}
	wire_get_int(msg.root, "pid", &pid);
	wire_get_int(msg.root, "hosts", &hosts);
	wire_get_int(msg.root, "connected", &conn);
	wire_get_int(msg.root, "opening", &opening);
	wire_get_int(msg.root, "dropped", &ndrop);
	wire_get_str(msg.root, "dropped_hosts", &dropped);
	wire_get_int(msg.root, "calls", &calls);
	wire_get_int(msg.root, "uptime", &up);
	wire_get_int(msg.root, "idle", &idle);
	wire_get_int(msg.root, "idle_left", &left);
	wire_get_str(msg.root, "ssh_config", &config);
	printf("      Session: pid %lld, up ", (long long)pid);
	cmd_session_duration(stdout, up);
	printf("\n        Hosts: %lld held, %lld connected", (long long)hosts,
	    (long long)conn);
	if (opening > 0)
		printf(", %lld opening", (long long)opening);
	printf(", %lld dropped", (long long)ndrop);
	if (ndrop > 0 && dropped != NULL)
		ui_fprintf(stdout, UI_YELLOW, " %s", dropped);
	printf("\n        Calls: %lld answered\n", (long long)calls);
	printf("         Idle: ");
	cmd_session_duration(stdout, idle);
	printf(", exits after ");
	cmd_session_duration(stdout, left);
	printf(" more\n");
	if (config != NULL)
		ui_fprintf(stdout, UI_NONE, "   ssh_config: %s\n", config);
	free(dropped);
	free(config);
	wire_msg_release(&msg);
	return (EXIT_ALL_OK);
}

static int
cmd_session_stop(void)
{
	struct wire_msg	msg;
	int		code;

	memset(&msg, 0, sizeof msg);
	code = cmd_session_ask("stop", &msg) == 0 ? EXIT_ALL_OK :
	    EXIT_NO_MATCH;
	wire_msg_release(&msg);
	if (code == EXIT_ALL_OK)
		printf("session stopped\n");
	return (code);
}

static int
cmd_session_start(struct cmd_ctx *ctx)
{
	struct session_opts	 o;
	struct hostlist		 targets = HOSTLIST_INIT;
	char			*cause = NULL, *path;
	int			 must_exist, code;

	if (selection_resolve(&ctx->sel, ctx->config.inventory, &targets,
	    &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	if (targets.n == 0) {
		log_warnx("no host matched the selection");
		hostlist_release(&targets);
		return (EXIT_NO_MATCH);
	}
	memset(&o, 0, sizeof o);
	path = action_ssh_config(ctx, &must_exist);
	o.ssh_config = path;
	o.ssh_config_given = must_exist;
	o.agent_path = action_agent_path(ctx);
	o.connect_timeout = ctx->connect_timeout > 0 ? ctx->connect_timeout :
	    ctx->config.connect_timeout > 0 ? ctx->config.connect_timeout : 10;
	o.connect_timeout_set = ctx->connect_timeout > 0;
	o.idle = ctx->idle > 0 ? ctx->idle : SESSION_IDLE_DEFAULT;
	code = session_start(&targets, &o);
	free(path);
	hostlist_release(&targets);
	return (code);
}

static int
cmd_session_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc != 1) {
		log_warnx("session: say start, status or stop%s%s",
		    argc > 1 ? ", not " : "", argc > 1 ? argv[1] : "");
		return (EXIT_USAGE);
	}
	if (strcmp(argv[0], "start") != 0 && strcmp(argv[0], "status") != 0 &&
	    strcmp(argv[0], "stop") != 0) {
		log_warnx("session: say start, status or stop, not '%s'",
		    argv[0]);
		return (EXIT_USAGE);
	}
	if (cmd_session_refuse(ctx, argv[0]) != 0)
		return (EXIT_USAGE);
	if (strcmp(argv[0], "start") == 0)
		return (cmd_session_start(ctx));
	if (strcmp(argv[0], "status") == 0)
		return (cmd_session_status(ctx));
	return (cmd_session_stop());
}

const struct cmd_entry cmd_session_entry = {
	.name = "session",
	.args = "start|status|stop",
	.summary = "keep connections open for later commands (warm session)",
	.targets = 0,
	.exec = cmd_session_exec,
	.groups = CMD_SELECTION | CMD_EXECUTION | CMD_OUTPUT,
	.options = CMD_OPTIONS(OPT_IDLE),
	.complete = "start|status|stop",
};
