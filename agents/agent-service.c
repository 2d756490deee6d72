/*
 * agent-service.c: the service agent. start, stop, restart and status of
 * one service, through systemd (systemctl), SysV init scripts (LSB exit
 * codes) or OpenRC (rc-service), as agent.conf's service_provider says or,
 * with "auto", as the host shows: /run/systemd/system means systemd,
 * rc-service or openrc-run in /sbin means OpenRC, and anything else SysV.
 *
 * Every tool runs from an argument vector, never through a shell (an init
 * script is a shell script, but the name reaches it only as its path),
 * with a small fixed environment and service_timeout seconds each, and
 * never past the request's own timeout, after which nobody waits for the
 * reply. The name is checked by validate_service_name() before anything
 * runs, so it can never start with '-' and be read as an option.
 *
 * Each action replies with "status", running or stopped, as the service
 * is once the action is done. A start or restart that leaves the service
 * stopped, or a stop that leaves it running, is a failure (Aborted) whose
 * message says why, with the tool's output, bounded.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define SERVICE_INITD		"/etc/init.d"
#define SERVICE_CAPTURE		4096	/* bytes of a tool's output kept */
#define SERVICE_MSG_MAX		240	/* bytes of that output in a message */

/* What a backend found out about the service. */
enum service_state {
	SERVICE_RUNNING,
	SERVICE_STOPPED,
	SERVICE_UNKNOWN,	/* the backend could not tell: a failure */
};

struct service_ctx;

/*
 * A backend: exists() says whether the service is known (0) or not (-1,
 * with the reason in ctx->why); command() builds the argument vector of
 * an action (start, stop, restart, status) in argv, at most 5 words and
 * the NULL; state() reads the status command's result.
 */
struct service_backend {
	const char	 *name;
	int		(*exists)(struct service_ctx *);
	void		(*command)(struct service_ctx *, const char *,
			    const char **);
	enum service_state (*state)(struct service_ctx *,
			    const struct exec_result *);
};

struct service_ctx {
	struct call			*c;
	const struct service_backend	*be;
	char				*name;
	char				*script;	/* sysv: DIR/NAME */
	char				*why;		/* a note or a reason */
	int64_t				 deadline;	/* ms; 0: none */
};

static void	service_start(struct call *);
static void	service_stop(struct call *);
static void	service_restart(struct call *);
static void	service_status(struct call *);

static int	service_systemd_exists(struct service_ctx *);
static void	service_systemd_command(struct service_ctx *, const char *,
		    const char **);
static enum service_state service_systemd_state(struct service_ctx *,
		    const struct exec_result *);
static int	service_sysv_exists(struct service_ctx *);
static void	service_sysv_command(struct service_ctx *, const char *,
		    const char **);
static enum service_state service_sysv_state(struct service_ctx *,
		    const struct exec_result *);
static int	service_openrc_exists(struct service_ctx *);
static void	service_openrc_command(struct service_ctx *, const char *,
		    const char **);
static enum service_state service_openrc_state(struct service_ctx *,
		    const struct exec_result *);

static const struct input_decl service_inputs[] = {
	{ "service", INPUT_STRING, 1, VALIDATE_NAME_MAX, 0, 0,
	  validate_service_name, "a service name (a letter or digit, then"
	  " letters, digits and _ . @ : + -)" },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct action_entry service_actions[] = {
	{ "start", service_start, service_inputs },
	{ "stop", service_stop, service_inputs },
	{ "restart", service_restart, service_inputs },
	{ "status", service_status, service_inputs },
	{ NULL, NULL, NULL }
};

const struct agent_entry service_agent = {
	"service",
	service_actions
};

static const struct service_backend service_backends[] = {
	{ "systemd", service_systemd_exists, service_systemd_command,
	  service_systemd_state },
	{ "sysv", service_sysv_exists, service_sysv_command,
	  service_sysv_state },
	{ "openrc", service_openrc_exists, service_openrc_command,
	  service_openrc_state },
	{ NULL, NULL, NULL, NULL }
};

/* The tools' environment: what service(8) leaves an init script. */
static const char *const service_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"LC_ALL=C",
	"TERM=dumb",
	NULL
};

static const char *
service_state_name(enum service_state st)
{
	switch (st) {
	case SERVICE_RUNNING:
		return ("running");
	case SERVICE_STOPPED:
		return ("stopped");
	default:
		return ("unknown");
	}
}

/* Milliseconds on the monotonic clock. */
static int64_t
service_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* A tool's timeout: service_timeout, within what the request has left. */
static int
service_timeout(const struct service_ctx *ctx)
{
	int	timeout = ctx->c->conf->service_timeout;
	int64_t	left;

	if (ctx->deadline != 0) {
		/* Whole seconds, rounded up. */
		left = (ctx->deadline - service_now() + 999) / 1000;
		if (left < 1)
			left = 1;
		if (timeout <= 0 || left < timeout)
			timeout = (int)left;
	}
	return (timeout);
}

