/*
 * agent-puppet.c: the puppet agent, with the actions, inputs and outputs
 * of Choria's puppet agent 2.x: status, last_run_summary, enable, disable
 * and runonce.
 *
 * Theory of operation. Everything is read from the files puppet itself
 * keeps, whose paths come from agent.conf (puppet_*), with Debian's
 * defaults, or puppetlabs' where only /opt/puppetlabs is there:
 *
 *   applying	the catalog-run lock (agent_catalog_run.lock) exists, is
 *		not empty, and the pid it holds is alive: a run is under way,
 *		whoever started it (the daemon, cron, a person, muster);
 *   enabled	there is no disable lock (agent_disabled.lock), whose JSON
 *		{"disabled_message": "..."} says why there is one;
 *   daemon	puppet's pidfile names a live process;
 *   lastrun	time.last_run of last_run_summary.yaml, read with libyaml.
 *
 * enable and disable remove and write the disable lock as puppet does
 * (the same JSON, written to a new file renamed into place), and refuse,
 * as Choria does, to enable what is enabled or disable what is disabled.
 *
 * runonce starts puppet_command (split into words at blanks, never given
 * to a shell) with --noop, --tags=T and --environment=E appended, and does
 * not wait for it: the run is detached (a double fork, its own session,
 * stdin, stdout and stderr on /dev/null), so it outlives the request and
 * the SSH connection that carried it. It is refused, with nothing
 * started, while the host is disabled or already applying a catalog.
 * Whether the program could be executed is known before the reply (a
 * close-on-exec pipe tells an exec failure from a start).
 *
 * last_run_summary.yaml may be anything: it is read only up to
 * PUPPET_FILE_MAX bytes (a larger one is refused), then parsed by
 * libyaml's event parser, never into a document tree: only the two levels
 * puppet writes (a map of sections, each a map of scalars) are kept, at
 * most PUPPET_ITEMS_MAX values of PUPPET_SCALAR_MAX bytes, anything deeper
 * is skipped, nesting past PUPPET_DEPTH_MAX is refused at once (libyaml's
 * scanner slows down with depth), and aliases are never followed, so an
 * anchor can neither loop nor multiply the reply.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "agent.h"

#define PUPPET_FILE_MAX		(1024 * 1024)	/* bytes of a file read */
#define PUPPET_LOCK_MAX		4096		/* bytes of a lock file */
#define PUPPET_ITEMS_MAX	512		/* summary values kept */
#define PUPPET_DEPTH_MAX	16		/* levels of nesting */
#define PUPPET_SCALAR_MAX	256		/* bytes of a value kept */
#define PUPPET_TYPES_MAX	256		/* type_distribution entries */
#define PUPPET_WORDS_MAX	64		/* of puppet_command */
#define PUPPET_MESSAGE_MAX	120		/* bytes of a disable message */

#define PUPPET_DEBIAN_STATEDIR	"/var/cache/puppet/state"
#define PUPPET_DEBIAN_SUMMARY	"/var/cache/puppet/public/last_run_summary.yaml"
#define PUPPET_DEBIAN_PIDFILE	"/run/puppet/agent.pid"
#define PUPPET_PL_STATEDIR	"/opt/puppetlabs/puppet/cache/state"
#define PUPPET_PL_SUMMARY	\
    "/opt/puppetlabs/puppet/public/last_run_summary.yaml"
#define PUPPET_PL_PIDFILE	"/var/run/puppetlabs/agent.pid"
#define PUPPET_COMMAND		\
    "puppet agent --onetime --no-daemonize --verbose"
#define PUPPET_PATH_EXTRA	"/opt/puppetlabs/bin"
#define PUPPET_DEFAULT_MESSAGE	"Disabled via muster"

/* The files of puppet this host uses, resolved for one request. */
struct puppet_paths {
	char	*statedir;
	char	*lockfile;
	char	*disabled;
	char	*summary;
	char	*pidfile;
	char	*resources;	/* STATEDIR/resources.txt */
};

/* What the state files say now. */
struct puppet_state {
	int	 applying;
	int	 enabled;
	char	*disable_message;	/* "" when enabled */
	int	 daemon_present;
	int64_t	 lastrun;
	int64_t	 since_lastrun;
};

/* One scalar of the summary: section.key = value. */
struct puppet_item {
	char	*section;
	char	*key;
	char	*value;
};
struct puppet_summary {
	struct puppet_item	*items;
	size_t			 n;
};

static void	puppet_status(struct call *);
static void	puppet_last_run_summary(struct call *);
static void	puppet_enable(struct call *);
static void	puppet_disable(struct call *);
static void	puppet_runonce(struct call *);

static int	puppet_valid_tags(const char *);
static int	puppet_valid_environment(const char *);
static int	puppet_valid_message(const char *);

