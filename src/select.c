/*
 * select.c: which hosts a command targets. -w names hosts (ranges, "-"
 * for stdin, "^file", "@group" of the inventory), -x removes some, and
 * without -w the inventory supplies every host it lists. --rerun takes the
 * hosts from the previous run's record instead, and --limit keeps a
 * random subset of whatever was chosen, last.
 */
#include <errno.h>
#include <stdint.h>
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

/*
 * A list with groups in it, "@web,db[1-2]": each comma-separated part (not
 * within brackets) that is "@GROUP" is kept as it is, the others expanded.
 */
static int
selection_add_groups(struct hostlist *l, const char *arg, char **cause)
{
	char	*copy, *part, *p;
	int	 depth = 0, last = 0, rc = 0;

	copy = xstrdup(arg);
	for (part = p = copy; !last && rc == 0; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && depth > 0)
			depth--;
		else if ((*p == ',' && depth == 0) || *p == '\0') {
			last = (*p == '\0');
			*p = '\0';
			if (*part != '@')
				rc = *part == '\0' ? 0 :
				    hostlist_expand(l, part, cause);
			else if (part[1] == '\0') {
				*cause = xstrdup("'@' needs a group name"
				    " (@GROUP), or ^FILE for names from a"
				    " file");
				rc = -1;
			} else
				hostlist_add(l, part);
			part = p + 1;
		}
	}
	free(copy);
	return (rc);
}

/*
 * Add one -w or -x argument to a list. "@GROUP" needs the inventory, which
 * is known only once every option is read (-i may come later): it is kept
 * as it is, a word no host name can be ('@' is not a name character), and
 * selection_resolve() expands it.
 */
