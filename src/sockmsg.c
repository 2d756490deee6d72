/*
 * sockmsg.c: msgpack messages over a local stream socket, the language of
 * a warm session and its callers. A message is one msgpack map; msgpack
 * is self-delimiting, so wire_scan() finds where each ends and no other
 * framing is needed (as on an agent's channel). Both ends bound what they
 * accept: a message larger than the reader's maximum ends the connection.
 *
 * Two ways to use one: blocking, with a deadline, for a command's short
 * exchanges (hello, status, stop); or on the event loop, where the
 * socket is read into a buffer and each whole message handed to a
 * callback, and messages to send are queued and written as the socket
 * takes them.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "muster.h"

/* Bytes read per wake-up before other events get their turn. */
#define SOCKMSG_READ_BUDGET	(1024 * 1024)

/* Milliseconds left until the deadline (0 if it passed). */
static int
sockmsg_left(const struct timeval *deadline)
{
	struct timeval	now, d;

	gettimeofday(&now, NULL);
	if (timercmp(&now, deadline, >=))
		return (0);
	timersub(deadline, &now, &d);
	return ((int)(d.tv_sec * 1000 + d.tv_usec / 1000) + 1);
}

/* Connect to the socket at path; -1 with errno set. */
int
sockmsg_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Write a whole message within timeout_ms; -1 with *cause. */
int
sockmsg_write(int fd, const struct wire_writer *w, int timeout_ms,
    char **cause)
{
	struct timeval	 deadline, now, d;
	struct pollfd	 pfd;
	const char	*buf;
	size_t		 len, off = 0;
	ssize_t		 n;

	gettimeofday(&now, NULL);
	d.tv_sec = timeout_ms / 1000;
	d.tv_usec = (timeout_ms % 1000) * 1000;
	timeradd(&now, &d, &deadline);
	buf = wire_writer_data(w, &len);
	while (off < len) {
		n = send(fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			off += n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			xasprintf(cause, "write: %s", strerror(errno));
			return (-1);
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, sockmsg_left(&deadline)) == 0) {
			*cause = xstrdup("write: timed out");
			return (-1);
		}
	}
	return (0);
}

/*
 * Read one message within timeout_ms into msg (released by the caller),
 * keeping bytes past it in *in. 0, or -1 with *cause (end of file, a
 * message larger than max, garbage, the deadline).
 */
int
sockmsg_read(int fd, struct strbuf *in, size_t max, int timeout_ms,
    struct wire_msg *msg, char **cause)
{
	struct timeval	 deadline, now, d;
	struct pollfd	 pfd;
	const char	*why;
	char		 buf[65536];
	size_t		 used;
	ssize_t		 n;
	int		 rc;

	gettimeofday(&now, NULL);
	d.tv_sec = timeout_ms / 1000;
	d.tv_usec = (timeout_ms % 1000) * 1000;
	timeradd(&now, &d, &deadline);
	for (;;) {
		rc = in->len == 0 ? 0 : wire_decode(in->buf, in->len, msg,
		    &used, &why);
		if (rc == 1) {
			memmove(in->buf, in->buf + used, in->len - used);
			in->len -= used;
			if (wire_type(msg->root) == WIRE_MAP)
				return (0);
			why = "not a map";
			rc = -1;
		}
		wire_msg_release(msg);
		if (rc == -1) {
			xasprintf(cause, "bad message: %s", why);
			return (-1);
		}
		if (in->len > max) {
			xasprintf(cause, "message larger than %zu bytes", max);
			return (-1);
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		rc = poll(&pfd, 1, sockmsg_left(&deadline));
		if (rc == 0) {
			*cause = xstrdup("no answer in time");
			return (-1);
		}
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n == 0) {
			*cause = xstrdup("connection closed");
			return (-1);
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			xasprintf(cause, "read: %s", strerror(errno));
			return (-1);
		}
		strbuf_add(in, buf, n);
	}
}

