/*
 * audit.c: the client's audit trail. One JSON line per request appended
 * to ~/.local/state/muster/audit.jsonl ($XDG_STATE_HOME honoured): who,
 * when, what, on which hosts, with what outcome, and the operator's
 * reason. The line is written with one write(2) on an O_APPEND descriptor
 * so concurrent runs never interleave within a line. A disk that filled up
 * (or RLIMIT_FSIZE) can still cut a line short: that is reported with its
 * errno, and the next record starts on a line of its own.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "muster.h"

/* The local user name. */
static const char *
audit_user(void)
{
	struct passwd	*pw;
	const char	*u;

	if ((pw = getpwuid(getuid())) != NULL)
		return (pw->pw_name);
	if ((u = getenv("USER")) != NULL)
		return (u);
	return ("unknown");
}

/* user@host of the operator. */
char *
audit_caller(void)
{
	char	 host[256], *s;

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	xasprintf(&s, "%s@%s", audit_user(), host);
	return (s);
}

/* The audit log's path. */
static char *
audit_path(void)
{
	char	*dir, *path;

	dir = config_state_dir();
	if (config_mkdirs(dir) != 0) {
		log_warn("audit: cannot create %s", dir);
		free(dir);
		return (NULL);
	}
	xasprintf(&path, "%s/audit.jsonl", dir);
	free(dir);
	return (path);
}

/* Does the file end in a newline (or is it empty, or no regular file)? */
static int
audit_ends_in_newline(int fd)
{
	struct stat	st;
	char		c;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return (1);
	if (pread(fd, &c, 1, st.st_size - 1) != 1)
		return (1);	/* not readable (opened write-only) */
	return (c == '\n');
}

/*
 * Append len bytes with one write(2), as long as it writes them all. A
 * short write (full disk, RLIMIT_FSIZE) sets no errno: the rest is tried
 * again to learn why (ENOSPC, EFBIG). Returns 0, or -1 with errno set (0
 * if the system gave no reason) and *written the bytes that went in.
 */
static int
audit_append(int fd, const char *buf, size_t len, size_t *written)
{
	ssize_t	n;

	*written = 0;
	while (*written < len) {
		errno = 0;
		n = write(fd, buf + *written, len - *written);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		*written += (size_t)n;
	}
	return (0);
}

/*
 * Write one record to the audit log at path: a warning naming the file
 * and the reason when it cannot be written (the exit status stays).
 */
static void
audit_record(const char *path, const char *json)
{
	char	*rec;
	size_t	 len, written;
	int	 fd, rw = 1;

	/* Read-write to look at the last byte; write-only will do too. */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 && errno == EACCES) {
		rw = 0;
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0600);
	}
	if (fd == -1) {
		log_warn("audit: cannot open %s", path);
		return;
	}
	/* A record cut short before (a full disk): begin a new line. */
	len = (size_t)xasprintf(&rec, "%s%s\n",
	    rw && !audit_ends_in_newline(fd) ? "\n" : "", json);
	if (audit_append(fd, rec, len, &written) != 0) {
		log_warnx("audit: cannot write %s: %s (%s)", path,
		    errno != 0 ? strerror(errno) : "short write",
		    written == 0 ? "no record written" :
		    "the record is incomplete");
	}
	close(fd);
	free(rec);
}

/* Append this run to the audit log. */
void
audit_write(struct run *r, const struct action_spec *spec,
    const struct cmd_ctx *ctx, int code)
{
	json_t		*j, *argv, *targets, *counts, *sel;
	size_t		 i, n[RESULT_NSTATUS] = { 0 };
	char		*line, *path, *caller, when[64];
	const char	*reason;
	char		*filter_text;
	struct tm	 tm;
	time_t		 t = r->start.tv_sec;
	enum result_status s;

	if ((path = audit_path()) == NULL)
		return;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	caller = audit_caller();

	j = json_object();
	json_object_set_new(j, "id", json_string(r->request_id));
	json_object_set_new(j, "time", json_string(when));
	json_object_set_new(j, "caller", json_string_bytes(caller,
	    strlen(caller)));
	argv = json_array();
	for (i = 0; i < (size_t)ctx->argc; i++)
		json_array_append_new(argv, json_string_bytes(ctx->argv[i],
		    strlen(ctx->argv[i])));
	json_object_set_new(j, "argv", argv);
	json_object_set_new(j, "agent", json_string(spec->agent));
	json_object_set_new(j, "action", json_string(spec->action));
	sel = json_object();
	if (ctx->sel.include.n > 0) {
		line = hostlist_fold(ctx->sel.include.hosts,
		    ctx->sel.include.n);
		json_object_set_new(sel, "hosts", json_string(line));
		free(line);
	}
	if (ctx->sel.exclude.n > 0) {
		line = hostlist_fold(ctx->sel.exclude.hosts,
		    ctx->sel.exclude.n);
		json_object_set_new(sel, "exclude", json_string(line));
		free(line);
	}
	if (ctx->sel.inventory_used != NULL)
		json_object_set_new(sel, "inventory", json_string_bytes(
		    ctx->sel.inventory_used, strlen(ctx->sel.inventory_used)));
	json_object_set_new(j, "selection", sel);
	targets = json_array();
	for (i = 0; i < r->nhosts; i++) {
		json_array_append_new(targets, json_string(r->hosts[i]->name));
		n[r->hosts[i]->result.status]++;
	}
	json_object_set_new(j, "targets", targets);
	counts = json_object();
	json_object_set_new(counts, "targeted", json_integer(r->nhosts));
	for (s = RESULT_OK; s < RESULT_NSTATUS; s++) {
		if (n[s] > 0)
			json_object_set_new(counts, result_status_name(s),
			    json_integer(n[s]));
	}
	json_object_set_new(j, "counts", counts);
	json_object_set_new(j, "duration_ms",
	    json_integer(fanout_elapsed_ms(r)));
	json_object_set_new(j, "exit_code", json_integer(code));
	/* Where: the metadata filter, as -S text, when there was one. */
	if (ctx->sel.filter != NULL) {
		filter_text = filter_format(ctx->sel.filter);
		json_object_set_new(j, "filter", json_string_bytes(filter_text,
		    strlen(filter_text)));
		free(filter_text);
	}
	reason = ctx->reason;
	if (reason != NULL)
		json_object_set_new(j, "reason", json_string_bytes(reason,
		    strlen(reason)));
	else
		json_object_set_new(j, "reason", json_null());

	line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	audit_record(path, line);
	free(line);
	free(caller);
	free(path);
}
