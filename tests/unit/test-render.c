/*
 * test-render.c: the summary block, the per-host table, value
 * distributions, --json and exit codes, rendered from fixed results
 * without any network.
 */
#include <sys/time.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "muster.h"
#include "unit-run.h"

/* Give host h a packed reply with statuscode and a data map. */
static void
test_reply(struct host *h, int code, const char *msg, int64_t exitcode,
    const char *out)
{
	struct wire_writer	data, w;
	struct proto_reply	rep;
	const char		*buf;
	size_t			 len;

	wire_writer_init(&data);
	wire_writer_init(&w);
	wire_put_map(&data, 2);
	wire_put_kint(&data, "exitcode", exitcode);
	wire_put_kstr(&data, "stdout", out);
	memset(&rep, 0, sizeof rep);
	rep.v = 1;
	memcpy(rep.id, h->run->request_id, sizeof rep.id);
	rep.sender = h->name;
	rep.statuscode = code;
	rep.statusmsg = (char *)msg;
	rep.data_raw = wire_writer_data(&data, &rep.data_len);
	proto_reply_pack(&w, &rep);
	buf = wire_writer_data(&w, &len);
	result_set_reply(h, buf, len);
	wire_writer_release(&data);
	wire_writer_release(&w);
}

/* A run of n hosts (unit-run.h). */
static struct run *
test_run(size_t n)
{
	return (unit_run(n, 0));
}

/* Render into a string. */
static char *
test_render(struct run *r, struct action_spec *spec, enum display_mode m)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&buf, &len);
	render_results(f, r, spec, m);
	render_summary(f, r, spec);
	fclose(f);
	return (buf);
}

static void
test_summary_classes(void **state)
{
	struct action_spec	 spec;
	struct run		*r;
	char			*out;
	size_t			 i;

	(void)state;
	r = test_run(8);
	for (i = 0; i < 8; i++)
		test_reply(r->hosts[i], 0, "OK", 0, "same\n");
	result_release(&r->hosts[2]->result);
	result_set_error(&r->hosts[2]->result, RESULT_UNREACHABLE,
	    "connect to 127.0.0.1 port 1: Connection refused");
	result_release(&r->hosts[3]->result);
	result_set_error(&r->hosts[3]->result, RESULT_UNREACHABLE, "x");
	result_release(&r->hosts[6]->result);
	test_reply(r->hosts[6], 1, "E: Unable to locate package zsh", 100,
	    "");
	action_spec_init(&spec, "package", "install");

	out = test_render(r, &spec, DISPLAY_FAILED);
	/* Failed first, then unreachable; ok hosts are not listed. */
	assert_non_null(strstr(out, "node0007    E: Unable to locate"));
	assert_true(strstr(out, "node0007") < strstr(out, "node0003"));
	assert_null(strstr(out, "node0001    "));
	assert_non_null(strstr(out, "Nodes: 6 / 8\n"));
	assert_non_null(strstr(out, "Failed: 1   node0007\n"));
	assert_non_null(strstr(out, "Unreachable: 2   node[0003-0004]\n"));
	assert_non_null(strstr(out, "---- package install summary ----"));
	assert_non_null(strstr(out, "Elapsed Time: "));
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);
	free(out);

	out = test_render(r, &spec, DISPLAY_ALL);
	assert_non_null(strstr(out, "\nnode0001\n"));
	free(out);

	action_spec_release(&spec);
	run_free(r);
}

static void
test_exit_codes(void **state)
{
	struct run	*r;

	(void)state;
	r = test_run(0);
	assert_int_equal(run_exit_code(r), EXIT_NO_MATCH);
	run_free(r);

	r = test_run(2);
	test_reply(r->hosts[0], 0, "OK", 0, "");
	test_reply(r->hosts[1], 0, "OK", 0, "");
	assert_int_equal(run_exit_code(r), EXIT_ALL_OK);
	result_release(&r->hosts[1]->result);
	test_reply(r->hosts[1], 1, "Request Aborted", 1, "");
	assert_int_equal(run_exit_code(r), EXIT_FAILED);
	result_release(&r->hosts[0]->result);
	result_set_error(&r->hosts[0]->result, RESULT_CANCELLED, "x");
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);
	run_free(r);
}

