/*
 * session.c: a warm session, the background holder of kept channels.
 *
 * Theory of operation. "muster session start" binds a Unix socket in a
 * directory only its user can enter, forks one process and waits until
 * that process has opened its hosts (SSH connection, authentication, a
 * running muster-agent on an open channel: the SSH transport up to
 * ready), then prints what it holds and returns. The holder is one event
 * loop, like the client: it owns a struct run whose hosts it keeps ready,
 * and it is their owner (run->host_event), so replies come here instead
 * of to a scheduler.
 *
 * A caller (transport-session.c) says hello with its ssh_config's
 * identity and its host names; the session answers which of them it
 * holds, under the same ssh_config and agent path only. Each call names
 * one held host and carries the caller's encoded request as it is: the
 * session writes it on the host's channel, and hands the reply back
 * untouched, so the caller checks it exactly as it checks a reply it read
 * itself (id, size, one message) and audits the run as always. A host
 * carries one call at a time; others wait in its queue. A call that
 * fails (a timeout, the connection lost) fails for its caller; the host
 * is dropped and opened again when a call next needs it. When a caller
 * goes away or cancels, the host's channel is closed, so the agent stops
 * what it was running: nothing is left running for nobody.
 *
 * Only the user who started the session may use it: its directory is
 * 0700 and the peer's credentials are checked on every connection. It
 * runs nothing of its own: only agent calls, encoded by a muster the
 * caller runs, on hosts the caller's own keys open. It exits on "stop",
 * on SIGTERM, SIGINT or SIGHUP, and after --idle seconds without a call.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "muster.h"

/* Hosts opening at once (as the client's connect window). */
#define SESSION_OPEN_WINDOW	64
/* TCP keepalive of held connections: idle seconds before probes. */
#define SESSION_KEEPALIVE	30
/* How often the idle time is checked, seconds. */
#define SESSION_IDLE_CHECK	1

struct session;
struct session_client;

/* One caller's call on one host. */
struct session_call {
	TAILQ_ENTRY(session_call)	 entry;
	struct session_client		*client;
	size_t				 host;	/* index in run->hosts */
	char				*req;
	size_t				 len;
	int				 timeout;
};
TAILQ_HEAD(session_calls, session_call);

/* A connected caller. */
struct session_client {
	TAILQ_ENTRY(session_client)	 entry;
	struct session			*s;
	struct sockmsg			*sm;
};

/* What the session keeps per host, beside the host itself. */
struct session_host {
	struct session_calls	 queue;		/* waiting */
	struct session_call	*current;	/* on the channel */
	int			 opening;	/* being opened */
	int			 drop;		/* close it at the next reap */
	unsigned long		 opens;
};

struct session {
	struct run			*run;
	struct session_host		*sh;
	int				 listen_fd;
	ino_t				 sock_ino;
	char				*path;
	char				*config_id;
	struct event			*accept_ev;
	struct event			*reap_ev;
	struct event			*idle_ev;
	struct event			*sig[3];
	TAILQ_HEAD(, session_client)	 clients;
	struct nameset			 names;
	size_t				 next_open;	/* first round */
	size_t				 opening;
	int				 report_fd;	/* to start's parent */
	int				 idle;
	time_t				 last_use;
	time_t				 started;
	unsigned long			 calls;		/* answered */
	size_t				 ncalls_live;
};

static void	session_start_call(struct session *, size_t);
static void	session_kick(struct session *);

/* The socket's directory: $XDG_RUNTIME_DIR/muster, else /tmp/muster-UID. */
static char *
session_dir(void)
{
	const char	*xdg = getenv("XDG_RUNTIME_DIR");
	char		*dir;

	if (xdg != NULL && *xdg == '/')
		xasprintf(&dir, "%s/muster", xdg);
	else
		xasprintf(&dir, "/tmp/muster-%lu", (unsigned long)getuid());
	return (dir);
}

