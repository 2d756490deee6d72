/*
 * select.c: which hosts a command targets. -w names hosts (ranges, "-"
 * for stdin, "@file"), -x removes some, and without -w the inventory
 * supplies every host it lists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muster.h"

/* Bytes read from stdin or a file for -w at most, in all and a line. */
#define SELECT_INPUT_MAX	(16 * 1024 * 1024)
#define SELECT_LINE_MAX		(1024 * 1024)

/* An empty selection. */
void
selection_init(struct selection *sel)
{
	memset(sel, 0, sizeof *sel);
	hostlist_init(&sel->include);
	hostlist_init(&sel->exclude);
}

/* Free a selection. */
void
selection_release(struct selection *sel)
{
	hostlist_release(&sel->include);
	hostlist_release(&sel->exclude);
	free(sel->inventory);
	free(sel->inventory_used);
	filter_free(sel->filter);
	filter_free(sel->identity);
	free(sel->limit);
	free(sel->rerun);
	hostlist_release(&sel->unknown);
}

/*
 * Read a whole stream of names, bounded (a NUL byte, an endless line or
 * stream is an error); '#' comments are dropped per line.
 */
static char *
selection_read(FILE *fp, const char *what, char **cause)
{
	struct textfile	 tf;
	struct strbuf	 sb = STRBUF_INIT;
	char		*hash;
	int		 r;

	textfile_init(&tf, fp, what, SELECT_LINE_MAX, SELECT_INPUT_MAX);
	while ((r = textfile_getline(&tf, cause)) == 1) {
		if ((hash = strchr(tf.line.buf, '#')) != NULL)
			*hash = '\0';
		strbuf_addstr(&sb, tf.line.buf);
		strbuf_addch(&sb, '\n');
	}
	textfile_release(&tf);
	if (r != 0) {
		strbuf_release(&sb);
		return (NULL);
	}
	return (strbuf_detach(&sb));
}

/* Add one -w or -x argument to a list. */
int
selection_add(struct hostlist *l, const char *arg, char **cause)
{
	FILE	*fp;
	char	*text, *c2 = NULL;
	int	 rc;

	if (strcmp(arg, "-") == 0) {
		if ((text = selection_read(stdin, "stdin", cause)) == NULL)
			return (-1);
	} else if (arg[0] == '@') {
		if ((fp = fopen(arg + 1, "r")) == NULL) {
			xasprintf(cause, "%s: %s", arg + 1, strerror(errno));
			return (-1);
		}
		text = selection_read(fp, arg + 1, cause);
		fclose(fp);
		if (text == NULL)
			return (-1);
	} else
		text = xstrdup(arg);
	rc = hostlist_expand(l, text, &c2);
	if (rc != 0) {
		*cause = c2;
	}
	free(text);
	return (rc);
}

/*
 * A metadata filter option: -I alternatives are ORed, everything else
 * ANDed; parsed now, so a mistake is reported before anything is read.
 */
int
selection_filter(struct selection *sel, int ch, const char *arg,
    char **cause)
{
	struct filter	*f = NULL;
	char		*c2 = NULL;

	switch (ch) {
	case 'F':
		f = filter_parse_fact(arg, &c2);
		/* ssh -F habits: say where the ssh_config goes. */
		if (f == NULL && strchr(arg, '/') != NULL &&
		    strpbrk(arg, "=<>!") == NULL) {
			xasprintf(cause, "%s (an ssh_config is given with"
			    " --ssh-config FILE)", c2);
			free(c2);
			return (-1);
		}
		break;
	case 'C':
		f = filter_parse_class(arg, &c2);
		break;
	case 'I':
		f = filter_parse_identity(arg, &c2);
		break;
	case 'A':
		f = filter_parse_agent(arg, &c2);
		break;
	case 'W':
		f = filter_parse_words(arg, &c2);
		break;
	case 'S':
		f = filter_parse(arg, &c2);
		break;
	}
	if (f == NULL) {
		*cause = c2;
		return (-1);
	}
	if (ch == 'I')
		sel->identity = filter_or(sel->identity, f);
	else
		sel->filter = filter_and(sel->filter, f);
	return (0);
}

/* The one filter of the selection (owned by it), or NULL. */
const struct filter *
selection_the_filter(struct selection *sel)
{
	if (sel->identity != NULL) {
		sel->filter = filter_and(sel->filter, sel->identity);
		sel->identity = NULL;
	}
	return (sel->filter);
}

