/*
 * agent-shell.c: the shell agent. Its one action, run, hands the command
 * to /bin/sh -c: this is the one place where muster means to run a shell.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#define SHELL_COMMAND_MAX	(64 * 1024)
#define SHELL_TIMEOUT_MAX	86400

static void	shell_run(struct call *);

static const struct input_decl shell_run_inputs[] = {
	{ "command", INPUT_STRING, 1, SHELL_COMMAND_MAX, 0, 0, NULL, NULL },
	{ "timeout", INPUT_INTEGER, 0, 0, 1, SHELL_TIMEOUT_MAX, NULL, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct action_entry shell_actions[] = {
	{ "run", shell_run, shell_run_inputs },
	{ NULL, NULL, NULL }
};

const struct agent_entry shell_agent = {
	"shell",
	shell_actions
};

/* run: the command's output and exit code; non-zero exit is a failure. */
static void
shell_run(struct call *c)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*argv[4];
	char			*command;
	int64_t			 timeout;
	int			 r;

	if (call_input_str(c, "command", 1, SHELL_COMMAND_MAX,
	    &command) != 0)
		return;
	r = call_input_int(c, "timeout", 0, 1, SHELL_TIMEOUT_MAX, &timeout);
	if (r == -1)
		goto out;
	if (r == 1) {
		if (c->req->timeout > SHELL_TIMEOUT_MAX)
			timeout = SHELL_TIMEOUT_MAX;
		else if (c->req->timeout > 0)
			timeout = c->req->timeout;
		else
			timeout = c->conf->shell_timeout;
	}

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = command;
	argv[3] = NULL;
	if (exec_run(argv, NULL, (int)timeout, c->conf->output_max,
	    &res) != 0) {
		call_fail(c, MUSTER_ABORTED, "%s", res.error);
		goto out;
	}

	wire_put_map(&c->data, 4);
	wire_put_kstrn(&c->data, "stdout", res.out, res.outlen);
	wire_put_kstrn(&c->data, "stderr", res.err, res.errlen);
	wire_put_kint(&c->data, "exitcode", res.status);
	wire_put_kbool(&c->data, "truncated",
	    res.out_truncated || res.err_truncated);

	if (res.timed_out) {
		c->timed_out = 1;
		call_fail(c, MUSTER_ABORTED, "timed out after %lld s",
		    (long long)timeout);
	} else if (res.signo != 0)
		call_fail(c, MUSTER_ABORTED, "killed by signal %d (SIG%s)",
		    res.signo, sigabbrev_np(res.signo) != NULL ?
		    sigabbrev_np(res.signo) : "?");
	else if (res.status != 0)
		call_fail(c, MUSTER_ABORTED, "exit code %d", res.status);
out:
	exec_result_release(&res);
	free(command);
}