/* The socket's path; make (create) or check the directory first. */
char *
session_socket_path(int create, char **cause)
{
	struct stat	 st;
	char		*dir, *path;

	dir = session_dir();
	if (create && mkdir(dir, 0700) == -1 && errno != EEXIST) {
		xasprintf(cause, "cannot make %s: %s", dir, strerror(errno));
		free(dir);
		return (NULL);
	}
	if (lstat(dir, &st) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		free(dir);
		return (NULL);
	}
	/* As tmux: a directory another user could enter or replace is not ours. */
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0) {
		xasprintf(cause, "%s is not a directory only this user may use"
		    " (owner %lu, mode %03o)", dir, (unsigned long)st.st_uid,
		    (unsigned)(st.st_mode & 0777));
		free(dir);
		return (NULL);
	}
	xasprintf(&path, "%s/session", dir);
	free(dir);
	return (path);
}

/* The identity of what hosts are opened with. */
char *
session_config_id(const char *ssh_config, const char *agent_path)
{
	struct stat	 st;
	char		*id;

	if (ssh_config != NULL && stat(ssh_config, &st) == 0)
		xasprintf(&id, "%s dev=%llu ino=%llu size=%lld mtime=%lld.%09ld"
		    " agent=%s", ssh_config, (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino, (long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		    agent_path);
	else
		xasprintf(&id, "%s none agent=%s", ssh_config != NULL ?
		    ssh_config : "-", agent_path);
	return (id);
}

/* A call is over: the caller was answered (or is gone). */
static void
session_call_free(struct session *s, struct session_call *c)
{
	s->ncalls_live--;
	time(&s->last_use);
	free(c->req);
	free(c);
}

/* Send a message to a caller, unless it is gone. */
static void
session_send(struct session_client *sc, struct wire_writer *w)
{
	if (sc != NULL)
		sockmsg_send(sc->sm, w);
}

/* Tell the caller its call failed: the host's status and message. */
static void
session_fail_call(struct session *s, struct session_call *c,
    enum result_status status, const char *msg)
{
	struct wire_writer	w;

	wire_writer_init(&w);
	wire_put_map(&w, 4);
	wire_put_kstr(&w, "op", "fail");
	wire_put_kint(&w, "h", (int64_t)c->host);
	wire_put_kstr(&w, "status", result_status_name(status));
	wire_put_kstr(&w, "msg", msg);
	session_send(c->client, &w);
	wire_writer_release(&w);
	session_call_free(s, c);
}

/* Open (or open again) a host. */
static void
session_open(struct session *s, size_t i)
{
	struct host	*h = s->run->hosts[i];

	s->opening++;
	s->sh[i].opening = 1;
	s->sh[i].opens++;
	s->sh[i].drop = 0;
	if (h->tdata != NULL)
		h->transport->close(h);
	result_release(&h->result);
	h->result.statuscode = -1;
	host_set_state(h, HOST_OPENING);
	h->transport->open(h);
}

/* The first round is over: tell start's parent what is held. */
static void
session_report(struct session *s)
{
	struct run	*r = s->run;
	struct hostlist	 failed = HOSTLIST_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	char		*folded;
	size_t		 i, held = 0;

	if (s->report_fd == -1)
		return;
	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->state == HOST_READY ||
		    r->hosts[i]->state == HOST_CALLING)
			held++;
		else
			hostlist_add(&failed, r->hosts[i]->name);
	}
	strbuf_addf(&sb, "session: holding %zu of %zu host%s (pid %ld,"
	    " idle exit after %d s)\n", held, r->nhosts, r->nhosts == 1 ?
	    "" : "s", (long)getpid(), s->idle);
	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->state != HOST_FAILED)
			continue;
		strbuf_addf(&sb, "%s\t%s: %s\n", r->hosts[i]->name,
		    result_status_name(r->hosts[i]->result.status),
		    r->hosts[i]->result.statusmsg != NULL ?
		    r->hosts[i]->result.statusmsg : "");
	}
	if (failed.n > 0) {
		folded = hostlist_fold(failed.hosts, failed.n);
		strbuf_addf(&sb, "not held: %s (opened again when used)\n",
		    folded);
		free(folded);
	}
	/* The parent prints it; a short write only loses the report. */
	if (write(s->report_fd, sb.buf, sb.len) == -1)
		log_debug("%s: %s", __func__, strerror(errno));
	close(s->report_fd);
	s->report_fd = -1;
	strbuf_release(&sb);
	hostlist_release(&failed);
}

