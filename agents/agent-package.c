/*
 * agent-package.c: the package agent, with Choria's package agent actions
 * and reply fields: install, update, uninstall, purge and status of one
 * package; checkupdates, refresh and count of the host; and the apt_ and
 * yum_ actions of one package manager.
 *
 * The backend is package_provider from agent.conf, or by detection (auto):
 * apt when dpkg-query is there, else dnf, else yum. Every tool runs from
 * an argument vector with "--" before the package name, in a fixed
 * environment (C locale, DEBIAN_FRONTEND=noninteractive), for at most
 * package_timeout seconds, its output bounded by output_max.
 *
 * The changes are idempotent, as Puppet's package type and so Choria
 * make them: install of a package that is there (at the version asked
 * for, when one is) runs nothing and says so; uninstall or purge of one
 * that is not there likewise. After a change the reply carries the
 * package's state as the tool then reports it, whatever happened, and
 * the change counts as done only when that state shows it.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent-package.h"

/* The longest package name or version accepted, as in ddl/package.json. */
#define PKG_NAME_MAX	255

/* Where the tools are looked for, and the PATH they run with. */
#define PKG_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
			"/sbin:/bin"

static void	pkg_install(struct call *);
static void	pkg_update(struct call *);
static void	pkg_uninstall(struct call *);
static void	pkg_purge(struct call *);
static void	pkg_status(struct call *);
static void	pkg_checkupdates(struct call *);
static void	pkg_apt_checkupdates(struct call *);
static void	pkg_yum_checkupdates(struct call *);
static void	pkg_refresh(struct call *);
static void	pkg_apt_update(struct call *);
static void	pkg_count(struct call *);
static void	pkg_yum_clean(struct call *);
static int	pkg_valid_clean_mode(const char *);

static const char *const pkg_clean_modes[] = {
	"all", "headers", "packages", "metadata", "dbcache", "plugins",
	"expire-cache", NULL
};

