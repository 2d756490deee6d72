/*
 * fanout.c: the scheduler of one run.
 *
 * Theory of operation. Hosts start in order, as the run's policy allows
 * (schedule.c: the window, waves, the failure budget). At most
 * run->concurrency of them are active (between opening and their
 * definitive status). A host's transport reports through one callback,
 * fanout_host_event(): ready (the policy makes a call), reply (the policy
 * says whether the host is done), failed. Every host ends through
 * fanout_finish(), whether it finished, failed, was cancelled or never
 * started: it counts the host, tells the policy and wakes the kick event,
 * whose callback tops the window up again. Starting a host
 * never recurses into starting another, even when the host fails at once
 * (a bad name, say): everything goes through the kick callback, once per
 * loop pass. Finished hosts are handed back to the transport to be freed
 * from that callback too, outside their own I/O callbacks. SIGINT, SIGTERM
 * and SIGHUP cancel every host that is not finished, so the run still ends
 * with a definitive status for each of them. The loop ends when the last
 * host is counted.
 *
 * Within the window, at most FANOUT_CONNECT_WINDOW hosts may be opening a
 * session (resolving, connecting, handshaking) at once: a burst of
 * hundreds of simultaneous SYNs overflows a listen queue (a bastion, a
 * load balancer, one sshd serving many names) and turns into resets and
 * retransmits. A host that has heard nothing from its peer (no TCP
 * connection yet, or a listener that accepts and never speaks) for a
 * second, or for several times the run's average wait for a peer's first
 * bytes, no longer counts, so a subnet of dead or hung hosts cannot stall
 * the run; the tick re-checks the window while hosts wait. The
 * concurrency cap still holds for them.
 *
 * The scheduler knows hosts only by their generic states: how a transport
 * opens one (SSH's resolve, connect, handshake, host key, authentication)
 * is its own, and it says when the handshake is over (host_connected()).
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "muster.h"

/* Progress redraws per second at most. */
#define FANOUT_TICK_MS		100
/* Hosts opening a session at once, and when a silent one stops counting. */
#define FANOUT_CONNECT_WINDOW	64
#define FANOUT_CONNECT_STALE_MS	1000
#define FANOUT_CONNECT_STALE_FACTOR	4

/*
 * libevent's own messages (the resolver's "Nameserver ... has failed",
 * say) go through muster's log: its notes behind -v, its warnings as
 * muster's, never as bare "[msg]" lines on stderr.
 */
