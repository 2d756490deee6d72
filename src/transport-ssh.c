/*
 * transport-ssh.c: run one request on a host over SSH, in-process.
 *
 * Theory of operation. Every host is a small state machine driven by
 * libevent, in SSH's own phases, which the scheduler never sees: resolve
 * -> connect -> handshake -> hostkey -> auth -> exec (the host is opening)
 * -> open (ready: the agent runs and waits for a request) -> send -> recv
 * (calling) -> open again, or closing when the agent ended without a
 * reply. A call marked last ends the agent's input after its request and
 * reads to the end, so a cold host costs no extra round trip; a kept
 * channel delivers each reply as soon as wire_scan() sees a whole
 * message and watches the idle channel for a dropped connection. All sockets are
 * non-blocking and so is every libssh2 session. host_ssh_step() runs the
 * current state's step function until one of them has to wait; a step
 * that got LIBSSH2_ERROR_EAGAIN is simply called again, with the same
 * arguments, when the socket is ready in the direction that
 * libssh2_session_block_directions() names. Because libssh2 buffers
 * internally, the running state drains stdout and stderr until EAGAIN on
 * every wake-up. A timer per host bounds each phase: the connect timeout
 * covers everything up to an open channel (so a listener that accepts
 * and never speaks is caught), the call's timeout each call. Nothing here
 * blocks, forks or starts a thread, so one process holds a thousand hosts.
 *
 * The transport's context (run->tctx[TRANSPORT_SSH]) holds what hosts
 * share: the parsed ssh_config, the keyring, the known_hosts files and
 * the resolver. A host's own (host->tdata) exists from open to close.
 *
 * No host may hold the loop. libssh2 reads for as long as bytes arrive (a
 * server that streams garbage instead of a banner never makes it return),
 * so every session reads through host_ssh_recv_cb(), which grants each
 * step a byte budget and then answers EAGAIN as if the socket were dry:
 * the step returns, the event loop runs timers, signals and other hosts,
 * and the still-readable socket wakes the host again on the next pass. A
 * server may send at most SSH_PREKEX_MAX bytes before the key exchange is
 * done (OpenSSH likewise caps what precedes the banner); past that the
 * host fails, saying what the server did.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <libssh2.h>

#include "muster.h"

/* What a step function tells the driver. */
enum step {
	STEP_NEXT,		/* state changed: run the next step now */
	STEP_WAIT,		/* wait for the socket (arm from libssh2) */
	STEP_WAIT_WRITE,	/* wait for the socket to become writable */
	STEP_STOP,		/* finished (done or failed) */
};

/* SSH's phases of a host, its own sub-states. */
enum ssh_phase {
	SSH_NONE,		/* not opened */
	SSH_RESOLVE,
	SSH_CONNECT,
	SSH_HANDSHAKE,
	SSH_HOSTKEY,
	SSH_AUTH,
	SSH_EXEC,
	SSH_OPEN,		/* ready: waiting for a call */
	SSH_SEND,
	SSH_RECV,
	SSH_CLOSING,		/* no reply: learn why from the exit status */
	SSH_DOWN,		/* torn down (failed) */
};
#define SSH_NPHASES	(SSH_DOWN + 1)
static const char *ssh_phase_names[SSH_NPHASES] = {
	"none", "resolve", "connect", "handshake", "hostkey", "auth", "exec",
	"open", "send", "recv", "closing", "down"
};
/*
 * The phase changes that exist (any phase may go down). A connect that
 * fails tries the next address (handshake -> connect); a kept channel
 * goes recv -> open between calls.
 */
static const unsigned char ssh_transitions[SSH_NPHASES][SSH_NPHASES] = {
	/*		  none res con hand key auth exec open send recv clos down */
	[SSH_NONE] =	  { 0,  1,  0,  0,   0,  0,   0,   0,   0,   0,   0,   1 },
	[SSH_RESOLVE] =	  { 0,  0,  1,  0,   0,  0,   0,   0,   0,   0,   0,   1 },
	[SSH_CONNECT] =	  { 0,  0,  0,  1,   0,  0,   0,   0,   0,   0,   0,   1 },
	[SSH_HANDSHAKE] = { 0,  0,  1,  0,   1,  0,   0,   0,   0,   0,   0,   1 },
	[SSH_HOSTKEY] =	  { 0,  0,  0,  0,   0,  1,   0,   0,   0,   0,   0,   1 },
	[SSH_AUTH] =	  { 0,  0,  0,  0,   0,  0,   1,   0,   0,   0,   0,   1 },
	[SSH_EXEC] =	  { 0,  0,  0,  0,   0,  0,   0,   1,   0,   0,   0,   1 },
	[SSH_OPEN] =	  { 0,  0,  0,  0,   0,  0,   0,   0,   1,   0,   0,   1 },
	[SSH_SEND] =	  { 0,  0,  0,  0,   0,  0,   0,   0,   0,   1,   0,   1 },
	[SSH_RECV] =	  { 0,  0,  0,  0,   0,  0,   0,   1,   0,   0,   1,   1 },
	[SSH_CLOSING] =	  { 0,  0,  0,  0,   0,  0,   0,   0,   0,   0,   0,   1 },
	[SSH_DOWN] =	  { 0,  0,  0,  0,   0,  0,   0,   0,   0,   0,   0,   0 },
};

