/*
 * agent.h: muster-agent's private header, one section per file. The agent
 * links only the shared code of include/ and msgpack-c.
 */
#ifndef AGENT_H
#define AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "muster-protocol.h"
#include "proto.h"
#include "wire.h"
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

	/* Read and kept for later agents. */
	char	*nrpe_config;
	char	*package_provider;
	char	*service_provider;
	char	*policy_dir;
	char	*puppet_command;
	char	*puppet_statedir;
	char	*puppet_lockfile;
	char	*dpkg_root;
	char	*apt_options;
	char	*initd_dir;
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
 * SIGKILL two seconds later.
 */
struct exec_result {
	int	 status;	/* exit code, or 128 + signal */
	int	 signo;		/* the signal that ended it, or 0 */
	int	 timed_out;	/* killed because of the timeout */
	char	*out;		/* stdout, NUL-terminated */
	size_t	 outlen;
	int	 out_truncated;
	char	*err;		/* stderr, NUL-terminated */
	size_t	 errlen;
	int	 err_truncated;
	char	*error;		/* why it could not be run */
};
#define EXEC_RESULT_INIT { 0, 0, 0, NULL, 0, 0, NULL, 0, 0, NULL }
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
 * Facts of this host: built-ins, then external facts of facts_dir (which
 * may override any built-in but identity), and the puppet classes.
 * Gathered once, on first use.
 */
struct fact {
	char	*key;		/* dotted: "os.family" */
	char	*value;
	int	 numeric;	/* written as num, not value */
	int64_t	 num;
};
struct facts {
	struct fact	 *list;
	size_t		  n;
	char		**classes;
	size_t		  nclasses;
};
const struct facts	*facts_get(const struct conf *);
void			 facts_free_all(void);
const struct fact	*facts_find(const struct facts *, const char *);
/* The value of one fact (nil for NULL). */
void			 facts_put_value(struct wire_writer *,
			     const struct fact *);
/* All facts as one map. */
void			 facts_put(struct wire_writer *, const struct facts *);
/* The classes as one array. */
void			 facts_put_classes(struct wire_writer *,
			     const struct facts *);

/* agent-dispatch.c */
/*
 * One request being served. The handler writes exactly one map into data
 * (or nothing, for {}), and on failure sets the status through call_fail.
 * caller is the verified caller (--caller) if there is one, else the
 * request's claim.
 */
struct call {
	const struct proto_request	*req;
	const struct conf		*conf;
	const char			*caller;
	struct wire_writer		 data;
	int				 statuscode;
	char				*statusmsg;
	int				 timed_out;
};
struct action_entry {
	const char	*name;
	void		 (*exec)(struct call *);
};
struct agent_entry {
	const char			*name;
	const struct action_entry	*actions;	/* NULL-terminated */
};
/* Every agent this program offers, NULL-terminated. */
extern const struct agent_entry *const dispatch_agents[];
/* Run the request's action; status and data end up in call. */
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

/* agent-audit.c */
/* Log one line for a served request (syslog, or conf->audit_log). */
void	audit_log(const struct conf *, const struct proto_request *,
	    const char *, int);

#endif
