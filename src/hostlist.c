/*
 * hostlist.c: ordered lists of host names, and the range syntax that names
 * many hosts at once ("web[01-20,33],db1"), in both directions: expanding a
 * spec into names and folding names back into the shortest spec, with
 * ClusterShell's rules for zero padding.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

/* The most names one bracketed name may expand to. */
#define HOSTLIST_MAX_EXPAND	100000
/* Longest number in a range; keeps every value in an unsigned long long. */
#define HOSTLIST_MAX_DIGITS	18
/* How much of a spec an error message quotes. */
#define HOSTLIST_QUOTE_MAX	64

/* One element of a bracket group: lo..hi, printed with width digits. */
struct hostlist_range {
	unsigned long long	lo;
	unsigned long long	hi;
	int			width;	/* 0: no padding */
};

/* The text before a bracket group, and the group's ranges. */
struct hostlist_part {
	const char		*text;
	size_t			 textlen;
	struct hostlist_range	*ranges;
	size_t			 nranges;
	size_t			 rsize;	/* ranges allocated */
	size_t			 count;	/* names in this group */
};

/* A name split for folding: prefix, last number, suffix. */
struct hostlist_entry {
	const char		*name;
	size_t			 plen;	/* prefix length */
	const char		*suffix;
	size_t			 slen;
	int			 hasnum;
	int			 width;	/* 0: unpadded */
	size_t			 nlen;	/* digits in the number */
	unsigned long long	 value;
};

/* Initialise an empty list. */
void
hostlist_init(struct hostlist *hl)
{
	hl->hosts = NULL;
	hl->n = 0;
	hl->size = 0;
}

/* Free the names and the array; the list is empty and usable again. */
void
hostlist_release(struct hostlist *hl)
{
	size_t	i;

	for (i = 0; i < hl->n; i++)
		free(hl->hosts[i]);
	free(hl->hosts);
	hostlist_init(hl);
}

static void
hostlist_add_owned(struct hostlist *hl, char *name)
{
	if (hl->n == hl->size) {
		hl->size = hl->size == 0 ? 16 : hl->size * 2;
		hl->hosts = xreallocarray(hl->hosts, hl->size,
		    sizeof *hl->hosts);
	}
	hl->hosts[hl->n++] = name;
}

/* Append a copy of one name. */
void
hostlist_add(struct hostlist *hl, const char *name)
{
	hostlist_add_owned(hl, xstrdup(name));
}

static int
hostlist_name_char(int c)
{
	return (isascii(c) && (isalnum(c) || c == '.' || c == '-' ||
	    c == '_' || c == ':'));
}

static int
hostlist_is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v');
}

/* Quote at most HOSTLIST_QUOTE_MAX bytes of s (for error messages). */
static char *
hostlist_quote(const char *s, size_t len)
{
	char	*q;

	if (len > HOSTLIST_QUOTE_MAX)
		xasprintf(&q, "'%.*s...'", HOSTLIST_QUOTE_MAX, s);
	else
		xasprintf(&q, "'%.*s'", (int)len, s);
	return (q);
}

/* Describe a character for an error message. */
static void
hostlist_char_name(int c, char *buf, size_t size)
{
	if (isascii(c) && isprint(c))
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "0x%02x", (unsigned char)c);
}

/*
 * Parse one number of a range at *pp. Returns 0 and sets the value, digit
 * count and whether it has a leading zero, or -1 with *what.
 */
static int
hostlist_parse_number(const char **pp, const char *end,
    unsigned long long *value, size_t *ndigits, int *zero, const char **what)
{
	const char		*p = *pp;
	unsigned long long	 v = 0;
	size_t			 n = 0;

	while (p < end && isdigit((unsigned char)*p)) {
		if (++n > HOSTLIST_MAX_DIGITS) {
			*what = "number too large";
			return (-1);
		}
		v = v * 10 + (unsigned long long)(*p - '0');
		p++;
	}
	if (n == 0) {
		*what = "missing number";
		return (-1);
	}
	*value = v;
	*ndigits = n;
	*zero = (n > 1 && **pp == '0');
	*pp = p;
	return (0);
}

/*
 * Parse the inside of one bracket group, [start, end), into part. tok and
 * toklen name the whole name for messages.
 */