/* Does path exist (as anything)? */
static int
service_present(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0);
}

/* The backend service_provider names, or the one the host shows. */
static const struct service_backend *
service_backend(const struct conf *conf, char **cause)
{
	const struct service_backend	*be;
	const char			*want = conf->service_provider;

	if (want == NULL || strcmp(want, "auto") == 0) {
		if (service_present("/run/systemd/system"))
			want = "systemd";
		else if (service_present("/sbin/openrc-run") ||
		    service_present("/sbin/rc-service"))
			want = "openrc";
		else
			want = "sysv";
		log_debug("%s: detected %s", __func__, want);
	}
	for (be = service_backends; be->name != NULL; be++) {
		if (strcmp(be->name, want) == 0)
			return (be);
	}
	xasprintf(cause, "unknown service_provider '%s' in agent.conf"
	    " (auto, systemd, sysv or openrc)", want);
	return (NULL);
}

/*
 * A tool's output for a message: stderr, else stdout, its lines joined
 * with "; ", control characters dropped, at most SERVICE_MSG_MAX bytes.
 * "" when there is none.
 */
static char *
service_output(const struct exec_result *res)
{
	const char	*s = res->errlen != 0 ? res->err : res->out;
	size_t		 len = res->errlen != 0 ? res->errlen : res->outlen;
	char		*out, *p;
	size_t		 i;
	int		 sep = 0;

	out = p = xmalloc(SERVICE_MSG_MAX + 4);
	for (i = 0; i < len && s[i] != '\0'; i++) {
		if ((size_t)(p - out) >= SERVICE_MSG_MAX) {
			memcpy(p, "...", 3);
			p += 3;
			break;
		}
		if (s[i] == '\n' || s[i] == '\r') {
			sep = p != out;
			continue;
		}
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			continue;
		if (sep && (size_t)(p - out) + 2 < SERVICE_MSG_MAX) {
			*p++ = ';';
			*p++ = ' ';
		}
		sep = 0;
		*p++ = s[i];
	}
	*p = '\0';
	return (out);
}

/*
 * Run the backend's command for an action. 0 when it ran (whatever its
 * exit code), or -1 after failing the call: it could not be started, it
 * timed out or it was killed.
 */
static int
service_run(struct service_ctx *ctx, const char *action,
    struct exec_result *res)
{
	struct call	*c = ctx->c;
	const char	*argv[6];
	int		 timeout = service_timeout(ctx);

	ctx->be->command(ctx, action, argv);
	log_debug("%s: %s %s: %s", __func__, ctx->be->name, action, argv[0]);
	if (exec_run(argv, service_env, timeout, SERVICE_CAPTURE,
	    res) != 0) {
		call_fail(c, MUSTER_ABORTED, "cannot %s %s: %s", action,
		    ctx->name, res->error);
		return (-1);
	}
	if (res->timed_out) {
		c->timed_out = 1;
		call_fail(c, MUSTER_ABORTED, "%s %s: timed out after %d s",
		    action, ctx->name, timeout);
		return (-1);
	}
	if (res->signo != 0) {
		call_fail(c, MUSTER_ABORTED, "%s %s: killed by signal %d"
		    " (SIG%s)", action, ctx->name, res->signo,
		    sigabbrev_np(res->signo) != NULL ?
		    sigabbrev_np(res->signo) : "?");
		return (-1);
	}
	return (0);
}

/* The service's state now, or SERVICE_UNKNOWN after failing the call. */
static enum service_state
service_query(struct service_ctx *ctx)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	enum service_state	 st = SERVICE_UNKNOWN;
	char			*out;

	free(ctx->why);
	ctx->why = NULL;
	if (service_run(ctx, "status", &res) != 0)
		goto out;
	if ((st = ctx->be->state(ctx, &res)) == SERVICE_UNKNOWN) {
		out = service_output(&res);
		call_fail(ctx->c, MUSTER_ABORTED, "%s: %s%s%s", ctx->name,
		    ctx->why != NULL ? ctx->why : "status unknown",
		    *out != '\0' ? ": " : "", out);
		free(out);
	}
out:
	exec_result_release(&res);
	return (st);
}

/* The reply's data: {"status": ...}. */
static void
service_put_status(struct service_ctx *ctx, enum service_state st)
{
	wire_put_map(&ctx->c->data, 1);
	wire_put_kstr(&ctx->c->data, "status", service_state_name(st));
}

/*
 * Set up for an action: the name, checked again, the backend, and the
 * service's existence. 0, or -1 after failing the call.
 */