/* The socket is readable: take whole messages off it. */
static void
sockmsg_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockmsg	*sm = arg;
	struct wire_msg	 msg;
	const char	*why, *closed = NULL;
	char		 buf[65536];
	size_t		 used, got = 0, off = 0;
	ssize_t		 n;
	int		 rc;

	(void)what;
	while (got < SOCKMSG_READ_BUDGET) {
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n == 0) {
			closed = "connection closed";
			break;
		}
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				closed = strerror(errno);
			break;
		}
		strbuf_add(&sm->in, buf, n);
		got += n;
	}
	/* Messages from an offset, the buffer compacted once at the end. */
	while (off < sm->in.len) {
		memset(&msg, 0, sizeof msg);
		rc = wire_decode(sm->in.buf + off, sm->in.len - off, &msg,
		    &used, &why);
		if (rc == 0) {
			wire_msg_release(&msg);
			if (sm->in.len - off > sm->max) {
				sm->error(sm, "message too large", sm->arg);
				return;
			}
			break;
		}
		if (rc == -1 || wire_type(msg.root) != WIRE_MAP) {
			wire_msg_release(&msg);
			sm->error(sm, rc == -1 ? why : "message is not a map",
			    sm->arg);
			return;
		}
		off += used;
		rc = sm->message(sm, msg.root, sm->arg);
		wire_msg_release(&msg);
		/* The callback freed the connection. */
		if (rc != 0)
			return;
	}
	if (off > 0) {
		memmove(sm->in.buf, sm->in.buf + off, sm->in.len - off);
		sm->in.len -= off;
	}
	/* What came before the end was handled first. */
	if (closed != NULL)
		sm->error(sm, closed, sm->arg);
}

/* The socket is writable: send what is queued. */
static void
sockmsg_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockmsg	*sm = arg;
	ssize_t		 n;

	(void)what;
	while (sm->out_off < sm->out.len) {
		n = send(fd, sm->out.buf + sm->out_off,
		    sm->out.len - sm->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			sm->error(sm, strerror(errno), sm->arg);
			return;
		}
		sm->out_off += n;
	}
	if (sm->out_off == sm->out.len) {
		sm->out.len = sm->out_off = 0;
		event_del(sm->wev);
	} else
		event_add(sm->wev, NULL);
}

/*
 * A connection on the loop: message() gets each whole message (return
 * non-zero after freeing the connection), error() the reason it broke
 * (it must free the connection).
 */
struct sockmsg *
sockmsg_new(struct event_base *base, int fd, size_t max,
    int (*message)(struct sockmsg *, const msgpack_object *, void *),
    void (*error)(struct sockmsg *, const char *, void *), void *arg)
{
	struct sockmsg	*sm;

	sm = xcalloc(1, sizeof *sm);
	sm->fd = fd;
	sm->max = max;
	sm->message = message;
	sm->error = error;
	sm->arg = arg;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	sm->rev = event_new(base, fd, EV_READ | EV_PERSIST, sockmsg_read_cb,
	    sm);
	sm->wev = event_new(base, fd, EV_WRITE, sockmsg_write_cb, sm);
	event_add(sm->rev, NULL);
	return (sm);
}

/* Queue a message; it goes out as the socket takes it. */
void
sockmsg_send(struct sockmsg *sm, const struct wire_writer *w)
{
	const char	*buf;
	size_t		 len;

	buf = wire_writer_data(w, &len);
	/* Compact now and then: the queue is drained in order. */
	if (sm->out_off > 0 && sm->out_off == sm->out.len)
		sm->out.len = sm->out_off = 0;
	strbuf_add(&sm->out, buf, len);
	event_add(sm->wev, NULL);
}

/* Bytes queued and not yet written. */
size_t
sockmsg_pending(const struct sockmsg *sm)
{
	return (sm->out.len - sm->out_off);
}

/* Write what is queued now, within timeout_ms; -1 with *cause. */
int
sockmsg_flush(struct sockmsg *sm, int timeout_ms, char **cause)
{
	struct wire_writer	w;
	int			rc;

	if (sockmsg_pending(sm) == 0)
		return (0);
	wire_writer_init(&w);
	msgpack_sbuffer_write(&w.sbuf, sm->out.buf + sm->out_off,
	    sockmsg_pending(sm));
	rc = sockmsg_write(sm->fd, &w, timeout_ms, cause);
	wire_writer_release(&w);
	sm->out.len = sm->out_off = 0;
	event_del(sm->wev);
	return (rc);
}

/* Close and free (NULL is fine). */
void
sockmsg_free(struct sockmsg *sm)
{
	if (sm == NULL)
		return;
	event_free(sm->rev);
	event_free(sm->wev);
	close(sm->fd);
	strbuf_release(&sm->in);
	strbuf_release(&sm->out);
	free(sm);
}
