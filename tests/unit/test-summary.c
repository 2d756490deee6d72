/*
 * test-summary.c: what a run concludes from its replies, without any
 * network: --expect typed by the DDL and applied to hosts, value
 * distributions and their minorities, the DDL's aggregates in the summary
 * block and in --json, the --nagios sink's plugin line and exit codes, and
 * the run's own exit code.
 */
#include <sys/time.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "muster.h"
#include "unit-run.h"

static char		 tdir[] = "/tmp/test-summary.XXXXXX";
static char		*tpath;
static struct ddl	*tddl;

/*
 * A small agent in Choria's format: "status" has an output of every type
 * the expectations know and one aggregate of each function (and one muster
 * does not compute); "plain" has no outputs at all.
 */
static const char tddl_text[] =
    "{\"metadata\": {\"name\": \"tcheck\", \"timeout\": 10,"
    "  \"description\": \"a test agent\", \"version\": \"1.0.0\"},"
    " \"actions\": ["
    "  {\"action\": \"status\", \"input\": {},"
    "   \"output\": {"
    "    \"ensure\": {\"type\": \"string\", \"display_as\": \"Version\"},"
    "    \"count\": {\"type\": \"integer\", \"display_as\": \"Count\"},"
    "    \"load\": {\"type\": \"number\", \"display_as\": \"Load\"},"
    "    \"size\": {\"type\": \"float\"},"
    "    \"enabled\": {\"type\": \"boolean\", \"display_as\": \"Enabled\"},"
    "    \"active\": {\"type\": \"boolean\"},"
    "    \"exitcode\": {\"type\": \"integer\", \"display_as\": \"States\"},"
    "    \"tags\": {\"type\": \"array\"},"
    "    \"latency\": {\"type\": \"number\", \"display_as\": \"Latency\"},"
    "    \"anything\": {\"description\": \"no type\"}},"
    "   \"aggregate\": ["
    "    {\"function\": \"summary\", \"args\": [\"ensure\","
    "      {\"format\": \"%s\"}]},"
    "    {\"function\": \"boolean_summary\", \"args\": [\"enabled\","
    "      {\"true\": \"on\", \"false\": \"off\"}]},"
    "    {\"function\": \"boolean_summary\", \"args\": [\"active\"]},"
    "    {\"function\": \"nagios_states\", \"args\": [\"exitcode\"]},"
    "    {\"function\": \"rate\", \"args\": [\"count\"]},"
    "    {\"function\": \"average\", \"args\": [\"load\"]},"
    "    {\"function\": \"sum\", \"args\": [\"count\"]},"
    "    {\"function\": \"average\", \"args\": [\"latency\"]}]},"
    "  {\"action\": \"plain\", \"input\": {}}"
    " ]}";

