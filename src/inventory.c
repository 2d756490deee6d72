/*
 * inventory.c: the static inventory file (DESIGN section 3). Each line names
 * hosts with a host spec and gives them facts:
 *
 *	# comment
 *	[web]				group=web for the lines below
 *	web[01-20] role=frontend dc=par	# ranges expand; trailing comment
 *	db1 "note=two words"
 *
 * A line that is only "[NAME]" is a group header (so a bare "[1-3]" is a
 * group; "[1-3] key=value" is a host line). Values may be double quoted to
 * hold spaces or '#'. A host named on several lines gets the union of its
 * facts: a later value replaces an earlier one, except for group, which
 * accumulates. Hosts keep the order of their first mention; a hash table
 * makes lookups cheap for large fleets.
 */
#include <ctype.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

/*
 * Bounds on what is read: an endless stream (-i /dev/zero) or line is an
 * error, not a growing buffer. The names are bounded apart (hostlist.c).
 */
#define INVENTORY_LINE_MAX	(1024 * 1024)
#define INVENTORY_FILE_MAX	((size_t)256 * 1024 * 1024)

/* The public structure, and the set that indexes its hosts by name. */
struct inventory_private {
	struct inventory	 inv;	/* first, so the pointers convert */
	size_t			 size;	/* hosts allocated */
	struct nameset		 names;	/* host name -> index in hosts */
};

static struct inventory_host *
inventory_lookup(const struct inventory_private *ip, const char *name)
{
	size_t	i;

	if (!nameset_find(&ip->names, name, &i))
		return (NULL);
	return (&ip->inv.hosts[i]);
}

static struct inventory_host *
inventory_get(struct inventory_private *ip, const char *name)
{
	struct inventory	*inv = &ip->inv;
	struct inventory_host	*h;

	if ((h = inventory_lookup(ip, name)) != NULL)
		return (h);
	if (inv->nhosts == ip->size) {
		ip->size = ip->size == 0 ? 64 : ip->size * 2;
		inv->hosts = xreallocarray(inv->hosts, ip->size,
		    sizeof *inv->hosts);
	}
	h = &inv->hosts[inv->nhosts];
	memset(h, 0, sizeof *h);
	h->name = xstrdup(name);
	/* The set keeps h->name, which stays put when hosts moves. */
	nameset_add(&ip->names, h->name, inv->nhosts++);
	return (h);
}

/* Set a fact: replace the value, except group, which accumulates. */
static void
inventory_set(struct inventory_host *h, const char *key, const char *value)
{
	struct inventory_fact	*f;
	size_t			 i;
	int			 group = (strcmp(key, "group") == 0);

	for (i = 0; i < h->nfacts; i++) {
		f = &h->facts[i];
		if (strcmp(f->key, key) != 0)
			continue;
		if (group) {
			if (strcmp(f->value, value) == 0)
				return;
			continue;
		}
		free(f->value);
		f->value = xstrdup(value);
		return;
	}
	h->facts = xreallocarray(h->facts, h->nfacts + 1, sizeof *h->facts);
	f = &h->facts[h->nfacts++];
	f->key = xstrdup(key);
	f->value = xstrdup(value);
}

static int
inventory_name_char(int c)
{
	return (isascii(c) && (isalnum(c) || c == '_' || c == '-' ||
	    c == '.'));
}

/*
 * Is the line a "[NAME]" header? Returns 1 and sets *group (allocated),
 * 0 if not a header, -1 with *cause if it looks like one but is bad.
 */