static const struct input_decl pkg_name_inputs[] = {
	{ "package", INPUT_STRING, 1, PKG_NAME_MAX, 0, 0,
	    validate_package_name, "a package name (a letter or digit, then"
	    " letters, digits and + . _ - ~, and an optional :arch)" },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct input_decl pkg_install_inputs[] = {
	{ "package", INPUT_STRING, 1, PKG_NAME_MAX, 0, 0,
	    validate_package_name, "a package name (a letter or digit, then"
	    " letters, digits and + . _ - ~, and an optional :arch)" },
	{ "version", INPUT_STRING, 0, PKG_NAME_MAX, 0, 0,
	    validate_package_version, "a package version (a letter or digit,"
	    " then letters, digits and + . ~ : - _)" },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct input_decl pkg_clean_inputs[] = {
	{ "mode", INPUT_STRING, 0, 16, 0, 0, pkg_valid_clean_mode,
	    "one of all, headers, packages, metadata, dbcache, plugins,"
	    " expire-cache" },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct action_entry pkg_actions[] = {
	{ "install", pkg_install, pkg_install_inputs },
	{ "update", pkg_update, pkg_name_inputs },
	{ "uninstall", pkg_uninstall, pkg_name_inputs },
	{ "purge", pkg_purge, pkg_name_inputs },
	{ "status", pkg_status, pkg_name_inputs },
	{ "checkupdates", pkg_checkupdates, NULL },
	{ "refresh", pkg_refresh, NULL },
	{ "count", pkg_count, NULL },
	{ "apt_checkupdates", pkg_apt_checkupdates, NULL },
	{ "apt_update", pkg_apt_update, NULL },
	{ "yum_checkupdates", pkg_yum_checkupdates, NULL },
	{ "yum_clean", pkg_yum_clean, pkg_clean_inputs },
	{ NULL, NULL, NULL }
};

const struct agent_entry package_agent = {
	"package",
	pkg_actions
};

static const char *const pkg_op_names[] = {
	"install", "update", "uninstall", "purge"
};

/* yum_clean's modes, as Choria lists them. */
static int
pkg_valid_clean_mode(const char *s)
{
	size_t	i;

	for (i = 0; pkg_clean_modes[i] != NULL; i++) {
		if (strcmp(s, pkg_clean_modes[i]) == 0)
			return (1);
	}
	return (0);
}

/* The full path of a tool in PKG_PATH, or NULL. */
char *
pkg_which(const char *tool)
{
	char		*path;
	const char	*p, *end;

	for (p = PKG_PATH; *p != '\0'; p = *end == ':' ? end + 1 : end) {
		end = strchrnul(p, ':');
		xasprintf(&path, "%.*s/%s", (int)(end - p), p, tool);
		if (access(path, X_OK) == 0)
			return (path);
		free(path);
	}
	return (NULL);
}

/* Start an argument vector with a tool. */
void
pkg_args_init(struct pkg_args *a, const char *tool)
{
	memset(a, 0, sizeof *a);
	if ((a->v[0] = pkg_which(tool)) == NULL)
		a->v[0] = xstrdup(tool);
	a->n = 1;
}

/* Add one argument. */
void
pkg_args_add(struct pkg_args *a, const char *fmt, ...)
{
	va_list	ap;

	if (a->n == PKG_ARGS_MAX)
		fatalx("%s: too many arguments for %s", __func__, a->v[0]);
	va_start(ap, fmt);
	xvasprintf(&a->v[a->n++], fmt, ap);
	va_end(ap);
}

/* Free an argument vector. */
void
pkg_args_release(struct pkg_args *a)
{
	size_t	i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	memset(a, 0, sizeof *a);
}

/* Run a tool in the fixed environment. */
int
pkg_exec(const struct conf *conf, struct pkg_args *a, const char *extra,
    struct exec_result *res)
{
	const char	*env[8];
	size_t		 n = 0;

	env[n++] = "PATH=" PKG_PATH;
	env[n++] = "LC_ALL=C";
	env[n++] = "LANG=C";
	env[n++] = "DEBIAN_FRONTEND=noninteractive";
	env[n++] = "APT_LISTCHANGES_FRONTEND=none";
	env[n++] = "TERM=dumb";
	if (extra != NULL)
		env[n++] = extra;
	env[n] = NULL;
	a->v[a->n] = NULL;
	log_debug("%s: %s %s", __func__, a->v[0], a->n > 1 ?
	    a->v[a->n - 1] : "");
	return (exec_run((const char *const *)a->v, env,
	    conf->package_timeout, conf->output_max, res));
}

/* Copy of the line of text starting at p. */
static char *
pkg_line_at(const char *p)
{
	return (xstrndup(p, strcspn(p, "\n")));
}

/* The first line starting with prefix. */
char *
pkg_line(const char *text, const char *prefix)
{
	const char	*p;
	size_t		 len = strlen(prefix);

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, prefix, len) == 0)
			return (pkg_line_at(p));
	}
	return (NULL);
}

/* The first line holding needle. */
char *
pkg_line_with(const char *text, const char *needle)
{
	const char	*p, *start;

	if ((p = strstr(text, needle)) == NULL)
		return (NULL);
	for (start = p; start > text && start[-1] != '\n'; start--)
		;
	return (pkg_line_at(start));
}

/* The last line that is not blank. */
char *
pkg_last_line(const char *text)
{
	const char	*p, *start, *end = text + strlen(text);

	while (end > text) {
		for (start = end; start > text && start[-1] != '\n'; start--)
			;
		for (p = start; p < end; p++) {
			if (*p != ' ' && *p != '\t' && *p != '\r')
				return (xstrndup(start, end - start));
		}
		end = start > text ? start - 1 : text;
	}
	return (NULL);
}