static const struct input_decl puppet_summary_inputs[] = {
	/* Choria's: the logs of last_run_report.yaml; not sent back here. */
	{ "logs", INPUT_BOOLEAN, 0, 0, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct input_decl puppet_disable_inputs[] = {
	{ "message", INPUT_STRING, 0, PUPPET_MESSAGE_MAX, 0, 0,
	  puppet_valid_message, "a message without control characters" },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct input_decl puppet_runonce_inputs[] = {
	{ "noop", INPUT_BOOLEAN, 0, 0, 0, 0, NULL, NULL },
	{ "force", INPUT_BOOLEAN, 0, 0, 0, 0, NULL, NULL },
	{ "tags", INPUT_STRING, 0, 120, 0, 0, puppet_valid_tags,
	  "puppet tags (letters, digits and _ : - separated by commas)" },
	{ "environment", INPUT_STRING, 0, 50, 0, 0, puppet_valid_environment,
	  "a puppet environment name (letters, digits and _)" },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct action_entry puppet_actions[] = {
	{ "status", puppet_status, NULL },
	{ "last_run_summary", puppet_last_run_summary,
	  puppet_summary_inputs },
	{ "enable", puppet_enable, NULL },
	{ "disable", puppet_disable, puppet_disable_inputs },
	{ "runonce", puppet_runonce, puppet_runonce_inputs },
	{ NULL, NULL, NULL }
};

const struct agent_entry puppet_agent = {
	"puppet",
	puppet_actions
};

/* Tags: letters, digits and _ : - in words separated by commas. */
static int
puppet_valid_tags(const char *s)
{
	const char	*p;

	if (*s == '\0' || *s == '-' || *s == ',')
		return (0);
	for (p = s; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("_:,-", *p) == NULL)
			return (0);
	}
	return (1);
}

/* An environment: letters, digits and _, as puppet names them. */
static int
puppet_valid_environment(const char *s)
{
	const char	*p;

	if (*s == '\0')
		return (0);
	for (p = s; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			return (0);
	}
	return (1);
}

/* A disable message: any text without control characters. */
static int
puppet_valid_message(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return (0);
	}
	return (1);
}

/* Does path exist (as anything)? */
static int
puppet_exists(const char *path)
{
	return (access(path, F_OK) == 0);
}

/*
 * The paths: agent.conf's, else Debian's, else puppetlabs' where the
 * Debian ones are missing and /opt/puppetlabs is there.
 */
static void
puppet_paths_init(const struct conf *conf, struct puppet_paths *p)
{
	int	pl;

	pl = !puppet_exists(PUPPET_DEBIAN_STATEDIR) &&
	    puppet_exists(PUPPET_PL_STATEDIR);
	memset(p, 0, sizeof *p);
	if (conf->puppet_statedir != NULL)
		p->statedir = xstrdup(conf->puppet_statedir);
	else
		p->statedir = xstrdup(pl ? PUPPET_PL_STATEDIR :
		    PUPPET_DEBIAN_STATEDIR);
	if (conf->puppet_lockfile != NULL)
		p->lockfile = xstrdup(conf->puppet_lockfile);
	else
		xasprintf(&p->lockfile, "%s/agent_catalog_run.lock",
		    p->statedir);
	if (conf->puppet_disabled_lockfile != NULL)
		p->disabled = xstrdup(conf->puppet_disabled_lockfile);
	else
		xasprintf(&p->disabled, "%s/agent_disabled.lock", p->statedir);
	if (conf->puppet_summary != NULL)
		p->summary = xstrdup(conf->puppet_summary);
	else
		p->summary = xstrdup(pl ? PUPPET_PL_SUMMARY :
		    PUPPET_DEBIAN_SUMMARY);
	if (conf->puppet_pidfile != NULL)
		p->pidfile = xstrdup(conf->puppet_pidfile);
	else
		p->pidfile = xstrdup(pl ? PUPPET_PL_PIDFILE :
		    PUPPET_DEBIAN_PIDFILE);
	xasprintf(&p->resources, "%s/resources.txt", p->statedir);
}

static void
puppet_paths_release(struct puppet_paths *p)
{
	free(p->statedir);
	free(p->lockfile);
	free(p->disabled);
	free(p->summary);
	free(p->pidfile);
	free(p->resources);
}

/* Is the pid written in the file (puppet's format: decimal) alive? */
static int
puppet_pid_alive(const char *path)
{
	char		*buf, *cause = NULL, *end;
	size_t		 len;
	long long	 pid;
	int		 alive = 0;

	if (agent_read_file(path, PUPPET_LOCK_MAX, &buf, &len, NULL,
	    &cause) != 0) {
		if (cause != NULL)
			log_debug("%s: %s", __func__, cause);
		free(cause);
		return (0);
	}
	errno = 0;
	pid = strtoll(buf, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (len != 0 && errno == 0 && end != buf && *end == '\0' && pid > 0 &&
	    pid <= INT_MAX)
		alive = kill((pid_t)pid, 0) == 0 || errno == EPERM;
	log_debug("%s: %s: pid %lld %s", __func__, path, pid,
	    alive ? "alive" : "not alive");
	free(buf);
	return (alive);
}

static void
puppet_summary_release(struct puppet_summary *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		free(s->items[i].section);
		free(s->items[i].key);
		free(s->items[i].value);
	}
	free(s->items);
	s->items = NULL;
	s->n = 0;
}

/* The next event; 0, or -1 with *cause. */
static int
puppet_yaml_next(yaml_parser_t *parser, yaml_event_t *ev, const char *path,
    char **cause)
{
	if (yaml_parser_parse(parser, ev))
		return (0);
	xasprintf(cause, "%s: not YAML: %s at line %zu", path,
	    parser->problem != NULL ? parser->problem : "error",
	    parser->problem_mark.line + 1);
	return (-1);
}

/*
 * Skip the rest of a collection whose start event was just read, at
 * nesting level depth. 0, or -1 with *cause.
 */
static int
puppet_yaml_skip(yaml_parser_t *parser, int depth, const char *path,
    char **cause)
{
	yaml_event_t	ev;
	int		level = 1;

	while (level > 0) {
		if (puppet_yaml_next(parser, &ev, path, cause) != 0)
			return (-1);
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			level++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			level--;
			break;
		case YAML_STREAM_END_EVENT:
			/* The parser ends every collection before this. */
			level = 0;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (depth + level > PUPPET_DEPTH_MAX) {
			xasprintf(cause, "%s: nested more than %d levels deep",
			    path, PUPPET_DEPTH_MAX);
			return (-1);
		}
	}
	return (0);
}

/* Keep section.key = value (bounded copies), within the bounds. */
static void
puppet_summary_add(struct puppet_summary *s, const char *section,
    const char *key, const char *value)
{
	s->items = xreallocarray(s->items, s->n + 1, sizeof *s->items);
	s->items[s->n].section = xstrndup(section, PUPPET_SCALAR_MAX);
	s->items[s->n].key = xstrndup(key, PUPPET_SCALAR_MAX);
	s->items[s->n].value = xstrndup(value, PUPPET_SCALAR_MAX);
	s->n++;
}

/*
 * Read a YAML document (or JSON, which is YAML) held in buf that is a map:
 * its scalars with section "", and those of each map under it with the
 * key as the section. Anything deeper is skipped, aliases are not
 * followed, and the parser is driven event by event with a bound on
 * nesting, so a deep or huge document is refused or passed over without
 * being built in memory. 0, or -1 with *cause.
 */
static int
puppet_yaml_read(const char *path, const char *buf, size_t len,
    struct puppet_summary *s, char **cause)
{
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	char		*section = xstrdup(""), *key = NULL;
	int		 r = -1, depth = 0, want_key = 1, have_ev = 0;

	memset(s, 0, sizeof *s);
	if (!yaml_parser_initialize(&parser)) {
		xasprintf(cause, "%s: cannot set up the YAML parser", path);
		free(section);
		return (-1);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	/* The stream, the document, then the map. */
	for (;;) {
		if (puppet_yaml_next(&parser, &ev, path, cause) != 0)
			goto out;
		have_ev = 1;
		if (ev.type != YAML_STREAM_START_EVENT &&
		    ev.type != YAML_DOCUMENT_START_EVENT)
			break;
		yaml_event_delete(&ev);
		have_ev = 0;
	}
	if (ev.type != YAML_MAPPING_START_EVENT) {
		xasprintf(cause, "%s: not a map", path);
		goto out;
	}
	depth = 1;
	while (depth > 0) {
		yaml_event_delete(&ev);
		have_ev = 0;
		if (puppet_yaml_next(&parser, &ev, path, cause) != 0)
			goto out;
		have_ev = 1;
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			if (want_key)
				key = xstrndup((const char *)
				    ev.data.scalar.value, PUPPET_SCALAR_MAX);
			else if (key != NULL && s->n < PUPPET_ITEMS_MAX)
				puppet_summary_add(s, section, key,
				    (const char *)ev.data.scalar.value);
			break;
		case YAML_ALIAS_EVENT:
			/* Never followed: the key or value is passed over. */
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (ev.type == YAML_MAPPING_START_EVENT &&
			    depth == 1 && !want_key && key != NULL) {
				/* A section: its scalars are kept. */
				free(section);
				section = key;
				key = NULL;
				depth = 2;
				want_key = 1;
				continue;
			}
			/* A complex key, or a value deeper than kept. */
			if (puppet_yaml_skip(&parser, depth + 1, path,
			    cause) != 0)
				goto out;
			break;
		case YAML_MAPPING_END_EVENT:
			if (--depth == 1) {
				free(section);
				section = xstrdup("");
			}
			want_key = 1;
			free(key);
			key = NULL;
			continue;
		default:
			/* Nothing else comes inside a map. */
			xasprintf(cause, "%s: not a map", path);
			goto out;
		}
		/* A key was read, or a value: the other comes next. */
		if (!want_key) {
			free(key);
			key = NULL;
		}
		want_key = !want_key;
	}
	r = 0;
out:
	if (have_ev)
		yaml_event_delete(&ev);
	free(section);
	free(key);
	yaml_parser_delete(&parser);
	if (r != 0)
		puppet_summary_release(s);
	return (r);
}

/*
 * Read and parse the summary file. 0; 1 when there is none; -1 with
 * *cause.
 */
static int
puppet_summary_load(const char *path, struct puppet_summary *s, char **cause)
{
	char	*buf;
	size_t	 len;
	int	 r;

	memset(s, 0, sizeof *s);
	if ((r = agent_read_file(path, PUPPET_FILE_MAX, &buf, &len, NULL,
	    cause)) != 0)
		return (r);
	r = puppet_yaml_read(path, buf, len, s, cause);
	free(buf);
	return (r);
}

/* section.key of the summary, or NULL. */
static const char *
puppet_summary_get(const struct puppet_summary *s, const char *section,
    const char *key)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->items[i].section, section) == 0 &&
		    strcmp(s->items[i].key, key) == 0)
			return (s->items[i].value);
	}
	return (NULL);
}

