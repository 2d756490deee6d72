/*
 * sshconf.c: the part of ssh_config(5) that muster uses, read the way
 * OpenSSH's readconf.c reads it, so that a fleet's ~/.ssh/config means the
 * same to muster as to ssh.
 *
 * The files are parsed once into a flat list of blocks: the start of each
 * file, each Host and Match line, and the point where an included file
 * ends. Each block carries the options that follow it. Resolving a host is
 * one walk over the blocks that decides, block by block, whether its
 * options apply, and keeps the first value seen for each keyword. Include
 * behaves as in OpenSSH: an included file starts with the activity of the
 * line that included it, applies nothing at all if that line was in a
 * block that did not match, and cannot change the activity of the file
 * that included it.
 *
 * As ssh without -F, the system file (/etc/ssh/ssh_config) is read after
 * the user's when the user's was not named explicitly: its blocks follow
 * the user's, so the user's values win. The number of files read through
 * Include is bounded, as well as their depth: a fan-out of includes
 * (each file including several others) would otherwise grow without end.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muster.h"

/* As OpenSSH's READCONF_MAX_DEPTH. */
#define SSHCONF_MAX_DEPTH		16
/* Files read through Include, in all, per load (OpenSSH has no bound). */
#define SSHCONF_MAX_INCLUDES		256
/* A line, and a whole file: far past any real ssh_config. */
#define SSHCONF_LINE_MAX		(64 * 1024)
#define SSHCONF_FILE_MAX		(16 * 1024 * 1024)
#define SSHCONF_SYSTEM_FILE		"/etc/ssh/ssh_config"
#define SSHCONF_MAX_IDENTITY_FILES	32
#define SSHCONF_MAX_KNOWN_HOSTS_FILES	32
#define SSHCONF_DEFAULT_PORT		22

#define SSHCONF_NITEMS(a)	(sizeof (a) / sizeof (a)[0])

enum sshconf_keyword {
	SSHCONF_KW_UNKNOWN = 0,
	SSHCONF_KW_HOST,
	SSHCONF_KW_MATCH,
	SSHCONF_KW_INCLUDE,
	SSHCONF_KW_HOSTNAME,
	SSHCONF_KW_USER,
	SSHCONF_KW_PORT,
	SSHCONF_KW_IDENTITYFILE,
	SSHCONF_KW_IDENTITIESONLY,
	SSHCONF_KW_IDENTITYAGENT,
	SSHCONF_KW_USERKNOWNHOSTSFILE,
	SSHCONF_KW_GLOBALKNOWNHOSTSFILE,
	SSHCONF_KW_STRICTHOSTKEYCHECKING,
	SSHCONF_KW_CONNECTTIMEOUT,
	SSHCONF_KW_PROXYJUMP,
	SSHCONF_KW_PROXYCOMMAND
};

static const struct {
	const char		*name;
	enum sshconf_keyword	 keyword;
} sshconf_keywords[] = {
	{ "Host", SSHCONF_KW_HOST },
	{ "Match", SSHCONF_KW_MATCH },
	{ "Include", SSHCONF_KW_INCLUDE },
	{ "HostName", SSHCONF_KW_HOSTNAME },
	{ "User", SSHCONF_KW_USER },
	{ "Port", SSHCONF_KW_PORT },
	{ "IdentityFile", SSHCONF_KW_IDENTITYFILE },
	{ "IdentitiesOnly", SSHCONF_KW_IDENTITIESONLY },
	{ "IdentityAgent", SSHCONF_KW_IDENTITYAGENT },
	{ "UserKnownHostsFile", SSHCONF_KW_USERKNOWNHOSTSFILE },
	{ "GlobalKnownHostsFile", SSHCONF_KW_GLOBALKNOWNHOSTSFILE },
	{ "StrictHostKeyChecking", SSHCONF_KW_STRICTHOSTKEYCHECKING },
	{ "ConnectTimeout", SSHCONF_KW_CONNECTTIMEOUT },
	{ "ProxyJump", SSHCONF_KW_PROXYJUMP },
	{ "ProxyCommand", SSHCONF_KW_PROXYCOMMAND },
};

/* Tokens allowed in HostName, and in file names. */
#define SSHCONF_TOKENS_HOSTNAME	"h"
#define SSHCONF_TOKENS_PATH	"dhiLlnpru"

/* One option line that applies when its block does. */
struct sshconf_opt {
	enum sshconf_keyword	  keyword;
	char			 *value;
	char			**list;		/* *KnownHostsFile */
	size_t			  nlist;
	int			  number;	/* Port, flags, timeout */
};

struct sshconf_pattern {
	char	*pattern;
	int	 negated;
	int	 literal;	/* no '*' or '?' */
};

enum sshconf_criterion_type {
	SSHCONF_CRIT_ALL,
	SSHCONF_CRIT_HOST,
	SSHCONF_CRIT_ORIGINALHOST,
	SSHCONF_CRIT_USER,
	SSHCONF_CRIT_UNSUPPORTED	/* exec, localuser, final...: no */
};

struct sshconf_criterion {
	enum sshconf_criterion_type	 type;
	int				 negated;
	char				*arg;
};

enum sshconf_block_type {
	SSHCONF_BLOCK_FILE,	/* start of a file */
	SSHCONF_BLOCK_END,	/* end of an included file */
	SSHCONF_BLOCK_HOST,
	SSHCONF_BLOCK_MATCH
};

struct sshconf_block {
	enum sshconf_block_type		 type;
	const char			*file;
	int				 line;
	int				 depth;
	struct sshconf_pattern		*patterns;
	size_t				 npatterns;
	struct sshconf_criterion	*criteria;
	size_t				 ncriteria;
	struct sshconf_opt		*opts;
	size_t				 nopts;
};

struct sshconf {
	struct sshconf_block	*blocks;
	size_t			 nblocks;
	char			**files;
	size_t			  nfiles;
	size_t			  nincluded;	/* files read by Include */

