/*
 * test-proto.c: unit tests of the request and reply messages (lib/proto.c):
 * pack and parse round trips, and the status code of each parse error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "muster-protocol.h"
#include "proto.h"
#include "wire.h"
#include "xmalloc.h"

/* How one key of a test request is written. */
enum test_kind {
	TEST_VALID,	/* the usual value */
	TEST_SKIP,	/* left out */
	TEST_NIL,
	TEST_INT,	/* 7 */
	TEST_STR,	/* "x" */
	TEST_ARRAY,	/* [] */
	TEST_NEGATIVE,	/* -1 */
	TEST_LONG,	/* a string of 40 letters */
	TEST_BADNAME,	/* "Bad Name!" */
	TEST_MAP	/* {} */
};

static const char *test_request_keys[] = {
	"v", "id", "agent", "action", "args", "filter", "caller", "reason",
	"timeout", "time", "facts"
};
#define TEST_NKEYS (sizeof test_request_keys / sizeof test_request_keys[0])

/* Write a key's value of a given kind; 0 if the kind is TEST_VALID. */
static int
test_put_kind(struct wire_writer *w, enum test_kind kind)
{
	switch (kind) {
	case TEST_NIL:
		wire_put_nil(w);
		break;
	case TEST_INT:
		wire_put_int(w, 7);
		break;
	case TEST_STR:
		wire_put_str(w, "x");
		break;
	case TEST_ARRAY:
		wire_put_array(w, 0);
		break;
	case TEST_NEGATIVE:
		wire_put_int(w, -1);
		break;
	case TEST_LONG:
		wire_put_str(w, "abcdefghijklmnopqrstuvwxyzabcdefghijklmn");
		break;
	case TEST_BADNAME:
		wire_put_str(w, "Bad Name!");
		break;
	case TEST_MAP:
		wire_put_map(w, 0);
		break;
	default:
		return (0);
	}
	return (1);
}

/* A valid request with one key written as kind. */
static void
test_request(struct wire_writer *w, const char *key, enum test_kind kind)
{
	size_t	i, n = 0;
	int	mine;

	for (i = 0; i < TEST_NKEYS; i++) {
		if (key == NULL || strcmp(key, test_request_keys[i]) != 0 ||
		    kind != TEST_SKIP)
			n++;
	}
	wire_put_map(w, n);
	for (i = 0; i < TEST_NKEYS; i++) {
		mine = key != NULL && strcmp(key, test_request_keys[i]) == 0;
		if (mine && kind == TEST_SKIP)
			continue;
		wire_put_str(w, test_request_keys[i]);
		if (mine && test_put_kind(w, kind))
			continue;
		switch (i) {
		case 0:
			wire_put_int(w, 1);
			break;
		case 1:
			wire_put_str(w, "0123456789abcdef0123456789abcdef");
			break;
		case 2:
			wire_put_str(w, "shell");
			break;
		case 3:
			wire_put_str(w, "run");
			break;
		case 4:
			wire_put_map(w, 1);
			wire_put_kstr(w, "command", "true");
			break;
		case 5:
			wire_put_array(w, 2);
			wire_put_str(w, "agent");
			wire_put_str(w, "shell");
			break;
		case 6:
			wire_put_str(w, "op@host");
			break;
		case 7:
			wire_put_str(w, "because");
			break;
		case 10:
			wire_put_bool(w, 1);
			break;
		default:
			wire_put_int(w, 30);
			break;
		}
	}
}

/* Parse a test request; the status code, and the cause in *cause. */
static int
test_parse(const char *key, enum test_kind kind, char **cause)
{
	struct wire_writer	 w;
	struct wire_msg		 msg;
	struct proto_request	 req;
	const char		*buf, *why;
	size_t			 len;
	int			 r;

	wire_writer_init(&w);
	test_request(&w, key, kind);
	buf = wire_writer_data(&w, &len);
	assert_int_equal(wire_decode(buf, len, &msg, NULL, &why), 1);
	r = proto_request_parse(msg.root, &req, cause);
	if (r == 0)
		assert_null(*cause);
	else
		assert_non_null(*cause);
	proto_request_release(&req);
	wire_msg_release(&msg);
	wire_writer_release(&w);
	return (r);
}