static int
hostlist_parse_group(struct hostlist_part *part, const char *start,
    const char *end, const char *tok, size_t toklen, char **cause)
{
	const char		*p = start, *what = NULL, *elem;
	struct hostlist_range	*r;
	unsigned long long	 lo, hi, n;
	size_t			 lodigits, hidigits;
	int			 lozero, hizero;
	char			*q, cn[8];

	if (start == end) {
		q = hostlist_quote(tok, toklen);
		xasprintf(cause, "empty range in %s", q);
		free(q);
		return (-1);
	}
	for (p = start; p < end; p++) {
		if (!isdigit((unsigned char)*p) && *p != '-' && *p != ',') {
			hostlist_char_name((unsigned char)*p, cn, sizeof cn);
			q = hostlist_quote(tok, toklen);
			xasprintf(cause, "bad character %s in %s", cn, q);
			free(q);
			return (-1);
		}
	}
	p = start;
	for (;;) {
		elem = p;
		if (hostlist_parse_number(&p, end, &lo, &lodigits, &lozero,
		    &what) != 0)
			goto bad;
		hi = lo;
		hidigits = lodigits;
		hizero = lozero;
		if (p < end && *p == '-') {
			p++;
			if (hostlist_parse_number(&p, end, &hi, &hidigits,
			    &hizero, &what) != 0)
				goto bad;
			if (lo > hi) {
				q = hostlist_quote(tok, toklen);
				xasprintf(cause, "bad range %s: %.*s is above "
				    "%.*s", q, (int)lodigits, elem,
				    (int)hidigits, p - hidigits);
				free(q);
				return (-1);
			}
			if (lozero && hizero && lodigits != hidigits) {
				what = "mismatched zero padding";
				goto bad;
			}
		}
		if (p < end && *p != ',') {
			what = "expected ',' or ']'";
			goto bad;
		}

		n = hi - lo + 1;
		if (n > HOSTLIST_MAX_EXPAND ||
		    part->count + n > HOSTLIST_MAX_EXPAND) {
			q = hostlist_quote(tok, toklen);
			xasprintf(cause, "range %s expands to more than %d "
			    "names", q, HOSTLIST_MAX_EXPAND);
			free(q);
			return (-1);
		}
		if (part->nranges == part->rsize) {
			part->rsize = part->rsize == 0 ? 4 : part->rsize * 2;
			part->ranges = xreallocarray(part->ranges, part->rsize,
			    sizeof *part->ranges);
		}
		r = &part->ranges[part->nranges++];
		r->lo = lo;
		r->hi = hi;
		if (lozero)
			r->width = (int)lodigits;
		else if (hizero)
			r->width = (int)hidigits;
		else
			r->width = 0;
		part->count += n;

		if (p == end)
			break;
		p++;	/* the comma */
		if (p == end) {
			what = "missing number";
			goto bad;
		}
	}
	return (0);

bad:
	q = hostlist_quote(tok, toklen);
	xasprintf(cause, "bad range %s: %s", q, what);
	free(q);
	return (-1);
}

static void
hostlist_free_parts(struct hostlist_part *parts, size_t nparts)
{
	size_t	i;

	for (i = 0; i < nparts; i++)
		free(parts[i].ranges);
	free(parts);
}

/* Write the name for the current odometer position and append it. */
static void
hostlist_emit(struct hostlist *hl, const struct hostlist_part *parts,
    size_t nparts, const size_t *ri, const unsigned long long *val,
    const char *tail, size_t taillen, char *buf)
{
	const struct hostlist_range	*r;
	char				*p = buf;
	size_t				 i;
	int				 n;

	for (i = 0; i < nparts; i++) {
		memcpy(p, parts[i].text, parts[i].textlen);
		p += parts[i].textlen;
		r = &parts[i].ranges[ri[i]];
		n = sprintf(p, "%0*llu", r->width, val[i]);
		p += n;
	}
	memcpy(p, tail, taillen);
	p[taillen] = '\0';
	hostlist_add(hl, buf);
}

/*
 * Expand one name, which may hold bracket groups, and append the names; or,
 * with hl NULL, only add their number to *count.
 */