/* Open the first round's hosts up to the window. */
static void
session_kick(struct session *s)
{
	struct run	*r = s->run;

	while (s->next_open < r->nhosts && s->opening < SESSION_OPEN_WINDOW)
		session_open(s, s->next_open++);
	if (s->next_open == r->nhosts && s->opening == 0)
		session_report(s);
}

/* Put the next waiting call on a ready host's channel. */
static void
session_start_call(struct session *s, size_t i)
{
	struct host		*h = s->run->hosts[i];
	struct session_host	*sh = &s->sh[i];
	struct session_call	*c;

	if (h->state != HOST_READY || sh->current != NULL ||
	    (c = TAILQ_FIRST(&sh->queue)) == NULL)
		return;
	TAILQ_REMOVE(&sh->queue, c, entry);
	sh->current = c;
	/* The reply must echo the caller's id: the caller checks it. */
	h->call_id = NULL;
	host_set_state(h, HOST_CALLING);
	h->transport->call(h, c->req, c->len, c->timeout, 0);
}

/* What the SSH transport reports about a held host. */
static void
session_host_event(struct host *h, enum host_event ev, const char *buf,
    size_t len)
{
	struct session		*s = h->run->owner;
	struct session_host	*sh = &s->sh[h->index];
	struct session_call	*c;
	struct wire_writer	 w;
	const char		*cause;
	size_t			 used;

	switch (ev) {
	case HOST_EV_READY:
		s->opening--;
		sh->opening = 0;
		session_start_call(s, h->index);
		session_kick(s);
		break;
	case HOST_EV_REPLY:
		c = sh->current;
		sh->current = NULL;
		/* A channel that sent more than one reply is not kept. */
		if (wire_scan(buf, len, &used, &cause) != 1 || used != len) {
			sh->drop = 1;
			event_active(s->reap_ev, EV_TIMEOUT, 0);
		}
		host_set_state(h, HOST_READY);
		s->calls++;
		if (c != NULL) {
			wire_writer_init(&w);
			wire_put_map(&w, 3);
			wire_put_kstr(&w, "op", "reply");
			wire_put_kint(&w, "h", (int64_t)h->index);
			wire_put_str(&w, "reply");
			msgpack_pack_bin(&w.pk, len);
			msgpack_pack_bin_body(&w.pk, buf, len);
			session_send(c->client, &w);
			wire_writer_release(&w);
			session_call_free(s, c);
		}
		if (!sh->drop)
			session_start_call(s, h->index);
		break;
	case HOST_EV_FAILED:
		if (sh->opening) {
			/* It could not be opened: nothing waits for it now. */
			sh->opening = 0;
			s->opening--;
			while ((c = TAILQ_FIRST(&sh->queue)) != NULL) {
				TAILQ_REMOVE(&sh->queue, c, entry);
				session_fail_call(s, c, h->result.status,
				    h->result.statusmsg);
			}
			session_kick(s);
		} else if ((c = sh->current) != NULL) {
			sh->current = NULL;
			session_fail_call(s, c, h->result.status,
			    h->result.statusmsg);
		}
		log_debug("%s: %s dropped: %s", __func__, h->name,
		    h->result.statusmsg);
		sh->drop = 1;
		event_active(s->reap_ev, EV_TIMEOUT, 0);
		break;
	}
}

/*
 * Outside the hosts' own callbacks: close dropped channels, and open
 * again those a waiting call needs.
 */
static void
session_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session		*s = arg;
	struct run		*r = s->run;
	struct host		*h;
	struct session_host	*sh;
	size_t			 i;

	(void)fd;
	(void)what;
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		sh = &s->sh[i];
		if (!sh->drop || sh->current != NULL || sh->opening)
			continue;
		if (h->tdata != NULL)
			h->transport->close(h);
		if (h->state != HOST_FAILED)
			host_set_state(h, HOST_FAILED);
		sh->drop = 0;
		if (!TAILQ_EMPTY(&sh->queue))
			session_open(s, i);
	}
}

/*
 * A call's host is not ready: open it again if it was dropped, else it
 * waits its turn.
 */
