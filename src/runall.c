/*
 * runall.c: muster puppet runall N, a rolling puppet run over the
 * selected hosts with at most N applying a catalog at any moment
 * (DESIGN section 7). It is a scheduling policy (struct policy) of an
 * ordinary run whose action is puppet last_run_summary: each host's
 * outcome is the summary of the run it was given.
 *
 * Theory of operation. Every open host is asked puppet status at once
 * and then every RUNALL_POLL_MS (RUNALL_POLL_BUSY_MS while it holds a
 * slot) over its kept channel (no handshake per poll). A host counts
 * against N while its status says applying, whoever started the run,
 * and from the moment muster asked it to run until it is seen applying
 * or done: the window before puppet takes its lock. On
 * each pass (a timer, never from within a host's own I/O), the hosts are
 * taken in name order and the free slots filled: a queued host that is
 * idle and enabled gets puppet runonce; one applying a run of its own
 * stays queued (it already counts) and one disabled is passed over, both
 * tried again on later passes, so neither blocks the queue. A host
 * started is done when its status shows a last run at or after the time
 * the host said the run began (its own clock); then its
 * last_run_summary is the host's reply. A host that applies longer than
 * --run-timeout is dropped and reported, as is one that stops answering
 * (its transport fails it), so the run always ends. Hosts still disabled
 * when nothing else is left are skipped, with the disable message.
 *
 * The end shows slot utilisation: the seconds hosts muster started spent
 * in a slot (asked to run until seen done), over N times the wall time.
 */
#include <sys/time.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "muster.h"

/*
 * How often a host is asked its status; how long a run may take to begin;
 * how long a host whose first status has not come holds up those after
 * it (hosts start in name order).
 */
#define RUNALL_POLL_MS		1000
#define RUNALL_POLL_BUSY_MS	250	/* hosts in a slot: end seen sooner */
#define RUNALL_START_GRACE_S	120
#define RUNALL_FIRST_STATUS_S	2
/* --run-timeout's default, seconds; the most hosts applying at once. */
#define RUNALL_TIMEOUT		1800
#define RUNALL_CAP_MAX		10000

enum runall_phase {
	RUNALL_QUEUED,		/* not asked to run yet */
	RUNALL_STARTING,	/* asked: in a slot, not yet seen applying */
	RUNALL_APPLYING,	/* seen applying the run it was asked for */
	RUNALL_FINISHING,	/* last_run_summary asked, the last call */
};

enum runall_call {
	RUNALL_NONE,		/* nothing in flight */
	RUNALL_STATUS,
	RUNALL_RUNONCE,
	RUNALL_SUMMARY,
};

struct runall_host {
	enum runall_phase	 phase;
	enum runall_call	 call;		/* in flight */
	int			 known;		/* a status came */
	int			 applying;	/* as last seen */
	int			 enabled;
	int64_t			 lastrun;	/* host's clock */
	char			*disabled_msg;
	int64_t			 initiated;	/* host's clock, by runonce */
	struct timeval		 asked;		/* runonce sent */
	struct timeval		 foreign;	/* seen applying a run not ours */
	struct timeval		 next_poll;
	double			 slot_s;	/* seconds in a slot */
};

struct runall {
	size_t			 cap;
	int			 run_timeout;	/* seconds */
	struct run		*run;
	struct runall_host	*h;
	size_t			 nhosts;
	struct wire_writer	 runonce_args;	/* the command's, checked */
	struct wire_writer	 status_req;
	struct wire_writer	 runonce_req;
	char			 status_id[PROTO_ID_LEN + 1];
	char			 runonce_id[PROTO_ID_LEN + 1];
	size_t			 started;	/* hosts muster started */
	size_t			 peak;		/* most in slots at once */
};

