/*
 * agent-package-dnf.c: the package agent's dnf and yum backends: rpm -q
 * reads the state, dnf (or yum, where there is no dnf) makes the changes.
 *
 * rpm has no state between installed and gone, so a package that is not
 * installed is "absent", and purge is a remove. Neither dnf nor yum has a
 * bounded wait for the rpm lock as apt has: a change waits for another
 * dnf at most package_timeout seconds, and then fails as timed out.
 * This backend is written against dnf 4 and yum 3 as documented; the
 * test suite runs on Debian and cannot exercise it.
 */
#include <stdlib.h>
#include <string.h>

#include "agent-package.h"

/* A run of dnf or yum: -y, and no colour or progress. */
static void
dnf_args(const struct pkg_backend *be, struct pkg_args *a)
{
	pkg_args_init(a, be->tool);
	pkg_args_add(a, "-y");
	pkg_args_add(a, "--color=never");
}

/* Did the tool run and exit with one of the codes that mean success? */
static int
dnf_ok(int r, const struct exec_result *res, int also)
{
	if (r != 0 || res->signo != 0 || res->timed_out)
		return (0);
	return (res->status == 0 || (also != 0 && res->status == also));
}

/* One package's state from rpm -q. */
static int
dnf_status(const struct pkg_backend *be, const struct conf *conf,
    const char *name, struct pkg_info *info, struct exec_result *res)
{
	struct pkg_args	 a;
	char		*line = NULL, *f[5], *p, *full = NULL;
	size_t		 i;
	int		 r = -1;

	(void)be;
	pkg_args_init(&a, "rpm");
	pkg_args_add(&a, "-q");
	pkg_args_add(&a, "--qf");
	pkg_args_add(&a, "%%|EPOCH?{%%{EPOCH}}:{0}|\t%%{VERSION}\t"
	    "%%{RELEASE}\t%%{ARCH}\t%%{NAME}\n");
	pkg_args_add(&a, "--");
	pkg_args_add(&a, "%s", name);
	if (pkg_exec(conf, &a, NULL, res) != 0 || res->signo != 0 ||
	    res->timed_out)
		goto out;
	if (res->status == 1 && strstr(res->out, "is not installed") != NULL) {
		pkg_info_set_absent(info, name, "absent");
		r = 0;
		goto out;
	}
	if (res->status != 0)
		goto out;

	/* Several lines for several installed versions: the first one. */
	line = xstrndup(res->out, strcspn(res->out, "\n"));
	for (i = 0, p = line; i < 5; i++) {
		f[i] = p;
		if (i < 4 && (p = strchr(p, '\t')) == NULL)
			goto out;
		if (i < 4)
			*p++ = '\0';
	}
	if (strcmp(f[0], "0") == 0)
		xasprintf(&full, "%s-%s", f[1], f[2]);
	else
		xasprintf(&full, "%s:%s-%s", f[0], f[1], f[2]);
	pkg_info_set(info, name, full, f[3]);
	r = 0;
out:
	pkg_args_release(&a);
	free(line);
	free(full);
	return (r);
}

/* install, update, uninstall or purge through dnf or yum. */
static int
dnf_change(const struct pkg_backend *be, const struct conf *conf,
    enum pkg_op op, const char *name, const char *version,
    struct exec_result *res)
{
	struct pkg_args	a;
	int		r;

	dnf_args(be, &a);
	switch (op) {
	case PKG_INSTALL:
		pkg_args_add(&a, "install");
		break;
	case PKG_UPDATE:
		pkg_args_add(&a, "%s", be == &pkg_yum ? "update" : "upgrade");
		break;
	case PKG_UNINSTALL:
	case PKG_PURGE:
		pkg_args_add(&a, "remove");
		break;
	}
	pkg_args_add(&a, "--");
	if (version != NULL)
		pkg_args_add(&a, "%s-%s", name, version);
	else
		pkg_args_add(&a, "%s", name);
	r = pkg_exec(conf, &a, NULL, res);
	pkg_args_release(&a);
	return (dnf_ok(r, res, 0) ? 0 : -1);
}

/*
 * check-update's list, "NAME.ARCH VERSION REPO" a line, up to the
 * obsoleting packages.
 */
