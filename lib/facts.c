/*
 * facts.c: a host's facts, classes and agents (facts.h), shared by the
 * agent, which gathers them, and the client, which caches and filters on
 * them.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "xmalloc.h"

/*
 * Keys, values and names live in the set's own pool of chunks, freed
 * together: a host's set is built once and read many times (the client
 * builds one per cached host for every filter), so one allocation per
 * few KiB beats two per fact.
 */
#define FACTS_POOL_CHUNK	4096
struct factset_pool {
	struct factset_pool	*next;
	size_t			 used;
	size_t			 size;
	char			 data[];
};

void
factset_init(struct factset *fs)
{
	memset(fs, 0, sizeof *fs);
	fs->sorted = 1;
}

/* A copy of len bytes of s, NUL-terminated, in the set's pool. */
static char *
factset_strndup(struct factset *fs, const char *s, size_t len)
{
	struct factset_pool	*p = fs->pool;
	size_t			 size;
	char			*out;

	if (p == NULL || p->size - p->used < len + 1) {
		size = len + 1 > FACTS_POOL_CHUNK ? len + 1 : FACTS_POOL_CHUNK;
		p = xmalloc(sizeof *p + size);
		p->size = size;
		p->used = 0;
		p->next = fs->pool;
		fs->pool = p;
	}
	out = p->data + p->used;
	memcpy(out, s, len);
	out[len] = '\0';
	p->used += len + 1;
	return (out);
}

static char *
factset_strdup(struct factset *fs, const char *s)
{
	return (factset_strndup(fs, s, strlen(s)));
}

void
factset_release(struct factset *fs)
{
	struct factset_pool	*p, *next;

	for (p = fs->pool; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
	free(fs->facts);
	free(fs->classes);
	free(fs->agents);
	factset_init(fs);
}

void
factset_reset(struct factset *fs)
{
	struct factset_pool	*p, *next;

	/* The newest chunk is kept (the others freed), empty. */
	if ((p = fs->pool) != NULL) {
		for (next = p->next; next != NULL; next = p->next) {
			p->next = next->next;
			free(next);
		}
		p->used = 0;
	}
	fs->nfacts = fs->nclasses = fs->nagents = 0;
	fs->sorted = 1;
	fs->complete = 0;
	fs->fallback = NULL;
}

/* The type text has: integer, float, boolean, or string. */
static enum fact_type
factset_guess(const char *text, int64_t *i, double *d, int *b)
{
	char		*end;
	long long	 ll;
	double		 x;

	if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
		*b = text[0] == 't';
		return (FACT_BOOLEAN);
	}
	if (*text == '\0' || strchr(" \t\n", *text) != NULL)
		return (FACT_STRING);
	errno = 0;
	ll = strtoll(text, &end, 10);
	if (*end == '\0' && errno == 0) {
		*i = ll;
		*d = (double)ll;
		return (FACT_INTEGER);
	}
	/* Only plain decimals: "1e5", "inf" and "0x10" stay strings. */
	if (strspn(text, "+-0123456789.") == strlen(text) &&
	    strchr(text, '.') != NULL) {
		errno = 0;
		x = strtod(text, &end);
		if (*end == '\0' && errno == 0 && isfinite(x)) {
			*d = x;
			return (FACT_FLOAT);
		}
	}
	return (FACT_STRING);
}

/* Append a fact whose text is len bytes; factset_sort() resolves repeats. */
static void
factset_append_n(struct factset *fs, const char *key, const char *text,
    size_t len, enum fact_type type, int64_t i, double d, int b)
{
	struct fact	*f;

	if (fs->nfacts == fs->afacts) {
		fs->afacts = fs->afacts == 0 ? 64 : fs->afacts * 2;
		fs->facts = xreallocarray(fs->facts, fs->afacts,
		    sizeof *fs->facts);
	}
	f = &fs->facts[fs->nfacts++];
	f->key = factset_strdup(fs, key);
	f->text = factset_strndup(fs, text, len);
	f->type = type;
	f->integer = i;
	f->number = d;
	f->boolean = b;
	/* Still sorted if it comes after the last key (a sorted source). */
	if (fs->sorted && fs->nfacts > 1 &&
	    strcmp(fs->facts[fs->nfacts - 2].key, f->key) >= 0)
		fs->sorted = 0;
}