static void
test_request_round_trip(void **state)
{
	struct proto_request	 req, out;
	struct wire_writer	 w, args, filter;
	struct wire_msg		 msg;
	const char		*buf, *cause;
	char			*s, *err = NULL;
	size_t			 len;
	int64_t			 n;
	int			 pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		wire_writer_init(&args);
		wire_put_map(&args, 2);
		wire_put_kstr(&args, "command", "uptime");
		wire_put_kint(&args, "timeout", 5);
		/* A filter is a tree of arrays (filter_put). */
		wire_writer_init(&filter);
		wire_put_array(&filter, 4);
		wire_put_str(&filter, "fact");
		wire_put_str(&filter, "role");
		wire_put_str(&filter, "=");
		wire_put_str(&filter, "web");

		memset(&req, 0, sizeof req);
		proto_new_id(req.id);
		req.agent = xstrdup("shell");
		req.action = xstrdup("run");
		req.caller = xstrdup("ops@bastion");
		req.timeout = 30;
		req.time = 1700000000;
		req.args_raw = wire_writer_data(&args, &req.args_len);
		if (pass == 1) {
			req.reason = xstrdup("deploy 42");
			req.filter_raw = wire_writer_data(&filter,
			    &req.filter_len);
			req.facts = 1;
		}

		wire_writer_init(&w);
		proto_request_pack(&w, &req);
		buf = wire_writer_data(&w, &len);
		assert_int_equal(wire_decode(buf, len, &msg, NULL, &cause), 1);
		assert_int_equal(wire_len(msg.root), pass == 1 ? 11 : 8);
		assert_int_equal(proto_request_parse(msg.root, &out, &err), 0);
		assert_null(err);

		assert_true(out.v == MUSTER_PROTOCOL_VERSION);
		assert_string_equal(out.id, req.id);
		assert_string_equal(out.agent, "shell");
		assert_string_equal(out.action, "run");
		assert_string_equal(out.caller, "ops@bastion");
		assert_true(out.timeout == 30);
		assert_true(out.time == 1700000000);
		assert_int_equal(wire_get_str(out.args, "command", &s), 0);
		assert_string_equal(s, "uptime");
		free(s);
		assert_int_equal(wire_get_int(out.args, "timeout", &n), 0);
		assert_true(n == 5);
		if (pass == 1) {
			assert_string_equal(out.reason, "deploy 42");
			assert_non_null(out.filter);
			assert_int_equal(wire_len(out.filter), 4);
			assert_int_equal(wire_str(wire_array_at(out.filter, 3),
			    &cause, &len), 0);
			assert_true(len == 3 && memcmp(cause, "web", 3) == 0);
			assert_int_equal(out.facts, 1);
		} else {
			assert_null(out.reason);
			assert_null(out.filter);
			assert_int_equal(out.facts, 0);
			assert_null(wire_map_get(msg.root, "filter"));
			assert_null(wire_map_get(msg.root, "reason"));
			/* Not asked: not sent, so older agents never see it. */
			assert_null(wire_map_get(msg.root, "facts"));
		}

		proto_request_release(&out);
		wire_msg_release(&msg);
		wire_writer_release(&w);
		proto_request_release(&req);
		wire_writer_release(&args);
		wire_writer_release(&filter);
	}
}

static void
test_request_errors(void **state)
{
	static const struct {
		const char	*key;
		enum test_kind	 kind;
		int		 code;
	} cases[] = {
		{ NULL, TEST_VALID, 0 },
		{ "id", TEST_SKIP, MUSTER_MISSING_DATA },
		{ "id", TEST_NIL, MUSTER_MISSING_DATA },
		{ "id", TEST_INT, MUSTER_INVALID_DATA },
		{ "id", TEST_LONG, MUSTER_INVALID_DATA },
		{ "id", TEST_BADNAME, MUSTER_INVALID_DATA },
		{ "v", TEST_SKIP, MUSTER_MISSING_DATA },
		{ "v", TEST_STR, MUSTER_INVALID_DATA },
		{ "v", TEST_INT, MUSTER_INVALID_DATA },
		{ "agent", TEST_SKIP, MUSTER_MISSING_DATA },
		{ "agent", TEST_INT, MUSTER_INVALID_DATA },
		{ "agent", TEST_BADNAME, MUSTER_INVALID_DATA },
		{ "action", TEST_SKIP, MUSTER_MISSING_DATA },
		{ "action", TEST_ARRAY, MUSTER_INVALID_DATA },
		{ "args", TEST_SKIP, MUSTER_MISSING_DATA },
		{ "args", TEST_ARRAY, MUSTER_INVALID_DATA },
		{ "args", TEST_NIL, MUSTER_MISSING_DATA },
		{ "filter", TEST_SKIP, 0 },
		{ "filter", TEST_NIL, 0 },
		{ "filter", TEST_STR, MUSTER_INVALID_DATA },
		/* A map is no tree: what an older client might have sent. */
		{ "filter", TEST_MAP, MUSTER_INVALID_DATA },
		/* Only the shape: filter_from_wire() checks the tree. */
		{ "filter", TEST_ARRAY, 0 },
		{ "caller", TEST_SKIP, 0 },
		{ "caller", TEST_INT, MUSTER_INVALID_DATA },
		{ "reason", TEST_SKIP, 0 },
		{ "reason", TEST_ARRAY, MUSTER_INVALID_DATA },
		{ "timeout", TEST_SKIP, 0 },
		{ "timeout", TEST_STR, MUSTER_INVALID_DATA },
		{ "timeout", TEST_NEGATIVE, MUSTER_INVALID_DATA },
		{ "time", TEST_STR, MUSTER_INVALID_DATA },
		{ "facts", TEST_SKIP, 0 },
		{ "facts", TEST_NIL, 0 },
		{ "facts", TEST_STR, MUSTER_INVALID_DATA },
		{ "facts", TEST_INT, MUSTER_INVALID_DATA },
	};
	char	*cause;
	size_t	 i;
	int	 r;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		r = test_parse(cases[i].key, cases[i].kind, &cause);
		if (r != cases[i].code)
			fail_msg("%s kind %d: %d, expected %d (%s)",
			    cases[i].key, cases[i].kind, r, cases[i].code,
			    cause != NULL ? cause : "");
		if (r != 0 && cases[i].key != NULL &&
		    strstr(cause, cases[i].key) == NULL)
			fail_msg("%s: message does not name it: %s",
			    cases[i].key, cause);
		free(cause);
	}
}

