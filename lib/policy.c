/*
 * policy.c: actionpolicy files (policy.h), parsed and decided.
 *
 * The parser is strict: anything it does not understand is an error
 * naming the line, and the agent then denies every action of that agent,
 * since a rule misread could allow what its author meant to deny.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "xmalloc.h"

/* The fields of a rule after allow or deny. */
#define POLICY_FIELDS	4

int
policy_caller_ok(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0 || len > POLICY_NAME_MAX)
		return (0);
	return (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._@-") == len);
}

/* An action name: lower-case letters, digits and '_', as the DDLs have. */
static int
policy_action_ok(const char *s)
{
	size_t	len = strlen(s);

	return (len > 0 && len <= POLICY_NAME_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len);
}

static void
policy_names_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
policy_free(struct policy_file *p)
{
	struct policy_rule	*r;
	size_t			 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		policy_names_free(r->callers, r->ncallers);
		policy_names_free(r->actions, r->nactions);
		filter_free(r->facts);
		filter_free(r->classes);
	}
	free(p->rules);
	free(p);
}

/*
 * Split a rule's text after its keyword into fields: a tab, or two
 * spaces or more, end a field. A line with single spaces only is one word
 * a field ("allow ops status * *"). Returns the number of fields, at most
 * max + 1 (more is an error for the caller); they point into s, cut.
 */