static void
fanout_event_log_cb(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

/* A new empty run with its event base. */
struct run *
run_new(void)
{
	struct run	*r;

	r = xcalloc(1, sizeof *r);
	event_set_log_callback(fanout_event_log_cb);
	if ((r->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	r->transport = &transport_ssh;
	r->policy = &policy_default;
	r->host_event = fanout_host_event;
	r->concurrency = 1;
	schedule_init(&r->sched);
	r->connect_timeout = 10;
	r->action_timeout = 60;
	r->agent_path = MUSTER_AGENT_PATH;
	wire_writer_init(&r->request);
	return (r);
}

/* Set up each transport the hosts use, once. */
int
run_prepare(struct run *r, char **cause)
{
	const struct transport	*t;
	size_t			 i;

	for (i = 0; i < r->nhosts; i++) {
		t = r->hosts[i]->transport;
		if (r->prepared[t->slot] != NULL)
			continue;
		if (t->init(r, cause) != 0)
			return (-1);
		r->prepared[t->slot] = t;
	}
	return (0);
}

/* Free a run and its hosts (NULL is fine). */
void
run_free(struct run *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < TRANSPORT_NSLOTS; i++) {
		if (r->prepared[i] != NULL)
			r->prepared[i]->done(r);
	}
	for (i = 0; i < r->nhosts; i++)
		host_free(r->hosts[i]);
	free(r->hosts);
	wire_writer_release(&r->request);
	free(r->draining);
	ui_live_free(r->live);
	if (r->policy_kick != NULL)
		event_free(r->policy_kick);
	event_base_free(r->base);
	free(r);
}

/* Add one host to the run. */
void
run_add_host(struct run *r, const char *name)
{
	r->hosts = xreallocarray(r->hosts, r->nhosts + 1, sizeof *r->hosts);
	r->hosts[r->nhosts] = host_new(r, name, r->nhosts);
	r->nhosts++;
}

/* Milliseconds since the run started (or its whole length once over). */
int64_t
fanout_elapsed_ms(const struct run *r)
{
	struct timeval	now, d;

	if (timerisset(&r->end))
		now = r->end;
	else
		gettimeofday(&now, NULL);
	timersub(&now, &r->start, &d);
	return ((int64_t)d.tv_sec * 1000 + d.tv_usec / 1000);
}

/*
 * Hand finished hosts to host_done_cb (expectations, --jsonl), once each,
 * outside any I/O callback.
 */
static void
fanout_report(struct run *r)
{
	struct host	*h;
	size_t		 i;

	if (r->host_done_cb == NULL)
		return;
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		if (!h->reported &&
		    (h->state == HOST_DONE || h->state == HOST_FAILED)) {
			h->reported = 1;
			r->host_done_cb(h, r->host_done_arg);
		}
	}
}

/*
 * Is the host opening its session, and still counted as such? It stops
 * counting once it has been opening without a byte from its peer for
 * FANOUT_CONNECT_STALE_MS, or several times as long as peers of this run
 * take on average to speak, whichever is longer: a dead or silent host,
 * not one behind a busy sshd or a busy client (letting more hosts in then
 * would only slow every handshake). A peer that has spoken counts until
 * its transport is past the handshake.
 */
static int
fanout_opening(const struct host *h, const struct timeval *now)
{
	struct timeval	d;
	int64_t		stale_ms;

	if (h->state != HOST_OPENING || h->connected)
		return (0);
	stale_ms = h->run->heard_avg_ms * FANOUT_CONNECT_STALE_FACTOR;
	if (stale_ms < FANOUT_CONNECT_STALE_MS)
		stale_ms = FANOUT_CONNECT_STALE_MS;
	timersub(now, &h->started, &d);
	if (d.tv_sec * 1000 + d.tv_usec / 1000 < stale_ms)
		return (1);
	return (!h->transport->silent(h));
}

/* Start pending hosts up to the windows; free finished transports. */
static void
fanout_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	struct host	*h;
	struct timeval	 now;
	size_t		 i, opening = 0;

	(void)fd;
	(void)what;
	fanout_report(r);
	gettimeofday(&now, NULL);
	for (i = 0; i < r->next; i++) {
		h = r->hosts[i];
		if (h->tdata != NULL &&
		    (h->state == HOST_DONE || h->state == HOST_FAILED))
			h->transport->close(h);
		else if (fanout_opening(h, &now))
			opening++;
	}
	while (!r->interrupted && r->next < r->nhosts &&
	    r->active < (size_t)r->concurrency &&
	    opening < FANOUT_CONNECT_WINDOW &&
	    r->policy->may_start(r, &now)) {
		h = r->hosts[r->next++];
		r->active++;
		r->dirty = 1;
		host_set_state(h, HOST_OPENING);
		h->transport->open(h);
		if (fanout_opening(h, &now))
			opening++;
	}
	if (r->finished == r->nhosts)
		event_base_loopbreak(r->base);
}

/* Wake the kick callback on the next loop pass. */
void
fanout_wake(struct run *r)
{
	if (r->kick != NULL)
		event_active(r->kick, EV_TIMEOUT, 0);
}

/* A host's peer spoke first after ms: keep a running average (1/8). */
void
fanout_host_heard(struct host *h, int64_t ms)
{
	struct run	*r = h->run;

	if (r->heard_avg_ms == 0)
		r->heard_avg_ms = ms > 0 ? ms : 1;
	else
		r->heard_avg_ms += (ms - r->heard_avg_ms) / 8;
}

