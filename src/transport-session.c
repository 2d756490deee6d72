/*
 * transport-session.c: calls through a warm session (session.c).
 *
 * Before a run, transport_session_attach() asks the user's session, if
 * there is one, which of the run's hosts it holds under the same
 * ssh_config and agent path; those hosts use this transport, the others
 * SSH as always. Opening a held host costs nothing (the session keeps
 * its channel open, and opens it again itself if it was dropped), so it
 * is ready at once. A call sends the encoded request and the host's index
 * in the session; the session answers with the agent's reply, untouched,
 * which the scheduler checks like any other (id, size, one message), or
 * with the status and message of a failure. Closing a host whose call is
 * still running (Ctrl-C, the run's end) asks the session to cancel it:
 * it closes that host's channel, so the agent stops the action. If the
 * session goes away mid-run, the hosts still calling fail "unreachable".
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "muster.h"

/* How long the hello may take before the session is not used. */
#define TSESSION_HELLO_MS	2000
/*
 * Seconds past a call's timeout before the caller gives up on a session
 * that does not answer (it applies the timeout itself, with SSH's grace).
 */
#define TSESSION_GRACE		10

struct tsession {
	int		 fd;
	struct sockmsg	*sm;
	struct strbuf	 in;		/* the hello's leftovers */
	size_t		*sidx;		/* run host -> session host */
	struct host	**by_sidx;	/* session host -> run host */
	size_t		 nsidx;
	time_t		*deadline;	/* run host -> give up at; 0: none */
	struct event	*timer;
	int		 lost;
};

/* Tokens for h->tdata: the host is open through the session. */
static char	tsession_open_token;

/* A status by name, as the session sends it. */
static enum result_status
tsession_status(const char *name)
{
	int	s;

	for (s = RESULT_OK; s < RESULT_NSTATUS; s++) {
		if (strcmp(result_status_name(s), name) == 0)
			return (s);
	}
	return (RESULT_AGENT);
}

/* Ask the session which hosts it holds. */
void
transport_session_attach(struct run *r)
{
	struct tsession		*ts;
	struct wire_writer	 w;
	struct wire_msg		 msg;
	const msgpack_object	*held, *o;
	char			*path, *cause = NULL, *config, *why = NULL;
	size_t			 i, n = 0;
	int64_t			 idx, max = -1;
	int			 fd;

	if ((path = session_socket_path(0, &cause)) == NULL) {
		log_debug("%s: no session: %s", __func__, cause);
		free(cause);
		return;
	}
	fd = sockmsg_connect(path);
	if (fd == -1) {
		log_debug("%s: no session at %s: %s", __func__, path,
		    strerror(errno));
		free(path);
		return;
	}
	free(path);
	config = session_config_id(r->ssh_config, r->agent_path);
	wire_writer_init(&w);
	wire_put_map(&w, 4);
	wire_put_kstr(&w, "op", "hello");
	wire_put_kint(&w, "v", SESSION_PROTOCOL);
	wire_put_kstr(&w, "config", config);
	wire_put_str(&w, "hosts");
	wire_put_array(&w, r->nhosts);
	for (i = 0; i < r->nhosts; i++)
		wire_put_str(&w, r->hosts[i]->name);
	free(config);

	ts = xcalloc(1, sizeof *ts);
	ts->fd = fd;
	memset(&msg, 0, sizeof msg);
	if (sockmsg_write(fd, &w, TSESSION_HELLO_MS, &cause) != 0 ||
	    sockmsg_read(fd, &ts->in, SESSION_REPLY_MAX, TSESSION_HELLO_MS,
	    &msg, &cause) != 0) {
		log_warnx("session: %s; connecting directly", cause);
		goto fail;
	}
	held = wire_get_array(msg.root, "held");
	if (held == NULL || wire_len(held) != r->nhosts) {
		log_warnx("session: a bad answer; connecting directly");
		goto fail;
	}
	if (wire_get_str(msg.root, "why", &why) == 0) {
		log_debug("%s: session not used: %s", __func__, why);
		goto fail;
	}
	ts->sidx = xcalloc(r->nhosts, sizeof *ts->sidx);
	for (i = 0; i < r->nhosts; i++) {
		o = wire_array_at(held, i);
		if (wire_int(o, &idx) != 0 || idx < -1 ||
		    idx >= HOSTLIST_MAX_NAMES) {
			log_warnx("session: a bad answer; connecting directly");
			goto fail;
		}
		ts->sidx[i] = idx == -1 ? SIZE_MAX : (size_t)idx;
		if (idx > max)
			max = idx;
	}
	ts->nsidx = (size_t)(max + 1);
	ts->by_sidx = xcalloc(ts->nsidx + 1, sizeof *ts->by_sidx);
	for (i = 0; i < r->nhosts; i++) {
		if (ts->sidx[i] == SIZE_MAX ||
		    ts->by_sidx[ts->sidx[i]] != NULL)
			continue;
		ts->by_sidx[ts->sidx[i]] = r->hosts[i];
		r->hosts[i]->transport = &transport_session;
		n++;
	}
	log_debug("%s: the session holds %zu of %zu hosts", __func__, n,
	    r->nhosts);
	wire_msg_release(&msg);
	wire_writer_release(&w);
	if (n == 0) {
		close(fd);
		free(ts->sidx);
		free(ts->by_sidx);
		strbuf_release(&ts->in);
		free(ts);
		return;
	}
	r->tctx[TRANSPORT_SESSION] = ts;
	return;

fail:
	free(why);
	free(cause);
	wire_msg_release(&msg);
	wire_writer_release(&w);
	close(fd);
	free(ts->sidx);
	strbuf_release(&ts->in);
	free(ts);
}