static size_t
policy_fields(char *s, char **field, size_t max)
{
	char	*p, *last = NULL;
	size_t	 n = 0;

	if (strchr(s, '\t') == NULL && strstr(s, "  ") == NULL) {
		for (p = strtok_r(s, " ", &last); p != NULL && n <= max;
		    p = strtok_r(NULL, " ", &last))
			field[n++] = p;
		return (n);
	}
	for (p = s; *p != '\0' && n <= max; ) {
		field[n++] = p;
		while (*p != '\0' && *p != '\t' && !(p[0] == ' ' && p[1] == ' '))
			p++;
		if (*p == '\0')
			break;
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return (n);
}

/*
 * A field of names ("*" for any, else names separated by spaces, each
 * checked by ok); -1 with *cause.
 */
static int
policy_names(const char *what, char *field, int (*ok)(const char *),
    char ***v, size_t *n, char **cause)
{
	char	*word, *last = NULL;

	*v = NULL;
	*n = 0;
	if (strcmp(field, "*") == 0)
		return (0);
	for (word = strtok_r(field, " ", &last); word != NULL;
	    word = strtok_r(NULL, " ", &last)) {
		if (strcmp(word, "*") == 0) {
			xasprintf(cause, "%s: '*' stands alone", what);
			return (-1);
		}
		if (!ok(word)) {
			xasprintf(cause, "%s: '%.64s' is not a name", what,
			    word);
			return (-1);
		}
		if (*n == POLICY_NAMES_MAX) {
			xasprintf(cause, "%s: more than %d names", what,
			    POLICY_NAMES_MAX);
			return (-1);
		}
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = xstrdup(word);
	}
	if (*n == 0) {
		xasprintf(cause, "%s: empty", what);
		return (-1);
	}
	return (0);
}

/* A field of the filter language, or "*"; -1 with *cause. */
static int
policy_filter(const char *what, const char *field, struct filter **f,
    char **cause)
{
	char	*why = NULL;

	*f = NULL;
	if (strcmp(field, "*") == 0)
		return (0);
	if ((*f = filter_parse(field, &why)) == NULL) {
		xasprintf(cause, "%s: %s", what, why);
		free(why);
		return (-1);
	}
	return (0);
}

/* One rule from the text after its keyword; -1 with *cause. */
static int
policy_parse_rule(struct policy_rule *r, char *text, char **cause)
{
	char	*field[POLICY_FIELDS + 2];
	size_t	 n;

	n = policy_fields(text, field, POLICY_FIELDS);
	if (n < POLICY_FIELDS - 1 || n > POLICY_FIELDS) {
		xasprintf(cause, "expected CALLERS ACTIONS FACTS [CLASSES],"
		    " separated by tabs or two spaces (one space between the"
		    " names of a field), found %s%zu field%s",
		    n > POLICY_FIELDS ? "more than " : "",
		    n > POLICY_FIELDS ? n - 1 : n, n == 1 ? "" : "s");
		return (-1);
	}
	if (policy_names("callers", field[0], policy_caller_ok, &r->callers,
	    &r->ncallers, cause) != 0 ||
	    policy_names("actions", field[1], policy_action_ok, &r->actions,
	    &r->nactions, cause) != 0 ||
	    policy_filter("facts", field[2], &r->facts, cause) != 0 ||
	    (n == POLICY_FIELDS &&
	    policy_filter("classes", field[3], &r->classes, cause) != 0))
		return (-1);
	return (0);
}

/* The words of "policy default allow|deny"; -1 with *cause. */
static int
policy_parse_default(struct policy_file *p, char *text, int line,
    char **cause)
{
	char	*w[4], *last = NULL;
	size_t	 n = 0;

	for (w[n] = strtok_r(text, " \t", &last); w[n] != NULL && n < 3;
	    w[n] = strtok_r(NULL, " \t", &last))
		n++;
	if (n != 3 || strcmp(w[1], "default") != 0 ||
	    (strcmp(w[2], "allow") != 0 && strcmp(w[2], "deny") != 0)) {
		*cause = xstrdup("expected 'policy default allow' or"
		    " 'policy default deny'");
		return (-1);
	}
	if (p->default_line != 0) {
		xasprintf(cause, "a second 'policy default' (the first is on"
		    " line %d)", p->default_line);
		return (-1);
	}
	p->default_allow = strcmp(w[2], "allow") == 0;
	p->default_line = line;
	return (0);
}

struct policy_file *
policy_parse(const char *text, size_t len, char **cause, int *errline)
{
	struct policy_file	*p;
	struct policy_rule	*r;
	const char		*end = text + len, *eol;
	char			*line = NULL, *s, *why = NULL;
	size_t			 n;
	int			 lineno = 0;

	*errline = 0;
	if (len > POLICY_FILE_MAX) {
		xasprintf(cause, "larger than %d KiB", POLICY_FILE_MAX / 1024);
		return (NULL);
	}
	if (memchr(text, '\0', len) != NULL) {
		*cause = xstrdup("holds a NUL byte");
		return (NULL);
	}
	p = xcalloc(1, sizeof *p);
	while (text < end) {
		lineno++;
		if ((eol = memchr(text, '\n', (size_t)(end - text))) == NULL)
			eol = end;
		free(line);
		line = xstrndup(text, (size_t)(eol - text));
		text = eol + (eol < end);

		/* Trailing blanks and a CR go; leading blanks too. */
		n = strlen(line);
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
		    line[n - 1] == '\r'))
			line[--n] = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '\0' || *s == '#')
			continue;
		for (n = 0; s[n] != '\0'; n++) {
			if (iscntrl((unsigned char)s[n]) && s[n] != '\t') {
				why = xstrdup("a control character");
				goto fail;
			}
		}
		if (strncmp(s, "policy", 6) == 0 && (s[6] == ' ' ||
		    s[6] == '\t' || s[6] == '\0')) {
			if (policy_parse_default(p, s, lineno, &why) != 0)
				goto fail;
			continue;
		}
		if (strncmp(s, "allow", 5) == 0 && (s[5] == ' ' ||
		    s[5] == '\t' || s[5] == '\0'))
			n = 5;
		else if (strncmp(s, "deny", 4) == 0 && (s[4] == ' ' ||
		    s[4] == '\t' || s[4] == '\0'))
			n = 4;
		else {
			xasprintf(&why, "expected allow, deny or 'policy"
			    " default', not '%.32s'", s);
			goto fail;
		}
		if (p->nrules == POLICY_RULES_MAX) {
			xasprintf(&why, "more than %d rules", POLICY_RULES_MAX);
			goto fail;
		}
		p->rules = xreallocarray(p->rules, p->nrules + 1,
		    sizeof *p->rules);
		r = &p->rules[p->nrules++];
		memset(r, 0, sizeof *r);
		r->allow = n == 5;
		r->line = lineno;
		for (s += n; *s == ' ' || *s == '\t'; s++)
			;
		if (policy_parse_rule(r, s, &why) != 0)
			goto fail;
	}
	free(line);
	return (p);

fail:
	xasprintf(cause, "line %d: %s", lineno, why);
	*errline = lineno;
	free(why);
	free(line);
	policy_free(p);
	return (NULL);
}

static int
policy_has(char *const *v, size_t n, const char *name)
{
	size_t	i;

	if (v == NULL)
		return (1);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i], name) == 0)
			return (1);
	}
	return (0);
}

void
policy_decide(const struct policy_file *p, const char *caller,
    const char *action, const struct factset *fs, struct policy_decision *d)
{
	const struct policy_rule	*r;
	size_t				 i;

	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (!policy_has(r->callers, r->ncallers, caller) ||
		    !policy_has(r->actions, r->nactions, action))
			continue;
		/* The host's own facts are complete: never unknown. */
		if (r->facts != NULL && filter_eval(r->facts, fs) != FILTER_YES)
			continue;
		if (r->classes != NULL &&
		    filter_eval(r->classes, fs) != FILTER_YES)
			continue;
		d->allow = r->allow;
		d->line = r->line;
		d->by_default = 0;
		return;
	}
	d->allow = p->default_line != 0 && p->default_allow;
	d->line = p->default_line;
	d->by_default = 1;
}
