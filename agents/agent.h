/*
 * agent.h: muster-agent's private header, one section per file. The agent
 * links only the shared code of include/ and msgpack-c.
 */
#ifndef AGENT_H
#define AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "filter.h"
#include "log.h"
#include "muster-protocol.h"
#include "proto.h"
#include "wire.h"
#include "validate.h"
#include "xmalloc.h"

#define AGENT_VERSION	MUSTER_VERSION

/* agent-conf.c */
/*
 * The agent's configuration: agent.conf, "key = value" lines. A file that
 * cannot be used leaves the defaults and an error in ->error: the agent
 * then answers every request with MUSTER_UNKNOWN_ERROR and that message,
 * so the operator sees it in the results.
 */
struct conf {
	char	*path;		/* the file read, NULL if none */
	char	*error;		/* why the file could not be used */

	char	*identity;
	char	*facts_dir;
	char	*classes_file;
	char	*audit_log;	/* NULL: syslog */
	int	 shell_timeout;	/* seconds */
	size_t	 output_max;	/* bytes kept per output stream */

	/* package agent */
	char	*package_provider;	/* auto, apt, dnf, yum */
	char	*apt_config;		/* APT_CONFIG for apt-get; NULL: none */
	char	*dpkg_root;		/* dpkg --root; NULL: / */
	int	 package_timeout;	/* seconds an apt/dnf run may take */
	int	 package_lock_timeout;	/* seconds to wait for the dpkg/rpm lock */

	/* service agent */
	char	*service_provider;	/* auto, systemd, sysv, openrc */
	char	*initd_dir;		/* sysv scripts; NULL: /etc/init.d */
	int	 service_timeout;	/* seconds a start/stop may take */

	/* nrpe agent */
	char	*nrpe_config;
	int	 nrpe_timeout;		/* seconds a plugin may run */

	/* Authorization (agent-policy.c). */
	char	*policy_dir;		/* AGENT.policy files; NULL: none */
	char	*policy_default;	/* allow, deny; NULL: by caller */

	/* puppet agent; NULL: Debian's default, or puppetlabs'. */
	char	*puppet_command;	/* split at blanks, no shell */
	char	*puppet_statedir;
	char	*puppet_lockfile;	/* the catalog-run lock */
	char	*puppet_disabled_lockfile;
	char	*puppet_summary;	/* last_run_summary.yaml */
	char	*puppet_pidfile;	/* the daemon's */
};
/* The defaults (identity from gethostname()). */
struct conf	*conf_new(void);
void		 conf_free(struct conf *);
/*
 * Read path over the defaults. A missing file is fine when optional is
 * set; otherwise, and for any bad line, returns -1 with conf->error set.
 */
int		 conf_load(struct conf *, const char *, int);

/* agent-exec.c */
/*
 * Run a program with an argument vector (never through a shell, unless
 * argv says /bin/sh), in its own session and process group, stdin from
 * /dev/null, stdout and stderr captured. Each stream keeps its first max
 * bytes; the rest is read and thrown away, and truncated is set. After
 * timeout_s seconds (0: none) the whole process group gets SIGTERM, and
 * SIGKILL two seconds later; the same, at once, when the agent's stdout
 * is a pipe or socket whose reader went away (the client cancelled, timed
 * out or dropped the connection), so no action runs on for no one.
 */
struct exec_result {
	int	 status;	/* exit code, or 128 + signal */
	int	 signo;		/* the signal that ended it, or 0 */
	int	 timed_out;	/* killed because of the timeout */
	int	 abandoned;	/* killed: the caller went away */
	char	*out;		/* stdout, NUL-terminated */
	size_t	 outlen;
	int	 out_truncated;
	char	*err;		/* stderr, NUL-terminated */
	size_t	 errlen;
	int	 err_truncated;
	char	*error;		/* why it could not be run */
};
#define EXEC_RESULT_INIT { 0, 0, 0, 0, NULL, 0, 0, NULL, 0, 0, NULL }
/*
 * Returns 0 when the program ran (whatever its status), or -1 when it could
 * not be started, with res->error set. env NULL inherits the agent's
 * environment. Release res in both cases.
 */
int		 exec_run(const char *const [], const char *const [], int,
		     size_t, struct exec_result *);
void		 exec_result_release(struct exec_result *);

/* agent-facts.c */
/*
 * Facts of this host, one complete, sorted struct factset: built-ins, then
 * external facts of facts_dir (which may override any built-in but
 * identity), the puppet classes and the agents of dispatch_agents.
 * Gathered once, on first use; owned here.
 */