static void
test_request_version(void **state)
{
	struct wire_writer	 w;
	struct wire_msg		 msg;
	struct proto_request	 req;
	const char		*buf, *why;
	char			*cause = NULL;
	size_t			 len;

	(void)state;
	wire_writer_init(&w);
	wire_put_map(&w, 2);
	wire_put_kint(&w, "v", 2);
	wire_put_kstr(&w, "id", "abc");
	buf = wire_writer_data(&w, &len);
	assert_int_equal(wire_decode(buf, len, &msg, NULL, &why), 1);
	assert_int_equal(proto_request_parse(msg.root, &req, &cause),
	    MUSTER_INVALID_DATA);
	assert_non_null(strstr(cause, "version 2"));
	/* The id is known, to answer with. */
	assert_string_equal(req.id, "abc");
	free(cause);
	proto_request_release(&req);
	wire_msg_release(&msg);

	/* Not a map at all. */
	wire_writer_reset(&w);
	wire_put_array(&w, 0);
	buf = wire_writer_data(&w, &len);
	assert_int_equal(wire_decode(buf, len, &msg, NULL, &why), 1);
	assert_int_equal(proto_request_parse(msg.root, &req, &cause),
	    MUSTER_INVALID_DATA);
	free(cause);
	proto_request_release(&req);
	wire_msg_release(&msg);
	wire_writer_release(&w);
}

static void
test_reply_round_trip(void **state)
{
	struct proto_reply	 rep, out;
	struct wire_writer	 w, data, facts;
	struct wire_msg		 msg;
	const char		*buf, *cause;
	char			*s, *err = NULL;
	size_t			 len;
	int			 pass;

	(void)state;
	for (pass = 0; pass < 3; pass++) {
		wire_writer_init(&data);
		wire_put_map(&data, 1);
		wire_put_kstr(&data, "stdout", "up 3 days\n");
		wire_writer_init(&facts);
		wire_put_map(&facts, 1);
		wire_put_kstr(&facts, "os.family", "debian");

		memset(&rep, 0, sizeof rep);
		proto_new_id(rep.id);
		rep.sender = xstrdup("web01");
		rep.statuscode = MUSTER_ABORTED;
		rep.statusmsg = xstrdup("exit code 3");
		rep.timed_out = 1;
		rep.elapsed_ms = 1234;
		if (pass >= 1)
			rep.data_raw = wire_writer_data(&data, &rep.data_len);
		if (pass == 2) {
			rep.skipped = 1;
			rep.facts_raw = wire_writer_data(&facts,
			    &rep.facts_len);
		}

		wire_writer_init(&w);
		proto_reply_pack(&w, &rep);
		buf = wire_writer_data(&w, &len);
		assert_int_equal(wire_decode(buf, len, &msg, NULL, &cause), 1);
		assert_int_equal(proto_reply_parse(msg.root, &out, &err), 0);
		assert_null(err);

		assert_string_equal(out.id, rep.id);
		assert_string_equal(out.sender, "web01");
		assert_int_equal(out.statuscode, MUSTER_ABORTED);
		assert_string_equal(out.statusmsg, "exit code 3");
		assert_int_equal(out.timed_out, 1);
		assert_int_equal(out.skipped, pass == 2);
		assert_true(out.elapsed_ms == 1234);
		assert_non_null(out.data);
		if (pass == 0)
			assert_int_equal(wire_len(out.data), 0);
		else {
			assert_int_equal(wire_get_str(out.data, "stdout", &s),
			    0);
			assert_string_equal(s, "up 3 days\n");
			free(s);
		}
		if (pass == 2) {
			assert_non_null(out.facts);
			assert_int_equal(wire_get_str(out.facts, "os.family",
			    &s), 0);
			assert_string_equal(s, "debian");
			free(s);
		} else {
			assert_null(out.facts);
			assert_null(wire_map_get(msg.root, "facts"));
		}

		proto_reply_release(&out);
		wire_msg_release(&msg);
		wire_writer_release(&w);
		proto_reply_release(&rep);
		wire_writer_release(&data);
		wire_writer_release(&facts);
	}
}