struct runall *
runall_new(size_t cap, int run_timeout)
{
	struct runall	*ra;

	ra = xcalloc(1, sizeof *ra);
	ra->cap = cap;
	ra->run_timeout = run_timeout;
	wire_writer_init(&ra->runonce_args);
	wire_writer_init(&ra->status_req);
	wire_writer_init(&ra->runonce_req);
	return (ra);
}

struct wire_writer *
runall_runonce_args(struct runall *ra)
{
	return (&ra->runonce_args);
}

void
runall_free(struct runall *ra)
{
	size_t	i;

	if (ra == NULL)
		return;
	for (i = 0; ra->h != NULL && i < ra->nhosts; i++)
		free(ra->h[i].disabled_msg);
	free(ra->h);
	wire_writer_release(&ra->runonce_args);
	wire_writer_release(&ra->status_req);
	wire_writer_release(&ra->runonce_req);
	free(ra);
}

static double
runall_seconds(const struct timeval *a, const struct timeval *b)
{
	struct timeval	d;

	timersub(b, a, &d);
	return ((double)d.tv_sec + d.tv_usec / 1e6);
}

/* Is the host between ready and done, with its channel open? */
static int
runall_open(const struct host *h)
{
	return (h->state == HOST_READY || h->state == HOST_CALLING);
}

/* Does it hold a slot: applying, or asked to run and not seen done? */
static int
runall_busy(const struct runall *ra, const struct host *h)
{
	const struct runall_host	*rh = &ra->h[h->index];

	if (!runall_open(h))
		return (0);
	return (rh->phase == RUNALL_STARTING ||
	    rh->phase == RUNALL_APPLYING || (rh->known && rh->applying));
}

static size_t
runall_slots_used(const struct runall *ra)
{
	size_t	i, n = 0;

	for (i = 0; i < ra->run->nhosts; i++)
		n += runall_busy(ra, ra->run->hosts[i]);
	return (n);
}

/* Call a host with one of runall's requests. */
static void
runall_call(struct runall *ra, struct host *h, enum runall_call what)
{
	struct runall_host	*rh = &ra->h[h->index];
	struct timeval		 now, poll = { 0, RUNALL_POLL_MS * 1000 };

	gettimeofday(&now, NULL);
	/* A host in a slot is watched closely: its end frees the slot. */
	if (rh->phase == RUNALL_STARTING || rh->phase == RUNALL_APPLYING ||
	    what == RUNALL_RUNONCE)
		poll.tv_usec = RUNALL_POLL_BUSY_MS * 1000;
	rh->call = what;
	timeradd(&now, &poll, &rh->next_poll);
	switch (what) {
	case RUNALL_STATUS:
		fanout_call_with(h, &ra->status_req, ra->status_id, 0);
		break;
	case RUNALL_RUNONCE:
		rh->asked = now;
		fanout_call_with(h, &ra->runonce_req, ra->runonce_id, 0);
		break;
	case RUNALL_SUMMARY:
		/* The run's own request, the last call: the host's outcome. */
		fanout_call(h, CALL_LAST);
		break;
	case RUNALL_NONE:
		break;
	}
}

/* End a host whose channel is open, idle, with this outcome. */
static void __attribute__((format(printf, 4, 5)))
runall_end(struct runall *ra, struct host *h, enum result_status status,
    const char *fmt, ...)
{
	struct runall_host	*rh = &ra->h[h->index];
	struct timeval		 now;
	va_list			 ap;
	char			*msg;

	if (rh->phase == RUNALL_STARTING || rh->phase == RUNALL_APPLYING) {
		gettimeofday(&now, NULL);
		rh->slot_s += runall_seconds(&rh->asked, &now);
	}
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	log_debug("%s: %s: %s", __func__, h->name, msg);
	result_forget_reply(h);
	result_set_error(&h->result, status, "%s", msg);
	free(msg);
	fanout_finish(h, status == RESULT_SKIPPED ? HOST_DONE : HOST_FAILED);
}

