/*
 * agent-facts.c: the facts of this host, gathered once on first use.
 *
 * Built-ins come from uname(2), /etc/os-release and /proc. External
 * facts are the *.txt files of facts_dir in Facter's external-fact format,
 * "key=value" lines with '#' comments, read in sorted name order; a later
 * file overrides an earlier one, and external facts override built-ins
 * except identity, which must stay the reply's sender. Classes are the
 * lines of puppet's classes.txt. Every file read is bounded.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define FACTS_FILE_MAX		(64 * 1024)	/* one external-fact file */
#define FACTS_FILES_MAX		256		/* external-fact files */
#define FACTS_TOTAL_MAX		(1024 * 1024)	/* all external facts */
#define FACTS_CLASSES_MAX	(1024 * 1024)	/* classes.txt */
#define FACTS_KEY_MAX		128

static struct facts	*facts_cache;

/* Read at most max bytes of a regular file; NULL if it cannot be read. */
static char *
facts_read_file(const char *path, size_t max, size_t *len)
{
	struct stat	 sb;
	char		*buf;
	size_t		 have = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC|O_NONBLOCK)) == -1) {
		log_debug("%s: %s: %s", __func__, path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		log_debug("%s: %s: not a regular file", __func__, path);
		close(fd);
		return (NULL);
	}
	buf = xmalloc(max + 1);
	while (have < max) {
		n = read(fd, buf + have, max - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += n;
	}
	close(fd);
	if (have == max)
		log_debug("%s: %s: only the first %zu bytes read", __func__,
		    path, max);
	buf[have] = '\0';
	*len = have;
	return (buf);
}

/* The next line of buf (NUL-terminated in place), blanks trimmed. */
static char *
facts_next_line(char **bufp)
{
	char	*line = *bufp, *nl, *end;

	if (*line == '\0')
		return (NULL);
	if ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		*bufp = nl + 1;
	} else
		*bufp = line + strlen(line);
	line += strspn(line, " \t");
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	*end = '\0';
	return (line);
}

/* Set a fact, replacing one of the same key. */
static void
facts_set(struct facts *f, const char *key, const char *value, int numeric,
    int64_t num)
{
	struct fact	*fact = NULL;
	size_t		 i;
	char		 tmp[32];

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->list[i].key, key) == 0) {
			fact = &f->list[i];
			free(fact->value);
			break;
		}
	}
	if (fact == NULL) {
		f->list = xreallocarray(f->list, f->n + 1, sizeof *f->list);
		fact = &f->list[f->n++];
		fact->key = xstrdup(key);
	}
	if (numeric) {
		snprintf(tmp, sizeof tmp, "%lld", (long long)num);
		value = tmp;
	}
	fact->value = xstrdup(value);
	fact->numeric = numeric;
	fact->num = num;
}

/* A value of /etc/os-release, unquoted; NULL if absent. */
static char *
facts_os_release_value(const char *buf, const char *key)
{
	const char	*line, *end, *v;
	size_t		 klen = strlen(key), vlen;

	for (line = buf; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if ((size_t)(end - line) <= klen ||
		    strncmp(line, key, klen) != 0 || line[klen] != '=')
			continue;
		v = line + klen + 1;
		vlen = end - v;
		if (vlen >= 2 && (*v == '"' || *v == '\'') &&
		    v[vlen - 1] == *v) {
			v++;
			vlen -= 2;
		}
		return (xstrndup(v, vlen));
	}
	return (NULL);
}

/* Does a space-separated list hold one of the words? */
static int
facts_has_word(const char *list, const char *const words[])
{
	const char	*p;
	size_t		 len, i;

	for (p = list; p != NULL && *p != '\0'; p += len) {
		p += strspn(p, " ");
		len = strcspn(p, " ");
		for (i = 0; words[i] != NULL; i++) {
			if (len == strlen(words[i]) &&
			    strncmp(p, words[i], len) == 0)
				return (1);
		}
	}
	return (0);
}

