/*
 * config.c: the client's settings file, ~/.config/muster/config or the
 * file named by $MUSTER_CONFIG: "key = value" lines and '#' comments.
 * Unknown keys are an error naming the file and line, so a typo never
 * silently changes nothing.
 */
#include <ctype.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

/* A line, and the whole file: far past any real configuration. */
#define CONFIG_LINE_MAX		(64 * 1024)
#define CONFIG_FILE_MAX		(1024 * 1024)

/* ~/.config/muster, honouring $XDG_CONFIG_HOME. */
char *
config_dir(void)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");
	char		*s;

	if (xdg != NULL && *xdg == '/')
		xasprintf(&s, "%s/muster", xdg);
	else
		xasprintf(&s, "%s/.config/muster", home != NULL ? home : "");
	return (s);
}

/* muster's state directory: $XDG_STATE_HOME/muster, ~/.local/state/muster. */
char *
config_state_dir(void)
{
	const char	*state = getenv("XDG_STATE_HOME");
	const char	*home = getenv("HOME");
	char		*s;

	if (state != NULL && *state == '/')
		xasprintf(&s, "%s/muster", state);
	else
		xasprintf(&s, "%s/.local/state/muster",
		    home != NULL ? home : "");
	return (s);
}

/* mkdir -p dir, mode 0700 for what is created; -1 with errno. */
int
config_mkdirs(const char *dir)
{
	char	*path, *p;
	int	 rc = 0;

	path = xstrdup(dir);
	for (p = path + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (*p == '\0') {
			if (mkdir(path, 0700) == -1 && errno != EEXIST)
				rc = -1;
			break;
		}
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	free(path);
	return (rc);
}

/* Parse a positive integer setting. */
static int
config_int(const char *v, int *out)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < 1 || n > INT_MAX)
		return (-1);
	*out = (int)n;
	return (0);
}

/* Load the client config; a missing default file is fine. */
int
config_load(struct config *c, char **cause)
{
	const char	*env = getenv("MUSTER_CONFIG");
	struct textfile	 tf;
	char		*path, *dir, *k, *v, *e;
	size_t		 lineno = 0;
	FILE		*fp;
	int		 rc = -1, n;

	memset(c, 0, sizeof *c);
	if (env != NULL && *env != '\0')
		path = xstrdup(env);
	else {
		dir = config_dir();
		xasprintf(&path, "%s/config", dir);
		free(dir);
	}
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && (env == NULL || *env == '\0')) {
			free(path);
			return (0);
		}
		xasprintf(cause, "config %s: %s", path, strerror(errno));
		free(path);
		return (-1);
	}
	textfile_init(&tf, fp, path, CONFIG_LINE_MAX, CONFIG_FILE_MAX);
	while ((n = textfile_getline(&tf, cause)) == 1) {
		lineno++;
		k = tf.line.buf + strspn(tf.line.buf, " \t");
		if (*k == '#' || *k == '\n' || *k == '\0')
			continue;
		k[strcspn(k, "\r\n")] = '\0';
		if ((v = strchr(k, '=')) == NULL) {
			xasprintf(cause, "%s:%zu: expected key = value", path,
			    lineno);
			goto out;
		}
		for (e = v; e > k && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		v++;
		v += strspn(v, " \t");
		for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]);
		    e--)
			;
		*e = '\0';
		if (strcmp(k, "agent_path") == 0) {
			free(c->agent_path);
			c->agent_path = xstrdup(v);
		} else if (strcmp(k, "ssh_config") == 0) {
			free(c->ssh_config);
			c->ssh_config = xstrdup(v);
		} else if (strcmp(k, "inventory") == 0) {
			free(c->inventory);
			c->inventory = xstrdup(v);
		} else if (strcmp(k, "color") == 0) {
			free(c->color);
			c->color = xstrdup(v);
		} else if (strcmp(k, "concurrency") == 0) {
			if (config_int(v, &c->concurrency) != 0) {
				xasprintf(cause, "%s:%zu: concurrency must be"
				    " a positive number", path, lineno);
				goto out;
			}
		} else if (strcmp(k, "connect_timeout") == 0) {
			if (config_int(v, &c->connect_timeout) != 0) {
				xasprintf(cause, "%s:%zu: connect_timeout must"
				    " be a positive number", path, lineno);
				goto out;
			}
		} else {
			xasprintf(cause, "%s:%zu: unknown key '%s'", path,
			    lineno, k);
			goto out;
		}
	}
	if (n == 0)
		rc = 0;
out:
	textfile_release(&tf);
	fclose(fp);
	free(path);
	return (rc);
}

/* Free the settings. */
void
config_release(struct config *c)
{
	free(c->agent_path);
	free(c->ssh_config);
	free(c->inventory);
	free(c->color);
	memset(c, 0, sizeof *c);
}