static int
hostlist_expand_one(struct hostlist *hl, const char *tok, size_t toklen,
    size_t *count, char **cause)
{
	struct hostlist_part	*parts = NULL;
	size_t			 nparts = 0, psize = 0, i, total = 1;
	size_t			 maxlen;
	size_t			*ri = NULL;
	unsigned long long	*val = NULL;
	const char		*p, *end = tok + toklen, *text, *close;
	char			*buf = NULL, *q, cn[8];
	int			 rc = -1;

	if (*tok == '-') {
		q = hostlist_quote(tok, toklen);
		xasprintf(cause, "bad name %s: names may not begin with '-'",
		    q);
		free(q);
		return (-1);
	}

	text = p = tok;
	while (p < end) {
		if (*p == ']') {
			q = hostlist_quote(tok, toklen);
			xasprintf(cause, "unbalanced brackets in %s", q);
			free(q);
			goto out;
		}
		if (*p != '[') {
			if (!hostlist_name_char((unsigned char)*p)) {
				hostlist_char_name((unsigned char)*p, cn,
				    sizeof cn);
				q = hostlist_quote(tok, toklen);
				xasprintf(cause, "bad character %s in %s", cn,
				    q);
				free(q);
				goto out;
			}
			p++;
			continue;
		}
		close = memchr(p + 1, ']', (size_t)(end - p - 1));
		if (close == NULL || memchr(p + 1, '[',
		    (size_t)(close - p - 1)) != NULL) {
			q = hostlist_quote(tok, toklen);
			xasprintf(cause, "unbalanced brackets in %s", q);
			free(q);
			goto out;
		}
		if (nparts == psize) {
			psize = psize == 0 ? 4 : psize * 2;
			parts = xreallocarray(parts, psize, sizeof *parts);
		}
		memset(&parts[nparts], 0, sizeof parts[nparts]);
		parts[nparts].text = text;
		parts[nparts].textlen = (size_t)(p - text);
		nparts++;
		if (hostlist_parse_group(&parts[nparts - 1], p + 1, close,
		    tok, toklen, cause) != 0)
			goto out;
		total *= parts[nparts - 1].count;
		if (total > HOSTLIST_MAX_EXPAND) {
			q = hostlist_quote(tok, toklen);
			xasprintf(cause, "range %s expands to more than %d "
			    "names", q, HOSTLIST_MAX_EXPAND);
			free(q);
			goto out;
		}
		text = p = close + 1;
	}

	*count += total;
	if (hl == NULL) {
		rc = 0;
		goto out;
	}
	if (nparts == 0) {
		hostlist_add_owned(hl, xstrndup(tok, toklen));
		rc = 0;
		goto out;
	}

	/* Odometer over the groups, the last one turning fastest. */
	maxlen = toklen + 1;
	for (i = 0; i < nparts; i++)
		maxlen += HOSTLIST_MAX_DIGITS + 1;
	buf = xmalloc(maxlen);
	ri = xcalloc(nparts, sizeof *ri);
	val = xcalloc(nparts, sizeof *val);
	for (i = 0; i < nparts; i++)
		val[i] = parts[i].ranges[0].lo;
	for (;;) {
		hostlist_emit(hl, parts, nparts, ri, val, text,
		    (size_t)(end - text), buf);
		i = nparts;
		while (i > 0) {
			i--;
			if (val[i] < parts[i].ranges[ri[i]].hi) {
				val[i]++;
				break;
			}
			if (ri[i] + 1 < parts[i].nranges) {
				ri[i]++;
				val[i] = parts[i].ranges[ri[i]].lo;
				break;
			}
			ri[i] = 0;
			val[i] = parts[i].ranges[0].lo;
			if (i == 0) {
				rc = 0;
				goto out;
			}
		}
	}

out:
	free(buf);
	free(ri);
	free(val);
	hostlist_free_parts(parts, nparts);
	return (rc);
}

/*
 * Walk the names of spec: expand each and append it, or with hl NULL only
 * count them into *count, stopping as soon as the count passes room.
 */