/* Is a -> b (phase names) an SSH phase change that exists? For tests. */
int
transport_ssh_transition_ok(const char *a, const char *b)
{
	size_t	i, j;

	for (i = 0; i < SSH_NPHASES; i++) {
		for (j = 0; j < SSH_NPHASES; j++) {
			if (strcmp(ssh_phase_names[i], a) == 0 &&
			    strcmp(ssh_phase_names[j], b) == 0)
				return (ssh_transitions[i][j]);
		}
	}
	return (-1);
}

/* What the hosts of a run share. */
struct ssh_ctx {
	struct sshconf		*sshconf;
	char			*path;		/* its file, for messages */
	struct keyring		*keyring;
	struct knownhosts	*knownhosts;
	struct evdns_base	*dns;		/* created on first use */
};

struct host_ssh {
	struct host		*host;
	struct ssh_ctx		*ctx;
	enum ssh_phase		 phase;
	struct sshconf_host	 conf;		/* resolved ssh_config */
	int			 fd;
	struct event		 io;
	int			 io_added;
	struct event		 timer;
	struct evutil_addrinfo	*addrs;		/* from DNS or parsed */
	struct evutil_addrinfo	*addr;		/* being tried */
	struct evdns_getaddrinfo_request *dns_req;
	LIBSSH2_SESSION		*session;
	LIBSSH2_CHANNEL		*channel;
	struct key		**keys;
	size_t			  nkeys;
	size_t			  key_index;
	void			 *abstract;
	const char		 *req;		/* the call's, the caller's */
	size_t			  reqlen;
	size_t			  req_off;
	int			  last;		/* CALL_LAST: end input after */
	int			  timeout;	/* the call's, seconds */
	int			  eof_sent;
	int			  in_step;	/* host_ssh_step() is running */
	struct strbuf		  out;		/* agent stdout, the reply */
	struct strbuf		  reply;	/* being handed over */
	struct strbuf		  err;		/* agent stderr, first bytes */
	char			 *command;
	size_t			  budget;	/* bytes this step may still read */
	int			  calls;	/* recv calls it may still make */
	size_t			  prekex;	/* bytes read before the kex ended */
	const char		 *cut;		/* why the receive path gave up */
	int			  heard;	/* the peer has sent something */
};

/* Bytes read from a channel per call. */
#define SSH_READ_CHUNK	32768

/* Seconds the client waits past the action timeout for the agent's own. */
#define SSH_ACTION_GRACE	5

/*
 * What one step may read before it yields to the event loop: bytes, and
 * recv calls (libssh2 reads a banner one byte per call).
 */
#define SSH_STEP_BUDGET		(256 * 1024)
#define SSH_STEP_CALLS		1024

/*
 * Bytes a server may send before the key exchange is complete: its
 * banner, any lines before it, KEXINIT and the key exchange reply hold a
 * few KiB; OpenSSH's own client gives up after 1024 pre-banner lines.
 */
#define SSH_PREKEX_MAX		(64 * 1024)

static void	host_ssh_step(struct host *);
static void	host_ssh_set_phase(struct host_ssh *, enum ssh_phase);
static void	host_ssh_step_cb(evutil_socket_t, short, void *);
static void	host_ssh_teardown(struct host_ssh *);

/*
 * libssh2's receive callback: recv(2) within the step's byte budget and
 * the pre-kex cap. Returns bytes read or -errno, as libssh2 expects.
 */
static ssize_t
host_ssh_recv_cb(libssh2_socket_t fd, void *buf, size_t len, int flags,
    void **abstract)
{
	struct host	*h = *abstract;
	struct host_ssh	*hs = h->tdata;
	ssize_t		 n;

	if (hs->cut != NULL)
		return (-ECONNABORTED);
	if (hs->budget == 0 || hs->calls == 0)
		return (-EAGAIN);
	hs->calls--;
	if (len > hs->budget)
		len = hs->budget;
	n = recv(fd, buf, len, flags);
	if (n == -1)
		return (errno == ENOENT ? -EAGAIN : -errno);
	if (n > 0) {
		hs->budget -= n;
		if (!hs->heard) {
			hs->heard = 1;
			host_heard(h);
		}
	}
	if (hs->phase <= SSH_HANDSHAKE) {
		hs->prekex += n;
		if (hs->prekex > SSH_PREKEX_MAX) {
			hs->cut = "no SSH key exchange after 64 KiB from"
			    " the server";
			return (-ECONNABORTED);
		}
	}
	return (n);
}

/* Fail the host with a status and message; stop its I/O. */
static enum step __attribute__((format(printf, 3, 4)))
host_ssh_fail(struct host *h, enum result_status status, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	host_ssh_teardown(h->tdata);
	host_ssh_set_phase(h->tdata, SSH_DOWN);
	host_fail(h, status, "%s", msg);
	free(msg);
	return (STEP_STOP);
}

/* Change phase, logging the transition. */
static void
host_ssh_set_phase(struct host_ssh *hs, enum ssh_phase p)
{
	if (hs->phase == p)
		return;
	if (!ssh_transitions[hs->phase][p])
		fatalx("%s: ssh: %s -> %s is not a phase change",
		    hs->host->name, ssh_phase_names[hs->phase],
		    ssh_phase_names[p]);
	log_debug("%s: ssh: %s -> %s", hs->host->name,
	    ssh_phase_names[hs->phase], ssh_phase_names[p]);
	hs->phase = p;
	/* A session is open: another host may start connecting. */
	if (p == SSH_AUTH)
		host_connected(hs->host);
}