	char			*home;
	char			*user_dir;	/* ~/.ssh: relative Include */
	char			*system_dir;	/* the system file's */
	char			*local_user;
	char			*local_host;	/* %l */
	char			*local_short;	/* %L */
	char			 uid[32];	/* %i */
};

/* The values obtained so far while resolving one host. */
struct sshconf_state {
	const char		*alias;
	const char		*hostname;
	const char		*user;
	int			 port;
	const char		*identity_files[SSHCONF_MAX_IDENTITY_FILES];
	size_t			 nidentity_files;
	int			 identities_only;
	const char		*identity_agent;
	const struct sshconf_opt *known_hosts;
	const struct sshconf_opt *global_known_hosts;
	int			 strict;
	int			 connect_timeout;
	const char		*proxy_jump;
	const char		*proxy_command;
};

/* What percent tokens expand to. */
struct sshconf_tokens {
	const struct sshconf	*conf;
	const char		*alias;		/* %n */
	const char		*hostname;	/* %h */
	const char		*user;		/* %r */
	int			 port;		/* %p */
};

/* The line being parsed, for messages. */
struct sshconf_line {
	const char	*file;
	int		 line;
	int		 depth;
	const char	*incdir;	/* where a relative Include looks */
	const char	*keyword;	/* canonical spelling */
};

static int	sshconf_read(struct sshconf *, const char *, const char *,
		    int, int, char **);

/*
 * Wildcard match as OpenSSH's match_pattern: '*' is any run, '?' any one
 * character. With fold, ASCII case is ignored.
 */
static int
sshconf_match(const char *s, const char *p, const char *pend, int fold)
{
	const char	*star = NULL, *mark = NULL;
	int		 a, b;

	for (;;) {
		if (p < pend && *p == '*') {
			star = ++p;
			mark = s;
			continue;
		}
		if (*s == '\0') {
			while (p < pend && *p == '*')
				p++;
			return (p == pend);
		}
		if (p < pend) {
			a = (unsigned char)*s;
			b = (unsigned char)*p;
			if (fold) {
				a = tolower(a);
				b = tolower(b);
			}
			if (*p == '?' || a == b) {
				s++;
				p++;
				continue;
			}
		}
		if (star == NULL)
			return (0);
		p = star;
		s = ++mark;
	}
}

/*
 * A comma-separated list of patterns, some negated with '!', as OpenSSH's
 * match_pattern_list: 1 if a pattern matches and no negated one does.
 */
static int
sshconf_match_list(const char *s, const char *list, int fold)
{
	const char	*p = list, *end;
	int		 negated, positive = 0;

	for (;;) {
		negated = (*p == '!');
		if (negated)
			p++;
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		if (sshconf_match(s, p, end, fold)) {
			if (negated)
				return (0);
			positive = 1;
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return (positive);
}

static char *
sshconf_home(void)
{
	const char	*home;
	struct passwd	*pw;

	if ((home = getenv("HOME")) != NULL && *home != '\0')
		return (xstrdup(home));
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return (xstrdup(pw->pw_dir));
	return (xstrdup("/"));
}

static char *
sshconf_local_user(void)
{
	const char	*user;
	struct passwd	*pw;
	char		*s;

	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		return (xstrdup(pw->pw_name));
	if ((user = getenv("USER")) != NULL && *user != '\0')
		return (xstrdup(user));
	xasprintf(&s, "%lu", (unsigned long)getuid());
	return (s);
}

/*
 * Expand a leading '~' or '~user', '%' tokens and "${VAR}". The tokens
 * were checked when the file was read, so nothing can fail here.
 */
static char *
sshconf_expand(const char *s, const struct sshconf_tokens *t, int tilde)
{
	struct strbuf		 sb = STRBUF_INIT;
	const struct sshconf	*conf = t->conf;
	struct passwd		*pw;
	const char		*p = s, *slash, *value;
	char			*name;

	if (tilde && *p == '~') {
		slash = strchr(p, '/');
		if (slash == NULL)
			slash = p + strlen(p);
		if (slash == p + 1) {
			strbuf_addstr(&sb, conf->home);
			p = slash;
		} else {
			name = xstrndup(p + 1, (size_t)(slash - p - 1));
			if ((pw = getpwnam(name)) != NULL &&
			    pw->pw_dir != NULL) {
				strbuf_addstr(&sb, pw->pw_dir);
				p = slash;
			}
			free(name);
		}
	}
	for (; *p != '\0'; p++) {
		if (*p == '$' && p[1] == '{' && strchr(p, '}') != NULL) {
			slash = strchr(p, '}');
			name = xstrndup(p + 2, (size_t)(slash - p - 2));
			if ((value = getenv(name)) != NULL)
				strbuf_addstr(&sb, value);
			else
				log_debug("%s: ${%s} is not set", __func__,
				    name);
			free(name);
			p = slash;
			continue;
		}
		if (*p != '%' || p[1] == '\0') {
			strbuf_addch(&sb, *p);
			continue;
		}
		p++;
		switch (*p) {
		case '%':
			strbuf_addch(&sb, '%');
			break;
		case 'd':
			strbuf_addstr(&sb, conf->home);
			break;
		case 'h':
			strbuf_addstr(&sb, t->hostname);
			break;
		case 'i':
			strbuf_addstr(&sb, conf->uid);
			break;
		case 'L':
			strbuf_addstr(&sb, conf->local_short);
			break;
		case 'l':
			strbuf_addstr(&sb, conf->local_host);
			break;
		case 'n':
			strbuf_addstr(&sb, t->alias);
			break;
		case 'p':
			strbuf_addf(&sb, "%d", t->port);
			break;
		case 'r':
			strbuf_addstr(&sb, t->user);
			break;
		case 'u':
			strbuf_addstr(&sb, conf->local_user);
			break;
		default:
			strbuf_add(&sb, p - 1, 2);
			break;
		}
	}
	return (strbuf_detach(&sb));
}

/* Check the '%' tokens and "${}" of a value; -1 with *cause. */
static int
sshconf_check_tokens(const struct sshconf_line *l, const char *s,
    const char *allowed, int env, char **cause)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (env && *p == '$' && p[1] == '{') {
			if ((p = strchr(p, '}')) == NULL) {
				xasprintf(cause, "%s:%d: unterminated ${ in "
				    "%s", l->file, l->line, l->keyword);
				return (-1);
			}
			continue;
		}
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		if (*p == '\0' || strchr(allowed, *p) == NULL) {
			if (*p == '\0') {
				xasprintf(cause, "%s:%d: lone %% at end of %s",
				    l->file, l->line, l->keyword);
			} else {
				xasprintf(cause, "%s:%d: unknown token %%%c in "
				    "%s", l->file, l->line, *p, l->keyword);
			}
			return (-1);
		}
	}
	return (0);
}

