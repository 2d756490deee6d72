/*
 * schedule.c: the default scheduling policy of a run (struct policy):
 * which pending host may start now, and one call per host. The sliding window (-c, and fanout.c's connect window) always
 * applies; on top of it --batch N|N% runs the hosts in lock-step waves of
 * N, in order: the next wave starts once every host of the last one has
 * finished, and --batch-sleep S later. --max-fail N|N% is a failure
 * budget: once more than N hosts have failed, no new host starts and the
 * pending ones end cancelled, saying why. Hosts already running finish.
 */
#include <sys/time.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

/* "N" or "N%" of total (at least 1); -1 if it is neither. */
int
schedule_count(const char *s, size_t total, size_t *out)
{
	char	*end;
	long	 n;

	n = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || n < 0 || n > 1000000)
		return (-1);
	if (*end == '%' && end[1] == '\0') {
		if (n < 1 || n > 100)
			return (-1);
		*out = (total * (size_t)n + 99) / 100;
		if (*out == 0)
			*out = 1;
		return (0);
	}
	if (*end != '\0')
		return (-1);
	*out = (size_t)n;
	return (0);
}

/* No waves, no budget: the sliding window alone. */
void
schedule_init(struct schedule *s)
{
	memset(s, 0, sizeof *s);
	s->max_fail = SIZE_MAX;
}

/* Timeval plus milliseconds. */
static void
schedule_add_ms(struct timeval *tv, const struct timeval *now, int ms)
{
	tv->tv_sec = now->tv_sec + ms / 1000;
	tv->tv_usec = now->tv_usec + (ms % 1000) * 1000;
	if (tv->tv_usec >= 1000000) {
		tv->tv_sec++;
		tv->tv_usec -= 1000000;
	}
}

/* May the next pending host start now? */
int
schedule_may_start(struct run *r, const struct timeval *now)
{
	struct schedule	*s = &r->sched;

	if (s->over_budget)
		return (0);
	if (s->batch == 0)
		return (1);
	if (s->wave_end == 0)
		s->wave_end = s->batch;
	if (r->next < s->wave_end)
		return (1);
	/* The wave is out: wait for all of it, then the pause. */
	if (r->active > 0)
		return (0);
	if (!s->waiting) {
		s->waiting = 1;
		schedule_add_ms(&s->wake, now, s->batch_sleep_ms);
	}
	if (timercmp(now, &s->wake, <))
		return (0);
	s->waiting = 0;
	s->wave_end += s->batch;
	log_debug("%s: next wave, hosts %zu to %zu", __func__, r->next + 1,
	    s->wave_end < r->nhosts ? s->wave_end : r->nhosts);
	return (1);
}

/*
 * A host finished: count it against the budget; past it, the hosts not
 * started end cancelled.
 */
void
schedule_host_done(struct run *r, struct host *h)
{
	struct schedule	*s = &r->sched;
	struct host	*p;

	if (h->result.status == RESULT_OK ||
	    h->result.status == RESULT_SKIPPED ||
	    h->result.status == RESULT_CANCELLED)
		return;
	if (++s->failed <= s->max_fail || s->over_budget)
		return;
	s->over_budget = 1;
	log_debug("%s: %zu hosts failed, over the budget of %zu", __func__,
	    s->failed, s->max_fail);
	while (r->next < r->nhosts) {
		p = r->hosts[r->next++];
		result_set_error(&p->result, RESULT_CANCELLED, "not started:"
		    " %zu hosts failed, more than --max-fail allows (%zu)",
		    s->failed, s->max_fail);
		fanout_finish(p, HOST_FAILED);
	}
}

/* A ready host makes its one call, the last on its channel. */
static void
schedule_ready(struct host *h)
{
	fanout_call(h, CALL_LAST);
}

/* One call, one reply: the host is done. */
static int
schedule_replied(struct host *h)
{
	(void)h;
	return (1);
}

const struct policy policy_default = {
	.name = "window",
	.may_start = schedule_may_start,
	.ready = schedule_ready,
	.replied = schedule_replied,
	.done = schedule_host_done,
};
