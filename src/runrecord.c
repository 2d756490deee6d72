/*
 * runrecord.c: the record of the last run, for --rerun. After every host
 * command, ~/.local/state/muster/last-run ($XDG_STATE_HOME honoured) is
 * replaced by one JSON document: when, which agent.action, and each host
 * with its status name. It is written to a temporary file and renamed, so
 * concurrent runs leave one whole record or the other, never a mix.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "muster.h"

/* A record larger than this is not one muster wrote. */
#define RUNRECORD_MAX	(256 * 1024 * 1024)

/* Write all of buf; -1 with errno on error. */
static int
runrecord_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Record the run just finished; a failure is a warning, never fatal. */
void
runrecord_write(struct run *r, const struct action_spec *spec)
{
	json_t		*j, *hosts, *h;
	char		*dir, *path = NULL, *tmp = NULL, *text = NULL;
	char		*command, when[32];
	struct tm	 tm;
	time_t		 now = time(NULL);
	size_t		 i;
	int		 fd = -1;

	hosts = json_array();
	for (i = 0; i < r->nhosts; i++) {
		h = json_object();
		json_object_set_new(h, "host",
		    json_string(r->hosts[i]->name));
		json_object_set_new(h, "status", json_string(
		    result_status_name(r->hosts[i]->result.status)));
		json_array_append_new(hosts, h);
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	xasprintf(&command, "%s.%s", spec->agent, spec->action);
	j = json_object();
	json_object_set_new(j, "time", json_string(when));
	json_object_set_new(j, "command", json_string(command));
	json_object_set_new(j, "hosts", hosts);
	free(command);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);

	dir = config_state_dir();
	xasprintf(&path, "%s/last-run", dir);
	if (text == NULL || config_mkdirs(dir) != 0) {
		log_warn("run record: cannot create %s", dir);
		goto out;
	}
	xasprintf(&tmp, "%s/.last-run.XXXXXX", dir);
	if ((fd = mkstemp(tmp)) == -1) {
		log_warn("run record: cannot write %s", path);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, 0600) != 0 ||
	    runrecord_write_all(fd, text, strlen(text)) != 0 ||
	    runrecord_write_all(fd, "\n", 1) != 0 ||
	    close(fd) != 0) {
		fd = -1;
		log_warn("run record: cannot write %s", path);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		log_warn("run record: cannot rename to %s", path);
		goto out;
	}
	free(tmp);
	tmp = NULL;
out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(path);
	free(dir);
	free(text);
}

/* The status of that name; -1 if none. */
static int
runrecord_status(const char *name)
{
	int	s;

	for (s = RESULT_OK; s < RESULT_NSTATUS; s++) {
		if (strcmp(result_status_name(s), name) == 0)
			return (s);
	}
	if (strcmp(name, "none") == 0)
		return (RESULT_NONE);
	return (-1);
}

/*
 * The hosts of the last run that failed (any status but ok and skipped)
 * or gave no answer, appended to out. -1 with *cause when there is no
 * record, or it is not one muster wrote.
 */
int
runrecord_hosts(const char *which, struct hostlist *out, char **cause)
{
	struct stat	 st;
	json_error_t	 err;
	json_t		*j = NULL, *hosts, *h, *name, *status;
	char		*dir, *path;
	const char	*n, *why = NULL;
	size_t		 i;
	int		 s, unanswered, rc = -1;

	unanswered = strcmp(which, "unanswered") == 0;
	dir = config_state_dir();
	xasprintf(&path, "%s/last-run", dir);
	free(dir);
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			xasprintf(cause, "no previous run recorded (%s)", path);
		else
			xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > RUNRECORD_MAX) {
		xasprintf(cause, "%s: not a run record muster wrote", path);
		goto out;
	}
	if ((j = json_load_file(path, JSON_REJECT_DUPLICATES, &err)) == NULL) {
		xasprintf(cause, "%s: corrupt run record (line %d: %s)",
		    path, err.line, err.text);
		goto out;
	}
	if (!json_is_object(j) ||
	    !json_is_array(hosts = json_object_get(j, "hosts"))) {
		xasprintf(cause, "%s: corrupt run record (no host list)",
		    path);
		goto out;
	}
	json_array_foreach(hosts, i, h) {
		name = json_object_get(h, "host");
		status = json_object_get(h, "status");
		if (!json_is_string(name) || !json_is_string(status)) {
			why = "a host without a name or status";
			break;
		}
		n = json_string_value(name);
		if (*n == '\0' || strspn(n, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") != strlen(n)) {
			why = "a bad host name";
			break;
		}
		if ((s = runrecord_status(json_string_value(status))) == -1) {
			why = "an unknown status";
			break;
		}
		if (unanswered ? result_status_unanswered(s) :
		    (s != RESULT_OK && s != RESULT_SKIPPED))
			hostlist_add(out, n);
	}
	if (why != NULL) {
		xasprintf(cause, "%s: corrupt run record (%s, entry %zu)",
		    path, why, i + 1);
		goto out;
	}
	rc = 0;
out:
	json_decref(j);
	free(path);
	return (rc);
}
