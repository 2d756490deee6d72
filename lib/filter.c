/*
 * filter.c: the filter language (filter.h): parsing the options into one
 * tree, evaluating it on a host's facts, and moving it in a request.
 *
 * The parser is a small recursive descent over the expression's bytes;
 * it keeps the column of each token so that an error says where. Terms
 * are read whole by filter_term(): a key or class word, then, past any
 * blanks, an operator and its value (quoted, a /regex/, or a bare word
 * up to a blank or ')'). Regular expressions are PCRE2, compiled once,
 * matched with a bounded match limit (a filter comes from a user and may
 * be matched against thousands of hosts).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "filter.h"
#include "log.h"
#include "xmalloc.h"

/* The longest key, value or regex of one term. */
#define FILTER_TERM_MAX		1024
/* PCRE2 steps one match may take. */
#define FILTER_MATCH_LIMIT	100000

static const char *filter_op_names[] = {
	"=", "!=", "<", ">", "<=", ">=", "=~"
};

struct filter_parser {
	const char	*s;
	size_t		 pos;
	int		 depth;
	char		*error;		/* the first error, allocated */
};

static struct filter	*filter_parse_or(struct filter_parser *);
static int		 filter_slashable(const char *);

/* Record the first error, at the column of pos. */
static void __attribute__((format(printf, 3, 4)))
filter_error(struct filter_parser *p, size_t pos, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (p->error != NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&p->error, "%s at column %zu", msg, pos + 1);
	free(msg);
}

static struct filter *
filter_new(enum filter_kind kind)
{
	struct filter	*f;

	f = xcalloc(1, sizeof *f);
	f->kind = kind;
	return (f);
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	filter_free(f->left);
	filter_free(f->right);
	free(f->key);
	free(f->value);
	if (f->md != NULL)
		pcre2_match_data_free(f->md);
	if (f->re != NULL)
		pcre2_code_free(f->re);
	free(f);
}

struct filter *
filter_and(struct filter *a, struct filter *b)
{
	struct filter	*f;

	if (a == NULL)
		return (b);
	if (b == NULL)
		return (a);
	f = filter_new(FILTER_AND);
	f->left = a;
	f->right = b;
	return (f);
}

struct filter *
filter_or(struct filter *a, struct filter *b)
{
	struct filter	*f;

	if (a == NULL)
		return (b);
	if (b == NULL)
		return (a);
	f = filter_new(FILTER_OR);
	f->left = a;
	f->right = b;
	return (f);
}

