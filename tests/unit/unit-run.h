/*
 * unit-run.h: a run of fixed hosts for the unit tests that render or
 * judge results without any network (test-render.c, test-summary.c).
 */
#ifndef UNIT_RUN_H
#define UNIT_RUN_H

#include <sys/time.h>

#include <stdio.h>
#include <string.h>

#include "muster.h"

/*
 * A run of n hosts named node0001..., with the request id "aaa...", its
 * clock stopped elapsed_ms after it started.
 */
static inline struct run *
unit_run(size_t n, int64_t elapsed_ms)
{
	struct run	*r;
	char		 name[32];
	size_t		 i;

	r = run_new();
	memset(r->request_id, 'a', PROTO_ID_LEN);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "node%04zu", i + 1);
		run_add_host(r, name);
	}
	gettimeofday(&r->start, NULL);
	r->end.tv_sec = r->start.tv_sec + elapsed_ms / 1000;
	r->end.tv_usec = r->start.tv_usec + (elapsed_ms % 1000) * 1000;
	if (r->end.tv_usec >= 1000000) {
		r->end.tv_sec++;
		r->end.tv_usec -= 1000000;
	}
	return (r);
}

#endif
