/*
 * test-host.c: the host state table, the SSH phase table, replies matched
 * against the call's id, and how fanout_finish() counts a host, all
 * without any network.
 */
#include <sys/time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "muster.h"
#include "unit-run.h"

static const enum host_state all_states[] = {
	HOST_PENDING, HOST_OPENING, HOST_READY, HOST_CALLING, HOST_DONE,
	HOST_FAILED
};
#define NSTATES	(sizeof all_states / sizeof all_states[0])

/* Say which change failed, so a broken table names itself. */
static void
test_host_change(enum host_state a, enum host_state b, int want)
{
	int	got = host_transition_ok(a, b);

	if (got != want)
		fail_msg("host %s -> %s: %d, want %d", host_state_name(a),
		    host_state_name(b), got, want);
}

static void
test_host_transitions(void **state)
{
	size_t	i;

	(void)state;
	assert_int_equal(NSTATES, HOST_NSTATES);

	/* The normal life of a host, and a kept channel between calls. */
	test_host_change(HOST_PENDING, HOST_OPENING, 1);
	test_host_change(HOST_OPENING, HOST_READY, 1);
	test_host_change(HOST_READY, HOST_CALLING, 1);
	test_host_change(HOST_CALLING, HOST_READY, 1);
	test_host_change(HOST_CALLING, HOST_DONE, 1);
	/* A session re-opens a host it lost. */
	test_host_change(HOST_FAILED, HOST_OPENING, 1);
	/* Any state but failed itself may fail. */
	for (i = 0; i < NSTATES; i++) {
		if (all_states[i] != HOST_FAILED)
			test_host_change(all_states[i], HOST_FAILED, 1);
	}

	/* Changes that do not exist. */
	test_host_change(HOST_DONE, HOST_CALLING, 0);
	test_host_change(HOST_PENDING, HOST_READY, 0);
	test_host_change(HOST_PENDING, HOST_CALLING, 0);
	test_host_change(HOST_FAILED, HOST_DONE, 0);
	test_host_change(HOST_OPENING, HOST_CALLING, 0);
	test_host_change(HOST_OPENING, HOST_DONE, 0);
	test_host_change(HOST_FAILED, HOST_READY, 0);
	test_host_change(HOST_FAILED, HOST_CALLING, 0);
	for (i = 0; i < NSTATES; i++)
		test_host_change(all_states[i], HOST_PENDING, 0);

	/* Out of range either side. */
	assert_int_equal(host_transition_ok(HOST_NSTATES, HOST_FAILED), 0);
	assert_int_equal(host_transition_ok(HOST_PENDING, HOST_NSTATES), 0);
	assert_int_equal(host_transition_ok((enum host_state)-1,
	    HOST_FAILED), 0);
}

static void
test_host_state_names(void **state)
{
	(void)state;
	assert_string_equal(host_state_name(HOST_PENDING), "pending");
	assert_string_equal(host_state_name(HOST_OPENING), "opening");
	assert_string_equal(host_state_name(HOST_READY), "ready");
	assert_string_equal(host_state_name(HOST_CALLING), "calling");
	assert_string_equal(host_state_name(HOST_DONE), "done");
	assert_string_equal(host_state_name(HOST_FAILED), "failed");
	assert_string_equal(host_state_name(HOST_NSTATES), "?");
	assert_string_equal(host_state_name((enum host_state)-1), "?");
}

static const char *ssh_phases[] = {
	"none", "resolve", "connect", "handshake", "hostkey", "auth", "exec",
	"open", "send", "recv", "closing", "down"
};
#define NPHASES	(sizeof ssh_phases / sizeof ssh_phases[0])

static void
test_ssh_change(const char *a, const char *b, int want)
{
	int	got = transport_ssh_transition_ok(a, b);

	if (got != want)
		fail_msg("ssh %s -> %s: %d, want %d", a, b, got, want);
}

