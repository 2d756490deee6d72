/*
 * result.c: the outcome of one host. A reply from the agent and a
 * transport failure end in the same record, which the renderer, the JSON
 * writer and the audit log all read.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "muster.h"

static const char *result_names[RESULT_NSTATUS] = {
	"none", "ok", "failed", "skipped", "unreachable", "timeout", "auth",
	"hostkey", "agent", "cancelled"
};

/* The name used in tables, JSON and the audit log. */
const char *
result_status_name(enum result_status s)
{
	if (s < 0 || s >= RESULT_NSTATUS)
		return ("none");
	return (result_names[s]);
}

/* Did the host give no answer? Those make the exit code 3. */
int
result_status_unanswered(enum result_status s)
{
	switch (s) {
	case RESULT_UNREACHABLE:
	case RESULT_TIMEOUT:
	case RESULT_AUTH:
	case RESULT_HOSTKEY:
	case RESULT_AGENT:
	case RESULT_CANCELLED:
	case RESULT_NONE:
		return (1);
	default:
		return (0);
	}
}

/* A transport outcome: status and a one-line message. */
void
result_set_error(struct result *res, enum result_status status,
    const char *fmt, ...)
{
	va_list	ap;

	res->status = status;
	res->statuscode = -1;
	free(res->statusmsg);
	va_start(ap, fmt);
	xvasprintf(&res->statusmsg, fmt, ap);
	va_end(ap);
}

/*
 * Is name the same host as want? Equal ignoring case, or a short name and
 * its qualified form ("web1", "web1.example.com"): an agent's identity
 * defaults to its host name, which may be either.
 */
static int
result_same_name(const char *name, const char *want)
{
	size_t	ln, lw;

	if (name == NULL || want == NULL)
		return (0);
	if (strcasecmp(name, want) == 0)
		return (1);
	ln = strcspn(name, ".");
	lw = strcspn(want, ".");
	return (ln == lw && (name[ln] == '\0') != (want[lw] == '\0') &&
	    strncasecmp(name, want, ln) == 0);
}

/*
 * Decode the agent's stdout into the result. The client sent one request,
 * so stdout must hold exactly one reply, to that request. What it decodes
 * into is counted against the run's budget before it is allocated: replies
 * are held until the run is rendered, so without it memory would grow with
 * hosts x WIRE_DECODED_MAX.
 */
void
result_set_reply(struct host *h, const char *buf, size_t len)
{
	struct result	*res = &h->result;
	struct run	*r = h->run;
	const char	*cause = NULL;
	char		*pcause = NULL;
	size_t		 used, size;
	int		 rc;

	rc = wire_scan_size(buf, len, &used, &size, &cause);
	if (rc != 1) {
		result_set_error(res, RESULT_AGENT, "reply is not valid: %s",
		    rc == 0 ? "truncated" : cause);
		return;
	}
	if (size > RESULT_REPLY_BUDGET - r->reply_bytes) {
		result_set_error(res, RESULT_AGENT, "reply not kept: its "
		    "%.1f MiB decoded would take the replies held by the run "
		    "past %d MiB (%.1f MiB held)", size / 1048576.0,
		    RESULT_REPLY_BUDGET / (1024 * 1024),
		    r->reply_bytes / 1048576.0);
		return;
	}
	rc = wire_decode(buf, used, &res->msg, NULL, &cause);
	if (rc != 1) {
		wire_msg_release(&res->msg);
		result_set_error(res, RESULT_AGENT, "reply is not valid: %s",
		    rc == 0 ? "truncated" : cause);
		return;
	}
	if (wire_type(res->msg.root) != WIRE_MAP) {
		wire_msg_release(&res->msg);
		result_set_error(res, RESULT_AGENT, "reply is not a map");
		return;
	}
	if (proto_reply_parse(res->msg.root, &res->reply, &pcause) != 0) {
		proto_reply_release(&res->reply);
		wire_msg_release(&res->msg);
		result_set_error(res, RESULT_AGENT, "reply is not valid: %s",
		    pcause);
		free(pcause);
		return;
	}
	if (res->reply.id[0] == '\0') {
		/* PROTOCOL.md: the agent could not read the request. */
		result_set_error(res, RESULT_AGENT,
		    "the agent could not read the request: %s",
		    res->reply.statusmsg[0] != '\0' ? res->reply.statusmsg :
		    proto_statuscode_name(res->reply.statuscode));
		goto fail;
	}
	if (strcmp(res->reply.id, h->call_id != NULL ? h->call_id :
	    r->request_id) != 0) {
		result_set_error(res, RESULT_AGENT,
		    "reply for another request (id %s)", res->reply.id);
		goto fail;
	}
	if (used != len) {
		result_set_error(res, RESULT_AGENT, "more than one reply: "
		    "%zu bytes followed the reply to the request", len - used);
		goto fail;
	}

	r->reply_bytes += res->msg.size;
	res->have_reply = 1;
	res->foreign_sender = !result_same_name(res->reply.sender, h->name) &&
	    (h->peer == NULL || !result_same_name(res->reply.sender, h->peer));
	res->statuscode = res->reply.statuscode;
	free(res->statusmsg);
	res->statusmsg = xstrdup(res->reply.statusmsg != NULL ?
	    res->reply.statusmsg : "");
	if (res->reply.skipped)
		res->status = RESULT_SKIPPED;
	else if (res->reply.timed_out)
		res->status = RESULT_TIMEOUT;
	else if (res->reply.statuscode == MUSTER_OK)
		res->status = RESULT_OK;
	else
		res->status = RESULT_FAILED;
	if (res->statusmsg[0] == '\0')
		res->statusmsg = (free(res->statusmsg),
		    xstrdup(proto_statuscode_name(res->statuscode)));
	return;

fail:
	proto_reply_release(&res->reply);
	wire_msg_release(&res->msg);
}

/*
 * Drop the host's reply before another call on its channel (a policy that
 * polls): the run's budget gets its share back.
 */
void
result_forget_reply(struct host *h)
{
	struct result	*res = &h->result;

	if (res->have_reply) {
		h->run->reply_bytes -= res->msg.size;
		proto_reply_release(&res->reply);
		res->have_reply = 0;
	}
	wire_msg_release(&res->msg);
	memset(&res->msg, 0, sizeof res->msg);
	memset(&res->reply, 0, sizeof res->reply);
	free(res->statusmsg);
	res->statusmsg = NULL;
	res->status = RESULT_NONE;
	res->statuscode = -1;
	res->foreign_sender = 0;
}

/* The reply's sender when it is not the host's name, else NULL. */
const char *
result_foreign_sender(const struct result *res)
{
	if (!res->have_reply || !res->foreign_sender)
		return (NULL);
	return (res->reply.sender);
}

/* Free what the result holds. */
void
result_release(struct result *res)
{
	if (res->have_reply)
		proto_reply_release(&res->reply);
	wire_msg_release(&res->msg);
	free(res->statusmsg);
	free(res->stderr_text);
	memset(res, 0, sizeof *res);
}

/* One field of the reply's data map. */
const msgpack_object *
result_data(const struct result *res, const char *key)
{
	if (!res->have_reply || res->reply.data == NULL)
		return (NULL);
	return (wire_map_get(res->reply.data, key));
}