/* An integer value: 1 with *out, 0 when it is not one. */
static int
puppet_parse_int(const char *s, int64_t *out)
{
	char		*end;
	long long	 n;

	if (s == NULL || *s == '\0')
		return (0);
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return (0);
	*out = n;
	return (1);
}

/* A number value (integer or float): 1 with *out, 0 when it is not one. */
static int
puppet_parse_double(const char *s, double *out)
{
	char	*end;
	double	 d;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return (0);
	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || *end != '\0' || d != d)
		return (0);
	*out = d;
	return (1);
}

/* section.key as an integer, or 0. Floats (time) are truncated. */
static int64_t
puppet_summary_int(const struct puppet_summary *s, const char *section,
    const char *key)
{
	const char	*v = puppet_summary_get(s, section, key);
	int64_t		 n;
	double		 d;

	if (puppet_parse_int(v, &n))
		return (n);
	if (puppet_parse_double(v, &d) && d > -9e18 && d < 9e18)
		return ((int64_t)d);
	return (0);
}

/* section.key as a number, or 0. */
static double
puppet_summary_double(const struct puppet_summary *s, const char *section,
    const char *key)
{
	double	d;

	if (puppet_parse_double(puppet_summary_get(s, section, key), &d))
		return (d);
	return (0);
}

