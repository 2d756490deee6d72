/*
 * factcache-load.c: write a synthetic fact cache of N hosts (40 facts of
 * every type, 5 classes, 6 agents each, as the agent's built-ins and a
 * few external facts give) through factcache_save, then time
 * factcache_load: the best and the median of R loads. Built and run by
 * bench/factcache against the client's objects.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

static double
now_ms(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

int
main(int argc, char **argv)
{
	struct factcache	*fc;
	struct factset		 fs;
	struct stat		 sb;
	char			 host[32], key[64], value[64], *cause, *path;
	double			 t0, *ms;
	size_t			 n, i, k, found;
	int			 runs, r;

	n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	runs = argc > 2 ? atoi(argv[2]) : 11;
	ms = xcalloc(runs, sizeof *ms);

	fc = factcache_load();
	for (i = 0; i < n; i++) {
		snprintf(host, sizeof host, "node%05zu", i + 1);
		factset_init(&fs);
		factset_set(&fs, "identity", host);
		factset_set(&fs, "os.family", i % 10 ? "debian" : "redhat");
		factset_set(&fs, "os.name", i % 10 ? "debian" : "rocky");
		factset_set(&fs, "os.release.full", i % 3 ? "12.5" : "11.9");
		factset_set(&fs, "os.release.major", i % 3 ? "12" : "11");
		factset_set(&fs, "role", i % 4 ? "web" : "db");
		factset_set(&fs, "env", i % 5 ? "prod" : "staging");
		factset_set(&fs, "virtual", i % 2 ? "true" : "false");
		snprintf(value, sizeof value, "%zu", 2048 + i % 64 * 1024);
		factset_set(&fs, "memory.total_mb", value);
		snprintf(value, sizeof value, "0.%zu", i % 100);
		factset_set(&fs, "load.1", value);
		for (k = 0; k < 30; k++) {
			snprintf(key, sizeof key, "custom.group%zu.fact%zu",
			    k / 5, k);
			snprintf(value, sizeof value, "value-%zu-%zu", k,
			    i % 7);
			factset_set(&fs, key, value);
		}
		factset_add_class(&fs, "base");
		factset_add_class(&fs, i % 4 ? "role::web" : "role::db");
		factset_add_class(&fs, "ntp");
		factset_add_class(&fs, "ssh::server");
		factset_add_class(&fs, "monitoring::client");
		factset_add_agent(&fs, "rpcutil");
		factset_add_agent(&fs, "shell");
		factset_add_agent(&fs, "package");
		factset_add_agent(&fs, "service");
		factset_add_agent(&fs, "nrpe");
		factset_add_agent(&fs, "audit");
		factset_sort(&fs);
		factcache_put(fc, host, &fs, 1700000000 + (time_t)i);
		factset_release(&fs);
	}
	t0 = now_ms();
	if (factcache_save(fc, &cause) != 0) {
		fprintf(stderr, "save: %s\n", cause);
		return (1);
	}
	printf("save of %zu hosts: %.1f ms\n", n, now_ms() - t0);
	factcache_free(fc);
	path = factcache_path();
	if (stat(path, &sb) == 0)
		printf("cache file: %lld bytes (%.0f bytes a host)\n",
		    (long long)sb.st_size, (double)sb.st_size / (double)n);
	free(path);

	for (r = 0; r < runs; r++) {
		t0 = now_ms();
		fc = factcache_load();
		ms[r] = now_ms() - t0;
		found = 0;
		for (i = 0; i < n; i++) {
			snprintf(host, sizeof host, "node%05zu", i + 1);
			found += factcache_get(fc, host, NULL) != NULL;
		}
		factcache_free(fc);
		if (found != n) {
			fprintf(stderr, "load: %zu of %zu hosts\n", found, n);
			return (1);
		}
	}
	qsort(ms, runs, sizeof *ms, cmp_double);
	printf("factcache_load of %zu hosts: best %.1f ms, median %.1f ms"
	    " (%d runs)\n", n, ms[0], ms[runs / 2], runs);

	/*
	 * The filter over every cached host: the records built first (as
	 * select.c does, host by host), then only the evaluation timed.
	 */
	{
		const char	*expr = "(role=web or role=db) and"
		    " os.release.major>=12 and not env=staging and role::web"
		    " and memory.total_mb>4096 and os.family=~^deb";
		const struct factset **sets, *view;
		struct factset_want want;
		struct factset	 scratch;
		struct filter	*flt;
		size_t		 match = 0;

		flt = filter_parse(expr, &cause);
		if (flt == NULL) {
			fprintf(stderr, "filter: %s\n", cause);
			return (1);
		}
		fc = factcache_load();
		sets = xcalloc(n, sizeof *sets);
		t0 = now_ms();
		for (i = 0; i < n; i++) {
			snprintf(host, sizeof host, "node%05zu", i + 1);
			sets[i] = factcache_get(fc, host, NULL);
		}
		printf("building %zu hosts' fact sets from the cache: %.1f ms\n",
		    n, now_ms() - t0);
		for (r = 0; r < runs; r++) {
			t0 = now_ms();
			match = 0;
			for (i = 0; i < n; i++)
				match += filter_eval(flt, sets[i]) == FILTER_YES;
			ms[r] = now_ms() - t0;
		}
		qsort(ms, runs, sizeof *ms, cmp_double);
		printf("filter over %zu cached hosts (%zu match): best %.1f ms,"
		    " median %.1f ms\n  %s\n", n, match, ms[0], ms[runs / 2],
		    expr);

		/*
		 * What selection does: each record read as far as the filter
		 * needs (its keys, classes), into one scratch set, and the
		 * filter evaluated on it.
		 */
		factset_want_init(&want);
		filter_want(flt, &want);
		factset_want_done(&want);
		factset_init(&scratch);
		for (r = 0; r < runs; r++) {
			factcache_free(fc);
			fc = factcache_load();
			t0 = now_ms();
			match = 0;
			for (i = 0; i < n; i++) {
				snprintf(host, sizeof host, "node%05zu", i + 1);
				view = factcache_view(fc, host, &want,
				    &scratch, NULL);
				match += view != NULL &&
				    filter_eval(flt, view) == FILTER_YES;
			}
			ms[r] = now_ms() - t0;
		}
		qsort(ms, runs, sizeof *ms, cmp_double);
		printf("filter's view of %zu cached hosts, read and evaluated"
		    " (%zu match): best %.1f ms, median %.1f ms\n", n, match,
		    ms[0], ms[runs / 2]);
		factset_release(&scratch);
		factset_want_release(&want);
		free(sets);
		factcache_free(fc);
		filter_free(flt);
	}
	free(ms);
	return (0);
}