static void
session_queue_call(struct session *s, struct session_call *c)
{
	struct host		*h = s->run->hosts[c->host];
	struct session_host	*sh = &s->sh[c->host];

	TAILQ_INSERT_TAIL(&sh->queue, c, entry);
	s->ncalls_live++;
	switch (h->state) {
	case HOST_READY:
		if (!sh->drop)
			session_start_call(s, c->host);
		break;
	case HOST_FAILED:
	case HOST_PENDING:
		if (!sh->opening && !sh->drop)
			session_open(s, c->host);
		break;
	default:
		break;
	}
}

/* Stop a caller's calls: waiting ones go, a running one's channel closes. */
static void
session_client_cancel(struct session *s, struct session_client *sc,
    size_t only)
{
	struct run		*r = s->run;
	struct session_host	*sh;
	struct session_call	*c, *next;
	size_t			 i;

	for (i = 0; i < r->nhosts; i++) {
		if (only != SIZE_MAX && i != only)
			continue;
		sh = &s->sh[i];
		for (c = TAILQ_FIRST(&sh->queue); c != NULL; c = next) {
			next = TAILQ_NEXT(c, entry);
			if (c->client != sc)
				continue;
			TAILQ_REMOVE(&sh->queue, c, entry);
			session_call_free(s, c);
		}
		if ((c = sh->current) != NULL && c->client == sc) {
			/* The agent's input ends: it stops the action. */
			log_debug("%s: %s: call cancelled", __func__,
			    r->hosts[i]->name);
			sh->current = NULL;
			session_call_free(s, c);
			r->hosts[i]->transport->close(r->hosts[i]);
			host_set_state(r->hosts[i], HOST_FAILED);
			if (!TAILQ_EMPTY(&sh->queue))
				session_open(s, i);
		}
	}
}

/* A caller went away. */
static void
session_client_free(struct session_client *sc)
{
	struct session	*s = sc->s;

	session_client_cancel(s, sc, SIZE_MAX);
	TAILQ_REMOVE(&s->clients, sc, entry);
	sockmsg_free(sc->sm);
	free(sc);
}

static void
session_client_error(struct sockmsg *sm, const char *why, void *arg)
{
	struct session_client	*sc = arg;

	(void)sm;
	log_debug("%s: caller gone: %s", __func__, why);
	session_client_free(sc);
}

/* hello: which of the caller's hosts are held, under its ssh_config. */
static void
session_hello(struct session *s, struct session_client *sc,
    const msgpack_object *m)
{
	const msgpack_object	*hosts, *o;
	struct wire_writer	 w;
	char			*config = NULL, *name;
	size_t			 i, n, idx;
	int64_t			 v = 0;
	int			 same;

	wire_get_int(m, "v", &v);
	wire_get_str(m, "config", &config);
	hosts = wire_get_array(m, "hosts");
	same = v == SESSION_PROTOCOL && config != NULL &&
	    strcmp(config, s->config_id) == 0;
	n = hosts != NULL ? wire_len(hosts) : 0;
	wire_writer_init(&w);
	wire_put_map(&w, same ? 4 : 5);
	wire_put_kstr(&w, "op", "hello");
	wire_put_kint(&w, "v", SESSION_PROTOCOL);
	wire_put_kint(&w, "pid", (int64_t)getpid());
	if (!same)
		wire_put_kstr(&w, "why", v != SESSION_PROTOCOL ? "another"
		    " protocol version" : "its hosts were opened with another"
		    " ssh_config or agent path");
	wire_put_str(&w, "held");
	wire_put_array(&w, n);
	for (i = 0; i < n; i++) {
		o = wire_array_at(hosts, i);
		name = same ? wire_strdup(o) : NULL;
		if (name != NULL && nameset_find(&s->names, name, &idx))
			wire_put_int(&w, (int64_t)idx);
		else
			wire_put_int(&w, -1);
		free(name);
	}
	sockmsg_send(sc->sm, &w);
	wire_writer_release(&w);
	free(config);
}