/* os.family, os.name, os.release.full and os.release.major. */
static void
facts_os(struct facts *f)
{
	static const char *const debian[] = { "debian", "ubuntu", NULL };
	static const char *const redhat[] = { "rhel", "fedora", "centos",
	    "redhat", "rocky", "almalinux", NULL };
	static const char *const suse[] = { "suse", "sles", "opensuse", NULL };
	static const char *const arch[] = { "arch", NULL };
	char		*buf, *id = NULL, *like = NULL, *release = NULL;
	char		*dv, *ids;
	const char	*family;
	size_t		 len;

	if ((buf = facts_read_file("/etc/os-release", 16384, &len)) == NULL)
		buf = facts_read_file("/usr/lib/os-release", 16384, &len);
	if (buf != NULL) {
		id = facts_os_release_value(buf, "ID");
		like = facts_os_release_value(buf, "ID_LIKE");
		release = facts_os_release_value(buf, "VERSION_ID");
		free(buf);
	}
	if (id == NULL)
		id = xstrdup("linux");
	xasprintf(&ids, "%s %s", id, like != NULL ? like : "");
	if (facts_has_word(ids, debian))
		family = "debian";
	else if (facts_has_word(ids, redhat))
		family = "redhat";
	else if (facts_has_word(ids, suse))
		family = "suse";
	else if (facts_has_word(ids, arch))
		family = "archlinux";
	else
		family = id;
	facts_set(f, "os.family", family, 0, 0);
	facts_set(f, "os.name", id, 0, 0);

	/* Debian's VERSION_ID is only the major number. */
	if (strcmp(id, "debian") == 0 &&
	    (dv = facts_read_file("/etc/debian_version", 256, &len)) != NULL) {
		dv[strcspn(dv, "\n")] = '\0';
		if (*dv >= '0' && *dv <= '9') {
			free(release);
			release = dv;
		} else
			free(dv);
	}
	if (release != NULL) {
		facts_set(f, "os.release.full", release, 0, 0);
		release[strcspn(release, ".")] = '\0';
		facts_set(f, "os.release.major", release, 0, 0);
	}
	free(ids);
	free(id);
	free(like);
	free(release);
}

/* A number after a label in a /proc file ("MemTotal:"), or -1. */
static long long
facts_proc_number(const char *path, const char *label)
{
	char		*buf, *p;
	size_t		 len;
	long long	 n = -1;

	if ((buf = facts_read_file(path, 65536, &len)) == NULL)
		return (-1);
	if (*label == '\0')
		p = buf;
	else if ((p = strstr(buf, label)) != NULL)
		p += strlen(label);
	if (p != NULL)
		n = strtoll(p, NULL, 10);
	free(buf);
	return (n);
}

/* The facts of the system itself. */
static void
facts_builtin(struct facts *f, const struct conf *conf)
{
	struct utsname	 u;
	struct addrinfo	 hints, *ai;
	char		 host[HOST_NAME_MAX + 1], *shortname;
	long long	 n;

	facts_set(f, "identity", conf->identity, 0, 0);

	if (gethostname(host, sizeof host) != 0 || *host == '\0')
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	shortname = xstrndup(host, strcspn(host, "."));
	facts_set(f, "hostname", shortname, 0, 0);
	free(shortname);
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_CANONNAME;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0) {
		facts_set(f, "fqdn", ai->ai_canonname != NULL ?
		    ai->ai_canonname : host, 0, 0);
		freeaddrinfo(ai);
	} else
		facts_set(f, "fqdn", host, 0, 0);

	facts_os(f);
	if (uname(&u) == 0) {
		facts_set(f, "kernel", u.release, 0, 0);
		facts_set(f, "architecture", u.machine, 0, 0);
	}
	if ((n = sysconf(_SC_NPROCESSORS_ONLN)) > 0)
		facts_set(f, "processors.count", NULL, 1, n);
	if ((n = facts_proc_number("/proc/meminfo", "MemTotal:")) >= 0)
		facts_set(f, "memory.total_mb", NULL, 1, n / 1024);
	if ((n = facts_proc_number("/proc/uptime", "")) >= 0)
		facts_set(f, "uptime_s", NULL, 1, n);
}