/* Append a fact; duplicates are resolved by factset_sort(). */
static void
factset_append(struct factset *fs, const char *key, const char *text,
    enum fact_type type, int64_t i, double d, int b)
{
	factset_append_n(fs, key, text, strlen(text), type, i, d, b);
}


void
factset_set(struct factset *fs, const char *key, const char *text)
{
	int64_t		i = 0;
	double		d = 0;
	int		b = 0;
	enum fact_type	t;

	t = factset_guess(text, &i, &d, &b);
	factset_append(fs, key, text, t, i, d, b);
}

void
factset_set_typed(struct factset *fs, const char *key, const char *text,
    enum fact_type type)
{
	int64_t		i = 0;
	double		d = 0;
	int		b = 0;
	enum fact_type	t;

	t = factset_guess(text, &i, &d, &b);
	/* The type asked for, with the values the text gives it. */
	if (type == FACT_STRING || t == type ||
	    (type == FACT_FLOAT && t == FACT_INTEGER))
		factset_append(fs, key, text, type, i, d, b);
	else
		factset_append(fs, key, text, FACT_STRING, 0, 0, 0);
}

static void
factset_add_name(struct factset *fs, char ***v, size_t *n, size_t *a,
    const char *name)
{
	if (*n == *a) {
		*a = *a == 0 ? 16 : *a * 2;
		*v = xreallocarray(*v, *a, sizeof **v);
	}
	(*v)[(*n)++] = factset_strdup(fs, name);
	/* Still sorted if it comes after the last name. */
	if (fs->sorted && *n > 1 && strcmp((*v)[*n - 2], name) >= 0)
		fs->sorted = 0;
}

void
factset_add_class(struct factset *fs, const char *name)
{
	factset_add_name(fs, &fs->classes, &fs->nclasses, &fs->aclasses,
	    name);
}

void
factset_add_agent(struct factset *fs, const char *name)
{
	factset_add_name(fs, &fs->agents, &fs->nagents, &fs->aagents, name);
}

/* Keys in order; for equal keys, the one set later after. */
static int
factset_fact_cmp(const void *a, const void *b)
{
	const struct fact	*fa = a, *fb = b;
	int			 c;

	if ((c = strcmp(fa->key, fb->key)) != 0)
		return (c);
	/* Set order, kept in integer (see factset_sort). */
	return (fa->integer < fb->integer ? -1 : fa->integer > fb->integer);
}

static int
factset_name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Sort names and drop repeats. */
static void
factset_sort_names(char **v, size_t *n)
{
	size_t	i, j;

	if (*n < 2)
		return;
	qsort(v, *n, sizeof *v, factset_name_cmp);
	/* Repeats stay in the pool until the set is released. */
	for (i = 1, j = 1; i < *n; i++) {
		if (strcmp(v[i], v[j - 1]) != 0)
			v[j++] = v[i];
	}
	*n = j;
}

void
factset_sort(struct factset *fs)
{
	struct fact	*f, *keep;
	int64_t		*saved;
	size_t		 i, j;

	if (fs->sorted)
		return;
	if (fs->nfacts > 1) {
		/*
		 * qsort is not stable: sort on (key, set order), with the set
		 * order held in integer while sorting.
		 */
		saved = xreallocarray(NULL, fs->nfacts, sizeof *saved);
		for (i = 0; i < fs->nfacts; i++) {
			saved[i] = fs->facts[i].integer;
			fs->facts[i].integer = (int64_t)i;
		}
		qsort(fs->facts, fs->nfacts, sizeof *fs->facts,
		    factset_fact_cmp);
		for (i = 0; i < fs->nfacts; i++)
			fs->facts[i].integer = saved[fs->facts[i].integer];
		free(saved);
		/* Of equal keys, keep the last one set. */
		for (i = 0, j = 0; i < fs->nfacts; i++) {
			f = &fs->facts[i];
			if (i + 1 < fs->nfacts &&
			    strcmp(f->key, fs->facts[i + 1].key) == 0)
				continue;
			keep = &fs->facts[j++];
			if (keep != f)
				*keep = *f;
		}
		fs->nfacts = j;
	}
	factset_sort_names(fs->classes, &fs->nclasses);
	factset_sort_names(fs->agents, &fs->nagents);
	fs->sorted = 1;
}

