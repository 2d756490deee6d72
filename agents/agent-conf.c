/*
 * agent-conf.c: the agent's configuration file, agent.conf.
 *
 * One "key = value" a line; blank lines and lines whose first non-blank
 * character is '#' are ignored. The value is the rest of the line with
 * surrounding blanks removed (no quoting, and '#' inside a value is kept).
 * A key given twice takes its last value. An unknown key or a line without
 * '=' is an error naming the file and line.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define CONF_CLASSES_FILE	"/opt/puppetlabs/puppet/cache/state/classes.txt"
#define CONF_CLASSES_FILE_OLD	"/var/lib/puppet/state/classes.txt"
#define CONF_SHELL_TIMEOUT_MAX	86400
/* Two streams of output must fit in one reply, with room to spare. */
#define CONF_OUTPUT_MAX		((MUSTER_REPLY_MAX - 1024 * 1024) / 2)

enum conf_type {
	CONF_STRING,
	CONF_PATH,		/* a string; empty means none */
	CONF_SECONDS,
	CONF_SIZE
};

static const struct {
	const char	*key;
	enum conf_type	 type;
	size_t		 off;
} conf_keys[] = {
	{ "identity", CONF_STRING, offsetof(struct conf, identity) },
	{ "facts_dir", CONF_PATH, offsetof(struct conf, facts_dir) },
	{ "classes_file", CONF_PATH, offsetof(struct conf, classes_file) },
	{ "audit_log", CONF_PATH, offsetof(struct conf, audit_log) },
	{ "shell_timeout", CONF_SECONDS,
	    offsetof(struct conf, shell_timeout) },
	{ "output_max", CONF_SIZE, offsetof(struct conf, output_max) },
	{ "nrpe_config", CONF_PATH, offsetof(struct conf, nrpe_config) },
	{ "package_provider", CONF_STRING,
	    offsetof(struct conf, package_provider) },
	{ "service_provider", CONF_STRING,
	    offsetof(struct conf, service_provider) },
	{ "policy_dir", CONF_PATH, offsetof(struct conf, policy_dir) },
	{ "policy_default", CONF_STRING,
	    offsetof(struct conf, policy_default) },
	{ "puppet_command", CONF_STRING,
	    offsetof(struct conf, puppet_command) },
	{ "puppet_statedir", CONF_PATH,
	    offsetof(struct conf, puppet_statedir) },
	{ "puppet_lockfile", CONF_PATH,
	    offsetof(struct conf, puppet_lockfile) },
	{ "puppet_disabled_lockfile", CONF_PATH,
	    offsetof(struct conf, puppet_disabled_lockfile) },
	{ "puppet_summary", CONF_PATH, offsetof(struct conf, puppet_summary) },
	{ "puppet_pidfile", CONF_PATH, offsetof(struct conf, puppet_pidfile) },
	{ "apt_config", CONF_PATH, offsetof(struct conf, apt_config) },
	{ "dpkg_root", CONF_PATH, offsetof(struct conf, dpkg_root) },
	{ "package_timeout", CONF_SECONDS,
	    offsetof(struct conf, package_timeout) },
	{ "package_lock_timeout", CONF_SECONDS,
	    offsetof(struct conf, package_lock_timeout) },
	{ "initd_dir", CONF_PATH, offsetof(struct conf, initd_dir) },
	{ "service_timeout", CONF_SECONDS,
	    offsetof(struct conf, service_timeout) },
	{ "nrpe_timeout", CONF_SECONDS, offsetof(struct conf, nrpe_timeout) },
};
#define CONF_NKEYS	(sizeof conf_keys / sizeof conf_keys[0])

/* The configuration before any file is read. */
struct conf *
conf_new(void)
{
	struct conf	*conf;
	char		 host[HOST_NAME_MAX + 1];

	conf = xcalloc(1, sizeof *conf);
	if (gethostname(host, sizeof host) != 0 || *host == '\0')
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	conf->identity = xstrdup(host);
	conf->facts_dir = xstrdup("/etc/muster/facts.d");
	conf->policy_dir = xstrdup("/etc/muster/policy");
	conf->shell_timeout = 60;
	conf->output_max = 1024 * 1024;
	conf->nrpe_config = xstrdup("/etc/nagios/nrpe.cfg");
	conf->package_provider = xstrdup("auto");
	conf->service_provider = xstrdup("auto");
	conf->package_timeout = 600;
	conf->package_lock_timeout = 60;
	conf->service_timeout = 60;
	conf->nrpe_timeout = 60;
	return (conf);
}

/* Free a configuration. */
void
conf_free(struct conf *conf)
{
	size_t	i;
	char	**p;

	if (conf == NULL)
		return;
	for (i = 0; i < CONF_NKEYS; i++) {
		if (conf_keys[i].type != CONF_STRING &&
		    conf_keys[i].type != CONF_PATH)
			continue;
		p = (char **)((char *)conf + conf_keys[i].off);
		free(*p);
	}
	free(conf->path);
	free(conf->error);
	free(conf);
}