int
selection_add(struct hostlist *l, const char *arg, char **cause)
{
	FILE	*fp;
	char	*text, *c2 = NULL;
	int	 rc;

	if (strcmp(arg, "-") == 0) {
		if ((text = selection_read(stdin, "stdin", cause)) == NULL)
			return (-1);
	} else if (arg[0] == '^') {
		if ((fp = fopen(arg + 1, "r")) == NULL) {
			xasprintf(cause, "%s: %s", arg + 1, strerror(errno));
			return (-1);
		}
		text = selection_read(fp, arg + 1, cause);
		fclose(fp);
		if (text == NULL)
			return (-1);
	} else if (strchr(arg, '@') != NULL)
		return (selection_add_groups(l, arg, cause));
	else
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
 * What the inventory says of a host: its static facts and its name as
 * identity, a partial set, into fs (reset here: one set serves every
 * host).
 */
static void
selection_static_facts(const char *name, const struct inventory *inv,
    struct factset *fs, struct strbuf *groups)
{
	const struct inventory_host	*ih;
	size_t				 i;

	factset_reset(fs);
	strbuf_reset(groups);
	factset_set(fs, "identity", name);
	if (inv != NULL && (ih = inventory_find(inv, name)) != NULL) {
		for (i = 0; i < ih->nfacts; i++) {
			/* Groups accumulate: joined, as facts shows them. */
			if (strcmp(ih->facts[i].key, "group") == 0) {
				if (groups->len > 0)
					strbuf_addch(groups, ',');
				strbuf_addstr(groups, ih->facts[i].value);
				continue;
			}
			factset_set(fs, ih->facts[i].key, ih->facts[i].value);
		}
	}
	if (groups->len > 0)
		factset_set_typed(fs, "group", groups->buf, FACT_STRING);
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
	const struct factset	*cached;
	struct factcache	*cache = NULL;
	struct factset		 fs, scratch, view;
	struct factset_want	 want;
	struct strbuf		 groups = STRBUF_INIT;
	struct hostlist		 keep = HOSTLIST_INIT;
	enum filter_result	 r;
	size_t			 i;

	(void)cause;
	if ((f = selection_the_filter(sel)) == NULL)
		return (0);
	/* --discovery live: nothing known here decides; every host does. */
	if (sel->discovery_live) {
		for (i = 0; i < out->n; i++)
			hostlist_add(&sel->unknown, out->hosts[i]);
		return (0);
	}
	cache = factcache_load();
	/* Of each record, only what the filter reads is built. */
	factset_want_init(&want);
	filter_want(f, &want);
	factset_want_done(&want);
	factset_init(&fs);
	factset_init(&scratch);
	for (i = 0; i < out->n; i++) {
		selection_static_facts(out->hosts[i], inv, &fs, &groups);
		/*
		 * A cache record is the host's whole story, its static facts
		 * filling in where it says nothing (a view, not a copy).
		 */
		if (cache != NULL && (cached = factcache_view(cache,
		    out->hosts[i], &want, &scratch, NULL)) != NULL) {
			view = *cached;
			view.fallback = &fs;
			view.complete = 1;
			r = filter_eval(f, &view);
		} else
			r = filter_eval(f, &fs);
		if (r == FILTER_YES || r == FILTER_UNKNOWN) {
			hostlist_add(&keep, out->hosts[i]);
			if (r == FILTER_UNKNOWN)
				hostlist_add(&sel->unknown, out->hosts[i]);
		}
	}
	factset_release(&fs);
	factset_release(&scratch);
	factset_want_release(&want);
	strbuf_release(&groups);
	factcache_free(cache);
	log_debug("%s: %zu of %zu hosts may match, %zu of them unknown",
	    __func__, keep.n, out->n, sel->unknown.n);
	hostlist_release(out);
	*out = keep;
	return (0);
}

/*
 * Load the inventory once: 0 with *inv set, 1 if there is none, -1 with
 * *cause. The file read is kept in sel->inventory_used.
 */
static int
selection_inventory(struct selection *sel, const char *configured,
    struct inventory **inv, char **cause)
{
	char	*path;

	if (*inv != NULL)
		return (0);
	if ((path = selection_inventory_path(sel, configured)) == NULL)
		return (1);
	if ((*inv = inventory_load(path, cause)) == NULL) {
		free(path);
		return (-1);
	}
	free(sel->inventory_used);
	sel->inventory_used = path;
	return (0);
}

/* Is the host in the group (a [GROUP] header or a group= fact)? */
static int
selection_in_group(const struct inventory_host *h, const char *group)
{
	size_t	i;

	for (i = 0; i < h->nfacts; i++) {
		if (strcmp(h->facts[i].key, "group") == 0 &&
		    strcmp(h->facts[i].value, group) == 0)
			return (1);
	}
	return (0);
}

/* The groups the inventory knows, sorted, ", " between them. */
static char *
selection_groups(const struct inventory *inv)
{
	struct hostlist	 groups = HOSTLIST_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i, j;

	for (i = 0; i < inv->nhosts; i++) {
		for (j = 0; j < inv->hosts[i].nfacts; j++) {
			if (strcmp(inv->hosts[i].facts[j].key, "group") == 0)
				hostlist_add(&groups,
				    inv->hosts[i].facts[j].value);
		}
	}
	hostlist_uniq(&groups);
	hostlist_sort(&groups);
	for (i = 0; i < groups.n; i++)
		strbuf_addf(&sb, "%s%s", i == 0 ? "" : ", ", groups.hosts[i]);
	hostlist_release(&groups);
	if (sb.len == 0)
		strbuf_addstr(&sb, "none");
	return (strbuf_detach(&sb));
}

/*
 * Append the hosts of a -w or -x list (opt) to out, expanding each
 * "@GROUP" from the inventory.
 */
static int
selection_expand(struct selection *sel, const char *configured,
    const char *opt, const struct hostlist *in, struct hostlist *out,
    struct inventory **inv, char **cause)
{
	const char	*word;
	char		*groups;
	size_t		 i, j, before;
	int		 rc, file;

	for (i = 0; i < in->n; i++) {
		if (in->hosts[i][0] != '@') {
			hostlist_add(out, in->hosts[i]);
			continue;
		}
		word = in->hosts[i] + 1;
		if ((rc = selection_inventory(sel, configured, inv,
		    cause)) == -1)
			return (-1);
		before = out->n;
		if (rc == 0) {
			for (j = 0; j < (*inv)->nhosts; j++) {
				if (selection_in_group(&(*inv)->hosts[j],
				    word))
					hostlist_add(out,
					    (*inv)->hosts[j].name);
			}
		}
		if (out->n > before)
			continue;
		/* What @FILE meant before it became ^FILE. */
		file = strchr(word, '/') != NULL || access(word, F_OK) == 0;
		if (file)
			xasprintf(cause, "%s @%s: %s @FILE is now %s ^FILE",
			    opt, word, opt, opt);
		else if (rc == 1)
			xasprintf(cause, "%s @%s: no inventory to find group"
			    " '%s' in (give -i FILE or $MUSTER_INVENTORY)",
			    opt, word, word);
		else {
			groups = selection_groups(*inv);
			xasprintf(cause, "%s @%s: no group '%s' in %s (groups:"
			    " %s)", opt, word, word, sel->inventory_used,
			    groups);
			free(groups);
		}
		return (-1);
	}
	return (0);
}

/* splitmix64: a small, good generator for a seeded shuffle. */
static uint64_t
selection_splitmix(uint64_t *state)
{
	uint64_t	z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/*
 * --limit N|N%: keep N hosts chosen at random, in their order. The same
 * seed over the same list keeps the same hosts; without --limit-seed the
 * seed is random, and -v tells it and the hosts kept.
 */
static void
selection_limit(struct selection *sel, struct hostlist *l)
{
	unsigned long	 seed;
	uint64_t	 state;
	size_t		*idx, n, i, j, t;
	char		*keep, *folded;

	if (schedule_count(sel->limit, l->n, &n) != 0 || n >= l->n)
		return;
	if (sel->have_limit_seed)
		seed = sel->limit_seed;
	else {
		if (getentropy(&seed, sizeof seed) != 0)
			seed = (unsigned long)time(NULL) ^
			    (unsigned long)getpid();
		/* One --limit-seed takes, so -v's can be given again. */
		seed = 1 + seed % 1000000;
	}
	state = seed;
	idx = xcalloc(l->n, sizeof *idx);
	for (i = 0; i < l->n; i++)
		idx[i] = i;
	/* Fisher-Yates; the first n of the shuffle are kept. */
	for (i = l->n - 1; i > 0; i--) {
		j = (size_t)(selection_splitmix(&state) % (i + 1));
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	keep = xcalloc(l->n, 1);
	for (i = 0; i < n; i++)
		keep[idx[i]] = 1;
	for (i = j = 0; i < l->n; i++) {
		if (keep[i])
			l->hosts[j++] = l->hosts[i];
		else
			free(l->hosts[i]);
	}
	l->n = j;
	free(keep);
	free(idx);
	folded = hostlist_fold(l->hosts, l->n);
	log_debug("--limit %s --limit-seed %lu: %zu hosts: %s", sel->limit,
	    seed, l->n, folded);
	free(folded);
}

/* The selected hosts. */
int
selection_resolve(struct selection *sel, const char *configured,
    struct hostlist *out, char **cause)
{
	struct inventory	*inv = NULL;
	struct hostlist		 exclude = HOSTLIST_INIT;
	size_t			 i;
	int			 rc = -1;

	if (selection_expand(sel, configured, "-x", &sel->exclude, &exclude,
	    &inv, cause) != 0)
		goto out;
	if (sel->rerun != NULL) {
		/* The previous run's hosts replace -w and the inventory. */
		if (runrecord_hosts(sel->rerun, out, cause) != 0)
			goto out;
		if (out->n == 0)
			log_warnx("no host %s in the previous run",
			    strcmp(sel->rerun, "failed") == 0 ? "failed" :
			    "went unanswered");
	} else if (sel->have_w) {
		if (selection_expand(sel, configured, "-w", &sel->include,
		    out, &inv, cause) != 0)
			goto out;
	} else {
		switch (selection_inventory(sel, configured, &inv, cause)) {
		case -1:
			goto out;
		case 1:
			*cause = xstrdup("no hosts selected: give -w LIST, or"
			    " an inventory with -i FILE or $MUSTER_INVENTORY");
			goto out;
		}
		/* Unique already: an inventory lists a host once. */
		for (i = 0; i < inv->nhosts; i++)
			hostlist_add(out, inv->hosts[i].name);
	}
	if (sel->rerun != NULL || sel->have_w)
		hostlist_uniq(out);
	hostlist_remove(out, &exclude);

	/* The metadata filters, on what is known here. */
	if (selection_the_filter(sel) != NULL) {
		if (selection_inventory(sel, configured, &inv, cause) == -1 ||
		    selection_apply_filter(sel, inv, out, cause) != 0)
			goto out;
	}

	/* Last: a subset of what every other rule chose. */
	if (sel->limit != NULL)
		selection_limit(sel, out);
	rc = 0;
out:
	inventory_free(inv);
	hostlist_release(&exclude);
	return (rc);
}

/*
 * The selected hosts, for a command that needs at least one: 0, or the
 * exit status after one line saying why (64: the selection is wrong; 1:
 * no host matched).
 */
int
selection_hosts(struct cmd_ctx *ctx, struct hostlist *l)
{
	char	*cause = NULL;

	if (selection_resolve(&ctx->sel, ctx->config.inventory, l,
	    &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	if (l->n == 0) {
		log_warnx("no host matched the selection");
		return (EXIT_NO_MATCH);
	}
	return (EXIT_ALL_OK);
}