static void
test_ssh_transitions(void **state)
{
	size_t	i, j;

	(void)state;
	/* The normal path, through one call on a kept channel. */
	for (i = 0; i + 1 < NPHASES - 2; i++)	/* none ... recv */
		test_ssh_change(ssh_phases[i], ssh_phases[i + 1], 1);
	test_ssh_change("recv", "open", 1);	/* kept between calls */
	test_ssh_change("recv", "closing", 1);	/* no reply: why */
	test_ssh_change("handshake", "connect", 1);	/* next address */
	/* Every phase but down itself may go down. */
	for (i = 0; i < NPHASES - 1; i++)
		test_ssh_change(ssh_phases[i], "down", 1);

	/* Changes that do not exist. */
	test_ssh_change("open", "recv", 0);
	test_ssh_change("recv", "send", 0);
	test_ssh_change("auth", "open", 0);
	test_ssh_change("closing", "open", 0);
	test_ssh_change("none", "connect", 0);
	test_ssh_change("hostkey", "exec", 0);
	for (j = 0; j < NPHASES; j++)
		test_ssh_change("down", ssh_phases[j], 0);
	/* None is only the start. */
	for (i = 0; i < NPHASES; i++)
		test_ssh_change(ssh_phases[i], "none", 0);

	/* A phase that does not exist, either side. */
	assert_int_equal(transport_ssh_transition_ok("open", "opened"), -1);
	assert_int_equal(transport_ssh_transition_ok("bogus", "down"), -1);
	assert_int_equal(transport_ssh_transition_ok("", ""), -1);
}

/* Append to w one packed reply to request id, from h, with some data. */
static void
test_pack_reply(struct wire_writer *w, struct host *h, const char *id)
{
	struct wire_writer	data;
	struct proto_reply	rep;

	wire_writer_init(&data);
	wire_put_map(&data, 2);
	wire_put_kint(&data, "exitcode", 0);
	wire_put_kstr(&data, "stdout", "hello\n");
	memset(&rep, 0, sizeof rep);
	rep.v = 1;
	assert_true(strlen(id) < sizeof rep.id);
	memcpy(rep.id, id, strlen(id) + 1);
	rep.sender = h->name;
	rep.statuscode = MUSTER_OK;
	rep.statusmsg = (char *)"OK";
	rep.data_raw = wire_writer_data(&data, &rep.data_len);
	proto_reply_pack(w, &rep);
	wire_writer_release(&data);
}

/* Feed h the reply to id, with len cut to cut bytes if cut is not 0. */
static void
test_feed(struct host *h, const char *id, size_t copies, size_t cut)
{
	struct wire_writer	 w;
	const char		*buf;
	size_t			 len, i;

	wire_writer_init(&w);
	for (i = 0; i < copies; i++)
		test_pack_reply(&w, h, id);
	buf = wire_writer_data(&w, &len);
	if (cut != 0) {
		assert_true(cut < len);
		len = cut;
	}
	result_set_reply(h, buf, len);
	wire_writer_release(&w);
}

