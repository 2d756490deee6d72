/*
 * agent-package-apt.c: the package agent's apt backend: dpkg-query reads
 * the state, apt-get makes the changes.
 *
 * apt-get runs with APT_CONFIG set to apt_config when agent.conf has one
 * (a file that may point apt at another root, as the tests do), -q -y,
 * -o DPkg::Lock::Timeout=package_lock_timeout so that a dpkg lock held by
 * another process is waited for that long and then is an error naming
 * the lock, and dpkg's --force-confdef --force-confold so that a changed
 * configuration file never asks. dpkg-query reads dpkg_root's database
 * (--root) when agent.conf names one. A downgrade happens only when a
 * version is asked for; held packages and essential ones are never
 * forced.
 */
#include <stdlib.h>
#include <string.h>

#include "agent-package.h"

/* A run of apt-get with the options every run has. */
static void
apt_args(const struct conf *conf, struct pkg_args *a)
{
	pkg_args_init(a, "apt-get");
	pkg_args_add(a, "-q");
	pkg_args_add(a, "-o");
	pkg_args_add(a, "DPkg::Lock::Timeout=%d", conf->package_lock_timeout);
	pkg_args_add(a, "-o");
	pkg_args_add(a, "Dpkg::Use-Pty=0");
}

/* Run apt-get, with APT_CONFIG when configured. */
static int
apt_exec(const struct conf *conf, struct pkg_args *a,
    struct exec_result *res)
{
	char	*extra = NULL;
	int	 r;

	if (conf->apt_config != NULL)
		xasprintf(&extra, "APT_CONFIG=%s", conf->apt_config);
	r = pkg_exec(conf, a, extra, res);
	free(extra);
	return (r);
}

/* A run of dpkg-query on the configured root. */
static void
apt_query_args(const struct conf *conf, struct pkg_args *a)
{
	pkg_args_init(a, "dpkg-query");
	if (conf->dpkg_root != NULL)
		pkg_args_add(a, "--root=%s", conf->dpkg_root);
	pkg_args_add(a, "-W");
}

/* Does dpkg-query's failure only say that nothing matched? */
static int
apt_query_nothing(const struct exec_result *res)
{
	return (res->status == 1 &&
	    strstr(res->err, "no packages found matching") != NULL);
}

/* One package's state from dpkg-query. */
static int
apt_status(const struct pkg_backend *be, const struct conf *conf,
    const char *name, struct pkg_info *info, struct exec_result *res)
{
	struct pkg_args	 a;
	char		*line = NULL, *f[4], *p;
	size_t		 i;
	int		 r = -1;

	(void)be;
	apt_query_args(conf, &a);
	pkg_args_add(&a, "-f");
	pkg_args_add(&a, "${db:Status-Status}\t${Version}\t${Architecture}"
	    "\t${Package}\n");
	pkg_args_add(&a, "--");
	pkg_args_add(&a, "%s", name);
	if (pkg_exec(conf, &a, NULL, res) != 0)
		goto out;
	if (apt_query_nothing(res)) {
		pkg_info_set_absent(info, name, "purged");
		r = 0;
		goto out;
	}
	if (res->status != 0 || res->signo != 0 || res->timed_out)
		goto out;

	/* Several lines for several architectures: the first one. */
	line = xstrndup(res->out, strcspn(res->out, "\n"));
	for (i = 0, p = line; i < 4; i++) {
		f[i] = p;
		if (i < 3 && (p = strchr(p, '\t')) == NULL)
			goto out;
		if (i < 3)
			*p++ = '\0';
	}
	if (strcmp(f[0], "installed") == 0 ||
	    strcmp(f[0], "triggers-awaited") == 0 ||
	    strcmp(f[0], "triggers-pending") == 0)
		pkg_info_set(info, name, f[1], f[2]);
	else if (strcmp(f[0], "not-installed") == 0)
		pkg_info_set_absent(info, name, "purged");
	else {
		/* config-files, or half-done: not usable. */
		pkg_info_set_absent(info, name, "absent");
		if (strcmp(f[0], "config-files") != 0) {
			free(info->state);
			xasprintf(&info->state, "%s %s (dpkg)", f[0], f[1]);
		}
	}
	r = 0;
out:
	pkg_args_release(&a);
	free(line);
	return (r);
}

/* install, update, uninstall or purge through apt-get. */
static int
apt_change(const struct pkg_backend *be, const struct conf *conf,
    enum pkg_op op, const char *name, const char *version,
    struct exec_result *res)
{
	struct pkg_args	a;
	int		r;

	(void)be;
	apt_args(conf, &a);
	pkg_args_add(&a, "-y");
	switch (op) {
	case PKG_INSTALL:
	case PKG_UPDATE:
		pkg_args_add(&a, "-o");
		pkg_args_add(&a, "Dpkg::Options::=--force-confdef");
		pkg_args_add(&a, "-o");
		pkg_args_add(&a, "Dpkg::Options::=--force-confold");
		if (version != NULL)
			pkg_args_add(&a, "--allow-downgrades");
		pkg_args_add(&a, "install");
		if (op == PKG_UPDATE)
			pkg_args_add(&a, "--only-upgrade");
		break;
	case PKG_UNINSTALL:
		pkg_args_add(&a, "remove");
		break;
	case PKG_PURGE:
		pkg_args_add(&a, "purge");
		break;
	}
	pkg_args_add(&a, "--");
	if (version != NULL)
		pkg_args_add(&a, "%s=%s", name, version);
	else
		pkg_args_add(&a, "%s", name);
	r = apt_exec(conf, &a, res);
	pkg_args_release(&a);
	if (r != 0 || res->status != 0 || res->signo != 0 || res->timed_out)
		return (-1);
	return (0);
}

