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

/* A metadata filter option. */
int
selection_filter(struct selection *sel, int ch, const char *arg,
    char **cause)
{
	(void)sel;
	xasprintf(cause, "metadata filters are not built yet%s",
	    ch == 'F' && strchr(arg, '/') != NULL ? " (an ssh_config is"
	    " given with --ssh-config FILE)" : "");
	return (-1);
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
		inventory_free(inv);
	}
	hostlist_uniq(out);
	hostlist_remove(out, &sel->exclude);
	return (0);
}