/* Compile f->value as f's regex; -1 with *cause (allocated). */
static int
filter_compile(struct filter *f, char **cause)
{
	PCRE2_UCHAR	msg[256];
	PCRE2_SIZE	off;
	int		err;

	f->regex = 1;
	f->re = pcre2_compile((PCRE2_SPTR)f->value, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (f->re == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		xasprintf(cause, "bad regular expression /%s/: %s (at %zu)",
		    f->value, (char *)msg, (size_t)off);
		return (-1);
	}
	f->md = pcre2_match_data_create_from_pattern(f->re, NULL);
	if (f->md == NULL)
		fatalx("pcre2_match_data_create_from_pattern failed");
	return (0);
}

/* Is c an operator's first character? */
static int
filter_opchar(int c)
{
	return (c == '=' || c == '!' || c == '<' || c == '>');
}

/* Read an operator at s; its length, or 0 if none. */
static size_t
filter_read_op(const char *s, enum filter_op *op)
{
	if (strncmp(s, "==", 2) == 0) {
		*op = FILTER_EQ;
		return (2);
	}
	if (strncmp(s, "=~", 2) == 0) {
		*op = FILTER_RE;
		return (2);
	}
	if (strncmp(s, "!=", 2) == 0) {
		*op = FILTER_NE;
		return (2);
	}
	if (strncmp(s, "<=", 2) == 0) {
		*op = FILTER_LE;
		return (2);
	}
	if (strncmp(s, ">=", 2) == 0) {
		*op = FILTER_GE;
		return (2);
	}
	switch (*s) {
	case '=':
		*op = FILTER_EQ;
		return (1);
	case '<':
		*op = FILTER_LT;
		return (1);
	case '>':
		*op = FILTER_GT;
		return (1);
	}
	return (0);
}

/* Skip blanks. */
static void
filter_blanks(struct filter_parser *p)
{
	while (p->s[p->pos] != '\0' && isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

/* A character that ends a bare word. */
static int
filter_word_end(int c)
{
	return (c == '\0' || isspace(c) || c == '(' || c == ')' ||
	    filter_opchar(c) || c == '"' || c == '\'');
}

/*
 * A /regex/ at p->pos (the opening '/'): its text as written (PCRE reads
 * "\/" as '/', so an escaped slash stays escaped), or NULL after an error.
 */
static char *
filter_read_regex(struct filter_parser *p)
{
	size_t	start = p->pos, n = 0;
	char	*out;

	out = xmalloc(strlen(p->s + p->pos) + 1);
	p->pos++;
	for (;;) {
		if (p->s[p->pos] == '\0') {
			filter_error(p, start, "unterminated regular expression");
			free(out);
			return (NULL);
		}
		if (p->s[p->pos] == '\\' && p->s[p->pos + 1] != '\0') {
			out[n++] = p->s[p->pos++];
			out[n++] = p->s[p->pos++];
			continue;
		}
		if (p->s[p->pos] == '/')
			break;
		out[n++] = p->s[p->pos++];
	}
	p->pos++;
	out[n] = '\0';
	if (n == 0) {
		filter_error(p, start, "empty regular expression");
		free(out);
		return (NULL);
	}
	return (out);
}

/* A quoted string at p->pos; "..." knows \" and \\, '...' nothing. */
static char *
filter_read_quoted(struct filter_parser *p)
{
	size_t	start = p->pos, n = 0;
	char	q = p->s[p->pos], *out;

	out = xmalloc(strlen(p->s + p->pos) + 1);
	p->pos++;
	for (;;) {
		if (p->s[p->pos] == '\0') {
			filter_error(p, start, "unterminated %s quote",
			    q == '"' ? "double" : "single");
			free(out);
			return (NULL);
		}
		if (p->s[p->pos] == q)
			break;
		if (q == '"' && p->s[p->pos] == '\\' &&
		    (p->s[p->pos + 1] == '"' || p->s[p->pos + 1] == '\\'))
			p->pos++;
		out[n++] = p->s[p->pos++];
	}
	p->pos++;
	out[n] = '\0';
	return (out);
}

/* A bare value: up to a blank or ')'. */
static char *
filter_read_bare(struct filter_parser *p)
{
	size_t	start = p->pos;

	/* "role=db&&rack=r4": && and || end a bare value too. */
	while (p->s[p->pos] != '\0' &&
	    !isspace((unsigned char)p->s[p->pos]) && p->s[p->pos] != ')' &&
	    strncmp(p->s + p->pos, "&&", 2) != 0 &&
	    strncmp(p->s + p->pos, "||", 2) != 0)
		p->pos++;
	return (xstrndup(p->s + start, p->pos - start));
}

/* Check a term's text against the bounds. */
static int
filter_check_len(struct filter_parser *p, size_t pos, const char *what,
    const char *s)
{
	if (strlen(s) > FILTER_TERM_MAX) {
		filter_error(p, pos, "%s longer than %d bytes", what,
		    FILTER_TERM_MAX);
		return (-1);
	}
	return (0);
}

/*
 * One term: a fact comparison, a class word or /regex/, or agent(NAME).
 */
static struct filter *
filter_term(struct filter_parser *p)
{
	struct filter	*f;
	enum filter_op	 op;
	size_t		 start = p->pos, oplen, vpos, save;
	char		*word, *cause = NULL;

	if (p->s[p->pos] == '/') {
		if ((word = filter_read_regex(p)) == NULL)
			return (NULL);
		f = filter_new(FILTER_CLASS);
		f->value = word;
		if (filter_check_len(p, start, "a regular expression",
		    word) != 0 || filter_compile(f, &cause) != 0) {
			if (cause != NULL)
				filter_error(p, start, "%s", cause);
			free(cause);
			filter_free(f);
			return (NULL);
		}
		return (f);
	}
	/* A quoted word is a class ("and" as a class's name). */
	if (p->s[p->pos] == '"' || p->s[p->pos] == '\'') {
		if ((word = filter_read_quoted(p)) == NULL)
			return (NULL);
		if (*word == '\0' || filter_check_len(p, start, "a word",
		    word) != 0) {
			if (*word == '\0')
				filter_error(p, start, "an empty class name");
			free(word);
			return (NULL);
		}
		f = filter_new(FILTER_CLASS);
		f->value = word;
		return (f);
	}
	if (strncmp(p->s + p->pos, "&&", 2) == 0 ||
	    strncmp(p->s + p->pos, "||", 2) == 0) {
		filter_error(p, start, "unexpected '%.2s'", p->s + p->pos);
		return (NULL);
	}
	while (!filter_word_end((unsigned char)p->s[p->pos]))
		p->pos++;
	if (p->pos == start) {
		if (p->s[p->pos] == '\0')
			filter_error(p, start, "expected a filter");
		else
			filter_error(p, start, "unexpected '%c'",
			    p->s[p->pos]);
		return (NULL);
	}
	word = xstrndup(p->s + start, p->pos - start);
	if (filter_check_len(p, start, "a word", word) != 0) {
		free(word);
		return (NULL);
	}

	/* agent(NAME) */
	if (strcmp(word, "agent") == 0 && p->s[p->pos] == '(') {
		free(word);
		p->pos++;
		vpos = p->pos;
		while (islower((unsigned char)p->s[p->pos]) ||
		    isdigit((unsigned char)p->s[p->pos]) ||
		    p->s[p->pos] == '_')
			p->pos++;
		if (p->pos == vpos || p->s[p->pos] != ')') {
			filter_error(p, p->pos, "expected an agent name and"
			    " ')'");
			return (NULL);
		}
		f = filter_new(FILTER_AGENT);
		f->value = xstrndup(p->s + vpos, p->pos - vpos);
		p->pos++;
		return (f);
	}

	/* An operator after the word (blanks allowed) makes a comparison. */
	save = p->pos;
	filter_blanks(p);
	if ((oplen = filter_read_op(p->s + p->pos, &op)) == 0) {
		p->pos = save;
		f = filter_new(FILTER_CLASS);
		f->value = word;
		return (f);
	}
	vpos = p->pos;
	p->pos += oplen;
	filter_blanks(p);
	f = filter_new(FILTER_FACT);
	f->key = word;
	f->op = op;
	if (p->s[p->pos] == '/' && (op == FILTER_EQ || op == FILTER_RE)) {
		start = p->pos;
		if ((f->value = filter_read_regex(p)) == NULL) {
			filter_free(f);
			return (NULL);
		}
		f->op = FILTER_RE;
	} else if (p->s[p->pos] == '"' || p->s[p->pos] == '\'') {
		start = p->pos;
		if ((f->value = filter_read_quoted(p)) == NULL) {
			filter_free(f);
			return (NULL);
		}
	} else {
		start = p->pos;
		f->value = filter_read_bare(p);
		if (*f->value == '\0') {
			filter_error(p, vpos, "expected a value after '%s'",
			    filter_op_names[op]);
			filter_free(f);
			return (NULL);
		}
	}
	if (filter_check_len(p, start, "a value", f->value) != 0) {
		filter_free(f);
		return (NULL);
	}
	if (f->op == FILTER_RE && filter_compile(f, &cause) != 0) {
		filter_error(p, start, "%s", cause);
		free(cause);
		filter_free(f);
		return (NULL);
	}
	return (f);
}

/* Is the next word this keyword (and, or, not), ending there? */
static int
filter_keyword(struct filter_parser *p, const char *kw)
{
	size_t	n = strlen(kw);

	if (strncasecmp(p->s + p->pos, kw, n) != 0)
		return (0);
	return (p->s[p->pos + n] == '\0' ||
	    isspace((unsigned char)p->s[p->pos + n]) ||
	    p->s[p->pos + n] == '(');
}

/* not := ("not" | "!") not | "(" or ")" | term */
static struct filter *
filter_parse_not(struct filter_parser *p)
{
	struct filter	*f, *n;
	size_t		 start;

	filter_blanks(p);
	if (p->depth >= FILTER_DEPTH_MAX) {
		filter_error(p, p->pos, "nested deeper than %d",
		    FILTER_DEPTH_MAX);
		return (NULL);
	}
	if (filter_keyword(p, "not") ||
	    (p->s[p->pos] == '!' && p->s[p->pos + 1] != '=')) {
		p->pos += p->s[p->pos] == '!' ? 1 : 3;
		p->depth++;
		f = filter_parse_not(p);
		p->depth--;
		if (f == NULL)
			return (NULL);
		n = filter_new(FILTER_NOT);
		n->left = f;
		return (n);
	}
	if (p->s[p->pos] == '(') {
		start = p->pos++;
		p->depth++;
		f = filter_parse_or(p);
		p->depth--;
		if (f == NULL)
			return (NULL);
		filter_blanks(p);
		if (p->s[p->pos] != ')') {
			filter_error(p, p->pos, "expected ')' to close the '('"
			    " of column %zu", start + 1);
			filter_free(f);
			return (NULL);
		}
		p->pos++;
		return (f);
	}
	return (filter_term(p));
}

/* Does a unary expression start here (for juxtaposed "and")? */
static int
filter_starts_unary(struct filter_parser *p)
{
	int	c = (unsigned char)p->s[p->pos];

	if (c == '\0' || c == ')' || filter_keyword(p, "or") ||
	    strncmp(p->s + p->pos, "||", 2) == 0)
		return (0);
	return (1);
}

/* and := not { ["and" | "&&"] not } */
static struct filter *
filter_parse_and(struct filter_parser *p)
{
	struct filter	*f, *r;

	if ((f = filter_parse_not(p)) == NULL)
		return (NULL);
	for (;;) {
		filter_blanks(p);
		if (filter_keyword(p, "and"))
			p->pos += 3;
		else if (strncmp(p->s + p->pos, "&&", 2) == 0)
			p->pos += 2;
		else if (!filter_starts_unary(p))
			return (f);
		if ((r = filter_parse_not(p)) == NULL) {
			filter_free(f);
			return (NULL);
		}
		f = filter_and(f, r);
	}
}

/* or := and { ("or" | "||") and } */
static struct filter *
filter_parse_or(struct filter_parser *p)
{
	struct filter	*f, *r;

	if ((f = filter_parse_and(p)) == NULL)
		return (NULL);
	for (;;) {
		filter_blanks(p);
		if (filter_keyword(p, "or"))
			p->pos += 2;
		else if (strncmp(p->s + p->pos, "||", 2) == 0)
			p->pos += 2;
		else
			return (f);
		if ((r = filter_parse_and(p)) == NULL) {
			filter_free(f);
			return (NULL);
		}
		f = filter_or(f, r);
	}
}

/* Refuse what no filter is: too long, or holding a NUL or control. */
static int
filter_check_input(const char *s, char **cause)
{
	size_t	i;

	if (strlen(s) > FILTER_EXPR_MAX) {
		xasprintf(cause, "longer than %d bytes", FILTER_EXPR_MAX);
		return (-1);
	}
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
			xasprintf(cause, "a control character at column %zu",
			    i + 1);
			return (-1);
		}
	}
	return (0);
}

struct filter *
filter_parse(const char *s, char **cause)
{
	struct filter_parser	 p;
	struct filter		*f;

	if (filter_check_input(s, cause) != 0)
		return (NULL);
	memset(&p, 0, sizeof p);
	p.s = s;
	f = filter_parse_or(&p);
	if (f != NULL) {
		filter_blanks(&p);
		if (p.s[p.pos] != '\0') {
			filter_error(&p, p.pos, p.s[p.pos] == ')' ?
			    "unexpected ')'" : "unexpected '%c'", p.s[p.pos]);
			filter_free(f);
			f = NULL;
		}
	}
	if (f == NULL) {
		if (p.error == NULL)
			filter_error(&p, p.pos, "expected a filter");
		*cause = p.error;
		return (NULL);
	}
	if (filter_check_depth(f, cause) != 0) {
		filter_free(f);
		return (NULL);
	}
	return (f);
}

/* A fact's name: letters, digits, '_', '.', ':' and '-'. */
static int
filter_fact_name(const char *s)
{
	return (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") == strlen(s));
}

/*
 * -F: KEY OP VALUE, the value being the rest of the argument as it is
 * (blanks and all); =/RE/ and =~ make it a regex.
 */
struct filter *
filter_parse_fact(const char *s, char **cause)
{
	struct filter	*f;
	enum filter_op	 op;
	size_t		 k, oplen, vlen;
	const char	*v;
	char		*c2 = NULL;

	if (filter_check_input(s, cause) != 0)
		return (NULL);
	for (k = 0; s[k] != '\0' && !filter_opchar((unsigned char)s[k]); k++)
		;
	if (s[k] == '\0' || (oplen = filter_read_op(s + k, &op)) == 0) {
		xasprintf(cause, "'%s' is not KEY OP VALUE (an operator = =="
		    " != < > <= >= =~ is needed)", s);
		return (NULL);
	}
	while (k > 0 && isspace((unsigned char)s[k - 1]))
		k--;
	if (k == 0) {
		xasprintf(cause, "'%s' has no fact name before its operator",
		    s);
		return (NULL);
	}
	v = s + k;
	while (isspace((unsigned char)*v))
		v++;
	v += oplen;
	while (isspace((unsigned char)*v))
		v++;
	if (*v == '\0') {
		xasprintf(cause, "'%s' has no value after its operator", s);
		return (NULL);
	}
	f = filter_new(FILTER_FACT);
	f->key = xstrndup(s, k);
	f->op = op;
	vlen = strlen(v);
	if ((op == FILTER_EQ || op == FILTER_RE) && vlen >= 2 && v[0] == '/' &&
	    v[vlen - 1] == '/') {
		f->value = xstrndup(v + 1, vlen - 2);
		f->op = FILTER_RE;
	} else
		f->value = xstrdup(v);
	if (strlen(f->key) > FILTER_TERM_MAX ||
	    strlen(f->value) > FILTER_TERM_MAX) {
		xasprintf(cause, "a key or value longer than %d bytes",
		    FILTER_TERM_MAX);
		filter_free(f);
		return (NULL);
	}
	if (!filter_fact_name(f->key)) {
		xasprintf(cause, "'%s' is not a fact name (letters, digits,"
		    " _ . : -)", f->key);
		filter_free(f);
		return (NULL);
	}
	if (f->op == FILTER_RE && filter_compile(f, &c2) != 0) {
		*cause = c2;
		filter_free(f);
		return (NULL);
	}
	return (f);
}

/* A name, or /regex/, as a class or an identity. */
static struct filter *
filter_parse_name(const char *s, enum filter_kind kind, const char *key,
    const char *what, char **cause)
{
	struct filter	*f;
	size_t		 len = strlen(s);
	char		*c2 = NULL;

	if (filter_check_input(s, cause) != 0)
		return (NULL);
	if (len == 0 || strcspn(s, " \t") != len) {
		xasprintf(cause, "'%s' is not %s or /regex/", s, what);
		return (NULL);
	}
	f = filter_new(kind);
	if (key != NULL)
		f->key = xstrdup(key);
	if (len >= 2 && s[0] == '/' && s[len - 1] == '/') {
		f->value = xstrndup(s + 1, len - 2);
		f->op = FILTER_RE;
		if (!filter_slashable(f->value)) {
			xasprintf(cause, "'%s': a regular expression may not be"
			    " empty or end with a lone backslash", s);
			filter_free(f);
			return (NULL);
		}
		if (filter_compile(f, &c2) != 0) {
			*cause = c2;
			filter_free(f);
			return (NULL);
		}
	} else {
		f->value = xstrdup(s);
		f->op = FILTER_EQ;
	}
	return (f);
}

struct filter *
filter_parse_class(const char *s, char **cause)
{
	return (filter_parse_name(s, FILTER_CLASS, NULL, "a class", cause));
}

struct filter *
filter_parse_identity(const char *s, char **cause)
{
	return (filter_parse_name(s, FILTER_FACT, "identity", "an identity",
	    cause));
}

struct filter *
filter_parse_agent(const char *s, char **cause)
{
	struct filter	*f;
	size_t		 i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '_')
			break;
	}
	if (i == 0 || s[i] != '\0' || i > 64) {
		xasprintf(cause, "'%s' is not an agent name", s);
		return (NULL);
	}
	f = filter_new(FILTER_AGENT);
	f->value = xstrdup(s);
	return (f);
}

