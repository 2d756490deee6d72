/*
 * agent-facts.c: the facts of this host, gathered once on first use into
 * the shared struct factset (include/facts.h), which the filter is
 * evaluated on and replies carry.
 *
 * Built-ins come from uname(2), /etc/os-release and /proc, numbers typed
 * as integers. External facts are the *.txt files of facts_dir in
 * Facter's external-fact format, "key=value" lines with '#' comments, read
 * in sorted name order; a dotted key is a nested fact ("app.port=8080"),
 * which the flat set keeps as that dotted key, and a value is typed from
 * its text ("12" an integer, "true" a boolean). A later file overrides an
 * earlier one, and external facts override built-ins except identity,
 * which must stay the reply's sender. Classes are the lines of puppet's
 * classes.txt. The agents are those of the dispatch table. Every file
 * read is bounded, and so is what is kept, to the bounds of facts.h that
 * the client checks a reply's facts against.
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
#define FACTS_CLASS_LEN_MAX	(FACTS_KEY_MAX * 4) /* one class name */

static struct factset	 facts_set_live;
static int		 facts_gathered;

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

/* May one more fact of this value be kept? */
static int
facts_room(const struct factset *fs, const char *key, const char *text)
{
	if (fs->nfacts >= FACTS_MAX) {
		log_debug("%s: %s: more than %d facts", __func__, key,
		    FACTS_MAX);
		return (0);
	}
	if (strlen(text) > FACTS_VALUE_MAX) {
		log_debug("%s: %s: value longer than %d bytes", __func__, key,
		    FACTS_VALUE_MAX);
		return (0);
	}
	return (1);
}

/*
 * Set a fact of a given type (FACT_STRING keeps the text as it is). A
 * later value of a key replaces an earlier one once the set is sorted.
 */
static void
facts_set(struct factset *fs, const char *key, const char *text,
    enum fact_type type)
{
	if (facts_room(fs, key, text))
		factset_set_typed(fs, key, text, type);
}

/* Set a fact typed from its text: "12" an integer, "true" a boolean. */
static void
facts_set_guessed(struct factset *fs, const char *key, const char *text)
{
	if (facts_room(fs, key, text))
		factset_set(fs, key, text);
}

/* Set a numeric fact. */
static void
facts_set_int(struct factset *fs, const char *key, long long n)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "%lld", n);
	facts_set(fs, key, buf, FACT_INTEGER);
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
facts_os(struct factset *f)
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
	facts_set(f, "os.family", family, FACT_STRING);
	facts_set(f, "os.name", id, FACT_STRING);

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
		/* "12.10" is a version, not the number 12.1. */
		facts_set(f, "os.release.full", release, FACT_STRING);
		release[strcspn(release, ".")] = '\0';
		/* An integer when it is one ("rolling" stays a string). */
		facts_set(f, "os.release.major", release, FACT_INTEGER);
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
facts_builtin(struct factset *f, const struct conf *conf)
{
	struct utsname	 u;
	struct addrinfo	 hints, *ai;
	char		 host[HOST_NAME_MAX + 1], *shortname;
	long long	 n;

	facts_set(f, "identity", conf->identity, FACT_STRING);

	if (gethostname(host, sizeof host) != 0 || *host == '\0')
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	shortname = xstrndup(host, strcspn(host, "."));
	facts_set(f, "hostname", shortname, FACT_STRING);
	free(shortname);
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_CANONNAME;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0) {
		facts_set(f, "fqdn", ai->ai_canonname != NULL ?
		    ai->ai_canonname : host, FACT_STRING);
		freeaddrinfo(ai);
	} else
		facts_set(f, "fqdn", host, FACT_STRING);

	facts_os(f);
	if (uname(&u) == 0) {
		facts_set(f, "kernel", u.release, FACT_STRING);
		facts_set(f, "architecture", u.machine, FACT_STRING);
	}
	if ((n = sysconf(_SC_NPROCESSORS_ONLN)) > 0)
		facts_set_int(f, "processors.count", n);
	if ((n = facts_proc_number("/proc/meminfo", "MemTotal:")) >= 0)
		facts_set_int(f, "memory.total_mb", n / 1024);
	if ((n = facts_proc_number("/proc/uptime", "")) >= 0)
		facts_set_int(f, "uptime_s", n);
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
facts_external_file(struct factset *f, const char *path)
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
		facts_set_guessed(f, line, value);
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
facts_external(struct factset *f, const char *dir)
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
facts_classes(struct factset *f, const char *path)
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
		if (strlen(line) > FACTS_CLASS_LEN_MAX ||
		    f->nclasses >= FACTS_CLASSES_MAX_N) {
			log_debug("%s: %s: a class too long or too many",
			    __func__, path);
			continue;
		}
		factset_add_class(f, line);
	}
	free(buf);
}

/* The facts of this host, gathered on the first call. */
const struct factset *
facts_get(const struct conf *conf)
{
	const struct agent_entry	*const *a;
	struct factset			*fs = &facts_set_live;

	if (!facts_gathered) {
		factset_init(fs);
		fs->complete = 1;
		facts_builtin(fs, conf);
		facts_external(fs, conf->facts_dir);
		facts_classes(fs, conf->classes_file);
		for (a = dispatch_agents; *a != NULL; a++)
			factset_add_agent(fs, (*a)->name);
		factset_sort(fs);
		facts_gathered = 1;
		log_debug("%s: %zu facts, %zu classes, %zu agents", __func__,
		    fs->nfacts, fs->nclasses, fs->nagents);
	}
	return (fs);
}

/* Forget the gathered facts. */
void
facts_free_all(void)
{
	if (facts_gathered)
		factset_release(&facts_set_live);
	facts_gathered = 0;
}

/* The facts, classes and agents as the map a reply's "facts" holds. */
void
facts_put_all(struct wire_writer *w, const struct factset *fs)
{
	wire_put_map(w, 3);
	wire_put_str(w, "facts");
	factset_put_facts(w, fs);
	wire_put_str(w, "classes");
	factset_put_classes(w, fs);
	wire_put_str(w, "agents");
	factset_put_agents(w, fs);
}