/* The value of a host: its stdout. */
static char *
test_value(const struct host *h)
{
	const msgpack_object	*o = result_data(&h->result, "stdout");

	return (o != NULL ? wire_strdup(o) : NULL);
}

static void
test_distribution_minority(void **state)
{
	struct run	*r;
	char		*buf = NULL;
	size_t		 len = 0, i;
	FILE		*f;

	(void)state;
	r = test_run(8);
	for (i = 0; i < 8; i++)
		test_reply(r->hosts[i], 0, "OK", 0, i == 4 ? "5.8-1" : "5.9-4");
	f = open_memstream(&buf, &len);
	render_distribution(f, "Versions", r, test_value);
	fclose(f);
	/* The one host of eight with another value is named. */
	assert_string_equal(buf,
	    "        Versions: 7 * 5.9-4, 1 * 5.8-1 node0005\n");
	free(buf);
	run_free(r);
}

static void
test_bad_reply_is_agent(void **state)
{
	struct run	*r;

	(void)state;
	r = test_run(1);
	result_set_reply(r->hosts[0], "\xc1", 1);
	assert_int_equal(r->hosts[0]->result.status, RESULT_AGENT);
	result_release(&r->hosts[0]->result);
	result_set_reply(r->hosts[0], "\x92\x01", 2);
	assert_int_equal(r->hosts[0]->result.status, RESULT_AGENT);
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);
	run_free(r);
}

/* Give h a reply with this id and sender, count times over. */
static void
test_reply_as(struct host *h, const char *id, const char *sender,
    const char *msg, int count)
{
	struct wire_writer	w;
	struct proto_reply	rep;
	const char		*buf;
	size_t			 len;
	int			 i;

	wire_writer_init(&w);
	memset(&rep, 0, sizeof rep);
	rep.v = 1;
	snprintf(rep.id, sizeof rep.id, "%s", id);
	rep.sender = (char *)sender;
	rep.statuscode = id[0] == '\0' ? MUSTER_INVALID_DATA : MUSTER_OK;
	rep.statusmsg = (char *)msg;
	for (i = 0; i < count; i++)
		proto_reply_pack(&w, &rep);
	buf = wire_writer_data(&w, &len);
	result_release(&h->result);
	result_set_reply(h, buf, len);
	wire_writer_release(&w);
}

static void
test_reply_budget(void **state)
{
	struct run	*r;
	struct host	*h;
	size_t		 held;

	(void)state;
	r = test_run(1);
	h = r->hosts[0];
	test_reply_as(h, r->request_id, "node0001", "", 1);
	assert_int_equal(h->result.status, RESULT_OK);
	assert_true(r->reply_bytes > 0);
	assert_int_equal(r->reply_bytes, h->result.msg.size);

	/* Past the run's budget a reply is not kept. */
	r->reply_bytes = held = RESULT_REPLY_BUDGET - 16;
	test_reply_as(h, r->request_id, "node0001", "", 1);
	assert_int_equal(h->result.status, RESULT_AGENT);
	assert_non_null(strstr(h->result.statusmsg, "not kept"));
	assert_false(h->result.have_reply);
	assert_int_equal(r->reply_bytes, held);
	run_free(r);
}

static void
test_reply_id(void **state)
{
	struct run	*r;
	struct host	*h;

	(void)state;
	r = test_run(1);
	h = r->hosts[0];
	test_reply_as(h, "0123abcd", "node0001", "", 1);
	assert_int_equal(h->result.status, RESULT_AGENT);
	assert_string_equal(h->result.statusmsg,
	    "reply for another request (id 0123abcd)");
	assert_false(h->result.have_reply);

	test_reply_as(h, "", "node0001", "request is not msgpack", 1);
	assert_int_equal(h->result.status, RESULT_AGENT);
	assert_string_equal(h->result.statusmsg,
	    "the agent could not read the request: request is not msgpack");

	test_reply_as(h, r->request_id, "node0001", "", 2);
	assert_int_equal(h->result.status, RESULT_AGENT);
	assert_non_null(strstr(h->result.statusmsg, "more than one reply"));

	test_reply_as(h, r->request_id, "node0001", "", 1);
	assert_int_equal(h->result.status, RESULT_OK);
	run_free(r);
}