/* -W: words; with an operator a fact, else a class. */
struct filter *
filter_parse_words(const char *s, char **cause)
{
	struct filter	*all = NULL, *f;
	const char	*p = s, *e;
	char		*w;

	if (filter_check_input(s, cause) != 0)
		return (NULL);
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && !isspace((unsigned char)*e); e++)
			;
		w = xstrndup(p, e - p);
		if (strpbrk(w, "=!<>") != NULL)
			f = filter_parse_fact(w, cause);
		else
			f = filter_parse_class(w, cause);
		free(w);
		if (f == NULL) {
			filter_free(all);
			return (NULL);
		}
		all = filter_and(all, f);
		p = e;
	}
	if (all == NULL)
		*cause = xstrdup("no filter in ''");
	return (all);
}

/* A value as a number, if it is one ("12", "-3.5"). */
static int
filter_number(const char *s, double *d)
{
	char	*end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return (0);
	if (strspn(s, "+-0123456789.eE") != strlen(s))
		return (0);
	errno = 0;
	*d = strtod(s, &end);
	return (*end == '\0' && errno == 0 && isfinite(*d));
}

/* A value as a boolean, if it is one. */
static int
filter_boolean(const char *s, int *b)
{
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
	    strcmp(s, "1") == 0) {
		*b = 1;
		return (1);
	}
	if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 ||
	    strcmp(s, "0") == 0) {
		*b = 0;
		return (1);
	}
	return (0);
}