/* The disable lock's message: its JSON {"disabled_message": "..."}. */
static char *
puppet_disable_message(const char *path)
{
	struct puppet_summary	 s;
	const char		*v = NULL;
	char			*buf, *cause = NULL, *msg;
	size_t			 len;

	/* JSON is YAML: one reader for both. */
	if (agent_read_file(path, PUPPET_LOCK_MAX, &buf, &len, NULL,
	    &cause) != 0 ||
	    puppet_yaml_read(path, buf, len, &s, &cause) != 0) {
		log_debug("%s: %s", __func__, cause != NULL ? cause : path);
		free(cause);
		free(buf);
		return (xstrdup(""));
	}
	v = puppet_summary_get(&s, "", "disabled_message");
	msg = xstrdup(v != NULL ? v : "");
	puppet_summary_release(&s);
	free(buf);
	return (msg);
}

/* The state of puppet on this host now. */
static void
puppet_state_get(const struct puppet_paths *paths, struct puppet_state *st)
{
	struct puppet_summary	 s;
	char			*cause = NULL;
	time_t			 now = time(NULL);

	memset(st, 0, sizeof *st);
	st->applying = puppet_pid_alive(paths->lockfile);
	st->enabled = !puppet_exists(paths->disabled);
	st->disable_message = st->enabled ? xstrdup("") :
	    puppet_disable_message(paths->disabled);
	st->daemon_present = puppet_pid_alive(paths->pidfile);
	if (puppet_summary_load(paths->summary, &s, &cause) == 0) {
		st->lastrun = puppet_summary_int(&s, "time", "last_run");
		puppet_summary_release(&s);
	} else if (cause != NULL) {
		log_debug("%s: %s", __func__, cause);
		free(cause);
	}
	st->since_lastrun = now - st->lastrun;
}