static void
test_reply_sender(void **state)
{
	struct action_spec	 spec;
	struct run		*r;
	struct host		*h;
	const char		*id;
	char			*out;

	(void)state;
	r = test_run(1);
	run_add_host(r, "web1.example.com");
	h = r->hosts[0];
	id = r->request_id;

	test_reply_as(h, id, "node0001", "", 1);
	assert_null(result_foreign_sender(&h->result));

	/* Another sender is kept, and flagged. */
	test_reply_as(h, id, "web9", "", 1);
	assert_int_equal(h->result.status, RESULT_OK);
	assert_string_equal(result_foreign_sender(&h->result), "web9");
	h->peer = "web9";
	test_reply_as(h, id, "web9", "", 1);
	assert_null(result_foreign_sender(&h->result));

	/* Short and qualified names of one host are the same. */
	h = r->hosts[1];
	test_reply_as(h, id, "web1", "", 1);
	assert_null(result_foreign_sender(&h->result));
	test_reply_as(h, id, "WEB1.example.com", "", 1);
	assert_null(result_foreign_sender(&h->result));
	test_reply_as(h, id, "web1.example.org", "", 1);
	assert_string_equal(result_foreign_sender(&h->result),
	    "web1.example.org");
	test_reply_as(h, id, "web", "", 1);
	assert_non_null(result_foreign_sender(&h->result));

	/* A note under the host and a summary line. */
	action_spec_init(&spec, "rpcutil", "ping");
	out = test_render(r, &spec, DISPLAY_ALL);
	assert_non_null(strstr(out, "web1.example.com\n"
	    "                  sender: web\n"));
	assert_non_null(strstr(out, "  Foreign Sender: 1   web1.example.com\n"));
	assert_null(strstr(out, "sender: web9"));
	free(out);
	action_spec_release(&spec);
	run_free(r);
}

static void
test_json_document(void **state)
{
	struct action_spec	 spec;
	struct cmd_ctx		 ctx;
	struct run		*r;
	json_t			*doc, *res;
	json_error_t		 err;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	(void)state;
	r = test_run(2);
	test_reply(r->hosts[0], 0, "OK", 0, "bad \xff utf8");
	result_set_error(&r->hosts[1]->result, RESULT_HOSTKEY, "changed");
	action_spec_init(&spec, "shell", "run");
	wire_put_map(&spec.args, 1);
	wire_put_kstr(&spec.args, "command", "true");
	memset(&ctx, 0, sizeof ctx);
	ctx.reason = (char *)"CHG-42";
	f = open_memstream(&buf, &len);
	json_write_run(f, r, &spec, &ctx);
	fclose(f);

	doc = json_loads(buf, 0, &err);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(doc, "request"), "reason")), "CHG-42");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_object_get(doc, "request"), "args"), "command")), "true");
	res = json_object_get(doc, "results");
	assert_int_equal(json_array_size(res), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(res, 0), "status")), "ok");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(res, 0), "data"), "stdout")), "bad \xef\xbf\xbd utf8");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(res, 1), "status")), "hostkey");
	assert_true(json_is_null(json_object_get(json_array_get(res, 1),
	    "statuscode")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    doc, "summary"), "hostkey")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    doc, "summary"), "answered")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    doc, "summary"), "exit_code")), EXIT_NO_ANSWER);
	json_decref(doc);
	free(buf);
	action_spec_release(&spec);
	run_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_classes),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_distribution_minority),
		cmocka_unit_test(test_bad_reply_is_agent),
		cmocka_unit_test(test_reply_budget),
		cmocka_unit_test(test_reply_id),
		cmocka_unit_test(test_reply_sender),
		cmocka_unit_test(test_json_document),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