/* Record the first error. */
static int __attribute__((format(printf, 2, 3)))
conf_error(struct conf *conf, const char *fmt, ...)
{
	va_list	ap;

	if (conf->error == NULL) {
		va_start(ap, fmt);
		xvasprintf(&conf->error, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* A whole number with an optional K, M or G suffix (sizes only). */
static int
conf_number(const char *s, int suffixes, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long	 n, mult = 1;
	char			*end;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0)
		return (-1);
	if (suffixes && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 'k':
		case 'K':
			mult = 1024;
			end++;
			break;
		case 'm':
		case 'M':
			mult = 1024 * 1024;
			end++;
			break;
		case 'g':
		case 'G':
			mult = 1024 * 1024 * 1024;
			end++;
			break;
		}
	}
	if (*end != '\0' || n > max / mult)
		return (-1);
	*out = n * mult;
	return (0);
}

/* Apply one key and value. */
static int
conf_set(struct conf *conf, const char *file, u_int line, const char *key,
    const char *value)
{
	unsigned long long	 n;
	size_t			 i;
	char			**p;

	for (i = 0; i < CONF_NKEYS; i++) {
		if (strcmp(conf_keys[i].key, key) == 0)
			break;
	}
	if (i == CONF_NKEYS)
		return (conf_error(conf, "%s:%u: unknown key '%s'", file, line,
		    key));

	switch (conf_keys[i].type) {
	case CONF_STRING:
	case CONF_PATH:
		p = (char **)((char *)conf + conf_keys[i].off);
		free(*p);
		if (*value == '\0' && conf_keys[i].type == CONF_PATH)
			*p = NULL;
		else
			*p = xstrdup(value);
		if (conf_keys[i].type == CONF_STRING && *value == '\0')
			return (conf_error(conf, "%s:%u: %s is empty", file,
			    line, key));
		if (strcmp(key, "policy_default") == 0 &&
		    strcmp(value, "allow") != 0 && strcmp(value, "deny") != 0)
			return (conf_error(conf, "%s:%u: policy_default must be"
			    " allow or deny", file, line));
		break;
	case CONF_SECONDS:
		if (conf_number(value, 0, CONF_SHELL_TIMEOUT_MAX, &n) != 0 ||
		    n == 0)
			return (conf_error(conf, "%s:%u: %s must be 1 to %d"
			    " seconds", file, line, key,
			    CONF_SHELL_TIMEOUT_MAX));
		*(int *)((char *)conf + conf_keys[i].off) = (int)n;
		break;
	case CONF_SIZE:
		if (conf_number(value, 1, CONF_OUTPUT_MAX, &n) != 0)
			return (conf_error(conf, "%s:%u: %s must be a size of"
			    " at most %d bytes", file, line, key,
			    CONF_OUTPUT_MAX));
		*(size_t *)((char *)conf + conf_keys[i].off) = n;
		break;
	}
	return (0);
}

/* Remove blanks at both ends, in place. */
static char *
conf_trim(char *s)
{
	char	*end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	*end = '\0';
	return (s);
}

/* Defaults that depend on what exists on the host. */
static void
conf_finish(struct conf *conf, int classes_set)
{
	if (!classes_set) {
		free(conf->classes_file);
		if (access(CONF_CLASSES_FILE, F_OK) != 0 &&
		    access(CONF_CLASSES_FILE_OLD, F_OK) == 0)
			conf->classes_file = xstrdup(CONF_CLASSES_FILE_OLD);
		else
			conf->classes_file = xstrdup(CONF_CLASSES_FILE);
	}
}

/* Read a configuration file over the defaults. */
int
conf_load(struct conf *conf, const char *path, int optional)
{
	FILE	*f;
	char	*buf = NULL, *s, *eq, *key;
	size_t	 size = 0;
	ssize_t	 n;
	u_int	 line = 0;
	int	 classes_set = 0, r = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (optional && errno == ENOENT) {
			conf_finish(conf, 0);
			return (0);
		}
		conf_finish(conf, 0);
		return (conf_error(conf, "%s: %s", path, strerror(errno)));
	}
	free(conf->path);
	conf->path = xstrdup(path);

	while ((n = getline(&buf, &size, f)) != -1) {
		line++;
		if (n > 0 && buf[n - 1] == '\n')
			buf[n - 1] = '\0';
		s = conf_trim(buf);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			r = conf_error(conf, "%s:%u: expected 'key = value'",
			    path, line);
			break;
		}
		*eq = '\0';
		key = conf_trim(s);
		if (conf_set(conf, path, line, key, conf_trim(eq + 1)) != 0) {
			r = -1;
			break;
		}
		if (strcmp(key, "classes_file") == 0)
			classes_set = 1;
	}
	if (r == 0 && ferror(f))
		r = conf_error(conf, "%s: %s", path, strerror(errno));
	free(buf);
	fclose(f);
	conf_finish(conf, classes_set);
	return (r);
}