/* status: what is held, how it is, how long it stays. */
static void
session_status(struct session *s, struct session_client *sc)
{
	struct run		*r = s->run;
	struct hostlist		 dropped = HOSTLIST_INIT;
	struct wire_writer	 w;
	char			*folded;
	size_t			 i, ready = 0, opening = 0;
	time_t			 now;
	int64_t			 idle;

	for (i = 0; i < r->nhosts; i++) {
		switch (r->hosts[i]->state) {
		case HOST_READY:
		case HOST_CALLING:
			if (!s->sh[i].drop) {
				ready++;
				break;
			}
			hostlist_add(&dropped, r->hosts[i]->name);
			break;
		case HOST_OPENING:
			opening++;
			break;
		default:
			hostlist_add(&dropped, r->hosts[i]->name);
			break;
		}
	}
	time(&now);
	idle = s->ncalls_live > 0 ? 0 : (int64_t)(now - s->last_use);
	folded = hostlist_fold(dropped.hosts, dropped.n);
	wire_writer_init(&w);
	wire_put_map(&w, 12);
	wire_put_kstr(&w, "op", "status");
	wire_put_kint(&w, "pid", (int64_t)getpid());
	wire_put_kint(&w, "hosts", (int64_t)r->nhosts);
	wire_put_kint(&w, "connected", (int64_t)ready);
	wire_put_kint(&w, "opening", (int64_t)opening);
	wire_put_kint(&w, "dropped", (int64_t)dropped.n);
	wire_put_kstr(&w, "dropped_hosts", folded);
	wire_put_kint(&w, "calls", (int64_t)s->calls);
	wire_put_kint(&w, "uptime", (int64_t)(now - s->started));
	wire_put_kint(&w, "idle", idle);
	wire_put_kint(&w, "idle_left", s->idle - idle > 0 ? s->idle - idle :
	    0);
	wire_put_kstr(&w, "ssh_config", s->run->ssh_config);
	sockmsg_send(sc->sm, &w);
	wire_writer_release(&w);
	free(folded);
	hostlist_release(&dropped);
}

/* One message from a caller. Non-zero if the caller was freed. */
static int
session_client_message(struct sockmsg *sm, const msgpack_object *m,
    void *arg)
{
	struct session_client	*sc = arg;
	struct session		*s = sc->s;
	struct session_call	*c;
	struct wire_writer	 w;
	const msgpack_object	*req;
	char			*op = NULL;
	int64_t			 h = -1, timeout = 0;

	(void)sm;
	if (wire_get_str(m, "op", &op) != 0) {
		session_client_free(sc);
		return (1);
	}
	/* Asking how the session is does not keep it alive. */
	if (strcmp(op, "status") != 0)
		time(&s->last_use);
	if (strcmp(op, "hello") == 0)
		session_hello(s, sc, m);
	else if (strcmp(op, "status") == 0)
		session_status(s, sc);
	else if (strcmp(op, "stop") == 0) {
		log_debug("%s: stop", __func__);
		wire_writer_init(&w);
		wire_put_map(&w, 1);
		wire_put_kstr(&w, "op", "stop");
		sockmsg_send(sc->sm, &w);
		wire_writer_release(&w);
		event_base_loopexit(s->run->base, NULL);
	} else if (strcmp(op, "call") == 0 || strcmp(op, "cancel") == 0) {
		wire_get_int(m, "h", &h);
		wire_get_int(m, "timeout", &timeout);
		req = wire_map_get(m, "req");
		if (h < 0 || (uint64_t)h >= s->run->nhosts) {
			log_debug("%s: call for no host", __func__);
			free(op);
			session_client_free(sc);
			return (1);
		}
		if (strcmp(op, "cancel") == 0)
			session_client_cancel(s, sc, (size_t)h);
		else if (req == NULL || req->type != MSGPACK_OBJECT_BIN ||
		    req->via.bin.size > MUSTER_REQUEST_MAX || timeout < 1 ||
		    timeout > 86400) {
			log_debug("%s: bad call", __func__);
			free(op);
			session_client_free(sc);
			return (1);
		} else {
			c = xcalloc(1, sizeof *c);
			c->client = sc;
			c->host = (size_t)h;
			c->len = req->via.bin.size;
			c->req = xmalloc(c->len);
			memcpy(c->req, req->via.bin.ptr, c->len);
			c->timeout = (int)timeout;
			session_queue_call(s, c);
		}
	}
	free(op);
	return (0);
}