/* Choria's words for a state. */
static const char *
puppet_state_name(const struct puppet_state *st)
{
	if (!st->enabled)
		return ("disabled");
	if (st->applying)
		return ("applying");
	if (st->daemon_present)
		return ("idling");
	return ("stopped");
}

/* Seconds as Choria writes them: "2 minutes 10 seconds". */
static void
puppet_human(int64_t secs, char *buf, size_t size)
{
	int64_t	days, hours, minutes;

	if (secs < 0)
		secs = 0;
	days = secs / 86400;
	secs -= days * 86400;
	hours = secs / 3600;
	secs -= hours * 3600;
	minutes = secs / 60;
	secs -= minutes * 60;
	if (days > 0)
		snprintf(buf, size, "%lld day%s %lld hours %lld minutes %02lld"
		    " seconds", (long long)days, days == 1 ? "" : "s",
		    (long long)hours, (long long)minutes, (long long)secs);
	else if (hours > 0)
		snprintf(buf, size, "%lld hours %lld minutes %02lld seconds",
		    (long long)hours, (long long)minutes, (long long)secs);
	else if (minutes > 0)
		snprintf(buf, size, "%lld minutes %02lld seconds",
		    (long long)minutes, (long long)secs);
	else
		snprintf(buf, size, "%02lld seconds", (long long)secs);
}

/* status: applying, enabled, daemon, last run and a message. */
static void
puppet_status(struct call *c)
{
	struct puppet_paths	 paths;
	struct puppet_state	 st;
	struct wire_writer	*w = &c->data;
	const char		*name;
	char			*message, age[128];

	puppet_paths_init(c->conf, &paths);
	puppet_state_get(&paths, &st);
	name = puppet_state_name(&st);
	puppet_human(st.since_lastrun, age, sizeof age);
	xasprintf(&message, "Currently %s%s%s; %s%s%s",
	    strcmp(name, "applying") == 0 ? "applying a catalog" : name,
	    *st.disable_message != '\0' ? ": " : "", st.disable_message,
	    st.lastrun != 0 ? "last completed run " : "no completed run",
	    st.lastrun != 0 ? age : "", st.lastrun != 0 ? " ago" : "");

	wire_put_map(w, 9);
	wire_put_kbool(w, "applying", st.applying);
	wire_put_kbool(w, "enabled", st.enabled);
	wire_put_kstr(w, "disable_message", st.disable_message);
	wire_put_kbool(w, "daemon_present", st.daemon_present);
	wire_put_kint(w, "lastrun", st.lastrun);
	wire_put_kint(w, "since_lastrun", st.since_lastrun);
	wire_put_kbool(w, "idling", st.daemon_present && !st.applying);
	wire_put_kstr(w, "status", name);
	wire_put_kstr(w, "message", message);

	free(message);
	free(st.disable_message);
	puppet_paths_release(&paths);
}

/* A summary value, typed: an integer, a float, else a string. */
static void
puppet_put_value(struct wire_writer *w, const char *v)
{
	int64_t	n;
	double	d;

	if (puppet_parse_int(v, &n))
		wire_put_int(w, n);
	else if (puppet_parse_double(v, &d))
		wire_put_double(w, d);
	else
		wire_put_str(w, v);
}

/* Puppet's summary as it is: {section: {key: value}}. */
static void
puppet_put_summary(struct wire_writer *w, const struct puppet_summary *s)
{
	size_t	i, j, k, nsec = 0, n;

	/* Scalars outside any section ("") are not puppet's. */
	for (i = 0; i < s->n; i++) {
		if (*s->items[i].section != '\0' && (i == 0 ||
		    strcmp(s->items[i].section, s->items[i - 1].section) != 0))
			nsec++;
	}
	wire_put_map(w, nsec);
	for (i = 0; i < s->n; i = j) {
		for (j = i; j < s->n && strcmp(s->items[j].section,
		    s->items[i].section) == 0; j++)
			;
		n = j - i;
		if (*s->items[i].section == '\0')
			continue;
		wire_put_str(w, s->items[i].section);
		wire_put_map(w, n);
		for (k = i; k < j; k++) {
			wire_put_str(w, s->items[k].key);
			puppet_put_value(w, s->items[k].value);
		}
	}
}

/* "package" -> "Package", "apt::key" -> "Apt::Key", in place. */
static void
puppet_type_name(char *s)
{
	char	*p;
	int	 start = 1;

	for (p = s; *p != '\0'; p++) {
		if (*p == ':') {
			start = 1;
			continue;
		}
		*p = start ? toupper((unsigned char)*p) :
		    tolower((unsigned char)*p);
		start = 0;
	}
}