const struct factset	*facts_get(const struct conf *);
void			 facts_free_all(void);
/* The map a reply's "facts" holds: {"facts", "classes", "agents"}. */
void			 facts_put_all(struct wire_writer *,
			     const struct factset *);

/* agent-dispatch.c */
/*
 * One request being served. The handler writes exactly one map into data
 * (or nothing, for {}), and on failure sets the status through call_fail.
 * caller is who runs it: the --caller of a forced-command key (forced
 * set), else the Unix user the agent runs as; never the request's claim.
 * decision is the policy's verdict for the audit ("deny shell.policy:1").
 * skipped: the request's filter does not match this host, so nothing ran.
 */
struct call {
	const struct proto_request	*req;
	const struct conf		*conf;
	const char			*caller;
	int				 forced;	/* --caller */
	char				*decision;	/* the policy's, audited */
	struct wire_writer		 data;
	int				 statuscode;
	char				*statusmsg;
	int				 timed_out;
	int				 skipped;
};
/*
 * The inputs an action takes, checked by dispatch() before its handler
 * runs: an input that is not declared, of the wrong type, too long, out of
 * range or breaking its rule is Invalid Request Data (4), a required one
 * that is missing Missing Request Data (3). The agent's own declarations
 * mirror its DDL and never trust the client's checks.
 */
enum input_type {
	INPUT_STRING,
	INPUT_INTEGER,
	INPUT_BOOLEAN,
};
struct input_decl {
	const char	*name;		/* NULL ends the list */
	enum input_type	 type;
	int		 required;
	size_t		 maxlen;	/* strings: bytes; 0 is 1024 */
	int64_t		 min, max;	/* integers */
	int		 (*valid)(const char *); /* strings; NULL: any */
	const char	*rule;		/* what valid() wants, for messages */
};
struct action_entry {
	const char		*name;
	void			 (*exec)(struct call *);
	const struct input_decl	*inputs;	/* NULL: takes none */
};
struct agent_entry {
	const char			*name;
	const struct action_entry	*actions;	/* NULL-terminated */
};
/* Every agent this program offers, NULL-terminated. */
extern const struct agent_entry *const dispatch_agents[];
/*
 * Run the request's action, unless its filter does not match this host's
 * facts (then the call is skipped); status and data end up in call.
 */
void	dispatch(struct call *);
/* Fail the call with a status code and message (printf-style). */
void	call_fail(struct call *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * Inputs from the request's args: 0 with the value, 1 when an optional
 * input is absent, or -1 after failing the call (3 missing, 4 invalid).
 * Strings are new copies without NUL bytes, at most maxlen bytes.
 */
int	call_input_str(struct call *, const char *, int, size_t, char **);
int	call_input_int(struct call *, const char *, int, int64_t, int64_t,
	    int64_t *);

/* agent-rpcutil.c */
extern const struct agent_entry rpcutil_agent;

/* agent-shell.c */
extern const struct agent_entry shell_agent;

/* agent-nrpe.c */
extern const struct agent_entry nrpe_agent;

/* agent-service.c */
extern const struct agent_entry service_agent;

/* agent-package.c */
extern const struct agent_entry package_agent;

/* agent-puppet.c */
extern const struct agent_entry puppet_agent;

/* agent-file.c */
/*
 * Read a regular file of at most max bytes, NUL-terminated, into *out
 * (the caller frees it), and its stat into *sb unless NULL. 0; 1 when it
 * does not exist; -1 with *cause naming the file.
 */
struct stat;
int	agent_read_file(const char *, size_t, char **, size_t *,
	    struct stat *, char **);

/* agent-policy.c */
/* What the policy says of a request, and why, for the reply and audit. */
struct agent_verdict {
	int	 allow;
	char	*reason;	/* "denied by policy shell.policy line 1" */
	char	*rule;		/* "shell.policy:1", "policy_default" ... */
};
/*
 * May caller (forced: by a forced-command key) run agent.action here?
 * Always sets the verdict; release it.
 */
void	agent_policy_decide(const struct conf *, const char *, int,
	    const char *, const char *, struct agent_verdict *);
void	agent_policy_release(struct agent_verdict *);

/* agent-audit.c */
/*
 * Log one line for a served request (syslog, or conf->audit_log): who
 * (the verified caller, and the request's claim when it differs), the
 * policy's decision (NULL: none was made), the statuscode, and whether
 * it was skipped.
 */
void	audit_log(const struct conf *, const struct proto_request *,
	    const char *, const char *, int, int);

#endif