/*
 * What a simulated dist-upgrade would upgrade, from its lines
 * "Inst NAME [OLD] (NEW REPO [ARCH])". New packages it would pull in
 * have no [OLD] and are not outdated.
 */
static void
apt_parse_updates(const char *out, struct pkg_outdated_list *l)
{
	const char	*p, *name, *ver, *repo, *end, *arch;
	size_t		 namelen, verlen;

	for (p = out; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, "Inst ", 5) != 0)
			continue;
		name = p + 5;
		namelen = strcspn(name, " \n");
		if (strncmp(name + namelen, " [", 2) != 0)
			continue;
		ver = name + namelen + 2;
		ver += strcspn(ver, "]\n");
		if (strncmp(ver, "] (", 3) != 0)
			continue;
		ver += 3;
		verlen = strcspn(ver, " )\n");
		if (ver[verlen] != ' ')
			continue;
		repo = ver + verlen + 1;
		end = repo + strcspn(repo, ")\n");
		if (*end != ')')
			continue;
		/* Without its " [ARCH]". */
		for (arch = end; arch > repo && arch[-1] != '['; arch--)
			;
		if (arch > repo + 1 && arch[-2] == ' ')
			end = arch - 2;
		pkg_outdated_add(l, name, namelen, ver, verlen, repo,
		    end - repo);
	}
}

/* checkupdates: apt-get's simulated dist-upgrade. */
static int
apt_checkupdates(const struct pkg_backend *be, const struct conf *conf,
    struct exec_result *res, struct pkg_outdated_list *l)
{
	struct pkg_args	a;
	int		r;

	(void)be;
	apt_args(conf, &a);
	pkg_args_add(&a, "-s");
	pkg_args_add(&a, "dist-upgrade");
	r = apt_exec(conf, &a, res);
	pkg_args_release(&a);
	if (r != 0 || res->status != 0 || res->signo != 0 || res->timed_out)
		return (-1);
	apt_parse_updates(res->out, l);
	return (0);
}

/* refresh: apt-get update. */
static int
apt_refresh(const struct pkg_backend *be, const struct conf *conf,
    struct exec_result *res)
{
	struct pkg_args	a;
	int		r;

	(void)be;
	apt_args(conf, &a);
	pkg_args_add(&a, "update");
	r = apt_exec(conf, &a, res);
	pkg_args_release(&a);
	if (r != 0 || res->status != 0 || res->signo != 0 || res->timed_out)
		return (-1);
	return (0);
}

/* count: the packages dpkg has installed (whatever is wanted of them). */
static int
apt_count(const struct pkg_backend *be, const struct conf *conf,
    struct exec_result *res, int64_t *n)
{
	struct pkg_args	 a;
	const char	*p;
	int		 r;

	(void)be;
	*n = 0;
	apt_query_args(conf, &a);
	pkg_args_add(&a, "-f");
	pkg_args_add(&a, "${db:Status-Abbrev}\n");
	r = pkg_exec(conf, &a, NULL, res);
	pkg_args_release(&a);
	if (r != 0 || res->signo != 0 || res->timed_out)
		return (-1);
	if (apt_query_nothing(res))
		return (0);
	if (res->status != 0)
		return (-1);
	for (p = res->out; p != NULL && *p != '\0';
	    p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (p[0] != '\0' && p[1] == 'i')
			(*n)++;
	}
	return (0);
}

/* Is the installed version the one asked for? */
static int
apt_same_version(const struct pkg_info *info, const char *version)
{
	return (strcmp(info->ensure, version) == 0);
}

/* The first "E: " line that is not apt's summary of dpkg's failure. */
static char *
apt_error_line(const char *text)
{
	const char	*p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, "E: ", 3) == 0 &&
		    strncmp(p, "E: Sub-process ", 15) != 0)
			return (xstrndup(p, strcspn(p, "\n")));
	}
	return (NULL);
}

/*
 * Why apt-get or dpkg-query failed, in their words: a lock held too long
 * first, then apt's own error, then dpkg's error with its reason (a
 * maintainer script that failed), then what is left.
 */
static char *
apt_why(const struct pkg_backend *be, const struct conf *conf,
    const struct exec_result *res)
{
	const char	*locks[] = {
		"Unable to acquire the dpkg frontend lock",
		"Could not get lock",
		"Unable to lock",
		NULL
	};
	char		*line = NULL, *s, *next, *p;
	size_t		 i;

	(void)be;
	for (i = 0; locks[i] != NULL; i++) {
		if ((line = pkg_line_with(res->err, locks[i])) != NULL) {
			xasprintf(&s, "lock held by another process (waited up"
			    " to %d s, package_lock_timeout): %s",
			    conf->package_lock_timeout, line);
			free(line);
			return (s);
		}
	}
	if ((line = apt_error_line(res->err)) != NULL)
		return (line);
	if ((line = pkg_line(res->err, "dpkg: error processing ")) != NULL) {
		p = strstr(res->err, line) + strlen(line);
		if (*p == '\n' && p[1] == ' ') {
			next = pkg_line(p + 1, " ");
			xasprintf(&s, "%s %s", line, next + strspn(next, " "));
			free(next);
			free(line);
			return (s);
		}
		return (line);
	}
	if ((line = pkg_line(res->err, "dpkg: error")) != NULL ||
	    (line = pkg_line(res->err, "E: ")) != NULL ||
	    (line = pkg_last_line(res->err)) != NULL ||
	    (line = pkg_last_line(res->out)) != NULL)
		return (line);
	xasprintf(&s, "exit status %d", res->status);
	return (s);
}

const struct pkg_backend pkg_apt = {
	"apt",
	"apt-get",
	apt_status,
	apt_change,
	apt_checkupdates,
	apt_refresh,
	apt_count,
	NULL,
	apt_same_version,
	apt_why
};