static int
test_setup(void **state)
{
	FILE	*f;
	char	*cause = NULL;

	(void)state;
	if (mkdtemp(tdir) == NULL)
		return (-1);
	xasprintf(&tpath, "%s/tcheck.json", tdir);
	if ((f = fopen(tpath, "w")) == NULL)
		return (-1);
	fputs(tddl_text, f);
	if (fclose(f) != 0)
		return (-1);
	if ((tddl = ddl_load(tpath, "tcheck", &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

static int
test_teardown(void **state)
{
	(void)state;
	ddl_free(tddl);
	unlink(tpath);
	free(tpath);
	rmdir(tdir);
	return (0);
}

/* A spec for tcheck.ACTION described by the test DDL. */
static void
test_spec(struct action_spec *spec, const char *action)
{
	action_spec_init(spec, "tcheck", action);
	spec->ddl = tddl;
	spec->ddl_action = ddl_action(tddl, action);
	assert_non_null(spec->ddl_action);
}

/* Give host h a reply with this statuscode and message and data map. */
static void
test_reply_data(struct host *h, int code, const char *msg,
    struct wire_writer *data)
{
	struct wire_writer	w;
	struct proto_reply	rep;
	const char		*buf;
	size_t			 len;

	wire_writer_init(&w);
	memset(&rep, 0, sizeof rep);
	rep.v = 1;
	memcpy(rep.id, h->run->request_id, sizeof rep.id);
	rep.sender = h->name;
	rep.statuscode = code;
	rep.statusmsg = (char *)msg;
	rep.data_raw = wire_writer_data(data, &rep.data_len);
	proto_reply_pack(&w, &rep);
	buf = wire_writer_data(&w, &len);
	result_release(&h->result);
	result_set_reply(h, buf, len);
	wire_writer_release(data);
	wire_writer_release(&w);
}

/* A reply whose data is an empty map. */
static void
test_reply_empty(struct host *h, int code, const char *msg)
{
	struct wire_writer	d;

	wire_writer_init(&d);
	wire_put_map(&d, 0);
	test_reply_data(h, code, msg, &d);
}

/* A check's reply: {exitcode, output}. */
static void
test_reply_check(struct host *h, int code, int64_t exitcode,
    const char *output)
{
	struct wire_writer	d;

	wire_writer_init(&d);
	wire_put_map(&d, 2);
	wire_put_kint(&d, "exitcode", exitcode);
	wire_put_kstr(&d, "output", output);
	test_reply_data(h, code, code == 0 ? "OK" : "check failed", &d);
}

/* A host that gave no answer. */
static void
test_unreachable(struct host *h)
{
	result_release(&h->result);
	result_set_error(&h->result, RESULT_UNREACHABLE,
	    "connect to 127.0.0.1 port 1: Connection refused");
}

/* A run of n hosts (unit-run.h). */
static struct run *
test_run(size_t n)
{
	return (unit_run(n, 1234));
}

/* expect_add() and its error, which must be exactly want. */
static void
test_expect_fails(struct action_spec *spec, const char *arg,
    const char *want)
{
	char	*cause = NULL;
	size_t	 n = spec->nexpects;

	assert_int_equal(expect_add(spec, arg, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	assert_int_equal(spec->nexpects, n);
	free(cause);
}

/* expect_add() that works; the expectation it added. */
static const struct expect *
test_expect_ok(struct action_spec *spec, const char *arg)
{
	char	*cause = NULL;

	assert_int_equal(expect_add(spec, arg, &cause), 0);
	assert_null(cause);
	return (&spec->expects[spec->nexpects - 1]);
}

static void
test_expect_typing(void **state)
{
	struct action_spec	 spec;
	const struct expect	*e;

	(void)state;
	test_spec(&spec, "status");

	e = test_expect_ok(&spec, "count=5");
	assert_string_equal(e->field, "count");
	assert_string_equal(e->text, "5");
	assert_int_equal(e->type, EXPECT_INTEGER);
	assert_int_equal(e->integer, 5);
	e = test_expect_ok(&spec, "count=-12");
	assert_int_equal(e->integer, -12);
	test_expect_fails(&spec, "count=5x", "--expect count=5x: 'count' is"
	    " integer output, the value must be an integer");
	test_expect_fails(&spec, "count=1.5", "--expect count=1.5: 'count' is"
	    " integer output, the value must be an integer");
	test_expect_fails(&spec, "count=", "--expect count=: 'count' is"
	    " integer output, the value must be an integer");
	test_expect_fails(&spec, "count=99999999999999999999", "--expect"
	    " count=99999999999999999999: 'count' is integer output, the"
	    " value must be an integer");

	/* number and float both want a number. */
	e = test_expect_ok(&spec, "load=0.5");
	assert_int_equal(e->type, EXPECT_NUMBER);
	assert_true(e->number == 0.5);
	e = test_expect_ok(&spec, "size=3");
	assert_int_equal(e->type, EXPECT_NUMBER);
	assert_true(e->number == 3.0);
	test_expect_fails(&spec, "load=high", "--expect load=high: 'load' is"
	    " number output, the value must be a number");
	test_expect_fails(&spec, "size=", "--expect size=: 'size' is"
	    " float output, the value must be a number");
	/* Never met, so never a value to expect. */
	test_expect_fails(&spec, "load=nan", "--expect load=nan: 'load' is"
	    " number output, the value must be a number");
	test_expect_fails(&spec, "load=inf", "--expect load=inf: 'load' is"
	    " number output, the value must be a number");
	test_expect_fails(&spec, "size=-Infinity", "--expect size=-Infinity:"
	    " 'size' is float output, the value must be a number");

	e = test_expect_ok(&spec, "enabled=true");
	assert_int_equal(e->type, EXPECT_BOOLEAN);
	assert_int_equal(e->boolean, 1);
	e = test_expect_ok(&spec, "enabled=false");
	assert_int_equal(e->type, EXPECT_BOOLEAN);
	assert_int_equal(e->boolean, 0);
	test_expect_fails(&spec, "enabled=yes", "--expect enabled=yes:"
	    " 'enabled' is boolean output, the value must be true or false");
	test_expect_fails(&spec, "enabled=TRUE", "--expect enabled=TRUE:"
	    " 'enabled' is boolean output, the value must be true or false");

	/* Strings, arrays and untyped outputs compare as text. */
	e = test_expect_ok(&spec, "ensure=2.0-1");
	assert_int_equal(e->type, EXPECT_STRING);
	assert_string_equal(e->text, "2.0-1");
	e = test_expect_ok(&spec, "ensure=");
	assert_int_equal(e->type, EXPECT_STRING);
	assert_string_equal(e->text, "");
	e = test_expect_ok(&spec, "ensure=a=b");
	assert_string_equal(e->field, "ensure");
	assert_string_equal(e->text, "a=b");
	e = test_expect_ok(&spec, "tags=a, b");
	assert_int_equal(e->type, EXPECT_STRING);
	e = test_expect_ok(&spec, "anything=7");
	assert_int_equal(e->type, EXPECT_STRING);
	assert_int_equal(spec.nexpects, 11);

	/* An output the action does not have, and no FIELD=. */
	test_expect_fails(&spec, "version=2.0", "--expect version=2.0:"
	    " tcheck.status has no output 'version' (outputs: ensure, count,"
	    " load, size, enabled, active, exitcode, tags, latency, anything)");
	test_expect_fails(&spec, "ensure", "--expect needs FIELD=VALUE, not"
	    " 'ensure'");
	test_expect_fails(&spec, "=2.0-1", "--expect needs FIELD=VALUE, not"
	    " '=2.0-1'");
	test_expect_fails(&spec, "", "--expect needs FIELD=VALUE, not ''");
	assert_int_equal(spec.nexpects, 11);

	expect_release(&spec);
	assert_null(spec.expects);
	assert_int_equal(spec.nexpects, 0);
	action_spec_release(&spec);

	test_spec(&spec, "plain");
	test_expect_fails(&spec, "x=1", "--expect x=1: tcheck.plain has no"
	    " output 'x' (outputs: none)");
	action_spec_release(&spec);

	/* Without a DDL any field is a string. */
	action_spec_init(&spec, "other", "thing");
	e = test_expect_ok(&spec, "whatever=12");
	assert_int_equal(e->type, EXPECT_STRING);
	expect_release(&spec);
	action_spec_release(&spec);
}

/* A status reply: ensure (a string, or nil if NULL), count, enabled. */
static void
test_reply_status(struct host *h, int code, const char *msg,
    const char *ensure, int64_t count, int enabled)
{
	struct wire_writer	d;

	wire_writer_init(&d);
	wire_put_map(&d, 3);
	if (ensure != NULL)
		wire_put_kstr(&d, "ensure", ensure);
	else {
		wire_put_str(&d, "ensure");
		wire_put_nil(&d);
	}
	wire_put_kint(&d, "count", count);
	wire_put_kbool(&d, "enabled", enabled);
	test_reply_data(h, code, msg, &d);
}

static void
test_expect_apply(void **state)
{
	struct action_spec	 spec;
	struct wire_writer	 d;
	struct run		*r;
	struct result		*res;
	char			*cause = NULL;

	(void)state;
	test_spec(&spec, "status");
	assert_int_equal(expect_add(&spec, "ensure=2.0-1", &cause), 0);
	assert_int_equal(expect_add(&spec, "count=5", &cause), 0);
	assert_int_equal(expect_add(&spec, "enabled=true", &cause), 0);

	r = test_run(10);
	test_reply_status(r->hosts[0], 0, "OK", "2.0-1", 5, 1);
	test_reply_status(r->hosts[1], 0, "OK", "1.0-1", 5, 1);
	test_reply_empty(r->hosts[2], 0, "OK");
	test_reply_status(r->hosts[3], 0, "OK", NULL, 5, 1);
	test_reply_status(r->hosts[4], 1, "dpkg failed", "1.0-1", 5, 1);
	test_reply_status(r->hosts[5], 0, "OK", "2.0-1", 6, 1);
	test_reply_status(r->hosts[6], 0, "OK", "2.0-1", 5, 0);
	/* 5.0 is the integer 5; "true" and "5" as strings are not. */
	wire_writer_init(&d);
	wire_put_map(&d, 3);
	wire_put_kstr(&d, "ensure", "2.0-1");
	wire_put_kdouble(&d, "count", 5.0);
	wire_put_kbool(&d, "enabled", 1);
	test_reply_data(r->hosts[7], 0, "OK", &d);
	wire_writer_init(&d);
	wire_put_map(&d, 3);
	wire_put_kstr(&d, "ensure", "2.0-1");
	wire_put_kint(&d, "count", 5);
	wire_put_kstr(&d, "enabled", "true");
	test_reply_data(r->hosts[8], 0, "OK", &d);
	test_unreachable(r->hosts[9]);
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);

	expect_apply(r, &spec);

	assert_int_equal(r->hosts[0]->result.status, RESULT_OK);
	assert_string_equal(r->hosts[0]->result.statusmsg, "OK");
	res = &r->hosts[1]->result;
	assert_int_equal(res->status, RESULT_FAILED);
	assert_string_equal(res->statusmsg, "expected ensure=2.0-1, got 1.0-1");
	res = &r->hosts[2]->result;
	assert_int_equal(res->status, RESULT_FAILED);
	assert_string_equal(res->statusmsg, "expected ensure=2.0-1, got nothing");
	res = &r->hosts[3]->result;
	assert_int_equal(res->status, RESULT_FAILED);
	assert_string_equal(res->statusmsg, "expected ensure=2.0-1, got nothing");
	/* A host that failed already keeps its own reason. */
	res = &r->hosts[4]->result;
	assert_int_equal(res->status, RESULT_FAILED);
	assert_string_equal(res->statusmsg, "dpkg failed");
	res = &r->hosts[5]->result;
	assert_int_equal(res->status, RESULT_FAILED);
	assert_string_equal(res->statusmsg, "expected count=5, got 6");
	res = &r->hosts[6]->result;
	assert_int_equal(res->status, RESULT_FAILED);
	assert_string_equal(res->statusmsg, "expected enabled=true, got false");
	assert_int_equal(r->hosts[7]->result.status, RESULT_OK);
	res = &r->hosts[8]->result;
	assert_int_equal(res->status, RESULT_FAILED);
	assert_string_equal(res->statusmsg,
	    "expected enabled=true, got true (a string, not a boolean)");
	res = &r->hosts[9]->result;
	assert_int_equal(res->status, RESULT_UNREACHABLE);
	assert_string_equal(res->statusmsg,
	    "connect to 127.0.0.1 port 1: Connection refused");
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);

	/* Applied again, nothing changes. */
	expect_apply(r, &spec);
	assert_int_equal(r->hosts[0]->result.status, RESULT_OK);
	assert_string_equal(r->hosts[1]->result.statusmsg,
	    "expected ensure=2.0-1, got 1.0-1");

	/* Without the silent host the run has failures: exit 2. */
	test_reply_status(r->hosts[9], 0, "OK", "2.0-1", 5, 1);
	expect_host(r->hosts[9], &spec);
	assert_int_equal(r->hosts[9]->result.status, RESULT_OK);
	assert_int_equal(run_exit_code(r), EXIT_FAILED);
	run_free(r);
	expect_release(&spec);

	/* Numbers, and a string expectation on an untyped output. */
	assert_int_equal(expect_add(&spec, "load=0.5", &cause), 0);
	assert_int_equal(expect_add(&spec, "anything=3", &cause), 0);
	r = test_run(4);
	wire_writer_init(&d);
	wire_put_map(&d, 2);
	wire_put_kdouble(&d, "load", 0.5);
	wire_put_kint(&d, "anything", 3);
	test_reply_data(r->hosts[0], 0, "OK", &d);
	wire_writer_init(&d);
	wire_put_map(&d, 2);
	wire_put_kint(&d, "load", 1);
	wire_put_kint(&d, "anything", 3);
	test_reply_data(r->hosts[1], 0, "OK", &d);
	wire_writer_init(&d);
	wire_put_map(&d, 2);
	wire_put_kdouble(&d, "load", 0.5);
	wire_put_kstr(&d, "anything", "3");
	test_reply_data(r->hosts[2], 0, "OK", &d);
	wire_writer_init(&d);
	wire_put_map(&d, 2);
	wire_put_kdouble(&d, "load", 0.5);
	wire_put_kbool(&d, "anything", 1);
	test_reply_data(r->hosts[3], 0, "OK", &d);
	expect_apply(r, &spec);
	assert_int_equal(r->hosts[0]->result.status, RESULT_OK);
	assert_string_equal(r->hosts[1]->result.statusmsg,
	    "expected load=0.5, got 1");
	assert_int_equal(r->hosts[2]->result.status, RESULT_OK);
	assert_string_equal(r->hosts[3]->result.statusmsg,
	    "expected anything=3, got true");
	run_free(r);
	expect_release(&spec);
	action_spec_release(&spec);
}

/* The value of a host: vals[its index], NULL for not counted. */
static char *
test_dist_value(const struct host *h, void *arg)
{
	const char	**vals = arg;

	return (vals[h->index] != NULL ? xstrdup(vals[h->index]) : NULL);
}

/* Build a distribution of n hosts over vals. */
static struct run *
test_dist(struct dist *d, const char **vals, size_t n)
{
	struct run	*r = test_run(n);

	dist_build(d, r, test_dist_value, vals);
	return (r);
}

static void
test_distribution(void **state)
{
	const char	*v1[] = { "b", "a", "c", "a", NULL, "d", "a", "b",
			    "c", "a" };
	const char	*v2[] = { "y", "x", "y", "x" };
	const char	*v3[] = { "b", "a", "a", "b", "a", "a", "b", "a" };
	const char	*v4[] = { "same", "same", "same" };
	const char	*v5[] = { NULL, NULL };
	struct dist	 d;
	struct run	*r;
	char		*s;

	(void)state;
	/* By count, then by value; every value after the first is odd. */
	r = test_dist(&d, v1, 10);
	assert_int_equal(d.total, 9);
	assert_int_equal(d.n, 4);
	assert_string_equal(d.v[0].value, "a");
	assert_int_equal(d.v[0].hosts.n, 4);
	assert_false(d.v[0].minority);
	assert_string_equal(d.v[1].value, "b");
	assert_int_equal(d.v[1].hosts.n, 2);
	assert_true(d.v[1].minority);
	assert_string_equal(d.v[2].value, "c");
	assert_int_equal(d.v[2].hosts.n, 2);
	assert_true(d.v[2].minority);
	assert_string_equal(d.v[3].value, "d");
	assert_int_equal(d.v[3].hosts.n, 1);
	assert_true(d.v[3].minority);
	s = hostlist_fold(d.v[0].hosts.hosts, d.v[0].hosts.n);
	assert_string_equal(s, "node[0002,0004,0007,0010]");
	free(s);
	s = hostlist_fold(d.v[3].hosts.hosts, d.v[3].hosts.n);
	assert_string_equal(s, "node0006");
	free(s);
	dist_release(&d);
	assert_null(d.v);
	assert_int_equal(d.n, 0);
	run_free(r);

	/* Half and half: the first by name, the other a minority. */
	r = test_dist(&d, v2, 4);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].value, "x");
	assert_false(d.v[0].minority);
	assert_string_equal(d.v[1].value, "y");
	assert_true(d.v[1].minority);
	dist_release(&d);
	run_free(r);

	/* The most common value comes first wherever its hosts are. */
	r = test_dist(&d, v3, 8);
	assert_string_equal(d.v[0].value, "a");
	assert_int_equal(d.v[0].hosts.n, 5);
	assert_false(d.v[0].minority);
	assert_string_equal(d.v[1].value, "b");
	assert_true(d.v[1].minority);
	dist_release(&d);
	run_free(r);

	r = test_dist(&d, v4, 3);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.total, 3);
	assert_false(d.v[0].minority);
	dist_release(&d);
	run_free(r);

	/* No host counted, and no host at all. */
	r = test_dist(&d, v5, 2);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.total, 0);
	dist_release(&d);
	run_free(r);
	r = test_dist(&d, v5, 0);
	assert_int_equal(d.n, 0);
	dist_release(&d);
	run_free(r);
}