static int
service_begin(struct call *c, struct service_ctx *ctx)
{
	char	*cause = NULL;

	memset(ctx, 0, sizeof *ctx);
	ctx->c = c;
	if (c->req->timeout > 0 && c->req->timeout < 86400)
		ctx->deadline = service_now() + c->req->timeout * 1000;
	if (call_input_str(c, "service", 1, VALIDATE_NAME_MAX,
	    &ctx->name) != 0)
		return (-1);
	/* dispatch() checked it; a name is never an option, whoever asks. */
	if (!validate_service_name(ctx->name)) {
		call_fail(c, MUSTER_INVALID_DATA, "invalid input 'service':"
		    " not a service name");
		return (-1);
	}
	if ((ctx->be = service_backend(c->conf, &cause)) == NULL) {
		call_fail(c, MUSTER_UNKNOWN_ERROR, "%s", cause);
		free(cause);
		return (-1);
	}
	if (ctx->be->exists(ctx) != 0) {
		call_fail(c, MUSTER_ABORTED, "%s", ctx->why);
		return (-1);
	}
	return (0);
}

static void
service_end(struct service_ctx *ctx)
{
	free(ctx->name);
	free(ctx->script);
	free(ctx->why);
}

/*
 * start, stop and restart: run the action, then ask for the status. A
 * non-zero exit code, or a status other than want, fails the call with
 * the status still in the reply.
 */
static void
service_change(struct call *c, const char *action, enum service_state want)
{
	struct service_ctx	 ctx;
	struct exec_result	 res = EXEC_RESULT_INIT;
	enum service_state	 st;
	char			*out = NULL;

	if (service_begin(c, &ctx) != 0)
		goto out;
	if (service_run(&ctx, action, &res) != 0)
		goto out;
	out = service_output(&res);
	log_debug("%s: %s %s: exit %d: %s", __func__, action, ctx.name,
	    res.status, out);
	if ((st = service_query(&ctx)) == SERVICE_UNKNOWN)
		goto out;
	service_put_status(&ctx, st);

	if (res.status != 0) {
		call_fail(c, MUSTER_ABORTED, "%s %s failed (exit code %d),"
		    " now %s%s%s", action, ctx.name, res.status,
		    service_state_name(st), *out != '\0' ? ": " : "", out);
	} else if (st != want) {
		call_fail(c, MUSTER_ABORTED, "%s %s: %s afterwards%s%s%s%s%s",
		    action, ctx.name, service_state_name(st),
		    ctx.why != NULL ? " (" : "",
		    ctx.why != NULL ? ctx.why : "",
		    ctx.why != NULL ? ")" : "",
		    *out != '\0' ? ": " : "", out);
	}
out:
	free(out);
	exec_result_release(&res);
	service_end(&ctx);
}

/* start: the service runs afterwards, or the call fails. */
static void
service_start(struct call *c)
{
	service_change(c, "start", SERVICE_RUNNING);
}

/* stop: the service is stopped afterwards, or the call fails. */
static void
service_stop(struct call *c)
{
	service_change(c, "stop", SERVICE_STOPPED);
}

/* restart: the service runs afterwards, or the call fails. */
static void
service_restart(struct call *c)
{
	service_change(c, "restart", SERVICE_RUNNING);
}

/*
 * status: running or stopped, both OK; a note (a stale pid file) in the
 * message.
 */
static void
service_status(struct call *c)
{
	struct service_ctx	ctx;
	enum service_state	st;

	if (service_begin(c, &ctx) != 0)
		goto out;
	if ((st = service_query(&ctx)) == SERVICE_UNKNOWN)
		goto out;
	service_put_status(&ctx, st);
	if (ctx.why != NULL) {
		free(c->statusmsg);
		xasprintf(&c->statusmsg, "%s is %s: %s", ctx.name,
		    service_state_name(st), ctx.why);
	}
out:
	service_end(&ctx);
}

/*
 * systemd: systemctl, with "--" before the name. A unit systemd has never
 * heard of has LoadState not-found.
 */
static int
service_systemd_exists(struct service_ctx *ctx)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*argv[] = { "systemctl", "show",
				    "--property=LoadState", "--value", "--",
				    ctx->name, NULL };
	int			 r = -1;

	if (exec_run(argv, service_env, service_timeout(ctx),
	    SERVICE_CAPTURE, &res) != 0) {
		xasprintf(&ctx->why, "cannot ask systemd about %s: %s",
		    ctx->name, res.error);
		goto out;
	}
	res.out[strcspn(res.out, "\n")] = '\0';
	if (res.status != 0 || res.timed_out) {
		xasprintf(&ctx->why, "cannot ask systemd about %s: systemctl"
		    " exit code %d", ctx->name, res.status);
		goto out;
	}
	if (strcmp(res.out, "not-found") == 0 || *res.out == '\0') {
		xasprintf(&ctx->why, "service %s not found: systemd has no"
		    " unit of that name", ctx->name);
		goto out;
	}
	r = 0;