/* Does the regex of f match s? */
static int
filter_match(const struct filter *f, const char *s)
{
	pcre2_match_context	*mc;
	int			 rc;

	mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, FILTER_MATCH_LIMIT);
	rc = pcre2_match(f->re, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0,
	    f->md, mc);
	pcre2_match_context_free(mc);
	return (rc >= 0);
}

/* Compare a fact with a value: <0, 0, >0. */
static int
filter_compare(const struct fact *fact, const char *value)
{
	double	a, b;
	int	bv;

	if (fact->type == FACT_BOOLEAN && filter_boolean(value, &bv))
		return (fact->boolean - bv);
	if ((fact->type == FACT_INTEGER || fact->type == FACT_FLOAT ||
	    filter_number(fact->text, &a)) && filter_number(value, &b)) {
		if (fact->type == FACT_INTEGER || fact->type == FACT_FLOAT)
			a = fact->number;
		return (a < b ? -1 : a > b);
	}
	if (vercmp_looks_like(fact->text) && vercmp_looks_like(value))
		return (vercmp(fact->text, value));
	return (strcmp(fact->text, value));
}

/* A fact comparison on a host. */
static enum filter_result
filter_eval_fact(const struct filter *f, const struct factset *fs)
{
	const struct fact	*fact;
	int			 c;

	if ((fact = factset_get(fs, f->key)) == NULL)
		return (fs->complete ? FILTER_NO : FILTER_UNKNOWN);
	if (f->op == FILTER_RE)
		return (filter_match(f, fact->text) ? FILTER_YES : FILTER_NO);
	c = filter_compare(fact, f->value);
	switch (f->op) {
	case FILTER_EQ:
		return (c == 0);
	case FILTER_NE:
		return (c != 0);
	case FILTER_LT:
		return (c < 0);
	case FILTER_GT:
		return (c > 0);
	case FILTER_LE:
		return (c <= 0);
	case FILTER_GE:
		return (c >= 0);
	default:
		return (FILTER_NO);
	}
}