/*
 * type_distribution, as Choria counts it: the resources of the last
 * catalog (STATEDIR/resources.txt, "type[title]" a line) per type.
 */
static void
puppet_put_types(struct wire_writer *w, const char *path)
{
	char	*buf = NULL, *cause = NULL, *line, *next, *br;
	char	*types[PUPPET_TYPES_MAX];
	int64_t	 counts[PUPPET_TYPES_MAX];
	size_t	 len, n = 0, i;

	if (agent_read_file(path, PUPPET_FILE_MAX, &buf, &len, NULL,
	    &cause) != 0) {
		if (cause != NULL)
			log_debug("%s: %s", __func__, cause);
		free(cause);
		len = 0;
	}
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((br = strchr(line, '[')) == NULL || br == line)
			continue;
		*br = '\0';
		if (strlen(line) > 64 || !puppet_valid_message(line))
			continue;
		puppet_type_name(line);
		for (i = 0; i < n; i++) {
			if (strcmp(types[i], line) == 0)
				break;
		}
		if (i == n) {
			if (n == PUPPET_TYPES_MAX)
				continue;
			types[n] = line;
			counts[n++] = 0;
		}
		counts[i]++;
	}
	wire_put_map(w, n);
	for (i = 0; i < n; i++) {
		wire_put_str(w, types[i]);
		wire_put_int(w, counts[i]);
	}
	free(buf);
}

/* last_run_summary: the figures of the last run, as puppet wrote them. */
static void
puppet_last_run_summary(struct call *c)
{
	struct puppet_paths	 paths;
	struct puppet_summary	 s;
	struct wire_writer	*w = &c->data;
	const char		*version;
	char			*cause = NULL;
	int64_t			 lastrun;
	int			 r;

	puppet_paths_init(c->conf, &paths);
	if ((r = puppet_summary_load(paths.summary, &s, &cause)) != 0) {
		if (r == 1)
			call_fail(c, MUSTER_ABORTED, "no last run summary at"
			    " %s", paths.summary);
		else
			call_fail(c, MUSTER_ABORTED, "cannot read the last run"
			    " summary: %s", cause);
		free(cause);
		goto out;
	}
	lastrun = puppet_summary_int(&s, "time", "last_run");
	if ((version = puppet_summary_get(&s, "version", "config")) == NULL)
		version = "unknown";

	wire_put_map(w, 12);
	wire_put_kint(w, "out_of_sync_resources",
	    puppet_summary_int(&s, "resources", "out_of_sync"));
	wire_put_kint(w, "failed_resources",
	    puppet_summary_int(&s, "resources", "failed"));
	wire_put_kint(w, "corrected_resources",
	    puppet_summary_int(&s, "resources", "corrective_change"));
	wire_put_kint(w, "changed_resources",
	    puppet_summary_int(&s, "resources", "changed"));
	wire_put_kint(w, "total_resources",
	    puppet_summary_int(&s, "resources", "total"));
	wire_put_kdouble(w, "total_time",
	    puppet_summary_double(&s, "time", "total"));
	wire_put_kdouble(w, "config_retrieval_time",
	    puppet_summary_double(&s, "time", "config_retrieval"));
	wire_put_kint(w, "lastrun", lastrun);
	wire_put_kint(w, "since_lastrun", (int64_t)time(NULL) - lastrun);
	wire_put_kstr(w, "config_version", version);
	wire_put_str(w, "type_distribution");
	puppet_put_types(w, paths.resources);
	wire_put_str(w, "summary");
	puppet_put_summary(w, &s);
	puppet_summary_release(&s);
out:
	puppet_paths_release(&paths);
}

/* The reply of enable and disable: {"enabled", "status"}. */
static void
puppet_put_lock(struct call *c, const struct puppet_paths *paths,
    const char *status)
{
	wire_put_map(&c->data, 2);
	wire_put_kbool(&c->data, "enabled", !puppet_exists(paths->disabled));
	wire_put_kstr(&c->data, "status", status);
}

/* enable: remove the disable lock; refused when there is none. */
static void
puppet_enable(struct call *c)
{
	struct puppet_paths	 paths;
	char			*status = NULL;

	puppet_paths_init(c->conf, &paths);
	if (!puppet_exists(paths.disabled)) {
		status = xstrdup("Could not enable Puppet: Already enabled");
		call_fail(c, MUSTER_ABORTED, "%s", status);
	} else if (unlink(paths.disabled) != 0) {
		xasprintf(&status, "Could not enable Puppet: %s: %s",
		    paths.disabled, strerror(errno));
		call_fail(c, MUSTER_ABORTED, "%s", status);
	} else
		status = xstrdup("Successfully enabled the Puppet agent");
	puppet_put_lock(c, &paths, status);
	free(status);
	puppet_paths_release(&paths);
}