/* The last libssh2 error of the session as text. */
static const char *
host_ssh_errmsg(struct host_ssh *hs)
{
	char	*msg = NULL;

	if (hs->session == NULL)
		return ("no session");
	libssh2_session_last_error(hs->session, &msg, NULL, 0);
	return (msg != NULL && *msg != '\0' ? msg : "unknown error");
}

/* Arm the socket event for the given libevent flags. */
static void
host_ssh_arm(struct host_ssh *hs, short what)
{
	if (hs->io_added)
		event_del(&hs->io);
	event_assign(&hs->io, hs->host->run->base, hs->fd, what,
	    host_ssh_step_cb, hs->host);
	event_add(&hs->io, NULL);
	hs->io_added = 1;
}

/* Arm the per-host timer for s seconds from now. */
static void
host_ssh_timer(struct host_ssh *hs, int s)
{
	struct timeval	tv = { s, 0 };

	evtimer_del(&hs->timer);
	evtimer_add(&hs->timer, &tv);
}

/* Socket readiness: run the state machine. */
static void
host_ssh_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct host	*h = arg;

	(void)fd;
	(void)what;
	host_ssh_step(h);
}

/* The phase timer fired. */
static void
host_ssh_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct host	*h = arg;
	struct host_ssh	*hs = h->tdata;

	(void)fd;
	(void)what;
	if (hs->phase <= SSH_EXEC)
		host_ssh_fail(h, RESULT_TIMEOUT, "no session after %d s (%s)",
		    hs->conf.connect_timeout, ssh_phase_names[hs->phase]);
	else
		host_ssh_fail(h, RESULT_TIMEOUT, "no reply after %d s",
		    hs->timeout + SSH_ACTION_GRACE);
}

/* Address resolution finished. */
static void
host_ssh_dns_cb(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct host	*h = arg;
	struct host_ssh	*hs = h->tdata;
	int		 alias;

	/* A cancelled lookup belongs to a host that is already torn down. */
	if (err == EVUTIL_EAI_CANCEL || hs == NULL) {
		if (ai != NULL)
			evutil_freeaddrinfo(ai);
		return;
	}
	hs->dns_req = NULL;
	if (err != 0) {
		/* The alias itself was looked up: no HostName matched it. */
		alias = strcmp(hs->conf.hostname, h->name) == 0 &&
		    hs->ctx->path != NULL;
		host_ssh_fail(h, RESULT_UNREACHABLE, "cannot resolve '%s':"
		    " %s%s%s%s", hs->conf.hostname, evutil_gai_strerror(err),
		    alias ? " (no HostName for it in ssh_config " : "",
		    alias ? hs->ctx->path : "", alias ? ")" : "");
		return;
	}
	hs->addrs = ai;
	hs->addr = ai;
	host_ssh_set_phase(hs, SSH_CONNECT);
	host_ssh_step(h);
}

/* The resolver's configuration: $MUSTER_RESOLV_CONF, else the system's. */
static const char *
host_ssh_resolv_conf(void)
{
	const char	*path = getenv("MUSTER_RESOLV_CONF");

	return (path != NULL && *path != '\0' ? path : "/etc/resolv.conf");
}

/* The run's resolver, on first use; NULL if it cannot be configured. */
static struct evdns_base *
host_ssh_dns_new(struct run *r)
{
	struct evdns_base	*dns;

	if ((dns = evdns_base_new(r->base, 0)) == NULL)
		return (NULL);
	if (evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL,
	    host_ssh_resolv_conf()) != 0 ||
	    evdns_base_count_nameservers(dns) == 0) {
		evdns_base_free(dns, 0);
		return (NULL);
	}
	return (dns);
}

/* Resolve the host name: numeric names at once, others through evdns. */
static enum step
host_ssh_resolve(struct host *h)
{
	struct host_ssh			*hs = h->tdata;
	struct run			*r = h->run;
	struct evutil_addrinfo		 hints;
	struct evdns_getaddrinfo_request *req;
	char				 port[16];
	int				 error;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = EVUTIL_AI_NUMERICHOST | EVUTIL_AI_NUMERICSERV;
	snprintf(port, sizeof port, "%d", hs->conf.port);

	error = evutil_getaddrinfo(hs->conf.hostname, port, &hints, &hs->addrs);
	if (error == 0) {
		hs->addr = hs->addrs;
		host_ssh_set_phase(hs, SSH_CONNECT);
		return (STEP_NEXT);
	}

	if (hs->ctx->dns == NULL) {
		hs->ctx->dns = host_ssh_dns_new(r);
		if (hs->ctx->dns == NULL)
			return (host_ssh_fail(h, RESULT_UNREACHABLE,
			    "cannot resolve %s: no DNS configuration (%s)",
			    hs->conf.hostname, host_ssh_resolv_conf()));
	}
	hints.ai_flags = EVUTIL_AI_NUMERICSERV | EVUTIL_AI_ADDRCONFIG;
	req = evdns_getaddrinfo(hs->ctx->dns, hs->conf.hostname, port, &hints,
	    host_ssh_dns_cb, h);
	/* The callback may already have run (hosts file, cache). */
	if (req != NULL)
		hs->dns_req = req;
	return (STEP_STOP);
}