/*
 * A status reply with every aggregated field. ensure NULL: absent; enabled
 * or active below 0: not a boolean ("yes").
 */
static void
test_reply_agg(struct host *h, int code, const char *ensure, int enabled,
    int active, int64_t exitcode, double load, int64_t count)
{
	struct wire_writer	d;

	wire_writer_init(&d);
	wire_put_map(&d, ensure != NULL ? 6 : 5);
	if (ensure != NULL)
		wire_put_kstr(&d, "ensure", ensure);
	if (enabled >= 0)
		wire_put_kbool(&d, "enabled", enabled);
	else
		wire_put_kstr(&d, "enabled", "yes");
	if (active >= 0)
		wire_put_kbool(&d, "active", active);
	else
		wire_put_kstr(&d, "active", "yes");
	wire_put_kint(&d, "exitcode", exitcode);
	wire_put_kdouble(&d, "load", load);
	wire_put_kint(&d, "count", count);
	test_reply_data(h, code, code == 0 ? "OK" : "failed", &d);
}

/*
 * Ten hosts: five alike, one odd OK host, one odd failed reply (counted),
 * one silent host, one reply without data and one with values of the
 * wrong types (not counted).
 */
static struct run *
test_agg_run(void)
{
	struct wire_writer	 d;
	struct run		*r;
	size_t			 i;

	r = test_run(10);
	for (i = 0; i < 5; i++)
		test_reply_agg(r->hosts[i], 0, "2.0-1", 1, 1, 0, 1.0, 2);
	test_reply_agg(r->hosts[5], 0, "1.0-1", 0, 0, 2, 2.0, 3);
	test_reply_agg(r->hosts[6], 1, "1.0-1", 0, 1, 7, 0.5, 1);
	test_unreachable(r->hosts[7]);
	test_reply_empty(r->hosts[8], 0, "OK");
	wire_writer_init(&d);
	wire_put_map(&d, 6);
	wire_put_str(&d, "ensure");
	wire_put_nil(&d);
	wire_put_kstr(&d, "enabled", "yes");
	wire_put_kint(&d, "active", 1);
	wire_put_kstr(&d, "exitcode", "0");
	wire_put_kstr(&d, "load", "high");
	wire_put_kbool(&d, "count", 1);
	test_reply_data(r->hosts[9], 0, "OK", &d);
	return (r);
}

