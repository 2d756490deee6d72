/*
 * policy.h: actionpolicy files, the agent's rules of who may run which
 * action of an agent on which hosts (lib/policy.c). One file an agent,
 * AGENT.policy in the agent's policy_dir, in MCollective's format:
 *
 *	# comment
 *	policy default deny
 *	allow	ops	install update status	role=web	*
 *	deny	*	*	env=prod	db::primary
 *
 * A rule is allow or deny, then CALLERS, ACTIONS, FACTS and (optional)
 * CLASSES, separated by tabs or by two spaces or more; within a field,
 * single spaces separate names. A rule of single words may use single
 * spaces throughout. "*" is anything. CALLERS are caller names (the
 * --caller of a forced-command key, or a Unix user), ACTIONS action
 * names, FACTS and CLASSES filters of the -S language (filter.h) on the
 * host's facts. The first rule that matches decides; none matching, the
 * "policy default" line does, and without one the request is denied.
 */
#ifndef POLICY_H
#define POLICY_H

#include <stddef.h>

#include "facts.h"
#include "filter.h"

/* Bounds: bytes of a file, rules in it, names in a field. */
#define POLICY_FILE_MAX		(64 * 1024)
#define POLICY_RULES_MAX	1024
#define POLICY_NAMES_MAX	256
#define POLICY_NAME_MAX		64

struct policy_rule {
	int		  allow;
	int		  line;
	char		**callers;	/* NULL: any */
	size_t		  ncallers;
	char		**actions;	/* NULL: any */
	size_t		  nactions;
	struct filter	 *facts;	/* NULL: any host */
	struct filter	 *classes;	/* NULL: any host */
};

struct policy_file {
	int			 default_allow;
	int			 default_line;	/* 0: no "policy default" */
	struct policy_rule	*rules;
	size_t			 nrules;
};

/* What a policy says of one request. */
struct policy_decision {
	int	allow;
	int	line;		/* the rule's or the default's; 0: neither */
	int	by_default;	/* no rule matched */
};

/*
 * Parse a policy file's text (len bytes). NULL with *cause (allocated)
 * as "line N: what is wrong" and *line set to N (0: the whole file).
 */
struct policy_file *policy_parse(const char *, size_t, char **, int *);
void		 policy_free(struct policy_file *);
/* Decide for a caller and an action on a host's (complete) facts. */
void		 policy_decide(const struct policy_file *, const char *,
		     const char *, const struct factset *,
		     struct policy_decision *);
/* Is this a name a caller may have: [A-Za-z0-9._@-], 1 to 64 bytes? */
int		 policy_caller_ok(const char *);

#endif