/* Take a status reply's fields into the host's state; -1 if unusable. */
static int
runall_take_status(struct runall_host *rh, const struct host *h)
{
	const msgpack_object	*o;
	int64_t			 n;
	int			 b;

	if ((o = result_data(&h->result, "applying")) == NULL ||
	    wire_bool(o, &b) != 0)
		return (-1);
	rh->applying = b;
	if ((o = result_data(&h->result, "enabled")) == NULL ||
	    wire_bool(o, &b) != 0)
		return (-1);
	rh->enabled = b;
	rh->lastrun = 0;
	if ((o = result_data(&h->result, "lastrun")) != NULL &&
	    wire_int(o, &n) == 0)
		rh->lastrun = n;
	free(rh->disabled_msg);
	rh->disabled_msg = NULL;
	if ((o = result_data(&h->result, "disable_message")) != NULL)
		rh->disabled_msg = wire_strdup(o);
	rh->known = 1;
	return (0);
}

/*
 * The host's reply to a runall call: 1 when it is done (its summary, or
 * a failure the reply itself says), 0 to go on.
 */
static int
runall_replied(struct host *h)
{
	struct runall		*ra = h->run->policy_data;
	struct runall_host	*rh = &ra->h[h->index];
	const msgpack_object	*o;
	enum runall_call	 what = rh->call;
	struct timeval		 now;
	int64_t			 n;

	rh->call = RUNALL_NONE;
	fanout_wake_policy(h->run);
	if (what == RUNALL_SUMMARY) {
		/* Failed resources fail the host; the summary stays shown. */
		if (h->result.status == RESULT_OK &&
		    (o = result_data(&h->result, "failed_resources")) != NULL &&
		    wire_int(o, &n) == 0 && n > 0) {
			h->result.status = RESULT_FAILED;
			free(h->result.statusmsg);
			xasprintf(&h->result.statusmsg, "%lld resource%s failed",
			    (long long)n, n == 1 ? "" : "s");
		}
		return (1);
	}
	if (what == RUNALL_RUNONCE) {
		if (h->result.statuscode != 0) {
			/* Refused (it began applying, or was disabled). */
			log_debug("%s: %s: runonce refused: %s", __func__,
			    h->name, h->result.statusmsg);
			rh->phase = RUNALL_QUEUED;
			return (0);
		}
		rh->initiated = 0;
		if ((o = result_data(&h->result, "initiated_at")) != NULL &&
		    wire_int(o, &n) == 0)
			rh->initiated = n;
		ra->started++;
		return (0);
	}
	/* A status: a failure here is the host's outcome (a policy, say). */
	if (h->result.statuscode != 0)
		return (1);
	if (runall_take_status(rh, h) != 0) {
		result_set_error(&h->result, RESULT_AGENT, "puppet status"
		    " without applying and enabled");
		return (1);
	}
	if (rh->phase == RUNALL_STARTING && rh->applying)
		rh->phase = RUNALL_APPLYING;
	/* A run of someone else's: when it began, for --run-timeout. */
	if (rh->phase == RUNALL_QUEUED && rh->applying) {
		if (!timerisset(&rh->foreign))
			gettimeofday(&rh->foreign, NULL);
	} else
		timerclear(&rh->foreign);
	if ((rh->phase == RUNALL_STARTING || rh->phase == RUNALL_APPLYING) &&
	    !rh->applying && rh->initiated != 0 &&
	    rh->lastrun >= rh->initiated) {
		/* Its run is over: the summary is the host's outcome. */
		gettimeofday(&now, NULL);
		rh->slot_s += runall_seconds(&rh->asked, &now);
		rh->phase = RUNALL_FINISHING;
	}
	return (0);
}

/* The first call of an open host: its status. */
static void
runall_ready(struct host *h)
{
	struct runall	*ra = h->run->policy_data;

	runall_call(ra, h, RUNALL_STATUS);
}

