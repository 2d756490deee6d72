/*
 * agent-nrpe.c: the nrpe agent. It runs the Nagios checks that the host's
 * nrpe.cfg defines (command[NAME]=COMMAND LINE), as the NRPE daemon would,
 * and answers with the plugin's state, text and performance data.
 *
 * Theory of operation. The configuration is read afresh for each request:
 * conf->nrpe_config, following include=FILE and include_dir=DIR (every
 * file ending in .cfg below DIR, in name order), with bounds on depth,
 * files and size, and a file or directory that is already being read
 * refused as a cycle. Every other nrpe.cfg key is ignored. A later
 * definition of a command replaces an earlier one, as in NRPE.
 *
 * NRPE hands the command line to /bin/sh after pasting the request's
 * arguments into it, so an argument can become a new command. Here no
 * shell is involved: the line is split into words the way sh would split
 * it (single quotes, double quotes with their backslash escapes, a
 * backslash outside quotes), with no expansion of any kind, and $ARGn$ is
 * replaced inside the word that holds it. An argument therefore always
 * stays within its word and can never be the program. A line that only a
 * shell could run (an unquoted | ; & < > ( ), a backquote, a $ that is not
 * $ARGn$, a # comment) is refused, naming the command and the character.
 * The program must be an absolute path, as nrpe.cfg files write it.
 *
 * The plugin's exit code is its state (0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN); anything else, a signal or the timeout is UNKNOWN. Its
 * standard output follows the Nagios plugin API: text, then '|' and
 * performance data on the first line; further lines are long text, until
 * a line with a '|' after which everything is performance data.
 *
 * Status codes. An OK check is 0. Any other state is Request Aborted (1)
 * with the plugin's first line as the message (after "STATE: " unless the
 * line names its state already), so the check shows by default; so is a
 * command that is not defined or cannot be run, as UNKNOWN, which is how
 * Nagios would count it. A configuration that cannot be read at all is
 * the agent's problem, not the check's: Unknown Request Status (5),
 * naming the file. The data (exitcode, output, perfdata, command) is
 * filled in every case.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define NRPE_ARGS_MAX		1024		/* bytes of the args input */
#define NRPE_NARGS		32		/* $ARG1$ to $ARG32$ */
#define NRPE_DEPTH_MAX		8		/* nested include levels */
#define NRPE_FILES_MAX		256		/* files read for one request */
#define NRPE_FILE_MAX		(1024 * 1024)	/* bytes of one file */
#define NRPE_COMMANDS_MAX	1024
#define NRPE_WORDS_MAX		1024		/* words of one command line */
#define NRPE_STATUSMSG_MAX	512		/* output bytes in statusmsg */

