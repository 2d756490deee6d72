/*
 * host.c: one targeted host and its life cycle, as the scheduler sees it.
 * The transport moves it through opening to ready and reports back through
 * host_ready(), host_reply() and host_fail(); each reaches the host's owner
 * (the run's scheduler, or a session) through the one run->host_event
 * callback. host_set_state() is the only place a state changes, and only
 * along host_transitions[].
 */
#include <sys/time.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "muster.h"

static const char *host_state_names[HOST_NSTATES] = {
	"pending", "opening", "ready", "calling", "done", "failed"
};

/*
 * The changes that exist. A kept host goes calling -> ready between
 * calls; a session re-opens a host it lost (failed -> opening) or that a
 * caller finished with (done -> ready).
 */
static const unsigned char host_transitions[HOST_NSTATES][HOST_NSTATES] = {
	/*	    pend open read call done fail */
	[HOST_PENDING] = { 0, 1, 0, 0, 1, 1 },
	[HOST_OPENING] = { 0, 0, 1, 0, 0, 1 },
	[HOST_READY] =	 { 0, 0, 0, 1, 1, 1 },
	[HOST_CALLING] = { 0, 0, 1, 0, 1, 1 },
	[HOST_DONE] =	 { 0, 1, 1, 0, 0, 1 },
	[HOST_FAILED] =	 { 0, 1, 0, 0, 0, 0 },
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
	h->transport = r->transport;
	h->result.statuscode = -1;
	h->result.connect_ms = h->result.call_ms = -1;
	return (h);
}

/* Free a host (NULL is fine); its transport let go of it before. */
void
host_free(struct host *h)
{
	if (h == NULL)
		return;
	result_release(&h->result);
	free(h->name);
	free(h);
}

/* The name of a state, for logs. */
const char *
host_state_name(enum host_state s)
{
	if (s < 0 || s >= HOST_NSTATES)
		return ("?");
	return (host_state_names[s]);
}

/* Is a -> b a change that exists? */
int
host_transition_ok(enum host_state a, enum host_state b)
{
	if (a < 0 || a >= HOST_NSTATES || b < 0 || b >= HOST_NSTATES)
		return (0);
	return (host_transitions[a][b]);
}

/* Change state, logging the transition. */
void
host_set_state(struct host *h, enum host_state s)
{
	if (h->state == s)
		return;
	if (!host_transition_ok(h->state, s))
		fatalx("%s: %s -> %s is not a host transition", h->name,
		    host_state_name(h->state), host_state_name(s));
	log_debug("%s: %s -> %s", h->name, host_state_name(h->state),
	    host_state_name(s));
	/* Started, unless it ends without starting (cancelled). */
	if (h->state == HOST_PENDING && s == HOST_OPENING)
		gettimeofday(&h->started, NULL);
	/* The channel is open and the agent runs: the call begins. */
	if (s == HOST_CALLING && !timerisset(&h->ready))
		gettimeofday(&h->ready, NULL);
	h->state = s;
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

/* Past the handshake: another host may start opening. */
void
host_connected(struct host *h)
{
	if (h->connected)
		return;
	h->connected = 1;
	if (h->run->kick != NULL)
		fanout_wake(h->run);
}

/* The transport opened the host. */
void
host_ready(struct host *h)
{
	host_set_state(h, HOST_READY);
	h->run->host_event(h, HOST_EV_READY, NULL, 0);
}

/* The transport has the call's reply. */
void
host_reply(struct host *h, const char *buf, size_t len)
{
	h->calls++;
	h->run->host_event(h, HOST_EV_REPLY, buf, len);
}

/* The transport lost the host, saying why. */
void
host_fail(struct host *h, enum result_status status, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	log_debug("%s: %s: %s (%s)", __func__, h->name, msg,
	    result_status_name(status));
	result_set_error(&h->result, status, "%s", msg);
	free(msg);
	host_set_state(h, HOST_FAILED);
	h->run->host_event(h, HOST_EV_FAILED, NULL, 0);
}