/* A caller connects: only this user may. */
static void
session_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session		*s = arg;
	struct session_client	*sc;
	struct ucred		 cred;
	socklen_t		 len = sizeof cred;
	int			 cfd;

	(void)what;
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd == -1)
		return;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.uid != getuid()) {
		log_debug("%s: refused a caller of uid %ld", __func__,
		    (long)cred.uid);
		close(cfd);
		return;
	}
	sc = xcalloc(1, sizeof *sc);
	sc->s = s;
	sc->sm = sockmsg_new(s->run->base, cfd, SESSION_MSG_MAX,
	    session_client_message, session_client_error, sc);
	TAILQ_INSERT_TAIL(&s->clients, sc, entry);
}

/* Exit after the idle time with no caller and no call. */
static void
session_idle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;
	time_t		 now;

	(void)fd;
	(void)what;
	time(&now);
	if (TAILQ_EMPTY(&s->clients) && s->ncalls_live == 0 &&
	    now - s->last_use >= s->idle) {
		log_debug("%s: idle for %d s", __func__, s->idle);
		event_base_loopexit(s->run->base, NULL);
	}
}

static void
session_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct session	*s = arg;

	(void)what;
	log_debug("%s: signal %d", __func__, (int)sig);
	event_base_loopexit(s->run->base, NULL);
}

/* Remove the socket, if it is still this session's. */
static void
session_unlink(struct session *s)
{
	struct stat	st;

	if (stat(s->path, &st) == 0 && st.st_ino == s->sock_ino)
		unlink(s->path);
}

/* The holder's life: open the hosts, serve callers, exit. */
static int
session_main(struct session *s, struct hostlist *hosts,
    const struct session_opts *o)
{
	struct timeval		 check = { SESSION_IDLE_CHECK, 0 };
	struct session_client	*sc;
	struct run		*r;
	char			*cause = NULL;
	size_t			 i;
	int			 sigs[3] = { SIGTERM, SIGINT, SIGHUP };

	run_raise_nofile();
	r = s->run = run_new();
	r->host_event = session_host_event;
	r->owner = s;
	r->ssh_config = o->ssh_config;
	r->ssh_config_given = o->ssh_config_given;
	r->agent_path = o->agent_path;
	r->connect_timeout = o->connect_timeout;
	r->connect_timeout_set = o->connect_timeout_set;
	r->keepalive = SESSION_KEEPALIVE;
	for (i = 0; i < hosts->n; i++) {
		run_add_host(r, hosts->hosts[i]);
		nameset_add(&s->names, r->hosts[i]->name, i);
	}
	s->sh = xcalloc(r->nhosts, sizeof *s->sh);
	for (i = 0; i < r->nhosts; i++)
		TAILQ_INIT(&s->sh[i].queue);
	if (run_prepare(r, &cause) != 0) {
		dprintf(s->report_fd, "error: %s\n", cause);
		free(cause);
		return (1);
	}
	s->accept_ev = event_new(r->base, s->listen_fd, EV_READ | EV_PERSIST,
	    session_accept_cb, s);
	s->reap_ev = event_new(r->base, -1, 0, session_reap_cb, s);
	s->idle_ev = event_new(r->base, -1, EV_PERSIST, session_idle_cb, s);
	for (i = 0; i < 3; i++) {
		s->sig[i] = evsignal_new(r->base, sigs[i], session_signal_cb,
		    s);
		evsignal_add(s->sig[i], NULL);
	}
	event_add(s->accept_ev, NULL);
	event_add(s->idle_ev, &check);
	signal(SIGPIPE, SIG_IGN);
	gettimeofday(&r->start, NULL);
	time(&s->started);
	s->last_use = s->started;
	session_kick(s);
	event_base_dispatch(r->base);

	session_unlink(s);
	while ((sc = TAILQ_FIRST(&s->clients)) != NULL) {
		/* The answer to stop, say. */
		if (sockmsg_flush(sc->sm, 1000, &cause) != 0) {
			log_debug("%s: %s", __func__, cause);
			free(cause);
			cause = NULL;
		}
		session_client_free(sc);
	}
	event_free(s->accept_ev);
	event_free(s->reap_ev);
	event_free(s->idle_ev);
	for (i = 0; i < 3; i++)
		event_free(s->sig[i]);
	close(s->listen_fd);
	return (0);
}