enum nrpe_state {
	NRPE_OK,
	NRPE_WARNING,
	NRPE_CRITICAL,
	NRPE_UNKNOWN
};
static const char *const nrpe_state_names[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

struct nrpe_command {
	char		*name;
	char		*line;
};

/* What was read of the configuration, and where the reading stands. */
struct nrpe_config {
	struct nrpe_command	*list;
	size_t			 n;
	size_t			 nfiles;
	struct {
		dev_t		 dev;
		ino_t		 ino;
	}			 open[NRPE_DEPTH_MAX + 1];
	size_t			 depth;
};

/* The result of one check, as it is answered. */
struct nrpe_result {
	enum nrpe_state	 state;
	char		*output;
	char		*perfdata;
	char		*detail;	/* for statusmsg instead of output */
	int		 timed_out;
};

/* A growing string. */
struct nrpe_buf {
	char		*s;
	size_t		 len;
	size_t		 size;
};

static void	nrpe_runcommand(struct call *);
static void	nrpe_runallcommands(struct call *);
static int	nrpe_valid_args(const char *);
static int	nrpe_read_file(struct nrpe_config *, const char *,
		    char **);

static const struct input_decl nrpe_runcommand_inputs[] = {
	{ "command", INPUT_STRING, 1, VALIDATE_NAME_MAX, 0, 0,
	    validate_nrpe_command,
	    "a command name (a letter or digit, then letters, digits, _ . -)" },
	{ "args", INPUT_STRING, 0, NRPE_ARGS_MAX, 0, 0, nrpe_valid_args,
	    "free of control characters" },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct input_decl nrpe_runallcommands_inputs[] = {
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct action_entry nrpe_actions[] = {
	{ "runcommand", nrpe_runcommand, nrpe_runcommand_inputs },
	{ "runallcommands", nrpe_runallcommands, nrpe_runallcommands_inputs },
	{ NULL, NULL, NULL }
};

const struct agent_entry nrpe_agent = {
	"nrpe",
	nrpe_actions
};

/* args: any text without control characters (DDL: the same regex). */
static int
nrpe_valid_args(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return (0);
	}
	return (1);
}

static void
nrpe_buf_add(struct nrpe_buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->size) {
		b->size = b->len + len + 1 < 64 ? 64 : (b->len + len + 1) * 2;
		b->s = xreallocarray(b->s, 1, b->size);
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* The buffer's string, "" when nothing was added; the buffer is emptied. */
static char *
nrpe_buf_take(struct nrpe_buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	memset(b, 0, sizeof *b);
	return (s);
}

/* Milliseconds on the monotonic clock. */
static int64_t
nrpe_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
nrpe_config_release(struct nrpe_config *cfg)
{
	size_t	i;

	for (i = 0; i < cfg->n; i++) {
		free(cfg->list[i].name);
		free(cfg->list[i].line);
	}
	free(cfg->list);
	memset(cfg, 0, sizeof *cfg);
}

static const struct nrpe_command *
nrpe_config_find(const struct nrpe_config *cfg, const char *name)
{
	size_t	i;

	for (i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->list[i].name, name) == 0)
			return (&cfg->list[i]);
	}
	return (NULL);
}

/* Enter a file or directory: refuse a cycle or too deep a nesting. */
static int
nrpe_config_push(struct nrpe_config *cfg, const char *path,
    const struct stat *sb, char **cause)
{
	size_t	i;

	for (i = 0; i < cfg->depth; i++) {
		if (cfg->open[i].dev == sb->st_dev &&
		    cfg->open[i].ino == sb->st_ino) {
			xasprintf(cause, "%s: included from itself", path);
			return (-1);
		}
	}
	if (cfg->depth > NRPE_DEPTH_MAX) {
		xasprintf(cause, "%s: includes nested deeper than %d", path,
		    NRPE_DEPTH_MAX);
		return (-1);
	}
	cfg->open[cfg->depth].dev = sb->st_dev;
	cfg->open[cfg->depth].ino = sb->st_ino;
	cfg->depth++;
	return (0);
}

/* path, or path relative to the directory of the file that names it. */
static char *
nrpe_config_path(const char *from, const char *path)
{
	const char	*slash;
	char		*s;

	if (path[0] == '/' || (slash = strrchr(from, '/')) == NULL)
		return (xstrdup(path));
	xasprintf(&s, "%.*s/%s", (int)(slash - from), from, path);
	return (s);
}

/* Add or replace a command. */
static int
nrpe_config_add(struct nrpe_config *cfg, const char *name, const char *line,
    const char *where, char **cause)
{
	struct nrpe_command	*cmd;
	size_t			 i;

	for (i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->list[i].name, name) == 0) {
			free(cfg->list[i].line);
			cfg->list[i].line = xstrdup(line);
			return (0);
		}
	}
	if (cfg->n == NRPE_COMMANDS_MAX) {
		xasprintf(cause, "%s: more than %d commands", where,
		    NRPE_COMMANDS_MAX);
		return (-1);
	}
	cfg->list = xreallocarray(cfg->list, cfg->n + 1, sizeof *cfg->list);
	cmd = &cfg->list[cfg->n++];
	cmd->name = xstrdup(name);
	cmd->line = xstrdup(line);
	return (0);
}

/* Which directory entries to look at: not . and .., nor hidden files. */
static int
nrpe_config_filter(const struct dirent *de)
{
	return (de->d_name[0] != '.');
}