/* A host finished: a slot may be free. */
static void
runall_done(struct run *r, struct host *h)
{
	(void)h;
	fanout_wake_policy(r);
}

/*
 * Is there a host other than disabled ones still to wait for: an open one
 * not known disabled, or one not opened yet that the window has room
 * for? (A window full of disabled hosts lets them go, so more can open.)
 */
static int
runall_waiting_for_others(const struct runall *ra)
{
	const struct run		*r = ra->run;
	const struct runall_host	*rh;
	size_t				 i;

	for (i = 0; i < r->nhosts; i++) {
		rh = &ra->h[i];
		if (!runall_open(r->hosts[i]))
			continue;
		if (rh->phase != RUNALL_QUEUED || !rh->known || rh->enabled)
			return (1);
	}
	return (r->next < r->nhosts && r->active < (size_t)r->concurrency);
}

/*
 * One pass over the hosts, outside their I/O: finish those whose run is
 * over, drop those past --run-timeout, fill the free slots in name
 * order, poll the rest when due.
 */
static void
runall_pass(evutil_socket_t fd, short what, void *arg)
{
	struct runall		*ra = arg;
	struct run		*r = ra->run;
	struct runall_host	*rh;
	struct host		*h;
	struct timeval		 now;
	size_t			 i, used;

	(void)fd;
	(void)what;
	gettimeofday(&now, NULL);
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		rh = &ra->h[i];
		if (!runall_open(h) || rh->call != RUNALL_NONE)
			continue;
		if (rh->phase == RUNALL_FINISHING) {
			runall_call(ra, h, RUNALL_SUMMARY);
			continue;
		}
		if ((rh->phase == RUNALL_STARTING ||
		    rh->phase == RUNALL_APPLYING) &&
		    runall_seconds(&rh->asked, &now) > ra->run_timeout) {
			runall_end(ra, h, RESULT_TIMEOUT, "still applying"
			    " after --run-timeout %d s: dropped (its run goes"
			    " on)", ra->run_timeout);
			continue;
		}
		if (rh->phase == RUNALL_QUEUED && timerisset(&rh->foreign) &&
		    runall_seconds(&rh->foreign, &now) > ra->run_timeout) {
			runall_end(ra, h, RESULT_TIMEOUT, "applying a run of"
			    " its own for more than --run-timeout %d s:"
			    " dropped", ra->run_timeout);
			continue;
		}
		if (rh->phase == RUNALL_STARTING && rh->initiated == 0 &&
		    runall_seconds(&rh->asked, &now) > RUNALL_START_GRACE_S) {
			runall_end(ra, h, RESULT_FAILED, "the run it was asked"
			    " for did not begin");
			continue;
		}
	}

	/* Drained (q): the hosts not asked to run end here. */
	for (i = 0; r->draining != NULL && i < r->nhosts; i++) {
		h = r->hosts[i];
		rh = &ra->h[i];
		if (!runall_open(h) || rh->call != RUNALL_NONE ||
		    rh->phase != RUNALL_QUEUED)
			continue;
		runall_end(ra, h, RESULT_CANCELLED, "not started: %s",
		    r->draining);
	}

	/* Fill the free slots, in name order. */
	used = runall_slots_used(ra);
	for (i = 0; i < r->nhosts && used < ra->cap && !r->interrupted &&
	    r->draining == NULL; i++) {
		h = r->hosts[i];
		rh = &ra->h[i];
		/* Name order: one not heard from yet holds the rest a moment. */
		if ((h->state == HOST_OPENING || (runall_open(h) &&
		    !rh->known)) &&
		    runall_seconds(&h->started, &now) < RUNALL_FIRST_STATUS_S)
			break;
		if (!runall_open(h) || rh->call != RUNALL_NONE ||
		    rh->phase != RUNALL_QUEUED || !rh->known ||
		    rh->applying || !rh->enabled)
			continue;
		rh->phase = RUNALL_STARTING;
		runall_call(ra, h, RUNALL_RUNONCE);
		used++;
	}
	if (used > ra->peak)
		ra->peak = used;

	/* Disabled hosts are skipped once nothing else can start. */
	if (!runall_waiting_for_others(ra)) {
		for (i = 0; i < r->nhosts; i++) {
			h = r->hosts[i];
			rh = &ra->h[i];
			if (!runall_open(h) || rh->call != RUNALL_NONE ||
			    rh->phase != RUNALL_QUEUED)
				continue;
			runall_end(ra, h, RESULT_SKIPPED, "puppet is"
			    " disabled%s%s", rh->disabled_msg != NULL &&
			    *rh->disabled_msg != '\0' ? ": " : "",
			    rh->disabled_msg != NULL ? rh->disabled_msg : "");
		}
	}

	/* Polls when due. */
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		rh = &ra->h[i];
		if (runall_open(h) && rh->call == RUNALL_NONE &&
		    rh->phase != RUNALL_FINISHING &&
		    !timercmp(&now, &rh->next_poll, <))
			runall_call(ra, h, RUNALL_STATUS);
	}
}