static int
hostlist_walk(struct hostlist *hl, const char *spec, size_t room,
    size_t *count, char **cause)
{
	const char	*p = spec, *tok;
	size_t		 ntok = 0;
	int		 comma, depth;
	char		*q;

	for (;;) {
		/*
		 * Separators: whitespace with at most one comma, and no comma
		 * before the first name or after the last.
		 */
		comma = 0;
		while (*p == ',' || hostlist_is_space((unsigned char)*p)) {
			if (*p == ',')
				comma++;
			p++;
		}
		if (comma > 1 || (comma && (ntok == 0 || *p == '\0'))) {
			q = hostlist_quote(spec, strlen(spec));
			xasprintf(cause, "empty name in %s", q);
			free(q);
			return (-1);
		}
		if (*p == '\0')
			break;

		/* A name ends at a separator outside brackets. */
		tok = p;
		depth = 0;
		while (*p != '\0') {
			if (*p == '[')
				depth = 1;
			else if (*p == ']')
				depth = 0;
			else if (depth == 0 && (*p == ',' ||
			    hostlist_is_space((unsigned char)*p)))
				break;
			else if (depth == 1 && (*p == '\n' || *p == '\r'))
				break;
			p++;
		}
		if (hostlist_expand_one(hl, tok, (size_t)(p - tok), count,
		    cause) != 0)
			return (-1);
		if (*count > room) {
			q = hostlist_quote(spec, strlen(spec));
			xasprintf(cause, "too many host names: %s takes the "
			    "selection past %d", q, HOSTLIST_MAX_NAMES);
			free(q);
			return (-1);
		}
		ntok++;
	}
	return (0);
}

/*
 * Expand spec and append at most room names. The names are counted first,
 * before any is allocated, so a spec of a few bytes that names millions of
 * hosts costs nothing but the error.
 */
int
hostlist_expand_room(struct hostlist *hl, const char *spec, size_t room,
    char **cause)
{
	size_t	old = hl->n, i, n = 0;

	if (hostlist_walk(NULL, spec, room, &n, cause) != 0)
		return (-1);
	n = 0;
	if (hostlist_walk(hl, spec, room, &n, cause) != 0) {
		for (i = old; i < hl->n; i++)
			free(hl->hosts[i]);
		hl->n = old;
		return (-1);
	}
	return (0);
}

/*
 * Expand spec and append the names. Names are separated by commas outside
 * brackets or by whitespace, so a file of names may be passed as it is.
 * The list holds at most HOSTLIST_MAX_NAMES names in all.
 */
int
hostlist_expand(struct hostlist *hl, const char *spec, char **cause)
{
	size_t	room;

	room = hl->n < HOSTLIST_MAX_NAMES ? HOSTLIST_MAX_NAMES - hl->n : 0;
	return (hostlist_expand_room(hl, spec, room, cause));
}

/* Drop repeated names, keeping the first of each. */
void
hostlist_uniq(struct hostlist *hl)
{
	struct nameset	set = NAMESET_INIT;
	size_t		i, j = 0;

	nameset_reserve(&set, hl->n);
	for (i = 0; i < hl->n; i++) {
		if (nameset_add(&set, hl->hosts[i], i))
			hl->hosts[j++] = hl->hosts[i];
		else
			free(hl->hosts[i]);
	}
	hl->n = j;
	nameset_release(&set);
}

/* Remove every name that is in the second list. */
void
hostlist_remove(struct hostlist *hl, const struct hostlist *drop)
{
	struct nameset	set = NAMESET_INIT;
	size_t		i, j = 0;

	if (drop->n == 0)
		return;
	nameset_reserve(&set, drop->n);
	for (i = 0; i < drop->n; i++)
		nameset_add(&set, drop->hosts[i], i);
	for (i = 0; i < hl->n; i++) {
		if (nameset_find(&set, hl->hosts[i], NULL))
			free(hl->hosts[i]);
		else
			hl->hosts[j++] = hl->hosts[i];
	}
	hl->n = j;
	nameset_release(&set);
}

/* Is the name in the list? */
int
hostlist_has(const struct hostlist *hl, const char *name)
{
	size_t	i;

	for (i = 0; i < hl->n; i++) {
		if (strcmp(hl->hosts[i], name) == 0)
			return (1);
	}
	return (0);
}

/*
 * The natural order of two names, as strcmp returns it: runs of digits
 * compare by value, everything else byte by byte. Equal values with more
 * leading zeros sort after, and strcmp breaks any remaining tie so the
 * order is total.
 */
