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

/* 16 bytes: a table of 10,000 names is 512 KiB, touched once. */
struct nameset_slot {
	const char	*name;	/* NULL: empty */
	uint32_t	 value;
	uint32_t	 hash;	/* of name, its low half: compared first */
};

static uint64_t
nameset_hash(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	/*
	 * FNV's low bits, the ones the mask keeps, vary little over names
	 * that differ in a digit or two (node0001...node9999) and cluster
	 * the probes; a final mix spreads every bit over them.
	 */
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return (h);
}

/* The slot holding name (of that hash), or the empty one where it goes. */
static struct nameset_slot *
nameset_slot(const struct nameset *set, const char *name, uint32_t hash)
{
	struct nameset_slot	*s;
	size_t			 i;

	i = (size_t)hash & set->mask;
	for (;;) {
		s = &set->slots[i];
		if (s->name == NULL ||
		    (s->hash == hash && strcmp(s->name, name) == 0))
			return (s);
		i = (i + 1) & set->mask;
	}
}

/* Rehash into a table of size slots (a power of two). */
static void
nameset_resize(struct nameset *set, size_t size)
{
	struct nameset_slot	*old = set->slots;
	size_t			 oldsize, i;

	oldsize = old == NULL ? 0 : set->mask + 1;
	/* Written, not calloc'd: a zero page read first faults twice. */
	set->slots = xreallocarray(NULL, size, sizeof *set->slots);
	memset(set->slots, 0, size * sizeof *set->slots);
	set->mask = size - 1;
	for (i = 0; i < oldsize; i++) {
		if (old[i].name != NULL)
			*nameset_slot(set, old[i].name, old[i].hash) = old[i];
	}
	free(old);
}

static void
nameset_grow(struct nameset *set)
{
	nameset_resize(set, set->slots == NULL ? NAMESET_MIN_SIZE :
	    (set->mask + 1) * 2);
}

/* Make room for n names in all, so adding them never rehashes. */
void
nameset_reserve(struct nameset *set, size_t n)
{
	size_t	size = NAMESET_MIN_SIZE;

	while (size < n * 2)
		size *= 2;
	if (set->slots == NULL || size > set->mask + 1)
		nameset_resize(set, size);
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
	uint32_t		 hash = (uint32_t)nameset_hash(name);

	if (set->slots == NULL || (set->n + 1) * 2 > set->mask + 1)
		nameset_grow(set);
	s = nameset_slot(set, name, hash);
	if (s->name != NULL)
		return (0);
	if (value > UINT32_MAX)
		fatalx("%s: value %zu out of range", __func__, value);
	s->name = name;
	s->value = (uint32_t)value;
	s->hash = hash;
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
	s = nameset_slot(set, name, (uint32_t)nameset_hash(name));
	if (s->name == NULL)
		return (0);
	if (value != NULL)
		*value = s->value;
	return (1);
}
