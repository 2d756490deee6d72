/*
 * distribution.c: how the hosts that answered spread over the values of
 * one field (versions, states, exit codes). The most common value comes
 * first; a value held by half of the hosts or fewer, other than the most
 * common, is a minority: the renderer highlights it with its hosts and
 * --json lists them, so one server of eight that differs stands out.
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"

static int
dist_value_cmp(const void *a, const void *b)
{
	const struct dist_value	*va = a, *vb = b;

	if (va->hosts.n != vb->hosts.n)
		return (va->hosts.n > vb->hosts.n ? -1 : 1);
	return (strcmp(va->value, vb->value));
}

/*
 * Count each host's value: value() returns a new string, or NULL when the
 * host is not counted. Values are found through a name set, so a run of
 * many hosts with many values stays linear.
 */
void
dist_build(struct dist *d, struct run *r,
    char *(*value)(const struct host *, void *), void *arg)
{
	struct nameset	 seen = NAMESET_INIT;
	size_t		 i, j;
	char		*s;

	memset(d, 0, sizeof *d);
	for (i = 0; i < r->nhosts; i++) {
		if ((s = value(r->hosts[i], arg)) == NULL)
			continue;
		d->total++;
		if (nameset_find(&seen, s, &j))
			free(s);
		else {
			d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
			j = d->n++;
			d->v[j].value = s;
			d->v[j].minority = 0;
			hostlist_init(&d->v[j].hosts);
			nameset_add(&seen, s, j);
		}
		hostlist_add(&d->v[j].hosts, r->hosts[i]->name);
	}
	nameset_release(&seen);
	if (d->n == 0)
		return;
	qsort(d->v, d->n, sizeof *d->v, dist_value_cmp);
	for (j = 1; j < d->n; j++)
		d->v[j].minority = d->v[j].hosts.n * 2 <= d->total;
}

void
dist_release(struct dist *d)
{
	size_t	j;

	for (j = 0; j < d->n; j++) {
		free(d->v[j].value);
		hostlist_release(&d->v[j].hosts);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}
