/*
 * facts.h: one host's facts, classes and agents, the same structure on
 * both sides (lib/facts.c): the agent gathers them, the client caches
 * them, and the filter (filter.h) is evaluated on them.
 *
 * Facts are flat dotted keys ("os.release.major"): a nested fact is its
 * path joined with '.', as external facts and the filter language write
 * it. Each value keeps its text and its type, guessed once from the text
 * (factset_set) or taken from a typed source (factset_set_typed). Once
 * built, factset_sort() orders the keys (the last value set for a key
 * wins), so lookups are binary searches.
 */
#ifndef FACTS_H
#define FACTS_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "wire.h"

/*
 * Which facts a reader needs (a filter's keys, a report's fields): a set
 * built for it from the wire holds only those, so choosing among 10,000
 * cached hosts copies a few values of each, not every fact.
 */
#define FACTS_WANT_WORDS	3	/* bits for lengths up to FACTS_KEY_MAX */
struct factset_want {
	char	**keys;		/* sorted and unique by factset_want_done() */
	size_t	  nkeys;
	size_t	  akeys;
	int	  classes;	/* the classes are needed */
	int	  agents;	/* the agents are needed */
	/* By factset_want_done(): the keys' lengths, where their dots are. */
	uint64_t  lens[FACTS_WANT_WORDS];
	uint64_t  dots[FACTS_WANT_WORDS];
};

/* Bounds of one fact set, whoever built it. */
#define FACTS_KEY_MAX		128
#define FACTS_VALUE_MAX		4096
#define FACTS_MAX		4096	/* facts of one host */
#define FACTS_CLASSES_MAX_N	16384	/* classes of one host */

enum fact_type {
	FACT_STRING,
	FACT_INTEGER,
	FACT_FLOAT,
	FACT_BOOLEAN,
};

struct fact {
	char		*key;
	char		*text;		/* the value as text, always set */
	enum fact_type	 type;
	int64_t		 integer;	/* FACT_INTEGER */
	double		 number;	/* FACT_INTEGER and FACT_FLOAT */
	int		 boolean;	/* FACT_BOOLEAN */
};

struct factset {
	struct fact	 *facts;
	size_t		  nfacts;
	size_t		  afacts;
	char		**classes;
	size_t		  nclasses;
	size_t		  aclasses;
	char		**agents;
	size_t		  nagents;
	size_t		  aagents;
	int		  sorted;
	/*
	 * Does it hold all the host's facts (gathered on the host, or a
	 * cache record), or only some (static inventory facts)? A fact
	 * missing from a partial set is unknown, not absent.
	 */
	int		  complete;
	/*
	 * Where factset_get() looks for a key this set lacks (facts only):
	 * a host's cached facts over its static ones, without a copy.
	 */
	const struct factset *fallback;
	struct factset_pool *pool;	/* keys, values, names */
};

void	 factset_init(struct factset *);
void	 factset_release(struct factset *);
/* Empty a set for reuse, keeping its memory. */
void	 factset_reset(struct factset *);
/*
 * Set a fact from text: "12" is an integer, "1.5" a float, "true" and
 * "false" booleans, anything else a string. Replaces an earlier value.
 */
void	 factset_set(struct factset *, const char *, const char *);
/* Set a fact of a given type; text is its text form. */
void	 factset_set_typed(struct factset *, const char *, const char *,
	     enum fact_type);
void	 factset_add_class(struct factset *, const char *);
void	 factset_add_agent(struct factset *, const char *);
/* Sort keys and names, dropping repeats (the last value of a key wins). */
void	 factset_sort(struct factset *);
/* A fact by key, then in the fallback set, or NULL (sets sorted). */
const struct fact *factset_get(const struct factset *, const char *);
int	 factset_has_class(const struct factset *, const char *);
int	 factset_has_agent(const struct factset *, const char *);
/* Copy every fact, class and agent of src into dst (src wins). */
void	 factset_merge(struct factset *, const struct factset *);

/* One fact's value, typed (nil for NULL). */
void	 factset_put_value(struct wire_writer *, const struct fact *);
/* The facts as one msgpack map of key to typed value. */
void	 factset_put_facts(struct wire_writer *, const struct factset *);
/* The classes, the agents: arrays of strings. */
void	 factset_put_classes(struct wire_writer *, const struct factset *);
void	 factset_put_agents(struct wire_writer *, const struct factset *);
/*
 * Fill a set from decoded maps and arrays (any may be NULL). Nested maps
 * are flattened into dotted keys. -1 with *cause (static) on a value of
 * a type a fact cannot have or past the bounds above; the set is then
 * partly filled and must still be released.
 */
int	 factset_from_wire(struct factset *, const msgpack_object *,
	     const msgpack_object *, const msgpack_object *, const char **);
/*
 * The same, keeping only what want names (NULL: everything); a nested
 * map no wanted key lies under is skipped unread.
 */
int	 factset_from_wire_want(struct factset *, const msgpack_object *,
	     const msgpack_object *, const msgpack_object *,
	     const struct factset_want *, const char **);
/*
 * The same from the bytes of one msgpack map holding "facts", "classes"
 * and "agents" (a fact cache record; other keys are skipped), read in
 * place: nothing is decoded that want does not name.
 */
int	 factset_from_record(struct factset *, const void *, size_t,
	     const struct factset_want *, const char **);

void	 factset_want_init(struct factset_want *);
void	 factset_want_release(struct factset_want *);
void	 factset_want_key(struct factset_want *, const char *);
/* Sort and unique the keys: call once every key is added. */
void	 factset_want_done(struct factset_want *);

#endif