static char *
test_aggregate_text(struct run *r, const struct ddl_action *a)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&buf, &len);
	aggregate_render(f, r, a);
	fclose(f);
	return (buf);
}

static void
test_aggregate_render(void **state)
{
	const struct ddl_action	*a = ddl_action(tddl, "status");
	struct run		*r;
	char			*out;

	(void)state;
	r = test_agg_run();
	out = test_aggregate_text(r, a);
	assert_string_equal(out,
	    "         Version: 5 * 2.0-1, 2 * 1.0-1 node[0006-0007]\n"
	    "         Enabled: 5 * on, 2 * off node[0006-0007]\n"
	    "          active: 6 * true, 1 * false node0006\n"
	    "          States: 5 * OK, 1 * CRITICAL node0006,"
	    " 1 * UNKNOWN node0007\n"
	    "            Load: 1.071 (average of 7 hosts)\n"
	    "           Count: 14 (sum of 7 hosts)\n");
	free(out);

	/* No aggregates without the DDL's action. */
	out = test_aggregate_text(r, NULL);
	assert_string_equal(out, "");
	free(out);
	out = test_aggregate_text(r, ddl_action(tddl, "plain"));
	assert_string_equal(out, "");
	free(out);
	run_free(r);

	/* One host; a whole average prints as an integer. */
	r = test_run(2);
	test_reply_agg(r->hosts[0], 0, "2.0-1", 1, 1, 3, 4.0, -2);
	test_unreachable(r->hosts[1]);
	out = test_aggregate_text(r, a);
	assert_string_equal(out,
	    "         Version: 1 * 2.0-1\n"
	    "         Enabled: 1 * on\n"
	    "          active: 1 * true\n"
	    "          States: 1 * UNKNOWN\n"
	    "            Load: 4 (average of 1 host)\n"
	    "           Count: -2 (sum of 1 host)\n");
	free(out);
	run_free(r);

	/* Nobody answered: no line at all. */
	r = test_run(2);
	test_unreachable(r->hosts[0]);
	test_unreachable(r->hosts[1]);
	out = test_aggregate_text(r, a);
	assert_string_equal(out, "");
	free(out);
	run_free(r);
}