/*
 * For the live view: what an open host is doing, and since when (asked
 * to run; no time for a queued host, so the runs in a slot come first).
 */
static const char *
runall_phase(const struct host *h, struct timeval *since)
{
	const struct runall		*ra = h->run->policy_data;
	const struct runall_host	*rh;

	if (ra == NULL || ra->h == NULL || !runall_open(h))
		return (NULL);
	rh = &ra->h[h->index];
	switch (rh->phase) {
	case RUNALL_QUEUED:
		timerclear(since);
		if (!rh->known)
			return ("asking");
		if (rh->applying)
			return ("applying, not ours");
		return (rh->enabled ? "queued" : "disabled");
	case RUNALL_STARTING:
		*since = rh->asked;
		return ("starting");
	case RUNALL_APPLYING:
		*since = rh->asked;
		return ("applying");
	case RUNALL_FINISHING:
		*since = rh->asked;
		return ("finishing");
	}
	return (NULL);
}

static const struct policy policy_runall = {
	.name = "runall",
	.may_start = schedule_may_start,
	.ready = runall_ready,
	.replied = runall_replied,
	.done = runall_done,
	.phase = runall_phase,
};

/* Pack one of runall's requests like the run's, with its action. */
static void
runall_request(struct wire_writer *w, char *id, const struct proto_request
    *base, const char *action, const struct wire_writer *args)
{
	struct proto_request	req;
	const char		*raw;
	size_t			 len;

	req = *base;
	proto_new_id(req.id);
	memcpy(id, req.id, PROTO_ID_LEN + 1);
	req.action = (char *)action;
	raw = wire_writer_data(args, &len);
	req.args_raw = raw;
	req.args_len = len;
	/* Facts are the final call's to carry. */
	req.facts = 0;
	proto_request_pack(w, &req);
}

int
runall_setup(struct run *r, struct action_spec *spec,
    const struct proto_request *base)
{
	struct runall		*ra = spec->data;
	struct wire_writer	 none;
	struct timeval		 poll = { 0, RUNALL_POLL_BUSY_MS * 1000 };

	ra->run = r;
	ra->nhosts = r->nhosts;
	ra->h = xcalloc(r->nhosts == 0 ? 1 : r->nhosts, sizeof *ra->h);
	wire_writer_init(&none);
	wire_put_map(&none, 0);
	runall_request(&ra->status_req, ra->status_id, base, "status", &none);
	runall_request(&ra->runonce_req, ra->runonce_id, base, "runonce",
	    &ra->runonce_args);
	wire_writer_release(&none);
	r->policy = &policy_runall;
	r->policy_data = ra;
	/* A rolling run is watched from its start. */
	r->live_now = 1;
	/* The run owns the timer: freed with its event base. */
	r->policy_kick = event_new(r->base, -1, EV_PERSIST, runall_pass, ra);
	event_add(r->policy_kick, &poll);
	return (0);
}