/* include_dir: every *.cfg below path, in name order, subdirectories too. */
static int
nrpe_read_dir(struct nrpe_config *cfg, const char *path, char **cause)
{
	struct dirent	**list = NULL;
	struct stat	  sb;
	char		 *sub;
	size_t		  len;
	int		  n, i, r = -1, pushed = 0;

	if (stat(path, &sb) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: not a directory", path);
		return (-1);
	}
	if (nrpe_config_push(cfg, path, &sb, cause) != 0)
		return (-1);
	pushed = 1;
	if ((n = scandir(path, &list, nrpe_config_filter, alphasort)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (i = 0; i < n; i++) {
		xasprintf(&sub, "%s/%s", path, list[i]->d_name);
		len = strlen(list[i]->d_name);
		if (stat(sub, &sb) != 0) {
			/* A dangling link is nothing to read, as in NRPE. */
			log_debug("%s: %s: %s", __func__, sub,
			    strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			if (nrpe_read_dir(cfg, sub, cause) != 0) {
				free(sub);
				goto out;
			}
		} else if (S_ISREG(sb.st_mode) && len > 4 &&
		    strcmp(list[i]->d_name + len - 4, ".cfg") == 0) {
			if (nrpe_read_file(cfg, sub, cause) != 0) {
				free(sub);
				goto out;
			}
		}
		free(sub);
	}
	r = 0;
out:
	if (list != NULL) {
		for (i = 0; i < n; i++)
			free(list[i]);
		free(list);
	}
	if (pushed)
		cfg->depth--;
	return (r);
}

/* One line of a configuration file, blanks already trimmed. */
static int
nrpe_read_line(struct nrpe_config *cfg, const char *path, unsigned lineno,
    char *line, char **cause)
{
	char	*key, *value, *eq, *end, *name, *where, *inc;
	size_t	 len;
	int	 r = -1;

	xasprintf(&where, "%s:%u", path, lineno);
	if ((eq = strchr(line, '=')) == NULL) {
		xasprintf(cause, "%s: not KEY=VALUE", where);
		goto out;
	}
	key = line;
	end = eq;
	while (end > key && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	value = eq + 1 + strspn(eq + 1, " \t");

	if (strncmp(key, "command[", 8) == 0) {
		name = key + 8;
		len = strlen(name);
		if (len < 2 || name[len - 1] != ']') {
			xasprintf(cause, "%s: command[NAME] without a name or"
			    " ']'", where);
			goto out;
		}
		name[len - 1] = '\0';
		if (*value == '\0') {
			xasprintf(cause, "%s: command[%s] has no command line",
			    where, name);
			goto out;
		}
		if (!validate_nrpe_command(name)) {
			/* No request can name it; NRPE's own rules differ. */
			log_debug("%s: %s: command name '%s' skipped",
			    __func__, where, name);
			r = 0;
			goto out;
		}
		r = nrpe_config_add(cfg, name, value, where, cause);
	} else if (strcmp(key, "include") == 0 ||
	    strcmp(key, "include_dir") == 0) {
		if (*value == '\0') {
			xasprintf(cause, "%s: %s without a path", where, key);
			goto out;
		}
		inc = nrpe_config_path(path, value);
		if (key[7] == '\0')
			r = nrpe_read_file(cfg, inc, cause);
		else
			r = nrpe_read_dir(cfg, inc, cause);
		free(inc);
	} else
		r = 0;
out:
	free(where);
	return (r);
}

/* Read one configuration file and what it includes. */
static int
nrpe_read_file(struct nrpe_config *cfg, const char *path, char **cause)
{
	struct stat	 sb;
	char		*buf = NULL, *line, *next, *end;
	size_t		 have = 0;
	unsigned	 lineno = 0;
	int		 r = -1, pushed = 0;

	if (++cfg->nfiles > NRPE_FILES_MAX) {
		xasprintf(cause, "%s: more than %d configuration files", path,
		    NRPE_FILES_MAX);
		return (-1);
	}
	switch (agent_read_file(path, NRPE_FILE_MAX, &buf, &have, &sb,
	    cause)) {
	case 1:
		xasprintf(cause, "%s: %s", path, strerror(ENOENT));
		return (-1);
	case -1:
		return (-1);
	}
	if (nrpe_config_push(cfg, path, &sb, cause) != 0)
		goto out;
	pushed = 1;
	if (strlen(buf) != have) {
		xasprintf(cause, "%s: holds a NUL byte", path);
		goto out;
	}

	for (line = buf; *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		line += strspn(line, " \t");
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r'))
			end--;
		*end = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (nrpe_read_line(cfg, path, lineno, line, cause) != 0)
			goto out;
	}
	r = 0;
out:
	if (pushed)
		cfg->depth--;
	free(buf);
	return (r);
}

/*
 * At p, "$ARGn$" with n from 1 to NRPE_NARGS: returns n and its length in
 * *len, or 0.
 */
static int
nrpe_macro(const char *p, size_t *len)
{
	int	n = 0;
	size_t	i;

	if (strncmp(p, "$ARG", 4) != 0)
		return (0);
	for (i = 4; i < 6 && p[i] >= '0' && p[i] <= '9'; i++)
		n = n * 10 + (p[i] - '0');
	if (i == 4 || p[i] != '$' || n < 1 || n > NRPE_NARGS)
		return (0);
	*len = i + 1;
	return (n);
}

/* What to call a character that needs a shell, for the message. */
static const char *
nrpe_shell_char(const char *p)
{
	static char	s[3];

	if (p[0] == '$' && (p[1] == '(' || p[1] == '{')) {
		s[0] = p[0];
		s[1] = p[1];
		s[2] = '\0';
	} else {
		s[0] = p[0];
		s[1] = '\0';
	}
	return (s);
}

static void
nrpe_argv_free(char **argv)
{
	size_t	i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/*
 * Split a command line into words as sh would, without a shell and with
 * no expansion, filling $ARGn$ from args inside its word. Returns the
 * NULL-terminated words, or NULL with *cause set.
 */
static char **
nrpe_split(const char *line, char *const args[], char **cause)
{
	enum { Q_NONE, Q_SINGLE, Q_DOUBLE } q = Q_NONE;
	struct nrpe_buf	 w = { NULL, 0, 0 };
	const char	*p = line, *a;
	char		**argv = NULL;
	size_t		 argc = 0, len;
	int		 n, started = 0, quoted = 0;

	*cause = NULL;
	for (;;) {
		if (q == Q_NONE && (*p == '\0' || *p == ' ' || *p == '\t')) {
			/* An unquoted $ARGn$ that was empty is no word. */
			if (w.len != 0 || quoted) {
				if (argc == NRPE_WORDS_MAX) {
					xasprintf(cause, "more than %d words",
					    NRPE_WORDS_MAX);
					goto fail;
				}
				argv = xreallocarray(argv, argc + 2,
				    sizeof *argv);
				argv[argc++] = nrpe_buf_take(&w);
				argv[argc] = NULL;
			}
			free(w.s);
			memset(&w, 0, sizeof w);
			started = quoted = 0;
			if (*p == '\0')
				break;
			p++;
			continue;
		}
		if (*p == '\0') {
			xasprintf(cause, "a %s quote is not closed",
			    q == Q_SINGLE ? "single" : "double");
			goto fail;
		}
		if (*p == '$' && (n = nrpe_macro(p, &len)) != 0) {
			if (argc == 0) {
				xasprintf(cause, "the program may not come"
				    " from $ARG%d$", n);
				goto fail;
			}
			if ((a = args[n - 1]) != NULL)
				nrpe_buf_add(&w, a, strlen(a));
			started = 1;
			p += len;
			continue;
		}
		switch (q) {
		case Q_NONE:
			if (*p == '\'' || *p == '"') {
				q = *p == '\'' ? Q_SINGLE : Q_DOUBLE;
				started = quoted = 1;
				p++;
				continue;
			}
			if (*p == '\\') {
				if (p[1] == '\0') {
					xasprintf(cause, "a backslash ends the"
					    " line");
					goto fail;
				}
				nrpe_buf_add(&w, p + 1, 1);
				started = 1;
				p += 2;
				continue;
			}
			if (strchr("|;&<>()`$", *p) != NULL ||
			    (*p == '#' && !started))
				goto shell;
			break;
		case Q_SINGLE:
			if (*p == '\'') {
				q = Q_NONE;
				p++;
				continue;
			}
			break;
		case Q_DOUBLE:
			if (*p == '"') {
				q = Q_NONE;
				p++;
				continue;
			}
			if (*p == '\\' && p[1] != '\0' &&
			    strchr("$`\"\\", p[1]) != NULL) {
				nrpe_buf_add(&w, p + 1, 1);
				p += 2;
				continue;
			}
			if (*p == '$' || *p == '`')
				goto shell;
			break;
		}
		nrpe_buf_add(&w, p, 1);
		started = 1;
		p++;
	}
	if (argc == 0) {
		xasprintf(cause, "the command line is empty");
		goto fail;
	}
	if (argv[0][0] != '/') {
		xasprintf(cause, "the program '%s' is not an absolute path",
		    argv[0]);
		goto fail;
	}
	return (argv);

shell:
	xasprintf(cause, "the line needs a shell ('%s' at column %zu), and"
	    " none is used", nrpe_shell_char(p), (size_t)(p - line) + 1);
fail:
	free(w.s);
	nrpe_argv_free(argv);
	return (NULL);
}

/* Trim blanks at both ends of s[0..len), in place; returns the start. */
static char *
nrpe_trim(char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
	    s[*len - 1] == '\r'))
		(*len)--;
	return (s);
}

/*
 * Split plugin output into text and performance data (the Nagios plugin
 * API): "TEXT|PERF" on the first line, long text on the next lines until
 * one holding '|', then performance data to the end. Both are joined:
 * text lines with newlines, performance data with spaces.
 */
static void
nrpe_parse_output(char *out, struct nrpe_result *res)
{
	struct nrpe_buf	 text = { NULL, 0, 0 }, perf = { NULL, 0, 0 };
	char		*line, *next, *bar, *s;
	size_t		 len;
	int		 first = 1, inperf = 0;

	for (line = out; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		bar = inperf ? line : strchr(line, '|');
		if (bar != NULL) {
			len = bar - line;
			s = nrpe_trim(line, &len);
		} else {
			len = strlen(line);
			s = nrpe_trim(line, &len);
		}
		if (!inperf) {
			if (!first)
				nrpe_buf_add(&text, "\n", 1);
			nrpe_buf_add(&text, s, len);
		}
		if (bar != NULL) {
			if (!inperf)
				bar++;
			len = strlen(bar);
			s = nrpe_trim(bar, &len);
			if (len != 0) {
				if (perf.len != 0)
					nrpe_buf_add(&perf, " ", 1);
				nrpe_buf_add(&perf, s, len);
			}
			if (!first)
				inperf = 1;
		}
		first = 0;
	}
	/* Long text ends at its last non-empty line. */
	while (text.len > 0 && text.s[text.len - 1] == '\n')
		text.s[--text.len] = '\0';
	res->output = nrpe_buf_take(&text);
	res->perfdata = nrpe_buf_take(&perf);
}

static void
nrpe_result_release(struct nrpe_result *res)
{
	free(res->output);
	free(res->perfdata);
	free(res->detail);
	memset(res, 0, sizeof *res);
}

/* A check that did not give a plugin's answer: UNKNOWN with why. */
static void
nrpe_result_unknown(struct nrpe_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
nrpe_result_unknown(struct nrpe_result *res, const char *fmt, ...)
{
	va_list	ap;

	res->state = NRPE_UNKNOWN;
	free(res->output);
	va_start(ap, fmt);
	xvasprintf(&res->output, fmt, ap);
	va_end(ap);
	free(res->perfdata);
	res->perfdata = xstrdup("");
}

/*
 * Run one command of the configuration with its '!'-separated arguments,
 * for at most timeout seconds (0: none).
 */
static void
nrpe_check(const struct conf *conf, const struct nrpe_config *cfg,
    const char *name, const char *argstr, int timeout,
    struct nrpe_result *res)
{
	struct exec_result	 er = EXEC_RESULT_INIT;
	const struct nrpe_command *cmd;
	char			*args[NRPE_NARGS], *copy = NULL, *p, *cause;
	char			**argv = NULL;
	size_t			 i;

	memset(res, 0, sizeof *res);
	memset(args, 0, sizeof args);
	if ((cmd = nrpe_config_find(cfg, name)) == NULL) {
		nrpe_result_unknown(res, "no such command: %s", name);
		return;
	}
	if (argstr != NULL && *argstr != '\0') {
		/* As NRPE: $ARG1$!$ARG2$!...; values past the last unused. */
		copy = xstrdup(argstr);
		for (i = 0, p = copy; i < NRPE_NARGS && p != NULL; i++)
			args[i] = strsep(&p, "!");
	}
	if ((argv = nrpe_split(cmd->line, args, &cause)) == NULL) {
		nrpe_result_unknown(res, "command %s: %s", name, cause);
		free(cause);
		goto out;
	}
	if (exec_run((const char *const *)argv, NULL, timeout,
	    conf->output_max, &er) != 0) {
		nrpe_result_unknown(res, "command %s: %s", name, er.error);
		goto out;
	}
	if (er.timed_out) {
		res->timed_out = 1;
		nrpe_result_unknown(res, "command %s timed out after %d s",
		    name, timeout);
		goto out;
	}
	if (er.signo != 0) {
		nrpe_result_unknown(res, "command %s: killed by signal %d"
		    " (SIG%s)", name, er.signo, sigabbrev_np(er.signo) != NULL ?
		    sigabbrev_np(er.signo) : "?");
		goto out;
	}
	/* A plugin that says nothing on stdout may have said why on stderr. */
	nrpe_parse_output(er.out[0] != '\0' ? er.out : er.err, res);
	if (*res->output == '\0') {
		free(res->output);
		xasprintf(&res->output, "command %s gave no output", name);
	}
	if (er.status >= 0 && er.status <= 3)
		res->state = er.status;
	else {
		res->state = NRPE_UNKNOWN;
		xasprintf(&res->detail, "exit code %d", er.status);
	}
out:
	exec_result_release(&er);
	nrpe_argv_free(argv);
	free(copy);
}

/* Write a check's exitcode, output and perfdata (and command). */
static void
nrpe_put_result(struct wire_writer *w, const char *command,
    const struct nrpe_result *res)
{
	wire_put_map(w, command != NULL ? 4 : 3);
	wire_put_kint(w, "exitcode", res->state);
	wire_put_kstr(w, "output", res->output);
	wire_put_kstr(w, "perfdata", res->perfdata);
	if (command != NULL)
		wire_put_kstr(w, "command", command);
}

/* Is c part of a word (an ASCII letter, digit or _)? */
static int
nrpe_word_char(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_');
}

/* The first line of a check's output, bounded, for a status message. */
static int
nrpe_first_line(const char *s)
{
	size_t	len = strcspn(s, "\n");

	return ((int)(len > NRPE_STATUSMSG_MAX ? NRPE_STATUSMSG_MAX : len));
}

/*
 * Does the line (len bytes of s) name the state as a word, as plugins
 * write "LOAD WARNING - ..." or "CRITICAL: ..."? Then it is the status
 * message as it is, else the state is put before it.
 */
static int
nrpe_names_state(const char *s, int len, const char *state)
{
	size_t	n = strlen(state);
	int	i;

	for (i = 0; i + (int)n <= len; i++) {
		if (strncmp(s + i, state, n) == 0 &&
		    (i == 0 || !nrpe_word_char(s[i - 1])) &&
		    (i + (int)n == len || !nrpe_word_char(s[i + n])))
			return (1);
	}
	return (0);
}

/*
 * The seconds a check may take: nrpe_timeout, or less if the request's
 * own timeout is shorter (*by_request is then set).
 */
static int
nrpe_timeout(const struct call *c, int64_t left_ms, int *by_request)
{
	int	t = c->conf->nrpe_timeout;

	*by_request = 0;
	if (left_ms >= 0 && (t <= 0 || left_ms / 1000 < t)) {
		t = left_ms / 1000;
		*by_request = 1;
	}
	return (t);
}

/* Read the configuration; on failure, answer as the agent's problem. */
static int
nrpe_load(struct call *c, struct nrpe_config *cfg, char **cause)
{
	memset(cfg, 0, sizeof *cfg);
	if (c->conf->nrpe_config == NULL) {
		*cause = xstrdup("no nrpe_config in agent.conf");
		return (-1);
	}
	if (nrpe_read_file(cfg, c->conf->nrpe_config, cause) != 0) {
		nrpe_config_release(cfg);
		return (-1);
	}
	return (0);
}

/* runcommand: one check; any state but OK fails the call. */
static void
nrpe_runcommand(struct call *c)
{
	struct nrpe_config	 cfg;
	struct nrpe_result	 res;
	const char		*state;
	char			*command = NULL, *args = NULL, *cause = NULL;
	int			 timeout, by_request, len;

	memset(&res, 0, sizeof res);
	if (call_input_str(c, "command", 1, VALIDATE_NAME_MAX,
	    &command) != 0 ||
	    call_input_str(c, "args", 0, NRPE_ARGS_MAX, &args) == -1)
		goto out;

	if (nrpe_load(c, &cfg, &cause) != 0) {
		nrpe_result_unknown(&res, "nrpe configuration: %s", cause);
		nrpe_put_result(&c->data, command, &res);
		call_fail(c, MUSTER_UNKNOWN_ERROR, "nrpe configuration: %s",
		    cause);
		goto out;
	}
	timeout = nrpe_timeout(c, c->req->timeout > 0 ?
	    c->req->timeout * 1000 : -1, &by_request);
	nrpe_check(c->conf, &cfg, command, args, timeout, &res);
	nrpe_config_release(&cfg);

	nrpe_put_result(&c->data, command, &res);
	if (res.timed_out && by_request)
		c->timed_out = 1;
	if (res.state == NRPE_OK)
		goto out;
	len = nrpe_first_line(res.output);
	state = nrpe_state_names[res.state];
	if (res.detail != NULL)
		call_fail(c, MUSTER_ABORTED, "%s: %s: %.*s", state,
		    res.detail, len, res.output);
	else if (nrpe_names_state(res.output, len, state))
		call_fail(c, MUSTER_ABORTED, "%.*s", len, res.output);
	else
		call_fail(c, MUSTER_ABORTED, "%s: %.*s", state, len,
		    res.output);
out:
	nrpe_result_release(&res);
	free(cause);
	free(args);
	free(command);
}

/* Order commands by name. */
static int
nrpe_command_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct nrpe_command *)a)->name,
	    ((const struct nrpe_command *)b)->name));
}

