/*
 * muster-agent.c: the remote side of muster. Reads msgpack request maps
 * back to back on stdin, answers each with one reply map on stdout, in
 * order, and exits 0 at the end of input (include/PROTOCOL.md).
 *
 * Input is untrusted. Bytes are gathered into a buffer of at most
 * MUSTER_REQUEST_MAX; wire_scan() says when it holds a whole request, and
 * only then is it decoded. A request that does not fit, bytes that are not
 * msgpack, or input that ends inside a request get one reply with Invalid
 * Request Data and exit 1: after that the stream cannot be trusted to be
 * in step. stderr carries diagnostics only.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "policy.h"

#define AGENT_CONF_DEFAULT	"/etc/muster/agent.conf"

static struct conf	*agent_conf;
static const char	*agent_caller;	/* --caller: verified */
static char		*agent_user;	/* who we run as, for the policy */

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: muster-agent [-v] [--caller NAME] [--config FILE]\n"
	    "       muster-agent -V|--version\n");
	exit(status);
}

/*
 * The Unix user we run as: sshd authenticated it, so it is who a full
 * login's requests come from ("uid=N" without a passwd entry).
 */
static char *
agent_whoami(void)
{
	struct passwd	*pw;
	char		*s;

	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name != NULL &&
	    *pw->pw_name != '\0')
		return (xstrdup(pw->pw_name));
	xasprintf(&s, "uid=%lu", (unsigned long)geteuid());
	return (s);
}

/* Milliseconds on the monotonic clock. */
static int64_t
agent_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Make sure fds 0, 1 and 2 are open, so no file we open lands there. */
static void
agent_sanitise_stdfd(void)
{
	int	fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDWR) != fd)
			fatal("/dev/null");
	}
}

/* Write all of buf to stdout; exit 1 if the reader is gone. */
static void
agent_write(const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(STDOUT_FILENO, buf, len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			log_warn("write");
			exit(1);
		}
		buf += n;
		len -= n;
	}
}

/* Pack and send a reply for a call, audit it, and free the call. */
static void
agent_reply(const struct proto_request *req, struct call *c,
    int64_t elapsed_ms)
{
	struct proto_reply	rep;
	struct wire_writer	out, facts;
	const char		*data;
	size_t			 len;

	audit_log(agent_conf, req, agent_caller != NULL ? agent_caller :
	    agent_user, c->decision, c->statuscode, c->skipped);

	memset(&rep, 0, sizeof rep);
	rep.v = MUSTER_PROTOCOL_VERSION;
	memcpy(rep.id, req->id, sizeof rep.id);
	rep.sender = agent_conf->identity;
	rep.statuscode = c->statuscode;
	/* A reply always says something: "OK" when the action had nothing. */
	rep.statusmsg = c->statusmsg != NULL && *c->statusmsg != '\0' ?
	    c->statusmsg : (char *)proto_statuscode_name(c->statuscode);
	rep.timed_out = c->timed_out;
	rep.skipped = c->skipped;
	rep.elapsed_ms = elapsed_ms;
	data = wire_writer_data(&c->data, &len);
	if (len != 0) {
		rep.data_raw = data;
		rep.data_len = len;
	}
	/* Asked for by a request that was read: skipped or not. */
	wire_writer_init(&facts);
	if (c->req != NULL && c->req->facts) {
		facts_put_all(&facts, facts_get(agent_conf));
		rep.facts_raw = wire_writer_data(&facts, &rep.facts_len);
	}

	wire_writer_init(&out);
	proto_reply_pack(&out, &rep);
	wire_writer_data(&out, &len);
	if (len > MUSTER_REPLY_MAX) {
		log_warnx("reply of %zu bytes is too large", len);
		rep.statuscode = MUSTER_UNKNOWN_ERROR;
		rep.statusmsg = (char *)"reply larger than 16 MiB";
		rep.data_raw = NULL;
		rep.data_len = 0;
		rep.facts_raw = NULL;
		rep.facts_len = 0;
		wire_writer_reset(&out);
		proto_reply_pack(&out, &rep);
	}
	data = wire_writer_data(&out, &len);
	agent_write(data, len);
	wire_writer_release(&out);
	wire_writer_release(&facts);

	wire_writer_release(&c->data);
	free(c->statusmsg);
	c->statusmsg = NULL;
	free(c->decision);
	c->decision = NULL;
}

/* Answer a stream that cannot go on, and say so on stderr. */
static void
agent_refuse(const char *msg)
{
	struct proto_request	req;
	struct call		c;

	log_warnx("%s", msg);
	memset(&req, 0, sizeof req);
	memset(&c, 0, sizeof c);
	wire_writer_init(&c.data);
	c.statuscode = MUSTER_INVALID_DATA;
	c.statusmsg = xstrdup(msg);
	agent_reply(&req, &c, 0);
}