/* h's result is an agent error saying what, and holds no reply. */
static void
test_agent_error(struct host *h, const char *what)
{
	const struct result	*res = &h->result;

	assert_int_equal(res->status, RESULT_AGENT);
	assert_non_null(res->statusmsg);
	if (strstr(res->statusmsg, what) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", res->statusmsg, what);
	assert_false(res->have_reply);
	assert_null(result_data(res, "stdout"));
	assert_null(result_data(res, "exitcode"));
	assert_int_equal(h->run->reply_bytes, 0);
}

static void
test_reply_by_id(void **state)
{
	struct run	*r = unit_run(9, 0);
	struct host	*h;
	char		 id1[PROTO_ID_LEN + 1], id2[PROTO_ID_LEN + 1];
	char		 foreign[PROTO_ID_LEN + 1], want[128];

	(void)state;
	proto_new_id(id1);
	proto_new_id(id2);
	proto_new_id(foreign);
	assert_string_not_equal(id1, id2);
	assert_string_not_equal(id1, foreign);

	/* The late reply: to the host's earlier call, now on another. */
	h = r->hosts[0];
	h->call_id = id1;	/* its first call */
	h->call_id = id2;	/* the call it is on now */
	test_feed(h, id1, 1, 0);
	snprintf(want, sizeof want, "another request (id %s)", id1);
	test_agent_error(h, want);

	/* Two whole replies with the right id. */
	h = r->hosts[1];
	h->call_id = id1;
	test_feed(h, id1, 2, 0);
	test_agent_error(h, "more than one reply");

	/* An id no call of this host had. */
	h = r->hosts[2];
	h->call_id = id1;
	test_feed(h, foreign, 1, 0);
	snprintf(want, sizeof want, "another request (id %s)", foreign);
	test_agent_error(h, want);

	/* No id: the agent could not read the request. */
	h = r->hosts[3];
	h->call_id = id1;
	test_feed(h, "", 1, 0);
	test_agent_error(h, "the agent could not read the request");

	/* A reply cut short. */
	h = r->hosts[4];
	h->call_id = id1;
	test_feed(h, id1, 1, 10);
	test_agent_error(h, "reply is not valid: truncated");

	/* A reply with the run's id when the host has its own call's. */
	h = r->hosts[5];
	h->call_id = id1;
	test_feed(h, r->request_id, 1, 0);
	test_agent_error(h, "another request");

	/* Without a call id, only the run's request id will do. */
	h = r->hosts[6];
	assert_null(h->call_id);
	test_feed(h, foreign, 1, 0);
	snprintf(want, sizeof want, "another request (id %s)", foreign);
	test_agent_error(h, want);

	/* Nothing above was kept; the right id is, and counted. */
	h = r->hosts[7];
	h->call_id = id2;
	test_feed(h, id2, 1, 0);
	assert_int_equal(h->result.status, RESULT_OK);
	assert_true(h->result.have_reply);
	assert_string_equal(h->result.statusmsg, "OK");
	assert_string_equal(h->result.reply.id, id2);
	assert_non_null(result_data(&h->result, "stdout"));
	assert_true(r->reply_bytes > 0);

	/* Without a call id, the run's request id is the one. */
	h = r->hosts[8];
	test_feed(h, r->request_id, 1, 0);
	assert_int_equal(h->result.status, RESULT_OK);
	assert_true(h->result.have_reply);

	run_free(r);
}

static void
test_finish_cancelled(void **state)
{
	struct run	*r = unit_run(2, 0);
	struct host	*h = r->hosts[0];

	(void)state;
	r->next = 1;
	r->active = 1;		/* another host is running */
	result_set_error(&h->result, RESULT_CANCELLED, "not started");
	fanout_finish(h, HOST_FAILED);
	assert_int_equal(r->finished, 1);
	assert_int_equal(r->active, 1);
	assert_int_equal(h->state, HOST_FAILED);
	assert_false(timerisset(&h->started));
	assert_int_equal(h->result.status, RESULT_CANCELLED);
	assert_string_equal(h->result.statusmsg, "not started");
	run_free(r);
}

static void
test_finish_active(void **state)
{
	struct run	*r = unit_run(2, 0);
	struct host	*h = r->hosts[0];

	(void)state;
	host_set_state(h, HOST_OPENING);
	assert_true(timerisset(&h->started));
	r->next = 1;
	r->active = 1;
	h->result.elapsed_ms = -1;
	result_set_error(&h->result, RESULT_UNREACHABLE, "refused");
	fanout_finish(h, HOST_FAILED);
	assert_int_equal(r->finished, 1);
	assert_int_equal(r->active, 0);
	assert_int_equal(h->state, HOST_FAILED);
	assert_true(h->result.elapsed_ms >= 0);
	assert_int_equal(h->result.status, RESULT_UNREACHABLE);
	/* Never ready: no connect or call time. */
	assert_int_equal(h->result.connect_ms, -1);
	assert_int_equal(h->result.call_ms, -1);
	run_free(r);
}

static void
test_finish_no_outcome(void **state)
{
	struct run	*r = unit_run(2, 0);
	struct host	*h = r->hosts[1];

	(void)state;
	host_set_state(h, HOST_OPENING);
	host_set_state(h, HOST_READY);
	host_set_state(h, HOST_CALLING);
	assert_true(timerisset(&h->ready));
	r->next = 2;
	r->active = 1;
	fanout_finish(h, HOST_DONE);
	assert_int_equal(r->finished, 1);
	assert_int_equal(r->active, 0);
	assert_int_equal(h->state, HOST_DONE);
	assert_int_equal(h->result.status, RESULT_AGENT);
	assert_string_equal(h->result.statusmsg, "no outcome");
	assert_true(h->result.elapsed_ms >= 0);
	assert_true(h->result.connect_ms >= 0);
	assert_true(h->result.call_ms >= 0);
	/* The other host was left alone. */
	assert_int_equal(r->hosts[0]->state, HOST_PENDING);
	assert_int_equal(r->hosts[0]->result.status, RESULT_NONE);
	run_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_transitions),
		cmocka_unit_test(test_host_state_names),
		cmocka_unit_test(test_ssh_transitions),
		cmocka_unit_test(test_reply_by_id),
		cmocka_unit_test(test_finish_cancelled),
		cmocka_unit_test(test_finish_active),
		cmocka_unit_test(test_finish_no_outcome),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