/* "Slot use: 0.93 (4 slots, 37.2 busy s over 10.0 s); 12 runs started". */
void
runall_summary(FILE *f, struct run *r)
{
	struct runall	*ra = r->policy_data;
	double		 busy = 0, wall;
	size_t		 i;

	if (ra == NULL || ra->h == NULL)
		return;
	for (i = 0; i < r->nhosts; i++)
		busy += ra->h[i].slot_s;
	wall = fanout_elapsed_ms(r) / 1000.0;
	fprintf(f, "%16s: %zu of %zu hosts, at most %zu applying at once"
	    " (cap %zu)\n", "Runs Started", ra->started, r->nhosts, ra->peak,
	    ra->cap);
	if (wall > 0 && ra->cap > 0)
		fprintf(f, "%16s: %.2f (%.1f busy slot-seconds over %zu x"
		    " %.1f s)\n", "Slot Use", busy / ((double)ra->cap * wall),
		    busy, ra->cap, wall);
}

/* "changed 2, failed 0 of 5 resources in 3.2 s" beside the host. */
static void
runall_render_host(FILE *f, const struct host *h)
{
	const msgpack_object	*o;
	int64_t			 changed = 0, failed = 0, total = 0;
	double			 t = 0;

	if ((o = result_data(&h->result, "changed_resources")) != NULL)
		wire_int(o, &changed);
	if ((o = result_data(&h->result, "failed_resources")) != NULL)
		wire_int(o, &failed);
	if ((o = result_data(&h->result, "total_resources")) != NULL)
		wire_int(o, &total);
	if ((o = result_data(&h->result, "total_time")) != NULL)
		wire_double(o, &t);
	fprintf(f, "changed %lld, failed %lld of %lld resources in %.1f s\n",
	    (long long)changed, (long long)failed, (long long)total, t);
}

int
runall_command(struct cmd_ctx *ctx, int argc, char **argv, int nwords,
    char **words)
{
	struct action_spec	 spec, rspec;
	struct runall		*ra;
	const char		*args;
	char			*end;
	size_t			 len;
	long			 n;
	int			 code = EXIT_USAGE;

	if (argc != 1) {
		log_warnx("puppet runall: expected N, the most hosts applying"
		    " at once");
		return (EXIT_USAGE);
	}
	n = strtol(argv[0], &end, 10);
	if (*argv[0] < '0' || *argv[0] > '9' || *end != '\0' || n < 1 ||
	    n > RUNALL_CAP_MAX) {
		log_warnx("puppet runall: N must be 1 to %d, not '%s'",
		    RUNALL_CAP_MAX, argv[0]);
		return (EXIT_USAGE);
	}
	/* runonce's inputs checked against the DDL before anything runs. */
	if (action_spec_load(&rspec, "puppet runall", "puppet", "runonce",
	    nwords, words) != 0) {
		action_spec_release(&rspec);
		return (EXIT_USAGE);
	}
	ra = runall_new((size_t)n, ctx->run_timeout > 0 ? ctx->run_timeout :
	    RUNALL_TIMEOUT);
	args = wire_writer_data(&rspec.args, &len);
	wire_put_raw(runall_runonce_args(ra), args, len);
	action_spec_release(&rspec);

	if (action_spec_load(&spec, "puppet runall", "puppet",
	    "last_run_summary", 0, NULL) == 0) {
		spec.run_setup = runall_setup;
		spec.data = ra;
		spec.render_host = runall_render_host;
		spec.render_summary = runall_summary;
		spec.display = DISPLAY_ALL;
		spec.changes = "puppet runall";
		/* Its own kept channels: a warm session calls once a host. */
		ctx->no_session = 1;
		code = action_run(ctx, &spec);
	}
	action_spec_release(&spec);
	runall_free(ra);
	return (code);
}