/* Free a package's state. */
void
pkg_info_release(struct pkg_info *info)
{
	free(info->name);
	free(info->ensure);
	free(info->version);
	free(info->release);
	free(info->arch);
	free(info->epoch);
	free(info->state);
	memset(info, 0, sizeof *info);
}

/* Is it installed? */
int
pkg_info_installed(const struct pkg_info *info)
{
	return (info->ensure != NULL && strcmp(info->ensure, "absent") != 0 &&
	    strcmp(info->ensure, "purged") != 0);
}

/* Replace one field. */
static void
pkg_info_field(char **field, const char *s, size_t len)
{
	free(*field);
	*field = xstrndup(s, len);
}

/* An installed package of a full version "[epoch:]upstream[-release]". */
void
pkg_info_set(struct pkg_info *info, const char *name, const char *full,
    const char *arch)
{
	const char	*colon, *dash, *up;

	pkg_info_field(&info->name, name, strlen(name));
	pkg_info_field(&info->ensure, full, strlen(full));
	pkg_info_field(&info->arch, arch, strlen(arch));
	if ((colon = strchr(full, ':')) != NULL) {
		pkg_info_field(&info->epoch, full, colon - full);
		up = colon + 1;
	} else {
		pkg_info_field(&info->epoch, "0", 1);
		up = full;
	}
	if ((dash = strrchr(up, '-')) != NULL) {
		pkg_info_field(&info->version, up, dash - up);
		pkg_info_field(&info->release, dash + 1, strlen(dash + 1));
	} else {
		pkg_info_field(&info->version, up, strlen(up));
		pkg_info_field(&info->release, "", 0);
	}
}

/* A package that is not installed. */
void
pkg_info_set_absent(struct pkg_info *info, const char *name,
    const char *ensure)
{
	pkg_info_field(&info->name, name, strlen(name));
	pkg_info_field(&info->ensure, ensure, strlen(ensure));
	pkg_info_field(&info->version, "", 0);
	pkg_info_field(&info->release, "", 0);
	pkg_info_field(&info->arch, "", 0);
	pkg_info_field(&info->epoch, "", 0);
}

/* Add one outdated package. */
void
pkg_outdated_add(struct pkg_outdated_list *l, const char *name,
    size_t namelen, const char *version, size_t versionlen, const char *repo,
    size_t repolen)
{
	struct pkg_outdated	*o;

	l->list = xreallocarray(l->list, l->n + 1, sizeof *l->list);
	o = &l->list[l->n++];
	o->package = xstrndup(name, namelen);
	o->version = xstrndup(version, versionlen);
	o->repo = xstrndup(repo, repolen);
}

/* Free a list of outdated packages. */
void
pkg_outdated_release(struct pkg_outdated_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->list[i].package);
		free(l->list[i].version);
		free(l->list[i].repo);
	}
	free(l->list);
	memset(l, 0, sizeof *l);
}

/* The backend for this host, or NULL after failing the call. */
static const struct pkg_backend *
pkg_backend(struct call *c)
{
	const char	*p = c->conf->package_provider;
	char		*dpkg, *aptget, *dnf, *yum;
	const struct pkg_backend *be = NULL;

	if (p == NULL || strcmp(p, "auto") == 0) {
		dpkg = pkg_which("dpkg-query");
		aptget = pkg_which("apt-get");
		dnf = pkg_which("dnf");
		yum = pkg_which("yum");
		if (dpkg != NULL && aptget != NULL)
			be = &pkg_apt;
		else if (dnf != NULL)
			be = &pkg_dnf;
		else if (yum != NULL)
			be = &pkg_yum;
		else if (dpkg != NULL)
			be = &pkg_apt;
		free(dpkg);
		free(aptget);
		free(dnf);
		free(yum);
		if (be == NULL)
			call_fail(c, MUSTER_ABORTED, "no package manager found"
			    " (looked for dpkg-query, apt-get, dnf and yum in"
			    " %s)", PKG_PATH);
		return (be);
	}
	if (strcmp(p, "apt") == 0 || strcmp(p, "dpkg") == 0)
		return (&pkg_apt);
	if (strcmp(p, "dnf") == 0)
		return (&pkg_dnf);
	if (strcmp(p, "yum") == 0)
		return (&pkg_yum);
	call_fail(c, MUSTER_ABORTED, "package_provider '%s' in %s is not"
	    " auto, apt, dnf or yum", p, c->conf->path != NULL ?
	    c->conf->path : "agent.conf");
	return (NULL);
}