/* Milliseconds from a to b. */
static int64_t
fanout_ms(const struct timeval *a, const struct timeval *b)
{
	struct timeval	d;

	timersub(b, a, &d);
	return ((int64_t)d.tv_sec * 1000 + d.tv_usec / 1000);
}

/* The one way a host ends: timing, counting, the policy, the next host. */
void
fanout_finish(struct host *h, enum host_state s)
{
	struct run	*r = h->run;
	struct timeval	 now;

	gettimeofday(&now, NULL);
	if (h->state != HOST_PENDING) {
		r->active--;
		h->result.elapsed_ms = fanout_ms(&h->started, &now);
		if (timerisset(&h->ready)) {
			h->result.connect_ms = fanout_ms(&h->started,
			    &h->ready);
			h->result.call_ms = h->result.elapsed_ms -
			    h->result.connect_ms;
		}
	}
	if (s == HOST_DONE && h->result.status == RESULT_NONE)
		result_set_error(&h->result, RESULT_AGENT, "no outcome");
	host_set_state(h, s);
	r->finished++;
	r->dirty = 1;
	r->policy->done(r, h);
	fanout_wake(r);
}

/* Call a ready host with the run's request. */
void
fanout_call(struct host *h, int flags)
{
	fanout_call_with(h, &h->run->request, h->run->request_id, flags);
}

/* Call a ready host with a request of the policy's, of that id. */
void
fanout_call_with(struct host *h, const struct wire_writer *w, const char *id,
    int flags)
{
	struct run	*r = h->run;
	const char	*req;
	size_t		 len;

	req = wire_writer_data(w, &len);
	h->call_id = id;
	/* Another call on a kept channel: the last reply was read. */
	if (h->state == HOST_CALLING)
		result_forget_reply(h);
	host_set_state(h, HOST_CALLING);
	h->transport->call(h, req, len, r->action_timeout, flags);
}

void
fanout_drain(struct run *r, const char *why)
{
	struct host	*h;

	if (r->draining != NULL)
		return;
	r->draining = xstrdup(why);
	log_debug("%s: %s", __func__, why);
	while (r->next < r->nhosts) {
		h = r->hosts[r->next++];
		result_set_error(&h->result, RESULT_CANCELLED, "not started:"
		    " %s", why);
		fanout_finish(h, HOST_FAILED);
	}
	fanout_wake_policy(r);
}

/* The policy's pass, on the next loop pass (outside any host's I/O). */
void
fanout_wake_policy(struct run *r)
{
	if (r->policy_kick != NULL)
		event_active(r->policy_kick, EV_TIMEOUT, 0);
}

/* What the transports report, for the hosts of a run. */
void
fanout_host_event(struct host *h, enum host_event ev, const char *buf,
    size_t len)
{
	struct run	*r = h->run;

	switch (ev) {
	case HOST_EV_READY:
		r->policy->ready(h);
		break;
	case HOST_EV_REPLY:
		result_set_reply(h, buf, len);
		if (h->result.status == RESULT_AGENT) {
			fanout_finish(h, HOST_FAILED);
			break;
		}
		if (r->policy->replied(h))
			fanout_finish(h, HOST_DONE);
		break;
	case HOST_EV_FAILED:
		/* host_fail() set the state and the result. */
		fanout_finish(h, HOST_FAILED);
		break;
	}
}

/* Cancel every host that has not finished. */
static void
fanout_cancel(struct run *r, const char *why)
{
	struct host	*h;
	size_t		 i;

	r->interrupted = 1;
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		if (h->state == HOST_DONE || h->state == HOST_FAILED)
			continue;
		if (h->state == HOST_PENDING)
			result_set_error(&h->result, RESULT_CANCELLED,
			    "not started: %s", why);
		else
			result_set_error(&h->result, RESULT_CANCELLED,
			    "%s while %s", why, host_state_name(h->state));
		if (h->tdata != NULL)
			h->transport->close(h);
		fanout_finish(h, HOST_FAILED);
	}
	event_base_loopbreak(r->base);
}