static struct sshconf_block *
sshconf_add_block(struct sshconf *conf, enum sshconf_block_type type,
    const struct sshconf_line *l)
{
	struct sshconf_block	*b;

	conf->blocks = xreallocarray(conf->blocks, conf->nblocks + 1,
	    sizeof *conf->blocks);
	b = &conf->blocks[conf->nblocks++];
	memset(b, 0, sizeof *b);
	b->type = type;
	b->file = l->file;
	b->line = l->line;
	b->depth = l->depth;
	return (b);
}

static struct sshconf_opt *
sshconf_add_opt(struct sshconf *conf, enum sshconf_keyword keyword)
{
	struct sshconf_block	*b = &conf->blocks[conf->nblocks - 1];
	struct sshconf_opt	*o;

	b->opts = xreallocarray(b->opts, b->nopts + 1, sizeof *b->opts);
	o = &b->opts[b->nopts++];
	memset(o, 0, sizeof *o);
	o->keyword = keyword;
	return (o);
}

static int
sshconf_parse_host(struct sshconf *conf, const struct sshconf_line *l,
    char **argv, size_t argc, char **cause)
{
	struct sshconf_block	*b;
	struct sshconf_pattern	*p;
	const char		*s;
	size_t			 i;

	for (i = 0; i < argc; i++) {
		if (*argv[i] == '\0') {
			xasprintf(cause, "%s:%d: empty argument to Host",
			    l->file, l->line);
			return (-1);
		}
	}
	b = sshconf_add_block(conf, SSHCONF_BLOCK_HOST, l);
	b->patterns = xcalloc(argc, sizeof *b->patterns);
	b->npatterns = argc;
	for (i = 0; i < argc; i++) {
		p = &b->patterns[i];
		s = argv[i];
		if ((p->negated = (*s == '!')))
			s++;
		p->pattern = xstrdup(s);
		p->literal = (strpbrk(s, "*?") == NULL);
	}
	return (0);
}

static int
sshconf_parse_match(struct sshconf *conf, const struct sshconf_line *l,
    char **argv, size_t argc, char **cause)
{
	static const char	*unsupported[] = { "localuser", "localnetwork",
	    "version", "tagged", "command", "exec", "sessiontype" };
	struct sshconf_block	*b;
	struct sshconf_criterion *c;
	const char		*attrib;
	char			*name, *arg, *eq;
	size_t			 i, j, attributes = 0;
	int			 negated, known;

	b = sshconf_add_block(conf, SSHCONF_BLOCK_MATCH, l);
	for (i = 0; i < argc; i++) {
		attrib = argv[i];
		if ((negated = (*attrib == '!')))
			attrib++;
		b->criteria = xreallocarray(b->criteria, b->ncriteria + 1,
		    sizeof *b->criteria);
		c = &b->criteria[b->ncriteria++];
		memset(c, 0, sizeof *c);
		c->negated = negated;

		if (strcasecmp(attrib, "all") == 0) {
			if (attributes > 1 || i + 1 < argc) {
				xasprintf(cause, "%s:%d: Match '%s' cannot be "
				    "combined with other criteria", l->file,
				    l->line, argv[i]);
				return (-1);
			}
			c->type = SSHCONF_CRIT_ALL;
			break;
		}
		attributes++;
		if (strcasecmp(attrib, "canonical") == 0 ||
		    strcasecmp(attrib, "final") == 0) {
			c->type = SSHCONF_CRIT_UNSUPPORTED;
			log_debug("%s: %s:%d: Match %s is not supported: the "
			    "block never applies", __func__, l->file, l->line,
			    attrib);
			continue;
		}

		/* "host=PATTERNS" is the same as "host PATTERNS". */
		if ((eq = strchr(attrib, '=')) != NULL) {
			name = xstrndup(attrib, (size_t)(eq - attrib));
			arg = xstrdup(eq + 1);
		} else {
			name = xstrdup(attrib);
			if (i + 1 == argc || *argv[i + 1] == '\0') {
				xasprintf(cause, "%s:%d: missing argument to "
				    "Match %s", l->file, l->line, name);
				free(name);
				return (-1);
			}
			arg = xstrdup(argv[++i]);
		}
		c->arg = arg;

		if (strcasecmp(name, "host") == 0)
			c->type = SSHCONF_CRIT_HOST;
		else if (strcasecmp(name, "originalhost") == 0)
			c->type = SSHCONF_CRIT_ORIGINALHOST;
		else if (strcasecmp(name, "user") == 0)
			c->type = SSHCONF_CRIT_USER;
		else {
			known = 0;
			for (j = 0; j < SSHCONF_NITEMS(unsupported); j++) {
				if (strcasecmp(name, unsupported[j]) == 0)
					known = 1;
			}
			if (!known) {
				xasprintf(cause, "%s:%d: unknown Match "
				    "criterion '%s'", l->file, l->line, name);
				free(name);
				return (-1);
			}
			c->type = SSHCONF_CRIT_UNSUPPORTED;
			log_debug("%s: %s:%d: Match %s is not supported: the "
			    "block never applies", __func__, l->file, l->line,
			    name);
		}
		if (*arg == '\0' && c->type != SSHCONF_CRIT_UNSUPPORTED) {
			xasprintf(cause, "%s:%d: missing argument to Match %s",
			    l->file, l->line, name);
			free(name);
			return (-1);
		}
		free(name);
	}
	return (0);
}

