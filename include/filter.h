/*
 * filter.h: host filters, one language for -F, -C, -I, -A, -W and -S, one
 * parser and one evaluator for both sides (lib/filter.c). The client
 * parses the options into one tree, evaluates it on cached and static
 * facts to choose whom to contact, and sends the tree in the request;
 * the agent decodes it and evaluates it on its live facts.
 *
 * The language (-S):
 *	expr	:= or
 *	or	:= and { "or" and }
 *	and	:= not { ["and" | "&&"] not }	(juxtaposition is "and")
 *	not	:= ("not" | "!") not | "(" expr ")" | term
 * with "||" for "or"; keywords in any case.
 *	term	:= KEY OP VALUE		a fact comparison
 *		 | KEY "=~" VALUE	a regular expression (PCRE2)
 *		 | KEY "=/" RE "/"	the same
 *		 | WORD | "/" RE "/"	a class, or a class matching RE
 *		 | "agent(" NAME ")"	an agent the host offers (as -A)
 * OP is one of = == != < > <= >=. Words may be quoted with "..." or
 * '...'; && and || end a bare value. Comparison: as booleans when the
 * fact is a boolean and the value one (true false yes no 1 0), else
 * numerically when both sides are numbers, in dpkg's version order when
 * both look like versions, else as strings. A fact the host does not
 * have matches no comparison (not even !=).
 */
#ifndef FILTER_H
#define FILTER_H

#include <stddef.h>

#include <msgpack.h>

#include "facts.h"
#include "wire.h"

/*
 * The longest expression accepted, and the deepest nesting (of the tree
 * as it travels, inside a request that is itself nested: within
 * WIRE_MAX_DEPTH).
 */
#define FILTER_EXPR_MAX		4096
#define FILTER_DEPTH_MAX	24

enum filter_op {
	FILTER_EQ,		/* = and == */
	FILTER_NE,
	FILTER_LT,
	FILTER_GT,
	FILTER_LE,
	FILTER_GE,
	FILTER_RE,		/* =~ and =/.../ */
};

enum filter_kind {
	FILTER_AND,
	FILTER_OR,
	FILTER_NOT,
	FILTER_FACT,		/* key op value */
	FILTER_CLASS,		/* value, or a regex over the classes */
	FILTER_AGENT,		/* value: an agent the host offers */
};

struct filter {
	enum filter_kind	 kind;
	struct filter		*left;		/* AND OR NOT */
	struct filter		*right;		/* AND OR */
	char			*key;		/* FACT */
	enum filter_op		 op;		/* FACT */
	char			*value;		/* FACT CLASS AGENT */
	int			 regex;		/* value is a regex */
	void			*re;		/* compiled (pcre2_code) */
	void			*md;		/* its pcre2_match_data */
};

/* What a filter says of a host. */
enum filter_result {
	FILTER_NO = 0,
	FILTER_YES,
	FILTER_UNKNOWN,		/* a fact it needs is not known here */
};

/*
 * Parse the -S language. NULL with *cause (allocated) naming the column:
 * "expected ')' at column 17".
 */
struct filter	*filter_parse(const char *, char **);
/* -F: one fact comparison (an operator is required). */
struct filter	*filter_parse_fact(const char *, char **);
/* -C: a class, or /regex/. */
struct filter	*filter_parse_class(const char *, char **);
/* -I: an identity, or /regex/ (the fact "identity"). */
struct filter	*filter_parse_identity(const char *, char **);
/* -A: an agent name. */
struct filter	*filter_parse_agent(const char *, char **);
/* -W: words; those with an operator are facts, the others classes. */
struct filter	*filter_parse_words(const char *, char **);
/* a and b, a or b (either may be NULL: the other is returned). */
struct filter	*filter_and(struct filter *, struct filter *);
struct filter	*filter_or(struct filter *, struct filter *);
void		 filter_free(struct filter *);

/*
 * Evaluate on a host's facts (sorted). A missing fact is FILTER_NO when
 * the set is complete, FILTER_UNKNOWN when it is partial; and/or/not
 * follow three-valued logic.
 */
enum filter_result filter_eval(const struct filter *, const struct factset *);

/*
 * Add to want what evaluating the filter reads: the fact keys it names,
 * and whether it needs the classes or the agents.
 */
void		 filter_want(const struct filter *, struct factset_want *);

/* The tree as msgpack, for the request's "filter". */
void		 filter_put(struct wire_writer *, const struct filter *);
/*
 * Is the tree shallow enough for a request (filter_parse checks; a caller
 * that combines trees checks again)? -1 with *cause.
 */
int		 filter_check_depth(const struct filter *, char **);
/* The tree from a request; NULL with *cause (allocated). */
struct filter	*filter_from_wire(const msgpack_object *, char **);
/* The tree as one expression in the -S language (new string). */
char		*filter_format(const struct filter *);

/* vercmp.c: dpkg's version order (<0, 0, >0), and "does it look like one". */
int		 vercmp(const char *, const char *);
int		 vercmp_looks_like(const char *);

#endif