/* The aggregate i of the list: its function and output. */
static json_t *
test_agg_json_at(json_t *list, size_t i, const char *function,
    const char *output, const char *label)
{
	json_t	*o = json_array_get(list, i);

	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "function")),
	    function);
	assert_string_equal(json_string_value(json_object_get(o, "output")),
	    output);
	assert_string_equal(json_string_value(json_object_get(o, "label")),
	    label);
	return (o);
}

/* values and minority of a distribution aggregate, as compact JSON. */
static void
test_agg_json_dist(json_t *o, const char *values, const char *minority)
{
	char	*s;

	s = json_dumps(json_object_get(o, "values"), JSON_COMPACT);
	assert_string_equal(s, values);
	free(s);
	s = json_dumps(json_object_get(o, "minority"), JSON_COMPACT);
	assert_string_equal(s, minority);
	free(s);
}

static void
test_aggregate_json(void **state)
{
	const struct ddl_action	*a = ddl_action(tddl, "status");
	struct run		*r;
	json_t			*list, *o;

	(void)state;
	r = test_agg_run();
	list = aggregate_json(r, a);
	/* The DDL's order; "rate" is not computed. */
	assert_int_equal(json_array_size(list), 7);
	o = test_agg_json_at(list, 0, "summary", "ensure", "Version");
	test_agg_json_dist(o, "{\"2.0-1\":5,\"1.0-1\":2}",
	    "{\"1.0-1\":\"node[0006-0007]\"}");
	o = test_agg_json_at(list, 1, "boolean_summary", "enabled", "Enabled");
	test_agg_json_dist(o, "{\"on\":5,\"off\":2}",
	    "{\"off\":\"node[0006-0007]\"}");
	o = test_agg_json_at(list, 2, "boolean_summary", "active", "active");
	test_agg_json_dist(o, "{\"true\":6,\"false\":1}",
	    "{\"false\":\"node0006\"}");
	o = test_agg_json_at(list, 3, "nagios_states", "exitcode", "States");
	test_agg_json_dist(o, "{\"OK\":5,\"CRITICAL\":1,\"UNKNOWN\":1}",
	    "{\"CRITICAL\":\"node0006\",\"UNKNOWN\":\"node0007\"}");
	o = test_agg_json_at(list, 4, "average", "load", "Load");
	assert_true(json_is_real(json_object_get(o, "value")));
	assert_true(fabs(json_real_value(json_object_get(o, "value")) -
	    7.5 / 7) < 1e-9);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 7);
	o = test_agg_json_at(list, 5, "sum", "count", "Count");
	assert_true(json_real_value(json_object_get(o, "value")) == 14.0);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 7);
	/* An output no host gave: null, over no host. */
	o = test_agg_json_at(list, 6, "average", "latency", "Latency");
	assert_true(json_is_null(json_object_get(o, "value")));
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 0);
	json_decref(list);

	list = aggregate_json(r, NULL);
	assert_true(json_is_array(list));
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	run_free(r);

	/* Nobody answered: empty distributions, null numbers. */
	r = test_run(1);
	test_unreachable(r->hosts[0]);
	list = aggregate_json(r, a);
	assert_int_equal(json_array_size(list), 7);
	o = test_agg_json_at(list, 0, "summary", "ensure", "Version");
	test_agg_json_dist(o, "{}", "{}");
	o = test_agg_json_at(list, 5, "sum", "count", "Count");
	assert_true(json_is_null(json_object_get(o, "value")));
	json_decref(list);
	run_free(r);
}