/* A note on a call that succeeded: its statusmsg, status staying OK. */
static void __attribute__((format(printf, 2, 3)))
pkg_note(struct call *c, const char *fmt, ...)
{
	va_list	ap;

	free(c->statusmsg);
	va_start(ap, fmt);
	xvasprintf(&c->statusmsg, fmt, ap);
	va_end(ap);
}

/* Fail the call because a tool's run failed, in one line. */
static void
pkg_fail_run(struct call *c, const struct pkg_backend *be, const char *what,
    const struct exec_result *res)
{
	char	*why;

	if (res->error != NULL) {
		call_fail(c, MUSTER_ABORTED, "%s: %s", what, res->error);
		return;
	}
	if (res->timed_out) {
		c->timed_out = 1;
		call_fail(c, MUSTER_ABORTED, "%s timed out after %d s"
		    " (package_timeout)", what, c->conf->package_timeout);
		return;
	}
	if (res->signo != 0) {
		call_fail(c, MUSTER_ABORTED, "%s killed by signal %d (SIG%s)",
		    what, res->signo, sigabbrev_np(res->signo) != NULL ?
		    sigabbrev_np(res->signo) : "?");
		return;
	}
	why = be->why(be, c->conf, res);
	call_fail(c, MUSTER_ABORTED, "%s", why);
	free(why);
}

/* stdout and then stderr of a run, as one string. */
static char *
pkg_output(const struct exec_result *res)
{
	char	*s;

	if (res->out == NULL || res->err == NULL)
		return (xstrdup(""));
	xasprintf(&s, "%s%s%s%s", res->out, res->out_truncated ?
	    "\n[output truncated at output_max]\n" : "", res->err,
	    res->err_truncated ? "\n[output truncated at output_max]\n" : "");
	return (s);
}

/* The reply of install, update, uninstall, purge and status. */
static void
pkg_put_info(struct call *c, const struct pkg_backend *be,
    const char *name, const struct pkg_info *info, const char *output)
{
	wire_put_map(&c->data, 8);
	wire_put_kstr(&c->data, "name", info->name != NULL ? info->name :
	    name);
	wire_put_kstr(&c->data, "ensure", info->ensure != NULL ?
	    info->ensure : "");
	wire_put_kstr(&c->data, "version", info->version != NULL ?
	    info->version : "");
	wire_put_kstr(&c->data, "release", info->release != NULL ?
	    info->release : "");
	wire_put_kstr(&c->data, "arch", info->arch != NULL ? info->arch : "");
	wire_put_kstr(&c->data, "epoch", info->epoch != NULL ? info->epoch :
	    "");
	wire_put_kstr(&c->data, "provider", be->name);
	wire_put_kstr(&c->data, "output", output != NULL ? output : "");
}

/* Read a package's state; -1 after failing the call. */
static int
pkg_read_status(struct call *c, const struct pkg_backend *be,
    const char *name, struct pkg_info *info)
{
	struct exec_result	res = EXEC_RESULT_INIT;
	int			r;

	if ((r = be->status(be, c->conf, name, info, &res)) != 0)
		pkg_fail_run(c, be, "reading the package's state", &res);
	exec_result_release(&res);
	return (r);
}

/*
 * Install, update, uninstall or purge: nothing when the package is as
 * asked already, else the tool, and then the state it left.
 */