/*
 * TCP keepalives on a connection kept idle (a session's): a host that
 * vanished without a word is found within about twice idle seconds and
 * dropped, instead of at the next call's timeout.
 */
static void
host_ssh_keepalive(int fd, int idle)
{
	int	one = 1, intvl = idle / 3 > 0 ? idle / 3 : 1, cnt = 3;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
}

/* Start a non-blocking connect to the current address. */
static enum step
host_ssh_connect(struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	int		 one = 1;

	for (; hs->addr != NULL; hs->addr = hs->addr->ai_next) {
		hs->fd = socket(hs->addr->ai_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (hs->fd == -1) {
			if (errno == EMFILE || errno == ENFILE)
				return (host_ssh_fail(h, RESULT_UNREACHABLE,
				    "socket: %s (raise the open-file limit or"
				    " lower -c)", strerror(errno)));
			continue;
		}
		setsockopt(hs->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (h->run->keepalive > 0)
			host_ssh_keepalive(hs->fd, h->run->keepalive);
		if (connect(hs->fd, hs->addr->ai_addr,
		    hs->addr->ai_addrlen) == 0 || errno == EINPROGRESS) {
			host_ssh_set_phase(hs, SSH_HANDSHAKE);
			return (STEP_WAIT_WRITE);
		}
		log_debug("%s: %s: connect: %s", __func__, h->name,
		    strerror(errno));
		close(hs->fd);
		hs->fd = -1;
	}
	return (host_ssh_fail(h, RESULT_UNREACHABLE, "cannot connect to %s"
	    " port %d", hs->conf.hostname, hs->conf.port));
}

/* The connect finished (or failed): check it, then handshake. */
static enum step
host_ssh_handshake(struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	socklen_t	 len = sizeof(int);
	int		 error = 0, rc;
	char		*algs;

	if (hs->session == NULL) {
		if (getsockopt(hs->fd, SOL_SOCKET, SO_ERROR, &error,
		    &len) == -1)
			error = errno;
		if (error == EINPROGRESS)
			return (STEP_WAIT_WRITE);
		if (error != 0) {
			close(hs->fd);
			hs->fd = -1;
			if (hs->addr->ai_next != NULL) {
				log_debug("%s: %s: %s, next address",
				    __func__, h->name, strerror(error));
				hs->addr = hs->addr->ai_next;
				host_ssh_set_phase(hs, SSH_CONNECT);
				return (STEP_NEXT);
			}
			return (host_ssh_fail(h, RESULT_UNREACHABLE,
			    "connect to %s port %d: %s", hs->conf.hostname,
			    hs->conf.port, strerror(error)));
		}
		hs->session = libssh2_session_init_ex(NULL, NULL, NULL, h);
		if (hs->session == NULL)
			fatalx("libssh2_session_init failed");
		libssh2_session_set_blocking(hs->session, 0);
		libssh2_session_callback_set(hs->session,
		    LIBSSH2_CALLBACK_RECV, (void *)host_ssh_recv_cb);
		algs = knownhosts_algorithms(hs->ctx->knownhosts, &hs->conf);
		if (algs != NULL) {
			libssh2_session_method_pref(hs->session,
			    LIBSSH2_METHOD_HOSTKEY, algs);
			free(algs);
		}
	}

	rc = libssh2_session_handshake(hs->session, hs->fd);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return (STEP_WAIT);
	/* libssh2 < 1.11 has no rsa-sha2 host keys: say so, it is likely. */
	if (rc != 0)
		return (host_ssh_fail(h, RESULT_UNREACHABLE,
		    "ssh handshake with %s port %d: %s%s", hs->conf.hostname,
		    hs->conf.port, hs->cut != NULL ? hs->cut :
		    host_ssh_errmsg(hs),
		    rc == LIBSSH2_ERROR_KEX_FAILURE && hs->cut == NULL &&
		    libssh2_version(0x010b00) == NULL ? " (no algorithm in"
		    " common; a host whose only host key is RSA cannot be"
		    " reached: this libssh2 lacks rsa-sha2 host keys)" : ""));
	host_ssh_set_phase(hs, SSH_HOSTKEY);
	return (STEP_NEXT);
}

/* Verify the server's host key against known_hosts; never execute first. */
static enum step
host_ssh_hostkey(struct host *h)
{
	struct host_ssh		*hs = h->tdata;
	const char		*key;
	size_t			 len;
	int			 type;
	char			*cause = NULL;
	enum knownhosts_result	 kr;

	key = libssh2_session_hostkey(hs->session, &len, &type);
	if (key == NULL)
		return (host_ssh_fail(h, RESULT_HOSTKEY, "no host key from %s",
		    hs->conf.hostname));
	kr = knownhosts_check(hs->ctx->knownhosts, &hs->conf, key, len, type,
	    &cause);
	switch (kr) {
	case KNOWNHOSTS_MATCH:
		break;
	case KNOWNHOSTS_NOTFOUND:
		if (hs->conf.strict == SSHCONF_STRICT_ACCEPT_NEW) {
			knownhosts_add(hs->ctx->knownhosts, &hs->conf, key, len,
			    type);
			break;
		}
		__attribute__((fallthrough));
	case KNOWNHOSTS_MISMATCH:
	case KNOWNHOSTS_UNREADABLE:
		if (hs->conf.strict == SSHCONF_STRICT_NO) {
			log_debug("%s: %s: %s (StrictHostKeyChecking no)",
			    __func__, h->name, cause);
			break;
		}
		host_ssh_fail(h, RESULT_HOSTKEY, "%s", cause);
		free(cause);
		return (STEP_STOP);
	}
	free(cause);
	hs->nkeys = keyring_for_host(hs->ctx->keyring, &hs->conf, &hs->keys);
	hs->key_index = 0;
	host_ssh_set_phase(hs, SSH_AUTH);
	return (STEP_NEXT);
}

/* Try each identity in turn until one is accepted. */
static enum step
host_ssh_auth(struct host *h)
{
	struct host_ssh	*hs = h->tdata;

	char		*why;
	int		 rc;

	while (hs->key_index < hs->nkeys) {
		hs->abstract = hs->keys[hs->key_index];
		rc = key_userauth(hs->keys[hs->key_index], hs->session,
		    hs->conf.user, &hs->abstract);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return (STEP_WAIT);
		if (rc == 0) {
			log_debug("%s: %s: accepted %s", __func__, h->name,
			    key_label(hs->keys[hs->key_index]));
			host_ssh_set_phase(hs, SSH_EXEC);
			return (STEP_NEXT);
		}
		if (rc != LIBSSH2_ERROR_AUTHENTICATION_FAILED &&
		    rc != LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED &&
		    rc != LIBSSH2_ERROR_FILE && rc != LIBSSH2_ERROR_METHOD_NONE)
			return (host_ssh_fail(h, RESULT_UNREACHABLE,
			    "ssh authentication with %s: %s",
			    hs->conf.hostname, host_ssh_errmsg(hs)));
		log_debug("%s: %s: refused %s: %s", __func__, h->name,
		    key_label(hs->keys[hs->key_index]), host_ssh_errmsg(hs));
		hs->key_index++;
	}
	if (hs->nkeys == 0) {
		why = keyring_explain(hs->ctx->keyring, &hs->conf);
		host_ssh_fail(h, RESULT_AUTH, "no usable identity for %s@%s"
		    " (no agent key%s%s)", hs->conf.user, hs->conf.hostname,
		    *why != '\0' ? "; " : "", why);
		free(why);
		return (STEP_STOP);
	}
	return (host_ssh_fail(h, RESULT_AUTH, "permission denied for %s@%s"
	    " (publickey, %zu key%s tried)", hs->conf.user, hs->conf.hostname,
	    hs->nkeys, hs->nkeys == 1 ? "" : "s"));
}

/* Open a session channel and start the agent: the host is ready. */
static enum step
host_ssh_exec(struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	int		 rc;

	if (hs->channel == NULL) {
		hs->channel = libssh2_channel_open_session(hs->session);
		if (hs->channel == NULL) {
			if (libssh2_session_last_errno(hs->session) ==
			    LIBSSH2_ERROR_EAGAIN)
				return (STEP_WAIT);
			return (host_ssh_fail(h, RESULT_AGENT,
			    "cannot open a channel: %s", host_ssh_errmsg(hs)));
		}
	}
	rc = libssh2_channel_exec(hs->channel, hs->command);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return (STEP_WAIT);
	if (rc != 0)
		return (host_ssh_fail(h, RESULT_AGENT, "cannot run %s: %s",
		    hs->command, host_ssh_errmsg(hs)));
	evtimer_del(&hs->timer);
	host_ssh_set_phase(hs, SSH_OPEN);
	/* The owner may call at once: the loop goes on in the new phase. */
	host_ready(h);
	return (STEP_NEXT);
}

/*
 * Read what the agent sent: stdout into hs->out within the reply bound,
 * the first bytes of stderr. 1 if anything came, 0 if not, -1 if the host
 * failed.
 */
static int
host_ssh_read(struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	char		 buf[SSH_READ_CHUNK];
	ssize_t		 n;
	int		 progress, any = 0;

	do {
		progress = 0;
		n = libssh2_channel_read(hs->channel, buf, sizeof buf);
		if (n > 0) {
			progress = any = 1;
			if (hs->out.len + n > MUSTER_REPLY_MAX) {
				host_ssh_fail(h, RESULT_AGENT,
				    "reply larger than %d MiB",
				    MUSTER_REPLY_MAX / (1024 * 1024));
				return (-1);
			}
			/* Hold at most the bound, not twice it. */
			strbuf_grow_max(&hs->out, n, MUSTER_REPLY_MAX + 1);
			strbuf_add(&hs->out, buf, n);
		} else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
			host_ssh_fail(h, RESULT_UNREACHABLE, "connection lost"
			    " %s: %s", hs->phase == SSH_OPEN ? "while idle" :
			    "while the action ran", host_ssh_errmsg(hs));
			return (-1);
		}
		n = libssh2_channel_read_stderr(hs->channel, buf, sizeof buf);
		if (n > 0) {
			progress = any = 1;
			/* Keep the first bytes of stderr; drop the rest. */
			if (hs->err.len < MUSTER_STDERR_MAX) {
				if ((size_t)n > MUSTER_STDERR_MAX - hs->err.len)
					n = MUSTER_STDERR_MAX - hs->err.len;
				strbuf_add(&hs->err, buf, n);
			}
		}
	} while (progress);
	return (any);
}

/* Hand the agent's stderr so far to the result. */
static void
host_ssh_keep_stderr(struct host *h)
{
	struct host_ssh	*hs = h->tdata;

	if (hs->err.len > 0) {
		free(h->result.stderr_text);
		h->result.stderr_text = xstrndup(hs->err.buf, hs->err.len);
	}
}

/* Ready, between calls: watch the channel for a drop or stray bytes. */
static enum step
host_ssh_open_idle(struct host *h)
{
	struct host_ssh	*hs = h->tdata;

	if (host_ssh_read(h) < 0)
		return (STEP_STOP);
	if (hs->out.len > 0)
		return (host_ssh_fail(h, RESULT_AGENT, "%zu bytes from the"
		    " agent with no request pending", hs->out.len));
	if (libssh2_channel_eof(hs->channel)) {
		host_ssh_keep_stderr(h);
		return (host_ssh_fail(h, RESULT_AGENT, "the agent ended while"
		    " idle"));
	}
	return (STEP_WAIT);
}

/* Send the request, and end the agent's input after it if it is last. */
static enum step
host_ssh_send(struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	ssize_t		 n;
	int		 rc;

	while (hs->req_off < hs->reqlen) {
		n = libssh2_channel_write(hs->channel, hs->req + hs->req_off,
		    hs->reqlen - hs->req_off);
		if (n == LIBSSH2_ERROR_EAGAIN)
			return (STEP_WAIT);
		if (n < 0)
			return (host_ssh_fail(h, RESULT_UNREACHABLE,
			    "connection lost while sending the request: %s",
			    host_ssh_errmsg(hs)));
		hs->req_off += n;
	}
	if (hs->last && !hs->eof_sent) {
		rc = libssh2_channel_send_eof(hs->channel);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return (STEP_WAIT);
		hs->eof_sent = 1;
	}
	host_ssh_set_phase(hs, SSH_RECV);
	return (STEP_NEXT);
}

/*
 * Collect the reply. A last call reads to the end of the agent's output
 * and hands all of it over (one reply, or result.c says what else came);
 * a kept channel hands over one whole message as soon as it is in, and
 * stays open for the next call.
 */
static enum step
host_ssh_recv(struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	const char	*cause;
	size_t		 used;
	int		 rc;

	if (host_ssh_read(h) < 0)
		return (STEP_STOP);
	if (!hs->last && hs->out.len > 0) {
		rc = wire_scan(hs->out.buf, hs->out.len, &used, &cause);
		if (rc == -1)
			return (host_ssh_fail(h, RESULT_AGENT, "reply is not"
			    " valid: %s", cause));
		if (rc == 1) {
			evtimer_del(&hs->timer);
			host_ssh_keep_stderr(h);
			strbuf_release(&hs->err);
			host_ssh_set_phase(hs, SSH_OPEN);
			/*
			 * Bytes past the message go along: result.c names a
			 * second reply. The owner may call again at once.
			 */
			hs->req = NULL;
			hs->reply = hs->out;
			strbuf_init(&hs->out);
			host_reply(h, hs->reply.buf, hs->reply.len);
			strbuf_release(&hs->reply);
			return (STEP_NEXT);
		}
	}
	if (!libssh2_channel_eof(hs->channel))
		return (STEP_WAIT);
	host_ssh_keep_stderr(h);
	if (hs->out.len == 0) {
		/* Wait for the exit status to say why there is no reply. */
		host_ssh_set_phase(hs, SSH_CLOSING);
		return (STEP_NEXT);
	}
	evtimer_del(&hs->timer);
	/* The agent's output ended: nothing more can be called. */
	host_ssh_set_phase(hs, SSH_DOWN);
	hs->reply = hs->out;
	strbuf_init(&hs->out);
	host_reply(h, hs->reply.buf, hs->reply.len);
	strbuf_release(&hs->reply);
	return (STEP_STOP);
}

/* No reply: close the channel to learn the exit status, then fail. */
static enum step
host_ssh_closing(struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	char		*sig = NULL, why[128];
	const char	*err = h->result.stderr_text;
	int		 rc, status;

	rc = libssh2_channel_close(hs->channel);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return (STEP_WAIT);
	if (rc == 0) {
		rc = libssh2_channel_wait_closed(hs->channel);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return (STEP_WAIT);
	}
	why[0] = '\0';
	libssh2_channel_get_exit_signal(hs->channel, &sig, NULL, NULL, NULL,
	    NULL, NULL);
	status = libssh2_channel_get_exit_status(hs->channel);
	if (sig != NULL)
		snprintf(why, sizeof why, " (killed by SIG%s)", sig);
	else if (status == 127)
		return (host_ssh_fail(h, RESULT_AGENT, "muster-agent not"
		    " found at %s on the host (exit status 127): install it"
		    " there or set --agent-path / agent_path", hs->command));
	else if (status != 0)
		snprintf(why, sizeof why, " (exit status %d)", status);
	free(sig);
	if (err != NULL)
		return (host_ssh_fail(h, RESULT_AGENT, "no reply from %s%s:"
		    " %.*s", hs->command, why, (int)strcspn(err, "\n"), err));
	return (host_ssh_fail(h, RESULT_AGENT, "no reply from %s%s",
	    hs->command, why));
}

/* Drive the state machine until it has to wait. */
static void
host_ssh_step(struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	enum step	 st;
	int		 dir;

	hs->budget = SSH_STEP_BUDGET;
	hs->calls = SSH_STEP_CALLS;
	hs->in_step++;
	for (;;) {
		switch (hs->phase) {
		case SSH_RESOLVE:
			st = host_ssh_resolve(h);
			break;
		case SSH_CONNECT:
			st = host_ssh_connect(h);
			break;
		case SSH_HANDSHAKE:
			st = host_ssh_handshake(h);
			break;
		case SSH_HOSTKEY:
			st = host_ssh_hostkey(h);
			break;
		case SSH_AUTH:
			st = host_ssh_auth(h);
			break;
		case SSH_EXEC:
			st = host_ssh_exec(h);
			break;
		case SSH_OPEN:
			st = host_ssh_open_idle(h);
			break;
		case SSH_SEND:
			st = host_ssh_send(h);
			break;
		case SSH_RECV:
			st = host_ssh_recv(h);
			break;
		case SSH_CLOSING:
			st = host_ssh_closing(h);
			break;
		default:
			st = STEP_STOP;
			break;
		}
		if (st == STEP_NEXT)
			continue;
		if (st == STEP_WAIT_WRITE)
			host_ssh_arm(hs, EV_WRITE);
		else if (st == STEP_WAIT) {
			dir = libssh2_session_block_directions(hs->session);
			if (dir == 0)
				dir = LIBSSH2_SESSION_BLOCK_INBOUND;
			host_ssh_arm(hs,
			    ((dir & LIBSSH2_SESSION_BLOCK_INBOUND) ?
			    EV_READ : 0) |
			    ((dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) ?
			    EV_WRITE : 0));
		}
		break;
	}
	hs->in_step--;
}

/* Free everything of the connection; the host and its result stay. */
static void
host_ssh_teardown(struct host_ssh *hs)
{
	int	i;

	if (hs == NULL)
		return;
	if (hs->io_added) {
		event_del(&hs->io);
		hs->io_added = 0;
	}
	evtimer_del(&hs->timer);
	if (hs->dns_req != NULL) {
		evdns_getaddrinfo_cancel(hs->dns_req);
		hs->dns_req = NULL;
	}
	if (hs->session != NULL && hs->phase == SSH_HANDSHAKE &&
	    hs->fd != -1) {
		/*
		 * Dropped in the middle of the key exchange (cancelled, timed
		 * out): libssh2 1.10 frees its exchange state (the curve25519
		 * key pair) only when the exchange ends, not in
		 * libssh2_session_free(). End it: with the socket shut and the
		 * receive path closed, one more call fails at once and frees.
		 */
		if (hs->cut == NULL)
			hs->cut = "dropped";
		shutdown(hs->fd, SHUT_RDWR);
		(void)libssh2_session_handshake(hs->session, hs->fd);
	}
	if (hs->session != NULL) {
		/*
		 * One try at a polite goodbye, then shut the socket: a
		 * non-blocking libssh2 would otherwise answer EAGAIN while it
		 * waits for the peer to confirm the channel's close, and keep
		 * the session. On a dead socket it gives up and frees. The
		 * agent's input ends with the connection: it stops what it was
		 * running.
		 */
		libssh2_session_disconnect(hs->session, "done");
		if (hs->fd != -1)
			shutdown(hs->fd, SHUT_RDWR);
		if (hs->channel != NULL)
			libssh2_channel_free(hs->channel);
		for (i = 0; i < 4; i++) {
			if (libssh2_session_free(hs->session) !=
			    LIBSSH2_ERROR_EAGAIN)
				break;
		}
		hs->session = NULL;
		hs->channel = NULL;
	}
	if (hs->fd != -1) {
		close(hs->fd);
		hs->fd = -1;
	}
	if (hs->addrs != NULL) {
		evutil_freeaddrinfo(hs->addrs);
		hs->addrs = NULL;
	}
	strbuf_release(&hs->out);
	strbuf_release(&hs->err);
}

/* The agent path reaches the remote shell: allow no syntax. */
static int
transport_ssh_check_agent_path(const char *path, char **cause)
{
	const char	*p;

	for (p = path; *p != '\0'; p++) {
		if (strchr("/._-+", *p) == NULL &&
		    !(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9')) {
			xasprintf(cause, "agent path '%s': only letters,"
			    " digits and / . _ - + are allowed", path);
			return (-1);
		}
	}
	return (0);
}

/*
 * Load what every host shares: the ssh_config (a file named explicitly
 * is ssh -F: no system file after it), identities and known_hosts.
 */
static int
transport_ssh_init(struct run *r, char **cause)
{
	struct ssh_ctx		*ctx;
	struct sshconf_host	 conf;
	struct sshconf		*sc;
	size_t			 i;

	if (transport_ssh_check_agent_path(r->agent_path, cause) != 0)
		return (-1);
	if ((sc = sshconf_load(r->ssh_config, r->ssh_config_given,
	    cause)) == NULL)
		return (-1);
	if (!r->ssh_config_given && sshconf_load_system(sc, cause) != 0) {
		sshconf_free(sc);
		return (-1);
	}
	if (libssh2_init(0) != 0) {
		sshconf_free(sc);
		*cause = xstrdup("libssh2_init failed");
		return (-1);
	}
	ctx = xcalloc(1, sizeof *ctx);
	ctx->sshconf = sc;
	ctx->path = r->ssh_config != NULL ? xstrdup(r->ssh_config) : NULL;
	ctx->keyring = keyring_new();
	ctx->knownhosts = knownhosts_new();
	r->tctx[TRANSPORT_SSH] = ctx;
	/* Now, while descriptors are plentiful, not mid fan-out. */
	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->transport != &transport_ssh)
			continue;
		memset(&conf, 0, sizeof conf);
		sshconf_resolve(sc, r->hosts[i]->name, &conf);
		knownhosts_load(ctx->knownhosts, &conf);
		sshconf_host_release(&conf);
	}
	return (0);
}

