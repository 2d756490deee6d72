/*
 * nameset.c: a set of names for fast membership tests on large fleets,
 * each name carrying a number of the caller's choosing (typically its
 * index in the caller's array). Open addressing with linear probing on an
 * FNV-1a hash; the table doubles to stay at most half full. The set keeps
 * pointers to the caller's strings and never copies or frees them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

/* The smallest table, in slots. */
#define NAMESET_MIN_SIZE	16

struct nameset_slot {
	const char	*name;	/* NULL: empty */
	size_t		 value;
};

static uint64_t
nameset_hash(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (h);
}

/* The slot holding name, or the empty slot where it would go. */
static struct nameset_slot *
nameset_slot(const struct nameset *set, const char *name)
{
	struct nameset_slot	*s;
	size_t			 i;

	i = (size_t)nameset_hash(name) & set->mask;
	for (;;) {
		s = &set->slots[i];
		if (s->name == NULL || strcmp(s->name, name) == 0)
			return (s);
		i = (i + 1) & set->mask;
	}
}

static void
nameset_grow(struct nameset *set)
{
	struct nameset_slot	*old = set->slots;
	size_t			 oldsize, size, i;

	oldsize = old == NULL ? 0 : set->mask + 1;
	size = oldsize == 0 ? NAMESET_MIN_SIZE : oldsize * 2;
	set->slots = xcalloc(size, sizeof *set->slots);
	set->mask = size - 1;
	for (i = 0; i < oldsize; i++) {
		if (old[i].name != NULL)
			*nameset_slot(set, old[i].name) = old[i];
	}
	free(old);
}

/* Initialise an empty set. */
void
nameset_init(struct nameset *set)
{
	set->slots = NULL;
	set->mask = 0;
	set->n = 0;
}

/* Free the table (not the names); the set is empty and usable again. */
void
nameset_release(struct nameset *set)
{
	free(set->slots);
	nameset_init(set);
}

/* Add name with value; 1 if added, 0 if it was there (value kept). */
int
nameset_add(struct nameset *set, const char *name, size_t value)
{
	struct nameset_slot	*s;

	if (set->slots == NULL || (set->n + 1) * 2 > set->mask + 1)
		nameset_grow(set);
	s = nameset_slot(set, name);
	if (s->name != NULL)
		return (0);
	s->name = name;
	s->value = value;
	set->n++;
	return (1);
}

/* Is name in the set? If so, 1 and its value in *value (unless NULL). */
int
nameset_find(const struct nameset *set, const char *name, size_t *value)
{
	const struct nameset_slot	*s;

	if (set->slots == NULL)
		return (0);
	s = nameset_slot(set, name);
	if (s->name == NULL)
		return (0);
	if (value != NULL)
		*value = s->value;
	return (1);
}
