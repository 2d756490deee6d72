/*
 * json.c: machine-readable output. --json writes one document with the
 * request, every host's result, the summary and run statistics; --jsonl
 * writes each result as its host finishes and the summary last. Remote
 * text is not trusted to be UTF-8: invalid bytes become U+FFFD so the
 * output always parses.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "muster.h"

/* Length of the valid UTF-8 sequence at p, or 0 if invalid. */
static size_t
json_utf8_len(const unsigned char *p, size_t n)
{
	size_t		len, i;
	uint32_t	cp;

	if (p[0] < 0x80)
		return (1);
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return (0);
	if (len > n)
		return (0);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	return (len);
}

/* Bytes as a JSON string, invalid UTF-8 replaced. */
json_t *
json_string_bytes(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*buf;
	size_t			 i = 0, o = 0, l;
	json_t			*j;

	buf = xmalloc(n * 3 + 1);
	while (i < n) {
		if ((l = json_utf8_len(p + i, n - i)) == 0) {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(buf + o, p + i, l);
		o += l;
		i += l;
	}
	j = json_stringn(buf, o);
	free(buf);
	return (j != NULL ? j : json_string(""));
}

/* A decoded msgpack value as a new JSON value. */
json_t *
json_from_wire(const msgpack_object *o)
{
	const msgpack_object	*v;
	const char		*s;
	char			*key;
	size_t			 len, i;
	int64_t			 n;
	double			 d;
	int			 b;
	json_t			*j;

	switch (wire_type(o)) {
	case WIRE_BOOL:
		wire_bool(o, &b);
		return (json_boolean(b));
	case WIRE_INT:
		wire_int(o, &n);
		return (json_integer(n));
	case WIRE_DOUBLE:
		wire_double(o, &d);
		return (json_real(d));
	case WIRE_STR:
	case WIRE_BIN:
		wire_str(o, &s, &len);
		return (json_string_bytes(s, len));
	case WIRE_ARRAY:
		j = json_array();
		for (i = 0; i < wire_len(o); i++)
			json_array_append_new(j,
			    json_from_wire(wire_array_at(o, i)));
		return (j);
	case WIRE_MAP:
		j = json_object();
		for (i = 0; i < wire_len(o); i++) {
			if (wire_map_at(o, i, &s, &len, &v) != 0)
				continue;
			key = xstrndup(s, len);
			if (strlen(key) == len)
				json_object_set_new(j, key, json_from_wire(v));
			free(key);
		}
		return (j);
	default:
		return (json_null());
	}
}

/* One host's result object. */
static json_t *
json_host(const struct host *h)
{
	const struct result	*res = &h->result;
	const char		*sender;
	json_t			*j;

	j = json_object();
	json_object_set_new(j, "host", json_string_bytes(h->name,
	    strlen(h->name)));
	json_object_set_new(j, "status",
	    json_string(result_status_name(res->status)));
	json_object_set_new(j, "statuscode", res->have_reply ?
	    json_integer(res->statuscode) : json_null());
	json_object_set_new(j, "statusmsg", json_string_bytes(
	    res->statusmsg != NULL ? res->statusmsg : "",
	    res->statusmsg != NULL ? strlen(res->statusmsg) : 0));
	if (res->have_reply && res->reply.data != NULL)
		json_object_set_new(j, "data", json_from_wire(res->reply.data));
	else
		json_object_set_new(j, "data", json_object());
	if ((sender = result_foreign_sender(res)) != NULL)
		json_object_set_new(j, "sender", json_string_bytes(sender,
		    strlen(sender)));
	if (res->stderr_text != NULL)
		json_object_set_new(j, "stderr", json_string_bytes(
		    res->stderr_text, strlen(res->stderr_text)));
	/* When it started, from the run's start: null if it never did. */
	json_object_set_new(j, "start_ms", h->started.tv_sec == 0 ?
	    json_null() : json_integer(((int64_t)h->started.tv_sec -
	    h->run->start.tv_sec) * 1000 + (h->started.tv_usec -
	    h->run->start.tv_usec) / 1000));
	json_object_set_new(j, "elapsed_ms", json_integer(res->elapsed_ms));
	/* Connect (to channel ready) and call: null if no channel was had. */
	json_object_set_new(j, "connect_ms", res->connect_ms < 0 ?
	    json_null() : json_integer(res->connect_ms));
	json_object_set_new(j, "call_ms", res->call_ms < 0 ? json_null() :
	    json_integer(res->call_ms));
	return (j);
}

/*
 * The summary object: targeted, answered, a count per status, the
 * aggregates the DDL declares, and the run's exit code.
 */
static json_t *
json_summary(struct run *r, const struct action_spec *spec)
{
	size_t			 counts[RESULT_NSTATUS] = { 0 };
	size_t			 i;
	enum result_status	 s;
	json_t			*j;

	for (i = 0; i < r->nhosts; i++)
		counts[r->hosts[i]->result.status]++;
	j = json_object();
	json_object_set_new(j, "targeted", json_integer(r->nhosts));
	json_object_set_new(j, "answered", json_integer(counts[RESULT_OK] +
	    counts[RESULT_FAILED] + counts[RESULT_SKIPPED]));
	for (s = RESULT_OK; s < RESULT_NSTATUS; s++)
		json_object_set_new(j, result_status_name(s),
		    json_integer(counts[s]));
	json_object_set_new(j, "aggregates", aggregate_json(r,
	    spec->ddl_action));
	json_object_set_new(j, "exit_code", json_integer(run_exit_code(r)));
	return (j);
}

/* Write a JSON value and a newline. */
static void
json_emit(FILE *f, json_t *j, size_t flags)
{
	json_dumpf(j, f, flags);
	fputc('\n', f);
	fflush(f);
	json_decref(j);
}

/* The request object of --json. */
static json_t *
json_request(struct run *r, const struct action_spec *spec,
    const struct cmd_ctx *ctx)
{
	struct wire_msg	 msg;
	const char	*data, *cause;
	size_t		 len, used;
	json_t		*j;

	j = json_object();
	json_object_set_new(j, "id", json_string(r->request_id));
	json_object_set_new(j, "agent", json_string(spec->agent));
	json_object_set_new(j, "action", json_string(spec->action));
	memset(&msg, 0, sizeof msg);
	data = wire_writer_data(&spec->args, &len);
	if (wire_decode(data, len, &msg, &used, &cause) == 1)
		json_object_set_new(j, "args", json_from_wire(msg.root));
	else
		json_object_set_new(j, "args", json_object());
	wire_msg_release(&msg);
	json_object_set_new(j, "timeout", json_integer(r->action_timeout));
	if (ctx->reason != NULL)
		json_object_set_new(j, "reason", json_string_bytes(ctx->reason,
		    strlen(ctx->reason)));
	return (j);
}

/* The whole --json document. */
void
json_write_run(FILE *f, struct run *r, const struct action_spec *spec,
    const struct cmd_ctx *ctx)
{
	json_t	*doc, *results, *stats;
	size_t	 i;

	doc = json_object();
	json_object_set_new(doc, "request", json_request(r, spec, ctx));
	results = json_array();
	for (i = 0; i < r->nhosts; i++)
		json_array_append_new(results, json_host(r->hosts[i]));
	json_object_set_new(doc, "results", results);
	json_object_set_new(doc, "summary", json_summary(r, spec));
	stats = json_object();
	json_object_set_new(stats, "elapsed_ms",
	    json_integer(fanout_elapsed_ms(r)));
	json_object_set_new(stats, "start", json_integer(r->start.tv_sec));
	json_object_set_new(stats, "concurrency",
	    json_integer(r->concurrency));
	json_object_set_new(stats, "interrupted",
	    json_boolean(r->interrupted));
	json_object_set_new(doc, "stats", stats);
	json_emit(f, doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}

/* One --jsonl line for a finished host. */
void
json_write_host(FILE *f, const struct host *h)
{
	json_emit(f, json_host(h), JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* The last --jsonl line. */
void
json_write_summary_line(FILE *f, struct run *r,
    const struct action_spec *spec)
{
	json_t	*j;

	j = json_object();
	json_object_set_new(j, "summary", json_summary(r, spec));
	json_emit(f, j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}