/* Start a host: resolve its address and go. */
static void
transport_ssh_open(struct host *h)
{
	struct host_ssh	*hs;
	struct run	*r = h->run;

	if (h->tdata != NULL)
		fatalx("%s: %s is open", __func__, h->name);
	hs = h->tdata = xcalloc(1, sizeof *hs);
	hs->host = h;
	hs->ctx = r->tctx[TRANSPORT_SSH];
	hs->fd = -1;
	sshconf_resolve(hs->ctx->sshconf, h->name, &hs->conf);
	/* ConnectTimeout from ssh_config, unless given on the line. */
	if (r->connect_timeout_set || hs->conf.connect_timeout <= 0)
		hs->conf.connect_timeout = r->connect_timeout;
	h->peer = hs->conf.hostname;
	h->connected = 0;
	xasprintf(&hs->command, "%s", r->agent_path);
	evtimer_assign(&hs->timer, r->base, host_ssh_timer_cb, h);
	host_ssh_timer(hs, hs->conf.connect_timeout);
	/* Connecting directly would reach another host, or none. */
	if (hs->conf.proxy_jump != NULL) {
		host_ssh_fail(h, RESULT_UNREACHABLE, "ProxyJump %s is not"
		    " supported yet", hs->conf.proxy_jump);
		return;
	}
	if (hs->conf.proxy_command != NULL) {
		host_ssh_fail(h, RESULT_UNREACHABLE, "ProxyCommand %s... is not"
		    " supported", hs->conf.proxy_command);
		return;
	}
	host_ssh_set_phase(hs, SSH_RESOLVE);
	host_ssh_step(h);
}