/* Is this an acceptable fact name? */
static int
facts_valid_key(const char *key)
{
	size_t	len = strlen(key);

	return (len != 0 && len <= FACTS_KEY_MAX &&
	    strspn(key, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len);
}

/* Read one external-fact file. */
static size_t
facts_external_file(struct facts *f, const char *path)
{
	char	*buf, *p, *line, *eq, *end, *value;
	size_t	 len;
	u_int	 n = 0;

	if ((buf = facts_read_file(path, FACTS_FILE_MAX, &len)) == NULL)
		return (0);
	p = buf;
	while ((line = facts_next_line(&p)) != NULL) {
		n++;
		if (*line == '\0' || *line == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			log_debug("%s: %s:%u: no '='", __func__, path, n);
			continue;
		}
		value = eq + 1 + strspn(eq + 1, " \t");
		for (end = eq; end > line && (end[-1] == ' ' ||
		    end[-1] == '\t'); end--)
			;
		*end = '\0';
		if (!facts_valid_key(line) || strcmp(line, "identity") == 0) {
			log_debug("%s: %s:%u: bad name", __func__, path, n);
			continue;
		}
		facts_set(f, line, value, 0, 0);
	}
	free(buf);
	return (len);
}

static int
facts_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The *.txt files of facts_dir, in order. */
static void
facts_external(struct facts *f, const char *dir)
{
	DIR		 *d;
	struct dirent	 *de;
	char		**names = NULL, *path;
	size_t		  n = 0, i, len, total = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < FACTS_FILES_MAX) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".txt") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n != 0)
		qsort(names, n, sizeof *names, facts_cmp);
	for (i = 0; i < n; i++) {
		if (total < FACTS_TOTAL_MAX) {
			xasprintf(&path, "%s/%s", dir, names[i]);
			total += facts_external_file(f, path);
			free(path);
		}
		free(names[i]);
	}
	free(names);
}

/* The lines of classes_file. */
static void
facts_classes(struct facts *f, const char *path)
{
	char	*buf, *p, *line;
	size_t	 len;

	if (path == NULL ||
	    (buf = facts_read_file(path, FACTS_CLASSES_MAX, &len)) == NULL)
		return;
	p = buf;
	while ((line = facts_next_line(&p)) != NULL) {
		if (*line == '\0')
			continue;
		f->classes = xreallocarray(f->classes, f->nclasses + 1,
		    sizeof *f->classes);
		f->classes[f->nclasses++] = xstrdup(line);
	}
	free(buf);
}

/* The facts of this host, gathered on the first call. */
const struct facts *
facts_get(const struct conf *conf)
{
	if (facts_cache == NULL) {
		facts_cache = xcalloc(1, sizeof *facts_cache);
		facts_builtin(facts_cache, conf);
		facts_external(facts_cache, conf->facts_dir);
		facts_classes(facts_cache, conf->classes_file);
		log_debug("%s: %zu facts, %zu classes", __func__,
		    facts_cache->n, facts_cache->nclasses);
	}
	return (facts_cache);
}

/* Forget the gathered facts. */
void
facts_free_all(void)
{
	size_t	i;

	if (facts_cache == NULL)
		return;
	for (i = 0; i < facts_cache->n; i++) {
		free(facts_cache->list[i].key);
		free(facts_cache->list[i].value);
	}
	for (i = 0; i < facts_cache->nclasses; i++)
		free(facts_cache->classes[i]);
	free(facts_cache->list);
	free(facts_cache->classes);
	free(facts_cache);
	facts_cache = NULL;
}

/* The fact of that name, or NULL. */
const struct fact *
facts_find(const struct facts *f, const char *key)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->list[i].key, key) == 0)
			return (&f->list[i]);
	}
	return (NULL);
}

/* A fact's value: a number or a string; nil for no fact. */
void
facts_put_value(struct wire_writer *w, const struct fact *fact)
{
	if (fact == NULL)
		wire_put_nil(w);
	else if (fact->numeric)
		wire_put_int(w, fact->num);
	else
		wire_put_str(w, fact->value);
}

/* Every fact, as a map of dotted names. */
void
facts_put(struct wire_writer *w, const struct facts *f)
{
	size_t	i;

	wire_put_map(w, f->n);
	for (i = 0; i < f->n; i++) {
		wire_put_str(w, f->list[i].key);
		facts_put_value(w, &f->list[i]);
	}
}

/* The classes, as an array of strings. */
void
facts_put_classes(struct wire_writer *w, const struct facts *f)
{
	size_t	i;

	wire_put_array(w, f->nclasses);
	for (i = 0; i < f->nclasses; i++)
		wire_put_str(w, f->classes[i]);
}