int
hostlist_natcmp(const char *a, const char *b)
{
	const char	*sa = a, *sb = b, *ea, *eb, *za, *zb;
	size_t		 la, lb;
	int		 tie = 0, c;

	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				/* nothing */;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				/* nothing */;
			for (za = a; za < ea - 1 && *za == '0'; za++)
				/* nothing */;
			for (zb = b; zb < eb - 1 && *zb == '0'; zb++)
				/* nothing */;
			la = (size_t)(ea - za);
			lb = (size_t)(eb - zb);
			if (la != lb)
				return (la < lb ? -1 : 1);
			if ((c = memcmp(za, zb, la)) != 0)
				return (c);
			if (tie == 0 && ea - a != eb - b)
				tie = (ea - a) < (eb - b) ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return ((unsigned char)*a < (unsigned char)*b ? -1 : 1);
		a++;
		b++;
	}
	if (*a != '\0' || *b != '\0')
		return (*a == '\0' ? -1 : 1);
	if (tie != 0)
		return (tie);
	return (strcmp(sa, sb));
}

static int
hostlist_natcmp_cb(const void *a, const void *b)
{
	return (hostlist_natcmp(*(char *const *)a, *(char *const *)b));
}

/* Sort names naturally (node2 before node10). */
void
hostlist_sort(struct hostlist *hl)
{
	if (hl->n > 1)
		qsort(hl->hosts, hl->n, sizeof *hl->hosts, hostlist_natcmp_cb);
}

/* Split name at its last run of digits. */
static void
hostlist_entry_split(struct hostlist_entry *e, const char *name)
{
	const char	*end, *start;
	size_t		 len = strlen(name);

	memset(e, 0, sizeof *e);
	e->name = name;
	end = name + len;
	while (end > name && !isdigit((unsigned char)end[-1]))
		end--;
	start = end;
	while (start > name && isdigit((unsigned char)start[-1]))
		start--;
	if (end == name || (size_t)(end - start) > HOSTLIST_MAX_DIGITS) {
		/* No number that can be folded: the name is its own group. */
		e->plen = len;
		e->suffix = name + len;
		return;
	}
	e->hasnum = 1;
	e->plen = (size_t)(start - name);
	e->suffix = end;
	e->slen = len - (size_t)(end - name);
	e->nlen = (size_t)(end - start);
	if (e->nlen > 1 && *start == '0')
		e->width = (int)e->nlen;
	for (; start < end; start++)
		e->value = e->value * 10 + (unsigned long long)(*start - '0');
}

static int
hostlist_bytecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	c;

	if ((c = memcmp(a, b, alen < blen ? alen : blen)) != 0)
		return (c);
	if (alen != blen)
		return (alen < blen ? -1 : 1);
	return (0);
}

/* Order by prefix and suffix only. */
static int
hostlist_entry_affix_cmp(const struct hostlist_entry *a,
    const struct hostlist_entry *b)
{
	int	c;

	if (a->hasnum != b->hasnum)
		return (a->hasnum < b->hasnum ? -1 : 1);
	if ((c = hostlist_bytecmp(a->name, a->plen, b->name, b->plen)) != 0)
		return (c);
	return (hostlist_bytecmp(a->suffix, a->slen, b->suffix, b->slen));
}

/* Order by prefix, suffix, width (padded first) then digits. */
static int
hostlist_entry_cmp_cb(const void *va, const void *vb)
{
	const struct hostlist_entry	*a = va, *b = vb;
	int				 c;

	if ((c = hostlist_entry_affix_cmp(a, b)) != 0)
		return (c);
	if (a->width != b->width)
		return (a->width > b->width ? -1 : 1);
	if (a->nlen != b->nlen)
		return (a->nlen < b->nlen ? -1 : 1);
	if (a->value != b->value)
		return (a->value < b->value ? -1 : 1);
	return (0);
}

/* Same group: same prefix, suffix and width. */
static int
hostlist_entry_same_group(const struct hostlist_entry *a,
    const struct hostlist_entry *b)
{
	if (!a->hasnum || !b->hasnum)
		return (0);
	return (hostlist_entry_affix_cmp(a, b) == 0 && a->width == b->width);
}

struct hostlist_group {
	struct hostlist_entry	*first;
	size_t			 n;
};

static int
hostlist_group_cmp_cb(const void *va, const void *vb)
{
	const struct hostlist_group	*a = va, *b = vb;

	return (hostlist_natcmp(a->first->name, b->first->name));
}