/* A class, or a regex over the classes; the same for agents. */
static enum filter_result
filter_eval_names(const struct filter *f, char *const *names, size_t n,
    int known)
{
	size_t	i, lo = 0, hi = n, mid;
	int	c;

	if (!known)
		return (FILTER_UNKNOWN);
	if (f->regex) {
		for (i = 0; i < n; i++) {
			if (filter_match(f, names[i]))
				return (FILTER_YES);
		}
		return (FILTER_NO);
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(f->value, names[mid]);
		if (c == 0)
			return (FILTER_YES);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (FILTER_NO);
}

enum filter_result
filter_eval(const struct filter *f, const struct factset *fs)
{
	enum filter_result	a, b;

	switch (f->kind) {
	case FILTER_AND:
		a = filter_eval(f->left, fs);
		if (a == FILTER_NO)
			return (FILTER_NO);
		b = filter_eval(f->right, fs);
		if (b == FILTER_NO)
			return (FILTER_NO);
		return (a == FILTER_YES && b == FILTER_YES ? FILTER_YES :
		    FILTER_UNKNOWN);
	case FILTER_OR:
		a = filter_eval(f->left, fs);
		if (a == FILTER_YES)
			return (FILTER_YES);
		b = filter_eval(f->right, fs);
		if (b == FILTER_YES)
			return (FILTER_YES);
		return (a == FILTER_NO && b == FILTER_NO ? FILTER_NO :
		    FILTER_UNKNOWN);
	case FILTER_NOT:
		a = filter_eval(f->left, fs);
		return (a == FILTER_UNKNOWN ? a : a == FILTER_YES ?
		    FILTER_NO : FILTER_YES);
	case FILTER_FACT:
		return (filter_eval_fact(f, fs));
	case FILTER_CLASS:
		return (filter_eval_names(f, fs->classes, fs->nclasses,
		    fs->complete || fs->nclasses > 0));
	case FILTER_AGENT:
		return (filter_eval_names(f, fs->agents, fs->nagents,
		    fs->complete || fs->nagents > 0));
	}
	return (FILTER_NO);
}

void
filter_want(const struct filter *f, struct factset_want *want)
{
	switch (f->kind) {
	case FILTER_AND:
	case FILTER_OR:
		filter_want(f->left, want);
		filter_want(f->right, want);
		break;
	case FILTER_NOT:
		filter_want(f->left, want);
		break;
	case FILTER_FACT:
		factset_want_key(want, f->key);
		break;
	case FILTER_CLASS:
		want->classes = 1;
		break;
	case FILTER_AGENT:
		want->agents = 1;
		break;
	}
}

/* Children of a chain of one kind (and, or), counted or written. */
static size_t
filter_chain(struct wire_writer *w, const struct filter *f,
    enum filter_kind kind)
{
	if (f->kind != kind) {
		if (w != NULL)
			filter_put(w, f);
		return (1);
	}
	return (filter_chain(w, f->left, kind) +
	    filter_chain(w, f->right, kind));
}

/*
 * The tree as nested arrays; a chain of "and" (or "or") is one array of
 * all its members, so twenty -F options nest no deeper than two.
 */
void
filter_put(struct wire_writer *w, const struct filter *f)
{
	switch (f->kind) {
	case FILTER_AND:
	case FILTER_OR:
		wire_put_array(w, 1 + filter_chain(NULL, f, f->kind));
		wire_put_str(w, f->kind == FILTER_AND ? "and" : "or");
		filter_chain(w, f, f->kind);
		break;
	case FILTER_NOT:
		wire_put_array(w, 2);
		wire_put_str(w, "not");
		filter_put(w, f->left);
		break;
	case FILTER_FACT:
		wire_put_array(w, 4);
		wire_put_str(w, "fact");
		wire_put_str(w, f->key);
		wire_put_str(w, filter_op_names[f->op]);
		wire_put_str(w, f->value);
		break;
	case FILTER_CLASS:
		wire_put_array(w, 3);
		wire_put_str(w, "class");
		wire_put_str(w, f->value);
		wire_put_bool(w, f->regex);
		break;
	case FILTER_AGENT:
		wire_put_array(w, 2);
		wire_put_str(w, "agent");
		wire_put_str(w, f->value);
		break;
	}
}

/* How deep filter_put() nests the tree. */
static int
filter_wire_depth(const struct filter *f)
{
	int	a, b;

	switch (f->kind) {
	case FILTER_AND:
	case FILTER_OR:
		/* Members of the chain sit one level down. */
		a = f->left->kind == f->kind ? filter_wire_depth(f->left) :
		    1 + filter_wire_depth(f->left);
		b = f->right->kind == f->kind ? filter_wire_depth(f->right) :
		    1 + filter_wire_depth(f->right);
		return (a > b ? a : b);
	case FILTER_NOT:
		return (1 + filter_wire_depth(f->left));
	default:
		return (1);
	}
}

/* Is the tree shallow enough to travel? -1 with *cause if not. */
int
filter_check_depth(const struct filter *f, char **cause)
{
	if (filter_wire_depth(f) > FILTER_DEPTH_MAX) {
		xasprintf(cause, "the filter nests deeper than %d levels",
		    FILTER_DEPTH_MAX);
		return (-1);
	}
	return (0);
}

/* Element i of a, as a new string within the term bound, or NULL. */
static char *
filter_wire_str(const msgpack_object *a, size_t i)
{
	const char	*s;
	size_t		 len;

	if (wire_str(wire_array_at(a, i), &s, &len) != 0 ||
	    len > FILTER_TERM_MAX || memchr(s, '\0', len) != NULL)
		return (NULL);
	return (xstrndup(s, len));
}

static struct filter *
filter_from_wire_depth(const msgpack_object *o, int depth, char **cause)
{
	struct filter	*f = NULL, *g;
	char		*kind = NULL, *op = NULL, *c2 = NULL;
	size_t		 n, i;
	int		 b;

	if (depth > FILTER_DEPTH_MAX) {
		xasprintf(cause, "filter nested deeper than %d",
		    FILTER_DEPTH_MAX);
		return (NULL);
	}
	if (wire_type(o) != WIRE_ARRAY || (n = wire_len(o)) < 2 ||
	    (kind = filter_wire_str(o, 0)) == NULL)
		goto bad;
	if ((strcmp(kind, "and") == 0 || strcmp(kind, "or") == 0) && n >= 3) {
		/* Members folded left: a and b and c. */
		for (i = 1; i < n; i++) {
			if ((g = filter_from_wire_depth(wire_array_at(o, i),
			    depth + 1, cause)) == NULL)
				goto fail;
			f = kind[0] == 'a' ? filter_and(f, g) :
			    filter_or(f, g);
		}
	} else if (strcmp(kind, "not") == 0 && n == 2) {
		f = filter_new(FILTER_NOT);
		if ((f->left = filter_from_wire_depth(wire_array_at(o, 1),
		    depth + 1, cause)) == NULL)
			goto fail;
	} else if (strcmp(kind, "fact") == 0 && n == 4) {
		f = filter_new(FILTER_FACT);
		if ((f->key = filter_wire_str(o, 1)) == NULL ||
		    (op = filter_wire_str(o, 2)) == NULL ||
		    (f->value = filter_wire_str(o, 3)) == NULL ||
		    *f->key == '\0')
			goto bad;
		for (i = 0; i < sizeof filter_op_names /
		    sizeof filter_op_names[0]; i++) {
			if (strcmp(op, filter_op_names[i]) == 0)
				break;
		}
		if (i == sizeof filter_op_names / sizeof filter_op_names[0])
			goto bad;
		f->op = (enum filter_op)i;
		if (f->op == FILTER_RE && filter_compile(f, &c2) != 0)
			goto regex;
	} else if (strcmp(kind, "class") == 0 && n == 3) {
		f = filter_new(FILTER_CLASS);
		if ((f->value = filter_wire_str(o, 1)) == NULL ||
		    wire_bool(wire_array_at(o, 2), &b) != 0 || *f->value == '\0')
			goto bad;
		if (b && filter_compile(f, &c2) != 0)
			goto regex;
	} else if (strcmp(kind, "agent") == 0 && n == 2) {
		f = filter_new(FILTER_AGENT);
		if ((f->value = filter_wire_str(o, 1)) == NULL ||
		    *f->value == '\0')
			goto bad;
	} else
		goto bad;
	free(kind);
	free(op);
	return (f);

regex:
	*cause = c2;
	goto fail;
bad:
	*cause = xstrdup("the filter is not a valid tree");
fail:
	free(kind);
	free(op);
	filter_free(f);
	return (NULL);
}

struct filter *
filter_from_wire(const msgpack_object *o, char **cause)
{
	return (filter_from_wire_depth(o, 0, cause));
}

/* A growing string, small and local (lib/ has no strbuf). */
static void
filter_cat(char **buf, size_t *len, size_t *size, const char *s, size_t n)
{
	if (*len + n + 1 > *size) {
		while (*len + n + 1 > *size)
			*size = *size == 0 ? 64 : *size * 2;
		*buf = xreallocarray(*buf, *size, 1);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* Would the lexer read s back as one bare value? */
static int
filter_plain_value(const char *s)
{
	return (*s != '\0' && strcspn(s, " \t\n()\"'") == strlen(s) &&
	    strchr("/~=!<>", *s) == NULL && strstr(s, "&&") == NULL &&
	    strstr(s, "||") == NULL);
}

/* Would it read s back as one class word? */
static int
filter_plain_word(const char *s)
{
	const char	*kw[] = { "and", "or", "not", NULL };
	size_t		 i;

	if (*s == '\0' || *s == '/' || strncmp(s, "&&", 2) == 0 ||
	    strncmp(s, "||", 2) == 0 || strncmp(s, "agent(", 6) == 0)
		return (0);
	for (i = 0; s[i] != '\0'; i++) {
		if (filter_word_end((unsigned char)s[i]))
			return (0);
	}
	for (i = 0; kw[i] != NULL; i++) {
		if (strcasecmp(s, kw[i]) == 0)
			return (0);
	}
	return (1);
}

/* s in double quotes, '"' and '\\' escaped. */
static void
filter_format_quoted(char **buf, size_t *len, size_t *size, const char *s)
{
	const char	*p;

	filter_cat(buf, len, size, "\"", 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			filter_cat(buf, len, size, "\\", 1);
		filter_cat(buf, len, size, p, 1);
	}
	filter_cat(buf, len, size, "\"", 1);
}

static void
filter_format_value(char **buf, size_t *len, size_t *size, const char *s)
{
	if (filter_plain_value(s))
		filter_cat(buf, len, size, s, strlen(s));
	else
		filter_format_quoted(buf, len, size, s);
}

/* Can s be written between slashes (no lone backslash at its end)? */
static int
filter_slashable(const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] == '\0')
				return (0);
			p++;
		}
	}
	return (*s != '\0');
}