static void
pkg_change(struct call *c, enum pkg_op op)
{
	const struct pkg_backend	*be;
	struct exec_result		 res = EXEC_RESULT_INIT;
	struct pkg_info			 before = PKG_INFO_INIT;
	struct pkg_info			 after = PKG_INFO_INIT;
	char				*name = NULL, *version = NULL;
	char				*output = NULL, *what = NULL;
	int				 r;

	if (call_input_str(c, "package", 1, PKG_NAME_MAX, &name) != 0)
		goto out;
	if (op == PKG_INSTALL && call_input_str(c, "version", 0,
	    PKG_NAME_MAX, &version) == -1)
		goto out;
	if ((be = pkg_backend(c)) == NULL)
		goto out;
	if (pkg_read_status(c, be, name, &before) != 0)
		goto out;

	switch (op) {
	case PKG_INSTALL:
		if (pkg_info_installed(&before) && (version == NULL ||
		    be->same_version(&before, version))) {
			pkg_note(c, "%s %s is already installed", name,
			    before.ensure);
			pkg_put_info(c, be, name, &before, NULL);
			goto out;
		}
		break;
	case PKG_UPDATE:
		if (!pkg_info_installed(&before)) {
			call_fail(c, MUSTER_ABORTED, "%s is not installed,"
			    " so not updated (ensure %s)", name,
			    before.ensure);
			pkg_put_info(c, be, name, &before, NULL);
			goto out;
		}
		break;
	case PKG_UNINSTALL:
		if (!pkg_info_installed(&before)) {
			pkg_note(c, "%s is not installed", name);
			pkg_put_info(c, be, name, &before, NULL);
			goto out;
		}
		break;
	case PKG_PURGE:
		if (strcmp(before.ensure, "purged") == 0 ||
		    (be != &pkg_apt && !pkg_info_installed(&before))) {
			pkg_note(c, be == &pkg_apt ? "%s is already purged" :
			    "%s is not installed", name);
			pkg_put_info(c, be, name, &before, NULL);
			goto out;
		}
		break;
	}

	xasprintf(&what, "%s %s", be->tool, pkg_op_names[op]);
	r = be->change(be, c->conf, op, name, version, &res);
	output = pkg_output(&res);
	if (r != 0)
		pkg_fail_run(c, be, what, &res);
	/* The state it left, whatever happened. */
	exec_result_release(&res);
	if (be->status(be, c->conf, name, &after, &res) != 0) {
		if (r == 0)
			pkg_fail_run(c, be, "reading the package's state",
			    &res);
		pkg_put_info(c, be, name, &after, output);
		goto out;
	}
	pkg_put_info(c, be, name, &after, output);
	if (r != 0)
		goto out;

	switch (op) {
	case PKG_INSTALL:
		if (!pkg_info_installed(&after))
			call_fail(c, MUSTER_ABORTED, "%s is %s after %s", name,
			    after.state != NULL ? after.state : after.ensure,
			    what);
		else if (version != NULL &&
		    !be->same_version(&after, version))
			call_fail(c, MUSTER_ABORTED, "%s is at %s after %s,"
			    " not %s", name, after.ensure, what, version);
		break;
	case PKG_UPDATE:
		if (!pkg_info_installed(&after))
			call_fail(c, MUSTER_ABORTED, "%s is %s after %s", name,
			    after.state != NULL ? after.state : after.ensure,
			    what);
		else if (strcmp(after.ensure, before.ensure) == 0)
			pkg_note(c, "%s %s is already the newest version",
			    name, after.ensure);
		break;
	case PKG_UNINSTALL:
		if (pkg_info_installed(&after))
			call_fail(c, MUSTER_ABORTED, "%s is still installed"
			    " (%s) after %s", name, after.ensure, what);
		break;
	case PKG_PURGE:
		if (pkg_info_installed(&after) || (be == &pkg_apt &&
		    strcmp(after.ensure, "purged") != 0))
			call_fail(c, MUSTER_ABORTED, "%s is still %s after %s",
			    name, after.ensure, what);
		break;
	}
out:
	exec_result_release(&res);
	pkg_info_release(&before);
	pkg_info_release(&after);
	free(name);
	free(version);
	free(output);
	free(what);
}