/* Every host still calling fails: the session is gone. */
static void
tsession_lost(struct run *r, const char *why)
{
	struct tsession	*ts = r->tctx[TRANSPORT_SESSION];
	size_t		 i;
	struct host	*h;

	ts->lost = 1;
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		if (h->transport == &transport_session &&
		    (h->state == HOST_CALLING || h->state == HOST_READY))
			host_fail(h, RESULT_UNREACHABLE, "the session was"
			    " lost: %s", why);
	}
}

/* The host a session message is about, if it is calling. */
static struct host *
tsession_host(struct tsession *ts, const msgpack_object *m)
{
	struct host	*h;
	int64_t		 idx;

	if (wire_get_int(m, "h", &idx) != 0 || idx < 0 ||
	    (uint64_t)idx >= ts->nsidx || (h = ts->by_sidx[idx]) == NULL)
		return (NULL);
	/* A reply for a call already given up (cancelled) is dropped. */
	if (h->state != HOST_CALLING)
		return (NULL);
	return (h);
}

/* A message from the session. */
static int
tsession_message(struct sockmsg *sm, const msgpack_object *m, void *arg)
{
	struct run		*r = arg;
	struct tsession		*ts = r->tctx[TRANSPORT_SESSION];
	const msgpack_object	*reply;
	struct host		*h;
	char			*op = NULL, *status = NULL, *msg = NULL;

	(void)sm;
	if (wire_get_str(m, "op", &op) != 0)
		return (0);
	if ((h = tsession_host(ts, m)) == NULL) {
		free(op);
		return (0);
	}
	if (strcmp(op, "reply") == 0) {
		reply = wire_map_get(m, "reply");
		if (reply != NULL && reply->type == MSGPACK_OBJECT_BIN)
			host_reply(h, reply->via.bin.ptr, reply->via.bin.size);
		else
			host_fail(h, RESULT_AGENT, "the session sent a bad"
			    " reply");
	} else if (strcmp(op, "fail") == 0) {
		wire_get_str(m, "status", &status);
		wire_get_str(m, "msg", &msg);
		host_fail(h, tsession_status(status != NULL ? status : ""),
		    "%s", msg != NULL ? msg : "failed in the session");
	}
	free(op);
	free(status);
	free(msg);
	return (0);
}

static void
tsession_error(struct sockmsg *sm, const char *why, void *arg)
{
	struct run	*r = arg;

	/* Not read again: the socket would stay readable at its end. */
	event_del(sm->rev);
	log_debug("%s: %s", __func__, why);
	tsession_lost(r, why);
}

/* Send a cancel for a host's call. */
static void
tsession_cancel(struct tsession *ts, struct host *h)
{
	struct wire_writer	w;

	wire_writer_init(&w);
	wire_put_map(&w, 2);
	wire_put_kstr(&w, "op", "cancel");
	wire_put_kint(&w, "h", (int64_t)ts->sidx[h->index]);
	sockmsg_send(ts->sm, &w);
	wire_writer_release(&w);
}