/* s as a JSON string, quoted. */
static void
puppet_json_string(FILE *f, const char *s)
{
	const unsigned char	*p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/*
 * Write the disable lock as puppet does, {"disabled_message":"..."}, to a
 * new file renamed into place. 0, or -1 with *cause.
 */
static int
puppet_write_lock(const char *path, const char *msg, char **cause)
{
	char	*tmp;
	FILE	*f = NULL;
	int	 fd, r = -1;

	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return (-1);
	}
	if (fchmod(fd, 0644) != 0 || (f = fdopen(fd, "w")) == NULL) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	fputs("{\"disabled_message\":", f);
	puppet_json_string(f, msg);
	fputs("}", f);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, path) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	r = 0;
out:
	if (f != NULL)
		fclose(f);
	if (r != 0)
		unlink(tmp);
	free(tmp);
	return (r);
}

/* disable: write the disable lock; refused when there is one. */
static void
puppet_disable(struct call *c)
{
	struct puppet_paths	 paths;
	char			*msg = NULL, *status = NULL, *cause = NULL;
	char			*old;

	puppet_paths_init(c->conf, &paths);
	if (call_input_str(c, "message", 0, PUPPET_MESSAGE_MAX, &msg) == -1)
		goto out;
	if (msg != NULL && !puppet_valid_message(msg)) {
		call_fail(c, MUSTER_INVALID_DATA, "invalid input 'message':"
		    " it holds control characters");
		goto out;
	}
	if (msg == NULL || *msg == '\0') {
		free(msg);
		msg = xstrdup(PUPPET_DEFAULT_MESSAGE);
	}
	if (puppet_exists(paths.disabled)) {
		old = puppet_disable_message(paths.disabled);
		xasprintf(&status, "Could not disable Puppet: Already"
		    " disabled%s%s", *old != '\0' ? ": " : "", old);
		free(old);
		call_fail(c, MUSTER_ABORTED, "%s", status);
	} else if (puppet_write_lock(paths.disabled, msg, &cause) != 0) {
		xasprintf(&status, "Could not disable Puppet: %s", cause);
		call_fail(c, MUSTER_ABORTED, "%s", status);
	} else
		xasprintf(&status, "Successfully locked the Puppet agent: %s",
		    msg);
	puppet_put_lock(c, &paths, status);
out:
	free(msg);
	free(status);
	free(cause);
	puppet_paths_release(&paths);
}

/*
 * puppet_command split at blanks, then the arguments of the request: a
 * NULL-terminated vector of new strings. -1 with *cause.
 */
static int
puppet_argv(const char *command, int noop, const char *tags,
    const char *environment, char ***out, char **cause)
{
	char		**argv;
	const char	 *p, *start;
	size_t		  n = 0;

	argv = xcalloc(PUPPET_WORDS_MAX + 4, sizeof *argv);
	for (p = command; *p != '\0';) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (n == PUPPET_WORDS_MAX) {
			xasprintf(cause, "puppet_command has more than %d"
			    " words", PUPPET_WORDS_MAX);
			goto fail;
		}
		argv[n++] = xstrndup(start, p - start);
	}
	if (n == 0) {
		*cause = xstrdup("puppet_command is empty");
		goto fail;
	}
	if (noop == 1)
		argv[n++] = xstrdup("--noop");
	else if (noop == 0)
		argv[n++] = xstrdup("--no-noop");
	/* One word each, so a value is never read as an option. */
	if (tags != NULL)
		xasprintf(&argv[n++], "--tags=%s", tags);
	if (environment != NULL)
		xasprintf(&argv[n++], "--environment=%s", environment);
	*out = argv;
	return (0);
fail:
	while (n > 0)
		free(argv[--n]);
	free(argv);
	return (-1);
}