/* /s/, with each slash not already escaped escaped. */
static void
filter_format_regex(char **buf, size_t *len, size_t *size, const char *s)
{
	const char	*p;

	filter_cat(buf, len, size, "/", 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			filter_cat(buf, len, size, p, 2);
			p++;
			continue;
		}
		if (*p == '/')
			filter_cat(buf, len, size, "\\", 1);
		filter_cat(buf, len, size, p, 1);
	}
	filter_cat(buf, len, size, "/", 1);
}

static void
filter_format_node(char **buf, size_t *len, size_t *size,
    const struct filter *f, int parent)
{
	int	paren;

	switch (f->kind) {
	case FILTER_AND:
	case FILTER_OR:
		/* Parentheses where the parent binds tighter, or under not. */
		paren = (f->kind == FILTER_OR && parent == FILTER_AND) ||
		    parent == FILTER_NOT;
		if (paren)
			filter_cat(buf, len, size, "(", 1);
		filter_format_node(buf, len, size, f->left, f->kind);
		filter_cat(buf, len, size, f->kind == FILTER_AND ? " and " :
		    " or ", f->kind == FILTER_AND ? 5 : 4);
		filter_format_node(buf, len, size, f->right, f->kind);
		if (paren)
			filter_cat(buf, len, size, ")", 1);
		break;
	case FILTER_NOT:
		filter_cat(buf, len, size, "not ", 4);
		filter_format_node(buf, len, size, f->left, FILTER_NOT);
		break;
	case FILTER_FACT:
		filter_cat(buf, len, size, f->key, strlen(f->key));
		if (f->op == FILTER_RE && !filter_slashable(f->value)) {
			/* "//", or "/\\/", would read as another regex. */
			filter_cat(buf, len, size, "=~", 2);
			filter_format_quoted(buf, len, size, f->value);
		} else if (f->op == FILTER_RE) {
			filter_cat(buf, len, size, "=", 1);
			filter_format_regex(buf, len, size, f->value);
		} else {
			filter_cat(buf, len, size, filter_op_names[f->op],
			    strlen(filter_op_names[f->op]));
			filter_format_value(buf, len, size, f->value);
		}
		break;
	case FILTER_CLASS:
		if (f->regex)
			filter_format_regex(buf, len, size, f->value);
		else if (filter_plain_word(f->value))
			filter_cat(buf, len, size, f->value, strlen(f->value));
		else
			filter_format_quoted(buf, len, size, f->value);
		break;
	case FILTER_AGENT:
		filter_cat(buf, len, size, "agent(", 6);
		filter_cat(buf, len, size, f->value, strlen(f->value));
		filter_cat(buf, len, size, ")", 1);
		break;
	}
}

char *
filter_format(const struct filter *f)
{
	char	*buf = NULL;
	size_t	 len = 0, size = 0;

	filter_cat(&buf, &len, &size, "", 0);
	filter_format_node(&buf, &len, &size, f, -1);
	return (buf);
}