/* SIGINT, SIGTERM or SIGHUP: stop, keeping what was collected. */
static void
fanout_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct run	*r = arg;

	(void)what;
	ui_live_stop(r->live);
	ui_progress_clear();
	log_debug("%s: signal %d", __func__, (int)sig);
	fanout_cancel(r, sig == SIGINT ? "interrupted" : sig == SIGHUP ?
	    "hung up" : "terminated");
}

/* Redraw the live view, or the progress bar when something changed. */
static void
fanout_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;

	(void)fd;
	(void)what;
	if (ui_live_tick(r->live))
		r->dirty = 0;
	else if (r->dirty) {
		ui_progress(r->finished, r->nhosts);
		r->dirty = 0;
	}
	/* Hosts wait for the connect window: look again. */
	if (!r->interrupted && r->next < r->nhosts &&
	    r->active < (size_t)r->concurrency)
		event_active(r->kick, EV_TIMEOUT, 0);
}

/* Raise the open-file limit as far as allowed: one socket per host. */
void
run_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Run every host of r to a definitive status. */
int
fanout_run(struct run *r, char **cause)
{
	struct timeval	tick = { 0, FANOUT_TICK_MS * 1000 };
	struct event	*sighup = NULL;	/* SIGHUP, unless ignored (nohup) */
	struct sigaction sa;

	size_t		 i;

	run_raise_nofile();
	if (run_prepare(r, cause) != 0)
		return (-1);
	gettimeofday(&r->start, NULL);
	if (r->concurrency < 1)
		r->concurrency = 1;

	r->kick = event_new(r->base, -1, 0, fanout_kick_cb, r);
	r->sigint = evsignal_new(r->base, SIGINT, fanout_signal_cb, r);
	r->sigterm = evsignal_new(r->base, SIGTERM, fanout_signal_cb, r);
	/* A closed terminal or session ends the run as SIGTERM, unless nohup. */
	if (sigaction(SIGHUP, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
		sighup = evsignal_new(r->base, SIGHUP, fanout_signal_cb, r);
	r->tick = event_new(r->base, -1, EV_PERSIST, fanout_tick_cb, r);
	evsignal_add(r->sigint, NULL);
	evsignal_add(r->sigterm, NULL);
	if (sighup != NULL)
		evsignal_add(sighup, NULL);
	event_add(r->tick, &tick);
	signal(SIGPIPE, SIG_IGN);

	if (r->nhosts > 0) {
		event_active(r->kick, EV_TIMEOUT, 0);
		event_base_dispatch(r->base);
	}
	gettimeofday(&r->end, NULL);
	/* The terminal is given back before any result is printed. */
	ui_live_stop(r->live);
	ui_progress_clear();
	fanout_report(r);
	if (r->policy_kick != NULL)
		event_del(r->policy_kick);

	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->tdata != NULL)
			r->hosts[i]->transport->close(r->hosts[i]);
	}
	event_free(r->tick);
	event_free(r->sigint);
	event_free(r->sigterm);
	if (sighup != NULL)
		event_free(sighup);
	event_free(r->kick);
	r->tick = r->sigint = r->sigterm = r->kick = NULL;
	return (0);
}

/* The exit code of a finished run (DESIGN section 1). */
int
run_exit_code(struct run *r)
{
	size_t	i;
	int	code = EXIT_ALL_OK;

	if (r->interrupted)
		return (EXIT_INTERRUPTED);
	if (r->nhosts == 0)
		return (EXIT_NO_MATCH);
	for (i = 0; i < r->nhosts; i++) {
		if (result_status_unanswered(r->hosts[i]->result.status))
			return (EXIT_NO_ANSWER);
		if (r->hosts[i]->result.status == RESULT_FAILED)
			code = EXIT_FAILED;
	}
	return (code);
}