/* Serve one whole request of len bytes. */
static void
agent_serve(const char *buf, size_t len)
{
	struct wire_msg		 msg;
	struct proto_request	 req;
	struct call		 c;
	const char		*why;
	char			*cause = NULL;
	int64_t			 start;
	int			 code;

	memset(&c, 0, sizeof c);
	wire_writer_init(&c.data);
	start = agent_now();

	if (wire_decode(buf, len, &msg, NULL, &why) != 1) {
		memset(&req, 0, sizeof req);
		code = MUSTER_INVALID_DATA;
		xasprintf(&cause, "malformed request: %s", why);
	} else
		code = proto_request_parse(msg.root, &req, &cause);

	if (agent_conf->error != NULL)
		call_fail(&c, MUSTER_UNKNOWN_ERROR, "%s", agent_conf->error);
	else if (code != 0) {
		log_debug("%s: refused: %s", __func__, cause);
		call_fail(&c, code, "%s", cause);
	} else {
		c.req = &req;
		c.conf = agent_conf;
		/* Who asks: the key's --caller, else our own user. */
		c.caller = agent_caller != NULL ? agent_caller : agent_user;
		c.forced = agent_caller != NULL;
		/*
		 * Live facts for each request: on a kept channel (a warm
		 * session) the agent serves many, and facts change between.
		 */
		facts_free_all();
		dispatch(&c);
	}
	agent_reply(&req, &c, agent_now() - start);

	free(cause);
	proto_request_release(&req);
	wire_msg_release(&msg);
}

/* Read and serve requests until the end of input. */
static int
agent_loop(void)
{
	char		*buf;
	char		*msg;
	const char	*why;
	size_t		 have = 0, used;
	ssize_t		 n;
	int		 r, eof = 0, status = -1;

	buf = xmalloc(MUSTER_REQUEST_MAX);
	while (status == -1) {
		while (have > 0) {
			r = wire_scan(buf, have, &used, &why);
			if (r == 0)
				break;
			if (r == -1) {
				xasprintf(&msg, "malformed request: %s", why);
				agent_refuse(msg);
				free(msg);
				status = 1;
				break;
			}
			/* Not a map: the peer does not speak this protocol. */
			if (((unsigned char)buf[0] & 0xf0) != 0x80 &&
			    (unsigned char)buf[0] != 0xde &&
			    (unsigned char)buf[0] != 0xdf) {
				agent_refuse("malformed request: not a map");
				status = 1;
				break;
			}
			agent_serve(buf, used);
			memmove(buf, buf + used, have - used);
			have -= used;
		}
		if (status != -1)
			break;
		if (have == MUSTER_REQUEST_MAX) {
			agent_refuse("request larger than 1 MiB");
			status = 1;
		} else if (eof && have != 0) {
			xasprintf(&msg, "request truncated after %zu bytes",
			    have);
			agent_refuse(msg);
			free(msg);
			status = 1;
		} else if (eof)
			status = 0;
		else {
			n = read(STDIN_FILENO, buf + have,
			    MUSTER_REQUEST_MAX - have);
			if (n == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n == -1) {
				log_warn("read");
				status = 1;
			} else if (n == 0)
				eof = 1;
			else
				have += n;
		}
	}
	free(buf);
	return (status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "caller", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*path = NULL;
	int		 ch, verbose = 0, optional = 0, status;

	agent_sanitise_stdfd();
	log_init("muster-agent", 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);

	while ((ch = getopt_long(argc, argv, "hvV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (!policy_caller_ok(optarg)) {
				log_warnx("--caller: '%s' is not a caller name"
				    " (1 to 64 of A-Z a-z 0-9 . _ @ -)", optarg);
				exit(64);
			}
			agent_caller = optarg;
			break;
		case 'f':
			path = optarg;
			break;
		case 'h':
			usage(0);
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("muster-agent %s (protocol %d)\n", AGENT_VERSION,
			    MUSTER_PROTOCOL_VERSION);
			return (0);
		default:
			usage(64);
		}
	}
	if (optind != argc)
		usage(64);
	log_init("muster-agent", verbose);

	/* Under a forced command, SSH_ORIGINAL_COMMAND is never looked at. */
	if (path == NULL && (path = getenv("MUSTER_AGENT_CONFIG")) != NULL &&
	    *path == '\0')
		path = NULL;
	if (path == NULL) {
		path = AGENT_CONF_DEFAULT;
		optional = 1;
	}
	agent_conf = conf_new();
	if (conf_load(agent_conf, path, optional) != 0)
		log_warnx("%s", agent_conf->error);
	agent_user = agent_whoami();
	log_debug("%s: identity %s, caller %s%s", __func__,
	    agent_conf->identity, agent_caller != NULL ? agent_caller :
	    agent_user, agent_caller != NULL ? " (forced command)" : "");

	status = agent_loop();

	facts_free_all();
	conf_free(agent_conf);
	free(agent_user);
	return (status);
}