/* Send one request on the host's open channel. */
static void
transport_ssh_call(struct host *h, const char *req, size_t len, int timeout,
    int flags)
{
	struct host_ssh	*hs = h->tdata;

	if (hs == NULL || hs->phase != SSH_OPEN)
		fatalx("%s: %s is not open", __func__, h->name);
	hs->req = req;
	hs->reqlen = len;
	hs->req_off = 0;
	hs->last = (flags & CALL_LAST) != 0;
	hs->timeout = timeout;
	host_ssh_timer(hs, timeout + SSH_ACTION_GRACE);
	host_ssh_set_phase(hs, SSH_SEND);
	/* Called from the host's own step (host_ready): it goes on. */
	if (hs->in_step == 0)
		host_ssh_step(h);
}

/* Drop a host's connection at once (done, cancel). */
static void
transport_ssh_close(struct host *h)
{
	struct host_ssh	*hs = h->tdata;

	if (hs == NULL)
		return;
	if (hs->in_step != 0)
		fatalx("%s: %s closed from its own step", __func__, h->name);
	host_ssh_teardown(hs);
	strbuf_release(&hs->reply);
	sshconf_host_release(&hs->conf);
	free(hs->command);
	free(hs);
	h->tdata = NULL;
	h->peer = NULL;
}

