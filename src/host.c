/*
 * host.c: one targeted host and its life cycle. The transport moves it
 * through the states; host_set_state() is the only place a state changes.
 */
#include <sys/time.h>

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "muster.h"

static const char *host_state_names[] = {
	"pending", "resolving", "connecting", "handshake", "hostkey", "auth",
	"exec", "running", "closing", "done", "failed"
};

/* A new host of the run, not started. */
struct host *
host_new(struct run *r, const char *name, size_t index)
{
	struct host	*h;

	h = xcalloc(1, sizeof *h);
	h->name = xstrdup(name);
	h->index = index;
	h->run = r;
	h->state = HOST_PENDING;
	h->result.statuscode = -1;
	h->result.connect_ms = h->result.call_ms = -1;
	return (h);
}

/* Free a host (NULL is fine). */
void
host_free(struct host *h)
{
	if (h == NULL)
		return;
	result_release(&h->result);
	sshconf_host_release(&h->conf);
	free(h->name);
	free(h);
}

/* The name of a state, for logs. */
const char *
host_state_name(enum host_state s)
{
	if (s < 0 || s > HOST_FAILED)
		return ("?");
	return (host_state_names[s]);
}

/* Change state, logging the transition. */
void
host_set_state(struct host *h, enum host_state s)
{
	if (h->state == s)
		return;
	log_debug("%s: %s -> %s", h->name, host_state_name(h->state),
	    host_state_name(s));
	/* Started, unless it ends without starting (cancelled). */
	if (h->state == HOST_PENDING && s != HOST_FAILED && s != HOST_DONE)
		gettimeofday(&h->started, NULL);
	/* The connection is made and the agent runs: the call begins. */
	if (s == HOST_RUNNING)
		gettimeofday(&h->ready, NULL);
	h->state = s;
	/* A session is open: another host may start connecting. */
	if (s == HOST_AUTH && h->run->kick != NULL)
		event_active(h->run->kick, EV_TIMEOUT, 0);
}

/* The peer sent its first bytes: a sample of how long peers take. */
void
host_heard(struct host *h)
{
	struct timeval	now, d;

	gettimeofday(&now, NULL);
	timersub(&now, &h->started, &d);
	fanout_host_heard(h, (int64_t)d.tv_sec * 1000 + d.tv_usec / 1000);
}

/* The transport is finished with the host: record timing, count it. */
void
host_finished(struct host *h)
{
	struct timeval	now, d;

	gettimeofday(&now, NULL);
	timersub(&now, &h->started, &d);
	h->result.elapsed_ms = (int64_t)d.tv_sec * 1000 + d.tv_usec / 1000;
	if (timerisset(&h->ready)) {
		timersub(&h->ready, &h->started, &d);
		h->result.connect_ms = (int64_t)d.tv_sec * 1000 +
		    d.tv_usec / 1000;
		h->result.call_ms = h->result.elapsed_ms -
		    h->result.connect_ms;
	}
	if (h->result.status == RESULT_NONE)
		result_set_error(&h->result, RESULT_AGENT, "no outcome");
	fanout_host_done(h);
}