/* The nagios sink's output and exit code for the run. */
static char *
test_nagios(struct run *r, const struct action_spec *spec, int *code)
{
	const struct sink	*sink;
	struct cmd_ctx		 ctx;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	memset(&ctx, 0, sizeof ctx);
	ctx.nagios = 1;
	sink = sink_choose(&ctx);
	assert_ptr_equal(sink, &sink_nagios);
	assert_string_equal(sink->name, "nagios");
	assert_non_null(sink->exit_code);
	f = open_memstream(&buf, &len);
	sink->finish(f, r, spec, &ctx, DISPLAY_FAILED);
	fclose(f);
	*code = sink->exit_code(r, run_exit_code(r));
	return (buf);
}

/* An nrpe.runcommand spec for that check. */
static void
test_nrpe_spec(struct action_spec *spec, const char *command)
{
	action_spec_init(spec, "nrpe", "runcommand");
	if (command != NULL) {
		wire_put_map(&spec->args, 1);
		wire_put_kstr(&spec->args, "command", command);
	}
}

static void
test_nagios_sink(void **state)
{
	struct action_spec	 spec, espec;
	struct wire_writer	 d;
	struct run		*r;
	char			*out, *cause = NULL;
	int			 code;

	(void)state;
	test_nrpe_spec(&spec, "check_disk");
	r = test_run(9);
	test_reply_check(r->hosts[0], 0, 0, "DISK OK");
	test_reply_check(r->hosts[1], 0, 0, "");
	test_reply_check(r->hosts[2], 1, 1, "DISK WARNING - free 10%");
	test_reply_check(r->hosts[3], 1, 2, "DISK CRITICAL\nsecond line");
	test_reply_check(r->hosts[4], 1, 5, "weird");
	test_unreachable(r->hosts[5]);
	test_reply_empty(r->hosts[6], 0, "OK");
	/* An OK check failed by an expectation is critical. */
	wire_writer_init(&d);
	wire_put_map(&d, 3);
	wire_put_kint(&d, "exitcode", 0);
	wire_put_kstr(&d, "output", "");
	wire_put_kstr(&d, "status", "bad");
	test_reply_data(r->hosts[7], 0, "OK", &d);
	action_spec_init(&espec, "nrpe", "runcommand");
	assert_int_equal(expect_add(&espec, "status=good", &cause), 0);
	expect_host(r->hosts[7], &espec);
	expect_release(&espec);
	action_spec_release(&espec);
	/* A host never finished (left pending) is unknown too. */

	out = test_nagios(r, &spec, &code);
	assert_string_equal(out,
	    "check_disk: OK: 2 WARNING: 1 CRITICAL: 2 UNKNOWN: 4|total=9"
	    " ok=2 warn=1 crit=2 unknown=4 checktime=1.234s\n"
	    "node0003 WARNING: DISK WARNING - free 10%\n"
	    "node0004 CRITICAL: DISK CRITICAL\n"
	    "node0005 UNKNOWN: weird\n"
	    "node0006 UNKNOWN: unreachable: connect to 127.0.0.1 port 1:"
	    " Connection refused\n"
	    "node0007 UNKNOWN: OK\n"
	    "node0008 CRITICAL: expected status=good, got bad\n"
	    "node0009 UNKNOWN: none: no answer\n");
	free(out);
	assert_int_equal(code, 2);

	/* Critical beats warning beats unknown beats OK. */
	test_reply_check(r->hosts[3], 0, 0, "DISK OK");
	test_reply_check(r->hosts[7], 0, 0, "DISK OK");
	out = test_nagios(r, &spec, &code);
	assert_non_null(strstr(out, "OK: 4 WARNING: 1 CRITICAL: 0 UNKNOWN: 4|"));
	free(out);
	assert_int_equal(code, 1);
	test_reply_check(r->hosts[2], 0, 0, "DISK OK");
	out = test_nagios(r, &spec, &code);
	assert_non_null(strstr(out, "OK: 5 WARNING: 0 CRITICAL: 0 UNKNOWN: 4|"));
	free(out);
	assert_int_equal(code, 3);
	test_reply_check(r->hosts[4], 0, 0, "DISK OK");
	test_reply_check(r->hosts[5], 0, 0, "DISK OK");
	test_reply_check(r->hosts[6], 0, 0, "DISK OK");
	test_reply_check(r->hosts[8], 0, 0, "DISK OK");
	out = test_nagios(r, &spec, &code);
	assert_string_equal(out,
	    "check_disk: OK: 9 WARNING: 0 CRITICAL: 0 UNKNOWN: 0|total=9"
	    " ok=9 warn=0 crit=0 unknown=0 checktime=1.234s\n");
	free(out);
	assert_int_equal(code, 0);
	/* The exit code the run would give does not matter. */
	r->interrupted = 1;
	assert_int_equal(sink_nagios.exit_code(r, EXIT_INTERRUPTED), 0);
	run_free(r);
	action_spec_release(&spec);

	/* No hosts: UNKNOWN. Without a command the check is the action. */
	test_nrpe_spec(&spec, NULL);
	r = test_run(0);
	out = test_nagios(r, &spec, &code);
	assert_string_equal(out,
	    "runcommand: OK: 0 WARNING: 0 CRITICAL: 0 UNKNOWN: 0|total=0"
	    " ok=0 warn=0 crit=0 unknown=0 checktime=1.234s\n");
	free(out);
	assert_int_equal(code, 3);
	run_free(r);
	action_spec_release(&spec);
}