out:
	exec_result_release(&res);
	return (r);
}

static void
service_systemd_command(struct service_ctx *ctx, const char *action,
    const char **argv)
{
	argv[0] = "systemctl";
	argv[1] = strcmp(action, "status") == 0 ? "is-active" : action;
	argv[2] = "--";
	argv[3] = ctx->name;
	argv[4] = NULL;
}

/* is-active: 0 is active; anything else is some kind of not running. */
static enum service_state
service_systemd_state(struct service_ctx *ctx, const struct exec_result *res)
{
	char	word[64];

	if (res->status == 0)
		return (SERVICE_RUNNING);
	/* "inactive", "failed", "activating": say which when it is not
	 * the plain one. */
	snprintf(word, sizeof word, "%s", res->out);
	word[strcspn(word, "\n")] = '\0';
	if (*word != '\0' && strcmp(word, "inactive") != 0)
		xasprintf(&ctx->why, "systemd says %s", word);
	return (SERVICE_STOPPED);
}

/* SysV: initd_dir/NAME, an executable file. */
static int
service_sysv_exists(struct service_ctx *ctx)
{
	const char	*dir = ctx->c->conf->initd_dir;
	struct stat	 sb;

	if (dir == NULL)
		dir = SERVICE_INITD;
	xasprintf(&ctx->script, "%s/%s", dir, ctx->name);
	if (stat(ctx->script, &sb) != 0) {
		if (errno == ENOENT)
			xasprintf(&ctx->why, "service %s not found: no %s",
			    ctx->name, ctx->script);
		else
			xasprintf(&ctx->why, "service %s: %s: %s", ctx->name,
			    ctx->script, strerror(errno));
		return (-1);
	}
	if (!S_ISREG(sb.st_mode) || access(ctx->script, X_OK) != 0) {
		xasprintf(&ctx->why, "service %s: %s is not an executable"
		    " file", ctx->name, ctx->script);
		return (-1);
	}
	return (0);
}

static void
service_sysv_command(struct service_ctx *ctx, const char *action,
    const char **argv)
{
	argv[0] = ctx->script;
	argv[1] = action;
	argv[2] = NULL;
}

/*
 * LSB init script status codes: 0 running, 1 dead but the pid file
 * remains, 2 dead but the lock file remains, 3 not running, 4 (and
 * anything else) unknown.
 */
static enum service_state
service_sysv_state(struct service_ctx *ctx, const struct exec_result *res)
{
	switch (res->status) {
	case 0:
		return (SERVICE_RUNNING);
	case 1:
		ctx->why = xstrdup("dead, but its pid file remains");
		return (SERVICE_STOPPED);
	case 2:
		ctx->why = xstrdup("dead, but its lock file remains");
		return (SERVICE_STOPPED);
	case 3:
		return (SERVICE_STOPPED);
	case 4:
		ctx->why = xstrdup("status unknown (LSB status 4)");
		return (SERVICE_UNKNOWN);
	default:
		xasprintf(&ctx->why, "status unknown (%s status exit code"
		    " %d)", ctx->script, res->status);
		return (SERVICE_UNKNOWN);
	}
}

/* OpenRC: rc-service --exists NAME. */
static int
service_openrc_exists(struct service_ctx *ctx)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*argv[] = { "rc-service", "--exists",
				    ctx->name, NULL };
	int			 r = -1;

	if (exec_run(argv, service_env, service_timeout(ctx),
	    SERVICE_CAPTURE, &res) != 0) {
		xasprintf(&ctx->why, "cannot ask OpenRC about %s: %s",
		    ctx->name, res.error);
		goto out;
	}
	if (res.status != 0 || res.timed_out) {
		xasprintf(&ctx->why, "service %s not found: OpenRC has no"
		    " service of that name", ctx->name);
		goto out;
	}
	r = 0;
out:
	exec_result_release(&res);
	return (r);
}

static void
service_openrc_command(struct service_ctx *ctx, const char *action,
    const char **argv)
{
	argv[0] = "rc-service";
	argv[1] = ctx->name;
	argv[2] = action;
	argv[3] = NULL;
}

/* rc-service NAME status: 0 started, 3 stopped, others crashed & co. */
static enum service_state
service_openrc_state(struct service_ctx *ctx, const struct exec_result *res)
{
	if (res->status == 0)
		return (SERVICE_RUNNING);
	if (res->status != 3)
		xasprintf(&ctx->why, "OpenRC status exit code %d",
		    res->status);
	return (SERVICE_STOPPED);
}