static int
sshconf_include(struct sshconf *conf, const struct sshconf_line *l,
    char **argv, size_t argc, char **cause)
{
	struct sshconf_line	 end = *l;
	glob_t			 g;
	char			*pattern;
	size_t			 i, j;
	int			 r;

	for (i = 0; i < argc; i++) {
		if (*argv[i] == '\0') {
			xasprintf(cause, "%s:%d: empty argument to Include",
			    l->file, l->line);
			return (-1);
		}
		if (*argv[i] == '/')
			pattern = xstrdup(argv[i]);
		else if (argv[i][0] == '~' && argv[i][1] == '/')
			xasprintf(&pattern, "%s%s", conf->home, argv[i] + 1);
		else
			xasprintf(&pattern, "%s/%s", l->incdir, argv[i]);

		memset(&g, 0, sizeof g);
		r = glob(pattern, 0, NULL, &g);
		if (r == GLOB_NOMATCH) {
			log_debug("%s: %s:%d: Include %s matched no files",
			    __func__, l->file, l->line, pattern);
			free(pattern);
			continue;
		}
		if (r != 0) {
			xasprintf(cause, "%s:%d: Include %s: glob failed",
			    l->file, l->line, pattern);
			free(pattern);
			return (-1);
		}
		free(pattern);
		for (j = 0; j < g.gl_pathc; j++) {
			if (l->depth + 1 > SSHCONF_MAX_DEPTH) {
				xasprintf(cause, "%s:%d: Include nested too "
				    "deeply (more than %d)", l->file, l->line,
				    SSHCONF_MAX_DEPTH);
				globfree(&g);
				return (-1);
			}
			if (++conf->nincluded > SSHCONF_MAX_INCLUDES) {
				xasprintf(cause, "%s:%d: Include: too many "
				    "files included (more than %d in all)",
				    l->file, l->line, SSHCONF_MAX_INCLUDES);
				globfree(&g);
				return (-1);
			}
			if (sshconf_read(conf, g.gl_pathv[j], l->incdir,
			    l->depth + 1, 0, cause) != 0) {
				globfree(&g);
				return (-1);
			}
			/* The rest of this file, with its activity restored. */
			sshconf_add_block(conf, SSHCONF_BLOCK_END, &end);
		}
		globfree(&g);
	}
	return (0);
}

static int
sshconf_parse_flag(const struct sshconf_line *l, const char *arg, int *value,
    char **cause)
{
	if (strcasecmp(arg, "yes") == 0 || strcasecmp(arg, "true") == 0)
		*value = 1;
	else if (strcasecmp(arg, "no") == 0 || strcasecmp(arg, "false") == 0)
		*value = 0;
	else {
		xasprintf(cause, "%s:%d: bad %s '%s' (yes or no)", l->file,
		    l->line, l->keyword, arg);
		return (-1);
	}
	return (0);
}

static int
sshconf_parse_strict(const struct sshconf_line *l, const char *arg,
    int *value, char **cause)
{
	if (strcasecmp(arg, "yes") == 0 || strcasecmp(arg, "true") == 0 ||
	    strcasecmp(arg, "ask") == 0)
		*value = SSHCONF_STRICT_YES;
	else if (strcasecmp(arg, "accept-new") == 0)
		*value = SSHCONF_STRICT_ACCEPT_NEW;
	else if (strcasecmp(arg, "no") == 0 || strcasecmp(arg, "off") == 0 ||
	    strcasecmp(arg, "false") == 0)
		*value = SSHCONF_STRICT_NO;
	else {
		xasprintf(cause, "%s:%d: bad StrictHostKeyChecking '%s' (yes, "
		    "accept-new or no)", l->file, l->line, arg);
		return (-1);
	}
	return (0);
}

/* A time as OpenSSH's convtime: "90", "1m30s", "2h"; -1 if bad. */
static long long
sshconf_convtime(const char *s)
{
	long long	 total = 0, value, mult;
	const char	*p = s;
	int		 seconds = 0;

	if (*p == '\0')
		return (-1);
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			return (-1);
		value = 0;
		while (isdigit((unsigned char)*p)) {
			value = value * 10 + (*p++ - '0');
			if (value > INT_MAX)
				return (-1);
		}
		switch (*p) {
		case '\0':
		case 's':
		case 'S':
			if (seconds++)
				return (-1);
			mult = 1;
			break;
		case 'm':
		case 'M':
			mult = 60;
			break;
		case 'h':
		case 'H':
			mult = 60 * 60;
			break;
		case 'd':
		case 'D':
			mult = 24 * 60 * 60;
			break;
		case 'w':
		case 'W':
			mult = 7 * 24 * 60 * 60;
			break;
		default:
			return (-1);
		}
		total += value * mult;
		if (total > INT_MAX)
			return (-1);
		if (*p != '\0')
			p++;
	}
	return (total);
}

/* Parse the argument of an option muster uses, and store it. */
static int
sshconf_parse_opt(struct sshconf *conf, const struct sshconf_line *l,
    enum sshconf_keyword keyword, char **argv, size_t argc, char **cause)
{
	struct sshconf_opt	*o;
	const char		*arg = argv[0];
	long long		 n;
	int			 value = 0;
	size_t			 i;