/* The inventory path: -i, $MUSTER_INVENTORY, the user's, the system's. */
static char *
selection_inventory_path(struct selection *sel, const char *configured)
{
	const char	*env = getenv("MUSTER_INVENTORY");
	char		*dir, *path;

	if (sel->inventory != NULL)
		return (xstrdup(sel->inventory));
	if (env != NULL && *env != '\0')
		return (xstrdup(env));
	if (configured != NULL)
		return (xstrdup(configured));
	dir = config_dir();
	xasprintf(&path, "%s/inventory", dir);
	free(dir);
	if (access(path, R_OK) == 0)
		return (path);
	free(path);
	if (access("/etc/muster/inventory", R_OK) == 0)
		return (xstrdup("/etc/muster/inventory"));
	return (NULL);
}

/*
 * What is known of a host here: the inventory's static facts and its name
 * as identity (a partial set), or the cache's record with the static
 * facts filling in (a complete set: the host's own facts win).
 */
static void
selection_host_facts(const char *name, const struct inventory *inv,
    const struct factcache *cache, struct factset *fs)
{
	const struct inventory_host	*ih;
	const struct factset		*cached = NULL;
	struct factset			 own;
	size_t				 i;

	factset_init(fs);
	factset_set(fs, "identity", name);
	if (inv != NULL && (ih = inventory_find(inv, name)) != NULL) {
		for (i = 0; i < ih->nfacts; i++)
			factset_set(fs, ih->facts[i].key, ih->facts[i].value);
	}
	if (cache != NULL &&
	    (cached = factcache_get(cache, name, NULL)) != NULL) {
		factset_init(&own);
		factset_merge(&own, cached);
		factset_sort(&own);
		factset_merge(fs, &own);
		factset_release(&own);
		fs->complete = 1;
	}
	factset_sort(fs);
}

/*
 * Keep the hosts the filter may match: a host whose facts are known and
 * do not match is dropped; one whose facts are not known (no cache
 * record, or --discovery live) is kept, and decides itself when the
 * request's filter reaches it. Those are listed in sel->unknown.
 */
static int
selection_apply_filter(struct selection *sel, const struct inventory *inv,
    struct hostlist *out, char **cause)
{
	const struct filter	*f;
	struct factcache	*cache = NULL;
	struct factset		 fs;
	struct hostlist		 keep = HOSTLIST_INIT;
	enum filter_result	 r;
	size_t			 i;

	(void)cause;
	if ((f = selection_the_filter(sel)) == NULL)
		return (0);
	if (!sel->discovery_live)
		cache = factcache_load();
	for (i = 0; i < out->n; i++) {
		selection_host_facts(out->hosts[i], inv, cache, &fs);
		r = filter_eval(f, &fs);
		if (r == FILTER_YES || r == FILTER_UNKNOWN) {
			hostlist_add(&keep, out->hosts[i]);
			if (r == FILTER_UNKNOWN)
				hostlist_add(&sel->unknown, out->hosts[i]);
		}
		factset_release(&fs);
	}
	factcache_free(cache);
	log_debug("%s: %zu of %zu hosts may match, %zu of them unknown",
	    __func__, keep.n, out->n, sel->unknown.n);
	hostlist_release(out);
	*out = keep;
	return (0);
}

/* The inventory for static facts, if there is one; NULL otherwise. */
static struct inventory *
selection_static_inventory(struct selection *sel, const char *configured)
{
	struct inventory	*inv;
	char			*path, *cause = NULL;

	if ((path = selection_inventory_path(sel, configured)) == NULL)
		return (NULL);
	if ((inv = inventory_load(path, &cause)) == NULL) {
		log_warnx("%s; its static facts are not used", cause);
		free(cause);
	}
	free(path);
	return (inv);
}

/* The selected hosts. */
int
selection_resolve(struct selection *sel, const char *configured,
    struct hostlist *out, char **cause)
{
	struct inventory	*inv = NULL;
	char			*path;
	size_t			 i;

	if (sel->have_w) {
		for (i = 0; i < sel->include.n; i++)
			hostlist_add(out, sel->include.hosts[i]);
	} else {
		path = selection_inventory_path(sel, configured);
		if (path == NULL) {
			*cause = xstrdup("no hosts selected: give -w LIST, or"
			    " an inventory with -i FILE or $MUSTER_INVENTORY");
			return (-1);
		}
		if ((inv = inventory_load(path, cause)) == NULL) {
			free(path);
			return (-1);
		}
		free(sel->inventory_used);
		sel->inventory_used = path;
		for (i = 0; i < inv->nhosts; i++)
			hostlist_add(out, inv->hosts[i].name);
	}
	hostlist_uniq(out);
	hostlist_remove(out, &sel->exclude);
	/* The metadata filters, on what is known here. */
	if (selection_the_filter(sel) != NULL) {
		if (inv == NULL)
			inv = selection_static_inventory(sel, configured);
		if (selection_apply_filter(sel, inv, out, cause) != 0) {
			inventory_free(inv);
			return (-1);
		}
	}
	inventory_free(inv);
	return (0);
}