/*
 * runallcommands: every command without arguments, by name, within the
 * request's time; any state but OK fails the call, naming the checks.
 */
static void
nrpe_runallcommands(struct call *c)
{
	struct nrpe_config	 cfg;
	struct nrpe_result	 res;
	struct nrpe_buf		 bad = { NULL, 0, 0 };
	int64_t			 deadline = -1, left = -1;
	char			*cause = NULL, *s;
	size_t			 i, nbad = 0;
	int			 timeout, by_request;

	if (nrpe_load(c, &cfg, &cause) != 0) {
		wire_put_map(&c->data, 1);
		wire_put_str(&c->data, "commands");
		wire_put_map(&c->data, 0);
		call_fail(c, MUSTER_UNKNOWN_ERROR, "nrpe configuration: %s",
		    cause);
		free(cause);
		return;
	}
	if (c->req->timeout > 0)
		deadline = nrpe_now() + c->req->timeout * 1000;
	qsort(cfg.list, cfg.n, sizeof *cfg.list, nrpe_command_cmp);

	wire_put_map(&c->data, 1);
	wire_put_str(&c->data, "commands");
	wire_put_map(&c->data, cfg.n);
	for (i = 0; i < cfg.n; i++) {
		if (deadline != -1 && (left = deadline - nrpe_now()) < 0)
			left = 0;
		timeout = nrpe_timeout(c, left, &by_request);
		if (by_request && timeout <= 0) {
			memset(&res, 0, sizeof res);
			nrpe_result_unknown(&res, "not run: the request's"
			    " time was up");
			c->timed_out = 1;
		} else {
			nrpe_check(c->conf, &cfg, cfg.list[i].name, NULL,
			    timeout, &res);
			if (res.timed_out && by_request)
				c->timed_out = 1;
		}
		wire_put_str(&c->data, cfg.list[i].name);
		nrpe_put_result(&c->data, NULL, &res);
		if (res.state != NRPE_OK) {
			xasprintf(&s, "%s%s %s", nbad != 0 ? ", " : "",
			    cfg.list[i].name, nrpe_state_names[res.state]);
			nrpe_buf_add(&bad, s, strlen(s));
			free(s);
			nbad++;
		}
		nrpe_result_release(&res);
	}
	if (nbad != 0)
		call_fail(c, MUSTER_ABORTED, "%zu of %zu checks not OK: %s",
		    nbad, cfg.n, bad.s);
	free(bad.s);
	nrpe_config_release(&cfg);
}