	if (*arg == '\0') {
		xasprintf(cause, "%s:%d: empty argument to %s", l->file,
		    l->line, l->keyword);
		return (-1);
	}
	/* A ProxyCommand is a command line: only its first word is kept. */
	if (argc > 1 && keyword != SSHCONF_KW_USERKNOWNHOSTSFILE &&
	    keyword != SSHCONF_KW_GLOBALKNOWNHOSTSFILE &&
	    keyword != SSHCONF_KW_PROXYCOMMAND) {
		xasprintf(cause, "%s:%d: too many arguments to %s", l->file,
		    l->line, l->keyword);
		return (-1);
	}

	switch (keyword) {
	case SSHCONF_KW_HOSTNAME:
		if (sshconf_check_tokens(l, arg, SSHCONF_TOKENS_HOSTNAME, 0,
		    cause) != 0)
			return (-1);
		break;
	case SSHCONF_KW_IDENTITYFILE:
	case SSHCONF_KW_IDENTITYAGENT:
		if (sshconf_check_tokens(l, arg, SSHCONF_TOKENS_PATH, 1,
		    cause) != 0)
			return (-1);
		break;
	case SSHCONF_KW_PORT:
		n = 0;
		for (i = 0; arg[i] != '\0' && n <= 65535; i++) {
			if (!isdigit((unsigned char)arg[i]))
				break;
			n = n * 10 + (arg[i] - '0');
		}
		if (arg[i] != '\0' || n < 1 || n > 65535) {
			xasprintf(cause, "%s:%d: bad Port '%s' (1 to 65535)",
			    l->file, l->line, arg);
			return (-1);
		}
		value = (int)n;
		break;
	case SSHCONF_KW_IDENTITIESONLY:
		if (sshconf_parse_flag(l, arg, &value, cause) != 0)
			return (-1);
		break;
	case SSHCONF_KW_STRICTHOSTKEYCHECKING:
		if (sshconf_parse_strict(l, arg, &value, cause) != 0)
			return (-1);
		break;
	case SSHCONF_KW_CONNECTTIMEOUT:
		/* "none" is OpenSSH's way of leaving it unset. */
		if (strcmp(arg, "none") == 0)
			return (0);
		if ((n = sshconf_convtime(arg)) <= 0) {
			xasprintf(cause, "%s:%d: bad ConnectTimeout '%s' "
			    "(seconds, more than 0)", l->file, l->line, arg);
			return (-1);
		}
		value = (int)n;
		break;
	case SSHCONF_KW_USERKNOWNHOSTSFILE:
	case SSHCONF_KW_GLOBALKNOWNHOSTSFILE:
		if (argc > SSHCONF_MAX_KNOWN_HOSTS_FILES) {
			xasprintf(cause, "%s:%d: too many files for %s (more "
			    "than %d)", l->file, l->line, l->keyword,
			    SSHCONF_MAX_KNOWN_HOSTS_FILES);
			return (-1);
		}
		for (i = 0; i < argc; i++) {
			if (*argv[i] == '\0') {
				xasprintf(cause, "%s:%d: empty argument to %s",
				    l->file, l->line, l->keyword);
				return (-1);
			}
			if (strcasecmp(argv[i], "none") == 0 && argc != 1) {
				xasprintf(cause, "%s:%d: %s none must be "
				    "alone", l->file, l->line, l->keyword);
				return (-1);
			}
			if (sshconf_check_tokens(l, argv[i],
			    SSHCONF_TOKENS_PATH, 1, cause) != 0)
				return (-1);
		}
		o = sshconf_add_opt(conf, keyword);
		if (strcasecmp(arg, "none") == 0)
			return (0);
		o->list = xcalloc(argc, sizeof *o->list);
		for (i = 0; i < argc; i++)
			o->list[i] = xstrdup(argv[i]);
		o->nlist = argc;
		return (0);
	default:
		break;
	}

	o = sshconf_add_opt(conf, keyword);
	o->value = xstrdup(arg);
	o->number = value;
	return (0);
}

/* Parse one line: a keyword, then '=' or whitespace, then arguments. */
static int
sshconf_parse_line(struct sshconf *conf, struct sshconf_line *l, char *line,
    char **cause)
{
	enum sshconf_keyword	 keyword = SSHCONF_KW_UNKNOWN;
	char			*p, *word, **argv = NULL;
	size_t			 len, argc = 0, i;
	int			 rc = -1;

	len = strlen(line);
	while (len > 0 && strchr(" \t\r\n\f", line[len - 1]) != NULL)
		line[--len] = '\0';
	p = line + strspn(line, " \t\r\n");
	if (*p == '\0' || *p == '#')
		return (0);
	word = p;
	p += strcspn(p, " \t\r\n=");
	if (*p != '\0') {
		if (*p == '=')
			*p++ = '\0';
		else {
			*p++ = '\0';
			p += strspn(p, " \t\r\n");
			if (*p == '=')
				p++;
		}
		p += strspn(p, " \t\r\n");
	}

	for (i = 0; i < SSHCONF_NITEMS(sshconf_keywords); i++) {
		if (strcasecmp(word, sshconf_keywords[i].name) == 0) {
			keyword = sshconf_keywords[i].keyword;
			l->keyword = sshconf_keywords[i].name;
			break;
		}
	}
	/* Quoted as OpenSSH's argv_split(), not as the inventory. */
	if (words_split(p, WORDS_OPENSSH, &argv, &argc) != 0) {
		xasprintf(cause, "%s:%d: unterminated quote", l->file,
		    l->line);
		return (-1);
	}
	if (keyword == SSHCONF_KW_UNKNOWN) {
		rc = 0;
		goto out;
	}
	if (argc == 0) {
		xasprintf(cause, "%s:%d: missing argument to %s", l->file,
		    l->line, l->keyword);
		goto out;
	}

	switch (keyword) {
	case SSHCONF_KW_HOST:
		rc = sshconf_parse_host(conf, l, argv, argc, cause);
		break;
	case SSHCONF_KW_MATCH:
		rc = sshconf_parse_match(conf, l, argv, argc, cause);
		break;
	case SSHCONF_KW_INCLUDE:
		rc = sshconf_include(conf, l, argv, argc, cause);
		break;
	default:
		rc = sshconf_parse_opt(conf, l, keyword, argv, argc, cause);
		break;
	}

out:
	words_free(argv, argc);
	return (rc);
}