static void
hostlist_fold_group(struct strbuf *sb, const struct hostlist_group *g)
{
	const struct hostlist_entry	*e = g->first;
	size_t				 i, j;

	if (g->n == 1) {
		strbuf_addstr(sb, e->name);
		return;
	}
	strbuf_add(sb, e->name, e->plen);
	strbuf_addch(sb, '[');
	for (i = 0; i < g->n; i = j + 1) {
		j = i;
		while (j + 1 < g->n && e[j + 1].value == e[j].value + 1)
			j++;
		if (i != 0)
			strbuf_addch(sb, ',');
		strbuf_addf(sb, "%0*llu", e[i].width, e[i].value);
		if (j != i)
			strbuf_addf(sb, "-%0*llu", e[j].width, e[j].value);
	}
	strbuf_addch(sb, ']');
	strbuf_add(sb, e->suffix, e->slen);
}

/*
 * Fold names into the shortest range form; new string. Names that differ
 * only in their last number, with the same prefix, suffix and width, fold
 * into one group. As in ClusterShell, a number with a leading zero keeps
 * its width and one without is unpadded; but an unpadded number at least
 * as long as a padded group's width joins that group, because it prints
 * the same there ("node[001-1000]" holds node1000).
 */
char *
hostlist_fold(char *const *names, size_t n)
{
	struct hostlist_entry	*e;
	struct hostlist_group	*groups;
	struct strbuf		 sb = STRBUF_INIT;
	size_t			 i, j, k, ngroups = 0;
	int			 w;
	unsigned char		 widths[HOSTLIST_MAX_DIGITS + 1];

	if (n == 0)
		return (xstrdup(""));

	e = xcalloc(n, sizeof *e);
	for (i = 0; i < n; i++)
		hostlist_entry_split(&e[i], names[i]);
	qsort(e, n, sizeof *e, hostlist_entry_cmp_cb);

	/* Within each prefix and suffix, move unpadded numbers to groups. */
	for (i = 0; i < n; i = j) {
		j = i + 1;
		while (j < n && hostlist_entry_affix_cmp(&e[i], &e[j]) == 0)
			j++;
		if (!e[i].hasnum)
			continue;
		memset(widths, 0, sizeof widths);
		for (k = i; k < j; k++) {
			if (e[k].width != 0)
				widths[e[k].width] = 1;
		}
		for (k = i; k < j; k++) {
			if (e[k].width != 0)
				continue;
			for (w = (int)e[k].nlen; w > 1; w--) {
				if (widths[w]) {
					e[k].width = w;
					break;
				}
			}
		}
	}
	qsort(e, n, sizeof *e, hostlist_entry_cmp_cb);

	/* Drop duplicates, then cut into groups. */
	for (i = 1, j = 1; i < n; i++) {
		if (strcmp(e[i].name, e[j - 1].name) != 0)
			e[j++] = e[i];
	}
	n = j;
	groups = xcalloc(n, sizeof *groups);
	for (i = 0; i < n; i = j) {
		j = i + 1;
		while (j < n && hostlist_entry_same_group(&e[i], &e[j]))
			j++;
		groups[ngroups].first = &e[i];
		groups[ngroups].n = j - i;
		ngroups++;
	}
	qsort(groups, ngroups, sizeof *groups, hostlist_group_cmp_cb);

	for (i = 0; i < ngroups; i++) {
		if (i != 0)
			strbuf_addch(&sb, ',');
		hostlist_fold_group(&sb, &groups[i]);
	}
	free(groups);
	free(e);
	return (strbuf_detach(&sb));
}

/*
 * hostlist_fold() for a person to read on one line: past max bytes, the
 * first hosts (in natural order) that fold within it, then "and N more".
 */
char *
hostlist_fold_max(char *const *names, size_t n, size_t max)
{
	char	**sorted, *s, *best = NULL;
	size_t	  lo = 1, hi, mid, k = 0;

	s = hostlist_fold(names, n);
	if (strlen(s) <= max || n < 2)
		return (s);
	free(s);
	sorted = xreallocarray(NULL, n, sizeof *sorted);
	memcpy(sorted, names, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, hostlist_natcmp_cb);
	/* The most hosts whose fold fits: folds grow with the hosts. */
	for (hi = n - 1; lo <= hi; ) {
		mid = lo + (hi - lo) / 2;
		s = hostlist_fold(sorted, mid);
		if (strlen(s) <= max) {
			free(best);
			best = s;
			k = mid;
			lo = mid + 1;
		} else {
			free(s);
			hi = mid - 1;
		}
	}
	if (best == NULL) {
		best = hostlist_fold(sorted, 1);
		k = 1;
	}
	xasprintf(&s, "%s and %zu more", best, n - k);
	free(best);
	free(sorted);
	return (s);
}