/* install: the package, at a version when one is asked for. */
static void
pkg_install(struct call *c)
{
	pkg_change(c, PKG_INSTALL);
}

/* update: an installed package to its newest version. */
static void
pkg_update(struct call *c)
{
	pkg_change(c, PKG_UPDATE);
}

/* uninstall: remove the package, keeping its configuration files. */
static void
pkg_uninstall(struct call *c)
{
	pkg_change(c, PKG_UNINSTALL);
}

/* purge: remove the package and its configuration files. */
static void
pkg_purge(struct call *c)
{
	pkg_change(c, PKG_PURGE);
}

/* status: the package's state, installed or not. */
static void
pkg_status(struct call *c)
{
	const struct pkg_backend	*be;
	struct pkg_info			 info = PKG_INFO_INIT;
	char				*name;

	if (call_input_str(c, "package", 1, PKG_NAME_MAX, &name) != 0)
		return;
	if ((be = pkg_backend(c)) == NULL)
		goto out;
	if (pkg_read_status(c, be, name, &info) != 0)
		goto out;
	if (info.state != NULL)
		pkg_note(c, "%s is %s", name, info.state);
	pkg_put_info(c, be, name, &info, NULL);
out:
	pkg_info_release(&info);
	free(name);
}

/* The checkupdates reply, of one backend. */
static void
pkg_checkupdates_with(struct call *c, const struct pkg_backend *be)
{
	struct exec_result		 res = EXEC_RESULT_INIT;
	struct pkg_outdated_list	 l = { NULL, 0 };
	char				*output, *what;
	size_t				 i;
	int				 r;

	r = be->checkupdates(be, c->conf, &res, &l);
	xasprintf(&what, "%s checking for updates", be->tool);
	if (r != 0)
		pkg_fail_run(c, be, what, &res);
	output = pkg_output(&res);
	wire_put_map(&c->data, 4);
	wire_put_kstr(&c->data, "package_manager", be->name);
	wire_put_kstr(&c->data, "output", output);
	wire_put_kint(&c->data, "exitcode", res.error != NULL ? -1 :
	    res.status);
	wire_put_str(&c->data, "outdated_packages");
	wire_put_array(&c->data, l.n);
	for (i = 0; i < l.n; i++) {
		wire_put_map(&c->data, 3);
		wire_put_kstr(&c->data, "package", l.list[i].package);
		wire_put_kstr(&c->data, "version", l.list[i].version);
		wire_put_kstr(&c->data, "repo", l.list[i].repo);
	}
	free(what);
	free(output);
	pkg_outdated_release(&l);
	exec_result_release(&res);
}

/* checkupdates: the packages that have a newer version. */
static void
pkg_checkupdates(struct call *c)
{
	const struct pkg_backend	*be;

	if ((be = pkg_backend(c)) != NULL)
		pkg_checkupdates_with(c, be);
}

/* The backend, which must be apt (or dnf/yum when yum is set). */
static const struct pkg_backend *
pkg_backend_of(struct call *c, int yum)
{
	const struct pkg_backend	*be;

	if ((be = pkg_backend(c)) == NULL)
		return (NULL);
	if (yum ? be == &pkg_apt : be != &pkg_apt) {
		call_fail(c, MUSTER_ABORTED, "%s.%s needs %s; this host's"
		    " package manager is %s", c->req->agent, c->req->action,
		    yum ? "dnf or yum" : "apt", be->name);
		return (NULL);
	}
	return (be);
}

/* apt_checkupdates: checkupdates, where apt is the package manager. */
static void
pkg_apt_checkupdates(struct call *c)
{
	const struct pkg_backend	*be;

	if ((be = pkg_backend_of(c, 0)) != NULL)
		pkg_checkupdates_with(c, be);
}