/*
 * Read one file (depth 0 is a top one, the user's or the system's);
 * relative Include lines look in incdir. -1 with *cause.
 */
static int
sshconf_read(struct sshconf *conf, const char *path, const char *incdir,
    int depth, int must_exist, char **cause)
{
	struct sshconf_line	 l;
	struct stat		 sb;
	FILE			*f;
	struct textfile		 tf;
	const char		*what;
	char			*file, *why = NULL;
	int			 rc = -1, n;

	/* A top file names itself as what it is, as the user gave it. */
	what = depth == 0 ? "ssh_config " : "";
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT && !must_exist) {
			log_debug("%s: %s: not found", __func__, path);
			return (0);
		}
		xasprintf(cause, "%s%s: %s", what, path, strerror(errno));
		return (-1);
	}
	/* Bounded, and a NUL byte is an error, not the end of a line. */
	textfile_init(&tf, f, path, SSHCONF_LINE_MAX, SSHCONF_FILE_MAX);
	if (fstat(fileno(f), &sb) != 0) {
		xasprintf(cause, "%s%s: %s", what, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		if (depth == 0) {
			xasprintf(cause, "%s%s: not a regular file", what,
			    path);
			goto out;
		}
		log_debug("%s: %s: not a regular file, skipped", __func__,
		    path);
		rc = 0;
		goto out;
	}
	/* Like OpenSSH, refuse included files others could have written. */
	if (depth > 0 && ((sb.st_uid != 0 && sb.st_uid != getuid()) ||
	    (sb.st_mode & 022) != 0)) {
		xasprintf(cause, "%s: bad owner or permissions", path);
		goto out;
	}
	log_debug("%s: reading %s (depth %d)", __func__, path, depth);

	file = xstrdup(path);
	conf->files = xreallocarray(conf->files, conf->nfiles + 1,
	    sizeof *conf->files);
	conf->files[conf->nfiles++] = file;

	memset(&l, 0, sizeof l);
	l.file = file;
	l.depth = depth;
	l.incdir = incdir;
	sshconf_add_block(conf, SSHCONF_BLOCK_FILE, &l);
	while ((n = textfile_getline(&tf, &why)) == 1) {
		l.line++;
		l.keyword = NULL;
		if (sshconf_parse_line(conf, &l, tf.line.buf, cause) != 0)
			goto out;
	}
	if (n == -1) {
		xasprintf(cause, "%s%s", what, why);
		free(why);
		goto out;
	}
	rc = 0;

out:
	textfile_release(&tf);
	fclose(f);
	return (rc);
}

/* Load path (Include directives are followed, relative to ~/.ssh). */
struct sshconf *
sshconf_load(const char *path, int must_exist, char **cause)
{
	struct sshconf	*conf;
	char		*expanded = NULL, host[256], *dot;

	conf = xcalloc(1, sizeof *conf);
	conf->home = sshconf_home();
	xasprintf(&conf->user_dir, "%s/.ssh", conf->home);
	conf->local_user = sshconf_local_user();
	snprintf(conf->uid, sizeof conf->uid, "%lu", (unsigned long)getuid());
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	conf->local_host = xstrdup(host);
	if ((dot = strchr(host, '.')) != NULL)
		*dot = '\0';
	conf->local_short = xstrdup(host);

	if (path[0] == '~' && path[1] == '/') {
		xasprintf(&expanded, "%s%s", conf->home, path + 1);
		path = expanded;
	}
	if (sshconf_read(conf, path, conf->user_dir, 0, must_exist,
	    cause) != 0) {
		free(expanded);
		sshconf_free(conf);
		return (NULL);
	}
	free(expanded);
	log_debug("%s: %s: %zu blocks from %zu files", __func__, path,
	    conf->nblocks, conf->nfiles);
	return (conf);
}

/*
 * Read the system file after the user's: $MUSTER_SYSTEM_SSH_CONFIG if set
 * ("" or "none" for no file), else /etc/ssh/ssh_config. Relative Include
 * lines in it look in its own directory (/etc/ssh, as OpenSSH's). A file
 * that cannot be opened is skipped, as OpenSSH skips it.
 */
int
sshconf_load_system(struct sshconf *conf, char **cause)
{
	const char	*path;
	char		*dir, *slash;
	int		 rc;

	if ((path = getenv("MUSTER_SYSTEM_SSH_CONFIG")) == NULL)
		path = SSHCONF_SYSTEM_FILE;
	if (*path == '\0' || strcmp(path, "none") == 0)
		return (0);
	if (access(path, R_OK) != 0) {
		log_debug("%s: %s: %s, skipped", __func__, path,
		    strerror(errno));
		return (0);
	}
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	free(conf->system_dir);
	conf->system_dir = dir;
	rc = sshconf_read(conf, path, dir, 0, 0, cause);
	log_debug("%s: %s: %zu blocks from %zu files in all", __func__, path,
	    conf->nblocks, conf->nfiles);
	return (rc);
}

/* Free a loaded configuration; NULL is fine. */
void
sshconf_free(struct sshconf *conf)
{
	struct sshconf_block	*b;
	struct sshconf_opt	*o;
	size_t			 i, j, k;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nblocks; i++) {
		b = &conf->blocks[i];
		for (j = 0; j < b->npatterns; j++)
			free(b->patterns[j].pattern);
		free(b->patterns);
		for (j = 0; j < b->ncriteria; j++)
			free(b->criteria[j].arg);
		free(b->criteria);
		for (j = 0; j < b->nopts; j++) {
			o = &b->opts[j];
			free(o->value);
			for (k = 0; k < o->nlist; k++)
				free(o->list[k]);
			free(o->list);
		}
		free(b->opts);
	}
	free(conf->blocks);
	for (i = 0; i < conf->nfiles; i++)
		free(conf->files[i]);
	free(conf->files);
	free(conf->home);
	free(conf->user_dir);
	free(conf->system_dir);
	free(conf->local_user);
	free(conf->local_host);
	free(conf->local_short);
	free(conf);
}