const struct fact *
factset_get(const struct factset *fs, const char *key)
{
	size_t	lo, hi, mid;
	int	c;

	for (; fs != NULL; fs = fs->fallback) {
		lo = 0;
		hi = fs->nfacts;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			c = strcmp(key, fs->facts[mid].key);
			if (c == 0)
				return (&fs->facts[mid]);
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return (NULL);
}

static int
factset_has_name(char *const *v, size_t n, const char *name)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, v[mid]);
		if (c == 0)
			return (1);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (0);
}

int
factset_has_class(const struct factset *fs, const char *name)
{
	return (factset_has_name(fs->classes, fs->nclasses, name));
}

int
factset_has_agent(const struct factset *fs, const char *name)
{
	return (factset_has_name(fs->agents, fs->nagents, name));
}

void
factset_merge(struct factset *dst, const struct factset *src)
{
	const struct fact	*f;
	size_t			 i;

	for (i = 0; i < src->nfacts; i++) {
		f = &src->facts[i];
		factset_append(dst, f->key, f->text, f->type, f->integer,
		    f->number, f->boolean);
	}
	for (i = 0; i < src->nclasses; i++)
		factset_add_class(dst, src->classes[i]);
	for (i = 0; i < src->nagents; i++)
		factset_add_agent(dst, src->agents[i]);
}

void
factset_put_value(struct wire_writer *w, const struct fact *f)
{
	if (f == NULL) {
		wire_put_nil(w);
		return;
	}
	switch (f->type) {
	case FACT_INTEGER:
		wire_put_int(w, f->integer);
		break;
	case FACT_FLOAT:
		wire_put_double(w, f->number);
		break;
	case FACT_BOOLEAN:
		wire_put_bool(w, f->boolean);
		break;
	case FACT_STRING:
		wire_put_str(w, f->text);
		break;
	}
}

void
factset_put_facts(struct wire_writer *w, const struct factset *fs)
{
	size_t	i;

	wire_put_map(w, fs->nfacts);
	for (i = 0; i < fs->nfacts; i++) {
		wire_put_str(w, fs->facts[i].key);
		factset_put_value(w, &fs->facts[i]);
	}
}

static void
factset_put_names(struct wire_writer *w, char *const *v, size_t n)
{
	size_t	i;

	wire_put_array(w, n);
	for (i = 0; i < n; i++)
		wire_put_str(w, v[i]);
}

void
factset_put_classes(struct wire_writer *w, const struct factset *fs)
{
	factset_put_names(w, fs->classes, fs->nclasses);
}

void
factset_put_agents(struct wire_writer *w, const struct factset *fs)
{
	factset_put_names(w, fs->agents, fs->nagents);
}

void
factset_want_init(struct factset_want *w)
{
	memset(w, 0, sizeof *w);
}

void
factset_want_release(struct factset_want *w)
{
	size_t	i;

	for (i = 0; i < w->nkeys; i++)
		free(w->keys[i]);
	free(w->keys);
	factset_want_init(w);
}

void
factset_want_key(struct factset_want *w, const char *key)
{
	if (w->nkeys == w->akeys) {
		w->akeys = w->akeys == 0 ? 8 : w->akeys * 2;
		w->keys = xreallocarray(w->keys, w->akeys, sizeof *w->keys);
	}
	w->keys[w->nkeys++] = xstrdup(key);
}

void
factset_want_done(struct factset_want *w)
{
	size_t	i, j, len;

	if (w->nkeys > 1) {
		qsort(w->keys, w->nkeys, sizeof *w->keys, factset_name_cmp);
		for (i = 1, j = 1; i < w->nkeys; i++) {
			if (strcmp(w->keys[i], w->keys[j - 1]) == 0)
				free(w->keys[i]);
			else
				w->keys[j++] = w->keys[i];
		}
		w->nkeys = j;
	}
	/* The lengths of the keys, and where their dots are. */
	memset(w->lens, 0, sizeof w->lens);
	memset(w->dots, 0, sizeof w->dots);
	for (i = 0; i < w->nkeys; i++) {
		len = strlen(w->keys[i]);
		if (len < 64 * FACTS_WANT_WORDS)
			w->lens[len / 64] |= (uint64_t)1 << (len % 64);
		for (j = 0; j < len && j < 64 * FACTS_WANT_WORDS; j++) {
			if (w->keys[i][j] == '.')
				w->dots[j / 64] |= (uint64_t)1 << (j % 64);
		}
	}
}