/*
 * Nagios takes the first '|' of a plugin's output, in its first line or
 * any after, for the start of perfdata: the counts must stay perfdata, and
 * every host line text.
 */
static void
test_nagios_pipe(void **state)
{
	struct action_spec	 spec;
	struct run		*r;
	char			*out;
	int			 code;

	(void)state;
	action_spec_init(&spec, "shell", "run");
	wire_put_map(&spec.args, 1);
	wire_put_kstr(&spec.args, "command",
	    "test -f /etc/app.conf || exit 2\necho checked");
	r = test_run(3);
	test_reply_check(r->hosts[0], 0, 0, "");
	test_reply_check(r->hosts[1], 1, 2, "DISK CRITICAL - free 2% |"
	    "/=9643MB;5948;5958;0;9968");
	test_reply_check(r->hosts[2], 1, 1, "");
	free(r->hosts[2]->result.statusmsg);
	r->hosts[2]->result.statusmsg = xstrdup("load 9|load1=9;5;8");
	out = test_nagios(r, &spec, &code);
	assert_string_equal(out,
	    "test -f /etc/app.conf // exit 2: OK: 1 WARNING: 1 CRITICAL: 1"
	    " UNKNOWN: 0|total=3 ok=1 warn=1 crit=1 unknown=0"
	    " checktime=1.234s\n"
	    "node0002 CRITICAL: DISK CRITICAL - free 2%\n"
	    "node0003 WARNING: load 9\n");
	free(out);
	assert_int_equal(code, 2);
	run_free(r);
	action_spec_release(&spec);
}