/* Has the peer said nothing yet? Bytes waiting unread count as said. */
static int
transport_ssh_silent(const struct host *h)
{
	struct host_ssh	*hs = h->tdata;
	int		 pending = 0;

	if (hs == NULL || hs->heard)
		return (0);
	if (hs->fd == -1)
		return (1);
	if (ioctl(hs->fd, FIONREAD, &pending) == -1)
		return (0);
	return (pending == 0);
}

/* Let go of every host and free what init loaded. */
static void
transport_ssh_done(struct run *r)
{
	struct ssh_ctx	*ctx = r->tctx[TRANSPORT_SSH];
	size_t		 i;

	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->transport == &transport_ssh)
			transport_ssh_close(r->hosts[i]);
	}
	if (ctx == NULL)
		return;
	keyring_free(ctx->keyring);
	knownhosts_free(ctx->knownhosts);
	sshconf_free(ctx->sshconf);
	if (ctx->dns != NULL)
		evdns_base_free(ctx->dns, 0);
	free(ctx->path);
	free(ctx);
	r->tctx[TRANSPORT_SSH] = NULL;
	libssh2_exit();
}

const struct transport transport_ssh = {
	.name = "ssh",
	.slot = TRANSPORT_SSH,
	.init = transport_ssh_init,
	.open = transport_ssh_open,
	.call = transport_ssh_call,
	.close = transport_ssh_close,
	.silent = transport_ssh_silent,
	.done = transport_ssh_done,
};