/*
 * Does want name key (len bytes), or, for a map (prefix set), any key
 * under "key."? The first wanted key not below key decides.
 */
static int
factset_want_has(const struct factset_want *w, const char *key, size_t len,
    int prefix)
{
	size_t	lo = 0, hi = w->nkeys, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(w->keys[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < w->nkeys; lo++) {
		if (strncmp(w->keys[lo], key, len) != 0)
			return (0);
		if (!prefix)
			return (w->keys[lo][len] == '\0');
		if (w->keys[lo][len] == '.')
			return (1);
		/* "key" itself, or "key-x" sorting before "key.x": on. */
	}
	return (0);
}

/*
 * key (keylen bytes) extended by one map key k: "key.k", or "k" at the
 * top; the new length in *newlen. -1 with *cause on a key no fact has.
 */
static int
factset_key_push(char *key, size_t keylen, const char *k, size_t klen,
    size_t *newlen, const char **cause)
{
	if (klen == 0 || memchr(k, '\0', klen) != NULL) {
		*cause = "a fact key that is not a string";
		return (-1);
	}
	if (keylen + (keylen > 0) + klen > FACTS_KEY_MAX) {
		*cause = "a fact key too long";
		return (-1);
	}
	if (keylen > 0)
		key[keylen] = '.';
	memcpy(key + keylen + (keylen > 0), k, klen);
	*newlen = keylen + (keylen > 0) + klen;
	key[*newlen] = '\0';
	return (0);
}

/* A fact from one value that is not a map or nil; -1 with *cause. */
static int
factset_leaf(struct factset *fs, const char *key, const struct wire_item *v,
    const char **cause)
{
	char	buf[64];

	switch (v->type) {
	case WIRE_STR:
		if (v->n > FACTS_VALUE_MAX || memchr(v->s, '\0', v->n) != NULL) {
			*cause = "a fact value too long or holding NUL";
			return (-1);
		}
		factset_append_n(fs, key, v->s, v->n, FACT_STRING, 0, 0, 0);
		return (0);
	case WIRE_INT:
		snprintf(buf, sizeof buf, "%" PRId64, v->i);
		factset_append(fs, key, buf, FACT_INTEGER, v->i, (double)v->i,
		    0);
		return (0);
	case WIRE_DOUBLE:
		if (!isfinite(v->d)) {
			*cause = "a fact value that is not a finite number";
			return (-1);
		}
		snprintf(buf, sizeof buf, "%.17g", v->d);
		factset_append(fs, key, buf, FACT_FLOAT, 0, v->d, 0);
		return (0);
	case WIRE_BOOL:
		factset_append(fs, key, v->b ? "true" : "false", FACT_BOOLEAN,
		    0, 0, v->b);
		return (0);
	default:
		*cause = "a fact value of a type facts cannot have";
		return (-1);
	}
}

/* Is a class or agent name acceptable? */
static int
factset_name_ok(const char *s, size_t len)
{
	return (len > 0 && len <= FACTS_KEY_MAX * 4 &&
	    memchr(s, '\0', len) == NULL);
}

/* Add a name of len bytes (checked) with add. */
static void
factset_name_add(struct factset *fs, const char *s, size_t len,
    void (*add)(struct factset *, const char *))
{
	char	t[FACTS_KEY_MAX * 4 + 1];

	memcpy(t, s, len);
	t[len] = '\0';
	add(fs, t);
}

/* One decoded value under key (a prefix for maps); -1 with *cause. */
static int
factset_from_value(struct factset *fs, char *key, size_t keylen,
    const msgpack_object *o, int depth, const struct factset_want *want,
    const char **cause)
{
	const msgpack_object	*v;
	struct wire_item	 item;
	const char		*k;
	size_t			 i, klen, newlen;

	if (fs->nfacts >= FACTS_MAX) {
		*cause = "too many facts";
		return (-1);
	}
	switch (wire_type(o)) {
	case WIRE_MAP:
		if (depth >= 8) {
			*cause = "facts nested too deep";
			return (-1);
		}
		/* Nothing wanted below: skipped (the top is always read). */
		if (want != NULL && keylen > 0 &&
		    !factset_want_has(want, key, keylen, 1))
			return (0);
		for (i = 0; i < wire_len(o); i++) {
			if (wire_map_at(o, i, &k, &klen, &v) != 0) {
				*cause = "a fact key that is not a string";
				return (-1);
			}
			if (factset_key_push(key, keylen, k, klen, &newlen,
			    cause) != 0 || factset_from_value(fs, key, newlen,
			    v, depth + 1, want, cause) != 0)
				return (-1);
			key[keylen] = '\0';
		}
		return (0);
	case WIRE_NIL:
		return (0);
	default:
		/* A leaf: kept if wanted (a value not wanted is not checked). */
		if (want != NULL && !factset_want_has(want, key, keylen, 0))
			return (0);
		wire_item_of(o, &item);
		return (factset_leaf(fs, key, &item, cause));
	}
}

/* An array of names into v; -1 with *cause. */
static int
factset_names_from_wire(struct factset *fs, const msgpack_object *a,
    void (*add)(struct factset *, const char *), const char **cause)
{
	const char	*s;
	size_t		 i, len;

	if (wire_type(a) != WIRE_ARRAY || wire_len(a) > FACTS_CLASSES_MAX_N) {
		*cause = "classes or agents that are not a list of names";
		return (-1);
	}
	for (i = 0; i < wire_len(a); i++) {
		if (wire_str(wire_array_at(a, i), &s, &len) != 0 ||
		    !factset_name_ok(s, len)) {
			*cause = "a class or agent that is not a name";
			return (-1);
		}
		factset_name_add(fs, s, len, add);
	}
	return (0);
}

int
factset_from_wire(struct factset *fs, const msgpack_object *facts,
    const msgpack_object *classes, const msgpack_object *agents,
    const char **cause)
{
	return (factset_from_wire_want(fs, facts, classes, agents, NULL,
	    cause));
}

int
factset_from_wire_want(struct factset *fs, const msgpack_object *facts,
    const msgpack_object *classes, const msgpack_object *agents,
    const struct factset_want *want, const char **cause)
{
	char	key[FACTS_KEY_MAX + 1];

	key[0] = '\0';
	if (facts != NULL) {
		if (wire_type(facts) != WIRE_MAP) {
			*cause = "facts that are not a map";
			return (-1);
		}
		if (factset_from_value(fs, key, 0, facts, 0, want, cause) != 0)
			return (-1);
	}
	if (want != NULL && !want->classes)
		classes = NULL;
	if (want != NULL && !want->agents)
		agents = NULL;
	if (classes != NULL && factset_names_from_wire(fs, classes,
	    factset_add_class, cause) != 0)
		return (-1);
	if (agents != NULL && factset_names_from_wire(fs, agents,
	    factset_add_agent, cause) != 0)
		return (-1);
	factset_sort(fs);
	return (0);
}

/*
 * Might want name a key of len bytes (leaf), or one under a key of len
 * bytes (a '.' at len)? A cheap no for most of a record's keys, before
 * any is built.
 */
static int
factset_want_len(const struct factset_want *w, size_t len, int prefix)
{
	const uint64_t	*bits = prefix ? w->dots : w->lens;

	if (len >= 64 * FACTS_WANT_WORDS)
		return (0);
	return ((bits[len / 64] >> (len % 64)) & 1);
}

/*
 * The in-place twin of factset_from_value(): the n entries of a map at
 * the reader under key; what want does not name is skipped unbuilt.
 */
static int
factset_from_reader(struct factset *fs, char *key, size_t keylen,
    struct wire_reader *r, size_t n, int depth,
    const struct factset_want *want, const char **cause)
{
	struct wire_item	k, v;
	size_t			i, start, newlen;
	int			container;

	for (i = 0; i < n; i++) {
		if (fs->nfacts >= FACTS_MAX) {
			*cause = "too many facts";
			return (-1);
		}
		if (wire_read(r, &k) != 0 || k.type != WIRE_STR) {
			*cause = "a fact key that is not a string";
			return (-1);
		}
		start = r->pos;
		if (wire_read(r, &v) != 0) {
			*cause = "malformed msgpack";
			return (-1);
		}
		container = v.type == WIRE_MAP || v.type == WIRE_ARRAY;
		newlen = keylen + (keylen > 0) + k.n;
		if (v.type == WIRE_NIL)
			continue;
		if (want != NULL && !factset_want_len(want, newlen,
		    v.type == WIRE_MAP)) {
			/* Not wanted: skipped whole, and not checked. */
			if (container) {
				r->pos = start;
				if (wire_read_skip(r) != 0) {
					*cause = "malformed msgpack";
					return (-1);
				}
			}
			continue;
		}
		if (factset_key_push(key, keylen, k.s, k.n, &newlen,
		    cause) != 0)
			return (-1);
		if (v.type == WIRE_MAP) {
			if (depth + 1 >= 8) {
				*cause = "facts nested too deep";
				return (-1);
			}
			if (want != NULL &&
			    !factset_want_has(want, key, newlen, 1)) {
				r->pos = start;
				if (wire_read_skip(r) != 0) {
					*cause = "malformed msgpack";
					return (-1);
				}
			} else if (factset_from_reader(fs, key, newlen, r, v.n,
			    depth + 1, want, cause) != 0)
				return (-1);
		} else if (want == NULL ||
		    factset_want_has(want, key, newlen, 0)) {
			if (factset_leaf(fs, key, &v, cause) != 0)
				return (-1);
		}
		key[keylen] = '\0';
	}
	return (0);
}

/* An array of names at the reader, added unless skip; -1 with *cause. */
static int
factset_names_from_reader(struct factset *fs, struct wire_reader *r,
    int skip, void (*add)(struct factset *, const char *), const char **cause)
{
	struct wire_item	item, name;
	size_t			i;

	if (wire_read(r, &item) != 0 || item.type != WIRE_ARRAY ||
	    item.n > FACTS_CLASSES_MAX_N) {
		*cause = "classes or agents that are not a list of names";
		return (-1);
	}
	for (i = 0; i < item.n; i++) {
		if (wire_read(r, &name) != 0 || name.type != WIRE_STR ||
		    !factset_name_ok(name.s, name.n)) {
			*cause = "a class or agent that is not a name";
			return (-1);
		}
		if (!skip)
			factset_name_add(fs, name.s, name.n, add);
	}
	return (0);
}

int
factset_from_record(struct factset *fs, const void *buf, size_t len,
    const struct factset_want *want, const char **cause)
{
	struct wire_reader	r;
	struct wire_item	map, k, facts;
	char			key[FACTS_KEY_MAX + 1];
	size_t			i;
	int			rc = 0;

	key[0] = '\0';
	wire_reader_init(&r, buf, len);
	if (wire_read(&r, &map) != 0 || map.type != WIRE_MAP) {
		*cause = "a record that is not a map";
		return (-1);
	}
	for (i = 0; i < map.n && rc == 0; i++) {
		if (wire_read(&r, &k) != 0 || k.type != WIRE_STR) {
			*cause = "a record key that is not a string";
			return (-1);
		}
		if (k.n == 5 && memcmp(k.s, "facts", 5) == 0) {
			if (wire_read(&r, &facts) != 0 ||
			    facts.type != WIRE_MAP) {
				*cause = "facts that are not a map";
				return (-1);
			}
			rc = factset_from_reader(fs, key, 0, &r, facts.n, 0,
			    want, cause);
		} else if (k.n == 7 && memcmp(k.s, "classes", 7) == 0)
			rc = factset_names_from_reader(fs, &r, want != NULL &&
			    !want->classes, factset_add_class, cause);
		else if (k.n == 6 && memcmp(k.s, "agents", 6) == 0)
			rc = factset_names_from_reader(fs, &r, want != NULL &&
			    !want->agents, factset_add_agent, cause);
		else if (wire_read_skip(&r) != 0) {
			*cause = "malformed msgpack";
			return (-1);
		}
	}
	if (rc != 0)
		return (-1);
	if (r.pos != len) {
		*cause = "bytes after a record";
		return (-1);
	}
	factset_sort(fs);
	return (0);
}