static void
dnf_parse_updates(const char *out, struct pkg_outdated_list *l)
{
	const char	*p, *f[3];
	size_t		 len[3], i;

	for (p = out; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncasecmp(p, "Obsoleting", 10) == 0)
			break;
		for (i = 0; i < 3; i++) {
			p += strspn(p, " \t");
			f[i] = p;
			len[i] = strcspn(p, " \t\n");
			p += len[i];
			if (len[i] == 0)
				break;
		}
		if (i < 3)
			continue;
		/* Exactly three words. */
		p += strspn(p, " \t");
		if (*p != '\n' && *p != '\0')
			continue;
		pkg_outdated_add(l, f[0], len[0], f[1], len[1], f[2], len[2]);
	}
}

/* checkupdates: check-update exits 100 when there are updates. */
static int
dnf_checkupdates(const struct pkg_backend *be, const struct conf *conf,
    struct exec_result *res, struct pkg_outdated_list *l)
{
	struct pkg_args	a;
	int		r;

	dnf_args(be, &a);
	pkg_args_add(&a, "-q");
	pkg_args_add(&a, "check-update");
	r = pkg_exec(conf, &a, NULL, res);
	pkg_args_release(&a);
	if (!dnf_ok(r, res, 100))
		return (-1);
	dnf_parse_updates(res->out, l);
	return (0);
}

/* refresh: makecache. */
static int
dnf_refresh(const struct pkg_backend *be, const struct conf *conf,
    struct exec_result *res)
{
	struct pkg_args	a;
	int		r;

	dnf_args(be, &a);
	pkg_args_add(&a, "makecache");
	r = pkg_exec(conf, &a, NULL, res);
	pkg_args_release(&a);
	return (dnf_ok(r, res, 0) ? 0 : -1);
}

/* count: the lines of rpm -qa. */
static int
dnf_count(const struct pkg_backend *be, const struct conf *conf,
    struct exec_result *res, int64_t *n)
{
	struct pkg_args	 a;
	const char	*p;
	int		 r;

	(void)be;
	*n = 0;
	pkg_args_init(&a, "rpm");
	pkg_args_add(&a, "-qa");
	r = pkg_exec(conf, &a, NULL, res);
	pkg_args_release(&a);
	if (!dnf_ok(r, res, 0))
		return (-1);
	for (p = res->out; p != NULL && *p != '\0';
	    p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (*p != '\0' && *p != '\n')
			(*n)++;
	}
	return (0);
}

/* yum_clean: clean MODE (checked against the list by dispatch). */
static int
dnf_clean(const struct pkg_backend *be, const struct conf *conf,
    const char *mode, struct exec_result *res)
{
	struct pkg_args	a;
	int		r;

	dnf_args(be, &a);
	pkg_args_add(&a, "clean");
	pkg_args_add(&a, "%s", mode);
	r = pkg_exec(conf, &a, NULL, res);
	pkg_args_release(&a);
	return (dnf_ok(r, res, 0) ? 0 : -1);
}

/* Version as asked: VERSION, VERSION-RELEASE or EPOCH:VERSION-RELEASE. */
static int
dnf_same_version(const struct pkg_info *info, const char *version)
{
	char	*vr;
	int	 same;

	if (strcmp(info->ensure, version) == 0 ||
	    strcmp(info->version, version) == 0)
		return (1);
	xasprintf(&vr, "%s-%s", info->version, info->release);
	same = strcmp(vr, version) == 0;
	free(vr);
	return (same);
}

/* Why dnf, yum or rpm failed, in their words. */
static char *
dnf_why(const struct pkg_backend *be, const struct conf *conf,
    const struct exec_result *res)
{
	char	*line, *s;

	(void)be;
	(void)conf;
	if ((line = pkg_line(res->err, "Error: ")) != NULL ||
	    (line = pkg_line(res->out, "Error: ")) != NULL ||
	    (line = pkg_line_with(res->err, "No match for argument")) !=
	    NULL ||
	    (line = pkg_last_line(res->err)) != NULL ||
	    (line = pkg_last_line(res->out)) != NULL)
		return (line);
	xasprintf(&s, "exit status %d", res->status);
	return (s);
}

const struct pkg_backend pkg_dnf = {
	"dnf",
	"dnf",
	dnf_status,
	dnf_change,
	dnf_checkupdates,
	dnf_refresh,
	dnf_count,
	dnf_clean,
	dnf_same_version,
	dnf_why
};

const struct pkg_backend pkg_yum = {
	"yum",
	"yum",
	dnf_status,
	dnf_change,
	dnf_checkupdates,
	dnf_refresh,
	dnf_count,
	dnf_clean,
	dnf_same_version,
	dnf_why
};
