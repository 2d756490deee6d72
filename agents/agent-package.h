/*
 * agent-package.h: what the package agent (agent-package.c) asks of its
 * backends, one file each: agent-package-apt.c (apt-get and dpkg-query)
 * and agent-package-dnf.c (dnf or yum, and rpm).
 *
 * A backend only runs its tools and reads their output; the agent decides
 * what to run (an install of what is there already runs nothing), checks
 * the result and writes the reply.
 */
#ifndef AGENT_PACKAGE_H
#define AGENT_PACKAGE_H

#include "agent.h"

/* A package's state on this host, in Choria's fields. */
struct pkg_info {
	char	*name;
	char	*ensure;	/* version, "absent" or "purged" */
	char	*version;	/* upstream version, or "" */
	char	*release;	/* Debian revision, rpm release */
	char	*arch;
	char	*epoch;		/* "0" when there is none */
	char	*state;		/* a half-done state, in words */
};
#define PKG_INFO_INIT { NULL, NULL, NULL, NULL, NULL, NULL, NULL }
void	pkg_info_release(struct pkg_info *);
/* Is the package there, in a usable version? */
int	pkg_info_installed(const struct pkg_info *);
/*
 * Fill name, ensure, version, release, epoch and arch from a full
 * version "[epoch:]upstream[-release]" (ensure is the full version as given).
 */
void	pkg_info_set(struct pkg_info *, const char *, const char *,
	    const char *);
/* Mark the package as not installed: ensure is absent or purged. */
void	pkg_info_set_absent(struct pkg_info *, const char *, const char *);

/* The changes. */
enum pkg_op {
	PKG_INSTALL,
	PKG_UPDATE,
	PKG_UNINSTALL,
	PKG_PURGE
};

/* One package that has a newer version, as Choria lists it. */
struct pkg_outdated {
	char	*package;
	char	*version;
	char	*repo;
};
struct pkg_outdated_list {
	struct pkg_outdated	*list;
	size_t			 n;
};
void	pkg_outdated_add(struct pkg_outdated_list *, const char *, size_t,
	    const char *, size_t, const char *, size_t);
void	pkg_outdated_release(struct pkg_outdated_list *);

/*
 * A backend. Each operation fills res (release it in every case) and
 * returns 0 when the tool ran and succeeded, -1 otherwise; why() then says
 * in one line why, from the tool's own words. status() returns 0 for a
 * package the tool does not know too (ensure purged or absent).
 */
struct pkg_backend {
	const char	*name;		/* provider: apt, dnf, yum */
	const char	*tool;		/* what makes the changes */
	int	(*status)(const struct pkg_backend *, const struct conf *,
		    const char *, struct pkg_info *, struct exec_result *);
	int	(*change)(const struct pkg_backend *, const struct conf *,
		    enum pkg_op, const char *, const char *,
		    struct exec_result *);
	int	(*checkupdates)(const struct pkg_backend *,
		    const struct conf *, struct exec_result *,
		    struct pkg_outdated_list *);
	int	(*refresh)(const struct pkg_backend *, const struct conf *,
		    struct exec_result *);
	int	(*count)(const struct pkg_backend *, const struct conf *,
		    struct exec_result *, int64_t *);
	/* NULL where the tool has no cache to clean. */
	int	(*clean)(const struct pkg_backend *, const struct conf *,
		    const char *, struct exec_result *);
	/* Does the installed package match a version as asked for? */
	int	(*same_version)(const struct pkg_info *, const char *);
	char	*(*why)(const struct pkg_backend *, const struct conf *,
		    const struct exec_result *);
};
extern const struct pkg_backend pkg_apt;
extern const struct pkg_backend pkg_dnf;
extern const struct pkg_backend pkg_yum;

/* An argument vector being built; the strings are owned. */
#define PKG_ARGS_MAX	32
struct pkg_args {
	char	*v[PKG_ARGS_MAX + 1];
	size_t	 n;
};
/* Start with the tool, by its full path when it is found. */
void	pkg_args_init(struct pkg_args *, const char *);
void	pkg_args_add(struct pkg_args *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	pkg_args_release(struct pkg_args *);
/* The full path of a tool in the agent's fixed PATH, or NULL. */
char	*pkg_which(const char *);
/*
 * Run a package tool with a fixed environment (C locale, no prompts, the
 * one extra variable given, such as APT_CONFIG=...) and package_timeout;
 * the return value of exec_run().
 */
int	pkg_exec(const struct conf *, struct pkg_args *, const char *,
	    struct exec_result *);
/* The first line of text starting with prefix, as a new string, or NULL. */
char	*pkg_line(const char *, const char *);
/* The first line of text holding needle, as a new string, or NULL. */
char	*pkg_line_with(const char *, const char *);
/* The last non-blank line of text, as a new string, or NULL. */
char	*pkg_last_line(const char *);

#endif