/* yum_checkupdates: checkupdates, where dnf or yum is. */
static void
pkg_yum_checkupdates(struct call *c)
{
	const struct pkg_backend	*be;

	if ((be = pkg_backend_of(c, 1)) != NULL)
		pkg_checkupdates_with(c, be);
}

/* A run that answers with output and exitcode. */
static void
pkg_put_run(struct call *c, const struct exec_result *res)
{
	char	*output;

	output = pkg_output(res);
	wire_put_map(&c->data, 2);
	wire_put_kstr(&c->data, "output", output);
	wire_put_kint(&c->data, "exitcode", res->error != NULL ? -1 :
	    res->status);
	free(output);
}

/* Refresh the lists of available packages; 0, or -1 after failing. */
static int
pkg_refresh_with(struct call *c, const struct pkg_backend *be,
    struct exec_result *res)
{
	char	*what;
	int	 r;

	if ((r = be->refresh(be, c->conf, res)) != 0) {
		xasprintf(&what, "%s refreshing the package lists", be->tool);
		pkg_fail_run(c, be, what, res);
		free(what);
	}
	return (r);
}

/* refresh: fetch the lists of available packages. */
static void
pkg_refresh(struct call *c)
{
	const struct pkg_backend	*be;
	struct exec_result		 res = EXEC_RESULT_INIT;

	if ((be = pkg_backend(c)) == NULL)
		return;
	pkg_refresh_with(c, be, &res);
	pkg_put_run(c, &res);
	exec_result_release(&res);
}

/* apt_update: refresh, then checkupdates (apt only). */
static void
pkg_apt_update(struct call *c)
{
	const struct pkg_backend	*be;
	struct exec_result		 res = EXEC_RESULT_INIT;
	char				*output;

	if ((be = pkg_backend_of(c, 0)) == NULL)
		return;
	if (pkg_refresh_with(c, be, &res) != 0) {
		/* Choria's outputs, with an empty list. */
		output = pkg_output(&res);
		wire_put_map(&c->data, 3);
		wire_put_kstr(&c->data, "output", output);
		free(output);
		wire_put_kint(&c->data, "exitcode", res.error != NULL ? -1 :
		    res.status);
		wire_put_str(&c->data, "outdated_packages");
		wire_put_array(&c->data, 0);
	} else
		pkg_checkupdates_with(c, be);
	exec_result_release(&res);
}

/* count: how many packages are installed. */
static void
pkg_count(struct call *c)
{
	const struct pkg_backend	*be;
	struct exec_result		 res = EXEC_RESULT_INIT;
	char				*count;
	int64_t				 n = 0;

	if ((be = pkg_backend(c)) == NULL)
		return;
	if (be->count(be, c->conf, &res, &n) != 0)
		pkg_fail_run(c, be, "counting the installed packages", &res);
	/* Choria sends the number as a string in "output". */
	xasprintf(&count, "%lld", (long long)n);
	wire_put_map(&c->data, 2);
	wire_put_kstr(&c->data, "output", count);
	wire_put_kint(&c->data, "exitcode", res.error != NULL ? -1 :
	    res.status);
	free(count);
	exec_result_release(&res);
}

/* yum_clean: clean dnf's or yum's cache (mode all when not given). */
static void
pkg_yum_clean(struct call *c)
{
	const struct pkg_backend	*be;
	struct exec_result		 res = EXEC_RESULT_INIT;
	char				*mode = NULL, *what;

	if (call_input_str(c, "mode", 0, 16, &mode) == -1)
		return;
	if ((be = pkg_backend_of(c, 1)) == NULL)
		goto out;
	if (be->clean(be, c->conf, mode != NULL ? mode : "all", &res) != 0) {
		xasprintf(&what, "%s clean %s", be->tool, mode != NULL ?
		    mode : "all");
		pkg_fail_run(c, be, what, &res);
		free(what);
	}
	pkg_put_run(c, &res);
out:
	exec_result_release(&res);
	free(mode);
}