/* Bind the socket, replacing a stale one; -1 with *cause. */
static int
session_bind(struct session *s, char **cause)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 mask;
	int			 fd;

	if ((fd = sockmsg_connect(s->path)) != -1) {
		close(fd);
		xasprintf(cause, "a session is already running (%s); stop it"
		    " first with 'muster session stop'", s->path);
		return (-1);
	}
	if (errno == ECONNREFUSED) {
		/* Its holder is gone: the socket is stale. */
		log_warnx("replacing the stale session socket %s", s->path);
		unlink(s->path);
	} else if (errno != ENOENT) {
		xasprintf(cause, "%s: %s", s->path, strerror(errno));
		return (-1);
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(s->path) >= sizeof sun.sun_path) {
		xasprintf(cause, "%s: path too long", s->path);
		return (-1);
	}
	memcpy(sun.sun_path, s->path, strlen(s->path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return (-1);
	}
	mask = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    listen(fd, 128) == -1) {
		umask(mask);
		xasprintf(cause, "%s: %s", s->path, strerror(errno));
		close(fd);
		return (-1);
	}
	umask(mask);
	if (stat(s->path, &st) == 0)
		s->sock_ino = st.st_ino;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	s->listen_fd = fd;
	return (0);
}

/*
 * Close every descriptor the caller's caller left open (a test harness's
 * pipe, a make jobserver) but the two kept: a holder that kept them would
 * keep whoever waits on them waiting.
 */
static void
session_close_inherited(int a, int b)
{
	int	lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > STDERR_FILENO + 1)
		close_range(STDERR_FILENO + 1, lo - 1, 0);
	if (hi > lo + 1)
		close_range(lo + 1, hi - 1, 0);
	close_range(hi + 1, ~0U, 0);
}

/* Start a session: bind, fork the holder, print what it holds. */
int
session_start(struct hostlist *hosts, const struct session_opts *o)
{
	struct session	 s;
	char		*cause = NULL, buf[4096];
	int		 pfd[2], devnull, code = EXIT_ALL_OK, ok = 0;
	ssize_t		 n;
	pid_t		 pid;

	memset(&s, 0, sizeof s);
	TAILQ_INIT(&s.clients);
	nameset_init(&s.names);
	s.idle = o->idle;
	s.report_fd = -1;
	if ((s.path = session_socket_path(1, &cause)) == NULL ||
	    session_bind(&s, &cause) != 0) {
		log_warnx("session: %s", cause);
		free(cause);
		free(s.path);
		return (EXIT_FAILED);
	}
	s.config_id = session_config_id(o->ssh_config, o->agent_path);
	if (pipe2(pfd, O_CLOEXEC) == -1)
		fatal("pipe");
	fflush(stdout);
	fflush(stderr);
	switch ((pid = fork())) {
	case -1:
		fatal("fork");
	case 0:
		/* The holder: its own session, no terminal, no output. */
		close(pfd[0]);
		s.report_fd = pfd[1];
		setsid();
		session_close_inherited(s.listen_fd, s.report_fd);
		if ((devnull = open("/dev/null", O_RDWR)) != -1) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
			if (getenv("MUSTER_SESSION_LOG") == NULL)
				dup2(devnull, STDERR_FILENO);
			if (devnull > STDERR_FILENO)
				close(devnull);
		}
		code = session_main(&s, hosts, o);
		if (s.report_fd != -1)
			close(s.report_fd);
		session_unlink(&s);
		run_free(s.run);
		free(s.sh);
		nameset_release(&s.names);
		free(s.config_id);
		free(s.path);
		exit(code);
	}
	/* The caller: wait for the first round's report. */
	close(pfd[1]);
	close(s.listen_fd);
	while ((n = read(pfd[0], buf, sizeof buf - 1)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf[n] = '\0';
		if (strncmp(buf, "error: ", 7) == 0) {
			log_warnx("session: %.*s", (int)strcspn(buf + 7, "\n"),
			    buf + 7);
			code = EXIT_USAGE;
			continue;
		}
		ok = 1;
		ui_fputs(stdout, UI_NONE, buf);
	}
	close(pfd[0]);
	if (!ok && code == EXIT_ALL_OK) {
		log_warnx("session: the holder (pid %ld) ended before it"
		    " opened its hosts", (long)pid);
		code = EXIT_FAILED;
	}
	free(s.config_id);
	free(s.path);
	nameset_release(&s.names);
	return (code);
}