static void
puppet_argv_free(char **argv)
{
	size_t	i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* The grandchild: a new session, /dev/null, and the run. */
static void __attribute__((noreturn))
puppet_detached(char **argv, int statusfd)
{
	sigset_t	 set;
	const char	*path;
	char		*newpath;
	int		 fd, sig, e;

	/*
	 * A session of its own, led by the run: no SIGHUP when the SSH
	 * session ends, and one process group to signal for the whole run.
	 */
	if (setsid() == -1)
		goto fail;
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (chdir("/") != 0 ||
	    (fd = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		goto fail;
	/* Nothing of the agent's (the SSH channel) but the status pipe. */
	if (statusfd > 3)
		close_range(3, statusfd - 1, 0);
	close_range(statusfd + 1, ~0U, 0);
	/* As Choria: puppetlabs' puppet is found where it installs it. */
	path = getenv("PATH");
	xasprintf(&newpath, "%s:%s", path != NULL && *path != '\0' ? path :
	    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	    PUPPET_PATH_EXTRA);
	setenv("PATH", newpath, 1);
	execvp(argv[0], argv);
fail:
	e = errno;
	if (write(statusfd, &e, sizeof e) == -1) {
		/* Nothing left to tell. */
	}
	_exit(127);
}

/*
 * Start argv detached: it is not this process's child, and has its own
 * session. 0 once it runs the program, or -1 with *cause.
 */
static int
puppet_start(char **argv, char **cause)
{
	pid_t	pid;
	ssize_t	n;
	int	fds[2], status, e = 0;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return (-1);
	}
	switch (pid = fork()) {
	case -1:
		xasprintf(cause, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return (-1);
	case 0:
		close(fds[0]);
		switch (fork()) {
		case -1:
			e = errno;
			if (write(fds[1], &e, sizeof e) == -1)
				_exit(1);
			_exit(1);
		case 0:
			puppet_detached(argv, fds[1]);
		default:
			_exit(0);
		}
	}
	close(fds[1]);
	/* The intermediate child exits at once: reap it. */
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* EOF when the program runs (close-on-exec), else errno. */
	while ((n = read(fds[0], &e, sizeof e)) == -1 && errno == EINTR)
		;
	close(fds[0]);
	if (n == (ssize_t)sizeof e) {
		xasprintf(cause, "cannot run %s: %s", argv[0], strerror(e));
		return (-1);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		xasprintf(cause, "cannot start %s: the starting process"
		    " failed", argv[0]);
		return (-1);
	}
	return (0);
}

/* The command line, for the messages: words joined by spaces. */
static char *
puppet_command_line(char **argv)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; argv[i] != NULL; i++) {
		xasprintf(&t, "%s%s%s", s, i == 0 ? "" : " ", argv[i]);
		free(s);
		s = t;
	}
	return (s);
}

/*
 * runonce: start a run in the background, unless puppet is disabled or
 * already applying a catalog. force is Choria's (no splay); it never
 * overrides a run under way.
 */
static void
puppet_runonce(struct call *c)
{
	struct puppet_paths	 paths;
	struct puppet_state	 st;
	const msgpack_object	*v;
	char			*tags = NULL, *environment = NULL;
	char			**argv = NULL, *line = NULL, *cause = NULL;
	char			*summary = NULL;
	int			 noop = -1, b;

	memset(&st, 0, sizeof st);
	puppet_paths_init(c->conf, &paths);
	if (call_input_str(c, "tags", 0, 120, &tags) == -1 ||
	    call_input_str(c, "environment", 0, 50, &environment) == -1)
		goto out;
	/* dispatch() checked them; these reach puppet's command line. */
	if ((tags != NULL && !puppet_valid_tags(tags)) ||
	    (environment != NULL && !puppet_valid_environment(environment))) {
		call_fail(c, MUSTER_INVALID_DATA, "invalid input '%s'",
		    tags != NULL && !puppet_valid_tags(tags) ? "tags" :
		    "environment");
		goto out;
	}
	if ((v = wire_map_get(c->req->args, "noop")) != NULL &&
	    wire_bool(v, &b) == 0)
		noop = b;

	puppet_state_get(&paths, &st);
	if (!st.enabled) {
		if (*st.disable_message != '\0')
			xasprintf(&summary, "Puppet is disabled: %s",
			    st.disable_message);
		else
			summary = xstrdup("Puppet is disabled");
		goto refused;
	}
	if (st.applying) {
		summary = xstrdup("Puppet is currently applying a catalog,"
		    " cannot run now");
		goto refused;
	}
	if (puppet_argv(c->conf->puppet_command != NULL ?
	    c->conf->puppet_command : PUPPET_COMMAND, noop, tags, environment,
	    &argv, &cause) != 0 || puppet_start(argv, &cause) != 0) {
		xasprintf(&summary, "Could not start a Puppet run: %s",
		    cause);
		goto refused;
	}
	line = puppet_command_line(argv);
	log_debug("%s: started %s", __func__, line);
	xasprintf(&summary, "Started a Puppet run using '%s'", line);
	wire_put_map(&c->data, 2);
	wire_put_kstr(&c->data, "summary", summary);
	wire_put_kint(&c->data, "initiated_at", (int64_t)time(NULL));
	goto out;

refused:
	call_fail(c, MUSTER_ABORTED, "%s", summary);
	wire_put_map(&c->data, 1);
	wire_put_kstr(&c->data, "summary", summary);
out:
	free(tags);
	free(environment);
	free(line);
	free(cause);
	free(summary);
	free(st.disable_message);
	puppet_argv_free(argv);
	puppet_paths_release(&paths);
}