static void
test_sink_choose(void **state)
{
	struct cmd_ctx	ctx;

	(void)state;
	memset(&ctx, 0, sizeof ctx);
	assert_string_equal(sink_choose(&ctx)->name, "table");
	assert_null(sink_choose(&ctx)->exit_code);
	ctx.json = 1;
	assert_string_equal(sink_choose(&ctx)->name, "json");
	ctx.nagios = 1;
	assert_ptr_equal(sink_choose(&ctx), &sink_nagios);
	ctx.nagios = 0;
	ctx.json = 0;
	ctx.jsonl = 1;
	assert_string_equal(sink_choose(&ctx)->name, "jsonl");
	ctx.jsonl = 0;
	ctx.senders = 1;
	assert_string_equal(sink_choose(&ctx)->name, "senders");
}

static void
test_run_exit_code(void **state)
{
	struct run	*r;

	(void)state;
	r = test_run(0);
	assert_int_equal(run_exit_code(r), EXIT_NO_MATCH);
	r->interrupted = 1;
	assert_int_equal(run_exit_code(r), EXIT_INTERRUPTED);
	run_free(r);

	r = test_run(3);
	/* Hosts never finished gave no answer. */
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);
	test_reply_check(r->hosts[0], 0, 0, "");
	test_reply_check(r->hosts[1], 0, 0, "");
	test_reply_check(r->hosts[2], 0, 0, "");
	assert_int_equal(run_exit_code(r), EXIT_ALL_OK);
	/* A skipped host is neither a failure nor silent. */
	r->hosts[2]->result.status = RESULT_SKIPPED;
	assert_int_equal(run_exit_code(r), EXIT_ALL_OK);
	test_reply_check(r->hosts[1], 1, 2, "");
	assert_int_equal(run_exit_code(r), EXIT_FAILED);
	/* A silent host outweighs a failure, wherever it is. */
	test_unreachable(r->hosts[0]);
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);
	result_release(&r->hosts[0]->result);
	result_set_error(&r->hosts[0]->result, RESULT_TIMEOUT, "timed out");
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);
	test_reply_check(r->hosts[0], 0, 0, "");
	result_release(&r->hosts[2]->result);
	result_set_error(&r->hosts[2]->result, RESULT_AGENT, "garbage");
	assert_int_equal(run_exit_code(r), EXIT_NO_ANSWER);
	/* An interrupted run is that, whatever its hosts say. */
	r->interrupted = 1;
	assert_int_equal(run_exit_code(r), EXIT_INTERRUPTED);
	run_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expect_typing),
		cmocka_unit_test(test_expect_apply),
		cmocka_unit_test(test_distribution),
		cmocka_unit_test(test_aggregate_render),
		cmocka_unit_test(test_aggregate_json),
		cmocka_unit_test(test_nagios_sink),
		cmocka_unit_test(test_nagios_pipe),
		cmocka_unit_test(test_sink_choose),
		cmocka_unit_test(test_run_exit_code),
	};

	return (cmocka_run_group_tests(tests, test_setup, test_teardown));
}