static int
inventory_header(const char *path, int lineno, const char *line,
    char **group, char **cause)
{
	const char	*p, *end, *hash;
	size_t		 i;

	p = line + strspn(line, " \t");
	if (*p != '[')
		return (0);
	/* A comment starts at a '#' after whitespace. */
	end = p + strlen(p);
	for (hash = p; (hash = strchr(hash, '#')) != NULL; hash++) {
		if (hash[-1] == ' ' || hash[-1] == '\t') {
			end = hash;
			break;
		}
	}
	while (end > p && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	if (end[-1] != ']')
		return (0);	/* a host spec such as "[1-3] role=x" */

	for (i = 1; p + i < end - 1; i++) {
		if (!inventory_name_char((unsigned char)p[i]))
			break;
	}
	if (end - p < 3 || p + i != end - 1) {
		xasprintf(cause, "%s:%d: bad group header '%.*s' (group names "
		    "hold letters, digits, '_', '-' and '.')", path, lineno,
		    (int)(end - p), p);
		return (-1);
	}
	*group = xstrndup(p + 1, (size_t)(end - p - 2));
	return (1);
}

/*
 * Parse one host line; -1 with *cause. *expanded counts the names of every
 * line so far against HOSTLIST_MAX_NAMES (a name on two lines counts
 * twice: expanding it twice costs twice).
 */
static int
inventory_line(struct inventory_private *ip, const char *path, int lineno,
    const char *line, const char *group, size_t *expanded, char **cause)
{
	struct hostlist		 hl = HOSTLIST_INIT;
	struct inventory_host	*h;
	char			**argv = NULL, *eq, *error = NULL;
	size_t			  argc = 0, i, j, k;
	int			  rc = -1;

	if (words_split(line, WORDS_INVENTORY, &argv, &argc) != 0) {
		xasprintf(cause, "%s:%d: unterminated quote", path, lineno);
		goto out;
	}
	if (argc == 0) {
		rc = 0;
		goto out;
	}
	if (strchr(argv[0], '=') != NULL) {
		xasprintf(cause, "%s:%d: expected a host spec before '%s'",
		    path, lineno, argv[0]);
		goto out;
	}
	for (i = 1; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL) {
			xasprintf(cause, "%s:%d: bad fact '%s' (expected "
			    "key=value)", path, lineno, argv[i]);
			goto out;
		}
		for (j = 0; argv[i] + j < eq; j++) {
			if (!inventory_name_char((unsigned char)argv[i][j]))
				break;
		}
		if (j == 0 || argv[i] + j != eq) {
			xasprintf(cause, "%s:%d: bad fact name in '%s' (names "
			    "hold letters, digits, '_', '-' and '.')", path,
			    lineno, argv[i]);
			goto out;
		}
	}
	if (hostlist_expand_room(&hl, argv[0], HOSTLIST_MAX_NAMES - *expanded,
	    &error) != 0) {
		xasprintf(cause, "%s:%d: %s", path, lineno, error);
		free(error);
		goto out;
	}
	if (hl.n == 0) {
		xasprintf(cause, "%s:%d: no host in '%s'", path, lineno,
		    argv[0]);
		goto out;
	}
	*expanded += hl.n;

	for (k = 0; k < hl.n; k++) {
		h = inventory_get(ip, hl.hosts[k]);
		if (group != NULL)
			inventory_set(h, "group", group);
		for (i = 1; i < argc; i++) {
			eq = strchr(argv[i], '=');
			*eq = '\0';
			inventory_set(h, argv[i], eq + 1);
			*eq = '=';
		}
	}
	rc = 0;

out:
	hostlist_release(&hl);
	words_free(argv, argc);
	return (rc);
}

/* Load; NULL with *cause allocated ("FILE:LINE: ...") on error. */
struct inventory *
inventory_load(const char *path, char **cause)
{
	struct inventory_private	*ip;
	struct stat			 sb;
	struct textfile			 tf;
	FILE				*f;
	char				*group = NULL, *g;
	size_t				 expanded = 0;
	int				 lineno, r;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "inventory %s: %s", path, strerror(errno));
		return (NULL);
	}
	ip = xcalloc(1, sizeof *ip);
	/* Room for a host a short line: a large file rehashes no more. */
	if (fstat(fileno(f), &sb) == 0 && sb.st_size > 0 &&
	    (uintmax_t)sb.st_size < INVENTORY_FILE_MAX)
		nameset_reserve(&ip->names, (size_t)sb.st_size / 16);
	textfile_init(&tf, f, path, INVENTORY_LINE_MAX, INVENTORY_FILE_MAX);
	while ((r = textfile_getline(&tf, cause)) == 1) {
		lineno = (int)tf.lineno;
		if ((r = inventory_header(path, lineno, tf.line.buf, &g,
		    cause)) < 0)
			goto fail;
		if (r == 1) {
			free(group);
			group = g;
			continue;
		}
		if (inventory_line(ip, path, lineno, tf.line.buf, group,
		    &expanded, cause) != 0)
			goto fail;
	}
	if (r != 0)
		goto fail;
	textfile_release(&tf);
	free(group);
	fclose(f);
	log_debug("%s: %s: %zu hosts", __func__, path, ip->inv.nhosts);
	return (&ip->inv);

fail:
	textfile_release(&tf);
	free(group);
	fclose(f);
	inventory_free(&ip->inv);
	return (NULL);
}

/* Free an inventory; NULL is fine. */
void
inventory_free(struct inventory *inv)
{
	struct inventory_private	*ip = (struct inventory_private *)inv;
	struct inventory_host		*h;
	size_t				 i, j;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nhosts; i++) {
		h = &inv->hosts[i];
		for (j = 0; j < h->nfacts; j++) {
			free(h->facts[j].key);
			free(h->facts[j].value);
		}
		free(h->facts);
		free(h->name);
	}
	free(inv->hosts);
	nameset_release(&ip->names);
	free(ip);
}

/* The host of that name, or NULL. */
const struct inventory_host *
inventory_find(const struct inventory *inv, const char *name)
{
	if (inv == NULL)
		return (NULL);
	return (inventory_lookup((const struct inventory_private *)inv,
	    name));
}