/* Parse a reply map built by hand; 0 or -1. */
static int
test_reply(int keep, const char *key, enum test_kind kind)
{
	static const char *keys[] = { "v", "id", "sender", "statuscode",
	    "statusmsg", "data" };
	struct wire_writer	 w;
	struct wire_msg		 msg;
	struct proto_reply	 rep;
	const char		*buf, *why;
	char			*cause = NULL;
	size_t			 len, i, n = 0;
	int			 r;

	wire_writer_init(&w);
	for (i = 0; i < 6; i++) {
		if (strcmp(keys[i], key) != 0 || keep)
			n++;
	}
	wire_put_map(&w, n);
	for (i = 0; i < 6; i++) {
		if (strcmp(keys[i], key) == 0) {
			if (!keep)
				continue;
			wire_put_str(&w, keys[i]);
			test_put_kind(&w, kind);
			continue;
		}
		wire_put_str(&w, keys[i]);
		switch (i) {
		case 0:
			wire_put_int(&w, 1);
			break;
		case 1:
			wire_put_str(&w, "abc");
			break;
		case 2:
			wire_put_str(&w, "web01");
			break;
		case 3:
			wire_put_int(&w, 0);
			break;
		case 4:
			wire_put_str(&w, "");
			break;
		default:
			wire_put_map(&w, 0);
			break;
		}
	}
	buf = wire_writer_data(&w, &len);
	assert_int_equal(wire_decode(buf, len, &msg, NULL, &why), 1);
	r = proto_reply_parse(msg.root, &rep, &cause);
	if (r == 0) {
		assert_null(cause);
		assert_non_null(rep.statusmsg);
	} else
		assert_non_null(cause);
	free(cause);
	proto_reply_release(&rep);
	wire_msg_release(&msg);
	wire_writer_release(&w);
	return (r);
}

static void
test_reply_errors(void **state)
{
	(void)state;
	assert_int_equal(test_reply(0, "none", TEST_VALID), 0);
	assert_int_equal(test_reply(0, "v", TEST_VALID), -1);
	assert_int_equal(test_reply(1, "v", TEST_INT), -1);
	assert_int_equal(test_reply(0, "id", TEST_VALID), -1);
	assert_int_equal(test_reply(1, "id", TEST_INT), -1);
	assert_int_equal(test_reply(1, "id", TEST_LONG), -1);
	assert_int_equal(test_reply(0, "sender", TEST_VALID), -1);
	assert_int_equal(test_reply(1, "sender", TEST_INT), -1);
	assert_int_equal(test_reply(0, "statuscode", TEST_VALID), -1);
	assert_int_equal(test_reply(1, "statuscode", TEST_STR), -1);
	assert_int_equal(test_reply(1, "statuscode", TEST_INT), -1);
	assert_int_equal(test_reply(1, "statuscode", TEST_NEGATIVE), -1);
	assert_int_equal(test_reply(0, "statusmsg", TEST_VALID), 0);
	assert_int_equal(test_reply(1, "statusmsg", TEST_INT), -1);
	assert_int_equal(test_reply(0, "data", TEST_VALID), -1);
	assert_int_equal(test_reply(1, "data", TEST_NIL), 0);
	assert_int_equal(test_reply(1, "data", TEST_ARRAY), -1);
}

static void
test_ids_and_names(void **state)
{
	char	a[PROTO_ID_LEN + 1], b[PROTO_ID_LEN + 1];

	(void)state;
	proto_new_id(a);
	proto_new_id(b);
	assert_int_equal(strlen(a), PROTO_ID_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), PROTO_ID_LEN);
	assert_string_not_equal(a, b);

	assert_string_equal(proto_statuscode_name(0), "OK");
	assert_string_equal(proto_statuscode_name(1), "Request Aborted");
	assert_string_equal(proto_statuscode_name(2), "Unknown Action");
	assert_string_equal(proto_statuscode_name(3), "Missing Request Data");
	assert_string_equal(proto_statuscode_name(4), "Invalid Request Data");
	assert_string_equal(proto_statuscode_name(5),
	    "Unknown Request Status");
	assert_string_equal(proto_statuscode_name(99),
	    "Unknown Request Status");
	assert_string_equal(proto_statuscode_name(-1),
	    "Unknown Request Status");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_request_errors),
		cmocka_unit_test(test_request_version),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_reply_errors),
		cmocka_unit_test(test_ids_and_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