/* Does a Host line match? A negated pattern that matches vetoes it. */
static int
sshconf_match_host(const struct sshconf_block *b, const char *alias)
{
	const struct sshconf_pattern	*p;
	size_t				 i;
	int				 active = 0, match;

	for (i = 0; i < b->npatterns; i++) {
		p = &b->patterns[i];
		if (p->literal)
			match = (strcmp(alias, p->pattern) == 0);
		else {
			match = sshconf_match(alias, p->pattern,
			    p->pattern + strlen(p->pattern), 0);
		}
		if (!match)
			continue;
		if (p->negated) {
			log_debug("%s: %s:%d: %s: skipping Host block because "
			    "of negated match for %s", __func__, b->file,
			    b->line, alias, p->pattern);
			return (0);
		}
		active = 1;
	}
	return (active);
}

/*
 * Does a Match line match? As in OpenSSH, "host" is the HostName obtained
 * so far (the alias if none), "originalhost" the alias, "user" the User
 * obtained so far (else the local user); host names ignore case.
 */
static int
sshconf_match_criteria(const struct sshconf *conf,
    const struct sshconf_block *b, const struct sshconf_state *st)
{
	const struct sshconf_criterion	*c;
	struct sshconf_tokens		 t;
	char				*host = NULL;
	size_t				 i;
	int				 r, result = 1;

	for (i = 0; i < b->ncriteria && result; i++) {
		c = &b->criteria[i];
		switch (c->type) {
		case SSHCONF_CRIT_ALL:
			r = 1;
			break;
		case SSHCONF_CRIT_HOST:
			if (host == NULL && st->hostname != NULL) {
				memset(&t, 0, sizeof t);
				t.conf = conf;
				t.hostname = st->alias;
				host = sshconf_expand(st->hostname, &t, 0);
			}
			r = sshconf_match_list(host != NULL ? host : st->alias,
			    c->arg, 1);
			break;
		case SSHCONF_CRIT_ORIGINALHOST:
			r = sshconf_match_list(st->alias, c->arg, 1);
			break;
		case SSHCONF_CRIT_USER:
			r = sshconf_match_list(st->user != NULL ? st->user :
			    conf->local_user, c->arg, 0);
			break;
		default:
			/* Never evaluated, whatever the negation. */
			free(host);
			return (0);
		}
		if (r == c->negated)
			result = 0;
	}
	free(host);
	return (result);
}

static void
sshconf_apply(const struct sshconf_block *b, struct sshconf_state *st)
{
	const struct sshconf_opt	*o;
	size_t				 i, j;

	for (i = 0; i < b->nopts; i++) {
		o = &b->opts[i];
		switch (o->keyword) {
		case SSHCONF_KW_HOSTNAME:
			if (st->hostname == NULL)
				st->hostname = o->value;
			break;
		case SSHCONF_KW_USER:
			if (st->user == NULL)
				st->user = o->value;
			break;
		case SSHCONF_KW_PORT:
			if (st->port == -1)
				st->port = o->number;
			break;
		case SSHCONF_KW_IDENTITYFILE:
			for (j = 0; j < st->nidentity_files; j++) {
				if (strcmp(st->identity_files[j],
				    o->value) == 0)
					break;
			}
			if (j != st->nidentity_files)
				break;
			if (j == SSHCONF_MAX_IDENTITY_FILES) {
				log_debug("%s: %s: too many identity files, "
				    "%s ignored", __func__, st->alias,
				    o->value);
				break;
			}
			st->identity_files[st->nidentity_files++] = o->value;
			break;
		case SSHCONF_KW_IDENTITIESONLY:
			if (st->identities_only == -1)
				st->identities_only = o->number;
			break;
		case SSHCONF_KW_IDENTITYAGENT:
			if (st->identity_agent == NULL)
				st->identity_agent = o->value;
			break;
		case SSHCONF_KW_USERKNOWNHOSTSFILE:
			if (st->known_hosts == NULL)
				st->known_hosts = o;
			break;
		case SSHCONF_KW_GLOBALKNOWNHOSTSFILE:
			if (st->global_known_hosts == NULL)
				st->global_known_hosts = o;
			break;
		case SSHCONF_KW_STRICTHOSTKEYCHECKING:
			if (st->strict == -1)
				st->strict = o->number;
			break;
		case SSHCONF_KW_CONNECTTIMEOUT:
			if (st->connect_timeout == -1)
				st->connect_timeout = o->number;
			break;
		case SSHCONF_KW_PROXYJUMP:
			if (st->proxy_jump == NULL)
				st->proxy_jump = o->value;
			break;
		case SSHCONF_KW_PROXYCOMMAND:
			if (st->proxy_command == NULL)
				st->proxy_command = o->value;
			break;
		default:
			break;
		}
	}
}

/* Walk the blocks and collect the first value of each option. */
static void
sshconf_walk(const struct sshconf *conf, struct sshconf_state *st)
{
	const struct sshconf_block	*b;
	int				 active = 1, never = 0;
	int				 saved[SSHCONF_MAX_DEPTH + 2][2];
	int				 depth = 0;
	size_t				 i;

	for (i = 0; i < conf->nblocks; i++) {
		b = &conf->blocks[i];
		switch (b->type) {
		case SSHCONF_BLOCK_FILE:
			/* A top file (the user's, the system's) starts anew. */
			if (b->depth == 0) {
				active = 1;
				never = 0;
				depth = 0;
				break;
			}
			/* An included file starts with the includer's state. */
			saved[depth][0] = active;
			saved[depth][1] = never;
			depth++;
			if (!active)
				never = 1;
			break;
		case SSHCONF_BLOCK_END:
			depth--;
			active = saved[depth][0];
			never = saved[depth][1];
			break;
		case SSHCONF_BLOCK_HOST:
			active = !never && sshconf_match_host(b, st->alias);
			break;
		case SSHCONF_BLOCK_MATCH:
			active = !never && sshconf_match_criteria(conf, b, st);
			break;
		}
		if (active)
			sshconf_apply(b, st);
	}
}