/* Once a second: calls the session has not answered in time fail. */
static void
tsession_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	struct tsession	*ts = r->tctx[TRANSPORT_SESSION];
	struct host	*h;
	time_t		 now;
	size_t		 i;

	(void)fd;
	(void)what;
	time(&now);
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		if (h->transport != &transport_session ||
		    h->state != HOST_CALLING || ts->deadline[i] == 0 ||
		    now < ts->deadline[i])
			continue;
		if (!ts->lost)
			tsession_cancel(ts, h);
		host_fail(h, RESULT_TIMEOUT, "no reply from the session in"
		    " time");
	}
}

/* The session's socket joins the run's loop. */
static int
tsession_init(struct run *r, char **cause)
{
	struct tsession	*ts = r->tctx[TRANSPORT_SESSION];
	struct timeval	 second = { 1, 0 };

	if (ts == NULL) {
		*cause = xstrdup("no session attached");
		return (-1);
	}
	ts->deadline = xcalloc(r->nhosts, sizeof *ts->deadline);
	ts->timer = event_new(r->base, -1, EV_PERSIST, tsession_timer_cb, r);
	event_add(ts->timer, &second);
	ts->sm = sockmsg_new(r->base, ts->fd, SESSION_REPLY_MAX,
	    tsession_message, tsession_error, r);
	/* Bytes that came after the hello. */
	if (ts->in.len > 0) {
		strbuf_add(&ts->sm->in, ts->in.buf, ts->in.len);
		strbuf_release(&ts->in);
	}
	return (0);
}

/* A held host is open already. */
static void
tsession_open(struct host *h)
{
	struct tsession	*ts = h->run->tctx[TRANSPORT_SESSION];

	h->tdata = &tsession_open_token;
	host_connected(h);
	if (ts->lost) {
		host_fail(h, RESULT_UNREACHABLE, "the session was lost");
		return;
	}
	host_ready(h);
}

/* Hand the request to the session for the host. */
static void
tsession_call(struct host *h, const char *req, size_t len, int timeout,
    int flags)
{
	struct tsession		*ts = h->run->tctx[TRANSPORT_SESSION];
	struct wire_writer	 w;

	(void)flags;
	ts->deadline[h->index] = time(NULL) + timeout + TSESSION_GRACE;
	wire_writer_init(&w);
	wire_put_map(&w, 4);
	wire_put_kstr(&w, "op", "call");
	wire_put_kint(&w, "h", (int64_t)ts->sidx[h->index]);
	wire_put_kint(&w, "timeout", timeout);
	wire_put_str(&w, "req");
	msgpack_pack_bin(&w.pk, len);
	msgpack_pack_bin_body(&w.pk, req, len);
	sockmsg_send(ts->sm, &w);
	wire_writer_release(&w);
}

/* Done with a host: a call still running is cancelled in the session. */
static void
tsession_close(struct host *h)
{
	struct tsession		*ts = h->run->tctx[TRANSPORT_SESSION];

	if (h->tdata == NULL)
		return;
	h->tdata = NULL;
	if (ts == NULL || ts->sm == NULL || ts->lost ||
	    h->result.status != RESULT_CANCELLED)
		return;
	tsession_cancel(ts, h);
}

static int
tsession_silent(const struct host *h)
{
	(void)h;
	return (0);
}

/* Send what is queued (cancels), then let go of the session. */
static void
tsession_done(struct run *r)
{
	struct tsession		*ts = r->tctx[TRANSPORT_SESSION];
	char			*cause = NULL;
	size_t			 i;

	if (ts == NULL)
		return;
	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->transport == &transport_session)
			tsession_close(r->hosts[i]);
	}
	if (ts->sm != NULL && !ts->lost &&
	    sockmsg_flush(ts->sm, 1000, &cause) != 0) {
		log_debug("%s: %s", __func__, cause);
		free(cause);
	}
	if (ts->sm != NULL)
		sockmsg_free(ts->sm);
	else
		close(ts->fd);
	if (ts->timer != NULL)
		event_free(ts->timer);
	free(ts->deadline);
	free(ts->sidx);
	free(ts->by_sidx);
	strbuf_release(&ts->in);
	free(ts);
	r->tctx[TRANSPORT_SESSION] = NULL;
}

const struct transport transport_session = {
	.name = "session",
	.slot = TRANSPORT_SESSION,
	.init = tsession_init,
	.open = tsession_open,
	.call = tsession_call,
	.close = tsession_close,
	.silent = tsession_silent,
	.done = tsession_done,
};