/* The files of a *KnownHostsFile option, or the defaults, expanded. */
static void
sshconf_known_hosts(const struct sshconf_opt *o, const char **defaults,
    size_t ndefaults, const struct sshconf_tokens *t, char ***files,
    size_t *nfiles)
{
	const char	**list = defaults;
	size_t		  n = ndefaults, i;

	if (o != NULL) {
		list = (const char **)o->list;
		n = o->nlist;	/* 0 for "none" */
	}
	*nfiles = n;
	*files = n != 0 ? xcalloc(n, sizeof **files) : NULL;
	for (i = 0; i < n; i++)
		(*files)[i] = sshconf_expand(list[i], t, 1);
}

/* Options for one host alias, with OpenSSH's defaults filled in. */
void
sshconf_resolve(const struct sshconf *conf, const char *alias,
    struct sshconf_host *h)
{
	static const char	*default_ids[] = { "~/.ssh/id_ed25519",
	    "~/.ssh/id_ecdsa", "~/.ssh/id_rsa" };
	static const char	*default_known[] = { "~/.ssh/known_hosts",
	    "~/.ssh/known_hosts2" };
	static const char	*default_global[] = {
	    "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2" };
	struct sshconf_state	 st;
	struct sshconf_tokens	 t;
	size_t			 i;

	memset(&st, 0, sizeof st);
	st.alias = alias;
	st.port = -1;
	st.identities_only = -1;
	st.strict = -1;
	st.connect_timeout = -1;
	sshconf_walk(conf, &st);

	memset(h, 0, sizeof *h);
	memset(&t, 0, sizeof t);
	t.conf = conf;
	t.alias = alias;
	t.hostname = alias;
	if (st.hostname != NULL)
		h->hostname = sshconf_expand(st.hostname, &t, 0);
	else
		h->hostname = xstrdup(alias);
	h->user = xstrdup(st.user != NULL ? st.user : conf->local_user);
	h->port = st.port != -1 ? st.port : SSHCONF_DEFAULT_PORT;

	t.hostname = h->hostname;
	t.user = h->user;
	t.port = h->port;
	if (st.nidentity_files != 0) {
		h->nidentity_files = st.nidentity_files;
		h->identity_files = xcalloc(st.nidentity_files,
		    sizeof *h->identity_files);
		for (i = 0; i < st.nidentity_files; i++) {
			h->identity_files[i] =
			    sshconf_expand(st.identity_files[i], &t, 1);
		}
	} else {
		h->nidentity_files = SSHCONF_NITEMS(default_ids);
		h->identity_files = xcalloc(SSHCONF_NITEMS(default_ids),
		    sizeof *h->identity_files);
		for (i = 0; i < SSHCONF_NITEMS(default_ids); i++)
			h->identity_files[i] = sshconf_expand(default_ids[i],
			    &t, 1);
	}
	h->identities_only = st.identities_only == 1;

	if (st.identity_agent == NULL ||
	    strcmp(st.identity_agent, "SSH_AUTH_SOCK") == 0)
		h->identity_agent = NULL;
	else if (strcmp(st.identity_agent, "none") == 0)
		h->identity_agent = xstrdup("none");
	else if (st.identity_agent[0] == '$' && st.identity_agent[1] != '{') {
		/* The legacy "$VAR" form names a variable with the path. */
		if (getenv(st.identity_agent + 1) != NULL) {
			h->identity_agent =
			    xstrdup(getenv(st.identity_agent + 1));
		} else {
			log_debug("%s: %s: IdentityAgent %s is not set",
			    __func__, alias, st.identity_agent);
			h->identity_agent = xstrdup("none");
		}
	} else
		h->identity_agent = sshconf_expand(st.identity_agent, &t, 1);

	sshconf_known_hosts(st.known_hosts, default_known,
	    SSHCONF_NITEMS(default_known), &t, &h->known_hosts_files,
	    &h->nknown_hosts_files);
	sshconf_known_hosts(st.global_known_hosts, default_global,
	    SSHCONF_NITEMS(default_global), &t, &h->global_known_hosts_files,
	    &h->nglobal_known_hosts_files);

	h->strict = st.strict != -1 ? (enum sshconf_strict)st.strict :
	    SSHCONF_STRICT_YES;
	h->connect_timeout = st.connect_timeout;
	/* "none" is how a config switches an inherited proxy off. */
	if (st.proxy_jump != NULL && strcasecmp(st.proxy_jump, "none") != 0)
		h->proxy_jump = xstrdup(st.proxy_jump);
	if (st.proxy_command != NULL &&
	    strcasecmp(st.proxy_command, "none") != 0)
		h->proxy_command = xstrdup(st.proxy_command);
}

/* Free what sshconf_resolve filled in. */
void
sshconf_host_release(struct sshconf_host *h)
{
	size_t	i;

	free(h->hostname);
	free(h->user);
	for (i = 0; i < h->nidentity_files; i++)
		free(h->identity_files[i]);
	free(h->identity_files);
	free(h->identity_agent);
	for (i = 0; i < h->nknown_hosts_files; i++)
		free(h->known_hosts_files[i]);
	free(h->known_hosts_files);
	for (i = 0; i < h->nglobal_known_hosts_files; i++)
		free(h->global_known_hosts_files[i]);
	free(h->global_known_hosts_files);
	free(h->proxy_jump);
	free(h->proxy_command);
	memset(h, 0, sizeof *h);
}
